"""What an attack on the e-invoices found, each as the accountant meets it (docs/statutory.md).

The company is tests/test_einvoice.py's caterer (VKN 2910465635, e-Fatura series DNZ, e-Arşiv DNA).
Its January, numbered there: INV-2025-0001 (CU-0001, e-Fatura) DNZ2025000000001 on 7 January,
SC-2025-0001 (our return to SU-0001, e-Fatura) DNZ2025000000002 on 10 January, INV-2025-0002 (a
person) DNA2025000000001 on 9 January, INV-2025-0003 (a Greek firm) DNA2025000000002 on 14 January.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from cli.main import app
from tests.test_einvoice import ACCOUNTS, BOOKS, CUSTOMERS, ITEMS, NS, ORDERS, SUPPLIERS

JAN = "orders/2025/2025-01.yaml"
FEB = "orders/2025/2025-02.yaml"


def kebir(*args: str):
    return CliRunner().invoke(app, list(args))


def invoice(doc: str, day: str, party: str, quantity: str = "10", extra: str = "") -> str:
    """One sales invoice of Kokteyl menüsü at 950.00 + 10% VAT, in block style."""
    return (f"- id: {doc}\n  kind: invoice\n  date: {day}\n  party: {party}\n{extra}  lines:\n"
            f'    - {{item: CAT-MENU-A, quantity: "{quantity}", price: "950.00", vat_rate: "10"}}\n')


def files(over: dict[str, str] | None = None) -> dict[str, str]:
    base = {"books.toml": BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
            "contacts/erp/suppliers.yaml": SUPPLIERS, "stock/items.yaml": ITEMS, JAN: ORDERS}
    return {**base, **(over or {})}


@pytest.fixture
def january(books_dir) -> Path:
    root = books_dir(files())
    done = kebir("einvoice", "number", "-p", "2025-01", "--books", str(root))
    assert done.exit_code == 0, done.output
    return root


def number(root: Path, period: str):
    return kebir("einvoice", "number", "-p", period, "--books", str(root))


def export(root: Path, *args: str):
    return kebir("export", "einvoice", *args, "--books", str(root), "--dry-run")


# F1: numbers rise with the invoice date ------------------------------------------------------------

def test_number__a_late_january_invoice_after_february_was_numbered_is_refused(january):
    (january / FEB).write_text(invoice("INV-2025-0004", "2025-02-03", "CU-0001"), encoding="utf-8")
    assert number(january, "2025-02").exit_code == 0        # DNZ2025000000003 on 3 February
    assert "number: DNZ2025000000003" in (january / FEB).read_text(encoding="utf-8")
    # a January invoice typed in afterwards would get DNZ...004, dated before ...003's 3 February
    jan = (january / JAN).read_text(encoding="utf-8")
    (january / JAN).write_text(jan + invoice("INV-2025-0005", "2025-01-28", "CU-0001"), encoding="utf-8")
    done = number(january, "2025-01")
    assert done.exit_code == 1
    assert ("E229 INV-2025-0005 dated 2025-01-28 has the number DNZ2025000000004, after DNZ2025000000003 of "
            "INV-2025-0004 dated 2025-02-03") in done.stderr
    assert "date it on or after 2025-02-03" in done.stderr
    assert "INV-2025-0005" not in re.findall(r"number: \S+", (january / JAN).read_text(encoding="utf-8"))
    assert (january / JAN).read_text(encoding="utf-8").count("number: DNZ") == 2     # nothing written


def test_number__a_month_numbered_before_the_one_before_it_is_refused(books_dir):
    # February numbered first: CU-0001's 3 February invoice takes DNZ2025000000001; January's
    # INV-2025-0001 (7 January) and SC-2025-0001 (10 January) would follow it with 002 and 003
    root = books_dir(files({FEB: invoice("INV-2025-0004", "2025-02-03", "CU-0001")}))
    assert number(root, "2025-02").exit_code == 0
    done = number(root, "2025-01")
    assert done.exit_code == 1
    assert "E229 INV-2025-0001 dated 2025-01-07 has the number DNZ2025000000002, after DNZ2025000000001" \
        in done.stderr
    assert "E229 SC-2025-0001 dated 2025-01-10 has the number DNZ2025000000003" in done.stderr
    # the e-Arşiv series has no later invoice, yet nothing of January is numbered while one fails
    assert "number:" not in (root / JAN).read_text(encoding="utf-8").replace("number: KBL", "")


def test_validate__a_hand_typed_number_out_of_date_order(january):
    # typed by hand: INV-2025-0004 of 5 January as DNZ2025000000003, after SC-2025-0001's 002 of
    # 10 January (a 5 January invoice comes before 001 of 7 January, so it cannot hold 003)
    extra = "  number: DNZ2025000000003\n  ettn: 8c5f1d1e-0000-4000-8000-000000000003\n"
    jan = (january / JAN).read_text(encoding="utf-8")
    (january / JAN).write_text(jan + invoice("INV-2025-0004", "2025-01-05", "CU-0001", extra=extra),
                               encoding="utf-8")
    done = kebir("validate", "--books", str(january))
    assert done.exit_code == 1
    assert "E229" in done.output and "INV-2025-0004 dated 2025-01-05 has the number DNZ2025000000003, after " \
        "DNZ2025000000002 of SC-2025-0001 dated 2025-01-10" in done.output


# F7: a number used twice anywhere in the books ------------------------------------------------------

def test_validate__a_number_reused_in_another_month(january):
    extra = "  number: DNZ2025000000001\n  ettn: 8c5f1d1e-0000-4000-8000-000000000004\n"
    (january / FEB).write_text(invoice("INV-2025-0004", "2025-02-03", "CU-0001", extra=extra), encoding="utf-8")
    done = kebir("validate", "--books", str(january))
    assert done.exit_code == 1
    assert "E224" in done.output
    assert "INV-2025-0004 has the GİB number DNZ2025000000001, already given to INV-2025-0001" in done.output
    # exporting February refuses it too; January's INV-2025-0001 holds the number rightly
    assert "E224 INV-2025-0004" in export(january, "-p", "2025-02").stderr
    assert export(january, "-p", "2025-01").exit_code == 0


# F2, F5, F14: tax numbers with their check digits ---------------------------------------------------

def test_number__a_customer_vkn_failing_its_check_digit_gets_no_number(books_dir):
    # 1234567891: the VKN check digit of 123456789 is 0, so the last digit is a typo
    root = books_dir(files({"contacts/erp/customers.yaml": CUSTOMERS.replace('"1234567890"', '"1234567891"')}))
    done = number(root, "2025-01")
    assert done.exit_code == 1
    assert "E230 INV-2025-0001 goes to CU-0001, whose tax_id 1234567891 fails the VKN check digit" in done.stderr
    assert "contacts/erp/customers.yaml:1" in done.stderr
    assert "number:" not in (root / JAN).read_text(encoding="utf-8").replace("number: KBL", "")


def test_export__a_vkn_mistyped_after_numbering_is_refused(january):
    customers = january / "contacts/erp/customers.yaml"
    customers.write_text(CUSTOMERS.replace('"1234567890"', '"1234567891"'), encoding="utf-8")
    done = export(january, "INV-2025-0001")
    assert done.exit_code == 1 and "E230 INV-2025-0001" in done.stderr


def test_number_and_export__the_companys_own_vkn_is_checked(books_dir, january):
    # 2910465632: the check digit of 291046563 is 5
    wrong = BOOKS.replace('tax_id = "2910465635"', 'tax_id = "2910465632"')
    root = books_dir(files({"books.toml": wrong}))
    done = number(root, "2025-01")
    assert done.exit_code == 1
    assert "E231 the company's own tax number in [statutory] tax_id: 2910465632 fails the VKN check digit" \
        in done.stderr
    done = kebir("validate", "--books", str(root))
    assert done.exit_code == 1 and "E231" in done.output                 # validate says it too
    january.joinpath("books.toml").write_text(wrong, encoding="utf-8")
    done = export(january, "-p", "2025-01")
    assert done.exit_code == 1 and done.stderr.count("E231") == 1       # said once, not once per invoice


def test_number__an_invoice_the_export_would_refuse_gets_no_number(books_dir):
    # "bottle" is a unit kebir knows (BO), "çuval" is not: the export would refuse the line (E221)
    orders = ORDERS.replace("unit: bottle", "unit: çuval")
    root = books_dir(files({JAN: orders}))
    done = number(root, "2025-01")
    assert done.exit_code == 1 and "E221 line 2 of INV-2025-0001" in done.stderr
    assert (root / JAN).read_text(encoding="utf-8") == orders


# F3: the scenario and the series agree ---------------------------------------------------------------

def test_export__a_customer_no_longer_e_fatura_after_its_invoice_was_numbered(january):
    customers = january / "contacts/erp/customers.yaml"
    customers.write_text(CUSTOMERS.replace("e_invoice: true", "e_invoice: false"), encoding="utf-8")
    done = export(january, "INV-2025-0001")
    assert done.exit_code == 1
    assert ("E232 INV-2025-0001 was numbered DNZ2025000000001 in the e-Fatura series, but its party CU-0001 is "
            "no longer marked e_invoice: true: it would go out as e-Arşiv (EARSIVFATURA)") in done.stderr
    assert "remove its `number:` and `ettn:` lines" in done.stderr


# F9: the buyer's tax office -------------------------------------------------------------------------

def test_export__the_buyers_tax_office_is_in_the_ubl(january, tmp_path):
    out = tmp_path / "x"
    done = kebir("export", "einvoice", "INV-2025-0001", "--books", str(january), "-o", str(out))
    assert done.exit_code == 0, done.output
    xml = etree.parse(str(out / "DNZ2025000000001.xml"))
    buyer = "/*/cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name"
    seller = "/*/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name"
    assert [e.text for e in xml.xpath(buyer, namespaces=NS)] == ["Beşiktaş"]
    assert [e.text for e in xml.xpath(seller, namespaces=NS)] == ["Kadıköy"]


# F11: numbering adds its lines and leaves every other byte --------------------------------------------

def test_number__keeps_the_files_bom_crlf_and_record_order(books_dir):
    # the accountant's file: a byte-order mark, Windows line ends, INV-2025-0002 before INV-2025-0001
    two = invoice("INV-2025-0002", "2025-01-09", "CU-0002", "20")
    one = invoice("INV-2025-0001", "2025-01-07", "CU-0001", "140")
    text = ("# Ocak faturaları\n" + two + one).replace("\n", "\r\n")
    raw = b"\xef\xbb\xbf" + text.encode("utf-8")
    root = books_dir(files())
    (root / JAN).write_bytes(raw)
    done = number(root, "2025-01")
    assert done.exit_code == 0, done.output
    after = (root / JAN).read_bytes()
    assert after.startswith(b"\xef\xbb\xbf# Ocak")
    added = [ln for ln in after.split(b"\r\n") if ln not in raw.split(b"\r\n")]
    assert [ln.split(b":")[0].strip() for ln in added] == [b"number", b"ettn", b"number", b"ettn"]
    assert after.replace(b"\r\n", b"") .count(b"\n") == 0                  # no bare LF brought in
    rest = b"\r\n".join(ln for ln in after.split(b"\r\n") if ln not in added)
    assert rest == raw                                                     # everything else as it was
    assert after.index(b"INV-2025-0002") < after.index(b"INV-2025-0001")


# F12: an amount too large for a line ------------------------------------------------------------------

def test_export__a_line_of_1e19_lira_is_a_problem_not_a_crash(books_dir):
    # 10,000,000 portions at 1,000,000,000,000.00 (each within the schema's 12 digits) =
    # 10,000,000,000,000,000,000.00 TRY, + 10% VAT = 11,000,000,000,000,000,000.00: past 15 digits
    big = ORDERS.replace('quantity: "20", price: "950.00"', 'quantity: "10000000", price: "1000000000000.00"')
    root = books_dir(files({JAN: big}))
    for done in (number(root, "2025-01"), export(root, "-p", "2025-01"), kebir("validate", "--books", str(root))):
        assert done.exit_code == 1, done.output
        assert isinstance(done.exception, SystemExit), done.exception
        assert ("E233" in done.output and "INV-2025-0002's lines add up to 11,000,000,000,000,000,000.00 TRY with "
                "VAT, more than an amount in the books can hold") in done.output


# F6: an invoice of a closed month edited after the close ----------------------------------------------

def test_export__an_invoice_edited_after_its_month_was_closed_is_refused(books_dir):
    # the caterer's books with the accounts the close's VAT offset entry posts to
    closing = BOOKS.replace('rounding = "659.99"\n', 'rounding = "659.99"\nvat_payable = "360.03"\n'
                            'vat_carry_forward = "190.01"\n')
    accounts = ACCOUNTS + ('- {code: "190", name: Devreden KDV, type: asset}\n- {code: "190.01", name: Devreden KDV}\n'
                           '- {code: "360", name: Ödenecek Vergi ve Fonlar, type: liability}\n'
                           '- {code: "360.03", name: Ödenecek KDV}\n')
    january = books_dir(files({"books.toml": closing, "accounts.yaml": accounts}))
    assert number(january, "2025-01").exit_code == 0
    done = kebir("close", "2025-01", "--books", str(january), "--on", "2025-02-03", "--by", "Zeynep Kaya")
    assert done.exit_code == 0, done.output
    assert export(january, "-p", "2025-01").exit_code == 0
    # 140 menus typed as 150 after the close: DNZ2025000000001 was issued for 140
    orders = january / JAN
    orders.write_text(orders.read_text(encoding="utf-8").replace('quantity: "140"', 'quantity: "150"'),
                      encoding="utf-8")
    done = export(january, "-p", "2025-01")
    assert done.exit_code == 1
    assert ("E070 document INV-2025-0001 changed in closed period 2025-01: the invoice no longer reads as it was "
            "issued and sealed, so it cannot be exported under its number") in done.stderr
    assert "kebir reopen 2025-01" in done.stderr
    assert "SC-2025-0001" not in done.stderr                    # the others are as sealed
    assert export(january, "INV-2025-0002").exit_code == 0


# messages an accountant can act on --------------------------------------------------------------------

def test_export__a_company_buyer_without_its_tax_office_is_warned_and_written(books_dir, tmp_path):
    root = books_dir(files({"contacts/erp/customers.yaml": CUSTOMERS.replace(" tax_office: Beşiktaş,", "")}))
    assert number(root, "2025-01").exit_code == 0
    done = kebir("export", "einvoice", "INV-2025-0001", "--books", str(root), "-o", str(tmp_path / "x"))
    assert done.exit_code == 0, done.output
    assert "W046 INV-2025-0001 names CU-0001 without its tax office (vergi dairesi)" in done.stderr
    assert (tmp_path / "x/DNZ2025000000001.xml").exists()


def test_export__a_supplier_invoice_or_an_empty_month_says_why_nothing_is_written(january):
    done = export(january, "SI-2025-0001")
    assert done.exit_code == 1
    assert "E223 SI-2025-0001 is a supplier-invoice, which the company does not issue as an e-invoice" \
        in done.stderr
    done = export(january, "-p", "2025-03")
    assert done.exit_code == 0 and "kebir: no issued invoices in 2025-03: nothing to export" in done.stderr
