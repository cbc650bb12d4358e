"""Months as the close records write them (YYYY-MM) and a running month number to count with.

Ground floor: the record types (core.model.assets, core.model.recurring) date their ranges with
these, and the domains above count months with them.
"""

from __future__ import annotations

import re

MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def month_number(period: str) -> int:
    """'2025-03' -> a running month number (year * 12 + month - 1). Raises ValueError on bad text."""
    m = MONTH.fullmatch(period)
    if m is None:
        raise ValueError(f"a period is written YYYY-MM, e.g. 2025-03 (found {period!r})")
    return int(m[1]) * 12 + int(m[2]) - 1


def period_of(number: int) -> str:
    """The inverse of `month_number`: 24302 -> '2025-03'."""
    year, month0 = divmod(number, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def add_months(period: str, n: int) -> str:
    """'2025-11' + 3 -> '2026-02'."""
    return period_of(month_number(period) + n)
