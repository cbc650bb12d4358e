"""Checks on commercial documents: parties, references, quantities, allocations, transitions.

A document's status follows from its records; what cannot happen in the real flow is an error
with the document's file:line: invoicing more than was delivered, crediting more than was
invoiced, paying a cancelled invoice, allocating more than a payment holds, a supplier on a sales
document. Warnings (a credit limit passed) do not change the exit code unless `--strict`.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import polars as pl

from core.model.errors import Problem
from core.model.records import CUSTOMER_KINDS, Book, Document
from core.model.money import fmt_minor
from core.ledger.subledger import open_items

NEEDS_LINES = frozenset({"quotation", "sales", "purchase", "invoice", "credit-note", "supplier-invoice",
                         "supplier-credit-note"})
NEEDS_AMOUNT = frozenset({"payment", "advance", "supplier-payment"})
CREDITS = {"credit-note": "invoice", "supplier-credit-note": "supplier-invoice", "doubtful": "invoice"}
PAYS = {"payment": "invoice", "supplier-payment": "supplier-invoice"}


def _p(doc: Document, code: str, message: str, hint: str, expected: str = "", found: str = "",
       line: int | None = None) -> Problem:
    return Problem(code, doc.source.path, line or doc.source.line, message, record=doc.id, expected=expected,
                   found=found, hint=hint)


def check_documents(book: Book) -> list[Problem]:
    problems: list[Problem] = []
    for doc in book.documents:
        problems += _check_party(book, doc)
        problems += _check_shape(book, doc)
        problems += _check_references(book, doc)
    problems += _check_quantities(book)
    problems += _check_allocations(book)
    return problems


def _check_party(book: Book, doc: Document) -> list[Problem]:
    party = book.contacts.get(doc.party)
    want = "customer" if doc.kind in CUSTOMER_KINDS else "supplier"
    if party is None:
        return [_p(doc, "E031", f"party {doc.party} is not a known contact", found=doc.party,
                   hint="add the contact first (kebir contacts add) or correct `party`")]
    if party.role != want:
        return [_p(doc, "E038", f"a {doc.kind} document's party must be a {want}, {doc.party} is a {party.role}",
                   hint=f"use a {want} id ({'CU-' if want == 'customer' else 'SU-'}...)")]
    return []


def _check_shape(book: Book, doc: Document) -> list[Problem]:
    out: list[Problem] = []
    if doc.kind in NEEDS_LINES and not doc.lines:
        out.append(_p(doc, "E010", f"a {doc.kind} needs `lines`", hint="add the lines: item, quantity, price"))
    if doc.kind in NEEDS_AMOUNT and doc.amount is None:
        out.append(_p(doc, "E010", f"a {doc.kind} needs `amount`", hint="add `amount: ...`"))
    if doc.kind in CREDITS and not doc.invoice:
        out.append(_p(doc, "E010", "a credit note names the invoice it credits",
                      hint=f"add `invoice: ...` (the {CREDITS[doc.kind]} id)"))
    if doc.location and doc.location not in book.locations:
        out.append(_p(doc, "E033", f"unknown location {doc.location}", hint="add it to stock/locations.yaml"))
    if doc.currency and book.settings.decimals(doc.currency) is None:
        out.append(_p(doc, "E036", f"currency {doc.currency} is not declared",
                      hint=f"add `{doc.currency} = 2` under [currencies] in books.toml"))
    if doc.account and doc.account not in book.accounts:
        out.append(_p(doc, "E030", f"account {doc.account} is not in the chart", found=doc.account,
                      hint="add it to accounts.yaml or correct `account`"))
    if doc.rep and doc.rep not in book.contacts:
        out.append(_p(doc, "E031", f"rep {doc.rep} is not a known contact", hint="use an employee id (EM-...)"))
    for line in doc.lines:
        if line.item is not None and line.item not in book.items:
            out.append(Problem("E032", line.source.path, line.source.line,
                               f"item {line.item} is not in stock/items.yaml",
                               record=doc.id, found=line.item, hint="add the item or correct the id"))
        if line.item is None and line.account is None and doc.kind not in ("quotation", "sales", "purchase"):
            out.append(Problem("E010", line.source.path, line.source.line, "a line needs `item` or `account`",
                               record=doc.id, hint="name the item sold, or the account a service line posts to"))
        if line.account is not None and line.account not in book.accounts:
            out.append(Problem("E030", line.source.path, line.source.line,
                               f"account {line.account} is not in the chart",
                               record=doc.id, hint="add it to accounts.yaml or correct `account`"))
        if line.quantity <= 0:
            out.append(Problem("E012", line.source.path, line.source.line, "quantity must be positive",
                               record=doc.id, found=str(line.quantity),
                               hint="a return or credit is its own document (credit-note, kind: return move)"))
    return out


def _check_references(book: Book, doc: Document) -> list[Problem]:
    out: list[Problem] = []
    if doc.order:
        order = book.document(doc.order)
        want = "sales" if doc.kind in CUSTOMER_KINDS else "purchase"
        if order is None:
            out.append(_p(doc, "E038", f"order {doc.order} does not exist", found=doc.order,
                          hint="correct `order:` or add the order"))
        elif order.kind != want or order.party != doc.party:
            out.append(_p(doc, "E038", f"order {doc.order} is a {order.kind} order of {order.party}",
                          expected=f"a {want} order of {doc.party}", hint="correct `order:`"))
        elif order.status == "cancelled":
            out.append(_p(doc, "E049", f"order {doc.order} is cancelled", hint="a cancelled order takes no documents"))
    if doc.kind in CREDITS and doc.invoice:
        inv = book.document(doc.invoice)
        if inv is None or inv.kind != CREDITS[doc.kind] or inv.party != doc.party:
            out.append(_p(doc, "E038", f"{doc.invoice} is not a {CREDITS[doc.kind]} of {doc.party}",
                          found=doc.invoice, hint="correct `invoice:`"))
    return out


def delivered(book: Book) -> dict[tuple[str, str], int]:
    """(order id, item) -> delivered (sales) or received (purchase) quantity in thousandths, net of returns."""
    m = book.moves.filter(pl.col("document").is_not_null() & pl.col("qty").is_not_null())
    if m.is_empty():
        return {}
    signed = m.with_columns(q=pl.when(pl.col("kind") == "return").then(-pl.col("qty")).otherwise(pl.col("qty")))
    sums = signed.filter(pl.col("kind").is_in(["issue", "receipt", "return"])).group_by("document", "item").agg(
        pl.col("q").sum())
    return {(d, i): q for d, i, q in sums.iter_rows()}


def _thousandths(q: Decimal) -> int:
    return int((q * 1000).to_integral_value())


def _check_quantities(book: Book) -> list[Problem]:
    """Invoiced <= delivered for stocked items of an order with deliveries; credited <= invoiced."""
    out: list[Problem] = []
    moved = delivered(book)
    invoiced: dict[tuple[str, str], int] = defaultdict(int)
    by_invoice: dict[tuple[str, str], int] = defaultdict(int)
    for doc in book.documents:
        if doc.kind in ("invoice", "supplier-invoice") and doc.status != "cancelled":
            for line in doc.lines:
                if line.item:
                    by_invoice[(doc.id, line.item)] += _thousandths(line.quantity)
                    if doc.order:
                        invoiced[(doc.order, line.item)] += _thousandths(line.quantity)
                        item = book.items.get(line.item)
                        have = moved.get((doc.order, line.item))
                        if item is not None and item.type == "stock" and have is not None and \
                                invoiced[(doc.order, line.item)] > have:
                            verb = "delivered" if doc.kind == "invoice" else "received"
                            out.append(Problem(
                                "E049", line.source.path, line.source.line,
                                f"{line.item} invoiced beyond what was {verb} on {doc.order}", record=doc.id,
                                expected=f"at most {fmt_minor(have, 3)}",
                                found=fmt_minor(invoiced[(doc.order, line.item)], 3),
                                hint=f"invoice what was {verb}; record the rest of the {verb[:-2]}y first"))
    for doc in book.documents:
        if doc.kind not in ("sales", "purchase") or doc.status == "cancelled":
            continue
        ordered: dict[str, int] = defaultdict(int)
        where = {}
        for line in doc.lines:
            if line.item:
                ordered[line.item] += _thousandths(line.quantity)
                where.setdefault(line.item, line.source)
        for item, want in ordered.items():
            got = moved.get((doc.id, item), 0)
            if got > want and book.items.get(item) is not None and book.items[item].type == "stock":
                verb = "delivered" if doc.kind == "sales" else "received"
                out.append(Problem("E049", where[item].path, where[item].line,
                                   f"{item} {verb} beyond what {doc.id} ordered", record=doc.id,
                                   expected=f"at most {fmt_minor(want, 3)}", found=fmt_minor(got, 3),
                                   hint=f"correct the {'delivery' if doc.kind == 'sales' else 'receipt'}'s quantity, "
                                        "or raise the order's quantity"))
    credited: dict[tuple[str, str], int] = defaultdict(int)
    for doc in book.documents:
        if doc.kind in CREDITS and doc.invoice:
            for line in doc.lines:
                if line.item:
                    credited[(doc.invoice, line.item)] += _thousandths(line.quantity)
                    if credited[(doc.invoice, line.item)] > by_invoice.get((doc.invoice, line.item), 0):
                        out.append(Problem("E049", line.source.path, line.source.line,
                                           f"{line.item} credited beyond what {doc.invoice} invoiced", record=doc.id,
                                           hint="credit at most the invoiced quantity"))
    return out


def _check_allocations(book: Book) -> list[Problem]:
    out: list[Problem] = []
    for doc in book.documents:
        if doc.kind in PAYS:
            total = sum((a.amount for a in doc.allocations), Decimal(0))
            if doc.amount is not None and total > doc.amount:
                out.append(_p(doc, "E049", f"allocations ({total}) exceed the payment ({doc.amount})",
                              hint="allocate at most the amount paid"))
            for a in doc.allocations:
                inv = book.document(a.doc)
                if inv is None or inv.kind != PAYS[doc.kind] or inv.party != doc.party:
                    out.append(_p(doc, "E038", f"{a.doc} is not a {PAYS[doc.kind]} of {doc.party}",
                                  found=a.doc, hint="allocate to this party's invoices"))
                elif inv.status == "cancelled":
                    out.append(_p(doc, "E049", f"payment allocated to cancelled invoice {a.doc}",
                                  hint="allocate it to an open invoice, or leave it on account"))
                elif (inv.currency or book.base) != (doc.currency or book.base):
                    out.append(_p(doc, "E038", f"{a.doc} is in {inv.currency or book.base}, the payment in "
                                  f"{doc.currency or book.base}", hint="pay an invoice in its own currency"))
        if doc.kind == "invoice":
            for a in doc.applies:
                adv = book.document(a.doc)
                if adv is None or adv.kind != "advance" or adv.party != doc.party:
                    out.append(_p(doc, "E038", f"{a.doc} is not an advance of {doc.party}", found=a.doc,
                                  hint="apply this customer's advances"))
    return out


def check_credit_limits(book: Book) -> list[Problem]:
    """W001: a customer's open balance above its credit limit (at the latest date in the books)."""

    if book.settings.role("receivable") is None:
        return []
    totals: dict[str, int] = defaultdict(int)
    for item in open_items(book, "ar"):
        totals[item.contact] += item.amount
    dec = book.settings.base_decimals
    out = []
    for contact, total in sorted(totals.items()):
        c = book.contacts.get(contact)
        limit = c.get("credit_limit") if c else None
        if limit is None:
            continue
        limit_minor = int(Decimal(limit).scaleb(dec))
        if total > limit_minor:
            out.append(Problem("W001", c.source.path, c.source.line, f"{c.name} owes more than its credit limit",
                               record=contact, expected=f"at most {limit} {book.base}",
                               found=f"{fmt_minor(total, dec)} {book.base} open",
                               hint="collect, raise `credit_limit`, or hold new orders (kebir report aging ar)"))
    return out


