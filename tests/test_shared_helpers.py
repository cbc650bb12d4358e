"""One helper for each small thing: month bounds (core.ledger.period), UTF-8 text with its first bad
byte (core.books.safeio), a decimal or a default (core.model.money), a scalar or None
(core.books.yamlnodes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.books.safeio import NotUtf8, utf8_text
from core.books.yamlnodes import scalar
from core.ledger.period import month_bounds
from core.model.money import decimal_or


def test_month_bounds__february_of_a_leap_year_and_december():
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds("2025-02") == (date(2025, 2, 1), date(2025, 2, 28))
    assert month_bounds("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))


def test_utf8_text__drops_the_bom_and_names_the_first_bad_byte_of_a_windows_1254_export():
    assert utf8_text("\ufeffKadıköy".encode()) == "Kadıköy"
    assert utf8_text("Kadıköy".encode("cp1254")) == NotUtf8(offset=3, line=1, byte="fd")
    assert utf8_text(b"Tarih;Tutar\n01.03.2025;Kad\xfdk\xf6y\n") == NotUtf8(offset=26, line=2, byte="fd")


def test_decimal_or_and_scalar__what_a_hand_typed_field_may_hold():
    assert decimal_or("12.50", None) == Decimal("12.50")
    assert decimal_or("12,50", Decimal(0)) == Decimal(0) and decimal_or(None, None) is None
    assert decimal_or({"amount": "1"}, Decimal(1)) == Decimal(1)
    assert scalar("120000.00") == "120000.00" and scalar(["a"]) is None and scalar(None) is None
