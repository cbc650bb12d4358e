"""An `EInvoice` as a UBL-TR 1.2 XML document (OASIS UBL 2.1 Invoice, customised by GİB: docs/statutory.md).

The document is what an integrator (özel entegratör) signs and sends: no XAdES signature and no
envelope here. Elements come in the order the UBL 2.1 Invoice schema fixes; amounts are written
with the currency's decimals and `currencyID`, quantities with `unitCode` (UN/ECE Rec 20), VAT as
tax type 0015 (KDV) per rate. The same `EInvoice` gives the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from core.interop.einvoice.model import EInvoice, Party

INV = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
# Where the integrator puts the XAdES signature: GİB's schema wants UBLExtensions with some content.
PLACEHOLDER = "urn:kebir:einvoice:unsigned"
KDV = "0015"   # GİB's tax type code of VAT (Katma Değer Vergisi), Kod Listeleri Kılavuzu, TaxType

ET.register_namespace("", INV)
ET.register_namespace("cac", CAC)
ET.register_namespace("cbc", CBC)
ET.register_namespace("xsi", XSI)
ET.register_namespace("ext", EXT)
ET.register_namespace("kebir", PLACEHOLDER)

COUNTRY_NAMES = {"TR": "Türkiye", "DE": "Almanya", "GR": "Yunanistan", "IT": "İtalya", "FR": "Fransa",
                 "GB": "Birleşik Krallık", "US": "Amerika Birleşik Devletleri", "NL": "Hollanda", "ES": "İspanya"}


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        e.text = text
    return e


def _cbc(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    return _el(parent, CBC, tag, text, **attrs)


def _cac(parent: ET.Element, tag: str) -> ET.Element:
    return _el(parent, CAC, tag)


def money(minor: int, decimals: int) -> str:
    return f"{Decimal(minor).scaleb(-decimals):.{decimals}f}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text or not text.startswith("0") or text == "0" else text


def _party(parent: ET.Element, tag: str, party: Party) -> None:
    p = _cac(_cac(parent, tag), "Party")
    ident = _cac(p, "PartyIdentification")
    _cbc(ident, "ID", party.tax_id, schemeID=party.scheme)
    if not party.person or party.scheme == "VKN":
        _cbc(_cac(p, "PartyName"), "Name", party.name)
    addr = _cac(p, "PostalAddress")
    if party.address:
        _cbc(addr, "StreetName", party.address)
    _cbc(addr, "CitySubdivisionName", party.district or party.city or "-")
    _cbc(addr, "CityName", party.city or "-")
    _cbc(_cac(addr, "Country"), "Name", COUNTRY_NAMES.get(party.country, party.country))
    if party.tax_office:
        _cbc(_cac(_cac(p, "PartyTaxScheme"), "TaxScheme"), "Name", party.tax_office)
    if party.person and party.scheme == "TCKN":
        first, _, family = party.name.rpartition(" ")
        person = _cac(p, "Person")
        _cbc(person, "FirstName", first or party.name)
        _cbc(person, "FamilyName", family or party.name)


def _tax_total(parent: ET.Element, rows: list[tuple[Decimal, int, int]], cur: str, dec: int) -> None:
    total = _cac(parent, "TaxTotal")
    _cbc(total, "TaxAmount", money(sum(v for _, _, v in rows), dec), currencyID=cur)
    for seq, (rate, base, vat) in enumerate(rows, start=1):
        sub = _cac(total, "TaxSubtotal")
        _cbc(sub, "TaxableAmount", money(base, dec), currencyID=cur)
        _cbc(sub, "TaxAmount", money(vat, dec), currencyID=cur)
        _cbc(sub, "CalculationSequenceNumeric", str(seq))
        _cbc(sub, "Percent", _plain(rate))
        scheme = _cac(_cac(sub, "TaxCategory"), "TaxScheme")
        _cbc(scheme, "Name", "KDV")
        _cbc(scheme, "TaxTypeCode", KDV)


def to_xml(inv: EInvoice) -> bytes:
    """The UBL-TR document of one e-invoice, UTF-8, indented, ending in a newline."""
    cur, dec, doc = inv.currency, inv.decimals, inv.doc
    root = ET.Element(f"{{{INV}}}Invoice")
    content = _el(_el(_el(root, EXT, "UBLExtensions"), EXT, "UBLExtension"), EXT, "ExtensionContent")
    _el(content, PLACEHOLDER, "signature")     # replaced by the integrator's ds:Signature
    _cbc(root, "UBLVersionID", "2.1")
    _cbc(root, "CustomizationID", "TR1.2")
    _cbc(root, "ProfileID", inv.profile)
    _cbc(root, "ID", inv.number)
    _cbc(root, "CopyIndicator", "false")
    _cbc(root, "UUID", inv.ettn)
    _cbc(root, "IssueDate", doc.date.isoformat())
    _cbc(root, "InvoiceTypeCode", inv.type_code)
    if doc.memo:
        _cbc(root, "Note", doc.memo)
    _cbc(root, "Note", f"kebir: {doc.id}")
    _cbc(root, "DocumentCurrencyCode", cur)
    _cbc(root, "LineCountNumeric", str(len(inv.lines)))
    if inv.billing_reference:
        number, day = inv.billing_reference
        ref = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(ref, "ID", number)
        _cbc(ref, "IssueDate", day.isoformat())
        _cbc(ref, "DocumentTypeCode", "IADE")
    if inv.profile == "EARSIVFATURA":
        # e-Arşiv: how the invoice reaches the buyer (e-Arşiv Fatura Teknik Kılavuzu: gönderim şekli)
        ref = _cac(root, "AdditionalDocumentReference")
        _cbc(ref, "ID", inv.ettn)
        _cbc(ref, "IssueDate", doc.date.isoformat())
        _cbc(ref, "DocumentTypeCode", "SEND_TYPE")
        _cbc(ref, "DocumentType", "ELEKTRONIK")
    sig = _cac(root, "Signature")
    _cbc(sig, "ID", inv.seller.tax_id, schemeID="VKN_TCKN")
    sp = _cac(sig, "SignatoryParty")
    _cbc(_cac(sp, "PartyIdentification"), "ID", inv.seller.tax_id, schemeID="VKN")
    addr = _cac(sp, "PostalAddress")
    _cbc(addr, "CitySubdivisionName", inv.seller.district or inv.seller.city or "-")
    _cbc(addr, "CityName", inv.seller.city or "-")
    _cbc(_cac(addr, "Country"), "Name", "Türkiye")
    _cbc(_cac(_cac(sig, "DigitalSignatureAttachment"), "ExternalReference"), "URI", "#Signature")
    _party(root, "AccountingSupplierParty", inv.seller)
    _party(root, "AccountingCustomerParty", inv.buyer)
    if inv.rate:
        fx = _cac(root, "PricingExchangeRate")
        _cbc(fx, "SourceCurrencyCode", cur)
        _cbc(fx, "TargetCurrencyCode", "TRY")
        _cbc(fx, "CalculationRate", inv.rate)
    _tax_total(root, inv.vat_by_rate(), cur, dec)
    total = _cac(root, "LegalMonetaryTotal")
    _cbc(total, "LineExtensionAmount", money(inv.net, dec), currencyID=cur)
    _cbc(total, "TaxExclusiveAmount", money(inv.net, dec), currencyID=cur)
    _cbc(total, "TaxInclusiveAmount", money(inv.gross, dec), currencyID=cur)
    _cbc(total, "AllowanceTotalAmount", money(0, dec), currencyID=cur)
    _cbc(total, "PayableAmount", money(inv.gross, dec), currencyID=cur)
    for line in inv.lines:
        el = _cac(root, "InvoiceLine")
        _cbc(el, "ID", str(line.no))
        _cbc(el, "InvoicedQuantity", _plain(line.quantity), unitCode=line.unit)
        _cbc(el, "LineExtensionAmount", money(line.net, dec), currencyID=cur)
        if line.discount:
            ac = _cac(el, "AllowanceCharge")
            _cbc(ac, "ChargeIndicator", "false")
            _cbc(ac, "Amount", money(line.discount, dec), currencyID=cur)
            _cbc(ac, "BaseAmount", money(line.net + line.discount, dec), currencyID=cur)
        _tax_total(el, [(line.vat_rate, line.net, line.vat)], cur, dec)
        _cbc(_cac(el, "Item"), "Name", line.name)
        _cbc(_cac(el, "Price"), "PriceAmount", _plain(line.price), currencyID=cur)
    ET.indent(root, "  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                      xml_declaration=False) + b"\n"


def file_name(inv: EInvoice) -> str:
    """The file an exported invoice is written to: its GİB number (what integrators file it by)."""
    return f"{inv.number}.xml"
