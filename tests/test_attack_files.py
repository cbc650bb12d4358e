"""Attack: a record name in the books is not a plain file (issue 15, item 5).

A cloned books directory can hold anything under a record file's name: a link to
`/proc/self/environ` (whose excerpt would print a CI secret), a link to `/dev/zero` (10 GB read), a
FIFO (every command hangs), a directory, a file nobody may read, a huge file. Every one is a
problem with its file and code (E081 link out, E082 not a regular file, E006 too large, E084
unreadable), exit 1 from `validate`; no bytes of a refused file are read or quoted, and no command
hangs or crashes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.books import safeio
from tests.test_crash_safety import small

SECRET = "KEBIR_TEST_SECRET_VALUE_7f3a"


def kebir(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, SECRET: SECRET, **(env or {})})


def make_link_environ(p: Path) -> None:
    p.symlink_to("/proc/self/environ")


def make_link_zero(p: Path) -> None:
    p.symlink_to("/dev/zero")


def make_fifo(p: Path) -> None:
    os.mkfifo(p)


def make_link_up(p: Path) -> None:
    p.symlink_to("../../../../../../../../../../etc/hostname")


def make_dangling(p: Path) -> None:
    p.symlink_to(p.parent / "nothing-here.yaml")


def make_loop(p: Path) -> None:
    p.symlink_to(p.name)


HOSTILE = {"link to /proc/self/environ": (make_link_environ, "E081"), "link to /dev/zero": (make_link_zero, "E081"),
           "FIFO": (make_fifo, "E082"), "link up and out": (make_link_up, "E081"),
           "dangling link": (make_dangling, "E084"), "link loop": (make_loop, "E084")}
NAMES = ["journals/2025/2025-05.yaml", "journals/2025/bank.csv", "contacts/crm/more.yaml", "accounts.yaml"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_a_record_name_that_is_not_a_plain_file_is_a_problem_never_read(tmp_path, what, name):
    root = small(tmp_path / "books")
    path = root / name
    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    make, code = HOSTILE[what]
    make(path)
    out = kebir("validate", "--books", str(root), "--format", "json")
    assert out.returncode == 1, out.stderr
    assert SECRET not in out.stdout + out.stderr
    assert f'"code": "{code}"' in out.stdout and name in out.stdout
    text = kebir("validate", "--books", str(root))
    assert SECRET not in text.stdout + text.stderr and "internal error" not in text.stderr
    report = kebir("report", "trial-balance", "--books", str(root))
    assert report.returncode in (0, 1) and "internal error" not in report.stderr


def test_a_directory_link_out_of_the_books_is_not_walked(tmp_path):
    root = small(tmp_path / "books")
    secret_dir = tmp_path / "secret"
    (secret_dir / "2025").mkdir(parents=True)
    (secret_dir / "2025" / "2025-06.yaml").write_text(f"- id: JE-9\n  memo: {SECRET}\n")
    (root / "journals" / "2026").symlink_to(secret_dir / "2025")
    out = kebir("validate", "--books", str(root))
    assert SECRET not in out.stdout + out.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 file")
def test_a_file_nobody_may_read_is_e084_not_an_internal_error(tmp_path):
    root = small(tmp_path / "books")
    p = root / "journals/2025/2025-03.yaml"
    p.chmod(0)
    try:
        out = kebir("validate", "--books", str(root), "--format", "json")
        assert out.returncode == 1 and '"code": "E084"' in out.stdout and "internal error" not in out.stderr
    finally:
        p.chmod(0o644)


def test_a_file_over_the_limit_is_e006_and_the_limit_is_a_setting(tmp_path):
    root = small(tmp_path / "books")
    big = root / "journals/2025/2025-07.yaml"
    with big.open("wb") as fh:               # sparse: 300 MiB of size, no disk
        fh.truncate(300 * 1024 * 1024)
    out = kebir("validate", "--books", str(root), "--format", "json")
    assert out.returncode == 1 and '"code": "E006"' in out.stdout and "max_file_mib" in out.stdout
    toml = root / "books.toml"
    toml.write_text(toml.read_text() + "\n[limits]\nmax_file_mib = 1\n")
    big.unlink()
    big.write_text("# " + "x" * (2 * 1024 * 1024) + "\n")
    out = kebir("validate", "--books", str(root), "--format", "json")
    assert '"code": "E006"' in out.stdout and "larger than 1 MiB" in out.stdout


def test_a_file_swapped_for_a_fifo_after_the_check_is_refused_not_hung(tmp_path):
    root = small(tmp_path / "books")
    p = root / "journals/2025/2025-03.yaml"
    p.unlink()
    os.mkfifo(p)
    with pytest.raises(safeio.Refused, match="E082"):
        safeio.read_bytes(root, "journals/2025/2025-03.yaml")
    p.unlink()
    p.symlink_to("/proc/self/environ")
    with pytest.raises(safeio.Refused, match="E081"):
        safeio.read_bytes(root, "journals/2025/2025-03.yaml")


def test_a_link_inside_the_books_to_a_plain_file_inside_is_read(tmp_path):
    """Links that stay inside are fine (a shared chart kept once, linked from two places)."""
    root = small(tmp_path / "books")
    (root / "journals/2025/2025-05.yaml").symlink_to("2025-03.yaml")
    assert safeio.vet(root, "journals/2025/2025-05.yaml") is None


def test_a_folder_named_like_a_record_file_or_linked_out_is_a_problem(tmp_path):
    root = small(tmp_path / "books")
    (root / "journals/2025/2025-09.yaml").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "journals/2027").symlink_to(elsewhere)
    out = kebir("validate", "--books", str(root), "--format", "json")
    assert out.returncode == 1
    assert '"code": "E082"' in out.stdout and "journals/2025/2025-09.yaml" in out.stdout
    assert '"code": "E081"' in out.stdout and "journals/2027" in out.stdout


@pytest.mark.parametrize("make", [make_fifo, make_link_environ])
def test_books_toml_that_is_not_a_plain_file_is_refused_with_exit_1(tmp_path, make):
    root = small(tmp_path / "books")
    (root / "books.toml").unlink()
    make(root / "books.toml")
    out = kebir("validate", "--books", str(root))
    assert out.returncode == 1 and ("E082" in out.stderr or "E081" in out.stderr)
    assert SECRET not in out.stdout + out.stderr


def test_an_import_source_that_is_a_device_or_fifo_is_refused_not_read(tmp_path):
    root = small(tmp_path / "books")
    fifo = tmp_path / "in.journal"
    os.mkfifo(fifo)
    for src in (str(fifo), "/dev/zero"):
        out = kebir("import", "journal", src, "--from", "hledger", "--books", str(root))
        assert out.returncode == 1 and "E082" in out.stderr, out.stderr


@pytest.mark.parametrize("plant", ["fifo", "dev-zero", "link-out"])
def test_hostile_files_in_the_cache_are_misses_never_hangs_or_reads(tmp_path, plant):
    root = small(tmp_path / "books")
    assert kebir("validate", "--books", str(root)).returncode == 0          # fills the cache
    outside = tmp_path / "outside.json"
    outside.write_text('{"files": {}, "written_ns": 0}')
    cache = root / ".kebir" / "cache"
    names = sorted(p.name for p in cache.iterdir() if p.is_file())
    assert names
    for name in names:
        (cache / name).unlink()
        if plant == "fifo":
            os.mkfifo(cache / name)
        else:
            (cache / name).symlink_to("/dev/zero" if plant == "dev-zero" else outside)
    out = kebir("validate", "--books", str(root))
    assert out.returncode == 0 and "internal error" not in out.stderr, out.stderr
    assert kebir("report", "trial-balance", "--books", str(root)).returncode == 0
