"""Reading the contacts of the books for a scan: files in kebir's flat form (`- id:` then
`  key: value` lines) column-wise, line by line, with a hash of each record's lines (what the
rows cache is keyed by); any other file through the general reader (core.books.load). Also the
line reader the plan reader uses.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl

from core.books import load, schema
from core.crm.dedup.normalise import CONTACT_COLUMNS, _META, contact_frame


_LINE = re.compile(r"^(- |  )([A-Za-z_]+):(?: (.*))?$")


def _unquote(v: pl.Expr) -> pl.Expr:
    dq = v.str.starts_with('"') & v.str.ends_with('"') & (v.str.len_chars() >= 2)
    sq = v.str.starts_with("'") & v.str.ends_with("'") & (v.str.len_chars() >= 2)
    inner = v.str.slice(1, v.str.len_chars() - 2)
    flow = v.str.starts_with("[") & v.str.ends_with("]")
    return (pl.when(dq).then(inner.str.replace_all(r'\\"', '"').str.replace_all(r"\\\\", "\\"))
            .when(sq).then(inner.str.replace_all("''", "'", literal=True))
            .when(flow).then(inner.str.replace_all(r"\s*,\s*", ",").str.strip_chars())
            .otherwise(v.str.strip_chars()))


def _text_lines(data: bytes) -> pl.Series:
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


def _file_lines(data: bytes) -> pl.DataFrame | None:
    """A contacts file in the flat form kebir writes (`- id:` then `  key: value` lines) -> its
    lines with `rec`, the number of the record each belongs to (from 1); None for anything else."""
    head = data[:64].strip()
    if not head or head == b"[]":
        return pl.DataFrame(schema={"line": pl.String, "rec": pl.UInt32})
    if b"\x1f" in data or b"\r" in data:
        return None
    lines = _text_lines(data)
    lines = lines.filter((lines.str.strip_chars() != "") & ~lines.str.starts_with("#"))
    df = lines.to_frame().with_columns(pl.col("line").str.starts_with("- ").cum_sum().cast(pl.UInt32).alias("rec"))
    if df.height and df["rec"][0] != 1:
        return None
    return df


def _record_hashes(lines: pl.DataFrame) -> pl.DataFrame:
    """rec -> raw: a hash of the record's lines (with their places), what the rows cache is keyed by."""
    row = pl.int_range(pl.len(), dtype=pl.UInt32)
    start = pl.when(pl.col("line").str.starts_with("- ")).then(row).forward_fill()
    h = (pl.col("line").hash(seed=6) ^ (row - start).hash(seed=7)) // 1024
    return lines.select("rec", h.alias("h")).group_by("rec", maintain_order=True).agg(pl.col("h").sum().alias("raw"))


def _parse_records(lines: pl.DataFrame) -> pl.DataFrame | None:
    """Lines of flat records (line, rec) -> one row per record (rec, then the keys as columns,
    plain, quoted or flow-list scalars as strings); None if a line is not in that form."""
    if lines.height == 0:
        return pl.DataFrame(schema={"rec": pl.UInt32, "id": pl.String})
    df = lines.with_columns(pl.col("line").str.extract_groups(_LINE.pattern).alias("g")).unnest("g")
    df.columns = ["line", "rec", "lead", "key", "val"]
    if df["lead"].null_count() or df["val"].null_count():
        return None
    bad = df["val"].str.contains(r'^[|>&*!]|\\[^"\\]| #') | (df["val"].str.starts_with('"') & ~df["val"].str.ends_with('"'))
    if bad.any():
        return None
    df = df.with_columns(_unquote(pl.col("val")).alias("v"))
    if df.filter(pl.col("lead") == "- ")["key"].ne("id").any():
        return None
    try:        # without an aggregate, pivot refuses a key given twice in one record: the general reader says why
        return df.pivot(on="key", index="rec", values="v")
    except pl.exceptions.ComputeError:
        return None


