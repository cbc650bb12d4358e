"""Month end: `kebir close` and `kebir reopen` (core/close/run.py does the work, under the books lock)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli import _render
from cli._common import (books_language, diff_text, files_summary, load_warnings, locked, on_date, period_arg,
                         problems_out, progress, show_diff, usage)
from cli._options import BooksOpt, Fmt, FormatOpt
from core import git
from core.close import run
from core.close.plan import summary_text
from core.model.i18n import text


def register(app: typer.Typer) -> None:
    """Add `close` and `reopen` to the root app."""
    app.command("close", rich_help_panel="Month end")(close_cmd)
    app.command("reopen", rich_help_panel="Month end")(reopen_cmd)


def _tagged(names: list[str], lang: str = "en") -> None:
    for name in names:
        sys.stderr.write(text("close.tagged", lang, name=name) + "\n")


def close_cmd(
    period: Annotated[str, typer.Argument(help="The month to close, YYYY-MM.")],
    books: BooksOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Commit exactly the files written; refused while other "
                                          "files of the books are new or changed in git.")] = False,
    commit_all: Annotated[bool, typer.Option("--commit-all", help="With --commit: commit the books' new and changed "
                                              "files in the close's commit too.")] = False,
    on: Annotated[Optional[str], typer.Option("--on", help="The close date recorded (default: today).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who closes (default: git user).")] = None,
    allow_gap: Annotated[bool, typer.Option("--allow-gap", help="Close although the previous month is open.")] = False,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help="Close a month that has no documents, no sales "
                                              "and no bank lines although the month before had them (W010).")] = False,
    provisions: Annotated[Optional[bool], typer.Option(
        "--accept-provisions/--no-provisions", help="At the year end: post the provisions the close proposes "
        "(doubtful receivables, rediscount, severance, unused leave), or close without them.")] = None,
    mark_filed: Annotated[bool, typer.Option("--mark-filed", help="Mark the closed PERIOD as filed (VAT "
                                             "return / e-ledger submitted): it can no longer be reopened.")] = False,
    lock_timeout: Annotated[float, typer.Option("--lock-timeout", help="Seconds to wait for the books lock.")] = 10.0,
    report: Annotated[Optional[str], typer.Option("--report",
                                                  help="Also write the close pack (HTML) into DIR.")] = None,
    charge: Annotated[Optional[str], typer.Option("--charge", help="Charge the month's count shortage (197) to "
                                                  "this employee's receivable (135) instead of the books' "
                                                  "[close] count_differences policy.")] = None,
    fmt: FormatOpt = Fmt.text,
    diff: Annotated[bool, typer.Option("--diff", help="With --dry-run: the whole diff of the files it would write "
                                       "(the seal included), not the one-line summary.")] = False,
) -> None:
    """Close a month: checklist, generated entries, close record and seal.

    \b
    Examples:
      kebir close 2025-01 --books ledger-data --on 2025-02-03 --dry-run
      kebir close 2025-01 --books ledger-data --on 2025-02-03 --dry-run --diff
      kebir close 2025-01 --books ledger-data --on 2025-02-03 --charge EM-0007 --dry-run
      kebir close 2025-01 --books ledger-data --on 2025-02-03 --commit
    """
    period = period_arg(period)
    if commit_all and not commit:
        raise usage("--commit-all goes with --commit")
    day = on_date(on) or date.today()
    who = by or git.user()
    with locked(books) as root:
        lang = books_language(root)          # what the terminal says to people; the record stays English
        if mark_filed:
            filed = run.run_mark_filed(root, period, day, who, dry_run=dry_run, commit=commit,
                                       lock_timeout=lock_timeout)
            load_warnings(filed.load_problems)
            if filed.refused:
                sys.stderr.write(f"kebir: {filed.refused}\n")
                raise typer.Exit(1)
            if dry_run:
                show_diff(root, filed.files)
            _tagged(filed.tags, lang)
            sys.stderr.write(text("close.marked_filed", lang, period=period) + "\n")
            return
        with progress(text("progress.closing", lang, period=period), lang):
            done = run.run_close(root, period, day, who, allow_gap=allow_gap, allow_empty=allow_empty,
                                 accept_provisions=provisions, dry_run=dry_run, commit=commit,
                                 commit_all=commit_all, charge=charge,
                                 report_dir=Path(report) if report and not dry_run else None,
                                 lock_timeout=lock_timeout)
    load_warnings(done.load_problems)
    if done.status == "errors":
        problems_out(done.problems, root, "kebir: " + text("close.errors", lang, period=period))
        raise typer.Exit(1)
    if done.status == "no-git":
        raise usage(f"{period} not closed: --commit needs the books in a git repository ({done.uncommitted[0]}); "
                    f"run git init and commit the books first, or close without --commit")
    if done.status == "uncommitted":
        names = "\n".join(f"  {rel}" for rel in done.uncommitted)
        raise usage(f"{period} not closed: --commit would seal records that no commit holds; git has these "
                    f"files of the books as new or changed:\n{names}\n  hint: commit them first (git add -A && "
                    f"git commit), or close with --commit --commit-all to commit them with the close")
    if done.status == "already-closed":
        sys.stderr.write("kebir: " + text("close.already", lang, period=period) + "\n")
        raise typer.Exit(1)
    plan, rec = done.plan, done.record
    if fmt is Fmt.json:
        # a dry run's diff goes inside the JSON, so stdout stays one JSON document
        _render.emit(json.dumps({"period": period, "ok": plan.ok, "record": rec.as_dict(),
                                 "problems": [p.as_dict() for p in plan.problems],
                                 **({"diff": diff_text(root, done.files)} if dry_run else {})},
                                ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        summary = summary_text(plan, rec, done.book)
        _render.emit(_render.md_fence(summary) if fmt is Fmt.md else summary)
    if done.status == "failed":
        for p in plan.problems:
            sys.stderr.write(f"{root / p.path}:{p.line}: {p.code} {p.message}\n  hint: {p.hint}\n")
        sys.stderr.write("kebir: " + text("close.failed", lang, period=period) + "\n")
        raise typer.Exit(1)
    if dry_run and diff and fmt is not Fmt.json:
        show_diff(root, done.files)
    elif dry_run and fmt is not Fmt.json:  # the checklist and entries are above; the files in one line
        sys.stdout.write(files_summary(root, done.files, lang))
    _tagged(done.tags, lang)
    if done.report is not None:
        sys.stderr.write(text("close.pack", lang, path=done.report) + "\n")


def reopen_cmd(
    period: Annotated[str, typer.Argument(help="The closed month to reopen, YYYY-MM.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: recorded in the close record's history.")],
    books: BooksOpt = None,
    cascade: Annotated[bool, typer.Option("--cascade", help="Also reopen the later closed months.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")] = False,
    on: Annotated[Optional[str], typer.Option("--on", help="The date recorded (default: today).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who reopens (default: git user).")] = None,
    lock_timeout: Annotated[float, typer.Option("--lock-timeout", help="Seconds to wait for the books lock.")] = 10.0,
    commit: Annotated[bool, typer.Option("--commit",
                                         help="Commit exactly the files written and tag the reopen.")] = False,
) -> None:
    """Reopen a closed month: record who, when and why, and remove its generated entries.

    \b
    Examples:
      kebir reopen 2025-01 --reason "late bank charges" --cascade --dry-run --books ledger-data
      kebir reopen 2025-01 --reason "supplier invoice SI-2025-0042 booked twice" --books ledger-data
    """
    period = period_arg(period)
    day = on_date(on) or date.today()
    with locked(books) as root:
        done = run.run_reopen(root, period, reason, day, by or git.user(), cascade=cascade, dry_run=dry_run,
                              commit=commit, lock_timeout=lock_timeout)
    if done.refused:
        sys.stderr.write(f"kebir: cannot reopen {period}: {done.refused}\n")
        raise typer.Exit(1)
    if dry_run:
        show_diff(root, done.files)
    _tagged(done.tags)
    if not dry_run:
        sys.stderr.write(f"reopened {', '.join(run.reopened_periods(done.files))}\n")
