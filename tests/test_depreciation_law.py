"""Depreciation by the law the books follow ([assets] method): VUK annual amounts and IFRS (IAS 16)
monthly amounts, each against a schedule written out by hand (cost, rate, each year's amount)."""

from __future__ import annotations

from datetime import date

from core.erp.depreciation import IFRS, VUK, accumulated_through, disposal, month_amount, vuk_years
from core.model.assets import Asset, Review
from core.model.months import month_number, period_of
from tests.test_close import close, generated, make


def asset(cost: str, life: int, acquired: str, method: str = "straight-line", **kw) -> Asset:
    minor = int(cost.replace(".", ""))
    kw = {k: int(v.replace(".", "")) if k in ("salvage", "disposal_proceeds") else v for k, v in kw.items()}
    return Asset("FA-1", "test", date.fromisoformat(acquired), minor, method, life, "255.01", "257.01", "770.18", **kw)


def year_total(a: Asset, year: int, method: str) -> int:
    return sum(month_amount(a, f"{year}-{m:02d}", method) for m in range(1, 13))


def months(a: Asset, first: str, last: str, method: str) -> list[int]:
    return [month_amount(a, period_of(n), method) for n in range(month_number(first), month_number(last) + 1)]


# --------------------------------------------------------------------------- VUK

def test_vuk_straight_line__a_full_year_in_the_year_of_acquisition():
    # 120,000.00 over 5 years (rate 20%), bought in September: 24,000.00 in 2025 all the same
    oven = asset("120000.00", 60, "2025-09-15")
    assert vuk_years(oven) == ((2025, 2400000), (2026, 2400000), (2027, 2400000), (2028, 2400000), (2029, 2400000))
    # monthly closes: one twelfth (2,000.00) from September, December takes the rest of the year
    assert months(oven, "2025-08", "2025-12", VUK) == [0, 200000, 200000, 200000, 1800000]
    assert months(oven, "2026-01", "2026-12", VUK) == [200000] * 12
    assert year_total(oven, 2030, VUK) == 0


def test_vuk_straight_line__the_last_year_takes_the_remainder():
    # 100,000.00 over 3 years: 33,333.33, 33,333.33, 33,333.34
    a = asset("100000.00", 36, "2025-01-02")
    assert [amount for _, amount in vuk_years(a)] == [3333333, 3333333, 3333334]
    # a month: 33,333.33 / 12 = 2,777.7775 -> 2,777.78; 11 months 30,555.58; December 2,777.75
    assert months(a, "2025-01", "2025-12", VUK) == [277778] * 11 + [277775]


def test_vuk_declining_balance__twice_the_straight_line_rate():
    # 100,000.00 over 5 years: straight-line 20%, declining 40% of the book value, the rest in year 5
    a = asset("100000.00", 60, "2025-06-01", "declining-balance")
    assert vuk_years(a) == ((2025, 4000000),      # 100,000.00 x 40%
                            (2026, 2400000),      # 60,000.00 x 40%
                            (2027, 1440000),      # 36,000.00 x 40%
                            (2028, 864000),       # 21,600.00 x 40%
                            (2029, 1296000))      # the remainder of 12,960.00


def test_vuk_declining_balance__capped_at_50_percent():
    # 640,000.00 over 3 years: twice 33.33% is 66.67%, capped at 50%; the register's rate 40 is capped too
    a = asset("640000.00", 36, "2024-03-01", "declining-balance")
    assert vuk_years(a) == ((2024, 32000000), (2025, 16000000), (2026, 16000000))


def test_vuk_passenger_car__pro_rata_in_the_first_year_and_the_rest_after_the_life():
    # 1,200,000.00 over 5 years, bought 20 April: 240,000.00 a year; 2025 holds April-December, 9 months:
    # 240,000.00 x 9 / 12 = 180,000.00; the 60,000.00 left out goes to 2030, the year after the life
    car = asset("1200000.00", 60, "2025-04-20", passenger_car=True)
    assert vuk_years(car) == ((2025, 18000000), (2026, 24000000), (2027, 24000000), (2028, 24000000),
                              (2029, 24000000), (2030, 6000000))
    assert sum(amount for _, amount in vuk_years(car)) == car.cost


