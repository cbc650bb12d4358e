"""Hypothesis: consuming ingredients through recipes never creates or loses value.

Value out of raw stock equals value into finished stock (production runs) or COGS (sales), to
the kuruş, whatever the quantities, trim losses, batch sizes and receipt prices.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import check, write_books
from tests.test_recipes import ACCOUNTS_PLUS, TOML

_count = itertools.count()

quantity = st.integers(min_value=1, max_value=5000)           # thousandths per batch
waste = st.integers(min_value=0, max_value=60)                # percent
price = st.integers(min_value=1, max_value=9_999_999)         # unit cost in 10^-4
made = st.integers(min_value=1, max_value=40)                 # units made or sold


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(quantity, waste, price), min_size=1, max_size=4),
       batch=st.integers(min_value=1, max_value=7), runs=st.lists(made, min_size=1, max_size=3),
       sold=st.lists(made, min_size=1, max_size=3), average=st.booleans())
def test_recipes__consumption_moves_value_exactly(tmp_path: Path, lines, batch, runs, sold, average):
    valuation = "average" if average else "fifo"
    items = ["- {id: SOS, name: Sauce, unit: l, valuation: average, type: stock}",
             "- {id: DSH, name: Dish, unit: portion, valuation: average, type: produced}"]
    ingredients, receipts = [], []
    for n, (q, w, p) in enumerate(lines):
        items.append(f"- {{id: RAW-{n}, name: Raw {n}, unit: kg, valuation: {valuation}}}")
        ingredients.append(f'    - {{item: RAW-{n}, quantity: "{q / 1000:.3f}", waste: "{w}"}}')
        receipts.append(f"MV-{n},2025-03-01,receipt,RAW-{n},KDK,9999.000,{p / 10000:.4f}")
        receipts.append(f"MV-{n}b,2025-03-02,receipt,RAW-{n},KDK,1.500,{(p + 7) / 10000:.4f}")
    receipts.append("MV-S,2025-03-01,receipt,SOS,KDK,30.000,1.0000")   # what runs do not make, sales take from here
    recipes = (f'- item: SOS\n  quantity: "{batch}"\n  ingredients:\n' + "\n".join(ingredients) + "\n"
               "- item: DSH\n  ingredients:\n" + "\n".join(ingredients[:1]) + '\n    - {item: SOS, quantity: "0.25"}\n')
    prod = "".join(f'- {{id: PR-{i}, date: 2025-03-0{2 + i}, time: "10:00", location: KDK, item: SOS, '
                   f'quantity: "{r}"}}\n' for i, r in enumerate(runs))
    sales = "date,location,kind,item,quantity,net,vat_rate,method,amount,memo\n" + "".join(
        f"2025-03-1{i},KDK,sale,DSH,{s},1000.00,10,,,\n2025-03-1{i},KDK,tender,,,,,card,1100.00,\n"
        for i, s in enumerate(sold))
    root = write_books(tmp_path / f"b{next(_count)}", {
        "books.toml": TOML, "accounts.yaml": ACCOUNTS_PLUS, "stock/items.yaml": "\n".join(items) + "\n",
        "stock/recipes.yaml": recipes, "stock/production/2025/2025-03.yaml": prod,
        "stock/moves/2025/2025-03.csv": "id,date,kind,item,location,quantity,unit_cost\n" + "\n".join(receipts) + "\n",
        "sales/2025/2025-03.csv": sales})
    book, problems = check(root)
    assert problems == []
    rows = book.stock_ledger.rows
    run_ids = [f"PR-{i}" for i in range(len(runs))]
    out_of_raw = -rows.filter(pl.col("document").is_in(run_ids) & (pl.col("kind") == "issue"))["value"].sum()
    into_finished = rows.filter(pl.col("move_id").is_in(run_ids) & (pl.col("kind") == "receipt"))["value"].sum()
    assert out_of_raw == into_finished
    sold_out = -rows.filter(pl.col("document").str.starts_with("Z-") & (pl.col("kind") == "issue"))["value"].sum()
    ledger = book.ledger()
    cogs = ledger.filter((pl.col("account") == "621"))["base"].sum()
    assert sold_out == cogs
    # the inventory account holds exactly what the stock ledger holds (with WIP netting to zero)
    on_hand = rows.group_by("item", "location").agg(pl.col("value_after").last())["value_after"].sum()
    assert ledger.filter(pl.col("account") == "153")["base"].sum() == on_hand
