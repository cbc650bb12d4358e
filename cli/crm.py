"""`kebir crm pipeline|activities|segment` and `kebir report customer ID` (core/crm/pipeline.py)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cli._common import (
    book_language, build, on_date, open_books, out_format, report_language, show, span_of, usage, warn_errors)
from cli._options import (
    BeginOpt,
    BooksOpt,
    CsvDialectOpt,
    EndOpt,
    LangOpt,
    OutFormatOpt,
    OutputOpt,
    PeriodOpt,
)
from cli._render import emit

OnOpt = Annotated[Optional[str], typer.Option("--on", help="The day to look from (YYYY-MM-DD). Default: the "
                                                            "last date in the books.")]


def _as_of(on: str | None, book):

    day = on_date(on)
    if day is not None:
        return day
    from datetime import date

    last = book.ledger()["date"].max()
    return last if last is not None else date.today()


def register(app: typer.Typer, report_app: typer.Typer) -> None:
    """Add the `crm` group to the root app and `customer` to `kebir report`."""
    crm_app = typer.Typer(help="CRM: the deal pipeline, activities and customer segments.", no_args_is_help=True)
    app.add_typer(crm_app, name="crm", rich_help_panel="CRM")

    @crm_app.command("pipeline")
    def pipeline(
        books: BooksOpt = None,
        on: OnOpt = None,
        period: PeriodOpt = None,
        owner: Annotated[Optional[str], typer.Option("--owner", help="Only this owner's deals.")] = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Open deals by stage with amounts and weighted amounts; deals won and lost in the period.

        \b
        Examples:
          kebir crm pipeline --books ledger-data --on 2025-12-31
          kebir crm pipeline --books ledger-data -p 2025Q4 --owner EM-0008 --format csv
        """
        from core.crm.pipeline import build_pipeline  # lazy: only its command needs it (kebir start-up)

        span = span_of(period, None, None) if period else None
        _root, book, problems = open_books(books)
        as_of = _as_of(on, book)
        show(build(build_pipeline, book, as_of, span, owner=owner), fmt, output, csv_dialect, lang=book_language(book))
        warn_errors(problems)

    @crm_app.command("activities")
    def activities(
        books: BooksOpt = None,
        period: PeriodOpt = None,
        begin: BeginOpt = None,
        end: EndOpt = None,
        contact: Annotated[Optional[str], typer.Option("--contact", help="One party (any of its ids).")] = None,
        owner: Annotated[Optional[str], typer.Option("--owner", help="Only this owner's activities.")] = None,
        kind: Annotated[Optional[str], typer.Option("--kind", help="call, email, meeting, ticket or visit.")] = None,
        outcome: Annotated[Optional[str], typer.Option("--outcome", help="positive, open, resolved ...")] = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """CRM activities (calls, e-mails, meetings, tickets, visits) with their outcome.

        \b
        Examples:
          kebir crm activities --books ledger-data -p 2025-03 --kind ticket --outcome open
          kebir crm activities --books ledger-data --contact CU-0010 --format json
        """
        from core.crm.pipeline import build_activities  # lazy: only its command needs it (kebir start-up)

        span = span_of(period, begin, end)
        _root, book, problems = open_books(books)
        if contact and contact not in book.contacts:
            raise usage(f"no contact has the id {contact}")
        show(build_activities(book, span, contact=contact, owner=owner, kind=kind, outcome=outcome),
             fmt, output, csv_dialect, lang=book_language(book))
        warn_errors(problems)

    @crm_app.command("segment")
    def segment(
        segment_id: Annotated[Optional[str], typer.Argument(help="A segment id from contacts/crm/segments.yaml.")]
        = None,
        where: Annotated[Optional[str], typer.Option("--where", help="A SQL condition over the customers "
                                                     "table instead of a saved segment.")] = None,
        books: BooksOpt = None,
        on: OnOpt = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """The customers in a segment: a saved one, or a SQL condition over the customers table.

        \b
        Examples:
          kebir crm segment VIP --books ledger-data
          kebir crm segment --where "revenue_12m > 500000 AND days_overdue = 0" --books ledger-data
        """
        from core.crm.pipeline import build_segment  # lazy: only its command needs it (kebir start-up)

        if (segment_id is None) == (where is None):
            raise usage("give a segment id or --where CONDITION (one of them)")
        _root, book, problems = open_books(books)
        name = ""
        if segment_id is not None:
            seg = next((s for s in book.segments if s.id == segment_id), None)
            if seg is None:
                known = ", ".join(s.id for s in book.segments) or "none yet"
                raise usage(f"no segment {segment_id} in contacts/crm/segments.yaml (known: {known})")
            where, name = seg.where, f"{seg.id} ({seg.name})"
        show(build(build_segment, book, where, _as_of(on, book), name=name), fmt, output, csv_dialect,
             lang=book_language(book))
        warn_errors(problems)

    @report_app.command("customer")
    def customer(
        contact: Annotated[str, typer.Argument(help="Any id of the party: CRM, ERP or a merged alias.")],
        books: BooksOpt = None,
        on: OnOpt = None,
        lang: LangOpt = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Customer 360: the party with its CRM and ERP ids, balance against the credit limit, aging,
        open items, 12 months of sales, deals and activities, campaigns. csv and json keep one row per
        fact (section, date, ref, detail, amount, status).

        \b
        Examples:
          kebir report customer CU-0010 --books ledger-data
          kebir report customer C-0003 --books ledger-data --on 2025-06-30 --format html -o c-0003.html
        """
        from core.crm.customer import build_customer_page  # lazy: only its command needs it (kebir start-up)
        from core.crm.pipeline import build_customer  # lazy: only its command needs it (kebir start-up)

        _root, book, problems = open_books(books)
        as_of = _as_of(on, book)
        kind = out_format(fmt, output)
        if csv_dialect is None and (kind == "html" or (kind == "text" and not output)):
            page = build(build_customer_page, book, contact, as_of, report_language(book, lang))
            if kind == "html":
                from core.crm.customer_html import customer_page_html  # lazy: only -f html needs the page writer

                emit(customer_page_html(page), output)
            else:
                from cli._customer import print_page  # lazy: the panels are drawn only on a terminal

                print_page(page)
        else:
            show(build(build_customer, book, contact, as_of), fmt, output, csv_dialect,
                 lang=report_language(book, lang))
        warn_errors(problems)
