"""Incremental dedup scans and the column-wise plan writer: new records blocked against cached
ones find the pairs a full comparison finds, the records cache is used and kept in step, and the
plan text is deterministic, equal to the scalar records, valid against its schema, and read
back by `read_previous` and `dedup apply`."""

from __future__ import annotations

import itertools
import json
import shutil
import sys
from pathlib import Path

import jsonschema
import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.crm import merge
from core.crm.dedup.block import candidate_pairs_frame
from core.crm.dedup.cache import ROWS_CACHE
from core.crm.dedup.cluster import Plan
from core.crm.dedup.normalise import normalise_frame
from core.crm.dedup.plan import (
    NOT_SURVIVOR_FIELDS, _flow, _flow_expr, _scalar, _scalar_expr, dump_plan, dump_seen, plan_records,
    read_previous, seen_path,
)
from core.crm.dedup.read import read_contacts
from core.crm.dedup.scan import scan_books, scan_frame

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import dedup_gen  # noqa: E402

SCHEMA = json.loads((REPO / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """600 generated records (households, namesakes, sister firms among them)."""
    out = tmp_path_factory.mktemp("gen")
    dedup_gen.write(600, out, seed=5)
    return out / "books"


def _records(path: Path) -> list[str]:
    return [p.rstrip("\n") for p in ("\n" + path.read_text(encoding="utf-8")).split("\n- id: ")[1:]]


def _hold_out(books: Path, dest: Path, every: int) -> dict[str, list[str]]:
    """Copy the books to dest without every n-th record of each contacts file; the records held."""
    shutil.copytree(books, dest, ignore=shutil.ignore_patterns(".kebir"))
    held: dict[str, list[str]] = {}
    for f in sorted((books / "contacts").rglob("*.yaml")):
        recs = _records(f)
        if not recs:
            continue
        rel = f.relative_to(books).as_posix()
        held[rel] = [r for i, r in enumerate(recs) if i % every == 3]
        (dest / rel).write_text("".join(f"- id: {r}\n" for i, r in enumerate(recs) if i % every != 3), encoding="utf-8")
    return held


def _append(dest: Path, held: dict[str, list[str]]) -> None:
    for rel, recs in held.items():
        with open(dest / rel, "a", encoding="utf-8") as f:
            f.write("".join(f"- id: {r}\n" for r in recs))


def _write(plan: Plan, path: Path) -> Path:
    path.write_text(dump_plan(plan), encoding="utf-8")
    seen_path(path).write_text(dump_seen(plan), encoding="utf-8")
    return path


def _pairs(clusters, ids: set[str]) -> set[frozenset[str]]:
    return {frozenset(p) for c in clusters for p in itertools.combinations(c.members, 2) if set(p) & ids}


# ---------------------------------------------------------------- blocking only the new records

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=0, max_value=599), min_size=1, max_size=30))
def test_candidate_pairs__fresh_records_against_the_rest_are_the_full_blocking_s_pairs_touching_them(
        generated, picks):
    frame, _ = read_contacts(generated)
    nf = normalise_frame(frame.sort("id")).with_row_index("idx")
    fresh = pl.Series("fresh", [i in set(picks) for i in range(nf.height)])
    full = candidate_pairs_frame(nf, {"crm", "erp"}, True)
    touching = full.filter(pl.col("a").is_in(fresh.arg_true().implode())
                           | pl.col("b").is_in(fresh.arg_true().implode()))
    assert candidate_pairs_frame(nf, {"crm", "erp"}, True, fresh).equals(touching)


def test_scan_books__new_records_against_cached_ones_give_the_pairs_of_a_full_comparison(generated, tmp_path):
    """A worked example: one record in 25 arrives after a first scan. The incremental scan
    parses and normalises only them (the rest come from the records cache), compares them with
    the rest, and proposes the same pairs touching them as comparing every record again with
    the same model and decisions."""
    books = tmp_path / "books"
    held = _hold_out(generated, books, 25)
    new_ids = {r.split("\n", 1)[0].strip() for recs in held.values() for r in recs}
    first = scan_books(books)
    path = _write(first, tmp_path / "plan.yaml")
    assert (books / ".kebir" / "cache" / (ROWS_CACHE + ".parquet")).is_file()
    _append(books, held)
    previous = read_previous(path)
    inc = scan_books(books, previous=previous)
    assert inc.fresh == len(new_ids)
    assert (books / ".kebir" / "cache" / (ROWS_CACHE + ".delta.parquet")).is_file()   # only the new rows
    # every record compared again, with the earlier model and decisions
    everything = read_previous(path)
    everything.seen = everything.seen.with_columns(pl.lit("changed").alias("hash"))
    full = scan_books(books, previous=everything)
    assert full.fresh == first.hashes.height + len(new_ids) - len(set(first.hashes["id"]) & new_ids)
    got, want = _pairs(inc.clusters, new_ids), _pairs(full.clusters, new_ids)
    assert got and got == want
    # and the same again without the cache, from the general reader's frame
    shutil.rmtree(books / ".kebir")
    frame, links = read_contacts(books)
    again = scan_frame(frame, previous=read_previous(path), links=links)
    assert [c.members for c in again.clusters] == [c.members for c in inc.clusters]


