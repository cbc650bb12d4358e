"""Hostile and broken input never crashes kebir and never hangs: huge and deeply nested files, links
out of the books, spreadsheet formulas and script tags in names, and a bounded fuzz of the loaders."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from core.books import yamlnodes
from tests.conftest import Link, check, write_books

J = "journals/2025/2025-03.yaml"
GOOD = """\
- id: JE-1
  date: 2025-03-04
  memo: Rent
  postings:
    - {account: "770.01", debit: "100.00"}
    - {account: "320.01", credit: "100.00", contact: SU-0001}
"""


def validate(root: Path) -> tuple[int, str, float]:
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["validate", "--books", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output, time.perf_counter() - start


def test_a_200_mb_sparse_file__clear_error_quickly(tmp_path):
    root = write_books(tmp_path / "b", {J: GOOD})
    big = root / "journals/2025/2025-04.yaml"
    subprocess.run(["truncate", "-s", "200M", str(big)], check=True)
    code, out, seconds = validate(root)
    assert code == 1 and "journals/2025/2025-04.yaml:1:" in out and any(c in out for c in ("E001", "E003", "E006"))
    assert seconds < 30


def test_ten_thousand_deep_nesting__refused(tmp_path):
    deep = "- id: JE-1\n  memo: " + "[" * 10_000 + "]" * 10_000 + "\n"
    root = write_books(tmp_path / "b", {J: deep})
    code, out, seconds = validate(root)
    assert code == 1 and ("E006" in out or "E001" in out) and "2025-03.yaml:" in out and seconds < 30


def test_a_link_out_of_the_books__not_read(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("- id: JE-9\n  memo: do not read me\n")
    root = write_books(tmp_path / "b", {J: GOOD, "journals/2025/2025-04.yaml": Link(str(secret)),
                                       "journals/2025/2025-05.yaml": Link("../../../secret.yaml")})
    book, problems = check(root)
    assert "JE-9" not in set(book.entries["id"].to_list())
    assert sorted(p.path for p in problems if p.code == "E081") == ["journals/2025/2025-04.yaml",
                                                                    "journals/2025/2025-05.yaml"]
    code, out, _ = validate(root)
    assert code == 1 and "do not read me" not in out


def test_formula_and_script_in_names__neutralised_in_csv_and_escaped_in_html(tmp_path):
    root = write_books(tmp_path / "b", {
        J: GOOD.replace("Rent", "=HYPERLINK(\"http://x\")"),
        "contacts/erp/suppliers.yaml": "- {id: SU-0009, kind: company, name: \"<script>alert(1)</script>\"}\n"
                                       "- {id: SU-0010, kind: company, name: \"=cmd|' /C calc'!A0\"}\n"})
    runner = CliRunner()
    csv_out = runner.invoke(app, ["report", "journal", "--books", str(root), "-p", "2025-03", "-f", "csv"]).stdout
    assert "'=HYPERLINK" in csv_out and ",=HYPERLINK" not in csv_out
    assert ",100.00," in csv_out            # numbers stay numbers
    sql = "SELECT id, name FROM contacts ORDER BY id"
    html = runner.invoke(app, ["query", sql, "--books", str(root), "-f", "html"]).stdout
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    query = runner.invoke(app, ["query", sql, "--books", str(root), "-f", "csv"])
    assert "'=cmd" in query.stdout


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("- :{}[]\"'&*!|>#,\n\t abc123.%@=") + ["\u0130", "\u0131", "\x00"]),
               max_size=200))
def test_fuzz__the_yaml_parser_returns_problems_never_raises(text):
    tree, problems = yamlnodes.parse(text, "fuzz.yaml")
    assert tree is None or isinstance(tree, (list, dict, str)) or problems is not None


RECORD_FILES = ["journals/2025/2025-03.yaml", "contacts/crm/people.yaml", "orders/2025/2025-03.yaml",
                "stock/moves/2025/2025-03.csv", "journals/imports/bank.csv", "sales/2025/2025-03.csv",
                "accounts.yaml", "books.toml"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(RECORD_FILES), data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
       mutate=st.booleans())
def test_fuzz__any_bytes_in_any_record_file_give_problems_not_crashes(tmp_path_factory, target, data, mutate):
    root = write_books(tmp_path_factory.mktemp("fz") / "b", {J: GOOD})
    path = root / target
    path.parent.mkdir(parents=True, exist_ok=True)
    if mutate and path.exists():
        original = path.read_bytes()
        cut = len(data) % (len(original) + 1)
        data = original[:cut] + data + original[cut:]
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["validate", "--books", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_no_file_is_left_open_or_half_written_by_a_failed_validate(tmp_path):
    root = write_books(tmp_path / "b", {J: "- id: [unclosed\n"})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    validate(root)
    assert {p: p.read_bytes() for p in before} == before
    assert not any(n.endswith(".tmp") for n in os.listdir(root))


# Inputs bench/fuzz.py found that crashed the CSV reader and the bank import; each is now a problem.
FUZZ_FOUND = [
    ("a bare carriage return inside an unquoted cell", "stock/moves/2025/2025-03.csv",
     b'id,date,kind,item,location,quantity,unit_cost\nMV-1,2025-03-01,receipt,"FSH-LEVREK",KDK,1,10\n'
     b'MV-2,2025-03-02,re\rceipt,FSH-LEVREK,KDK,1,10\n'),
    ("a unit-separator byte in a short row", "sales/2025/2025-03.csv",
     b"date,location,kind,category,amount\n2025-03-01,KDK\x1f,,,\n2025-03-02\n"),
    ("a carriage return inside the header row", "journals/imports/b.csv",
     b"entry_id,da\rte,account,debit,credit\nB1,2025-03-01,100.01,5.00,\n"),
    ("a byte that is not UTF-8 after a quote left open (atheris)", "journals/imports/b.csv",
     b'entry_id,date,account,debit,credit,posting_memo\nB1,2025-03-01,100.01,5.00,,"open\n'
     b"B1,2025-03-01,600.01,,5.00,\xc3\xbccrhi\xcf\n"),
]


def test_fuzz_found__csv_inputs_give_problems(tmp_path):
    for i, (what, rel, data) in enumerate(FUZZ_FOUND):
        root = write_books(tmp_path / f"b{i}", {J: GOOD, rel: data})
        book, problems = check(root)
        assert any(p.path == rel and p.code in ("E002", "E003", "E011", "E012") for p in problems), (what, problems)


def test_fuzz_found__a_31_digit_bank_amount_is_a_bad_number(tmp_path):
    from core.interop import bank

    root = write_books(tmp_path / "b", {J: GOOD})
    book, _ = check(root)
    rules = ('account: "100.01"\ndelimiter: ";"\ncolumns: {date: Tarih, description: Açıklama, amount: Tutar}\n'
             'date_format: "%d.%m.%Y"\ndecimal_mark: ","\ndefault_account: "770.01"\n')
    data = "Tarih;Açıklama;Tutar\n01.03.2025;KIRA;-4545454545454545454545454545000\n".encode()
    plan = bank.build_bank_import(data, "bank.csv", rules, "rules.yaml", book, "test")
    assert [(p.code, p.line) for p in plan.problems] == [("I007", 2)]
    # a quoted cell elsewhere and a bare carriage return in a reference (atheris, 6,221 inputs in)
    data = ('Tarih;Açıklama;Tutar\n01.03.2025;"KIRA; Mart";-45.000,00\n02.03.2025;EFT;07,00\r2\n').encode()
    plan = bank.build_bank_import(data, "bank.csv", rules, "rules.yaml", book, "test")
    assert [p.code for p in plan.problems] == ["I007"] and "cannot read" in plan.problems[0].message


def test_bench_fuzz_script__runs_every_target_and_finds_nothing(tmp_path):
    import json
    import sys

    out = subprocess.run([sys.executable, "bench/fuzz.py", "--engine", "mutate", "--seconds", "0.3",
                          "--out", str(tmp_path)],
                         cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["crashes"] == 0 and len(summary["results"]) >= 10
    assert all(r["inputs"] > 0 for r in summary["results"])
