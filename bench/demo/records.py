"""The records of the demo books as kebir writes them (books.toml, accounts, stock, sales), and the
self-checks the generator runs on what it made.
"""

from __future__ import annotations

from typing import Any

import tomli_w

from bench.demo.basics import END, MONTHS, Record, START, four, iso, money, percent_of, qty
from bench.demo.company import (
    ACCOUNTS, ACCOUNT_ROLES, AP, AR, COMPANY, CONVERSIONS, COST_CENTRES, DISHES, DRINK_ACCOUNTS, GREEK_LEAD,
    INVENTORY_ACCOUNTS, ITEMS, LOCATIONS, LOCATION_ACCOUNTS, LOC_IDS, MENUS, POLICIES, RECIPES, RECLASS, REFLECTION,
    SAUCES, SAUCE_ACCOUNTS, SERVICE_ITEMS, SUPPLIERS, VAT_IN, VAT_OUT, YEAR_END_CLOSE,
)
from bench.demo.stock import COUNTED_UNITS, KIND_RANK, Move, PurchaseOrder, Run
from bench.demo.journals import Entry, payroll_table


# --------------------------------------------------------------------------- records

def account_records() -> list[Record]:
    out = []
    for code, name, typ, currency, closed in ACCOUNTS:
        rec: Record = {"code": code, "name": name}
        if typ:
            rec["type"] = typ
        if currency:
            rec["currency"] = currency
        if closed:
            rec["closed"] = closed
        out.append(rec)
    return out


# The company on its e-invoices and filings (books.toml [statutory], docs/statutory.md).
STATUTORY = {"tax_id": "2910465635", "tax_office": "Kadıköy", "address": "Caferağa Mah. Moda Cad. No: 112",
             "district": "Kadıköy", "city": "İstanbul", "efatura_series": "DNZ", "earsiv_series": "DNA",
             "babs_threshold": "5000"}


def einvoice_numbers(orders: list[Record], customers: list[Record]) -> None:
    """Give every issued invoice its GİB number and ETTN as `kebir einvoice number` would: e-Fatura
    customers (companies with a VKN, flagged `e_invoice`) on the DNZ series, the rest on DNA, in date
    then id order; the ETTN from the company's VKN and the invoice id. Draws no random numbers."""
    from core.interop.einvoice.model import ettn_for

    registered = {c["id"] for c in customers if c.get("e_invoice") == "true"}
    seq = {"DNZ": 0, "DNA": 0}
    for rec in sorted((o for o in orders if o.get("kind") == "invoice"), key=lambda o: (o["date"], o["id"])):
        series = "DNZ" if rec["party"] in registered else "DNA"
        seq[series] += 1
        rec["number"] = f"{series}{rec['date'][:4]}{seq[series]:09d}"
        rec["ettn"] = ettn_for(STATUTORY["tax_id"], rec["id"])


def books_toml() -> str:
    accounts: dict[str, Any] = dict(ACCOUNT_ROLES)
    accounts["vat_output"] = {str(rate): code for rate, code in VAT_OUT.items()}
    accounts["vat_input"] = {str(rate): code for rate, code in VAT_IN.items()}
    accounts["reflection"] = dict(REFLECTION)
    accounts["cost_centre"] = dict(COST_CENTRES)
    accounts["reclass"] = dict(RECLASS)
    doc = {"company": {"name": COMPANY, "base_currency": "TRY", "fiscal_year_start": "01-01", "chart": "tr-tdhp",
                       "language": "tr"},
           "currencies": {"TRY": 2, "EUR": 2, "USD": 2},
           "accounts": accounts,
           "close": {**YEAR_END_CLOSE, "count_differences": "cost_of_sales"},
           "assets": {"method": "vuk"},
           "statutory": dict(STATUTORY),
           "payroll": payroll_table()}
    return tomli_w.dumps(doc)


