"""The bulk record files (journals, rates, stock moves, Z-reports) typed with polars: dates,
integer minor units, base amounts. A float never touches an amount.

`load_frames` parses every such file (through the cache) and types the concatenated columns; the
typed result of the whole set is cached too, so unchanged books skip parsing and typing entirely.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from core.books import schema
from core.books.cache import (BOOK_CACHE_VERSION, PARSE_VERSION, file_digests, parse_bulk, parse_file, typed_get,
                              typed_put)
from core.books.parse import ENTRY_COLS, Raw, empty_frame
from core.model import progress
from core.model.errors import Problem
from core.model.money import fmt_minor, fraction_digits, minor_units
from core.model.records import Settings


MOVE_COLS = schema.field_order("moves")


def load_frames(root: Path, settings: Settings, bulk: list[tuple[str, str]], use_cache: bool, jobs: int | None,
               documents: list[str] = ()) -> tuple[dict[str, pl.DataFrame], list[Problem], set[str], dict[str, Raw]]:
    """Journals, rates and moves, typed. The typed result of the whole set is cached too, keyed by
    every file's digest and the settings, so unchanged books skip parsing and typing entirely.
    The raw parses of the `documents` files (orders/) come back as well: they share the cache
    and the worker processes with the journals, and are typed by `load_book`."""
    digests = file_digests(root, [*(rel for rel, _ in bulk), *documents], use_cache)
    key = hashlib.sha256(repr((PARSE_VERSION, BOOK_CACHE_VERSION, settings,
                               [(rel, kind, digests[rel]) for rel, kind in bulk])
                              ).encode()).hexdigest()
    doc_files = [(rel, "orders") for rel in documents]
    if use_cache:
        hit = typed_get(root, key)
        if hit is not None:
            return (*hit, parse_bulk(root, doc_files, digests, use_cache, jobs))
    # Cold YAML journals and documents go to worker processes first; the rest is parsed and typed below.
    yaml_cold = [(rel, kind) for rel, kind in bulk if kind == "journal"]
    tables: dict[str, Raw] = {}

    def parse_tables() -> None:
        todo = [(rel, kind) for rel, kind in bulk if kind in ("rates", "moves", "sales")]
        for n, (rel, kind) in enumerate(todo, start=1):
            tables[rel] = parse_file(str(root), rel, kind, use_cache, digests[rel])
            progress.report("Reading the tables", n, len(todo))

    raws = parse_bulk(root, yaml_cold + doc_files, digests, use_cache, jobs, meanwhile=parse_tables)
    doc_raws = {rel: raws.pop(rel) for rel in documents}
    raws.update(tables)
    problems: list[Problem] = []

    def frames(kinds: tuple[str, ...], name: str) -> list[pl.DataFrame]:
        return [raws[rel].frames[name] for rel, kind in bulk if kind in kinds]

    rates, found = _type_rates(pl.concat(frames(("rates",), "rows") or [empty_frame([*schema.field_order("rates"),
                                                                                     "line"])
                                                                       .with_columns(file=pl.lit("", pl.Categorical))]))
    problems += found

    def typed_file(rel: str, kind: str) -> tuple[pl.DataFrame, pl.DataFrame, set[str], list[Problem]]:
        # Runs in a thread per file: polars releases the GIL, so two files type on two cores.
        if kind == "journal":
            raw = raws.pop(rel)
            found = list(raw.problems)
            raw_p, raw_e = raw.frames["postings"], raw.frames["entries"]
        else:
            raw = parse_file(str(root), rel, kind, use_cache, digests[rel])
            raw_p, raw_e, found = _csv_entries(raw.frames["rows"])
            found = raw.problems + found
        tp, te, bad, more = type_journal(settings, raw_p, raw_e, rates)
        return tp, te.select(*ENTRY_COLS, "file"), bad, found + more

    journals = [(rel, kind) for rel, kind in bulk if kind in ("journal", "journal-csv")]
    workers = max(1, min(jobs if jobs is not None else (os.cpu_count() or 1), 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda f: typed_file(*f), journals))
    parts_p, parts_e, broken = [], [], set()
    for tp, te, bad, found in results:
        parts_p.append(tp)
        parts_e.append(te)
        broken |= bad
        problems += found
    for rel, kind in bulk:
        if kind in ("rates", "moves", "sales"):
            problems += raws[rel].problems
    postings = pl.concat(parts_p) if parts_p else _typed_empty_postings()
    entries = pl.concat(parts_e) if parts_e else empty_frame([*ENTRY_COLS, "file"]).with_columns(
        date=pl.lit(None, pl.Date), line=pl.lit(None, pl.Int32), file=pl.lit(None, pl.Categorical))
    moves, found = _type_moves(pl.concat(frames(("moves",), "rows") or [empty_frame([*MOVE_COLS, "line"])
                                                                       .with_columns(file=pl.lit("", pl.Categorical))]))
    problems += found
    sales, found = _type_sales(pl.concat(frames(("sales",), "rows") or [empty_frame([*schema.field_order("sales"),
                                                                                     "line"])
                                                                       .with_columns(file=pl.lit("", pl.Categorical))]),
                               settings)
    problems += found
    problems += _entry_ids_unique(entries)
    typed = {"postings": postings, "entries": entries, "moves": moves, "rates": rates, "sales": sales}
    if use_cache:
        typed_put(root, key, typed, problems, broken)
    return typed, problems, broken, doc_raws


def _type_rates(raw: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    problems = schema.check_columns("rates", raw, id_col="currency")
    typed = (raw.with_columns(date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
             .filter(pl.col("date").is_not_null() & pl.col("rate").str.contains(r"^[0-9]+(\.[0-9]+)?$")
                     & pl.col("currency").is_not_null())
             .select("date", "currency", "rate", "file", "line").sort("currency", "date"))
    dups = typed.filter(pl.struct("date", "currency").is_duplicated())
    for d, cur, _, f, ln in dups.iter_rows():
        problems.append(Problem("E020", f, ln, f"two {cur} rates for {d}", record=f"{cur} {d}",
                                hint="keep one rate per currency and day"))
    return typed.unique(["date", "currency"], keep="first", maintain_order=True), problems


def _csv_entries(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, list[Problem]]:
    """Bulk CSV rows to the same raw posting/entry layout as YAML journals."""
    problems: list[Problem] = []
    runs = rows.with_columns(run=(pl.col("entry_id") != pl.col("entry_id").shift(1)).fill_null(True).cum_sum())
    first = runs.group_by("run", maintain_order=True).agg(
        pl.col("entry_id").first(), pl.col("date").first(), pl.col("memo").first(), pl.col("file").first(),
        pl.col("line").first(), pl.col("date").n_unique().alias("n_dates"), pl.len().alias("n"))
    split = first.filter(pl.col("entry_id").is_duplicated())
    seen_ids: set[str] = set()
    for rid, f, ln in split.select("entry_id", "file", "line").iter_rows():
        if rid in seen_ids:
            problems.append(Problem("E046", f, ln, f"rows of entry {rid} are not consecutive", record=rid,
                                    hint="keep all rows of one entry together (kebir fmt sorts them)"))
        seen_ids.add(rid)
    for rid, f, ln in first.filter(pl.col("n_dates") > 1).select("entry_id", "file", "line").iter_rows():
        problems.append(Problem("E046", f, ln, f"rows of entry {rid} have different dates", record=rid,
                                hint="one entry has one date: give every row the same date"))
    entries = first.select(pl.col("entry_id").alias("id"), "date", "memo", pl.lit(None, pl.String).alias("payee"),
                           pl.lit(None, pl.String).alias("source"), pl.lit(None, pl.String).alias("tags"),
                           "line", "file").unique("id", keep="first", maintain_order=True)
    postings = rows.select("entry_id", "date", "account", "debit", "credit", "currency", "rate", "base", "contact",
                           pl.lit(None, pl.String).alias("item"), pl.lit(None, pl.String).alias("location"),
                           pl.col("posting_memo").alias("memo"), pl.lit(None, pl.String).alias("tags"), "line", "file")
    return postings, entries, problems


def _typed_empty_postings() -> pl.DataFrame:
    return pl.DataFrame(schema={"entry_id": pl.String, "date": pl.Date, "account": pl.String, "currency": pl.String,
                                "amount": pl.Int64, "base": pl.Int64, "rate": pl.String, "contact": pl.String,
                                "item": pl.String, "location": pl.String, "memo": pl.String, "tags": pl.String,
                                "file": pl.Categorical, "line": pl.Int32})


def type_journal(settings: Settings, raw_p: pl.DataFrame, raw_e: pl.DataFrame, rates: pl.DataFrame
                  ) -> tuple[pl.DataFrame, pl.DataFrame, set[str], list[Problem]]:
    """One file's raw postings and entries, typed: dates, minor units, base amounts.

    One polars pass computes every flag and amount; only failing rows and foreign-currency
    postings (a few percent) come back into Python. Files are typed one at a time, so the
    intermediate columns stay the size of a month.
    """
    journal = schema.load_schema("journal")
    entry_node = journal["items"]
    posting_node = entry_node["properties"]["postings"]["items"]
    problems = schema.check_columns("journal", raw_e, columns=["id", "date", "payee", "source"],
                                    schema_node=entry_node)
    problems += schema.check_columns("journal", raw_p.rename({"entry_id": "id"}),
                                     columns=["account", "debit", "credit", "currency", "rate", "base", "contact"],
                                     schema_node=posting_node)
    base = settings.base_currency
    decimals = dict(settings.currencies)
    account_re = schema.resolve(journal, posting_node["properties"]["account"])["pattern"]
    amount_str = pl.coalesce("debit", "credit")
    p = (raw_p.lazy()
         .with_columns(currency=pl.col("currency").fill_null(base))
         .with_columns(
             dec=pl.col("currency").replace_strict(decimals, default=None, return_dtype=pl.Int64),
             _amount_str=amount_str,
             _both=pl.col("debit").is_not_null() & pl.col("credit").is_not_null(),
             _neither=pl.col("debit").is_null() & pl.col("credit").is_null(),
             _date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
             _form_ok=amount_str.str.contains(r"^[0-9]{1,15}(\.[0-9]+)?$").fill_null(False)
             & pl.col("account").str.contains(account_re).fill_null(False),
             _frac=fraction_digits(amount_str))
         .with_columns(_too_many=pl.col("_form_ok") & (pl.col("_frac") > pl.col("dec")).fill_null(False))
         .with_columns(_bad=pl.col("_both") | pl.col("_neither") | pl.col("dec").is_null()
                       | ~pl.col("_form_ok") | pl.col("_too_many"))
         .with_columns(amount=pl.when(~pl.col("_bad")).then(
             minor_units(pl.col("_amount_str"), pl.col("dec")) * pl.when(pl.col("debit").is_not_null()).then(1)
             .otherwise(-1)))
         .with_columns(base_minor=pl.when(~pl.col("_bad") & (pl.col("currency") == base)).then(pl.col("amount")))
         .collect())
    flags = p.select(pl.col("_both").any(), pl.col("_neither").any(), pl.col("dec").is_null().any(),
                     pl.col("_too_many").any(), pl.col("_bad").any()).row(0)
    if flags[0] or flags[1]:
        for rid, f, ln, both in p.filter(pl.col("_both") | pl.col("_neither")).select(
                "entry_id", "file", "line", "_both").iter_rows():
            problems.append(Problem("E043", f, ln, "a posting has both debit and credit" if both else
                                    "a posting has neither debit nor credit", record=rid or "",
                                    expected="exactly one of debit / credit",
                                    hint="split it into two postings" if both else "add `debit: ...` or `credit: ...`"))
    if flags[2]:
        for rid, f, ln, cur in p.filter(pl.col("dec").is_null() & pl.col("currency").str.contains(r"^[A-Z]{3}$")
                                        ).select("entry_id", "file", "line", "currency").iter_rows():
            problems.append(Problem("E036", f, ln, f"currency {cur} is not declared", record=rid or "",
                                    expected="one of " + ", ".join(c for c, _ in settings.currencies), found=cur,
                                    hint=f"add `{cur} = 2` under [currencies] in books.toml"))
    if flags[3]:
        for rid, f, ln, amt, cur, dec in p.filter(pl.col("_too_many")).select(
                "entry_id", "file", "line", "_amount_str", "currency", "dec").iter_rows():
            problems.append(Problem("E041", f, ln, f"amount {amt} has more decimals than {cur} allows",
                                    record=rid or "", expected=f"at most {dec} decimals", found=amt,
                                    hint=f"round it to {dec} decimals and post any difference to the rounding account"))
    home_extra = p.filter(~pl.col("_bad") & (pl.col("currency") == base) & (
        (pl.col("rate").is_not_null() & (pl.col("rate").str.replace(r"\.?0*$", "") != "1"))
        | (pl.col("base").is_not_null() & (pl.col("base") != pl.col("_amount_str")))))
    for rid, f, ln, rate, bs, amt in home_extra.select("entry_id", "file", "line", "rate", "base",
                                                       "_amount_str").iter_rows():
        problems.append(Problem("E045", f, ln, f"a {base} posting carries a rate or base that differs from its amount",
                                record=rid or "", expected=f"base = amount = {amt}", found=f"rate {rate}, base {bs}",
                                hint="remove `rate` and `base` from base-currency postings"))
    # A posting of an entry whose date is no calendar date stays (its entry is broken, left out of balances
    # and reports) so the entry's other problems, an unknown account, are reported in the same run; a
    # foreign one has no day to take a rate on, and keeps base 0.
    undated = pl.col("_date").is_null()
    p = p.with_columns(base_minor=pl.when(~pl.col("_bad") & undated).then(pl.col("base_minor").fill_null(0))
                       .otherwise(pl.col("base_minor")))
    foreign_rows = p.select((~pl.col("_bad") & ~undated & (pl.col("currency") != base)).arg_true()).to_series()
    if foreign_rows.len():
        fb, fr = _value_foreign(p[foreign_rows], settings, rates, problems)
        p = p.with_columns(base_minor=p["base_minor"].scatter(foreign_rows, fb),
                           rate=p["rate"].scatter(foreign_rows, fr))
    broken = set(p.filter(pl.col("_bad") | pl.col("base_minor").is_null() | undated).get_column("entry_id")
                 .drop_nulls().to_list()) if flags[4] or foreign_rows.len() or p["_date"].null_count() else set()
    postings = p.filter(pl.col("base_minor").is_not_null()).select(
        "entry_id", pl.col("_date").alias("date"), "account", "currency", "amount",
        pl.col("base_minor").alias("base"), "rate", "contact", "item", "location", "memo", "tags",
        "file", pl.col("line").cast(pl.Int32))
    entries = raw_e.with_columns(date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                                 line=pl.col("line").cast(pl.Int32))
    broken |= set(entries.filter(pl.col("date").is_null()).get_column("id").drop_nulls().to_list())
    return postings, entries, broken, problems


def _value_foreign(f: pl.DataFrame, settings: Settings, rates: pl.DataFrame, problems: list[Problem]
                   ) -> tuple[pl.Series, pl.Series]:
    """Base amounts and rates of foreign-currency postings, in the rows' order.

    The rate is the posting's own, else the latest on or before its date in rates/. `base`, when
    written, is the booked value; with an explicit rate it must equal amount x rate. The product is
    exact integer arithmetic (Int128, rates in millionths) rounded half-up at the base minor unit.
    """
    base_dec = settings.base_decimals
    table = rates.select(pl.col("date").alias("_rate_date"), "currency", pl.col("rate").alias("_table_rate"))
    f = (f.with_row_index("_fi").sort("currency", "_date")
         .join_asof(table.sort("currency", "_rate_date"), left_on="_date", right_on="_rate_date",
                    by="currency", strategy="backward", check_sortedness=False)
         .sort("_fi"))
    number = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
    own = pl.col("rate").str.contains(number).fill_null(False)
    used_rate = pl.when(own).then(pl.col("rate")).otherwise(pl.col("_table_rate"))
    # the side, not the amount: a revaluation moves base only
    sign = pl.when(pl.col("debit").is_not_null()).then(1).otherwise(-1).cast(pl.Int128)
    divisor = pl.lit(10, pl.Int128).pow((pl.col("dec") + 6 - base_dec).cast(pl.Int128))
    product = pl.col("amount").cast(pl.Int128).abs() * minor_units(used_rate, 6).cast(pl.Int128)
    f = f.with_columns(
        _own=own, _used_rate=used_rate,
        _base_ok=pl.col("base").str.contains(r"^[0-9]{1,15}(\.[0-9]+)?$").fill_null(False)
        & (fraction_digits(pl.col("base")) <= base_dec),
        _computed=(sign * ((product + divisor // 2) // divisor)).cast(pl.Int64),
    ).with_columns(
        _given=pl.when(pl.col("_base_ok")).then(minor_units(pl.col("base"), base_dec) * sign.cast(pl.Int64)))
    out = f.with_columns(
        _out=pl.when(pl.col("base").is_not_null() & ~pl.col("_base_ok")).then(None)
        .when(pl.col("_given").is_not_null()).then(pl.col("_given"))
        .otherwise(pl.col("_computed")))
    for rid, fl, ln, b in out.filter(pl.col("base").is_not_null() & ~pl.col("_base_ok")).select(
            "entry_id", "file", "line", "base").iter_rows():
        problems.append(Problem("E041", fl, ln, f"base amount {b} has more decimals than "
                                f"{settings.base_currency} allows", record=rid or "", found=b,
                                expected=f"at most {base_dec} decimals", hint="round the base amount"))
    for rid, fl, ln, b, r, c in out.filter(pl.col("_own") & pl.col("_given").is_not_null()
                                           & (pl.col("_given") != pl.col("_computed"))).select(
            "entry_id", "file", "line", "base", "rate", "_computed").iter_rows():
        problems.append(Problem(
            "E045", fl, ln, f"base {b} is not amount x rate", record=rid or "",
            expected=f"{fmt_minor(abs(c), base_dec)} (amount x {r}, rounded half-up)", found=b,
            hint="correct `base` or `rate`, or drop `base` and let kebir compute it"))
    for rid, fl, ln, cur, d in out.filter(pl.col("_out").is_null() & pl.col("base").is_null()).select(
            "entry_id", "file", "line", "currency", "_date").iter_rows():
        problems.append(Problem("E042", fl, ln, f"{cur} posting on {d} has no rate", record=rid or "",
                                expected=f"`rate:` on the posting, or a {cur} rate on or before {d} in rates/",
                                hint=f"add `rate: \"...\"` ({settings.base_currency} per {cur}) or a line "
                                     f"`{d},{cur},...` to rates/{d.year}.csv"))
    rate_out = pl.when(pl.col("_own") | pl.col("_given").is_null()).then(pl.col("_used_rate")).otherwise(pl.col("rate"))
    res = out.select(pl.col("_out"), rate_out.alias("_r"))
    return res.get_column("_out"), res.get_column("_r")


def _minor(text: str, dec: int) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 10**dec + int((frac + "0" * dec)[:dec] or 0)


def _type_moves(raw: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    problems = schema.check_columns("moves", raw)
    q_ok = pl.col("quantity").str.contains(r"^-?[0-9]{1,12}(\.[0-9]{1,3})?$").fill_null(False)
    typed = raw.with_columns(
        date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        qty=pl.when(q_ok).then(minor_units(pl.col("quantity"), 3)).otherwise(None),
    )
    needs = [
        (pl.col("kind") == "receipt") & pl.col("unit_cost").is_null(), "a receipt needs `unit_cost`",
        "give the cost per unit the goods came in at",
        (pl.col("kind") == "transfer") & pl.col("to_location").is_null(), "a transfer needs `to_location`",
        "name the location the goods go to",
        (pl.col("kind") == "transfer") & (pl.col("to_location") == pl.col("location")),
        "a transfer goes from one location to another", "correct `location` or `to_location`",
        (pl.col("kind") != "adjustment") & (pl.col("kind") != "count") & (pl.col("qty") <= 0),
        "quantity must be positive for this kind of move", "receipts, issues, transfers and waste take a positive "
        "quantity; use `adjustment` for a signed correction",
        (pl.col("kind") == "count") & (pl.col("qty") < 0), "a count cannot be negative", "count what is on the shelf",
    ]
    for i in range(0, len(needs), 3):
        cond, what, hint = needs[i], needs[i + 1], needs[i + 2]
        for mid, f, ln in typed.filter(cond.fill_null(False)).select("id", "file", "line").iter_rows():
            problems.append(Problem("E051", f, ln, f"move {mid}: {what}", record=mid or "", hint=hint))
    typed = typed.select(*[c for c in MOVE_COLS if c != "quantity"], "qty",
                         pl.col("file").cast(pl.Categorical), pl.col("line").cast(pl.Int32))
    dup = typed.filter(pl.col("id").is_duplicated() & pl.col("id").is_not_null())
    first_seen: dict[str, str] = {}
    for mid, f, ln in dup.select("id", "file", "line").iter_rows():
        if mid in first_seen:
            problems.append(Problem("E020", f, ln, f"move id {mid} is used twice", record=mid,
                                    found=f"first at {first_seen[mid]}", hint="give one of them a new id"))
        else:
            first_seen[mid] = f"{f}:{ln}"
    return typed, problems


def _type_sales(raw: pl.DataFrame, settings: Settings) -> tuple[pl.DataFrame, list[Problem]]:
    """Z-report rows: amounts to base minor units (they are in the base currency), quantities to thousandths."""
    problems = schema.check_columns("sales", raw, id_col="location")
    dec = settings.base_decimals
    ok = r"^[0-9]{1,15}(\.[0-9]+)?$"
    for col in ("net", "amount"):
        too_many = raw.filter(pl.col(col).str.contains(ok).fill_null(False) & (fraction_digits(pl.col(col)) > dec))
        for f, ln, v in too_many.select("file", "line", col).iter_rows():
            problems.append(Problem("E041", str(f), ln, f"amount {v} has more decimals than {settings.base_currency} "
                                    "allows", found=v, expected=f"at most {dec} decimals", hint="round it"))
    need = [((pl.col("kind") == "sale") & (pl.col("net").is_null() | pl.col("vat_rate").is_null()),
             "a sale row needs `net` and `vat_rate`"),
            ((pl.col("kind") == "tender") & (pl.col("method").is_null() | pl.col("amount").is_null()),
             "a tender row needs `method` and `amount`"),
            ((pl.col("kind") == "covers") & (pl.col("daypart").is_null() | pl.col("covers").is_null()),
             "a covers row needs `daypart` and `covers`")]
    for cond, what in need:
        for f, ln, loc in raw.filter(cond).select("file", "line", "location").iter_rows():
            problems.append(Problem("E010", str(f), ln, what, record=loc or "", hint="fill in the missing cells"))
    good = lambda c: pl.when(pl.col(c).str.contains(ok).fill_null(False) & (fraction_digits(pl.col(c)) <= dec)  # noqa: E731
                             ).then(minor_units(pl.col(c), dec))
    typed = raw.with_columns(
        date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        qty=pl.when(pl.col("quantity").str.contains(r"^[0-9]{1,12}(\.[0-9]{1,3})?$").fill_null(False))
        .then(minor_units(pl.col("quantity"), 3)),
        net=good("net"), amount=good("amount"), line=pl.col("line").cast(pl.Int32),
        covers=pl.when(pl.col("covers").str.contains(r"^[0-9]{1,9}$").fill_null(False))
        .then(pl.col("covers").cast(pl.Int64, strict=False)))
    return typed.select("date", "location", "kind", "item", "qty", "net", "vat_rate", "method", "amount",
                        "daypart", "covers", "memo", "file", "line"), problems


def _entry_ids_unique(entries: pl.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    dup = entries.filter(pl.col("id").is_duplicated() & pl.col("id").is_not_null()).select("id", "file", "line")
    first: dict[str, str] = {}
    for rid, f, ln in dup.iter_rows():
        if rid in first:
            problems.append(Problem("E020", f, ln, f"entry id {rid} is used twice", record=rid,
                                    found=f"first at {first[rid]}", hint="give one of them a new id"))
        else:
            first[rid] = f"{f}:{ln}"
    return problems
