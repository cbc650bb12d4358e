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
