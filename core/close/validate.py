"""Checks across records: references, balance, accounts, stock. Each check returns Problems.

`load` already reported what is wrong inside one record (schema, decimals, rates); these checks
look at records together. Hot checks are polars joins and group-bys, so a million entries cost
about as much as reading them. Keep `CHECKS` in the order people fix things: references first.
"""

from __future__ import annotations

from typing import Callable, Iterable

import polars as pl

from core.model.errors import Problem
from core.model.records import Book
from core.model.money import fmt_minor
from core.books.unread import hold_back_stock
from core.erp.documents import check_credit_limits, check_documents, check_tie_outs
from core.erp.pricing import check_prices
from core.erp.commissions import check_commissions
from core.erp.supplier_prices import check_price_moves
from core.erp.waste import check_waste_reasons
from core.books.closes import check_close_history, check_leftovers
from core.close.seal import check_seals
from core.close.correction import check_derived_changes
from core.close.tags import check_close_tags
from core.books.tax_numbers import check_contact_numbers
from core.erp import asset_ties, assets, depreciation, recurring
from core.erp import private_books
from core.erp.doubleissue import check_double_issues
from core.erp.gib_numbers import check_gib_numbers
from core.ledger.opening import check_opening_entries
from core.close.yearend_checks import check_due_tags, check_old_losses
from core.erp.production import stock_moves
from core.erp.stock import IN_KINDS, stock_deltas, stock_levels  # noqa: F401  (re-exported: validation's stock order)

Check = Callable[[Book], list[Problem]]


def _ids(values: Iterable[str]) -> pl.Expr:
    """A set of ids for `is_in` (imploded, so polars reads it as one collection). A record without
    an id (reported on its own, as a missing field) is left out."""
    return pl.lit(pl.Series(sorted(v for v in values if v is not None), dtype=pl.String)).implode()


def check_posting_accounts(book: Book) -> list[Problem]:
    """Postings go to known, leaf, open accounts, in a currency the account allows."""
    problems: list[Problem] = []
    known = _ids(book.accounts)
    p = book.postings
    for rid, f, ln, acc in p.filter(~pl.col("account").is_in(known)).select("entry_id", "file", "line",
                                                                          "account").iter_rows():
        near = [c for c in book.accounts if c.startswith(acc.split(".")[0])][:3]
        problems.append(Problem("E030", str(f), ln, f"account {acc} is not in the chart", record=rid or "",
                                found=acc, expected="an account from accounts.yaml" + (
                                    f" (near: {', '.join(near)})" if near else ""),
                                hint=f"add it to accounts.yaml (`- code: \"{acc}\"` with name and type) "
                                     "or correct the code"))
    groups = book.groups()
    if groups:
        for rid, f, ln, acc in p.filter(pl.col("account").is_in(_ids(groups))).select(
                "entry_id", "file", "line", "account").iter_rows():
            leaves = sorted(c for c, a in book.accounts.items() if a.parent == acc)[:4]
            problems.append(Problem("E034", str(f), ln, f"account {acc} is a group; post to one of its sub-accounts",
                                    record=rid or "", found=acc, expected="a leaf account: " + ", ".join(leaves),
                                    hint=f"use {leaves[0]}" if leaves else "post to a leaf account"))
    closed = [(c, a.closed) for c, a in book.accounts.items() if a.closed is not None]
    if closed:
        table = pl.DataFrame({"account": [c for c, _ in closed], "_closed": [d for _, d in closed]})
        late = p.join(table, on="account").filter(pl.col("date") > pl.col("_closed"))
        for rid, f, ln, acc, d, cd in late.select("entry_id", "file", "line", "account", "date",
                                                  "_closed").iter_rows():
            problems.append(Problem("E035", str(f), ln, f"account {acc} was closed on {cd}", record=rid or "",
                                    expected=f"a date on or before {cd}", found=str(d),
                                    hint="post to the account that replaced it, or reopen the account "
                                         "(remove `closed:` in accounts.yaml)"))
    pinned = [(c, a.currency) for c, a in book.accounts.items() if a.currency]
    if pinned:
        table = pl.DataFrame({"account": [c for c, _ in pinned], "_cur": [x for _, x in pinned]})
        wrong = p.join(table, on="account").filter(pl.col("currency") != pl.col("_cur"))
        for rid, f, ln, acc, cur, want in wrong.select("entry_id", "file", "line", "account", "currency",
                                                        "_cur").iter_rows():
            problems.append(Problem("E037", str(f), ln, f"account {acc} holds {want} only", record=rid or "",
                                    expected=want, found=cur, hint=f"post {cur} to a {cur} account, or convert"))
    return problems


