"""Turn problems and report tables into text (rich on a terminal), csv, json or markdown.

Colour and boxes go to a terminal only; piped output and csv/json are plain and stable.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console

from cli import _layout
from core.model import i18n

from core.books import safeio
from core.model.errors import BooksError, Problem
from core.reports import NUMERIC, Table
from core.books.store import write_atomic


def console(stderr: bool = False) -> Console:
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False,
                   no_color=bool(os.environ.get("NO_COLOR")) or None)


def _plain(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return f"{v:f}"
    return str(v)


def _money_text(v: Any) -> str:
    if isinstance(v, Decimal):
        return f"{v:,.2f}" if v.as_tuple().exponent == -2 else f"{v:,f}"
    return _plain(v)


class _Lines:
    """File lines for excerpts, read once per file."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.cache: dict[str, list[str]] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self.cache:
            try:       # only a regular file inside the books is quoted: never a refused one (E081, E082 ...)
                self.cache[path] = safeio.read_text(self.root, path).splitlines()
            except (BooksError, OSError):
                self.cache[path] = []
        lines = self.cache[path]
        return lines[line - 1] if 0 < line <= len(lines) else None


def problems_text(problems: list[Problem], root: str, summary: str) -> str:
    lines = _Lines(root)
    out: list[str] = []
    for p in problems:
        where = f"{os.path.join(root, p.path) if p.path else root}:{p.line}"
        rec = f" [{p.record}]" if p.record else ""
        out.append(f"{where}: {p.code} {p.severity}{rec}: {p.message}")
        src = lines.get(p.path, p.line)
        if src is not None and src.strip():
            out.append(f"  {p.line:>5} | {src[:160]}")
        if p.expected or p.found:
            out.append(f"  expected: {p.expected or '-'}; found: {p.found or '-'}")
        if p.hint:
            out.append(f"  hint: {p.hint}")
    out.append(summary)
    return "\n".join(out) + "\n"


def problems_json(problems: list[Problem], root: str, summary: dict[str, Any]) -> str:
    items = []
    for p in problems:
        d = p.as_dict()
        d["file"] = os.path.join(root, p.path) if p.path else root
        items.append(d)
    return json.dumps({"problems": items, "summary": summary}, ensure_ascii=False, indent=2) + "\n"


def problems_csv(problems: list[Problem], root: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "line", "code", "severity", "record", "message", "expected", "found", "hint"])
    for p in problems:
        w.writerow([cell(x) for x in (os.path.join(root, p.path), p.line, p.code, p.severity, p.record, p.message,
                                       p.expected, p.found, p.hint)])
    return buf.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(v: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe; numbers, Decimal or written as text, stay
    numbers."""
    text = _plain(v)
    if isinstance(v, (Decimal, int)) or not text.startswith(_FORMULA_START):
        return text
    try:
        Decimal(text)
        return text
    except ArithmeticError:
        return "'" + text


CSV_DIALECTS = ("excel-tr",)


def _cell_tr(v: Any) -> str:
    """A cell for Turkish Excel: a number with a decimal comma (no thousands separator, which
    Excel would read as text), anything else as `cell` writes it."""
    if isinstance(v, Decimal):
        return f"{v:f}".replace(".", ",")
    return cell(v)


def table_csv(t: Table, dialect: str | None = None) -> str:
    """The table as CSV: plain (comma, dot decimals) or, for `excel-tr`, what Turkish Excel opens
    as columns on a double click: semicolon separator, comma decimals and a UTF-8 byte-order mark
    (without it Excel reads the file as Windows-1254 and mangles ş, ğ, ı)."""
    if dialect not in (None, *CSV_DIALECTS):
        raise ValueError(f"unknown CSV dialect {dialect!r}: use {', '.join(CSV_DIALECTS)}")
    buf = io.StringIO()
    conv = _cell_tr if dialect == "excel-tr" else cell
    w = csv.writer(buf, lineterminator="\r\n" if dialect else "\n", delimiter=";" if dialect else ",")
    w.writerow([cell(c.key) for c in t.columns])
    for r in t.rows:
        w.writerow([conv(v) for v in r])
    if t.totals:
        w.writerow([conv(v) for v in t.totals])
    return ("\ufeff" if dialect else "") + buf.getvalue()


def table_json(t: Table) -> str:
    keys = [c.key for c in t.columns]
    doc = {"report": t.name, "title": t.title, **{k: _plain(v) if isinstance(v, Decimal) else v
                                                   for k, v in t.meta.items()},
           "rows": [{k: _plain(v) if isinstance(v, Decimal) else v for k, v in zip(keys, r)} for r in t.rows]}
    if t.totals:
        doc["totals"] = {k: _plain(v) if isinstance(v, Decimal) else v for k, v in zip(keys, t.totals)}
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_SPECIAL = frozenset("\\|`*_[]~")


def md_text(v: Any) -> str:
    """Text as a Markdown table cell shows it, literally: `|` cannot end the cell, `<`, `>` and `&`
    cannot start HTML or an entity, and emphasis, code, links and strike-through marks are escaped;
    a line break (which would end the row) becomes a space."""
    out = []
    for ch in _plain(v):
        if ch in _MD_ENTITIES:
            out.append(_MD_ENTITIES[ch])
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch in "\r\n\t\v\f\x85\u2028\u2029":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def md_fence(text: str) -> str:
    """Plain text (problems, entries, a status) asked for as Markdown: one fenced code block, its
    fence longer than any run of backticks inside, so nothing in it is read as Markdown or HTML."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}{'' if text.endswith(chr(10)) or not text else chr(10)}{fence}\n"


def _md_cell(v: Any) -> str:
    return _money_text(v) if isinstance(v, Decimal) else md_text(v)


def table_md(t: Table) -> str:
    head = "| " + " | ".join(md_text(c.title) for c in t.columns) + " |"
    align = "|" + "|".join("---:" if c.kind in NUMERIC else "---" for c in t.columns) + "|"
    body = ["| " + " | ".join(_md_cell(v) for v in r) + " |" for r in t.rows]
    if t.totals:
        body.append("| " + " | ".join(f"**{_md_cell(v)}**" if v not in ("", None) else "" for v in t.totals) + " |")
    return f"## {md_text(t.title)}\n\n" + "\n".join([head, align, *body]) + "\n"


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[Decimal]) -> str:
    """A compact trend of a row's period columns: one block per column, scaled to the row."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[int((v - lo) / (hi - lo) * (len(SPARKS) - 1))] for v in values)


def _period_columns(t: Table) -> list[int]:
    """Indexes of a multi-period report's period columns (meta.columns names them)."""
    labels = {c.get("column") for c in t.meta.get("columns", []) if isinstance(c, dict)}
    return [i for i, c in enumerate(t.columns) if c.key in labels and c.kind == "money"]


