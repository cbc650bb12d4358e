"""Exports of closed books balance: `hledger check` and `bean-check` accept the export of every state of
the books (open, after a month's close with an FX revaluation, after the year end), hledger's
base-currency balances equal kebir's trial balance in each, and `kebir import journal` reads the
export of closed books back to the same records.

A revaluation leg moves only the base value of a foreign balance (no EUR changes hands). Written as
`0.00 EUR @@ 500.00 TRY` it lost the sign of a credit leg, and beancount takes no price on zero
units; it is now the base value in TRY on the same account, tagged `revalues:EUR`.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from core.erp.load import load_ledger
from core.reports.trial_balance import build_trial_balance
from tests.conftest import DEMO
from tests.test_close import close, make, run
from tests.test_export_beancount import tool
from tests.test_hledger import need_hledger

# A restaurant's November and December: EUR 1,000.00 in the bank bought at 37.0000, an EUR 500.00 olive
# oil invoice owed to the supplier at 37.0000. EUR rises to 37.5000 at the end of November and to
# 38.0000 at the end of December.
NOVEMBER = """
- id: JE-2025-11-0001
  date: 2025-11-01
  memo: Capital
  postings:
    - {account: "102.01", debit: "100000.00"}
    - {account: "500.01", credit: "100000.00"}
- id: JE-2025-11-0002
  date: 2025-11-10
  memo: EUR deposit at 37.0000
  postings:
    - {account: "102.02", debit: "1000.00", currency: EUR, rate: "37.0000"}
    - {account: "102.01", credit: "37000.00"}
- id: JE-2025-11-0003
  date: 2025-11-12
  memo: Olive oil from Kalamata, invoice in EUR
  postings:
    - {account: "770.01", debit: "18500.00"}
    - {account: "320.01", credit: "500.00", currency: EUR, rate: "37.0000", contact: SU-0001}
"""
SUPPLIERS = '- {id: SU-0001, kind: company, name: Kalamata Olive Co., country: GR}\n'

DECEMBER = """
- id: JE-2025-12-0001
  date: 2025-12-05
  memo: Catering sale with 20% VAT
  postings:
    - {account: "102.01", debit: "12000.00"}
    - {account: "600.01", credit: "10000.00"}
    - {account: "391.03", credit: "2000.00"}
