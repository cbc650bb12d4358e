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
