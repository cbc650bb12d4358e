"""The close pack: one self-contained HTML page per closed period, what an accountant prints or
archives: the month's charts, income statement, balance sheet, trial balance, the close checklist,
the entries the close generated, and the seal. Built from the pieces in core/reports/html.py
(tables, SVG charts, escaping), with the same rules: nothing fetched, every text escaped, the same
books give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core.model.i18n import CATALOGUE, text
from core.model.records import Book
from core.ledger.period import Span, parse_period
from core.reports.statements import build_balance_sheet, build_income_statement, fiscal_year_begin, monthly_series
from core.reports.checklist import checklist_rows, result_text
from core.reports.trial_balance import build_trial_balance
from core.reports.html import _as_decimal, _e, _head, _num_cell, cash_svg, flows_svg, money_text, table_html
from core.model.i18n import day_text, language, period_text
from core.reports.filed import build_balance_sheet_filed, build_income_statement_filed, layout_of
from core.reports.vat_return import build_vat_return
from core.reports.babs import build_babs
from core.reports.speak import in_language


def _flag(result: Any, shown: str | None = None) -> str:
    word = str(result or "").strip().lower()
    cls = "".join(ch for ch in word if ch.isalnum() or ch == "-") or "none"
    return f'<span class="flag {cls}">{_e(shown or word or "-")}</span>'


def _checklist_html(book: Book, checklist: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """The checklist as people read it (core/reports/checklist.py): the check's name with its id
    beneath, the result, and the detail with formatted numbers and named accounts."""
    out = ['<table class="report" id="checklist">',
           f"<thead><tr><th>{_e(text('col.check', lang))}</th><th>{_e(text('col.result', lang))}</th>"
           f"<th>{_e(text('col.detail', lang))}</th></tr></thead><tbody>"]
    for row in checklist_rows(book, list(checklist), lang):
        out.append(f"<tr><td>{_e(row['name'])}<br><code>{_e(row['check'])}</code></td>"
                   f"<td>{_flag(row['result'], row['result_text'])}</td><td>{_e(row['detail'])}</td></tr>")
    out.append("</tbody></table>")
    out.append(f'<p class="note">{_e(_tally(checklist, lang))}.</p>')
    return "\n".join(out) + "\n"


def _results(checklist: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in checklist:
        word = str(item.get("result") or "").strip().lower() or "none"
        counts[word] = counts.get(word, 0) + 1
    return counts


def _tally(checklist: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """'6 pass, 1 skip' (results in the order pass, fail, then the rest alphabetically)."""
    counts = _results(checklist)
    order = sorted(counts, key=lambda w: ({"pass": 0, "fail": 1}.get(w, 2), w))
    return ", ".join(f"{counts[w]} {result_text(w, lang)}" for w in order)


def _entries_html(book: Book, entries: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    heads = "".join(f"<th>{_e(text(k, lang))}</th>" for k in ("col.account", "col.name", "col.memo"))
    out = ['<table class="report" id="generated">',
           (f'<thead><tr>{heads}<th class="num">{_e(text("col.debit", lang))}</th>'
            f'<th class="num">{_e(text("col.credit", lang))}</th></tr></thead>')]
    for entry in entries:
        head = " · ".join(_e(v) for v in (entry.get("id"), entry.get("date"), entry.get("memo")) if v not in (None, ""))
        out.append(f'<tbody><tr class="entry"><th colspan="5">{head}</th></tr>')
        dr_total, cr_total = Decimal(0), Decimal(0)
        for p in entry.get("postings") or ():
            acc = str(p.get("account") or "")
            name = book.accounts[acc].name if acc in book.accounts else ""
            dr, cr = _as_decimal(p.get("debit")), _as_decimal(p.get("credit"))
            dr_total += dr or 0
            cr_total += cr or 0
            out.append(f'<tr><td>{_e(acc)}</td><td>{_e(name)}</td><td>{_e(p.get("memo"))}</td>'
                       f'{_num_cell(dr if dr is not None else p.get("debit"))}'
                       f'{_num_cell(cr if cr is not None else p.get("credit"))}</tr>')
        out.append(f'<tr class="total"><td></td><td>{_e(text("total", lang))}</td><td></td>'
                   f'{_num_cell(dr_total)}{_num_cell(cr_total)}'
                   "</tr></tbody>")
    out.append("</table>")
    return "\n".join(out) + "\n"


def entries_from_book(book: Book, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The entries with these ids as close_pack_html takes them, amounts in the base currency.

    Ids not in the books (a close record whose generated file was removed) are left out.
    """
    known = set(book.entries["id"].to_list())      # generated entries are journal records
    out: list[dict[str, Any]] = []
    for entry_id in ids:
        if entry_id not in known:
            continue
        e = book.entry(entry_id)
        postings = [{"account": p.account, "memo": p.memo,
                     "debit": p.base if p.base > 0 else None, "credit": -p.base if p.base < 0 else None}
                    for p in e.postings]
        out.append({"id": e.id, "date": str(e.date), "memo": e.memo, "postings": postings})
    return out


