"""Record files in kebir's flat form, read column-wise: a list of one-level records as kebir writes
them (`- id: X`, then `  key: value` lines; plain or quoted scalars, a flow list for `tags`),
split into lines and parsed with a few string expressions instead of YAML's event stream.

The one reader of contact files in that form: the loader takes their records from here when a
file is in the form and passes its schema (`read_records`), and `kebir dedup scan` reads their
columns (`file_lines`, `parse_records`). Anything out of the ordinary (another layout, a value
YAML would read differently, an unknown or duplicate key, a schema problem) returns None, and the
caller takes the general reader (core.books.yamlnodes), which reads it exactly and says what is
wrong.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection
from pathlib import Path

import polars as pl

from core.books import safeio, schema
from core.books.yamlnodes import MAX_BYTES, Map, Seq
from core.model.errors import Problem

KINDS = frozenset({"crm-contacts", "erp-contacts"})     # the kinds `read_records` reads

_LINE = re.compile(r"^(- |  )([A-Za-z_]+):(?: (.*))?$")
# values YAML reads as the same string (anything else goes to the general reader): a plain scalar
# that starts with no indicator and holds no `: `, ` #` or trailing `:`; a double-quoted string
# with no escape but \" and \\; a single-quoted one; and for `tags` a flow list of plain words.
# No character libyaml refuses or reads as a line break (C0/C1 controls, NEL, LS, PS, U+FFFE/F).
_PLAIN_START = r"""^[^\s\-?:,\[\]{}#&*!|>'"%@`]"""
_PLAIN_NOT = r":\s|\s#|:$"
_DQ = r'^"(?:[^"\\]|\\["\\])*"$'
_SQ = r"^'(?:[^']|'')*'$"
_FLOW = r"^\[ *(?:[A-Za-z0-9_][A-Za-z0-9_./-]*(?: *, *[A-Za-z0-9_][A-Za-z0-9_./-]*)*)? *\]$"
_REFUSED = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]"
FLOW_KEYS = frozenset({"tags"})      # the keys whose value is a flow list


def text_lines(data: bytes) -> pl.Series:
    """The lines of a text (without line ends; a blank line is ""), read by the CSV reader as one
    column: a tenth of the time of str.split for a plan of hundreds of megabytes."""
    if not re.search(rb"\S", data):
        return pl.Series("line", [], dtype=pl.String)
    if b"\x1f" in data or b"\r" in data:
        text = data.decode("utf-8")
        got = text.split("\n")
        return pl.Series("line", got[:-1] if text.endswith("\n") else got, dtype=pl.String)
    lines = pl.read_csv(io.BytesIO(data), has_header=False, separator="\x1f", quote_char=None,
                        new_columns=["line"], schema_overrides={"line": pl.String}, encoding="utf8")["line"]
    return lines.fill_null("")


def file_lines(data: bytes) -> pl.DataFrame | None:
    """A file in the flat form (`- id:` then `  key: value` lines) -> its lines with `rec`, the
    number of the record each belongs to (from 1), and `n`, its line in the file (from 1); blank
    and comment lines left out. None for anything else."""
    head = data[:64].strip()
    if not head or head == b"[]":
        return pl.DataFrame(schema={"line": pl.String, "rec": pl.UInt32, "n": pl.UInt32})
    if b"\x1f" in data or b"\r" in data:
        return None
    lines = text_lines(data).to_frame().with_row_index("n", offset=1)
    lines = lines.filter((pl.col("line").str.strip_chars() != "") & ~pl.col("line").str.starts_with("#"))
    rec = pl.col("line").str.starts_with("- ").cum_sum().cast(pl.UInt32)
    df = lines.select("line", rec.alias("rec"), "n")
    if df.height and df["rec"][0] != 1:
        return None
    return df


