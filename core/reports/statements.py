"""Financial statements: balance sheet, income statement, and the monthly series for charts.

Accounts map to sections by their type (types are inherited down the chart, see load.py):
asset, cash and bank are assets; liability; equity; income and expense make the result. Rows
are grouped by the chart's top-level groups (accounts without a parent), each group showing the
subtotal of everything under it, children indented below it down to `depth` levels.

Amounts are presented as a person reads them: assets and expenses debit-positive; liabilities,
equity and income credit-positive. A contra account (accumulated depreciation 257, sales
returns 610, losses brought forward 580) therefore shows negative in its section. Sums are
done on integer minor units and turned into Decimal at the edge, never float.

The balance sheet shows the result of income and expense accounts that has not been closed to
equity yet as lines in equity, so that assets equal liabilities plus equity exactly. The
income statement and the monthly series leave out the year-end closing chain (see
`closing_entries`), which empties income and expense into retained earnings: counted, it would
make the year's income statement show nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from core.model.i18n import day_text
from core.model.records import Book
from core.model.money import from_minor
from core.ledger.opening import opening_entries, split_opening
from core.ledger.period import Span, add_months, short_label
from core.reports import Column, Scope, Table
from core.reports.reflection import reflect_balances

ASSET_TYPES = frozenset({"asset", "cash", "bank"})
CASH_TYPES = frozenset({"cash", "bank"})
RESULT_TYPES = frozenset({"income", "expense"})
CLOSING_TAG = "closing"   # a closing entry a person wrote by hand
CLOSE_TAG = "close"       # every entry `kebir close` generates (core/close/entries.py GeneratedEntry.tags)
CHAIN_TYPES = frozenset({"income", "expense", "equity"})

COLUMNS = (Column("section", "Section"), Column("level", "Level", "int"), Column("account", "Account"),
           Column("name", "Name"), Column("amount", "Amount", "money"))


# -- shared helpers ----------------------------------------------------------------------------

def _code_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of account codes: 770.9 before 770.10."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))


def _decimals(book: Book) -> int:
    d = book.settings.decimals(book.base)
    return 2 if d is None else d


def _postings(book: Book, *, begin: date | None = None, end: date | None = None,
              skip: Iterable[str] = (), base: pl.DataFrame | None = None) -> pl.DataFrame:
    """The general ledger (or `base`, a part of it) in [begin, end) without entries that have field
    errors or are in `skip`."""
    p = book.ledger() if base is None else base
    if begin is not None:
        p = p.filter(pl.col("date") >= begin)
    if end is not None:
        p = p.filter(pl.col("date") < end)
    left_out = set(book.broken_entries) | set(skip)
    if left_out:
        p = p.filter(~pl.col("entry_id").is_in(pl.Series(sorted(left_out), dtype=pl.String).implode()))
    return p


def _tagged(tag: str) -> pl.Expr:
    return pl.col("tags").fill_null("").str.split(",").list.contains(tag)


def closing_entries(book: Book) -> set[str]:
    """Ids of the year-end closing chain, which moves the year's result out of income and expense.

    Either an entry tagged `closing` (written by hand), or one that `kebir close` generated (tag
    `close`) on the last day of a fiscal year and that posts to income, expense and equity accounts
    only: the 7/A reflection, the income statement into 690, 690/691 into 692, 692 into 590/591,
    or (IFRS) everything into retained earnings. The corporate tax provision (691 against the
    liability 370), depreciation, FX revaluation and the VAT offset touch other accounts and stay.
    """
    e = book.ledger_entries()
    if e.is_empty():
        return set()
    month, dom = (int(x) for x in book.settings.fiscal_year_start.split("-"))
    next_day = pl.col("date") + pl.duration(days=1)
    year_end = (next_day.dt.month() == month) & (next_day.dt.day() == dom)
    manual = set(e.filter(_tagged(CLOSING_TAG))["id"].to_list())
    generated = e.filter(_tagged(CLOSE_TAG) & year_end)["id"]
    if generated.is_empty():
        return manual
    types = pl.DataFrame({"account": list(book.accounts), "type": [a.type for a in book.accounts.values()]},
                         schema={"account": pl.String, "type": pl.String})
    legs = (book.ledger().filter(pl.col("entry_id").is_in(generated.implode()))
            .join(types, on="account", how="left")
            .group_by("entry_id").agg(chain=pl.col("type").is_in(sorted(CHAIN_TYPES)).fill_null(False).all()))
    return manual | set(legs.filter(pl.col("chain"))["entry_id"].to_list())


def _daily(p: pl.DataFrame) -> pl.DataFrame:
    """Postings summed per account and day: every column of a statement is a date range of these,
    so a year of monthly columns filters a few thousand rows instead of the whole ledger again."""
    return p.lazy().group_by("account", "date").agg(pl.col("base").sum()).collect()   # lazy: 3x faster


def _between(daily: pl.DataFrame, begin: date | None, end: date | None) -> pl.DataFrame:
    if begin is not None:
        daily = daily.filter(pl.col("date") >= begin)
    if end is not None:
        daily = daily.filter(pl.col("date") < end)
    return daily


def _balances(p: pl.DataFrame) -> dict[str, int]:
    """Debit-positive balance per account in base minor units."""
    sums = p.group_by("account").agg(pl.col("base").sum()).sort("account")
    return {acc: int(b) for acc, b in sums.iter_rows()}


def fiscal_year_begin(book: Book, day: date) -> date:
    """First day of the fiscal year that contains `day` (books.toml fiscal_year_start, MM-DD)."""
    month, dom = (int(x) for x in book.settings.fiscal_year_start.split("-"))
    start = date(day.year, month, dom)
    return start if day >= start else date(day.year - 1, month, dom)


class _Chart:
    """The chart as a tree: children per account, levels, and each account's section type."""

    def __init__(self, book: Book) -> None:
        self.accounts = book.accounts
        self.children: dict[str | None, list[str]] = {}
        for code, acc in book.accounts.items():
            parent = acc.parent if acc.parent in book.accounts else None
            self.children.setdefault(parent, []).append(code)
        for kids in self.children.values():
            kids.sort(key=_code_key)

    def rows(self, section: str, types: frozenset[str], balances: Sequence[dict[str, int]], sign: int,
             depth: int | None, dec: int) -> tuple[list[tuple[Any, ...]], list[int]]:
        """Rows of one section, one amount per column of `balances`, and the section's total per
        column (presented sign, minor units).

        A group shows the sum of the accounts of this section under it; accounts and groups with
        nothing but zero balances under them, in every column, are left out.
        """
        n = len(balances)
        totals: dict[str, list[int]] = {}
        shown: dict[str, bool] = {}

        def walk(code: str) -> None:
            acc = self.accounts[code]
            total = [b.get(code, 0) for b in balances] if acc.type in types else [0] * n
            any_nonzero = any(total)
            for kid in self.children.get(code, ()):
                walk(kid)
                total = [a + b for a, b in zip(total, totals[kid])]
                any_nonzero = any_nonzero or shown[kid]
            totals[code], shown[code] = total, any_nonzero

        for root in self.children.get(None, ()):
            walk(root)
        out: list[tuple[Any, ...]] = []

        def emit(code: str, level: int) -> None:
            if not shown[code] or (depth is not None and level > depth):
                return
            out.append((section, level, code, self.accounts[code].name,
                        *(from_minor(sign * v, dec) for v in totals[code])))
            for kid in self.children.get(code, ()):
                emit(kid, level + 1)

        for root in self.children.get(None, ()):
            emit(root, 1)
        grand = [sign * sum(totals[r][i] for r in self.children.get(None, ())) for i in range(n)]
        return out, grand


