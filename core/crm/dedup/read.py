"""Reading the contacts of the books for a scan, through the loader's readers: files in kebir's flat
form column-wise (core.books.flat), with a hash of each record's lines (what the rows cache is
keyed by), any other file through the general reader (core.books.load).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from core.books import readers
from core.books import flat, schema
from core.crm.dedup.normalise import CONTACT_COLUMNS, _META, contact_frame


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
            records, _ = readers.read_tree(root, rel, fk.kind)
            links += [(str(r.get("crm")), str(r.get("erp"))) for r in records or [] if r.get("crm") and r.get("erp")]
            continue
        if fk.kind not in ("crm-contacts", "erp-contacts") or fk.role == "employee":
            continue
        side = "erp" if fk.kind == "erp-contacts" else "crm"
        meta = [pl.lit(rel).alias("file"), pl.lit(fo, pl.UInt32).alias("fo")]
        lines = flat.file_lines(path.read_bytes())
        df = None
        if lines is not None:
            recs = flat.record_hashes(lines).with_columns(*meta)
            miss = recs
            if known is not None:
                mine = known.filter(pl.col("file") == rel)
                hits.append(recs.join(mine, on=["file", "raw"], how="semi"))
                miss = recs.join(mine, on=["file", "raw"], how="anti")
            df = flat.parse_records(lines.join(miss.select("rec"), on="rec", how="semi"),
                                    schema.record_schema(fk.kind)["properties"])
            if df is not None:
                df = df.join(miss, on="rec", how="left")
            elif known is not None:
                hits.pop()
        if df is None:
            records, _ = readers.read_tree(root, rel, fk.kind)
            cs = [readers.read_contact(r, rel, side, fk.role, fk.kind) for r in records or [] if r.get("id")]
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
