"""A credit note after the invoice was paid claws the commission back in its own month's payroll."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.test_documents import ACCOUNTS, CONTACTS, EMPLOYEES, PAYROLL_ROLES

# The banquet of 2 March: 10,000.00 net + 10% VAT, paid in full on 20 March. In May the customer
# returns 2,500.00 net of it (a credit note of 2,750.00 with VAT, refunded).
MARCH = """
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
MAY = """
- id: CN-0009
  kind: credit-note
  date: 2025-05-12
  party: CU-0050
  invoice: INV-0009
  lines: [{account: "600.01", quantity: "1", price: "2500.00", vat_rate: "10"}]
"""


def run(period: str, commission: str) -> str:
    return f"""
- id: PR-{period}
  period: {period}
  date: {period}-28
  lines:
    - {{employee: EM-0007, gross: "45000.00", commission: "{commission}"}}
"""


@pytest.mark.parametrize("may, warned", [("-50.00", []), ("0.00", ["W003"]), ("-250.00", ["W003"])])
def test_credit_note_in_may__recovers_the_difference_in_mays_run_and_leaves_march_alone(books, may, warned):
    from core.erp.commissions import earned

    book, problems = books({"books.toml": PAYROLL_ROLES, "accounts.yaml": ACCOUNTS,
                            "contacts/erp/customers.yaml": CONTACTS, "contacts/erp/employees.yaml": EMPLOYEES,
                            "orders/2025/2025-03.yaml": MARCH, "orders/2025/2025-05.yaml": MAY,
                            "payroll/2025/2025-03.yaml": run("2025-03", "200.00"),
                            "payroll/2025/2025-05.yaml": run("2025-05", may)})
    # March: 2% of 10,000.00 = 200.00, paid with March's run and not re-flagged by May's credit note
    assert earned(book, "2025-03") == {"EM-0007": Decimal("200.00")}
    # May: 2% of 7,500.00 - 2% of 10,000.00 = 150.00 - 200.00 = -50.00
    assert earned(book, "2025-05") == {"EM-0007": Decimal("-50.00")}
    assert earned(book, "2025-04") == {}
    got = [(p.code, p.record) for p in problems]
    assert got == [(c, "PR-2025-05") for c in warned]


def test_credit_note_before_payment__nets_in_the_month_of_payment(books):
    from core.erp.commissions import earned

    early = MAY.replace("2025-05-12", "2025-03-10")
    paid = MARCH.replace('amount: "11000.00"', 'amount: "8250.00"')      # 11,000.00 - 2,750.00
    book, problems = books({"books.toml": PAYROLL_ROLES, "accounts.yaml": ACCOUNTS,
                            "contacts/erp/customers.yaml": CONTACTS, "contacts/erp/employees.yaml": EMPLOYEES,
                            "orders/2025/2025-03.yaml": paid + early})
    assert problems == []
    assert earned(book, "2025-03") == {"EM-0007": Decimal("150.00")}       # 2% of 7,500.00


def test_clawback_beyond_the_gross__is_refused(books):
    book, problems = books({"books.toml": PAYROLL_ROLES, "accounts.yaml": ACCOUNTS,
                            "contacts/erp/customers.yaml": CONTACTS, "contacts/erp/employees.yaml": EMPLOYEES,
                            "payroll/2025/2025-05.yaml": run("2025-05", "-50.00").replace("45000.00", "40.00")})
    assert [p.code for p in problems if p.severity == "error"] == ["E062"]
