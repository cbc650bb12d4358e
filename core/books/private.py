"""Confidential books: payroll detail and personal fields kept where only their staff can read.

Plain git has no read permissions, so what not everyone may see lives in a second books
directory, its own repository (a sibling checkout or a git submodule), named in books.toml:

    [private]
    path = "../acme-private"

It holds two kinds of file, in the books layout:

- `payroll/YYYY/YYYY-MM.yaml`: runs with their `lines` (who earns what). The main books hold the
  same run with only its `totals` (docs/payroll.md), and post from those totals.
- `contacts/personal.yaml`: personal fields of contacts of the main books, by id (e-mail, phone,
  address, city, tax id, IBAN, salary; schemas/personal.schema.json).

kebir works the same with or without it. When it can read the private books, the personal
fields are shown on the contacts, and each detailed run is computed and checked against the
totals the main books post (E068). When it cannot, every command says so once (W005) and says
what that leaves unseen; nothing else changes, since the main books are complete without it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from core.books import kinds, safeio, schema, yamlnodes
from core.model.errors import Problem
from core.model.payroll import PayrollRun
from core.model.private import Private
from core.model.records import Book, Contact, Settings, frozen_map
from core.model.source import Source
from core.books.yamlnodes import Map

PERSONAL_FILE = "contacts/personal.yaml"
PAYROLL_GLOB = "payroll/*/*.yaml"


def configured(settings: Settings) -> str | None:
    return settings.private_path


def inside(root: Path, settings: Settings) -> str | None:
    """The private directory relative to the books root when it lies inside them (a submodule),
    so that the main books' file discovery leaves it out."""
    path = configured(settings)
    if not path:
        return None
    try:
        rel = (root / path).resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return None
    return rel.as_posix()


def read(root: Path, settings: Settings) -> tuple[Private | None, list[Problem]]:
    """The private books named in books.toml, or None when none are named."""
    path = configured(settings)
    if not path:
        return None, []
    where = Path(root) / path
    reason = _unreadable(where)
    if reason:
        return Private(path, False, reason), []
    problems: list[Problem] = []
    files: list[str] = []
    runs: list[PayrollRun] = []
    parse_runs = kinds.get("payroll").parse      # the payroll domain's reader (core.erp.kinds)
    for file in sorted(where.glob(PAYROLL_GLOB)):
        rel = _rel(root, file)
        text, found = _text(where, file, rel)
        problems += found
        if text is None:
            continue
        got, found = parse_runs(text, rel)
        runs += got
        problems += found
        files.append(rel)
    personal: dict[str, tuple[tuple[str, str], ...]] = {}
    lines: dict[str, Source] = {}
    file = where / PERSONAL_FILE
    if file.is_file():
        rel = _rel(root, file)
        files.append(rel)
        text, found = _text(where, file, rel)
        problems += found
        tree, found = yamlnodes.parse(text, rel) if text is not None else (None, [])
        problems += found
        tree, found = schema.checked_list(tree, rel, "personal", "a personal-fields file", "id: ...")
        problems += found
        order = schema.field_order("personal")
        for rec in tree or ():
            if type(rec) is not Map or type(rec.get("id")) is not str:
                continue
            rid = rec["id"]
            if rid in lines:
                problems.append(Problem("E020", rel, rec.line, f"contact {rid} has two personal records",
                                        record=rid, found=f"first at {lines[rid]}",
                                        hint="keep one record per contact"))
                continue
            lines[rid] = Source(rel, rec.line)
            personal[rid] = tuple((k, str(rec[k])) for k in order[1:] if type(rec.get(k)) is str)
    return Private(path, True, "", tuple(runs), personal, lines, tuple(files)), problems


def _unreadable(where: Path) -> str:
    if not where.exists():
        return "it is not there (not checked out on this machine)"
    if not where.is_dir():
        return "it is not a directory"
    if not os.access(where, os.R_OK | os.X_OK):
        return "permission denied"
    try:
        next(where.iterdir(), None)
    except OSError as exc:
        return exc.strerror or "it cannot be listed"
    return ""


def _rel(root: Path, file: Path) -> str:
    return Path(os.path.relpath(file, root)).as_posix()


def _text(where: Path, file: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """A private books file's text; only regular files inside the private books are read."""
    try:
        data = safeio.read_bytes(where, os.path.relpath(file, where))
    except safeio.Refused as exc:
        p = exc.problem
        if p.code == "E084":
            return None, [Problem("W005", rel, 1, f"a private books file cannot be read: {p.found}",
                                  hint="ask for read access to the private books")]
        return None, [Problem(p.code, rel, 1, p.message.replace(p.path, rel), expected=p.expected, found=p.found,
                              hint=p.hint)]
    return yamlnodes.decode(data, rel)


def attach(book: Book, private: Private | None) -> Book:
    """The book with the private books attached and their personal fields on the contacts."""
    if private is None:
        return book
    if not private.readable or not private.personal:
        return replace(book, private=private)
    contacts = dict(book.contacts)
    for cid, values in private.personal.items():
        c = contacts.get(cid)
        if c is not None:
            contacts[cid] = _with_fields(c, values)
    return replace(book, contacts=frozen_map(contacts), private=private)


def _with_fields(c: Contact, values: tuple[tuple[str, str], ...]) -> Contact:
    """The contact with the private values in place of its own, in its schema's field order."""
    merged = dict(c.fields) | dict(values)
    order = schema.field_order(f"{c.side}-contacts")
    return replace(c, fields=tuple((k, merged[k]) for k in order if k in merged)
                   + tuple((k, v) for k, v in merged.items() if k not in order))


def notice(book: Book, line: int) -> list[Problem]:
    """W005 when books.toml names private books this process cannot read: what stays unseen."""
    private = book.private
    if private is None or private.readable:
        return []
    totals_only = sum(1 for r in book.payroll if not r.lines)
    unseen = [f"{totals_only} payroll run{'s' if totals_only != 1 else ''} checked by "
              f"{'their' if totals_only != 1 else 'its'} totals only"
              if totals_only else "no payroll detail",
              "personal fields of contacts (e-mail, phone, address, tax id, IBAN, salary) not shown"]
    return [Problem("W005", "books.toml", line,
                    f"the private books at {private.path} cannot be read: {private.reason}; "
                    + "; ".join(unseen), expected="a readable books directory", found=private.path,
                    hint="everything else is complete; check out the private repository where books.toml "
                         "says, or run kebir as someone who may read it")]
