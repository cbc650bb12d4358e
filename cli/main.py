"""The `kebir` command: the root Typer app, its command groups, and the single error boundary.

Each command group lives in its own module (cli/daily.py, cli/close.py, cli/reports.py, ...) and
shares cli/_common.py; a command parses options, makes one core call, renders the result and picks
the exit code: 0 clean, 1 data problems, 2 usage errors (Typer's own code for bad options).
"""

from __future__ import annotations

import os
import sys

import typer

from cli import audit, books, close, crm, daily, dedup, interop, new, production, query, reports, statutory
from core.books import store
from core.model.errors import BooksError

app = typer.Typer(
    name="kebir",
    help="kebir: ERP + CRM books in plain text. Validate, format, report and export a books directory.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(reports.report_app, name="report", rich_help_panel="Reports")
app.add_typer(interop.export_app, name="export", rich_help_panel="Data")
app.add_typer(dedup.dedup_app, name="dedup", rich_help_panel="CRM")
daily.register(app)
new.register(app)
close.register(app)
books.register(app)
audit.register(app)
query.register(app)
crm.register(app, reports.report_app)
production.register(app, reports.report_app)
interop.register(app)
statutory.register(app, reports.report_app, interop.export_app)

# `kebir --help` groups commands by job, in the order a bookkeeper meets them.
PANELS = ("Start", "Daily", "Month end", "Reports", "CRM", "Data")
app.registered_commands.sort(key=lambda c: PANELS.index(c.rich_help_panel) if c.rich_help_panel in PANELS else 99)
app.registered_groups.sort(key=lambda g: PANELS.index(g.rich_help_panel) if g.rich_help_panel in PANELS else 99)

DEBUG = os.environ.get("KEBIR_DEBUG") == "1"


def main() -> None:
    """Entry point: run the app; unexpected failures print one line (KEBIR_DEBUG=1 shows the traceback)."""
    try:
        _run()
    finally:
        for note in store.NOTICES:     # what recovery refused to act on (core.books.store.recover)
            sys.stderr.write(f"kebir: warning: {note}\n")


def _run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("kebir: interrupted\n")
        sys.exit(130)
    except BooksError as exc:  # the books (or one file kebir refuses to read) cannot be used: exit 1
        sys.stderr.write(f"kebir: {exc}\n" + (f"  hint: {exc.hint}\n" if exc.hint else ""))
        sys.exit(1)
    except OSError as exc:     # a file that cannot be read or written: a problem with the file, exit 1
        if DEBUG:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"kebir: E084 {where}{exc.strerror or type(exc).__name__}\n"
                         "  hint: check the file's permissions and that it is a plain file inside the books\n")
        sys.exit(1)
    except Exception as exc:  # the single error boundary
        if DEBUG:
            raise
        sys.stderr.write(f"kebir: internal error: {type(exc).__name__}: {exc}\n"
                         "  hint: run again with KEBIR_DEBUG=1 for the traceback, and report it\n")
        sys.exit(3)


if __name__ == "__main__":
    main()
