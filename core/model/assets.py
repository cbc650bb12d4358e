"""The records of the fixed-asset register (assets/register.yaml): an asset, a month of its
schedule, a disposal. The depreciation rules that fill them are core.erp.assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from core.model.months import add_months
from core.model.source import Source


@dataclass(frozen=True, slots=True)
class Review:
    """A review of an asset's useful life and residual value (IAS 16.51), applied from `start`
    (YYYY-MM) onwards: `life_months` is the new total life from the first month, `salvage` the new
    residual value (None: unchanged)."""

    start: str
    life_months: int
    salvage: int | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    """One fixed asset of the register. Amounts are minor units of the base currency."""

    id: str
    name: str
    acquired: date
    cost: int
    method: str                      # straight-line | declining-balance
    life_months: int
    account: str                     # the asset account, e.g. 255.01
    accumulated: str                 # accumulated depreciation, e.g. 257.01
    expense: str                     # depreciation expense, e.g. 770.05
    salvage: int = 0
    rate: Decimal | None = None      # declining-balance: percent a year; None: 2 / life in years
    location: str | None = None
    disposed: date | None = None
    disposal_proceeds: int | None = None
    memo: str | None = None
    source: Source = field(default=Source("", 0), compare=False)
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)   # field -> line, for problems
    passenger_car: bool = False      # VUK Art. 320: part-year in the year of acquisition (core.erp.depreciation)
    reviews: tuple[Review, ...] = () # IFRS: useful life and residual value reviewed, prospectively

    @property
    def first_period(self) -> str:
        """The first month depreciated: the month after acquisition."""
        return add_months(f"{self.acquired:%Y-%m}", 1)

    @property
    def last_period(self) -> str:
        """The last month of the useful life (whether or not the asset is disposed before it)."""
        return add_months(self.first_period, self.life_months - 1)

    def annual_rate(self) -> Fraction:
        """The declining-balance rate, percent a year: `rate`, else 2 / life in years x 100."""
        return Fraction(self.rate) if self.rate is not None else Fraction(2400, self.life_months)

    def line(self, key: str) -> int:
        return dict(self.lines).get(key, self.source.line)


class Month(NamedTuple):
    """One row of a depreciation schedule, in minor units; accumulated and book value after the month."""

    period: str
    amount: int
    accumulated: int
    book_value: int


@dataclass(frozen=True, slots=True)
class Disposal:
    """What a disposal removes and books, in minor units. `gain` is negative for a loss.

    `accumulated` is all the depreciation booked to the disposal; `reversed` the part of it the
    disposal takes back from the expense (VUK: the twelfths booked in the year of disposal, which
    takes no depreciation), so the book value that goes is cost - accumulated + reversed."""

    date: date
    cost: int
    accumulated: int
    proceeds: int
    reversed: int = 0

    @property
    def book_value(self) -> int:
        return self.cost - self.accumulated + self.reversed

    @property
    def gain(self) -> int:
        return self.proceeds - self.book_value
