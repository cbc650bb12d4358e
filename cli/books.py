"""`kebir init`, `kebir accounts list|add|rename` and `kebir contacts add`: starting books and the
common edits, validated as they are written (core/books/newbooks.py, core/books/edit.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli._options import BooksOpt, Fmt, FormatOpt, OutputOpt

DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing.")]


def _write_checked(root: Path, files: dict[str, str], dry_run: bool, what: str, purge_cache: bool = False) -> None:
    """Write `files`, then validate; if the books have more errors than before, put the old texts
    back and exit 1 naming the new problems. `purge_cache` deletes every file under .kebir/cache
    in the same write (as found under the lock, so nothing cached from the old texts is left).
    Called under the caller's books lock (cli.main.writing), which the lock below re-enters."""
    from cli import _render
    from cli.main import _write_or_show
    from core.model import errors
    from core.books import store
    from core.erp.load import load_ledger
    from core.close import validate
    from core.crm.forget import cache_files

    if dry_run:
        _write_or_show(root, files, True)
        if purge_cache and cache_files(root):
            sys.stderr.write(f"kebir: would purge {len(cache_files(root))} cache file(s) under .kebir/cache\n")
        return
    before_book, before_problems = load_ledger(root)
    before = errors.count_errors(before_problems + validate.run_all(before_book))
    old = {rel: (root / rel).read_text(encoding="utf-8") if (root / rel).exists() else None for rel in files}
    with store.books_lock(root, reentrant=True):
        purged = {rel: None for rel in cache_files(root)} if purge_cache else {}
        store.apply_files(root, {**files, **purged})
        book, problems = load_ledger(root)
        problems = errors.sorted_problems(problems + validate.run_all(book))
        if errors.count_errors(problems) > before:
            store.apply_files(root, {rel: text for rel, text in old.items()})
            sys.stdout.write(_render.problems_text([p for p in problems if p.severity == "error"], str(root),
                                                   f"kebir: {what} not written: it would make the books invalid"))
            raise typer.Exit(1)
    sys.stderr.write(f"kebir: {what}: {', '.join(sorted(files))}\n")
    if purged:
        sys.stderr.write(f"kebir: {len(purged)} cache file(s) under .kebir/cache purged\n")


