"""Duplicate detection over the contacts: `scan` (this module); merging is core.merge.

Pipeline, column-wise over all contacts at once (polars), so a million records take about a
minute on two cores:

normalise (Turkish folding, legal-form suffixes, abbreviations, nicknames, E.164 phones,
e-mail/domain, tax-id digits, addresses) -> block on cheap keys so the compared pairs grow
near-linearly -> compare each candidate pair into a small comparison vector (rapidfuzz for
names, equality for the rest) -> Fellegi-Sunter weights whose m/u probabilities come from EM over
the distinct comparison vectors weighted by their counts (fixed start: deterministic) -> match
probability per pair -> connected components (union-find) over the pairs above the threshold,
split while any member pair scores below a lower threshold -> each cluster marked `auto` (every
member pair at or above AUTO_THRESHOLD: proposed for acceptance) or `review`.

Hard rule: two ERP parties that both carry a tax id and the ids differ are never matched.

Incremental: given the previous plan (`Previous`), pairs already decided there (accept or
reject), pairs linked in contacts/links.yaml and merged records (`merged_into`) are never
proposed again, and when the previous plan's record hashes are at hand (its `.seen` sidecar)
only new or changed records are compared against the rest, with the previous model's weights.

The scalar functions (`fold`, `norm_name`, `phone_e164`, `normalise`, `compare`, ...) give the
same values as the column-wise ones; the plan's evidence uses them for the few clustered records.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

import polars as pl
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import ratio

from core.model import Contact

# --------------------------------------------------------------------------------------------
# Normalisation

_TURKISH = str.maketrans({"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u",
                          "Ç": "c", "Ğ": "g", "I": "i", "İ": "i", "Ö": "o", "Ş": "s", "Ü": "u"})

# legal forms and trade words removed from the end of a company name (folded tokens)
_SUFFIX_SEQS: tuple[tuple[str, ...], ...] = tuple(sorted({
    ("a", "s"), ("as",), ("s",), ("anonim", "sirketi"), ("anonim", "sti"), ("anonim",),
    ("ltd", "sti"), ("ltd",), ("sti",), ("limited", "sirketi"), ("limited",), ("sirketi",),
    ("san", "ve", "tic"), ("sanayi", "ve", "ticaret"), ("san",), ("sanayi",), ("tic",), ("ticaret",),
    ("ve",), ("gmbh",), ("inc",), ("llc",), ("l", "l", "c"), ("ltd", "co"), ("co",), ("corp",),
}, key=lambda s: (-len(s), s)))


# common abbreviations in Turkish firm names, expanded after folding
ABBREVIATIONS: dict[str, str] = {
    "org": "organizasyon", "hiz": "hizmetleri", "hizm": "hizmetleri", "muh": "muhendislik",
    "tekn": "teknolojileri", "tek": "teknolojileri", "teknoloji": "teknolojileri", "bilg": "bilgisayar",
    "ins": "insaat", "paz": "pazarlama", "dan": "danismanlik", "mim": "mimarlik", "tur": "turizm",
    "yay": "yayincilik", "elek": "elektronik", "mak": "makina", "ith": "ithalat",
    "ihr": "ihracat", "nak": "nakliyat", "end": "endustri", "urn": "urunleri", "ur": "urunleri",
}


def _slips(word: str) -> set[str]:
    """The word with one letter dropped, doubled, swapped with the next or replaced."""
    abc = "abcdefghijklmnopqrstuvwxyz"
    out = {word[:i] + word[i + 1:] for i in range(len(word))}
    out |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    out |= {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in abc}
    return out


# long legal-form words are also recognised with a typo (limitedd, sirkei, sriketi); the short ones
# (ltd, as, san) are not, as their slips are real words
_SUFFIX_SLIPS = sorted(set().union(*(_slips(w) for w in ("limited", "sirketi", "anonim", "sanayi", "ticaret")))
                       | ({s for w in ("sti", "tic", "ltd") for s in _slips(w) if len(s) >= 3} - set(ABBREVIATIONS)
                          - {"tim", "tir", "tik", "tis", "lid"}))
# strip any run of them from the end, keeping at least the first token (keep in step with _SUFFIX_SEQS)
# (no capture group: the first token has no space before it, so it is never stripped; and a
# capture group would make the regex engines slow with this many alternatives)
_SUFFIX_TAIL = r"(?: (?:" + "|".join(" ".join(s) for s in _SUFFIX_SEQS) + "|" + "|".join(_SUFFIX_SLIPS) + r"))+$"
_SUFFIX_RE = re.compile(_SUFFIX_TAIL)

# common short forms of given names (folded) -> the given name; people only
NICKNAMES: dict[str, str] = {
    "bill": "william", "will": "william", "bob": "robert", "rob": "robert", "rick": "richard",
    "dick": "richard", "jim": "james", "jack": "john", "mike": "michael", "tom": "thomas",
    "liz": "elizabeth", "beth": "elizabeth", "maggie": "margaret", "peggy": "margaret",
    "kate": "katherine", "kathy": "katherine", "jenny": "jennifer", "chris": "christopher",
    "alex": "alexander", "nick": "nicholas", "jon": "jonathan", "pat": "patricia", "dan": "daniel",
    "dave": "david", "pete": "peter", "andi": "andreas", "steffi": "stefan", "gianni": "giovanni",
    "dima": "dmitri", "natasha": "natalia", "memo": "mehmet", "memet": "mehmet", "musti": "mustafa",
    "apo": "abdullah", "huso": "huseyin", "ibo": "ibrahim", "fatos": "fatma", "hatis": "hatice",
    "zeyno": "zeynep", "ramo": "ramazan", "emos": "emine",
}

# street words in addresses (folded) -> one spelling; "no" (the door number's label) is dropped
_ADDRESS_WORDS: dict[str, str] = {
    "cad": "caddesi", "cd": "caddesi", "cadde": "caddesi", "sok": "sokak", "sk": "sokak", "sokagi": "sokak",
    "bulv": "bulvari", "blv": "bulvari", "bul": "bulvari", "mah": "mahallesi", "mh": "mahallesi",
    "mahalle": "mahallesi", "no": "",
}

FREE_MAIL = frozenset({
    "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "icloud", "me",
    "mac", "yandex", "mynet", "aol", "protonmail", "proton", "gmx", "mail", "windowslive", "superonline",
    "ttmail",
})
_TLDS = ("com.tr", "net.tr", "org.tr", "gen.tr", "biz.tr", "web.tr", "av.tr", "bel.tr", "co.uk",
         "com", "net", "org", "tr", "biz", "info", "co", "io", "de", "eu")
_TLD_RE = r"\.(?:" + "|".join(re.escape(t) for t in _TLDS) + r")$"


def fold(text: str) -> str:
    """Casefold with Turkish rules (I -> ı, İ -> i), then fold Turkish letters and accents."""
    text = text.translate(_TURKISH).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def norm_name(name: str, kind: str = "company") -> str:
    """Folded name; for companies legal-form suffixes dropped and abbreviations expanded, for
    people common nicknames replaced by the given name (Bill -> william, Memo -> mehmet)."""
    toks = _tokens(name)
    if kind != "company":
        return " ".join(NICKNAMES.get(t, t) for t in toks)
    toks = _SUFFIX_RE.sub("", " ".join(toks)).split()
    return " ".join(ABBREVIATIONS.get(t, t) for t in toks)


def phone_e164(raw: str | None) -> str | None:
    """Turkish numbers to E.164: 0212 555 0123, (212) 555-01-23, 2125550123, +90 532 ... -> +90..."""
    if not raw:
        return None
    s = str(raw).strip()
    digits = re.sub(r"\D", "", s)
    if s.startswith("+"):
        return "+" + digits if 8 <= len(digits) <= 15 else None
    if digits.startswith("00"):
        return "+" + digits[2:] if 10 <= len(digits) - 2 <= 15 else None
    if len(digits) == 12 and digits.startswith("90"):
        return "+" + digits
    if len(digits) == 11 and digits.startswith("0"):
        return "+90" + digits[1:]
    if len(digits) == 10 and not digits.startswith("0"):
        return "+90" + digits
    return None


def email_norm(raw: str | None) -> str | None:
    if not raw:
        return None
    s = str(raw).strip().lower()
    return s if "@" in s else None


def domain_stem(domain_or_url: str | None) -> str | None:
    """kilyospeyzaj.com.tr, www.kilyos-peyzaj.com -> 'kilyospeyzaj'; free-mail providers -> None."""
    if not domain_or_url:
        return None
    d = str(domain_or_url).strip().lower()
    d = d.split("@")[-1]
    d = re.sub(r"^[a-z]+://", "", d).split("/")[0]
    if d.startswith("www."):
        d = d[4:]
    d = re.sub(_TLD_RE, "", d)
    d = d.split(".")[-1].replace("-", "")
    if not d or d in FREE_MAIL:
        return None
    return d


def tax_digits(raw: str | None) -> str | None:
    if not raw:
        return None
    d = re.sub(r"\D", "", str(raw))
    return d or None


def address_norm(raw: str | None) -> str | None:
    """Folded address with street words in one spelling: `Kuşdili Cad. No: 154, Kadıköy` and
    `Kusdili Caddesi No 154 Kadikoy` -> `kusdili caddesi 154 kadikoy`."""
    if not raw:
        return None
    toks = [_ADDRESS_WORDS.get(t, t) for t in _tokens(str(raw))]
    return " ".join(t for t in toks if t) or None


class Norm(NamedTuple):
    """A contact's normalised values (immutable; a NamedTuple as half a million are built at 1M)."""

    id: str
    side: str
    kind: str
    role: str
    name: str                       # folded, suffixes dropped, abbreviations/nicknames expanded
    tokens: tuple[str, ...]
    phone: str | None
    email: str | None
    domains: frozenset[str]         # stems of e-mail domain and website (non-free-mail)
    tax: str | None
    city: str | None
    filled: int                     # how many fields are present (completeness)
    address: str | None = None


