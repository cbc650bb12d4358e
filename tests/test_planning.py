"""Material requirements: a purchase suggestion that nets stock on hand, open orders and lead time."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from cli.main import app
from core.reports.planning import plan_purchases
from tests.test_recipes import _files

# Four Sundays of 10 portions each before 2025-03-30: the forecast for Sunday 2025-03-30 is 10
# portions, 2 kg of fish. 10 kg were received, 4 x 2 = 8 kg sold: 2 kg on hand. An open order
# (PO-1, due 2025-04-01) brings 1 kg more. Reorder point 1.5 kg, minimum order 3 kg, multiples of 0.5.
SUNDAYS = ("2025-03-02", "2025-03-09", "2025-03-16", "2025-03-23")
SALES = "date,location,kind,item,quantity,net,vat_rate,method,amount,memo\n" + "".join(
    f"{d},KDK,sale,DSH-LEVREK,10,6500.00,10,,,\n{d},KDK,tender,,,,,card,7150.00,\n" for d in SUNDAYS)
MOVES = """\
id,date,kind,item,location,quantity,unit_cost
MV-1,2025-03-01,receipt,FSH-LEVREK,KDK,10.000,500.0000
MV-2,2025-03-01,receipt,OIL-SIZMA,KDK,5.000,400.0000
MV-3,2025-03-01,receipt,PRD-LIMON,KDK,2.000,60.0000
"""
CONTACTS = """\
- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti., tax_id: "1234567890"}
"""
SUPPLIERS = """\
- {id: SU-0001, kind: company, name: Kadıköy Balıkçısı, tax_id: "9876543217"}
"""
ORDERS = """\
- id: PO-1
  kind: purchase
  date: 2025-03-28
  party: SU-0001
  location: KDK
  due: 2025-04-01
  lines:
    - {item: FSH-LEVREK, quantity: "1.000", price: "500.00", vat_rate: "1"}
"""
SUPPLY = """\
- {supplier: SU-0001, lead_days: "2"}
- {item: FSH-LEVREK, supplier: SU-0001, min_order: "3", multiple: "0.5", reorder_point: "1.5"}
"""


def _planning_files(**over):
    files = _files(**{"sales/2025/2025-03.csv": SALES, "stock/moves/2025/2025-03.csv": MOVES,
                      "contacts/erp/customers.yaml": CONTACTS, "contacts/erp/suppliers.yaml": SUPPLIERS,
                      "orders/2025/2025-03.yaml": ORDERS, "stock/supply.yaml": SUPPLY})
    files.update(over)
    return files


def test_plan__suggestion_nets_stock_open_orders_and_lead_time(books):
    book, problems = books(_planning_files())
    assert problems == []
    lines = plan_purchases(book, date(2025, 3, 29), 7)
    fish = next(s for s in lines if s.item == "FSH-LEVREK")
    # need 2 kg (Sunday), on hand 2 kg, on order 1 kg: 1.5 + 2 - 2 - 1 = 0.5 kg, raised to the minimum 3 kg
    assert (fish.supplier, fish.location, fish.need, fish.on_hand, fish.on_order, fish.quantity) == (
        "SU-0001", "KDK", 2000, 2000, 1000, 3000)
    # Sunday's need takes stock to 0 < 1.5 before the order arrives: order 2 days ahead, already late
    assert (fish.order_by, fish.late) == (date(2025, 3, 29), True)


def test_plan__write_drafts_a_purchase_order(books_dir):
    root = books_dir(_planning_files())
    run = CliRunner().invoke(app, ["plan", "purchases", "--books", str(root), "--from", "2025-03-29", "--write"])
    assert run.exit_code == 0, run.output
    text = (root / "orders/2025/2025-03.yaml").read_text(encoding="utf-8")
    assert "id: PO-0002" in text and "status: draft" in text
    assert 'item: FSH-LEVREK, quantity: "3.000"' in text


def test_plan__forecast_file_replaces_the_history(books, tmp_path):
    book, _ = books(_planning_files())
    from core.reports.planning import read_forecast

    path = tmp_path / "forecast.csv"
    path.write_text("date,location,item,quantity\n2025-03-31,KDK,DSH-LEVREK,40\n", encoding="utf-8")
    lines = plan_purchases(book, date(2025, 3, 29), 7, forecast_rows=read_forecast(path))
    fish = next(s for s in lines if s.item == "FSH-LEVREK")
    # 40 portions Monday: 8 kg; 1.5 + 8 - 2 - 1 = 6.5 kg
    assert (fish.need, fish.quantity) == (8000, 6500)


CATERING = ORDERS + """\
- id: SO-1
  kind: sales
  date: 2025-03-01
  party: CU-0001
  location: KDK
  due: 2025-03-23
  status: closed
  lines:
    - {item: DSH-LEVREK, quantity: "50", price: "650.00", vat_rate: "10"}
