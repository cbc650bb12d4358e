"""The one journal entry each payroll run derives (`derive_payroll`), posted through
`core.ledger.derived.Entries` to the account roles of `books.toml [accounts]`; problems (E060-E067,
E047 for a missing role) are returned, not raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from core.erp.payroll.calculation import RunResult, compute_run, ytd_before
from core.erp.payroll.rules import CURRENCY, _minor
from core.erp.payroll.runs import check_runs
from core.model.payroll import ZERO, PayrollRules, PayrollRun
from core.ledger.derived import Entries, Leg
from core.model.errors import Problem
from core.model.records import Contact


# Account roles a payroll entry posts to (books.toml [accounts]); stamp_tax_payable is optional.
ROLES = ("salaries", "employer_contributions", "net_pay", "income_tax_payable", "social_security_payable")
ROLE_EXAMPLES = {"salaries": "770.08", "employer_contributions": "770.09", "net_pay": "335.01",
                 "income_tax_payable": "360.01", "social_security_payable": "361.01"}


def _file_line(run: PayrollRun) -> tuple[str, int]:
    return run.source.path, run.source.line


def centre_accounts(centre: str | None, accounts: Mapping[str, str]) -> tuple[str, str] | None:
    """(gross wages, employer contributions) of a cost centre from `[accounts.cost_centre]`
    (`kitchen = "720.01:720.02"`, or one code for both); None: no such centre."""
    code = accounts.get(f"cost_centre:{centre}") if centre else None
    if not code:
        return None
    gross, _, employer = code.partition(":")
    return gross, employer or gross


def payroll_legs(result: RunResult, accounts: Mapping[str, str],
                 employees: Mapping[str, Contact] | None = None) -> list[Leg]:
    """The legs of one run's entry, in TRY minor units (debit > 0).

    Debits are split by the employees' cost centre (`cost_centre:` of contacts/erp/employees.yaml,
    its accounts in books.toml `[accounts.cost_centre]`; without one, the `salaries` and
    `employer_contributions` roles) and location, so the 7/A chart sees production wages on 720/730,
    service on 760 and office on 770, and reports by location see their wage cost; the credits are
    one leg per liability, never per employee (the general ledger does not show anyone's salary).
    `accounts` maps the ROLES (and optionally `stamp_tax_payable`).
    """
    default = (accounts["salaries"], accounts["employer_contributions"])
    by_centre: dict[tuple[str, str, str | None], list[Decimal]] = {}
    if result.payslips:
        for slip in result.payslips:
            emp = (employees or {}).get(slip.employee)
            pair = centre_accounts(emp.get("cost_centre") if emp is not None else None, accounts) or default
            gross_employer = by_centre.setdefault((*pair, slip.location), [ZERO, ZERO])
            gross_employer[0] += slip.gross
            gross_employer[1] += slip.employer_sgk + slip.employer_unemployment
    else:
        by_centre[(*default, None)] = [result.totals.gross, result.totals.employer_contributions]
    legs = []
    for key in sorted(by_centre, key=lambda k: (k[0], k[1], k[2] is None, k[2] or "")):
        salaries, contributions, loc = key
        gross, employer = by_centre[key]
        legs.append(Leg(salaries, _minor(gross), location=loc, memo="gross wages"))
        legs.append(Leg(contributions, _minor(employer), location=loc,
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
    problems += check_years(ordered, rules) + check_cost_centres(employees, roles)
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
    refused = {p.record for p in problems if p.code.startswith("E06") or p.code in ("E020", "E203")}
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
                    payroll_legs(result, roles, employees), tags=",".join(("payroll", *run.tags)))
    return problems


def check_years(runs: Sequence[PayrollRun], rules: PayrollRules) -> list[Problem]:
    """E203: a run in a year the books give no parameters for (neither [payroll] `year` nor a
    [payroll.YEAR] table); it is not posted, rather than computed with another year's rates."""
    return [Problem("E203", run.source.path, run.source.line, f"payroll run {run.id} is for {run.year}, and books.toml "
                    f"has no payroll parameters for {run.year}", record=run.id,
                    expected=f"[payroll.{run.year}] in books.toml (or [payroll] year = {run.year})",
                    found=f"[payroll] is for {rules.year}"
                    + (f", [payroll.YEAR] for {', '.join(str(y) for y, _ in rules.years)}" if rules.years else ""),
                    hint=f"add [payroll.{run.year}] with that year's rates, ceiling, floor, minimum wage and brackets "
                         "(docs/payroll.md); only what changed need be written")
            for run in runs if not rules.has_year(run.year)]


def check_cost_centres(employees: Mapping[str, Contact], roles: Mapping[str, str]) -> list[Problem]:
    """An employee's `cost_centre` that [accounts.cost_centre] does not list (E205); when the books
    list cost centres, an employee without one (W030: their wages post to the `salaries` role)."""
    if not any(r.startswith("cost_centre:") for r in roles):
        return []
    out = []
    for emp in sorted(employees.values(), key=lambda c: c.id):
        if emp.role != "employee" or emp.get("merged_into"):
            continue
        centre = emp.get("cost_centre")
        where = (emp.source.path, emp.source.line)
        if centre is None:
            out.append(Problem("W030", *where, f"employee {emp.id} has no cost_centre; their wages post to "
                               f"{roles.get('salaries')} (the `salaries` role)", record=emp.id,
                               expected="cost_centre: one of " + ", ".join(sorted(
                                   r.split(":", 1)[1] for r in roles if r.startswith("cost_centre:"))),
                               hint=f"add `cost_centre: ...` to {emp.id} in contacts/erp/employees.yaml"))
        elif centre_accounts(centre, roles) is None:
            out.append(Problem("E205", *where, f"employee {emp.id}: cost centre {centre} has no accounts in "
                               "books.toml", record=emp.id, found=centre, expected="a key of [accounts.cost_centre]",
                               hint=f'add {centre} = "720.01:720.02" (gross wages : employer contributions) under '
                                    "[accounts.cost_centre], or correct the employee's cost_centre"))
    return out