def normalise(c: Contact) -> Norm:
    f = dict(c.fields)
    name = norm_name(c.name, c.kind)
    email = email_norm(f.get("email"))
    domains = {d for d in (domain_stem(email), domain_stem(f.get("website"))) if d}
    city = fold(f["city"]) if f.get("city") else None
    return Norm(c.id, c.side, c.kind, c.role, name, tuple(name.split()), phone_e164(f.get("phone")),
                email, frozenset(domains), tax_digits(f.get("tax_id")), city,
                1 + sum(1 for _, v in c.fields if v not in (None, "", [])), address_norm(f.get("address")))


# ---- the same, column-wise (keep in step with the scalar functions above)

CONTACT_COLUMNS = ("id", "side", "role", "kind", "name", "email", "phone", "website", "address", "city",
                   "tax_id", "merged_into")


def _fold_expr(e: pl.Expr) -> pl.Expr:
    e = e.str.replace_all("I", "ı", literal=True).str.replace_all("İ", "i", literal=True).str.to_lowercase()
    e = e.str.replace_many(["ç", "ğ", "ı", "ö", "ş", "ü"], ["c", "g", "i", "o", "s", "u"])
    return e.str.normalize("NFKD").str.replace_all(r"\p{M}", "")


def _tokens_expr(e: pl.Expr) -> pl.Expr:
    return _fold_expr(e).str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()


def _map_tokens(e: pl.Expr, mapping: Mapping[str, str]) -> pl.Expr:
    """Whole tokens replaced (tokens are single-space separated): Aho-Corasick over the padded
    text, twice, as one pass cannot replace two neighbours that share a space."""
    keys = [f" {k} " for k in mapping]
    vals = [f" {v} " if v else " " for v in mapping.values()]
    e = (" " + e + " ").str.replace_many(keys, vals).str.replace_many(keys, vals)
    return e.str.replace_all(r" +", " ").str.strip_chars()


def _phone_expr(e: pl.Expr) -> pl.Expr:
    s = e.str.strip_chars()
    d = s.str.replace_all(r"\D", "")
    n = d.str.len_chars()
    return (pl.when(s.str.starts_with("+")).then(pl.when(n.is_between(8, 15)).then("+" + d))
            .when(d.str.starts_with("00")).then(pl.when((n - 2).is_between(10, 15)).then("+" + d.str.slice(2)))
            .when((n == 12) & d.str.starts_with("90")).then("+" + d)
            .when((n == 11) & d.str.starts_with("0")).then("+90" + d.str.slice(1))
            .when((n == 10) & ~d.str.starts_with("0")).then("+90" + d))


def _domain_expr(e: pl.Expr) -> pl.Expr:
    d = e.str.strip_chars().str.to_lowercase().str.split("@").list.last()
    d = d.str.replace(r"^[a-z]+://", "").str.split("/").list.first().str.replace(r"^www\.", "")
    d = d.str.replace(_TLD_RE, "").str.split(".").list.last().str.replace_all("-", "", literal=True)
    return pl.when((d == "") | d.is_in(list(FREE_MAIL))).then(None).otherwise(d)


def normalise_frame(df: pl.DataFrame) -> pl.DataFrame:
    """The contact frame (CONTACT_COLUMNS) -> one row per contact with the normalised columns:
    name, sname (sorted tokens), first, last, phone, email, dom1, dom2, tax, city, addr."""
    toks = _tokens_expr(pl.col("name").fill_null(""))
    company = _map_tokens(toks.str.replace(_SUFFIX_TAIL, ""), ABBREVIATIONS)
    person = _map_tokens(toks, NICKNAMES)
    name = pl.when(pl.col("kind") == "company").then(company).otherwise(person).fill_null("")
    email = pl.col("email").str.strip_chars().str.to_lowercase()
    email = pl.when(email.str.contains("@", literal=True)).then(email)
    addr = _map_tokens(_tokens_expr(pl.col("address")), _ADDRESS_WORDS).str.replace_all(r" +", " ") \
        .str.strip_chars()
    tax = pl.col("tax_id").str.replace_all(r"\D", "")
    city = _fold_expr(pl.col("city")).str.replace_all(r"\s+", " ").str.strip_chars()
    filled = pl.sum_horizontal([pl.col(c).is_not_null() & (pl.col(c) != "")
                                for c in df.columns if c not in ("id", "side", "role", "kind", "name", "idx")])
    out = df.select(
        "id", "side", "role", "kind", name.alias("name"), _phone_expr(pl.col("phone")).alias("phone"),
        email.alias("email"), _domain_expr(email).alias("dom1"), _domain_expr(pl.col("website")).alias("dom2"),
        pl.when(tax != "").then(tax).alias("tax"), pl.when(city != "").then(city).alias("city"),
        pl.when(addr != "").then(addr).alias("addr"), (1 + filled).alias("filled"))
    tl = pl.col("name").str.split(" ")
    return out.with_columns(tl.list.sort().list.join(" ").alias("sname"), tl.alias("toks"),
                            pl.when(tl.list.len() > 1).then(tl.list.first()).alias("first"),
                            pl.when(tl.list.len() > 1).then(tl.list.last()).alias("last"))


# --------------------------------------------------------------------------------------------
# Blocking

MAX_BLOCK = 40          # blocks larger than this carry no information (a shared switchboard, "istanbul")


def block_keys(n: Norm) -> set[str]:
    """The blocking keys of one record (scalar form of `_keys_frame`)."""
    keys: set[str] = set()
    if n.tax:
        keys.add("tax:" + n.tax)
    if n.phone:
        keys.add("tel:" + n.phone)
    if n.email:
        keys.add("mail:" + n.email)
    for d in n.domains:
        keys.add("dom:" + d)
    if n.address:
        keys.add("adr:" + n.address)
    return keys


def _keys_frame(nf: pl.DataFrame) -> pl.DataFrame:
    parts = [
        ("tax:", pl.col("tax")), ("tel:", pl.col("phone")), ("mail:", pl.col("email")),
        ("dom:", pl.col("dom1")), ("dom:", pl.col("dom2")), ("adr:", pl.col("addr")),
    ]
    return pl.concat([nf.select("idx", (pl.lit(p) + e).alias("key")) for p, e in parts]) \
        .drop_nulls("key").unique()


