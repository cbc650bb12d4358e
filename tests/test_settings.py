"""books.toml read into typed settings: each section that configures one part of kebir is its own
frozen record on `Settings` ([close], [production], [cash_flow], [dedup], [private]), and
`Settings.roles` holds only account roles, as a new accountant would type them below."""

from __future__ import annotations

from decimal import Decimal

from core.books.settings import read_settings
from core.model.records import CashFlowSettings, CloseSettings, DedupSettings, ProductionSettings
from core.reports.cashflow import TDHP, classifier
from core.crm.merge import CRM_WINS, ERP_WINS, rules
from tests.conftest import check, write_books

# Typed by hand, as in docs/formats.md, docs/close.md, docs/production.md, docs/reports.md, docs/crm.md.
TOML = """\
[company]
name = "Kadıköy Meyhanesi Ltd. Şti."
base_currency = "TRY"
chart = "tr-tdhp"

[accounts]
rounding = "659.99"
inventory = "153"
cogs = "621"
goods_received = "329"

[accounts.vat_output]
"10" = "391.02"

[close]
corporate_tax_rate = "25"

[production]
backflush = false

[cash_flow]
investing = ["24", "25", "26"]
financing = ["30", "40", "5"]

[dedup]
crm_wins = ["email", "phone"]

[private]
path = "../meyhane-private"
"""


def test_each_section__is_its_own_typed_record_and_roles_hold_only_accounts(tmp_path):
    root = write_books(tmp_path, {"books.toml": TOML})
    settings, problems = read_settings(root)
    assert problems == []
    assert settings.close == CloseSettings(corporate_tax_rate="25")
    assert settings.production == ProductionSettings(backflush=False)
    assert settings.cash_flow == CashFlowSettings(investing=("24", "25", "26"), financing=("30", "40", "5"))
    assert settings.dedup == DedupSettings(erp_wins=None, crm_wins=("email", "phone"))
    assert settings.private_path == "../meyhane-private"
    assert dict(settings.roles) == {"rounding": "659.99", "inventory": "153", "cogs": "621",
                                    "goods_received": "329", "vat_output:10": "391.02"}


def test_sections_left_out__take_the_defaults_their_readers_had(tmp_path):
    root = write_books(tmp_path, {})
    book, _ = check(root)
    s = book.settings
    assert (s.close, s.production, s.cash_flow, s.dedup, s.private_path) == (
        CloseSettings(), ProductionSettings(), CashFlowSettings(), DedupSettings(), None)
    assert s.production.backflush is True
    assert rules(book) == (ERP_WINS, CRM_WINS)
    assert classifier(book) == {"investing": (), "financing": (), "non_cash": ()}     # a custom chart


def test_the_readers_take_the_typed_values(tmp_path):
    """What each part reads: dedup's merge rules, the cash-flow classes, the tax rate of the close."""
    root = write_books(tmp_path, {"books.toml": TOML.replace('[private]\npath = "../meyhane-private"\n', "")})
    book, _ = check(root)
    assert rules(book) == (ERP_WINS, ("email", "phone"))
    assert classifier(book) == {"investing": ("24", "25", "26"), "financing": ("30", "40", "5"), "non_cash": ()}
    assert classifier(book) != TDHP                           # the books' own classes beat the chart's
    assert Decimal(book.settings.close.corporate_tax_rate) == Decimal(25)


def test_a_single_string_or_an_empty_list__read_as_before(tmp_path):
    """`investing = "25"` is one prefix; `erp_wins = []` means no field takes the ERP value (not the defaults)."""
    toml = TOML.replace('investing = ["24", "25", "26"]', 'investing = "25"').replace(
        '[dedup]\ncrm_wins = ["email", "phone"]', "[dedup]\nerp_wins = []")
    settings, problems = read_settings(write_books(tmp_path, {"books.toml": toml}))
    assert problems == []
    assert settings.cash_flow.investing == ("25",)
    assert settings.dedup == DedupSettings(erp_wins=(), crm_wins=None)


def test_a_list_of_numbers__is_still_E007_and_leaves_the_class_empty(tmp_path):
    toml = TOML.replace('financing = ["30", "40", "5"]', "financing = [30, 40, 5]")
    settings, problems = read_settings(write_books(tmp_path, {"books.toml": toml}))
    assert [(p.code, p.line) for p in problems] == [("E007", toml.splitlines().index("financing = [30, 40, 5]") + 1)]
    assert settings.cash_flow.financing == ()
