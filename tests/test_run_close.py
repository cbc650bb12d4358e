"""The month-end use cases called without the cli (core/close/run.py): a March with a capital
injection, a catering sale, rent and a EUR deposit, closed, committed, tagged, reopened and filed."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from core.books import store
from core.close import run
from tests.test_close import MARCH, make

ZEYNEP = "Zeynep Kaya <z@lokanta.example>"
ON = date(2025, 4, 3)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def committed(root: Path) -> Path:
    git(root, "add", "-A")
    git(root, "-c", "user.name=Zeynep Kaya", "-c", "user.email=z@lokanta.example", "commit", "-qm", "March")
    git(root, "config", "user.name", "Zeynep Kaya")
    git(root, "config", "user.email", "z@lokanta.example")
    return root


def test_run_close__writes_the_vat_offset_and_the_seal_commits_and_tags(tmp_path):
    root = committed(make(tmp_path))
    done = run.run_close(root, "2025-03", ON, ZEYNEP, commit=True)
    assert done.status == "closed", [p.message for p in done.problems + list(done.plan.problems)]
    # output VAT 2,000.00 - input VAT 800.00 = 1,200.00 payable, in the generated entries on disk
    close_file = (root / "journals/2025/2025-03.close.yaml").read_text()
    assert "VAT offset 2025-03" in close_file and '"1200.00"' in close_file
    assert done.record.seal.startswith("sha256:")
    assert "seal: " + done.record.seal in (root / "closes/2025-03.yaml").read_text()
    assert done.tags == ["kebir/close/2025-03"]
    # exactly the files written were committed
    assert git(root, "status", "--porcelain", "--", ".", ":(exclude).kebir") == ""
    assert git(root, "log", "-1", "--format=%s") == "close 2025-03\n"
    assert sorted(done.files) == sorted(git(root, "show", "--format=", "--name-only", "HEAD").split())


def test_run_close__dry_run_returns_the_files_and_writes_nothing(tmp_path):
    root = make(tmp_path)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)
    done = run.run_close(root, "2025-03", ON, ZEYNEP, dry_run=True)
    assert done.status == "closed" and "closes/2025-03.yaml" in done.files
    assert not (root / "closes/2025-03.yaml").exists()
    after = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if ".git" not in p.parts and ".kebir" not in p.parts)
    assert after == [p for p in before if not p.startswith(".kebir")]


def test_run_close__refuses_books_that_do_not_balance(tmp_path):
    # the sale's credit is a cent more than its debits: the entry does not balance
    root = make(tmp_path, journal=MARCH.replace('credit: "10000.00"', 'credit: "10000.01"'))
    done = run.run_close(root, "2025-03", ON, ZEYNEP)
    assert done.status == "errors"
    assert any(p.record == "JE-2025-03-0002" for p in done.problems if p.severity == "error")
    assert not (root / "closes").exists()


def test_run_close__a_closed_month_is_not_closed_twice(tmp_path):
    root = make(tmp_path)
    assert run.run_close(root, "2025-03", ON, ZEYNEP).status == "closed"
    record = (root / "closes/2025-03.yaml").read_text()
    assert run.run_close(root, "2025-03", ON, ZEYNEP).status == "already-closed"
    assert (root / "closes/2025-03.yaml").read_text() == record


def test_run_close__writes_the_close_pack_from_the_books_as_closed(tmp_path):
    root = make(tmp_path)
    done = run.run_close(root, "2025-03", ON, ZEYNEP, report_dir=tmp_path / "packs")
    assert done.report == tmp_path / "packs" / "close-2025-03.html"
    page = done.report.read_text()
    assert "<html" in page.lower() and done.record.seal in page


def test_run_close__waits_for_the_lock_then_gives_up_writing_nothing(tmp_path):
    root = make(tmp_path)
    with store.books_lock(root):
        with pytest.raises(store.BooksLocked):
            run.run_close(root, "2025-03", ON, ZEYNEP, lock_timeout=0.2)
    assert not (root / "closes").exists()


def test_run_reopen_and_mark_filed__record_the_events_and_refuse_a_filed_month(tmp_path):
    root = committed(make(tmp_path))
    assert run.run_close(root, "2025-03", ON, ZEYNEP, commit=True).status == "closed"
    reopened = run.run_reopen(root, "2025-03", "late bank charges", date(2025, 4, 10), ZEYNEP, commit=True)
    assert reopened.refused is None and run.reopened_periods(reopened.files) == ["2025-03"]
    assert not (root / "journals/2025/2025-03.close.yaml").exists()
    assert "late bank charges" in (root / "closes/2025-03.yaml").read_text()
    assert git(root, "log", "-1", "--format=%s") == "reopen 2025-03\n"
    assert run.run_close(root, "2025-03", date(2025, 4, 11), ZEYNEP, commit=True).status == "closed"
    filed = run.run_mark_filed(root, "2025-03", date(2025, 4, 20), ZEYNEP, commit=True)
    assert filed.refused is None and git(root, "status", "--porcelain", "--", ".", ":(exclude).kebir") == ""
    assert filed.tags == ["kebir/filed/2025-03"] and reopened.tags == ["kebir/reopen/2025-03"]
    again = run.run_reopen(root, "2025-03", "typo", date(2025, 4, 21), ZEYNEP)
    assert again.refused
    assert "typo" not in (root / "closes/2025-03.yaml").read_text()
