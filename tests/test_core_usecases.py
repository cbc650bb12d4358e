"""The smaller core pieces the cli now only calls: validate-with-changes (core/close/checked.py),
the one git door (core/git.py) and a statement's column spans (core/reports/columns.py)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from core import git
from core.close.checked import apply_checked, books_problems
from core.ledger.period import Span, parse_period
from core.reports import columns
from tests.conftest import check, write_books
from tests.test_close import MARCH, make

UNBALANCED = """\
- id: JE-2025-03-0009
  date: 2025-03-20
  memo: Flowers for the terrace, typed in a hurry
  postings:
    - {account: "770.01", debit: "350.00"}
    - {account: "102.01", credit: "305.00"}
"""


def test_apply_checked__a_balanced_entry_is_written(tmp_path):
    root = make(tmp_path)
    rent = UNBALANCED.replace('"305.00"', '"350.00"')
    done = apply_checked(root, {"journals/2025/2025-04.yaml": rent})
    assert done.written and (root / "journals/2025/2025-04.yaml").read_text() == rent
    assert [p for p in books_problems(root) if p.severity == "error"] == []


def test_apply_checked__an_entry_that_does_not_balance_is_put_back(tmp_path):
    root = make(tmp_path)
    march = (root / "journals/2025/2025-03.yaml").read_text()
    done = apply_checked(root, {"journals/2025/2025-03.yaml": march + UNBALANCED,
                                "journals/2025/2025-04.yaml": "[]\n"})
    assert not done.written
    assert any(p.record == "JE-2025-03-0009" for p in done.problems)
    assert (root / "journals/2025/2025-03.yaml").read_text() == march
    assert not (root / "journals/2025/2025-04.yaml").exists()


def test_apply_checked__purges_what_purge_names_in_the_same_write(tmp_path):
    root = make(tmp_path)
    (root / "notes.txt").write_text("old\n")
    done = apply_checked(root, {"journals/2025/2025-04.yaml": "[]\n"}, purge=lambda r: ["notes.txt"])
    assert done.written and done.purged == ["notes.txt"] and not (root / "notes.txt").exists()


def test_books_problems__is_what_validate_finds(tmp_path):
    root = make(tmp_path, journal=MARCH + UNBALANCED)
    _, expected = check(root)
    assert [(p.code, p.path, p.line) for p in books_problems(root, use_cache=False, jobs=1)] == \
        [(p.code, p.path, p.line) for p in expected]
    assert any(p.record == "JE-2025-03-0009" for p in expected)


def _repo(tmp_path: Path) -> Path:
    root = write_books(tmp_path / "books", {"a.txt": "one\n"}, base=False)
    git.init(root, "first")
    return root


def test_git__init_commits_everything_as_kebir(tmp_path):
    root = _repo(tmp_path)
    assert git.run(root, "log", "--format=%an <%ae> %s") == "kebir <kebir@localhost> first\n"
    assert git.run(root, "show", "HEAD:a.txt") == "one\n"


def test_git__commit_files_commits_exactly_the_files_named_including_a_deletion(tmp_path):
    root = _repo(tmp_path)
    git.run(root, "config", "user.name", "Zeynep Kaya")
    git.run(root, "config", "user.email", "z@lokanta.example")
    (root / "a.txt").unlink()
    (root / "b.txt").write_text("two\n")
    (root / "stray.txt").write_text("not mine\n")
    git.commit_files(root, {"a.txt": None, "b.txt": "two\n"}, "swap")
    assert sorted(git.run(root, "show", "--format=", "--name-only", "HEAD").split()) == ["a.txt", "b.txt"]
    assert "?? stray.txt" in git.run(root, "status", "--porcelain")


def test_git__a_refused_command_is_a_git_error_with_git_s_last_line(tmp_path):
    root = _repo(tmp_path)
    with pytest.raises(git.GitError, match=r"git show HEAD:nope.txt: fatal: .*nope.txt"):
        git.run(root, "show", "HEAD:nope.txt")


def test_git__replace_objects_are_ignored(tmp_path):
    """`git replace` cannot make another blob stand in for the one a commit names (docs/trust.md)."""
    root = _repo(tmp_path)
    real = git.run(root, "rev-parse", "HEAD:a.txt").strip()
    fake = subprocess.run(["git", "-C", str(root), "hash-object", "-w", "--stdin"], input="forged\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run(["git", "-C", str(root), "replace", real, fake], check=True)
    assert subprocess.run(["git", "-C", str(root), "show", "HEAD:a.txt"], capture_output=True,
                          text=True).stdout == "forged\n"                 # plain git is fooled
    assert git.run(root, "show", "HEAD:a.txt") == "one\n"
    assert git.blobs(root, [real]).split(b"\n", 1)[1].startswith(b"one\n")


def test_git__checkout_index_copies_what_is_staged_not_the_work_tree(tmp_path):
    root = _repo(tmp_path)
    (root / "a.txt").write_text("staged\n")
    git.run(root, "add", "a.txt")
    (root / "a.txt").write_text("only on disk\n")
    git.checkout_index(root, tmp_path / "copy")
    assert (tmp_path / "copy/a.txt").read_text() == "staged\n"


def test_columns__quarters_of_a_year_and_the_day_each_balance_is_taken(tmp_path):
    root = make(tmp_path)
    book, _ = check(root)
    cols = columns.statement_columns(parse_period("2025"), "Q", None, book)
    assert [label for label, _ in cols] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert columns.balance_days(parse_period("2025"), cols, book)[0] == ("2025Q1", date(2025, 3, 31))
    # one column, no period: the books' last posting date (the EUR deposit on 10 March)
    assert columns.balance_days(Span(), None, book) == [("amount", date(2025, 3, 10))]
    assert columns.column_days(Span(date(2025, 3, 1)), None, book) == {"amount": date(2025, 3, 10)}


def test_columns__an_open_span_runs_from_the_first_to_the_last_posting(tmp_path):
    book, _ = check(make(tmp_path))
    assert columns.bounded(Span(), book) == Span(date(2025, 3, 1), date(2025, 3, 11))
    cols = columns.statement_columns(Span(), None, "previous", book)
    assert cols[0] == ("amount", Span(date(2025, 3, 1), date(2025, 3, 11)))
    assert columns.statement_columns(Span(), None, None, book) is None


def test_columns__empty_books_have_nothing_to_make_columns_from(tmp_path):
    book, _ = check(make(tmp_path, journal="[]\n"))
    with pytest.raises(ValueError, match="give -p"):
        columns.statement_columns(Span(), "M", None, book)
    with pytest.raises(ValueError, match="give -p"):
        columns.bounded(Span(date(2025, 1, 1)), book)
