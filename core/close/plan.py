"""Period close: what closing a month means, computed without writing anything.

`plan_close(book, period, ...)` runs the checklist (core.close.checklist) and the generated
entries (core.close.entries; at fiscal year end the closing chain); `compose` turns the plan into
the files a close writes: the generated entries (journals/YYYY/YYYY-MM.close.yaml), the seal
digests (core.close.seal) and the close record (core.books.closes), the record last.
`core.books.store` writes them; the caller decides.

The ledger is continuous across years: the new year's opening balances are the closing balance
sheet's balances, listed in the year-end close record, not re-posted as closing and opening
entries (which would cut AR/AP open items from their invoices).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import polars as pl

from core.close.emptyperiod import check_empty_period
from core.close.yearend import quarter_entries, rediscount_reversal, year_end_entries
from core.close.yearend_tax import is_quarter_end
from core.model.i18n import language, text
from core.reports.checklist import checklist_rows
from core.reports.tax_base import tax_settings
from core.reports.speak import memo_text
from core.books import store
from core.close.checklist import Check, run_checklist
from core.close import counts
from core.erp import asset_ties
from core.close.correction import correction_entries
from core.close.entries import (GeneratedEntry, balances, fx_revaluation, periodic_entries, vat_offset,
                                with_generated)
from core.books.closes import (CheckRow, CloseRecord, Event, OpeningBalance, Totals, close_paths,
                                close_record_text, record_digest, with_event)
from core.close.seal import rows_csv, seal_from_short, seal_rows
from core.ledger.period import month_bounds
from core.ledger.posting import MissingRole
from core.model.errors import Problem
from core.model.money import fmt_minor
from core.model.records import Book


@dataclass
class ClosePlan:
    period: str
    begin: date
    end: date                       # last day of the period
    checklist: list[Check] = field(default_factory=list)
    entries: list[GeneratedEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    year_end: bool = False
    opening: list[tuple[str, str, str | None, int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(c.result != "fail" for c in self.checklist)


def is_year_end(book: Book, period: str) -> bool:
    start_month = int(book.settings.fiscal_year_start[:2])
    last = 12 if start_month == 1 else start_month - 1
    return int(period[5:7]) == last



def plan_close(book: Book, period: str, closed: set[str], *, allow_gap: bool = False,
               statements: list[dict] | None = None, allow_empty: bool = False, charge: str | None = None,
               accept_provisions: bool | None = None) -> ClosePlan:
    begin, end = month_bounds(period)
    plan = ClosePlan(period, begin, end, year_end=is_year_end(book, period))
    # Closed months whose derivation changed (W018): their corrections come first, and the checks
    # and the other entries see the books with them.
    corrections = correction_entries(book, period)
    seen = _with_entries(book, period, corrections) if corrections else book
    plan.checklist = run_checklist(seen, period, closed, allow_gap, statements or [])
    # An empty month where the month before had records: refused unless --allow-empty (W010).
    if empty := check_empty_period(book, period):
        if allow_empty:
            plan.checklist.append(Check("period-not-empty", "skip", f"{empty[0].message} (--allow-empty)"))
        else:
            plan.problems += empty
    try:
        entries = periodic_entries(seen, period)
        entries += rediscount_reversal(seen, period)
        entries += counts.count_clearing(seen, period, charge)
        entries += fx_revaluation(seen, period)
        entries += vat_offset(seen, period)
        if plan.year_end:
            entries += year_end_entries(seen, period, entries, accept_provisions, plan.checklist)
        elif is_quarter_end(book, period):
            entries += quarter_entries(seen, period, entries)
        entries = corrections + entries
    except MissingRole as exc:
        plan.problems.append(Problem("E047", "books.toml", 1, f"no account for the posting rule `{exc.role}`",
                                     record=period, hint=f"add `{exc.role} = \"...\"` under [accounts] in books.toml"))
        entries = []
    plan.problems += counts.check_charge(book, period, charge)
    if asset_ties.keeps_register(book):
        row = asset_row(book, period, end, entries)
        gap = any(c.check == "previous-period-closed" and c.result == "skip" for c in plan.checklist)
        if row.result == "fail" and gap:
            # months before were left open (--allow-gap): their depreciation is not posted yet, so the
            # register runs ahead of the ledger by design; the tie-out holds once they are closed
            row = Check(row.check, "skip", f"{row.detail} (months before {period} not closed: --allow-gap)")
        plan.checklist.append(row)
    if plan.year_end and (book.settings.role("count_shortage") or book.settings.role("count_surplus")):
        plan.checklist.append(counts.year_end_row(book, period, entries))
    if book.settings.statutory.tax_id:      # books that file in Türkiye: the VAT return ties to the offset
        plan.checklist.append(_vat_return_check(book, period, entries))
    # A leg of nothing (a result of 0.00 carried to 690 in a year without income or expenses) is no
    # posting, and an entry left with none is not written: the books refuse an entry of one posting.
    entries = [replace(e, legs=legs) for e in entries
               if (legs := tuple(leg for leg in e.legs if leg.base or leg.amount)) and len(legs) > 1]
    y, m = period[:4], period[5:7]
    # The memos are written in the books' language, once: a memo is data from then on (a reclose in the
    # same language writes the same bytes; a month closed before keeps its memos as written).
    lang = book.settings.language
    for n, e in enumerate(entries, 1):
        legs = tuple(replace(leg, memo=memo_text(leg.memo, lang)) for leg in e.legs)
        plan.entries.append(GeneratedEntry(f"JE-{y}-{m}-C{n:03d}", e.date, memo_text(e.memo, lang) or "", legs,
                                           e.tags))
    if plan.year_end:
        # The new year's opening balances: the balance sheet after every entry the close generates.
        acc: dict[tuple[str, str, str | None], list[int]] = {}
        for a, cur, contact, base, amount in balances(book, end, by=("account", "currency", "contact")).select(
                "account", "currency", "contact", "base", "amount").iter_rows():
            acc[(a, cur, contact)] = [base, amount]
        for e in plan.entries:
            for leg in e.legs:
                key = (leg.account, leg.currency or book.base, leg.contact)
                slot = acc.setdefault(key, [0, 0])
                slot[0] += leg.base
                slot[1] += leg.amount if leg.amount is not None else leg.base
        bs = {c for c, a in book.accounts.items() if a.type not in ("income", "expense")}
        plan.opening = [(a, cur, contact, base, amount) for (a, cur, contact), (base, amount)
                        in sorted(acc.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
                        if a in bs and (base or amount)]
    return plan


def asset_row(book: Book, period: str, end: date, entries: list[GeneratedEntry]) -> Check:
    """`asset-register-tie-out`: the register against 25x/26x and 257/268 after the close's entries."""
    extra: dict[str, int] = {}
    for e in entries:
        for leg in e.legs:
            extra[leg.account] = extra.get(leg.account, 0) + leg.base
    ok, detail = asset_ties.tie_out(book, end, period, extra)
    return Check("asset-register-tie-out", "pass" if ok else "fail", detail)


