"""The `kebir` command: the root Typer app, its command groups, and the single error boundary.

Each command parses options, makes one core call, renders the result and picks the exit code:
0 clean, 1 data problems, 2 usage errors (Typer's own code for bad options).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli import _render
from cli._options import (
    AccountOpt,
    BeginOpt,
    BooksOpt,
    CompareOpt,
    CurrencyOpt,
    DepthOpt,
    EndOpt,
    Fmt,
    FormatOpt,
    LocationOpt,
    MonthlyOpt,
    NoCacheOpt,
    OutputOpt,
    PeriodOpt,
    QuarterlyOpt,
    YearlyOpt,
)
from core.model import errors
from core.books import safeio, store
from core.books.discover import find_books
from core.erp.load import load_ledger
from core.model.records import Book
from core.close import validate as checks
from core.model.errors import BooksError, Problem

app = typer.Typer(
    name="kebir",
    help="kebir: ERP + CRM books in plain text. Validate, format, report and export a books directory.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
report_app = typer.Typer(help="Reports: trial balance, balance sheet, income statement, cash flow, ledger, journal, "
                         "aging, stock, sales, KPIs, close pack.",
                         no_args_is_help=True)
export_app = typer.Typer(help="Export the books for other tools (hledger).", no_args_is_help=True)
app.add_typer(report_app, name="report", rich_help_panel="Reports")
app.add_typer(export_app, name="export", rich_help_panel="Data")
dedup_app = typer.Typer(help="Duplicates within CRM, within ERP and across them: scan writes a plan to review.",
                        no_args_is_help=True)
app.add_typer(dedup_app, name="dedup", rich_help_panel="CRM")

DEBUG = os.environ.get("KEBIR_DEBUG") == "1"


def _usage(message: str) -> typer.Exit:
    sys.stderr.write(f"kebir: {message}\n")
    return typer.Exit(2)


def progress(message: str):
    """A spinner on the terminal while something long runs (loading, closing, scanning); nothing
    when stderr is not a terminal or the output is JSON, so scripts see only their output."""
    import contextlib

    argv = sys.argv[1:]
    wants_json = any(a in ("--format=json", "-fjson") for a in argv) or any(
        a in ("--format", "-f") and b == "json" for a, b in zip(argv, argv[1:]))
    if not sys.stderr.isatty() or wants_json or os.environ.get("KEBIR_NO_PROGRESS"):
        return contextlib.nullcontext()
    return _render.console(stderr=True).status(message, spinner="dots")


def open_books(books: str | None, no_cache: bool = False, *, listing: bool = False
               ) -> tuple[Path, "Book", list[Problem]]:
    """Find and load the books; a missing books directory is a usage error (exit 2). Unless the
    command lists problems itself (`listing`), say once on stderr what unreadable private books
    leave unseen (W005): every other command is complete without them; and that git tracks the
    local `.kebir/` (W008)."""
    try:
        root = find_books(books)
    except BooksError as exc:
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        raise typer.Exit(1 if isinstance(exc, safeio.Refused) else 2) from None
    try:
        with progress(f"Reading the books in {root} ..."):
            book, problems = load_ledger(root, use_cache=not no_cache)
    except BooksError as exc:
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        raise typer.Exit(1) from None
    if not listing:
        for p in problems:
            if p.code in ("W005", "W008"):
                sys.stderr.write(f"kebir: warning {p.code} ({p.path}:{p.line}): {p.message}\n")
    return root, book, problems


def writing(books: str | None, lock_timeout: float = 10.0):
    """What every writing command runs in: find the books and take their lock before anything is
    read, so the books are loaded, the change computed and written all under it. A second writer
    waits for the first to finish and then computes from what the first wrote (never from the
    files as they were before: a lost update). A missing books directory is a usage error (exit 2);
    a lock not had in `lock_timeout` seconds exits 1, nothing written. Yields the books root."""
    import contextlib

    from core.books import store

    @contextlib.contextmanager
    def held():
        try:
            root = find_books(books)
        except BooksError as exc:
            sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
            raise typer.Exit(2) from None
        try:
            with store.books_lock(root, lock_timeout):
                yield root
        except store.BooksLocked as exc:
            sys.stderr.write(f"kebir: {exc}; nothing was written\n")
            raise typer.Exit(1) from None

    return held()


@app.command(rich_help_panel="Daily")
def validate(
    books: BooksOpt = None,
    fmt: FormatOpt = Fmt.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Check every record in the books and report all problems at once.

    \b
    Examples:
      kebir validate --books ledger-data
      kebir validate --books ledger-data --format json
    """
    started = time.perf_counter()
    # --strict re-parses every file: no cache entry can stand in for the books it passes
    root, book, problems = open_books(books, no_cache or strict, listing=True)
    problems = errors.sorted_problems(problems + checks.run_all(book))
    n_err = errors.count_errors(problems)
    n_warn = len(problems) - n_err
    derived = book.derived_entries.height if book.derived_entries is not None else 0
    summary = {"files": len(book.files), "entries": book.entries.height, "postings": book.postings.height,
               "documents": len(book.documents), "derived_entries": derived,
               "moves": book.moves.height, "contacts": len(book.contacts), "errors": n_err, "warnings": n_warn,
               "seconds": round(time.perf_counter() - started, 3)}
    if fmt is Fmt.json:
        _render.emit(_render.problems_json(problems, str(root), summary))
    elif fmt is Fmt.csv:
        _render.emit(_render.problems_csv(problems, str(root)))
    else:
        verdict = "ok" if not problems else f"{n_err} error{'s' if n_err != 1 else ''}, {n_warn} warning{'s' if n_warn != 1 else ''}"
        line = (f"{verdict}: {summary['files']} files, {summary['entries']:,} entries, {summary['postings']:,} postings, "
                f"{summary['documents']:,} documents, {summary['moves']:,} stock moves ({derived:,} derived entries), "
                f"{summary['contacts']:,} contacts")
        text = _render.problems_text(problems, str(root), line)
        _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)
    raise typer.Exit(1 if n_err or (strict and n_warn) else 0)