def item_records(supplier_ids: dict[str, str]) -> list[Record]:
    """Bought items, the sauces the central kitchen makes (stocked), the dishes and drinks by the
    glass (made to order) and the catering menus. No prices here: prices.yaml holds the menus."""
    out = []
    for i in ITEMS:
        rec: Record = {"id": i.id, "name": i.name, "unit": i.unit, "valuation": POLICIES[i.category].valuation,
                       "category": i.category, "vat_rate": i.vat, "supplier": supplier_ids[i.supplier]}
        if i.category == "drinks":
            rec["accounts"] = dict(DRINK_ACCOUNTS)
        out.append(rec)
    out += [{"id": sid, "name": name, "unit": unit, "valuation": "average", "category": "sauce", "vat_rate": "1",
             "accounts": dict(SAUCE_ACCOUNTS)} for sid, name, unit, *_ in SAUCES]
    out += [{"id": x[0], "name": x[1], "unit": x[2], "type": "produced", "valuation": "average", "category": x[3],
             "vat_rate": x[4]} for x in DISHES]
    out += [{"id": m, "name": name, "unit": "portion", "type": "produced", "valuation": "average",
             "category": "catering", "vat_rate": "10"} for m, name, _price in MENUS]
    out += [{"id": sid, "name": name, "unit": "piece", "type": "service", "valuation": "average",
             "category": "services", "vat_rate": vat, "supplier": supplier_ids[supplier]}
            for sid, name, vat, supplier in SERVICE_ITEMS]
    return out


def _ingredients(rows: tuple[tuple[str, str, str, str], ...]) -> list[Record]:
    out = []
    for item, quantity, unit, waste in rows:
        line = {"item": item, "quantity": quantity, "unit": unit}
        if waste:
            line["waste"] = waste
        out.append(line)
    return out


def recipe_records() -> list[Record]:
    """The sauces (batches made by production runs), the dishes and drinks the restaurants sell, and
    the catering menus: what one unit takes, trim loss included."""
    out: list[Record] = []
    for sid, name, unit, batch, waste, lines in SAUCES:
        rec: Record = {"item": sid, "name": name, "quantity": batch, "unit": unit}
        if waste != "0":
            rec["waste"] = waste
        out.append(rec | {"ingredients": _ingredients(lines)})
    out += [{"item": x[0], "name": x[1], "ingredients": _ingredients(x[8])} for x in DISHES]
    out += [{"item": m, "name": name, "ingredients": _ingredients(RECIPES[m])} for m, name, _price in MENUS]
    return out


def unit_records() -> list[Record]:
    return [{"item": item, "unit": unit, "per_unit": per} for item, unit, per in CONVERSIONS]


def run_records(runs: list[Run]) -> list[Record]:
    """Production runs at the central kitchen, numbered per month in the order they were cooked."""
    out, serial = [], {}
    for r in sorted(runs, key=lambda r: (r.date, r.time, r.item)):
        n = serial[r.date.month] = serial.get(r.date.month, 0) + 1
        r.id = f"PR-{r.date.year}-{r.date.month:02d}-{n:03d}"
        out.append({"id": r.id, "date": iso(r.date), "time": r.time, "location": "MTF", "item": r.item,
                    "quantity": qty(r.quantity), "memo": r.memo})
    return out


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def supply_records(supplier_ids: dict[str, str]) -> list[Record]:
    """Per stock supplier: ordered the evening before, delivered on its delivery days (the Greek oil
    in two weeks); order multiples per item."""
    out: list[Record] = []
    for s in SUPPLIERS:
        if s.key == "greek":
            out.append({"supplier": supplier_ids[s.key], "lead_days": str(GREEK_LEAD.days)})
        elif s.deliveries:
            out.append({"supplier": supplier_ids[s.key], "lead_days": "1",
                        "delivery_days": [DAY_NAMES[x] for x in sorted(s.deliveries)]})
    out += [{"item": i.id, "multiple": qty(i.step)} for i in ITEMS if i.step]
    return out


