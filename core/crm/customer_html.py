"""The customer page as one self-contained HTML page, printable on A4.

It renders a `core.crm.customer.CustomerPage` and computes nothing: the party with its labelled
fields and ids, the balance against the credit limit as a bar, the aging buckets, the open items,
net sales of the last 12 months as a bar chart, deals and activities as a timeline, campaigns. As
the close pack (core/reports/html.py): CSS inline, charts as inline SVG drawn with integer
arithmetic on minor units, no script, nothing fetched (the same Content-Security-Policy), every
text escaped, the same books give the same bytes. The page is at most 794 CSS pixels wide (A4
at 96 dpi) so that nothing is cut when it is printed.
"""

from __future__ import annotations

from decimal import Decimal

from core.crm.customer import CustomerPage
from core.model.i18n import day_text, known, text
from core.reports.html import COLOURS, _Axis, _e, _grid, _head, _minor, _month_label, _svg_open, money_text

PAGE_CSS = """<style>
body.customer { max-width: 794px; padding: 20px 24px 32px; }
body.customer h2 { margin-top: 22px; }
.ids { margin: 6px 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px; }
.ids li { border: 1px solid var(--rule); border-radius: 10px; padding: 1px 9px; font-size: 12.5px; }
.ids li.merged { color: var(--muted); border-style: dashed; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 10px 0; }
.cards .kpi .value { font-size: 15px; }
.over { color: var(--bad); font-weight: 600; }
ol.timeline { list-style: none; margin: 6px 0; padding: 0 0 0 14px; border-left: 2px solid var(--rule); }
ol.timeline li { margin: 0 0 8px; position: relative; break-inside: avoid; }
ol.timeline li::before { content: ""; position: absolute; left: -20px; top: 6px; width: 10px; height: 10px;
                         border-radius: 5px; background: var(--muted); }
ol.timeline li.deal::before { background: #2b6cb0; }
ol.timeline .when { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 6px; }
ol.timeline .what { font-weight: 600; }
ol.timeline .amount { float: right; font-variant-numeric: tabular-nums; }
table.report td, table.report th { white-space: nowrap; }
table.report td.name { white-space: normal; overflow-wrap: anywhere; }
body.customer { overflow-wrap: anywhere; }   /* a long name wraps, never runs past the page */
body.customer code { white-space: nowrap; }  /* ids are never broken */
@media print { body.customer { max-width: none; } .cards { grid-template-columns: repeat(4, 1fr); } }
</style>"""


def _label(prefix: str, value: str, lang: str) -> str:
    """A catalogue label for a value the books spell (a role, a bucket, an activity kind), else the value."""
    return text(f"{prefix}.{value}", lang) if known(f"{prefix}.{value}") else value


