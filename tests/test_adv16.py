"""Issue 16 as an adversarial tester found it (notes/adv-16.md): each test is a finding, typed as
the accountant's example, that failed before its fix."""

from __future__ import annotations

from decimal import Decimal as D

from core.ledger.period import parse_period
from core.reports.cashflow import build_cash_flow

IFRS_TOML = """\
[company]
name = "Cons Ltd"
base_currency = "EUR"
chart = "ifrs-small"

[currencies]
EUR = 2

[accounts]
rounding = "7090"
retained_earnings = "3020"
"""

IFRS_ACCOUNTS = """\
- {code: "1000", name: Cash and cash equivalents, type: cash}
- {code: "1020", name: "Bank, current account", type: bank, parent: "1000"}
- {code: "1500", name: "Property, plant and equipment", type: asset}
- {code: "1540", name: Furniture and fittings, parent: "1500"}
- {code: "1590", name: Accumulated depreciation, parent: "1500"}
- {code: "2100", name: Borrowings, type: liability}
- {code: "2120", name: Long-term bank loans, parent: "2100"}
- {code: "3000", name: Equity, type: equity}
- {code: "3010", name: Share capital, parent: "3000"}
- {code: "3020", name: Retained earnings, parent: "3000"}
- {code: "4000", name: Revenue, type: income}
- {code: "4010", name: Sales of goods and services, parent: "4000"}
- {code: "6000", name: Operating expenses, type: expense}
- {code: "6030", name: Rent, parent: "6000"}
- {code: "6060", name: Depreciation and amortisation, parent: "6000"}
- {code: "7000", name: Finance costs, type: expense}
- {code: "7090", name: Rounding differences, parent: "7000"}
"""

IFRS_JANUARY = """\
- id: JE-2025-01-0001
  date: 2025-01-01
  memo: Opening balances
  tags: [opening]
  postings:
    - {account: "1020", debit: "100000.00"}
    - {account: "1540", debit: "50000.00"}
    - {account: "1590", credit: "10000.00"}
    - {account: "2120", credit: "40000.00"}
    - {account: "3010", credit: "60000.00"}
    - {account: "3020", credit: "40000.00"}
- id: JE-2025-01-0002
  date: 2025-01-10
  memo: Consulting invoice paid
  postings:
    - {account: "1020", debit: "30000.00"}
    - {account: "4010", credit: "30000.00"}
- id: JE-2025-01-0003
  date: 2025-01-11
  memo: Rent
  postings:
    - {account: "6030", debit: "5000.00"}
    - {account: "1020", credit: "5000.00"}
- id: JE-2025-01-0004
  date: 2025-01-20
  memo: Loan instalment and a new desk
  postings:
    - {account: "2120", debit: "4000.00"}
    - {account: "1540", debit: "6000.00"}
    - {account: "1020", credit: "10000.00"}
- id: JE-2025-01-0005
  date: 2025-01-31
  memo: January depreciation
  postings:
    - {account: "6060", debit: "500.00"}
    - {account: "1590", credit: "500.00"}
- id: JE-2025-01-0006
  date: 2025-01-31
  memo: Capital increase
  postings:
    - {account: "1020", debit: "2000.00"}
    - {account: "3010", credit: "2000.00"}
"""


def test_ifrs_cash_flow__equipment_is_investing_loans_and_capital_are_financing(books):
    """F9: on ifrs-small books the desk bought (1500) is investing, the loan repaid (2100) and the
    capital paid in (3000) financing, the depreciation (1590) a non-cash item; by hand: result
    30,000 - 5,000 - 500 = 24,500, operating 24,500 + 500 = 25,000, investing -6,000, financing
    -4,000 + 2,000 = -2,000, change 17,000 from 100,000 to 117,000."""
    book, problems = books({"books.toml": IFRS_TOML, "accounts.yaml": IFRS_ACCOUNTS,
                            "journals/2025/2025-01.yaml": IFRS_JANUARY}, base=False)
    assert [p for p in problems if p.severity == "error"] == []
    m = build_cash_flow(book, parse_period("2025-01")).meta
    assert m["result"] == D("24500.00")
    assert m["operating"] == D("25000.00")
    assert m["investing"] == D("-6000.00")
    assert m["financing"] == D("-2000.00")
    assert m["cash_begin"] == D("100000.00") and m["cash_end"] == D("117000.00") and m["reconciled"]
