"""e-Fatura / e-Arşiv invoices (docs/statutory.md): a small catering company's January, typed by hand,
numbered with `kebir einvoice number`, exported as UBL-TR 1.2, checked against GİB's own XSD and
schematron (the efatura-kontrol package ships them), parsed back and compared with the postings.

The numbers, by hand:
  INV-2025-0001 to CU-0001 (an e-Fatura user): 140 cocktail menus x 950.00 = 133,000.00 less a 1,330.00
    discount = 131,670.00 at 10% -> VAT 13,167.00; 12 bottles of wine x 612.50 = 7,350.00 at 20% ->
    VAT 1,470.00. Net 139,020.00, VAT 14,637.00, payable 153,657.00.
  INV-2025-0002 to Ayşe Yılmaz (a person, no TCKN given, e-Arşiv): 20 x 950.00 = 19,000.00 at 10% ->
    VAT 1,900.00, payable 20,900.00.
  INV-2025-0003 to Kalamata (Greece), in EUR at 37.1250: 3 kg x 180.00 = 540.00 EUR at 10% -> VAT 54.00,
    payable 594.00 EUR (22,052.25 TRY).
  SC-2025-0001: 4 tablecloths back to SU-0001 (of its invoice KBL2025000000042), 4 x 150.00 = 600.00 at
    10% -> VAT 60.00: our IADE invoice, referring to the supplier's number.
"""

from __future__ import annotations

import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from lxml import etree
from typer.testing import CliRunner

from cli.main import app
from core.erp.load import load_ledger
from core.interop.einvoice.model import ETTN_NAMESPACE, einvoices
from core.interop.einvoice.ubl import to_xml
from core.interop.einvoice.visual import to_html

efatura_kontrol = pytest.importorskip("efatura_kontrol.kontrol")

NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
VKN = "2910465635"

BOOKS = """\
[company]
name = "Deniz Lokanta Grubu A.Ş."
base_currency = "TRY"

[currencies]
TRY = 2
EUR = 2

[accounts]
receivable = "120.01"
payable = "320.01"
sales = "600.01"
expenses = "770.01"
rounding = "659.99"

[accounts.vat_output]
10 = "391.02"
20 = "391.03"

[accounts.vat_input]
10 = "191.02"

[statutory]
tax_id = "2910465635"
tax_office = "Kadıköy"
address = "Caferağa Mah. Moda Cad. No: 112"
district = "Kadıköy"
city = "İstanbul"
efatura_series = "DNZ"
earsiv_series = "DNA"
"""

ACCOUNTS = """\
- {code: "120", name: Alıcılar, type: asset}
- {code: "120.01", name: Alıcılar TRY}
- {code: "191", name: İndirilecek KDV, type: asset}
- {code: "191.02", name: İndirilecek KDV %10}
- {code: "320", name: Satıcılar, type: liability}
- {code: "320.01", name: Satıcılar TRY}
- {code: "391", name: Hesaplanan KDV, type: liability}
- {code: "391.02", name: Hesaplanan KDV %10}
- {code: "391.03", name: Hesaplanan KDV %20}
- {code: "600", name: Yurt İçi Satışlar, type: income}
- {code: "600.01", name: Catering}
- {code: "659.99", name: Yuvarlama, type: expense}
- {code: "770", name: Genel Yönetim Giderleri, type: expense}
- {code: "770.01", name: Mutfak giderleri}
"""

CUSTOMERS = """\
- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti., tax_id: "1234567890", tax_office: Beşiktaş,
   address: "Barbaros Bulvarı No: 5", city: İstanbul, e_invoice: true}
- {id: CU-0002, kind: person, name: Ayşe Yılmaz, city: İstanbul}
- {id: CU-0003, kind: company, name: Kalamata Elaiourgia S.A., tax_id: "EL094014201", country: GR, city: Kalamata}
"""

SUPPLIERS = """\
- {id: SU-0001, kind: company, name: Kadıköy Tekstil Ltd. Şti., tax_id: "9876543217", tax_office: Kadıköy,
   e_invoice: true}
"""