def check_contacts_referenced(book: Book) -> list[Problem]:
    """Every contact id used by postings, entries, CRM records, orders and items exists."""
    problems: list[Problem] = []
    known = _ids(book.contacts)
    for frame, col, rid_col in ((book.postings, "contact", "entry_id"), (book.entries, "payee", "id")):
        bad = frame.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(known))
        for rid, f, ln, cid in bad.select(rid_col, "file", "line", col).iter_rows():
            problems.append(_unknown_contact(str(f), ln, rid or "", cid, col))
    for c in book.contacts.values():
        for field in ("company", "owner", "merged_into", "location"):
            ref = c.get(field)
            if ref is None:
                continue
            if field == "location":
                if ref not in book.locations:
                    problems.append(Problem("E033", c.source.path, c.source.line, f"unknown location {ref}",
                                            record=c.id, hint="add it to stock/locations.yaml or correct it"))
            elif ref not in book.contacts:
                problems.append(_unknown_contact(c.source.path, c.source.line, c.id, ref, field))
    for a in book.activities:
        for field, ref in (("contact", a.contact), ("owner", a.owner)):
            if ref and ref not in book.contacts:
                problems.append(_unknown_contact(a.source.path, a.source.line, a.id, ref, field))
    for deal in book.deals:
        for field, ref in (("contact", deal.contact), ("owner", deal.owner)):
            if ref and ref not in book.contacts:
                problems.append(_unknown_contact(deal.source.path, deal.source.line, deal.id, ref, field))
    for campaign in book.campaigns:
        for ref in campaign.members:
            if ref not in book.contacts:
                problems.append(_unknown_contact(campaign.source.path, campaign.source.line, campaign.id, ref,
                                                 "member"))
    for link in book.links:
        for field, ref, side in (("crm", link.crm, "crm"), ("erp", link.erp, "erp")):
            c = book.contacts.get(ref)
            if c is None:
                problems.append(_unknown_contact(link.source.path, link.source.line, f"{link.crm}-{link.erp}",
                                                 ref, field))
            elif c.side != side:
                problems.append(Problem("E038", link.source.path, link.source.line,
                                        f"{ref} is a {c.side.upper()} record, not {side.upper()}",
                                        record=f"{link.crm}-{link.erp}",
                                        hint="`crm:` takes a C- id, `erp:` a CU-/SU- id"))
    for item in book.items.values():
        if item.supplier and item.supplier not in book.contacts:
            problems.append(_unknown_contact(item.source.path, item.source.line, item.id, item.supplier, "supplier"))
    return problems


def check_aliases(book: Book) -> list[Problem]:
    """`merged_into` (left by `kebir dedup apply`) names a contact on the same side that is not itself
    merged away, so every lookup resolves in one step and never loops."""
    problems: list[Problem] = []
    for c in book.contacts.values():
        target_id = c.get("merged_into")
        if not target_id or target_id not in book.contacts:
            continue          # an unknown id is E031
        target = book.contacts[target_id]
        why = ("it is the contact itself" if target_id == c.id else
               f"{target_id} is on the {target.side.upper()} side" if target.side != c.side else
               f"{target_id} is itself merged into {target.get('merged_into')}" if target.get("merged_into") else "")
        if why:
            problems.append(Problem("E079", c.source.path, c.source.line, f"{c.id} merged_into {target_id}: {why}",
                                    record=c.id, found=target_id, expected="a surviving contact on the same side",
                                    hint=f"point merged_into at the survivor ({book.resolve(c.id)}), or link "
                                         "across sides in contacts/links.yaml instead"))
    return problems


def check_campaigns_referenced(book: Book) -> list[Problem]:
    """Deals, documents and promotions name campaigns that exist in contacts/crm/campaigns.yaml."""
    known = {c.id for c in book.campaigns}
    problems: list[Problem] = []

    def bad(path: str, line: int, rid: str, ref: str) -> None:
        problems.append(Problem("E080", path, line, f"campaign {ref} is not in contacts/crm/campaigns.yaml",
                                record=rid, found=ref, hint="add the campaign there, or correct the id"))

    for deal in book.deals:
        if deal.campaign and deal.campaign not in known:
            bad(deal.source.path, deal.source.line, deal.id, deal.campaign)
    for doc in book.documents:
        if doc.campaign and doc.campaign not in known:
            bad(doc.source.path, doc.source.line, doc.id, doc.campaign)
    for rule in book.prices:
        if rule.campaign and rule.campaign not in known:
            bad(rule.source.path, rule.source.line, rule.id, rule.campaign)
    return problems


