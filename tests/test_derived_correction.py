"""A fix in the derivation after a month is closed: the closed month reads as it was sealed, validate
says what changed (W018), the close of the next month posts the difference as a correction entry,
and then validate is quiet. A hand edit to a sealed record stays E070 (core/close/correction.py).

Boğaziçi Etkinlik (CU-0050), by hand:
  INV-0001 10 Jan  catering 10,000.00 + 20% VAT = 12,000.00   January closed on 3 February
  INV-0002  5 Feb  catering  5,000.00 + 20% VAT =  6,000.00
The fix: catering invoices of CU-0050 belong on 600.02 (catering sales), not 600.01. January's
sealed entry credited 600.01 with 10,000.00; today it derives 600.02. The correction in February's
close: 600.01 debit 10,000.00, 600.02 credit 10,000.00. At the end of February 600.01 is 0.00 and
600.02 holds 15,000.00 of credit (10,000.00 corrected + 5,000.00 of February); January alone still
shows 10,000.00 on 600.01, as filed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from core.close import run, validate
from core.erp import post
from core.erp.load import load_ledger
from tests.conftest import write_books
from tests.test_documents import ACCOUNTS, CONTACTS, ROLES

WHO = "Zeynep Kaya <z@lokanta.example>"
JANUARY = """
- id: INV-0001
  kind: invoice
  date: 2025-01-10
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "20"}]
"""
FEBRUARY = """
- id: INV-0002
  kind: invoice
  date: 2025-02-05
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "5000.00", vat_rate: "20"}]
"""


def make(tmp_path):
    catering = '- {code: "600.02", name: "Catering satışları", type: income}\n'
    return write_books(tmp_path / "books", {
        "books.toml": ROLES, "accounts.yaml": ACCOUNTS + catering,
        "contacts/erp/customers.yaml": CONTACTS,
        "orders/2025/2025-01.yaml": JANUARY, "orders/2025/2025-02.yaml": FEBRUARY}, base=False)


def catering_fix(monkeypatch):
    """The derivation after the fix: CU-0050's invoice revenue on 600.02."""
    original = post.derive

    def derive(book, fast=True):
        book, problems = original(book, fast)
        d = book.derived_postings.with_columns(account=pl.when(
            (pl.col("account") == "600.01") & pl.col("source").str.starts_with("INV-"))
            .then(pl.lit("600.02")).otherwise(pl.col("account")))
        return replace(book, derived_postings=d), problems

    monkeypatch.setattr(post, "derive", derive)


def problems_of(root):
    book, loaded = load_ledger(root, use_cache=False)
    return book, loaded + validate.run_all(book)


def balance(book, account, begin, end):
    led = book.ledger().filter((pl.col("account") == account) & pl.col("date").is_between(begin, end))
    return led["base"].sum()


def test_a_fix_in_the_derivation_is_corrected_in_the_next_close(tmp_path, monkeypatch):
    root = make(tmp_path)
    assert run.run_close(root, "2025-01", date(2025, 2, 3), WHO).status == "closed"
    assert "derived-postings,3" in (root / "closes/2025-01.seal.csv").read_text()
    catering_fix(monkeypatch)
    book, problems = problems_of(root)
    # the closed month reads as sealed: 10,000.00 of credit on 600.01, none on 600.02
    assert balance(book, "600.01", date(2025, 1, 1), date(2025, 1, 31)) == -1_000_000
    assert balance(book, "600.02", date(2025, 1, 1), date(2025, 1, 31)) == 0
    assert [(p.code, p.path, p.line, p.record) for p in problems] == [("W018", "closes/2025-01.yaml", 1, "2025-01")]
    w = problems[0]
    assert "INV-0001" in w.message and w.severity == "warning"
    assert w.found == "derived today, by account: 600.01 +10000.00, 600.02 -10000.00"
    assert w.hint == "the close of 2025-02 will post a correction entry"

    done = run.run_close(root, "2025-02", date(2025, 3, 3), WHO)
    assert done.status == "closed", [p.message for p in done.problems + list(done.plan.problems)]
    first = done.plan.entries[0]
    assert first.id == "JE-2025-02-C001" and "corrects:2025-01" in first.tags
    assert "2025-01" in first.memo and "INV-0001" in first.memo
    assert [(leg.account, leg.base) for leg in first.legs] == [("600.01", 1_000_000), ("600.02", -1_000_000)]
    text = (root / "journals/2025/2025-02.close.yaml").read_text()
    assert "corrects:2025-01" in text and '"10000.00"' in text

    book, problems = problems_of(root)
    assert problems == []
    assert balance(book, "600.01", date(2025, 1, 1), date(2025, 2, 28)) == 0
    assert balance(book, "600.02", date(2025, 1, 1), date(2025, 2, 28)) == -1_500_000
    assert balance(book, "600.01", date(2025, 1, 1), date(2025, 1, 31)) == -1_000_000


def test_a_hand_edit_to_a_sealed_invoice_stays_e070(tmp_path):
    root = make(tmp_path)
    assert run.run_close(root, "2025-01", date(2025, 2, 3), WHO).status == "closed"
    path = root / "orders/2025/2025-01.yaml"
    path.write_text(path.read_text().replace('"10000.00"', '"11000.00"'))
    _, problems = problems_of(root)
    assert [(p.code, p.record, p.message) for p in problems] == [
        ("E070", "INV-0001", "document INV-0001 changed in closed period 2025-01")]


def test_without_a_change_the_closed_month_is_quiet(tmp_path):
    root = make(tmp_path)
    assert run.run_close(root, "2025-01", date(2025, 2, 3), WHO).status == "closed"
    book, problems = problems_of(root)
    assert problems == [] and book.derived_fresh is None
