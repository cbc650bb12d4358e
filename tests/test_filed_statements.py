"""Statements as they are filed, on books a new accountant sets up with `kebir init` and types by hand:
the mizan, the income statement in the uniform chart's class-6 order (and by function under IFRS),
the balance sheet split into current and non-current, periods said as people say them, and the
language of every heading from the one catalogue."""

from __future__ import annotations

import json
import re
import textwrap
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.model import i18n
from core.erp.load import load_ledger
from core.reports.close_pack import close_pack_html

# Opening balances on 31 December 2024, then January 2025 of a small restaurant, TDHP, option 7/A.
TDHP_OPENING = """\
- id: JE-2024-12-0001
  date: 2024-12-31
  memo: Açılış kaydı
  postings:
    - {account: "102.01", debit: "200000.00"}
    - {account: "153.01", debit: "10000.00"}
    - {account: "255.01", debit: "120000.00"}
    - {account: "257.01", credit: "24000.00"}
    - {account: "500.01", credit: "260000.00"}
    - {account: "320.01", credit: "46000.00", contact: SU-0001}
"""
TDHP_JANUARY = """\
- id: JE-2025-01-0001
  date: 2025-01-10
  memo: Z raporu
  postings:
    - {account: "100.01", debit: "11000.00"}
    - {account: "600.01", credit: "10000.00"}
    - {account: "391.02", credit: "1000.00"}
- id: JE-2025-01-0002
  date: 2025-01-12
  memo: Satıştan iade
  postings:
    - {account: "610.01", debit: "500.00"}
    - {account: "391.02", debit: "50.00"}
    - {account: "100.01", credit: "550.00"}
- id: JE-2025-01-0003
  date: 2025-01-15
  memo: Satılan mal maliyeti
  postings:
    - {account: "621.01", debit: "3000.00"}
    - {account: "153.01", credit: "3000.00"}
- id: JE-2025-01-0004
  date: 2025-01-20
  memo: Ocak kirası
  postings:
    - {account: "770.01", debit: "20000.00"}
    - {account: "191.03", debit: "4000.00"}
    - {account: "320.01", credit: "24000.00", contact: SU-0001}
- id: JE-2025-01-0005
  date: 2025-01-25
  memo: Banka masrafı
  postings:
    - {account: "780.01", debit: "150.00"}
    - {account: "102.01", credit: "150.00"}
- id: JE-2025-01-0006
  date: 2025-01-26
  memo: Mevduat faizi
  postings:
    - {account: "102.01", debit: "80.00"}
    - {account: "642.01", credit: "80.00"}
- id: JE-2025-01-0007
  date: 2025-01-28
  memo: Reklam
  postings:
    - {account: "760.01", debit: "1000.00"}
    - {account: "102.01", credit: "1000.00"}
- id: JE-2025-01-0008
  date: 2025-01-30
  memo: Uzun vadeli kredi
  postings:
    - {account: "102.01", debit: "50000.00"}
    - {account: "400.01", credit: "50000.00"}
- id: JE-2025-01-0009
  date: 2025-01-31
  memo: Amortisman
  postings:
    - {account: "770.04", debit: "2000.00"}
    - {account: "257.01", credit: "2000.00"}
- id: JE-2025-01-0010
  date: 2025-01-31
  memo: Satıcı ödemesi
  postings:
    - {account: "320.01", debit: "30000.00", contact: SU-0001}
    - {account: "102.01", credit: "30000.00"}
"""

