"""`kebir export einvoice`: the files of the invoices asked for, checked whole before any is written.

`export_files` returns file name -> bytes (NUMBER.xml, and NUMBER.html with `html`) and the
problems (E220-E232) of every invoice; the CLI writes the files only when there are none. An
invoice of a closed month that no longer reads as it was sealed (E070) is refused too: its number
was given to the invoice as it was then, and the XML would send other content under it.
"""

from __future__ import annotations

from dataclasses import replace

from core.close.seal import check_seals
from core.interop.einvoice.model import EXPORTED_KINDS, einvoices, exported
from core.interop.einvoice.ubl import file_name, to_xml
from core.interop.einvoice.visual import to_html
from core.model.errors import Problem
from core.model.records import Book


def sealed_edits(book: Book, docs: dict[str, str]) -> list[Problem]:
    """E070 for each of `docs` (id -> month) edited or added in a closed month since its close sealed it."""
    out = []
    for p in check_seals(book):
        if p.code == "E070" and p.record in docs:
            out.append(replace(p, message=p.message + ": the invoice no longer reads as it was issued and sealed, "
                               "so it cannot be exported under its number",
                               hint="put the invoice back as it was (git diff shows the edit; git checkout -- the "
                                    "file undoes it) and record the change as a credit note or a new invoice in an "
                                    f"open month; if the sealed month itself is wrong, reopen it: kebir reopen "
                                    f"{docs[p.record]} --reason \"...\""))
    return out


def export_files(book: Book, period: str | None = None, ids: tuple[str, ...] = (), html: bool = False
                 ) -> tuple[dict[str, bytes], list[Problem]]:
    invoices, problems = einvoices(book, period, ids)
    known = {d.id: d for d in book.documents}
    for wanted in sorted(set(ids)):
        d = known.get(wanted)
        if d is None:
            problems.append(Problem("E223", "orders", 1, f"{wanted} is not a document of the books (orders/)",
                                    record=wanted, expected="the id of an issued invoice", found=wanted,
                                    hint="check the id: kebir query \"SELECT id, date, party FROM orders WHERE kind = "
                                         "'invoice'\" lists the invoices; an e-invoice is made of an invoice "
                                         "(INV-...) or a return to a supplier (SC-...)"))
        elif d.kind not in EXPORTED_KINDS:
            problems.append(Problem("E223", d.source.path, d.source.line, f"{wanted} is a {d.kind}, which the "
                                    "company does not issue as an e-invoice", record=wanted,
                                    expected="an invoice or a return to a supplier", found=d.kind,
                                    hint="a supplier's invoice is its e-invoice, sent by the supplier; a credit "
                                         "note records a customer's return, which the customer invoices to you"))
        elif d.status in ("draft", "cancelled"):
            problems.append(Problem("E223", d.source.path, d.source.line, f"{wanted} is {d.status}: only an "
                                    "issued invoice goes out as an e-invoice", record=wanted,
                                    expected="status issued", found=d.status,
                                    hint="issue it first (a draft), or export the invoice that replaced it "
                                         "(a cancelled one)"))
    problems += sealed_edits(book, {d.id: f"{d.date:%Y-%m}" for d in exported(book, period, ids)})
    files: dict[str, bytes] = {}
    for inv in invoices:
        files[file_name(inv)] = to_xml(inv)
        if html:
            files[file_name(inv)[:-4] + ".html"] = to_html(inv).encode("utf-8")
    return files, problems
