"""`kebir init`, `kebir fmt`, `kebir accounts list|add|rename` and `kebir contacts add|forget`: starting
books, their canonical form and the common edits, validated as they are written
(core/books/newbooks.py, core/books/edit.py, core/close/checked.py)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli import _render
from cli._common import book_language, on_date, open_books, show, usage, warn_errors, write_checked, writing
from cli._options import BooksOpt, CsvDialectOpt, OutFormatOpt, OutputOpt
from core import git as gitrepo
from core.books import fmt as formatter
from core.books import discover
from core.books import store
from core.books.edit import EditError, add_account, add_contact, rename_account
from core.books.newbooks import is_books, new_books
from core.crm.forget import forget
from core.ledger.period import today
from core.model import errors
from core.model.errors import BooksError
from core.reports import Column, Table

DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing.")]


def fmt(
    books: BooksOpt = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Only list files that would change, each with its first differing line (file:line, as "
        "written, as formatted); exit 1 if any.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing.")] = False,
) -> None:
    """Rewrite record files into kebir's canonical form (idempotent).

    \b
    Examples:
      kebir fmt --books ledger-data --check
      kebir fmt --books ledger-data --dry-run
    """
    if check or dry_run:                 # writes nothing: a read-only checkout can be checked
        try:
            root = discover.find_books(books)
        except BooksError as exc:
            raise usage(f"{exc}") from None
        _fmt_in(root, check, dry_run)
    with writing(books) as root:         # read, format and write under the lock
        _fmt_in(root, check, dry_run)


def _fmt_in(root: Path, check: bool, dry_run: bool) -> None:
    changes, problems = formatter.format_book(root)
    hard = [p for p in problems if p.severity == errors.ERROR]
    for rel in formatter.skipped_for_comments(root):
        sys.stderr.write(f"{root / rel}: skipped: has YAML comments, which formatting would drop "
                         "(move them into `memo:` fields)\n")
    if hard:
        sys.stderr.write(_render.problems_text(errors.sorted_problems(hard), str(root),
                                               f"{len(hard)} file(s) cannot be formatted until these are fixed"))
    if check or dry_run:
        for c in changes:
            if dry_run:
                sys.stdout.writelines(difflib.unified_diff(c.old.splitlines(True), c.new.splitlines(True),
                                                           f"a/{c.path}", f"b/{c.path}"))
            else:
                line, was, becomes = formatter.first_difference(c)
                sys.stdout.write(f"{root / c.path}:{line}: would change\n    {was}\n -> {becomes}\n")
        raise typer.Exit(1 if (changes and check) or hard else 0)
    formatter.apply(root, changes)
    sys.stderr.write(f"formatted {len(changes)} file(s)\n")
    raise typer.Exit(1 if hard else 0)


def register(app: typer.Typer) -> None:
    accounts_app = typer.Typer(help="The chart of accounts: list, add, rename (references rewritten).",
                               no_args_is_help=True)
    contacts_app = typer.Typer(help="Contacts: add a customer, supplier, employee or CRM record.",
                               no_args_is_help=True)
    app.command(rich_help_panel="Data")(fmt)
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

        root = Path(directory)

        def refuse_if_taken() -> None:
            if root.exists() and (is_books(root) or any(p.name not in (".git", ".kebir") for p in root.iterdir())):
                raise usage(f"{root} is not empty{' and holds books' if is_books(root) else ''}: "
                             "kebir init never overwrites; give a new directory")

        refuse_if_taken()                  # before anything is made there
        try:
            files = new_books(name, template=template, chart=chart, currency=currency,
                              fiscal_year_start=fiscal_year_start)
        except ValueError as exc:
            raise usage(str(exc)) from None
        if root.exists() and not root.is_dir():
            raise usage(f"{root} is a file: kebir init never overwrites; give a new directory")
        root.mkdir(parents=True, exist_ok=True)
        with store.books_lock(root):       # two inits of one directory: the second finds it taken
            refuse_if_taken()
            store.apply_files(root, files)
        if git:
            try:
                gitrepo.init(root, f"books for {name}: {template} template, {chart} chart")
            except gitrepo.GitError as exc:
                sys.stderr.write(f"kebir: warning: the books are written but git failed ({exc}); "
                                 "run `git init` there yourself\n")
        sys.stderr.write(f"kebir: new books in {root} ({template}, {chart}, {currency}); next: "
                         f"kebir validate --books {root}\n")

    @accounts_app.command("list")
    def accounts_list(
        books: BooksOpt = None,
        under: Annotated[Optional[str], typer.Option("--under", help="Only this account and those under it.")]
        = None,
        fmt: OutFormatOpt = None,
        output: OutputOpt = None,
        csv_dialect: CsvDialectOpt = None,
    ) -> None:
        """The chart: code, name, type (inherited), parent, currency, and whether it holds postings.

        \b
        Examples:
          kebir accounts list --books ledger-data --under 770
          kebir accounts list --books ledger-data --format csv
        """

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
        show(Table("accounts", "Chart of accounts", cols, rows, None, {"company": book.settings.name}),
             fmt, output, csv_dialect, lang=book_language(book))
        warn_errors(problems)

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

        with writing(books) as root:       # the chart is read, changed and written under the lock
            root, book, _ = open_books(str(root))
            try:
                files = add_account(book, code, name, parent=parent, type_=type_, currency=currency)
            except EditError as exc:
                raise usage(str(exc)) from None
            write_checked(root, files, dry_run, f"account {code} added")

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

        with writing(books) as root:
            root, book, _ = open_books(str(root))
            try:
                files, count = rename_account(book, old, new)
            except EditError as exc:
                raise usage(str(exc)) from None
            write_checked(root, files, dry_run, f"account {old} renamed to {new} ({count} references)")

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
          kebir contacts add "Kalamış Yatçılık A.Ş." -F tax_id=4540536920 -F payment_terms=net30 --books ledger-data \
--dry-run
          kebir contacts add "Ayşe Yılmaz" --side crm --role person -F email=ayse@example.com --books ledger-data \
--dry-run
        """

        values: dict[str, str] = {}
        for item in field or []:
            key, eq, value = item.partition("=")
            if not eq or not key:
                raise usage(f"--field {item!r}: write KEY=VALUE")
            values[key.strip()] = value.strip()
        with writing(books) as root:       # the next free id is taken under the lock
            root, book, _ = open_books(str(root))
            try:
                cid, files = add_contact(book, side, role, name, values, contact_id)
            except EditError as exc:
                raise usage(str(exc)) from None
            write_checked(root, files, dry_run, f"contact {cid} added")
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

        with writing(books) as root:
            root, book, _ = open_books(str(root))
            try:
                done = forget(book, contact, reason, on_date(on) or today())
            except EditError as exc:
                raise usage(str(exc)) from None
            write_checked(root, done.files, dry_run, f"{', '.join(done.ids)} forgotten as {done.pseudonym}",
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
