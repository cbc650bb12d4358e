"""Opening balances are balances brought forward, not the first month's cash flows (issue 16, item 1).

A restaurant starts its books on 1 January with 50,000.00 in the till and the bank, an oven it bought
years ago (120,000.00, of which 30,000.00 depreciated), and its capital. In January it sells for
10,000.00 cash and depreciates the oven by 2,000.00. The cash flow of January opens with the
50,000.00, shows 10,000.00 coming in, and its only non-cash item is January's 2,000.00 depreciation:
neither the oven (an investment of years ago) nor the 30,000.00 depreciated before are January's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl
import pytest

from core.close.entries import with_generated
from core.close.plan import entries_as_records, plan_close

from core.books import store
from core.ledger.period import parse_period
from core.reports.cashflow import build_cash_flow
from core.reports.close_pack import close_pack_html
from core.reports.statements import build_balance_sheet, monthly_series
from tests.conftest import BOOKS_TOML, REPO, check

TDHP = {"books.toml": BOOKS_TOML.replace('base_currency = "TRY"\n', 'base_currency = "TRY"\nchart = "tr-tdhp"\n')}

ACCOUNTS = """\
- {code: "100", name: Kasa, type: cash}
- {code: "100.01", name: Kasa Kadıköy}
- {code: "102", name: Bankalar, type: bank}
- {code: "102.01", name: İş Bankası TRY}
- {code: "255", name: Demirbaşlar, type: asset}
- {code: "257", name: Birikmiş Amortismanlar, type: asset}
- {code: "500", name: Sermaye, type: equity}
- {code: "570", name: Geçmiş Yıllar Kârları, type: equity}
- {code: "600", name: Yurt İçi Satışlar, type: income}
- {code: "600.01", name: Satışlar Kadıköy}
- {code: "659.99", name: Yuvarlama farkları, type: expense}
- {code: "770", name: Genel Yönetim Giderleri, type: expense}
- {code: "770.01", name: Amortisman}
"""

OPENING = """\
- id: JE-2025-01-0001
  date: 2025-01-01
  memo: Açılış kaydı 2025
  tags: [opening]
  postings:
    - {account: "100.01", debit: "5000.00"}
    - {account: "102.01", debit: "45000.00"}
    - {account: "255", debit: "120000.00"}
    - {account: "257", credit: "30000.00"}
    - {account: "500", credit: "100000.00"}
    - {account: "570", credit: "40000.00"}
"""

JANUARY = OPENING + """\
- id: JE-2025-01-0002
  date: 2025-01-15
  memo: Nakit satış
  postings:
    - {account: "100.01", debit: "10000.00"}
    - {account: "600.01", credit: "10000.00"}
- id: JE-2025-01-0003
  date: 2025-01-31
  memo: Ocak amortismanı
  postings:
    - {account: "770.01", debit: "2000.00"}
    - {account: "257", credit: "2000.00"}
