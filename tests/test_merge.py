"""`kebir dedup apply`: merges and links as one diff that `git revert` undoes, sealed records untouched,
merged parties counted once, survivorship rules, and the ERP tax-id guard."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from core.crm import merge
from core.ledger.period import parse_period
from core.reports.aging import build_aging
from core.reports.sales import build_sales
from tests.conftest import DEMO, check, write_books

RUN = CliRunner()


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts and ".kebir" not in p.parts and not p.name.startswith("plan.yaml")}


def kebir(*args: str) -> str:
    run = RUN.invoke(app, list(args))
    assert run.exit_code == 0, run.output
    return run.stdout


@pytest.fixture(scope="module")
def demo_merged(tmp_path_factory):
    """The demo books in git, January closed and committed, then every cluster of a scan accepted
    and applied as one commit."""
    root = tmp_path_factory.mktemp("merge") / "books"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".kebir"))
    git(root, "init", "-q")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "books")
    kebir("close", "2025-01", "--books", str(root), "--on", "2025-02-03", "--by", "Test <t@example.com>")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "close 2025-01")
    before_book, _ = check(root)
    before = snapshot(root)
    kebir("dedup", "scan", "--books", str(root), "-o", str(root / "plan.yaml"))
    plan = root / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("decision: pending", "decision: accept"), encoding="utf-8")
    run = RUN.invoke(app, ["dedup", "apply", str(plan), "--books", str(root), "--format", "json"])
    assert run.exit_code == 0, run.output
    git(root, "add", "-A", "--", "contacts", "orders")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "dedup apply")
    after_book, problems = check(root)
    return {"root": root, "before": before, "after": snapshot(root), "before_book": before_book,
            "book": after_book, "problems": problems}


def test_apply__the_books_still_validate_and_the_seal_holds(demo_merged):
    assert [p for p in demo_merged["problems"] if p.severity == "error"] == []
    merged = [c for c in demo_merged["book"].contacts.values() if c.get("merged_into")]
    assert len(merged) >= 15


def test_apply__sealed_period_and_issued_documents_are_byte_identical(demo_merged):
    before, after = demo_merged["before"], demo_merged["after"]
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert changed and all(rel.startswith(("contacts/", "orders/")) for rel in changed)
    assert "orders/2025/2025-01.yaml" not in changed and "closes/2025-01.yaml" in before
    assert all(before[rel] == after[rel] for rel in before if rel.startswith(("journals/", "closes/", "sales/",
                                                                              "stock/", "payroll/")))
    book = demo_merged["before_book"]
    for rel in changed:
        if not rel.startswith("orders/"):
            continue
        old = before[rel].decode().splitlines()
        new = after[rel].decode().splitlines()
        assert len(old) == len(new)
        for i, (a, b) in enumerate(zip(old, new)):
            if a != b:   # only the party of a draft or open order changes
                assert a.startswith("  party: ") and b.startswith("  party: "), (rel, i + 1, a, b)
                doc = next(d for d in book.documents if d.source.path == rel and d.source.line <= i + 1
                           and i + 1 - d.source.line < 8)
                assert doc.kind in merge.ORDER_KINDS and doc.status in merge.OPEN_STATUSES


def test_apply__reports_count_a_merged_party_once(demo_merged):
    book, before = demo_merged["book"], demo_merged["before_book"]
    aliases = {cid for cid, c in book.contacts.items() if c.get("merged_into")}
    on = date(2025, 12, 31)
    aging_after, aging_before = build_aging(book, "ar", on), build_aging(before, "ar", on)
    assert not aliases & {r[0] for r in aging_after.rows}
    assert aging_after.totals[-1] == aging_before.totals[-1]
    year = parse_period("2025")
    sales_after, sales_before = build_sales(book, "customer", year), build_sales(before, "customer", year)
    assert not aliases & {r[0] for r in sales_after.rows}
    assert sales_after.meta["net"] == sales_before.meta["net"]
    assert len(sales_after.rows) < len(sales_before.rows)


def test_apply__git_revert_gives_back_the_identical_files(demo_merged, tmp_path):
    root = tmp_path / "books"
    git(demo_merged["root"].parent, "clone", "-q", str(demo_merged["root"]), str(root))
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "revert", "--no-edit", "HEAD")
    reverted = snapshot(root)
    assert reverted == {k: v for k, v in demo_merged["before"].items() if k in reverted}
    assert set(reverted) == set(demo_merged["before"])


def test_apply__a_new_document_with_an_old_id_resolves_through_the_alias(demo_merged, tmp_path):
    root = tmp_path / "books"
    shutil.copytree(demo_merged["root"], root, ignore=shutil.ignore_patterns(".kebir", ".git"))
    book = demo_merged["book"]
    alias = next(cid for cid, c in sorted(book.contacts.items()) if c.get("merged_into") and c.role == "customer")
    survivor = book.resolve(alias)
    (root / "orders/2026").mkdir(parents=True)
    (root / "orders/2026/2026-01.yaml").write_text(f"""- id: INV-2026-0001
  kind: invoice
  date: 2026-01-05
  party: {alias}
  currency: TRY
  lines:
    - {{item: SRV-NAVLUN, quantity: "1", price: "1000.00", vat_rate: "20"}}
""", encoding="utf-8")
    new_book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    aging = {r[0]: r[-1] for r in build_aging(new_book, "ar", date(2026, 1, 31)).rows}
    assert alias not in aging and aging[survivor] >= D("1200.00")


def test_apply__a_second_run_changes_nothing(demo_merged):
    clusters, _ = merge.read_plan(demo_merged["root"] / "plan.yaml")
    again = merge.plan_apply(demo_merged["book"], clusters)
    assert again.files == {} and again.merged == [] and again.linked == []
    assert all("already merged" in why or "fewer" in why for _, why in again.skipped) or not again.skipped


# -- survivorship and guards, on small books --------------------------------------------------------

PARTIES = {
    "contacts/erp/customers.yaml": """\
- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Organizasyon Ltd. Şti., tax_id: "1234567890", \
email: muhasebe@bogazicietkinlik.com.tr, phone: "+90 212 555 01 23", address: Levent, created: 2023-05-01}
- {id: CU-0002, kind: company, name: Bogazici Etkinlik Org., email: info@bogazicietkinlik.com.tr, \
phone: "0212 555 0123", address: Maslak, created: 2025-02-01}
- {id: CU-0003, kind: company, name: Boğaziçi Etkinlik A.Ş., tax_id: "9999999994", created: 2024-01-01}
""",
    "contacts/crm/companies.yaml": """\
- {id: C-0001, kind: company, name: Boğaziçi Etkinlik, email: ayse@bogazici-etkinlik.com, \
phone: "0532 555 12 34", created: 2025-06-01}
- {id: C-0002, kind: company, name: Bogazici Etkinlik, created: 2022-01-01}
""",
    "contacts/crm/activities.yaml": """\
- {id: ACT-1, date: 2025-03-01, contact: C-0002, kind: call, subject: Menu tasting}
""",
}


def plan(*clusters: tuple[list[str], str]) -> list[dict]:
    return [{"cluster": i + 1, "decision": "accept", "members": [{"id": m} for m in members], "survivor": survivor,
             "fields": []} for i, (members, survivor) in enumerate(clusters)]


@pytest.fixture
def parties(tmp_path):
    root = write_books(tmp_path / "b", PARTIES)
    book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    return book


def test_survivorship__erp_wins_billing_crm_wins_contact_else_most_recent(parties):
    result = merge.plan_apply(parties, plan((["CU-0001", "CU-0002", "C-0001", "C-0002"], "CU-0001")))
    assert result.merged == [("C-0002", "C-0001"), ("CU-0002", "CU-0001")]
    assert result.linked == [("C-0001", "CU-0001")]
    cu1 = result.files["contacts/erp/customers.yaml"]
    # name and address: ERP wins (the survivor's ERP value); e-mail and phone: CRM wins, on both sides.
    assert "name: Boğaziçi Etkinlik Organizasyon Ltd. Şti." in cu1
    assert "email: ayse@bogazici-etkinlik.com" in cu1 and "merged_into: CU-0001" in cu1
    companies = result.files["contacts/crm/companies.yaml"]
    assert "merged_into: C-0001" in companies and "name: Boğaziçi Etkinlik Organizasyon Ltd. Şti." in companies
    assert "contact: C-0001" in result.files["contacts/crm/activities.yaml"]
    assert {(c.contact, c.field) for c in result.conflicts} >= {("CU-0001", "email"), ("CU-0001", "address")}
    address = next(c for c in result.conflicts if c.contact == "CU-0001" and c.field == "address")
    assert address.chosen == "Levent" and "ERP wins" in address.why


def test_survivorship__the_plan_pins_a_value_a_person_chose(parties):
    clusters = plan((["CU-0001", "CU-0002"], "CU-0001"))
    clusters[0]["fields"] = [{"field": "address", "value": "Maslak", "from": "CU-0002"}]
    result = merge.plan_apply(parties, clusters)
    assert "address: Maslak" in result.files["contacts/erp/customers.yaml"]


def test_guard__erp_parties_with_different_tax_ids_are_never_merged(parties):
    result = merge.plan_apply(parties, plan((["CU-0001", "CU-0003"], "CU-0001")))
    assert result.files == {} and result.merged == []
    assert "different tax ids" in result.skipped[0][1]


def test_only_accepted_clusters_are_applied(parties):
    clusters = plan((["CU-0001", "CU-0002"], "CU-0001"), (["C-0001", "C-0002"], "C-0001"))
    clusters[0]["decision"] = "reject"
    clusters[1]["decision"] = "pending"
    assert merge.plan_apply(parties, clusters).files == {}


@settings(max_examples=12, deadline=None)
@given(st.lists(st.sampled_from(["CU-0001", "CU-0002", "C-0001", "C-0002"]), min_size=2, max_size=4, unique=True))
def test_property__apply_then_restore_is_exact_and_a_second_apply_is_idempotent(tmp_path_factory, members):
    root = write_books(tmp_path_factory.mktemp("p") / "b", PARTIES)
    book, _ = check(root)
    before = snapshot(root)
    first = merge.plan_apply(book, plan((members, members[0])))
    for rel, text in first.files.items():
        (root / rel).write_text(text, encoding="utf-8")
    merged_book, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    assert merge.plan_apply(merged_book, plan((members, members[0]))).files == {}
    for rel in set(snapshot(root)) - set(before):     # what git revert does: new files go
        (root / rel).unlink()
    for rel, data in before.items():
        (root / rel).write_bytes(data)
    assert snapshot(root) == before


def test_scan__scored_pairs_for_scripts_as_csv_and_json(demo_ro):
    import csv
    import io
    import json

    out = RUN.invoke(app, ["dedup", "scan", "--books", str(demo_ro), "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and set(rows[0]) == {"cluster", "a", "b", "score", "confidence", "survivor"}
    assert all(0.9 <= float(r["score"]) <= 1 for r in rows)
    doc = json.loads(RUN.invoke(app, ["dedup", "scan", "--books", str(demo_ro), "--format", "json"]).stdout)
    assert len(doc["rows"]) == len(rows) and doc["compared_pairs"] > 0
