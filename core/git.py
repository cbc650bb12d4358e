"""Every git command kebir runs goes through here: the audit's reads (log, show, ls-tree, cat-file),
the close tags, the commits of `close`, `reopen` and `dedup apply`, `kebir init`'s first commit,
the pre-commit hook's staged copy, and the author's name.

Each call is `git --no-replace-objects -C ROOT ...`: `git replace` must not let a rewritten commit
or tag stand in for the published one (the audit reads the objects the ids name, nothing else;
docs/trust.md). A command git refuses is a GitError carrying the last line git said. (Which paths
under `.kebir/` git tracks is read straight from the index file by core/books/gitindex.py, without
running git, because every load asks it.)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any


class GitError(Exception):
    """Git history cannot be read or written (not a repository, git missing, a command refused)."""


def run(root: Path, *args: str, binary: bool = False, input: bytes | None = None) -> Any:
    """git's stdout (text, or bytes when `binary`) for `git -C root ARGS`; GitError when git is
    missing or the command fails."""
    try:
        done = subprocess.run(["git", "--no-replace-objects", "-C", str(root), *args], capture_output=True,
                              check=True, text=not binary and input is None, input=input)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        err = exc.stderr if isinstance(exc.stderr, str) else exc.stderr.decode(errors="replace")
        raise GitError(f"git {' '.join(args[:2])}: {err.strip().splitlines()[-1] if err.strip() else exc}") from None
    return done.stdout


def _quiet(root: Path | None, *args: str) -> str:
    """stdout of a git command whose failure is no answer ("" when git fails or is missing)."""
    where = ["-C", str(root)] if root is not None else []
    try:
        return subprocess.run(["git", "--no-replace-objects", *where, *args], capture_output=True,
                              text=True).stdout
    except OSError:
        return ""


def user() -> str:
    """Who is working: "Name <e-mail>" from git's configuration, else the name alone, else $USER."""
    name = _quiet(None, "config", "user.name").strip()
    mail = _quiet(None, "config", "user.email").strip()
    return f"{name} <{mail}>" if name and mail else (name or os.environ.get("USER", "unknown"))


def blobs(root: Path, shas: list[str]) -> bytes:
    """`git cat-file --batch` of the objects `shas`, in one run: a header line and the content each."""
    return run(root, "cat-file", "--batch", input=b"".join(f"{sha}\n".encode() for sha in shas))


def commit_files(root: Path, files: dict, message: str) -> None:
    """Commit exactly the files written (paths relative to the books at `root`, which may sit in a
    subdirectory of the work tree): added, changed, and deleted ones git tracked."""
    tracked = set(_quiet(root, "ls-files", "--", *files).splitlines())
    prefix = _quiet(root, "rev-parse", "--show-prefix").strip()
    paths = [rel for rel in files if (root / rel).exists() or f"{prefix}{rel}" in tracked]
    run(root, "add", "-A", "--", *paths)
    run(root, "commit", "-q", "-m", message, "--", *paths)


def uncommitted(root: Path) -> list[str]:
    """The files under the books at `root` whose content git does not hold as committed: new
    (untracked, not ignored), changed or deleted, staged or not; paths relative to `root`, sorted.
    GitError when `root` is not in a git work tree."""
    prefix = run(root, "rev-parse", "--show-prefix").strip()
    out = run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", ".")
    paths = set()
    for entry in out.split("\0"):
        if len(entry) > 3:
            path = entry[3:]
            paths.add(path[len(prefix):] if prefix and path.startswith(prefix) else path)
    return sorted(paths)


def init(root: Path, message: str) -> None:
    """A new repository at `root` holding everything in it, in one commit by kebir."""
    run(root, "init", "-q", ".")
    run(root, "add", "-A")
    run(root, "-c", "user.name=kebir", "-c", "user.email=kebir@localhost", "commit", "-q", "-m", message)


def checkout_index(top: Path, into: Path) -> None:
    """Copy the files staged in the index of the work tree at `top` into the directory `into`."""
    run(top, "checkout-index", "-a", f"--prefix={into}/")
