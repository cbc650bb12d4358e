"""kebir import bank: rules, Turkish number and date formats, duplicates, malformed rows; kebir import contacts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import check

STATEMENT = """\
Tarih;Açıklama;Tutar;Dekont
01.03.2025;POS 1234 MIGROS KADIKOY;-1.234,56;A001
02.03.2025;EFT GELEN BOGAZICI ETKINLIK;15.000,00;A002
02.03.2025;"HAVALE; kira, Mart";-85.000,00;A003
"""

RULES = """\
account: "102.01"
delimiter: ";"
columns: {date: Tarih, description: Açıklama, amount: Tutar, reference: Dekont}
date_format: "%d.%m.%Y"
decimal_mark: ","
rules:
  - {match: "(?i)migros", account: "770.01", payee: Migros}
  - {match: "(?i)bogazici", account: "600.01", payee: Boğaziçi Etkinlik, contact: CU-0001}
default_account: "770.01"
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def files(tmp_path: Path, statement: str = STATEMENT, rules: str = RULES) -> tuple[Path, Path]:
    s, r = tmp_path / "garanti-2025-03.csv", tmp_path / "garanti.rules.yaml"
    s.write_text(statement, encoding="utf-8")
    r.write_text(rules, encoding="utf-8")
    return s, r


def snapshot(root: Path) -> dict:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".kebir" not in p.parts}


def test_import_bank__rules_give_accounts_payees_and_signs(tmp_path, books_dir):
    root = books_dir({})
    s, r = files(tmp_path)
    res = run("import", "bank", str(s), "--rules", str(r), "--books", str(root))
    assert res.exit_code == 0, res.output
    assert (root / "journals/imports/garanti-2025-03.csv").read_text(encoding="utf-8") == textwrap.dedent("""\
        entry_id,date,memo,account,debit,credit,currency,rate,base,contact,posting_memo
        BK-102.01-20250301-A001,2025-03-01,Migros,102.01,,1234.56,TRY,,,,POS 1234 MIGROS KADIKOY
        BK-102.01-20250301-A001,2025-03-01,Migros,770.01,1234.56,,TRY,,,,
        BK-102.01-20250302-A002,2025-03-02,Boğaziçi Etkinlik,102.01,15000.00,,TRY,,,,EFT GELEN BOGAZICI ETKINLIK
        BK-102.01-20250302-A002,2025-03-02,Boğaziçi Etkinlik,600.01,,15000.00,TRY,,,CU-0001,
        BK-102.01-20250302-A003,2025-03-02,"HAVALE; kira, Mart",102.01,,85000.00,TRY,,,,
        BK-102.01-20250302-A003,2025-03-02,"HAVALE; kira, Mart",770.01,85000.00,,TRY,,,,
        """)
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    man = yaml.safe_load((root / "imports/garanti-2025-03.manifest.yaml").read_text(encoding="utf-8"))
    assert man["counts"] == {"rows_in": 3, "entries_out": 3, "postings_out": 6, "duplicates_skipped": 0}
    bank = next(t for t in man["totals"] if t["account"] == "102.01")
    assert bank == {"account": "102.01", "currency": "TRY", "debit_in": "15000.00", "credit_in": "86234.56",
                    "debit_out": "15000.00", "credit_out": "86234.56"}


def test_import_bank__the_same_statement_twice_adds_entries_once(tmp_path, books_dir):
    root = books_dir({})
    s, r = files(tmp_path)
    assert run("import", "bank", str(s), "--rules", str(r), "--books", str(root)).exit_code == 0
    before = snapshot(root)
    again = run("import", "bank", str(s), "--rules", str(r), "--books", str(root))
    assert again.exit_code == 0 and "3 duplicates skipped" in again.stderr
    assert snapshot(root) == before
    # an overlapping statement under another name adds only the new row
    s2 = tmp_path / "garanti-2025-03b.csv"
    s2.write_text(STATEMENT + "05.03.2025;POS MIGROS;-10,00;A004\n", encoding="utf-8")
    third = run("import", "bank", str(s2), "--rules", str(r), "--books", str(root))
    assert third.exit_code == 0 and "1 entries from 4 rows, 3 duplicates skipped" in third.stderr


def test_import_bank__a_malformed_row_names_file_line_and_imports_nothing(tmp_path, books_dir):
    root = books_dir({})
    bad = STATEMENT.replace("02.03.2025;EFT", "31.02.2025;EFT").replace("-1.234,56", "-1.234,5x")
    s, r = files(tmp_path, bad)
    before = snapshot(root)
    res = run("import", "bank", str(s), "--rules", str(r), "--books", str(root))
    assert res.exit_code == 1
    assert f"{s}:2: I007 error: bad number '-1234.5x'" in res.stderr
    assert f"{s}:3: I007 error: bad date '31.02.2025'" in res.stderr
    assert "nothing written" in res.stderr and snapshot(root) == before
    missing = STATEMENT.replace("Dekont", "Ref")
    s, r = files(tmp_path, missing)
    res = run("import", "bank", str(s), "--rules", str(r), "--books", str(root))
    assert res.exit_code == 1 and f"{s}:1: I007 error: column `Dekont` is missing from the header" in res.stderr


