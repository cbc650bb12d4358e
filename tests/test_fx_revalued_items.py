"""An EUR receivable revalued at a month end, then paid: the revaluation moves the invoice's carrying
value, it is no open item of its own, and the payment's realized difference is measured from the
revalued value (IAS 21.28; core/ledger/subledger.py, Ledgers.revalue).

Kalamata Travel GmbH (CU-0051, EUR, net15), by hand:
  INV-0001 10 Jan  1,000.00 EUR (no VAT) at 36.00 = 36,000.00 TRY         on 120.01
  January closed on 3 February: EUR at 37.00 on 31 January; 120.01 CU-0051 1,000.00 EUR is worth
    37,000.00, booked 36,000.00: revaluation 120.01 +1,000.00, 646.01 credit 1,000.00 (unrealized)
  PAY-0001 10 Feb  1,000.00 EUR at 37.00 = 37,000.00 TRY into 102.02, allocating INV-0001
The payment settles INV-0001 at its carrying value 37,000.00: no realized difference (37,000.00 -
37,000.00 = 0). 646.01 over January and February: 1,000.00 (the revaluation), not 2,000.00. The
customer owes 0.00 from 10 February; on 31 January the aging shows INV-0001 alone at 37,000.00.
"""

from __future__ import annotations

from datetime import date

from core.close import run
from core.erp.load import load_ledger
from core.ledger.subledger import open_items, state_of
from tests.conftest import write_books
from tests.test_documents import ACCOUNTS, CONTACTS, ROLES

WHO = "Zeynep Kaya <z@lokanta.example>"
JANUARY = """\
- id: INV-0001
  kind: invoice
  date: 2025-01-10
  party: CU-0051
  currency: EUR
  lines: [{account: "600.01", quantity: "1", price: "1000.00", vat_rate: "0"}]
"""
FEBRUARY = """\
- id: PAY-0001
  kind: payment
  date: 2025-02-10
  party: CU-0051
  currency: EUR
  account: "102.02"
  amount: "1000.00"
  allocations: [{invoice: INV-0001, amount: "1000.00"}]
"""


def test_a_revalued_receivable_is_paid_at_its_revalued_value(tmp_path):
    root = write_books(tmp_path / "books", {
        "books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CONTACTS,
        "orders/2025/2025-01.yaml": JANUARY, "rates/2025.csv": "date,currency,rate\n2025-01-02,EUR,36.0000\n"
        "2025-01-31,EUR,37.0000\n"}, base=False)
    done = run.run_close(root, "2025-01", date(2025, 2, 3), WHO)
    assert done.status == "closed", [p.message for p in done.problems + list(done.plan.problems)]
    (root / "orders/2025/2025-02.yaml").write_text(FEBRUARY)
    book, problems = load_ledger(root, use_cache=False)
    assert problems == []

    assert [(i.doc, i.amount) for i in open_items(book, "ar", date(2025, 1, 31))] == [("INV-0001", 3_700_000)]
    pay = book.derived_postings.filter(book.derived_postings["entry_id"] == "PAY-0001")
    assert sorted(pay.select("account", "base").iter_rows()) == [("102.02", 3_700_000), ("120.01", -3_700_000)]
    assert open_items(book, "ar", date(2025, 2, 28)) == []
    assert state_of(book, "INV-0001").state == "paid"
    led = book.ledger()
    assert led.filter(led["account"] == "646.01")["base"].sum() == -100_000
    assert led.filter((led["account"] == "120.01") & (led["date"] <= date(2025, 2, 28)))["base"].sum() == 0
