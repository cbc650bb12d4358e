"""Payroll rounding: every payslip component is rounded half-up to the kuruş, and Turkish payroll
is paid and withheld in lira. The rules themselves (`PayrollRules`, the brackets, their reading
from `books.toml [payroll]`) are records of the model: core/model/payroll.py.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.model.payroll import HUNDRED

KURUS = Decimal("0.01")
CURRENCY = "TRY"         # Turkish payroll is paid and withheld in lira


def _r(value: Decimal) -> Decimal:
    """Half-up to the kuruş: the rounding of every payslip component."""
    return value.quantize(KURUS, rounding=ROUND_HALF_UP)


def _percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `amount`, rounded half-up to the kuruş."""
    return _r(amount * percent / HUNDRED)


def _minor(amount: Decimal) -> int:
    return int(_r(amount).scaleb(2))
