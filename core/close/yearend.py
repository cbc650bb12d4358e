"""What a quarter's and a year's close add to the month's entries (docs/close.md).

A quarter's close (months 3, 6 and 9 of the fiscal year): the 7/A reflection of the year so far
and the provisional tax (core.close.yearend_tax). The year end: the provisions proposed
(core.close.provisions) when the accountant accepts them, the reclassification of long-term items
falling due (core.close.reclass), the closing chain with the corporate tax on the tax base
(core.close.entries, core.reports.tax_base), and the offset of the provisional tax paid.

Provisions are proposals: the checklist row `provisions` lists them and fails until the accountant
answers, `kebir close 2025-12 --accept-provisions` (posted) or `--no-provisions` (not posted, the
row says so in the sealed record).
"""

from __future__ import annotations

from core.close.checklist import Check
from core.close.entries import GeneratedEntry, quarter_reflection, year_end_chain
from core.close.provisions import kkeg_of, proposed_provisions, provision_total
from core.close.reclass import reclassify
from core.close.yearend_tax import prepaid_offset, provisional_tax
from core.model.money import fmt_minor
from core.model.records import Book


def quarter_entries(book: Book, period: str, before: list[GeneratedEntry]) -> list[GeneratedEntry]:
    out = quarter_reflection(book, period, before)
    out += provisional_tax(book, period, before + out)
    return out


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