def _allowed_expr(within: set[str], across: bool) -> pl.Expr:
    same_side = pl.col("side_a") == pl.col("side_b")
    ok_within = pl.col("side_a").is_in(sorted(within)) if within else pl.lit(False)
    return (pl.col("kind_a") == pl.col("kind_b")) & pl.when(same_side).then(ok_within).otherwise(pl.lit(across))


def candidate_pairs_frame(nf: pl.DataFrame, within: set[str], across: bool,
                          fresh: pl.Series | None = None) -> pl.DataFrame:
    """Pairs (a < b, row indices) sharing a blocking key in a block of at most MAX_BLOCK records,
    that the options allow; with `fresh` (a boolean column), only pairs touching a fresh record.
    `ident` says the pair shares an identifier (tax id, phone, e-mail, domain, address), not only
    a name: EM learns from those (namesakes would otherwise swamp it)."""
    keys = _keys_frame(nf)
    sizes = keys.group_by("key").len().filter(pl.col("len").is_between(2, MAX_BLOCK))
    keys = keys.join(sizes.select("key"), on="key")
    if fresh is not None:
        fresh_idx = nf.filter(fresh).select("idx")
        hot = keys.join(fresh_idx, on="idx").select("key").unique()
        keys = keys.join(hot, on="key")
    pairs = keys.join(keys, on="key", suffix="_b").filter(pl.col("idx") < pl.col("idx_b")) \
        .group_by(pl.col("idx").alias("a"), pl.col("idx_b").alias("b")) \
        .agg((~pl.col("key").str.starts_with("name:")).any().alias("ident"))
    if fresh is not None:
        f = nf.select("idx", fresh.alias("fresh"))
        pairs = pairs.join(f.rename({"idx": "a", "fresh": "fa"}), on="a") \
            .join(f.rename({"idx": "b", "fresh": "fb"}), on="b").filter(pl.col("fa") | pl.col("fb")).drop("fa", "fb")
    sk = nf.select("idx", "side", "kind")
    pairs = pairs.join(sk.rename({"idx": "a", "side": "side_a", "kind": "kind_a"}), on="a") \
        .join(sk.rename({"idx": "b", "side": "side_b", "kind": "kind_b"}), on="b")
    return pairs.filter(_allowed_expr(within, across)).select("a", "b", "ident").sort("a", "b")


def _allowed(a: Norm, b: Norm, within: set[str], across: bool) -> bool:
    if a.kind != b.kind:
        return False
    if a.side == b.side:
        return a.side in within
    return across


# --------------------------------------------------------------------------------------------
# Comparison and Fellegi-Sunter

FIELDS = ("name", "phone", "email", "domain", "tax", "city", "address")
LEVELS = {"name": 4, "phone": 2, "email": 2, "domain": 2, "tax": 2, "city": 2, "address": 2}


