"""A document's status follows from its records: what was delivered, invoiced, credited and paid.

The `status:` a person writes on an order is an intention (draft, open, cancelled); what has
happened is computed here from the stock moves, invoices, credit notes and settlements that
name the document, so the two can be compared (`kebir status ID`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.erp.documents import delivered
from core.model.records import Book, Document
from core.model.money import fmt_minor
from core.ledger.subledger import open_items, settled_on, state_of


@dataclass(frozen=True, slots=True)
class Status:
    id: str
    kind: str
    party: str
    state: str                      # e.g. open, partly delivered, delivered, invoiced, partly paid, paid
    facts: tuple[str, ...]          # how it got there, one line each


def _thousandths(q: Decimal) -> int:
    return int((q * 1000).to_integral_value())


def status_of(book: Book, doc: Document) -> Status:
    if doc.status in ("cancelled", "draft"):
        return Status(doc.id, doc.kind, doc.party, doc.status, (f"written as {doc.status}",))
    if doc.kind in ("sales", "purchase"):
        return _order(book, doc)
    if doc.kind in ("invoice", "supplier-invoice"):
        return _invoice(book, doc)
    return Status(doc.id, doc.kind, doc.party, "posted", ())


def _order(book: Book, doc: Document) -> Status:
    moved = delivered(book)
    verb = "delivered" if doc.kind == "sales" else "received"
    facts, full, some = [], True, False
    invoices = [d for d in book.documents if d.order == doc.id and d.kind in ("invoice", "supplier-invoice")
                and d.status != "cancelled"]
    stocked = [ln for ln in doc.lines if ln.item in book.items and book.items[ln.item].type == "stock"]
    for ln in stocked:
        got = moved.get((doc.id, ln.item), 0)
        want = _thousandths(ln.quantity)
        facts.append(f"{ln.item}: {verb} {fmt_minor(got, 3)} of {fmt_minor(want, 3)}")
        full &= got >= want
        some |= got > 0
    invoiced = {}
    for inv in invoices:
        for ln in inv.lines:
            invoiced[ln.item] = invoiced.get(ln.item, 0) + _thousandths(ln.quantity)
    all_invoiced = all(invoiced.get(ln.item, 0) >= _thousandths(ln.quantity) for ln in doc.lines)
    if invoices:
        facts.append("invoiced by " + ", ".join(i.id for i in invoices))
    paid = settled_on(book, "ar" if doc.kind == "sales" else "ap")
    all_paid = bool(invoices) and all(i.id in paid for i in invoices)
    if all_paid and all_invoiced:
        state = "paid"
    elif invoices and all_invoiced:
        state = "invoiced"
    elif invoices:
        state = "partly invoiced"
    elif stocked and full:
        state = verb
    elif some:
        state = f"partly {verb}"
    else:
        state = "open"
    return Status(doc.id, doc.kind, doc.party, state, tuple(facts))


def _invoice(book: Book, doc: Document) -> Status:
    """What the subledger says of the invoice: the same replay aging and the customer 360 read."""
    side = "ar" if doc.kind == "invoice" else "ap"
    dec = book.settings.base_decimals
    st = state_of(book, doc.id, side)
    if st.state == "paid":
        return Status(doc.id, doc.kind, doc.party, "paid", (f"settled in full on {st.settled}",))
    if st.state == "not posted":
        return Status(doc.id, doc.kind, doc.party, "not posted", ("no entry on the control account",))
    item = next(i for i in open_items(book, side) if i.doc == doc.id and i.amount > 0)
    facts = (f"open {fmt_minor(st.open, dec)} of {fmt_minor(st.gross, dec)} {book.base}, due {item.due}",)
    return Status(doc.id, doc.kind, doc.party, st.state, facts)
