"""Recipes, production runs, menu costing and usage, as worked examples costed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl
from typer.testing import CliRunner

from cli.main import app
from core.ledger.period import Span
from core.erp.production import production_of
from core.reports.recipe_cost import build_recipe_cost
from core.reports.usage import build_usage
from tests.conftest import ACCOUNTS, BOOKS_TOML

TOML = BOOKS_TOML + """\
sales = "600.01"
card_receivable = "108.01"

[accounts.vat_output]
10 = "391.02"
"""
ACCOUNTS_PLUS = ACCOUNTS + """\
- {code: "108", name: Kredi kartı alacakları, type: asset}
- {code: "108.01", name: Kart Kadıköy}
- {code: "151", name: Yarı mamuller, type: asset}
- {code: "391", name: Hesaplanan KDV, type: liability}
- {code: "391.02", name: KDV %10}
"""
ITEMS = """\
- {id: FSH-LEVREK, name: Levrek, unit: kg, valuation: fifo}
- {id: OIL-SIZMA, name: Sızma zeytinyağı, unit: l, valuation: average}
- {id: PRD-LIMON, name: Limon, unit: kg, valuation: fifo}
- {id: SOS-LIMON, name: Limonlu sos, unit: l, valuation: average, type: produced}
- {id: DSH-LEVREK, name: Izgara levrek, unit: portion, valuation: average, type: produced}
"""
# 180 g of fillet at a 10% trim loss is 200 g of fish; 50 ml of a sauce made of 800 ml oil and
# 4 lemons (8 to the kilo) a litre.
RECIPES = """\
- item: SOS-LIMON
  quantity: "1"
  unit: l
  ingredients:
    - {item: OIL-SIZMA, quantity: "800", unit: ml}
    - {item: PRD-LIMON, quantity: "4", unit: piece}
- item: DSH-LEVREK
  price: "650.00"
  ingredients:
    - {item: FSH-LEVREK, quantity: "180", unit: g, waste: "10"}
    - {item: SOS-LIMON, quantity: "50", unit: ml}
"""
UNITS = """\
- {item: PRD-LIMON, unit: piece, per_unit: "8"}
"""
MOVES = """\
id,date,kind,item,location,quantity,unit_cost
MV-1,2025-03-01,receipt,FSH-LEVREK,KDK,10.000,500.0000
MV-2,2025-03-01,receipt,OIL-SIZMA,KDK,5.000,400.0000
MV-3,2025-03-01,receipt,PRD-LIMON,KDK,2.000,60.0000
"""
SALES = """\
date,location,kind,item,quantity,net,vat_rate,method,amount,memo
2025-03-02,KDK,sale,DSH-LEVREK,10,6500.00,10,,,
2025-03-02,KDK,tender,,,,,card,7150.00,
"""


def _files(**over: str | None) -> dict[str, str | None]:
    files = {"books.toml": TOML, "accounts.yaml": ACCOUNTS_PLUS, "stock/items.yaml": ITEMS,
             "stock/recipes.yaml": RECIPES, "stock/units.yaml": UNITS, "stock/moves/2025/2025-03.csv": MOVES,
             "sales/2025/2025-03.csv": SALES}
    files.update(over)
    return files


def _issued(book, document: str) -> dict[str, tuple[int, int]]:
    rows = book.stock_ledger.rows.filter((pl.col("document") == document) & (pl.col("kind") == "issue"))
    return {i: (-q, -v) for i, q, v in rows.select("item", "qty", "value").iter_rows()}


def test_recipe__dish_with_nested_sauce_and_trim_loss_costed_by_hand(books):
    book, problems = books(_files(**{"sales/2025/2025-03.csv": None}))
    assert problems == []
    rec = production_of(book).recipes
    assert rec.explode("DSH-LEVREK") == {"FSH-LEVREK": Fraction(2, 10), "OIL-SIZMA": Fraction(4, 100),
                                         "PRD-LIMON": Fraction(25, 1000)}
    table = build_recipe_cost(book, Span(date(2025, 3, 1), date(2025, 3, 2)))
    row = dict(zip([c.key for c in table.columns], table.rows[0]))
    # fish 0.2 kg x 500.00 = 100.00, oil 0.04 l x 400.00 = 16.00, lemons 0.025 kg x 60.00 = 1.50
    assert (row["item"], row["cost"], row["price"], row["margin"]) == (
        "DSH-LEVREK", Decimal("117.50"), Decimal("650.00"), Decimal("532.50"))
    assert row["food_cost_pct"] == Decimal("18.08")


def test_recipe__unit_conversion_pieces_of_lemon_to_kilograms(books):
    book, _ = books(_files())
    rec = production_of(book).recipes
    assert rec.factor("PRD-LIMON", "piece") == Fraction(1, 8)     # 8 lemons to the kilo
    assert rec.factor("OIL-SIZMA", "ml") == Fraction(1, 1000)
    assert rec.factor("FSH-LEVREK", "piece") is None


def test_recipe__a_days_sales_consume_ingredients_to_cogs(books):
    book, problems = books(_files())
    assert problems == []
    # 10 portions: 2 kg fish (1000.00), 0.4 l oil (160.00), 0.25 kg lemons (15.00)
    assert _issued(book, "Z-KDK-2025-03-02") == {"FSH-LEVREK": (2000, 100000), "OIL-SIZMA": (400, 16000),
                                                 "PRD-LIMON": (250, 1500)}
    cogs = book.ledger().filter((pl.col("account") == "621") & (pl.col("date") == date(2025, 3, 2)))
    assert cogs["base"].sum() == 117500


def test_recipe__backflush_off_leaves_stock_alone(books):
    book, problems = books(_files(**{"books.toml": TOML + "\n[production]\nbackflush = false\n"}))
    assert problems == []
    assert _issued(book, "Z-KDK-2025-03-02") == {}


def test_recipe__cycle_is_rejected_with_file_and_line(books):
    cyclic = RECIPES + """\
