"""`dedup apply` as a core use case, without the cli (core/crm/apply.py): a reviewed plan merging
the same events company entered twice in the ERP, written as one commit; unreadable plans, books
with errors and a held lock write nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from core.books import safeio, store
from core.crm.apply import apply_plan
from tests.conftest import write_books
from tests.test_merge import PARTIES

# Two customer records of one company (the second typed without Turkish letters), reviewed and accepted.
PLAN = """\
- cluster: 1
  decision: accept
  survivor: CU-0001
  members:
    - {id: CU-0001}
    - {id: CU-0002}
  fields: []
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def books_in_git(tmp_path: Path, files: dict | None = None) -> Path:
    root = write_books(tmp_path / "b", {**PARTIES, **(files or {})})
    git(root, "init", "-q")
    git(root, "config", "user.name", "Ayşe Demir")
    git(root, "config", "user.email", "ayse@lokanta.example")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "books")
    return root


def test_apply_plan__merges_the_accepted_cluster_and_commits_exactly_that(tmp_path):
    root = books_in_git(tmp_path)
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    done = apply_plan(root, tmp_path / "plan.yaml", commit=True)
    assert done.status == "applied"
    assert done.result.merged == [("CU-0002", "CU-0001")]
    assert "merged_into: CU-0001" in (root / "contacts/erp/customers.yaml").read_text(encoding="utf-8")
    assert git(root, "status", "--porcelain", "--", ".", ":(exclude).kebir") == ""
    assert git(root, "log", "-1", "--format=%B").startswith("dedup apply plan.yaml\n\n")
    assert "merged CU-0002 into CU-0001" in git(root, "log", "-1", "--format=%B")


def test_apply_plan__dry_run_returns_the_diff_and_writes_nothing(tmp_path):
    root = books_in_git(tmp_path)
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    before = (root / "contacts/erp/customers.yaml").read_bytes()
    done = apply_plan(root, tmp_path / "plan.yaml", dry_run=True, commit=True)
    assert done.status == "applied" and "contacts/erp/customers.yaml" in done.result.files
    assert (root / "contacts/erp/customers.yaml").read_bytes() == before
    assert git(root, "log", "--format=%s") == "books\n"


def test_apply_plan__a_plan_that_is_not_a_list_is_unreadable(tmp_path):
    root = books_in_git(tmp_path)
    (tmp_path / "plan.yaml").write_text("cluster: 1\ndecision: accept\n", encoding="utf-8")
    done = apply_plan(root, tmp_path / "plan.yaml")
    assert done.status == "unreadable" and done.problems[0].code == "E003"


def test_apply_plan__books_with_errors_are_left_alone(tmp_path):
    # an activity naming a contact nobody has: the books do not validate
    root = books_in_git(tmp_path, {"contacts/crm/activities.yaml":
                                   "- {id: ACT-1, date: 2025-03-01, contact: C-9999, kind: call, subject: Menu}\n"})
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    before = (root / "contacts/erp/customers.yaml").read_bytes()
    done = apply_plan(root, tmp_path / "plan.yaml")
    assert done.status == "errors" and any(p.severity == "error" for p in done.problems)
    assert (root / "contacts/erp/customers.yaml").read_bytes() == before


def test_apply_plan__a_plan_that_is_a_fifo_is_refused(tmp_path):
    root = books_in_git(tmp_path)
    os.mkfifo(tmp_path / "plan.yaml")
    with pytest.raises(safeio.Refused):
        apply_plan(root, tmp_path / "plan.yaml")


def test_apply_plan__gives_up_on_a_held_lock_writing_nothing(tmp_path):
    root = books_in_git(tmp_path)
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    before = (root / "contacts/erp/customers.yaml").read_bytes()
    with store.books_lock(root), pytest.raises(store.BooksLocked):
        apply_plan(root, tmp_path / "plan.yaml", lock_timeout=0.2)
    assert (root / "contacts/erp/customers.yaml").read_bytes() == before
