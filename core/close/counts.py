"""Count differences cleared by the close: what a stock count found short (TDHP 197, role
`count_shortage`) or over (397, `count_surplus`) is pending until the month's close moves it to
the account that finally bears it, by the policy of books.toml `[close] count_differences`:

- `cost_of_sales`: a shortage is consumption (Dr `cogs`), a surplus reduces it (Cr `cogs`);
- `other`: a shortage to `count_shortage_expense` (689 other extraordinary expense), a surplus to
  `count_surplus_income` (679 other extraordinary income);
- not set: the roles `count_shortage_expense` / `count_surplus_income` when books.toml has them
  (as before the policy existed), else the differences stay pending (and the year-end checklist
  row `count-differences-cleared` fails).

`kebir close --charge PERSON` charges the month's shortage to that person instead: Dr
`personnel_receivable` (135 receivables from personnel) with the person as contact; a surplus
still follows the policy. Docs: docs/close.md, "Count differences".
"""

from __future__ import annotations

from core.close.checklist import Check
from core.close.entries import GeneratedEntry, balances
from core.ledger.derived import Leg
from core.ledger.period import month_bounds
from core.ledger.posting import MissingRole
from core.model.errors import Problem
from core.model.money import fmt_minor
from core.model.records import Book

CHARGE_ROLE = "personnel_receivable"


def _need(book: Book, role: str) -> str:
    code = book.settings.role(role)
    if code is None:
        raise MissingRole(role)
    return code


def targets(book: Book, charge: str | None = None) -> tuple[str | None, str | None]:
    """(where a shortage goes, where a surplus goes); None: it stays pending. Raises MissingRole
    when the policy names a role books.toml does not set."""
    policy = book.settings.close.count_differences
    if policy == "cost_of_sales":
        shortage, surplus = _need(book, "cogs"), _need(book, "cogs")
    elif policy == "other":
        shortage, surplus = _need(book, "count_shortage_expense"), _need(book, "count_surplus_income")
    else:
        shortage, surplus = book.settings.role("count_shortage_expense"), book.settings.role("count_surplus_income")
    if charge is not None:
        shortage = _need(book, CHARGE_ROLE)
    return shortage, surplus


def count_clearing(book: Book, period: str, charge: str | None = None) -> list[GeneratedEntry]:
    """The month's entry that clears 197 and 397 at month end (their whole balance, so a month
    left pending is cleared by the next close)."""
    _, end = month_bounds(period)
    shortage_to, surplus_to = targets(book, charge)
    bal = dict(balances(book, end).select("account", "base").iter_rows())
    legs: list[Leg] = []
    for pending, target, what in (("count_shortage", shortage_to, "count shortage"),
                                  ("count_surplus", surplus_to, "count surplus")):
        code = book.settings.role(pending)
        b = bal.get(code or "", 0)
        if not (code and target and b):
            continue
        contact = charge if pending == "count_shortage" and charge is not None else None
        memo = f"{what} charged to {charge}" if contact else what
        legs += [Leg(code, -b, memo=f"clear {what}"), Leg(target, b, memo=memo, contact=contact)]
    return [GeneratedEntry("count", end, f"Stock count differences {period}", tuple(legs))] if legs else []


def check_charge(book: Book, period: str, charge: str | None) -> list[Problem]:
    """`--charge PERSON` names an employee of contacts/erp/employees.yaml (E201)."""
    if charge is None:
        return []
    contact = book.contacts.get(charge)
    if contact is not None and contact.role == "employee":
        return []
    staff = sorted(c for c, x in book.contacts.items() if x.role == "employee")
    path, line = (contact.source.path, contact.source.line) if contact is not None and contact.source.path \
        else ("contacts/erp/employees.yaml", 1)
    return [Problem("E201", path, line, f"--charge {charge}: not an employee, so the count "
                    f"shortage of {period} cannot be charged to them", record=charge,
                    expected="an employee id of contacts/erp/employees.yaml", found=charge,
                    hint="charge an employee (" + (", ".join(staff[:3]) or "none in the books yet")
                    + "), or leave out --charge to clear the shortage by the books' policy")]


def year_end_row(book: Book, period: str, entries: list[GeneratedEntry]) -> Check:
    """`count-differences-cleared`: 197 and 397 hold nothing once the year end's entries are posted."""
    _, end = month_bounds(period)
    bal = dict(balances(book, end).select("account", "base").iter_rows())
    for e in entries:
        for leg in e.legs:
            bal[leg.account] = bal.get(leg.account, 0) + leg.base
    dec = book.settings.decimals(book.base) or 2
    left = [f"{code} {fmt_minor(bal.get(code, 0), dec)}" for code in
            (book.settings.role("count_shortage"), book.settings.role("count_surplus")) if code and bal.get(code, 0)]
    if not left:
        return Check("count-differences-cleared", "pass", "197/397 hold nothing at year end")
    return Check("count-differences-cleared", "fail", "still pending at year end: " + ", ".join(left)
                 + "; set [close] count_differences in books.toml (docs/close.md, Count differences)")
