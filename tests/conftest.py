"""Shared fixtures: small books written inline in the test, loaded the way the CLI loads them."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from core.model import errors

from core.erp.load import load_ledger
from core.model.records import Book

from core.close import validate

os.environ.setdefault("COLUMNS", "120")   # pin rich's width so text output is stable
os.environ.setdefault("NO_COLOR", "1")
# The per-user cache key (core/books/cachekey.py) and the txn journal key (core/books/userkey.py) lives under
# XDG_CONFIG_HOME: the tests, and the kebir processes they start, use their own, never the real home's.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="kebir-test-config-")

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "ledger-data"

BOOKS_TOML = """\
[company]
name = "Test Lokanta Ltd."
base_currency = "TRY"

[currencies]
TRY = 2
EUR = 2

[accounts]
rounding = "659.99"
inventory = "153"
cogs = "621"
goods_received = "329"
"""

ACCOUNTS = """\
- {code: "100", name: Kasa, type: cash}
- {code: "100.01", name: Kasa Kadıköy}
- {code: "100.02", name: Kasa Beşiktaş, closed: 2025-02-28}
- {code: "102", name: Bankalar, type: bank}
- {code: "102.01", name: İş Bankası TRY}
- {code: "102.02", name: Garanti EUR, currency: EUR}
- {code: "153", name: Ticari Mallar, type: asset}
- {code: "329", name: Faturası gelmemiş alımlar, type: liability}
- {code: "621", name: Satılan ticari mallar maliyeti, type: expense}
- {code: "320", name: Satıcılar, type: liability}
- {code: "320.01", name: Satıcılar TRY}
- {code: "570", name: Geçmiş Yıllar Kârları, type: equity}
- {code: "600", name: Yurt İçi Satışlar, type: income}
- {code: "600.01", name: Satışlar Kadıköy}
- {code: "659.99", name: Yuvarlama farkları, type: expense}
- {code: "770", name: Genel Yönetim Giderleri, type: expense}
- {code: "770.01", name: Kira}
"""

CONTACTS_ERP = """\
- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti., tax_id: "1234567890"}
- {id: SU-0001, kind: company, name: Kadıköy Balıkçısı, tax_id: "9876543217"}
"""

ITEMS = """\
- {id: FSH-LEVREK, name: Levrek, unit: kg, valuation: fifo}
"""

LOCATIONS = """\
- {id: KDK, name: Kadıköy, kind: restaurant}
- {id: BSK, name: Beşiktaş, kind: restaurant}
"""

BASE_FILES = {
    "books.toml": BOOKS_TOML,
    "accounts.yaml": ACCOUNTS,
    "contacts/erp/customers.yaml": CONTACTS_ERP,
    "stock/items.yaml": ITEMS,
    "stock/locations.yaml": LOCATIONS,
}


class Link(str):
    """A file to write as a symbolic link to this target (for hostile-input tests)."""

    @property
    def target(self) -> str:
        return str(self)


class Fifo(str):
    """A file to make as a named pipe (FIFO), which blocks whoever opens it to read."""

    fifo = True


def write_books(root: Path, files: dict[str, str | bytes | None], base: bool = True) -> Path:
    """Write a books directory: the base files, overridden (or removed with None) by `files`."""
    merged: dict[str, str | bytes | None] = {**(BASE_FILES if base else {}), **files}
    for rel, content in merged.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if getattr(content, "fifo", False):
            path.unlink(missing_ok=True)
            os.mkfifo(path)
        elif hasattr(content, "target"):      # a Link (duck-typed: conftest may be imported twice)
            path.unlink(missing_ok=True)
            path.symlink_to(content.target)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def check(root: Path, use_cache: bool = False) -> tuple[Book, list[errors.Problem]]:
    """Load, derive and validate, as `kebir validate` does."""
    book, problems = load_ledger(root, use_cache=use_cache, jobs=1)
    return book, errors.sorted_problems(problems + validate.run_all(book))


@pytest.fixture
def books(tmp_path: Path):
    """books(files) -> (book, problems) for an inline books directory."""
    counter = iter(range(10_000))

    def make(files: dict[str, str | bytes | None], base: bool = True):
        root = write_books(tmp_path / f"books{next(counter)}", files, base)
        return check(root)

    return make


@pytest.fixture
def books_dir(tmp_path: Path):
    """books_dir(files) -> Path of an inline books directory (for CLI tests)."""
    counter = iter(range(10_000))

    def make(files: dict[str, str | bytes | None], base: bool = True) -> Path:
        return write_books(tmp_path / f"books{next(counter)}", files, base)

    return make


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the shipped demo books (tests never touch ledger-data/ itself)."""
    dst = tmp_path_factory.mktemp("demo") / "ledger-data"
    shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns(".kebir"))
    return dst

from hypothesis import HealthCheck, settings as hyp_settings  # noqa: E402

# Derandomized and bounded: the same examples on every run, a few seconds per property.
hyp_settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
                              suppress_health_check=[HealthCheck.too_slow])
hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
