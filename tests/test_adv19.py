"""What the adversarial pass over issue 19 found, each held here with books typed inline."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.books.settings import read_settings
from tests.conftest import BOOKS_TOML, write_books

RUN = CliRunner()


@pytest.mark.parametrize("value", ['"13-01"', '"02-30"', '"02-29"', '"xx"', '"1-1"', "7"])
def test_a_fiscal_year_start_that_is_no_day__is_E007_at_its_line_and_the_reports_keep_working(tmp_path, value):
    toml = BOOKS_TOML.replace('base_currency = "TRY"\n', f'base_currency = "TRY"\nfiscal_year_start = {value}\n')
    root = write_books(tmp_path, {"books.toml": toml})
    settings, problems = read_settings(root)
    line = toml.splitlines().index(f"fiscal_year_start = {value}") + 1
    assert [(p.code, p.line) for p in problems] == [("E007", line)]
    assert settings.fiscal_year_start == "01-01"
    done = RUN.invoke(app, ["report", "balance-sheet", "--books", str(root), "-p", "2025-03"])
    assert done.exit_code == 1 and "internal error" not in done.output      # data error, not a crash


def test_a_fiscal_year_start_of_a_real_day__is_taken(tmp_path):
    toml = BOOKS_TOML.replace('base_currency = "TRY"\n', 'base_currency = "TRY"\nfiscal_year_start = "07-01"\n')
    settings, problems = read_settings(write_books(tmp_path, {"books.toml": toml}))
    assert problems == [] and settings.fiscal_year_start == "07-01"


@pytest.mark.parametrize("args", [["-b", "2025-03-01", "-e", "2025-02-01"], ["-b", "2025-03-01", "-e", "2025-03-01"],
                                  ["-p", "2025-03", "-b", "2025-05-01"]])
def test_a_span_with_no_days__is_a_usage_error_not_an_empty_report_titled_as_a_day(tmp_path, args):
    root = write_books(tmp_path, {})
    done = RUN.invoke(app, ["report", "trial-balance", "--books", str(root), *args])
    assert done.exit_code == 2 and "is not after the first day" in done.output


def test_a_one_day_span__still_reads(tmp_path):
    root = write_books(tmp_path, {})
    done = RUN.invoke(app, ["report", "trial-balance", "--books", str(root), "-b", "2025-03-01", "-e", "2025-03-02"])
    assert done.exit_code == 0, done.output


PLAN = """\
- cluster: 1
  decision: {decision}
  members:
  - {{id: CU-0001, side: erp}}
  - {{id: CU-0002, side: erp}}
  survivor: CU-0001
"""
TWINS = ("- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti., email: info@bogazici.com.tr}\n"
         "- {id: CU-0002, kind: company, name: Bogazici Etkinlik Ltd Sti, email: info@bogazici.com.tr}\n")


def _tree(root):
    """Every record file's bytes (the load cache under .kebir/ aside)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".kebir" not in p.relative_to(root).parts}


