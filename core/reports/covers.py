"""Sales by daypart with covers: revenue per cover and per seat-hour, by location, from the tills.

The figures come from the Z-reports (sales/YYYY/YYYY-MM.csv), the only record that knows the part
of the day and the guests: `sale` rows carry the `daypart` they were rung in, `covers` rows the
guests served in it (docs/formats.md). Invoiced sales (catering) have no covers and are not here;
`kebir report sales --by location` has every sale.

Per (location, daypart) over the period:

    net        sum of the sale rows' net (VAT excluded), as the Z-reports posted it
    covers     sum of the covers rows
    per cover  net / covers
    days       the days the location reported the daypart (a sale or a covers row)
    seat-hours seats x the daypart's opening hours x days, when stock/locations.yaml gives the
               location's `seats` and `hours` for the daypart (else empty)
    per seat-hour  net / seat-hours (RevPASH)

A sale row without a daypart is counted under `(none)`, which has neither covers nor seat-hours.
The totals divide only the net of the lines that have the divisor (covers, seat-hours), so a line
without covers does not inflate the spend per cover. Money is rounded half to even once, at the end.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from core.ledger.period import Span
from core.model.money import from_minor
from core.model.records import Book, Location
from core.reports import Column, Table

DAYPARTS = ("breakfast", "lunch", "dinner", "late")
NONE = "(none)"
COLUMNS = (
    Column("location", "Location"), Column("daypart", "Daypart"), Column("days", "Days", "int"),
    Column("net", "Net sales", "money"), Column("covers", "Covers", "int"), Column("per_cover", "Per cover", "money"),
    Column("seat_hours", "Seat-hours", "qty"), Column("per_seat_hour", "Per seat-hour", "money"),
)


def minutes_open(hours: str) -> int | None:
    """Minutes between HH:MM-HH:MM, past midnight when the end is not after the start; None if unreadable."""
    try:
        a, b = hours.split("-")
        start = int(a[:2]) * 60 + int(a[3:5])
        end = int(b[:2]) * 60 + int(b[3:5])
    except (ValueError, IndexError):
        return None
    return end - start if end > start else end + 24 * 60 - start


def _money(v: Fraction, dec: int) -> Decimal:
    return from_minor(round(v), dec)        # round() on a Fraction: half to even


def build_covers(book: Book, span: Span = Span(), *, location: str | None = None) -> Table:
    """Net sales, covers, spend per cover and per seat-hour by location and daypart in `span`."""
    dec = book.settings.base_decimals
    s = book.sales
    cols = ("date", "location", "kind", "daypart", "net", "covers")
    if s is None or s.is_empty() or "daypart" not in s.columns:
        s = pl.DataFrame(schema={"date": pl.Date, "location": pl.String, "kind": pl.String, "daypart": pl.String,
                                 "net": pl.Int64, "covers": pl.Int64})
    s = s.select(cols).filter(pl.col("date").is_not_null() & pl.col("kind").is_in(["sale", "covers"]))
    if span.begin is not None:
        s = s.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        s = s.filter(pl.col("date") < span.end)
    if location:
        s = s.filter(pl.col("location") == location)
    g = (s.with_columns(daypart=pl.col("daypart").fill_null(NONE))
         .group_by("location", "daypart")
         .agg(days=pl.col("date").n_unique(),
              net=pl.col("net").filter(pl.col("kind") == "sale").sum(),
              covers=pl.col("covers").filter(pl.col("kind") == "covers").sum()))
    order = {d: i for i, d in enumerate((*DAYPARTS, NONE))}
    rows: list[tuple[Any, ...]] = []
    t_net = t_covers = t_net_c = t_net_sh = 0
    t_sh = Fraction(0)
    for loc, part, days, net, covers in sorted(g.select("location", "daypart", "days", "net", "covers").iter_rows(),
                                              key=lambda r: (r[0], order.get(r[1], 9), r[1])):
        net, covers = int(net or 0), int(covers or 0)
        sh = seat_hours(book.locations.get(loc), part, days)
        rows.append((loc, part, days, from_minor(net, dec), covers,
                     _money(Fraction(net, covers), dec) if covers else None,
                     None if sh is None else Decimal(sh.numerator) / sh.denominator,
                     _money(net / sh, dec) if sh else None))
        t_net += net
        t_covers += covers
        t_net_c += net if covers else 0
        if sh:
            t_sh += sh
            t_net_sh += net
    totals = ("Total", "", None, from_minor(t_net, dec), t_covers,
              _money(Fraction(t_net_c, t_covers), dec) if t_covers else None,
              Decimal(t_sh.numerator) / t_sh.denominator if t_sh else None,
              _money(t_net_sh / t_sh, dec) if t_sh else None)
    return Table("sales-daypart", f"Covers and sales by daypart, {span.label()}", COLUMNS, tuple(rows), totals,
                 {"currency": book.base, "company": book.settings.name, "by": "daypart",
                  "begin": str(span.begin or ""), "end": str(span.end or ""),
                  **({"location": location} if location else {})})


def seat_hours(loc: Location | None, daypart: str, days: int) -> Fraction | None:
    """seats x the daypart's opening hours x days, or None when the location does not say them."""
    if loc is None or not loc.seats:
        return None
    hours = dict(loc.hours).get(daypart)
    minutes = minutes_open(hours) if hours else None
    if not minutes:
        return None
    return Fraction(loc.seats * minutes * days, 60)
