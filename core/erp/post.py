"""Derive journal postings from documents, by the rules in books.toml (docs/documents.md).

`derive(book)` returns the book with `derived_postings` / `derived_entries` filled in, and the
problems found (a missing posting rule, a document that cannot be valued). The derivation is
deterministic: documents in (date, kind order, id) order, one derived entry per document (plus
one per applied advance), amounts in integer minor units, VAT per line rounded half-up.

Open items are tracked while deriving, per party and currency, so a payment settles its
invoices at the rate they were booked at and the realized exchange difference is posted.
Settlements are tagged `settles:INV-...` on the control-account legs, which the aging report reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import polars as pl

from core.ledger.derived import Entries, Leg
from core.model.errors import Problem
from core.model.records import Book, Document, OrderLine
from core.model.money import convert_minor, round_half_up
from core.erp.stock import packed_key

# Within a day: advances before the invoices that apply them, invoices before what settles them.
KIND_ORDER = {"advance": 0, "supplier-invoice": 1, "invoice": 2, "supplier-credit-note": 3, "credit-note": 4,
              "payment": 5, "supplier-payment": 6, "doubtful": 7}


class MissingRole(Exception):
    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


@dataclass(frozen=True, slots=True)
class Roles:
    """Which account plays which part: books.toml [accounts], overridden per location and item."""

    book: Book

    def get(self, role: str, item: str | None = None, location: str | None = None) -> str | None:
        if item and item in self.book.items:
            hit = dict(self.book.items[item].accounts).get(role)
            if hit:
                return hit
        if location and location in self.book.locations:
            hit = dict(self.book.locations[location].accounts).get(role)
            if hit:
                return hit
        return self.book.settings.role(role)

    def need(self, role: str, item: str | None = None, location: str | None = None) -> str:
        code = self.get(role, item, location)
        if code is None:
            raise MissingRole(role)
        return code


@dataclass
class OpenItem:
    doc: str
    party: str
    currency: str
    amount: int          # open, in the document currency's minor units
    base: int            # open, in base minor units
    day: date


class Ledgers:
    """Open invoices per (side, party, currency), oldest first, while documents are replayed."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], list[OpenItem]] = {}
        self.by_doc: dict[str, OpenItem] = {}
        self.first: dict[tuple[str, str, str], int] = {}

    def add(self, side: str, item: OpenItem) -> None:
        self.items.setdefault((side, item.party, item.currency), []).append(item)
        self.by_doc[item.doc] = item

    def settle(self, item: OpenItem, amount: int) -> int:
        """Take `amount` off an item; returns the base value settled (pro rata, exact at the end)."""
        amount = min(amount, item.amount)
        if amount <= 0:
            return 0
        base = item.base if amount == item.amount else int(
            round_half_up(Decimal(item.base) * amount / item.amount, 0))
        item.amount -= amount
        item.base -= base
        return base

    def oldest(self, side: str, party: str, currency: str) -> list[OpenItem]:
        key = (side, party, currency)
        queue = self.items.get(key, [])
        start = self.first.get(key, 0)
        while start < len(queue) and queue[start].amount <= 0:
            start += 1                       # settled items never reopen: skip them for good
        self.first[key] = start
        return [i for i in queue[start:] if i.amount > 0]


