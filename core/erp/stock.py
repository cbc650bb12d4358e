"""Stock: the order moves happen in, and their valuation at cost (FIFO or moving average).

`stock_deltas` / `stock_levels` give the quantity view that validation checks (E050). `value_stock`
turns the same moves into a stock ledger: one row per valued leg with its cost in integer minor
units of the base currency, which the derived-entry builder posts (inventory against COGS, waste,
goods received, count differences, price difference). The rules are docs/documents.md, "Stock
valuation"; the choices that page leaves open are written down here, next to the code:

- Order. Each item and location follows the stock order (`stock_deltas`). A transfer is one event
  with two legs, and its in-leg needs the cost its out-leg took at the source at that moment, so
  the two legs are valued one right after the other, when the transfer is next at both
  locations; otherwise an item's legs go in time order (`_schedule`). An untimed transfer leaves
  at the end of the day and arrives at its start, so two untimed transfers crossing on one day
  can wait on each other; the earliest is then valued first, moving its arrival forward (else
  its departure). That is only ever needed within one day.
- Cost of a consumption (issue, waste, transfer out, negative adjustment, count shortage):
  FIFO takes the oldest layers; a part of a layer costs take x the layer's unit cost, rounded
  half-up, and the last unit of a layer takes what is left of its value. Average takes
  take x the average unit cost, rounded half-up, never more than the value on hand. The average
  unit cost is value / quantity after the last inbound leg (exact, not rounded), so rounding per
  move leaves a kuruş or so when the quantity reaches zero: that goes out in its own row,
  `average-remainder`, to the price-difference account. Either way a zero quantity holds zero value.
- Surplus cost (count surplus, positive adjustment without `unit_cost`): average: the current
  average unit cost (kept through zero stock); FIFO: the unit cost of the last layer received at
  the location (receipt, transfer in, costed return or adjustment). With neither, the item's last
  receipt at any location, else 0 (no warning: the count is still recorded, at no value).
- A return without `unit_cost` comes back at the cost it left with: the unit cost of the issues
  of the same item under the same `document` (the delivery's SO-), else at the surplus cost.
- Negative stock (E050, reported by validation): quantities follow the moves exactly (the
  ledger's quantity agrees with validation's level), an outbound leg takes the value that is there,
  and value is 0 while the quantity is zero or below. An inbound leg that fills a negative balance
  keeps its own value (the goods-received entry is right), and the part that covers the shortfall
  leaves at once in an `average-remainder` row, so no value sits on a zero or negative quantity.
- A count that matches the quantity on hand and a zero adjustment change nothing and make no row.
  Left out, as load reports them (E051): a transfer to its own location, a receipt, issue, waste,
  transfer or return with a quantity of zero or below, a negative count. An item missing from
  `items` (E032) is valued FIFO.

Performance (1M moves in a few seconds): the stock order and the cross-location order are polars
sorts on integer codes; only the days where an untimed transfer meets other moves of its item
are merged in Python. Then one Python loop over the legs with per-(item, location) state in lists
(FIFO layers in deques) emits (leg, kind, qty, value); the other ledger columns, and qty_after /
value_after as running sums, are added by polars afterwards.
"""

from __future__ import annotations

import heapq
from collections import deque
from datetime import date, timedelta
from typing import Iterator, Mapping

import polars as pl

from core.model.errors import Problem
from core.model.records import Item
from core.model.money import minor_units
from core.model.stock import StockLedger

# Inbound legs: untimed ones come first in a day (keep in step with docs/documents.md).
IN_KINDS = ("receipt", "return", "transfer-in")

# Ledger row kinds, in code order (the loop emits the codes).
KINDS = ("receipt", "issue", "waste", "transfer-out", "transfer-in", "count-shortage", "count-surplus",
         "adjustment-in", "adjustment-out", "return", "average-remainder")
(K_RECEIPT, K_ISSUE, K_WASTE, K_TOUT, K_TIN, K_SHORT, K_SURPLUS, K_ADJ_IN, K_ADJ_OUT, K_RETURN,
 K_REMAINDER) = range(len(KINDS))
INBOUND = ("receipt", "transfer-in", "count-surplus", "adjustment-in", "return")
OUTBOUND = ("issue", "waste", "transfer-out", "count-shortage", "adjustment-out", "average-remainder")

# Leg flows as the loop sees them.
_FLOWS = {"receipt": 0, "issue": 1, "waste": 2, "transfer-out": 3, "transfer-in": 4, "count": 5,
          "adjustment": 6, "return": 7}
F_RECEIPT, F_ISSUE, F_WASTE, F_TOUT, F_TIN, F_COUNT, F_ADJ, F_RETURN = range(8)

