"""Production: sales consuming ingredients through recipes, production runs, and their valuation.

Three things turn recipes into stock moves (docs/production.md), derived when the books load and
valued with every other move by `core.erp.stock` (FIFO or moving average per ingredient):

- A day's sales (Z-report `sale` rows) of an item made to order through a recipe issue its
  ingredients at the location, and sales of a stocked item (a bottle of beer) issue the item
  itself: one issue per Z-report and item taken, id `Z-LOC-DATE/ITEM`, untimed (after the day's
  timed moves, before an untimed count), quantities exploded exactly and rounded half-up once.
  Rows naming a sales category or a service take nothing.
- An `issue` move of such an item (a catering delivery, `document: SO-...`) is replaced by the
  issues of its ingredients, id `MOVE/ITEM`, same time and document.
- A production run (`stock/production/YYYY/YYYY-MM.yaml`) issues the run's ingredients (id
  `RUN/ITEM`) and receives the item made (id `RUN`) at exactly the value the ingredients left with,
  so the run moves value from raw stock to finished stock without creating or losing a kuruş.
  Their postings go through the `production` account role (work in process; default: the made
  item's inventory account): Dr WIP / Cr raw inventory per ingredient, Dr finished stock / Cr WIP.

Sales and issues derive postings as any issue does: Dr COGS / Cr inventory at cost. Books that
record their usage by hand and want recipes only for costing and usage reports set
`[production] backflush = false` in books.toml: sales and dish issues then consume nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

import polars as pl

from core.model.errors import Problem
from core.ledger.posting import Roles
from core.model.money import decimal_or
from core.model.records import Book
from core.model.source import Source
from core.erp import stock
from core.erp.recipes import recipes_from, units_from
from core.model.production import Production, Recipes, Run, Supply, thousandths
from core.books.yamlnodes import Map, Seq, scalar

SCALE = 10**9        # exact requirements carried as integers per 10^9 of a unit in frames


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def production_of(book: Book) -> Production:
    """The book's recipes, runs and supply parameters (empty when it has none)."""
    got = getattr(book, "production", None)
    if got is not None:
        return got
    return book._memo("_no_production", lambda: Production(Recipes((), (), book.items)))


# --------------------------------------------------------------------------- reading

