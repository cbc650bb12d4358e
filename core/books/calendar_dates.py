"""Why a date written YYYY-MM-DD is not on the calendar, said the way a person checks it.

`2025-02-30` is in the right form; what is wrong is the day: "February 2025 has 28 days". Schema
checks (core.books.schema) use `impossible_date` for every field of format `date`, in YAML and CSV alike,
and report E160 with this reason instead of asking for the form the value already has.
"""

from __future__ import annotations

import calendar
import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

_FORM = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def impossible_date(text: str) -> tuple[str, str] | None:
    """(reason, hint) when `text` has the form YYYY-MM-DD but names no day of the calendar; None when
    it is a real date or not in that form at all (the form is the pattern's business)."""
    m = _FORM.match(text)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    if year == 0:
        return "there is no year 0000", "write the year in four digits, e.g. 2025"
    if not 1 <= month <= 12:
        return (f"there is no month {m.group(2)}: months run from 01 to 12",
                f"dates are year-month-day: did you write the day and month the other way round "
                f"({year:04d}-{day:02d}-{month:02d})?" if 1 <= day <= 12 else "write the month as 01 to 12")
    days = calendar.monthrange(year, month)[1]
    if 1 <= day <= days:
        return None
    name = f"{MONTHS[month - 1]} {year}"
    if day == 0:
        return "days start at 01", f"the first day of {name} is {year:04d}-{month:02d}-01"
    reason = f"{name} has {days} days"
    if month == 2 and day == 29:
        reason += f" ({year} is not a leap year)"
    return reason, f"the last day of {name} is {year:04d}-{month:02d}-{days:02d}: check the day and month"
