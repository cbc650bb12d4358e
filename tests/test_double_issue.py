"""A bottle sold on the till and also issued by hand is taken from stock twice (issue 16, item 7)."""

from __future__ import annotations

import yaml

from tests.conftest import REPO

CASE = yaml.safe_load((REPO / "tests/errors/W011.yaml").read_text(encoding="utf-8"))


def test_double_issue__names_the_hand_issue_and_the_z_report(books):
    book, problems = books(CASE["files"])
    hits = [p for p in problems if p.code == "W011"]
    assert [(p.path, p.line, p.record) for p in hits] == [("stock/moves/2025/2025-03.csv", 3, "MV-2")]
    assert "sales/2025/2025-03.csv:2" in hits[0].message and "12 BEV-BIRA" in hits[0].found


def test_double_issue__a_different_day_or_location_is_no_double(books):
    files = dict(CASE["files"])
    files["stock/moves/2025/2025-03.csv"] = files["stock/moves/2025/2025-03.csv"].replace(
        "MV-2,2025-03-01,23:30,issue,BEV-BIRA,KDK", "MV-2,2025-03-02,23:30,issue,BEV-BIRA,KDK")
    _, problems = books(files)
    assert not [p for p in problems if p.code == "W011"]
