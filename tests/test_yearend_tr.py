"""The Turkish year end closed by hand: a small company's 2025, typed as its accountant would, closed
in March (a provisional-tax quarter) and in December with the provisions accepted; every figure is
computed by hand below (tax base with a KKEG item and a prior-year loss, a doubtful receivable, two
rediscounted notes, a severance and an unused-leave provision, a reclassification, the provisional
tax offset, the 2026 opening balances)."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cli.main import app
from core.close.provisions import rediscount_interest, service
from tests.conftest import write_books

BOOKS = """\
[company]
name = "Yıl Sonu Lokanta Ltd."
base_currency = "TRY"
chart = "tr-tdhp"

[currencies]
TRY = 2

[accounts]
rounding = "659.99"
retained_earnings = "570.01"
receivable = "120.01"
payable = "320.01"
bank = "102.01"
period_result = "690"
tax_expense = "691"
tax_provision = "370"
net_result = "692"
retained_earnings_profit = "590.01"
retained_earnings_loss = "591.01"
prepaid_tax = "193.01"
prepaid_tax_offset = "371"
provisional_tax_payable = "360.04"
provision_expense = "654.01"
doubtful_receivable = "128.01"
doubtful_allowance = "129.01"
notes_receivable = "121.01"
notes_payable = "321.01"
rediscount_receivable = "122.01"
rediscount_payable = "322.01"
rediscount_expense = "657.01"
rediscount_income = "647.01"
severance_provision = "472.01"
leave_provision = "379.01"

[accounts.reflection]
"770" = "771:632"

[accounts.reclass]
"420" = "320"

[close]
corporate_tax_rate = "25"
minimum_tax_rate = "10"
kkeg_accounts = ["689"]
rediscount_rate = "48"

[close.losses]
"2019" = "50000.00"
"2023" = "100000.00"

