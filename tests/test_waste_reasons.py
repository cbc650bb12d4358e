"""Waste by reason (stock/reasons.yaml), by item and by location, valued as the stock ledger booked it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from core.ledger.period import Span
from core.reports.waste import build_waste
from tests.conftest import ACCOUNTS, BOOKS_TOML, ITEMS, LOCATIONS

REASONS = """\
- {id: spoiled, name: Bozulma}
- {id: dropped, name: Düşürme}
- {id: returned, name: Misafir iadesi}
- {id: staff-meal, name: Personel yemeği}
- {id: over-production, name: Fazla üretim}
"""
# sea bass, FIFO: Kadıköy receives 10 kg at 400.00 and 5 kg at 460.00, Beşiktaş 2 kg at 500.00
MOVES = """\
id,date,kind,item,location,quantity,unit_cost,reason
MV-1,2025-03-01,receipt,FSH-LEVREK,KDK,10.000,400.0000,
MV-2,2025-03-02,receipt,FSH-LEVREK,KDK,5.000,460.0000,
MV-3,2025-03-03,waste,FSH-LEVREK,KDK,2.000,,spoiled
MV-4,2025-03-04,waste,FSH-LEVREK,KDK,9.000,,dropped
MV-5,2025-03-05,waste,FSH-LEVREK,KDK,0.500,,staff-meal
MV-6,2025-03-01,receipt,FSH-LEVREK,BSK,2.000,500.0000,
MV-7,2025-03-06,waste,FSH-LEVREK,BSK,1.250,,spoiled
MV-8,2025-04-01,waste,FSH-LEVREK,KDK,0.500,,spoiled
"""
MARCH = Span(date(2025, 3, 1), date(2025, 4, 1))


def _books(books, moves: str = MOVES, reasons: str | None = REASONS):
    files = {"books.toml": BOOKS_TOML + 'waste = "621"\n', "accounts.yaml": ACCOUNTS, "stock/items.yaml": ITEMS,
             "stock/locations.yaml": LOCATIONS, "stock/moves/2025/2025-03.csv": moves}
    if reasons is not None:
        files["stock/reasons.yaml"] = reasons
    return books(files)


def test_waste_by_reason__fifo_values_as_booked(books):
    book, problems = _books(books)
    assert problems == []
    t = build_waste(book, MARCH, "reason")
    # spoiled: MV-3 2 kg of the 400.00 layer = 800.00, MV-7 1.25 kg at Beşiktaş x 500.00 = 625.00: 1,425.00
    # dropped: MV-4 9 kg = the 8 kg left at 400.00 (3,200.00) + 1 kg at 460.00 = 3,660.00
    # staff meal: MV-5 0.5 kg x 460.00 = 230.00; total 5,315.00 (MV-8 is April's)
    # shares: 3,660 / 5,315 = 68.86%, 1,425 / 5,315 = 26.81%, 230 / 5,315 = 4.33%
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in t.rows] == [
        ("dropped", "Düşürme", 1, Decimal("3660.00"), Decimal("68.9")),
        ("spoiled", "Bozulma", 2, Decimal("1425.00"), Decimal("26.8")),
        ("staff-meal", "Personel yemeği", 1, Decimal("230.00"), Decimal("4.3")),
    ]
    assert t.totals[2] == 4 and t.totals[5] == Decimal("5315.00")
    # the same 5,315.00 is what the waste account (621) was debited in March: the report reads the ledger
    led = book.ledger().filter((pl.col("account") == "621") & (pl.col("date") < date(2025, 4, 1)))
    assert led["base"].sum() == 531500


def test_waste_by_item_and_by_location(books):
    book, _ = _books(books)
    by_item = build_waste(book, MARCH, "item")
    # 2 + 9 + 0.5 + 1.25 = 12.75 kg, 5,315.00
    assert [(r[0], r[3], r[4], r[5]) for r in by_item.rows] == [
        ("FSH-LEVREK", Decimal("12.750"), "kg", Decimal("5315.00"))]
    by_loc = build_waste(book, MARCH, "location")
    # Kadıköy 800.00 + 3,660.00 + 230.00 = 4,690.00; Beşiktaş 625.00
    assert [(r[0], r[2], r[5]) for r in by_loc.rows] == [("KDK", 3, Decimal("4690.00")), ("BSK", 1, Decimal("625.00"))]
    only_bsk = build_waste(book, MARCH, "reason", location="BSK")
    assert [(r[0], r[5]) for r in only_bsk.rows] == [("spoiled", Decimal("625.00"))]


def test_unknown_reason__e241_at_the_moves_line(books):
    moves = MOVES.replace("MV-4,2025-03-04,waste,FSH-LEVREK,KDK,9.000,,dropped",
                          "MV-4,2025-03-04,waste,FSH-LEVREK,KDK,9.000,,droped")
    _, problems = _books(books, moves)
    assert [(p.code, p.path, p.line, p.record, p.found) for p in problems] == [
        ("E241", "stock/moves/2025/2025-03.csv", 5, "MV-4", "droped")]


def test_waste_without_reason__w040_while_the_books_keep_a_list(books):
    moves = MOVES.replace(",,staff-meal", ",,")
    book, problems = _books(books, moves)
    assert [(p.code, p.line, p.record) for p in problems] == [("W040", 6, "MV-5")]
    t = build_waste(book, MARCH, "reason")           # still booked, and reported apart
    assert ("(no reason)", Decimal("230.00")) in [(r[0], r[5]) for r in t.rows]


def test_no_reasons_file__no_reason_asked_for_but_one_given_is_unknown(books):
    plain = "\n".join(ln.rsplit(",", 1)[0] for ln in MOVES.splitlines()) + "\n"    # the reason column dropped
    _, problems = _books(books, plain, reasons=None)
    assert problems == []
    _, problems = _books(books, MOVES, reasons=None)
    # MV-3, MV-4, MV-5, MV-7, MV-8 name reasons that no list defines
    assert [(p.code, p.record) for p in problems] == [("E241", f"MV-{n}") for n in (3, 4, 5, 7, 8)]
