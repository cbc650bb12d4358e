"""Statements as they are filed: the trial balance at the chart's levels (and as a Turkish mizan),
the income statement in the order of the uniform chart's class 6 (or by function under IFRS), and
the balance sheet split into current and non-current assets and short- and long-term liabilities.

Everything here works from account balances (integer minor units per account code), so a step
that moves balances before a statement is drawn (the 7/A reflection of 760/770/780 before year
end) composes with it. Lines are found by the account code:

- tr-tdhp: the class (first digit) and group (first two digits) of the uniform chart. In the
  income statement 60 gross sales, 61 deductions, 62 cost of sales, 63 operating expenses,
  64/65 other ordinary income and expenses, 66 finance costs, 67/68 extraordinary items, 691 tax;
  the cost accounts of option 7/A count where they are reflected (72, 73, 74 cost of sales; 75, 76, 77
  operating expenses; 78 finance costs), so the statement is the same before and after the year-end
  reflection (760 debit, 761 credit and 631 debit net to the one expense). In the balance sheet
  classes 1 and 2 are current and non-current assets, 3 and 4 short- and long-term liabilities,
  5 equity.
- ifrs-small: 4xxx revenue (409x other income, 41xx finance income), 5xxx cost of sales, 6xxx
  operating expenses, 7xxx finance costs, 8xxx tax; assets below 1500 are current, the liabilities
  in `charts.IFRS_LONG_TERM` long-term.

Amounts in the income statement are credit-positive throughout (income positive, expenses and
deductions negative, marked "(-)"), so each subtotal is the plain sum of the lines above it. All
words come from core/model/i18n.py; the `line` column holds a stable id for scripts in every language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from core.ledger.opening import is_opening, opening_entries
from core.books.charts import IFRS_LONG_TERM, IFRS_NON_CURRENT_FROM, TDHP_CLASSES, TDHP_GROUPS
from core.model.i18n import column_text, day_text, text
from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span
from core.reports import Column, Scope, Table
from core.reports.statements import (
    CASH_TYPES,
    RESULT_TYPES,
    _balances,
    _between,
    _check_depth,
    _code_key,
    _daily,
    _decimals,
    _in_span,
    _postings,
    closing_entries,
    fiscal_year_begin,
)

LAYOUTS = ("tdhp", "ifrs")
_TDHP_CODE = re.compile(r"\d{3}(\..+)?")


def layout_of(book: Book) -> str | None:
    """The filed layout of the books' chart: tdhp, ifrs, or None for a custom chart."""
    return {"tr-tdhp": "tdhp", "ifrs-small": "ifrs"}.get(book.settings.chart)


# -- the chart's levels ------------------------------------------------------------------------

def account_path(book: Book, code: str, *, classes: bool = True) -> tuple[str, ...]:
    """The levels above and including `code`, outermost first.

    Uniform-chart codes: class, group, ledger account, sub-accounts (7, 77, 770, 770.01); without
    `classes` from the ledger account down. Other charts: the chain of parents in the chart.
    """
    if book.settings.chart != "ifrs-small" and _TDHP_CODE.fullmatch(code):
        segs = code.split(".")
        chain = tuple(".".join(segs[:i + 1]) for i in range(len(segs)))
        return ((code[0], code[:2]) if classes else ()) + chain
    chain, seen, c = [], set(), code
    while c is not None and c not in seen:
        seen.add(c)
        chain.append(c)
        acc = book.accounts.get(c)
        c = acc.parent if acc is not None and acc.parent in book.accounts else None
    return tuple(reversed(chain))


def node_name(book: Book, node: str) -> str:
    if node in book.accounts:
        return book.accounts[node].name
    if node.isdigit() and len(node) == 1:
        return TDHP_CLASSES.get(node, "")
    if node.isdigit() and len(node) == 2:
        return TDHP_GROUPS.get(node, "")
    return ""


