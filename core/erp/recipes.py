"""Recipes (bills of materials): what a dish, sauce or catering menu is made of, and unit conversions.

`stock/recipes.yaml` holds one recipe per produced item; `stock/units.yaml` says how an item's
own unit converts to others (one piece of eggs weighs 60 g). The rules (docs/production.md):

- A recipe makes `quantity` (default 1) `unit` (default the item's unit) of `item`; `waste` on the
  recipe is the percent of that output lost in making it (a stock reducing), so the usable output
  is quantity x (1 - waste/100).
- An ingredient's `quantity` is what goes into the dish, net; its `waste` is the trim loss as a
  percent of what is taken from stock (a fish filleted at 10% loss). Taken from stock, gross:
  quantity / (1 - waste/100), in the ingredient item's own unit.
- Units: kg/g and l/ml convert by 1000; any other pair needs a `stock/units.yaml` line for the item.
- Nesting: an ingredient that has a recipe of its own is exploded through it when its item is not
  kept in stock (`type: produced`, made to order); a `type: stock` item with a recipe (a sauce made
  ahead by a production run) is taken from stock like any bought ingredient.

Requirements are exact fractions (`fractions.Fraction`) per unit of output; they become thousandths
of a unit only when a quantity of sales or a run is multiplied out (half-up, once per issue).
Validation here: unknown items (E032), a recipe reaching itself (E090), a unit that does not
convert (E091), waste of 100% or more or a recipe that yields nothing (E092), a recipe given twice
(E020). Each names the file and line of the recipe or ingredient.
"""

from __future__ import annotations

from decimal import Decimal

from core.model.errors import Problem
from core.model.money import decimal_or
from core.model.production import (  # noqa: F401  (the records live on the ground floor; named here too)
    STANDARD, Conversion, Ingredient, Recipe, Recipes, thousandths,
)
from core.model.source import Source
from core.books.yamlnodes import Map, Seq, scalar

def recipes_from(records: Seq, rel: str) -> tuple[list[Recipe], list[Problem]]:
    """Recipe records (already schema-checked) -> Recipes; a second recipe for one item is E020."""
    out: list[Recipe] = []
    seen: dict[str, Source] = {}
    problems: list[Problem] = []
    for r in records:
        if type(r) is not Map or scalar(r.get("item")) is None:
            continue
        src = Source(rel, r.line)
        item = r["item"]
        if item in seen:
            problems.append(Problem("E020", rel, r.line, f"item {item} has two recipes", record=item,
                                    found=f"first at {seen[item]}", hint="keep one recipe per item; merge the two"))
            continue
        seen[item] = src
        lines = r.get("ingredients")
        ingredients = tuple(
            Ingredient(i["item"], decimal_or(i.get("quantity"), Decimal(0)), scalar(i.get("unit")),
                       decimal_or(i.get("waste"), Decimal(0)), Source(rel, i.line))
            for i in (lines if type(lines) is Seq else ()) if type(i) is Map and scalar(i.get("item")))
        price = r.get("price")
        out.append(Recipe(item, ingredients, decimal_or(r.get("quantity"), Decimal(1)), scalar(r.get("unit")),
                          decimal_or(r.get("waste"), Decimal(0)), scalar(r.get("name")),
                          Decimal(price) if scalar(price) else None, src))
    return out, problems


def units_from(records: Seq, rel: str) -> list[Conversion]:
    return [Conversion(r["item"], r["unit"], decimal_or(r.get("per_unit"), Decimal(0)), Source(rel, r.line))
            for r in records if type(r) is Map and scalar(r.get("item")) and scalar(r.get("unit"))]
