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
from core.books import discover
from core.erp.load import load_ledger
from core.books import safeio, store
from core.close import checked
from core.crm.forget import cache_files
from core.ledger.period import span_from
from core.reports.speak import in_language
from core.model import errors
from core.model.errors import BooksError, Problem
from core.model.records import Book
from core.model.i18n import known, language, text
from core.model import progress as core_progress
from core.books.settings import read_settings
from core.books.fmt import canonical_files


def usage(message: str) -> typer.Exit:
    sys.stderr.write(f"kebir: {message}\n")
    return typer.Exit(2)


def progress(message: str, lang: str = "en"):
    """While something long runs (loading, closing, scanning, importing): on a terminal, a progress
    bar per stage the core reports (core.model.progress: what, done, total), with the counts and
    the time taken, under `message`; nothing when stderr is not a terminal or the output is JSON,
    so scripts and pipes see only their output. The stages are said in `lang` (the catalogue's
    `progress.<what>`; the core reports them in English, as ids)."""
    argv = sys.argv[1:]
    wants_json = any(a in ("--format=json", "-fjson") for a in argv) or any(
        a in ("--format", "-f") and b == "json" for a, b in zip(argv, argv[1:]))
    if not sys.stderr.isatty() or wants_json or os.environ.get("KEBIR_NO_PROGRESS"):
        return contextlib.nullcontext()
    return _bars(message, lang)


@contextlib.contextmanager
def _bars(message: str, lang: str = "en"):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


    bars = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=_render.console(stderr=True), transient=True)
    tasks: dict[str, int] = {}
    head = bars.add_task(message, total=None)

    def heard(what: str, done: int, total: int) -> None:
        if what not in tasks:
            bars.update(head, visible=False)     # the stages the core reports say more than the spinner
            tasks[what] = bars.add_task(stage_text(what, lang), total=total)
        bars.update(tasks[what], completed=done, total=total)

    with bars, core_progress.reporting(heard):
        yield


def stage_text(what: str, lang: str) -> str:
    """A stage the core reports progress of (`Reading the books`), said in `lang` for the bar."""
    return text(f"progress.{what}", lang) if known(f"progress.{what}") else what


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
        lang = books_language(root)
        with progress(text("progress.reading", lang, path=root), lang):
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


def say_books(root: Path) -> None:
    """Which books a writing command acts on, on stderr before anything else: their path and the
    company's name, so `close --commit` on the wrong company is seen before it is done."""
    try:
        settings = read_settings(root)[0]
        name, lang = settings.name, language(settings.language)
    except (BooksError, OSError, ValueError):
        name, lang = "", "en"
    sys.stderr.write("kebir: " + text("cli.books", lang, path=os.path.abspath(root)) + (f" ({name})" if name else "")
                     + "\n")


def writing_root(books: str | None) -> Path:
    """The books a writing command acts on (anything that writes a file from the books: a record,
    a git hook, a dedup plan): refused (exit 2) when $KEBIR_BOOKS and the books found upwards from
    the current directory differ and --books does not say which; a missing directory is a usage
    error too. Says on stderr which books (`say_books`)."""
    conflict = discover.books_conflict(books)
    if conflict is not None:
        env, up = conflict
        raise usage(f"KEBIR_BOOKS is {env} but the current directory is in the books at {up}: refusing to write "
                    f"to either. Say which with --books {up} (or --books {env}), or unset KEBIR_BOOKS")
    try:
        root = discover.find_books(books)
    except BooksError as exc:
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        raise typer.Exit(2) from None
    say_books(root)
    return root


@contextlib.contextmanager
def locked(books: str | None):
    """Find the books (a missing directory is a usage error, exit 2) and turn a lock not had in
    time (core.books.store.BooksLocked) into exit 1, nothing written. For commands whose core use
    case takes the books lock itself (core.close.run, core.crm.apply). Every writing command comes
    through here: it refuses (exit 2) when $KEBIR_BOOKS and the books found upwards from the current
    directory differ and --books does not say which, and says on stderr which books it acts on.
    Yields the books root."""
    root = writing_root(books)
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


# -o FILE's extension names the format when --format is absent (issue 20: `-o is.html` wrote Markdown).
EXTENSION_FORMATS = {".txt": "text", ".md": "md", ".csv": "csv", ".json": "json", ".html": "html", ".htm": "html",
                     ".xlsx": "xlsx"}

def out_format(fmt, output: str | None) -> str:
    """The format a table command writes in: --format when given, else the one -o FILE's extension
    names, else text. --format and an extension that disagree are a usage error (exit 2): a file
    called tb.csv holding JSON is a mistake nobody would find until it is opened. A file without an
    extension (`-o report`) is written in --format (or text); an extension that names no format
    kebir writes (`-o tb.pdf`, `-o tb.dat`) needs --format to say what goes in it, else it is a
    usage error: a tb.pdf holding Markdown would not open."""
    given = fmt.value if fmt is not None else None
    suffix = Path(output).suffix.lower() if output else ""
    implied = EXTENSION_FORMATS.get(suffix)
    if suffix and implied is None and given is None:
        pdf = " (for a PDF, write .html and print it from the browser)" if suffix == ".pdf" else ""
        raise usage(f"-o {output}: kebir writes no {suffix} file{pdf}; name the file .txt .md .csv .json .html "
                    f"or .xlsx, or say what it holds with --format")
    if given and implied and given != implied and not (given == "text" and implied == "md"):
        raise usage(f"--format {given} does not match -o {output} (a .{Path(output).suffix.lower()[1:]} file "
                    f"holds {implied}): drop --format, or name the file for its format")
    return given or implied or "text"