def _is_initial(x: str, y: str) -> bool:
    return (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def _typo(x: str, y: str) -> bool:
    """One slip of the keyboard apart (two for long tokens): a typo, not another name."""
    return OSA.distance(x, y) <= (2 if min(len(x), len(y)) >= 7 else 1)


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
    return sim


NAME_CUTS = (0.75, 0.88, 0.97)


def _name_level(sim: float) -> int:
    return 3 if sim >= NAME_CUTS[2] else 2 if sim >= NAME_CUTS[1] else 1 if sim >= NAME_CUTS[0] else 0


def _mobile(e164: str | None) -> bool:
    return bool(e164) and str(e164).startswith("+905")


def compare(a: Norm, b: Norm) -> tuple[int, ...]:
    """Comparison vector: level per field, -1 when either side is missing the field."""
    def eq(x: Any, y: Any) -> int:
        return -1 if not x or not y else int(x == y)
    dom = -1 if not a.domains or not b.domains else int(bool(a.domains & b.domains))
    phone = eq(a.phone, b.phone)
    if phone == 0 and a.kind == "company" and _mobile(a.phone) != _mobile(b.phone):
        phone = -1          # a firm's switchboard vs someone's mobile says nothing either way
    return (_name_level(name_similarity(a, b)), phone, eq(a.email, b.email), dom,
            eq(a.tax, b.tax), eq(a.city, b.city), eq(a.address, b.address))


def hard_no(a: Norm, b: Norm) -> bool:
    """Two ERP parties with different tax ids are never the same party; nor are two records whose
    names disagree (similarity below the lowest name level): households, sister firms at one
    address and colleagues share phones, addresses and domains, not names, so no amount of shared
    contact data may outvote the name."""
    if a.side == "erp" and b.side == "erp" and bool(a.tax) and bool(b.tax) and a.tax != b.tax:
        return True
    return name_similarity(a, b) < NAME_CUTS[0]


def _eq_level(a: str, b: str) -> pl.Expr:
    return pl.when(pl.col(a).is_null() | pl.col(b).is_null()).then(-1) \
        .otherwise((pl.col(a) == pl.col(b)).cast(pl.Int8)).cast(pl.Int8)


def compare_frame(nf: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Comparison vectors of the pairs (columns a, b: row indices of nf), column-wise; adds the
    level columns of FIELDS and `hard` (the tax-id rule)."""
    cols = ["idx", "side", "kind", "name", "sname", "toks", "phone", "email", "dom1", "dom2", "tax", "city", "addr"]
    sub = nf.select(cols)
    j = pairs.join(sub.rename({c: c + "_a" for c in cols if c != "idx"}).rename({"idx": "a"}), on="a", how="left") \
        .join(sub.rename({c: c + "_b" for c in cols if c != "idx"}).rename({"idx": "b"}), on="b", how="left") \
        .sort("a", "b")
    sa, sb = j["sname_a"].to_list(), j["sname_b"].to_list()
    sims = list(map(_sim, sa, sb))
    unsorted = j.select(((pl.col("name_a") != pl.col("sname_a")) | (pl.col("name_b") != pl.col("sname_b")))
                        .fill_null(False).alias("u"))["u"].arg_true().to_list()
    if unsorted:
        na, nb = j["name_a"].gather(unsorted).to_list(), j["name_b"].gather(unsorted).to_list()
        for i, x, y in zip(unsorted, na, nb):
            v = _sim(x, y)
            if v > sims[i]:
                sims[i] = v
    # the person rule, only where it can apply (both people, two or more tokens, a shared token)
    rule = j.select(((pl.col("kind_a") == "person") & (pl.col("toks_a").list.len() > 1)
                     & (pl.col("toks_b").list.len() > 1)
                     & (pl.col("toks_a").list.set_intersection("toks_b").list.len() > 0)).alias("r"))["r"]
    for i in rule.arg_true().to_list():
        sims[i] = _person_rule(sims[i], sa[i].split(), sb[i].split())
    lv = pl.Series("sim", sims, dtype=pl.Float64)
    name_level = pl.when(pl.col("sim") >= NAME_CUTS[2]).then(3).when(pl.col("sim") >= NAME_CUTS[1]).then(2) \
        .when(pl.col("sim") >= NAME_CUTS[0]).then(1).otherwise(0).cast(pl.Int8)
    mob_a, mob_b = pl.col("phone_a").str.starts_with("+905"), pl.col("phone_b").str.starts_with("+905")
    phone = pl.when((pl.col("kind_a") == "company") & (mob_a != mob_b)).then(
        pl.when(pl.col("phone_a") == pl.col("phone_b")).then(1).otherwise(-1)).otherwise(_eq_level("phone_a", "phone_b"))
    has_a = pl.col("dom1_a").is_not_null() | pl.col("dom2_a").is_not_null()
    has_b = pl.col("dom1_b").is_not_null() | pl.col("dom2_b").is_not_null()
    dom_agree = ((pl.col("dom1_a") == pl.col("dom1_b")).fill_null(False) | (pl.col("dom1_a") == pl.col("dom2_b")).fill_null(False)
                 | (pl.col("dom2_a") == pl.col("dom1_b")).fill_null(False) | (pl.col("dom2_a") == pl.col("dom2_b")).fill_null(False))
    dom = pl.when(has_a & has_b).then(dom_agree.cast(pl.Int8)).otherwise(-1)
    hard = (pl.col("side_a") == "erp") & (pl.col("side_b") == "erp") & pl.col("tax_a").is_not_null() \
        & pl.col("tax_b").is_not_null() & (pl.col("tax_a") != pl.col("tax_b"))
    hard = hard | (pl.col("sim") < NAME_CUTS[0])        # names that disagree: see hard_no
    return j.with_columns(lv).select(
        "a", "b", name_level.alias("name"), phone.cast(pl.Int8).alias("phone"),
        _eq_level("email_a", "email_b").alias("email"), dom.cast(pl.Int8).alias("domain"),
        _eq_level("tax_a", "tax_b").alias("tax"), _eq_level("city_a", "city_b").alias("city"),
        _eq_level("addr_a", "addr_b").alias("address"), hard.fill_null(False).alias("hard"))


@dataclass
class Model:
    lam: float
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    iterations: int
    converged: bool

    def weight(self, f: str, level: int) -> float:
        if level < 0:
            return 0.0
        return math.log2(self.m[f][level] / self.u[f][level])

    def probability(self, vec: tuple[int, ...]) -> float:
        w = math.log2(self.lam / (1 - self.lam)) + sum(self.weight(f, l) for f, l in zip(FIELDS, vec))
        w = max(min(w, 60.0), -60.0)
        return 1.0 / (1.0 + 2.0 ** (-w))

    def as_dict(self) -> dict[str, Any]:
        return {"lam": self.lam, "m": self.m, "u": self.u, "iterations": self.iterations,
                "converged": self.converged}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Model":
        return cls(float(d["lam"]), {k: list(v) for k, v in d["m"].items()},
                   {k: list(v) for k, v in d["u"].items()}, int(d["iterations"]), bool(d["converged"]))


def _clamp(p: float) -> float:
    return min(max(p, 1e-4), 1 - 1e-4)


# Fixed weights: the starting point of EM and its prior (pseudo-counts), and what scan uses when EM
# does not converge. m = P(level | same party), u = P(level | different parties among candidate
# pairs, which already share a blocking key): a shared phone, e-mail or tax id is rare between
# different firms (u ~ 1%), a shared domain or city is common (they put the pair in one block).
PRIOR_LAMBDA = 0.1
PRIOR_M = {"name": [0.02, 0.05, 0.18, 0.75], "phone": [0.1, 0.9], "email": [0.4, 0.6],
           "domain": [0.1, 0.9], "tax": [0.02, 0.98], "city": [0.05, 0.95], "address": [0.3, 0.7]}
PRIOR_U = {"name": [0.85, 0.12, 0.02, 0.01], "phone": [0.99, 0.01], "email": [0.995, 0.005],
           "domain": [0.7, 0.3], "tax": [0.995, 0.005], "city": [0.3, 0.7], "address": [0.95, 0.05]}
PRIOR_STRENGTH_M = 5.0     # pseudo-pairs: small books lean on the prior, large ones on their data
PRIOR_STRENGTH_U = 20.0


def fixed_model() -> Model:
    return Model(PRIOR_LAMBDA, {f: list(v) for f, v in PRIOR_M.items()},
                 {f: list(v) for f, v in PRIOR_U.items()}, 0, False)


def estimate(vectors: Iterable[tuple[int, ...]], max_iter: int = 100, tol: float = 1e-6,
             counts: Iterable[int] | None = None, u_fixed: Mapping[str, list[float]] | None = None) -> Model:
    """MAP-EM for the two-class Fellegi-Sunter model (conditional independence, missing levels
    skipped), starting from and regularised towards the fixed weights: deterministic. `vectors`
    may be distinct patterns with `counts` (how many pairs have each): the cost is then per
    pattern, not per pair. Returns the fixed model (converged=False) if EM does not settle."""
    vecs = list(vectors)
    cnt = [1.0] * len(vecs) if counts is None else [float(c) for c in counts]
    total = sum(cnt)
    m = {f: list(v) for f, v in PRIOR_M.items()}
    u = {f: list(v) for f, v in (u_fixed or PRIOR_U).items()}
    lam = PRIOR_LAMBDA
    for it in range(1, max_iter + 1):
        model = Model(lam, m, u, it, False)
        post = [model.probability(v) for v in vecs]
        new_lam = _clamp((sum(p * c for p, c in zip(post, cnt)) + PRIOR_LAMBDA * PRIOR_STRENGTH_U)
                         / (total + PRIOR_STRENGTH_U))
        new_m: dict[str, list[float]] = {}
        new_u: dict[str, list[float]] = {}
        for k, f in enumerate(FIELDS):
            mc = [PRIOR_STRENGTH_M * x for x in PRIOR_M[f]]
            uc = [PRIOR_STRENGTH_U * x for x in PRIOR_U[f]]
            for v, p, c in zip(vecs, post, cnt):
                if v[k] >= 0:
                    mc[v[k]] += p * c
                    uc[v[k]] += (1 - p) * c
            new_m[f] = [_clamp(x / sum(mc)) for x in mc]
            new_u[f] = [_clamp(x / sum(uc)) for x in uc] if u_fixed is None else u[f]
        delta = abs(new_lam - lam) + max(abs(a - b) for f in FIELDS
                                         for a, b in zip(new_m[f] + new_u[f], m[f] + u[f]))
        lam, m, u = new_lam, new_m, new_u
        if delta < tol:
            return Model(lam, m, u, it, True)
    return fixed_model()


U_SAMPLE = 200_000


def estimate_u(nf: pl.DataFrame, sample: int = U_SAMPLE) -> dict[str, list[float]] | None:
    """u = P(level | different parties), from random pairs of records of one kind (almost all of
    them different parties), as the record-linkage literature and splink do: estimated among the
    candidate pairs, u is swamped by namesakes, and EM mistakes "same name" for the match class.
    A fixed seed keeps it deterministic; None when there are too few records to sample."""
    n = nf.height
    if n < 1000:
        return None
    k = min(sample, n * 4)
    a = pl.int_range(0, n, eager=True).sample(k, with_replacement=True, seed=6).cast(pl.UInt32)
    b = pl.int_range(0, n, eager=True).sample(k, with_replacement=True, seed=7).cast(pl.UInt32)
    kinds = nf["kind"]
    pairs = pl.DataFrame({"a": a, "b": b}).filter(pl.col("a") != pl.col("b")) \
        .with_columns(pl.min_horizontal("a", "b").alias("a"), pl.max_horizontal("a", "b").alias("b"))
    pairs = pairs.filter(kinds.gather(pairs["a"]) == kinds.gather(pairs["b"])).unique(maintain_order=True)
    vec = compare_frame(nf, pairs)
    _tick("compare")
    u: dict[str, list[float]] = {}
    for f in FIELDS:
        counts = dict(vec.group_by(f).len().iter_rows())
        tot = sum(c for lv, c in counts.items() if lv >= 0)
        # a pseudo-count of one agreement per level keeps rare agreement finite
        u[f] = [(counts.get(lv, 0) + 1) / (tot + LEVELS[f]) for lv in range(LEVELS[f])]
    return u


def score_frame(vec: pl.DataFrame, model: Model) -> pl.DataFrame:
    """Adds `p`, the match probability, to the comparison vectors (by distinct pattern)."""
    pats = vec.select(FIELDS).unique().sort(FIELDS)
    probs = [model.probability(tuple(r)) for r in pats.iter_rows()]
    pats = pats.with_columns(pl.Series("p0", probs, dtype=pl.Float64))
    out = vec.join(pats, on=list(FIELDS), how="left", nulls_equal=True)
    return out.with_columns(pl.when(pl.col("hard")).then(0.0).otherwise(pl.col("p0")).alias("p")).drop("p0") \
        .sort("a", "b")


# --------------------------------------------------------------------------------------------
# Clustering and the plan

AUTO_THRESHOLD = 0.99      # a cluster whose every member pair scores at least this is proposed as `auto`


@dataclass
class Cluster:
    members: list[str]
    score: float                                    # weakest member pair's match probability
    pairs: list[tuple[str, str, float]]             # every member pair with its probability
    survivor: str
    confidence: str = "review"                      # auto | review


@dataclass
class Previous:
    """What an earlier plan decided, and the record hashes of the scan that wrote it."""
    decided: set[frozenset[str]] = field(default_factory=set)          # pairs in accepted/rejected clusters
    rejected: set[frozenset[str]] = field(default_factory=set)         # pairs in rejected clusters
    records: list[dict[str, Any]] = field(default_factory=list)        # the earlier plan's decided clusters
    pending: list[dict[str, Any]] = field(default_factory=list)        # and its undecided ones
    hashes: dict[str, str] = field(default_factory=dict)               # id -> content hash (the sidecar)
    model: Model | None = None


@dataclass
class Plan:
    clusters: list[Cluster]
    compared_pairs: int
    all_pairs: int
    threshold: float
    model: Model
    norms: Mapping[str, Norm] = field(repr=False, default_factory=dict)
    contacts: Mapping[str, Contact] = field(repr=False, default_factory=dict)
    hashes: dict[str, str] = field(repr=False, default_factory=dict)
    kept: list[dict[str, Any]] = field(repr=False, default_factory=list)   # decided clusters carried over
    fresh: int = -1                                # records compared as new or changed (-1: all)


def contact_frame(contacts: Iterable[Contact]) -> tuple[pl.DataFrame, dict[str, list[tuple[str, str]]]]:
    """Contacts -> the contact frame (CONTACT_COLUMNS, one row each) and their full field lists."""
    rows: dict[str, list[Any]] = {c: [] for c in CONTACT_COLUMNS}
    extra: dict[str, list[tuple[str, str]]] = {}
    for c in contacts:
        f = dict(c.fields)
        for k in CONTACT_COLUMNS:
            v = getattr(c, k) if k in ("id", "side", "role", "kind", "name") else f.get(k)
            rows[k].append(None if v in (None, "") else str(v))
        extra[c.id] = list(c.fields)
    return pl.DataFrame(rows, schema={c: pl.String for c in CONTACT_COLUMNS}), extra


def _hash_expr() -> pl.Expr:
    return pl.concat_str([pl.col(c).fill_null("") for c in CONTACT_COLUMNS[1:]], separator="\x1f").hash(seed=6) \
        .cast(pl.String)


_TIMING = os.environ.get("KEBIR_DEDUP_TIMING") == "1"
_T0 = [0.0]


def _tick(stage: str | None) -> None:
    """KEBIR_DEDUP_TIMING=1: seconds per stage on stderr (for bench/dedup_bench.py)."""
    if not _TIMING:
        return
    now = time.perf_counter()
    if stage:
        sys.stderr.write(f"dedup: {stage} {now - _T0[0]:.2f}s\n")
    _T0[0] = now


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p.get(root, root) != root:
            root = p[root]
        while p.get(x, x) != root:
            p[x], x = root, p[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _components(nodes: Iterable[Any], edges: Iterable[tuple[Any, Any, float]]) -> list[list[Any]]:
    uf = _UnionFind()
    idx = {n: i for i, n in enumerate(nodes)}
    back = {i: n for n, i in idx.items()}
    for a, b, _ in edges:
        uf.union(idx[a], idx[b])
    groups: dict[int, list[Any]] = {}
    for i in idx.values():
        groups.setdefault(uf.find(i), []).append(back[i])
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _all_pairs(nf: pl.DataFrame, within: set[str], across: bool) -> int:
    counts = {(s, k): n for s, k, n in nf.group_by("side", "kind").len().iter_rows()}
    total = 0
    for kind in {k for _, k in counts}:
        crm, erp = counts.get(("crm", kind), 0), counts.get(("erp", kind), 0)
        total += sum(n * (n - 1) // 2 for s, n in (("crm", crm), ("erp", erp)) if s in within)
        total += crm * erp if across else 0
    return total


def scan(book: Any, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}), across: bool = True,
         threshold: float = 0.9, lower: float = 0.5, previous: Previous | None = None,
         links: Iterable[tuple[str, str]] | None = None) -> Plan:
    """Find duplicate clusters among the book's CRM records and ERP customers/suppliers."""
    contacts = [c for c in book.contacts.values() if c.role != "employee"]
    frame, extra = contact_frame(contacts)
    if links is None:
        links = [(ln.crm, ln.erp) for ln in getattr(book, "links", ())]
    return scan_frame(frame, within, across, threshold, lower, previous, links, extra)


def _normalise_cached(frame: pl.DataFrame, hashes: dict[str, str], cache: Path | None,
                      fresh: pl.Series | None) -> pl.DataFrame:
    """normalise_frame with a cache (a parquet file of the normalised rows and their content
    hashes, under the books' git-ignored .kebir/): in an incremental scan only the fresh records
    are normalised. The cache is rewritten after every scan; any mismatch falls back to all rows."""
    nf = None
    if cache is not None and fresh is not None and cache.is_file():
        try:
            old = pl.read_parquet(cache)
            hf = pl.DataFrame({"id": list(hashes), "hash": list(hashes.values())})
            keep = old.join(hf, on=["id", "hash"], how="semi")
            new = normalise_frame(frame.filter(~pl.col("id").is_in(keep["id"].implode())))
            nf = pl.concat([keep.drop("hash"), new], how="vertical_relaxed").sort("id")
            if nf.height != frame.height:
                nf = None
        except (OSError, pl.exceptions.PolarsError):
            nf = None
    if nf is None:
        nf = normalise_frame(frame)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            nf.with_columns(pl.Series("hash", list(hashes.values()))).write_parquet(tmp)
            os.replace(tmp, cache)
        except OSError:
            pass
    return nf.with_row_index("idx")


def scan_frame(frame: pl.DataFrame, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}),
               across: bool = True, threshold: float = 0.9, lower: float = 0.5,
               previous: Previous | None = None, links: Iterable[tuple[str, str]] = (),
               extra: dict[str, list[tuple[str, str]]] | None = None, cache: Path | None = None) -> Plan:
    """`scan` over a contact frame (CONTACT_COLUMNS; `read_contacts` reads one from the books)."""
    within = set(within)
    _tick(None)
    frame = frame.filter((pl.col("role") != "employee") & pl.col("merged_into").is_null()).sort("id") \
        .with_row_index("idx")
    ids: list[str] = frame["id"].to_list()
    hashes = dict(zip(ids, frame.select(_hash_expr().alias("h"))["h"].to_list()))
    _tick("hash")
    fresh = None
    model_given = None
    if previous is not None and previous.hashes:
        old = previous.hashes
        fresh = pl.Series("fresh", [old.get(i) != h for i, h in zip(ids, hashes.values())])
        model_given = previous.model
    nf = _normalise_cached(frame, hashes, cache, fresh)
    _tick("normalise")
    pairs = candidate_pairs_frame(nf, within, across, fresh)
    _tick("block")
    vec = compare_frame(nf, pairs)
    if model_given is not None:
        model = model_given
    else:
        train = vec.filter(pairs["ident"]) if pairs.height else vec
        pats = train.group_by(list(FIELDS)).len().sort(list(FIELDS))
        model = estimate([tuple(r[:-1]) for r in pats.iter_rows()], counts=pats["len"].to_list())
    scored = score_frame(vec, model)
    _tick("em+score")
    # never propose again: decided pairs and linked pairs give no edge; a rejected pair never
    # shares a cluster; a cluster made only of known pairs is dropped
    index = {cid: i for i, cid in enumerate(ids)}

    def to_idx(pairs_: Iterable[Iterable[str]]) -> set[tuple[int, int]]:
        out = set()
        for pr in pairs_:
            a, b = sorted(pr) if len(set(pr)) == 2 else (None, None)
            if a in index and b in index:
                out.add((min(index[a], index[b]), max(index[a], index[b])))
        return out
    known = to_idx(list(previous.decided) if previous else []) | to_idx(links)
    banned = to_idx(previous.rejected) if previous else set()
    edges_df = scored.filter(pl.col("p") >= threshold).select("a", "b", "p")
    edges = [(a, b, p) for a, b, p in edges_df.iter_rows() if (a, b) not in known]
    pscore = {(a, b): p for a, b, p in edges}
    comps = _components(sorted({x for a, b, _ in edges for x in (a, b)}), edges)
    _tick("edges+components")
    # member pairs of larger components that were not scored as edges: score them in one go
    need = sorted({(a, b) for g in comps if len(g) > 2 for a, b in itertools.combinations(g, 2)} - pscore.keys())
    if need:
        extra_pairs = pl.DataFrame({"a": [a for a, _ in need], "b": [b for _, b in need]},
                                   schema={"a": pl.UInt32, "b": pl.UInt32})
        for a, b, p in score_frame(compare_frame(nf, extra_pairs), model).select("a", "b", "p").iter_rows():
            pscore[(a, b)] = p
    by_node: dict[int, list[tuple[int, int, float]]] = {}
    for e in edges:
        by_node.setdefault(e[0], []).append(e)
    clusters: list[Cluster] = []
    filled = nf["filled"].to_list()
    sides = nf["side"].to_list()
    todo = comps
    while todo:
        group = todo.pop()
        member_pairs = [(a, b, pscore[(a, b)]) for a, b in itertools.combinations(group, 2)]
        if min(p for _, _, p in member_pairs) >= lower and not any((a, b) in banned for a, b, _ in member_pairs):
            if not all((a, b) in known for a, b, _ in member_pairs):
                clusters.append(_cluster(group, member_pairs, ids, filled, sides))
            continue
        # chaining guard: drop the weakest links until the group splits
        gset = set(group)
        gedges = sorted((e for x in group for e in by_node.get(x, ()) if e[0] == x and e[1] in gset),
                        key=lambda e: (-e[2], e[0], e[1]))
        while gedges:
            gedges.pop()
            parts = _components(group, gedges)
            if len(parts) != 1 or len(parts[0]) != len(group):
                todo.extend(parts)
                break
    clusters.sort(key=lambda c: c.members)
    _tick("clusters")
    if extra is None:
        extra = {}
    contacts, norms = _members(frame, nf, sorted({index[m] for c in clusters for m in c.members}), extra or {})
    _tick("members")
    kept = list(previous.records) if previous else []
    if previous is not None and fresh is not None:
        # incremental: the earlier proposals among unchanged records stand (only fresh records were compared)
        stale = set(frame.filter(fresh)["id"].to_list()) | (set(previous.hashes) - set(hashes))
        kept += [r for r in previous.pending if not set(r["members"]) & stale]
    return Plan(clusters, pairs.height, _all_pairs(nf, within, across), threshold, model, norms, contacts,
                hashes, kept, -1 if fresh is None else int(fresh.sum()))


