"""Worked examples of the sales and purchase flows: each derived entry checked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from core.ledger.subledger import open_items
from core.reports.aging import build_aging

ROLES = """\
[company]
name = "Test Lokanta Ltd."
base_currency = "TRY"

[currencies]
TRY = 2
EUR = 2

[accounts]
rounding = "659.99"
receivable = "120.01"
payable = "320.01"
advances_received = "340.01"
inventory = "153.01"
goods_received = "329.01"
cogs = "621.01"
price_difference = "621.09"
sales = "600.01"
sales_returns = "610.01"
fx_gain = "646.01"
fx_loss = "656.01"
bank = "102.01"
expenses = "770.01"

[accounts.vat_output]
"1" = "391.01"
"10" = "391.02"
"20" = "391.03"

[accounts.vat_input]
"1" = "191.01"
"10" = "191.02"
"20" = "191.03"
"""

ACCOUNTS = "".join(f'- {{code: "{c}", name: "{n}", type: {t}}}\n' for c, n, t in (
    ("102.01", "Bank TRY", "bank"), ("102.02", "Bank EUR", "bank"), ("120.01", "Alıcılar", "asset"),
    ("153.01", "Ticari mallar", "asset"), ("191.01", "İndirilecek KDV %1", "asset"),
    ("191.02", "İndirilecek KDV %10", "asset"), ("191.03", "İndirilecek KDV %20", "asset"),
    ("320.01", "Satıcılar", "liability"), ("329.01", "Faturası gelmemiş alımlar", "liability"),
    ("340.01", "Alınan sipariş avansları", "liability"), ("391.01", "Hesaplanan KDV %1", "liability"),
    ("391.02", "Hesaplanan KDV %10", "liability"), ("391.03", "Hesaplanan KDV %20", "liability"),
    ("600.01", "Yurt içi satışlar", "income"), ("610.01", "Satıştan iadeler", "income"),
    ("621.01", "Satılan ticari mallar maliyeti", "expense"), ("621.09", "Fiyat farkları", "expense"),
    ("646.01", "Kambiyo kârları", "income"), ("656.01", "Kambiyo zararları", "expense"),
    ("659.99", "Yuvarlama", "expense"), ("770.01", "Genel yönetim giderleri", "expense")))

CONTACTS = """\
- {id: CU-0050, kind: company, name: Boğaziçi Etkinlik Org. Ltd. Şti., tax_id: "1234567890", payment_terms: net30, \
credit_limit: "150000.00"}
- {id: CU-0051, kind: company, name: Kalamata Travel GmbH, currency: EUR, payment_terms: net15}
"""
SUPPLIERS = "- {id: SU-0001, kind: company, name: Kadıköy Balıkçısı, tax_id: \"9876543217\", payment_terms: net7}\n"


def erp_books(books, orders: str, moves: str | None = None, rates: str | None = None, **extra: str):
    files = {"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CONTACTS,
             "contacts/erp/suppliers.yaml": SUPPLIERS, "orders/2025/2025-03.yaml": orders,
             **{k.replace("__", "/").replace("_yaml", ".yaml"): v for k, v in extra.items()}}
    if moves:
        files["stock/moves/2025/2025-03.csv"] = "id,date,time,kind,item,location,to_location,quantity,unit_cost," \
                                                "currency,document,memo\n" + moves
    if rates:
        files["rates/2025.csv"] = "date,currency,rate\n" + rates
    return books(files)


def legs(book, entry_id: str) -> list[tuple[str, str]]:
    """(account, signed base) of one derived entry, debits positive."""
    p = book.derived_postings.filter(pl.col("entry_id") == entry_id)
    return [(a, f"{Decimal(b).scaleb(-2):f}") for a, b in p.select("account", "base").iter_rows()]


ORDER = """
- id: SO-0001
  kind: sales
  date: 2025-03-01
  party: CU-0050
  lines:
    - {item: FSH-LEVREK, quantity: "10", price: "500.00", vat_rate: "1"}
