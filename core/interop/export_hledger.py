"""The books as an hledger journal, so any number kebir reports can be checked by hledger.

Account names are the names they were imported from (`Assets:US:ETrade:VEA`, see `source_names`),
else the chain of codes from the top group down (`1:10:102:102.01`), declared with
their hledger type (A, L, E, R, X, C) so `bs`, `is` and `type:` queries work, and their name as a
comment. Foreign-currency postings carry their base value as a total cost (`@@`), so
`hledger bal -B` sums exactly what kebir sums, and their rate as a `rate:` tag. A revaluation leg
(no foreign amount, a base value only: what the close's FX revaluation posts) is written as that
base value in the base currency on the same account, tagged `revalues:EUR` (`revalue_leg`): a
zero amount at a total cost cannot carry a sign, and beancount takes no price on zero units. The payee is the
contact's name in the description (`Name | memo`) and its id as a `payee:` tag; posting contacts
are `contact:` tags. `kebir import journal` reads all of these back, so export and import round-trip.
Market prices are `P` directives from rates/. Output is deterministic: entries by date and id,
postings in their written order.
"""

from __future__ import annotations

import polars as pl

from core.model.records import Book
from core.model.money import fmt_minor
from core.ledger.period import Span
from core.interop.account_map import derived_code

HLEDGER_TYPE = {"asset": "A", "cash": "C", "bank": "C", "liability": "L", "equity": "E",
                "income": "R", "expense": "X"}


def account_path(book: Book, code: str) -> str:
    """`102.01` -> `1:10:102:102.01` (the parent chain, top first)."""
    chain = [code]
    seen = {code}
    acc = book.accounts.get(code)
    while acc is not None and acc.parent and acc.parent not in seen:
        chain.append(acc.parent)
        seen.add(acc.parent)
        acc = book.accounts.get(acc.parent)
    return ":".join(reversed(chain))


def source_names(book: Book) -> dict[str, str]:
    """Code -> the account name it was imported from, for every account whose code is exactly the
    code `kebir import journal` derives from the chain of names as written (`Assets:US:ETrade:VEA`
    -> `Assets.US.ETrade.VEA`, `資産:現金` -> `u487b53.uabfcd7`). Exporting those names instead of
    codes gives back the originals, and importing the export gives back the same codes. Accounts of
    kebir's own chart (`102.01` "Garanti TL") are not in it. Names that would read differently in a
    journal (two spaces, `;`, a tab) or that two codes share are left out."""

    memo: dict[str, str | None] = {}

    def name(code: str, depth: int = 0) -> str | None:
        if code in memo:
            return memo[code]
        acc = book.accounts.get(code)
        memo[code] = None
        if acc is None or depth > 64:
            return None
        leaf = str(acc.name or "").strip()
        if not leaf or ":" in leaf or "  " in leaf or "\t" in leaf or ";" in leaf or leaf[:1] in "([":
            return None
        parent = acc.parent or (code.rpartition(".")[0] if "." in code else None)
        cand = None
        if parent and parent in book.accounts:
            up = name(parent, depth + 1)
            cand = f"{up}:{leaf}" if up else None
        else:
            tail = derived_code(leaf)
            if code == tail:
                cand = leaf
            elif code.endswith("." + tail):
                head = code[: -len(tail) - 1].split(".")
                if all(h and h[0].isalnum() and h.replace("-", "").replace("_", "").isalnum() for h in head):
                    cand = ":".join(head) + ":" + leaf
        if cand is not None and derived_code(cand) == code:
            memo[code] = cand
        return memo[code]

    out = {code: n for code in book.accounts if (n := name(code))}
    taken: dict[str, int] = {}
    for n in out.values():
        taken[n] = taken.get(n, 0) + 1
    out = {c: n for c, n in out.items() if taken[n] == 1}
    for code, acc in book.accounts.items():     # `X.own`, made by the import for X's own postings: X again
        up, _, leaf = code.rpartition(".")
        if (leaf == "own" or leaf.startswith("own-")) and up in out and str(acc.name).endswith("(own postings)"):
            out[code] = out[up]
    return out


def export_paths(book: Book) -> dict[str, str]:
    """Code -> the account name an export writes: the name it was imported from (`source_names`)
    or, for kebir's own chart, the chain of codes (`1:10:102:102.01`). A chain of codes that one of
    the imported names already spells is left as it is (it would be one account in the export)."""
    names = source_names(book)
    chains = {code: account_path(book, code) for code in book.accounts}
    clash = set(names.values()) & {c for code, c in chains.items() if code not in names}
    return {code: (names[code] if code in names and names[code] not in clash else chains[code])
            for code in book.accounts}


def _clean(text: str | None) -> str:
    return " ".join((text or "").replace(";", ",").split())