def tree(book: Book, leaves: dict[str, list[int]], path: Callable[[str], tuple[str, ...]],
         depth: int | None, first_level: int = 1) -> list[tuple[int, str, str, list[int]]]:
    """(level, code, name, summed vector) for every level above the leaves and the leaves, in the
    chart's order, down to `depth`; parts with nothing but zeros are left out."""
    if not leaves:
        return []
    width = len(next(iter(leaves.values())))
    sums: dict[str, list[int]] = {}
    kids: dict[str | None, set[str]] = {}
    for code, vec in leaves.items():
        if not any(vec):
            continue
        parent: str | None = None
        for node in path(code):
            kids.setdefault(parent, set()).add(node)
            acc = sums.setdefault(node, [0] * width)
            for i, v in enumerate(vec):
                acc[i] += v
            parent = node
    out: list[tuple[int, str, str, list[int]]] = []

    def emit(node: str, level: int) -> None:
        if depth is not None and level > depth:
            return
        out.append((level, node, node_name(book, node), sums[node]))
        for kid in sorted(kids.get(node, ()), key=_code_key):
            emit(kid, level + 1)

    for root in sorted(kids.get(None, ()), key=_code_key):
        emit(root, first_level)
    return out


# -- trial balance -----------------------------------------------------------------------------

def build_trial_balance_levels(book: Book, span: Span = Span(), *, depth: int | None = None,
                               layout: str = "balances", historical: bool = False,
                               account_prefix: str | None = None, lang: str = "en") -> Table:
    """The trial balance with a row for every level of the chart above the accounts, each the sum of
    what is under it (uniform chart: class, group, ledger account, sub-accounts), down to `depth`.

    layout `balances`: debit, credit and balance over the span (`historical`: from the beginning).
    layout `mizan`: opening balance (everything before the span), the period's debits and credits,
    and the closing balance, each balance on its side (debit or credit). Totals add up the posting
    accounts, so they are the same at every depth.
    """
    _check_depth(depth)
    if layout not in ("balances", "mizan"):
        raise ValueError(f"--layout for the trial balance takes balances or mizan, not {layout!r}")
    p = _postings(book)
    if account_prefix:
        p = p.filter(pl.col("account").str.starts_with(account_prefix))
    if span.end is not None:
        p = p.filter(pl.col("date") < span.end)
    mizan = layout == "mizan"
    before = pl.col("date") < span.begin if span.begin is not None else pl.lit(False)
    if mizan and (ids := opening_entries(book)):
        before = before | is_opening(ids)      # balances brought forward open the mizan, inside the span too
    if not mizan and historical:
        before = pl.lit(False)
    sums = (p.lazy().select(
        "account",
        opening=pl.when(before).then(pl.col("base")).otherwise(0),
        debit=pl.when(before).then(0).otherwise(pl.col("base").clip(lower_bound=0)),
        credit=pl.when(before).then(0).otherwise((-pl.col("base")).clip(lower_bound=0)))
        .group_by("account").sum().sort("account").collect())
    if not mizan:
        sums = sums.drop("opening")
    leaves = {row[0]: [int(v) for v in row[1:]] for row in sums.iter_rows()}
    dec = _decimals(book)

    def m(v: int) -> Any:
        return from_minor(v, dec)

    def shown(vec: list[int]) -> tuple[Any, ...]:
        if not mizan:
            dr, cr = vec
            return m(dr), m(cr), m(dr - cr)
        op, dr, cr = vec
        close = op + dr - cr
        return m(max(op, 0)), m(max(-op, 0)), m(dr), m(cr), m(max(close, 0)), m(max(-close, 0))

    rows = [(level, code, name, *shown(vec))
            for level, code, name, vec in tree(book, leaves, lambda c: account_path(book, c), depth)]
    totals_vec = [sum(v[i] for v in leaves.values()) for i in range(2 + mizan)]
    if mizan:   # balances summed per account on their side, not netted
        op_dr = sum(max(v[0], 0) for v in leaves.values())
        op_cr = sum(max(-v[0], 0) for v in leaves.values())
        cl = [v[0] + v[1] - v[2] for v in leaves.values()]
        totals = (m(op_dr), m(op_cr), m(totals_vec[1]), m(totals_vec[2]),
                  m(sum(max(c, 0) for c in cl)), m(sum(max(-c, 0) for c in cl)))
        balanced = op_dr == op_cr and totals_vec[1] == totals_vec[2]
    else:
        totals = shown(totals_vec)
        balanced = totals_vec[0] == totals_vec[1]
    keys = (("opening_debit", "opening_credit", "debit", "credit", "debit_balance", "credit_balance") if mizan
            else ("debit", "credit", "balance"))
    cols = (Column("level", text("col.level", lang), "int"), Column("account", text("col.account", lang)),
            Column("name", text("col.name", lang)),
            *(Column(k, text(f"col.{k}" if k not in ("debit", "credit") or not mizan else f"col.period_{k}", lang),
                     "money") for k in keys))
    return Table("trial-balance", text("title.trial_balance", lang, period=span.label(lang)), cols, tuple(rows),
                 (None, text("total", lang), "", *totals),
                 {"currency": book.base, "company": book.settings.name, "balanced": balanced,
                  "begin": str(span.begin or ""), "end": str(span.end or ""), "layout": layout, "depth": depth,
                  "language": lang})


