"""`kebir einvoice number -p YYYY-MM`: give a month's issued invoices their GİB number and ETTN.

An invoice's number and ETTN are part of the invoice once it is issued, so they are written into
its record (`number:` and `ettn:` in orders/YYYY/YYYY-MM.yaml) and never change after. Numbers run
per series (books.toml [statutory] efatura_series for e-Fatura customers, earsiv_series for the
rest) and per year, without gaps, in the order of the invoices' dates (then ids), continuing from
the highest number the series already has that year. The ETTN is a name-based UUID over the
company's VKN and the invoice id (core.interop.einvoice.model.ettn_for), so numbering the same books
twice writes the same bytes. A month that is closed is never written: numbering a sealed month is
refused (E228), as every change to a sealed record is.

`plan_numbers` computes the change and writes nothing; the CLI writes it through the books' checked
writer (core.books.store.apply_files), or shows it with --dry-run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.books import closes as close_records
from core.books import safeio
from core.interop.einvoice.model import NUMBER, ettn_for, exported, is_e_invoice_user
from core.model.errors import Problem
from core.model.records import Book


@dataclass(frozen=True, slots=True)
class Numbered:
    doc: str
    number: str
    ettn: str
    path: str


def plan_numbers(root: Path, book: Book, period: str) -> tuple[list[Numbered], dict[str, str], list[Problem]]:
    """The numbers and ETTNs to give the month's unnumbered invoices, the files that change
    (relative path -> new text) and the problems that stop it."""
    problems: list[Problem] = []
    records, found = close_records.read_closes(root)
    problems += [p for p in found if p.severity == "error"]
    if period in close_records.closed_periods(records):
        rel = close_records.close_paths(period)[0]
        problems.append(Problem("E228", rel, 1, f"{period} is closed: its invoices cannot be numbered now",
                                record=period, expected="an open month", found="closed",
                                hint=f"an invoice is numbered when it is issued; to number {period} anyway, reopen "
                                     f"it first: kebir reopen {period} --reason \"...\" (a filed month cannot be)"))
    st = book.settings.statutory
    if not st.tax_id:
        problems.append(Problem("E225", "books.toml", 1, "the company's VKN is not in books.toml [statutory]: the "
                                "ETTN is made from it", expected='tax_id = "<10 digits>"',
                                hint='add [statutory] with tax_id = "..." (docs/statutory.md)'))
    if problems:
        return [], {}, problems
    highest: dict[tuple[str, int], int] = {}
    for d in book.documents:
        m = NUMBER.fullmatch(d.number or "") if d.kind in ("invoice", "supplier-credit-note") else None
        if m:
            key = (d.number[:3], int(m.group(1)))
            highest[key] = max(highest.get(key, 0), int(m.group(2)))
    plan: list[Numbered] = []
    for d in exported(book, period):
        if d.number and d.ettn:
            continue
        number = d.number
        if not number:
            series = st.efatura_series if is_e_invoice_user(book.contacts.get(d.party)) else st.earsiv_series
            key = (series, d.date.year)
            highest[key] = highest.get(key, 0) + 1
            number = f"{series}{d.date.year}{highest[key]:09d}"
        plan.append(Numbered(d.id, number, d.ettn or ettn_for(st.tax_id, d.id), d.source.path))
    files: dict[str, str] = {}
    by_doc = {d.id: d for d in book.documents}
    for rel in sorted({n.path for n in plan}):
        text = files.get(rel) or safeio.read_bytes(root, rel).decode("utf-8")
        lines = text.split("\n")
        for n in sorted((n for n in plan if n.path == rel), key=lambda n: -by_doc[n.doc].source.line):
            doc = by_doc[n.doc]
            at = doc.source.line - 1
            head = lines[at] if 0 <= at < len(lines) else ""
            m = re.match(r"(\s*)- id:", head)
            if m is None:
                problems.append(Problem("E228", rel, doc.source.line, f"{n.doc} is not written in block style "
                                        "(`- id: ...` on its own line): kebir cannot add its number", record=n.doc,
                                        hint="run `kebir fmt` first, which writes documents in block style"))
                continue
            indent = m.group(1) + "  "
            new = [f"{indent}number: {n.number}"] if not doc.number else []
            new += [f"{indent}ettn: {n.ettn}"] if not doc.ettn else []
            where = _after(lines, at, indent)
            lines[where:where] = new
        files[rel] = "\n".join(lines)
    return plan, files, problems


# The fields that come before `number` and `ettn` in the orders schema: the new lines go after the
# last of them the record has, so the record stays in the order `kebir fmt` writes.
_BEFORE = ("id", "kind", "date", "party", "order", "invoice", "number")


def _after(lines: list[str], at: int, indent: str) -> int:
    """The index to insert at: after the record's last top-level key among `_BEFORE`."""
    where = at + 1
    key = re.compile(re.escape(indent) + r"([A-Za-z_]+):")
    for i in range(at + 1, len(lines)):
        line = lines[i]
        if line.strip() and not line.startswith(indent):
            break                                   # the next record (or the end of this one)
        m = key.match(line)
        if m and m.group(1) in _BEFORE:
            where = i + 1
    return where
