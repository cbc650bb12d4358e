"""The AR / AP subledger: open items, allocations and settlement, kept in one place.

Posting (`core.erp.post`, `core.erp.post_frames`) settles documents while it derives them: a payment its
allocated invoices (else the oldest open ones), a credit note the invoice it names (else the
oldest), a doubtful classification its invoice, an advance the invoice it is applied to. Each
such step is recorded here as an allocation row (`ALLOC_SCHEMA`, `Book.allocations`), beside the
derived postings, never as memo text:

- `open`: document `doc` opens an item of `amount` (its currency) / `base` (base currency);
- `settle`: document `by` settles `amount` / `base` of the item `doc`;
- `oldest`: `by` leaves `amount` to settle the party's oldest open items (a payment without
  allocations after the items derivation knew of; what is left stays on account);
- `revalue`: the close's FX revaluation entry `by` changes the carrying value of item `doc` by
  `base` (amount 0): the item's base follows, and a later payment settles the revalued value;
- `on-account`: `by` leaves `amount` on account: an advance of the customer (or to the supplier),
  never applied to an invoice nobody named (what a payment with allocations has left over).

Aging, `kebir status`, the customer 360, commissions and the close's tie-outs read `replay`,
which walks those rows together with the postings on the control account that no derived
allocation covers (manual journal entries: opening balances), manual debits opening items and
manual credits settling the oldest ones. The correction entries of closed months are not read:
they bring the ledger to today's derivation, whose allocation rows already hold the items. A
base-currency payment without allocations settles the oldest items of all in the replay, manual
ones included (derivation only knew the documents). Amounts in the replay are base minor units.

An item is due on its document's `due:`, else on its date plus the contact's payment terms
(`net30` = 30 days; no terms: due at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from core.model.money import round_half_up

ALLOC_SCHEMA = {
    "entry_id": pl.String, "date": pl.Date, "side": pl.String, "kind": pl.String, "party": pl.String,
    "doc": pl.String, "by": pl.String, "currency": pl.String, "amount": pl.Int64, "base": pl.Int64,
    "file": pl.String, "line": pl.Int32, "_k": pl.Int64,
}
SIDES = {"ar": "receivable", "ap": "payable"}
ON_ACCOUNT = "on account"


# ------------------------------------------------------------------ while deriving

@dataclass
class Item:
    """An item open while documents are derived, in the document's currency and in base."""

    doc: str
    party: str
    currency: str
    amount: int          # open, in the document currency's minor units
    base: int            # open, in base minor units
    day: date
    side: str = "ar"


@dataclass
class Ledgers:
    """Open items per (side, party, currency), oldest first, while documents are replayed, and the
    allocation rows that record every step (`rows`, in ALLOC_SCHEMA order)."""

    items: dict[tuple[str, str, str], list[Item]] = field(default_factory=dict)
    by_doc: dict[str, Item] = field(default_factory=dict)
    first: dict[tuple[str, str, str], int] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)
    ctx: tuple = ("", date.min, "", 0)              # (entry id, day, file, line) being derived
    _k: int = 0

    def at(self, entry: str, day: date, path: str, line: int) -> None:
        """The entry the next rows belong to."""
        self.ctx = (entry, day, path, line)
        self._k = 0

    def record(self, kind: str, side: str, party: str, doc: str | None, by: str | None, currency: str,
               amount: int, base: int) -> None:
        entry, day, path, line = self.ctx
        self.rows.append((entry, day, side, kind, party, doc, by, currency, amount, base, path, line, self._k))
        self._k += 1

    def add(self, side: str, item: Item) -> None:
        item.side = side
        self.items.setdefault((side, item.party, item.currency), []).append(item)
        self.by_doc[item.doc] = item
        self.record("open", side, item.party, item.doc, None, item.currency, item.amount, item.base)

    def settle(self, item: Item, amount: int, by: str | None = None, base: int | None = None) -> int:
        """Take `amount` off an item (at most what is open); returns the base value settled (pro rata,
        exact at the end). `by` records the allocation; `base` is what the posting carried, when it
        is not the item's booked value (a credit note at its own rate)."""
        amount = min(amount, item.amount)
        if amount <= 0:
            return 0
        booked = item.base if amount == item.amount else int(
            round_half_up(Decimal(item.base) * amount / item.amount, 0))
        item.amount -= amount
        item.base -= booked
        if by is not None:
            self.record("settle", item.side, item.party, item.doc, by, item.currency, amount,
                        booked if base is None else base)
        return booked

    def leave(self, kind: str, side: str, party: str, by: str, currency: str, amount: int, base: int) -> None:
        """What `by` does not settle: `oldest` or `on-account` (see the module docstring)."""
        if amount > 0:
            self.record(kind, side, party, None, by, currency, amount, base)

    def revalue(self, day: date, entry: str, side: str, party: str, currency: str, base: int) -> None:
        """A close's FX revaluation of the party's open items (`base`: the change of their carrying
        value, positive raises what is owed): spread over the items open in that currency pro rata to
        their amounts, recorded as `revalue` rows of the revaluation entry; a payment then settles the
        revalued value (IAS 21.28). What no open item takes (a credit on account) is left as an
        `open` (or `oldest`) row so the replay still ties to the ledger."""
        keep = self.ctx
        self.at(entry, day, "", 0)
        items = self.oldest(side, party, currency)
        total = sum(i.amount for i in items)
        left = base
        for n, item in enumerate(items):
            share = left if n == len(items) - 1 else int(round_half_up(Decimal(base) * item.amount / total, 0))
            item.base += share
            left -= share
            self.record("revalue", side, party, item.doc, entry, currency, 0, share)
        if left > 0:
            self.record("open", side, party, entry, None, currency, 0, left)
        elif left < 0:
            self.record("oldest", side, party, None, entry, currency, 0, -left)
        self.ctx = keep

    def oldest(self, side: str, party: str, currency: str) -> list[Item]:
        key = (side, party, currency)
        queue = self.items.get(key, [])
        start = self.first.get(key, 0)
        while start < len(queue) and queue[start].amount <= 0:
            start += 1                       # settled items never reopen: skip them for good
        self.first[key] = start
        return [i for i in queue[start:] if i.amount > 0]

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=ALLOC_SCHEMA, orient="row")


