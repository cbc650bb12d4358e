"""A closed month's correction when the VAT it moves was already offset by that month's close.

Marmara Catering, by hand (20% VAT; output VAT 391.03 until the chart changes; payable 360.03):
  January   INV-0001  10,000.00 + 2,000.00 VAT    closed 3 February: VAT offset 391.03 2,000.00 -> 360.03
  February  INV-0002   1,000.00 +   200.00 VAT
After January's close the books move 20% output VAT to a new account, 391.09. January's sealed
derivation credited 391.03; today it credits 391.09 (W018). The correction in February's close moves
the 2,000.00 from 391.03 to 391.09; the sealed offset had already moved January's 2,000.00 from 391.03
to 360.03, so the offset is corrected with it (391.09 to 391.03, nothing to 360.03). February's own
offset is then 391.09's 200.00, as February's return says, and at the end of February:
  360.03 = 2,000.00 + 200.00 = 2,200.00 credit     391.03 = 0.00     391.09 = 0.00
Without the offset's correction 360.03 would hold 4,200.00: January's VAT declared twice.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from core.close import run, validate
from core.close.correction import name_some
from core.erp.load import load_ledger
from tests.conftest import write_books
from tests.test_documents import CONTACTS, ROLES

WHO = "Zeynep Kaya <z@lokanta.example>"
ACCOUNTS = """\
- {code: "102.01", name: Banka, type: asset}
- {code: "120.01", name: Alıcılar, type: asset}
- {code: "191.03", name: İndirilecek KDV %20, type: asset}
- {code: "360.03", name: Ödenecek KDV, type: liability}
- {code: "391.02", name: Hesaplanan KDV %10, type: liability}
- {code: "391.03", name: Hesaplanan KDV %20, type: liability}
- {code: "391.09", name: Hesaplanan KDV %20 (yeni), type: liability}
- {code: "600.01", name: Yurt içi satışlar, type: income}
- {code: "659.99", name: Yuvarlama, type: expense}
"""
TOML = ROLES.replace('[accounts.vat_output]', 'vat_payable = "360.03"\n\n[accounts.vat_output]')
JANUARY = """\
- id: INV-0001
  kind: invoice
  date: 2025-01-10
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "20"}]
"""
FEBRUARY = """\
- id: INV-0002
  kind: invoice
  date: 2025-02-05
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "1000.00", vat_rate: "20"}]
"""


def make(tmp_path):
    return write_books(tmp_path / "books", {
        "books.toml": TOML, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CONTACTS,
        "orders/2025/2025-01.yaml": JANUARY, "orders/2025/2025-02.yaml": FEBRUARY}, base=False)


def problems_of(root):
    book, loaded = load_ledger(root, use_cache=False)
    return book, loaded + validate.run_all(book)


def balance(book, account, end):
    return book.ledger().filter((pl.col("account") == account) & (pl.col("date") <= end))["base"].sum()


def test_a_new_output_vat_account_after_the_close_declares_january_once(tmp_path):
    root = make(tmp_path)
    assert run.run_close(root, "2025-01", date(2025, 2, 3), WHO).status == "closed"
    toml = root / "books.toml"
    toml.write_text(toml.read_text().replace('"20" = "391.03"', '"20" = "391.09"'))
    _, problems = problems_of(root)
    assert [p.code for p in problems] == ["W018"]
    assert problems[0].found == "derived today, by account: 391.03 +2000.00, 391.09 -2000.00"

    done = run.run_close(root, "2025-02", date(2025, 3, 3), WHO)
    assert done.status == "closed", [p.message for p in done.problems + list(done.plan.problems)]
    by_id = {e.id: e for e in done.plan.entries}
    correction, offset_fix = by_id["JE-2025-02-C001"], by_id["JE-2025-02-C002"]
    assert [(leg.account, leg.base) for leg in correction.legs] == [("391.03", 200_000), ("391.09", -200_000)]
    assert "corrects-offset:2025-01" in offset_fix.tags and "corrects:2025-01" not in offset_fix.tags
    assert [(leg.account, leg.base) for leg in offset_fix.legs] == [("391.03", -200_000), ("391.09", 200_000)]
    february_offset = next(e for e in done.plan.entries if "vat-offset" in e.tags and "correction" not in e.tags)
    assert sorted((leg.account, leg.base) for leg in february_offset.legs) == [("360.03", -20_000), ("391.09", 20_000)]

    book, problems = problems_of(root)
    assert problems == []
    end = date(2025, 2, 28)
    assert (balance(book, "360.03", end), balance(book, "391.03", end), balance(book, "391.09", end)) == \
        (-220_000, 0, 0)


def test_a_rate_fixed_after_the_close_moves_the_payable_by_the_difference(tmp_path, monkeypatch):
    """January's invoice was catering at 10%, sealed at 20% by a wrong rate rule: the fix derives
    1,000.00 of VAT on 391.02 where 2,000.00 was on 391.03. The correction: 120.01 credit 1,000.00,
    391.02 credit 1,000.00, 391.03 debit 2,000.00; its offset: 391.02 debit 1,000.00, 391.03 credit
    2,000.00, 360.03 debit 1,000.00. 360.03 at the end of February: 2,000.00 - 1,000.00 + 200.00 =
    1,200.00 credit; 120.01: 11,000.00 + 1,200.00 = 12,200.00."""
    from dataclasses import replace

    from core.erp import post

    root = make(tmp_path)
    assert run.run_close(root, "2025-01", date(2025, 2, 3), WHO).status == "closed"
    original = post.derive

    def derive(book, fast=True):                     # the fix: INV-0001's VAT at 10%
        book, problems = original(book, fast)
        d = book.derived_postings
        inv = pl.col("source") == "INV-0001"
        d = d.with_columns(
            account=pl.when(inv & (pl.col("account") == "391.03")).then(pl.lit("391.02")).otherwise(pl.col("account")),
            base=pl.when(inv & (pl.col("account").is_in(["391.03", "120.01"])))
            .then(pl.col("base") + pl.when(pl.col("account") == "391.03").then(100_000).otherwise(-100_000))
            .otherwise(pl.col("base")))
        d = d.with_columns(amount=pl.col("base"))
        # the fixed derivation opens INV-0001's item at 11,000.00 in the subledger too
        a = book.allocations.with_columns(
            base=pl.when((pl.col("doc") == "INV-0001") & (pl.col("kind") == "open"))
            .then(pl.col("base") - 100_000).otherwise(pl.col("base")))
        a = a.with_columns(amount=pl.when(pl.col("doc") == "INV-0001").then(pl.col("base")).otherwise(pl.col("amount")))
        return replace(book, derived_postings=d, allocations=a), problems

    monkeypatch.setattr(post, "derive", derive)
    done = run.run_close(root, "2025-02", date(2025, 3, 3), WHO)
    assert done.status == "closed", [p.message for p in done.problems + list(done.plan.problems)]
    offset_fix = next(e for e in done.plan.entries if "corrects-offset:2025-01" in e.tags)
    assert sorted((leg.account, leg.base) for leg in offset_fix.legs) == \
        [("360.03", 100_000), ("391.02", 100_000), ("391.03", -200_000)]
    book, problems = problems_of(root)
    assert problems == []
    end = date(2025, 2, 28)
    assert balance(book, "360.03", end) == -120_000
    assert balance(book, "120.01", end) == 1_220_000
    assert balance(book, "391.02", end) == balance(book, "391.03", end) == 0


def test_an_edited_sealed_invoice_is_e070_alone(tmp_path):
    """January holds two invoices, both corrected to 391.09 in February. A hand edit to one of them is
    E070; no W018 proposes moving its correction back against the other, untouched invoice."""
    root = make(tmp_path)
    january = root / "orders/2025/2025-01.yaml"
    january.write_text(JANUARY + JANUARY.replace("INV-0001", "INV-0003").replace("10000.00", "500.00"))
    assert run.run_close(root, "2025-01", date(2025, 2, 3), WHO).status == "closed"
    toml = root / "books.toml"
    toml.write_text(toml.read_text().replace('"20" = "391.03"', '"20" = "391.09"'))
    assert run.run_close(root, "2025-02", date(2025, 3, 3), WHO).status == "closed"
    january.write_text(january.read_text().replace('"500.00"', '"500.01"'))
    _, problems = problems_of(root)
    assert [(p.code, p.record) for p in problems] == [("E070", "INV-0003")]


def test_a_long_list_of_entries_is_cut_for_people():
    ids = tuple(f"Z-{n:04d}" for n in range(1, 4069))
    text = name_some(ids)
    assert text.startswith("Z-0001, Z-0002") and text.endswith("Z-0010 ... (+4,058)")
    assert name_some(("A", "B")) == "A, B"


def test_a_new_receivable_account_after_the_close_ties_out(tmp_path):
    """The receivable moves from 120.01 to 120.02 after January's close. January's sealed INV-0001
    (12,000.00) stays on 120.01; the correction in February's close moves it: 120.01 credit
    12,000.00, 120.02 debit 12,000.00, for CU-0050. That leg moves a sealed item's account, it opens
    nothing: by hand 120.02 at the end of February = 12,000.00 + 1,200.00 (INV-0002) = 13,200.00, and
    the subledger holds INV-0001 12,000.00 and INV-0002 1,200.00 = 13,200.00; the tie-out passes.
    Counting the correction as an item of its own, the subledger said 25,200.00 and the month could
    never be closed."""
    from core.ledger.subledger import open_items

    root = make(tmp_path)
    accounts = root / "accounts.yaml"
    accounts.write_text(accounts.read_text() + '- {code: "120.02", name: Alıcılar (yeni), type: asset}\n')
    assert run.run_close(root, "2025-01", date(2025, 2, 3), WHO).status == "closed"
    toml = root / "books.toml"
    toml.write_text(toml.read_text().replace('receivable = "120.01"', 'receivable = "120.02"'))
    _, problems = problems_of(root)
    assert [p.code for p in problems] == ["W018"]

    done = run.run_close(root, "2025-02", date(2025, 3, 3), WHO)
    assert done.status == "closed", [p.message for p in done.problems + list(done.plan.problems)]
    tie = next(c for c in done.plan.checklist if c.check == "ar-tie-out")
    assert (tie.result, tie.detail) == ("pass", "120.02 = 13200.00, subledger 13200.00")
    book, problems = problems_of(root)
    assert problems == []
    end = date(2025, 2, 28)
    assert [(i.doc, i.amount) for i in open_items(book, "ar", end)] == [("INV-0001", 1_200_000), ("INV-0002", 120_000)]
    assert (balance(book, "120.01", end), balance(book, "120.02", end)) == (0, 1_320_000)
