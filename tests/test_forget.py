"""`kebir contacts forget`: a person's personal data replaced by a pseudonym on every id of the
party, with every accounting record valid and every total unchanged."""

from __future__ import annotations

import shutil
from datetime import date

from typer.testing import CliRunner

from cli.main import app
from core.reports.aging import build_aging
from core.reports.trial_balance import build_trial_balance
from tests.conftest import DEMO, check


def test_forget__pseudonym_on_every_id_totals_unchanged(tmp_path):
    root = tmp_path / "books"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".kebir"))
    before, _ = check(root)
    person = next(c for c in before.contacts.values() if c.kind == "person" and c.role == "customer"
                  and any(link.erp == c.id for link in before.links))
    linked = next(link.crm for link in before.links if link.erp == person.id)
    run = CliRunner().invoke(app, ["contacts", "forget", person.id, "--reason", "erasure request",
                                   "--books", str(root), "--on", "2026-11-26"])
    assert run.exit_code == 0, run.output
    after, problems = check(root)
    assert [p for p in problems if p.severity == "error"] == []
    for cid in (person.id, linked):
        c = after.contacts[cid]
        assert c.name.startswith("Forgotten person P-") and c.get("email") is None and c.get("phone") is None
        assert c.get("forgotten") == "2026-11-26" and c.get("forgotten_reason") == "erasure request"
    assert after.contacts[person.id].name == after.contacts[linked].name          # one pseudonym for the party
    assert after.contacts[person.id].get("credit_limit") == person.get("credit_limit")
    assert build_trial_balance(after).rows == build_trial_balance(before).rows
    on = date(2025, 12, 31)
    assert [r[2:] for r in build_aging(after, "ar", on).rows] == [r[2:] for r in build_aging(before, "ar", on).rows]
    assert person.name not in (root / "contacts/erp/customers.yaml").read_text()


def test_forget__refuses_a_company_and_needs_a_reason(tmp_path):
    root = tmp_path / "books"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".kebir"))
    book, _ = check(root)
    company = next(c.id for c in book.contacts.values() if c.kind == "company" and c.role == "customer")
    run = CliRunner().invoke(app, ["contacts", "forget", company, "--reason", "x", "--books", str(root)])
    assert run.exit_code == 2 and "company" in run.output
    run = CliRunner().invoke(app, ["contacts", "forget", "CU-0016", "--reason", " ", "--books", str(root)])
    assert run.exit_code == 2