"""


# The order's first six kilos: delivered, invoiced on 03-05, and 2,000.00 paid on 03-20.
PARTIAL_FLOW = ORDER + """
- id: INV-0001
  kind: invoice
  date: 2025-03-05
  party: CU-0050
  order: SO-0001
  lines:
    - {item: FSH-LEVREK, quantity: "6", price: "500.00", vat_rate: "1"}
- id: PAY-0001
  kind: payment
  date: 2025-03-20
  party: CU-0050
  amount: "2000.00"
"""
DELIVERED_SIX = ("MV-1,2025-03-01,07:00,receipt,FSH-LEVREK,KDK,,10.000,300.0000,TRY,,\n"
                 "MV-2,2025-03-04,12:00,issue,FSH-LEVREK,KDK,,6.000,,,SO-0001,delivery\n")


def test_partial_delivery_invoice_and_partial_payment__exact_entries(books):
    book, problems = erp_books(books, PARTIAL_FLOW, moves=DELIVERED_SIX)
    assert [p for p in problems if p.severity == "error"] == []
    # 6 kg x 500.00 = 3,000.00 net; VAT 1% = 30.00; the customer owes 3,030.00
    assert legs(book, "INV-0001") == [("600.01", "-3000.00"), ("391.01", "-30.00"), ("120.01", "3030.00")]
    # 2,000.00 received: the bank up, the receivable down, oldest invoice first
    assert legs(book, "PAY-0001") == [("102.01", "2000.00"), ("120.01", "-2000.00")]
    (item,) = open_items(book, "ar")
    assert (item.doc, item.amount, item.due) == ("INV-0001", 103000, date(2025, 4, 4))   # net30 from 03-05


def test_invoice_beyond_delivery__is_an_error(books):
    _, problems = erp_books(books, ORDER + """
- id: INV-0001
  kind: invoice
  date: 2025-03-05
  party: CU-0050
  order: SO-0001
  lines:
    - {item: FSH-LEVREK, quantity: "7", price: "500.00", vat_rate: "1"}
""", moves=DELIVERED_SIX)
    (p,) = [p for p in problems if p.code == "E049"]
    assert (p.path, p.line, p.expected, p.found) == ("orders/2025/2025-03.yaml", 15, "at most 6.000", "7.000")


def test_deposit__held_as_advance_until_applied_to_the_invoice(books):
    book, problems = erp_books(books, """
- id: ADV-0001
  kind: advance
  date: 2025-03-01
  party: CU-0050
  amount: "5000.00"
  memo: Wedding deposit
- id: INV-0002
  kind: invoice
  date: 2025-03-10
  party: CU-0050
  applies:
    - {advance: ADV-0001, amount: "5000.00"}
  lines:
    - {account: "600.01", description: Wedding dinner, quantity: "100", price: "100.00", vat_rate: "10"}
""")
    assert problems == []
    assert legs(book, "ADV-0001") == [("102.01", "5000.00"), ("340.01", "-5000.00")]
    assert legs(book, "INV-0002") == [("600.01", "-10000.00"), ("391.02", "-1000.00"), ("120.01", "11000.00")]
    assert legs(book, "INV-0002/ADV-0001") == [("340.01", "5000.00"), ("120.01", "-5000.00")]
    assert [(i.doc, i.amount) for i in open_items(book, "ar")] == [("INV-0002", 600000)]


def test_eur_invoice_paid_at_a_higher_rate__realizes_an_exchange_gain(books):
    book, problems = erp_books(books, """
- id: INV-0003
  kind: invoice
  date: 2025-03-03
  party: CU-0051
  currency: EUR
  lines:
    - {account: "600.01", description: Boat tour dinner, quantity: "1", price: "1000.00", vat_rate: "0"}
- id: PAY-0003
  kind: payment
  date: 2025-03-17
  party: CU-0051
  currency: EUR
  account: "102.02"
  amount: "1000.00"