def show(table, fmt, output: str | None, csv_dialect: str | None = None, *, lang: str) -> None:
    """Render a report table in the format asked for (`out_format`), to stdout or -o FILE. The one
    renderer every table command goes through. Text, markdown, HTML and xlsx are for people and speak
    `lang`: the caller says it, from the book it rendered (`book_language`, or --lang through
    `report_language`), never from whatever books were opened last; csv and json keep the report's
    ids and words (core/reports/speak.py)."""
    kind = out_format(fmt, output)
    if csv_dialect is not None and kind != "csv":
        raise usage(f"--csv-dialect {csv_dialect} applies to CSV output, not {kind}")
    if kind in ("text", "md", "html", "xlsx"):
        table = in_language(table, lang)
    if kind == "text" and not output:
        _render.table_text(table)
        return
    if kind == "xlsx":
        from core.reports.xlsx import table_xlsx  # lazy: only -f xlsx needs xlsxwriter
        if not output and sys.stdout.isatty():
            raise usage("an xlsx workbook is not for the terminal: give -o FILE.xlsx")
        _render.emit(table_xlsx(table), output)
        return
    if kind == "csv":
        try:
            _render.emit(_render.table_csv(table, csv_dialect), output)
        except ValueError as exc:
            raise usage(str(exc)) from None
        return
    from core.reports.html import table_page  # lazy: the HTML page builder only -f html needs

    render = {"json": _render.table_json, "md": _render.table_md, "html": table_page, "text": _render.table_md}[kind]
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


def changed_lines(root: Path, rel: str, new: str | None) -> tuple[int, int]:
    """(lines added, lines removed) by writing `new` (None: deleting) over root/rel."""
    path = root / rel
    old = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    plus = minus = 0
    for line in difflib.unified_diff(old, (new or "").splitlines(), lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            plus += 1
        elif line.startswith("-") and not line.startswith("---"):
            minus += 1
    return plus, minus


def files_summary(root: Path, files: dict, lang: str = "en") -> str:
    """One line saying what writing `files` would do: how many files, which, lines added and removed
    (`close --dry-run` without --diff: the seal alone is thousands of lines), in `lang`."""
    parts = []
    for rel in sorted(files):
        plus, minus = changed_lines(root, rel, files[rel])
        state = "delete" if files[rel] is None else ("new" if not (root / rel).exists() else "")
        state = text(f"close.{state}", lang) if state else ""
        parts.append(f"{rel} ({state + ', ' if state else ''}+{plus} -{minus})")
    return text("close.would_write", lang, n=len(files), files=", ".join(parts)) + "\n"


def write_or_show(root: Path, files: dict, dry_run: bool) -> None:
    if dry_run:
        show_diff(root, files)
        return
    store.apply_files(root, files)


def problems_out(problems: list[Problem], root: Path, summary: str) -> None:
    """The errors among `problems` on stdout, in `kebir validate`'s text form, under `summary`."""
    sys.stdout.write(_render.problems_text([p for p in problems if p.severity == "error"], str(root), summary))


def write_checked(root: Path, files: dict[str, str], dry_run: bool, what: str, purge_cache: bool = False,
                  canonical: bool = True) -> None:
    """Write `files` unless they would make the books invalid (core.close.checked.apply_checked):
    then exit 1 naming the new problems. A dry run checks the same (core.close.checked.check_change)
    and exits 1 the same way, or shows the diff. `purge_cache` deletes every file under .kebir/cache in
    the same write; `canonical=False` writes the texts as given, not as `kebir fmt` would. Called
    under the caller's books lock (cli._common.writing)."""
    if dry_run:                 # the same checks as the real run, on a scratch copy of the books
        would = checked.check_change(root, files)
        if not would.written:
            sys.stdout.write(_render.problems_text(would.problems, str(root),
                                                   f"kebir: dry run: the real run would refuse this ({what}): "
                                                   "it would make the books invalid"))
            raise typer.Exit(1)
        write_or_show(root, canonical_files(root, files) if canonical else files, True)
        if purge_cache and cache_files(root):
            sys.stderr.write(f"kebir: would purge {len(cache_files(root))} cache file(s) under .kebir/cache\n")
        return
    done = checked.apply_checked(root, files, cache_files if purge_cache else None, canonical)
    if not done.written:
        sys.stdout.write(_render.problems_text(done.problems, str(root),
                                               f"kebir: {what} not written: it would make the books invalid"))
        raise typer.Exit(1)
    sys.stderr.write(f"kebir: {what}: {', '.join(sorted(files))}\n")
    if done.purged:
        sys.stderr.write(f"kebir: {len(done.purged)} cache file(s) under .kebir/cache purged\n")


def book_language(book: Book) -> str:
    """The language the books speak to people: books.toml [company] language, else English."""
    return report_language(book, None)


def books_language(root: Path) -> str:
    """books.toml [company] language of the books at `root`, read without loading them: for what is
    said before they are loaded (the progress bar) and by commands that never load them; English
    when books.toml cannot be read or names a language kebir does not speak."""
    try:
        return language(read_settings(root)[0].language)
    except (BooksError, OSError, ValueError):
        return "en"


def report_language(book: Book, lang: str | None) -> str:
    """--lang, else books.toml [company] language, else English; an unknown one is a usage error."""

    try:
        return language(book.settings.language, lang)
    except ValueError as exc:
        raise usage(str(exc)) from None
