"""The loader's registry of record-file kinds.

`core/books/` never imports a domain (`core/erp/`; tests/test_architecture.py holds every floor to
its imports): the domains register the record-file kinds they own (core.erp.kinds) with the
registry the loader reads through (core.books.kinds).
"""

from __future__ import annotations

import subprocess
import sys

from core.books import kinds, schema
from core.erp.load import load_ledger  # noqa: F401  (registers the domains' kinds, as every command does)
from tests.conftest import REPO, check, write_books


def test_every_yaml_record_file_kind__has_a_registered_reading():
    yaml_kinds = {fk.kind for fk in schema.FILE_KINDS if fk.fmt == "yaml"} - {"journal"}   # journals: frames
    registered = kinds.registered()
    assert yaml_kinds - set(registered) == set()
    for name in yaml_kinds:
        k = registered[name]
        assert (k.one, k.read, k.attach).count(None) == 2, name        # exactly one way to read it
        assert (k.field is None) == (k.attach is not None), name        # a Book field, or attached


def test_a_domain_kind__goes_where_its_record_says(tmp_path):
    """The register's asset, the recurring item and the March run arrive as their model types."""
    from core.model.assets import Asset
    from core.model.payroll import PayrollRun
    from core.model.recurring import Recurring

    root = write_books(tmp_path, {
        "assets/register.yaml": '- {id: FA-0001, name: Combi oven, acquired: 2025-01-15, cost: "120000.00", '
                                'method: straight-line, life_months: 60, account: "153", accumulated: "153", '
                                'expense: "621"}\n',
        "recurring.yaml": '- {id: RC-0001, kind: prepayment, start: 2025-03, months: 12, amount: "12000.00", '
                          'expense: "621", balance: "153"}\n',
        "payroll/2025/2025-03.yaml": '- id: PR-2025-03\n  period: 2025-03\n  date: 2025-03-31\n  lines:\n'
                                     '    - {employee: EM-0001, gross: "45000.00"}\n'})
    book, _ = check(root)
    # from 2025-02, 60 months
    assert [type(a) for a in book.assets] == [Asset] and book.assets[0].last_period == "2030-01"
    assert [type(r) for r in book.recurring] == [Recurring] and book.recurring[0].end == "2026-02"
    assert [type(r) for r in book.payroll] == [PayrollRun] and book.payroll[0].id == "PR-2025-03"


def test_loading_without_the_domains_kinds__says_so_instead_of_dropping_their_files(tmp_path):
    """A notebook that imports only the loader meets a fixed-asset register: a clear error naming
    the kind and the import, never a book silently without its assets."""
    root = write_books(tmp_path, {"assets/register.yaml": "[]\n"})
    code = ("import sys; from core.books.load import load_book\n"
            "try:\n    load_book(sys.argv[1], use_cache=False)\n"
            "except LookupError as exc:\n    print(type(exc).__name__, exc)\n")
    out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, cwd=REPO)
    assert out.stdout.startswith("UnregisteredKind no reader is registered for assets files: import core.erp.kinds"), \
        out.stdout + out.stderr
