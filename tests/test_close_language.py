"""The close speaks the books' language to people: the terminal's checklist and summary, the memos of
the entries it writes into the journal, the close pack; json and the close record keep their English ids.
Written memos are data: the same bytes on a reclose, and a month closed in English keeps its memos.

The books: test_close.py's March (a 12,000.00 sale with 2,000.00 output VAT, 4,000.00 rent with 800.00
input VAT, EUR 1,000.00 bought at 37.0000 and worth 38.0000 on 31 March) and test_depreciation_law.py's
oven (120,000.00 over five years by VUK: 2,000.00 a month), in Turkish and in English.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli.close
from cli._common import stage_text
from cli.main import app
from core.books.closes import read_closes
from core.books.yamlnodes import parse
from core.close import validate
from core.erp.load import load_ledger
from core.model import i18n
from core.reports.speak import memo_text
from tests.test_close import close, make, run
from tests.test_depreciation_law import books_with_oven
from tests.test_report_language import english_in, visible

WHO = "Zeynep Kaya <z@lokanta.example>"


def speaking(root: Path, lang: str) -> Path:
    toml = root / "books.toml"
    toml.write_text(toml.read_text().replace('base_currency = "TRY"', f'base_currency = "TRY"\nlanguage = "{lang}"'),
                    encoding="utf-8")
    return root


def written(root: Path, period: str = "2025-03") -> dict[str, list[tuple[str, str, str]]]:
    """The close's entries as written: memo -> [(account, amount, leg memo)]."""
    tree, _ = parse((root / f"journals/{period[:4]}/{period}.close.yaml").read_text(encoding="utf-8"), "x")
    return {e["memo"]: [(p["account"], p.get("debit") or "-" + p["credit"], p.get("memo", "")) for p in e["postings"]]
            for e in tree}


def memos(root: Path, period: str = "2025-03") -> str:
    return "\n".join([m for m in written(root, period)] + [leg[2] for legs in written(root, period).values()
                                                            for leg in legs])


# -- a Turkish month of small books ----------------------------------------------------------------------------


