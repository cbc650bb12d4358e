"""`kebir new entry|invoice|payment|receipt`: one record appended with the next free id, from a few
options or from a filled template a person edits, so a new user writes a valid record without
learning the file format first.

What each kind is, in the bookkeeper's words (docs/guide.md, "Typing a month"):

- `entry`: a journal entry by hand, one debit and one credit of one amount (rent, a bank charge),
  `JE-YYYY-MM-NNNN` in `journals/YYYY/YYYY-MM.yaml`;
- `invoice`: a sales invoice to a customer, one line (a service or an item) with its VAT rate,
  `INV-YYYY-NNNN` in `orders/YYYY/YYYY-MM.yaml`;
- `receipt`: money received from a customer (a document of kind `payment`), `PAY-YYYY-NNNN`;
- `payment`: money paid to a supplier (kind `supplier-payment`), `SP-YYYY-NNNN`.

Ids number on from the highest of their prefix in the books (per month for entries, per year for
documents). The record is returned as files to write; the caller checks them against the whole
books before writing (core.close.checked.apply_checked, in the books lock), so a record that would
make the books invalid is never written. Nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.books import yamlnodes
from core.books.edit import EditError, _read_yaml, appended_text
from core.model.records import Book
from core.books.store import dump_yaml_records

KINDS = ("entry", "invoice", "payment", "receipt")

_DOC = {"invoice": ("invoice", "INV"), "receipt": ("payment", "PAY"), "payment": ("supplier-payment", "SP")}


@dataclass(frozen=True, slots=True)
class Form:
    """What the options of `kebir new` say; empty fields take their defaults."""

    kind: str
    day: date
    amount: str | None = None
    debit: str | None = None          # entry
    credit: str | None = None         # entry
    party: str | None = None          # invoice, payment, receipt
    account: str | None = None        # invoice: the revenue account; payment, receipt: bank or cash
    vat_rate: str | None = None       # invoice
    description: str | None = None    # invoice: the line's text
    item: str | None = None           # invoice: a stock item instead of a description
    quantity: str = "1"               # invoice
    invoice: str | None = None        # payment, receipt: the invoice settled
    memo: str | None = None
    contact: str | None = None        # entry: the contact of a receivable or payable posting
    currency: str | None = None


AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]+)?")


def _money(book: Book, text: str, currency: str, what: str) -> str:
    """An amount as the books write it: positive, padded to the currency's decimals, never rounded."""
    # Only what the books themselves write: ASCII digits and a point. A comma is refused, never
    # dropped: "12,50" is 12.50 to a Turkish accountant and 1250 with the comma taken out.
    if not isinstance(text, str) or not AMOUNT.fullmatch(text.strip()):
        raise EditError(f"{what} {text!r} is not an amount: write it like 1500.00 (digits and a point for the "
                        "decimals; no comma, no thousands separator)")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise EditError(f"{what} {text!r} is not an amount: write it like 1500.00") from None
    places = book.settings.decimals(currency)
    if not value.is_finite() or value <= 0:
        raise EditError(f"{what} {text!r}: write a positive amount (the side says debit or credit)")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise EditError(f"{what} {text!r} has more than {places} decimals for {currency}")
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def next_number(ids: Any, prefix: str) -> str:
    """`prefix` followed by one more than the highest number any id with that prefix has, in four digits."""
    rx = re.compile(re.escape(prefix) + r"(\d+)$")
    numbers = [int(m.group(1)) for i in ids if isinstance(i, str) and (m := rx.match(i))]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _file_records(book: Book, rel: str) -> tuple[str, list[dict[str, Any]]]:
    return _read_yaml(book.root, rel) if (book.root / rel).exists() else ("", [])


_TO_FILL = "FILL-IN"       # what a draft for $EDITOR holds where an option was not given


