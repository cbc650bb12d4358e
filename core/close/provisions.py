"""The provisions a year-end close proposes (docs/close.md "Provisions"); posted when accepted.

- doubtful receivables (VUK Art. 323): a customer with `legal_follow_up: DATE` (the day the claim
  went to court or enforcement) on or before the year end: its receivable balance moves to
  `doubtful_receivable` (128) and the part not yet provided for is provided (`provision_expense`
  654 against `doubtful_allowance` 129); on another chart than tr-tdhp with `[close]
  doubtful_after_days`, by age instead: every open receivable that late, in full;
- rediscount of notes (VUK Art. 281, 285): every note on `notes_receivable` (121) or
  `notes_payable` (321) open at the year end with a `due:YYYY-MM-DD` tag on its posting, discounted
  from its due day to the year end at `[close] rediscount_rate` by the inner (true) discount,
  interest = face x rate x days / (36,000 + rate x days): receivable notes 657 against 122,
  payable notes 322 against 647;
- severance (kıdem tazminatı, Labour Law 1475 Art. 14): every employee with a year of service or
  more at the year end: 30 days' gross salary (capped at the ceiling in force, `[close.severance_ceiling]`)
  per year of service (a part year by months and days), less what `severance_provision` (472) already holds for them;
- unused leave: an employee's `leave_days` x gross salary / 30, less what `leave_provision`
  already holds for them.

Severance and leave provisions are not deductible until paid: their entries carry the tag `kkeg`,
so the tax base (core.reports.tax_base) adds them back.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import polars as pl

from core.close.entries import GeneratedEntry
from core.ledger.derived import Leg
from core.ledger.period import month_bounds
from core.ledger.posting import MissingRole
from core.ledger.subledger import open_items
from core.model.money import round_half_up
from core.model.records import Book

DUE = re.compile(r"(?:^|,)due:([^,]*)")
KKEG = ("close", "kkeg")


def _need(book: Book, role: str) -> str:
    code = book.settings.role(role)
    if code is None:
        raise MissingRole(role)
    return code


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def due_of(tags: str | None) -> date | None:
    """The `due:YYYY-MM-DD` tag of a posting, as a date (None: no tag or not a date)."""
    m = DUE.search(tags or "")
    return _day(m.group(1)) if m else None


def by_contact(book: Book, end: date, account: str | None) -> dict[str | None, int]:
    if not account:
        return {}
    p = book.ledger().filter((pl.col("date") <= end) & (pl.col("account") == account))
    return {c: b for c, b in p.group_by("contact").agg(pl.col("base").sum()).iter_rows() if b}


def doubtful_by_age(book: Book, end: date) -> list[GeneratedEntry]:
    """Books on another chart (IFRS): every open receivable more than `[close] doubtful_after_days`
    past due at the year end is provided for in full, per customer, less the allowance held."""
    days = book.settings.close.doubtful_after_days
    if not days:
        return []
    late: dict[str, int] = {}
    for item in open_items(book, "ar", end):
        if not item.on_account and (end - item.due).days > int(Decimal(days)):
            late[item.contact] = late.get(item.contact, 0) + item.amount
    if not late:
        return []
    provided = _need(book, "doubtful_allowance")
    allowance = by_contact(book, end, provided)
    legs: list[Leg] = []
    for cid, amount in sorted(late.items()):
        need = amount + allowance.get(cid, 0)
        if need > 0:
            legs += [Leg(_need(book, "provision_expense"), need, contact=cid,
                         memo=f"receivables over {days} days past due"),
                     Leg(provided, -need, contact=cid, memo="allowance for doubtful receivables")]
    return [GeneratedEntry("doubtful", end, f"Doubtful receivables {end.year} (over {days} days past due)",
                           tuple(legs))] if legs else []


def doubtful(book: Book, end: date) -> list[GeneratedEntry]:
    if book.settings.chart != "tr-tdhp" and book.settings.close.doubtful_after_days:
        return doubtful_by_age(book, end)
    receivable = book.settings.role("receivable")
    flagged = sorted(c.id for c in book.contacts.values()
                     if (d := _day(c.get("legal_follow_up"))) is not None and d <= end)
    if not flagged or not receivable:
        return []
    moved, provided = _need(book, "doubtful_receivable"), _need(book, "doubtful_allowance")
    open_ = by_contact(book, end, receivable)
    already = by_contact(book, end, moved)
    allowance = by_contact(book, end, provided)
    legs: list[Leg] = []
    for cid in flagged:
        b = open_.get(cid, 0)
        if b > 0:
            legs += [Leg(moved, b, contact=cid, memo="receivable in legal follow-up"),
                     Leg(receivable, -b, contact=cid, memo="to doubtful receivables")]
        need = b + already.get(cid, 0) + allowance.get(cid, 0)     # the allowance is a credit (negative)
        if need > 0:
            legs += [Leg(_need(book, "provision_expense"), need, contact=cid, memo="doubtful receivable (VUK 323)"),
                     Leg(provided, -need, contact=cid, memo="provision for doubtful receivable")]
    return [GeneratedEntry("doubtful", end, f"Doubtful receivables {end.year} (VUK 323)", tuple(legs))] if legs else []


def rediscount_interest(face: int, rate: Decimal, days: int) -> int:
    """Inner discount of `face` (minor units) over `days` at `rate` percent a year, rounded half up."""
    return int(round_half_up(Decimal(face) * rate * days / (Decimal(36000) + rate * days), 0))


def open_notes(book: Book, end: date, account: str) -> list[tuple[str | None, date, int]]:
    """(contact, due, open face value) of the notes on `account` at `end`, by their `due:` tags."""
    p = book.ledger().filter((pl.col("date") <= end) & (pl.col("account") == account))
    out: dict[tuple[str | None, date], int] = {}
    for contact, tags, base in p.select("contact", "tags", "base").iter_rows():
        due = due_of(tags)
        if due is not None:
            out[(contact, due)] = out.get((contact, due), 0) + base
    return [(c, d, v) for (c, d), v in sorted(out.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")) if v]


def rediscount(book: Book, end: date) -> list[GeneratedEntry]:
    rate_text = book.settings.close.rediscount_rate
    if not rate_text:
        return []
    rate = Decimal(rate_text)
    legs: list[Leg] = []
    for role, contra, pl_role, sign in (("notes_receivable", "rediscount_receivable", "rediscount_expense", 1),
                                        ("notes_payable", "rediscount_payable", "rediscount_income", -1)):
        account = book.settings.role(role)
        if not account:
            continue
        for contact, due, face in open_notes(book, end, account):
            if due <= end or face * sign <= 0:
                continue
            interest = rediscount_interest(abs(face), rate, (due - end).days)
            if interest:
                memo = f"rediscount to {due} at {rate}%"
                legs += [Leg(_need(book, pl_role), sign * interest, contact=contact, memo=memo),
                         Leg(_need(book, contra), -sign * interest, contact=contact, memo=memo)]
    return [GeneratedEntry("reeskont", end, f"Rediscount of notes {end.year} (VUK 281, 285)", tuple(legs))] \
        if legs else []


def ceiling_on(book: Book, end: date) -> Decimal | None:
    """The severance ceiling in force at `end` ([close.severance_ceiling], the latest month on or before)."""
    month = f"{end.year:04d}-{end.month:02d}"
    found = [v for k, v in book.settings.close.severance_ceiling if k <= month]
    return Decimal(found[-1]) if found else None


def service(hired: date, end: date) -> tuple[int, int, int]:
    """Years, months and days of service from `hired` through `end` (both days worked)."""
    after = date.fromordinal(end.toordinal() + 1)
    months = (after.year - hired.year) * 12 + after.month - hired.month
    if after.day < hired.day:
        months -= 1
    anniversary_month = hired.month + months
    y, m = hired.year + (anniversary_month - 1) // 12, (anniversary_month - 1) % 12 + 1
    try:
        last = date(y, m, hired.day)
    except ValueError:                         # hired on the 31st: the month's last day
        last = date(y, m + 1, 1) if m < 12 else date(y + 1, 1, 1)
        last = date.fromordinal(last.toordinal() - 1)
    return months // 12, months % 12, (after - last).days


def severance_owed(monthly: Decimal, years: int, months: int, days: int) -> Decimal:
    """30 days' wage a year of service; a part year pro rata by months (/12) and days (/365)."""
    return monthly * years + monthly * months / 12 + monthly * days / 365


