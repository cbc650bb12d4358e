"""AR and AP open items and aging, from the postings on the control accounts.

The subledger of a control account is its postings grouped by contact, derived and manual alike.
Postings that raise the balance (AR debits, AP credits) are open items; the others settle them:
first the item a settlement names (`settles INV-...`, written by derived payments and credit
notes), then the oldest open items. An item is due on its document's `due:`, else on its date
plus the contact's payment terms (`net30` = 30 days; no terms: due at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.reports import Column, Table

BUCKETS = (("current", None, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))
_SETTLES = re.compile(r"^settles (\S+)$")


@dataclass(frozen=True, slots=True)
class OpenItem:
    contact: str
    doc: str
    day: date
    due: date
    amount: int        # open, base minor units, positive
    path: str
    line: int


def terms_days(terms: str | None) -> int:
    if not terms or terms == "due":
        return 0
    m = re.fullmatch(r"net(\d+)", terms)
    return int(m[1]) if m else 0


def control_postings(book: Book, role: str, as_of: date | None = None) -> pl.DataFrame:
    """Postings on the control account of `role`, with the document each came from."""
    code = book.settings.role(role) or ""
    cols = ["entry_id", "date", "account", "base", "contact", "memo", "file", "line"]
    manual = book.postings.select(cols).with_columns(source=pl.col("entry_id"))
    parts = [manual]
    if book.derived_postings is not None and not book.derived_postings.is_empty():
        parts.append(book.derived_postings.select(*cols, "source"))
    p = pl.concat(parts, how="vertical_relaxed").filter(pl.col("account") == code)
    if as_of is not None:
        p = p.filter(pl.col("date") <= as_of)
    return resolve_contacts(book, p).sort("date", "entry_id", maintain_order=True)


def resolve_contacts(book: Book, p: pl.DataFrame, column: str = "contact") -> pl.DataFrame:
    """`column` with every merged id replaced by its survivor (Book.resolve), so a party merged by
    `kebir dedup apply` is one party in the subledgers, whatever id its documents were issued with."""
    aliases = {cid: book.resolve(cid) for cid, c in book.contacts.items() if c.get("merged_into")}
    if not aliases:
        return p
    return p.with_columns(pl.col(column).replace(aliases))


def _replay(book: Book, side: str, as_of: date | None) -> tuple[dict[str, list[list]], dict[str, date]]:
    """Replay the control account: open items per contact, and the day each item was settled.

    The replay of the whole book is shared (credit limits, commissions and status all read it);
    callers only read what it returns."""
    if as_of is None:
        return book._memo(f"_replay_{side}", lambda: _replay_until(book, side, None))
    return _replay_until(book, side, as_of)


def _replay_until(book: Book, side: str, as_of: date | None) -> tuple[dict[str, list[list]], dict[str, date]]:
    role = "receivable" if side == "ar" else "payable"
    sign = 1 if side == "ar" else -1
    p = control_postings(book, role, as_of)
    items: dict[str, list[list]] = {}      # contact -> [[doc, day, due, open, path, line], ...]
    settled: dict[str, date] = {}
    first_open: dict[str, int] = {}
    for entry_id, day, _acc, base, contact, memo, f, ln, source in p.iter_rows():
        contact = contact or ""
        amount = sign * base
        if amount > 0:
            doc = book.document(source)
            terms = book.contacts[contact].get("payment_terms") if contact in book.contacts else None
            due = doc.due if doc is not None and doc.due and doc.kind not in ("sales", "purchase") else \
                day + timedelta(days=terms_days(terms))
            items.setdefault(contact, []).append([source, day, due, amount, str(f), ln])
            continue
        left = -amount
        target = _SETTLES.match(memo or "")
        queue = items.get(contact, [])
        if target:                               # the named item first
            for item in queue:
                if item[0] == target[1] and item[3] > 0:
                    left = _take(item, left, day, settled)
                    break
        start = first_open.get(contact, 0)
        while start < len(queue) and queue[start][3] <= 0:
            start += 1                           # settled items never reopen: skip them for good
        first_open[contact] = start
        for item in queue[start:]:
            if left <= 0:
                break
            if item[3] > 0:
                left = _take(item, left, day, settled)
        if left > 0:          # a settlement with nothing left to settle: a credit balance, kept as negative item
            items.setdefault(contact, []).append([source, day, day, -left, str(f), ln])
    return items, settled


def _take(item: list, left: int, day: date, settled: dict[str, date]) -> int:
    take = min(left, item[3])
    item[3] -= take
    if item[3] == 0:
        settled[item[0]] = day
    return left - take


def open_items(book: Book, side: str, as_of: date | None = None) -> list[OpenItem]:
    """Open AR (side='ar') or AP (side='ap') items at the end of `as_of`, oldest first."""
    items, _ = _replay(book, side, as_of)
    out = [OpenItem(c, doc, day, due, amt, f, ln) for c, rows in items.items()
           for doc, day, due, amt, f, ln in rows if amt != 0]
    return sorted(out, key=lambda i: (i.contact, i.day, i.doc))


def settled_on(book: Book, side: str = "ar") -> dict[str, date]:
    """The day each invoice (or manual item) was settled in full."""
    return _replay(book, side, None)[1]


def bucket_of(item: OpenItem, as_of: date) -> str:
    late = (as_of - item.due).days
    for name, low, high in BUCKETS:
        if (low is None and late <= 0) or (low is not None and late >= low and (high is None or late <= high)):
            return name
    return "current"


def build_aging(book: Book, side: str, as_of: date, detail: bool = False) -> Table:
    """Aging buckets per contact (or per open item with `detail`) on `as_of`."""
    dec = book.settings.decimals(book.base) or 2
    items = open_items(book, side, as_of)
    names = [b[0] for b in BUCKETS]
    if detail:
        rows = tuple((i.contact, _name(book, i.contact), i.doc, i.day, i.due, max((as_of - i.due).days, 0),
                      bucket_of(i, as_of), from_minor(i.amount, dec)) for i in items)
        cols = (Column("contact", "Contact"), Column("name", "Name"), Column("document", "Document"),
                Column("date", "Date"), Column("due", "Due"), Column("days_late", "Days late", "int"),
                Column("bucket", "Bucket"), Column("open", "Open", "money"))
        total = sum((r[7] for r in rows), Decimal(0))
        totals = ("Total", "", "", "", "", "", "", total)
    else:
        per: dict[str, dict[str, int]] = {}
        for i in items:
            per.setdefault(i.contact, dict.fromkeys(names, 0))[bucket_of(i, as_of)] += i.amount
        rows = tuple((c, _name(book, c), *[from_minor(v[n], dec) for n in names],
                      from_minor(sum(v.values()), dec)) for c, v in sorted(per.items()))
        cols = (Column("contact", "Contact"), Column("name", "Name"),
                *[Column(n, n, "money") for n in names], Column("total", "Total", "money"))
        totals = ("Total", "", *[sum((r[2 + k] for r in rows), Decimal(0)) for k in range(len(names) + 1)])
    title = f"{'Receivables' if side == 'ar' else 'Payables'} aging on {as_of}"
    return Table(f"aging-{side}", title, cols, rows, totals, {"currency": book.base, "as_of": str(as_of)})


def _name(book: Book, contact: str) -> str:
    c = book.contacts.get(contact)
    return c.name if c else ("(no contact)" if not contact else "?")
