"""A rate must be positive (issue 15, item 7): `rate: "0"` booked EUR 5,000 at no base value. Every
place a rate is written (a journal posting in YAML or CSV, the rates table, a document) refuses 0,
a negative rate and 0 written with decimals, and says why."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.test_documents import erp_books

NOT_RATES = ["0", "-1", "0.000", "00.0", "0.0000000"]


def journal_yaml(rate: str) -> dict[str, str]:
    return {"journals/2025/2025-03.yaml": f"""\
- id: JE-1
  date: 2025-03-04
  memo: Olive oil from Kalamata, paid in EUR
  postings:
    - {{account: "153", debit: "5000.00", currency: EUR, rate: "{rate}"}}
    - account: "102.02"
      credit: "5000.00"
      currency: EUR
      rate: "{rate}"
"""}


def journal_csv(rate: str) -> dict[str, str]:
    return {"journals/imports/2025-03-bank.csv": "entry_id,date,memo,account,debit,credit,currency,rate\n"
            f"BK-1,2025-03-04,Olive oil,153,5000.00,,EUR,{rate}\n"
            f"BK-1,2025-03-04,Olive oil,102.02,,5000.00,EUR,{rate}\n"}


def rates_table(rate: str) -> dict[str, str]:
    return {"rates/2025.csv": f"date,currency,rate\n2025-03-01,EUR,{rate}\n",
            "journals/2025/2025-03.yaml": """\
- id: JE-1
  date: 2025-03-04
  memo: Olive oil from Kalamata, at the day's rate
  postings:
    - {account: "153", debit: "5000.00", currency: EUR}
    - {account: "102.02", credit: "5000.00", currency: EUR}
"""}


WHERE = {"journal yaml": (journal_yaml, "journals/2025/2025-03.yaml"),
         "journal csv": (journal_csv, "journals/imports/2025-03-bank.csv"),
         "rates table": (rates_table, "rates/2025.csv")}


def rate_problems(problems, path):
    return [p for p in problems if p.path == path and "`rate`" in p.message]


@pytest.mark.parametrize("rate", NOT_RATES)
@pytest.mark.parametrize("where", sorted(WHERE))
def test_rate__zero_or_negative_is_refused_with_a_reason(books, books_dir, where, rate):
    files, path = WHERE[where]
    _, problems = books(files(rate))
    hits = rate_problems(problems, path)
    assert hits, [(p.code, p.path, p.message) for p in problems]
    assert all(p.code == "E012" and p.found == rate and "positive" in p.hint for p in hits)
    run = CliRunner().invoke(app, ["validate", "--books", str(books_dir(files(rate)))])
    assert run.exit_code == 1 and "rate" in run.output


@pytest.mark.parametrize("rate", ["37.1250", "0.000001", "1", "0.5"])
@pytest.mark.parametrize("where", sorted(WHERE))
def test_rate__a_positive_rate_is_fine(books, where, rate):
    files, path = WHERE[where]
    _, problems = books(files(rate))
    assert rate_problems(problems, path) == []


@pytest.mark.parametrize("rate", NOT_RATES)
def test_rate__a_document_with_a_zero_rate_is_refused(books, rate):
    _, problems = erp_books(books, f"""
- id: INV-0003
  kind: invoice
  date: 2025-03-03
  party: CU-0051
  currency: EUR
  rate: "{rate}"
  lines:
    - {{account: "600.01", description: Boat tour dinner, quantity: "1", price: "5000.00", vat_rate: "0"}}
""")
    hits = rate_problems(problems, "orders/2025/2025-03.yaml")
    assert hits and all(p.code == "E012" and "positive" in p.hint for p in hits), \
        [(p.code, p.path, p.message) for p in problems]
