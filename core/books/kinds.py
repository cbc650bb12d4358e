"""The registry of record-file kinds: for each kind of YAML record file, how its records are read
and which `Book` field they fill.

Where a kind's files lie and which schema checks them is `schema.FILE_KINDS` (pattern, schema
name, format); this registry adds the reader and the record type. The loader (`load.load_book`)
reads every small YAML record file through it instead of naming the kinds itself:

- the kinds the books hold on their own (accounts, contacts, items, documents, CRM records...)
  are registered by `core.books.readers`, beside their readers;
- a domain registers the kinds it owns (payroll runs, the asset register, recurring items,
  recipes and production: `core.erp.kinds`), so `core/books/` never imports a domain.

A kind is read in one of three ways: `one` builds one record (the loader checks ids unique
within `namespace` first, E020), `read` builds a file's records at once (and checks them), or
`attach` takes the records of every file of its group after the book is built. The journals,
stock moves, rates, Z-reports and the documents' fast path are read as frames, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from core.books.schema import FileKind
from core.books.yamlnodes import Map
from core.model.errors import Problem
from core.model.records import Book, Settings

FileReader = Callable[[list[Map], str, Settings], tuple[list[Any], list[Problem]]]
RecordReader = Callable[[Map, str, FileKind], Any]
TextReader = Callable[[str, str], tuple[list[Any], list[Problem]]]
Attach = Callable[[Book, list[tuple[str, str, Any]]], tuple[Book, list[Problem]]]


@dataclass(frozen=True)
class RecordKind:
    """How the records of one file kind are read, and where they go in the `Book`."""

    kind: str                                   # as schema.FILE_KINDS names it
    record: type | None                         # the record type its reader builds
    field: str | None = None                    # the Book field its records fill (None: `attach` places them)
    one: RecordReader | None = None             # one record from its mapping (None: skip it)
    namespace: str | None = None                # ids unique within it over all files (E020); None: not
    read: FileReader | None = None              # a whole file's records at once, with the problems found
    key: Callable[[Any], str] | None = None     # the field is a mapping by this key (else a tuple)
    order: Callable[[Any], Any] | None = None   # sort key of the field's records (None: file order)
    parse: TextReader | None = None             # a file's text to records (the private books' payroll files)
    attach: Attach | None = None                # the group's (kind, rel, records) into the built book


class UnregisteredKind(LookupError):
    """A record file of a kind nobody registered a reader for: a wiring error, not a data error."""


_KINDS: dict[str, RecordKind] = {}


def register(*kinds: RecordKind) -> None:
    """Add kinds to the registry; registering a kind again replaces it (a module reloaded)."""
    for k in kinds:
        _KINDS[k.kind] = k


def get(kind: str) -> RecordKind:
    """The registered reading of `kind`; `UnregisteredKind` when its domain was never imported."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise UnregisteredKind(
            f"no reader is registered for {kind} files: import core.erp.kinds (core.erp.load.load_ledger "
            "does), which registers the kinds the domains own") from None


def registered() -> Mapping[str, RecordKind]:
    """Every registered kind, by name (a read-only view)."""
    return MappingProxyType(_KINDS)
