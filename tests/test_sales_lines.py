"""Every income line of an invoice is a sale to its customer, with an item or without one.

Boğaziçi Etkinlik (CU-0050) in January, by hand:
  INV-0001  600.01 sales role line              10,000.00 + 20% VAT
  INV-0002  600.02 catering, a line with no item  1,234.57 + 10% VAT
  CN-0001   600.02 catering returned               -234.57 (credit note on INV-0002)
Net sales of CU-0050: 10,000.00 + 1,234.57 - 234.57 = 11,000.00, what the income statement shows on
600 for the month. A journal entry on 600.02 (a correction typed by hand) is not a sale to anyone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from core.erp.load import load_ledger
from core.ledger.period import Span
from core.reports.sales import build_sales
from tests.conftest import write_books
from tests.test_documents import ACCOUNTS, CONTACTS, ROLES

JANUARY = """\
- id: INV-0001
  kind: invoice
  date: 2025-01-10
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "20"}]
- id: INV-0002
  kind: invoice
  date: 2025-01-12
  party: CU-0050
  lines: [{account: "600.02", quantity: "1", price: "1234.57", vat_rate: "10"}]
- id: CN-0001
  kind: credit-note
  date: 2025-01-20
  party: CU-0050
  invoice: INV-0002
  lines: [{account: "600.02", quantity: "1", price: "234.57", vat_rate: "10"}]
"""
ENTRY = """\
- id: JE-0001
  date: 2025-01-31
  memo: catering income moved by hand
  postings:
    - {account: "600.02", credit: "500.00"}
    - {account: "102.01", debit: "500.00"}
"""


def test_sales__an_income_line_without_an_item_is_a_sale_to_the_customer(tmp_path):
    catering = '- {code: "600.02", name: "Catering satışları", type: income}\n'
    root = write_books(tmp_path / "books", {
        "books.toml": ROLES, "accounts.yaml": ACCOUNTS + catering, "contacts/erp/customers.yaml": CONTACTS,
        "orders/2025/2025-01.yaml": JANUARY, "journals/2025/2025-01.yaml": ENTRY}, base=False)
    book, problems = load_ledger(root, use_cache=False)
    assert [p for p in problems if p.severity == "error"] == []
    table = build_sales(book, "customer", Span(date(2025, 1, 1), date(2025, 2, 1)))
    rows = {r[0]: r for r in table.rows}
    assert set(rows) == {"CU-0050"}
    keys = [c.key for c in table.columns]
    row = dict(zip(keys, rows["CU-0050"]))
    assert (row["documents"], row["sales"], row["returns"], row["net"]) == (3, D("11234.57"), D("234.57"),
                                                                            D("11000.00"))