def test_vuk_disposal__the_year_of_disposal_takes_none():
    # 120,000.00 over 5 years from May 2023: 24,000.00 for 2023 and 2024; sold 30 June 2025 for 80,000.00.
    # The closes of January to May post a twelfth each as for any asset held (2,000.00 x 5 = 10,000.00),
    # June none; the disposal takes back all 58,000.00 of 257 (48,000.00 + 10,000.00) and reverses the
    # 10,000.00 of 2025 from the expense, so 2025 nets to none and the book value that goes is the one at
    # the end of 2024: 120,000.00 - 48,000.00 = 72,000.00; gain 80,000.00 - 72,000.00 = 8,000.00
    van = asset("120000.00", 60, "2023-05-01", disposed=date(2025, 6, 30), disposal_proceeds="80000.00")
    assert months(van, "2025-01", "2025-07", VUK) == [200000] * 5 + [0, 0]
    d = disposal(van, VUK)
    assert (d.accumulated, d.reversed, d.book_value, d.gain) == (5800000, 1000000, 7200000, 800000)
    assert year_total(van, 2025, VUK) - d.reversed == 0


# --------------------------------------------------------------------------- IFRS (IAS 16)

def test_ifrs_straight_line__from_the_month_available_for_use_with_a_residual_value():
    # 120,000.00 less a residual 12,000.00 over 60 months: 1,800.00 a month from March 2025 (the month
    # it is available for use), so 2025 carries 10 months: 18,000.00; the last month is February 2030
    a = asset("120000.00", 60, "2025-03-20", salvage="12000.00")
    assert months(a, "2025-02", "2025-04", IFRS) == [0, 180000, 180000]
    assert year_total(a, 2025, IFRS) == 1800000
    assert months(a, "2030-02", "2030-03", IFRS) == [180000, 0]
    assert accumulated_through(a, "2030-12", IFRS) == 10800000


def test_ifrs_review__a_longer_life_and_a_lower_residual_apply_prospectively():
    # as above; from March 2027 (24 months done: 43,200.00, book value 76,800.00) the life is 84 months
    # in all and the residual 6,000.00: (76,800.00 - 6,000.00) / (84 - 24) = 1,180.00 a month
    a = asset("120000.00", 60, "2025-03-20", salvage="12000.00",
              reviews=(Review("2027-03", 84, 600000),))
    assert months(a, "2027-01", "2027-04", IFRS) == [180000, 180000, 118000, 118000]
    assert accumulated_through(a, "2027-02", IFRS) == 4320000          # the past is not restated
    assert accumulated_through(a, "2032-02", IFRS) == 12000000 - 600000  # to the new residual, in February 2032


def test_ifrs_declining_balance__the_first_month_is_the_month_of_acquisition():
    # 50,000.00 at 40% a year: 50,000.00 x 40% / 12 = 1,666.67 in January, 48,333.33 x 40% / 12 = 1,611.11
    a = asset("50000.00", 60, "2025-01-15", "declining-balance")
    assert months(a, "2025-01", "2025-02", IFRS) == [166667, 161111]


# --------------------------------------------------------------------------- through the close

REGISTER = """\
- id: FA-0001
  name: Kombi fırın
  acquired: 2025-03-10
  cost: "120000.00"
  method: straight-line
  life_months: "60"
  account: "255.01"
  accumulated: "257.01"
  expense: "770.01"
"""
OVEN = """
- id: JE-2025-03-0005
  date: 2025-03-10
  memo: Kombi fırın
  postings:
    - {account: "255.01", debit: "120000.00"}
    - {account: "102.01", credit: "120000.00"}
"""
MORE_ACCOUNTS = ('- {code: "255.01", name: "Demirbaşlar", type: asset}\n'
                 '- {code: "257.01", name: "Birikmiş amortismanlar", type: asset}\n')


