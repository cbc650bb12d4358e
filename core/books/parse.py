"""Raw parsing: one record file's bytes into frames of strings and the problems found.

The expensive kinds, YAML journals and documents, take a fast path when they are well formed
(`yamlnodes.journal_columns`, `yamlnodes.record_columns`) and the general path through
`yamlnodes.parse` otherwise, which reports each problem; CSV files are read by polars from the
bytes. Nothing is typed here: every cell stays a string (core.books.bulk types them).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from core.books import schema, yamlnodes
from core.books.yamlnodes import Map, Seq
from core.books.csv_header import header_problems
from core.model.errors import Problem


POSTING_COLS = ("entry_id", "date", "account", "debit", "credit", "currency", "rate", "base",
                "contact", "item", "location", "memo", "tags", "line")
ENTRY_COLS = ("id", "date", "memo", "payee", "source", "tags", "line")


_P_SCHEMA = {c: pl.Int64 if c == "line" else pl.String for c in POSTING_COLS}
_E_SCHEMA = {c: pl.Int64 if c == "line" else pl.String for c in ENTRY_COLS}
_ENTRY_KEYS = frozenset(schema.field_order("journal"))
_POSTING_KEYS = frozenset(schema.field_order("journal", "postings"))


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


_ORDER_FIELDS, _ORDER_REQUIRED, ORDER_NESTED, _ORDER_WORDS = _order_shape()


@dataclass(frozen=True, slots=True)
class Raw:
    """What one file parses into before typing: frames of strings and the problems found."""

    frames: dict[str, pl.DataFrame]
    problems: list[Problem]


def empty_frame(cols: tuple[str, ...] | list[str]) -> pl.DataFrame:
    return pl.DataFrame({c: pl.Series(c, [], dtype=pl.Int64 if c == "line" else pl.String) for c in cols})


def text_or_problem(data: bytes, rel: str) -> tuple[str | None, list[Problem]]:
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
    empty = Raw({"postings": empty_frame(POSTING_COLS), "entries": empty_frame(ENTRY_COLS)}, [])
    text, problems = text_or_problem(data, rel)
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
    text, _ = text_or_problem(data, rel)
    fast = yamlnodes.record_columns(text, _ORDER_FIELDS, _ORDER_REQUIRED, ORDER_NESTED, _ORDER_WORDS) \
        if text is not None else None
    if fast is None:
        return Raw({}, [])
    rows, sub = fast
    frames = {"documents": pl.DataFrame(rows, schema={**{c: pl.String for c in _ORDER_FIELDS}, "line": pl.Int64},
                                        orient="row")}
    for key, (fields, _) in ORDER_NESTED.items():
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
    empty = Raw({"rows": empty_frame([*cols, "line"])}, [])
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
