"""`kebir report recipe-cost`, `menu`, `supplier-prices`, `usage`, `waste` and `kebir plan purchases`
(core/erp/production.py, core/reports/planning.py, core/reports/recipe_cost.py, core/reports/menu.py,
core/reports/supplier_prices.py, core/reports/usage.py, core/reports/waste.py)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Optional

import typer

from cli._common import book_language, build, open_books, show, span_of, usage, warn_errors, write_checked, writing
from cli._options import (
    BeginOpt,
    BooksOpt,
    CsvDialectOpt,
    EndOpt,
    OutFormatOpt,
    OutputOpt,
    PeriodOpt,
)
from core.books.edit import appended_text
from core.erp.production import dish_sales
from core.reports.recipe_cost import build_recipe_cost

LocOpt = Annotated[Optional[str], typer.Option("--location", help="Only this location.", rich_help_panel="Filter")]
ItemOpt = Annotated[Optional[str], typer.Option("--item", help="Only items whose id starts with this.",
                                                rich_help_panel="Filter")]


def register(app: typer.Typer, report_app: typer.Typer) -> None:
    """Add `recipe-cost` and `usage` to `kebir report`, and the `plan` group to the root app."""
    plan_app = typer.Typer(help="Planning: purchase suggestions from forecasts and recipes.", no_args_is_help=True)
    app.add_typer(plan_app, name="plan", rich_help_panel="Daily")

    @report_app.command("recipe-cost", rich_help_panel="Reports")
    def recipe_cost(
        books: BooksOpt = None,
        period: PeriodOpt = None,
        begin: BeginOpt = None,
        end: EndOpt = None,
        location: LocOpt = None,
        item: ItemOpt = None,
        threshold: Annotated[str, typer.Option("--threshold", help="Flag dishes whose food cost % is above this.")]
        = "35",
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Menu costing: each recipe's cost from its ingredients' latest valuation, price, margin, food cost %.

        The cost is at the end of the period; the change is against the end of the period before.
        Dishes whose food cost % is above --threshold are flagged (`rose` when they were not before).

        \b
        Examples:
          kebir report recipe-cost --books ledger-data -p 2025-12
          kebir report recipe-cost --books ledger-data -p 2025-06 --threshold 30 --format csv
        """

        try:
            limit = Decimal(threshold)
        except InvalidOperation:
            raise usage("--threshold takes a percent, e.g. 35") from None
        span = span_of(period, begin, end)
        _root, book, problems = open_books(books)
        show(build(build_recipe_cost, book, span, location=location, threshold=limit, item=item),
             fmt, output, csv_dialect, lang=book_language(book))
        warn_errors(problems)

    @report_app.command("menu", rich_help_panel="Reports")
    def menu_report(
        books: BooksOpt = None,
        period: PeriodOpt = None,
        begin: BeginOpt = None,
        end: EndOpt = None,
        location: LocOpt = None,
        threshold: Annotated[str, typer.Option("--threshold", help="Flag dishes whose food cost % is above this.")]
        = "35",
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Menu engineering: each dish's sales and margin, as a star, plowhorse, puzzle or dog.

        Kasavana-Smith against the menu's averages: popular at 70% of an equal share, margin against
        the weighted average contribution margin; food cost % beside --threshold (docs/production.md).

        \b
        Examples:
          kebir report menu --books ledger-data -p 2025-06
          kebir report menu --books ledger-data -p 2025Q2 --location KDK --format html -o menu.html
        """
        from core.reports.menu import build_menu  # lazy: only its command needs it (kebir start-up)

        try:
            limit = Decimal(threshold)
        except InvalidOperation:
            raise usage("--threshold takes a percent, e.g. 35") from None
        span = span_of(period, begin, end)
        _root, book, problems = open_books(books)
        show(build(build_menu, book, span, location=location, threshold=limit), fmt, output, csv_dialect,
             lang=book_language(book))
        warn_errors(problems)

    @report_app.command("supplier-prices", rich_help_panel="Reports")
    def supplier_prices_report(
        books: BooksOpt = None,
        period: PeriodOpt = None,
        begin: BeginOpt = None,
        end: EndOpt = None,
        item: ItemOpt = None,
        supplier: Annotated[Optional[str], typer.Option("--supplier", help="Only this supplier.")] = None,
        alert: Annotated[Optional[str], typer.Option("--alert", help="Flag changes beyond this percent "
                                                     "(default: books.toml [prices] alert_pct).")] = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Supplier price history: each receipt's unit price, with the change on the supplier's last one.

        \b
        Examples:
          kebir report supplier-prices --books ledger-data -p 2025-03 --item FSH-LEVREK
          kebir report supplier-prices --books ledger-data -p 2025 --alert 25 --format csv
        """
        from core.reports.supplier_prices import build_supplier_prices  # lazy: only its command needs it

        try:
            limit = Decimal(alert) if alert is not None else None
        except InvalidOperation:
            raise usage("--alert takes a percent, e.g. 25") from None
        span = span_of(period, begin, end)
        _root, book, problems = open_books(books)
        show(build(build_supplier_prices, book, span, item=item, supplier=supplier, alert=limit), fmt, output,
             csv_dialect, lang=book_language(book))
        warn_errors(problems)

    @report_app.command("usage", rich_help_panel="Reports")
    def usage_report(
        books: BooksOpt = None,
        period: PeriodOpt = None,
        begin: BeginOpt = None,
        end: EndOpt = None,
        location: LocOpt = None,
        item: ItemOpt = None,
        every_item: Annotated[bool, typer.Option("--all", help="Every item used, not only recipe ingredients.")]
        = False,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Theoretical usage (sales through recipes) against actual usage (stock ledger, counts), valued.

        \b
        Examples:
          kebir report usage --books ledger-data -p 2025-03 --location MTF
          kebir report usage --books ledger-data -p 2025Q2 --item DAI --format csv
        """
        from core.reports.usage import build_usage  # lazy: only its command needs it (kebir start-up)

        span = span_of(period, begin, end)
        _root, book, problems = open_books(books)
        show(build(build_usage, book, span, location=location, item=item, only_recipes=not every_item), fmt,
              output, csv_dialect, lang=book_language(book))
        warn_errors(problems)

    @report_app.command("waste", rich_help_panel="Reports")
    def waste_report(
        books: BooksOpt = None,
        period: PeriodOpt = None,
        begin: BeginOpt = None,
        end: EndOpt = None,
        by: Annotated[str, typer.Option("--by", help="reason, item or location.")] = "reason",
        location: LocOpt = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Waste by reason, item or location, valued as the stock ledger booked it.

        Reasons are stock/reasons.yaml's; a waste move names one in its `reason` column
        (docs/production.md, "Waste by reason").

        \b
        Examples:
          kebir report waste --books ledger-data -p 2025-09
          kebir report waste --books ledger-data -p 2025Q3 --by item --location BSK --format csv
        """
        from core.reports.waste import BY, build_waste  # lazy: only its command needs it (kebir start-up)

        if by not in BY:
            raise usage(f"--by takes one of {', '.join(BY)}")
        span = span_of(period, begin, end)
        _root, book, problems = open_books(books)
        show(build(build_waste, book, span, by, location=location), fmt, output, csv_dialect,
             lang=book_language(book))
        warn_errors(problems)

    @plan_app.command("purchases", rich_help_panel="Daily")
    def purchases(
        books: BooksOpt = None,
        start: Annotated[Optional[str], typer.Option(
            "--from", help="First day planned (YYYY-MM-DD). Default: the day after the last sale.")] = None,
        horizon: Annotated[str, typer.Option("--horizon", help="Days planned ahead, e.g. 7d or 14.")] = "7d",
        location: LocOpt = None,
        weeks: Annotated[int, typer.Option("--weeks", min=1, help="Weeks of the same weekday the forecast averages.")]
        = 4,
        forecast: Annotated[Optional[str], typer.Option(
            "--forecast", help="A forecast CSV (date,location,item,quantity) instead of the sales history.")] = None,
        write: Annotated[bool, typer.Option("--write", help="Write the suggestions as draft purchase orders.")]
        = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="With --write: show the diff; write nothing.")]
        = False,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """Material requirements: suggested purchase orders per supplier from the forecast and recipes.

        The forecast (same weekday over recent weeks, or --forecast FILE) is exploded through the
        recipes and netted against stock on hand, open purchase orders, lead times, minimum order
        quantities, multiples and reorder points (stock/supply.yaml).

        \b
        Examples:
          kebir plan purchases --books ledger-data --from 2025-12-01 --horizon 7d
          kebir plan purchases --books ledger-data --from 2025-12-01 --location MTF --format csv
          kebir plan purchases --books ledger-data --from 2025-12-01 --write --dry-run
        """
        import contextlib
        from datetime import date, timedelta
        from pathlib import Path

        from core.reports import planning  # lazy: only its command needs it (kebir start-up)

        days = horizon[:-1] if horizon.endswith("d") else horizon
        if not days.isdigit() or int(days) < 1:
            raise usage("--horizon takes a number of days, e.g. 7d")

        # --write reads the books, plans and writes the orders under the books lock
        with (writing(books) if write else contextlib.nullcontext(books)) as where:
            root, book, problems = open_books(None if where is None else str(where))
            try:
                rows = planning.read_forecast(Path(forecast)) if forecast else None
                if start:
                    first = date.fromisoformat(start)
                else:
                    last = dish_sales(book, orders=False)["date"].max()   # the day after the last till
                    first = (last + timedelta(days=1)) if last else date.today()
            except ValueError as exc:
                raise usage(str(exc)) from None
            lines = planning.plan_purchases(book, first, int(days), location=location, weeks=weeks, forecast_rows=rows)
            show(planning.plan_table(book, lines, first, int(days)), fmt, output, csv_dialect, lang=book_language(book))
            if write:
                files = {}
                for rel, records in planning.draft_orders(book, lines, first).items():
                    files[rel] = appended_text(root, rel, "orders", records)
                if files:
                    write_checked(root, files, dry_run, "draft purchase orders written")
            warn_errors(problems)
