"""Menu engineering (Kasavana and Smith): which dishes sell and which earn.

Per dish with a recipe sold on the tills in the period (Z-report sale rows; catering orders are
not the à la carte menu): the quantity sold, its menu mix (share of all dishes sold), the average
net price it sold at (net of VAT and discounts, as the tills booked it), the recipe cost at the end
of the period (core.reports.recipe_cost), the contribution margin per unit (price - cost) and in
total, and the food cost % beside the recipe-cost threshold.

The two averages of the menu classify each dish:

    popularity threshold = 70% x 1 / number of dishes (the 70% rule)
    average margin       = total contribution margin / total quantity sold (weighted)

    star       popular, margin at or above the average
    plowhorse  popular, margin below the average
    puzzle     not popular, margin at or above the average
    dog        neither

A dish without a cost (an ingredient never received) is left unclassified.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from core.ledger.period import Span
from core.model.money import from_minor
from core.model.records import Book
from core.erp.production import production_of
from core.reports import Column, Table
from core.reports.recipe_cost import recipe_costs

COLUMNS = (
    Column("item", "Item"), Column("name", "Name"), Column("sold", "Sold", "qty"), Column("mix_pct", "Mix %", "pct"),
    Column("price", "Net price", "money"), Column("cost", "Cost", "money"), Column("margin", "Margin", "money"),
    Column("total_margin", "Total margin", "money"), Column("food_cost_pct", "Food cost %", "pct"),
    Column("popularity", "Popularity"), Column("profit", "Margin class"), Column("class", "Class"),
    Column("cost_flag", "Food cost flag"),
)
POPULARITY_FACTOR = Fraction(7, 10)


def _money(v: Fraction, dec: int) -> Decimal:
    """Base minor units, half-up, as the currency's amount."""
    return from_minor((2 * v.numerator + v.denominator) // (2 * v.denominator), dec)


def _pct(a: Fraction, b: Fraction) -> Decimal | None:
    if b <= 0:
        return None
    v = a * 10000 / b
    return from_minor((2 * v.numerator + v.denominator) // (2 * v.denominator), 2)


def menu_rows(book: Book, span: Span, location: str | None = None) -> list[tuple[str, int, int]]:
    """(dish, qty thousandths, net minor units) sold on the tills in the span."""
    s = book.sales
    rec = production_of(book).recipes
    if s is None or s.is_empty():
        return []
    rows = s.filter((pl.col("kind") == "sale") & pl.col("item").is_not_null() & pl.col("qty").is_not_null())
    if span.begin:
        rows = rows.filter(pl.col("date") >= span.begin)
    if span.end:
        rows = rows.filter(pl.col("date") < span.end)
    if location:
        rows = rows.filter(pl.col("location") == location)
    got = rows.group_by("item").agg(pl.col("qty").sum(), pl.col("net").sum()).sort("item")
    return [(i, q, n) for i, q, n in got.iter_rows() if i in rec.by_item and rec.made_to_order(i) and q > 0]


def build_menu(book: Book, span: Span = Span(), *, location: str | None = None,
               threshold: Decimal = Decimal(35)) -> Table:
    """The menu-engineering table of the span (see the module docstring)."""
    dec = book.settings.decimals(book.base) or 2
    ledger = book.stock_ledger
    last = ledger.rows["date"].max() if ledger is not None and not ledger.rows.is_empty() else date.today()
    day = span.end - timedelta(days=1) if span.end else last
    costs = recipe_costs(book, day, location)
    sold = menu_rows(book, span, location)
    priced = [(i, q, n, costs.get(i)) for i, q, n in sold]
    known = [(i, q, n, c) for i, q, n, c in priced if c is not None]
    total_q = sum(q for _i, q, _n, _c in priced)
    total_margin = sum((Fraction(n) - c * Fraction(q, 1000) for _i, q, n, c in known), Fraction(0))
    known_q = sum(q for _i, q, _n, _c in known)
    average = total_margin * 1000 / known_q if known_q else Fraction(0)          # minor units per unit
    popular_at = POPULARITY_FACTOR / len(priced) if priced else Fraction(0)   # share of the quantity
    rows: list[tuple[Any, ...]] = []
    counts = {"star": 0, "plowhorse": 0, "puzzle": 0, "dog": 0}
    for it, q, n, c in priced:
        price = Fraction(n * 1000, q)
        mix = Fraction(q, total_q)
        pop = "high" if mix >= popular_at else "low"
        item = book.items.get(it)
        name = production_of(book).recipes.by_item[it].name or (item.name if item else "")
        if c is None:
            rows.append((it, name, from_minor(q, 3), _pct(mix, Fraction(1)), _money(price, dec), None, None, None,
                         None, pop, "", "", "no cost"))
            continue
        margin = price - c
        prof = "high" if margin >= average else "low"
        cls = {("high", "high"): "star", ("high", "low"): "plowhorse", ("low", "high"): "puzzle",
               ("low", "low"): "dog"}[(pop, prof)]
        counts[cls] += 1
        fc = _pct(c, price)
        rows.append((it, name, from_minor(q, 3), _pct(mix, Fraction(1)), _money(price, dec), _money(c, dec),
                     _money(margin, dec), _money(margin * q / 1000, dec), fc, pop, prof, cls,
                     "above" if fc is not None and fc > threshold else ""))
    totals = ("Total", "", from_minor(total_q, 3), Decimal("100.00") if total_q else None, None, None,
              _money(average, dec) if known_q else None, _money(total_margin, dec), None, "", "", "", "")
    return Table("menu", f"Menu engineering, {span.label()}", COLUMNS, tuple(rows), totals,
                 meta={"on": str(day), "location": location, "dishes": len(priced),
                       "popularity_threshold_pct": str(_pct(popular_at, Fraction(1))),
                       "average_margin": str(_money(average, dec)) if known_q else None,
                       "food_cost_threshold_pct": str(threshold), **counts})
