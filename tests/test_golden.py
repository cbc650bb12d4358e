"""Golden files: each report on the demo company, as csv, byte for byte.

A change to a report's numbers or layout shows up here as a diff a person can read. After a
deliberate change, regenerate with `KEBIR_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review
the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

GOLDEN = Path(__file__).resolve().parent / "golden"
# The demo speaks Turkish (books.toml language = "tr") and files its statements in the uniform chart's
# form; these first cases pin the English words and the chart's own grouping (--layout chart), which
# stay as they were.
CASES = {
    "trial-balance-2025": ["trial-balance", "-p", "2025", "--lang", "en"],
    "balance-sheet-2025-12-31": ["balance-sheet", "--on", "2025-12-31", "--layout", "chart"],
    "balance-sheet-2025-quarterly": ["balance-sheet", "-p", "2025", "-Q", "--depth", "1", "--layout", "chart"],
    "income-statement-2025": ["income-statement", "-p", "2025", "--layout", "chart"],
    "income-statement-2025-12-vs-previous": ["income-statement", "-p", "2025-12", "--compare", "previous",
                                             "--depth", "1", "--layout", "chart"],
    "cash-flow-2025": ["cash-flow", "-p", "2025"],
    "ledger-100.01-2025-01": ["ledger", "100.01", "-p", "2025-01"],
    "journal-2025-01-02": ["journal", "-p", "2025-01-02"],
    "aging-ar-2025-12-31": ["aging", "ar", "--on", "2025-12-31"],
    "aging-ap-2025-12-31": ["aging", "ap", "--on", "2025-12-31"],
    "stock-2025-12-KDK": ["stock", "-p", "2025-12", "--location", "KDK"],
    "sales-2025-by-location": ["sales", "-p", "2025", "--by", "location"],
    "sales-2025-by-month": ["sales", "-p", "2025", "--by", "month"],
    "kpi-2025Q4": ["kpi", "-p", "2025Q4", "--lang", "en"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_report__equals_its_golden_file(name, demo_ro):
    run = CliRunner().invoke(app, ["report", *CASES[name], "--books", str(demo_ro), "--format", "csv"])
    assert run.exit_code == 0, run.output
    path = GOLDEN / f"{name}.csv"
    if os.environ.get("KEBIR_UPDATE_GOLDEN") == "1":
        path.write_text(run.stdout, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with KEBIR_UPDATE_GOLDEN=1 and review it"
    assert run.stdout == path.read_text(encoding="utf-8")


# Statements as they are filed, per language and format: tests/golden/filed/<name>.<lang>.<txt|csv|html>.
# The demo's language is Turkish; `.en.` files run with --lang en.
FILED = {
    "trial-balance-2025-01-depth-3": ["trial-balance", "-p", "2025-01", "--depth", "3"],
    "mizan-2025-02": ["trial-balance", "-p", "2025-02", "--layout", "mizan", "--depth", "3"],
    "income-statement-2025": ["income-statement", "-p", "2025", "--depth", "2"],
    "income-statement-2025-quarterly": ["income-statement", "-p", "2025", "-Q", "--depth", "1"],
    "income-statement-2025-12-vs-previous": ["income-statement", "-p", "2025-12", "--compare", "previous",
                                             "--depth", "1"],
    "balance-sheet-2025-12-31": ["balance-sheet", "--on", "2025-12-31", "--depth", "2"],
    "balance-sheet-2025-quarterly": ["balance-sheet", "-p", "2025", "-Q", "--depth", "1"],
}
FORMATS = {"txt": "text", "csv": "csv", "html": "html"}
FILED_RUNS = sorted(f"{name}.{lang}.{ext}" for name in FILED for lang in ("tr", "en") for ext in FORMATS)


@pytest.mark.parametrize("file", FILED_RUNS)
def test_filed_statement__equals_its_golden_file(file, demo_ro):
    name, lang, ext = file.rsplit(".", 2)
    args = ["report", *FILED[name], "--books", str(demo_ro), "--format", FORMATS[ext]]
    if lang == "en":
        args += ["--lang", "en"]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    path = GOLDEN / "filed" / file
    if os.environ.get("KEBIR_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(run.stdout, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with KEBIR_UPDATE_GOLDEN=1 and review it"
    assert run.stdout == path.read_text(encoding="utf-8")
