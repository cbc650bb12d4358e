"""The Turkish monthly wage calculation: SGK premiums on the gross capped at the ceiling and
raised to the floor, income tax by the cumulative annual brackets on the year-to-date base,
stamp tax, the minimum-wage exemption of both taxes, net pay and the employer's contributions,
each rounded half-up to the kuruş per employee (`compute_payslip`, `compute_run`, `ytd_before`),
and sales commissions added to a run. Pure functions over frozen dataclasses and `Decimal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from core.erp.payroll.rules import _percent_of, _r
from core.erp.payroll.runs import resolve_employee
from core.model.payroll import (
    HUNDRED, MONTH_DAYS, TOTAL_FIELDS, ZERO, Bracket, EmployeeId, PayrollLine, PayrollRules, PayrollRun, Totals,
)
from core.model.records import Contact


@dataclass(frozen=True, slots=True)
class Payslip:
    """Every component of one employee's pay in one run, each rounded half-up to the kuruş."""

    employee: EmployeeId
    location: str | None
    days: int
    salary: Decimal                  # the line's gross wage
    commission: Decimal
    gross: Decimal                   # salary + commission: gross earnings
    sgk_base: Decimal                # gross raised to the floor, capped at the ceiling (for the days)
    employee_sgk: Decimal
    employee_unemployment: Decimal
    tax_base: Decimal                # gross - employee SGK - unemployment
    ytd_base: Decimal                # cumulative income-tax base of the year before this run
    income_tax_computed: Decimal     # by the cumulative brackets
    income_tax_exemption: Decimal    # the tax on the minimum wage, at most the computed tax
    income_tax: Decimal
    stamp_tax_computed: Decimal
    stamp_tax_exemption: Decimal
    stamp_tax: Decimal
    net: Decimal
    employer_sgk: Decimal
    employer_unemployment: Decimal

    @property
    def employer_cost(self) -> Decimal:
        return self.gross + self.employer_sgk + self.employer_unemployment


@dataclass(frozen=True, slots=True)
class RunResult:
    run: str
    period: str
    date: date
    payslips: tuple[Payslip, ...]    # empty for a totals-only run
    totals: Totals


def _tax_to(amount: Decimal, brackets: Sequence[Bracket]) -> Decimal:
    """Income tax on a cumulative annual base, unrounded."""
    tax, lower = Decimal(0), Decimal(0)
    for b in brackets:
        if b.upto is None or amount <= b.upto:
            return tax + (amount - lower) * b.percent / HUNDRED
        tax += (b.upto - lower) * b.percent / HUNDRED
        lower = b.upto
    return tax + (amount - lower) * brackets[-1].percent / HUNDRED


def income_tax_on(base: Decimal, ytd: Decimal, brackets: Sequence[Bracket]) -> Decimal:
    """Tax on this month's base given the year's earlier base: tax(ytd + base) - tax(ytd), half-up."""
    if base <= 0:
        return ZERO
    return _r(_tax_to(ytd + base, brackets) - _tax_to(ytd, brackets))


