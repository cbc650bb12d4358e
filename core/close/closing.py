"""Period close: the checklist, the generated entries, the seal, and reopening.

`plan_close(book, period, ...)` computes, without writing anything, what closing a month means:
the checklist results, the entries the close generates (depreciation, recurring accruals and
prepayments, FX revaluation of monetary foreign-currency balances, clearing of pending count
differences, the VAT offset; at fiscal year end the closing chain to retained earnings), and the
close record with its seal. `core.books.store` writes it; the CLI decides.

The seal is a SHA-256 over the canonical form of every record dated in the period (manual
entries, documents, stock moves, Z-report rows, payroll runs) and every posting derived from
them, chained to the previous close's seal. The per-record digests are kept beside the close
record (`closes/YYYY-MM.seal.csv`), so `kebir validate` can name the record that changed.

The ledger is continuous across years: the new year's opening balances are the closing balance
sheet's balances, listed in the year-end close record, not re-posted as closing and opening
entries (which would cut AR/AP open items from their invoices).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from core.ledger.derived import Leg
from core.model.errors import Problem
from core.model.records import Book
from core.model.money import fmt_minor, round_half_up
from core.ledger.period import parse_period



@dataclass(frozen=True, slots=True)
class Check:
    check: str
    result: str            # pass | fail | skip
    detail: str = ""


@dataclass(frozen=True, slots=True)
class GeneratedEntry:
    id: str
    date: date
    memo: str
    legs: tuple[Leg, ...]
    tags: tuple[str, ...] = ("close",)


@dataclass
class ClosePlan:
    period: str
    begin: date
    end: date                       # last day of the period
    checklist: list[Check] = field(default_factory=list)
    entries: list[GeneratedEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    year_end: bool = False
    opening: list[tuple[str, str, str | None, int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(c.result != "fail" for c in self.checklist)


# --------------------------------------------------------------------------- helpers

def month_end(period: str) -> tuple[date, date]:
    span = parse_period(period)
    assert span.begin is not None and span.end is not None
    return span.begin, span.end - timedelta(days=1)


def previous_period(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y - (m == 1)}-{12 if m == 1 else m - 1:02d}"


def is_year_end(book: Book, period: str) -> bool:
    start_month = int(book.settings.fiscal_year_start[:2])
    last = 12 if start_month == 1 else start_month - 1
    return int(period[5:7]) == last


def balances(book: Book, until: date, by: tuple[str, ...] = ("account",), since: date | None = None) -> pl.DataFrame:
    p = book.ledger().filter(pl.col("date") <= until)
    if since is not None:
        p = p.filter(pl.col("date") >= since)
    return p.group_by(*by).agg(pl.col("base").sum(), pl.col("amount").sum()).sort(*by)


def _role(book: Book, role: str, fallback: str | None = None) -> str | None:
    return book.settings.role(role) or (book.settings.role(fallback) if fallback else None)


# --------------------------------------------------------------------------- checklist

def run_checklist(book: Book, period: str, closed: set[str], allow_gap: bool, statements: list[dict]) -> list[Check]:
    from core.reports.aging import open_items

    begin, end = month_end(period)
    out: list[Check] = []
    # documents posted: every posting document dated in the period has its derived entry
    posting_kinds = {"invoice", "credit-note", "payment", "advance", "supplier-invoice", "supplier-credit-note",
                     "supplier-payment", "doubtful"}
    sources = set()
    if book.derived_entries is not None:
        sources = set(book.derived_entries.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
                      ["source"].drop_nulls().to_list())
    docs = [d for d in book.documents if begin <= d.date <= end and d.kind in posting_kinds and d.status != "cancelled"]
    missing = [d.id for d in docs if d.id not in sources]
    out.append(Check("documents-posted", "fail" if missing else "pass",
                     f"{len(docs) - len(missing)} of {len(docs)} documents posted"
                     + (f"; not posted: {', '.join(missing[:5])}" if missing else "")))
    # stock valued: every move of the period has a ledger leg (moves that load refused are errors already)
    moves = book.moves.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
    out.append(Check("stock-valued", "pass", f"{moves.height:,} moves valued ({_methods(book)})"))
    dec = book.settings.decimals(book.base) or 2
    for side, role, name in (("ar", "receivable", "ar-tie-out"), ("ap", "payable", "ap-tie-out")):
        code = book.settings.role(role)
        if code is None:
            out.append(Check(name, "skip", f"no `{role}` role"))
            continue
        control = book.ledger().filter((pl.col("account") == code) & (pl.col("date") <= end))["base"].sum()
        sub = sum(i.amount for i in open_items(book, side, end)) * (1 if side == "ar" else -1)
        out.append(Check(name, "pass" if sub == control else "fail",
                         f"{code} = {fmt_minor(control, dec)}, subledger {fmt_minor(sub, dec)}"))
    inv = book.settings.role("inventory")
    if inv is None or book.moves.is_empty():
        out.append(Check("inventory-tie-out", "skip", "no stock"))
    else:
        from core.erp import post, stock

        ledger = book.stock_ledger if book.stock_ledger is not None else post._stock_ledger(book)[0]
        on_hand = stock.on_hand(ledger, end)["value"].sum() if ledger is not None else 0
        accounts = {inv} | {c for h in (*book.items.values(), *book.locations.values())
                            for r, c in h.accounts if r == "inventory"}
        books_value = book.ledger().filter(pl.col("account").is_in(sorted(accounts)) & (pl.col("date") <= end))["base"].sum()
        out.append(Check("inventory-tie-out", "pass" if on_hand == books_value else "fail",
                         f"inventory accounts {fmt_minor(books_value, dec)}, stock ledger {fmt_minor(on_hand, dec)}"))
    due = [s for s in statements if begin <= s["date"] <= end]
    if not due:
        out.append(Check("bank-statements", "skip", "no statement balance in the period"))
    else:
        bad = []
        for s in due:
            bal = book.ledger().filter((pl.col("account") == s["account"]) & (pl.col("date") <= s["date"]))
            ours = bal["amount"].sum() if s.get("currency") not in (None, book.base) else bal["base"].sum()
            if ours != s["balance"]:
                bad.append(f"{s['account']} on {s['date']}: books {fmt_minor(ours, dec)}, "
                           f"statement {fmt_minor(s['balance'], dec)}")
        out.append(Check("bank-statements", "fail" if bad else "pass",
                         "; ".join(bad) if bad else f"{len(due)} statement balance(s) agree"))
    prev = previous_period(period)
    first = book.ledger()["date"].min()
    has_earlier = first is not None and first < begin
    if prev in closed or not has_earlier:
        out.append(Check("previous-period-closed", "pass", f"{prev} closed" if prev in closed else "first period"))
    else:
        out.append(Check("previous-period-closed", "skip" if allow_gap else "fail",
                         f"{prev} is not closed" + (" (--allow-gap)" if allow_gap else "")))
    return out


def _methods(book: Book) -> str:
    kinds = sorted({i.valuation for i in book.items.values()})
    return " and ".join(kinds) or "no items"


# --------------------------------------------------------------------------- generated entries

def fx_revaluation(book: Book, period: str) -> list[GeneratedEntry]:
    """Monetary foreign-currency balances at the period-end rate; the difference to FX gain/loss."""
    _, end = month_end(period)
    base = book.base
    bdec = book.settings.decimals(base) or 2
    # Monetary: cash and bank accounts, the AR/AP/advance control accounts and accounts pinned to a
    # foreign currency. Fixed assets, stock and VAT bought or sold in a currency are not revalued.
    controls = {book.settings.role(r) for r in ("receivable", "payable", "advances_received", "goods_received")}
    monetary = [c for c, a in book.accounts.items()
                if a.type in ("cash", "bank") or c in controls or (a.currency and a.currency != base)]
    bal = (book.ledger().filter((pl.col("date") <= end) & (pl.col("currency") != base)
                                & pl.col("account").is_in(monetary))
           .group_by("account", "currency", "contact").agg(pl.col("amount").sum(), pl.col("base").sum())
           .sort("account", "currency", "contact", nulls_last=True))
    legs: list[Leg] = []
    for acc, cur, contact, amount, booked in bal.iter_rows():
        rate = book.rate_on(cur, end)
        if rate is None or amount == 0 and booked == 0:
            continue
        dec = book.settings.decimals(cur) or 2
        value = int(round_half_up(Decimal(amount).scaleb(-dec) * Decimal(rate), bdec).scaleb(bdec))
        diff = value - booked
        if diff:
            legs.append(Leg(acc, diff, cur, 0, contact=contact, rate=rate, memo=f"{cur} at {rate} on {end}"))
    if not legs:
        return []
    net = sum(leg.base for leg in legs)
    gain = _role(book, "fx_revaluation_gain", "fx_gain")
    loss = _role(book, "fx_revaluation_loss", "fx_loss")
    if net > 0 and gain:
        legs.append(Leg(gain, -net, memo="unrealized exchange gain"))
    elif net < 0 and loss:
        legs.append(Leg(loss, -net, memo="unrealized exchange loss"))
    elif net:
        return []
    return [GeneratedEntry("fx", end, f"FX revaluation {period}", tuple(legs))]


def vat_offset(book: Book, period: str) -> list[GeneratedEntry]:
    """Output VAT against input VAT (and last month's carry-forward): to VAT payable or carried forward."""
    _, end = month_end(period)
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
    return [GeneratedEntry("vat", end, f"VAT offset {period}", tuple(legs))]


def count_clearing(book: Book, period: str) -> list[GeneratedEntry]:
    """Pending count differences (197 / 397) cleared to the accounts that finally bear them."""
    _, end = month_end(period)
    legs: list[Leg] = []
    bal = dict(balances(book, end).select("account", "base").iter_rows())
    for pending, final in (("count_shortage", "count_shortage_expense"), ("count_surplus", "count_surplus_income")):
        code, target = book.settings.role(pending), book.settings.role(final)
        b = bal.get(code or "", 0)
        if code and target and b:
            legs += [Leg(code, -b, memo=f"clear {pending.replace('_', ' ')}"), Leg(target, b, memo="count difference")]
    return [GeneratedEntry("count", end, f"Stock count differences {period}", tuple(legs))] if legs else []


def periodic_entries(book: Book, period: str) -> list[GeneratedEntry]:
    """Depreciation, disposals of fixed assets and recurring accruals/prepayments (core.erp.assets,
    core.erp.recurring), from the records `load` read and checked."""
    from core.erp import assets, recurring
    from core.erp.post import Roles

    begin, end = month_end(period)
    out: list[GeneratedEntry] = []
    legs = [leg for a in book.assets for leg in assets.depreciation_legs(a, period)]
    if legs:
        out.append(GeneratedEntry("dep", end, f"Depreciation {period}", tuple(legs)))
    roles = Roles(book)
    for a in book.assets:
        if a.disposed is not None and begin <= a.disposed <= end and (legs := assets.disposal_legs(a, roles)):
            out.append(GeneratedEntry("disp", a.disposed, f"Disposal {a.id} {a.name}", tuple(legs)))
    legs = [leg for r in book.recurring for leg in recurring.recurring_legs(r, period)]
    if legs:
        out.append(GeneratedEntry("rec", end, f"Accruals and prepayments {period}", tuple(legs)))
    return out


def year_end_chain(book: Book, period: str, before: list[GeneratedEntry]) -> list[GeneratedEntry]:
    """The closing chain to retained earnings.

    IFRS-style (`chart` not tr-tdhp): every income and expense account to `retained_earnings`.
    Turkish uniform chart: 7/A cost accounts reflected (7xx -> 7x1 against 6xx by
    `[close.reflection]`), income statement accounts to 690, the tax provision (691 against 370
    at `corporate_tax_rate`), 690 and 691 to 692, and 692 to 590 (profit) or 591 (loss).
    """
    begin_year = _fiscal_year_start(book, period)
    _, end = month_end(period)
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
    return _tdhp_chain(book, period, bal, income_expense, end)


def _need(book: Book, role: str) -> str:
    code = book.settings.role(role)
    if code is None:
        from core.erp.post import MissingRole

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


def _tdhp_chain(book: Book, period: str, bal: dict[str, int], income_expense: set[str], end: date
                ) -> list[GeneratedEntry]:
    entries: list[GeneratedEntry] = []
    # 1. 7/A reflection: expense on 7xx is reflected by crediting 7x1 and debiting the 6xx account.
    legs: list[Leg] = []
    for group, (mirror, target) in sorted(_reflection_map(book).items()):
        total = sum(b for c, b in bal.items() if (c == group or c.startswith(group + ".")))
        if total:
            legs += [Leg(target, total, memo=f"reflection of {group}"), Leg(mirror, -total, memo=f"reflection of {group}")]
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
    # 3. Tax provision on profit.
    rate = Decimal(book.settings.close.corporate_tax_rate or "0")
    tax = int(round_half_up(Decimal(result_690) * rate / 100, 0)) if result_690 > 0 and rate else 0
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


# --------------------------------------------------------------------------- plan

def plan_close(book: Book, period: str, closed: set[str], *, allow_gap: bool = False,
               statements: list[dict] | None = None) -> ClosePlan:
    from core.erp.post import MissingRole

    begin, end = month_end(period)
    plan = ClosePlan(period, begin, end, year_end=is_year_end(book, period))
    plan.checklist = run_checklist(book, period, closed, allow_gap, statements or [])
    try:
        entries = periodic_entries(book, period)
        entries += count_clearing(book, period)
        entries += fx_revaluation(book, period)
        entries += vat_offset(book, period)
        if plan.year_end:
            entries += year_end_chain(book, period, entries)
    except MissingRole as exc:
        plan.problems.append(Problem("E047", "books.toml", 1, f"no account for the posting rule `{exc.role}`",
                                     record=period, hint=f"add `{exc.role} = \"...\"` under [accounts] in books.toml"))
        entries = []
    y, m = period[:4], period[5:7]
    for n, e in enumerate(entries, 1):
        plan.entries.append(GeneratedEntry(f"JE-{y}-{m}-C{n:03d}", e.date, e.memo, e.legs, e.tags))
    if plan.year_end:
        # The new year's opening balances: the balance sheet after every entry the close generates.
        acc: dict[tuple[str, str, str | None], list[int]] = {}
        for a, cur, contact, base, amount in balances(book, end, by=("account", "currency", "contact")).select(
                "account", "currency", "contact", "base", "amount").iter_rows():
            acc[(a, cur, contact)] = [base, amount]
        for e in plan.entries:
            for leg in e.legs:
                key = (leg.account, leg.currency or book.base, leg.contact)
                slot = acc.setdefault(key, [0, 0])
                slot[0] += leg.base
                slot[1] += leg.amount if leg.amount is not None else leg.base
        bs = {c for c, a in book.accounts.items() if a.type not in ("income", "expense")}
        plan.opening = [(a, cur, contact, base, amount) for (a, cur, contact), (base, amount)
                        in sorted(acc.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
                        if a in bs and (base or amount)]
    return plan


def entries_as_records(plan: ClosePlan, book: Book) -> list[dict[str, Any]]:
    """Generated entries as journal records (what journals/YYYY/YYYY-MM.close.yaml holds)."""
    base = book.base
    bdec = book.settings.decimals(base) or 2
    out = []
    for e in plan.entries:
        postings = []
        for leg in e.legs:
            cur = leg.currency or base
            p: dict[str, Any] = {"account": leg.account}
            side = "debit" if leg.base > 0 or (leg.base == 0 and (leg.amount or 0) > 0) else "credit"
            if cur == base:
                p[side] = fmt_minor(abs(leg.base), bdec)
            else:
                dec = book.settings.decimals(cur) or 2
                p[side] = fmt_minor(abs(leg.amount or 0), dec)
                p["currency"] = cur
                p["base"] = fmt_minor(abs(leg.base), bdec)
            if leg.contact:
                p["contact"] = leg.contact
            if leg.memo:
                p["memo"] = leg.memo
            postings.append(p)
        out.append({"id": e.id, "date": e.date.isoformat(), "memo": e.memo, "tags": list(e.tags),
                    "postings": postings})
    return out


# --------------------------------------------------------------------------- seal

def _row_text(frame: pl.DataFrame, cols: list[str]) -> pl.Expr:
    """One canonical text per row: the columns in a fixed order, nulls as an empty marker."""
    return pl.concat_str([pl.col(c).cast(pl.String).fill_null("\u2205") for c in cols], separator="\u241f")


def record_digests(book: Book, period: str) -> dict[str, tuple[str, str, int]]:
    """id -> (digest, file, line) for every record dated in the period, and its derived postings.

    Canonical texts are built column-wise with polars (a month of a large book holds a hundred
    thousand records); only the final SHA-256 per record runs in Python.
    """
    begin, end = month_end(period)
    out: dict[str, tuple[str, str, int]] = {}

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def in_period(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter((pl.col("date") >= begin) & (pl.col("date") <= end))

    post_cols = ["account", "currency", "amount", "base", "rate", "contact", "item", "location", "memo", "tags"]
    derived_by_source: dict[str, str] = {}
    derived = book.derived_postings
    if derived is not None and not derived.is_empty():
        d = (in_period(derived).select("source", "entry_id", _row_text(derived, ["entry_id", *post_cols]).alias("_t"))
             .group_by("source", maintain_order=True).agg(pl.col("_t").sort().str.join("\n")))
        derived_by_source = dict(d.iter_rows())
    posts = (in_period(book.postings).select("entry_id", "line", _row_text(book.postings, post_cols).alias("_t"))
             .sort("entry_id", "line").group_by("entry_id", maintain_order=True).agg(pl.col("_t").str.join("\n")))
    entries = in_period(book.entries)
    joined = entries.select("id", "file", "line", _row_text(entries, ["id", "date", "memo", "payee", "source", "tags"])
                            .alias("_e")).join(posts, left_on="id", right_on="entry_id", how="left")
    for rid, f, ln, head, body in joined.iter_rows():
        out[f"entry:{rid}"] = (sha(f"{head}\n{body or ''}"), str(f), ln)
    for doc in book.documents:
        if begin <= doc.date <= end:
            body = json.dumps(_doc_body(doc), sort_keys=True, default=str, ensure_ascii=False)
            out[f"document:{doc.id}"] = (sha(body + "\n" + derived_by_source.get(doc.id, "")), doc.source.path,
                                         doc.source.line)
    moves = in_period(book.moves)
    if not moves.is_empty():
        cols = [c for c in moves.columns if c not in ("file", "line")]
        for mid, f, ln, text in moves.select("id", "file", "line", _row_text(moves, cols).alias("_t")).iter_rows():
            out[f"move:{mid}"] = (sha(text + "\n" + derived_by_source.get(mid, "")), str(f), ln)
    if book.sales is not None and not book.sales.is_empty():
        sales = in_period(book.sales)
        cols = [c for c in sales.columns if c not in ("file", "line")]
        keyed = sales.select("date", "location", "kind", pl.coalesce("item", "method").alias("what"), "file", "line",
                             _row_text(sales, cols).alias("_t"))
        for d, loc, kind, what, f, ln, text in keyed.iter_rows():
            key = f"sale:{d}:{loc}:{kind}:{what}"
            n = 2
            while key in out:
                key, n = f"{key.rsplit('#', 1)[0]}#{n}", n + 1
            out[key] = (sha(text), str(f), ln)
    for run in book.payroll:
        if begin <= run.date <= end:
            body = json.dumps(_doc_body(run), sort_keys=True, default=str, ensure_ascii=False)   # not where it sits
            out[f"payroll:{run.id}"] = (sha(body + "\n" + derived_by_source.get(run.id, "")), run.source.path,
                                        run.source.line)
    out.update(account_digests(book, period))
    out.update(rate_digests(book, period))
    return out


def account_digests(book: Book, period: str) -> dict[str, tuple[str, str, int]]:
    """`account:CODE` for every account the month's ledger posts to: its code, type and the chain of
    its parents with theirs (what places it in the statements). An account the month does not use
    is not sealed, so adding one unseals nothing."""
    begin, end = month_end(period)
    used = book.ledger().filter((pl.col("date") >= begin) & (pl.col("date") <= end))["account"].unique().to_list()
    out: dict[str, tuple[str, str, int]] = {}
    for code in sorted(c for c in used if c is not None):
        chain, seen, cur = [], set(), code
        while cur is not None and cur not in seen:
            seen.add(cur)
            acc = book.accounts.get(cur)
            none = "\u2205"
            chain.append(f"{cur}|{acc.type if acc else none}|{acc.parent if acc and acc.parent else none}")
            cur = acc.parent if acc else None
        acc = book.accounts.get(code)
        where = (acc.source.path, acc.source.line) if acc and acc.source.path else ("accounts.yaml", 1)
        out[f"account:{code}"] = (hashlib.sha256("\n".join(chain).encode()).hexdigest(), *where)
    return out


def rate_digests(book: Book, period: str) -> dict[str, tuple[str, str, int]]:
    """`rate:CUR:DATE` for every rates/ row dated in the month and, per currency, the last one
    before it (the rate in force on the first day). A rate added for a later day unseals nothing."""
    begin, end = month_end(period)
    rates = book.rates
    if rates is None or rates.is_empty():
        return {}
    out: dict[str, tuple[str, str, int]] = {}
    before = rates.filter(pl.col("date") < begin).sort("date", "line").group_by("currency").last()
    inside = rates.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
    cols = [c for c in ("file", "line") if c in rates.columns]
    for cur, day, rate, *where in pl.concat([before.select("currency", "date", "rate", *cols),
                                            inside.select("currency", "date", "rate", *cols)]).iter_rows():
        key = f"rate:{cur}:{day}"
        n = 2
        while key in out:
            key, n = f"{key.rsplit('#', 1)[0]}#{n}", n + 1
        f, ln = (str(where[0]), int(where[1])) if len(where) == 2 else ("rates", 1)
        out[key] = (hashlib.sha256(f"{cur}|{day}|{rate}".encode()).hexdigest(), f, ln)
    return out


def _doc_body(d: Any) -> dict[str, Any]:
    from dataclasses import asdict

    body = asdict(d)
    body.pop("source", None)
    for line in body.get("lines", []):
        line.pop("source", None)
    return body


def seal_of(digests: dict[str, tuple[str, str, int]], previous: str | None) -> str:
    return seal_from_short({k: v[0][:32] for k, v in digests.items()}, previous)


def digests_csv(digests: dict[str, tuple[str, str, int]]) -> str:
    lines = ["record,digest"] + [f"{k},{digests[k][0][:32]}" for k in sorted(digests)]
    return "\n".join(lines) + "\n"


def read_digests_csv(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines()[1:]:
        if "," in line:
            k, v = line.rsplit(",", 1)
            out[k] = v
    return out


def seal_from_short(short: dict[str, str], previous: str | None) -> str:
    h = hashlib.sha256((previous or "").encode())
    for key in sorted(short):
        h.update(f"{key} {short[key]}\n".encode())
    return "sha256:" + h.hexdigest()


# --------------------------------------------------------------------------- close records

def close_paths(period: str) -> tuple[str, str, str]:
    y = period[:4]
    return f"closes/{period}.yaml", f"closes/{period}.seal.csv", f"journals/{y}/{period}.close.yaml"


def read_closes(root) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Every close record under closes/, by period (plain dicts of strings, with `_line`)."""
    from pathlib import Path

    from core.books import safeio, yamlnodes

    out: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    folder = Path(root) / "closes"
    if not folder.is_dir():
        return out, problems
    for path in sorted(folder.iterdir()):
        rel = f"closes/{path.name}"
        if _RECORD_NAME.fullmatch(path.name):
            pass
        elif _SEAL_NAME.fullmatch(path.name) or not path.name.endswith((".yaml", ".yml", ".csv")) or path.is_dir():
            continue
        else:
            problems.append(Problem("E100", rel, 1, f"{rel} is not a close record file: it is not read",
                                    record=path.name, expected="closes/YYYY-MM.yaml and closes/YYYY-MM.seal.csv only",
                                    found=rel, hint=f"remove it (git rm {rel}): close records are written only by "
                                                    "kebir close, reopen and --mark-filed"))
            continue
        try:
            data = safeio.read_bytes(root, rel)     # a regular file inside the books, or a problem
        except safeio.Refused as exc:
            problems.append(exc.problem)
            continue
        text, found = yamlnodes.decode(data, rel)
        problems += found
        if text is None:
            continue
        tree, found = yamlnodes.parse(text, rel)
        problems += found
        if not isinstance(tree, dict) or "period" not in tree:
            problems.append(Problem("E071", rel, 1, "not a close record", hint="restore it from git: git checkout -- " + rel))
            continue
        rec = yamlnodes.plain(tree)
        rec["_file"] = rel
        rec["_line"] = tree.line
        if str(rec["period"]) != path.name[:7]:
            problems.append(Problem("E100", rel, tree.line, f"{rel} holds the close record of {rec['period']}",
                                    record=str(rec["period"]), expected=f"period: {path.name[:7]}",
                                    found=f"period: {rec['period']}",
                                    hint="restore it from git: each month's record lives in closes/YYYY-MM.yaml"))
            continue
        out[str(rec["period"])] = rec
    return out, problems


_RECORD_NAME = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.yaml")
_SEAL_NAME = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.seal\.csv")


def closed_periods(closes: dict[str, dict[str, Any]]) -> set[str]:
    return {p for p, r in closes.items() if r.get("status", "closed") == "closed"}


def check_seals(book: Book) -> list[Problem]:
    """Closed periods stay as they were sealed: any change, addition or deletion of a record dated
    in one, and any edit to the close records or their chain, is an error naming both."""
    from pathlib import Path

    from core.books import safeio

    closes, problems = read_closes(book.root)
    previous_seal: str | None = None
    for period in sorted(closes):
        rec = closes[period]
        rel, sidecar, _ = close_paths(period)
        if rec.get("status", "closed") != "closed":
            previous_seal = rec.get("seal") or previous_seal
            continue
        if rec.get("previous") != previous_seal and (rec.get("previous") or previous_seal):
            problems.append(Problem("E071", rel, rec["_line"], f"close {period} does not chain to the previous close",
                                    record=period, expected=f"previous: {previous_seal}",
                                    found=f"previous: {rec.get('previous')}",
                                    hint="a close record was edited or deleted; restore it from git"))
        side = Path(book.root) / sidecar
        if not side.exists():
            problems.append(Problem("E071", rel, rec["_line"], f"the seal digests of {period} are missing",
                                    record=period, found=sidecar, hint=f"restore {sidecar} from git"))
            previous_seal = rec.get("seal")
            continue
        try:
            stored = read_digests_csv(safeio.read_text(book.root, sidecar))
        except safeio.Refused as exc:
            problems.append(exc.problem)
            previous_seal = rec.get("seal")
            continue
        if seal_from_short(stored, rec.get("previous")) != rec.get("seal"):
            problems.append(Problem("E071", rel, rec["_line"], f"close record {period} was altered",
                                    record=period, expected=f"seal {seal_from_short(stored, rec.get('previous'))}",
                                    found=f"seal {rec.get('seal')}", hint="restore closes/ from git"))
        now = record_digests(book, period)
        for key in sorted(set(now) | set(stored)):
            kind, _, rid = key.partition(":")
            if key not in stored:
                d, f, ln = now[key]
                problems.append(Problem("E070", f, ln, f"{kind} {rid} was added to closed period {period}",
                                        record=rid, expected=f"no new records dated in {period}",
                                        found=f"sealed by closes/{period}.yaml ({rec.get('seal', '')[:19]})",
                                        hint=f"date it in an open period, or `kebir reopen {period} --reason ...`"))
            elif key not in now:
                problems.append(Problem("E070", rel, rec["_line"], f"{kind} {rid} was removed from closed period {period}",
                                        record=rid, hint=f"restore it (git log -S {rid}), or `kebir reopen {period}`"))
            elif now[key][0][:32] != stored[key]:
                d, f, ln = now[key]
                problems.append(Problem("E070", f, ln, f"{kind} {rid} changed in closed period {period}",
                                        record=rid, found=f"sealed by closes/{period}.yaml ({rec.get('seal', '')[:19]})",
                                        hint=_changed_hint(kind, rid, period)))
        previous_seal = rec.get("seal")
    return problems


def _changed_hint(kind: str, rid: str, period: str) -> str:
    if kind == "account":
        return (f"the months that post to {rid} sealed its type and parents: undo the change, or open a new account "
                f"for what comes (or `kebir reopen {period} --reason ...`)")
    if kind == "rate":
        return (f"a rate in force in a closed month is sealed: undo the change, or `kebir reopen {period} "
                "--reason ...`")
    return ("correct it with reversing and correcting entries in an open period, "
            f"or `kebir reopen {period} --reason ...`")


def check_leftovers(book: Book) -> list[Problem]:
    """W004: generated close entries or seal digests whose period is not closed (an interrupted
    close, or a reopen): they are ignored, and the next `kebir close` writes them afresh."""
    from pathlib import Path

    from core.books.discover import close_file_live

    out = []
    root = Path(book.root)
    for path in sorted(root.glob("journals/*/*.close.yaml")):
        rel = path.relative_to(root).as_posix()
        if not close_file_live(root, rel):
            period = path.name[:7]
            out.append(Problem("W004", rel, 1, f"generated entries of {period} without a closed close record",
                               record=period, expected=f"closes/{period}.yaml with status: closed",
                               hint=f"left by an interrupted close or a reopen and ignored; `kebir close {period}` "
                                    "writes it again, or delete the file"))
    return out


# --------------------------------------------------------------------------- the close record's history

EVENTS = ("closed", "reopened", "filed")


def event_hash(period: str, previous: str, event: dict[str, Any]) -> str:
    """The hash of one history event: its fields (not `hash`), the period and the previous event's hash,
    so an event cannot be changed, removed or moved without changing every hash after it."""
    body = {str(k): str(v) for k, v in event.items() if k != "hash"}
    text = json.dumps({"period": period, "previous": previous, "event": body}, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


SEALED_FIELDS = ("period", "closed_by", "closed_on", "totals", "checklist", "generated", "entries", "seal",
                 "previous", "opening")


def record_digest(rec: dict[str, Any]) -> str:
    """A digest of what a close wrote into its record (everything but the status, the filed flag and
    the history, which later events change): the closed event carries it."""
    def text(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): text(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [text(x) for x in v]
        return str(v)

    body = {k: text(rec[k]) for k in SEALED_FIELDS if rec.get(k) is not None}
    return "sha256:" + hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def with_event(period: str, history: Any, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The history with `event` appended and hash-chained to the last one."""
    old = [dict(e) for e in history] if isinstance(history, list) else []
    previous = str(old[-1].get("hash", "")) if old and isinstance(old[-1], dict) else ""
    return old + [{**event, "hash": event_hash(period, previous, event)}]


def _events(rec: dict[str, Any]) -> list[dict[str, Any]]:
    h = rec.get("history")
    return [e for e in h if isinstance(e, dict)] if isinstance(h, list) else []


def history_problems(rec: dict[str, Any]) -> list[str]:
    """What is wrong between a close record and its history (empty: they agree). The history is a
    hash chain of events; `closed` opens it and follows only a `reopened`, `reopened` follows only a
    `closed`, `filed` follows a `closed` once; the status, the filed flag, the seal and who closed
    when are those of the events."""
    period = str(rec.get("period"))
    history = rec.get("history")
    if not isinstance(history, list) or not history:
        return ["it has no history"]
    previous, state, filed, last_close = "", "open", False, None
    for n, e in enumerate(history, 1):
        if not isinstance(e, dict) or e.get("event") not in EVENTS:
            return [f"history entry {n} is not a closed, reopened or filed event"]
        if e.get("hash") != event_hash(period, previous, e):
            return [f"history entry {n} ({e.get('event')}) does not carry the hash of its content and of the entry "
                    "before it"]
        previous = str(e["hash"])
        kind = e["event"]
        if kind == "closed" and state not in ("open", "reopened"):
            return [f"history entry {n} closes a month that is already closed"]
        if kind == "reopened" and (state != "closed" or filed):
            return [f"history entry {n} reopens a month that is {'filed' if filed else 'not closed'}"]
        if kind == "filed" and (state != "closed" or filed):
            return [f"history entry {n} files a month that is {'already filed' if filed else 'not closed'}"]
        if kind == "closed":
            last_close = e
        state, filed = ("closed" if kind in ("closed", "filed") else "reopened"), filed or kind == "filed"
    out = []
    status = rec.get("status", "closed")
    if status != state:
        out.append(f"status is {status}, the history says {state}")
    if str(rec.get("filed", "false")).lower() != str(filed).lower():
        out.append(f"filed is {str(rec.get('filed', 'false')).lower()}, the history says {str(filed).lower()}")
    if last_close is not None and rec.get("seal") != last_close.get("seal"):
        out.append(f"seal {rec.get('seal')} is not the seal of the last close in the history, "
                   f"{last_close.get('seal')}")
    if last_close is not None and (str(rec.get("closed_by")), str(rec.get("closed_on"))) != \
            (str(last_close.get("by")), str(last_close.get("on"))):
        out.append(f"closed_by/closed_on are not those of the last close in the history "
                   f"({last_close.get('by')}, {last_close.get('on')})")
    if last_close is not None and last_close.get("record") != record_digest(rec):
        changed = "totals, checklist, generated entries, previous seal or opening balances"
        out.append(f"its {changed} are not what the last close wrote (digest {last_close.get('record')})")
    return out


def check_close_history(book: Book) -> list[Problem]:
    """E101: each close record agrees with its own hash-chained history; E102: a closed month's totals
    are the books' totals for it."""
    closes, _ = read_closes(book.root)
    problems: list[Problem] = []
    dec = book.settings.decimals(book.base) or 2
    for period in sorted(closes):
        rec = closes[period]
        rel = close_paths(period)[0]
        for wrong in history_problems(rec):
            problems.append(Problem("E101", rel, rec["_line"], f"close record {period} does not agree with its "
                                    f"history: {wrong}", record=period, found=wrong,
                                    hint="close records change only through kebir close, reopen and --mark-filed; "
                                         f"restore it from git (git log -p -- {rel})"))
        if rec.get("status", "closed") != "closed":
            continue
        begin, end = month_end(period)
        span = book.ledger().filter((pl.col("date") >= begin) & (pl.col("date") <= end))["base"]
        want = {"debit": fmt_minor(span.clip(lower_bound=0).sum(), dec),
                "credit": fmt_minor((-span).clip(lower_bound=0).sum(), dec)}
        have = rec.get("totals") if isinstance(rec.get("totals"), dict) else {}
        if {k: str(have.get(k)) for k in want} != want:
            problems.append(Problem("E102", rel, rec["_line"], f"the totals of close {period} are not the books' "
                                    "totals for the month", record=period,
                                    expected=f"debit {want['debit']}, credit {want['credit']}",
                                    found=f"debit {have.get('debit')}, credit {have.get('credit')}",
                                    hint="the totals are written by kebir close; restore the record from git"))
    return problems


def close_record_text(rec: dict[str, Any]) -> str:
    """A close record in its canonical form (fixed key order, strings quoted where YAML would retype them)."""
    import yaml

    order = ["period", "status", "closed_by", "closed_on", "filed", "totals", "checklist", "generated", "entries",
             "seal", "previous", "opening", "history"]
    doc = {k: rec[k] for k in order if k in rec and rec[k] is not None}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)


def with_generated(book: Book, text: str, rel: str) -> Book:
    """The book as it will be once the generated entries file is written (for totals and the seal)."""
    from dataclasses import replace

    from core.books.bulk import type_journal
    from core.books.cache import with_path
    from core.books.parse import parse_journal_yaml

    raw = with_path(parse_journal_yaml(text.encode(), ""), rel)
    tp, te, _, _ = type_journal(book.settings, raw.frames["postings"], raw.frames["entries"], book.rates)
    postings = pl.concat([book.postings, tp], how="vertical_relaxed")
    entries = pl.concat([book.entries, te.select(book.entries.columns)], how="vertical_relaxed")
    return replace(book, postings=postings, entries=entries)


def compose(book: Book, plan: ClosePlan, closes: dict[str, dict[str, Any]], on: date, by: str
            ) -> tuple[dict[str, str], dict[str, Any]]:
    """The files a close writes (path -> text) and the close record."""
    from core.books import store

    rel_record, rel_seal, rel_entries = close_paths(plan.period)
    records = entries_as_records(plan, book)
    files: dict[str, str | None] = {}
    after = book
    if records:
        files[rel_entries] = store.dump_yaml_records("journal", records)
        after = with_generated(book, files[rel_entries], rel_entries)
    elif (book.root / rel_entries).exists():
        files[rel_entries] = None            # an inert file from an interrupted close must not come alive
    digests = record_digests(after, plan.period)
    earlier = [p for p in sorted(closes) if p < plan.period]
    previous = closes[earlier[-1]].get("seal") if earlier else None
    seal = seal_of(digests, previous)
    dec = book.settings.decimals(book.base) or 2
    span = after.ledger().filter((pl.col("date") >= plan.begin) & (pl.col("date") <= plan.end))["base"]
    old = closes.get(plan.period, {})
    rec: dict[str, Any] = {
        "period": plan.period, "status": "closed", "closed_by": by, "closed_on": on.isoformat(),
        "filed": False,
        "totals": {"debit": fmt_minor(span.clip(lower_bound=0).sum(), dec),
                   "credit": fmt_minor((-span).clip(lower_bound=0).sum(), dec)},
        "checklist": [{"check": c.check, "result": c.result, "detail": c.detail} for c in plan.checklist],
        "generated": [e.id for e in plan.entries], "entries": rel_entries if records else None,
        "seal": seal, "previous": previous,
    }
    if plan.opening:
        rec["opening"] = [{"account": a, "currency": c, **({"contact": k} if k else {}),
                           "balance": fmt_minor(b, dec)} for a, c, k, b, _ in plan.opening]
    rec["history"] = with_event(plan.period, old.get("history"), {
        "event": "closed", "by": by, "on": on.isoformat(), "seal": seal, "record": record_digest(rec)})
    ordered = {rel_seal: digests_csv(digests), **files}
    ordered[rel_record] = close_record_text(rec)      # last: the record is the commit point
    return ordered, rec


def reopen(closes: dict[str, dict[str, Any]], period: str, reason: str, by: str, on: date, cascade: bool
           ) -> tuple[dict[str, str | None], list[str]]:
    """Files to write (None: delete) to reopen `period` (and later periods with `cascade`), or refusals."""
    rec = closes.get(period)
    if rec is None or rec.get("status", "closed") != "closed":
        return {}, [f"{period} is not closed"]
    later = [p for p in sorted(closes) if p > period and closes[p].get("status", "closed") == "closed"]
    if later and not cascade:
        return {}, [f"later periods are closed ({', '.join(later)}): reopen them first, or use --cascade"]
    files: dict[str | None] = {}
    for p in [period, *later] if cascade else [period]:
        r = dict(closes[p])
        if r.get("filed") in (True, "true") or any(e.get("event") == "filed" for e in _events(r)):
            return {}, [f"{p} is filed (VAT return or e-ledger submitted): correct it with reversing and "
                        "correcting entries in an open period"]
        if wrong := history_problems(r):
            return {}, [f"the close record of {p} does not agree with its history ({wrong[0]}): restore it from git"]
        r["status"] = "reopened"
        r["history"] = with_event(p, r.get("history"), {"event": "reopened", "by": by, "on": on.isoformat(),
                                                        "reason": reason})
        rel_record, _, rel_entries = close_paths(p)
        files[rel_record] = close_record_text(r)
        files[rel_entries] = None
    return files, []


def mark_filed(closes: dict[str, dict[str, Any]], period: str, by: str, on: date) -> tuple[dict[str, str], list[str]]:
    rec = closes.get(period)
    if rec is None or rec.get("status", "closed") != "closed":
        return {}, [f"{period} is not closed: close it first"]
    r = dict(rec)
    if wrong := history_problems(r):
        return {}, [f"the close record of {period} does not agree with its history ({wrong[0]}): restore it from git"]
    if any(e.get("event") == "filed" for e in _events(r)):
        return {}, [f"{period} is already marked as filed"]
    r["filed"] = True
    r["history"] = with_event(period, r.get("history"), {"event": "filed", "by": by, "on": on.isoformat()})
    return {close_paths(period)[0]: close_record_text(r)}, []


def read_statements(root, book: Book) -> list[dict[str, Any]]:
    """bank/statements.yaml: [{account, date, balance, currency?}] with balance in minor units."""
    from pathlib import Path

    from core.books import safeio, yamlnodes

    path = Path(root) / "bank/statements.yaml"
    if not path.exists():
        return []
    tree, _ = yamlnodes.parse(safeio.read_text(root, "bank/statements.yaml"), "bank/statements.yaml")
    out = []
    for r in tree or []:
        try:
            cur = r.get("currency") or book.base
            dec = book.settings.decimals(cur) or 2
            out.append({"account": r["account"], "date": date.fromisoformat(r["date"]), "currency": cur,
                        "balance": int(Decimal(r["balance"]).scaleb(dec))})
        except (KeyError, ValueError, TypeError, ArithmeticError):
            continue
    return out


def summary_text(plan: ClosePlan, rec: dict[str, Any], book: Book) -> str:
    out = [f"Close {plan.period}" + (" (fiscal year end)" if plan.year_end else ""), "", "Checklist:"]
    for c in plan.checklist:
        out.append(f"  [{c.result:>4}] {c.check}: {c.detail}")
    out += ["", f"Generated entries ({len(plan.entries)}):"]
    dec = book.settings.decimals(book.base) or 2
    for e in plan.entries:
        out.append(f"  {e.date} {e.id}  {e.memo}")
        for leg in e.legs:
            amt = fmt_minor(abs(leg.base), dec)
            side = f"{amt:>16}{'':16}" if leg.base > 0 else f"{'':16}{amt:>16}"
            out.append(f"      {leg.account:<10}{side}  {leg.contact or ''} {leg.memo or ''}".rstrip())
    out += ["", f"Totals: debit {rec['totals']['debit']}, credit {rec['totals']['credit']}",
            f"Seal: {rec['seal']}", f"Previous: {rec.get('previous') or '-'}", ""]
    return "\n".join(out)