def attach(book: Book, files: list[tuple[str, str, Any]]) -> tuple[Book, list[Problem]]:
    """The book with its recipes, unit conversions, supply parameters and production runs, read
    from (kind, path, schema-checked records) and checked against its items and locations."""
    recipes, conversions, runs, supply = [], [], [], []
    problems: list[Problem] = []
    run_ids: dict[str, Source] = {}
    for kind, rel, records in files:
        if not isinstance(records, list):
            continue
        if kind == "recipes":
            got, found = recipes_from(records, rel)
            recipes += got
            problems += found
        elif kind == "units":
            conversions += units_from(records, rel)
        elif kind == "supply":
            for r in records:
                if type(r) is not Map:
                    continue
                lead = scalar(r.get("lead_days"))
                days = r.get("delivery_days")
                weekdays = tuple(sorted({WEEKDAYS.index(x) for x in days if x in WEEKDAYS})) \
                    if type(days) is Seq else None      # names checked by the schema (E012)
                supply.append(Supply(scalar(r.get("supplier")), scalar(r.get("item")), scalar(r.get("location")),
                                     int(lead) if lead and lead.isdigit() else None,
                                     decimal_or(r.get("min_order"), None), decimal_or(r.get("multiple"), None),
                                     decimal_or(r.get("reorder_point"), None), weekdays or None,
                                     Source(rel, r.line), scalar(r.get("from")), scalar(r.get("category")),
                                     scalar(r.get("by"))))
        elif kind == "production":
            for r in records:
                if type(r) is not Map or not scalar(r.get("id")):
                    continue
                src = Source(rel, r.line)
                if r["id"] in run_ids:
                    problems.append(Problem("E020", rel, r.line, f"production run id {r['id']} is used twice",
                                            record=r["id"], found=f"first at {run_ids[r['id']]}",
                                            hint="give one of them a new id"))
                    continue
                run_ids[r["id"]] = src
                try:
                    day = date.fromisoformat(r.get("date") or "")
                except (TypeError, ValueError):
                    continue                      # E012 from the schema check
                qty = decimal_or(r.get("quantity"), None)
                if qty is None or not scalar(r.get("item")) or not scalar(r.get("location")):
                    continue
                runs.append(Run(r["id"], day, r["location"], r["item"], qty, scalar(r.get("time")),
                                scalar(r.get("memo")), src))
    rec = Recipes(tuple(recipes), tuple(conversions), book.items)
    problems += rec.check()
    for c in conversions:
        if c.item not in book.items:
            problems.append(Problem("E032", c.source.path, c.source.line, f"item {c.item} is not in stock/items.yaml",
                                    record=c.item, hint="add the item or correct the id"))
    for run in runs:
        s = run.source
        if run.item not in rec:
            problems.append(Problem("E093", s.path, s.line, f"production run {run.id} makes {run.item}, which has no "
                                    "recipe", record=run.id, expected="a recipe in stock/recipes.yaml",
                                    found=run.item, hint=f"add a recipe for {run.item} to stock/recipes.yaml"))
        if run.location not in book.locations:
            problems.append(Problem("E033", s.path, s.line, f"location {run.location} is not in stock/locations.yaml",
                                    record=run.id, hint="add the location or correct the id"))
        if run.quantity <= 0:
            problems.append(Problem("E092", s.path, s.line, f"production run {run.id} makes nothing", record=run.id,
                                    expected="a quantity above 0", found=str(run.quantity),
                                    hint="give the quantity made"))
    for sp in supply:
        s = sp.source
        if sp.from_location is not None or sp.by is not None:
            problems += network_problems(sp, book)
            continue
        if sp.supplier is None and sp.item is None:
            problems.append(Problem("E010", s.path, s.line, "a supply line needs `supplier` or `item`",
                                    hint="name the supplier (its defaults) or the item (its own terms)"))
        if sp.item is not None and sp.item not in book.items:
            problems.append(Problem("E032", s.path, s.line, f"item {sp.item} is not in stock/items.yaml",
                                    record=sp.item, hint="add the item or correct the id"))
        if sp.supplier is not None and sp.supplier not in book.contacts:
            problems.append(Problem("E031", s.path, s.line, f"supplier {sp.supplier} is not a contact",
                                    record=sp.supplier, hint="add it to contacts/erp/suppliers.yaml or correct the id"))
        if sp.location is not None and sp.location not in book.locations:
            problems.append(Problem("E033", s.path, s.line, f"location {sp.location} is not in stock/locations.yaml",
                                    record=sp.item or sp.supplier or "", hint="add the location or correct the id"))
    backflush = book.settings.production.backflush
    prod = Production(rec, tuple(sorted(runs, key=lambda r: (r.date, r.id))), tuple(supply), backflush)
    return replace(book, production=prod), problems  # type: ignore[call-arg]


def network_problems(sp: Supply, book: Book) -> list[Problem]:
    """A supply-network line (`from:` or `by:`): its locations known, not supplying itself (E240)."""
    s, out = sp.source, []
    rec = sp.item or sp.category or sp.location or ""
    for loc in (sp.location, sp.from_location):
        if loc is not None and loc not in book.locations:
            out.append(Problem("E033", s.path, s.line, f"location {loc} is not in stock/locations.yaml",
                               record=rec, hint="add the location or correct the id"))
    if sp.item is not None and sp.item not in book.items:
        out.append(Problem("E032", s.path, s.line, f"item {sp.item} is not in stock/items.yaml", record=sp.item,
                           hint="add the item or correct the id"))
    if sp.from_location is not None and (sp.from_location == sp.location or sp.by == "purchase"):
        out.append(Problem("E240", s.path, s.line, f"supply line for {rec} has `from: {sp.from_location}` "
                           f"{'and `by: purchase`' if sp.by == 'purchase' else 'to itself'}",
                           record=rec, expected="a location supplied by transfer from another location",
                           found=f"from {sp.from_location} to {sp.location or 'every location'}",
                           hint="name the location that sends the goods in `from:` and the one that receives "
                                "them in `location:`; write `by: purchase` without `from:`"))
    return out


