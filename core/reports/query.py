"""SQL over the books: every collection as a table, for the questions the fixed reports do not answer.

`tables(book)` gives each table as a polars LazyFrame; `run_query(book, sql)` runs polars' SQL
engine (`pl.SQLContext`) over them and returns a report `Table`, so every renderer (text, csv,
json, md, html) prints the answer. docs/query.md lists the tables and example questions.

Money is exact. Frames hold integer minor units; the tables expose them as `Decimal` columns with
the currency's decimals (`base` columns with the base currency's), so `SUM(base)` is 1234.50 to
the kurus and no float is involved. Quantities (thousandths in the frames) are `Decimal` with 3
decimals. Tables that have to be built from records (documents, contacts, the AR/AP replay) are
deferred (`pl.defer`): their schema is known up front and their rows are built on the first query
that reads them, so a query over `postings` never builds `orders`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from core.erp.post import Deriver
from core.ledger.posting import document_rate
from core.model.records import Book, Document
from core.reports import Column, Table
from core.ledger.subledger import open_items, settled_on, terms_days

INVOICE_KINDS = ("invoice", "supplier-invoice", "credit-note", "supplier-credit-note")
QTY_DECIMALS = 3       # stock and sales quantities are integer thousandths in the frames

# name -> what one row is; the order is the listing order (`kebir query --tables`, docs/query.md)
DESCRIPTIONS = {
    "postings": "one posting of the general ledger: manual entries and those derived from documents",
    "entries": "one journal entry (manual or derived): date, memo, payee, source document",
    "accounts": "the chart of accounts, with each account's top-level group",
    "contacts": "CRM and ERP contacts, with every field written for them",
    "items": "stock items",
    "locations": "stock locations (restaurants, kitchens, stores)",
    "moves": "stock moves as written",
    "stock": "the valued stock ledger: one row per valued leg of a move, with the level after it",
    "orders": "every document (orders, invoices, credit notes, payments): header and totals from its lines",
    "order_lines": "one line of a document",
    "invoices": "invoices and credit notes with their totals, due date and what is still open",
    "sales": "Z-report rows (daily sales and tenders per location)",
}


class QueryError(ValueError):
    """The SQL cannot run on these tables: a syntax error, an unknown table or column, a bad type."""


# --------------------------------------------------------------------------- exact conversions

def money(col: str | pl.Expr, decimals: int) -> pl.Expr:
    """Integer minor units -> Decimal(38, decimals), exactly (an integer times 10^-decimals)."""
    expr = pl.col(col) if isinstance(col, str) else col
    whole = expr.cast(pl.Decimal(38, 0))
    if decimals == 0:
        return whole
    return whole * pl.lit(Decimal(1).scaleb(-decimals), dtype=pl.Decimal(38, decimals))


def quantity(col: str) -> pl.Expr:
    """Integer thousandths -> Decimal(38, 3), exactly."""
    return money(col, QTY_DECIMALS)


def _scale_of(values: list[Decimal | None], least: int = 0) -> int:
    """The decimals a Decimal column needs to hold every value exactly."""
    found = [-v.as_tuple().exponent for v in values if v is not None and v.is_finite()]
    return max([least, *(e for e in found if isinstance(e, int))])


def _decimals(values: list[Decimal | None], least: int = 0) -> pl.Series:
    return pl.Series(values, dtype=pl.Decimal(38, _scale_of(values, least)))


def _rate(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except ArithmeticError:
        return None


# --------------------------------------------------------------------------- the tables

def tables(book: Book) -> dict[str, pl.LazyFrame]:
    """Every table of the books, by name, as LazyFrames (built on first use)."""
    bdec = book.settings.base_decimals
    scale = max([bdec, *(d for _, d in book.settings.currencies)])
    out: dict[str, pl.LazyFrame] = {
        "postings": _postings(book, bdec, scale),
        "entries": book.ledger_entries().lazy().with_columns(pl.col("file").cast(pl.String)),
        "accounts": _deferred(lambda: _accounts(book)),
        "contacts": _deferred(lambda: _contacts(book)),
        "items": _deferred(lambda: _items(book)),
        "locations": _deferred(lambda: pl.DataFrame(
            [(loc.id, loc.name, loc.kind) for loc in book.locations.values()],
            schema={"id": pl.String, "name": pl.String, "kind": pl.String}, orient="row")),
        "moves": book.moves.lazy().with_columns(
            quantity("qty"), pl.col("unit_cost").cast(pl.Decimal(38, 6), strict=False),
            pl.col("file").cast(pl.String)),
        "stock": _stock(book, bdec),
        "orders": _deferred(lambda: _documents(book, scale)[0]),
        "order_lines": _deferred(lambda: _documents(book, scale)[1]),
        "invoices": _deferred(lambda: _invoices(book, scale, bdec)),
        "sales": _sales(book, bdec),
    }
    return out


def _deferred(build: Callable[[], pl.DataFrame]) -> pl.LazyFrame:
    """A LazyFrame whose rows are built once, by the first query that reads them."""
    cache: list[pl.DataFrame] = []

    def once() -> pl.DataFrame:
        if not cache:
            cache.append(build())
        return cache[0]

    # The schema comes from building too, but for the small record tables that is cheap; the
    # big ones (postings, moves, stock, sales) are plain lazy frames over the loaded columns.
    return pl.defer(once, schema=lambda: once().schema, validate_schema=False)


def _postings(book: Book, bdec: int, scale: int) -> pl.LazyFrame:
    manual = book.postings.lazy().with_columns(source=pl.lit(None, pl.String))
    parts = [manual]
    if book.derived_postings is not None and not book.derived_postings.is_empty():
        parts.append(book.derived_postings.lazy())
    p = pl.concat(parts, how="vertical_relaxed") if len(parts) > 1 else manual
    if book.broken_entries:     # entries with field errors are left out, as every report leaves them out
        p = p.filter(~pl.col("entry_id").is_in(pl.Series(sorted(book.broken_entries), dtype=pl.String).implode()))
    # `amount` is in the posting's currency: scaled to the most decimals any currency has, so one
    # Decimal column holds every currency exactly (all 2 in the usual books).
    currencies = dict(book.settings.currencies)
    factor = {cur: 10 ** (scale - dec) for cur, dec in currencies.items()}
    widen = pl.col("currency").replace_strict(factor, default=10 ** (scale - bdec), return_dtype=pl.Int64)
    return p.select(
        "entry_id", "date", "account", "currency",
        money(pl.col("amount") * widen, scale).alias("amount"), money("base", bdec).alias("base"),
        "rate", "contact", "item", "location", "memo", "tags", "source",
        pl.col("file").cast(pl.String), "line")


def _stock(book: Book, bdec: int) -> pl.LazyFrame:
    ledger = book.stock_ledger
    schema = {"move_id": pl.String, "date": pl.Date, "item": pl.String, "location": pl.String, "kind": pl.String,
              "document": pl.String, "qty": pl.Int64, "value": pl.Int64, "qty_after": pl.Int64,
              "value_after": pl.Int64, "file": pl.String, "line": pl.Int32}
    rows = ledger.rows.lazy() if ledger is not None else pl.LazyFrame(schema=schema)
    dec = ledger.decimals if ledger is not None else bdec
    return rows.with_columns(quantity("qty"), money("value", dec), quantity("qty_after"), money("value_after", dec),
                             pl.col("file").cast(pl.String))


def _sales(book: Book, bdec: int) -> pl.LazyFrame:
    schema = {"date": pl.Date, "location": pl.String, "kind": pl.String, "item": pl.String, "qty": pl.Int64,
              "net": pl.Int64, "vat_rate": pl.String, "method": pl.String, "amount": pl.Int64, "daypart": pl.String,
              "covers": pl.Int64, "memo": pl.String, "file": pl.String, "line": pl.Int32}
    rows = book.sales.lazy() if book.sales is not None else pl.LazyFrame(schema=schema)
    return rows.with_columns(
        quantity("qty"), money("net", bdec), pl.col("vat_rate").cast(pl.Decimal(38, 2), strict=False),
        money("amount", bdec), pl.col("file").cast(pl.String))


def _accounts(book: Book) -> pl.DataFrame:
    groups = book.groups()

    def top(code: str) -> tuple[str, int]:
        level, seen = 1, {code}
        while (parent := book.accounts[code].parent) and parent in book.accounts and parent not in seen:
            code, level = parent, level + 1
            seen.add(code)
        return code, level

    rows = []
    for a in book.accounts.values():
        group, level = top(a.code)
        rows.append((a.code, a.name, a.type, a.parent, a.currency, a.closed, a.code in groups, group, level))
    return pl.DataFrame(rows, orient="row", schema={
        "code": pl.String, "name": pl.String, "type": pl.String, "parent": pl.String, "currency": pl.String,
        "closed": pl.Date, "group": pl.Boolean, "top": pl.String, "level": pl.Int32})


def _contacts(book: Book) -> pl.DataFrame:
    keys: dict[str, None] = {}
    for c in book.contacts.values():
        for k, _ in c.fields:
            keys.setdefault(k, None)
    fixed = ("id", "side", "role", "kind", "name")
    extra = [k for k in keys if k not in fixed]
    rows = [(c.id, c.side, c.role, c.kind, c.name, *(c.get(k) for k in extra)) for c in book.contacts.values()]
    return pl.DataFrame(rows, orient="row", schema={k: pl.String for k in (*fixed, *extra)})


def _items(book: Book) -> pl.DataFrame:
    its = list(book.items.values())
    return pl.DataFrame({
        "id": [i.id for i in its], "name": [i.name for i in its], "unit": [i.unit for i in its],
        "valuation": [i.valuation for i in its], "category": [i.category for i in its],
        "vat_rate": _decimals([_rate(i.vat_rate) for i in its]), "supplier": [i.supplier for i in its],
        "type": [i.type for i in its]}, schema_overrides={k: pl.String for k in (
            "id", "name", "unit", "valuation", "category", "supplier", "type")})


def _documents(book: Book, scale: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(orders, order_lines): totals per line as the derivation computes them (VAT rounded per line)."""
    return book._memo("_query_documents", lambda: _build_documents(book, scale))


