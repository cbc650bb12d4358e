"""Entries as a person reads them: one block per entry with its postings, for `kebir print`.

Selects derived (and manual) entries by the document they came from. An order selects itself and
everything under it: its invoices, credit notes, the payments settling those invoices, and the
stock moves that name it as their document.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.model.i18n import text
from core.ledger.period import Span
from core.reports import Column, Scope, Table


@dataclass(frozen=True, slots=True)
class Line:
    account: str
    name: str
    debit: Decimal
    credit: Decimal
    currency: str
    amount: Decimal
    contact: str | None
    memo: str | None


@dataclass(frozen=True, slots=True)
class Block:
    id: str
    date: object
    memo: str | None
    source: str
    where: str
    lines: tuple[Line, ...]


def related_sources(book: Book, doc_id: str) -> set[str]:
    """The document and what hangs off it (invoices of an order, payments of an invoice, moves)."""
    wanted = {doc_id}
    changed = True
    while changed:
        changed = False
        for d in book.documents:
            if d.id in wanted:
                continue
            refs = {d.order, d.invoice} | {a.doc for a in d.allocations} | {a.doc for a in d.applies}
            if refs & wanted:
                wanted.add(d.id)
                changed = True
    moves = book.moves.filter(pl.col("document").is_in(sorted(wanted))).get_column("id").to_list()
    return wanted | set(moves)


def select_blocks(book: Book, source: str | None = None, span: Span = Span(), derived_only: bool = False
                  ) -> list[Block]:
    """The entries selected, each whole: an entry with a field error (`book.broken_entries`: one
    posting's amount unreadable, say) is left out entirely, as every report leaves it out, never
    shown as the postings that could be read (`left_out` names them and their problems)."""
    parts = []
    if not derived_only:
        manual = book.postings
        if book.broken_entries:
            manual = manual.filter(~pl.col("entry_id").is_in(
                pl.Series(sorted(book.broken_entries), dtype=pl.String).implode()))
        parts.append(manual.with_columns(source=pl.col("entry_id")))
    if book.derived_postings is not None:
        parts.append(book.derived_postings)
    p = pl.concat(parts, how="vertical_relaxed") if parts else book.postings.with_columns(source=pl.lit(None))
    if source is not None:
        wanted = related_sources(book, source)
        p = p.filter(pl.col("source").is_in(sorted(wanted)) | pl.col("entry_id").is_in(sorted(wanted)))
    if span.begin is not None:
        p = p.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        p = p.filter(pl.col("date") < span.end)
    entries = book.ledger_entries().select("id", "memo")
    memo = dict(entries.iter_rows())
    dec = dict(book.settings.currencies)
    bdec = dec.get(book.base, 2)
    blocks: list[Block] = []
    p = p.sort("date", "entry_id", maintain_order=True)
    for (eid,), rows in p.group_by("entry_id", maintain_order=True):
        lines = []
        first = None
        for r in rows.iter_rows(named=True):
            first = first or r
            acc = book.accounts.get(r["account"])
            base = from_minor(r["base"], bdec)
            zero = from_minor(0, bdec)
            lines.append(Line(r["account"], acc.name if acc else "?", base if base > 0 else zero,
                              -base if base < 0 else zero, r["currency"],
                              from_minor(r["amount"], dec.get(r["currency"], bdec)), r["contact"], r["memo"]))
        blocks.append(Block(eid, first["date"], memo.get(eid), first["source"], f"{first['file']}:{first['line']}",
                            tuple(lines)))
    return blocks


def left_out(book: Book, problems: list) -> list:
    """The errors of the entries every report leaves out (`book.broken_entries`), in file order."""
    return sorted((p for p in problems if p.record in book.broken_entries and p.severity == "error"),
                  key=lambda p: p.sort_key())


def blocks_as_text(blocks: list[Block], base: str, lang: str = "en") -> str:
    """The blocks as hledger prints a journal; the words kebir adds (`(from PO-0023)`) in `lang`."""
    out = []
    for b in blocks:
        src = f"  ({text('journal.from', lang, id=b.source)})" if b.source and b.source != b.id else ""
        out.append(f"{b.date} {b.id}  {b.memo or ''}{src}  ; {b.where}")
        for ln in b.lines:
            side = f"{ln.debit:>14,.2f}" + " " * 15 if ln.debit else " " * 15 + f"{ln.credit:>14,.2f}"
            fx = f"  [{ln.amount:,f} {ln.currency}]" if ln.currency != base else ""
            extra = "  ".join(x for x in (ln.contact, ln.memo) if x)
            out.append(f"    {ln.account:<10} {ln.name[:28]:<28} {side}{fx}  {extra}".rstrip())
        out.append("")
    return "\n".join(out)


def blocks_as_records(blocks: list[Block]) -> list[dict]:
    return [{"id": b.id, "date": str(b.date), "memo": b.memo, "source": b.source, "where": b.where,
             "postings": [{"account": ln.account, "debit": f"{ln.debit:f}", "credit": f"{ln.credit:f}",
                           "currency": ln.currency, "amount": f"{ln.amount:f}", "contact": ln.contact,
                           "memo": ln.memo} for ln in b.lines]} for b in blocks]


JOURNAL_COLUMNS = (
    Column("date", "Date"), Column("entry", "Entry"), Column("memo", "Memo"), Column("account", "Account"),
    Column("name", "Name"), Column("debit", "Debit", "money"), Column("credit", "Credit", "money"),
    Column("currency", "Currency"), Column("amount", "Amount", "money"), Column("contact", "Contact"),
    Column("source", "Source"), Column("where", "File:line"),
)


def build_journal(book: Book, span: Span = Span(), *, source: str | None = None, derived_only: bool = False,
                  scope: Scope = Scope()) -> Table:
    """The journal as a table: one row per posting, entries in date order, debits and credits in the
    base currency and the amount in the posting's own currency. With `scope.account`, only the
    entries that touch a matching account (all their postings shown, as a journal does)."""
    blocks = select_blocks(book, source, span, derived_only=derived_only)
    codes = scope.accounts(book)
    if codes is not None:
        wanted = set(codes)
        blocks = [b for b in blocks if any(ln.account in wanted for ln in b.lines)]
    rows = []
    for b in blocks:
        for ln in b.lines:
            rows.append((str(b.date), b.id, b.memo, ln.account, ln.name, ln.debit, ln.credit, ln.currency,
                         ln.amount, ln.contact, b.source, b.where))
    dec = book.settings.base_decimals
    dr = sum((r[5] for r in rows), from_minor(0, dec))
    cr = sum((r[6] for r in rows), from_minor(0, dec))
    totals = ("", f"{len(blocks)} entries", "", "", "", dr, cr, "", None, "", "", "")
    return Table("journal", f"Journal, {span.label()}", JOURNAL_COLUMNS, tuple(rows), totals,
                 {"currency": book.base, "company": book.settings.name, "begin": str(span.begin or ""),
                  "end": str(span.end or ""), "entries": len(blocks), "balanced": dr == cr, **scope.meta()})
