"""The month-end use cases, whole: close a month, mark it filed, reopen it. Each takes the books
lock, reads the books under it, checks, writes (or, on a dry run, only returns what it would
write), commits exactly the files written and tags the event (with `commit`), and for a close
re-renders the close pack. The cli shows the outcome; nothing here prints.

A lock not had in time is core.books.store.BooksLocked, nothing written; git refusing a commit
is core.git.GitError after the files are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core import git
from core.erp.load import load_ledger
from core.books import store
from core.close import tags, validate
from core.close.checklist import read_statements
from core.close.plan import compose, plan_close
from core.books.closes import CloseRecord, closed_periods, mark_filed, read_closes, reopen
from core.model import errors
from core.model.errors import Problem


@dataclass
class CloseRun:
    """What `run_close` did. `status`: "closed" (written, or shown with a dry run), "errors" (the
    books have errors: `problems`), "already-closed", or "failed" (a check of the plan failed:
    `plan.problems`), or "uncommitted" (`--commit` asked while files of the books are new or
    changed in git and not to be committed with the close: `uncommitted`, nothing written), or
    "no-git" (`--commit` asked of books git cannot read: `uncommitted` holds what git said)."""
    period: str
    status: str
    load_problems: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    plan: Any = None
    record: dict | None = None
    files: dict[str, str | None] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    report: Path | None = None
    book: Any = None
    uncommitted: list[str] = field(default_factory=list)


@dataclass
class EventRun:
    """What `run_mark_filed` or `run_reopen` did: the files (written unless a dry run), the tags
    written, or why it was refused (nothing written)."""
    period: str
    refused: str | None = None
    files: dict[str, str | None] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    load_problems: list[Problem] = field(default_factory=list)


def commit_and_tag(root: Path, files: dict, message: str) -> list[str]:
    """Commit exactly `files`, then write the annotated tags of the close records' new events
    (core.close.tags); the names of the tags written."""
    git.commit_files(root, files, message)
    return tags.write_tags(root)


def uncommitted_files(root: Path, writing: dict) -> list[str]:
    """The files of the books at `root` that git does not hold as committed (new, changed or
    deleted), other than the ones about to be written (`writing`) and kebir's local `.kebir/`."""
    return [rel for rel in git.uncommitted(root) if rel not in writing and not rel.startswith(".kebir/")]


def close_message(period: str, record: CloseRecord) -> str:
    return (f"close {period}\n\nperiod: {period}\ntotals: debit {record.totals.debit}, "
            f"credit {record.totals.credit}\nseal: {record.seal}\n")


def run_close(root: Path, period: str, day: date, who: str, *, allow_gap: bool = False, allow_empty: bool = False,
              accept_provisions: bool | None = None, dry_run: bool = False, charge: str | None = None,
              commit: bool = False, commit_all: bool = False, report_dir: Path | None = None,
              lock_timeout: float = 10.0) -> CloseRun:
    """Close the month `period` (YYYY-MM) of the books at `root` on `day`, by `who`: under the
    books lock, read every file afresh (no cache entry can stand in for the books a seal covers),
    refuse books with errors or a month already closed, plan the close (checklist, generated
    entries, seal), and when every check passes write the close record and entries; with
    `commit`, commit them and tag the close; with `report_dir`, write the close pack there from
    the books as closed. A dry run returns the files and writes nothing. `charge`: the employee the
    month's count shortage is charged to (core.close.counts).

    With `commit`, the books' files git does not hold as committed (`uncommitted_files`) are
    refused (status "uncommitted", dry run or not): the seal would cover records no commit holds,
    and the close commit would not be the books that were closed. With `commit_all` too they are
    committed in the close's commit instead."""
    with store.books_lock(root, lock_timeout):
        book, loaded = load_ledger(root, use_cache=False)
        closes, found = read_closes(root)
        out = CloseRun(period, "closed", load_problems=loaded, book=book)
        out.problems = errors.sorted_problems(loaded + found + validate.run_all(book))
        if errors.count_errors(out.problems):
            out.status = "errors"
            return out
        if period in closed_periods(closes):
            out.status = "already-closed"
            return out
        out.plan = plan_close(book, period, closed_periods(closes), allow_gap=allow_gap, allow_empty=allow_empty,
                              statements=read_statements(root, book), charge=charge,
                              accept_provisions=accept_provisions)
        out.files, out.record = compose(book, out.plan, closes, day, who)
        if not out.plan.ok:
            out.status = "failed"
            return out
        try:
            others = uncommitted_files(root, out.files) if commit else []
        except git.GitError as exc:             # not a repository, or git missing: nothing written
            out.status, out.uncommitted = "no-git", [str(exc)]
            return out
        if others and not commit_all:
            out.status, out.uncommitted = "uncommitted", others
            return out
        if dry_run:
            return out
        store.apply_files(root, out.files)
        if commit:
            out.tags = commit_and_tag(root, {**dict.fromkeys(others), **out.files}, close_message(period, out.record))
        if report_dir is not None:
            out.report = write_close_pack(root, period, out.record, report_dir)
    return out


def write_close_pack(root: Path, period: str, record: CloseRecord, directory: Path) -> Path:
    """Write the close pack of `period` (HTML, from the books as they now are) into `directory`."""
    from core.reports.close_pack import close_pack_html, entries_from_book  # lazy: only --report renders HTML

    closed_book, _ = load_ledger(root)
    page = close_pack_html(closed_book, period, record.as_dict(),
                           entries_from_book(closed_book, list(record.generated)))
    path = Path(directory) / f"close-{period}.html"
    store.write_atomic(path, page)
    return path


def run_mark_filed(root: Path, period: str, day: date, who: str, *, dry_run: bool = False, commit: bool = False,
                   lock_timeout: float = 10.0) -> EventRun:
    """Mark the closed month `period` as filed (VAT return / e-ledger submitted): it can no longer
    be reopened. Refused (nothing written) when it is not closed or already filed."""
    with store.books_lock(root, lock_timeout):
        _book, loaded = load_ledger(root, use_cache=False)
        closes, _ = read_closes(root)
        files, refused = mark_filed(closes, period, who, day)
        out = EventRun(period, refused[0] if refused else None, files, load_problems=loaded)
        if refused or dry_run:
            return out
        store.apply_files(root, files)
        if commit:
            out.tags = commit_and_tag(root, files, f"file {period}\n\nperiod: {period}\nevent: filed\n")
    return out


def run_reopen(root: Path, period: str, reason: str, day: date, who: str, *, cascade: bool = False,
               dry_run: bool = False, commit: bool = False, lock_timeout: float = 10.0) -> EventRun:
    """Reopen the closed month `period`: record who, when and why in its close record and remove
    its generated entries (and the later closed months' too with `cascade`). Refused (nothing
    written) for a filed month, or one with later closed months without `cascade`."""
    with store.books_lock(root, lock_timeout):
        closes, _ = read_closes(root)
        files, refused = reopen(closes, period, reason, who, day, cascade)
        out = EventRun(period, refused[0] if refused else None, files)
        if refused or dry_run:
            return out
        store.apply_files(root, files)
        if commit:
            out.tags = commit_and_tag(root, files, f"reopen {period}\n\nperiod: {period}\nevent: reopened\n"
                                                   f"reason: {reason}\n")
    return out


def reopened_periods(files: dict) -> list[str]:
    """The months whose close records a reopen rewrote."""
    return sorted({p.split("/")[1][:7] for p in files if p.startswith("closes/")})
