"""The per-user key that signs cache entries, so a cache is never trusted as the truth.

Everything under `.kebir/cache` (the raw parse of a file keyed by its content digest, the typed
whole book, the stat index, the dedup records) is derived from the books and could be rebuilt. A
cache entry someone else wrote, for instance one committed to git and checked out in a fresh
clone, could carry a correct content digest and a made-up parse: a reader that took it would see
books that are not on disk. So every entry carries a MAC, HMAC-SHA256 with a key that lives with
the user, outside the books: `$XDG_CONFIG_HOME/kebir/cache.key` (else `~/.config/kebir/cache.key`),
32 random bytes created 0600 on first use. The MAC covers what the entry is for (its kind, cache
version and the content digest it stands for) and every byte it holds. An entry without a valid
MAC is ignored and rebuilt, never an error. When the key cannot be read or created (a read-only
home), nothing is cached: `available()` is False and every reader parses the files.

`kebir validate --strict` and `kebir close` do not read the cache at all.
"""

from __future__ import annotations

from pathlib import Path

from core.books import userkey

def key_path() -> Path:
    return userkey.key_dir() / "cache.key"


def key() -> bytes | None:
    """This user's cache key, created on first use (core.books.userkey); None when it cannot be had."""
    return userkey.key("cache")


def available() -> bool:
    """Whether caches may be read and written at all (a key exists or could be made)."""
    return key() is not None


def _bytes(what: str, parts: tuple[bytes | str, ...]) -> list[bytes]:
    return [p.encode("utf-8") if isinstance(p, str) else p for p in (what, *parts)]


def mac(what: str, *parts: bytes | str) -> str | None:
    """The MAC of an entry (core.books.userkey, key "cache"): `what` names its kind, version and the digest
    it stands for; `parts` are its bytes (each length-prefixed, so parts cannot be shifted into one
    another)."""
    return userkey.mac("cache", *_bytes(what, parts))


def valid(tag: object, what: str, *parts: bytes | str) -> bool:
    """Whether `tag` is the MAC of this entry under this user's key."""
    return userkey.verify("cache", tag, *_bytes(what, parts))
