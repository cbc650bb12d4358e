"""Issue 16 as an adversarial tester found it (notes/adv-16.md): each test is a finding, typed as
the accountant's example, that failed before its fix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from core.ledger.period import parse_period
from core.reports.cashflow import build_cash_flow

IFRS_TOML = """\
[company]
name = "Cons Ltd"
base_currency = "EUR"
chart = "ifrs-small"

[currencies]
EUR = 2

[accounts]
rounding = "7090"
retained_earnings = "3020"
"""

IFRS_ACCOUNTS = """\
- {code: "1000", name: Cash and cash equivalents, type: cash}
- {code: "1020", name: "Bank, current account", type: bank, parent: "1000"}
- {code: "1500", name: "Property, plant and equipment", type: asset}
- {code: "1540", name: Furniture and fittings, parent: "1500"}
- {code: "1590", name: Accumulated depreciation, parent: "1500"}
- {code: "2100", name: Borrowings, type: liability}
- {code: "2120", name: Long-term bank loans, parent: "2100"}
- {code: "3000", name: Equity, type: equity}
- {code: "3010", name: Share capital, parent: "3000"}
- {code: "3020", name: Retained earnings, parent: "3000"}
- {code: "4000", name: Revenue, type: income}
- {code: "4010", name: Sales of goods and services, parent: "4000"}
- {code: "6000", name: Operating expenses, type: expense}
- {code: "6030", name: Rent, parent: "6000"}
- {code: "6060", name: Depreciation and amortisation, parent: "6000"}
- {code: "7000", name: Finance costs, type: expense}
- {code: "7090", name: Rounding differences, parent: "7000"}
"""

IFRS_JANUARY = """\
- id: JE-2025-01-0001
  date: 2025-01-01
  memo: Opening balances
  tags: [opening]
  postings:
    - {account: "1020", debit: "100000.00"}
    - {account: "1540", debit: "50000.00"}
    - {account: "1590", credit: "10000.00"}
    - {account: "2120", credit: "40000.00"}
    - {account: "3010", credit: "60000.00"}
    - {account: "3020", credit: "40000.00"}
- id: JE-2025-01-0002
  date: 2025-01-10
  memo: Consulting invoice paid
  postings:
    - {account: "1020", debit: "30000.00"}
    - {account: "4010", credit: "30000.00"}
- id: JE-2025-01-0003
  date: 2025-01-11
  memo: Rent
  postings:
    - {account: "6030", debit: "5000.00"}
    - {account: "1020", credit: "5000.00"}
- id: JE-2025-01-0004
  date: 2025-01-20
  memo: Loan instalment and a new desk
  postings:
    - {account: "2120", debit: "4000.00"}
    - {account: "1540", debit: "6000.00"}
    - {account: "1020", credit: "10000.00"}
- id: JE-2025-01-0005
  date: 2025-01-31
  memo: January depreciation
  postings:
    - {account: "6060", debit: "500.00"}
    - {account: "1590", credit: "500.00"}
- id: JE-2025-01-0006
  date: 2025-01-31
  memo: Capital increase
  postings:
    - {account: "1020", debit: "2000.00"}
    - {account: "3010", credit: "2000.00"}
"""


def test_ifrs_cash_flow__equipment_is_investing_loans_and_capital_are_financing(books):
    """F9: on ifrs-small books the desk bought (1500) is investing, the loan repaid (2100) and the
    capital paid in (3000) financing, the depreciation (1590) a non-cash item; by hand: result
    30,000 - 5,000 - 500 = 24,500, operating 24,500 + 500 = 25,000, investing -6,000, financing
    -4,000 + 2,000 = -2,000, change 17,000 from 100,000 to 117,000."""
    book, problems = books({"books.toml": IFRS_TOML, "accounts.yaml": IFRS_ACCOUNTS,
                            "journals/2025/2025-01.yaml": IFRS_JANUARY}, base=False)
    assert [p for p in problems if p.severity == "error"] == []
    m = build_cash_flow(book, parse_period("2025-01")).meta
    assert m["result"] == D("24500.00")
    assert m["operating"] == D("25000.00")
    assert m["investing"] == D("-6000.00")
    assert m["financing"] == D("-2000.00")
    assert m["cash_begin"] == D("100000.00") and m["cash_end"] == D("117000.00") and m["reconciled"]


# -- F1: a payment without allocations settles the oldest item, an opening balance included ----

AR_TOML = """\
[company]
name = "Test Lokanta Ltd."
base_currency = "TRY"

