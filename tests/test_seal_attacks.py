"""A sealed month cannot be unsealed by editing the close records (the attack, step by step).

Each test is what a person with write access to the books repository would do: close January and
commit it (kebir tags the close), tamper, then run `kebir validate` and `kebir audit verify`. Every
route to changing January's figures without `kebir reopen` must fail one of them, naming the month;
the tests at the end show, one by one, what docs/trust.md says such a person can still hide.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ACCOUNTS, BOOKS_TOML, write_books

JANUARY = """\
- id: JE-2025-01-0001
  date: 2025-01-02
  memo: Opening cash
  postings:
    - {account: "100.01", debit: "50000.00"}
    - {account: "570", credit: "50000.00"}
- id: JE-2025-01-0002
  date: 2025-01-10
  memo: Kadıköy rent, January
  postings:
    - {account: "770.18", debit: "1200.00"}
    - {account: "100.01", credit: "1200.00"}
"""
FEBRUARY = JANUARY.replace("2025-01", "2025-02").replace("January", "February").replace("Opening cash", "More cash")
RATES = "date,currency,rate\n2024-12-31,EUR,36.7362\n2025-01-15,EUR,36.5084\n2025-02-03,EUR,36.9120\n"
CHART = ACCOUNTS + ('- {code: "770.18", name: Temizlik, parent: "770"}\n'
                    '- {code: "257", name: Birikmiş amortismanlar, type: asset}\n')
WHO = "Zeynep Kaya <zeynep@lokanta.example>"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def kebir(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def validate(root: Path) -> set[str]:
    """The problem codes `kebir validate` reports (its exit code is 1 exactly when one is an error)."""
    code, out = kebir("validate", "--books", str(root), "--format", "json")
    doc = json.loads(out[out.index("{"):])
    codes = {p["code"] for p in doc["problems"]}
    assert code == (1 if any(c.startswith("E") for c in codes) else 0), out
    return codes


def verify(root: Path) -> list[str]:
    code, out = kebir("audit", "verify", "--books", str(root), "--format", "json")
    whats = [f["what"] for f in json.loads(out[out.index("{"):])["findings"]]
    assert code == (1 if whats else 0)
    return whats


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def close(root: Path, period: str = "2025-01", *extra: str) -> None:
    code, out = kebir("close", period, "--books", str(root), "--on", "2025-02-03", "--by", WHO, *extra)
    assert code == 0, out


def reopen(root: Path, period: str = "2025-01", *extra: str) -> tuple[int, str]:
    return kebir("reopen", period, "--books", str(root), "--reason", "late invoice", "--on", "2025-02-10",
                 "--by", WHO, *extra)


def edit_january_amount(root: Path) -> None:
    journal = root / "journals/2025/2025-01.yaml"
    journal.write_text(journal.read_text(encoding="utf-8").replace("1200.00", "12000.00"), encoding="utf-8")


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """Demo-like books with January closed and committed (and so tagged)."""
    root = write_books(tmp_path / "books", {"books.toml": BOOKS_TOML, "accounts.yaml": CHART,
                                            "journals/2025/2025-01.yaml": JANUARY, "rates/2025.csv": RATES,
                                            ".gitignore": ".kebir/\n"})
    git(root, "init", "-q")
    git(root, "config", "user.name", "Zeynep Kaya")
    git(root, "config", "user.email", "zeynep@lokanta.example")
    git(root, "config", "tag.gpgSign", "false")
    commit(root, "books")
    close(root, "2025-01", "--commit")
    assert git(root, "tag", "-l", "kebir/*").split() == ["kebir/close/2025-01"]
    assert "seal: sha256:" in git(root, "tag", "-l", "-n20", "kebir/close/2025-01")
    assert validate(root) == set() and verify(root) == []
    return root


# -- each route of the issue, then a January amount changed --------------------------------------------

def test_status_reopened_written_by_hand(books):
    record = books / "closes/2025-01.yaml"
    record.write_text(record.read_text().replace("status: closed", "status: reopened"))
    edit_january_amount(books)
    assert "E101" in validate(books)
    commit(books, "fix January")
    assert any("status of 2025-01 changed to reopened without a history entry" in w for w in verify(books))


def test_closes_and_generated_entries_deleted(books):
    shutil.rmtree(books / "closes")
    (books / "journals/2025/2025-01.close.yaml").unlink(missing_ok=True)
    edit_january_amount(books)
    assert "E103" in validate(books)                       # the tag still says January was closed
    commit(books, "tidy up")
    assert any("close record of 2025-01 was deleted" in w for w in verify(books))


def test_a_later_file_for_the_same_month_is_not_read(books):
    (books / "closes/2025-01.zz.yaml").write_text("period: 2025-01\nstatus: reopened\n")
    edit_january_amount(books)
    assert {"E100", "E070"} <= validate(books)             # January stays closed, and the edit is caught
    commit(books, "January reopened")
    assert any(w.startswith("E100") for w in verify(books)) or any("E070" in w for w in verify(books))


def test_filed_flag_cleared_then_kebir_reopen(books):
    close(books, "2025-01", "--mark-filed", "--commit")
    assert "kebir/filed/2025-01" in git(books, "tag", "-l", "kebir/*").split()
    record = books / "closes/2025-01.yaml"
    record.write_text(record.read_text().replace("filed: true", "filed: false"))
    assert "E101" in validate(books)
    code, out = reopen(books)
    assert code == 1 and "filed" in out                    # the history still says filed
    commit(books, "unfile January")
    assert any("filed flag of 2025-01 was cleared" in w for w in verify(books))


def test_filed_event_cut_from_the_history_too(books):
    from core.books import closes as close_records

    close(books, "2025-01", "--mark-filed", "--commit")
    closes, _ = close_records.read_closes(books)
    # a consistent chain, one event shorter
    rec = replace(closes["2025-01"], filed=False, history=closes["2025-01"].history[:-1])
    (books / "closes/2025-01.yaml").write_text(close_records.close_record_text(rec))
    assert close_records.history_problems(rec) == []
    assert "E103" in validate(books)                       # kebir/filed/2025-01 has no entry any more
    files, refused = close_records.reopen(close_records.read_closes(books)[0], "2025-01", "x", WHO,
                                    __import__("datetime").date(2025, 2, 10), False)
    (books / "closes/2025-01.yaml").write_text(files["closes/2025-01.yaml"])
    edit_january_amount(books)
    assert "E103" in validate(books)
    commit(books, "reopen January")
    assert any("history of 2025-01 was rewritten" in w for w in verify(books))
    git(books, "tag", "-d", "kebir/filed/2025-01")          # the filing's tag deleted too
    assert any("history of 2025-01 was rewritten" in w for w in verify(books))


def test_consistent_reseal_with_kebirs_own_functions(books):
    """Edit January, then rewrite its close as if closed afresh: seals, digests, history, all recomputed."""
    from core.close import plan as close_plan
    from core.close import seal as close_seal
    from core.erp.load import load_ledger
    from core.books import store

    edit_january_amount(books)
    (books / "closes/2025-01.yaml").unlink()
    book, _ = load_ledger(books, use_cache=False)
    plan = close_plan.plan_close(book, "2025-01", set())
    from datetime import date
    files, _ = close_plan.compose(book, plan, {}, date(2025, 2, 3), WHO)
    store.apply_files(books, files)
    assert close_seal.check_seals(load_ledger(books, use_cache=False)[0]) == []   # the files agree
    assert "E103" in validate(books)                       # the tag does not
    commit(books, "January, corrected")
    whats = verify(books)
    assert any("history of 2025-01 was rewritten" in w or "seal of 2025-01 changed" in w for w in whats)


def test_amend_of_the_close_commit(books):
    from core.close import plan as close_plan
    from core.erp.load import load_ledger
    from core.books import store
    from datetime import date

    edit_january_amount(books)
    (books / "closes/2025-01.yaml").unlink()
    book, _ = load_ledger(books, use_cache=False)
    files, rec = close_plan.compose(book, close_plan.plan_close(book, "2025-01", set()), {}, date(2025, 2, 3), WHO)
    store.apply_files(books, files)
    git(books, "add", "-A")
    git(books, "commit", "-q", "--amend", "-m", f"close 2025-01\n\nperiod: 2025-01\nseal: {rec.seal}\n")
    assert "E103" in validate(books)
    assert any("not in the history of HEAD" in w for w in verify(books))


@pytest.mark.parametrize("attrs", ["closes/** export-ignore", "journals/** export-ignore", "* export-subst"])
def test_gitattributes_cannot_blind_audit_verify(books, attrs):
    """Found by a second attack: audit verify replayed commits through `git archive`, which obeys a
    committed `.gitattributes` (export-ignore left the close records out, so nothing looked sealed)."""
    (books / ".gitattributes").write_text(attrs + "\n")
    commit(books, "attributes")
    edit_january_amount(books)
    commit(books, "fix January")
    git(books, "revert", "--no-edit", "HEAD")
    git(books, "rm", "-q", ".gitattributes")
    git(books, "commit", "-qm", "tidy up")
    assert any("E070" in w and "closed period 2025-01" in w for w in verify(books))


def test_git_replace_cannot_stand_in_for_the_sealed_commit(books, tmp_path):
    """A `git replace` of the close commit by a rewritten one: kebir reads the objects the ids name."""
    head = git(books, "rev-parse", "HEAD").strip()
    edit_january_amount(books)
    git(books, "add", "-A")
    fake = git(books, "commit-tree", git(books, "write-tree").strip(), "-p", f"{head}^",
               "-m", "close 2025-01").strip()
    git(books, "replace", head, fake)
    git(books, "reset", "-q", "--hard")
    assert validate(books) & {"E070", "E103"}


def test_totals_edited(books):
    record = books / "closes/2025-01.yaml"
    text = record.read_text()
    record.write_text(text.replace("debit: '51200.00'", "debit: '51300.00'"))
    assert text != record.read_text()
    assert {"E101", "E102"} <= validate(books)


def test_every_byte_of_the_close_record_and_its_digests_is_covered(books):
    """The class of attack: change any one value in closes/2025-01.yaml or its seal digests."""
    for rel in ("closes/2025-01.yaml", "closes/2025-01.seal.csv"):
        path = books / rel
        original = path.read_text()
        lines = original.splitlines(keepends=True)
        for n, line in enumerate(lines):
            body = line.rstrip("\n")
            if not body.strip() or body.strip() in ("record,digest", "history:", "checklist:", "totals:",
                                                      "generated: []") or body.endswith(":"):
                continue
            changed = body[:-1] + ("0" if body[-1] != "0" else "1")
            path.write_text("".join(lines[:n] + [changed + "\n"] + lines[n + 1:]))
            assert any(c.startswith("E") for c in validate(books)), f"{rel}:{n + 1}: {changed!r} passed"
        path.write_text(original)
    assert validate(books) == set()


# -- what the seal covers besides the records ----------------------------------------------------------

def test_an_account_moved_under_another_parent_unseals_january(books):
    accounts = books / "accounts.yaml"
    accounts.write_text(accounts.read_text().replace('name: Temizlik, parent: "770"', 'name: Temizlik, parent: "257"'))
    assert "E070" in validate(books)


def test_a_new_account_and_a_later_rate_unseal_nothing(books):
    accounts = books / "accounts.yaml"
    accounts.write_text(accounts.read_text() + '- {code: "770.19", name: Ilaçlama, parent: "770"}\n')
    rates = books / "rates/2025.csv"
    rates.write_text(rates.read_text() + "2025-02-10,EUR,37.0011\n")
    assert validate(books) == set()


def test_the_rate_in_force_on_the_first_day_is_sealed(books):
    rates = books / "rates/2025.csv"
    rates.write_text(rates.read_text().replace("36.7362", "36.7000"))
    assert "E070" in validate(books)


# -- the honest route stays open -----------------------------------------------------------------------

def test_reopen_change_and_close_again_is_recorded_and_clean(books):
    code, out = reopen(books, "2025-01", "--commit")
    assert code == 0, out
    edit_january_amount(books)
    commit(books, "correct the rent")
    close(books, "2025-01", "--commit")
    assert git(books, "tag", "-l", "kebir/*").split() == ["kebir/close/2025-01", "kebir/close/2025-01.2",
                                                         "kebir/reopen/2025-01"]
    assert validate(books) == set() and verify(books) == []


def test_a_close_committed_by_hand_is_noted_until_tagged(books):
    (books / "journals/2025/2025-02.yaml").write_text(FEBRUARY)
    commit(books, "February")
    close(books, "2025-02")
    assert validate(books) == set()                        # not committed yet: nothing to tag
    commit(books, "close February")
    assert validate(books) == {"W006"}
    code, out = kebir("audit", "tag", "--books", str(books), "--dry-run")
    assert code == 0 and "would tag kebir/close/2025-02" in out and validate(books) == {"W006"}
    code, out = kebir("audit", "tag", "--books", str(books))
    assert code == 0 and "kebir/close/2025-02" in out
    assert validate(books) == set()


def test_cascade_reopen_and_reclose_give_byte_identical_seals(books):
    (books / "journals/2025/2025-02.yaml").write_text(FEBRUARY)
    commit(books, "February")
    close(books, "2025-02", "--commit")
    before = {p: (books / f"closes/{p}.seal.csv").read_text() for p in ("2025-01", "2025-02")}
    seals = {p: (books / f"closes/{p}.yaml").read_text().split("\nseal: ")[1].split()[0] for p in before}
    assert reopen(books, "2025-01", "--cascade", "--commit")[0] == 0
    close(books, "2025-01", "--commit")
    close(books, "2025-02", "--commit")
    assert {p: (books / f"closes/{p}.seal.csv").read_text() for p in before} == before
    assert {p: (books / f"closes/{p}.yaml").read_text().split("\nseal: ")[1].split()[0] for p in before} == seals
    assert validate(books) == set() and verify(books) == []


# -- what a person with write access can still hide (docs/trust.md) --------------------------------------

def test_hide__an_uncommitted_close_is_only_files(tmp_path):
    """Before a close is committed nothing outside the files holds it: rewriting them consistently
    (here: kebir's own functions after an edit) passes validate."""
    from core.close import plan as close_plan
    from core.erp.load import load_ledger
    from core.books import store
    from datetime import date

    root = write_books(tmp_path / "b", {"books.toml": BOOKS_TOML, "accounts.yaml": CHART,
                                        "journals/2025/2025-01.yaml": JANUARY})
    close(root)
    edit_january_amount(root)
    (root / "closes/2025-01.yaml").unlink()
    book, _ = load_ledger(root, use_cache=False)
    store.apply_files(root, close_plan.compose(book, close_plan.plan_close(book, "2025-01", set()), {},
                                            date(2025, 2, 3), WHO)[0])
    assert validate(root) == set()


def test_hide__a_deleted_tag_leaves_the_rewrite_to_audit_verify(books):
    """Delete the tag, reseal January with kebir's own functions and commit: validate only warns
    (W006, the rewritten close has no tag), audit verify replays the history and names the commit."""
    from core.close import plan as close_plan
    from core.erp.load import load_ledger
    from core.books import store
    from datetime import date

    git(books, "tag", "-d", "kebir/close/2025-01")
    edit_january_amount(books)
    (books / "closes/2025-01.yaml").unlink()
    book, _ = load_ledger(books, use_cache=False)
    store.apply_files(books, close_plan.compose(book, close_plan.plan_close(book, "2025-01", set()), {},
                                             date(2025, 2, 3), WHO)[0])
    commit(books, "January, corrected")
    assert validate(books) == {"W006"}
    assert any("history of 2025-01 was rewritten" in w for w in verify(books))
    # and tagged again (by hand or by kebir audit tag): validate is clean, audit verify is not
    assert kebir("audit", "tag", "--books", str(books))[0] == 0
    assert validate(books) == set()
    assert any("history of 2025-01 was rewritten" in w for w in verify(books))


def test_hide__rewriting_all_history_and_tags_before_the_tags_left_the_machine(books, tmp_path):
    """Rebuild the repository from scratch with the edit, reclose, retag: nothing in it shows the
    rewrite. A copy of the original tags elsewhere (the auditors' remote) does."""
    auditors = tmp_path / "auditors.git"
    git(books, "init", "-q", "--bare", str(auditors))
    git(books, "push", "-q", "--follow-tags", str(auditors), "HEAD:refs/heads/main")
    # the rewrite: delete the tags and the history, start again with the edited January
    for tag in git(books, "tag", "-l", "kebir/*").split():
        git(books, "tag", "-d", tag)
    shutil.rmtree(books / ".git")
    shutil.rmtree(books / "closes")
    (books / "journals/2025/2025-01.close.yaml").unlink(missing_ok=True)
    edit_january_amount(books)
    git(books, "init", "-q")
    git(books, "config", "user.name", "Zeynep Kaya")
    git(books, "config", "user.email", "zeynep@lokanta.example")
    commit(books, "books")
    close(books, "2025-01", "--commit")
    assert validate(books) == set() and verify(books) == []          # hidden here
    # the auditors' copy of the tags tells: their clone, with the rewritten branch fetched in
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(auditors), str(clone))
    git(clone, "fetch", "-q", str(books), "+HEAD:refs/heads/rewritten", "--no-tags")
    git(clone, "checkout", "-q", "rewritten")
    assert "E103" in validate(clone)
    assert any("not in the history of HEAD" in w for w in verify(clone))


def test_trust_doc__every_sentence_of_what_write_access_can_hide_names_a_test_here():
    import re

    text = (Path(__file__).resolve().parent.parent / "docs/trust.md").read_text(encoding="utf-8")
    section = text.split("## What write access can and cannot hide", 1)[1].split("\n## ", 1)[0]
    sentences = [s for s in re.split(r"\n- ", section.split("Shown:", 1)[1].split("So push the tags")[0]) if s.strip()
                 and not s.strip().startswith("Not shown:")]
    named = re.findall(r"`(test_\w+)`", section)
    assert len(sentences) >= 10 and all(re.search(r"`test_\w+`", s) for s in sentences)
    assert all(name in globals() for name in named), [n for n in named if n not in globals()]
