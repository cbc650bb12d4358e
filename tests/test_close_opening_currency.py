"""The year-end close record's `opening:` list: a foreign-currency account opens with its balance in
that currency and, labelled `base`, its value in the base currency; old records still read."""

from __future__ import annotations

from core.books.closes import CloseRecord
from core.books.yamlnodes import parse
from tests.test_close import MARCH, close, make


def test_year_end__a_euro_account_opens_with_its_euro_balance_and_its_lira_value(tmp_path):
    # 1,000.00 EUR deposited at 37.0000 (37,000.00 TRY), revalued at 38.0000 at year end: 38,000.00 TRY.
    root = make(tmp_path, "tr-tdhp", MARCH.replace("2025-03", "2025-12"))
    assert close(root, "2025-12").exit_code == 0
    record, _ = parse((root / "closes/2025-12.yaml").read_text(), "x")
    eur = [row for row in record["opening"] if row["account"] == "102.02"]
    assert eur == [{"account": "102.02", "currency": "EUR", "balance": "1000.00", "base": "38000.00"}]
    # a lira account: its balance, once (100,000 + 12,000 - 4,800 - 37,000 = 70,200.00)
    lira = [row for row in record["opening"] if row["account"] == "102.01"]
    assert lira == [{"account": "102.01", "currency": "TRY", "balance": "70200.00"}]


def test_an_old_record_without_base_reads_its_balance_as_the_base_value():
    # written before `base` existed: the foreign row's `balance` held the lira value
    old = CloseRecord.read({"period": "2025-12", "opening": [
        {"account": "102.02", "currency": "EUR", "balance": "398649.31"},
        {"account": "102.01", "currency": "TRY", "balance": "70200.00"}]})
    eur, lira = old.opening
    assert eur.base_value == "398649.31" and eur.currency_balance("TRY") is None
    assert lira.base_value == "70200.00" and lira.currency_balance("TRY") == "70200.00"
    assert old.as_dict()["opening"][0] == {"account": "102.02", "currency": "EUR", "balance": "398649.31"}
    new = CloseRecord.read({"period": "2025-12", "opening": [
        {"account": "102.02", "currency": "EUR", "balance": "10091.80", "base": "398649.31"}]})
    assert new.opening[0].base_value == "398649.31" and new.opening[0].currency_balance("TRY") == "10091.80"
