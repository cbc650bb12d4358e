"""Loading: scalars keep their written form, the cache is invisible, stock order follows the rules."""

from __future__ import annotations

import json

import jsonschema
import polars as pl
import pytest
import yaml

from core.books import cache, load, schema
from core.books.cache import CACHE_DIR, PARSE_VERSION, RACY_NS, STAT_INDEX, file_digests
from core.books.discover import discover
from core.books.parse import parse_orders_yaml
from core.erp.load import load_ledger
from core.books.yamlnodes import parse
from tests.conftest import check, write_books
from tests.test_documents import ACCOUNTS, ROLES


def test_yaml_traps__stay_as_written():
    tree, problems = parse("- a: 12.50\n  b: no\n  c: 012\n  d: 1e3\n  e: ~\n  f: 2025-03-04\n  g:\n", "x.yaml")
    assert problems == []
    assert dict(tree[0]) == {"a": "12.50", "b": "no", "c": "012", "d": "1e3", "e": "~", "f": "2025-03-04", "g": None}


def test_record_lines__point_at_the_record_and_field():
    tree, _ = parse("- id: A\n  memo: x\n- id: B\n  postings:\n    - {account: \"1\"}\n", "x.yaml")
    assert [r.line for r in tree] == [1, 3]
    assert tree[0].lines["memo"] == 2 and tree[1]["postings"][0].line == 5


def test_csv_lines__follow_quoted_cells_over_several_lines(books):
    book, problems = books({"journals/imports/b.csv": (
        'entry_id,date,memo,account,debit,credit\n'
        'B1,2025-03-01,"two\nlines",100.01,10.00,\n'
        'B1,2025-03-01,,600.01,,10.00\n'
        'B2,2025-03-01,,100.01,10.001,\n'
        'B2,2025-03-01,,600.01,,10.00\n')})
    assert [(p.code, p.line) for p in problems] == [("E041", 5)]
    assert book.postings.filter(pl.col("entry_id") == "B1")["line"].to_list() == [2, 4]


J = """
- id: JE-1
  date: 2025-03-04
  postings:
    - {account: "770.01", debit: "100.00"}
    - {account: "320.01", credit: "100.00", contact: CU-0001}
"""


def test_cache__warm_load_equals_cold_and_misses_on_change(tmp_path):
    root = write_books(tmp_path / "b", {"journals/2025/2025-03.yaml": J, "journals/imports/x.csv":
                                        "entry_id,date,account,debit,credit\nB1,2025-03-01,100.01,5.00,\n"
                                        "B1,2025-03-01,600.01,,5.00\n"})
    cold, p1 = load.load_book(root, use_cache=True)
    assert any((root / ".kebir" / "cache").iterdir())
    warm, p2 = load.load_book(root, use_cache=True)
    assert warm.postings.equals(cold.postings) and warm.entries.equals(cold.entries) and p1 == p2
    (root / "journals/2025/2025-03.yaml").write_text(J.replace('"100.00"', '"100.01"', 1))
    changed, p3 = check(root, use_cache=True)
    assert [p.code for p in p3] == ["E040"]


def test_digests__reused_while_the_stat_signature_holds_and_rehashed_on_any_write(tmp_path):
    import hashlib
    import time

    from core.books import cachekey

    def signed(index: dict) -> dict:       # as this user's kebir signs the index (an unsigned one is ignored)
        return {**index, "mac": cachekey.mac(f"stat v{PARSE_VERSION}",
                                             json.dumps([index["written_ns"], index["files"]], sort_keys=True))}

    root = write_books(tmp_path / "b", {"journals/2025/2025-03.yaml": J})
    rel = "journals/2025/2025-03.yaml"
    real = hashlib.sha256((root / rel).read_bytes()).hexdigest()
    assert file_digests(root, [rel]) == {rel: real}
    index_path = root / CACHE_DIR / STAT_INDEX
    index = json.loads(index_path.read_text())
    # The file was written just now: within the racy window of the index it is hashed again.
    index["files"][rel][4] = "0" * 64
    index_path.write_text(json.dumps(signed(index)))
    assert file_digests(root, [rel]) == {rel: real}
    # An index written well after the file's last change is trusted: the stored digest is used.
    index = json.loads(index_path.read_text())
    index["files"][rel][4], index["written_ns"] = "f" * 64, time.time_ns() + 10 * RACY_NS
    index_path.write_text(json.dumps(signed(index)))
    assert file_digests(root, [rel]) == {rel: "f" * 64}
    assert file_digests(root, [rel], use_cache=False) == {rel: real}    # --no-cache hashes
    # A write of the same size changes ctime, which no tool sets back: hashed again.
    time.sleep(0.05)
    same_size = J.replace("JE-1", "JE-2")
    (root / rel).write_text(same_size)
    assert file_digests(root, [rel]) == {rel: hashlib.sha256(same_size.encode()).hexdigest()}