def _check_depth(depth: int | None) -> None:
    if depth is not None and depth < 1:
        raise ValueError(f"depth must be 1 or more (1: top-level groups only), not {depth}")


def _amount_columns(keys: Sequence[str], titles: Sequence[str]) -> tuple[Column, ...]:
    """One money column `amount` for a single period, else one per key (2025-01, 2025Q1 ... or
    amount and previous for --compare), titled with what it covers."""
    if len(keys) == 1:
        return COLUMNS
    return (*COLUMNS[:4], *(Column(k, t, "money") for k, t in zip(keys, titles)))


def _line(section: str, name: str, values: Sequence[int], dec: int, level: int = 0, account: str = "") -> tuple:
    return (section, level, account, name, *(from_minor(v, dec) for v in values))


# -- balance sheet -----------------------------------------------------------------------------

def build_balance_sheet(book: Book, as_of: date | Sequence[tuple[str, date]], *, depth: int | None = None,
                        scope: Scope = Scope()) -> Table:
    """Assets, liabilities and equity at the end of `as_of` (inclusive), grouped by the chart.

    Equity includes the result not yet closed: income minus expense of the current fiscal year
    and, when a former year was never closed, that year's result on a line of its own.

    Args:
        as_of: a day, or (label, day) pairs for side-by-side columns (-M/-Q/-Y, --compare).
        depth: how many chart levels to show (1: top-level groups only); None shows all.
        scope: only some accounts (as hledger's account query) or one location.
    """
    _check_depth(depth)
    cols = [("amount", as_of)] if isinstance(as_of, date) else list(as_of)
    dec = _decimals(book)
    daily = _daily(_postings(book, base=scope.postings(book)))
    balances, current, fy_begins = [], [], []
    for _label, day in cols:
        end = day + timedelta(days=1)
        fy_begins.append(fiscal_year_begin(book, day))
        balances.append(_balances(_between(daily, None, end)))
        current.append(_balances(_between(daily, fy_begins[-1], end)))
    chart = _Chart(book)

    assets, ta = chart.rows("Assets", ASSET_TYPES, balances, 1, depth, dec)
    liabilities, tl = chart.rows("Liabilities", frozenset({"liability"}), balances, -1, depth, dec)
    equity, te = chart.rows("Equity", frozenset({"equity"}), balances, -1, depth, dec)

    def result_of(bal: dict[str, int]) -> int:   # income - expense, credit-positive
        return -sum(v for k, v in bal.items() if k in book.accounts and book.accounts[k].type in RESULT_TYPES)

    result_total = [result_of(b) for b in balances]
    result_year = [result_of(c) for c in current]
    result_earlier = [t - y for t, y in zip(result_total, result_year)]
    single = len(cols) == 1
    fy_label = str(fy_begins[0]) if single or len(set(fy_begins)) == 1 else "the fiscal year start"
    day_label = str(cols[0][1]) if single else "each column's date"
    if any(result_earlier):
        equity.append(_line("Equity", f"Net result of years before {fy_label}, not yet closed", result_earlier, dec, 1))
    equity.append(_line("Equity", f"Net result {fy_label} .. {day_label}, not yet closed", result_year, dec, 1))
    te = [a + b for a, b in zip(te, result_total)]

    unknown = sorted({k for b in balances for k, v in b.items() if k not in book.accounts and v}, key=_code_key)
    unclassified = [_line("Unclassified", "?", [b.get(k, 0) for b in balances], dec, 1, k) for k in unknown]
    cash = [sum(v for k, v in b.items() if k in book.accounts and book.accounts[k].type in CASH_TYPES)
            for b in balances]
    rows: list[tuple[Any, ...]] = [
        *assets, _line("Assets", "Total assets", ta, dec),
        *liabilities, _line("Liabilities", "Total liabilities", tl, dec),
        *equity, _line("Equity", "Total equity", te, dec),
        _line("Liabilities and equity", "Total liabilities and equity", [a + b for a, b in zip(tl, te)], dec),
        *unclassified,
    ]
    per_column = [{
        "column": label, "as_of": str(day), "fiscal_year_begin": str(fy),
        "assets": from_minor(a, dec), "liabilities": from_minor(li, dec), "equity": from_minor(e, dec),
        "result": from_minor(r, dec), "cash": from_minor(c, dec),
        "difference": from_minor(a - li - e, dec), "balanced": a == li + e,
    } for (label, day), fy, a, li, e, r, c in zip(cols, fy_begins, ta, tl, te, result_total, cash)]
    meta: dict[str, Any] = {"currency": book.base, "company": book.settings.name, "depth": depth,
                            **scope.meta(), "unclassified": unknown}
    if single:
        meta |= {k: v for k, v in per_column[0].items() if k != "column"}
    else:
        meta |= {"balanced": all(c["balanced"] for c in per_column), "columns": per_column}
    days = [day for _, day in cols]
    said = [day_text(d) for d in days]
    title = (f"Balance sheet at {said[0]}" if single else
             f"Balance sheet, {said[0]} - {said[-1]}" if days == sorted(days) else
             f"Balance sheet at {said[0]}, compared with {', '.join(said[1:])}")
    return Table("balance-sheet", title, _amount_columns([c[0] for c in cols], [str(d) for d in days]),
                 tuple(rows), None, meta)


