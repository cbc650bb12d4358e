"""Duplicate detection on data kebir did not generate (issue 18): typos in every field including
identifiers, names that contain one another, a strong shared identifier against a name veto,
levelled ids, the tax-id rule with checksums, EM that converges and says so in the plan, and a
FEBRL-style person set (the noise of the FEBRL generator: typos, value substitution, missing
values) scored against its truth. The FEBRL sets themselves are scored in bench/dedup_febrl.py."""

from __future__ import annotations

import itertools
import random
from types import SimpleNamespace

import polars as pl
import pytest

from core.crm.dedup.block import MAX_PAIRS, block_keys, candidate_pairs_frame
from core.crm.dedup.cluster import Plan
from core.crm.dedup.compare import (
    FIELDS, NAME_CUTS, REVIEW_CAP, _review_only, compare, compare_frame, hard_no, name_similarity,
)
from core.crm.dedup.normalise import (
    CONTACT_COLUMNS, NORM_COLUMNS, _phone_frame, _rows, contact_frame, normalise, normalise_frame, phone_norm,
    tckn_valid, vkn_valid,
)
from core.crm.dedup.plan import dump_plan
from core.crm.dedup.scan import scan, scan_frame
from core.model.records import Contact


def contact(cid: str, side: str, role: str, kind: str, name: str, **fields: str) -> Contact:
    return Contact(id=cid, side=side, role=role, kind=kind, name=name, fields=tuple(fields.items()))


def book_of(*contacts: Contact) -> SimpleNamespace:
    return SimpleNamespace(contacts={c.id: c for c in contacts})


def members(plan: Plan) -> list[list[str]]:
    return [c.members for c in plan.clusters]


def vkn(nine: str) -> str:
    """A valid VKN from its first nine digits (the check digit appended)."""
    total = 0
    for i in range(9):
        t = (int(nine[i]) + 9 - i) % 10
        v = (t * 2 ** (9 - i)) % 9
        total += 9 if t and v == 0 else v
    return nine + str((10 - total % 10) % 10)


# ---------------------------------------------------------------- the cases from the issue

def test_blocking__a_typo_in_the_address_and_one_in_the_id_still_meet():
    """No exact key is shared: the pair must come from the typo-tolerant keys."""
    book = book_of(
        contact("C-1", "crm", "contact", "person", "Tiana Stubbs", address="22 Kambah Vlge Gundaline",
                national_id="809813", country="AU", birth_date="1961-04-19"),
        contact("C-2", "crm", "contact", "person", "Tiana Stubbs", address="22 Kambah Vlge Gundailne",
                national_id="1809813", country="AU", birth_date="1961-04-19"),
    )
    a, b = (normalise(c) for c in book.contacts.values())
    assert block_keys(a) & block_keys(b)
    assert members(scan(book)) == [["C-1", "C-2"]]


def test_blocking__first_and_last_name_swapped_meet_on_a_name_key():
    """FEBRL 4's `tschirn kale` / `kale tschirn` at one postcode, one birth date typed two ways and
    the address rewritten: only a name key can bring them together, and it must not depend on
    which token comes first."""
    a = normalise(contact("C-1", "crm", "contact", "person", "Tschirn Kale", address="14 Elder Street",
                          postcode="2615", birth_date="1977-02-01"))
    b = normalise(contact("C-2", "crm", "contact", "person", "Kale Tschirn", address="3 Wakefield Gardens",
                          postcode="2615", birth_date="1977-01-02"))
    shared = block_keys(a) & block_keys(b)
    assert shared and all(k.startswith("name:") for k in shared)
    # the phonetic keys kale -> kl, tschirn -> tskr (ch as k, vowels dropped, four letters): the
    # pair sorted, and each token with the birth year and with the postcode
    assert shared == {"name:pp:p:kl tskr", "name:ty:kl 1977", "name:ty:tskr 1977", "name:tz:p:kl 2615",
                      "name:tz:p:tskr 2615"}