UNIT_COST = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
RATE = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
# A unit cost (4 decimals) times a rate (6 decimals) is in 10^-10 base units per unit, so per
# thousandth of a unit 10^-13: `cost = take * num / 10^(13 - base_decimals)` minor units.
_PRICE_EXP = 13

LEDGER_SCHEMA = {
    "move_id": pl.String, "date": pl.Date, "item": pl.String, "location": pl.String, "kind": pl.String,
    "document": pl.String, "qty": pl.Int64, "value": pl.Int64, "qty_after": pl.Int64, "value_after": pl.Int64,
    "file": pl.Categorical, "line": pl.Int32,
}


# --------------------------------------------------------------------------- quantities (validation)

def _legs(moves: pl.DataFrame) -> pl.DataFrame:
    """Moves as legs (a transfer is an out-leg at `location` and an in-leg at `to_location`) with the
    within-day order columns `_t` (time, untimed inbound 00:00, the rest 24:00) and `_r` (inbound 0,
    outbound 1, counts 2)."""
    m = moves.filter(pl.col("qty").is_not_null() & pl.col("date").is_not_null() & pl.col("item").is_not_null()
                     & pl.col("location").is_not_null())
    out = m.filter(pl.col("kind") != "transfer").with_columns(
        delta=pl.when(pl.col("kind").is_in(["issue", "waste"])).then(-pl.col("qty")).otherwise(pl.col("qty")),
        flow=pl.col("kind"))
    t = m.filter(pl.col("kind") == "transfer")
    t_out = t.with_columns(delta=-pl.col("qty"), flow=pl.lit("transfer-out"))
    t_in = t.filter(pl.col("to_location").is_not_null()).with_columns(
        location=pl.col("to_location"), delta=pl.col("qty"), flow=pl.lit("transfer-in"))
    allm = pl.concat([out, t_out, t_in], how="vertical_relaxed")
    inbound = pl.col("flow").is_in(IN_KINDS)
    return allm.with_columns(
        _t=pl.col("time").fill_null(pl.when(inbound).then(pl.lit("00:00")).otherwise(pl.lit("24:00"))),
        _r=pl.when(inbound).then(0).when(pl.col("flow") == "count").then(2).otherwise(1),
        is_count=pl.col("flow") == "count",
    )


def stock_deltas(moves: pl.DataFrame) -> pl.DataFrame:
    """Moves as signed quantity changes per item and location, in the order stock is checked.

    A transfer becomes an issue at `location` and a receipt at `to_location`. Within a day: by
    `time` when given, else receipts, returns and transfers in before everything else, counts
    last; then by id. A count is a reset to the counted level (`is_count`, `qty` = counted quantity).
    """
    legs = _legs(moves)
    ids = moves.get_column("id")
    if ids.null_count() or ids.n_unique() < ids.len():      # ties: keep the sort they always had
        return legs.sort("item", "location", "date", "_t", "_r", "id")
    # Sorted on one packed integer where the columns' ranks fit (ranks sort like the strings).
    ranks = legs.select(
        _k1=pl.col("item").rank("dense").cast(pl.Int64), _k2=pl.col("location").rank("dense").cast(pl.Int64),
        _k3=(pl.col("date") - pl.col("date").min()).dt.total_days().cast(pl.Int64),
        _k4=pl.col("_t").rank("dense").cast(pl.Int64), _k5=pl.col("_r").cast(pl.Int64),
        _k6=pl.col("id").rank("dense").cast(pl.Int64))
    key = packed_key(ranks, list(ranks.columns))
    if key is None:
        return legs.sort("item", "location", "date", "_t", "_r", "id")
    return legs.with_columns(ranks.select(_key=key)).sort("_key").drop("_key")


def stock_levels(moves: pl.DataFrame) -> pl.DataFrame:
    """Each move with the on-hand quantity after it (counts reset the level)."""
    d = stock_deltas(moves)
    seg = pl.col("is_count").cast(pl.Int32).cum_sum().over("item", "location")
    d = d.with_columns(_seg=seg)
    start = pl.when(pl.col("is_count")).then(pl.col("qty")).otherwise(0)
    change = pl.when(pl.col("is_count")).then(0).otherwise(pl.col("delta"))
    return d.with_columns(level=(start.sum().over("item", "location", "_seg")
                                 + change.cum_sum().over("item", "location", "_seg")))


# --------------------------------------------------------------------------- valuation

