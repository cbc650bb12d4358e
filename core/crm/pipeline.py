"""The front office: pipeline, activities, segments, the customer 360 and the CRM key figures.

A party can hold several ids: a CRM record and the ERP customer it is linked to in
`contacts/links.yaml`, and any ids merged into either (`merged_into`). `party_ids` gathers them,
so every view here shows one party once, whatever id its records were written with.

Deal amounts are turned into the base currency at the latest rate on or before the day the view
is for; a deal's weight is its probability (written, else the stage's default).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from core.model.records import Book, Deal
from core.model.money import from_minor
from core.ledger.period import Span, short_label
from core.reports import Column, Table
from core.reports.aging import BUCKETS, bucket_of
from core.ledger.subledger import open_items, settled_by, state_of
from core.reports.sales import sales_postings
from core.reports.query import _kind
from core.reports.query import money

STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
OPEN_STAGES = ("lead", "qualified", "proposal", "negotiation")
DEFAULT_PROBABILITY = {"lead": 10, "qualified": 25, "proposal": 50, "negotiation": 75, "won": 100, "lost": 0}
CUSTOMER_ROLES = frozenset({"customer", "company", "person"})


def _base_decimals(book: Book) -> int:
    return book.settings.base_decimals


def _q(book: Book) -> Decimal:
    return Decimal(1).scaleb(-_base_decimals(book))


def party_ids(book: Book, contact_id: str) -> set[str]:
    """Every id of one party: its aliases, the records linked to it across the sides, and theirs."""
    ids = book.aliases(contact_id)
    changed = True
    while changed:
        changed = False
        for link in book.links:
            if (link.crm in ids) != (link.erp in ids):
                ids |= book.aliases(link.crm) | book.aliases(link.erp)
                changed = True
    return ids


def deal_value(book: Book, deal: Deal, day: date) -> Decimal:
    """The deal's amount in the base currency on `day` (its own currency's latest rate)."""
    if not deal.currency or deal.currency == book.base:
        return deal.amount.quantize(_q(book), ROUND_HALF_EVEN)
    rate = book.rate_on(deal.currency, day)
    if rate is None:
        raise ValueError(f"deal {deal.id}: no {deal.currency} rate on or before {day}; add one to rates/")
    return (deal.amount * Decimal(rate)).quantize(_q(book), ROUND_HALF_EVEN)


def probability(deal: Deal) -> int:
    return deal.probability if deal.probability is not None else DEFAULT_PROBABILITY.get(deal.stage, 0)


def stage_on(deal: Deal, day: date) -> str | None:
    """The deal's stage as seen on `day`: None before it was created; a won or lost deal counts as
    open until the day it closed."""
    if deal.created > day:
        return None
    if deal.stage in ("won", "lost") and deal.closed and deal.closed > day:
        return "negotiation"
    return deal.stage


# -- pipeline ---------------------------------------------------------------------------------------

def build_pipeline(book: Book, as_of: date, span: Span | None = None, *, owner: str | None = None) -> Table:
    """Open deals by stage on `as_of` (count, amount, weighted amount), then the deals won and lost
    in `span` (default: the 90 days up to `as_of`) with the win rate."""
    span = span or Span(as_of - timedelta(days=89), as_of + timedelta(days=1))
    deals = [d for d in book.deals if owner is None or d.owner == owner]
    rows: list[tuple[Any, ...]] = []
    zero = Decimal(0).quantize(_q(book))
    total_n, total_amount, total_weighted = 0, zero, zero
    for stage in OPEN_STAGES:
        here = [d for d in deals if stage_on(d, as_of) == stage]
        amount = sum((deal_value(book, d, as_of) for d in here), zero)
        weighted = sum(((deal_value(book, d, as_of) * probability(d) / 100).quantize(_q(book), ROUND_HALF_EVEN)
                        for d in here), zero)
        rows.append(("open", stage, len(here), amount, DEFAULT_PROBABILITY[stage], weighted))
        total_n, total_amount, total_weighted = total_n + len(here), total_amount + amount, total_weighted + weighted
    rows.append(("open", "total open", total_n, total_amount, None, total_weighted))
    closed_in = [d for d in deals if d.stage in ("won", "lost") and d.closed and span.begin and span.end
                 and span.begin <= d.closed < span.end]
    won = [d for d in closed_in if d.stage == "won"]
    lost = [d for d in closed_in if d.stage == "lost"]
    for stage, here in (("won", won), ("lost", lost)):
        rows.append(("closed", stage, len(here), sum((deal_value(book, d, d.closed or as_of) for d in here), zero),
                     None, None))
    rate = None if not closed_in else (Decimal(len(won)) * 100 / len(closed_in)).quantize(Decimal("0.1"))
    cols = (Column("group", "Group"), Column("stage", "Stage"), Column("deals", "Deals", "int"),
            Column("amount", "Amount", "money"), Column("probability", "Default %", "int"),
            Column("weighted", "Weighted", "money"))
    return Table("pipeline", f"Pipeline on {as_of}; won and lost {short_label(span)}", cols, tuple(rows), None,
                 {"currency": book.base, "company": book.settings.name, "as_of": str(as_of),
                  "begin": str(span.begin or ""), "end": str(span.end or ""), "owner": owner or "",
                  "open_amount": total_amount, "weighted": total_weighted, "win_rate_pct": rate})


# -- activities -------------------------------------------------------------------------------------

def build_activities(book: Book, span: Span = Span(), *, contact: str | None = None, owner: str | None = None,
                     kind: str | None = None, outcome: str | None = None) -> Table:
    """CRM activities in date order, narrowed to a party (all its ids), an owner, a kind, an outcome."""
    ids = party_ids(book, contact) if contact else None
    rows = []
    for a in book.activities:
        if span.begin and a.date < span.begin or span.end and a.date >= span.end:
            continue
        if ids is not None and a.contact not in ids or owner and a.owner != owner or kind and a.kind != kind \
                or outcome and a.outcome != outcome:
            continue
        who = book.contacts.get(book.resolve(a.contact))
        rows.append((str(a.date), a.id, book.resolve(a.contact), who.name if who else "?", a.kind, a.subject or "",
                     a.outcome or "", a.owner or ""))
    cols = (Column("date", "Date"), Column("id", "Activity"), Column("contact", "Contact"), Column("name", "Name"),
            Column("kind", "Kind"), Column("subject", "Subject"), Column("outcome", "Outcome"),
            Column("owner", "Owner"))
    return Table("activities", f"Activities, {span.label()}", cols, tuple(rows), None,
                 {"company": book.settings.name, "count": len(rows), "begin": str(span.begin or ""),
                  "end": str(span.end or "")})


# -- customers table and segments -------------------------------------------------------------------

def customers_frame(book: Book, as_of: date) -> pl.DataFrame:
    """One row per party that is not merged away and not an employee or supplier: what a segment's
    condition can test. Money is Decimal in the base currency."""

    dec = _base_decimals(book)
    year_ago = as_of - timedelta(days=365)
    sales = sales_postings(book, Span(None, as_of + timedelta(days=1)))
    by_party: dict[str, list[tuple[date, int, str]]] = {}
    for party, day, base, source in sales.select("party", "date", "base", "source").iter_rows():
        if party:
            by_party.setdefault(party, []).append((day, -int(base), source))
    balance: dict[str, int] = {}
    overdue_days: dict[str, int] = {}
    for item in open_items(book, "ar", as_of):
        balance[item.contact] = balance.get(item.contact, 0) + item.amount
        overdue_days[item.contact] = max(overdue_days.get(item.contact, 0), (as_of - item.due).days)
    last_activity: dict[str, date] = {}
    for a in book.activities:
        if a.date <= as_of:
            last_activity[book.resolve(a.contact)] = max(last_activity.get(book.resolve(a.contact), date.min), a.date)
    rows = []
    seen: set[str] = set()
    for cid, c in sorted(book.contacts.items()):
        if c.get("merged_into") or c.role in ("employee", "supplier") or cid in seen:
            continue
        ids = party_ids(book, cid)
        seen |= ids
        erp = sorted(i for i in ids if i in book.contacts and book.contacts[i].side == "erp"
                     and not book.contacts[i].get("merged_into"))
        crm = sorted(i for i in ids if i in book.contacts and book.contacts[i].side == "crm"
                     and not book.contacts[i].get("merged_into"))
        main = (erp or crm or [cid])[0]
        m = book.contacts[main]
        hist = [x for i in ids for x in by_party.get(i, [])]
        docs = {s for _, _, s in hist}
        revenue_12m = sum(v for d, v, _ in hist if d > year_ago)
        rows.append({
            "id": main, "crm_id": crm[0] if crm else None, "erp_id": erp[0] if erp else None, "name": m.name,
            "kind": m.kind, "city": m.get("city"), "owner": next((book.contacts[i].get("owner") for i in crm
                                                                  if book.contacts[i].get("owner")), None),
            "source": next((book.contacts[i].get("source") for i in crm if book.contacts[i].get("source")), None),
            "created": min((d for i in ids if (d := book.contacts[i].get("created"))), default=None),
            "first_sale": min((d for d, _, _ in hist), default=None),
            "last_sale": max((d for d, _, _ in hist), default=None),
            "invoices": len(docs), "revenue": sum(v for _, v, _ in hist), "revenue_12m": revenue_12m,
            "balance": sum(balance.get(i, 0) for i in ids), "days_overdue": max((overdue_days.get(i, 0) for i in ids),
                                                                               default=0),
            "last_activity": max((last_activity[i] for i in ids if i in last_activity), default=None),
            "open_deals": sum(1 for d in book.deals if d.contact in ids and stage_on(d, as_of) in OPEN_STAGES),
            "campaigns": sum(1 for cmp in book.campaigns if ids & set(cmp.members)),
        })
    schema = {"id": pl.String, "crm_id": pl.String, "erp_id": pl.String, "name": pl.String, "kind": pl.String,
              "city": pl.String, "owner": pl.String, "source": pl.String, "created": pl.String,
              "first_sale": pl.Date, "last_sale": pl.Date, "invoices": pl.Int64, "revenue": pl.Int64,
              "revenue_12m": pl.Int64, "balance": pl.Int64, "days_overdue": pl.Int64, "last_activity": pl.Date,
              "open_deals": pl.Int64, "campaigns": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    return frame.with_columns(pl.col("created").str.to_date(strict=False),
                              *(money(c, dec).alias(c) for c in ("revenue", "revenue_12m", "balance")))


def build_segment(book: Book, where: str, as_of: date, *, name: str = "") -> Table:
    """The customers matching a SQL condition over `customers_frame` (raises ValueError with the
    columns it can use when the condition cannot run)."""

    frame = customers_frame(book, as_of)
    ctx = pl.SQLContext(customers=frame, eager=True)
    try:
        result = ctx.execute(f"SELECT * FROM customers WHERE {where} ORDER BY id")
    except Exception as exc:   # polars raises several error types for SQL; all mean "this condition"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"segment condition {where!r} cannot run: {first}; columns: "
                         f"{', '.join(frame.columns)}") from None
    cols = tuple(Column(c, c.replace("_", " ").capitalize(), _kind(t)) for c, t in result.schema.items())
    rows = tuple(tuple(str(v) if isinstance(v, date) else v for v in r) for r in result.iter_rows())
    title = f"Segment {name}: {where}" if name else f"Customers where {where}"
    return Table("segment", f"{title} (on {as_of})", cols, rows, None,
                 {"currency": book.base, "company": book.settings.name, "where": where, "as_of": str(as_of),
                  "count": len(rows)})


# -- the customer 360 -------------------------------------------------------------------------------

def advance_state(book: Book, adv, as_of: date) -> str:
    """Where a customer's advance (deposit) stands on `as_of`: "applied" when the invoices dated by
    then apply all of it, "applied X, held Y" when part, "held" (in advances received, on no
    invoice yet) when none. Amounts in the advance's own currency."""
    applied = sum((a.amount for d in book.documents if d.kind == "invoice" and d.status != "cancelled"
                   and d.date <= as_of for a in d.applies if a.doc == adv.id), Decimal(0))
    held = adv.amount - applied
    if held <= 0:
        return "applied"
    return f"applied {applied}, held {held}" if applied else "held"


