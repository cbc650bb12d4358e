"""The printable copy of an e-invoice (the e-Arşiv "görsel"): one self-contained HTML page with the
seller, the buyer, the invoice's GİB number, ETTN, profile and type, the lines, VAT per rate and the
totals, from the same `EInvoice` the XML is written from, so the copy and the XML cannot disagree.
A4 print styles; no scripts, no external resources.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from core.interop.einvoice.model import EInvoice, Party
from core.interop.einvoice.ubl import COUNTRY_NAMES

PROFILES = {"TEMELFATURA": "e-Fatura (Temel Fatura)", "EARSIVFATURA": "e-Arşiv Fatura"}

STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0; }
header { display: flex; justify-content: space-between; gap: 12mm; border-bottom: 2px solid #333; padding-bottom: 4mm; }
.party h2 { font-size: 11pt; margin: 0 0 2mm 0; }
.party p { margin: 0; }
.meta { border-collapse: collapse; margin-top: 4mm; }
.meta th { text-align: left; padding: 1mm 4mm 1mm 0; font-weight: normal; color: #444; }
.meta td { padding: 1mm 0; font-weight: bold; }
table.lines { width: 100%; border-collapse: collapse; margin-top: 6mm; }
table.lines th, table.lines td { border: 1px solid #999; padding: 1.5mm 2mm; }
table.lines th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.totals { margin: 4mm 0 0 auto; border-collapse: collapse; }
table.totals th { text-align: left; padding: 1mm 6mm 1mm 0; font-weight: normal; }
table.totals td { text-align: right; padding: 1mm 0; font-variant-numeric: tabular-nums; }
table.totals tr.payable th, table.totals tr.payable td { font-weight: bold; border-top: 2px solid #333; }
footer { margin-top: 8mm; font-size: 8pt; color: #555; }
"""


def tr_amount(minor: int, decimals: int) -> str:
    """1234567 kuruş -> 12.345,67 (Turkish grouping and decimal comma)."""
    text = f"{Decimal(minor).scaleb(-decimals):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _party(title: str, p: Party) -> str:
    rows = [f"<h2>{escape(title)}</h2>", f"<p class=\"name\">{escape(p.name)}</p>"]
    for text in (p.address, " / ".join(x for x in (p.district, p.city) if x),
                 COUNTRY_NAMES.get(p.country, p.country)):
        if text:
            rows.append(f"<p>{escape(text)}</p>")
    if p.tax_office:
        rows.append(f"<p>Vergi Dairesi: {escape(p.tax_office)}</p>")
    rows.append(f"<p>{escape(p.scheme)}: <span class=\"tax-id\">{escape(p.tax_id)}</span></p>")
    return "<div class=\"party\">" + "".join(rows) + "</div>"


def to_html(inv: EInvoice) -> str:
    """The printable copy of one e-invoice."""
    cur, dec, doc = inv.currency, inv.decimals, inv.doc
    meta = [("Senaryo", PROFILES.get(inv.profile, inv.profile)), ("Fatura Tipi", inv.type_code),
            ("Fatura No", inv.number), ("Fatura Tarihi", f"{doc.date:%d.%m.%Y}"), ("ETTN", inv.ettn)]
    if inv.rate:
        meta.append(("Döviz Kuru", f"1 {cur} = {inv.rate.replace('.', ',')} TRY"))
    if inv.billing_reference:
        meta.append(("İade Edilen Fatura", f"{inv.billing_reference[0]} ({inv.billing_reference[1]:%d.%m.%Y})"))
    lines = "".join(
        f"<tr><td class=\"num\">{ln.no}</td><td>{escape(ln.name)}</td><td class=\"num\">{_number(ln.quantity)} "
        f"{escape(ln.unit)}</td><td class=\"num\">{_number(ln.price)} {cur}</td>"
        f"<td class=\"num\">{tr_amount(ln.discount, dec) if ln.discount else ''}</td>"
        f"<td class=\"num\">%{_number(ln.vat_rate)}</td><td class=\"num\">{tr_amount(ln.vat, dec)} {cur}</td>"
        f"<td class=\"num\">{tr_amount(ln.net, dec)} {cur}</td></tr>"
        for ln in inv.lines)
    vat_rows = "".join(f"<tr><th>Hesaplanan KDV (%{_number(rate)}) matrah {tr_amount(base, dec)}</th>"
                       f"<td>{tr_amount(vat, dec)} {cur}</td></tr>" for rate, base, vat in inv.vat_by_rate())
    note = f"<p class=\"note\">Not: {escape(doc.memo)}</p>" if doc.memo else ""
    return f"""<!DOCTYPE html>
<html lang="tr">
<head>
<meta charset="utf-8">
<title>{escape(inv.number)} - {escape(inv.buyer.name)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
{_party("Satıcı", inv.seller)}
{_party("Alıcı", inv.buyer)}
</header>
<table class="meta">
{"".join(f'<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in meta)}
</table>
<table class="lines">
<thead><tr><th>Sıra</th><th>Mal / Hizmet</th><th>Miktar</th><th>Birim Fiyat</th><th>İskonto</th><th>KDV Oranı</th>
<th>KDV Tutarı</th><th>Mal / Hizmet Tutarı</th></tr></thead>
<tbody>
{lines}
</tbody>
</table>
<table class="totals">
<tr><th>Mal / Hizmet Toplam Tutarı</th><td>{tr_amount(inv.net + inv.discount, dec)} {cur}</td></tr>
<tr><th>Toplam İskonto</th><td>{tr_amount(inv.discount, dec)} {cur}</td></tr>
{vat_rows}
<tr><th>Vergiler Dahil Toplam Tutar</th><td>{tr_amount(inv.gross, dec)} {cur}</td></tr>
<tr class="payable"><th>Ödenecek Tutar</th><td class="payable-amount">{tr_amount(inv.gross, dec)} {cur}</td></tr>
</table>
{note}
<footer>{escape(doc.id)} · {escape(PROFILES.get(inv.profile, inv.profile))} · imzasız taslak: imzalanıp gönderilmesi
entegratörün işidir.</footer>
</body>
</html>
"""
