"""Reports: each `build_*` takes a Book and options and returns a `Table` (rows plus totals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str = "text"        # text | money | qty | int


@dataclass(frozen=True, slots=True)
class Table:
    """A finished report: what renderers turn into text, csv, json, markdown or html."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    totals: tuple[Any, ...] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
