"""The customer page (`kebir report customer ID`): a page an account manager opens before a call.

One firm, typed by hand: Boğaziçi Etkinlik is the ERP customer CU-0050 (net30, credit limit
150,000.00), linked to the CRM company C-0101; CU-0057 was an old duplicate merged into CU-0050.

  INV-0001  2025-01-10   10,000.00 + 20% VAT =  12,000.00, due 2025-02-09
  INV-0002  2025-02-20   50,000.00 + 20% VAT =  60,000.00, due 2025-03-22
  INV-0003  2025-03-25  100,000.00 + 20% VAT = 120,000.00, due 2025-04-24
  PAY-0001  2025-02-15   12,000.00 allocated to INV-0001: paid
  PAY-0002  2025-03-28   20,000.00, no allocation: the oldest open item of the party, INV-0002 (issued
            to CU-0057 before the merge: the merged ids are one party, settled oldest first), which
            keeps 40,000.00 open; INV-0003 keeps all of its 120,000.00

By hand on 30 April 2025: INV-0002 40,000.00 open, 39 days late (9 in March + 30 in April): 31-60;
INV-0003 120,000.00 open, 6 days late: 1-30. Balance 160,000.00, over the 150,000.00 limit:
160,000 / 150,000 = 106.67%, shown as 107%. Net sales (without VAT) by month: January 10,000.00,
February 50,000.00, March 100,000.00, April none; the 12 months May 2024 - April 2025 add up to
160,000.00. Timeline, newest first: the call of 28 April, the proposal D-0002 (15 April, 50%),
the gala D-0001 won on 20 March, the tasting meeting of 3 February.
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.test_documents import ACCOUNTS, ROLES

GOLDEN = Path(__file__).resolve().parent / "golden" / "customer"
ON = date(2025, 4, 30)

FILES = {
    "books.toml": ROLES,
    "accounts.yaml": ACCOUNTS,
    "contacts/erp/customers.yaml": """\
- {id: CU-0050, kind: company, name: Boğaziçi Etkinlik Org. Ltd. Şti., tax_id: "1234567890", \
email: muhasebe@bogazicietkinlik.com.tr, phone: "+90 212 555 01 23", city: İstanbul, payment_terms: net30, \
credit_limit: "150000.00"}
- {id: CU-0057, kind: company, name: Bogazici Etkinlik, merged_into: CU-0050}
""",
    "contacts/crm/companies.yaml": """\
- {id: C-0101, kind: company, name: Bogazici Etkinlik Org., website: www.bogazicietkinlik.com.tr, source: event, \
created: 2024-05-02}
""",
    "contacts/links.yaml": "- {crm: C-0101, erp: CU-0050, since: 2024-06-01}\n",
    "contacts/crm/deals.yaml": """\
- {id: D-0001, contact: C-0101, name: "Spring gala, 200 guests", stage: won, amount: "100000.00", \
created: 2025-02-01, closed: 2025-03-20}
- {id: D-0002, contact: CU-0050, name: Summer terrace party, stage: proposal, amount: "80000.00", created: 2025-04-15}
""",
    "contacts/crm/activities.yaml": """\
- {id: ACT-0001, date: 2025-02-03, contact: C-0101, kind: meeting, subject: Gala menu tasting, outcome: positive}
- {id: ACT-0002, date: 2025-04-28, contact: C-0101, kind: call, subject: INV-0002 is past due, outcome: open}
""",
    "contacts/crm/campaigns.yaml": """\
- {id: CMP-2025-SPRING, name: Spring gala offers, kind: email, start: 2025-01-15, cost: "5000.00", members: [C-0101]}
""",
    "orders/2025/2025-03.yaml": """\
- id: INV-0001
  kind: invoice
  date: 2025-01-10
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "20"}]
- id: INV-0002
  kind: invoice
  date: 2025-02-20
  party: CU-0057
  lines: [{account: "600.01", quantity: "1", price: "50000.00", vat_rate: "20"}]
- id: INV-0003
  kind: invoice
  date: 2025-03-25
  party: CU-0050
  lines: [{account: "600.01", quantity: "1", price: "100000.00", vat_rate: "20"}]
- id: PAY-0001
  kind: payment
  date: 2025-02-15
  party: CU-0050
  amount: "12000.00"
  allocations:
    - {invoice: INV-0001, amount: "12000.00"}
- id: PAY-0002
  kind: payment
  date: 2025-03-28
  party: CU-0050
  amount: "20000.00"
