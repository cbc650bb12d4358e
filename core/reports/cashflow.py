"""Cash flow statement, indirect method: from the net result to the change in cash.

Every posting balances, so over any span the change in the cash and bank accounts equals minus the
change in all the other accounts. The statement shows exactly that sum, grouped the way a reader
expects:

- Operating activities: the net result (income - expenses), then adjustments for non-cash items
  (depreciation: the accumulated depreciation accounts), then the change in working capital
  (receivables, stock, VAT, payables ...), one line per top-level chart group;
- Investing activities: fixed assets, financial investments;
- Financing activities: borrowings and equity;
- the effect of exchange-rate changes on cash: revaluation postings on cash accounts, which change
  the base value of foreign-currency cash without any money moving (amount 0, base not 0);
- net change in cash, cash at the beginning and at the end.

A balance-sheet account's line is minus its change (an increase in receivables uses cash; an
increase in payables provides it). Which activity an account belongs to goes by code prefix, the
longest match winning: `[cash_flow]` in books.toml (`investing`, `financing`, `non_cash`, lists of
prefixes), else the defaults for the chart (TDHP and ifrs-small below; other charts: equity is financing
and everything else operating). The year-end closing chain is left out: it moves the result between
income, expense and equity and never touches cash. Opening entries (core/ledger/opening.py) dated in the
span are balances brought forward, not flows: their cash postings are in the cash at the beginning
and the rest of them are left out (the fixed assets and the accumulated depreciation brought forward
are neither investing nor a non-cash item of the period).

The statement reconciles by construction; `meta.reconciled` checks it independently against the
cash accounts' own balances, so a wrong classification can never hide a difference.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.ledger.opening import opening_entries, split_opening
from core.ledger.period import Span
from core.reports import Scope, Table
from core.reports.statements import (
    CASH_TYPES,
    COLUMNS,
    RESULT_TYPES,
    _code_key,
    _decimals,
    _postings,
    closing_entries,
)

# TDHP (Tekdüzen Hesap Planı): 11 securities, 24 financial fixed assets, 25 tangible, 26 intangible,
# 27 depletable assets are investing; 257/268/278 accumulated depreciation and amortisation are
# non-cash; 30 and 40 bank loans and 5 equity are financing.
TDHP = {"investing": ("11", "24", "25", "26", "27"), "non_cash": ("257", "268", "278"),
        "financing": ("30", "40", "5")}
# ifrs-small (core/books/charts.py): 15xx property, plant and equipment and 16xx intangibles are
# investing; 1590/1690 accumulated depreciation and amortisation are non-cash; 21xx borrowings and
# 3xxx equity are financing.
IFRS_SMALL = {"investing": ("15", "16"), "non_cash": ("1590", "1690"), "financing": ("21", "3")}
ACTIVITIES = ("operating", "investing", "financing")


def classifier(book: Book) -> dict[str, tuple[str, ...]]:
    """Prefixes per class (investing, financing, non_cash): books.toml [cash_flow], else the chart's."""
    flow = book.settings.cash_flow
    configured = {"investing": flow.investing, "financing": flow.financing, "non_cash": flow.non_cash}
    if any(configured.values()):
        return configured
    if book.settings.chart == "tr-tdhp" or "590" in book.accounts or "690" in book.accounts:
        return dict(TDHP)
    if book.settings.chart == "ifrs-small":
        return dict(IFRS_SMALL)
    return {"investing": (), "financing": (), "non_cash": ()}


def _class_of(code: str, typ: str | None, prefixes: dict[str, tuple[str, ...]], by_type: bool) -> str:
    best, kind = -1, "operating"
    for k, ps in prefixes.items():
        for p in ps:
            if code.startswith(p) and len(p) > best:
                best, kind = len(p), k
    if best < 0 and by_type and typ == "equity":
        return "financing"
    return kind


def _top(book: Book, code: str) -> str:
    """The top-level chart group of an account (itself when it has no parent in the chart)."""
    seen = set()
    while code in book.accounts and book.accounts[code].parent in book.accounts and code not in seen:
        seen.add(code)
        code = book.accounts[code].parent or code
    return code


