"""The JSON Schemas in `schemas/` and how kebir applies them to scalar-preserving records.

The schemas are the one description of every record file: editors use them through the YAML
language server, `store` takes its key order from them, and validation types raw strings by them.

Validation implements the subset of JSON Schema 2020-12 that kebir's schemas use (type,
properties, required, additionalProperties, items, minItems, pattern, enum, $ref to $defs). Every
scalar arrives as the string the user wrote, so a field typed `["string", "number"]` accepts any
scalar and `pattern` decides. `oneOf` (debit or credit) is left to the dedicated checks, which
give a better message. Large tabular data (postings, stock moves) is checked column by column
with polars by `check_columns`, from the same schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from pathlib import Path
from typing import Any, Callable

import polars as pl

from core.books.calendar_dates import impossible_date
from core.model.errors import Problem
from core.books.yamlnodes import Map, Seq, read_file

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


@dataclass(frozen=True, slots=True)
class FileKind:
    """Which files of a books directory hold which records."""

    kind: str            # schema name in schemas/<kind>.schema.json
    pattern: str         # glob relative to the books root
    fmt: str             # "yaml" | "csv" | "toml"
    role: str = ""       # for contacts: customer | supplier | employee | crm


# Order matters only for the first match; keep in step with docs/formats.md.
FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("books", "books.toml", "toml"),
    FileKind("accounts", "accounts.yaml", "yaml"),
    FileKind("journal", "journals/*/*.yaml", "yaml"),
    FileKind("journal-csv", "journals/**.csv", "csv"),
    FileKind("rates", "rates/*.csv", "csv"),
    FileKind("erp-contacts", "contacts/erp/customers.yaml", "yaml", "customer"),
    FileKind("erp-contacts", "contacts/erp/suppliers.yaml", "yaml", "supplier"),
    FileKind("erp-contacts", "contacts/erp/employees.yaml", "yaml", "employee"),
    FileKind("activities", "contacts/crm/activities.yaml", "yaml", "crm"),
    FileKind("deals", "contacts/crm/deals.yaml", "yaml", "crm"),
    FileKind("campaigns", "contacts/crm/campaigns.yaml", "yaml", "crm"),
    FileKind("segments", "contacts/crm/segments.yaml", "yaml", "crm"),
    FileKind("crm-contacts", "contacts/crm/*.yaml", "yaml", "crm"),
    FileKind("links", "contacts/links.yaml", "yaml"),
    FileKind("items", "stock/items.yaml", "yaml"),
    FileKind("locations", "stock/locations.yaml", "yaml"),
    FileKind("moves", "stock/moves/*/*.csv", "csv"),
    FileKind("recipes", "stock/recipes.yaml", "yaml"),          # core.erp.production (docs/production.md)
    FileKind("units", "stock/units.yaml", "yaml"),
    FileKind("supply", "stock/supply.yaml", "yaml"),
    FileKind("reasons", "stock/reasons.yaml", "yaml"),
    FileKind("production", "stock/production/*/*.yaml", "yaml"),
    FileKind("orders", "orders/*/*.yaml", "yaml"),
    FileKind("sales", "sales/*/*.csv", "csv"),
    FileKind("prices", "prices.yaml", "yaml"),
    FileKind("payroll", "payroll/*/*.yaml", "yaml"),
    FileKind("assets", "assets/register.yaml", "yaml"),
    FileKind("recurring", "recurring.yaml", "yaml"),
)

# How records of each kind are ordered in canonical files (fields compared as strings).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "journal": ("date", "id"), "journal-csv": ("date", "entry_id"), "accounts": ("code",),
    "rates": ("date", "currency"), "erp-contacts": ("id",), "crm-contacts": ("id",),
    "activities": ("date", "id"), "links": ("crm", "erp"), "items": ("id",), "locations": ("id",),
    "moves": ("date", "id"), "orders": ("date", "id"), "sales": ("date", "location", "kind"),
    "prices": ("kind", "id"), "payroll": ("period", "date", "id"),
    "assets": ("id",), "recurring": ("id",), "deals": ("created", "id"), "campaigns": ("start", "id"),
    "segments": ("id",), "recipes": ("item",), "units": ("item", "unit"), "supply": ("supplier", "item"),
    "production": ("date", "id"), "reasons": ("id",),
}

# $defs whose values kebir always writes quoted (numbers people must not lose to YAML typing).
QUOTED_DEFS = frozenset({"amount", "signed_amount", "quantity", "unit_cost", "rate", "percent", "account"})


def kind_of(relpath: str) -> FileKind | None:
    """The file kind of a path relative to the books root, or None for files kebir ignores."""
    for fk in FILE_KINDS:
        if fnmatch(relpath, fk.pattern):
            return fk
    return None


@cache
def load_schema(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))


def record_schema(kind: str) -> dict[str, Any]:
    """The schema of one record (the `items` of a list file, or the row of a CSV file)."""
    s = load_schema(kind)
    return s["items"] if s.get("type") == "array" else s


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    hit = _RESOLVED.get(id(node))
    if hit is not None:
        return hit
    target = node
    while "$ref" in target:
        target = schema["$defs"][target["$ref"].rsplit("/", 1)[1]]
    _RESOLVED[id(node)] = target     # schemas are loaded once (cached) and never change
    return target


_RESOLVED: dict[int, dict[str, Any]] = {}


def field_order(kind: str, nested: str | None = None) -> list[str]:
    """Property names in schema order (the canonical key order), optionally of a nested list."""
    rec = record_schema(kind)
    if nested:
        rec = rec["properties"][nested]["items"]
    return list(rec["properties"])


def quoted_fields(kind: str, nested: str | None = None) -> frozenset[str]:
    rec = record_schema(kind)
    if nested:
        rec = rec["properties"][nested]["items"]
    return frozenset(k for k, v in rec["properties"].items()
                     if v.get("$ref", "").rsplit("/", 1)[-1] in QUOTED_DEFS)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _describe(node: dict[str, Any]) -> str:
    if "enum" in node:
        return "one of " + ", ".join(node["enum"])
    return node.get("description") or (f"text matching {node['pattern']}" if "pattern" in node else "a value")


def check_tree(kind: str, value: Any, path: str, record_id: str = "") -> list[Problem]:
    """Check a parsed YAML value (Map/Seq/str) against the schema; one Problem per violation."""
    schema = load_schema(kind)
    out: list[Problem] = []
    _check(schema, schema, value, path, getattr(value, "line", 1), "", record_id, out)
    return out


def _check(schema: dict[str, Any], node: dict[str, Any], value: Any, path: str, line: int,
           where: str, rid: str, out: list[Problem]) -> None:
    node = resolve(schema, node)
    types = node.get("type")
    types = [types] if isinstance(types, str) else (types or [])
    field = where or "record"
    if isinstance(value, Map):
        if types and "object" not in types:
            out.append(Problem("E013", path, line, f"`{field}` should be {_describe(node)}, not a mapping",
                               record=rid, found="a mapping", hint="write a single value"))
            return
        props = node.get("properties", {})
        rid = rid or str(value.get("id") or value.get("code") or "")
        for req in node.get("required", ()):
            if req not in value:
                out.append(Problem("E010", path, value.line, f"`{req}` is missing" + (f" in {where}" if where else ""),
                                   record=rid, expected=f"a `{req}` field", hint=f"add `{req}: ...` to the record"))
        extra = node.get("additionalProperties", True)
        for key, sub in value.items():
            kline = value.lines.get(key, value.line)
            if key in props:
                _check(schema, props[key], sub, path, kline, key, rid, out)
            elif extra is False:
                close = [p for p in props if p.startswith(key[:3])] or list(props)[:6]
                out.append(Problem("E011", path, kline, f"unknown field `{key}`", record=rid,
                                   expected="one of " + ", ".join(props), found=key,
                                   hint=f"did you mean `{close[0]}`? unknown fields are refused so data is "
                                        "never ignored"))
            elif isinstance(extra, dict):
                _check(schema, extra, sub, path, kline, key, rid, out)
        return
    if isinstance(value, Seq):
        if types and "array" not in types:
            out.append(Problem("E013", path, line, f"`{field}` should be {_describe(node)}, not a list",
                               record=rid, found="a list", hint="write a single value"))
            return
        if len(value) < node.get("minItems", 0):
            out.append(Problem("E010", path, value.line, f"`{field}` needs at least {node['minItems']} entries",
                               record=rid, found=f"{len(value)}", hint="add the missing entries"))
        items = node.get("items")
        if items is not None:
            for el in value:
                _check(schema, items, el, path, getattr(el, "line", line), where, rid, out)
        return
    if value is None:
        out.append(Problem("E012", path, line, f"`{field}` is empty", record=rid, expected=_describe(node),
                           hint=f"give `{field}` a value or remove the line"))
        return
    if types and not ({"string", "number", "integer", "boolean"} & set(types)):
        out.append(Problem("E013", path, line, f"`{field}` should be a {'list' if 'array' in types else 'mapping'}",
                           record=rid, found=repr(value), hint="see docs/formats.md for the shape of this file"))
        return
    if "enum" in node and value not in node["enum"]:
        out.append(Problem("E012", path, line, f"`{field}` has an unknown value", record=rid,
                           expected=_describe(node), found=str(value), hint=f"use one of: {', '.join(node['enum'])}"))
    elif "pattern" in node and not _regex(node["pattern"]).search(value):
        out.append(Problem("E012", path, line, f"`{field}` has the wrong form", record=rid,
                           expected=_describe(node), found=str(value), hint=_hint_for(node, str(value))))
    elif node.get("format") == "date" and not valid_date(value):
        out.append(_not_on_the_calendar(field, value, path, line, rid))


def _not_on_the_calendar(field: str, value: str, path: str, line: int, rid: str) -> Problem:
    """E160 for a date in the form YYYY-MM-DD that names no day ("February 2025 has 28 days")."""
    why = impossible_date(value)
    if why is None:
        return Problem("E012", path, line, f"`{field}` is not a calendar date", record=rid,
                       expected="a real date YYYY-MM-DD", found=value, hint="check the day and month")
    return Problem("E160", path, line, f"`{field}` {value} is not a calendar date: {why[0]}", record=rid,
                   expected="a day of the calendar", found=value, hint=why[1])


def _hint_for(node: dict[str, Any], value: str) -> str:
    desc = node.get("description", "")
    if "per unit" in desc and re.fullmatch(r"[-+]?[0-9]*\.?[0-9]*", value) and value.strip("-+0.") == "":
        return "a rate must be positive: write the base currency per unit, e.g. 37.1250 (0 would value it at nothing)"
    if "per unit" in desc and value.startswith("-"):
        return "a rate must be positive: write the base currency per unit, e.g. 37.1250"
    if "," in value and "amount" in desc:
        return "write amounts with a dot and no thousands separator, e.g. 1234.56"
    if "amount" in desc and re.fullmatch(r"[0-9]{16,}(\.[0-9]*)?", value):
        return "an amount has at most 15 digits before the point (999999999999999.99): check for digits typed twice"
    if "amount" in desc and re.fullmatch(r"[-+]?(\.?inf|\.?nan|[0-9.]+[eE][-+]?[0-9]+)", value, re.IGNORECASE):
        return "write the amount out in digits, e.g. 1000.00 (no exponent, no .inf or .nan)"
    if value.startswith("-") and "positive" in desc:
        return "amounts are positive: move it to the other column (debit <-> credit)"
    if "date" in desc:
        return "write dates as YYYY-MM-DD, e.g. 2025-03-04"
    return f"expected {desc or 'a value matching ' + node.get('pattern', '')}"


def valid_date(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def check_columns(kind: str, frame: pl.DataFrame, path_col: str = "file", line_col: str = "line",
                  id_col: str = "id", prefix: str = "", columns: list[str] | None = None,
                  schema_node: dict[str, Any] | None = None) -> list[Problem]:
    """Check string columns of a frame against the schema's property rules, vectorized.

    All rules run in one polars pass (in parallel across columns), and only failing rows come
    back into Python, so a clean million-row frame costs a few regex scans.
    `schema_node` selects a nested record (e.g. a posting inside an entry).
    """
    schema = load_schema(kind)
    node = schema_node or record_schema(kind)
    rules: list[tuple[str, pl.Expr, dict[str, Any], str, str]] = []
    for name, prop in node["properties"].items():
        if columns is not None and name not in columns or name not in frame.columns:
            continue
        prop = resolve(schema, prop)
        col = pl.col(name)
        if "enum" in prop:
            bad = col.is_not_null() & ~col.is_in(prop["enum"])
            expected, hint = _describe(prop), "use one of: " + ", ".join(prop["enum"])
        elif "pattern" in prop:
            bad = col.is_not_null() & ~col.str.contains(prop["pattern"])
            expected, hint = _describe(prop), ""
        else:
            continue
        if prop.get("format") == "date":     # in the form, but no day of the calendar: E160, said why
            rules.append((name, ~bad & col.is_not_null() & col.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
                          .is_null(), prop, "E160", ""))
        rules.append((name, bad, prop, expected, hint))
    if not rules or frame.is_empty():
        return []
    any_bad = frame.select([r[1].any().alias(f"_{i}") for i, r in enumerate(rules)]).row(0)
    out: list[Problem] = []
    rid = pl.col(id_col) if id_col in frame.columns else pl.lit("")
    for (name, bad, prop, expected, hint), failed in zip(rules, any_bad):
        if not failed:
            continue
        rows = frame.filter(bad).select(path_col, line_col, rid.alias("_rid"), pl.col(name).alias("_value"))
        if expected == "E160":
            out += [_not_on_the_calendar(prefix + name, val, p, ln, r or "") for p, ln, r, val in rows.iter_rows()]
            continue
        for p, ln, r, val in rows.iter_rows():
            out.append(Problem("E012", p, ln, f"`{prefix}{name}` has the wrong form", record=r or "",
                               expected=expected, found=val, hint=hint or _hint_for(prop, val)))
    return out


def checked_list(tree: Any, rel: str, kind: str, what: str, first: str) -> tuple[Any, list[Problem]]:
    """A parsed list file checked against its schema: (the list or None, problems)."""
    if tree is None:
        return None, []
    if type(tree) is not Seq:
        return None, [Problem("E013", rel, getattr(tree, "line", 1), f"{what} is a list",
                              found="a single value or mapping", hint=f"start each record with `- {first}`")]
    return tree, check_tree(kind, tree, rel)


def records_of(tree: Any, rel: str, kind: str, what: str, first: str,
               build: Callable[[Any, str], tuple[list[Any], list[Problem]]]) -> tuple[list[Any], list[Problem]]:
    """Records from a `yamlnodes.parse` tree of a one-list file: its shape and schema (`checked_list`),
    then `build(records, rel)`; the problems of both."""
    records, problems = checked_list(tree, rel, kind, what, first)
    if records is None:
        return [], problems
    got, found = build(records, rel)
    return got, problems + found


def file_records(root: Path, rel: str, read: Callable[[Any], tuple[list[Any], list[Problem]]]
                 ) -> tuple[list[Any], list[Problem]]:
    """`read(tree)` of the file `rel` under a books root, after the problems of reading it; no file
    means no records."""
    tree, problems = read_file(root, rel)
    got, found = read(tree)
    return got, problems + found
