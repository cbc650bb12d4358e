"""Fixed assets, worked by hand (docs/close-records.md).

Conventions checked here: depreciation is monthly, a full month from the month after
acquisition, none in the month of disposal or after; amounts are half-up to the kuruş and the
last month takes the remainder, so a schedule adds up to cost - salvage exactly. Amounts in the
assertions are kuruş (minor units): 2,000.00 TRY is 200000.
"""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal as D

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from core.books import schema, yamlnodes
from core.erp.assets import (
    PATH,
    accumulated_through,
    check_references,
    depreciation,
    depreciation_legs,
    disposal,
    disposal_legs,
    load_register,
    read_register,
    schedule,
)
from core.ledger.derived import Leg
from core.model.source import Source
from core.model.money import to_minor
from core.ledger.posting import MissingRole
from core.model.assets import Asset, Disposal, Month

ROLES = {"asset_disposal_proceeds": "136.01", "asset_disposal_gain": "679.01", "asset_disposal_loss": "689.01"}

OVEN = """\
- id: FA-0001
  name: Combi oven, Kadıköy kitchen
  acquired: 2025-01-15
  cost: "120000.00"
  method: straight-line
  life_months: 60
  account: "255.01"
  accumulated: "257.01"
  expense: "770.05"
  location: KDK
"""


def tl(text: str) -> int:
    """'2000.00' TRY -> 200000 kuruş."""
    return to_minor(text, 2)


def parse(text: str) -> tuple[list[Asset], list]:
    tree, problems = yamlnodes.parse(textwrap.dedent(text), PATH)
    assets, found = read_register(tree)
    return assets, problems + found


def register(text: str) -> list[Asset]:
    assets, problems = parse(text)
    assert problems == []
    return assets


def asset(method: str = "straight-line", cost: str = "120000.00", life: int = 60, salvage: str = "0",
          rate: str | None = None, disposed: str | None = None, proceeds: str | None = None) -> Asset:
    return Asset("FA-0001", "Test asset", date(2025, 1, 15), tl(cost), method, life, "255.01", "257.01", "770.05",
                 tl(salvage), D(rate) if rate else None, None, date.fromisoformat(disposed) if disposed else None,
                 tl(proceeds) if proceeds else None)


# --------------------------------------------------------------------------- straight-line

def test_straight_line__oven_of_120000_over_60_months_is_2000_a_month():
    [oven] = register(OVEN)
    assert oven == Asset("FA-0001", "Combi oven, Kadıköy kitchen", date(2025, 1, 15), tl("120000.00"),
                         "straight-line", 60, "255.01", "257.01", "770.05", location="KDK",
                         source=Source(PATH, 1))
    rows = schedule(oven)
    # 120,000.00 / 60 = 2,000.00 exactly, every month.
    assert len(rows) == 60 and {r.amount for r in rows} == {tl("2000.00")}
    # acquired 2025-01-15: nothing for January, the first full month is February
    assert depreciation(oven, "2025-01") == 0
    assert rows[0] == Month("2025-02", tl("2000.00"), tl("2000.00"), tl("118000.00"))
    # 60 months from 2025-02 end in 2030-01 (2025-02 + 59 months); nothing after
    assert rows[-1] == Month("2030-01", tl("2000.00"), tl("120000.00"), 0)
    assert depreciation(oven, "2030-02") == 0
    assert sum(r.amount for r in rows) == oven.cost                  # 60 x 2,000.00 = 120,000.00
    # end of 2025: February to December is 11 months, 11 x 2,000.00 = 22,000.00
    assert accumulated_through(oven, "2025-12") == tl("22000.00")


def test_straight_line__monthly_entry_is_dr_expense_cr_accumulated_depreciation():
    [oven] = register(OVEN)
    memo = "Depreciation FA-0001 2025-03"
    assert depreciation_legs(oven, "2025-03") == [Leg("770.05", tl("2000.00"), memo=memo, location="KDK"),
                                                  Leg("257.01", -tl("2000.00"), memo=memo, location="KDK")]
    assert depreciation_legs(oven, "2025-01") == []                 # the month of acquisition


def test_straight_line__odd_amount_the_last_month_takes_the_remainder():
    dishwasher = asset(cost="100000.00", life=36)
    rows = schedule(dishwasher)
    # 100,000.00 / 36 = 2,777.777... -> 2,777.78 (half-up) for months 1..35:
    # 35 x 2,777.78 = 97,222.30, so month 36 takes 100,000.00 - 97,222.30 = 2,777.70.
    assert [r.amount for r in rows[:35]] == [tl("2777.78")] * 35
    assert rows[34].accumulated == tl("97222.30")
    assert rows[35] == Month("2028-01", tl("2777.70"), tl("100000.00"), 0)
    assert sum(r.amount for r in rows) == tl("100000.00")


