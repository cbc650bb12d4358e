"""The accountant's day (issue 20): which books a command acts on, a close dry run one can read,
writers that write what `kebir fmt --check` accepts, a new company's first hour (`kebir init`,
`kebir new`), and progress told through a callback.

The books are a small services company typed here: EUR books on the IFRS chart, rent and a
consulting invoice, with every figure worked out by hand in the test.
"""

from __future__ import annotations

import json
import os
import re
import sys

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.model import progress


def kebir(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def eur_books(tmp_path, monkeypatch):
    """New IFRS books in euro, made by `kebir init` (no git: these tests look at files)."""
    monkeypatch.delenv("KEBIR_BOOKS", raising=False)
    root = tmp_path / "beratung"
    run = kebir("init", str(root), "--name", "Beratung Schmidt GmbH", "--template", "services", "--chart",
                "ifrs-small", "--currency", "EUR", "--no-git")
    assert run.exit_code == 0, run.output
    return root


# -- item 9: a new company's first hour ----------------------------------------------------------------


def test_init__folders_parties_of_the_country_and_editor_settings_that_survive_a_move(eur_books, tmp_path):
    root = eur_books
    assert (root / "journals").is_dir() and (root / "rates").is_dir()
    customers = (root / "contacts/erp/customers.yaml").read_text(encoding="utf-8")
    suppliers = (root / "contacts/erp/suppliers.yaml").read_text(encoding="utf-8")
    assert "GmbH" in customers and "country: DE" in customers and "country: DE" in suppliers
    assert not re.search(r"[ğışİŞĞ]|A\.Ş\.|Ltd\. Şti\.", customers + suppliers)     # nothing Turkish
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    for path in settings["yaml.schemas"]:
        assert not os.path.isabs(path) and path.startswith("./")
        assert (root / path).is_file()                          # a copy inside the books
    # moved elsewhere, the settings still point at files that exist
    moved = tmp_path / "elsewhere" / "books"
    moved.parent.mkdir()
    root.rename(moved)
    assert all((moved / p).is_file() for p in settings["yaml.schemas"])
    assert kebir("validate", "--books", str(moved)).exit_code == 0


def test_init__turkish_books_keep_turkish_parties(tmp_path):
    run = kebir("init", str(tmp_path / "lokanta"), "--no-git")
    assert run.exit_code == 0
    assert "Örnek Müşteri A.Ş." in (tmp_path / "lokanta/contacts/erp/customers.yaml").read_text(encoding="utf-8")


@pytest.mark.slow      # five writing commands, each checking the whole books, and a report: about 3 s on a shared core
def test_new__entries_invoice_receipt_payment_with_the_next_ids(eur_books):
    b = str(eur_books)
    out = []
    for args in (("entry", "--date", "2025-01-02", "--debit", "1020", "--credit", "3010", "--amount", "25000",
                  "--memo", "Share capital paid in"),
                 ("entry", "--date", "2025-01-31", "--debit", "6030", "--credit", "1020", "--amount", "1500.5",
                  "--memo", "Rent January"),
                 ("invoice", "--date", "2025-01-15", "--party", "CU-0001", "--description", "Consulting, January",
                  "--amount", "8000", "--vat-rate", "20"),
                 ("receipt", "--date", "2025-01-28", "--party", "CU-0001", "--amount", "5000.00", "--invoice",
                  "INV-2025-0001"),
                 ("payment", "--date", "2025-01-29", "--party", "SU-0001", "--amount", "99.90")):
        run = kebir("new", *args, "--books", b)
        assert run.exit_code == 0, run.output
        out.append(run.stdout.strip())
    assert out == ["JE-2025-01-0001", "JE-2025-01-0002", "INV-2025-0001", "PAY-2025-0001", "SP-2025-0001"]
    journal = (eur_books / "journals/2025/2025-01.yaml").read_text(encoding="utf-8")
    assert '- {account: "6030", debit: "1500.50"}' in journal          # padded to the euro's cents
    # 8,000.00 + 20% VAT = 9,600.00 invoiced, 5,000.00 received: 4,600.00 open
    aging = json.loads(kebir("report", "aging", "ar", "--on", "2025-01-31", "--books", b, "-f", "json").stdout)
    assert aging["rows"][0]["total"] == "4600.00"
    assert kebir("fmt", "--check", "--books", b).exit_code == 0


def test_new__refuses_what_would_make_the_books_invalid_and_dry_run_writes_nothing(eur_books):
    b = str(eur_books)
    run = kebir("new", "entry", "--date", "2025-01-02", "--debit", "1020", "--credit", "9999", "--amount", "10",
                "--books", b)
    assert run.exit_code == 2 and "9999 is not in the chart" in run.output
    # 1000 is a group account (postings to a group are E034): checked against the books, not written
    run = kebir("new", "entry", "--date", "2025-01-02", "--debit", "1000", "--credit", "3010", "--amount", "10",
                "--books", b)
    assert run.exit_code == 1 and "E034" in run.output
    assert not (eur_books / "journals/2025/2025-01.yaml").exists()
    run = kebir("new", "entry", "--date", "2025-01-02", "--debit", "1020", "--credit", "3010", "--amount", "10",
                "--books", b, "--dry-run")
    assert run.exit_code == 0 and '+    - {account: "1020", debit: "10.00"}' in run.stdout
    assert not (eur_books / "journals/2025/2025-01.yaml").exists()


def test_new__edit_opens_the_editor_on_a_filled_template(eur_books, tmp_path):
    editor = tmp_path / "editor.py"       # a person who fills in the credit account and the amount
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text().replace('FILL-IN', '1020').replace('\"0.00\"', '\"42.00\"'))\n")
    run = kebir("new", "entry", "--date", "2025-01-31", "--debit", "7010", "--memo", "Bank charges", "--edit",
                "--books", str(eur_books), env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})
    assert run.exit_code == 0, run.output
    journal = (eur_books / "journals/2025/2025-01.yaml").read_text(encoding="utf-8")
    assert '{account: "7010", debit: "42.00"}' in journal and '{account: "1020", credit: "42.00"}' in journal


