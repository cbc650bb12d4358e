"""Docs that cannot drift: README's quick start matches CI, every code is documented, every
command has help with examples, the reference pages match the code. Set KEBIR_UPDATE_DOCS=1 to
regenerate docs/errors.md and docs/reference/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cli.main import app
from core.model.errors import CATALOGUE

REPO = Path(__file__).resolve().parent.parent


def quick_start() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_readme__quick_start_is_exactly_two_commands():
    commands = quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "ledger-data" in commands[0]
    assert "pytest" in commands[1] and "[test]" in commands[1]


def test_ci__runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start()[1] in ci.splitlines()


def render_errors_doc() -> str:
    out = ["# Problem codes", "",
           "`kebir validate` reports each problem as `file:line: CODE severity [record]: message`, with the",
           "offending line, what was expected and found, and a hint. Codes are stable; scripts can match",
           "on them (`--format json`). Each code below has a test case in `tests/errors/CODE.yaml`.", ""]
    for code, (severity, title) in CATALOGUE.items():
        case = yaml.safe_load((REPO / "tests" / "errors" / f"{code}.yaml").read_text(encoding="utf-8"))
        exp = case["expect"]
        out += [f"## {code}: {title}", "", f"Severity: {severity}. Example: `{exp['path']}:{exp['line']}: "
                f"{exp['message']}`.", ""]
        for path, content in case["files"].items():
            if isinstance(content, str) and len(content) < 600 and "\t" not in content:
                out += [f"`{path}`:", "", "```", content.rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def test_errors_doc__lists_every_code_with_its_example():
    path = REPO / "docs" / "errors.md"
    want = render_errors_doc()
    if os.environ.get("KEBIR_UPDATE_DOCS") == "1":
        path.write_text(want, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == want, "run KEBIR_UPDATE_DOCS=1 pytest tests/test_docs.py"


def _commands(typer_app, prefix=()):
    from typer.main import get_command

    cmd = get_command(typer_app)
    stack = [(prefix, cmd)]
    while stack:
        path, c = stack.pop()
        subs = getattr(c, "commands", None)
        if subs:
            stack += [((*path, name), sub) for name, sub in subs.items()]
        else:
            yield path


def test_every_command__has_help_with_an_example_and_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(app))
    assert len(commands) >= 4
    for path in commands:
        result = CliRunner().invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Examples:" in result.stdout, path
        assert f"kebir {' '.join(path)}" in readme, path


def test_reference_pages__match_the_commands_and_schemas():
    """docs/reference/ is generated from the Typer app and schemas/ (`python -m cli.docgen`)."""
    from cli.docgen import REFERENCE, pages

    for name, want in pages(app).items():
        path = REFERENCE / name
        if os.environ.get("KEBIR_UPDATE_DOCS") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(want, encoding="utf-8")
        assert path.exists() and path.read_text(encoding="utf-8") == want, \
            (f"docs/reference/{name} drifted: run python -m cli.docgen "
             "(or KEBIR_UPDATE_DOCS=1 pytest tests/test_docs.py)")