- item: SOS-X
  ingredients:
    - {item: SOS-LIMON, quantity: "1"}
"""
    cyclic = cyclic.replace('- {item: PRD-LIMON, quantity: "4", unit: piece}',
                            '- {item: PRD-LIMON, quantity: "4", unit: piece}\n    - {item: SOS-X, quantity: "0.1"}')
    items = ITEMS + "- {id: SOS-X, name: X, unit: l, valuation: average, type: produced}\n"
    _book, problems = books(_files(**{"stock/recipes.yaml": cyclic, "stock/items.yaml": items}))
    hits = [p for p in problems if p.code == "E090"]
    assert len(hits) == 1
    assert (hits[0].path, hits[0].line, hits[0].record) == ("stock/recipes.yaml", 15, "SOS-X")
    assert "cycle" in hits[0].message and hits[0].found == "SOS-LIMON -> SOS-X -> SOS-LIMON"


def test_recipe__unknown_item_and_missing_conversion(books):
    bad = RECIPES.replace("PRD-LIMON, quantity", "PRD-LIMONN, quantity")
    _book, problems = books(_files(**{"stock/recipes.yaml": bad, "stock/units.yaml": "[]\n"}))
    assert [(p.code, p.line) for p in problems] == [("E032", 6)]
    _book, problems = books(_files(**{"stock/units.yaml": "[]\n"}))
    assert [(p.code, p.path, p.line, p.record) for p in problems] == [("E091", "stock/recipes.yaml", 6, "SOS-LIMON")]


def test_production_run__moves_value_from_raw_to_finished_stock(books):
    items = ITEMS.replace("valuation: average, type: produced}\n- {id: DSH", "valuation: average, type: stock}\n"
                                                                              "- {id: DSH")
    toml = TOML.replace('goods_received = "329"', 'goods_received = "329"\nproduction = "151"')
    run = """\
