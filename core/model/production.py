"""Recipes and production as records: a recipe (bill of materials) and its ingredients, unit
conversions, the book's `Recipes` with the exact requirements per unit of output, production runs,
supply parameters, and `Production`, what `Book.production` holds. The rules are told in
core.erp.recipes and docs/production.md; the readers of stock/recipes.yaml, stock/units.yaml,
stock/supply.yaml and production runs are core.erp.recipes and core.erp.production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Mapping

from core.model.errors import Problem
from core.model.items import Item
from core.model.source import Source


# Units of one dimension that convert by a fixed factor: unit -> (dimension, size in the base unit).
STANDARD: dict[str, tuple[str, Fraction]] = {
    "kg": ("mass", Fraction(1)), "g": ("mass", Fraction(1, 1000)),
    "l": ("volume", Fraction(1)), "ml": ("volume", Fraction(1, 1000)),
}


@dataclass(frozen=True, slots=True)
class Ingredient:
    item: str
    quantity: Decimal
    unit: str | None = None          # None: the item's own unit
    waste: Decimal = Decimal(0)      # trim loss, percent of what is taken from stock
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Recipe:
    item: str                        # what it makes
    ingredients: tuple[Ingredient, ...]
    quantity: Decimal = Decimal(1)   # how much one batch makes
    unit: str | None = None          # None: the item's own unit
    waste: Decimal = Decimal(0)      # output lost in making it, percent
    name: str | None = None
    price: Decimal | None = None     # selling price per unit of the item (net of VAT)
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Conversion:
    """One of the item's own unit is `per_unit` of `unit` (eggs: 1 piece = 60 g)."""

    item: str
    unit: str
    per_unit: Decimal
    source: Source = field(default=Source("", 0), compare=False)


