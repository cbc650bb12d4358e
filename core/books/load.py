"""Read a books directory into a `Book` and the problems found on the way.

Every file is read once, its bytes hashed, and the expensive kinds (journals, stock moves) are
parsed into raw string columns that are cached by content hash under `.kebir/cache/` (git-ignored),
so an unchanged month costs one Arrow read. Typing (dates, minor units, rates) happens after, on
the concatenated columns, with polars: a float never touches an amount.

Large uncached YAML journals are parsed in parallel worker processes, one file per task.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise, repeat
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import polars as pl

from core.erp import assets, recurring
from core.erp.payroll.rules import read_rules
from core.erp.payroll.runs import PayrollRun, read_runs

from core.books import cachekey, flat, private, safeio, schema, store, yamlnodes
from core.model.errors import BooksError, Problem
from core.i18n import DEFAULT as DEFAULT_LANGUAGE, LANGUAGES
from core.model.records import (
    Account, Activity, Allocation, Book, Campaign, Contact, Deal, Document, Item, Link, Location, OrderLine, PriceRule,
    Segment, Settings, Source, frozen_map,
)
from core.csv_header import header_problems
from core.model.money import decimal_or, fmt_minor, fraction_digits, minor_units
from core.books.yamlnodes import Map, Seq, scalar

PARSE_VERSION = "6"   # bump when the raw frame layout or parse problems change
BOOK_CACHE_VERSION = "3"   # bump when the typed whole-book cache changes its layout or storage
CACHE_DIR = ".kebir/cache"
PARALLEL_BYTES = 8 * 2**20

POSTING_COLS = ("entry_id", "date", "account", "debit", "credit", "currency", "rate", "base",
                "contact", "item", "location", "memo", "tags", "line")
ENTRY_COLS = ("id", "date", "memo", "payee", "source", "tags", "line")
MOVE_COLS = schema.field_order("moves")

_P_SCHEMA = {c: pl.Int64 if c == "line" else pl.String for c in POSTING_COLS}
_E_SCHEMA = {c: pl.Int64 if c == "line" else pl.String for c in ENTRY_COLS}
_ENTRY_KEYS = frozenset(schema.field_order("journal"))
_POSTING_KEYS = frozenset(schema.field_order("journal", "postings"))
_TYPES = {"asset", "cash", "bank", "liability", "equity", "income", "expense"}
CACHED_KINDS = ("journal", "orders")     # YAML kinds whose raw parse is cached and may go to workers


def _order_shape() -> tuple[tuple[str, ...], frozenset[str], dict[str, tuple[tuple[str, ...], frozenset[str]]],
                            dict[str, re.Pattern[str]]]:
    """The orders schema as the fast path needs it: scalar fields, required fields, the nested
    lists of flat mappings (lines, allocations, applies) and the lists of words (tags)."""
    orders = schema.load_schema("orders")
    node = schema.record_schema("orders")
    fields, nested, words = [], {}, {}
    for key, prop in node["properties"].items():
        prop = schema.resolve(orders, prop)
        if prop.get("type") != "array":
            fields.append(key)
        elif prop["items"].get("type") == "object":
            nested[key] = (tuple(prop["items"]["properties"]), frozenset(prop["items"].get("required", ())))
        else:
            words[key] = re.compile(schema.resolve(orders, prop["items"])["pattern"])
    return tuple(fields), frozenset(node["required"]), nested, words


_ORDER_FIELDS, _ORDER_REQUIRED, _ORDER_NESTED, _ORDER_WORDS = _order_shape()


# --------------------------------------------------------------------------- finding the books

def find_books(arg: str | None) -> Path:
    """--books, else $KEBIR_BOOKS, else the current directory if it holds books.toml."""
    candidate = arg or os.environ.get("KEBIR_BOOKS") or "."
    root = Path(candidate)
    if not root.is_dir():
        raise BooksError(f"{candidate}: no such directory", "give the books directory with --books DIR")
    if os.path.lexists(root / "books.toml") and (problem := safeio.vet(root, "books.toml")) is not None:
        raise safeio.Refused(problem)      # a FIFO, a link out, a directory: say so, exit 1
    if not (root / "books.toml").is_file():
        where = "the current directory" if candidate == "." else candidate
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


# --------------------------------------------------------------------------- settings

def read_settings(root: Path) -> tuple[Settings, list[Problem]]:
    path = "books.toml"
    data = safeio.read_bytes(root, path, max_bytes=4 * safeio.MiB)
    text, problems = yamlnodes.decode(data, path)
    if text is None:
        raise BooksError(f"{path}: not UTF-8 text", problems[0].hint)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise BooksError(f"{root / path}:{m.group(1) if m else 1}: {exc}",
                         "fix the TOML syntax; see docs/formats.md#bookstoml") from None
    company = doc.get("company") or {}
    bad = []
    mib = (doc.get("limits") or {}).get("max_file_mib") if isinstance(doc.get("limits"), dict) else None
    if mib is not None and (not isinstance(mib, int) or isinstance(mib, bool) or not 1 <= mib <= 65536):
        bad.append(Problem("E007", path, _toml_line(text, "max_file_mib"), f"[limits] max_file_mib = {mib!r} is not valid",
                           expected="a whole number of MiB, 1 to 65536", hint="write e.g. max_file_mib = 512 under [limits]"))
        mib = None
    safeio.set_limit(mib * safeio.MiB if mib else None)
    for key in ("name", "base_currency"):
        if not isinstance(company.get(key), str):
            bad.append(Problem("E007", path, _toml_line(text, key), f"[company] {key} is missing",
                               expected=f"{key} = \"...\"", hint=f"add `{key} = ...` under [company]"))
    currencies = doc.get("currencies") or {"TRY": 2, "EUR": 2, "USD": 2}
    for cur, dec in currencies.items():
        if not re.fullmatch(r"[A-Z]{3}", cur) or not isinstance(dec, int) or isinstance(dec, bool) or not 0 <= dec <= 4:
            bad.append(Problem("E007", path, _toml_line(text, cur), f"currency {cur} = {dec!r} is not valid",
                               expected="CODE = decimals (0-4)", found=f"{cur} = {dec!r}",
                               hint='write e.g. EUR = 2 under [currencies]'))
    roles: dict[str, Any] = {}
    for role, code in (doc.get("accounts") or {}).items():
        if isinstance(code, dict):           # [accounts.vat_output] "10" = "391.02"
            for sub, sub_code in code.items():
                roles[f"{role}:{sub}"] = sub_code
        else:
            roles[role] = code
    for key, value in (doc.get("close") or {}).items():   # close settings ride along as "close:key"
        roles[f"close:{key}"] = str(value)
    for key, value in (doc.get("production") or {}).items():   # [production] backflush = false (core.erp.production)
        roles[f"production:{key}"] = str(value).lower()
    for key, value in (doc.get("private") or {}).items():   # [private] path = "../acme-private" (core.books.private)
        if key != "path" or not isinstance(value, str) or not value.strip():
            bad.append(Problem("E007", path, _toml_line(text, key), f"[private] {key} = {value!r} is not valid",
                               expected='path = "DIRECTORY"', hint='write path = "../acme-private" under [private]'))
            continue
        roles["private:path"] = value
    for key, value in (doc.get("audit") or {}).items():   # [audit] allowed_signers = "..." (core.close.audit)
        if key != "allowed_signers" or not isinstance(value, str) or not value.strip():
            bad.append(Problem("E007", path, _toml_line(text, key), f"[audit] {key} = {value!r} is not valid",
                               expected='allowed_signers = "FILE"',
                               hint='write allowed_signers = ".kebir-allowed-signers" under [audit]'))
    signers = (doc.get("audit") or {}).get("allowed_signers")
    if isinstance(signers, str) and signers.strip():
        bad += _check_allowed_signers(root, signers.strip(), _toml_line(text, "allowed_signers"))
    for section, example in (("cash_flow", '["25", "26"]'), ("dedup", '["email", "phone"]')):
        for key, value in (doc.get(section) or {}).items():   # [cash_flow] investing = ["25", "26"]
            if not isinstance(value, list):
                roles[f"{section}:{key}"] = str(value)
                continue
            if not all(isinstance(v, str) for v in value):
                bad.append(Problem("E007", path, _toml_line(text, key), f"[{section}] {key} must be a list of "
                                   "quoted strings", found=repr(value), hint=f"write {key} = {example}"))
                continue
            roles[f"{section}:{key}"] = ",".join(value)
    for role, code in roles.items():
        if not isinstance(code, str):
            bad.append(Problem("E007", path, _toml_line(text, role.split(":")[-1]),
                               f"account role {role} must be a quoted code",
                               found=repr(code), hint=f'write {role.split(":")[-1]} = "{code}"'))
    for section in doc:
        if section not in ("company", "currencies", "accounts", "posting", "roles", "people", "close", "dedup", "payroll",
                           "cash_flow", "production", "private", "audit"):
            bad.append(Problem("E011", path, _toml_line(text, section), f"unknown section [{section}]",
                               hint="see docs/formats.md#bookstoml"))
    payroll_rules, found = read_rules(doc.get("payroll"), path, _toml_line(text, "payroll"))
    bad += found
    lang = company.get("language", DEFAULT_LANGUAGE)
    if lang not in LANGUAGES:
        bad.append(Problem("E150", path, _toml_line(text, "language"), f"[company] language {lang!r} is not one "
                           "kebir's reports speak", expected=" or ".join(repr(x) for x in LANGUAGES), found=repr(lang),
                           hint='write language = "tr" or language = "en" (or leave it out: English)'))
        lang = DEFAULT_LANGUAGE
    base = company.get("base_currency", "TRY")
    if isinstance(base, str) and base not in currencies:
        currencies = {base: 2, **currencies}
    settings = Settings(
        name=str(company.get("name", "")), base_currency=str(base),
        fiscal_year_start=str(company.get("fiscal_year_start", "01-01")),
        chart=str(company.get("chart", "custom")),
        language=str(lang),
        currencies=tuple(sorted((c, d) for c, d in currencies.items() if isinstance(d, int))),
        roles=tuple(sorted((r, c) for r, c in roles.items() if isinstance(c, str))),
        payroll=payroll_rules,
    )
    return settings, bad


_SIGNER_KEY = re.compile(r"(?:^|\s)(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com|"
                         r"sk-ecdsa-sha2-nistp256@openssh\.com)\s+[A-Za-z0-9+/]{20,}={0,2}(?:\s|$)")


def _check_allowed_signers(root: Path, name: str, line: int) -> list[Problem]:
    """E120: `[audit] allowed_signers` names a file that is there, with one `principals [options]
    key-type key [comment]` line per key (git's gpg.ssh.allowedSignersFile format)."""
    path = root / name
    hint = ("one line per key: the author e-mail, then the public key, e.g. `zeynep@lokanta.example ssh-ed25519 "
            "AAAAC3Nza...` (docs/trust.md#signed-commits)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [Problem("E120", "books.toml", line, f"the allowed-signers file {name} named in [audit] cannot be "
                        "read", expected="a text file in the books", found=name, hint="create it with " + hint)]
    out = []
    for n, ln in enumerate(text.splitlines(), 1):
        if ln.strip() and not ln.lstrip().startswith("#") and (len(ln.split()) < 3 or not _SIGNER_KEY.search(ln)):
            out.append(Problem("E120", name, n, "this allowed-signers line names no SSH public key for a principal",
                               expected="principals [options] key-type key", found=ln.strip()[:80], hint=hint))
    return out