# -- income statement --------------------------------------------------------------------------

def build_income_statement(book: Book, span: Span | Sequence[tuple[str, Span]] | None = None, *,
                           depth: int | None = None, include_closing: bool = False,
                           scope: Scope = Scope()) -> Table:
    """Income, then expenses, then the net result (income - expenses) over `span`.

    Income and expenses are both shown positive, as a person reads them; a contra account
    (sales returns) is negative within its section. The year-end closing chain is left out
    (`closing_entries`) unless `include_closing`. `span` may be (label, span) pairs for
    side-by-side columns. Under the 7/A chart, 7-class costs are shown on their reflection targets
    (core/reports/reflection.py).
    """
    _check_depth(depth)
    cols = [("amount", span or Span())] if span is None or isinstance(span, Span) else list(span)
    dec = _decimals(book)
    skip = set() if include_closing else closing_entries(book)
    daily = _daily(_postings(book, skip=skip, base=scope.postings(book)))
    # 7/A books: costs booked in 760/770/780 stand on 631/632/660 before the year-end reflection
    balances = [reflect_balances(book, _balances(_between(daily, s.begin, s.end))) for _, s in cols]
    chart = _Chart(book)
    income, ti = chart.rows("Income", frozenset({"income"}), balances, -1, depth, dec)
    expenses, tx = chart.rows("Expenses", frozenset({"expense"}), balances, 1, depth, dec)
    result = [i - x for i, x in zip(ti, tx)]
    rows: list[tuple[Any, ...]] = [
        *income, _line("Income", "Total income", ti, dec),
        *expenses, _line("Expenses", "Total expenses", tx, dec),
        _line("Result", "Net result (income - expenses)", result, dec),
    ]
    spans = [s for _, s in cols]
    contiguous = all(a.end == b.begin for a, b in zip(spans, spans[1:]))
    whole = Span(spans[0].begin, spans[-1].end) if contiguous else spans[0]
    meta: dict[str, Any] = {"currency": book.base, "company": book.settings.name, "depth": depth, **scope.meta()}
    if len(cols) == 1:
        meta |= {"begin": str(whole.begin or ""), "end": str(whole.end or ""),
                 "income": from_minor(ti[0], dec), "expenses": from_minor(tx[0], dec),
                 "result": from_minor(result[0], dec)}
    else:
        meta["columns"] = [{"column": label, "begin": str(s.begin or ""), "end": str(s.end or ""),
                            "income": from_minor(i, dec), "expenses": from_minor(x, dec),
                            "result": from_minor(i - x, dec)} for (label, s), i, x in zip(cols, ti, tx)]
    meta["closing_left_out"] = sorted({i for _, s in cols for i in _in_span(book, skip, s)})
    title = f"Income statement, {whole.label()}"
    if not contiguous:
        title += ", compared with " + ", ".join(short_label(s) for s in spans[1:])
    return Table("income-statement", title, _amount_columns([c[0] for c in cols], [short_label(s) for s in spans]),
                 tuple(rows), None, meta)