def _members(frame: pl.DataFrame, nf: pl.DataFrame, idxs: list[int], extra: dict[str, list[tuple[str, str]]]
             ) -> tuple[dict[str, Contact], dict[str, Norm]]:
    """Contact and Norm of the clustered records, built in bulk from the frames."""
    from core import schema
    order = {side: [k for k in schema.field_order(f"{side}-contacts") if k not in ("id", "kind", "name")]
             for side in ("crm", "erp")}
    contacts: dict[str, Contact] = {}
    norms: dict[str, Norm] = {}
    if not idxs:
        return contacts, norms
    sel = pl.Series("i", idxs, dtype=pl.UInt32)
    fr = frame[sel]
    cols = {c: fr[c].to_list() for c in fr.columns}
    fcols = {side: [k for k in order[side] if k in cols] for side in order}
    n = nf[sel]
    ncols = {c: n[c].to_list() for c in ("side", "kind", "role", "name", "phone", "email", "dom1", "dom2",
                                          "tax", "city", "filled", "addr")}
    for j, cid in enumerate(cols["id"]):
        side = cols["side"][j]
        fields = extra.get(cid)
        if fields is None:
            fields = [(k, cols[k][j]) for k in fcols[side] if cols[k][j] not in (None, "")]
        contacts[cid] = Contact(cid, side, cols["role"][j], cols["kind"][j], cols["name"][j] or "", tuple(fields))
        name = ncols["name"][j]
        d1, d2 = ncols["dom1"][j], ncols["dom2"][j]
        norms[cid] = Norm(cid, side, ncols["kind"][j], ncols["role"][j], name, tuple(name.split()) if name else (),
                          ncols["phone"][j], ncols["email"][j], frozenset(d for d in (d1, d2) if d),
                          ncols["tax"][j], ncols["city"][j], ncols["filled"][j], ncols["addr"][j])
    return contacts, norms


