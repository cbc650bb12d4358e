"""The VAT return (KDV-1) of a small restaurant's January and February, typed by hand and closed with
`kebir close`: sales by rate from the documents and the Z-report, deductible VAT by rate and on a
fixed asset, carried forward, payable, and the tie to the close's VAT offset entry.

January, by hand:
  sales 10%: invoice 1,000.00 (VAT 100.00) - credit note 100.00 (VAT 10.00) + Z-report 5,000.00 (VAT 500.00)
             = base 5,900.00, VAT 590.00
  sales 20%: Z-report 2,000.00, VAT 400.00                       calculated VAT   990.00
  deductible 1%: supplier invoice 10,000.00 -> 100.00
  deductible 20%: rent 1,000.00 -> 200.00 (a manual entry)
  fixed asset: a combi oven 50,000.00 (255.01) -> 10,000.00      deductible    10,300.00
  carried forward to February: 10,300.00 - 990.00 = 9,310.00
February: an invoice 200,000.00 at 20% -> VAT 40,000.00; payable 40,000.00 - 9,310.00 = 30,690.00.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.erp.load import load_ledger
from core.reports.vat_return import build_vat_return, tie_out

BOOKS = """\
[company]
name = "Moda Meyhanesi Ltd. Şti."
base_currency = "TRY"
chart = "tr-tdhp"

[accounts]
rounding = "659.99"
cash = "100.01"
bank = "102.01"
receivable = "120.01"
payable = "320.01"
sales = "600.01"
sales_returns = "610.01"
expenses = "770.01"
vat_payable = "360.03"
vat_carry_forward = "190.01"

[accounts.vat_output]
10 = "391.02"
20 = "391.03"

[accounts.vat_input]
1 = "191.01"
10 = "191.02"
20 = "191.03"

[statutory]
tax_id = "2910465635"
"""

ACCOUNTS = """\
- {code: "100", name: Kasa, type: cash}
- {code: "100.01", name: Kasa Kadıköy}
- {code: "102", name: Bankalar, type: bank}
- {code: "102.01", name: İş Bankası}
- {code: "120", name: Alıcılar, type: asset}
- {code: "120.01", name: Alıcılar TRY}
- {code: "190", name: Devreden KDV, type: asset}
- {code: "190.01", name: Devreden KDV}
- {code: "191", name: İndirilecek KDV, type: asset}
- {code: "191.01", name: İndirilecek KDV %1}
- {code: "191.02", name: İndirilecek KDV %10}
- {code: "191.03", name: İndirilecek KDV %20}
- {code: "255", name: Demirbaşlar, type: asset}
- {code: "255.01", name: Mutfak ekipmanı}
- {code: "320", name: Satıcılar, type: liability}
- {code: "320.01", name: Satıcılar TRY}
- {code: "360", name: Ödenecek Vergi ve Fonlar, type: liability}
- {code: "360.03", name: Ödenecek KDV}
- {code: "391", name: Hesaplanan KDV, type: liability}
- {code: "391.02", name: Hesaplanan KDV %10}
- {code: "391.03", name: Hesaplanan KDV %20}
- {code: "570", name: Geçmiş Yıllar Kârları, type: equity}
- {code: "570.01", name: Geçmiş Yıllar Kârları}
- {code: "600", name: Yurt İçi Satışlar, type: income}
- {code: "600.01", name: Satışlar}
- {code: "610", name: Satıştan İadeler, type: income}
- {code: "610.01", name: Satıştan İadeler}
- {code: "659.99", name: Yuvarlama, type: expense}
- {code: "770", name: Genel Yönetim Giderleri, type: expense}
- {code: "770.01", name: Kira ve hizmetler}
"""

FILES = {
    "books.toml": BOOKS,
    "accounts.yaml": ACCOUNTS,
    "contacts/erp/customers.yaml": '- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik, tax_id: "1234567890"}\n',
    "contacts/erp/suppliers.yaml": '- {id: SU-0001, kind: company, name: Kumkapı Balıkçılık, tax_id: "9876543217"}\n',
    "stock/items.yaml": "- {id: DSH-MEZE, name: Meze tabağı, unit: portion, valuation: fifo, type: service}\n",
    "orders/2025/2025-01.yaml": """\
