"""Form Ba (purchases) and Form Bs (sales) of one month (docs/statutory.md).

Each form lists the counterparties whose documents in the month add up to the threshold or more,
excluding VAT (books.toml [statutory] babs_threshold, 5,000 TRY as in force for 2025), with
the party's VKN/TCKN, country, the number of documents and their total in the base currency.

Which form a document goes on follows GİB's rule for returns: a return invoice is reported by the
party that issues it on its Bs and by the one that receives it on its Ba. So Bs holds our sales
invoices and our returns to suppliers (supplier credit notes, issued as IADE invoices by us); Ba
holds the supplier invoices, the customers' returns (our credit notes record the customer's IADE
invoice) and manual entries that book a purchase with input VAT (a rent or service invoice entered
as a journal entry: its counterparty is the entry's payee or the contact of its postings, its
amount the entry's debits other than VAT). Z-reports are sales to final consumers, on no form.

A Turkish party on a form without a valid VKN/TCKN is a problem (E227) at its record; a foreign
party is listed with its country and its own id as written.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import polars as pl

from core.books.tax_numbers import tax_id_fault, turkish
from core.ledger.period import month_bounds
from core.ledger.posting import document_rate
from core.model.errors import Problem
from core.model.money import convert_minor, from_minor, round_half_up
from core.model.records import Book
from core.reports import Column, Table

BS_KINDS = {"invoice": 1, "supplier-credit-note": 1}
BA_KINDS = {"supplier-invoice": 1, "credit-note": 1}


def _net(book: Book, doc) -> int:
    """A document's lines excluding VAT, in base minor units (as the derivation posts them)."""
    currency = doc.currency or book.base
    dec = book.settings.decimals(book.base) or 2
    cdec = book.settings.decimals(currency) or dec
    rate = document_rate(book, doc, currency)
    total = 0
    for ln in doc.lines:
        net = int(round_half_up(ln.quantity * ln.price - ln.discount, cdec).scaleb(cdec))
        total += convert_minor(net, cdec, rate, dec) if currency != book.base and rate else net
    return total


def babs_totals(book: Book, period: str) -> dict[str, dict[str, list[int]]]:
    """form (Ba | Bs) -> party -> [documents, total excl. VAT in base minor units], every party."""
    begin, end = month_bounds(period)
    out: dict[str, dict[str, list[int]]] = {"Ba": defaultdict(lambda: [0, 0]), "Bs": defaultdict(lambda: [0, 0])}
    for d in book.documents:
        if not begin <= d.date <= end or d.status in ("cancelled", "draft"):
            continue
        form = "Bs" if d.kind in BS_KINDS else "Ba" if d.kind in BA_KINDS else None
        if form is None:
            continue
        slot = out[form][d.party]
        slot[0] += 1
        slot[1] += _net(book, d)
    vat = {c for r, c in book.settings.roles if r.startswith(("vat_input:", "vat_output:"))}
    p = book.postings.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
    if not p.is_empty():
        inputs = {c for r, c in book.settings.roles if r.startswith("vat_input:")}
        buying = set(p.filter(pl.col("account").is_in(sorted(inputs)) & (pl.col("base") > 0))["entry_id"].to_list())
        if buying:
            payees = dict(book.entries.filter(pl.col("id").is_in(sorted(buying))).select("id", "payee").iter_rows())
            rows = p.filter(pl.col("entry_id").is_in(sorted(buying)))
            for entry, part in rows.group_by("entry_id", maintain_order=True):
                eid = entry[0]
                party = payees.get(eid) or next((c for c in part["contact"].to_list() if c), None)
                net = int(part.filter(~pl.col("account").is_in(sorted(vat)) & (pl.col("base") > 0))["base"].sum() or 0)
                if party and net > 0:
                    slot = out["Ba"][party]
                    slot[0] += 1
                    slot[1] += net
    return {form: dict(parties) for form, parties in out.items()}


def threshold(book: Book) -> int:
    dec = book.settings.decimals(book.base) or 2
    return int(Decimal(book.settings.statutory.babs_threshold).scaleb(dec))


def babs(book: Book, period: str) -> tuple[list[tuple[str, str, int, int]], list[Problem]]:
    """The forms' rows (form, party, documents, total) at or above the threshold, and the problems."""
    limit = threshold(book)
    rows, problems = [], []
    for form, parties in sorted(babs_totals(book, period).items()):
        for party, (count, total) in sorted(parties.items(), key=lambda kv: (-kv[1][1], kv[0])):
            if total < limit:
                continue
            rows.append((form, party, count, total))
            c = book.contacts.get(party)
            country = (c.get("country") if c else None) or "TR"
            tax = str(c.get("tax_id") or "") if c else ""
            if turkish(country) and (not tax or tax_id_fault(tax, country)):
                why = tax_id_fault(tax, country) if tax else "it has no tax number"
                src = c.source if c else None
                problems.append(Problem("E227", src.path if src else "contacts/erp", src.line if src else 1,
                                        f"{party} is on Form {form} for {period}, but {why}", record=party,
                                        expected="a VKN (10 digits) or TCKN (11) with its check digits",
                                        found=tax or "none",
                                        hint="add the party's `tax_id` from its invoice or tax plate; a foreign "
                                             "party: give it `country:`"))
    return rows, problems


def build_babs(book: Book, period: str) -> Table:
    """Form Ba and Form Bs of a month, one row per counterparty at or above the threshold."""
    rows, _problems = babs(book, period)
    dec = book.settings.decimals(book.base) or 2
    out = []
    for form, party, count, total in rows:
        c = book.contacts.get(party)
        out.append((form, party, c.name if c else "", str(c.get("tax_id") or "") if c else "",
                    (c.get("country") if c else None) or "TR", count, from_minor(total, dec)))
    cols = (Column("form", "form"), Column("party", "party"), Column("name", "name"), Column("tax_id", "VKN/TCKN"),
            Column("country", "country"), Column("documents", "documents", "int"),
            Column("total", "total excl. VAT", "money"))
    totals = ("", "", "", "", "", sum(r[5] for r in out), sum((r[6] for r in out), Decimal(0)))
    return Table("ba-bs", f"Form Ba / Form Bs {period} (from {book.settings.statutory.babs_threshold} "
                 f"{book.base} excl. VAT)", cols, tuple(out), totals,
                 meta={"currency": book.base, "company": book.settings.name, "period": period,
                       "threshold": book.settings.statutory.babs_threshold})