def books_with_oven(tmp_path, method: str, journal_extra: str = OVEN, register: str = REGISTER):
    from tests.test_close import MARCH

    root = make(tmp_path, journal=MARCH + journal_extra)
    toml = (root / "books.toml").read_text() + f'\n[assets]\nmethod = "{method}"\n'
    (root / "books.toml").write_text(toml, encoding="utf-8")
    with (root / "accounts.yaml").open("a", encoding="utf-8") as f:
        f.write(MORE_ACCOUNTS)
    (root / "assets").mkdir()
    (root / "assets/register.yaml").write_text(register, encoding="utf-8")
    return root


def test_close_by_vuk__posts_one_twelfth_and_ties_the_register(tmp_path):
    # 120,000.00 over 5 years: 24,000.00 for 2025, one twelfth in March: 2,000.00
    root = books_with_oven(tmp_path, "vuk")
    result = close(root)
    assert result.exit_code == 0, result.output
    assert generated(root)["Depreciation 2025-03"] == [("770.01", "2000.00"), ("257.01", "-2000.00")]
    assert "cost 120,000.00, accumulated depreciation 2,000.00 agree" in result.output


def test_close_by_ifrs__the_month_of_acquisition_is_depreciated(tmp_path):
    # 120,000.00 / 60 = 2,000.00 from March, the month the oven is available for use
    root = books_with_oven(tmp_path, "ifrs")
    assert close(root).exit_code == 0
    assert generated(root)["Depreciation 2025-03"] == [("770.01", "2000.00"), ("257.01", "-2000.00")]


def test_a_purchase_the_register_does_not_hold__is_E202_at_the_posting(tmp_path):
    mixer = OVEN + """
- id: JE-2025-03-0006
  date: 2025-03-18
  memo: Hamur yoğurma makinesi
  postings:
    - {account: "255.01", debit: "35000.00"}
    - {account: "102.01", credit: "35000.00"}
"""
    root = books_with_oven(tmp_path, "vuk", mixer)
    from tests.conftest import check

    _, problems = check(root)
    [p] = [p for p in problems if p.code == "E202"]
    assert (p.path, p.record) == ("journals/2025/2025-03.yaml", "JE-2025-03-0006")
    assert "register cost 120000.00, purchases 155000.00" in p.found


def test_close__fails_while_the_register_holds_an_asset_the_ledger_does_not(tmp_path):
    # the register has the oven, but the purchase was never posted: 255.01 holds nothing
    root = books_with_oven(tmp_path, "vuk", journal_extra="")
    result = close(root)
    assert result.exit_code == 1
    assert "(asset-register-tie-out): 255.01 0.00, register 120,000.00" in result.output
    assert not (root / "closes/2025-03.yaml").exists()


DISPOSAL_ROLES = ('[accounts]\nasset_disposal_proceeds = "136.01"\nasset_disposal_gain = "679.01"\n'
                  'asset_disposal_loss = "689.01"\n')
DISPOSAL_ACCOUNTS = ('- {code: "136.01", name: "Diğer çeşitli alacaklar", type: asset}\n'
                     '- {code: "679.01", name: "Diğer olağandışı gelir ve kârlar", type: income}\n'
                     '- {code: "689.01", name: "Diğer olağandışı gider ve zararlar", type: expense}\n')
APRIL_RENT = """
- id: JE-2025-04-0001
  date: 2025-04-07
  memo: Rent
  postings:
    - {account: "770.01", debit: "4000.00"}
    - {account: "102.01", credit: "4000.00"}
"""
MAY_RENT = APRIL_RENT.replace("04-0001", "05-0001").replace("2025-04-07", "2025-05-07")