""", rates="2025-03-03,EUR,37.0000\n2025-03-17,EUR,38.0000\n")
    assert problems == []
    # booked at 37.00: 37,000.00 TRY; received at 38.00: 38,000.00 TRY; 1,000.00 TRY gain
    assert legs(book, "INV-0003") == [("600.01", "-37000.00"), ("120.01", "37000.00")]
    assert legs(book, "PAY-0003") == [("102.02", "38000.00"), ("120.01", "-37000.00"), ("646.01", "-1000.00")]
    assert open_items(book, "ar") == []


def test_credit_note__reverses_revenue_and_vat_and_reduces_the_invoice(books):
    book, problems = erp_books(books, """
- id: INV-0001
  kind: invoice
  date: 2025-03-05
  party: CU-0050
  lines:
    - {item: FSH-LEVREK, quantity: "6", price: "500.00", vat_rate: "1"}
- id: CN-0001
  kind: credit-note
  date: 2025-03-07
  party: CU-0050
  invoice: INV-0001
  lines:
    - {item: FSH-LEVREK, quantity: "2", price: "500.00", vat_rate: "1"}
""")
    assert problems == []
    assert legs(book, "CN-0001") == [("610.01", "1000.00"), ("391.01", "10.00"), ("120.01", "-1010.00")]
    assert [(i.doc, i.amount) for i in open_items(book, "ar")] == [("INV-0001", 202000)]


def test_credit_beyond_invoice__is_an_error(books):
    _, problems = erp_books(books, """
- id: INV-0001
  kind: invoice
  date: 2025-03-05
  party: CU-0050
  lines:
    - {item: FSH-LEVREK, quantity: "1", price: "500.00", vat_rate: "1"}
- id: CN-0001
  kind: credit-note
  date: 2025-03-07
  party: CU-0050
  invoice: INV-0001
  lines:
    - {item: FSH-LEVREK, quantity: "2", price: "500.00", vat_rate: "1"}
""")
    assert [p.code for p in problems if p.severity == "error"] == ["E049"]


def test_supplier_invoice_and_payment__through_goods_received_and_payables(books):
    book, problems = erp_books(books, """
- id: SI-0001
  kind: supplier-invoice
  date: 2025-03-02
  party: SU-0001
  number: "A-7781"
  lines:
    - {item: FSH-LEVREK, quantity: "10", price: "300.00", vat_rate: "1"}
    - {account: "770.01", description: Ice and delivery, quantity: "1", price: "150.00", vat_rate: "20"}
- id: SP-0001
  kind: supplier-payment
  date: 2025-03-09
  party: SU-0001
  amount: "3210.00"
  allocations:
    - {invoice: SI-0001, amount: "3210.00"}
""")
    assert problems == []
    assert legs(book, "SI-0001") == [("329.01", "3000.00"), ("191.01", "30.00"), ("770.01", "150.00"),
                                     ("191.03", "30.00"), ("320.01", "-3210.00")]
    assert legs(book, "SP-0001") == [("102.01", "-3210.00"), ("320.01", "3210.00")]
    assert open_items(book, "ap") == []


AGING = """
- id: INV-0010
  kind: invoice
  date: 2025-01-02
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "100.00"}]
- id: INV-0011
  kind: invoice
  date: 2025-02-10
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "200.00"}]
- id: INV-0012
  kind: invoice
  date: 2025-03-01
  party: CU-0050
  due: 2025-03-05
  lines: [{account: "600.01", quantity: "1", price: "400.00"}]