# -- income statement --------------------------------------------------------------------------

# (line id, catalogue key); a line id starting with "=" is a subtotal of everything above it.
TDHP_INCOME = (("gross_sales", "is.gross_sales"), ("sales_deductions", "is.sales_deductions"),
               ("=net_sales", "is.net_sales"), ("cost_of_sales", "is.cost_of_sales"),
               ("=gross_profit", "is.gross_profit"), ("operating_expenses", "is.operating_expenses"),
               ("=operating_profit", "is.operating_profit"), ("other_income", "is.other_income"),
               ("other_expenses", "is.other_expenses"), ("finance_costs", "is.finance_costs"),
               ("=ordinary_profit", "is.ordinary_profit"), ("extraordinary_income", "is.extraordinary_income"),
               ("extraordinary_expenses", "is.extraordinary_expenses"), ("unmapped", "is.unmapped"),
               ("=profit_before_tax", "is.profit_before_tax"), ("tax", "is.tax"), ("=net_profit", "is.net_profit"))
IFRS_INCOME = (("revenue", "is.revenue"), ("cost_of_sales", "is.cost_of_sales"), ("=gross_profit", "is.gross_profit"),
               ("other_income", "is.other_operating_income"), ("operating_expenses", "is.operating_expenses"),
               ("=operating_profit", "is.operating_profit"), ("finance_income", "is.finance_income"),
               ("finance_costs", "is.finance_costs"), ("unmapped", "is.unmapped"),
               ("=profit_before_tax", "is.profit_before_tax"), ("tax", "is.tax"), ("=net_profit", "is.profit"))
_TDHP_GROUP_LINE = {"60": "gross_sales", "61": "sales_deductions", "62": "cost_of_sales", "63": "operating_expenses",
                    "64": "other_income", "65": "other_expenses", "66": "finance_costs",
                    "67": "extraordinary_income", "68": "extraordinary_expenses", "72": "cost_of_sales",
                    "73": "cost_of_sales", "74": "cost_of_sales",
                    "75": "operating_expenses", "76": "operating_expenses", "77": "operating_expenses",
                    "78": "finance_costs"}


def income_line(layout: str, code: str) -> str:
    """The income statement line an income or expense account counts in."""
    if layout == "tdhp":
        if code.startswith("691"):
            return "tax"
        return _TDHP_GROUP_LINE.get(code[:2], "unmapped") if _TDHP_CODE.fullmatch(code) else "unmapped"
    if not (code[:4].isdigit() and len(code.split(".")[0]) == 4):
        return "unmapped"
    if code.startswith("41"):
        return "finance_income"
    if code.startswith("409"):
        return "other_income"
    return {"4": "revenue", "5": "cost_of_sales", "6": "operating_expenses", "7": "finance_costs",
            "8": "tax"}.get(code[0], "unmapped")


