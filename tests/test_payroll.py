"""Payroll runs, worked by hand with the Turkish 2025 figures (docs/payroll.md).

2025 rules used throughout (all defaults of `PayrollRules`):
  SGK employee 14% and unemployment insurance 1% (5510 art. 81, 4447 art. 49), on the gross
  capped at the SGK ceiling 195,041.40 and raised to the floor 26,005.50 (2025 minimum wage);
  employer SGK 20.75% less the 5-point incentive = 15.75%, employer unemployment 2%;
  income tax on wages by the cumulative brackets 158,000 / 330,000 / 1,200,000 / 4,300,000 at
  15 / 20 / 27 / 35 / 40% (GVK art. 103, 2025); stamp tax 0.759% (DVK table 1 IV-1);
  income and stamp tax on the minimum wage exempt (GVK art. 23/18, DVK table 2 IV-15):
  3,315.70 a month January-July, 4,257.57 in August, 4,420.93 September-December; 197.38.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from decimal import Decimal as D

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from core.books import schema
from core.ledger.derived import Entries
from core.model.records import Contact
from core.model.source import Source
from core.model.money import fmt_minor
from core.erp.payroll.calculation import (
    PaidInvoice,
    Payslip,
    add_commissions,
    commissions,
    compute_payslip,
    compute_run,
    income_tax_on,
    ytd_before,
)
from core.erp.payroll.posting import derive_payroll
from core.erp.payroll.runs import parse_runs
from core.model.payroll import Bracket, PayrollLine, PayrollRules, PayrollRun, Totals, read_rules

ROLES = {"salaries": "770.08", "employer_contributions": "770.09", "net_pay": "335.01",
         "income_tax_payable": "360.01", "social_security_payable": "361.01"}
RULES = PayrollRules()


def employee(eid: str, location: str | None = None, hired: str = "2020-01-01", left: str | None = None,
             **more: str) -> Contact:
    fields = {"location": location, "hired": hired, "left": left, **more}
    return Contact(eid, "erp", "employee", "person", f"Employee {eid}",
                   tuple((k, v) for k, v in fields.items() if v is not None))


STAFF = {
    "EM-0001": employee("EM-0001", "MTF"),
    "EM-0002": employee("EM-0002", "KDK"),
    "EM-0003": employee("EM-0003", "KDK", left="2025-01-31"),
    "EM-0004": employee("EM-0004", "KDK", hired="2025-06-01"),
    "CU-0001": Contact("CU-0001", "erp", "customer", "company", "Boğaziçi Etkinlik Ltd. Şti."),
}


def runs(text: str, rel: str = "payroll/2025/2025-03.yaml") -> list[PayrollRun]:
    got, problems = parse_runs(textwrap.dedent(text), rel)
    assert problems == []
    return got


def run_of(period: str, *lines: tuple[str, str], rid: str | None = None) -> PayrollRun:
    y, m = int(period[:4]), int(period[5:])
    last = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(m, 31)
    return PayrollRun(rid or f"PR-{period}", period, date(y, m, last),
                      tuple(PayrollLine(e, D(g)) for e, g in lines),
                      source=Source(f"payroll/{y}/{period}.yaml", 1))


def posted(entries: Entries) -> list[tuple[str, str, str | None, str]]:
    """The derived postings as (account, signed base, location, memo), in entry order."""
    postings, _ = entries.frames()
    return [(r["account"], fmt_minor(r["base"], 2), r["location"], r["memo"])
            for r in postings.iter_rows(named=True)]


# --------------------------------------------------------------------------- the calculation

def test_payslip__45000_march_salary_every_component():
    year = [*runs("""
        - id: PR-2025-01
          period: 2025-01
          date: 2025-01-31
          lines: [{employee: EM-0001, gross: "45000.00"}]
    """, "payroll/2025/2025-01.yaml"), *runs("""
        - id: PR-2025-02
          period: 2025-02
          date: 2025-02-28
          lines: [{employee: EM-0001, gross: "45000.00"}]
    """, "payroll/2025/2025-02.yaml"), *runs("""
        - id: PR-2025-03
          period: 2025-03
          date: 2025-03-31
          memo: March salaries
          lines: [{employee: EM-0001, gross: "45000.00"}]
    """)]
    march = year[2]
    ytd = ytd_before(year, march, RULES, STAFF)
    assert ytd == {"EM-0001": D("76500.00")}           # 2 x 38,250.00 taxed in January and February
    result = compute_run(march, STAFF, RULES, ytd)
    assert result.payslips == (Payslip(
        employee="EM-0001", location="MTF", days=30,
        salary=D("45000.00"), commission=D("0.00"), gross=D("45000.00"),
        sgk_base=D("45000.00"),                        # between floor 26,005.50 and ceiling 195,041.40
        employee_sgk=D("6300.00"),                     # 45,000.00 x 14%
        employee_unemployment=D("450.00"),             # 45,000.00 x 1%
        tax_base=D("38250.00"),                        # 45,000.00 - 6,300.00 - 450.00
        ytd_base=D("76500.00"),                        # 76,500 + 38,250 = 114,750 < 158,000: all at 15%
        income_tax_computed=D("5737.50"),              # 38,250.00 x 15%
        income_tax_exemption=D("3315.70"),             # minimum wage: 22,104.67 x 15% = 3,315.7005
        income_tax=D("2421.80"),                       # 5,737.50 - 3,315.70
        stamp_tax_computed=D("341.55"),                # 45,000.00 x 0.759%
        stamp_tax_exemption=D("197.38"),               # 26,005.50 x 0.759% = 197.3817
        stamp_tax=D("144.17"),                         # 341.55 - 197.38
        net=D("35684.03"),                             # 45,000 - 6,300 - 450 - 2,421.80 - 144.17
        employer_sgk=D("7087.50"),                     # 45,000.00 x 15.75%
        employer_unemployment=D("900.00"),             # 45,000.00 x 2%
    ),)
    assert result.payslips[0].employer_cost == D("52987.50")
    assert result.totals == Totals(gross=D("45000.00"), employee_sgk=D("6300.00"),
                                   employee_unemployment=D("450.00"), income_tax=D("2421.80"),
                                   stamp_tax=D("144.17"), net=D("35684.03"), employer_sgk=D("7087.50"),
                                   employer_unemployment=D("900.00"))


def test_payslip__crosses_the_20_percent_bracket_in_april():
    # 60,000.00 gross: tax base 60,000 - 8,400 (14%) - 600 (1%) = 51,000.00 a month.
    # Cumulative: Jan 51,000, Feb 102,000, Mar 153,000, Apr 204,000: April crosses 158,000.
    year = [run_of(f"2025-{m:02d}", ("EM-0001", "60000.00")) for m in (1, 2, 3, 4, 5)]
    taxes = []
    for run in year:
        slip = compute_run(run, STAFF, RULES, ytd_before(year, run, RULES, STAFF)).payslips[0]
        taxes.append((slip.ytd_base, slip.income_tax_computed, slip.income_tax))
    assert taxes == [
        (D(0), D("7650.00"), D("4334.30")),                 # 51,000 x 15%, less 3,315.70
        (D("51000.00"), D("7650.00"), D("4334.30")),
        (D("102000.00"), D("7650.00"), D("4334.30")),
        # April: (158,000 - 153,000) x 15% + (204,000 - 158,000) x 20% = 750.00 + 9,200.00
        (D("153000.00"), D("9950.00"), D("6634.30")),
        (D("204000.00"), D("10200.00"), D("6884.30")),         # May: 51,000 x 20%
    ]


def test_payslip__above_the_sgk_ceiling_premiums_stop_but_tax_does_not():
    slip = compute_payslip(PayrollLine("EM-0001", D("250000.00")), "2025-01", RULES)
    assert slip == Payslip(
        employee="EM-0001", location=None, days=30, salary=D("250000.00"), commission=D("0.00"),
        gross=D("250000.00"),
        sgk_base=D("195041.40"),                       # capped: 2025 ceiling, 6,501.38 a day x 30
        employee_sgk=D("27305.80"),                    # 195,041.40 x 14% = 27,305.796
        employee_unemployment=D("1950.41"),            # 195,041.40 x 1% = 1,950.414
        tax_base=D("220743.79"),                       # 250,000 - 27,305.80 - 1,950.41: on the whole gross
        ytd_base=D("0.00"),
        # 158,000 x 15% + 62,743.79 x 20% = 23,700.00 + 12,548.758 = 36,248.758
        income_tax_computed=D("36248.76"),
        income_tax_exemption=D("3315.70"),
        income_tax=D("32933.06"),
        stamp_tax_computed=D("1897.50"),               # 250,000 x 0.759%
        stamp_tax_exemption=D("197.38"),
        stamp_tax=D("1700.12"),
        net=D("186110.61"),                            # 250,000 - 27,305.80 - 1,950.41 - 32,933.06 - 1,700.12
        employer_sgk=D("30719.02"),                    # 195,041.40 x 15.75% = 30,719.0205
        employer_unemployment=D("3900.83"),            # 195,041.40 x 2% = 3,900.828
    )


@pytest.mark.parametrize(("period", "ytd", "exempt"), [
    ("2025-01", D("0.00"), D("3315.70")),              # 22,104.67 x 15% = 3,315.7005
    # August: 7 x 22,104.67 = 154,732.69 before; 3,267.31 x 15% + 18,837.36 x 20% = 490.0965 + 3,767.472
    ("2025-08", D("154732.69"), D("4257.57")),
    ("2025-12", D("243151.37"), D("4420.93")),         # all at 20%: 22,104.67 x 20% = 4,420.934
])
def test_payslip__minimum_wage_earner_pays_no_income_or_stamp_tax(period, ytd, exempt):
    slip = compute_payslip(PayrollLine("EM-0002", D("26005.50")), period, RULES, ytd)
    # SGK 26,005.50 x 14% = 3,640.77; unemployment 260.055 -> 260.06; base 22,104.67
    assert (slip.employee_sgk, slip.employee_unemployment, slip.tax_base) == (
        D("3640.77"), D("260.06"), D("22104.67"))
    assert (slip.income_tax_computed, slip.income_tax_exemption, slip.income_tax) == (
        exempt, exempt, D("0.00"))
    assert (slip.stamp_tax_computed, slip.stamp_tax_exemption, slip.stamp_tax) == (
        D("197.38"), D("197.38"), D("0.00"))
    assert slip.net == D("22104.67")                   # the published 2025 net minimum wage


def test_payslip__exemption_never_exceeds_the_tax_and_follows_the_days():
    # 15 days at the minimum wage: 13,002.75 gross, the floor for 15 days (866.85 a day).
    half = compute_payslip(PayrollLine("EM-0002", D("13002.75"), days=15), "2025-03", RULES)
    # SGK 1,820.385 -> 1,820.39, unemployment 130.0275 -> 130.03, tax base 11,052.33
    assert (half.sgk_base, half.tax_base, half.income_tax, half.stamp_tax, half.net) == (
        D("13002.75"), D("11052.33"), D("0.00"), D("0.00"), D("11052.33"))
    # Without the exemption (rules switched off) the same pay is taxed: 11,052.33 x 15% = 1,657.8495,
    # stamp 13,002.75 x 0.759% = 98.6909.
    taxed = compute_payslip(PayrollLine("EM-0002", D("13002.75"), days=15), "2025-03",
                            PayrollRules(minimum_wage_exemption=False))
    assert (taxed.income_tax, taxed.stamp_tax) == (D("1657.85"), D("98.69"))


def test_payslip__pay_below_the_floor_pays_premiums_on_the_floor():
    slip = compute_payslip(PayrollLine("EM-0002", D("20000.00")), "2025-03", RULES)
    assert slip.sgk_base == D("26005.50")
    assert (slip.employee_sgk, slip.employer_sgk) == (D("3640.77"), D("4095.87"))


def test_income_tax_on__is_the_difference_of_cumulative_taxes():
    # 3,000 x 15% + 7,000 x 20% = 450.00 + 1,400.00
    assert income_tax_on(D("10000.00"), D("155000.00"), RULES.income_tax) == D("1850.00")
    assert income_tax_on(D("0.00"), D("155000.00"), RULES.income_tax) == D("0.00")
    top = income_tax_on(D("100000.00"), D("5000000.00"), RULES.income_tax)
    assert top == D("40000.00")


# --------------------------------------------------------------------------- commissions

def test_commission__two_percent_of_a_paid_invoice_flows_into_the_next_run():
    paid = [
        PaidInvoice("INV-2025-031", "EM-0002", D("10000.00"), date(2025, 3, 12)),   # paid in full in March
        PaidInvoice("INV-2025-032", "EM-0002", D("8000.00"), None),                 # still open: nothing yet
        PaidInvoice("INV-2025-033", "EM-0002", D("5000.00"), date(2025, 4, 2)),     # paid in April
        PaidInvoice("INV-2025-034", "EM-0002", D("0.00"), date(2025, 3, 20)),       # fully credited: nothing
        PaidInvoice("INV-2025-035", None, D("9000.00"), date(2025, 3, 20)),         # house account: no rep
    ]
    earned = commissions(paid, RULES.commission_rate, period="2025-03")
    assert earned == {"EM-0002": D("200.00")}                                      # 10,000.00 x 2%
    assert commissions(paid, RULES.commission_rate) == {"EM-0002": D("300.00")}    # + 5,000 x 2% in April

    march = add_commissions(run_of("2025-03", ("EM-0002", "30000.00")), earned)
    assert march.lines[0].commission == D("200.00")
    slip = compute_run(march, STAFF, RULES, {}).payslips[0]
    # gross 30,200.00; SGK 4,228.00; unemployment 302.00; tax base 25,670.00;
    # income tax 3,850.50 - 3,315.70 = 534.80; stamp 229.218 -> 229.22 - 197.38 = 31.84
    assert (slip.salary, slip.commission, slip.gross) == (D("30000.00"), D("200.00"), D("30200.00"))
    assert (slip.employee_sgk, slip.employee_unemployment, slip.tax_base) == (
        D("4228.00"), D("302.00"), D("25670.00"))
    assert (slip.income_tax, slip.stamp_tax) == (D("534.80"), D("31.84"))
    assert slip.net == D("25103.36")                   # 30,200 - 4,228 - 302 - 534.80 - 31.84
    assert (slip.employer_sgk, slip.employer_unemployment) == (D("4756.50"), D("604.00"))


def test_add_commissions__a_rep_without_a_line_gets_a_commission_only_line():
    earned = {"EM-0002": D("150.00"), "EM-0001": D(0)}
    run = add_commissions(run_of("2025-03", ("EM-0001", "45000.00")), earned)
    assert [(ln.employee, ln.gross, ln.commission) for ln in run.lines] == [
        ("EM-0001", D("45000.00"), D("0.00")), ("EM-0002", D("0.00"), D("150.00"))]


# --------------------------------------------------------------------------- the derived entry

MARCH = """\
- id: PR-2025-03
  period: 2025-03
  date: 2025-03-31
  memo: March salaries
  lines:
    - {employee: EM-0001, gross: "45000.00"}
    - {employee: EM-0002, gross: "30000.00", commission: "1250.00", days: "30"}