- id: INV-0013
  kind: invoice
  date: 2025-03-25
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "800.00"}]
"""


def test_aging__buckets_on_a_fixed_date(books):
    book, problems = erp_books(books, AGING)
    assert problems == []
    table = build_aging(book, "ar", date(2025, 4, 10))
    (row,) = table.rows
    # due dates: 02-01 (68 days late), 03-12 (29), 03-05 (36), 04-24 (not yet due)
    assert row[2:] == (Decimal("800.00"), Decimal("200.00"), Decimal("400.00"), Decimal("100.00"),
                       Decimal("0.00"), Decimal("1500.00"))


@pytest.mark.parametrize("on, bucket", [("2025-02-01", "current"), ("2025-02-02", "1-30"), ("2025-03-03", "1-30"),
                                        ("2025-03-04", "31-60"), ("2025-05-03", "90+")])
def test_aging__bucket_edges(books, on, bucket):
    book, _ = erp_books(books, AGING.split("- id: INV-0011")[0])
    table = build_aging(book, "ar", date.fromisoformat(on), detail=True)
    assert table.rows[0][6] == bucket


def test_z_report__revenue_vat_and_tenders(books):
    book, problems = books({"books.toml": ROLES.replace(
                                'bank = "102.01"', 'bank = "102.01"\ncash = "100.01"\ncard_receivable = "108.01"'),
                            "accounts.yaml": ACCOUNTS + '- {code: "100.01", name: Kasa, type: cash}\n'
                                                        '- {code: "108.01", name: POS alacakları, type: asset}\n',
                            "sales/2025/2025-03.csv": (
                                "date,location,kind,item,quantity,net,vat_rate,method,amount\n"
                                "2025-03-01,KDK,sale,MEZE,40,10000.00,10,,\n"
                                "2025-03-01,KDK,sale,RAKI-35CL,12,6000.00,20,,\n"
                                "2025-03-01,KDK,tender,,,,,card,14000.00\n"
                                "2025-03-01,KDK,tender,,,,,cash,4200.00\n")})
    assert problems == []
    # net 10,000.00 at 10% (VAT 1,000.00) + 6,000.00 at 20% (VAT 1,200.00) = 18,200.00 tendered
    assert legs(book, "Z-KDK-2025-03-01") == [
        ("600.01", "-10000.00"), ("600.01", "-6000.00"), ("391.02", "-1000.00"), ("391.03", "-1200.00"),
        ("108.01", "14000.00"), ("100.01", "4200.00")]


PRICES = """
- id: PL-2025
  kind: list
  valid_from: 2025-01-01
  prices:
    - {item: FSH-LEVREK, price: "500.00"}
- id: CP-0050
  kind: customer
  party: CU-0050
  prices:
    - {item: FSH-LEVREK, price: "480.00"}
- id: QB-FISH
  kind: breaks
  items: [FSH-LEVREK]
  breaks:
    - {min_quantity: "10", discount: "5"}
    - {min_quantity: "25", discount: "8"}
- id: PR-IFTAR
  kind: promotion
  campaign: CMP-IFTAR
  valid_from: 2025-03-01
  valid_to: 2025-03-29
  items: [FSH-LEVREK]
  discount: "10"