class Deriver:
    def __init__(self, book: Book, received: dict[tuple[str, str], tuple[int, int]] | None = None) -> None:
        self.book = book
        self.received = dict(received or {})     # (PO, item) -> (qty thousandths, value) not yet invoiced
        self.roles = Roles(book)
        self.base = book.base
        self.base_dec = book.settings.decimals(book.base) or 2
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
        for doc in docs:
            before = len(self.entries)
            try:
                getattr(self, "post_" + doc.kind.replace("-", "_"))(doc)
            except MissingRole as exc:
                self.problem(doc, "E047", f"no account for the posting rule `{exc.role}`",
                             hint=f"add `{exc.role.split(':')[0]} = \"...\"` under [accounts] in books.toml"
                             + (f" (table [accounts.{exc.role.split(':')[0]}], key \"{exc.role.split(':')[1]}\")"
                                if ":" in exc.role else ""))
            made.append(len(self.entries) - before)
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
            vat_account = self.roles.need(f"{vat_role}:{_pct(line.vat_rate)}") if vat else None
            net_base, vat_base = self.to_base(net, currency, rate), self.to_base(vat, currency, rate)
            legs.append(Leg(account, -sign * net_base, currency, -sign * net, item=line.item, location=doc.location,
                            rate=rate, memo=line.description))
            if vat:
                legs.append(Leg(vat_account, -sign * vat_base, currency, -sign * vat, rate=rate,
                                memo=f"VAT {_pct(line.vat_rate)}%"))
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
            at_cost = self._received_value(doc, line) if stocked and sign > 0 else None
            if at_cost is not None and at_cost != net_base:
                # Goods received are cleared at the value they came in at; the rest is a price difference.
                legs.append(Leg(account, at_cost, item=line.item, memo=line.description))
                legs.append(Leg(self.roles.need("price_difference", line.item, doc.location), net_base - at_cost,
                                currency, sign * net if currency == self.base else None, item=line.item, rate=rate,
                                memo=f"price difference on {line.item}"))
            else:
                legs.append(Leg(account, sign * net_base, currency, sign * net, item=line.item, rate=rate,
                                memo=line.description))
            if vat:
                legs.append(Leg(self.roles.need(f"vat_input:{_pct(line.vat_rate)}"), sign * vat_base, currency,
                                sign * vat, rate=rate, memo=f"VAT {_pct(line.vat_rate)}%"))
            total_amount += net + vat
            total_base += net_base + vat_base
        legs.append(Leg(self.roles.need("payable"), -sign * total_base, currency, -sign * total_amount,
                        contact=doc.party, rate=rate))
        self.post(doc, legs)
        if sign > 0:
            self.open.add("ap", OpenItem(doc.id, doc.party, currency, total_amount, total_base, doc.date))

    def _received_value(self, doc: Document, line: OrderLine) -> int | None:
        """The stock value received on the invoice's purchase order for this line's quantity."""
        key = (doc.order or "", line.item or "")
        qty, value = self.received.get(key, (0, 0))
        want = int((line.quantity * 1000).to_integral_value())
        if not doc.order or qty <= 0 or want > qty:
            return None
        part = value if want == qty else int(round_half_up(Decimal(value) * want / qty, 0))
        self.received[key] = (qty - want, value - part)
        return part

    def _doc_rate(self, doc_id: str | None) -> str | None:
        doc = self.book.document(doc_id or "")
        return self.rate_for(doc, doc.currency or self.base) if doc else None

    def _settle_from_last(self, doc: Document, side: str, target: OpenItem | None) -> None:
        """A credit note reduces the invoice it credits (else the oldest open ones)."""
        amount = abs(self.entries._p[-1][4])      # the control leg is the last leg added
        currency = doc.currency or self.base
        for item in ([target] if target is not None else []) + self.open.oldest(side, doc.party, currency):
            if amount <= 0:
                break
            taken = min(amount, item.amount)
            self.open.settle(item, taken)
            amount -= taken

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
            targets.append((item, min(want, left)))
            left -= min(want, left)
        if not doc.allocations:
            for item in self.open.oldest(side, doc.party, currency):
                if left <= 0:
                    break
                take = min(left, item.amount)
                targets.append((item, take))
                left -= take
        for item, take in targets:
            base = self.open.settle(item, take)
            settled_base += base
            legs.append(Leg(control, -sign * base, currency, -sign * take, contact=doc.party, rate=rate,
                            memo=f"settles {item.doc}"))
        if left > 0:                          # paid on account: an open credit at today's rate
            on_account = self.to_base(left, currency, rate)
            settled_base += on_account
            legs.append(Leg(control, -sign * on_account, currency, -sign * left, contact=doc.party, rate=rate,
                            memo="on account"))
        diff = bank_base - settled_base       # > 0: more base came in (sign +1) than was booked
        if diff:
            gain = diff * sign > 0
            legs.append(Leg(self.roles.need("fx_gain" if gain else "fx_loss"), -sign * diff,
                            memo=f"realized exchange difference on {doc.id}"))
        self.post(doc, legs)

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
        base = self.open.settle(item, amount)
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
        self.open.settle(adv, amount)
        self.open.settle(inv, amount)
        self.post(invoice, [Leg(self.roles.need("advances_received"), amount, contact=invoice.party,
                                memo=f"advance {advance_id} applied"),
                            Leg(self.roles.need("receivable"), -amount, contact=invoice.party,
                                memo=f"settles {invoice.id}")],
                  entry_id=f"{invoice.id}/{advance_id}", memo=f"advance {advance_id} applied to {invoice.id}")


