"""Validate the books the way `kebir validate` does, and write a change only if it leaves them no
worse. `books_problems` is the one "load and check" every caller uses: a change written in place
(`apply_checked`: `accounts add|rename`, `contacts add|forget`, `plan purchases --write`), an
import laid over a scratch copy (core.interop.apply.verify), the staged books of the pre-commit
hook (`kebir hooks run`), and a dry run's change laid over a scratch copy (`check_change`), so
`--dry-run` refuses what the real run refuses.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.erp.load import load_ledger
from core.books import store
from core.books.fmt import canonical_files
from core.close import validate
from core.model import errors
from core.model.errors import Problem


def books_problems(root: Path, *, use_cache: bool = True, jobs: int | None = None) -> list[Problem]:
    """Every problem of the books at `root`, in reading order: the loader's and every check's."""
    book, problems = load_ledger(root, use_cache=use_cache, jobs=jobs)
    return errors.sorted_problems(problems + validate.run_all(book))


@dataclass
class Checked:
    """What `apply_checked` did: `written`, or not (the old texts are back) with the `problems` the
    change would have brought (every error of the books with it); `purged`: the files deleted."""
    written: bool
    problems: list[Problem] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)


def apply_checked(root: Path, files: dict[str, str | None],
                  purge: Callable[[Path], list[str]] | None = None, canonical: bool = True) -> Checked:
    """Write `files`, then validate; if the books have more errors than before, put the old texts
    back. `purge(root)` names files to delete in the same write, found under the lock (a forget
    purges the cache, so nothing cached from the old texts is left). Runs under the books lock
    (re-entered when the caller holds it). Record files are written in canonical form
    (core.books.fmt.canonical_files), so a change never fails `kebir fmt --check`; `canonical=False`
    writes them as given (a change that adds lines and must leave every other byte alone)."""
    files = canonical_files(root, files) if canonical else files
    before = errors.count_errors(books_problems(root))
    old = {rel: (root / rel).read_bytes() if (root / rel).exists() else None for rel in files}
    with store.books_lock(root, reentrant=True):
        purged = purge(root) if purge is not None else []
        store.apply_files(root, {**files, **{rel: None for rel in purged}})
        problems = books_problems(root)
        if errors.count_errors(problems) > before:
            store.apply_files(root, old)
            return Checked(False, [p for p in problems if p.severity == errors.ERROR])
    return Checked(True, purged=purged)


def check_change(root: Path, files: dict[str, str | None]) -> Checked:
    """What `apply_checked` would do with `files`, found without writing to the books: the change
    is laid over a scratch copy of them (git and kebir's local `.kebir/` left behind) and the copy
    validated. `written` says the change would be written; otherwise `problems` are the errors
    the real run would refuse it for. The dry run of every checked writer (`kebir new`, `contacts
    add`, `accounts add` ...) runs the same checks as the real one."""
    files = canonical_files(root, files)
    before = errors.count_errors(books_problems(root))
    with tempfile.TemporaryDirectory(prefix="kebir-check-") as tmp:
        scratch = Path(tmp) / "books"
        shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".git", ".kebir"), symlinks=True)
        for rel, text in files.items():
            store.refuse_target(scratch, rel)   # the copy keeps the books' links: never write through one
            dst = scratch / rel
            if text is None:
                dst.unlink(missing_ok=True)
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(text, encoding="utf-8")
        problems = books_problems(scratch, use_cache=False, jobs=1)
    if errors.count_errors(problems) > before:
        return Checked(False, [p for p in problems if p.severity == errors.ERROR])
    return Checked(True)
