"""Goods received, not invoiced (the `goods_received` clearing account) in the order's currency.

A receipt on an order priced in a foreign currency (a stock move with `currency: EUR` and its
`unit_cost` in euros) credits the clearing account in that currency: the euros received, valued
at the receipt's rate, which is also what the stock costs (IAS 2, IAS 21.21). The supplier's
invoice debits the clearing account with exactly what the receipt credited, in euros and in the
base currency, so once invoice and receipt match the account is zero in both. What the invoice
says beyond that is split by this rule (docs/formats.md, "Goods bought in a foreign currency"):

- the price difference, (invoiced euros - received euros) at the invoice's rate, goes to the
  `price_difference` account;
- the rest, received euros x (invoice rate - receipt rate), is an exchange difference on the
  liability: `fx_loss` (the rate rose) or `fx_gain` (it fell).

A balance left on the clearing account in a foreign currency (goods received, invoice not yet
come) is a monetary liability: month-end revaluation revalues it like a payable.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from core.model.money import round_half_up

FX_SCHEMA = {"move_id": pl.String, "item": pl.String, "location": pl.String, "_fx_currency": pl.String,
             "_fx_amount": pl.Int64, "_fx_rate": pl.String}


def foreign_receipts(book, rows: pl.DataFrame) -> pl.DataFrame:
    """Receipt rows of the stock ledger whose move is priced in a foreign currency: the amount
    received in that currency (quantity x unit cost, rounded half-up to its minor unit) and the
    rate of the receipt's day. Keyed by (move_id, item, location)."""
    base = book.base
    moves = book.moves
    if moves.is_empty() or "currency" not in moves.columns:
        return pl.DataFrame(schema=FX_SCHEMA)
    foreign = (moves.filter((pl.col("kind") == "receipt") & pl.col("currency").is_not_null()
                            & (pl.col("currency") != base) & pl.col("unit_cost").is_not_null())
               .select(pl.col("id").alias("move_id"), "item", "location", "unit_cost", "currency")
               .unique(["move_id", "item", "location"], keep="first", maintain_order=True))
    if foreign.is_empty():
        return pl.DataFrame(schema=FX_SCHEMA)
    r = (rows.filter(pl.col("kind") == "receipt").select("move_id", "date", "item", "location", "qty")
         .join(foreign, on=["move_id", "item", "location"], how="inner"))
    out = []
    bdec = book.settings.base_decimals
    for move, day, item, loc, qty, cost, cur in r.select("move_id", "date", "item", "location", "qty", "unit_cost",
                                                         "currency").iter_rows():
        dec = book.settings.decimals(cur) or bdec
        try:
            value = Decimal(qty) / 1000 * Decimal(cost)
        except ArithmeticError:
            continue                         # validation reports the unit cost
        amount = int(round_half_up(value, dec).scaleb(dec))
        out.append((move, item, loc, cur, amount, book.rate_on(cur, day)))
    return pl.DataFrame(out, schema=FX_SCHEMA, orient="row")


def receipts_by_order(book, rows: pl.DataFrame) -> dict[tuple[str, str], list[list]]:
    """(order, item) -> its receipts, first received first: [day, qty thousandths, base value,
    currency, amount in that currency]. A supplier invoice matches the receipts dated up to its own
    day, first received first matched (a later receipt never changes an earlier invoice)."""
    rec = rows.filter((pl.col("kind") == "receipt") & pl.col("document").is_not_null())
    if rec.is_empty():
        return {}
    fx = foreign_receipts(book, rows)
    rec = rec.select("move_id", "date", "item", "location", "document", "qty", "value").with_row_index("_n")
    if not fx.is_empty():
        rec = rec.join(fx, on=["move_id", "item", "location"], how="left", maintain_order="left")
    else:
        rec = rec.with_columns(_fx_currency=pl.lit(None, pl.String), _fx_amount=pl.lit(None, pl.Int64))
    out: dict[tuple[str, str], list[list]] = {}
    for day, doc, item, qty, value, cur, amount in rec.sort("date", "_n").select(
            "date", "document", "item", "qty", "value", "_fx_currency", "_fx_amount").iter_rows():
        out.setdefault((doc, item), []).append([day, qty, value, cur or book.base, amount if cur else value])
    return out


def receipt_legs_in_currency(book, ledger_rows: pl.DataFrame, legs: pl.DataFrame, clearing: str | None
                             ) -> pl.DataFrame:
    """The clearing legs of foreign-priced receipts in their currency (amount, rate); `legs` has
    the derived posting columns with `_part` (1: the counter leg) and `kind`."""
    if clearing is None:
        return legs
    fx = foreign_receipts(book, ledger_rows)
    if fx.is_empty():
        return legs
    joined = legs.join(fx.rename({"move_id": "entry_id"}), on=["entry_id", "item", "location"], how="left",
                       maintain_order="left")
    hit = (pl.col("kind") == "receipt") & (pl.col("_part") == 1) & (pl.col("account") == clearing) \
        & pl.col("_fx_currency").is_not_null()
    sign = pl.when(pl.col("base") < 0).then(-1).otherwise(1)
    return joined.with_columns(
        currency=pl.when(hit).then(pl.col("_fx_currency")).otherwise(pl.col("currency")),
        amount=pl.when(hit).then(sign * pl.col("_fx_amount")).otherwise(pl.col("amount")),
        rate=pl.when(hit).then(pl.col("_fx_rate")).otherwise(pl.col("rate")),
    ).drop("_fx_currency", "_fx_amount", "_fx_rate")
