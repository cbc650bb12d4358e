"""Shared fixtures: small books written inline in the test, loaded the way the CLI loads them."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
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
# Hypothesis keeps its example database and constants cache under ./.hypothesis by default: the
# checkout. The runs are derandomized (the profile below), so a temporary home loses nothing.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="kebir-test-hypothesis-"))

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


# -- the shared demo, read only (docs/testing.md) ----------------------------------------------------

def _demo_files(root: Path) -> dict[str, bytes]:
    """Every file of a books directory but its local .kebir/ (caches, lock), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".kebir" not in p.relative_to(root).parts}


def _signature(root: Path) -> tuple:
    """Every file of a books directory (its .kebir/ and .git/ aside) with its size, times and inode:
    a write of any kind (kebir's write-and-rename, or a test's write_text) changes it."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in (".kebir", ".git"))
        for name in sorted(filenames):
            st = os.stat(os.path.join(dirpath, name))
            out.append((dirpath, name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return tuple(out)


def _sharing(load):
    """`load_ledger` made to load a books directory registered with `share_loads` once for as long
    as none of its files changes, handing the same (frozen) Book to every later caller; any other
    directory is loaded as before."""
    shared: set[Path] = set()
    loaded: dict[tuple[str, bool], tuple[tuple, tuple[Book, list[errors.Problem]]]] = {}

    def shared_load(root, *, use_cache: bool = True, jobs: int | None = None):
        at = Path(root).resolve()
        if at not in shared:
            return load(root, use_cache=use_cache, jobs=jobs)
        key = (str(at), bool(use_cache))
        seen = loaded.get(key)
        signature = _signature(at)
        if seen is None or seen[0] != signature:
            seen = loaded[key] = (signature, load(root, use_cache=use_cache, jobs=jobs))
        book, problems = seen[1]
        return book, list(problems)

    shared_load.shared, shared_load.loaded = shared, loaded
    return shared_load


# Every `load_ledger` name the tests and the commands they run call (bound now or imported later)
# goes through one sharing wrapper (this file may be imported twice: the wrapper is made once);
# kebir processes a test starts load as they always do.
if not hasattr(load_ledger, "shared"):
    _original = load_ledger
    load_ledger = _sharing(_original)
    for _module in [m for n, m in list(sys.modules.items()) if n.split(".")[0] in ("core", "cli")]:
        if getattr(_module, "load_ledger", None) is _original:
            _module.load_ledger = load_ledger


@contextlib.contextmanager
def share_loads(root: Path):
    """While inside, every load of the books at `root` (the CLI's `--books` included) is served
    from one load until a file of theirs changes. For a directory many tests or commands read."""
    at = Path(root).resolve()
    load_ledger.shared.add(at)
    try:
        yield root
    finally:
        load_ledger.shared.discard(at)
        for key in [k for k in load_ledger.loaded if k[0] == str(at)]:
            del load_ledger.loaded[key]


@pytest.fixture(scope="session")
def demo_ro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo books for tests that only read them: one copy per worker, shared by the whole run
    and loaded once (every `load_ledger` of it, a command's `--books` included, gets the same Book).
    Never write into it (use `demo_copy` or a copy of your own): the run fails if a file changes."""
    dst = tmp_path_factory.mktemp("demo-ro") / "ledger-data"
    shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns(".kebir"))
    before = _demo_files(dst)
    with share_loads(dst):
        yield dst
    assert _demo_files(dst) == before, "a test wrote into the shared read-only demo (demo_ro): use demo_copy"


@pytest.fixture(scope="session")
def demo_checked(demo_ro: Path) -> tuple[Book, list[errors.Problem]]:
    """`check(demo_ro)`, once per worker: the demo book loaded, derived and validated, and its problems."""
    book, problems = check(demo_ro)
    return book, list(problems)


@pytest.fixture(scope="session")
def demo_book(demo_checked) -> Book:
    """The demo Book, loaded once per worker (frozen: share it, never replace into the fixture)."""
    return demo_checked[0]


# -- the run never writes into the checkout ----------------------------------------------------------

# Where a test run may write inside the checkout: git's own, the venv, Python's bytecode, pytest's
# cache, coverage's data. Anything else a run leaves behind is a test writing into the checkout.
_OWN = (".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")


def _checkout_state() -> dict[str, tuple[int, int]]:
    state = {}
    for dirpath, dirnames, filenames in os.walk(REPO):
        dirnames[:] = [d for d in dirnames if d not in _OWN and not d.endswith(".egg-info")]
        for name in filenames:
            if name.startswith(".coverage"):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            state[os.path.relpath(path, REPO)] = (st.st_size, st.st_mtime_ns)
    return state


def _updating() -> bool:
    """A run asked to rewrite generated files (golden files, docs) changes the checkout on purpose."""
    return any(os.environ.get(v) == "1" for v in ("KEBIR_UPDATE_GOLDEN", "KEBIR_UPDATE_DOCS"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):       # once, in the process that runs the session
        session.config._kebir_checkout = _checkout_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = getattr(session.config, "_kebir_checkout", None)
    if before is None or _updating():
        return
    after = _checkout_state()
    changed = sorted(rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"the test run wrote into the checkout ({len(changed)} file(s)): {', '.join(changed[:10])}; "
                   "tests write only under tmp_path (read the demo through demo_ro, write through demo_copy)")
        if reporter is not None:
            reporter.write_line(f"ERROR: {message}", red=True)
        else:
            sys.stderr.write(f"ERROR: {message}\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

from hypothesis import HealthCheck, settings as hyp_settings  # noqa: E402

# Derandomized and bounded: the same examples on every run, a few seconds per property. `--slow`
# (or KEBIR_SLOW_TESTS=1) runs ten times as many examples: before a release, or after touching the
# parsers, the derivation or the merge.
hyp_settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
                              suppress_health_check=[HealthCheck.too_slow])
hyp_settings.register_profile("slow", parent=hyp_settings.get_profile("ci"), max_examples=600)
hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="property tests with ten times as many examples (a few minutes more)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--slow"):
        os.environ["KEBIR_SLOW_TESTS"] = "1"      # seen by tests.conftest.examples in every worker
    if os.environ.get("KEBIR_SLOW_TESTS") == "1" and "HYPOTHESIS_PROFILE" not in os.environ:
        hyp_settings.load_profile("slow")


def examples(ci: int) -> int:
    """max_examples for a property that sets its own: `ci` in the default run, ten times that with --slow."""
    return ci * 10 if os.environ.get("KEBIR_SLOW_TESTS") == "1" else ci