def _cluster(group: list[int], member_pairs: list[tuple[int, int, float]], ids: list[str],
             filled: list[int], sides: list[str]) -> Cluster:
    gs = {sides[g] for g in group}
    pool = [g for g in group if sides[g] == "erp"] if gs == {"crm", "erp"} else group
    survivor = ids[sorted(pool, key=lambda g: (-filled[g], ids[g]))[0]]
    low = min(p for _, _, p in member_pairs)
    pairs = sorted((ids[a], ids[b], p) if ids[a] < ids[b] else (ids[b], ids[a], p) for a, b, p in member_pairs)
    return Cluster(sorted(ids[g] for g in group), round(low, 4), pairs, survivor,
                   "auto" if low >= AUTO_THRESHOLD else "review")


# --------------------------------------------------------------------------------------------
# Reading the contacts fast, the previous plan, and the record hashes

_LINE = re.compile(r"^(- |  )([A-Za-z_]+):(?: (.*))?$")


def _unquote(v: pl.Expr) -> pl.Expr:
    dq = v.str.starts_with('"') & v.str.ends_with('"') & (v.str.len_chars() >= 2)
    sq = v.str.starts_with("'") & v.str.ends_with("'") & (v.str.len_chars() >= 2)
    inner = v.str.slice(1, v.str.len_chars() - 2)
    flow = v.str.starts_with("[") & v.str.ends_with("]")
    return (pl.when(dq).then(inner.str.replace_all(r'\\"', '"').str.replace_all(r"\\\\", "\\"))
            .when(sq).then(inner.str.replace_all("''", "'", literal=True))
            .when(flow).then(inner.str.replace_all(r"\s*,\s*", ",").str.strip_chars())
            .otherwise(v.str.strip_chars()))


def _fast_file(path: Path) -> pl.DataFrame | None:
    """A contacts file in the flat form kebir writes (`- id:` then `  key: value` lines, plain,
    quoted or flow-list scalars) -> one row per record; None for anything else."""
    head = path.read_bytes()[:64].strip()
    if not head or head == b"[]":
        return pl.DataFrame(schema={"id": pl.String})
    if b"\x1f" in path.read_bytes() or b"\r" in head:
        return None
    lines = pl.read_csv(path, has_header=False, separator="\x1f", quote_char=None, new_columns=["line"],
                        schema_overrides={"line": pl.String}, encoding="utf8")["line"]
    lines = lines.filter(lines.is_not_null() & (lines.str.strip_chars() != "") & ~lines.str.starts_with("#"))
    if lines.len() == 0:
        return pl.DataFrame(schema={"id": pl.String})
    df = lines.to_frame().with_columns(pl.col("line").str.extract_groups(_LINE.pattern).alias("g")).unnest("g")
    df.columns = ["line", "lead", "key", "val"]
    if df["lead"].null_count() or df["val"].null_count():
        return None
    bad = df["val"].str.contains(r'^[|>&*!]|\\[^"\\]| #') | (df["val"].str.starts_with('"') & ~df["val"].str.ends_with('"'))
    if bad.any():
        return None
    df = df.with_columns((pl.col("lead") == "- ").cum_sum().alias("rec"), _unquote(pl.col("val")).alias("v"))
    if df["rec"][0] != 1 or df["key"][0] != "id" or df.filter(pl.col("lead") == "- ")["key"].ne("id").any():
        return None
    try:        # without an aggregate, pivot refuses a key given twice in one record: the general reader says why
        return df.pivot(on="key", index="rec", values="v").drop("rec")
    except pl.exceptions.ComputeError:
        return None