ITEMS = """\
- {id: CAT-MENU-A, name: Kokteyl menüsü, unit: portion, valuation: fifo, type: service}
- {id: OIL-ZEYTIN, name: Kalamata zeytini, unit: kg, valuation: fifo, type: service}
"""

ORDERS = """\
- id: SI-2025-0001
  kind: supplier-invoice
  date: 2025-01-03
  party: SU-0001
  number: KBL2025000000042
  lines:
    - {description: Masa örtüsü, account: "770.01", unit: piece, quantity: "20", price: "150.00", vat_rate: "10"}
- id: INV-2025-0001
  kind: invoice
  date: 2025-01-07
  party: CU-0001
  memo: Kurumsal kokteyl, 140 kişi
  lines:
    - {item: CAT-MENU-A, quantity: "140", price: "950.00", vat_rate: "10", discount: "1330.00"}
    - {description: Şarap servisi, account: "600.01", unit: bottle, quantity: "12", price: "612.50", vat_rate: "20"}
- id: INV-2025-0002
  kind: invoice
  date: 2025-01-09
  party: CU-0002
  lines:
    - {item: CAT-MENU-A, quantity: "20", price: "950.00", vat_rate: "10"}
- id: SC-2025-0001
  kind: supplier-credit-note
  date: 2025-01-10
  party: SU-0001
  invoice: SI-2025-0001
  lines:
    - {description: Masa örtüsü, account: "770.01", unit: piece, quantity: "4", price: "150.00", vat_rate: "10"}
- id: INV-2025-0003
  kind: invoice
  date: 2025-01-14
  party: CU-0003
  currency: EUR
  rate: "37.1250"
  lines:
    - {item: OIL-ZEYTIN, quantity: "3", price: "180.00", vat_rate: "10"}
"""


def kebir(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def january(books_dir) -> Path:
    """The hand-typed month, numbered by `kebir einvoice number`."""
    root = books_dir({"books.toml": BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
                      "contacts/erp/suppliers.yaml": SUPPLIERS,
                      "stock/items.yaml": ITEMS, "orders/2025/2025-01.yaml": ORDERS})
    done = kebir("einvoice", "number", "-p", "2025-01", "--books", str(root))
    assert done.exit_code == 0, done.output
    return root


def _exported(root: Path) -> dict[str, bytes]:
    book, problems = load_ledger(root)
    assert not [p for p in problems if p.severity == "error"], problems
    invoices, found = einvoices(book, "2025-01")
    assert found == []
    return {inv.doc.id: to_xml(inv) for inv in invoices}


def _text(xml: bytes, path: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=NS)]


def test_number__series_per_customer_kind_in_date_order_and_a_uuid_from_the_vkn(january):
    text = (january / "orders/2025/2025-01.yaml").read_text(encoding="utf-8")
    # e-Fatura users (CU-0001, and SU-0001 for our return) on DNZ; the person and the foreign firm on DNA
    assert "  number: DNZ2025000000001\n" in text.split("- id: INV-2025-0001")[1].split("- id:")[0]
    assert "  number: DNZ2025000000002\n" in text.split("- id: SC-2025-0001")[1].split("- id:")[0]
    assert "  number: DNA2025000000001\n" in text.split("- id: INV-2025-0002")[1].split("- id:")[0]
    assert "  number: DNA2025000000002\n" in text.split("- id: INV-2025-0003")[1].split("- id:")[0]
    want = uuid.uuid5(ETTN_NAMESPACE, f"urn:kebir:ettn:{VKN}:INV-2025-0001")
    assert f"  ettn: {want}\n" in text
    again = kebir("einvoice", "number", "-p", "2025-01", "--books", str(january))
    assert again.exit_code == 0 and "every invoice of 2025-01 has its number" in again.stderr
    assert (january / "orders/2025/2025-01.yaml").read_text(encoding="utf-8") == text