def test_vuk_close__an_oven_sold_in_the_year_takes_back_the_year_and_ties(tmp_path):
    # The oven (120,000.00 over 5 years from March 2025, VUK: 24,000.00 for 2025) is closed in March and
    # April as any asset held: 2,000.00 a month, 257.01 holds 4,000.00. It is sold on 20 May for
    # 115,000.00, and the register says so only then. The May close posts no depreciation for it and the
    # disposal: Dr 257.01 4,000.00 (all booked), Cr 770.01 4,000.00 (2025 takes none, VUK), Dr 136.01
    # 115,000.00, Cr 255.01 120,000.00; the book value that goes is the cost, 120,000.00 (bought this
    # year), so the loss is 120,000.00 - 115,000.00 = 5,000.00 to 689.01.
    # Dr 4,000 + 115,000 + 5,000 = 124,000.00 = Cr 4,000 + 120,000; 255.01 and 257.01 end at 0: the tie holds.
    root = books_with_oven(tmp_path, "vuk")
    toml = (root / "books.toml").read_text().replace("[accounts]\n", DISPOSAL_ROLES, 1)
    (root / "books.toml").write_text(toml, encoding="utf-8")
    with (root / "accounts.yaml").open("a", encoding="utf-8") as f:
        f.write(DISPOSAL_ACCOUNTS)
    (root / "journals/2025/2025-04.yaml").write_text(APRIL_RENT, encoding="utf-8")
    (root / "journals/2025/2025-05.yaml").write_text(MAY_RENT, encoding="utf-8")
    assert close(root).exit_code == 0
    assert close(root, "2025-04").exit_code == 0
    assert generated(root, "2025-04")["Depreciation 2025-04"] == [("770.01", "2000.00"), ("257.01", "-2000.00")]
    with (root / "assets/register.yaml").open("a", encoding="utf-8") as f:
        f.write('  disposed: 2025-05-20\n  disposal_proceeds: "115000.00"\n')
    result = close(root, "2025-05")
    assert result.exit_code == 0, result.output
    entries = generated(root, "2025-05")
    assert "Depreciation 2025-05" not in entries
    assert entries["Disposal FA-0001 Kombi fırın"] == [
        ("257.01", "4000.00"), ("770.01", "-4000.00"), ("136.01", "115000.00"), ("255.01", "-120000.00"),
        ("689.01", "5000.00")]
    assert "asset-register-tie-out" in result.output and "255.01 0.00" not in result.output
    # the year's depreciation of the oven nets to none: 2,000.00 + 2,000.00 - 4,000.00
    from core.erp.load import load_ledger

    book, _ = load_ledger(root, use_cache=False)
    expense = book.ledger().filter((book.ledger()["account"] == "770.01")
                                   & book.ledger()["memo"].str.contains("FA-0001"))["base"].sum()
    assert expense == 0


def test_a_useful_life_changed_after_depreciation_was_booked__names_the_asset(tmp_path):
    # March and April closed at 120,000.00 / 5 years = 24,000.00 a year: 2,000.00 a month, 4,000.00 in
    # 257.01. The life is then edited to 4 years: 30,000.00 a year, 2,500.00 a month, 5,000.00 for the two
    # months. kebir validate says so at the register line, naming FA-0001, and the May close refuses.
    from core.erp.asset_ties import tie_out
    from core.erp.load import load_ledger
    from tests.test_close import run

    root = books_with_oven(tmp_path, "vuk")
    (root / "journals/2025/2025-04.yaml").write_text(APRIL_RENT, encoding="utf-8")
    assert close(root).exit_code == 0 and close(root, "2025-04").exit_code == 0
    register = (root / "assets/register.yaml").read_text()
    (root / "assets/register.yaml").write_text(register.replace('life_months: "60"', 'life_months: "48"'))
    result = run("validate", "--books", str(root))
    assert result.exit_code == 1
    assert ("assets/register.yaml:6: E206 error [FA-0001]: asset FA-0001 (Kombi fırın): the register no longer "
            "gives the depreciation booked for it from 2025-03 (2 month(s))") in result.output
    assert "expected: 4000.00 as booked by the closes; found: 5000.00 by life_months 48" in result.output
    assert close(root, "2025-05").exit_code == 1
    # the tie-out itself names the asset beside the account that does not agree
    book, _ = load_ledger(root, use_cache=False)
    ok, detail = tie_out(book, date(2025, 4, 30), "2025-04")
    assert not ok
    assert detail == ("257.01 -4000.00, register -5000.00; assets whose depreciation differs from the register: "
                      "FA-0001 from 2025-03 booked 4000.00, register 5000.00")
