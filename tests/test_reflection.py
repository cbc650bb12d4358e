"""Monthly statements under the 7/A chart show the operating expenses before year end (issue 16, item 8).

A restaurant on the 7/A option books its rent in 770 (general administration), card commissions in
760 (marketing and sales) and bank interest in 780 (finance). The year-end close reflects them into
632, 631 and 660 through 771, 761 and 781. January's income statement must already show them on those
lines, as the year-end statement will, not leave the income statement's expenses empty.
"""

from __future__ import annotations

from decimal import Decimal as D

from core.ledger.period import parse_period
from core.reports.statements import build_income_statement
from tests.conftest import ACCOUNTS, BOOKS_TOML

BOOKS = BOOKS_TOML + """
[accounts.reflection]
760 = "761:631"
770 = "771:632"
780 = "781:660"
"""

CHART = ACCOUNTS + """\
- {code: "631", name: Pazarlama Satış ve Dağıtım Giderleri, type: expense}
- {code: "632", name: Genel Yönetim Giderleri, type: expense}
- {code: "660", name: Kısa Vadeli Borçlanma Giderleri, type: expense}
- {code: "760", name: Pazarlama Satış ve Dağıtım Giderleri (7/A), type: expense}
- {code: "760.01", name: Kart komisyonları}
- {code: "761", name: Pazarlama Satış ve Dağıtım Giderleri Yansıtma, type: expense}
- {code: "771", name: Genel Yönetim Giderleri Yansıtma, type: expense}
- {code: "780", name: Finansman Giderleri (7/A), type: expense}
- {code: "781", name: Finansman Giderleri Yansıtma, type: expense}
"""

JANUARY = """\
- id: JE-1
  date: 2025-01-05
  memo: Kira, Ocak
  postings:
    - {account: "770.01", debit: "85000.00"}
    - {account: "102.01", credit: "85000.00"}
- id: JE-2
  date: 2025-01-31
  memo: Kart komisyonu
  postings:
    - {account: "760.01", debit: "1750.00"}
    - {account: "102.01", credit: "1750.00"}
- id: JE-3
  date: 2025-01-31
  memo: Kredi faizi
  postings:
    - {account: "780", debit: "4200.00"}
    - {account: "102.01", credit: "4200.00"}
- id: JE-4
  date: 2025-01-31
  memo: Nakit satış
  postings:
    - {account: "100.01", debit: "150000.00"}
    - {account: "600.01", credit: "150000.00"}
"""


def lines(table) -> dict[str, D]:
    return {r[2]: r[4] for r in table.rows if r[2]}


def test_income_statement__7a_costs_stand_on_their_reflection_targets_every_month(books):
    book, problems = books({"books.toml": BOOKS, "accounts.yaml": CHART, "journals/2025/2025-01.yaml": JANUARY})
    assert [p for p in problems if p.severity == "error"] == []
    january = build_income_statement(book, parse_period("2025-01"))
    shown = lines(january)
    assert shown["632"] == D("85000.00")       # rent, booked in 770.01
    assert shown["631"] == D("1750.00")        # card commission, booked in 760.01
    assert shown["660"] == D("4200.00")        # interest, booked in 780
    assert not {"760", "760.01", "770", "770.01", "780"} & set(shown), "no 7-class line beside its target"
    assert january.meta["expenses"] == D("85000.00") + D("1750.00") + D("4200.00")
    assert january.meta["result"] == D("150000.00") - D("90950.00")


def test_income_statement__a_reflection_already_posted_is_not_counted_twice(books):
    reflected = JANUARY + """\
- id: JE-5
  date: 2025-01-31
  memo: Yansıtma (elle, ay sonu)
  postings:
    - {account: "632", debit: "85000.00"}
    - {account: "771", credit: "85000.00"}
"""
    book, _ = books({"books.toml": BOOKS, "accounts.yaml": CHART, "journals/2025/2025-01.yaml": reflected})
    shown = lines(build_income_statement(book, parse_period("2025-01")))
    assert shown["632"] == D("85000.00") and "771" not in shown


def test_income_statement__books_without_the_7a_table_are_as_booked(books):
    book, _ = books({"accounts.yaml": CHART, "journals/2025/2025-01.yaml": JANUARY})
    shown = lines(build_income_statement(book, parse_period("2025-01")))
    assert shown["770.01"] == D("85000.00") and "632" not in shown