[close.severance_ceiling]
"2025-01" = "46655.43"
"2025-07" = "53919.68"
"""

ACCOUNTS = "".join(f'- {{code: "{c}", name: "{n}", type: {t}}}\n' for c, n, t in (
    ("102.01", "Banka", "bank"), ("120.01", "Alıcılar", "asset"), ("121.01", "Alacak senetleri", "asset"),
    ("122.01", "Alacak senetleri reeskontu", "asset"), ("128.01", "Şüpheli ticari alacaklar", "asset"),
    ("129.01", "Şüpheli ticari alacaklar karşılığı", "asset"), ("193.01", "Peşin ödenen vergiler", "asset"),
    ("255.01", "Demirbaşlar", "asset"), ("320.01", "Satıcılar", "liability"),
    ("321.01", "Borç senetleri", "liability"), ("322.01", "Borç senetleri reeskontu", "liability"),
    ("360.04", "Ödenecek geçici vergi", "liability"), ("370", "Dönem kârı vergi karşılıkları", "liability"),
    ("371", "Dönem kârının peşin ödenen vergileri", "liability"),
    ("379.01", "Kullanılmayan izin karşılığı", "liability"), ("420.01", "Satıcılar (uzun vadeli)", "liability"),
    ("472.01", "Kıdem tazminatı karşılığı", "liability"), ("500.01", "Sermaye", "equity"),
    ("570.01", "Geçmiş yıllar kârları", "equity"), ("590.01", "Dönem net kârı", "equity"),
    ("591.01", "Dönem net zararı", "equity"), ("600.01", "Yurt içi satışlar", "income"),
    ("632", "Genel yönetim giderleri", "expense"), ("647.01", "Reeskont faiz gelirleri", "income"),
    ("654.01", "Karşılık giderleri", "expense"), ("657.01", "Reeskont faiz giderleri", "expense"),
    ("659.99", "Yuvarlama", "expense"), ("689", "Diğer olağandışı gider ve zararlar", "expense"),
    ("690", "Dönem kârı veya zararı", "equity"), ("691", "Dönem kârı vergi karşılıkları", "expense"),
    ("692", "Dönem net kârı veya zararı", "equity"), ("770.01", "Kira", "expense"),
    ("771", "Genel yönetim giderleri yansıtma", "expense")))

CUSTOMERS = """\
- {id: CU-1, kind: company, name: Sahil Otelcilik A.Ş., legal_follow_up: 2025-11-10}
- {id: CU-2, kind: company, name: Mavi Organizasyon Ltd.}
"""
SUPPLIERS = "- {id: SU-1, kind: company, name: Ege Mutfak Ekipmanları A.Ş.}\n"
EMPLOYEES = """\
- {id: EM-1, kind: person, name: Elif Şahin, hired: 2019-04-01, gross_salary: "60000.00", leave_days: 10}
"""


def entry(eid: str, day: str, memo: str, *postings: str) -> str:
    return f"- id: {eid}\n  date: {day}\n  memo: {memo}\n  postings:\n" + "".join(f"    - {p}\n" for p in postings)


JOURNALS = {
    "journals/2025/2025-01.yaml": entry("JE-2025-01-0001", "2025-01-02", "Capital",
                                        '{account: "102.01", debit: "1000000.00"}',
                                        '{account: "500.01", credit: "1000000.00"}'),
    "journals/2025/2025-02.yaml": entry("JE-2025-02-0001", "2025-02-10", "Banquet on credit, CU-1",
                                        '{account: "120.01", debit: "120000.00", contact: CU-1}',
                                        '{account: "600.01", credit: "120000.00"}'),
    "journals/2025/2025-03.yaml": entry("JE-2025-03-0001", "2025-03-05", "Rent",
                                        '{account: "770.01", debit: "30000.00"}',
                                        '{account: "102.01", credit: "30000.00"}')
    + entry("JE-2025-03-0002", "2025-03-31", "Cash sales, March",
            '{account: "102.01", debit: "200000.00"}', '{account: "600.01", credit: "200000.00"}'),
    "journals/2025/2025-04.yaml": entry("JE-2025-04-0001", "2025-04-17", "Provisional tax Q1 paid",
                                        '{account: "360.04", debit: "47500.00"}',
                                        '{account: "102.01", credit: "47500.00"}'),
    "journals/2025/2025-06.yaml": entry("JE-2025-06-0001", "2025-06-01", "Traffic fine",
                                        '{account: "689", debit: "5000.00"}',
                                        '{account: "102.01", credit: "5000.00"}'),
    "journals/2025/2025-07.yaml": entry("JE-2025-07-0001", "2025-07-01", "Wedding catering paid by a note",
                                        '{account: "121.01", debit: "100000.00", contact: CU-2, tags: [due:2026-03-31]}',  # noqa: E501
                                        '{account: "600.01", credit: "100000.00"}'),
    "journals/2025/2025-08.yaml": entry("JE-2025-08-0001", "2025-08-01", "Kitchen repairs against our note",
                                        '{account: "770.01", debit: "40000.00"}',
                                        '{account: "321.01", credit: "40000.00", contact: SU-1, tags: [due:2026-02-28]}'),  # noqa: E501
    "journals/2025/2025-09.yaml": entry("JE-2025-09-0001", "2025-09-01", "Oven bought in two yearly instalments",
                                        '{account: "255.01", debit: "120000.00"}',
                                        '{account: "420.01", credit: "60000.00", contact: SU-1, tags: [due:2026-06-30]}',  # noqa: E501
                                        '{account: "420.01", credit: "60000.00", contact: SU-1, tags: [due:2027-06-30]}'),  # noqa: E501
    "journals/2025/2025-12.yaml": entry("JE-2025-12-0001", "2025-12-31", "Cash sales, December",
                                        '{account: "102.01", debit: "300000.00"}',
                                        '{account: "600.01", credit: "300000.00"}'),
}


@pytest.fixture
def books(tmp_path: Path) -> Path:
    root = write_books(tmp_path / "books", {
        "books.toml": BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
        "contacts/erp/suppliers.yaml": SUPPLIERS, "contacts/erp/employees.yaml": EMPLOYEES, **JOURNALS}, base=False)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def close(root: Path, period: str, *extra: str):
    return run("close", period, "--books", str(root), "--on", "2026-01-20", "--by", "Zeynep Kaya <z@lokanta.example>",
               "--allow-gap", *extra)


def generated(root: Path, period: str) -> dict[str, dict[str, Decimal]]:
    """memo -> account -> signed amount of the entries a close wrote."""
    from core.books.yamlnodes import parse

    tree, _ = parse((root / f"journals/{period[:4]}/{period}.close.yaml").read_text(), "x")
    out: dict[str, dict[str, Decimal]] = {}
    for e in tree:
        accounts = out.setdefault(e["memo"], {})
        for p in e["postings"]:
            v = Decimal(p["debit"]) if "debit" in p else -Decimal(p["credit"])
            accounts[p["account"]] = accounts.get(p["account"], Decimal(0)) + v
    return out


def balances(root: Path) -> dict[str, Decimal]:
    from core.erp.load import load_ledger

    book, _ = load_ledger(root, use_cache=False)
    sums = book.ledger().group_by("account").agg(pl.col("base").sum())
    return {a: Decimal(b).scaleb(-2) for a, b in sums.iter_rows() if b}


def test_hand_figures__rediscount_and_service():
    # inner discount: face x rate x days / (36,000 + rate x days)
    # 100,000.00 due 2026-03-31: 90 days at 48%: 10,000,000 x 48 x 90 / 40,320 = 1,071,428.57 kuruş
    assert rediscount_interest(10_000_000, Decimal(48), 90) == 1_071_429
    # 40,000.00 due 2026-02-28: 59 days: 4,000,000 x 2,832 / 38,832 = 291,718.17 kuruş
    assert rediscount_interest(4_000_000, Decimal(48), 59) == 291_718
    from datetime import date
    assert service(date(2019, 4, 1), date(2025, 12, 31)) == (6, 9, 0)
    assert service(date(2017, 9, 11), date(2025, 12, 31)) == (8, 3, 21)


def test_year_end__provisional_tax_provisions_reclass_tax_base_and_opening_by_hand(books):
    # --- March: a provisional-tax quarter. Profit so far: sales 120,000 + 200,000 - rent 30,000 = 290,000;
    # the 2023 loss of 100,000 is deducted (the 2019 loss is older than five years): base 190,000, tax 25% 47,500.
    result = close(books, "2025-03")
    assert result.exit_code == 0, result.output
    march = generated(books, "2025-03")
    assert march["7/A reflection 2025-03"] == {"632": Decimal("30000.00"), "771": Decimal("-30000.00")}
    assert march["Provisional tax Q1 2025: base 190000.00"] == {"193.01": Decimal("47500.00"),
                                                                 "360.04": Decimal("-47500.00")}
    # --- December without an answer on the provisions: the close refuses and lists them.
    refused = close(books, "2025-12")
    assert refused.exit_code == 1 and "--accept-provisions" in refused.output
    result = close(books, "2025-12", "--accept-provisions")
    assert result.exit_code == 0, result.output
    dec = generated(books, "2025-12")
    # doubtful: CU-1 in legal follow-up since 2025-11-10, its 120,000 moves to 128 and is provided for in full
    assert dec["Doubtful receivables 2025 (VUK 323)"] == {
        "128.01": Decimal("120000.00"), "120.01": Decimal("-120000.00"),
        "654.01": Decimal("120000.00"), "129.01": Decimal("-120000.00")}
    # rediscount at 48%: the note received 10,714.29, the note given 2,917.18
    assert dec["Rediscount of notes 2025 (VUK 281, 285)"] == {
        "657.01": Decimal("10714.29"), "122.01": Decimal("-10714.29"),
        "322.01": Decimal("2917.18"), "647.01": Decimal("-2917.18")}
    # severance: 6 years 9 months at the ceiling 53,919.68 (her 60,000.00 is above it):
    # 53,919.68 x 6 + 53,919.68 x 9 / 12 = 323,518.08 + 40,439.76 = 363,957.84
    assert dec["Severance provision 2025"] == {"654.01": Decimal("363957.84"), "472.01": Decimal("-363957.84")}
    # unused leave: 10 days x 60,000.00 / 30 = 20,000.00
    assert dec["Unused leave provision 2025"] == {"654.01": Decimal("20000.00"), "379.01": Decimal("-20000.00")}
    # the instalment due 2026-06-30 moves to 320; the one due 2027-06-30 stays long-term
    assert dec["Long-term items due within a year 2025"] == {"320.01": Decimal("-60000.00"),
                                                            "420.01": Decimal("60000.00")}
    # Accounting profit: income 720,000.00 + 2,917.18 = 722,917.18; expenses rent 70,000.00 + fine 5,000.00
    # + doubtful 120,000.00 + rediscount 10,714.29 + severance 363,957.84 + leave 20,000.00 = 589,672.13;
    # profit 133,245.05. KKEG: the fine 5,000.00 + severance + leave = 388,957.84. Less the 2023 loss
    # 100,000.00: base 422,202.89; tax 25% = 105,550.72 (the 10% minimum, 42,220.29, is lower).
    assert dec["Corporate tax provision 2025 at 25%"] == {"691": Decimal("105550.72"), "370": Decimal("-105550.72")}
    assert dec["Income statement to 690, 2025"]["690"] == Decimal("-133245.05")
    assert dec["Net result 2025 to 590"]["590.01"] == Decimal("-27694.33")     # 133,245.05 - 105,550.72
    # the year's provisional tax offset against the corporate tax
    assert dec["Provisional tax offset against the corporate tax 2025"] == {"371": Decimal("47500.00"),
                                                                           "193.01": Decimal("-47500.00")}
    # --- the worksheet after the close says the same
    sheet = run("report", "tax-base", "--books", str(books), "-p", "2025", "--format", "json")
    assert sheet.exit_code == 0, sheet.output
    import json
    lines = {}
    for row in json.loads(sheet.stdout)["rows"]:
        lines.setdefault(row["line"], []).append(Decimal(str(row["amount"])))
    assert lines["profit"] == [Decimal("133245.05")]
    assert sorted(lines["kkeg"]) == [Decimal("5000.00"), Decimal("383957.84")]     # 689; 654.01 severance + leave
    assert lines["loss"] == [Decimal("-100000.00")] and lines["base"] == [Decimal("422202.89")]
    assert lines["minimum_tax"] == [Decimal("42220.29")] and lines["final_tax"] == [Decimal("105550.72")]
    assert lines["payable"] == [Decimal("58050.72")]                                # 105,550.72 - 47,500.00
    # --- the 2026 opening balances: the balance sheet after the close, by hand
    opening = {
        "102.01": Decimal("1417500.00"),    # 1,000,000 - 30,000 + 200,000 - 47,500 - 5,000 + 300,000
        "121.01": Decimal("100000.00"), "122.01": Decimal("-10714.29"),
        "128.01": Decimal("120000.00"), "129.01": Decimal("-120000.00"), "255.01": Decimal("120000.00"),
        "320.01": Decimal("-60000.00"), "321.01": Decimal("-40000.00"), "322.01": Decimal("2917.18"),
        "370": Decimal("-105550.72"), "371": Decimal("47500.00"), "379.01": Decimal("-20000.00"),
        "420.01": Decimal("-60000.00"), "472.01": Decimal("-363957.84"), "500.01": Decimal("-1000000.00"),
        "590.01": Decimal("-27694.33")}
    assert sum(opening.values()) == 0
    assert balances(books) == opening
    shown = run("report", "opening-entry", "--books", str(books), "-p", "2026", "--format", "json")
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.stdout)["rows"]
    legs = {r["account"]: Decimal(str(r["debit"] or 0)) - Decimal(str(r["credit"] or 0))
            for r in rows if r["entry"] == "opening"}
    assert legs == opening
    closing = {r["account"]: Decimal(str(r["debit"] or 0)) - Decimal(str(r["credit"] or 0))
               for r in rows if r["entry"] == "closing"}
    assert closing == {a: -v for a, v in opening.items()}


def test_year_end__exports_pass_hledger_check_and_bean_check_after_it(books):
    from tests.test_export_closed import tools_accept

    assert close(books, "2025-03").exit_code == 0
    assert close(books, "2025-12", "--accept-provisions").exit_code == 0
    bal = tools_accept(books)
    assert bal["472.01"] == Decimal("-363957.84") and bal["371"] == Decimal("47500.00")


IFRS_BOOKS = """\
[company]
name = "Aging Ltd."
base_currency = "TRY"
chart = "ifrs-small"

