"""Recurring close items: prepayments, accruals and deferred income spread evenly over months.

`recurring.yaml` (docs/close-records.md) lists amounts that belong to several months: insurance
paid a year ahead (prepayment), a cost incurred before its invoice comes (accrual), income
received ahead of the service (deferred income). Each month of its range, the period close
moves that month's share between the balance-sheet account and the expense or income account.

The share is the total / months, half-up to the minor unit, and the last month takes what is
left, so the months always add up to the total exactly. `spread` does this for depreciation too
(core.erp.assets). Everything here is a pure function over frozen dataclasses and integer minor
units: no float, no I/O except `load_recurring`. Problems are returned, never raised:
E077 (months not positive), E078 (the wrong account field for the kind), and the existing E020
(duplicate id), E041 (too many decimals), E030/E031 (unknown account or contact, `check_references`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from core.books import schema
from core.ledger.derived import Leg
from core.model.errors import Problem
from core.model.source import Source
from core.model.money import fmt_minor
from core.model.months import MONTH, month_number, period_of
from core.model.recurring import Recurring
from core.books.yamlnodes import Map, scalar

PATH = "recurring.yaml"
KIND = "recurring"                       # schemas/recurring.schema.json
KINDS = ("prepayment", "accrual", "deferred-income")
# Which field names the profit-and-loss account, per kind (keep in step with the schema).
PNL_FIELD = {"prepayment": "expense", "accrual": "expense", "deferred-income": "income"}
LABEL = {"prepayment": "Prepayment", "accrual": "Accrual", "deferred-income": "Deferred income"}
_PHRASE = {"prepayment": "a prepayment", "accrual": "an accrual", "deferred-income": "deferred income"}

_AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]+)?")
_COUNT = re.compile(r"-?[0-9]{1,4}")


# --------------------------------------------------------------------------- rounding

def half_up(value: Fraction) -> int:
    """A non-negative exact quotient rounded half-up to an integer (as money.round_half_up does)."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def spread(total: int, months: int) -> tuple[int, ...]:
    """`total` minor units over `months` equal shares: total / months half-up, the last takes the rest.

    When rounding up over many months would pass the total before the end (1.00 over 60 months
    is 0.02 a month), the shares stop at the total and the remaining months take 0: a share is
    never negative and the shares always add up to `total` exactly.
    """
    if months <= 0:
        return ()
    share = half_up(Fraction(total, months))
    out: list[int] = []
    left = total
    for _ in range(months - 1):
        amount = min(share, left)
        out.append(amount)
        left -= amount
    out.append(left)
    return tuple(out)


# --------------------------------------------------------------------------- reading the file

def read_amount(m: Map, key: str, rid: str, rel: str, decimals: int, problems: list[Problem],
                default: int | None = None) -> tuple[int | None, bool]:
    """(minor units, readable) of an amount field; too many decimals is E041 and unreadable.

    A missing field gives `default` (readable when there is one); a value the schema refused is
    unreadable without a second problem (schema.check_tree has reported it).
    """
    text = scalar(m.get(key))
    if text is None:
        return default, key not in m and default is not None
    if not _AMOUNT.fullmatch(text):
        return None, False
    whole, _, frac = text.partition(".")
    if len(frac.rstrip("0")) > decimals:
        problems.append(Problem("E041", rel, m.lines.get(key, m.line), f"{key} {text} has more than {decimals} "
                                "decimals", record=rid, expected=f"at most {decimals} decimals", found=text,
                                hint=f"round it to {decimals} decimals, e.g. "
                                     f"{fmt_minor(half_up(Fraction(text) * 10**decimals), decimals)}"))
        return None, False
    return int(whole) * 10**decimals + int((frac + "0" * decimals)[:decimals] or 0), True


def read_count(m: Map, key: str) -> int | None:
    """A whole number of months as written (sign kept, so a 0 or -3 can be named), else None."""
    text = scalar(m.get(key))
    return int(text) if text is not None and _COUNT.fullmatch(text) else None