def test_name_veto__a_shared_national_id_outweighs_a_surname_typo():
    book = book_of(
        contact("C-1", "crm", "contact", "person", "Tiana Stbubd", address="22 Kambah Village", city="Gundaroo",
                national_id="3716491", country="AU", birth_date="1961-04-19"),
        contact("C-2", "crm", "contact", "person", "Tiana Stubbs", address="22 Kambah Village", city="Gundaroo",
                national_id="3716491", country="AU", birth_date="1961-04-19"),
    )
    a, b = (normalise(c) for c in book.contacts.values())
    assert not hard_no(a, b)
    assert members(scan(book)) == [["C-1", "C-2"]]


def test_name_veto__a_mistyped_id_with_the_same_birth_date_outweighs_a_changed_surname():
    book = book_of(
        contact("C-1", "crm", "contact", "person", "Connor Millar", address="70 Corin Place", city="Kuraby",
                postcode="4216", national_id="2464828", country="AU", birth_date="1933-09-25"),
        contact("C-2", "crm", "contact", "person", "Connor Rawlings", address="70 Corin Place", city="Kuraby",
                postcode="4216", national_id="2464288", country="AU", birth_date="1933-09-25"),
    )
    a, b = (normalise(c) for c in book.contacts.values())
    assert not hard_no(a, b)
    assert members(scan(book)) == [["C-1", "C-2"]]


def test_name_veto__a_replaced_given_name_with_the_birth_date_and_address_goes_to_review():
    """FEBRL's duplicates with another given name look exactly like twins: one surname, one
    address, one birth date. Neither is vetoed any more; both are proposed for a person to decide,
    never automatically (the pair's probability is capped at REVIEW_CAP 0.98 < AUTO 0.99)."""
    book = book_of(
        contact("C-1", "crm", "contact", "person", "Hollie Bishop", address="186 Dolling Crescent", city="Tarana",
                birth_date="1972-10-09"),
        contact("C-2", "crm", "contact", "person", "Caitlin Bishop", address="186 Dolling Crescent", city="Tarana",
                birth_date="1972-10-09"),
    )
    a, b = (normalise(c) for c in book.contacts.values())
    assert not hard_no(a, b)
    assert _review_only(a, b, compare(a, b))
    plan = scan(book)
    # even the fixed weights put it above the threshold: prior log2(0.1/0.9) = -3.17, name level 0
    # log2(0.02/0.85) = -5.41, birth date exact log2(0.9/0.002) = 8.81, the place once by its
    # strongest agreement, the address log2(0.65/0.05) = 3.70; sum 3.93, p = 0.938 >= 0.9. EM on
    # the two records raises it further, and the cap holds it at 0.98: a review cluster
    assert members(plan) == [["C-1", "C-2"]]
    assert plan.clusters[0].confidence == "review"
    assert plan.clusters[0].score == REVIEW_CAP == 0.98


def test_name_veto__a_changed_surname_keeps_the_given_name_and_goes_to_review():
    book = book_of(
        contact("C-1", "crm", "contact", "person", "Chloe Manson", address="7 Rossiter Street", city="Kuraby",
                postcode="4216", birth_date="1988-03-02"),
        contact("C-2", "crm", "contact", "person", "Chloe Cachia", address="9 Tillyard Drive", city="Kuraby",
                postcode="4216", birth_date="1988-03-02"),
    )
    plan = scan(book)
    assert members(plan) == [["C-1", "C-2"]] and plan.clusters[0].confidence == "review"


