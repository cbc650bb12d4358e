"""Where a record was read: the one type every record of the model carries (core.model.records and the
record families beside it import it from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was read: path relative to the books root, 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"