def network_records() -> list[Record]:
    """The supply network: the restaurants get everything from the central kitchen at Maltepe (meat,
    produce, dairy, dry goods, drinks, oil and the kitchen's sauces) by next-day transfer, except
    fish, seafood and bread, which their suppliers bring to the door."""
    out: list[Record] = []
    for loc in ("BSK", "KDK"):
        out.append({"location": loc, "from": "MTF", "lead_days": "1"})
        out += [{"location": loc, "category": c, "by": "purchase"} for c in ("bread", "fish", "seafood")]
    return out


# the restaurants' seats and the opening hours of each daypart (revenue per seat-hour)
SEATS = {"KDK": "110", "BSK": "130"}
HOURS = {"lunch": "12:00-16:00", "dinner": "18:00-23:00", "late": "23:00-01:00"}


def location_records() -> list[Record]:
    out = []
    for i, name, kind, address in LOCATIONS:
        rec: Record = {"id": i, "name": name, "kind": kind, "address": address, "accounts": dict(LOCATION_ACCOUNTS[i])}
        if i in SEATS:
            rec |= {"seats": SEATS[i], "hours": dict(HOURS)}
        out.append(rec)
    return out


def number_moves(moves: list[Move]) -> list[Record]:
    """Move rows in the order stock is counted (date, time, kind), numbered per month."""
    rows, serial = [], {}
    moves.sort(key=lambda m: (m.date, m.time or "24:00", KIND_RANK[m.kind], m.location, m.item, m.to_location))
    for m in moves:
        n = serial[m.date.month] = serial.get(m.date.month, 0) + 1
        row = {"id": f"MV-{m.date.year}-{m.date.month:02d}-{n:06d}", "date": iso(m.date)}
        if m.time:
            row["time"] = m.time
        row |= {"kind": m.kind, "item": m.item, "location": m.location, "quantity": qty(m.quantity)}
        if m.to_location:
            row["to_location"] = m.to_location
        if m.unit_cost >= 0:
            row |= {"unit_cost": four(m.unit_cost), "currency": m.currency}
        if m.document:
            row["document"] = m.document.id if isinstance(m.document, PurchaseOrder) else m.document
        if m.memo:
            row["memo"] = m.memo
        if m.kind == "waste":
            row["reason"] = WASTE_REASON_OF[m.memo]
        rows.append(row)
    return rows


# stock/reasons.yaml, and the reason each of the simulation's waste memos is booked under
REASONS = (("spoiled", "Bozulma"), ("dropped", "Servis sırasında düşürme"), ("returned", "Misafir iadesi"),
           ("staff-meal", "Personel yemeği"), ("over-production", "Fazla üretim"),
           ("quality", "Kalite kontrolünden geçmedi"), ("end-of-season", "Sezon sonu imha"))
WASTE_REASON_OF = {"spoiled": "spoiled", "past its best": "spoiled", "dropped in service": "dropped",
                   "failed quality check": "quality", "end of season, discarded": "end-of-season"}


def reason_records() -> list[Record]:
    return [{"id": code, "name": name} for code, name in REASONS]


