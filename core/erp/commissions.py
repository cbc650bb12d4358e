"""Sales commissions: earned on invoices once fully paid, net of VAT and credit notes, in the month
of the payment, by the invoice's rep (or its order's). This is the CRM-to-ERP hand-over: the
CRM attributes the sale, payroll pays the commission (`commission:` on the rep's payroll line).
A credit note dated after the invoice was paid in full is a clawback in the credit note's month
(a negative commission in that month's run), never a change to the month already paid.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from core.model.errors import Problem
from core.model.records import Book
from core.model.money import round_half_up
from core.erp.payroll.calculation import PaidInvoice, commissions
from core.model.payroll import PayrollRules
from core.ledger.posting import document_rate
from core.ledger.subledger import settled_on


def paid_invoices(book: Book) -> list[PaidInvoice]:
    paid = settled_on(book, "ar")
    credits: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for d in book.documents:
        if d.kind == "credit-note" and d.invoice and d.status != "cancelled":
            credits[d.invoice].append((d.date, sum((ln.quantity * ln.price - ln.discount for ln in d.lines),
                                                   Decimal(0))))
    dec = book.settings.base_decimals
    out = []
    for d in book.documents:
        if d.kind != "invoice" or d.status == "cancelled":
            continue
        rep = d.rep or (book.document(d.order).rep if d.order and book.document(d.order) else None)
        on = paid.get(d.id)
        cns = credits.get(d.id, [])
        net = sum((ln.quantity * ln.price - ln.discount for ln in d.lines), Decimal(0)) \
            - sum((c for day, c in cns if on is None or day <= on), Decimal(0))
        later = [(day, c) for day, c in cns if on is not None and day > on]
        currency = d.currency or book.base
        if currency != book.base:      # commission is paid in the base currency, at the invoice's rate
            rate = document_rate(book, d, currency)
            fx = (lambda v: round_half_up(v * Decimal(rate), dec)) if rate else (lambda v: Decimal(0))
            net, later = fx(net), [(day, fx(c)) for day, c in later]
        out.append(PaidInvoice(d.id, rep, net, on, tuple(later)))
    return out


def earned(book: Book, period: str) -> dict[str, Decimal]:
    rules = book.settings.payroll or PayrollRules()
    return commissions(paid_invoices(book), rules.for_year(int(period[:4])).commission_rate, period)


def check_commissions(book: Book) -> list[Problem]:
    """W003: a payroll line's commission is not what its rep's paid invoices earned that month."""
    out: list[Problem] = []
    if not book.payroll or book.settings.role("receivable") is None:
        return out
    reps = {inv.rep for inv in paid_invoices(book) if inv.rep}
    for run in book.payroll:
        if not run.lines:
            continue
        want = earned(book, run.period)
        for line in run.lines:
            if line.employee not in reps and not line.commission:
                continue
            expected = want.get(line.employee, Decimal(0))
            if line.commission != expected:
                out.append(Problem("W003", line.source.path, line.source.line,
                                   f"commission of {line.employee} in {run.id} differs from what paid invoices earned",
                                   record=run.id, expected=f"{expected}", found=f"{line.commission}",
                                   hint="commission is earned on invoices fully paid in the month, net of VAT "
                                        "and credit notes (kebir print --source INV-...)"))
    return out
