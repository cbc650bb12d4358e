"""The shipped demo company: generated, deterministic, clean, canonical, and in balance."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from core.books import fmt
from core.reports.trial_balance import build_trial_balance
from tests.conftest import DEMO, REPO, check


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".kebir" not in p.parts)


def test_demo__regenerates_byte_for_byte(tmp_path):
    out = tmp_path / "demo"
    truth = tmp_path / "duplicates.yaml"
    subprocess.run([sys.executable, "-m", "bench.demo.generate", str(out), "--truth", str(truth)],
                   cwd=REPO, check=True, capture_output=True)
    assert _tree(out) == _tree(DEMO)
    mismatch = [rel for rel in _tree(DEMO) if not filecmp.cmp(out / rel, DEMO / rel, shallow=False)]
    assert mismatch == [], "ledger-data/ differs from its generator: run `make demo` and commit"
    assert truth.read_bytes() == (REPO / "bench" / "demo" / "duplicates.yaml").read_bytes()


def test_demo__validates_clean_and_balances(demo_copy):
    book, problems = check(demo_copy)
    assert problems == []
    assert book.entries.height > 3000 and book.moves.height > 10000 and len(book.items) >= 80
    assert {c.side for c in book.contacts.values()} == {"crm", "erp"}
    tb = build_trial_balance(book)
    assert tb.totals[2] == tb.totals[3] and tb.totals[4] == 0


def test_demo__is_in_canonical_form(demo_copy):
    changes, problems = fmt.format_book(demo_copy)
    assert problems == [] and [c.path for c in changes] == []


def test_quick_start__main_job_runs_on_the_demo(demo_copy):
    assert CliRunner().invoke(app, ["validate", "--books", str(demo_copy)]).exit_code == 0
    result = CliRunner().invoke(app, ["report", "trial-balance", "--books", str(demo_copy), "-p", "2025-12", "-H",
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    total = result.stdout.strip().splitlines()[-1].split(",")
    assert total[0] == "Total" and total[2] == total[3] and total[4] == "0.00"     # csv stays English