def test_scan_books__a_changed_record_is_parsed_again_and_compared(generated, tmp_path):
    books = tmp_path / "books"
    shutil.copytree(generated, books, ignore=shutil.ignore_patterns(".kebir"))
    path = _write(scan_books(books), tmp_path / "plan.yaml")
    people = books / "contacts" / "crm" / "people.yaml"
    recs = _records(people)
    cid = recs[0].split("\n", 1)[0].strip()
    recs[0] += "\n  city: Sinop"
    people.write_text("".join(f"- id: {r}\n" for r in recs), encoding="utf-8")
    inc = scan_books(books, previous=read_previous(path))
    assert inc.fresh == 1
    frame, _ = read_contacts(books)
    assert frame.filter(pl.col("id") == cid)["city"].item() == "Sinop"


def test_scan_books__the_records_cache_gives_what_parsing_gives(generated, tmp_path):
    books = tmp_path / "books"
    shutil.copytree(generated, books, ignore=shutil.ignore_patterns(".kebir"))
    cold = dump_plan(scan_books(books))
    warm = dump_plan(scan_books(books))
    assert cold == warm


# ---------------------------------------------------------------- the plan writer

ODD = ["Acme, Inc", "O'Brien & Sons", "yes", "Null", "12 Ocak", "a: b", "x #y", "\"quoted\"", "tab\there",
       "back\\slash", "bell\x07", "İpek Vural", "ends ", "- dash", "Café Müller", "{brace}", "[list]"]


@pytest.fixture(scope="module")
def odd_plan(generated, tmp_path_factory) -> tuple[Path, Plan]:
    """The generated books with awkward names, addresses and extra fields added to records that
    cluster, so the writer meets every quoting case and survivorship field."""
    books = tmp_path_factory.mktemp("odd") / "books"
    shutil.copytree(generated, books, ignore=shutil.ignore_patterns(".kebir"))
    customers = books / "contacts" / "erp" / "customers.yaml"
    recs = _records(customers)
    extra = ["payment_terms: net30", 'credit_limit: "5000.00"', "currency: EUR", 'iban: "TR33 0006 1005"',
             'external_id: "X,1"']
    for i, r in enumerate(recs[:len(ODD)]):
        recs[i] = r + f"\n  address: {json.dumps(ODD[i], ensure_ascii=False)}\n  {extra[i % len(extra)]}"
    customers.write_text("".join(f"- id: {r}\n" for r in recs), encoding="utf-8")
    return books, scan_books(books)


def test_dump_plan__the_column_wise_text_is_the_scalar_records_and_validates(odd_plan):
    _, plan = odd_plan
    text = dump_plan(plan)
    records = yaml.safe_load(text)
    assert records == plan_records(plan)
    jsonschema.validate(records, SCHEMA)
    fields = {f["field"] for r in records for f in r["fields"]}
    assert {"payment_terms", "credit_limit", "currency", "iban", "external_id"} <= fields
    assert not fields & NOT_SURVIVOR_FIELDS


@pytest.mark.parametrize("value", ODD + ["", "0", "true", "K", "ß", "e\u0301", "a²", "x_y", "+90 212", "\x01"])
def test_quoting__column_wise_as_scalar(value):
    s = pl.Series([value])
    assert pl.select(_scalar_expr(pl.lit(s))).item() == _scalar(value)
    assert pl.select(_flow_expr(pl.lit(s))).item() == _flow(value)


def test_dump_plan__same_books_same_bytes(odd_plan):
    books, plan = odd_plan
    again = scan_books(books)
    assert dump_plan(again) == dump_plan(plan)
    assert dump_seen(again) == dump_seen(plan)


def test_dump_plan__carried_clusters_keep_their_text_and_decision(odd_plan, tmp_path):
    """Nothing changed since the plan was written and one cluster was rejected: the next plan
    carries every cluster as written (decided ones first), renumbered, with the rejection."""
    books, plan = odd_plan
    path = _write(plan, tmp_path / "plan.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n  decision: accept", "\n  decision: reject", 1), encoding="utf-8")
    before = yaml.safe_load(path.read_text(encoding="utf-8"))
    again = scan_books(books, previous=read_previous(path))
    assert again.fresh == 0 and not again.clusters
    records = yaml.safe_load(dump_plan(again))
    decided = [r for r in before if r["decision"] != "pending"]
    pending = [r for r in before if r["decision"] == "pending"]
    assert [{**r, "cluster": 0} for r in records] == [{**r, "cluster": 0} for r in decided + pending]
    assert [r["cluster"] for r in records] == list(range(1, len(records) + 1))
    assert sum(r["decision"] == "reject" for r in records) == 1
    jsonschema.validate(records, SCHEMA)


def test_read_plan__dedup_apply_reads_the_written_plan(odd_plan, tmp_path):
    _, plan = odd_plan
    path = _write(plan, tmp_path / "plan.yaml")
    clusters, problems = merge.read_plan(path)
    assert not problems and len(clusters) == len(plan.clusters)
    assert [[m["id"] for m in c["members"]] for c in clusters] == [c.members for c in plan.clusters]
