"""Check an import's files against the books before writing them, then write them atomically.

The files are laid over a scratch copy of the books and loaded and validated the way
`kebir validate` does; problems in the new records come back as I012 at the source line of the
record (an entry id maps to its transaction's line). Only then are the files written, under the
books lock, the manifest last.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from core.model import errors

from core.books import safeio, store

from core.close.checked import books_problems
from core.model.errors import Problem


def verify(root: Path, files: dict[str, str], sources: dict[str, int] | dict[str, tuple[str, int]],
           source_path: str) -> list[Problem]:
    """Problems kebir's own checks find in the records `files` would add to the books at `root`,
    at the source line each record came from (`sources`: id -> line, or (file, line) where the
    journal includes other files)."""
    old_lines = {}
    for rel in files:
        store.refuse_target(root, rel)          # E083 before anything is written, even to the scratch copy
        p = root / rel
        old_lines[rel] = safeio.read_text(root, rel).count("\n") if p.exists() else 0
    with tempfile.TemporaryDirectory(prefix="kebir-import-") as tmp:
        scratch = Path(tmp) / "books"
        shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".git", ".kebir"), symlinks=True)
        for rel, text in files.items():
            store.refuse_target(scratch, rel)   # the copy keeps the books' links: never write through one
            dst = scratch / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(text, encoding="utf-8")
        problems = books_problems(scratch, use_cache=False, jobs=1)
    out = []
    for p in errors.sorted_problems(problems):
        if p.severity != errors.ERROR or p.path not in files or p.line <= old_lines.get(p.path, 0):
            continue
        where = sources.get(p.record, 1) if p.record else 1
        path, line = where if isinstance(where, tuple) else (source_path, where)
        out.append(Problem("I012", path, line, f"{p.code} {p.message} (in {p.path}:{p.line})",
                           record=p.record, expected=p.expected, found=p.found, hint=p.hint))
    return out


def write(root: Path, files: dict[str, str]) -> None:
    """Write every file atomically under the books lock; the manifest (named last) is the commit point."""
    with store.books_lock(root, reentrant=True):
        store.apply_files(root, files)