def value_stock(moves: pl.DataFrame, items: Mapping[str, Item], rates: pl.DataFrame, base_currency: str,
                base_decimals: int) -> tuple[StockLedger, list[Problem]]:
    """Value every stock move at cost (see the module docstring for the rules).

    Args:
        moves: `Book.moves` layout (id, date, time, kind, item, location, to_location, qty in
            thousandths, unit_cost, currency, document, file, line).
        items: item id -> Item (its `valuation`: fifo | average; unknown items are valued FIFO,
            validation reports them).
        rates: date, currency, rate (base per unit); a foreign cost takes the latest rate on or
            before the move's date.
    Returns:
        The ledger and the problems found here (E042: a foreign cost with no rate, valued at 0).
        Everything else wrong with moves is validation's to report.
    """
    empty = StockLedger(pl.DataFrame(schema=LEDGER_SCHEMA), base_currency, base_decimals)
    if moves.is_empty():
        return empty, []
    positive = pl.col("kind").is_in(["receipt", "issue", "waste", "transfer", "return"])
    m = (moves.select("id", "date", "time", "kind", "item", "location", "to_location", "qty", "unit_cost",
                      "currency", "document", "file", "line")
         .with_row_index("_mi")
         # left out: what load reports as E051 and would only confuse the cost here
         .filter(~((pl.col("kind") == "transfer") & (pl.col("to_location") == pl.col("location"))).fill_null(False)
                 & ~(positive & (pl.col("qty") <= 0)).fill_null(False)
                 & ~((pl.col("kind") == "count") & (pl.col("qty") < 0)).fill_null(False)))
    m, problems = _with_prices(m, rates, base_currency, base_decimals)
    if "_pexact" in moves.columns:   # a production run's receipt: its exact unit cost (core.erp.production)
        m = m.with_columns(_pnum=pl.coalesce(moves.get_column("_pexact").gather(m.get_column("_mi"))
                                             .cast(pl.Int128), pl.col("_pnum")))
    # `_o` sorts like (id, _mi): the rank of the id, ties in the moves' order (m is in _mi order).
    legs = _legs(m.select("_mi", "id", "date", "time", "kind", "item", "location", "to_location", "qty", "_pnum",
                          "document", _o=pl.col("id").rank("ordinal").cast(pl.Int64)))
    if legs.is_empty():
        return empty, problems
    item_ids = sorted(legs["item"].unique().to_list())
    loc_ids = sorted(legs["location"].unique().to_list())
    n_loc = len(loc_ids)
    # Integer codes that sort like the strings they stand for: the stock order of `stock_deltas`.
    legs = (legs.select(
        "_mi", "date", "id", "delta", "_pnum", "document", "_o",
        _dd=(pl.col("date") - pl.col("date").min()).dt.total_days().cast(pl.Int64),
        _ic=pl.col("item").replace_strict(item_ids, list(range(len(item_ids))), return_dtype=pl.Int32),
        _lc=pl.col("location").replace_strict(loc_ids, list(range(n_loc)), return_dtype=pl.Int32),
        _tm=(pl.col("_t").str.slice(0, 2).cast(pl.Int16, strict=False) * 60
             + pl.col("_t").str.slice(3, 2).cast(pl.Int16, strict=False))
        .fill_null(pl.when(pl.col("flow").is_in(IN_KINDS)).then(0).otherwise(24 * 60)),   # a malformed time (E012)
        _r=pl.col("_r").cast(pl.Int8),
        _f=pl.col("flow").replace_strict(_FLOWS, default=-1, return_dtype=pl.Int8))
        .filter(pl.col("_f") >= 0)
        .with_columns(_qk=pl.col("_ic") * n_loc + pl.col("_lc")))
    legs = legs.sort(_order_key(legs, ["_qk", "_dd", "_tm", "_r"], ["_qk", "date", "_tm", "_r", "id", "_mi"]))

    ordered = legs[_schedule(legs)]
    avg = [False] * (len(item_ids) * n_loc)
    for ic, item in enumerate(item_ids):
        if item in items and items[item].valuation == "average":
            avg[ic * n_loc: (ic + 1) * n_loc] = [True] * n_loc
    den = 10 ** max(_PRICE_EXP - base_decimals, 0)
    rows = zip(*(ordered.get_column(c).to_list() for c in ("_qk", "_f", "delta", "_pnum", "document")))
    pos, kind, qty, value = _value_legs(rows, avg, n_loc, len(item_ids), den)

    out = pl.DataFrame({"_pos": pos, "_k": kind, "qty": qty, "value": value},
                       schema={"_pos": pl.UInt32, "_k": pl.UInt8, "qty": pl.Int64, "value": pl.Int64})
    legcols = ordered.select("_mi", "_lc", "_qk")[out["_pos"]]
    source = moves.select("id", "date", "item", "document", pl.col("file").cast(pl.Categorical),
                          pl.col("line").cast(pl.Int32))[legcols["_mi"]]
    table = (pl.concat([source, legcols, out.select("_k", "qty", "value")], how="horizontal")
             .sort("_qk", maintain_order=True)
             .select(pl.col("id").alias("move_id"), "date", "item",
                     location=pl.col("_lc").replace_strict(list(range(n_loc)), loc_ids, return_dtype=pl.String),
                     kind=pl.col("_k").replace_strict(list(range(len(KINDS))), list(KINDS), return_dtype=pl.String),
                     document="document", qty="qty", value="value",
                     qty_after=pl.col("qty").cum_sum().over("_qk"), value_after=pl.col("value").cum_sum().over("_qk"),
                     file="file", line="line"))
    return StockLedger(table, base_currency, base_decimals), problems


