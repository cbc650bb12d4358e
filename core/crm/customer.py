"""The customer page: what an account manager opens before a call, as a typed page model.

`build_customer_page` gathers one party (all its ids: CRM, ERP, linked and merged) into a
`CustomerPage`: labelled fields, the balance against the credit limit, the aging buckets and the
open items (from the one subledger, core.ledger.subledger, so the page agrees with `kebir status`
and `kebir report aging`), net sales of the last 12 months, deals and activities as one timeline
(newest first) and the campaigns the party was in. The terminal (cli/crm.py) and the HTML page
(core/crm/customer_html.py) render the same model; neither computes anything. Labels are keys of
the language catalogue (core/model/i18n.py, `cust.*`), said in the page's language by the renderer.

`--format csv` and `--format json` keep the rows of `core.crm.pipeline.build_customer`, whose keys
scripts already read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from core.ledger.period import Span
from core.ledger.subledger import open_items
from core.model.i18n import known, text
from core.model.money import from_minor
from core.model.records import Book
from core.crm.pipeline import _base_decimals, deal_value, party_ids, probability, stage_on
from core.reports.aging import BUCKETS, bucket_of
from core.reports.sales import sales_postings
from core.reports.speak import stage_text

# The contact fields the page labels, in the order it shows them (any other field follows, as written).
FIELDS = ("kind", "tax_id", "email", "phone", "address", "city", "payment_terms", "credit_limit", "currency",
          "owner", "source", "created")


@dataclass(frozen=True, slots=True)
class PartyId:
    """One id of the party: which side holds it, in which role, and where it was merged."""

    id: str
    side: str                 # crm | erp
    role: str
    name: str
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """An open item of the party on the page's day (base currency)."""

    doc: str
    day: date
    due: date
    days_late: int
    bucket: str               # current | 1-30 | 31-60 | 61-90 | 90+ | on account
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Event:
    """A deal or an activity on the timeline."""

    day: date
    kind: str                 # deal | call | email | meeting | ticket | visit ...
    id: str
    title: str
    status: str               # a deal's stage and weight, an activity's outcome
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CustomerPage:
    lang: str
    company: str
    currency: str
    as_of: date
    contact: str              # the id asked for
    main: str                 # the id the page is about (ERP first, else CRM)
    name: str
    ids: tuple[PartyId, ...]
    fields: tuple[tuple[str, str], ...]          # (field key, value): labels come from the catalogue
    balance: Decimal
    credit_limit: Decimal | None
    days_past_due: int
    buckets: tuple[tuple[str, Decimal], ...]     # current, 1-30, ..., 90+, on account
    items: tuple[Item, ...]
    months: tuple[tuple[str, Decimal], ...]      # YYYY-MM -> net sales, the 12 months up to as_of
    timeline: tuple[Event, ...]
    campaigns: tuple[tuple[str, str, str, date], ...]   # id, name, kind, start

    @property
    def used_pct(self) -> int | None:
        """The balance as a whole percentage of the credit limit (half up), None without a limit."""
        if not self.credit_limit:
            return None
        return int((self.balance * 100 / self.credit_limit).to_integral_value(rounding="ROUND_HALF_UP"))

    @property
    def over_limit(self) -> bool:
        return self.credit_limit is not None and self.balance > self.credit_limit

    @property
    def sales_12m(self) -> Decimal:
        return sum((v for _, v in self.months), Decimal(0).quantize(Decimal(1).scaleb(-2)))

    def as_dict(self) -> dict:
        """The page with stable keys (dates ISO, amounts as strings)."""
        def amount(v: Decimal | None) -> str | None:
            return None if v is None else f"{v:f}"

        return {
            "report": "customer-page", "language": self.lang, "company": self.company, "currency": self.currency,
            "as_of": str(self.as_of), "contact": self.contact, "main": self.main, "name": self.name,
            "ids": [{"id": p.id, "side": p.side, "role": p.role, "name": p.name, "merged_into": p.merged_into}
                    for p in self.ids],
            "fields": dict(self.fields), "balance": amount(self.balance), "credit_limit": amount(self.credit_limit),
            "used_pct": self.used_pct, "over_limit": self.over_limit, "days_past_due": self.days_past_due,
            "buckets": {k: amount(v) for k, v in self.buckets},
            "open_items": [{"doc": i.doc, "date": str(i.day), "due": str(i.due), "days_late": i.days_late,
                            "bucket": i.bucket, "amount": amount(i.amount)} for i in self.items],
            "sales_by_month": {m: amount(v) for m, v in self.months}, "sales_12m": amount(self.sales_12m),
            "timeline": [{"date": str(e.day), "kind": e.kind, "id": e.id, "title": e.title, "status": e.status,
                          "amount": amount(e.amount)} for e in self.timeline],
            "campaigns": [{"id": c[0], "name": c[1], "kind": c[2], "start": str(c[3])} for c in self.campaigns],
        }


