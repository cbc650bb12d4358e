"""Prices from prices.yaml: list prices, customer prices, quantity breaks and promotions.

The price of an item for a customer on a day: the customer's own price when one is valid, else
the list price. The discount: the deepest quantity break the line reaches, or the promotion of
the campaign the order names when that is deeper; breaks and promotions do not stack. The
discount is an amount on the line (quantity x price x percent, half-up to the kuruş), which is
how documents keep it (`discount:` on the line), so the price and discount applied stay visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.model.errors import Problem
from core.model.records import Book, PriceRule
from core.model.money import round_half_up


@dataclass(frozen=True, slots=True)
class Quote:
    price: Decimal
    percent: Decimal
    discount: Decimal
    net: Decimal
    because: tuple[str, ...]


def _price(rules: tuple[PriceRule, ...], kind: str, item: str, day: date,
           party: str | None) -> tuple[Decimal, str] | None:
    for r in rules:
        if r.kind == kind and r.valid_on(day) and (kind != "customer" or r.party == party):
            for sku, price in r.prices:
                if sku == item:
                    return price, r.id
    return None


def quote(book: Book, item: str, quantity: Decimal, day: date, party: str | None = None,
          campaign: str | None = None, dec: int = 2) -> Quote | None:
    """The price and discount the price rules give, or None when no list prices the item."""
    rules = book.prices
    found = _price(rules, "customer", item, day, party) or _price(rules, "list", item, day, party)
    if found is None:
        return None
    price, rule = found
    because = [f"price {price} from {rule}"]
    percent = Decimal(0)
    for r in rules:
        if r.kind == "breaks" and r.valid_on(day) and (not r.items or item in r.items):
            for min_qty, pct in r.breaks:
                if quantity >= min_qty and pct > percent:
                    percent, why = pct, f"{pct}% for {min_qty}+ from {r.id}"
            if percent:
                because.append(why)
    for r in rules:
        if r.kind == "promotion" and campaign and r.campaign == campaign and r.valid_on(day) \
                and (not r.items or item in r.items) and r.discount is not None and r.discount > percent:
            percent = r.discount
            because = [because[0], f"{r.discount}% promotion {r.id} (campaign {campaign})"]
    discount = round_half_up(quantity * price * percent / 100, dec)
    return Quote(price, percent, discount, round_half_up(quantity * price, dec) - discount, tuple(because))


def check_prices(book: Book) -> list[Problem]:
    """W002: a sales line whose price or discount is not what the price rules give."""
    out: list[Problem] = []
    if not book.prices:
        return out
    for doc in book.documents:
        if doc.kind not in ("sales", "quotation", "invoice") or doc.status == "cancelled":
            out += []
            continue
        order = book.document(doc.order) if doc.order else None
        campaign = doc.campaign or (order.campaign if order else None)
        priced_on = order.date if order else doc.date
        for line in doc.lines:
            if line.item is None:
                continue
            q = quote(book, line.item, line.quantity, priced_on, doc.party, campaign)
            if q is None or (q.price == line.price and q.discount == line.discount):
                continue
            out.append(Problem("W002", line.source.path, line.source.line,
                               f"{line.item} is not at the price the price rules give", record=doc.id,
                               expected=f"price {q.price}, discount {q.discount} ({'; '.join(q.because)})",
                               found=f"price {line.price}, discount {line.discount}",
                               hint="use the quoted price (kebir price ...), or add a customer price to prices.yaml"))
    return out
