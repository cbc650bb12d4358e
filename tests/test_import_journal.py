"""kebir import journal: hand-written hledger, ledger and beancount journals using each supported
construct, round trips kebir -> hledger/beancount -> kebir, and the manifest."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import check, write_books

RECORD_COLS = ["entry_id", "date", "account", "currency", "amount", "base", "contact", "memo", "tags"]
ENTRY_COLS = ["id", "date", "memo", "payee", "source", "tags"]


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def journal(tmp_path: Path, text: str, name: str = "old.journal") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def records(book):
    p = (book.ledger().select(RECORD_COLS).with_columns(pl.col("entry_id").str.replace_all("/", "."))
         .with_row_index("i").sort("entry_id", "i").drop("i"))
    e = book.ledger_entries().select(ENTRY_COLS).with_columns(pl.col("id").str.replace_all("/", ".")).sort("id")
    return p, e


HLEDGER = """\
    ; a small restaurant's books in hledger
    decimal-mark .
    commodity 1,000.00 TRY
    commodity EUR 1000.00
    account assets:bank:garanti   ; type: C, name: Garanti TL
    account assets:bank:eur       ; type: C
    account expenses:rent
    account income:sales
    payee Migros

    P 2025-03-01 EUR 37.50 TRY

    2025-03-01 * (OPEN-1) Opening balance
        assets:bank:garanti     10,000.00 TRY
        equity:opening

    2025-03-02 ! Landlord | March rent  ; kira:, source:RENT-03
        expenses:rent           TRY 2500   ; VAT excluded
        assets:bank:garanti    -2,500.00 TRY = 7,500.00 TRY

    2025-03-03 Catering in EUR
        assets:bank:eur         100.00 EUR @@ 3750.00 TRY
        income:sales           -3750.00 TRY

    2025-03-04 Bought EUR
        assets:bank:eur          10.00 EUR @ 37.60 TRY
        assets:bank:garanti     -376.00 TRY