def test_import_bank__dry_run_shows_the_diff(tmp_path, books_dir):
    root = books_dir({})
    s, r = files(tmp_path)
    res = run("import", "bank", str(s), "--rules", str(r), "--books", str(root), "--dry-run")
    assert res.exit_code == 0 and "+++ b/journals/imports/garanti-2025-03.csv" in res.stdout
    assert not (root / "journals").exists()


def test_import_bank__same_bytes_for_the_same_input(tmp_path, books_dir):
    s, r = files(tmp_path)
    outs = []
    for _ in range(2):
        root = books_dir({})
        assert run("import", "bank", str(s), "--rules", str(r), "--books", str(root)).exit_code == 0
        outs.append({p.relative_to(root): b for p, b in snapshot(root).items()})
    assert outs[0] == outs[1]


CRM_CSV = """\
Record ID,Company name,Email,Phone,City,Type
H-1001,Kadıköy Kahve Evi,info@kahve.example,0216 555 1001,İstanbul,Company
H-1002,"Ayşe Demir",ayse@example.com,,Ankara,Person
"""
CRM_MAP = """\
file: companies
id: Record ID
kind: {column: Type, values: {Company: company, Person: person}}
fields: {name: Company name, email: Email, phone: Phone, city: City}
"""


def test_import_contacts__keeps_the_source_id_as_external_id_once(tmp_path, books_dir):
    root = books_dir({})
    src, mp = tmp_path / "hubspot.csv", tmp_path / "hubspot.map.yaml"
    src.write_text(CRM_CSV, encoding="utf-8")
    mp.write_text(CRM_MAP, encoding="utf-8")
    res = run("import", "contacts", str(src), "--side", "crm", "--map", str(mp), "--books", str(root))
    assert res.exit_code == 0, res.output
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    c = book.contacts["C-0001"]
    assert (c.name, c.kind, c.get("external_id"), c.get("city")) == ("Kadıköy Kahve Evi", "company", "H-1001",
                                                                    "İstanbul")
    assert book.contacts["C-0002"].kind == "person"
    before = snapshot(root)
    again = run("import", "contacts", str(src), "--side", "crm", "--map", str(mp), "--books", str(root))
    assert again.exit_code == 0 and "2 already imported" in again.stderr and snapshot(root) == before
    bad = run("import", "contacts", str(src), "--side", "sales", "--map", str(mp), "--books", str(root))
    assert bad.exit_code == 2


ERP_CSV = """Cari Kodu,Unvan,VKN
120.001,Boğaziçi Etkinlik Organizasyon Ltd. Şti.,{good}
120.002,,
120.003,Kadıköy Balıkçısı,1809813
120.004,Moda Kahve,{typo}
120.005,Fenerbahçe Fırın,
"""
ERP_MAP = "file: customers\nid: Cari Kodu\nfields: {name: Unvan, tax_id: VKN}\n"


def _vkn(nine: str) -> str:
    total = 0
    for i in range(9):
        t = (int(nine[i]) + 9 - i) % 10
        v = (t * 2 ** (9 - i)) % 9
        total += 9 if t and v == 0 else v
    return nine + str((10 - total % 10) % 10)


def test_import_contacts__good_rows_go_in_and_bad_rows_are_listed_with_their_line(tmp_path, books_dir):
    """An empty name, a 7-digit tax id and a VKN with a wrong check digit: three rows left out
    (I050, exit 0), the two good ones imported; --strict refuses the file (I011, exit 1)."""
    root = books_dir({})
    good = _vkn("123456789")
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)
    src, mp = tmp_path / "logo.csv", tmp_path / "logo.map.yaml"
    src.write_text(ERP_CSV.format(good=good, typo=typo), encoding="utf-8")
    mp.write_text(ERP_MAP, encoding="utf-8")
    before = snapshot(root)
    strict = run("import", "contacts", str(src), "--side", "erp", "--map", str(mp), "--books", str(root), "--strict")
    assert strict.exit_code == 1 and snapshot(root) == before
    assert [ln.split(": ")[0] for ln in strict.stderr.splitlines() if " I011 " in ln] == [
        f"{src}:3", f"{src}:4", f"{src}:5"]
    res = run("import", "contacts", str(src), "--side", "erp", "--map", str(mp), "--books", str(root))
    assert res.exit_code == 0, res.output
    left_out = [ln for ln in res.stderr.splitlines() if " I050 " in ln]
    assert [ln.split(": ")[0] for ln in left_out] == [f"{src}:3", f"{src}:4", f"{src}:5"]
    assert "the name is empty" in left_out[0] and "wrong form" in left_out[1] and "check digit" in left_out[2]
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    got = {c.get("external_id"): (cid, c.get("tax_id")) for cid, c in book.contacts.items() if c.get("external_id")}
    assert got == {"120.001": ("CU-0002", good), "120.005": ("CU-0003", None)}     # CU-0001 was there: no gaps
    assert "3 bad rows left out" in res.stderr
