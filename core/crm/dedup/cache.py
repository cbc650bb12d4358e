"""The dedup rows cache under the books' .kebir/cache: parsed and normalised records keyed by
the hash of their lines, each file signed with this user's key (core/books/cachekey.py).
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from core.books import cachekey, safeio, store


ROWS_CACHE = "dedup-rows-v3"     # bump the version when the cached columns or their rules change


def _read_cache(base: Path) -> pl.DataFrame | None:
    """The cached rows: the base file and the delta of records added since it was written. A file
    is taken only with a MAC made with this user's key beside it (`NAME.mac`, core/books/cachekey.py):
    a rows file from anywhere else is not the truth about the contacts, and the scan reads them."""
    parts = []
    try:
        for f in (base.with_suffix(".parquet"), base.with_suffix(".delta.parquet")):
            if not f.is_file():
                continue
            data = safeio.cache_bytes(f)
            tag = safeio.cache_bytes(f"{f}.mac").decode("utf-8", "replace").strip()
            if not cachekey.valid(tag, f"dedup {ROWS_CACHE} {f.name}", data):
                return None
            parts.append(pl.read_parquet(io.BytesIO(data)))
    except (OSError, pl.exceptions.PolarsError):
        return None
    return pl.concat(parts, how="diagonal_relaxed") if parts else None


def _write_cache(path: Path, rows: pl.DataFrame) -> None:
    """Write a cache file and its MAC atomically; any failure is ignored (it is only a cache, under
    the books' git-ignored .kebir/). Without a key for this user nothing is written."""
    buf = io.BytesIO()
    rows.write_parquet(buf, compression="lz4", statistics=False)
    data = buf.getvalue()
    tag = cachekey.mac(f"dedup {ROWS_CACHE} {path.name}", data)
    if tag is None:
        return
    try:
        Path(f"{path}.mac").unlink(missing_ok=True)       # a file and a MAC of two writes never pair up
        store.write_cache_bytes(path, data)
        store.write_cache_text(Path(f"{path}.mac"), tag + "\n")
    except OSError:
        pass
