"""The common case of derivation as frame operations: base-currency invoices, supplier invoices,
payments and supplier payments, settled oldest first.

`core.erp.post.Deriver` replays documents one at a time in Python, which costs seconds for a few
hundred thousand documents. Most of them are plain: an invoice in the base currency, a payment
that settles the party's oldest open invoices. `split_documents` picks those out and
`derive_common` builds their entries with polars, byte for byte what the Deriver would post; the
rest go to the Deriver as before. The two never share state, because documents are split by
party: open items are kept per (side, party, currency), so a party whose documents are all plain
is derived here, and a party with any other document (foreign currency, allocations, advances,
credit notes, doubtful receivables, goods received on an order, a missing posting rule, an
amount outside the exact-arithmetic bounds below) goes to the Deriver whole. A party whose
document another document names (`invoice`, `allocations`, `applies`) goes there too.

The arithmetic is the Deriver's, on integers: quantity (thousandths) x price (ten-thousandths)
less discount, rounded half-up to the currency's minor unit; VAT on the rounded net, rounded
half-up per line. Values are bounded so that the Deriver's `Decimal` products (28 digits) are
exact, and only forms the schema allows are taken (anything else goes to the Deriver).

Oldest-first settlement without a loop: per (side, party) in document order, with I the running
total invoiced and C the running total paid, what is settled after event k is
S_k = C_k + min(0, min_{j<=k}(I_j - C_j)) (a payment beyond what is open goes on account and does
not carry forward). Payment k settles the invoiced range (S_{k-1}, S_k]; each invoice covers its
own range of I, and the overlaps are the settlement legs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from core.ledger.derived import ENTRY_SCHEMA, POSTING_SCHEMA
from core.model.records import Book, Document
from core.ledger.posting import vat_rate_name
from core.model.money import minor_units
from core.ledger.subledger import ALLOC_SCHEMA

SIMPLE_KINDS = frozenset({"invoice", "supplier-invoice", "payment", "supplier-payment"})
_INVOICES = frozenset({"invoice", "supplier-invoice"})
_QTY = r"^[0-9]{1,12}(\.[0-9]{1,3})?$"
_PRICE = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
_DISCOUNT = r"^[0-9]{1,15}(\.[0-9]{1,7})?$"
_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")
_EXACT = 10**26          # products kept below this stay exact in a 28-digit Decimal context
_CONTROL = 1 << 40       # leg order within an entry: lines 2j, 2j + 1; settlements 1 + i; control last


class _Skip(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Split:
    """Documents in derivation order, split: `common[i]` / `rest[i]` are (position, document)."""

    common: list[tuple[int, Document]]
    rest: list[tuple[int, Document]]


def split_documents(book: Book, docs: list[Document], roles: Any, base_dec: int) -> Split:
    """Which documents `derive_common` takes: see the module docstring. `docs` is in derivation order."""
    base = book.base
    odd_parties: set[str] = set()
    named: set[str] = set()
    dec = book.settings.decimals(base) or base_dec
    amount_re = _amount_re(dec)
    need = {role: roles.get(role) for role in ("receivable", "payable", "bank")}
    for doc in docs:
        if doc.invoice:
            named.add(doc.invoice)
        for a in doc.allocations:
            named.add(a.doc)
        for a in doc.applies:
            named.add(a.doc)
        if not _plain(doc, base, need, amount_re):
            odd_parties.add(doc.party)
    owners = {doc.id: doc.party for doc in docs if doc.id in named}
    odd_parties.update(owners.values())
    common, rest = [], []
    for i, doc in enumerate(docs):
        (rest if doc.party in odd_parties else common).append((i, doc))
    return Split(common, rest)


def _amount_re(dec: int) -> Any:
    return re.compile(r"[0-9]{1,15}" + (rf"(\.[0-9]{{1,{dec}}})?" if dec else ""))


def _plain(doc: Document, base: str, need: dict[str, str | None], amount_re: Any) -> bool:
    if doc.kind not in SIMPLE_KINDS or (doc.currency or base) != base or doc.allocations or doc.applies:
        return False
    if doc.kind in _INVOICES:
        if not doc.lines or need["receivable" if doc.kind == "invoice" else "payable"] is None:
            return False
        # goods received on an order are cleared at their stock value (Deriver._received_value)
        return not (doc.kind == "supplier-invoice" and doc.order and any(line.item for line in doc.lines))
    if doc.amount is None or need["receivable" if doc.kind == "payment" else "payable"] is None:
        return False
    if doc.account is None and need["bank"] is None:
        return False
    return amount_re.fullmatch(str(doc.amount)) is not None


def derive_common(book: Book, common: list[tuple[int, Document]], roles: Any, base_dec: int,
                  allocations: list[pl.DataFrame] | None = None) -> tuple[pl.DataFrame, pl.DataFrame, set[str]]:
    """Postings and entries of the plain documents, each with `_seq` (the document's position in
    derivation order) and postings with `_leg` (their order within the entry), and the parties
    whose documents turned out not to be plain after all (a line outside the bounds, a VAT rate
    with no account): derive those with the Deriver and leave their rows out. The subledger's
    allocation rows (`core.ledger.subledger.ALLOC_SCHEMA`) are appended to `allocations` when given."""
    base = book.base
    dec = book.settings.decimals(base) or base_dec
    if not common:
        return _empty_postings(), _empty_entries(), set()
    docs = pl.DataFrame({
        "_seq": [i for i, _ in common],
        "entry_id": [d.id for _, d in common],
        "kind": [d.kind for _, d in common],
        "date": pl.Series([d.date for _, d in common], dtype=pl.Date),
        "party": [d.party for _, d in common],
        "memo": [d.memo or f"{d.kind} {d.id}" for _, d in common],
        "location": [d.location for _, d in common],
        "account": [d.account for _, d in common],
        "amount": [None if d.amount is None else str(d.amount) for _, d in common],
        "file": [d.source.path for _, d in common],
        "line": pl.Series([d.source.line for _, d in common], dtype=pl.Int32),
    }, schema_overrides={c: pl.String for c in ("entry_id", "kind", "party", "memo", "location", "account", "amount",
                                               "file")})
    lines = _line_amounts(common, dec)
    odd = set(lines.filter(~pl.col("_ok")).get_column("party").unique().to_list())
    # Accounts: per distinct (kind, item, location) and VAT rate, through the same role lookups.
    lines, missing = _line_accounts(book, lines, roles)
    odd |= missing
    if odd:
        lines = lines.filter(~pl.col("party").is_in(list(odd)))
        docs = docs.filter(~pl.col("party").is_in(list(odd)))
    sign = pl.when(pl.col("kind") == "invoice").then(-1).otherwise(1)
    line_cols = lines.join(docs.select("_seq", "entry_id", "date", "memo", "file", "line", "party"), on="_seq",
                           how="left", suffix="_doc")
    revenue = line_cols.select(
        "_seq", _leg=2 * pl.col("_j"), account="_account", amount=sign * pl.col("net"),
        contact=pl.lit(None, pl.String), item="item",
        location=pl.when(pl.col("kind") == "invoice").then(pl.col("location")),
        memo="description")
    vat = line_cols.filter(pl.col("vat") != 0).select(
        "_seq", _leg=2 * pl.col("_j") + 1, account="_vat_account", amount=sign * pl.col("vat"),
        contact=pl.lit(None, pl.String), item=pl.lit(None, pl.String), location=pl.lit(None, pl.String),
        memo=pl.format("VAT {}%", pl.col("_pct")))
    totals = lines.group_by("_seq").agg(total=(pl.col("net") + pl.col("vat")).sum())
    invoices = docs.filter(pl.col("kind").is_in(list(_INVOICES))).join(totals, on="_seq", how="left")
    control = invoices.select(
        "_seq", _leg=pl.lit(_CONTROL, pl.Int64),
        account=pl.when(pl.col("kind") == "invoice").then(pl.lit(roles.get("receivable"), pl.String))
        .otherwise(pl.lit(roles.get("payable"), pl.String)),
        amount=-sign * pl.col("total"), contact="party", item=pl.lit(None, pl.String),
        location=pl.lit(None, pl.String), memo=pl.lit(None, pl.String))
    payments = _payment_legs(docs, invoices, roles, dec, allocations, base)
    legs = pl.concat([revenue.with_columns(pl.col("_leg").cast(pl.Int64)),
                      vat.with_columns(pl.col("_leg").cast(pl.Int64)), control, payments], how="vertical_relaxed")
    legs = (legs.filter(pl.col("amount") != 0)
            .join(docs.select("_seq", "entry_id", "date", "file", "line"), on="_seq", how="left")
            .sort("_seq", "_leg"))
    postings = legs.select(
        "_seq", "_leg", "entry_id", "date", "account", currency=pl.lit(base, pl.String), amount="amount",
        base="amount", rate=pl.lit(None, pl.String), contact="contact", item="item", location="location",
        memo="memo", tags=pl.lit(None, pl.String), file=pl.col("file").cast(pl.Categorical), line="line",
        source="entry_id")
    entries = docs.join(postings.select("_seq").unique(), on="_seq", how="semi").sort("_seq").select(
        "_seq", id="entry_id", date="date", memo="memo", payee="party", source="entry_id",
        tags=pl.lit(None, pl.String), line="line", file=pl.col("file").cast(pl.Categorical))
    return postings, entries, odd


def _line_amounts(common: list[tuple[int, Document]], dec: int) -> pl.DataFrame:
    """One row per invoice line: net and VAT in minor units, `_ok` false where the line is not
    within the exact bounds (its party goes to the Deriver)."""
    seq, j, kind, party, loc, item, account, desc, q, p, disc, vat = ([] for _ in range(12))
    for i, d in common:
        if d.kind not in _INVOICES:
            continue
        for n, line in enumerate(d.lines):
            seq.append(i)
            j.append(n)
            kind.append(d.kind)
            party.append(d.party)
            loc.append(d.location)
            item.append(line.item)
            account.append(line.account)
            desc.append(line.description)
            q.append(str(line.quantity))
            p.append(str(line.price))
            disc.append(str(line.discount))
            vat.append(line.vat_rate)
    pcts = {v: _vat_rate_keys(v) for v in set(vat)}
    frame = pl.DataFrame({"_seq": seq, "_j": j, "kind": kind, "party": party, "location": loc, "item": item,
                          "account": account, "description": desc, "_q": q, "_p": p, "_d": disc,
                          "_pct": [pcts[v][0] for v in vat], "_v": [pcts[v][1] for v in vat]},
                         schema={"_seq": pl.Int64, "_j": pl.Int64, "kind": pl.String, "party": pl.String,
                                 "location": pl.String, "item": pl.String, "account": pl.String,
                                 "description": pl.String, "_q": pl.String, "_p": pl.String, "_d": pl.String,
                                 "_pct": pl.String, "_v": pl.Int64})
    ok = (pl.col("_q").str.contains(_QTY) & pl.col("_p").str.contains(_PRICE) & pl.col("_d").str.contains(_DISCOUNT)
          & pl.col("_v").is_not_null() & pl.lit(dec <= 7))
    i128 = pl.Int128
    exact = pl.lit(_EXACT, i128)
    frame = frame.with_columns(_ok=ok.fill_null(False)).with_columns(
        _x=pl.when(pl.col("_ok")).then(_scaled(pl.col("_q"), 3) * _scaled(pl.col("_p"), 4)).otherwise(pl.lit(0, i128)),
        _dx=pl.when(pl.col("_ok")).then(_scaled(pl.col("_d"), 7)).otherwise(pl.lit(0, i128)))
    frame = frame.with_columns(
        _ok=pl.col("_ok") & (pl.col("_x") < exact) & (pl.col("_dx") < exact) & (pl.col("_x") >= pl.col("_dx")))
    unit = pl.lit(10 ** max(7 - dec, 0), i128)
    net = (2 * (pl.col("_x") - pl.col("_dx")) + unit) // (2 * unit)
    frame = frame.with_columns(net=pl.when(pl.col("_ok")).then(net).otherwise(pl.lit(0, i128)))
    frame = frame.with_columns(_ok=pl.col("_ok") & (pl.col("net") < pl.lit(10**21, i128)))
    vat_amount = (2 * pl.col("net") * pl.col("_v").cast(i128) + 10_000) // 20_000
    return frame.with_columns(
        net=pl.when(pl.col("_ok")).then(pl.col("net")).otherwise(pl.lit(0, i128)).cast(pl.Int64),
        vat=pl.when(pl.col("_ok")).then(vat_amount).otherwise(pl.lit(0, i128)).cast(pl.Int64)).drop("_x", "_dx")


def _scaled(col: pl.Expr, decimals: int) -> pl.Expr:
    """A decimal string (checked: digits, at most `decimals` after the point) as an Int128 of
    10^-decimals units."""
    whole = col.str.extract(r"^([0-9]+)", 1).cast(pl.Int128)
    frac = col.str.extract(r"\.([0-9]+)$", 1).fill_null("").str.pad_end(decimals, "0").cast(pl.Int128)
    return whole * pl.lit(10**decimals, pl.Int128) + frac


def _vat_rate_keys(rate: Decimal) -> tuple[str, int | None]:
    """The VAT rate as the Deriver names it, and in hundredths of a percent (None: not exact)."""
    if _PERCENT.fullmatch(str(rate)) is None:     # the schema's form: a short coefficient keeps products exact
        return vat_rate_name(rate), None
    return vat_rate_name(rate), int(rate * 100)


def _line_accounts(book: Book, lines: pl.DataFrame, roles: Any) -> tuple[pl.DataFrame, set[str]]:
    """The account of each line and of its VAT; parties with a lookup that finds no account."""
    pairs = lines.select("kind", "item", "location", "account").unique().rows()
    vat_keys = lines.filter(pl.col("vat") != 0).select("kind", "_pct").unique().rows()
    acc: dict[tuple[Any, ...], str | None] = {}
    for kind, item, loc, account in pairs:
        if kind == "invoice":
            acc[(kind, item, loc, account)] = account or roles.get("sales", item, loc)
        else:
            stocked = item is not None and item in book.items and book.items[item].type == "stock" and account is None
            acc[(kind, item, loc, account)] = roles.get("goods_received") if stocked else (
                account or roles.get("expenses", item, loc))
    vat_acc = {(kind, pct): roles.get(f"{'vat_output' if kind == 'invoice' else 'vat_input'}:{pct}")
               for kind, pct in vat_keys}
    keys = list(acc)
    table = pl.DataFrame({"kind": [k[0] for k in keys], "item": [k[1] for k in keys],
                          "location": [k[2] for k in keys], "account": [k[3] for k in keys],
                          "_account": [acc[k] for k in keys]},
                         schema={"kind": pl.String, "item": pl.String, "location": pl.String, "account": pl.String,
                                 "_account": pl.String})
    vkeys = list(vat_acc)
    vtable = pl.DataFrame({"kind": [k[0] for k in vkeys], "_pct": [k[1] for k in vkeys],
                           "_vat_account": [vat_acc[k] for k in vkeys]},
                          schema={"kind": pl.String, "_pct": pl.String, "_vat_account": pl.String})
    out = (lines.join(table, on=["kind", "item", "location", "account"], how="left", nulls_equal=True,
                      maintain_order="left")
           .join(vtable, on=["kind", "_pct"], how="left", maintain_order="left"))
    missing = out.filter(pl.col("_account").is_null() | ((pl.col("vat") != 0) & pl.col("_vat_account").is_null()))
    return out, set(missing.get_column("party").unique().to_list())


def _payment_legs(docs: pl.DataFrame, invoices: pl.DataFrame, roles: Any, dec: int,
                  allocations: list[pl.DataFrame] | None = None, base: str = "") -> pl.DataFrame:
    """Bank, settlement and on-account legs of the payments, oldest invoices first (and, into
    `allocations`, the subledger rows that say what each payment settled)."""
    side = pl.when(pl.col("kind").is_in(["invoice", "payment"])).then(pl.lit("ar")).otherwise(pl.lit("ap"))
    pays = docs.filter(pl.col("kind").is_in(["payment", "supplier-payment"])).with_columns(
        paid=minor_units(pl.col("amount"), dec))
    events = pl.concat([
        invoices.select("_seq", "kind", "party", inv=pl.col("total").cast(pl.Int64), paid=pl.lit(0, pl.Int64)),
        pays.select("_seq", "kind", "party", inv=pl.lit(0, pl.Int64), paid=pl.col("paid").cast(pl.Int64)),
    ]).with_columns(_side=side).sort("_side", "party", "_seq")
    grp = ["_side", "party"]
    events = events.with_columns(_i=pl.col("inv").cum_sum().over(grp), _c=pl.col("paid").cum_sum().over(grp))
    events = events.with_columns(
        _s=pl.col("_c") + pl.min_horizontal(pl.lit(0, pl.Int64), (pl.col("_i") - pl.col("_c")).cum_min().over(grp)))
    events = events.with_columns(_s0=pl.col("_s").shift(1, fill_value=0).over(grp),
                                 _off=pl.col("inv").cum_sum() - pl.col("_i"))   # the group's start in one axis
    inv = events.filter(pl.col("kind").is_in(list(_INVOICES))).select(
        "_seq", _g=pl.col("_off") + pl.col("_i"), _t="inv").with_row_index("_n")
    pay = events.filter(pl.col("kind").is_in(["payment", "supplier-payment"])).select(
        "_seq", "kind", "party", "paid", _a=pl.col("_off") + pl.col("_s0"), _b=pl.col("_off") + pl.col("_s"),
        _taken=pl.col("_s") - pl.col("_s0"))
    ends = inv.get_column("_g")
    pay = pay.with_columns(
        _first=ends.search_sorted(pay.get_column("_a"), side="right").cast(pl.Int64),
        _last=ends.search_sorted(pay.get_column("_b"), side="left").cast(pl.Int64))
    settle = (pay.filter(pl.col("_taken") > 0)
              .with_columns(_n=pl.int_ranges("_first", pl.col("_last") + 1, dtype=pl.UInt32)).explode("_n")
              .join(inv.select("_n", _inv_seq="_seq", _g="_g", _t="_t"), on="_n", how="left")
              .with_columns(take=pl.min_horizontal("_b", "_g") - pl.max_horizontal("_a", pl.col("_g") - pl.col("_t")))
              .filter(pl.col("take") > 0)
              .join(docs.select(_inv_seq="_seq", _inv_id="entry_id"), on="_inv_seq", how="left"))
    sign = pl.when(pl.col("kind") == "payment").then(1).otherwise(-1)
    control = pl.when(pl.col("kind") == "payment").then(pl.lit(roles.get("receivable"), pl.String)) \
        .otherwise(pl.lit(roles.get("payable"), pl.String))
    bank = pays.select("_seq", _leg=pl.lit(0, pl.Int64),
                       account=pl.coalesce("account", pl.lit(roles.get("bank"), pl.String)),
                       amount=sign * pl.col("paid"), contact=pl.lit(None, pl.String), item=pl.lit(None, pl.String),
                       location=pl.lit(None, pl.String), memo=pl.lit(None, pl.String))
    settled = settle.select("_seq", _leg=1 + pl.col("_n").cast(pl.Int64), account=control,
                            amount=-sign * pl.col("take"), contact="party", item=pl.lit(None, pl.String),
                            location=pl.lit(None, pl.String), memo=pl.format("settles {}", "_inv_id"))
    on_account = pay.filter(pl.col("paid") > pl.col("_taken")).select(
        "_seq", _leg=pl.lit(_CONTROL, pl.Int64), account=control, amount=-sign * (pl.col("paid") - pl.col("_taken")),
        contact="party", item=pl.lit(None, pl.String), location=pl.lit(None, pl.String),
        memo=pl.lit("on account", pl.String))
    if allocations is not None:
        allocations.append(_allocation_rows(docs, invoices, settle, pay, base))
    return pl.concat([bank, settled, on_account], how="vertical_relaxed")


def _allocation_rows(docs: pl.DataFrame, invoices: pl.DataFrame, settle: pl.DataFrame, pay: pl.DataFrame,
                     base: str) -> pl.DataFrame:
    """The rows the Deriver's `Ledgers` records for these documents: each invoice opens an item,
    each payment settles its invoices oldest first and leaves the rest to the oldest items."""

    side = pl.when(pl.col("kind").is_in(["invoice", "payment"])).then(pl.lit("ar")).otherwise(pl.lit("ap"))
    where = docs.select("_seq", "entry_id", "date", "file", "line")
    opened = invoices.select("_seq", side=side, kind=pl.lit("open"), party="party", doc="entry_id",
                             by=pl.lit(None, pl.String), amount=pl.col("total").cast(pl.Int64),
                             _k=pl.lit(0, pl.Int64))
    settled = settle.select("_seq", side=side, kind=pl.lit("settle"), party="party", doc="_inv_id",
                            amount=pl.col("take").cast(pl.Int64),
                            _k=(pl.col("_n").rank("ordinal").over("_seq") - 1).cast(pl.Int64)
                            ).join(where.select("_seq", by="entry_id"), on="_seq", how="left")
    left = pay.filter(pl.col("paid") > pl.col("_taken")).select(
        "_seq", side=side, kind=pl.lit("oldest"), party="party", doc=pl.lit(None, pl.String),
        amount=(pl.col("paid") - pl.col("_taken")).cast(pl.Int64), _k=pl.lit(1 << 40, pl.Int64)
    ).join(where.select("_seq", by="entry_id"), on="_seq", how="left")
    rows = pl.concat([opened.select("_seq", "side", "kind", "party", "doc", "by", "amount", "_k"),
                      settled.select("_seq", "side", "kind", "party", "doc", "by", "amount", "_k"),
                      left.select("_seq", "side", "kind", "party", "doc", "by", "amount", "_k")])
    return rows.join(where, on="_seq", how="left").select(
        "entry_id", "date", "side", "kind", "party", "doc", "by", currency=pl.lit(base, pl.String), amount="amount",
        base="amount", file="file", line="line", _k="_k").cast(ALLOC_SCHEMA)


def _empty_postings() -> pl.DataFrame:
    return pl.DataFrame(schema={"_seq": pl.Int64, "_leg": pl.Int64, **POSTING_SCHEMA})


def _empty_entries() -> pl.DataFrame:
    return pl.DataFrame(schema={"_seq": pl.Int64, **ENTRY_SCHEMA})