IFRS_OPENING = """\
- id: JE-2024-12-0001
  date: 2024-12-31
  memo: Opening balances
  postings:
    - {account: "1020", debit: "100000.00"}
    - {account: "1220", debit: "20000.00"}
    - {account: "3010", credit: "120000.00"}
"""
IFRS_JANUARY = """\
- id: JE-2025-01-0001
  date: 2025-01-10
  memo: Sales
  postings:
    - {account: "1020", debit: "12000.00"}
    - {account: "4010", credit: "10000.00"}
    - {account: "2310", credit: "2000.00"}
- id: JE-2025-01-0002
  date: 2025-01-11
  memo: Returns
  postings:
    - {account: "4020", debit: "1000.00"}
    - {account: "1020", credit: "1000.00"}
- id: JE-2025-01-0003
  date: 2025-01-12
  memo: Sublet income
  postings:
    - {account: "1010", debit: "300.00"}
    - {account: "4090", credit: "300.00"}
- id: JE-2025-01-0004
  date: 2025-01-15
  memo: Cost of goods sold
  postings:
    - {account: "5010", debit: "4000.00"}
    - {account: "1220", credit: "4000.00"}
- id: JE-2025-01-0005
  date: 2025-01-25
  memo: Salaries
  postings:
    - {account: "6010", debit: "3000.00"}
    - {account: "1020", credit: "3000.00"}
- id: JE-2025-01-0006
  date: 2025-01-26
  memo: Interest received
  postings:
    - {account: "1020", debit: "50.00"}
    - {account: "4110", credit: "50.00"}
- id: JE-2025-01-0007
  date: 2025-01-27
  memo: Bank charges
  postings:
    - {account: "7010", debit: "20.00"}
    - {account: "1020", credit: "20.00"}
- id: JE-2025-01-0008
  date: 2025-01-31
  memo: Income tax provision
  postings:
    - {account: "8010", debit: "500.00"}
    - {account: "2350", credit: "500.00"}
- id: JE-2025-01-0009
  date: 2025-01-30
  memo: Long-term bank loan
  postings:
    - {account: "1020", debit: "30000.00"}
    - {account: "2120", credit: "30000.00"}
- id: JE-2025-01-0010
  date: 2025-01-30
  memo: Oven
  postings:
    - {account: "1520", debit: "25000.00"}
    - {account: "1020", credit: "25000.00"}
"""


def _init(tmp_path: Path, name: str, *args: str, journals: dict[str, str]) -> Path:
    root = tmp_path / name
    run = CliRunner().invoke(app, ["init", str(root), "--no-git", *args])
    assert run.exit_code == 0, run.output
    for rel, text in journals.items():
        path = root / "journals" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def lokanta(tmp_path_factory) -> Path:
    return _init(tmp_path_factory.mktemp("filed"), "lokanta", "--template", "restaurant",
                 journals={"2024/2024-12.yaml": TDHP_OPENING, "2025/2025-01.yaml": TDHP_JANUARY})


@pytest.fixture(scope="module")
def ifrs(tmp_path_factory) -> Path:
    return _init(tmp_path_factory.mktemp("filed"), "ifrs", "--template", "empty", "--chart", "ifrs-small",
                 journals={"2024/2024-12.yaml": IFRS_OPENING, "2025/2025-01.yaml": IFRS_JANUARY})


def _json(root: Path, *args: str) -> dict:
    run = CliRunner().invoke(app, ["report", *args, "--books", str(root), "--format", "json"])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def _lines(doc: dict, key: str = "amount") -> dict[str, D]:
    """Line id -> amount of the rows without an account (the statement's own lines)."""
    return {r["line"]: D(r[key]) for r in doc["rows"] if not r["account"]}


def test_restaurant_books__speak_turkish_from_init(lokanta):
    assert 'language = "tr"' in (lokanta / "books.toml").read_text(encoding="utf-8")
    book, problems = load_ledger(lokanta, use_cache=False)
    assert [p for p in problems if p.severity == "error"] == []
    assert book.settings.language == "tr"


def test_income_statement__tdhp_order_of_class_6_as_worked_by_hand(lokanta):
    doc = _json(lokanta, "income-statement", "-p", "2025-01")
    assert doc["title"] == "Gelir tablosu, 1 Ocak - 31 Ocak 2025"
    assert [r["line"] for r in doc["rows"] if r["level"] in (0, 1) and not r["account"]] == [
        "gross_sales", "sales_deductions", "net_sales", "cost_of_sales", "gross_profit", "operating_expenses",
        "operating_profit", "other_income", "other_expenses", "finance_costs", "ordinary_profit",
        "extraordinary_income", "extraordinary_expenses", "profit_before_tax", "tax", "net_profit"]
    # by hand: sales 10,000.00, a return of 500.00, cost 3,000.00, rent 20,000.00 + depreciation
    # 2,000.00 + advertising 1,000.00 (7/A accounts 770 and 760 before any reflection), interest
    # 80.00 in, bank charges 150.00 out
    assert _lines(doc) == {
        "gross_sales": D("10000.00"), "sales_deductions": D("-500.00"), "net_sales": D("9500.00"),
        "cost_of_sales": D("-3000.00"), "gross_profit": D("6500.00"), "operating_expenses": D("-23000.00"),
        "operating_profit": D("-16500.00"), "other_income": D("80.00"), "other_expenses": D("0.00"),
        "finance_costs": D("-150.00"), "ordinary_profit": D("-16570.00"), "extraordinary_income": D("0.00"),
        "extraordinary_expenses": D("0.00"), "profit_before_tax": D("-16570.00"), "tax": D("0.00"),
        "net_profit": D("-16570.00")}
    names = {r["line"]: r["name"] for r in doc["rows"] if not r["account"]}
    assert names["gross_sales"] == "Brüt satışlar" and names["net_profit"] == "Dönem net kârı veya zararı"
    under = {r["account"] for r in doc["rows"] if r["line"] == "operating_expenses" and r["account"]}
    assert under == {"760", "760.01", "770", "770.01", "770.04"}