def test_number__continues_the_series_from_its_highest_number(january):
    orders = january / "orders/2025/2025-02.yaml"
    orders.write_text("- id: INV-2025-0004\n  kind: invoice\n  date: 2025-02-03\n  party: CU-0001\n  lines:\n"
                      '    - {item: CAT-MENU-A, quantity: "10", price: "950.00", vat_rate: "10"}\n', encoding="utf-8")
    dry = kebir("einvoice", "number", "-p", "2025-02", "--books", str(january), "--dry-run")
    assert dry.exit_code == 0 and "+  number: DNZ2025000000003" in dry.output
    assert "number:" not in orders.read_text(encoding="utf-8")          # --dry-run wrote nothing


def test_export__totals_equal_the_postings_to_the_kurus(january):
    xml = _exported(january)["INV-2025-0001"]
    assert _text(xml, "/*/cbc:ProfileID") == ["TEMELFATURA"]
    assert _text(xml, "/*/cbc:InvoiceTypeCode") == ["SATIS"]
    assert _text(xml, "/*/cbc:ID") == ["DNZ2025000000001"]
    total = "/*/cac:LegalMonetaryTotal/cbc:"
    assert _text(xml, total + "LineExtensionAmount") == ["139020.00"]
    assert _text(xml, total + "TaxExclusiveAmount") == ["139020.00"]
    assert _text(xml, total + "TaxInclusiveAmount") == ["153657.00"]
    assert _text(xml, total + "PayableAmount") == ["153657.00"]
    assert _text(xml, "/*/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount") == ["13167.00", "1470.00"]
    assert _text(xml, "/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode") == \
        ["0015", "0015"]
    assert [e.get("unitCode") for e in etree.fromstring(xml).xpath("//cbc:InvoicedQuantity", namespaces=NS)] == \
        ["PTN", "BO"]
    assert _text(xml, "//cac:AccountingCustomerParty//cbc:ID[@schemeID='VKN']") == ["1234567890"]
    # the same amounts as the derived entry: receivable debit, output VAT credits
    book, _ = load_ledger(january)
    p = book.ledger().filter(pl.col("entry_id") == "INV-2025-0001")
    by_account = dict(p.group_by("account").agg(pl.col("base").sum()).iter_rows())
    assert by_account["120.01"] == 15365700
    assert (-by_account["391.02"], -by_account["391.03"]) == (1316700, 147000)


