"""The audit trail from git: a record's history, the replay of the whole history against seals and
roles, and the pre-commit hook that keeps a bad commit out."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.close.audit import audit_log, audit_verify, needed, read_roles
from tests.conftest import BOOKS_TOML, write_books

ROLES = """
[roles]
accountant = ["post", "orders", "contacts", "close", "chart", "merge", "settings"]
clerk = ["post", "orders", "contacts"]

[people]
"zeynep@lokanta.example" = ["accountant"]
"ali@lokanta.example" = ["clerk"]
"""
MARCH = """\
- id: JE-1
  date: 2025-03-05
  memo: Rent, March
  postings:
    - {account: "770.01", debit: "500.00"}
    - {account: "320.01", credit: "500.00"}
"""


def commit(root: Path, who: str, message: str) -> None:
    name, email = {"zeynep": ("Zeynep Kaya", "zeynep@lokanta.example"),
                   "ali": ("Ali Demir", "ali@lokanta.example"),
                   "mallory": ("Mallory", "mallory@example.com")}[who]
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, capture_output=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", message], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path) -> Path:
    root = write_books(tmp_path / "books", {"books.toml": BOOKS_TOML + ROLES, "journals/2025/2025-03.yaml": MARCH,
                                            ".gitignore": ".kebir/\n"})     # as `kebir init` writes it
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    commit(root, "zeynep", "books")
    return root


def kebir(*args: str, env: dict | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_needed__each_file_kind_maps_to_a_permission():
    assert needed("journals/2025/2025-03.yaml") == "post"
    assert needed("journals/2025/2025-03.close.yaml") == "close"
    assert needed("closes/2025-03.yaml") == "close"
    assert needed("accounts.yaml") == "chart"
    assert needed("contacts/erp/customers.yaml") == "contacts"
    assert needed("books.toml") == "settings"
    assert needed(".kebir/cache/x") is None and needed("README.md") is None
    roles = read_roles(ROLES)
    assert roles.may("Ali@Lokanta.example", "post") and not roles.may("ali@lokanta.example", "chart")
    assert not roles.may("mallory@example.com", "post") and read_roles("").may("anyone@x", "chart")


def test_verify__a_change_to_a_sealed_month_without_a_reopen_is_flagged(repo):
    assert kebir("close", "2025-03", "--books", str(repo), "--on", "2025-04-02", "--by", "Zeynep")[0] == 0
    commit(repo, "zeynep", "close 2025-03")
    journal = repo / "journals/2025/2025-03.yaml"
    journal.write_text(journal.read_text().replace("Rent, March", "Rent, March (edited)"))
    commit(repo, "zeynep", "quietly edit March")
    findings, checked = audit_verify(repo)
    assert checked == 3
    assert [(f.subject, f.what.split()[0]) for f in findings] == [("quietly edit March", "E070")]
    assert "JE-1" in findings[0].what
    code, out = kebir("audit", "verify", "--books", str(repo))
    assert code == 1 and "quietly edit March" in out and "1 finding(s)" in out


def test_verify__a_reopen_then_change_is_fine(repo):
    assert kebir("close", "2025-03", "--books", str(repo), "--on", "2025-04-02", "--by", "Zeynep")[0] == 0
    commit(repo, "zeynep", "close 2025-03")
    assert kebir("reopen", "2025-03", "--books", str(repo), "--reason", "memo typo", "--on", "2025-04-05",
                 "--by", "Zeynep")[0] == 0
    journal = repo / "journals/2025/2025-03.yaml"
    journal.write_text(journal.read_text().replace("Rent, March", "Rent for March"))
    commit(repo, "zeynep", "reopen March and fix the memo")
    assert audit_verify(repo)[0] == []


def test_verify__a_commit_beyond_the_authors_role_is_flagged(repo):
    accounts = repo / "accounts.yaml"
    accounts.write_text(accounts.read_text() + '- {code: "770.02", name: Elektrik}\n')
    commit(repo, "ali", "add an account")
    journal = repo / "journals/2025/2025-03.yaml"
    journal.write_text(MARCH.replace("500.00", "600.00"))
    commit(repo, "ali", "correct the rent")                      # a clerk may post: fine
    (repo / "journals/2025/2025-04.yaml").write_text(MARCH.replace("2025-03-05", "2025-04-05").replace("JE-1", "JE-2"))
    commit(repo, "mallory", "an outsider posts")
    findings, _ = audit_verify(repo)
    assert [(f.subject, f.email) for f in findings] == [("add an account", "ali@lokanta.example"),
                                                        ("an outsider posts", "mallory@example.com")]
    assert "needs `chart`" in findings[0].what and "clerk" in findings[0].what
    assert "no role" in findings[1].what


def test_audit_log__who_changed_a_record_with_before_and_after(repo):
    journal = repo / "journals/2025/2025-03.yaml"
    journal.write_text(MARCH.replace("Rent, March", "Kira, Mart"))
    commit(repo, "ali", "memo in Turkish")
    changes = audit_log(repo, "JE-1")
    assert [(c.author, c.subject) for c in changes] == [("Zeynep Kaya", "books"), ("Ali Demir", "memo in Turkish")]
    assert changes[1].before != changes[1].after and "  memo: Kira, Mart" in changes[1].after
    code, out = kebir("audit", "log", "JE-1", "--books", str(repo))
    assert code == 0 and "-   memo: Rent, March" in out and "+   memo: Kira, Mart" in out


def test_hook__blocks_an_unbalanced_entry_and_lets_a_good_one_in(repo):
    assert kebir("hooks", "install", "--books", str(repo))[0] == 0
    hook = repo / ".git/hooks/pre-commit"
    assert hook.exists() and os.access(hook, os.X_OK)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ali", "GIT_AUTHOR_EMAIL": "ali@lokanta.example",
           "GIT_COMMITTER_NAME": "Ali", "GIT_COMMITTER_EMAIL": "ali@lokanta.example"}
    (repo / "journals/2025/2025-04.yaml").write_text(MARCH.replace("JE-1", "JE-2").replace("2025-03-05", "2025-04-05")
                                                     .replace('credit: "500.00"', 'credit: "450.00"'))
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    bad = subprocess.run(["git", "-C", str(repo), "commit", "-qm", "unbalanced"], capture_output=True, text=True,
                         env=env)
    assert bad.returncode != 0 and "E040" in bad.stderr and "does not balance" in bad.stderr
    (repo / "journals/2025/2025-04.yaml").write_text(MARCH.replace("JE-1", "JE-2").replace("2025-03-05", "2025-04-05"))
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    good = subprocess.run(["git", "-C", str(repo), "commit", "-qm", "balanced"], capture_output=True, text=True,
                          env=env)
    assert good.returncode == 0, good.stderr
    accounts = repo / "accounts.yaml"
    accounts.write_text(accounts.read_text() + '- {code: "770.02", name: Elektrik}\n')
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    role = subprocess.run(["git", "-C", str(repo), "commit", "-qm", "chart"], capture_output=True, text=True, env=env)
    assert role.returncode != 0 and "needs `chart`" in role.stderr