def _unknown_contact(path: str, line: int, rid: str, cid: str, field: str) -> Problem:
    return Problem("E031", path, line, f"{field} {cid} is not a known contact", record=rid, found=cid,
                   expected="an id from contacts/erp/*.yaml or contacts/crm/*.yaml",
                   hint=f"add the contact first (kebir contacts add) or correct `{field}`")


def check_orders(book: Book) -> list[Problem]:
    """Orders name a known party of the right kind, known items and locations."""
    problems: list[Problem] = []
    for o in book.orders:
        party = book.contacts.get(o.party)
        want = "customer" if o.kind == "sales" else "supplier"
        if party is None:
            problems.append(_unknown_contact(o.source.path, o.source.line, o.id, o.party, "party"))
        elif party.role != want:
            problems.append(Problem("E038", o.source.path, o.source.line,
                                    f"a {o.kind} order's party must be a {want}, {o.party} is a {party.role}",
                                    record=o.id, hint=f"use a {want} id (CU- for sales, SU- for purchases)"))
        if o.location and o.location not in book.locations:
            problems.append(Problem("E033", o.source.path, o.source.line, f"unknown location {o.location}",
                                    record=o.id, hint="add it to stock/locations.yaml or correct it"))
        if o.currency and book.settings.decimals(o.currency) is None:
            problems.append(Problem("E036", o.source.path, o.source.line, f"currency {o.currency} is not declared",
                                    record=o.id, hint=f"add `{o.currency} = 2` under [currencies] in books.toml"))
        for line in o.lines:
            if line.item not in book.items:
                problems.append(_unknown_item(line.source.path, line.source.line, o.id, line.item))
    return problems


def _unknown_item(path: str, line: int, rid: str, item: str) -> Problem:
    return Problem("E032", path, line, f"item {item} is not in stock/items.yaml", record=rid, found=item,
                   hint="add the item to stock/items.yaml or correct the id")


def check_moves_referenced(book: Book) -> list[Problem]:
    problems: list[Problem] = []
    m = book.moves
    for mid, f, ln, item in m.filter(pl.col("item").is_not_null() & ~pl.col("item").is_in(_ids(book.items))
                                     ).select("id", "file", "line", "item").iter_rows():
        problems.append(_unknown_item(str(f), ln, mid or "", item))
    locs = _ids(book.locations)
    for col in ("location", "to_location"):
        for mid, f, ln, loc in m.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(locs)
                                        ).select("id", "file", "line", col).iter_rows():
            problems.append(Problem("E033", str(f), ln, f"unknown location {loc}", record=mid or "", found=loc,
                                    expected="an id from stock/locations.yaml: " + ", ".join(sorted(book.locations)),
                                    hint="add it to stock/locations.yaml or correct it"))
    return problems


def check_balanced(book: Book) -> list[Problem]:
    """Every entry sums to exactly zero in the base currency, and has at least two postings.

    An entry's postings are consecutive rows (they come from one record), so entries are found as
    runs of equal `entry_id`: a group-by on a run number, several times faster than on the id.
    """
    problems: list[Problem] = []
    dec = book.settings.base_decimals
    run = (pl.col("entry_id") != pl.col("entry_id").shift(1)).fill_null(True).cum_sum().alias("_run")
    sums = (book.postings.select("entry_id", "base", run)
            .group_by("_run").agg(pl.col("entry_id").first(), pl.col("base").sum().alias("total"), pl.len().alias("n")))
    broken = _ids(book.broken_entries)
    off = sums.filter((pl.col("total") != 0) & pl.col("entry_id").is_not_null())   # no id: reported as missing
    if book.broken_entries:
        off = off.filter(~pl.col("entry_id").is_in(broken))
    if not off.is_empty():
        sides = (book.postings.filter(pl.col("entry_id").is_in(_ids(off["entry_id"].to_list())))
                 .group_by("entry_id").agg(dr=pl.col("base").clip(lower_bound=0).sum(),
                                           cr=(-pl.col("base")).clip(lower_bound=0).sum()))
        located = (off.join(sides, on="entry_id", how="left")
                   .join(book.entries.select(pl.col("id").alias("entry_id"), "file", "line")
                         .unique("entry_id", keep="first"), on="entry_id", how="left"))
        rounding = book.settings.role("rounding")
        for rid, total, dr, cr, f, ln in located.select("entry_id", "total", "dr", "cr", "file", "line").iter_rows():
            problems.append(Problem(
                "E040", str(f), ln, f"entry {rid} does not balance", record=rid,
                expected=f"debits = credits in {book.base}",
                found=f"debits {fmt_minor(dr, dec)} {book.base}, credits {fmt_minor(cr, dec)} {book.base}: "
                      f"off by {fmt_minor(abs(total), dec)} {book.base}",
                hint="fix an amount" + (f", or post the difference to the rounding account {rounding}"
                                        if rounding else "")))
    counts = sums.filter(pl.col("n") < 2).select(pl.col("entry_id").alias("id"), pl.col("n"))
    lonely = book.entries.join(counts, on="id", how="inner")
    if book.entries.height != sums.height:     # some entries have no postings at all
        bare = book.entries.filter(~pl.col("id").is_in(_ids(sums["entry_id"].drop_nulls().to_list())))
        lonely = pl.concat([lonely, bare.with_columns(n=pl.lit(0, pl.UInt32))], how="diagonal_relaxed")
    if book.broken_entries:
        lonely = lonely.filter(~pl.col("id").is_in(broken))
    for rid, f, ln, n in lonely.select("id", "file", "line", "n").iter_rows():
        problems.append(Problem("E044", str(f), ln, f"entry {rid} has {n or 0} posting{'s' if n != 1 else ''}",
                                record=rid or "", expected="at least two postings",
                                hint="an entry moves value between accounts: add the other side"))
    return problems


