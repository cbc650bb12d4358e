"""Screenshots from headless Chromium of the customer page and the close pack, in Turkish and English,
at the width of an A4 page (794 CSS pixels at 96 dpi), with a pixel-level smoke check: the page is
drawn (enough pixels that are not white) and nothing runs past the right margin (the last columns
of the screenshot are white in every row).

The screenshots are kept as test artefacts under the session's pytest temporary directory
(`<basetemp>/screenshots/`, printed with -s and recorded as the test's `screenshot` property), or
copied to `$KEBIR_SCREENSHOTS` when that names a directory. The pages come from a small firm typed
in tests/test_customer_page.py, so the run costs one browser launch per page, not a demo load.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import write_books
from tests.test_customer_page import FILES, ON
from tests.test_html import _shared_dir, need_chromium

A4 = (794, 2200)        # an A4 page is 794 CSS pixels wide at 96 dpi; tall enough for the whole customer page
MARGIN = 12             # the right-most columns that must stay white (the page's own padding is 24)
# One browser launch per page (five, each several seconds on a shared machine) in the session fixture.
pytestmark = pytest.mark.slow
PAGES = ["customer.tr", "customer.en", "close-pack.tr", "close-pack.en", "customer.long-names",
         "close-pack.long-names", "too-wide"]
# a name with no place to break a line, as a trade register writes one run together: it wraps, never runs past A4
LONG = "BoğaziçiEtkinlikOrganizasyonTurizmGıdaİnşaatSanayiveTicaretLimitedŞirketiİstanbulŞubesiKadıköyMerkez"


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows (RGB or RGBA bytes) of an 8-bit PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 4
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = bytes(line)
        rows.append(prev)
    return width, height, rows


def _chromium(page: Path, png: Path, profile: Path) -> dict:
    """One headless Chromium run at A4 width: a screenshot of `page` and the browser's log."""
    cmd = [need_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}",
           f"--screenshot={png}", f"--window-size={A4[0]},{A4[1]}", "--enable-logging=stderr", "--v=0",
           page.as_uri()]
    try:
        run = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=180)
        result = {"returncode": run.returncode, "stderr": run.stderr}
    except subprocess.TimeoutExpired as exc:
        result = {"returncode": -1, "stderr": f"timed out after {exc.timeout}s"}
    shutil.rmtree(profile, ignore_errors=True)
    return {**result, "png": str(png), "page": str(page)}


def _white(px: bytes) -> bool:
    return px[0] >= 250 and px[1] >= 250 and px[2] >= 250


def _pages(root: Path) -> dict[str, str]:
    from core.crm.customer import build_customer_page
    from core.crm.customer_html import customer_page_html
    from core.erp.load import load_ledger
    from core.reports.close_pack import close_pack_html

    book, _ = load_ledger(write_books(root / "books", FILES), use_cache=False, jobs=1)
    record = {"period": "2025-03", "closed_by": "Zeynep Kaya <zeynep@lokanta.example>", "closed_on": "2025-04-05",
              "totals": {"debit": "1.00", "credit": "1.00"}, "checklist": [
                  {"check": "documents-posted", "result": "pass"}, {"check": "ar-tie-out", "result": "pass"}],
              "generated": [], "seal": "sha256:" + "9f2c" * 16, "previous": "sha256:" + "41ab" * 16}
    pages = {f"customer.{lang}": customer_page_html(build_customer_page(book, "CU-0050", ON, lang))
             for lang in ("tr", "en")}
    pages |= {f"close-pack.{lang}": close_pack_html(book, "2025-03", record, [], lang=lang) for lang in ("tr", "en")}
    long_files = {k: v.replace("Boğaziçi Etkinlik Org. Ltd. Şti.", LONG).replace("Summer terrace party", LONG)
                  .replace("Spring gala offers", LONG).replace('name = "Test Lokanta Ltd."', f'name = "{LONG}"')
                  for k, v in {**FILES, "books.toml": FILES.get("books.toml", "")}.items() if v}
    long_book, _ = load_ledger(write_books(root / "long", long_files), use_cache=False, jobs=1)
    pages["customer.long-names"] = customer_page_html(build_customer_page(long_book, "CU-0050", ON, "tr"))
    pages["close-pack.long-names"] = close_pack_html(long_book, "2025-03", {**record, "closed_by": LONG}, [],
                                                     lang="tr")
    # the check's own control: a page that does run past an A4 page's width
    pages["too-wide"] = ('<!DOCTYPE html><html><body style="margin:0"><div style="width:1200px;height:300px;'
                         'background:#2b6cb0"></div></body></html>')
    return pages


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every page rendered once per session at A4 width; xdist workers share the runs."""
    need_chromium()
    shared = _shared_dir(tmp_path_factory) / "screenshots"
    shared.mkdir(exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "result.json"
        if not done.exists():
            result = {}
            for name, html in _pages(shared).items():
                page = shared / f"{name}.html"
                page.write_text(html, encoding="utf-8")
                result[name] = _chromium(page, shared / f"{name}.png", shared / "profile")
            keep = os.environ.get("KEBIR_SCREENSHOTS")
            if keep and Path(keep).is_dir():
                for name in result:
                    shutil.copy(shared / f"{name}.png", Path(keep) / f"{name}.png")
            done.write_text(json.dumps(result), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PAGES[:6])
def test_page__renders_at_a4_width_without_running_past_the_margin(shots, name, record_property):
    run = shots[name]
    png = Path(run["png"])
    record_property("screenshot", str(png))
    print(f"{name} screenshot: {png}")
    assert run["returncode"] == 0, run["stderr"][-2000:]
    bad = [line for line in run["stderr"].splitlines()
           if re.search(r":CONSOLE[:(]|Uncaught|Failed to load resource|Content Security Policy", line)]
    assert bad == []
    width, height, rows = png_pixels(png.read_bytes())
    assert (width, height) == A4
    bpp = len(rows[0]) // width
    inked = sum(1 for row in rows for x in range(0, len(row), bpp) if not _white(row[x:x + bpp]))
    assert inked > width * height // 50, f"only {inked} pixels drawn: the page is (nearly) blank"
    past = [y for y, row in enumerate(rows) if not all(_white(row[x * bpp:(x + 1) * bpp])
                                                       for x in range(width - MARGIN, width))]
    assert past == [], f"{len(past)} rows run into the right margin, first at y={past[0]}"


def test_margin_check__sees_a_page_wider_than_a4(shots):
    """The control: a page 1,200 pixels wide fills the right margin, and the check says so."""
    width, _, rows = png_pixels(Path(shots["too-wide"]["png"]).read_bytes())
    bpp = len(rows[0]) // width
    assert not _white(rows[10][(width - 1) * bpp:width * bpp])


def test_pages__say_the_right_language(shots):
    tr = Path(shots["customer.tr"]["page"]).read_text(encoding="utf-8")
    en = Path(shots["customer.en"]["page"]).read_text(encoding="utf-8")
    assert "Açık kalemler" in tr and "Open items" in en and '<html lang="tr">' in tr
    assert "Kontrol listesi" in Path(shots["close-pack.tr"]["page"]).read_text(encoding="utf-8")
    assert date(2025, 4, 30) == ON


def test_long_names__wrap_and_ids_stay_whole(shots):
    """A name run together wraps inside the page (the margin check above) and, where a table cell
    holds it, its full value is the cell's title; an id is never broken across lines."""
    page = Path(shots["customer.long-names"]["page"]).read_text(encoding="utf-8")
    assert f'<td class="name" title="{LONG}">' in page and f'<span class="title" title="{LONG}">' in page
    assert "body.customer code { white-space: nowrap; }" in page
