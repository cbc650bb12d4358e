"""The entries a close generates: depreciation, disposals and recurring accruals and prepayments,
FX revaluation of monetary foreign-currency balances, the
VAT offset; at fiscal year end the closing chain to retained earnings (IFRS-style, or the Turkish
uniform chart's 7/A reflection, 690, 691/370, 692 and 590/591).

Each generator returns `GeneratedEntry`s with balanced legs in base minor units and writes
nothing; `with_generated` is the book as it will be once they are written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import polars as pl

from core.books import bulk
from core.books import cache
from core.books import parse
from core.erp import depreciation, recurring
from core.ledger.derived import Leg
from core.ledger.period import month_bounds
from core.ledger.posting import MissingRole, Roles
from core.model.money import round_half_up
from core.model.records import Book
from core.reports.tax_base import tax_base


@dataclass(frozen=True, slots=True)
class GeneratedEntry:
    id: str
    date: date
    memo: str
    legs: tuple[Leg, ...]
    tags: tuple[str, ...] = ("close",)


def balances(book: Book, until: date, by: tuple[str, ...] = ("account",), since: date | None = None) -> pl.DataFrame:
    p = book.ledger().filter(pl.col("date") <= until)
    if since is not None:
        p = p.filter(pl.col("date") >= since)
    return p.group_by(*by).agg(pl.col("base").sum(), pl.col("amount").sum()).sort(*by)


def _role(book: Book, role: str, fallback: str | None = None) -> str | None:
    return book.settings.role(role) or (book.settings.role(fallback) if fallback else None)



def fx_revaluation(book: Book, period: str) -> list[GeneratedEntry]:
    """Monetary foreign-currency balances at the period-end rate, each difference gross: a gain to
    `fx_revaluation_gain` (else `fx_gain`, TDHP 646), a loss to `fx_revaluation_loss` (else
    `fx_loss`, TDHP 656), one counter-leg per revalued item; gains and losses are never netted."""
    _, end = month_bounds(period)
    base = book.base
    bdec = book.settings.base_decimals
    # Monetary: cash and bank accounts, the AR/AP/advance control accounts and accounts pinned to a
    # foreign currency. Fixed assets, stock and VAT bought or sold in a currency are not revalued.
    controls = {book.settings.role(r) for r in ("receivable", "payable", "advances_received", "goods_received")}
    monetary = [c for c, a in book.accounts.items()
                if a.type in ("cash", "bank") or c in controls or (a.currency and a.currency != base)]
    bal = (book.ledger().filter((pl.col("date") <= end) & (pl.col("currency") != base)
                                & pl.col("account").is_in(monetary))
           .group_by("account", "currency", "contact").agg(pl.col("amount").sum(), pl.col("base").sum())
           .sort("account", "currency", "contact", nulls_last=True))
    gain = _role(book, "fx_revaluation_gain", "fx_gain")
    loss = _role(book, "fx_revaluation_loss", "fx_loss")
    legs: list[Leg] = []
    for acc, cur, contact, amount, booked in bal.iter_rows():
        rate = book.rate_on(cur, end)
        if rate is None or amount == 0 and booked == 0:
            continue
        dec = book.settings.decimals(cur) or 2
        value = int(round_half_up(Decimal(amount).scaleb(-dec) * Decimal(rate), bdec).scaleb(bdec))
        diff = value - booked
        if not diff:
            continue
        target = gain if diff > 0 else loss
        if target is None:
            return []                         # no account to post to: nothing is revalued
        item = f"{acc} {cur}" + (f" {contact}" if contact else "")
        legs.append(Leg(acc, diff, cur, 0, contact=contact, rate=rate, memo=f"{cur} at {rate} on {end}"))
        legs.append(Leg(target, -diff, memo=f"unrealized exchange {'gain' if diff > 0 else 'loss'}, {item}"))
    if not legs:
        return []
    return [GeneratedEntry("fx", end, f"FX revaluation {period}", tuple(legs))]


def vat_offset(book: Book, period: str) -> list[GeneratedEntry]:
    """Output VAT against input VAT (and last month's carry-forward): to VAT payable or carried forward."""
    _, end = month_bounds(period)
    outputs = sorted({c for r, c in book.settings.roles if r.startswith("vat_output:")})
    inputs = sorted({c for r, c in book.settings.roles if r.startswith("vat_input:")})
    carry = book.settings.role("vat_carry_forward")
    if not outputs or not inputs:
        return []
    bal = dict(balances(book, end).select("account", "base").iter_rows())
    legs: list[Leg] = []
    out_total = in_total = 0
    for code in outputs:
        b = bal.get(code, 0)          # a credit balance: negative
        if b:
            legs.append(Leg(code, -b, memo="output VAT offset"))
            out_total += -b
    for code in inputs + ([carry] if carry else []):
        b = bal.get(code, 0)
        if b:
            legs.append(Leg(code, -b, memo="input VAT offset"))
            in_total += b
    if not legs:
        return []
    diff = out_total - in_total
    if diff > 0:
        payable = book.settings.role("vat_payable")
        if payable is None:
            return []
        legs.append(Leg(payable, -diff, memo="VAT payable"))
    elif diff < 0:
        if carry is None:
            return []
        legs.append(Leg(carry, -diff, memo="VAT carried forward"))
    return [GeneratedEntry("vat", end, f"VAT offset {period}", tuple(legs), ("close", "vat-offset"))]


def periodic_entries(book: Book, period: str) -> list[GeneratedEntry]:
    """Depreciation, disposals of fixed assets and recurring accruals/prepayments (core.erp.assets,
    core.erp.recurring), from the records `load` read and checked."""
    begin, end = month_bounds(period)
    out: list[GeneratedEntry] = []
    method = book.settings.assets.method           # [assets] method: vuk | ifrs | None (core.erp.depreciation)
    legs = [leg for a in book.assets for leg in depreciation.depreciation_legs(a, period, method)]
    if legs:
        out.append(GeneratedEntry("dep", end, f"Depreciation {period}", tuple(legs)))
    roles = Roles(book)
    for a in book.assets:
        if a.disposed is not None and begin <= a.disposed <= end \
                and (legs := depreciation.disposal_legs(a, roles, method)):
            out.append(GeneratedEntry("disp", a.disposed, f"Disposal {a.id} {a.name}", tuple(legs)))
    legs = [leg for r in book.recurring for leg in recurring.recurring_legs(r, period)]
    if legs:
        out.append(GeneratedEntry("rec", end, f"Accruals and prepayments {period}", tuple(legs)))
    return out


def year_end_chain(book: Book, period: str, before: list[GeneratedEntry], kkeg: dict[str, int] | None = None
                   ) -> list[GeneratedEntry]:
    """The closing chain to retained earnings.

    IFRS-style (`chart` not tr-tdhp): every income and expense account to `retained_earnings`.
    Turkish uniform chart: 7/A cost accounts reflected (7xx -> 7x1 against 6xx by
    `[close.reflection]`), income statement accounts to 690, the tax provision (691 against 370
    at `corporate_tax_rate`), 690 and 691 to 692, and 692 to 590 (profit) or 591 (loss).
    """
    begin_year = _fiscal_year_start(book, period)
    _, end = month_bounds(period)
    bal = _with(balances(book, end, since=begin_year), before)
    income_expense = {c for c, a in book.accounts.items() if a.type in ("income", "expense")}
    if book.settings.chart != "tr-tdhp":
        legs = [Leg(c, -b, memo="close to retained earnings") for c, b in sorted(bal.items())
                if c in income_expense and b]
        if not legs:
            return []
        result = -sum(leg.base for leg in legs)
        legs.append(Leg(_need(book, "retained_earnings"), result, memo="result of the year"))
        return [GeneratedEntry("ye1", end, f"Year-end close {period[:4]}: result to retained earnings", tuple(legs))]
    return _tdhp_chain(book, period, bal, income_expense, end, kkeg or {})


def _need(book: Book, role: str) -> str:
    code = book.settings.role(role)
    if code is None:
        raise MissingRole(role)
    return code


def _fiscal_year_start(book: Book, period: str) -> date:
    m, d = (int(x) for x in book.settings.fiscal_year_start.split("-"))
    y = int(period[:4]) if int(period[5:7]) >= m else int(period[:4]) - 1
    return date(y, m, d)


def _with(bal: pl.DataFrame, entries: list[GeneratedEntry]) -> dict[str, int]:
    out = dict(bal.select("account", "base").iter_rows())
    for e in entries:
        for leg in e.legs:
            out[leg.account] = out.get(leg.account, 0) + leg.base
    return {k: v for k, v in out.items() if v}


def _tdhp_chain(book: Book, period: str, bal: dict[str, int], income_expense: set[str], end: date,
                kkeg: dict[str, int]) -> list[GeneratedEntry]:
    bal_before = dict(bal)
    entries: list[GeneratedEntry] = []
    # 1. 7/A reflection of what the quarters' reflections left.
    legs = reflection_legs(book, bal)
    if legs:
        entries.append(GeneratedEntry("ye1", end, f"7/A reflection {period[:4]}", tuple(legs)))
        bal = _apply(bal, legs)
    # 2. Close the income statement (6xx) into 690; 7xx against their 7x1 mirrors.
    legs = []
    mirrors = {m for m, _ in _reflection_map(book).values()}
    for c, b in sorted(bal.items()):
        if c.startswith("7") and (c in income_expense or c in mirrors) and b:
            legs.append(Leg(c, -b, memo="close 7/A against its reflection"))
    seven = sum(leg.base for leg in legs)
    if seven:                               # not reflected: reflect what is left into 690 directly
        legs.append(Leg(_need(book, "period_result"), -seven, memo="7/A not reflected"))
    six = [(c, b) for c, b in sorted(bal.items()) if c.startswith("6") and c in income_expense and b
           and not c.startswith("69")]
    legs += [Leg(c, -b, memo="close to 690") for c, b in six]
    result = -sum(b for _, b in six)          # > 0: profit (credit balance of 690)
    legs.append(Leg(_need(book, "period_result"), -result, memo="result of the period"))
    entries.append(GeneratedEntry("ye2", end, f"Income statement to 690, {period[:4]}", tuple(legs)))
    result_690 = result - seven
    # 3. Tax provision on the tax base (core.reports.tax_base), not on the accounting profit.
    worksheet = tax_base(book, _fiscal_year_start(book, period).year, bal_before, kkeg)
    tax, rate = worksheet.final_tax, worksheet.rate
    if tax:
        entries.append(GeneratedEntry("ye3", end, f"Corporate tax provision {period[:4]} at {rate}%", (
            Leg(_need(book, "tax_expense"), tax, memo="corporate tax"),
            Leg(_need(book, "tax_provision"), -tax, memo="corporate tax payable"))))
    # 4. 690 and 691 to 692; 5. 692 to 590 or 591.
    net = result_690 - tax
    chain = [Leg(_need(book, "period_result"), result_690, memo="690 to 692")]
    if tax:
        chain.append(Leg(_need(book, "tax_expense"), -tax, memo="691 to 692"))
    chain.append(Leg(_need(book, "net_result"), -net, memo="net result"))
    entries.append(GeneratedEntry("ye4", end, f"690 and 691 to 692, {period[:4]}", tuple(chain)))
    target = _need(book, "retained_earnings_profit" if net >= 0 else "retained_earnings_loss")
    entries.append(GeneratedEntry("ye5", end, f"Net result {period[:4]} to {'590' if net >= 0 else '591'}", (
        Leg(_need(book, "net_result"), net, memo="close 692"), Leg(target, -net, memo="net result of the year"))))
    return entries


def reflection_legs(book: Book, bal: dict[str, int]) -> list[Leg]:
    """7/A reflection: what a 7xx group holds beyond what its 7x1 mirror already reflected, debited to
    the 6xx target and credited to the mirror."""
    legs: list[Leg] = []
    for group, (mirror, target) in sorted(_reflection_map(book).items()):
        total = sum(b for c, b in bal.items() if c == group or c.startswith(group + ".")
                    or c == mirror or c.startswith(mirror + "."))
        if total:
            legs += [Leg(target, total, memo=f"reflection of {group}"),
                     Leg(mirror, -total, memo=f"reflection of {group}")]
    return legs


def quarter_reflection(book: Book, period: str, before: list[GeneratedEntry]) -> list[GeneratedEntry]:
    """The 7/A reflection at a quarter's close (not the year end's: the closing chain does that), so
    that the provisional-tax trial balance shows the costs on their 6xx lines."""
    if book.settings.chart != "tr-tdhp":
        return []
    _, end = month_bounds(period)
    legs = reflection_legs(book, _with(balances(book, end, since=_fiscal_year_start(book, period)), before))
    return [GeneratedEntry("refl", end, f"7/A reflection {period}", tuple(legs))] if legs else []


def _apply(bal: dict[str, int], legs: list[Leg]) -> dict[str, int]:
    out = dict(bal)
    for leg in legs:
        out[leg.account] = out.get(leg.account, 0) + leg.base
    return {k: v for k, v in out.items() if v}


def _reflection_map(book: Book) -> dict[str, tuple[str, str]]:
    """[accounts.reflection] "760" = "761:631": expense group -> (mirror, income-statement account)."""
    out = {}
    for role, code in book.settings.roles:
        if role.startswith("reflection:") and ":" in code:
            mirror, target = code.split(":", 1)
            out[role.split(":", 1)[1]] = (mirror, target)
    return out


def with_generated(book: Book, text: str, rel: str) -> Book:
    """The book as it will be once the generated entries file is written (for totals and the seal)."""
    raw = cache.with_path(parse.parse_journal_yaml(text.encode(), ""), rel)
    tp, te, _, _ = bulk.type_journal(book.settings, raw.frames["postings"], raw.frames["entries"], book.rates)
    postings = pl.concat([book.postings, tp], how="vertical_relaxed")
    entries = pl.concat([book.entries, te.select(book.entries.columns)], how="vertical_relaxed")
    return replace(book, postings=postings, entries=entries)
