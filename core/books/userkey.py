"""A secret per user, kept outside every books directory, for what kebir must recognise as its own.

A file in the books can be planted by anyone who can commit to them (a crafted `.kebir/txn`
journal, a forged cache entry); a MAC made with a key that never lives in the books cannot be.
The key is 32 random bytes in `$XDG_CONFIG_HOME/kebir/<name>.key` (else `~/.config/kebir/`),
created on first use with mode 0600. When no key can be kept (a read-only home), `key` returns
None and callers fall back to trusting nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

_KEYS: dict[tuple[str, Path], bytes | None] = {}


def key_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    return (Path(base) if base and Path(base).is_absolute() else Path.home() / ".config") / "kebir"


def key(name: str) -> bytes | None:
    """This user's key `name`, made on first use; None when it cannot be read or made."""
    path = key_dir() / f"{name}.key"
    if (name, path) in _KEYS:
        return _KEYS[(name, path)]
    value: bytes | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            fd = -1
        if fd >= 0:
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
                fh.flush()
                os.fsync(fh.fileno())
        rfd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            st = os.fstat(rfd)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & 0o077:
                data = os.read(rfd, 64)
                value = data if len(data) == 32 else None
        finally:
            os.close(rfd)
    except OSError:
        value = None
    _KEYS[(name, path)] = value
    return value


def mac(name: str, *parts: bytes) -> str | None:
    """HMAC-SHA256 of the parts (length-prefixed, so they cannot be re-cut) under key `name`."""
    k = key(name)
    if k is None:
        return None
    h = hmac.new(k, digestmod=hashlib.sha256)
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def verify(name: str, tag: object, *parts: bytes) -> bool:
    want = mac(name, *parts)
    return want is not None and isinstance(tag, str) and hmac.compare_digest(
        want.encode(), tag.encode("utf-8", "replace"))
