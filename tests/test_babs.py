"""Form Ba and Form Bs of a hand-typed January (threshold 5,000.00 TRY excluding VAT).

By hand:
  Ba  SU-0002  supplier invoice 4,999.99 + the rent entered as a journal entry 1,000.00 = 5,999.99, 2 documents
  Ba  SU-0001  supplier invoices 4,000.00 + 1,000.00 = 5,000.00 (exactly the threshold), 2 documents
  Bs  CU-0003  8,000.00, a firm in Germany: listed with its country, no Turkish tax number asked
  Bs  CU-0001  6,000.00; its return of 700.00 (our credit note records its IADE invoice) goes on Ba, under
      the threshold, and does not lower the Bs line
  Bs  CU-0002  5,000.00, a Turkish firm without a tax number: listed, and a problem (E227)
  not listed: SU-0003 4,999.99
"""

from __future__ import annotations

from decimal import Decimal

from typer.testing import CliRunner

from cli.main import app
from core.erp.load import load_ledger
from core.reports.babs import babs, build_babs

BOOKS = """\
[company]
name = "Moda Meyhanesi Ltd. Şti."
base_currency = "TRY"

[accounts]
rounding = "659.99"
receivable = "120.01"
payable = "320.01"
sales = "600.01"
sales_returns = "610.01"
expenses = "770.01"

[accounts.vat_output]
10 = "391.02"

[accounts.vat_input]
10 = "191.02"

[statutory]
tax_id = "2910465635"
babs_threshold = "5000"
"""

ACCOUNTS = """\
- {code: "120", name: Alıcılar, type: asset}
- {code: "120.01", name: Alıcılar TRY}
- {code: "191", name: İndirilecek KDV, type: asset}
- {code: "191.02", name: İndirilecek KDV %10}
- {code: "320", name: Satıcılar, type: liability}
- {code: "320.01", name: Satıcılar TRY}
- {code: "391", name: Hesaplanan KDV, type: liability}
- {code: "391.02", name: Hesaplanan KDV %10}
- {code: "600", name: Yurt İçi Satışlar, type: income}
- {code: "600.01", name: Satışlar}
- {code: "610", name: Satıştan İadeler, type: income}
- {code: "610.01", name: Satıştan İadeler}
- {code: "659.99", name: Yuvarlama, type: expense}
- {code: "770", name: Genel Yönetim Giderleri, type: expense}
- {code: "770.01", name: Kira ve hizmetler}
"""


def doc(id_: str, kind: str, day: str, party: str, amount: str, extra: str = "") -> str:
    account = "770.01" if kind.startswith("supplier") else "610.01" if kind == "credit-note" else "600.01"
    return (f"- id: {id_}\n  kind: {kind}\n  date: 2025-01-{day}\n  party: {party}\n{extra}  lines:\n"
            f'    - {{description: Hizmet, account: "{account}", quantity: "1", price: "{amount}", vat_rate: "10"}}\n')


FILES = {
    "books.toml": BOOKS,
    "accounts.yaml": ACCOUNTS,
    "contacts/erp/customers.yaml": """\
- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti., tax_id: "1234567890"}
- {id: CU-0002, kind: company, name: Kadıköy Organizasyon Ltd. Şti.}
- {id: CU-0003, kind: company, name: Berliner Events GmbH, tax_id: DE123456789, country: DE}
""",
    "contacts/erp/suppliers.yaml": """\
- {id: SU-0001, kind: company, name: Kumkapı Balıkçılık Ltd. Şti., tax_id: "9876543217"}
- {id: SU-0002, kind: company, name: Rıhtım Gayrimenkul A.Ş., tax_id: "2910465635"}
- {id: SU-0003, kind: company, name: Ezine Süt A.Ş., tax_id: "1234567890"}
""",
    "orders/2025/2025-01.yaml": "".join([
        doc("SI-2025-0001", "supplier-invoice", "03", "SU-0001", "4000.00"),
        doc("SI-2025-0002", "supplier-invoice", "04", "SU-0001", "1000.00"),
        doc("SI-2025-0003", "supplier-invoice", "05", "SU-0002", "4999.99"),
        doc("SI-2025-0004", "supplier-invoice", "06", "SU-0003", "4999.99"),
        doc("INV-2025-0001", "invoice", "10", "CU-0001", "6000.00"),
        doc("INV-2025-0002", "invoice", "11", "CU-0002", "5000.00"),
        doc("INV-2025-0003", "invoice", "12", "CU-0003", "8000.00"),
        doc("CN-2025-0001", "credit-note", "20", "CU-0001", "700.00", "  invoice: INV-2025-0001\n"),
    ]),
    "journals/2025/2025-01.yaml": """\
- id: JE-2025-01-0001
  date: 2025-01-02
  memo: Kira, Ocak
  payee: SU-0002
  postings:
    - {account: "770.01", debit: "1000.00"}
    - {account: "191.02", debit: "100.00", memo: KDV %10}
    - {account: "320.01", credit: "1100.00", contact: SU-0002}
""",
}


def test_babs__parties_at_or_above_the_threshold_with_returns_on_the_other_form(books_dir):
    book, _ = load_ledger(books_dir(FILES))
    table = build_babs(book, "2025-01")
    got = [(r[0], r[1], r[3], r[4], r[5], r[6]) for r in table.rows]
    assert got == [
        ("Ba", "SU-0002", "2910465635", "TR", 2, Decimal("5999.99")),
        ("Ba", "SU-0001", "9876543217", "TR", 2, Decimal("5000.00")),
        ("Bs", "CU-0003", "DE123456789", "DE", 1, Decimal("8000.00")),
        ("Bs", "CU-0001", "1234567890", "TR", 1, Decimal("6000.00")),
        ("Bs", "CU-0002", "", "TR", 1, Decimal("5000.00")),
    ]
    assert table.totals[-2:] == (7, Decimal("29999.99"))
    problems = babs(book, "2025-01")[1]
    assert [(p.code, p.record, p.path, p.line) for p in problems] == \
        [("E227", "CU-0002", "contacts/erp/customers.yaml", 2)]


def test_babs__the_threshold_comes_from_books_toml(books_dir):
    files = {**FILES, "books.toml": BOOKS.replace('babs_threshold = "5000"', 'babs_threshold = "5999.99"')}
    book, _ = load_ledger(books_dir(files))
    assert [(r[0], r[1]) for r in build_babs(book, "2025-01").rows] == [("Ba", "SU-0002"), ("Bs", "CU-0003"),
                                                                       ("Bs", "CU-0001")]


def test_babs__cli_prints_the_forms_and_exits_1_on_a_missing_tax_number(books_dir):
    root = books_dir(FILES)
    done = CliRunner().invoke(app, ["report", "ba-bs", "-p", "2025-01", "--books", str(root), "--format", "csv"])
    assert done.exit_code == 1
    assert "Bs,CU-0003,Berliner Events GmbH,DE123456789,DE,1,8000.00" in done.stdout
    assert f"{root}/contacts/erp/customers.yaml:2: E227 CU-0002 is on Form Bs for 2025-01" in done.stderr
