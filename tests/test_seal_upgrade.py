"""A month sealed by an older kebir still verifies after records gain new optional fields.

The e-invoice work gave documents an `ettn` and order lines a `unit`. A document's seal digest is
taken over its fields, so a field that merely appeared (holding None) changed the digest of every
invoice ever sealed: after the upgrade each closed month read as edited (E070). Fields added later
are left out of the digest while they hold their default; once set they count.
"""

from __future__ import annotations

from dataclasses import replace

from core.close import seal

BOOKS = {
    "books.toml": '[company]\nname = "Test Lokanta Ltd."\nbase_currency = "TRY"\n\n[accounts]\n'
                  'rounding = "659.99"\nreceivable = "120.01"\n\n[accounts.vat_output]\n"20" = "391.03"\n',
    "accounts.yaml": '- {code: "120.01", name: Alıcılar, type: asset}\n'
                     '- {code: "391.03", name: Hesaplanan KDV, type: liability}\n'
                     '- {code: "600.01", name: Yurt içi satışlar, type: income}\n'
                     '- {code: "659.99", name: Yuvarlama, type: expense}\n',
    "contacts/erp/customers.yaml": '- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti.}\n',
    "orders/2025/2025-01.yaml": '- id: INV-0001\n  kind: invoice\n  date: 2025-01-10\n  party: CU-0001\n'
                                '  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "20"}]\n',
}


def test_an_invoice_without_the_new_fields__digests_as_before_they_existed(books):
    book, problems = books(BOOKS, base=False)
    assert [p for p in problems if p.severity == "error"] == []
    doc = book.documents[0]
    body = seal._doc_body(doc)
    assert "ettn" not in body and all("unit" not in line for line in body["lines"])
    assert "source" not in body and all("source" not in line for line in body["lines"])


def test_the_new_fields__count_once_they_are_set(books):
    book, _ = books(BOOKS, base=False)
    doc = book.documents[0]
    numbered = replace(doc, ettn="3f2b6c1e-0000-5000-8000-000000000001")
    assert seal._doc_body(numbered)["ettn"] == "3f2b6c1e-0000-5000-8000-000000000001"
    assert seal._doc_body(numbered) != seal._doc_body(doc)
