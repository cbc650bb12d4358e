"""Active customers, churn over a window fit for catering, and CAC with campaign spend spread over the campaign."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.ledger.period import Span
from core.reports.kpi import build_kpi, campaign_spend, crm_figures
from tests.test_documents import ACCOUNTS, ROLES

CUSTOMERS = """\
- {id: CU-0001, kind: company, name: Anadolu Sigorta Etkinlik}
- {id: CU-0002, kind: company, name: Boğaziçi Düğün Salonu}
- {id: CU-0003, kind: company, name: Caddebostan Spor Kulübü}
- {id: CU-0004, kind: company, name: Dalyan Turizm}
"""


def invoice(n: int, day: str, party: str, net: str) -> str:
    return f"""\
- id: INV-{n:04d}
  kind: invoice
  date: {day}
  party: {party}
  lines: [{{account: "600.01", quantity: "1", price: "{net}", vat_rate: "10"}}]
"""


ORDERS_2024 = invoice(1, "2024-03-20", "CU-0002", "8000.00") + invoice(2, "2024-05-10", "CU-0001", "10000.00") \
    + invoice(3, "2024-12-15", "CU-0003", "5000.00")
ORDERS_2025 = invoice(4, "2025-03-05", "CU-0001", "20000.00") + invoice(5, "2025-03-20", "CU-0004", "12000.00") + """\
- id: CN-0001
  kind: credit-note
  date: 2025-03-10
  party: CU-0003
  invoice: INV-0003
  lines: [{account: "600.01", quantity: "1", price: "1000.00", vat_rate: "10"}]
"""
CAMPAIGNS = """\
- {id: CMP-IFTAR, name: Iftar menus for firms, kind: email, start: 2025-02-10, end: 2025-03-29, cost: "48000.00"}
"""
MARCH = Span(date(2025, 3, 1), date(2025, 4, 1))


def _book(books):
    book, problems = books({"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
                            "orders/2024/2024-12.yaml": ORDERS_2024, "orders/2025/2025-03.yaml": ORDERS_2025,
                            "contacts/crm/campaigns.yaml": CAMPAIGNS})
    assert problems == []
    return book


def test_march__active_new_churned_over_twelve_months_and_cac_on_the_attributed_spend(books):
    book = _book(books)
    f = crm_figures(book, MARCH)
    # invoiced in March: CU-0001 and CU-0004; CU-0003 has only a credit note in March: not active
    assert f["active"] == 2
    # new: CU-0004 (first invoice ever); CU-0001 was invoiced in May 2024
    assert f["new"] == 1
    # base before March (invoiced 1 Mar 2024 .. 28 Feb 2025): CU-0001, CU-0002, CU-0003;
    # by 31 March, CU-0002's last invoice (20 Mar 2024) is more than 12 months old: churned
    assert (f["active_before"], f["churned"], f["customer_base"]) == (3, 1, 3)
    # the campaign ran 48 days (19 in February, 29 in March): 48,000.00 x 29 / 48 = 29,000.00 in March
    assert campaign_spend(book, MARCH) == 29000
    assert campaign_spend(book, Span(date(2025, 2, 1), date(2025, 3, 1))) == 19000
    rows = {r[0]: r[2] for r in build_kpi(book, MARCH).rows}
    assert rows["active_customers"] == 2 and rows["new_customers"] == 1
    assert rows["churn_pct"] == Decimal("33.3")                           # 1 / 3
    assert rows["cac"] == Decimal("29000.00")                             # 29,000.00 / 1 new customer
    # net sales of named customers in March: 20,000 + 12,000 - 1,000 = 31,000.00; no cost of sales, so a
    # 100% margin; 31,000 / 3 customers in the base x 3 periods expected (1 / churn 1/3) = 31,000.00
    assert rows["clv"] == Decimal("31000.00")


def test_a_monthly_window__would_lose_a_yearly_customer(books):
    book = _book(books)
    # with a one-month window, none of the three was invoiced in February: no base, no churn figure
    f = crm_figures(book, MARCH, window=1)
    assert (f["active_before"], f["churned"]) == (0, 0)
    f = crm_figures(book, Span(date(2025, 4, 1), date(2025, 5, 1)), window=1)
    assert (f["active_before"], f["churned"]) == (2, 2)                   # both March customers "lost" in April
