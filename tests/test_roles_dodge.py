"""Roles cannot be dodged (issue 15, item 6): a clerk tries to merge two customers with a YAML
spelling the line grep missed, to slip it past the pre-commit hook, to hide the books in a
subdirectory of the repository, and to commit under the accountant's e-mail. Each attempt is
caught by `kebir audit verify` and, where it applies, by the hook."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.close import audit
from core.close.audit import audit_verify
from tests.conftest import BOOKS_TOML, write_books
from tests.test_audit import ROLES
CUSTOMERS = """\
- id: CU-0001
  kind: company
  name: Boğaziçi Etkinlik Ltd. Şti.
  tax_id: "1234567890"
- id: CU-0002
  kind: company
  name: Bogazici Etkinlik
  phone: "+90 212 555 01 23"
"""
PEOPLE = {"zeynep": ("Zeynep Kaya", "zeynep@lokanta.example"), "ali": ("Ali Demir", "ali@lokanta.example")}

# the same merge of CU-0002 into CU-0001, in every spelling YAML allows for one key
MERGE_SPELLINGS = {
    "plain": CUSTOMERS + "  merged_into: CU-0001\n",
    "double-quoted key": CUSTOMERS + '  "merged_into": CU-0001\n',
    "single-quoted key": CUSTOMERS + "  'merged_into': \"CU-0001\"\n",
    "flow mapping": CUSTOMERS.split("- id: CU-0002")[0]
    + '- {id: CU-0002, kind: company, name: Bogazici Etkinlik, "merged_into": CU-0001}\n',
    "wider indentation": CUSTOMERS.split("- id: CU-0002")[0]
    + "-   id: CU-0002\n    kind: company\n    name: Bogazici Etkinlik\n    merged_into:   CU-0001\n",
    "key on its own line": CUSTOMERS + "  ? merged_into\n  : CU-0001\n",
}


def env_of(who: str, extra: dict | None = None) -> dict:
    name, email = PEOPLE[who]
    return {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email, **(extra or {})}


def git(top: Path, *args: str, who: str = "zeynep", check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, env=env_of(who),
                          check=check)


def commit(top: Path, who: str, message: str, *flags: str) -> subprocess.CompletedProcess:
    git(top, "add", "-A", who=who)
    return git(top, *flags, "commit", "-qm", message, who=who, check=False)


def new_repo(tmp_path: Path, sub: str = "", toml: str = "") -> tuple[Path, Path]:
    """(repository top, books directory) with the accountant's first commit."""
    top = tmp_path / "repo"
    books = write_books(top / sub if sub else top, {"books.toml": BOOKS_TOML + toml + ROLES,
                                                    "contacts/erp/customers.yaml": CUSTOMERS})
    git(top.parent, "init", "-q", str(top))
    assert commit(top, "zeynep", "books").returncode == 0
    return top, books


