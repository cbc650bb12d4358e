"""Markdown output shows every text literally (issue 15, item 7): a contact named `Evil | Corp`
broke the table, and `<img src=x onerror=...>` ran as HTML in a rendered Markdown page. Every
`--format md` report goes through one renderer; these tests render its output with a CommonMark +
tables parser and check that each cell holds exactly the text of the books and that no HTML
element other than the table's own comes out."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cli._render import table_md
from cli.main import app
from core.reports import Column, Table

markdown_it = pytest.importorskip("markdown_it")     # rich's own Markdown parser

HOSTILE = [
    "Evil | Corp",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "Ali\\|Veli",
    "trailing backslash \\",
    "*bold* _em_ `code` ~~gone~~",
    "[click](javascript:alert(1))",
    "&lt;already an entity&gt; & more",
    "two\nlines",
    "| starts with a pipe",
]
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "h2", "strong"}   # the renderer's own


def render(md: str) -> str:
    return markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)


def cells(page: str) -> list[list[str]]:
    """Each row's cells, as a reader sees their text."""
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)])
    return rows


def only_table_html(page: str) -> bool:
    return {t.lower() for t in re.findall(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)", page)} <= TABLE_TAGS


def test_table_md__every_hostile_text_stays_text_in_its_cell():
    columns = (Column("party", "Party <b>name</b> | id"), Column("memo", "Memo"),
               Column("amount", "Amount", "money"))
    rows = tuple((name, f"memo of {name}", Decimal("1234.50")) for name in HOSTILE)
    page = render(table_md(Table("t", "Customers of <script>x</script> | Q1", columns, rows,
                                 ("Total | all", "", Decimal("12345.00")))))
    assert only_table_html(page), page
    assert "<h2>Customers of &lt;script&gt;x&lt;/script&gt; | Q1</h2>" in page
    got = cells(page)
    assert got[0] == ["Party <b>name</b> | id", "Memo", "Amount"]
    for want, row in zip(HOSTILE, got[1:]):
        assert row == [want.replace("\n", " "), f"memo of {want}".replace("\n", " "), "1,234.50"]
    assert got[-1] == ["Total | all", "", "12,345.00"]


def hostile_books(books_dir):
    from tests.conftest import ACCOUNTS

    name = "Evil | Corp <img src=x onerror=alert(1)>"
    accounts = ACCOUNTS.replace("name: Kira}", 'name: "Kira | <script>alert(1)</script>"}')
    return books_dir({
        "accounts.yaml": accounts,
        "contacts/erp/customers.yaml": f'- {{id: CU-0001, kind: company, name: "{name}", tax_id: "1234567890"}}\n'
                                       '- {id: SU-0001, kind: company, name: Kadıköy Balıkçısı, '
                                       'tax_id: "9876543217"}\n',
        "journals/2025/2025-03.yaml": """\
- id: JE-1
  date: 2025-03-05
  memo: "Rent | March <script>alert(1)</script> *now*"
  postings:
    - {account: "770.01", debit: "500.00", contact: CU-0001, memo: "a|b|c"}
    - {account: "320.01", credit: "500.00"}
""",
    })


MD_COMMANDS = [
    ["accounts", "list"],
    ["report", "trial-balance", "-p", "2025-03"],
    ["report", "journal", "-p", "2025-03"],
    ["report", "ledger", "770.01", "-p", "2025-03"],
    ["report", "income-statement", "-p", "2025-03"],
    ["report", "customer", "CU-0001"],
    ["query", "SELECT e.memo, p.memo AS posting_memo, c.name FROM postings p JOIN entries e ON e.id = p.entry_id "
              "LEFT JOIN contacts c ON c.id = p.contact"],
]


@pytest.mark.parametrize("args", MD_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_md_reports__hostile_names_and_memos_stay_in_their_cells(books_dir, args):
    root = hostile_books(books_dir)
    run = CliRunner().invoke(app, [*args, "--books", str(root), "--format", "md"])
    assert run.exit_code == 0, run.output
    page = render(run.stdout)
    assert only_table_html(page), page
    rows = cells(page)
    assert rows and all(len(r) == len(rows[0]) for r in rows), rows
    text = "\n".join(" ".join(r) for r in rows)
    assert any(s in text for s in ("Evil | Corp <img src=x onerror=alert(1)>", "Kira | <script>alert(1)</script>",
                                   "Rent | March <script>alert(1)</script> *now*", "a|b|c")), text


# -- commands whose answer is text, not a table: asked for as md, the text comes out as it is --------

def hostile_repo(books_dir):
    import os
    import subprocess

    root = hostile_books(books_dir)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Zeynep <b>", "GIT_AUTHOR_EMAIL": "z@lokanta.example",
           "GIT_COMMITTER_NAME": "Zeynep", "GIT_COMMITTER_EMAIL": "z@lokanta.example"}
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "books | <script>alert(1)</script>"], check=True, env=env)
    # a second commit by someone the roles do not know: a finding for audit verify
    toml = root / "books.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[roles]\nclerk = ["post"]\n[people]\n"a@x" = ["clerk"]\n',
                    encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "roles"], check=True, env=env)
    path = root / "journals/2025/2025-03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("*now*", "*now* `again`"), encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "memo | <img src=x onerror=alert(1)>"], check=True,
                   env=env)
    return root


TEXT_COMMANDS = [
    ["print", "--period", "2025-03"],
    ["audit", "log", "JE-1"],
    ["audit", "verify"],
    ["validate"],
]


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_md_text_answers__render_as_exactly_their_text(books_dir, args):
    root = hostile_repo(books_dir)
    if args[0] == "validate":       # an unbalanced entry on one line: the problem quotes its hostile memo
        (root / "journals/2025/2025-03.yaml").write_text(
            '- {id: JE-1, date: 2025-03-05, memo: "Rent | March <script>alert(1)</script> *now*", postings: '
            '[{account: "770.01", debit: "500.00"}, {account: "320.01", credit: "400.00"}]}\n', encoding="utf-8")
    text = CliRunner().invoke(app, [*args, "--books", str(root)])
    md = CliRunner().invoke(app, [*args, "--books", str(root), "--format", "md"])
    assert md.exit_code == text.exit_code, md.output
    assert any(s in text.stdout for s in ("<script>", "*now*", "<img")), text.stdout
    page = render(md.stdout)
    assert {t.lower() for t in re.findall(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)", page)} <= {"pre", "code"}, page
    shown = html.unescape(re.sub(r"</?(?:pre|code)[^>]*>", "", page))
    assert shown.rstrip("\n") == text.stdout.rstrip("\n")