def test_income_statement__reflected_7a_costs_count_once(lokanta, tmp_path):
    """After the year-end reflection (770 -> 771 / 632) the expense is in 632, and 770/771 net to zero:
    the operating expenses are the same as before the reflection."""
    root = tmp_path / "reflected"
    import shutil

    shutil.copytree(lokanta, root)
    (root / "journals/2025/2025-01-refl.yaml").write_text(textwrap.dedent("""\
        - id: JE-2025-01-R1
          date: 2025-01-31
          memo: Yansıtma
          postings:
            - {account: "632", debit: "22000.00"}
            - {account: "771", credit: "22000.00"}
            - {account: "631", debit: "1000.00"}
            - {account: "761", credit: "1000.00"}
    """), encoding="utf-8")
    assert _lines(_json(root, "income-statement", "-p", "2025-01"))["operating_expenses"] == D("-23000.00")


def test_balance_sheet__current_and_non_current_with_the_unclosed_result(lokanta):
    doc = _json(lokanta, "balance-sheet", "--on", "2025-01-31")
    assert doc["title"] == "31 Ocak 2025 tarihli bilanço"
    lines = _lines(doc)
    # by hand: cash 10,450.00, bank 218,930.00, goods 7,000.00, input VAT 4,000.00; fixtures
    # 120,000.00 less depreciation 26,000.00; suppliers 40,000.00, output VAT 950.00; a loan of
    # 50,000.00 due after a year; capital 260,000.00 and January's loss 16,570.00
    assert (lines["total_current_assets"], lines["total_non_current_assets"], lines["total_assets"]) == (
        D("240380.00"), D("94000.00"), D("334380.00"))
    assert (lines["total_short_term"], lines["total_long_term"], lines["total_liabilities"]) == (
        D("40950.00"), D("50000.00"), D("90950.00"))
    assert (lines["result_year"], lines["total_equity"], lines["total_liabilities_equity"]) == (
        D("-16570.00"), D("243430.00"), D("334380.00"))
    assert doc["balanced"] is True
    groups = [(r["line"], r["account"]) for r in doc["rows"] if r["level"] == 1 and r["account"]]
    assert groups == [("current_assets", "10"), ("current_assets", "15"), ("current_assets", "19"),
                      ("non_current_assets", "25"), ("short_term", "32"), ("short_term", "39"),
                      ("long_term", "40"), ("equity", "50")]


def test_mizan__opening_period_and_closing_at_every_level(lokanta):
    doc = _json(lokanta, "trial-balance", "-p", "2025-01", "--layout", "mizan", "--depth", "1")
    assert doc["title"] == "Mizan, 1 Ocak - 31 Ocak 2025"
    rows = {r["account"]: r for r in doc["rows"]}
    assert set(rows) == {"1", "2", "3", "4", "5", "6", "7"}
    one = rows["1"]
    # class 1 by hand: opening bank 200,000.00 + goods 10,000.00; in January debits 11,000.00 +
    # 50,080.00 + 4,000.00, credits 550.00 + 31,150.00 + 3,000.00
    assert [D(one[k]) for k in ("opening_debit", "opening_credit", "debit", "credit", "debit_balance",
                                "credit_balance")] == [D("210000.00"), 0, D("65080.00"), D("34700.00"),
                                                       D("240380.00"), 0]
    three = rows["3"]
    assert [D(three[k]) for k in ("opening_credit", "debit", "credit", "credit_balance")] == [
        D("46000.00"), D("30050.00"), D("25000.00"), D("40950.00")]
    t = doc["totals"]
    assert (D(t["opening_debit"]), D(t["opening_credit"]), D(t["debit"]), D(t["credit"])) == (
        D("330000.00"), D("330000.00"), D("121780.00"), D("121780.00"))
    assert D(t["debit_balance"]) == D(t["credit_balance"]) and doc["balanced"] is True
    deeper = _json(lokanta, "trial-balance", "-p", "2025-01", "--layout", "mizan")
    assert deeper["totals"] == t        # totals add the posting accounts at every depth
    levels = {r["account"]: r["level"] for r in deeper["rows"]}
    assert (levels["1"], levels["10"], levels["102"], levels["102.01"]) == (1, 2, 3, 4)


