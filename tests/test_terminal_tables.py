"""Terminal tables fit the terminal by one rule (cli/_layout.py): ids and amounts are never cut,
names are cut with an ellipsis (the whole name stays in csv and json), and a table too wide even
then wraps into blocks that repeat the id and the name. Pinned at 80 and 120 columns."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.reports.speak import in_language

CUSTOMERS = """\
- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Organizasyon ve Turizm Ticaret Limited Şirketi, \
tax_id: "1234567890", payment_terms: net30}
"""
# One invoice typed by hand; its long id and the long customer name are the point.
ORDERS = """
- id: INV-2025-03-KADIKOY-0001
  kind: invoice
  date: 2025-03-05
  party: CU-0001
  lines: [{account: "600.01", quantity: "1", price: "10000.00", vat_rate: "20"}]
"""


def _run(args: list[str], columns: int, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    run = CliRunner().invoke(app, args)
    assert run.exit_code in (0, 1), run.output
    return run.stdout


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", [80, 120])
def test_layout__ids_whole_names_cut_and_the_table_fits(columns, monkeypatch):
    from cli import _layout

    name = "Boğaziçi Etkinlik Organizasyon ve Turizm Ticaret Limited Şirketi"   # 64 characters
    cols = [_layout.Col("Invoice", ["INV-2025-03-KADIKOY-0001", "INV-2025-03-KADIKOY-0002"]),
            _layout.Col("Customer", [name, "Kadıköy Düğün Salonu"], "name"),
            _layout.Col("Amount", ["6,000.00", "12,345,678.90"], "number")]
    # natural width: 24 + 64 + 13 + 3 x 3 + 1 = 111: fits 120 whole, and at 80 only the name is cut
    ws = _layout.widths(cols, columns)
    assert ws == ([24, 64, 13] if columns == 120 else [24, 80 - 10 - 24 - 13, 13])
    from rich.console import Console

    con = Console(width=columns, record=True, no_color=True, highlight=False)
    _layout.render(_layout.Grid("Open invoices", cols), con)
    out = con.export_text()
    assert _widest(out) <= columns
    assert "INV-2025-03-KADIKOY-0001" in out and "12,345,678.90" in out
    assert (name in out) == (columns == 120)
    if columns == 80:
        assert "Boğaziçi Etkinlik Organizasyon v…" in out      # 33 characters: the ellipsis is the last


def test_layout__a_table_too_wide_wraps_into_blocks_repeating_id_and_name():
    from rich.console import Console

    from cli import _layout

    months = [_layout.Col(f"2025-{m:02d}", [f"{m},000,000.00"] * 2, "number") for m in range(1, 13)]
    cols = [_layout.Col("Account", ["600.01", "770.01"]), _layout.Col("Name", ["Yurt İçi Satışlar", "Kira"], "name"),
            *months]
    parts = _layout.blocks(cols, 80)
    assert all(p[:2] == [0, 1] for p in parts)                      # every block: the account and its name
    assert sorted(i for p in parts for i in p[2:]) == list(range(2, 14))      # every month once, none lost
    con = Console(width=80, record=True, no_color=True, highlight=False)
    _layout.render(_layout.Grid("Income statement", cols, continued="continued"), con)
    out = con.export_text()
    assert _widest(out) <= 80
    assert out.count("600.01") == len(parts) and f"(continued {len(parts)}/{len(parts)})" in out
    assert all(f"{m},000,000.00" in out for m in range(1, 13))


@pytest.fixture(scope="module")
def demo_tables(demo_copy):
    """The demo's widest tables, built once (loading the demo per CLI call would cost seconds each)."""
    from datetime import date

    from core.crm.pipeline import build_segment
    from core.erp.load import load_ledger
    from core.ledger.period import parse_period, split
    from core.reports import Scope
    from core.reports.aging import build_aging
    from core.reports.filed import build_income_statement_filed
    from core.reports.kpi import build_kpi
    from core.reports.register import build_register
    from core.reports.stock import build_stock

    book, _ = load_ledger(demo_copy, use_cache=False, jobs=1)
    year = parse_period("2025")
    vip = next(s for s in book.segments if s.id == "VIP")
    return {
        "segment": build_segment(book, vip.where, date(2025, 12, 31), name="VIP"),     # was 230 columns
        "stock": build_stock(book, parse_period("2025-12")),                           # was 180
        "income-statement-quarterly": build_income_statement_filed(book, split(year, "Q"), depth=1, lang="tr"),
        "income-statement-monthly": build_income_statement_filed(book, split(year, "M"), depth=1, lang="tr"),
        "aging": build_aging(book, "ar", date(2025, 12, 31)),
        "kpi": in_language(build_kpi(book, parse_period("2025Q4")), "tr"),   # as `show` says it to a Turkish book
        "ledger": build_register(book, Scope("100.01"), parse_period("2025-01")),
    }


@pytest.mark.slow       # the module's demo load, about 10 s once; each case is well under a second
@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("name", ["segment", "stock", "income-statement-quarterly", "income-statement-monthly",
                                  "aging", "kpi", "ledger"])
def test_demo_reports__fit_the_terminal(demo_tables, name, columns, monkeypatch, capsys):
    """Every line of the demo's widest tables is within the terminal; every id and every amount of
    the report is printed whole somewhere."""
    from cli import _render
    from core.reports import NUMERIC

    monkeypatch.setenv("COLUMNS", str(columns))
    table = demo_tables[name]
    _render.table_text(table)
    out = capsys.readouterr().out
    assert _widest(out) <= columns, out[:3000]
    cells = set(out.replace("┃", "│").replace("│", "\n").split("\n"))
    cells = {c.strip() for c in cells}
    statement = {"section", "level"} <= {c.key for c in table.columns}     # shows account, name and amounts
    for col_i, col in enumerate(table.columns):
        if col.key == "level" or statement and col.key != "account" and col.kind not in NUMERIC:
            continue
        for row in table.rows:
            v = _render._money_text(row[col_i])
            if col.kind in NUMERIC or (col.terminal and v and " " not in v and col.key != "level"):
                assert v in cells, (col.key, v)


@pytest.mark.slow       # shares the demo load above
def test_kpi__rows_show_human_names_in_the_books_language(demo_tables, monkeypatch, capsys):
    from cli import _render

    monkeypatch.setenv("COLUMNS", "120")
    _render.table_text(demo_tables["kpi"])
    out = capsys.readouterr().out
    assert "gross_margin_pct" not in out and "dso_days" not in out
    assert "Brüt kâr marjı %" in out and "Gösterge" not in out          # the KPI id column is not on the terminal
    row = next(r for r in json.loads(_render.table_json(demo_tables["kpi"]))["rows"] if r["kpi"] == "gross_margin_pct")
    assert row["name"] == "Brüt kâr marjı %" and row["value"] == "67.3"      # the id stays for scripts


def test_names_cut_on_the_terminal__are_whole_in_csv_and_json(books_dir, monkeypatch):
    from tests.test_documents import ACCOUNTS, ROLES

    root = books_dir({"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
                      "orders/2025/2025-03.yaml": ORDERS})
    long = "Boğaziçi Etkinlik Organizasyon ve Turizm Ticaret Limited Şirketi"
    args = ["report", "aging", "ar", "--detail", "--on", "2025-04-30", "--books", str(root)]
    text = _run(args, 80, monkeypatch)
    assert _widest(text) <= 80 and "INV-2025-03-KADIKOY-0001" in text and long not in text and "…" in text
    assert long in _run([*args, "--format", "csv"], 80, monkeypatch)
    assert long in _run([*args, "--format", "json"], 80, monkeypatch)
