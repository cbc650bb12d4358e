"""`kebir new entry|invoice|payment|receipt`: append one record with the next id, from a few options
or from a filled template in $EDITOR, checked against the whole books before it is written
(core/books/newrecord.py builds it, core/close/checked.py writes it only if the books stay valid)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from typing import Annotated, Optional

import typer

from cli._common import on_date, open_books, usage, write_checked, writing
from cli._options import BooksOpt
from core.books.edit import EditError
from core.books.newrecord import KINDS, Form, append_record, new_record, record_from_text, template_text
from core.ledger.period import today


def _opt(help_: str, *names: str):
    return typer.Option(*names, help=help_, show_default=False)


def new_cmd(
    kind: Annotated[str, typer.Argument(help="entry, invoice, payment (to a supplier) or receipt (from a customer).")],
    books: BooksOpt = None,
    on: Annotated[Optional[str], _opt("The record's date, YYYY-MM-DD (default: today).", "--date")] = None,
    amount: Annotated[Optional[str], _opt("The amount (an invoice: the net line amount, before VAT).",
                                          "--amount")] = None,
    debit: Annotated[Optional[str], _opt("entry: the account debited.", "--debit")] = None,
    credit: Annotated[Optional[str], _opt("entry: the account credited.", "--credit")] = None,
    party: Annotated[Optional[str], _opt("invoice, receipt: the customer; payment: the supplier.", "--party")] = None,
    account: Annotated[Optional[str], _opt("invoice: the revenue account (default: the sales role); payment, "
                                           "receipt: the bank or cash account (default: the bank role).",
                                           "--account")] = None,
    vat_rate: Annotated[Optional[str], _opt("invoice: the VAT rate in percent (default 20).", "--vat-rate")] = None,
    description: Annotated[Optional[str], _opt("invoice: what was sold (a service).", "--description")] = None,
    item: Annotated[Optional[str], _opt("invoice: a stock item sold instead of a service.", "--item")] = None,
    quantity: Annotated[str, typer.Option("--quantity", help="invoice: the quantity.")] = "1",
    invoice: Annotated[Optional[str], _opt("payment, receipt: the invoice it settles (default: the oldest open).",
                                           "--invoice")] = None,
    memo: Annotated[Optional[str], _opt("A memo.", "--memo")] = None,
    contact: Annotated[Optional[str], _opt("entry: the customer or supplier of both postings.", "--contact")] = None,
    currency: Annotated[Optional[str], _opt("The currency (default: the base currency).", "--currency")] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open $EDITOR on the record filled from the options.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing.")] = False,
) -> None:
    """Append a journal entry, invoice, payment or receipt with the next id, checked before it is written.

    \b
    Examples:
      kebir new entry --date 2025-01-31 --debit 770.01 --credit 102.01 --amount 45000.00 --memo "Ocak kirası" \
--books ledger-data --dry-run
      kebir new invoice --date 2025-01-20 --party CU-0050 --description "Catering" --amount 12000.00 --vat-rate 10 \
--books ledger-data --dry-run
      kebir new receipt --date 2025-01-28 --party CU-0050 --amount 13200.00 --books ledger-data --dry-run
    """
    if kind not in KINDS:
        raise usage(f"kebir new {kind}: use one of {', '.join(KINDS)}")
    form = Form(kind, on_date(on) or today(), amount, debit=debit, credit=credit, party=party, account=account,
                vat_rate=vat_rate, description=description, item=item, quantity=quantity, invoice=invoice, memo=memo,
                contact=contact, currency=currency)
    with writing(books) as root:          # the next id is taken under the lock
        root, book, _ = open_books(str(root))
        try:
            if edit:
                edited = record_from_text(_edit(template_text(book, form)))
                if edited is None:
                    sys.stderr.write("kebir: the record was emptied; nothing written\n")
                    raise typer.Exit(0)
                rid, files = edited[1].get("id", "?"), append_record(book, *edited)
            else:
                rid, files = new_record(book, form)
        except EditError as exc:
            raise usage(str(exc)) from None
        write_checked(root, files, dry_run, f"{kind} {rid} added")
    if not dry_run:
        sys.stdout.write(f"{rid}\n")


def _edit(text: str) -> str:
    """`text` after the person edited it in $VISUAL or $EDITOR (vi when neither is set)."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as fh:
        fh.write(text)
        path = fh.name
    try:
        if subprocess.call([*shlex.split(editor), path]) != 0:
            raise usage(f"the editor ({editor}) failed; nothing written")
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def register(app: typer.Typer) -> None:
    app.command("new", rich_help_panel="Daily")(new_cmd)
