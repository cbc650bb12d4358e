"""FX revaluation at month end, gross: each revalued item's gain to 646, each loss to 656 (TDHP),
never netted in 646."""

from __future__ import annotations

from core.books.yamlnodes import parse
from tests.test_close import MARCH, close, make

# A bank loan of 500.00 EUR taken at 37.0000 (18,500.00 TRY), still owed on 31 March.
LOAN = MARCH + """
- id: JE-2025-03-0005
  date: 2025-03-12
  memo: EUR loan at 37.0000
  postings:
    - {account: "102.01", debit: "18500.00"}
    - {account: "300.02", credit: "500.00", currency: EUR, rate: "37.0000"}
"""


def fx_entry(root) -> list[tuple[str, str, str, str | None]]:
    """(account, debit or credit, amount, base) of the March FX revaluation, as written."""
    tree, _ = parse((root / "journals/2025/2025-03.close.yaml").read_text(), "x")
    [entry] = [e for e in tree if e["memo"] == "FX revaluation 2025-03"]
    return [(p["account"], side, p[side], p.get("base")) for p in entry["postings"]
            for side in ("debit", "credit") if side in p]


def test_a_gain_on_the_bank_and_a_loss_on_the_loan__both_posted_gross(tmp_path):
    root = make(tmp_path, journal=LOAN)
    with (root / "accounts.yaml").open("a", encoding="utf-8") as f:
        f.write('- {code: "300.02", name: "Banka kredisi EUR", type: liability, currency: EUR}\n')
    result = close(root)
    assert result.exit_code == 0, result.output
    # bank: 1,000.00 EUR x (38 - 37) = 1,000.00 gain; loan: 500.00 EUR x (38 - 37) = 500.00 more owed, a loss.
    # Netted, 646 would show 500.00 and 656 nothing.
    assert fx_entry(root) == [("102.02", "debit", "0.00", "1000.00"), ("646.01", "credit", "1000.00", None),
                              ("300.02", "credit", "0.00", "500.00"), ("656.01", "debit", "500.00", None)]
