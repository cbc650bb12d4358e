"""What the private books (books.toml [private], core.books.private) hold, as far as this process
could read them: `Book.private`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.model.payroll import PayrollRun
from core.model.source import Source


@dataclass(frozen=True)
class Private:
    """What the private books hold, as far as this process could read them."""

    path: str                                   # as written in books.toml
    readable: bool
    reason: str = ""                            # why not, when not readable
    runs: tuple[PayrollRun, ...] = ()   # detailed runs
    personal: Mapping[str, tuple[tuple[str, str], ...]] | None = None   # contact id -> fields
    personal_lines: Mapping[str, Source] | None = None                   # contact id -> its record
    files: tuple[str, ...] = ()                 # paths relative to the main books