def recurring_from(records: Iterable[Any], rel: str, decimals: int = 2) -> tuple[list[Recurring], list[Problem]]:
    """Recurring items from records already checked against the schema (as core.books.readers.read_tree gives them).

    A record whose fields cannot be read is left out, since the schema check has said why; one
    with a problem found here is reported and left out too, so close never posts from it.
    """
    items: list[Recurring] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for r in records:
        if type(r) is not Map:
            continue
        rid = scalar(r.get("id"))
        if rid is None:
            continue
        if rid in seen:
            problems.append(Problem("E020", rel, r.line, f"recurring id {rid} is used twice", record=rid,
                                    found=f"first at {rel}:{seen[rid]}", hint="give one of them a new id"))
            continue
        seen[rid] = r.line
        amount, ok = read_amount(r, "amount", rid, rel, decimals, problems)
        kind, start, balance = scalar(r.get("kind")), scalar(r.get("start")), scalar(r.get("balance"))
        months = read_count(r, "months")
        if amount is None or not ok or kind not in KINDS or start is None or not MONTH.fullmatch(start) \
                or balance is None or months is None:
            continue                                   # the schema check or read_amount has said why
        bad = False
        if months <= 0:
            bad = True
            problems.append(Problem(
                "E077", rel, r.lines.get("months", r.line), f"recurring {rid}: months is {months}; it must be "
                "a positive number of months", record=rid, expected="a whole number of months above 0",
                found=str(months), hint="write how many months the amount covers, e.g. `months: 12`"))
        want = PNL_FIELD[kind]
        other = "income" if want == "expense" else "expense"
        pnl = scalar(r.get(want))
        if other in r or pnl is None:
            bad = True
            where = r.lines.get(other, r.line) if other in r else r.line
            problems.append(Problem(
                "E078", rel, where, f"recurring {rid} is {_PHRASE[kind]}: it needs "
                f"`{want}`" + (f", not `{other}`" if other in r else ""), record=rid,
                expected=f"`{want}: \"...\"`", found=f"`{other}`" if other in r else f"no `{want}`",
                hint="prepayments and accruals post to an expense account (`expense: \"770.01\"`), deferred "
                     "income to an income account (`income: \"600.01\"`)"))
        if bad or pnl is None:
            continue
        items.append(Recurring(rid, kind, start, months, amount, balance, pnl, scalar(r.get("memo")),
                               scalar(r.get("contact")), Source(rel, r.line), tuple(r.lines.items())))
    return items, problems


def read_recurring(tree: Any, rel: str = PATH, decimals: int = 2) -> tuple[list[Recurring], list[Problem]]:
    """Records from a `yamlnodes.parse` tree: shape and schema (schema.checked_list), then `recurring_from`."""
    return schema.records_of(tree, rel, KIND, "recurring.yaml", "id: RC-0001",
                             lambda records, at: recurring_from(records, at, decimals))


def load_recurring(root: Path, decimals: int = 2) -> tuple[list[Recurring], list[Problem]]:
    """Read and parse the file under a books root; no file means no records."""
    return schema.file_records(root, PATH, lambda tree: read_recurring(tree, PATH, decimals))


# --------------------------------------------------------------------------- amounts and entries

def schedule(item: Recurring) -> list[tuple[str, int]]:
    """(period, amount) for every month of the item's range, in order; the amounts add up to the total."""
    first = month_number(item.start)
    return [(period_of(first + i), amount) for i, amount in enumerate(spread(item.amount, item.months))]


def monthly(item: Recurring, period: str) -> int:
    """The item's share for one month, in minor units: 0 outside its range."""
    index = month_number(period) - month_number(item.start)
    if not 0 <= index < item.months:
        return 0
    return spread(item.amount, item.months)[index]


def recurring_legs(item: Recurring, period: str) -> list[Leg]:
    """The month's entry: prepayment Dr expense / Cr 180; accrual Dr expense / Cr 381;
    deferred income Dr 380 / Cr income. No legs in a month outside the range."""
    amount = monthly(item, period)
    if amount == 0:
        return []
    memo = f"{LABEL[item.kind]} {item.id} {period}"
    if item.kind == "deferred-income":
        return [Leg(item.balance, amount, contact=item.contact, memo=memo), Leg(item.pnl, -amount, memo=memo)]
    return [Leg(item.pnl, amount, memo=memo), Leg(item.balance, -amount, contact=item.contact, memo=memo)]


def check_references(items: Iterable[Recurring], accounts: Collection[str], groups: Collection[str] = (),
                     contacts: Collection[str] | Mapping[str, Any] | None = None) -> list[Problem]:
    """Accounts that are not in the chart (E030) or are groups (E034), contacts not known (E031).

    Account existence is left to the caller, who has the chart: pass `book.accounts`,
    `book.groups()` and `book.contacts`. `contacts=None` skips the contact check.
    """
    problems: list[Problem] = []
    for it in items:
        pnl_field = PNL_FIELD[it.kind]
        for key, code in (("balance", it.balance), (pnl_field, it.pnl)):
            if code not in accounts:
                problems.append(Problem("E030", it.source.path, it.line(key), f"account {code} is not in the chart",
                                        record=it.id, found=code, expected="an account from accounts.yaml",
                                        hint=f"add it to accounts.yaml (`- code: \"{code}\"` with name and type) "
                                             "or correct the code"))
            elif code in groups:
                problems.append(Problem("E034", it.source.path, it.line(key), f"account {code} is a group; post to "
                                        "one of its sub-accounts", record=it.id, found=code,
                                        expected="a leaf account", hint=f"name a sub-account of {code}"))
        if contacts is not None and it.contact is not None and it.contact not in contacts:
            problems.append(Problem("E031", it.source.path, it.line("contact"), f"contact {it.contact} is not known",
                                    record=it.id, found=it.contact, expected="an id from contacts/",
                                    hint="add the contact or correct the id"))
    return problems
