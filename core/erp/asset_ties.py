"""The asset register (assets/register.yaml) tied to the fixed-asset accounts of the ledger.

Fixed-asset accounts: those the register names as `account`, and on the Turkish uniform chart
every account of 250-256 and 260-267 (tangible and intangible fixed assets, without 258/259
construction in progress and advances, which are not depreciated yet). Accumulated depreciation
accounts: those the register names as `accumulated`, and 257/268 on the Turkish chart.

Both apply to books that keep a register (`keeps_register`: assets/register.yaml lists assets, or
books.toml names `[assets] method`); books without either are not held to one.

- `check_unregistered` (E202, run by `kebir validate`): a purchase posted to a fixed-asset account
  that no register entry covers. Per account, the purchases (debits outside the opening entry
  and the close's own entries) are added up in date order; the register's assets of that
  account acquired on or after the opening entry, up to the end of the month of each purchase,
  must cover them. The first purchase that passes the register's cost is the one named (customs
  and freight posted separately in the same month as the invoice are covered by a register cost
  that includes them, as VUK Art. 262 and IAS 16.16 want).
- `tie_out` (the close checklist row `asset-register-tie-out`): at the month end, after the
  close's own entries, each fixed-asset account's balance equals the cost of the register's
  assets in it (acquired by then, not disposed), and each accumulated depreciation account's
  balance equals their accumulated depreciation under the books' method (opening and movements
  alike, since both are in the balance). When it fails, the row names the assets whose booked
  depreciation differs from the register (`schedule_changes`).
- `check_schedule_changes` (E206, run by `kebir validate`): an asset whose register entry (useful
  life, method, rate, cost, acquisition day) no longer gives the depreciation the closes booked for
  it: each depreciation leg names its asset and month (`Depreciation FA-0003 2025-03`), so a
  changed entry is found at once, by name, not at the next close's tie-out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from core.erp import depreciation
from core.ledger.opening import opening_entries
from core.model.errors import Problem
from core.model.money import fmt_minor
from core.model.records import Book

_COST = tuple(str(n) for n in (*range(250, 257), *range(260, 268)))
_ACCUMULATED = ("257", "268")


def _under(code: str, groups: Iterable[str]) -> bool:
    return any(code == g or code.startswith(g + ".") for g in groups)


def asset_accounts(book: Book) -> tuple[set[str], set[str]]:
    """(fixed-asset accounts, accumulated depreciation accounts) of the books: leaves only."""
    cost = {a.account for a in book.assets}
    accumulated = {a.accumulated for a in book.assets}
    if book.settings.chart == "tr-tdhp":
        groups = book.groups()
        leaves = [c for c in book.accounts if c not in groups]
        cost |= {c for c in leaves if _under(c, _COST)}
        accumulated |= {c for c in leaves if _under(c, _ACCUMULATED)}
    return cost, accumulated


def _purchases(book: Book, accounts: set[str]) -> pl.DataFrame:
    opening = opening_entries(book)
    close_ids = set(book.entries.filter(pl.col("tags").fill_null("").str.contains("close"))["id"].to_list()) \
        if not book.entries.is_empty() else set()
    skip = sorted(opening | close_ids)
    return (book.ledger().filter(pl.col("account").is_in(sorted(accounts)) & (pl.col("base") > 0)
                                 & ~pl.col("entry_id").is_in(pl.Series(skip, dtype=pl.String).implode()))
            .sort("date", "file", "line"))


def _opening_day(book: Book) -> date | None:
    ids = opening_entries(book)
    if not ids:
        return None
    return book.entries.filter(pl.col("id").is_in(sorted(ids)))["date"].min()


def _month_end(day: date) -> date:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def keeps_register(book: Book) -> bool:
    """The books keep an asset register (assets/register.yaml has assets) or name a depreciation
    method: only then are purchases and balances held to it."""
    return bool(book.assets) or book.settings.assets.method is not None


def check_unregistered(book: Book) -> list[Problem]:
    """E202: a purchase posted to a fixed-asset account without a register entry (see the module)."""
    cost_accounts, _ = asset_accounts(book)
    if not keeps_register(book) or not cost_accounts:
        return []
    since = _opening_day(book)
    dec = book.settings.decimals(book.base) or 2
    registered: dict[str, list[tuple[date, int]]] = {}
    for a in book.assets:
        if since is None or a.acquired >= since:
            registered.setdefault(a.account, []).append((a.acquired, a.cost))
    problems: list[Problem] = []
    posted: dict[str, int] = {}
    flagged: dict[str, int] = {}
    for entry, day, account, base, path, line in _purchases(book, cost_accounts).select(
            "entry_id", "date", "account", "base", "file", "line").iter_rows():
        posted[account] = posted.get(account, 0) + base
        end = _month_end(day)
        covered = sum(c for d, c in registered.get(account, ()) if d <= end)
        if posted[account] - flagged.get(account, 0) <= covered:
            continue
        flagged[account] = flagged.get(account, 0) + base
        problems.append(Problem(
            "E202", str(path), int(line), f"{entry}: {fmt_minor(base, dec)} posted to fixed-asset account {account} "
            f"on {day} has no entry in the asset register", record=entry,
            expected=f"an asset of assets/register.yaml on {account} acquired by {end}, its cost including this",
            found=f"register cost {fmt_minor(covered, dec)}, purchases {fmt_minor(posted[account], dec)}",
            hint=f"add the asset to assets/register.yaml (`- id: FA-...`, acquired: {day}, cost with customs and "
                 f"freight, account: \"{account}\", method, life_months), or post the purchase to an expense account"))
    return problems


_DEPRECIATION_MEMO = re.compile(r"Depreciation (\S+) (\d{4}-\d{2})")


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """An asset whose booked depreciation differs from its register entry's schedule."""
    asset: str
    first: str                       # the first month that differs
    booked: int                      # booked in the months compared
    now: int                         # what the register gives for them today
    months: int                      # how many months differ


