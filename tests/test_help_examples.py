"""Every example in every command's --help runs on (a copy of) the demo books and exits 0.

The examples are what a new user copies first, so they must work as written. They run in the
order the help lists them, grouped so that an example that needs an earlier one (reopen after
close, apply after scan) comes after it; commands with a pipe or a redirect run in a shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import DEMO, share_loads

# Examples that depend on each other run together, in this order.
SEQUENCES = {
    "month end": [("close",), ("report", "close-pack"), ("reopen",)],
    "dedup": [("dedup", "scan"), ("dedup", "apply")],
}


def examples() -> dict[tuple[str, ...], list[str]]:
    """Command path -> its example command lines (continuation lines joined)."""
    out: dict[tuple[str, ...], list[str]] = {}
    stack = [((), get_command(app))]
    while stack:
        path, c = stack.pop()
        subs = getattr(c, "commands", None)
        if subs:
            stack += [((*path, name), sub) for name, sub in subs.items()]
            continue
        text = (c.help or "").split("Examples:")[-1] if "Examples:" in (c.help or "") else ""
        lines: list[str] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line == "\b":
                continue
            if line.startswith("kebir ") or not lines:
                lines.append(line)
            else:
                lines[-1] += " " + line
        out[path] = lines
    return out


ALL = examples()
IN_SEQUENCE = {p for seq in SEQUENCES.values() for p in seq}
CASES = {" ".join(p): [p] for p in sorted(ALL) if p not in IN_SEQUENCE} | SEQUENCES


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A directory holding `ledger-data`, a private git-tracked copy of the demo books."""
    work = tmp_path_factory.mktemp("examples")
    books = work / "ledger-data"
    shutil.copytree(DEMO, books, ignore=shutil.ignore_patterns(".kebir"))
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com",
                                                    "commit", "-qm", "demo"]):
        subprocess.run(["git", "-C", str(books), *args], check=True, capture_output=True)
    with share_loads(books):      # the examples that only read load the books once between writes
        yield work


def run(line: str, cwd: Path) -> tuple[int, str]:
    if {"|", "&&", ">"} & set(shlex.split(line, posix=True)):
        if " hledger " in line and shutil.which("hledger") is None:
            if os.environ.get("KEBIR_REQUIRE_TOOLS") == "1":
                pytest.fail("hledger is required here (KEBIR_REQUIRE_TOOLS=1)")
            return 0, "skipped: no hledger"
        kebir = f"{shlex.quote(sys.executable)} -m cli.main"
        shell = line.replace("kebir ", kebir + " ")
        done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], cwd=cwd, capture_output=True, text=True,
                              env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})
        return done.returncode, done.stdout[-2000:] + done.stderr[-2000:]
    args = shlex.split(line)[1:]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, args)
    finally:
        os.chdir(old)
    problem = f"\n{type(result.exception).__name__}: {result.exception}" if result.exception and \
        not isinstance(result.exception, SystemExit) else ""
    return result.exit_code, result.output[-3000:] + problem


@pytest.mark.parametrize("case", sorted(CASES))
def test_help_examples__run_on_the_demo_books(case, workdir, monkeypatch):
    for var, value in (("GIT_AUTHOR_NAME", "t"), ("GIT_AUTHOR_EMAIL", "t@example.com"),
                       ("GIT_COMMITTER_NAME", "t"), ("GIT_COMMITTER_EMAIL", "t@example.com")):
        monkeypatch.setenv(var, value)
    # The examples of other commands may have written into the books (a dedup apply, an import): an
    # accountant commits before a close, which refuses records no commit holds.
    books = workdir / "ledger-data"
    if subprocess.run(["git", "-C", str(books), "status", "--porcelain"], capture_output=True, text=True).stdout:
        for args in (["add", "-A"], ["commit", "-qm", f"before {case}"]):
            subprocess.run(["git", "-C", str(books), *args], check=True, capture_output=True)
    ran = 0
    for path in CASES[case]:
        assert ALL.get(path), f"kebir {' '.join(path)} has no examples"
        for line in ALL[path]:
            code, output = run(line, workdir)
            assert code == 0, f"{line}\n{output}"
            ran += 1
    assert ran
    hook = workdir / "ledger-data" / ".git" / "hooks" / "pre-commit"
    if case.startswith("hooks"):          # the hook would run in the later examples' commits: take it out
        hook.unlink(missing_ok=True)
