"""AR and AP aging, from the subledger (`core.ledger.subledger`: open items, allocations, settlement).

An item is due on its document's `due:`, else on its date plus the contact's payment terms
(`net30` = 30 days; no terms: due at once). A credit left on account (a payment beyond what it
settled) is an advance: its own line in the detail, and a column of its own per contact.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.model.records import Book
from core.model.money import from_minor
from core.reports import Column, Table
from core.ledger.subledger import ON_ACCOUNT, OpenItem, open_items

BUCKETS = (("current", None, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def bucket_of(item: OpenItem, as_of: date) -> str:
    late = (as_of - item.due).days
    for name, low, high in BUCKETS:
        if (low is None and late <= 0) or (low is not None and late >= low and (high is None or late <= high)):
            return name
    return "current"


def build_aging(book: Book, side: str, as_of: date, detail: bool = False) -> Table:
    """Aging buckets per contact (or per open item with `detail`) on `as_of`. A credit left on
    account (an advance) is not aged: its bucket is `on account`, in a column of its own (shown
    when there is one)."""
    dec = book.settings.base_decimals
    items = open_items(book, side, as_of)
    names = [b[0] for b in BUCKETS]
    advances = any(i.on_account for i in items)
    if advances:
        names.append(ON_ACCOUNT)
    if detail:
        rows = tuple((i.contact, _name(book, i.contact), i.doc, i.day, i.due,
                      0 if i.on_account else max((as_of - i.due).days, 0),
                      ON_ACCOUNT if i.on_account else bucket_of(i, as_of), from_minor(i.amount, dec)) for i in items)
        cols = (Column("contact", "Contact"), Column("name", "Name"), Column("document", "Document"),
                Column("date", "Date"), Column("due", "Due"), Column("days_late", "Days late", "int"),
                Column("bucket", "Bucket"), Column("open", "Open", "money"))
        total = sum((r[7] for r in rows), Decimal(0))
        totals = ("Total", "", "", "", "", "", "", total)
    else:
        per: dict[str, dict[str, int]] = {}
        for i in items:
            per.setdefault(i.contact, dict.fromkeys(names, 0))[ON_ACCOUNT if i.on_account else bucket_of(i, as_of)] \
                += i.amount
        rows = tuple((c, _name(book, c), *[from_minor(v[n], dec) for n in names],
                      from_minor(sum(v.values()), dec)) for c, v in sorted(per.items()))
        cols = (Column("contact", "Contact"), Column("name", "Name"),
                *[Column(n.replace(" ", "_"), n, "money") for n in names], Column("total", "Total", "money"))
        totals = ("Total", "", *[sum((r[2 + k] for r in rows), Decimal(0)) for k in range(len(names) + 1)])
    title = f"{'Receivables' if side == 'ar' else 'Payables'} aging on {as_of}"
    return Table(f"aging-{side}", title, cols, rows, totals, {"currency": book.base, "as_of": str(as_of)})


def _name(book: Book, contact: str) -> str:
    c = book.contacts.get(contact)
    return c.name if c else ("(no contact)" if not contact else "?")
