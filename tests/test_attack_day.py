"""What an attack on the accountant's day (issue 20) found, each as the accountant met it: a close
that sealed records no commit held, comments lost on an append, half an entry in the journal, a
dry run kinder than the real run, outputs written where no file can go.

The books are a new restaurant's, made by `kebir init` (Turkish chart, lira) with git, and a
month typed with `kebir new`; every figure is worked out by hand in the test.
"""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cli.main import app
from core.crm.pipeline import build_customer
from core.reports import Column, Table
from core.reports.xlsx import table_xlsx
from tests.test_documents import ACCOUNTS, CONTACTS, ROLES, SUPPLIERS, erp_books

GIT_ID = {"GIT_AUTHOR_NAME": "Ayşe", "GIT_AUTHOR_EMAIL": "ayse@lokanta.test", "GIT_COMMITTER_NAME": "Ayşe",
          "GIT_COMMITTER_EMAIL": "ayse@lokanta.test"}


def kebir(*args: str):
    return CliRunner().invoke(app, list(args))


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def lokanta(tmp_path, monkeypatch):
    """New restaurant books with git and a first commit, the environment naming who commits."""
    monkeypatch.delenv("KEBIR_BOOKS", raising=False)
    for key, value in GIT_ID.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "lokanta"
    made = kebir("init", str(root), "--name", "Deniz Lokanta A.Ş.")
    assert made.exit_code == 0, made.output
    return root


def capital(root: Path) -> None:
    """The partners pay in 25,000.00 TRY of capital: Dr 102.01 bank, Cr 500.01 capital."""
    added = kebir("new", "entry", "--books", str(root), "--date", "2025-01-02", "--debit", "102.01", "--credit",
                  "500.01", "--amount", "25000.00", "--memo", "Sermaye")
    assert added.exit_code == 0, added.output


# -- F16: close --commit seals only what git holds ---------------------------------------------------------


def test_close_commit__refuses_while_the_month_s_records_are_not_committed(lokanta):
    capital(lokanta)                                  # journals/2025/2025-01.yaml is new, not committed
    refused = kebir("close", "2025-01", "--books", str(lokanta), "--on", "2025-02-03", "--commit")
    assert refused.exit_code == 2
    assert "journals/2025/2025-01.yaml" in refused.stderr and "--commit-all" in refused.stderr
    assert not (lokanta / "closes").exists()          # nothing written, nothing committed
    assert git(lokanta, "log", "--oneline").count("\n") == 1
    # the dry run says the same, so it is seen before the real run
    assert kebir("close", "2025-01", "--books", str(lokanta), "--on", "2025-02-03", "--commit",
                 "--dry-run").exit_code == 2


def test_close_commit_all__commits_the_month_with_the_close(lokanta):
    capital(lokanta)
    done = kebir("close", "2025-01", "--books", str(lokanta), "--on", "2025-02-03", "--commit", "--commit-all")
    assert done.exit_code == 0, done.output
    assert git(lokanta, "status", "--porcelain") == ""
    files = git(lokanta, "show", "--name-only", "--format=%s", "HEAD").split()
    assert files[:2] == ["close", "2025-01"] and "journals/2025/2025-01.yaml" in files
    assert "closes/2025-01.seal.csv" in files


def test_close_commit__after_a_commit_by_hand_goes_through(lokanta):
    capital(lokanta)
    git(lokanta, "add", "-A")
    git(lokanta, "commit", "-qm", "Ocak 2025")
    done = kebir("close", "2025-01", "--books", str(lokanta), "--on", "2025-02-03", "--commit")
    assert done.exit_code == 0, done.output
    assert git(lokanta, "status", "--porcelain") == ""


def test_close_commit__books_without_git_are_told_so_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv("KEBIR_BOOKS", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))      # no repository above either
    root = tmp_path / "defter"
    assert kebir("init", str(root), "--no-git").exit_code == 0
    capital(root)
    refused = kebir("close", "2025-01", "--books", str(root), "--on", "2025-02-03", "--commit")
    assert refused.exit_code == 2 and "git init" in refused.stderr
    assert not (root / "closes").exists()


def test_close_commit_all__alone_is_a_usage_error(lokanta):
    assert kebir("close", "2025-01", "--books", str(lokanta), "--commit-all").exit_code == 2


# -- F20: an append keeps what a person wrote ------------------------------------------------------------


