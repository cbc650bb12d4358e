"""The posting primitive every domain that derives entries shares: which account plays which role
(`Roles`, books.toml [accounts] overridden per item and location), the error a missing role raises
(`MissingRole`), a document's exchange rate and the name a VAT rate has in posting rules.

Domains (documents, Z-reports, production, assets, payroll, close) import it from here; the
orchestrator that derives every document's postings (core.erp.post) sits above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.model.records import Book, Document


class MissingRole(Exception):
    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


@dataclass(frozen=True, slots=True)
class Roles:
    """Which account plays which part: books.toml [accounts], overridden per location and item."""

    book: Book

    def get(self, role: str, item: str | None = None, location: str | None = None) -> str | None:
        if item and item in self.book.items:
            hit = dict(self.book.items[item].accounts).get(role)
            if hit:
                return hit
        if location and location in self.book.locations:
            hit = dict(self.book.locations[location].accounts).get(role)
            if hit:
                return hit
        return self.book.settings.role(role)

    def need(self, role: str, item: str | None = None, location: str | None = None) -> str:
        code = self.get(role, item, location)
        if code is None:
            raise MissingRole(role)
        return code


def document_rate(book: Book, doc: Document, currency: str) -> str | None:
    """A document's own rate, else the rates/ rate on its date; None in the base currency."""
    if currency == book.base:
        return None
    return doc.rate or book.rate_on(currency, doc.date)


def vat_rate_name(rate: Decimal) -> str:
    """A VAT rate as posting rules and memos name it: 18 -> "18", 0.50 -> "0.5" (`vat_output:18`)."""
    text = format(rate.normalize(), "f")
    return text