def _facts(pairs: Sequence[tuple[str, str]]) -> str:
    return '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


def _kpi(label: str, value: str) -> str:
    return f'<div class="kpi"><div class="label">{_e(label)}</div><div class="value">{value}</div></div>'


def series_through(series: Mapping[str, Any], end: date) -> dict[str, Any]:
    """The monthly series cut to the months that begin before `end` (exclusive): a period's pack shows
    its fiscal year up to and including the period, never a later month's figures."""
    keep = sum(1 for m in series["months"] if date(int(m[:4]), int(m[5:7]), 1) < end)
    out = dict(series)
    for key in ("months", "revenue", "expense", "margin", "cash"):
        out[key] = list(series[key])[:keep]
    out["end"] = str(end)
    return out


def close_pack_html(book: Book, period: str, close_record: Mapping[str, Any] | None = None,
                    generated_entries: Sequence[Mapping[str, Any]] | None = None, *, lang: str | None = None) -> str:
    """One self-contained HTML page for a closed (or about to be closed) period.

    Args:
        period: as `-p` takes it: 2025-12, 2025Q4 or 2025.
        close_record: closes/YYYY-MM.yaml as a dict (its `checklist` is a list of
            {check, result, detail}); None for a draft pack.
        generated_entries: the close's entries, dicts with id, date, memo and postings
            [{account, debit, credit}].
        lang: en or tr; None takes the books' [company] language (core/model/i18n.py).
    Raises:
        ValueError: a period that cannot be read.
    """

    lang = language(book.settings.language, lang)
    span = parse_period(period)
    assert span.begin is not None and span.end is not None
    as_of = span.end - timedelta(days=1)
    fy_begin = fiscal_year_begin(book, as_of)
    dec = book.settings.base_decimals
    cur = book.base

    filed = layout_of(book)
    if filed is None:
        income = build_income_statement(book, span)
        ytd = build_income_statement(book, Span(fy_begin, span.end)) if fy_begin != span.begin else None
        sheet = build_balance_sheet(book, as_of)
    else:
        income = build_income_statement_filed(book, span, depth=2, lang=lang)
        ytd = (build_income_statement_filed(book, Span(fy_begin, span.end), depth=2, lang=lang)
               if fy_begin != span.begin else None)
        sheet = build_balance_sheet_filed(book, as_of, depth=2, lang=lang)
    trial = build_trial_balance(book, Span(None, span.end), lang=lang)
    trial = replace(trial, totals=(text("total", lang), *trial.totals[1:]))   # the builder keeps the English id
    series = series_through(monthly_series(book, fy_begin.year), span.end)
    record = close_record or {}

    def amount(v: Decimal) -> str:
        return f'<span class="neg">{_e(money_text(v))}</span>' if v < 0 else _e(money_text(v))

    def t(key: str, **fields: Any) -> str:
        return text(key, lang, **fields)

    seal = record.get("seal")
    facts = [(t("pack.period"), f"{_e(span.label(lang))} <code>{_e(period)}</code>"),
             (t("pack.base_currency"), _e(cur))]
    if close_record is None:
        facts.append((t("pack.status"), f'<span class="flag warn">{_e(t("pack.draft"))}</span>'))
    else:
        for key, label in (("closed_by", "pack.closed_by"), ("closed_on", "pack.closed_on"), ("status", "pack.status")):
            if record.get(key) not in (None, ""):
                facts.append((t(label), _e(_said(key, record[key], lang))))
        if str(record.get("filed", "")).lower() == "true":
            facts.append((t("pack.filed"), _e(t("pack.filed_yes"))))
        totals = record.get("totals")
        if isinstance(totals, Mapping):
            words = {"debit": t("col.debit"), "credit": t("col.credit")}
            facts.append((t("pack.totals"), " · ".join(f"{_e(words.get(str(k), k))} {_e(_money_or_text(v))}"
                                                       for k, v in totals.items())))
        facts.append((t("pack.seal"), f'<span class="hash">{_e(seal) if seal else _e(t("pack.none"))}</span>'))
        if record.get("previous"):
            facts.append((t("pack.previous_seal"), f'<span class="hash">{_e(record["previous"])}</span>'))
        history = [h for h in record.get("history") or [] if isinstance(h, Mapping)]
        if history:
            facts.append((t("pack.history"), "<br>".join(
                _e(" ".join(_said(k, h[k], lang) for k in ("event", "on", "by", "reason") if h.get(k)))
                for h in history)))

    tb_ok, bs_ok = bool(trial.meta["balanced"]), bool(sheet.meta["balanced"])
    checklist = record.get("checklist") or []
    kpis = [_kpi(t("pack.revenue", cur=cur), amount(income.meta["income"])),
            _kpi(t("pack.expenses", cur=cur), amount(income.meta["expenses"])),
            _kpi(t("pack.result", cur=cur), amount(income.meta["result"])),
            _kpi(t("pack.cash", cur=cur), amount(sheet.meta["cash"])),
            _kpi(t("pack.trial_balance"), _flag("pass" if tb_ok else "fail", result_text("pass" if tb_ok else "fail",
                                                                                         lang))),
            _kpi(t("pack.balance_sheet"), _flag("pass" if bs_ok else "fail", result_text("pass" if bs_ok else "fail",
                                                                                         lang)))]
    if checklist:
        failed = _results(checklist).get("fail", 0)
        word = "fail" if failed else "pass"
        kpis.append(_kpi(t("pack.checklist"), _flag(word, result_text(word, lang))
                         + f' <small>{_e(_tally(checklist, lang))}</small>'))

    year = period_text(date.fromisoformat(series["begin"]), span.end, lang)
    whole_year = period_text(date.fromisoformat(series["begin"]), date.fromisoformat(series["end"]), lang)
    title = t("title.close_pack", period=span.label(lang), company=book.settings.name)
    parts = [
        *_head(title, lang),
        "<body>",
        '<header class="pack">',
        f"<h1>{_e(t('pack.heading', period=span.label(lang)))}</h1>",
        f'<p class="sub">{_e(book.settings.name)}</p>',
        _facts(facts),
        "</header>",
        f'<section id="summary"><h2>{_e(t("pack.summary"))}</h2>',
        f'<div class="kpis">{"".join(kpis)}</div>',
        "</section>",
        f'<section id="charts"><h2>{_e(t("pack.year_by_month", period=year))}</h2>',
        '<div class="charts">',
        f"<figure><figcaption>{_e(t('pack.flows_caption', cur=cur))}</figcaption>"
        f"{flows_svg(series, dec, lang)}</figure>",
        f"<figure><figcaption>{_e(t('pack.cash_caption', cur=cur))}</figcaption>{cash_svg(series, dec, lang)}</figure>",
        "</div>",
        f'<p class="note">{_e(t("pack.chart_note", period=whole_year))}</p>',
        "</section>",
    ]
    if checklist:
        parts += [f'<section id="close-checklist"><h2>{_e(t("pack.close_checklist"))}</h2>',
                  _checklist_html(book, checklist, lang), "</section>"]
    if generated_entries:
        parts += [f'<section id="generated-entries"><h2>{_e(t("pack.generated"))}</h2>',
                  _entries_html(book, generated_entries, lang), "</section>"]
    parts += [f'<section id="income-statement" class="pagebreak"><h2>{_e(t("pack.income_statement"))}</h2>',
              table_html(income)]
    if ytd is not None:
        parts.append(table_html(ytd))
    parts += ["</section>",
              f'<section id="balance-sheet" class="pagebreak"><h2>{_e(t("pack.balance_sheet"))}</h2>',
              table_html(sheet), "</section>",
              f'<section id="trial-balance" class="pagebreak"><h2>{_e(t("pack.trial_balance"))}</h2>',
              f'<p class="note">{_e(t("pack.tb_note", day=day_text(as_of, lang)))}</p>',
              table_html(trial), "</section>",
              *_statutory_sections(book, period, lang),
              (f'<footer><p class="note">{_e(t("pack.footer", company=book.settings.name))} '
               f'<span class="hash">{_e(seal) if seal else _e(t("pack.not_sealed"))}</span></p></footer>'),
              "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _said(field: str, value: Any, lang: str) -> str:
    """A close record's value for people: its state and history events in `lang`, its dates said as
    people say them; who closed and why as written."""
    word = str(value)
    if field in ("status", "event") and f"{'state' if field == 'status' else 'event'}.{word}" in CATALOGUE:
        return text(f"{'state' if field == 'status' else 'event'}.{word}", lang)
    if field in ("closed_on", "on"):
        try:
            return day_text(date.fromisoformat(word), lang)
        except ValueError:
            return word
    return word


def _statutory_sections(book: Book, period: str, lang: str = "en") -> list[str]:
    """Books that file in Türkiye ([statutory] tax_id): the month's VAT return and Ba-Bs forms."""
    if not book.settings.statutory.tax_id or len(period) != 7:
        return []

    out = []
    for anchor, table in (("vat-return", in_language(build_vat_return(book, period), lang)),
                          ("ba-bs", in_language(build_babs(book, period), lang))):
        out += [f'<section id="{anchor}" class="pagebreak"><h2>{_e(table.title)}</h2>', table_html(table), "</section>"]
    return out


def _money_or_text(value: Any) -> str:
    """A close record's total ('4812345.67') with thousands separators; anything else as written."""
    d = _as_decimal(value)
    return money_text(d) if d is not None else str(value)
