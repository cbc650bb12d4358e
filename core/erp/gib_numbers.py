"""GİB invoice numbers across the whole books: each used once, and rising with the invoice date
within a series and year (docs/statutory.md "Numbers").

A GİB number is three characters (the series), the four-digit year and nine digits of sequence,
given consecutively (müteselsil) each year (GİB's e-Fatura and e-Arşiv guides; VUK Art. 231 for the
invoice's date): an invoice numbered 5 may not be dated before the one numbered 4 of the same series
and year, and integrators refuse one that is. `kebir validate` runs `check_gib_numbers` over every issued document;
`kebir einvoice number` and `kebir export einvoice` use `order_faults` and `duplicates` on what they
are about to give out, so a number in the wrong place is refused before it leaves the books.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.books.tax_numbers import tax_id_fault
from core.model.errors import Problem
from core.model.records import Book

# GİB's invoice number: three characters (the series), the four-digit year, nine digits of sequence.
NUMBER = re.compile(r"[A-Z0-9]{3}(20[0-9]{2})([0-9]{9})")

# The documents kebir issues under a GİB number: our sales invoices and our returns to suppliers
# (the supplier's own invoice carries the supplier's number, which is the supplier's series).
ISSUED_KINDS = ("invoice", "supplier-credit-note")


@dataclass(frozen=True, slots=True)
class Numbered:
    """One issued number: who holds it, its series, year, sequence and the invoice's date."""
    doc: str
    number: str
    series: str
    year: int
    seq: int
    day: date
    path: str
    line: int


def numbered(book: Book) -> list[Numbered]:
    """Every issued document of the books that holds a well-formed GİB number (cancelled ones too:
    a number once given stays used)."""
    out = []
    for d in book.documents:
        m = NUMBER.fullmatch(d.number or "") if d.kind in ISSUED_KINDS else None
        if m:
            out.append(Numbered(d.id, d.number, d.number[:3], int(m.group(1)), int(m.group(2)), d.date,
                                d.source.path, d.source.line))
    return out


def order_faults(rows: list[Numbered], only: set[str] | None = None) -> list[Problem]:
    """E229 for each number that is higher than a number of the same series and year given to a
    later-dated invoice (`only`: report just these documents)."""
    problems = []
    by_series: dict[tuple[str, int], list[Numbered]] = {}
    first: dict[str, Numbered] = {}                 # a number held twice is E224's; its first holder counts
    for r in sorted(rows, key=lambda r: (r.day, r.doc)):
        if first.setdefault(r.number, r) is r:
            by_series.setdefault((r.series, r.year), []).append(r)
    for (series, year), group in sorted(by_series.items()):
        latest: Numbered | None = None            # the latest-dated invoice among the lower numbers
        for r in sorted(group, key=lambda r: (r.seq, r.doc)):
            if latest is not None and r.day < latest.day and (only is None or r.doc in only):
                problems.append(Problem(
                    "E229", r.path, r.line,
                    f"{r.doc} dated {r.day} has the number {r.number}, after {latest.number} of {latest.doc} "
                    f"dated {latest.day}: GİB numbers of the {series} series must rise with the invoice date",
                    record=r.doc, expected=f"a date on or after {latest.day}, or a number below {latest.number}",
                    found=f"{r.number} on {r.day}",
                    hint=f"an invoice is numbered on the day it is issued. If {r.doc} is issued now, date it "
                         f"on or after {latest.day} (VUK Art. 231: within 7 days of the delivery). If the later "
                         f"numbers were never sent to GİB, remove their `number:` and `ettn:` lines and number "
                         f"the months in date order: kebir einvoice number -p {r.day:%Y-%m} first"))
            if latest is None or r.day >= latest.day:
                latest = r
    return problems


def duplicates(rows: list[Numbered], only: set[str] | None = None) -> list[Problem]:
    """E224 for each document holding a number an earlier-listed document already holds."""
    problems = []
    first: dict[str, Numbered] = {}
    for r in sorted(rows, key=lambda r: (r.day, r.doc)):
        held = first.setdefault(r.number, r)
        if held is not r and (only is None or r.doc in only):
            problems.append(Problem(
                "E224", r.path, r.line, f"{r.doc} has the GİB number {r.number}, already given to {held.doc} "
                f"({held.path}:{held.line}): a number is given once", record=r.doc, found=r.number,
                expected="a number no other invoice has",
                hint=f"keep the number on the invoice that was sent to GİB under it; on {r.doc}, if it was not "
                     f"sent, remove its `number:` and `ettn:` lines and run `kebir einvoice number -p "
                     f"{r.day:%Y-%m}`"))
    return problems


def company_vkn(book: Book) -> list[Problem]:
    """E231 when books.toml [statutory] tax_id fails its check digit: the seller of every e-invoice,
    the seed of every ETTN, the filer of the returns."""
    st = book.settings.statutory
    why = tax_id_fault(st.tax_id, "TR") if st.tax_id else None
    if not why:
        return []
    return [Problem("E231", "books.toml", 1, f"the company's own tax number in [statutory] tax_id: {why}",
                    expected="the company's VKN (10 digits) with its check digit", found=st.tax_id,
                    hint="copy tax_id from the company's tax plate (vergi levhası) or an invoice GİB accepted; every "
                         "e-invoice names its seller by it, and GİB refuses a wrong one")]


def check_gib_numbers(book: Book) -> list[Problem]:
    """`kebir validate`: the company's VKN (E231), GİB numbers used once across the books and in date
    order (E224, E229)."""
    rows = numbered(book)
    return company_vkn(book) + duplicates(rows) + order_faults(rows)
