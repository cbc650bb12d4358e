"""Depreciation by the law the books follow: books.toml `[assets] method = "vuk" | "ifrs"`.

Without `[assets] method` the register's own monthly schedule applies (core.erp.assets: monthly
from the month after acquisition), as before the setting existed.

`vuk` (Turkish statutory books, VUK Art. 313-321 and the Ministry's useful-life tables): the
amount is annual, on cost (no residual value).

- A full year in the year of acquisition, whatever the month (Art. 315); only a passenger car
  (`passenger_car: true`, Art. 320) takes part of a year: the year's amount x the months it is
  held in the year of acquisition (the month of acquisition counted) / 12, and the part left out
  is written off in the year after the useful life ends.
- Straight-line (Art. 315): cost / years a year, half-up; the last year takes the remainder.
- Declining balance (mükerrer Art. 315): book value x twice the straight-line rate, capped at 50% (`rate`
  when given, capped the same); the last year writes off what is left (the remainder).
- Monthly closes post one twelfth of the year's amount, half-up, from January (or the month of
  acquisition) to November; December takes what is left of the year, so every year adds up to
  its annual amount exactly.
- The year of disposal takes none: the twelfths the closes booked before the disposal month (as
  for any asset held) are reversed by the disposal entry, which debits all the accumulated
  depreciation booked to the disposal day and credits the depreciation expense with that year's
  part; the gain or loss is the proceeds less the book value at the end of the year before (VUK
  Art. 328).
- The useful life is whole years (the tables give years): `life_months` must be a multiple of 12.

`ifrs` (IAS 16): monthly, from the month the asset is available for use (the month of
acquisition), on cost less the residual value (`salvage`); straight-line or declining balance
(core.erp.assets' monthly algorithm, one month earlier); `reviews:` change the useful life and
the residual value from a month on, prospectively (IAS 16.51, IAS 8.36): the book value at that
month less the new residual value is spread over the months that are left.

Amounts are integer minor units of the base currency; no float. Docs: docs/close.md, "Fixed
assets and depreciation".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from fractions import Fraction
from functools import lru_cache

from core.erp import assets as register
from core.erp.recurring import half_up, spread
from core.ledger.derived import Leg
from core.model.assets import Asset, Disposal
from core.model.errors import Problem
from core.model.months import month_number, period_of

VUK, IFRS = "vuk", "ifrs"
VUK_RATE_CAP = Fraction(1, 2)          # declining balance: at most 50% a year (VUK mükerrer Art. 315)


# --------------------------------------------------------------------------- VUK: annual amounts

def vuk_rate(asset: Asset) -> Fraction:
    """The declining-balance rate a year: twice the straight-line rate (or `rate`), at most 50%."""
    years = max(1, -(-asset.life_months // 12))
    rate = Fraction(asset.rate) / 100 if asset.rate is not None else Fraction(2, years)
    return min(rate, VUK_RATE_CAP)


@lru_cache(maxsize=4096)
def vuk_years(asset: Asset) -> tuple[tuple[int, int], ...]:
    """(year, amount) of every year of the VUK schedule, disposal not considered."""
    years = max(1, -(-asset.life_months // 12))
    first = asset.acquired.year
    amounts: list[int] = []
    if asset.method == "straight-line":
        amounts = list(spread(asset.cost, years))
    else:
        left = asset.cost
        for k in range(years):
            amount = left if k == years - 1 else min(left, half_up(left * vuk_rate(asset)))
            amounts.append(amount)
            left -= amount
    if asset.passenger_car and amounts:
        held = 13 - asset.acquired.month                  # acquired in March: March to December, 10 months
        part = half_up(Fraction(amounts[0] * held, 12))
        amounts.append(amounts[0] - part)                 # the year after the useful life
        amounts[0] = part
    return tuple((first + k, a) for k, a in enumerate(amounts) if a or k == 0)


def vuk_year(asset: Asset, year: int) -> int:
    """The year's depreciation: 0 outside the schedule and from the year of disposal on (the
    twelfths booked in the year of disposal are reversed by the disposal)."""
    if asset.disposed is not None and year >= asset.disposed.year:
        return 0
    return dict(vuk_years(asset)).get(year, 0)


def _vuk_month(asset: Asset, period: str) -> int:
    """One month's twelfth. In the year of disposal the months before the disposal month take
    their twelfth as if the asset were kept (the monthly and provisional-tax closes cannot know
    of a later sale), and the disposal reverses them."""
    year, month = int(period[:4]), int(period[5:7])
    sold = asset.disposed
    if sold is not None and (year, month) >= (sold.year, sold.month):
        return 0
    annual = dict(vuk_years(asset)).get(year, 0)
    start = asset.acquired.month if year == asset.acquired.year else 1
    if not annual or month < start:
        return 0
    twelfth = half_up(Fraction(annual, 12))
    if month < 12:
        return min(twelfth, max(0, annual - twelfth * (month - start)))
    return annual - min(annual, twelfth * (12 - start))


# --------------------------------------------------------------------------- IFRS: monthly amounts

@lru_cache(maxsize=4096)
def ifrs_months(asset: Asset) -> tuple[int, ...]:
    """Every month's amount from the month of acquisition, with the reviews applied, disposal not
    considered."""
    first = month_number(f"{asset.acquired:%Y-%m}")
    amounts = list(_base_amounts(asset))
    for review in asset.reviews:
        k = month_number(review.start) - first            # months already depreciated
        if k < 0 or k >= len(amounts) and k >= review.life_months:
            continue
        done = sum(amounts[:k])
        salvage = asset.salvage if review.salvage is None else review.salvage
        left = max(0, asset.cost - done - salvage)
        rest = max(1, review.life_months - k)
        later = replace(asset, cost=asset.cost - done, salvage=min(salvage, asset.cost - done), life_months=rest,
                        reviews=())
        amounts = amounts[:k] + list(spread(left, rest) if asset.method == "straight-line" else _base_amounts(later))
    return tuple(amounts)


def _base_amounts(asset: Asset) -> tuple[int, ...]:
    return register._life_amounts(replace(asset, reviews=()))


def _ifrs_month(asset: Asset, period: str) -> int:
    index = month_number(period) - month_number(f"{asset.acquired:%Y-%m}")
    stop = len(ifrs_months(asset))
    if asset.disposed is not None:
        stop = min(stop, month_number(f"{asset.disposed:%Y-%m}") - month_number(f"{asset.acquired:%Y-%m}"))
    return ifrs_months(asset)[index] if 0 <= index < stop else 0


# --------------------------------------------------------------------------- one method for the close

def month_amount(asset: Asset, period: str, method: str | None) -> int:
    """Depreciation of one month (YYYY-MM) in minor units under the books' method."""
    if method == VUK:
        return _vuk_month(asset, period)
    if method == IFRS:
        return _ifrs_month(asset, period)
    return register.depreciation(asset, period)


