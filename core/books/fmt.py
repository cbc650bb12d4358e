"""`kebir fmt`: every record file in one canonical form, so diffs show only real changes.

Canonical means: keys in schema order, records sorted by the kind's key, amounts written with
exactly their currency's decimals (never rounded: a value with too many decimals is left for
`validate` to report), codes and amounts quoted, LF endings, one trailing newline.
Formatting is idempotent and never changes what a file means: `load(fmt(x)) == load(x)`.

Files that cannot be parsed are reported and left alone. A header of comment lines at the top
of a YAML file (a licence line, a `# yaml-language-server: $schema=...` modeline) is kept as is;
comments further down cannot be kept through a re-serialisation, so such files are skipped with
a note rather than stripped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.books import private, safeio, schema, store, yamlnodes
from core.books.discover import discover
from core.books.parse import parse_csv
from core.books.settings import read_settings
from core.model.errors import Problem
from core.model.records import Settings
from core.books.yamlnodes import Map, Seq

_NUMBER = re.compile(r"^[0-9]+(\.[0-9]*)?$")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
_COMMENT = re.compile(r"(^|\s)#")


@dataclass(frozen=True, slots=True)
class Change:
    path: str          # relative to the books root
    old: str
    new: str


def _split_header(text: str) -> tuple[str, str]:
    """Leading comment lines (and blank lines among them) apart from the records below."""
    lines = text.splitlines(keepends=True)
    n = 0
    while n < len(lines) and (lines[n].lstrip().startswith("#") or not lines[n].strip()):
        n += 1
    while n > 0 and not lines[n - 1].strip():
        n -= 1
    return "".join(lines[:n]), "".join(lines[n:])


def _has_comment(text: str) -> bool:
    """Comments below the header, which formatting would lose."""
    body = _split_header(text)[1]
    return any(_COMMENT.search(_QUOTED.sub("", line)) for line in body.splitlines())


def pad_amount(value: Any, decimals: int | None) -> Any:
    """'12.5' -> '12.50' for 2 decimals; anything else (too many decimals, not a number) unchanged."""
    if decimals is None or type(value) is not str or not _NUMBER.match(value):
        return value
    whole, _, frac = value.partition(".")
    if len(frac) > decimals:
        return value
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{frac.ljust(decimals, '0')}" if decimals else whole


def _normalise(kind: str, records: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    base_dec = settings.decimals(settings.base_currency)
    for r in records:
        if kind == "journal":
            for p in r.get("postings") or []:
                if isinstance(p, dict):
                    dec = settings.decimals(p.get("currency") or settings.base_currency)
                    for k in ("debit", "credit"):
                        if k in p:
                            p[k] = pad_amount(p[k], dec)
                    if "base" in p:
                        p["base"] = pad_amount(p["base"], base_dec)
        elif kind == "journal-csv":
            dec = settings.decimals(r.get("currency") or settings.base_currency)
            for k in ("debit", "credit"):
                if r.get(k):
                    r[k] = pad_amount(r[k], dec)
            if r.get("base"):
                r["base"] = pad_amount(r["base"], base_dec)
        elif kind == "erp-contacts":
            for k in ("credit_limit", "gross_salary"):
                if k in r:
                    r[k] = pad_amount(r[k], base_dec)
    return records


def format_text(rel: str, kind: str, fmt: str, text: str, settings: Settings) -> tuple[str | None, list[Problem]]:
    """A record file's text in canonical form (None when it cannot be formatted: unparseable, or
    comments below the header that re-serialising would drop), with the problems found."""
    if fmt == "yaml":
        if _has_comment(text):
            return None, []
        tree, problems = yamlnodes.parse(text, rel)
        if problems or not isinstance(tree, Seq) or not all(isinstance(r, Map) for r in tree):
            return None, problems
        records = _normalise(kind, [yamlnodes.plain(r) for r in tree], settings)
        header = _split_header(text)[0]
        return (header.rstrip("\n") + "\n" if header else "") + store.dump_yaml_records(kind, records), []
    raw = parse_csv(text.encode("utf-8"), rel, kind)
    if any(p.code in ("E002", "E003", "E004", "E011") for p in raw.problems):
        return None, raw.problems
    rows = list(csv.DictReader(io.StringIO(text)))
    rows = [{k: (v.strip() if isinstance(v, str) else v) or None for k, v in r.items()} for r in rows]
    return store.dump_csv_rows(kind, _normalise(kind, rows, settings)), []


def format_file(root: Path, rel: str, kind: str, fmt: str, settings: Settings) -> tuple[Change | None, list[Problem]]:
    data = safeio.read_bytes(root, rel)
    text, problems = yamlnodes.decode(data, rel)
    if text is None:
        return None, problems
    new, problems = format_text(rel, kind, fmt, text, settings)
    if new is None or new == text:
        return None, problems
    return Change(rel, text, new), []


def canonical_records(root: Path, kind: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`records` of a file of `kind` with their values as `kebir fmt` writes them (amounts padded
    to the currency's decimals), for a writer that appends them to a file it does not re-format."""
    return _normalise(kind, [dict(r) for r in records], read_settings(root)[0])


def canonical_files(root: Path, files: dict[str, str | None]) -> dict[str, str | None]:
    """`files` (path -> text, None to delete) as `kebir fmt` would leave them, so that what a
    command writes passes `kebir fmt --check` (a value typed on the command line, `-F
    credit_limit=200000`, is written `"200000.00"`). Files that are no record file, or that
    cannot be formatted, are kept as given."""
    settings, _ = read_settings(root)
    out: dict[str, str | None] = {}
    for rel, text in files.items():
        fk = schema.kind_of(rel)
        new = None
        if text is not None and fk is not None and fk.kind != "books":
            new, _ = format_text(rel, fk.kind, fk.fmt, text, settings)
        out[rel] = text if new is None else new
    return out


def first_difference(change: Change) -> tuple[int, str, str]:
    """(line, old line, new line) of the first line where formatting changes the file, so
    `kebir fmt --check` can say why a file would change; a line past the end is ''."""
    old, new = change.old.splitlines(), change.new.splitlines()
    for i, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            return i, a, b
    n = min(len(old), len(new)) + 1
    if len(old) == len(new):      # the same lines: only the line endings or the last newline differ
        return max(1, len(old)), repr(change.old[-20:]), repr(change.new[-20:])
    return n, old[n - 1] if n <= len(old) else "", new[n - 1] if n <= len(new) else ""


def format_book(root: Path) -> tuple[list[Change], list[Problem]]:
    """What `kebir fmt` would change, file by file, without writing anything."""
    settings, problems = read_settings(root)
    changes: list[Change] = []
    for rel, fk in discover(root, private.inside(root, settings)):   # never the private books' files
        change, found = format_file(root, rel, fk.kind, fk.fmt, settings)
        problems += found
        if change is not None:
            changes.append(change)
    return changes, problems


def skipped_for_comments(root: Path) -> list[str]:
    out = []
    for rel, fk in discover(root, private.inside(root, read_settings(root)[0])):
        if fk.fmt == "yaml":
            text, _ = yamlnodes.decode(safeio.read_bytes(root, rel), rel)
            if text is not None and _has_comment(text):
                out.append(rel)
    return out


def apply(root: Path, changes: list[Change]) -> None:
    """Write the formatted files as one change, under the books lock (all of them or none)."""
    with store.books_lock(root, reentrant=True):
        store.apply_files(root, {c.path: c.new for c in changes})


__all__ = ["Change", "format_book", "apply", "canonical_files", "first_difference", "format_text", "pad_amount",
           "skipped_for_comments", "schema"]