def build_income_statement_filed(book: Book, span: Span | Sequence[tuple[str, Span]] | None = None, *,
                                 layout: str | None = None, depth: int | None = None,
                                 include_closing: bool = False, scope: Scope = Scope(),
                                 lang: str = "en") -> Table:
    """The income statement as it is filed: TDHP class-6 order or IFRS by function (see module doc).

    depth 1 shows the lines only; 2 adds the ledger accounts under each line; None shows all.
    `span` may be (label, span) pairs for side-by-side columns (-M/-Q/-Y, --compare).
    """
    _check_depth(depth)
    layout = layout or layout_of(book)
    if layout not in LAYOUTS:
        raise ValueError(f"the filed layout needs a tr-tdhp or ifrs-small chart (or --layout tdhp|ifrs), "
                         f"not {layout!r}")
    cols = [("amount", span or Span())] if span is None or isinstance(span, Span) else list(span)
    dec = _decimals(book)
    skip = set() if include_closing else closing_entries(book)
    daily = _daily(_postings(book, skip=skip, base=scope.postings(book)))
    balances = [_balances(_between(daily, s.begin, s.end)) for _, s in cols]
    n = len(cols)
    result_accounts = sorted({k for b in balances for k in b if k in book.accounts
                              and book.accounts[k].type in RESULT_TYPES}, key=_code_key)
    per_line: dict[str, dict[str, list[int]]] = {}
    for code in result_accounts:
        per_line.setdefault(income_line(layout, code), {})[code] = [-b.get(code, 0) for b in balances]
    spec = TDHP_INCOME if layout == "tdhp" else IFRS_INCOME
    section = text("pack.income_statement", lang)
    rows: list[tuple[Any, ...]] = []
    running = [0] * n
    figures: list[dict[str, Any]] = [{} for _ in range(n)]
    for line, key in spec:
        if line.startswith("="):
            line = line[1:]
            values = list(running)
            level = 0
        else:
            accounts = per_line.get(line, {})
            values = [sum(v[i] for v in accounts.values()) for i in range(n)]
            if line == "unmapped" and not any(values):
                continue
            running = [a + b for a, b in zip(running, values)]
            level = 1
        rows.append((section, line, level, "", text(key, lang), *(from_minor(v, dec) for v in values)))
        for i, v in enumerate(values):
            figures[i][line] = from_minor(v, dec)
        if level == 1 and (depth is None or depth > 1):
            for lvl, code, name, vec in tree(book, per_line.get(line, {}),
                                             lambda c: account_path(book, c, classes=False), depth, 2):
                rows.append((section, line, lvl, code, name, *(from_minor(v, dec) for v in vec)))
    income = [-sum(b.get(k, 0) for k in result_accounts if book.accounts[k].type == "income") for b in balances]
    expenses = [sum(b.get(k, 0) for k in result_accounts if book.accounts[k].type == "expense") for b in balances]
    spans = [s for _, s in cols]
    contiguous = all(a.end == b.begin for a, b in zip(spans, spans[1:]))
    whole = Span(spans[0].begin, spans[-1].end) if contiguous else spans[0]
    meta: dict[str, Any] = {"currency": book.base, "company": book.settings.name, "depth": depth,
                            "layout": layout, "language": lang, **scope.meta()}
    if n == 1:
        meta |= {"begin": str(whole.begin or ""), "end": str(whole.end or ""),
                 "income": from_minor(income[0], dec), "expenses": from_minor(expenses[0], dec),
                 "result": from_minor(income[0] - expenses[0], dec), "lines": figures[0]}
    else:
        meta["columns"] = [{"column": label, "begin": str(s.begin or ""), "end": str(s.end or ""),
                            "income": from_minor(i, dec), "expenses": from_minor(x, dec),
                            "result": from_minor(i - x, dec), "lines": f}
                           for (label, s), i, x, f in zip(cols, income, expenses, figures)]
    meta["closing_left_out"] = sorted({i for _, s in cols for i in _in_span(book, skip, s)})
    if contiguous:
        title = text("title.income_statement", lang, period=whole.label(lang))
    else:
        title = text("title.income_statement_compare", lang, period=spans[0].label(lang),
                     others=", ".join(s.label(lang) for s in spans[1:]))
    columns = _columns(lang, [c[0] for c in cols], [column_text(s.begin, s.end, lang) for s in spans])
    return Table("income-statement", title, columns, tuple(rows), None, meta)