def _premiums(gross: Decimal, days: int, rules: PayrollRules) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(SGK base, employee SGK, employee unemployment, income-tax base) of a gross for the days."""
    floor = _r(rules.sgk_floor * days / MONTH_DAYS)
    ceiling = _r(rules.sgk_ceiling * days / MONTH_DAYS)
    base = min(max(gross, floor), ceiling)
    sgk = _percent_of(base, rules.sgk_employee)
    unemployment = _percent_of(base, rules.unemployment_employee)
    return base, sgk, unemployment, max(gross - sgk - unemployment, ZERO)


def _exemptions(month: int, days: int, rules: PayrollRules) -> tuple[Decimal, Decimal]:
    """(income tax, stamp tax) on the minimum wage for the days worked in `month`.

    The minimum wage's own income-tax base accumulates from January like any wage, so its tax
    crosses into the 20% bracket in August 2025 (3,315.70 a month Jan-Jul, 4,257.57 in August,
    4,420.93 Sep-Dec); stamp tax is 197.38 every month.
    """
    if not rules.minimum_wage_exemption:
        return ZERO, ZERO
    _, _, _, full_base = _premiums(rules.minimum_wage, MONTH_DAYS, rules)
    wage = _r(rules.minimum_wage * days / MONTH_DAYS)
    _, sgk, unemployment, _ = _premiums(wage, days, rules)
    income_tax = income_tax_on(wage - sgk - unemployment, full_base * (month - 1), rules.income_tax)
    return income_tax, _percent_of(wage, rules.stamp_tax)


def compute_payslip(line: PayrollLine, period: str, rules: PayrollRules, ytd: Decimal = ZERO,
                    location: str | None = None) -> Payslip:
    """One employee's payslip for `period` (YYYY-MM), given the year's taxable base before it."""
    rules = rules.for_year(int(period[:4]))
    gross = line.gross + line.commission
    sgk_base, sgk, unemployment, tax_base = _premiums(gross, line.days, rules)
    tax = income_tax_on(tax_base, ytd, rules.income_tax)
    stamp = _percent_of(gross, rules.stamp_tax)
    tax_free, stamp_free = _exemptions(int(period[5:7]), line.days, rules)
    tax_free, stamp_free = min(tax_free, tax), min(stamp_free, stamp)
    return Payslip(
        employee=line.employee, location=location, days=line.days, salary=line.gross,
        commission=line.commission, gross=gross, sgk_base=sgk_base, employee_sgk=sgk,
        employee_unemployment=unemployment, tax_base=tax_base, ytd_base=ytd, income_tax_computed=tax,
        income_tax_exemption=tax_free, income_tax=tax - tax_free, stamp_tax_computed=stamp,
        stamp_tax_exemption=stamp_free, stamp_tax=stamp - stamp_free,
        net=gross - sgk - unemployment - (tax - tax_free) - (stamp - stamp_free),
        employer_sgk=_percent_of(sgk_base, rules.employer_sgk_rate),
        employer_unemployment=_percent_of(sgk_base, rules.unemployment_employer),
    )


def totals_of(payslips: Iterable[Payslip]) -> Totals:
    sums = dict.fromkeys(TOTAL_FIELDS, ZERO)
    for slip in payslips:
        for name in TOTAL_FIELDS:
            sums[name] += getattr(slip, name)
    return Totals(**sums)


def compute_run(run: PayrollRun, employees: Mapping[str, Contact], rules: PayrollRules,
                ytd: Mapping[EmployeeId, Decimal]) -> RunResult:
    """Every payslip of a run and their totals; a totals-only run returns its totals as written.

    `ytd` is each employee's income-tax base earlier in the same year (`ytd_before`), keyed by the
    surviving employee id. Lines are computed even for unknown employees: `check_runs` reports
    those, and this stays a total function.
    """
    if not run.lines:
        return RunResult(run.id, run.period, run.date, (), run.totals or Totals())
    slips = []
    for line in run.lines:
        emp = resolve_employee(line.employee, employees)
        contact = employees.get(emp)
        before = ytd.get(emp, ytd.get(line.employee, ZERO))
        location = contact.get("location") if contact else None
        slips.append(compute_payslip(line, run.period, rules, before, location))
    return RunResult(run.id, run.period, run.date, tuple(slips), totals_of(slips))


def ytd_before(runs: Iterable[PayrollRun], run: PayrollRun, rules: PayrollRules | None = None,
               employees: Mapping[str, Contact] | None = None) -> dict[EmployeeId, Decimal]:
    """Each employee's income-tax base in runs of the same year for earlier months.

    The tax base does not depend on the year-to-date (only the tax does), so this needs no
    recursion. Totals-only runs carry no per-employee detail and add nothing; lines refused for
    a negative amount (E062) add nothing either. Keys are surviving employee ids.
    """
    rules = rules or PayrollRules()
    out: dict[EmployeeId, Decimal] = {}
    for earlier in runs:
        if earlier.year != run.year or earlier.period >= run.period:
            continue
        year_rules = rules.for_year(earlier.year)
        for line in earlier.lines:
            if line.gross < 0 or line.gross + line.commission < 0:
                continue
            emp = resolve_employee(line.employee, employees)
            out[emp] = out.get(emp, ZERO) + _premiums(line.gross + line.commission, line.days, year_rules)[3]
    return dict(sorted(out.items()))


@dataclass(frozen=True, slots=True)
class PaidInvoice:
    """A sales invoice as commission sees it: its rep, its net and when it was paid in full."""

    invoice: str
    rep: EmployeeId | None          # the sales rep (employee) credited with the sale
    net: Decimal                    # excluding VAT, with the credit notes dated on or before `paid` netted
    paid: date | None               # the day it became fully paid; None while anything is open
    later: tuple[tuple[date, Decimal], ...] = ()   # credit notes after `paid`: (date, net credited)


def commissions(paid: Iterable[PaidInvoice], rate: Decimal, period: str | None = None
                ) -> dict[EmployeeId, Decimal]:
    """Commission earned per rep: `rate` percent of each fully paid invoice's net, rounded half-up
    per invoice, in the month of the payment (`period` YYYY-MM keeps only that month's).

    Open invoices, invoices without a rep and invoices netted to zero or below earn nothing. A credit
    note dated after the payment does not change the month the invoice was paid in (its run is paid
    out): it claws back, in the credit note's month, the difference between the commission on the
    net before it and on the net after it (a negative amount, never more than was earned).
    """
    out: dict[EmployeeId, Decimal] = {}
    for inv in sorted(paid, key=lambda i: i.invoice):
        if inv.rep is None or inv.paid is None:
            continue
        if inv.net > 0 and (period is None or inv.paid.isoformat()[:7] == period):
            out[inv.rep] = out.get(inv.rep, ZERO) + _percent_of(inv.net, rate)
        net = inv.net
        for day, credited in sorted(inv.later):
            before = _percent_of(net, rate) if net > 0 else ZERO
            net -= credited
            after = _percent_of(net, rate) if net > 0 else ZERO
            if after != before and (period is None or day.isoformat()[:7] == period):
                out[inv.rep] = out.get(inv.rep, ZERO) + after - before
    return dict(sorted(out.items()))


def add_commissions(run: PayrollRun, earned: Mapping[EmployeeId, Decimal]) -> PayrollRun:
    """The run with earned commissions added to its lines' gross earnings.

    A rep without a line gets one with no salary (a commission-only employee). Zero amounts are
    skipped. Use either this or commissions typed into the file, never both for the same sales.
    """
    left = {emp: amount for emp, amount in earned.items() if amount}
    lines = []
    for line in run.lines:
        extra = left.pop(line.employee, ZERO)
        lines.append(replace(line, commission=line.commission + extra) if extra else line)
    lines += [PayrollLine(emp, ZERO, amount, source=run.source) for emp, amount in sorted(left.items())]
    return replace(run, lines=tuple(lines))
