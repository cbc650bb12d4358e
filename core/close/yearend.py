"""What a quarter's and a year's close add to the month's entries (docs/close.md).

A quarter's close (months 3, 6 and 9 of the fiscal year): the 7/A reflection of the year so far
and the provisional tax (core.close.yearend_tax). The year end: the provisions proposed
(core.close.provisions) when the accountant accepts them, the reclassification of long-term items
falling due (core.close.reclass), the closing chain with the corporate tax on the tax base
(core.close.entries, core.reports.tax_base), and the offset of the provisional tax paid.

The first month of the next fiscal year: the rediscount of notes booked at the year end is reversed
on its first day (`rediscount_reversal`), as Turkish practice does: the interest belongs to the
year the note falls due in, and the next year end discounts the notes still open afresh.

Provisions are proposals: the checklist row `provisions` lists them and fails until the accountant
answers, `kebir close 2025-12 --accept-provisions` (posted) or `--no-provisions` (not posted, the
row says so in the sealed record).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from core.close.checklist import Check
from core.close.entries import GeneratedEntry, quarter_reflection, year_end_chain
from core.close.provisions import kkeg_of, proposed_provisions, provision_total
from core.close.reclass import reclassify
from core.close.yearend_tax import fiscal_month, prepaid_offset, provisional_tax
from core.ledger.derived import Leg
from core.ledger.period import month_bounds
from core.ledger.posting import MissingRole
from core.model.money import fmt_minor
from core.model.records import Book


def quarter_entries(book: Book, period: str, before: list[GeneratedEntry]) -> list[GeneratedEntry]:
    out = quarter_reflection(book, period, before)
    out += provisional_tax(book, period, before + out)
    return out


REDISCOUNT_MEMO = "rediscount to "         # the legs core.close.provisions.rediscount writes


def rediscount_reversal(book: Book, period: str) -> list[GeneratedEntry]:
    """At the close of the first month of a fiscal year: the rediscount the year end before booked on
    `rediscount_receivable` (122) and `rediscount_payable` (322), per contact and note, reversed on the
    first day: Dr 122 / Cr `rediscount_income` (647) and Dr `rediscount_expense` (657) / Cr 322."""
    if fiscal_month(book, period) != 1:
        return []
    begin, _ = month_bounds(period)
    last_year_end = date.fromordinal(begin.toordinal() - 1)
    out: list[Leg] = []
    for role, pl_role in (("rediscount_receivable", "rediscount_income"), ("rediscount_payable", "rediscount_expense")):
        account = book.settings.role(role)
        if not account:
            continue
        p = book.ledger().filter((pl.col("date") == last_year_end) & (pl.col("account") == account)
                                 & pl.col("memo").fill_null("").str.starts_with(REDISCOUNT_MEMO))
        sums: dict[tuple[str | None, str], int] = {}
        for contact, memo, base in p.select("contact", "memo", "base").iter_rows():
            sums[(contact, memo)] = sums.get((contact, memo), 0) + base
        for (contact, memo), b in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")):
            if not b:
                continue
            target = book.settings.role(pl_role)
            if target is None:
                raise MissingRole(pl_role)
            reversed_memo = f"{memo} reversed"
            out += [Leg(account, -b, contact=contact, memo=reversed_memo),
                    Leg(target, b, contact=contact, memo=reversed_memo)]
    return [GeneratedEntry("reeskont-iptal", begin, f"Rediscount of notes {last_year_end.year} reversed", tuple(out))
            ] if out else []


def provisions_check(book: Book, proposed: list[GeneratedEntry], accept: bool | None) -> Check:
    dec = book.settings.decimals(book.base) or 2
    what = "; ".join(f"{e.memo} {fmt_minor(provision_total([e], book), dec)}" for e in proposed)
    if accept is None:
        return Check("provisions", "fail", f"proposed: {what}; post them with --accept-provisions "
                     "or close without them with --no-provisions")
    if accept:
        return Check("provisions", "pass", f"accepted: {what}")
    return Check("provisions", "skip", f"not posted (--no-provisions): {what}")


def year_end_entries(book: Book, period: str, before: list[GeneratedEntry], accept: bool | None,
                     checklist: list[Check]) -> list[GeneratedEntry]:
    out: list[GeneratedEntry] = []
    proposed = proposed_provisions(book, period)
    if proposed:
        checklist.append(provisions_check(book, proposed, accept))
        if accept:
            out += proposed
    out += reclassify(book, period)
    chain = year_end_chain(book, period, before + out, kkeg_of(out, book))
    offset = prepaid_offset(book, period, chain, before + out)
    return out + chain + offset
