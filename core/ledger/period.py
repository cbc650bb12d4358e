"""Periods as people write them: 2025-03, 2025Q1, 2025, 2025-03-04, `this month`, `last quarter`;
-b/-e with end exclusive; a span split into month, quarter or year columns; the span to compare with.

Relative periods count from today, or from $KEBIR_TODAY (YYYY-MM-DD) so scripts and tests are
repeatable.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.model.i18n import period_text


@dataclass(frozen=True, slots=True)
class Span:
    """[begin, end) in days; None means open on that side."""

    begin: date | None = None
    end: date | None = None

    def label(self, lang: str = "en") -> str:
        """The span as people say it, naming its last day: 1-31 January 2025, 1 Ocak - 31 Ocak 2025."""
        return period_text(self.begin, self.end, lang)


def short_label(span: Span) -> str:
    """2025-03, 2025Q1, 2025 or 2025-03-04 when the span is exactly one; else 'begin .. last day'."""
    b, e = span.begin, span.end
    if b is None or e is None:
        return span.label()
    if (e - b).days == 1:
        return str(b)
    if b.day == 1 and e.day == 1:
        months = (e.year - b.year) * 12 + e.month - b.month
        if months == 1:
            return f"{b.year}-{b.month:02d}"
        if months == 3 and b.month % 3 == 1:
            return f"{b.year}Q{(b.month - 1) // 3 + 1}"
        if months == 12 and b.month == 1:
            return str(b.year)
    return f"{b} .. {e - timedelta(days=1)}"


def _next_month(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1)


def month_bounds(period: str) -> tuple[date, date]:
    """'2025-03' -> (2025-03-01, 2025-03-31): the first and the last day of a month written YYYY-MM."""
    y, m = int(period[:4]), int(period[5:7])
    return date(y, m, 1), _next_month(y, m) - timedelta(days=1)


def today() -> date:
    """Today, or $KEBIR_TODAY when set (for repeatable scripts and tests)."""
    fixed = os.environ.get("KEBIR_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise ValueError(f"KEBIR_TODAY={fixed!r} is not a date: write YYYY-MM-DD") from None
    return date.today()


_UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _relative(text: str) -> Span | None:
    """'this month' | 'last quarter' | 'next year' | 'today' | 'yesterday' -> Span, else None."""
    t = " ".join(text.lower().split())
    now = today()
    if t in ("today", "yesterday"):
        d = now - timedelta(days=t == "yesterday")
        return Span(d, d + timedelta(days=1))
    m = re.fullmatch(r"(this|last|next) (month|quarter|year)", t)
    if not m:
        return None
    n = _UNIT_MONTHS[m[2]]
    first = date(now.year, 1 + (now.month - 1) // n * n, 1)
    shift = {"this": 0, "last": -n, "next": n}[m[1]]
    begin = add_months(first, shift)
    return Span(begin, add_months(begin, n))


def add_months(d: date, n: int) -> date:
    """`d` moved by n months, the day kept where the month has it (31 Jan + 1 month = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + n, 12)
    last = (date(d.year + y + (m == 11), (m + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(d.year + y, m + 1, min(d.day, last))


def parse_period(text: str) -> Span:
    """'2025' | '2025-03' | '2025Q1' | '2025-03-04' | 'this month' | 'last quarter' -> Span.
    Raises ValueError with a usable message."""
    t = text.strip()
    if (rel := _relative(t)) is not None:
        return rel
    if re.match(r"0000(?!\d)", t):
        raise ValueError(f"cannot read period {text!r}: there is no year 0000")
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
        d = _day(t, f"period {text!r}")
        return Span(d, date.fromordinal(d.toordinal() + 1))
    raise ValueError(f"cannot read period {text!r}: write 2025, 2025Q1, 2025-03, 2025-03-04, "
                     "'this month', 'last quarter' or 'last year'")


def span_from(period: str | None, begin: str | None, end: str | None) -> Span:
    """Combine -p with -b/-e (which narrow it). Raises ValueError on bad dates."""
    span = parse_period(period) if period else Span()
    b = _day(begin, "-b") if begin else span.begin
    e = _day(end, "-e") if end else span.end
    if b is not None and e is not None and e <= b:
        raise ValueError(f"-e {e} is not after the first day {b}: -e names the day after the last one "
                         f"(end exclusive), e.g. -b {b} -e {_next_month(b.year, b.month)} for {b.year}-{b.month:02d}")
    return Span(b, e)


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def _day(text: str, what: str) -> date:
    """A YYYY-MM-DD day; a malformed one says what is wrong with it ("February 2025 has 28 days")."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if m is None:
        raise ValueError(f"{what}: dates are written YYYY-MM-DD, not {text!r}")
    y, mo, d = (int(g) for g in m.groups())
    if y == 0:
        raise ValueError(f"{what}: there is no year 0000")
    if not 1 <= mo <= 12:
        raise ValueError(f"{what}: there is no month {m[2]} in {text!r}: months run from 01 to 12")
    last = (_next_month(y, mo) - timedelta(days=1)).day
    if not 1 <= d <= last:
        raise ValueError(f"{what}: {_MONTH_NAMES[mo - 1]} {y} has {last} days, so {text!r} is no day of it")
    return date(y, mo, d)


EVERY = {"M": 1, "Q": 3, "Y": 12}


def split(span: Span, every: str) -> list[tuple[str, Span]]:
    """[begin, end) cut at calendar month (M), quarter (Q) or year (Y) boundaries, each piece with
    its label (2025-03, 2025Q1, 2025). The first and last pieces may be partial."""
    if span.begin is None or span.end is None:
        raise ValueError("period columns need a bounded period: give -p or -b and -e")
    n = EVERY[every]
    out: list[tuple[str, Span]] = []
    start = span.begin
    while start < span.end:
        first = date(start.year, 1 + (start.month - 1) // n * n, 1)
        stop = min(add_months(first, n), span.end)
        label = (f"{first.year}-{first.month:02d}" if n == 1 else
                 f"{first.year}Q{(first.month - 1) // 3 + 1}" if n == 3 else str(first.year))
        out.append((label, Span(start, stop)))
        start = stop
    return out


def _months_between(a: date, b: date) -> int | None:
    """Whole months from a to b when both are the same day of the month, else None."""
    return (b.year - a.year) * 12 + b.month - a.month if a.day == b.day else None


def compared(span: Span, against: str) -> Span:
    """The span to compare with: `previous` (the same length just before: the month, quarter or year
    before when the span is one; else the same number of days) or `last-year` (twelve months earlier)."""
    if span.begin is None or span.end is None:
        raise ValueError("--compare needs a bounded period: give -p or -b and -e")
    if against == "last-year":
        return Span(add_months(span.begin, -12), add_months(span.end, -12))
    if against != "previous":
        raise ValueError(f"--compare takes previous or last-year, not {against!r}")
    months = _months_between(span.begin, span.end)
    if months and span.begin.day == 1:
        return Span(add_months(span.begin, -months), span.begin)
    return Span(span.begin - (span.end - span.begin), span.begin)