"""


@pytest.mark.parametrize("party, qty, campaign, price, discount", [
    ("CU-0051", "5", None, "500.00", "0.00"),       # list price, no break
    ("CU-0051", "10", None, "500.00", "250.00"),    # 10 x 500.00 x 5% = 250.00
    ("CU-0051", "30", None, "500.00", "1200.00"),   # 30 x 500.00 x 8% = 1,200.00
    ("CU-0050", "10", None, "480.00", "240.00"),    # the customer's own price, then the break: 10 x 480 x 5%
    ("CU-0051", "30", "CMP-IFTAR", "500.00", "1500.00"),  # the 10% promotion beats the 8% break; no stacking
])
def test_quantity_discount_and_prices__from_the_price_rules(books, party, qty, campaign, price, discount):
    from core.erp.pricing import quote

    book, _ = erp_books(books, "[]\n", prices_yaml=PRICES)
    q = quote(book, "FSH-LEVREK", Decimal(qty), date(2025, 3, 10), party, campaign)
    assert (str(q.price), str(q.discount)) == (price, discount)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@st.composite
def sales_year(draw):
    """Invoices, some credited, payments (an overpayment stays on account), supplier invoices and payments."""
    docs = []
    for n in range(draw(st.integers(1, 6))):
        day = f"2025-03-{n + 1:02d}"
        lines = [{"item": "FSH-LEVREK", "quantity": str(draw(st.integers(1, 40))),
                  "price": _money(draw(st.integers(1, 99999))),
                  "vat_rate": draw(st.sampled_from(["0", "1", "10", "20"]))}
                 for _ in range(draw(st.integers(1, 3)))]
        docs.append({"id": f"INV-{n:04d}", "kind": "invoice", "date": day, "party": "CU-0050", "lines": lines})
        if draw(st.booleans()):
            ln = dict(lines[0], quantity="1")
            docs.append({"id": f"CN-{n:04d}", "kind": "credit-note", "date": day, "party": "CU-0050",
                         "invoice": f"INV-{n:04d}", "lines": [ln]})
        if draw(st.booleans()):
            docs.append({"id": f"PAY-{n:04d}", "kind": "payment", "date": f"2025-03-{n + 10:02d}", "party": "CU-0050",
                         "amount": _money(draw(st.integers(1, 50000)))})
        if draw(st.booleans()):
            docs.append({"id": f"SI-{n:04d}", "kind": "supplier-invoice", "date": day, "party": "SU-0001",
                         "lines": [{"account": "770.01", "quantity": "1", "price": _money(draw(st.integers(1, 99999))),
                                    "vat_rate": draw(st.sampled_from(["0", "20"]))}]})
            if draw(st.booleans()):
                docs.append({"id": f"SP-{n:04d}", "kind": "supplier-payment", "date": f"2025-03-{n + 12:02d}",
                             "party": "SU-0001", "amount": _money(draw(st.integers(1, 50000)))})
    return docs


@given(sales_year())
def test_any_sales_flow__entries_balance_and_the_subledger_ties_out(docs):
    import tempfile
    from pathlib import Path

    from core.books.store import dump_yaml_records
    from tests.conftest import check, write_books

    with tempfile.TemporaryDirectory() as tmp:
        root = write_books(Path(tmp), {"books.toml": ROLES, "accounts.yaml": ACCOUNTS,
                                       "contacts/erp/customers.yaml": CONTACTS.replace('credit_limit: "150000.00"', ""),
                                       "contacts/erp/suppliers.yaml": SUPPLIERS,
                                       "orders/2025/2025-03.yaml": dump_yaml_records("orders", docs)})
        book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    ledger = book.ledger()
    assert ledger.group_by("entry_id").agg(pl.col("base").sum())["base"].to_list() == \
        [0] * ledger["entry_id"].n_unique()
    receivable = ledger.filter(pl.col("account") == "120.01")["base"].sum()
    assert sum(i.amount for i in open_items(book, "ar")) == receivable
    payable = ledger.filter(pl.col("account") == "320.01")["base"].sum()
    assert sum(i.amount for i in open_items(book, "ap")) == -payable


PAYROLL_ROLES = ROLES.replace('expenses = "770.01"', 'expenses = "770.01"\nsalaries = "770.01"\n'
                              'employer_contributions = "770.01"\nnet_pay = "320.01"\nincome_tax_payable = "391.03"\n'
                              'social_security_payable = "391.03"')
EMPLOYEES = "- {id: EM-0007, kind: person, name: Deniz Aksoy, hired: 2020-01-01, location: KDK}\n"
PAID_INVOICE = """
- id: SO-0009
  kind: sales
  date: 2025-03-01
  party: CU-0050
  rep: EM-0007
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "10"}]
- id: INV-0009
  kind: invoice
  date: 2025-03-02
  party: CU-0050
  order: SO-0009
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "10"}]
- id: PAY-0009
  kind: payment
  date: 2025-03-20
  party: CU-0050
  amount: "11000.00"
"""


@pytest.mark.parametrize("commission, warned", [("200.00", False), ("0.00", True), ("250.00", True)])
def test_commission__earned_on_a_paid_invoice_flows_into_the_payroll_run(books, commission, warned):
    from core.erp.commissions import earned

    run = f"""