@app.command(rich_help_panel="Data")
def fmt(
    books: BooksOpt = None,
    check: Annotated[bool, typer.Option("--check", help="Only list files that would change; exit 1 if any.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing.")] = False,
) -> None:
    """Rewrite record files into kebir's canonical form (idempotent).

    \b
    Examples:
      kebir fmt --books ledger-data --check
      kebir fmt --books ledger-data --dry-run
    """
    if check or dry_run:                 # writes nothing: a read-only checkout can be checked
        try:
            root = find_books(books)
        except BooksError as exc:
            raise _usage(f"{exc}") from None
        _fmt_in(root, check, dry_run)
    with writing(books) as root:         # read, format and write under the lock
        _fmt_in(root, check, dry_run)


def _fmt_in(root: Path, check: bool, dry_run: bool) -> None:
    import difflib

    from core.books import fmt as formatter

    changes, problems = formatter.format_book(root)
    hard = [p for p in problems if p.severity == errors.ERROR]
    for rel in formatter.skipped_for_comments(root):
        sys.stderr.write(f"{root / rel}: skipped: has YAML comments, which formatting would drop "
                         "(move them into `memo:` fields)\n")
    if hard:
        sys.stderr.write(_render.problems_text(errors.sorted_problems(hard), str(root),
                                               f"{len(hard)} file(s) cannot be formatted until these are fixed"))
    if check or dry_run:
        for c in changes:
            if dry_run:
                sys.stdout.writelines(difflib.unified_diff(c.old.splitlines(True), c.new.splitlines(True),
                                                           f"a/{c.path}", f"b/{c.path}"))
            else:
                sys.stdout.write(f"{root / c.path}\n")
        raise typer.Exit(1 if (changes and check) or hard else 0)
    formatter.apply(root, changes)
    sys.stderr.write(f"formatted {len(changes)} file(s)\n")
    raise typer.Exit(1 if hard else 0)


