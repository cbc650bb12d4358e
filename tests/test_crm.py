"""The front office on small books worked out by hand: pipeline, activities across linked and merged
ids, segments, the customer 360 and the CRM key figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.crm.pipeline import build_activities, build_customer, build_pipeline, build_segment, party_ids
from core.reports.kpi import crm_figures
from core.ledger.period import Span, parse_period
from core.reports.kpi import build_kpi
from tests.conftest import BOOKS_TOML

# Boğaziçi is one firm under three ids: the ERP customer CU-0001, the CRM company C-0001 linked to
# it, and C-0002, a CRM duplicate merged into C-0001. Kalamış (CU-0002) bought in Q1 only.
FILES = {
    "books.toml": BOOKS_TOML + 'sales = "600.01"\nreceivable = "120.01"\n',
    "accounts.yaml": """\
- {code: "100", name: Kasa, type: cash}
- {code: "100.01", name: Kasa Kadıköy}
- {code: "120", name: Alıcılar, type: asset}
- {code: "120.01", name: Alıcılar TRY}
- {code: "600", name: Yurt İçi Satışlar, type: income}
- {code: "600.01", name: Satışlar}
- {code: "153", name: Ticari Mallar, type: asset}
- {code: "329", name: Faturası gelmemiş alımlar, type: liability}
- {code: "621", name: SMM, type: expense}
- {code: "659.99", name: Yuvarlama, type: expense}
""",
    "contacts/erp/customers.yaml": """\
- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti., credit_limit: "5000.00", payment_terms: net30}
- {id: CU-0002, kind: company, name: Kalamış Yatçılık A.Ş.}
""",
    "contacts/crm/companies.yaml": """\
- {id: C-0001, kind: company, name: Boğaziçi Etkinlik, city: İstanbul, owner: EM-0001}
- {id: C-0002, kind: company, name: Bogazici Etkinlik Org., merged_into: C-0001}
- {id: C-0003, kind: company, name: Moda Düğün Salonu}
""",
    "contacts/erp/employees.yaml": "- {id: EM-0001, kind: person, name: Zeynep Kaya}\n",
    "contacts/links.yaml": "- {crm: C-0001, erp: CU-0001, since: 2025-01-10}\n",
    "contacts/crm/activities.yaml": """\
- {id: ACT-1, date: 2025-02-01, contact: C-0002, kind: call, subject: First call, outcome: positive}
- {id: ACT-2, date: 2025-02-03, contact: C-0001, kind: meeting, subject: Menu tasting, outcome: positive}
- {id: ACT-3, date: 2025-02-04, contact: C-0003, kind: email, subject: Price list, outcome: neutral}
""",
    "contacts/crm/campaigns.yaml": """\
- id: CMP-1
  name: Spring fair
  kind: event
  start: 2025-04-01
  cost: "3000.00"
  members: [C-0001, C-0003]
""",
    "contacts/crm/deals.yaml": """\
- {id: D-1, contact: C-0001, stage: won, amount: "10000.00", created: 2025-01-15, closed: 2025-03-01}
- {id: D-2, contact: C-0003, stage: proposal, amount: "8000.00", created: 2025-03-10, campaign: CMP-1}
- {id: D-3, contact: C-0002, stage: negotiation, amount: "1000.00", currency: EUR, created: 2025-03-20}
- {id: D-4, contact: C-0003, stage: lost, amount: "2000.00", created: 2025-02-01, closed: 2025-03-15}
""",
    "contacts/crm/segments.yaml": "- {id: OWING, name: Owes money, where: balance > 0}\n",
    "rates/2025.csv": "date,currency,rate\n2025-03-01,EUR,40.0000\n",
    "journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-01
          memo: Catering, Boğaziçi, on credit
          postings:
            - {account: "120.01", debit: "10000.00", contact: CU-0001}
            - {account: "600.01", credit: "10000.00", contact: CU-0001}
        - id: JE-2
          date: 2025-03-05
          memo: Kalamış dinner, cash
          postings:
            - {account: "100.01", debit: "2000.00"}
            - {account: "600.01", credit: "2000.00", contact: CU-0002}
    """,
    "journals/2025/2025-05.yaml": """
        - id: JE-3
          date: 2025-05-02
          memo: Boğaziçi pays part
          postings:
            - {account: "100.01", debit: "4000.00"}
            - {account: "120.01", credit: "4000.00", contact: CU-0001}
        - id: JE-4
          date: 2025-05-10
          memo: Moda wedding, cash
          postings:
            - {account: "100.01", debit: "6000.00"}
            - {account: "600.01", credit: "6000.00", contact: C-0003}
    """,
}


@pytest.fixture
def book(books):
    b, problems = books(FILES)
    assert [p for p in problems if p.severity == "error"] == []
    return b


