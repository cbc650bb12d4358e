"""Material requirements: suggested purchase orders from a sales forecast through the recipes.

For each day of the horizon (from `start`, `horizon` days) and location, the forecast of each dish
(and of each stocked item sold as it is, a bottle of beer) is the average of what the tills sold on
the same weekday over the `weeks` weeks before `start` (Z-report sale rows), or the quantities of a
forecast file (`date,location,item,quantity`). Sales orders are known demand, not forecast: the
lines of every sales order that is not a draft or cancelled, on its delivery date (`due`, else the
order date) within the horizon, at its location, are added to the forecast (catering is lumpy, so
a weekday average of past events says little; the history forecast leaves sales orders out, so
nothing counts twice). The demand is exploded through the recipes into ingredient needs per day
and location.

Per ingredient and location the plan then projects stock day by day: on hand at the end of the
day before `start`, plus open purchase orders as of `start` (dated on or before it, not cancelled,
ordered less received before `start`, whatever their status today) on the day they are due
(`due:`, else order date + lead time), less the day's need. The suggestion covers the whole
horizon and keeps the reorder point:

    suggested = reorder point + need over the horizon - on hand - open orders

raised to the minimum order (by default 1 of the item's unit, 1,000 g or ml) and rounded up to the
order multiple, and to whole units for items counted in pieces; nothing when that is zero or less.
Lines are priced at the supplier's last receipt price before `start`. An order placed on day D
arrives on the first of the supplier's `delivery_days` at or after D + lead days (every day when it
has none). The goods must be there on the first day the projection falls below the reorder point, so
they come with the last delivery on or before that day, and the order-by date is that delivery less
the lead time; the line is `late` when that is before `start` (then it is ordered on `start` and
arrives with the first delivery it can make).
An open order without `due:` is expected on its order date's first delivery. Supply terms
(stock/supply.yaml) are looked up item at location, then item, then the item's supplier; the
supplier is the term's `supplier`, else the item's.

The plan runs in levels through the supply network (docs/production.md, "Planning in levels"):
restaurant demand, transfers from the location that supplies it, production runs of stocked items
with recipes, purchases; each line says which (`kind`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.erp.production import Supply, dish_sales, explode, production_of, route
from core.reports import Column, Table
from core.erp.stock import on_hand
from core.reports.recipe_cost import unit_costs


@dataclass(frozen=True, slots=True)
class Suggestion:
    supplier: str
    location: str
    item: str
    need: int              # thousandths over the horizon
    on_hand: int
    on_order: int
    reorder_point: int
    quantity: int          # suggested, thousandths
    order_by: date
    late: bool
    unit_cost: Fraction    # base minor units per unit (last receipt), for the amount
    kind: str = "purchase"  # purchase | transfer (supplier: the sending location) | production (a run here)


COLUMNS = (
    Column("kind", "Line"), Column("supplier", "Supplier / from"), Column("location", "Location"),
    Column("item", "Item"), Column("unit", "Unit"),
    Column("need", "Need", "qty"), Column("on_hand", "On hand", "qty"), Column("on_order", "On order", "qty"),
    Column("reorder_point", "Reorder point", "qty"), Column("quantity", "Suggested", "qty"),
    Column("order_by", "Order by"), Column("amount", "Amount", "money"), Column("late", "Late"),
)


def forecast(book: Book, start: date, horizon: int, weeks: int = 4, location: str | None = None) -> pl.DataFrame:
    """(date, location, item, qty thousandths): the same-weekday average over `weeks` weeks, half-up."""
    first = start - timedelta(days=7 * weeks)
    sold = dish_sales(book, first, start, location, orders=False)
    days = [start + timedelta(days=i) for i in range(horizon)]
    if sold.is_empty() or not days:
        return pl.DataFrame(schema={"date": pl.Date, "location": pl.String, "item": pl.String, "qty": pl.Int64})
    per = (sold.with_columns(wd=pl.col("date").dt.weekday()).group_by("location", "item", "wd")
           .agg(pl.col("qty").sum()))
    ahead = pl.DataFrame({"date": days}).with_columns(wd=pl.col("date").dt.weekday())
    return (ahead.join(per, on="wd").select(
        "date", "location", "item", qty=((2 * pl.col("qty") + weeks) // (2 * weeks)).cast(pl.Int64))
        .filter(pl.col("qty") > 0).sort("date", "location", "item"))


def read_forecast(path: Path) -> pl.DataFrame:
    """A forecast file: CSV with date,location,item,quantity (quantity up to 3 decimals)."""
    rows = []
    text = path.read_text(encoding="utf-8")
    for n, r in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            rows.append((date.fromisoformat(r["date"]), r["location"], r["item"],
                         int(Decimal(r["quantity"]) * 1000)))
        except (KeyError, ValueError, ArithmeticError, TypeError):
            raise ValueError(f"{path}:{n}: a forecast row needs date (YYYY-MM-DD), location, item and "
                             f"quantity; found {dict(r)}") from None
    return pl.DataFrame(rows, schema={"date": pl.Date, "location": pl.String, "item": pl.String, "qty": pl.Int64},
                        orient="row")


def arrival(ordered: date, lead: int, days: tuple[int, ...] | None) -> date:
    """When an order placed on `ordered` arrives: the first delivery weekday at or after the lead time."""
    d = ordered + timedelta(days=lead)
    while days and d.weekday() not in days:
        d += timedelta(days=1)
    return d


def last_delivery(by: date, days: tuple[int, ...] | None) -> date:
    """The last delivery day on or before `by`."""
    d = by
    while days and d.weekday() not in days:
        d -= timedelta(days=1)
    return d


def _terms(book: Book, item: str, location: str) -> tuple[Any, ...]:
    """(supplier, lead days, min order, multiple, reorder point, delivery weekdays)."""
    supply = production_of(book).supply
    known = book.items.get(item)
    supply = tuple(s for s in supply if s.from_location is None)     # network lines are not terms
    picks: list[Supply] = []
    picks += [s for s in supply if s.item == item and s.location == location]
    picks += [s for s in supply if s.item == item and s.location is None]
    supplier = next((s.supplier for s in picks if s.supplier), None) or (known.supplier if known else None)
    picks += [s for s in supply if s.item is None and s.supplier == supplier and s.location in (None, location)]

    def first(attr: str) -> Any:
        return next((getattr(s, attr) for s in picks if getattr(s, attr) is not None), None)

    th = lambda v: int(v * 1000) if v is not None else 0  # noqa: E731
    lead = first("lead_days")
    return supplier, lead if lead is not None else 1, th(first("min_order")), th(first("multiple")), \
        th(first("reorder_point")), first("delivery_days")


# Items counted in whole units are ordered in whole units; with no `min_order` in stock/supply.yaml,
# an order is at least this much of the item's unit, in thousandths (a 5 g line of pepper is 1 kg).
WHOLE_UNITS = frozenset({"piece", "portion", "box", "bottle", "pack"})
DEFAULT_MIN_ORDER = {"kg": 1000, "l": 1000, "g": 1_000_000, "ml": 1_000_000,
                     **{u: 1000 for u in WHOLE_UNITS}}


def last_receipt_prices(book: Book, start: date) -> dict[tuple[str, str], Fraction]:
    """{(item, supplier): base minor units per unit} of the last receipt before `start` from that
    supplier (the supplier of the purchase order the receipt names), and {(item, ""): ...} of the
    last receipt from anyone."""
    ledger = book.stock_ledger
    if ledger is None or ledger.rows.is_empty():
        return {}
    rows = (ledger.rows.filter((pl.col("kind") == "receipt") & (pl.col("date") < start) & (pl.col("qty") > 0))
            .select("item", "document", "qty", "value"))
    out: dict[tuple[str, str], Fraction] = {}
    for item, doc, q, v in rows.iter_rows():          # in stock order: the last one wins
        price = Fraction(v * 1000, q)
        out[(item, "")] = price
        party = book.document(doc).party if doc and book.document(doc) is not None else None
        if party:
            out[(item, party)] = price
    return out


def plan_purchases(book: Book, start: date, horizon: int = 7, *, location: str | None = None, weeks: int = 4,
                   forecast_rows: pl.DataFrame | None = None) -> list[Suggestion]:
    """Suggested purchase lines per supplier, location and item (see the module docstring)."""
    rec = production_of(book).recipes
    fc = forecast_rows if forecast_rows is not None else forecast(book, start, horizon, weeks, location)
    end = start + timedelta(days=horizon)
    orders = dish_sales(book, start, end, location, tills=False)     # known demand: open sales orders
    fc = pl.concat([fc.select("date", "location", "item", "qty"), orders], how="vertical_relaxed")
    fc = fc.filter((pl.col("date") >= start) & (pl.col("date") < end))
    if location:
        fc = fc.filter(pl.col("location") == location)
    need = explode(fc, rec, ["date", "location"]) if not fc.is_empty() else None
    if need is None or need.is_empty():
        return []
    need = need.rename({"ingredient": "item"})
    ledger = book.stock_ledger
    held: dict[tuple[str, str], int] = {}
    average: dict[str, Fraction] = {}
    if ledger is not None and not ledger.rows.is_empty():
        for it, loc, q, _v in on_hand(ledger, start - timedelta(days=1)).iter_rows():
            held[(it, loc)] = q

        average = unit_costs(book, start - timedelta(days=1))
    received: dict[tuple[str, str], int] = {}
    if ledger is not None and not ledger.rows.is_empty():      # as of `start`: receipts of the days before
        got = (ledger.rows.filter((pl.col("kind") == "receipt") & pl.col("document").is_not_null()
                                  & (pl.col("date") < start))
               .group_by("document", "item").agg(pl.col("qty").sum()))
        received = {(d, i): q for d, i, q in got.iter_rows()}
    arriving: dict[tuple[str, str], list[tuple[date, int]]] = {}
    for doc in book.documents:
        # a purchase order placed by `start` is open for what was not received before `start`, whatever
        # its status says today (`closed` is what its later receipts made it); cancelled ones are out
        if doc.kind != "purchase" or doc.status == "cancelled" or not doc.location or doc.date > start:
            continue
        for ln in doc.lines:
            if ln.item is None:
                continue
            left = int(ln.quantity * 1000) - received.get((doc.id, ln.item), 0)
            received[(doc.id, ln.item)] = max(0, received.get((doc.id, ln.item), 0) - int(ln.quantity * 1000))
            if left > 0:
                terms = _terms(book, ln.item, doc.location)
                due = doc.due or arrival(doc.date, terms[1], terms[5])
                arriving.setdefault((ln.item, doc.location), []).append((due, left))
    prices = last_receipt_prices(book, start)
    by_key: dict[tuple[str, str], dict[date, int]] = {}
    for d, loc, it, q in need.select("date", "location", "item", "qty").iter_rows():
        by_key.setdefault((it, loc), {})[d] = by_key.get((it, loc), {}).get(d, 0) + q
    rec = production_of(book).recipes
    supply = production_of(book).supply
    order = _levels(book, by_key, supply)
    out: list[Suggestion] = []
    done: set[tuple[str, str]] = set()
    while True:
        todo = [k for k in by_key if k not in done]
        if not todo:
            break
        it, loc = min(todo, key=lambda k: (order.get(k, 0), k))
        done.add((it, loc))
        days = by_key[(it, loc)]
        known = book.items.get(it)
        if known is None or known.type != "stock":
            continue
        way = route(supply, it, known.category, loc)
        made = way is None and it in rec.by_item          # a stocked item with a recipe: made here
        if way is not None:
            supplier, lead, min_order, multiple, reorder, weekdays = (
                way.from_location, way.lead_days if way.lead_days is not None else 1,
                int((way.min_order or 0) * 1000), int((way.multiple or 0) * 1000),
                int((way.reorder_point or 0) * 1000), way.delivery_days)
        else:
            supplier, lead, min_order, multiple, reorder, weekdays = _terms(book, it, loc)
            if made:
                supplier, lead, weekdays = "", 0, None
        have = held.get((it, loc), 0)
        on_order = sum(q for due, q in arriving.get((it, loc), []) if due < end)
        total = sum(days.values())
        level, short = have, None
        for i in range(horizon):
            d = start + timedelta(days=i)
            level += sum(q for due, q in arriving.get((it, loc), []) if due == d or (i == 0 and due < start))
            level -= days.get(d, 0)
            if level < reorder and short is None:
                short = d
        qty = reorder + total - have - on_order
        if qty <= 0:
            continue
        unit = known.unit
        if way is None and not made:
            qty = max(qty, min_order or DEFAULT_MIN_ORDER.get(unit, 0))
        else:
            qty = max(qty, min_order)
        if multiple > 0:
            qty = -(-qty // multiple) * multiple
        if unit in WHOLE_UNITS:                       # 169.94 loaves are 170 loaves
            qty = -(-qty // 1000) * 1000
        order_by = last_delivery(short or start, weekdays) - timedelta(days=lead)
        when = max(order_by, start)
        if way is not None:              # the sending location must have it on the day it ships
            by_key.setdefault((it, way.from_location), {})[when] = \
                by_key.get((it, way.from_location), {}).get(when, 0) + qty
            kind, price = "transfer", Fraction(0)
        elif made:                       # a production run here, on the day: its ingredients are needed then
            for ing, per in rec.direct(it).items():
                n = per * qty
                by_key.setdefault((ing, loc), {})[when] = by_key.get((ing, loc), {}).get(when, 0) + \
                    (2 * n.numerator + n.denominator) // (2 * n.denominator)
            kind, price = "production", Fraction(0)
        else:
            kind = "purchase"
            price = prices.get((it, supplier or "")) or prices.get((it, "")) or average.get(it, Fraction(0))
        out.append(Suggestion(supplier or "", loc, it, total, have, on_order, reorder, qty, when,
                              order_by < start, price, kind))
    return sorted(out, key=lambda s: (KINDS.index(s.kind), s.supplier, s.location, s.item))


KINDS = ("transfer", "production", "purchase")


def _levels(book: Book, keys: dict[tuple[str, str], dict[date, int]], supply: tuple[Supply, ...]
            ) -> dict[tuple[str, str], int]:
    """The planning level of each (item, location) the demand can reach: a restaurant's need comes
    first, the transfers it asks of the kitchen next, then the kitchen's production runs, then what
    their ingredients ask of purchasing (the longest path from any demand, so every need a level
    adds is there before the level below is netted)."""
    rec = production_of(book).recipes
    level: dict[tuple[str, str], int] = {k: 0 for k in keys}
    stack = list(keys)
    while stack:
        it, loc = stack.pop()
        if level[(it, loc)] > 50:                      # a cycle in the network: stop deepening
            continue
        known = book.items.get(it)
        way = route(supply, it, known.category if known else None, loc)
        below = [(it, way.from_location)] if way is not None else (
            [(ing, loc) for ing in rec.direct(it)] if it in rec.by_item else [])
        for k in below:
            if level.get(k, -1) < level[(it, loc)] + 1:
                level[k] = level[(it, loc)] + 1
                stack.append(k)
    return level


def plan_table(book: Book, lines: list[Suggestion], start: date, horizon: int) -> Table:
    dec = book.settings.base_decimals
    rows = []
    total = 0
    for s in lines:
        minor = None
        if s.kind == "purchase":             # transfers and runs move stock the group already owns
            amount = s.unit_cost * s.quantity / 1000
            minor = (2 * amount.numerator + amount.denominator) // (2 * amount.denominator)
            total += minor
        known = book.items.get(s.item)
        rows.append((s.kind, s.supplier, s.location, s.item, known.unit if known else "", from_minor(s.need, 3),
                     from_minor(s.on_hand, 3), from_minor(s.on_order, 3), from_minor(s.reorder_point, 3),
                     from_minor(s.quantity, 3), str(s.order_by), None if minor is None else from_minor(minor, dec),
                     "late" if s.late else ""))
    last = start + timedelta(days=horizon - 1)
    return Table("plan-purchases", f"Suggested purchases for {start} .. {last}", COLUMNS, tuple(rows),
                 ("Total", "", "", "", "", None, None, None, None, None, "", from_minor(total, dec), ""),
                 meta={"start": str(start), "horizon_days": horizon})


def draft_orders(book: Book, lines: list[Suggestion], start: date) -> dict[str, list[dict[str, Any]]]:
    """Draft purchase orders, one per supplier and location: {orders file: [records]} with the next
    free PO- numbers; prices are the last receipt costs (4 decimals kept as the unit cost)."""
    import re

    numbers = [int(m.group(1)) for d in book.documents if (m := re.fullmatch(r"PO-(\d+)", d.id))]
    nxt = max(numbers, default=0) + 1
    groups: dict[tuple[str, str], list[Suggestion]] = {}
    for s in lines:
        if s.supplier and s.kind == "purchase":
            groups.setdefault((s.supplier, s.location), []).append(s)
    files: dict[str, list[dict[str, Any]]] = {}
    dec = book.settings.base_decimals
    for (supplier, loc), group in sorted(groups.items()):
        due = max(arrival(start, *_terms(book, s.item, loc)[1::4]) for s in group)
        lines_out = []
        for s in group:
            price = s.unit_cost / 10**dec
            p = (2 * price.numerator * 100 + price.denominator) // (2 * price.denominator)   # half-up, 2 decimals
            known = book.items.get(s.item)
            line: dict[str, Any] = {"item": s.item, "quantity": str(from_minor(s.quantity, 3)),
                                    "price": str(from_minor(p, 2))}
            if known and known.vat_rate:
                line["vat_rate"] = known.vat_rate
            lines_out.append(line)
        rec = {"id": f"PO-{nxt:04d}", "kind": "purchase", "date": str(start), "party": supplier, "location": loc,
               "currency": book.base, "status": "draft", "due": str(due),
               "memo": f"suggested by kebir plan purchases on {start}", "lines": lines_out}
        nxt += 1
        files.setdefault(f"orders/{start.year}/{start:%Y-%m}.yaml", []).append(rec)
    return files
