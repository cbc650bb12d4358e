"""A new restaurant's January, typed by hand as a new accountant would (issue 16, "Must show").

`kebir init --template restaurant` (TDHP chart, 7/A), then an opening entry, then January:

- 3 Jan: purchase order PO-0001 for 60 bottles of wine at 250.00 + 20% VAT, received the same day (MV-1);
- 5 Jan: the supplier's invoice SI-0001 for it;
- 10 Jan: the Z-report: 12 bottles of wine sold for 6,000.00 + 20% VAT, paid 2,200.00 cash, 5,000.00 card;
- 15 Jan: invoice INV-0001 to the corporate customer: a lunch (10% VAT) and wine (20% VAT);
- 20 Jan: a EUR supplier invoice SI-0002 (software, 100.00 EUR + 20% VAT at 37.0000);
- 25 Jan: the customer pays INV-0001 (PAY-0001); we pay SI-0002 from the EUR account at 37.5000 (SP-0002);
- 31 Jan: payroll (the bureau's totals), net pay paid from the bank (JE-2025-01-0002).

Every figure below is worked out by hand in the test, the way the accountant checks the statements.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.ledger.period import parse_period
from core.reports.cashflow import build_cash_flow
from core.reports.statements import build_balance_sheet, build_income_statement
from core.reports.trial_balance import build_trial_balance
from tests.conftest import check

OPENING = """\
- id: JE-2025-01-0001
  date: 2025-01-01
  memo: Açılış kaydı 2025
  tags: [opening]
  postings:
    - {account: "100.01", debit: "20000.00"}
    - {account: "102.01", debit: "300000.00"}
    - {account: "102.02", debit: "1000.00", currency: EUR, rate: "36.5000", base: "36500.00"}
    - {account: "255.01", debit: "240000.00"}
    - {account: "257.01", credit: "48000.00"}
    - {account: "500.01", credit: "400000.00"}
    - {account: "570.01", credit: "148500.00"}
- id: JE-2025-01-0002
  date: 2025-01-31
  memo: Ocak net ücretleri ödendi
  postings:
    - {account: "335.01", debit: "71491.00"}
    - {account: "102.01", credit: "71491.00"}
"""

RATES = """\
date,currency,rate
2025-01-01,EUR,36.5000
2025-01-20,EUR,37.0000
2025-01-25,EUR,37.5000
"""

ORDERS = """\
- id: PO-0001
  kind: purchase
  date: 2025-01-03
  party: SU-0001
  location: REST
  currency: TRY
  status: closed
  lines:
    - {item: DRK-SARAP, quantity: "60", price: "250.00", vat_rate: "20"}
- id: SI-0001
  kind: supplier-invoice
  date: 2025-01-05
  party: SU-0001
  order: PO-0001
  location: REST
  currency: TRY
  lines:
    - {item: DRK-SARAP, quantity: "60", price: "250.00", vat_rate: "20"}
- id: INV-0001
  kind: invoice
  date: 2025-01-15
  party: CU-0001
  location: REST
  currency: TRY
  due: 2025-02-14
  memo: Şirket öğle yemeği, 20 kişi
  lines:
    - {description: Öğle yemeği menüsü, account: "600.01", quantity: "20", price: "450.00", vat_rate: "10"}
    - {description: Şarap servisi, account: "600.01", quantity: "4", price: "500.00", vat_rate: "20"}
- id: SI-0002
  kind: supplier-invoice
  date: 2025-01-20
  party: SU-0001
  currency: EUR
  lines:
    - {description: "Rezervasyon yazılımı, Ocak", account: "770.99", quantity: "1", price: "100.00", vat_rate: "20"}
- id: PAY-0001
  kind: payment
  date: 2025-01-25
  party: CU-0001
  currency: TRY
  amount: "12300.00"
  allocations:
    - {invoice: INV-0001, amount: "12300.00"}
- id: SP-0002
  kind: supplier-payment
  date: 2025-01-25
  party: SU-0001
  currency: EUR
  account: "102.02"
  amount: "120.00"
  allocations:
    - {invoice: SI-0002, amount: "120.00"}
"""

MOVES = """\
id,date,time,kind,item,location,to_location,quantity,unit_cost,currency,document,memo
MV-1,2025-01-03,10:00,receipt,DRK-SARAP,REST,,60,250.0000,TRY,PO-0001,
"""

SALES = """\
date,location,kind,item,quantity,net,vat_rate,method,amount,memo
2025-01-10,REST,sale,DRK-SARAP,12,6000.00,20,,,
2025-01-10,REST,tender,,,,,cash,2200.00,
2025-01-10,REST,tender,,,,,card,5000.00,
"""

PAYROLL = """\
- id: PR-2025-01
  period: 2025-01
  date: 2025-01-31
  memo: Ocak bordrosu (müşavirin bordro özeti)
  totals: {gross: "100000.00", employee_sgk: "14000.00", employee_unemployment: "1000.00",
           income_tax: "12750.00", stamp_tax: "759.00", net: "71491.00", employer_sgk: "20750.00",
           employer_unemployment: "2000.00"}
  detail: "bordro klasörü: 2025-01"
