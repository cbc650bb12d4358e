"""Output handed on: `-o FILE` picks the format from the extension, `--format xlsx` is a workbook
whose amounts are numbers exact to the kuruş, and `--csv-dialect excel-tr` opens as columns in
Turkish Excel (issue 20, items 1 and 3). The workbook is read back with openpyxl, a second library
(kebir writes it with xlsxwriter)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, strategies as st
from typer.testing import CliRunner

from cli.main import app
from core.reports import Column, Table
from core.reports.xlsx import exact_number, table_xlsx

# Two days of a small restaurant: a sale of 1,234.56 in cash, 0.29 of rounding, rent of 45,000.10.
JANUARY = """\
- id: JE-2025-01-0001
  date: 2025-01-02
  memo: Günlük satış
  postings:
    - {account: "100.01", debit: "1234.56"}
    - {account: "600.01", credit: "1234.56"}
- id: JE-2025-01-0002
  date: 2025-01-03
  memo: Kira
  postings:
    - {account: "770.01", debit: "45000.10"}
    - {account: "659.99", debit: "0.29"}
    - {account: "102.01", credit: "45000.39"}
"""


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def month(books_dir):
    return books_dir({"journals/2025/2025-01.yaml": JANUARY})


@pytest.mark.slow      # six report runs (and the first import of the HTML and xlsx writers): about 3 s
def test_output__extension_names_the_format(month, tmp_path):
    for name, check in (("tb.csv", lambda t: t.startswith("account,name,debit,credit,balance\n")),
                        ("tb.json", lambda t: json.loads(t)["report"] == "trial-balance"),
                        ("tb.html", lambda t: t.lstrip().lower().startswith("<!doctype html")),
                        ("tb.md", lambda t: t.startswith("## ")),
                        ("tb.txt", lambda t: t.startswith("## "))):
        out = tmp_path / name
        run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-o", str(out))
        assert run.exit_code == 0, run.output
        assert check(out.read_text(encoding="utf-8")), (name, out.read_text(encoding="utf-8")[:80])
    run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-o", str(tmp_path / "tb.xlsx"))
    assert run.exit_code == 0 and (tmp_path / "tb.xlsx").read_bytes()[:2] == b"PK"   # a zip: the workbook


def test_output__format_and_extension_disagree_is_a_usage_error(month, tmp_path):
    run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-f", "json",
               "-o", str(tmp_path / "tb.csv"))
    assert run.exit_code == 2
    assert "--format json does not match -o" in run.output
    assert not (tmp_path / "tb.csv").exists()
    # the same format, or an extension that names none, is fine
    assert _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-f", "csv",
                "-o", str(tmp_path / "tb.csv")).exit_code == 0
    run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-f", "json",
               "-o", str(tmp_path / "tb.out"))
    assert run.exit_code == 0 and json.loads((tmp_path / "tb.out").read_text())["report"] == "trial-balance"


def test_xlsx__amounts_are_numbers_exact_to_the_kurus(month, tmp_path):
    out = tmp_path / "tb.xlsx"
    run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-o", str(out))
    assert run.exit_code == 0, run.output
    ws = openpyxl.load_workbook(out).active
    assert ws.freeze_panes == "A3"                       # title row, then the frozen header
    assert ws.cell(2, 1).value == "Account" and ws.cell(2, 3).value == "Debit"
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    # by hand: 100.01 debit 1,234.56; 102.01 credit 45,000.39; 659.99 debit 0.29; 770.01 debit 45,000.10
    assert isinstance(rows["100.01"][2], float)
    assert Decimal(repr(rows["100.01"][2])) == Decimal("1234.56")
    assert Decimal(repr(rows["659.99"][2])) == Decimal("0.29")
    assert Decimal(repr(rows["102.01"][3])) == Decimal("45000.39")
    assert Decimal(repr(rows["770.01"][2])) == Decimal("45000.10")
    total = [r for r in ws.iter_rows(min_row=3, values_only=True)][-1]
    assert Decimal(repr(total[2])) == Decimal("1234.56") + Decimal("45000.10") + Decimal("0.29")   # 46,234.95
    assert ws.cell(3, 3).number_format == '#,##0.00 "TRY"'          # the books' currency, still a number
    assert ws.column_dimensions["B"].width >= len("Satıcılar TRY")


def test_xlsx__dates_are_dates_and_the_file_is_the_same_each_time():
    t = Table("register", "Register", (Column("date", "Date"), Column("entry", "Entry"),
                                        Column("amount", "Amount", "money")),
              ((date(2025, 1, 2), "JE-1", Decimal("1234.56")), ("2025-01-03", "JE-2", Decimal("-0.07"))))
    data = table_xlsx(t)
    assert table_xlsx(t) == data                        # no clock in the file
    import io
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.cell(3, 1).value == datetime(2025, 1, 2) and ws.cell(4, 1).value == datetime(2025, 1, 3)
    assert ws.cell(3, 1).is_date
    assert Decimal(repr(ws.cell(4, 3).value)) == Decimal("-0.07")


@given(st.integers(min_value=-10**15 + 1, max_value=10**15 - 1))
def test_xlsx__every_amount_below_ten_trillion_is_a_number_that_reads_back_exactly(kurus):
    d = Decimal(kurus).scaleb(-2)
    f = exact_number(d)
    assert f is not None
    assert Decimal(repr(float(f"{f:.16G}"))) == d


def test_xlsx__an_amount_a_double_cannot_hold_is_written_as_exact_text():
    d = Decimal("12345678901234567.89")                  # 19 digits: no double holds it
    assert exact_number(d) is None
    import io
    ws = openpyxl.load_workbook(io.BytesIO(table_xlsx(Table("t", "T", (Column("a", "A", "money"),),
                                                                   ((d,),))))).active
    assert ws.cell(3, 1).value == "12345678901234567.89"


def test_csv__excel_tr_dialect(month, tmp_path):
    out = tmp_path / "tb.csv"
    run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-o", str(out),
               "--csv-dialect", "excel-tr")
    assert run.exit_code == 0, run.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")               # the UTF-8 BOM Excel needs to read ş, ı as such
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "account;name;debit;credit;balance"
    assert "100.01;Kasa Kadıköy;1234,56;0,00;1234,56" in lines
    assert "659.99;Yuvarlama farkları;0,29;0,00;0,29" in lines
    run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-f", "json", "--csv-dialect",
               "excel-tr")
    assert run.exit_code == 2
    run = _run("report", "trial-balance", "--books", str(month), "-p", "2025-01", "-f", "csv", "--csv-dialect", "x")
    assert run.exit_code == 2 and "unknown CSV dialect" in run.output