[currencies]
TRY = 2

[accounts]
rounding = "659.99"
receivable = "120.01"
sales = "600.01"
bank = "102.01"
retained_earnings = "570.01"

[accounts.vat_output]
"20" = "391.03"
"""

AR_ACCOUNTS = "".join(f'- {{code: "{c}", name: "{n}", type: {t}}}\n' for c, n, t in (
    ("102.01", "Bank TRY", "bank"), ("120.01", "Alıcılar", "asset"), ("391.03", "Hesaplanan KDV %20", "liability"),
    ("570.01", "Geçmiş yıllar kârları", "equity"), ("600.01", "Yurt içi satışlar", "income"),
    ("659.99", "Yuvarlama", "expense")))

AR_CUSTOMERS = ('- {id: CU-0001, kind: company, name: Boğaziçi Etkinlik Ltd. Şti., tax_id: "1234567890", '
                'payment_terms: net30}\n')

AR_OPENING = """\
- id: JE-2025-01-0001
  date: 2025-01-01
  memo: Açılış kaydı
  tags: [opening]
  postings:
    - {account: "120.01", debit: "5000.00", contact: CU-0001}
    - {account: "102.01", debit: "1000.00"}
    - {account: "570.01", credit: "6000.00"}
"""

AR_ORDERS = """\
- id: INV-2025-0001
  kind: invoice
  date: 2025-01-12
  party: CU-0001
  currency: TRY
  lines:
    - {account: "600.01", quantity: "5", price: "1000.00", vat_rate: "20"}
- id: PAY-2025-0001
  kind: payment
  date: 2025-01-21
  party: CU-0001
  currency: TRY
  amount: "10000.00"