@pytest.mark.parametrize("decision", ["acept", "Accept", "yes"])
def test_a_plan_decision_kebir_does_not_know__stops_the_apply_at_its_line(tmp_path, monkeypatch, decision):
    root = write_books(tmp_path / "books", {"contacts/erp/customers.yaml": TWINS})
    (tmp_path / "plan.yaml").write_text(PLAN.format(decision=decision), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = _tree(root)
    done = RUN.invoke(app, ["dedup", "apply", "plan.yaml", "--books", "books"])
    assert done.exit_code == 1, done.output
    assert f"plan.yaml:2: E012 error [1]: cluster 1: decision '{decision}'" in done.output
    assert "books/plan.yaml" not in done.output                # the plan as given, not inside the books
    assert _tree(root) == before


def test_an_accepted_plan__still_merges(tmp_path, monkeypatch):
    root = write_books(tmp_path / "books", {"contacts/erp/customers.yaml": TWINS})
    (tmp_path / "plan.yaml").write_text(PLAN.format(decision="accept"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    done = RUN.invoke(app, ["dedup", "apply", "plan.yaml", "--books", "books"])
    assert done.exit_code == 0, done.output
    assert "merged_into: CU-0001" in (root / "contacts/erp/customers.yaml").read_text(encoding="utf-8")


def test_a_plan_that_is_not_a_list__is_named_as_given_not_inside_the_books(tmp_path, monkeypatch):
    write_books(tmp_path / "books", {})
    (tmp_path / "plan.yaml").write_text("cluster: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    done = RUN.invoke(app, ["dedup", "apply", "plan.yaml", "--books", "books"])
    assert done.exit_code == 1 and done.output.startswith("plan.yaml:1: E003"), done.output


MARCH = """\
- id: JE-1
  date: 2025-03-04
  postings:
    - {account: "770.01", debit: "100.00"}
    - {account: "100.01", credit: "100.00"}
"""


def test_close_dry_run_as_json__is_one_json_document_with_the_diff_inside(tmp_path):
    root = write_books(tmp_path, {"journals/2025/2025-03.yaml": MARCH})
    before = _tree(root)
    done = RUN.invoke(app, ["close", "2025-03", "--books", str(root), "--on", "2025-04-02", "--by", "Ayşe",
                            "--dry-run", "--format", "json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["record"]["period"] == "2025-03" and "+++ b/closes/2025-03.yaml" in out["diff"]
    assert _tree(root) == before


def test_dedup_apply_dry_run_as_json__is_one_json_document_with_the_diff_inside(tmp_path, monkeypatch):
    root = write_books(tmp_path / "books", {"contacts/erp/customers.yaml": TWINS})
    (tmp_path / "plan.yaml").write_text(PLAN.format(decision="accept"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = _tree(root)
    done = RUN.invoke(app, ["dedup", "apply", "plan.yaml", "--books", "books", "--dry-run", "--format", "json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["merged"] == [["CU-0002", "CU-0001"]] and "+  merged_into: CU-0001" in out["diff"]
    assert _tree(root) == before


def test_amounts_that_add_up_past_64_bits__are_E195_and_no_report_prints_a_wrapped_sum(tmp_path):
    big = "".join(f'- {{id: JE-{i}, date: 2025-03-04, postings: [{{account: "770.01", debit: "999999999999999.00"}}, '
                  f'{{account: "100.01", credit: "999999999999999.00"}}]}}\n' for i in range(100))
    root = write_books(tmp_path, {"journals/2025/2025-03.yaml": big})
    done = RUN.invoke(app, ["report", "trial-balance", "--books", str(root), "-p", "2025-03", "--format", "csv"])
    assert done.exit_code == 1
    assert "E195" in done.stdout and "84467440737095616" not in done.stdout and "770.01,Kira" not in done.stdout


def test_the_largest_amounts_that_still_add_up__report_exactly(tmp_path):
    big = "".join(f'- {{id: JE-{i}, date: 2025-03-04, postings: [{{account: "770.01", debit: "999999999999999.00"}}, '
                  f'{{account: "100.01", credit: "999999999999999.00"}}]}}\n' for i in range(40))
    root = write_books(tmp_path, {"journals/2025/2025-03.yaml": big})
    done = RUN.invoke(app, ["report", "trial-balance", "--books", str(root), "-p", "2025-03", "--format", "csv"])
    assert done.exit_code == 0, done.output
    assert "770.01,Kira,39999999999999960.00,0.00,39999999999999960.00" in done.stdout


@pytest.mark.parametrize("amount, hint", [("9999999999999999.00", "at most 15 digits before the point"),
                                          ("1e3", "write the amount out in digits"),
                                          (".inf", "write the amount out in digits")])
def test_an_amount_too_long_or_in_exponent_form__hint_says_what_to_write(books, amount, hint):
    _, problems = books({"journals/2025/2025-03.yaml": MARCH.replace('debit: "100.00"', f"debit: {amount}")})
    wrong = [p for p in problems if p.code == "E012"]
    assert [(p.line, hint in p.hint) for p in wrong] == [(4, True)], [(p.line, p.hint) for p in problems]