def test_new_entry__keeps_the_comments_of_the_journal_byte_for_byte(lokanta):
    capital(lokanta)
    journal = lokanta / "journals/2025/2025-01.yaml"
    text = journal.read_text(encoding="utf-8")
    mine = ("# Ocak defteri: Ayşe yazdı, bankaya göre kontrol edildi\n\n"
            + text.replace("  memo: Sermaye\n", "  memo: Sermaye   # ortakların ödediği, sözleşme md. 4\n")
            + "# kira faturası bekleniyor\n")
    journal.write_text(mine, encoding="utf-8")
    # rent of 4,500.00: Dr 770.01, Cr 102.01
    added = kebir("new", "entry", "--books", str(lokanta), "--date", "2025-01-31", "--debit", "770.01", "--credit",
                  "102.01", "--amount", "4500", "--memo", "Ocak kirası")
    assert added.exit_code == 0, added.output
    after = journal.read_text(encoding="utf-8")
    assert after.startswith(mine)                      # every byte above the new record as it was
    assert after[len(mine):] == ("- id: JE-2025-01-0002\n  date: 2025-01-31\n  memo: Ocak kirası\n  postings:\n"
                                 '    - {account: "770.01", debit: "4500.00"}\n'
                                 '    - {account: "102.01", credit: "4500.00"}\n')
    assert kebir("validate", "--books", str(lokanta)).exit_code == 0


def test_contacts_add__keeps_the_comments_of_the_customer_file(lokanta):
    customers = lokanta / "contacts/erp/customers.yaml"
    mine = customers.read_text(encoding="utf-8").replace(
        "  payment_terms: net30\n", "  payment_terms: net30   # yalnız havale, çek almıyoruz\n") + "# son: Ayşe\n"
    assert "# yalnız havale" in mine
    customers.write_text(mine, encoding="utf-8")
    added = kebir("contacts", "add", "Kalamış Yatçılık A.Ş.", "--books", str(lokanta), "-F", "credit_limit=200000")
    assert added.exit_code == 0, added.output
    after = customers.read_text(encoding="utf-8")
    assert after.startswith(mine)
    assert 'name: Kalamış Yatçılık A.Ş.\n  credit_limit: "200000.00"\n' in after[len(mine):]


# -- F10: the journal shows an entry whole or not at all ---------------------------------------------------


def test_journal__an_entry_with_an_unreadable_posting_is_left_out_whole_and_named(lokanta):
    capital(lokanta)
    journal = lokanta / "journals/2025/2025-01.yaml"
    # rent of 300.00, its credit typed with a letter O for a zero: half of it cannot be read
    journal.write_text(journal.read_text(encoding="utf-8") + (
        "- id: JE-2025-01-0002\n  date: 2025-01-10\n  memo: Kira\n  postings:\n"
        '    - {account: "770.01", debit: "300.00"}\n    - {account: "102.01", credit: "3O0.00"}\n'),
        encoding="utf-8")
    for fmt in ("text", "csv"):
        shown = kebir("report", "journal", "--books", str(lokanta), "-p", "2025-01", "--format", fmt)
        assert shown.exit_code == 1                        # the books have an error
        assert "JE-2025-01-0002" not in shown.stdout       # not the 300.00 debit alone
        assert "JE-2025-01-0002 left out (journals/2025/2025-01.yaml:" in shown.stderr and "credit" in shown.stderr
    rows = kebir("report", "journal", "--books", str(lokanta), "-p", "2025-01", "--format", "csv").stdout
    # what is shown balances: the capital entry alone, 25,000.00 each side
    assert rows.splitlines()[-1].startswith(",1 entries,,,,25000.00,25000.00")


# -- F17: every writing command refuses a KEBIR_BOOKS that is not the books one stands in ------------------


@pytest.mark.parametrize("command", [("hooks", "install"), ("dedup", "scan", "-o", "plan.yaml")])
def test_writers__refuse_when_kebir_books_names_other_books_than_the_folder(lokanta, books_dir, monkeypatch,
                                                                            command, tmp_path):
    other = books_dir({})                          # the other company's books, named by an old export
    monkeypatch.setenv("KEBIR_BOOKS", str(other))
    monkeypatch.chdir(lokanta / "journals")        # standing in the restaurant's books
    refused = kebir(*command)
    assert refused.exit_code == 2 and "KEBIR_BOOKS" in refused.stderr and "--books" in refused.stderr
    assert not (lokanta / ".git/hooks/pre-commit").exists() and not (lokanta / "journals/plan.yaml").exists()
    # --books says which: then it goes through
    said = kebir(*command, "--books", str(lokanta))
    assert said.exit_code == 0, said.output
    assert f"kebir: defterler: {lokanta}" in said.stderr           # the books speak Turkish


