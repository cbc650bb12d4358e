"""`kebir report ...`: the statements, ledgers and operational reports (core/reports), each a
table shown as text, csv, json, md or html. What a column stands for is core/reports/columns.py's."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Annotated, Optional

import typer

from cli import _render
from cli._common import (
    book_language, build, on_date, open_books, out_format, report_language, show, span_of, usage, warn_errors)
from cli._options import (
    AccountOpt,
    BeginOpt,
    BooksOpt,
    CompareOpt,
    CsvDialectOpt,
    CurrencyOpt,
    DepthOpt,
    EndOpt,
    LangOpt,
    LocationOpt,
    MonthlyOpt,
    OutFormatOpt,
    OutputOpt,
    PeriodOpt,
    QuarterlyOpt,
    YearlyOpt,
)
from core.ledger.period import Span, parse_period
from core.model import errors
from core.reports import Scope, columns
from core.books.closes import read_closes
from core.reports.aging import build_aging
from core.reports.register import build_register
from core.reports.sales import build_sales
from core.reports.stock import build_stock
from core.reports.transform import translate, with_change
from core.reports.trial_balance import build_trial_balance
from core.reports.tax_base import build_tax_base
from core.reports.statements import build_income_statement
from core.reports.statements import build_balance_sheet

report_app = typer.Typer(help="Reports: trial balance, balance sheet, income statement, cash flow, ledger, journal, "
                         "aging, stock, sales, KPIs, close pack.",
                         no_args_is_help=True)


def _statement_columns(span, monthly: bool, quarterly: bool, yearly: bool, compare: str | None,
                       book) -> list | None:
    """(label, Span) columns from -M/-Q/-Y or --compare; None for a single column."""
    every = [k for k, on in (("M", monthly), ("Q", quarterly), ("Y", yearly)) if on]
    if len(every) > 1 or (every and compare):
        raise usage("give one of -M, -Q, -Y or --compare")
    return build(columns.statement_columns, span, every[0] if every else None, compare, book)


def _finish_statement(table, book, currency: str | None, days: dict, compare: str | None):
    """Translate into --currency, then add --compare's change columns."""

    if currency:
        try:
            table = translate(table, book, currency.upper(), days)
        except ValueError as exc:
            raise usage(str(exc)) from None
    if compare:
        table = with_change(table, "amount", compare)
    return table


