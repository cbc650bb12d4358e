"""`kebir query "SQL"`: polars' SQL over the books' tables (core/reports/query.py), in every output format."""

from __future__ import annotations

from typing import Annotated

import typer

from cli._common import book_language, open_books, show, usage, warn_errors
from cli._options import BooksOpt, CsvDialectOpt, OutFormatOpt, OutputOpt


def register(app: typer.Typer) -> None:
    """Add the `query` command to the root app."""

    @app.command("query", rich_help_panel="Reports")
    def query(
        sql: Annotated[str | None, typer.Argument(help="One SELECT over the tables (see --tables).",
                                                     show_default=False)] = None,
        books: BooksOpt = None,
        list_tables: Annotated[bool, typer.Option("--tables", "--schema",
                                                  help="List the tables and their columns, then exit.")] = False,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Answer a question with SQL over the books: postings, entries, accounts, orders, invoices, stock, ...

        \b
        Examples:
          kebir query "SELECT account, SUM(base) AS balance FROM postings GROUP BY account ORDER BY account" \
--books ledger-data
          kebir query "SELECT party, SUM(base_gross) AS sales FROM invoices WHERE kind = 'invoice'
                       GROUP BY party ORDER BY sales DESC LIMIT 10" --books ledger-data --format csv
          kebir query --tables --books ledger-data
        """
        # lazy: only its command needs it (kebir start-up)
        from core.reports.query import DESCRIPTIONS, QueryError, run_query, schema

        if not list_tables and not (sql and sql.strip()):
            raise usage('give a query, e.g. kebir query "SELECT * FROM accounts", or list the tables with '
                         "kebir query --tables")
        _root, book, problems = open_books(books)
        if list_tables:
            show(schema(book), fmt, output, csv_dialect, lang=book_language(book))
            return
        try:
            table = run_query(book, sql or "")
        except QueryError as exc:
            names = ", ".join(DESCRIPTIONS)
            raise usage(f"query: {exc}; tables: {names} (columns: kebir query --tables)") from None
        show(table, fmt, output, csv_dialect, lang=book_language(book))
        warn_errors(problems)
