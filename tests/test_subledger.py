"""One subledger: aging, `kebir status`, the customer 360 and the control account say the same of
every invoice (core/ledger/subledger.py). Written as an accountant's month of one customer, and as a
property over every invoice of the demo books."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from core.crm.pipeline import build_customer
from core.reports.aging import build_aging
from core.erp.status import status_of
from core.ledger.subledger import open_items, state_of
from tests.test_documents import erp_books

# Boğaziçi Etkinlik (CU-0050, net30) in March:
#   INV-0001  2 Mar  10,000.00 + 20% VAT = 12,000.00
#   INV-0002  5 Mar  20,000.00 + 20% VAT = 24,000.00
#   PAY-0001 10 Mar   5,000.00, no allocation: the oldest invoice, INV-0001, 7,000.00 left open
#   CN-0001  12 Mar   credits INV-0002 2,000.00 + 20% VAT = 2,400.00: 21,600.00 left on INV-0002
#   PAY-0002 15 Mar  21,600.00 allocated to INV-0002: paid
# By hand on 31 March: INV-0001 partly paid, 7,000.00 open, due 1 April; INV-0002 paid on 15 March.
MONTH = """
- id: INV-0001
  kind: invoice
  date: 2025-03-02
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "20"}]
- id: INV-0002
  kind: invoice
  date: 2025-03-05
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "20000.00", vat_rate: "20"}]
- id: PAY-0001
  kind: payment
  date: 2025-03-10
  party: CU-0050
  amount: "5000.00"
- id: CN-0001
  kind: credit-note
  date: 2025-03-12
  party: CU-0050
  invoice: INV-0002
  lines: [{account: "610.01", quantity: "1", price: "2000.00", vat_rate: "20"}]
- id: PAY-0002
  kind: payment
  date: 2025-03-15
  party: CU-0050
  amount: "21600.00"
  allocations:
    - {invoice: INV-0002, amount: "21600.00"}
"""
END = date(2025, 3, 31)


def customer_rows(book, contact: str, as_of: date) -> dict[str, tuple]:
    """The 360's document rows: ref -> (amount, status)."""
    t = build_customer(book, contact, as_of)
    return {r[2]: (r[4], r[5]) for r in t.rows if r[0] == "document"}


def test_month_of_one_customer__status_aging_and_360_agree_with_the_hand_count(books):
    book, problems = erp_books(books, MONTH)
    assert problems == []
    assert status_of(book, book.document("INV-0001")).state == "partly paid"
    assert status_of(book, book.document("INV-0001")).facts == ("open 7000.00 of 12000.00 TRY, due 2025-04-01",)
    assert status_of(book, book.document("INV-0002")).state == "paid"
    assert status_of(book, book.document("INV-0002")).facts == ("settled in full on 2025-03-15",)
    # aging: only INV-0001's 7,000.00, the credit note reduced the invoice it names
    assert [(i.doc, i.amount) for i in open_items(book, "ar", END)] == [("INV-0001", 700000)]
    aging = build_aging(book, "ar", END, detail=True)
    assert [(r[2], r[7]) for r in aging.rows] == [("INV-0001", Decimal("7000.00"))]
    # the 360: invoices gross, beside the gross payments, in the state status gives them
    docs = customer_rows(book, "CU-0050", END)
    assert docs["INV-0001"] == (Decimal("12000.00"), "partly paid")
    assert docs["INV-0002"] == (Decimal("24000.00"), "paid")
    assert docs["PAY-0001"] == (Decimal("5000.00"), "applied")
    assert docs["CN-0001"][0] == Decimal("2400.00")
    assert docs["PAY-0002"] == (Decimal("21600.00"), "applied")
    t = build_customer(book, "CU-0050", END)
    assert t.meta["balance"] == Decimal("7000.00")
    # the control account agrees: 12,000 + 24,000 - 5,000 - 2,400 - 21,600
    ar = book.ledger().filter(pl.col("account") == "120.01")["base"].sum()
    assert ar == 700000


