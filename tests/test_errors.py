"""Every problem code, triggered by a small books directory from the catalogue in tests/errors/.

Each catalogue file names the files to write (over the base books in conftest), and the code,
file, line and message the problem must have. The CLI must exit 1 for each, with no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from core.model.errors import CATALOGUE
from tests.conftest import Fifo, Link, check

CASES = sorted((Path(__file__).parent / "errors").glob("[EW]*.yaml"))


def _files(case: dict) -> dict[str, str | bytes]:
    def one(v):
        if isinstance(v, dict) and "hex" in v:
            return bytes.fromhex(v["hex"])
        if isinstance(v, dict) and "symlink" in v:
            return Link(v["symlink"])
        if isinstance(v, dict) and v.get("fifo"):
            return Fifo("fifo")
        return v
    return {k: one(v) for k, v in case["files"].items()}


def test_catalogue__has_a_case_for_every_code():
    assert sorted(p.stem for p in CASES) == sorted(CATALOGUE)


def _with_git(make, case: dict):
    """Cases about the books' git repository (close tags) give the git steps to run in the books."""
    def run(files):
        root = make(files)
        env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "Test",
               "GIT_COMMITTER_EMAIL": "t@x"}
        for step in case.get("git") or []:
            subprocess.run(["git", "-C", str(root), "-c", "tag.gpgSign=false", "-c", "commit.gpgSign=false", *step],
                           check=True, capture_output=True, env=env)
        return root
    return run


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
def test_problem_code__names_file_line_record_and_message(case_file: Path, books, books_dir):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    want = case["expect"]
    if case.get("command"):      # a problem a command reports (close), not validate: run it
        root = books_dir(_files(case))
        result = CliRunner().invoke(app, [*case["command"], "--books", str(root)])
        assert result.exit_code == 1, result.output
        assert f"{root / want['path']}:{want['line']}: {case['code']} {want['message']}" in result.stderr, result.stderr
        assert "hint: " in result.stderr and "Traceback" not in result.output
        return
    if case.get("git"):
        books_dir = _with_git(books_dir, case)
        book, problems = check(books_dir(_files(case)))
    else:
        book, problems = books(_files(case))
    hits = [p for p in problems if p.code == case["code"]]
    assert hits, f"{case['code']} not raised; got {[(p.code, p.message) for p in problems]}"
    assert any(p.path == want["path"] and p.line == want["line"] and want["message"] in p.message for p in hits), \
        [(p.path, p.line, p.message) for p in hits]
    assert all(p.hint for p in hits), "every problem says how to fix it"

    root = books_dir(_files(case))
    result = CliRunner().invoke(app, ["validate", "--books", str(root), "--format", "json"])
    # a warning that only comes with an error (W016: the file it is about cannot be read) says `exit: 1`
    assert result.exit_code == case.get("exit", 1 if CATALOGUE[case["code"]][0] == "error" else 0), result.output
    if CATALOGUE[case["code"]][0] == "warning":
        strict = CliRunner().invoke(app, ["validate", "--books", str(root), "--strict"])
        assert strict.exit_code == 1, "warnings fail with --strict"
    assert "Traceback" not in result.output
    doc = json.loads(result.stdout)
    assert any(p["code"] == case["code"] and p["line"] == want["line"] and p["file"].endswith(want["path"])
               for p in doc["problems"])
