"""An empty month does not close and seal without a word (issue 16, item 6).

January has its rent paid from the bank and a day of sales on a Z-report; February's bank statement
and Z-reports were never imported. Closing February would seal the gap: kebir says so (W010) and
closes it only with --allow-empty, which the close record then says.
"""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from cli.main import app

JANUARY = """\
- id: JE-2025-01-0001
  date: 2025-01-31
  memo: Ocak kirası
  postings:
    - {account: "770.01", debit: "85000.00"}
    - {account: "102.01", credit: "85000.00"}
- id: JE-2025-01-0002
  date: 2025-01-31
  memo: Nakit satışlar
  postings:
    - {account: "100.01", debit: "85000.00"}
    - {account: "600.01", credit: "85000.00"}
"""


def close(root, period, *extra):
    return CliRunner().invoke(app, ["close", period, "--books", str(root), "--on", "2025-03-05", "--by", "Zeynep",
                                    *extra])


def test_close__an_empty_month_after_a_busy_one_needs_allow_empty(books_dir):
    root = books_dir({"journals/2025/2025-01.yaml": JANUARY})
    assert close(root, "2025-01").exit_code == 0
    refused = close(root, "2025-02")
    assert refused.exit_code == 1
    assert "W010 2025-02 has no documents, no sales and no bank lines; 2025-01 had" in refused.stderr
    assert "--allow-empty" in refused.stderr
    assert not (root / "closes/2025-02.yaml").exists()

    allowed = close(root, "2025-02", "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    record = yaml.safe_load((root / "closes/2025-02.yaml").read_text(encoding="utf-8"))
    assert [c["result"] for c in record["checklist"] if c["check"] == "period-not-empty"] == ["skip"]
    # March follows an empty February: nothing to compare with, nothing to say.
    assert close(root, "2025-03").exit_code == 0


def test_close__help_documents_allow_empty():
    text = CliRunner().invoke(app, ["close", "--help"]).output
    assert "--allow-empty" in text and "no bank lines" in text
