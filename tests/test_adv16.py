"""What the adversarial pass over issue 16 found (F8-F10), each held here with books typed inline."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import app
from tests.conftest import BOOKS_TOML, write_books

RUN = CliRunner()
RENT = """\
- id: JE-2025-03-0001
  date: 2025-03-04
  memo: Mart kirası
  postings: [{account: "770.01", debit: "5000.00"}, {account: "100.01", credit: "5000.00"}]
"""


def test_a_turkish_trial_balance_in_csv__keeps_the_english_total_row(tmp_path):
    """Rent 5,000.00 paid in cash: 770.01 debit 5,000.00, 100.01 credit 5,000.00; totals 5,000.00 each
    side, balance 0.00. The csv row says `Total` (csv keeps English ids); the page says `Toplam`."""
    toml = BOOKS_TOML if 'language = "tr"' in BOOKS_TOML else \
        BOOKS_TOML.replace("[company]", '[company]\nlanguage = "tr"', 1)
    root = write_books(tmp_path, {"books.toml": toml, "journals/2025/2025-03.yaml": RENT})
    done = RUN.invoke(app, ["report", "trial-balance", "--books", str(root), "-p", "2025-03", "--format", "csv"])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().splitlines()[-1] == "Total,,5000.00,5000.00,0.00"
    page = RUN.invoke(app, ["report", "trial-balance", "--books", str(root), "-p", "2025-03"])
    assert "Toplam" in page.stdout and "Total" not in page.stdout


OPENING = """\
- id: JE-2025-01-0001
  date: 2025-01-01
  memo: Açılış kaydı 2025
  tags: [opening]
  postings:
    - {account: "102.01", debit: "100000.00"}
    - {account: "500.01", credit: "80000.00"}
    - {account: "570.01", credit: "20000.00"}
"""


def test_books_that_start_with_an_opening_entry__print_it_as_the_opening_entry_of_their_year(tmp_path):
    """No year before 2025 in the books; the opening entry: bank 100,000.00 debit, capital 80,000.00 and
    retained earnings 20,000.00 credit (80,000 + 20,000 = 100,000). The opening entry of 2025 is that
    entry, totals 100,000.00 each side, not an empty page."""
    accounts = "".join(f'- {{code: "{c}", name: "{n}", type: {t}}}\n' for c, n, t in (
        ("102.01", "Banka", "bank"), ("500.01", "Sermaye", "equity"), ("570.01", "Geçmiş yıllar kârları", "equity")))
    root = write_books(tmp_path, {"books.toml": BOOKS_TOML, "accounts.yaml": accounts,
                                  "journals/2025/2025-01.yaml": OPENING}, base=False)
    done = RUN.invoke(app, ["report", "opening-entry", "--books", str(root), "-p", "2025", "--format", "csv"])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().splitlines() == [
        "entry,date,account,name,debit,credit", "opening,2025-01-01,102.01,Banka,100000.00,",
        "opening,2025-01-01,500.01,Sermaye,,80000.00", "opening,2025-01-01,570.01,Geçmiş yıllar kârları,,20000.00",
        ",,,,100000.00,100000.00"]
