"""Reports said in the books' language, for people: the title, the column headings and the row
labels of a finished `Table`, from the catalogue (core.model.i18n).

The statements, the mizan and the close pack are built in their language. Every other report is
built with its machine words (the csv and json a script reads: column ids, KPI ids, English titles
and labels that stay the same in every language); `in_language` says it again in the language for
the renderers people read (text on a terminal, markdown, HTML). It changes words only, never a
number, a layout or the order of rows, and leaves a word the catalogue does not hold as it is.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache

from core.model.i18n import CATALOGUE, MONTHS, day_text, text
from core.reports import Table

# the columns whose cells may be a row label of the catalogue (`row.*`, exact or a pattern)
LABELS = ("section", "name", "line", "label", "description", "group", "bucket", "stage", "outcome")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_RANGE = re.compile(r"\b(\d{1,2})-(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b")


@lru_cache(maxsize=None)
def _words(prefix: str) -> dict[str, str]:
    """en -> tr for the catalogue keys under `prefix` (the first key wins for a repeated word)."""
    out: dict[str, str] = {}
    for key, (en, tr) in CATALOGUE.items():
        if key.startswith(prefix):
            out.setdefault(en, tr)
    return out


@lru_cache(maxsize=None)
def _patterns(prefix: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for key, (en, tr) in CATALOGUE.items():
        if key.startswith(prefix) and "{" in en:
            parts = re.split(r"(\{[a-z_]+\})", en)
            rx = "".join(f"(?P<{p[1:-1]}>.+?)" if p.startswith("{") else re.escape(p) for p in parts)
            out.append((re.compile(rx + r"\Z"), tr))
    return tuple(out)


def say_dates(words: str, lang: str) -> str:
    """English period and date words in `lang`: `1-31 January 2025` -> `1 Ocak - 31 Ocak 2025`,
    `2025-01-31` -> `31 Ocak 2025`, `all dates` -> `tüm tarihler`."""
    if lang == "en":
        return words
    names = dict(zip(MONTHS["en"], MONTHS[lang]))
    words = _RANGE.sub(lambda m: f"{m[1]} {names.get(m[3], m[3])} - {m[2]} {names.get(m[3], m[3])} {m[4]}"
                       if m[3] in names else m[0], words)
    words = _ISO.sub(lambda m: _day(m, lang), words)
    words = re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: names[m[1]], words)
    return words.replace(text("all_dates", "en"), text("all_dates", lang))


def _day(m: re.Match[str], lang: str) -> str:
    try:
        return day_text(date(int(m[1]), int(m[2]), int(m[3])), lang)
    except ValueError:
        return m[0]


def say(words: str, lang: str, prefix: str) -> str:
    """One title or label in `lang`: an exact catalogue word, or a catalogue pattern with its
    fields kept (dates and periods said in the language, `by` words looked up)."""
    if lang == "en" or not words:
        return words
    exact = _words(prefix)
    if words in exact:
        return exact[words]
    for rx, tr in _patterns(prefix):
        m = rx.match(words)
        if m is not None:
            fields = {k: _field(k, v, lang) for k, v in m.groupdict().items()}
            return tr.format(**fields)
    return words


def _field(name: str, value: str, lang: str) -> str:
    if name == "by":
        return _words("by.").get(value, value)
    if name in ("title", "name", "ids", "accounts"):
        return value
    return say_dates(value, lang)


def stage_text(stage: str, lang: str) -> str:
    """A CRM deal stage (lead, qualified, proposal, negotiation, won, lost) in `lang`; any other word
    as it is. csv and json keep the stage ids."""
    key = f"stage.{stage}"
    return text(key, lang) if key in CATALOGUE else stage


# What each field of a `memo.*` pattern may hold: a memo is matched whole, its fields kept as written.
_MEMO_FIELDS = {"period": r"\d{4}(?:-\d{2})?", "year": r"\d{4}", "day": r"\d{4}-\d{2}-\d{2}", "cur": r"[A-Z]{3}",
                "rate": r"\d+(?:\.\d+)?", "amount": r"-?\d+(?:\.\d+)?", "q": r"\d", "n": r"\d+", "y": r"\d+",
                "m": r"\d+", "id": r"\S+", "text": r".+"}


@lru_cache(maxsize=None)
def _memo_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for key, (en, tr) in CATALOGUE.items():
        if key.startswith("memo."):
            parts = re.split(r"(\{[a-z]+\})", en)
            rx = "".join(f"(?P<{p[1:-1]}>{_MEMO_FIELDS[p[1:-1]]})" if p.startswith("{") else re.escape(p)
                         for p in parts)
            out.append((re.compile(rx + r"\Z"), tr))
    return tuple(out)


def memo_text(memo: str | None, lang: str) -> str | None:
    """A memo the close writes (core/close: `Depreciation 2025-01`, `output VAT offset` ...) in `lang`,
    its ids, periods, dates and amounts kept as written; a memo of another shape (one a person typed)
    stays as it is. The close calls this once, when it writes the entry: the memo is data from then on."""
    if lang == "en" or not memo:
        return memo
    for rx, tr in _memo_patterns():
        m = rx.match(memo)
        if m is not None:
            return tr.format(**m.groupdict())
    return memo


def in_language(table: Table, lang: str) -> Table:
    """`table` with its title, column headings and row labels in `lang` (English: unchanged)."""
    if lang == "en":
        return table
    heads = _words("head.")
    columns = tuple(replace(c, title=heads.get(c.title, say_dates(c.title, lang))) for c in table.columns)
    keys = [c.key for c in table.columns]
    rows = table.rows
    if table.name == "kpi" and "kpi" in keys and "name" in keys:
        k, n = keys.index("kpi"), keys.index("name")
        rows = tuple(tuple(text(f"kpi.{r[k]}", lang) if i == n and f"kpi.{r[k]}" in CATALOGUE else v
                           for i, v in enumerate(r)) for r in rows)
    if table.name == "activities" and "kind" in keys:     # call, meeting ...: the customer page's words
        k = keys.index("kind")
        rows = tuple(tuple(text(f"cust.kind.{v}", lang) if i == k and f"cust.kind.{v}" in CATALOGUE else v
                           for i, v in enumerate(r)) for r in rows)
    if table.name == "activities" and "outcome" in keys:  # positive, no-answer ...: as the customer page says them
        k = keys.index("outcome")
        rows = tuple(tuple(text(f"outcome.{v}", lang) if i == k and f"outcome.{v}" in CATALOGUE else v
                           for i, v in enumerate(r)) for r in rows)
    if table.name == "vat-return" and "account" in keys:    # the tie-out row says whether the month is closed
        k = keys.index("account")
        said = {"closed": text("vat.closed", lang), "not closed": text("vat.not_closed", lang)}
        rows = tuple(tuple(said.get(v, v) if i == k and isinstance(v, str) else v for i, v in enumerate(r))
                     for r in rows)
    if table.name == "customer" and "status" in keys:    # a deal's stage (lead, won ...) beside its row
        k = keys.index("status")
        rows = tuple(tuple(stage_text(v, lang) if i == k and isinstance(v, str) else v for i, v in enumerate(r))
                     for r in rows)
    if table.name == "sales-daypart" and "daypart" in keys:     # lunch, dinner ...: the till's parts of the day
        k = keys.index("daypart")
        rows = tuple(tuple(text(f"daypart.{v}", lang) if i == k and f"daypart.{v}" in CATALOGUE else v
                           for i, v in enumerate(r)) for r in rows)
    labels = [i for i, key in enumerate(keys) if key in LABELS]
    if labels:
        rows = tuple(tuple(say(v, lang, "row.") if i in labels and isinstance(v, str) else v
                           for i, v in enumerate(r)) for r in rows)
    totals = table.totals
    if totals is not None:
        totals = tuple(_words("head.").get(v) or say(v, lang, "row.") if isinstance(v, str) else v for v in totals)
    return replace(table, title=say(table.title, lang, "report."), columns=columns, rows=rows, totals=totals,
                   meta={**table.meta, "language": lang})