"""


def test_import_hledger__every_supported_construct_becomes_kebir_records(tmp_path):
    root = write_books(tmp_path / "b", {"accounts.yaml": "[]\n"}, base=True)
    src = journal(tmp_path, HLEDGER)
    r = run("import", "journal", str(src), "--from", "hledger", "--books", str(root))
    assert r.exit_code == 0, r.output
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    text = (root / "journals/2025/2025-03.old.yaml").read_text(encoding="utf-8")
    assert text == textwrap.dedent("""\
        - id: OPEN-1
          date: 2025-03-01
          memo: Opening balance
          tags: [opening]
          postings:
            - {account: "assets.bank.garanti", debit: "10000.00"}
            - {account: "equity.opening", credit: "10000.00"}
        - id: old-2025-03-0001
          date: 2025-03-02
          memo: Landlord | March rent
          source: RENT-03
          tags: [kira]
          postings:
            - {account: "expenses.rent", debit: "2500.00", memo: VAT excluded}
            - {account: "assets.bank.garanti", credit: "2500.00"}
        - id: old-2025-03-0002
          date: 2025-03-03
          memo: Catering in EUR
          postings:
            - {account: "assets.bank.eur", debit: "100.00", currency: EUR, base: "3750.00"}
            - {account: "income.sales", credit: "3750.00"}
        - id: old-2025-03-0003
          date: 2025-03-04
          memo: Bought EUR
          postings:
            - {account: "assets.bank.eur", debit: "10.00", currency: EUR, rate: "37.60", base: "376.00"}
            - {account: "assets.bank.garanti", credit: "376.00"}
        """)
    assert book.accounts["assets.bank.garanti"].name == "Garanti TL"
    assert book.accounts["assets.bank.garanti"].type == "cash"
    assert book.accounts["expenses.rent"].type == "expense"
    assert (root / "rates/old.csv").read_text() == "date,currency,rate\n2025-03-01,EUR,37.50\n"
    man = yaml.safe_load((root / "imports/old.manifest.yaml").read_text(encoding="utf-8"))
    assert man["counts"]["transactions_in"] == 4 and man["counts"]["entries_out"] == 4
    assert all(t["debit_in"] == t["debit_out"] and t["credit_in"] == t["credit_out"] for t in man["totals"])
    assert {"line": 9, "what": "payee declaration", "why": "carries no amounts"} in man["skipped"]


def test_import_hledger__twice_adds_nothing_and_dry_run_writes_nothing(tmp_path):
    root = write_books(tmp_path / "b", {"accounts.yaml": "[]\n"})
    src = journal(tmp_path, HLEDGER)
    dry = run("import", "journal", str(src), "--books", str(root), "--dry-run")
    assert dry.exit_code == 0 and "+++ b/journals/2025/2025-03.old.yaml" in dry.stdout
    assert not (root / "journals").exists() and not (root / "imports").exists()
    assert run("import", "journal", str(src), "--books", str(root)).exit_code == 0
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".kebir" not in p.parts}
    again = run("import", "journal", str(src), "--books", str(root))
    assert again.exit_code == 0 and "nothing new to import" in again.stderr
    assert before == {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".kebir" not in p.parts}


def test_import_ledger__tags_and_account_mapping_into_the_chart(tmp_path, books_dir):
    root = books_dir({})
    src = journal(tmp_path, """\
        2025-03-05 (X-1) Rent
            ; :rent:march:
            Expenses:Rent        1000.00 TRY
            Assets:Cash:Kadikoy
        """, "old.ledger")
    mp = tmp_path / "map.yaml"
    mp.write_text('accounts:\n  - {from: "Expenses:Rent", to: "770.01"}\n  - {match: "^Assets:Cash", to: "100.01"}\n')
    r = run("import", "journal", str(src), "--from", "ledger", "--map", str(mp), "--books", str(root))
    assert r.exit_code == 0, r.output
    e = check(root)[0].entry("X-1")
    assert [(p.account, str(p.amount)) for p in e.postings] == [("770.01", "1000.00"), ("100.01", "-1000.00")]
    assert e.tags == ("rent", "march")


def test_import_beancount__reads_metadata_payees_prices(tmp_path, books_dir):
    root = books_dir({})
    src = journal(tmp_path, """\
        option "operating_currency" "TRY"
        2025-01-01 open Assets:Bank:Is     TRY
          code: "102.01"
        2025-01-01 open Expenses:Rent
          code: "770.01"
        2025-01-01 open Assets:Bank:Eur
          code: "102.02"
        2025-03-01 price EUR 37.50 TRY
        2025-03-05 * "Boğaziçi Etkinlik Ltd. Şti." "March rent" #rent
          id: "B-1"
          Expenses:Rent     1000.00 TRY
            contact: "CU-0001"
          Assets:Bank:Is
        2025-03-06 * "EUR in"
          Assets:Bank:Eur    10.00 EUR @@ 375.00 TRY
          Assets:Bank:Is   -375.00 TRY
        2025-03-07 balance Assets:Bank:Is  -1375.00 TRY
        """, "old.beancount")
    r = run("import", "journal", str(src), "--from", "beancount", "--books", str(root))
    assert r.exit_code == 0, r.output
    book = check(root)[0]
    e = book.entry("B-1")
    assert e.payee == "CU-0001" and e.tags == ("rent",) and e.postings[0].contact == "CU-0001"
    assert book.rate_on("EUR", __import__("datetime").date(2025, 3, 2)) == "37.50"


def test_round_trip__small_books_through_hledger_and_beancount(tmp_path, books_dir):
    files = {"journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-04
          memo: Olive oil from Kalamata, paid in EUR
          payee: SU-0001
          tags: [import]
          postings:
            - {account: "153", debit: "1200.00", currency: EUR, rate: "37.1250"}
            - {account: "102.02", credit: "1200.00", currency: EUR, rate: "37.1250", memo: "wire: 12, fee"}
        - id: JE-2
          date: 2025-03-05
          memo: Rent
          source: SO-1
          postings:
            - {account: "770.01", debit: "1000.00", tags: [rent]}
            - {account: "100.01", credit: "1000.00", contact: CU-0001}
        """, "rates/2025.csv": "date,currency,rate\n2025-03-01,EUR,37.0000\n"}
    src_root = books_dir(files)
    src_book = check(src_root)[0]
    for fmt, cmd in (("hledger", ["export", "journal", "--to", "hledger"]), ("beancount", ["export", "beancount"])):
        out = tmp_path / f"x.{fmt}"
        assert run(*cmd, "--books", str(src_root), "-o", str(out)).exit_code == 0
        dst = books_dir({})
        r = run("import", "journal", str(out), "--from", fmt, "--books", str(dst))
        assert r.exit_code == 0, r.output
        dst_book, problems = check(dst)
        assert [p for p in problems if p.severity == "error"] == []
        a, b = records(src_book), records(dst_book)
        assert a[0].equals(b[0]) and a[1].equals(b[1]), fmt


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["hledger", "beancount"])
def test_round_trip__demo_company_gives_the_same_records_and_trial_balance(tmp_path, fmt, demo_book, demo_ro):
    from core.reports.trial_balance import build_trial_balance

    src_book = demo_book
    out = tmp_path / f"demo.{fmt}"
    cmd = ["export", "journal", "--to", "hledger"] if fmt == "hledger" else ["export", "beancount"]
    assert run(*cmd, "--books", str(demo_ro), "-o", str(out)).exit_code == 0
    dst = tmp_path / "fresh"
    dst.mkdir()
    shutil.copy(demo_ro / "books.toml", dst / "books.toml")
    shutil.copytree(demo_ro / "contacts", dst / "contacts")
    shutil.copytree(demo_ro / "assets", dst / "assets")   # the register is the books', not the journal's (E202)
    (dst / "accounts.yaml").write_text("[]\n")
    r = run("import", "journal", str(out), "--from", fmt, "--books", str(dst))
    assert r.exit_code == 0, r.output
    dst_book, problems = check(dst)
    # contacts/ came without stock/ and deals: only the imported files must be clean
    assert [p for p in problems if p.severity == "error" and p.path.startswith(("journals/", "rates/", "acc"))] == []
    a, b = records(src_book), records(dst_book)
    assert a[0].equals(b[0]) and a[1].equals(b[1])
    assert build_trial_balance(src_book).rows == build_trial_balance(dst_book).rows
    assert {c: (x.type, x.name) for c, x in src_book.accounts.items()} == \
        {c: (x.type, x.name) for c, x in dst_book.accounts.items()}
