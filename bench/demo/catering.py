"""The central kitchen's catering sales orders: weddings, galas and company lunches through the year.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from core.model.records import Item
from core.erp.recipes import Conversion, Ingredient, Recipe, Recipes, thousandths
from bench.demo.basics import (
    DAYS, END, MONTHS, ONE_DAY, RAMADAN, RATE_WALKS, Record, START, YEAR, half_up, inflation, iso, money, month_end,
    percent_of, vary,
)
from bench.demo.company import (
    CONVERSIONS, DISHES, ITEMS, LOC_IDS, MENUS, MENU_DRINKS, MENU_INFLATION, POLICIES, QUARTERS, RECIPES, RESTAURANTS,
    SALES_SEASON, SAUCES, SCALE, SPECIAL_DAYS, SUPPLIER_OF, WEEKDAY_FACTOR,
)


# --------------------------------------------------------------------------- catering sales orders

@dataclass
class SalesOrder:
    date: dt.date
    due: dt.date
    party: str
    status: str
    memo: str
    lines: list[tuple[str, int, int, int]]   # menu item, portions, price, discount (minor units of currency)
    id: str = ""
    currency: str = "TRY"
    rep: str = ""                            # the CRM owner of the customer when the order was placed

    def line_records(self) -> list[Record]:
        lines = []
        for item, portions, price, discount in self.lines:
            line = {"item": item, "quantity": str(portions), "price": money(price), "vat_rate": "10"}
            if discount:
                line["discount"] = money(discount)
            lines.append(line)
        return lines

    def net(self) -> int:
        return sum(portions * price - discount for _, portions, price, discount in self.lines)

    def gross(self) -> int:
        """Net plus 10% VAT, rounded per line (as kebir derives an invoice)."""
        return sum(n + percent_of(n, 10) for n in (p * price - disc for _, p, price, disc in self.lines))

    def record(self) -> Record:
        rec = {"id": self.id, "kind": "sales", "date": iso(self.date), "party": self.party, "location": "MTF",
               "currency": self.currency, "status": self.status, "due": iso(self.due), "memo": self.memo,
               "lines": self.line_records()}
        if self.rep:
            rec["rep"] = self.rep
        return rec


EVENTS = {  # kind: memo, private party?, main menus, chance of cocktail starters (%), guests, lead days
    "wedding": ("Wedding", True, ("CAT-MENU-A", "CAT-MENU-B"), 50, (80, 350), (30, 120)),
    "engagement": ("Engagement dinner", True, ("CAT-MENU-B",), 0, (40, 150), (10, 45)),
    "lunch": ("Corporate lunch", False, ("CAT-MENU-B",), 0, (30, 200), (5, 30)),
    "reception": ("Cocktail reception", False, ("CAT-MENU-C",), 0, (50, 300), (7, 40)),
    "gala": ("Gala dinner", False, ("CAT-MENU-A",), 60, (100, 400), (20, 75)),
    "iftar": ("Iftar dinner", False, ("CAT-MENU-IFTAR",), 0, (60, 300), (7, 40)),
    "new_year": ("New Year party", False, ("CAT-MENU-A",), 50, (80, 300), (20, 60)),
}
EVENTS_PER_MONTH = (10, 10, 22, 14, 20, 24, 20, 18, 22, 18, 16, 26, 10, 10)   # Jan 2025 .. Feb 2026
EVENT_WEEKDAY_WEIGHT = (6, 6, 7, 9, 14, 22, 14)


def event_kinds(day: dt.date) -> tuple[tuple[str, int], ...]:
    if RAMADAN[0] <= day <= RAMADAN[1]:
        return (("iftar", 70), ("lunch", 15), ("reception", 15))
    if day.month == 12:
        return (("new_year", 45), ("gala", 15), ("reception", 20), ("lunch", 20))
    if 5 <= day.month <= 9:
        return (("wedding", 40), ("engagement", 15), ("lunch", 20), ("reception", 15), ("gala", 10))
    return (("lunch", 35), ("reception", 25), ("gala", 10), ("engagement", 15), ("wedding", 15))


def build_sales_orders(rng: random.Random, customers: list[Record], erp_dups: list[str]) -> list[SalesOrder]:
    """About 200 catering orders for events from January 2025 to February 2026."""
    privates = [c["id"] for c in customers if c["kind"] == "person"]
    firms = [c["id"] for c in customers if c["kind"] == "company"]
    orders: list[SalesOrder] = []
    for n, count in enumerate(EVENTS_PER_MONTH):
        year, month = YEAR + n // 12, n % 12 + 1
        days = [dt.date(year, month, 1) + dt.timedelta(days=i) for i in range(month_end(year, month).day)]
        for due in sorted(rng.choices(days, [EVENT_WEEKDAY_WEIGHT[x.weekday()] for x in days],
                                      k=count + rng.randint(-2, 2))):
            kinds = event_kinds(due)
            kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            label, private, mains, starters, (g_lo, g_hi), (l_lo, l_hi) = EVENTS[kind]
            placed = max(due - dt.timedelta(days=rng.randint(l_lo, l_hi)), START + ONE_DAY)
            if (due - placed).days < 3 or placed > END:
                continue
            guests = rng.randint(g_lo, g_hi) // 5 * 5
            lines = []
            for menu in (rng.choice(mains),) + (("CAT-MENU-C",) if rng.randint(1, 100) <= starters else ()):
                price = dict((m, p) for m, _, p in MENUS)[menu] * inflation(placed, 18) // 1000 // 500 * 500
                discount = percent_of(price * guests, 5) if guests >= 250 and menu != "CAT-MENU-C" else 0
                lines.append((menu, guests, price, discount))
            status = "closed" if due <= END else ("draft" if rng.randint(1, 100) <= 30 else "open")
            if status == "closed" and rng.randint(1, 100) <= 4:
                status = "cancelled"
            party = rng.choice(privates if private else firms)
            orders.append(SalesOrder(placed, due, party, status, f"{label}, {guests} guests", lines))
    for dup in erp_dups:      # the duplicate customer records were used once each before anyone noticed
        rng.choice([o for o in orders if o.party.startswith("CU-") and o.status == "closed"]).party = dup
    orders.sort(key=lambda o: (o.date, o.due, o.party, o.memo))
    for n, o in enumerate(orders, 1):
        o.id = f"SO-{n:04d}"
    return orders


class Menu:
    """The recipes as kebir reads them (core.erp.recipes), so the simulation takes from stock exactly
    what kebir derives from the Z-reports, the catering deliveries and the production runs; and
    the menu's prices, set from the January cost of each dish and the food cost it aims at."""

    def __init__(self) -> None:
        def lines(rows: tuple[tuple[str, str, str, str], ...]) -> tuple[Ingredient, ...]:
            return tuple(Ingredient(i, Decimal(q), u, Decimal(w or 0)) for i, q, u, w in rows)

        items = {i.id: Item(i.id, i.name, i.unit, POLICIES[i.category].valuation, i.category) for i in ITEMS}
        items |= {s[0]: Item(s[0], s[1], s[2], "average", "sauce") for s in SAUCES}
        items |= {x[0]: Item(x[0], x[1], x[2], "average", x[3], type="produced") for x in DISHES}
        items |= {m: Item(m, name, "portion", "average", "catering", type="produced") for m, name, _ in MENUS}
        recipes = [Recipe(m, lines(RECIPES[m])) for m in RECIPES]
        recipes += [Recipe(s[0], lines(s[5]), Decimal(s[3]), s[2], Decimal(s[4])) for s in SAUCES]
        recipes += [Recipe(x[0], lines(x[8])) for x in DISHES]
        self.items = items
        self.rec = Recipes(tuple(recipes), tuple(Conversion(i, u, Decimal(p)) for i, u, p in CONVERSIONS), items)
        self.req: dict[str, dict[str, int]] = {}
        self.sold = [(x[0], x[5], x[6], x[7]) for x in DISHES] + list(MENU_DRINKS)   # item, target, KDK, BSK
        specs = {i.id: i for i in ITEMS}
        rate = RATE_WALKS[0][1] / 10000                      # January's EUR rate, for the Greek oil and olives
        self.jan_cost = {i.id: Fraction(i.price) * (Fraction(rate) if SUPPLIER_OF[i.id] == "greek" else 1)
                         for i in ITEMS}
        self.months: dict[str, tuple[int, ...]] = {}
        for item, _target, _k, _b in self.sold:
            raw = self.rec.explode(item, True) if item in self.rec else {item: Fraction(1)}
            seasons = [set(specs[r].months) for r in raw if r in specs and specs[r].months]
            self.months[item] = tuple(m for m in MONTHS if all(m in s for s in seasons))
        self.jan_price = {}
        for item, target, _k, _b in self.sold:
            raw = self.rec.explode(item, True) if item in self.rec else {item: Fraction(1)}
            cost = sum(q * self.jan_cost[r] for r, q in raw.items())
            self.jan_price[item] = max(500, half_up(int(cost * 1000), target * 500) * 500)

    def price(self, item: str, day: dt.date) -> int:
        """The menu price (net of VAT, kuruş) on `day`: January's, repriced at the start of each quarter."""
        quarter = max(q for q in QUARTERS if q <= day) if day >= QUARTERS[0] else QUARTERS[0]
        return half_up(self.jan_price[item] * inflation(quarter, MENU_INFLATION), 1000 * 500) * 500

    def on_menu(self, item: str, day: dt.date) -> bool:
        return day.month in self.months[item]

    def req_of(self, item: str) -> dict[str, int]:
        """Per unit sold or issued: what it takes from stock, in 10^-9 of each item's unit (as kebir)."""
        if item not in self.req:
            need = self.rec.taken(item) or {}
            self.req[item] = {ing: half_up(q.numerator * SCALE, q.denominator) for ing, q in sorted(need.items())}
        return self.req[item]

    def take(self, sold: dict[str, int]) -> dict[str, int]:
        """Thousandths sold per item -> thousandths taken per ingredient: summed exactly, rounded once."""
        totals: dict[str, int] = {}
        for item, q in sold.items():
            for ing, r in self.req_of(item).items():
                totals[ing] = totals.get(ing, 0) + q * r
        return {ing: n for ing, t in sorted(totals.items()) if (n := (t + SCALE // 2) // SCALE) > 0}

    def run_takes(self, sauce: str, made: int) -> dict[str, int]:
        """What a production run making `made` thousandths takes (kebir: per ingredient, rounded)."""
        return {ing: n for ing, q in sorted(self.rec.explode(sauce).items())
                if (n := thousandths(Fraction(made, 1000) * q)) > 0}

    def usable(self, sauce: str) -> int:
        """Usable output of one batch, thousandths."""
        return thousandths(self.rec.output(self.rec.by_item[sauce]))


DAYPARTS = ("lunch", "dinner", "late")     # the restaurants open for lunch; no breakfast
COVER_CHARGE = "DSH-KUVER"


@dataclass
class Till:
    """One restaurant's day at the till: a Z-report."""
    location: str
    day: dt.date
    sales: list[tuple[str, int, int, int]] = field(default_factory=list)   # item, portions, net, VAT %
    cash: int = 0
    card: int = 0
    voucher: int = 0

    def rows(self) -> list[Record]:
        """The day's covers per daypart, its sales split by daypart, then the tenders. The split has
        its own random stream (seeded by location and day), so the rest of the demo is unchanged."""
        base = {"date": iso(self.day), "location": self.location}
        rng = random.Random(f"daypart {self.location} {self.day}")
        split = []
        for item, portions, net, vat_pct in self.sales:
            unit = net // portions
            lunch = portions * rng.randint(25, 40) // 100
            late = portions * rng.randint(0, 10) // 100
            for part, n in (("lunch", lunch), ("dinner", portions - lunch - late), ("late", late)):
                if n:
                    split.append((part, item, n, n * unit, vat_pct))
        covers = {part: n for part, item, n, _, _ in split if item == COVER_CHARGE}   # one kuver a guest
        out = [base | {"kind": "covers", "daypart": part, "covers": str(covers[part])}
               for part in DAYPARTS if covers.get(part)]
        out += [base | {"kind": "sale", "item": item, "quantity": str(n), "net": money(part_net),
                        "vat_rate": str(vat_pct), "daypart": part}
                for part, item, n, part_net, vat_pct in split]
        out += [base | {"kind": "tender", "method": method, "amount": money(amount)}
                for method, amount in (("cash", self.cash), ("card", self.card), ("voucher", self.voucher))]
        return out

    def taken(self) -> dict[str, int]:
        return {item: portions * 1000 for item, portions, _, _ in self.sales}


def build_tills(rng: random.Random, menu: Menu) -> dict[tuple[str, dt.date], Till]:
    """Each restaurant's Z-report per day (and 31 December 2024's, whose card takings settle in
    January): portions of each dish and drink on the menu, at the quarter's menu prices."""
    vats = {x[0]: int(x[4]) for x in DISHES} | {i.id: int(i.vat) for i in ITEMS}
    tills = {}
    for day in (START - ONE_DAY,) + DAYS:
        for loc in RESTAURANTS:
            n = LOC_IDS.index(loc)
            factor = SALES_SEASON[loc][day.month - 1] * WEEKDAY_FACTOR[day.weekday()] // 1000
            factor = factor * SPECIAL_DAYS.get(day, 1000) // 1000
            if RAMADAN[0] <= day <= RAMADAN[1]:
                factor = factor * 850 // 1000
            till = Till(loc, day)
            for item, _target, *means in menu.sold:
                mean = means[n]
                if not mean or not menu.on_menu(item, max(day, START)):
                    continue
                raw = vary(rng, mean * factor, 700, 1300)
                whole, frac = divmod(raw, 1000)
                portions = whole + (rng.randrange(1000) < frac)
                if portions:
                    till.sales.append((item, portions, portions * menu.price(item, max(day, START)), vats[item]))
            by_rate: dict[int, int] = {}
            for _, _, part, vat_pct in till.sales:
                by_rate[vat_pct] = by_rate.get(vat_pct, 0) + part
            gross = sum(by_rate.values()) + sum(percent_of(v, pct) for pct, v in by_rate.items())
            till.card = vary(rng, gross, 720, 800)
            till.voucher = vary(rng, gross, 25, 60)
            till.cash = gross - till.card - till.voucher
            tills[(loc, day)] = till
    return tills
