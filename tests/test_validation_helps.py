"""Validation that helps: an impossible date says why, a header typo is named as a typo and does not
cascade, tax numbers and IBANs are checked by their check digits (public examples, not the demo's).

Written as a new accountant types them: a rent entry dated 30 February with the expense account
mistyped, a bank CSV whose header says `acount`, a fish receipt file whose header says `quantiy`.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.books import tax_numbers
from core.books.calendar_dates import impossible_date

RENT = """\
- id: JE-2025-02-0001
  date: {date}
  memo: Kadıköy rent, February
  postings:
    - {{account: "770.10", debit: "85000.00"}}
    - {{account: "320.01", credit: "85000.00", contact: SU-0001}}
"""


@pytest.mark.parametrize("day, reason", [
    ("2025-02-30", "February 2025 has 28 days"),
    ("2025-02-29", "February 2025 has 28 days (2025 is not a leap year)"),
    ("2100-02-29", "February 2100 has 28 days (2100 is not a leap year)"),    # a century, not a leap year
    ("2025-04-31", "April 2025 has 30 days"),
    ("2025-13-01", "there is no month 13: months run from 01 to 12"),
    ("2025-06-00", "days start at 01"),
])
def test_impossible_date__says_why_and_the_entrys_other_problems_come_in_the_same_run(books, day, reason):
    book, problems = books({"journals/2025/2025-02.yaml": RENT.format(date=day)})
    codes = [(p.code, p.line) for p in problems]
    assert ("E160", 1) in codes
    date_problem = next(p for p in problems if p.code == "E160")
    assert date_problem.message == f"`date` {day} is not a calendar date: {reason}"
    assert "YYYY-MM-DD" not in date_problem.message + date_problem.hint
    # the unknown account of the same entry (770.10 is not in the chart) is reported too, at its line
    assert ("E030", 5) in codes
    assert "JE-2025-02-0001" in book.broken_entries         # and the entry stays out of every balance


@pytest.mark.parametrize("day", ["2024-02-29", "2000-02-29"])
def test_leap_days__are_dates(books, day):
    book, problems = books({"journals/2025/2025-02.yaml": RENT.format(date=day).replace("770.10", "770.01")})
    assert problems == []


def test_impossible_date__in_csv_journals_stock_moves_and_contacts(books):
    _, problems = books({
        "journals/imports/2025-02-bank.csv": "entry_id,date,memo,account,debit,credit\n"
                                             "BK-1,2025-02-29,Card settlement,102.01,100.00,\n"
                                             "BK-1,2025-02-29,Card settlement,100.01,,100.00\n",
        "stock/moves/2025/2025-04.csv": "id,date,kind,item,location,quantity,unit_cost\n"
                                        "MV-1,2025-04-31,receipt,FSH-LEVREK,KDK,12.500,410.0000\n",
        "contacts/erp/employees.yaml": "- {id: EM-0001, kind: person, name: Mehmet Demir, tax_id: \"17291716060\", "
                                       "hired: 2025-09-31}\n",
    })
    got = {(p.path, p.line, p.message) for p in problems if p.code == "E160"}
    assert got == {
        ("journals/imports/2025-02-bank.csv", 2,
         "`date` 2025-02-29 is not a calendar date: February 2025 has 28 days (2025 is not a leap year)"),
        ("stock/moves/2025/2025-04.csv", 2, "`date` 2025-04-31 is not a calendar date: April 2025 has 30 days"),
        ("contacts/erp/employees.yaml", 1, "`hired` 2025-09-31 is not a calendar date: September 2025 has 30 days"),
    }


def test_impossible_date__hint_names_the_last_day_and_a_swapped_day_and_month():
    assert impossible_date("2025-02-30")[1].startswith("the last day of February 2025 is 2025-02-28")
    assert "(2025-03-13)" in impossible_date("2025-13-03")[1]         # 13 March written day first
    assert impossible_date("2025-03-13") is None and impossible_date("13.03.2025") is None


BANK_CSV = """\
entry_id,date,memo,{account},debit,credit,currency,contact
BK-2025-03-0001,2025-03-01,Card settlement,102.01,41250.00,,TRY,
BK-2025-03-0001,2025-03-01,Card settlement,100.01,,41250.00,TRY,
"""
MARCH_RECEIPT = """\
id,date,kind,item,location,{quantity},unit_cost
MV-2025-03-0001,2025-03-03,receipt,FSH-LEVREK,KDK,12.500,410.0000
"""
APRIL_ISSUES = """\
id,date,kind,item,location,quantity,unit_cost
MV-2025-04-0001,2025-04-02,issue,FSH-LEVREK,KDK,4.000,
MV-2025-04-0002,2025-04-09,issue,FSH-LEVREK,KDK,3.500,
"""


def test_csv_header_typo__named_once_with_the_column_it_means(books):
    _, problems = books({"journals/imports/2025-03-bank.csv": BANK_CSV.format(account="acount")})
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("E161", 1, "column `acount` is not one kebir knows and `account` is missing: did you mean `account`?")]
    assert "rename `acount` to `account`" in problems[0].hint


def test_csv_header__an_unknown_optional_column_gets_the_closest_name(books):
    _, problems = books({"journals/imports/2025-03-bank.csv": BANK_CSV.format(account="account").replace(
        "contact\n", "contakt\n")})
    assert [(p.code, p.message) for p in problems] == [("E011", "unknown column contakt")]
    assert problems[0].hint.startswith("did you mean `contact` for `contakt`?")


def test_csv_header_typo_in_a_receipts_file__does_not_cascade_into_stock_below_zero(books):
    files = {"stock/moves/2025/2025-03.csv": MARCH_RECEIPT.format(quantity="quantiy"),
             "stock/moves/2025/2025-04.csv": APRIL_ISSUES}
    _, problems = books(files)
    assert [(p.path, p.code) for p in problems] == [("stock/moves/2025/2025-03.csv", "E161"),
                                                    ("stock/moves/2025/2025-03.csv", "W016")]
    assert problems[0].message == ("column `quantiy` is not one kebir knows and `quantity` is missing: "
                                   "did you mean `quantity`?")
    # with the header fixed, the same books are clean: 12.500 kg in, 7.500 kg out
    _, fixed = books({**files, "stock/moves/2025/2025-03.csv": MARCH_RECEIPT.format(quantity="quantity")})
    assert fixed == []


def test_unread_file__does_not_hide_stock_below_zero_before_its_month(books):
    """An issue in February without any receipt goes below zero whatever March's file holds: still reported."""
    _, problems = books({"stock/moves/2025/2025-03.csv": MARCH_RECEIPT.format(quantity="quantiy"),
                         "stock/moves/2025/2025-02.csv": APRIL_ISSUES.replace("2025-04", "2025-02")})
    assert ("stock/moves/2025/2025-02.csv", "E050") in [(p.path, p.code) for p in problems]
    assert "W016" not in [p.code for p in problems]


