"""Canonical serialisation and atomic writes: the only module that writes to disk.

The same records always produce the same bytes: keys in schema order, records sorted by the
kind's sort key, amounts and codes double-quoted, dates plain, nested lists of mappings
(postings, order lines) one flow mapping a line, LF line endings, one trailing newline. That
keeps `git diff` of a books repository down to the lines that really changed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

import polars as pl
import yaml

from core.books import schema
from core.books import safeio
from core.books import userkey
from core.model.errors import BooksError

_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@` ")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NESTED_MAPS = {"payroll": "totals"}


def _is_plain_safe(value: str, flow: bool) -> bool:
    if not value or value[0] in _PLAIN_BAD_START or value[-1] == " " or value != value.strip():
        return False
    if ": " in value or " #" in value or value.endswith(":") or "\n" in value or "\t" in value:
        return False
    if flow and any(c in value for c in ",[]{}"):
        return False
    if not value.isprintable():
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG


def scalar(value: str, *, quote: bool = False, flow: bool = False) -> str:
    """One scalar as kebir writes it: plain when that reads back as the same string."""
    if not quote and (_DATE.match(value) or _is_plain_safe(value, flow)):
        return value
    text = json.dumps(value, ensure_ascii=False)
    if text.isprintable():
        return text
    # YAML refuses raw control characters (DEL, C1, line separators): escape what JSON left as is.
    return "".join(c if c.isprintable() else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
                   for c in text)


def _flow_map(d: dict[str, Any], order: list[str], quoted: frozenset[str]) -> str:
    parts = []
    for k in _ordered_keys(d, order):
        v = d[k]
        if isinstance(v, list):
            parts.append(f"{k}: [" + ", ".join(scalar(x, flow=True) for x in v) + "]")
        else:
            parts.append(f"{k}: {scalar(v, quote=k in quoted, flow=True)}")
    return "{" + ", ".join(parts) + "}"


def _ordered_keys(d: dict[str, Any], order: list[str]) -> list[str]:
    known = [k for k in order if k in d and d[k] is not None and d[k] != []]
    return known + sorted(k for k in d if k not in order and d[k] is not None)


def quoted_sub(kind: str, key: str) -> frozenset[str]:
    """Quoted fields of a nested mapping (payroll `totals`), by the $defs their schema refers to."""
    node = schema.record_schema(kind)["properties"].get(key, {})
    return frozenset(k for k, v in node.get("properties", {}).items()
                     if v.get("$ref", "").rsplit("/", 1)[-1] in schema.QUOTED_DEFS)


def sort_records(kind: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = schema.SORT_KEYS.get(kind, ())
    return sorted(records, key=lambda r: tuple(str(r.get(k) or "") for k in keys))


def dump_yaml_records(kind: str, records: list[dict[str, Any]]) -> str:
    """A list of records (dicts of strings, lists and nested dicts) as canonical YAML text."""
    order = schema.field_order(kind)
    quoted = schema.quoted_fields(kind)
    nested_cache: dict[str, tuple[list[str], frozenset[str]]] = {}

    def nested(key: str) -> tuple[list[str], frozenset[str]]:
        """Key order and quoted fields of the records in a nested list (postings, lines, prices ...)."""
        if key not in nested_cache:
            try:
                nested_cache[key] = (schema.field_order(kind, key), schema.quoted_fields(kind, key))
            except (KeyError, TypeError):
                nested_cache[key] = ([], frozenset())
        return nested_cache[key]

    out: list[str] = []
    for rec in sort_records(kind, records):
        first = True
        for k in _ordered_keys(rec, order):
            v = rec[k]
            lead = "- " if first else "  "
            first = False
            if isinstance(v, list) and v and isinstance(v[0], dict):
                out.append(f"{lead}{k}:")
                n_order, n_quoted = nested(k)
                out.extend(f"    - {_flow_map(x, n_order or sorted(x), n_quoted)}" for x in v)
            elif isinstance(v, list):
                out.append(f"{lead}{k}: [" + ", ".join(scalar(x, flow=True) for x in v) + "]")
            elif isinstance(v, dict):
                if _NESTED_MAPS.get(kind) == k:      # payroll totals: schema order, amounts quoted
                    props = schema.record_schema(kind)["properties"][k]["properties"]
                    out.append(f"{lead}{k}: {_flow_map(v, list(props), quoted_sub(kind, k))}")
                else:
                    out.append(f"{lead}{k}: {_flow_map(v, sorted(v), frozenset())}")
            else:
                out.append(f"{lead}{k}: {scalar(v, quote=k in quoted)}")
    return "\n".join(out) + "\n" if out else "[]\n"


def dump_csv_rows(kind: str, rows: list[dict[str, Any]], *, presorted: bool = False) -> str:
    """Rows as canonical CSV: the schema's columns in order, LF endings, minimal quoting."""
    header = schema.field_order(kind)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows if presorted else sort_records(kind, rows):
        w.writerow(["" if r.get(c) is None else r[c] for c in header])
    return buf.getvalue()


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; new files get 0666 less the umask, as `open` would."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write a file so readers see the old bytes or the new ones, never a mix.

    A temporary file in the same directory is written, flushed and fsynced, then renamed over the
    target; the directory is fsynced so the rename itself survives a crash.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def write_frame_atomic(path: Path, frame: "pl.DataFrame", compressed: bool = True) -> None:
    """A cache frame as Arrow IPC, atomically (cache files are rebuilt, never edited). lz4 by
    default; the whole-book cache, read on every warm command, is stored uncompressed (in the
    plain Arrow string layout, a third smaller than polars' string views) because reading it
    back is then a copy: 0.2 s instead of 0.4 s for 2.9M postings, for 350 MB of disk."""
    if compressed:
        _write_cache(path, lambda tmp: frame.write_ipc(tmp, compression="lz4"))
    else:
        _write_cache(path, lambda tmp: frame.write_ipc(tmp, compression="uncompressed",
                                                       compat_level=pl.CompatLevel.oldest()))


