"""Every command that writes changes all its files or none: a crash injected at each step of the
write (core.books.store._step: each staged file, the journal commit, each rename) leaves the books either
as they were or as the command makes them, and the next reader finishes or clears what was left.
Readers wait while a writer holds the books."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.books import store
from tests.conftest import DEMO, write_books

RUN = CliRunner()
MARCH = """\
- id: JE-1
  date: 2025-03-05
  memo: Rent
  postings:
    - {account: "770.01", debit: "500.00"}
    - {account: "320.01", credit: "500.00", contact: SU-0001}
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".kebir" not in p.parts and ".git" not in p.parts}


def small(root: Path) -> Path:
    write_books(root, {"journals/2025/2025-03.yaml": MARCH, "journals/2025/2025-04.yaml": MARCH.replace("JE-1", "JE-2")
                       .replace("2025-03-05", "2025-04-05")})
    assert RUN.invoke(app, ["fmt", "--books", str(root)]).exit_code == 0
    return root


def demo(root: Path) -> Path:
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".kebir"))
    return root


def dedup_plan(root: Path) -> list[str]:
    plan = root.parent / "plan.yaml"
    if not plan.exists():
        assert RUN.invoke(app, ["dedup", "scan", "--books", str(root), "-o", str(plan)]).exit_code == 0
        plan.write_text(plan.read_text().replace("decision: pending", "decision: accept"))
    return ["dedup", "apply", str(plan), "--books", str(root)]


WRITERS = {
    "accounts rename": (small, lambda r: ["accounts", "rename", "770", "775", "--books", str(r)]),
    "accounts add": (small, lambda r: ["accounts", "add", "770.02", "Elektrik", "--books", str(r)]),
    "contacts add": (small, lambda r: ["contacts", "add", "Yeni Müşteri A.Ş.", "--books", str(r)]),
    "fmt": (lambda r: write_books(r, {"journals/2025/2025-03.yaml": MARCH.replace('"500.00"', '"500"'),
                                      "journals/2025/2025-04.yaml": MARCH.replace("JE-1", "JE-2")
                                      .replace("2025-03-05", "2025-04-05").replace('"500.00"', "'500.0'")}),
            lambda r: ["fmt", "--books", str(r)]),
    "dedup apply": (demo, dedup_plan),
    "reopen": (lambda r: (small(r), RUN.invoke(app, ["close", "2025-03", "--books", str(r), "--on", "2025-04-02",
                                                      "--by", "T"]))[0],
               lambda r: ["reopen", "2025-03", "--reason", "typo", "--books", str(r), "--on", "2025-04-03",
                          "--by", "T"]),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_crash_at_every_step_leaves_the_books_before_or_after(name, tmp_path, monkeypatch):
    setup, command = WRITERS[name]
    probe = setup(tmp_path / "probe" / "books")
    before = snapshot(probe)
    steps: list[str] = []
    monkeypatch.setattr(store, "_step", steps.append)
    result = RUN.invoke(app, command(probe))
    monkeypatch.setattr(store, "_step", lambda what: None)
    assert result.exit_code == 0, result.output
    after = snapshot(probe)
    assert after != before and steps, "the command changed something, in steps"
    outcomes = []
    for k in range(len(steps)):
        monkeypatch.setattr(store, "_step", lambda what: None)
        root = setup(tmp_path / f"k{k}" / "books")
        args = command(root)
        seen: list[str] = []

        def crash(what: str, k: int = k, seen: list[str] = seen) -> None:
            seen.append(what)
            if len(seen) - 1 == k:
                raise OSError(f"crash at {what} (injected)")

        monkeypatch.setattr(store, "_step", crash)
        RUN.invoke(app, args)
        monkeypatch.setattr(store, "_step", lambda what: None)
        check = RUN.invoke(app, ["validate", "--books", str(root)])      # the next reader recovers
        state = snapshot(root)
        assert state in (before, after) or _same_but_dates(state, after), f"step {k} ({steps[k]}) left a mix"
        assert check.exit_code in (0, 1) and "internal error" not in check.output
        assert not list(root.rglob("*.kebir-*.tmp")) and not list((root / ".kebir" / "txn").glob("*.json"))
        outcomes.append("before" if state == before else "after")
    committed = steps.index("committed")
    assert outcomes == ["before"] * committed + ["after"] * (len(steps) - committed)


def _same_but_dates(a: dict[str, bytes], b: dict[str, bytes]) -> bool:
    """links.yaml records `since: today`: equal when only that differs."""
    return a.keys() == b.keys() and all(a[k] == b[k] or k.endswith("links.yaml") for k in a)


def test_a_reader_waits_while_a_writer_holds_the_books(tmp_path):
    root = small(tmp_path / "books")
    with store.books_lock(root):
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "validate", "--books", str(root)],
                                cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(1.5)
        assert proc.poll() is None, "the reader must wait for the writer"
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err


def test_two_writers__the_second_waits_then_fails_clearly(tmp_path):
    root = small(tmp_path / "books")
    with store.books_lock(root):
        result = RUN.invoke(app, ["accounts", "add", "770.02", "Elektrik", "--books", str(root)])
    assert result.exit_code != 0 and "locked" in (result.output + str(result.exception))


def test_recover__finishes_a_committed_journal_and_clears_an_uncommitted_one(tmp_path, monkeypatch):
    root = small(tmp_path / "books")
    target = root / "journals/2025/2025-03.yaml"
    monkeypatch.setattr(store, "_finish", lambda root, journal, entries: None)   # killed right after the commit
    store.apply_files(root, {"journals/2025/2025-03.yaml": MARCH.replace("Rent", "Kira")})
    monkeypatch.undo()
    assert b"Rent" in target.read_bytes() and store.pending(root)
    assert store.recover(root) and b"Kira" in target.read_bytes() and not store.pending(root)
    stray = target.parent / ".2025-03.yaml.kebir-deadbeef0000.tmp"
    stray.write_text("half a write")
    assert any("never committed" in x for x in store.recover(root)) and not stray.exists()


def test_a_writer_killed_while_staging__the_next_reader_clears_its_staged_files(tmp_path):
    # SIGKILL runs no cleanup: the marker written before staging is what a reader notices.
    root = small(tmp_path / "books")
    before = snapshot(root)
    (root / store.TXN_DIR).mkdir(parents=True, exist_ok=True)
    (root / store.TXN_DIR / "0123456789ab.staging").write_text("0123456789ab\n")
    (root / "journals/2025/.2025-03.yaml.kebir-0123456789ab.tmp").write_text("half of a new March")
    assert store.pending(root)
    assert RUN.invoke(app, ["validate", "--books", str(root)]).exit_code == 0
    assert snapshot(root) == before and not store.pending(root)