def _months_back(as_of: date, n: int) -> list[str]:
    y, m = as_of.year, as_of.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def build_customer_page(book: Book, contact_id: str, as_of: date, lang: str = "en") -> CustomerPage:
    """One party on one page, on `as_of` (raises ValueError for an id no contact has)."""
    if contact_id not in book.contacts:
        raise ValueError(f"no contact has the id {contact_id}: see contacts/crm and contacts/erp")
    ids = party_ids(book, contact_id)
    dec = _base_decimals(book)
    q = Decimal(1).scaleb(-dec)
    zero = Decimal(0).quantize(q)
    live = sorted(i for i in ids if not book.contacts[i].get("merged_into"))
    erp = [i for i in live if book.contacts[i].side == "erp"]
    main = (erp or live or [book.resolve(contact_id)])[0]
    party = tuple(PartyId(i, book.contacts[i].side, book.contacts[i].role, book.contacts[i].name,
                          book.contacts[i].get("merged_into")) for i in sorted(ids, key=lambda i: (
                              book.contacts[i].get("merged_into") is not None, book.contacts[i].side != "erp", i)))
    # fields: the main record's first, then what only a linked record holds
    values: dict[str, str] = {}
    for i in [main, *[x for x in live if x != main]]:
        for k, v in book.contacts[i].fields:
            if k not in ("merged_into", "name", "id") and v not in (None, "") and k not in values:
                values[k] = v
    values.setdefault("kind", book.contacts[main].kind)
    owner = values.get("owner")
    if owner and owner in book.contacts:          # the account manager by name, beside the id
        values["owner"] = f"{owner} {book.contacts[book.resolve(owner)].name}"
    fields = tuple((k, values[k]) for k in FIELDS if k in values) + tuple(
        (k, v) for k, v in values.items() if k not in FIELDS)

    items = [it for it in open_items(book, "ar", as_of) if it.contact in ids]
    shown: list[Item] = []
    per_bucket = {name: zero for name, _, _ in BUCKETS}
    on_account = zero
    for it in sorted(items, key=lambda x: (x.due, x.doc)):
        amount = from_minor(it.amount, dec)
        if it.on_account:
            on_account += amount
            shown.append(Item(it.doc, it.day, it.due, 0, "on account", amount))
            continue
        name = bucket_of(it, as_of)
        per_bucket[name] += amount
        shown.append(Item(it.doc, it.day, it.due, max(0, (as_of - it.due).days), name, amount))
    buckets = tuple(per_bucket.items()) + ((("on account", on_account),) if on_account else ())
    balance = from_minor(sum(it.amount for it in items), dec)
    worst = max((i.days_late for i in shown), default=0)
    limits = [Decimal(v) for i in live if (v := book.contacts[i].get("credit_limit"))]
    limit = min(limits).quantize(q) if limits else None

    months = _months_back(as_of, 12)
    first = date(int(months[0][:4]), int(months[0][5:]), 1)
    hist = sales_postings(book, Span(first, as_of + timedelta(days=1))).filter(
        pl.col("party").is_in(pl.Series(sorted(ids), dtype=pl.String).implode()))
    per_month = {m: 0 for m in months}
    for day, base in hist.select("date", "base").iter_rows():
        per_month[f"{day.year:04d}-{day.month:02d}"] -= int(base)
    month_sales = tuple((m, from_minor(v, dec)) for m, v in per_month.items())

    events: list[Event] = []
    for d in book.deals:
        if d.contact in ids and d.created <= as_of:
            stage = stage_on(d, as_of) or d.stage
            day = d.closed if stage in ("won", "lost") and d.closed else d.created
            events.append(Event(day, "deal", d.id, d.name or "", f"{stage_text(stage, lang)} {probability(d)}%",
                                deal_value(book, d, as_of)))
    for a in book.activities:
        if a.contact in ids and a.date <= as_of:
            outcome = a.outcome or ""
            if outcome and known(f"outcome.{outcome}"):
                outcome = text(f"outcome.{outcome}", lang)     # said in the page's language, as a deal's stage
            events.append(Event(a.date, a.kind, a.id, a.subject or "", outcome))
    events.sort(key=lambda e: (e.day, e.id), reverse=True)
    campaigns = tuple(sorted(((c.id, c.name, c.kind, c.start) for c in book.campaigns
                              if ids & set(c.members) and c.start <= as_of), key=lambda c: (c[3], c[0]),
                             reverse=True))
    return CustomerPage(lang, book.settings.name or "", book.base, as_of, contact_id, main, book.contacts[main].name,
                        party, fields, balance, limit, worst, buckets, tuple(shown), month_sales, tuple(events),
                        campaigns)