def test_name_veto__a_household_without_a_shared_birth_date_stays_apart():
    """One surname, address and landline, different birth dates: two people, still vetoed; and a
    birth date one edit apart is no exception (it is not the same birth date)."""
    book = book_of(
        contact("C-1", "crm", "contact", "person", "Hollie Bishop", address="186 Dolling Crescent", city="Tarana",
                phone="02 6236 1140", country="AU", birth_date="1972-10-09"),
        contact("C-2", "crm", "contact", "person", "Caitlin Bishop", address="186 Dolling Crescent", city="Tarana",
                phone="02 6236 1140", country="AU", birth_date="1975-04-21"),
        contact("C-3", "crm", "contact", "person", "Hollie Bishop", address="186 Dolling Crescent", city="Tarana",
                birth_date="1972-10-09"),
        contact("C-4", "crm", "contact", "person", "Jack Bishop", address="186 Dolling Crescent", city="Tarana",
                birth_date="1972-10-08"),
    )
    n = {c.id: normalise(c) for c in book.contacts.values()}
    assert hard_no(n["C-1"], n["C-2"]) and hard_no(n["C-4"], n["C-3"])
    assert members(scan(book)) == [["C-1", "C-3"]]


@pytest.mark.parametrize("short, long", [("Lulu", "Lulu Restaurant-Bis-Cafe"), ("Bones", "Bones Restaurant")])
def test_name_veto__a_name_that_contains_the_other_is_not_a_disagreement(short, long):
    book = book_of(
        contact("C-1", "crm", "company", "company", short, phone="310/246-1501", address="8116 Melrose Ave",
                city="Los Angeles"),
        contact("C-2", "crm", "company", "company", long, phone="310-246-1501", address="8116 Melrose Ave.",
                city="Los Angeles"),
    )
    a, b = (normalise(c) for c in book.contacts.values())
    assert name_similarity(a, b) >= NAME_CUTS[0]
    assert members(scan(book)) == [["C-1", "C-2"]]


@pytest.mark.parametrize("x, y, level", [
    ("3716491", "3716419", 1),        # a transposition
    ("809813", "1809813", 1),         # a digit more
    ("3716491", "3716491", 2),
    ("3716491", "5512093", 0),
])
def test_levels__ids_compare_exact_one_edit_or_different(x, y, level):
    a = normalise(contact("C-1", "crm", "contact", "person", "Ayşe Kaya", national_id=x))
    b = normalise(contact("C-2", "crm", "contact", "person", "Ayşe Kaya", national_id=y))
    assert compare(a, b)[FIELDS.index("tax")] == level


def test_levels__birth_dates_in_any_form_and_day_month_swapped():
    a = normalise(contact("C-1", "crm", "contact", "person", "Ayşe Kaya", birth_date="1990-02-11"))
    b = normalise(contact("C-2", "crm", "contact", "person", "Ayşe Kaya", birth_date="11.02.1990"))
    c = normalise(contact("C-3", "crm", "contact", "person", "Ayşe Kaya", birth_date="1990-11-02"))
    assert a.dob == b.dob == "19900211"
    k = FIELDS.index("dob")
    assert compare(a, b)[k] == 2 and compare(a, c)[k] == 1


def test_tax_ids__vkn_and_tckn_checksums():
    assert vkn_valid(vkn("123456789")) and not vkn_valid("1234567891" if vkn("123456789")[-1] != "1"
                                                                         else "1234567892")
    assert tckn_valid("10000000146") and not tckn_valid("10000000147")
    assert not tckn_valid("01234567890")          # a TCKN never starts with 0


def test_erp__valid_tax_ids_that_differ_never_merge_but_a_mistyped_one_is_a_typo():
    good = vkn("123456789")
    other = next(vkn(n) for n in (f"12345678{d}" for d in "0123456789") if vkn(n) != good)   # valid, one edit?
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)                                        # fails the check
    assert vkn_valid(other) and not vkn_valid(typo)
    same = dict(phone="0212 555 01 23", address="Kuşdili Cad. No: 154, Kadıköy", city="İstanbul")
    firm = contact("CU-1", "erp", "customer", "company", "Boğaziçi Etkinlik Ltd. Şti.", tax_id=good, **same)
    assert members(scan(book_of(firm, contact("CU-2", "erp", "customer", "company",
                                                    "Boğaziçi Etkinlik Ltd. Şti.", tax_id=other, **same)))) == []
    assert members(scan(book_of(firm, contact("CU-2", "erp", "customer", "company",
                                                    "Boğaziçi Etkinlik Ltd. Şti.", tax_id=typo, **same)))) \
        == [["CU-1", "CU-2"]]


