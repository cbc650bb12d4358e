"""Supplier price history and the warning at receipt when a price jumps (sea bass in March)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.ledger.period import Span
from core.reports.supplier_prices import build_supplier_prices
from tests.test_supply_network import ACCOUNTS, ITEMS, LOCATIONS, SUPPLIERS, TOML

# sea bass from Kadıköy Balıkçısı at 429.31 on 3 March, 440.00 on 5 March, 568.14 on 7 March;
# from Ege Zeytin ve Manav once at 600.00 (another supplier: its own history)
MOVES = """\
id,date,kind,item,location,quantity,unit_cost,document
MV-1,2025-03-03,receipt,FSH-LEVREK,KDK,10.000,429.3100,PO-1
MV-2,2025-03-05,receipt,FSH-LEVREK,KDK,10.000,440.0000,PO-2
MV-3,2025-03-07,receipt,FSH-LEVREK,KDK,10.000,568.1400,PO-3
MV-4,2025-03-07,receipt,FSH-LEVREK,MTF,5.000,600.0000,PO-4
"""


def po(n: int, day: str, party: str, loc: str, q: str, price: str) -> str:
    return f"""\
- id: PO-{n}
  kind: purchase
  date: {day}
  party: {party}
  location: {loc}
  status: closed
  lines: [{{item: FSH-LEVREK, quantity: "{q}", price: "{price}", vat_rate: "1"}}]
"""


ORDERS = (po(1, "2025-03-02", "SU-0101", "KDK", "10.000", "429.31")
          + po(2, "2025-03-04", "SU-0101", "KDK", "10.000", "440.00")
          + po(3, "2025-03-06", "SU-0101", "KDK", "10.000", "568.14")
          + po(4, "2025-03-06", "SU-0102", "MTF", "5.000", "600.00"))


def _books(books, alert: str = ""):
    return books({"books.toml": TOML + alert, "accounts.yaml": ACCOUNTS, "stock/locations.yaml": LOCATIONS,
                  "contacts/erp/suppliers.yaml": SUPPLIERS, "stock/items.yaml": ITEMS,
                  "stock/moves/2025/2025-03.csv": MOVES, "orders/2025/2025-03.yaml": ORDERS})


def test_price_history__change_on_the_same_suppliers_last_receipt(books):
    book, problems = _books(books)
    assert problems == []                                   # no threshold set: no warning
    table = build_supplier_prices(book, Span(date(2025, 3, 1), date(2025, 4, 1)), alert=Decimal(25))
    got = [(r[1], r[2], r[6], r[7], r[8], r[9]) for r in table.rows]
    # 440.00 / 429.31 - 1 = +2.49%; 568.14 / 440.00 - 1 = +29.12% (beyond 25%); SU-0102's first price
    assert got == [
        ("SU-0101", "2025-03-03", Decimal("429.31"), None, None, ""),
        ("SU-0101", "2025-03-05", Decimal("440.00"), Decimal("429.31"), Decimal("2.49"), ""),
        ("SU-0101", "2025-03-07", Decimal("568.14"), Decimal("440.00"), Decimal("29.12"), "up"),
        ("SU-0102", "2025-03-07", Decimal("600.00"), None, None, ""),
    ]
    assert table.meta["flagged"] == 1


def test_receipt_beyond_the_books_alert__is_w045_at_its_row(books):
    _, problems = _books(books, "\n[prices]\nalert_pct = 25\n")
    assert [(p.code, p.path, p.line, p.record) for p in problems] == [
        ("W045", "stock/moves/2025/2025-03.csv", 4, "MV-3")]
    assert problems[0].message == "FSH-LEVREK from SU-0101 costs +29.1% on its last receipt"