def kebir(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


# -- a merge is a merge, however it is written -------------------------------------------------------

@pytest.mark.parametrize("spelling", sorted(MERGE_SPELLINGS))
def test_verify__a_clerks_merge_needs_merge_in_any_yaml_spelling(tmp_path, spelling):
    top, books = new_repo(tmp_path)
    (books / "contacts/erp/customers.yaml").write_text(MERGE_SPELLINGS[spelling], encoding="utf-8")
    assert commit(top, "ali", "tidy customers").returncode == 0
    findings, _ = audit_verify(books)
    assert [(f.subject, f.email) for f in findings] == [("tidy customers", "ali@lokanta.example")]
    assert "needs `merge`" in findings[0].what and "CU-0002" in findings[0].what


def test_verify__changing_or_removing_a_merge_target_needs_merge_too(tmp_path):
    top, books = new_repo(tmp_path)
    path = books / "contacts/erp/customers.yaml"
    path.write_text(MERGE_SPELLINGS["plain"], encoding="utf-8")
    assert commit(top, "zeynep", "merge CU-0002 into CU-0001").returncode == 0
    path.write_text(MERGE_SPELLINGS["plain"].replace("merged_into: CU-0001", 'merged_into: "CU-0003"')
                    + "- {id: CU-0003, kind: company, name: Başka Firma}\n", encoding="utf-8")
    assert commit(top, "ali", "re-point the alias").returncode == 0
    path.write_text(CUSTOMERS, encoding="utf-8")
    assert commit(top, "ali", "undo the merge").returncode == 0
    findings, _ = audit_verify(books)
    assert [f.subject for f in findings] == ["re-point the alias", "undo the merge"]
    assert all("needs `merge`" in f.what for f in findings)


def test_verify__a_clerk_editing_a_merged_record_without_touching_the_alias_is_fine(tmp_path):
    top, books = new_repo(tmp_path)
    path = books / "contacts/erp/customers.yaml"
    path.write_text(MERGE_SPELLINGS["plain"], encoding="utf-8")
    assert commit(top, "zeynep", "merge").returncode == 0
    # reformatted (quoted key, flow mapping) and a new phone: the alias is the same
    path.write_text(MERGE_SPELLINGS["flow mapping"].replace("name: Bogazici Etkinlik,",
                                                            'name: Bogazici Etkinlik, phone: "0212 555 0124",'),
                    encoding="utf-8")
    assert commit(top, "ali", "new phone").returncode == 0
    assert audit_verify(books)[0] == []


def test_merge_changes__compares_parsed_records_of_yaml_and_csv():
    for spelling, text in MERGE_SPELLINGS.items():
        assert audit.merge_changes("contacts/erp/customers.yaml", CUSTOMERS, text) == ["CU-0002"], spelling
        assert audit.merge_changes("contacts/erp/customers.yaml", MERGE_SPELLINGS["plain"], text) == [], spelling
    csv_before = "id,kind,name,merged_into\nC-1,person,Ayşe,\nC-2,person,Ayse,\n"
    assert audit.merge_changes("contacts/crm/people.csv", csv_before,
                               csv_before.replace("Ayse,\n", "Ayse,C-1\n")) == ["C-2"]
    assert audit.merge_changes("contacts/crm/people.csv", None, csv_before) == []


# -- the hook checks `merge` -------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["plain", "double-quoted key", "flow mapping"])
def test_hook__refuses_a_clerks_merge_and_lets_the_accountants_in(tmp_path, spelling):
    top, books = new_repo(tmp_path)
    assert kebir("hooks", "install", "--books", str(books))[0] == 0
    (books / "contacts/erp/customers.yaml").write_text(MERGE_SPELLINGS[spelling], encoding="utf-8")
    refused = commit(top, "ali", "merge as a clerk")
    assert refused.returncode != 0 and "needs `merge`" in refused.stderr and "CU-0002" in refused.stderr
    done = commit(top, "zeynep", "merge as the accountant")
    assert done.returncode == 0, done.stderr


# -- books in a subdirectory of the repository ---------------------------------------------------------

def test_verify__books_in_a_subdirectory_keep_their_roles(tmp_path):
    top, books = new_repo(tmp_path, sub="ledger")
    accounts = books / "accounts.yaml"
    accounts.write_text(accounts.read_text(encoding="utf-8") + '- {code: "770.02", name: Elektrik}\n',
                        encoding="utf-8")
    assert commit(top, "ali", "add an account").returncode == 0
    (top / "notes.txt").write_text("outside the books\n", encoding="utf-8")
    assert commit(top, "ali", "a note beside the books").returncode == 0
    (books / "contacts/erp/customers.yaml").write_text(MERGE_SPELLINGS["double-quoted key"], encoding="utf-8")
    assert commit(top, "ali", "merge in the subdirectory").returncode == 0
    findings, checked = audit_verify(books)
    assert checked == 4
    assert [f.subject for f in findings] == ["add an account", "merge in the subdirectory"]
    assert findings[0].what.startswith("accounts.yaml: needs `chart`") and "clerk" in findings[0].what
    code, out = kebir("audit", "verify", "--books", str(books))
    assert code == 1 and "2 finding(s)" in out


def test_hook__installed_for_books_in_a_subdirectory_runs_on_them(tmp_path):
    top, books = new_repo(tmp_path, sub="ledger")
    assert kebir("hooks", "install", "--books", str(books))[0] == 0
    (books / "journals/2025").mkdir(parents=True)
    (books / "journals/2025/2025-04.yaml").write_text(
        '- id: JE-2\n  date: 2025-04-05\n  memo: Rent\n  postings:\n'
        '    - {account: "770.01", debit: "500.00"}\n    - {account: "320.01", credit: "500.00"}\n', encoding="utf-8")
    good = commit(top, "ali", "a clerk posts")
    assert good.returncode == 0, good.stderr
    accounts = books / "accounts.yaml"
    accounts.write_text(accounts.read_text(encoding="utf-8") + '- {code: "770.02", name: Elektrik}\n',
                        encoding="utf-8")
    refused = commit(top, "ali", "a clerk adds an account")
    assert refused.returncode != 0 and "accounts.yaml: needs `chart`" in refused.stderr


# -- signed commits ---------------------------------------------------------------------------------------

SIGNERS = '\n[audit]\nallowed_signers = ".kebir-allowed-signers"\n'


@pytest.fixture
def keys(tmp_path) -> dict[str, Path]:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed: SSH-signed commits cannot be made here")
    out = {}
    for who in ("zeynep", "ali"):
        key = tmp_path / "keys" / who
        key.parent.mkdir(exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", who, "-f", str(key)], check=True)
        out[who] = key
    return out


def signed(key: Path) -> tuple[str, ...]:
    return ("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "-c", "commit.gpgsign=true")


def signed_repo(tmp_path: Path, keys: dict[str, Path], sub: str = "") -> tuple[Path, Path]:
    top, books = new_repo(tmp_path, sub=sub, toml=SIGNERS)
    lines = [f"{PEOPLE[who][1]} {keys[who].with_suffix('.pub').read_text().strip()}\n" for who in ("zeynep", "ali")]
    (books / ".kebir-allowed-signers").write_text("".join(lines), encoding="utf-8")
    assert commit(top, "zeynep", "allowed signers", *signed(keys["zeynep"])).returncode == 0
    return top, books


def post(books: Path, n: int) -> None:
    path = books / "journals/2025/2025-04.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(old + f'- id: JE-{n}\n  date: 2025-04-05\n  memo: Rent {n}\n  postings:\n'
                    '    - {account: "770.01", debit: "500.00"}\n    - {account: "320.01", credit: "500.00"}\n',
                    encoding="utf-8")


def test_require_signed__each_author_signing_with_their_own_key_passes(tmp_path, keys):
    top, books = signed_repo(tmp_path, keys)
    post(books, 2)
    assert commit(top, "ali", "clerk posts, signed", *signed(keys["ali"])).returncode == 0
    post(books, 3)
    assert commit(top, "zeynep", "accountant posts, signed", *signed(keys["zeynep"])).returncode == 0
    findings, _ = audit_verify(books, since="HEAD~2", require_signed=True)
    assert findings == []
    code, out = kebir("audit", "verify", "--books", str(books), "--since", "HEAD~2", "--require-signed")
    assert code == 0 and "0 finding(s)" in out


def test_require_signed__a_clerk_under_the_accountants_email_is_flagged(tmp_path, keys):
    top, books = signed_repo(tmp_path, keys)
    accounts = books / "accounts.yaml"
    accounts.write_text(accounts.read_text(encoding="utf-8") + '- {code: "770.02", name: Elektrik}\n',
                        encoding="utf-8")
    # Ali writes Zeynep's name and e-mail and signs with his own key
    assert commit(top, "zeynep", "add an account", *signed(keys["ali"])).returncode == 0
    post(books, 2)
    assert commit(top, "zeynep", "unsigned post").returncode == 0
    findings, _ = audit_verify(books, since="HEAD~2", require_signed=True)
    assert [f.subject for f in findings] == ["add an account", "unsigned post"]
    assert findings[0].what.startswith("wrongly signed") and "ali@lokanta.example" in findings[0].what
    assert findings[1].what.startswith("unsigned commit") and "journals/2025/2025-04.yaml" in findings[1].what
    assert audit_verify(books, since="HEAD~2")[0] == []          # without --require-signed: as before
    code, out = kebir("audit", "verify", "--books", str(books), "--since", "HEAD~2", "--require-signed")
    assert code == 1 and "2 finding(s)" in out


def test_require_signed__a_key_not_in_the_allowed_signers_is_flagged(tmp_path, keys):
    top, books = signed_repo(tmp_path, keys)
    stranger = tmp_path / "keys" / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    post(books, 2)
    assert commit(top, "ali", "signed with a key nobody allowed", *signed(stranger)).returncode == 0
    findings, _ = audit_verify(books, since="HEAD~1", require_signed=True)
    assert len(findings) == 1 and "is not in .kebir-allowed-signers" in findings[0].what


def test_require_signed__adding_your_own_key_in_the_same_commit_does_not_count(tmp_path, keys):
    top, books = signed_repo(tmp_path, keys)
    signers = books / ".kebir-allowed-signers"
    # Ali adds his key for Zeynep's e-mail and signs that very commit as Zeynep
    signers.write_text(signers.read_text() + f"zeynep@lokanta.example {keys['ali'].with_suffix('.pub').read_text()}",
                       encoding="utf-8")
    post(books, 2)
    assert commit(top, "zeynep", "trust me", *signed(keys["ali"])).returncode == 0
    findings, _ = audit_verify(books, since="HEAD~1", require_signed=True)
    assert len(findings) == 1 and findings[0].what.startswith("wrongly signed")


def test_require_signed__books_in_a_subdirectory(tmp_path, keys):
    top, books = signed_repo(tmp_path, keys, sub="ledger")
    post(books, 2)
    assert commit(top, "ali", "unsigned").returncode == 0
    post(books, 3)
    assert commit(top, "ali", "signed", *signed(keys["ali"])).returncode == 0
    findings, _ = audit_verify(books, since="HEAD~2", require_signed=True)
    assert [f.subject for f in findings] == ["unsigned"]


def test_require_signed__without_an_allowed_signers_setting_is_a_usage_error(tmp_path):
    top, books = new_repo(tmp_path)
    code, out = kebir("audit", "verify", "--books", str(books), "--require-signed")
    assert code == 2 and "allowed_signers" in out


def test_verify__moving_merged_records_to_another_file_is_no_merge(tmp_path):
    top, books = new_repo(tmp_path)
    path = books / "contacts/erp/customers.yaml"
    path.write_text(MERGE_SPELLINGS["plain"], encoding="utf-8")
    assert commit(top, "zeynep", "merge").returncode == 0
    first, second = MERGE_SPELLINGS["plain"].split("- id: CU-0002")
    path.write_text(first, encoding="utf-8")
    (books / "contacts/crm").mkdir(parents=True, exist_ok=True)
    (books / "contacts/crm/companies.yaml").write_text("- id: CU-0002" + second, encoding="utf-8")
    assert commit(top, "ali", "split the file").returncode == 0
    assert audit_verify(books)[0] == []


def test_validate__an_allowed_signers_file_that_is_not_there_is_e120(books_dir):
    root = books_dir({"books.toml": BOOKS_TOML + SIGNERS})
    run = CliRunner().invoke(app, ["validate", "--books", str(root)])
    assert run.exit_code == 1 and "E120" in run.output and ".kebir-allowed-signers" in run.output
    assert "books.toml:" in run.output