# -- item 2: which books ------------------------------------------------------------------------------------


@pytest.mark.slow      # an init and five commands: about 2.5 s on a shared core
def test_books__found_upwards_said_on_stderr_and_a_disagreement_refused(eur_books, tmp_path, monkeypatch):
    other = tmp_path / "other"
    assert kebir("init", str(other), "--name", "Andere AG", "--template", "empty", "--chart", "ifrs-small",
                 "--currency", "EUR", "--no-git").exit_code == 0
    (eur_books / "journals/2025").mkdir(parents=True)
    monkeypatch.chdir(eur_books / "journals/2025")             # deep inside the books, as git allows
    run = kebir("accounts", "list", "-f", "csv")
    assert run.exit_code == 0 and run.stdout.startswith("code,name")
    run = kebir("accounts", "add", "6031", "Office rent", "--parent", "6000", "--dry-run")
    assert run.exit_code == 0
    assert run.stderr.splitlines()[0] == f"kebir: books {eur_books} (Beratung Schmidt GmbH)"
    # KEBIR_BOOKS names another company: a writing command refuses, and writes nothing
    run = kebir("accounts", "add", "6031", "Office rent", "--parent", "6000", env={"KEBIR_BOOKS": str(other)})
    assert run.exit_code == 2 and "KEBIR_BOOKS" in run.stderr and str(eur_books) in run.stderr
    assert "6031" not in (eur_books / "accounts.yaml").read_text() + (other / "accounts.yaml").read_text()
    # --books says which
    run = kebir("accounts", "add", "6031", "Office rent", "--parent", "6000", "--books", str(other),
                env={"KEBIR_BOOKS": str(other)})
    assert run.exit_code == 0 and "(Andere AG)" in run.stderr
    assert "6031" in (other / "accounts.yaml").read_text()
    # outside any books, nothing is found
    monkeypatch.chdir(tmp_path)
    assert kebir("accounts", "list").exit_code == 2


# -- item 7: close --dry-run ------------------------------------------------------------------------------------


@pytest.mark.slow      # three writes and two close runs: about 2 s on a shared core
def test_close__dry_run_shows_the_checklist_entries_and_one_line_of_files(eur_books):
    b = str(eur_books)
    for args in (("entry", "--date", "2025-01-02", "--debit", "1020", "--credit", "3010", "--amount", "25000"),
                 ("entry", "--date", "2025-01-31", "--debit", "6030", "--credit", "1020", "--amount", "1500.00"),
                 ("invoice", "--date", "2025-01-15", "--party", "CU-0001", "--description", "Consulting",
                  "--amount", "8000", "--vat-rate", "20")):
        assert kebir("new", *args, "--books", b).exit_code == 0
    run = kebir("close", "2025-01", "--on", "2025-02-03", "--by", "test", "--dry-run", "--books", b)
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert any("[pass]" in ln for ln in lines)                    # the checklist
    summary = lines[-1]
    assert summary.startswith("would write 3 file(s): ")
    for name in ("closes/2025-01.seal.csv (new, +", "closes/2025-01.yaml (new, +",
                 "journals/2025/2025-01.close.yaml (new, +"):
        assert name in summary
    assert "--- a/" not in run.stdout and "+++ b/" not in run.stdout        # no diff
    assert not (eur_books / "closes").exists()
    full = kebir("close", "2025-01", "--on", "2025-02-03", "--by", "test", "--dry-run", "--diff", "--books", b)
    assert "+++ b/closes/2025-01.seal.csv" in full.stdout
    # the summary's counts are the diff's: each file is new, so +N is its line count
    seal_lines = sum(1 for ln in full.stdout.split("+++ b/closes/2025-01.seal.csv\n", 1)[1]
                     .split("--- a/", 1)[0].splitlines() if ln.startswith("+"))
    assert f"closes/2025-01.seal.csv (new, +{seal_lines} -0)" in summary


