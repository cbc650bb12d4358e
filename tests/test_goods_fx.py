"""Goods bought in a foreign currency: the goods-received clearing account (329.01) is kept in the
order's currency, so matching the invoice to the receipt leaves nothing to revalue, and no exchange
gain appears that does not exist (core/erp/clearing.py; the rule is in docs/formats.md)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from core.close.entries import fx_revaluation
from tests.test_documents import erp_books

# 100 kg of sea bass ordered at 12.50 EUR/kg: 1,250.00 EUR. Received on 3 March at 36.0000 TRY/EUR
# (45,000.00 TRY of stock); March closes at 38.0000.
RATES = "2025-03-03,EUR,36.0000\n2025-03-20,EUR,37.0000\n2025-03-31,EUR,38.0000\n"
RECEIPT = "MV-1,2025-03-03,07:00,receipt,FSH-LEVREK,KDK,,100.000,12.5000,EUR,PO-0001,\n"
ORDER = """
- id: PO-0001
  kind: purchase
  date: 2025-03-01
  party: SU-0001
  currency: EUR
  lines: [{item: FSH-LEVREK, quantity: "100", price: "12.50", vat_rate: "1"}]
"""


def invoice(day: str, price: str, rate: str = "") -> str:
    return ORDER + f"""- id: SI-0001
  kind: supplier-invoice
  date: {day}
  party: SU-0001
  order: PO-0001
  currency: EUR
{f'  rate: "{rate}"' + chr(10) if rate else ''}  lines: [{{item: FSH-LEVREK, quantity: "100", price: "{price}", \
vat_rate: "1"}}]
"""


def legs(book, entry_id: str) -> list[tuple[str, str, str, str]]:
    """(account, currency, amount, base TRY) of one derived entry, debits positive."""
    p = book.derived_postings.filter(pl.col("entry_id") == entry_id)
    return [(a, c, f"{Decimal(x).scaleb(-2):f}", f"{Decimal(b).scaleb(-2):f}")
            for a, c, x, b in p.select("account", "currency", "amount", "base").iter_rows()]


def clearing(book) -> dict[str, tuple[int, int]]:
    """329.01 per currency: (amount, base) in minor units."""
    p = book.ledger().filter(pl.col("account") == "329.01")
    return {c: (a, b) for c, a, b in p.group_by("currency").agg(pl.col("amount").sum(), pl.col("base").sum())
            .sort("currency").iter_rows()}


def revaluation(book, period: str) -> list[tuple[str, int]]:
    return [(leg.account, leg.base) for e in fx_revaluation(book, period) for leg in e.legs]


def test_receipt__credits_goods_received_in_the_orders_currency(books):
    book, problems = erp_books(books, ORDER, moves=RECEIPT, rates=RATES)
    assert problems == []
    # stock at the receipt's rate; the clearing account owes 1,250.00 EUR worth 45,000.00 TRY
    assert legs(book, "MV-1") == [("153.01", "TRY", "45000.00", "45000.00"),
                                  ("329.01", "EUR", "-1250.00", "-45000.00")]


def test_unmatched_receipt__is_monetary_and_revalued_at_month_end(books):
    book, problems = erp_books(books, ORDER, moves=RECEIPT, rates=RATES)
    assert problems == []
    # no invoice by 31 March: 1,250.00 EUR now owed at 38.0000 = 47,500.00, an unrealized loss of 2,500.00
    assert ("329.01", -250000) in revaluation(book, "2025-03")


def test_invoice_at_the_receipts_rate_and_price__leaves_no_balance_and_no_exchange_gain(books):
    book, problems = erp_books(books, invoice("2025-03-03", "12.50"), moves=RECEIPT, rates=RATES)
    assert problems == []
    assert clearing(book) == {"EUR": (0, 0)}
    assert not [leg for leg in revaluation(book, "2025-03") if leg[0] == "329.01"]
    assert not book.ledger().filter(pl.col("account").is_in(["646.01", "656.01", "621.09"])).height


def test_invoice_at_another_rate_and_price__price_difference_and_exchange_difference(books):
    # invoiced on 20 March at 37.0000 and 12.60 EUR/kg: 1,260.00 EUR + 1% VAT 12.60 EUR
    book, problems = erp_books(books, invoice("2025-03-20", "12.60"), moves=RECEIPT, rates=RATES)
    assert problems == []
    assert legs(book, "SI-0001") == [
        ("329.01", "EUR", "1250.00", "45000.00"),      # exactly what the receipt credited
        ("621.09", "TRY", "370.00", "370.00"),         # price: 10.00 EUR more, at the invoice's 37.0000
        ("656.01", "TRY", "1250.00", "1250.00"),       # rate: 1,250.00 EUR x (37 - 36), a realized loss
        ("191.01", "EUR", "12.60", "466.20"),
        ("320.01", "EUR", "-1272.60", "-47086.20"),
    ]
    assert clearing(book) == {"EUR": (0, 0)}
    # the payable is what is revalued at month end, never the matched clearing account
    assert [a for a, _ in revaluation(book, "2025-03")] == ["320.01", "656.01"]


def test_invoice_at_a_lower_rate__an_exchange_gain_on_the_goods_received(books):
    book, problems = erp_books(books, invoice("2025-03-20", "12.50", rate="35.5000"), moves=RECEIPT, rates=RATES)
    assert problems == []
    assert legs(book, "SI-0001") == [
        ("329.01", "EUR", "1250.00", "45000.00"),
        ("646.01", "TRY", "-625.00", "-625.00"),       # 1,250.00 EUR x (35.50 - 36.00)
        ("191.01", "EUR", "12.50", "443.75"),
        ("320.01", "EUR", "-1262.50", "-44818.75"),
    ]
    assert clearing(book) == {"EUR": (0, 0)}


def test_a_receipt_after_the_invoice__leaves_the_invoice_as_it_was(books):
    """PO-0001 now orders 150 kg. 3 March: 100 kg received at 12.50 EUR (1,250.00 EUR at 36.0000 =
    45,000.00). 20 March: SI-0001 invoices those 100 kg at 12.50 EUR at 37.0000 (46,250.00 net).
    25 March: the other 50 kg arrive at 13.00 EUR (650.00 EUR at 37.0000 = 24,050.00).
    The invoice matches the receipt dated up to its day: 329.01 debit 1,250.00 EUR / 45,000.00, no
    price difference (12.50 = 12.50), the rate difference 1,250.00 x (37 - 36) = 1,250.00 to 656.01.
    329.01 at the end: the 50 kg not invoiced, -650.00 EUR / -24,050.00 at their own rate; revalued
    at 38.0000 on 31 March: 650.00 x (38 - 37) = 650.00 more owed. Matching the average of both
    receipts made the later one rewrite the invoice (a false price difference on 621.09)."""
    order = ORDER.replace('quantity: "100"', 'quantity: "150"')
    book, problems = erp_books(books, order + invoice("2025-03-20", "12.50").removeprefix(ORDER), rates=RATES,
                               moves=RECEIPT + "MV-2,2025-03-25,09:00,receipt,FSH-LEVREK,KDK,,50.000,13.0000,EUR,"
                                               "PO-0001,\n")
    assert problems == []
    assert legs(book, "SI-0001") == [("329.01", "EUR", "1250.00", "45000.00"), ("656.01", "TRY", "1250.00", "1250.00"),
                                     ("191.01", "EUR", "12.50", "462.50"), ("320.01", "EUR", "-1262.50", "-46712.50")]
    assert clearing(book) == {"EUR": (-65000, -2405000)}
    assert not book.ledger().filter(pl.col("account") == "621.09").height
    assert ("329.01", -65000) in revaluation(book, "2025-03")