def test_trial_balance__depth_sums_each_level(lokanta):
    doc = _json(lokanta, "trial-balance", "-p", "2025-01", "--depth", "2", "--lang", "en")
    assert doc["title"] == "Trial balance, 1-31 January 2025"
    rows = {r["account"]: r for r in doc["rows"]}
    assert max(r["level"] for r in doc["rows"]) == 2
    assert D(rows["10"]["debit"]) == D("61080.00") and D(rows["10"]["credit"]) == D("31700.00")
    assert D(rows["77"]["balance"]) == D("22000.00")


def test_income_statement__ifrs_by_function_as_worked_by_hand(ifrs):
    doc = _json(ifrs, "income-statement", "-p", "2025-01")
    assert doc["title"] == "Income statement, 1-31 January 2025"
    assert _lines(doc) == {
        "revenue": D("9000.00"), "cost_of_sales": D("-4000.00"), "gross_profit": D("5000.00"),
        "other_income": D("300.00"), "operating_expenses": D("-3000.00"), "operating_profit": D("2300.00"),
        "finance_income": D("50.00"), "finance_costs": D("-20.00"), "profit_before_tax": D("2330.00"),
        "tax": D("-500.00"), "net_profit": D("1830.00")}


def test_balance_sheet__ifrs_current_and_non_current(ifrs):
    lines = _lines(_json(ifrs, "balance-sheet", "--on", "2025-01-31"))
    assert (lines["total_current_assets"], lines["total_non_current_assets"]) == (D("129330.00"), D("25000.00"))
    assert (lines["total_short_term"], lines["total_long_term"]) == (D("2500.00"), D("30000.00"))
    assert (lines["result_year"], lines["total_equity"], lines["total_liabilities_equity"]) == (
        D("1830.00"), D("121830.00"), D("154330.00"))


def test_statements__columns_by_month_and_compared_keep_their_ids(lokanta):
    by_month = _json(lokanta, "income-statement", "-b", "2024-12-01", "-e", "2025-02-01", "-M")
    assert [c["column"] for c in by_month["columns"]] == ["2024-12", "2025-01"]
    assert [(c["lines"]["net_sales"], c["lines"]["net_profit"]) for c in by_month["columns"]] == [
        ("0.00", "0.00"), ("9500.00", "-16570.00")]
    assert by_month["title"] == "Gelir tablosu, 1 Aralık 2024 - 31 Ocak 2025"
    compared = _json(lokanta, "income-statement", "-p", "2025-01", "--compare", "previous")
    row = next(r for r in compared["rows"] if r["line"] == "net_profit" and not r["account"])
    assert (D(row["amount"]), D(row["previous"]), D(row["change"])) == (D("-16570.00"), 0, D("-16570.00"))
    run = CliRunner().invoke(app, ["report", "income-statement", "-p", "2025-01", "--compare", "previous",
                                   "--books", str(lokanta), "--format", "csv"])
    assert run.stdout.splitlines()[0] == "section,line,level,account,name,amount,previous,change,change_pct"


def test_periods__said_as_people_say_them():
    from datetime import date

    assert i18n.period_text(date(2025, 1, 1), date(2025, 2, 1), "tr") == "1 Ocak - 31 Ocak 2025"
    assert i18n.period_text(date(2025, 1, 1), date(2025, 2, 1), "en") == "1-31 January 2025"
    assert i18n.period_text(date(2025, 1, 1), date(2025, 4, 1), "en") == "1 January - 31 March 2025"
    assert i18n.period_text(date(2024, 7, 1), date(2025, 7, 1), "tr") == "1 Temmuz 2024 - 30 Haziran 2025"
    assert i18n.period_text(date(2025, 3, 4), date(2025, 3, 5), "tr") == "4 Mart 2025"


def test_end_option__is_exclusive_and_help_says_so_with_an_example(lokanta):
    run = CliRunner().invoke(app, ["report", "trial-balance", "--help"])
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", run.stdout).split())     # rich's help panels, unboxed
    assert "end exclusive" in flat and "-b 2025-01-01 -e 2025-02-01 is January 2025" in flat
    doc = _json(lokanta, "trial-balance", "-b", "2025-01-01", "-e", "2025-02-01", "--lang", "en")
    assert doc["title"] == "Trial balance, 1-31 January 2025"
    assert "exclusive" not in doc["title"] and "2025-02-01" not in doc["title"]


