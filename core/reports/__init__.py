"""Reports: each `build_*` takes a Book and options and returns a `Table` (rows plus totals)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


NUMERIC = ("money", "qty", "int", "pct")   # column kinds shown right-aligned


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str = "text"        # text | money | qty | int | pct
    # False for a machine key that a name beside it says for people (a KPI's id): csv, json and
    # html keep it, the terminal table leaves it out
    terminal: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    """A finished report: what renderers turn into text, csv, json, markdown or html."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    totals: tuple[Any, ...] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which part of the ledger a report reads: some accounts and/or one location.

    `account` is a code prefix (`120` matches 120, 120.01 ...) or else a case-insensitive regular
    expression searched in "code name" (`bank|kasa`), as hledger's account queries are. Group rows
    of a statement then add up only the matching accounts under them.
    """

    account: str | None = None
    location: str | None = None

    def accounts(self, book: Any) -> list[str] | None:
        """The account codes that match (chart accounts and codes seen in postings), or None for all."""
        if not self.account:
            return None
        pattern = self.account
        try:
            rx = re.compile(pattern, re.IGNORECASE)
        except re.error:
            rx = re.compile(re.escape(pattern), re.IGNORECASE)
        codes = set(book.accounts) | set(book.ledger()["account"].unique().to_list())

        def name(code: str) -> str:
            acc = book.accounts.get(code)
            return acc.name if acc else ""

        return sorted(c for c in codes if c.startswith(pattern) or rx.search(f"{c} {name(c)}"))

    def postings(self, book: Any) -> Any:
        """book.ledger() narrowed to this scope (a polars frame)."""
        import polars as pl

        p = book.ledger()
        codes = self.accounts(book)
        if codes is not None:
            p = p.filter(pl.col("account").is_in(pl.Series(codes, dtype=pl.String).implode()))
        if self.location:
            p = p.filter(pl.col("location") == self.location)
        return p

    def meta(self) -> dict[str, str]:
        return {k: v for k, v in (("account", self.account), ("location", self.location)) if v}
