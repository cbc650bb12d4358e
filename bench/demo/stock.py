"""The day-by-day stock simulation: purchases, issues, production runs, transfers, waste and the
month-end counts, so that on-hand quantities never go below zero.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from bench.demo.basics import (
    DAYS, END, MON, MONTHS, ONE_DAY, RATE_WALKS, START, THU, YEAR, d, inflation, month_end, next_weekday, vary,
)
from bench.demo.company import (
    GREEK_DELIVERIES, GREEK_LEAD, ITEMS, ItemSpec, LOC_IDS, OVERUSE, POLICIES, Policy, RESTAURANTS, RUN_TIME,
    RUSH_RUN_TIME, SALES_SEASON, SAUCES, SAUCE_RUN_DAYS, SUPPLIERS, SupplierSpec, WEEKDAY_FACTOR,
)
from bench.demo.contacts import random_day
from bench.demo.catering import Menu, SalesOrder, Till


# --------------------------------------------------------------------------- stock simulation

COUNTED_UNITS = ("piece", "bottle", "portion")
TRANSFER_TIME = {"KDK": "09:30", "BSK": "10:15"}
RUSH_TIME, RUSH_TRANSFER_TIME = "08:50", "11:30"
CATERING_TIME, WASTE_TIME, ADJUST_TIME = "14:00", "23:10", "23:20"
# Counts are untimed: they come after the day's sales, which kebir issues untimed at the day's end.
KIND_RANK = {"receipt": 0, "transfer": 1, "issue": 2, "waste": 3, "adjustment": 4, "count": 5}
WASTE_MEMOS = ("spoiled", "past its best", "dropped in service", "failed quality check")
SAUCE_POLICY = Policy("average", True, (), (MON, THU), 20, 50, 2)


@dataclass
class PurchaseOrder:
    supplier: str                  # SupplierSpec.key
    location: str
    date: dt.date
    due: dt.date
    currency: str
    lines: dict[str, int] = field(default_factory=dict)    # item -> quantity (thousandths)
    prices: dict[str, int] = field(default_factory=dict)   # item -> price (minor units)
    status: str = "closed"
    id: str = ""
    memo: str = ""


@dataclass
class Move:
    date: dt.date
    time: str
    kind: str
    item: str
    location: str
    quantity: int                  # thousandths; signed for adjustments
    to_location: str = ""
    unit_cost: int = -1            # 1/10000 of the currency; -1: none
    currency: str = ""
    document: PurchaseOrder | str = ""
    memo: str = ""


@dataclass
class Run:
    date: dt.date
    time: str
    item: str
    quantity: int                  # thousandths made
    memo: str = ""
    id: str = ""


def at(clock: str, minutes: int) -> str:
    h, m = divmod(int(clock[:2]) * 60 + int(clock[3:]) + minutes, 60)
    return f"{h:02d}:{m:02d}"


class StockSim:
    """Day-by-day stock per item and location, in integer thousandths.

    The restaurants' usage is what kebir derives from their Z-reports through the recipes (the
    sim takes exactly that, at the end of the day) plus what the kitchen uses beyond the recipes,
    which only the month-end count shows. Each day: receipts (early morning), transfers from MTF
    to the restaurants, sauce production runs at MTF, rush purchases and transfers for what would
    run short, catering deliveries (issued as menus, exploded by kebir), waste, adjustments, the
    day's sales, the month-end count, then the evening's purchase orders for the next deliveries.
    Nothing leaves a location that is not there, so stock never goes negative.
    """

    def __init__(self, rng: random.Random, sales_orders: list[SalesOrder], menu: Menu,
                 tills: dict[tuple[str, dt.date], Till]) -> None:
        self.rng = rng
        self.menu = menu
        self.items = {i.id: i for i in ITEMS}
        self.sauces = [s[0] for s in SAUCES]
        self.category = {i.id: i.category for i in ITEMS} | {s: "sauce" for s in self.sauces}
        self.units = {i.id: i.unit for i in ITEMS} | {s[0]: s[2] for s in SAUCES}
        self.suppliers = {s.key: s for s in SUPPLIERS}
        self.taken = {key: menu.take(till.taken()) for key, till in tills.items() if key[1] >= START}
        stock_ids = [i.id for i in ITEMS] + self.sauces
        keys = [(i, loc) for i in stock_ids for loc in LOC_IDS]
        self.on_hand = dict.fromkeys(keys, 0)      # what the book says
        self.hidden = dict.fromkeys(keys, 0)       # used beyond the recipes since the last count
        self.on_order = dict.fromkeys(keys, 0)
        self.moves: list[Move] = []
        self.runs: list[Run] = []
        self.orders: list[PurchaseOrder] = []
        self.arrivals: dict[dt.date, list[tuple[PurchaseOrder, dict[str, int], str]]] = {}
        self.standing: dict[tuple[str, str, dt.date], PurchaseOrder] = {}
        self.events: dict[dt.date, list[tuple[SalesOrder, str, int, dict[str, int]]]] = {}
        self.event_need: dict[tuple[dt.date, str], int] = {}
        for so in sales_orders:
            if so.status != "closed":
                continue
            for menu_item, portions, _, _ in so.lines:
                need = menu.take({menu_item: portions * 1000})
                self.events.setdefault(so.due, []).append((so, menu_item, portions, need))
                for item, q in need.items():
                    self.event_need[(so.due, item)] = self.event_need.get((so.due, item), 0) + q
        # Mean use per day (book quantities) per item, location and month, from the menu.
        self.use: dict[tuple[str, str, int], int] = {}
        avg_weekday = sum(WEEKDAY_FACTOR) // 7
        for month in MONTHS:
            mid = dt.date(YEAR, month, 15)
            for loc in RESTAURANTS:
                n = LOC_IDS.index(loc)
                sold = {item: means[n] * 1000 * SALES_SEASON[loc][month - 1] // 1000 * avg_weekday // 1000
                        for item, _t, *means in menu.sold if means[n] and menu.on_menu(item, mid)}
                for item, q in menu.take(sold).items():
                    self.use[(item, loc, month)] = q
            for sauce in self.sauces:
                made = sum(self.use.get((sauce, loc, month), 0) for loc in RESTAURANTS)
                for item, q in menu.run_takes(sauce, made).items():
                    self.use[(item, "MTF", month)] = self.use.get((item, "MTF", month), 0) + q
        in_events = {item for _day, item in self.event_need}
        self.kept: dict[str, tuple[str, ...]] = {}
        for item in stock_ids:
            used = [loc for loc in LOC_IDS if any(self.use.get((item, loc, m)) for m in MONTHS)]
            if (self.policy(item).via_mtf and used) or item in in_events:
                used.append("MTF")
            self.kept[item] = tuple(loc for loc in LOC_IDS if loc in used)
        self.adjustments = self.plan_adjustments()
        self.rushes: list[tuple[str, str]] = []

    # ---- quantities
    def policy(self, item: str) -> Policy:
        return SAUCE_POLICY if item in self.sauces else POLICIES[self.category[item]]

    def in_season(self, item: ItemSpec, day: dt.date) -> bool:
        return not item.months or day.month in item.months

    def mean(self, item: str, loc: str, day: dt.date) -> int:
        """Mean use on a day like `day`: the recipes' share, and what the kitchen uses beyond them."""
        q = self.use.get((item, loc, day.month), 0)
        return q + q * OVERUSE[self.category[item]] // 1000 if loc in RESTAURANTS else q

    def physical(self, key: tuple[str, str]) -> int:
        return self.on_hand[key] - self.hidden[key]

    def grain(self, item: str) -> int:
        return 1000 if self.units[item] in COUNTED_UNITS else 1

    def order_step(self, item: ItemSpec) -> int:
        return item.step or {"kg": 500, "l": 1000}.get(item.unit, 1000)

    def price(self, item: ItemSpec, day: dt.date) -> int:
        supplier = self.suppliers[item.supplier]
        if supplier.currency != "TRY":
            return vary(self.rng, item.price * inflation(day, 3) // 1000, 985, 1020)
        swing = (850, 1150) if item.category in ("fish", "seafood", "produce") else (970, 1030)
        return max(1, vary(self.rng, item.price * inflation(day, 24) // 1000, *swing))

    def move(self, day: dt.date, clock: str, kind: str, item: str, loc: str, quantity: int, **kw: Any) -> None:
        self.moves.append(Move(day, clock, kind, item, loc, quantity, **kw))

    def need_today(self, day: dt.date, loc: str) -> dict[str, int]:
        """What the day's sales take at a restaurant (book), and what the kitchen really uses."""
        return self.taken.get((loc, day), {})

    def extra(self, item: str, q: int) -> int:
        """Used beyond the recipes on top of `q` (hidden until the count)."""
        return q * OVERUSE[self.category[item]] * self.rng.randint(500, 1500) // 1_000_000

    # ---- the simulation
    def run(self) -> None:
        self.place_orders(START, START, initial=True)
        for day in DAYS:
            self.receive(day)
            self.produce(day, self.plan_runs(day))
            self.transfer(day)
            self.rescue(day)
            self.cater(day)
            self.spoil(day)
            self.adjust(day)
            self.sell(day)
            if day == month_end(day.year, day.month):
                self.count(day)
            self.place_orders(day, day + ONE_DAY)
        for po in self.orders:
            if po.due > END and po.status == "closed":
                po.status = "open"

    def receive(self, day: dt.date) -> None:
        for po, lines, clock in self.arrivals.pop(day, []):
            for item_id in sorted(lines):
                q = lines[item_id]
                key = (item_id, po.location)
                self.on_order[key] -= q
                if po.status == "cancelled":
                    continue
                self.on_hand[key] += q
                self.move(day, clock, "receipt", item_id, po.location, q, unit_cost=po.prices[item_id] * 100,
                          currency=po.currency, document=po)

    def plan_runs(self, day: dt.date) -> dict[str, int]:
        """Sauce batches to cook today at MTF: enough for the restaurants until the run after next
        and the catering of the coming days."""
        if day.weekday() not in SAUCE_RUN_DAYS:
            return {}
        runs = {}
        horizon = (next_weekday(next_weekday(day, SAUCE_RUN_DAYS), SAUCE_RUN_DAYS) - day).days + 1
        for sauce in self.sauces:
            want = sum(self.mean(sauce, loc, day + dt.timedelta(days=n)) for loc in RESTAURANTS for n in range(horizon))
            want += sum(self.event_need.get((day + dt.timedelta(days=n), sauce), 0) for n in range(horizon))
            have = sum(self.physical((sauce, loc)) for loc in LOC_IDS)
            if want > have:
                batch = self.menu.usable(sauce)
                runs[sauce] = -(-(want - have) // batch) * batch
        return runs

    def transfer(self, day: dt.date) -> None:
        for item in [i.id for i in ITEMS] + self.sauces:
            pol = self.policy(item)
            if not pol.via_mtf or (day.weekday() not in pol.transfer_days and day != START):
                continue
            step = 1000 if self.units[item] in COUNTED_UNITS else 100
            nxt = next_weekday(day, pol.transfer_days)
            for loc in RESTAURANTS:
                daily = self.mean(item, loc, day)
                if not daily:
                    continue
                key = (item, loc)
                position = self.physical(key)
                need = daily * (nxt - day).days
                if position >= need + daily * pol.reorder // 10:
                    continue
                want = -(-(need + daily * pol.cover // 10 - position) // step) * step
                spare = self.physical((item, "MTF")) - self.event_need.get((day, item), 0)
                q = min(want, max(0, spare) // step * step)
                if q > 0:
                    self.shift(day, TRANSFER_TIME[loc], item, loc, q)

    def shift(self, day: dt.date, clock: str, item: str, loc: str, q: int) -> None:
        self.on_hand[(item, "MTF")] -= q
        self.on_hand[(item, loc)] += q
        self.move(day, clock, "transfer", item, "MTF", q, to_location=loc)

    def rush(self, day: dt.date, item_id: str, loc: str, short: int) -> None:
        """Buy what would run short, delivered the same morning (a rush order to the usual supplier;
        the Greek oil and olives from the wholesaler)."""
        item = self.items[item_id]
        spec = self.suppliers[item.supplier]
        if spec.currency != "TRY":
            spec = self.suppliers["dry"]
            price = max(1, vary(self.rng, item.price * RATE_WALKS[0][1] // 10000 * inflation(day, 24) // 1000,
                                1100, 1200))
        else:
            price = self.price(item, day)
        step = self.order_step(item)
        q = -(-short // step) * step
        po = PurchaseOrder(spec.key, loc, day, day, "TRY", {item_id: q}, {item_id: price}, memo="rush order")
        self.orders.append(po)
        self.on_hand[(item_id, loc)] += q
        self.move(day, RUSH_TIME, "receipt", item_id, loc, q, unit_cost=price * 100, currency="TRY", document=po)
        self.rushes.append((item_id, loc))

    def ensure_mtf(self, day: dt.date, needs: dict[str, int]) -> None:
        for item, q in sorted(needs.items()):
            short = q - self.physical((item, "MTF"))
            if short > 0 and item in self.sauces:     # an extra batch
                batch = self.menu.usable(item)
                self.produce(day, {item: -(-short // batch) * batch}, RUSH_RUN_TIME)
            elif short > 0:
                self.rush(day, item, "MTF", short)

    def produce(self, day: dt.date, runs: dict[str, int], clock: str = RUN_TIME) -> None:
        needs: dict[str, int] = {}
        for sauce, made in runs.items():
            for item, q in self.menu.run_takes(sauce, made).items():
                needs[item] = needs.get(item, 0) + q
        for item, q in needs.items():          # catering later today needs its share too
            needs[item] = q + self.event_need.get((day, item), 0)
        self.ensure_mtf(day, needs)
        for sauce, made in sorted(runs.items()):
            for item, q in self.menu.run_takes(sauce, made).items():
                self.on_hand[(item, "MTF")] -= q
            self.on_hand[(sauce, "MTF")] += made
            self.runs.append(Run(day, clock, sauce, made, "sauces for the restaurants" if clock == RUN_TIME
                                 else "extra batch"))

    def rescue(self, day: dt.date) -> None:
        """What a restaurant would run short of today comes from MTF (cooking an extra batch of a
        sauce if need be) or, for what MTF does not hold, by rush order."""
        for loc in RESTAURANTS:
            for item, q in self.need_today(day, loc).items():
                key = (item, loc)
                short = q + self.extra(item, q) * 2 - self.physical(key)
                if short <= 0:
                    continue
                if item in self.sauces:
                    spare = self.physical((item, "MTF")) - self.event_need.get((day, item), 0)
                    if spare < short:
                        batch = self.menu.usable(item)
                        self.produce(day, {item: -(-(short - max(0, spare)) // batch) * batch}, RUSH_RUN_TIME)
                    self.shift(day, RUSH_TRANSFER_TIME, item, loc, short)
                elif self.policy(item).via_mtf and \
                        self.physical((item, "MTF")) - self.event_need.get((day, item), 0) >= short:
                    self.shift(day, RUSH_TRANSFER_TIME, item, loc, short)
                else:
                    self.rush(day, item, loc, short)
        needs = {item: q for (d, item), q in self.event_need.items() if d == day}
        self.ensure_mtf(day, needs)

    def cater(self, day: dt.date) -> None:
        """Catering deliveries: one issue per order and menu, which kebir explodes through the recipe."""
        for so, menu_item, portions, need in self.events.get(day, []):
            for item, q in need.items():
                self.on_hand[(item, "MTF")] -= q
                assert self.physical((item, "MTF")) >= 0, (day, item)
            self.move(day, CATERING_TIME, "issue", menu_item, "MTF", portions * 1000, document=so.id,
                      memo="catering delivery")

    def sell(self, day: dt.date) -> None:
        """The day's sales, as kebir issues them from the Z-reports; the kitchen uses a little more."""
        for loc in RESTAURANTS:
            for item, q in self.need_today(day, loc).items():
                key = (item, loc)
                extra = min(self.extra(item, q), self.physical(key) - q)
                self.on_hand[key] -= q
                self.hidden[key] += max(0, extra)
                assert self.physical(key) >= 0, (day, key)

    def spoil(self, day: dt.date) -> None:
        for item in [i.id for i in ITEMS] + self.sauces:
            chance = self.policy(item).waste
            if not chance:
                continue
            spec = self.items.get(item)
            for loc in self.kept[item]:
                key = (item, loc)
                want = self.need_today(day, loc).get(item, 0) if loc in RESTAURANTS else 0
                have = self.physical(key) - want - self.extra(item, want) * 2
                if have <= 0:
                    continue
                season_over = spec is not None and not self.in_season(spec, day) and \
                    not self.in_season(spec, day + dt.timedelta(days=7))
                if season_over and not self.event_need.get((day + ONE_DAY, item)):
                    q, memo = have, "end of season, discarded"
                elif self.rng.randrange(1000) < chance:
                    grain = self.grain(item)
                    q, memo = have * self.rng.randint(5, 25) // 100 // grain * grain, self.rng.choice(WASTE_MEMOS)
                else:
                    continue
                if q > 0:
                    self.on_hand[key] -= q
                    self.move(day, WASTE_TIME, "waste", item, loc, q, memo=memo)

    def plan_adjustments(self) -> dict[dt.date, list[tuple[str, str, int]]]:
        rng = self.rng
        plan: dict[dt.date, list[tuple[str, str, int]]] = {}
        stable = [i for i in ITEMS if i.category in ("dry", "drinks", "oil", "dairy") and self.kept[i.id]]
        for _ in range(14):
            day = random_day(rng, d("2025-01-10"), d("2025-12-20"))
            item = rng.choice(stable)
            plan.setdefault(day, []).append((item.id, rng.choice(self.kept[item.id]), rng.choice((-1, -1, 1))))
        return plan

    def adjust(self, day: dt.date) -> None:
        reasons = {-1: ("breakage", "damaged in storage", "receiving error corrected"),
                   1: ("found in storage", "receiving error corrected", "supplier sent extra")}
        for item_id, loc, sign in self.adjustments.get(day, []):
            key = (item_id, loc)
            size = self.rng.randint(1, 4) * 1000 if self.units[item_id] in COUNTED_UNITS else \
                self.rng.randint(2, 20) * 100
            if sign < 0:
                want = self.need_today(day, loc).get(item_id, 0) if loc in RESTAURANTS else 0
                free = self.physical(key) - want - self.extra(item_id, want) * 2
                size = min(size, max(0, free) // self.grain(item_id) * self.grain(item_id))
                if not size:
                    sign, size = 1, self.grain(item_id)
            self.on_hand[key] += sign * size
            self.move(day, ADJUST_TIME, "adjustment", item_id, loc, sign * size,
                      memo=self.rng.choice(reasons[sign]))

    def count(self, day: dt.date) -> None:
        """The month-end count (untimed: after the day's sales) finds what is really there."""
        for item in [i.id for i in ITEMS] + self.sauces:
            grain = self.grain(item)
            for loc in self.kept[item]:
                key = (item, loc)
                if not self.on_hand[key]:
                    continue
                real = self.physical(key)
                counted = max(0, real * self.rng.randint(997, 1003) // 1000) // grain * grain
                self.on_hand[key], self.hidden[key] = counted, 0
                self.move(day, "", "count", item, loc, counted, memo="month-end count")

    # ---- purchasing
    def place_orders(self, today: dt.date, delivery: dt.date, initial: bool = False) -> None:
        """The evening's orders for deliveries on `delivery` (on 1 January: the opening stock)."""
        for spec in SUPPLIERS:
            if not spec.deliveries and spec.key != "greek":
                continue
            if spec.key == "greek":
                due = GREEK_DELIVERIES[0] if initial else today + GREEK_LEAD
                if not initial and due not in GREEK_DELIVERIES:
                    continue
                nxt = GREEK_DELIVERIES[GREEK_DELIVERIES.index(due) + 1] if due != GREEK_DELIVERIES[-1] else (
                    due + dt.timedelta(days=30))
            else:
                if not initial and delivery.weekday() not in spec.deliveries:
                    continue
                due, nxt = delivery, next_weekday(delivery, spec.deliveries)
            standing = spec.key == "bakery"
            if standing and due > END:
                continue
            for loc in LOC_IDS:
                lines = {}
                for item in ITEMS:
                    if item.supplier != spec.key or loc not in self.kept[item.id]:
                        continue
                    if self.policy(item.id).via_mtf and loc != "MTF":
                        continue
                    q = self.order_quantity(item, loc, today, due, nxt)
                    if q:
                        lines[item.id] = q
                if lines:
                    self.book_order(spec, loc, today, due, lines, standing)

    def expected(self, item: str, locs: tuple[str, ...], first: dt.date, tenths: int) -> int:
        """Mean use at `locs` over `tenths` tenths of a day from `first`, following the season."""
        total = 0
        for n in range(-(-tenths // 10)):
            share = min(10, tenths - 10 * n)
            total += sum(self.mean(item, x, first + dt.timedelta(days=n)) for x in locs) * share // 10
        return total

    def order_quantity(self, item: ItemSpec, loc: str, today: dt.date, due: dt.date, nxt: dt.date) -> int:
        """Order up to the use until the next delivery plus a cover, when stock falls below a reorder point."""
        pol = self.policy(item.id)
        locs = LOC_IDS if pol.via_mtf else (loc,)
        window = (nxt - due).days
        events = sum(self.event_need.get((due + dt.timedelta(days=n), item.id), 0) for n in range(window)) \
            if loc == "MTF" else 0
        need = self.expected(item.id, locs, due, 10 * window) + events
        if loc == "MTF" and not pol.via_mtf and due.weekday() in SAUCE_RUN_DAYS:   # sauces cooked in bulk
            need += self.expected(item.id, ("MTF",), due, 40)
        if not need:
            return 0
        lead = max(0, (due - today).days - 1) * 10          # used before the delivery arrives
        lead_events = sum(self.event_need.get((today + dt.timedelta(days=n), item.id), 0)
                          for n in range(1, max(1, (due - today).days))) if loc == "MTF" else 0
        position = sum(self.physical((item.id, x)) + self.on_order[(item.id, x)] for x in locs) \
            - self.expected(item.id, locs, today + ONE_DAY, lead) - lead_events
        if pol.via_mtf:   # MTF also refills the restaurants' own buffers from what it holds
            need += self.expected(item.id, RESTAURANTS, nxt, pol.cover)
        if position >= need + self.expected(item.id, locs, nxt, pol.reorder):
            return 0
        step = self.order_step(item)
        return -(-(need + self.expected(item.id, locs, nxt, pol.cover) - position) // step) * step

    def book_order(self, spec: SupplierSpec, loc: str, today: dt.date, due: dt.date, lines: dict[str, int],
                   standing: bool) -> None:
        clock = at(spec.arrives, self.rng.randint(0, 25))
        if standing:   # the bakery works on one order a week per location, delivered daily
            week = due - dt.timedelta(days=due.weekday())
            po = self.standing.get((spec.key, loc, week))
            if po is None:
                po = PurchaseOrder(spec.key, loc, today, due, spec.currency)
                po.prices = {i: self.price(self.items[i], today) for i in ("BRD-EKMEK", "BRD-PIDE")}
                self.standing[(spec.key, loc, week)] = po
                self.orders.append(po)
            po.due = due
            for item_id, q in lines.items():
                po.lines[item_id] = po.lines.get(item_id, 0) + q
        else:
            po = PurchaseOrder(spec.key, loc, today, due, spec.currency, dict(lines),
                               {i: self.price(self.items[i], today) for i in sorted(lines)})
            if self.rng.randrange(1000) < 3:
                po.status = "cancelled"
            self.orders.append(po)
        for item_id, q in lines.items():
            self.on_order[(item_id, loc)] += q
        self.arrivals.setdefault(due, []).append((po, lines, clock))