def _toml_line(text: str, key: str) -> int:
    m = re.search(rf"^[ \t]*\[?{re.escape(key)}\b", text, re.M)    # not \s: it would start on a blank line before
    return text.count("\n", 0, m.start()) + 1 if m else 1


# --------------------------------------------------------------------------- raw parsing

@dataclass(frozen=True, slots=True)
class Raw:
    """What one file parses into before typing: frames of strings and the problems found."""

    frames: dict[str, pl.DataFrame]
    problems: list[Problem]


def _empty(cols: tuple[str, ...] | list[str]) -> pl.DataFrame:
    return pl.DataFrame({c: pl.Series(c, [], dtype=pl.Int64 if c == "line" else pl.String) for c in cols})


def _text_or_problem(data: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    text, problems = yamlnodes.decode(data, rel)
    if text is not None and not text.strip():
        return None, [Problem("E004", rel, 1, "the file is empty",
                              hint="delete it, or write `[]` (YAML) / the header row (CSV) for no records")]
    return text, problems


def parse_journal_yaml(data: bytes, rel: str, fast: bool = True) -> Raw:
    """A month of manual entries into raw posting and entry columns (all strings).

    Well-formed files take `yamlnodes.journal_columns`, the fast path; anything unusual takes the
    general path through `yamlnodes.parse`, which finds and reports each problem.
    """
    empty = Raw({"postings": _empty(POSTING_COLS), "entries": _empty(ENTRY_COLS)}, [])
    text, problems = _text_or_problem(data, rel)
    if text is None:
        return Raw(empty.frames, problems)
    fast = yamlnodes.journal_columns(text, _ENTRY_KEYS, _POSTING_KEYS) if fast else None
    if fast is not None:
        return Raw({"postings": pl.DataFrame(fast[1], schema=_P_SCHEMA, orient="row"),
                    "entries": pl.DataFrame(fast[0], schema=_E_SCHEMA, orient="row")}, problems)
    tree, problems = yamlnodes.parse(text, rel)
    if tree is None:
        return Raw(empty.frames, problems or ([] if text.strip() == "[]" else [
            Problem("E004", rel, 1, "the file holds no records", hint="write `[]` for no records")]))
    if type(tree) is not Seq:
        return Raw(empty.frames, problems + [Problem("E013", rel, 1, "a journal file is a list of entries",
                                                     found="a single value or mapping",
                                                     hint="start each entry with `- id: ...`")])
    pc: dict[str, list[Any]] = {c: [] for c in POSTING_COLS}
    ec: dict[str, list[Any]] = {c: [] for c in ENTRY_COLS}
    p_append = [pc[c].append for c in POSTING_COLS[:-1]]
    p_line = pc["line"].append
    for entry in tree:
        if type(entry) is not Map:
            problems.append(Problem("E013", rel, getattr(entry, "line", tree.line), "an entry must be a mapping",
                                    found=repr(entry)[:40], hint="write `- id: ...` with its fields below"))
            continue
        eid = _scalar(entry, "id", rel, "", problems)
        for key in entry:
            if key not in _ENTRY_KEYS:
                problems.append(Problem("E011", rel, entry.lines[key], f"unknown field `{key}`", record=eid or "",
                                        expected="one of " + ", ".join(schema.field_order("journal")), found=key,
                                        hint="unknown fields are refused so nothing is silently ignored"))
        for req in ("id", "date", "postings"):
            if req not in entry:
                problems.append(Problem("E010", rel, entry.line, f"`{req}` is missing", record=eid or "",
                                        hint=f"add `{req}: ...` to the entry"))
        edate = _scalar(entry, "date", rel, eid, problems)
        ec["id"].append(eid)
        ec["date"].append(edate)
        ec["memo"].append(_scalar(entry, "memo", rel, eid, problems))
        ec["payee"].append(_scalar(entry, "payee", rel, eid, problems))
        ec["source"].append(_scalar(entry, "source", rel, eid, problems))
        ec["tags"].append(_tags(entry, rel, eid, problems))
        ec["line"].append(entry.line)
        postings = entry.get("postings")
        if postings is None:
            continue
        if type(postings) is not Seq:
            problems.append(Problem("E013", rel, entry.lines["postings"], "`postings` must be a list",
                                    record=eid or "", hint="write each posting as `- {account: ..., debit: ...}`"))
            continue
        for p in postings:
            if type(p) is not Map:
                problems.append(Problem("E013", rel, getattr(p, "line", entry.line), "a posting must be a mapping",
                                        record=eid or "", hint="write `- {account: \"100.01\", debit: \"10.00\"}`"))
                continue
            for key in p:
                if key not in _POSTING_KEYS:
                    problems.append(Problem("E011", rel, p.line, f"unknown field `{key}` in a posting",
                                            record=eid or "", found=key,
                                            expected="one of " + ", ".join(schema.field_order("journal", "postings")),
                                            hint="unknown fields are refused so nothing is silently ignored"))
            get = p.get
            values = (eid, edate, get("account"), get("debit"), get("credit"), get("currency"), get("rate"),
                      get("base"), get("contact"), get("item"), get("location"), get("memo"))
            for fn, v in zip(p_append, values):
                if v is not None and type(v) is not str:
                    problems.append(Problem("E013", rel, p.line, "posting fields are single values",
                                            record=eid or "", found=repr(v)[:40], hint="write one value per field"))
                    v = None
                fn(v)
            pc["tags"].append(_tags(p, rel, eid, problems))
            p_line(p.line)
    frames = {"postings": pl.DataFrame(pc, schema=_P_SCHEMA), "entries": pl.DataFrame(ec, schema=_E_SCHEMA)}
    return Raw(frames, problems)


def _scalar(m: Map, key: str, rel: str, rid: str | None, problems: list[Problem]) -> str | None:
    v = m.get(key)
    if v is None or type(v) is str:
        return v
    problems.append(Problem("E013", rel, m.lines.get(key, m.line), f"`{key}` must be a single value",
                            record=rid or "", found="a list or mapping", hint=f"write `{key}: value`"))
    return None


def _tags(m: Map, rel: str, rid: str | None, problems: list[Problem]) -> str | None:
    v = m.get("tags")
    if v is None:
        return None
    if type(v) is Seq and all(type(t) is str for t in v):
        return ",".join(v)
    problems.append(Problem("E013", rel, m.lines.get("tags", m.line), "`tags` must be a list of words",
                            record=rid or "", hint="write `tags: [a, b]`"))
    return None


def parse_orders_yaml(data: bytes, rel: str) -> Raw:
    """A month of documents into raw string columns: `documents` (one row per record, its scalar
    fields and line) and one frame per nested list (`lines`, `allocations`, `applies`: `_doc`, the
    record's row, then the element's fields and line).

    Only well-formed files take this path (`yamlnodes.record_columns`); for anything else the
    frames are empty and the loader reads the file the general way, which reports each problem.
    """
    text, _ = _text_or_problem(data, rel)
    fast = yamlnodes.record_columns(text, _ORDER_FIELDS, _ORDER_REQUIRED, _ORDER_NESTED, _ORDER_WORDS) \
        if text is not None else None
    if fast is None:
        return Raw({}, [])
    rows, sub = fast
    frames = {"documents": pl.DataFrame(rows, schema={**{c: pl.String for c in _ORDER_FIELDS}, "line": pl.Int64},
                                        orient="row")}
    for key, (fields, _) in _ORDER_NESTED.items():
        frames[key] = pl.DataFrame(sub[key], schema={"_doc": pl.Int64, **{c: pl.String for c in fields},
                                                     "line": pl.Int64}, orient="row")
    return Raw(frames, [])


def parse_csv(data: bytes, rel: str, kind: str) -> Raw:
    """A CSV record file into string columns plus `line`, the line each record starts on.

    Works on the bytes: polars parses and checks UTF-8; the text is decoded in Python only when
    something is wrong (to say where) or when quoted cells make line numbers irregular.
    """
    cols = schema.field_order(kind)
    required = schema.record_schema(kind)["required"]
    empty = Raw({"rows": _empty([*cols, "line"])}, [])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data[:4096].strip() and not data.strip():
        return Raw(empty.frames, [Problem("E004", rel, 1, "the file is empty",
                                          hint="delete it, or write the header row for no records")])
    first = data[: data.find(b"\n")] if b"\n" in data[:65536] else data[:65536]
    try:
        header_line = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return Raw(empty.frames, yamlnodes.decode(data, rel)[1])
    try:
        header = next(iter(csv.reader([header_line])), [])
    except csv.Error as exc:     # a bare carriage return inside the header row
        return Raw(empty.frames, [Problem("E002", rel, 1, f"the header row cannot be read: {exc}",
                                          hint="write the header as plain comma-separated column names")])
    problems = header_problems(rel, header, header_line, cols, required)
    if problems:
        return Raw(empty.frames, problems)
    try:
        frame = pl.read_csv(data, infer_schema=False, has_header=True, raise_if_empty=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        text, bad = yamlnodes.decode(data, rel)
        return Raw(empty.frames, bad or [_locate_csv_error(text or "", rel, len(header), exc)])
    frame = frame.with_columns([pl.lit(None, pl.String).alias(c) for c in cols if c not in frame.columns])
    plain = b'"' not in data and b"\r" not in data and b"\n\n" not in data
    try:
        lines, short = (_plain_csv_lines(data, frame.height, len(header)) if plain
                        else _quoted_csv_lines(data, frame.height, len(header)))
    except csv.Error as exc:      # a bare carriage return that polars took as data (found by bench/fuzz.py)
        return Raw(empty.frames, [_locate_csv_error(data.decode("utf-8", "replace"), rel, len(header), exc)])
    except UnicodeDecodeError:    # bytes polars never read as a cell (a quote left open over them)
        return Raw(empty.frames, yamlnodes.decode(data, rel)[1])
    for ln in short[:50]:
        problems.append(Problem("E002", rel, ln, f"row has fewer cells than the header ({len(header)})",
                                hint="add the missing commas so every row has one cell per column"))
    return Raw({"rows": frame.select(cols).with_columns(line=lines)}, problems)


def _plain_csv_lines(data: bytes, n_rows: int, width: int) -> tuple[pl.Series, list[int]]:
    """No quotes: record i starts on line i + 2, and a row is short when it has too few commas."""
    lines = pl.int_range(2, n_rows + 2, eager=True, dtype=pl.Int64).alias("line")
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if data.count(b",") == (width - 1) * n_lines:
        return lines, []      # polars refuses long rows, so equal totals mean no short ones either
    rows = data.split(b"\n")      # an error path: some row is short; plain bytes, whatever else they hold
    if rows and not rows[-1]:
        rows.pop()
    return lines, [i + 1 for i, row in enumerate(rows) if row.count(b",") < width - 1]


def _quoted_csv_lines(data: bytes, n_rows: int, width: int) -> tuple[pl.Series, list[int]]:
    """Quoted cells may span lines: follow the csv module to find where each record starts."""
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    next(reader, None)
    starts, short, prev = [], [], reader.line_num
    for row in reader:
        if row:
            starts.append(prev + 1)
            if len(row) < width:
                short.append(prev + 1)
        prev = reader.line_num
    return pl.Series("line", starts[:n_rows] + [0] * (n_rows - len(starts)), dtype=pl.Int64), short


def _locate_csv_error(text: str, rel: str, width: int, exc: Exception) -> Problem:

    reader = csv.reader(io.StringIO(text))
    prev = 1
    try:
        for row in reader:
            if len(row) > width:
                return Problem("E002", rel, prev, f"row has {len(row)} cells, the header has {width}",
                               hint="quote cells that contain commas, or remove the extra cells")
            prev = reader.line_num + 1
    except csv.Error as err:
        return Problem("E002", rel, reader.line_num, f"CSV syntax: {err}", hint="close the quote on this row")
    return Problem("E002", rel, 1, f"CSV cannot be read: {str(exc).splitlines()[0]}",
                   hint="check quoting and the number of cells per row")


# --------------------------------------------------------------------------- cache

def _cache_paths(root: Path, digest: str, kind: str) -> tuple[Path, Path]:
    base = root / CACHE_DIR / f"{digest}.{kind}.v{PARSE_VERSION}"
    return base.with_suffix(base.suffix + ".json"), base


def _cache_get(root: Path, digest: str, kind: str) -> Raw | None:
    """A file's cached raw parse, if this user's key signed it for this content digest (else None:
    the file is parsed; core/books/cachekey.py says why a cache entry is never taken on trust)."""
    meta, base = _cache_paths(root, digest, kind)
    try:
        info = json.loads(safeio.cache_bytes(meta))
        blobs = [safeio.cache_bytes(f"{base}.{name}.arrow") for name in info["frames"]]
        if not cachekey.valid(info.get("mac"), f"raw {kind} v{PARSE_VERSION} {digest}",
                              json.dumps([info["frames"], info["problems"]], ensure_ascii=False), *blobs):
            return None
        frames = {name: pl.read_ipc(blob) for name, blob in zip(info["frames"], blobs)}
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None
    return Raw(frames, [Problem(**p) for p in info["problems"]])


def _cache_put(root: Path, digest: str, kind: str, raw: Raw) -> None:
    meta, base = _cache_paths(root, digest, kind)
    try:
        names = sorted(raw.frames)
        blobs = [store.frame_bytes(raw.frames[name]) for name in names]
        problems = [_problem_fields(p) for p in raw.problems]
        tag = cachekey.mac(f"raw {kind} v{PARSE_VERSION} {digest}", json.dumps([names, problems], ensure_ascii=False),
                           *blobs)
        if tag is None:
            return              # no key, no cache
        for name, blob in zip(names, blobs):
            store.write_cache_bytes(Path(f"{base}.{name}.arrow"), blob)
        info = {"frames": names, "problems": problems, "mac": tag}
        store.write_atomic(meta, json.dumps(info, ensure_ascii=False))
    except OSError:
        pass  # a read-only checkout still validates; it just will not be warm next time


STAT_INDEX = "stat.json"
RACY_NS = 2_000_000_000     # a file changed this close to the index's writing is hashed again


def file_digests(root: Path, rels: list[str], use_cache: bool = True) -> dict[str, str]:
    """The SHA-256 of each file's content, which keys every cache entry.

    Hashing 200 MB of journals costs a third of a second, so, as git's index does, the digest is
    kept beside the file's stat signature (size, mtime, ctime, inode) in `.kebir/cache/stat.json`
    and reused while the signature is unchanged. Any write to a file changes its ctime, which no
    tool can set back. A file whose mtime or ctime falls within two seconds of the index's own
    writing is hashed again (two writes in one clock tick could leave the signature unchanged);
    the index is rewritten when anything was hashed, so such a file is trusted on a later run.
    `--no-cache` hashes everything."""
    index_path = root / CACHE_DIR / STAT_INDEX
    index: dict[str, list[int | str]] = {}
    written = 0
    if use_cache:
        try:
            stored = json.loads(safeio.cache_bytes(index_path))
            index, written = stored["files"], int(stored["written_ns"])
            if not cachekey.valid(stored.get("mac"), f"stat v{PARSE_VERSION}",
                                  json.dumps([written, index], sort_keys=True)):
                index, written = {}, 0          # not signed with this user's key: hash every file
        except (OSError, ValueError, KeyError, TypeError):
            index = {}
    out: dict[str, str] = {}
    fresh: dict[str, list[int | str]] = {}
    hashed = False
    for rel in rels:
        path = root / rel
        st = path.stat()
        sig: list[int | str] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = index.get(rel)
        if (known is not None and known[:4] == sig and len(known) == 5
                and max(st.st_mtime_ns, st.st_ctime_ns) < written - RACY_NS):
            digest = str(known[4])
        else:
            digest = hashlib.sha256(safeio.read_bytes(root, rel)).hexdigest()
            hashed = True
        out[rel] = digest
        fresh[rel] = [*sig, digest]
    if use_cache and (hashed or set(fresh) != set(index)):
        now = time.time_ns()
        tag = cachekey.mac(f"stat v{PARSE_VERSION}", json.dumps([now, fresh], sort_keys=True))
        try:
            if tag is not None:
                store.write_cache_text(index_path, json.dumps({"written_ns": now, "files": fresh, "mac": tag},
                                                              sort_keys=True))
        except OSError:
            pass
    return out


def _problem_fields(p: Problem) -> dict[str, Any]:
    return {k: getattr(p, k) for k in Problem.__slots__}


def _parse_file(root: str, rel: str, kind: str, use_cache: bool, digest: str | None = None,
                limit: int | None = None) -> Raw:
    """Read, hash and parse one file (a worker task too: it takes and returns only picklable values;
    `limit` is the parent's file size limit, which a spawned worker does not inherit)."""
    data = safeio.read_bytes(root, rel, max_bytes=limit)
    digest = digest or hashlib.sha256(data).hexdigest()
    cacheable = use_cache and kind in CACHED_KINDS    # CSV parses about as fast as the cache reads
    if cacheable:
        hit = _cache_get(Path(root), digest, kind)
        if hit is not None:
            return _with_path(hit, rel)
    raw = parse_journal_yaml(data, "") if kind == "journal" else parse_orders_yaml(data, "") if kind == "orders" \
        else parse_csv(data, "", kind)
    if cacheable:
        _cache_put(Path(root), digest, kind, raw)
    return _with_path(raw, rel)


def _with_path(raw: Raw, rel: str) -> Raw:
    from dataclasses import replace

    frames = {k: f.with_columns(file=pl.lit(rel, pl.Categorical)) for k, f in raw.frames.items()}
    return Raw(frames, [replace(p, path=rel) for p in raw.problems])


def _parse_bulk(root: Path, files: list[tuple[str, str]], digests: dict[str, str], use_cache: bool,
                jobs: int | None, meanwhile: Any = None) -> dict[str, Raw]:
    """Raw parses of YAML journals and documents: from the cache, else in worker processes when
    the cold files are many and large, else here. `digests` names every file of the books (the
    cache keeps their entries and drops the rest). `meanwhile()`, if given, runs here while the
    workers parse; then this process takes back the files no worker has started on."""
    sizes = {rel: (root / rel).stat().st_size for rel, _ in files}
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    out: dict[str, Raw] = {}
    cold = []
    for rel, kind in files:
        raw = _cache_get(root, digests[rel], kind) if use_cache and kind in CACHED_KINDS else None
        if raw is None:
            cold.append((rel, kind))
        else:
            out[rel] = _with_path(raw, rel)
    big = [f for f in cold if f[1] in CACHED_KINDS]
    if workers > 1 and len(big) > 1 and sum(sizes[r] for r, _ in big) > PARALLEL_BYTES:
        big.sort(key=lambda f: -sizes[f[0]])
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = {rel: pool.submit(_parse_file, str(root), rel, kind, use_cache, digests[rel],
                                       safeio.limit())
                       for rel, kind in big}
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            for rel, kind in reversed(big):          # the smallest first
                if futures[rel].cancel():
                    out[rel] = _parse_file(str(root), rel, kind, use_cache, digests[rel])
            for rel, fut in futures.items():
                if rel not in out:
                    out[rel] = fut.result()
    if meanwhile is not None:
        meanwhile()
    for rel, kind in cold:
        if rel not in out:
            out[rel] = _parse_file(str(root), rel, kind, use_cache, digests[rel])
    if use_cache and cold:
        _prune_cache(root, set(digests.values()))
    return out


def _prune_cache(root: Path, keep: set[str]) -> None:
    """Drop cache entries of file versions that no longer exist (every edit leaves one behind)."""
    try:
        for f in (root / CACHE_DIR).iterdir():
            digest = f.name.split(".", 1)[0]
            if len(digest) == 64 and digest not in keep:
                f.unlink(missing_ok=True)
    except OSError:
        pass


TYPED = ("postings", "entries", "moves", "rates", "sales")


def _typed_get(root: Path, key: str) -> tuple[dict[str, pl.DataFrame], list[Problem], set[str]] | None:
    """The typed whole book for this key (every file's digest and the settings), if this user's key
    signed it; else None and the books are parsed and typed."""
    base = root / CACHE_DIR / f"book-{key}"
    try:
        info = json.loads(safeio.cache_bytes(f"{base}.json"))
        blobs = [safeio.cache_bytes(f"{base}.{name}.arrow") for name in TYPED]
        if not cachekey.valid(info.get("mac"), f"book v{BOOK_CACHE_VERSION} {key}",
                              json.dumps([info["problems"], info["broken"]], ensure_ascii=False), *blobs):
            return None
        frames = {name: pl.read_ipc(blob) for name, blob in zip(TYPED, blobs)}
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None
    return frames, [Problem(**p) for p in info["problems"]], set(info["broken"])


def _typed_put(root: Path, key: str, frames: dict[str, pl.DataFrame], problems: list[Problem],
               broken: set[str]) -> None:
    cache = root / CACHE_DIR
    try:
        if cache.is_dir():
            for old in cache.glob("book-*"):
                old.unlink(missing_ok=True)
        base = cache / f"book-{key}"
        blobs = [store.frame_bytes(frames[name], compressed=False) for name in TYPED]
        listed = [[_problem_fields(p) for p in problems], sorted(broken)]
        tag = cachekey.mac(f"book v{BOOK_CACHE_VERSION} {key}", json.dumps(listed, ensure_ascii=False), *blobs)
        if tag is None:
            return
        for name, blob in zip(TYPED, blobs):
            store.write_cache_bytes(Path(f"{base}.{name}.arrow"), blob)
        store.write_atomic(Path(f"{base}.json"), json.dumps(
            {"problems": listed[0], "broken": listed[1], "mac": tag}, ensure_ascii=False))
    except OSError:
        pass


def _load_bulk(root: Path, settings: Settings, bulk: list[tuple[str, str]], use_cache: bool, jobs: int | None,
               documents: list[str] = ()) -> tuple[dict[str, pl.DataFrame], list[Problem], set[str], dict[str, Raw]]:
    """Journals, rates and moves, typed. The typed result of the whole set is cached too, keyed by
    every file's digest and the settings, so unchanged books skip parsing and typing entirely.
    The raw parses of the `documents` files (orders/) come back as well: they share the cache
    and the worker processes with the journals, and are typed by `load_book`."""
    digests = file_digests(root, [*(rel for rel, _ in bulk), *documents], use_cache)
    key = hashlib.sha256(repr((PARSE_VERSION, BOOK_CACHE_VERSION, settings, [(rel, kind, digests[rel]) for rel, kind in bulk])
                              ).encode()).hexdigest()
    doc_files = [(rel, "orders") for rel in documents]
    if use_cache:
        hit = _typed_get(root, key)
        if hit is not None:
            return (*hit, _parse_bulk(root, doc_files, digests, use_cache, jobs))
    # Cold YAML journals and documents go to worker processes first; the rest is parsed and typed below.
    yaml_cold = [(rel, kind) for rel, kind in bulk if kind == "journal"]
    tables: dict[str, Raw] = {}

    def parse_tables() -> None:
        for rel, kind in bulk:
            if kind in ("rates", "moves", "sales"):
                tables[rel] = _parse_file(str(root), rel, kind, use_cache, digests[rel])

    raws = _parse_bulk(root, yaml_cold + doc_files, digests, use_cache, jobs, meanwhile=parse_tables)
    doc_raws = {rel: raws.pop(rel) for rel in documents}
    raws.update(tables)
    problems: list[Problem] = []

    def frames(kinds: tuple[str, ...], name: str) -> list[pl.DataFrame]:
        return [raws[rel].frames[name] for rel, kind in bulk if kind in kinds]

    rates, found = _type_rates(pl.concat(frames(("rates",), "rows") or [_empty([*schema.field_order("rates"), "line"])
                                                                       .with_columns(file=pl.lit("", pl.Categorical))]))
    problems += found

    def typed_file(rel: str, kind: str) -> tuple[pl.DataFrame, pl.DataFrame, set[str], list[Problem]]:
        # Runs in a thread per file: polars releases the GIL, so two files type on two cores.
        if kind == "journal":
            raw = raws.pop(rel)
            found = list(raw.problems)
            raw_p, raw_e = raw.frames["postings"], raw.frames["entries"]
        else:
            raw = _parse_file(str(root), rel, kind, use_cache, digests[rel])
            raw_p, raw_e, found = _csv_entries(raw.frames["rows"])
            found = raw.problems + found
        tp, te, bad, more = _type_journal(settings, raw_p, raw_e, rates)
        return tp, te.select(*ENTRY_COLS, "file"), bad, found + more

    journals = [(rel, kind) for rel, kind in bulk if kind in ("journal", "journal-csv")]
    workers = max(1, min(jobs if jobs is not None else (os.cpu_count() or 1), 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda f: typed_file(*f), journals))
    parts_p, parts_e, broken = [], [], set()
    for tp, te, bad, found in results:
        parts_p.append(tp)
        parts_e.append(te)
        broken |= bad
        problems += found
    for rel, kind in bulk:
        if kind in ("rates", "moves", "sales"):
            problems += raws[rel].problems
    postings = pl.concat(parts_p) if parts_p else _typed_empty_postings()
    entries = pl.concat(parts_e) if parts_e else _empty([*ENTRY_COLS, "file"]).with_columns(
        date=pl.lit(None, pl.Date), line=pl.lit(None, pl.Int32), file=pl.lit(None, pl.Categorical))
    moves, found = _type_moves(pl.concat(frames(("moves",), "rows") or [_empty([*MOVE_COLS, "line"])
                                                                       .with_columns(file=pl.lit("", pl.Categorical))]))
    problems += found
    sales, found = _type_sales(pl.concat(frames(("sales",), "rows") or [_empty([*schema.field_order("sales"), "line"])
                                                                       .with_columns(file=pl.lit("", pl.Categorical))]),
                               settings)
    problems += found
    problems += _entry_ids_unique(entries)
    typed = {"postings": postings, "entries": entries, "moves": moves, "rates": rates, "sales": sales}
    if use_cache:
        _typed_put(root, key, typed, problems, broken)
    return typed, problems, broken, doc_raws


# --------------------------------------------------------------------------- small YAML files

def _read_tree(root: Path, rel: str, kind: str) -> tuple[Any, list[Problem]]:
    data = safeio.read_bytes(root, rel)
    text, problems = _text_or_problem(data, rel)
    if text is None:
        return None, problems
    tree, problems = yamlnodes.parse(text, rel)
    if tree is None:
        return None, problems
    if type(tree) is not Seq:
        return None, problems + [Problem("E013", rel, 1, f"a {kind} file is a list of records",
                                         found="a single value or mapping", hint="start each record with `- `")]
    problems += schema.check_tree(kind, tree, rel)
    return [r for r in tree if type(r) is Map], problems


def _iso_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except (ValueError, TypeError):
        return None


def _accounts(records: list[Map], rel: str) -> tuple[dict[str, Account], list[Problem]]:
    problems: list[Problem] = []
    raw: dict[str, Map] = {}
    for r in records:
        code = scalar(r.get("code"))
        if code is None:
            continue
        if code in raw:
            problems.append(Problem("E020", rel, r.line, f"account {code} is defined twice", record=code,
                                    found=f"also at {rel}:{raw[code].line}", hint="keep one of the two definitions"))
            continue
        raw[code] = r

    def parent_of(code: str, r: Map) -> str | None:
        if scalar(r.get("parent")):
            return r["parent"]
        head, dot, _ = code.rpartition(".")
        return head if dot and head in raw else None

    accounts: dict[str, Account] = {}

    def resolve_type(code: str, seen: tuple[str, ...] = ()) -> str | None:
        r = raw[code]
        if scalar(r.get("type")) in _TYPES:
            return r["type"]
        par = parent_of(code, r)
        if par is None or par not in raw or par in seen:
            return None
        return resolve_type(par, (*seen, code))

    for code, r in raw.items():
        par = parent_of(code, r)
        if par is not None and par not in raw:
            problems.append(Problem("E039", rel, r.lines.get("parent", r.line), f"parent account {par} does not exist",
                                    record=code, hint=f"add account {par} or correct `parent`"))
            par = None
        typ = resolve_type(code)
        if typ is None:
            problems.append(Problem("E039", rel, r.line, f"account {code} has no type", record=code,
                                    expected="asset | cash | bank | liability | equity | income | expense",
                                    hint="give `type:` here or on its parent group"))
            typ = "asset"
        accounts[code] = Account(code, scalar(r.get("name")) or "", typ, par, scalar(r.get("currency")),
                                 _iso_date(scalar(r.get("closed"))), Source(rel, r.line))
    for code, acc in accounts.items():   # a parent chain must end
        seen, cur = {code}, acc.parent
        while cur:
            if cur in seen:
                problems.append(Problem("E039", rel, acc.source.line, f"account {code} is its own ancestor",
                                        record=code, hint="break the cycle in `parent`"))
                break
            seen.add(cur)
            cur = accounts[cur].parent if cur in accounts else None
    return accounts, problems


def _contact(r: Map, rel: str, side: str, role: str, kind: str) -> Contact:
    order = schema.field_order(kind)
    fields = tuple((k, r[k]) for k in order if k not in ("id", "kind", "name") and scalar(r.get(k)) is not None)
    if "tags" in r and type(r["tags"]) is Seq:
        fields += (("tags", ",".join(t for t in r["tags"] if type(t) is str)),)
    ckind = scalar(r.get("kind")) or ("person" if role == "employee" else "company")
    return Contact(r["id"], side, role if side == "erp" else ckind, ckind, scalar(r.get("name")) or "",
                   fields, Source(rel, r.line))


def _allocations(value: Any, key: str) -> tuple[Allocation, ...]:
    if type(value) is not Seq:
        return ()
    return tuple(Allocation(scalar(a.get(key)) or "", decimal_or(scalar(a.get("amount")), Decimal(0))) for a in value if type(a) is Map)


def _document(r: Map, rel: str) -> Document:
    lines = tuple(
        OrderLine(scalar(ln.get("item")), decimal_or(scalar(ln.get("quantity")), Decimal(0)), decimal_or(scalar(ln.get("price")), Decimal(0)),
                  decimal_or(scalar(ln.get("vat_rate")), Decimal(0)), decimal_or(scalar(ln.get("discount")), Decimal(0)), scalar(ln.get("account")),
                  scalar(ln.get("description")), Source(rel, ln.line))
        for ln in (r.get("lines") if type(r.get("lines")) is Seq else ()) if type(ln) is Map
    )
    amount = scalar(r.get("amount"))
    return Document(
        r["id"], scalar(r.get("kind")) or "sales", _iso_date(scalar(r.get("date"))) or date.min, scalar(r.get("party")) or "",
        lines, scalar(r.get("status")) or "open", scalar(r.get("currency")), scalar(r.get("location")), _iso_date(scalar(r.get("due"))),
        scalar(r.get("memo")), scalar(r.get("rate")), decimal_or(amount, Decimal(0)) if amount is not None else None, scalar(r.get("account")),
        scalar(r.get("order")), scalar(r.get("invoice")), scalar(r.get("rep")), scalar(r.get("campaign")), scalar(r.get("number")),
        _allocations(r.get("allocations"), "invoice"), _allocations(r.get("applies"), "advance"), Source(rel, r.line))


def _fast_documents(raws: dict[str, Raw]) -> dict[str, list[Document]]:
    """The documents of the files that took the fast path, by file. A file that did not, or has a
    value breaking a schema rule, is left out: the general path reads it and reports the problem.
    The rules are checked column by column, over all files at once."""
    fast = {rel: raw for rel, raw in raws.items() if raw.frames}
    if not fast:
        return {}
    orders = schema.load_schema("orders")
    node = schema.record_schema("orders")
    bad = {p.path for p in schema.check_columns("orders", pl.concat([r.frames["documents"] for r in fast.values()]))}
    for key in _ORDER_NESTED:
        items = schema.resolve(orders, node["properties"][key])["items"]
        bad |= {p.path for p in schema.check_columns("orders", pl.concat([r.frames[key] for r in fast.values()]),
                                                     schema_node=items)}
    return {rel: _documents_from(raw.frames, rel) for rel, raw in fast.items() if rel not in bad}


def _documents_from(frames: dict[str, pl.DataFrame], rel: str) -> list[Document]:
    """Documents from the raw columns of `parse_orders_yaml`: the same records as `_document`.

    Built column-wise (`map` over the columns, one `Decimal` per distinct text, dates typed by
    polars), since a year of documents is a few hundred thousand records."""
    d = frames["documents"]
    n = d.height

    def decimals(col: list[str | None], none: Decimal | None) -> list[Decimal | None]:
        known: dict[str | None, Decimal | None] = {text: decimal_or(text, Decimal(0)) for text in set(col)}
        known[None] = none
        return [known[text] for text in col]

    def grouped(frame: pl.DataFrame, records: list[Any]) -> list[tuple[Any, ...]]:
        """Records (in `_doc` order) as one tuple per document."""
        if not records:
            return [()] * n
        bounds = frame.get_column("_doc").search_sorted(pl.int_range(0, n + 1, eager=True), side="left").to_list()
        return [tuple(records[a:b]) for a, b in pairwise(bounds)]

    ln = frames["lines"]
    lc = {c: ln.get_column(c).to_list() for c in ("item", "quantity", "price", "vat_rate", "discount", "account",
                                                   "description", "line")}
    lines = grouped(ln, list(map(
        OrderLine, lc["item"], decimals(lc["quantity"], Decimal(0)), decimals(lc["price"], Decimal(0)),
        decimals(lc["vat_rate"], Decimal(0)), decimals(lc["discount"], Decimal(0)), lc["account"], lc["description"],
        map(Source, repeat(rel), lc["line"]))))
    nested = []
    for key, ref in (("allocations", "invoice"), ("applies", "advance")):
        f = frames[key]
        nested.append(grouped(f, list(map(Allocation, [x or "" for x in f.get_column(ref).to_list()],
                                          decimals(f.get_column("amount").to_list(), Decimal(0))))))
    c = d.with_columns(date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False).fill_null(date.min),
                       due=pl.col("due").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                       status=pl.col("status").fill_null("open"))
    col = {name: c.get_column(name).to_list() for name in c.columns}
    return list(map(
        Document, col["id"], col["kind"], col["date"], col["party"], lines, col["status"], col["currency"],
        col["location"], col["due"], col["memo"], col["rate"], decimals(col["amount"], None), col["account"],
        col["order"], col["invoice"], col["rep"], col["campaign"], col["number"], nested[0], nested[1],
        map(Source, repeat(rel), col["line"])))


def _price_rule(r: Map, rel: str) -> PriceRule:
    def rows(key: str, a: str, b: str) -> tuple[tuple, ...]:
        v = r.get(key)
        return tuple((scalar(x.get(a)) if a == "item" else decimal_or(scalar(x.get(a)), Decimal(0)), decimal_or(scalar(x.get(b)), Decimal(0)))
                     for x in (v if type(v) is Seq else ()) if type(x) is Map)

    items = r.get("items")
    disc = scalar(r.get("discount"))
    return PriceRule(r["id"], scalar(r.get("kind")) or "list", scalar(r.get("party")), scalar(r.get("campaign")),
                     scalar(r.get("currency")), _iso_date(scalar(r.get("valid_from"))), _iso_date(scalar(r.get("valid_to"))),
                     tuple(i for i in (items if type(items) is Seq else ()) if type(i) is str),
                     decimal_or(disc, Decimal(0)) if disc is not None else None, rows("prices", "item", "price"),
                     rows("breaks", "min_quantity", "discount"), Source(rel, r.line))


def _overrides(r: Map) -> tuple[tuple[str, str], ...]:
    acc = r.get("accounts")
    if type(acc) is not Map:
        return ()
    return tuple(sorted((k, v) for k, v in acc.items() if type(v) is str))


# --------------------------------------------------------------------------- the whole book

def tracked_cache(root: Path) -> list[Problem]:
    """W008 when git tracks files under the books' `.kebir/` (caches, lock, write journals)."""
    from core.books import gitindex

    paths = gitindex.tracked_local(root)
    if not paths:
        return []
    return [Problem("W008", ".kebir", 0, f"git tracks {len(paths)} file(s) under .kebir/ (local caches and "
                    "locks, not part of the books), e.g. " + paths[0], found=", ".join(paths[:3]),
                    hint="git rm -r --cached .kebir && echo .kebir/ >> .gitignore && git commit "
                         "(a cache from another clone is never trusted, but it has no place in the history)")]


def load_book(root: Path, *, use_cache: bool = True, jobs: int | None = None) -> tuple[Book, list[Problem]]:
    """Read every record file under root. Problems are returned, never raised."""
    root = Path(root)
    use_cache = use_cache and cachekey.available()     # no key for this user: no cache at all
    settings, problems = read_settings(root)
    problems += tracked_cache(root)
    files = discover(root, private.inside(root, settings), problems)
    bulk = [(rel, fk.kind) for rel, fk in files if fk.kind in ("journal", "journal-csv", "moves", "rates", "sales")]
    doc_files = [rel for rel, fk in files if fk.kind == "orders"]
    typed, found, broken, doc_raws = _load_bulk(root, settings, bulk, use_cache, jobs, doc_files)
    problems += found
    fast_docs = _fast_documents(doc_raws)

    accounts: dict[str, Account] = {}
    contacts: dict[str, Contact] = {}
    items: dict[str, Item] = {}
    locations: dict[str, Location] = {}
    orders: list[Document] = []
    prices: list[PriceRule] = []
    runs: list[PayrollRun] = []
    fixed_assets: list[assets.Asset] = []
    spread_items: list[recurring.Recurring] = []
    activities: list[Activity] = []
    links: list[Link] = []
    deals: list[Deal] = []
    campaigns: list[Campaign] = []
    segments: list[Segment] = []
    production_files: list[tuple[str, str, Any]] = []
    seen: dict[tuple[str, str], Source] = {}

    def unique(ns: str, rid: str | None, src: Source) -> bool:
        if rid is None:
            return False
        first = seen.get((ns, rid))
        if first is not None:
            problems.append(Problem("E020", src.path, src.line, f"{ns} id {rid} is used twice", record=rid,
                                    found=f"first at {first}", hint="give one of them a new id"))
            return False
        seen[(ns, rid)] = src
        return True

    for rel, fk in files:
        if fk.fmt != "yaml" or fk.kind == "journal":
            continue
        fast = fast_docs.get(rel) if fk.kind == "orders" else None
        if fast is not None:
            for doc in fast:
                if unique("document", doc.id, doc.source):
                    orders.append(doc)
            continue
        got = flat.read_records(root, rel, fk.kind) if fk.kind in flat.KINDS else None    # contacts: one reader
        records, found = got if got is not None else _read_tree(root, rel, fk.kind)
        problems += found
        if records is None:
            continue
        if fk.kind == "accounts":
            got, found = _accounts(records, rel)
            accounts.update(got)
            problems += found
        if fk.kind == "payroll":     # run ids are checked with the entries they become (core.erp.payroll)
            got_runs, found = read_runs(records, rel)
            runs += got_runs
            problems += found
            continue
        if fk.kind in ("recipes", "units", "supply", "production"):   # read by core.erp.production below
            production_files.append((fk.kind, rel, records))
            continue
        if fk.kind in ("assets", "recurring"):     # one file each; ids are checked within it
            decimals = settings.decimals(settings.base_currency) or 2
            if fk.kind == "assets":
                got_assets, found = assets.assets_from(records, rel, decimals)
                fixed_assets += got_assets
            else:
                got_items, found = recurring.recurring_from(records, rel, decimals)
                spread_items += got_items
            problems += found
            continue
        for r in records:
            rid = scalar(r.get("id"))
            src = Source(rel, r.line)
            if fk.kind in ("erp-contacts", "crm-contacts") and unique("contact", rid, src):
                contacts[rid] = _contact(r, rel, "erp" if fk.kind == "erp-contacts" else "crm", fk.role, fk.kind)
            elif fk.kind == "items" and unique("item", rid, src):
                items[rid] = Item(rid, scalar(r.get("name")) or "", scalar(r.get("unit")) or "", scalar(r.get("valuation")) or "fifo",
                                  scalar(r.get("category")), scalar(r.get("vat_rate")), scalar(r.get("supplier")),
                                  scalar(r.get("type")) or "stock", _overrides(r), src)
            elif fk.kind == "locations" and unique("location", rid, src):
                locations[rid] = Location(rid, scalar(r.get("name")) or "", scalar(r.get("kind")) or "", _overrides(r), src)
            elif fk.kind == "orders" and unique("document", rid, src):
                orders.append(_document(r, rel))
            elif fk.kind == "activities" and unique("activity", rid, src):
                activities.append(Activity(rid, _iso_date(scalar(r.get("date"))) or date.min, scalar(r.get("contact")) or "",
                                           scalar(r.get("kind")) or "", scalar(r.get("subject")), scalar(r.get("outcome")),
                                           scalar(r.get("owner")), src))
            elif fk.kind == "prices" and unique("price rule", rid, src):
                prices.append(_price_rule(r, rel))
            elif fk.kind == "links" and scalar(r.get("crm")) and scalar(r.get("erp")):
                links.append(Link(r["crm"], r["erp"], _iso_date(scalar(r.get("since"))), src))
            elif fk.kind == "deals" and unique("deal", rid, src):
                prob = scalar(r.get("probability"))
                deals.append(Deal(rid, scalar(r.get("contact")) or "", scalar(r.get("stage")) or "lead",
                                  decimal_or(scalar(r.get("amount")), Decimal(0)) or Decimal(0), _iso_date(scalar(r.get("created"))) or date.min,
                                  scalar(r.get("name")), scalar(r.get("currency")), int(prob) if prob and prob.isdigit() else None,
                                  _iso_date(scalar(r.get("expected_close"))), _iso_date(scalar(r.get("closed"))), scalar(r.get("owner")),
                                  scalar(r.get("campaign")), scalar(r.get("order")), scalar(r.get("lost_reason")), src))
            elif fk.kind == "campaigns" and unique("campaign", rid, src):
                members = r.get("members")
                campaigns.append(Campaign(
                    rid, scalar(r.get("name")) or "", scalar(r.get("kind")) or "", _iso_date(scalar(r.get("start"))) or date.min,
                    _iso_date(scalar(r.get("end"))), decimal_or(scalar(r.get("cost")), Decimal(0)) or Decimal(0), scalar(r.get("account")),
                    tuple(m for m in members if type(m) is str) if type(members) is Seq else (), src))
            elif fk.kind == "segments" and unique("segment", rid, src):
                segments.append(Segment(rid, scalar(r.get("name")) or "", scalar(r.get("where")) or "", src))


    book = Book(root=root, settings=settings, accounts=frozen_map(accounts), contacts=frozen_map(contacts),
                items=frozen_map(items), locations=frozen_map(locations),
                documents=tuple(sorted(orders, key=lambda o: (o.date, o.id))),
                activities=tuple(sorted(activities, key=lambda a: (a.date, a.id))), links=tuple(links),
                postings=typed["postings"], entries=typed["entries"], moves=typed["moves"], rates=typed["rates"],
                sales=typed["sales"], prices=tuple(prices),
                payroll=tuple(sorted(runs, key=PayrollRun.sort_key)),
                assets=tuple(fixed_assets), recurring=tuple(spread_items),
                files=tuple(rel for rel, _ in files), broken_entries=frozenset(broken),
                deals=tuple(sorted(deals, key=lambda d: (d.created, d.id))),
                campaigns=tuple(sorted(campaigns, key=lambda c: (c.start, c.id))), segments=tuple(segments))
    if production_files:
        from core.erp import production

        book, found = production.attach(book, production_files)
        problems += found
    if private.configured(settings):
        hidden, found = private.read(root, settings)
        book = private.attach(book, hidden)
        problems += found + private.notice(book, _toml_line((root / "books.toml").read_text(encoding="utf-8"),
                                                            "private"))
    from core.unread import unread_files

    return dataclasses.replace(book, unread=unread_files(book, problems)), problems


# --------------------------------------------------------------------------- typing the frames

def _type_rates(raw: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    problems = schema.check_columns("rates", raw, id_col="currency")
    typed = (raw.with_columns(date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
             .filter(pl.col("date").is_not_null() & pl.col("rate").str.contains(r"^[0-9]+(\.[0-9]+)?$")
                     & pl.col("currency").is_not_null())
             .select("date", "currency", "rate", "file", "line").sort("currency", "date"))
    dups = typed.filter(pl.struct("date", "currency").is_duplicated())
    for d, cur, _, f, ln in dups.iter_rows():
        problems.append(Problem("E020", f, ln, f"two {cur} rates for {d}", record=f"{cur} {d}",
                                hint="keep one rate per currency and day"))
    return typed.unique(["date", "currency"], keep="first", maintain_order=True), problems


def _csv_entries(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, list[Problem]]:
    """Bulk CSV rows to the same raw posting/entry layout as YAML journals."""
    problems: list[Problem] = []
    runs = rows.with_columns(run=(pl.col("entry_id") != pl.col("entry_id").shift(1)).fill_null(True).cum_sum())
    first = runs.group_by("run", maintain_order=True).agg(
        pl.col("entry_id").first(), pl.col("date").first(), pl.col("memo").first(), pl.col("file").first(),
        pl.col("line").first(), pl.col("date").n_unique().alias("n_dates"), pl.len().alias("n"))
    split = first.filter(pl.col("entry_id").is_duplicated())
    seen_ids: set[str] = set()
    for rid, f, ln in split.select("entry_id", "file", "line").iter_rows():
        if rid in seen_ids:
            problems.append(Problem("E046", f, ln, f"rows of entry {rid} are not consecutive", record=rid,
                                    hint="keep all rows of one entry together (kebir fmt sorts them)"))
        seen_ids.add(rid)
    for rid, f, ln in first.filter(pl.col("n_dates") > 1).select("entry_id", "file", "line").iter_rows():
        problems.append(Problem("E046", f, ln, f"rows of entry {rid} have different dates", record=rid,
                                hint="one entry has one date: give every row the same date"))
    entries = first.select(pl.col("entry_id").alias("id"), "date", "memo", pl.lit(None, pl.String).alias("payee"),
                           pl.lit(None, pl.String).alias("source"), pl.lit(None, pl.String).alias("tags"),
                           "line", "file").unique("id", keep="first", maintain_order=True)
    postings = rows.select("entry_id", "date", "account", "debit", "credit", "currency", "rate", "base", "contact",
                           pl.lit(None, pl.String).alias("item"), pl.lit(None, pl.String).alias("location"),
                           pl.col("posting_memo").alias("memo"), pl.lit(None, pl.String).alias("tags"), "line", "file")
    return postings, entries, problems


def _typed_empty_postings() -> pl.DataFrame:
    return pl.DataFrame(schema={"entry_id": pl.String, "date": pl.Date, "account": pl.String, "currency": pl.String,
                                "amount": pl.Int64, "base": pl.Int64, "rate": pl.String, "contact": pl.String,
                                "item": pl.String, "location": pl.String, "memo": pl.String, "tags": pl.String,
                                "file": pl.Categorical, "line": pl.Int32})


def _type_journal(settings: Settings, raw_p: pl.DataFrame, raw_e: pl.DataFrame, rates: pl.DataFrame
                  ) -> tuple[pl.DataFrame, pl.DataFrame, set[str], list[Problem]]:
    """One file's raw postings and entries, typed: dates, minor units, base amounts.

    One polars pass computes every flag and amount; only failing rows and foreign-currency
    postings (a few percent) come back into Python. Files are typed one at a time, so the
    intermediate columns stay the size of a month.
    """
    journal = schema.load_schema("journal")
    entry_node = journal["items"]
    posting_node = entry_node["properties"]["postings"]["items"]
    problems = schema.check_columns("journal", raw_e, columns=["id", "date", "payee", "source"],
                                    schema_node=entry_node)
    problems += schema.check_columns("journal", raw_p.rename({"entry_id": "id"}),
                                     columns=["account", "debit", "credit", "currency", "rate", "base", "contact"],
                                     schema_node=posting_node)
    base = settings.base_currency
    decimals = dict(settings.currencies)
    account_re = schema.resolve(journal, posting_node["properties"]["account"])["pattern"]
    amount_str = pl.coalesce("debit", "credit")
    p = (raw_p.lazy()
         .with_columns(currency=pl.col("currency").fill_null(base))
         .with_columns(
             dec=pl.col("currency").replace_strict(decimals, default=None, return_dtype=pl.Int64),
             _amount_str=amount_str,
             _both=pl.col("debit").is_not_null() & pl.col("credit").is_not_null(),
             _neither=pl.col("debit").is_null() & pl.col("credit").is_null(),
             _date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
             _form_ok=amount_str.str.contains(r"^[0-9]{1,15}(\.[0-9]+)?$").fill_null(False)
             & pl.col("account").str.contains(account_re).fill_null(False),
             _frac=fraction_digits(amount_str))
         .with_columns(_too_many=pl.col("_form_ok") & (pl.col("_frac") > pl.col("dec")).fill_null(False))
         .with_columns(_bad=pl.col("_both") | pl.col("_neither") | pl.col("dec").is_null()
                       | ~pl.col("_form_ok") | pl.col("_too_many"))
         .with_columns(amount=pl.when(~pl.col("_bad")).then(
             minor_units(pl.col("_amount_str"), pl.col("dec")) * pl.when(pl.col("debit").is_not_null()).then(1)
             .otherwise(-1)))
         .with_columns(base_minor=pl.when(~pl.col("_bad") & (pl.col("currency") == base)).then(pl.col("amount")))
         .collect())
    flags = p.select(pl.col("_both").any(), pl.col("_neither").any(), pl.col("dec").is_null().any(),
                     pl.col("_too_many").any(), pl.col("_bad").any()).row(0)
    if flags[0] or flags[1]:
        for rid, f, ln, both in p.filter(pl.col("_both") | pl.col("_neither")).select(
                "entry_id", "file", "line", "_both").iter_rows():
            problems.append(Problem("E043", f, ln, "a posting has both debit and credit" if both else
                                    "a posting has neither debit nor credit", record=rid or "",
                                    expected="exactly one of debit / credit",
                                    hint="split it into two postings" if both else "add `debit: ...` or `credit: ...`"))
    if flags[2]:
        for rid, f, ln, cur in p.filter(pl.col("dec").is_null() & pl.col("currency").str.contains(r"^[A-Z]{3}$")
                                        ).select("entry_id", "file", "line", "currency").iter_rows():
            problems.append(Problem("E036", f, ln, f"currency {cur} is not declared", record=rid or "",
                                    expected="one of " + ", ".join(c for c, _ in settings.currencies), found=cur,
                                    hint=f"add `{cur} = 2` under [currencies] in books.toml"))
    if flags[3]:
        for rid, f, ln, amt, cur, dec in p.filter(pl.col("_too_many")).select(
                "entry_id", "file", "line", "_amount_str", "currency", "dec").iter_rows():
            problems.append(Problem("E041", f, ln, f"amount {amt} has more decimals than {cur} allows",
                                    record=rid or "", expected=f"at most {dec} decimals", found=amt,
                                    hint=f"round it to {dec} decimals and post any difference to the rounding account"))
    home_extra = p.filter(~pl.col("_bad") & (pl.col("currency") == base) & (
        (pl.col("rate").is_not_null() & (pl.col("rate").str.replace(r"\.?0*$", "") != "1"))
        | (pl.col("base").is_not_null() & (pl.col("base") != pl.col("_amount_str")))))
    for rid, f, ln, rate, bs, amt in home_extra.select("entry_id", "file", "line", "rate", "base",
                                                       "_amount_str").iter_rows():
        problems.append(Problem("E045", f, ln, f"a {base} posting carries a rate or base that differs from its amount",
                                record=rid or "", expected=f"base = amount = {amt}", found=f"rate {rate}, base {bs}",
                                hint="remove `rate` and `base` from base-currency postings"))
    # A posting of an entry whose date is no calendar date stays (its entry is broken, left out of balances
    # and reports) so the entry's other problems, an unknown account, are reported in the same run; a
    # foreign one has no day to take a rate on, and keeps base 0.
    undated = pl.col("_date").is_null()
    p = p.with_columns(base_minor=pl.when(~pl.col("_bad") & undated).then(pl.col("base_minor").fill_null(0))
                       .otherwise(pl.col("base_minor")))
    foreign_rows = p.select((~pl.col("_bad") & ~undated & (pl.col("currency") != base)).arg_true()).to_series()
    if foreign_rows.len():
        fb, fr = _value_foreign(p[foreign_rows], settings, rates, problems)
        p = p.with_columns(base_minor=p["base_minor"].scatter(foreign_rows, fb),
                           rate=p["rate"].scatter(foreign_rows, fr))
    broken = set(p.filter(pl.col("_bad") | pl.col("base_minor").is_null() | undated).get_column("entry_id")
                 .drop_nulls().to_list()) if flags[4] or foreign_rows.len() or p["_date"].null_count() else set()
    postings = p.filter(pl.col("base_minor").is_not_null()).select(
        "entry_id", pl.col("_date").alias("date"), "account", "currency", "amount",
        pl.col("base_minor").alias("base"), "rate", "contact", "item", "location", "memo", "tags",
        "file", pl.col("line").cast(pl.Int32))
    entries = raw_e.with_columns(date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                                 line=pl.col("line").cast(pl.Int32))
    broken |= set(entries.filter(pl.col("date").is_null()).get_column("id").drop_nulls().to_list())
    return postings, entries, broken, problems


def _value_foreign(f: pl.DataFrame, settings: Settings, rates: pl.DataFrame, problems: list[Problem]
                   ) -> tuple[pl.Series, pl.Series]:
    """Base amounts and rates of foreign-currency postings, in the rows' order.

    The rate is the posting's own, else the latest on or before its date in rates/. `base`, when
    written, is the booked value; with an explicit rate it must equal amount x rate. The product is
    exact integer arithmetic (Int128, rates in millionths) rounded half-up at the base minor unit.
    """
    base_dec = settings.decimals(settings.base_currency) or 2
    table = rates.select(pl.col("date").alias("_rate_date"), "currency", pl.col("rate").alias("_table_rate"))
    f = (f.with_row_index("_fi").sort("currency", "_date")
         .join_asof(table.sort("currency", "_rate_date"), left_on="_date", right_on="_rate_date",
                    by="currency", strategy="backward", check_sortedness=False)
         .sort("_fi"))
    number = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
    own = pl.col("rate").str.contains(number).fill_null(False)
    used_rate = pl.when(own).then(pl.col("rate")).otherwise(pl.col("_table_rate"))
    sign = pl.when(pl.col("debit").is_not_null()).then(1).otherwise(-1).cast(pl.Int128)   # the side, not the amount: a revaluation moves base only
    divisor = pl.lit(10, pl.Int128).pow((pl.col("dec") + 6 - base_dec).cast(pl.Int128))
    product = pl.col("amount").cast(pl.Int128).abs() * minor_units(used_rate, 6).cast(pl.Int128)
    f = f.with_columns(
        _own=own, _used_rate=used_rate,
        _base_ok=pl.col("base").str.contains(r"^[0-9]{1,15}(\.[0-9]+)?$").fill_null(False)
        & (fraction_digits(pl.col("base")) <= base_dec),
        _computed=(sign * ((product + divisor // 2) // divisor)).cast(pl.Int64),
    ).with_columns(
        _given=pl.when(pl.col("_base_ok")).then(minor_units(pl.col("base"), base_dec) * sign.cast(pl.Int64)))
    out = f.with_columns(
        _out=pl.when(pl.col("base").is_not_null() & ~pl.col("_base_ok")).then(None)
        .when(pl.col("_given").is_not_null()).then(pl.col("_given"))
        .otherwise(pl.col("_computed")))
    for rid, fl, ln, b in out.filter(pl.col("base").is_not_null() & ~pl.col("_base_ok")).select(
            "entry_id", "file", "line", "base").iter_rows():
        problems.append(Problem("E041", fl, ln, f"base amount {b} has more decimals than "
                                f"{settings.base_currency} allows", record=rid or "", found=b,
                                expected=f"at most {base_dec} decimals", hint="round the base amount"))
    for rid, fl, ln, b, r, c in out.filter(pl.col("_own") & pl.col("_given").is_not_null()
                                           & (pl.col("_given") != pl.col("_computed"))).select(
            "entry_id", "file", "line", "base", "rate", "_computed").iter_rows():
        problems.append(Problem(
            "E045", fl, ln, f"base {b} is not amount x rate", record=rid or "",
            expected=f"{fmt_minor(abs(c), base_dec)} (amount x {r}, rounded half-up)", found=b,
            hint="correct `base` or `rate`, or drop `base` and let kebir compute it"))
    for rid, fl, ln, cur, d in out.filter(pl.col("_out").is_null() & pl.col("base").is_null()).select(
            "entry_id", "file", "line", "currency", "_date").iter_rows():
        problems.append(Problem("E042", fl, ln, f"{cur} posting on {d} has no rate", record=rid or "",
                                expected=f"`rate:` on the posting, or a {cur} rate on or before {d} in rates/",
                                hint=f"add `rate: \"...\"` ({settings.base_currency} per {cur}) or a line "
                                     f"`{d},{cur},...` to rates/{d.year}.csv"))
    rate_out = pl.when(pl.col("_own") | pl.col("_given").is_null()).then(pl.col("_used_rate")).otherwise(pl.col("rate"))
    res = out.select(pl.col("_out"), rate_out.alias("_r"))
    return res.get_column("_out"), res.get_column("_r")


def _minor(text: str, dec: int) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 10**dec + int((frac + "0" * dec)[:dec] or 0)


def _type_moves(raw: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    problems = schema.check_columns("moves", raw)
    q_ok = pl.col("quantity").str.contains(r"^-?[0-9]{1,12}(\.[0-9]{1,3})?$").fill_null(False)
    typed = raw.with_columns(
        date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        qty=pl.when(q_ok).then(minor_units(pl.col("quantity"), 3)).otherwise(None),
    )
    needs = [
        (pl.col("kind") == "receipt") & pl.col("unit_cost").is_null(), "a receipt needs `unit_cost`",
        "give the cost per unit the goods came in at",
        (pl.col("kind") == "transfer") & pl.col("to_location").is_null(), "a transfer needs `to_location`",
        "name the location the goods go to",
        (pl.col("kind") == "transfer") & (pl.col("to_location") == pl.col("location")),
        "a transfer goes from one location to another", "correct `location` or `to_location`",
        (pl.col("kind") != "adjustment") & (pl.col("kind") != "count") & (pl.col("qty") <= 0),
        "quantity must be positive for this kind of move", "receipts, issues, transfers and waste take a positive "
        "quantity; use `adjustment` for a signed correction",
        (pl.col("kind") == "count") & (pl.col("qty") < 0), "a count cannot be negative", "count what is on the shelf",
    ]
    for i in range(0, len(needs), 3):
        cond, what, hint = needs[i], needs[i + 1], needs[i + 2]
        for mid, f, ln in typed.filter(cond.fill_null(False)).select("id", "file", "line").iter_rows():
            problems.append(Problem("E051", f, ln, f"move {mid}: {what}", record=mid or "", hint=hint))
    typed = typed.select(*[c for c in MOVE_COLS if c != "quantity"], "qty",
                         pl.col("file").cast(pl.Categorical), pl.col("line").cast(pl.Int32))
    dup = typed.filter(pl.col("id").is_duplicated() & pl.col("id").is_not_null())
    first_seen: dict[str, str] = {}
    for mid, f, ln in dup.select("id", "file", "line").iter_rows():
        if mid in first_seen:
            problems.append(Problem("E020", f, ln, f"move id {mid} is used twice", record=mid,
                                    found=f"first at {first_seen[mid]}", hint="give one of them a new id"))
        else:
            first_seen[mid] = f"{f}:{ln}"
    return typed, problems


def _type_sales(raw: pl.DataFrame, settings: Settings) -> tuple[pl.DataFrame, list[Problem]]:
    """Z-report rows: amounts to base minor units (they are in the base currency), quantities to thousandths."""
    problems = schema.check_columns("sales", raw, id_col="location")
    dec = settings.decimals(settings.base_currency) or 2
    ok = r"^[0-9]{1,15}(\.[0-9]+)?$"
    for col in ("net", "amount"):
        too_many = raw.filter(pl.col(col).str.contains(ok).fill_null(False) & (fraction_digits(pl.col(col)) > dec))
        for f, ln, v in too_many.select("file", "line", col).iter_rows():
            problems.append(Problem("E041", str(f), ln, f"amount {v} has more decimals than {settings.base_currency} "
                                    "allows", found=v, expected=f"at most {dec} decimals", hint="round it"))
    need = [((pl.col("kind") == "sale") & (pl.col("net").is_null() | pl.col("vat_rate").is_null()),
             "a sale row needs `net` and `vat_rate`"),
            ((pl.col("kind") == "tender") & (pl.col("method").is_null() | pl.col("amount").is_null()),
             "a tender row needs `method` and `amount`")]
    for cond, what in need:
        for f, ln, loc in raw.filter(cond).select("file", "line", "location").iter_rows():
            problems.append(Problem("E010", str(f), ln, what, record=loc or "", hint="fill in the missing cells"))
    good = lambda c: pl.when(pl.col(c).str.contains(ok).fill_null(False) & (fraction_digits(pl.col(c)) <= dec)  # noqa: E731
                             ).then(minor_units(pl.col(c), dec))
    typed = raw.with_columns(
        date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        qty=pl.when(pl.col("quantity").str.contains(r"^[0-9]{1,12}(\.[0-9]{1,3})?$").fill_null(False))
        .then(minor_units(pl.col("quantity"), 3)),
        net=good("net"), amount=good("amount"), line=pl.col("line").cast(pl.Int32))
    return typed.select("date", "location", "kind", "item", "qty", "net", "vat_rate", "method", "amount", "memo",
                        "file", "line"), problems


def _entry_ids_unique(entries: pl.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    dup = entries.filter(pl.col("id").is_duplicated() & pl.col("id").is_not_null()).select("id", "file", "line")
    first: dict[str, str] = {}
    for rid, f, ln in dup.iter_rows():
        if rid in first:
            problems.append(Problem("E020", f, ln, f"entry id {rid} is used twice", record=rid,
                                    found=f"first at {first[rid]}", hint="give one of them a new id"))
        else:
            first[rid] = f"{f}:{ln}"
    return problems


def load_ledger(root: Path, *, use_cache: bool = True, jobs: int | None = None) -> tuple[Book, list[Problem]]:
    """Load the books and derive the postings their documents imply: the general ledger."""
    from core.erp import post

    from core.books import store

    with store.reading(root):        # waits while a writer changes files; finishes an interrupted write
        book, problems = load_book(root, use_cache=use_cache, jobs=jobs)
    book, found = post.derive(book)
    return book, problems + found