def _with_prices(m: pl.DataFrame, rates: pl.DataFrame, base: str, decimals: int
                 ) -> tuple[pl.DataFrame, list[Problem]]:
    """Add `_pnum`: the move's unit cost in the base currency as an integer numerator (10^-13 base
    units per thousandth, scaled by 10^decimals beyond 13), or null when there is none."""
    problems: list[Problem] = []
    m = m.with_columns(_uc=pl.when(pl.col("unit_cost").str.contains(UNIT_COST).fill_null(False))
                       .then(minor_units(pl.col("unit_cost"), 4)))
    foreign = (pl.col("currency").is_not_null() & (pl.col("currency") != base) & pl.col("_uc").is_not_null()
               & pl.col("kind").is_in(["receipt", "adjustment", "return"]))
    f = m.filter(foreign & pl.col("date").is_not_null()).select("_mi", "date", "currency", "kind", "id", "file",
                                                                 "line")
    if f.is_empty():
        m = m.with_columns(_r6=pl.lit(None, pl.Int64))
    else:
        table = (rates.filter(pl.col("rate").str.contains(RATE).fill_null(False) & pl.col("date").is_not_null())
                 .select(pl.col("date").alias("_rd"), pl.col("currency").cast(pl.String),
                         _r6=minor_units(pl.col("rate"), 6))
                 .sort("currency", "_rd"))
        f = f.sort("currency", "date").join_asof(table, left_on="date", right_on="_rd", by="currency",
                                                 strategy="backward", check_sortedness=False)
        for mid, kind, cur, d, fl, ln in f.filter(pl.col("_r6").is_null()).select(
                "id", "kind", "currency", "date", "file", "line").iter_rows():
            problems.append(Problem("E042", str(fl), ln, f"{cur} {kind} {mid} on {d} has no rate", record=mid or "",
                                    expected=f"a {cur} rate on or before {d} in rates/", found="none",
                                    hint=f"add a line `{d},{cur},...` ({base} per {cur}) to rates/{d.year}.csv; "
                                         "until then the move is valued at 0"))
        m = m.join(f.select("_mi", "_r6"), on="_mi", how="left")
    scale = 10 ** max(decimals - _PRICE_EXP, 0)
    r6 = pl.when(foreign).then(pl.col("_r6")).otherwise(pl.lit(1_000_000, pl.Int64))
    return m.with_columns(_pnum=pl.col("_uc").cast(pl.Int128) * r6.cast(pl.Int128) * scale).drop("_uc", "_r6"), \
        problems


