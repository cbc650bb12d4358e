"""Prepayments, accruals and deferred income spread over months, worked by hand
(docs/close-records.md). Amounts in the assertions are kuruş: 1,000.00 TRY is 100000.
"""

from __future__ import annotations

import textwrap
from fractions import Fraction

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from core.books import schema, yamlnodes
from core.ledger.derived import Leg
from core.model.source import Source
from core.model.money import to_minor
from core.erp.recurring import (
    PATH,
    check_references,
    half_up,
    load_recurring,
    monthly,
    read_recurring,
    recurring_legs,
    schedule,
    spread,
)
from core.model.months import add_months
from core.model.recurring import Recurring

ITEMS = """\
- id: RC-0001
  kind: prepayment
  memo: Kitchen fire insurance, policy 2025/118
  start: 2025-03
  months: 12
  amount: "12000.00"
  expense: "770.03"
  balance: "180.01"
  contact: SU-0001
- id: RC-0002
  kind: accrual
  memo: Q1 electricity, invoiced in April
  start: 2025-01
  months: 3
  amount: "10000.00"
  expense: "770.04"
  balance: "381.01"
- id: RC-0003
  kind: deferred-income
  memo: Catering contract paid a year ahead
  start: 2025-11
  months: 12
  amount: "36000.00"
  income: "600.01"
  balance: "380.01"
  contact: CU-0001
"""


def tl(text: str) -> int:
    return to_minor(text, 2)


def parse(text: str) -> tuple[list[Recurring], list]:
    tree, problems = yamlnodes.parse(textwrap.dedent(text), PATH)
    items, found = read_recurring(tree)
    return items, problems + found


def items() -> dict[str, Recurring]:
    got, problems = parse(ITEMS)
    assert problems == []
    return {it.id: it for it in got}


def test_prepayment__insurance_of_12000_over_12_months_is_1000_a_month():
    insurance = items()["RC-0001"]
    assert insurance == Recurring("RC-0001", "prepayment", "2025-03", 12, tl("12000.00"), "180.01", "770.03",
                                  "Kitchen fire insurance, policy 2025/118", "SU-0001", Source(PATH, 1))
    # 12,000.00 / 12 = 1,000.00 for each month 2025-03 .. 2026-02 (2025-03 + 11 months)
    assert insurance.end == "2026-02"
    assert schedule(insurance) == [(add_months("2025-03", i), tl("1000.00")) for i in range(12)]
    assert monthly(insurance, "2025-02") == 0 and monthly(insurance, "2026-03") == 0     # outside the range
    memo = "Prepayment RC-0001 2025-03"
    # Dr insurance expense / Cr prepaid expenses (180)
    assert recurring_legs(insurance, "2025-03") == [Leg("770.03", tl("1000.00"), memo=memo),
                                                    Leg("180.01", -tl("1000.00"), contact="SU-0001", memo=memo)]
    assert recurring_legs(insurance, "2026-03") == []


def test_accrual__10000_over_3_months_the_last_takes_the_remainder():
    electricity = items()["RC-0002"]
    # 10,000.00 / 3 = 3,333.333... -> 3,333.33 in January and February; March takes
    # 10,000.00 - 2 x 3,333.33 = 3,333.34.
    assert schedule(electricity) == [("2025-01", tl("3333.33")), ("2025-02", tl("3333.33")),
                                     ("2025-03", tl("3333.34"))]
    assert sum(amount for _, amount in schedule(electricity)) == tl("10000.00")
    memo = "Accrual RC-0002 2025-03"
    # Dr electricity expense / Cr accrued expenses (381)
    assert recurring_legs(electricity, "2025-03") == [Leg("770.04", tl("3333.34"), memo=memo),
                                                      Leg("381.01", -tl("3333.34"), memo=memo)]


def test_deferred_income__is_released_to_income_across_the_year_end():
    catering = items()["RC-0003"]
    # 36,000.00 / 12 = 3,000.00 a month, 2025-11 .. 2026-10
    assert monthly(catering, "2025-12") == tl("3000.00") and monthly(catering, "2026-01") == tl("3000.00")
    assert catering.end == "2026-10" and monthly(catering, "2026-11") == 0
    memo = "Deferred income RC-0003 2026-01"
    # Dr deferred income (380) / Cr revenue
    assert recurring_legs(catering, "2026-01") == [Leg("380.01", tl("3000.00"), contact="CU-0001", memo=memo),
                                                   Leg("600.01", -tl("3000.00"), memo=memo)]