def empty_allocations() -> pl.DataFrame:
    return pl.DataFrame(schema=ALLOC_SCHEMA)


def finish(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The allocation rows of a derivation in one frame, in (date, entry, row) order."""
    frames = [f.select(list(ALLOC_SCHEMA)) for f in frames if f.height]
    if not frames:
        return empty_allocations().drop("_k")
    return pl.concat(frames, how="vertical_relaxed").sort("date", "entry_id", "_k").drop("_k")


# ------------------------------------------------------------------ reading the books

@dataclass(frozen=True, slots=True)
class OpenItem:
    contact: str
    doc: str
    day: date
    due: date
    amount: int        # open, base minor units (negative: a credit on account, an advance)
    path: str
    line: int

    @property
    def on_account(self) -> bool:
        return self.amount < 0


@dataclass(frozen=True, slots=True)
class Allocated:
    by: str            # the settling document (or manual entry)
    day: date
    amount: int        # base minor units


@dataclass
class Replay:
    items: dict[str, list[list]]                      # contact -> [[doc, day, due, open, path, line], ...]
    settled: dict[str, date]                          # doc -> the day it was settled in full
    gross: dict[str, int]                             # doc -> what it opened (base)
    allocations: dict[str, list[Allocated]]           # doc -> what settled it

    def open_of(self, doc: str) -> int:
        return sum(r[3] for rows in self.items.values() for r in rows if r[0] == doc and r[3] > 0)


def terms_days(terms: str | None) -> int:
    if not terms or terms == "due":
        return 0
    m = re.fullmatch(r"net(\d+)", terms)
    return int(m[1]) if m else 0


def resolve_contacts(book, p: pl.DataFrame, column: str = "contact") -> pl.DataFrame:
    """`column` with every merged id replaced by its survivor (Book.resolve), so a party merged by
    `kebir dedup apply` is one party in the subledgers, whatever id its documents were issued with."""
    aliases = {cid: book.resolve(cid) for cid, c in book.contacts.items() if c.get("merged_into")}
    if not aliases:
        return p
    return p.with_columns(pl.col(column).replace(aliases))


def control_postings(book, role: str, as_of: date | None = None) -> pl.DataFrame:
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


def allocations(book, side: str | None = None) -> pl.DataFrame:
    frame = getattr(book, "allocations", None)
    if frame is None:
        return empty_allocations().drop("_k")
    return frame if side is None else frame.filter(pl.col("side") == side)


def _events(book, side: str, as_of: date | None) -> list[tuple]:
    """(date, entry, order, kind, contact, doc, by, base, file, line) in replay order."""
    sign = 1 if side == "ar" else -1
    rows = allocations(book, side)
    if as_of is not None:
        rows = rows.filter(pl.col("date") <= as_of)
    rows = resolve_contacts(book, rows, "party")
    covered = set(allocations(book, side).get_column("entry_id").unique().to_list()) | _corrections(book)
    p = control_postings(book, SIDES[side], as_of)
    if covered:               # entries whose settlement the allocation rows already say
        p = p.filter(~pl.col("entry_id").is_in(pl.Series(sorted(covered), dtype=pl.String).implode()))
    events = []
    for n, (entry, day, _a, base, contact, _m, f, ln, source) in enumerate(p.iter_rows()):
        amount = sign * base
        if amount > 0:
            events.append((day, entry, 0, n, "open", contact or "", source, None, amount, str(f), ln))
        elif amount < 0:
            events.append((day, entry, 0, n, "oldest", contact or "", None, source, -amount, str(f), ln))
    unallocated = _unallocated_payments(book)
    for n, (entry, day, _s, kind, party, doc, by, _c, _amt, base, f, ln) in enumerate(
            rows.select(*[c for c in ALLOC_SCHEMA if c != "_k"]).iter_rows()):
        if kind == "settle" and by in unallocated:
            # derivation chose these invoices oldest first among the documents it knew; the replay
            # knows the manual items too (an opening balance), so the oldest of all are settled
            kind, doc = "oldest", None
        if base != 0 or kind == "open":
            events.append((day, entry, 1, n, kind, party or "", doc, by, base, f, ln))
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
    return events


def _corrections(book) -> set[str]:
    """The correction entries of closed months (tag `corrects:YYYY-MM`, core.close.correction). Their
    legs on a control account bring the ledger to what the documents derive today (an account role
    moved, an amount fixed): they move the base of items the allocation rows already hold, and are
    never open items of their own (counted as such, the close's tie-out fails on its own correction)."""
    def build() -> set[str]:
        entries = book.entries
        if entries is None or entries.is_empty() or "tags" not in entries.columns:
            return set()
        tagged = entries.filter(pl.col("tags").fill_null("").str.contains(r"(^|,)corrects:"))
        return set(tagged["id"].to_list())
    return book._memo("_subledger_corrections", build)


def revaluations(book) -> list[tuple[date, str, str, str, str, int]]:
    """(day, entry, side, party, currency, base) of the close's FX revaluation legs on the receivable
    and payable accounts: base-only legs (amount 0) in a foreign currency, by party, in a close entry
    that is not a correction. Derivation hands them to `Ledgers.revalue` in date order."""
    controls = {book.settings.role(r): side for side, r in SIDES.items() if book.settings.role(r)}
    if not controls or book.postings.is_empty() or book.entries is None or book.entries.is_empty():
        return []
    tags = pl.col("tags").fill_null("").str.split(",")
    closing = book.entries.filter(tags.list.contains("close") & ~tags.list.contains("correction"))["id"]
    if closing.is_empty():
        return []
    legs = book.postings.filter(pl.col("entry_id").is_in(closing.implode()) & pl.col("account").is_in(list(controls))
                                & (pl.col("currency") != book.base) & (pl.col("amount") == 0) & (pl.col("base") != 0)
                                & pl.col("contact").is_not_null())
    legs = resolve_contacts(book, legs)
    out = []
    for entry, day, account, contact, currency, base in legs.select(
            "entry_id", "date", "account", "contact", "currency", "base").iter_rows():
        side = controls[account]
        out.append((day, entry, side, contact, currency, base if side == "ar" else -base))
    return sorted(out)


def _unallocated_payments(book) -> set[str]:
    """Payments in the base currency without `allocations:`: they settle the party's oldest open
    items, which the replay decides (manual items such as opening balances included); foreign
    currency payments, and the payments of a party with items in another currency, keep
    derivation's choice, made per currency."""
    def build() -> set[str]:
        base = book.settings.base_currency
        # a party with items in another currency keeps derivation's choice: the replay works in base
        # and would let a lira payment settle a euro invoice
        foreign = {d.party for d in book.documents if (d.currency or base) != base}
        controls = [c for c in (book.settings.role(r) for r in SIDES.values()) if c]
        if controls and not book.postings.is_empty():
            manual = book.postings.filter(pl.col("account").is_in(controls) & (pl.col("currency") != base))
            foreign |= set(manual.get_column("contact").drop_nulls().to_list())
        return {d.id for d in book.documents
                if d.kind in ("payment", "supplier-payment") and not d.allocations
                and (d.currency or base) == base and d.party not in foreign}
    return book._memo("_subledger_unallocated", build)


def replay(book, side: str, as_of: date | None = None) -> Replay:
    """The subledger of `side` ('ar' or 'ap') at the end of `as_of` (default: everything). Each
    replay is built once per book and day and shared (credit limits, commissions, status and every
    customer's 360 read the same one): callers only read it."""
    return book._memo(f"_subledger_{side}_{as_of}", lambda: _replay(book, side, as_of))


def _replay(book, side: str, as_of: date | None) -> Replay:
    out = Replay({}, {}, {}, {})
    where: dict[str, list] = {}
    first_open: dict[str, int] = {}
    for day, entry, _o, _n, kind, contact, doc, by, amount, f, ln in _events(book, side, as_of):
        queue = out.items.setdefault(contact, [])
        if kind == "open":
            if amount <= 0:
                continue
            d = book.document(doc)
            terms = book.contacts[contact].get("payment_terms") if contact in book.contacts else None
            due = d.due if d is not None and d.due and d.kind not in ("sales", "purchase") else \
                day + timedelta(days=terms_days(terms))
            row = [doc, day, due, amount, f, ln]
            queue.append(row)
            where[doc] = row
            out.gross[doc] = out.gross.get(doc, 0) + amount
            continue
        if kind == "revalue":             # a revaluation moves the carrying value of the item
            row = where.get(doc)
            if row is not None:
                row[3] += amount
                out.gross[doc] = out.gross.get(doc, 0) + amount
            continue
        left = amount
        if kind == "settle":
            row = where.get(doc)
            if row is not None and row[3] > 0:
                left = _take(out, row, left, day, by)
        elif kind == "oldest":
            start = first_open.get(contact, 0)
            while start < len(queue) and queue[start][3] <= 0:
                start += 1                       # settled items never reopen: skip them for good
            first_open[contact] = start
            for row in queue[start:]:
                if left <= 0:
                    break
                if row[3] > 0:
                    left = _take(out, row, left, day, by)
        if left > 0:          # nothing (more) to settle: a credit on account, kept as a negative item
            queue.append([by or entry, day, day, -left, f, ln])
    return out


def _take(out: Replay, row: list, left: int, day: date, by: str | None) -> int:
    take = min(left, row[3])
    row[3] -= take
    out.allocations.setdefault(row[0], []).append(Allocated(by or "", day, take))
    if row[3] == 0:
        out.settled[row[0]] = day
    return left - take


def open_items(book, side: str, as_of: date | None = None) -> list[OpenItem]:
    """Open AR (side='ar') or AP (side='ap') items at the end of `as_of`, oldest first; a credit
    left on account (an advance) is an item with a negative amount."""
    r = replay(book, side, as_of)
    out = [OpenItem(c, doc, day, due, amt, f, ln) for c, rows in r.items.items()
           for doc, day, due, amt, f, ln in rows if amt != 0]
    return sorted(out, key=lambda i: (i.contact, i.day, i.doc))


def settled_on(book, side: str = "ar") -> dict[str, date]:
    """The day each invoice (or manual item) was settled in full."""
    return replay(book, side, None).settled


def settled_by(book, side: str = "ar") -> dict[str, int]:
    """What each settling document (payment, credit note, doubtful classification) took off the
    subledger, in base minor units: settled plus left on account."""
    def build() -> dict[str, int]:
        rows = allocations(book, side).filter(~pl.col("kind").is_in(["open", "revalue"]))
        return dict(rows.group_by("by").agg(pl.col("base").sum()).iter_rows())
    return book._memo(f"_settled_by_{side}", build)


@dataclass(frozen=True, slots=True)
class DocState:
    """Where one document stands in the subledger (base minor units)."""

    doc: str
    state: str          # paid, partly paid, open, not posted
    gross: int
    open: int
    settled: date | None
    allocations: tuple[Allocated, ...]


def state_of(book, doc_id: str, side: str = "ar", as_of: date | None = None) -> DocState:
    """One invoice's state as every view shows it: paid in full, partly paid, open or not posted."""
    r = replay(book, side, as_of)
    gross = r.gross.get(doc_id)
    allocs = tuple(r.allocations.get(doc_id, ()))
    if gross is None:
        return DocState(doc_id, "not posted", 0, 0, None, allocs)
    if doc_id in r.settled:
        return DocState(doc_id, "paid", gross, 0, r.settled[doc_id], allocs)
    left = r.open_of(doc_id)
    return DocState(doc_id, "partly paid" if left < gross else "open", gross, left, None, allocs)
