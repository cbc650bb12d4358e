"""Cash flow, ledger, journal, sales, stock and KPI reports, and the statements' columns options,
on a small quarter of books worked out by hand."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.ledger.period import Span, compared, parse_period, split
from core.reports import Scope
from core.reports.cashflow import build_cash_flow
from core.reports.journal import build_journal
from core.reports.kpi import build_kpi
from core.reports.register import build_register
from core.reports.sales import build_sales
from core.reports.statements import build_balance_sheet, build_income_statement
from core.reports.stock import build_stock
from core.reports.transform import translate, with_change
from tests.conftest import ACCOUNTS, BOOKS_TOML

# A first quarter of a small restaurant, TDHP codes. By hand, for Q1 2025:
#   result = sales 3,000 + 1,200 - rent 500 - depreciation 100 - cost of sales 420 = 3,180.00
#   operating = 3,180 + depreciation 100 - stock 580 - receivables 1,000 + payables 1,500 = 3,200.00
#   investing = equipment -6,000.00; financing = capital 10,000 + loan 5,000 = 15,000.00
#   net change in cash = 12,200.00 = bank 11,000 + cash 1,200
QUARTER = {
    "books.toml": BOOKS_TOML.replace('base_currency = "TRY"', 'base_currency = "TRY"\nchart = "tr-tdhp"')
    + 'sales = "600.01"\nreceivable = "120.01"\npayable = "320.01"\n',
    "accounts.yaml": ACCOUNTS + """\