def frame_bytes(frame: "pl.DataFrame", compressed: bool = True) -> bytes:
    """A cache frame as Arrow IPC bytes, stored as `write_frame_atomic` stores it (so they can be
    signed before they are written: core.books.cachekey)."""
    buf = io.BytesIO()
    if compressed:
        frame.write_ipc(buf, compression="lz4")
    else:
        frame.write_ipc(buf, compression="uncompressed", compat_level=pl.CompatLevel.oldest())
    return buf.getvalue()


def write_cache_bytes(path: Path, data: bytes) -> None:
    """A cache file, atomically but without fsync: losing it costs a rebuild, nothing more."""
    _write_cache(path, lambda tmp: Path(tmp).write_bytes(data))


def write_cache_text(path: Path, text: str) -> None:
    """A cache index file, atomically but without fsync: losing it costs a rehash, nothing more."""
    _write_cache(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _write_cache(path: Path, write: Callable[[str], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, _mode_for(path))
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BooksLocked(Exception):
    pass


def check_kebir_dir(root: Path) -> None:
    """`.kebir` holds kebir's lock, txn journals and caches: it must be a real folder inside the
    books, and so must `.kebir/txn` and `.kebir/cache` (and `.kebir/lock` a plain file). A link
    there (planted in a clone or a shared folder) would make kebir write and delete files
    elsewhere, so every reader and writer refuses to start (E083) until a person removes it."""

    base = Path(root) / ".kebir"
    for path, want_dir in ((base, True), (base / "txn", True), (base / "cache", True), (base / "lock", False)):
        if not os.path.lexists(path):
            continue
        bad = os.path.islink(path) or (not path.is_dir() if want_dir else not path.is_file()) \
            or not safeio.inside(root, path.relative_to(root))
        if bad:
            rel = path.relative_to(root).as_posix()
            raise BooksError(f"E083 {rel} is a link or not a plain {'folder' if want_dir else 'file'}: kebir keeps "
                             "its lock, journals and caches there and will not follow it out of the books",
                             f"look at it, then remove it (rm -r {rel}); kebir makes a fresh one")


class books_lock:
    """An exclusive lock on the books directory for writers (`.kebir/lock`, flock).

    A second writer waits up to `timeout` seconds, then gives up with BooksLocked. Readers take it
    shared (`reading`), so they wait while a writer changes files. Entering finishes a write an
    earlier, killed writer committed (`recover`).

    Every writing command takes it before it reads anything (cli.main.writing): it loads the
    books, computes the change and writes it all under the lock, so two writers run one after
    the other and neither computes from files the other is about to replace. A helper that writes
    under its caller's lock takes it with `reentrant=True`: then, held already by this process, it
    does nothing (without it, a second taking in one process waits like another process would).
    """

    def __init__(self, root: Path, timeout: float = 10.0, *, reentrant: bool = False) -> None:
        self.path = Path(root) / ".kebir" / "lock"
        self.timeout = timeout
        self.fd: int | None = None
        self.reentrant = reentrant

    def __enter__(self) -> "books_lock":
        import fcntl
        import time

        if self.reentrant and self.path.parent.parent.resolve() in _HELD:    # the caller holds it
            return self
        check_kebir_dir(self.path.parent.parent)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    self.fd = None
                    raise BooksLocked(f"{self.path.parent.parent} is locked by another kebir command") from None
                time.sleep(0.05)
        self.root = self.path.parent.parent.resolve()
        _HELD.add(self.root)
        recover(self.root)          # a writer before us may have been killed midway
        return self

    def __exit__(self, *exc: object) -> None:
        import fcntl

        if self.fd is not None:
            _HELD.discard(self.root)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


TXN_DIR = Path(".kebir") / "txn"
_HELD: set[Path] = set()        # books roots this process holds the writer's lock on


def _step(what: str) -> None:
    """A point in a multi-file write where a crash could happen: tests inject faults here."""


def _target_problem(root: Path, rel: object) -> str | None:
    """Why `rel` may not be written or deleted by kebir, or None: it must be a plain relative name
    inside the books (links followed), outside `.git` and `.kebir/txn`, and what is there now must
    be a regular file, not a link. The one rule for every write and for recovery."""

    parts = Path(rel).parts if isinstance(rel, str) else ()
    if not safeio.safe_rel(root, rel) or ".git" in parts or parts[:2] == (".kebir", "txn"):
        return f"{rel!r} is not a file inside the books"
    target = Path(root) / rel
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return f"{rel} is a link or not a regular file"
    return None


def refuse_target(root: Path, rel: str) -> None:
    """Every file a write names passes `_target_problem`: a name that comes from a file (a plan, a
    manifest, an import label) can never aim elsewhere (E083)."""

    why = _target_problem(root, rel)
    if why is not None:
        raise BooksError(f"E083 refusing to write: {why}",
                         "a file name read from a plan, manifest or label must be a plain file inside the books")


def _journal_text(txn: str, staged: list[tuple[str, str | None]]) -> str:
    """A txn journal: its body, then a MAC made with this user's key (core.books.userkey), so recovery
    acts only on journals kebir wrote here, never on one planted in the books."""

    body = json.dumps({"txn": txn, "files": [{"target": rel, "staged": st} for rel, st in staged]},
                      ensure_ascii=False)
    tag = userkey.mac("journal", body.encode("utf-8")) or "unsigned"
    return body + "\n" + tag + "\n"


def _staged_name(rel: str, txn: str) -> str:
    target = Path(rel)
    return (target.parent / f".{target.name}.kebir-{txn}.tmp").as_posix()


def apply_files(root: Path, files: dict[str, str | None]) -> None:
    """Write (or delete, for None) several files as one change: all of them or none.

    0. a marker `.kebir/txn/<txn>.staging` says a write is being staged, so that a writer killed
       while staging leaves something every reader notices and clears (a SIGKILL runs no cleanup);
    1. every new content is staged next to its target (`.NAME.kebir-<txn>.tmp`, fsynced);
    2. a journal `.kebir/txn/<txn>.json` names the targets and their staged files, with a MAC made
       with this user's key: written and fsynced, it is the commit point;
    3. the staged files are renamed over their targets (deletions done) in the order given;
    4. the journal is removed.

    Every target must be a regular file (or nothing) inside the books (`refuse_target`). A crash
    before step 2 leaves the marker, stray staged files and the books as they were, and `recover`
    removes the strays; after it, the journal lets `recover` finish the renames. Every reader and
    writer runs `recover` first (under the lock), so nobody sees a change half made.
    """
    import uuid

    root = Path(root)
    check_kebir_dir(root)
    for rel in files:
        refuse_target(root, rel)
    txn = uuid.uuid4().hex[:12]
    staged: list[tuple[str, str | None]] = []
    marker = root / TXN_DIR / f"{txn}.staging"
    write_atomic(marker, txn + "\n")
    try:
        for rel, text in files.items():
            if text is None:
                staged.append((rel, None))
                continue
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = root / _staged_name(rel, txn)
            data = text.encode("utf-8") if isinstance(text, str) else text
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, _mode_for(target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((rel, _staged_name(rel, txn)))
            _step(f"staged {rel}")
        journal = root / TXN_DIR / f"{txn}.json"
        journal.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(journal, _journal_text(txn, staged))
    except BaseException:
        for _rel, st in staged:
            if st:
                (root / st).unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
        raise
    marker.unlink(missing_ok=True)
    _step("committed")              # from here on the change happens: a crash is finished by `recover`
    _finish(root, journal, _journal_entries(root, journal)[0])


def _journal_entries(root: Path, journal: Path) -> tuple[list[tuple[str, str | None]] | None, str]:
    """The (target, staged) pairs of a txn journal kebir wrote, or (None, why it is refused).

    Acted on only when: the journal is a regular file of ours (MAC under this user's key), every
    target is a relative name inside the books outside `.git`, every staged name is exactly the
    one `apply_files` gives that target and txn, and what exists of them is a regular file."""

    name = journal.name
    try:
        text = safeio.read_text(root, journal.relative_to(root).as_posix(), max_bytes=16 * safeio.MiB)
    except Exception as exc:           # noqa: BLE001 - any refusal means: do not act on it
        return None, f"it cannot be read as a plain file ({exc})"
    lines = text.split("\n")
    if len(lines) < 2 or not userkey.verify("journal", lines[1], lines[0].encode("utf-8")):
        return None, "it was not written by kebir for this user on this machine (no valid MAC)"
    try:
        doc = json.loads(lines[0])
        txn = doc["txn"]
        pairs = [(e["target"], e["staged"]) for e in doc["files"]]
    except (ValueError, KeyError, TypeError):
        return None, "its contents are not a txn journal"
    if not isinstance(txn, str) or not re.fullmatch(r"[0-9a-f]{12}", txn) or f"{txn}.json" != name:
        return None, "its txn id does not match its name"
    for target, st in pairs:
        if st is not None and (not isinstance(target, str) or st != _staged_name(target, txn)):
            return None, f"its staged file {st!r} is not the one kebir stages for {target}"
        for rel in (target, st):
            why = _target_problem(root, rel) if rel is not None else None
            if why is not None:
                return None, f"it names {why}"
    return pairs, ""


def _finish(root: Path, journal: Path, entries: list[tuple[str, str | None]] | None) -> None:
    """Carry out a committed journal's checked entries: rename staged files over their targets,
    delete what is deleted, fsync the directories, drop the journal. Safe to run again after a
    crash midway."""
    if entries is None:
        return
    dirs: set[Path] = set()
    for rel, st in entries:
        target = root / rel
        if st is None:
            target.unlink(missing_ok=True)
        elif (root / st).exists():
            os.replace(root / st, target)
        dirs.add(target.parent)
        _step(f"renamed {rel}")
    for d in sorted(dirs):
        dfd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    journal.unlink(missing_ok=True)


NOTICES: list[str] = []    # what recovery refused, for the CLI to say once on stderr


def recover(root: Path) -> list[str]:
    """Finish what a crashed writer committed and clear what it had not: returns what was done.

    A journal of ours (`_journal_entries`) is rolled forward; staged files without a journal and
    the temporary files of a killed write are removed, leaving the books as they were before that
    write. A journal that is not ours, or names anything but regular files inside the books, is
    refused: nothing it names is touched, and the refusal is said (`NOTICES`) until a person
    removes it."""
    root = Path(root)
    done: list[str] = []
    txn_dir = root / TXN_DIR
    refused: set[str] = set()
    if txn_dir.is_dir() and not txn_dir.is_symlink():
        for journal in sorted(txn_dir.glob("*.json")):
            entries, why = _journal_entries(root, journal)
            if entries is None:
                refused.add(journal.stem)
                note = (f"refused {TXN_DIR / journal.name}: {why}; nothing it names was touched "
                        f"(remove it once you have looked at it)")
                done.append(note)
                if note not in NOTICES:
                    NOTICES.append(note)
                continue
            _finish(root, journal, entries)
            done.append(f"finished an interrupted write ({journal.stem})")
        for tmp in sorted(txn_dir.glob(".*.tmp")):       # write_atomic's temporary, left by a SIGKILL
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink(missing_ok=True)
                done.append(f"removed {TXN_DIR / tmp.name} (a journal write that never finished)")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            m = re.fullmatch(r"\..+\.kebir-([0-9a-f]{12})\.tmp", name)
            if m and m[1] not in refused:
                Path(dirpath, name).unlink(missing_ok=True)
                done.append(f"removed {Path(dirpath, name).relative_to(root)} (a write that never committed)")
    if txn_dir.is_dir() and not txn_dir.is_symlink():
        for marker in sorted(txn_dir.glob("*.staging")):
            marker.unlink(missing_ok=True)
            done.append(f"cleared an interrupted staging ({marker.stem})")
    return done


def pending(root: Path) -> bool:
    """Whether a write was interrupted: a journal waits to be finished, staging was cut short, or a
    journal's own temporary file was left behind."""
    txn_dir = Path(root) / TXN_DIR
    return txn_dir.is_dir() and any(p.suffix in (".json", ".staging") or p.name.endswith(".tmp")
                                    for p in txn_dir.iterdir())


class reading:
    """What a reader holds while it loads the books: a shared lock, so it waits while a writer is
    changing files (it never sees a change half made); an interrupted write found on the way in is
    finished first. Within a writer's own lock it does nothing."""

    def __init__(self, root: Path, timeout: float = 60.0) -> None:
        self.root = Path(root)
        self.timeout = timeout
        self.fd: int | None = None

    def __enter__(self) -> "reading":
        import fcntl
        import time

        if self.root.resolve() in _HELD:
            return self
        check_kebir_dir(self.root)
        if not (self.root / ".kebir").is_dir() and not pending(self.root):
            return self
        lock = self.root / ".kebir" / "lock"
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError:
            return self            # a read-only books directory: nothing to wait for or recover
        if pending(self.root):
            with books_lock(self.root, self.timeout):
                recover(self.root)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self.fd)
                    self.fd = None
                    raise BooksLocked(f"{self.root} is being written by another kebir command") from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        import fcntl

        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
