"""The record of recurring.yaml: a prepayment, accrual or deferred income spread over months (core.erp.recurring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.model.months import add_months
from core.model.source import Source


@dataclass(frozen=True, slots=True)
class Recurring:
    """One item of recurring.yaml. `amount` is in minor units of the base currency."""

    id: str
    kind: str                       # prepayment | accrual | deferred-income
    start: str                      # first month, YYYY-MM
    months: int
    amount: int
    balance: str                    # 180.01 prepaid, 381.01 accrued, 380.01 deferred income
    pnl: str                        # the expense (prepayment, accrual) or income (deferred income) account
    memo: str | None = None
    contact: str | None = None
    source: Source = field(default=Source("", 0), compare=False)
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)   # field -> line, for problems

    @property
    def end(self) -> str:
        """The last month of the range, YYYY-MM."""
        return add_months(self.start, self.months - 1)

    def line(self, key: str) -> int:
        return dict(self.lines).get(key, self.source.line)