def _statement_grid(t: Table, periods: list[int]) -> _layout.Grid:
    """A statement on the terminal: section headings, names indented by level, the amount columns."""
    keys = [c.key for c in t.columns]
    i_sec, i_lvl, i_acc, i_name = (keys.index(k) for k in ("section", "level", "account", "name"))
    amounts = [i for i, c in enumerate(t.columns) if c.kind in NUMERIC and i != i_lvl]
    spark = len(periods) >= 3
    acc, name = _layout.Col(t.columns[i_acc].title, []), _layout.Col(t.columns[i_name].title, [], "name")
    nums = [_layout.Col(t.columns[i].title, [], "number") for i in amounts]
    trend = _layout.Col(i18n.text("col.trend", t.meta.get("language", "en")), [])
    grid = _layout.Grid(t.title, [acc, name, *nums, *([trend] if spark else [])],
                        continued=i18n.text("table.continued", t.meta.get("language", "en")))

    def add(cells: list[str], style: str, rule: bool) -> None:
        for col, v in zip(grid.cols, cells):
            col.cells.append(v)
        grid.styles.append(style)
        grid.rules.append(rule)

    section = None
    for r in t.rows:
        if r[i_sec] != section:
            section = r[i_sec]
            add(["", _plain(section), *[""] * (len(amounts) + spark)], "bold", False)
        level = int(r[i_lvl])
        label = _plain(r[i_name]) if level == 0 else "  " * (level - 1) + _plain(r[i_name])
        cells = [_plain(r[i_acc]), label, *(_money_text(r[i]) for i in amounts)]
        if spark:
            cells.append(sparkline([r[i] for i in periods if isinstance(r[i], Decimal)]))
        add(cells, "bold" if level == 0 else "", level == 0)
    return grid


def table_text(t: Table) -> None:
    """A rich table on the terminal, fitted to its width by one rule (cli/_layout.py: ids and numbers
    whole, names cut, wide tables wrapped into blocks); a report with three or more period columns
    gets a trend column."""
    periods = _period_columns(t)
    if {"section", "level", "account", "name"} <= {c.key for c in t.columns}:
        _layout.render(_statement_grid(t, periods))
        return
    spark = len(periods) >= 3
    lang = t.meta.get("language", "en")
    shown = [i for i, c in enumerate(t.columns) if c.terminal]
    cols = []
    for i in shown:
        c = t.columns[i]
        cells = [_money_text(r[i]) for r in t.rows]
        foot = _money_text(t.totals[i]) if t.totals is not None else ""
        cols.append(_layout.Col(c.title, cells, _layout.role_of(c.kind, cells), foot))
    if spark:
        cols.append(_layout.Col(i18n.text("col.trend", lang),
                                [sparkline([r[i] for i in periods if isinstance(r[i], Decimal)]) for r in t.rows]))
    _layout.render(_layout.Grid(t.title, cols, show_footer=t.totals is not None,
                                continued=i18n.text("table.continued", lang)))


def emit(text: str | bytes, output: str | None = None) -> None:
    if output:
        write_atomic(Path(output), text)
    elif isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(text)
