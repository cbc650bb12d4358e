"""The private books (books.toml [private], core.books.private) checked against the main books:
personal fields and payroll runs the books do not have (E069), and detailed runs whose payslips
do not add up to the totals the main books post (E068)."""

from __future__ import annotations

from dataclasses import fields

from core.erp.payroll.calculation import compute_run, ytd_before
from core.model.errors import Problem
from core.model.payroll import PayrollRules, PayrollRun, Totals
from core.model.records import Book


def check(book: Book) -> list[Problem]:
    """The private books against the main ones: unknown contacts and runs (E069), detail that does
    not add up to the totals the main books post (E068)."""
    private = book.private
    if private is None or not private.readable:
        return []
    problems: list[Problem] = []
    for cid, src in (private.personal_lines or {}).items():
        if cid not in book.contacts:
            problems.append(Problem("E069", src.path, src.line, f"personal fields for {cid}, who is not a "
                                    "contact of the books", record=cid,
                                    hint="add the contact to contacts/, or remove the record from the private books"))
        elif book.contacts[cid].get("forgotten"):
            problems.append(Problem("E069", src.path, src.line, f"personal fields kept for {cid}, who was "
                                    "forgotten", record=cid, found=f"forgotten {book.contacts[cid].get('forgotten')}",
                                    hint="remove the record from the private books too (kebir contacts forget "
                                         "cannot write there)"))
    main = {r.id: r for r in book.payroll}
    rules = book.settings.payroll or PayrollRules()
    detailed = sorted([r for r in book.payroll if r.lines] + list(private.runs), key=PayrollRun.sort_key)
    for run in private.runs:
        posted = main.get(run.id)
        src = run.source
        if posted is None:
            problems.append(Problem("E069", src.path, src.line, f"private payroll run {run.id} has no run in the books",
                                    record=run.id, expected=f"a totals-only run {run.id} in payroll/{run.period[:4]}/"
                                    f"{run.period}.yaml", hint="add the run with the totals this detail adds up to"))
            continue
        if posted.lines:
            problems.append(Problem("E069", src.path, src.line, f"payroll run {run.id} has its lines in both books",
                                    record=run.id, found=f"lines at {posted.source.path}:{posted.source.line}",
                                    hint="keep the lines in the private books and only `totals` in the main books"))
            continue
        if not run.lines or posted.totals is None:
            continue
        result = compute_run(run, book.contacts, rules.for_year(run.year),
                                     ytd_before(detailed, run, rules, book.contacts))
        differ = [(f.name, getattr(posted.totals, f.name), getattr(result.totals, f.name))
                  for f in fields(Totals) if getattr(posted.totals, f.name) != getattr(result.totals, f.name)]
        if differ:
            problems.append(Problem(
                "E068", posted.source.path, posted.source.line,
                f"run {run.id}: the totals differ from its detail in {src.path}", record=run.id,
                expected=", ".join(f"{name} {mine}" for name, _, mine in differ),
                found=", ".join(f"{name} {theirs}" for name, theirs, _ in differ),
                hint="copy the totals again from the private run, or correct the detail there"))
    return problems
