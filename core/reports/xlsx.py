"""A report table as an Excel workbook (`--format xlsx`), written with xlsxwriter.

What a person opening it in Excel (Turkish or any other) expects: one sheet, the report's title in
the first row, the column headings in the second and frozen below them, amounts as numbers with
their currency's decimals and the currency as the number format (`#,##0.00 "TRY"`: Excel shows
the separators of the reader's locale, and the cell is still a number to add up), dates as
dates, quantities and percentages as numbers, the totals row in bold, and columns wide enough for
what they hold.

Exact money. A cell holds an IEEE double; kebir's money is Decimal. A decimal number with at most
15 significant digits survives the trip to the nearest double and back (DBL_DIG is 15), and
xlsxwriter writes the double with 16 significant digits, which reads back as the same double. Every
amount is checked on the way out: `exact_number` takes the digits xlsxwriter will write, reads them
as a double again and returns its shortest decimal form; only when that equals the Decimal is the
cell a number. Otherwise (an amount beyond 15 digits, over ten trillion at 2 decimals) the cell is
the exact text, never a rounded number. So every money cell reads back to the kuruş.

The bytes are deterministic: the workbook's creation date is fixed, so the same table gives the
same file (a report attached to a close can be compared byte for byte).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.reports import Table

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIXED_CREATED = datetime(2000, 1, 1)       # no wall clock in the file (deterministic bytes)
_MAX_WIDTH = 60
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def exact_number(d: Decimal) -> float | None:
    """The double to write for `d`, or None when the cell, read back, would not be exactly `d`."""
    if not d.is_finite():
        return None
    # ok-float: an xlsx cell holds a double; kept only when it reads back as exactly `d`
    f = float(d)  # ok-float
    back = float(f"{f:.16G}")  # ok-float: what xlsxwriter writes (xmlwriter: f"{number:.16G}"), read back
    return f if Decimal(repr(back)) == d else None


def _num_format(kind: str, v: Decimal, currency: str = "") -> str:
    """`#,##0.00` with the amount's decimals; a money amount whose currency is known carries it as
    a literal (`#,##0.00 "TRY"`): the cell stays a number, and says what it counts."""
    places = max(0, -int(v.as_tuple().exponent)) if v.is_finite() else 0
    if kind == "money":
        places = max(places, 2)
    number = "#,##0" + ("." + "0" * places if places else "")
    return f'{number} "{currency}"' if kind == "money" and _CURRENCY.match(currency) else number


def _currencies(t: Table) -> list:
    """Per column, the currency of its money: a function of the row. The table's currency (meta
    `currency`: the base, or the one `--currency` translated into) for every money column, but an
    `amount` beside a `currency` column (the journal's and a register's own-currency amount) is
    in the row's currency."""
    keys = [c.key for c in t.columns]
    base = t.meta.get("currency") if isinstance(t.meta.get("currency"), str) else ""
    own = keys.index("currency") if "currency" in keys else None

    def of(c):
        if c.kind != "money":
            return lambda row: ""
        if c.key == "amount" and own is not None:
            return lambda row: row[own] if isinstance(row[own], str) else ""
        return lambda row: base
    return [of(c) for c in t.columns]


def _as_date(v: Any, key: str) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str) and _ISO_DATE.match(v) and ("date" in key or key in ("on", "due", "as_of", "day")):
        try:
            return date.fromisoformat(v)
        except ValueError:
            return None
    return None


def table_xlsx(t: Table) -> bytes:
    """The table as .xlsx bytes: title row, frozen header, typed cells, totals in bold."""
    import xlsxwriter   # lazy: only --format xlsx needs it

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.set_properties({"title": t.title, "created": _FIXED_CREATED})
    ws = wb.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", t.name)[:31] or "report")
    formats: dict[tuple[str, bool], Any] = {}

    def fmt(num: str, bold: bool = False):
        if (num, bold) not in formats:
            props: dict[str, Any] = {"bold": bold}
            if num:
                props["num_format"] = num
            formats[(num, bold)] = wb.add_format(props)
        return formats[(num, bold)]

    widths = [len(str(c.title)) for c in t.columns]
    ws.write_string(0, 0, t.title, wb.add_format({"bold": True, "font_size": 13}))
    for j, c in enumerate(t.columns):
        ws.write_string(1, j, str(c.title), fmt("", True))
    ws.freeze_panes(2, 0)

    currency_of = _currencies(t)

    def put(i: int, row: tuple[Any, ...], bold: bool) -> None:
        for j, (c, v) in enumerate(zip(t.columns, row)):
            shown = _cell(ws, i, j, c.kind, c.key, v, fmt, bold, currency_of[j](row))
            widths[j] = max(widths[j], len(shown))

    for i, r in enumerate(t.rows, start=2):
        put(i, r, False)
    if t.totals:
        put(2 + len(t.rows), t.totals, True)
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(_MAX_WIDTH, w + 2))
    if t.rows:
        ws.autofilter(1, 0, 1 + len(t.rows), max(0, len(t.columns) - 1))
    wb.close()
    return buf.getvalue()


def _cell(ws, i: int, j: int, kind: str, key: str, v: Any, fmt, bold: bool, currency: str = "") -> str:
    """Write one cell (a money amount in `currency`); return the text width it shows at."""
    if v is None or v == "":
        if bold:
            ws.write_blank(i, j, None, fmt("", True))
        return ""
    if isinstance(v, bool):
        ws.write_string(i, j, str(v).lower(), fmt("", bold))
        return str(v)
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        d = Decimal(v)
        number = exact_number(d)
        if number is not None:
            ws.write_number(i, j, number, fmt(_num_format(kind, d, currency) if isinstance(v, Decimal) else "0",
                                              bold))
            return f"{d:,f}" + (f" {currency}" if currency and kind == "money" else "")
        ws.write_string(i, j, f"{d:f}", fmt("", bold))
        return f"{d:f}"
    day = _as_date(v, key)
    if day is not None:
        ws.write_datetime(i, j, datetime(day.year, day.month, day.day), fmt("yyyy-mm-dd", bold))
        return "yyyy-mm-dd"
    text = str(v)
    ws.write_string(i, j, text, fmt("", bold))
    return text
