"""Close records are typed (core.books.closes.CloseRecord): read from closes/YYYY-MM.yaml and
written back as they were, through a close, a reopen, a second close and a filing; what a hand
edit adds is kept, so the history's hashes and the record digest still see it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from core.books.closes import CloseRecord, Event, Totals, history_problems, read_closes
from tests.conftest import write_books
from tests.test_seal_attacks import BOOKS_TOML, CHART, JANUARY, RATES

WHO = ["--by", "Zeynep Kaya <zeynep@lokanta.example>"]


def kebir(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def january(tmp_path: Path) -> Path:
    return write_books(tmp_path / "books", {"books.toml": BOOKS_TOML, "accounts.yaml": CHART,
                                            "journals/2025/2025-01.yaml": JANUARY, "rates/2025.csv": RATES})


def test_a_close_record_reads_typed_and_writes_back_the_same_bytes(tmp_path):
    books = january(tmp_path)
    record = books / "closes/2025-01.yaml"
    kebir("close", "2025-01", "--books", str(books), *WHO, "--on", "2025-02-03")
    texts = [record.read_text()]
    kebir("reopen", "2025-01", "--reason", "a late supplier invoice", "--books", str(books), *WHO,
          "--on", "2025-02-10")
    texts.append(record.read_text())
    kebir("close", "2025-01", "--books", str(books), *WHO, "--on", "2025-02-11")
    kebir("close", "2025-01", "--mark-filed", "--books", str(books), *WHO, "--on", "2025-02-20")
    texts.append(record.read_text())
    assert "filed: 'false'" in texts[1] and "filed: true" in texts[2]       # as kebir always wrote them
    for text in texts:
        record.write_text(text)
        rec = read_closes(books)[0]["2025-01"]
        # the flag read back is text, and is written back as text (as a reopen always has)
        as_text = text.replace("filed: false", "filed: 'false'").replace("filed: true", "filed: 'true'")
        assert isinstance(rec, CloseRecord) and rec.text() == as_text
    rec = read_closes(books)[0]["2025-01"]
    assert [e.event for e in rec.history] == ["closed", "reopened", "closed", "filed"]
    assert rec.history[1] == Event("reopened", by="Zeynep Kaya <zeynep@lokanta.example>", on="2025-02-10",
                                   reason="a late supplier invoice", hash=rec.history[1].hash)
    assert isinstance(rec.totals, Totals) and rec.totals.debit == rec.totals.credit
    assert rec.state == "closed" and rec.filed == "true" and history_problems(rec) == []


def test_a_field_added_by_hand_is_kept_and_breaks_the_hash(tmp_path):
    books = january(tmp_path)
    kebir("close", "2025-01", "--books", str(books), *WHO, "--on", "2025-02-03")
    record = books / "closes/2025-01.yaml"
    record.write_text(record.read_text().replace("- event: closed\n",
                                                 "- event: closed\n  note: approved by Ali\n"))
    rec = read_closes(books)[0]["2025-01"]
    assert rec.history[0].extra == (("note", "approved by Ali"),)
    assert history_problems(rec) == ["history entry 1 (closed) does not carry the hash of its content and of "
                                     "the entry before it"]
    record.write_text(record.read_text().replace("- check: documents-posted\n",
                                                 "- check: documents-posted\n  reviewer: Ali\n"))
    assert read_closes(books)[0]["2025-01"].checklist[0].extra == (("reviewer", "Ali"),)

