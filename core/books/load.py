"""Read a books directory into a `Book` and the problems found on the way.

The layers, each its own module under core/books/:
- `discover`: the books directory and its record files by kind (what is refused, and why);
- `settings`: books.toml, typed;
- `parse`: one file's bytes into frames of strings (fast paths for well-formed YAML);
- `cache`: raw parses by content hash and the typed whole book under `.kebir/cache/`, and the
  worker processes that parse large cold YAML journals;
- `bulk`: journals, rates, stock moves and Z-reports typed with polars (no float touches an amount);
- `readers` and `kinds`: the small YAML record files, each kind read through the registry of
  record-file kinds (the books' own kinds are registered by `readers`, the domains' by
  `core.erp.kinds`).

This module puts them together. `core.erp.load.load_ledger` is the usual way in: it registers
the domains' kinds and derives the postings the documents imply.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from core.books import cachekey, private
from core.books.bulk import load_frames
from core.books.discover import discover, tracked_cache
from core.books.readers import fast_documents, read_records
from core.books.settings import read_settings, toml_line
from core.model.errors import Problem
from core.books.unread import unread_files
from core.model.records import Book

BULK_KINDS = ("journal", "journal-csv", "moves", "rates", "sales")   # read as frames by core.books.bulk


def load_book(root: Path, *, use_cache: bool = True, jobs: int | None = None) -> tuple[Book, list[Problem]]:
    """Read every record file under root. Problems are returned, never raised.

    Raises `kinds.UnregisteredKind` when the books hold a record file whose kind nobody registered
    (a domain's kinds are registered by importing `core.erp.kinds`)."""
    root = Path(root)
    use_cache = use_cache and cachekey.available()     # no key for this user: no cache at all
    settings, problems = read_settings(root)
    problems += tracked_cache(root)
    files = discover(root, private.inside(root, settings), problems)
    bulk = [(rel, fk.kind) for rel, fk in files if fk.kind in BULK_KINDS]
    doc_files = [rel for rel, fk in files if fk.kind == "orders"]
    typed, found, broken, doc_raws = load_frames(root, settings, bulk, use_cache, jobs, doc_files)
    problems += found
    read = read_records(root, files, settings, fast_documents(doc_raws), problems)
    book = Book(root=root, settings=settings, **read.fields, postings=typed["postings"], entries=typed["entries"],
                moves=typed["moves"], rates=typed["rates"], sales=typed["sales"],
                files=tuple(rel for rel, _ in files), broken_entries=frozenset(broken))
    for attach, group in read.attach.items():      # e.g. recipes, runs and supply (core.erp.production)
        book, found = attach(book, group)
        problems += found
    if private.configured(settings):
        hidden, found = private.read(root, settings)
        book = private.attach(book, hidden)
        problems += found + private.notice(book, toml_line((root / "books.toml").read_text(encoding="utf-8"),
                                                           "private"))
    return dataclasses.replace(book, unread=unread_files(book, problems)), problems
