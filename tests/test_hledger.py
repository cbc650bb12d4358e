"""The trial balance, balance sheet and income statement agree with hledger, account by account, on the
exported journal."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.interop.export_hledger import export_hledger
from core.ledger.period import parse_period
from core.reports.trial_balance import build_trial_balance
from core.reports.reflection import reflected_account, reflection_targets
from tests.conftest import check, write_books
from tests.test_hand_month import hand_month  # noqa: F401  (the fixture)

HLEDGER = shutil.which("hledger")


def need_hledger() -> str:
    if HLEDGER is None:
        if os.environ.get("KEBIR_REQUIRE_TOOLS") == "1":
            pytest.fail("hledger is required here (KEBIR_REQUIRE_TOOLS=1): apt-get install hledger")
        pytest.skip("hledger not installed")
    return HLEDGER


def hledger_balances(journal: str, *args: str) -> dict[str, Decimal]:
    out = subprocess.run([need_hledger(), "-f", "-", "bal", "-B", "--flat", "-O", "csv", "--no-total", *args],
                         input=journal, capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))[1:]
    result = {}
    for account, amount in rows:
        value, _, cur = amount.strip().partition(" ")
        assert cur in ("TRY", ""), amount
        result[account.rsplit(":", 1)[-1]] = Decimal(value)
    return result


def assert_agrees(root: Path, *args: str) -> int:
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    tb = build_trial_balance(book)
    assert tb.totals[2] == tb.totals[3], "debits equal credits"
    ours = {row[0]: row[4] for row in tb.rows if row[4] != 0}
    theirs = {k: v for k, v in hledger_balances(export_hledger(book), *args).items() if v != 0}
    assert ours == theirs
    return len(ours)


def test_trial_balance__matches_hledger_on_small_books_with_eur(tmp_path):
    root = write_books(tmp_path / "b", {"journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-04
          memo: Olive oil from Kalamata; paid in EUR
          postings:
            - {account: "770.01", debit: "44550.00"}
            - {account: "102.02", credit: "1200.00", currency: EUR, rate: "37.1250"}
        - id: JE-2
          date: 2025-03-05
          postings:
            - {account: "100.01", debit: "0.10"}
            - {account: "100.01", debit: "0.20"}
            - {account: "600.01", credit: "0.30"}
    """})
    assert assert_agrees(root) == 4


def test_trial_balance__matches_hledger_on_the_demo_company(demo_ro):
    assert assert_agrees(demo_ro) > 20


