"""`kebir audit log|verify` and `kebir hooks install|run` (core/close/audit.py)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli._common import progress, usage, writing_root
from cli._options import BooksOpt, Fmt, FormatOpt
from cli import _render
from cli._render import md_fence
from core import git
from core.close.audit import HOOK, SignersError, audit_log as run_log, audit_verify as run_verify, staged_findings
from core.close import checked
from core.close.tags import write_tags
from core.books.discover import find_books
from core.model.errors import BooksError


def _root(books: str | None) -> Path:
    try:
        return find_books(books)
    except BooksError as exc:
        raise usage(str(exc)) from None


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

        root = _root(books)
        try:
            changes = run_log(root, record)
        except git.GitError as exc:
            raise usage(f"{exc} (is {root} a git repository?)") from None
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

        root = _root(books)
        try:
            with progress("Replaying the history ..."):
                findings, n_checked = run_verify(root, since, require_signed)
        except SignersError as exc:
            raise usage(str(exc)) from None
        except git.GitError as exc:
            raise usage(f"{exc} (is {root} a git repository?)") from None
        if fmt is Fmt.json:
            sys.stdout.write(json.dumps({"commits": n_checked, "findings": [vars(f) for f in findings]},
                                        ensure_ascii=False, indent=2) + "\n")
        else:
            text = "".join(f"{f.date} {f.commit} {f.author} <{f.email}> {f.subject}\n  {f.what}\n" for f in findings)
            text += f"{n_checked} commit(s) checked, {len(findings)} finding(s)\n"
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

        root = _root(books)
        try:
            written = write_tags(root, dry_run)
        except git.GitError as exc:
            raise usage(f"{exc} (is {root} a git repository?)") from None
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

        root = writing_root(books)
        try:
            hooks = Path(git.run(root, "rev-parse", "--git-path", "hooks").strip())
        except git.GitError as exc:
            raise usage(f"{exc} (is {root} a git repository?)") from None
        hooks = hooks if hooks.is_absolute() else root / hooks
        hooks.mkdir(parents=True, exist_ok=True)
        path = hooks / "pre-commit"
        kebir = shutil.which("kebir") or f"{sys.executable} -m cli.main"
        if path.exists() and "kebir pre-commit hook" not in path.read_text(encoding="utf-8", errors="replace"):
            raise usage(f"{path} exists and is not kebir's: add `kebir hooks run` to it yourself")
        top = Path(git.run(root, "rev-parse", "--show-toplevel").strip())
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

        root = _root(books)
        try:
            top = Path(git.run(root, "rev-parse", "--show-toplevel").strip())
            found = staged_findings(root)
        except git.GitError as exc:
            sys.stderr.write(f"kebir: {exc}\n")
            raise typer.Exit(1) from None
        with tempfile.TemporaryDirectory(prefix="kebir-staged-") as tmp:
            git.checkout_index(top, Path(tmp))
            staged = Path(tmp) / root.resolve().relative_to(top.resolve())
            bad = [p for p in checked.books_problems(staged, use_cache=False) if p.severity == "error"]
            if bad:
                sys.stderr.write(_render.problems_text(bad, str(root), "kebir: commit refused: the staged books "
                                                                        "have errors"))
        for line in found:
            sys.stderr.write(f"kebir: commit refused: {line}\n")
        if bad or found:
            raise typer.Exit(1)