- {id: PR-1, date: 2025-03-01, time: "10:00", location: KDK, item: SOS-LIMON, quantity: "2"}
"""
    book, problems = books(_files(**{"stock/items.yaml": items, "books.toml": toml,
                                     "stock/production/2025/2025-03.yaml": run}))
    assert problems == []
    # 2 l of sauce: 1.6 l oil (640.00) and 1 kg lemons (60.00) -> 700.00 into the sauce
    assert _issued(book, "PR-1") == {"OIL-SIZMA": (1600, 64000), "PRD-LIMON": (1000, 6000)}
    made = book.stock_ledger.rows.filter(pl.col("move_id") == "PR-1")
    assert made.select("kind", "qty", "value").row(0) == ("receipt", 2000, 70000)
    wip = book.ledger().filter(pl.col("account") == "151")
    assert wip["base"].sum() == 0 and wip.height == 3
    # the sauce is now taken from stock: 10 portions take 0.5 l of it at 350.00 a litre
    assert _issued(book, "Z-KDK-2025-03-02") == {"FSH-LEVREK": (2000, 100000), "SOS-LIMON": (500, 17500)}


def test_usage__variance_from_a_count(books):
    counted = MOVES + "MV-4,2025-03-02,count,FSH-LEVREK,KDK,7.500,\n"
    book, problems = books(_files(**{"stock/moves/2025/2025-03.csv": counted}))
    assert problems == []
    table = build_usage(book, Span(date(2025, 3, 1), date(2025, 4, 1)), item="FSH")
    row = dict(zip([c.key for c in table.columns], table.rows[0]))
    # sold 10 portions: 2 kg in theory; 10 - 2 = 8 kg should be left, 7.5 counted: 0.5 kg more used
    assert (row["theoretical_qty"], row["actual_qty"], row["variance_qty"]) == (
        Decimal("2.000"), Decimal("2.500"), Decimal("0.500"))
    assert (row["theoretical_value"], row["actual_value"], row["variance_value"]) == (
        Decimal("1000.00"), Decimal("1250.00"), Decimal("250.00"))


def test_cli__recipe_cost_and_usage_run(books_dir):
    root = books_dir(_files())
    run = CliRunner().invoke(app, ["report", "recipe-cost", "--books", str(root), "-p", "2025-03", "--format",
                                   "csv"])
    assert run.exit_code == 0, run.output
    assert "DSH-LEVREK" in run.stdout and "117.50" in run.stdout
    run = CliRunner().invoke(app, ["report", "usage", "--books", str(root), "-p", "2025-03", "--format", "csv"])
    assert run.exit_code == 0, run.output
    assert "FSH-LEVREK" in run.stdout


def test_recipe__negative_stock_from_a_days_sales_is_e050_at_the_z_report_row(books):
    # 60 portions take 12 kg of fish (200 g each, trim included); only 10 kg were received
    sales = SALES.replace("DSH-LEVREK,10,6500.00", "DSH-LEVREK,60,39000.00").replace("card,7150.00", "card,42900.00")
    _book, problems = books(_files(**{"sales/2025/2025-03.csv": sales}))
    neg = [p for p in problems if p.code == "E050"]
    assert [(p.path, p.line, p.record, p.message, p.found) for p in neg] == [
        ("sales/2025/2025-03.csv", 2, "Z-KDK-2025-03-02/FSH-LEVREK", "FSH-LEVREK at KDK goes below zero on 2025-03-02",
         "-2.000 kg after this move (-12.000)")]
    assert "through their recipes" in neg[0].hint


def test_recipe__a_stocked_item_sold_on_the_z_report_is_issued_itself(books):
    sales = SALES.replace("2025-03-02,KDK,tender", "2025-03-02,KDK,sale,OIL-SIZMA,2,800.00,10,,,\n2025-03-02,KDK,tender"
                          ).replace("card,7150.00", "card,8030.00")
    book, problems = books(_files(**{"sales/2025/2025-03.csv": sales}))
    assert problems == []
    # the dishes' 0.4 l and the 2 l sold as they are: one issue of 2.4 l at 400.00
    assert _issued(book, "Z-KDK-2025-03-02")["OIL-SIZMA"] == (2400, 96000)
