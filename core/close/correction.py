"""A closed month whose records are as sealed but derive other postings today.

A fix in the derivation (a VAT rule, an account a document kind posts to) changes what the
documents of a closed month derive. The month keeps the postings it was sealed with (the loader,
core.erp.frozen), `kebir validate` says what changed (W018: the derived entries, the difference by
account, the seal record), and the close of the next open month posts the difference as one
correction entry per closed month (`correction_entries`): dated the last day of the month being
closed, tagged `correction` and `corrects:YYYY-MM`, its memo naming the closed month and the derived
entries, one leg per account, currency and party. From then on the ledger is what the derivation
says, and the closed month reads as it was filed. A record edited in a closed month stays E070
(core.close.seal).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from core.books import sealed
from core.books.closes import close_paths, read_closes
from core.close.entries import GeneratedEntry
from core.close.seal import derivation_changed
from core.ledger.derived import Leg
from core.ledger.period import month_bounds
from core.model.errors import Problem
from core.model.money import fmt_minor
from core.model.months import add_months
from core.model.records import Book

KEY = ["account", "currency", "contact"]


@dataclass(frozen=True, slots=True)
class DerivedChange:
    """What a closed month's derivation changed and no correction has posted yet."""
    period: str
    sources: tuple[str, ...]
    entries: tuple[str, ...]
    rows: tuple[tuple[str, str, str | None, int, int], ...]     # account, currency, contact, base, amount