- id: INV-2025-0001
  kind: invoice
  date: 2025-01-07
  party: CU-0001
  lines:
    - {description: Toplantı yemeği, account: "600.01", quantity: "1", price: "1000.00", vat_rate: "10"}
- id: SI-2025-0001
  kind: supplier-invoice
  date: 2025-01-10
  party: SU-0001
  lines:
    - {description: Balık, account: "770.01", quantity: "1", price: "10000.00", vat_rate: "1"}
- id: CN-2025-0001
  kind: credit-note
  date: 2025-01-20
  party: CU-0001
  invoice: INV-2025-0001
  lines:
    - {description: Eksik katılım, account: "610.01", quantity: "1", price: "100.00", vat_rate: "10"}
""",
    "sales/2025/2025-01.csv": """\
date,location,kind,item,quantity,net,vat_rate,method,amount,memo
2025-01-05,KDK,sale,DSH-MEZE,50,5000.00,10,,,
2025-01-05,KDK,sale,DSH-MEZE,10,2000.00,20,,,
2025-01-05,KDK,tender,,,,,cash,7900.00,
""",
    "journals/2025/2025-01.yaml": """\
- id: JE-2025-01-0001
  date: 2025-01-02
  memo: Kira, Ocak
  payee: SU-0001
  postings:
    - {account: "770.01", debit: "1000.00"}
    - {account: "191.03", debit: "200.00", memo: KDV %20}
    - {account: "320.01", credit: "1200.00", contact: SU-0001}
- id: JE-2025-01-0002
  date: 2025-01-15
  memo: Kombi fırın
  postings:
    - {account: "255.01", debit: "50000.00"}
    - {account: "191.03", debit: "10000.00", memo: KDV %20}
    - {account: "102.01", credit: "60000.00"}
""",
    "orders/2025/2025-02.yaml": """\
- id: INV-2025-0002
  kind: invoice
  date: 2025-02-05
  party: CU-0001
  lines:
    - {description: Düğün yemeği, account: "600.01", quantity: "1", price: "200000.00", vat_rate: "20"}
