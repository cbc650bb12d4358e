"""The close pack and the report pages: self-contained, escaped, deterministic, and they render in a
real browser."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from core.erp.load import load_ledger
from core.reports import Column, Table
from core.ledger.period import parse_period, split
from core.reports.aging import build_aging
from core.reports.cashflow import build_cash_flow
from core.reports.close_pack import close_pack_html, entries_from_book
from core.reports.html import (
    cash_svg,
    chart_for,
    flows_svg,
    reports_page,
    table_html,
    table_page,
)
from core.reports.kpi import build_kpi
from core.reports.menu import build_menu
from core.reports.sales import build_sales
from core.reports.statements import build_balance_sheet, build_income_statement
from core.reports.stock import build_stock
from core.reports.trial_balance import build_trial_balance

CHROMIUM = "/usr/bin/chromium"
WINDOW = (1280, 2000)

CLOSE_RECORD = {
    "period": "2025-12",
    "closed_by": "Zeynep Kaya <zeynep@lokanta.example>",
    "closed_on": "2026-01-05",
    "totals": {"debit": "4812345.67", "credit": "4812345.67"},
    "checklist": [
        {"check": "documents-posted", "result": "pass"},
        {"check": "ar-tie-out", "result": "pass", "detail": "AR 120 = subledger 10517099.85"},
        {"check": "bank-statements", "result": "fail", "detail": "102.01 <script>alert('x')</script> & co"},
    ],
    "generated": ["JE-2025-12-C001"],
    "seal": "sha256:9f2c" + "0" * 60,
    "previous": "sha256:41ab" + "1" * 60,
}
GENERATED = [
    {"id": "JE-2025-12-C001", "date": "2025-12-31", "memo": "Depreciation, December",
     "postings": [{"account": "770.99", "debit": "120000.00"}, {"account": "257.01", "credit": "120000.00"}]},
]


@pytest.fixture(scope="module")
def demo(demo_copy):
    book, _ = load_ledger(demo_copy, use_cache=False, jobs=1)
    return book


@pytest.fixture(scope="module")
def pack(demo) -> str:
    """The English pack (the demo's own language is Turkish: see test_filed_statements.py)."""
    return close_pack_html(demo, "2025-12", CLOSE_RECORD, GENERATED, lang="en")


def test_close_pack__needs_nothing_from_outside(pack):
    assert pack.startswith("<!DOCTYPE html>")
    # the only "http" is the name of the CSP meta's attribute, which forbids loading anything
    assert pack.count("http") == pack.count('http-equiv="Content-Security-Policy"') == 1
    assert "default-src 'none'" in pack
    for banned in ("src=", "href=", "@import", "url(", "<script", "<link", "<img", "<iframe", "//"):
        assert banned not in pack, banned
    assert pack.count("<svg") == 2 and "<style>" in pack


def test_close_pack__has_every_part(pack):
    for part in ('id="income-statement"', 'id="balance-sheet"', 'id="trial-balance"', 'id="checklist"',
                 'id="generated"', "JE-2025-12-C001", "Depreciation, December", "documents-posted",
                 CLOSE_RECORD["seal"], CLOSE_RECORD["previous"], "Zeynep Kaya &lt;zeynep@lokanta.example&gt;",
                 "Deniz Lokanta Grubu A.Ş.", "Birikmiş Amortismanlar", "120,000.00"):
        assert part in pack, part
    assert "Balanced: <span class=\"flag yes\">yes</span>" in pack


def test_close_pack__escapes_every_text(pack):
    assert "<script>" not in pack
    assert "102.01 &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in pack


def test_close_pack__same_books_same_bytes(demo, demo_copy, pack):
    again, _ = load_ledger(demo_copy, use_cache=False, jobs=1)
    assert close_pack_html(again, "2025-12", CLOSE_RECORD, GENERATED, lang="en") == pack
    assert close_pack_html(demo, "2025-12", None, None) == close_pack_html(again, "2025-12", None, None)


def test_close_pack__without_a_close_record_is_a_draft(demo):
    page = close_pack_html(demo, "2025Q4", None, None, lang="en")
    assert "draft: no close record" in page and "not sealed" in page
    assert 'id="checklist"' not in page and 'id="generated"' not in page
    with pytest.raises(ValueError):
        close_pack_html(demo, "December", None, None)


def test_close_pack__from_a_real_year_end_close(demo):
    from core.close import entries as close_entries
    from core.close import plan as close_plan
    from core.books import store

    plan = close_plan.plan_close(demo, "2025-12", set(), allow_gap=True)
    records = close_plan.entries_as_records(plan, demo)
    rel = "journals/2025/2025-12.close.yaml"
    closed = close_entries.with_generated(demo, store.dump_yaml_records("journal", records), rel)
    _, record = close_plan.compose(demo, plan, {}, date(2026, 1, 15), "Zeynep Kaya <zeynep@lokanta.example>")
    entries = entries_from_book(closed, [*record.generated, "JE-NOT-THERE"])
    assert tuple(e["id"] for e in entries) == record.generated
    for entry in entries:
        debit = sum(p["debit"] or 0 for p in entry["postings"])
        assert debit == sum(p["credit"] or 0 for p in entry["postings"]) and isinstance(debit, D)
    page = close_pack_html(closed, "2025-12", record.as_dict(), entries, lang="en")
    # the memos as the close wrote them, in the demo's language (Turkish), whatever the page's language
    assert record.seal in page and "2025 dönem net sonucu 590 hesabına" in page
    assert "692 hesabının kapatılması" in page
    assert 'Balanced: <span class="flag yes">yes</span>' in page


def test_table_page__is_a_whole_self_contained_page(demo):
    page = table_page(build_balance_sheet(demo, date(2025, 12, 31)))
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "<h1>Balance sheet at 31 December 2025</h1>" in page and "default-src 'none'" in page
    assert page.count("http") == 1 and "<script" not in page


def test_table_html__renders_any_report_escaped(demo):
    tb = build_trial_balance(demo)
    html = table_html(tb)
    assert html.count("<tr>") == len(tb.rows) + 2          # header, rows, totals
    assert "<tfoot>" in html and 'class="num"' in html
    t = Table("x", "A & B <1>", (Column("k", "Key"), Column("v", "Value", "money")),
              (("<b>", D("-1234.5")),), ("Total", D("-1234.5")))
    html = table_html(t)
    assert "A &amp; B &lt;1&gt;" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert '<td class="num neg">-1,234.5</td>' in html


def test_table_html__statements_show_sections_and_levels(demo):
    html = table_html(build_balance_sheet(demo, date(2025, 12, 31)))
    assert '<tr class="section"><th colspan="3">Assets</th></tr>' in html
    assert '<tr class="lvl-1"><td>100</td><td class="name">Kasa</td>' in html
    assert '<tr class="total"><td></td><td class="name">Total assets</td>' in html


def test_charts__losses_and_overdrafts_draw_below_zero():
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    series = {"months": months, "currency": "TRY", "revenue": [D("100.00")] * 12, "expense": [D("250.00")] * 12,
              "margin": [D("-150.00")] * 12, "cash": [D(f"{(m - 6) * 100}.00") for m in range(12)]}
    for svg in (flows_svg(series), cash_svg(series)):
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert not re.search(r'(height|width)="-', svg)
        assert not re.search(r'="[^"]*\d\.\d{3,}', svg)      # integer pixels, no float noise
        assert 'class="zero"' in svg
    assert "-150.00 TRY" in flows_svg(series)


# -- headless Chromium: one browser run for the whole test session -----------------------------

def need_chromium() -> str:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("KEBIR_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{CHROMIUM} is required here (KEBIR_REQUIRE_TOOLS=1): apt-get install chromium")
        pytest.skip("chromium not installed")
    return CHROMIUM


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory all xdist workers of this session share (the base temp's parent under xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _chromium(page: Path, png: Path, profile: Path) -> dict:
    """One headless Chromium run: a screenshot of `page` and the browser's log on stderr."""
    cmd = [need_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}",
           f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
           "--enable-logging=stderr", "--v=0", page.as_uri()]
    try:
        run = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=180)
        result = {"returncode": run.returncode, "stderr": run.stderr}
    except subprocess.TimeoutExpired as exc:
        result = {"returncode": -1, "stderr": f"timed out after {exc.timeout}s"}
    shutil.rmtree(profile, ignore_errors=True)
    return {**result, "png": str(png), "page": str(page)}