def test_export__e_arsiv_for_a_person_and_foreign_currency_with_its_rate(january):
    xml = _exported(january)
    person = xml["INV-2025-0002"]
    assert _text(person, "/*/cbc:ProfileID") == ["EARSIVFATURA"]
    assert _text(person, "//cac:AccountingCustomerParty//cbc:ID[@schemeID='TCKN']") == ["11111111111"]
    assert _text(person, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount") == ["20900.00"]
    euro = xml["INV-2025-0003"]
    assert _text(euro, "/*/cbc:DocumentCurrencyCode") == ["EUR"]
    assert _text(euro, "/*/cac:PricingExchangeRate/cbc:CalculationRate") == ["37.1250"]
    assert _text(euro, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount") == ["594.00"]
    assert {e.get("currencyID") for e in etree.fromstring(euro).xpath("//*[@currencyID]")} == {"EUR"}


def test_export__a_return_to_a_supplier_is_an_iade_invoice_naming_the_suppliers_number(january):
    xml = _exported(january)["SC-2025-0001"]
    assert _text(xml, "/*/cbc:InvoiceTypeCode") == ["IADE"]
    assert _text(xml, "/*/cbc:ProfileID") == ["TEMELFATURA"]
    assert _text(xml, "/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == ["KBL2025000000042"]
    assert _text(xml, "//cac:AccountingCustomerParty//cbc:ID[@schemeID='VKN']") == ["9876543217"]
    assert _text(xml, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount") == ["660.00"]


def _errors(xml: bytes) -> list[str]:
    report = efatura_kontrol.kontrol_et(xml, ad="test.xml")
    return [f"{b.kod}: {b.mesaj}" for b in report.bulgular if b.seviye in ("hata", "uyari")]


def test_gib_validator__every_invoice_passes_xsd_schematron_and_arithmetic(january):
    for doc, xml in _exported(january).items():
        assert _errors(xml) == [], doc


BREAKS = [   # one of GİB's rules broken at a time: (what is replaced, by what, the finding's code)
    (b'unitCode="PTN"', b'unitCode="ADET"', "sch-GeneralUnitCodeCheck"),
    (b"<cbc:TaxTypeCode>0015<", b"<cbc:TaxTypeCode>0099<", "sch-TaxTypeCheck"),
    (b"<cbc:ID>DNZ2025000000001<", b"<cbc:ID>DNZ25-0001<", "sch-InvoiceIDCheck"),
    (b'schemeID="VKN">1234567890<', b'schemeID="VKN">12345<', "sch-PartyIdentificationTCKNVKNCheck"),
    (b"<cbc:ProfileID>TEMELFATURA<", b"<cbc:ProfileID>FATURA<", "sch-ProfileIDCheck"),
    (b"<cbc:InvoiceTypeCode>SATIS<", b"<cbc:InvoiceTypeCode>SALE<", "sch-InvoiceTypeCodeCheck"),
    (b"<cbc:CustomizationID>TR1.2<", b"<cbc:CustomizationID>TR9<", "sch-"),
    (b"<cbc:PayableAmount currencyID=\"TRY\">153657.00<", b"<cbc:PayableAmount currencyID=\"TRY\">abc<", "xsd-"),
    (b"<cbc:UBLVersionID>2.1</cbc:UBLVersionID>", b"", "xsd-"),
]


@pytest.mark.parametrize("old,new,code", BREAKS, ids=[b[2] + str(i) for i, b in enumerate(BREAKS)])
def test_gib_validator__catches_each_rule_broken_alone(january, old, new, code):
    xml = _exported(january)["INV-2025-0001"]
    assert old in xml
    found = _errors(xml.replace(old, new, 1))
    assert any(f.startswith(code) for f in found), found


def test_export__cli_writes_xml_and_the_printable_copy(january, tmp_path):
    out = tmp_path / "efatura"
    done = kebir("export", "einvoice", "-p", "2025-01", "--books", str(january), "-o", str(out), "--html")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{n}.{ext}" for n in ("DNZ2025000000001", "DNZ2025000000002", "DNA2025000000001", "DNA2025000000002")
        for ext in ("xml", "html"))
    again = tmp_path / "again"
    kebir("export", "einvoice", "-p", "2025-01", "--books", str(january), "-o", str(again))
    assert (again / "DNZ2025000000001.xml").read_bytes() == (out / "DNZ2025000000001.xml").read_bytes()


def test_export__nothing_written_while_an_invoice_has_no_number(books_dir, tmp_path):
    root = books_dir({"books.toml": BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
                      "contacts/erp/suppliers.yaml": SUPPLIERS,
                      "stock/items.yaml": ITEMS, "orders/2025/2025-01.yaml": ORDERS})
    done = kebir("export", "einvoice", "-p", "2025-01", "--books", str(root), "-o", str(tmp_path / "x"))
    assert done.exit_code == 1
    assert "E223 INV-2025-0001 has no GİB number and ETTN yet" in done.stderr
    assert not (tmp_path / "x").exists()


CHROMIUM = "/usr/bin/chromium"


def test_visual__the_printable_copy_renders_in_headless_chromium(january, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    book, _ = load_ledger(january)
    inv = next(i for i in einvoices(book, "2025-01")[0] if i.doc.id == "INV-2025-0001")
    page = tmp_path / "copy.html"
    page.write_text(to_html(inv), encoding="utf-8")
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", f"--user-data-dir={tmp_path / 'profile'}",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert 'class="payable-amount">153.657,00 TRY<' in dom          # Turkish grouping, the XML's PayableAmount
    assert "DNZ2025000000001" in dom and str(inv.ettn) in dom
    assert dom.count("<tr><td class=\"num\">") == 2                   # the two lines
    assert Decimal("153657.00") == Decimal(_text(to_xml(inv), "/*/cac:LegalMonetaryTotal/cbc:PayableAmount")[0])
