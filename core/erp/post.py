"""Derive journal postings from documents, by the rules in books.toml (docs/documents.md).

`derive(book)` returns the book with `derived_postings` / `derived_entries` filled in, and the
problems found (a missing posting rule, a document that cannot be valued). The derivation is
deterministic: documents in (date, kind order, id) order, one derived entry per document (plus
one per applied advance), amounts in integer minor units, VAT per line rounded half-up.

Open items are tracked while deriving, per party and currency (`core.ledger.subledger.Ledgers`), so a
payment settles its invoices at the rate they were booked at and the realized exchange difference
is posted. Every settlement is recorded as an allocation row (`Book.allocations`), which aging,
status, the customer 360 and commissions read; the `settles INV-...` memo is for people only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import polars as pl

from core.ledger.derived import Entries, Leg
from core.model.errors import Problem
from core.model.records import Book, Document, OrderLine
from core.model.money import convert_minor, fmt_minor, round_half_up
from core.erp import post_frames, production
from core.erp.payroll.posting import derive_payroll
from core.model.payroll import PayrollRules
from core.erp.stock import packed_key
from core.erp.zreports import derive_sales
from core.ledger.posting import MissingRole, Roles, document_rate, vat_rate_name
from core.ledger import subledger
from core.ledger.subledger import Item as OpenItem
from core.ledger.subledger import Ledgers
from core.erp.clearing import receipt_legs_in_currency
from core.erp.clearing import receipts_by_order

# Within a day: advances before the invoices that apply them, invoices before what settles them.
KIND_ORDER = {"advance": 0, "supplier-invoice": 1, "invoice": 2, "supplier-credit-note": 3, "credit-note": 4,
              "payment": 5, "supplier-payment": 6, "doubtful": 7}




class Deriver:
    def __init__(self, book: Book, received: dict[tuple[str, str], tuple[int, int]] | None = None) -> None:
        self.book = book
        # (PO, item) -> receipts not yet invoiced, first received first: [day, qty thousandths, base value,
        # currency, amount in that currency] (core.erp.clearing.receipts_by_order)
        self.received: dict[tuple[str, str], list[list]] = {
            k: [list(r) for r in v] for k, v in (received or {}).items()}
        self.roles = Roles(book)
        self.base = book.base
        self.base_dec = book.settings.base_decimals
        self.entries = Entries(book.base)
        self.open = Ledgers()
        self.problems: list[Problem] = []

    # ------------------------------------------------------------------ helpers

    def rate_for(self, doc: Document, currency: str) -> str | None:
        return document_rate(self.book, doc, currency)

    def dec(self, currency: str) -> int:
        return self.book.settings.decimals(currency) or self.base_dec

    def minor(self, value: Decimal, currency: str) -> int:
        d = self.dec(currency)
        return int(round_half_up(value, d).scaleb(d))

    def to_base(self, amount: int, currency: str, rate: str | None) -> int:
        if currency == self.base:
            return amount
        assert rate is not None
        return convert_minor(amount, self.dec(currency), rate, self.base_dec)

    def problem(self, doc: Document, code: str, message: str, hint: str, expected: str = "", found: str = "") -> None:
        self.problems.append(Problem(code, doc.source.path, doc.source.line, message, record=doc.id,
                                     expected=expected, found=found, hint=hint))

    def post(self, doc: Document, legs: list[Leg], entry_id: str | None = None, memo: str | None = None,
             day: date | None = None) -> None:
        self.entries.add(entry_id or doc.id, day or doc.date, memo or doc.memo or f"{doc.kind} {doc.id}", doc.id,
                         doc.source.path, doc.source.line, legs, payee=doc.party)

    # ------------------------------------------------------------------ lines

    def line_amounts(self, line: OrderLine, currency: str) -> tuple[int, int]:
        """(net, vat) of one line in the document currency's minor units: VAT rounded per line."""
        net = self.minor(line.quantity * line.price - line.discount, currency)
        vat = self.minor(Decimal(net).scaleb(-self.dec(currency)) * line.vat_rate / 100, currency)
        return net, vat

    # ------------------------------------------------------------------ documents

    def run(self, docs: list[Document] | None = None) -> list[int]:
        """Derive `docs` (default: every posting document of the book, in derivation order); returns
        how many entries each document made."""
        docs = posting_documents(self.book) if docs is None else docs
        made = []
        pending = subledger.revaluations(self.book)
        for doc in docs:
            while pending and pending[0][0] < doc.date:      # revalued at a month end before this document
                self.open.revalue(*pending.pop(0))
            before = len(self.entries)
            self.open.at(doc.id, doc.date, doc.source.path, doc.source.line)
            try:
                getattr(self, "post_" + doc.kind.replace("-", "_"))(doc)
            except MissingRole as exc:
                self.problem(doc, "E047", f"no account for the posting rule `{exc.role}`",
                             hint=f"add `{exc.role.split(':')[0]} = \"...\"` under [accounts] in books.toml"
                             + (f" (table [accounts.{exc.role.split(':')[0]}], key \"{exc.role.split(':')[1]}\")"
                                if ":" in exc.role else ""))
            made.append(len(self.entries) - before)
        for reval in pending:                                # revaluations after the last document
            self.open.revalue(*reval)
        return made

    def _currency_rate(self, doc: Document) -> tuple[str, str | None] | None:
        currency = doc.currency or self.base
        rate = self.rate_for(doc, currency)
        if currency != self.base and rate is None:
            self.problem(doc, "E042", f"{currency} document on {doc.date} has no rate",
                         hint=f"add `rate:` to the document or a {currency} rate to rates/{doc.date.year}.csv")
            return None
        return currency, rate

    def _sales_like(self, doc: Document, sign: int, revenue_role: str, vat_role: str, control_role: str,
                    side: str) -> None:
        """Invoice-shaped documents: lines to revenue (or expense), VAT per rate, gross to the control account.

        sign=+1 for a sales invoice (credit revenue, debit AR); -1 reverses it.
        """
        cr = self._currency_rate(doc)
        if cr is None:
            return
        currency, rate = cr
        legs: list[Leg] = []
        total_amount = total_base = 0
        for line in doc.lines:
            net, vat = self.line_amounts(line, currency)
            account = line.account or self.roles.need(revenue_role, line.item, doc.location)
            vat_account = self.roles.need(f"{vat_role}:{vat_rate_name(line.vat_rate)}") if vat else None
            net_base, vat_base = self.to_base(net, currency, rate), self.to_base(vat, currency, rate)
            legs.append(Leg(account, -sign * net_base, currency, -sign * net, item=line.item, location=doc.location,
                            rate=rate, memo=line.description))
            if vat:
                legs.append(Leg(vat_account, -sign * vat_base, currency, -sign * vat, rate=rate,
                                memo=f"VAT {vat_rate_name(line.vat_rate)}%"))
            total_amount += net + vat
            total_base += net_base + vat_base
        control = self.roles.need(control_role)
        legs.append(Leg(control, sign * total_base, currency, sign * total_amount, contact=doc.party, rate=rate))
        self.post(doc, legs)
        if sign > 0:
            self.open.add(side, OpenItem(doc.id, doc.party, currency, total_amount, total_base, doc.date))
        return None

    def post_invoice(self, doc: Document) -> None:
        self._sales_like(doc, +1, "sales", "vat_output", "receivable", "ar")
        for applied in doc.applies:
            self._apply_advance(doc, applied.doc, self.minor(applied.amount, self.base))

    def post_credit_note(self, doc: Document) -> None:
        target = self.open.by_doc.get(doc.invoice or "")
        if target is not None and doc.rate is None and target.currency != self.base:
            doc = replace(doc, rate=self._doc_rate(doc.invoice))
        before = len(self.entries)
        self._sales_like(doc, -1, "sales_returns", "vat_output", "receivable", "ar")
        if len(self.entries) > before:
            self._settle_from_last(doc, "ar", target)

    def post_supplier_invoice(self, doc: Document) -> None:
        # Supplier invoices mirror sales invoices: expense/GRNI debit, input VAT debit, AP credit.
        self._purchase_like(doc, +1)

    def post_supplier_credit_note(self, doc: Document) -> None:
        target = self.open.by_doc.get(doc.invoice or "")
        before = len(self.entries)
        self._purchase_like(doc, -1)
        if len(self.entries) > before:
            self._settle_from_last(doc, "ap", target)

    def _purchase_like(self, doc: Document, sign: int) -> None:
        cr = self._currency_rate(doc)
        if cr is None:
            return
        currency, rate = cr
        legs: list[Leg] = []
        total_amount = total_base = 0
        for line in doc.lines:
            net, vat = self.line_amounts(line, currency)
            stocked = line.item is not None and line.item in self.book.items and \
                self.book.items[line.item].type == "stock" and line.account is None
            account = self.roles.need("goods_received") if stocked else (line.account or self.roles.need(
                "expenses", line.item, doc.location))
            net_base, vat_base = self.to_base(net, currency, rate), self.to_base(vat, currency, rate)
            got = self._received_value(doc, line) if stocked and sign > 0 else None
            if got is not None:
                legs += self._clear_received(doc, line, account, got, net, net_base, currency, rate)
            else:
                legs.append(Leg(account, sign * net_base, currency, sign * net, item=line.item, rate=rate,
                                memo=line.description))
            if vat:
                legs.append(Leg(self.roles.need(f"vat_input:{vat_rate_name(line.vat_rate)}"), sign * vat_base, currency,
                                sign * vat, rate=rate, memo=f"VAT {vat_rate_name(line.vat_rate)}%"))
            total_amount += net + vat
            total_base += net_base + vat_base
        legs.append(Leg(self.roles.need("payable"), -sign * total_base, currency, -sign * total_amount,
                        contact=doc.party, rate=rate))
        self.post(doc, legs)
        if sign > 0:
            self.open.add("ap", OpenItem(doc.id, doc.party, currency, total_amount, total_base, doc.date))

    def _received_value(self, doc: Document, line: OrderLine) -> tuple[int, str, int] | None:
        """What the receipts on the invoice's purchase order credited to goods received for this
        line's quantity: (base value, currency, amount in that currency). The invoice matches the
        receipts dated up to its own day, first received first matched, each at its own value and
        rate; a receipt after the invoice is left for the next invoice. None when fewer were
        received by then than the line names."""
        key = (doc.order or "", line.item or "")
        queue = self.received.get(key, [])
        want = int((line.quantity * 1000).to_integral_value())
        ready = [r for r in queue if r[0] <= doc.date and r[1] > 0]
        if not doc.order or want <= 0 or sum(r[1] for r in ready) < want:
            return None
        left, base, fx, currencies = want, 0, 0, set()
        for r in ready:
            if left <= 0:
                break
            take = min(left, r[1])
            part = r[2] if take == r[1] else int(round_half_up(Decimal(r[2]) * take / r[1], 0))
            fx_part = r[4] if take == r[1] else int(round_half_up(Decimal(r[4]) * take / r[1], 0))
            r[1], r[2], r[4] = r[1] - take, r[2] - part, r[4] - fx_part
            base, fx, left = base + part, fx + fx_part, left - take
            currencies.add(r[3])
        if len(currencies) != 1 or self.base in currencies:   # base, or one order received in two currencies
            return base, self.base, base
        return base, currencies.pop(), fx

    def _clear_received(self, doc: Document, line: OrderLine, account: str, got: tuple[int, str, int], net: int,
                        net_base: int, currency: str, rate: str | None) -> list[Leg]:
        """Goods received are cleared with what the receipt credited, in its currency and in base
        (core.erp.clearing); the price difference at the invoice's rate goes to `price_difference`,
        a rate difference on the euros received to `fx_gain` / `fx_loss`."""
        at_cost, cur, fx = got
        legs = [Leg(account, at_cost, cur, fx, item=line.item, memo=line.description)]
        if cur != self.base and cur == currency:
            price = self.to_base(net - fx, currency, rate)
            exchange = net_base - at_cost - price
        else:
            price, exchange = net_base - at_cost, 0
        if price:
            legs.append(Leg(self.roles.need("price_difference", line.item, doc.location), price, item=line.item,
                            memo=f"price difference on {line.item}"))
        if exchange:
            legs.append(Leg(self.roles.need("fx_loss" if exchange > 0 else "fx_gain"), exchange, item=line.item,
                            memo=f"exchange difference on goods received for {line.item}"))
        return legs

    def _doc_rate(self, doc_id: str | None) -> str | None:
        doc = self.book.document(doc_id or "")
        return self.rate_for(doc, doc.currency or self.base) if doc else None

    def _settle_from_last(self, doc: Document, side: str, target: OpenItem | None) -> None:
        """A credit note reduces the invoice it credits (else the oldest open ones); the base it
        posted is shared over what it settled, pro rata, so the subledger ties to the control account."""
        amount = abs(self.entries._p[-1][4])      # the control leg is the last leg added
        base = abs(self.entries._p[-1][5])
        total = amount
        currency = doc.currency or self.base
        for item in ([target] if target is not None else []) + self.open.oldest(side, doc.party, currency):
            if amount <= 0:
                break
            if item.amount <= 0:
                continue
            taken = min(amount, item.amount)
            share = base if taken == amount else int(round_half_up(Decimal(base) * taken / total, 0))
            self.open.settle(item, taken, by=doc.id, base=share)
            amount -= taken
            base -= share
            total -= taken
        self.open.leave("oldest", side, doc.party, doc.id, currency, amount, base)

    def post_payment(self, doc: Document) -> None:
        self._settlement(doc, "ar", "receivable", +1)

    def post_supplier_payment(self, doc: Document) -> None:
        self._settlement(doc, "ap", "payable", -1)

    def _settlement(self, doc: Document, side: str, control_role: str, sign: int) -> None:
        """Payments: bank leg at the payment's rate, control legs at the settled items' booked
        values, the difference to fx_gain / fx_loss. sign=+1: money in (customer pays)."""
        cr = self._currency_rate(doc)
        if cr is None or doc.amount is None:
            if doc.amount is None:
                self.problem(doc, "E010", "`amount` is missing", hint="add `amount: ...` to the payment")
            return
        currency, rate = cr
        amount = self.minor(doc.amount, currency)
        bank_base = self.to_base(amount, currency, rate)
        account = doc.account or self.roles.need("bank")
        control = self.roles.need(control_role)
        legs = [Leg(account, sign * bank_base, currency, sign * amount, rate=rate)]
        left = amount
        settled_base = 0
        targets: list[tuple[OpenItem, int]] = []
        for alloc in doc.allocations:
            item = self.open.by_doc.get(alloc.doc)
            want = self.minor(alloc.amount, currency)
            if item is None or item.party != doc.party or item.currency != currency:
                continue                     # reported by the document checks
            avail = item.amount - sum(t for i, t in targets if i is item)
            if want > avail:
                self._over_allocated(doc, alloc.doc, want, avail, currency)
            take = max(min(want, avail, left), 0)
            targets.append((item, take))
            left -= take
        if not doc.allocations:
            for item in self.open.oldest(side, doc.party, currency):
                if left <= 0:
                    break
                take = min(left, item.amount)
                targets.append((item, take))
                left -= take
        for item, take in targets:
            if take <= 0:
                continue
            base = self.open.settle(item, take, by=doc.id)
            settled_base += base
            legs.append(Leg(control, -sign * base, currency, -sign * take, contact=doc.party, rate=rate,
                            memo=f"settles {item.doc}"))
        if left > 0:                          # paid on account: an open credit at today's rate
            on_account = self.to_base(left, currency, rate)
            settled_base += on_account
            legs.append(Leg(control, -sign * on_account, currency, -sign * left, contact=doc.party, rate=rate,
                            memo="on account"))
            # allocated payments keep what is left as an advance; the others settle the oldest
            # items derivation does not know of (manual entries), then stay on account
            self.open.leave("on-account" if doc.allocations else "oldest", side, doc.party, doc.id, currency,
                            left, on_account)
        diff = bank_base - settled_base       # > 0: more base came in (sign +1) than was booked
        if diff:
            gain = diff * sign > 0
            legs.append(Leg(self.roles.need("fx_gain" if gain else "fx_loss"), -sign * diff,
                            memo=f"realized exchange difference on {doc.id}"))
        self.post(doc, legs)

    def _over_allocated(self, doc: Document, invoice: str, want: int, take: int, currency: str) -> None:
        """E140: an allocation beyond what is open on the invoice; the excess stays on account."""
        dec = self.dec(currency)
        self.problems.append(Problem(
            "E140", doc.source.path, _allocation_line(self.book, doc, invoice),
            f"payment allocates {fmt_minor(want, dec)} to {invoice}, which has {fmt_minor(take, dec)} open",
            record=doc.id, expected=f"at most {fmt_minor(take, dec)} {currency}",
            found=f"{fmt_minor(want, dec)} {currency}",
            hint=f"allocate at most what is open on {invoice}; the rest stays on account as an advance "
                 "(allocate it to the invoice it pays, or leave it on account)"))

    def post_doubtful(self, doc: Document) -> None:
        """A receivable judged doubtful: moved out of trade receivables and provided for in full
        (TDHP 128 / 129 / 654). The amount is what is still open on the invoice unless given."""
        item = self.open.by_doc.get(doc.invoice or "")
        if item is None or item.amount <= 0:
            self.problem(doc, "E049", f"{doc.invoice} has nothing open to classify as doubtful",
                         hint="name an open invoice of this customer in `invoice:`")
            return
        want = self.minor(doc.amount, item.currency) if doc.amount is not None else item.amount
        amount = min(want, item.amount)
        base = self.open.settle(item, amount, by=doc.id)
        self.post(doc, [
            Leg(self.roles.need("doubtful_receivable"), base, item.currency, amount, contact=doc.party,
                memo=f"doubtful: {item.doc}"),
            Leg(self.roles.need("receivable"), -base, item.currency, -amount, contact=doc.party,
                memo=f"settles {item.doc}"),
            Leg(self.roles.need("doubtful_expense"), base, memo=f"provision for {item.doc}"),
            Leg(self.roles.need("doubtful_provision"), -base, contact=doc.party, memo=f"provision for {item.doc}"),
        ])

    def post_advance(self, doc: Document) -> None:
        if doc.amount is None:
            self.problem(doc, "E010", "`amount` is missing", hint="add `amount: ...` to the advance")
            return
        if (doc.currency or self.base) != self.base:
            self.problem(doc, "E048", f"advances are kept in {self.base}", hint=f"record the deposit in {self.base}")
            return
        amount = self.minor(doc.amount, self.base)
        self.post(doc, [Leg(doc.account or self.roles.need("bank"), amount),
                        Leg(self.roles.need("advances_received"), -amount, contact=doc.party)])
        self.open.add("adv", OpenItem(doc.id, doc.party, self.base, amount, amount, doc.date))

    def _apply_advance(self, invoice: Document, advance_id: str, amount: int) -> None:
        adv = self.open.by_doc.get(advance_id)
        inv = self.open.by_doc.get(invoice.id)
        if adv is None or inv is None or inv.currency != self.base:
            return                            # reported by the document checks
        amount = min(amount, adv.amount, inv.amount)
        self.open.at(f"{invoice.id}/{advance_id}", invoice.date, invoice.source.path, invoice.source.line)
        self.open.settle(adv, amount, by=invoice.id)
        self.open.settle(inv, amount, by=advance_id)
        self.post(invoice, [Leg(self.roles.need("advances_received"), amount, contact=invoice.party,
                                memo=f"advance {advance_id} applied"),
                            Leg(self.roles.need("receivable"), -amount, contact=invoice.party,
                                memo=f"settles {invoice.id}")],
                  entry_id=f"{invoice.id}/{advance_id}", memo=f"advance {advance_id} applied to {invoice.id}")