def report_tables(book) -> list[Table]:
    """Every report with a picture, on the demo company: what the gallery page shows."""
    year, q4 = parse_period("2025"), parse_period("2025Q4")
    return [
        build_income_statement(book, split(year, "M"), depth=1),
        build_cash_flow(book, year),
        build_sales(book, "customer", year, top=10),
        build_aging(book, "ar", date(2025, 12, 31)),
        build_stock(book, q4),
        build_kpi(book, q4),
        build_menu(book, parse_period("2025-06")),
        build_balance_sheet(book, [(label, s.end - timedelta(days=1)) for label, s in split(year, "Q")], depth=1),
    ]


@pytest.fixture(scope="session")
def chromium_render(tmp_path_factory: pytest.TempPathFactory, demo_copy: Path) -> dict:
    """Render the demo close pack and the report gallery once per test session; xdist workers share
    the runs (one browser launch per page).

    Console messages come on stderr as `INFO:CONSOLE:<line>] "<message>"` with
    `--enable-logging=stderr --v=0`. The pages have no script, so any console line means the
    browser complained (a CSP violation, a failed load, an uncaught error).
    """
    need_chromium()
    shared = _shared_dir(tmp_path_factory) / "close-pack-chromium"
    shared.mkdir(exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "result.json"
        if not done.exists():
            book, _ = load_ledger(demo_copy, use_cache=False, jobs=1)
            page = shared / "close-pack.html"
            page.write_text(close_pack_html(book, "2025-12", CLOSE_RECORD, GENERATED), encoding="utf-8")
            gallery = shared / "reports.html"
            gallery.write_text(reports_page("Reports, 2025", report_tables(book), book.settings.name),
                               encoding="utf-8")
            result = {"pack": _chromium(page, shared / "close-pack.png", shared / "profile"),
                      "reports": _chromium(gallery, shared / "reports.png", shared / "profile")}
            # the demo's own language (Turkish), January and December, as `kebir report close-pack` writes them
            for which, period in (("pack-2025-01", "2025-01"), ("pack-2025-12", "2025-12")):
                page = shared / f"close-{period}.html"
                page.write_text(close_pack_html(book, period, {**CLOSE_RECORD, "period": period}, GENERATED),
                                encoding="utf-8")
                result[which] = _chromium(page, shared / f"close-{period}.png", shared / "profile")
            done.write_text(json.dumps(result), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


def _png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, idat = 8, 0, 0, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


PAGES = ["pack", "reports", "pack-2025-01", "pack-2025-12"]


@pytest.mark.parametrize("which", PAGES)
def test_pages__render_in_headless_chromium(chromium_render, record_property, which):
    run = chromium_render[which]
    png = Path(run["png"])
    record_property("screenshot", str(png))
    print(f"{which} screenshot: {png}")
    assert run["returncode"] == 0, run["stderr"][-2000:]
    assert png.exists() and png.stat().st_size > 20_000
    width, height, raw = _png_size_and_pixels(png.read_bytes())
    assert (width, height) == WINDOW
    assert len(set(raw)) > 32, "the screenshot is (nearly) one colour"


@pytest.mark.parametrize("which", PAGES)
def test_pages__the_browser_logs_no_console_error(chromium_render, which):
    bad = [line for line in chromium_render[which]["stderr"].splitlines()
           if re.search(r":CONSOLE[:(]|Uncaught|Failed to load resource|Content Security Policy", line)]
    assert bad == []


def test_report_pages__need_nothing_from_outside_and_carry_their_charts(demo):
    tables = report_tables(demo)
    for table in tables:
        page = table_page(table)
        assert page.count("http") == 1, table.name      # the CSP meta's attribute name only
        for banned in ("src=", "href=", "@import", "url(", "<script", "<link", "<img", "<iframe", "//"):
            assert banned not in page, (table.name, banned)
    with_chart = {t.name for t in tables if chart_for(t)}
    assert with_chart == {"income-statement", "cash-flow", "sales", "aging-ar", "stock", "menu"}
    gallery = reports_page("Reports", tables)
    assert gallery.count("<svg") == 6 and gallery.count("<table") == len(tables)
    menu = next(t for t in tables if t.name == "menu")
    chart = chart_for(menu)
    # the matrix: one dot per classified dish, the two averages drawn across, the four quadrants named
    assert chart.count("<circle") == sum(1 for r in menu.rows if r[11])
    assert all(q in chart for q in ("Stars", "Plowhorses", "Puzzles", "Dogs"))


@pytest.mark.parametrize(("which", "title"), [("pack-2025-01", "Dönem kapanış dosyası: 1 Ocak - 31 Ocak 2025"),
                                              ("pack-2025-12", "Dönem kapanış dosyası: 1 Aralık - 31 Aralık 2025")])
def test_close_pack_in_turkish__the_browser_shows_the_period_as_people_say_it(chromium_render, which, title):
    """The page Chromium drew is the Turkish pack of that month, titled as people say the period, and
    its screenshot is a page of text and charts (not blank, not cut to a strip)."""
    run = chromium_render[which]
    page = Path(run["page"]).read_text(encoding="utf-8")
    assert f"<h1>{title}</h1>" in page and '<html lang="tr">' in page and "(end exclusive)" not in page
    assert page.count("<svg") == 2 and 'id="checklist"' in page and "Gelir tablosu" in page
    width, height, raw = _png_size_and_pixels(Path(run["png"]).read_bytes())
    assert (width, height) == WINDOW
    row = len(raw) // height
    inked = sum(1 for y in range(height) if len(set(raw[y * row + 1:(y + 1) * row])) > 1)
    assert inked > height // 4, f"only {inked} of {height} rows of the screenshot have anything drawn"