def ledger_in(book: Book, span: Span) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(postings, entries) of the general ledger in `span`, without entries that have field errors:
    what every export writes."""
    p = book.ledger()
    e = book.ledger_entries()
    if span.begin is not None:
        p, e = p.filter(pl.col("date") >= span.begin), e.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        p, e = p.filter(pl.col("date") < span.end), e.filter(pl.col("date") < span.end)
    if book.broken_entries:
        broken = pl.lit(pl.Series(sorted(book.broken_entries), dtype=pl.String)).implode()
        p, e = p.filter(~pl.col("entry_id").is_in(broken)), e.filter(~pl.col("id").is_in(broken))
    return p, e


def rates_in(book: Book, span: Span) -> list[tuple]:
    """(date, currency, rate) of rates/ in `span`, by date and currency."""
    if book.rates.is_empty():
        return []
    return [(d, cur, rate) for d, cur, rate in book.rates.sort("date", "currency").select("date", "currency", "rate")
            .iter_rows() if (span.begin is None or d >= span.begin) and (span.end is None or d < span.end)]


def _tag(tag: str) -> str:
    """A kebir tag as an hledger tag: `close` -> `close:` (a tag without a value); `due:2026-02-27`
    -> `due:2026-02-27` (name `due`, value the date), which `kebir import journal` reads back as it
    was, where `due:2026-02-27:` would come back with a colon after the date."""
    return tag if ":" in tag else f"{tag}:"


def entries_with_postings(p: pl.DataFrame, e: pl.DataFrame):
    """(id, date, memo, payee, source, tags, postings) per entry in date order; postings are the
    columns account, currency, amount, base, contact, memo, rate, tags as parallel lists."""
    grouped = p.group_by("entry_id", maintain_order=True).agg(
        pl.col("account"), pl.col("currency"), pl.col("amount"), pl.col("base"), pl.col("contact"), pl.col("memo"),
        pl.col("rate"), pl.col("tags"))
    posts = {r[0]: r[1:] for r in grouped.iter_rows()}
    for eid, d, memo, payee, source, tags in e.sort("date", "id").select(
            "id", "date", "memo", "payee", "source", "tags").iter_rows():
        if eid in posts:
            yield eid, d, memo, payee, source, tags, posts[eid]


def revalue_leg(cur: str, amount: int, base_value: int, base: str) -> bool:
    """A posting that changes only the base value of a foreign-currency balance (a revaluation):
    exports write it as `base_value` in the base currency, tagged with the currency it revalues."""
    return cur != base and amount == 0 and base_value != 0


def export_hledger(book: Book, span: Span = Span()) -> str:
    base = book.base
    bdec = book.settings.base_decimals
    out = [f"; {book.settings.name}: exported by kebir (base currency {base})", "", "decimal-mark .", ""]
    for cur, dec in book.settings.currencies:
        # hledger 1.25 wants a decimal mark in a commodity directive: `100000.` says 0 decimals
        out.append(f"commodity {fmt_minor(100000 * 10**dec, dec)}{'' if dec else '.'} {cur}")
    out.append("")
    paths = export_paths(book)
    declared: set[str] = set()
    for code in sorted(book.accounts):
        a = book.accounts[code]
        if paths[code] in declared:
            continue          # `X.own` is written as X, declared once
        declared.add(paths[code])
        kind = f", kebir-type: {a.type}" if a.type == "bank" else ""     # hledger's C is cash and bank alike
        out.append(f"account {paths[code]}  ; type: {HLEDGER_TYPE[a.type]}{kind}, name: {_clean(a.name)}")
    out.append("")
    p, e = ledger_in(book, span)
    decs = dict(book.settings.currencies)
    rates = rates_in(book, span)
    out += [f"P {d} {cur} {rate} {base}" for d, cur, rate in rates] + ([""] if rates else [])
    for eid, d, memo, payee, source, tags, legs in entries_with_postings(p, e):
        who = book.contacts[payee].name if payee in book.contacts else ""
        desc = f"{_clean(who)} | {_clean(memo)}" if who else _clean(memo)
        out.append(f"{d} ({eid}) {desc}".rstrip())
        meta = [f"source:{source}"] if source else []
        if who:
            meta.append(f"payee:{payee}")
        meta += [_tag(t) for t in (tags or "").split(",") if t]
        if meta:
            out.append("    ; " + ", ".join(meta))
        for acc, cur, amt, bse, contact, pmemo, rate, ptags in zip(*legs):
            note = [f"contact:{contact}"] if contact else []
            if revalue_leg(cur, amt, bse, base):
                line = f"    {paths.get(acc, acc)}  {fmt_minor(bse, bdec)} {base}"
                note.append(f"revalues:{cur}")
            else:
                line = f"    {paths.get(acc, acc)}  {fmt_minor(amt, decs.get(cur, bdec))} {cur}"
                if cur != base:
                    line += f" @@ {fmt_minor(abs(bse), bdec)} {base}"
            if rate and cur != base:
                note.append(f"rate:{rate}")
            note += [_tag(t) for t in (ptags or "").split(",") if t]
            if pmemo:      # a memo with a colon would read as a tag: `memo:` keeps it whole, to the end
                note.append(("memo:" if ":" in pmemo else "") + _clean(pmemo))
            if note:
                line += "  ; " + ", ".join(note)
            out.append(line)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