- id: SO-2
  kind: sales
  date: 2025-03-20
  party: CU-0001
  location: KDK
  due: 2025-04-02
  status: open
  lines:
    - {item: DSH-LEVREK, quantity: "20", price: "650.00", vat_rate: "10"}
- id: SO-3
  kind: sales
  date: 2025-03-21
  party: CU-0001
  location: KDK
  due: 2025-04-03
  status: draft
  lines:
    - {item: DSH-LEVREK, quantity: "100", price: "650.00", vat_rate: "10"}
"""


def test_plan__open_sales_orders_are_known_demand_on_their_delivery_day(books):
    book, problems = books(_planning_files(**{"orders/2025/2025-03.yaml": CATERING}))
    assert problems == []
    lines = plan_purchases(book, date(2025, 3, 29), 7)
    fish = next(s for s in lines if s.item == "FSH-LEVREK")
    # Sunday's 10 portions from the tills' history (SO-1's 50 portions on a past Sunday are not in the
    # weekday average) and SO-2's 20 portions on Wednesday; the draft SO-3 is not demand yet:
    # need 2 + 4 = 6 kg; 1.5 + 6 - on hand - on order 1
    assert (fish.need, fish.quantity) == (6000, 1500 + 6000 - fish.on_hand - 1000)


def test_plan__supplier_delivery_days_set_the_order_by_and_arrival_dates(books_dir, tmp_path):
    supply = SUPPLY.replace('- {supplier: SU-0001, lead_days: "2"}',
                            '- {supplier: SU-0001, lead_days: "2", delivery_days: [mon, thu]}')
    root = books_dir(_planning_files(**{"stock/supply.yaml": supply}))
    path = tmp_path / "forecast.csv"
    path.write_text("date,location,item,quantity\n2025-04-04,KDK,DSH-LEVREK,40\n", encoding="utf-8")
    from core.reports.planning import read_forecast
    from tests.conftest import check

    book, problems = check(root)
    assert problems == []
    fish = next(s for s in plan_purchases(book, date(2025, 3, 29), 7, forecast_rows=read_forecast(path))
                if s.item == "FSH-LEVREK")
    # 2 kg on hand, 1 kg arriving Tuesday 1 April, 8 kg needed on Friday 4 April: the fish must come
    # with Thursday's delivery (the supplier delivers on Mondays and Thursdays), ordered 2 days before
    assert (fish.order_by, fish.late) == (date(2025, 4, 1), False)
    run = CliRunner().invoke(app, ["plan", "purchases", "--books", str(root), "--from", "2025-03-29",
                                   "--forecast", str(path), "--write"])
    assert run.exit_code == 0, run.output
    text = (root / "orders/2025/2025-03.yaml").read_text(encoding="utf-8")
    # ordered Saturday 29 March, 2 days' lead: Monday 31 March is the first delivery it can make
    assert "due: 2025-03-31" in text.split("id: PO-0002")[1]


# --------------------------------------------------------------------------- the plan as of its --from date

MOVES_DOC = """\
id,date,kind,item,location,quantity,unit_cost,document
MV-1,2025-03-01,receipt,FSH-LEVREK,KDK,10.000,500.0000,PO-0
MV-2,2025-03-01,receipt,OIL-SIZMA,KDK,5.000,400.0000,
MV-3,2025-03-01,receipt,PRD-LIMON,KDK,2.000,60.0000,
"""
PO_0 = """\
- id: PO-0
  kind: purchase
  date: 2025-02-27
  party: SU-0001
  location: KDK
  status: closed
  lines:
    - {item: FSH-LEVREK, quantity: "10.000", price: "500.00", vat_rate: "1"}
