"""Finding the books and their record files: `--books`, `$KEBIR_BOOKS` or upwards from the current directory;
the files under it by kind, with what is refused (links out, folders named like files) and why."""

from __future__ import annotations

import os
import re
from pathlib import Path

from core.books import gitindex, safeio, schema
from core.model.errors import BooksError, Problem


def find_upwards(start: Path | None = None) -> Path | None:
    """The nearest folder holding books.toml, from `start` (the current directory) up to the
    filesystem's root, as git finds its repository: a command run in `journals/2025/` of the books
    acts on those books. None when there is none."""
    here = Path(start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if os.path.lexists(folder / "books.toml"):
            return folder
    return None


def books_conflict(arg: str | None) -> tuple[Path, Path] | None:
    """(the books $KEBIR_BOOKS names, the books found upwards from here) when both exist and are
    different directories and --books is not given: the case where a writing command would act
    on one company while the user stands in the other's folder. None otherwise."""
    env = os.environ.get("KEBIR_BOOKS")
    if arg or not env:
        return None
    up = find_upwards()
    if up is None or not Path(env).is_dir():
        return None
    return None if os.path.realpath(env) == os.path.realpath(up) else (Path(env), up)


def find_books(arg: str | None) -> Path:
    """--books, else $KEBIR_BOOKS, else the nearest folder upwards from the current directory that
    holds books.toml (docs/guide.md, "Which books"). Writing commands refuse when the last two
    disagree (`books_conflict`)."""
    candidate = arg or os.environ.get("KEBIR_BOOKS")
    if candidate is None:
        up = find_upwards()
        candidate = "." if up is None or up == Path.cwd().absolute() else str(up)
    root = Path(candidate)
    if not root.is_dir():
        raise BooksError(f"{candidate}: no such directory", "give the books directory with --books DIR")
    if os.path.lexists(root / "books.toml") and (problem := safeio.vet(root, "books.toml")) is not None:
        raise safeio.Refused(problem)      # a FIFO, a link out, a directory: say so, exit 1
    if not (root / "books.toml").is_file():
        where = "the current directory (nor any folder above it)" if candidate == "." else candidate
        raise BooksError(f"{where} is not a books directory (no books.toml)",
                         "give it with --books DIR or set KEBIR_BOOKS; `kebir init DIR` starts new books")
    return root


_CLOSE_FILE = re.compile(r"^journals/\d{4}/(\d{4}-\d{2})\.close\.yaml$")


def close_file_live(root: Path, rel: str) -> bool:
    """A period's generated close entries count only while its close record says closed; a file
    left by an interrupted close or by a reopen is inert (W004) until the next close rewrites it."""
    m = _CLOSE_FILE.match(rel)
    if not m:
        return True
    try:
        text = safeio.read_text(root, f"closes/{m[1]}.yaml")
    except BooksError:
        return False
    return re.search(r"^status: closed$", text, re.M) is not None


def discover(root: Path, skip: str | None = None,
             refused: list[Problem] | None = None) -> list[tuple[str, schema.FileKind]]:
    """Record files under root (relative POSIX paths, sorted), skipping hidden folders, the
    close entries of periods that are not closed (see `close_file_live`) and `skip`, the private
    books when they are a submodule inside these (core.books.private). A record name that is not a
    regular file inside the books (a link out, a FIFO, a device, an unreadable or oversized file:
    `safeio.vet`) is never read; its problem goes to `refused` when given."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and (skip is None or (d if rel_dir == "." else f"{rel_dir}/{d}") != skip))
        if refused is not None:
            for d in dirnames:
                rel = d if rel_dir == "." else f"{rel_dir}/{d}".replace(os.sep, "/")
                problem = _folder_problem(root, rel)
                if problem is not None:
                    refused.append(problem)
        for name in sorted(filenames):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
            kind = schema.kind_of(rel)
            if kind is None or kind.kind == "books":
                continue
            problem = safeio.vet(root, rel)
            if problem is not None:
                if refused is not None:
                    refused.append(problem)
            elif close_file_live(root, rel):
                found.append((rel, kind))
    return found


def _folder_problem(root: Path, rel: str) -> Problem | None:
    """A folder kebir does not walk into though it may hold records: a link to outside the books
    (E081; a link inside is read through its real place), or a folder named like a record file
    (E082: `accounts.yaml/`), whose records would otherwise vanish without a word."""
    path = Path(root) / rel
    if os.path.islink(path) and not safeio.inside(root, rel):
        return Problem("E081", rel, 1, f"{rel} is a folder link to outside the books directory, so nothing in it "
                       "was read", expected="a folder inside the books directory", found=os.path.realpath(path),
                       hint="copy the folder into the books instead of linking to it")
    if schema.kind_of(rel) is not None:
        return Problem("E082", rel, 1, f"{rel} is a directory, not a regular file, so it was not read",
                       found="a directory", hint="record files are plain files: replace it with the file itself")
    return None


def refused_files(root: Path, skip: str | None = None) -> list[Problem]:
    """The problems of the record names `discover` leaves out (E081, E082, E006, E084)."""
    refused: list[Problem] = []
    discover(root, skip, refused)
    return refused


def tracked_cache(root: Path) -> list[Problem]:
    """W008 when git tracks files under the books' `.kebir/` (caches, lock, write journals)."""
    paths = gitindex.tracked_local(root)
    if not paths:
        return []
    return [Problem("W008", ".kebir", 0, f"git tracks {len(paths)} file(s) under .kebir/ (local caches and "
                    "locks, not part of the books), e.g. " + paths[0], found=", ".join(paths[:3]),
                    hint="git rm -r --cached .kebir && echo .kebir/ >> .gitignore && git commit "
                         "(a cache from another clone is never trusted, but it has no place in the history)")]