# -- F5: a dry run runs the checks the real run runs --------------------------------------------------------


def test_new_dry_run__refuses_an_entry_into_a_closed_month_as_the_real_run_does(lokanta):
    capital(lokanta)
    closed = kebir("close", "2025-01", "--books", str(lokanta), "--on", "2025-02-03")
    assert closed.exit_code == 0, closed.output
    journal = (lokanta / "journals/2025/2025-01.yaml").read_text(encoding="utf-8")
    late = ("new", "entry", "--books", str(lokanta), "--date", "2025-01-20", "--debit", "770.01", "--credit",
            "102.01", "--amount", "300.00", "--memo", "Geç gelen kira faturası")
    dry = kebir(*late, "--dry-run")
    real = kebir(*late)
    assert dry.exit_code == real.exit_code == 1
    assert "JE-2025-01-0002 was added to closed period 2025-01" in dry.stdout
    assert "JE-2025-01-0002 was added to closed period 2025-01" in real.stdout
    assert (lokanta / "journals/2025/2025-01.yaml").read_text(encoding="utf-8") == journal
    # dated in February, an open month, both go through and the dry run shows the diff
    february = kebir("new", "entry", "--books", str(lokanta), "--date", "2025-02-03", "--debit", "770.01", "--credit",
                     "102.01", "--amount", "300.00", "--dry-run")
    assert february.exit_code == 0 and "+- id: JE-2025-02-0001" in february.stdout


# -- F13, F2, F1: where -o can write --------------------------------------------------------------------------

RENT = """\
- id: JE-2025-01-0001
  date: 2025-01-31
  memo: Kira
  postings:
    - {account: "770.01", debit: "45000.00"}
    - {account: "102.01", credit: "45000.00"}
"""


def test_output__a_directory_is_a_usage_error_before_anything_is_read(books_dir, tmp_path):
    root = books_dir({"journals/2025/2025-01.yaml": RENT})
    exports = tmp_path / "exports"
    exports.mkdir()
    for target in (str(exports), f"{exports}/", str(tmp_path / "new-folder") + "/"):
        run = kebir("report", "trial-balance", "--books", str(root), "-p", "2025-01", "-o", target)
        assert run.exit_code == 2 and "is a directory" in run.stderr, (target, run.output)
    assert list(exports.iterdir()) == [] and not (tmp_path / "new-folder").exists()


def test_output__dash_is_stdout(books_dir, tmp_path, monkeypatch):
    root = books_dir({"journals/2025/2025-01.yaml": RENT})
    monkeypatch.chdir(tmp_path)
    run = kebir("report", "trial-balance", "--books", str(root), "-p", "2025-01", "-o", "-", "--format", "csv")
    assert run.exit_code == 0
    # 770.01 debit 45,000.00; 102.01 credit 45,000.00
    assert "770.01" in run.stdout and "45000.00" in run.stdout and not (tmp_path / "-").exists()


def test_output__an_extension_kebir_does_not_write_needs_format(books_dir, tmp_path):
    root = books_dir({"journals/2025/2025-01.yaml": RENT})
    pdf = tmp_path / "mizan.pdf"
    run = kebir("report", "trial-balance", "--books", str(root), "-p", "2025-01", "-o", str(pdf))
    assert run.exit_code == 2 and ".html" in run.stderr and not pdf.exists()
    dat = tmp_path / "mizan.dat"
    said = kebir("report", "trial-balance", "--books", str(root), "-p", "2025-01", "-o", str(dat), "--format", "csv")
    assert said.exit_code == 0 and dat.read_text(encoding="utf-8").startswith("account,name,debit,credit,balance")
    plain = tmp_path / "mizan"                          # no extension: --format, else text
    assert kebir("report", "trial-balance", "--books", str(root), "-p", "2025-01", "-o", str(plain)).exit_code == 0
    assert plain.read_text(encoding="utf-8").startswith("## ")