def test_spread__never_negative_when_rounding_up_would_pass_the_total():
    # 1.00 over 60 months: 0.0166... -> 0.02 reaches 1.00 after 50 months; the last 10 take 0
    assert spread(100, 60) == (2,) * 50 + (0,) * 10
    assert spread(0, 3) == (0, 0, 0) and spread(500, 0) == ()
    # 100.00 over 7: 14.2857... -> 14.29 x 6 = 85.74, the last 100.00 - 85.74 = 14.26
    assert spread(tl("100.00"), 7) == (tl("14.29"),) * 6 + (tl("14.26"),)


# --------------------------------------------------------------------------- problems

@pytest.mark.parametrize("old, new, code, line, says", [
    ("  months: 3\n", "  months: 0\n", "E077", 14, "recurring RC-0002: months is 0"),
    ('  expense: "770.04"\n', '  income: "770.04"\n', "E078", 16,
     "RC-0002 is an accrual: it needs `expense`, not `income`"),
    ('  income: "600.01"\n', "", "E078", 18, "RC-0003 is deferred income: it needs `income`"),
    ('  income: "600.01"\n', '  income: "600.01"\n  expense: "770.01"\n', "E078", 25, "not `expense`"),
    ('"10000.00"', '"10000.001"', "E041", 15, "amount 10000.001 has more than 2 decimals"),
])
def test_recurring__bad_items_are_named_with_file_and_line(old, new, code, line, says):
    got, problems = parse(ITEMS.replace(old, new))
    assert [(p.code, p.path, p.line) for p in problems] == [(code, PATH, line)]
    assert says in problems[0].message and problems[0].hint
    assert len(got) == 2                                         # the bad item is left out


def test_recurring__schema_problems_and_duplicate_ids():
    _, problems = parse(ITEMS.replace("kind: accrual", "kind: accruel").replace("start: 2025-03", "start: 2025-3"))
    assert sorted((p.code, p.line) for p in problems) == [("E012", 4), ("E012", 11)]
    _, problems = parse(ITEMS + ITEMS.split("- id: RC-0002")[0])
    assert [(p.code, p.line) for p in problems] == [("E020", 27)]
    assert [p.code for p in parse("- just text\n")[1]] == ["E013"]


def test_recurring__accounts_and_contacts_are_checked_against_what_the_caller_gives():
    got = list(items().values())
    chart = {"770.03", "180.01", "770.04", "381.01", "600.01", "380.01"}
    assert check_references(got, chart, contacts={"SU-0001", "CU-0001"}) == []
    problems = check_references(got, chart - {"381.01"}, groups={"600.01"}, contacts={"SU-0001"})
    assert [(p.code, p.line, p.record) for p in problems] == [("E030", 17, "RC-0002"), ("E034", 24, "RC-0003"),
                                                              ("E031", 26, "RC-0003")]


def test_recurring__load_recurring_reads_the_file_under_the_books_root(tmp_path):
    assert load_recurring(tmp_path) == ([], [])
    (tmp_path / PATH).write_text(ITEMS, encoding="utf-8")
    assert load_recurring(tmp_path) == (list(items().values()), [])


def test_schema__reference_validator_agrees():
    validator = jsonschema.Draft202012Validator(schema.load_schema("recurring"))
    good = yaml.load(ITEMS, Loader=yaml.BaseLoader)
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors([{**good[0], "kind": "accruel"}]))
    assert list(validator.iter_errors([{**good[0], "start": "2025-13"}]))


# --------------------------------------------------------------------------- properties

@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=1, max_value=600))
def test_property__the_months_add_up_to_the_total_exactly(total: int, months: int):
    shares = spread(total, months)
    assert len(shares) == months and sum(shares) == total and min(shares) >= 0
    share = half_up(Fraction(total, months))                  # total / months, half-up
    assert all(s <= share for s in shares[:-1])
    if share * (months - 1) <= total:                         # the usual case: equal shares, the rest last
        assert shares[:-1] == (share,) * (months - 1)


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=1, max_value=120),
       st.sampled_from(["prepayment", "accrual", "deferred-income"]), st.integers(min_value=0, max_value=11))
def test_property__each_month_posts_a_balanced_entry_and_the_range_adds_up(total, months, kind, start_month):
    start = f"2025-{start_month + 1:02d}"
    item = Recurring("RC-0009", kind, start, months, total, "180.01", "770.01")
    periods = [add_months(start, i) for i in range(-2, months + 2)]
    assert sum(monthly(item, p) for p in periods) == total
    assert all(sum(leg.base for leg in recurring_legs(item, p)) == 0 for p in periods)