"""
RATES = "date,currency,rate\n2025-11-10,EUR,37.0000\n2025-11-30,EUR,37.5000\n2025-12-31,EUR,38.0000\n"


def tools_accept(root: Path) -> dict[str, Decimal]:
    """Export both ways; hledger check and bean-check must pass, and hledger's balances valued in TRY
    (`bal -B`) must equal the trial balance. Returns the balances."""
    hledger = need_hledger()
    journal = run("export", "journal", "--to", "hledger", "--books", str(root))
    assert journal.exit_code == 0, journal.output
    checked = subprocess.run([hledger, "-f", "-", "check"], input=journal.stdout, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    out = subprocess.run([hledger, "-f", "-", "bal", "-B", "--flat", "-O", "csv", "--no-total"],
                         input=journal.stdout, capture_output=True, text=True, check=True).stdout
    theirs = {}
    for account, amount in list(csv.reader(io.StringIO(out)))[1:]:
        value, _, cur = amount.strip().partition(" ")
        assert cur in ("TRY", ""), amount          # everything valued in the base currency
        if Decimal(value):
            theirs[account.rsplit(":", 1)[-1]] = Decimal(value)
    book, _ = load_ledger(root, use_cache=False)
    ours = {row[0]: row[4] for row in build_trial_balance(book).rows if row[4] != 0}
    assert ours == theirs

    bean = root.parent / f"{root.name}.beancount"
    exported = run("export", "journal", "--to", "beancount", "--books", str(root), "-o", str(bean))
    assert exported.exit_code == 0, exported.output
    checked = subprocess.run([tool("bean-check"), str(bean)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return ours


@pytest.mark.parametrize("chart", ["tr-tdhp", "ifrs-small"])
def test_exports__balance_open_after_a_month_with_revaluation_and_after_the_year_end(tmp_path, chart):
    root = make(tmp_path, chart, "[]\n")
    (root / "journals/2025/2025-03.yaml").unlink()
    for rel, text in (("journals/2025/2025-11.yaml", NOVEMBER), ("journals/2025/2025-12.yaml", DECEMBER),
                      ("rates/2025.csv", RATES), ("contacts/erp/suppliers.yaml", SUPPLIERS)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    tools_accept(root)

    assert close(root, "2025-11").exit_code == 0
    november = (root / "journals/2025/2025-11.close.yaml").read_text(encoding="utf-8")
    # bank: EUR 1,000.00 from 37,000.00 to 37,500.00, a debit of 500.00; the supplier's EUR 500.00 from
    # 18,500.00 to 18,750.00, a credit of 250.00 (the leg whose sign the export lost); 250.00 net gain
    assert 'base: "500.00"' in november and 'base: "250.00"' in november
    bal = tools_accept(root)
    assert bal["102.02"] == Decimal("37500.00") and bal["320.01"] == Decimal("-18750.00")

    assert close(root, "2025-12").exit_code == 0
    bal = tools_accept(root)
    assert bal["102.02"] == Decimal("38000.00") and bal["320.01"] == Decimal("-19000.00")
    # the year's result: sale 10,000.00 - oil 18,500.00 + gains (250.00 + 250.00) = -8,000.00, a loss
    # (no tax on a loss under tr-tdhp), carried to 591 / retained earnings
    assert bal.get("591.01", bal.get("570.01")) == Decimal("8000.00")


def test_round_trip__a_closed_month_comes_back_with_its_revaluation_legs_in_eur(tmp_path):
    """`kebir import journal` reads the `revalues:EUR` leg back as kebir wrote it: no EUR, a base value."""
    from tests.conftest import check
    from tests.test_import_journal import records

    root = make(tmp_path, "tr-tdhp", "[]\n")
    (root / "journals/2025/2025-03.yaml").unlink()
    for rel, text in (("journals/2025/2025-11.yaml", NOVEMBER), ("rates/2025.csv", RATES),
                      ("contacts/erp/suppliers.yaml", SUPPLIERS)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert close(root, "2025-11").exit_code == 0
    src = records(check(root)[0])
    for fmt in ("hledger", "beancount"):
        out = tmp_path / f"closed.{fmt}"
        assert run("export", "journal", "--to", fmt, "--books", str(root), "-o", str(out)).exit_code == 0
        dst = tmp_path / f"fresh-{fmt}"
        dst.mkdir()
        shutil.copy(root / "books.toml", dst / "books.toml")
        shutil.copytree(root / "contacts", dst / "contacts")
        (dst / "accounts.yaml").write_text("[]\n", encoding="utf-8")
        r = run("import", "journal", str(out), "--from", fmt, "--books", str(dst))
        assert r.exit_code == 0, r.output
        book, problems = check(dst)
        assert [p for p in problems if p.severity == "error"] == []
        back = records(book)
        assert src[0].equals(back[0]) and src[1].equals(back[1]), fmt
        leg = book.postings.filter((pl.col("entry_id") == "JE-2025-11-C001") & (pl.col("account") == "320.01"))
        assert leg.select("currency", "amount", "base").rows() == [("EUR", 0, -25000)]


def demo_in(tmp_path: Path) -> Path:
    root = tmp_path / "ledger-data"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".kebir"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def close_demo(root: Path, period: str) -> None:
    y, m = map(int, period.split("-"))
    on = f"{y + m // 12}-{m % 12 + 1:02d}-03"
    result = run("close", period, "--books", str(root), "--on", on, "--by", "Zeynep Kaya <z@lokanta.example>")
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_demo_exports__balance_open_and_after_january_with_its_fx_revaluation(tmp_path):
    root = demo_in(tmp_path)
    tools_accept(root)
    close_demo(root, "2025-01")
    generated = (root / "journals/2025/2025-01.close.yaml").read_text(encoding="utf-8")
    assert "2025-01 kur değerlemesi" in generated and 'credit: "0.00", currency: EUR' in generated
    tools_accept(root)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("KEBIR_FULL_YEAR") != "1" and os.environ.get("KEBIR_SLOW_TESTS") != "1",
                    reason="closes all twelve months of the demo and its year end, about 13 s a month on a shared "
                           "two-core machine (3 minutes): run with --slow or KEBIR_FULL_YEAR=1; the year end itself is "
                           "covered on small books above")
def test_demo_exports__balance_after_every_monthly_close_and_the_year_end(tmp_path):
    root = demo_in(tmp_path)
    for month in range(1, 13):
        close_demo(root, f"2025-{month:02d}")
        tools_accept(root)
