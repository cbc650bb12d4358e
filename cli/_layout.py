"""Terminal tables that fit the terminal: one rule for every report, here and nowhere else.

Each column has one of three roles, read from its kind and its values:

- **number** (money, qty, int, pct): never cut, never wrapped;
- **id** (text with no space in any value: codes, ids, dates, states): never cut, never wrapped;
- **name** (text with a space in some value: names, memos, subjects): cut with an ellipsis to fit,
  never below NAME_MIN characters; the full value stays in `--format csv` and `--format json`.

A table that fits at its natural width prints as it is. One that fits only with its names cut
gives the names the room the numbers and ids leave, the shortest first. One that does not fit
even then wraps, as a spreadsheet prints a wide sheet on several pages: its columns go into
blocks printed one under the other, each block repeating the first id column and the first name
column (the account code and its name, a customer's id and name), so that no amount and no id
is ever left out. A single column wider than the terminal on its own (a long hash) is printed
whole, and the terminal wraps that line. Before a table wraps, its columns that are blank in
every row are left out (they say nothing; csv and json keep them).

docs/reports.md ("Tables on a terminal") says the same for people.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

NAME_MIN = 16       # a cut name keeps this many characters (the ellipsis included)


@dataclass
class Col:
    """One column as the terminal shows it: the cells already as text."""

    title: str
    cells: list[str]
    role: str = "id"                # number | id | name
    footer: str = ""

    @property
    def natural(self) -> int:
        lines = [ln for s in (*self.cells, self.title, self.footer) for ln in (s.split("\n") or [""])]
        return max((cell_len(ln) for ln in lines), default=0)

    @property
    def least(self) -> int:
        return min(self.natural, NAME_MIN) if self.role == "name" else self.natural


@dataclass
class Grid:
    """A table to print: its columns, and per row a style and whether a rule follows it."""

    title: str
    cols: list[Col]
    styles: list[str] = field(default_factory=list)
    rules: list[bool] = field(default_factory=list)
    show_footer: bool = False
    continued: str = "continued"


def role_of(kind: str, values: list[str]) -> str:
    """number, id or name: see the module's docstring."""
    if kind in ("money", "qty", "int", "pct"):
        return "number"
    return "name" if any(any(ch.isspace() for ch in v) for v in values) else "id"


def _overhead(n: int) -> int:
    return 3 * n + 1          # rich's default box: a rule between columns, one space of padding each side


def widths(cols: list[Col], room: int) -> list[int] | None:
    """Each column's width so that the table is at most `room` wide, or None when it cannot be
    without cutting a number or an id (or a name below NAME_MIN)."""
    natural = [c.natural for c in cols]
    inside = room - _overhead(len(cols))
    if sum(natural) <= inside:
        return natural
    names = [i for i, c in enumerate(cols) if c.role == "name"]
    fixed = sum(natural[i] for i in range(len(cols)) if i not in names)
    out = [natural[i] if i not in names else cols[i].least for i in range(len(cols))]
    extra = inside - fixed - sum(out[i] for i in names)
    if extra < 0:
        return None
    while extra > 0:          # water-filling: the narrowest cut name grows first
        short = [i for i in names if out[i] < natural[i]]
        if not short:
            break
        i = min(short, key=lambda k: (out[k], k))
        out[i] += 1
        extra -= 1
    return out


def blocks(cols: list[Col], room: int) -> list[list[int]]:
    """The columns in blocks that each fit `room`, every block repeating the first id column and the
    first name column; one block (all columns) when the table fits."""
    if widths(cols, room) is not None:
        return [list(range(len(cols)))]
    first_id = next((i for i, c in enumerate(cols) if c.role == "id"), 0)
    first_name = next((i for i, c in enumerate(cols) if c.role == "name"), None)
    pinned = sorted({first_id} | ({first_name} if first_name is not None else set()))
    if widths([cols[i] for i in pinned], room) is None:
        pinned = [first_id]
    rest = [i for i in range(len(cols)) if i not in pinned]
    out: list[list[int]] = []
    block: list[int] = []
    for i in rest:
        trial = sorted(pinned + block + [i])
        if widths([cols[k] for k in trial], room) is not None or not block:
            block.append(i)
            if widths([cols[k] for k in trial], room) is None:      # one column too wide on its own
                out.append(sorted(pinned + block))
                block = []
            continue
        out.append(sorted(pinned + block))
        block = [i]
    if block or not out:
        out.append(sorted(pinned + block))
    return out


def terminal_width() -> int:
    env = os.environ.get("COLUMNS", "")
    return int(env) if env.isdigit() else Console().width


def _console(width: int) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False,
                   no_color=bool(os.environ.get("NO_COLOR")) or None)


def render(grid: Grid, console: Console | None = None) -> None:
    """Print `grid` to fit the console's width (see the module's docstring)."""
    con = console or _console(terminal_width())
    room = con.width
    shown = grid.cols
    if widths(shown, room) is None:     # too wide: a column blank in every row says nothing, and goes first
        shown = [c for c in grid.cols if any(s.strip() for s in c.cells) or c.footer.strip()] or grid.cols
    parts = blocks(shown, room)
    for n, idx in enumerate(parts):
        cols = [shown[i] for i in idx]
        ws = widths(cols, room)
        if ws is None:                        # too wide even alone: printed whole, the terminal wraps it
            ws = [c.natural for c in cols]
        title = f"{grid.title} ({grid.continued} {n + 1}/{len(parts)})" if n else grid.title
        rt = RichTable(title=Text(title), show_footer=grid.show_footer, header_style="bold")
        for c, w in zip(cols, ws):
            rt.add_column(Text(c.title), footer=Text(c.footer), justify="right" if c.role == "number" else "left",
                          no_wrap=True, overflow="ellipsis", width=w)
        for r in range(len(cols[0].cells) if cols else 0):
            rt.add_row(*[Text(c.cells[r]) for c in cols],
                       style=grid.styles[r] if r < len(grid.styles) and grid.styles[r] else None,
                       end_section=r < len(grid.rules) and grid.rules[r])
        needed = sum(ws) + _overhead(len(cols))
        (con if needed <= room else _console(needed)).print(rt)
