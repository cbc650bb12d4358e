"""Attack: a path read from a file aims outside the books (issue 15, item 1).

Someone who can commit to the books (or drop a file into a shared folder) plants a
`.kebir/txn/*.json` journal, a staged file or a label that names a path outside the books. The
next kebir command of anyone who opens the books must not write, rename or delete anything
outside them: recovery acts only on journals this user's kebir wrote (a MAC under a key kept
outside the books, core.books.userkey) whose every name is a regular file inside the books; every write
refuses a target outside the books (E083); an import label that could name files is a usage error.
"""

from __future__ import annotations

import hashlib
import shutil
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.books import store, userkey
from core.model.errors import BooksError
from tests.test_crash_safety import small, snapshot

RUN = CliRunner()
TXN = "0123456789ab"


def kebir(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, timeout=120)


def plant(root: Path, files: list[dict], *, tag: str | None = None, txn: str = TXN) -> Path:
    """A journal as an attacker writes it: the old plain checksum, or any tag they like."""
    body = json.dumps({"txn": txn, "files": files})
    journal = root / ".kebir" / "txn" / f"{txn}.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(body + "\n" + (tag or hashlib.sha256(body.encode()).hexdigest()) + "\n")
    return journal


@pytest.fixture()
def books(tmp_path: Path) -> Path:
    return small(tmp_path / "books")


@pytest.fixture()
def victim(tmp_path: Path) -> Path:
    """A file of the user's, outside the books, that nothing in the books may touch."""
    outside = tmp_path / "home" / "victim.txt"
    outside.parent.mkdir()
    outside.write_text("precious\n")
    return outside


def untouched(victim: Path) -> bool:
    return victim.read_text() == "precious\n" and sorted(p.name for p in victim.parent.iterdir()) == ["victim.txt"]


AIMS = {
    "delete by ..": lambda root, v: [{"target": os.path.relpath(v, root), "staged": None}],
    "delete by absolute path": lambda root, v: [{"target": str(v), "staged": None}],
    "overwrite from a staged file outside": lambda root, v: [
        {"target": "accounts.yaml", "staged": os.path.relpath(v, root)}],
    "overwrite by ..": lambda root, v: [{"target": os.path.relpath(v, root),
                                         "staged": f"journals/.x.kebir-{TXN}.tmp"}],
    "write into .git": lambda root, v: [{"target": ".git/hooks/pre-commit",
                                         "staged": f".git/hooks/.pre-commit.kebir-{TXN}.tmp"}],
    "through a link in the books": lambda root, v: [{"target": "outlink/victim.txt", "staged": None}],
}


@pytest.mark.parametrize("aim", sorted(AIMS))
@pytest.mark.parametrize("signed", ["plain checksum", "another user's key"])
def test_a_planted_journal_never_touches_a_file_outside_the_books(books, victim, aim, signed, tmp_path):
    (books / "outlink").symlink_to(victim.parent)
    (books / "journals" / f".x.kebir-{TXN}.tmp").write_text("- {code: '1', name: evil}\n")
    tag = None if signed == "plain checksum" else "f" * 64
    journal = plant(books, AIMS[aim](books, victim), tag=tag)
    before = snapshot(books)
    for args in (["validate"], ["report", "trial-balance"], ["accounts", "add", "770.02", "Elektrik"]):
        RUN.invoke(app, [*args, "--books", str(books)])
        assert untouched(victim), (aim, args)
    assert journal.exists(), "a refused journal stays for a person to look at"
    after = snapshot(books)
    assert {k: v for k, v in after.items() if k != "accounts.yaml"} == \
        {k: v for k, v in before.items() if k != "accounts.yaml"}, "nothing else in the books moved either"


def test_a_refused_journal_is_said_on_stderr_once_per_command(books, victim):
    plant(books, AIMS["delete by .."](books, victim))
    out = kebir("validate", "--books", str(books))
    assert out.returncode == 0, out.stderr
    assert out.stderr.count(f"refused .kebir/txn/{TXN}.json") == 1 and "no valid MAC" in out.stderr
    assert untouched(victim)


def test_a_journal_of_ours_whose_target_became_a_link_out_is_refused(books, victim, monkeypatch):
    # kebir wrote the journal (valid MAC), was killed, and then the target was swapped for a link.
    monkeypatch.setattr(store, "_finish", lambda root, journal, entries: None)
    store.apply_files(books, {"journals/2025/2025-03.yaml": "[]\n"})
    monkeypatch.undo()
    target = books / "journals/2025/2025-03.yaml"
    target.unlink()
    target.symlink_to(victim)
    done = store.recover(books)
    assert any(d.startswith("refused") for d in done) and untouched(victim)
    assert target.is_symlink()


def test_a_journal_of_ours_is_still_finished(books):
    """The defence does not cost the crash safety: a killed write of our own is rolled forward."""
    from core.books import store as s

    original = s._finish
    s._finish = lambda root, journal, entries: None
    try:
        s.apply_files(books, {"journals/2025/2025-03.yaml": "[]\n"})
    finally:
        s._finish = original
    assert s.pending(books)
    assert any("finished" in d for d in s.recover(books))
    assert (books / "journals/2025/2025-03.yaml").read_text() == "[]\n"


def test_journal_names_may_not_be_recut(books):
    """The MAC covers the body only as a whole: a body of ours with a different txn name is refused."""
    body = json.dumps({"txn": "aaaaaaaaaaaa", "files": [{"target": "accounts.yaml", "staged": None}]})
    tag = userkey.mac("journal", body.encode())
    journal = books / ".kebir/txn/bbbbbbbbbbbb.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(body + "\n" + tag + "\n")
    assert any("does not match its name" in d for d in store.recover(books))
    assert (books / "accounts.yaml").exists()