"""


def test_plan__replayed_as_of_a_past_date_counts_an_order_received_since(books):
    # PO-1 (1 kg, due 1 April) was received on 1 April and is `closed` today; a plan for 29 March
    # reads the books as they were that morning: 1 kg on order
    moves = MOVES_DOC + "MV-4,2025-04-01,receipt,FSH-LEVREK,KDK,1.000,500.0000,PO-1\n"
    orders = PO_0 + ORDERS.replace("  due: 2025-04-01\n", "  due: 2025-04-01\n  status: closed\n")
    book, problems = books(_planning_files(**{"stock/moves/2025/2025-03.csv": moves,
                                              "orders/2025/2025-03.yaml": orders}))
    assert problems == []
    fish = next(s for s in plan_purchases(book, date(2025, 3, 29), 7) if s.item == "FSH-LEVREK")
    assert (fish.on_hand, fish.on_order) == (2000, 1000)
    # and an order placed after the plan's date is not known to it
    later = orders.replace("  date: 2025-03-28\n", "  date: 2025-03-30\n")
    book, _ = books(_planning_files(**{"stock/moves/2025/2025-03.csv": moves, "orders/2025/2025-03.yaml": later}))
    assert next(s for s in plan_purchases(book, date(2025, 3, 29), 7) if s.item == "FSH-LEVREK").on_order == 0


def test_plan__priced_at_the_suppliers_last_receipt_not_the_average_on_hand(books):
    # 10 kg at 500.00 (PO-0), 8 kg sold (FIFO), then 1 kg at 560.00 (PO-4) on 27 March:
    # on hand 2 kg x 500.00 + 1 kg x 560.00 = 1,560.00 for 3 kg (520.00 average); last price 560.00
    moves = MOVES_DOC + "MV-5,2025-03-27,receipt,FSH-LEVREK,KDK,1.000,560.0000,PO-4\n"
    orders = PO_0 + PO_0.replace("PO-0", "PO-4").replace("2025-02-27", "2025-03-26").replace('"10.000"', '"1.000"') \
        .replace('"500.00"', '"560.00"')
    book, problems = books(_planning_files(**{"stock/moves/2025/2025-03.csv": moves,
                                              "orders/2025/2025-03.yaml": orders}))
    assert problems == []
    lines = plan_purchases(book, date(2025, 3, 29), 7)
    fish = next(s for s in lines if s.item == "FSH-LEVREK")
    # 1.5 + 2 - 3 = 0.5 kg, raised to the minimum 3 kg, at 560.00: 1,680.00
    assert (fish.on_hand, fish.quantity, fish.unit_cost) == (3000, 3000, 56000)
    from core.reports.planning import draft_orders

    drafts = draft_orders(book, lines, date(2025, 3, 29))
    line = drafts["orders/2025/2025-03.yaml"][0]["lines"][0]
    assert (line["item"], line["quantity"], line["price"]) == ("FSH-LEVREK", "3.000", "560.00")


BREAD_ITEMS = """\
- {id: BRD-EKMEK, name: Ekmek, unit: piece, valuation: fifo}
- {id: SPC-KARABIBER, name: Karabiber, unit: g, valuation: average}
"""


def test_plan__pieces_round_up_and_a_few_grams_are_raised_to_the_units_minimum(books):
    from tests.test_recipes import ITEMS, RECIPES

    # a quarter loaf and half a gram of pepper with each portion; 10 portions each Sunday
    recipes = RECIPES.replace("    - {item: SOS-LIMON, quantity: \"50\", unit: ml}\n",
                              "    - {item: SOS-LIMON, quantity: \"50\", unit: ml}\n"
                              "    - {item: BRD-EKMEK, quantity: \"0.25\"}\n"
                              "    - {item: SPC-KARABIBER, quantity: \"0.5\"}\n")
    # 10 loaves and 20 g received, four Sundays take 4 x 2.5 = 10 loaves and 4 x 5 = 20 g: none left
    moves = MOVES + "MV-6,2025-03-01,receipt,BRD-EKMEK,KDK,10.000,16.0000\n" \
                    "MV-7,2025-03-01,receipt,SPC-KARABIBER,KDK,20.000,0.9000\n"
    book, problems = books(_planning_files(**{"stock/items.yaml": ITEMS + BREAD_ITEMS, "stock/recipes.yaml": recipes,
                                              "stock/moves/2025/2025-03.csv": moves}))
    assert problems == []
    got = {s.item: (s.need, s.quantity) for s in plan_purchases(book, date(2025, 3, 29), 7)}
    # Sunday: 2.5 loaves -> 3 loaves; 5 g of pepper -> 1,000 g (no min_order: 1 kg's worth of a g item)
    assert got["BRD-EKMEK"] == (2500, 3000)
    assert got["SPC-KARABIBER"] == (5000, 1_000_000)
