"""Provisional tax (geçici vergi) each quarter, and the offset of the prepaid tax at the year end
(docs/close.md "Provisional tax").

At the close of the third, sixth and ninth month of the fiscal year (KVK Art. 32, GVK Art. 120;
the fourth quarter's return was abolished from 2022 by Law 7338), the tax base of the year so far
(core.reports.tax_base, without the minimum tax, which is annual) is taxed at the corporate rate;
what the earlier quarters of the year already accrued is deducted, and the rest is accrued:
`prepaid_tax` (193) against `provisional_tax_payable` (a 360 account). The payment is the
accountant's bank entry.

At the year end, once the corporate tax is provided (691 against 370), the provisional tax of the
year on 193 is offset: `prepaid_tax_offset` (371) against 193, up to the tax provided. What is
left on 193 is a refund or offset claim and stays there.
"""

from __future__ import annotations

from core.close.entries import GeneratedEntry, balances
from core.ledger.derived import Leg
from core.ledger.period import month_bounds
from core.ledger.posting import MissingRole
from core.model.money import fmt_minor
from core.model.records import Book
from core.reports.tax_base import tax_base, year_bounds


def fiscal_month(book: Book, period: str) -> int:
    """1 for the fiscal year's first month ... 12 for its last."""
    start = int(book.settings.fiscal_year_start[:2])
    return (int(period[5:7]) - start) % 12 + 1


def fiscal_year(book: Book, period: str) -> int:
    start = int(book.settings.fiscal_year_start[:2])
    return int(period[:4]) if int(period[5:7]) >= start else int(period[:4]) - 1


def is_quarter_end(book: Book, period: str) -> bool:
    return fiscal_month(book, period) in (3, 6, 9, 12)


def _with(bal: dict[str, int], entries: list[GeneratedEntry]) -> dict[str, int]:
    out = dict(bal)
    for e in entries:
        for leg in e.legs:
            out[leg.account] = out.get(leg.account, 0) + leg.base
    return out


def provisional_tax(book: Book, period: str, before: list[GeneratedEntry]) -> list[GeneratedEntry]:
    """The provisional tax of a quarter's close (months 3, 6 and 9 of the fiscal year)."""
    prepaid = book.settings.role("prepaid_tax")
    if not prepaid or fiscal_month(book, period) not in (3, 6, 9) or not book.settings.close.corporate_tax_rate:
        return []
    year = fiscal_year(book, period)
    begin, _ = year_bounds(book, year)
    _, end = month_bounds(period)
    bal = _with(dict(balances(book, end, since=begin).select("account", "base").iter_rows()), before)
    t = tax_base(book, year, bal, until=end, minimum=False)
    due = t.tax - t.provisional
    if due <= 0:
        return []
    payable = book.settings.role("provisional_tax_payable")
    if payable is None:
        raise MissingRole("provisional_tax_payable")
    quarter = fiscal_month(book, period) // 3
    dec = book.settings.decimals(book.base) or 2
    return [GeneratedEntry("gv", end, f"Provisional tax Q{quarter} {year}: base {fmt_minor(t.base, dec)}", (
        Leg(prepaid, due, memo=f"provisional tax Q{quarter}"),
        Leg(payable, -due, memo="provisional tax payable")))]


def prepaid_offset(book: Book, period: str, chain: list[GeneratedEntry], before: list[GeneratedEntry]
                   ) -> list[GeneratedEntry]:
    """At the year end: the year's provisional tax on 193 against the tax provided on 370, via 371."""
    prepaid, provision = book.settings.role("prepaid_tax"), book.settings.role("tax_provision")
    if not prepaid or not provision:
        return []
    _, end = month_bounds(period)
    held = _with(dict(balances(book, end).select("account", "base").iter_rows()), before).get(prepaid, 0)
    provided = -sum(leg.base for e in chain for leg in e.legs if leg.account == provision)
    amount = min(held, provided)
    if amount <= 0:
        return []
    offset = book.settings.role("prepaid_tax_offset")
    if offset is None:
        raise MissingRole("prepaid_tax_offset")
    return [GeneratedEntry("gvmahsup", end, f"Provisional tax offset against the corporate tax {end.year}", (
        Leg(offset, amount, memo="provisional tax paid in the year"),
        Leg(prepaid, -amount, memo="offset against the corporate tax")))]
