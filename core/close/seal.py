"""The seal of a closed month and the check that it still holds.

The seal is a SHA-256 over the canonical form of every record dated in the period (manual
entries, documents, stock moves, Z-report rows, payroll runs, the accounts posted to and the
rates in force) and every posting derived from them, chained to the previous close's seal. The
per-record digests are kept beside the close record (`closes/YYYY-MM.seal.csv`), so
`check_seals` (run by `kebir validate`) can name the record that changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from core.books import safeio, sealed
from core.books.closes import close_paths, read_closes
from core.ledger.period import month_bounds
from core.model.errors import Problem
from core.model.records import Book


def _row_text(frame: pl.DataFrame, cols: list[str]) -> pl.Expr:
    """One canonical text per row: the columns in a fixed order, nulls as an empty marker."""
    return pl.concat_str([pl.col(c).cast(pl.String).fill_null("\u2205") for c in cols], separator="\u241f")


@dataclass(frozen=True, slots=True)
class Part:
    """What a record's digest is made of: its own canonical text and, for a record that derives
    postings (`source`), the canonical text of those postings after it."""
    body: str
    source: str | None
    file: str
    line: int


POST_COLS = ["account", "currency", "amount", "base", "rate", "contact", "item", "location", "memo", "tags"]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def derived_texts(derived: pl.DataFrame | None, period: str) -> dict[str, str]:
    """source -> the canonical text of the postings it derives in the period (sorted, one a line)."""
    if derived is None or derived.is_empty():
        return {}
    begin, end = month_bounds(period)
    d = (derived.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
         .select("source", "entry_id", _row_text(derived, ["entry_id", *POST_COLS]).alias("_t"))
         .group_by("source", maintain_order=True).agg(pl.col("_t").sort().str.join("\n")))
    return dict(d.iter_rows())


def record_parts(book: Book, period: str) -> dict[str, Part]:
    """key -> Part for every record dated in the period (accounts and rates aside)."""
    begin, end = month_bounds(period)
    out: dict[str, Part] = {}

    def in_period(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter((pl.col("date") >= begin) & (pl.col("date") <= end))

    posts = (in_period(book.postings).select("entry_id", "line", _row_text(book.postings, POST_COLS).alias("_t"))
             .sort("entry_id", "line").group_by("entry_id", maintain_order=True).agg(pl.col("_t").str.join("\n")))
    entries = in_period(book.entries)
    joined = entries.select("id", "file", "line", _row_text(entries, ["id", "date", "memo", "payee", "source", "tags"])
                            .alias("_e")).join(posts, left_on="id", right_on="entry_id", how="left")
    for rid, f, ln, head, body in joined.iter_rows():
        out[f"entry:{rid}"] = Part(f"{head}\n{body or ''}", None, str(f), ln)
    for doc in book.documents:
        if begin <= doc.date <= end:
            body = json.dumps(_doc_body(doc), sort_keys=True, default=str, ensure_ascii=False)
            out[f"document:{doc.id}"] = Part(body, doc.id, doc.source.path, doc.source.line)
    moves = in_period(book.moves)
    if not moves.is_empty():
        cols = [c for c in moves.columns if c not in ("file", "line")]
        for mid, f, ln, text in moves.select("id", "file", "line", _row_text(moves, cols).alias("_t")).iter_rows():
            out[f"move:{mid}"] = Part(text, mid, str(f), ln)
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
            out[key] = Part(text, None, str(f), ln)
    for run in book.payroll:
        if begin <= run.date <= end:
            body = json.dumps(_doc_body(run), sort_keys=True, default=str, ensure_ascii=False)   # not where it sits
            out[f"payroll:{run.id}"] = Part(body, run.id, run.source.path, run.source.line)
    return out


def part_digest(part: Part, texts: dict[str, str]) -> str:
    return _sha(part.body if part.source is None else part.body + "\n" + texts.get(part.source, ""))


def record_digests(book: Book, period: str) -> dict[str, tuple[str, str, int]]:
    """id -> (digest, file, line) for every record dated in the period, and its derived postings.

    Canonical texts are built column-wise with polars (a month of a large book holds a hundred
    thousand records); only the final SHA-256 per record runs in Python. The derived postings are
    the fresh derivation (`Book.derived_fresh`) where the loader kept a closed month as sealed.
    """
    derived = book.derived_fresh if book.derived_fresh is not None else book.derived_postings
    texts = derived_texts(derived, period)
    out = {k: (part_digest(p, texts), p.file, p.line) for k, p in record_parts(book, period).items()}
    out.update(account_digests(book, period))
    out.update(rate_digests(book, period))
    return out


def seal_rows(book: Book, period: str) -> dict[str, str]:
    """What closes/PERIOD.seal.csv holds: the short digests and the month's derived postings
    (core.books.sealed), all of them under the seal."""
    begin, end = month_bounds(period)
    derived = book.derived_postings
    month = None if derived is None else derived.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
    return {**{k: v[0][:32] for k, v in record_digests(book, period).items()}, **sealed.posting_rows(month)}


def derivation_changed(book: Book, period: str, stored: dict[str, str]) -> tuple[set[str], set[str]]:
    """For a month sealed with its derived postings: (the sources whose records are as sealed but
    derive other postings today, the sources whose own records changed, were added or removed)."""
    if not sealed.has_postings(stored):
        return set(), set()
    was = derived_texts(sealed.sealed_postings(stored), period)
    derived = book.derived_fresh if book.derived_fresh is not None else book.derived_postings
    now = derived_texts(derived, period)
    parts = record_parts(book, period)
    edited: set[str] = set()
    for key, part in parts.items():
        if part.source is not None and (key not in stored or part_digest(part, was)[:32] != stored[key]):
            edited.add(part.source)
    for key in stored:
        kind, _, rid = key.partition(":")
        if kind in ("document", "move", "payroll") and key not in parts:
            edited.add(rid)
    changed = {s for s in set(was) | set(now) if was.get(s) != now.get(s)} - edited
    return changed, edited


def account_digests(book: Book, period: str) -> dict[str, tuple[str, str, int]]:
    """`account:CODE` for every account the month's ledger posts to: its code, type and the chain of
    its parents with theirs (what places it in the statements). An account the month does not use
    is not sealed, so adding one unseals nothing."""
    begin, end = month_bounds(period)
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
    begin, end = month_bounds(period)
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


# Fields records gained after seals were first written: left out of a record's body while they hold
# their default, so a month sealed before they existed still verifies after an upgrade. Once set (an
# invoice given its ETTN, a line its unit), they count like every other field.
LATER_FIELDS = {"ettn": None, "unit": None}


def _doc_body(d: Any) -> dict[str, Any]:
    body = asdict(d)
    body.pop("source", None)
    for line in [body, *body.get("lines", [])]:
        line.pop("source", None)
        for key, default in LATER_FIELDS.items():
            if key in line and line[key] == default:
                line.pop(key)
    return body


def seal_of(digests: dict[str, tuple[str, str, int]], previous: str | None) -> str:
    return seal_from_short({k: v[0][:32] for k, v in digests.items()}, previous)


def digests_csv(digests: dict[str, tuple[str, str, int]]) -> str:
    return rows_csv({k: v[0][:32] for k, v in digests.items()})


def rows_csv(rows: dict[str, str]) -> str:
    lines = ["record,digest"] + [f"{k},{rows[k]}" for k in sorted(rows)]
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


def check_seals(book: Book) -> list[Problem]:
    """Closed periods stay as they were sealed: any change, addition or deletion of a record dated
    in one, and any edit to the close records or their chain, is an error naming both."""
    closes, problems = read_closes(book.root)
    previous_seal: str | None = None
    for period in sorted(closes):
        rec = closes[period]
        rel, sidecar, _ = close_paths(period)
        if rec.state != "closed":
            previous_seal = rec.seal or previous_seal
            continue
        if rec.previous != previous_seal and (rec.previous or previous_seal):
            problems.append(Problem("E071", rel, rec.line, f"close {period} does not chain to the previous close",
                                    record=period, expected=f"previous: {previous_seal}",
                                    found=f"previous: {rec.previous}",
                                    hint="a close record was edited or deleted; restore it from git"))
        side = Path(book.root) / sidecar
        if not side.exists():
            problems.append(Problem("E071", rel, rec.line, f"the seal digests of {period} are missing",
                                    record=period, found=sidecar, hint=f"restore {sidecar} from git"))
            previous_seal = rec.seal
            continue
        try:
            stored = read_digests_csv(safeio.read_text(book.root, sidecar))
        except safeio.Refused as exc:
            problems.append(exc.problem)
            previous_seal = rec.seal
            continue
        if seal_from_short(stored, rec.previous) != rec.seal:
            problems.append(Problem("E071", rel, rec.line, f"close record {period} was altered",
                                    record=period, expected=f"seal {seal_from_short(stored, rec.previous)}",
                                    found=f"seal {rec.seal}", hint="restore closes/ from git"))
        now = record_digests(book, period)
        # a record as sealed whose derivation changed is W018 (core.close.correction), not an edit
        rederived, _ = derivation_changed(book, period, stored)
        for key in sorted(set(now) | {k for k in stored if not sealed.is_posting_key(k)}):
            kind, _, rid = key.partition(":")
            if kind in ("document", "move", "payroll") and rid in rederived:
                continue
            if key not in stored and kind == "account":
                d, f, ln = now[key]         # the account is old: postings of the month moved to it
                problems.append(Problem("E070", f, ln, f"account {rid} is posted to in closed period {period}, "
                                        "which it was not when the month was sealed", record=rid,
                                        found=f"sealed by closes/{period}.yaml ({(rec.seal or '')[:19]})",
                                        hint=f"a posting of {period} moved to {rid}: undo what moved it (an edit, "
                                        f"or books.toml [accounts] for derived postings), or `kebir reopen {period} "
                                        "--reason ...`"))
            elif key not in stored:
                d, f, ln = now[key]
                problems.append(Problem("E070", f, ln, f"{kind} {rid} was added to closed period {period}",
                                        record=rid, expected=f"no new records dated in {period}",
                                        found=f"sealed by closes/{period}.yaml ({(rec.seal or '')[:19]})",
                                        hint=f"date it in an open period, or `kebir reopen {period} --reason ...`"))
            elif key not in now:
                problems.append(Problem("E070", rel, rec.line, f"{kind} {rid} was removed from closed period {period}",
                                        record=rid, hint=f"restore it (git log -S {rid}), or `kebir reopen {period}`"))
            elif now[key][0][:32] != stored[key]:
                d, f, ln = now[key]
                problems.append(Problem("E070", f, ln, f"{kind} {rid} changed in closed period {period}",
                                        record=rid, found=f"sealed by closes/{period}.yaml ({(rec.seal or '')[:19]})",
                                        hint=_changed_hint(kind, rid, period)))
        previous_seal = rec.seal
    return problems


def _changed_hint(kind: str, rid: str, period: str) -> str:
    if kind == "account":
        return (f"the months that post to {rid} sealed its type and parents: undo the change, or open a new account "
                f"for what comes (or `kebir reopen {period} --reason ...`)")
    if kind == "rate":
        return (f"a rate in force in a closed month is sealed: undo the change, or `kebir reopen {period} "
                "--reason ...`")
    if kind in ("document", "move", "payroll"):
        return (f"if {rid} itself was not edited, the postings derived from it changed (books.toml [accounts], "
                f"a price or rate it uses): undo that change; else correct it with reversing and correcting "
                f"entries in an open period, or `kebir reopen {period} --reason ...`")
    return ("correct it with reversing and correcting entries in an open period, "
            f"or `kebir reopen {period} --reason ...`")