# Public examples, not numbers the demo generator made: VKN and TCKN from python-stdnum's documentation
# (GİB's and NVİ's checks), the TCKN 10000000146 used in Turkish e-Devlet test documentation, the
# IBANs from the SWIFT IBAN registry (TR, DE) and the ECBS example (GB).
VALID_VKN = ["4540536920"]
VALID_TCKN = ["17291716060", "10000000146"]
VALID_IBAN = ["TR33 0006 1005 1978 6457 8413 26", "DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32",
              "BE31435411161155", "GR16 0110 1050 0000 1054 7023 795"]


@pytest.mark.parametrize("number", VALID_VKN + VALID_TCKN)
def test_tax_numbers__public_valid_examples_pass(number):
    assert tax_numbers.tax_id_fault(number, None) is None and tax_numbers.tax_id_fault(number, "TR") is None


@pytest.mark.parametrize("number, why", [
    ("4540536921", "4540536921 fails the VKN check digit"),
    ("17291716050", "17291716050 fails the TCKN check digits"),
    ("07291716092", "07291716092 is not a TCKN: a TCKN does not start with 0"),
    ("454053692", "454053692 has the wrong form: 9 digits, where a VKN has 10 and a TCKN 11"),
    ("DE136695976", "DE136695976 is not a Turkish tax number: a VKN has 10 digits and a TCKN 11 (a foreign "
                    "party has a `country`)"),
])
def test_tax_numbers__mistyped_ones_say_what_is_wrong(number, why):
    assert tax_numbers.tax_id_fault(number, None) == why


def test_tax_numbers__a_foreign_partys_own_id_is_kept_as_written():
    assert tax_numbers.tax_id_fault("DE136695976", "DE") is None
    assert tax_numbers.tax_id_fault("EL094014201", "GR") is None
    assert tax_numbers.tax_id_fault("4540536921", "TR") == "4540536921 fails the VKN check digit"


@pytest.mark.parametrize("number", VALID_IBAN)
def test_iban__public_valid_examples_pass(number):
    assert tax_numbers.iban_fault(number) is None


@pytest.mark.parametrize("number", ["TR33 0006 1005 1978 6457 8413 27", "DE89 3704 0044 0532 0130 01",
                                    "GB82 WEST 1234 5698 7654 33", "TR33 0006 1005 1978 6457 8413"])
def test_iban__one_digit_wrong_or_short_fails(number):
    assert tax_numbers.iban_fault(number) is not None


SUPPLIERS = """\
- id: SU-0002
  kind: company
  name: Kalamata Olive Co.
  country: GR
  tax_id: EL094014201
  iban: GR16 0110 1050 0000 1054 7023 795
- id: SU-0003
  kind: company
  name: Ege Zeytin A.Ş.
  tax_id: "4540536920"
  iban: TR33 0006 1005 1978 6457 8413 26
- id: SU-0004
  kind: company
  name: Ege Zeytin Yanlış A.Ş.
  tax_id: "4540536921"
  iban: TR33 0006 1005 1978 6457 8413 27
"""
PEOPLE = """\
- {id: C-0001, kind: person, name: Ayşe Yılmaz, tax_id: "17291716050"}
- {id: C-0002, kind: person, name: Hans Müller, country: DE, tax_id: "12345678901"}
"""


def test_contacts__erp_errors_crm_warnings_and_foreign_parties_kept(books):
    _, problems = books({"contacts/erp/suppliers.yaml": SUPPLIERS, "contacts/crm/people.yaml": PEOPLE})
    got = [(p.code, p.record, p.line) for p in problems]
    assert got == [("W017", "C-0001", 1), ("E162", "SU-0004", 12), ("E163", "SU-0004", 12)]


def test_contacts_add__refuses_a_mistyped_vkn_and_takes_a_foreign_id_with_its_country(books_dir):
    root = books_dir({})
    run = CliRunner().invoke
    bad = run(app, ["contacts", "add", "Ege Zeytin A.Ş.", "--role", "supplier", "-F", "tax_id=4540536921",
                    "--books", str(root)])
    assert bad.exit_code == 1 and "E162" in bad.output
    good = run(app, ["contacts", "add", "Kalamata Olive Co.", "--role", "supplier", "-F", "country=GR",
                     "-F", "tax_id=EL094014201", "--books", str(root)])
    assert good.exit_code == 0, good.output