# -- item 8: every writer writes canonical form ---------------------------------------------------------------


@pytest.mark.slow      # twelve writing commands, each followed by `fmt --check`: about 10 s on a shared core
def test_writers__every_write_passes_fmt_check(eur_books, tmp_path):
    b = str(eur_books)
    sample = tmp_path / "sample.journal"      # hledger's examples/sample.journal, shortened, in euro
    sample.write_text("2008/01/01 income\n    assets:bank:checking  1.00 EUR\n    income:salary\n\n"
                      "2008/06/03 * eat & shop\n    expenses:food      1.00 EUR\n    expenses:supplies  1.00 EUR\n"
                      "    assets:cash\n")
    steps = [
        ("contacts", "add", "Hamburg Hafen GmbH", "-F", "credit_limit=200000", "-F", "payment_terms=net30"),
        ("contacts", "add", "Jana Weber", "--side", "erp", "--role", "employee", "-F", "gross_salary=4200"),
        ("contacts", "add", "Jan Krüger", "--side", "crm", "--role", "person", "-F", "email=jan@example.de"),
        ("accounts", "add", "6031", "Office rent", "--parent", "6000"),
        ("accounts", "rename", "6031", "6032"),
        ("new", "entry", "--date", "2025-01-31", "--debit", "6032", "--credit", "1020", "--amount", "700"),
        ("new", "invoice", "--date", "2025-01-15", "--party", "CU-0002", "--description", "Audit", "--amount",
         "1200", "--vat-rate", "20"),
        ("new", "receipt", "--date", "2025-01-20", "--party", "CU-0002", "--amount", "1440"),
        ("close", "2025-01", "--on", "2025-02-03", "--by", "test"),
        ("reopen", "2025-01", "--reason", "late bank charges", "--on", "2025-02-04", "--by", "test"),
        ("import", "journal", str(sample)),
        ("contacts", "forget", "EM-0001", "--reason", "left, erasure request", "--on", "2025-02-05"),
    ]
    for step in steps:
        run = kebir(*step, "--books", b)
        assert run.exit_code == 0, (step, run.output)
        check = kebir("fmt", "--check", "--books", b)
        assert check.exit_code == 0, (step, check.stdout)


def test_fmt_check__says_why_each_file_would_change(eur_books):
    path = eur_books / "contacts/erp/customers.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('credit_limit: "100000.00"', "credit_limit: 100000"),
                    encoding="utf-8")
    n = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "credit_limit" in ln)
    run = kebir("fmt", "--check", "--books", str(eur_books))
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [f"{path}:{n}: would change", "      credit_limit: 100000",
                                       ' ->   credit_limit: "100000.00"']


# -- item 10: progress ------------------------------------------------------------------------------------------


def test_progress__the_core_reports_counts_through_a_callback(eur_books):
    from core.erp.load import load_ledger

    (eur_books / "journals/2025").mkdir(parents=True)
    for m in range(1, 4):
        (eur_books / f"journals/2025/2025-{m:02d}.yaml").write_text(
            f'- id: JE-2025-{m:02d}-0001\n  date: 2025-{m:02d}-01\n  postings:\n'
            '    - {account: "6030", debit: "1000.00"}\n    - {account: "1020", credit: "1000.00"}\n')
    heard: list[tuple[str, int, int]] = []
    with progress.reporting(lambda what, done, total: heard.append((what, done, total))):
        load_ledger(eur_books, use_cache=False)
    books = [(d, t) for w, d, t in heard if w == "Reading the books"]
    assert books[-1] == (3, 3)                                 # three journal files, counted one by one
    assert [d for d, _ in books] == sorted(d for d, _ in books)
    progress.report("nobody listens", 1, 1)                    # outside the block: heard by no one
    assert heard[-1][0] != "nobody listens"


def test_progress__dedup_scan_reports_its_stages(eur_books):
    from core.crm.dedup.scan import scan_books

    heard: list[tuple[str, int, int]] = []
    with progress.reporting(lambda *a: heard.append(a)):
        scan_books(eur_books)
    assert [(d, t) for w, d, t in heard if w == "Scanning for duplicates"] == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_progress__nothing_on_stderr_when_piped(eur_books):
    run = kebir("report", "trial-balance", "--books", str(eur_books), "-f", "csv")
    assert run.exit_code == 0 and run.stderr == ""


def test_new__an_amount_with_a_comma_is_refused_never_multiplied(books):
    """`kebir new ... --amount 12,50` wrote 1250.00 (the comma dropped): a Turkish accountant's
    twelve and a half became one thousand two hundred and fifty. Only digits and a point pass."""
    from core.books.newrecord import EditError, _money

    book, _ = books({})
    assert _money(book, "12.50", "TRY", "--amount") == "12.50"
    assert _money(book, "1500", "TRY", "--amount") == "1500.00"
    for typed in ("12,50", "12,5", "1,2,3", "1.234,56", "1e3", "١٢", "0x10", "1_000", ""):
        with pytest.raises(EditError):
            _money(book, typed, "TRY", "--amount")
