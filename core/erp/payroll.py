"""Payroll runs: the Turkish monthly wage calculation, and the one journal entry each run derives.

A run (`payroll/YYYY/YYYY-MM.yaml`, docs/payroll.md) lists the gross pay of each employee for one
month, or only the run's totals when the detail is kept in a separate, restricted repository.
From the lines kebir computes every payslip component the way Turkish payroll does: SGK premiums
on the gross capped at the ceiling (tavan) and raised to the floor (taban), income tax by the
cumulative annual brackets on the year-to-date base, stamp tax, the minimum-wage exemption of both
taxes, net pay and the employer's contributions. Each component is rounded half-up to the kuruş
per employee, so totals are sums of what the payslips show and the entry balances exactly.

Everything here is a pure function of its arguments over frozen dataclasses and `Decimal`: no
float, no I/O. `derive_payroll` posts through `core.ledger.derived.Entries` and returns `Problem`s
(E060-E067, E047 for a missing account role) instead of raising. The rules (`PayrollRules`) come from `books.toml [payroll]` with
2025 defaults; keep the defaults in step with docs/payroll.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.books import schema, yamlnodes
from core.ledger.derived import Entries, Leg
from core.model.errors import Problem
from core.model.records import Contact
from core.model.source import Source
from core.books.yamlnodes import Map, Seq
from core.model.payroll import (
    HUNDRED, MONTH_DAYS, TOTAL_FIELDS, ZERO, Bracket, EmployeeId, PayrollLine, PayrollRules, PayrollRun, Totals,
)

KURUS = Decimal("0.01")
CURRENCY = "TRY"         # Turkish payroll is paid and withheld in lira

# Account roles a payroll entry posts to (books.toml [accounts]); stamp_tax_payable is optional.
ROLES = ("salaries", "employer_contributions", "net_pay", "income_tax_payable", "social_security_payable")
ROLE_EXAMPLES = {"salaries": "770.08", "employer_contributions": "770.09", "net_pay": "335.01",
                 "income_tax_payable": "360.01", "social_security_payable": "361.01"}


def _r(value: Decimal) -> Decimal:
    """Half-up to the kuruş: the rounding of every payslip component."""
    return value.quantize(KURUS, rounding=ROUND_HALF_UP)


def _pct(amount: Decimal, percent: Decimal) -> Decimal:
    return _r(amount * percent / HUNDRED)


def _minor(amount: Decimal) -> int:
    return int(_r(amount).scaleb(2))


# --------------------------------------------------------------------------- runs

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


# --------------------------------------------------------------------------- the calculation

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
    sgk = _pct(base, rules.sgk_employee)
    unemployment = _pct(base, rules.unemployment_employee)
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
    return income_tax, _pct(wage, rules.stamp_tax)


def compute_payslip(line: PayrollLine, period: str, rules: PayrollRules, ytd: Decimal = ZERO,
                    location: str | None = None) -> Payslip:
    """One employee's payslip for `period` (YYYY-MM), given the year's taxable base before it."""
    rules = rules.for_year(int(period[:4]))
    gross = line.gross + line.commission
    sgk_base, sgk, unemployment, tax_base = _premiums(gross, line.days, rules)
    tax = income_tax_on(tax_base, ytd, rules.income_tax)
    stamp = _pct(gross, rules.stamp_tax)
    tax_free, stamp_free = _exemptions(int(period[5:7]), line.days, rules)
    tax_free, stamp_free = min(tax_free, tax), min(stamp_free, stamp)
    return Payslip(
        employee=line.employee, location=location, days=line.days, salary=line.gross,
        commission=line.commission, gross=gross, sgk_base=sgk_base, employee_sgk=sgk,
        employee_unemployment=unemployment, tax_base=tax_base, ytd_base=ytd, income_tax_computed=tax,
        income_tax_exemption=tax_free, income_tax=tax - tax_free, stamp_tax_computed=stamp,
        stamp_tax_exemption=stamp_free, stamp_tax=stamp - stamp_free,
        net=gross - sgk - unemployment - (tax - tax_free) - (stamp - stamp_free),
        employer_sgk=_pct(sgk_base, rules.employer_sgk_rate),
        employer_unemployment=_pct(sgk_base, rules.unemployment_employer),
    )


def totals_of(payslips: Iterable[Payslip]) -> Totals:
    sums = dict.fromkeys(TOTAL_FIELDS, ZERO)
    for slip in payslips:
        for name in TOTAL_FIELDS:
            sums[name] += getattr(slip, name)
    return Totals(**sums)


def resolve_employee(employee: EmployeeId, employees: Mapping[str, Contact] | None) -> EmployeeId:
    """Follow `merged_into` aliases left by dedup merges to the surviving employee id."""
    seen = {employee}
    while employees is not None and employee in employees:
        nxt = employees[employee].get("merged_into")
        if not nxt or nxt in seen:
            break
        seen.add(nxt)
        employee = nxt
    return employee


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
            if line.gross < 0 or line.commission < 0:
                continue
            emp = resolve_employee(line.employee, employees)
            out[emp] = out.get(emp, ZERO) + _premiums(line.gross + line.commission, line.days, year_rules)[3]
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- commissions

@dataclass(frozen=True, slots=True)
class PaidInvoice:
    """A sales invoice as commission sees it: its rep, its net and when it was paid in full."""

    invoice: str
    rep: EmployeeId | None          # the sales rep (employee) credited with the sale
    net: Decimal                    # excluding VAT, credit notes and returns netted
    paid: date | None               # the day it became fully paid; None while anything is open


def commissions(paid: Iterable[PaidInvoice], rate: Decimal, period: str | None = None
                ) -> dict[EmployeeId, Decimal]:
    """Commission earned per rep: `rate` percent of each fully paid invoice's net, rounded half-up
    per invoice, in the month of the payment (`period` YYYY-MM keeps only that month's).

    Open invoices, invoices without a rep and invoices netted to zero or below earn nothing.
    """
    out: dict[EmployeeId, Decimal] = {}
    for inv in sorted(paid, key=lambda i: i.invoice):
        if inv.rep is None or inv.paid is None or inv.net <= 0:
            continue
        if period is not None and inv.paid.isoformat()[:7] != period:
            continue
        out[inv.rep] = out.get(inv.rep, ZERO) + _pct(inv.net, rate)
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


# --------------------------------------------------------------------------- reading the files

_FILE = re.compile(r"(?:^|/)payroll/([0-9]{4})/([0-9]{4})-([0-9]{2})\.yaml$")
_AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]+)?")


def _s(v: Any) -> str | None:
    return v if type(v) is str else None


def _amount(m: Map, key: str, rid: str, rel: str, problems: list[Problem],
            default: Decimal | None = None) -> tuple[Decimal | None, bool]:
    """(value, readable) of an amount field; more than 2 decimals is an E041 and unreadable."""
    text = _s(m.get(key))
    if text is None:
        return default, key not in m and default is not None
    if not _AMOUNT.fullmatch(text):
        return default, False
    value = Decimal(text)
    if value != _r(value):
        problems.append(Problem("E041", rel, m.lines.get(key, m.line),
                                f"{key} {text} has more than 2 decimals", record=rid,
                                expected="at most 2 decimals (kuruş)", found=text,
                                hint=f"round it to {_r(value)}"))
        return value, False
    return value, True


def _line(ln: Any, rid: str, rel: str, problems: list[Problem]) -> PayrollLine | None:
    if type(ln) is not Map or _s(ln.get("employee")) is None:
        return None
    gross, ok_gross = _amount(ln, "gross", rid, rel, problems)
    commission, ok_commission = _amount(ln, "commission", rid, rel, problems, ZERO)
    days = _s(ln.get("days")) or str(MONTH_DAYS)
    days_ok = re.fullmatch(r"[0-9]{1,2}", days) is not None and 1 <= int(days) <= MONTH_DAYS
    if not (ok_gross and ok_commission and days_ok):
        return None
    assert gross is not None and commission is not None
    return PayrollLine(ln["employee"], gross, commission, int(days), _s(ln.get("memo")), Source(rel, ln.line))


def read_runs(records: Iterable[Any], rel: str) -> tuple[list[PayrollRun], list[Problem]]:
    """Payroll runs from the records of one file, as `yamlnodes.parse` builds them.

    The records have been checked against schemas/payroll.schema.json (`schema.check_tree`); a
    record whose fields cannot be read is left out, since that check has said why. Reported here:
    amounts with more than 2 decimals (E041) and a run filed under another month (E065).
    """
    runs: list[PayrollRun] = []
    problems: list[Problem] = []
    named = _FILE.search(rel)
    file_month = f"{named[2]}-{named[3]}" if named and named[1] == named[2] else None
    for r in records:
        if type(r) is not Map:
            continue
        rid, period, day = _s(r.get("id")), _s(r.get("period")), _s(r.get("date"))
        if rid is None or period is None or not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", period) \
                or day is None or not schema.valid_date(day):
            continue
        raw_lines = r.get("lines")
        raw_lines = raw_lines if type(raw_lines) is Seq else ()
        lines = [_line(ln, rid, rel, problems) for ln in raw_lines]
        raw_totals = r.get("totals")
        totals: Totals | None = None
        if type(raw_totals) is Map:
            read = {name: _amount(raw_totals, name, rid, rel, problems) for name in TOTAL_FIELDS}
            if not all(ok for _, ok in read.values()):
                continue
            totals = Totals(**{name: value for name, (value, _) in read.items()})    # type: ignore[arg-type]
        elif raw_totals is not None:
            continue
        if None in lines or ("lines" in r and not raw_lines):
            continue
        tags = r.get("tags")
        runs.append(PayrollRun(
            rid, period, date.fromisoformat(day), tuple(ln for ln in lines if ln is not None), totals,
            _s(r.get("memo")), _s(r.get("detail")),
            tuple(t for t in tags if type(t) is str) if type(tags) is Seq else (), Source(rel, r.line)))
        if file_month is not None and period != file_month:
            problems.append(Problem(
                "E065", rel, r.lines.get("period", r.line), f"run {rid} pays for {period} but is filed under "
                f"{file_month}", record=rid, expected=f"period {file_month}", found=period,
                hint=f"move the run to payroll/{period[:4]}/{period}.yaml, or correct `period`"))
    return runs, problems


def parse_runs(text: str, rel: str) -> tuple[list[PayrollRun], list[Problem]]:
    """A payroll file's text to runs: YAML with strings kept, the schema check, then `read_runs`."""
    tree, problems = yamlnodes.parse(text, rel)
    if tree is None:
        return [], problems
    if type(tree) is not Seq:
        return [], problems + [Problem("E013", rel, 1, "a payroll file is a list of runs",
                                       found="a single value or mapping",
                                       hint="start each run with `- id: ...`")]
    problems += schema.check_tree("payroll", tree, rel)
    runs, found = read_runs(tree, rel)
    return runs, problems + found


# --------------------------------------------------------------------------- checks

def _month_bounds(period: str) -> tuple[date, date]:
    y, m = int(period[:4]), int(period[5:7])
    first = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def check_runs(runs: Sequence[PayrollRun], employees: Mapping[str, Contact]) -> list[Problem]:
    """What is wrong in the runs themselves and against the employees, one Problem each."""
    problems: list[Problem] = []

    def add(code: str, src: Source, run: PayrollRun, message: str, **more: str) -> None:
        problems.append(Problem(code, src.path, src.line, message, record=run.id, **more))

    first_seen: dict[str, Source] = {}
    paid_in: dict[tuple[str, EmployeeId], tuple[str, Source]] = {}
    for run in sorted(runs, key=PayrollRun.sort_key):
        src = run.source
        if run.id in first_seen:
            add("E020", src, run, f"payroll run id {run.id} is used twice",
                found=f"first at {first_seen[run.id]}", hint="give one of them a new id, e.g. PR-2025-03-2")
        first_seen.setdefault(run.id, src)
        if run.lines and run.totals is not None:
            add("E063", src, run, f"run {run.id} has both `lines` and `totals`",
                expected="one of lines / totals", found="both",
                hint="keep `lines` when kebir computes the payroll; keep only `totals` (and `detail`) when "
                     "it is computed in the restricted payroll repository")
        elif not run.lines and run.totals is None:
            add("E063", src, run, f"run {run.id} has neither `lines` nor `totals`",
                expected="one of lines / totals", found="neither",
                hint="add `lines:` with one `{employee: ..., gross: ...}` per employee, "
                     "or the run's `totals:`")
        first, last = _month_bounds(run.period)
        if run.date < first:
            add("E065", src, run, f"run {run.id} is posted on {run.date}, before the month it pays for "
                f"({run.period})", expected=f"a date on or after {first}", found=str(run.date),
                hint=f"post it at the end of the month (date: {last}) or correct `period`")
        if run.totals is not None and not run.lines:
            t = run.totals
            for name in TOTAL_FIELDS:
                if getattr(t, name) < 0:
                    add("E062", src, run, f"run {run.id}: totals {name} is negative",
                        found=str(getattr(t, name)), hint="payroll amounts are positive; correct the totals")
            if t.gross - t.deductions != t.net:
                add("E064", src, run, f"run {run.id}: totals do not add up",
                    expected="net = gross - employee_sgk - employee_unemployment - income_tax - stamp_tax = "
                             f"{t.gross - t.deductions}",
                    found=f"net {t.net}, off by {t.net - (t.gross - t.deductions)}",
                    hint="copy the totals again from the payroll repository's run summary")
        for line in run.lines:
            ls = line.source if line.source.path else src
            for name in ("gross", "commission"):
                if getattr(line, name) < 0:
                    add("E062", ls, run, f"{name} of {line.employee} in run {run.id} is negative",
                        expected="an amount of 0 or more", found=str(getattr(line, name)),
                        hint="a run pays; recover an overpayment with a journal entry (Dr 335 / Cr 196), "
                             "or reduce the next month's gross")
            emp = resolve_employee(line.employee, employees)
            contact = employees.get(emp)
            if contact is None or contact.role != "employee":
                staff = [e for e, c in employees.items() if c.role == "employee"]
                near = difflib.get_close_matches(line.employee, staff, n=3)
                what = (f"{line.employee} is a {contact.role}, not an employee" if contact
                        else f"employee {line.employee} is not in contacts/erp/employees.yaml")
                add("E060", ls, run, what, found=line.employee,
                    expected="an id from contacts/erp/employees.yaml" + (f" (near: {', '.join(near)})"
                                                                         if near else ""),
                    hint="add the employee to contacts/erp/employees.yaml, or correct the id")
                continue
            hired, left = _day(contact.get("hired")), _day(contact.get("left"))
            if left is not None and left < first:
                add("E061", ls, run, f"{line.employee} left on {left}, before {run.period}",
                    expected=f"employed in {run.period}", found=f"left {left}",
                    hint="remove the line, or correct `left` in contacts/erp/employees.yaml; pay after "
                         "leaving (e.g. a late bonus) goes on the last month's line")
            elif hired is not None and hired > last:
                add("E061", ls, run, f"{line.employee} is hired on {hired}, after {run.period}",
                    expected=f"hired on or before {last}", found=f"hired {hired}",
                    hint="remove the line, or correct `hired` in contacts/erp/employees.yaml")
            if (run.period, emp) in paid_in:
                other, where = paid_in[(run.period, emp)]
                add("E066", ls, run, f"{line.employee} is paid twice for {run.period}",
                    found=f"also in {other} at {where}",
                    hint="put all of a month's pay on one line (add the bonus to `gross`): the SGK ceiling "
                         "and floor are monthly")
            else:
                paid_in[(run.period, emp)] = (run.id, ls)
    return problems


# --------------------------------------------------------------------------- posting

def _file_line(run: PayrollRun) -> tuple[str, int]:
    return run.source.path, run.source.line


def payroll_legs(result: RunResult, accounts: Mapping[str, str]) -> list[Leg]:
    """The legs of one run's entry, in TRY minor units (debit > 0).

    Debits are split by the employees' location (cost centre) so reports by location see their
    wage cost; the credits are one leg per liability, never per employee (the general ledger does
    not show anyone's salary). `accounts` maps the ROLES (and optionally `stamp_tax_payable`).
    """
    by_location: dict[str | None, list[Decimal]] = {}
    if result.payslips:
        for slip in result.payslips:
            gross_employer = by_location.setdefault(slip.location, [ZERO, ZERO])
            gross_employer[0] += slip.gross
            gross_employer[1] += slip.employer_sgk + slip.employer_unemployment
    else:
        by_location[None] = [result.totals.gross, result.totals.employer_contributions]
    legs = []
    for loc in sorted(by_location, key=lambda x: (x is None, x or "")):
        gross, employer = by_location[loc]
        legs.append(Leg(accounts["salaries"], _minor(gross), location=loc, memo="gross wages"))
        legs.append(Leg(accounts["employer_contributions"], _minor(employer), location=loc,
                        memo="employer SGK and unemployment insurance"))
    t = result.totals
    legs.append(Leg(accounts["net_pay"], -_minor(t.net), memo="net pay"))
    stamp_account = accounts.get("stamp_tax_payable") or accounts["income_tax_payable"]
    if stamp_account == accounts["income_tax_payable"]:
        legs.append(Leg(stamp_account, -_minor(t.income_tax + t.stamp_tax),
                        memo="income and stamp tax withheld"))
    else:
        legs.append(Leg(accounts["income_tax_payable"], -_minor(t.income_tax), memo="income tax withheld"))
        legs.append(Leg(stamp_account, -_minor(t.stamp_tax), memo="stamp tax withheld"))
    legs.append(Leg(accounts["social_security_payable"], -_minor(t.social_security),
                    memo="SGK: employee and employer shares"))
    return legs


def derive_payroll(runs: Sequence[PayrollRun], employees: Mapping[str, Contact], rules: PayrollRules,
                   roles: Mapping[str, str], entries: Entries,
                   source_file_line: Callable[[PayrollRun], tuple[str, int]] | None = None) -> list[Problem]:
    """Post each run as one derived entry (id and source = the run id) and report what is wrong.

    A run with any problem is not posted. `source_file_line(run)` says where the entry points to
    (default: the run's own file and line). `roles` is books.toml [accounts].
    """
    problems = check_runs(runs, employees)
    ordered = sorted(runs, key=PayrollRun.sort_key)
    if not ordered:
        return problems
    missing = [role for role in ROLES if not roles.get(role)]
    first = ordered[0]
    for role in missing:     # E047 as for every other posting rule; once, not once per run
        problems.append(Problem(
            "E047", first.source.path, first.source.line,
            f"no account for the posting rule `{role}` (payroll runs are not posted)", record=first.id,
            expected=f"{role} under [accounts] in books.toml",
            hint=f'add `{role} = "{ROLE_EXAMPLES[role]}"` under [accounts] in books.toml'))
    if not missing and entries.base_currency != CURRENCY:
        problems.append(Problem(
            "E067", first.source.path, first.source.line, f"payroll runs cannot post in {entries.base_currency}",
            record=first.id, expected=f"base currency {CURRENCY}", found=entries.base_currency,
            hint="the payroll rules are Turkish and post in TRY: keep payroll in a TRY company's books"))
    if missing or entries.base_currency != CURRENCY:
        return problems
    refused = {p.record for p in problems if p.code.startswith("E06") or p.code == "E020"}
    where = source_file_line or _file_line
    for run in ordered:
        if run.id in refused:
            continue
        result = compute_run(run, employees, rules, ytd_before(ordered, run, rules, employees))
        for slip, line in zip(result.payslips, run.lines):
            if slip.net < 0:
                ls = line.source if line.source.path else run.source
                problems.append(Problem(
                    "E062", ls.path, ls.line, f"net pay of {line.employee} in run {run.id} is negative",
                    record=run.id, expected="net pay of 0 or more", found=str(slip.net),
                    hint=f"the gross is below the SGK floor for {line.days} days: check `gross` and `days`"))
                refused.add(run.id)
        if run.id in refused:
            continue
        path, line_no = where(run)
        entries.add(run.id, run.date, run.memo or f"Payroll {run.period}", run.id, path, line_no,
                    payroll_legs(result, roles), tags=",".join(("payroll", *run.tags)))
    return problems
