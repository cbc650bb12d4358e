"""The close checklist: what must hold before a month is closed (documents posted, stock valued,
AR/AP and inventory tied out to their control accounts, bank statement balances agreed, the
previous month closed), each check passing, failing or skipped with its detail.

The bank statement balances it compares come from bank/statements.yaml (`read_statements`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from core.books import safeio, yamlnodes
from core.erp import stock
from core.erp.production import stock_ledger
from core.ledger.period import month_bounds
from core.model.money import fmt_minor
from core.model.records import Book
from core.ledger.subledger import open_items


@dataclass(frozen=True, slots=True)
class Check:
    check: str
    result: str            # pass | fail | skip
    detail: str = ""


def previous_period(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y - (m == 1)}-{12 if m == 1 else m - 1:02d}"


def run_checklist(book: Book, period: str, closed: set[str], allow_gap: bool, statements: list[dict]) -> list[Check]:
    begin, end = month_bounds(period)
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
    dec = book.settings.base_decimals
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
        ledger = book.stock_ledger if book.stock_ledger is not None else stock_ledger(book)[0]
        on_hand = stock.on_hand(ledger, end)["value"].sum() if ledger is not None else 0
        accounts = {inv} | {c for h in (*book.items.values(), *book.locations.values())
                            for r, c in h.accounts if r == "inventory"}
        books_value = book.ledger().filter(pl.col("account").is_in(sorted(accounts))
                                           & (pl.col("date") <= end))["base"].sum()
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


def read_statements(root, book: Book) -> list[dict[str, Any]]:
    """bank/statements.yaml: [{account, date, balance, currency?}] with balance in minor units."""
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