- {code: "120", name: Alıcılar, type: asset}
- {code: "120.01", name: Alıcılar TRY}
- {code: "255", name: Demirbaşlar, type: asset}
- {code: "257", name: Birikmiş Amortismanlar, type: asset}
- {code: "300", name: Banka Kredileri, type: liability}
- {code: "500", name: Sermaye, type: equity}
- {code: "770.02", name: Amortisman, parent: "770"}
""",
    "rates/2025.csv": "date,currency,rate\n2025-03-31,EUR,40.0000\n2025-02-28,EUR,38.0000\n",
    "journals/2025/2025-01.yaml": """
        - id: JE-1
          date: 2025-01-02
          memo: Capital paid in
          postings:
            - {account: "102.01", debit: "10000.00"}
            - {account: "500", credit: "10000.00"}
        - id: JE-2
          date: 2025-01-10
          memo: Bank loan
          postings:
            - {account: "102.01", debit: "5000.00"}
            - {account: "300", credit: "5000.00"}
        - id: JE-0
          date: 2025-01-05
          memo: Stock bought on credit
          postings:
            - {account: "153", debit: "1000.00"}
            - {account: "320.01", credit: "1000.00", contact: SU-0001}
        - id: JE-3
          date: 2025-01-15
          memo: Oven
          postings:
            - {account: "255", debit: "6000.00"}
            - {account: "102.01", credit: "6000.00"}
    """,
    "journals/2025/2025-02.yaml": """
        - id: JE-4
          date: 2025-02-01
          memo: Catering on credit
          postings:
            - {account: "120.01", debit: "3000.00", contact: CU-0001}
            - {account: "600.01", credit: "3000.00", contact: CU-0001}
        - id: JE-5
          date: 2025-02-10
          memo: Dinner, cash
          postings:
            - {account: "100.01", debit: "1200.00"}
            - {account: "600.01", credit: "1200.00"}
        - id: JE-9
          date: 2025-02-10
          memo: Cost of the dinner
          postings:
            - {account: "621", debit: "420.00"}
            - {account: "153", credit: "420.00"}
        - id: JE-6
          date: 2025-02-20
          memo: Rent on credit
          postings:
            - {account: "770.01", debit: "500.00"}
            - {account: "320.01", credit: "500.00", contact: SU-0001}
    """,
    "journals/2025/2025-03.yaml": """
        - id: JE-7
          date: 2025-03-05
          memo: Catering paid
          postings:
            - {account: "102.01", debit: "2000.00"}
            - {account: "120.01", credit: "2000.00", contact: CU-0001}
        - id: JE-8
          date: 2025-03-31
          memo: Depreciation, Q1
          postings:
            - {account: "770.02", debit: "100.00"}
            - {account: "257", credit: "100.00"}
    """,
}
Q1 = parse_period("2025Q1")


@pytest.fixture
def quarter(books):
    book, problems = books(QUARTER)
    assert [p for p in problems if p.severity == "error"] == []
    return book


def test_cash_flow__from_the_result_to_the_change_in_cash(quarter):
    cf = build_cash_flow(quarter, Q1)
    m = cf.meta
    assert (m["result"], m["operating"], m["investing"], m["financing"]) == (
        D("3180.00"), D("3200.00"), D("-6000.00"), D("15000.00"))
    assert m["net_change"] == D("12200.00") == m["cash_end"] - m["cash_begin"] and m["reconciled"]
    lines = {r[2]: r[4] for r in cf.rows if r[2]}
    assert lines == {"257": D("100.00"), "153": D("-580.00"), "120": D("-1000.00"), "320": D("1500.00"),
                     "255": D("-6000.00"), "300": D("5000.00"), "500": D("10000.00")}


def test_cash_flow__february_alone_opens_with_january_cash(quarter):
    cf = build_cash_flow(quarter, parse_period("2025-02"))
    assert cf.meta["cash_begin"] == D("9000.00") and cf.meta["cash_end"] == D("10200.00")
    assert cf.meta["net_change"] == D("1200.00") and cf.meta["reconciled"]


def test_cash_flow__configured_classes_win_over_the_chart(books):
    files = dict(QUARTER)
    files["books.toml"] += '\n[cash_flow]\nfinancing = ["5"]\ninvesting = ["25", "30"]\nnon_cash = []\n'
    book, problems = books(files)
    assert [p for p in problems if p.severity == "error"] == []
    m = build_cash_flow(book, Q1).meta
    # The loan is now investing and depreciation (257 under 25) too; the total never changes.
    assert (m["investing"], m["financing"], m["operating"]) == (D("-900.00"), D("10000.00"), D("3100.00"))
    assert m["net_change"] == D("12200.00") and m["reconciled"]


def test_register__running_balance_from_the_balance_brought_forward(quarter):
    reg = build_register(quarter, Scope("102.01"), Span(date(2025, 2, 1)))
    assert reg.rows[0][3] == "Balance brought forward" and reg.rows[0][7] == D("9000.00")
    assert [(r[1], r[5], r[7]) for r in reg.rows[1:]] == [("JE-7", D("2000.00"), D("11000.00"))]
    assert reg.meta["closing"] == D("11000.00") and reg.totals[7] == D("11000.00")


def test_register__a_pattern_takes_every_matching_account(quarter):
    reg = build_register(quarter, Scope("kasa|102"), Q1)
    assert set(reg.meta["accounts"]) >= {"100", "100.01", "102.01", "102.02"}
    assert reg.meta["closing"] == D("12200.00")
    with pytest.raises(ValueError, match="no account matches"):
        build_register(quarter, Scope("999"), Q1)


def test_journal__entries_touching_an_account_with_all_their_postings(quarter):
    j = build_journal(quarter, Q1, scope=Scope("600"))
    assert j.meta["entries"] == 2 and j.meta["balanced"]
    assert [(r[1], r[3]) for r in j.rows] == [("JE-4", "120.01"), ("JE-4", "600.01"),
                                              ("JE-5", "100.01"), ("JE-5", "600.01")]
    assert j.totals[5] == j.totals[6] == D("4200.00")


def test_sales__by_customer_and_by_month(quarter):
    by_customer = build_sales(quarter, "customer", Q1)
    assert [(r[0], r[5], r[6]) for r in by_customer.rows] == [
        ("CU-0001", D("3000.00"), D("71.4")), ("(counter sales)", D("1200.00"), D("28.6"))]
    assert by_customer.totals[5] == D("4200.00")
    assert [(r[0], r[5]) for r in build_sales(quarter, "month", Q1).rows] == [("2025-02", D("4200.00"))]
    with pytest.raises(ValueError):
        build_sales(quarter, "colour", Q1)


def test_kpi__margin_dso_and_dpo_by_hand(quarter):
    k = {r[0]: r[2] for r in build_kpi(quarter, Q1).rows}
    assert k["revenue"] == D("4200.00") and k["cost_of_sales"] == D("420.00")
    assert k["gross_margin_pct"] == D("90.0") and k["food_cost_pct"] == D("10.0")
    assert k["dso_days"] == D("30.0")      # receivable 1,000 / credit sales 3,000 x 90 days
    assert k["dpo_days"] == D("90.0")      # payable 1,500 / credit purchases 1,500 x 90 days
    assert k["revenue_growth_pct"] is None and k["inventory_turnover"] is None   # no history, no stock moves


def test_balance_sheet__monthly_columns_each_balance(quarter):
    cols = [(label, s.end - timedelta(days=1)) for label, s in split(Q1, "M")]
    sheet = build_balance_sheet(quarter, cols)
    assert [c.key for c in sheet.columns][4:] == ["2025-01", "2025-02", "2025-03"]
    assert sheet.meta["balanced"] and all(c["balanced"] for c in sheet.meta["columns"])
    totals = {r[3]: r[4:] for r in sheet.rows if r[1] == 0}
    assert totals["Total assets"] == (D("16000.00"), D("19780.00"), D("19680.00"))


def test_income_statement__compare_with_the_month_before(quarter):
    feb = parse_period("2025-02")
    table = with_change(build_income_statement(quarter, [("amount", feb), ("previous", compared(feb, "previous"))]),
                        "amount", "previous")
    result = next(r for r in table.rows if r[0] == "Result")
    assert result[4:] == (D("3280.00"), D("0.00"), D("3280.00"), None)   # no percentage against zero
    assert [c.title for c in table.columns][4:] == ["2025-02", "2025-01", "Change", "Change %"]


def test_statements__account_and_location_scope(quarter):
    only_sales = build_income_statement(quarter, Q1, scope=Scope("600"))
    assert only_sales.meta["income"] == D("4200.00") and only_sales.meta["expenses"] == D("0.00")


def test_translate__balance_sheet_in_eur_at_the_day_rate(quarter):
    sheet = build_balance_sheet(quarter, date(2025, 3, 31))
    eur = translate(sheet, quarter, "EUR", {"amount": date(2025, 3, 31)})
    assert eur.meta["currency"] == "EUR" and eur.meta["rates"] == {"amount": "40.0000"}
    assert eur.meta["assets"] == D("492.00")     # 19,680.00 TRY / 40
    with pytest.raises(ValueError, match="no EUR rate"):
        translate(sheet, quarter, "EUR", {"amount": date(2025, 1, 31)})


def test_periods__relative_split_and_compare(monkeypatch):
    monkeypatch.setenv("KEBIR_TODAY", "2026-05-17")
    assert parse_period("this month") == Span(date(2026, 5, 1), date(2026, 6, 1))
    assert parse_period("last quarter") == Span(date(2026, 1, 1), date(2026, 4, 1))
    assert parse_period("last year") == Span(date(2025, 1, 1), date(2026, 1, 1))
    assert [label for label, _ in split(parse_period("2025"), "Q")] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert split(Span(date(2025, 1, 15), date(2025, 3, 10)), "M")[0][1] == Span(date(2025, 1, 15), date(2025, 2, 1))
    assert compared(parse_period("2025Q1"), "previous") == parse_period("2024Q4")
    assert compared(parse_period("2025-03"), "last-year") == parse_period("2024-03")
    assert compared(Span(date(2025, 3, 1), date(2025, 3, 11)), "previous") == Span(date(2025, 2, 19), date(2025, 3, 1))


# -- the demo company ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_checked):
    book, problems = demo_checked[0], list(demo_checked[1])
    assert [p for p in problems if p.severity == "error"] == []
    return book


def test_demo__cash_flow_reconciles_every_month(demo):
    for label, span in split(parse_period("2025"), "M"):
        m = build_cash_flow(demo, span).meta
        assert m["reconciled"], label
    year = build_cash_flow(demo, parse_period("2025")).meta
    sheet = build_balance_sheet(demo, date(2025, 12, 31)).meta
    assert year["cash_end"] == sheet["cash"]


def test_demo__stock_report_closes_at_the_inventory_accounts(demo):
    stock = build_stock(demo, parse_period("2025"))
    inventory = sum(r[4] for r in build_balance_sheet(demo, date(2025, 12, 31)).rows if r[2] in ("150", "152", "153"))
    assert stock.meta["closing_value"] == inventory == stock.totals[11]
    for r in stock.rows:
        assert r[10] == r[4] + r[6] - r[8] and r[11] == r[5] + r[7] - r[9]


def test_demo__sales_equal_the_revenue_accounts(demo):
    sales = build_sales(demo, "location", parse_period("2025"))
    income = build_income_statement(demo, parse_period("2025"), scope=Scope("60|61"))
    assert sales.meta["net"] == income.meta["income"]


def test_cli__every_new_report_in_every_format(tmp_path, demo_ro):
    runner = CliRunner()
    commands = [["cash-flow", "-p", "2025Q1"], ["ledger", "102.01", "-p", "2025-03"],
                ["journal", "-p", "2025-03-04"], ["stock", "-p", "2025-03", "--location", "KDK"],
                ["sales", "-p", "2025", "--by", "rep"], ["kpi", "-p", "2025Q4"],
                ["balance-sheet", "-p", "2025", "-Q"], ["income-statement", "-p", "2025-06", "--compare", "previous"]]
    for cmd in commands:
        for fmt in ("text", "csv", "json", "md", "html"):
            run = runner.invoke(app, ["report", *cmd, "--books", str(demo_ro), "-f", fmt])
            assert run.exit_code == 0, (cmd, fmt, run.output)
            if fmt == "json":
                assert json.loads(run.stdout)["rows"], cmd
    assert runner.invoke(app, ["report", "balance-sheet", "--books", str(demo_ro), "-M", "-Q"]).exit_code == 2
    assert runner.invoke(app, ["report", "sales", "--books", str(demo_ro), "--by", "colour"]).exit_code == 2
    assert runner.invoke(app, ["report", "income-statement", "--books", str(demo_ro), "-p", "2025",
                               "--compare", "sideways"]).exit_code == 2
