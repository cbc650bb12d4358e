"""Wages by cost centre: cooks' pay on 720 (reflected to 622 at year end), service on 760, office on
770, from the employee's `cost_centre`; an employee without one posts to the `salaries` role (W030).
A run in a year without payroll parameters is E203 and is not posted."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

BOOKS = """\
[company]
name = "Test Lokanta Ltd."
base_currency = "TRY"

[accounts]
rounding = "659.99"
salaries = "770.08"
employer_contributions = "770.09"
net_pay = "335.01"
income_tax_payable = "360.01"
social_security_payable = "361.01"

[accounts.cost_centre]
kitchen = "720.01:720.02"
service = "760.06:760.07"
"""
ACCOUNTS = """\
- {code: "335.01", name: Personele borçlar, type: liability}
- {code: "360.01", name: Ödenecek gelir vergisi, type: liability}
- {code: "361.01", name: Ödenecek SGK primleri, type: liability}
- {code: "659.99", name: Yuvarlama, type: expense}
- {code: "720.01", name: Mutfak personeli ücretleri, type: expense}
- {code: "720.02", name: Mutfak personeli SGK işveren payı, type: expense}
- {code: "770.08", name: Personel ücretleri, type: expense}
- {code: "770.09", name: SGK işveren payı, type: expense}
- {code: "760.06", name: Servis personeli ücretleri, type: expense}
- {code: "760.07", name: Servis personeli SGK işveren payı, type: expense}
"""
EMPLOYEES = """\
- {id: EM-0001, kind: person, name: Kemal Aydın, hired: 2020-01-01, cost_centre: kitchen}
- {id: EM-0002, kind: person, name: Selin Kaya, hired: 2021-05-01, cost_centre: service}
- {id: EM-0003, kind: person, name: Hatice Keskin, hired: 2019-02-01}
"""


def run(period: str) -> str:
    return f"""\
- id: PR-{period}
  period: {period}
  date: {period}-28
  lines:
    - {{employee: EM-0001, gross: "45000.00"}}
    - {{employee: EM-0002, gross: "30000.00"}}
    - {{employee: EM-0003, gross: "60000.00"}}
"""


def debits(book, entry: str) -> dict[str, Decimal]:
    p = book.ledger().filter((pl.col("entry_id") == entry) & (pl.col("base") > 0))
    return {a: Decimal(b).scaleb(-2) for a, b in p.group_by("account").agg(pl.col("base").sum()).sort("account")
            .iter_rows()}


def test_wages_post_to_the_cost_centre_of_each_employee(books):
    book, problems = books({"books.toml": BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/employees.yaml": EMPLOYEES,
                            "payroll/2025/2025-03.yaml": run("2025-03")})
    assert [p.code for p in problems] == ["W030"]          # EM-0003 has none: the salaries role
    # employer share 15.75% SGK (20.75 less the 5-point incentive) + 2% unemployment = 17.75% of gross:
    # 45,000.00 -> 7,987.50; 30,000.00 -> 5,325.00; 60,000.00 -> 10,650.00
    assert debits(book, "PR-2025-03") == {
        "720.01": Decimal("45000.00"), "720.02": Decimal("7987.50"),
        "760.06": Decimal("30000.00"), "760.07": Decimal("5325.00"),
        "770.08": Decimal("60000.00"), "770.09": Decimal("10650.00")}


def test_a_run_in_a_year_without_its_parameters_is_refused_not_priced_at_last_years_rates(books):
    files = {"books.toml": BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/employees.yaml": EMPLOYEES,
             "payroll/2026/2026-01.yaml": run("2026-01")}
    book, problems = books(files)
    [p] = [p for p in problems if p.code == "E203"]
    assert (p.path, p.line, p.record) == ("payroll/2026/2026-01.yaml", 1, "PR-2026-01")
    assert book.ledger().filter(pl.col("entry_id") == "PR-2026-01").height == 0
    # with the year's parameters (only what changed: the 2026 minimum wage) it posts
    files["books.toml"] = BOOKS + '\n[payroll.2026]\nminimum_wage = "33030.00"\nsgk_floor = "33030.00"\n'
    book, problems = books(files)
    assert not [p for p in problems if p.code == "E203"]
    assert book.ledger().filter(pl.col("entry_id") == "PR-2026-01").height > 0
