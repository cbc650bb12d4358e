"""Broken files give one clear error naming the file and line: never a traceback, always exit 1."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app

J = "journals/2025/2025-03.yaml"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9))

BROKEN = {
    "bad indentation": ({J: "- id: JE-1\n  date: 2025-03-04\n   memo: too far in\n"}, J, "E001"),
    "a tab": ({J: "- id: JE-1\n\tdate: 2025-03-04\n"}, J, "E001"),
    "an unclosed quote": ({J: '- id: JE-1\n  memo: "rent\n  date: 2025-03-04\n'}, J, "E001"),
    "a CSV with a missing column": ({"stock/moves/2025/2025-03.csv": "id,date,kind,item,quantity\n"},
                                    "stock/moves/2025/2025-03.csv", "E002"),
    "a CSV row with extra cells": ({"journals/imports/b.csv": "entry_id,date,account,debit,credit\n"
                                    "B1,2025-03-01,100.01,1,,x,y\n"}, "journals/imports/b.csv", "E002"),
    "an empty file": ({"contacts/crm/people.yaml": ""}, "contacts/crm/people.yaml", "E004"),
    "a non-UTF-8 file": ({"contacts/crm/people.yaml": "- {id: C-1, kind: person, name: Şule}\n".encode("cp1254")},
                         "contacts/crm/people.yaml", "E003"),
    "a YAML alias bomb": ({"contacts/crm/people.yaml": BOMB}, "contacts/crm/people.yaml", "E005"),
    "binary garbage": ({J: b"\x00\x01\x02\xff\xfe"}, J, "E003"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file__clear_error_exit_1(name: str, books_dir):
    files, path, code = BROKEN[name]
    root = books_dir(files)
    result = CliRunner().invoke(app, ["validate", "--books", str(root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{root}/{path}:" in result.stdout
    assert f" {code} " in result.stdout
    assert "hint:" in result.stdout


def test_alias_bomb__refused_without_expanding(books):
    book, problems = books({"contacts/crm/people.yaml": BOMB})
    assert {p.code for p in problems} >= {"E005"}
    assert len(book.contacts) == 2  # the ERP base contacts only; nothing built from the bomb


def test_no_books_dir__usage_error_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["validate", "--books", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a books directory" in result.stderr


def test_unknown_option__usage_error_exit_2():
    assert CliRunner().invoke(app, ["validate", "--frobnicate"]).exit_code == 2


def test_books_default__from_env(books_dir, monkeypatch):
    root = books_dir({})
    monkeypatch.setenv("KEBIR_BOOKS", str(root))
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok:")
