"""Caches are never trusted as the truth (issue 15, item 3). The attack: a forged entry committed
under `.kebir/cache` (the demo shipped no .gitignore, and `git add -A` took the cache along) made
`kebir validate --strict` pass on a changed file in a fresh clone. A cache entry is keyed by its
file's content digest, which the attacker can compute as well as anyone; so the entry now carries
a MAC made with a per-user key outside the books (core/books/cachekey.py), `validate --strict` and
`close` do not read the cache at all, `.kebir/` is git-ignored in the demo and in `kebir init`'s
books, and a tracked `.kebir/` is warned about (W008) and flagged by `kebir audit verify`."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from cli.main import app
from core.books import cache
from core.books.cache import CACHE_DIR
from core.books.parse import parse_journal_yaml
from core.erp.load import load_ledger
from tests.conftest import DEMO, write_books

RUN = CliRunner()
MARCH = """\
- id: JE-1
  date: 2025-03-05
  memo: Rent for March
  postings:
    - {account: "770.01", debit: "500.00"}
    - {account: "320.01", credit: "500.00", contact: SU-0001}
"""
# the change the forged cache hides: the credit no longer matches the debit
ALTERED = MARCH.replace('credit: "500.00"', 'credit: "50.00"')
JOURNAL = "journals/2025/2025-03.yaml"
GIT = ["git", "-c", "user.name=Mallory", "-c", "user.email=mallory@example.com"]


def user(tmp_path: Path, name: str) -> dict[str, str]:
    """The environment of one person: their own config directory, so their own cache key."""
    home = tmp_path / f"config-{name}"
    home.mkdir(exist_ok=True)
    return {"XDG_CONFIG_HOME": str(home)}


def kebir(env: dict[str, str], *args: str):
    return RUN.invoke(app, list(args), env=env)


def git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def forge(root: Path, env: dict[str, str]) -> None:
    """What the attacker does: warm the cache on the honest books, change the journal, then put the
    honest entries' bytes under the names the changed file's digest gives (the raw parse and the
    typed whole book), so a reader trusting the cache sees the honest books."""
    assert kebir(env, "validate", "--books", str(root)).exit_code == 0
    cache = root / CACHE_DIR
    honest = {p.name: p.read_bytes() for p in cache.iterdir()}
    (root / JOURNAL).write_text(ALTERED, encoding="utf-8")
    assert kebir(env, "validate", "--books", str(root)).exit_code == 1       # names the new entries
    for kind in (".journal.", "book-"):
        old = sorted(n for n in honest if kind in n)
        new = sorted(p.name for p in cache.iterdir() if kind in p.name and p.name not in honest)
        assert len(old) == len(new) > 0
        for o, n in zip(old, new):
            (cache / n).write_bytes(honest[o])


def test_a_forged_cache_committed_to_git__a_fresh_clone_still_sees_the_changed_file(tmp_path):
    mallory, alice = user(tmp_path, "mallory"), user(tmp_path, "alice")
    root = write_books(tmp_path / "origin", {JOURNAL: MARCH})
    git(root, "init", "-q")
    forge(root, mallory)
    git(root, "add", "-A", "-f")                 # as the guide's `git add -A` did without a .gitignore
    git(root, "commit", "-q", "-m", "rent")
    assert git(root, "ls-files", ".kebir/cache")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    for args in (["validate"], ["validate", "--strict"]):
        result = kebir(alice, *args, "--books", str(clone))
        assert result.exit_code == 1 and "E040" in result.output, (args, result.output)
    # a report reads the cache too (it rebuilt it): the supplier's line shows the changed 50.00
    fresh = subprocess.run([*GIT, "clone", "-q", str(root), str(tmp_path / "clone2")], check=True)
    assert fresh.returncode == 0
    report = kebir(alice, "report", "trial-balance", "--books", str(tmp_path / "clone2"), "--format", "csv")
    supplier = [ln for ln in report.stdout.splitlines() if ln.startswith("320.01,")]
    assert supplier and "50.00" in supplier[0] and "500.00" not in supplier[0], report.stdout


def test_the_same_users_entry_moved_to_another_digest__is_not_taken(tmp_path):
    """The MAC binds the entry to the content digest it was made for: the user's own honest entry,
    renamed to the changed file's digest, does not stand in for the changed file."""
    env = user(tmp_path, "zeynep")
    root = write_books(tmp_path / "books", {JOURNAL: MARCH})
    forge(root, env)
    result = kebir(env, "validate", "--books", str(root))
    assert result.exit_code == 1 and "E040" in result.output, result.output


def test_validate_strict_and_close_reparse__even_a_validly_signed_wrong_entry_cannot_pass(tmp_path, monkeypatch):
    """Cached readers trust what this user's key signed; `validate --strict` and `close`, which
    decide whether books pass or get sealed, trust no cache at all."""
    env = user(tmp_path, "zeynep")
    root = write_books(tmp_path / "books", {JOURNAL: ALTERED})
    monkeypatch.setenv("XDG_CONFIG_HOME", env["XDG_CONFIG_HOME"])
    honest = parse_journal_yaml
    # a signed entry for the altered file that holds the honest parse (a bug, or a stolen key)
    monkeypatch.setattr(cache, "parse_journal_yaml",
                        lambda data, rel, fast=True: honest(MARCH.encode(), rel, fast))
    load_ledger(root, jobs=1)
    monkeypatch.setattr(cache, "parse_journal_yaml", honest)
    assert kebir(env, "validate", "--books", str(root)).exit_code == 0       # the cache says: all fine
    strict = kebir(env, "validate", "--strict", "--books", str(root))
    assert strict.exit_code == 1 and "E040" in strict.output, strict.output
    close = kebir(env, "close", "2025-03", "--on", "2025-04-03", "--by", "Z <z@x>", "--books", str(root))
    assert close.exit_code == 1 and "E040" in close.output, close.output
    assert not (root / "closes").exists()