def _with_entries(book: Book, period: str, entries: list[GeneratedEntry]) -> Book:
    begin, end = month_bounds(period)
    temp = ClosePlan(period, begin, end, entries=entries)
    rel = close_paths(period)[2]
    return with_generated(book, store.dump_yaml_records("journal", entries_as_records(temp, book)), rel)


def entries_as_records(plan: ClosePlan, book: Book) -> list[dict[str, Any]]:
    """Generated entries as journal records (what journals/YYYY/YYYY-MM.close.yaml holds)."""
    base = book.base
    bdec = book.settings.base_decimals
    out = []
    for e in plan.entries:
        postings = []
        for leg in e.legs:
            cur = leg.currency or base
            p: dict[str, Any] = {"account": leg.account}
            side = "debit" if leg.base > 0 or (leg.base == 0 and (leg.amount or 0) > 0) else "credit"
            if cur == base:
                p[side] = fmt_minor(abs(leg.base), bdec)
            else:
                dec = book.settings.decimals(cur) or 2
                p[side] = fmt_minor(abs(leg.amount or 0), dec)
                p["currency"] = cur
                p["base"] = fmt_minor(abs(leg.base), bdec)
            if leg.contact:
                p["contact"] = leg.contact
            if leg.memo:
                p["memo"] = leg.memo
            if leg.tags:
                p["tags"] = list(leg.tags)
            postings.append(p)
        out.append({"id": e.id, "date": e.date.isoformat(), "memo": e.memo, "tags": list(e.tags),
                    "postings": postings})
    return out