- id: PR-2025-03
  period: 2025-03
  date: 2025-03-31
  lines:
    - {{employee: EM-0007, gross: "45000.00", commission: "{commission}"}}
"""
    book, problems = books({"books.toml": PAYROLL_ROLES, "accounts.yaml": ACCOUNTS,
                            "contacts/erp/customers.yaml": CONTACTS, "contacts/erp/employees.yaml": EMPLOYEES,
                            "orders/2025/2025-03.yaml": PAID_INVOICE, "payroll/2025/2025-03.yaml": run})
    # INV-0009: 10,000.00 net of VAT, fully paid on 2025-03-20 -> 2% = 200.00 for the rep, in March
    assert earned(book, "2025-03") == {"EM-0007": Decimal("200.00")}
    assert [p.code for p in problems] == (["W003"] if warned else [])
    # the commission is part of the gross the run posts: 45,000.00 + commission
    salaries = book.derived_postings.filter((pl.col("entry_id") == "PR-2025-03") & (pl.col("base") > 0))
    assert salaries["base"].sum() > 0


def test_delivery_and_receipt__post_at_cost_through_the_stock_ledger(books):
    book, problems = erp_books(books, ORDER, moves=DELIVERED_SIX)
    assert problems == []
    # 10 kg in at 300.00: inventory up, goods received not invoiced up
    assert legs(book, "MV-1") == [("153.01", "3000.00"), ("329.01", "-3000.00")]
    # 6 kg delivered at FIFO cost 300.00: cost of goods sold 1,800.00
    assert legs(book, "MV-2") == [("153.01", "-1800.00"), ("621.01", "1800.00")]


def test_supplier_invoice_at_another_price__clears_goods_received_at_cost(books):
    book, problems = erp_books(books, """
- id: PO-0001
  kind: purchase
  date: 2025-03-01
  party: SU-0001
  lines: [{item: FSH-LEVREK, quantity: "10", price: "300.00", vat_rate: "1"}]
- id: SI-0001
  kind: supplier-invoice
  date: 2025-03-03
  party: SU-0001
  order: PO-0001
  lines: [{item: FSH-LEVREK, quantity: "10", price: "310.00", vat_rate: "1"}]
""", moves="MV-1,2025-03-02,07:00,receipt,FSH-LEVREK,KDK,,10.000,300.0000,TRY,PO-0001,\n")
    assert problems == []
    # received at 3,000.00, invoiced at 3,100.00 + 1% VAT: 100.00 price difference
    assert legs(book, "SI-0001") == [("329.01", "3000.00"), ("621.09", "100.00"), ("191.01", "31.00"),
                                     ("320.01", "-3131.00")]
    goods_received = book.ledger().filter(pl.col("account") == "329.01")["base"].sum()
    assert goods_received == 0


def test_deposit_on_the_invoice_day__is_applied(books):
    book, problems = erp_books(books, """
- id: ADV-0001
  kind: advance
  date: 2025-03-10
  party: CU-0050
  amount: "500.00"
- id: INV-0001
  kind: invoice
  date: 2025-03-10
  party: CU-0050
  applies: [{advance: ADV-0001, amount: "500.00"}]
  lines: [{account: "600.01", quantity: "1", price: "1000.00", vat_rate: "10"}]
