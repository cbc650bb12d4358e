"""Close checklist rows as people read them: the check's name in the books' language, numbers with
thousands separators, and every account named beside its code.

The close record keeps each check as close.py wrote it (`check` id, `result`, `detail` in plain
English with bare numbers: it is sealed and read by scripts). This module says it again for the
close pack and the terminal: the detail is matched against the shapes close.py writes and said with
the catalogue's words (core/model/i18n.py); a detail of another shape keeps its words, with its numbers
formatted and its account codes named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from core.model.i18n import CATALOGUE, day_text, text
from core.model.records import Book
from core.reports.speak import memo_text

_AMOUNT = r"-?\d+\.\d+"
_CODE = r"[^\s;=:]+"
_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), k) for p, k in (
    (r"^(?P<done>\d+) of (?P<total>\d+) documents posted$", "detail.posted"),
    (r"^not posted: (?P<ids>.+)$", "detail.not_posted"),
    (r"^(?P<n>[\d,]+) moves valued \((?P<methods>[^)]*)\)$", "detail.moves"),
    (rf"^(?P<account>{_CODE}) = (?P<control>{_AMOUNT}), subledger (?P<sub>{_AMOUNT})$", "detail.tie_out"),
    (rf"^inventory accounts (?P<books>{_AMOUNT}), stock ledger (?P<ledger>{_AMOUNT})$", "detail.inventory"),
    (r"^no stock$", "detail.no_stock"),
    (r"^no `(?P<role>[^`]+)` role$", "detail.no_role"),
    (r"^no statement balance in the period$", "detail.no_statement"),
    (r"^(?P<n>\d+) statement balance\(s\) agree$", "detail.statements_agree"),
    (rf"^(?P<account>{_CODE}) on (?P<day>\d{{4}}-\d{{2}}-\d{{2}}): books (?P<books>{_AMOUNT}), "
     rf"statement (?P<statement>{_AMOUNT})$", "detail.statement_off"),
    (r"^first period$", "detail.first_period"),
    (r"^(?P<period>\d{4}-\d{2}) closed$", "detail.prev_closed"),
    (r"^(?P<period>\d{4}-\d{2}) is not closed(?P<rest>.*)$", "detail.prev_open"),
    (rf"^cost (?P<cost>{_AMOUNT}), accumulated depreciation (?P<accumulated>{_AMOUNT}) agree$", "detail.assets_agree"),
    (rf"^(?P<code>{_CODE}) (?P<books>{_AMOUNT}), register (?P<register>{_AMOUNT})$", "detail.assets_off"),
    (r"^no fixed assets$", "detail.no_assets"),
    (rf"^KDV-1 payable (?P<want>{_AMOUNT}) (?P<sep>=|but) VAT offset (?P<account>{_CODE}) (?P<got>{_AMOUNT})$",
     "detail.vat_payable"),
    (rf"^KDV-1 carried forward (?P<want>{_AMOUNT}) (?P<sep>=|but) VAT offset (?P<account>{_CODE}) "
     rf"(?P<got>{_AMOUNT})$", "detail.vat_carried"),
    (r"^197/397 hold nothing at year end$", "detail.counts_clear"),
    (r"^still pending at year end: (?P<text>.+)$", "detail.counts_left"),
    (r"^set \[close\] count_differences in books.toml \(docs/close.md, Count differences\)$", "detail.counts_hint"),
    (r"^proposed: (?P<text>.+)$", "detail.proposed"),
    (r"^accepted: (?P<text>.+)$", "detail.accepted"),
    (r"^not posted \(--no-provisions\): (?P<text>.+)$", "detail.not_posted_provisions"),
    (r"^post them with --accept-provisions or close without them with --no-provisions$", "detail.provisions_hint"),
    (r"^(?P<period>\d{4}-\d{2}) has no documents, no sales and no bank lines$", "detail.empty"),
    (r"^(?P<period>\d{4}-\d{2}) had (?P<n>\d+) documents, (?P<sales>\d+) Z-report rows, (?P<bank>\d+) bank lines "
     r"\(--allow-empty\)$", "detail.empty_before"),
))
_GAP = re.compile(r" \(months before (?P<period>\d{4}-\d{2}) not closed: --allow-gap\)$")
_MEMO_AMOUNT = re.compile(rf"^(?P<memo>.+) (?P<amount>{_AMOUNT})$")
_BARE_AMOUNT = re.compile(r"(?<![\w.])-?\d+\.\d{2,4}(?![\w.])")


def amount_text(value: str) -> str:
    """'10517099.85' -> '10,517,099.85' (the scale kept as written)."""
    d = Decimal(value)
    places = max(0, -int(d.as_tuple().exponent))
    return f"{d:,.{places}f}"


def _account_text(book: Book, code: str) -> str:
    acc = book.accounts.get(code)
    return f"{code} {acc.name}" if acc is not None else code


def detail_text(book: Book, detail: str, lang: str = "en") -> str:
    """One checklist detail said for people (see the module docstring)."""
    detail = str(detail or "")
    gap = _GAP.search(detail)
    if gap is not None:
        detail = detail[:gap.start()]
    parts = []
    for part in detail.split("; "):
        parts.append(_part_text(book, part, lang))
    return "; ".join(parts) + (text("detail.gap", lang, period=gap["period"]) if gap is not None else "")


def _part_text(book: Book, part: str, lang: str) -> str:
    for rx, key in _DETAILS:
        m = rx.match(part)
        if m is None:
            continue
        fields: dict[str, Any] = dict(m.groupdict())
        rest = fields.pop("rest", "") or ""
        for name, value in fields.items():
            if name == "account":
                fields[name] = _account_text(book, value)
            elif name == "day":
                fields[name] = day_text(date.fromisoformat(value), lang)
            elif name == "methods":
                fields[name] = value.replace(" and ", text("detail.and", lang))
            elif name == "sep":
                fields[name] = value if value == "=" else text("detail.vat_but", lang)
            elif name == "text":          # a provision's memo and amount, the 197/397 balances left
                fields[name] = _part_text(book, value, lang)
            elif re.fullmatch(_AMOUNT, value):
                fields[name] = amount_text(value)
        return text(key, lang, **fields) + rest
    said = _MEMO_AMOUNT.match(part)          # `Severance provision 2025 12000.00`: a memo the close writes
    if said is not None and lang != "en" and memo_text(said["memo"], lang) != said["memo"]:
        return f"{memo_text(said['memo'], lang)} {amount_text(said['amount'])}"
    return _BARE_AMOUNT.sub(lambda m: amount_text(m.group(0)), part)


def check_text(check: str, lang: str = "en") -> str:
    """The check's name for people; an id the catalogue does not know stays as it is."""
    key = f"check.{check}"
    return text(key, lang) if key in CATALOGUE else check


def result_text(result: str, lang: str = "en") -> str:
    key = f"result.{str(result or '').strip().lower()}"
    return text(key, lang) if key in CATALOGUE else str(result or "")


def checklist_rows(book: Book, checklist: list[Mapping[str, Any]] | tuple, lang: str = "en") -> list[dict[str, str]]:
    """[{check (the id), name, result (the id), result_text, detail}] for display."""
    return [{"check": str(c.get("check") or ""), "name": check_text(str(c.get("check") or ""), lang),
             "result": str(c.get("result") or ""), "result_text": result_text(str(c.get("result") or ""), lang),
             "detail": detail_text(book, str(c.get("detail") or ""), lang)} for c in checklist]