def employee_provisions(book: Book, end: date) -> list[GeneratedEntry]:
    employees = [c for c in book.contacts.values() if c.role == "employee"
                 and ((left := _day(c.get("left"))) is None or left > end)]
    if not employees:
        return []
    dec = book.settings.decimals(book.base) or 2
    ceiling = ceiling_on(book, end)
    out: list[GeneratedEntry] = []
    sev: list[Leg] = []
    leave: list[Leg] = []
    sev_held = by_contact(book, end, book.settings.role("severance_provision"))
    leave_held = by_contact(book, end, book.settings.role("leave_provision"))
    for c in sorted(employees, key=lambda c: c.id):
        hired, gross = _day(c.get("hired")), c.get("gross_salary")
        if hired is None or not gross or hired > end:
            continue
        monthly = Decimal(gross)
        years, months, days = service(hired, end)
        if ceiling is not None and years >= 1:
            owed = int(round_half_up(severance_owed(min(monthly, ceiling), years, months, days), dec).scaleb(dec))
            need = owed + sev_held.get(c.id, 0)          # held: a credit (negative)
            if need > 0:
                sev += [Leg(_need(book, "provision_expense"), need, contact=c.id,
                            memo=f"severance: {years} years {months} months {days} days"),
                        Leg(_need(book, "severance_provision"), -need, contact=c.id, memo="severance provision")]
        if (left_days := c.get("leave_days")) and Decimal(left_days) > 0:
            owed = int(round_half_up(monthly / 30 * Decimal(left_days), dec).scaleb(dec))
            need = owed + leave_held.get(c.id, 0)
            if need > 0:
                leave += [Leg(_need(book, "provision_expense"), need, contact=c.id,
                              memo=f"unused leave: {left_days} days"),
                          Leg(_need(book, "leave_provision"), -need, contact=c.id, memo="unused leave provision")]
    if sev:
        out.append(GeneratedEntry("severance", end, f"Severance provision {end.year}", tuple(sev), KKEG))
    if leave:
        out.append(GeneratedEntry("leave", end, f"Unused leave provision {end.year}", tuple(leave), KKEG))
    return out


def proposed_provisions(book: Book, period: str) -> list[GeneratedEntry]:
    """Every provision the year end proposes, in the order above."""
    _, end = month_bounds(period)
    return doubtful(book, end) + rediscount(book, end) + employee_provisions(book, end)


def kkeg_of(entries: list[GeneratedEntry], book: Book) -> dict[str, int]:
    """The expense legs of generated entries tagged `kkeg`, per account (the tax base adds them back)."""
    out: dict[str, int] = {}
    for e in entries:
        if "kkeg" in e.tags:
            for leg in e.legs:
                acc = book.accounts.get(leg.account)
                if acc is not None and acc.type == "expense":
                    out[leg.account] = out.get(leg.account, 0) + leg.base
    return out


def provision_total(entries: list[GeneratedEntry], book: Book) -> int:
    """What the entries charge to or credit to the income statement (the provision, not the transfer)."""
    pl_accounts = {c for c, a in book.accounts.items() if a.type in ("income", "expense")}
    return sum(abs(leg.base) for e in entries for leg in e.legs if leg.account in pl_accounts)