[accounts]
rounding = "659.99"
retained_earnings = "570.01"
receivable = "120.01"
bank = "102.01"
provision_expense = "654.01"
doubtful_allowance = "129.01"

[close]
doubtful_after_days = "365"
"""


def test_ifrs_year_end__receivables_over_a_year_late_are_provided_for_in_full(tmp_path):
    root = write_books(tmp_path / "ifrs", {
        "books.toml": IFRS_BOOKS, "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
        "journals/2024/2024-11.yaml": entry("JE-2024-11-0001", "2024-11-01", "Banquet, CU-2",
                                            '{account: "120.01", debit: "8000.00", contact: CU-2}',
                                            '{account: "600.01", credit: "8000.00"}'),
        "journals/2025/2025-12.yaml": entry("JE-2025-12-0001", "2025-12-01", "Banquet, CU-2",
                                            '{account: "120.01", debit: "5000.00", contact: CU-2}',
                                            '{account: "600.01", credit: "5000.00"}'),
    }, base=False)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    result = close(root, "2025-12", "--accept-provisions")
    assert result.exit_code == 0, result.output
    # the banquet of 2024-11-01 (due at once) is 425 days late on 2025-12-31: 8,000.00 in full;
    # December's 5,000.00 is 30 days late: nothing. No move to a doubtful account under IFRS.
    assert generated(root, "2025-12")["Doubtful receivables 2025 (over 365 days past due)"] == {
        "654.01": Decimal("8000.00"), "129.01": Decimal("-8000.00")}


def test_tax_base__the_minimum_tax_binds_when_exempt_income_empties_the_base(tmp_path):
    """Profit 1,000,000.00 of which 900,000.00 exempt dividends: base 100,000.00, tax 25% = 25,000.00;
    the minimum base (profit + KKEG - losses, exemptions not deducted) 1,000,000.00 at 10% = 100,000.00."""
    from core.erp.load import load_ledger
    from core.reports.tax_base import tax_base

    books = BOOKS.replace('kkeg_accounts = ["689"]', 'kkeg_accounts = ["689"]\nexempt_accounts = ["679"]')
    books = books.replace('"2019" = "50000.00"\n"2023" = "100000.00"\n', "")
    accounts = ACCOUNTS + '- {code: "679", name: "İştirak kazançları", type: income}\n'
    root = write_books(tmp_path / "min", {
        "books.toml": books, "accounts.yaml": accounts,
        "journals/2025/2025-05.yaml": entry("JE-2025-05-0001", "2025-05-20", "Dividend and sales",
                                            '{account: "102.01", debit: "1000000.00"}',
                                            '{account: "679", credit: "900000.00"}',
                                            '{account: "600.01", credit: "100000.00"}')}, base=False)
    book, _ = load_ledger(root, use_cache=False)
    t = tax_base(book, 2025)
    assert (t.profit, t.exempt_total, t.base, t.tax) == (100_000_000, 90_000_000, 10_000_000, 2_500_000)
    assert (t.minimum_base, t.minimum_tax, t.final_tax) == (100_000_000, 10_000_000, 10_000_000)
    assert tax_base(book, 2024).minimum_rate is None           # KVK 32/C: from the 2025 period on


def test_reclassification__moves_an_overdue_instalment_too(tmp_path):
    # A van bought on three instalments to SU-1 on 420.01 (long-term trade payables): 10,000.00 due
    # 30 November 2025 and still unpaid at the year end (overdue), 20,000.00 due 30 June 2026, 30,000.00
    # due 30 June 2027. On 31 December 2025 the first two are due within a year (the overdue one is due
    # now): 10,000.00 + 20,000.00 = 30,000.00 move to 320.01; the 30,000.00 of 2027 stays long-term.
    from core.close.reclass import reclassify
    from core.erp.load import load_ledger

    van = {"journals/2025/2025-06.yaml": entry(
        "JE-2025-06-0001", "2025-06-30", "Van on three instalments",
        '{account: "255.01", debit: "60000.00"}',
        '{account: "420.01", credit: "10000.00", contact: SU-1, tags: [due:2025-11-30]}',
        '{account: "420.01", credit: "20000.00", contact: SU-1, tags: [due:2026-06-30]}',
        '{account: "420.01", credit: "30000.00", contact: SU-1, tags: [due:2027-06-30]}')}
    root = write_books(tmp_path / "books", {"books.toml": BOOKS, "accounts.yaml": ACCOUNTS,
                                            "contacts/erp/suppliers.yaml": SUPPLIERS, **van}, base=False)
    book, _ = load_ledger(root, use_cache=False)
    [e] = reclassify(book, "2025-12")
    legs = [(leg.account, leg.base, leg.memo) for leg in e.legs]
    assert legs == [("320.01", -1000000, "due 2025-11-30: from 420.01"),
                    ("420.01", 1000000, "due 2025-11-30: to 320.01"),
                    ("320.01", -2000000, "due 2026-06-30: from 420.01"),
                    ("420.01", 2000000, "due 2026-06-30: to 320.01")]


def test_tax_base_of_a_closed_year__reads_the_settings_its_close_recorded(books):
    # Closed as in the test above: profit 133,245.05 + KKEG 388,957.84 (the fine on 689 5,000.00, severance
    # and leave 383,957.84) - the 2023 loss 100,000.00 = base 422,202.89, tax 25% = 105,550.72 booked on 370.
    # Next spring books.toml changes for 2026: the rate to 20%, no KKEG account, the 2023 loss used up.
    # The 2025 worksheet still shows the tax that was booked: 105,550.72, not 20% of another base.
    import json

    assert close(books, "2025-03").exit_code == 0
    assert close(books, "2025-12", "--accept-provisions").exit_code == 0
    record = (books / "closes/2025-12.yaml").read_text()
    assert ("tax_settings:\n  corporate_tax_rate: '25'\n  minimum_tax_rate: '10'\n  kkeg_accounts:\n  - '689'\n"
            "  exempt_accounts: []\n  losses:\n    '2019': '50000.00'\n    '2023': '100000.00'\n"
            "  deductions: {}\n") in record
    toml = (books / "books.toml").read_text()
    toml = toml.replace('corporate_tax_rate = "25"', 'corporate_tax_rate = "20"').replace(
        'kkeg_accounts = ["689"]', "kkeg_accounts = []").replace('"2023" = "100000.00"\n', "")
    (books / "books.toml").write_text(toml, encoding="utf-8")
    assert run("validate", "--books", str(books)).exit_code == 0        # the record still agrees with its history
    sheet = run("report", "tax-base", "--books", str(books), "-p", "2025", "--format", "json")
    assert sheet.exit_code == 0, sheet.output
    doc = json.loads(sheet.stdout)
    lines = {}
    for row in doc["rows"]:
        lines.setdefault(row["line"], []).append(Decimal(str(row["amount"])))
    assert sorted(lines["kkeg"]) == [Decimal("5000.00"), Decimal("383957.84")]
    assert lines["loss"] == [Decimal("-100000.00")] and lines["base"] == [Decimal("422202.89")]
    assert lines["tax"] == [Decimal("105550.72")]
    assert doc["settings"] == "closes/2025-12.yaml, closed on 2026-01-20"
    assert doc["settings_changed_since"] == ["corporate_tax_rate", "kkeg_accounts", "losses"]
    assert ("kebir: note: 2025 is closed: the worksheet uses the settings its year-end close recorded "
            "(closes/2025-12.yaml, closed on 2026-01-20); books.toml has changed since: corporate_tax_rate, "
            "kkeg_accounts, losses") in sheet.stderr
    # 2026 is open: today's settings, 20%
    sheet = run("report", "tax-base", "--books", str(books), "-p", "2026", "--format", "json")
    assert "Corporate tax at 20%" in sheet.stdout and "settings" not in json.loads(sheet.stdout)


def test_a_rate_written_with_a_comma__is_E210_with_the_fix_and_tax_base_says_it(books):
    # "25,5" is how a Turkish keyboard writes 25.5: the settings reader names the line and the fix
    # instead of the worksheet crashing on it, and the worksheet is not shown without a rate.
    toml = (books / "books.toml").read_text().replace('corporate_tax_rate = "25"', 'corporate_tax_rate = "25,5"')
    (books / "books.toml").write_text(toml, encoding="utf-8")
    line = toml.splitlines().index('corporate_tax_rate = "25,5"') + 1
    result = run("validate", "--books", str(books))
    assert result.exit_code == 1
    assert f"books.toml:{line}: E210 error [[close]]: [close] corporate_tax_rate = '25,5' is not a number" \
        in result.output
    assert 'hint: write corporate_tax_rate = "25.5": a point, not a comma, before the decimals' in result.output
    sheet = run("report", "tax-base", "--books", str(books), "-p", "2025")
    assert sheet.exit_code == 1 and "Traceback" not in sheet.output
    assert f"books.toml:{line}: E210 error [[close]]: [close] corporate_tax_rate = '25,5'" in sheet.stderr
    assert sheet.stdout == ""


def test_tax_base_on_turkish_books__is_said_in_turkish_and_json_stays_english(tmp_path):
    # The open year: income 120,000 + 200,000 + 100,000 + 300,000 = 720,000.00, expenses rent 30,000 +
    # repairs 40,000 + the fine 5,000 = 75,000.00: profit 645,000.00; + KKEG (689) 5,000.00 - the 2023 loss
    # 100,000.00 = base 550,000.00; tax 25% = 137,500.00 (the 10% minimum, 55,000.00, is lower).
    import json

    root = write_books(tmp_path / "tr", {
        "books.toml": BOOKS.replace('chart = "tr-tdhp"', 'chart = "tr-tdhp"\nlanguage = "tr"'),
        "accounts.yaml": ACCOUNTS, "contacts/erp/customers.yaml": CUSTOMERS,
        "contacts/erp/suppliers.yaml": SUPPLIERS, "contacts/erp/employees.yaml": EMPLOYEES, **JOURNALS}, base=False)
    text = run("report", "tax-base", "--books", str(root), "-p", "2025", "--format", "md")
    assert text.exit_code == 0, text.output
    for words in ("Kurumlar vergisi matrahı 2025", "Vergi öncesi ticari kâr", "645,000.00",
                  "+ Kanunen kabul edilmeyen giderler (KKEG, KVK md. 11): 689", "= Kurumlar vergisi matrahı",
                  "550,000.00", "Kurumlar vergisi (%25)", "137,500.00", "Asgari kurumlar vergisi (%10)", "55,000.00"):
        assert words in text.stdout, words
    doc = json.loads(run("report", "tax-base", "--books", str(root), "-p", "2025", "--format", "json").stdout)
    assert doc["title"] == "Tax base 2025"
    assert [r["name"] for r in doc["rows"]][:2] == ["Accounting profit before tax",
                                                   "+ Non-deductible (KKEG, KVK Art. 11): 689 Diğer olağandışı gider "
                                                   "ve zararlar"]


def test_rediscount__reversed_on_the_first_day_of_the_next_year(books):
    # The year end discounted CU-2's note (100,000.00 due 2026-03-31) by 10,714.29 (657 / 122) and our note
    # to SU-1 (40,000.00 due 2026-02-28) by 2,917.18 (322 / 647). The close of January 2026 reverses both on
    # 1 January: Dr 122.01 10,714.29 / Cr 647.01, and Dr 657.01 2,917.18 / Cr 322.01; 122 and 322 are
    # empty again, so the 2026 year end discounts the notes then open afresh.
    assert close(books, "2025-03").exit_code == 0
    assert close(books, "2025-12", "--accept-provisions").exit_code == 0
    result = close(books, "2026-01", "--allow-empty")
    assert result.exit_code == 0, result.output
    jan = generated(books, "2026-01")
    assert jan["Rediscount of notes 2025 reversed"] == {
        "122.01": Decimal("10714.29"), "647.01": Decimal("-10714.29"),
        "657.01": Decimal("2917.18"), "322.01": Decimal("-2917.18")}
    assert "- id: JE-2026-01-C001\n  date: 2026-01-01\n" in (books / "journals/2026/2026-01.close.yaml").read_text()
    after = balances(books)
    assert "122.01" not in after and "322.01" not in after


def test_tax_base__a_loss_is_deducted_once_over_the_years(tmp_path):
    """A 2023 loss of 50,000.00 filed; profit 30,000.00 in 2024 and 40,000.00 in 2025 (sales, no KKEG).
    2024 deducts 30,000.00 of it (base 0.00); 2025 deducts the 20,000.00 left: base 20,000.00, tax 25%
    = 5,000.00 (the minimum tax of KVK 32/C: (40,000.00 - 20,000.00) x 10% = 2,000.00 is lower). 2026
    with a profit of 10,000.00 has nothing left to deduct: base 10,000.00. Before the fix every year
    deducted the whole 50,000.00 again."""
    from core.erp.load import load_ledger
    from core.reports.tax_base import build_tax_base, tax_base

    books = BOOKS.replace('"2019" = "50000.00"\n"2023" = "100000.00"\n', '"2023" = "50000.00"\n')
    root = write_books(tmp_path / "loss", {
        "books.toml": books, "accounts.yaml": ACCOUNTS,
        "journals/2024/2024-06.yaml": entry("JE-2024-06-0001", "2024-06-10", "Sales",
                                            '{account: "102.01", debit: "30000.00"}',
                                            '{account: "600.01", credit: "30000.00"}'),
        "journals/2025/2025-06.yaml": entry("JE-2025-06-0001", "2025-06-10", "Sales",
                                            '{account: "102.01", debit: "40000.00"}',
                                            '{account: "600.01", credit: "40000.00"}'),
        "journals/2026/2026-06.yaml": entry("JE-2026-06-0001", "2026-06-10", "Sales",
                                            '{account: "102.01", debit: "10000.00"}',
                                            '{account: "600.01", credit: "10000.00"}')}, base=False)
    book, _ = load_ledger(root, use_cache=False)
    t24, t25, t26 = tax_base(book, 2024), tax_base(book, 2025), tax_base(book, 2026)
    assert (t24.loss_deducted, t24.base) == (3_000_000, 0)
    assert (t25.loss_deducted, t25.base, t25.final_tax, t25.used_before) == (2_000_000, 2_000_000, 500_000,
                                                                             (("2023", 3_000_000),))
    assert (t26.loss_deducted, t26.base, t26.used_before) == (0, 1_000_000, (("2023", 5_000_000),))
    labels = [r[1] for r in build_tax_base(book, 2025).rows]
    assert "  Tax loss of 2023: 30000.00 deducted in earlier years" in labels


def test_reclassification__an_item_moved_at_one_year_end_is_not_moved_again_at_the_next(tmp_path):
    # The van of the test above. 31 December 2025: 10,000.00 (overdue) + 20,000.00 move to 320.01.
    # 31 December 2026: only the 30,000.00 due 30 June 2027 is newly within a year; 420.01 ends at 0.00
    # and 320.01 holds the whole 60,000.00 still owed. Before the fix the 2026 year end moved the first
    # two again: 420.01 ended with a debit of 30,000.00 and 320.01 with 90,000.00 for a debt of 60,000.00.
    from datetime import date

    from core.erp.load import load_ledger

    van = {"journals/2025/2025-06.yaml": entry(
        "JE-2025-06-0001", "2025-06-30", "Van on three instalments",
        '{account: "255.01", debit: "60000.00"}',
        '{account: "420.01", credit: "10000.00", contact: SU-1, tags: [due:2025-11-30]}',
        '{account: "420.01", credit: "20000.00", contact: SU-1, tags: [due:2026-06-30]}',
        '{account: "420.01", credit: "30000.00", contact: SU-1, tags: [due:2027-06-30]}')}
    root = write_books(tmp_path / "books", {"books.toml": BOOKS, "accounts.yaml": ACCOUNTS,
                                            "contacts/erp/suppliers.yaml": SUPPLIERS, **van}, base=False)
    for period, on in (("2025-12", "2026-01-20"), ("2026-12", "2027-01-20")):
        done = run("close", period, "--books", str(root), "--on", on, "--by", "Zeynep Kaya <z@lokanta.example>",
                   "--allow-gap", "--allow-empty", "--accept-provisions")
        assert done.exit_code == 0, done.output
    book, _ = load_ledger(root, use_cache=False)

    def balance(account, end):
        led = book.ledger().filter((pl.col("account") == account) & (pl.col("date") <= end))
        return led["base"].sum()

    assert (balance("420.01", date(2025, 12, 31)), balance("320.01", date(2025, 12, 31))) == (-3_000_000, -3_000_000)
    assert (balance("420.01", date(2026, 12, 31)), balance("320.01", date(2026, 12, 31))) == (0, -6_000_000)