@report_app.command("trial-balance")
def trial_balance(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    historical: Annotated[bool, typer.Option("--historical", "-H",
                                             help="Include everything before the period (closing balances).")] = False,
    account: Annotated[Optional[str], typer.Option("--account", help="Only accounts starting with this code.")] = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Debits, credits and balance per account, in the base currency.

    \b
    Examples:
      kebir report trial-balance --books ledger-data
      kebir report trial-balance --books ledger-data -p 2025-03 --format csv
    """
    from core.reports.trial_balance import build_trial_balance

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    _show(build_trial_balance(book, span, historical=historical, account_prefix=account), fmt, output)
    _warn_errors(problems)


def _warn_errors(problems: list[Problem]) -> None:
    n_err = errors.count_errors(problems)
    if n_err:
        sys.stderr.write(f"kebir: warning: the books have {n_err} data error(s); entries with errors are left out. "
                         "Run `kebir validate`.\n")
        raise typer.Exit(1)


def _statement_columns(span, monthly: bool, quarterly: bool, yearly: bool, compare: str | None,
                       book) -> list | None:
    """(label, Span) columns from -M/-Q/-Y or --compare; None for a single column. An open span
    runs from the books' first to their last date."""
    from core.ledger.period import Span, compared, split

    every = [k for k, on in (("M", monthly), ("Q", quarterly), ("Y", yearly)) if on]
    if len(every) > 1 or (every and compare):
        raise _usage("give one of -M, -Q, -Y or --compare")
    if not every and not compare:
        return None
    dates = book.ledger()["date"]
    if span.begin is None or span.end is None:
        if dates.is_empty():
            raise _usage("the books have no postings to make columns from: give -p")
        first, last = dates.min(), dates.max()
        span = Span(span.begin or first, span.end or _next_day(last))
    try:
        if compare:
            before = compared(span, compare)
            return [("amount", span), (compare, before)]
        return split(span, every[0])
    except ValueError as exc:
        raise _usage(str(exc)) from None


def _next_day(d):
    from datetime import timedelta

    return d + timedelta(days=1)


def _finish_statement(table, book, currency: str | None, days: dict, compare: str | None):
    """Translate into --currency, then add --compare's change columns."""
    from core.reports.transform import translate, with_change

    if currency:
        try:
            table = translate(table, book, currency.upper(), days)
        except ValueError as exc:
            raise _usage(str(exc)) from None
    if compare:
        table = with_change(table, "amount", compare)
    return table


@report_app.command("balance-sheet")
def balance_sheet(
    books: BooksOpt = None,
    on: Annotated[Optional[str], typer.Option("--on", help="Balances at the end of this day (YYYY-MM-DD).")] = None,
    period: PeriodOpt = None,
    monthly: MonthlyOpt = False,
    quarterly: QuarterlyOpt = False,
    yearly: YearlyOpt = False,
    compare: CompareOpt = None,
    depth: DepthOpt = None,
    account: AccountOpt = None,
    location: LocationOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Assets, liabilities and equity (with the result not yet closed), grouped by the chart.

    \b
    Examples:
      kebir report balance-sheet --books ledger-data --on 2025-12-31
      kebir report balance-sheet --books ledger-data -p 2025Q2 --depth 1 --format csv
      kebir report balance-sheet --books ledger-data -p 2025 -M --depth 1
      kebir report balance-sheet --books ledger-data -p 2025-12 --compare previous --currency EUR
    """
    from datetime import date as _date

    from core.ledger.period import Span, parse_period
    from core.reports import Scope
    from core.reports.statements import build_balance_sheet

    as_of = _on_date(on)
    span = Span()
    if period:
        try:
            span = parse_period(period)
        except ValueError as exc:
            raise _usage(str(exc)) from None
    if as_of is not None:
        span = Span(span.begin, _next_day(as_of))
    root, book, problems = open_books(books)
    cols = _statement_columns(span, monthly, quarterly, yearly, compare, book)
    if cols is not None:
        as_of_cols = [(label, s.end - _date.resolution) for label, s in cols]
    else:
        if span.end is not None:
            day = span.end - _date.resolution
        else:
            last = book.ledger()["date"].max()
            day = last if last is not None else _date.today()
        as_of_cols = [("amount", day)]
    table = build_balance_sheet(book, as_of_cols if cols else as_of_cols[0][1], depth=depth,
                                scope=Scope(account, location))
    _show(_finish_statement(table, book, currency, dict(as_of_cols), compare), fmt, output)
    _warn_errors(problems)


@report_app.command("income-statement")
def income_statement(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    monthly: MonthlyOpt = False,
    quarterly: QuarterlyOpt = False,
    yearly: YearlyOpt = False,
    compare: CompareOpt = None,
    depth: DepthOpt = None,
    account: AccountOpt = None,
    location: LocationOpt = None,
    currency: CurrencyOpt = None,
    include_closing: Annotated[bool, typer.Option("--include-closing",
                                                  help="Count the year-end closing chain too.")] = False,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Income, expenses and the net result (income - expenses) over a period.

    \b
    Examples:
      kebir report income-statement --books ledger-data -p 2025
      kebir report income-statement --books ledger-data -p 2025-03 --format html -o is-2025-03.html
      kebir report income-statement --books ledger-data -p 2025 -Q --location KDK
      kebir report income-statement --books ledger-data -p 2025-06 --compare previous
    """
    from datetime import date as _date

    from core.reports import Scope
    from core.reports.statements import build_income_statement

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    cols = _statement_columns(span, monthly, quarterly, yearly, compare, book)
    table = build_income_statement(book, cols or span, depth=depth, include_closing=include_closing,
                                   scope=Scope(account, location))
    last = book.ledger()["date"].max() or _date.today()
    days = {label: (s.end - _date.resolution if s.end else last) for label, s in (cols or [("amount", span)])}
    _show(_finish_statement(table, book, currency, days, compare), fmt, output)
    _warn_errors(problems)


def _span(period: str | None, begin: str | None, end: str | None):
    from core.ledger.period import span_from

    try:
        return span_from(period, begin, end)
    except ValueError as exc:
        raise _usage(str(exc)) from None


def _bounded(span, book):
    """An open span closed at the books' first and last posting dates."""
    from core.ledger.period import Span

    if span.begin is not None and span.end is not None:
        return span
    dates = book.ledger()["date"]
    if dates.is_empty():
        raise _usage("the books have no postings: give -p")
    return Span(span.begin or dates.min(), span.end or _next_day(dates.max()))


def _build(fn, *args, **kwargs):
    """Call a report builder; its ValueError (a bad option value) is a usage error."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise _usage(str(exc)) from None


@report_app.command("cash-flow")
def cash_flow(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    currency: CurrencyOpt = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Cash flow statement (indirect method), reconciled to the change in cash and bank accounts.

    \b
    Examples:
      kebir report cash-flow --books ledger-data -p 2025
      kebir report cash-flow --books ledger-data -p 2025Q3 --format json
    """
    from datetime import timedelta

    from core.reports.cashflow import build_cash_flow

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    span = _bounded(span, book)
    table = _build(build_cash_flow, book, span)
    _show(_finish_statement(table, book, currency, {"amount": span.end - timedelta(days=1)}, None), fmt, output)
    _warn_errors(problems)


@report_app.command("ledger")
def ledger_report(
    account: Annotated[str, typer.Argument(help="Account code prefix or a regex on code and name.")],
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    location: LocationOpt = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """General ledger: the postings of an account or pattern with a running balance.

    \b
    Examples:
      kebir report ledger 102.01 --books ledger-data -p 2025-03
      kebir report ledger 'kasa|banka' --books ledger-data -p 2025Q1 --format csv
    """
    from core.reports import Scope
    from core.reports.register import build_register

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    _show(_build(build_register, book, Scope(account, location), span), fmt, output)
    _warn_errors(problems)


@report_app.command("journal")
def journal_report(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    account: AccountOpt = None,
    source: Annotated[Optional[str], typer.Option("--source", "-s", help="Entries derived from this document "
                                                  "and everything under it.")] = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """The journal: entries as a person reads them, one block (or row) per posting.

    \b
    Examples:
      kebir report journal --books ledger-data -p 2025-03-04
      kebir report journal --books ledger-data -p 2025-03 --account 600 --format csv
    """
    from core.reports import Scope
    from core.reports.journal import blocks_as_text, build_journal, select_blocks

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    if fmt is Fmt.text and not output:
        blocks = select_blocks(book, source, span)
        codes = Scope(account).accounts(book)
        if codes is not None:
            blocks = [b for b in blocks if any(ln.account in set(codes) for ln in b.lines)]
        _render.emit(blocks_as_text(blocks, book.base))
    else:
        _show(build_journal(book, span, source=source, scope=Scope(account)), fmt, output)
    _warn_errors(problems)


@report_app.command("stock")
def stock_report(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    location: LocationOpt = None,
    item: Annotated[Optional[str], typer.Option("--item", help="Only items whose id starts with this.")] = None,
    moving: Annotated[bool, typer.Option("--moving", help="Only lines that moved in the period.")] = False,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Stock valuation and movement per item and location: opening, in, out, closing.

    \b
    Examples:
      kebir report stock --books ledger-data -p 2025-03 --location KDK
      kebir report stock --books ledger-data -p 2025 --item FSH --format html -o stock.html
    """
    from core.reports.stock import build_stock

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    _show(build_stock(book, span, location=location, item=item, moving_only=moving), fmt, output)
    _warn_errors(problems)


@report_app.command("sales")
def sales_report(
    by: Annotated[str, typer.Option("--by", help="customer, item, rep, location or month.")] = "customer",
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    location: LocationOpt = None,
    top: Annotated[Optional[int], typer.Option("--top", min=1, help="Show the first N lines, the rest summed.")]
    = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Net sales by customer, item, rep, location or month, with returns and each line's share.

    \b
    Examples:
      kebir report sales --books ledger-data -p 2025 --by customer --top 10
      kebir report sales --books ledger-data -p 2025 --by month --format html -o sales.html
    """
    from core.reports import Scope
    from core.reports.sales import build_sales

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    _show(_build(build_sales, book, by, span, scope=Scope(location=location), top=top), fmt, output)
    _warn_errors(problems)


@report_app.command("kpi")
def kpi_report(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    compare: Annotated[str, typer.Option("--compare", help="previous or last-year.")] = "previous",
    location: LocationOpt = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Key figures: revenue growth, gross margin, food cost, DSO, DPO, inventory turnover.

    \b
    Examples:
      kebir report kpi --books ledger-data -p 2025Q4
      kebir report kpi --books ledger-data -p 2025-12 --compare last-year --format json
    """
    from core.reports import Scope
    from core.reports.kpi import build_kpi

    span = _span(period, begin, end)
    root, book, problems = open_books(books)
    _show(_build(build_kpi, book, _bounded(span, book), against=compare, scope=Scope(location=location)),
          fmt, output)
    _warn_errors(problems)


@report_app.command("close-pack")
def close_pack(
    period: Annotated[str, typer.Argument(help="The period: 2025-12, 2025Q4 or 2025.")],
    books: BooksOpt = None,
    output: OutputOpt = None,
) -> None:
    """One self-contained HTML page for a period: charts, statements, trial balance, checklist, seal.

    \b
    Examples:
      kebir report close-pack 2025-01 --books ledger-data -o close-2025-01.html
      kebir report close-pack 2025Q4 --books ledger-data > q4.html
    """
    from core.close import closing
    from core.ledger.period import parse_period
    from core.reports.html import close_pack_html, entries_from_book

    try:
        parse_period(period)
    except ValueError as exc:
        raise _usage(str(exc)) from None
    root, book, problems = open_books(books)
    closes, found = closing.read_closes(root)
    record = closes.get(period)
    generated = entries_from_book(book, record.get("generated") or []) if record else None
    _render.emit(close_pack_html(book, period, record, generated), output)
    _warn_errors(problems + found)


@app.command("print", rich_help_panel="Daily")
def print_entries(
    source: Annotated[Optional[str], typer.Option("--source", "-s", help="A document id: an invoice, payment, "
                                                  "order (with everything under it) or stock move.")] = None,
    period: PeriodOpt = None,
    derived: Annotated[bool, typer.Option("--derived", help="Only entries derived from documents.")] = False,
    books: BooksOpt = None,
    fmt: FormatOpt = Fmt.text,
) -> None:
    """Show journal entries as a person reads them, e.g. those a document derives.

    Examples:
      kebir print --books ledger-data --source SO-0047
      kebir print --books ledger-data --period 2025-03 --derived --format json
    """
    import json

    from core.reports.journal import blocks_as_records, blocks_as_text, select_blocks

    if source is None and period is None:
        raise _usage("give --source ID or --period PERIOD")
    span = _span(period, None, None)
    root, book, problems = open_books(books)
    if source is not None and book.document(source) is None and \
            book.moves.filter(book.moves["id"] == source).is_empty() and \
            book.entries.filter(book.entries["id"] == source).is_empty() and \
            (book.derived_entries is None
             or book.derived_entries.filter(book.derived_entries["source"] == source).is_empty()):
        raise _usage(f"no document, stock move or entry has the id {source}")
    blocks = select_blocks(book, source, span, derived_only=derived)
    if fmt is Fmt.json:
        _render.emit(json.dumps(blocks_as_records(blocks), ensure_ascii=False, indent=2) + "\n")
    else:
        text = blocks_as_text(blocks, book.base)
        _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)
    raise typer.Exit(1 if errors.count_errors(problems) else 0)


@report_app.command("aging")
def aging(
    side: Annotated[str, typer.Argument(help="ar (receivables) or ap (payables).")],
    on: Annotated[Optional[str], typer.Option("--on", help="Age on this date (default: the last date in the books).")] = None,
    detail: Annotated[bool, typer.Option("--detail", help="One row per open item.")] = False,
    books: BooksOpt = None,
    fmt: FormatOpt = Fmt.text,
    output: OutputOpt = None,
) -> None:
    """Open receivables or payables by days past due: current, 1-30, 31-60, 61-90, 90+.

    Examples:
      kebir report aging ar --books ledger-data --on 2025-12-31
      kebir report aging ap --books ledger-data --detail --format csv
    """
    from datetime import date as _date

    from core.reports.aging import build_aging

    if side not in ("ar", "ap"):
        raise _usage("aging takes ar or ap")
    as_of = _on_date(on)
    root, book, problems = open_books(books)
    if as_of is None:
        last = book.ledger()["date"].max()
        as_of = last if last is not None else _date.today()
    _show(build_aging(book, side, as_of, detail), fmt, output)
    raise typer.Exit(1 if errors.count_errors(problems) else 0)


def _who() -> str:
    import subprocess

    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True).stdout.strip()
        mail = subprocess.run(["git", "config", "user.email"], capture_output=True, text=True).stdout.strip()
    except OSError:
        name = mail = ""
    return f"{name} <{mail}>" if name and mail else (name or os.environ.get("USER", "unknown"))


def _on_date(on: str | None):
    """The --on option as a date (None when not given); a malformed date is a usage error."""
    from datetime import date as _date

    try:
        return _date.fromisoformat(on) if on else None
    except ValueError:
        raise _usage("--on takes a date YYYY-MM-DD") from None


def _period_arg(period: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise _usage(f"a period is a month: YYYY-MM, not {period!r}")
    return period


def _write_or_show(root: Path, files: dict, dry_run: bool) -> None:
    import difflib

    from core.books import store

    if dry_run:
        for rel, new in files.items():
            path = root / rel
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), (new or "").splitlines(True),
                                                       f"a/{rel}", f"b/{rel}"))
        return
    store.apply_files(root, files)


def _commit_and_tag(root: Path, files: dict, message: str) -> None:
    """Commit a close, reopen or filing, then write its annotated tag (core.close.tags)."""
    from core.close import tags as closetags

    _git_commit(root, files, message)
    for name in closetags.write_tags(root):
        sys.stderr.write(f"tagged {name} (push it with git push --follow-tags)\n")


def _git_commit(root: Path, files: dict, message: str) -> None:
    import subprocess

    tracked = set(subprocess.run(["git", "-C", str(root), "ls-files", "--", *files], capture_output=True,
                                 text=True).stdout.splitlines())
    prefix = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-prefix"], capture_output=True,
                            text=True).stdout.strip()
    paths = [rel for rel in files if (root / rel).exists() or f"{prefix}{rel}" in tracked]
    subprocess.run(["git", "-C", str(root), "add", "-A", "--", *paths], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", message, "--", *paths], check=True,
                   capture_output=True)


@app.command("close", rich_help_panel="Month end")
def close_cmd(
    period: Annotated[str, typer.Argument(help="The month to close, YYYY-MM.")],
    books: BooksOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Commit exactly the files written.")] = False,
    on: Annotated[Optional[str], typer.Option("--on", help="The close date recorded (default: today).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who closes (default: git user).")] = None,
    allow_gap: Annotated[bool, typer.Option("--allow-gap", help="Close although the previous month is open.")] = False,
    mark_filed: Annotated[bool, typer.Option("--mark-filed", help="Mark the closed PERIOD as filed (VAT "
                                             "return / e-ledger submitted): it can no longer be reopened.")] = False,
    lock_timeout: Annotated[float, typer.Option("--lock-timeout", help="Seconds to wait for the books lock.")] = 10.0,
    report: Annotated[Optional[str], typer.Option("--report", help="Also write the close pack (HTML) into DIR.")] = None,
    fmt: FormatOpt = Fmt.text,
) -> None:
    """Close a month: checklist, generated entries, close record and seal.

    \b
    Examples:
      kebir close 2025-01 --books ledger-data --on 2025-02-03 --dry-run
      kebir close 2025-01 --books ledger-data --on 2025-02-03 --commit
    """
    import json
    from datetime import date as _date

    from core.close import closing
    from core.books import store

    period = _period_arg(period)
    day = _on_date(on) or _date.today()
    with writing(books, lock_timeout) as root:
        # close re-parses every file: no cache entry can stand in for the books it seals
        root, book, problems = open_books(str(root), no_cache=True)
        closes, found = closing.read_closes(root)
        who = by or _who()
        if mark_filed:
            files, refused = closing.mark_filed(closes, period, who, day)
            if refused:
                sys.stderr.write(f"kebir: {refused[0]}\n")
                raise typer.Exit(1)
            _write_or_show(root, files, dry_run)
            if commit and not dry_run:
                _commit_and_tag(root, files, f"file {period}\n\nperiod: {period}\nevent: filed\n")
            sys.stderr.write(f"{period} marked as filed\n")
            return
        problems = errors.sorted_problems(problems + found + checks.run_all(book))
        if errors.count_errors(problems):
            sys.stdout.write(_render.problems_text([p for p in problems if p.severity == "error"], str(root),
                                                   f"kebir: cannot close {period}: the books have errors"))
            raise typer.Exit(1)
        if period in closing.closed_periods(closes):
            sys.stderr.write(f"kebir: {period} is already closed (kebir reopen {period} --reason ...)\n")
            raise typer.Exit(1)
        with progress(f"Closing {period}: checks, generated entries, seal ..."):
            plan = closing.plan_close(book, period, closing.closed_periods(closes), allow_gap=allow_gap,
                                      statements=closing.read_statements(root, book))
        files, rec = closing.compose(book, plan, closes, day, who)
        if fmt is Fmt.json:
            _render.emit(json.dumps({"period": period, "ok": plan.ok, "record": rec,
                                     "problems": [p.as_dict() for p in plan.problems]},
                                    ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            text = closing.summary_text(plan, rec, book)
            _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)
        if not plan.ok:
            for p in plan.problems:
                sys.stderr.write(f"{root / p.path}:{p.line}: {p.code} {p.message}\n  hint: {p.hint}\n")
            sys.stderr.write(f"kebir: {period} not closed: a check failed\n")
            raise typer.Exit(1)
        _write_or_show(root, files, dry_run)
        if commit and not dry_run:
            _commit_and_tag(root, files, f"close {period}\n\nperiod: {period}\ntotals: debit {rec['totals']['debit']}, "
                                         f"credit {rec['totals']['credit']}\nseal: {rec['seal']}\n")
        if report and not dry_run:
            from core.reports.html import close_pack_html, entries_from_book

            closed_book, _ = load_ledger(root)
            page = close_pack_html(closed_book, period, rec, entries_from_book(closed_book, rec["generated"]))
            store.write_atomic(Path(report) / f"close-{period}.html", page)
            sys.stderr.write(f"close pack: {Path(report) / f'close-{period}.html'}\n")


@app.command("reopen", rich_help_panel="Month end")
def reopen_cmd(
    period: Annotated[str, typer.Argument(help="The closed month to reopen, YYYY-MM.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: recorded in the close record's history.")],
    books: BooksOpt = None,
    cascade: Annotated[bool, typer.Option("--cascade", help="Also reopen the later closed months.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")] = False,
    on: Annotated[Optional[str], typer.Option("--on", help="The date recorded (default: today).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who reopens (default: git user).")] = None,
    lock_timeout: Annotated[float, typer.Option("--lock-timeout", help="Seconds to wait for the books lock.")] = 10.0,
    commit: Annotated[bool, typer.Option("--commit", help="Commit exactly the files written and tag the reopen.")] = False,
) -> None:
    """Reopen a closed month: record who, when and why, and remove its generated entries.

    \b
    Examples:
      kebir reopen 2025-01 --reason "late bank charges" --cascade --dry-run --books ledger-data
      kebir reopen 2025-01 --reason "supplier invoice SI-2025-0042 booked twice" --books ledger-data
    """
    from datetime import date as _date

    from core.close import closing

    period = _period_arg(period)
    day = _on_date(on) or _date.today()
    with writing(books, lock_timeout) as root:
        closes, _ = closing.read_closes(root)
        files, refused = closing.reopen(closes, period, reason, by or _who(), day, cascade)
        if refused:
            sys.stderr.write(f"kebir: cannot reopen {period}: {refused[0]}\n")
            raise typer.Exit(1)
        _write_or_show(root, files, dry_run)
        if commit and not dry_run:
            _commit_and_tag(root, files, f"reopen {period}\n\nperiod: {period}\nevent: reopened\nreason: {reason}\n")
        if not dry_run:
            sys.stderr.write(f"reopened {', '.join(sorted({p.split('/')[1][:7] for p in files if p.startswith('closes/')}))}\n")


@app.command("status", rich_help_panel="Daily")
def status(
    doc_id: Annotated[str, typer.Argument(help="An order, invoice or other document id.")],
    books: BooksOpt = None,
    fmt: FormatOpt = Fmt.text,
) -> None:
    """Where a document stands, from its records: delivered, invoiced, paid.

    Examples:
      kebir status SO-0047 --books ledger-data
      kebir status INV-2025-0109 --books ledger-data --format json
    """
    import json

    from core.erp.status import status_of

    root, book, problems = open_books(books)
    doc = book.document(doc_id)
    if doc is None:
        raise _usage(f"no document has the id {doc_id}")
    st = status_of(book, doc)
    if fmt is Fmt.json:
        _render.emit(json.dumps({"id": st.id, "kind": st.kind, "party": st.party, "status": st.state,
                                 "facts": list(st.facts)}, ensure_ascii=False, indent=2) + "\n")
    else:
        text = f"{st.id} ({st.kind}, {st.party}): {st.state}\n" + "".join(f"  {f}\n" for f in st.facts)
        _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)


@app.command("price", rich_help_panel="Daily")
def price(
    item: Annotated[str, typer.Argument(help="The item id (stock/items.yaml).")],
    quantity: Annotated[str, typer.Option("--quantity", "-q", help="How many.")] = "1",
    party: Annotated[Optional[str], typer.Option("--party", help="The customer (for customer prices).")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="The order date (default: today).")] = None,
    campaign: Annotated[Optional[str], typer.Option("--campaign", help="A CRM campaign with a promotion.")] = None,
    books: BooksOpt = None,
    fmt: FormatOpt = Fmt.text,
) -> None:
    """Quote the price and discount the price rules give for an order line.

    Examples:
      kebir price CAT-MENU-A --quantity 180 --party CU-0050 --on 2026-01-14 --books ledger-data
      kebir price CAT-MENU-B -q 300 --on 2026-02-10 --books ledger-data --format json
    """
    import json
    from datetime import date as _date
    from decimal import Decimal, InvalidOperation

    from core.erp.pricing import quote

    try:
        qty = Decimal(quantity)
        day = _date.fromisoformat(on) if on else _date.today()
    except (InvalidOperation, ValueError):
        raise _usage("--quantity takes a number and --on a date YYYY-MM-DD") from None
    root, book, problems = open_books(books)
    if item not in book.items:
        raise _usage(f"unknown item {item}")
    q = quote(book, item, qty, day, party, campaign, book.settings.decimals(book.base) or 2)
    if q is None:
        sys.stderr.write(f"kebir: no price list in prices.yaml prices {item} on {day}\n")
        raise typer.Exit(1)
    if fmt is Fmt.json:
        _render.emit(json.dumps({"item": item, "quantity": f"{qty}", "price": f"{q.price}", "percent": f"{q.percent}",
                                 "discount": f"{q.discount}", "net": f"{q.net}", "because": list(q.because)},
                                ensure_ascii=False, indent=2) + "\n")
    else:
        text = (f"{item} x {qty}: price {q.price}, discount {q.discount} ({q.percent}%), net {q.net} "
                f"{book.base}\n" + "".join(f"  {b}\n" for b in q.because))
        _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)


def _show(table, fmt: Fmt, output: str | None) -> None:
    if fmt is Fmt.text and not output:
        _render.table_text(table)
    else:
        from core.reports.html import table_page

        render = {Fmt.csv: _render.table_csv, Fmt.json: _render.table_json, Fmt.md: _render.table_md,
                  Fmt.html: table_page, Fmt.text: _render.table_md}[fmt]
        _render.emit(render(table), output)


@export_app.command("journal")
def export_journal(
    to: Annotated[str, typer.Option("--to", help="Target format: hledger.")] = "hledger",
    books: BooksOpt = None,
    period: PeriodOpt = None,
    output: OutputOpt = None,
) -> None:
    """Write the books as an hledger journal (account types declared).

    \b
    Examples:
      kebir export journal --to hledger --books ledger-data -o books.journal
      kebir export journal --books ledger-data -p 2025 | hledger -f - bs
    """
    from core.interop.export_hledger import export_hledger

    if to != "hledger":
        raise _usage(f"unknown export format {to!r}: use --to hledger")
    span = _span(period, None, None)
    root, book, problems = open_books(books)
    _render.emit(export_hledger(book, span), output)
    n_err = errors.count_errors(problems)
    if n_err:
        sys.stderr.write(f"kebir: warning: {n_err} data error(s); entries with errors were left out.\n")
        raise typer.Exit(1)


@dedup_app.command("scan")
def dedup_scan(
    books: BooksOpt = None,
    within: Annotated[str, typer.Option("--within", help="Sides to search within: crm,erp, crm, erp or none.")]
    = "crm,erp",
    across: Annotated[bool, typer.Option("--across/--no-across", help="Match CRM records to ERP parties.")] = True,
    threshold: Annotated[float, typer.Option("--threshold", "-t", help="Match probability to link a pair (0-1).")]
    = 0.9,
    output: OutputOpt = None,
    plan_in: Annotated[Optional[str], typer.Option("--plan", help="An earlier plan: pairs decided there are not "
                       "proposed again; with its .seen sidecar only new or changed records are compared.")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", case_sensitive=False, rich_help_panel="Output",
                                     help="text: the plan (YAML); json, csv, md or html: the scored pairs.")]
    = Fmt.text,
) -> None:
    """Find likely duplicate contacts and write a plan file (YAML, schemas/plan.schema.json).

    \b
    Examples:
      kebir dedup scan --books ledger-data -o dedup-plan.yaml
      kebir dedup scan --books ledger-data --within crm --no-across -t 0.95
      kebir dedup scan --books ledger-data --format csv -o pairs.csv
    """
    from core.crm import dedup

    sides = {s.strip() for s in within.split(",") if s.strip() and s.strip() != "none"}
    if not sides <= {"crm", "erp"}:
        raise _usage(f"--within takes crm, erp, crm,erp or none, not {within!r}")
    if not 0 < threshold < 1:
        raise _usage("--threshold takes a probability between 0 and 1")
    try:
        root = find_books(books)
    except BooksError as exc:
        raise _usage(f"{exc}" + (f"\n  hint: {exc.hint}" if exc.hint else "")) from None
    if plan_in and not os.path.lexists(plan_in):
        raise _usage(f"--plan {plan_in}: no such file")
    if plan_in:
        safeio.argument_bytes(plan_in, root)        # a regular file (inside the books: one of theirs)
    if output:
        safeio.check_output(output, root)
    with progress("Scanning the contacts for duplicates ..."):
        plan = dedup.scan_books(root, sides, across, threshold,
                                dedup.read_previous(Path(plan_in)) if plan_in else None)
    if fmt is not Fmt.text:          # the scored pairs for scripts
        _show(dedup.pairs_table(plan), fmt, output)
    else:
        _render.emit(dedup.dump_plan(plan), output)
    if output and fmt is Fmt.text:      # the model and record hashes, for the next incremental scan
        _render.emit(dedup.dump_seen(plan), str(dedup.seen_path(Path(output))))
    sys.stderr.write(f"kebir: {len(plan.clusters)} cluster(s); {plan.compared_pairs} of {plan.all_pairs} "
                     f"pairs compared\n")


from cli import audit as _audit  # noqa: E402
from cli import books as _books  # noqa: E402
from cli import crm as _crm  # noqa: E402
from cli import interop as _interop  # noqa: E402
from cli import production as _production  # noqa: E402
from cli import query as _query  # noqa: E402

_books.register(app)
_audit.register(app)
_query.register(app)
_crm.register(app, report_app)
_production.register(app, report_app)
_interop.register(app, export_app)

# `kebir --help` groups commands by job, in the order a bookkeeper meets them.
PANELS = ("Start", "Daily", "Month end", "Reports", "CRM", "Data")
app.registered_commands.sort(key=lambda c: PANELS.index(c.rich_help_panel) if c.rich_help_panel in PANELS else 99)
app.registered_groups.sort(key=lambda g: PANELS.index(g.rich_help_panel) if g.rich_help_panel in PANELS else 99)


@dedup_app.command("apply")
def dedup_apply(
    plan: Annotated[str, typer.Argument(help="The reviewed plan file (clusters with decision: accept).")],
    books: BooksOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the change to git (one commit to revert).")]
    = False,
    fmt: FormatOpt = Fmt.text,
    lock_timeout: Annotated[float, typer.Option("--lock-timeout", help="Seconds to wait for the books lock.")] = 10.0,
) -> None:
    """Merge accepted clusters (aliases via merged_into) and link CRM to ERP, as one diff.

    \b
    Examples:
      kebir dedup apply dedup-plan.yaml --books ledger-data --dry-run
      kebir dedup apply dedup-plan.yaml --books ledger-data --commit
    """
    import json

    from core.crm import merge

    plan_path = Path(plan)
    if not os.path.lexists(plan_path):
        raise _usage(f"no plan file {plan}: write one with `kebir dedup scan -o {plan}`")
    with writing(books, lock_timeout) as root:
        root, book, problems = open_books(str(root))
        safeio.argument_bytes(plan_path, root)      # a regular file (inside the books: one of theirs), or E081/E082
        clusters, found = merge.read_plan(plan_path)
        if found:
            sys.stdout.write(_render.problems_text(found, str(root), f"kebir: cannot read the plan {plan}"))
            raise typer.Exit(1)
        problems = errors.sorted_problems(problems + checks.run_all(book))
        if errors.count_errors(problems):
            sys.stdout.write(_render.problems_text([p for p in problems if p.severity == "error"], str(root),
                                                   "kebir: nothing applied: the books have errors; fix them first"))
            raise typer.Exit(1)
        try:
            result = merge.plan_apply(book, clusters)
        except ValueError as exc:
            sys.stderr.write(f"kebir: {exc}\n")
            raise typer.Exit(1) from None
        if fmt is Fmt.json:
            _render.emit(json.dumps({
                "applied": result.applied, "merged": result.merged, "linked": result.linked,
                "repointed": result.repointed, "skipped": [{"cluster": c, "why": w} for c, w in result.skipped],
                "conflicts": [vars(c) for c in result.conflicts], "files": sorted(result.files),
                "dry_run": dry_run}, ensure_ascii=False, indent=2, default=str) + "\n")
        _write_or_show(root, result.files, dry_run)
        if commit and not dry_run and result.files:
            _git_commit(root, result.files, f"dedup apply {plan_path.name}\n\n{result.summary()}\n"
                        + "".join(f"merged {a} into {b}\n" for a, b in result.merged)
                        + "".join(f"linked {a} to {b}\n" for a, b in result.linked))
    shown = 10
    for c in result.conflicts[:shown]:
        values = ", ".join(f"{k}={v!r}" for k, v in c.values.items())
        sys.stderr.write(f"conflict: cluster {c.cluster} {c.contact}.{c.field}: {values}; chose {c.chosen!r} "
                         f"({c.why})\n")
    if len(result.conflicts) > shown:
        sys.stderr.write(f"... and {len(result.conflicts) - shown} more conflict(s); --format json lists them all\n")
    for number, why in result.skipped:
        sys.stderr.write(f"skipped: cluster {number}: {why}\n")
    sys.stderr.write(f"kebir: {result.summary()}{' (dry run: nothing written)' if dry_run else ''}\n")


def main() -> None:
    """Entry point: run the app; unexpected failures print one line (KEBIR_DEBUG=1 shows the traceback)."""
    try:
        _run()
    finally:
        for note in store.NOTICES:     # what recovery refused to act on (core.books.store.recover)
            sys.stderr.write(f"kebir: warning: {note}\n")


def _run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("kebir: interrupted\n")
        sys.exit(130)
    except BooksError as exc:  # the books (or one file kebir refuses to read) cannot be used: exit 1
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        sys.exit(1)
    except OSError as exc:     # a file that cannot be read or written: a problem with the file, exit 1
        if DEBUG:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"kebir: E084 {where}{exc.strerror or type(exc).__name__}\n"
                         "  hint: check the file's permissions and that it is a plain file inside the books\n")
        sys.exit(1)
    except Exception as exc:  # the single error boundary
        if DEBUG:
            raise
        sys.stderr.write(f"kebir: internal error: {type(exc).__name__}: {exc}\n"
                         "  hint: run again with KEBIR_DEBUG=1 for the traceback, and report it\n")
        sys.exit(3)


if __name__ == "__main__":
    main()
