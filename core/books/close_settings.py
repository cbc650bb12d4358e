"""books.toml [close]: the year-end settings beside the corporate tax rate, typed and checked (E210).

```toml
[close]
corporate_tax_rate = "25"
minimum_tax_rate = "10"                 # KVK Art. 32/C, from the 2025 accounting period
kkeg_accounts = ["689.01"]              # non-deductible expense accounts (KVK Art. 11)
exempt_accounts = ["679.01"]            # exempt income (KVK Art. 5)
rediscount_rate = "46.75"               # CBRT rediscount rate at the balance sheet date
doubtful_after_days = "365"             # another chart than tr-tdhp: allowance for receivables this late

[close.losses]                          # tax losses of earlier years (KVK Art. 9), as filed
"2023" = "1200000.00"

[close.deductions]                      # KVK Art. 10 deductions the accountant computed, per year
"2025" = "0.00"

[close.severance_ceiling]               # kıdem tazminatı ceiling in force from that month
"2025-01" = "46655.43"
"2025-07" = "53919.68"
```

The values are read as written (strings); core.reports.tax_base and core.close.provisions compute.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from core.model.errors import Problem

_PERCENTS = ("corporate_tax_rate", "minimum_tax_rate", "rediscount_rate", "doubtful_after_days")
_LISTS = ("kkeg_accounts", "exempt_accounts")
_TABLES = {"losses": r"\d{4}", "deductions": r"\d{4}", "severance_ceiling": r"\d{4}-\d{2}"}


def _amount(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value) >= 0 and re.fullmatch(r"\d{1,15}(\.\d+)?", value) is not None
    except InvalidOperation:
        return False


def _number_hint(key: str, value: Any) -> str:
    """The fix for a percentage that is not a number: the comma a Turkish keyboard writes becomes a
    point ("25,5" -> "25.5"), a bare number gets its quotes."""
    text = str(value).strip().replace("%", "").strip()
    if re.fullmatch(r"\d{1,15},\d+", text):
        return f'write {key} = "{text.replace(",", ".")}": a point, not a comma, before the decimals'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'write {key} = "{value}" (quoted, so it is read exactly)'
    return f'write {key} = "25" (a quoted number, a point before any decimals)'


def read_close(doc: dict[str, Any], path: str, text: str, line_of: Callable[[str, str], int]
               ) -> tuple[dict[str, Any], list[Problem]]:
    """The year-end fields of CloseSettings from books.toml [close], and an E210 per bad value."""
    out: dict[str, Any] = {}
    bad: list[Problem] = []

    def problem(key: str, message: str, hint: str) -> None:
        m = re.search(rf'^[ \t]*"{re.escape(key)}"[ \t]*=', text, re.M)     # a quoted key: "2023" = ...
        line = text.count("\n", 0, m.start()) + 1 if m else line_of(text, key)
        bad.append(Problem("E210", path, line, message, record="[close]", hint=hint))

    for key in _PERCENTS:
        if key in doc:
            value = doc[key]
            if key == "corporate_tax_rate" and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)           # read as written before it was checked: 25 is "25"
            if not _amount(value):
                problem(key, f"[close] {key} = {value!r} is not a number", _number_hint(key, value))
            else:
                out[key] = value
    for key in _LISTS:
        if key in doc:
            value = doc[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problem(key, f"[close] {key} must be a list of quoted account codes", f'write {key} = ["689.01"]')
            else:
                out[key] = tuple(value)
    for key, shape in _TABLES.items():
        if key not in doc:
            continue
        table = doc[key]
        if not isinstance(table, dict):
            problem(key, f"[close] {key} must be a table", f'write [close.{key}] and "2023" = "1200000.00" under it')
            continue
        rows = []
        for k, v in table.items():
            if not re.fullmatch(shape, str(k)) or not _amount(v):
                example = "2025-07" if key == "severance_ceiling" else "2023"
                problem(str(k), f"[close.{key}] {k} = {v!r} is not valid",
                        f'write "{example}" = "1200000.00" (a quoted amount)')
                continue
            rows.append((str(k), v))
        out[key] = tuple(sorted(rows))
    return out, bad
