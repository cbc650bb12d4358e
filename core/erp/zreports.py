"""Daily sales summaries (Z-reports) per location, and the entry each one derives.

One entry per location and day, id `Z-LOC-YYYY-MM-DD`: revenue per item (the item's or the
location's sales account; an item's rows of several dayparts make one leg, in the order first
met), output VAT per rate computed on that day's net total at the rate and rounded half-up (as the
till prints it), and the tenders: cash to the location's cash account,
card to the card receivable that the bank's settlement later clears, meal vouchers to their
receivable. The tenders must equal net plus VAT to the kuruş (E054 otherwise).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import polars as pl

from core.ledger.derived import Entries, Leg
from core.ledger.posting import MissingRole, Roles
from core.model.errors import Problem
from core.model.records import Book
from core.model.money import fmt_minor, round_half_up

TENDER_ROLE = {"cash": "cash", "card": "card_receivable", "voucher": "voucher_receivable"}
LOCATION_KEY = {"cash": "cash", "card": "card"}


def derive_sales(book: Book, entries: Entries) -> list[Problem]:
    s = book.sales
    if s is None or s.is_empty():
        return []
    roles = Roles(book)
    dec = book.settings.base_decimals
    problems: list[Problem] = []
    days: dict[tuple, dict] = defaultdict(lambda: {"sales": [], "tenders": [], "where": None})
    for d, loc, kind, item, net, rate, method, amount, f, ln in s.filter(pl.col("date").is_not_null()).select(
            "date", "location", "kind", "item", "net", "vat_rate", "method", "amount", "file", "line").iter_rows():
        z = days[(d, loc)]
        z["where"] = z["where"] or (str(f), ln)
        if kind == "sale" and net is not None and rate is not None:
            z["sales"].append((item, net, rate))
        elif kind == "tender" and amount is not None and method is not None:
            z["tenders"].append((method, amount))
    for (d, loc), z in sorted(days.items()):
        zid = f"Z-{loc}-{d}"
        path, line = z["where"]
        try:
            legs = []
            by_rate: dict[str, int] = defaultdict(int)
            per_item: dict[tuple[str, str], int] = {}       # an item rung in several dayparts: one leg
            for item, net, rate in z["sales"]:
                per_item[(item, rate)] = per_item.get((item, rate), 0) + net
                by_rate[rate] += net
            for (item, _rate), net in per_item.items():
                legs.append(Leg(roles.need("sales", item, loc), -net, item=item, location=loc))
            for rate, net in sorted(by_rate.items()):
                vat = int(round_half_up(Decimal(net) * Decimal(rate) / 100, 0))
                if vat:
                    legs.append(Leg(roles.need(f"vat_output:{Decimal(rate).normalize():f}"), -vat,
                                    memo=f"VAT {rate}%"))
            for method, amount in z["tenders"]:
                code = roles.get(LOCATION_KEY.get(method, ""), None, loc) if method in LOCATION_KEY else None
                legs.append(Leg(code or roles.need(TENDER_ROLE[method], None, loc), amount, memo=method,
                                location=loc))
        except MissingRole as exc:
            problems.append(Problem("E047", path, line, f"no account for the posting rule `{exc.role}`", record=zid,
                                    hint=f"add `{exc.role.split(':')[0]} = \"...\"` under [accounts] in books.toml"))
            continue
        off = sum(leg.base for leg in legs)
        if off:
            tendered = sum(a for _, a in z["tenders"])
            problems.append(Problem(
                "E054", path, line, f"Z-report {zid} does not balance", record=zid,
                expected=f"tenders = net + VAT = {fmt_minor(tendered - off, dec)}",
                found=f"tenders {fmt_minor(tendered, dec)}: off by {fmt_minor(abs(off), dec)}",
                hint="check the tender rows against the till's Z-report; a till rounding goes to a `rounding` "
                     "sale row"))
            continue
        entries.add(zid, d, f"Z-report {loc} {d}", zid, path, line, legs)
    return problems