def compose(book: Book, plan: ClosePlan, closes: dict[str, CloseRecord], on: date, by: str
            ) -> tuple[dict[str, str], CloseRecord]:
    """The files a close writes (path -> text) and the close record."""
    rel_record, rel_seal, rel_entries = close_paths(plan.period)
    records = entries_as_records(plan, book)
    files: dict[str, str | None] = {}
    after = book
    if records:
        files[rel_entries] = store.dump_yaml_records("journal", records)
        after = with_generated(book, files[rel_entries], rel_entries)
    elif (book.root / rel_entries).exists():
        files[rel_entries] = None            # an inert file from an interrupted close must not come alive
    rows = seal_rows(after, plan.period)
    earlier = [p for p in sorted(closes) if p < plan.period]
    previous = closes[earlier[-1]].seal if earlier else None
    seal = seal_from_short(rows, previous)
    dec = book.settings.base_decimals
    span = after.ledger().filter((pl.col("date") >= plan.begin) & (pl.col("date") <= plan.end))["base"]
    old = closes.get(plan.period)
    rec = CloseRecord(
        period=plan.period, status="closed", closed_by=by, closed_on=on.isoformat(), filed=False,
        totals=Totals(fmt_minor(span.clip(lower_bound=0).sum(), dec),
                      fmt_minor((-span).clip(lower_bound=0).sum(), dec)),
        checklist=tuple(CheckRow(c.check, c.result, c.detail) for c in plan.checklist),
        generated=tuple(e.id for e in plan.entries), entries=rel_entries if records else None,
        seal=seal, previous=previous,
        opening=tuple(_opening_row(book, a, c, k, b, amount) for a, c, k, b, amount in plan.opening)
        if plan.opening else None,
        # the settings the year's tax was computed with, so its worksheet stays the one booked
        tax_settings=tax_settings(book.settings.close) if plan.year_end and book.settings.close.corporate_tax_rate
        else None)
    rec = replace(rec, history=with_event(plan.period, old.history if old is not None else None, Event(
        "closed", by=by, on=on.isoformat(), seal=seal, record=record_digest(rec))))
    ordered = {rel_seal: rows_csv(rows), **files}
    ordered[rel_record] = close_record_text(rec)      # last: the record is the commit point
    return ordered, rec


def _opening_row(book: Book, account: str, currency: str, contact: str | None, base: int, amount: int
                 ) -> OpeningBalance:
    """A base-currency row: its balance. A foreign-currency row: its balance in that currency and,
    labelled `base`, its value in the base currency (docs/close.md, Opening balances)."""
    dec = book.settings.decimals(book.base) or 2
    if currency == book.base:
        return OpeningBalance(account, currency, contact or None, fmt_minor(base, dec))
    return OpeningBalance(account, currency, contact or None, fmt_minor(amount, book.settings.decimals(currency) or 2),
                          fmt_minor(base, dec))


def summary_text(plan: ClosePlan, rec: CloseRecord, book: Book, lang: str | None = None) -> str:
    lang = language(book.settings.language, lang)
    out = [text("close.title", lang, period=plan.period) + (text("close.year_end", lang) if plan.year_end else ""),
           "", f"{text('pack.checklist', lang)}:"]
    # the check's name, numbers with separators and accounts by name (core/reports/checklist.py);
    # the record keeps the plain detail
    rows = checklist_rows(book, [{"check": c.check, "result": c.result, "detail": c.detail} for c in plan.checklist],
                          lang)
    width = max((len(row["result_text"]) for row in rows), default=4)
    for c, row in zip(plan.checklist, rows):
        out.append(f"  [{row['result_text']:>{width}}] {row['name']} ({c.check}): {row['detail']}")
    out += ["", f"{text('pack.generated', lang)} ({len(plan.entries)}):"]
    dec = book.settings.base_decimals
    for e in plan.entries:
        out.append(f"  {e.date} {e.id}  {e.memo}")
        for leg in e.legs:
            amt = fmt_minor(abs(leg.base), dec)
            side = f"{amt:>16}{'':16}" if leg.base > 0 else f"{'':16}{amt:>16}"
            out.append(f"      {leg.account:<10}{side}  {leg.contact or ''} {leg.memo or ''}".rstrip())
    assert rec.totals is not None
    out += ["", f"{text('pack.totals', lang)}: "
            + text("close.debit_credit", lang, debit=rec.totals.debit, credit=rec.totals.credit),
            f"{text('pack.seal', lang)}: {rec.seal}", f"{text('pack.previous_seal', lang)}: {rec.previous or '-'}", ""]
    return "\n".join(out)


def _vat_return_check(book: Book, period: str, entries: list[GeneratedEntry]) -> Check:
    """The KDV-1 return's payable (or carry-forward) against the VAT offset entry about to be written."""
    from core.reports.vat_return import tie_out   # lazy: only books with [statutory] read the return

    payable, carry = book.settings.role("vat_payable"), book.settings.role("vat_carry_forward")
    legs = [leg for e in entries if e.id == "vat" for leg in e.legs]
    paid = -sum(leg.base for leg in legs if leg.account == payable and leg.base < 0)
    carried = sum(leg.base for leg in legs if leg.account == carry and leg.base > 0)
    ok, detail = tie_out(book, period, (paid, carried))
    return Check("vat-return", "pass" if ok else "fail", detail)