"""


def test_unallocated_payment__settles_the_opening_balance_first(books):
    """F1: CU-0001 owes 5,000.00 brought forward (1 January) and is invoiced 6,000.00 on 12 January;
    10,000.00 paid on 21 January without allocations settles the oldest first: the 5,000.00
    brought forward, then 5,000.00 of the invoice, which keeps 1,000.00 open (due 11 February)."""
    from core.ledger.subledger import open_items, state_of
    from core.reports.aging import build_aging

    book, problems = books({"books.toml": AR_TOML, "accounts.yaml": AR_ACCOUNTS,
                            "contacts/erp/customers.yaml": AR_CUSTOMERS,
                            "journals/2025/2025-01.yaml": AR_OPENING,
                            "orders/2025/2025-01.yaml": AR_ORDERS}, base=False)
    assert [p for p in problems if p.severity == "error"] == []
    items = [(i.doc, i.amount) for i in open_items(book, "ar")]
    assert items == [("INV-2025-0001", 100000)]
    state = state_of(book, "INV-2025-0001")
    assert (state.state, state.open) == ("partly paid", 100000)
    aging = build_aging(book, "ar", date(2025, 3, 15))
    # columns: contact, name, current, 1-30, 31-60, 61-90, 90+, total: 32 days late on 15 March
    assert aging.rows == (("CU-0001", "Boğaziçi Etkinlik Ltd. Şti.", D("0.00"), D("0.00"), D("1000.00"),
                           D("0.00"), D("0.00"), D("1000.00")),)


def test_csv_journal__a_column_named_twice_is_refused_not_half_read(books):
    """F5: `debit` twice in a bank journal's header: the second column's 5.00 was dropped without a
    word; now E190 at the header and no row is read."""
    rows = ("entry_id,date,memo,account,debit,credit,debit\n"
            "BK-2025-02-0001,2025-02-01,Card,102.01,100.00,,5.00\n"
            "BK-2025-02-0001,2025-02-01,Card,100.01,,100.00,\n")
    book, problems = books({"journals/imports/2025-02-bank.csv": rows})
    hits = [(p.code, p.path, p.line) for p in problems if p.severity == "error"]
    assert hits == [("E190", "journals/imports/2025-02-bank.csv", 1)]
    assert "`debit` appears more than once" in problems[0].message
    assert book.postings.filter(book.postings["entry_id"] == "BK-2025-02-0001").height == 0


# -- F2, F3: the opening template of `kebir init` validates once used ---------------------------

def _init_and_copy_opening(tmp_path, *args: str):
    from typer.testing import CliRunner

    from cli.main import app

    root = tmp_path / "books"
    run = CliRunner().invoke(app, ["init", str(root), *args])
    assert run.exit_code == 0, run.output
    example = (root / "journals/opening.example.yaml").read_text(encoding="utf-8")
    entry = "\n".join(line[2:] for line in example.splitlines() if line.startswith("# -") or line.startswith("#  "))
    (root / "journals/2025").mkdir(parents=True)
    (root / "journals/2025/2025-01.yaml").write_text(entry + "\n", encoding="utf-8")
    return root, example


def test_init_opening__stock_counted_comes_in_as_receipts_and_the_template_still_validates(tmp_path):
    """F2: the template put the 42,000.00 of stock counted on 31 December on the inventory account,
    which E052 refuses as soon as the books have a stock move. Now the stock comes in as a receipt
    on 1 January (as the template says) and the opening entry clears goods received with it:
    150.01 holds 42,000.00 (40 kg x 1,050.00), 329.01 is zero, nothing is refused."""
    from tests.conftest import check

    root, example = _init_and_copy_opening(tmp_path, "--template", "restaurant")
    move = next(line[2:] for line in example.splitlines() if line.startswith("# MV-"))
    (root / "stock/moves/2025").mkdir(parents=True)
    (root / "stock/moves/2025/2025-01.csv").write_text(
        "id,date,time,kind,item,location,to_location,quantity,unit_cost,currency,document,memo\n" + move + "\n",
        encoding="utf-8")
    book, problems = check(root)
    assert [(p.code, p.message) for p in problems if p.severity == "error"] == []
    every = pl.concat([book.postings.select("account", "base"), book.derived_postings.select("account", "base")])
    balance = dict(every.group_by("account").agg(pl.col("base").sum()).iter_rows())
    assert balance["150.01"] == 4_200_000 and balance.get("329.01", 0) == 0


def test_init_opening__books_kept_in_euros_get_no_lira_rate_on_a_euro_line(tmp_path):
    """F3: `--currency EUR` wrote the euro bank line with the lira rate 36.5944: E040 and E045 once
    copied. Now books not kept in lira get no foreign line and the balancing figure is 71,000.00."""
    from tests.conftest import check

    root, example = _init_and_copy_opening(tmp_path, "--template", "services", "--chart", "ifrs-small",
                                           "--currency", "EUR")
    assert "36.5944" not in example
    book, problems = check(root)
    assert [(p.code, p.message) for p in problems if p.severity == "error"] == []
    cf = build_cash_flow(book, parse_period("2025-01")).meta
    assert cf["cash_begin"] == D("25000.00") + D("180000.00")


# -- F7: period options say what is wrong with them --------------------------------------------

def test_period_options__an_impossible_day_or_an_end_before_the_begin_is_a_usage_error_that_says_why(books_dir):
    """F7: `-p 2025-02-30` said "day is out of range for month", `-p 0000-01` "year 0 is out of
    range", and `-b 2025-02-01 -e 2025-01-01` printed an empty statement titled "1 Şubat 2025"."""
    from typer.testing import CliRunner

    from cli.main import app

    root = str(books_dir({}))
    cases = {
        ("-p", "2025-02-30"): "February 2025 has 28 days",
        ("-p", "0000-01"): "there is no year 0000",
        ("-b", "2025-02-29"): "February 2025 has 28 days",
        ("-b", "2025-02-01", "-e", "2025-01-01"): "-e 2025-01-01 is not after the first day 2025-02-01",
        ("-p", "2025-01", "-e", "2025-01-01"): "-e names the day after the last one",
    }
    for args, said in cases.items():
        run = CliRunner().invoke(app, ["report", "income-statement", "--books", root, *args])
        assert run.exit_code == 2, (args, run.output)
        assert said in " ".join(run.output.split()), (args, run.output)
    ok = CliRunner().invoke(app, ["report", "income-statement", "--books", root,
                                  "-b", "2025-01-01", "-e", "2025-02-01"])
    assert ok.exit_code == 0, ok.output