def posting_documents(book: Book) -> list[Document]:
    """The documents that post, in derivation order: by date, then kind (KIND_ORDER), then id."""
    return sorted((d for d in book.documents if d.kind in KIND_ORDER and d.status != "cancelled"),
                  key=lambda d: (d.date, KIND_ORDER[d.kind], d.id))


# A posting holds at most 15 digits before the point, as an amount in the books may (the schema's
# `amount`): a quantity and a price of 12 digits each may multiply far past that, and past the
# 64-bit minor units the ledger adds in.
LARGEST = Decimal(10) ** 15


def too_large(book: Book, doc: Document) -> Problem | None:
    """E233 when a document's lines with their VAT reach 10^15 in its currency or in the base."""
    total = sum((abs(ln.quantity * ln.price - ln.discount) * (1 + abs(ln.vat_rate) / 100) for ln in doc.lines),
                Decimal(0))
    currency = doc.currency or book.base
    rate = document_rate(book, doc, currency)
    base = total * Decimal(rate) if rate else total
    if max(total, base) < LARGEST:
        return None
    return Problem("E233", doc.source.path, doc.source.line, f"{doc.id}'s lines add up to {total:,.2f} {currency} "
                   "with VAT, more than an amount in the books can hold (15 digits before the point)", record=doc.id,
                   expected="a document total below 1,000,000,000,000,000", found=f"{total:,.2f} {currency}",
                   hint="check each line's quantity and price for digits typed twice or a price typed as the "
                        "quantity; the document is left out of the ledger until it is corrected")