def _read_rows(root: Path, known: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame, list[tuple[str, str]]]:
    """The contacts of the books: (the records to parse, parsed: not among the `known` (file, raw)
    keys; the known records still there: file, fo, rec, raw; the CRM<->ERP links). Every row
    carries `file` (path), `fo` (the file's place), `rec` (the record's place) and `raw` (hash of
    its lines, null for files the general reader read)."""
    root = Path(root)
    new: list[pl.DataFrame] = []
    hits: list[pl.DataFrame] = []
    links: list[tuple[str, str]] = []
    base = root / "contacts"
    for fo, path in enumerate(sorted(base.rglob("*.yaml")) if base.is_dir() else []):
        rel = path.relative_to(root).as_posix()
        fk = schema.kind_of(rel)
        if fk is None:
            continue
        if fk.kind == "links":
            records, _ = load._read_tree(root, rel, fk.kind)
            links += [(str(r.get("crm")), str(r.get("erp"))) for r in records or [] if r.get("crm") and r.get("erp")]
            continue
        if fk.kind not in ("crm-contacts", "erp-contacts") or fk.role == "employee":
            continue
        side = "erp" if fk.kind == "erp-contacts" else "crm"
        meta = [pl.lit(rel).alias("file"), pl.lit(fo, pl.UInt32).alias("fo")]
        lines = _file_lines(path.read_bytes())
        df = None
        if lines is not None:
            recs = _record_hashes(lines).with_columns(*meta)
            miss = recs
            if known is not None:
                mine = known.filter(pl.col("file") == rel)
                hits.append(recs.join(mine, on=["file", "raw"], how="semi"))
                miss = recs.join(mine, on=["file", "raw"], how="anti")
            df = _parse_records(lines.join(miss.select("rec"), on="rec", how="semi"))
            if df is not None:
                df = df.join(miss, on="rec", how="left")
            elif known is not None:
                hits.pop()
        if df is None:
            records, _ = load._read_tree(root, rel, fk.kind)
            cs = [load._contact(r, rel, side, fk.role, fk.kind) for r in records or [] if r.get("id")]
            df, _ = contact_frame(cs)
            df = df.with_columns(*meta, (pl.int_range(pl.len()) + 1).cast(pl.UInt32).alias("rec"),
                                 pl.lit(None, pl.UInt64).alias("raw"))
        else:
            kind = pl.col("kind") if "kind" in df.columns else pl.lit(None, pl.String)
            df = df.with_columns(pl.lit(side).alias("side"), kind.fill_null("company").alias("kind"))
            df = df.with_columns((pl.col("kind") if side == "crm" else pl.lit(fk.role)).alias("role"))
        fields = [c for c in df.columns if c not in _META]
        df = df.select([pl.col(c).cast(pl.String) if c in df.columns else pl.lit(None, pl.String).alias(c)
                        for c in CONTACT_COLUMNS] + [pl.col(c).cast(pl.String) for c in fields
                                                     if c not in CONTACT_COLUMNS]
                       + [pl.col("file"), pl.col("fo"), pl.col("rec"), pl.col("raw")])
        new.append(df)
    empty = pl.DataFrame(schema={**{c: pl.String for c in CONTACT_COLUMNS}, "file": pl.String, "fo": pl.UInt32,
                                 "rec": pl.UInt32, "raw": pl.UInt64})
    frame = pl.concat([empty, *new], how="diagonal_relaxed")
    hit = pl.concat(hits) if hits else pl.DataFrame(schema={"rec": pl.UInt32, "raw": pl.UInt64, "file": pl.String,
                                                            "fo": pl.UInt32})
    return frame, hit, links


def read_contacts(root: Path) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """The contacts of the books as a contact frame (CONTACT_COLUMNS, then any further field),
    and the CRM<->ERP links, read straight from contacts/ (no ledger, no documents): the fast path
    for `kebir dedup scan` on large books. Files not in kebir's flat form go through the general
    reader (core.books.load)."""
    frame, _, links = _read_rows(root, None)
    frame = frame.sort("fo", "rec").unique("id", keep="first", maintain_order=True)
    return frame.drop("file", "fo", "rec", "raw"), links