def _visible(page: str) -> str:
    """The words a reader sees: no CSS, no tags, and no <code> (check ids and period ids such as
    `previous-period-closed` and `2025-01` are the same in every language)."""
    page = re.sub(r"<style>.*?</style>|<code>.*?</code>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def test_turkish_close_pack__has_no_english_catalogue_string(lokanta):
    book, _ = load_ledger(lokanta, use_cache=False)
    record = {"period": "2025-01", "closed_by": "Zeynep Kaya", "closed_on": "2025-02-03",
              "totals": {"debit": "121780.00", "credit": "121780.00"},
              "checklist": [{"check": "ap-tie-out", "result": "pass",
                             "detail": "320.01 = -40000.00, subledger -40000.00"},
                            {"check": "previous-period-closed", "result": "pass", "detail": "first period"}],
              "seal": "sha256:" + "0" * 64}
    tr_page = close_pack_html(book, "2025-01", record, [])
    english = [w for w in i18n.english_words() if w in _visible(tr_page)]
    assert english == []
    assert '<html lang="tr">' in tr_page and "Dönem kapanış dosyası: 1 Ocak - 31 Ocak 2025" in tr_page
    en_page = close_pack_html(book, "2025-01", record, [], lang="en")
    assert "Close pack: 1-31 January 2025" in en_page and "Balance sheet" in _visible(en_page)


def test_checklist_rows__formatted_numbers_and_account_names(lokanta):
    book, _ = load_ledger(lokanta, use_cache=False)
    record = {"checklist": [{"check": "ar-tie-out", "result": "fail",
                             "detail": "120.01 = 10517099.85, subledger 10517000.00"}]}
    page = close_pack_html(book, "2025-01", record, [])
    assert "120.01 Yurt İçi Alıcılar = 10,517,099.85, yardımcı defter 10,517,000.00" in page
    assert "Alacaklar kontrol hesabıyla uyumlu" in page and "<code>ar-tie-out</code>" in page
    en = close_pack_html(book, "2025-01", record, [], lang="en")
    assert "120.01 Yurt İçi Alıcılar = 10,517,099.85, subledger 10,517,000.00" in en


def test_close__terminal_checklist_names_accounts_and_formats_numbers(lokanta, tmp_path):
    import shutil

    root = tmp_path / "close"
    shutil.copytree(lokanta, root)
    run = CliRunner().invoke(app, ["close", "2025-01", "--books", str(root), "--on", "2025-02-03", "--by", "Z",
                                   "--dry-run"])
    assert "Kontrol listesi:" in run.stdout, run.output
    assert "320.01 Yurt İçi Satıcılar = -40,000.00" in run.stdout


def test_language__unknown_is_a_problem_and_a_usage_error(lokanta, tmp_path):
    import shutil

    root = tmp_path / "de"
    shutil.copytree(lokanta, root)
    toml = root / "books.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('language = "tr"', 'language = "de"'), encoding="utf-8")
    _, problems = load_ledger(root, use_cache=False)
    assert [p.code for p in problems if p.code == "E150"] == ["E150"]
    run = CliRunner().invoke(app, ["report", "trial-balance", "--books", str(lokanta), "--lang", "de"])
    assert run.exit_code == 2


def test_filed_layouts__agree_with_the_chart_layout_on_the_demo_every_quarter(demo_book):
    """Two ways of drawing the same balances: the net profit, total assets, liabilities and equity of
    the filed statements equal the chart layout's, column for column, and the mizan's closing
    balances equal the trial balance's."""
    from datetime import timedelta

    from core.ledger.period import parse_period, split
    from core.reports.filed import build_balance_sheet_filed, build_income_statement_filed
    from core.reports.statements import build_balance_sheet, build_income_statement

    book = demo_book
    quarters = split(parse_period("2025"), "Q")
    filed = build_income_statement_filed(book, quarters, lang="tr").meta["columns"]
    chart = build_income_statement(book, quarters).meta["columns"]
    assert [c["lines"]["net_profit"] for c in filed] == [c["result"] for c in chart]
    assert all(c["lines"]["net_profit"] != 0 for c in filed)
    days = [(label, s.end - timedelta(days=1)) for label, s in quarters]
    filed_bs = build_balance_sheet_filed(book, days).meta["columns"]
    chart_bs = build_balance_sheet(book, days).meta["columns"]
    for f, c in zip(filed_bs, chart_bs):
        assert (f["assets"], f["liabilities"], f["equity"], f["balanced"]) == (
            c["assets"], c["liabilities"], c["equity"], True)
        assert f["current_assets"] + f["non_current_assets"] == f["assets"]
