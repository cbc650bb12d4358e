"""The lint CI holds the code to: ruff with the rules and line length of pyproject.toml [tool.ruff]
(syntax, imports, undefined and unused names, lines over 120 characters). ruff is in the test extra,
so this runs wherever the tests run (.ci/run included)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    done = subprocess.run([ruff, "check", "--no-cache", "cli", "core", "tests", "bench"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