def build_customer(book: Book, contact_id: str, as_of: date) -> Table:
    """One party on one page: profile (CRM and ERP), activities, deals, campaigns, documents, open
    items with days past due, balance against the credit limit."""
    if contact_id not in book.contacts:
        raise ValueError(f"no contact has the id {contact_id}: see contacts/crm and contacts/erp")
    ids = party_ids(book, contact_id)
    dec = _base_decimals(book)
    rows: list[tuple[Any, ...]] = []
    live = sorted(i for i in ids if not book.contacts[i].get("merged_into"))
    for i in sorted(ids):
        c = book.contacts[i]
        alias = f" (merged into {book.resolve(i)})" if c.get("merged_into") else ""
        rows.append(("profile", "", i, f"{c.side.upper()} {c.role}: {c.name}{alias}", None, ""))
        if not alias:
            for k, v in c.fields:
                if k not in ("merged_into",):
                    rows.append(("profile", "", i, f"{k}: {v}", None, ""))
    for a in book.activities:
        if a.contact in ids and a.date <= as_of:
            rows.append(("activity", str(a.date), a.id, f"{a.kind}: {a.subject or ''}", None, a.outcome or ""))
    for d in book.deals:
        if d.contact in ids and d.created <= as_of:
            stage = stage_on(d, as_of) or ""
            rows.append(("deal", str(d.created), d.id, f"{d.name or ''} ({stage}, {probability(d)}%)".strip(),
                         deal_value(book, d, as_of), stage))
    for cmp in book.campaigns:
        if ids & set(cmp.members) and cmp.start <= as_of:
            rows.append(("campaign", str(cmp.start), cmp.id, f"{cmp.kind}: {cmp.name}", None, ""))
    hist = sales_postings(book, Span(None, as_of + timedelta(days=1))).filter(
        pl.col("party").is_in(pl.Series(sorted(ids), dtype=pl.String).implode()))
    invoiced = -int(hist["base"].sum() or 0)
    items = [it for it in open_items(book, "ar", as_of) if it.contact in ids]
    advance = {it.doc: -it.amount for it in items if it.on_account}
    for doc in book.documents:
        if doc.party in ids and doc.date <= as_of:
            amount, state = doc.amount, doc.status or ""
            if doc.kind == "invoice" and doc.status != "cancelled":
                # gross, as the payments beside it, and where it stands in the subledger (as `kebir status`)
                st = state_of(book, doc.id, "ar", as_of)
                amount, state = from_minor(st.gross, dec), st.state
            elif doc.kind == "credit-note" and doc.status != "cancelled":
                amount = from_minor(settled_by(book, "ar").get(doc.id, 0), dec)      # gross, as invoices
                # it settles its invoice as a payment does: applied, or what it left on account
                state = f"on account {from_minor(advance[doc.id], dec)}" if doc.id in advance else "applied"
            elif doc.kind == "payment" and doc.status != "cancelled":
                state = f"on account {from_minor(advance[doc.id], dec)}" if doc.id in advance else "applied"
            elif doc.kind == "advance" and doc.status != "cancelled":
                state = advance_state(book, doc, as_of)
            rows.append(("document", str(doc.date), doc.id, f"{doc.kind}{': ' + doc.memo if doc.memo else ''}",
                         amount, state))
    balance = sum(it.amount for it in items)
    worst = 0
    for it in sorted(items, key=lambda x: (x.due, x.doc)):
        late = 0 if it.on_account else max(0, (as_of - it.due).days)
        worst = max(worst, late)
        detail = "on account (advance)" if it.on_account else \
            f"due {it.due}, {late} days past due, {bucket_of(it, as_of)}"
        rows.append(("open item", str(it.day), it.doc, detail, from_minor(it.amount, dec), ""))
    limits = [Decimal(v) for i in live if (v := book.contacts[i].get("credit_limit"))]
    limit = min(limits) if limits else None
    rows.append(("balance", str(as_of), "", "open balance", from_minor(balance, dec), ""))
    if limit is not None:
        rows.append(("balance", str(as_of), "", "credit limit", limit.quantize(_q(book)),
                     "over" if from_minor(balance, dec) > limit else "within"))
    main = book.contacts[book.resolve(contact_id)]
    cols = (Column("section", "Section"), Column("date", "Date"), Column("ref", "Ref"), Column("detail", "Detail"),
            Column("amount", "Amount", "money"), Column("status", "Status"))
    meta = {"currency": book.base, "company": book.settings.name, "contact": contact_id, "ids": sorted(ids),
            "name": main.name, "as_of": str(as_of), "balance": from_minor(balance, dec),
            "credit_limit": None if limit is None else limit.quantize(_q(book)),
            "days_past_due": worst, "net_sales": from_minor(invoiced, dec),
            "open_deals": sum(1 for r in rows if r[0] == "deal" and r[5] in OPEN_STAGES),
            "buckets": [name for name, _, _ in BUCKETS]}
    return Table("customer", f"Customer {main.name} ({', '.join(sorted(ids))}) on {as_of}", cols, tuple(rows), None,
                 meta)