def test_the_key__made_once_0600_outside_the_books(tmp_path):
    env = user(tmp_path, "zeynep")
    root = write_books(tmp_path / "books", {JOURNAL: MARCH})
    assert kebir(env, "validate", "--books", str(root)).exit_code == 0
    key = Path(env["XDG_CONFIG_HOME"]) / "kebir" / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    first = key.read_bytes()
    assert kebir(env, "validate", "--books", str(root)).exit_code == 0 and key.read_bytes() == first
    entries = json.loads(next((root / CACHE_DIR).glob("*.journal.*.json")).read_text())
    assert len(entries["mac"]) == 64


def test_no_key_to_be_had__nothing_is_cached_and_the_books_still_read(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the config directory would be\n")
    env = {"XDG_CONFIG_HOME": str(blocked)}
    root = write_books(tmp_path / "books", {JOURNAL: ALTERED})
    result = kebir(env, "validate", "--books", str(root))
    assert result.exit_code == 1 and "E040" in result.output
    cache = root / CACHE_DIR
    assert not cache.exists() or not any(p.name != "stat.json" for p in cache.iterdir())
    assert not (cache / "stat.json").exists()


def test_a_forged_dedup_rows_cache__the_scan_reads_the_contacts(tmp_path):
    env = user(tmp_path, "zeynep")
    erp = ("- id: CU-0001\n  kind: company\n  name: Boğaziçi Etkinlik Ltd. Şti.\n  tax_id: \"1234567890\"\n"
           "- id: CU-0002\n  kind: company\n  name: Bogazici Etkinlik Ltd Sti\n  tax_id: \"1234567890\"\n"
           "- id: SU-0001\n  kind: company\n  name: Kadıköy Balıkçısı\n  tax_id: \"9876543217\"\n")
    root = write_books(tmp_path / "books", {"contacts/erp/customers.yaml": erp})
    honest_plan = tmp_path / "honest.yaml"
    assert kebir(env, "dedup", "scan", "--books", str(root), "-o", str(honest_plan)).exit_code == 0
    assert "CU-0002" in honest_plan.read_text()
    rows = next((root / ".kebir" / "cache").glob("dedup-rows*.parquet"))
    frame = pl.read_parquet(rows)
    texts = [c for c, t in frame.schema.items() if t == pl.String]
    forged = frame.with_columns(pl.when(pl.col(c).str.contains("(?i)ogazi|1234567890"))
                                .then(pl.lit("Zeytin Evi " + c)).otherwise(pl.col(c)).alias(c) for c in texts)
    assert not forged.equals(frame)
    forged.write_parquet(rows)
    plan = tmp_path / "after.yaml"
    assert kebir(env, "dedup", "scan", "--books", str(root), "-o", str(plan)).exit_code == 0
    assert plan.read_text() == honest_plan.read_text()


def test_git_ignores_dot_kebir__in_the_demo_and_in_new_books(tmp_path):
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns(".kebir"))
    assert (demo / ".gitignore").read_text().count(".kebir/")
    env = user(tmp_path, "zeynep")
    new = tmp_path / "new"
    assert kebir(env, "init", str(new), "--template", "empty").exit_code == 0
    for root in (demo, new):
        if not (root / ".git").exists():
            git(root, "init", "-q")
        (root / ".kebir" / "cache").mkdir(parents=True, exist_ok=True)
        (root / ".kebir" / "cache" / "stat.json").write_text("{}")
        git(root, "add", "-A")                    # the guide's command: the cache stays out
        assert not git(root, "ls-files", ".kebir"), root


def test_a_tracked_dot_kebir__warned_on_reading_and_flagged_by_audit_verify(tmp_path):
    env = user(tmp_path, "zeynep")
    root = write_books(tmp_path / "books", {JOURNAL: MARCH, ".gitignore": ".kebir/\n"})
    git(root, "init", "-q")
    assert kebir(env, "validate", "--books", str(root)).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "books")
    clean = kebir(env, "audit", "verify", "--books", str(root))
    assert clean.exit_code == 0 and "W008" not in clean.output, clean.output
    git(root, "add", "-f", ".kebir")
    git(root, "commit", "-q", "-m", "cache too")
    report = kebir(env, "report", "trial-balance", "--books", str(root))
    assert report.exit_code == 0 and "W008" in report.stderr and "git tracks" in report.stderr, report.stderr
    assert kebir(env, "validate", "--books", str(root)).exit_code == 0                  # a warning ...
    strict = kebir(env, "validate", "--strict", "--books", str(root))
    assert strict.exit_code == 1 and "W008" in strict.output                         # ... that --strict fails
    audit = kebir(env, "audit", "verify", "--books", str(root))
    assert audit.exit_code == 1 and "W008" in audit.output and "cache too" in audit.output, audit.output
