"""Every report's JSON output validates against its published schema in schemas/reports/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from cli.main import app

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "reports"

CASES = [
    ("trial-balance", ["trial-balance", "-p", "2025-03"]),
    ("trial-balance", ["trial-balance", "-p", "2025-03", "--depth", "2"]),
    ("trial-balance", ["trial-balance", "-p", "2025-03", "--layout", "mizan"]),
    ("balance-sheet", ["balance-sheet", "--on", "2025-12-31"]),
    ("balance-sheet", ["balance-sheet", "-p", "2025", "-M", "--depth", "1"]),
    ("balance-sheet", ["balance-sheet", "-p", "2025-12", "--compare", "previous", "--currency", "EUR"]),
    ("income-statement", ["income-statement", "-p", "2025"]),
    ("income-statement", ["income-statement", "-p", "2025", "-Q", "--location", "KDK"]),
    ("income-statement", ["income-statement", "-p", "2025-06", "--compare", "previous"]),
    ("income-statement", ["income-statement", "-p", "2025", "--layout", "chart", "--lang", "en"]),
    ("balance-sheet", ["balance-sheet", "--on", "2025-12-31", "--layout", "chart"]),
    ("cash-flow", ["cash-flow", "-p", "2025Q2"]),
    ("ledger", ["ledger", "102.01", "-p", "2025-03"]),
    ("journal", ["journal", "-p", "2025-03-04"]),
    ("aging", ["aging", "ar", "--on", "2025-12-31"]),
    ("aging", ["aging", "ap", "--on", "2025-06-30", "--detail"]),
    ("stock", ["stock", "-p", "2025-03", "--location", "KDK"]),
    ("sales", ["sales", "-p", "2025", "--by", "month"]),
    ("sales", ["sales", "-p", "2025", "--by", "item", "--top", "5"]),
    ("kpi", ["kpi", "-p", "2025Q4", "--compare", "last-year"]),
    ("customer", ["customer", "CU-0050", "--on", "2025-12-31"]),
    ("recipe-cost", ["recipe-cost", "-p", "2025-11"]),
    ("usage", ["usage", "-p", "2025-06", "--location", "MTF"]),
    ("menu", ["menu", "-p", "2025-06", "--location", "KDK"]),
    ("supplier-prices", ["supplier-prices", "-p", "2025-03", "--item", "FSH-LEVREK", "--alert", "25"]),
    ("vat-return", ["vat-return", "-p", "2025-03", "--detail"]),
    ("ba-bs", ["ba-bs", "-p", "2025-03"]),
    ("pipeline", ["..", "crm", "pipeline", "--on", "2025-06-30"]),
    ("activities", ["..", "crm", "activities", "-p", "2025-04", "--kind", "call"]),
    ("segment", ["..", "crm", "segment", "--where", "days_overdue > 0"]),
]


@pytest.mark.parametrize(("schema", "args"), CASES, ids=[" ".join(a) for _, a in CASES])
def test_report_json__validates_against_its_schema(schema, args, demo_ro):
    command = args[1:] if args[0] == ".." else ["report", *args]       # "..": not under `kebir report`
    run = CliRunner().invoke(app, [*command, "--books", str(demo_ro), "--format", "json"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    validator = Draft202012Validator(json.loads((SCHEMAS / f"{schema}.schema.json").read_text(encoding="utf-8")))
    problems = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert problems == [], [f"{list(e.path)}: {e.message}" for e in problems[:5]]
    assert doc["rows"], "a report with no rows proves nothing"


def test_report_schemas__are_valid_schemas_and_one_per_report():
    names = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert names >= {name for name, _ in CASES}
    for path in SCHEMAS.glob("*.schema.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_report_schema__rejects_a_float_amount():
    schema = json.loads((SCHEMAS / "trial-balance.schema.json").read_text(encoding="utf-8"))
    bad = {"report": "trial-balance", "title": "t", "currency": "TRY",
           "rows": [{"account": "100", "name": "Kasa", "debit": 12.5, "credit": "0.00", "balance": "12.50"}]}
    assert list(Draft202012Validator(schema).iter_errors(bad))
