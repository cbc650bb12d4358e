"""Duplicate detection over the contacts, the entry points: `scan` (a loaded book), `scan_frame`
(a contact frame) and `scan_books` (a books directory's contacts/, with the rows cache).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import polars as pl

from core.crm.dedup.cache import ROWS_CACHE, _read_cache, _write_cache
from core.crm.dedup.cluster import Plan, Previous, _scan_rows
from core.crm.dedup.normalise import NORM_VERSION, contact_frame, _rows
from core.crm.dedup.read import _read_rows


def scan(book: Any, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}), across: bool = True,
         threshold: float = 0.9, lower: float = 0.5, previous: Previous | None = None,
         links: Iterable[tuple[str, str]] | None = None) -> Plan:
    """Find duplicate clusters among the book's CRM records and ERP customers/suppliers."""
    contacts = [c for c in book.contacts.values() if c.role != "employee"]
    frame, _ = contact_frame(contacts)
    if links is None:
        links = [(ln.crm, ln.erp) for ln in getattr(book, "links", ())]
    return scan_frame(frame, within, across, threshold, lower, previous, links)


def scan_frame(frame: pl.DataFrame, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}),
               across: bool = True, threshold: float = 0.9, lower: float = 0.5,
               previous: Previous | None = None, links: Iterable[tuple[str, str]] = ()) -> Plan:
    """`scan` over a contact frame (CONTACT_COLUMNS and any further fields; `read_contacts` reads
    one from the books)."""
    frame = frame.filter((pl.col("role") != "employee") & pl.col("merged_into").is_null())
    rows = _rows(frame)
    return _scan_rows(rows, set(within), across, threshold, lower, previous, links)


def scan_books(root: Path, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}), across: bool = True,
               threshold: float = 0.9, previous: Previous | None = None) -> Plan:
    """`scan` straight from a books directory's contacts/, with its links. Records are cached by
    the hash of their lines in .kebir/cache (parsed fields, content hash, normalised columns), so
    a scan parses and normalises only the records that are new or changed since the last one;
    those are written to a small delta file until they are a tenth of the cache."""
    base = Path(root) / ".kebir" / "cache" / ROWS_CACHE
    cached = _read_cache(base)
    if cached is not None and ("n:v" not in cached.columns or cached["n:v"].ne(NORM_VERSION).any()):
        cached = None                   # normalised by another version: normalise again
    known = cached.select("file", "raw") if cached is not None else None
    new, hits, links = _read_rows(root, known)
    new = _rows(new)
    n_old = cached.height if cached is not None else 0
    # which record each id is (the first in file order), found on narrow columns, then one gather
    keys = [new.select("fo", "rec", "id", pl.int_range(pl.len()).alias("at") + n_old)]
    if cached is not None and hits.height:
        at = cached.select("file", "raw", "id").with_row_index("at")
        keys.insert(0, hits.join(at, on=["file", "raw"]).select("fo", "rec", "id", pl.col("at").cast(pl.Int64)))
    keys = pl.concat(keys).sort("fo", "rec").unique("id", keep="first", maintain_order=True).sort("id")
    both = pl.concat([cached, new], how="diagonal_relaxed") if cached is not None else new
    rows = both[keys["at"]]
    fresh = new.filter(pl.col("raw").is_not_null()).drop("fo", "rec")
    if fresh.height:
        delta = base.with_suffix(".delta.parquet")
        old_delta = _read_cache(delta) if delta.is_file() else None     # (delta.parquet and no delta of its own)
        grown = fresh.height + (old_delta.height if old_delta is not None else 0)
        if cached is not None and grown * 10 < n_old and hits.height * 2 > n_old:
            _write_cache(delta, pl.concat([old_delta, fresh], how="diagonal_relaxed") if old_delta is not None
                         else fresh)
        else:
            _write_cache(base.with_suffix(".parquet"), rows.filter(pl.col("raw").is_not_null()).drop("fo", "rec"))
            delta.unlink(missing_ok=True)
        for earlier in (base.parent / "dedup-norm.parquet", *base.parent.glob("dedup-rows-v2.*")):
            earlier.unlink(missing_ok=True)         # the earlier caches' files
    rows = rows.drop("file", "fo", "rec", "raw")
    return _scan_rows(rows, set(within), across, threshold, 0.5, previous, links)