def test_a_txn_folder_that_is_a_link_out_is_not_followed(books, victim, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f".{TXN}.json.abc.tmp").write_text("x")
    (books / ".kebir").mkdir(exist_ok=True)
    if (books / ".kebir/txn").exists():
        (books / ".kebir/txn").rmdir()
    (books / ".kebir/txn").symlink_to(elsewhere)
    store.recover(books)
    assert (elsewhere / f".{TXN}.json.abc.tmp").exists()


@pytest.mark.parametrize("rel", ["../outside.yaml", "/tmp/kebir-outside.yaml", "journals/../../x.yaml",
                                 ".git/config", ".kebir/txn/x.json", "", "a\0b"])
def test_every_write_refuses_a_target_outside_the_books(books, rel):
    with pytest.raises(BooksError, match="E083"):
        store.apply_files(books, {rel: "x\n"})


def test_a_write_through_a_link_out_is_refused(books, victim):
    (books / "outlink").symlink_to(victim.parent)
    with pytest.raises(BooksError, match="E083"):
        store.apply_files(books, {"outlink/victim.txt": "overwritten\n"})
    (books / "contacts/erp/evil.yaml").symlink_to(victim)
    with pytest.raises(BooksError, match="E083"):
        store.apply_files(books, {"contacts/erp/evil.yaml": "[]\n"})
    assert untouched(victim)


def test_the_journal_tmp_of_a_killed_write_is_cleared(books):
    txn = books / ".kebir/txn"
    txn.mkdir(parents=True, exist_ok=True)
    left = txn / f".{TXN}.json.k3j2h1.tmp"
    left.write_text('{"txn": "half')
    assert store.pending(books)
    assert RUN.invoke(app, ["validate", "--books", str(books)]).exit_code == 0
    assert not left.exists() and not store.pending(books)


@pytest.mark.parametrize("label", ["x" * 300, "../../etc/evil", "a/b", "name with spaces", ""])
def test_an_import_label_that_could_name_files_is_a_usage_error(books, tmp_path, label):
    src = tmp_path / "in.journal"
    src.write_text("2025-03-01 Rent\n    expenses:rent  10.00 TRY\n    assets:cash\n")
    result = RUN.invoke(app, ["import", "journal", str(src), "--books", str(books), "--label", label])
    assert result.exit_code == 2, result.output
    assert not list(books.glob("imports/*")) and not list(tmp_path.glob("*evil*"))


def test_a_long_source_name_gives_a_short_label(books, tmp_path):
    src = tmp_path / (("y" * 200) + ".journal")
    src.write_text("2025-03-01 Rent\n    expenses:rent  10.00 TRY\n    assets:cash\n")
    result = RUN.invoke(app, ["import", "journal", str(src), "--books", str(books), "--dry-run"])
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.output


# -- found by the first attack on this defence (a tester who had not read the code) ------------------

@pytest.mark.parametrize("link", [".kebir", ".kebir/txn", ".kebir/cache"])
def test_a_kebir_folder_that_links_out_stops_every_command_before_it_writes_there(books, tmp_path, link):
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    shutil.rmtree(books / ".kebir", ignore_errors=True)
    if link != ".kebir":
        (books / ".kebir").mkdir()
    (books / link).symlink_to(out)
    for args in (["validate"], ["accounts", "add", "770.02", "Elektrik"]):
        result = kebir(*args, "--books", str(books))
        assert result.returncode == 1 and "E083" in result.stderr, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("where", ["the target file", "the imports folder", "the journal's folder"])
def test_an_import_never_writes_through_a_link_in_the_books(books, tmp_path, victim, where):
    src = tmp_path / "in.journal"
    src.write_text("2025-04-01 Sale\n    assets:cash  10.00 TRY\n    income:sales  -10.00 TRY\n")
    outdir = tmp_path / "out"
    outdir.mkdir()
    if where == "the target file":
        (books / "journals/2025/2025-04.y.yaml").symlink_to(victim)
    elif where == "the imports folder":
        (books / "imports").symlink_to(outdir)
    else:
        shutil.rmtree(books / "journals/2025")
        (books / "journals/2025").symlink_to(outdir)
    result = RUN.invoke(app, ["import", "journal", str(src), "--from", "hledger", "--label", "y", "--books",
                              str(books)])
    assert result.exit_code == 1
    assert untouched(victim) and list(outdir.iterdir()) == []


def test_a_plan_named_in_the_books_that_links_out_is_not_read_or_written(books, tmp_path):
    secret = tmp_path / "secret-plan.yaml"
    secret.write_text("- cluster: 1\n  members:\n  - {id: SEKRIT-0002}\n")
    (books / "plans").mkdir()
    (books / "plans/q.yaml").symlink_to(secret)
    result = kebir("dedup", "apply", str(books / "plans/q.yaml"), "--books", str(books), "--dry-run")
    assert result.returncode == 1 and "E081" in result.stderr and "SEKRIT" not in result.stdout + result.stderr
    out = tmp_path / "outplans"
    out.mkdir()
    (books / "plans/q.yaml").unlink()
    (books / "plans").rmdir()
    (books / "plans").symlink_to(out)
    result = kebir("dedup", "scan", "--books", str(books), "-o", str(books / "plans/x.yaml"))
    assert result.returncode == 1 and "E083" in result.stderr and list(out.iterdir()) == []
