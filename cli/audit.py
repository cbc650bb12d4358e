"""`kebir audit log|verify` and `kebir hooks install|run` (core/close/audit.py)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli._options import BooksOpt, Fmt, FormatOpt
from cli._render import md_fence


def _root(books: str | None) -> Path:
    from cli.main import _usage
    from core.books.discover import find_books
    from core.model.errors import BooksError

    try:
        return find_books(books)
    except BooksError as exc:
        raise _usage(str(exc)) from None


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(help="The audit trail from git: a record's history, and a check of the whole history.",
                            no_args_is_help=True)
    hooks_app = typer.Typer(help="Git hooks that keep bad commits out of the books repository.",
                            no_args_is_help=True)
    app.add_typer(audit_app, name="audit", rich_help_panel="Month end")
    app.add_typer(hooks_app, name="hooks", rich_help_panel="Data")

    @audit_app.command("log")
    def audit_log(
        record: Annotated[str, typer.Argument(help="A record id: entry, document, move, contact, account code.")],
        books: BooksOpt = None,
        fmt: FormatOpt = Fmt.text,
    ) -> None:
        """Who changed a record, when, in which commit, with its lines before and after.

        \b
        Examples:
          kebir audit log CU-0050 --books ledger-data
          kebir audit log JE-2025-03-0007 --books ledger-data --format json
        """
        from cli.main import _usage
        from core.close.audit import AuditError, audit_log as run

        root = _root(books)
        try:
            changes = run(root, record)
        except AuditError as exc:
            raise _usage(f"{exc} (is {root} a git repository?)") from None
        if fmt is Fmt.json:
            sys.stdout.write(json.dumps([vars(c) for c in changes], ensure_ascii=False, indent=2) + "\n")
            return
        out = [] if changes else [f"no commit changed {record}\n"]
        for c in changes:
            out.append(f"{c.date} {c.commit} {c.author} <{c.email}>  {c.subject}\n  {c.path}\n")
            out += [f"  - {ln}\n" for ln in c.before if ln not in c.after]
            out += [f"  + {ln}\n" for ln in c.after if ln not in c.before]
        sys.stdout.write(md_fence("".join(out)) if fmt is Fmt.md else "".join(out))

    @audit_app.command("verify")
    def audit_verify(
        books: BooksOpt = None,
        since: Annotated[Optional[str], typer.Option("--since", help="Only commits after this revision.")] = None,
        require_signed: Annotated[bool, typer.Option(
            "--require-signed", help="Every commit to the books must be SSH-signed by its author, by a key in the "
                                     "allowed-signers file named in books.toml ([audit] allowed_signers).")] = False,
        fmt: FormatOpt = Fmt.text,
    ) -> None:
        """Replay git history: commits that broke a sealed month or a close record, or broke the roles.

        \b
        Examples:
          kebir audit verify --books ledger-data
          kebir audit verify --books ledger-data --format json
        """
        from cli.main import _usage, progress
        from core.close.audit import AuditError, SignersError, audit_verify as run

        root = _root(books)
        try:
            with progress("Replaying the history ..."):
                findings, checked = run(root, since, require_signed)
        except SignersError as exc:
            raise _usage(str(exc)) from None
        except AuditError as exc:
            raise _usage(f"{exc} (is {root} a git repository?)") from None
        if fmt is Fmt.json:
            sys.stdout.write(json.dumps({"commits": checked, "findings": [vars(f) for f in findings]},
                                        ensure_ascii=False, indent=2) + "\n")
        else:
            text = "".join(f"{f.date} {f.commit} {f.author} <{f.email}> {f.subject}\n  {f.what}\n" for f in findings)
            text += f"{checked} commit(s) checked, {len(findings)} finding(s)\n"
            sys.stdout.write(md_fence(text) if fmt is Fmt.md else text)
        raise typer.Exit(1 if findings else 0)

    @audit_app.command("tag")
    def audit_tag(
        books: BooksOpt = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="List the tags it would write; write none.")] = False,
    ) -> None:
        """Tag every committed close, reopen and filing that has no tag yet (annotated, never moved).

        `kebir close --commit`, `kebir reopen --commit` and `kebir close --mark-filed --commit` tag as
        they commit; this tags the ones committed by hand. Push the tags where the auditors keep them:
        `git push --follow-tags` (or `git push auditors 'refs/tags/kebir/*'`).

        \b
        Examples:
          kebir audit tag --books ledger-data
          kebir audit tag -B ledger-data --dry-run
        """
        from cli.main import _usage
        from core.close.audit import AuditError
        from core.close.tags import write_tags

        root = _root(books)
        try:
            written = write_tags(root, dry_run)
        except AuditError as exc:
            raise _usage(f"{exc} (is {root} a git repository?)") from None
        for name in written:
            sys.stdout.write(f"{'would tag' if dry_run else 'tagged'} {name}\n")
        sys.stderr.write(f"{len(written)} tag(s) {'to write' if dry_run else 'written'}\n")

    @hooks_app.command("install")
    def hooks_install(books: BooksOpt = None) -> None:
        """Add a pre-commit hook: the staged books must validate and the committer's role allow it.

        \b
        Examples:
          kebir hooks install --books ledger-data
          kebir hooks install -B ledger-data
        """
        from cli.main import _usage
        from core.close.audit import HOOK, AuditError, git

        root = _root(books)
        try:
            hooks = Path(git(root, "rev-parse", "--git-path", "hooks").strip())
        except AuditError as exc:
            raise _usage(f"{exc} (is {root} a git repository?)") from None
        hooks = hooks if hooks.is_absolute() else root / hooks
        hooks.mkdir(parents=True, exist_ok=True)
        path = hooks / "pre-commit"
        kebir = shutil.which("kebir") or f"{sys.executable} -m cli.main"
        if path.exists() and "kebir pre-commit hook" not in path.read_text(encoding="utf-8", errors="replace"):
            raise _usage(f"{path} exists and is not kebir's: add `kebir hooks run` to it yourself")
        top = Path(git(root, "rev-parse", "--show-toplevel").strip())
        where = os.path.relpath(root.resolve(), top.resolve())
        path.write_text(HOOK.format(kebir=kebir, books=shlex.quote(where)), encoding="utf-8")
        path.chmod(0o755)
        sys.stderr.write(f"kebir: pre-commit hook installed in {path}\n")

    @hooks_app.command("run")
    def hooks_run(books: BooksOpt = None) -> None:
        """What the pre-commit hook runs: validate the staged books and check the committer's role.

        \b
        Examples:
          kebir hooks run --books ledger-data
          kebir hooks run -B ledger-data
        """
        from cli import _render
        from core.model import errors
        from core.erp.load import load_ledger
        from core.close import validate
        from core.close.audit import AuditError, git, staged_findings

        root = _root(books)
        try:
            top = Path(git(root, "rev-parse", "--show-toplevel").strip())
            found = staged_findings(root)
        except AuditError as exc:
            sys.stderr.write(f"kebir: {exc}\n")
            raise typer.Exit(1) from None
        with tempfile.TemporaryDirectory(prefix="kebir-staged-") as tmp:
            subprocess.run(["git", "-C", str(top), "checkout-index", "-a", f"--prefix={tmp}/"], check=True,
                           capture_output=True)
            staged = Path(tmp) / root.resolve().relative_to(top.resolve())
            book, problems = load_ledger(staged, use_cache=False)
            problems = errors.sorted_problems(problems + validate.run_all(book))
            bad = [p for p in problems if p.severity == "error"]
            if bad:
                sys.stderr.write(_render.problems_text(bad, str(root), "kebir: commit refused: the staged books "
                                                                        "have errors"))
        for line in found:
            sys.stderr.write(f"kebir: commit refused: {line}\n")
        if bad or found:
            raise typer.Exit(1)
