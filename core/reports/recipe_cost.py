"""Menu costing: what each recipe costs today from its ingredients' latest valuation.

The unit cost of a stocked item on a day is the value on hand over the quantity on hand at the
end of that day (every location, or the one asked for); with nothing on hand, the unit cost of the
last receipt. An ingredient with no cost but a recipe of its own is costed through its recipe.
A recipe's cost per unit is the exact sum of its ingredients' gross quantities (trim loss
included) times those unit costs, rounded half-up to the kuruş once.

The selling price: the recipe's `price`, else the list price valid on the day (prices.yaml), else
the average net price it sold at in the period (Z-reports and sales orders, net of discounts). A
recipe's own `price` is net of VAT; a list price that includes VAT (the rule's `vat_included`, else
books.toml `[prices] include_vat`) is taken net of the item's VAT rate, exactly, so food cost % is
always cost / net price; a dish is flagged when it is above the threshold, and `rose` when it was
not at the end of the period before.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span
from core.erp.production import production_of
from core.reports import Column, Table
from core.erp.pricing import _rule_price, includes_vat, net_of_vat

COLUMNS = (
    Column("item", "Item"), Column("name", "Name"), Column("unit", "Unit"),
    Column("cost", "Cost", "money"), Column("price", "Price", "money"), Column("margin", "Margin", "money"),
    Column("food_cost_pct", "Food cost %", "pct"), Column("previous_cost", "Previous cost", "money"),
    Column("change", "Change", "money"), Column("change_pct", "Change %", "pct"), Column("flag", "Flag"),
)


def unit_costs(book: Book, day: date, location: str | None = None) -> dict[str, Fraction]:
    """Per item: the base minor units one unit costs at the end of `day` (see the module docstring)."""
    ledger = book.stock_ledger
    if ledger is None or ledger.rows.is_empty():
        return {}
    rows = ledger.rows.filter(pl.col("date") <= day)
    if location is not None:
        rows = rows.filter(pl.col("location") == location)
    held = (rows.group_by("item", "location", maintain_order=True)
            .agg(pl.col("qty_after").last(), pl.col("value_after").last())
            .filter(pl.col("qty_after") > 0)
            .group_by("item").agg(pl.col("qty_after").sum(), pl.col("value_after").sum()))
    out = {item: Fraction(v * 1000, q) for item, q, v in held.iter_rows()}
    last = (rows.filter(pl.col("kind").is_in(["receipt", "transfer-in", "adjustment-in"]) & (pl.col("qty") > 0))
            .group_by("item", maintain_order=True).agg(pl.col("qty").last(), pl.col("value").last()))
    for item, q, v in last.iter_rows():
        out.setdefault(item, Fraction(v * 1000, q))
    return out


def recipe_costs(book: Book, day: date, location: str | None = None) -> dict[str, Fraction | None]:
    """Per recipe item: its cost per unit in base minor units on `day` (None: an ingredient has no cost)."""
    rec = production_of(book).recipes
    costs: dict[str, Fraction | None] = dict(unit_costs(book, day, location))
    done: dict[str, Fraction | None] = {}

    def cost(item: str, seen: frozenset[str]) -> Fraction | None:
        if item in done:
            return done[item]
        total = Fraction(0)
        for ing, q in rec.direct(item).items():
            c = costs.get(ing)
            if (c is None or rec.made_to_order(ing)) and ing in rec and ing not in seen:
                c = cost(ing, seen | {ing})
            if c is None:
                done[item] = None
                return None
            total += q * c
        done[item] = total
        return total

    return {item: cost(item, frozenset({item})) for item in sorted(rec.by_item)}


def _price(book: Book, item: str, day: date, span: Span, location: str | None) -> Fraction | None:
    """Selling price per unit in base minor units (see the module docstring)."""

    rec = production_of(book).recipes.by_item[item]
    dec = book.settings.base_decimals
    if rec.price is not None:
        return Fraction(rec.price) * 10**dec          # a recipe's own price is net of VAT
    hit = _rule_price(book.prices, "list", item, day, None)
    if hit is not None:
        return net_of_vat(book, item, hit[0], includes_vat(book, hit[1])) * 10**dec
    qty, net = Fraction(0), Fraction(0)
    for d in book.documents:          # sales orders in the period, net of their discounts
        if d.kind == "sales" and d.status != "cancelled" and d.date <= day \
                and (not span.begin or d.date >= span.begin) \
                and (not location or d.location == location):
            for ln in d.lines:
                if ln.item == item and ln.quantity > 0:
                    qty += Fraction(ln.quantity)
                    net += Fraction(ln.quantity * ln.price - ln.discount)
    s = book.sales
    if s is None or s.is_empty():
        return net * 10**dec / qty if qty else None
    sold = s.filter((pl.col("kind") == "sale") & (pl.col("item") == item) & (pl.col("qty") > 0))
    if span.begin:
        sold = sold.filter(pl.col("date") >= span.begin)
    sold = sold.filter(pl.col("date") <= day)
    if location:
        sold = sold.filter(pl.col("location") == location)
    q, z_net = sold.select(pl.col("qty").sum(), pl.col("net").sum()).row(0)
    total_q = qty + Fraction(q or 0, 1000)
    return (net * 10**dec + (z_net or 0)) / total_q if total_q else None


def _money(v: Fraction | None, dec: int) -> Decimal | None:
    if v is None:
        return None
    n = (2 * v.numerator + v.denominator) // (2 * v.denominator)
    return from_minor(n, dec)


def _percent(a: Fraction | None, b: Fraction | None) -> Decimal | None:
    """`a` as a percentage of `b`, to 0.01 (None when there is no positive `b`)."""
    if a is None or not b:
        return None
    return _money(a * 10000 / b, 2) if b > 0 else None


def build_recipe_cost(book: Book, span: Span = Span(), *, location: str | None = None,
                      threshold: Decimal = Decimal(35), item: str | None = None) -> Table:
    """Per recipe: cost at the end of the span, selling price, margin, food cost %, change on the
    end of the period before the span (when the span has a beginning)."""
    rec = production_of(book).recipes
    dec = book.settings.base_decimals
    ledger = book.stock_ledger
    last_day = ledger.rows["date"].max() if ledger is not None and not ledger.rows.is_empty() else date.today()
    day = span.end - timedelta(days=1) if span.end else last_day
    before = span.begin - timedelta(days=1) if span.begin else None
    now = recipe_costs(book, day, location)
    then = recipe_costs(book, before, location) if before else {}
    rows: list[tuple[Any, ...]] = []
    flagged = 0
    for it in sorted(rec.by_item):
        if item and not it.startswith(item):
            continue
        r = rec.by_item[it]
        known = book.items.get(it)
        cost, prev = now.get(it), then.get(it)
        price = _price(book, it, day, span, location)
        prev_price = _price(book, it, before, Span(None, span.begin), location) if before else None
        pct, prev_pct = _percent(cost, price), _percent(prev, prev_price)
        flag = ""
        if cost is None:
            flag = "no cost"
        elif pct is not None and pct > threshold:
            flag = "rose" if prev_pct is not None and prev_pct <= threshold else "above"
            flagged += 1
        change = cost - prev if cost is not None and prev is not None else None
        rows.append((it, r.name or (known.name if known else ""), known.unit if known else "",
                     _money(cost, dec), _money(price, dec),
                     _money(price - cost, dec) if price is not None and cost is not None else None,
                     pct, _money(prev, dec), _money(change, dec), _percent(change, prev), flag))
    return Table("recipe-cost", f"Recipe cost on {day}", COLUMNS, tuple(rows),
                 meta={"on": str(day), "previous": str(before) if before else None, "threshold": str(threshold),
                       "location": location, "flagged": flagged})
