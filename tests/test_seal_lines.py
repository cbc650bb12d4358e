"""Seal digests do not depend on where a record sits in its file (issue 15, item 7): a comment line
added at the top of a sealed payroll file was reported as E070 "PR-2025-01 changed". The demo's
January is closed, then every sealed file kind is shifted without changing a record: a comment
header and a blank line on top of each YAML file (journals, orders, payroll), the rows of each
CSV file (stock moves, Z-reports) in another order. The seal must still hold; a real change must
still break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.erp.load import load_ledger
from core.close.seal import check_seals
from tests.conftest import DEMO

SHIFTED = ("journals", "orders", "payroll", "stock/moves", "sales")


@pytest.fixture(scope="module")
def closed_january(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sealed") / "books"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".kebir"))
    run = CliRunner().invoke(app, ["close", "2025-01", "--books", str(root), "--on", "2025-02-05", "--by", "Zeynep"])
    assert run.exit_code == 0, run.output
    return root


def copy_of(root: Path, into: Path) -> Path:
    dst = into / "books"
    shutil.copytree(root, dst, ignore=shutil.ignore_patterns(".kebir"))
    return dst


def shift_every_record(root: Path) -> list[str]:
    """Move every record of the sealed kinds to other lines without changing one; the files touched."""
    touched = []
    for top in SHIFTED:
        for path in sorted((root / top).rglob("*")):
            if path.suffix == ".yaml":
                path.write_text("# reviewed by the auditor, 2025-02-10\n\n" + path.read_text(encoding="utf-8"),
                                encoding="utf-8")
            elif path.suffix == ".csv":
                head, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
                path.write_text(head + "".join(rows[len(rows) // 2:] + rows[:len(rows) // 2]), encoding="utf-8")
            else:
                continue
            touched.append(path.relative_to(root).as_posix())
    return touched


def seal_problems(root: Path) -> list[tuple[str, str]]:
    book, _ = load_ledger(root, use_cache=False)
    return [(p.code, p.message) for p in check_seals(book)]


def test_seal__records_moved_to_other_lines_keep_the_seal(closed_january, tmp_path):
    root = copy_of(closed_january, tmp_path)
    touched = shift_every_record(root)
    assert "payroll/2025/2025-01.yaml" in touched and "stock/moves/2025/2025-01.csv" in touched
    assert seal_problems(root) == []


def test_seal__a_changed_payroll_run_still_breaks_it(closed_january, tmp_path):
    root = copy_of(closed_january, tmp_path)
    shift_every_record(root)
    path = root / "payroll/2025/2025-01.yaml"
    text = path.read_text(encoding="utf-8")
    assert "Bordro - Ocak 2025" in text
    path.write_text(text.replace("Bordro - Ocak 2025", "Bordro - Ocak 2025 (edited)"), encoding="utf-8")
    assert seal_problems(root) == [("E070", "payroll PR-2025-01 changed in closed period 2025-01")]