"""


def test_cash_flow__january_opens_with_the_cash_brought_forward(books):
    book, problems = books({**TDHP, "accounts.yaml": ACCOUNTS, "journals/2025/2025-01.yaml": JANUARY})
    assert [p for p in problems if p.severity == "error"] == []
    cf = build_cash_flow(book, parse_period("2025-01"))
    m = cf.meta
    assert m["cash_begin"] == D("5000.00") + D("45000.00")          # the till and the bank, brought forward
    assert m["result"] == D("10000.00") - D("2000.00")               # sales - depreciation
    assert m["investing"] == D("0.00")                               # the oven was bought years ago
    assert m["financing"] == D("0.00")                               # no capital came in this January
    non_cash = [r for r in cf.rows if r[3] == "Adjustments for non-cash items"]
    assert [r[4] for r in non_cash] == [D("2000.00")]                # January's depreciation, not 32,000.00
    assert m["operating"] == D("8000.00") + D("2000.00")
    assert m["cash_end"] == D("50000.00") + D("10000.00") and m["reconciled"]
    # A year's statement reads the same opening: the entry is dated inside 2025 but brings 2024 forward.
    assert build_cash_flow(book, parse_period("2025")).meta["cash_begin"] == D("50000.00")
    # February starts from January's closing cash, as before.
    assert build_cash_flow(book, parse_period("2025-02")).meta["cash_begin"] == D("60000.00")


def test_monthly_series__cash_at_the_start_of_the_year_is_the_opening_cash(books):
    book, _ = books({**TDHP, "accounts.yaml": ACCOUNTS, "journals/2025/2025-01.yaml": JANUARY})
    series = monthly_series(book, 2025)
    assert series["cash_opening"] == D("50000.00")
    assert series["cash"][0] == D("60000.00")


def test_opening_entry__posts_to_balance_sheet_accounts_only(books):
    wrong = OPENING.replace('{account: "570", credit: "40000.00"}', '{account: "600.01", credit: "40000.00"}')
    _, problems = books({**TDHP, "accounts.yaml": ACCOUNTS, "journals/2025/2025-01.yaml": wrong})
    hits = [p for p in problems if p.code == "E130"]
    assert [(p.path, p.line, p.record) for p in hits] == [("journals/2025/2025-01.yaml", 11, "JE-2025-01-0001")]
    assert "income account 600.01" in hits[0].message


# -- the demo company --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_checked):
    book, problems = demo_checked[0], list(demo_checked[1])
    assert [p for p in problems if p.severity == "error"] == []
    return book


def _opening_cash(book) -> D:
    """What the demo's opening entry puts in the cash and bank accounts, summed from the entry itself."""
    cash = [c for c, a in book.accounts.items() if a.type in ("cash", "bank")]
    opening = book.entries.filter(pl.col("tags").fill_null("").str.contains("opening"))["id"].to_list()
    p = book.postings.filter(pl.col("entry_id").is_in(opening) & pl.col("account").is_in(cash))
    return D(int(p["base"].sum())) / 100


def test_demo__january_and_the_year_reconcile_from_the_opening_cash(demo):
    opening = _opening_cash(demo)
    assert opening > 0
    for period, last in (("2025-01", date(2025, 1, 31)), ("2025", date(2025, 12, 31))):
        m = build_cash_flow(demo, parse_period(period)).meta
        assert m["cash_begin"] == opening, period
        assert m["cash_begin"] + m["net_change"] == m["cash_end"] == build_balance_sheet(demo, last).meta["cash"]
    january = build_cash_flow(demo, parse_period("2025-01"))
    assert january.meta["investing"] == D("0.00"), "the fixed assets brought forward are no investment of January"
    assert not [r for r in january.rows if r[2] == "570"], "retained earnings brought forward are no financing"


def test_demo__january_non_cash_items_are_januarys_depreciation(demo):
    plan = plan_close(demo, "2025-01", set())
    records = entries_as_records(plan, demo)
    closed = with_generated(demo, store.dump_yaml_records("journal", records),
                            "journals/2025/2025-01.close.yaml")
    cf = build_cash_flow(closed, parse_period("2025-01"))
    depreciation = [r for r in cf.rows if r[3] == "Adjustments for non-cash items"]
    # VUK, one twelfth of each year's amount: 6,850,000 / 10 / 12 = 57,083.33; 3,200,000 / 5 / 12 = 53,333.33;
    # FA-0003 declining at 50%: (640,000 - 320,000) x 50% / 12 = 13,333.33; 1,850,000 / 5 / 12 = 30,833.33
    assert [r[4] for r in depreciation] == [D("57083.33") + D("53333.33") + D("13333.33") + D("30833.33")]
    assert cf.meta["reconciled"] and cf.meta["cash_begin"] == _opening_cash(demo)


def test_close_pack__january_shows_no_later_month(demo):
    page = close_pack_html(demo, "2025-01", None, None)
    # every point of the charts is titled by its month first ("2025-01 Gelir ...", in the books' language)
    assert "<title>2025-01 " in page
    for later in ("2025-02", "2025-06", "2025-12"):
        assert f"<title>{later} " not in page, later
    assert "2025-12-31" not in page and "2025-02-28" not in page
    december = close_pack_html(demo, "2025-12", None, None)
    assert "<title>2025-11 " in december and "<title>2025-12 " in december


# -- kebir init writes the template ------------------------------------------------------------

