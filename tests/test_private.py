"""Confidential books (books.toml [private]): payroll detail and personal fields kept in a second
repository that only payroll staff can read. The main books post March's salaries from the run's
totals; the private books hold the lines those totals come from (the March run of
tests/test_payroll.py, worked by hand there: 45,000.00 and 30,000.00 + 1,250.00 commission)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import check, write_books

BOOKS_TOML = """\
[company]
name = "Test Lokanta Ltd."
base_currency = "TRY"

[accounts]
salaries = "770.08"
employer_contributions = "770.09"
net_pay = "335.01"
income_tax_payable = "360.01"
social_security_payable = "361.01"

[private]
path = "../private"
"""

ACCOUNTS = """\
- {code: "335.01", name: Personele borçlar, type: liability}
- {code: "360.01", name: Ödenecek vergi, type: liability}
- {code: "361.01", name: Ödenecek SGK, type: liability}
- {code: "770.08", name: Ücretler, type: expense}
- {code: "770.09", name: SGK işveren payı, type: expense}
"""

EMPLOYEES = """\
- {id: EM-0001, kind: person, name: Ayşe Yılmaz, hired: 2020-01-01}
- {id: EM-0002, kind: person, name: Mehmet Demir, hired: 2020-01-01}
"""

TOTALS_RUN = """\
- id: PR-2025-03
  period: 2025-03
  date: 2025-03-31
  memo: March salaries
  totals: {gross: "76250.00", employee_sgk: "10675.00", employee_unemployment: "762.50",
           income_tax: "3090.48", stamp_tax: "183.98", net: "61538.04", employer_sgk: "12009.38",
           employer_unemployment: "1525.00"}
  detail: "private: payroll/2025/2025-03.yaml"
"""

DETAIL_RUN = """\
- id: PR-2025-03
  period: 2025-03
  date: 2025-03-31
  lines:
    - {employee: EM-0001, gross: "45000.00"}
    - {employee: EM-0002, gross: "30000.00", commission: "1250.00"}
