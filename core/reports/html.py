"""HTML for people: any report table, and the close pack, one self-contained page per period.

The close pack is what an accountant prints or archives when a period is closed: the month's
charts, income statement, balance sheet, trial balance, the close checklist, the entries the
close generated, and the seal. The page needs nothing from outside itself: CSS is inline, the
charts are SVG drawn here, there is no script and no font or image to fetch (a
Content-Security-Policy that allows nothing else makes the browser refuse any that slipped
in). Every text is escaped, and the same books give the same bytes: no clock, no random ids,
and chart coordinates are integer arithmetic on minor units, never float.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from core.model.i18n import CATALOGUE, MONTHS_SHORT, text

from core.reports import NUMERIC, Table

MONTHS = MONTHS_SHORT["en"]
COLOURS = {"revenue": "#2b6cb0", "expense": "#c05621", "margin": "#2f855a", "cash": "#553c9a"}

CSS = """
:root { --ink: #1a202c; --muted: #5a6472; --rule: #d5dae1; --band: #f4f6f8; --bad: #b42318; --good: #1e7a46;
        --warn: #a15c07; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; color: var(--ink); background: #fff;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.pack { border-bottom: 3px solid var(--ink); margin-bottom: 20px; padding-bottom: 12px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
.sub { color: var(--muted); margin: 0; }
h1, .sub, dl.facts dd, td.name { overflow-wrap: anywhere; }   /* a long name wraps, never past the page */
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
code, .hash { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px;
              overflow-wrap: anywhere; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 16px 0; }
.kpi { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; background: var(--band); }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .neg { color: var(--bad); }
.kpi .value small { display: block; font-size: 12px; font-weight: 400; color: var(--muted); }
.kpi .value { font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.report { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
table.report caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
table.report th, table.report td { padding: 3px 8px; border-bottom: 1px solid var(--rule); vertical-align: top;
                                   text-align: left; }
table.report thead th { border-bottom: 2px solid var(--ink); font-size: 12.5px; color: var(--muted); }
table.report .num { text-align: right; white-space: nowrap; }
table.report .neg { color: var(--bad); }
table.report tfoot td, table.report tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
table.statement { table-layout: fixed; }
table.statement col.code { width: 12%; }
table.statement col.amount { width: 22%; }
table.statement.wide { table-layout: auto; font-size: 12px; }
table.statement.wide col.code, table.statement.wide col.amount { width: auto; }
table.statement.wide td.name { min-width: 160px; }
div.scroll { overflow-x: auto; }
table.report tr.section th { background: var(--band); font-size: 13px; text-transform: uppercase;
                             letter-spacing: .04em; padding-top: 8px; }
table.report tr.lvl-1 td { font-weight: 600; }
table.report tr.lvl-2 td.name { padding-left: 24px; }
table.report tr.lvl-3 td.name { padding-left: 40px; }
table.report tr.lvl-4 td.name, table.report tr.lvl-5 td.name, table.report tr.lvl-6 td.name { padding-left: 56px; }
table.report tr.lvl-2 td, table.report tr.lvl-3 td, table.report tr.lvl-4 td { color: #2d3643; }
table.report tr.entry th { background: var(--band); font-weight: 600; text-align: left; }
.note { color: var(--muted); font-size: 12.5px; margin: 2px 0 10px; }
.flag { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
        border: 1px solid currentColor; }
.flag.pass, .flag.yes { color: var(--good); }
.flag.fail, .flag.no, .flag.error { color: var(--bad); }
.flag.warn, .flag.warning, .flag.skip, .flag.info { color: var(--warn); }
.charts { display: grid; grid-template-columns: 1fr; gap: 18px; }
figure { margin: 0; border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px 4px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart text { font-size: 11px; fill: var(--muted); }
svg.chart .grid { stroke: var(--rule); stroke-width: 1; }
svg.chart .zero { stroke: var(--ink); stroke-width: 1; }
section { break-inside: auto; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5px; }
  h2 { break-after: avoid; margin-top: 18px; }
  section.pagebreak { break-before: page; }
  table.report tr, figure, .kpi { break-inside: avoid; }
  table.report thead { display: table-header-group; }
  .kpi, table.report tr.section th, table.report tr.entry th { background: none; }
  table.report .neg { color: inherit; }
  a { color: inherit; text-decoration: none; }
}
"""

# -- formatting --------------------------------------------------------------------------------

def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)

def money_text(value: Any) -> str:
    """Decimal 1234567.5 -> '1,234,567.50' (2 decimals kept as written); others as text."""
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value.as_tuple().exponent == -2 else f"{value:,f}"
    if value is None:
        return ""
    return str(value)

def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None

def _num_cell(value: Any, tag: str = "td", extra: str = "") -> str:
    neg = isinstance(value, Decimal | int) and not isinstance(value, bool) and value < 0
    cls = "num neg" if neg else "num"
    return f'<{tag} class="{cls}{extra}">{_e(money_text(value))}</{tag}>'

# -- tables ------------------------------------------------------------------------------------

def table_html(table: Table) -> str:
    """Any report table as an HTML <table> (a fragment, escaped, deterministic).

    Statements (tables with `section` and `level` columns) show their sections as header rows
    and indent accounts by level; level-0 rows are totals. Other tables show their columns as
    they are, with the totals row in the footer.
    """
    keys = [c.key for c in table.columns]
    if "section" in keys and "level" in keys:
        return _statement_html(table)
    out = [f'<table class="report" id="{_e(table.name)}">', f"<caption>{_e(table.title)}</caption>", "<thead><tr>"]
    out += [f'<th class="num">{_e(c.title)}</th>' if c.kind in NUMERIC else f"<th>{_e(c.title)}</th>"
            for c in table.columns]
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        cells = [_num_cell(v) if c.kind in NUMERIC else f"<td>{_e(money_text(v))}</td>"
                 for c, v in zip(table.columns, row)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    if table.totals is not None:
        cells = [_num_cell(v) if c.kind in NUMERIC else f"<td>{_e(money_text(v))}</td>"
                 for c, v in zip(table.columns, table.totals)]
        out.append("<tfoot><tr>" + "".join(cells) + "</tr></tfoot>")
    out.append("</table>")
    out.append(_meta_note(table))
    return "\n".join(out) + "\n"

def _statement_html(table: Table) -> str:
    keys = [c.key for c in table.columns]
    i_sec, i_lvl, i_acc, i_name = (keys.index(k) for k in ("section", "level", "account", "name"))
    amounts = [i for i, c in enumerate(table.columns) if c.kind in NUMERIC and i != i_lvl]
    currency = table.meta.get("currency", "")
    unit = f" ({currency})" if currency else ""
    titles = [table.columns[i].title + (unit if table.columns[i].kind == "money" else "") for i in amounts]
    if keys[amounts[0]] == "amount" and len(amounts) == 1:
        titles = [f"{table.columns[amounts[0]].title}{unit}"]
    width = 2 + len(amounts)
    wide = len(amounts) > 2      # period columns: sized by their content, the unit once in the caption
    if wide:
        titles = [table.columns[i].title for i in amounts]
    caption = table.title + (unit if wide else "")
    out = [f'<div class="scroll"><table class="report statement{" wide" if wide else ""}" id="{_e(table.name)}">',
           f"<caption>{_e(caption)}</caption>",
           '<colgroup><col class="code"><col>' + '<col class="amount">' * len(amounts) + "</colgroup>",
           f"<thead><tr><th>{_e(table.columns[i_acc].title)}</th><th>{_e(table.columns[i_name].title)}</th>"
           + "".join(f'<th class="num">{_e(t)}</th>' for t in titles)
           + "</tr></thead>", "<tbody>"]
    section = None
    for row in table.rows:
        level = row[i_lvl]
        if row[i_sec] != section:
            out.append(f'<tr class="section"><th colspan="{width}">{_e(row[i_sec])}</th></tr>')
        cls = "total" if level == 0 else f"lvl-{int(level)}"
        out.append(f'<tr class="{cls}"><td>{_e(row[i_acc])}</td><td class="name">{_e(row[i_name])}</td>'
                   + "".join(_num_cell(row[i]) for i in amounts) + "</tr>")
        section = row[i_sec]
    out.append("</tbody></table></div>")
    out.append(_meta_note(table))
    return "\n".join(out) + "\n"

def _head(title: str, lang: str = "en") -> list[str]:
    return [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        # Nothing may load from anywhere: a stray reference fails in the browser, visibly.
        ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
         "img-src data:\">"),
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="kebir">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
    ]

def table_page(table: Table) -> str:
    """A report table as a whole self-contained HTML page (what `--format html` writes), with the
    chart that report has (see `chart_for`) above the table."""
    company = table.meta.get("company")
    sub = f'<p class="sub">{_e(company)}</p>' if company else ""
    chart = chart_for(table)
    figure = f'<figure class="chart">{chart}</figure>' if chart else ""
    lang = table.meta.get("language", "en")
    return "\n".join([*_head(table.title, lang), "<body>", f"<h1>{_e(table.title)}</h1>", sub, figure,
                      table_html(table),
                      "</body>", "</html>"]) + "\n"

def reports_page(title: str, tables: Sequence[Table], company: str | None = None) -> str:
    """Several reports on one self-contained page, each with its chart, in the order given."""
    sub = f'<p class="sub">{_e(company)}</p>' if company else ""
    parts = [*_head(title), "<body>", f"<h1>{_e(title)}</h1>", sub]
    for table in tables:
        chart = chart_for(table)
        parts.append(f'<section id="{_e(table.name)}"><h2>{_e(table.title)}</h2>')
        if chart:
            parts.append(f'<figure class="chart">{chart}</figure>')
        parts += [table_html(table), "</section>"]
    return "\n".join([*parts, "</body>", "</html>"]) + "\n"

def bars_svg(title: str, items: Sequence[tuple[str, Decimal]], currency: str = "", dec: int = 2) -> str:
    """Horizontal bars, one per (label, amount), largest magnitude scale; negative bars go left."""
    items = list(items)
    width, row, left, right, top = 960, 22, 260, 860, 34
    height = top + row * max(1, len(items)) + 16
    values = [_minor(v, dec) for _, v in items]
    lo, hi = min(0, *values) if values else 0, max(0, *values) if values else 1
    span = (hi - lo) or 1

    def x(v: int) -> int:
        return left + (v - lo) * (right - left) // span

    out = [_svg_open(width, height, title), f'<text x="{left}" y="18">{_e(title)}</text>',
           f'<text x="{right + 90}" y="18" text-anchor="end">{_e(currency)}</text>']
    zero = x(0)
    out.append(f'<line class="zero" x1="{zero}" y1="{top - 6}" x2="{zero}" y2="{height - 10}"/>')
    for i, ((label, value), v) in enumerate(zip(items, values)):
        y = top + i * row
        colour = COLOURS["expense"] if v < 0 else COLOURS["revenue"]
        out.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{_e(str(label)[:36])}</text>')
        out.append(f'<rect x="{min(zero, x(v))}" y="{y + 3}" width="{max(1, abs(x(v) - zero))}" height="{row - 6}" '
                   f'fill="{colour}"><title>{_e(f"{label} {money_text(value)} {currency}")}</title></rect>')
        out.append(f'<text x="{max(zero, x(v)) + 6}" y="{y + 14}">{_e(money_text(value))}</text>')
    out.append("</svg>")
    return "\n".join(out)

def matrix_svg(table: Table) -> str:
    """The menu-engineering matrix: each dish at (menu mix %, margin per unit), the popularity
    threshold and the average margin drawn across, the four classes named in their quadrants."""
    keys = [c.key for c in table.columns]
    i_item, i_mix, i_margin, i_class = keys.index("item"), keys.index("mix_pct"), keys.index("margin"), \
        keys.index("class")
    dots = [(str(r[i_item]), r[i_mix], r[i_margin], str(r[i_class])) for r in table.rows
            if isinstance(r[i_mix], Decimal) and isinstance(r[i_margin], Decimal)]
    pop = Decimal(str(table.meta.get("popularity_threshold_pct") or 0))
    avg = Decimal(str(table.meta.get("average_margin") or 0))
    width, height, left, right, top, bottom = 960, 520, 70, 900, 40, 470
    xs = [d[1] for d in dots] + [pop, Decimal(0)]
    ys = [d[2] for d in dots] + [avg, Decimal(0)]
    x_hi, y_lo, y_hi = max(xs) or Decimal(1), min(ys), max(ys)
    y_span = (y_hi - y_lo) or Decimal(1)

    def x(v: Decimal) -> int:
        return left + int((v / x_hi) * (right - left))

    def y(v: Decimal) -> int:
        return bottom - int(((v - y_lo) / y_span) * (bottom - top))

    colour = {"star": COLOURS["margin"], "plowhorse": COLOURS["revenue"], "puzzle": COLOURS["cash"],
              "dog": COLOURS["expense"]}
    out = [_svg_open(width, height, "Menu engineering matrix"),
           f'<text x="{left}" y="20">Menu engineering: menu mix % (across) and margin per dish (up)</text>',
           f'<line class="zero" x1="{x(pop)}" y1="{top}" x2="{x(pop)}" y2="{bottom}"/>',
           f'<line class="zero" x1="{left}" y1="{y(avg)}" x2="{right}" y2="{y(avg)}"/>',
           f'<text x="{right}" y="{top + 12}" text-anchor="end">Stars</text>',
           f'<text x="{left + 4}" y="{top + 12}">Puzzles</text>',
           f'<text x="{right}" y="{bottom - 4}" text-anchor="end">Plowhorses</text>',
           f'<text x="{left + 4}" y="{bottom - 4}">Dogs</text>',
           f'<text x="{x(pop) + 4}" y="{bottom + 16}">popularity {_e(money_text(pop))}%</text>',
           f'<text x="{left - 6}" y="{y(avg) - 4}" text-anchor="end">{_e(money_text(avg))}</text>']
    for item, mix, margin, cls in dots:
        out.append(f'<circle cx="{x(mix)}" cy="{y(margin)}" r="5" fill="{colour.get(cls, "#5a6472")}">'
                   f'<title>{_e(f"{item}: {mix}% of dishes, margin {money_text(margin)}, {cls}")}</title></circle>')
        out.append(f'<text x="{x(mix) + 8}" y="{y(margin) + 4}">{_e(item[:24])}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _period_series(table: Table) -> dict[str, Any] | None:
    """Revenue, expense and margin per column of an income statement with period columns."""
    cols = table.meta.get("columns")
    if table.name != "income-statement" or not isinstance(cols, list) or len(cols) < 2:
        return None
    return {"months": [c["column"] for c in cols], "currency": table.meta.get("currency", ""),
            "revenue": [c["income"] for c in cols], "expense": [c["expenses"] for c in cols],
            "margin": [c["result"] for c in cols]}

def chart_for(table: Table) -> str:
    """The picture a report's reader wants, as inline SVG; empty when the report has none."""
    cur = str(table.meta.get("currency", ""))
    dec = _decimals_of(table)
    keys = [c.key for c in table.columns]
    if (series := _period_series(table)) is not None:
        return flows_svg(series, dec)
    lang = str(table.meta.get("language", "en"))
    if table.name == "sales" and table.rows:
        i, j = keys.index("net"), keys.index("name")
        by = str(table.meta.get("by"))
        label = text(f"chart.sales_by_{by}" if f"chart.sales_by_{by}" in CATALOGUE else "chart.sales", lang)
        return bars_svg(text("chart.net_sales", lang, label=label), [(r[j] or r[0], r[i]) for r in table.rows[:15]],
                        cur, dec)
    if table.name.startswith("aging") and table.totals is not None:
        buckets = [(c.title, table.totals[k]) for k, c in enumerate(table.columns)
                   if c.kind == "money" and c.key not in ("total", "open") and isinstance(table.totals[k], Decimal)]
        if buckets:
            return bars_svg(text("chart.open_items", lang), buckets, cur, dec)
    if table.name == "stock" and table.rows:
        i_loc, i_val = keys.index("location"), keys.index("closing_value")
        per: dict[str, Decimal] = {}
        for r in table.rows:
            per[r[i_loc]] = per.get(r[i_loc], Decimal(0)) + r[i_val]
        return bars_svg(text("chart.stock_by_location", lang), sorted(per.items()), cur, dec)
    if table.name == "menu" and table.rows:
        return matrix_svg(table)
    if table.name == "cash-flow":
        m = table.meta
        parts = [(text("chart.operating", lang), m.get("operating")),
                 (text("chart.investing", lang), m.get("investing")),
                 (text("chart.financing", lang), m.get("financing")),
                 (text("row.net_change", lang), m.get("net_change"))]
        return bars_svg(text("chart.cash_flow", lang), [(k, v) for k, v in parts if isinstance(v, Decimal)],
                        cur, dec)
    return ""

def _decimals_of(table: Table) -> int:
    """Decimals of the report's money (from its first Decimal amount; 2 when there is none)."""
    for row in table.rows:
        for v in row:
            if isinstance(v, Decimal):
                return max(0, -int(v.as_tuple().exponent))
    return 2

def _meta_note(table: Table) -> str:
    if "balanced" not in table.meta:
        return ""
    ok = bool(table.meta["balanced"])
    diff = table.meta.get("difference")
    extra = "" if ok or diff is None else f", off by {money_text(diff)}"
    lang = table.meta.get("language", "en")
    word = text("yes" if ok else "no", lang)
    return (f'<p class="note">{_e(text("tb.balanced", lang))}: <span class="flag {"yes" if ok else "no"}">{_e(word)}'
            f"</span>{_e(extra)}</p>")

# -- charts ------------------------------------------------------------------------------------

def _minor(value: Decimal, dec: int) -> int:
    return int(value.scaleb(dec))

def _nice_step(span: int) -> int:
    """A step of 1, 2 or 5 times a power of ten giving about five intervals over `span` (minor units)."""
    raw = max(1, -(-span // 5))
    power = 1
    while True:
        for m in (1, 2, 5):
            if m * power >= raw:
                return m * power
        power *= 10

def _compact(minor: int, dec: int) -> str:
    """An axis label: 2500000.00 -> '2.5M', 750000 -> '750k'."""
    value = Decimal(minor).scaleb(-dec)
    for scale, suffix in ((9, "G"), (6, "M"), (3, "k")):
        if abs(value) >= Decimal(10) ** scale:
            return f"{value.scaleb(-scale).normalize():f}{suffix}"
    return f"{value.normalize():f}"

class _Axis:
    """Maps minor units to y pixels with integers only: same input, same coordinates."""

    def __init__(self, values: Sequence[int], top: int, height: int) -> None:
        lo, hi = min(0, *values), max(0, *values)
        if lo == hi:
            hi = lo + 100
        self.step = _nice_step(hi - lo)
        self.lo = (lo // self.step) * self.step      # floor and ceiling to whole steps
        self.hi = -(-hi // self.step) * self.step
        self.top, self.height = top, height

    def y(self, v: int) -> int:
        return self.top + (self.hi - v) * self.height // (self.hi - self.lo)

    def ticks(self) -> list[int]:
        return list(range(self.lo, self.hi + 1, self.step))

def _svg_open(width: int, height: int, label: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{_e(label)}">')

def _grid(axis: _Axis, left: int, right: int, dec: int) -> list[str]:
    out = []
    for t in axis.ticks():
        y = axis.y(t)
        out.append(f'<line class="{"zero" if t == 0 else "grid"}" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{_e(_compact(t, dec))}</text>')
    return out

def _legend(items: Sequence[tuple[str, str, str]], x: int, y: int) -> list[str]:
    out = []
    for label, colour, shape in items:
        if shape == "line":
            out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 16}" y2="{y - 4}" stroke="{colour}" stroke-width="2.5"/>')
        else:
            out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{y}">{_e(label)}</text>')
        x += 28 + 7 * len(label)
    return out

def _month_label(month: str, lang: str = "en") -> str:
    """'2025-03' -> the month's short name; any other column label (2025Q1, 2025) as it is."""
    if len(month) == 7 and month[4] == "-" and month[5:].isdigit():
        return MONTHS_SHORT[lang][int(month[5:7]) - 1]
    return month

def _polyline(points: Sequence[tuple[int, int]], colour: str) -> str:
    pts = " ".join(f"{x},{y}" for x, y in points)
    return f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'

def flows_svg(series: Mapping[str, Any], dec: int = 2, lang: str = "en") -> str:
    """Monthly revenue and expense as bars, the margin as a line with points."""
    width, height, left, right, top, bottom = 960, 300, 70, 940, 34, 260
    months = list(series["months"])
    cur = series.get("currency", "")
    rev = [_minor(v, dec) for v in series["revenue"]]
    exp = [_minor(v, dec) for v in series["expense"]]
    mar = [_minor(v, dec) for v in series["margin"]]
    axis = _Axis(rev + exp + mar, top, bottom - top)
    slot = (right - left) // max(1, len(months))
    bar = max(2, slot * 3 // 10)
    out = [_svg_open(width, height, text("pack.flows_caption", lang, cur=cur)), *_grid(axis, left, right, dec)]
    said = {"revenue": text("chart.revenue", lang), "expense": text("chart.expenses", lang)}
    zero = axis.y(0)
    line: list[tuple[int, int]] = []
    for i, month in enumerate(months):
        x0 = left + i * slot + (slot - 2 * bar - 4) // 2
        for j, (key, vals) in enumerate((("revenue", rev), ("expense", exp))):
            y = axis.y(vals[i])
            label = f"{month} {said[key]} {money_text(series[key][i])} {cur}"
            out.append(f'<rect x="{x0 + j * (bar + 4)}" y="{min(y, zero)}" width="{bar}" height="{abs(zero - y)}" '
                       f'fill="{COLOURS[key]}"><title>{_e(label)}</title></rect>')
        cx = left + i * slot + slot // 2
        line.append((cx, axis.y(mar[i])))
        out.append(f'<text x="{cx}" y="{bottom + 18}" text-anchor="middle">{_e(_month_label(month, lang))}</text>')
    out.append(_polyline(line, COLOURS["margin"]))
    for i, (cx, cy) in enumerate(line):
        label = f"{months[i]} {text('chart.margin', lang)} {money_text(series['margin'][i])} {cur}"
        out.append(f'<circle cx="{cx}" cy="{cy}" r="3.5" fill="{COLOURS["margin"]}">'
                   f'<title>{_e(label)}</title></circle>')
    out += _legend(((text("chart.revenue", lang), COLOURS["revenue"], "box"),
                    (text("chart.expenses", lang), COLOURS["expense"], "box"),
                    (text("chart.margin", lang), COLOURS["margin"], "line")), left, 18)
    out.append(f'<text x="{right}" y="18" text-anchor="end">{_e(cur)}</text>')
    out.append("</svg>")
    return "\n".join(out)

def cash_svg(series: Mapping[str, Any], dec: int = 2, lang: str = "en") -> str:
    """Cash and bank balance at each month's end as a line."""
    width, height, left, right, top, bottom = 960, 240, 70, 940, 34, 200
    months = list(series["months"])
    cur = series.get("currency", "")
    cash = [_minor(v, dec) for v in series["cash"]]
    axis = _Axis(cash, top, bottom - top)
    slot = (right - left) // max(1, len(months))
    out = [_svg_open(width, height, text("pack.cash_caption", lang, cur=cur)), *_grid(axis, left, right, dec)]
    points = [(left + i * slot + slot // 2, axis.y(v)) for i, v in enumerate(cash)]
    if points:
        zero = axis.y(0)
        area = " ".join(f"{x},{y}" for x, y in [(points[0][0], zero), *points, (points[-1][0], zero)])
        out.append(f'<polygon points="{area}" fill="{COLOURS["cash"]}" fill-opacity="0.12" stroke="none"/>')
        out.append(_polyline(points, COLOURS["cash"]))
    for i, (cx, cy) in enumerate(points):
        label = f"{months[i]} {text('chart.cash', lang)} {money_text(series['cash'][i])} {cur}"
        out.append(f'<circle cx="{cx}" cy="{cy}" r="3.5" fill="{COLOURS["cash"]}"><title>{_e(label)}</title></circle>')
        out.append(f'<text x="{cx}" y="{bottom + 18}" text-anchor="middle">{_e(_month_label(months[i], lang))}</text>')
    out += _legend(((text("chart.cash", lang), COLOURS["cash"], "line"),), left, 18)
    out.append(f'<text x="{right}" y="18" text-anchor="end">{_e(cur)}</text>')
    out.append("</svg>")
    return "\n".join(out)

# -- the close pack ----------------------------------------------------------------------------