@report_app.command("trial-balance")
def trial_balance(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    historical: Annotated[bool, typer.Option("--historical", "-H",
                                             help="Include everything before the period (closing balances).")] = False,
    account: Annotated[Optional[str], typer.Option("--account", help="Only accounts starting with this code.")] = None,
    depth: DepthOpt = None,
    layout: Annotated[Optional[str], typer.Option(
        "--layout", help="balances (debit, credit, balance) or mizan (opening, period debit and credit, closing "
        "debit and credit balances, at every level of the chart).", rich_help_panel="Output")] = None,
    lang: LangOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Debits, credits and balance per account, in the base currency; with --depth or --layout mizan,
    a row for every level of the chart (class, group, ledger account, sub-accounts) with its subtotal.
    -e names the day after the last one, as in hledger: the last example is the first quarter.

    \b
    Examples:
      kebir report trial-balance --books ledger-data
      kebir report trial-balance --books ledger-data -p 2025-03 --format csv
      kebir report trial-balance --books ledger-data -p 2025-03 --depth 3
      kebir report trial-balance --books ledger-data -p 2025-03 --layout mizan --lang tr
      kebir report trial-balance --books ledger-data -b 2025-01-01 -e 2025-04-01
    """
    from core.reports.filed import build_trial_balance_levels  # lazy: only its command needs it (kebir start-up)

    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    words = report_language(book, lang)
    if depth is None and layout in (None, "balances"):
        table = build_trial_balance(book, span, historical=historical, account_prefix=account, lang=words)
    else:
        table = build(build_trial_balance_levels, book, span, depth=depth, layout=layout or "balances",
                      historical=historical, account_prefix=account, lang=words)
    show(table, fmt, output, csv_dialect, lang=words)
    warn_errors(problems)



def _filed(book, layout: str | None) -> str | None:
    """--layout of a statement: filed (the chart's filed form, the default for tr-tdhp and ifrs-small
    books), tdhp, ifrs, or chart (grouped by the chart's tree); None means chart."""
    from core.reports.filed import layout_of  # lazy: only its command needs it (kebir start-up)

    if layout in (None, "filed"):
        found = layout_of(book)
        if found is None and layout == "filed":
            raise usage("--layout filed needs a tr-tdhp or ifrs-small chart; give --layout tdhp, ifrs or chart")
        return found
    if layout == "chart":
        return None
    if layout not in ("tdhp", "ifrs"):
        raise usage(f"--layout takes filed, tdhp, ifrs or chart, not {layout!r}")
    return layout


def _statement(chart, filed_form, book, at, layout: str | None, words: str, **options):
    """A statement grouped by the chart (`layout` None) or in a filed layout, whose ValueError (a
    layout the books cannot give) is a usage error: the one switch both statements go through."""
    if layout is None:
        return chart(book, at, **options)
    return build(filed_form, book, at, layout=layout, lang=words, **options)


StatementLayoutOpt = Annotated[Optional[str], typer.Option(
    "--layout", help="filed (default for tr-tdhp and ifrs-small books: the order the statement is filed in), "
    "tdhp, ifrs, or chart (the chart's own groups).", rich_help_panel="Output")]


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
    layout: StatementLayoutOpt = None,
    lang: LangOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Assets, liabilities and equity (with the result not yet closed): current and non-current assets,
    short- and long-term liabilities for tr-tdhp and ifrs-small books, else grouped by the chart.

    \b
    Examples:
      kebir report balance-sheet --books ledger-data --on 2025-12-31
      kebir report balance-sheet --books ledger-data -p 2025Q2 --depth 1 --format csv
      kebir report balance-sheet --books ledger-data -p 2025 -M --depth 1
      kebir report balance-sheet --books ledger-data -p 2025-12 --compare previous --currency EUR
      kebir report balance-sheet --books ledger-data --on 2025-06-30 --lang en --layout chart
    """
    from core.reports.filed import build_balance_sheet_filed  # lazy: only its command needs it (kebir start-up)

    as_of = on_date(on)
    span = Span()
    if period:
        try:
            span = parse_period(period)
        except ValueError as exc:
            raise usage(str(exc)) from None
    if as_of is not None:
        span = Span(span.begin, columns.next_day(as_of))
    root, book, problems = open_books(books)
    cols = _statement_columns(span, monthly, quarterly, yearly, compare, book)
    as_of_cols = columns.balance_days(span, cols, book)
    words = report_language(book, lang)
    table = _statement(build_balance_sheet, build_balance_sheet_filed, book, as_of_cols if cols else as_of_cols[0][1],
                       _filed(book, layout), words, depth=depth, scope=Scope(account, location))
    show(_finish_statement(table, book, currency, dict(as_of_cols), compare), fmt, output, csv_dialect, lang=words)
    warn_errors(problems)


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
    layout: StatementLayoutOpt = None,
    lang: LangOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Income, expenses and the net result over a period: in the order of the uniform chart's class 6
    (tr-tdhp) or by function (ifrs-small), else grouped by the chart. -e names the day after the last
    one, as in hledger: the last example is the first half of 2025.

    \b
    Examples:
      kebir report income-statement --books ledger-data -p 2025
      kebir report income-statement --books ledger-data -p 2025-03 --format html -o is-2025-03.html
      kebir report income-statement --books ledger-data -p 2025 -Q --location KDK
      kebir report income-statement --books ledger-data -p 2025-06 --compare previous
      kebir report income-statement --books ledger-data -b 2025-01-01 -e 2025-07-01 --lang en
    """
    from core.reports.filed import build_income_statement_filed  # lazy: only its command needs it (kebir start-up)

    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    cols = _statement_columns(span, monthly, quarterly, yearly, compare, book)
    words = report_language(book, lang)
    table = _statement(build_income_statement, build_income_statement_filed, book, cols or span,
                       _filed(book, layout), words, depth=depth, include_closing=include_closing,
                       scope=Scope(account, location))
    show(_finish_statement(table, book, currency, columns.column_days(span, cols, book), compare), fmt, output,
         csv_dialect, lang=words)
    warn_errors(problems)


@report_app.command("cash-flow")
def cash_flow(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    currency: CurrencyOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Cash flow statement (indirect method), reconciled to the change in cash and bank accounts.

    \b
    Examples:
      kebir report cash-flow --books ledger-data -p 2025
      kebir report cash-flow --books ledger-data -p 2025Q3 --format json
    """
    from core.reports.cashflow import build_cash_flow  # lazy: only its command needs it (kebir start-up)

    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    span = build(columns.bounded, span, book)
    table = build(build_cash_flow, book, span)
    show(_finish_statement(table, book, currency, {"amount": span.end - timedelta(days=1)}, None),
         fmt, output, csv_dialect, lang=book_language(book))
    warn_errors(problems)


@report_app.command("ledger")
def ledger_report(
    account: Annotated[str, typer.Argument(help="Account code prefix or a regex on code and name.")],
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    location: LocationOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """General ledger: the postings of an account or pattern with a running balance.

    \b
    Examples:
      kebir report ledger 102.01 --books ledger-data -p 2025-03
      kebir report ledger 'kasa|banka' --books ledger-data -p 2025Q1 --format csv
    """

    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    show(build(build_register, book, Scope(account, location), span), fmt, output, csv_dialect,
         lang=book_language(book))
    warn_errors(problems)


@report_app.command("journal")
def journal_report(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    account: AccountOpt = None,
    source: Annotated[Optional[str], typer.Option("--source", "-s", help="Entries derived from this document "
                                                  "and everything under it.")] = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """The journal: entries as a person reads them, one block (or row) per posting.

    \b
    Examples:
      kebir report journal --books ledger-data -p 2025-03-04
      kebir report journal --books ledger-data -p 2025-03 --account 600 --format csv
    """
    # lazy: only its command needs it (kebir start-up)
    from core.reports.journal import blocks_as_text, build_journal, left_out, select_blocks

    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    if out_format(fmt, output) == "text" and not output:
        blocks = select_blocks(book, source, span)
        codes = Scope(account).accounts(book)
        if codes is not None:
            blocks = [b for b in blocks if any(ln.account in set(codes) for ln in b.lines)]
        _render.emit(blocks_as_text(blocks, book.base, book_language(book)))
    else:
        show(build_journal(book, span, source=source, scope=Scope(account)), fmt, output, csv_dialect,
             lang=book_language(book))
    for p in left_out(book, problems):       # shown whole or not at all: say which and why
        sys.stderr.write(f"kebir: {p.record} left out ({p.path}:{p.line}): {p.code} {p.message}\n")
    warn_errors(problems)


@report_app.command("stock")
def stock_report(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    location: LocationOpt = None,
    item: Annotated[Optional[str], typer.Option("--item", help="Only items whose id starts with this.")] = None,
    moving: Annotated[bool, typer.Option("--moving", help="Only lines that moved in the period.")] = False,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Stock valuation and movement per item and location: opening, in, out, closing.

    \b
    Examples:
      kebir report stock --books ledger-data -p 2025-03 --location KDK
      kebir report stock --books ledger-data -p 2025 --item FSH --format html -o stock.html
    """

    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    show(build_stock(book, span, location=location, item=item, moving_only=moving), fmt, output, csv_dialect,
         lang=book_language(book))
    warn_errors(problems)


@report_app.command("sales")
def sales_report(
    by: Annotated[str, typer.Option("--by", help="customer, item, rep, location, month or daypart (covers and "
                                    "spend per cover from the Z-reports).")] = "customer",
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    location: LocationOpt = None,
    top: Annotated[Optional[int], typer.Option("--top", min=1, help="Show the first N lines, the rest summed.")]
    = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Net sales by customer, item, rep, location or month, with returns and each line's share.

    `--by daypart` reads the tills instead: net sales, covers, spend per cover and per seat-hour by
    location and daypart (docs/reports.md, "Covers and dayparts").

    \b
    Examples:
      kebir report sales --books ledger-data -p 2025 --by customer --top 10
      kebir report sales --books ledger-data -p 2025 --by month --format html -o sales.html
      kebir report sales --books ledger-data -p 2025-06 --by daypart --location KDK
    """

    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    if by == "daypart":
        from core.reports.covers import build_covers  # lazy: only this view needs it (kebir start-up)

        show(build(build_covers, book, span, location=location), fmt, output, csv_dialect,
             lang=book_language(book))
        warn_errors(problems)
        return
    show(build(build_sales, book, by, span, scope=Scope(location=location), top=top), fmt, output, csv_dialect,
         lang=book_language(book))
    warn_errors(problems)


@report_app.command("kpi")
def kpi_report(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    begin: BeginOpt = None,
    end: EndOpt = None,
    compare: Annotated[str, typer.Option("--compare", help="previous or last-year.")] = "previous",
    location: LocationOpt = None,
    churn_months: Annotated[int, typer.Option("--churn-months", min=1, help="Months without an invoice after "
                                              "which a customer is lost (docs/kpi.md).")] = 12,
    by: Annotated[Optional[str], typer.Option("--by", help="location: revenue, cost of sales, labour and prime "
                                              "cost per month and location instead (docs/kpi.md).")] = None,
    lang: LangOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Key figures: revenue growth, gross margin, food cost, labour and prime cost, DSO, DPO, inventory turnover.

    \b
    Examples:
      kebir report kpi --books ledger-data -p 2025Q4
      kebir report kpi --books ledger-data -p 2025-12 --compare last-year --format json
      kebir report kpi --books ledger-data -p 2025Q1 --by location
    """
    from core.reports.kpi import build_kpi, build_prime_cost  # lazy: only its command needs it (kebir start-up)

    if by not in (None, "location"):
        raise usage("--by takes location")
    span = span_of(period, begin, end)
    root, book, problems = open_books(books)
    if by == "location":
        show(build(build_prime_cost, book, build(columns.bounded, span, book), scope=Scope(location=location)),
             fmt, output, csv_dialect, lang=report_language(book, lang))
        warn_errors(problems)
        return
    show(build(build_kpi, book, build(columns.bounded, span, book), against=compare, scope=Scope(location=location),
               churn_months=churn_months), fmt, output, csv_dialect,
         lang=report_language(book, lang))
    warn_errors(problems)


@report_app.command("close-pack")
def close_pack(
    period: Annotated[str, typer.Argument(help="The period: 2025-12, 2025Q4 or 2025.")],
    books: BooksOpt = None,
    lang: LangOpt = None,
    output: OutputOpt = None,
) -> None:
    """One self-contained HTML page for a period: charts, statements, trial balance, checklist, seal.

    \b
    Examples:
      kebir report close-pack 2025-01 --books ledger-data -o close-2025-01.html
      kebir report close-pack 2025Q4 --books ledger-data > q4.html
    """
    # lazy: only its command needs it (kebir start-up)
    from core.reports.close_pack import close_pack_html, entries_from_book

    try:
        parse_period(period)
    except ValueError as exc:
        raise usage(str(exc)) from None
    root, book, problems = open_books(books)
    closes, found = read_closes(root)
    record = closes.get(period)
    generated = entries_from_book(book, list(record.generated or ())) if record else None
    _render.emit(close_pack_html(book, period, record.as_dict() if record else None, generated,
                                 lang=report_language(book, lang)), output)
    warn_errors(problems + found)


@report_app.command("aging")
def aging(
    side: Annotated[str, typer.Argument(help="ar (receivables) or ap (payables).")],
    on: Annotated[Optional[str], typer.Option("--on",
                                              help="Age on this date (default: the last date in the books).")] = None,
    detail: Annotated[bool, typer.Option("--detail", help="One row per open item.")] = False,
    books: BooksOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Open receivables or payables by days past due: current, 1-30, 31-60, 61-90, 90+.

    Examples:
      kebir report aging ar --books ledger-data --on 2025-12-31
      kebir report aging ap --books ledger-data --detail --format csv
    """

    if side not in ("ar", "ap"):
        raise usage("aging takes ar or ap")
    as_of = on_date(on)
    root, book, problems = open_books(books)
    if as_of is None:
        last = book.ledger()["date"].max()
        as_of = last if last is not None else date.today()
    show(build_aging(book, side, as_of, detail), fmt, output, csv_dialect, lang=book_language(book))
    raise typer.Exit(1 if errors.count_errors(problems) else 0)



@report_app.command("tax-base")
def tax_base_report(
    period: Annotated[str, typer.Option("-p", "--period", help="The fiscal year, YYYY.")],
    books: BooksOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """Taxable-profit worksheet: accounting profit, KKEG, exemptions, tax losses, the corporate tax.

    Examples:
      kebir report tax-base --books ledger-data -p 2025
      kebir report tax-base --books ledger-data -p 2025 --format json
    """

    if not (len(period) == 4 and period.isdigit()):
        raise usage(f"tax-base takes a fiscal year (-p 2025), not {period!r}")
    root, book, problems = open_books(books)
    settings = [p for p in problems if p.severity == "error" and p.path == "books.toml"]
    if settings:                     # a rate or a loss left out would be a wrong tax: show no worksheet
        sys.stderr.write(_render.problems_text(settings, str(root), "kebir: no tax-base worksheet: books.toml "
                                               "has settings it cannot read; fix them first"))
        raise typer.Exit(1)
    table = build_tax_base(book, int(period))
    if changed := table.meta.get("settings_changed_since"):
        sys.stderr.write(f"kebir: note: {period} is closed: the worksheet uses the settings its year-end close "
                         f"recorded ({table.meta['settings']}); books.toml has changed since: {', '.join(changed)}\n")
    show(table, fmt, output, csv_dialect, lang=book_language(book))
    warn_errors(problems)


@report_app.command("opening-entry")
def opening_entry_report(
    period: Annotated[str, typer.Option("-p", "--period", help="The new fiscal year, YYYY.")],
    books: BooksOpt = None,
    fmt: OutFormatOpt = None,
    output: OutputOpt = None,
    csv_dialect: CsvDialectOpt = None,
) -> None:
    """The closing entry of the year before and the opening entry of YEAR, as the journal shows them.

    Examples:
      kebir report opening-entry --books ledger-data -p 2026
    """
    from core.reports.opening_entry import build_opening_entry  # lazy: only its command needs it (kebir start-up)

    if not (len(period) == 4 and period.isdigit()):
        raise usage(f"opening-entry takes a fiscal year (-p 2026), not {period!r}")
    root, book, problems = open_books(books)
    show(build_opening_entry(book, int(period)), fmt, output, csv_dialect, lang=book_language(book))
    raise typer.Exit(1 if errors.count_errors(problems) else 0)
