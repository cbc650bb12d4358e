"""Periods as people write them: 2025-03, 2025Q1, 2025, 2025-03-04; -b/-e with end exclusive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Span:
    """[begin, end) in days; None means open on that side."""

    begin: date | None = None
    end: date | None = None

    def label(self) -> str:
        if self.begin is None and self.end is None:
            return "all dates"
        return f"{self.begin or '...'} .. {self.end or '...'} (end exclusive)"


def _next_month(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1)


def parse_period(text: str) -> Span:
    """'2025' | '2025-03' | '2025Q1' | '2025-03-04' -> Span. Raises ValueError with a usable message."""
    t = text.strip()
    if m := re.fullmatch(r"(\d{4})", t):
        y = int(m[1])
        return Span(date(y, 1, 1), date(y + 1, 1, 1))
    if m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", t):
        y, q = int(m[1]), int(m[2])
        return Span(date(y, 3 * q - 2, 1), _next_month(y, 3 * q))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return Span(date(y, mo, 1), _next_month(y, mo))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        d = date.fromisoformat(t)
        return Span(d, date.fromordinal(d.toordinal() + 1))
    raise ValueError(f"cannot read period {text!r}: write 2025, 2025Q1, 2025-03 or 2025-03-04")


def span_from(period: str | None, begin: str | None, end: str | None) -> Span:
    """Combine -p with -b/-e (which narrow it). Raises ValueError on bad dates."""
    span = parse_period(period) if period else Span()
    try:
        b = date.fromisoformat(begin) if begin else span.begin
        e = date.fromisoformat(end) if end else span.end
    except ValueError:
        raise ValueError("dates for -b/-e are written YYYY-MM-DD") from None
    return Span(b, e)