def test_hledger_types__bs_and_is_queries_work(tmp_path):
    root = write_books(tmp_path / "b", {"journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-04
          postings:
            - {account: "100.01", debit: "500.00"}
            - {account: "600.01", credit: "500.00"}
    """})
    book, _ = check(root)
    journal = export_hledger(book)
    revenue = subprocess.run([need_hledger(), "-f", "-", "bal", "type:R", "-O", "csv", "--no-total"],
                             input=journal, capture_output=True, text=True, check=True).stdout
    assert "600:600.01" in revenue and "-500.00 TRY" in revenue
    cash = subprocess.run([need_hledger(), "-f", "-", "bal", "type:C", "-O", "csv", "--no-total"],
                          input=journal, capture_output=True, text=True, check=True).stdout
    assert "100:100.01" in cash


def hledger_statement(journal: str, command: str, *args: str) -> dict[str, dict[str, Decimal]]:
    """`hledger bse|is -B --flat -O csv` as {section: {leaf account code: amount}}; the net line as
    section "Net"."""
    out = subprocess.run([need_hledger(), "-f", "-", command, "-B", "--flat", "-O", "csv", *args],
                         input=journal, capture_output=True, text=True, check=True).stdout
    sections: dict[str, dict[str, Decimal]] = {}
    current = ""
    for row in list(csv.reader(io.StringIO(out)))[2:]:
        if len(row) < 2:
            continue
        account, amount = row[0], row[-1].strip()
        if account == "Net:":
            sections["Net"] = {"": Decimal(amount.split()[0]) if amount else Decimal(0)}
        elif not amount:
            current = account
            sections.setdefault(current, {})
        elif account != "total":
            value, _, cur = amount.partition(" ")
            assert cur in ("TRY", ""), amount
            sections[current][account.rsplit(":", 1)[-1]] = Decimal(value)
    return sections


def test_balance_sheet__equals_hledger_bse_on_the_demo_company(demo_book):
    from core.reports.statements import build_balance_sheet

    book = demo_book
    leaves = {c for c in book.accounts if c not in book.groups()}
    sheet = build_balance_sheet(book, date(2025, 12, 31))
    theirs = hledger_statement(export_hledger(book), "bse", "-e", "2026-01-01")
    for ours_name, their_name in (("Assets", "Assets"), ("Liabilities", "Liabilities"), ("Equity", "Equity")):
        ours = {r[2]: r[4] for r in sheet.rows if r[0] == ours_name and r[2] in leaves and r[4] != 0}
        assert ours == {k: v for k, v in theirs[their_name].items() if v != 0}, ours_name
    # hledger leaves the year's result out of equity and shows it as the net line; kebir puts it in.
    assert theirs["Net"][""] == sheet.meta["result"]


def test_income_statement__equals_hledger_is_on_the_demo_company(demo_book):
    from core.reports.statements import build_income_statement

    book = demo_book
    leaves = {c for c in book.accounts if c not in book.groups()}
    report = build_income_statement(book, parse_period("2025"))
    theirs = hledger_statement(export_hledger(book), "is", "-p", "2025")
    targets = {k: t for k, t in reflection_targets(book).items() if t in book.accounts}
    for ours_name, their_name, sign in (("Income", "Revenues", -1), ("Expenses", "Expenses", 1)):
        ours = {r[2]: r[4] for r in report.rows if r[0] == ours_name and r[2] in leaves and r[4] != 0}
        # hledger shows the accounts as booked; kebir shows the 7/A costs on their reflection targets
        # (760 -> 631, 770 -> 632, 780 -> 660): summed onto the same lines, hledger's must agree
        mapped: dict[str, Decimal] = {}
        for k, v in theirs[their_name].items():
            mapped[reflected_account(k, targets)] = mapped.get(reflected_account(k, targets), Decimal(0)) + v
        assert ours == {k: v for k, v in mapped.items() if v != 0}, ours_name
        assert sum(theirs[their_name].values()) == report.meta["income" if sign < 0 else "expenses"]
    assert theirs["Net"][""] == report.meta["result"]


def hledger_total(journal: str, *args: str) -> Decimal:
    """The total of `hledger bal -B ARGS` in the base currency."""
    out = subprocess.run([need_hledger(), "-f", "-", "bal", "-B", "--flat", "-O", "csv", *args],
                         input=journal, capture_output=True, text=True, check=True).stdout
    total = list(csv.reader(io.StringIO(out)))[-1]
    assert total[0] == "total", out
    value, _, cur = total[-1].strip().partition(" ")
    assert cur in ("TRY", ""), total
    return Decimal(value or "0")


def assert_statements_agree_with_hledger(book, period: str) -> None:
    """hledger `bs` and `is` totals, and the cash accounts' opening and closing balances, equal kebir's.

    kebir's opening cash counts the opening entries dated in the period (core/ledger/opening.py); hledger
    has no such kind, so its opening cash is the balance before the period plus the cash postings of
    the transactions tagged `opening` in it (the export writes kebir's tags as hledger tags)."""
    from core.reports.cashflow import build_cash_flow
    from core.reports.statements import build_balance_sheet, build_income_statement

    span = parse_period(period)
    journal = export_hledger(book)
    end = str(span.end)
    last = date.fromordinal(span.end.toordinal() - 1)
    sheet = build_balance_sheet(book, last).meta
    bs = hledger_statement(journal, "bs", "-e", end)
    assert sum(bs["Assets"].values()) == sheet["assets"]
    assert sum(bs["Liabilities"].values()) == sheet["liabilities"]
    assert theirs_equity(journal, end) + sheet["result"] == sheet["equity"]
    income = build_income_statement(book, span).meta
    is_ = hledger_statement(journal, "is", "-b", str(span.begin), "-e", end)
    assert sum(is_["Revenues"].values()) == income["income"]
    assert sum(is_["Expenses"].values()) == income["expenses"]
    assert is_["Net"][""] == income["result"]
    cf = build_cash_flow(book, span).meta
    before = hledger_total(journal, "type:C", "-e", str(span.begin))
    brought = hledger_total(journal, "type:C", "tag:opening", "-b", str(span.begin), "-e", end)
    assert before + brought == cf["cash_begin"]
    assert hledger_total(journal, "type:C", "-e", end) == cf["cash_end"] == sheet["cash"]


def theirs_equity(journal: str, end: str) -> Decimal:
    return -hledger_total(journal, "type:E", "-e", end)


@pytest.mark.parametrize("period", ["2025-01", "2025"])
def test_statements__totals_and_cash_agree_with_hledger_on_the_demo(period, demo_book):
    book = demo_book
    assert_statements_agree_with_hledger(book, period)


def test_statements__totals_and_cash_agree_with_hledger_on_the_hand_month(hand_month):  # noqa: F811 (the fixture imported above)
    _, book = hand_month
    assert_statements_agree_with_hledger(book, "2025-01")