def test_straight_line__salvage_is_not_depreciated():
    # (120,000.00 - 12,000.00) / 60 = 1,800.00 a month; the book value ends at the salvage value
    rows = schedule(asset(salvage="12000.00"))
    assert {r.amount for r in rows} == {tl("1800.00")}
    assert rows[-1].book_value == tl("12000.00")


def test_straight_line__tiny_amount_over_a_long_life_stops_at_the_total():
    # 1.00 over 60 months: 0.0166... -> 0.02 a month would pass 1.00 after 50 months, so months
    # 1..50 take 0.02 (= 1.00) and months 51..60 take nothing: never negative, total exact.
    rows = schedule(asset(cost="1.00"))
    assert [r.amount for r in rows] == [2] * 50 + [0] * 10


# --------------------------------------------------------------------------- declining balance

VAN = """\
- id: FA-0002
  name: Delivery van
  acquired: 2025-01-15
  cost: "50000.00"
  method: declining-balance
  rate: "40"
  life_months: 60
  account: "254.01"
  accumulated: "257.02"
  expense: "770.05"
"""


def test_declining_balance__40_percent_on_50000_switches_to_straight_line():
    [van] = register(VAN)
    rows = schedule(van)
    # 40% a year is 40/12 = 3.333...% a month, i.e. book value / 30:
    #   month 1: 50,000.00 / 30 = 1,666.666... -> 1,666.67, book value 48,333.33
    #   month 2: 48,333.33 / 30 = 1,611.111    -> 1,611.11, book value 46,722.22
    #   month 3: 46,722.22 / 30 = 1,557.407    -> 1,557.41, book value 45,164.81
    assert rows[:3] == [Month("2025-02", tl("1666.67"), tl("1666.67"), tl("48333.33")),
                        Month("2025-03", tl("1611.11"), tl("3277.78"), tl("46722.22")),
                        Month("2025-04", tl("1557.41"), tl("4835.19"), tl("45164.81"))]
    # After 31 months the book value is about 50,000 x (29/30)^31 = 17,480.31 (kebir, rounding
    # each month: 17,480.31). Month 31 had 30 months left: straight-line 18,083.08 / 30 equals
    # declining 18,083.08 / 30 = 602.77, a tie, so it stays declining.
    assert rows[30] == Month("2027-08", tl("602.77"), tl("32519.69"), tl("17480.31"))
    # Month 32 has 29 months left: straight-line 17,480.31 / 29 = 602.769 is more than declining
    # 17,480.31 / 30 = 582.68, so it switches: 602.77 a month for months 32..59 ...
    assert [r.amount for r in rows[31:59]] == [tl("602.77")] * 28
    # ... and month 60 takes the rest: 17,480.31 - 28 x 602.77 = 17,480.31 - 16,877.56 = 602.75.
    assert rows[-1] == Month("2030-01", tl("602.75"), tl("50000.00"), 0)
    assert sum(r.amount for r in rows) == tl("50000.00")


def test_declining_balance__without_a_rate_is_double_declining():
    # 2 / (60 / 12 years) = 40% a year: the same schedule as `rate: "40"`
    assert schedule(asset("declining-balance", "50000.00")) == schedule(asset("declining-balance", "50000.00",
                                                                               rate="40"))
    # 36 months: 2 / 3 years = 66.67% a year, 5.555...% a month: 50,000.00 / 18 = 2,777.78
    assert depreciation(asset("declining-balance", "50000.00", life=36), "2025-02") == tl("2777.78")


def test_declining_balance__with_salvage_ends_exactly_at_salvage():
    rows = schedule(asset("declining-balance", "50000.00", salvage="5000.00", rate="40"))
    # declining is on the whole book value, book value / 30, as without salvage, through month 43:
    # month 43 has 18 months left: straight-line (12,039.08 - 5,000.00) / 18 = 391.06 < 12,039.08 / 30 = 401.30
    assert rows[42] == Month("2028-08", tl("401.30"), tl("38362.22"), tl("11637.78"))
    # month 44, 17 left: (11,637.78 - 5,000.00) / 17 = 390.457 -> 390.46 > 11,637.78 / 30 = 387.93: switch
    assert [r.amount for r in rows[43:59]] == [tl("390.46")] * 16
    # month 60: 6,637.78 - 16 x 390.46 = 6,637.78 - 6,247.36 = 390.42, down to the salvage value
    assert rows[-1] == Month("2030-01", tl("390.42"), tl("45000.00"), tl("5000.00"))
    assert min(r.book_value for r in rows) == tl("5000.00")


# --------------------------------------------------------------------------- disposal

