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
from core.model.i18n import language, text
from core.reports.checklist import checklist_rows
from core.books import store
from core.close.checklist import Check, run_checklist
from core.close.entries import (GeneratedEntry, balances, count_clearing, fx_revaluation, periodic_entries, vat_offset,
                                with_generated, year_end_chain)
from core.books.closes import (CheckRow, CloseRecord, Event, OpeningBalance, Totals, close_paths,
                                close_record_text, record_digest, with_event)
from core.close.seal import digests_csv, record_digests, seal_of
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
               statements: list[dict] | None = None, allow_empty: bool = False) -> ClosePlan:
    begin, end = month_bounds(period)
    plan = ClosePlan(period, begin, end, year_end=is_year_end(book, period))
    plan.checklist = run_checklist(book, period, closed, allow_gap, statements or [])
    # An empty month where the month before had records: refused unless --allow-empty (W010).
    if empty := check_empty_period(book, period):
        if allow_empty:
            plan.checklist.append(Check("period-not-empty", "skip", f"{empty[0].message} (--allow-empty)"))
        else:
            plan.problems += empty
    try:
        entries = periodic_entries(book, period)
        entries += count_clearing(book, period)
        entries += fx_revaluation(book, period)
        entries += vat_offset(book, period)
        if plan.year_end:
            entries += year_end_chain(book, period, entries)
    except MissingRole as exc:
        plan.problems.append(Problem("E047", "books.toml", 1, f"no account for the posting rule `{exc.role}`",
                                     record=period, hint=f"add `{exc.role} = \"...\"` under [accounts] in books.toml"))
        entries = []
    y, m = period[:4], period[5:7]
    for n, e in enumerate(entries, 1):
        plan.entries.append(GeneratedEntry(f"JE-{y}-{m}-C{n:03d}", e.date, e.memo, e.legs, e.tags))
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
    digests = record_digests(after, plan.period)
    earlier = [p for p in sorted(closes) if p < plan.period]
    previous = closes[earlier[-1]].seal if earlier else None
    seal = seal_of(digests, previous)
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
        opening=tuple(OpeningBalance(a, c, k or None, fmt_minor(b, dec)) for a, c, k, b, _ in plan.opening)
        if plan.opening else None)
    rec = replace(rec, history=with_event(plan.period, old.history if old is not None else None, Event(
        "closed", by=by, on=on.isoformat(), seal=seal, record=record_digest(rec))))
    ordered = {rel_seal: digests_csv(digests), **files}
    ordered[rel_record] = close_record_text(rec)      # last: the record is the commit point
    return ordered, rec


def summary_text(plan: ClosePlan, rec: CloseRecord, book: Book, lang: str | None = None) -> str:
    lang = language(book.settings.language, lang)
    out = [text("close.title", lang, period=plan.period) + (text("close.year_end", lang) if plan.year_end else ""),
           "", f"{text('pack.checklist', lang)}:"]
    # the check's name, numbers with separators and accounts by name (core/reports/checklist.py);
    # the record keeps the plain detail
    rows = checklist_rows(book, [{"check": c.check, "result": c.result, "detail": c.detail} for c in plan.checklist],
                          lang)
    for c, row in zip(plan.checklist, rows):
        out.append(f"  [{c.result:>4}] {row['name']} ({c.check}): {row['detail']}")
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