def _schedule(legs: pl.DataFrame) -> pl.Series:
    """The order to value the legs in: positions in `legs` (which is in the stock order of each
    item and location).

    Each (item, location) keeps its own stock order, a transfer's out-leg and in-leg are valued
    one after the other, and otherwise an item's legs go in time order (a return looks up what its
    delivery cost at another location; a surplus may take the item's last receipt price). The
    orders tried are sorts: every leg at its own time and a transfer's in-leg at its out-leg's
    (A), or its out-leg at its in-leg's (B). They differ only for untimed transfers (out at the
    end of the day, in at the start) or a tie in the minute. All orders are date-major, so a
    conflict with a location's order stays within one item and day: such a day takes B, and when
    B conflicts too, it is merged leg by leg (`_merge`).
    """
    tr = legs.with_row_index("_pos").filter(pl.col("_f").is_in([F_TOUT, F_TIN])).select("_pos", "_mi", "_f", "_tm",
                                                                                      "_r")
    pairs = (tr.filter(pl.col("_f") == F_TOUT).select("_mi", "_tm", "_r", _po="_pos")
             .join(tr.filter(pl.col("_f") == F_TIN).select("_mi", _pi="_pos", _tmi="_tm", _ri="_r"), on="_mi",
                   how="inner"))
    if pairs.is_empty():
        plain = legs.select("_ic", "date", "_dd", "_tm", "_r", "id", "_mi", "_o").with_row_index("_pos")
        return plain.sort(_order_key(plain, ["_ic", "_dd", "_tm", "_r"], ["_ic", "date", "_tm", "_r", "id", "_mi"]))[
            "_pos"]
    base = (legs.select("_ic", "_qk", "date", "_dd", "_tm", "_r", "id", "_mi", "_o", "_f").with_row_index("_pos")
            .join(pl.concat([pairs.select(pl.col("_pi").alias("_pos"), _tma="_tm", _ra="_r", _tmb="_tmi", _rb="_ri"),
                             pairs.select(pl.col("_po").alias("_pos"), _tma="_tm", _ra="_r", _tmb="_tmi", _rb="_ri")]),
                  on="_pos", how="left")
            .with_columns(_leg=(pl.col("_f") == F_TIN).cast(pl.Int8)))
    def attempt(tm: str, r: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        order = base.select("_pos", "_ic", "_qk", "date", "_dd", "id", "_mi", "_o", "_leg",
                            _tm=pl.coalesce(tm, "_tm"), _r=pl.coalesce(r, "_r"))
        order = order.sort(_order_key(order, ["_ic", "_dd", "_tm", "_r"], ["_ic", "date", "_tm", "_r", "id", "_mi"],
                                      ["_leg"]))
        broken = order.filter((pl.col("_pos").diff().over("_qk") < 0).fill_null(False)).select("_ic", "date").unique()
        return order, broken

    a, broken_a = attempt("_tma", "_ra")
    if broken_a.is_empty():
        return a["_pos"]
    b, broken_b = attempt("_tmb", "_rb")
    day_b = broken_a.join(broken_b, on=["_ic", "date"], how="anti").with_columns(_use_b=pl.lit(True))
    a = (a.with_row_index("_ci").join(day_b, on=["_ic", "date"], how="left", maintain_order="left")
         .with_columns(_pos=pl.when(pl.col("_use_b")).then(b["_pos"]).otherwise(pl.col("_pos"))))
    if broken_b.is_empty():
        return a["_pos"]
    order = a["_pos"].to_list()
    days = (a.join(broken_a.join(broken_b, on=["_ic", "date"], how="semi"), on=["_ic", "date"], how="semi")
            .select("_ci", "_pos", "_ic", "_qk", "date").sort("_pos"))
    _merge(days, pairs.join(days.select(_po="_pos"), on="_po", how="semi"), order, legs.height)
    return pl.Series(order, dtype=pl.UInt32)


def _merge(days: pl.DataFrame, pairs: pl.DataFrame, order: list[int], n: int) -> None:
    """Reorder, in place in `order`, the legs of the (item, day) groups in `days` (rows sorted by
    position < n; `_ci`, their place in `order`, is their time order): the earliest leg that is
    next at its location goes first, a transfer when it is next at both of its locations. Untimed
    transfers crossing on one day can wait on each other; then the earliest is valued at once,
    bringing its arrival forward (else its departure). Plain lists and a bytearray, not dicts:
    this loop runs once per leg of every such day."""
    partner = [-1] * n
    leaving = bytearray(n)
    for po, pi in zip(pairs.get_column("_po").to_list(), pairs.get_column("_pi").to_list()):
        partner[po] = pi
        partner[pi] = po
        leaving[po] = 1
    # Queues are runs of one (location, day) in `days` (sorted by position, so each run is
    # contiguous); a group is an item's day, starting at the smallest `_ci` of its legs.
    runs = days.select("_ci", "_pos", "_ic", "_qk", d=pl.col("date").cast(pl.Int32)).with_columns(
        _q=((pl.col("_qk") != pl.col("_qk").shift(1)) | (pl.col("d") != pl.col("d").shift(1)))
        .fill_null(True).cast(pl.Int64).cum_sum() - 1)
    spots = pl.Series("spot", runs.get_column("_pos"), dtype=pl.Int64)
    key = pl.zeros(n, pl.Int64, eager=True).scatter(spots, runs.get_column("_ci")).to_list()
    queue_of = pl.zeros(n, pl.Int64, eager=True).scatter(spots, runs.get_column("_q")).to_list()
    queues = runs.group_by("_q", maintain_order=True).agg(
        start=pl.col("_pos").first(), end=pl.col("_pos").last() + 1, _ic=pl.col("_ic").first(),
        d=pl.col("d").first(), _ci=pl.col("_ci").min())
    q_next: list[int] = queues.get_column("start").to_list()       # per queue: next position, end
    q_end: list[int] = queues.get_column("end").to_list()
    grouped = queues.group_by("_ic", "d", maintain_order=True).agg(pl.col("_ci").min(), pl.col("_q"))
    groups = zip(grouped.get_column("_ci").to_list(), grouped.get_column("_q").to_list())
    done = bytearray(n)
    push, pop = heapq.heappush, heapq.heappop

    def head(q: int) -> int:
        """The queue's next leg not valued yet, or -1."""
        nxt, end = q_next[q], q_end[q]
        while nxt < end and done[nxt]:
            nxt += 1
        q_next[q] = nxt
        return nxt if nxt < end else -1

    for first, qs in groups:
        merged: list[int] = []
        heap: list[tuple[int, int]] = []
        todo = list(qs)                 # queues whose head may have become ready
        while True:
            for q in todo:
                h = head(q)
                if h < 0:
                    continue
                p = partner[h]
                if p < 0:
                    push(heap, (key[h], h))
                elif head(queue_of[p]) == p:
                    po = h if leaving[h] else p
                    push(heap, (key[po], po))
            todo = []
            if heap:
                _, po = pop(heap)
                if done[po]:
                    continue
            else:
                heads = [h for h in map(head, qs) if h >= 0]
                if not heads:
                    break
                # transfers waiting on each other: the earliest departure goes now
                out = [h for h in heads if leaving[h]]
                h = min(out or heads, key=key.__getitem__)
                po = h if leaving[h] else partner[h]
                todo = list(qs)
            merged.append(po)
            done[po] = 1
            todo.append(queue_of[po])
            pi = partner[po]
            if pi >= 0:
                merged.append(pi)
                done[pi] = 1
                todo.append(queue_of[pi])
        order[first:first + len(merged)] = merged


def _take_fifo(layers: deque, n: int, pieces: list | None) -> int:  # type: ignore[type-arg]
    """Consume `n` thousandths from the oldest layers [qty, value, num, den]; return their cost.
    A part of a layer costs n x num / den rounded half-up (at most what the layer holds); the last
    unit of a layer takes its remaining value. Taken pieces go to `pieces` when given."""
    cost = 0
    while n and layers:
        layer = layers[0]
        lq = layer[0]
        if lq <= n:
            layers.popleft()
            cost += layer[1]
            n -= lq
            if pieces is not None:
                pieces.append(layer)
        else:
            num, den = layer[2], layer[3]
            c = (2 * n * num + den) // (2 * den)
            lv = layer[1]
            if c > lv:
                c = lv
            layer[0] = lq - n
            layer[1] = lv - c
            cost += c
            if pieces is not None:
                pieces.append([n, c, num, den])
            n = 0
    return cost


def _value_legs(rows: Iterator[tuple], avg: list[bool], n_loc: int, n_items: int, den: int
                ) -> tuple[list[int], list[int], list[int], list[int]]:
    """The valuation loop: legs in valuation order -> (position, kind, qty, value) per ledger row.

    `rows` yields (queue, flow, delta, unit cost numerator or None, document); queue = item code x
    n_loc + location code. State per queue: quantity, value, FIFO layers [qty, value, num, den],
    and a unit cost num/den (average: value / quantity after the last inbound leg; FIFO: the last
    layer received). Costs are num x qty / den rounded half-up: (2 x qty x num + den) // (2 x den).
    """
    nq = len(avg)
    qty = [0] * nq
    val = [0] * nq
    layers: list[deque] = [deque() for _ in range(nq)]  # type: ignore[type-arg]
    pnum = [0] * nq
    pden = [1] * nq
    priced = [False] * nq
    item_last: list[tuple[int, int] | None] = [None] * n_items
    issued: dict[tuple[int, str], list[int]] = {}
    o_pos: list[int] = []
    o_kind: list[int] = []
    o_qty: list[int] = []
    o_val: list[int] = []
    a_pos, a_kind, a_qty, a_val = o_pos.append, o_kind.append, o_qty.append, o_val.append
    take_fifo = _take_fifo
    carry: tuple | None = None      # what the last transfer out took: (layers or quantity, cost)
    out_kind = (K_RECEIPT, K_ISSUE, K_WASTE, K_TOUT)

    def surplus_price(k: int) -> tuple[int, int]:
        if priced[k]:
            return pnum[k], pden[k]
        return item_last[k // n_loc] or (0, 1)

    def consume(k: int, take: int) -> int:
        """Take `take` thousandths out at cost (counts, adjustments); returns the cost."""
        have = qty[k]
        t = take if have >= take else (have if have > 0 else 0)
        if avg[k]:
            cost = 0
            if t:
                cost = (2 * t * pnum[k] + pden[k]) // (2 * pden[k])
                if cost > val[k]:
                    cost = val[k]
        else:
            cost = take_fifo(layers[k], t, None)
        qty[k] = have - take
        val[k] -= cost
        return cost

    def inbound(p: int, k: int, kd: int, q: int, v: int, new_layers: list | None,  # type: ignore[type-arg]
                price: tuple[int, int] | None) -> None:
        """An inbound leg at a value it brings (receipt, costed return or adjustment, transfer in)."""
        have = qty[k]
        a_pos(p), a_kind(kd), a_qty(q), a_val(v)
        qty[k] = have + q
        val[k] += v
        if avg[k]:
            if have < 0:   # fills a negative balance: the part covering it leaves at once
                cover = -have if -have < q else q
                c = v if cover == q else (2 * cover * v + q) // (2 * q)
                val[k] -= c
                if c:
                    a_pos(p), a_kind(K_REMAINDER), a_qty(0), a_val(-c)
            if qty[k] > 0:
                pnum[k], pden[k], priced[k] = val[k], qty[k], True
            elif not priced[k]:
                pnum[k], pden[k], priced[k] = v, q, True
        else:
            lay = layers[k]
            if new_layers:
                lay.extend(new_layers)
            if price is not None:
                pnum[k], pden[k], priced[k] = price[0], price[1], True
            if have < 0:
                c = take_fifo(lay, -have if -have < q else q, None)
                val[k] -= c
                if c:
                    a_pos(p), a_kind(K_REMAINDER), a_qty(0), a_val(-c)

    def inbound_at(p: int, k: int, kd: int, q: int, price: tuple[int, int]) -> None:
        """An inbound leg valued here, at `price` (count surplus, uncosted adjustment or return):
        only the quantity that ends up on hand carries value."""
        have = qty[k]
        stays = (have + q if have + q > 0 else 0) - (have if have > 0 else 0)
        num, dn = price
        v = (2 * stays * num + dn) // (2 * dn) if stays > 0 else 0
        a_pos(p), a_kind(kd), a_qty(q), a_val(v)
        qty[k] = have + q
        val[k] += v
        if avg[k]:
            if qty[k] > 0 and (v or not priced[k]):
                pnum[k], pden[k], priced[k] = val[k], qty[k], True
        elif stays > 0:
            layers[k].append([stays, v, num, dn])

    for p, (k, f, q, pn, doc) in enumerate(rows):
        if f == F_ISSUE or f == F_WASTE or f == F_TOUT:      # the bulk of the rows: inlined
            take = -q
            have = qty[k]
            t = take if have >= take else (have if have > 0 else 0)
            if avg[k]:
                cost = 0
                if t:
                    cost = (2 * t * pnum[k] + pden[k]) // (2 * pden[k])
                    if cost > val[k]:
                        cost = val[k]
                if f == F_TOUT:
                    carry = (take, cost)
            elif f == F_TOUT:
                pieces: list = []  # type: ignore[type-arg]
                cost = take_fifo(layers[k], t, pieces)
                if take > t:
                    pieces.append([take - t, 0, 0, 1])     # a shortfall travels at no value
                carry = (pieces, cost)
            else:
                cost = take_fifo(layers[k], t, None)
            qty[k] = have - take
            val[k] -= cost
            a_pos(p), a_kind(out_kind[f]), a_qty(q), a_val(-cost)
            if f == F_ISSUE and doc is not None:
                acc = issued.get((k // n_loc, doc))
                if acc is None:
                    issued[(k // n_loc, doc)] = [take, cost]
                else:
                    acc[0] += take
                    acc[1] += cost
        elif f == F_RECEIPT:
            if pn is None:
                pn = 0
            v = (2 * q * pn + den) // (2 * den)
            inbound(p, k, K_RECEIPT, q, v, [[q, v, pn, den]], (pn, den))
            item_last[k // n_loc] = (pn, den)
        elif f == F_TIN:
            # the out-leg was valued just before: its (layers or quantity, cost) are in `carry`
            what, v = carry if carry is not None else ([[q, 0, 0, 1]], 0)
            if avg[k]:
                inbound(p, k, K_TIN, q, v, None, None)
            else:
                last = next((pc for pc in reversed(what) if pc[2] or pc[3] != 1), None)
                inbound(p, k, K_TIN, q, v, what, (last[2], last[3]) if last else None)
            carry = None
        elif f == F_COUNT:
            diff = q - qty[k]
            if diff < 0:
                a_pos(p), a_kind(K_SHORT), a_qty(diff), a_val(-consume(k, -diff))
            elif diff > 0:
                inbound_at(p, k, K_SURPLUS, diff, surplus_price(k))
        elif f == F_ADJ:
            if q < 0:
                a_pos(p), a_kind(K_ADJ_OUT), a_qty(q), a_val(-consume(k, -q))
            elif q > 0:
                if pn is not None:
                    v = (2 * q * pn + den) // (2 * den)
                    inbound(p, k, K_ADJ_IN, q, v, [[q, v, pn, den]], (pn, den))
                else:
                    inbound_at(p, k, K_ADJ_IN, q, surplus_price(k))
        elif f == F_RETURN:
            if pn is not None:
                v = (2 * q * pn + den) // (2 * den)
                inbound(p, k, K_RETURN, q, v, [[q, v, pn, den]], (pn, den))
            else:
                left = issued.get((k // n_loc, doc)) if doc is not None else None
                inbound_at(p, k, K_RETURN, q, (left[1], left[0]) if left and left[0] > 0 else surplus_price(k))
        if val[k] and qty[k] <= 0:
            # average cost reaching zero quantity with value left: to price difference
            a_pos(p), a_kind(K_REMAINDER), a_qty(0), a_val(-val[k])
            val[k] = 0
    return o_pos, o_kind, o_qty, o_val


def _order_key(frame: pl.DataFrame, head: list[str], keys: list[str], tail: tuple[str, ...] | list[str] = ()
               ) -> pl.Expr | list[str]:
    """Sort keys for the stock order: `head` integer columns, then (id, _mi) as `_o`, then `tail`,
    packed into one integer when they fit; else the columns `keys` + `tail` themselves."""
    if frame.get_column("_o").null_count() == 0:
        key = packed_key(frame, [*head, "_o", *tail])
        if key is not None:
            return key
    return [*keys, *tail]


def packed_key(frame: pl.DataFrame, columns: list[str]) -> pl.Expr | None:
    """One Int64 that sorts like the non-negative, non-null integer `columns` in that order (a
    single-key sort is several times faster than a multi-key one), or None when they need more
    than 63 bits together."""
    if frame.is_empty():
        return None
    ends = frame.select(*(pl.col(c).max().alias(f"max{i}") for i, c in enumerate(columns)),
                        *(pl.col(c).min().alias(f"min{i}") for i, c in enumerate(columns))).row(0)
    if any(e is None or e < 0 for e in ends):
        return None
    bits = [int(m).bit_length() for m in ends[:len(columns)]]
    if sum(bits) > 63:
        return None
    key = pl.lit(0, pl.Int64)
    for col, b in zip(columns, bits):
        key = key * (1 << b) + pl.col(col).cast(pl.Int64)
    return key


# --------------------------------------------------------------------------- reading the ledger

def on_hand(ledger: StockLedger, at: date | None = None) -> pl.DataFrame:
    """Quantity and value per item and location at the end of day `at` (default: after the last
    move), sorted; every item and location that moved by then, zero or not."""
    rows = ledger.rows if at is None else ledger.rows.filter(pl.col("date") <= at)
    return (rows.group_by("item", "location", maintain_order=True)
            .agg(pl.col("qty_after").last().alias("qty"), pl.col("value_after").last().alias("value"))
            .sort("item", "location"))


def movement(ledger: StockLedger, begin: date, end: date) -> pl.DataFrame:
    """Per item and location over [begin, end]: opening, in, out and closing quantity and value.

    `in` sums the inbound legs (receipts, transfers in, count surpluses, positive adjustments,
    returns), `out` the outbound ones as positive numbers (average remainders count as value out);
    closing = opening + in - out.
    """
    keys = ["item", "location"]
    opening = on_hand(ledger, begin - timedelta(days=1)).rename({"qty": "opening_qty", "value": "opening_value"})
    inbound = pl.col("kind").is_in(list(INBOUND))
    period = (ledger.rows.filter(pl.col("date").is_between(begin, end))
              .group_by(keys).agg(
                  in_qty=pl.when(inbound).then(pl.col("qty")).otherwise(0).sum(),
                  in_value=pl.when(inbound).then(pl.col("value")).otherwise(0).sum(),
                  out_qty=pl.when(inbound).then(0).otherwise(-pl.col("qty")).sum(),
                  out_value=pl.when(inbound).then(0).otherwise(-pl.col("value")).sum()))
    both = opening.join(period, on=keys, how="full", coalesce=True)
    cols = ["opening_qty", "opening_value", "in_qty", "in_value", "out_qty", "out_value"]
    return (both.with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in cols])
            .with_columns(closing_qty=pl.col("opening_qty") + pl.col("in_qty") - pl.col("out_qty"),
                          closing_value=pl.col("opening_value") + pl.col("in_value") - pl.col("out_value"))
            .sort(keys).select(*keys, *cols, "closing_qty", "closing_value"))