""")
    assert problems == []
    assert legs(book, "INV-0001/ADV-0001") == [("340.01", "500.00"), ("120.01", "-500.00")]
    assert [(i.doc, i.amount) for i in open_items(book, "ar")] == [("INV-0001", 60000)]


def test_status__follows_from_deliveries_invoices_and_payments(books):
    from core.erp.status import status_of

    book, _ = erp_books(books, PARTIAL_FLOW, moves=DELIVERED_SIX)
    order = status_of(book, book.document("SO-0001"))
    assert (order.state, order.facts[0]) == ("partly invoiced", "FSH-LEVREK: delivered 6.000 of 10.000")
    invoice = status_of(book, book.document("INV-0001"))
    assert (invoice.state, invoice.facts) == ("partly paid", ("open 1030.00 of 3030.00 TRY, due 2025-04-04",))
    paid, _ = erp_books(books, PARTIAL_FLOW.replace('amount: "2000.00"', 'amount: "3030.00"'), moves=DELIVERED_SIX)
    assert status_of(paid, paid.document("INV-0001")).state == "paid"
    untouched, _ = erp_books(books, ORDER)
    assert status_of(untouched, untouched.document("SO-0001")).state == "open"


def test_doubtful_receivable__reclassified_and_provided_for(books):
    roles = ROLES.replace('bank = "102.01"', 'bank = "102.01"\ndoubtful_receivable = "128.01"\n'
                          'doubtful_provision = "129.01"\ndoubtful_expense = "654.01"')
    accounts = ACCOUNTS + ('- {code: "128.01", name: Şüpheli ticari alacaklar, type: asset}\n'
                           '- {code: "129.01", name: Şüpheli ticari alacaklar karşılığı, type: asset}\n'
                           '- {code: "654.01", name: Karşılık giderleri, type: expense}\n')
    book, problems = books({"books.toml": roles, "accounts.yaml": accounts, "contacts/erp/customers.yaml": CONTACTS,
                            "orders/2025/2025-03.yaml": AGING + """
- id: PAY-0010
  kind: payment
  date: 2025-03-02
  party: CU-0050
  amount: "40.00"
  allocations: [{invoice: INV-0010, amount: "40.00"}]
- id: DBT-0001
  kind: doubtful
  date: 2025-03-31
  party: CU-0050
  invoice: INV-0010
  memo: Customer in konkordato
"""})
    assert problems == []
    # INV-0010 had 60.00 still open: out of 120, into 128, and fully provided for
    assert legs(book, "DBT-0001") == [("128.01", "60.00"), ("120.01", "-60.00"), ("654.01", "60.00"),
                                      ("129.01", "-60.00")]
    assert "INV-0010" not in [i.doc for i in open_items(book, "ar")]


def test_over_delivery__is_an_error(books):
    _, problems = erp_books(books, ORDER, moves="MV-1,2025-03-01,07:00,receipt,FSH-LEVREK,KDK,,20.000,300.0000,TRY,,\n"
                                                "MV-2,2025-03-04,12:00,issue,FSH-LEVREK,KDK,,12.000,,,SO-0001,\n")
    (p,) = [p for p in problems if p.code == "E049"]
    assert (p.message, p.expected, p.found) == ("FSH-LEVREK delivered beyond what SO-0001 ordered",
                                                "at most 10.000", "12.000")
    assert p.hint == "correct the delivery's quantity, or raise the order's quantity"


def test_over_receipt__names_the_receipt_in_its_hint(books):
    """PO-0001 orders 10 kg from SU-0001; 12 kg are received on it: E049, fix the receipt (or the order)."""
    _, problems = erp_books(books, """
- id: PO-0001
  kind: purchase
  date: 2025-03-01
  party: SU-0001
  lines:
    - {item: FSH-LEVREK, quantity: "10", price: "300.00", vat_rate: "1"}