def sold(proceeds: str | None) -> Asset:
    more = '  disposed: 2026-07-10\n' + (f'  disposal_proceeds: "{proceeds}"\n' if proceeds else "")
    [oven] = register(OVEN + more)
    return oven


def test_disposal__mid_life_with_a_gain():
    oven = sold("90000.00")
    # Depreciated 2025-02 .. 2026-06 (none in July, the month of disposal): 17 months x 2,000.00
    # = 34,000.00; book value 120,000.00 - 34,000.00 = 86,000.00; sold for 90,000.00: gain 4,000.00.
    assert depreciation(oven, "2026-06") == tl("2000.00") and depreciation(oven, "2026-07") == 0
    assert len(schedule(oven)) == 17
    assert disposal(oven) == Disposal(date(2026, 7, 10), tl("120000.00"), tl("34000.00"), tl("90000.00"))
    assert disposal(oven).gain == tl("4000.00")
    memo = "Disposal FA-0001 2026-07-10"
    # Dr 34,000.00 + 90,000.00 = Cr 120,000.00 + 4,000.00 = 124,000.00
    assert disposal_legs(oven, ROLES) == [
        Leg("257.01", tl("34000.00"), memo=memo, location="KDK"),
        Leg("136.01", tl("90000.00"), memo=memo, location="KDK"),
        Leg("255.01", -tl("120000.00"), memo=memo, location="KDK"),
        Leg("679.01", -tl("4000.00"), memo=memo, location="KDK"),
    ]


def test_disposal__mid_life_with_a_loss():
    oven = sold("80000.00")
    # book value 86,000.00, sold for 80,000.00: loss 6,000.00
    # Dr 34,000.00 + 80,000.00 + 6,000.00 = Cr 120,000.00
    memo = "Disposal FA-0001 2026-07-10"
    assert disposal_legs(oven, ROLES) == [
        Leg("257.01", tl("34000.00"), memo=memo, location="KDK"),
        Leg("136.01", tl("80000.00"), memo=memo, location="KDK"),
        Leg("255.01", -tl("120000.00"), memo=memo, location="KDK"),
        Leg("689.01", tl("6000.00"), memo=memo, location="KDK"),
    ]
    assert sum(leg.base for leg in disposal_legs(oven, ROLES)) == 0


def test_disposal__scrapped_without_proceeds_loses_the_book_value_and_needs_no_proceeds_role():
    oven = sold(None)
    legs = disposal_legs(oven, {"asset_disposal_loss": "689.01"})
    assert [(leg.account, leg.base) for leg in legs] == [("257.01", tl("34000.00")), ("255.01", -tl("120000.00")),
                                                         ("689.01", tl("86000.00"))]


def test_disposal__at_book_value_posts_no_gain_or_loss_and_a_missing_role_is_named():
    oven = sold("86000.00")
    assert [leg.account for leg in disposal_legs(oven, {"asset_disposal_proceeds": "102.01"})] == \
        ["257.01", "102.01", "255.01"]
    with pytest.raises(MissingRole) as exc:
        disposal_legs(sold("90000.00"), {"asset_disposal_proceeds": "102.01"})
    assert exc.value.role == "asset_disposal_gain"


def test_disposal__in_the_month_of_acquisition_depreciates_nothing():
    quick = asset(disposed="2025-01-31", proceeds="119000.00")
    assert schedule(quick) == [] and disposal(quick).accumulated == 0 and disposal(quick).gain == -tl("1000.00")


def test_disposal__after_the_end_of_life_keeps_the_whole_schedule():
    late = asset(disposed="2031-05-02", proceeds="500.00")
    assert len(schedule(late)) == 60 and disposal(late).book_value == 0 and disposal(late).gain == tl("500.00")
    assert disposal_legs(asset(), ROLES) == []                       # still held: no disposal entry


# --------------------------------------------------------------------------- problems

@pytest.mark.parametrize("change, code, line, says", [
    ("  life_months: 60\n", "  life_months: 0\n", 6, "life_months is 0"),
    ("  life_months: 60\n", "  life_months: -12\n", 6, "life_months is -12"),
    ("  method: straight-line\n", "  method: straight-line\n  salvage: \"130000.00\"\n", 6,
     "salvage 130000.00 is above the cost 120000.00"),
    ("  location: KDK\n", "  location: KDK\n  disposed: 2024-12-31\n", 11,
     "disposed on 2024-12-31, before it was acquired on 2025-01-15"),
    ("  location: KDK\n", "  location: KDK\n  rate: \"20\"\n", 11, "depreciates straight-line, so it takes no `rate`"),
    ("  location: KDK\n", "  location: KDK\n  disposal_proceeds: \"5000.00\"\n", 11,
     "has disposal_proceeds but no disposal date"),
])
def test_register__bad_assets_are_named_with_file_and_line(change, code, line, says):
    assets, problems = parse(OVEN.replace(change, code))
    assert assets == []                                          # never posted from
    assert [(p.path, p.line) for p in problems] == [(PATH, line)]
    assert says in problems[0].message and problems[0].record == "FA-0001" and problems[0].hint
    assert problems[0].code in {"E072", "E073", "E074", "E075", "E076"}


