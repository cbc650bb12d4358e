"""The load cache: raw parses keyed by each file's content hash, the typed whole book keyed by
every file's digest and the settings, and the parallel parsing that fills them.

Entries live under `.kebir/cache/` (git-ignored) and are taken only when this user's key signed
them (core/books/cachekey.py says why). Large cold YAML journals are parsed in worker processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import polars as pl

from core.books import cachekey, safeio, store
from core.books.parse import Raw, parse_csv, parse_journal_yaml, parse_orders_yaml
from core.model import progress
from core.model.errors import Problem


PARSE_VERSION = "8"   # bump when the raw frame layout or parse problems change
BOOK_CACHE_VERSION = "4"   # bump when the typed whole-book cache changes its layout or storage
CACHE_DIR = ".kebir/cache"
PARALLEL_BYTES = 8 * 2**20


CACHED_KINDS = ("journal", "orders")     # YAML kinds whose raw parse is cached and may go to workers


def _cache_paths(root: Path, digest: str, kind: str) -> tuple[Path, Path]:
    base = root / CACHE_DIR / f"{digest}.{kind}.v{PARSE_VERSION}"
    return base.with_suffix(base.suffix + ".json"), base


def _cache_get(root: Path, digest: str, kind: str) -> Raw | None:
    """A file's cached raw parse, if this user's key signed it for this content digest (else None:
    the file is parsed; core/books/cachekey.py says why a cache entry is never taken on trust)."""
    meta, base = _cache_paths(root, digest, kind)
    try:
        info = json.loads(safeio.cache_bytes(meta))
        blobs = [safeio.cache_bytes(f"{base}.{name}.arrow") for name in info["frames"]]
        if not cachekey.valid(info.get("mac"), f"raw {kind} v{PARSE_VERSION} {digest}",
                              json.dumps([info["frames"], info["problems"]], ensure_ascii=False), *blobs):
            return None
        frames = {name: pl.read_ipc(blob) for name, blob in zip(info["frames"], blobs)}
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None
    return Raw(frames, [Problem(**p) for p in info["problems"]])


def _cache_put(root: Path, digest: str, kind: str, raw: Raw) -> None:
    meta, base = _cache_paths(root, digest, kind)
    try:
        names = sorted(raw.frames)
        blobs = [store.frame_bytes(raw.frames[name]) for name in names]
        problems = [_problem_fields(p) for p in raw.problems]
        tag = cachekey.mac(f"raw {kind} v{PARSE_VERSION} {digest}", json.dumps([names, problems], ensure_ascii=False),
                           *blobs)
        if tag is None:
            return              # no key, no cache
        for name, blob in zip(names, blobs):
            store.write_cache_bytes(Path(f"{base}.{name}.arrow"), blob)
        info = {"frames": names, "problems": problems, "mac": tag}
        store.write_atomic(meta, json.dumps(info, ensure_ascii=False))
    except OSError:
        pass  # a read-only checkout still validates; it just will not be warm next time


STAT_INDEX = "stat.json"
RACY_NS = 2_000_000_000     # a file changed this close to the index's writing is hashed again


def file_digests(root: Path, rels: list[str], use_cache: bool = True) -> dict[str, str]:
    """The SHA-256 of each file's content, which keys every cache entry.

    Hashing 200 MB of journals costs a third of a second, so, as git's index does, the digest is
    kept beside the file's stat signature (size, mtime, ctime, inode) in `.kebir/cache/stat.json`
    and reused while the signature is unchanged. Any write to a file changes its ctime, which no
    tool can set back. A file whose mtime or ctime falls within two seconds of the index's own
    writing is hashed again (two writes in one clock tick could leave the signature unchanged);
    the index is rewritten when anything was hashed, so such a file is trusted on a later run.
    `--no-cache` hashes everything."""
    index_path = root / CACHE_DIR / STAT_INDEX
    index: dict[str, list[int | str]] = {}
    written = 0
    if use_cache:
        try:
            stored = json.loads(safeio.cache_bytes(index_path))
            index, written = stored["files"], int(stored["written_ns"])
            if not cachekey.valid(stored.get("mac"), f"stat v{PARSE_VERSION}",
                                  json.dumps([written, index], sort_keys=True)):
                index, written = {}, 0          # not signed with this user's key: hash every file
        except (OSError, ValueError, KeyError, TypeError):
            index = {}
    out: dict[str, str] = {}
    fresh: dict[str, list[int | str]] = {}
    hashed = False
    for rel in rels:
        path = root / rel
        st = path.stat()
        sig: list[int | str] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = index.get(rel)
        if (known is not None and known[:4] == sig and len(known) == 5
                and max(st.st_mtime_ns, st.st_ctime_ns) < written - RACY_NS):
            digest = str(known[4])
        else:
            digest = hashlib.sha256(safeio.read_bytes(root, rel)).hexdigest()
            hashed = True
        out[rel] = digest
        fresh[rel] = [*sig, digest]
    if use_cache and (hashed or set(fresh) != set(index)):
        now = time.time_ns()
        tag = cachekey.mac(f"stat v{PARSE_VERSION}", json.dumps([now, fresh], sort_keys=True))
        try:
            if tag is not None:
                store.write_cache_text(index_path, json.dumps({"written_ns": now, "files": fresh, "mac": tag},
                                                              sort_keys=True))
        except OSError:
            pass
    return out


def _problem_fields(p: Problem) -> dict[str, Any]:
    return {k: getattr(p, k) for k in Problem.__slots__}


def parse_file(root: str, rel: str, kind: str, use_cache: bool, digest: str | None = None,
                limit: int | None = None) -> Raw:
    """Read, hash and parse one file (a worker task too: it takes and returns only picklable values;
    `limit` is the parent's file size limit, which a spawned worker does not inherit)."""
    data = safeio.read_bytes(root, rel, max_bytes=limit)
    digest = digest or hashlib.sha256(data).hexdigest()
    cacheable = use_cache and kind in CACHED_KINDS    # CSV parses about as fast as the cache reads
    if cacheable:
        hit = _cache_get(Path(root), digest, kind)
        if hit is not None:
            return with_path(hit, rel)
    raw = parse_journal_yaml(data, "") if kind == "journal" else parse_orders_yaml(data, "") if kind == "orders" \
        else parse_csv(data, "", kind)
    if cacheable:
        _cache_put(Path(root), digest, kind, raw)
    return with_path(raw, rel)


def with_path(raw: Raw, rel: str) -> Raw:
    frames = {k: f.with_columns(file=pl.lit(rel, pl.Categorical)) for k, f in raw.frames.items()}
    return Raw(frames, [replace(p, path=rel) for p in raw.problems])


def parse_bulk(root: Path, files: list[tuple[str, str]], digests: dict[str, str], use_cache: bool,
                jobs: int | None, meanwhile: Any = None) -> dict[str, Raw]:
    """Raw parses of YAML journals and documents: from the cache, else in worker processes when
    the cold files are many and large, else here. `digests` names every file of the books (the
    cache keeps their entries and drops the rest). `meanwhile()`, if given, runs here while the
    workers parse; then this process takes back the files no worker has started on."""
    sizes = {rel: (root / rel).stat().st_size for rel, _ in files}
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    out = _Counted(len(files))      # each file parsed or found in the cache is reported (core.model.progress)
    cold = []
    for rel, kind in files:
        raw = _cache_get(root, digests[rel], kind) if use_cache and kind in CACHED_KINDS else None
        if raw is None:
            cold.append((rel, kind))
        else:
            out[rel] = with_path(raw, rel)
    big = [f for f in cold if f[1] in CACHED_KINDS]
    if workers > 1 and len(big) > 1 and sum(sizes[r] for r, _ in big) > PARALLEL_BYTES:
        big.sort(key=lambda f: -sizes[f[0]])
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = {rel: pool.submit(parse_file, str(root), rel, kind, use_cache, digests[rel],
                                       safeio.limit())
                       for rel, kind in big}
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            for rel, kind in reversed(big):          # the smallest first
                if futures[rel].cancel():
                    out[rel] = parse_file(str(root), rel, kind, use_cache, digests[rel])
            for rel, fut in futures.items():
                if rel not in out:
                    out[rel] = fut.result()
    if meanwhile is not None:
        meanwhile()
    for rel, kind in cold:
        if rel not in out:
            out[rel] = parse_file(str(root), rel, kind, use_cache, digests[rel])
    if use_cache and cold:
        _prune_cache(root, set(digests.values()))
    return dict(out)


class _Counted(dict):
    """The parses so far, reporting each one as it comes in (`Reading the books`, n of all)."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total

    def __setitem__(self, key: str, value: Raw) -> None:
        super().__setitem__(key, value)
        progress.report("Reading the books", len(self), self.total)


def _prune_cache(root: Path, keep: set[str]) -> None:
    """Drop cache entries of file versions that no longer exist (every edit leaves one behind)."""
    try:
        for f in (root / CACHE_DIR).iterdir():
            digest = f.name.split(".", 1)[0]
            if len(digest) == 64 and digest not in keep:
                f.unlink(missing_ok=True)
    except OSError:
        pass


TYPED = ("postings", "entries", "moves", "rates", "sales")


def typed_get(root: Path, key: str) -> tuple[dict[str, pl.DataFrame], list[Problem], set[str]] | None:
    """The typed whole book for this key (every file's digest and the settings), if this user's key
    signed it; else None and the books are parsed and typed."""
    base = root / CACHE_DIR / f"book-{key}"
    try:
        info = json.loads(safeio.cache_bytes(f"{base}.json"))
        blobs = [safeio.cache_bytes(f"{base}.{name}.arrow") for name in TYPED]
        if not cachekey.valid(info.get("mac"), f"book v{BOOK_CACHE_VERSION} {key}",
                              json.dumps([info["problems"], info["broken"]], ensure_ascii=False), *blobs):
            return None
        frames = {name: pl.read_ipc(blob) for name, blob in zip(TYPED, blobs)}
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None
    return frames, [Problem(**p) for p in info["problems"]], set(info["broken"])


def typed_put(root: Path, key: str, frames: dict[str, pl.DataFrame], problems: list[Problem],
               broken: set[str]) -> None:
    cache = root / CACHE_DIR
    try:
        if cache.is_dir():
            for old in cache.glob("book-*"):
                old.unlink(missing_ok=True)
        base = cache / f"book-{key}"
        blobs = [store.frame_bytes(frames[name], compressed=False) for name in TYPED]
        listed = [[_problem_fields(p) for p in problems], sorted(broken)]
        tag = cachekey.mac(f"book v{BOOK_CACHE_VERSION} {key}", json.dumps(listed, ensure_ascii=False), *blobs)
        if tag is None:
            return
        for name, blob in zip(TYPED, blobs):
            store.write_cache_bytes(Path(f"{base}.{name}.arrow"), blob)
        store.write_atomic(Path(f"{base}.json"), json.dumps(
            {"problems": listed[0], "broken": listed[1], "mac": tag}, ensure_ascii=False))
    except OSError:
        pass