def _allocation_line(book: Book, doc: Document, invoice: str) -> int:
    """The line of `doc`'s allocation to `invoice` (else the document's own line)."""
    try:
        lines = (book.root / doc.source.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return doc.source.line
    for n in range(doc.source.line, len(lines)):
        text = lines[n]
        if n > doc.source.line and text.lstrip().startswith("- id:") and not text.startswith(" " * 4):
            break
        if "invoice:" in text and invoice in text:
            return n + 1
    return doc.source.line


def derive(book: Book, fast: bool = True) -> tuple[Book, list[Problem]]:
    """The book with its derived postings, and the problems deriving them found.

    `fast` derives the plain documents as frame operations (`core.erp.post_frames`), with the same
    result; False replays every document through the Deriver (the reference the tests compare with).
    """
    ledger, stock_problems = _stock_ledger(book)
    received = receipts_by_order(book, ledger.rows) if ledger is not None else {}
    d = Deriver(book, received)
    docs = []
    for doc in posting_documents(book):
        big = too_large(book, doc)
        if big is None:
            docs.append(doc)
        else:
            d.problems.append(big)
    common_p = common_e = None
    common_a: list[pl.DataFrame] = []
    rest = list(enumerate(docs))
    if fast and docs:
        split = post_frames.split_documents(book, docs, d.roles, d.base_dec)
        common_p, common_e, odd = post_frames.derive_common(book, split.common, d.roles, d.base_dec, common_a)
        rest = sorted(split.rest + [(i, doc) for i, doc in split.common if doc.party in odd])
    made = d.run([doc for _, doc in rest])
    d.problems += derive_sales(book, d.entries)
    d.problems += derive_payroll(book.payroll, book.contacts, book.settings.payroll or PayrollRules(),
                                 dict(book.settings.roles), d.entries)
    postings, entries = d.entries.frames()
    if common_p is not None and common_e is not None and common_e.height:
        # Back into derivation order: each entry at its document's position (sales and payroll last).
        seq = [i for (i, _), n in zip(rest, made) for _ in range(n)]
        seq += [len(docs)] * (len(d.entries) - len(seq))
        per_posting = pl.DataFrame({"_seq": seq, "_n": d.entries.legs}, schema={"_seq": pl.Int64, "_n": pl.Int64}
                                   ).select(pl.col("_seq").repeat_by("_n").explode())
        postings = (pl.concat([postings.with_columns(per_posting), common_p.select(*postings.columns, "_seq")])
                    .sort("_seq", maintain_order=True).drop("_seq"))
        entries = (pl.concat([entries.with_columns(_seq=pl.Series(seq, dtype=pl.Int64)),
                              common_e.select(*entries.columns, "_seq")])
                   .sort("_seq", maintain_order=True).drop("_seq"))
    stock_postings, stock_entries, problems = _stock_postings(book, ledger, stock_problems)
    if stock_postings is not None:
        postings = pl.concat([postings, stock_postings], how="vertical_relaxed")
        entries = pl.concat([entries, stock_entries], how="vertical_relaxed")
    allocations = subledger.finish([d.open.frame(), *common_a])
    return (replace(book, derived_postings=postings, derived_entries=entries, stock_ledger=ledger,
                    allocations=allocations),
            d.problems + problems)


def _stock_ledger(book: Book):  # -> tuple[StockLedger | None, list[Problem]]
    return production.stock_ledger(book)      # recorded moves, plus what sales and production runs take (recipes)


def _stock_postings(book: Book, ledger, problems: list[Problem]
                    ) -> tuple[pl.DataFrame | None, pl.DataFrame | None, list[Problem]]:
    if ledger is None:
        return None, None, []
    postings, entries, problems = stock_move_postings(book, ledger, problems)
    return (production.route_runs(book, postings) if postings is not None else None), entries, problems


def stock_move_postings(book: Book, ledger, problems: list[Problem]
                        ) -> tuple[pl.DataFrame | None, pl.DataFrame | None, list[Problem]]:
    """Each valued stock leg against its counter account, vectorized (a million moves are common)."""
    problems = list(problems)
    rows = ledger.rows
    if rows.is_empty():
        return None, None, problems
    roles = Roles(book)
    needed = {"inventory", "cogs"}
    missing = [r for r in sorted(needed) if book.settings.role(r) is None]
    if missing:
        first = book.moves.row(0, named=True)
        return None, None, problems + [Problem(
            "E047", str(first["file"]), first["line"], f"no account for the posting rule `{missing[0]}`",
            record=first["id"] or "", hint=f"add `{missing[0]} = \"...\"` under [accounts] in books.toml")]
    # Account per (role, item, location), resolved once per distinct pair.
    pairs = rows.select("item", "location").unique()
    inv, cogs = {}, {}
    for item, loc in pairs.iter_rows():
        inv[(item, loc)] = roles.need("inventory", item, loc)
        cogs[(item, loc)] = roles.need("cogs", item, loc)
    acct = pl.DataFrame({"item": [k[0] for k in inv], "location": [k[1] for k in inv],
                         "_inv": list(inv.values()), "_cogs": [cogs[k] for k in inv]})
    g = lambda role, default: book.settings.role(role) or default  # noqa: E731
    counter = {
        "receipt": g("goods_received", None), "issue": None, "waste": g("waste", None), "return": None,
        "count-shortage": g("count_shortage", None), "count-surplus": g("count_surplus", None),
        "adjustment-in": g("count_surplus", None), "adjustment-out": g("count_shortage", None),
        "average-remainder": g("price_difference", None),
    }
    if counter["receipt"] is None and rows.filter(pl.col("kind") == "receipt").height:
        first = rows.filter(pl.col("kind") == "receipt").row(0, named=True)
        problems.append(Problem("E047", str(first["file"]), first["line"],
                                "no account for the posting rule `goods_received`", record=first["move_id"],
                                hint='add `goods_received = "..."` under [accounts] in books.toml'))
        return None, None, problems
    r = rows.filter(pl.col("value") != 0).join(acct, on=["item", "location"], how="left")
    # Postings go in (date, move id) order, the legs of a move as its ledger rows come, inventory legs
    # first. Sorted by integers: the move id's rank, and the leg's part and ledger row within it.
    r = r.with_columns(_d=(pl.col("date") - pl.col("date").min()).dt.total_days().cast(pl.Int64),
                       _e=pl.col("move_id").rank("dense").fill_null(0).cast(pl.Int64),
                       _ri=pl.int_range(pl.len(), dtype=pl.Int64))
    counter_expr = pl.col("_cogs")
    for kind, code in counter.items():
        if code is not None:
            counter_expr = pl.when(pl.col("kind") == kind).then(pl.lit(code)).otherwise(counter_expr)
    transfers = pl.col("kind").is_in(["transfer-in", "transfer-out"])
    keys = ["_d", "_e", "_part", "_ri"]
    inv_leg = r.select(pl.col("move_id").alias("entry_id"), "date", pl.col("_inv").alias("account"),
                       pl.col("value").alias("base"), "item", "location", "kind", "document", "file", "line",
                       "_d", "_e", pl.lit(0, pl.Int64).alias("_part"), "_ri")
    other = r.filter(~transfers).select(pl.col("move_id").alias("entry_id"), "date",
                                        counter_expr.alias("account"), (-pl.col("value")).alias("base"), "item",
                                        "location", "kind", "document", "file", "line",
                                        "_d", "_e", pl.lit(1, pl.Int64).alias("_part"), "_ri")
    legs = pl.concat([inv_leg, other])
    # A transfer between two locations on the same inventory account nets to nothing: drop it. The
    # sums run over every leg of the transfers' entries (a transfer in may bring an average remainder).
    moved = legs.filter(pl.col("_e").is_in(legs.filter(transfers).get_column("_e").unique().implode()))
    netted = moved.filter(transfers & (pl.col("base").sum().over("_e", "account") == 0)
                          & (pl.len().over("_e", "account") > 1)).select("_part", "_ri")
    if netted.height:
        legs = legs.join(netted, on=["_part", "_ri"], how="anti", maintain_order="left")
    key = packed_key(legs, keys)
    legs = legs.sort(key if key is not None else keys)
    legs = legs.with_columns(
        currency=pl.lit(book.base), amount=pl.col("base"), rate=pl.lit(None, pl.String),
        contact=pl.lit(None, pl.String), memo=pl.col("kind"), tags=pl.lit(None, pl.String),
        source=pl.coalesce("document", "entry_id"))

    legs = receipt_legs_in_currency(book, rows, legs, counter["receipt"])
    postings = legs.select("entry_id", "date", "account", "currency", "amount", "base", "rate", "contact", "item",
                           "location", "memo", "tags", pl.col("file").cast(pl.Categorical),
                           pl.col("line").cast(pl.Int32), "source")
    entries = (legs.select("_e", pl.col("entry_id").alias("id"), "date", pl.col("kind").alias("memo"),
                           pl.lit(None, pl.String).alias("payee"), "source", pl.lit(None, pl.String).alias("tags"),
                           pl.col("line").cast(pl.Int32), pl.col("file").cast(pl.Categorical))
               .unique("_e", keep="first", maintain_order=True).drop("_e"))
    return postings, entries, problems