@pytest.mark.parametrize("chart", ["tr-tdhp", "ifrs-small"])
def test_init__the_commented_opening_entry_validates_once_copied_into_january(tmp_path, chart):
    from typer.testing import CliRunner

    from cli.main import app

    root = tmp_path / "books"
    assert CliRunner().invoke(app, ["init", str(root), "--template", "restaurant", "--chart", chart]).exit_code == 0
    example = (root / "journals/opening.example.yaml").read_text(encoding="utf-8")
    assert "tags: [opening]" in example and all(line.startswith("#") for line in example.splitlines())
    entry = "\n".join(line[2:] for line in example.splitlines() if line.startswith("# -") or line.startswith("#  "))
    (root / "journals/2025").mkdir(parents=True)
    (root / "journals/2025/2025-01.yaml").write_text(entry + "\n", encoding="utf-8")
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == [], [(p.code, p.message) for p in problems]
    cf = build_cash_flow(book, parse_period("2025-01")).meta
    assert cf["cash_begin"] == D("25000.00") + D("180000.00") + D("36594.40") == cf["cash_end"]
    assert cf["net_change"] == D("0.00") and cf["investing"] == D("0.00")


# -- kebir import journal: another tool's opening becomes an opening entry ------------------------

def _import(tmp_path, books_dir, name: str, text: str, fmt: str):
    from typer.testing import CliRunner

    from cli.main import app

    root = books_dir({"accounts.yaml": "[]\n"})
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    run = CliRunner().invoke(app, ["import", "journal", str(src), "--from", fmt, "--books", str(root)])
    assert run.exit_code == 0, run.output
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    return book


def _tags(book) -> dict[str, str]:
    return dict(book.entries.select("memo", pl.col("tags").fill_null("")).iter_rows())


def test_import_hledger__its_opening_balances_transaction_is_an_opening_entry(tmp_path, books_dir):
    # hledger's own example of a year opened by `hledger close --open` (tests/corpus, from hledger's examples/)
    # (its opening and income; the currency conversion after them uses commodities A and B, no currencies)
    text = (REPO / "tests/corpus/hledger/examples/multi-year/2022.journal").read_text(encoding="utf-8")
    text = text.split("2022-08-01")[0]
    book = _import(tmp_path, books_dir, "2022.journal", text, "hledger")
    assert _tags(book)["opening balances"] == "start:2022,opening"
    assert "opening" not in _tags(book)["income"]
    cf = build_cash_flow(book, parse_period("2022")).meta
    assert cf["reconciled"]


def test_import_beancount__a_pad_from_opening_balances_is_an_opening_entry(tmp_path, books_dir):
    book = _import(tmp_path, books_dir, "old.beancount", """\
option "operating_currency" "TRY"
2025-01-01 open Assets:Bank:Is     TRY
  type: "bank"
2025-01-01 open Equity:Opening-Balances
2025-01-01 open Income:Sales
2025-01-01 pad Assets:Bank:Is Equity:Opening-Balances
2025-01-02 balance Assets:Bank:Is  45000.00 TRY
2025-01-10 * "Nakit satış"
  Assets:Bank:Is     1000.00 TRY
  Income:Sales
""", "beancount")
    opening = book.entries.filter(pl.col("tags").fill_null("").str.contains("opening"))
    assert opening.height == 1 and opening["date"][0] == date(2025, 1, 1)
    assert int(book.postings.filter(pl.col("entry_id") == opening["id"][0])["base"].abs().sum()) == 2 * 4500000
    cf = build_cash_flow(book, parse_period("2025-01")).meta
    assert cf["cash_begin"] == D("45000.00") and cf["net_change"] == D("1000.00") and cf["reconciled"]


def test_import_beancount__any_other_pad_is_still_refused(tmp_path, books_dir):
    from typer.testing import CliRunner

    from cli.main import app

    root = books_dir({"accounts.yaml": "[]\n"})
    src = tmp_path / "old.beancount"
    src.write_text('option "operating_currency" "TRY"\n2025-01-01 open Assets:Bank:Is TRY\n'
                   "2025-01-01 open Expenses:Misc\n2025-01-01 pad Assets:Bank:Is Expenses:Misc\n"
                   "2025-01-02 balance Assets:Bank:Is  10.00 TRY\n", encoding="utf-8")
    run = CliRunner().invoke(app, ["import", "journal", str(src), "--from", "beancount", "--books", str(root)])
    assert run.exit_code == 1 and "I001" in run.output
