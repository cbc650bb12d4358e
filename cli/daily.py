"""The daily commands: `kebir validate`, `print`, `status` and `price`."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Optional

import typer

from cli import _render
from cli._common import book_language, open_books, span_of, usage
from cli._options import BooksOpt, Fmt, FormatOpt, NoCacheOpt, PeriodOpt
from core.close import validate as checks
from core.model import errors
from core.erp.pricing import quote
from core.erp.status import status_of


def register(app: typer.Typer) -> None:
    """Add the Daily commands to the root app, in the order `kebir --help` lists them."""
    app.command(rich_help_panel="Daily")(validate)
    app.command("print", rich_help_panel="Daily")(print_entries)
    app.command("status", rich_help_panel="Daily")(status)
    app.command("price", rich_help_panel="Daily")(price)


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
        verdict = "ok" if not problems else (f"{n_err} error{'s' if n_err != 1 else ''}, "
                                             f"{n_warn} warning{'s' if n_warn != 1 else ''}")
        line = (f"{verdict}: {summary['files']} files, {summary['entries']:,} entries, "
                f"{summary['postings']:,} postings, "
                f"{summary['documents']:,} documents, {summary['moves']:,} stock moves ({derived:,} derived entries), "
                f"{summary['contacts']:,} contacts")
        text = _render.problems_text(problems, str(root), line)
        _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)
    raise typer.Exit(1 if n_err or (strict and n_warn) else 0)


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
    # lazy: only its command needs it (kebir start-up)
    from core.reports.journal import blocks_as_records, blocks_as_text, select_blocks

    if source is None and period is None:
        raise usage("give --source ID or --period PERIOD")
    span = span_of(period, None, None)
    root, book, problems = open_books(books)
    if source is not None and book.document(source) is None and \
            book.moves.filter(book.moves["id"] == source).is_empty() and \
            book.entries.filter(book.entries["id"] == source).is_empty() and \
            (book.derived_entries is None
             or book.derived_entries.filter(book.derived_entries["source"] == source).is_empty()):
        raise usage(f"no document, stock move or entry has the id {source}")
    blocks = select_blocks(book, source, span, derived_only=derived)
    if fmt is Fmt.json:
        _render.emit(json.dumps(blocks_as_records(blocks), ensure_ascii=False, indent=2) + "\n")
    else:
        text = blocks_as_text(blocks, book.base, book_language(book))
        _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)
    raise typer.Exit(1 if errors.count_errors(problems) else 0)


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

    root, book, problems = open_books(books)
    doc = book.document(doc_id)
    if doc is None:
        raise usage(f"no document has the id {doc_id}")
    st = status_of(book, doc)
    if fmt is Fmt.json:
        _render.emit(json.dumps({"id": st.id, "kind": st.kind, "party": st.party, "status": st.state,
                                 "facts": list(st.facts)}, ensure_ascii=False, indent=2) + "\n")
    else:
        text = f"{st.id} ({st.kind}, {st.party}): {st.state}\n" + "".join(f"  {f}\n" for f in st.facts)
        _render.emit(_render.md_fence(text) if fmt is Fmt.md else text)


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

    try:
        qty = Decimal(quantity)
        day = date.fromisoformat(on) if on else date.today()
    except (InvalidOperation, ValueError):
        raise usage("--quantity takes a number and --on a date YYYY-MM-DD") from None
    root, book, problems = open_books(books)
    if item not in book.items:
        raise usage(f"unknown item {item}")
    q = quote(book, item, qty, day, party, campaign, book.settings.base_decimals)
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