def schedule_changes(book: Book, through: date | None = None) -> list[ScheduleChange]:
    """Every asset whose depreciation booked by the closes (through `through`) differs, month by month,
    from what its register entry gives today under the books' method. The months compared are those
    whose close posted depreciation; an asset not depreciated by them counts as booked 0.00."""
    if not book.assets:
        return []
    p = book.ledger().filter(pl.col("memo").fill_null("").str.starts_with("Depreciation "))
    if through is not None:
        p = p.filter(pl.col("date") <= through)
    if p.is_empty():
        return []
    booked: dict[tuple[str, str], int] = {}
    periods: set[str] = set()
    accumulated = {a.id: a.accumulated for a in book.assets}
    for account, memo, base in p.select("account", "memo", "base").iter_rows():
        m = _DEPRECIATION_MEMO.fullmatch(memo)
        if m is None:
            continue
        periods.add(m.group(2))
        if accumulated.get(m.group(1)) == account:
            booked[(m.group(1), m.group(2))] = booked.get((m.group(1), m.group(2)), 0) - base
    method = book.settings.assets.method
    out: list[ScheduleChange] = []
    for a in sorted(book.assets, key=lambda a: a.id):
        differ = [(period, booked.get((a.id, period), 0), depreciation.month_amount(a, period, method))
                  for period in sorted(periods) if period >= f"{a.acquired:%Y-%m}"]
        differ = [d for d in differ if d[1] != d[2]]
        if differ:
            out.append(ScheduleChange(a.id, differ[0][0], sum(d[1] for d in differ), sum(d[2] for d in differ),
                                      len(differ)))
    return out


def check_schedule_changes(book: Book) -> list[Problem]:
    """E206: an asset's register entry no longer gives the depreciation its closed months booked."""
    by_id = {a.id: a for a in book.assets}
    dec = book.settings.decimals(book.base) or 2
    method = book.settings.assets.method
    problems = []
    for c in schedule_changes(book):
        a = by_id[c.asset]
        law = ("VUK keeps the useful life and method chosen for an asset (only declining balance may turn to "
               "straight-line)" if method == "vuk" else "a new estimate of the life or the residual value goes in "
               "`reviews:` from the next open month (IAS 8.36: prospectively)")
        problems.append(Problem(
            "E206", a.source.path, a.line("life_months"), f"asset {a.id} ({a.name}): the register no longer gives the "
            f"depreciation booked for it from {c.first} ({c.months} month(s))", record=a.id,
            expected=f"{fmt_minor(c.booked, dec)} as booked by the closes", found=f"{fmt_minor(c.now, dec)} by "
            f"life_months {a.life_months}, {a.method}, cost {fmt_minor(a.cost, dec)}, acquired {a.acquired}",
            hint=f"restore the entry as it was when those months were closed (git log -p {a.source.path}); "
                 f"{law}"))
    return problems


def tie_out(book: Book, period_end: date, period: str, extra: Mapping[str, int] = {}) -> tuple[bool, str]:
    """(agrees, detail) of the register against the ledger at `period_end`; `extra` adds the
    balances of entries not in the book yet (the close's own)."""
    cost_accounts, acc_accounts = asset_accounts(book)
    if not cost_accounts and not acc_accounts:
        return True, "no fixed assets"
    method = book.settings.assets.method
    bal = dict(book.ledger().filter(pl.col("date") <= period_end).group_by("account")
               .agg(pl.col("base").sum()).iter_rows())
    for k, v in extra.items():
        bal[k] = bal.get(k, 0) + v
    want: dict[str, int] = {c: 0 for c in cost_accounts | acc_accounts}
    for a in book.assets:
        if a.acquired > period_end or (a.disposed is not None and a.disposed <= period_end):
            continue
        want[a.account] = want.get(a.account, 0) + a.cost
        want[a.accumulated] = want.get(a.accumulated, 0) - depreciation.accumulated_through(a, period, method)
    dec = book.settings.decimals(book.base) or 2
    off = [f"{c} {fmt_minor(bal.get(c, 0), dec)}, register {fmt_minor(w, dec)}" for c, w in sorted(want.items())
           if bal.get(c, 0) != w]
    if off:
        changed = [f"{c.asset} from {c.first} booked {fmt_minor(c.booked, dec)}, register {fmt_minor(c.now, dec)}"
                   for c in schedule_changes(book, period_end)]
        return False, "; ".join(off) + ("; assets whose depreciation differs from the register: "
                                        + ", ".join(changed) if changed else "")
    cost = sum(want[c] for c in cost_accounts)
    accumulated = -sum(want[c] for c in acc_accounts)
    return True, f"cost {fmt_minor(cost, dec)}, accumulated depreciation {fmt_minor(accumulated, dec)} agree"
