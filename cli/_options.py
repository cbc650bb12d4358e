"""Options shared by every command, so `--books` and `--format` mean the same thing everywhere."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer


class Fmt(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"
    md = "md"
    html = "html"


BooksOpt = Annotated[Optional[str], typer.Option(
    "--books", "-B", help="Books directory. Default: $KEBIR_BOOKS, then the current directory.",
    show_default=False)]
FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
PeriodOpt = Annotated[Optional[str], typer.Option("--period", "-p", help="2025, 2025Q1, 2025-03 or 2025-03-04.")]
BeginOpt = Annotated[Optional[str], typer.Option("--begin", "-b", help="First day (YYYY-MM-DD).")]
EndOpt = Annotated[Optional[str], typer.Option("--end", "-e", help="Day after the last (end exclusive).")]
OutputOpt = Annotated[Optional[str], typer.Option("--output", "-o", help="Write to FILE instead of stdout.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Parse every file afresh (ignore .kebir/cache).")]
