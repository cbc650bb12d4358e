"""Fixed assets and their depreciation: the register, the monthly schedule, the close entries.

`assets/register.yaml` (docs/close-records.md) lists each fixed asset with its cost, salvage
value, method and useful life. The period close posts each month's depreciation (Dr expense /
Cr accumulated depreciation) and, in the month an asset is sold or scrapped, its disposal.

Conventions (keep in step with docs/close-records.md):
- Depreciation runs monthly, a full month from the month after acquisition, for `life_months`
  months; none in the month of disposal or after.
- Straight-line: (cost - salvage) / life_months a month, half-up to the minor unit; the last
  month takes the remainder, so the schedule adds up to cost - salvage exactly (core.erp.recurring.spread).
- Declining-balance: book value x rate / 12 a month, half-up; `rate` is percent a year, by
  default 2 / life in years (double declining). From the first month in which straight-line over
  the remaining life ((book value - salvage) / months left, exactly) is more than that, the
  asset switches for good to straight-line: that amount half-up, the last month the remainder.
  A month never takes the book value below salvage, and the last month takes it to salvage exactly.
- Disposal removes the cost and the accumulated depreciation and books the proceeds; the
  difference from the book value is a gain or a loss (roles in books.toml [accounts]).

Amounts are integer minor units of the base currency; no float. Everything is a pure function
of frozen dataclasses except `load_register`, which reads the file. Problems are returned, never
raised: E072-E076 (see `assets_from`), and the existing E020 (duplicate id), E041 (decimals),
E030/E034/E033 (accounts and location, `check_references`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from core.books import schema
from core.ledger.derived import Leg
from core.ledger.posting import MissingRole
from core.model.errors import Problem
from core.model.source import Source
from core.model.money import fmt_minor
from core.erp.recurring import half_up, read_amount, read_count, spread
from core.model.assets import Asset, Disposal, Month, Review
from core.model.months import month_number, period_of
from core.books.yamlnodes import Map, scalar

PATH = "assets/register.yaml"
KIND = "assets"                          # schemas/assets.schema.json
METHODS = ("straight-line", "declining-balance")
_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")      # keep in step with the schema's `percent`

# Account roles the disposal entry posts to (books.toml [accounts]), with example TDHP codes.
PROCEEDS_ROLE = "asset_disposal_proceeds"     # where the proceeds go: 136.01 other receivables, or 102.01
GAIN_ROLE = "asset_disposal_gain"             # 679.01 other extraordinary income
LOSS_ROLE = "asset_disposal_loss"             # 689.01 other extraordinary expense


class RoleLookup(Protocol):
    """What maps a role name to an account code: a dict, or core.ledger.posting.Roles."""

    def get(self, role: str, /) -> str | None: ...


# --------------------------------------------------------------------------- reading the register

def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None and schema.valid_date(text) else None


def assets_from(records: Iterable[Any], rel: str, decimals: int = 2) -> tuple[list[Asset], list[Problem]]:
    """Assets from records already checked against the schema (as core.books.readers.read_tree gives them).

    Reported here: E072 life_months not positive, E073 salvage above cost, E074 disposed before
    acquired, E075 a rate for a straight-line asset, E076 disposal proceeds without a disposal
    date; E020 an id used twice, E041 an amount with too many decimals. A record with one of
    these, or with a field the schema refused, is left out, so close never posts from it.
    """
    assets: list[Asset] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for r in records:
        if type(r) is not Map:
            continue
        rid = scalar(r.get("id"))
        if rid is None:
            continue
        if rid in seen:
            problems.append(Problem("E020", rel, r.line, f"asset id {rid} is used twice", record=rid,
                                    found=f"first at {rel}:{seen[rid]}", hint="give one of them a new id"))
            continue
        seen[rid] = r.line
        cost, ok_cost = read_amount(r, "cost", rid, rel, decimals, problems)
        salvage, ok_salvage = read_amount(r, "salvage", rid, rel, decimals, problems, default=0)
        proceeds, ok_proceeds = read_amount(r, "disposal_proceeds", rid, rel, decimals, problems)
        ok_proceeds = ok_proceeds or "disposal_proceeds" not in r
        name, method = scalar(r.get("name")), scalar(r.get("method"))
        acquired, life = _day(scalar(r.get("acquired"))), read_count(r, "life_months")
        codes = [scalar(r.get(k)) for k in ("account", "accumulated", "expense")]
        disposed_text, rate_text = scalar(r.get("disposed")), scalar(r.get("rate"))
        disposed = _day(disposed_text)
        if not (ok_cost and ok_salvage and ok_proceeds) or cost is None or salvage is None \
                or name is None or method not in METHODS or acquired is None or life is None or None in codes \
                or (disposed_text is not None and disposed is None) \
                or (rate_text is not None and not _PERCENT.fullmatch(rate_text)):
            continue                                   # the schema check or read_amount has said why
        before = len(problems)

        def add(code: str, key: str, message: str, expected: str, found: str, hint: str,
                r: Map = r, rid: str = rid) -> None:
            problems.append(Problem(code, rel, r.lines.get(key, r.line), message, record=rid,
                                    expected=expected, found=found, hint=hint))

        if life <= 0:
            add("E072", "life_months", f"asset {rid}: life_months is {life}; it must be a positive number of "
                "months", "a whole number of months above 0", str(life),
                "write the useful life in months, e.g. `life_months: 60` for five years")
        if salvage > cost:
            add("E073", "salvage", f"asset {rid}: salvage {fmt_minor(salvage, decimals)} is above the cost "
                f"{fmt_minor(cost, decimals)}", f"at most the cost, {fmt_minor(cost, decimals)}",
                fmt_minor(salvage, decimals), "salvage is what the asset is still worth at the end of its life: "
                "lower it (often 0), or correct `cost`")
        if disposed is not None and disposed < acquired:
            add("E074", "disposed", f"asset {rid} is disposed on {disposed}, before it was acquired on {acquired}",
                f"a date on or after {acquired}", str(disposed), "correct `disposed` or `acquired`")
        if method == "straight-line" and rate_text is not None:
            add("E075", "rate", f"asset {rid} depreciates straight-line, so it takes no `rate`",
                "no `rate` (straight-line spreads cost - salvage evenly over life_months)", rate_text,
                "remove `rate`, or set `method: declining-balance`")
        if proceeds is not None and disposed is None:
            add("E076", "disposal_proceeds", f"asset {rid} has disposal_proceeds but no disposal date",
                "`disposed: YYYY-MM-DD` with the proceeds", "no `disposed`",
                "add `disposed: YYYY-MM-DD` (the date of the sale), or remove `disposal_proceeds`")
        if len(problems) > before:
            continue
        reviews = _reviews(r.get("reviews"), rid, rel, decimals, problems)
        if reviews is None:
            continue
        account, accumulated, expense = (c or "" for c in codes)
        assets.append(Asset(
            rid, name, acquired, cost, method, life, account, accumulated, expense, salvage,
            Decimal(rate_text) if rate_text is not None else None, scalar(r.get("location")), disposed,
            proceeds, scalar(r.get("memo")), Source(rel, r.line), tuple(r.lines.items()),
            passenger_car=scalar(r.get("passenger_car")) == "true", reviews=reviews))
    return assets, problems


def _reviews(node: Any, rid: str, rel: str, decimals: int, problems: list[Problem]) -> tuple[Review, ...] | None:
    """The `reviews:` list (checked by the schema); None when an amount in it is refused."""
    out = []
    for m in node or ():
        if type(m) is not Map:
            return None
        start, life = scalar(m.get("from")), read_count(m, "life_months")
        salvage, ok = read_amount(m, "salvage", rid, rel, decimals, problems)
        if start is None or life is None or not ok and "salvage" in m:
            return None
        out.append(Review(start, life, salvage))
    return tuple(sorted(out, key=lambda v: v.start))


def read_register(tree: Any, rel: str = PATH, decimals: int = 2) -> tuple[list[Asset], list[Problem]]:
    """Records from a `yamlnodes.parse` tree: shape and schema (schema.checked_list), then `assets_from`."""
    return schema.records_of(tree, rel, KIND, "the asset register", "id: FA-0001",
                             lambda records, at: assets_from(records, at, decimals))


def load_register(root: Path, decimals: int = 2) -> tuple[list[Asset], list[Problem]]:
    """Read and parse the file under a books root; no file means no records."""
    return schema.file_records(root, PATH, lambda tree: read_register(tree, PATH, decimals))


def check_references(assets: Iterable[Asset], accounts: Collection[str], groups: Collection[str] = (),
                     locations: Collection[str] | Mapping[str, Any] | None = None) -> list[Problem]:
    """Accounts not in the chart (E030) or groups (E034); locations not known (E033).

    Account existence is left to the caller, who has the chart: pass `book.accounts`,
    `book.groups()` and `book.locations`. `locations=None` skips the location check.
    """
    problems: list[Problem] = []
    for a in assets:
        for key, code in (("account", a.account), ("accumulated", a.accumulated), ("expense", a.expense)):
            if code not in accounts:
                problems.append(Problem("E030", a.source.path, a.line(key), f"account {code} is not in the chart",
                                        record=a.id, found=code, expected="an account from accounts.yaml",
                                        hint=f"add it to accounts.yaml (`- code: \"{code}\"` with name and type) "
                                             "or correct the code"))
            elif code in groups:
                problems.append(Problem("E034", a.source.path, a.line(key), f"account {code} is a group; post to "
                                        "one of its sub-accounts", record=a.id, found=code,
                                        expected="a leaf account", hint=f"name a sub-account of {code}"))
        if locations is not None and a.location is not None and a.location not in locations:
            problems.append(Problem("E033", a.source.path, a.line("location"), f"location {a.location} is not "
                                    "known", record=a.id, found=a.location, expected="an id from "
                                    "stock/locations.yaml", hint="add the location or correct the id"))
    return problems


# --------------------------------------------------------------------------- the schedule

@lru_cache(maxsize=4096)
def _life_amounts(asset: Asset) -> tuple[int, ...]:
    """Depreciation of every month of the useful life, disposal not considered."""
    n = asset.life_months
    left = asset.cost - asset.salvage                  # still to depreciate
    if asset.method == "straight-line":
        return spread(left, n)
    monthly_rate = asset.annual_rate() / 1200          # percent a year -> fraction a month
    out: list[int] = []
    fixed: int | None = None                           # the straight-line amount, once switched
    for k in range(n):
        remaining = n - k                              # months left, this one included
        if remaining == 1:
            amount = left                              # to salvage exactly
        else:
            if fixed is None:
                declining = (asset.salvage + left) * monthly_rate
                straight = Fraction(left, remaining)
                if straight > declining:
                    fixed = half_up(straight)
            amount = min(fixed if fixed is not None else half_up(declining), left)
        out.append(amount)
        left -= amount
    return tuple(out)


def _months_depreciated(asset: Asset) -> int:
    """How many months of the life are depreciated: all, or those before the month of disposal."""
    if asset.life_months <= 0:
        return 0
    if asset.disposed is None:
        return asset.life_months
    before = month_number(f"{asset.disposed:%Y-%m}") - month_number(asset.first_period)
    return max(0, min(asset.life_months, before))


def schedule(asset: Asset) -> list[Month]:
    """The monthly depreciation schedule: (period, amount, accumulated, book value) per month.

    It runs from the month after acquisition to the end of the life, or to the month before the
    disposal; undisposed, the amounts add up to cost - salvage exactly.
    """
    first = month_number(asset.first_period)
    rows: list[Month] = []
    accumulated = 0
    for i, amount in enumerate(_life_amounts(asset)[:_months_depreciated(asset)]):
        accumulated += amount
        rows.append(Month(period_of(first + i), amount, accumulated, asset.cost - accumulated))
    return rows


def depreciation(asset: Asset, period: str) -> int:
    """Depreciation of one month (YYYY-MM) in minor units: 0 outside the schedule."""
    index = month_number(period) - month_number(asset.first_period)
    if not 0 <= index < _months_depreciated(asset):
        return 0
    return _life_amounts(asset)[index]


def accumulated_through(asset: Asset, period: str) -> int:
    """Accumulated depreciation at the end of a month (before any disposal removes it)."""
    count = month_number(period) - month_number(asset.first_period) + 1
    return sum(_life_amounts(asset)[:max(0, min(count, _months_depreciated(asset)))])


def depreciation_legs(asset: Asset, period: str) -> list[Leg]:
    """The month's depreciation entry: Dr expense / Cr accumulated depreciation (no legs when 0)."""
    amount = depreciation(asset, period)
    if amount == 0:
        return []
    memo = f"Depreciation {asset.id} {period}"
    return [Leg(asset.expense, amount, memo=memo, location=asset.location),
            Leg(asset.accumulated, -amount, memo=memo, location=asset.location)]


