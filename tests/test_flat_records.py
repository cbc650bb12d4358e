"""Contact files have one reader (core.books.flat): the loader takes a file's records from it when
the file is in kebir's flat form and clean, and `kebir dedup scan` reads the same lines the same
way. Whatever a person types, the two never disagree on a value: a line YAML would read otherwise
than the fast reader, or a record the schema refuses, goes through the general reader for both."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.books import readers
from core.books import flat, load, schema
from core.crm.dedup.read import read_contacts

BOOKS_TOML = '[company]\nname = "Kuşdili Lokantaları"\nbase_currency = "TRY"\n'

# contacts/crm/companies.yaml as a new bookkeeper types it: comments, blank lines, quotes where
# the value has a comma or a colon, Turkish letters, tags as a list
TYPED = """# CRM firms, entered by hand (March 2025)

- id: C-1
  kind: company
  name: Kapında Yemek Ltd. Şti.
  email: info@kapindayemek.com.tr
  phone: 0212 555 01 23
  address: 'Kuşdili Cad. No: 154, Kadıköy'
  city: İstanbul
  tags: [catering, vip]

- id: C-2
  kind: company
  name: "Moda Fırın \\"Ekmek\\" A.Ş."
  tax_id: '1234567890'
  city: Istanbul
"""


def books(tmp_path: Path, text: str, name: str = "contacts/crm/companies.yaml") -> Path:
    (tmp_path / "books.toml").write_text(BOOKS_TOML, encoding="utf-8")
    f = tmp_path / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text, encoding="utf-8")
    return tmp_path


def general(root: Path, rel: str, kind: str):
    """What the general reader (libyaml's events, the schema node by node) makes of a file."""
    return readers.read_tree(root, rel, kind)


def test_read_records__a_typed_file_gives_the_general_reader_s_records(tmp_path):
    root = books(tmp_path, TYPED)
    got = flat.read_records(root, "contacts/crm/companies.yaml", "crm-contacts")
    assert got is not None, "a clean file in the flat form is read by the fast reader"
    records, problems = got
    want, want_problems = general(root, "contacts/crm/companies.yaml", "crm-contacts")
    assert problems == want_problems == []
    assert [dict(r) for r in records] == [dict(r) for r in want]
    assert [r.line for r in records] == [r.line for r in want] == [3, 12]
    assert records[0]["tags"] == ["catering", "vip"] and records[1]["name"] == 'Moda Fırın "Ekmek" A.Ş.'


@pytest.mark.parametrize("line", [
    '  name:  "Kapında Yemek"',          # two spaces before the quote: YAML drops the quotes
    '  name: "Kapında Yemek" ',           # a space after the closing quote
    "  name: Kapında Yemek # eski ad",    # a comment after the value
    "  name: Kapında: Yemek",             # a colon and a space: not a plain value in YAML
    "  name: - Kapında",                  # a dash and a space
    "  name: 'Kapında Yemek",             # an unclosed single quote
    '  name: "Kapında \\u00c7"',          # an escape the fast reader does not decode
    "  name: Kapında\u2028Yemek",         # a line separator, a line break to YAML
    "  tags: vip",                        # tags are a list
    "  email: [a@b.com, c@d.com]",        # a list where a text belongs
    "  fax: 0212 555 01 24",              # not a field of a CRM contact
    "  tax_id: \"#12345\"",                # a tax id of the wrong form (starts with a sign)
    "  kind: firma",                      # not company or person
])
def test_read_records__what_the_fast_reader_would_misread_goes_to_the_general_reader(tmp_path, line):
    fields = {"kind": "  kind: company", "name": "  name: Kapında Yemek"}
    fields[line.split(":")[0].strip()] = line
    root = books(tmp_path, "- id: C-1\n" + "\n".join(fields.values()) + "\n")
    assert flat.read_records(root, "contacts/crm/companies.yaml", "crm-contacts") is None


def test_load_book__contacts_from_the_fast_reader_equal_the_general_reader_s(tmp_path):
    root = books(tmp_path, TYPED)
    book, problems = load.load_book(root, use_cache=False)
    records, _ = general(root, "contacts/crm/companies.yaml", "crm-contacts")
    role = schema.kind_of("contacts/crm/companies.yaml").role
    want = {r["id"]: readers.read_contact(r, "contacts/crm/companies.yaml", "crm", role, "crm-contacts")
            for r in records}
    assert dict(book.contacts) == want
    assert [p.code for p in problems] == []


def test_dedup_read__a_quoted_name_typed_with_two_spaces_reads_as_the_loader_reads_it(tmp_path):
    """`name:  "Kapında Yemek"`: YAML reads the name without its quotes. dedup's reader used to keep
    them, so the scan compared `"Kapında Yemek"` while every report showed Kapında Yemek."""
    root = books(tmp_path, '- id: C-1\n  kind: company\n  name:  "Kapında Yemek"\n  city: İstanbul\n')
    frame, _ = read_contacts(root)
    book, _ = load.load_book(root, use_cache=False)
    assert frame["name"].to_list() == [book.contacts["C-1"].name] == ["Kapında Yemek"]


def test_dedup_read__an_unknown_field_is_not_compared_where_the_loader_drops_it(tmp_path):
    """A field the schema does not know (validate says E011) is not part of the contact the loader
    reads; dedup read it as one more field, counting it in the record's completeness."""
    root = books(tmp_path, "- id: C-1\n  kind: company\n  name: Kapında Yemek\n  fax: 0212 555 01 24\n")
    frame, _ = read_contacts(root)
    book, problems = load.load_book(root, use_cache=False)
    assert "E011" in [p.code for p in problems]
    assert "fax" not in frame.columns and book.contacts["C-1"].get("fax") is None
