"""Labour cost % and prime cost (cost of sales + labour) per location and month, from payroll by the
employee's location and cost centre, beside revenue and cost of sales (docs/kpi.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.ledger.period import Span
from core.reports import Scope
from core.reports.kpi import build_kpi, build_prime_cost
from tests.conftest import ACCOUNTS as BASE_ACCOUNTS, BOOKS_TOML

BOOKS = BOOKS_TOML + """\
sales = "600.01"
salaries = "770.08"
employer_contributions = "770.09"
net_pay = "335.01"
income_tax_payable = "360.01"
social_security_payable = "361.01"

[accounts.cost_centre]
kitchen = "720.01:720.02"
service = "760.06:760.07"
office = "770.08:770.09"
"""
ACCOUNTS = BASE_ACCOUNTS + """\
- {code: "335.01", name: Personele borçlar, type: liability}
- {code: "360.01", name: Ödenecek gelir vergisi, type: liability}
- {code: "361.01", name: Ödenecek SGK primleri, type: liability}
- {code: "720.01", name: Mutfak personeli ücretleri, type: expense}
- {code: "720.02", name: Mutfak personeli SGK işveren payı, type: expense}
- {code: "760.06", name: Servis personeli ücretleri, type: expense}
- {code: "760.07", name: Servis personeli SGK işveren payı, type: expense}
- {code: "770.08", name: Personel ücretleri}
- {code: "770.09", name: SGK işveren payı}
"""
# the cook and a waiter work at Kadıköy, a waiter at Beşiktaş; the accountant has no location
EMPLOYEES = """\
- {id: EM-0001, kind: person, name: Kemal Aydın, hired: 2020-01-01, cost_centre: kitchen, location: KDK}
- {id: EM-0002, kind: person, name: Selin Kaya, hired: 2021-05-01, cost_centre: service, location: KDK}
- {id: EM-0003, kind: person, name: Deniz Acar, hired: 2022-03-01, cost_centre: service, location: BSK}
- {id: EM-0004, kind: person, name: Hatice Keskin, hired: 2019-02-01, cost_centre: office}
"""
PAYROLL = """\
- id: PR-2025-03
  period: 2025-03
  date: 2025-03-28
  lines:
    - {employee: EM-0001, gross: "45000.00"}
    - {employee: EM-0002, gross: "30000.00"}
    - {employee: EM-0003, gross: "40000.00"}
    - {employee: EM-0004, gross: "60000.00"}
"""
# March's takings and the cost of what was sold, by restaurant
JOURNAL = """\
- id: JE-1
  date: 2025-03-31
  postings:
    - {account: "100.01", debit: "800000.00"}
    - {account: "600.01", credit: "500000.00", location: KDK}
    - {account: "600.01", credit: "300000.00", location: BSK}
- id: JE-2
  date: 2025-03-31
  postings:
    - {account: "621", debit: "160000.00", location: KDK}
    - {account: "621", debit: "105000.00", location: BSK}
    - {account: "153", credit: "265000.00"}
"""
MARCH = Span(date(2025, 3, 1), date(2025, 4, 1))


def _book(books):
    book, problems = books({"books.toml": BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/employees.yaml": EMPLOYEES,
                            "payroll/2025/2025-03.yaml": PAYROLL, "journals/2025/2025-03.yaml": JOURNAL})
    assert [p.code for p in problems] == []
    return book


def test_prime_cost_by_location__labour_from_payroll_by_the_employees_location(books):
    t = build_prime_cost(_book(books), MARCH)
    # employer's share: 15.75% SGK + 2% unemployment = 17.75% of gross (docs/payroll.md)
    # KDK labour: 45,000.00 + 7,987.50 (cook, kitchen) + 30,000.00 + 5,325.00 (waiter, service) = 88,312.50
    #   food cost 160,000 / 500,000 = 32.0%; labour 88,312.50 / 500,000 = 17.66% -> 17.7;
    #   prime 248,312.50 / 500,000 = 49.66% -> 49.7
    # BSK labour: 40,000.00 + 7,100.00 = 47,100.00: 15.7%; food cost 35.0%; prime 152,100.00: 50.7%
    # (none): the accountant, 60,000.00 + 10,650.00 = 70,650.00, no revenue to divide by
    assert [r[:2] + r[3:] for r in t.rows] == [
        ("2025-03", "BSK", Decimal("300000.00"), Decimal("105000.00"), Decimal("35.0"), Decimal("47100.00"),
         Decimal("15.7"), Decimal("152100.00"), Decimal("50.7")),
        ("2025-03", "KDK", Decimal("500000.00"), Decimal("160000.00"), Decimal("32.0"), Decimal("88312.50"),
         Decimal("17.7"), Decimal("248312.50"), Decimal("49.7")),
        ("2025-03", "(none)", Decimal("0.00"), Decimal("0.00"), None, Decimal("70650.00"), None,
         Decimal("70650.00"), None),
    ]
    # the company: 265,000 / 800,000 = 33.125% -> 33.1 (half to even); labour 206,062.50 / 800,000 = 25.76% -> 25.8;
    # prime 471,062.50 / 800,000 = 58.88% -> 58.9
    assert t.totals[3:] == (Decimal("800000.00"), Decimal("265000.00"), Decimal("33.1"), Decimal("206062.50"),
                            Decimal("25.8"), Decimal("471062.50"), Decimal("58.9"))


def test_kpi_report__labour_and_prime_cost_rows_for_the_company_and_one_location(books):
    book = _book(books)

    def rows(scope: Scope) -> dict[str, Decimal | None]:
        return {r[0]: r[2] for r in build_kpi(book, MARCH, scope=scope).rows}

    whole = rows(Scope())
    assert (whole["labour_cost"], whole["labour_cost_pct"], whole["prime_cost"], whole["prime_cost_pct"]) == (
        Decimal("206062.50"), Decimal("25.8"), Decimal("471062.50"), Decimal("58.9"))
    kdk = rows(Scope(location="KDK"))
    assert (kdk["labour_cost"], kdk["labour_cost_pct"], kdk["prime_cost"], kdk["prime_cost_pct"]) == (
        Decimal("88312.50"), Decimal("17.7"), Decimal("248312.50"), Decimal("49.7"))