def route(supply: tuple[Supply, ...], item: str, category: str | None, location: str) -> Supply | None:
    """The network line that says how `location` gets `item`: the item at the location, else its
    category at the location, else the location, else the item or category anywhere (not at the
    location that supplies it). None or `by: purchase`: bought there."""
    lines = [s for s in supply if s.from_location is not None or s.by is not None]
    for test in (lambda s: s.item == item and s.location == location,
                 lambda s: s.item is None and category is not None and s.category == category
                 and s.location == location,
                 lambda s: s.item is None and s.category is None and s.location == location,
                 lambda s: s.item == item and s.location is None and s.from_location != location,
                 lambda s: s.item is None and category is not None and s.category == category
                 and s.location is None and s.from_location != location):
        hit = next((s for s in lines if test(s)), None)
        if hit is not None:
            return None if hit.by == "purchase" or hit.from_location == location else hit
    return None


# --------------------------------------------------------------------------- exploding

def _requirements(rec: Recipes, items: list[str], consumed: bool = True) -> pl.DataFrame:
    """(item, ingredient, req): what one unit of each item takes from stock, req in 10^-9 units
    (`consumed`: as sold, `Recipes.taken`; else through its recipe, as a production run makes it)."""
    rows: tuple[list[str], list[str], list[int]] = ([], [], [])
    for it in items:
        need = rec.taken(it) if consumed else rec.explode(it)
        for ing, q in sorted((need or {}).items()):
            n = q * SCALE
            rows[0].append(it), rows[1].append(ing), rows[2].append((2 * n.numerator + n.denominator)
                                                                     // (2 * n.denominator))
    return pl.DataFrame({"item": rows[0], "ingredient": rows[1], "req": rows[2]},
                        schema={"item": pl.String, "ingredient": pl.String, "req": pl.Int64})


def explode(frame: pl.DataFrame, rec: Recipes, keys: list[str]) -> pl.DataFrame:
    """Rows with `item` and `qty` (thousandths) -> per `keys` and ingredient: `qty` thousandths taken
    from stock (`Recipes.taken`: a made-to-order item's ingredients, a stocked item itself), summed
    exactly over the rows and rounded half-up once."""
    made = [i for i in frame.get_column("item").unique().to_list() if i is not None and rec.taken(i) is not None]
    req = _requirements(rec, sorted(made))
    if req.is_empty():
        return pl.DataFrame(schema={**{k: frame.schema[k] for k in keys}, "ingredient": pl.String, "qty": pl.Int64})
    j = frame.join(req, on="item", how="inner")
    total = (j.group_by(*keys, "ingredient", maintain_order=True)
             .agg((pl.col("qty").cast(pl.Int128) * pl.col("req").cast(pl.Int128)).sum().alias("_n")))
    half = SCALE // 2
    return total.select(*keys, "ingredient", qty=((pl.col("_n") + half) // SCALE).cast(pl.Int64)).filter(
        pl.col("qty") > 0)


def sold_items(book: Book) -> list[str]:
    """The items a sale takes from stock (`Recipes.taken`): made to order through a recipe, or stocked."""
    rec = production_of(book).recipes
    made = [i for i in rec.by_item if rec.made_to_order(i)]
    return sorted(set(made) | {i for i, it in book.items.items() if it.type == "stock"})


def dish_sales(book: Book, begin: date | None = None, end: date | None = None,
               location: str | None = None, *, tills: bool = True, orders: bool = True) -> pl.DataFrame:
    """What was sold of items that take stock (made to order through a recipe, or stocked): Z-report
    sale rows (`tills`) and sales-order lines (`orders`, not draft or cancelled, on their delivery
    date `due`, else the order date, at the order's location), as (date, location, item, qty
    thousandths)."""
    schema = {"date": pl.Date, "location": pl.String, "item": pl.String, "qty": pl.Int64}
    sold = sold_items(book)
    parts = []
    s = book.sales
    if tills and sold and s is not None and not s.is_empty():
        parts.append(s.filter((pl.col("kind") == "sale") & pl.col("item").is_in(sold)
                              & pl.col("qty").is_not_null() & pl.col("date").is_not_null())
                     .select("date", "location", "item", "qty"))
    if orders and sold:
        known = set(sold)
        lines = [(d.due or d.date, d.location, ln.item, int((ln.quantity * 1000).to_integral_value()))
                 for d in book.documents if d.kind == "sales" and d.status not in ("cancelled", "draft")
                 for ln in d.lines if ln.item in known and d.location]
        if lines:
            parts.append(pl.DataFrame(lines, schema=schema, orient="row"))
    out = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame(schema=schema)
    if begin is not None:
        out = out.filter(pl.col("date") >= begin)
    if end is not None:
        out = out.filter(pl.col("date") < end)
    if location is not None:
        out = out.filter(pl.col("location") == location)
    return out


# --------------------------------------------------------------------------- derived moves

_MOVE_SCHEMA = {"id": pl.String, "date": pl.Date, "time": pl.String, "kind": pl.String, "item": pl.String,
                "location": pl.String, "to_location": pl.String, "unit_cost": pl.String, "currency": pl.String,
                "document": pl.String, "memo": pl.String, "qty": pl.Int64, "file": pl.Categorical,
                "line": pl.Int32}


def stock_moves(book: Book) -> pl.DataFrame:
    """Every move the stock ledger values: the recorded ones, with dish issues replaced by their
    ingredients (backflush), plus the issues of the day's sales and the production runs' moves.
    Each derived move keeps the file and line of what drove it (the Z-report's first sale row that
    takes the item, the dish issue, the run). Computed once per book."""
    return book._memo("_stock_moves", lambda: _stock_moves(book))


def _stock_moves(book: Book) -> pl.DataFrame:
    prod = production_of(book)
    rec = prod.recipes
    moves = book.moves
    s = book.sales
    if not rec and (not prod.backflush or s is None or s.is_empty()):
        return moves
    parts = []
    if prod.backflush:
        made = [i for i in rec.by_item if rec.consumed(i) is not None]
        dish = (pl.col("kind") == "issue") & pl.col("item").is_in(made)
        issued = moves.filter(dish) if made else moves.clear()
        if issued.height:
            moves = moves.filter(~dish)
            got = explode(issued, rec,
                          ["id", "date", "time", "location", "document", "file", "line"])
            parts.append(got.select(id=pl.col("id") + "/" + pl.col("ingredient"), date="date", time="time",
                                    kind=pl.lit("issue"), item="ingredient", location="location",
                                    document="document", memo=pl.lit("issued through its recipe"), qty="qty",
                                    file="file", line="line"))
        if s is not None and not s.is_empty():
            sold = s.filter((pl.col("kind") == "sale") & pl.col("item").is_in(sold_items(book))
                            & pl.col("qty").is_not_null() & pl.col("date").is_not_null())
            if sold.height:
                # one issue per Z-report and item taken, located at the first sale row that takes it
                sold = sold.with_columns(file=pl.col("file").cast(pl.String)).with_columns(
                    pl.col("file").first().over("date", "location"))
                req = _requirements(rec, sorted(set(sold.get_column("item").unique().to_list())))
                j = sold.select("date", "location", "item", "qty", "file", "line").join(req, on="item", how="inner")
                got = (j.group_by("date", "location", "ingredient", maintain_order=True)
                       .agg(pl.col("file").first(), pl.col("line").min(),
                            (pl.col("qty").cast(pl.Int128) * pl.col("req").cast(pl.Int128)).sum().alias("_n"))
                       .with_columns(qty=((pl.col("_n") + SCALE // 2) // SCALE).cast(pl.Int64))
                       .filter(pl.col("qty") > 0))
                zid = pl.lit("Z-") + pl.col("location") + "-" + pl.col("date").dt.strftime("%Y-%m-%d")
                parts.append(got.select(id=zid + "/" + pl.col("ingredient"), date="date", time=pl.lit(None, pl.String),
                                        kind=pl.lit("issue"), item="ingredient", location="location", document=zid,
                                        memo=pl.lit("sold on the Z-report"), qty="qty", file="file", line="line"))
    if prod.runs:
        rows = []
        for run in prod.runs:
            if run.item not in rec or run.quantity <= 0:
                continue
            made_qty = Fraction(run.quantity)
            for ing, q in sorted(rec.explode(run.item).items()):
                n = thousandths(made_qty * q)
                if n > 0:
                    rows.append((f"{run.id}/{ing}", run.date, run.time, "issue", ing, run.location, run.id,
                                 f"production run {run.id}", n, run.source.path, run.source.line))
            rows.append((run.id, run.date, run.time, "receipt", run.item, run.location, run.id,
                         f"made in production run {run.id}", thousandths(made_qty), run.source.path, run.source.line))
        if rows:
            parts.append(pl.DataFrame(rows, orient="row", schema={
                "id": pl.String, "date": pl.Date, "time": pl.String, "kind": pl.String, "item": pl.String,
                "location": pl.String, "document": pl.String, "memo": pl.String, "qty": pl.Int64, "file": pl.String,
                "line": pl.Int32}))
    if not parts and moves is book.moves:
        return moves
    full = [moves] + [p.with_columns(to_location=pl.lit(None, pl.String), unit_cost=pl.lit(None, pl.String),
                                     currency=pl.lit(None, pl.String),
                                     file=pl.col("file").cast(pl.String)).select(list(_MOVE_SCHEMA))
                      for p in parts]
    return pl.concat([f.with_columns(pl.col("file").cast(pl.String)).select(list(_MOVE_SCHEMA)) for f in full]
                     ).with_columns(pl.col("file").cast(pl.Categorical))


def stock_ledger(book: Book):  # -> tuple[StockLedger | None, list[Problem]]
    """Value every move (`stock_moves`); a production run's receipt takes exactly the value its
    ingredients left with. Runs that use what other runs made are settled by valuing again until
    no run's cost changes (once per level of nesting)."""
    moves = stock_moves(book)
    if moves.is_empty():
        return None, []
    dec = book.settings.base_decimals
    runs = [r for r in production_of(book).runs if r.item in production_of(book).recipes]
    if not runs:
        return stock.value_stock(moves, book.items, book.rates, book.base, dec)
    den = 10 ** max(stock._PRICE_EXP - dec, 0)
    ids = [r.id for r in runs]
    made = {r.id: thousandths(Fraction(r.quantity)) for r in runs}
    exact: dict[str, int] = {}
    for _ in range(len(runs) + 2):
        priced = pl.DataFrame({"id": list(exact), "_pexact": list(exact.values())},
                              schema={"id": pl.String, "_pexact": pl.Int64})
        m = moves.join(priced, on="id", how="left", maintain_order="left") if exact else moves
        ledger, problems = stock.value_stock(m, book.items, book.rates, book.base, dec)
        cost = dict(ledger.rows.filter(pl.col("document").is_in(ids) & (pl.col("kind") == "issue"))
                    .group_by("document").agg((-pl.col("value")).sum()).iter_rows())
        nxt = {rid: (2 * cost.get(rid, 0) * den + made[rid]) // (2 * made[rid]) for rid in ids if made[rid] > 0}
        if nxt == exact:
            break
        exact = nxt
    return ledger, problems


def route_runs(book: Book, postings: pl.DataFrame) -> pl.DataFrame:
    """A production run's counter legs go to work in process instead of COGS and goods received:
    its ingredient issues Dr WIP / Cr raw stock, its receipt Dr finished stock / Cr WIP."""
    runs = production_of(book).runs
    if not runs or postings.is_empty():
        return postings
    roles = Roles(book)
    wip = {r.id: roles.get("production", r.item, r.location) or roles.get("inventory", r.item, r.location)
           for r in runs}
    wip = {k: v for k, v in wip.items() if v}
    table = pl.DataFrame({"source": list(wip), "_wip": list(wip.values())}, schema={"source": pl.String,
                                                                                      "_wip": pl.String})
    counter = (((pl.col("memo") == "issue") & (pl.col("base") > 0))
               | ((pl.col("memo") == "receipt") & (pl.col("base") < 0))) & pl.col("_wip").is_not_null()
    return (postings.join(table, on="source", how="left", maintain_order="left")
            .with_columns(account=pl.when(counter).then(pl.col("_wip")).otherwise(pl.col("account")))
            .drop("_wip"))