def limit_svg(page: CustomerPage) -> str:
    """The balance against the credit limit: a track for the limit, the balance filled over it."""
    width, height, left, right = 720, 46, 4, 716
    lang, dec = page.lang, 2
    bal = max(0, _minor(page.balance, dec))
    lim = _minor(page.credit_limit, dec) if page.credit_limit else 0
    full = max(bal, lim, 1)
    x = left + bal * (right - left) // full
    label = text("cust.used", lang, pct=page.used_pct) if page.used_pct is not None else text("cust.no_limit", lang)
    out = [_svg_open(width, height, label),
           f'<rect x="{left}" y="8" width="{right - left}" height="18" rx="4" fill="#edf0f3"/>',
           f'<rect x="{left}" y="8" width="{max(1, x - left)}" height="18" rx="4" '
           f'fill="{"#b42318" if page.over_limit else COLOURS["revenue"]}"><title>{_e(money_text(page.balance))}'
           f"</title></rect>"]
    if lim:
        lx = left + lim * (right - left) // full
        out.append(f'<line x1="{lx}" y1="3" x2="{lx}" y2="31" stroke="#1a202c" stroke-width="2"/>')
    out.append(f'<text x="{left}" y="42">{_e(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def sales_svg(page: CustomerPage) -> str:
    """Net sales of each of the last 12 months as bars."""
    width, height, left, right, top, bottom = 720, 200, 60, 712, 14, 170
    dec = 2
    values = [_minor(v, dec) for _, v in page.months]
    axis = _Axis(values, top, bottom - top)
    slot = (right - left) // max(1, len(values))
    bar = max(2, slot * 6 // 10)
    out = [_svg_open(width, height, text("cust.sales", page.lang, cur=page.currency)),
           *_grid(axis, left, right, dec)]
    zero = axis.y(0)
    for i, ((month, amount), v) in enumerate(zip(page.months, values)):
        x = left + i * slot + (slot - bar) // 2
        y = axis.y(v)
        out.append(f'<rect x="{x}" y="{min(y, zero)}" width="{bar}" height="{abs(zero - y)}" '
                   f'fill="{COLOURS["revenue"]}"><title>{_e(f"{month} {money_text(amount)} {page.currency}")}'
                   f"</title></rect>")
        out.append(f'<text x="{left + i * slot + slot // 2}" y="{bottom + 18}" text-anchor="middle">'
                   f"{_e(_month_label(month, page.lang))}</text>")
    out.append("</svg>")
    return "\n".join(out)


def _num(value: Decimal | int | None) -> str:
    neg = isinstance(value, Decimal) and value < 0
    return f'<td class="num{" neg" if neg else ""}">{_e(money_text(value))}</td>'


def customer_page_html(page: CustomerPage) -> str:
    """The whole page (what `kebir report customer ID --format html` writes)."""
    lang, cur = page.lang, page.currency
    t = lambda key, **kw: _e(text(key, lang, **kw))      # noqa: E731 - a short alias in one function
    title = text("cust.title", lang, name=page.name)
    head = _head(title, lang)
    out = [*head[:-1], PAGE_CSS, head[-1], '<body class="customer">', '<header class="pack">',
           f"<h1>{_e(title)}</h1>",
           f'<p class="sub">{t("cust.sub", company=page.company, day=day_text(page.as_of, lang))}</p>',
           '<ul class="ids">']
    for p in page.ids:
        role = _label("cust.role", p.role, lang)
        merged = f" · {t('cust.merged_into', id=p.merged_into)}" if p.merged_into else ""
        out.append(f'<li class="{"merged" if p.merged_into else "live"}"><code>{_e(p.id)}</code> '
                   f"{_e(text('cust.side.' + p.side, lang) if known('cust.side.' + p.side) else p.side)} "
                   f"{_e(role)}{merged}</li>")
    out += ["</ul>", "</header>"]
    # the party
    out += [f'<section id="party"><h2>{t("cust.party")}</h2>', '<dl class="facts">']
    for key, value in page.fields:
        label = text(f"cust.field.{key}", lang) if known(f"cust.field.{key}") else key
        shown = _label("cust.role", value, lang) if key == "kind" else \
            f"{money_text(Decimal(value))} {cur}" if key == "credit_limit" else value
        out.append(f"<dt>{_e(label)}</dt><dd>{_e(shown)}</dd>")
    out += ["</dl>", "</section>"]
    # balance and credit
    over = f' <span class="over">{t("cust.over")}</span>' if page.over_limit else ""
    limit = money_text(page.credit_limit) if page.credit_limit is not None else text("cust.no_limit", lang)
    cards = [(t("cust.balance"), f"{_e(money_text(page.balance))} <small>{_e(cur)}</small>{over}"),
             (t("cust.limit"), _e(limit)),
             (t("cust.days_past_due"), _e(page.days_past_due)),
             (t("cust.sales_12m"), f"{_e(money_text(page.sales_12m))} <small>{_e(cur)}</small>")]
    out += [f'<section id="credit"><h2>{t("cust.credit")}</h2>', '<div class="cards">']
    out += [f'<div class="kpi"><div class="label">{label}</div><div class="value">{value}</div></div>'
            for label, value in cards]
    out += ["</div>", f'<figure class="chart">{limit_svg(page)}</figure>']
    # aging buckets
    out += [f"<h2>{t('cust.aging')}</h2>", '<table class="report" id="aging"><thead><tr>']
    out += [f'<th class="num">{_e(_label("cust.bucket", k, lang))}</th>' for k, _ in page.buckets]
    out += ["</tr></thead><tbody><tr>", *[_num(v) for _, v in page.buckets], "</tr></tbody></table>", "</section>"]
    # open items
    out.append(f'<section id="open-items"><h2>{t("cust.open_items")}</h2>')
    if page.items:
        out.append('<table class="report"><thead><tr>' + "".join(
            f"<th>{t(k)}</th>" for k in ("cust.col.doc", "cust.col.date", "cust.col.due"))
            + f'<th class="num">{t("cust.col.late")}</th><th>{t("cust.col.bucket")}</th>'
            + f'<th class="num">{t("cust.col.amount", cur=cur)}</th></tr></thead><tbody>')
        for i in page.items:
            out.append(f"<tr><td><code>{_e(i.doc)}</code></td><td>{_e(i.day)}</td><td>{_e(i.due)}</td>"
                       f'<td class="num">{_e(i.days_late)}</td><td>{_e(_label("cust.bucket", i.bucket, lang))}</td>'
                       f"{_num(i.amount)}</tr>")
        out.append(f'</tbody><tfoot><tr><td colspan="5">{t("total")}</td>{_num(page.balance)}</tr></tfoot></table>')
    else:
        out.append(f'<p class="note">{t("cust.no_open_items")}</p>')
    out.append("</section>")
    # sales
    out += [f'<section id="sales"><h2>{t("cust.sales", cur=cur)}</h2>', f'<figure class="chart">{sales_svg(page)}'
            "</figure>", "</section>"]
    # timeline
    out.append(f'<section id="timeline"><h2>{t("cust.timeline")}</h2>')
    if page.timeline:
        out.append('<ol class="timeline">')
        for e in page.timeline:
            amount = f'<span class="amount">{_e(money_text(e.amount))} {_e(cur)}</span>' if e.amount is not None else ""
            status = f" · {_e(e.status)}" if e.status else ""
            kind = _e(_label("cust.kind", e.kind, lang))
            out.append(f'<li class="{"deal" if e.kind == "deal" else "activity"}">{amount}'
                       f'<span class="when">{_e(e.day)}</span><span class="what">{kind}'
                       f'</span> <code>{_e(e.id)}</code> <span class="title" title="{_e(e.title)}">{_e(e.title)}</span>'
                       f"{status}</li>")
        out.append("</ol>")
    else:
        out.append(f'<p class="note">{t("cust.no_timeline")}</p>')
    out.append("</section>")
    # campaigns
    out.append(f'<section id="campaigns"><h2>{t("cust.campaigns")}</h2>')
    if page.campaigns:
        out.append(f'<table class="report"><thead><tr><th>{t("cust.col.id")}</th><th>{t("cust.col.name")}</th>'
                   f'<th>{t("cust.col.kind")}</th><th>{t("cust.col.start")}</th></tr></thead><tbody>')
        out += [f'<tr><td><code>{_e(c[0])}</code></td><td class="name" title="{_e(c[1])}">{_e(c[1])}</td>'
                f"<td>{_e(c[2])}</td><td>{_e(c[3])}</td></tr>" for c in page.campaigns]
        out.append("</tbody></table>")
    else:
        out.append(f'<p class="note">{t("cust.no_campaigns")}</p>')
    out += ["</section>", f'<p class="note">{t("cust.footer", company=page.company)}</p>', "</body>", "</html>"]
    return "\n".join(out) + "\n"