def test_rates__taken_from_the_latest_day_on_or_before(books):
    book, problems = books({
        "rates/2025.csv": "date,currency,rate\n2025-03-01,EUR,37.0000\n2025-03-05,EUR,38.0000\n",
        "journals/2025/2025-03.yaml": """
            - id: JE-1
              date: 2025-03-04
              postings:
                - {account: "102.02", debit: "10.00", currency: EUR}
                - {account: "320.01", credit: "370.00"}
        """})
    assert problems == []
    posting = book.entry("JE-1").postings[0]
    assert (posting.rate, str(posting.base)) == ("37.0000", "370.00")


def test_rates__explicit_rate_rounds_half_up(books):
    book, problems = books({"journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-04
          postings:
            - {account: "102.02", debit: "0.03", currency: EUR, rate: "37.1250"}
            - {account: "320.01", credit: "1.11"}
    """})
    # 0.03 x 37.1250 = 1.11375 -> 1.11 (half-up at the kuruş)
    assert problems == []


MOVES = "id,date,time,kind,item,location,to_location,quantity,unit_cost\n"


@pytest.mark.parametrize("rows, negative", [
    # receipt and issue on the same day, issue written first: receipts come first, so no problem
    (["M2,2025-03-01,,issue,FSH-LEVREK,KDK,,4.000,", "M1,2025-03-01,,receipt,FSH-LEVREK,KDK,,5.000,300"], False),
    # times given: the issue at 07:00 happens before the 08:00 receipt
    (["M1,2025-03-01,08:00,receipt,FSH-LEVREK,KDK,,5.000,300", "M2,2025-03-01,07:00,issue,FSH-LEVREK,KDK,,4.000,"],
     True),
    # a transfer carries stock to the other restaurant, which can then issue it
    (["M1,2025-03-01,,receipt,FSH-LEVREK,KDK,,5.000,300", "M2,2025-03-01,,transfer,FSH-LEVREK,KDK,BSK,2.000,",
      "M3,2025-03-01,,issue,FSH-LEVREK,BSK,,2.000,"], False),
    # ...but not more than it received
    (["M1,2025-03-01,,receipt,FSH-LEVREK,KDK,,5.000,300", "M2,2025-03-01,,transfer,FSH-LEVREK,KDK,BSK,2.000,",
      "M3,2025-03-02,,issue,FSH-LEVREK,BSK,,2.500,"], True),
    # a count sets the level: 5 in, counted 1, then issuing 2 goes negative
    (["M1,2025-03-01,,receipt,FSH-LEVREK,KDK,,5.000,300", "M2,2025-03-02,,count,FSH-LEVREK,KDK,,1.000,",
      "M3,2025-03-03,,issue,FSH-LEVREK,KDK,,2.000,"], True),
    # waste counts as stock out
    (["M1,2025-03-01,,receipt,FSH-LEVREK,KDK,,1.000,300", "M2,2025-03-01,,waste,FSH-LEVREK,KDK,,1.001,"], True),
])
def test_stock__never_negative_in_the_documented_order(books, rows, negative):
    _, problems = books({"stock/moves/2025/2025-03.csv": MOVES + "\n".join(rows) + "\n"})
    assert [p.code for p in problems] == (["E050"] if negative else [])


def test_schemas__are_valid_json_schema_2020_12():
    for path in sorted(schema.SCHEMA_DIR.glob("*.schema.json")):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_schemas__reference_validator_agrees_on_the_demo_books(demo_ro):
    """Every YAML record file of the demo passes the reference validator, as it passes kebir's."""
    for rel, fk in discover(demo_ro):
        if fk.fmt != "yaml":
            continue
        data = yaml.load((demo_ro / rel).read_text(encoding="utf-8"), Loader=yaml.CBaseLoader)  # strings only
        validator = jsonschema.Draft202012Validator(schema.load_schema(fk.kind))
        errors = [e.message for e in validator.iter_errors(data)][:3]
        assert errors == [], rel


def test_schemas__reference_validator_rejects_what_kebir_rejects(books):
    bad = [{"id": "JE-1", "date": "2025-3-4", "postings": [{"account": "100.01", "debit": "1,00"}]}]
    assert list(jsonschema.Draft202012Validator(schema.load_schema("journal")).iter_errors(bad))
    _, problems = books({"journals/2025/2025-03.yaml": yaml.safe_dump(bad)})
    assert {"E012"} <= {p.code for p in problems}


ORDERS = """
- id: INV-1
  kind: invoice
  date: 2025-03-04
  party: CU-0001
  memo: "Düğün yemeği"
  tags: [event, vip]
  lines:
    - {account: "600.01", quantity: "2", price: "100.00", vat_rate: "10", description: dinner}
    - {account: "600.01", quantity: "1.5", price: "10.0001", vat_rate: "20", discount: "1.00"}
- id: PAY-1
  kind: payment
  date: 2025-03-05
  party: CU-0001
  amount: "50.00"
  allocations:
    - {invoice: INV-1, amount: "50.00"}
"""

# Clean files the fast path reads, then files that each break it in their own way: the general path
# must read (and report) those as before.
CLEAN = {"plain": ORDERS, "comment": ORDERS.replace("  kind: invoice", "  kind: invoice   # a note"),
         "empty list": "[]\n"}
UNUSUAL = {
    "empty value": ORDERS.replace('  memo: "Düğün yemeği"', "  memo:"),
    "unknown field": ORDERS.replace("  memo:", "  note:"),
    "duplicate field": ORDERS.replace("  kind: payment", "  kind: payment\n  kind: payment"),
    "missing field": ORDERS.replace("  party: CU-0001\n  amount", "  amount"),
    "bad pattern": ORDERS.replace('"50.00"\n  allocations', '"50,00"\n  allocations'),
    "bad date": ORDERS.replace("2025-03-05", "2025-02-30"),
    "bad enum": ORDERS.replace("kind: payment", "kind: paymnet"),
    "tag with spaces": ORDERS.replace("vip]", "v i p]"),
    "empty lines": ORDERS.replace("  lines:\n", "  lines: []\n  x:\n"),
    "anchor": ORDERS.replace("party: CU-0001\n  memo", "party: &p CU-0001\n  memo"),
    "scalar lines": ORDERS.replace("  lines:\n", "  lines: two\n  extra:\n"),
    "nested unknown": ORDERS.replace("description: dinner", "descr: dinner"),
    "line without price": ORDERS.replace(', price: "100.00"', ""),
    "not a list": "id: INV-1\nkind: invoice\n",
    "syntax": ORDERS.replace("kind: invoice", "kind: [invoice"),
}


@pytest.mark.parametrize("case", [*CLEAN, *UNUSUAL])
def test_orders_fast_path__reads_exactly_what_the_general_path_reads(tmp_path, monkeypatch, case):
    text = CLEAN.get(case) or UNUSUAL[case]
    assert bool(parse_orders_yaml(text.encode(), "").frames) == (case in CLEAN or "bad" in case)
    root = write_books(tmp_path / "b", {"books.toml": ROLES, "accounts.yaml": ACCOUNTS,
                                        "orders/2025/2025-03.yaml": text,
                                        "orders/2025/2025-04.yaml":
                                            ORDERS.replace("INV-1", "INV-2").replace("PAY-1", "PAY-2")})
    fast, fast_problems = check(root, use_cache=True)
    warm, warm_problems = check(root, use_cache=True)
    monkeypatch.setattr(load, "fast_documents", lambda raws: {})
    general, general_problems = check(root)
    assert fast.documents == warm.documents == general.documents
    assert [d.source for d in fast.documents] == [d.source for d in general.documents]
    assert [ln.source for d in fast.documents for ln in d.lines] == [ln.source for d in general.documents
                                                                    for ln in d.lines]
    assert fast_problems == warm_problems == general_problems
    assert (case in CLEAN) == (fast_problems == [])
    assert fast.derived_postings.equals(general.derived_postings)


def test_parallel_parse__reads_what_one_process_reads(tmp_path, monkeypatch):
    files = {"books.toml": ROLES, "accounts.yaml": ACCOUNTS, "journals/2025/2025-03.yaml": J,
             "journals/2025/2025-04.yaml": J.replace("JE-1", "JE-2"),
             "orders/2025/2025-05.yaml": UNUSUAL["empty value"]}
    files.update({f"orders/2025/2025-0{m}.yaml": ORDERS.replace("INV-1", f"INV-{m}").replace("PAY-1", f"PAY-{m}")
                  for m in (3, 4)})
    one = write_books(tmp_path / "one", files)
    two = write_books(tmp_path / "two", files)
    monkeypatch.setattr(cache, "PARALLEL_BYTES", 0)      # every cold YAML file goes to the workers
    serial, p1 = load_ledger(one, use_cache=True, jobs=1)
    parallel, p2 = load_ledger(two, use_cache=True, jobs=2)
    assert parallel.documents == serial.documents and p1 == p2 and p1
    assert parallel.postings.equals(serial.postings) and parallel.derived_postings.equals(serial.derived_postings)
