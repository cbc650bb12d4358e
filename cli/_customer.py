"""The customer page on a terminal: rich panels over `core.crm.customer.CustomerPage`.

Panels, top to bottom: the party (ids and labelled fields), balance and credit (a bar of the
balance against the limit, the aging buckets), open items, net sales of the last 12 months (one
bar per month), deals and activities (newest first) and campaigns. It computes nothing: every
figure comes from the page model; labels from the language catalogue. Wide enough for 80 columns;
narrower, no id or amount is cut: headings fold, the aging buckets go one under the other, and the
open items leave out their dates before anything is cut.
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from cli._layout import NAME_MIN
from cli._render import _money_text, console
from core.crm.customer import CustomerPage
from core.model.i18n import day_text, known, text

BAR = 30       # characters of the credit bar and of the longest sales bar


def _label(prefix: str, value: str, lang: str) -> str:
    return text(f"{prefix}.{value}", lang) if known(f"{prefix}.{value}") else value


def _grid(*widths: int | None) -> RichTable:
    """Columns as wide as their content (labels, ids and amounts are never cut), the last one
    taking what is left and cutting its text with an ellipsis."""
    g = RichTable.grid(padding=(0, 2))
    for n, w in enumerate(widths):
        g.add_column(no_wrap=True, overflow="ellipsis", min_width=w, ratio=1 if n == len(widths) - 1 else None)
    return g


def _width(*cells: str) -> int:
    return max((len(c) for c in cells), default=0)


def credit_bar(page: CustomerPage) -> str:
    """`█` for the balance, `░` for the rest of the limit; over the limit the bar is full and says so."""
    if not page.credit_limit:
        return ""
    used = max(0, min(BAR, int(page.balance * BAR / page.credit_limit))) if page.balance > 0 else 0
    return "█" * used + "░" * (BAR - used)


def month_bars(page: CustomerPage) -> list[tuple[str, str, str]]:
    """(month, bar, amount) with the largest month BAR characters long."""
    top = max((v for _, v in page.months), default=Decimal(0))
    out = []
    for month, v in page.months:
        n = int(v * BAR / top) if top > 0 and v > 0 else 0
        out.append((month, "▇" * n if n else ("▏" if v > 0 else ""), _money_text(v)))
    return out


def aging_table(page: CustomerPage, width: int) -> RichTable:
    """The aging buckets side by side, or one under the other when side by side would cut an
    amount or a bucket's name (a panel narrower than they are)."""
    lang = page.lang
    names = [_label("cust.bucket", k, lang) for k, _ in page.buckets]
    amounts = [_money_text(v) for _, v in page.buckets]
    title = text("cust.aging", lang)
    if sum(max(len(n), len(a)) + 2 for n, a in zip(names, amounts)) <= width - 4:
        table = RichTable(box=None, padding=(0, 1), title=title, title_justify="left")
        for name in names:
            table.add_column(name, justify="right", no_wrap=True)
        table.add_row(*amounts)
        return table
    table = RichTable(box=None, padding=(0, 1), title=title, title_justify="left", show_header=False)
    table.add_column(no_wrap=True, overflow="ellipsis")
    table.add_column(justify="right", no_wrap=True, min_width=_width(*amounts))
    for name, amount in zip(names, amounts):
        table.add_row(name, amount)
    return table


def open_items(page: CustomerPage, width: int) -> RichTable:
    """The open items as a table that fits a panel `width` columns wide: ids, days and amounts are
    never cut (a heading folds onto a second line instead); where even that is too wide, the
    invoice date goes first, then the due date, then the days past due, so the document and what
    it owes are always there whole."""
    lang, cur = page.lang, page.currency
    cols = [("doc", text("cust.col.doc", lang), [i.doc for i in page.items], text("total", lang), "left"),
            ("date", text("cust.col.date", lang), [str(i.day) for i in page.items], "", "left"),
            ("due", text("cust.col.due", lang), [str(i.due) for i in page.items], "", "left"),
            ("late", text("cust.col.late", lang), [str(i.days_late) for i in page.items], "", "right"),
            ("amount", text("cust.col.amount", lang, cur=cur), [_money_text(i.amount) for i in page.items],
             _money_text(page.balance), "right")]
    room = width - 4                      # the panel's border and padding
    need = {key: max(_width(*cells, foot), len(head)) for key, head, cells, foot, _ in cols}
    if sum(w + 2 for w in need.values()) > room:         # headings fold before a column goes
        need = {key: max(_width(*cells, foot), min(len(head), 8)) for key, head, cells, foot, _ in cols}
    shown = [c[0] for c in cols]
    for drop in ("date", "due", "late"):
        if sum(need[k] + 2 for k in shown) <= room:
            break
        shown.remove(drop)
    table = RichTable(box=None, padding=(0, 1), show_footer=True)
    for key, head, _cells, foot, justify in cols:
        if key in shown:
            table.add_column(Text(head, no_wrap=False, overflow="fold"), footer=foot, justify=justify,  # type: ignore
                             no_wrap=True, width=need[key])
    for row in zip(*(cells for key, _h, cells, _f, _j in cols if key in shown)):
        table.add_row(*row)
    return table


