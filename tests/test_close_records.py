"""The period close posts depreciation, disposals and recurring items from the records `load` read
(assets/register.yaml, recurring.yaml; docs/close-records.md), and validate checks their references."""

from __future__ import annotations

from core.close import entries as close_entries
from core.ledger.derived import Leg
from tests.conftest import ACCOUNTS as BASE_ACCOUNTS
from tests.conftest import BOOKS_TOML

ROLES = """\
asset_disposal_proceeds = "136.01"
asset_disposal_gain = "679.01"
asset_disposal_loss = "689.01"
"""
ACCOUNTS = """\
- {code: "136.01", name: Diğer çeşitli alacaklar, type: asset}
- {code: "180.01", name: Gelecek aylara ait giderler, type: asset}
- {code: "255.01", name: Demirbaşlar, type: asset}
- {code: "257.01", name: Birikmiş amortismanlar, type: asset}
- {code: "679.01", name: Diğer olağandışı gelir ve kârlar, type: income}
- {code: "689.01", name: Diğer olağandışı gider ve zararlar, type: expense}
- {code: "770.05", name: Amortisman giderleri, type: expense}
"""
REGISTER = """\
- id: FA-0001
  name: Combi oven
  acquired: 2025-01-15
  cost: "120000.00"
  method: straight-line
  life_months: 60
  account: "255.01"
  accumulated: "257.01"
  expense: "770.05"
  disposed: 2025-03-10
  disposal_proceeds: "119000.00"
"""
RECURRING = """\
- id: RC-0001
  kind: prepayment
  start: 2025-02
  months: 12
  amount: "12000.00"
  expense: "770.01"
  balance: "180.01"
"""


def close_books(books, **files: str):
    return books({"books.toml": BOOKS_TOML + ROLES, "accounts.yaml": BASE_ACCOUNTS + ACCOUNTS,
                  "assets/register.yaml": REGISTER, "recurring.yaml": RECURRING, **files})


def test_close__posts_the_month_of_depreciation_recurring_items_and_the_disposal(books):
    book, problems = close_books(books)
    assert problems == [] and [a.id for a in book.assets] == ["FA-0001"] and len(book.recurring) == 1
    feb = close_entries.periodic_entries(book, "2025-02")
    # February: 120,000.00 / 60 = 2,000.00 depreciation; 12,000.00 / 12 = 1,000.00 insurance
    assert [(e.id, [(leg.account, leg.base) for leg in e.legs]) for e in feb] == [
        ("dep", [("770.05", 200000), ("257.01", -200000)]),
        ("rec", [("770.01", 100000), ("180.01", -100000)])]
    march = close_entries.periodic_entries(book, "2025-03")
    # March: disposed on the 10th, no depreciation; accumulated 2,000.00 (February), book value
    # 118,000.00, sold for 119,000.00: gain 1,000.00
    memo = "Disposal FA-0001 2025-03-10"
    assert [e.id for e in march] == ["disp", "rec"]
    assert march[0].legs == (Leg("257.01", 200000, memo=memo), Leg("136.01", 11900000, memo=memo),
                             Leg("255.01", -12000000, memo=memo), Leg("679.01", -100000, memo=memo))


def test_validate__names_unknown_accounts_and_bad_records_in_the_close_files(books):
    _, problems = close_books(books, **{"recurring.yaml": RECURRING.replace("180.01", "180.99"),
                                        "assets/register.yaml": REGISTER.replace("life_months: 60", "life_months: 0")})
    assert [(p.code, p.path, p.line) for p in problems] == [("E072", "assets/register.yaml", 6),
                                                            ("E030", "recurring.yaml", 7)]
