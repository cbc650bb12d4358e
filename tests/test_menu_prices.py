"""Menu prices printed with VAT: food cost % on the net price, whichever way the list says it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.erp.pricing import quote
from core.ledger.period import Span
from core.reports.recipe_cost import build_recipe_cost
from tests.test_recipes import ITEMS, RECIPES, TOML, _files

# The grilled sea bass of tests/test_recipes.py costs 117.50 (fish 100.00, oil 16.00, lemons 1.50).
# The printed menu says 715.00 with 10% KDV: 715.00 / 1.10 = 650.00 net.
DISH_VAT = ITEMS.replace("type: produced}\n", "type: produced, vat_rate: \"10\"}\n")
NO_PRICE = RECIPES.replace('  price: "650.00"\n', "")


def menu(flag: str) -> str:
    return f"""\
- id: MENU-2025
  kind: list
  valid_from: 2025-01-01{flag}
  prices:
    - {{item: DSH-LEVREK, price: "715.00"}}
"""


@pytest.mark.parametrize("flag, toml, price, pct", [
    ("\n  vat_included: yes", TOML, "650.00", "18.08"),                     # 117.50 / 650.00
    ("", TOML + "\n[prices]\ninclude_vat = true\n", "650.00", "18.08"),    # the books' default
    ("\n  vat_included: no", TOML + "\n[prices]\ninclude_vat = true\n", "715.00", "16.43"),  # 117.50 / 715.00
    ("", TOML, "715.00", "16.43"),                                        # a net list, as before
])
def test_food_cost__is_on_the_price_net_of_vat(books, flag, toml, price, pct):
    book, problems = books(_files(**{"books.toml": toml, "stock/items.yaml": DISH_VAT, "stock/recipes.yaml": NO_PRICE,
                                     "prices.yaml": menu(flag), "sales/2025/2025-03.csv": None}))
    assert problems == []
    table = build_recipe_cost(book, Span(date(2025, 3, 1), date(2025, 3, 2)))
    row = dict(zip([c.key for c in table.columns], table.rows[0]))
    assert (row["cost"], row["price"], row["food_cost_pct"]) == (Decimal("117.50"), Decimal(price), Decimal(pct))
    # a document line is priced net too: VAT goes on top of it
    assert quote(book, "DSH-LEVREK", Decimal(2), date(2025, 3, 2)).net == Decimal(price) * 2


def test_prices_setting__must_be_true_or_false(books):
    _, problems = books(_files(**{"books.toml": TOML + '\n[prices]\ninclude_vat = "evet"\n'}))
    assert [p.code for p in problems] == ["E007"]
