"""Reading files that someone else controls: only regular files inside the books, never too many bytes.

A books directory arrives by `git clone` or a shared folder, so any name in it may be a symbolic
link (to `/proc/self/environ`, `/dev/zero`), a FIFO that blocks every reader, a file nobody may
read or one of many gigabytes. Every record file and every path named inside a file (a txn
journal, a plan, a manifest, books.toml's `[private] path`) goes through here:

- `inside(root, path)`: the real path (links followed) stays under the root, or the name is refused;
- `vet(root, rel)`: a problem (E081 link outside, E082 not a regular file, E006 too large, E084
  unreadable) or None, from `lstat`/`stat` alone, so discovery never opens a FIFO;
- `read_bytes(root, rel)`: opens without following a final link and without blocking
  (`O_NOFOLLOW | O_NONBLOCK`), checks the open file is regular, and reads at most the limit, so a
  file swapped between the check and the read is refused too. It raises `Refused`, a
  `BooksError` that carries the problem: the command stops with exit 1 naming file and code.

Bytes of a refused file are never read, so no excerpt of one is ever shown.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from core.model.errors import BooksError, Problem

MiB = 1024 * 1024
DEFAULT_LIMIT = 256 * MiB            # one record file; books.toml [limits] max_file_mib raises it
_limit = DEFAULT_LIMIT

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


class Refused(BooksError):
    """A file kebir will not read; `problem` says which, why and what to do."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.path}: {problem.code} {problem.message}", problem.hint)
        self.problem = problem


def set_limit(limit_bytes: int | None) -> None:
    """The largest record file this process reads (books.toml `[limits] max_file_mib`)."""
    global _limit
    _limit = DEFAULT_LIMIT if not limit_bytes else int(limit_bytes)


def limit() -> int:
    return _limit


def _real(path: Path | str) -> Path:
    return Path(os.path.realpath(path))


def inside(root: Path | str, path: Path | str, *, also: Path | str | None = None) -> bool:
    """Whether `path` (relative to root, or absolute), links followed, lies under `root` (or
    under `also`, the declared private books). `..`, absolute names and links out are refused."""
    target = _real(Path(root) / path)
    if target.is_relative_to(_real(root)):
        return True
    return also is not None and target.is_relative_to(_real(also))


def safe_rel(root: Path | str, rel: str) -> bool:
    """Whether a relative name read from a file (a txn journal's target, a plan's file) is one kebir
    may act on: relative, no `..`, no NUL, and under the root with links followed."""
    if not isinstance(rel, str) or not rel or "\0" in rel or os.path.isabs(rel) or rel.startswith("~"):
        return False
    if any(part == ".." for part in Path(rel).parts):
        return False
    return inside(root, rel)


def _oserror(rel: str, exc: OSError) -> Problem:
    why = exc.strerror or type(exc).__name__
    return Problem("E084", rel, 1, f"{rel} cannot be read: {why}", found=why,
                   hint="check the file's permissions (`ls -l`), or remove it from the books if it is not a "
                        "record file")


def _too_large(rel: str, size: int) -> Problem:
    return Problem("E006", rel, 1, f"file is larger than {_limit // MiB} MiB ({size // MiB} MiB), so it was not read",
                   found=f"{size:,} bytes",
                   hint="split it (one file per month), or raise the limit: [limits] max_file_mib = N in books.toml")


def _not_regular(rel: str, mode: int) -> Problem:
    what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return Problem("E082", rel, 1, f"{rel} is {what}, not a regular file, so it was not read", found=what,
                   hint="record files are plain files: replace it with the file itself")


def _outside(rel: str, target: str) -> Problem:
    return Problem("E081", rel, 1, f"{rel} links outside the books directory, so it was not read",
                   expected="a file inside the books directory", found=target,
                   hint="copy the file into the books instead of linking to it")


def vet(root: Path | str, rel: str) -> Problem | None:
    """Why the file at root/rel must not be read, or None; from its metadata only (nothing opened)."""
    path = Path(root) / rel
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or not inside(root, Path(rel).parent):
            if not inside(root, rel):
                return _outside(rel, str(_real(path)))
            st = os.stat(path)
    except OSError as exc:
        return _oserror(rel, exc)
    if not stat.S_ISREG(st.st_mode):
        return _not_regular(rel, st.st_mode)
    if st.st_size > _limit:
        return _too_large(rel, st.st_size)
    if os.geteuid() != 0 and not os.access(path, os.R_OK):
        return _oserror(rel, PermissionError(13, "permission denied"))
    return None