# ---------------------------------------------------------------- a FEBRL-style person set

GIVEN = ["jack", "thomas", "joshua", "william", "lachlan", "oliver", "james", "ethan", "samuel", "liam", "emily",
         "chloe", "olivia", "sophie", "jessica", "charlotte", "ella", "isabella", "mehmet", "ayse", "fatma",
         "mustafa", "zeynep", "emre", "elif", "burak", "merve", "can", "deniz", "ece", "kerem", "selin", "hannah",
         "grace", "lucy", "ruby", "matilda", "mia", "noah", "max", "kyle", "tiana", "amber", "connor", "sylvie"]
SURNAMES = ["white", "smith", "ryan", "green", "egan", "miles", "jiang", "campbell", "webb", "bishop", "stubbs",
            "morrison", "kilby", "dixon", "yilmaz", "kaya", "demir", "sahin", "celik", "yildiz", "aydin", "ozturk",
            "arslan", "dogan", "honeychurch", "bordeaux", "rushby", "matthews", "alderson", "beams", "maier",
            "bowerman", "george", "berry", "waller", "deakin", "sondergeld", "sarcoudis", "paterson", "reid"]
STREETS = ["tullaroop street", "giblin street", "goldfinch circuit", "kambah village", "crozier circuit",
           "dolling crescent", "jacka crescent", "boolee street", "heydon crescent", "mccombie street",
           "federal highway", "sturt avenue", "collicott circuit", "bunya close", "hurry place", "finn street",
           "roebuck street", "aurora close", "trainer court", "cory place", "rosewood garden", "shackleton circuit"]
SUBURBS = ["st james", "bittern", "canterbury", "willaroo", "hackham", "annandale", "warrandyte", "penguin",
           "barrack point", "mount riverview", "mirrabooka", "tarana", "success", "hastings", "gorokan",
           "marmong point", "eight mile plains", "ashgrove", "freemans reach", "diggers rest", "malvern east"]


