"""Balance sheet, income statement and monthly series, on small books worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from core.erp.load import load_ledger
from core.ledger.period import Span, parse_period
from core.reports.statements import build_balance_sheet, build_income_statement, monthly_series
from core.reports.trial_balance import build_trial_balance

# Opening capital on the last day of 2024, a cash sale and an EUR bank receipt in March, rent on
# credit in March. By hand: assets 1,200.00 cash + 10,000.00 + 3,712.50 bank = 14,912.50;
# liabilities 500.00; equity 10,000.00 capital + result (4,912.50 income - 500.00 rent) 4,412.50.
MARCH = {
    "journals/2024/2024-12.yaml": """
        - id: JE-0
          date: 2024-12-31
          memo: Opening capital
          postings:
            - {account: "102.01", debit: "10000.00"}
            - {account: "570", credit: "10000.00"}
    """,
    "journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-04
          memo: Dinner, cash
          postings:
            - {account: "100.01", debit: "1200.00"}
            - {account: "600.01", credit: "1200.00"}
        - id: JE-2
          date: 2025-03-05
          memo: Kadıköy rent, March, on credit
          postings:
            - {account: "770.01", debit: "500.00"}
            - {account: "320.01", credit: "500.00"}
        - id: JE-3
          date: 2025-03-20
          memo: Catering paid in EUR
          postings:
            - {account: "102.02", debit: "100.00", currency: EUR, rate: "37.1250"}
            - {account: "600.01", credit: "3712.50"}
    """,
}

CLOSING = """
    - id: JE-C1
      date: 2025-12-31
      memo: Year-end close to retained earnings
      tags: [closing]
      postings:
        - {account: "600.01", debit: "4912.50"}
        - {account: "770.01", credit: "500.00"}
        - {account: "570", credit: "4412.50"}
"""


def clean(book_and_problems):
    book, problems = book_and_problems
    assert [p for p in problems if p.severity == "error"] == []
    return book


def test_balance_sheet__balances_with_the_period_result_in_equity(books):
    book = clean(books(MARCH))
    sheet = build_balance_sheet(book, date(2025, 12, 31))
    assert sheet.rows == (
        ("Assets", 1, "100", "Kasa", D("1200.00")),
        ("Assets", 2, "100.01", "Kasa Kadıköy", D("1200.00")),
        ("Assets", 1, "102", "Bankalar", D("13712.50")),
        ("Assets", 2, "102.01", "İş Bankası TRY", D("10000.00")),
        ("Assets", 2, "102.02", "Garanti EUR", D("3712.50")),
        ("Assets", 0, "", "Total assets", D("14912.50")),
        ("Liabilities", 1, "320", "Satıcılar", D("500.00")),
        ("Liabilities", 2, "320.01", "Satıcılar TRY", D("500.00")),
        ("Liabilities", 0, "", "Total liabilities", D("500.00")),
        ("Equity", 1, "570", "Geçmiş Yıllar Kârları", D("10000.00")),
        ("Equity", 1, "", "Net result 2025-01-01 .. 2025-12-31, not yet closed", D("4412.50")),
        ("Equity", 0, "", "Total equity", D("14412.50")),
        ("Liabilities and equity", 0, "", "Total liabilities and equity", D("14912.50")),
    )
    assert sheet.meta["balanced"] is True and sheet.meta["difference"] == 0
    assert (sheet.meta["assets"], sheet.meta["liabilities"], sheet.meta["equity"], sheet.meta["cash"]) == \
        (D("14912.50"), D("500.00"), D("14412.50"), D("14912.50"))
    assert all(isinstance(r[4], D) for r in sheet.rows)


def test_balance_sheet__depth_one_shows_the_top_level_groups_only(books):
    book = clean(books(MARCH))
    sheet = build_balance_sheet(book, date(2025, 12, 31), depth=1)
    assert [(r[0], r[2], r[4]) for r in sheet.rows if r[1] != 0] == [
        ("Assets", "100", D("1200.00")), ("Assets", "102", D("13712.50")),
        ("Liabilities", "320", D("500.00")),
        ("Equity", "570", D("10000.00")), ("Equity", "", D("4412.50")),
    ]
    with pytest.raises(ValueError):
        build_balance_sheet(book, date(2025, 12, 31), depth=0)


def test_balance_sheet__as_of_includes_that_day_and_nothing_after(books):
    book = clean(books(MARCH))
    sheet = build_balance_sheet(book, date(2025, 3, 4))
    assert (sheet.meta["assets"], sheet.meta["liabilities"], sheet.meta["result"]) == \
        (D("11200.00"), D("0.00"), D("1200.00"))
    assert sheet.meta["balanced"] is True


