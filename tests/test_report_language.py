"""Every report speaks the books' language to people (text, markdown, HTML), from the one catalogue
(core/model/i18n.py, core/reports/speak.py); csv and json keep their ids and words in every language."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.model import i18n
from core.reports import Column, Table
from core.reports.speak import in_language

# Every report of the demo (which speaks Turkish), as a person asks for it.
REPORTS = [
    ["report", "trial-balance", "-p", "2025-01"],
    ["report", "trial-balance", "-p", "2025-01", "--layout", "mizan"],
    ["report", "balance-sheet", "--on", "2025-01-31"],
    ["report", "income-statement", "-p", "2025-01"],
    ["report", "cash-flow", "-p", "2025-01"],
    ["report", "ledger", "100", "-p", "2025-01"],
    ["report", "journal", "-p", "2025-01-02"],
    ["report", "stock", "-p", "2025-01"],
    ["report", "sales", "--by", "customer", "-p", "2025-01"],
    ["report", "sales", "--by", "month", "-p", "2025"],
    ["report", "kpi", "-p", "2025-01"],
    ["report", "aging", "ar", "--on", "2025-01-31"],
    ["report", "aging", "ap", "--on", "2025-01-31", "--detail"],
    ["report", "recipe-cost", "-p", "2025-01"],
    ["report", "usage", "-p", "2025-01"],
    ["crm", "pipeline"],
    ["crm", "activities", "-p", "2025-01"],
]


# Words people typed into the demo, not the report's: activity subjects ("Late delivery complaint", "Introductory
# call", "Office visit with samples").
TYPED = {"crm activities -p 2025-01": {"Late", "call", "visit", "party"}}   # "Introductory call", "New Year party ..."


def visible(page: str) -> str:
    page = re.sub(r"<style>.*?</style>|<code>.*?</code>|<script>.*?</script>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def english_in(page: str) -> list[str]:
    words = visible(page)
    return [w for w in i18n.english_words() if re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", words)]


@pytest.mark.slow   # seventeen reports of the demo, each loading it: 1-3 s a report on two shared cores
@pytest.mark.parametrize("fmt", ["html", "text"])
def test_every_report_of_the_demo__speaks_turkish_to_people(demo_copy, fmt):
    found = {}
    for args in REPORTS:
        run = CliRunner().invoke(app, [*args, "--books", str(demo_copy), "--format", fmt])
        assert run.exit_code in (0, 1), (args, run.output)
        if hit := [w for w in english_in(run.stdout) if w not in TYPED.get(" ".join(args), set())]:
            found[" ".join(args)] = hit
    assert found == {}


def test_cash_flow_and_kpi_tables__said_in_turkish_ids_kept():
    cf = Table("cash-flow", "Cash flow statement, 1-31 January 2025",
               (Column("account", "Account"), Column("name", "Name"), Column("amount", "Amount", "money")),
               (("", "Net change in cash", 1), ("", "Cash at 2025-01-31", 2), ("102", "Bankalar", 3)))
    tr = in_language(cf, "tr")
    assert tr.title == "Nakit akış tablosu, 1 Ocak - 31 Ocak 2025"
    assert [c.title for c in tr.columns] == ["Hesap", "Ad", "Tutar"]
    assert [c.key for c in tr.columns] == ["account", "name", "amount"]
    assert [r[1] for r in tr.rows] == ["Nakitteki net değişim", "31 Ocak 2025 itibarıyla nakit", "Bankalar"]
    assert in_language(cf, "en") is cf
    kpi = Table("kpi", "Key figures, 1-31 March 2025", (Column("kpi", "KPI"), Column("name", "Name")),
                (("dso_days", "DSO on credit sales (days)"),))
    assert in_language(kpi, "tr").rows == (("dso_days", "Vadeli satışlarda ortalama tahsilat süresi (gün)"),)


@pytest.mark.slow   # two reports of the demo, each loading it
def test_csv_and_json__keep_ids_and_words_in_a_turkish_book(demo_copy):
    run = CliRunner().invoke(app, ["report", "kpi", "-p", "2025-01", "--books", str(demo_copy), "--format", "json"])
    doc = json.loads(run.stdout)
    assert doc["title"] == "Key figures, 1-31 January 2025"
    assert doc["rows"][0]["kpi"] == "revenue" and doc["rows"][0]["name"] == "Revenue (net sales)"
    csv = CliRunner().invoke(app, ["report", "kpi", "-p", "2025-01", "--books", str(demo_copy), "--format", "csv"])
    assert csv.stdout.splitlines()[0].startswith("kpi,name,")