""", moves="MV-1,2025-03-02,07:00,receipt,FSH-LEVREK,KDK,,12.000,300.0000,TRY,PO-0001,\n")
    (p,) = [p for p in problems if p.code == "E049"]
    assert (p.message, p.hint) == ("FSH-LEVREK received beyond what PO-0001 ordered",
                                   "correct the receipt's quantity, or raise the order's quantity")


def test_count_difference__posted_to_the_pending_count_accounts(books):
    roles = ROLES.replace('bank = "102.01"', 'bank = "102.01"\ncount_shortage = "197.01"\ncount_surplus = "397.01"')
    accounts = ACCOUNTS + ('- {code: "197.01", name: Sayım noksanları, type: asset}\n'
                           '- {code: "397.01", name: Sayım fazlaları, type: liability}\n')
    book, problems = books({"books.toml": roles, "accounts.yaml": accounts, "orders/2025/2025-03.yaml": "[]\n",
                            "stock/moves/2025/2025-03.csv": (
                                "id,date,time,kind,item,location,quantity,unit_cost\n"
                                "MV-1,2025-03-01,07:00,receipt,FSH-LEVREK,KDK,10.000,300.0000\n"
                                "MV-2,2025-03-31,23:45,count,FSH-LEVREK,KDK,9.500,\n")})
    assert problems == []
    # 10 kg on the books, 9.5 kg on the shelf: 0.5 kg x 300.00 = 150.00 short, held pending in 197
    assert legs(book, "MV-2") == [("153.01", "-150.00"), ("197.01", "150.00")]


@pytest.mark.parametrize("doc, code, line", [
    ("- id: PAY-0001\n  kind: payment\n  date: 2025-03-05\n  party: CU-0050\n  amount: \"10.00\"\n"
     "  allocations: [{invoice: INV-9999, amount: \"10.00\"}]\n", "E038", 1),
    ("- id: INV-0001\n  kind: invoice\n  date: 2025-03-05\n  party: CU-0050\n"
     "  lines:\n    - {item: FSH-LEVREK, quantity: \"-2\", price: \"500.00\"}\n", "E012", 6),
    ("- id: INV-0001\n  kind: invoice\n  date: 2025-03-05\n  party: CU-0050\n"
     "  lines:\n    - {item: FSH-PALAMUT, quantity: \"2\", price: \"500.00\"}\n", "E032", 6),
    ("- id: INV-0001\n  kind: invoice\n  date: 2025-03-05\n  party: SU-0001\n"
     "  lines:\n    - {item: FSH-LEVREK, quantity: \"2\", price: \"500.00\"}\n", "E038", 1),
])
def test_bad_document__named_with_file_line_and_exit_1(books_dir, doc, code, line):
    from typer.testing import CliRunner

    from cli.main import app

    root = books_dir({"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CONTACTS,
                      "contacts/erp/suppliers.yaml": SUPPLIERS, "orders/2025/2025-03.yaml": doc})
    result = CliRunner().invoke(app, ["validate", "--books", str(root)])
    assert result.exit_code == 1
    assert f"orders/2025/2025-03.yaml:{line}: {code} error" in result.stdout


def test_print_source__an_order_with_everything_under_it(books_dir):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    root = books_dir({"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CONTACTS,
                      "orders/2025/2025-03.yaml": ORDER + """
- id: INV-0001
  kind: invoice
  date: 2025-03-05
  party: CU-0050
  order: SO-0001
  lines:
    - {item: FSH-LEVREK, quantity: "6", price: "500.00", vat_rate: "1"}
- id: PAY-0001
  kind: payment
  date: 2025-03-20
  party: CU-0050
  amount: "2000.00"
  allocations: [{invoice: INV-0001, amount: "2000.00"}]
""", "stock/moves/2025/2025-03.csv": "id,date,time,kind,item,location,quantity,unit_cost,document\n"
                                     "MV-1,2025-03-01,07:00,receipt,FSH-LEVREK,KDK,10.000,300.0000,\n"
                                     "MV-2,2025-03-04,12:00,issue,FSH-LEVREK,KDK,6.000,,SO-0001\n"})
    result = CliRunner().invoke(app, ["print", "--books", str(root), "--source", "SO-0001", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [b["id"] for b in json.loads(result.stdout)] == ["MV-2", "INV-0001", "PAY-0001"]
    text = CliRunner().invoke(app, ["print", "--books", str(root), "--source", "INV-0001"]).stdout
    assert "2025-03-05 INV-0001" in text and "120.01" in text and "3,030.00" in text
    assert CliRunner().invoke(app, ["print", "--books", str(root), "--source", "NOPE"]).exit_code == 2
