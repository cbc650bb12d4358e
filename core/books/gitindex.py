"""Which paths under the books' `.kebir/` git tracks, read straight from the git index (no git
process: every command that reads the books asks, so it must cost next to nothing).

`.kebir/` holds caches, the lock and the write journals: local state, never part of the books. A
tracked cache is how a forged entry reaches another clone (core/books/cachekey.py makes such an entry
useless; W008 and `kebir audit verify` say it is there so it can be removed).
"""

from __future__ import annotations

import struct
from pathlib import Path

LOCAL = ".kebir/"


def _git_dir(root: Path) -> tuple[Path, Path] | None:
    """(the work tree's top, its git directory) of the repository holding `root`, if any."""
    here = root.resolve()
    for top in (here, *here.parents):
        dot = top / ".git"
        if dot.is_dir():
            return top, dot
        if dot.is_file():               # a worktree or submodule: "gitdir: PATH"
            try:
                text = dot.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                gd = Path(text[7:].strip())
                return top, gd if gd.is_absolute() else (top / gd).resolve()
            return None
    return None


def index_paths(index: bytes) -> list[str]:
    """The paths in a git index file (versions 2, 3 and 4); [] when it cannot be read."""
    if len(index) < 12 or index[:4] != b"DIRC":
        return []
    version, count = struct.unpack(">II", index[4:12])
    if version not in (2, 3, 4):
        return []
    out: list[str] = []
    pos, previous = 12, b""
    try:
        for _ in range(count):
            start = pos
            flags = struct.unpack(">H", index[pos + 60:pos + 62])[0]
            pos += 62
            if version >= 3 and flags & 0x4000:     # extended flags
                pos += 2
            if version == 4:
                byte = index[pos]                    # the prefix length to drop, as an offset varint
                pos += 1
                strip = byte & 0x7F
                while byte & 0x80:
                    byte = index[pos]
                    pos += 1
                    strip = ((strip + 1) << 7) | (byte & 0x7F)
                end = index.index(b"\0", pos)
                name = previous[:len(previous) - strip] + index[pos:end]
                pos = end + 1
            else:
                end = index.index(b"\0", pos)
                name = index[pos:end]
                pos = start + ((end - start + 8) // 8) * 8          # NUL-padded to a multiple of 8
            out.append(name.decode("utf-8", errors="replace"))
            previous = name
    except (IndexError, ValueError, struct.error):
        return out
    return out


def tracked_local(root: Path) -> list[str]:
    """The paths under `root/.kebir/` that git tracks (relative to `root`); [] outside a repository."""
    found = _git_dir(Path(root))
    if found is None:
        return []
    top, git_dir = found
    try:
        data = (git_dir / "index").read_bytes()
        prefix = Path(root).resolve().relative_to(top).as_posix()
    except (OSError, ValueError):
        return []
    prefix = "" if prefix == "." else prefix + "/"
    if (prefix + LOCAL).encode() not in data and not version_4(data):
        return []                       # the common case: one substring search of the index
    return [p[len(prefix):] for p in index_paths(data) if p.startswith(prefix + LOCAL)]


def version_4(data: bytes) -> bool:
    """Index version 4 compresses path prefixes: a substring search can miss a path there."""
    return len(data) >= 8 and data[:4] == b"DIRC" and struct.unpack(">I", data[4:8])[0] == 4