"""


@pytest.fixture(scope="module")
def hand_month(tmp_path_factory):
    root = tmp_path_factory.mktemp("hand") / "lokanta"
    run = CliRunner().invoke(app, ["init", str(root), "--template", "restaurant", "--name", "Kadıköy Meyhanesi Ltd."])
    assert run.exit_code == 0, run.output
    for rel, text in {"journals/2025/2025-01.yaml": OPENING, "rates/2025.csv": RATES,
                      "orders/2025/2025-01.yaml": ORDERS, "stock/moves/2025/2025-01.csv": MOVES,
                      "sales/2025/2025-01.csv": SALES, "payroll/2025/2025-01.yaml": PAYROLL}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    book, problems = check(root)
    assert [(p.code, p.path, p.line, p.message) for p in problems] == []
    return root, book


JANUARY = parse_period("2025-01")


def test_hand_month__trial_balance(hand_month):
    _, book = hand_month
    tb = {r[0]: r[4] for r in build_trial_balance(book, JANUARY).rows}
    # cash: 20,000 opening + 2,200 from the till
    assert tb["100.01"] == D("20000.00") + D("2200.00")
    # bank: 300,000 opening + 12,300 from the customer - 71,491 net pay
    assert tb["102.01"] == D("300000.00") + D("12300.00") - D("71491.00")
    # EUR bank: 1,000 EUR at 36.50 in, 120 EUR paid at 37.50 out
    assert tb["102.02"] == D("36500.00") - D("120") * D("37.5000")
    assert tb["108.01"] == D("5000.00")                                     # card slip, not yet settled
    # wine: 60 x 250 in, 12 x 250 sold on the Z-report
    assert tb["153.01"] == D("60") * D("250.00") - D("12") * D("250.00")
    assert tb["621.01"] == D("12") * D("250.00")
    assert "329.01" not in tb or tb["329.01"] == 0                          # receipt matched by SI-0001
    # input VAT: 20% of 15,000 (wine) + 20% of 100 EUR at 37.00
    assert tb["191.03"] == D("15000.00") * D("0.20") + D("100") * D("37.0000") * D("0.20")
    # output VAT: 10% of 9,000 (lunch); 20% of 6,000 (Z-report) + 20% of 2,000 (wine on the invoice)
    assert tb["391.02"] == -(D("9000.00") * D("0.10"))
    assert tb["391.03"] == -(D("6000.00") + D("2000.00")) * D("0.20")
    # sales: 6,000 on the till + 9,000 + 2,000 invoiced
    assert tb["600.01"] == -(D("6000.00") + D("9000.00") + D("2000.00"))
    assert "120.01" not in tb or tb["120.01"] == 0                          # INV-0001 paid in full: 9,900 + 2,400
    # payables: SI-0001 open (15,000 + 3,000); SI-0002 paid
    assert tb["320.01"] == -(D("15000.00") + D("3000.00"))
    # software: 100 EUR at 37.00; realized FX loss: 120 EUR x (37.50 - 37.00)
    assert tb["770.99"] == D("3700.00")
    assert tb["656.01"] == D("120") * (D("37.5000") - D("37.0000"))
    # payroll: gross and employer's share; withholdings owed
    assert tb["770.08"] == D("100000.00") and tb["770.09"] == D("20750.00") + D("2000.00")
    assert tb["361.01"] == -(D("14000.00") + D("1000.00") + D("20750.00") + D("2000.00"))
    assert tb["360.01"] == -D("12750.00") and tb["360.02"] == -D("759.00")
    assert "335.01" not in tb or tb["335.01"] == 0                          # net pay paid on the 31st
    assert sum(tb.values()) == 0


def result_by_hand() -> D:
    sales = D("6000.00") + D("9000.00") + D("2000.00")
    costs = (D("3000.00")                       # wine sold
             + D("3700.00")                     # software
             + D("60.00")                       # FX loss
             + D("100000.00") + D("22750.00"))  # payroll
    return sales - costs


def test_hand_month__income_statement(hand_month):
    _, book = hand_month
    inc = build_income_statement(book, JANUARY)
    lines = {r[2]: r[4] for r in inc.rows if r[2]}
    assert inc.meta["income"] == D("17000.00")
    assert inc.meta["result"] == result_by_hand() == D("-112510.00")
    # 7/A: January's general administration costs stand on 632 (770.08 + 770.09 + 770.99)
    assert lines["632"] == D("100000.00") + D("22750.00") + D("3700.00")


def test_hand_month__balance_sheet(hand_month):
    _, book = hand_month
    bs = build_balance_sheet(book, date(2025, 1, 31)).meta
    cash = D("22200.00") + D("240809.00") + D("32000.00")               # till, TRY bank, EUR bank
    assert bs["cash"] == cash
    # 108.01: a receivable until the bank settles it
    card = D("5000.00")
    fixed = D("240000.00") - D("48000.00")
    stock = D("12000.00")
    vat_in = D("3000.00") + D("740.00")
    assert bs["assets"] == cash + card + fixed + stock + vat_in
    owed = D("18000.00") + D("900.00") + D("1600.00") + D("37750.00") + D("12750.00") + D("759.00")
    assert bs["liabilities"] == owed
    assert bs["equity"] == D("400000.00") + D("148500.00") + result_by_hand()
    assert bs["balanced"]


def test_hand_month__cash_flow(hand_month):
    _, book = hand_month
    cf = build_cash_flow(book, JANUARY).meta
    opening = D("20000.00") + D("300000.00") + D("36500.00")             # the opening entry's cash and banks
    closing = D("22200.00") + D("240809.00") + D("32000.00")            # the card slip is not cash yet
    assert cf["cash_begin"] == opening
    assert cf["cash_end"] == closing
    assert cf["net_change"] == closing - opening == D("-61491.00")
    assert cf["investing"] == D("0.00") and cf["financing"] == D("0.00")
    assert cf["reconciled"]