def accumulated_through(asset: Asset, period: str, method: str | None) -> int:
    """Accumulated depreciation at the end of a month under the books' method (before a disposal
    removes it)."""
    if method is None:
        return register.accumulated_through(asset, period)
    first = month_number(f"{asset.acquired:%Y-%m}")
    return sum(month_amount(asset, period_of(n), method) for n in range(first, month_number(period) + 1))


def depreciation_legs(asset: Asset, period: str, method: str | None) -> list[Leg]:
    """The month's depreciation entry: Dr expense / Cr accumulated depreciation (no legs when 0)."""
    amount = month_amount(asset, period, method)
    if amount == 0:
        return []
    memo = f"Depreciation {asset.id} {period}"
    return [Leg(asset.expense, amount, memo=memo, location=asset.location),
            Leg(asset.accumulated, -amount, memo=memo, location=asset.location)]


def disposal(asset: Asset, method: str | None) -> Disposal | None:
    """What the disposal removes and books under the books' method."""
    if asset.disposed is None:
        return None
    if method is None:
        return register.disposal(asset)
    before = period_of(month_number(f"{asset.disposed:%Y-%m}") - 1)
    accumulated = accumulated_through(asset, before, method)
    reversed_ = 0
    if method == VUK:                # the year of disposal takes none: its twelfths go back
        reversed_ = accumulated - accumulated_through(asset, f"{asset.disposed.year - 1}-12", method)
    return Disposal(asset.disposed, asset.cost, accumulated, asset.disposal_proceeds or 0, reversed_)


def disposal_legs(asset: Asset, roles: register.RoleLookup, method: str | None) -> list[Leg]:
    """The disposal entry (core.erp.assets.disposal_legs) with the accumulated depreciation of the
    books' method."""
    return register.disposal_legs(asset, roles, disposal(asset, method))


def check_method(assets: Iterable[Asset], method: str | None) -> list[Problem]:
    """Under VUK the useful life is whole years (E204)."""
    if method != VUK:
        return []
    return [Problem("E204", a.source.path, a.line("life_months"), f"asset {a.id}: life_months is {a.life_months}; "
                    "VUK depreciates over whole years", record=a.id, expected="a multiple of 12 (the useful-life "
                    "tables give years)", found=str(a.life_months),
                    hint=f"write the life from the useful-life table in months, e.g. life_months: "
                         f"{max(12, round(a.life_months / 12) * 12)}")
            for a in assets if a.life_months % 12]
