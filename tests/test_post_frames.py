"""The frame derivation of plain documents posts exactly what the Deriver posts, document by document."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from core.books import load

from core.erp import post, post_frames
from tests.conftest import examples, write_books
from tests.test_documents import ACCOUNTS, ROLES

CUSTOMERS = [f"CU-{i:04d}" for i in range(1, 6)]
SUPPLIERS = [f"SU-{i:04d}" for i in range(1, 4)]
CONTACTS = {
    "contacts/erp/customers.yaml": "".join(f"- {{id: {c}, kind: company, name: Customer {c}}}\n" for c in CUSTOMERS),
    "contacts/erp/suppliers.yaml": "".join(f"- {{id: {s}, kind: company, name: Supplier {s}}}\n" for s in SUPPLIERS),
    "rates/2025.csv": "date,currency,rate\n2025-01-01,EUR,35.123456\n",
}


def _derive_both(root: Path):
    book, _ = load.load_book(root, use_cache=False, jobs=1)
    return post.derive(book, fast=True), post.derive(book, fast=False)


def _assert_same(root: Path) -> None:
    (fast, fast_problems), (slow, slow_problems) = _derive_both(root)
    assert fast.derived_postings.schema == slow.derived_postings.schema
    assert fast.derived_postings.to_dicts() == slow.derived_postings.to_dicts()
    assert fast.derived_entries.to_dicts() == slow.derived_entries.to_dicts()
    assert fast.allocations.to_dicts() == slow.allocations.to_dicts()     # the subledger's rows too
    assert fast_problems == slow_problems


def test_frames__post_what_the_deriver_posts_on_the_demo_books(demo_ro):
    _assert_same(demo_ro)


decimal_text = st.builds(lambda whole, frac: f"{whole}{'.' + frac if frac else ''}",
                         st.integers(0, 5000), st.sampled_from(["", "5", "50", "05", "99", "10", "125"]))


@st.composite
def line(draw, kind: str) -> str:
    fields = {"account": '"600.01"' if kind == "invoice" else '"770.01"'}
    if draw(st.booleans()):
        fields = {"item": draw(st.sampled_from(["IT-1", "IT-2"]))}
        if draw(st.booleans()):
            fields["account"] = '"600.01"' if kind == "invoice" else '"770.01"'
    fields["quantity"] = f'"{draw(st.sampled_from(["1", "2", "0.5", "3.125", "12.000", "1000"]))}"'
    fields["price"] = f'"{draw(st.sampled_from(["0.01", "10.00", "99.99", "1234.5678", "0.0005", "700"]))}"'
    fields["vat_rate"] = f'"{draw(st.sampled_from(["0", "1", "10", "20", "10.0", "0.5", "18", "020"]))}"'
    if draw(st.integers(0, 4)) == 0:
        fields["discount"] = f'"{draw(st.sampled_from(["0.01", "1.00", "5", "0.12345"]))}"'
    if draw(st.booleans()):
        fields["description"] = draw(st.sampled_from(["dinner", "VAT", "ürün"]))
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}"


@st.composite
def documents(draw) -> str:
    """A month of documents: mostly plain, with some in EUR, credit notes, allocations, advances."""
    out, invoices = [], []
    odd = draw(st.integers(0, 12))      # how often a document is not plain (0: never)
    for n in range(draw(st.integers(1, 30))):
        day = f"2025-03-{draw(st.integers(1, 5)):02d}"
        kinds = ["invoice", "invoice", "payment", "payment", "supplier-invoice", "supplier-payment"]
        kind = draw(st.sampled_from(kinds + (["credit-note", "advance"] if odd and draw(st.integers(0, odd)) == 0
                                             else [])))
        party = draw(st.sampled_from(SUPPLIERS if kind.startswith("supplier") else CUSTOMERS))
        doc = [f"- id: D-{n:03d}", f"  kind: {kind}", f"  date: {day}", f"  party: {party}"]
        if odd and draw(st.integers(0, odd)) == 0:
            doc.append('  currency: EUR')
        if draw(st.integers(0, 3)) == 0:
            doc.append(f'  memo: "note {n}"')
        if kind in ("invoice", "supplier-invoice", "credit-note"):
            if kind == "credit-note" and invoices:
                doc.append(f"  invoice: {draw(st.sampled_from(invoices))}")
            if kind == "supplier-invoice" and odd and draw(st.integers(0, odd)) == 0:
                doc.append("  order: PO-1")
            if draw(st.booleans()):
                doc.append("  location: KDK")
            doc.append("  lines:")
            doc += [f"    - {draw(line('invoice' if kind != 'supplier-invoice' else kind))}"
                    for _ in range(draw(st.integers(1, 3)))]
            if kind == "invoice":
                invoices.append(f"D-{n:03d}")
        else:
            doc.append(f'  amount: "{draw(decimal_text)}"')
            if draw(st.integers(0, 4)) == 0:
                doc.append('  account: "102.02"')
            if kind == "payment" and invoices and odd and draw(st.integers(0, odd)) == 0:
                doc += ["  allocations:", f'    - {{invoice: {draw(st.sampled_from(invoices))}, amount: "10.00"}}']
        out.append("\n".join(doc) + "\n")
    return "".join(out)


@settings(max_examples=examples(50), deadline=None)   # 500 with --slow
@given(documents())
def test_frames__post_what_the_deriver_posts_on_generated_documents(text):
    with tempfile.TemporaryDirectory() as tmp:
        root = write_books(Path(tmp), {"books.toml": ROLES, "accounts.yaml": ACCOUNTS, **CONTACTS,
                                       "stock/items.yaml": "- {id: IT-1, name: One, unit: kg}\n"
                                                           "- {id: IT-2, name: Two, unit: ad, type: service}\n",
                                       "orders/2025/2025-03.yaml": text})
        _assert_same(root)


def test_split__a_party_with_any_other_document_is_derived_by_the_deriver_whole(books_dir):
    root = books_dir({"books.toml": ROLES, "accounts.yaml": ACCOUNTS, **CONTACTS, "orders/2025/2025-03.yaml": """
        - {id: INV-1, kind: invoice, date: 2025-03-01, party: CU-0001, \
lines: [{account: "600.01", quantity: "1", price: "100.00", vat_rate: "20"}]}
        - {id: INV-2, kind: invoice, date: 2025-03-01, party: CU-0002, \
lines: [{account: "600.01", quantity: "1", price: "100.00", vat_rate: "20"}]}
        - {id: INV-3, kind: invoice, date: 2025-03-01, party: CU-0003, \
currency: EUR, lines: [{account: "600.01", quantity: "1", price: "1.00"}]}
        - {id: CN-1, kind: credit-note, date: 2025-03-02, party: CU-0004, \
invoice: INV-2, lines: [{account: "600.01", quantity: "1", price: "1.00"}]}
        - {id: PAY-1, kind: payment, date: 2025-03-03, party: CU-0001, amount: "150.00"}
        - {id: PAY-3, kind: payment, date: 2025-03-03, party: CU-0003, amount: "10.00"}
    """})
    book, _ = load.load_book(root, use_cache=False)
    d = post.Deriver(book)
    split = post_frames.split_documents(book, post.posting_documents(book), d.roles, d.base_dec)
    assert [doc.id for _, doc in split.common] == ["INV-1", "PAY-1"]
    assert [doc.id for _, doc in split.rest] == ["INV-2", "INV-3", "CN-1", "PAY-3"]
    _assert_same(root)
    postings = post.derive(book)[0].derived_postings.filter(pl.col("source") == "PAY-1")
    assert postings.select("account", "amount", "memo").rows() == [
        ("102.01", 15000, None), ("120.01", -12000, "settles INV-1"), ("120.01", -3000, "on account")]