def test_register__codes_by_problem():
    codes = {}
    for bad, code in (("  life_months: 0\n", "E072"), ("  salvage: \"130000.00\"\n", "E073"),
                      ("  disposed: 2024-12-31\n", "E074"), ("  rate: \"20\"\n", "E075"),
                      ("  disposal_proceeds: \"1.00\"\n", "E076")):
        text = OVEN.replace("  life_months: 60\n", "") + ("  life_months: 60\n" if "life" not in bad else "") + bad
        codes[code] = [p.code for p in parse(text)[1]]
    assert codes == {c: [c] for c in codes}


def test_register__schema_decimals_and_duplicates_use_the_shared_codes():
    _, problems = parse(OVEN.replace("straight-line", "sum-of-digits").replace('"120000.00"', '"120000.005"'))
    assert [(p.code, p.line) for p in problems] == [("E012", 5), ("E041", 4)]
    _, problems = parse(OVEN + OVEN.replace("Combi oven", "Second oven"))
    assert [(p.code, p.line, p.message) for p in problems] == [("E020", 11, "asset id FA-0001 is used twice")]
    _, problems = parse("{id: FA-0001}")
    assert [p.code for p in problems] == ["E013"]
    _, problems = parse(OVEN.replace("  expense: \"770.05\"\n", "  expenses: \"770.05\"\n"))
    assert sorted(p.code for p in problems) == ["E010", "E011"]


def test_register__account_existence_is_checked_against_the_chart_given():
    [oven] = register(OVEN)
    chart = {"255.01", "257.01", "770.05", "770"}
    assert check_references([oven], chart, groups={"770"}, locations={"KDK"}) == []
    problems = check_references([oven], chart - {"257.01"}, locations={"BSK"})
    assert [(p.code, p.line) for p in problems] == [("E030", 8), ("E033", 10)]


def test_register__load_register_reads_the_file_under_the_books_root(tmp_path):
    assert load_register(tmp_path) == ([], [])
    (tmp_path / "assets").mkdir()
    (tmp_path / PATH).write_text(OVEN, encoding="utf-8")
    assert load_register(tmp_path) == (register(OVEN), [])


def test_schema__reference_validator_agrees():
    validator = jsonschema.Draft202012Validator(schema.load_schema("assets"))
    good = yaml.load(OVEN + VAN, Loader=yaml.BaseLoader)
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors([{**good[0], "method": "sum-of-digits"}]))
    assert list(validator.iter_errors([{**good[0], "cost": "1,200.00"}]))
    assert schema.field_order("assets")[:4] == ["id", "name", "acquired", "cost"]


# --------------------------------------------------------------------------- properties

@st.composite
def assets(draw: st.DrawFn) -> Asset:
    cost = draw(st.integers(min_value=0, max_value=10**13))
    salvage = draw(st.integers(min_value=0, max_value=cost))
    life = draw(st.integers(min_value=1, max_value=600))
    method = draw(st.sampled_from(["straight-line", "declining-balance"]))
    rate = draw(st.none() | st.decimals(min_value=0, max_value=999, places=2)) if method != "straight-line" else None
    return Asset("FA-0001", "Any", date(2025, 1, 31), cost, method, life, "255.01", "257.01", "770.05", salvage, rate)


@given(assets())
def test_property__schedule_adds_up_to_cost_less_salvage_and_never_passes_salvage(a: Asset):
    rows = schedule(a)
    assert len(rows) == a.life_months
    assert sum(r.amount for r in rows) == a.cost - a.salvage
    assert all(r.amount >= 0 for r in rows)
    assert all(r.book_value >= a.salvage for r in rows)
    assert rows[-1].book_value == a.salvage
    assert [depreciation(a, r.period) for r in rows] == [r.amount for r in rows]


@given(assets(), st.integers(min_value=0, max_value=700), st.integers(min_value=0, max_value=10**13))
def test_property__every_disposal_balances(a: Asset, after_months: int, proceeds: int):
    from dataclasses import replace

    day = date(2025 + (after_months // 12), after_months % 12 + 1, 28)
    sold_asset = replace(a, disposed=day, disposal_proceeds=proceeds)
    legs = disposal_legs(sold_asset, ROLES)
    assert sum(leg.base for leg in legs) == 0
    assert disposal(sold_asset).accumulated == sum(r.amount for r in schedule(sold_asset))
    assert all(r.period < f"{day:%Y-%m}" for r in schedule(sold_asset))
