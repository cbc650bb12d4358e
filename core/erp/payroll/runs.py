"""Payroll runs as records: `PayrollRun` (`payroll/YYYY/YYYY-MM.yaml`, docs/payroll.md) with
its lines or only its totals, read from the files (`read_runs`, `parse_runs`) and checked across
runs and employees (`check_runs`, E060-E067); `resolve_employee` follows merged employee ids.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence

from datetime import date
from decimal import Decimal
from typing import Any

from core.books import schema, yamlnodes
from core.books.yamlnodes import Map, Seq, scalar
from core.ledger.period import month_bounds
from core.erp.payroll.rules import _r
from core.model.payroll import MONTH_DAYS, TOTAL_FIELDS, ZERO, EmployeeId, PayrollLine, PayrollRun, Totals
from core.model.errors import Problem
from core.model.records import Contact
from core.model.source import Source


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


_FILE = re.compile(r"(?:^|/)payroll/([0-9]{4})/([0-9]{4})-([0-9]{2})\.yaml$")
_AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]+)?")


def _amount(m: Map, key: str, rid: str, rel: str, problems: list[Problem],
            default: Decimal | None = None) -> tuple[Decimal | None, bool]:
    """(value, readable) of an amount field; more than 2 decimals is an E041 and unreadable."""
    text = scalar(m.get(key))
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
    if type(ln) is not Map or scalar(ln.get("employee")) is None:
        return None
    gross, ok_gross = _amount(ln, "gross", rid, rel, problems)
    commission, ok_commission = _amount(ln, "commission", rid, rel, problems, ZERO)
    days = scalar(ln.get("days")) or str(MONTH_DAYS)
    days_ok = re.fullmatch(r"[0-9]{1,2}", days) is not None and 1 <= int(days) <= MONTH_DAYS
    if not (ok_gross and ok_commission and days_ok):
        return None
    assert gross is not None and commission is not None
    return PayrollLine(ln["employee"], gross, commission, int(days), scalar(ln.get("memo")), Source(rel, ln.line))


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
        rid, period, day = scalar(r.get("id")), scalar(r.get("period")), scalar(r.get("date"))
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
            scalar(r.get("memo")), scalar(r.get("detail")),
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
        first, last = month_bounds(run.period)
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
            if line.gross < 0:
                add("E062", ls, run, f"gross of {line.employee} in run {run.id} is negative",
                    expected="an amount of 0 or more", found=str(line.gross),
                    hint="a run pays; recover an overpayment with a journal entry (Dr 335 / Cr 196), "
                         "or reduce the next month's gross")
            elif line.commission < 0 and line.gross + line.commission < 0:
                # a negative commission is a clawback (a credit note after the invoice was paid):
                # it reduces the month's gross earnings, never below zero
                add("E062", ls, run, f"commission of {line.employee} in run {run.id} is negative beyond the gross",
                    expected=f"a clawback of at most {line.gross}", found=str(line.commission),
                    hint="a run pays; recover the rest of the clawback in a later run or with a journal entry "
                         "(Dr 335 / Cr 196)")
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