def build_cash_flow(book: Book, span: Span, *, scope: Scope = Scope()) -> Table:
    """The cash flow statement over [span.begin, span.end), indirect method (see the module doc)."""
    if span.begin is None or span.end is None:
        raise ValueError("the cash flow needs a bounded period: give -p or -b and -e")
    dec = _decimals(book)
    everything = scope.postings(book)
    p = _postings(book, begin=span.begin, end=span.end, skip=closing_entries(book), base=everything)
    brought_forward, p = split_opening(p, opening_entries(book))
    types = {c: a.type for c, a in book.accounts.items()}
    cash_codes = sorted(c for c, t in types.items() if t in CASH_TYPES)
    is_cash = pl.col("account").is_in(pl.Series(cash_codes, dtype=pl.String).implode())
    revaluation = is_cash & (pl.col("amount") == 0) & (pl.col("base") != 0)
    fx_effect = int(p.filter(revaluation)["base"].sum() or 0)
    sums = p.filter(~is_cash).group_by("account").agg(pl.col("base").sum())
    prefixes = classifier(book)
    by_type = not any(prefixes.values())

    result = 0
    lines: dict[str, dict[str, int]] = {k: {} for k in ("non_cash", *ACTIVITIES)}
    for code, base in sums.iter_rows():
        typ = types.get(code)
        if typ in RESULT_TYPES:
            result -= int(base)
            continue
        kind = _class_of(code, typ, prefixes, by_type)
        group = _top(book, code)
        lines[kind][group] = lines[kind].get(group, 0) - int(base)
    # The revaluation's other leg is an FX gain or loss inside the result: take it out of operating.
    operating_total = result - fx_effect + sum(lines["non_cash"].values()) + sum(lines["operating"].values())
    investing_total = sum(lines["investing"].values())
    financing_total = sum(lines["financing"].values())
    net = operating_total + investing_total + financing_total + fx_effect

    before = _postings(book, end=span.begin, base=everything).filter(is_cash)["base"].sum() or 0
    before += brought_forward.filter(is_cash)["base"].sum() or 0
    within = p.filter(is_cash)["base"].sum() or 0
    opening, closing = int(before), int(before) + int(within)

    def name(code: str) -> str:
        acc = book.accounts.get(code)
        return acc.name if acc else "?"

    def group_rows(section: str, kind: str, level: int = 2) -> list[tuple[Any, ...]]:
        return [(section, level, code, name(code), from_minor(v, dec))
                for code, v in sorted(lines[kind].items(), key=lambda kv: _code_key(kv[0])) if v]

    op = "Operating activities"
    rows: list[tuple[Any, ...]] = [(op, 1, "", "Net result (income - expenses)", from_minor(result, dec))]
    if fx_effect:
        rows.append((op, 1, "", "Less unrealised exchange differences on cash", from_minor(-fx_effect, dec)))
    if any(lines["non_cash"].values()):
        rows.append((op, 1, "", "Adjustments for non-cash items", from_minor(sum(lines["non_cash"].values()), dec)))
        rows += group_rows(op, "non_cash")
    rows.append((op, 1, "", "Changes in working capital", from_minor(sum(lines["operating"].values()), dec)))
    rows += group_rows(op, "operating")
    rows.append((op, 0, "", "Net cash from operating activities", from_minor(operating_total, dec)))
    rows += group_rows("Investing activities", "investing", 1)
    rows.append(("Investing activities", 0, "", "Net cash from investing activities", from_minor(investing_total, dec)))
    rows += group_rows("Financing activities", "financing", 1)
    rows.append(("Financing activities", 0, "", "Net cash from financing activities", from_minor(financing_total, dec)))
    cash = "Cash"
    if fx_effect:
        rows.append((cash, 1, "", "Effect of exchange-rate changes on cash", from_minor(fx_effect, dec)))
    rows += [(cash, 0, "", "Net change in cash", from_minor(net, dec)),
             (cash, 1, "", f"Cash at {span.begin}", from_minor(opening, dec)),
             (cash, 0, "", f"Cash at {date.fromordinal(span.end.toordinal() - 1)}", from_minor(closing, dec))]
    meta: dict[str, Any] = {
        "currency": book.base, "company": book.settings.name, "begin": str(span.begin), "end": str(span.end),
        **scope.meta(), "result": from_minor(result, dec), "operating": from_minor(operating_total, dec),
        "investing": from_minor(investing_total, dec), "financing": from_minor(financing_total, dec),
        "fx_effect": from_minor(fx_effect, dec), "net_change": from_minor(net, dec),
        "cash_begin": from_minor(opening, dec), "cash_end": from_minor(closing, dec),
        "difference": from_minor(net - (closing - opening), dec), "reconciled": net == closing - opening,
        "cash_accounts": cash_codes,
    }
    return Table("cash-flow", f"Cash flow statement, {span.label()}", COLUMNS, tuple(rows), None, meta)