""",
}


def kebir(*args: str):
    return CliRunner().invoke(app, list(args))


def rows(root, period: str) -> dict[str, tuple]:
    book, problems = load_ledger(root)
    assert not [p for p in problems if p.severity == "error"], problems
    return {r[0]: r for r in build_vat_return(book, period).rows if r[0]}


def close(root, period: str, on: str) -> str:
    done = kebir("close", period, "--books", str(root), "--on", on, "--by", "Zeynep Kaya <zeynep@example.com>")
    assert done.exit_code == 0, done.output
    return (root / f"closes/{period}.yaml").read_text(encoding="utf-8")


@pytest.fixture
def books(books_dir):
    return books_dir(FILES)


def test_vat_return__january_by_rate_from_documents_and_z_reports(books):
    r = rows(books, "2025-01")
    # code, line, rate, base, VAT (documents), ledger (391), difference, account
    assert r["sales-10"][3:7] == (Decimal("5900.00"), Decimal("590.00"), Decimal("590.00"), Decimal("0.00"))
    assert r["sales-20"][3:7] == (Decimal("2000.00"), Decimal("400.00"), Decimal("400.00"), Decimal("0.00"))
    assert r["calculated"][4] == Decimal("990.00")
    assert (r["input-1"][4], r["input-10"][4], r["input-20"][4]) == (Decimal("100.00"), 0, Decimal("200.00"))
    assert r["fixed"][4] == Decimal("10000.00")
    assert r["deductible"][4] == Decimal("10300.00")
    assert r["carry"][4] == Decimal("9310.00") and "payable" not in r
    assert r["tie"][7] == "not closed"


def test_vat_return__ties_to_the_close_and_carries_into_february(books):
    record = close(books, "2025-01", "2025-02-03")
    assert ("- check: vat-return\n  result: pass\n  detail: KDV-1 carried forward 9310.00 = VAT offset 190.01 "
            "9310.00\n") in record
    jan = rows(books, "2025-01")
    assert jan["tie"][4:7] == (Decimal("9310.00"), Decimal("9310.00"), Decimal("0.00"))
    feb = rows(books, "2025-02")
    assert feb["brought"][4] == Decimal("9310.00")
    assert feb["sales-20"][4] == Decimal("40000.00")
    assert feb["payable"][4] == Decimal("30690.00")
    record = close(books, "2025-02", "2025-03-03")
    assert ("- check: vat-return\n  result: pass\n  detail: KDV-1 payable 30690.00 = VAT offset 360.03 "
            "30690.00\n") in record
    book, _ = load_ledger(books)
    led = book.ledger()
    offset = led.filter((led["file"].cast(str) == "journals/2025/2025-02.close.yaml") & (led["account"] == "360.03"))
    assert -offset["base"].sum() == 3069000


def test_vat_return__detail_names_each_document_and_entry(books):
    book, _ = load_ledger(books)
    lines = [r[1].strip() for r in build_vat_return(book, "2025-01", detail=True).rows if not r[0]]
    assert {"INV-2025-0001", "CN-2025-0001", "Z-KDK-2025-01-05", "SI-2025-0001", "JE-2025-01-0001",
            "JE-2025-01-0002"} <= set(lines)


def test_vat_return__cli_csv(books):
    done = kebir("report", "vat-return", "-p", "2025-01", "--books", str(books), "--format", "csv")
    assert done.exit_code == 0, done.output
    assert "carry,VAT to carry forward,,,9310.00," in done.output


def test_close_pack__holds_the_vat_return_and_the_ba_bs_forms(books, tmp_path):
    close(books, "2025-01", "2025-02-03")
    page = tmp_path / "pack.html"
    done = kebir("report", "close-pack", "2025-01", "--books", str(books), "-o", str(page))
    assert done.exit_code == 0, done.output
    html = page.read_text(encoding="utf-8")
    vat = html.split('<section id="vat-return"')[1].split("</section>")[0]
    assert "9,310.00" in vat and "VAT to carry forward" in vat
    assert '<section id="ba-bs"' in html


def test_vat_return__an_invoice_edited_after_the_close_fails_the_tie(books):
    close(books, "2025-01", "2025-02-03")
    # INV-2025-0001 typed again as 1,500.00 after January was closed: the documents now give
    # 10% VAT 150.00 - 10.00 + 500.00 = 640.00, the sealed 391.02 still 590.00: 50.00 apart.
    # The offset entry still equals the ledger's 9,310.00, but the return no longer ties.
    orders = books / "orders/2025/2025-01.yaml"
    orders.write_text(orders.read_text(encoding="utf-8").replace('price: "1000.00"', 'price: "1500.00"'),
                      encoding="utf-8")
    book, _ = load_ledger(books)
    table = build_vat_return(book, "2025-01")
    r = {row[0]: row for row in table.rows if row[0]}
    assert r["sales-10"][4:7] == (Decimal("640.00"), Decimal("590.00"), Decimal("-50.00"))
    assert r["tie"][4:7] == (Decimal("9310.00"), Decimal("9310.00"), Decimal("0.00"))
    assert r["tie"][7] == "fail"
    assert table.meta["tie"] == "fail" and table.meta["differences"] == {"10": "-50.00"}
    ok, detail = tie_out(book, "2025-01")                       # the close checklist's row
    assert not ok
    assert detail == ("KDV-1 carried forward 9310.00 = VAT offset 190.01 9310.00; but the documents' VAT and "
                      "the 391 movement differ: 10% -50.00")


def test_vat_return__detail_rows_in_id_order_whatever_the_file_order(books_dir):
    # the same January with its documents and entries written in reverse: the same rows, same order
    files = dict(FILES)
    docs = files["orders/2025/2025-01.yaml"].split("- id: ")[1:]
    files["orders/2025/2025-01.yaml"] = "".join("- id: " + d for d in reversed(docs))
    entries = files["journals/2025/2025-01.yaml"].split("- id: ")[1:]
    files["journals/2025/2025-01.yaml"] = "".join("- id: " + e for e in reversed(entries))
    tables = []
    for f in (FILES, files):
        book, _ = load_ledger(books_dir(f))
        tables.append([r for r in build_vat_return(book, "2025-01", detail=True).rows])
    assert tables[0] == tables[1]
    sales = [r[1].strip() for r in tables[0] if not r[0] and r[2] == "10" and r[3] is not None]
    assert sales == ["CN-2025-0001", "INV-2025-0001", "Z-KDK-2025-01-05"]
