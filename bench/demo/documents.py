"""The commercial documents: purchase orders and supplier invoices, sales invoices, advances,
credit notes, customer and supplier payments.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.erp.payroll.calculation import PaidInvoice
from bench.demo.basics import (
    DAYS, END, FRI, ONE_DAY, Record, YEAR, bank_day_from, bank_day_until, d, fold, half_up, iso, money, percent_of, qty,
    to_base,
)
from bench.demo.company import (
    BANK_EUR, BANK_TRY, CARD_ACCOUNT, COORDINATOR, FREIGHT_EUR, ITEMS, NEW_REP, OLD_REP, SALES_MANAGER, SERVICE_ITEMS,
    SUPPLIERS,
)
from bench.demo.contacts import Contacts
from bench.demo.catering import SalesOrder
from bench.demo.stock import COUNTED_UNITS, PurchaseOrder, StockSim


# --------------------------------------------------------------------------- commercial documents

def terms_days(terms: str) -> int:
    return int(terms[3:]) if terms.startswith("net") else 0


@dataclass
class Advance:
    so: SalesOrder
    date: dt.date
    amount: int
    account: str
    id: str = ""


@dataclass
class CreditNote:
    invoice: Invoice
    date: dt.date
    item: str
    quantity: int
    price: int
    memo: str
    id: str = ""

    @property
    def gross(self) -> int:
        net = self.quantity * self.price
        return net + percent_of(net, 10)


@dataclass
class Invoice:
    so: SalesOrder
    date: dt.date
    due: dt.date
    explicit_due: bool
    advance: Advance | None = None
    credit: CreditNote | None = None
    rep: str = ""                  # credited with the sale: the customer's CRM owner on the invoice date
    id: str = ""

    @property
    def party(self) -> str:
        return self.so.party

    @property
    def currency(self) -> str:
        return self.so.currency

    def open_after_credits(self) -> int:
        return self.so.gross() - (self.advance.amount if self.advance else 0) - (
            self.credit.gross if self.credit else 0)


@dataclass
class Payment:
    party: str
    date: dt.date
    currency: str
    account: str
    allocations: list[tuple[Any, int]]        # (Invoice or SupplierInvoice, amount)
    memo: str = ""
    id: str = ""

    @property
    def amount(self) -> int:
        return sum(a for _, a in self.allocations)


@dataclass
class SupplierInvoice:
    supplier: str                              # SupplierSpec.key
    party: str
    date: dt.date
    currency: str
    lines: list[Record]                        # as written
    net: int
    gross: int
    stock_net: int                             # the stock lines' net (the import VAT base)
    number: str
    po: PurchaseOrder | None = None
    memo: str = ""
    id: str = ""

    @property
    def due(self) -> dt.date:
        return self.date + dt.timedelta(days=terms_days(SUPPLIER_SPECS[self.supplier].terms))


SUPPLIER_SPECS = {s.key: s for s in SUPPLIERS}
PAYMENT_RUN_DAY = FRI                        # suppliers are paid in a weekly run
OVEN_EUR = 1875000                           # the combi oven, EUR 18,750.00
FORCED_OPEN = (  # invoices left unpaid at the year end, so the aging has every bucket: due window
    (d("2025-08-01"), d("2025-09-20")),          # 90+ days late on 31 December
    (d("2025-10-05"), d("2025-10-28")),          # 61-90
    (d("2025-11-04"), d("2025-11-27")),          # 31-60
)
CREDIT_STEPS = tuple(n * 100000 for n in (50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000,
                                          5000))   # the credit limits the finance team grants (kuruş)


class Documents:
    """The sales and purchase documents that post the year: invoices, deposits, credit notes and
    payments for the catering orders; supplier invoices and payments for the purchase orders."""

    def __init__(self, rng: random.Random, rates: dict[tuple[dt.date, str], int], contacts: Contacts,
                 sales_orders: list[SalesOrder], sim: StockSim) -> None:
        self.rng, self.rates, self.contacts = rng, rates, contacts
        self.sales_orders = [so for so in sales_orders if so.date <= END]
        self.sim = sim
        self.customers = {c["id"]: c for c in contacts.customers}
        self.invoices: list[Invoice] = []
        self.advances: list[Advance] = []
        self.credits: list[CreditNote] = []
        self.payments: list[Payment] = []
        self.supplier_invoices: list[SupplierInvoice] = []
        self.supplier_payments: list[Payment] = []
        self.mtf_cards: dict[dt.date, int] = {}
        self.transfers: list[tuple[dt.date, str, int]] = []     # supplier payments: day, bank, TRY amount
        self.behaviour: dict[str, str] = {}
        self.forced_open: list[str] = []          # customers of the invoices left unpaid on purpose
        self.over_limit: list[str] = []           # customers that passed their credit limit in the year
        owner = {r["id"]: r["owner"] for r in contacts.companies + contacts.people if r.get("owner")}
        crm_of: dict[str, str] = {}
        for crm, erp in [(lk["crm"], lk["erp"]) for lk in contacts.links] + [
                tuple(p) for p in contacts.truth["crm_erp"]]:
            if erp.startswith("CU-"):
                crm_of.setdefault(erp, crm)
        for cluster in contacts.truth["within_erp"]:
            known = [crm_of[c] for c in cluster if c in crm_of]
            for c in cluster:
                if known:
                    crm_of.setdefault(c, known[0])
        self.crm_owner = {cu: owner[crm] for cu, crm in crm_of.items() if crm in owner}

    # ---- helpers
    def rep(self, customer: str, day: dt.date) -> str:
        """The employee who owns the customer in the CRM (the June handover applied)."""
        rep = self.crm_owner.get(customer) or (
            COORDINATOR if self.customers[customer]["kind"] == "person" else SALES_MANAGER)
        return OLD_REP if rep == NEW_REP and day < d("2025-06-02") else rep

    def is_person(self, customer: str) -> bool:
        return self.customers[customer]["kind"] == "person"

    def build(self) -> None:
        self.catering()
        self.purchasing()
        self.number()
        self.credit_limits()

    # ---- catering
    def catering(self) -> None:
        rng = self.rng
        self.to_eur(rng.choice([so for so in self.sales_orders if so.status == "closed"
                                and not self.is_person(so.party) and d("2025-09-01") <= so.due <= d("2025-11-15")
                                and so.memo.startswith("Gala")]))
        for so in self.sales_orders:
            so.rep = self.rep(so.party, so.date)
            if so.status in ("draft", "cancelled"):
                continue
            person = self.is_person(so.party)
            advance = None
            wants = 65 if person else 25 if so.memo.startswith(("Gala", "New Year", "Wedding")) else 0
            if so.status == "open" and wants:
                wants = 100                           # next year's big events are booked with a deposit
            if so.currency == "TRY" and rng.randint(1, 100) <= wants:
                card = person and rng.randint(0, 1) == 1
                day = so.date + dt.timedelta(days=rng.randint(0, 3))
                day = day if card else bank_day_from(day)
                amount = so.gross() * 30 // 100 // 100000 * 100000
                if day < so.due and day <= END and amount:
                    advance = Advance(so, day, amount, CARD_ACCOUNT["MTF"] if card else BANK_TRY)
                    self.advances.append(advance)
                    if card:
                        self.mtf_cards[day] = self.mtf_cards.get(day, 0) + amount
            if so.status != "closed":
                continue                              # the event is next year: the deposit waits on 340
            terms = self.customers[so.party]["payment_terms"]
            explicit = not person and rng.randint(1, 100) <= 25
            due = so.due + dt.timedelta(days=21 if explicit else terms_days(terms))
            self.invoices.append(Invoice(so, so.due, due, explicit, advance, rep=self.rep(so.party, so.due)))
        # Fewer guests came than were billed: three credit notes.
        candidates = [i for i in self.invoices if not self.is_person(i.party) and i.currency == "TRY"
                      and i.advance is None and d("2025-02-01") <= i.date <= d("2025-10-31")]
        for inv in sorted(rng.sample(candidates, 3), key=lambda i: i.date):
            item, guests, price, _ = inv.so.lines[0]
            missing = max(5, guests * rng.randint(4, 10) // 100 // 5 * 5)
            inv.credit = CreditNote(inv, inv.date + dt.timedelta(days=rng.randint(2, 6)), item, missing, price,
                                    f"Eksik katılım: {missing} kişi faturalanandan az geldi")
            self.credits.append(inv.credit)
        self.customer_payments()

    def to_eur(self, so: SalesOrder) -> None:
        """A foreign organiser's gala, contracted and invoiced in EUR."""
        rate = self.rates[(so.date, "EUR")]
        lines = []
        for item, portions, price, discount in so.lines:
            eur = price * 10000 // rate // 50 * 50
            lines.append((item, portions, eur, percent_of(eur * portions, 5) if discount else 0))
        so.lines, so.currency = lines, "EUR"
        so.memo += " (contract in EUR)"

    def customer_payments(self) -> None:
        rng = self.rng
        events: list[tuple[dt.date, Invoice, int, str]] = []
        for inv in self.invoices:
            party = inv.party
            if party not in self.behaviour:
                self.behaviour[party] = rng.choices(("prompt", "slow", "late"), (70, 22, 8))[0]
            left = inv.open_after_credits()
            if self.is_person(party):
                card = rng.randint(0, 1) == 1
                day = inv.date + dt.timedelta(days=rng.randint(0, 7))
                account = CARD_ACCOUNT["MTF"] if card else ""
                events.append((day if card else bank_day_from(day), inv, left, account))
                continue
            lo, hi = {"prompt": (-6, 3), "slow": (5, 40), "late": (35, 110)}[self.behaviour[party]]
            day = bank_day_from(max(inv.due + dt.timedelta(days=rng.randint(lo, hi)), inv.date + ONE_DAY))
            if inv.credit:
                day = max(day, bank_day_from(inv.credit.date + ONE_DAY))
            account = BANK_EUR if inv.currency == "EUR" else ""
            first = left * rng.randint(40, 60) // 100 // 100000 * 100000
            if inv.currency == "EUR":   # half a month after the gala, the rest in January (FX realized on half)
                half = left // 2 // 10000 * 10000
                events.append((bank_day_from(inv.date + dt.timedelta(days=30)), inv, half, account))
                events.append((bank_day_from(d(f"{YEAR + 1}-01-15")), inv, left - half, account))
            elif first and rng.randint(1, 100) <= 12:      # paid in two instalments
                events.append((day, inv, first, account))
                events.append((bank_day_from(day + dt.timedelta(days=rng.randint(20, 45))), inv, left - first,
                               account))
            else:
                events.append((day, inv, left, account))
        # A few invoices are still unpaid at the year end, in every aging bucket.
        for low, high in FORCED_OPEN:
            pick = rng.choice([i for i in self.invoices if not self.is_person(i.party) and i.currency == "TRY"
                               and i.credit is None and low <= i.due <= high and i.party not in self.forced_open])
            events = [e for e in events if e[1] is not pick]
            self.forced_open.append(pick.party)
        events = [e for e in events if e[0] <= END and e[2] > 0]
        events.sort(key=lambda e: (e[0], e[1].date, e[1].so.id))
        # Companies often pay two invoices with one transfer.
        by_party: dict[tuple[str, str], list[tuple[dt.date, Invoice, int, str]]] = {}
        for e in events:
            by_party.setdefault((e[1].party, e[3]), []).append(e)
        for (party, account), evs in sorted(by_party.items()):
            groups: list[list[tuple[dt.date, Invoice, int, str]]] = []
            for e in evs:
                if (groups and not self.is_person(party) and (e[0] - groups[-1][-1][0]).days <= 10
                        and all(x[1] is not e[1] for x in groups[-1]) and rng.randint(1, 100) <= 60):
                    groups[-1].append(e)
                else:
                    groups.append([e])
            for g in groups:
                day = max(e[0] for e in g)
                inv = g[0][1]
                self.payments.append(Payment(party, day, inv.currency, account or BANK_TRY,
                                             [(e[1], e[2]) for e in g]))
                if account == CARD_ACCOUNT["MTF"]:
                    self.mtf_cards[day] = self.mtf_cards.get(day, 0) + sum(e[2] for e in g)

    # ---- purchasing
    def purchasing(self) -> None:
        sup = self.contacts.supplier_ids
        items = {i.id: i for i in ITEMS}
        received: dict[str, dict[str, int]] = {}
        last: dict[str, dt.date] = {}
        orders = {po.id: po for po in self.sim.orders}
        for m in self.sim.moves:
            if m.kind == "receipt" and isinstance(m.document, PurchaseOrder):
                po = m.document
                received.setdefault(po.id, {})
                received[po.id][m.item] = received[po.id].get(m.item, 0) + m.quantity
                last[po.id] = max(last.get(po.id, m.date), m.date)
        serial: dict[str, int] = {}
        for po_id in sorted(received):
            po = orders[po_id]
            spec = SUPPLIER_SPECS[po.supplier]
            foreign = po.currency != "TRY"
            lines, net, gross, stock_net = [], 0, 0, 0
            for item_id in sorted(received[po_id]):
                q, price = received[po_id][item_id], po.prices[item_id]
                vat_pct = 0 if foreign else int(items[item_id].vat)      # import VAT is paid at customs
                line_net = half_up(q * price, 1000)
                counted = items[item_id].unit in COUNTED_UNITS
                lines.append({"item": item_id, "quantity": str(q // 1000) if counted else qty(q),
                              "price": money(price), "vat_rate": str(vat_pct)})
                net += line_net
                stock_net += line_net
                gross += line_net + percent_of(line_net, vat_pct)
            if po.supplier == "greek":
                lines.append({"item": SERVICE_ITEMS[0][0], "quantity": "1", "price": money(FREIGHT_EUR),
                              "vat_rate": "0"})
                net += FREIGHT_EUR
                gross += FREIGHT_EUR
            n = serial[po.supplier] = serial.get(po.supplier, 0) + 1
            number = (f"KE-{YEAR}/{n:04d}" if po.supplier == "greek" else
                      f"{fold(spec.name)[:3].upper()}{YEAR}{n * 7 + 100:09d}")
            memo = "Haftalık ekmek siparişi" if po.supplier == "bakery" else ""
            self.supplier_invoices.append(SupplierInvoice(po.supplier, sup[po.supplier], last[po_id], po.currency,
                                                          lines, net, gross, stock_net, number, po, memo))
        self.oven = SupplierInvoice("oven", sup["oven"], d("2025-03-10"), "EUR", [
            {"account": "255.01", "description": "Kombi fırın, 10 tepsi", "quantity": "1",
             "price": money(OVEN_EUR), "vat_rate": "0"}], OVEN_EUR, OVEN_EUR, 0, "FV-2025-0311",
            memo="Kombi fırın - Forni Veneti")
        self.supplier_invoices.append(self.oven)
        self.imports = [si for si in self.supplier_invoices if si.supplier == "greek"]
        self.supplier_payments.append(Payment(self.oven.party, d("2025-04-09"), "EUR", BANK_EUR,
                                              [(self.oven, OVEN_EUR)], "Forni Veneti fatura ödemesi (EUR)"))
        # The weekly payment run pays every supplier invoice that has fallen due.
        unpaid = sorted((si for si in self.supplier_invoices if si is not self.oven),
                        key=lambda si: (si.party, si.date, si.number))
        for day in DAYS:
            if day.weekday() != PAYMENT_RUN_DAY:
                continue
            run = bank_day_until(day)
            due = [si for si in unpaid if si.due <= run]
            unpaid = [si for si in unpaid if si.due > run]
            by_party: dict[str, list[SupplierInvoice]] = {}
            for si in due:
                by_party.setdefault(si.party, []).append(si)
            for party, sis in sorted(by_party.items()):
                bank = BANK_EUR if sis[0].currency == "EUR" else BANK_TRY
                self.supplier_payments.append(Payment(party, run, sis[0].currency, bank,
                                                      [(si, si.gross) for si in sis], "Tedarikçi ödeme talimatı"))
        for sp in self.supplier_payments:
            self.transfers.append((sp.date, sp.account, sp.amount if sp.currency == "TRY" else 0))

    # ---- ids, records
    def number(self) -> None:
        def give(docs: list[Any], prefix: str, key: Any) -> None:
            for n, doc in enumerate(sorted(docs, key=key), 1):
                doc.id = f"{prefix}-{YEAR}-{n:04d}"

        give(self.advances, "ADV", lambda a: (a.date, a.so.id))
        give(self.invoices, "INV", lambda i: (i.date, i.so.id))
        give(self.credits, "CN", lambda c: (c.date, c.invoice.so.id))
        give(self.payments, "PAY", lambda p: (p.date, p.party, p.allocations[0][0].so.id))
        give(self.supplier_invoices, "SI", lambda s: (s.date, s.party, s.number))
        give(self.supplier_payments, "SP", lambda p: (p.date, p.party, p.allocations[0][0].number))

    def credit_limits(self) -> None:
        """Credit limits the customers keep to: a limit below the customer's highest open balance of
        the year is raised to cover it, but for two customers (late payers first) that passed their
        limit during the year and were back under it by the year end, so `kebir validate` is clean."""
        rate = {inv.id: self.rates[(inv.date, "EUR")] for inv in self.invoices if inv.currency == "EUR"}
        base = lambda inv, amount: to_base(amount, rate[inv.id]) if inv.id in rate else amount  # noqa: E731
        deltas: dict[str, dict[dt.date, int]] = {}
        for inv in self.invoices:
            day = deltas.setdefault(inv.party, {})
            owed = inv.so.gross() - (inv.advance.amount if inv.advance else 0)
            day[inv.date] = day.get(inv.date, 0) + base(inv, owed)
            if inv.credit:
                day[inv.credit.date] = day.get(inv.credit.date, 0) - inv.credit.gross
        for p in self.payments:
            day = deltas.setdefault(p.party, {})
            day[p.date] = day.get(p.date, 0) - sum(base(inv, a) for inv, a in p.allocations)
        peak, year_end = {}, {}
        for party, days in deltas.items():
            running, peak[party] = 0, 0
            for day in sorted(days):
                running += days[day]
                peak[party] = max(peak[party], running)
            year_end[party] = running
        step = lambda amount: min(s for s in CREDIT_STEPS if s >= amount)  # noqa: E731
        limit = {cid: int(self.customers[cid]["credit_limit"].replace(".", "")) for cid in peak}
        passed = [c for c in sorted(peak) if year_end[c] <= limit[c] < peak[c]]
        self.over_limit = sorted(passed, key=lambda c: (c not in self.forced_open, c))[:2]
        for cid in sorted(peak):
            if cid not in self.over_limit and peak[cid] > limit[cid]:
                self.customers[cid]["credit_limit"] = money(step(peak[cid]))

    def paid_invoices(self) -> list[PaidInvoice]:
        """Each invoice as commission sees it: rep, net after credit notes (TRY), the day it was paid."""
        paid_so_far: dict[str, int] = {}
        paid_on: dict[str, dt.date] = {}
        for p in sorted(self.payments, key=lambda p: (p.date, p.id)):
            for inv, amount in p.allocations:
                paid_so_far[inv.id] = paid_so_far.get(inv.id, 0) + amount
                if paid_so_far[inv.id] == inv.open_after_credits() and p.date <= END:
                    paid_on[inv.id] = p.date
        out = []
        for inv in self.invoices:
            net = inv.so.net() - (inv.credit.quantity * inv.credit.price if inv.credit else 0)
            if inv.currency != "TRY":
                net = to_base(net, self.rates[(inv.date, inv.currency)])
            out.append(PaidInvoice(inv.id, inv.rep, Decimal(net).scaleb(-2), paid_on.get(inv.id)))
        return out

    def records(self) -> list[Record]:
        out: list[Record] = []
        for a in self.advances:
            rec = {"id": a.id, "kind": "advance", "date": iso(a.date), "party": a.so.party, "order": a.so.id,
                   "amount": money(a.amount), "memo": f"Kapora - {a.so.memo}"}
            if a.account != BANK_TRY:
                rec["account"] = a.account
            out.append(rec)
        for i in self.invoices:
            rec = {"id": i.id, "kind": "invoice", "date": iso(i.date), "party": i.party, "order": i.so.id,
                   "rep": i.rep, "location": "MTF", "currency": i.currency, "memo": i.so.memo,
                   "lines": i.so.line_records()}
            if i.explicit_due:
                rec["due"] = iso(i.due)
            if i.advance:
                rec["applies"] = [{"advance": i.advance.id, "amount": money(i.advance.amount)}]
            out.append(rec)
        for c in self.credits:
            out.append({"id": c.id, "kind": "credit-note", "date": iso(c.date), "party": c.invoice.party,
                        "invoice": c.invoice.id, "location": "MTF", "currency": "TRY", "memo": c.memo,
                        "lines": [{"item": c.item, "quantity": str(c.quantity), "price": money(c.price),
                                   "vat_rate": "10"}]})
        for p in self.payments:
            how = "Kredi kartı tahsilatı (Maltepe POS)" if p.account == CARD_ACCOUNT["MTF"] else \
                "Havale/EFT tahsilatı"
            rec = {"id": p.id, "kind": "payment", "date": iso(p.date), "party": p.party, "currency": p.currency,
                   "amount": money(p.amount), "memo": f"{how}: {', '.join(inv.id for inv, _ in p.allocations)}",
                   "allocations": [{"invoice": inv.id, "amount": money(a)} for inv, a in p.allocations]}
            if p.account != BANK_TRY:
                rec["account"] = p.account
            out.append(rec)
        for si in self.supplier_invoices:
            rec = {"id": si.id, "kind": "supplier-invoice", "date": iso(si.date), "party": si.party,
                   "number": si.number, "currency": si.currency, "lines": si.lines}
            if si.po is not None:
                rec |= {"order": si.po.id, "location": si.po.location}
            if si.memo:
                rec["memo"] = si.memo
            out.append(rec)
        for sp in self.supplier_payments:
            rec = {"id": sp.id, "kind": "supplier-payment", "date": iso(sp.date), "party": sp.party,
                   "currency": sp.currency, "amount": money(sp.amount), "memo": sp.memo,
                   "allocations": [{"invoice": si.id, "amount": money(a)} for si, a in sp.allocations]}
            if sp.account != BANK_TRY:
                rec["account"] = sp.account
            out.append(rec)
        return [r for r in out if r["date"] <= iso(END)]

    def counts(self) -> dict[str, int]:
        written = lambda docs: sum(1 for x in docs if x.date <= END)  # noqa: E731
        return {"advances": written(self.advances), "invoices": written(self.invoices),
                "credit notes": written(self.credits), "payments": written(self.payments),
                "supplier invoices": written(self.supplier_invoices),
                "supplier payments": written(self.supplier_payments)}
