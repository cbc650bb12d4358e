"""kebir query: SQL over the books, on small books whose sums are worked out by hand."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from conftest import ACCOUNTS, BOOKS_TOML
from typer.testing import CliRunner

from cli.main import app
from core.erp.load import load_ledger
from core.reports.query import DESCRIPTIONS, QueryError, run_query
from core.reports.trial_balance import build_trial_balance

# Opening capital, a cash dinner, rent on credit and a EUR receipt (100.00 EUR at 37.1250 =
# 3,712.50 TRY). By hand, per account: 100.01 1,200.00; 102.01 10,000.00; 102.02 3,712.50;
# 320.01 -500.00; 570 -10,000.00; 600.01 -4,912.50; 770.01 500.00.
MARCH = {
    "journals/2025/2025-03.yaml": """
        - id: JE-0
          date: 2025-03-01
          memo: Opening capital
          postings:
            - {account: "102.01", debit: "10000.00"}
            - {account: "570", credit: "10000.00"}
        - id: JE-1
          date: 2025-03-04
          memo: Dinner, cash
          postings:
            - {account: "100.01", debit: "1200.00"}
            - {account: "600.01", credit: "1200.00"}
        - id: JE-2
          date: 2025-03-05
          memo: Kadıköy rent, March, on credit
          postings:
            - {account: "770.01", debit: "500.00"}
            - {account: "320.01", credit: "500.00"}
        - id: JE-3
          date: 2025-03-20
          memo: Catering paid in EUR
          postings:
            - {account: "102.02", debit: "100.00", currency: EUR, rate: "37.1250"}
            - {account: "600.01", credit: "3712.50"}
    """,
}

# An invoice of two lines, VAT rounded per line as the derivation does:
#   3 x 33.33 = 99.99 net, 20% VAT 19.998 -> 20.00;  2 x 100.00 - 15.00 discount = 185.00 net, 10% VAT 18.50.
#   net 284.99, VAT 38.50, gross 323.49; paid 100.00, so 223.49 is open. A receipt of 10 kg of sea bass
#   at 300.00 and an issue of 6.5 kg leave 3.500 kg worth 1,050.00 on hand.
ERP_TOML = BOOKS_TOML + """\
receivable = "120.01"
sales = "600.01"
bank = "102.01"

