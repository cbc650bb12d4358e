"""The payroll records: the rules of a tax year (books.toml [payroll], with the 2025 defaults) and
the runs of payroll/YYYY/YYYY-MM.yaml with their lines or totals. The calculation that turns a run
into payslips and one journal entry is core.erp.payroll."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from core.model.errors import Problem
from core.model.source import Source

EmployeeId = str
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
MONTH_DAYS = 30          # SGK counts every month as 30 premium days
Day = date               # `date` is also a field name of the records below


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True, slots=True)
class Bracket:
    """One income-tax bracket: `percent` on the cumulative annual base up to `upto` (None: no limit)."""

    upto: Decimal | None
    percent: Decimal


# Turkish wage brackets for 2025 (GVK art. 103, as revalued for 2025; the third bracket for wages).
BRACKETS_2025 = (
    Bracket(Decimal("158000.00"), Decimal(15)),
    Bracket(Decimal("330000.00"), Decimal(20)),
    Bracket(Decimal("1200000.00"), Decimal(27)),
    Bracket(Decimal("4300000.00"), Decimal(35)),
    Bracket(None, Decimal(40)),
)


@dataclass(frozen=True, slots=True)
class PayrollRules:
    """Rates (percent) and amounts (TRY a month) of one tax year; defaults are those of 2025.

    `years` holds overrides for other years (`[payroll.2026]`): `for_year` picks them, so runs of
    a closed year keep deriving the same entry after the rates change.
    """

    sgk_employee: Decimal = Decimal(14)                  # SGK employee share (5510 art. 81)
    unemployment_employee: Decimal = Decimal(1)          # unemployment insurance, employee (4447 art. 49)
    sgk_employer: Decimal = Decimal("20.75")             # SGK employer share before the incentive
    sgk_employer_incentive: Decimal = Decimal(5)         # 5-point employer incentive (5510 art. 81/ı)
    unemployment_employer: Decimal = Decimal(2)          # unemployment insurance, employer
    sgk_ceiling: Decimal = Decimal("195041.40")          # prime esas kazanç üst sınırı (tavan), 30 days
    sgk_floor: Decimal = Decimal("26005.50")             # alt sınır (taban) = gross minimum wage, 30 days
    income_tax: tuple[Bracket, ...] = BRACKETS_2025
    stamp_tax: Decimal = Decimal("0.759")                # damga vergisi on wages: binde 7,59
    minimum_wage: Decimal = Decimal("26005.50")          # gross minimum wage a month (2025)
    minimum_wage_exemption: bool = True                  # GVK 23/18 and DVK table 2 IV-15
    commission_rate: Decimal = Decimal(2)                # sales commission on paid invoices
    years: tuple[tuple[int, PayrollRules], ...] = ()
    year: int = 2025                                     # the tax year the [payroll] values are for

    def has_year(self, year: int) -> bool:
        """Whether the books give this year's parameters: [payroll] (its `year`) or [payroll.YEAR]."""
        return year == self.year or any(y == year for y, _ in self.years)

    @property
    def employer_sgk_rate(self) -> Decimal:
        """The employer SGK percent actually paid: the share less the incentive (2025: 15.75)."""
        return self.sgk_employer - self.sgk_employer_incentive

    def for_year(self, year: int) -> PayrollRules:
        """The rules of one tax year: its override table when there is one, else these."""
        for y, rules in self.years:
            if y == year:
                return rules
        return self

    @classmethod
    def from_toml(cls, table: Mapping[str, Any]) -> PayrollRules:
        """Rules from `books.toml [payroll]` (a plain dict). Raises ValueError (TypeError for a value
        of the wrong type) naming the bad key.

        Rates are percents and amounts TRY, both written as quoted strings (`sgk_employee = "14"`)
        so no float ever carries them; integers are accepted, TOML floats are refused.
        """
        return _rules_from(dict(table), cls(), "[payroll]", allow_years=True)


_DECIMAL_KEYS = ("sgk_employee", "unemployment_employee", "sgk_employer", "sgk_employer_incentive",
                 "unemployment_employer", "sgk_ceiling", "sgk_floor", "stamp_tax", "minimum_wage",
                 "commission_rate")
_PERCENT_KEYS = frozenset({"sgk_employee", "unemployment_employee", "sgk_employer", "sgk_employer_incentive",
                           "unemployment_employer", "stamp_tax", "commission_rate"})


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{where} must be a quoted decimal like \"14\" (found {value!r}); "
                         "floats are refused so no rate is ever rounded by TOML")
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,15}(\.[0-9]{1,6})?", text):
        raise ValueError(f"{where} must be a non-negative decimal like \"14\" or \"195041.40\" "
                         f"(found {value!r})")
    return Decimal(text)


