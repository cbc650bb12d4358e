"""An item of stock (stock/items.yaml): what is bought, kept, sold or made. Its own module so the
recipes (core.model.production) can name it without reaching the Book in core.model.records."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.model.source import Source

ContactId = str
Sku = str


@dataclass(frozen=True, slots=True)
class Item:
    id: Sku
    name: str
    unit: str
    valuation: str                 # fifo | average
    category: str | None = None
    vat_rate: str | None = None
    supplier: ContactId | None = None
    type: str = "stock"            # stock | service | produced
    accounts: tuple[tuple[str, str], ...] = ()   # role -> account overrides
    source: Source = field(default=Source("", 0), compare=False)
