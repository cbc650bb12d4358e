"""What every command group shares: usage errors, finding and opening the books, the writing lock,
showing a report table, the dry-run diff, and the period and date options read as values.

No cli module imports `cli.main`: the app is built there from the group modules, which import this.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import sys
from datetime import date
from pathlib import Path

import typer

from cli import _render
from cli._options import Fmt
from core.books import discover
from core.erp.load import load_ledger
from core.books import safeio, store
from core.ledger.period import span_from
from core.model import errors
from core.model.errors import BooksError, Problem
from core.model.records import Book


def usage(message: str) -> typer.Exit:
    sys.stderr.write(f"kebir: {message}\n")
    return typer.Exit(2)


def progress(message: str):
    """A spinner on the terminal while something long runs (loading, closing, scanning); nothing
    when stderr is not a terminal or the output is JSON, so scripts see only their output."""
    argv = sys.argv[1:]
    wants_json = any(a in ("--format=json", "-fjson") for a in argv) or any(
        a in ("--format", "-f") and b == "json" for a, b in zip(argv, argv[1:]))
    if not sys.stderr.isatty() or wants_json or os.environ.get("KEBIR_NO_PROGRESS"):
        return contextlib.nullcontext()
    return _render.console(stderr=True).status(message, spinner="dots")


def find_root(books: str | None) -> Path:
    """The books directory; a missing one is a usage error (exit 2), a refused one exit 1."""
    try:
        return discover.find_books(books)
    except BooksError as exc:
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        raise typer.Exit(1 if isinstance(exc, safeio.Refused) else 2) from None


def load_warnings(problems: list[Problem]) -> None:
    """Say once on stderr what unreadable private books leave unseen (W005) and that git tracks
    the local `.kebir/` (W008)."""
    for p in problems:
        if p.code in ("W005", "W008"):
            sys.stderr.write(f"kebir: warning {p.code} ({p.path}:{p.line}): {p.message}\n")


def open_books(books: str | None, no_cache: bool = False, *, listing: bool = False
               ) -> tuple[Path, Book, list[Problem]]:
    """Find and load the books; a missing books directory is a usage error (exit 2). Unless the
    command lists problems itself (`listing`), say once on stderr what unreadable private books
    leave unseen (W005): every other command is complete without them; and that git tracks the
    local `.kebir/` (W008)."""
    root = find_root(books)
    try:
        with progress(f"Reading the books in {root} ..."):
            book, problems = load_ledger(root, use_cache=not no_cache)
    except BooksError as exc:
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        raise typer.Exit(1) from None
    if not listing:
        load_warnings(problems)
        if any(p.code == "E195" for p in problems):      # every sum would be a wrong number: show none
            problems_out([p for p in problems if p.code == "E195"], root, "kebir: nothing shown: the books' "
                         "amounts add up past what kebir can add exactly")
            raise typer.Exit(1)
    return root, book, problems


@contextlib.contextmanager
def locked(books: str | None):
    """Find the books (a missing directory is a usage error, exit 2) and turn a lock not had in
    time (core.books.store.BooksLocked) into exit 1, nothing written. For commands whose core use
    case takes the books lock itself (core.close.run, core.crm.apply). Yields the books root."""
    try:
        root = discover.find_books(books)
    except BooksError as exc:
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        raise typer.Exit(2) from None
    try:
        yield root
    except store.BooksLocked as exc:
        sys.stderr.write(f"kebir: {exc}; nothing was written\n")
        raise typer.Exit(1) from None


@contextlib.contextmanager
def writing(books: str | None, lock_timeout: float = 10.0):
    """What every writing command runs in: find the books and take their lock before anything is
    read, so the books are loaded, the change computed and written all under it. A second writer
    waits for the first to finish and then computes from what the first wrote (never from the
    files as they were before: a lost update). A missing books directory is a usage error (exit 2);
    a lock not had in `lock_timeout` seconds exits 1, nothing written. Yields the books root."""
    with locked(books) as root, store.books_lock(root, lock_timeout):
        yield root


def warn_errors(problems: list[Problem]) -> None:
    n_err = errors.count_errors(problems)
    if n_err:
        sys.stderr.write(f"kebir: warning: the books have {n_err} data error(s); entries with errors are left out. "
                         "Run `kebir validate`.\n")
        raise typer.Exit(1)


def show(table, fmt: Fmt, output: str | None) -> None:
    if fmt is Fmt.text and not output:
        _render.table_text(table)
    else:
        from core.reports.html import table_page  # lazy: the HTML page builder only -f html needs

        render = {Fmt.csv: _render.table_csv, Fmt.json: _render.table_json, Fmt.md: _render.table_md,
                  Fmt.html: table_page, Fmt.text: _render.table_md}[fmt]
        _render.emit(render(table), output)


def span_of(period: str | None, begin: str | None, end: str | None):
    """The -p/-b/-e options as a Span; a malformed one is a usage error."""
    try:
        return span_from(period, begin, end)
    except ValueError as exc:
        raise usage(str(exc)) from None


def build(fn, *args, **kwargs):
    """Call a report builder; its ValueError (a bad option value) is a usage error."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise usage(str(exc)) from None


def on_date(on: str | None):
    """The --on option as a date (None when not given); a malformed date is a usage error."""
    try:
        return date.fromisoformat(on) if on else None
    except ValueError:
        raise usage("--on takes a date YYYY-MM-DD") from None


def period_arg(period: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise usage(f"a period is a month: YYYY-MM, not {period!r}")
    return period


def diff_text(root: Path, files: dict) -> str:
    """What writing `files` would change, as a unified diff."""
    out: list[str] = []
    for rel, new in files.items():
        path = root / rel
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        out += difflib.unified_diff(old.splitlines(True), (new or "").splitlines(True), f"a/{rel}", f"b/{rel}")
    return "".join(out)


def show_diff(root: Path, files: dict) -> None:
    """What writing `files` would change, as a unified diff on stdout."""
    sys.stdout.write(diff_text(root, files))


def write_or_show(root: Path, files: dict, dry_run: bool) -> None:
    if dry_run:
        show_diff(root, files)
        return
    store.apply_files(root, files)


def problems_out(problems: list[Problem], root: Path, summary: str) -> None:
    """The errors among `problems` on stdout, in `kebir validate`'s text form, under `summary`."""
    sys.stdout.write(_render.problems_text([p for p in problems if p.severity == "error"], str(root), summary))


def write_checked(root: Path, files: dict[str, str], dry_run: bool, what: str, purge_cache: bool = False) -> None:
    """Write `files` unless they would make the books invalid (core.close.checked.apply_checked):
    then exit 1 naming the new problems. `purge_cache` deletes every file under .kebir/cache in
    the same write. Called under the caller's books lock (cli._common.writing)."""
    from core.close import checked  # lazy: every check's module, which read-only commands never load
    from core.crm.forget import cache_files  # lazy: as above
    if dry_run:
        write_or_show(root, files, True)
        if purge_cache and cache_files(root):
            sys.stderr.write(f"kebir: would purge {len(cache_files(root))} cache file(s) under .kebir/cache\n")
        return
    done = checked.apply_checked(root, files, cache_files if purge_cache else None)
    if not done.written:
        sys.stdout.write(_render.problems_text(done.problems, str(root),
                                               f"kebir: {what} not written: it would make the books invalid"))
        raise typer.Exit(1)
    sys.stderr.write(f"kebir: {what}: {', '.join(sorted(files))}\n")
    if done.purged:
        sys.stderr.write(f"kebir: {len(done.purged)} cache file(s) under .kebir/cache purged\n")
