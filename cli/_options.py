"""Options shared by every command, so `--books` and `--format` mean the same thing everywhere."""

from __future__ import annotations

import os
import sys
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
    show_default=False, rich_help_panel="Books")]
FormatOpt = Annotated[Fmt, typer.Option(
    "--format", "-f", help="Output format.", case_sensitive=False, rich_help_panel="Output")]
PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", "-p", help="2025, 2025Q1, 2025-03 or 2025-03-04.", rich_help_panel="Period")]
BeginOpt = Annotated[Optional[str], typer.Option(
    "--begin", "-b", help="First day (YYYY-MM-DD).", rich_help_panel="Period")]
EndOpt = Annotated[Optional[str], typer.Option(
    "--end", "-e", help="The day AFTER the last one (end exclusive, as in hledger): -b 2025-01-01 -e 2025-02-01 is "
    "January 2025.", rich_help_panel="Period")]
def output_file(value: Optional[str]) -> Optional[str]:
    """-o FILE as given, `-o -` as stdout (None, as without -o: what people expect from a Unix tool);
    a directory is a usage error (exit 2) before anything is read: a report is one file, and a
    directory cannot be replaced by one."""
    if value is None or value == "-":
        return None
    if value.endswith(("/", os.sep)) or os.path.isdir(value):
        sys.stderr.write(f"kebir: -o {value} is a directory: name a file in it, e.g. "
                         f"{os.path.join(value, 'report.xlsx')}\n")
        raise typer.Exit(2)
    return value


OutputOpt = Annotated[Optional[str], typer.Option(
    "--output", "-o", help="Write to FILE instead of stdout (- is stdout).", callback=output_file,
    rich_help_panel="Output")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Parse every file afresh (ignore .kebir/cache).", rich_help_panel="Books")]
MonthlyOpt = Annotated[bool, typer.Option("--monthly", "-M", help="One column per month.", rich_help_panel="Period")]
QuarterlyOpt = Annotated[bool, typer.Option(
    "--quarterly", "-Q", help="One column per quarter.", rich_help_panel="Period")]
YearlyOpt = Annotated[bool, typer.Option("--yearly", "-Y", help="One column per year.", rich_help_panel="Period")]
CompareOpt = Annotated[Optional[str], typer.Option(
    "--compare", help="Add the previous period or last year beside it, with change columns: previous|last-year.",
    rich_help_panel="Period")]
AccountOpt = Annotated[Optional[str], typer.Option(
    "--account", help="Only accounts whose code starts with this, or that match it as a regex on code and name.",
    rich_help_panel="Filter")]
LocationOpt = Annotated[Optional[str], typer.Option(
    "--location", help="Only postings at this location.", rich_help_panel="Filter")]
CurrencyOpt = Annotated[Optional[str], typer.Option(
    "--currency", help="Show amounts in this currency, at the rate on each column's last day.",
    rich_help_panel="Filter")]
DepthOpt = Annotated[Optional[int], typer.Option(
    "--depth", min=1, help="Chart levels to show (1: top-level groups only). Default: all.", rich_help_panel="Filter")]
LangOpt = Annotated[Optional[str], typer.Option(
    "--lang", help="Language of titles and headings: tr or en. Default: books.toml [company] language, else en.",
    rich_help_panel="Output")]


class OutFmt(str, Enum):
    """The formats of a command whose output is a table: Fmt and a spreadsheet."""

    text = "text"
    csv = "csv"
    json = "json"
    md = "md"
    html = "html"
    xlsx = "xlsx"


# A table command's --format: absent, it follows -o FILE's extension (cli._common.out_format).
OutFormatOpt = Annotated[Optional[OutFmt], typer.Option(
    "--format", "-f", help="Output format. Default: from -o FILE's extension (.txt .md .csv .json .html .xlsx), "
    "else text.", case_sensitive=False, show_default=False, rich_help_panel="Output")]
CsvDialectOpt = Annotated[Optional[str], typer.Option(
    "--csv-dialect", help="CSV for a spreadsheet: excel-tr (Turkish Excel: semicolon separator, comma decimals, "
    "UTF-8 BOM). Default: plain CSV (comma, dot decimals).", show_default=False, rich_help_panel="Output")]
