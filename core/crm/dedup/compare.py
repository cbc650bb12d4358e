"""Comparison: each candidate pair into a small vector of levels per field (rapidfuzz for
names, equality and one-edit levels for the rest), scalar (`compare`, `hard_no`) and column-wise
(`compare_frame`), with the hard rules (different valid tax ids of two ERP parties; names that
disagree without a shared strong identifier).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import ratio, token_set_ratio
from rapidfuzz.process import cpdist

from core.crm.dedup.normalise import Norm, tax_id_checkable, tax_id_valid, _with_tokens


FIELDS = ("name", "phone", "email", "domain", "tax", "city", "address", "dob", "zip")
# levels per field: 0 disagree, then agreement from weak to exact; identifiers, phones, birth dates
# and postcodes have a middle level for one edit or one transposition (a typo), cities and
# addresses one for a near spelling with the same (or one-edit) house number
LOCATION = frozenset({"phone", "city", "address", "zip"})      # see Model.probability
LEVELS = {"name": 4, "phone": 3, "email": 2, "domain": 2, "tax": 3, "city": 3, "address": 3, "dob": 3, "zip": 3}


def _is_initial(x: str, y: str) -> bool:
    return (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def _typo(x: str, y: str) -> bool:
    """One slip of the keyboard apart (two for long tokens): a typo, not another name."""
    d = OSA.distance(x, y)
    return d <= (2 if min(len(x), len(y)) >= 7 else 1) or (d == 2 and JaroWinkler.normalized_similarity(x, y) >= 0.9)


def _person_rule(sim: float, ta: tuple[str, ...] | list[str], tb: tuple[str, ...] | list[str]) -> float:
    """People sharing a name token whose other given token differs (Ayşe vs Ece Yılmaz, a household)
    are capped at 0.5; the same tokens in any order are 1.0; an initial gives at least 0.9; a typo
    (Jaro-Winkler >= 0.85 between the differing tokens) keeps the similarity."""
    if len(ta) < 2 or len(tb) < 2:
        return sim
    sa, sb = set(ta), set(tb)
    if not sa & sb:
        return sim
    da, db = sa - sb, sb - sa
    if not da and not db:
        return 1.0
    if len(da) == 1 and len(db) == 1:
        x, y = next(iter(da)), next(iter(db))
        if _is_initial(x, y):
            return max(sim, 0.9)
        if _typo(x, y):
            return sim
        return min(sim, 0.5)
    return sim


def _sim(x: str, y: str) -> float:
    return (ratio(x, y) / 100.0 + JaroWinkler.normalized_similarity(x, y)) / 2 if x and y else 0.0


def name_similarity(a: Norm, b: Norm) -> float:
    """Mean of the Levenshtein ratio and Jaro-Winkler on the folded, suffix-free names, the
    higher of tokens sorted and as written; for people `_person_rule` (Caner vs Ece Yıldırım
    stay apart)."""
    if not a.name or not b.name:
        return 0.0
    sim = _sim(" ".join(sorted(a.tokens)), " ".join(sorted(b.tokens)))
    if a.name != " ".join(sorted(a.tokens)) or b.name != " ".join(sorted(b.tokens)):
        sim = max(sim, _sim(a.name, b.name))       # a typo in a first letter moves a token when sorted
    if a.kind == "person":
        sim = _person_rule(sim, a.tokens, b.tokens)
    if sim < NAME_CUTS[0] and _contains(a.tokens, b.tokens):
        sim = NAME_CUTS[0]
    return sim


def _contains(ta: tuple[str, ...] | list[str], tb: tuple[str, ...] | list[str]) -> bool:
    """One name's tokens are all in the other's (`Lulu` and `Lulu Restaurant Bis Cafe`, `Bones` and
    `Bones Restaurant`, `White` and `Ashley White`): not a disagreement (legal forms are already
    dropped), though not an agreement either (the lowest name level)."""
    sa, sb = set(ta), set(tb)
    return bool(sa) and bool(sb) and sa != sb and (sa <= sb or sb <= sa) and max(map(len, sa & sb)) >= 3


NAME_CUTS = (0.75, 0.88, 0.97)


def _name_level(sim: float) -> int:
    return 3 if sim >= NAME_CUTS[2] else 2 if sim >= NAME_CUTS[1] else 1 if sim >= NAME_CUTS[0] else 0


def _mobile(e164: str | None) -> bool:
    return bool(e164) and str(e164).startswith("+905")


def _swapped_date(x: str, y: str) -> bool:
    return len(x) == 8 and len(y) == 8 and x[:4] + x[6:] + x[4:6] == y


def _level3(x: str | None, y: str | None, date: bool = False) -> int:
    """-1 missing; 2 exact; 1 one edit or one transposition (or day and month swapped); 0 else."""
    if not x or not y:
        return -1
    if x == y:
        return 2
    return 1 if OSA.distance(x, y) <= 1 or (date and _swapped_date(x, y)) else 0


def _pid(n: Norm) -> str | None:
    return n.tax or n.nid


_HOUSE = re.compile(r"\b(\d+)\b")
_STREET = re.compile(r"\b\d+\w*\b")


def _address_level(x: str | None, y: str | None) -> int:
    if not x or not y:
        return -1
    if x == y:
        return 2
    nx, ny = " ".join(_HOUSE.findall(x)), " ".join(_HOUSE.findall(y))
    if nx != ny and OSA.distance(nx, ny) > 1:
        return 0
    sx, sy = (" ".join(_STREET.sub("", v).split()) for v in (x, y))
    return 1 if token_set_ratio(sx, sy) >= ADDRESS_NEAR else 0


def _city_level(x: str | None, y: str | None) -> int:
    if not x or not y:
        return -1
    if x == y:
        return 2
    return 1 if JaroWinkler.normalized_similarity(x, y) >= CITY_NEAR else 0


ADDRESS_NEAR = 80       # token-set ratio of the street words for a near address
CITY_NEAR = 0.9         # Jaro-Winkler for a near city name


def compare(a: Norm, b: Norm) -> tuple[int, ...]:
    """Comparison vector: level per field (FIELDS, LEVELS), -1 when either side is missing it."""
    def eq(x: Any, y: Any) -> int:
        return -1 if not x or not y else int(x == y)
    dom = -1 if not a.domains or not b.domains else int(bool(a.domains & b.domains))
    phone = _level3(a.phone, b.phone)
    if phone in (0, 1) and a.kind == "company" and _mobile(a.phone) != _mobile(b.phone):
        phone = -1          # a firm's switchboard vs someone's mobile says nothing either way
    pa, pb = _pid(a), _pid(b)
    return (_name_level(name_similarity(a, b)), phone, eq(a.email, b.email), dom,
            _level3(pa, pb), _city_level(a.city, b.city), _address_level(a.address, b.address),
            _level3(a.dob, b.dob, date=True), _level3(a.zip, b.zip))


def _strong(vec: tuple[int, ...], a: Norm, b: Norm | None = None) -> bool:
    """A shared strong identifier: the same tax or national id, the same e-mail, for people the
    same mobile number, or an identity number one typo apart together with the same birth date
    (unless both ids pass their VKN/TCKN check digits: then they are two valid numbers, as twins'
    are). It outweighs a name that disagrees (a typo in a surname, a changed surname); a shared
    birth date, address or landline alone does not (twins, households)."""
    if vec[4] == 2 or vec[2] == 1 or (a.kind == "person" and vec[1] == 2 and _mobile(a.phone)):
        return True
    return b is not None and vec[4] == 1 and vec[7] == 2 and _id_typo(_pid(a), _pid(b))


def _id_typo(x: str | None, y: str | None) -> bool:
    """Two ids one edit apart can be one mistyped id, unless both pass their check digits."""
    return bool(x and y) and not (tax_id_checkable(x) and tax_id_checkable(y) and tax_id_valid(x) and tax_id_valid(y))


def _one_name_kept(ta: tuple[str, ...] | list[str], tb: tuple[str, ...] | list[str]) -> bool:
    """Two people's names that keep one token (as written or one typo from it: `White` /
    `Whiteo`) and differ in another (`Hollie Bishop` / `Caitlin Bishop`, `Chloe Manson` / `Chloe
    Cachia`, `Evertet` / `Michelle Everett`): a replaced given name or a changed surname, or two
    people of one family."""
    sa, sb = set(ta), set(tb)
    if not sa or not sb or sa == sb:
        return False
    return bool(sa & sb) or any(min(len(x), len(y)) >= 3 and _typo(x, y) for x in sa for y in sb)


def _same_person_place(vec: tuple[int, ...]) -> bool:
    """The same birth date at the same place (the address, or one edit from it, or the same
    postcode, or one edit from it in the same town): what a record whose name was replaced or
    changed shares with its other record, and what twins share too; so it lifts the name veto
    only as far as a review."""
    return vec[7] == 2 and (vec[6] >= 1 or vec[8] == 2 or (vec[8] == 1 and vec[5] >= 1))


def _review_only(a: Norm, b: Norm, vec: tuple[int, ...]) -> bool:
    """A person pair whose names disagree (below the lowest name level) with no strong shared
    identifier, but which keeps a name token and shares the birth date and the place: never
    vetoed, never automatic (the probability is capped at REVIEW_CAP, below the auto level)."""
    return a.kind == "person" and name_similarity(a, b) < NAME_CUTS[0] and not _strong(vec, a, b) \
        and _one_name_kept(a.tokens, b.tokens) and _same_person_place(vec)


REVIEW_CAP = 0.98       # a pair only a person may accept: below cluster.AUTO_THRESHOLD


def _tax_conflict(a: Norm, b: Norm) -> bool:
    """Two ERP parties whose valid tax ids differ. Ids one edit apart of which one fails its
    checksum (a VKN or TCKN typed wrong) are not in conflict: they are compared as a typo."""
    if not (a.side == "erp" and b.side == "erp" and a.tax and b.tax and a.tax != b.tax):
        return False
    if OSA.distance(a.tax, b.tax) <= 1 and (not tax_id_valid(a.tax) or not tax_id_valid(b.tax)):
        return False
    return True


def hard_no(a: Norm, b: Norm) -> bool:
    """Two ERP parties with different valid tax ids are never the same party; nor are two records
    whose names disagree (similarity below the lowest name level) unless they share a strong
    identifier (`_strong`): households, sister firms at one address and colleagues share phones,
    addresses and domains, not names, so no amount of shared contact data may outvote the name."""
    if _tax_conflict(a, b):
        return True
    vec = compare(a, b)
    return name_similarity(a, b) < NAME_CUTS[0] and not _strong(vec, a, b) and not _review_only(a, b, vec)


def _eq_level(a: str, b: str) -> pl.Expr:
    return pl.when(pl.col(a).is_null() | pl.col(b).is_null()).then(-1) \
        .otherwise((pl.col(a) == pl.col(b)).cast(pl.Int8)).cast(pl.Int8)


def _sims_many(xs: list[str], ys: list[str]) -> list[float]:
    """_sim over pairs of lists, in rapidfuzz's C loop (cpdist)."""
    if not xs:
        return []
    import numpy as np      # lazy: only the pairwise scores need numpy (rapidfuzz's cpdist arrays)
    r = cpdist(xs, ys, scorer=ratio, workers=1, dtype=np.float64)
    jw = cpdist(xs, ys, scorer=JaroWinkler.normalized_similarity, workers=1, dtype=np.float64)
    out = ((r / 100.0 + jw) / 2).tolist()
    for i, (x, y) in enumerate(zip(xs, ys)):
        if not x or not y:
            out[i] = 0.0
    return out