def _read_regular(path: Path | str, cap: int) -> tuple[os.stat_result, bytes | None]:
    """Open `path` without following a final link and without blocking; (its stat, its bytes), or
    (its stat, None) when it is not a regular file or holds (or grows to) more than `cap` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > cap:
            return st, None
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 24, cap + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:                 # it grew while we read
                return st, None
        return st, b"".join(chunks)
    finally:
        os.close(fd)


def read_bytes(root: Path | str, rel: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file under root; anything else raises `Refused` (nothing read)."""
    cap = _limit if max_bytes is None else max_bytes
    path = Path(root) / rel
    if not inside(root, rel):
        raise Refused(_outside(rel, str(_real(path))))
    try:
        st, data = _read_regular(_real(path), cap)
    except OSError as exc:
        raise Refused(_oserror(rel, exc)) from None
    if data is None:
        raise Refused(_not_regular(rel, st.st_mode) if not stat.S_ISREG(st.st_mode)
                      else _too_large(rel, max(st.st_size, cap + 1)))
    return data


def read_text(root: Path | str, rel: str, **kw: int) -> str:
    """`read_bytes` decoded as UTF-8 (bad bytes replaced: callers that judge encoding use bytes)."""
    return read_bytes(root, rel, **kw).decode("utf-8", errors="replace")


def _lexically_under(root: Path | str, path: Path | str) -> str | None:
    """`path` relative to root when it is written as a place inside the books (before links are
    followed), else None."""
    a = os.path.abspath(path)
    r = os.path.abspath(root)
    return os.path.relpath(a, r) if a == r or a.startswith(r.rstrip(os.sep) + os.sep) else None


def argument_bytes(path: Path | str, root: Path | str | None = None) -> bytes:
    """A file named on the command line (a plan, an import source). Inside the books it follows
    the books' rule (a regular file inside them); elsewhere it is the user's own choice of file,
    but still only a regular file is read (no FIFO, device or directory) and at most the limit."""
    if root is not None and (rel := _lexically_under(root, path)) is not None:
        return read_bytes(root, rel)
    real = _real(path)
    return read_bytes(real.parent, real.name)


def check_output(path: Path | str, root: Path | str | None) -> None:
    """A file kebir is asked to write (`-o FILE`): when it is named inside the books it must stay
    inside them after links are followed, and never replace a link or anything but a regular file."""
    if root is None or (rel := _lexically_under(root, path)) is None:
        return
    if not inside(root, Path(rel).parent) or os.path.islink(path) or (
            os.path.lexists(path) and not os.path.isfile(path)):
        raise Refused(Problem("E083", rel, 1, f"refusing to write {rel}: it is a link, not a plain file, or "
                              "its folder leads outside the books", found=os.path.realpath(path),
                              hint="write the file elsewhere, or replace the link with a plain folder"))


CACHE_LIMIT = 16 * 1024 * MiB


def cache_bytes(path: Path | str) -> bytes:
    """A cache file's bytes (under `.kebir/cache`): a regular file, not a link, not past 16 GiB; anything
    else raises OSError, which every cache reader takes as a miss (a FIFO or /dev/zero planted there
    never hangs a command or fills the memory)."""
    _, data = _read_regular(path, CACHE_LIMIT)
    if data is None:
        raise OSError(f"{path}: not a cache file")
    return data


@dataclass(frozen=True, slots=True)
class NotUtf8:
    """Where bytes stop being UTF-8: the first bad byte's offset, its line (from 1) and its value in hex."""

    offset: int
    line: int
    byte: str


def utf8_text(data: bytes) -> str | NotUtf8:
    """Bytes as UTF-8 text with a leading byte order mark dropped, or where they are not UTF-8 (each
    reader turns that into its own problem: E003 for a books file, I007/I011 for an import)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return NotUtf8(exc.start, data[:exc.start].count(b"\n") + 1, data[exc.start:exc.start + 1].hex())
    return text[1:] if text.startswith("\ufeff") else text
