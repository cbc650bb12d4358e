"""Duplicate detection at scale: the column-wise normalisation agrees with the scalar one, the fast
contacts reader with the general loader, households and sister firms stay apart, decided pairs
are not proposed again (also incrementally), and the benchmark generator's books are deduplicated
above the goals (bench/dedup_gen.py, small size)."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import polars as pl
import pytest
import yaml

from core.crm.dedup.cluster import AUTO_THRESHOLD, Plan
from core.crm.dedup.compare import hard_no
from core.crm.dedup.normalise import address_norm, contact_frame, norm_name, normalise, normalise_frame
from core.crm.dedup.plan import _flow, _scalar, dump_plan, dump_seen, plan_records, read_previous, seen_path
from core.crm.dedup.read import read_contacts
from core.crm.dedup.scan import scan, scan_books

from core.books import load
from core.model.records import Contact

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import dedup_gen  # noqa: E402


def contact(cid: str, side: str, role: str, kind: str, name: str, **fields: str) -> Contact:
    return Contact(id=cid, side=side, role=role, kind=kind, name=name, fields=tuple(fields.items()))


def book_of(*contacts: Contact, links: tuple = ()) -> SimpleNamespace:
    return SimpleNamespace(contacts={c.id: c for c in contacts}, links=links)


def members(plan: Plan) -> list[list[str]]:
    return [c.members for c in plan.clusters]


# ---------------------------------------------------------------- normalisation rules

@pytest.mark.parametrize("a, b", [
    ("Bill Smith", "William Smith"), ("Memo Yılmaz", "Mehmet Yilmaz"), ("Fatoş Kaya", "Fatma Kaya"),
])
def test_norm_name__nicknames_for_people_only(a, b):
    assert norm_name(a, "person") == norm_name(b, "person")
    assert norm_name("Bill Ltd", "company") == "bill"


@pytest.mark.parametrize("name", ["Çelik Kilyos Tarım Sanayi ve Ticaret Limited Sriketi",
                                  "Çelik Kilyos Tarım San. ve Tic. Limitedd Şirketi", "ÇELİK KİLYOS TARIM ANONİM"])
def test_norm_name__legal_form_words_with_a_typo_are_suffixes_too(name):
    assert norm_name(name) == "celik kilyos tarim"


def test_address_norm__street_words_and_door_number_label():
    assert address_norm("Kuşdili Cad. No: 154, Kadıköy") == address_norm("KUSDILI CADDESI NO 154 KADIKOY") \
        == "kusdili caddesi 154 kadikoy"
    assert address_norm("Gül Sk. No:3") == "gul sokak 3"
    assert address_norm("") is None


WIDE = [
    contact("C-1", "crm", "company", "company", "Boğaziçi Etkinlik Org. Ltd. Şti.",
            email="Info@BogaziciEtkinlik.com.tr",
            phone="(212) 555-01-23", website="https://www.bogazici-etkinlik.com.tr/iletisim", city="İSTANBUL",
            address="Bağdat Cad. No: 1, Kadıköy"),
    contact("C-2", "crm", "person", "person", "Bill  O'Brien", email="bill@gmail.com", phone="+44 20 7946 0958"),
    contact("CU-1", "erp", "customer", "company", "Acme GmbH", tax_id="123 456 7890", phone="00902125550123",
            email="x@acme.de", city="Zürich"),
    contact("SU-1", "erp", "supplier", "company", "Ticaret", phone="12345", email="not-an-email"),
    contact("C-3", "crm", "person", "person", "Café Müller", phone="0532-555-1234", city="Çanakkale"),
]


@pytest.mark.parametrize("c", WIDE, ids=lambda c: c.id)
def test_normalise_frame__agrees_with_the_scalar_rules(c):
    frame, _ = contact_frame([c])
    row = normalise_frame(frame).row(0, named=True)
    n = normalise(c)
    assert (row["name"], row["phone"], row["email"], row["tax"], row["city"], row["addr"]) == \
        (n.name, n.phone, n.email, n.tax, n.city, n.address)
    assert {d for d in (row["dom1"], row["dom2"]) if d} == set(n.domains)
    assert row["filled"] == n.filled


def test_read_contacts__fast_reader_gives_the_loader_s_contacts(demo_ro):
    frame, links = read_contacts(demo_ro)
    book, _ = load.load_book(demo_ro)
    want = {c.id: c for c in book.contacts.values() if c.role != "employee"}
    assert sorted(frame["id"].to_list()) == sorted(want)
    for row in frame.iter_rows(named=True):
        c = want[row["id"]]
        assert (row["side"], row["role"], row["kind"], row["name"]) == (c.side, c.role, c.kind, c.name)
        for k in ("email", "phone", "website", "address", "city", "tax_id"):
            assert row[k] == c.get(k), (c.id, k)
    assert links == [(ln.crm, ln.erp) for ln in book.links]


def test_read_contacts__a_file_in_another_layout_goes_through_the_loader(tmp_path):
    (tmp_path / "contacts" / "crm").mkdir(parents=True)
    (tmp_path / "books.toml").write_text('[company]\nname = "X"\nbase_currency = "TRY"\n', encoding="utf-8")
    (tmp_path / "contacts" / "crm" / "companies.yaml").write_text(
        "- {id: C-1, kind: company, name: 'Acme, Inc', phone: '0212 555 0123'}\n"
        "- id: C-2\n  kind: company\n  name: >\n    Acme\n", encoding="utf-8")
    frame, _ = read_contacts(tmp_path)
    assert frame.select("id", "name", "phone").rows() == [("C-1", "Acme, Inc", "0212 555 0123"),
                                                          ("C-2", "Acme\n", None)]


# ---------------------------------------------------------------- look-alikes

def test_scan__a_household_does_not_merge():
    """One address, one landline, one surname: three people, and one of them entered twice."""
    book = book_of(
        contact("C-1", "crm", "person", "person", "Ayşe Yılmaz", phone="0216 555 12 12",
                address="Moda Cad. No: 5, Kadıköy", city="İstanbul", email="ayse.yilmaz@gmail.com"),
        contact("C-2", "crm", "person", "person", "Ece Yılmaz", phone="(216) 555-12-12",
                address="Moda Caddesi No 5 Kadikoy", city="Istanbul", email="ece_yilmaz@hotmail.com"),
        contact("CU-1", "erp", "customer", "person", "Yılmaz Mehmet", phone="+90 216 555 12 12",
                address="Moda Cad. No: 5, Kadıköy", city="İstanbul"),
        contact("CU-2", "erp", "customer", "person", "AYSE YILMAZ", phone="02165551212",
                address="Moda Cad. No: 5, Kadıköy", email="ayse.yilmaz@gmail.com"),
    )
    plan = scan(book)
    assert members(plan) == [["C-1", "CU-2"]]
    a, b = (normalise(book.contacts[i]) for i in ("C-1", "C-2"))
    assert hard_no(a, b)          # the names disagree: no shared phone or address outvotes that


def test_scan__sister_companies_at_one_address_stay_apart():
    book = book_of(
        contact("CU-1", "erp", "customer", "company", "Yıldız Gıda A.Ş.", tax_id="1111111111", phone="0212 555 40 40",
                address="Büyükdere Cad. No: 100, Şişli", email="info@yildizgida.com.tr"),
        contact("CU-2", "erp", "customer", "company", "Yıldız Lojistik A.Ş.", tax_id="2222222222",
                phone="0212 555 40 40", address="Büyükdere Cad. No: 100, Şişli", email="info@yildizlojistik.com.tr"),
        contact("C-1", "crm", "company", "company", "YILDIZ LOJISTIK", phone="(212) 555-40-40",
                email="satis@yildizlojistik.com.tr"),
    )
    assert members(scan(book)) == [["C-1", "CU-2"]]


# ---------------------------------------------------------------- decisions and incremental runs

PAIRS = book_of(
    contact("C-1", "crm", "company", "company", "Kilyos Peyzaj A.Ş.", email="info@kilyospeyzaj.com",
            phone="0212 555 85 78"),
    contact("C-2", "crm", "company", "company", "KILYOS PEYZAJ", email="info@kilyospeyzaj.com"),
    contact("C-3", "crm", "company", "company", "Moda Tekstil Ltd. Şti.", phone="0216 555 20 51",
            email="info@modatekstil.com.tr"),
    contact("C-4", "crm", "company", "company", "Moda Tekstil", phone="(216) 555-20-51"),
)


def _decide(plan: Plan, tmp_path: Path, decisions: dict[str, str]) -> Path:
    """Write the plan with some clusters decided (by their first member) and its sidecar."""
    text = dump_plan(plan)
    records = yaml.safe_load(text)
    for r in records:
        r["decision"] = decisions.get(r["members"][0]["id"], "pending")
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(records, sort_keys=False, allow_unicode=True), encoding="utf-8")
    seen_path(path).write_text(dump_seen(plan), encoding="utf-8")
    return path


def test_scan__a_rejected_pair_is_never_proposed_again(tmp_path):
    first = scan(PAIRS)
    assert members(first) == [["C-1", "C-2"], ["C-3", "C-4"]]
    path = _decide(first, tmp_path, {"C-1": "reject", "C-3": "accept"})
    seen_path(path).unlink()                      # a full scan, not incremental
    again = scan(PAIRS, previous=read_previous(path))
    assert members(again) == []                          # neither the rejected nor the accepted pair
    recs = plan_records(again)
    assert [(r["decision"], [m["id"] for m in r["members"]]) for r in recs] == \
        [("reject", ["C-1", "C-2"]), ("accept", ["C-3", "C-4"])]
    # a new record like the rejected pair joins neither of them with the other
    more = book_of(*PAIRS.contacts.values(), contact("C-5", "crm", "company", "company", "Kilyos Peyzaj",
                                                     email="info@kilyospeyzaj.com"))
    third = scan(more, previous=read_previous(path))
    assert all(not {"C-1", "C-2"} <= set(m) for m in members(third))
    assert any("C-5" in m for m in members(third))


def test_scan__linked_pairs_are_not_proposed_but_a_new_member_is():
    links = (SimpleNamespace(crm="C-3", erp="CU-3"),)
    book = book_of(
        contact("C-3", "crm", "company", "company", "Moda Tekstil", phone="0216 555 20 51"),
        contact("CU-3", "erp", "customer", "company", "Moda Tekstil Ltd. Şti.", phone="+90 216 555 20 51",
                tax_id="1234567890"),
        links=links)
    assert members(scan(book)) == []
    book.contacts["C-9"] = contact("C-9", "crm", "company", "company", "MODA TEKSTİL", phone="(216) 555-20-51")
    assert members(scan(book)) == [["C-3", "C-9", "CU-3"]]


def test_scan__incremental_compares_only_new_or_changed_records(tmp_path):
    first = scan(PAIRS)
    path = _decide(first, tmp_path, {"C-1": "reject"})
    changed = dict(PAIRS.contacts)
    changed["C-4"] = contact("C-4", "crm", "company", "company", "Moda Tekstil", phone="(216) 555-20-51",
                             city="İstanbul")
    changed["C-6"] = contact("C-6", "crm", "company", "company", "Kilyos Peyzaj", email="info@kilyospeyzaj.com")
    inc = scan(book_of(*changed.values()), previous=read_previous(path))
    assert inc.fresh == 2
    # C-6 against the rest, C-4 again; the rejected C-1/C-2 stays apart; the pending C-3/C-4 is recomputed
    assert members(inc) == [["C-1", "C-6"], ["C-3", "C-4"]] or members(inc) == [["C-2", "C-6"], ["C-3", "C-4"]]
    assert inc.compared_pairs <= 4
    recs = plan_records(inc)
    assert recs[0]["decision"] == "reject" and [r["cluster"] for r in recs] == [1, 2, 3]


# ---------------------------------------------------------------- the plan file

def test_dump_plan__reads_back_as_the_records_and_validates(tmp_path, demo_book):
    book = demo_book
    plan = scan(book)
    text = dump_plan(plan)
    assert yaml.safe_load(text) == plan_records(plan)
    schema = json.loads((REPO / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(text), schema)
    auto = [c for c in plan.clusters if c.confidence == "auto"]
    assert auto and all(c.score >= AUTO_THRESHOLD for c in auto)


@pytest.mark.parametrize("value", ["yes", "No", "0212 555", "a: b", "x #y", "12", "2025-01-01", "Acme, Inc", "",
                                   "İpek Vural", "O'Brien", "- x", "null", "ends ", "\"q\"", "tab\there"])
def test_scalar__strings_read_back_as_the_same_strings(value):
    assert yaml.safe_load(f"k: {_scalar(value)}")["k"] == value
    assert yaml.safe_load(f"k: {{v: {_flow(value)}}}")["k"]["v"] == value


# ---------------------------------------------------------------- the benchmark's books

def test_bench_books__small_size_meets_the_goals(tmp_path):
    """3,000 generated records (typos, swapped names, nicknames, suffix variants, households,
    namesakes, sister firms): the pairs implied by the clusters against the ground truth."""
    stats = dedup_gen.write(3000, tmp_path, seed=11)
    assert stats["records"] == 3000 and stats["lookalike_pairs"] > 0
    plan = scan_books(tmp_path / "books")
    truth = pl.read_csv(tmp_path / "truth.csv", schema_overrides={"entity": pl.String})
    groups = truth.group_by("entity").agg("id")["id"].to_list()
    true = {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}
    pred = {frozenset(p) for c in plan.clusters for p in itertools.combinations(c.members, 2)}
    auto = {frozenset(p) for c in plan.clusters if c.confidence == "auto" for p in itertools.combinations(c.members, 2)}
    tp = len(pred & true)
    precision, recall = tp / len(pred), tp / len(true)
    assert precision >= 0.99
    assert 2 * precision * recall / (precision + recall) >= 0.985
    assert len(auto & true) / len(auto) >= 0.999
    assert (tp - len(auto & true)) / len(true) <= 0.03          # sent to review


def test_bench_generator__deterministic(tmp_path):
    dedup_gen.write(300, tmp_path / "a", seed=3)
    dedup_gen.write(300, tmp_path / "b", seed=3)
    for rel in ("truth.csv", "books/contacts/crm/people.yaml", "books/contacts/erp/customers.yaml"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