def _name_sims(j: pl.DataFrame) -> list[float]:
    """name_similarity of joined pairs (columns name, sname, toks, kind with suffixes _a, _b)."""
    sa, sb = j["sname_a"].fill_null("").to_list(), j["sname_b"].fill_null("").to_list()
    sims = _sims_many(sa, sb)
    unsorted = j.select(((pl.col("name_a") != pl.col("sname_a")) | (pl.col("name_b") != pl.col("sname_b")))
                        .fill_null(False).alias("u"))["u"].arg_true().to_list()
    if unsorted:
        na, nb = j["name_a"].gather(unsorted).to_list(), j["name_b"].gather(unsorted).to_list()
        for i, v in zip(unsorted, _sims_many(na, nb)):
            if v > sims[i]:
                sims[i] = v
    # the person rule, only where it can apply (both people, two or more tokens, a shared token)
    rule = j.select(((pl.col("kind_a") == "person") & (pl.col("toks_a").list.len() > 1)
                     & (pl.col("toks_b").list.len() > 1)
                     & (pl.col("toks_a").list.set_intersection("toks_b").list.len() > 0)).alias("r"))["r"]
    for i in rule.arg_true().to_list():
        sims[i] = _person_rule(sims[i], sa[i].split(), sb[i].split())
    # a company name whose tokens are all in the other's (Lulu, Lulu Restaurant)
    low = j.select(((pl.Series(sims, dtype=pl.Float64) < NAME_CUTS[0])
                    & (pl.col("toks_a").list.set_intersection("toks_b").list.len() > 0)).alias("r"))["r"]
    for i in low.arg_true().to_list():
        if _contains(sa[i].split(), sb[i].split()):
            sims[i] = NAME_CUTS[0]
    return sims