def record_hashes(lines: pl.DataFrame) -> pl.DataFrame:
    """rec -> raw: a hash of the record's lines (with their places), what dedup's rows cache is keyed by."""
    row = pl.int_range(pl.len(), dtype=pl.UInt32)
    start = pl.when(pl.col("line").str.starts_with("- ")).then(row).forward_fill()
    h = (pl.col("line").hash(seed=6) ^ (row - start).hash(seed=7)) // 1024
    return lines.select("rec", h.alias("h")).group_by("rec", maintain_order=True) \
        .agg(pl.col("h").sum().alias("raw"))


def _unquote(v: pl.Expr) -> pl.Expr:
    dq = v.str.starts_with('"')
    sq = v.str.starts_with("'")
    inner = v.str.slice(1, v.str.len_chars() - 2)
    flow = v.str.starts_with("[")
    return (pl.when(dq).then(inner.str.replace_all(r'\\"', '"').str.replace_all(r"\\\\", "\\"))
            .when(sq).then(inner.str.replace_all("''", "'", literal=True))
            .when(flow).then(inner.str.replace_all(r"\s*,\s*", ",").str.strip_chars())
            .otherwise(v.str.strip_chars()))


def parse_records(lines: pl.DataFrame, keys: Collection[str] | None = None) -> pl.DataFrame | None:
    """Lines of flat records (line, rec, n) -> one row per record (rec, then the keys as columns,
    each value the string YAML reads; a flow list as its items joined by `,`); None if a line is
    not in that form, a key is not among `keys` (when given) or is given twice in a record."""
    if lines.height == 0:
        return pl.DataFrame(schema={"rec": pl.UInt32, "id": pl.String})
    df = lines.select("rec", pl.col("line").str.extract_groups(_LINE.pattern).alias("g")).unnest("g")
    df.columns = ["rec", "lead", "key", "val"]
    if df["lead"].null_count() or df["val"].null_count():
        return None
    val, flow = pl.col("val"), pl.col("key").is_in(sorted(FLOW_KEYS))
    ok = pl.when(val.str.starts_with('"')).then(val.str.contains(_DQ)) \
        .when(val.str.starts_with("'")).then(val.str.contains(_SQ)) \
        .when(flow).then(val.str.contains(_FLOW)) \
        .otherwise(val.str.contains(_PLAIN_START) & ~val.str.contains(_PLAIN_NOT))
    if not df.select((ok & ~val.str.contains(_REFUSED)).all()).item():
        return None
    if keys is not None and not df["key"].is_in(sorted(keys)).all():
        return None
    df = df.with_columns(_unquote(val).alias("v"))
    if df.filter(pl.col("lead") == "- ")["key"].ne("id").any():
        return None
    try:    # without an aggregate, pivot refuses a key given twice in a record: the general reader says why
        return df.pivot(on="key", index="rec", values="v")
    except pl.exceptions.ComputeError:
        return None


def read_records(root: Path, rel: str, kind: str) -> tuple[list[Map], list[Problem]] | None:
    """A file of `kind` (one of KINDS) in the flat form that passes its schema -> its records as
    the general reader gives them (Maps of strings with the record's line, `tags` a Seq)
    and no problems; None for anything else (the general reader then reads it and reports it)."""
    data = safeio.read_bytes(root, rel)
    if len(data) > MAX_BYTES:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    node = schema.record_schema(kind)
    lines = file_lines(data)
    rows = None if lines is None or lines.height == 0 else parse_records(lines, node["properties"])
    if rows is None:
        return None
    if any(k not in rows.columns or rows[k].null_count() for k in node.get("required", ())):
        return None
    starts = lines.filter(pl.col("line").str.starts_with("- ")).select("rec", pl.col("n").alias("line"))
    rows = rows.join(starts, on="rec", how="left").with_columns(pl.lit(rel).alias("file"))
    if schema.check_columns(kind, rows):
        return None
    fields = [c for c in rows.columns if c not in ("rec", "line", "file")]
    out: list[Map] = []
    for rec in rows.select(*fields, "line").iter_rows():
        m = Map(rec[-1])
        for k, v in zip(fields, rec):
            if v is None:
                continue
            if k in FLOW_KEYS:
                seq = Seq(m.line)
                seq.extend(v.split(",") if v else ())
                v = seq
            m[k] = v
        out.append(m)
    return out, []
