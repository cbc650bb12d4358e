"""bench/report_bench.py at 1,000 transactions: every tool runs, and kebir's trial balance agrees with hledger's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOOLS = {"ledger": shutil.which("ledger"), "hledger": shutil.which("hledger"),
         "bean-query": shutil.which("bean-query", path=str(BIN)) or shutil.which("bean-query")}


def need_tools() -> None:
    missing = [name for name, path in TOOLS.items() if path is None]
    if missing:
        if os.environ.get("KEBIR_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{', '.join(missing)} required here (KEBIR_REQUIRE_TOOLS=1): apt-get install ledger "
                        "hledger; pip install -e '.[test]' (beanquery)")
        pytest.skip(f"not installed: {', '.join(missing)}")


def test_report_bench__1k_runs_every_tool_and_agrees_with_hledger(tmp_path):
    need_tools()
    run = subprocess.run([sys.executable, str(REPO / "bench" / "report_bench.py"), "--sizes", "1000", "--runs", "1",
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    doc = json.loads((tmp_path / "report-results-1000.json").read_text())
    ran = {r["tool"]: r for r in doc["rows"]}
    assert set(ran) == {"kebir trial-balance", "kebir balance-sheet -M", "kebir query group-by", "ledger bal",
                        "ledger bal -B", "hledger bal", "hledger bs -M", "bean-query group-by"}
    assert all(r.get("ok") for r in ran.values()), [r for r in ran.values() if not r.get("ok")]
    check = doc["crosscheck"]
    assert check["hledger_agree"] and check["hledger_mismatches"] == []
    assert check["kebir_accounts"] == check["hledger_accounts"] > 50
    assert check["kebir_totals"]["debit"] == check["kebir_totals"]["credit"]
    assert check["query_equals_tb"] is True
    assert "| kebir trial-balance |" in (tmp_path / "report-results.md").read_text()
