"""The derived postings a close sealed, kept as rows of its seal digests (closes/YYYY-MM.seal.csv).

Derived postings are computed from the documents on every load, so a fix in the derivation would
silently change a closed month's numbers. A close therefore writes, beside the per-record digests,
one row per posting derived in the month (`posting:SOURCE:N`, the posting's fields joined by
U+241F, empty fields as U+2205) and a `derived-postings` row with their count, which marks the
sidecar as holding them. The rows are part of the seal like every digest, so they cannot be edited
without E071. Older sidecars have no such rows: their months are checked as before.

`sealed_postings` turns the rows back into a frame with the columns of the derived postings, so
the loader can keep a closed month as it was sealed (core.erp.frozen) and the seal check can tell
a changed derivation from an edited record (core.close.seal).
"""

from __future__ import annotations

from urllib.parse import unquote

import polars as pl

from core.books import safeio
from core.books.closes import close_paths, read_closes
from core.ledger.derived import POSTING_SCHEMA

MARKER = "derived-postings"
PREFIX = "posting:"
NULL = "\u2205"
SEP = "\u241f"
FIELDS = ("source", "entry_id", "date", "account", "currency", "amount", "base", "rate", "contact", "item",
          "location", "memo", "tags", "file", "line")


def escape(text: str) -> str:
    """A value safe in the sidecar's two columns: no comma, no line break."""
    return text.replace("%", "%25").replace(",", "%2C").replace("\n", "%0A").replace("\r", "%0D")


def posting_rows(derived: pl.DataFrame | None) -> dict[str, str]:
    """key -> value rows for the derived postings of one month (already filtered to it)."""
    if derived is None:
        return {MARKER: "0"}
    frame = derived.select([pl.col(c).cast(pl.String).fill_null(NULL) for c in FIELDS])
    rows = sorted(frame.iter_rows())
    out: dict[str, str] = {MARKER: str(len(rows))}
    count: dict[str, int] = {}
    for row in rows:
        n = count[row[0]] = count.get(row[0], 0) + 1
        out[escape(f"{PREFIX}{row[0]}:{n:04d}")] = escape(SEP.join(row))
    return out


def has_postings(stored: dict[str, str]) -> bool:
    return MARKER in stored


def sealed_postings(stored: dict[str, str]) -> pl.DataFrame:
    """The posting rows of one sidecar as a derived-postings frame (POSTING_SCHEMA)."""
    rows = []
    for key, value in stored.items():
        if key.startswith(PREFIX):
            fields = unquote(value).split(SEP)
            if len(fields) == len(FIELDS):
                rows.append([None if f == NULL else f for f in fields])
    frame = pl.DataFrame(rows, schema={f: pl.String for f in FIELDS}, orient="row")
    return frame.with_columns([pl.col(c).cast(t) for c, t in POSTING_SCHEMA.items() if c != "date"]
                              + [pl.col("date").str.to_date()]).select(list(POSTING_SCHEMA))


def is_posting_key(key: str) -> bool:
    return key == MARKER or key.startswith(PREFIX)


def read_sidecar(root, period: str) -> dict[str, str] | None:
    """The rows of closes/PERIOD.seal.csv, or None when it cannot be read (the seal check says why)."""
    _, sidecar, _ = close_paths(period)
    try:
        text = safeio.read_text(root, sidecar)
    except (safeio.Refused, OSError):
        return None
    out = {}
    for line in text.splitlines()[1:]:
        if "," in line:
            k, v = line.rsplit(",", 1)
            out[k] = v
    return out


def sealed_months(root) -> dict[str, pl.DataFrame]:
    """period -> its sealed derived postings, for every closed month whose sidecar holds them."""
    closes, _ = read_closes(root)
    out: dict[str, pl.DataFrame] = {}
    for period, rec in sorted(closes.items()):
        if rec.state != "closed":
            continue
        stored = read_sidecar(root, period)
        if stored is not None and has_postings(stored):
            out[period] = sealed_postings(stored)
    return out