def _columns(lang: str, keys: Sequence[str], titles: Sequence[str]) -> tuple[Column, ...]:
    head = (Column("section", text("col.section", lang)), Column("line", text("col.line", lang)),
            Column("level", text("col.level", lang), "int"), Column("account", text("col.account", lang)),
            Column("name", text("col.name", lang)))
    if len(keys) == 1:
        return (*head, Column("amount", text("col.amount", lang), "money"))
    return (*head, *(Column(k, t, "money") for k, t in zip(keys, titles)))


# -- balance sheet -----------------------------------------------------------------------------

# (section id, catalogue key of its heading, of its total)
BS_SECTIONS = (("current_assets", "bs.current_assets", "bs.total_current_assets"),
               ("non_current_assets", "bs.non_current_assets", "bs.total_non_current_assets"),
               ("short_term", "bs.short_term", "bs.total_short_term"),
               ("long_term", "bs.long_term", "bs.total_long_term"),
               ("equity", "bs.equity", "bs.total_equity"))


def balance_section(layout: str, code: str) -> str | None:
    """current_assets | non_current_assets | short_term | long_term | equity, or None."""
    if layout == "tdhp":
        if not _TDHP_CODE.fullmatch(code):
            return None
        return {"1": "current_assets", "2": "non_current_assets", "3": "short_term", "4": "long_term",
                "5": "equity"}.get(code[0])
    head = code.split(".")[0]
    if not (head.isdigit() and len(head) == 4):
        return None
    if code[0] == "1":
        return "current_assets" if int(head) < IFRS_NON_CURRENT_FROM else "non_current_assets"
    if code[0] == "2":
        return "long_term" if code.startswith(IFRS_LONG_TERM) else "short_term"
    return "equity" if code[0] == "3" else None


