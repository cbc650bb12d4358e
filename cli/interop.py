"""`kebir import journal|bank|contacts` and `kebir export journal|beancount|parquet` (core/interop).

Every import reads the whole source, collects every problem (file:line, what, how to fix), checks
the records against the books, and writes nothing unless all is well: then the records and their
manifest (imports/LABEL.manifest.yaml), atomically. `--dry-run` prints the diff instead.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli import _render
from cli._common import open_books, progress, span_of, usage, write_or_show, writing
from cli._options import BooksOpt, OutputOpt, PeriodOpt
from core.books import safeio
from core.interop import apply
from core.model import errors
from core.interop.account_map import Mapping, read_mapping
from core.interop.export_hledger import export_hledger
from core.interop.export_parquet import export_parquet

export_app = typer.Typer(help="Export the books for other tools (hledger).", no_args_is_help=True)

DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show the diff that would be written; write nothing.")]
LabelOpt = Annotated[Optional[str], typer.Option("--label", help="Name of the import (file names, ids, manifest). "
                                                 "Default: the source file's name.")]


LABEL_MAX = 64


def _label(label: str | None, source: Path) -> str:
    """The import's name, used in file names and ids: letters, digits, `_` and `-`, at most 64. A
    given label outside that is a usage error (it would name files); a source file's name is cut
    down to fit."""
    if label is not None:
        if not re.fullmatch(rf"[A-Za-z0-9_-]{{1,{LABEL_MAX}}}", label):

            raise usage(f"--label {label[:80]!r}{'...' if len(label) > 80 else ''} is not a valid label\n"
                         f"  hint: use 1 to {LABEL_MAX} letters, digits, '_' or '-', e.g. --label bank-2025-03")
        return label
    return re.sub(r"[^A-Za-z0-9_-]+", "-", source.stem).strip("-")[:LABEL_MAX].strip("-") or "import"


def _read_source(path: str) -> tuple[Path, bytes]:
    p = Path(path)
    if not os.path.lexists(p):
        raise usage(f"{path}: no such file")
    return p, safeio.argument_bytes(p)      # a regular file only (a FIFO or /dev/zero is E082, exit 1)


def _text(data: bytes, path: str) -> str:
    text = safeio.utf8_text(data)
    if not isinstance(text, safeio.NotUtf8):
        return text
    sys.stderr.write(f"{path}:{text.line}: E003 error: the file is not UTF-8 text\n  hint: convert it, e.g. "
                     f"iconv -f cp1254 -t utf-8 {path} > utf8.txt\n")
    raise typer.Exit(1)


def _included(pattern: str, where: str) -> list[tuple[str, str]]:
    """The files an `include` names (relative to the including file, `~` and globs as hledger reads
    them), sorted, with their text."""
    p = os.path.expanduser(pattern)
    if not os.path.isabs(p):
        p = os.path.join(os.path.dirname(where), p)
    p = os.path.normpath(p)
    paths = sorted(glob.glob(p)) if glob.has_magic(p) else [p]
    return [(f, _text(Path(f).read_bytes(), f)) for f in paths if os.path.isfile(f)]


def _report(problems: list) -> None:
    """Problems on stderr, in reading order, in `kebir validate`'s text form."""
    ps = errors.sorted_problems(problems)
    n = errors.count_errors(ps)
    sys.stderr.write(_render.problems_text(ps, "", f"{n} error(s), {len(ps) - n} warning(s)"))


def _finish(root: Path, plan, dry_run: bool, verify_records: bool = True) -> None:
    """Report problems (exit 1, nothing written) or write the plan's files (or show them with --dry-run)."""
    problems = list(plan.problems)
    if plan.files and verify_records and not errors.count_errors(problems):
        problems += apply.verify(root, plan.files, plan.sources, plan.manifest.source_path)
    if problems:
        _report(problems)
    if errors.count_errors(problems):
        sys.stderr.write(f"kebir: import refused, nothing written: {errors.count_errors(problems)} error(s)\n")
        raise typer.Exit(1)
    if dry_run:
        write_or_show(root, plan.files, True)
    elif plan.files:
        apply.write(root, plan.files)
    written = "" if dry_run else (f"; wrote {len(plan.files)} file(s), manifest {plan.manifest.rel}"
                                  if plan.files else "")
    sys.stderr.write(f"kebir: {plan.summary}{written}{' (dry run: nothing written)' if dry_run else ''}\n")


