"""The 7/A chart's reflection, for statements: cost accounts shown under the 6-class lines they reflect to.

Under the Turkish uniform chart's 7/A option, costs are booked in the 7 class (760 marketing and
sales, 770 general administration, 780 finance) and reflected into the income statement's lines
(631, 632, 660) through the mirror accounts (761, 771, 781) only at the year-end close. A monthly
income statement read from the accounts as booked would show no operating expenses until December.

`reflect_balances` maps a statement's balances the way the reflection will: every balance of a
7-class group or its mirror moves to the group's target, as books.toml `[accounts.reflection]` says
(`760 = "761:631"`: group 760, mirror 761, target 631). The totals do not change, only the lines
they stand on. Once the year-end reflection is posted, 7-class and mirror balances net to zero and
the target holds the cost itself, so the mapping changes nothing; the closing chain is left out of
income statements anyway (statements.closing_entries). Layout is not this module's concern: a
statement maps its balances here, then lays them out.
"""

from __future__ import annotations

from core.model.records import Book


def reflection_targets(book: Book) -> dict[str, str]:
    """Group or mirror account code -> target code, from books.toml [accounts.reflection] (empty when
    the books do not use the 7/A reflection)."""
    out: dict[str, str] = {}
    for role, value in book.settings.roles:
        if role.startswith("reflection:") and ":" in value:
            mirror, target = value.split(":", 1)
            out[role.split(":", 1)[1]] = target
            out[mirror] = target
    return out


def reflected_account(code: str, targets: dict[str, str]) -> str:
    """The account a balance of `code` is shown on: its 7/A target when it is under a reflected group
    or mirror (760, 760.05, 761), else itself."""
    for prefix, target in targets.items():
        if code == prefix or code.startswith(prefix + "."):
            return target
    return code


def reflect_balances(book: Book, balances: dict[str, int]) -> dict[str, int]:
    """Balances per account with every 7-class (and mirror) balance moved onto its reflection target.

    Only targets that are in the chart are used: a reflection table naming an unknown account leaves
    the balances where they are (validate reports the chart)."""
    targets = {k: t for k, t in reflection_targets(book).items() if t in book.accounts}
    if not targets:
        return balances
    out: dict[str, int] = {}
    for code, value in balances.items():
        to = reflected_account(code, targets)
        out[to] = out.get(to, 0) + value
    return {k: v for k, v in out.items() if v or k in balances}
