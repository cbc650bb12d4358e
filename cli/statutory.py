"""What a Turkish accountant files each month (docs/statutory.md): `kebir einvoice number`,
`kebir export einvoice`, `kebir report vat-return` and `kebir report ba-bs`
(core/interop/einvoice, core/reports/vat_return.py, core/reports/babs.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli._common import book_language, open_books, period_arg, show, usage, warn_errors, write_checked, writing
from cli._options import BooksOpt, CsvDialectOpt, Fmt, FormatOpt, OutFormatOpt, OutputOpt
from core.model.errors import Problem
from core.erp.load import load_ledger

MonthOpt = Annotated[Optional[str], typer.Option("--period", "-p", help="The month, YYYY-MM.",
                                                 rich_help_panel="Period")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")]


def _problems(problems: list[Problem], root: Path, what: str) -> None:
    """Problems on stderr as file:line: CODE message + hint, then exit 1."""
    for p in sorted(set(problems), key=Problem.sort_key):
        sys.stderr.write(f"{root / p.path}:{p.line}: {p.code} {p.message}"
                         + (f" [{p.record}]" if p.record else "") + f"\n  hint: {p.hint}\n")
    sys.stderr.write(f"kebir: {what}: {len(set(problems))} problem(s)\n")
    raise typer.Exit(1)


def _warnings(problems: list[Problem], root: Path) -> None:
    """Warnings on stderr as file:line: CODE message + hint; the command goes on."""
    for p in sorted(set(problems), key=Problem.sort_key):
        if p.severity != "error":
            sys.stderr.write(f"{root / p.path}:{p.line}: {p.code} {p.message}"
                             + (f" [{p.record}]" if p.record else "") + f"\n  hint: {p.hint}\n")


def _month(period: str | None) -> str:
    if not period:
        raise usage("give the month with -p YYYY-MM")
    month = period_arg(period)
    if len(month) != 7:
        raise usage(f"{period}: give one month, YYYY-MM")
    return month


def register(app: typer.Typer, report_app: typer.Typer, export_app: typer.Typer) -> None:
    """Add the `einvoice` group, `export einvoice`, `report vat-return` and `report ba-bs`."""
    einvoice_app = typer.Typer(help="e-Fatura / e-Arşiv: give issued invoices their GİB number and ETTN.",
                               no_args_is_help=True)
    app.add_typer(einvoice_app, name="einvoice", rich_help_panel="Month end")

    @einvoice_app.command("number")
    def number(period: MonthOpt = None, books: BooksOpt = None, dry_run: DryRunOpt = False) -> None:
        """Give the month's issued invoices their GİB number and ETTN, written into their records.

        Numbers run per series (e-Fatura or e-Arşiv, books.toml [statutory]) and year without gaps, in
        date order; the ETTN is a UUID made from the company's VKN and the invoice id. A closed month is
        refused (E228).

        \b
        Examples:
          kebir einvoice number -p 2025-01 --books ledger-data --dry-run
          kebir einvoice number -p 2025-01 --books ledger-data
        """
        from core.interop.einvoice.numbering import plan_numbers  # lazy: only its command needs it (kebir start-up)

        month = _month(period)
        with writing(books) as root:
            book, _found = load_ledger(root)
            plan, files, problems = plan_numbers(root, book, month)
            if problems:
                _problems(problems, root, f"{month} not numbered")
            for n in plan:
                sys.stdout.write(f"{n.doc}\t{n.number}\t{n.ettn}\n")
            if not files:
                sys.stderr.write(f"kebir: every invoice of {month} has its number\n")
                return
            write_checked(root, files, dry_run, f"{len(plan)} invoice(s) numbered", canonical=False)

    @export_app.command("einvoice")
    def export_einvoice(
        ids: Annotated[Optional[list[str]], typer.Argument(help="Invoice ids (INV-...); or give --period.")] = None,
        period: MonthOpt = None,
        books: BooksOpt = None,
        directory: Annotated[Optional[str], typer.Option("--output", "-o", help="Directory to write into.")] = None,
        html: Annotated[bool, typer.Option("--html", help="Also write the printable copy (NUMBER.html).")] = False,
        dry_run: DryRunOpt = False,
        fmt: FormatOpt = Fmt.text,
    ) -> None:
        """Write issued invoices as UBL-TR 1.2 XML (e-Fatura or e-Arşiv), one NUMBER.xml each.

        The XML is what an integrator signs and sends; kebir neither signs nor sends. Every invoice is
        checked first (tax numbers, units, VAT rates, numbers: E220-E226) and nothing is written while
        one fails. --dry-run lists the files without writing them.

        \b
        Examples:
          kebir export einvoice -p 2025-01 --books ledger-data -o efatura/2025-01 --html
          kebir export einvoice INV-2025-0001 --books ledger-data -o efatura
        """
        from core.interop.einvoice.export import export_files  # lazy: only its command needs it (kebir start-up)

        if not ids and not period:
            raise usage("name invoices (INV-...) or give -p YYYY-MM")
        if not dry_run and not directory:
            raise usage("give the directory to write into with -o DIR (or --dry-run)")
        root, book, found = open_books(books)
        files, problems = export_files(book, _month(period) if period else None, tuple(ids or ()), html)
        if any(p.severity == "error" for p in problems):
            _problems(problems, root, "e-invoices not written")
        _warnings(problems, root)
        if not dry_run:
            out = Path(directory or ".")
            out.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (out / name).write_bytes(data)
        if not files:
            sys.stderr.write(f"kebir: no issued invoices in {period}: nothing to export\n" if period else
                             "kebir: nothing to export\n")
        listing = [{"file": name, "bytes": len(data)} for name, data in files.items()]
        if fmt is Fmt.json:
            sys.stdout.write(json.dumps({"written": not dry_run, "files": listing}, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write("".join(f"{row['file']}\t{row['bytes']}\n" for row in listing))
        warn_errors(found)

    @report_app.command("vat-return", rich_help_panel="Reports")
    def vat_return_report(
        period: MonthOpt = None,
        books: BooksOpt = None,
        detail: Annotated[bool, typer.Option("--detail", help="Each document and entry under its line.")] = False,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """The month's VAT return (KDV-1): sales by rate from the documents and Z-reports beside the 391
        accounts, deductible VAT by rate and on fixed assets, carried forward, payable, tied to the close.

        \b
        Examples:
          kebir report vat-return -p 2025-01 --books ledger-data
          kebir report vat-return -p 2025-03 --books ledger-data --detail --format csv
        """
        from core.reports.vat_return import build_vat_return  # lazy: only its command needs it (kebir start-up)

        month = _month(period)
        _root, book, problems = open_books(books)
        show(build_vat_return(book, month, detail), fmt, output, csv_dialect, lang=book_language(book))
        warn_errors(problems)

    @report_app.command("ba-bs", rich_help_panel="Reports")
    def babs_report(
        period: MonthOpt = None,
        books: BooksOpt = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Form Ba (purchases) and Form Bs (sales): counterparties whose documents in the month reach
        the threshold (books.toml [statutory] babs_threshold, excl. VAT); a Turkish party without a
        valid VKN/TCKN is a problem (E227, exit 1).

        \b
        Examples:
          kebir report ba-bs -p 2025-01 --books ledger-data
          kebir report ba-bs -p 2025-01 --books ledger-data --format csv -o babs-2025-01.csv
        """
        from core.reports.babs import babs, build_babs  # lazy: only its command needs it (kebir start-up)

        month = _month(period)
        root, book, problems = open_books(books)
        show(build_babs(book, month), fmt, output, csv_dialect, lang=book_language(book))
        found = babs(book, month)[1]
        if found:
            _problems(found, root, f"Ba-Bs {month}")
        warn_errors(problems)