# -- F8: an advance applied in full is not open ---------------------------------------------------------------

DEPOSITS = """
- id: ADV-0001
  kind: advance
  date: 2025-03-01
  party: CU-0050
  amount: "5000.00"
  memo: Düğün kaporası
- id: ADV-0002
  kind: advance
  date: 2025-03-02
  party: CU-0050
  amount: "3000.00"
  memo: Nişan kaporası
- id: INV-0002
  kind: invoice
  date: 2025-03-10
  party: CU-0050
  applies:
    - {advance: ADV-0001, amount: "5000.00"}
    - {advance: ADV-0002, amount: "1000.00"}
  lines:
    - {account: "600.01", description: Düğün yemeği, quantity: "100", price: "100.00", vat_rate: "10"}
"""


def test_customer_csv__an_advance_applied_in_full_is_applied_not_open(books):
    book, problems = erp_books(books, DEPOSITS)
    assert problems == []
    state = {r[2]: r[5] for r in build_customer(book, "CU-0050", date(2025, 3, 31)).rows if r[0] == "document"}
    # ADV-0001: 5,000.00 all applied on INV-0002; ADV-0002: 1,000.00 of 3,000.00 applied, 2,000.00 still held
    assert state["ADV-0001"] == "applied"
    assert state["ADV-0002"] == "applied 1000.00, held 2000.00"
    # before the invoice, both are held (in advances received, on no invoice yet)
    before = build_customer(book, "CU-0050", date(2025, 3, 5)).rows
    assert {r[2]: r[5] for r in before if r[0] == "document"} == {"ADV-0001": "held", "ADV-0002": "held"}


# -- F14: the customer page on a narrow terminal keeps ids and amounts whole ----------------------------------


@pytest.mark.parametrize("columns", ["80", "60", "40", "34"])
def test_customer_page__a_narrow_terminal_never_cuts_an_id_or_an_amount(books_dir, monkeypatch, columns):
    # INV-0002: 100 x 100.00 + 10% VAT = 11,000.00; 5,000.00 of ADV-0001 and 1,000.00 of ADV-0002 applied:
    # 5,000.00 open, due 2025-03-10 + 30 days = 2025-04-09, 21 days late on 2025-04-30
    root = books_dir({"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CONTACTS,
                      "contacts/erp/suppliers.yaml": SUPPLIERS, "orders/2025/2025-03.yaml": DEPOSITS}, base=False)
    monkeypatch.setenv("COLUMNS", columns)
    shown = kebir("report", "customer", "CU-0050", "--books", str(root), "--on", "2025-04-30")
    assert shown.exit_code == 0, shown.output
    items = shown.stdout[shown.stdout.index("INV-0002") - 200:]
    assert "INV-0002" in items and "5,000.00" in items
    assert "…" not in "".join(ln for ln in shown.stdout.splitlines() if "INV-0002" in ln or "5,000.00" in ln)
    assert max(len(ln) for ln in shown.stdout.splitlines()) <= int(columns)


# -- F19: an amount in a workbook says its currency, and stays a number ---------------------------------------


def test_xlsx__money_carries_its_currency_in_the_number_format():
    # a lira journal with one euro posting: 1,000.00 EUR at 35.50 = 35,500.00 TRY
    table = Table("journal", "Journal", (Column("entry", "Entry"), Column("debit", "Debit", "money"),
                                         Column("currency", "Currency"), Column("amount", "Amount", "money"),
                                         Column("quantity", "Quantity", "qty")),
                  (("JE-1", Decimal("35500.00"), "EUR", Decimal("1000.00"), Decimal("2.500")),
                   ("JE-2", Decimal("1234.56"), "TRY", Decimal("1234.56"), Decimal("1"))),
                  meta={"currency": "TRY"})
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table))).active
    first, second = (list(sheet.iter_rows(min_row=r, max_row=r))[0] for r in (3, 4))
    assert (first[1].value, first[1].number_format) == (35500, '#,##0.00 "TRY"')     # debit: the base
    assert (first[3].value, first[3].number_format) == (1000, '#,##0.00 "EUR"')      # amount: the row's own
    assert (second[3].value, second[3].number_format) == (1234.56, '#,##0.00 "TRY"')
    assert first[4].number_format == "#,##0.000"                                     # a quantity: no currency
