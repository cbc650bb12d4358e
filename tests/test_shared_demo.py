"""The shared loads the suite's speed rests on (tests/conftest.py, docs/testing.md): a books
directory registered with `share_loads` is loaded once until one of its files changes, through
every `load_ledger` a test or a command calls; any other directory is loaded afresh each time."""

from __future__ import annotations

from core.erp import load
from cli import _common
from tests.conftest import ACCOUNTS, share_loads, write_books


def test_share_loads__one_load_until_a_file_of_the_books_changes(tmp_path):
    root = write_books(tmp_path / "books", {})
    with share_loads(root):
        first, _ = load.load_ledger(root)
        again, _ = _common.load_ledger(root)            # the name the commands call: the same Book
        assert again is first and "770.02" not in first.accounts
        (root / "accounts.yaml").write_text(ACCOUNTS + '- {code: "770.02", name: Elektrik}\n', encoding="utf-8")
        changed, _ = load.load_ledger(root)
        assert changed is not first and "770.02" in changed.accounts
    after, _ = load.load_ledger(root)
    assert after is not changed and "770.02" in after.accounts


def test_share_loads__other_books_are_loaded_each_time(tmp_path):
    root = write_books(tmp_path / "books", {})
    first, _ = load.load_ledger(root)
    assert load.load_ledger(root)[0] is not first


def test_demo_ro__every_load_of_the_shared_demo_is_the_same_book(demo_ro, demo_book):
    book, problems = load.load_ledger(demo_ro, use_cache=False, jobs=1)
    assert book is demo_book and [p for p in problems if p.severity == "error"] == []