def read_contacts(root: Path) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """The contacts of the books as a contact frame, and the CRM<->ERP links, read straight from
    contacts/ (no ledger, no documents): the fast path for `kebir dedup scan` on large books.
    Files not in kebir's flat form go through the general reader (core.load)."""
    from core import load, schema
    root = Path(root)
    frames: list[pl.DataFrame] = []
    links: list[tuple[str, str]] = []
    base = root / "contacts"
    for path in sorted(base.rglob("*.yaml")) if base.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        fk = schema.kind_of(rel)
        if fk is None:
            continue
        if fk.kind == "links":
            records, _ = load._read_tree(root, rel, fk.kind)
            links += [(str(r.get("crm")), str(r.get("erp"))) for r in records or [] if r.get("crm") and r.get("erp")]
            continue
        if fk.kind not in ("crm-contacts", "erp-contacts") or fk.role == "employee":
            continue
        side = "erp" if fk.kind == "erp-contacts" else "crm"
        df = _fast_file(path)
        if df is None:
            records, _ = load._read_tree(root, rel, fk.kind)
            cs = [load._contact(r, rel, side, fk.role, fk.kind) for r in records or [] if r.get("id")]
            df, _ = contact_frame(cs)
        else:
            kind = pl.col("kind") if "kind" in df.columns else pl.lit(None, pl.String)
            df = df.with_columns(pl.lit(side).alias("side"), kind.fill_null("company").alias("kind"))
            df = df.with_columns((pl.col("kind") if side == "crm" else pl.lit(fk.role)).alias("role"))
        frames.append(df.select([pl.col(c) if c in df.columns else pl.lit(None, pl.String).alias(c)
                                 for c in CONTACT_COLUMNS]).cast(pl.String))
    frame = pl.concat(frames) if frames else pl.DataFrame(schema={c: pl.String for c in CONTACT_COLUMNS})
    return frame.unique("id", keep="first", maintain_order=True), links


def seen_path(plan_path: Path) -> Path:
    """The sidecar of a plan file holding the scan's model and record hashes (`PLAN.seen`)."""
    return Path(str(plan_path) + ".seen")


_MEMBER_ID = re.compile(r'^  - (?:\{id|id): ("(?:[^"\\]|\\.)*"|[^,}\n]+)', re.M)


def read_previous(plan_path: Path) -> Previous:
    """Decided pairs of an earlier plan (any pair inside an accepted or rejected cluster), its
    clusters as text (carried into the next plan as they are), and, when its `.seen` sidecar is
    there, the model and record hashes of the scan that wrote it. The plan is read record by
    record with two patterns, not as YAML: a million-record plan would take minutes to load."""
    prev = Previous()
    text = Path(plan_path).read_text(encoding="utf-8")
    body = text[text.find("- cluster:"):] if "- cluster:" in text else ""
    for chunk in ("\n" + body).split("\n- cluster: ")[1:]:
        chunk = "- cluster: " + chunk.rstrip("\n") + "\n"
        m = re.search(r"^  decision: *(\w+)", chunk, re.M)
        decision = m.group(1) if m else "pending"
        ids = [json.loads(x) if x.startswith('"') else x.strip() for x in _MEMBER_ID.findall(chunk)]
        if decision in ("accept", "reject"):
            got = {frozenset(p) for p in itertools.combinations(ids, 2)}
            prev.decided |= got
            if decision == "reject":
                prev.rejected |= got
            prev.records.append({"text": chunk, "members": ids})
        else:
            prev.pending.append({"text": chunk, "members": ids})
    side = seen_path(Path(plan_path))
    if side.is_file():
        lines = side.read_text(encoding="utf-8").splitlines()
        if lines and lines[0].startswith("# model "):
            prev.model = Model.from_dict(json.loads(lines[0][len("# model "):]))
            prev.hashes = dict(ln.split("\t", 1) for ln in lines[1:] if "\t" in ln)
    return prev


def dump_seen(plan: Plan) -> str:
    """The `.seen` sidecar: the model (one JSON line) and `id<TAB>hash` per scanned record, by id."""
    head = "# model " + json.dumps(plan.model.as_dict(), sort_keys=True) + "\n"
    return head + "".join(f"{i}\t{h}\n" for i, h in sorted(plan.hashes.items()))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Plan records (the plan file)

_EVIDENCE = (("name", "name"), ("tax_id", "tax"), ("email", "email"), ("phone", "phone"), ("city", "city"),
             ("address", "address"))


def _raw(plan: Plan, i: str) -> dict[str, Any]:
    c = plan.contacts[i]
    d = dict(c.fields)
    d["name"] = c.name
    return d


def _evidence(field_name: str, ids: list[str], plan: Plan, raws: Mapping[str, Mapping[str, Any]] | None = None
              ) -> dict[str, Any]:
    raws = raws or {i: _raw(plan, i) for i in ids}
    raw = {i: raws[i].get(field_name) for i in ids}
    present = [i for i in ids if raw[i]]
    missing = [i for i in ids if not raw[i]]
    out: dict[str, Any] = {"field": field_name, "values": {i: str(raw[i]) for i in present}}
    if len(present) < 2:
        agree = "only one value"
    elif len({raw[i] for i in present}) == 1:
        agree = "exact"
    elif field_name == "name":
        sims = [name_similarity(plan.norms[a], plan.norms[b]) for a, b in itertools.combinations(present, 2)]
        agree = f"{min(sims):.2f} after folding and suffixes"
    elif field_name == "phone":
        e = {plan.norms[i].phone for i in present}
        agree = "exact after E.164" if len(e) == 1 and None not in e else "differ after E.164"
    elif field_name == "email":
        e = {plan.norms[i].email for i in present}
        doms = [plan.norms[i].domains for i in present]
        if len(e) == 1 and None not in e:
            agree = "exact after lowercasing"
        elif all(doms) and frozenset.intersection(*doms):
            agree = "same domain " + sorted(frozenset.intersection(*doms))[0]
        else:
            agree = "differ"
    elif field_name == "tax_id":
        agree = "exact" if len({plan.norms[i].tax for i in present}) == 1 else "differ"
    elif field_name == "address":
        agree = "exact after folding" if len({plan.norms[i].address for i in present}) == 1 else "differ"
    else:
        agree = "exact after folding" if len({fold(str(raw[i])) for i in present}) == 1 else "differ"
    out["agree"] = agree
    out["missing"] = missing
    return out


def _fields(cluster: Cluster, plan: Plan, raws: Mapping[str, Mapping[str, Any]] | None = None
            ) -> list[dict[str, str]]:
    """Survivorship: the survivor's value, else the most complete member's that has one."""
    raws = raws or {i: _raw(plan, i) for i in cluster.members}
    order = [cluster.survivor] + sorted((m for m in cluster.members if m != cluster.survivor),
                                        key=lambda i: (-plan.norms[i].filled, i))
    names: list[str] = ["name"]
    for i in order:
        for k in raws[i]:
            if k not in names:
                names.append(k)
    out = []
    for k in names:
        for i in order:
            v = raws[i].get(k)
            if v not in (None, "", [], ()):
                out.append({"field": k, "value": v if isinstance(v, str) else str(v), "from": i})
                break
    return out


def iter_records(plan: Plan) -> Iterable[dict[str, Any]]:
    """The plan file's records one at a time: clusters carried over from the previous plan
    (decided ones, with their decision) first, then the new clusters, numbered from 1 in that
    order. Evidence lists the fields at least one member has."""
    n = 0
    for rec in plan.kept:
        n += 1
        yield {**_kept_record(rec), "cluster": n}
    for c in plan.clusters:
        n += 1
        raws = {i: _raw(plan, i) for i in c.members}
        evidence = [_evidence(f, c.members, plan, raws) for f, _ in _EVIDENCE]
        yield {
            "cluster": n,
            "decision": "accept" if c.confidence == "auto" else "pending",
            "confidence": c.confidence,
            "score": c.score,
            "members": [{"id": m, "side": plan.contacts[m].side, "role": plan.contacts[m].role,
                         "name": plan.contacts[m].name} for m in c.members],
            "pairs": [{"a": a, "b": b, "score": round(p, 4)} for a, b, p in c.pairs],
            "survivor": c.survivor,
            "evidence": [e for e in evidence if e["values"]],
            "fields": _fields(c, plan, raws),
        }


