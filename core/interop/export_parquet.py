"""The books as parquet files for BI tools, DuckDB or Spark: one file per table, money as exact decimals.

Tables: postings (manual and derived), entries, accounts, contacts, items, moves, orders and
order_lines. Money columns are parquet DECIMAL (built from the integer minor units through their
decimal strings, never through a float), with the integer minor units kept beside them. Files are
written atomically (a temporary file, then a rename); rows are sorted so the same books give the
same rows.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from core.model.records import Book


def _decimal(col: str, decimals: pl.Expr | int, scale: int) -> pl.Expr:
    """Integer minor units (with `decimals` digits) as Decimal(38, scale), exactly."""
    d = pl.lit(decimals) if isinstance(decimals, int) else decimals
    v = pl.col(col).cast(pl.Int64)
    shifted = v * pl.lit(10, pl.Int64).pow((pl.lit(scale) - d).cast(pl.Int64))
    whole = (shifted.abs() // 10 ** scale).cast(pl.String)
    frac = (shifted.abs() % 10 ** scale).cast(pl.String).str.zfill(scale)
    sign = pl.when(shifted < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    text = sign + whole + (pl.lit(".") + frac if scale else pl.lit(""))
    return text.cast(pl.Decimal(38, scale))


def tables(book: Book) -> dict[str, pl.DataFrame]:
    decs = dict(book.settings.currencies)
    bdec = decs.get(book.base, 2)
    scale = max(decs.values(), default=2)
    cur_dec = pl.col("currency").replace_strict(decs, default=bdec, return_dtype=pl.Int64)
    p = book.ledger()
    postings = (p.with_columns(_d=cur_dec)
                .with_columns(amount_decimal=_decimal("amount", pl.col("_d"), scale),
                              base_decimal=_decimal("base", bdec, bdec))
                .drop("_d")
                .select("entry_id", "date", "account", "currency", "amount_decimal", "base_decimal",
                        pl.col("amount").alias("amount_minor"), pl.col("base").alias("base_minor"),
                        *[c for c in ("rate", "contact", "item", "location", "memo", "tags", "file", "line")
                          if c in p.columns])
                .with_row_index("seq").sort("date", "entry_id", "seq").drop("seq"))
    out: dict[str, pl.DataFrame] = {"postings": postings,
                                    "entries": book.ledger_entries().sort("date", "id")}
    out["accounts"] = pl.DataFrame(
        [{"code": a.code, "name": a.name, "type": a.type, "parent": a.parent, "currency": a.currency,
          "closed": a.closed} for a in sorted(book.accounts.values(), key=lambda a: a.code)],
        schema={"code": pl.String, "name": pl.String, "type": pl.String, "parent": pl.String,
                "currency": pl.String, "closed": pl.Date})
    keys: list[str] = sorted({k for c in book.contacts.values() for k, _ in c.fields})
    out["contacts"] = pl.DataFrame(
        [{"id": c.id, "side": c.side, "role": c.role, "kind": c.kind, "name": c.name,
          **{k: c.get(k) for k in keys}} for c in sorted(book.contacts.values(), key=lambda c: c.id)],
        schema={"id": pl.String, "side": pl.String, "role": pl.String, "kind": pl.String, "name": pl.String,
                **{k: pl.String for k in keys if k not in ("id", "side", "role", "kind", "name")}})
    out["items"] = pl.DataFrame(
        [{"id": i.id, "name": i.name, "unit": i.unit, "valuation": i.valuation, "category": i.category,
          "vat_rate": i.vat_rate, "supplier": i.supplier, "type": i.type}
         for i in sorted(book.items.values(), key=lambda i: i.id)],
        schema={k: pl.String for k in ("id", "name", "unit", "valuation", "category", "vat_rate", "supplier",
                                       "type")})
    out["moves"] = book.moves.sort("date", "id") if "id" in book.moves.columns else book.moves
    orders, lines = [], []
    for o in sorted(book.orders, key=lambda o: (o.date, o.id)):
        orders.append({"id": o.id, "kind": o.kind, "date": o.date, "party": o.party, "status": o.status,
                       "currency": o.currency or book.base, "location": o.location, "due": o.due, "memo": o.memo})
        for n, ln in enumerate(o.lines, 1):
            lines.append({"order_id": o.id, "line_no": n, "item": ln.item, "quantity": str(ln.quantity),
                          "price": str(ln.price), "vat_rate": str(ln.vat_rate), "discount": str(ln.discount)})
    out["orders"] = pl.DataFrame(orders, schema={"id": pl.String, "kind": pl.String, "date": pl.Date,
                                                 "party": pl.String, "status": pl.String, "currency": pl.String,
                                                 "location": pl.String, "due": pl.Date, "memo": pl.String})
    out["order_lines"] = pl.DataFrame(lines, schema={"order_id": pl.String, "line_no": pl.Int64, "item": pl.String,
                                                     "quantity": pl.String, "price": pl.String,
                                                     "vat_rate": pl.String, "discount": pl.String}).with_columns(
        pl.col("quantity").cast(pl.Decimal(38, 3)), pl.col("price").cast(pl.Decimal(38, 4)),
        pl.col("vat_rate").cast(pl.Decimal(38, 2)), pl.col("discount").cast(pl.Decimal(38, 4)))
    return out


def export_parquet(book: Book, directory: Path) -> list[tuple[str, int]]:
    """Write every table as DIR/<table>.parquet; returns (file name, rows) per table."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables(book).items():
        path = directory / f"{name}.parquet"
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
        os.close(fd)
        try:
            frame.write_parquet(tmp, compression="zstd", statistics=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append((path.name, frame.height))
    return written
