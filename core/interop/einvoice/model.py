"""An issued invoice as GİB's e-invoice carries it: the profile, the invoice type, both parties, the
lines with UN/ECE unit codes, VAT per rate and the totals, all computed the way the derivation posts
them (core.erp.post: net per line half-up, VAT per line half-up), so the XML equals the ledger.

`einvoice(book, doc)` returns the `EInvoice` and the problems that keep it from being exported
(E220-E226, docs/statutory.md). Nothing here writes; core.interop.einvoice.ubl turns an `EInvoice`
into UBL-TR XML and core.interop.einvoice.visual into the printable copy.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.books.tax_numbers import tax_id_fault
from core.erp.gib_numbers import NUMBER, company_vkn, duplicates, numbered, order_faults
from core.erp.post import too_large
from core.ledger.posting import document_rate, vat_rate_name
from core.model.errors import Problem
from core.model.money import round_half_up
from core.model.records import Book, Contact, Document, OrderLine

# Issued documents that go out as e-invoices: our sales invoices, and our returns to suppliers (IADE).
# A customer's return comes to us as the customer's own IADE invoice; our credit note only records it.
EXPORTED_KINDS = ("invoice", "supplier-credit-note")

# Units as people write them in items.yaml / on a line -> UN/ECE Recommendation 20 codes (GİB's
# UnitCodeList is drawn from it). A code already written as one (C62, KGM ...) is kept as written.
UNIT_CODES = {
    "kg": "KGM", "kilo": "KGM", "kilogram": "KGM", "g": "GRM", "gr": "GRM", "gram": "GRM",
    "l": "LTR", "lt": "LTR", "litre": "LTR", "liter": "LTR", "ml": "MLT",
    "piece": "C62", "pcs": "C62", "adet": "C62", "unit": "C62", "each": "C62",
    "portion": "PTN", "porsiyon": "PTN", "bottle": "BO", "şişe": "BO", "box": "BX", "koli": "BX",
    "pack": "PA", "paket": "PA", "m": "MTR", "metre": "MTR", "hour": "HUR", "saat": "HUR",
    "day": "DAY", "gün": "DAY", "month": "MON", "ay": "MON", "pair": "PR", "set": "SET",
}

# A final consumer without a TCKN on an e-Arşiv invoice: GİB's guide has the buyer written as
# 11111111111 (e-Arşiv Fatura Uygulaması Teknik Kılavuzu, the buyer's identification).
ANONYMOUS_TCKN = "11111111111"

# A buyer abroad has no Turkish tax number: GİB's e-Arşiv practice writes 2222222222 in its place (the
# buyer's own id stays in the books and on the printable copy).
FOREIGN_VKN = "2222222222"

ETTN_NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")   # uuid.NAMESPACE_URL


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    tax_id: str                 # VKN (10 digits) or TCKN (11); a foreign party: its own id as written
    scheme: str                 # VKN | TCKN
    tax_office: str | None
    address: str | None
    city: str | None
    district: str | None
    country: str                # ISO 3166 alpha-2
    person: bool


@dataclass(frozen=True, slots=True)
class Line:
    no: int
    name: str
    quantity: Decimal
    unit: str                   # UN/ECE Rec 20 code
    price: Decimal
    discount: int               # minor units of the document currency
    net: int                    # quantity x price - discount, half-up (what the revenue posting holds)
    vat_rate: Decimal
    vat: int                    # net x rate, half-up per line (what the VAT posting holds)


@dataclass(frozen=True, slots=True)
class EInvoice:
    doc: Document
    number: str
    ettn: str
    profile: str                # TEMELFATURA | EARSIVFATURA
    type_code: str              # SATIS | IADE
    currency: str
    decimals: int
    rate: str | None            # TRY per unit of a foreign currency
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    billing_reference: tuple[str, date] | None = None   # IADE: the supplier's invoice returned

    @property
    def net(self) -> int:
        return sum(line.net for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def vat(self) -> int:
        return sum(line.vat for line in self.lines)

    @property
    def gross(self) -> int:
        return self.net + self.vat

    def vat_by_rate(self) -> list[tuple[Decimal, int, int]]:
        """(rate, taxable amount, VAT) per rate, lowest rate first."""
        out: dict[Decimal, list[int]] = {}
        for line in self.lines:
            acc = out.setdefault(line.vat_rate, [0, 0])
            acc[0] += line.net
            acc[1] += line.vat
        return [(rate, base, vat) for rate, (base, vat) in sorted(out.items())]


def ettn_for(company_tax_id: str, doc_id: str) -> str:
    """The ETTN of an invoice: a name-based UUID (RFC 4122 version 5) over the company's VKN and the
    invoice id, so the same books always give the same ETTN and no two invoices of a company share one."""
    return str(uuid.uuid5(ETTN_NAMESPACE, f"urn:kebir:ettn:{company_tax_id}:{doc_id}"))


def unit_code(written: str | None) -> str | None:
    """The UN/ECE code of a unit as written, or None when kebir cannot tell."""
    if not written:
        return None
    text = written.strip()
    if re.fullmatch(r"[A-Z0-9]{2,3}", text):
        return text
    return UNIT_CODES.get(text.lower())


def vat_table(book: Book, role: str = "vat_output") -> set[str]:
    """The VAT rates the books post (the keys of books.toml [accounts.vat_output], or vat_input)."""
    return {r.split(":", 1)[1] for r, _ in book.settings.roles if r.startswith(role + ":")}


def is_e_invoice_user(contact: Contact | None) -> bool:
    return bool(contact and str(contact.get("e_invoice") or "").lower() == "true")


def exported(book: Book, period: str | None = None, ids: tuple[str, ...] = ()) -> list[Document]:
    """The issued documents that go out as e-invoices, of a month (YYYY-MM) or by id, by date then id."""
    docs = [d for d in book.documents if d.kind in EXPORTED_KINDS and d.status != "cancelled"
            and d.status != "draft"]
    if ids:
        docs = [d for d in docs if d.id in ids]
    if period:
        docs = [d for d in docs if f"{d.date:%Y-%m}" == period]
    return sorted(docs, key=lambda d: (d.date, d.id))


def _company(book: Book) -> Party:
    st = book.settings.statutory
    tax = (st.tax_id or "").replace(" ", "")
    return Party(book.settings.name, tax, "TCKN" if len(tax) == 11 else "VKN", st.tax_office, st.address, st.city,
                 st.district, "TR", False)


def company_problems(book: Book) -> list[Problem]:
    """E225 when books.toml [statutory] has no tax_id, E231 when it fails its check digit: the seller
    of every e-invoice and the seed of every ETTN."""
    st = book.settings.statutory
    if not st.tax_id:
        return [Problem("E225", "books.toml", 1, "the company's VKN is not in books.toml [statutory]: an e-invoice "
                        "names its seller by it and the ETTN is made from it", expected='tax_id = "<10 digits>"',
                        found="none", hint='add [statutory] with tax_id = "...", tax_office, address and city, as '
                        "on the company's tax plate (vergi levhası) (docs/statutory.md)")]
    return company_vkn(book)


def _party(contact: Contact | None, party_id: str) -> Party:
    if contact is None:
        return Party(party_id, "", "VKN", None, None, None, None, "TR", False)
    tax = str(contact.get("tax_id") or "").replace(" ", "")
    country = str(contact.get("country") or "TR").upper()
    person = contact.kind == "person"
    if country != "TR":
        return Party(contact.name, FOREIGN_VKN, "VKN", contact.get("tax_office"), contact.get("address"),
                     contact.get("city"), contact.get("district"), country, person)
    scheme = "TCKN" if len(tax) == 11 else "VKN"
    return Party(contact.name, tax, scheme, contact.get("tax_office"), contact.get("address"), contact.get("city"),
                 contact.get("district"), country, person)


def einvoice(book: Book, doc: Document, docs_by_id: dict[str, Document] | None = None, numbering: bool = False
             ) -> tuple[EInvoice | None, list[Problem]]:
    """The e-invoice of one issued document, or None with the problems that stop it. `numbering`: the
    checks `kebir einvoice number` makes before it gives a number (all but the number's own)."""
    problems: list[Problem] = company_problems(book)
    src = doc.source

    def problem(code: str, line: int, message: str, hint: str, expected: str = "", found: str = "") -> None:
        problems.append(Problem(code, src.path, line, message, record=doc.id, expected=expected, found=found,
                                hint=hint))

    st = book.settings.statutory
    big = too_large(book, doc)
    if big is not None:
        problems.append(big)
    contact = book.contacts.get(doc.party)
    registered = is_e_invoice_user(contact)
    profile = "TEMELFATURA" if registered else "EARSIVFATURA"
    buyer = _party(contact, doc.party)
    if not buyer.tax_id:
        if registered or not buyer.person:
            kind = "an e-Fatura" if registered else "an e-Arşiv invoice to a company"
            problem("E220", src.line, f"{doc.id} is {kind}, but its party {doc.party} has no tax number",
                    "add the party's `tax_id` (VKN, or TCKN for a sole trader) to its record in contacts/erp/",
                    expected="a VKN or TCKN on the party", found="none")
        else:
            buyer = Party(buyer.name, ANONYMOUS_TCKN, "TCKN", buyer.tax_office, buyer.address, buyer.city,
                          buyer.district, buyer.country, True)
    elif buyer.country == "TR" and (why := tax_id_fault(buyer.tax_id, "TR")):
        where = contact.source if contact is not None else src
        problem("E230", src.line, f"{doc.id} goes to {doc.party}, whose tax_id {why}",
                f"correct `tax_id` of {doc.party} ({where.path}:{where.line}) from its tax plate or an invoice it "
                "sent you; GİB refuses an e-invoice to a number that fails its check, and the buyer cannot deduct "
                "its VAT", expected="a VKN (10 digits) or TCKN (11) with its check digits", found=buyer.tax_id)
    number, ettn = doc.number or "", doc.ettn or ""
    if numbering:
        pass
    elif not number or not ettn:
        missing = " and ".join(x for x, v in (("GİB number", number), ("ETTN", ettn)) if not v)
        problem("E223", src.line, f"{doc.id} has no {missing} yet", f"run `kebir einvoice number -p {doc.date:%Y-%m}`"
                " to give the month's invoices their numbers (open months only)",
                expected="number: and ettn: on the invoice", found="none")
    else:
        m = NUMBER.fullmatch(number)
        if m is None or int(m.group(1)) != doc.date.year:
            problem("E224", src.line, f"{doc.id}'s number {number} is not a GİB invoice number of {doc.date.year}",
                    "a GİB number is three characters, the invoice's year and nine digits, e.g. "
                    f"{st.efatura_series}{doc.date.year}000000001; remove it and run `kebir einvoice number`",
                    expected=f"XXX{doc.date.year}#########", found=number)
        elif st.efatura_series != st.earsiv_series and number[:3] in (st.efatura_series, st.earsiv_series) \
                and number[:3] != (st.efatura_series if registered else st.earsiv_series):
            was, now = ("e-Fatura", "e-Arşiv") if number[:3] == st.efatura_series else ("e-Arşiv", "e-Fatura")
            status = "is now a registered e-Fatura user" if registered else "is no longer marked e_invoice: true"
            problem("E232", src.line, f"{doc.id} was numbered {number} in the {was} series, but its party "
                    f"{doc.party} {status}: it would go out as {now} ({profile}) under an {was} number",
                    f"an invoice keeps the scenario it was issued under. If {doc.party}'s `e_invoice` was changed "
                    f"by mistake, change it back. If {doc.id} was already sent as {was}, it stays as sent (keep the "
                    f"copy you sent). If it was never sent, remove its `number:` and `ettn:` lines and run "
                    f"`kebir einvoice number -p {doc.date:%Y-%m}` to number it in the {now} series",
                    expected=f"a number of the {now} series "
                             f"{st.efatura_series if registered else st.earsiv_series}", found=number)
    reference = None
    if doc.kind == "supplier-credit-note":
        original = (docs_by_id or {}).get(doc.invoice or "")
        if original is None or not original.number:
            problem("E226", src.line, f"{doc.id} returns goods on {doc.invoice or 'no invoice'}, which has no "
                    "supplier's invoice number to refer to",
                    "give the supplier invoice its `number:` as printed on it (a return names the invoice it returns)",
                    expected="invoice: SI-... with a number", found=str(doc.invoice))
        else:
            reference = (original.number, original.date)
    currency = doc.currency or book.base
    dec = book.settings.decimals(currency) or 2
    table = vat_table(book, "vat_input" if doc.kind == "supplier-credit-note" else "vat_output")
    lines: list[Line] = []
    for n, ln in enumerate(doc.lines, start=1):
        item = book.items.get(ln.item) if ln.item else None
        code = unit_code(ln.unit or (item.unit if item else None))
        if code is None:
            written = ln.unit or (item.unit if item else None)
            problem("E221", ln.source.line or src.line, f"line {n} of {doc.id} has no unit kebir can put on an "
                    "e-invoice" + (f" ({written!r} is not one it knows)" if written else ""),
                    "give the line `unit:` (kg, l, piece, portion ... or a UN/ECE code such as C62), or give its "
                    "item a unit in stock/items.yaml", expected="a unit (UN/ECE Rec 20)", found=written or "none")
        name = vat_rate_name(ln.vat_rate)
        if name not in table:
            problem("E222", ln.source.line or src.line, f"line {n} of {doc.id} has VAT {name}%, a rate not in the "
                    "books' VAT table", "use a rate of books.toml [accounts.vat_output] (" +
                    ", ".join(sorted(table, key=Decimal)) + "), or add the rate there with its account",
                    expected="one of " + ", ".join(sorted(table, key=Decimal)), found=name)
        lines.append(_line(n, ln, item.name if item else None, code or "C62", dec))
    if problems:
        return None, problems
    rate = document_rate(book, doc, currency) if currency != book.base else None
    seller, buyer_party = _company(book), buyer
    return EInvoice(doc, number, ettn, profile, "IADE" if doc.kind == "supplier-credit-note" else "SATIS", currency,
                    dec, rate, seller, buyer_party, tuple(lines), reference), []


def _line(n: int, ln: OrderLine, item_name: str | None, code: str, dec: int) -> Line:
    def minor(value: Decimal) -> int:
        return int(round_half_up(value, dec).scaleb(dec))

    net = minor(ln.quantity * ln.price - ln.discount)
    vat = minor(Decimal(net).scaleb(-dec) * ln.vat_rate / 100)
    return Line(n, ln.description or item_name or ln.item or f"line {n}", ln.quantity, code, ln.price,
                minor(ln.discount), net, ln.vat_rate, vat)


def einvoices(book: Book, period: str | None = None, ids: tuple[str, ...] = ()
              ) -> tuple[list[EInvoice], list[Problem]]:
    """Every exported document of a month (or the ids given) as an e-invoice, with the problems of
    those that cannot go out: numbers used twice across the books (E224), out of date order (E229)."""
    by_id = {d.id: d for d in book.documents}
    out: list[EInvoice] = []
    docs = exported(book, period, ids)
    wanted = {d.id for d in docs}
    rows = numbered(book)
    problems: list[Problem] = duplicates(rows, wanted) + order_faults(rows, wanted)
    for d in docs:
        inv, found = einvoice(book, d, by_id)
        problems += [p for p in found if p not in problems]
        if inv is not None:
            out.append(inv)
            problems += [p for p in no_tax_office(book, inv) if p not in problems]
    return out, problems


def no_tax_office(book: Book, inv: EInvoice) -> list[Problem]:
    """W046 for the seller, and a Turkish company buyer, without a tax office: VUK Art. 230 has an
    invoice name the buyer's tax office, and the seller's is printed on every copy."""
    out = []
    if not inv.seller.tax_office:
        out.append(Problem("W046", "books.toml", 1, "the company's tax office is not in books.toml [statutory]: "
                           "its e-invoices go out without it", expected='tax_office = "..."', found="none",
                           hint='add tax_office = "..." to [statutory], as on the tax plate (vergi levhası)'))
    buyer = inv.buyer
    if buyer.country == "TR" and buyer.scheme == "VKN" and not buyer.tax_office:
        c = book.contacts.get(inv.doc.party)
        src = c.source if c is not None else inv.doc.source
        out.append(Problem("W046", src.path, src.line, f"{inv.doc.id} names {inv.doc.party} without its tax office "
                           "(vergi dairesi): VUK Art. 230 has an invoice name the buyer's", record=inv.doc.party,
                           expected="tax_office on the party", found="none",
                           hint=f"add `tax_office:` to {inv.doc.party} as printed on its invoices or tax plate; "
                                "the XML is written, without cac:PartyTaxScheme for the buyer"))
    return out