def panels(page: CustomerPage, width: int = 80) -> list[Panel]:
    """The page's panels for a console `width` columns wide."""
    lang, cur = page.lang, page.currency

    def t(key: str, **kw: object) -> str:
        return text(key, lang, **kw)

    labels = [t(f"cust.field.{k}") if known(f"cust.field.{k}") else k for k, _ in page.fields]
    party = _grid(_width(*labels, *(p.id for p in page.ids)), None)
    for p in page.ids:
        side = t(f"cust.side.{p.side}") if known(f"cust.side.{p.side}") else p.side
        what = f"{side} {_label('cust.role', p.role, lang)}"
        if p.merged_into:
            what += f" · {t('cust.merged_into', id=p.merged_into)}"
        party.add_row(Text(p.id, style="bold"), Text(what))
    for key, value in page.fields:
        label = t(f"cust.field.{key}") if known(f"cust.field.{key}") else key
        if key == "kind":
            value = _label("cust.role", value, lang)
        elif key == "credit_limit":
            value = f"{_money_text(Decimal(value))} {cur}"
        party.add_row(Text(label, style="dim"), Text(value))

    credit = _grid(_width(t("cust.balance"), t("cust.limit"), t("cust.days_past_due"), t("cust.sales_12m")), None)
    over = f"  {t('cust.over')}" if page.over_limit else ""
    credit.add_row(t("cust.balance"), Text(f"{_money_text(page.balance)} {cur}{over}"))
    if page.credit_limit is not None:
        credit.add_row(t("cust.limit"), f"{_money_text(page.credit_limit)} {cur}")
        credit.add_row("", Text(credit_bar(page), style="red" if page.over_limit else "blue"))
        credit.add_row("", Text(t("cust.used", pct=page.used_pct)))
    else:
        credit.add_row(t("cust.limit"), t("cust.no_limit"))
    credit.add_row(t("cust.days_past_due"), str(page.days_past_due))
    credit.add_row(t("cust.sales_12m"), f"{_money_text(page.sales_12m)} {cur}")
    aging = aging_table(page, width)

    if page.items:
        open_body: object = open_items(page, width)
    else:
        open_body = Text(t("cust.no_open_items"))

    sales = RichTable.grid(padding=(0, 2))
    sales.add_column(no_wrap=True)
    sales.add_column(no_wrap=True, width=BAR)
    sales.add_column(no_wrap=True, justify="right")
    for month, bar, amount in month_bars(page):
        sales.add_row(month, Text(bar, style="blue"), amount)

    if page.timeline:
        kinds = [_label("cust.kind", e.kind, lang) for e in page.timeline]
        amounts = [_money_text(e.amount) if e.amount is not None else "" for e in page.timeline]
        ids = [e.id for e in page.timeline]
        kw, iw, aw = _width(*kinds), _width(*ids), _width(*amounts)
        # lines typed out rather than a rich table, so that only the subject is ever cut: the panel's
        # border and padding take 4 columns, the gaps between the five parts 8
        rest = max(NAME_MIN, width - 4 - 8 - 10 - kw - iw - aw)
        lines = []
        for e, kind, amount in zip(page.timeline, kinds, amounts):
            title = f"{e.title} · {e.status}" if e.status else e.title
            if len(title) > rest:
                title = title[:rest - 1] + "…"
            lines.append(f"{e.day}  {kind:<{kw}}  {e.id:<{iw}}  {title:<{rest}}  {amount:>{aw}}".rstrip())
        timeline = Text("\n".join(lines))
        time_body: object = timeline
    else:
        time_body = Text(t("cust.no_timeline"))

    if page.campaigns:
        camps = _grid(_width(*(c[0] for c in page.campaigns)), 10, _width(*(c[2] for c in page.campaigns)), None)
        for c in page.campaigns:
            camps.add_row(c[0], str(c[3]), c[2], Text(c[1]))
        camp_body: object = camps
    else:
        camp_body = Text(t("cust.no_campaigns"))

    return [
        Panel(party, title=t("cust.party"), title_align="left"),
        Panel(Group(credit, Text(""), aging), title=t("cust.credit"), title_align="left"),
        Panel(open_body, title=t("cust.open_items"), title_align="left"),  # type: ignore[arg-type]
        Panel(sales, title=t("cust.sales", cur=cur), title_align="left"),
        Panel(time_body, title=t("cust.timeline"), title_align="left"),  # type: ignore[arg-type]
        Panel(camp_body, title=t("cust.campaigns"), title_align="left"),  # type: ignore[arg-type]
    ]


def print_page(page: CustomerPage) -> None:
    """The page on stdout, as wide as the terminal (80 columns is enough for every panel)."""
    con = console()
    con.print(Text(text("cust.title", page.lang, name=page.name), style="bold"))
    con.print(Text(text("cust.sub", page.lang, company=page.company, day=day_text(page.as_of, page.lang)),
                   style="dim"))
    for p in panels(page, con.width):
        con.print(p)