def build_balance_sheet_filed(book: Book, as_of: date | Sequence[tuple[str, date]], *, layout: str | None = None,
                              depth: int | None = None, scope: Scope = Scope(), lang: str = "en") -> Table:
    """Current and non-current assets, short- and long-term liabilities and equity at the end of
    `as_of`, with their subtotals; the result not yet closed is a line in equity, so total assets
    equal total liabilities and equity exactly.

    depth 1 shows the groups (TDHP: 10 Hazır Değerler ...; IFRS: 1000 Cash ...); None shows all.
    """
    _check_depth(depth)
    layout = layout or layout_of(book)
    if layout not in LAYOUTS:
        raise ValueError(f"the filed layout needs a tr-tdhp or ifrs-small chart (or --layout tdhp|ifrs), "
                         f"not {layout!r}")
    cols = [("amount", as_of)] if isinstance(as_of, date) else list(as_of)
    n = len(cols)
    dec = _decimals(book)
    daily = _daily(_postings(book, base=scope.postings(book)))
    balances, current, fy_begins = [], [], []
    for _label, day in cols:
        end = day + timedelta(days=1)
        fy_begins.append(fiscal_year_begin(book, day))
        balances.append(_balances(_between(daily, None, end)))
        current.append(_balances(_between(daily, fy_begins[-1], end)))

    def is_result(code: str) -> bool:
        return code in book.accounts and book.accounts[code].type in RESULT_TYPES

    codes = sorted({k for b in balances for k, v in b.items() if v}, key=_code_key)
    per_section: dict[str | None, dict[str, list[int]]] = {}
    for code in codes:
        if is_result(code):
            continue
        sec = balance_section(layout, code)
        sign = 1 if sec in ("current_assets", "non_current_assets") else -1
        per_section.setdefault(sec, {})[code] = [sign * b.get(code, 0) for b in balances]

    def result_of(bal: dict[str, int]) -> int:
        return -sum(v for k, v in bal.items() if is_result(k))

    result_total = [result_of(b) for b in balances]
    result_year = [result_of(c) for c in current]
    result_earlier = [t - y for t, y in zip(result_total, result_year)]

    def m(values: Sequence[int]) -> list[Any]:
        return [from_minor(v, dec) for v in values]

    rows: list[tuple[Any, ...]] = []
    totals: dict[str, list[int]] = {}
    for sec, head_key, total_key in BS_SECTIONS:
        section = text(head_key, lang)
        accounts = per_section.get(sec, {})
        total = [sum(v[i] for v in accounts.values()) for i in range(n)]
        for lvl, code, name, vec in tree(book, accounts, lambda c: _bs_path(book, layout, c), depth):
            rows.append((section, sec, lvl, code, name, *m(vec)))
        if sec == "equity":
            if any(result_earlier):
                rows.append((section, "result_earlier", 1, "", text("bs.result_earlier", lang), *m(result_earlier)))
            rows.append((section, "result_year", 1, "", text("bs.result_year", lang), *m(result_year)))
            total = [a + b for a, b in zip(total, result_total)]
        totals[sec] = total
        rows.append((section, f"total_{sec}", 0, "", text(total_key, lang), *m(total)))
        if sec == "non_current_assets":
            ta = [a + b for a, b in zip(totals["current_assets"], total)]
            rows.append((section, "total_assets", 0, "", text("bs.total_assets", lang), *m(ta)))
        if sec == "long_term":
            tl = [a + b for a, b in zip(totals["short_term"], total)]
            rows.append((section, "total_liabilities", 0, "", text("bs.total_liabilities", lang), *m(tl)))
    ta = [a + b for a, b in zip(totals["current_assets"], totals["non_current_assets"])]
    tl = [a + b for a, b in zip(totals["short_term"], totals["long_term"])]
    te = totals["equity"]
    rows.append((text("bs.equity", lang), "total_liabilities_equity", 0, "",
                 text("bs.total_liabilities_equity", lang), *m([a + b for a, b in zip(tl, te)])))
    unknown = per_section.get(None, {})
    for code in sorted(unknown, key=_code_key):
        rows.append((text("bs.unclassified", lang), "unclassified", 1, code, node_name(book, code) or "?",
                     *m([b.get(code, 0) for b in balances])))
    cash = [sum(v for k, v in b.items() if k in book.accounts and book.accounts[k].type in CASH_TYPES)
            for b in balances]
    per_column = [{
        "column": label, "as_of": str(day), "fiscal_year_begin": str(fy),
        "current_assets": from_minor(ca, dec), "non_current_assets": from_minor(nca, dec),
        "short_term": from_minor(st, dec), "long_term": from_minor(lt, dec),
        "assets": from_minor(a, dec), "liabilities": from_minor(li, dec), "equity": from_minor(e, dec),
        "result": from_minor(r, dec), "cash": from_minor(c, dec),
        "difference": from_minor(a - li - e, dec), "balanced": a == li + e,
    } for (label, day), fy, ca, nca, st, lt, a, li, e, r, c in zip(
        cols, fy_begins, totals["current_assets"], totals["non_current_assets"], totals["short_term"],
        totals["long_term"], ta, tl, te, result_total, cash)]
    meta: dict[str, Any] = {"currency": book.base, "company": book.settings.name, "depth": depth, "layout": layout,
                            "language": lang, **scope.meta(), "unclassified": sorted(unknown, key=_code_key)}
    if n == 1:
        meta |= {k: v for k, v in per_column[0].items() if k != "column"}
    else:
        meta |= {"balanced": all(c["balanced"] for c in per_column), "columns": per_column}
    days = [day for _, day in cols]
    if n == 1:
        title = text("title.balance_sheet", lang, day=day_text(days[0], lang))
    elif days == sorted(days):
        title = text("title.balance_sheet_series", lang, first=day_text(days[0], lang), last=day_text(days[-1], lang))
    else:
        title = text("title.balance_sheet_compare", lang, day=day_text(days[0], lang),
                     others=", ".join(day_text(d, lang) for d in days[1:]))
    return Table("balance-sheet", title, _columns(lang, [c[0] for c in cols], [day_text(d, lang) for d in days]),
                 tuple(rows), None, meta)


def _bs_path(book: Book, layout: str, code: str) -> tuple[str, ...]:
    """Balance sheet levels: TDHP group, ledger account, sub-accounts (10, 102, 102.01); IFRS the
    chart's parents (1000, 1010)."""
    path = account_path(book, code)
    return path[1:] if layout == "tdhp" and _TDHP_CODE.fullmatch(code) else path