@export_app.command("journal")
def export_journal(
    to: Annotated[str, typer.Option("--to", help="Target format: hledger or beancount.")] = "hledger",
    books: BooksOpt = None,
    period: PeriodOpt = None,
    output: OutputOpt = None,
) -> None:
    """Write the books as an hledger journal (account types declared) or a beancount file.

    \b
    Examples:
      kebir export journal --to hledger --books ledger-data -o books.journal
      kebir export journal --books ledger-data -p 2025 | hledger -f - bs
      kebir export journal --to beancount --books ledger-data -o books.beancount
    """

    if to == "beancount":
        return _export_beancount(books, period, output)
    if to != "hledger":
        raise usage(f"unknown export format {to!r}: use --to hledger")
    span = span_of(period, None, None)
    root, book, problems = open_books(books)
    _render.emit(export_hledger(book, span), output)
    n_err = errors.count_errors(problems)
    if n_err:
        sys.stderr.write(f"kebir: warning: {n_err} data error(s); entries with errors were left out.\n")
        raise typer.Exit(1)


@export_app.command("beancount")
def export_beancount_cmd(
    books: BooksOpt = None,
    period: PeriodOpt = None,
    output: OutputOpt = None,
) -> None:
    """Write the books as a beancount file (accounts opened, contacts as payees) for Fava or bean-query.

    \b
    Examples:
      kebir export beancount --books ledger-data -o books.beancount
      kebir export beancount --books ledger-data -p 2025-03 > 2025-03.beancount
    """
    _export_beancount(books, period, output)

