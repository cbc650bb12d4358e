"""Year-end reclassification of long-term items falling due within a year (docs/close.md
"Reclassifications").

books.toml `[accounts.reclass]` maps a long-term group to its short-term group:

```toml
[accounts.reclass]
"220" = "120"      # trade receivables
"221" = "121"      # notes receivable
"280" = "180"      # prepaid expenses of later years -> of the coming months
"400" = "300"      # bank loans
"420" = "320"      # trade payables
"421" = "321"      # notes payable
"480" = "380"      # income received for later years -> for the coming months
```

A posting on a long-term account carries its due day as a tag (`tags: [due:2026-06-30]`). At the
year end, the open balance of each (account, contact, due day) falling due no later than a year
after it, and so also one already due or overdue on the balance-sheet day, moves to the
short-term account with the same sub-code (280.01 to 180.01; the short-term group itself when it
has no such child). A balance with no `due:` tag stays
where it is: the close cannot tell when it falls due.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from core.close.entries import GeneratedEntry
from core.close.provisions import due_of
from core.ledger.derived import Leg
from core.ledger.period import month_bounds
from core.ledger.posting import MissingRole
from core.model.records import Book


def reclass_map(book: Book) -> dict[str, str]:
    return {role.split(":", 1)[1]: code for role, code in book.settings.roles if role.startswith("reclass:")}


def one_year_after(end: date) -> date:
    try:
        return end.replace(year=end.year + 1)
    except ValueError:                       # 29 February
        return end.replace(year=end.year + 1, day=28)


def short_term(book: Book, account: str, long: str, short: str) -> str:
    candidate = short + account[len(long):]
    for code in (candidate, short):
        if code in book.accounts and code not in book.groups():
            return code
    raise MissingRole(f"reclass:{long}")


def reclassify(book: Book, period: str) -> list[GeneratedEntry]:
    mapping = reclass_map(book)
    if not mapping:
        return []
    _, end = month_bounds(period)
    horizon = one_year_after(end)
    accounts = {c: g for c in book.accounts for g in mapping if c == g or c.startswith(g + ".")}
    p = book.ledger().filter((pl.col("date") <= end) & pl.col("account").is_in(sorted(accounts)))
    open_: dict[tuple[str, str | None, date], int] = {}
    for account, contact, tags, base in p.select("account", "contact", "tags", "base").iter_rows():
        due = due_of(tags)
        if due is not None and due <= horizon:          # overdue ones too: they are due now
            key = (account, contact, due)
            open_[key] = open_.get(key, 0) + base
    legs: list[Leg] = []
    for (account, contact, due), b in sorted(open_.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1] or "")):
        if not b:
            continue
        long = accounts[account]
        target = short_term(book, account, long, mapping[long])
        # Both legs keep the item's due day: the long-term account's item then nets to zero and is
        # not moved again at the next year end; the short-term one says when it falls due.
        tag = (f"due:{due}",)
        legs += [Leg(target, b, contact=contact, memo=f"due {due}: from {account}", tags=tag),
                 Leg(account, -b, contact=contact, memo=f"due {due}: to {target}", tags=tag)]
    return [GeneratedEntry("reclass", end, f"Long-term items due within a year {end.year}", tuple(legs))] \
        if legs else []
