"""`contacts forget` leaves nothing behind unsaid (issue 15, item 7): the person's tax id,
address, e-mail and phone stayed in `.kebir/cache/dedup-rows*.parquet` and its delta files, and a
phone written in a journal memo in another format was missed. Every cache is purged in the same
write; every remaining mention, in any file of the books and in any common format, is reported."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import write_books

PERSON = """\
- id: CU-0001
  kind: company
  name: Boğaziçi Etkinlik Ltd. Şti.
  tax_id: "1234567890"
- id: CU-0008
  kind: person
  name: Öznur Özer
  tax_id: "29343083990"
  email: oznur_ozer@gmail.com
  phone: "+90 539 555 54 06"
  address: "Ordu Cad. No: 83, Fatih"
  iban: "TR33 0006 1005 1978 6457 8413 26"
"""
CRM = """\
- id: C-0193
  kind: person
  name: Oznur Ozer
  email: OZNUR_OZER@GMAIL.COM
  phone: "0539 555 5406"
- id: C-0200
  kind: person
  name: Ayşe Yılmaz
  phone: "0539 555 5407"
""" + "".join(f"- id: C-{300 + n}\n  kind: person\n  name: Misafir {n:02d} Yolcu\n" for n in range(24))
# one line per format of the same phone, then the other personal values in other spellings
MEMOS = [
    ("+90 539 555 54 06", "phone"),
    ("0539 555 5406", "phone"),
    ("05395555406", "phone"),
    ("(539) 555-54-06", "phone"),
    ("0090.539.555.54.06", "phone"),
    ("OZNUR_OZER@gmail.COM", "e-mail"),
    ("ÖZNUR ÖZER", "name"),
    ("TCKN 293 430 839 90", "tax id"),
    ("tr330006100519786457841326", "IBAN"),
    ("ordu cad. no: 83, fatih", "address"),
]


def journal() -> str:
    out = []
    for n, (text, _) in enumerate(MEMOS, 1):
        out.append(f"- id: JE-{n}\n  date: 2025-03-{n:02d}\n  memo: \"Called back on {text}\"\n  postings:\n"
                   '    - {account: "770.01", debit: "10.00"}\n    - {account: "100.01", credit: "10.00"}\n')
    out.append('- id: JE-99\n  date: 2025-03-20\n  memo: "Ayşe Yılmaz, 0539 555 54 07: not the same person"\n'
               '  postings:\n    - {account: "770.01", debit: "10.00"}\n    - {account: "100.01", credit: "10.00"}\n')
    return "".join(out)


@pytest.fixture
def root(tmp_path) -> Path:
    root = write_books(tmp_path / "books", {"contacts/erp/customers.yaml": PERSON, "contacts/crm/people.yaml": CRM,
                                            "contacts/links.yaml": "- {crm: C-0193, erp: CU-0008}\n",
                                            "journals/2025/2025-03.yaml": journal(),
                                            "exports/customers.md": "| Customer |\n|---|\n| Öznur Özer |\n"})
    return root


def kebir(*args: str) -> tuple[int, str, str]:
    run = CliRunner().invoke(app, list(args))
    return run.exit_code, run.stdout, run.stderr


def cached_text(root: Path) -> str:
    """Every string held by every cache file (parquet and arrow tables read as tables, the rest as bytes)."""
    out = []
    for path in sorted((root / ".kebir" / "cache").rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in (".parquet", ".arrow"):
            frame = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_ipc(path)
            out += [str(v) for col in frame.columns if frame[col].dtype == pl.String for v in frame[col].to_list()]
        else:
            out.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def test_forget__purges_the_dedup_rows_and_delta_caches(root):
    # here the journal names nobody (a memo's mention is the memo's, reported and left to a person)
    (root / "journals/2025/2025-03.yaml").write_text(journal().split("- id: JE-99")[0].split("- id: JE-2\n")[0]
                                                     .replace("Called back on +90 539 555 54 06", "Petty cash"),
                                                     encoding="utf-8")
    (root / "exports/customers.md").unlink()
    assert kebir("dedup", "scan", "--books", str(root))[0] == 0
    people = root / "contacts/crm/people.yaml"       # a new record: the rows cache gets a delta file
    # (a delta while the new records are under a tenth of the cache)
    people.write_text(people.read_text() + "- id: C-0201\n  kind: person\n  name: Mehmet Kaya\n", encoding="utf-8")
    assert kebir("dedup", "scan", "--books", str(root))[0] == 0
    assert kebir("validate", "--books", str(root))[0] == 0
    caches = sorted(p.name for p in (root / ".kebir/cache").glob("dedup-rows*"))
    assert any("delta" in n for n in caches), caches
    before = cached_text(root)
    assert "29343083990" in before and "oznur_ozer@gmail.com" in before and "Ordu Cad" in before

    code, _, err = kebir("contacts", "forget", "CU-0008", "--reason", "KVKK request", "--books", str(root),
                         "--on", "2026-11-26")
    assert code == 0, err
    assert "cache file(s) under .kebir/cache purged" in err
    assert not list((root / ".kebir/cache").glob("dedup-rows*"))
    after = cached_text(root)         # what validate cached again after the write
    for value in ("29343083990", "oznur_ozer@gmail.com", "Ordu Cad", "539 555 54 06", "Öznur Özer"):
        assert value.lower() not in after.lower(), value


def test_forget__reports_every_remaining_mention_in_any_format(root):
    code, _, err = kebir("contacts", "forget", "C-0193", "--reason", "KVKK request", "--books", str(root),
                         "--on", "2026-11-26")
    assert code == 0, err
    mentioned = [ln for ln in err.splitlines() if "still mentioned" in ln]
    journal_path = str(root / "journals/2025/2025-03.yaml")
    for n, (text, kind) in enumerate(MEMOS, 1):
        line = 3 + (n - 1) * 6                     # the memo line of JE-n
        assert any(f"{journal_path}:{line}: {kind} " in m for m in mentioned), (text, kind, mentioned)
    assert any("exports/customers.md:3: name Öznur Özer" in m for m in mentioned), mentioned
    assert not any(f"{journal_path}:{3 + len(MEMOS) * 6}:" in m for m in mentioned), "another person's phone"
    assert not any("contacts/erp/customers.yaml" in m or "contacts/crm/people.yaml" in m for m in mentioned)


@pytest.mark.parametrize("written", ["+90 539 555 54 06", "0539 555 5406", "05395555406", "(539) 555-54-06",
                                     "+905395555406", "0 (539) 555 54 06", "539.555.54.06"])
def test_find_mentions__a_phone_in_any_common_format(tmp_path, written):
    from core.crm.forget import Needle, find_mentions, personal_needles
    from core.model.records import Contact
    from core.model.source import Source

    person = Contact(id="C-1", kind="person", name="Öznur Özer", side="crm", role="crm",
                     source=Source("contacts/crm/people.yaml", 1), fields=(("phone", "0539 555 54 06"),))
    needles = personal_needles([person])
    assert Needle("phone", "0539 555 54 06", "395555406") in needles
    (tmp_path / "note.txt").write_text(f"first line\ncall {written} after 5\n", encoding="utf-8")
    assert find_mentions(tmp_path, needles) == [("note.txt", 2, "phone 0539 555 54 06")]
    (tmp_path / "note.txt").write_text("call 0539 555 54 07, 2 times\n", encoding="utf-8")
    assert find_mentions(tmp_path, needles) == []


def test_forget__blanks_the_person_fields_that_identify_people(root):
    """The contact schemas gained the fields that identify a person (birth date, national id,
    postcode): forget removes them with the others."""
    path = root / "contacts/erp/customers.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '  iban: "TR33', '  birth_date: 1984-03-07\n  national_id: "X1234567"\n  postcode: "34080"\n  iban: "TR33'),
        encoding="utf-8")
    code, _, err = kebir("contacts", "forget", "CU-0008", "--reason", "KVKK request", "--books", str(root),
                         "--on", "2026-11-26")
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "1984-03-07" not in text and "X1234567" not in text and "34080" not in text