"""

PERSONAL = """\
- {id: EM-0001, email: ayse@example.com, iban: TR330006100519786457841326, gross_salary: "45000.00"}
"""

MAIN = {"books.toml": BOOKS_TOML, "accounts.yaml": ACCOUNTS, "contacts/erp/employees.yaml": EMPLOYEES,
        "payroll/2025/2025-03.yaml": TOTALS_RUN}


def make(tmp_path: Path, private: dict[str, str] | None, main: dict[str, str | None] = MAIN) -> Path:
    root = write_books(tmp_path / "books", dict(main), base=False)
    if private is not None:
        write_books(tmp_path / "private", private, base=False)
    return root


def codes(problems):
    return [(p.code, p.path, p.line) for p in problems]


def test_with_the_private_books__detail_matches_the_totals_and_personal_fields_show(tmp_path):
    root = make(tmp_path, {"payroll/2025/2025-03.yaml": DETAIL_RUN, "contacts/personal.yaml": PERSONAL})
    book, problems = check(root)
    assert problems == []
    assert book.private.readable and [r.id for r in book.private.runs] == ["PR-2025-03"]
    assert book.contacts["EM-0001"].get("email") == "ayse@example.com"
    assert book.contacts["EM-0001"].get("iban") == "TR330006100519786457841326"
    assert book.contacts["EM-0002"].get("email") is None


def test_without_the_private_books__the_same_ledger_and_one_warning_saying_what_is_unseen(tmp_path):
    with_private, _ = check(make(tmp_path / "a", {"payroll/2025/2025-03.yaml": DETAIL_RUN,
                                                  "contacts/personal.yaml": PERSONAL}))
    book, problems = check(make(tmp_path / "b", None))
    assert codes(problems) == [("W005", "books.toml", 12)]
    message = problems[0].message
    assert "../private" in message and "not checked out" in message
    assert "1 payroll run checked by its totals only" in message and "personal fields" in message
    assert book.contacts["EM-0001"].get("email") is None
    # The ledger is the same either way: the main books post from the totals.
    assert book.ledger().sort("entry_id", "account").equals(with_private.ledger().sort("entry_id", "account"))
    assert book.ledger().filter(pl.col("account") == "770.08")["base"].sum() == 7_625_000


def test_totals_that_differ_from_the_detail__E068_at_the_run_in_the_main_books(tmp_path):
    wrong = TOTALS_RUN.replace('gross: "76250.00"', 'gross: "76350.00"').replace('net: "61538.04"',
                                                                               'net: "61638.04"')
    root = make(tmp_path, {"payroll/2025/2025-03.yaml": DETAIL_RUN},
                {**MAIN, "payroll/2025/2025-03.yaml": wrong})
    _, problems = check(root)
    assert codes(problems) == [("E068", "payroll/2025/2025-03.yaml", 1)]
    p = problems[0]
    assert p.record == "PR-2025-03" and "../private/payroll/2025/2025-03.yaml" in p.message
    assert p.expected == "gross 76250.00, net 61538.04" and p.found == "gross 76350.00, net 61638.04"


def test_private_records_the_books_do_not_have__E069(tmp_path):
    stray = DETAIL_RUN.replace("PR-2025-03", "PR-2025-04").replace("2025-03-31", "2025-04-30") \
        .replace("2025-03", "2025-04")
    root = make(tmp_path, {"payroll/2025/2025-03.yaml": DETAIL_RUN, "payroll/2025/2025-04.yaml": stray,
                           "contacts/personal.yaml": PERSONAL + "- {id: EM-0099, email: x@example.com}\n"})
    _, problems = check(root)
    assert codes(problems) == [("E069", "../private/contacts/personal.yaml", 2),
                               ("E069", "../private/payroll/2025/2025-04.yaml", 1)]


def test_lines_in_both_books__E069(tmp_path):
    root = make(tmp_path, {"payroll/2025/2025-03.yaml": DETAIL_RUN},
                {**MAIN, "payroll/2025/2025-03.yaml": DETAIL_RUN})
    _, problems = check(root)
    assert codes(problems) == [("E069", "../private/payroll/2025/2025-03.yaml", 1)]


def test_a_submodule_inside_the_books__is_not_read_as_the_books_own_files(tmp_path):
    main = {**MAIN, "books.toml": BOOKS_TOML.replace('"../private"', '"private"'),
            "private/payroll/2025/2025-03.yaml": DETAIL_RUN, "private/contacts/personal.yaml": PERSONAL}
    root = write_books(tmp_path / "books", main, base=False)
    book, problems = check(root)
    assert problems == []
    assert [r.id for r in book.payroll] == ["PR-2025-03"] and book.payroll[0].lines == ()
    assert book.contacts["EM-0001"].get("email") == "ayse@example.com"


def test_bad_private_setting__E007(tmp_path):
    root = make(tmp_path, None, {**MAIN, "books.toml": BOOKS_TOML.replace('path = "../private"', "path = 3")})
    _, problems = check(root)
    assert codes(problems) == [("E007", "books.toml", 13)]


def test_cli__validate_warns_and_passes_strict_fails_json_names_the_warning(tmp_path):
    root = make(tmp_path, None)
    runner = CliRunner()
    plain = runner.invoke(app, ["validate", "--books", str(root)])
    assert plain.exit_code == 0 and "W005" in plain.output
    assert runner.invoke(app, ["validate", "--books", str(root), "--strict"]).exit_code == 1
    out = runner.invoke(app, ["validate", "--books", str(root), "--format", "json"])
    assert [p["code"] for p in json.loads(out.stdout)["problems"]] == ["W005"]
    # A report still runs, complete from the totals, and says what it could not see.
    tb = runner.invoke(app, ["report", "trial-balance", "--books", str(root), "--format", "csv"])
    assert tb.exit_code == 0 and "770.08" in tb.stdout and "W005" in tb.stderr
    # Checked out later: the warning goes away, nothing else changes.
    shutil.copytree(make(tmp_path / "later", {"payroll/2025/2025-03.yaml": DETAIL_RUN}).parent / "private",
                    tmp_path / "private")
    assert runner.invoke(app, ["validate", "--books", str(root)]).exit_code == 0
    after = runner.invoke(app, ["report", "trial-balance", "--books", str(root), "--format", "csv"])
    assert after.stdout == tb.stdout and "W005" not in after.stderr


def test_a_forgotten_contact_with_personal_fields_left_in_the_private_books__E069(tmp_path):
    forgotten = EMPLOYEES.replace("name: Ayşe Yılmaz,", "name: Forgotten person P-1, forgotten: 2025-06-01,")
    root = make(tmp_path, {"contacts/personal.yaml": PERSONAL}, {**MAIN, "contacts/erp/employees.yaml": forgotten})
    _, problems = check(root)
    assert codes(problems) == [("E069", "../private/contacts/personal.yaml", 1)]
    assert "forgotten" in problems[0].message


def test_fmt__leaves_a_private_submodule_alone(tmp_path):
    # Inside contacts/crm/ the submodule's files would match the CRM contacts' pattern: skipped.
    unformatted = PERSONAL.replace('gross_salary: "45000.00"', "gross_salary: '45000.00'")
    main = {**MAIN, "books.toml": BOOKS_TOML.replace('"../private"', '"contacts/crm/confidential"'),
            "contacts/crm/confidential/contacts/personal.yaml": unformatted}
    root = write_books(tmp_path / "books", main, base=False)
    book, problems = check(root)
    assert problems == [] and book.contacts["EM-0001"].get("email") == "ayse@example.com"
    result = CliRunner().invoke(app, ["fmt", "--books", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "contacts/crm/confidential/contacts/personal.yaml").read_text() == unformatted