def _totals(book: Book) -> dict[str, tuple[list[tuple[int, int]], int | None, int | None]]:
    """Per document: [(net, vat) per line] in its currency's minor units, and the base net and VAT."""
    d = Deriver(book)
    out = {}
    for doc in book.documents:
        currency = doc.currency or book.base
        lines = [d.line_amounts(line, currency) for line in doc.lines]
        rate = document_rate(book, doc, currency)
        if currency != book.base and rate is None:
            base_net = base_vat = None
        else:
            base_net = sum(d.to_base(n, currency, rate) for n, _ in lines)
            base_vat = sum(d.to_base(v, currency, rate) for _, v in lines)
        out[doc.id] = (lines, base_net, base_vat)
    return out


def _text(values: list[Any]) -> pl.Series:
    return pl.Series(values, dtype=pl.String)


def _build_documents(book: Book, scale: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    totals = book._memo("_query_totals", lambda: _totals(book))
    bdec = book.settings.base_decimals
    docs = book.documents
    head: dict[str, Any] = {
        "id": _text([d.id for d in docs]), "kind": _text([d.kind for d in docs]),
        "date": pl.Series([d.date for d in docs], dtype=pl.Date), "party": _text([d.party for d in docs]),
        "status": _text([d.status for d in docs]), "currency": _text([d.currency or book.base for d in docs]),
        "location": _text([d.location for d in docs]), "due": pl.Series([d.due for d in docs], dtype=pl.Date),
        "rep": _text([d.rep for d in docs]), "campaign": _text([d.campaign for d in docs]),
        "order": _text([d.order for d in docs]), "invoice": _text([d.invoice for d in docs]),
        "number": _text([d.number for d in docs]), "memo": _text([d.memo for d in docs]),
        "rate": _text([d.rate for d in docs]), "amount": _decimals([d.amount for d in docs], scale),
        "account": _text([d.account for d in docs]), "lines": pl.Series([len(d.lines) for d in docs], dtype=pl.Int32)}
    sums: dict[str, list[int | None]] = {k: [] for k in ("net", "vat", "gross", "base_net", "base_vat", "base_gross")}
    line_cols: dict[str, list[Any]] = {k: [] for k in (
        "document", "line_no", "item", "description", "account", "currency", "quantity", "price", "discount",
        "vat_rate", "net", "vat", "file", "line")}
    for doc in docs:
        currency = doc.currency or book.base
        widen = 10 ** (scale - (book.settings.decimals(currency) or bdec))   # every currency at one scale
        amounts, base_net, base_vat = totals[doc.id]
        net, vat = sum(n for n, _ in amounts) * widen, sum(v for _, v in amounts) * widen
        for key, value in (("net", net), ("vat", vat), ("gross", net + vat), ("base_net", base_net),
                           ("base_vat", base_vat),
                           ("base_gross", None if base_net is None or base_vat is None else base_net + base_vat)):
            sums[key].append(value)
        for no, (line, (n, v)) in enumerate(zip(doc.lines, amounts), 1):
            for key, value in (("document", doc.id), ("line_no", no), ("item", line.item),
                               ("description", line.description), ("account", line.account),
                               ("currency", currency), ("quantity", line.quantity), ("price", line.price),
                               ("discount", line.discount), ("vat_rate", line.vat_rate), ("net", n * widen),
                               ("vat", v * widen), ("file", line.source.path), ("line", line.source.line)):
                line_cols[key].append(value)
    orders = pl.DataFrame(head).with_columns(
        *(money(pl.Series(k, sums[k], dtype=pl.Int64), scale if k in ("net", "vat", "gross") else bdec).alias(k)
          for k in sums),
        file=_text([d.source.path for d in docs]), line=pl.Series([d.source.line for d in docs], dtype=pl.Int32))
    lc = line_cols
    order_lines = pl.DataFrame({
        "document": _text(lc["document"]), "line_no": pl.Series(lc["line_no"], dtype=pl.Int32),
        "item": _text(lc["item"]), "description": _text(lc["description"]), "account": _text(lc["account"]),
        "currency": _text(lc["currency"]), "quantity": _decimals(lc["quantity"]), "price": _decimals(lc["price"], 2),
        "discount": _decimals(lc["discount"], 2), "vat_rate": _decimals(lc["vat_rate"]),
        "net": pl.Series(lc["net"], dtype=pl.Int64), "vat": pl.Series(lc["vat"], dtype=pl.Int64),
        "file": _text(lc["file"]), "line": pl.Series(lc["line"], dtype=pl.Int32),
    }).with_columns(money("net", scale), money("vat", scale))
    return orders, order_lines


def _invoices(book: Book, scale: int, bdec: int) -> pl.DataFrame:
    """Invoices and credit notes, with the due date aging uses and what the AR/AP replay leaves open."""

    orders, _ = _documents(book, scale)
    inv = orders.filter(pl.col("kind").is_in(INVOICE_KINDS))
    left: dict[str, int] = {}
    settled: dict[str, date] = {}
    for side in ("ar", "ap"):
        for item in open_items(book, side):
            left[item.doc] = left.get(item.doc, 0) + item.amount
        settled.update(settled_on(book, side))

    def due_of(doc: Document) -> date:
        if doc.due:
            return doc.due
        contact = book.contacts.get(doc.party)
        return doc.date + timedelta(days=terms_days(contact.get("payment_terms") if contact else None))

    docs: list[Document] = [book.document(i) for i in inv["id"]]  # type: ignore[misc]
    posted = [d.kind in ("invoice", "supplier-invoice") and d.status != "cancelled" for d in docs]
    return inv.select(
        "id", "kind", "date", "party", "status", "currency", "order", "invoice", "net", "vat", "gross",
        "base_net", "base_vat", "base_gross",
        pl.Series("due", [due_of(d) for d in docs], dtype=pl.Date),
        money(pl.Series("open", [left.get(i, 0) if p else None for i, p in zip(inv["id"], posted)],
                        dtype=pl.Int64), bdec).alias("open"),
        pl.Series("settled", [settled.get(i) if p else None for i, p in zip(inv["id"], posted)], dtype=pl.Date),
        "file", "line")


# --------------------------------------------------------------------------- running a query

def schema(book: Book) -> Table:
    """Every table and its columns with their types: what `kebir query --tables` prints."""
    rows = []
    for name, frame in tables(book).items():
        for col, dtype in frame.collect_schema().items():
            rows.append((name, col, type_name(dtype)))
    return Table("query-tables", "Tables for kebir query", (Column("table", "Table"), Column("column", "Column"),
                                                            Column("type", "Type")), tuple(rows),
                 meta={"tables": {k: v for k, v in DESCRIPTIONS.items()}})


def type_name(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"decimal({dtype.scale})"
    if dtype == pl.String:
        return "text"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if dtype.is_integer():
        return "integer"
    return str(dtype).lower()


def _kind(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return "qty" if dtype.scale == QTY_DECIMALS else "money"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "qty"
    return "text"


def run_query(book: Book, sql: str) -> Table:
    """Run one SQL query over the books' tables; QueryError when it cannot run."""
    frames = tables(book)
    try:
        result = pl.SQLContext(frames).execute(sql).collect()
    except pl.exceptions.PolarsError as exc:
        raise QueryError(_one_line(exc)) from None
    cols = tuple(Column(name, name, _kind(dtype)) for name, dtype in result.schema.items())
    rows = tuple(result.rows())
    return Table("query", f"Query: {len(rows)} row{'' if len(rows) == 1 else 's'}", cols, rows, None,
                 {"sql": " ".join(sql.split())})


def _one_line(exc: Exception) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0].strip() if text else type(exc).__name__
    return first.rstrip(".;:")