def test_income_statement__income_and_expenses_positive_result_is_their_difference(books):
    book = clean(books(MARCH))
    report = build_income_statement(book, parse_period("2025"))
    assert report.rows == (
        ("Income", 1, "600", "Yurt İçi Satışlar", D("4912.50")),
        ("Income", 2, "600.01", "Satışlar Kadıköy", D("4912.50")),
        ("Income", 0, "", "Total income", D("4912.50")),
        ("Expenses", 1, "770", "Genel Yönetim Giderleri", D("500.00")),
        ("Expenses", 2, "770.01", "Kira", D("500.00")),
        ("Expenses", 0, "", "Total expenses", D("500.00")),
        ("Result", 0, "", "Net result (income - expenses)", D("4412.50")),
    )
    assert (report.meta["income"], report.meta["expenses"], report.meta["result"]) == \
        (D("4912.50"), D("500.00"), D("4412.50"))


def test_income_statement__net_result_equals_the_change_in_equity(books):
    book = clean(books({**MARCH, "journals/2025/2025-12.yaml": CLOSING}))

    def equity(day: date):
        return build_balance_sheet(book, day).meta["equity"]

    for period, before, last in (("2025-03", date(2025, 2, 28), date(2025, 3, 31)),
                                 ("2025", date(2024, 12, 31), date(2025, 12, 31)),
                                 ("2025-12", date(2025, 11, 30), date(2025, 12, 31))):
        result = build_income_statement(book, parse_period(period)).meta["result"]
        assert result == equity(last) - equity(before), period
    assert build_income_statement(book, parse_period("2025")).meta["result"] == D("4412.50")


def test_balance_sheet__after_the_year_end_close_the_result_sits_in_retained_earnings(books):
    book = clean(books({**MARCH, "journals/2025/2025-12.yaml": CLOSING}))
    sheet = build_balance_sheet(book, date(2025, 12, 31))
    equity = [r for r in sheet.rows if r[0] == "Equity"]
    assert equity == [
        ("Equity", 1, "570", "Geçmiş Yıllar Kârları", D("14412.50")),
        ("Equity", 1, "", "Net result 2025-01-01 .. 2025-12-31, not yet closed", D("0.00")),
        ("Equity", 0, "", "Total equity", D("14412.50")),
    ]
    assert sheet.meta["balanced"] is True
    # the closing entry is left out of the income statement; counted, it would empty the year
    report = build_income_statement(book, parse_period("2025"))
    assert report.meta["result"] == D("4412.50") and report.meta["closing_left_out"] == ["JE-C1"]
    assert build_income_statement(book, parse_period("2025"), include_closing=True).meta["result"] == D("0.00")


def test_income_statement__leaves_out_the_chain_kebir_close_generates_but_not_its_accruals(books):
    # what `kebir close 2025-12` writes (tag close): an accrual, which is an expense of the year,
    # and the IFRS chain to retained earnings, which only moves the result into equity
    book = clean(books({**MARCH, "journals/2025/2025-12.yaml": """
        - id: JE-2025-12-C001
          date: 2025-12-31
          memo: Accrued rent, December
          tags: [close]
          postings:
            - {account: "770.01", debit: "100.00"}
            - {account: "320.01", credit: "100.00"}
        - id: JE-2025-12-C002
          date: 2025-12-31
          memo: "Year-end close 2025: result to retained earnings"
          tags: [close]
          postings:
            - {account: "600.01", debit: "4912.50"}
            - {account: "770.01", credit: "600.00"}
            - {account: "570", credit: "4312.50"}
    """}))
    report = build_income_statement(book, parse_period("2025"))
    assert (report.meta["income"], report.meta["expenses"], report.meta["result"]) == \
        (D("4912.50"), D("600.00"), D("4312.50"))
    assert report.meta["closing_left_out"] == ["JE-2025-12-C002"]
    sheet = build_balance_sheet(book, date(2025, 12, 31))
    assert sheet.meta["result"] == 0 and sheet.meta["balanced"] is True
    assert sheet.meta["equity"] - build_balance_sheet(book, date(2024, 12, 31)).meta["equity"] == D("4312.50")
    assert sum(monthly_series(book, 2025)["margin"]) == D("4312.50")


def test_balance_sheet__a_former_year_never_closed_shows_on_its_own_line(books):
    book = clean(books({**MARCH, "journals/2024/2024-12.yaml": """
        - id: JE-0
          date: 2024-12-31
          postings:
            - {account: "102.01", debit: "10000.00"}
            - {account: "570", credit: "9000.00"}
            - {account: "600.01", credit: "1000.00"}
    """}))
    sheet = build_balance_sheet(book, date(2025, 6, 30))
    assert [r[3:] for r in sheet.rows if r[0] == "Equity"] == [
        ("Geçmiş Yıllar Kârları", D("9000.00")),
        ("Net result of years before 2025-01-01, not yet closed", D("1000.00")),
        ("Net result 2025-01-01 .. 2025-06-30, not yet closed", D("4412.50")),
        ("Total equity", D("14412.50")),
    ]
    assert sheet.meta["balanced"] is True


