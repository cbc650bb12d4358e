"""Prices from prices.yaml: list prices, customer prices, quantity breaks and promotions.

The price of an item for a customer on a day: the customer's own price when one is valid, else
the list price. The discount: the deepest quantity break the line reaches, or the promotion of
the campaign the order names when that is deeper; breaks and promotions do not stack. The
discount is an amount on the line (quantity x price x percent, half-up to the kuruş), which is
how documents keep it (`discount:` on the line), so the price and discount applied stay visible.

A list or customer price may include VAT, as a Turkish menu prints it (`vat_included: yes` on the
rule, default books.toml `[prices] include_vat`). Documents and food cost always use the net price:
the printed price / (1 + the item's VAT rate), exact for costing, half-up to the kuruş on a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

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
    found = _rule_price(rules, kind, item, day, party)
    return (found[0], found[1].id) if found else None


def _rule_price(rules: tuple[PriceRule, ...], kind: str, item: str, day: date,
                party: str | None) -> tuple[Decimal, PriceRule] | None:
    for r in rules:
        if r.kind == kind and r.valid_on(day) and (kind != "customer" or r.party == party):
            for sku, price in r.prices:
                if sku == item:
                    return price, r
    return None


def includes_vat(book: Book, rule: PriceRule | None) -> bool:
    """Whether a price of this rule (None: a price typed elsewhere, a recipe's) includes VAT."""
    if rule is not None and rule.vat_included is not None:
        return rule.vat_included
    return book.settings.prices_include_vat


def net_of_vat(book: Book, item: str, price: Decimal, included: bool) -> Fraction:
    """The price without VAT, exact: a VAT-inclusive price over 1 + the item's VAT rate."""
    if not included:
        return Fraction(price)
    known = book.items.get(item)
    rate = Fraction(Decimal(known.vat_rate)) if known is not None and known.vat_rate else Fraction(0)
    return Fraction(price) / (1 + rate / 100)


def list_net_price(book: Book, item: str, day: date, party: str | None = None) -> Fraction | None:
    """The net price per unit the price rules give (customer price, else list), VAT taken out."""
    found = _rule_price(book.prices, "customer", item, day, party) or _rule_price(book.prices, "list", item, day,
                                                                                  party)
    if found is None:
        return None
    return net_of_vat(book, item, found[0], includes_vat(book, found[1]))


def quote(book: Book, item: str, quantity: Decimal, day: date, party: str | None = None,
          campaign: str | None = None, dec: int = 2) -> Quote | None:
    """The price and discount the price rules give, or None when no list prices the item."""
    rules = book.prices
    found = _rule_price(rules, "customer", item, day, party) or _rule_price(rules, "list", item, day, party)
    if found is None:
        return None
    price, pr = found
    rule = pr.id
    because = [f"price {price} from {rule}"]
    if includes_vat(book, pr):
        net = net_of_vat(book, item, price, True)
        price = round_half_up(Decimal(net.numerator) / Decimal(net.denominator), dec)
        because = [f"price {price} from {found[0]} with VAT in {rule}"]
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