""",
}


@pytest.fixture
def firm(books):
    book, problems = books(FILES)
    assert [p for p in problems if p.severity == "error"] == []
    return book


@pytest.fixture
def firm_dir(books_dir):
    return books_dir(FILES)


def test_page__the_firm_by_hand(firm):
    from core.crm.customer import build_customer_page
    from core.ledger.subledger import state_of

    page = build_customer_page(firm, "C-0101", ON, "en")      # asked by its CRM id: the same party
    assert page.main == "CU-0050" and page.name == "Boğaziçi Etkinlik Org. Ltd. Şti."
    assert [(p.id, p.side, p.merged_into) for p in page.ids] == [
        ("CU-0050", "erp", None), ("C-0101", "crm", None), ("CU-0057", "erp", "CU-0050")]
    assert dict(page.fields)["website"] == "www.bogazicietkinlik.com.tr"       # held by the CRM record only
    assert [(i.doc, i.days_late, i.bucket, i.amount) for i in page.items] == [
        ("INV-0002", 39, "31-60", D("40000.00")), ("INV-0003", 6, "1-30", D("120000.00"))]
    assert page.balance == D("160000.00") and page.credit_limit == D("150000.00")
    assert page.over_limit and page.used_pct == 107 and page.days_past_due == 39
    assert dict(page.buckets) == {"current": D("0.00"), "1-30": D("120000.00"), "31-60": D("40000.00"),
                                  "61-90": D("0.00"), "90+": D("0.00")}
    months = dict(page.months)
    assert list(months)[0] == "2024-05" and list(months)[-1] == "2025-04" and len(months) == 12
    assert (months["2025-01"], months["2025-02"], months["2025-03"], months["2025-04"]) == (
        D("10000.00"), D("50000.00"), D("100000.00"), D("0.00"))
    assert page.sales_12m == D("160000.00")
    assert [(e.day, e.id, e.status) for e in page.timeline] == [
        (date(2025, 4, 28), "ACT-0002", "open"), (date(2025, 4, 15), "D-0002", "proposal 50%"),
        (date(2025, 3, 20), "D-0001", "won 100%"), (date(2025, 2, 3), "ACT-0001", "positive")]
    assert [c[0] for c in page.campaigns] == ["CMP-2025-SPRING"]
    # the open items are the subledger's, as `kebir status` says them
    for item in page.items:
        assert D(state_of(firm, item.doc, "ar", ON).open).scaleb(-2) == item.amount


def _run(args: list[str], monkeypatch, columns: int = 80):
    monkeypatch.setenv("COLUMNS", str(columns))
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    return run.stdout


@pytest.mark.parametrize("file", [f"customer.{lang}.{ext}" for lang in ("tr", "en") for ext in ("txt", "html")])
def test_page__equals_its_golden_file(firm_dir, monkeypatch, file):
    _, lang, ext = file.split(".")
    out = _run(["report", "customer", "CU-0050", "--books", str(firm_dir), "--on", str(ON), "--lang", lang,
                "--format", {"txt": "text", "html": "html"}[ext]], monkeypatch)
    path = GOLDEN / file
    if os.environ.get("KEBIR_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("columns", [80, 120])
def test_page__fits_the_terminal_and_says_the_figures(firm_dir, monkeypatch, columns):
    out = _run(["report", "customer", "CU-0057", "--books", str(firm_dir), "--on", str(ON), "--lang", "tr"],
               monkeypatch, columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    for words in ("Müşteri: Boğaziçi Etkinlik Org. Ltd. Şti.", "160,000.00 TRY  limit aşıldı", "limitin %107",
                  "INV-0002", "60,000.00", "CU-0057", "C-0101", "CU-0050 ile birleştirildi", "D-0001",
                  "CMP-2025-SPRING", "31-60 gün"):
        assert words in out, words


def test_page__json_and_csv_keep_their_keys(firm_dir, monkeypatch):
    doc = json.loads(_run(["report", "customer", "CU-0050", "--books", str(firm_dir), "--on", str(ON),
                           "--format", "json"], monkeypatch))
    assert doc["report"] == "customer" and doc["balance"] == "160000.00" and doc["days_past_due"] == 39
    assert set(doc["rows"][0]) == {"section", "date", "ref", "detail", "amount", "status"}
    assert {r["ref"] for r in doc["rows"] if r["section"] == "open item"} == {"INV-0002", "INV-0003"}
    head = _run(["report", "customer", "CU-0050", "--books", str(firm_dir), "--on", str(ON), "--format", "csv"],
                monkeypatch).splitlines()[0]
    assert head == "section,date,ref,detail,amount,status"


def test_page_html__self_contained_escaped_and_a4_wide(firm):
    from core.crm.customer import build_customer_page
    from core.crm.customer_html import customer_page_html

    page = customer_page_html(build_customer_page(firm, "CU-0050", ON, "tr"))
    assert page.count("http") == 1                          # the CSP meta's attribute name only
    for banned in ("src=", "href=", "@import", "url(", "<script", "<link", "<img", "<iframe"):
        assert banned not in page, banned
    assert '<html lang="tr">' in page and "max-width: 794px" in page and page.count("<svg") == 2
    assert "Açık kalemler" in page and "Open items" not in page
    assert page == customer_page_html(build_customer_page(firm, "CU-0050", ON, "tr"))   # same books, same bytes
