"""The purchase plan in levels through the supply network: restaurant -> transfer from the central
kitchen -> the kitchen's production runs -> the kitchen's purchases, computed by hand for a week in June."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from core.reports.planning import plan_purchases, plan_table
from tests.conftest import ACCOUNTS, BOOKS_TOML

LOCATIONS = """\
- {id: KDK, name: Kadıköy restaurant, kind: restaurant}
- {id: MTF, name: Maltepe central kitchen, kind: kitchen}
"""
SUPPLIERS = """\
- {id: SU-0101, kind: company, name: Kadıköy Balıkçısı, tax_id: "9876543217"}
- {id: SU-0102, kind: company, name: Ege Zeytin ve Manav, tax_id: "1234567890"}
"""
ITEMS = """\
- {id: FSH-LEVREK, name: Levrek, unit: kg, valuation: fifo, category: fish, supplier: SU-0101}
- {id: OIL-SIZMA, name: Sızma zeytinyağı, unit: l, valuation: average, category: oil, supplier: SU-0102}
- {id: PRD-LIMON, name: Limon, unit: kg, valuation: fifo, category: produce, supplier: SU-0102}
- {id: SOS-LIMON, name: Limonlu sos, unit: l, valuation: average, category: sauce}
- {id: DSH-LEVREK, name: Izgara levrek, unit: portion, valuation: average, type: produced}
"""
# a portion: 200 g of fish (180 g at 10% trim loss), 50 ml of lemon sauce, a 10 g lemon wedge;
# a litre of sauce: 800 ml of oil and 500 g of lemons
RECIPES = """\
- item: SOS-LIMON
  quantity: "1"
  unit: l
  ingredients:
    - {item: OIL-SIZMA, quantity: "800", unit: ml}
    - {item: PRD-LIMON, quantity: "500", unit: g}
- item: DSH-LEVREK
  ingredients:
    - {item: FSH-LEVREK, quantity: "180", unit: g, waste: "10"}
    - {item: SOS-LIMON, quantity: "50", unit: ml}
    - {item: PRD-LIMON, quantity: "10", unit: g}
"""
# Kadıköy gets produce, sauces and oil from Maltepe the day after it asks; fish is bought at the door
SUPPLY = """\
- {location: KDK, category: produce, from: MTF, lead_days: "1"}
- {location: KDK, category: sauce, from: MTF, lead_days: "1"}
- {location: KDK, category: oil, from: MTF, lead_days: "1"}
- {supplier: SU-0101, lead_days: "1"}
- {supplier: SU-0102, lead_days: "2"}
"""
# on hand on the evening of Sunday 1 June: fish 4 kg and sauce 1 l at Kadıköy, oil 2 l and lemons
# 0.5 kg at Maltepe; PO-0100 (1.5 kg of lemons, due Tuesday 3 June) was received that Tuesday
MOVES = """\
id,date,kind,item,location,quantity,unit_cost,document
MV-1,2025-05-30,receipt,FSH-LEVREK,KDK,4.000,500.0000,PO-0098
MV-2,2025-05-30,receipt,SOS-LIMON,KDK,1.000,350.0000,
MV-3,2025-05-30,receipt,OIL-SIZMA,MTF,2.000,400.0000,PO-0099
MV-4,2025-05-30,receipt,PRD-LIMON,MTF,0.500,60.0000,PO-0099
"""
JUNE_MOVES = """\
id,date,kind,item,location,quantity,unit_cost,document
MV-5,2025-06-03,receipt,PRD-LIMON,MTF,1.500,64.0000,PO-0100
"""
ORDERS = """\
- id: PO-0098
  kind: purchase
  date: 2025-05-29
  party: SU-0101
  location: KDK
  status: closed
  lines: [{item: FSH-LEVREK, quantity: "4.000", price: "500.00", vat_rate: "1"}]
- id: PO-0099
  kind: purchase
  date: 2025-05-28
  party: SU-0102
  location: MTF
  status: closed
  lines:
    - {item: OIL-SIZMA, quantity: "2.000", price: "400.00", vat_rate: "1"}
    - {item: PRD-LIMON, quantity: "0.500", price: "60.00", vat_rate: "1"}
- id: PO-0100
  kind: purchase
  date: 2025-05-30
  party: SU-0102
  location: MTF
  due: 2025-06-03
  status: closed
  lines: [{item: PRD-LIMON, quantity: "1.500", price: "64.00", vat_rate: "1"}]