def purchase_records(orders: list[PurchaseOrder], supplier_ids: dict[str, str]) -> list[Record]:
    order_of = {s.key: n for n, s in enumerate(SUPPLIERS)}
    orders.sort(key=lambda o: (o.date, o.due, order_of[o.supplier], LOC_IDS.index(o.location)))
    items = {i.id: i for i in ITEMS}
    out = []
    for n, po in enumerate(orders, 1):
        po.id = f"PO-{n:04d}"
        lines = []
        for item_id in sorted(po.lines):
            q = po.lines[item_id]
            counted = items[item_id].unit in COUNTED_UNITS
            lines.append({"item": item_id, "quantity": str(q // 1000) if counted else qty(q),
                          "price": money(po.prices[item_id]), "vat_rate": items[item_id].vat})
        rec = {"id": po.id, "kind": "purchase", "date": iso(po.date), "party": supplier_ids[po.supplier],
               "location": po.location, "currency": po.currency, "status": po.status, "due": iso(po.due)}
        if po.memo:
            rec["memo"] = po.memo
        out.append(rec | {"lines": lines})
    return out


def number_entries(entries: list[Entry], prefix: str) -> None:
    serial: dict[int, int] = {}
    # The opening entry first; otherwise same-day entries keep the order they were made in.
    for e in sorted(entries, key=lambda e: (e.date, "opening" not in e.tags)):
        n = serial[e.date.month] = serial.get(e.date.month, 0) + 1
        e.id = f"{prefix}-{e.date.year}-{e.date.month:02d}-{n:04d}"


def by_month(records: list[Record]) -> dict[int, list[Record]]:
    out: dict[int, list[Record]] = {m: [] for m in MONTHS}
    for r in records:
        out[int(r["date"][5:7])].append(r)
    return out


# --------------------------------------------------------------------------- self-checks

def check_journal(entries: list[Entry], contacts: set[str]) -> None:
    """What `kebir validate` will check, asserted here so a bad change fails at once."""
    accounts = {code: (currency, closed) for code, _, _, currency, closed in ACCOUNTS}
    groups = {code.rpartition(".")[0] for code in accounts if "." in code}
    for e in entries:
        debit = sum(p.base for p in e.postings if p.side == "debit")
        credit = sum(p.base for p in e.postings if p.side == "credit")
        assert debit == credit, (e.id, e.memo, debit, credit)
        assert len(e.postings) >= 2 and START <= e.date <= END, e.id
        assert not e.payee or e.payee in contacts, e.id
        for p in e.postings:
            assert p.amount > 0, (e.id, p)
            assert p.account in accounts and p.account not in groups, (e.id, p.account)
            currency, closed = accounts[p.account]
            assert not currency or currency == p.currency, (e.id, p.account, p.currency)
            assert not closed or iso(e.date) <= closed, (e.id, p.account)
            assert not p.contact or p.contact in contacts, (e.id, p.contact)
            assert p.account not in INVENTORY_ACCOUNTS, (e.id, p.account)            # E052: stock moves only
            assert p.contact or p.account not in (AR, AP), (e.id, p.account)         # E053: name the contact


def check_z_reports(rows: list[Record]) -> None:
    """Each day's tenders pay its net plus VAT (per rate, on the day's total), to the kuruş (E054)."""
    days: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        z = days.setdefault((r["date"], r["location"]), {})
        if r["kind"] == "sale":
            z[r["vat_rate"]] = z.get(r["vat_rate"], 0) + int(r["net"].replace(".", ""))
        elif r["kind"] == "tender":
            z["paid"] = z.get("paid", 0) + int(r["amount"].replace(".", ""))
    for key, z in days.items():
        paid = z.pop("paid")
        assert paid == sum(net + percent_of(net, int(rate)) for rate, net in z.items()), key


def check_orders(purchases: list[Record], move_rows: list[Record]) -> None:
    """Every receipt names a purchase order; a closed order was received in full, an open one not yet."""
    received: dict[tuple[str, str], int] = {}
    for r in move_rows:
        if r["kind"] == "receipt":
            key = (r["document"], r["item"])
            received[key] = received.get(key, 0) + int(r["quantity"].replace(".", ""))
    ordered = {}
    for po in purchases:
        for line in po["lines"]:
            q = line["quantity"]
            ordered[(po["id"], line["item"])] = (int(q.replace(".", "")) if "." in q else int(q) * 1000, po["status"])
    for key, (q, status) in ordered.items():
        assert received.get(key, 0) == (q if status == "closed" else 0), (key, status, q, received.get(key))
    assert set(received) <= set(ordered)
