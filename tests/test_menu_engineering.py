"""Menu engineering on four dishes sold one Saturday, classified by hand (Kasavana-Smith)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from typer.testing import CliRunner

from cli.main import app
from core.ledger.period import Span
from core.reports.menu import build_menu
from tests.test_recipes import _files

# one ingredient at 100.00 a kilo, so each dish costs 100.00 x its kilos
ITEMS = """\
- {id: ET-KUZU, name: Kuzu eti, unit: kg, valuation: fifo}
- {id: DSH-TANDIR, name: Kuzu tandır, unit: portion, valuation: average, type: produced}
- {id: DSH-INCIK, name: Kuzu incik, unit: portion, valuation: average, type: produced}
- {id: DSH-KOFTE, name: Köfte, unit: portion, valuation: average, type: produced}
- {id: DSH-KAVURMA, name: Kavurma, unit: portion, valuation: average, type: produced}
"""
RECIPES = "".join(f"- item: {d}\n  ingredients:\n    - {{item: ET-KUZU, quantity: \"{g}\", unit: g}}\n"
                  for d, g in (("DSH-TANDIR", 500), ("DSH-INCIK", 1000), ("DSH-KOFTE", 200), ("DSH-KAVURMA", 800)))
MOVES = "id,date,kind,item,location,quantity,unit_cost\nMV-1,2025-03-01,receipt,ET-KUZU,KDK,100.000,100.0000\n"
# sold on Saturday 8 March: 50 tandır at 200.00, 10 incik at 300.00, 30 köfte at 60.00, 10 kavurma at 100.00
SALES = """\
date,location,kind,item,quantity,net,vat_rate,method,amount,memo
2025-03-08,KDK,sale,DSH-TANDIR,50,10000.00,10,,,
2025-03-08,KDK,sale,DSH-INCIK,10,3000.00,10,,,
2025-03-08,KDK,sale,DSH-KOFTE,30,1800.00,10,,,
2025-03-08,KDK,sale,DSH-KAVURMA,10,1000.00,10,,,
2025-03-08,KDK,tender,,,,,card,17380.00,
"""
FILES = {"stock/items.yaml": ITEMS, "stock/recipes.yaml": RECIPES, "stock/units.yaml": "[]\n",
         "stock/moves/2025/2025-03.csv": MOVES, "sales/2025/2025-03.csv": SALES}


def test_menu__stars_plowhorses_puzzles_and_dogs_by_hand(books):
    book, problems = books(_files(**FILES))
    assert problems == []
    table = build_menu(book, Span(date(2025, 3, 1), date(2025, 4, 1)))
    keys = [c.key for c in table.columns]
    got = {r[0]: dict(zip(keys, r)) for r in table.rows}
    # 100 dishes sold: mix 50%, 10%, 30%, 10%; four dishes: popular from 70% x 1/4 = 17.5%
    # margins 200 - 50 = 150, 300 - 100 = 200, 60 - 20 = 40, 100 - 80 = 20;
    # total 50 x 150 + 10 x 200 + 30 x 40 + 10 x 20 = 10,900.00 over 100 dishes: 109.00 average
    assert {d: (r["mix_pct"], r["cost"], r["margin"], r["class"]) for d, r in got.items()} == {
        "DSH-TANDIR": (Decimal("50.00"), Decimal("50.00"), Decimal("150.00"), "star"),
        "DSH-INCIK": (Decimal("10.00"), Decimal("100.00"), Decimal("200.00"), "puzzle"),
        "DSH-KOFTE": (Decimal("30.00"), Decimal("20.00"), Decimal("40.00"), "plowhorse"),
        "DSH-KAVURMA": (Decimal("10.00"), Decimal("80.00"), Decimal("20.00"), "dog"),
    }
    assert table.meta["popularity_threshold_pct"] == "17.50" and table.meta["average_margin"] == "109.00"
    assert table.totals[7] == Decimal("10900.00")
    # beside it, the recipe-cost threshold: kavurma's 80 / 100 = 80% food cost is above 35%
    assert {d: (r["food_cost_pct"], r["cost_flag"]) for d, r in got.items()}["DSH-KAVURMA"] == (
        Decimal("80.00"), "above")
    assert got["DSH-INCIK"]["food_cost_pct"] == Decimal("33.33")


def test_cli__menu_report_in_every_format(books_dir):
    root = books_dir(_files(**FILES))
    for fmt in ("text", "csv", "json", "html", "md"):
        run = CliRunner().invoke(app, ["report", "menu", "--books", str(root), "-p", "2025-03", "--format", fmt])
        assert run.exit_code == 0, (fmt, run.output)
        assert "DSH-TANDIR" in run.stdout
