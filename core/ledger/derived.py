"""Derived journal entries: the postings documents imply, built in the same frame layout as
manual postings so every report reads one general ledger.

Builders (invoices, payments, stock moves, payroll, Z-reports) call `Entries.add` once per
derived entry; `Entries.frames()` returns (postings, entries) frames with the columns of
`Book.postings` / `Book.entries` plus `source`, the document id. Amounts are integer minor units.
A derived entry must balance exactly in the base currency; `add` refuses one that does not,
because that is a bug in a rule, not a data error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

POSTING_SCHEMA = {
    "entry_id": pl.String, "date": pl.Date, "account": pl.String, "currency": pl.String, "amount": pl.Int64,
    "base": pl.Int64, "rate": pl.String, "contact": pl.String, "item": pl.String, "location": pl.String,
    "memo": pl.String, "tags": pl.String, "file": pl.Categorical, "line": pl.Int32, "source": pl.String,
}
ENTRY_SCHEMA = {
    "id": pl.String, "date": pl.Date, "memo": pl.String, "payee": pl.String, "source": pl.String,
    "tags": pl.String, "line": pl.Int32, "file": pl.Categorical,
}


@dataclass(frozen=True, slots=True)
class Leg:
    """One derived posting. `base` is signed (debit > 0) in base minor units; `amount` is in
    `currency` minor units (equal to base for the base currency)."""

    account: str
    base: int
    currency: str | None = None
    amount: int | None = None
    contact: str | None = None
    memo: str | None = None
    item: str | None = None
    location: str | None = None
    rate: str | None = None
    tags: tuple[str, ...] = ()     # the posting's own tags, written with it (a reclassified item's `due:`)


class UnbalancedRule(AssertionError):
    pass


@dataclass
class Entries:
    """Collects derived entries; cheap per call (plain list appends)."""

    base_currency: str
    _p: list[tuple] = field(default_factory=list)
    _e: list[tuple] = field(default_factory=list)
    legs: list[int] = field(default_factory=list)     # postings per entry, in entry order

    def add(self, entry_id: str, day: date, memo: str | None, source: str, file: str, line: int,
            legs: list[Leg], payee: str | None = None, tags: str | None = None) -> None:
        legs = [leg for leg in legs if leg.base != 0 or (leg.amount or 0) != 0]
        if not legs:
            return
        total = sum(leg.base for leg in legs)
        if total != 0:
            raise UnbalancedRule(f"derived entry {entry_id} from {source} is off by {total} minor units: {legs}")
        self._e.append((entry_id, day, memo, payee, source, tags, line, file))
        self.legs.append(len(legs))
        for leg in legs:
            cur = leg.currency or self.base_currency
            amount = leg.amount if leg.amount is not None else leg.base
            self._p.append((entry_id, day, leg.account, cur, amount, leg.base, leg.rate, leg.contact, leg.item,
                            leg.location, leg.memo, tags, file, line, source))

    def __len__(self) -> int:
        return len(self._e)

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        return (pl.DataFrame(self._p, schema=POSTING_SCHEMA, orient="row"),
                pl.DataFrame(self._e, schema=ENTRY_SCHEMA, orient="row"))


def empty_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    return pl.DataFrame(schema=POSTING_SCHEMA), pl.DataFrame(schema=ENTRY_SCHEMA)