def test_party_ids__link_and_alias_make_one_party(book):
    assert party_ids(book, "C-0002") == party_ids(book, "CU-0001") == {"C-0001", "C-0002", "CU-0001"}


def test_pipeline__open_deals_by_stage_weighted_on_a_day(book):
    p = build_pipeline(book, date(2025, 3, 31), parse_period("2025Q1"))
    rows = {r[1]: r for r in p.rows}
    assert rows["proposal"][2:4] == (1, D("8000.00")) and rows["proposal"][5] == D("4000.00")
    # 1,000 EUR at 40.0000 = 40,000.00 TRY, weighted 75%
    assert rows["negotiation"][3] == D("40000.00") and rows["negotiation"][5] == D("30000.00")
    assert rows["total open"][2] == 2 and p.meta["weighted"] == D("34000.00")
    assert rows["won"][2:4] == (1, D("10000.00")) and rows["lost"][2:4] == (1, D("2000.00"))
    assert p.meta["win_rate_pct"] == D("50.0")
    early = {r[1]: r[2] for r in build_pipeline(book, date(2025, 2, 20)).rows}
    assert early["negotiation"] == 2      # D-1 and D-4 were still open then (closed later)


def test_activities__one_party_across_its_ids(book):
    acts = build_activities(book, contact="CU-0001")
    assert [r[1] for r in acts.rows] == ["ACT-1", "ACT-2"] and {r[2] for r in acts.rows} == {"C-0001"}


def test_segment__a_saved_condition_and_an_ad_hoc_one(book):
    seg = build_segment(book, "balance > 0", date(2025, 6, 30))
    assert [(r[0], r[14]) for r in seg.rows] == [("CU-0001", D("6000.00"))]
    everyone = build_segment(book, "revenue > 0", date(2025, 6, 30))
    assert {r[0]: r[12] for r in everyone.rows} == {"CU-0001": D("10000.00"), "CU-0002": D("2000.00"),
                                                     "C-0003": D("6000.00")}
    with pytest.raises(ValueError, match="columns: id"):
        build_segment(book, "colour = 'red'", date(2025, 6, 30))


def test_customer_360__profile_history_balance_and_credit(book):
    c = build_customer(book, "C-0002", date(2025, 6, 30))
    assert c.meta["ids"] == ["C-0001", "C-0002", "CU-0001"]
    assert c.meta["balance"] == D("6000.00") and c.meta["credit_limit"] == D("5000.00")
    assert c.meta["days_past_due"] == 91    # due 2025-03-31 (net30), seen on 2025-06-30
    assert c.meta["net_sales"] == D("10000.00") and c.meta["open_deals"] == 1
    sections = [r[0] for r in c.rows]
    assert {"profile", "activity", "deal", "campaign", "open item", "balance"} <= set(sections)
    assert ("balance", "2025-06-30", "", "credit limit", D("5000.00"), "over") in c.rows


def test_crm_kpis__churn_new_customers_and_acquisition_cost(book):
    q2 = parse_period("2025Q2")
    f = crm_figures(book, q2, window=3)
    # Q1: CU-0001 and CU-0002 bought; Q2: only C-0003 (new). With a churn window of a quarter (3
    # months), both are lost by the end of Q2: churn 2 of 2; CAC 3,000 / 1.
    assert (f["active_before"], f["active"], f["new"], f["churned"]) == (2, 1, 1, 2)
    # with the default 12 months nobody is lost yet: all three were invoiced within the year
    assert crm_figures(book, q2)["churned"] == 0
    k = {r[0]: r[2] for r in build_kpi(book, q2, churn_months=3).rows}
    assert k["churn_pct"] == D("100.0") and k["cac"] == D("3000.00")
    # CLV = revenue per customer 6,000 x margin 100% / churn 1.0 = 6,000.00
    assert k["clv"] == D("6000.00")
    assert crm_figures(book, Span(date(2025, 1, 1), date(2025, 4, 1)))["new"] == 2


def test_cli__crm_commands_on_the_demo(demo_ro):
    runner = CliRunner()
    for args in (["crm", "pipeline", "--on", "2025-12-31"], ["crm", "activities", "-p", "2025-03", "--kind", "ticket"],
                 ["crm", "segment", "VIP"], ["crm", "segment", "--where", "days_overdue > 30"],
                 ["report", "customer", "CU-0010"]):
        for fmt in ("text", "json", "csv", "html"):
            run = runner.invoke(app, [*args, "--books", str(demo_ro), "-f", fmt])
            assert run.exit_code == 0, (args, fmt, run.output)
    assert runner.invoke(app, ["crm", "segment", "NOPE", "--books", str(demo_ro)]).exit_code == 2
    assert runner.invoke(app, ["crm", "segment", "--where", "nonsense ===", "--books", str(demo_ro)]).exit_code == 2
    assert runner.invoke(app, ["report", "customer", "XX-1", "--books", str(demo_ro)]).exit_code == 2