def _kept_record(rec: Mapping[str, Any]) -> dict[str, Any]:
    import yaml
    got = yaml.safe_load(rec["text"]) if "text" in rec else [dict(rec)]
    return dict(got[0])


def plan_records(plan: Plan) -> list[dict[str, Any]]:
    """The plan file's records (see iter_records)."""
    return list(iter_records(plan))


def dump_plan(plan: Plan) -> str:
    auto = sum(1 for c in plan.clusters if c.confidence == "auto")
    header = (f"# kebir dedup plan: {len(plan.clusters)} clusters ({auto} auto, {len(plan.clusters) - auto} to review), "
              f"{plan.compared_pairs} pairs compared of {plan.all_pairs}, threshold {plan.threshold}.\n"
              "# auto clusters come as decision: accept, the others as pending: set accept or reject per cluster,\n"
              "# then `kebir dedup apply PLAN`.\n")
    _SCALARS.clear()
    _FLOWS.clear()
    chunks: list[str] = [header]
    for n, rec in enumerate(plan.kept, 1):      # carried over as written, renumbered
        chunks.append(re.sub(r"^- cluster: *\d+", f"- cluster: {n}", rec["text"], count=1))
    new_plan = Plan(plan.clusters, plan.compared_pairs, plan.all_pairs, plan.threshold, plan.model, plan.norms,
                    plan.contacts, kept=[])
    for rec in iter_records(new_plan):
        rec["cluster"] += len(plan.kept)
        lines: list[str] = []
        if set(rec) == _NEW_KEYS:
            _emit_new(rec, lines)
        else:
            _emit(rec, "", lines, True)
        chunks.append("".join(lines))
    _SCALARS.clear()            # the caches live for one dump
    _FLOWS.clear()
    return "".join(chunks) if len(chunks) > 1 else header + "[]\n"


_NEW_KEYS = frozenset({"cluster", "decision", "confidence", "score", "members", "pairs", "survivor", "evidence",
                       "fields"})


def _emit_new(rec: dict[str, Any], out: list[str]) -> None:
    """A new cluster record; members, pairs and fields as one flow mapping per line. (The cache
    lookups are inlined: this runs for every value of a plan with hundreds of thousands of clusters.)"""
    sg, fg, q, f = _SCALARS.get, _FLOWS.get, _scalar, _flow
    out.append(f"- cluster: {rec['cluster']}\n  decision: {rec['decision']}\n  confidence: {rec['confidence']}\n"
               f"  score: {rec['score']!r}\n  members:\n")
    for m in rec["members"]:
        i, r, n = m["id"], m["role"], m["name"]
        out.append(f"  - {{id: {fg(i) or f(i)}, side: {m['side']}, role: {fg(r) or f(r)}, name: {fg(n) or f(n)}}}\n")
    out.append("  pairs:\n")
    for p in rec["pairs"]:
        a, b = p["a"], p["b"]
        out.append(f"  - {{a: {fg(a) or f(a)}, b: {fg(b) or f(b)}, score: {p['score']!r}}}\n")
    s = rec["survivor"]
    out.append(f"  survivor: {sg(s) or q(s)}\n  evidence:\n")
    for e in rec["evidence"]:
        out.append(f"  - field: {e['field']}\n    values:\n")
        for k, v in e["values"].items():
            out.append(f"      {sg(k) or q(k)}: {sg(v) or q(v)}\n")
        a = e["agree"]
        out.append(f"    agree: {sg(a) or q(a)}\n    missing: [{', '.join(fg(x) or f(x) for x in e['missing'])}]\n")
    out.append("  fields:\n" if rec["fields"] else "  fields: []\n")
    for x in rec["fields"]:
        k, v, fr = x["field"], x["value"], x["from"]
        out.append(f"  - {{field: {fg(k) or f(k)}, value: {fg(v) or f(v)}, from: {fg(fr) or f(fr)}}}\n")


# The plan is written by this small block-style YAML emitter (the plan has a fixed shape): PyYAML's
# representer takes about 2 ms per cluster, too slow for a million records. Strings are plain when
# that is safe (a letter first, no YAML indicators, not a YAML 1.1 boolean or null), else JSON
# double-quoted, which YAML reads back as the same string.
_PLAIN = re.compile(r"[^\W\d_][\w .,'()/@&+-]*", re.UNICODE)
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


_SCALARS: dict[str, str] = {}


def _scalar(v: Any) -> str:
    if type(v) is str:
        got = _SCALARS.get(v)
        if got is None:
            got = v if _PLAIN.fullmatch(v) and v[-1] != " " and v.lower() not in _RESERVED \
                else json.dumps(v, ensure_ascii=False)
            _SCALARS[v] = got
        return got
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return repr(v) if isinstance(v, float) else str(v)


_FLOWS: dict[str, str] = {}


def _flow(v: Any) -> str:
    """A scalar inside a flow mapping: as _scalar, and quoted if it holds a comma."""
    if type(v) is not str:
        return _scalar(v)
    got = _FLOWS.get(v)
    if got is None:
        got = json.dumps(v, ensure_ascii=False) if "," in v else _scalar(v)
        _FLOWS[v] = got
    return got


def _emit(obj: Any, ind: str, out: list[str], item: bool = False) -> None:
    """A mapping (as a list item when item) at indentation ind, appended to out as lines."""
    first = True
    for k, v in obj.items():
        lead = (ind + "- ") if item and first else (ind + "  " if item else ind)
        first = False
        key = _scalar(str(k))
        t = type(v)
        if t is str or t is float or t is int:
            out.append(f"{lead}{key}: {_scalar(v)}\n")
        elif t is dict:
            if not v:
                out.append(f"{lead}{key}: {{}}\n")
            else:
                out.append(f"{lead}{key}:\n")
                _emit(v, (ind + "  " if item else ind) + "  ", out)
        elif t is list:
            if not v:
                out.append(f"{lead}{key}: []\n")
                continue
            out.append(f"{lead}{key}:\n")
            sub = ind + "  " if item else ind
            for x in v:
                if type(x) is dict:
                    _emit(x, sub, out, True)
                else:
                    out.append(f"{sub}- {_scalar(x)}\n")
        else:
            out.append(f"{lead}{key}: {_scalar(v)}\n")


def scan_books(root: Path, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}), across: bool = True,
               threshold: float = 0.9, previous: Previous | None = None) -> Plan:
    """`scan` straight from a books directory's contacts/ (`read_contacts`), with its links."""
    frame, links = read_contacts(root)
    cache = Path(root) / ".kebir" / "cache" / "dedup-norm.parquet"
    return scan_frame(frame, within, across, threshold, previous=previous, links=links, cache=cache)


def pairs_table(plan: Plan) -> Any:
    """The scored pairs of a plan's clusters, one row each (for `kebir dedup scan --format json|csv`):
    cluster number, the two ids, the match probability, the cluster's confidence and survivor."""
    from core.reports import Column, Table

    rows = []
    for n, c in enumerate(plan.clusters, 1):
        for a, b, prob in sorted(c.pairs):
            rows.append((n, a, b, f"{prob:.4f}", c.confidence, c.survivor))
    cols = (Column("cluster", "Cluster", "int"), Column("a", "A"), Column("b", "B"), Column("score", "Score"),
            Column("confidence", "Confidence"), Column("survivor", "Survivor"))
    return Table("dedup-pairs", f"Scored pairs of {len(plan.clusters)} cluster(s)", cols, tuple(rows), None,
                 {"compared_pairs": plan.compared_pairs, "all_pairs": plan.all_pairs, "threshold": plan.threshold})