def register(app: typer.Typer) -> None:
    accounts_app = typer.Typer(help="The chart of accounts: list, add, rename (references rewritten).",
                               no_args_is_help=True)
    contacts_app = typer.Typer(help="Contacts: add a customer, supplier, employee or CRM record.",
                               no_args_is_help=True)
    app.add_typer(accounts_app, name="accounts", rich_help_panel="Data")
    app.add_typer(contacts_app, name="contacts", rich_help_panel="Data")
    _forget(contacts_app)

    @app.command("init", rich_help_panel="Start")
    def init(
        directory: Annotated[str, typer.Argument(help="Where to create the books (a new or empty directory).")],
        name: Annotated[str, typer.Option("--name", help="The company's name.")] = "Yeni Şirket A.Ş.",
        template: Annotated[str, typer.Option("--template", help="restaurant, services, retail or empty.")]
        = "restaurant",
        chart: Annotated[str, typer.Option("--chart", help="tr-tdhp (Tekdüzen Hesap Planı) or ifrs-small.")]
        = "tr-tdhp",
        currency: Annotated[str, typer.Option("--currency", help="The base currency (ISO code).")] = "TRY",
        fiscal_year_start: Annotated[str, typer.Option("--fiscal-year-start", help="MM-DD.")] = "01-01",
        git: Annotated[bool, typer.Option("--git/--no-git", help="Make a git repository with a first commit.")]
        = True,
    ) -> None:
        """Create new books: books.toml, a chart of accounts, a template's records, git and editor settings.

        \b
        Examples:
          kebir init lokanta --name "Deniz Lokanta A.Ş." --template restaurant
          kebir init danismanlik --template services --chart ifrs-small --currency EUR
        """
        from cli.main import _usage
        from core.books import store
        from core.books.newbooks import is_books, new_books

        root = Path(directory)

        def refuse_if_taken() -> None:
            if root.exists() and (is_books(root) or any(p.name not in (".git", ".kebir") for p in root.iterdir())):
                raise _usage(f"{root} is not empty{' and holds books' if is_books(root) else ''}: "
                             "kebir init never overwrites; give a new directory")

        refuse_if_taken()                  # before anything is made there
        try:
            files = new_books(name, template=template, chart=chart, currency=currency,
                              fiscal_year_start=fiscal_year_start)
        except ValueError as exc:
            raise _usage(str(exc)) from None
        if root.exists() and not root.is_dir():
            raise _usage(f"{root} is a file: kebir init never overwrites; give a new directory")
        root.mkdir(parents=True, exist_ok=True)
        with store.books_lock(root):       # two inits of one directory: the second finds it taken
            refuse_if_taken()
            store.apply_files(root, files)
        if git:
            try:
                subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
                subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, capture_output=True)
                subprocess.run(["git", "-C", str(root), "-c", "user.name=kebir", "-c", "user.email=kebir@localhost",
                                "commit", "-q", "-m", f"books for {name}: {template} template, {chart} chart"],
                               check=True, capture_output=True)
            except (OSError, subprocess.CalledProcessError) as exc:
                sys.stderr.write(f"kebir: warning: the books are written but git failed ({exc}); "
                                 "run `git init` there yourself\n")
        sys.stderr.write(f"kebir: new books in {root} ({template}, {chart}, {currency}); next: "
                         f"kebir validate --books {root}\n")

    @accounts_app.command("list")
    def accounts_list(
        books: BooksOpt = None,
        under: Annotated[Optional[str], typer.Option("--under", help="Only this account and those under it.")]
        = None,
        fmt: FormatOpt = Fmt.text,
        output: OutputOpt = None,
    ) -> None:
        """The chart: code, name, type (inherited), parent, currency, and whether it holds postings.

        \b
        Examples:
          kebir accounts list --books ledger-data --under 770
          kebir accounts list --books ledger-data --format csv
        """
        from cli.main import _show, _warn_errors, open_books
        from core.reports import Column, Table

        _root, book, problems = open_books(books)
        used = set(book.ledger()["account"].unique().to_list())
        groups = book.groups()
        rows = tuple((a.code, a.name, a.type, a.parent or "", a.currency or "",
                      "group" if a.code in groups else ("posted" if a.code in used else ""), str(a.closed or ""))
                     for a in book.accounts.values()
                     if under is None or a.code == under or a.code.startswith(under + ".")
                     or _under(book, a.code, under))
        cols = (Column("code", "Code"), Column("name", "Name"), Column("type", "Type"), Column("parent", "Parent"),
                Column("currency", "Currency"), Column("use", "Use"), Column("closed", "Closed"))
        _show(Table("accounts", "Chart of accounts", cols, rows, None, {"company": book.settings.name}), fmt, output)
        _warn_errors(problems)

    @accounts_app.command("add")
    def accounts_add(
        code: Annotated[str, typer.Argument(help="The new code, e.g. 770.20.")],
        name: Annotated[str, typer.Argument(help="Its name.")],
        books: BooksOpt = None,
        parent: Annotated[Optional[str], typer.Option("--parent", help="Default: the code before the last dot.")]
        = None,
        type_: Annotated[Optional[str], typer.Option("--type", help="For a top-level account: asset, cash, bank, "
                                                     "liability, equity, income or expense.")] = None,
        currency: Annotated[Optional[str], typer.Option("--currency", help="Pin the account to one currency.")]
        = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Add an account to the chart, checked before it is written.

        \b
        Examples:
          kebir accounts add 770.20 "Personel Yemek Giderleri" --books ledger-data --dry-run
          kebir accounts add 102.04 "Ziraat Bankası EUR" --currency EUR --books ledger-data --dry-run
        """
        from cli.main import _usage, open_books, writing
        from core.books.edit import EditError, add_account

        with writing(books) as root:       # the chart is read, changed and written under the lock
            root, book, _ = open_books(str(root))
            try:
                files = add_account(book, code, name, parent=parent, type_=type_, currency=currency)
            except EditError as exc:
                raise _usage(str(exc)) from None
            _write_checked(root, files, dry_run, f"account {code} added")

    @accounts_app.command("rename")
    def accounts_rename(
        old: Annotated[str, typer.Argument(help="The code now.")],
        new: Annotated[str, typer.Argument(help="The code it becomes (accounts under it move along).")],
        books: BooksOpt = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Change an account's code and rewrite every reference: journals, documents, items, books.toml.

        \b
        Examples:
          kebir accounts rename 770.99 770.90 --books ledger-data --dry-run
          kebir accounts rename 102.03 102.09 --books ledger-data --dry-run
        """
        from cli.main import _usage, open_books, writing
        from core.books.edit import EditError, rename_account

        with writing(books) as root:
            root, book, _ = open_books(str(root))
            try:
                files, count = rename_account(book, old, new)
            except EditError as exc:
                raise _usage(str(exc)) from None
            _write_checked(root, files, dry_run, f"account {old} renamed to {new} ({count} references)")

    @contacts_app.command("add")
    def contacts_add(
        name: Annotated[str, typer.Argument(help="The contact's name.")],
        side: Annotated[str, typer.Option("--side", help="erp or crm.")] = "erp",
        role: Annotated[str, typer.Option("--role", help="erp: customer, supplier, employee; crm: company, "
                                          "person.")] = "customer",
        books: BooksOpt = None,
        contact_id: Annotated[Optional[str], typer.Option("--id", help="Default: the next free id.")] = None,
        field: Annotated[Optional[list[str]], typer.Option("--field", "-F", help="KEY=VALUE, e.g. -F tax_id=1234567890 "
                                                           "-F email=a@b.com (repeat).")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Add a customer, supplier, employee, or CRM company or person, checked before it is written.

        \b
        Examples:
          kebir contacts add "Kalamış Yatçılık A.Ş." -F tax_id=1234567897 -F payment_terms=net30 --books ledger-data --dry-run
          kebir contacts add "Ayşe Yılmaz" --side crm --role person -F email=ayse@example.com --books ledger-data --dry-run
        """
        from cli.main import _usage, open_books, writing
        from core.books.edit import EditError, add_contact

        values: dict[str, str] = {}
        for item in field or []:
            key, eq, value = item.partition("=")
            if not eq or not key:
                raise _usage(f"--field {item!r}: write KEY=VALUE")
            values[key.strip()] = value.strip()
        with writing(books) as root:       # the next free id is taken under the lock
            root, book, _ = open_books(str(root))
            try:
                cid, files = add_contact(book, side, role, name, values, contact_id)
            except EditError as exc:
                raise _usage(str(exc)) from None
            _write_checked(root, files, dry_run, f"contact {cid} added")
        if not dry_run:
            sys.stdout.write(cid + "\n")


def _forget(contacts_app: typer.Typer) -> None:
    @contacts_app.command("forget")
    def contacts_forget(
        contact: Annotated[str, typer.Argument(help="Any id of the person (CRM, ERP, or merged).")],
        reason: Annotated[str, typer.Option("--reason", help="Why (kept with the record).")],
        books: BooksOpt = None,
        on: Annotated[Optional[str], typer.Option("--on", help="The day recorded (default: today).")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Replace a person's personal data with a pseudonym; every accounting record stays valid.

        \b
        Examples:
          kebir contacts forget C-0193 --reason "erasure request 2026-11-20" --books ledger-data --dry-run
          kebir contacts forget CU-0016 --reason "KVKK request" --books ledger-data --on 2026-11-26 --dry-run
        """
        from cli.main import _on_date, _usage, open_books, writing
        from core.books.edit import EditError
        from core.crm.forget import forget
        from core.ledger.period import today

        with writing(books) as root:
            root, book, _ = open_books(str(root))
            try:
                done = forget(book, contact, reason, _on_date(on) or today())
            except EditError as exc:
                raise _usage(str(exc)) from None
            _write_checked(root, done.files, dry_run, f"{', '.join(done.ids)} forgotten as {done.pseudonym}",
                           purge_cache=True)
        for rel, line, what in done.mentions:
            sys.stderr.write(f"kebir: still mentioned: {root / rel}:{line}: {what} (edit it by hand if it is "
                             "personal data)\n")
        sys.stderr.write("kebir: git history keeps the earlier versions; docs/trust.md says how to purge them\n")


def _under(book, code: str, top: str) -> bool:
    seen = set()
    while code in book.accounts and code not in seen:
        seen.add(code)
        parent = book.accounts[code].parent
        if parent == top:
            return True
        code = parent or ""
    return False
