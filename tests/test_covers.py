"""Covers and dayparts from the Z-reports: spend per cover and revenue per seat-hour, by location."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from typer.testing import CliRunner

from cli.main import app
from core.ledger.period import Span
from core.reports.covers import build_covers, minutes_open
from tests.test_menu_engineering import ITEMS, RECIPES
from tests.test_recipes import _files

# Kadıköy seats 40: lunch 12:00-15:00 (3 h), dinner 18:00-23:30 (5.5 h); Beşiktaş gives no seats
LOCATIONS = """\
- id: KDK
  name: Kadıköy
  kind: restaurant
  seats: "40"
  hours: {lunch: "12:00-15:00", dinner: "18:00-23:30"}
- {id: BSK, name: Beşiktaş, kind: restaurant}
"""
MOVES = """\
id,date,kind,item,location,quantity,unit_cost
MV-1,2025-03-01,receipt,ET-KUZU,KDK,100.000,100.0000
MV-2,2025-03-01,receipt,ET-KUZU,BSK,10.000,100.0000
"""
# tandır at 200.00, köfte at 60.00; each day's card tender is net + 10% VAT
SALES = """\
date,location,kind,item,quantity,net,vat_rate,method,amount,daypart,covers,memo
2025-03-08,KDK,sale,DSH-TANDIR,20,4000.00,10,,,lunch,,
2025-03-08,KDK,sale,DSH-TANDIR,45,9000.00,10,,,dinner,,
2025-03-08,KDK,covers,,,,,,,lunch,20,
2025-03-08,KDK,covers,,,,,,,dinner,30,
2025-03-08,KDK,tender,,,,,card,14300.00,,,
2025-03-09,KDK,sale,DSH-TANDIR,10,2000.00,10,,,lunch,,
2025-03-09,KDK,sale,DSH-TANDIR,30,6000.00,10,,,dinner,,
2025-03-09,KDK,sale,DSH-KOFTE,5,300.00,10,,,,,
2025-03-09,KDK,covers,,,,,,,lunch,10,
2025-03-09,KDK,covers,,,,,,,dinner,20,
2025-03-09,KDK,tender,,,,,card,9130.00,,,
2025-03-08,BSK,sale,DSH-TANDIR,15,3000.00,10,,,dinner,,
2025-03-08,BSK,covers,,,,,,,dinner,12,
2025-03-08,BSK,tender,,,,,card,3300.00,,,
"""
MARCH = Span(date(2025, 3, 1), date(2025, 4, 1))


def _book(books, sales: str = SALES):
    return books(_files(**{"stock/items.yaml": ITEMS, "stock/recipes.yaml": RECIPES, "stock/units.yaml": "[]\n",
                           "stock/locations.yaml": LOCATIONS, "stock/moves/2025/2025-03.csv": MOVES,
                           "sales/2025/2025-03.csv": sales}))


def test_daypart__per_cover_and_per_seat_hour_by_hand(books):
    book, problems = _book(books)
    assert problems == []
    t = build_covers(book, MARCH)
    # BSK dinner: 3,000.00 / 12 covers = 250.00; no seats given, no seat-hours
    # KDK lunch: 4,000 + 2,000 = 6,000.00 over 20 + 10 = 30 covers = 200.00; 40 seats x 3 h x 2 days = 240
    #   seat-hours: 25.00 each
    # KDK dinner: 9,000 + 6,000 = 15,000.00 over 30 + 20 = 50 covers = 300.00; 40 x 5.5 h x 2 = 440 seat-hours:
    #   15,000 / 440 = 34.0909 -> 34.09
    # KDK (none): the köfte rung without a daypart, 300.00, no covers
    assert t.rows == (
        ("BSK", "dinner", 1, Decimal("3000.00"), 12, Decimal("250.00"), None, None),
        ("KDK", "lunch", 2, Decimal("6000.00"), 30, Decimal("200.00"), Decimal(240), Decimal("25.00")),
        ("KDK", "dinner", 2, Decimal("15000.00"), 50, Decimal("300.00"), Decimal(440), Decimal("34.09")),
        ("KDK", "(none)", 1, Decimal("300.00"), 0, None, None, None),
    )
    # per cover: the 24,000.00 of the lines with covers / 92 = 260.869.. -> 260.87 (the 300.00 without covers
    # is left out); per seat-hour: 21,000.00 / 680 = 30.882.. -> 30.88
    assert t.totals == ("Total", "", None, Decimal("24300.00"), 92, Decimal("260.87"), Decimal(680),
                        Decimal("30.88"))


def test_daypart__one_location_and_the_command(books):
    book, _ = _book(books)
    assert [r[1] for r in build_covers(book, MARCH, location="BSK").rows] == ["dinner"]
    out = CliRunner().invoke(app, ["report", "sales", "--books", str(book.root), "-p", "2025-03", "--by", "daypart",
                                   "--location", "KDK", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["rows"]
    assert [(r["daypart"], r["per_cover"]) for r in rows] == [("lunch", "200.00"), ("dinner", "300.00"),
                                                             ("(none)", None)]


def test_opening_hours_past_midnight():
    assert (minutes_open("23:00-02:00"), minutes_open("12:00-15:00"), minutes_open("18:00-23:30")) == (180, 180, 330)


def test_covers_row_without_its_count__is_e010_at_its_line(books):
    _, problems = _book(books, SALES.replace(",BSK,covers,,,,,,,dinner,12,", ",BSK,covers,,,,,,,dinner,,"))
    assert [(p.code, p.path, p.line, p.message) for p in problems] == [
        ("E010", "sales/2025/2025-03.csv", 14, "a covers row needs `daypart` and `covers`")]