def test_allocation_beyond_the_invoice__is_E140_and_never_settles_another_invoice(books):
    # 80,000.00 allocated to INV-0001, which is 24,000.00; INV-0002 (60,000.00) is not named
    book, problems = erp_books(books, """
- id: INV-0001
  kind: invoice
  date: 2025-03-04
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "20000.00", vat_rate: "20"}]
- id: INV-0002
  kind: invoice
  date: 2025-03-05
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "50000.00", vat_rate: "20"}]
- id: PAY-0001
  kind: payment
  date: 2025-03-10
  party: CU-0050
  amount: "80000.00"
  allocations:
    - {invoice: INV-0001, amount: "80000.00"}
""")
    e140 = [p for p in problems if p.code == "E140"]
    assert len(e140) == 1
    assert (e140[0].path, e140[0].line, e140[0].record) == ("orders/2025/2025-03.yaml", 18, "PAY-0001")
    assert "24000.00 open" in e140[0].message
    assert state_of(book, "INV-0001").state == "paid"
    assert state_of(book, "INV-0002").state == "open"
    assert state_of(book, "INV-0002").open == 6000000
    # the 56,000.00 left over is an advance, said so
    items = open_items(book, "ar", END)
    assert [(i.doc, i.amount, i.on_account) for i in items] == [("INV-0002", 6000000, False),
                                                                 ("PAY-0001", -5600000, True)]
    aging = build_aging(book, "ar", END)
    assert [c.key for c in aging.columns][-2:] == ["on_account", "total"]
    assert aging.rows[0][-2:] == (Decimal("-56000.00"), Decimal("4000.00"))
    docs = customer_rows(book, "CU-0050", END)
    assert docs["PAY-0001"] == (Decimal("80000.00"), "on account 56000.00")
    t = build_customer(book, "CU-0050", END)
    assert ("open item", "PAY-0001", "on account (advance)") in [(r[0], r[2], r[3]) for r in t.rows]


@pytest.fixture(scope="module")
def demo(demo_book):
    book = demo_book
    return book


def test_demo__INV_2025_0006_is_paid_in_status_and_in_the_customer_360(demo):
    as_of = demo.ledger()["date"].max()
    assert status_of(demo, demo.document("INV-2025-0006")).state == "paid"
    # 70 x 955.00 + 10% VAT = 73,535.00 gross: 22,000.00 advance applied, 51,535.00 paid on 1 February
    assert customer_rows(demo, "CU-0115", as_of)["INV-2025-0006"] == (Decimal("73535.00"), "paid")


def test_demo__status_360_and_aging_agree_for_every_invoice(demo):
    as_of = demo.ledger()["date"].max()
    invoices = [d for d in demo.documents if d.kind == "invoice" and d.status != "cancelled"]
    assert len(invoices) > 100
    aging_open: dict[str, int] = {}
    for i in open_items(demo, "ar", as_of):
        if i.amount > 0:
            aging_open[i.doc] = aging_open.get(i.doc, 0) + i.amount
    rows: dict[str, tuple] = {}
    for party in sorted({d.party for d in invoices}):
        rows.update(customer_rows(demo, party, as_of))
    for doc in invoices:
        st = state_of(demo, doc.id, "ar", as_of)
        assert status_of(demo, doc).state == st.state, doc.id
        assert rows[doc.id] == (Decimal(st.gross).scaleb(-2), st.state), doc.id
        assert aging_open.get(doc.id, 0) == st.open, doc.id
        assert (st.state == "paid") == (doc.id not in aging_open), doc.id


def test_demo__the_subledger_ties_to_the_control_accounts_per_customer(demo):
    for side, code in (("ar", demo.settings.role("receivable")), ("ap", demo.settings.role("payable"))):
        sign = 1 if side == "ar" else -1
        per: dict[str, int] = {}
        for i in open_items(demo, side):
            per[i.contact] = per.get(i.contact, 0) + i.amount
        control = {c: sign * b for c, b in demo.ledger().filter(pl.col("account") == code)
                   .group_by("contact").agg(pl.col("base").sum()).iter_rows() if b}
        assert {c: v for c, v in per.items() if v} == control


def test_aging_json_with_an_advance__validates_against_its_schema(books_dir):
    import json
    from pathlib import Path

    from jsonschema import Draft202012Validator
    from typer.testing import CliRunner

    from cli.main import app
    from tests.test_documents import ACCOUNTS, CONTACTS, ROLES

    root = books_dir({"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CONTACTS,
                      "orders/2025/2025-03.yaml": MONTH + """- id: PAY-0003
  kind: payment
  date: 2025-03-20
  party: CU-0050
  amount: "10000.00"
  allocations:
    - {invoice: INV-0001, amount: "7000.00"}
"""})
    out = CliRunner().invoke(app, ["report", "aging", "ar", "--on", "2025-03-31", "--format", "json",
                                   "--books", str(root)])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    # 10,000.00 paid, 7,000.00 of it allocated to what was left of INV-0001: 3,000.00 on account
    assert (doc["rows"][0]["on_account"], doc["rows"][0]["total"]) == ("-3000.00", "-3000.00")
    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "reports" / "aging.schema.json")
                        .read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(doc))