def _sums(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.group_by(KEY).agg(pl.col("base").sum(), pl.col("amount").sum())


def derived_change(book: Book, period: str, stored: dict[str, str]) -> DerivedChange | None:
    """The change still to correct for the closed `period` (sidecar rows `stored`), or None."""
    changed, edited = derivation_changed(book, period, stored)
    if not changed or edited:
        # A record edited in the sealed month is E070 and must be put back first: until then the
        # month's derivation cannot be compared, and a difference would land on the wrong document.
        return None
    begin, end = month_bounds(period)
    fresh = book.derived_fresh if book.derived_fresh is not None else book.derived_postings
    month = (pl.col("date") >= begin) & (pl.col("date") <= end) & pl.col("source").is_in(sorted(changed))
    was = sealed.sealed_postings(stored).filter(month)
    now = fresh.filter(month) if fresh is not None else was.clear()
    tag = f"corrects:{period}"
    ids = book.entries.filter(pl.col("tags").fill_null("").str.split(",").list.contains(tag))["id"]
    posted = book.postings.filter(pl.col("entry_id").is_in(ids.to_list())).select(*KEY, "base", "amount")
    parts = [_sums(now.select(*KEY, "base", "amount")),
             _sums(was.select(*KEY, "base", "amount")).with_columns(-pl.col("base"), -pl.col("amount")),
             _sums(posted).with_columns(-pl.col("base"), -pl.col("amount"))]
    diff = (pl.concat(parts, how="vertical_relaxed").group_by(KEY).agg(pl.col("base").sum(), pl.col("amount").sum())
            .filter((pl.col("base") != 0) | (pl.col("amount") != 0)).sort(KEY, nulls_last=True))
    if diff.is_empty():
        return None
    # The entries named are those whose postings changed by account, not every entry of a document
    # whose derivation reads differently (a Z-report derives one entry per item sold).
    by_entry = pl.concat([now.select("entry_id", *KEY, "base", "amount"),
                          was.select("entry_id", *KEY, "base", "amount")
                          .with_columns(-pl.col("base"), -pl.col("amount"))], how="vertical_relaxed")
    moved = (by_entry.group_by("entry_id", *KEY).agg(pl.col("base").sum(), pl.col("amount").sum())
             .filter((pl.col("base") != 0) | (pl.col("amount") != 0)))
    entries = sorted(set(moved["entry_id"].to_list())) or sorted(set(now["entry_id"].to_list()))
    return DerivedChange(period, tuple(sorted(changed)), tuple(entries),
                         tuple(diff.select(*KEY, "base", "amount").iter_rows()))


def name_some(ids: tuple[str, ...], limit: int = 10) -> str:
    """`A, B, C` or `A, B, ... (+4,058)`: a list a person can read in a message or a memo, in any
    language (a memo is written once, in the books' language)."""
    if len(ids) <= limit:
        return ", ".join(ids)
    return f"{', '.join(ids[:limit])} ... (+{len(ids) - limit:,})"


def pending_changes(book: Book, before: str | None = None) -> list[DerivedChange]:
    """Every closed month (before `before`) whose derivation changed and is not corrected yet."""
    if not (book.root / "closes").is_dir():
        return []
    closes, _ = read_closes(book.root)
    out = []
    for period, rec in sorted(closes.items()):
        if rec.state != "closed" or (before is not None and period >= before):
            continue
        stored = sealed.read_sidecar(book.root, period)
        if stored is not None and (change := derived_change(book, period, stored)) is not None:
            out.append(change)
    return out


def describe(book: Book, rows) -> str:
    """`120.01 +240.00, 600.01 -200.00` (EUR amounts beside their base value)."""
    dec = book.settings.decimals(book.base) or 2
    out = []
    for account, currency, contact, base, amount in rows:
        who = f" {contact}" if contact else ""
        text = f"{account}{who} {'+' if base >= 0 else '-'}{fmt_minor(abs(base), dec)}"
        if currency != book.base:
            cdec = book.settings.decimals(currency) or 2
            text += f" ({'+' if amount >= 0 else '-'}{fmt_minor(abs(amount), cdec)} {currency})"
        out.append(text)
    return ", ".join(out)


def check_derived_changes(book: Book) -> list[Problem]:
    """W018 for every closed month whose records are as sealed but derive other postings today."""
    changes = pending_changes(book)
    if not changes:
        return []
    closes, _ = read_closes(book.root)
    last_closed = max(p for p, r in closes.items() if r.state == "closed")
    first_open = add_months(last_closed, 1)
    out = []
    for ch in changes:
        rel, _, _ = close_paths(ch.period)
        out.append(Problem(
            "W018", rel, closes[ch.period].line,
            f"the postings derived in closed period {ch.period} changed: {name_some(ch.entries)}",
            record=ch.period, expected=f"the derived postings sealed by {rel}",
            found=f"derived today, by account: {describe(book, ch.rows)}",
            hint=f"the close of {first_open} will post a correction entry"))
    return out


def correction_entries(book: Book, period: str) -> list[GeneratedEntry]:
    """One correction entry per closed month before `period` whose derivation changed."""
    _, end = month_bounds(period)
    out = []
    for ch in pending_changes(book, before=period):
        legs: list[Leg] = []
        memo = f"derivation of {ch.period} changed"
        for account, currency, contact, base, amount in ch.rows:
            if currency == book.base or (base >= 0) == (amount >= 0) or base == 0 or amount == 0:
                legs.append(Leg(account, base, currency, amount, contact=contact, memo=memo))
            else:                                  # base and amount move opposite ways: one leg each
                legs += [Leg(account, base, currency, 0, contact=contact, memo=memo),
                         Leg(account, 0, currency, amount, contact=contact, memo=memo)]
        out.append(GeneratedEntry("corr", end, f"Correction of the postings derived in closed period {ch.period}: "
                                  f"{name_some(ch.entries)}", tuple(legs),
                                  ("close", "correction", f"corrects:{ch.period}")))
        out += _vat_offset_correction(book, ch, end)
    return out


def _sealed_vat_offset(book: Book, period: str, vat: set[str], targets: set[str]) -> pl.DataFrame:
    """The legs of the VAT offset the close of `period` wrote (empty when it wrote none): the entry
    tagged `vat-offset`, or, for closes written before that tag, the close entry that moves VAT
    accounts (today's or the correction's) to the payable or carried-forward account and nothing else."""
    begin, end = month_bounds(period)
    tags = pl.col("tags").fill_null("").str.split(",")
    closing = book.entries.filter(pl.col("date").is_between(begin, end) & tags.list.contains("close")
                                  & ~tags.list.contains("correction"))
    postings = book.postings.filter(pl.col("entry_id").is_in(closing["id"].to_list()))
    tagged = closing.filter(tags.list.contains("vat-offset"))["id"].to_list()
    if tagged:
        return postings.filter(pl.col("entry_id").is_in(tagged))
    for entry_id, legs in postings.group_by("entry_id", maintain_order=True):
        accounts = set(legs["account"].to_list())
        if accounts & targets and accounts <= vat | targets:
            return legs
    return postings.clear()


def _vat_offset_correction(book: Book, ch: DerivedChange, end) -> list[GeneratedEntry]:
    """The closed month's VAT offset as it would read with today's derivation, less as it was sealed.

    The sealed offset moved the month's VAT accounts to the payable (or carried-forward) account. A
    correction that moves VAT between accounts (an output VAT account replaced by another, a rate
    fixed) leaves the old account holding what the sealed offset already declared, and the next offset
    would declare it again. So the correction of the derivation comes with a correction of the offset:
    every VAT leg of the correction is offset as the closed month would have offset it, against the
    account the sealed offset used; the VAT accounts are then where the next offset expects them and
    that offset holds only its own month's VAT.
    """
    roles = book.settings.roles
    carry = book.settings.role("vat_carry_forward")
    payable = book.settings.role("vat_payable")
    vat = {c for r, c in roles if r.startswith(("vat_output:", "vat_input:"))}
    targets = {a for a in (payable, carry) if a}
    moved_accounts = {row[0] for row in ch.rows}
    sealed_legs = _sealed_vat_offset(book, ch.period, vat | moved_accounts, targets)
    if sealed_legs.is_empty():
        return []                                      # the closed month offset no VAT
    used = set(sealed_legs["account"].to_list())
    target = next((a for a in (payable, carry) if a in used), payable or carry)
    vat_accounts = (vat | used | ({carry} if carry else set())) - {payable}
    sums: dict[str, int] = {}
    for account, currency, _contact, base, _amount in ch.rows:
        if account in vat_accounts and account != target and currency == book.base:
            sums[account] = sums.get(account, 0) - base
    legs = [Leg(a, b, memo="VAT offset") for a, b in sorted(sums.items()) if b]
    counter = -sum(leg.base for leg in legs)
    if not legs or target is None:
        return []
    if counter:
        legs.append(Leg(target, counter, memo="VAT payable" if target == payable else "VAT carried forward"))
    return [GeneratedEntry("corr-vat", end, f"VAT offset of closed period {ch.period} corrected", tuple(legs),
                           ("close", "correction", "vat-offset", f"corrects-offset:{ch.period}"))]