class Recipes:
    """The recipes and conversions of a book, with exact requirements per unit of output."""

    def __init__(self, recipes: tuple[Recipe, ...], conversions: tuple[Conversion, ...],
                 items: Mapping[str, Item]) -> None:
        self.by_item = {r.item: r for r in recipes}
        self.conversions: dict[str, list[Conversion]] = {}
        for c in conversions:
            self.conversions.setdefault(c.item, []).append(c)
        self.items = items
        self._need: dict[tuple[str, bool], dict[str, Fraction] | None] = {}

    def __bool__(self) -> bool:
        return bool(self.by_item)

    def __contains__(self, item: object) -> bool:
        return item in self.by_item

    # ------------------------------------------------------------------ units

    def factor(self, item: str, unit: str | None) -> Fraction | None:
        """How many of the item's own unit one `unit` is; None when they do not convert."""
        own = self.items[item].unit if item in self.items else None
        if unit is None or unit == own:
            return Fraction(1)
        if own is None:
            return None
        a, b = STANDARD.get(unit), STANDARD.get(own)
        if a and b and a[0] == b[0]:
            return a[1] / b[1]
        for c in self.conversions.get(item, ()):
            if c.per_unit <= 0:
                continue
            to = Fraction(1) if unit == c.unit else None
            if to is None:
                x, y = STANDARD.get(unit), STANDARD.get(c.unit)
                if x and y and x[0] == y[0]:
                    to = x[1] / y[1]
            if to is not None:             # unit -> c.unit, then c.unit -> own (1 own = per_unit c.unit)
                return to / Fraction(c.per_unit)
        return None

    # ------------------------------------------------------------------ requirements

    def made_to_order(self, item: str) -> bool:
        """An item exploded through its recipe when used (not kept in stock)."""
        return item in self.by_item and (item not in self.items or self.items[item].type != "stock")

    def output(self, recipe: Recipe) -> Fraction:
        """Usable output of one batch, in the item's own unit."""
        f = self.factor(recipe.item, recipe.unit) or Fraction(0)
        return Fraction(recipe.quantity) * f * (1 - Fraction(recipe.waste) / 100)

    def direct(self, item: str) -> dict[str, Fraction]:
        """Per unit of `item`: each ingredient's gross quantity in its own unit (one level)."""
        recipe = self.by_item[item]
        out_qty = self.output(recipe)
        need: dict[str, Fraction] = {}
        if out_qty <= 0:
            return need
        for ing in recipe.ingredients:
            f = self.factor(ing.item, ing.unit)
            if f is None or ing.waste >= 100:
                continue
            gross = Fraction(ing.quantity) * f / (1 - Fraction(ing.waste) / 100)
            need[ing.item] = need.get(ing.item, Fraction(0)) + gross / out_qty
        return need

    def explode(self, item: str, through_stocked: bool = False) -> dict[str, Fraction]:
        """Per unit of `item`: what is taken from stock, in each item's own unit. Nested recipes
        of made-to-order items are exploded (all of them with `through_stocked`, for costing)."""
        key = (item, through_stocked)
        if key in self._need:
            return self._need[key] or {}
        self._need[key] = None             # a cycle (reported by check) explodes to nothing
        need: dict[str, Fraction] = {}
        for ing, q in self.direct(item).items():
            deeper = ing in self.by_item and (through_stocked or self.made_to_order(ing))
            if deeper and self._need.get((ing, through_stocked), {}) is not None:
                for raw, r in self.explode(ing, through_stocked).items():
                    need[raw] = need.get(raw, Fraction(0)) + q * r
            else:
                need[ing] = need.get(ing, Fraction(0)) + q
        self._need[key] = need
        return need

    def taken(self, item: str) -> dict[str, Fraction] | None:
        """What selling one unit of `item` takes from stock: its ingredients when it is made to order,
        the item itself when it is a stocked item (a bottle of beer, a sauce sold by the jar), else
        None (a sales category, a service)."""
        if self.made_to_order(item):
            return self.explode(item)
        known = self.items.get(item)
        return {item: Fraction(1)} if known is not None and known.type == "stock" else None

    def consumed(self, item: str) -> dict[str, Fraction] | None:
        """What selling or issuing one unit of `item` takes from stock, or None when the item is
        not made to order through a recipe (it is then issued from stock itself)."""
        return self.explode(item) if self.made_to_order(item) else None

    # ------------------------------------------------------------------ checks

    def check(self) -> list[Problem]:
        problems: list[Problem] = []
        for r in self.by_item.values():
            src = r.source
            if r.item not in self.items:
                problems.append(Problem("E032", src.path, src.line, f"recipe for item {r.item}, which is not in "
                                        "stock/items.yaml", record=r.item,
                                        hint=f"add {r.item} to stock/items.yaml (type: produced for a dish)"))
            elif self.factor(r.item, r.unit) is None:
                problems.append(_no_conversion(r.item, r.unit, self.items[r.item].unit, r.item, src))
            if r.quantity <= 0 or r.waste >= 100:
                problems.append(Problem("E092", src.path, src.line, f"recipe for {r.item} yields nothing",
                                        record=r.item, expected="quantity above 0 and waste below 100",
                                        found=f"quantity {r.quantity}, waste {r.waste}%",
                                        hint="give the batch size it makes and the percent lost, below 100"))
            for ing in r.ingredients:
                s = ing.source
                if ing.item not in self.items:
                    problems.append(Problem("E032", s.path, s.line, f"ingredient {ing.item} of {r.item} is not in "
                                            "stock/items.yaml", record=r.item,
                                            hint=f"add {ing.item} to stock/items.yaml or correct the id"))
                elif self.factor(ing.item, ing.unit) is None:
                    problems.append(_no_conversion(ing.item, ing.unit, self.items[ing.item].unit, r.item, s))
                if ing.waste >= 100 or ing.quantity <= 0:
                    problems.append(Problem("E092", s.path, s.line, f"ingredient {ing.item} of {r.item} uses "
                                            "nothing from stock", record=r.item,
                                            expected="quantity above 0 and waste below 100",
                                            found=f"quantity {ing.quantity}, waste {ing.waste}%",
                                            hint="waste is the trim loss in percent of what is taken, below 100"))
        problems += self._cycles()
        return problems

    def _cycles(self) -> list[Problem]:
        """Each recipe that reaches itself through its ingredients, once per cycle (at its first recipe)."""
        state: dict[str, int] = {}
        problems: list[Problem] = []
        for start in sorted(self.by_item):
            if state.get(start):
                continue
            path: list[str] = []

            def visit(item: str) -> None:
                state[item] = 1
                path.append(item)
                for ing in self.by_item[item].ingredients:
                    if ing.item not in self.by_item:
                        continue
                    if state.get(ing.item) == 1:
                        loop = path[path.index(ing.item):] + [ing.item]
                        first = self.by_item[loop[0]]
                        problems.append(Problem(
                            "E090", ing.source.path, ing.source.line,
                            f"recipe {item} uses {ing.item}, which is made from {item}: a cycle",
                            record=item, found=" -> ".join(loop),
                            hint=f"one of these recipes must use a bought item instead (recipe of {first.item} "
                                 f"at {first.source})"))
                    elif not state.get(ing.item):
                        visit(ing.item)
                path.pop()
                state[item] = 2

            visit(start)
        return problems


def _no_conversion(item: str, unit: str | None, own: str, recipe: str, src: Source) -> Problem:
    return Problem("E091", src.path, src.line, f"{unit} of {item} does not convert to its unit {own}",
                   record=recipe, expected=f"{own}, or a unit stock/units.yaml converts for {item}", found=str(unit),
                   hint=f"add `- {{item: {item}, unit: {unit}, per_unit: \"...\"}}` to stock/units.yaml "
                        f"(how many {unit} one {own} is)")


def thousandths(q: Fraction) -> int:
    """A quantity in thousandths of a unit, half-up."""
    n = q * 1000
    return (2 * n.numerator + n.denominator) // (2 * n.denominator)


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    date: date
    location: str
    item: str
    quantity: Decimal
    time: str | None = None
    memo: str | None = None
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Supply:
    """Purchasing parameters (stock/supply.yaml): for a supplier, an item, or an item at a location."""

    supplier: str | None = None
    item: str | None = None
    location: str | None = None
    lead_days: int | None = None
    min_order: Decimal | None = None
    multiple: Decimal | None = None
    reorder_point: Decimal | None = None
    delivery_days: tuple[int, ...] | None = None   # weekdays it delivers on (0 = Monday); None: every day
    source: Source = field(default=Source("", 0), compare=False)
    # the supply network: `location` gets the item (or the `category`'s items) by transfer `from`
    # another location, or `by: purchase` (an exception to a category's transfer)
    from_location: str | None = None
    category: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Production:
    recipes: Recipes
    runs: tuple[Run, ...] = ()
    supply: tuple[Supply, ...] = ()
    backflush: bool = True