[accounts.vat_output]
"10" = "391.02"
"20" = "391.03"
"""
ERP_ACCOUNTS = ACCOUNTS + """\
- {code: "120", name: Alıcılar, type: asset}
- {code: "120.01", name: Alıcılar TRY}
- {code: "391", name: Hesaplanan KDV, type: liability}
- {code: "391.02", name: Hesaplanan KDV %10}
- {code: "391.03", name: Hesaplanan KDV %20}
"""
ERP = {
    "books.toml": ERP_TOML,
    "accounts.yaml": ERP_ACCOUNTS,
    "orders/2025/2025-03.yaml": """
        - id: INV-1
          kind: invoice
          date: 2025-03-10
          party: CU-0001
          due: 2025-04-09
          lines:
            - {account: "600.01", description: Meze, quantity: "3", price: "33.33", vat_rate: "20"}
            - {account: "600.01", description: Dinner, quantity: "2", price: "100.00", discount: "15.00", \
vat_rate: "10"}
        - id: PAY-1
          kind: payment
          date: 2025-03-20
          party: CU-0001
          amount: "100.00"
    """,
    "stock/moves/2025/2025-03.csv": (
        "id,date,time,kind,item,location,to_location,quantity,unit_cost,currency,document,memo\n"
        "MV-1,2025-03-01,07:00,receipt,FSH-LEVREK,KDK,,10.000,300.00,TRY,,\n"
        "MV-2,2025-03-04,12:00,issue,FSH-LEVREK,KDK,,6.500,,,,kitchen\n"),
}


def clean(made):
    book, problems = made
    assert [p for p in problems if p.severity == "error"] == []
    return book


def test_query__sums_base_per_account_exactly(books):
    book = clean(books(MARCH))
    t = run_query(book, "SELECT account, SUM(base) AS balance FROM postings GROUP BY account ORDER BY account")
    assert t.rows == (("100.01", D("1200.00")), ("102.01", D("10000.00")), ("102.02", D("3712.50")),
                      ("320.01", D("-500.00")), ("570", D("-10000.00")), ("600.01", D("-4912.50")),
                      ("770.01", D("500.00")))
    assert all(type(r[1]) is D and r[1].as_tuple().exponent == -2 for r in t.rows)
    assert [c.kind for c in t.columns] == ["text", "money"]


def test_query__amount_is_in_the_postings_currency(books):
    book = clean(books(MARCH))
    t = run_query(book, "SELECT currency, amount, base FROM postings WHERE account = '102.02'")
    assert t.rows == (("EUR", D("100.00"), D("3712.50")),)


def test_query__joins_and_month_buckets(books):
    book = clean(books(MARCH))
    t = run_query(book, """
        SELECT STRFTIME(p.date, '%Y-%m') AS month, a.type, -SUM(p.base) AS revenue
        FROM postings p JOIN accounts a ON a.code = p.account
        WHERE a.type = 'income' GROUP BY month, a.type ORDER BY month""")
    assert t.rows == (("2025-03", "income", D("4912.50")),)


def test_query__group_by_equals_the_trial_balance_on_the_demo(demo_copy):
    book, _ = load_ledger(demo_copy, use_cache=False, jobs=1)
    tb = build_trial_balance(book)
    q = run_query(book, """
        SELECT account,
               SUM(CASE WHEN base > 0 THEN base ELSE 0 END) AS debit,
               SUM(CASE WHEN base < 0 THEN -base ELSE 0 END) AS credit,
               SUM(base) AS balance
        FROM postings GROUP BY account ORDER BY account""")
    assert len(q.rows) == len(tb.rows) > 50
    for (acc, dr, cr, bal), (tacc, _name, tdr, tcr, tbal) in zip(q.rows, tb.rows):
        assert (acc, dr, cr, bal) == (tacc, tdr, tcr, tbal)
    total = run_query(book, "SELECT SUM(base) AS s, COUNT(*) AS n FROM postings").rows[0]
    assert total[0] == D("0.00") and total[1] == book.ledger().height


def test_query__documents_with_totals_from_their_lines(books):
    book = clean(books(ERP))
    lines = run_query(book, "SELECT document, line_no, quantity, price, discount, vat_rate, net, vat "
                            "FROM order_lines ORDER BY line_no")
    assert lines.rows == (("INV-1", 1, D(3), D("33.33"), D("0.00"), D(20), D("99.99"), D("20.00")),
                          ("INV-1", 2, D(2), D("100.00"), D("15.00"), D(10), D("185.00"), D("18.50")))
    orders = run_query(book, "SELECT id, kind, net, vat, gross, base_gross, amount FROM orders ORDER BY id")
    assert orders.rows == (("INV-1", "invoice", D("284.99"), D("38.50"), D("323.49"), D("323.49"), None),
                           ("PAY-1", "payment", D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("100.00")))
    # the invoice's gross is what the derivation posted to the receivable
    tie = run_query(book, "SELECT o.gross, p.base FROM orders o JOIN postings p ON p.entry_id = o.id "
                          "WHERE p.account = '120.01' AND o.kind = 'invoice'")
    assert tie.rows == ((D("323.49"), D("323.49")),)


def test_query__open_invoices(books):
    book = clean(books(ERP))
    t = run_query(book, "SELECT id, party, due, gross, open FROM invoices WHERE open > 0")
    from datetime import date
    assert t.rows == (("INV-1", "CU-0001", date(2025, 4, 9), D("323.49"), D("223.49")),)


def test_query__stock_on_hand(books):
    book = clean(books(ERP))
    moves = run_query(book, "SELECT id, qty FROM moves ORDER BY id")
    assert moves.rows == (("MV-1", D("10.000")), ("MV-2", D("6.500")))
    on_hand = run_query(book, "SELECT item, location, SUM(qty) AS qty, SUM(value) AS value "
                              "FROM stock GROUP BY item, location")
    assert on_hand.rows == (("FSH-LEVREK", "KDK", D("3.500"), D("1050.00")),)
    assert [c.kind for c in on_hand.columns] == ["text", "text", "qty", "money"]


def test_query__record_tables_are_built_only_when_read(books):
    book = clean(books(ERP))
    run_query(book, "SELECT COUNT(*) FROM postings")
    assert "_query_documents" not in book.__dict__
    run_query(book, "SELECT COUNT(*) FROM orders")
    assert "_query_documents" in book.__dict__


@pytest.mark.parametrize("sql", ["SELEC account FROM postings", "SELECT * FROM ledger",
                                 "SELECT nope FROM postings"])
def test_query__bad_sql_is_a_query_error(books, sql):
    book = clean(books(MARCH))
    with pytest.raises(QueryError):
        run_query(book, sql)


def test_cli_query__json_has_decimal_strings_not_floats(books_dir):
    root = str(books_dir(MARCH))
    run = CliRunner().invoke(app, ["query", ("SELECT account, SUM(base) AS balance FROM postings "
                                   "GROUP BY account ORDER BY account"), "--books", root, "-f", "json"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert doc["rows"][2] == {"account": "102.02", "balance": "3712.50"}
    assert all(isinstance(r["balance"], str) for r in doc["rows"])
    csv = CliRunner().invoke(app, ["query", "SELECT SUM(base) AS s FROM postings WHERE base > 0",
                                   "--books", root, "-f", "csv"])
    assert csv.stdout == "s\n15412.50\n"   # the debits: 10,000.00 + 1,200.00 + 500.00 + 3,712.50


@pytest.mark.parametrize("sql", ["SELEC account FROM postings", "SELECT * FROM ledger", "SELECT nope FROM postings"])
def test_cli_query__bad_sql_exits_2_naming_the_tables(books_dir, sql):
    root = str(books_dir(MARCH))
    run = CliRunner().invoke(app, ["query", sql, "--books", root])
    assert run.exit_code == 2
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith("kebir: query: ") and ", ".join(DESCRIPTIONS) in line


def test_cli_query__tables_lists_every_table_and_column(books_dir):
    root = str(books_dir(MARCH))
    run = CliRunner().invoke(app, ["query", "--tables", "--books", root, "-f", "csv"])
    assert run.exit_code == 0
    rows = [line.split(",") for line in run.stdout.splitlines()[1:]]
    assert {r[0] for r in rows} == set(DESCRIPTIONS)
    assert ["postings", "base", "decimal(2)"] in rows and ["moves", "qty", "decimal(3)"] in rows
    assert CliRunner().invoke(app, ["query", "--schema", "--books", root]).exit_code == 0
    assert CliRunner().invoke(app, ["query", "--books", root]).exit_code == 2
