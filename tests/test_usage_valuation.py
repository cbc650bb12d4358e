"""The usage variance valued as the ledger booked it, with booked waste apart from unexplained loss."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.ledger.period import Span
from core.reports.usage import build_usage
from tests.test_recipes import _files

# Sea bass, FIFO: 3 kg at 500.00 on 1 March, 10 kg at 600.00 on 3 March. The tills sell 10 grilled
# sea bass (0.2 kg of fish each) on 2 and 4 March; 1 kg is thrown away on 5 March; the count on
# 6 March finds 7.5 kg where the books say 8 kg.
MOVES = """\
id,date,kind,item,location,quantity,unit_cost
MV-1,2025-03-01,receipt,FSH-LEVREK,KDK,3.000,500.0000
MV-2,2025-03-01,receipt,OIL-SIZMA,KDK,5.000,400.0000
MV-3,2025-03-01,receipt,PRD-LIMON,KDK,2.000,60.0000
MV-4,2025-03-03,receipt,FSH-LEVREK,KDK,10.000,600.0000
MV-5,2025-03-05,waste,FSH-LEVREK,KDK,1.000,
MV-6,2025-03-06,count,FSH-LEVREK,KDK,7.500,
"""
SALES = """\
date,location,kind,item,quantity,net,vat_rate,method,amount,memo
2025-03-02,KDK,sale,DSH-LEVREK,10,6500.00,10,,,
2025-03-02,KDK,tender,,,,,card,7150.00,
2025-03-04,KDK,sale,DSH-LEVREK,10,6500.00,10,,,
2025-03-04,KDK,tender,,,,,card,7150.00,
"""


def test_usage__variance_is_the_count_shortage_the_ledger_booked_and_waste_stands_apart(books):
    book, problems = books(_files(**{"stock/moves/2025/2025-03.csv": MOVES, "sales/2025/2025-03.csv": SALES}))
    assert problems == []
    table = build_usage(book, Span(date(2025, 3, 1), date(2025, 4, 1)), item="FSH")
    row = dict(zip([c.key for c in table.columns], table.rows[0]))
    # 2 March: 2 kg from the 500.00 layer = 1,000.00; 4 March: 1 kg at 500.00 + 1 kg at 600.00 = 1,100.00
    # waste 1 kg at 600.00 = 600.00; count shortage 8 - 7.5 = 0.5 kg at 600.00 = 300.00
    assert (row["theoretical_qty"], row["actual_qty"], row["waste_qty"], row["variance_qty"]) == (
        Decimal("4.000"), Decimal("5.500"), Decimal("1.000"), Decimal("0.500"))
    assert (row["theoretical_value"], row["actual_value"], row["waste_value"], row["variance_value"]) == (
        Decimal("2100.00"), Decimal("3000.00"), Decimal("600.00"), Decimal("300.00"))
    # at the period average (3,000.00 / 5.5 kg = 545.45) the variance would read 818.18, waste included
    assert row["variance_pct"] == Decimal("14.29")                       # 300.00 / 2,100.00