def typo(rng: random.Random, s: str) -> str:
    """One keyboard slip: a letter inserted, dropped, replaced, or two swapped."""
    if len(s) < 2:
        return s
    i = rng.randrange(len(s) - 1)
    op = rng.randrange(4)
    alphabet = "0123456789" if s.isdigit() else "abcdefghijklmnopqrstuvwxyz"
    if op == 0:
        return s[:i] + rng.choice(alphabet) + s[i:]
    if op == 1:
        return s[:i] + s[i + 1:]
    if op == 2:
        return s[:i] + rng.choice(alphabet) + s[i + 1:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def febrl_style(n_orig: int, n_dup: int, seed: int) -> tuple[pl.DataFrame, set[frozenset[str]]]:
    """Originals and duplicates in the manner of the FEBRL generator: per duplicate up to three
    modifications among typos in any field (identifiers included), a missing field, a given name
    swapped for a nickname-free variant, day and month swapped; namesakes come from the short
    name lists."""
    rng = random.Random(seed)
    rows, truth = [], set()
    for k in range(n_orig):
        rows.append({
            "id": f"rec-{k}-org", "given": rng.choice(GIVEN), "surname": rng.choice(SURNAMES),
            "number": str(rng.randint(1, 300)), "street": rng.choice(STREETS), "suburb": rng.choice(SUBURBS),
            "postcode": str(rng.randint(2000, 7999)),
            "dob": f"{rng.randint(1920, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
            "sid": str(rng.randint(1_000_000, 9_999_999))})
    for d in range(n_dup):
        src = rows[rng.randrange(n_orig)]
        dup = dict(src, id=f"rec-{src['id'].split('-')[1]}-dup-{d}")
        for _ in range(rng.randint(1, 3)):
            f = rng.choice(["given", "surname", "number", "street", "suburb", "postcode", "dob", "sid", "missing",
                            "swap"])
            if f == "missing":
                dup[rng.choice(["sid", "number", "postcode", "dob"])] = ""
            elif f == "swap" and dup["dob"]:
                dup["dob"] = dup["dob"][:4] + dup["dob"][6:] + dup["dob"][4:6]
            elif f != "swap" and dup[f]:
                dup[f] = typo(rng, dup[f])
        rows.append(dup)
        truth.add(frozenset((src["id"], dup["id"])))
    # duplicates of one original are duplicates of each other too
    by_org: dict[str, list[str]] = {}
    for p in truth:
        org = next(i for i in p if i.endswith("-org"))
        by_org.setdefault(org, [org]).extend(i for i in p if i != org)
    truth = {frozenset(p) for g in by_org.values() for p in itertools.combinations(sorted(set(g)), 2)}
    cols = list(CONTACT_COLUMNS) + ["postcode", "birth_date", "national_id", "country"]
    frame = pl.DataFrame([{
        "id": r["id"], "side": "crm", "role": "contact", "kind": "person",
        "name": f"{r['given']} {r['surname']}".strip(), "address": f"{r['number']} {r['street']}".strip() or None,
        "city": r["suburb"] or None, "postcode": r["postcode"] or None, "birth_date": r["dob"] or None,
        "national_id": r["sid"] or None, "country": "AU"} for r in rows], schema={c: pl.String for c in cols})
    return frame, truth


@pytest.fixture(scope="module")
def febrl_like():
    frame, truth = febrl_style(2000, 500, seed=18)
    plan = scan_frame(frame, within={"crm"}, across=False)
    return frame, truth, plan


def test_febrl_style__quality(febrl_like):
    """Measured: precision 1.000, recall 0.98 (2,000 originals, 500 duplicates, seed 18). Before
    issue 18 (exact keys only, the name veto, ids compared exactly): recall under 0.6."""
    _, truth, plan = febrl_like
    pred = {frozenset(p) for c in plan.clusters for p in itertools.combinations(c.members, 2)}
    tp = len(pred & truth)
    precision, recall = tp / len(pred), tp / len(truth)
    assert precision >= 0.99
    assert recall >= 0.95
    auto = {frozenset(p) for c in plan.clusters if c.confidence == "auto" for p in itertools.combinations(c.members, 2)}
    assert len(auto & truth) / len(auto) >= 0.999


def test_febrl_style__em_converges_and_the_plan_says_so(febrl_like):
    _, _, plan = febrl_like
    assert plan.model.converged and plan.model.iterations > 0
    header = dump_plan(plan).split("\n- cluster", 1)[0]
    assert f"# model: EM converged in {plan.model.iterations} iterations" in header


def test_febrl_style__pairs_per_record_are_capped(febrl_like):
    frame, _, plan = febrl_like
    nf = normalise_frame(frame.sort("id")).with_row_index("idx")
    pairs = candidate_pairs_frame(nf, {"crm"}, False)
    per = pl.concat([pairs["a"], pairs["b"]]).value_counts()["count"]
    assert per.max() <= MAX_PAIRS
    assert pairs.height < 10 * frame.height


# ---------------------------------------------------------------- phones (libphonenumber)

@pytest.mark.parametrize("raw, country, e164", [
    ("310/246-1501", "US", "+13102461501"),
    ("1-310-246-1501", "US", "+13102461501"),
    ("310-246-1501 ext 6108", "US", "+13102461501"),     # the extension kept apart
    ("+1 310 246 1501", None, "+13102461501"),          # its own country, in a Turkish record
    ("030 1234567", "DE", "+49301234567"),
    ("0212 555 01 23", None, "+902125550123"),          # the fast Turkish rules
    ("0532 555 12 34", "TR", "+905325551234"),
])
def test_phone_norm__the_record_s_country_or_the_number_s_own(raw, country, e164):
    assert phone_norm(raw, country) == e164
    frame = pl.DataFrame({"phone": [raw], "country": [country]}, schema={"phone": pl.String, "country": pl.String})
    assert _phone_frame(frame).to_list() == [e164]


def test_phone_norm__an_american_restaurant_list_links_on_its_phones():
    book = book_of(
        contact("C-1", "crm", "company", "company", "Arnie Morton's of Chicago", phone="310/246-1501",
                address="435 S. La Cienega Blvd.", city="Los Angeles", country="US"),
        contact("C-2", "crm", "company", "company", "Arnie Morton's of Chicago", phone="310-246-1501",
                address="435 S. La Cienega Boulevard", city="Los Angeles", country="US"),
    )
    a, b = (normalise(c) for c in book.contacts.values())
    assert a.phone == b.phone == "+13102461501"
    assert members(scan(book)) == [["C-1", "C-2"]]


def test_review_rule__the_columns_say_what_the_scalar_rule_says():
    """hard_no and _review_only (scalar) and compare_frame's `hard` and `review` columns agree on
    every pair of a small family: a duplicate with another given name, twins, a sibling born
    another day, a changed surname, a surname typo with the same national id, a namesake."""
    people = [
        contact("C-1", "crm", "contact", "person", "Hollie Bishop", address="186 Dolling Crescent", city="Tarana",
                postcode="2787", birth_date="1972-10-09"),
        contact("C-2", "crm", "contact", "person", "Caitlin Bishop", address="186 Dolling Cres", city="Tarana",
                postcode="2787", birth_date="1972-10-09"),
        contact("C-3", "crm", "contact", "person", "Jack Bishop", address="186 Dolling Crescent", city="Tarana",
                postcode="2787", birth_date="1975-04-21"),
        contact("C-4", "crm", "contact", "person", "Hollie Bishopp", city="Tarana", postcode="2788",
                birth_date="1972-10-09", national_id="3716491", country="AU"),
        contact("C-5", "crm", "contact", "person", "Hollie Greaves", address="9 Tillyard Drive", city="Tarana",
                postcode="2787", birth_date="1972-10-09", national_id="3716491", country="AU"),
        contact("C-6", "crm", "contact", "person", "Hollie Bishop", address="3 Wakefield Gardens", city="Kuraby",
                postcode="4216", birth_date="1990-01-30"),
    ]
    rows = _rows(contact_frame(people)[0]).sort("id").with_row_index("idx")
    nf = rows.select("idx", "id", "side", "role", "kind", *[pl.col("n:" + c).alias(c) for c in NORM_COLUMNS])
    n = len(people)
    pairs = pl.DataFrame({"a": [a for a, b in itertools.combinations(range(n), 2)],
                          "b": [b for a, b in itertools.combinations(range(n), 2)]},
                         schema={"a": pl.UInt32, "b": pl.UInt32})
    vec = compare_frame(nf, pairs)
    norms = [normalise(c) for c in sorted(people, key=lambda c: c.id)]
    got = {(a, b): (h, r) for a, b, h, r in vec.select("a", "b", "hard", "review").iter_rows()}
    want = {(a, b): (hard_no(norms[a], norms[b]), _review_only(norms[a], norms[b], compare(norms[a], norms[b])))
            for a, b in itertools.combinations(range(n), 2)}
    assert got == want
    # the two rules at work: C-1/C-2 (another given name, one birth date and place) for review,
    # C-1/C-3 (another birth date) vetoed, C-4/C-5 (one national id) neither
    assert want[(0, 1)] == (False, True) and want[(0, 2)] == (True, False) and want[(3, 4)] == (False, False)
