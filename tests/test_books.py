"""Starting books and the common edits: `kebir init` for every template and chart, account add and
rename with every reference rewritten, contacts add; each checked as it is written."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.erp.load import load_ledger
from core.books.charts import CHARTS, account_records
from core.books.newbooks import TEMPLATES
from tests.conftest import check, write_books

RUN = CliRunner()


def kebir(*args: str) -> tuple[int, str]:
    result = RUN.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("chart", sorted(CHARTS))
@pytest.mark.parametrize("template", TEMPLATES)
def test_init__every_template_and_chart_validates_and_is_canonical(tmp_path, template, chart):
    root = tmp_path / "books"
    code, out = kebir("init", str(root), "--template", template, "--chart", chart, "--name", "Deneme Ltd. Şti.")
    assert code == 0, out
    assert kebir("validate", "--books", str(root))[0] == 0
    assert kebir("fmt", "--check", "--books", str(root))[0] == 0
    assert (root / ".gitignore").read_text().count(".kebir/") == 1 \
        and "*.yaml text" in (root / ".gitattributes").read_text()
    assert "yaml.schemas" in (root / ".vscode/settings.json").read_text()
    log = subprocess.run(["git", "-C", str(root), "log", "--oneline"], capture_output=True, text=True).stdout
    assert log.count("\n") == 1 and "books for Deneme" in log
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True).stdout
    assert status == ""     # everything committed, the cache ignored


def test_init__refuses_existing_books_and_bad_options(tmp_path):
    root = tmp_path / "books"
    assert kebir("init", str(root))[0] == 0
    before = (root / "accounts.yaml").read_bytes()
    code, out = kebir("init", str(root), "--chart", "ifrs-small")
    assert code == 2 and "never overwrites" in out
    assert (root / "accounts.yaml").read_bytes() == before
    assert kebir("init", str(tmp_path / "x"), "--template", "bakery")[0] == 2
    assert kebir("init", str(tmp_path / "y"), "--currency", "lira")[0] == 2
    assert kebir("init", str(tmp_path / "z"), "--fiscal-year-start", "13-01")[0] == 2
    assert not (tmp_path / "x").exists()


def test_charts__groups_typed_leaves_under_them_roles_point_at_leaves():
    for chart, (rows, roles, vat_out, vat_in, reflection) in CHARTS.items():
        records = account_records(chart)
        codes = {r["code"] for r in records}
        assert len(codes) == len(records), chart
        parents = {r.get("parent") or (r["code"].rsplit(".", 1)[0] if "." in r["code"] else None) for r in records}
        for role, code in {**roles, **{f"vat_output:{k}": v for k, v in vat_out.items()},
                           **{f"vat_input:{k}": v for k, v in vat_in.items()}}.items():
            assert code in codes, (chart, role, code)
            assert code not in parents or role in ("period_result", "tax_expense", "net_result", "tax_provision"), \
                (chart, role, code)
        tops = [r for r in records if not r.get("parent") and "." not in r["code"]]
        assert all(r.get("type") for r in tops), chart


@pytest.fixture
def books_root(tmp_path) -> Path:
    root = write_books(tmp_path / "b", {"journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-05
          memo: Rent
          postings:
            - {account: "770.01", debit: "500.00"}
            - {account: "320.01", credit: "500.00", contact: SU-0001}
    """, "journals/imports/bank.csv": "entry_id,date,memo,account,debit,credit,currency,contact\n"
         "BK-1,2025-03-06,Fee,770.01,10.00,,TRY,\nBK-1,2025-03-06,Fee,102.01,,10.00,TRY,\n"})
    assert kebir("fmt", "--books", str(root))[0] == 0      # canonical first, so the edits can be held to it
    return root


def test_accounts_add__checked_then_written(books_root):
    assert kebir("accounts", "add", "770.02", "Elektrik", "--books", str(books_root))[0] == 0
    book, _ = load_ledger(books_root)
    assert book.accounts["770.02"].parent == "770" and book.accounts["770.02"].type == "expense"
    code, out = kebir("accounts", "add", "770.02", "Again", "--books", str(books_root))
    assert code == 2 and "exists already" in out
    assert kebir("accounts", "add", "999.01", "Orphan", "--books", str(books_root))[0] == 2
    code, out = kebir("accounts", "add", "770.01.01", "Under a posted leaf", "--books", str(books_root))
    assert code == 2 and "has postings" in out
    assert kebir("fmt", "--check", "--books", str(books_root))[0] == 0


def test_accounts_rename__rewrites_every_reference_and_validates(books_root):
    code, out = kebir("accounts", "rename", "770", "775", "--books", str(books_root), "--dry-run")
    assert code == 0 and "-  - {account: \"770.01\"" in out.replace("    -", "  -") or "770.01" in out
    assert "775" not in (books_root / "accounts.yaml").read_text()       # dry run wrote nothing
    assert kebir("accounts", "rename", "770", "775", "--books", str(books_root))[0] == 0
    text = "".join(p.read_text() for p in books_root.rglob("*") if p.is_file() and ".kebir" not in p.parts)
    assert "770" not in text and "775.01" in text
    book, problems = check(books_root)
    assert [p for p in problems if p.severity == "error"] == []
    assert {"775", "775.01"} <= set(book.accounts)
    assert book.ledger().filter(book.ledger()["account"] == "775.01").height == 2
    assert kebir("accounts", "rename", "320", "100", "--books", str(books_root))[0] == 2   # 100 exists
    assert kebir("fmt", "--check", "--books", str(books_root))[0] == 0


def test_accounts_rename__refused_where_a_closed_period_uses_the_account(tmp_path):
    root = tmp_path / "books"
    shutil.copytree(Path(__file__).resolve().parent.parent / "ledger-data", root,
                    ignore=shutil.ignore_patterns(".kebir"))
    assert kebir("close", "2025-01", "--books", str(root), "--on", "2025-02-03", "--by", "T <t@example.com>")[0] == 0
    code, out = kebir("accounts", "rename", "770.99", "770.90", "--books", str(root))
    assert code == 2 and "closed period 2025-01" in out


def test_contacts_add__next_id_checked_fields(books_root):
    code, out = kebir("contacts", "add", "Kalamış Yatçılık A.Ş.", "-F", "tax_id=4540536920", "-F",
                      "payment_terms=net30", "--books", str(books_root))
    assert code == 0 and out.splitlines()[0] == "CU-0002"
    book, problems = check(books_root)
    assert book.contacts["CU-0002"].get("tax_id") == "4540536920"
    assert kebir("contacts", "add", "X", "-F", "colour=blue", "--books", str(books_root))[0] == 2
    assert kebir("contacts", "add", "X", "--side", "crm", "--role", "supplier", "--books", str(books_root))[0] == 2
    code, _ = kebir("contacts", "add", "Bad Tax", "-F", "tax_id=12", "--books", str(books_root))
    assert code == 1 and "CU-0003" not in (books_root / "contacts/erp/customers.yaml").read_text()