def _lev3_frame(j: pl.DataFrame, a: str, b: str, date: bool = False) -> pl.Series:
    """_level3 column-wise: exact 2, one edit or transposition 1 (OSA over the differing pairs
    only, with rapidfuzz's cpdist), else 0; -1 where either is missing."""
    xa, xb = j[a], j[b]
    both = xa.is_not_null() & xb.is_not_null()
    out = pl.Series(a, [-1] * j.height, dtype=pl.Int8).set(both, 0).set(both & (xa == xb).fill_null(False), 2)
    diff = (both & (xa != xb).fill_null(False)).arg_true()
    if diff.len():
        x, y = xa.gather(diff).to_list(), xb.gather(diff).to_list()
        near = cpdist(x, y, scorer=OSA.distance, workers=1) <= 1
        if date:
            near |= [_swapped_date(p, q) for p, q in zip(x, y)]
        out = out.scatter(diff.filter(pl.Series(near)), 1)
    return out


def _address_frame(j: pl.DataFrame) -> pl.Series:
    xa, xb = j["addr_a"], j["addr_b"]
    both = xa.is_not_null() & xb.is_not_null()
    out = pl.Series("address", [-1] * j.height, dtype=pl.Int8).set(both, 0).set(both & (xa == xb).fill_null(False), 2)
    diff = (both & (xa != xb).fill_null(False)).arg_true()
    if diff.len():
        d = j[diff].select(
            pl.col("addr_a").str.extract_all(r"\b\d+\b").list.join(" ").alias("na"),
            pl.col("addr_b").str.extract_all(r"\b\d+\b").list.join(" ").alias("nb"),
            pl.col("addr_a").str.replace_all(r"\b\d+\w*\b", "").str.replace_all(r" +", " ").str.strip_chars()
                .alias("sa"),
            pl.col("addr_b").str.replace_all(r"\b\d+\w*\b", "").str.replace_all(r" +", " ").str.strip_chars()
                .alias("sb"))
        num_ok = (d["na"] == d["nb"]) | pl.Series(cpdist(d["na"].to_list(), d["nb"].to_list(), scorer=OSA.distance,
                                                         workers=1) <= 1)
        street = pl.Series(cpdist(d["sa"].to_list(), d["sb"].to_list(), scorer=token_set_ratio, workers=1)
                           >= ADDRESS_NEAR)
        out = out.scatter(diff.filter(num_ok & street), 1)
    return out