def posting_documents(book: Book) -> list[Document]:
    """The documents that post, in derivation order: by date, then kind (KIND_ORDER), then id."""
    return sorted((d for d in book.documents if d.kind in KIND_ORDER and d.status != "cancelled"),
                  key=lambda d: (d.date, KIND_ORDER[d.kind], d.id))


def document_rate(book: Book, doc: Document, currency: str) -> str | None:
    """A document's own rate, else the rates/ rate on its date; None in the base currency."""
    if currency == book.base:
        return None
    return doc.rate or book.rate_on(currency, doc.date)


def _pct(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text


def derive(book: Book, fast: bool = True) -> tuple[Book, list[Problem]]:
    """The book with its derived postings, and the problems deriving them found.

    `fast` derives the plain documents as frame operations (`core.erp.post_frames`), with the same
    result; False replays every document through the Deriver (the reference the tests compare with).
    """
    from core.erp.payroll import derive_payroll
    from core.model.payroll import PayrollRules
    from core.erp.zreports import derive_sales

    ledger, stock_problems = _stock_ledger(book)
    received = {}
    if ledger is not None:
        rec = ledger.rows.filter((pl.col("kind") == "receipt") & pl.col("document").is_not_null()).group_by(
            "document", "item").agg(pl.col("qty").sum(), pl.col("value").sum())
        received = {(doc, item): (q, v) for doc, item, q, v in rec.iter_rows()}
    d = Deriver(book, received)
    docs = posting_documents(book)
    common_p = common_e = None
    rest = list(enumerate(docs))
    if fast and docs:
        from core.erp import post_frames

        split = post_frames.split_documents(book, docs, d.roles, d.base_dec)
        common_p, common_e, odd = post_frames.derive_common(book, split.common, d.roles, d.base_dec)
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
    return (replace(book, derived_postings=postings, derived_entries=entries, stock_ledger=ledger),
            d.problems + problems)


def _stock_ledger(book: Book):  # -> tuple[StockLedger | None, list[Problem]]
    from core.erp import production      # recorded moves, plus what sales and production runs take (recipes)

    return production.stock_ledger(book)


def _stock_postings(book: Book, ledger, problems: list[Problem]
                    ) -> tuple[pl.DataFrame | None, pl.DataFrame | None, list[Problem]]:
    if ledger is None:
        return None, None, []
    from core.erp import production

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
    postings = legs.select("entry_id", "date", "account", "currency", "amount", "base", "rate", "contact", "item",
                           "location", "memo", "tags", pl.col("file").cast(pl.Categorical),
                           pl.col("line").cast(pl.Int32), "source")
    entries = (legs.select("_e", pl.col("entry_id").alias("id"), "date", pl.col("kind").alias("memo"),
                           pl.lit(None, pl.String).alias("payee"), "source", pl.lit(None, pl.String).alias("tags"),
                           pl.col("line").cast(pl.Int32), pl.col("file").cast(pl.Categorical))
               .unique("_e", keep="first", maintain_order=True).drop("_e"))
    return postings, entries, problems