def test_monthly_series__revenue_expense_margin_and_cash_by_month(books):
    book = clean(books({**MARCH, "journals/2025/2025-12.yaml": CLOSING}))
    s = monthly_series(book, 2025)
    assert s["months"][0] == "2025-01" and s["months"][11] == "2025-12" and len(s["months"]) == 12
    zero = D("0.00")
    assert s["revenue"] == [zero, zero, D("4912.50")] + [zero] * 9
    assert s["expense"] == [zero, zero, D("500.00")] + [zero] * 9
    assert s["margin"] == [zero, zero, D("4412.50")] + [zero] * 9      # the closing entry is left out
    assert s["cash"] == [D("10000.00")] * 2 + [D("14912.50")] * 10        # the 2024 opening is carried in
    assert s["cash_opening"] == D("10000.00")


@pytest.fixture(scope="module")
def demo(demo_copy):
    book, _ = load_ledger(demo_copy, use_cache=False, jobs=1)
    return book


def test_balance_sheet__the_demo_company_balances_at_year_end(demo):
    sheet = build_balance_sheet(demo, date(2025, 12, 31))
    assert sheet.meta["balanced"] is True and sheet.meta["difference"] == 0
    assert sheet.meta["unclassified"] == []
    assets = sum(r[4] for r in sheet.rows if r[0] == "Assets" and r[1] == 1)
    assert assets == sheet.meta["assets"] > 0
    year = build_income_statement(demo, parse_period("2025"))
    assert year.meta["result"] == sheet.meta["result"]
    series = monthly_series(demo, 2025)
    assert sum(series["margin"]) == year.meta["result"]
    assert series["cash"][-1] == sheet.meta["cash"]
    # the trial balance over the same dates agrees: debit-positive balances of the sheet's accounts
    tb = {r[0]: r[4] for r in build_trial_balance(demo, Span(None, date(2026, 1, 1))).rows}
    leaves = [r for r in sheet.rows if r[0] == "Assets" and r[2] in tb]
    assert leaves and all(tb[r[2]] == r[4] for r in leaves)


def test_statements__the_demo_company_after_its_year_end_close(demo):
    """The real TDHP chain (7/A reflection, 690, tax provision, 692, 590) from `core.close.entries`."""
    from core.close import entries as close_entries
    from core.close import plan as close_plan
    from core.books import store

    plan = close_plan.plan_close(demo, "2025-12", set(), allow_gap=True)
    assert plan.year_end and plan.entries
    rel = "journals/2025/2025-12.close.yaml"
    closed = close_entries.with_generated(
        demo, store.dump_yaml_records("journal", close_plan.entries_as_records(plan, demo)), rel)
    before = build_income_statement(demo, parse_period("2025"))
    after = build_income_statement(closed, parse_period("2025"))
    sheet = build_balance_sheet(closed, date(2025, 12, 31))
    assert sheet.meta["balanced"] is True and sheet.meta["result"] == 0
    net = next(r[4] for r in sheet.rows if r[2] == "590")
    tax = next(r[4] for r in after.rows if r[2] == "691")
    assert after.meta["result"] == net > 0 and tax > 0          # the net result after the tax provision
    assert before.meta["result"] > after.meta["result"]
    assert build_income_statement(closed, parse_period("2025"), include_closing=True).meta["result"] == 0
    assert sum(monthly_series(closed, 2025)["margin"]) == after.meta["result"]
    assert after.meta["closing_left_out"] and all(i.startswith("JE-2025-12-C") for i in after.meta["closing_left_out"])


def test_balance_sheet__the_demo_company_balances_at_every_month_end(demo):
    for month in range(1, 13):
        end = parse_period(f"2025-{month:02d}").end
        sheet = build_balance_sheet(demo, date.fromordinal(end.toordinal() - 1))
        assert sheet.meta["balanced"] is True, month


def test_cli__balance_sheet_and_income_statement(books_dir):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    root = str(books_dir(MARCH))
    run = CliRunner().invoke(app, ["report", "balance-sheet", "--books", root, "--on", "2025-12-31", "-f", "json"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert doc["balanced"] is True and doc["assets"] == "14912.50" and doc["rows"][0]["level"] == 1
    run = CliRunner().invoke(app, ["report", "balance-sheet", "--books", root, "-p", "2025-03", "--depth", "1",
                                   "-f", "csv"])
    assert run.exit_code == 0 and "Assets,1,102,Bankalar,13712.50" in run.stdout
    run = CliRunner().invoke(app, ["report", "income-statement", "--books", root, "-p", "2025", "-f", "html"])
    assert run.exit_code == 0 and run.stdout.startswith("<!DOCTYPE html>") and "4,412.50" in run.stdout
    assert CliRunner().invoke(app, ["report", "balance-sheet", "--books", root, "--on", "31.12.2025"]).exit_code == 2
    assert CliRunner().invoke(app, ["report", "balance-sheet", "--books", root, "--depth", "0"]).exit_code == 2


def test_cli__close_pack_writes_one_page(books_dir, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    root = str(books_dir(MARCH))
    out = tmp_path / "pack.html"
    run = CliRunner().invoke(app, ["report", "close-pack", "2025-03", "--books", root, "-o", str(out)])
    assert run.exit_code == 0, run.output
    page = out.read_text(encoding="utf-8")
    assert "draft: no close record" in page and page.count("<svg") == 2
    assert CliRunner().invoke(app, ["report", "close-pack", "March", "--books", root]).exit_code == 2
