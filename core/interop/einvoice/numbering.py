"""`kebir einvoice number -p YYYY-MM`: give a month's issued invoices their GİB number and ETTN.

An invoice's number and ETTN are part of the invoice once it is issued, so they are written into
its record (`number:` and `ettn:` in orders/YYYY/YYYY-MM.yaml) and never change after. Numbers run
per series (books.toml [statutory] efatura_series for e-Fatura customers, earsiv_series for the
rest) and per year, without gaps, in the order of the invoices' dates (then ids), continuing from
the highest number the series already has that year. A number must rise with the invoice date
(core.erp.gib_numbers): when the series already holds a later-dated invoice (a month numbered late,
an invoice added after a reopen), nothing is numbered and E229 says which and what to do. An
invoice the export would refuse (a party without a valid tax number, a line without a unit, a rate
not in the VAT table) is refused here first, so no number is given to an invoice that cannot go
out. The ETTN is a name-based UUID over the
company's VKN and the invoice id (core.interop.einvoice.model.ettn_for), so numbering the same books
twice writes the same bytes. A month that is closed is never written: numbering a sealed month is
refused (E228), as every change to a sealed record is.

`plan_numbers` computes the change and writes nothing; the CLI writes it through the books' checked
writer (core.books.store.apply_files), or shows it with --dry-run. Only the `number:` and `ettn:`
lines are added: the rest of the month file keeps its bytes (record order, comments, a byte-order
mark, CRLF line ends), since a file the accountant keeps in another form is theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.books import closes as close_records
from core.books import safeio
from core.erp import gib_numbers
from core.erp.gib_numbers import numbered
from core.interop.einvoice.model import company_problems, einvoice, ettn_for, exported, is_e_invoice_user
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
    problems += company_problems(book)
    if problems:
        return [], {}, problems
    st = book.settings.statutory
    by_doc = {d.id: d for d in book.documents}
    todo = [d for d in exported(book, period) if not (d.number and d.ettn)]
    for d in todo:                          # what the export would refuse is refused before it has a number
        problems += [p for p in einvoice(book, d, by_doc, numbering=True)[1] if p not in problems]
    rows = numbered(book)
    highest: dict[tuple[str, int], int] = {}
    for r in rows:
        highest[(r.series, r.year)] = max(highest.get((r.series, r.year), 0), r.seq)
    plan: list[Numbered] = []
    given: list[gib_numbers.Numbered] = []
    for d in todo:
        number = d.number
        if not number:
            series = st.efatura_series if is_e_invoice_user(book.contacts.get(d.party)) else st.earsiv_series
            key = (series, d.date.year)
            highest[key] = highest.get(key, 0) + 1
            number = f"{series}{d.date.year}{highest[key]:09d}"
            given.append(gib_numbers.Numbered(d.id, number, series, d.date.year, highest[key], d.date,
                                              d.source.path, d.source.line))
        plan.append(Numbered(d.id, number, d.ettn or ettn_for(st.tax_id, d.id), d.source.path))
    problems += gib_numbers.order_faults(rows + given, {g.doc for g in given})
    if problems:
        return [], {}, problems
    files: dict[str, str] = {}
    for rel in sorted({n.path for n in plan}):
        text = safeio.read_bytes(root, rel).decode("utf-8")
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        eol = "\r\n" if "\r\n" in text else "\n"
        lines = text[len(bom):].split("\n")
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
            cr = "\r" if eol == "\r\n" else ""
            new = [f"{indent}number: {n.number}{cr}"] if not doc.number else []
            new += [f"{indent}ettn: {n.ettn}{cr}"] if not doc.ettn else []
            where = _after(lines, at, indent)
            lines[where:where] = new
        files[rel] = bom + "\n".join(lines)
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