"""


def test_derive__a_run_posts_one_balanced_entry_with_these_legs():
    entries = Entries("TRY")
    problems = derive_payroll(runs(MARCH), STAFF, RULES, ROLES, entries)
    assert problems == []
    # EM-0001 (MTF), 45,000.00: as in the March example, net 35,684.03, employer 7,087.50 + 900.00.
    # EM-0002 (KDK), 30,000.00 + 1,250.00 commission = 31,250.00: SGK 4,375.00, unemployment 312.50,
    #   tax base 26,562.50, income tax 3,984.375 -> 3,984.38 - 3,315.70 = 668.68,
    #   stamp 237.1875 -> 237.19 - 197.38 = 39.81, net 31,250 - 4,375 - 312.50 - 668.68 - 39.81 = 25,854.01,
    #   employer 31,250 x 15.75% = 4,921.875 -> 4,921.88 and x 2% = 625.00.
    assert posted(entries) == [
        ("770.08", "31250.00", "KDK", "gross wages"),
        ("770.09", "5546.88", "KDK", "employer SGK and unemployment insurance"),        # 4,921.88 + 625.00
        ("770.08", "45000.00", "MTF", "gross wages"),
        ("770.09", "7987.50", "MTF", "employer SGK and unemployment insurance"),        # 7,087.50 + 900.00
        ("335.01", "-61538.04", None, "net pay"),                                      # 35,684.03 + 25,854.01
        ("360.01", "-3274.46", None, "income and stamp tax withheld"),                 # 3,090.48 + 183.98
        # employee 10,675.00 + 762.50, employer 12,009.38 + 1,525.00
        ("361.01", "-24971.88", None, "SGK: employee and employer shares"),
    ]
    postings, heads = entries.frames()
    assert postings["base"].sum() == 0                 # 89,784.38 debit = 89,784.38 credit
    assert heads.select("id", "date", "memo", "source", "file", "line", "tags").rows() == [
        ("PR-2025-03", date(2025, 3, 31), "March salaries", "PR-2025-03", "payroll/2025/2025-03.yaml", 1,
         "payroll")]


def test_derive__stamp_tax_goes_to_its_own_account_when_the_role_is_set():
    entries = Entries("TRY")
    assert derive_payroll(runs(MARCH), STAFF, RULES, {**ROLES, "stamp_tax_payable": "360.02"}, entries) == []
    assert [p for p in posted(entries) if p[0].startswith("360")] == [
        ("360.01", "-3090.48", None, "income tax withheld"),
        ("360.02", "-183.98", None, "stamp tax withheld")]


def test_derive__totals_only_run_posts_its_totals():
    text = """\
        - id: PR-2025-03
          period: 2025-03
          date: 2025-03-31
          memo: March salaries (detail in the payroll repository)
          totals: {gross: "76250.00", employee_sgk: "10675.00", employee_unemployment: "762.50",
                   income_tax: "3090.48", stamp_tax: "183.98", net: "61538.04", employer_sgk: "12009.38",
                   employer_unemployment: "1525.00"}
          detail: "payroll-repo: 2025-03"
    """
    run = runs(text)[0]
    assert run.detail == "payroll-repo: 2025-03" and run.lines == ()
    entries = Entries("TRY")
    assert derive_payroll([run], STAFF, RULES, ROLES, entries) == []
    assert posted(entries) == [
        ("770.08", "76250.00", None, "gross wages"),
        ("770.09", "13534.38", None, "employer SGK and unemployment insurance"),
        ("335.01", "-61538.04", None, "net pay"),
        ("360.01", "-3274.46", None, "income and stamp tax withheld"),
        ("361.01", "-24971.88", None, "SGK: employee and employer shares"),
    ]


def test_derive__march_uses_the_year_to_date_of_january_and_february():
    year = [run_of(f"2025-{m:02d}", ("EM-0001", "100000.00")) for m in (3, 1, 2)]   # any order in the input
    entries = Entries("TRY")
    assert derive_payroll(year, STAFF, RULES, ROLES, entries) == []
    _, heads = entries.frames()
    assert heads["id"].to_list() == ["PR-2025-01", "PR-2025-02", "PR-2025-03"]
    # 100,000.00 gross: tax base 100,000 - 14,000 - 1,000 = 85,000.00 a month;
    # stamp 759.00 - 197.38 = 561.62 every month.
    # Jan: 85,000 x 15% = 12,750.00
    # Feb: 85,000 before: (158,000 - 85,000) x 15% + (170,000 - 158,000) x 20% = 10,950.00 + 2,400.00
    # Mar: 170,000 before, all at 20% = 17,000.00
    # each less the exemption 3,315.70, plus the stamp tax, on 360.01
    withheld = [base for account, base, _, _ in posted(entries) if account == "360.01"]
    assert withheld == ["-9995.92", "-10595.92", "-14245.92"]


# --------------------------------------------------------------------------- problems

def _codes(problems):
    return [(p.code, p.path, p.line, p.record) for p in problems]


def test_check__unknown_and_not_employed_employees():
    text = """\
        - id: PR-2025-03
          period: 2025-03
          date: 2025-03-31
          lines:
            - {employee: EM-0009, gross: "45000.00"}
            - {employee: EM-0003, gross: "45000.00"}
            - {employee: EM-0004, gross: "45000.00"}
            - {employee: CU-0001, gross: "45000.00"}
    """
    entries = Entries("TRY")
    problems = derive_payroll(runs(text), STAFF, RULES, ROLES, entries)
    rel = "payroll/2025/2025-03.yaml"
    assert _codes(problems) == [("E060", rel, 5, "PR-2025-03"), ("E061", rel, 6, "PR-2025-03"),
                                ("E061", rel, 7, "PR-2025-03"), ("E060", rel, 8, "PR-2025-03")]
    assert "left on 2025-01-31, before 2025-03" in problems[1].message
    assert "hired on 2025-06-01" in problems[2].message
    assert "is a customer, not an employee" in problems[3].message
    assert all(p.hint for p in problems)
    assert len(entries) == 0                           # a run with problems posts nothing


def test_check__negative_gross_both_lines_and_totals_and_totals_off():
    text = """\
        - id: PR-2025-03
          period: 2025-03
          date: 2025-03-31
          lines:
            - {employee: EM-0001, gross: "-45000.00"}
        - id: PR-2025-03-B
          period: 2025-03
          date: 2025-03-31
          lines:
            - {employee: EM-0002, gross: "1000.00"}
          totals: {gross: "1000.00", employee_sgk: "0", employee_unemployment: "0", income_tax: "0",
                   stamp_tax: "0", net: "1000.00", employer_sgk: "0", employer_unemployment: "0"}
        - id: PR-2025-03-C
          period: 2025-03
          date: 2025-03-31
          totals: {gross: "76250.00", employee_sgk: "10675.00", employee_unemployment: "762.50",
                   income_tax: "3090.48", stamp_tax: "183.98", net: "61538.05", employer_sgk: "12009.38",
                   employer_unemployment: "1525.00"}
    """
    got, problems = parse_runs(textwrap.dedent(text), "payroll/2025/2025-03.yaml")
    assert problems == []                              # the schema takes the sign; E062 explains it
    entries = Entries("TRY")
    problems = derive_payroll(got, STAFF, RULES, ROLES, entries)
    rel = "payroll/2025/2025-03.yaml"
    assert _codes(problems) == [("E062", rel, 5, "PR-2025-03"), ("E063", rel, 6, "PR-2025-03-B"),
                                ("E064", rel, 13, "PR-2025-03-C")]
    assert problems[2].found == "net 61538.05, off by 0.01"
    assert len(entries) == 0


def test_check__paid_twice_in_a_month_and_filed_under_another_month():
    text = """\
        - id: PR-2025-04
          period: 2025-04
          date: 2025-03-31
          lines: [{employee: EM-0001, gross: "45000.00"}]
        - id: PR-2025-04-B
          period: 2025-04
          date: 2025-04-30
          lines: [{employee: EM-0001, gross: "5000.00"}]
    """
    got, problems = parse_runs(textwrap.dedent(text), "payroll/2025/2025-03.yaml")
    assert [(p.code, p.line) for p in problems] == [("E065", 2), ("E065", 6)]      # filed under 2025-03
    problems = derive_payroll(got, STAFF, RULES, ROLES, Entries("TRY"))
    assert [(p.code, p.line, p.record) for p in problems] == [
        ("E065", 1, "PR-2025-04"),                     # posted on 2025-03-31, before April
        ("E066", 8, "PR-2025-04-B")]                   # EM-0001 twice for 2025-04


def test_check__more_than_two_decimals_and_duplicate_run_ids():
    got, problems = parse_runs("- {id: PR-1, period: 2025-03, date: 2025-03-31, lines: "
                               "[{employee: EM-0001, gross: \"45000.005\"}]}\n", "payroll/2025/2025-03.yaml")
    assert [(p.code, p.message) for p in problems] == [("E041", "gross 45000.005 has more than 2 decimals")]
    assert got == []
    twice = [run_of("2025-03", ("EM-0001", "45000.00")),
             run_of("2025-04", ("EM-0001", "45000.00"), rid="PR-2025-03")]
    assert [p.code for p in derive_payroll(twice, STAFF, RULES, ROLES, Entries("TRY"))] == ["E020"]


def test_derive__missing_roles_and_wrong_base_currency_refuse_to_post():
    entries = Entries("TRY")
    problems = derive_payroll(runs(MARCH), STAFF, RULES, {"salaries": "770.08", "net_pay": "335.01"}, entries)
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("E047", 1, "no account for the posting rule `employer_contributions` (payroll runs are not posted)"),
        ("E047", 1, "no account for the posting rule `income_tax_payable` (payroll runs are not posted)"),
        ("E047", 1, "no account for the posting rule `social_security_payable` (payroll runs are not posted)")]
    assert problems[0].hint == 'add `employer_contributions = "770.09"` under [accounts] in books.toml'
    assert len(entries) == 0
    problems = derive_payroll(runs(MARCH), STAFF, RULES, ROLES, Entries("EUR"))
    assert [(p.code, p.message) for p in problems] == [("E067", "payroll runs cannot post in EUR")]


def test_derive__negative_net_is_refused():
    line = PayrollLine("EM-0001", D("0.00"), source=Source("f", 4))
    run = PayrollRun("PR-X", "2025-03", date(2025, 3, 31), (line,), source=Source("f", 1))
    problems = derive_payroll([run], STAFF, RULES, ROLES, entries := Entries("TRY"))
    # premiums on the floor: 3,640.77 + 260.06
    assert [(p.code, p.line, p.found) for p in problems] == [("E062", 4, "-3900.83")]
    assert len(entries) == 0


def test_ytd_before__counts_earlier_months_of_the_same_year_and_follows_merges():
    staff = {**STAFF, "EM-0010": employee("EM-0010", merged_into="EM-0001")}
    year = [run_of("2024-12", ("EM-0001", "45000.00")), run_of("2025-01", ("EM-0010", "45000.00")),
            run_of("2025-02", ("EM-0001", "45000.00")), run_of("2025-03", ("EM-0001", "45000.00")),
            run_of("2025-04", ("EM-0001", "45000.00"))]
    # January (paid as EM-0010, since merged into EM-0001) and February
    assert ytd_before(year, year[3], RULES, staff) == {"EM-0001": D("76500.00")}
    assert ytd_before(year, year[1], RULES, staff) == {}


# --------------------------------------------------------------------------- settings and schema

def test_rules__from_toml_reads_strings_and_year_tables():
    table = {
        "sgk_employer_incentive": "4",
        "commission_rate": "2.5",
        "income_tax": [{"upto": "100000", "percent": "10"}, {"percent": "30"}],
        "2024": {"minimum_wage": "20002.50", "sgk_floor": "20002.50", "sgk_ceiling": "150018.90"},
    }
    rules = PayrollRules.from_toml(table)
    assert rules.employer_sgk_rate == D("16.75")
    assert rules.commission_rate == D("2.5")
    assert rules.income_tax == (Bracket(D(100000), D(10)), Bracket(None, D(30)))
    y2024 = rules.for_year(2024)
    assert (y2024.minimum_wage, y2024.sgk_ceiling, y2024.employer_sgk_rate) == (D("20002.50"), D("150018.90"),
                                                                                D("16.75"))
    assert rules.for_year(2025) is rules
    assert PayrollRules.from_toml({}) == PayrollRules()


@pytest.mark.parametrize("table, says", [
    ({"sgk_employee": 14.0}, "floats are refused"),
    ({"sgk_employee": "14%"}, "non-negative decimal"),
    ({"stamp_tax": "759"}, "at most 100"),
    ({"sgk_tavan": "1"}, "unknown key `sgk_tavan`"),
    ({"income_tax": [{"upto": "1", "percent": "15"}]}, "the last one has none"),
    ({"income_tax": [{"upto": "2", "percent": "15"}, {"upto": "1", "percent": "20"}, {"percent": "30"}]},
     "must rise"),
    ({"minimum_wage_exemption": "yes"}, "true or false"),
])
def test_rules__bad_settings_are_named(table, says):
    with pytest.raises((TypeError, ValueError), match=says):
        PayrollRules.from_toml(table)
    rules, problems = read_rules(table)
    assert rules == PayrollRules() and [p.code for p in problems] == ["E007"]
    assert says.split("`")[0] in problems[0].message


def test_schema__reference_validator_takes_both_forms_and_refuses_a_mix():
    validator = jsonschema.Draft202012Validator(schema.load_schema("payroll"))
    good = yaml.load(MARCH, Loader=yaml.BaseLoader)
    assert list(validator.iter_errors(good)) == []
    totals = {k: "1.00" for k in ("gross", "employee_sgk", "employee_unemployment", "income_tax", "stamp_tax",
                                  "net", "employer_sgk", "employer_unemployment")}
    only_totals = [{"id": "PR-1", "period": "2025-03", "date": "2025-03-31", "totals": totals,
                    "detail": "repo"}]
    assert list(validator.iter_errors(only_totals)) == []
    both = [{**only_totals[0], "lines": good[0]["lines"]}]
    assert list(validator.iter_errors(both))
    doc = json.loads((schema.SCHEMA_DIR / "payroll.schema.json").read_text(encoding="utf-8"))
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# --------------------------------------------------------------------------- properties

amounts = st.decimals(min_value=D("26005.50"), max_value=D("900000.00"), places=2, allow_nan=False,
                      allow_infinity=False)


@given(st.lists(amounts, min_size=1, max_size=6), st.integers(min_value=1, max_value=12))
def test_property__every_payslip_adds_up_and_every_run_balances(grosses, month):
    lines = tuple(PayrollLine("EM-0001" if i == 0 else "EM-0002", g) for i, g in enumerate(grosses[:2]))
    run = PayrollRun("PR", f"2025-{month:02d}", date(2025, month, 28), lines, source=Source("f", 1))
    result = compute_run(run, STAFF, RULES, {"EM-0001": sum(grosses[2:], D("0.00"))})
    for slip in result.payslips:
        withheld = slip.employee_sgk + slip.employee_unemployment + slip.income_tax + slip.stamp_tax
        assert slip.gross - withheld == slip.net
        assert slip.income_tax >= 0 and slip.stamp_tax >= 0 and slip.net > 0
        assert all(type(getattr(slip, f)) is D for f in ("gross", "net", "income_tax", "employer_sgk"))
        assert slip.sgk_base <= RULES.sgk_ceiling
    entries = Entries("TRY")
    assert derive_payroll([run], STAFF, RULES, ROLES, entries) == []   # Entries.add refuses unbalanced ones
    assert entries.frames()[0]["base"].sum() == 0