def _rules_from(table: dict[str, Any], base: PayrollRules, section: str, allow_years: bool) -> PayrollRules:
    changes: dict[str, Any] = {}
    years: list[tuple[int, dict[str, Any]]] = []
    for key, value in table.items():
        where = f"{section} {key}"
        if key in _DECIMAL_KEYS:
            number = _number(value, where)
            if key in _PERCENT_KEYS and number > HUNDRED:
                raise ValueError(f"{where} is a percent and must be at most 100 (found {value!r})")
            changes[key] = number
        elif key == "minimum_wage_exemption":
            if not isinstance(value, bool):
                raise ValueError(f"{where} must be true or false (found {value!r})")
            changes[key] = value
        elif key == "income_tax":
            changes[key] = _brackets(value, where)
        elif allow_years and re.fullmatch(r"[0-9]{4}", key) and isinstance(value, dict):
            years.append((int(key), value))
        elif allow_years and key == "year":
            if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 9999:
                raise ValueError(f"{where} must be a year like 2025 (found {value!r})")
            changes[key] = value
        else:
            known = ", ".join((*_DECIMAL_KEYS, "minimum_wage_exemption", "income_tax", "year"))
            raise ValueError(f"unknown key `{key}` in {section}; known keys: {known}, "
                             "and [payroll.YYYY] tables")
    rules = replace(base, **changes)
    if rules.sgk_employer_incentive > rules.sgk_employer:
        raise ValueError(f"{section} sgk_employer_incentive is larger than sgk_employer")
    if rules.sgk_floor > rules.sgk_ceiling:
        raise ValueError(f"{section} sgk_floor is above sgk_ceiling")
    # A year table overrides the [payroll] values for that year only.
    resolved = tuple(sorted((y, _rules_from(t, replace(rules, years=()), f"[payroll.{y}]", False))
                            for y, t in years))
    return replace(rules, years=resolved)


def _brackets(value: Any, where: str) -> tuple[Bracket, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(b, dict) for b in value):
        raise ValueError(f'{where} must be a list of {{upto = "...", percent = "..."}} tables, '
                         "the last without upto")
    out: list[Bracket] = []
    for i, b in enumerate(value):
        extra = set(b) - {"upto", "percent"}
        if extra or "percent" not in b:
            raise ValueError(f'{where}[{i}] takes `upto` and `percent` (found {", ".join(sorted(b))})')
        last = i == len(value) - 1
        if last == ("upto" in b):
            raise ValueError(f"{where}: every bracket but the last has `upto`; the last one has none")
        upto = _number(b["upto"], f"{where}[{i}].upto") if "upto" in b else None
        if upto is not None and out and out[-1].upto is not None and upto <= out[-1].upto:
            raise ValueError(f"{where}: bracket limits must rise (found {upto} after {out[-1].upto})")
        percent = _number(b["percent"], f"{where}[{i}].percent")
        if percent > HUNDRED:
            raise ValueError(f"{where}[{i}].percent must be at most 100")
        out.append(Bracket(upto, percent))
    return tuple(out)


def read_rules(table: Mapping[str, Any] | None, path: str = "books.toml", line: int = 1
               ) -> tuple[PayrollRules, list[Problem]]:
    """`PayrollRules.from_toml` for the loader: bad settings become an E007 and the defaults are used."""
    try:
        return PayrollRules.from_toml(table or {}), []
    except (TypeError, ValueError) as exc:
        return PayrollRules(), [Problem("E007", path, line, f"payroll settings: {exc}", record="[payroll]",
                                        hint="see docs/payroll.md for the keys of [payroll] and their form")]


@dataclass(frozen=True, slots=True)
class Totals:
    """The amounts a run posts. For a totals-only run, as written; else the sums of its payslips."""

    gross: Decimal = ZERO
    employee_sgk: Decimal = ZERO
    employee_unemployment: Decimal = ZERO
    income_tax: Decimal = ZERO
    stamp_tax: Decimal = ZERO
    net: Decimal = ZERO
    employer_sgk: Decimal = ZERO
    employer_unemployment: Decimal = ZERO

    @property
    def deductions(self) -> Decimal:
        """What is withheld from gross: employee SGK and unemployment, income and stamp tax."""
        return self.employee_sgk + self.employee_unemployment + self.income_tax + self.stamp_tax

    @property
    def employer_contributions(self) -> Decimal:
        return self.employer_sgk + self.employer_unemployment

    @property
    def social_security(self) -> Decimal:
        """What goes to SGK: employee and employer shares of both premiums."""
        return self.employee_sgk + self.employee_unemployment + self.employer_contributions


TOTAL_FIELDS = tuple(f.name for f in fields(Totals))


@dataclass(frozen=True, slots=True)
class PayrollLine:
    """One employee's pay in a run: gross wage of the month, commission on top, premium days."""

    employee: EmployeeId
    gross: Decimal
    commission: Decimal = ZERO
    days: int = MONTH_DAYS
    memo: str | None = None
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class PayrollRun:
    id: str
    period: str                    # YYYY-MM, the month the pay is for
    date: date                     # posting date
    lines: tuple[PayrollLine, ...] = ()
    totals: Totals | None = None   # instead of lines, when the detail is kept elsewhere
    memo: str | None = None
    detail: str | None = None      # where the detail lives, e.g. "payroll-repo: 2025-03"
    tags: tuple[str, ...] = ()
    source: Source = field(default=Source("", 0), compare=False)

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int:
        return int(self.period[5:7])

    def sort_key(self) -> tuple[str, Day, str]:
        return (self.period, self.date, self.id)