"""
TOML = BOOKS_TOML


def _book(books):
    book, problems = books({"books.toml": TOML, "accounts.yaml": ACCOUNTS, "stock/locations.yaml": LOCATIONS,
                            "contacts/erp/suppliers.yaml": SUPPLIERS, "stock/items.yaml": ITEMS,
                            "stock/recipes.yaml": RECIPES, "stock/supply.yaml": SUPPLY,
                            "stock/moves/2025/2025-05.csv": MOVES, "stock/moves/2025/2025-06.csv": JUNE_MOVES,
                            "orders/2025/2025-05.yaml": ORDERS})
    assert [p.code for p in problems if p.severity == "error"] == []
    return book


# the week's forecast at Kadıköy: 40 sea bass on Monday 2 June, 60 on Friday 6 June
FORECAST = pl.DataFrame({"date": [date(2025, 6, 2), date(2025, 6, 6)], "location": ["KDK", "KDK"],
                         "item": ["DSH-LEVREK", "DSH-LEVREK"], "qty": [40000, 60000]})


def test_plan_for_a_week_in_june__restaurant_transfer_production_purchase(books):
    book = _book(books)
    lines = plan_purchases(book, date(2025, 6, 2), 7, forecast_rows=FORECAST)
    got = {(s.kind, s.supplier, s.location, s.item): (s.need, s.on_hand, s.on_order, s.quantity, s.order_by)
           for s in lines}
    monday = date(2025, 6, 2)
    assert got == {
        # level 1, Kadıköy: 100 portions need 20 kg fish (4 on hand: buy 16), 5 l sauce (1 on hand:
        # 4 from Maltepe), 1 kg lemons (none: 1 kg from Maltepe); both short on Monday: late
        ("purchase", "SU-0101", "KDK", "FSH-LEVREK"): (20000, 4000, 0, 16000, monday),
        ("transfer", "MTF", "KDK", "SOS-LIMON"): (5000, 1000, 0, 4000, monday),
        ("transfer", "MTF", "KDK", "PRD-LIMON"): (1000, 0, 0, 1000, monday),
        # level 2, Maltepe: the 4 l of sauce are cooked on Monday
        ("production", "", "MTF", "SOS-LIMON"): (4000, 0, 0, 4000, monday),
        # level 3, Maltepe's purchases: oil 4 x 0.8 = 3.2 l less 2 on hand = 1.2 l; lemons
        # 4 x 0.5 = 2 kg for the sauce + 1 kg for Kadıköy = 3 kg, less 0.5 on hand and PO-0100's 1.5
        ("purchase", "SU-0102", "MTF", "OIL-SIZMA"): (3200, 2000, 0, 1200, monday),
        ("purchase", "SU-0102", "MTF", "PRD-LIMON"): (3000, 500, 1500, 1000, monday),
    }
    table = plan_table(book, lines, date(2025, 6, 2), 7)
    # only purchases are money: 16 kg x 500.00 + 1.2 l x 400.00 + 1 kg x 60.00 (the last receipt
    # before 2 June; PO-0100's 64.00 came on the 3rd) = 8,000.00 + 480.00 + 60.00
    assert table.totals[-2] == Decimal("8540.00")
    assert [r[-2] for r in table.rows if r[0] != "purchase"] == [None, None, None]


def test_the_plan_a_day_later__nets_the_lemons_on_their_way(books):
    book = _book(books)
    friday = FORECAST.filter(pl.col("date") > date(2025, 6, 2))
    lines = plan_purchases(book, date(2025, 6, 3), 7, forecast_rows=friday)
    # Friday's 60 portions: 12 kg fish (4 on hand: 8), 3 l sauce (1 on hand: 2 l from MTF, cooked
    # on Thursday the 5th to ship that day), 0.6 kg lemons from MTF; at MTF the run takes 1.6 l of oil
    # (2 on hand) and 1 kg of lemons, + 0.6 for Kadıköy = 1.6 kg against 0.5 on hand and PO-0100's
    # 1.5 kg still due on the 3rd (its receipt that day is not before the plan's date): nothing to buy
    assert {(s.kind, s.item, s.location, s.quantity, s.order_by) for s in lines} == {
        ("purchase", "FSH-LEVREK", "KDK", 8000, date(2025, 6, 5)),
        ("transfer", "SOS-LIMON", "KDK", 2000, date(2025, 6, 5)),
        ("transfer", "PRD-LIMON", "KDK", 600, date(2025, 6, 5)),
        ("production", "SOS-LIMON", "MTF", 2000, date(2025, 6, 5)),
    }
    # from the 4th, PO-0100 is on hand, not on order
    book_lemons = {s.item: s for s in plan_purchases(book, date(2025, 6, 4), 7, forecast_rows=friday)
                   if s.location == "MTF"}
    assert "PRD-LIMON" not in book_lemons and book_lemons["SOS-LIMON"].quantity == 2000


def test_a_location_supplying_itself__is_e240(books):
    _, problems = books({"stock/supply.yaml": "- {location: KDK, category: produce, from: KDK}\n"})
    assert [p.code for p in problems] == ["E240"]
