"""`kebir export einvoice`: the files of the invoices asked for, checked whole before any is written.

`export_files` returns file name -> bytes (NUMBER.xml, and NUMBER.html with `html`) and the
problems (E220-E226) of every invoice; the CLI writes the files only when there are none.
"""

from __future__ import annotations

from core.interop.einvoice.model import einvoices
from core.interop.einvoice.ubl import file_name, to_xml
from core.interop.einvoice.visual import to_html
from core.model.errors import Problem
from core.model.records import Book


def export_files(book: Book, period: str | None = None, ids: tuple[str, ...] = (), html: bool = False
                 ) -> tuple[dict[str, bytes], list[Problem]]:
    invoices, problems = einvoices(book, period, ids)
    known = {d.id for d in book.documents}
    for missing in sorted(set(ids) - known):
        problems.append(Problem("E223", "orders", 1, f"{missing} is not a document of the books", record=missing,
                                hint="name an issued invoice (INV-...) or a return to a supplier (SC-...)"))
    files: dict[str, bytes] = {}
    for inv in invoices:
        files[file_name(inv)] = to_xml(inv)
        if html:
            files[file_name(inv)[:-4] + ".html"] = to_html(inv).encode("utf-8")
    return files, problems