def check_tie_outs(book: Book) -> list[Problem]:
    """Subledgers equal their control accounts: what would make them differ is reported.

    AR and AP subledgers are the control accounts' postings by contact, so a control posting with
    no contact is the difference (E053). The stock ledger values the inventory account through
    derived postings only, so a manual entry on an inventory account is the difference (E052).
    """
    out: list[Problem] = []
    for role in ("receivable", "payable"):
        code = book.settings.role(role)
        if code is None:
            continue
        loose = book.postings.filter((pl.col("account") == code) & pl.col("contact").is_null())
        for eid, f, ln in loose.select("entry_id", "file", "line").iter_rows():
            out.append(Problem("E053", str(f), ln, f"posting on the {role} control account {code} names no contact",
                               record=eid, expected="a `contact:` on every control-account posting",
                               hint="add `contact: CU-...`/`SU-...` so the subledger can hold it"))
    inventory = {book.settings.role("inventory")} | {
        code for holder in (*book.items.values(), *book.locations.values())
        for role, code in holder.accounts if role == "inventory"}
    inventory.discard(None)
    if inventory and not book.moves.is_empty():
        # a close's correction of a closed month's derivation (core.close.correction) brings the
        # inventory account to what the stock ledger values today: it is not a hand entry
        corrections = book.entries.filter(pl.col("tags").fill_null("").str.contains("(^|,)corrects:"))["id"]
        manual = book.postings.filter(pl.col("account").is_in(sorted(inventory))
                                      & ~pl.col("entry_id").is_in(corrections.to_list()))
        for eid, f, ln, acc in manual.select("entry_id", "file", "line", "account").iter_rows():
            out.append(Problem("E052", str(f), ln, f"manual posting on inventory account {acc}", record=eid,
                               expected="inventory moved by stock moves only",
                               hint="record a stock move (receipt, count, adjustment) instead; the stock ledger "
                                    "and the account would no longer agree"))
    return out