def build_record(book: Book, form: Form, draft: bool = False) -> tuple[str, dict[str, Any]]:
    """(the record's file, the record) for `form`, with the next free id. Raises EditError on a
    value a person must correct (an unknown account or party, a malformed amount). A `draft` (the
    template for $EDITOR) takes what is missing as FILL-IN and a zero amount instead."""
    if form.kind not in KINDS:
        raise EditError(f"unknown record kind {form.kind!r}: use {', '.join(KINDS)}")
    currency = form.currency or book.settings.base_currency
    if draft:
        form = replace(form, **{k: _TO_FILL for k in ("debit", "credit", "party") if not getattr(form, k)})
        if form.kind == "invoice" and not (form.description or form.item):
            form = replace(form, description=_TO_FILL)
        amount = _money(book, form.amount, currency, "--amount") if form.amount else \
            f"{Decimal(0).quantize(Decimal(1).scaleb(-book.settings.decimals(currency))):f}"
        book_accounts = {**book.accounts, _TO_FILL: None}
        book_contacts = {**book.contacts, _TO_FILL: None}
    else:
        amount = _money(book, form.amount or "", currency, "--amount")
        book_accounts, book_contacts = book.accounts, book.contacts
    for acc in (form.debit, form.credit, form.account):
        if acc and acc not in book_accounts:
            raise EditError(f"account {acc} is not in the chart: `kebir accounts list` shows the codes, "
                            f"`kebir accounts add {acc} NAME` adds it")
    y, m = form.day.year, form.day.month
    if form.kind == "entry":
        if not (form.debit and form.credit):
            raise EditError("an entry needs --debit ACCOUNT and --credit ACCOUNT")
        rel = f"journals/{y}/{y}-{m:02d}.yaml"
        ids = set(book.entries["id"].to_list()) if "id" in book.entries.columns else set()
        ids |= {r.get("id") for r in _file_records(book, rel)[1]}
        rec: dict[str, Any] = {"id": next_number(ids, f"JE-{y}-{m:02d}-"), "date": form.day.isoformat()}
        if form.memo:
            rec["memo"] = form.memo
        extra = {"currency": currency} if currency != book.settings.base_currency else {}
        debit = {"account": form.debit, "debit": amount, **extra}
        credit = {"account": form.credit, "credit": amount, **extra}
        if form.contact:
            if form.contact not in book_contacts:
                raise EditError(f"contact {form.contact} is not in the books")
            debit["contact"] = form.contact
            credit["contact"] = form.contact
        rec["postings"] = [debit, credit]
        return rel, rec
    kind, prefix = _DOC[form.kind]
    if not form.party:
        raise EditError(f"a{'n' if form.kind == 'invoice' else ''} {form.kind} needs --party ID")
    if form.party not in book_contacts:
        raise EditError(f"party {form.party} is not in the books: `kebir contacts add NAME` adds a customer, "
                        "`--role supplier` a supplier")
    rel = f"orders/{y}/{y}-{m:02d}.yaml"
    ids = {d.id for d in book.documents} | {r.get("id") for r in _file_records(book, rel)[1]}
    rec = {"id": next_number(ids, f"{prefix}-{y}-"), "kind": kind, "date": form.day.isoformat(), "party": form.party,
           "currency": currency}
    if form.kind == "invoice":
        if not (form.description or form.item):
            raise EditError("an invoice line needs --description TEXT (a service) or --item SKU")
        if form.item and form.item not in book.items:
            raise EditError(f"item {form.item} is not in stock/items.yaml")
        line: dict[str, Any] = {}
        if form.item:
            line["item"] = form.item
        if form.description:
            line["description"] = form.description
        if form.account or not form.item:      # a service line posts to an account: the sales role's by default
            line["account"] = form.account or book.settings.role("sales") or _TO_FILL
        line.update({"quantity": form.quantity, "price": amount, "vat_rate": form.vat_rate or "20"})
        if form.memo:
            rec["memo"] = form.memo
        rec["lines"] = [line]
        return rel, rec
    rec["amount"] = amount
    if form.account:
        rec["account"] = form.account
    if form.memo:
        rec["memo"] = form.memo
    if form.invoice:
        rec["allocations"] = [{"invoice": form.invoice, "amount": amount}]
    return rel, rec


def append_record(book: Book, rel: str, rec: dict[str, Any]) -> dict[str, str]:
    """The file `rel` with `rec` appended (a new file when there is none), as files to write: the
    file's text above the record is kept byte for byte, comments and all (core.books.edit.appended_text)."""
    kind = "journal" if rel.startswith("journals/") else "orders"
    records = _file_records(book, rel)[1]
    if any(r.get("id") == rec.get("id") for r in records):
        raise EditError(f"{rec.get('id')} exists already in {rel}")
    return {rel: appended_text(book.root, rel, kind, [rec])}


def new_record(book: Book, form: Form) -> tuple[str, dict[str, str]]:
    """(the new record's id, the files to write) for `kebir new`."""
    rel, rec = build_record(book, form)
    return rec["id"], append_record(book, rel, rec)


def template_text(book: Book, form: Form) -> str:
    """The record `form` would make, as YAML a person edits in $EDITOR (then `record_from_text`)."""

    rel, rec = build_record(book, form, draft=True)
    kind = "journal" if rel.startswith("journals/") else "orders"
    return (f"# kebir new {form.kind}: edit the record below, save and quit; it is checked against the books\n"
            f"# before it is appended to {rel}. Leave the file empty to write nothing.\n"
            + dump_yaml_records(kind, [rec]))


def record_from_text(text: str) -> tuple[str, dict[str, Any]] | None:
    """(the file, the record) from an edited template; None when the person emptied it."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()
    if not body:
        return None
    tree, problems = yamlnodes.parse(body + "\n", "<edited record>")
    records = yamlnodes.plain(tree) if not problems else None
    if not isinstance(records, list) or len(records) != 1 or not isinstance(records[0], dict):
        raise EditError("the edited text is not one YAML record (a list of one mapping, as in the template)")
    rec = records[0]
    day = str(rec.get("date", ""))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise EditError(f"the record's date {day!r}: write YYYY-MM-DD")
    folder = "journals" if "postings" in rec else "orders"
    return f"{folder}/{day[:4]}/{day[:7]}.yaml", rec