def test_customer_360__a_credit_note_that_settled_its_invoice_is_applied_not_open(books):
    """F8: the customer 360 showed CN-2025-0001 as "open" although it settled 1,200.00 of
    INV-2025-0001 (which `kebir status` then shows partly paid, 4,800.00 open)."""
    from core.crm.pipeline import build_customer

    orders = AR_ORDERS.split("- id: PAY-2025-0001")[0] + """\
- id: CN-2025-0001
  kind: credit-note
  date: 2025-01-20
  party: CU-0001
  invoice: INV-2025-0001
  currency: TRY
  lines:
    - {account: "600.01", quantity: "1", price: "1000.00", vat_rate: "20"}
"""
    toml = AR_TOML.replace('sales = "600.01"', 'sales = "600.01"\nsales_returns = "600.01"')
    book, problems = books({"books.toml": toml, "accounts.yaml": AR_ACCOUNTS,
                            "contacts/erp/customers.yaml": AR_CUSTOMERS,
                            "orders/2025/2025-01.yaml": orders}, base=False)
    assert [p for p in problems if p.severity == "error"] == []
    rows = {r[2]: r for r in build_customer(book, "CU-0001", date(2025, 1, 31)).rows if r[0] == "document"}
    assert rows["INV-2025-0001"][4:] == (D("6000.00"), "partly paid")
    assert rows["CN-2025-0001"][4:] == (D("1200.00"), "applied")


def test_sealed_month__a_role_moved_in_books_toml_is_not_reported_as_an_account_added(books_dir):
    """F4 (the message): after January is closed, books.toml sends 20% output VAT to 391.04. Validate
    said "account 391.04 was added to closed period 2025-01" (it was not: January's invoice now posts
    there) and "document INV-2025-0001 changed" with a hint to write reversing entries, although
    nobody touched the invoice. Now the sealed month reads as it was sealed (no E070 at all) and the
    changed derivation is W018 on the invoice, corrected by the next close (docs/close.md)."""
    from typer.testing import CliRunner

    from cli.main import app
    from core.close import validate
    from core.close.seal import check_seals
    from core.erp.load import load_ledger

    accounts = AR_ACCOUNTS + '- {code: "391.04", name: "Hesaplanan KDV", type: liability}\n'
    root = books_dir({"books.toml": AR_TOML, "accounts.yaml": accounts, "contacts/erp/customers.yaml": AR_CUSTOMERS,
                      "orders/2025/2025-01.yaml": AR_ORDERS.split("- id: PAY-2025-0001")[0]}, base=False)
    run = CliRunner().invoke(app, ["close", "2025-01", "--books", str(root), "--on", "2025-02-03", "--by", "Zeynep"])
    assert run.exit_code == 0, run.output
    (root / "books.toml").write_text(AR_TOML.replace('"20" = "391.03"', '"20" = "391.04"'), encoding="utf-8")
    book, _ = load_ledger(root, use_cache=False)
    assert [p for p in check_seals(book) if p.code == "E070"] == []
    changed = [p for p in validate.run_all(book) if p.code == "W018"]
    assert changed and "INV-2025-0001" in changed[0].message + changed[0].record
    assert "391.04" in changed[0].message + (changed[0].found or "")


def test_unallocated_payment__a_lira_payment_never_settles_an_older_euro_invoice(books):
    """The F1 fix stays within a currency: CU-0001 is invoiced 100.00 EUR on 5 January and 6,000.00
    TRY on 12 January; 6,000.00 TRY paid on 21 January without allocations settles the lira invoice
    (as derivation posted it), and the euro invoice stays open."""
    from core.ledger.subledger import state_of

    toml = AR_TOML.replace("TRY = 2\n", "TRY = 2\nEUR = 2\n")
    orders = """\
- id: INV-2025-0000
  kind: invoice
  date: 2025-01-05
  party: CU-0001
  currency: EUR
  rate: "36.00"
  lines:
    - {account: "600.01", quantity: "1", price: "100.00", vat_rate: "20"}
""" + AR_ORDERS.replace('amount: "10000.00"', 'amount: "6000.00"')
    book, problems = books({"books.toml": toml, "accounts.yaml": AR_ACCOUNTS,
                            "contacts/erp/customers.yaml": AR_CUSTOMERS,
                            "orders/2025/2025-01.yaml": orders}, base=False)
    assert [p for p in problems if p.severity == "error"] == []
    assert state_of(book, "INV-2025-0001").state == "paid"
    assert state_of(book, "INV-2025-0000").state == "open"