@export_app.command("parquet")
def export_parquet_cmd(
    directory: Annotated[str, typer.Argument(help="Directory to write the parquet files into.")],
    books: BooksOpt = None,
) -> None:
    """Write postings, entries, accounts, contacts, items, moves and orders as parquet files.

    \b
    Examples:
      kebir export parquet parquet/ --books ledger-data
      kebir export parquet parquet/ --books ledger-data > /dev/null && ls parquet/
    """

    _root, book, problems = open_books(books)
    written = export_parquet(book, Path(directory))
    _render.emit("".join(f"{name}\t{rows}\n" for name, rows in written), None)
    n_err = errors.count_errors(problems)
    if n_err:
        sys.stderr.write(f"kebir: warning: {n_err} data error(s); entries with errors were left out.\n")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `import` group to the root app."""
    import_app = typer.Typer(help="Import journals (hledger, ledger, beancount), bank statements and contacts, "
                             "with a manifest that proves nothing was lost.", no_args_is_help=True)
    app.add_typer(import_app, name="import")

    @import_app.command("journal")
    def import_journal(
        file: Annotated[str, typer.Argument(help="The journal file to import.")],
        source_format: Annotated[str, typer.Option("--from", help="hledger, ledger or beancount.")] = "hledger",
        books: BooksOpt = None,
        mapping: Annotated[Optional[str], typer.Option("--map", help="YAML account (and commodity) mapping "
                                                       "into the company's chart.")] = None,
        label: LabelOpt = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Import an hledger, ledger or beancount journal into the books, with a manifest.

        \b
        Examples:
          kebir export journal --books ledger-data -o demo.journal
            && kebir import journal demo.journal --books ledger-data --dry-run
          kebir export beancount --books ledger-data -o demo.beancount
            && kebir import journal demo.beancount --from beancount --books ledger-data --label bean
        """
        from core.interop import books_out  # lazy: only its command needs it (kebir start-up)

        if source_format not in ("hledger", "ledger", "beancount"):
            raise usage(f"--from takes hledger, ledger or beancount, not {source_format!r}")
        src, data = _read_source(file)
        m = Mapping()
        if mapping:
            mp, mdata = _read_source(mapping)
            m, mprobs = read_mapping(_text(mdata, mapping), mapping)
            if mprobs:
                _report(mprobs)
                raise typer.Exit(1)
        if source_format == "beancount":
            from core.interop.beancount_in import parse_beancount  # lazy: only its command needs it (kebir start-up)

            try:
                parsed = parse_beancount(src)
            except ImportError:
                raise usage("--from beancount needs the beancount package: pip install beancount") from None
        else:
            from core.interop.ledger_text import parse_ledger_text  # lazy: only its command needs it (kebir start-up)

            parsed = parse_ledger_text(_text(data, file), file, source_format, _included)
        with writing(books) as root:       # the books are read and written under the lock
            root, book, _problems = open_books(str(root))
            with progress(f"Importing {len(parsed.txns)} transaction(s) from {file} ..."):
                plan = books_out.build_journal_import(parsed, book, m, _label(label, src), data)
            _finish(root, plan, dry_run)

    @import_app.command("bank")
    def import_bank(
        file: Annotated[str, typer.Argument(help="The statement CSV file.")],
        rules: Annotated[str, typer.Option("--rules", help="YAML rules: columns, formats, sign, account "
                                           "rules, payees (docs/interop.md).")],
        books: BooksOpt = None,
        label: LabelOpt = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Import a bank or card statement CSV by rules; rows already in the books are skipped.

        \b
        Examples:
          kebir query "SELECT '31.12.2025' AS date, 'POS MIGROS' AS text, '-1.234,56' AS amount, 'D1' AS ref"
            --books ledger-data --format csv -o st.csv
            && printf 'account: "102.01"\\ndate_format: "%%d.%%m.%%Y"\\ndecimal_mark: ","\\ndefault_account: "770.99"
            \\ncolumns: {date: date, description: text, amount: amount, reference: ref}\\n' > st.rules.yaml
            && kebir import bank st.csv --rules st.rules.yaml --books ledger-data --dry-run
        """
        from core.interop import bank  # lazy: only its command needs it (kebir start-up)

        src, data = _read_source(file)
        _rp, rdata = _read_source(rules)

        with writing(books) as root:
            root, book, _problems = open_books(str(root))
            plan = bank.build_bank_import(data, file, _text(rdata, rules), rules, book, _label(label, src))
            _finish(root, plan, dry_run, verify_records=True)

    @import_app.command("contacts")
    def import_contacts(
        file: Annotated[str, typer.Argument(help="The CRM or ERP export (CSV with a header row).")],
        side: Annotated[str, typer.Option("--side", help="crm or erp.")],
        mapping: Annotated[str, typer.Option("--map", help="YAML column mapping: target file, id column, "
                                             "fields (docs/interop.md).")],
        books: BooksOpt = None,
        label: LabelOpt = None,
        dry_run: DryRunOpt = False,
        strict: Annotated[bool, typer.Option("--strict", help="Refuse the whole file for one bad row (I011) "
                                             "instead of importing the good rows and listing the bad (I050).")] = False,
    ) -> None:
        """Import contacts from a CRM or ERP export, keeping each row's id as external_id.

        \b
        Examples:
          kebir query "SELECT 'H-1001' AS record_id, 'Kadıköy Kahve Evi' AS company" --books ledger-data
            --format csv -o crm.csv && printf 'file: companies\\nid: record_id\\nfields: {name: company}\\n'
            > crm.map.yaml && kebir import contacts crm.csv --side crm --map crm.map.yaml --books ledger-data
        """
        from core.interop import contacts  # lazy: only its command needs it (kebir start-up)

        if side not in ("crm", "erp"):
            raise usage(f"--side takes crm or erp, not {side!r}")
        src, data = _read_source(file)
        _mp, mdata = _read_source(mapping)
        with writing(books) as root:
            root, book, _problems = open_books(str(root))
            plan = contacts.build_contacts_import(data, file, _text(mdata, mapping), mapping, side, book,
                                                  _label(label, src), strict)
            _finish(root, plan, dry_run)


def _export_beancount(books: str | None, period: str | None, output: str | None) -> None:
    from core.interop.export_beancount import export_beancount  # lazy: only its command needs it (kebir start-up)

    span = span_of(period, None, None)
    _root, book, problems = open_books(books)
    _render.emit(export_beancount(book, span), output)
    n_err = errors.count_errors(problems)
    if n_err:
        sys.stderr.write(f"kebir: warning: {n_err} data error(s); entries with errors were left out.\n")
        raise typer.Exit(1)
