"""kebir export beancount: bean-check accepts the demo company and bean-query balances equal the trial
balance; kebir export parquet: exact decimals equal to the books."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cli.main import app
from core.reports.trial_balance import build_trial_balance

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = shutil.which(name) or (str(BIN / name) if (BIN / name).exists() else None)
    if path is None:
        if os.environ.get("KEBIR_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (pip install beancount beanquery)")
        pytest.skip(f"{name} not installed")
    return path


@pytest.mark.slow
def test_export_beancount__bean_check_accepts_and_bean_query_equals_the_trial_balance(tmp_path, demo_book, demo_ro):
    out = tmp_path / "demo.beancount"
    r = CliRunner().invoke(app, ["export", "journal", "--to", "beancount", "--books", str(demo_ro), "-o", str(out)])
    assert r.exit_code == 0, r.output
    chk = subprocess.run([tool("bean-check"), str(out)], capture_output=True, text=True)
    assert chk.returncode == 0, chk.stdout + chk.stderr
    q = subprocess.run([tool("bean-query"), "-f", "csv", str(out),
                        "SELECT account, sum(number(weight)) AS n GROUP BY account ORDER BY account"],
                       capture_output=True, text=True, check=True).stdout
    theirs = {}
    for line in q.splitlines()[1:]:
        account, _, n = line.rpartition(",")
        if n.strip():
            value = Decimal(n.strip()).quantize(Decimal("0.01"))
            if value:
                theirs[account.rsplit(":", 1)[-1].replace("-", ".")] = value
    book = demo_book
    ours = {row[0]: row[4] for row in build_trial_balance(book).rows if row[4] != 0}
    assert ours == theirs


def test_export_beancount__same_bytes_twice_and_through_the_export_journal_option(tmp_path, demo_ro):
    a = CliRunner().invoke(app, ["export", "beancount", "--books", str(demo_ro), "-p", "2025-03"])
    b = CliRunner().invoke(app, ["export", "journal", "--to", "beancount", "--books", str(demo_ro), "-p", "2025-03"])
    assert a.exit_code == 0 and a.stdout == b.stdout
    assert 'option "operating_currency" "TRY"' in a.stdout


def test_export_parquet__postings_as_exact_decimals(tmp_path, demo_book, demo_ro):
    r = CliRunner().invoke(app, ["export", "parquet", str(tmp_path / "pq"), "--books", str(demo_ro)])
    assert r.exit_code == 0, r.output
    names = {line.split("\t")[0] for line in r.stdout.splitlines()}
    assert names == {f"{t}.parquet" for t in ("postings", "entries", "accounts", "contacts", "items", "moves",
                                               "orders", "order_lines")}
    p = pl.read_parquet(tmp_path / "pq" / "postings.parquet")
    assert p.schema["base_decimal"] == pl.Decimal(38, 2)
    book = demo_book
    assert p.height == book.ledger().height
    assert p["base_decimal"].sum() == 0
    by = p.group_by("account").agg(pl.col("base_minor").sum()).sort("account")
    tb = {row[0]: row[4] for row in build_trial_balance(book).rows}
    assert all(Decimal(m).scaleb(-2) == tb[a] for a, m in by.iter_rows() if a in tb)
