"""The demo company's twelve months: every issued invoice exported once (a session fixture), checked
against GİB's XSD and schematron, parsed back and compared with the ledger; every month's VAT
return tied to its 391 accounts and to the VAT offset the close computes; Form Bs equal to the
sales invoices above the threshold.

Slow (about 15 s: loading the demo and running GİB's schematron over 207 invoices), so marked."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from lxml import etree

from core.close.entries import vat_offset
from core.erp.load import load_ledger
from core.interop.einvoice.model import einvoices
from core.interop.einvoice.ubl import to_xml
from core.reports.babs import build_babs
from core.reports.vat_return import build_vat_return

efatura_kontrol = pytest.importorskip("efatura_kontrol.kontrol")
pytestmark = pytest.mark.slow

NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="session")
def demo(demo_copy):
    book, problems = load_ledger(demo_copy)
    invoices, found = einvoices(book)
    xml = {inv.doc.id: to_xml(inv) for inv in invoices}
    checked = {doc: efatura_kontrol.kontrol_et(x, ad=doc) for doc, x in xml.items()}
    return {"book": book, "invoices": invoices, "problems": found, "xml": xml, "checked": checked}


def test_demo__every_issued_invoice_is_exported(demo):
    issued = [d.id for d in demo["book"].documents if d.kind in ("invoice", "supplier-credit-note")]
    assert [p for p in demo["problems"] if p.severity == "error"] == []
    # the demo's parties carry no tax office (vergi dairesi): each company buyer is warned of it (W046)
    assert {p.code for p in demo["problems"]} <= {"W046"}
    assert sorted(demo["xml"]) == sorted(issued) and len(issued) == 207
    assert {inv.profile for inv in demo["invoices"]} == {"TEMELFATURA", "EARSIVFATURA"}


def test_demo__every_invoice_passes_gibs_xsd_and_schematron_with_no_finding(demo):
    bad = {doc: [(b.kod, b.mesaj) for b in r.bulgular if b.seviye in ("hata", "uyari")]
           for doc, r in demo["checked"].items()}
    assert {doc: f for doc, f in bad.items() if f} == {}


def test_demo__parsed_back_each_invoice_equals_its_postings(demo):
    book = demo["book"]
    led = book.ledger()
    vat_accounts = {c: r.split(":")[1] for r, c in book.settings.roles if r.startswith("vat_output:")}
    postings = (led.filter(pl.col("entry_id").is_in(sorted(demo["xml"])))
                .group_by("entry_id", "account").agg(pl.col("amount").sum()))
    by_entry: dict[str, dict[str, int]] = defaultdict(dict)
    for entry, account, amount in postings.iter_rows():
        by_entry[entry][account] = amount
    receivable = book.settings.role("receivable")
    for doc, xml in demo["xml"].items():
        root = etree.fromstring(xml)
        payable = Decimal(root.xpath("/*/cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)[0].text)
        assert int(payable * 100) == by_entry[doc][receivable], doc
        for sub in root.xpath("/*/cac:TaxTotal/cac:TaxSubtotal", namespaces=NS):
            rate = format(Decimal(sub.xpath("cbc:Percent", namespaces=NS)[0].text).normalize(), "f")
            vat = Decimal(sub.xpath("cbc:TaxAmount", namespaces=NS)[0].text)
            account = next(c for c, r in vat_accounts.items() if r == rate)
            assert -int(vat * 100) == by_entry[doc].get(account, 0), (doc, rate)


@pytest.mark.parametrize("period", MONTHS)
def test_demo__vat_return_ties_to_391_and_to_the_close_vat_offset(demo, period):
    book = demo["book"]
    rows = {r[0]: r for r in build_vat_return(book, period).rows if r[0]}
    for code, row in rows.items():
        if code.startswith("sales-"):
            assert row[6] == 0, (period, code, row)          # documents' VAT = the 391 account's movement
    [offset] = vat_offset(book, period)
    payable = -sum(leg.base for leg in offset.legs if leg.account == book.settings.role("vat_payable"))
    carry = sum(leg.base for leg in offset.legs if leg.account == book.settings.role("vat_carry_forward")
                and leg.base > 0)
    if "payable" in rows:
        assert int(rows["payable"][4] * 100) == payable and payable > 0
    else:
        assert int(rows["carry"][4] * 100) == carry


@pytest.mark.parametrize("period", ["2025-03", "2025-12"])
def test_demo__form_bs_equals_the_sales_invoices_above_the_threshold(demo, period):
    book = demo["book"]
    totals: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
    for d in book.documents:
        if d.kind == "invoice" and f"{d.date:%Y-%m}" == period:
            totals[d.party][0] += 1
            totals[d.party][1] += sum(((ln.quantity * ln.price - ln.discount).quantize(Decimal("0.01"), ROUND_HALF_UP)
                                       for ln in d.lines), Decimal(0))
    want = sorted((p, n, t) for p, (n, t) in totals.items() if t >= 5000)
    got = sorted((r[1], r[5], r[6]) for r in build_babs(book, period).rows if r[0] == "Bs")
    assert got == want and len(want) > 5