def disposal(asset: Asset) -> Disposal | None:
    """What the disposal removes and books, or None for an asset still held."""
    if asset.disposed is None:
        return None
    accumulated = sum(_life_amounts(asset)[:_months_depreciated(asset)])
    return Disposal(asset.disposed, asset.cost, accumulated, asset.disposal_proceeds or 0)


def disposal_legs(asset: Asset, roles: RoleLookup, d: Disposal | None = None) -> list[Leg]:
    """The disposal entry, dated `asset.disposed`; no legs for an asset still held.

    Dr accumulated depreciation (all of it) / Dr proceeds (role `asset_disposal_proceeds`) /
    Cr the asset account (the cost) / Cr the depreciation expense for what `d.reversed` takes
    back; the difference is Cr `asset_disposal_gain` or Dr
    `asset_disposal_loss`. A role that is needed but not set raises core.ledger.posting.MissingRole.
    `d`: the disposal as another depreciation method computes it (core.erp.depreciation).
    """
    d = d if d is not None else disposal(asset)
    if d is None:
        return []

    def need(role: str) -> str:
        code = roles.get(role)
        if code is None:
            raise MissingRole(role)
        return code

    memo = f"Disposal {asset.id} {d.date}"
    legs = [Leg(asset.accumulated, d.accumulated, memo=memo, location=asset.location)]
    if d.reversed:                   # the year of disposal's depreciation taken back (core.erp.depreciation)
        legs.append(Leg(asset.expense, -d.reversed, memo=f"{memo}: depreciation of {d.date.year} reversed",
                        location=asset.location))
    if d.proceeds:
        legs.append(Leg(need(PROCEEDS_ROLE), d.proceeds, memo=memo, location=asset.location))
    legs.append(Leg(asset.account, -d.cost, memo=memo, location=asset.location))
    if d.gain > 0:
        legs.append(Leg(need(GAIN_ROLE), -d.gain, memo=memo, location=asset.location))
    elif d.gain < 0:
        legs.append(Leg(need(LOSS_ROLE), -d.gain, memo=memo, location=asset.location))
    return [leg for leg in legs if leg.base != 0]
