"""Every import problem code (core.model.errors.IMPORT_CATALOGUE), from its case in tests/errors/I*.yaml.

A case names the command (with `{source}` and `{rules}` for the files it writes), the source text
and the rules or mapping text, and the line and message the problem must have. Errors exit 1 and
write nothing; the warning exits 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from core.model.errors import IMPORT_CATALOGUE
from core.interop import manifest as mf

CASES = sorted((Path(__file__).parent / "errors").glob("I*.yaml"))


def test_import_catalogue__has_a_case_for_every_code():
    assert sorted(p.stem for p in CASES) == sorted(IMPORT_CATALOGUE)


@pytest.mark.parametrize("case_file", [c for c in CASES if c.stem != "I009"], ids=lambda p: p.stem)
def test_import_problem__names_file_line_and_message(case_file: Path, tmp_path, books_dir):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    root = books_dir(case.get("files") or {})
    src, rules = tmp_path / "source.txt", tmp_path / "rules.yaml"
    src.write_text(case["source"], encoding="utf-8")
    if "rules" in case:
        rules.write_text(case["rules"], encoding="utf-8")
    args = [a.replace("{source}", str(src)).replace("{rules}", str(rules)) for a in case["command"]]
    before = sorted(p for p in root.rglob("*") if ".kebir" not in p.parts)
    result = CliRunner().invoke(app, [*args, "--books", str(root)])
    want = case["expect"]
    where = rules if want.get("in") == "rules" else src
    head = f"{where}:{want['line']}: {case['code']} {IMPORT_CATALOGUE[case['code']][0]}"
    assert any(line.startswith(head) and want["message"] in line for line in result.stderr.splitlines()), \
        result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.output
    if IMPORT_CATALOGUE[case["code"]][0] == "error":
        assert result.exit_code == 1
        assert sorted(p for p in root.rglob("*") if ".kebir" not in p.parts) == before, "nothing written"
    else:
        assert result.exit_code == 0


def test_import_totals__a_difference_is_I009_with_both_sides():
    case = yaml.safe_load((Path(__file__).parent / "errors" / "I009.yaml").read_text(encoding="utf-8"))
    m = mf.Manifest("journal", "x", "old.journal", "0" * 64, 0, "hledger")
    mf.add(m.totals_in, "102.01", "TRY", 1000)
    problems = mf.compare_totals(m, {"TRY": 2}, "old.journal")
    assert [(p.code, p.line) for p in problems] == [("I009", 1)]
    assert case["expect"]["message"] in problems[0].message and problems[0].hint