def _in_span(book: Book, ids: set[str], span: Span) -> list[str]:
    """Those of `ids` dated in `span`, sorted (what a report left out, for the reader)."""
    if not ids:
        return []
    e = book.ledger_entries().filter(pl.col("id").is_in(pl.Series(sorted(ids), dtype=pl.String).implode()))
    if span.begin is not None:
        e = e.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        e = e.filter(pl.col("date") < span.end)
    return sorted(e["id"].to_list())


# -- monthly series ----------------------------------------------------------------------------

def monthly_series(book: Book, year: int) -> dict[str, Any]:
    """Per month of fiscal year `year` (beginning on fiscal_year_start in `year`): revenue, expense,
    margin (revenue - expense) and the cash and bank balance at the month's end, all Decimal.
    `cash_opening` is the cash at the year's start, opening entries of the year (core/ledger/opening.py)
    included.

    Revenue and expense leave out the year-end closing chain, as the income statement does; the
    cash balance includes everything before the year.
    """
    dec = _decimals(book)
    month, dom = (int(x) for x in book.settings.fiscal_year_start.split("-"))
    fy = date(year, month, dom)
    starts = [add_months(fy, i) for i in range(13)]
    types = pl.DataFrame({"account": list(book.accounts), "type": [a.type for a in book.accounts.values()]},
                         schema={"account": pl.String, "type": pl.String})

    def per_month(p: pl.DataFrame) -> pl.DataFrame:
        idx = pl.lit(-1, dtype=pl.Int32)
        for i in range(13):            # the outermost test is the latest boundary: the last one passed wins
            idx = pl.when(pl.col("date") >= starts[i]).then(pl.lit(i, dtype=pl.Int32)).otherwise(idx)
        return (p.with_columns(month=idx).join(types, on="account", how="left")
                .group_by("month", "type").agg(pl.col("base").sum()).sort("month", "type"))

    flows = per_month(_postings(book, begin=starts[0], end=starts[12], skip=closing_entries(book)))
    revenue, expense = [0] * 12, [0] * 12
    for m, typ, base in flows.iter_rows():
        if typ == "income":
            revenue[m] -= int(base)
        elif typ == "expense":
            expense[m] += int(base)
    cash_p = _postings(book, end=starts[12]).join(types, on="account", how="left").filter(
        pl.col("type").is_in(sorted(CASH_TYPES)))
    brought_forward, cash_p = split_opening(cash_p, opening_entries(book))   # balances, not January's moves
    opening = int(cash_p.filter(pl.col("date") < starts[0])["base"].sum() or 0)
    opening += int(brought_forward.filter(pl.col("date") < starts[12])["base"].sum() or 0)
    moves = [0] * 12
    for m, _typ, base in per_month(cash_p.filter(pl.col("date") >= starts[0]).drop("type")).iter_rows():
        moves[m] += int(base)
    cash, running = [], opening
    for mv in moves:
        running += mv
        cash.append(running)
    return {
        "year": year, "currency": book.base, "begin": str(starts[0]), "end": str(starts[12]),
        "months": [f"{s.year}-{s.month:02d}" for s in starts[:12]],
        "revenue": [from_minor(v, dec) for v in revenue],
        "expense": [from_minor(v, dec) for v in expense],
        "margin": [from_minor(r - x, dec) for r, x in zip(revenue, expense)],
        "cash": [from_minor(v, dec) for v in cash],
        "cash_opening": from_minor(opening, dec),
    }