def check_stock_non_negative(book: Book) -> list[Problem]:
    """No item goes below zero at any location on any date (first time per item and location), the
    moves derived from recipes (a Z-report's sales, a dish issued, a production run) included."""

    moves = stock_moves(book)
    if moves.is_empty():
        return []
    neg = stock_levels(moves).filter(pl.col("level") < 0)
    first = neg.group_by("item", "location", maintain_order=True).first()
    first, problems = hold_back_stock(book, first)     # not the follow-on of a file that cannot be read
    for mid, f, ln, item, loc, d, level, delta in first.select("id", "file", "line", "item", "location", "date",
                                                               "level", "delta").iter_rows():
        unit = book.items[item].unit if item in book.items else ""
        problems.append(Problem(
            "E050", str(f), ln, f"{item} at {loc} goes below zero on {d}", record=mid or "",
            expected="on hand >= 0", found=f"{_qty(level)} {unit} after this move ({_qty(delta)})".strip(),
            hint=_negative_hint(mid or "")))
    return problems


def _negative_hint(move: str) -> str:
    if move.startswith("Z-") and "/" in move:
        return ("the day's sales take this through their recipes (or sell it as it is): book the missing "
                "receipt or transfer in before the day ends, or correct the recipe or the quantity sold")
    if "/" in move:
        return ("issued through a recipe (a dish issued or a production run): book the missing receipt or "
                "transfer in before it, or correct the recipe or the quantity")
    return "a receipt or transfer in is missing or dated later, or this quantity is too large"


def _qty(thousandths: int) -> str:
    return fmt_minor(thousandths, 3)




def check_close_records(book: Book) -> list[Problem]:
    """Accounts, locations and contacts named by assets/register.yaml and recurring.yaml; purchases
    of fixed assets the register does not hold (E202), VUK lives in whole years (E204) and register
    entries that no longer give the depreciation booked for them (E206)."""
    groups = book.groups()
    return (assets.check_references(book.assets, book.accounts, groups, book.locations)
            + recurring.check_references(book.recurring, book.accounts, groups, book.contacts)
            + asset_ties.check_unregistered(book) + depreciation.check_method(book.assets, book.settings.assets.method)
            + asset_ties.check_schedule_changes(book))


CHECKS: tuple[Check, ...] = (
    check_posting_accounts,
    check_close_records,
    check_contacts_referenced,
    check_contact_numbers,
    check_aliases,
    check_campaigns_referenced,
    private_books.check,
    check_documents,
    check_gib_numbers,
    check_tie_outs,
    check_credit_limits,
    check_prices,
    check_commissions,
    check_price_moves,
    check_waste_reasons,
    check_seals,
    check_derived_changes,
    check_close_history,
    check_close_tags,
    check_leftovers,
    check_moves_referenced,
    check_balanced,
    check_opening_entries,
    check_stock_non_negative,
    check_double_issues,
    check_due_tags,
    check_old_losses,
)


def run_all(book: Book) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(book)
    return problems