def _city_frame(j: pl.DataFrame) -> pl.Series:
    xa, xb = j["city_a"], j["city_b"]
    both = xa.is_not_null() & xb.is_not_null()
    out = pl.Series("city", [-1] * j.height, dtype=pl.Int8).set(both, 0).set(both & (xa == xb).fill_null(False), 2)
    diff = (both & (xa != xb).fill_null(False)).arg_true()
    if diff.len():
        near = cpdist(xa.gather(diff).to_list(), xb.gather(diff).to_list(),
                      scorer=JaroWinkler.normalized_similarity, workers=1) >= CITY_NEAR
        out = out.scatter(diff.filter(pl.Series(near)), 1)
    return out


def compare_frame(nf: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Comparison vectors of the pairs (columns a, b: row indices of nf), column-wise; adds the
    level columns of FIELDS and `hard` (the tax-id rule, and names that disagree without a strong
    shared identifier)."""
    cols = ["idx", "side", "kind", "name", "sname", "toks", "phone", "email", "dom1", "dom2", "tax", "city", "addr",
            "nid", "dob", "zip"]
    if "sname" not in nf.columns:       # the token columns of only the records compared
        used = pl.concat([pairs["a"], pairs["b"]]).unique().implode()
        nf = _with_tokens(nf.filter(pl.col("idx").is_in(used)))
    sub = nf.select(cols)
    j = pairs.join(sub.rename({c: c + "_a" for c in cols if c != "idx"}).rename({"idx": "a"}), on="a", how="left") \
        .join(sub.rename({c: c + "_b" for c in cols if c != "idx"}).rename({"idx": "b"}), on="b", how="left") \
        .sort("a", "b")
    j = j.with_columns(pl.coalesce("tax_a", "nid_a").alias("pid_a"), pl.coalesce("tax_b", "nid_b").alias("pid_b"))
    sims = _name_sims(j)
    lv = pl.Series("sim", sims, dtype=pl.Float64)
    name_level = pl.when(pl.col("sim") >= NAME_CUTS[2]).then(3).when(pl.col("sim") >= NAME_CUTS[1]).then(2) \
        .when(pl.col("sim") >= NAME_CUTS[0]).then(1).otherwise(0).cast(pl.Int8)
    mob_a, mob_b = pl.col("phone_a").str.starts_with("+905"), pl.col("phone_b").str.starts_with("+905")
    phone = pl.when((pl.col("kind_a") == "company") & (mob_a != mob_b) & (pl.col("ph3") < 2)).then(-1) \
        .otherwise(pl.col("ph3"))
    has_a = pl.col("dom1_a").is_not_null() | pl.col("dom2_a").is_not_null()
    has_b = pl.col("dom1_b").is_not_null() | pl.col("dom2_b").is_not_null()
    dom_agree = ((pl.col("dom1_a") == pl.col("dom1_b")).fill_null(False)
                 | (pl.col("dom1_a") == pl.col("dom2_b")).fill_null(False)
                 | (pl.col("dom2_a") == pl.col("dom1_b")).fill_null(False)
                 | (pl.col("dom2_a") == pl.col("dom2_b")).fill_null(False))
    dom = pl.when(has_a & has_b).then(dom_agree.cast(pl.Int8)).otherwise(-1)
    j = j.with_columns(lv, _lev3_frame(j, "phone_a", "phone_b").alias("ph3"),
                       _lev3_frame(j, "pid_a", "pid_b").alias("tax"),
                       _lev3_frame(j, "dob_a", "dob_b", date=True).alias("dob"),
                       _lev3_frame(j, "zip_a", "zip_b").alias("zip"),
                       _city_frame(j).alias("city"), _address_frame(j).alias("address"))
    j = j.with_columns(name_level.alias("name"), phone.cast(pl.Int8).alias("phone"),
                       _eq_level("email_a", "email_b").alias("email"))
    conflict = (pl.col("side_a") == "erp") & (pl.col("side_b") == "erp") & pl.col("tax_a").is_not_null() \
        & pl.col("tax_b").is_not_null() & (pl.col("tax_a") != pl.col("tax_b"))
    j = j.with_columns(conflict.fill_null(False).alias("conflict"))
    # ids one edit apart of which one fails its checksum are a typo, not a conflict (few pairs: scalar)
    maybe = j["conflict"] & (j["tax"] == 1)
    if maybe.any():
        idx = maybe.arg_true()
        ok = [not (OSA.distance(x, y) <= 1 and (not tax_id_valid(x) or not tax_id_valid(y)))
              for x, y in zip(j["tax_a"].gather(idx).to_list(), j["tax_b"].gather(idx).to_list())]
        j = j.with_columns(j["conflict"].scatter(idx, ok))
    strong = (pl.col("tax") == 2) | (pl.col("email") == 1) | (
        (pl.col("kind_a") == "person") & (pl.col("phone") == 2) & mob_a)
    near_id = j.select(((pl.col("sim") < NAME_CUTS[0]) & (pl.col("tax") == 1) & (pl.col("dob") == 2))
                       .fill_null(False).alias("n"))["n"]
    typo_id = pl.Series("typo_id", [False] * j.height, dtype=pl.Boolean)
    if near_id.any():
        at = near_id.arg_true()
        typo_id = typo_id.scatter(at, [_id_typo(x, y) for x, y in zip(j["pid_a"].gather(at).to_list(),
                                                                     j["pid_b"].gather(at).to_list())])
    j = j.with_columns(typo_id)
    strong = strong | pl.col("typo_id")
    place = (pl.col("dob") == 2) & ((pl.col("address") >= 1) | (pl.col("zip") == 2)
                                    | ((pl.col("zip") == 1) & (pl.col("city") >= 1)))
    veto = (pl.col("sim") < NAME_CUTS[0]) & ~strong.fill_null(False)
    maybe = j.select((veto & place & (pl.col("kind_a") == "person")).fill_null(False).alias("m"))["m"].arg_true()
    review = pl.Series("review", [False] * j.height, dtype=pl.Boolean)
    if maybe.len():         # few pairs (the same birth date and place, names that disagree): scalar
        xs, ys = j["sname_a"].gather(maybe).to_list(), j["sname_b"].gather(maybe).to_list()
        review = review.scatter(maybe, [_one_name_kept(x.split(), y.split()) for x, y in zip(xs, ys)])
    j = j.with_columns(review)
    review = pl.col("review")
    hard = pl.col("conflict") | (veto & ~review)
    return j.select("a", "b", "name", "phone", "email", dom.cast(pl.Int8).alias("domain"), "tax", "city", "address",
                    "dob", "zip", hard.fill_null(False).alias("hard"), (review & ~pl.col("conflict")).alias("review"))