def test_close_of_a_turkish_month__says_checklist_summary_and_memos_in_turkish(tmp_path):
    root = speaking(books_with_oven(tmp_path, "vuk"), "tr")
    dry = close(root, "2025-03", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert english_in(dry.stdout) == [], dry.stdout
    assert "2025-03 kapanışı" in dry.stdout     # results padded as wide as `atlandı`
    assert "[  tamam] Belgeler kaydedildi (documents-posted)" in dry.stdout
    # cost 120,000.00, one twelfth of 24,000.00 a year: 2,000.00 depreciated in March
    assert "maliyet 120,000.00, birikmiş amortisman 2,000.00 uyumlu" in dry.stdout
    assert dry.stdout.splitlines()[-1].startswith("3 dosya yazılacak: closes/2025-03.seal.csv (yeni, +")
    md = close(root, "2025-03", "--dry-run", "--format", "md")
    assert english_in(md.stdout) == [] and md.stdout.startswith("```")

    done = close(root, "2025-03", "--report", str(tmp_path / "pack"))
    assert done.exit_code == 0, done.output
    entries = written(root)
    # the oven: 2,000.00 to 770.01 against 257.01
    assert entries["2025-03 amortismanı"] == [("770.01", "2000.00", "FA-0001 2025-03 amortismanı"),
                                               ("257.01", "-2000.00", "FA-0001 2025-03 amortismanı")]
    # EUR 1,000.00 x (38.0000 - 37.0000) = 1,000.00 unrealised gain
    assert entries["2025-03 kur değerlemesi"] == [
        ("102.02", "0.00", "EUR 2025-03-31 kuru 38.0000"),
        ("646.01", "-1000.00", "gerçekleşmemiş kur farkı kârı, 102.02 EUR")]
    # output 2,000.00 - input 800.00 = 1,200.00 payable
    assert entries["2025-03 KDV mahsubu"] == [("391.03", "2000.00", "hesaplanan KDV mahsubu"),
                                             ("191.03", "-800.00", "indirilecek KDV mahsubu"),
                                             ("360.03", "-1200.00", "ödenecek KDV")]
    assert english_in(memos(root)) == []
    page = (tmp_path / "pack/close-2025-03.html").read_text(encoding="utf-8")
    assert english_in(page) == []
    assert "Durum</dt><dd>kapalı" in page and "kapatıldı 3 Nisan 2025" in page
    assert english_in(" ".join(re.findall(r'aria-label="([^"]*)"', page))) == []
    # the record stays English for scripts
    record = (root / "closes/2025-03.yaml").read_text(encoding="utf-8")
    assert "detail: cost 120000.00, accumulated depreciation 2000.00 agree" in record
    assert run("validate", "--books", str(root)).exit_code == 0


def test_the_same_month_in_english__stays_english(tmp_path):
    root = speaking(books_with_oven(tmp_path, "vuk"), "en")
    dry = close(root, "2025-03", "--dry-run")
    assert "[pass] Documents posted (documents-posted)" in dry.stdout
    assert dry.stdout.splitlines()[-1].startswith("would write 3 file(s): closes/2025-03.seal.csv (new, +")
    assert close(root, "2025-03", "--report", str(tmp_path / "pack")).exit_code == 0
    entries = written(root)
    assert entries["Depreciation 2025-03"][0] == ("770.01", "2000.00", "Depreciation FA-0001 2025-03")
    assert entries["FX revaluation 2025-03"][1] == ("646.01", "-1000.00", "unrealized exchange gain, 102.02 EUR")
    assert entries["VAT offset 2025-03"][2] == ("360.03", "-1200.00", "VAT payable")
    page = visible((tmp_path / "pack/close-2025-03.html").read_text(encoding="utf-8"))
    assert "Status closed" in " ".join(page.split()) and "Close checklist" in page


def test_json_of_a_turkish_close__keeps_english_ids_and_the_record_as_written(tmp_path):
    root = speaking(books_with_oven(tmp_path, "vuk"), "tr")
    out = close(root, "2025-03", "--dry-run", "--format", "json")
    doc = json.loads(out.stdout)
    rows = {r["check"]: r for r in doc["record"]["checklist"]}
    assert rows["asset-register-tie-out"] == {"check": "asset-register-tie-out", "result": "pass",
                                              "detail": "cost 120000.00, accumulated depreciation 2000.00 agree"}


def test_a_reclose_in_the_same_language__writes_the_same_bytes(tmp_path):
    root = speaking(books_with_oven(tmp_path, "vuk"), "tr")
    assert close(root).exit_code == 0
    first = (root / "journals/2025/2025-03.close.yaml").read_bytes()
    assert run("reopen", "2025-03", "--reason", "kira faturası düzeltildi", "--books", str(root),
               "--on", "2025-04-05", "--by", WHO).exit_code == 0
    assert not (root / "journals/2025/2025-03.close.yaml").exists()
    assert close(root).exit_code == 0
    assert (root / "journals/2025/2025-03.close.yaml").read_bytes() == first


def test_a_month_closed_in_english__keeps_its_memos_when_the_books_turn_turkish(tmp_path):
    root = speaking(books_with_oven(tmp_path, "vuk"), "en")
    assert close(root).exit_code == 0
    before = (root / "journals/2025/2025-03.close.yaml").read_bytes()
    toml = root / "books.toml"
    toml.write_text(toml.read_text().replace('language = "en"', 'language = "tr"'), encoding="utf-8")
    assert run("validate", "--books", str(root)).exit_code == 0        # the seal still holds
    assert (root / "journals/2025/2025-03.close.yaml").read_bytes() == before
    assert "Depreciation 2025-03" in written(root)


def test_the_progress_label_of_a_turkish_close__is_turkish(tmp_path, monkeypatch):
    heard = []
    root = speaking(make(tmp_path), "tr")
    monkeypatch.setattr(cli.close, "progress", lambda message, lang="en": heard.append((message, lang))
                        or _null())
    assert close(root, "2025-03", "--dry-run").exit_code == 0
    assert heard == [("2025-03 kapanışı: kontroller, kapanış kayıtları, mühür ...", "tr")]
    assert stage_text("Reading the books", "tr") == "Defterler okunuyor"
    assert stage_text("Reading the books", "en") == "Reading the books"


def _null():
    return contextlib.nullcontext()


def test_every_memo_pattern_of_the_close__is_said_in_turkish_with_its_fields_kept():
    samples = {"period": "2025-03", "year": "2025", "day": "2025-03-31", "cur": "EUR", "rate": "38.0000",
               "amount": "1200.00", "q": "1", "n": "90", "y": "3", "m": "2", "id": "FA-0001", "text": "Kombi fırın"}
    for key, (en, tr) in i18n.CATALOGUE.items():
        if key.startswith("memo."):
            fields = {f: samples[f] for f in re.findall(r"\{([a-z]+)\}", en)}
            assert memo_text(en.format(**fields), "tr") == tr.format(**fields), key
            assert memo_text(en.format(**fields), "en") == en.format(**fields)
    assert memo_text("Kasa sayımı, elle yazılmış", "tr") == "Kasa sayımı, elle yazılmış"


# -- the demo's January ------------------------------------------------------------------------------------------


@pytest.mark.slow       # the demo's January closed once: about 30 s on two shared cores
def test_the_demo_january_close__speaks_turkish_everywhere_a_person_reads(demo_copy, tmp_path):
    root = tmp_path / "ledger-data"
    shutil.copytree(demo_copy, root, ignore=shutil.ignore_patterns(".kebir", "closes", "*.close.yaml"))
    done = CliRunner().invoke(app, ["close", "2025-01", "--books", str(root), "--on", "2025-02-03", "--by", WHO,
                                    "--report", str(tmp_path / "pack")])
    assert done.exit_code == 0, done.output
    assert english_in(done.stdout) == [], done.stdout
    assert english_in(done.stderr.replace(str(root), "").replace(str(tmp_path), "")) == [], done.stderr
    assert english_in(memos(root, "2025-01")) == []
    assert "2025-01 amortismanı" in written(root, "2025-01")
    page = (tmp_path / "pack/close-2025-01.html").read_text(encoding="utf-8")
    assert english_in(page) == []
    assert "KDV hariç toplam" in page and "Mutabakat: KDV mahsup kaydı" in page


# -- CRM deal stages for people ----------------------------------------------------------------------------------


def test_deal_stages__said_in_turkish_on_the_customer_page_and_kept_in_csv(books_dir):
    files = {"books.toml": "[company]\nname = \"Aşçı Ltd.\"\nbase_currency = \"TRY\"\nlanguage = \"tr\"\n"
                           "[currencies]\nTRY = 2\n[accounts]\nrounding = \"659.99\"\n",
             "contacts/crm/people.yaml": "- {id: C-0001, kind: person, name: Ayşe Demir}\n",
             "contacts/crm/deals.yaml": "- {id: D-0001, contact: C-0001, name: Düğün yemeği, stage: proposal, "
                                        "amount: \"50000.00\", currency: TRY, created: 2025-03-01}\n"}
    root = books_dir(files)
    page = CliRunner().invoke(app, ["report", "customer", "C-0001", "--books", str(root), "--on", "2025-03-31"])
    assert page.exit_code == 0, page.output
    assert "teklif" in page.stdout and "proposal" not in page.stdout
    md = CliRunner().invoke(app, ["report", "customer", "C-0001", "--books", str(root), "--on", "2025-03-31",
                                  "--format", "md"])
    assert "| teklif |" in md.stdout.replace("  ", " ") or "teklif" in md.stdout.split("D-0001")[1].split("\n")[0]
    csv = CliRunner().invoke(app, ["report", "customer", "C-0001", "--books", str(root), "--on", "2025-03-31",
                                   "--format", "csv"])
    assert ",proposal" in csv.stdout


# -- item 6: a close record with a field written empty ----------------------------------------------------------


@pytest.mark.parametrize("empty", ["", "~"])
def test_a_close_record_with_an_empty_field__reads_as_problems_with_file_and_line(tmp_path, empty):
    # `by:` written empty in the history was a KeyError('by') before 43345b2; `~` is read as the text "~"
    # (kebir keeps every scalar a string): either way the record no longer agrees with its hashes (E101)
    root = make(tmp_path)
    assert close(root).exit_code == 0
    record = root / "closes/2025-03.yaml"
    text = record.read_text(encoding="utf-8")
    assert f"closed_by: {WHO}" in text and f"  by: {WHO}" in text
    text = text.replace(f"closed_by: {WHO}", f"closed_by: {empty}").replace(f"  by: {WHO}", f"  by: {empty}")
    record.write_text(text, encoding="utf-8")
    closes, _ = read_closes(root)
    assert closes["2025-03"].closed_by == (None if empty == "" else "~")
    assert closes["2025-03"].history[0].by == (None if empty == "" else "~")
    book, load_problems = load_ledger(root, use_cache=False, jobs=1)
    found = [p for p in load_problems + validate.run_all(book) if p.path == "closes/2025-03.yaml"]
    assert [(p.code, p.line, p.record) for p in found] == [("E101", 1, "2025-03")]
    out = run("validate", "--books", str(root))
    assert out.exit_code == 1 and isinstance(out.exception, SystemExit), out.exception
    assert "closes/2025-03.yaml:1: E101 error [2025-03]" in out.stdout


# -- item 7: each command speaks the language of its own books ----------------------------------------------


def test_a_report_speaks_the_language_of_its_books__not_of_the_books_opened_before(tmp_path):
    tr = speaking(make(tmp_path / "tr"), "tr")
    en = speaking(make(tmp_path / "en"), "en")
    first = run("report", "trial-balance", "-p", "2025-03", "--books", str(tr))
    assert "Mizan" in first.stdout
    kpi = run("report", "kpi", "-p", "2025-03", "--books", str(en), "--format", "md")
    assert "Key figures" in kpi.stdout and "Temel göstergeler" not in kpi.stdout
    again = run("report", "kpi", "-p", "2025-03", "--books", str(tr), "--format", "md")
    assert "Temel göstergeler" in again.stdout
