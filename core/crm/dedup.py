"""Duplicate detection over the contacts: `scan` (this module); merging is core.crm.merge.

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
import io
import itertools
import json
import math
import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

import polars as pl
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import ratio, token_set_ratio
from rapidfuzz.process import cpdist

from core.model.records import Contact

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


DEFAULT_REGION = "TR"       # phones without a country code and no `country` on the record are read as Turkish


@cache
def _tr_prefixes() -> frozenset[str]:
    """The three-digit Turkish area and mobile codes libphonenumber knows (`212`, `312`, `532`, ...)."""
    import phonenumbers
    out = set()
    for p in range(200, 1000):
        for tail in ("2345678", "4567890", "1234567"):
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(f"+90{p}{tail}")):
                    out.add(str(p))
                    break
            except phonenumbers.NumberParseException:
                pass
    return frozenset(out)


def phone_lib(raw: str | None, region: str | None = None) -> str | None:
    """A phone to E.164 with libphonenumber's metadata (the `phonenumbers` package): read in the
    record's country (else DEFAULT_REGION) unless it carries its own (`+1 ...`, `001 ...`); an
    extension (`... ext 6108`, `x6108`) is kept apart and left out; None if it is not a number."""
    import phonenumbers
    if not raw:
        return None
    try:
        n = phonenumbers.parse(str(raw), (region or DEFAULT_REGION).upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(n):
        return None
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)


def phone_norm(raw: str | None, country: str | None = None) -> str | None:
    """A phone to E.164: the fast rules (`phone_e164`) for Turkish numbers in Turkish records,
    libphonenumber (`phone_lib`) for the rest: another country, letters (an extension), or a
    +90 number without a Turkish area code (`310/246-1501` in a US restaurant list)."""
    if not raw:
        return None
    fast = phone_e164(raw)
    foreign = bool(country) and str(country).upper() != "TR"
    if (fast and not foreign and not re.search(r"[A-Za-z]", str(raw))
            and (not fast.startswith("+90") or fast[3:6] in _tr_prefixes())):
        return fast
    return phone_lib(raw, country)


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


def id_norm(raw: str | None) -> str | None:
    """An identity number's letters and digits, upper-cased (`12 345 678-9` -> `123456789`)."""
    if not raw:
        return None
    d = re.sub(r"[^0-9A-Za-z]", "", str(raw)).upper()
    return d or None


def date_norm(raw: str | None) -> str | None:
    """A birth date as YYYYMMDD: `1990-02-19`, `19900219`, `19.02.1990`, `19/02/1990` -> `19900219`."""
    if not raw:
        return None
    s = str(raw).strip()
    m = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", s)
    if m:
        return f"{m[3]}{int(m[2]):02d}{int(m[1]):02d}"
    d = re.sub(r"\D", "", s)
    return d or None


def tckn_valid(d: str) -> bool:
    """A Turkish identity number (TCKN, 11 digits) passes its two check digits."""
    if not re.fullmatch(r"[1-9]\d{10}", d):
        return False
    x = [int(c) for c in d]
    return (sum(x[0:9:2]) * 7 - sum(x[1:8:2])) % 10 == x[9] and sum(x[:10]) % 10 == x[10]


def vkn_valid(d: str) -> bool:
    """A Turkish tax number (VKN, 10 digits) passes its check digit."""
    if not re.fullmatch(r"\d{10}", d):
        return False
    total = 0
    for i in range(9):
        t = (int(d[i]) + 9 - i) % 10
        v = (t * 2 ** (9 - i)) % 9
        total += 9 if t and v == 0 else v
    return (10 - total % 10) % 10 == int(d[9])


def tax_id_checkable(d: str | None) -> bool:
    """A tax id in a form with a checksum (a VKN or a TCKN); others cannot be checked."""
    return bool(d) and len(d) in (10, 11) and d.isdigit()


def tax_id_valid(d: str | None) -> bool:
    """A VKN or TCKN that passes its checksum; any other id counts as valid (it cannot be checked)."""
    if not d:
        return False
    if not tax_id_checkable(d):
        return True
    return vkn_valid(d) if len(d) == 10 else tckn_valid(d)


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
    nid: str | None = None          # national identity number (a foreign person's), letters and digits
    dob: str | None = None          # birth date, YYYYMMDD
    zip: str | None = None          # postcode, folded


def normalise(c: Contact) -> Norm:
    f = dict(c.fields)
    name = norm_name(c.name, c.kind)
    email = email_norm(f.get("email"))
    domains = {d for d in (domain_stem(email), domain_stem(f.get("website"))) if d}
    city = fold(f["city"]) if f.get("city") else None
    return Norm(c.id, c.side, c.kind, c.role, name, tuple(name.split()), phone_norm(f.get("phone"), f.get("country")),
                email, frozenset(domains), tax_digits(f.get("tax_id")), city,
                1 + sum(1 for _, v in c.fields if v not in (None, "", [])), address_norm(f.get("address")),
                id_norm(f.get("national_id")), date_norm(f.get("birth_date")),
                "".join(_tokens(str(f["postcode"]))) or None if f.get("postcode") else None)


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


def _phone_frame(df: pl.DataFrame) -> pl.Series:
    """phone_norm column-wise: the fast rules where they apply, libphonenumber once per distinct
    (phone, country) for the rest."""
    raw, country = pl.col("phone"), pl.col("country").str.to_uppercase()
    d = df.with_columns(_phone_expr(raw).alias("fast"))
    lib = raw.is_not_null() & (
        (country.is_not_null() & (country != "TR")).fill_null(False) | raw.str.contains(r"[A-Za-z]").fill_null(False)
        | d["fast"].is_null() | (d["fast"].str.starts_with("+90")
                                 & ~d["fast"].str.slice(3, 3).is_in(sorted(_tr_prefixes()))).fill_null(False))
    d = d.with_columns(lib.alias("lib"))
    todo = d.filter("lib").select("phone", "country").unique()
    if todo.height == 0:
        return d["fast"].alias("phone")
    got = todo.with_columns(pl.Series("e164", [phone_lib(r, c) for r, c in todo.iter_rows()], dtype=pl.String))
    d = d.join(got, on=["phone", "country"], how="left", nulls_equal=True, maintain_order="left")
    return d.select(pl.when(pl.col("lib")).then(pl.col("e164")).otherwise(pl.col("fast")).alias("phone"))["phone"]


def _domain_expr(e: pl.Expr) -> pl.Expr:
    d = e.str.strip_chars().str.to_lowercase().str.split("@").list.last()
    d = d.str.replace(r"^[a-z]+://", "").str.split("/").list.first().str.replace(r"^www\.", "")
    d = d.str.replace(_TLD_RE, "").str.split(".").list.last().str.replace_all("-", "", literal=True)
    return pl.when((d == "") | d.is_in(list(FREE_MAIL))).then(None).otherwise(d)


# columns of the row frames that are not fields of the record (`filled` and the content hash skip them)
_META = ("idx", "file", "raw", "rec", "fo", "hash")
# the normalised columns kept per record (in the rows cache as "n:" + name)
NORM_COLUMNS = ("name", "phone", "email", "dom1", "dom2", "tax", "city", "addr", "filled", "nid", "dob", "zip")
# bumped when normalisation changes: cached rows of another version are normalised again
NORM_VERSION = 4


def normalise_frame(df: pl.DataFrame) -> pl.DataFrame:
    """The contact frame (CONTACT_COLUMNS and any further fields) -> one row per contact with the
    normalised columns: name, phone, email, dom1, dom2, tax, city, addr, filled (how many fields
    are present) and, from the name, sname (sorted tokens), toks, first, last."""
    return _with_tokens(_normalised(df))


def _with_tokens(nf: pl.DataFrame) -> pl.DataFrame:
    tl = pl.col("name").str.split(" ")
    return nf.with_columns(tl.list.sort().list.join(" ").alias("sname"), tl.alias("toks"),
                           pl.when(tl.list.len() > 1).then(tl.list.first()).alias("first"),
                           pl.when(tl.list.len() > 1).then(tl.list.last()).alias("last"))


def _normalised(df: pl.DataFrame) -> pl.DataFrame:
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
                                for c in df.columns if c not in ("id", "side", "role", "kind", "name") + _META])

    def col(c: str) -> pl.Expr:
        return pl.col(c) if c in df.columns else pl.lit(None, pl.String)
    nid = col("national_id").str.replace_all(r"[^0-9A-Za-z]", "").str.to_uppercase()
    bd = col("birth_date").str.strip_chars()
    dmy = bd.str.extract_groups(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
    dob = pl.when(dmy.struct.field("3").is_not_null()).then(
        dmy.struct.field("3") + dmy.struct.field("2").str.zfill(2) + dmy.struct.field("1").str.zfill(2)) \
        .otherwise(bd.str.replace_all(r"\D", ""))
    zipc = _tokens_expr(col("postcode")).str.replace_all(" ", "", literal=True)
    phone = _phone_frame(df.select(pl.col("phone"), col("country").alias("country")))
    out = df.select(
        "id", "side", "role", "kind", name.alias("name"), phone.alias("phone"),
        email.alias("email"), _domain_expr(email).alias("dom1"), _domain_expr(pl.col("website")).alias("dom2"),
        pl.when(tax != "").then(tax).alias("tax"), pl.when(city != "").then(city).alias("city"),
        pl.when(addr != "").then(addr).alias("addr"), (1 + filled).alias("filled"),
        pl.when(nid != "").then(nid).alias("nid"), pl.when(dob != "").then(dob).alias("dob"),
        pl.when(zipc != "").then(zipc).alias("zip"))
    return out


# --------------------------------------------------------------------------------------------
# Blocking

MAX_BLOCK = 40          # blocks larger than this carry no information (a shared switchboard, "istanbul")
MAX_NAME_BLOCK = 12     # a larger block of a name or street key is namesakes (Mehmet Yılmaz in Istanbul)
MAX_PAIRS = 60          # pairs kept per record, those sharing the most keys first (measured: bench/README.md)

# a rough phonetic key for Turkish and English names (folded): letters that sound alike made one,
# vowels after the first letter and doubled letters dropped, four letters kept
_PHON_FROM = ["ph", "ck", "sch", "sh", "ch", "q", "c", "z", "d", "b", "v", "w", "j", "y", "h"]
_PHON_TO = ["f", "k", "s", "s", "k", "k", "k", "s", "t", "p", "f", "f", "g", "", ""]
_DOUBLE = [c + c for c in "bcdfgklmnprstv"]


def phonetic(token: str | None) -> str | None:
    """`stubbs`, `stubs`, `stupps` -> `stps`; `yilmaz`, `yılmaz`, `jilmas` -> the same key."""
    if not token:
        return None
    t = fold(token)
    for a, b in zip(_PHON_FROM, _PHON_TO):
        t = t.replace(a, b)
    t = t[:1] + re.sub(r"[aeiou]", "", t[1:])
    for d in _DOUBLE:
        t = t.replace(d, d[0])
    return t[:4] or None


def _phonetic_expr(e: pl.Expr) -> pl.Expr:
    e = e.str.replace_many(_PHON_FROM, _PHON_TO)
    e = e.str.slice(0, 1) + e.str.slice(1).str.replace_all(r"[aeiou]", "")
    e = e.str.replace_many(_DOUBLE, [d[0] for d in _DOUBLE])
    e = e.str.slice(0, 4)
    return pl.when(e != "").then(e)


def _key_exprs() -> list[tuple[str, pl.Expr]]:
    """The blocking keys: (prefix, expression over the normalised columns). The exact keys (tax id,
    national id, phone, e-mail, domain, address) and keys that survive a typo in any one field:
    the first and last five characters of an identity number, the last seven digits of a phone,
    the birth date, the house number with the street's first letters, the street without the
    number, and name keys (a phonetic key of the first and last name tokens, alone or with the
    birth year, postcode or city; a company's first name token and its second's initial with its
    city). Keys whose prefix
    starts with `name` do not make an identifier shared (see candidate_pairs_frame)."""
    pid = pl.coalesce(pl.col("tax"), pl.col("nid"))
    long_id = pid.str.len_chars() >= 7
    toks = pl.col("name").str.split(" ")
    first, last = toks.list.first(), toks.list.last()
    two = toks.list.len() > 1
    pf, pl_ = _phonetic_expr(first), _phonetic_expr(last)
    num = pl.col("addr").str.extract(r"\b(\d+)\b")
    street = pl.col("addr").str.replace_all(r"\b\d+\w*\b", "").str.replace_all(r" +", " ").str.strip_chars()
    person = pl.col("kind") == "person"
    kind = pl.col("kind").str.slice(0, 1) + ":"
    return [
        ("tax:", pl.col("tax")), ("nid:", pl.col("nid")), ("tel:", pl.col("phone")), ("mail:", pl.col("email")),
        ("dom:", pl.col("dom1")), ("dom:", pl.col("dom2")), ("adr:", pl.col("addr")),
        ("idh:", pl.when(long_id).then(pid.str.slice(0, 5))), ("idt:", pl.when(long_id).then(pid.str.slice(-5))),
        ("tl7:", pl.col("phone").str.slice(-7)),
        ("dob:", pl.when(pl.col("dob").str.len_chars() == 8).then(pl.col("dob"))),
        ("ahn:", kind + num + " " + street.str.slice(0, 3)),
        ("ast:", pl.when(street.str.len_chars() >= 6).then(kind + street)),
        ("name:pp:", pl.when(two).then(kind + pf + " " + pl_)),
        ("name:py:", pl.when(person).then(pl_ + " " + pl.col("dob").str.slice(0, 4))),
        ("name:fy:", pl.when(person & two).then(pf + " " + pl.col("dob").str.slice(0, 4))),
        ("name:pz:", kind + pl_ + " " + pl.col("zip")),
        ("name:fz:", pl.when(two).then(kind + pf + " " + pl.col("zip"))),
        ("name:pc:", kind + first.str.slice(0, 1) + " " + pl_ + " " + pl.col("city")),
        ("name:cc:", pl.when(~person & (first.str.len_chars() >= 3)).then(
            first + " " + toks.list.get(1, null_on_oob=True).str.slice(0, 1).fill_null("") + " " + pl.col("city"))),
    ]


def block_keys(n: Norm) -> set[str]:
    """The blocking keys of one record (scalar form of `_keys_frame`)."""
    row = {"tax": n.tax, "nid": n.nid, "phone": n.phone, "email": n.email, "addr": n.address,
           "dob": n.dob, "zip": n.zip, "city": n.city, "kind": n.kind, "name": n.name}
    doms = sorted(n.domains) + [None, None]
    row["dom1"], row["dom2"] = doms[0], doms[1]
    df = pl.DataFrame([row], schema={k: pl.String for k in row}).with_row_index("idx")
    return set(_keys_frame(df)["key"].to_list())


def _keys_frame(nf: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([nf.select("idx", (pl.lit(p) + e).alias("key")) for p, e in _key_exprs()]) \
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
    a name: EM learns from those (namesakes would otherwise swamp it).

    With `fresh`, only the records sharing a key value with a fresh record are blocked (a filter
    per key column): a few new records against a million cost a few column scans, not a join
    of every key."""
    if fresh is not None:
        nf = nf.with_columns(fresh.alias("fresh"))
        hot = nf.filter(pl.col("fresh"))
        hot_keys = _keys_frame(hot)["key"].unique().implode()
        near = pl.col("fresh")
        for p, e in _key_exprs():
            near = near | (pl.lit(p) + e).is_in(hot_keys).fill_null(False)
        nf = nf.filter(near)
        fresh = nf["fresh"]
    keys = _keys_frame(nf)
    sizes = keys.group_by("key").len().filter(pl.col("len").is_between(
        2, pl.when(pl.col("key").str.contains(r"^(?:name:|ast:)")).then(MAX_NAME_BLOCK).otherwise(MAX_BLOCK)))
    keys = keys.join(sizes.select("key"), on="key")
    if fresh is not None:
        fresh_idx = nf.filter(fresh).select("idx")
        hot = keys.join(fresh_idx, on="idx").select("key").unique()
        keys = keys.join(hot, on="key")
    pairs = keys.join(keys, on="key", suffix="_b").filter(pl.col("idx") < pl.col("idx_b")) \
        .group_by(pl.col("idx").alias("a"), pl.col("idx_b").alias("b")) \
        .agg((~pl.col("key").str.starts_with("name:")).any().alias("ident"), pl.len().alias("nk"))
    # at most MAX_PAIRS per record: those sharing the most keys (ties: the nearer ids)
    order = [pl.col("nk"), -(pl.col("b").cast(pl.Int64) - pl.col("a").cast(pl.Int64))]
    pairs = pairs.sort(order, descending=True).filter(
        (pl.int_range(pl.len()).over("a") < MAX_PAIRS) & (pl.int_range(pl.len()).over("b") < MAX_PAIRS))
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
    return name_similarity(a, b) < NAME_CUTS[0] and not _strong(compare(a, b), a, b)


def _eq_level(a: str, b: str) -> pl.Expr:
    return pl.when(pl.col(a).is_null() | pl.col(b).is_null()).then(-1) \
        .otherwise((pl.col(a) == pl.col(b)).cast(pl.Int8)).cast(pl.Int8)


def _sims_many(xs: list[str], ys: list[str]) -> list[float]:
    """_sim over pairs of lists, in rapidfuzz's C loop (cpdist)."""
    if not xs:
        return []
    import numpy as np
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
            pl.col("addr_a").str.replace_all(r"\b\d+\w*\b", "").str.replace_all(r" +", " ").str.strip_chars().alias("sa"),
            pl.col("addr_b").str.replace_all(r"\b\d+\w*\b", "").str.replace_all(r" +", " ").str.strip_chars().alias("sb"))
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
    dom_agree = ((pl.col("dom1_a") == pl.col("dom1_b")).fill_null(False) | (pl.col("dom1_a") == pl.col("dom2_b")).fill_null(False)
                 | (pl.col("dom2_a") == pl.col("dom1_b")).fill_null(False) | (pl.col("dom2_a") == pl.col("dom2_b")).fill_null(False))
    dom = pl.when(has_a & has_b).then(dom_agree.cast(pl.Int8)).otherwise(-1)
    j = j.with_columns(lv, _lev3_frame(j, "phone_a", "phone_b").alias("ph3"), _lev3_frame(j, "pid_a", "pid_b").alias("tax"),
                       _lev3_frame(j, "dob_a", "dob_b", date=True).alias("dob"), _lev3_frame(j, "zip_a", "zip_b").alias("zip"),
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
    hard = pl.col("conflict") | ((pl.col("sim") < NAME_CUTS[0]) & ~strong.fill_null(False))
    return j.select("a", "b", "name", "phone", "email", dom.cast(pl.Int8).alias("domain"), "tax", "city", "address",
                    "dob", "zip", hard.fill_null(False).alias("hard"))


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
        """The logistic of the prior log-odds plus the weights, where the fields that place a party
        (phone, city, address, postcode: LOCATION) count once, by their strongest
        agreement: firms at one address share its phone, city and postcode, so those agreements
        are one piece of evidence, not four (disagreements each still count)."""
        ws = [self.weight(f, l) for f, l in zip(FIELDS, vec)]
        loc = [w for f, w in zip(FIELDS, ws) if f in LOCATION]
        w = math.log2(self.lam / (1 - self.lam)) + sum(w for f, w in zip(FIELDS, ws) if f not in LOCATION) \
            + sum(x for x in loc if x < 0) + max([x for x in loc if x > 0], default=0.0)
        w = max(min(w, 60.0), -60.0)
        return 1.0 / (1.0 + 2.0 ** (-w))

    def as_dict(self) -> dict[str, Any]:
        return {"lam": self.lam, "m": self.m, "u": self.u, "iterations": self.iterations,
                "converged": self.converged}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Model":
        # a model of another shape (an earlier version's sidecar): its fields fall back to the prior
        m = {f: list(d["m"][f]) if len(d["m"].get(f, ())) == LEVELS[f] else list(PRIOR_M[f]) for f in FIELDS}
        u = {f: list(d["u"][f]) if len(d["u"].get(f, ())) == LEVELS[f] else list(PRIOR_U[f]) for f in FIELDS}
        return cls(float(d["lam"]), m, u, int(d["iterations"]), bool(d["converged"]))


def _clamp_prior(p: float) -> float:
    return min(max(p, 1e-12), 0.5)


def _clamp(p: float) -> float:
    return min(max(p, 1e-4), 1 - 1e-4)


# Fixed weights: the starting point of EM and its prior (pseudo-counts), and what scan uses when EM
# does not converge. m = P(level | same party), u = P(level | different parties among candidate
# pairs, which already share a blocking key): a shared phone, e-mail or tax id is rare between
# different firms (u ~ 1%), a shared domain or city is common (they put the pair in one block).
PRIOR_LAMBDA = 0.1
PRIOR_M = {"name": [0.02, 0.05, 0.18, 0.75], "phone": [0.08, 0.04, 0.88], "email": [0.4, 0.6],
           "domain": [0.1, 0.9], "tax": [0.02, 0.05, 0.93], "city": [0.04, 0.04, 0.92],
           "address": [0.2, 0.15, 0.65], "dob": [0.03, 0.07, 0.9], "zip": [0.05, 0.05, 0.9]}
PRIOR_U = {"name": [0.85, 0.12, 0.02, 0.01], "phone": [0.985, 0.005, 0.01], "email": [0.995, 0.005],
           "domain": [0.7, 0.3], "tax": [0.99, 0.005, 0.005], "city": [0.28, 0.02, 0.7],
           "address": [0.93, 0.02, 0.05], "dob": [0.99, 0.008, 0.002], "zip": [0.9, 0.03, 0.07]}
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
    u = {f: list((u_fixed or {}).get(f, v)) for f, v in PRIOR_U.items()}
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
            new_u[f] = [_clamp(x / sum(uc)) for x in uc] if u_fixed is None or f not in u_fixed else u[f]
        delta = abs(new_lam - lam) + max(abs(a - b) for f in FIELDS
                                         for a, b in zip(new_m[f] + new_u[f], m[f] + u[f]))
        lam, m, u = new_lam, new_m, new_u
        if delta < tol:
            return Model(lam, m, u, it, True)
    fixed = fixed_model()
    return Model(fixed.lam, fixed.m, {f: list((u_fixed or {}).get(f, v)) for f, v in PRIOR_U.items()}, max_iter, False)


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
    _tick("u: compare random pairs")
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
    """What an earlier plan holds (`read_previous`): its clusters and their decisions, the plan's
    lines (to carry clusters into the next plan as they were written), every pair inside a
    decided cluster, and, from its `.seen` sidecar, the model and record hashes of its scan."""
    clusters: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"cl": pl.UInt32, "decision": pl.String, "members": pl.List(pl.String), "start": pl.Int64,
                "rest": pl.Int64, "end": pl.Int64}))      # start, rest, end: character offsets in text
    text: str = ""
    pairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"a": pl.String, "b": pl.String, "rejected": pl.Boolean}))     # ids, a < b
    seen: pl.DataFrame | None = None                                         # id, hash (the sidecar)
    model: Model | None = None

    @property
    def decided(self) -> set[frozenset[str]]:
        """Pairs inside an accepted or rejected cluster."""
        return {frozenset(p) for p in self.pairs.select("a", "b").iter_rows()}

    @property
    def rejected(self) -> set[frozenset[str]]:
        return {frozenset(p) for p in self.pairs.filter(pl.col("rejected")).select("a", "b").iter_rows()}


@dataclass
class Kept:
    """Clusters of an earlier plan carried into the next one as they were written, renumbered:
    slices of the earlier plan's text (start, rest: after `- cluster: N`, end: after its last
    non-blank line), in the new plan's order."""
    text: str
    spans: pl.DataFrame

    def __len__(self) -> int:
        return self.spans.height

    def chunks(self) -> Iterable[str]:
        t = self.text
        for n, (start, rest, end) in enumerate(self.spans.select("start", "rest", "end").iter_rows(), 1):
            yield (t[start:end] if rest is None else f"- cluster: {n}" + t[rest:end]) + "\n"


@dataclass
class Plan:
    clusters: list[Cluster]
    compared_pairs: int
    all_pairs: int
    threshold: float
    model: Model
    rows: pl.DataFrame | None = field(repr=False, default=None)     # the clustered records: fields, "n:" norms
    hashes: pl.DataFrame | None = field(repr=False, default=None)   # id, hash of every scanned record
    kept: Kept | None = field(repr=False, default=None)             # clusters carried over from the earlier plan
    fresh: int = -1                                # records compared as new or changed (-1: all)

    @cached_property
    def contacts(self) -> dict[str, Contact]:
        """The clustered records as Contacts (fields in schema order), for the scalar evidence."""
        return _contacts_of(self.rows)

    @cached_property
    def norms(self) -> dict[str, Norm]:
        return _norms_of(self.rows)


def contact_frame(contacts: Iterable[Contact]) -> tuple[pl.DataFrame, dict[str, list[tuple[str, str]]]]:
    """Contacts -> the contact frame (CONTACT_COLUMNS, then any further field, one row each) and
    their full field lists."""
    contacts = list(contacts)
    names = list(CONTACT_COLUMNS) + sorted({k for c in contacts for k, _ in c.fields} - set(CONTACT_COLUMNS)
                                           - set(_META))
    rows: dict[str, list[Any]] = {c: [] for c in names}
    extra: dict[str, list[tuple[str, str]]] = {}
    for c in contacts:
        f = dict(c.fields)
        for k in names:
            v = getattr(c, k) if k in ("id", "side", "role", "kind", "name") else f.get(k)
            rows[k].append(None if v in (None, "") else str(v))
        extra[c.id] = list(c.fields)
    return pl.DataFrame(rows, schema={c: pl.String for c in names}), extra


def _hash_expr(columns: Iterable[str]) -> pl.Expr:
    """Content hash of a record: every field present, as key=value (so a field added to other
    records, or columns in another order, leave it unchanged)."""
    parts = [pl.when(pl.col(c).is_not_null()).then(pl.lit(c + "=") + pl.col(c))
             for c in sorted(columns) if c not in _META and c != "id" and not c.startswith("n:")]
    return pl.concat_str(parts, separator="\x1f", ignore_nulls=True).hash(seed=6).cast(pl.String)


def _rows(frame: pl.DataFrame) -> pl.DataFrame:
    """A contact frame with its content `hash` and the normalised columns ("n:" + NORM_COLUMNS)."""
    nf = _normalised(frame)
    return frame.with_columns(_hash_expr(frame.columns).alias("hash"),
                              *[nf[c].alias("n:" + c) for c in NORM_COLUMNS],
                              pl.lit(NORM_VERSION, pl.Int32).alias("n:v"))


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
    frame, _ = contact_frame(contacts)
    if links is None:
        links = [(ln.crm, ln.erp) for ln in getattr(book, "links", ())]
    return scan_frame(frame, within, across, threshold, lower, previous, links)


def scan_frame(frame: pl.DataFrame, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}),
               across: bool = True, threshold: float = 0.9, lower: float = 0.5,
               previous: Previous | None = None, links: Iterable[tuple[str, str]] = ()) -> Plan:
    """`scan` over a contact frame (CONTACT_COLUMNS and any further fields; `read_contacts` reads
    one from the books)."""
    _tick(None)
    frame = frame.filter((pl.col("role") != "employee") & pl.col("merged_into").is_null())
    rows = _rows(frame)
    _tick("normalise")
    return _scan_rows(rows, set(within), across, threshold, lower, previous, links)


def _pair_frame(pairs: Iterable[Iterable[str]]) -> pl.DataFrame:
    got = [tuple(sorted(p)) for p in pairs if len(set(p)) == 2]
    return pl.DataFrame({"a": [a for a, _ in got], "b": [b for _, b in got]}, schema={"a": pl.String, "b": pl.String})


def _to_idx(pairs: pl.DataFrame, idmap: pl.DataFrame) -> pl.DataFrame:
    """Id pairs (a < b) -> row-index pairs of the records scanned (rows sorted by id, so a < b still)."""
    return pairs.join(idmap.rename({"id": "a", "idx": "ia"}), on="a") \
        .join(idmap.rename({"id": "b", "idx": "ib"}), on="b") \
        .select(pl.col("ia").alias("a"), pl.col("ib").alias("b")).unique()


def _scan_rows(rows: pl.DataFrame, within: set[str], across: bool, threshold: float, lower: float,
               previous: Previous | None, links: Iterable[tuple[str, str]]) -> Plan:
    """The scan proper, over rows with their content hash and normalised columns (`_rows`)."""
    rows = rows.filter((pl.col("role") != "employee") & pl.col("merged_into").is_null())
    rows = (rows if rows["id"].is_sorted() else rows.sort("id")).with_row_index("idx")
    nf = rows.select("idx", "id", "side", "role", "kind", *[pl.col("n:" + c).alias(c) for c in NORM_COLUMNS])
    fresh = None
    model_given = None
    if previous is not None and previous.seen is not None:
        was = rows.select("id", "hash").join(previous.seen.rename({"hash": "old"}), on="id", how="left",
                                             maintain_order="left")
        fresh = was.select((pl.col("old").is_null() | (pl.col("old") != pl.col("hash"))).alias("fresh"))["fresh"]
        model_given = previous.model
    pairs = candidate_pairs_frame(nf, within, across, fresh)
    _tick("block")
    vec = compare_frame(nf, pairs)
    _tick("compare")
    if model_given is not None:
        model = model_given
    else:
        train = vec.filter(pairs["ident"]) if pairs.height else vec
        pats = train.group_by(list(FIELDS)).len().sort(list(FIELDS))
        u = estimate_u(nf)
        if u is not None:
            # the name's u is learned among the candidate pairs: there the non-matches are records
            # that already share a phone, an address or a birth date (sister firms, households),
            # and among those a half-similar name is no evidence of a match, as it is among
            # random pairs (the fields are not independent given a shared contact)
            del u["name"]
        _tick("u")
        model = estimate([tuple(r[:-1]) for r in pats.iter_rows()], counts=pats["len"].to_list(), u_fixed=u)
        if u is not None and model.converged:
            # u is P(level | two random records), so the prior must be too: the matches EM found
            # among the pairs it learned from, over every pair the options allow (the candidate
            # pairs' own match share would count a shared blocking key twice)
            model.lam = _clamp_prior(model.lam * train.height / max(_all_pairs(nf, within, across), 1))
    scored = score_frame(vec, model)
    _tick("em+score")
    # never propose again: decided pairs and linked pairs give no edge; a rejected pair never
    # shares a cluster; a cluster made only of known pairs is dropped
    idmap = rows.select("id", "idx")
    decided = (previous or Previous()).pairs
    known_df = _to_idx(pl.concat([decided.select("a", "b"), _pair_frame(links)]), idmap)
    banned_df = _to_idx(decided.filter(pl.col("rejected")).select("a", "b"), idmap)
    edges_df = scored.filter(pl.col("p") >= threshold).select("a", "b", "p") \
        .join(known_df, on=["a", "b"], how="anti").sort("a", "b")
    edges = list(edges_df.iter_rows())
    nodes = pl.concat([edges_df["a"], edges_df["b"]]).unique().sort()

    def local(df: pl.DataFrame) -> set[tuple[int, int]]:
        inside = pl.col("a").is_in(nodes.implode()) & pl.col("b").is_in(nodes.implode())
        return set(df.filter(inside).iter_rows())
    known, banned = local(known_df), local(banned_df)
    pscore = {(a, b): p for a, b, p in edges}
    comps = _components(nodes.to_list(), edges)
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
    at = nf.filter(pl.col("idx").is_in(nodes.implode())).select("idx", "id", "filled", "side")
    ids = dict(zip(at["idx"].to_list(), at["id"].to_list()))
    filled = dict(zip(at["idx"].to_list(), at["filled"].to_list()))
    sides = dict(zip(at["idx"].to_list(), at["side"].to_list()))
    clusters: list[Cluster] = []
    todo = comps
    while todo:
        group = todo.pop()
        member_pairs = [(a, b, pscore[(a, b)]) for a, b in itertools.combinations(group, 2)]
        if min(p for _, _, p in member_pairs) >= lower and not any((a, b) in banned for a, b, _ in member_pairs):
            if not all((a, b) in known for a, b, _ in member_pairs):
                clusters.append(_cluster(group, member_pairs, ids, filled, sides))
            continue
        # chaining guard: a member pair below `lower` (or rejected) may not share a cluster. Evict
        # the member in the most such pairs (ties: the least linked to the rest) until none is
        # left; the evicted form their own groups, so two parties chained by one link come apart
        # whole. Large groups: drop the weakest links until the group splits.
        if len(group) <= 50:
            score = {(a, b): p for a, b, p in member_pairs}
            bad = {(a, b) for a, b, p in member_pairs if p < lower or (a, b) in banned}
            rest, out = list(group), []
            while True:
                rs = set(rest)
                count = {x: 0 for x in rest}
                for a, b in bad:
                    if a in rs and b in rs:
                        count[a] += 1
                        count[b] += 1
                if not any(count.values()):
                    break
                worst = max(rest, key=lambda x: (count[x], -sum(score[(min(x, y), max(x, y))] for y in rest if y != x), x))
                rest.remove(worst)
                out.append(worst)
            gset_edges = [e for x in group for e in by_node.get(x, ()) if e[0] == x]
            for part in (rest, out):
                pset = set(part)
                todo.extend(_components(sorted(part), [e for e in gset_edges if e[0] in pset and e[1] in pset]))
            continue
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
    clustered = pl.Series([m for c in clusters for m in c.members], dtype=pl.String)
    plan_rows = rows.filter(pl.col("id").is_in(clustered.implode())).drop("idx")
    kept = None
    if previous is not None:
        stale = None
        if fresh is not None:       # incremental: the earlier proposals among unchanged records stand
            stale = pl.concat([rows.filter(fresh)["id"],
                               previous.seen.join(rows.select("id"), on="id", how="anti")["id"]])
        kept = _kept(previous, stale)
    _tick("members")
    return Plan(clusters, pairs.height, _all_pairs(nf, within, across), threshold, model, plan_rows,
                rows.select("id", "hash"), kept, -1 if fresh is None else int(fresh.sum()))


def _kept(previous: Previous, stale: pl.Series | None) -> Kept:
    """The earlier plan's clusters the new plan carries: the decided ones, then (in an
    incremental scan) the pending ones among unchanged records."""
    c = previous.clusters
    is_decided = pl.col("decision").is_in(["accept", "reject"])
    pending = c.filter(~is_decided)
    if stale is None:
        pending = pending.clear()
    else:
        touched = pending.select("cl", "members").explode("members") \
            .filter(pl.col("members").is_in(stale.implode()))["cl"]
        pending = pending.filter(~pl.col("cl").is_in(touched.implode()))
    return Kept(previous.text, pl.concat([c.filter(is_decided), pending]).select("start", "rest", "end"))


def _contacts_of(rows: pl.DataFrame | None) -> dict[str, Contact]:
    """Contacts of plan rows; fields in the schema order of the record's side (not `role`, which
    in the rows is the file's role, nor `kind` and `name`, which the Contact holds)."""
    if rows is None or rows.height == 0:
        return {}
    out: dict[str, Contact] = {}
    cols = {c: rows[c].to_list() for c in rows.columns if not c.startswith("n:") and c not in _META}
    fcols = {side: [k for k in _field_order(side) if k in cols] for side in ("crm", "erp")}
    for j, cid in enumerate(cols["id"]):
        side = cols["side"][j]
        fields = tuple((k, cols[k][j]) for k in fcols[side] if cols[k][j] not in (None, ""))
        out[cid] = Contact(cid, side, cols["role"][j], cols["kind"][j], cols["name"][j] or "", fields)
    return out


def _norms_of(rows: pl.DataFrame | None) -> dict[str, Norm]:
    if rows is None or rows.height == 0:
        return {}
    c = {k: rows[k].to_list() for k in ("id", "side", "kind", "role")}
    n = {k: rows["n:" + k].to_list() for k in NORM_COLUMNS}
    out: dict[str, Norm] = {}
    for j, cid in enumerate(c["id"]):
        name = n["name"][j]
        out[cid] = Norm(cid, c["side"][j], c["kind"][j], c["role"][j], name, tuple(name.split()) if name else (),
                        n["phone"][j], n["email"][j], frozenset(d for d in (n["dom1"][j], n["dom2"][j]) if d),
                        n["tax"][j], n["city"][j], n["filled"][j], n["addr"][j], n["nid"][j], n["dob"][j],
                        n["zip"][j])
    return out


@cache
def _field_order(side: str) -> tuple[str, ...]:
    """A side's record fields in schema order, without id, kind, name and role."""
    from core.books import schema
    return tuple(k for k in schema.field_order(f"{side}-contacts") if k not in ("id", "kind", "name", "role"))


def _cluster(group: list[int], member_pairs: list[tuple[int, int, float]], ids: Mapping[int, str],
             filled: Mapping[int, int], sides: Mapping[int, str]) -> Cluster:
    gs = {sides[g] for g in group}
    pool = [g for g in group if sides[g] == "erp"] if gs == {"crm", "erp"} else group
    survivor = ids[sorted(pool, key=lambda g: (-filled[g], ids[g]))[0]]
    low = min(p for _, _, p in member_pairs)
    pairs = sorted((ids[a], ids[b], p) if ids[a] < ids[b] else (ids[b], ids[a], p) for a, b, p in member_pairs)
    return Cluster(sorted(ids[g] for g in group), round(low, 4), pairs, survivor,
                   "auto" if low >= AUTO_THRESHOLD else "review")


# --------------------------------------------------------------------------------------------
# Reading the contacts fast (with a cache of parsed and normalised records), the previous plan,
# and the record hashes

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


def _text_lines(data: bytes) -> pl.Series:
    """The lines of a text (without line ends; a blank line is ""), read by the CSV reader as one
    column: a tenth of the time of str.split for a plan of hundreds of megabytes."""
    if not re.search(rb"\S", data):
        return pl.Series("line", [], dtype=pl.String)
    if b"\x1f" in data or b"\r" in data:
        text = data.decode("utf-8")
        got = text.split("\n")
        return pl.Series("line", got[:-1] if text.endswith("\n") else got, dtype=pl.String)
    lines = pl.read_csv(io.BytesIO(data), has_header=False, separator="\x1f", quote_char=None,
                        new_columns=["line"], schema_overrides={"line": pl.String}, encoding="utf8")["line"]
    return lines.fill_null("")


def _file_lines(data: bytes) -> pl.DataFrame | None:
    """A contacts file in the flat form kebir writes (`- id:` then `  key: value` lines) -> its
    lines with `rec`, the number of the record each belongs to (from 1); None for anything else."""
    head = data[:64].strip()
    if not head or head == b"[]":
        return pl.DataFrame(schema={"line": pl.String, "rec": pl.UInt32})
    if b"\x1f" in data or b"\r" in data:
        return None
    lines = _text_lines(data)
    lines = lines.filter((lines.str.strip_chars() != "") & ~lines.str.starts_with("#"))
    df = lines.to_frame().with_columns(pl.col("line").str.starts_with("- ").cum_sum().cast(pl.UInt32).alias("rec"))
    if df.height and df["rec"][0] != 1:
        return None
    return df


def _record_hashes(lines: pl.DataFrame) -> pl.DataFrame:
    """rec -> raw: a hash of the record's lines (with their places), what the rows cache is keyed by."""
    row = pl.int_range(pl.len(), dtype=pl.UInt32)
    start = pl.when(pl.col("line").str.starts_with("- ")).then(row).forward_fill()
    h = (pl.col("line").hash(seed=6) ^ (row - start).hash(seed=7)) // 1024
    return lines.select("rec", h.alias("h")).group_by("rec", maintain_order=True).agg(pl.col("h").sum().alias("raw"))


def _parse_records(lines: pl.DataFrame) -> pl.DataFrame | None:
    """Lines of flat records (line, rec) -> one row per record (rec, then the keys as columns,
    plain, quoted or flow-list scalars as strings); None if a line is not in that form."""
    if lines.height == 0:
        return pl.DataFrame(schema={"rec": pl.UInt32, "id": pl.String})
    df = lines.with_columns(pl.col("line").str.extract_groups(_LINE.pattern).alias("g")).unnest("g")
    df.columns = ["line", "rec", "lead", "key", "val"]
    if df["lead"].null_count() or df["val"].null_count():
        return None
    bad = df["val"].str.contains(r'^[|>&*!]|\\[^"\\]| #') | (df["val"].str.starts_with('"') & ~df["val"].str.ends_with('"'))
    if bad.any():
        return None
    df = df.with_columns(_unquote(pl.col("val")).alias("v"))
    if df.filter(pl.col("lead") == "- ")["key"].ne("id").any():
        return None
    try:        # without an aggregate, pivot refuses a key given twice in one record: the general reader says why
        return df.pivot(on="key", index="rec", values="v")
    except pl.exceptions.ComputeError:
        return None


def _fast_file(path: Path) -> pl.DataFrame | None:
    """A contacts file in kebir's flat form -> one row per record; None for anything else."""
    lines = _file_lines(path.read_bytes())
    parsed = None if lines is None else _parse_records(lines)
    return None if parsed is None else parsed.drop("rec")


_EMPTY_KEYS = pl.DataFrame(schema={"file": pl.String, "raw": pl.UInt64})


def _read_rows(root: Path, known: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame, list[tuple[str, str]]]:
    """The contacts of the books: (the records to parse, parsed: not among the `known` (file, raw)
    keys; the known records still there: file, fo, rec, raw; the CRM<->ERP links). Every row
    carries `file` (path), `fo` (the file's place), `rec` (the record's place) and `raw` (hash of
    its lines, null for files the general reader read)."""
    from core.books import schema
    from core.books.readers import read_contact, read_tree
    root = Path(root)
    new: list[pl.DataFrame] = []
    hits: list[pl.DataFrame] = []
    links: list[tuple[str, str]] = []
    base = root / "contacts"
    for fo, path in enumerate(sorted(base.rglob("*.yaml")) if base.is_dir() else []):
        rel = path.relative_to(root).as_posix()
        fk = schema.kind_of(rel)
        if fk is None:
            continue
        if fk.kind == "links":
            records, _ = read_tree(root, rel, fk.kind)
            links += [(str(r.get("crm")), str(r.get("erp"))) for r in records or [] if r.get("crm") and r.get("erp")]
            continue
        if fk.kind not in ("crm-contacts", "erp-contacts") or fk.role == "employee":
            continue
        side = "erp" if fk.kind == "erp-contacts" else "crm"
        meta = [pl.lit(rel).alias("file"), pl.lit(fo, pl.UInt32).alias("fo")]
        lines = _file_lines(path.read_bytes())
        df = None
        if lines is not None:
            recs = _record_hashes(lines).with_columns(*meta)
            miss = recs
            if known is not None:
                mine = known.filter(pl.col("file") == rel)
                hits.append(recs.join(mine, on=["file", "raw"], how="semi"))
                miss = recs.join(mine, on=["file", "raw"], how="anti")
            df = _parse_records(lines.join(miss.select("rec"), on="rec", how="semi"))
            if df is not None:
                df = df.join(miss, on="rec", how="left")
            elif known is not None:
                hits.pop()
        if df is None:
            records, _ = read_tree(root, rel, fk.kind)
            cs = [read_contact(r, rel, side, fk.role, fk.kind) for r in records or [] if r.get("id")]
            df, _ = contact_frame(cs)
            df = df.with_columns(*meta, (pl.int_range(pl.len()) + 1).cast(pl.UInt32).alias("rec"),
                                 pl.lit(None, pl.UInt64).alias("raw"))
        else:
            kind = pl.col("kind") if "kind" in df.columns else pl.lit(None, pl.String)
            df = df.with_columns(pl.lit(side).alias("side"), kind.fill_null("company").alias("kind"))
            df = df.with_columns((pl.col("kind") if side == "crm" else pl.lit(fk.role)).alias("role"))
        fields = [c for c in df.columns if c not in _META]
        df = df.select([pl.col(c).cast(pl.String) if c in df.columns else pl.lit(None, pl.String).alias(c)
                        for c in CONTACT_COLUMNS] + [pl.col(c).cast(pl.String) for c in fields
                                                     if c not in CONTACT_COLUMNS]
                       + [pl.col("file"), pl.col("fo"), pl.col("rec"), pl.col("raw")])
        new.append(df)
    empty = pl.DataFrame(schema={**{c: pl.String for c in CONTACT_COLUMNS}, "file": pl.String, "fo": pl.UInt32,
                                 "rec": pl.UInt32, "raw": pl.UInt64})
    frame = pl.concat([empty, *new], how="diagonal_relaxed")
    hit = pl.concat(hits) if hits else pl.DataFrame(schema={"rec": pl.UInt32, "raw": pl.UInt64, "file": pl.String,
                                                            "fo": pl.UInt32})
    return frame, hit, links


def read_contacts(root: Path) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """The contacts of the books as a contact frame (CONTACT_COLUMNS, then any further field),
    and the CRM<->ERP links, read straight from contacts/ (no ledger, no documents): the fast path
    for `kebir dedup scan` on large books. Files not in kebir's flat form go through the general
    reader (core.books.load)."""
    frame, _, links = _read_rows(root, None)
    frame = frame.sort("fo", "rec").unique("id", keep="first", maintain_order=True)
    return frame.drop("file", "fo", "rec", "raw"), links


ROWS_CACHE = "dedup-rows-v2"     # bump the version when the cached columns or their rules change


def _read_cache(base: Path) -> pl.DataFrame | None:
    """The cached rows: the base file and the delta of records added since it was written. A file
    is taken only with a MAC made with this user's key beside it (`NAME.mac`, core/books/cachekey.py):
    a rows file from anywhere else is not the truth about the contacts, and the scan reads them."""
    from core.books import cachekey, safeio

    parts = []
    try:
        for f in (base.with_suffix(".parquet"), base.with_suffix(".delta.parquet")):
            if not f.is_file():
                continue
            data = safeio.cache_bytes(f)
            tag = safeio.cache_bytes(f"{f}.mac").decode("utf-8", "replace").strip()
            if not cachekey.valid(tag, f"dedup {ROWS_CACHE} {f.name}", data):
                return None
            parts.append(pl.read_parquet(io.BytesIO(data)))
    except (OSError, pl.exceptions.PolarsError):
        return None
    return pl.concat(parts, how="diagonal_relaxed") if parts else None


def _write_cache(path: Path, rows: pl.DataFrame) -> None:
    """Write a cache file and its MAC atomically; any failure is ignored (it is only a cache, under
    the books' git-ignored .kebir/). Without a key for this user nothing is written."""
    from core.books import cachekey, store

    buf = io.BytesIO()
    rows.write_parquet(buf, compression="lz4", statistics=False)
    data = buf.getvalue()
    tag = cachekey.mac(f"dedup {ROWS_CACHE} {path.name}", data)
    if tag is None:
        return
    try:
        Path(f"{path}.mac").unlink(missing_ok=True)       # a file and a MAC of two writes never pair up
        store.write_cache_bytes(path, data)
        store.write_cache_text(Path(f"{path}.mac"), tag + "\n")
    except OSError:
        pass


def scan_books(root: Path, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}), across: bool = True,
               threshold: float = 0.9, previous: Previous | None = None) -> Plan:
    """`scan` straight from a books directory's contacts/, with its links. Records are cached by
    the hash of their lines in .kebir/cache (parsed fields, content hash, normalised columns), so
    a scan parses and normalises only the records that are new or changed since the last one;
    those are written to a small delta file until they are a tenth of the cache."""
    _tick(None)
    base = Path(root) / ".kebir" / "cache" / ROWS_CACHE
    cached = _read_cache(base)
    if cached is not None and ("n:v" not in cached.columns or cached["n:v"].ne(NORM_VERSION).any()):
        cached = None                   # normalised by another version: normalise again
    known = cached.select("file", "raw") if cached is not None else None
    new, hits, links = _read_rows(root, known)
    _tick("read")
    new = _rows(new)
    n_old = cached.height if cached is not None else 0
    # which record each id is (the first in file order), found on narrow columns, then one gather
    keys = [new.select("fo", "rec", "id", pl.int_range(pl.len()).alias("at") + n_old)]
    if cached is not None and hits.height:
        at = cached.select("file", "raw", "id").with_row_index("at")
        keys.insert(0, hits.join(at, on=["file", "raw"]).select("fo", "rec", "id", pl.col("at").cast(pl.Int64)))
    keys = pl.concat(keys).sort("fo", "rec").unique("id", keep="first", maintain_order=True).sort("id")
    both = pl.concat([cached, new], how="diagonal_relaxed") if cached is not None else new
    rows = both[keys["at"]]
    fresh = new.filter(pl.col("raw").is_not_null()).drop("fo", "rec")
    if fresh.height:
        delta = base.with_suffix(".delta.parquet")
        old_delta = _read_cache(delta) if delta.is_file() else None     # (delta.parquet and no delta of its own)
        grown = fresh.height + (old_delta.height if old_delta is not None else 0)
        if cached is not None and grown * 10 < n_old and hits.height * 2 > n_old:
            _write_cache(delta, pl.concat([old_delta, fresh], how="diagonal_relaxed") if old_delta is not None
                         else fresh)
        else:
            _write_cache(base.with_suffix(".parquet"), rows.filter(pl.col("raw").is_not_null()).drop("fo", "rec"))
            delta.unlink(missing_ok=True)
        (base.parent / "dedup-norm.parquet").unlink(missing_ok=True)     # the earlier cache's file
    rows = rows.drop("file", "fo", "rec", "raw")
    _tick("normalise")
    return _scan_rows(rows, set(within), across, threshold, 0.5, previous, links)


def seen_path(plan_path: Path) -> Path:
    """The sidecar of a plan file holding the scan's model and record hashes (`PLAN.seen`)."""
    return Path(str(plan_path) + ".seen")


_MEMBER_ID = r'^  - (?:\{id|id): ("(?:[^"\\]|\\.)*"|[^,}]+)'


def read_previous(plan_path: Path) -> Previous:
    """An earlier plan: its clusters and decisions, where each lies in its text (decided clusters
    are carried into the next plan as they are), the pairs inside decided clusters, and, when its
    `.seen` sidecar is there, the model and record hashes of the scan that wrote it. The plan is
    read line by line with a few patterns, column-wise, not as YAML: a million-record plan would
    take minutes to load."""
    data = Path(plan_path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from core.model.errors import BooksError

        raise BooksError(f"{plan_path}: E003 the plan is not UTF-8 text (byte {exc.start})",
                         "write a fresh plan with `kebir dedup scan -o FILE`") from None
    # the offsets below count characters of text, so the lines must split it exactly (a BOM: by hand)
    lines = _text_lines(data) if not text.startswith("\ufeff") else \
        pl.Series("line", text[:-1].split("\n") if text.endswith("\n") else text.split("\n"), dtype=pl.String)
    df = lines.to_frame("line").with_columns(
        pl.col("line").str.starts_with("- cluster: ").cum_sum().cast(pl.UInt32).alias("cl"),
        (pl.col("line").str.len_chars().cast(pl.Int64) + 1).cum_sum().alias("next"))
    # (the few lines each pattern wants are picked first: the plan has millions of lines)
    starts = df.filter(pl.col("line").str.starts_with("- cluster: ")).select(
        "cl", (pl.col("next") - pl.col("line").str.len_chars() - 1).alias("start"),
        pl.col("line").str.extract(r"^(- cluster: *\d+)", 1).str.len_chars().alias("head"))
    starts = starts.select("cl", "start", (pl.col("start") + pl.col("head")).alias("rest"))
    if (df["line"] == "").any():      # a cluster ends at its last non-blank line
        ends = df.filter((pl.col("line") != "") & (pl.col("cl") > 0)).group_by("cl") \
            .agg((pl.col("next").max() - 1).alias("end"))
    else:
        ends = starts.select("cl", (pl.col("start").shift(-1).fill_null(df["next"].max() if df.height else 0) - 1)
                             .alias("end"))
    decision = df.filter(pl.col("line").str.starts_with("  decision:") & (pl.col("cl") > 0)) \
        .select("cl", pl.col("line").str.extract(r"^  decision: *(\w+)", 1).alias("decision")) \
        .drop_nulls("decision").group_by("cl").agg(pl.col("decision").first())
    mem = df.filter((pl.col("line").str.starts_with("  - {id") | pl.col("line").str.starts_with("  - id:"))
                    & (pl.col("cl") > 0)) \
        .select("cl", pl.col("line").str.extract(_MEMBER_ID, 1).alias("m")).drop_nulls("m")
    del df, lines
    quoted = mem["m"].str.starts_with('"')
    ids = [json.loads(x) if q else x.strip() for x, q in zip(mem["m"].to_list(), quoted.to_list())] \
        if quoted.any() else mem["m"].str.strip_chars()
    mem = mem.with_columns(pl.Series("m", ids, dtype=pl.String))
    clusters = starts.join(decision, on="cl", how="left", maintain_order="left") \
        .join(mem.group_by("cl", maintain_order=True).agg(pl.col("m").alias("members")), on="cl", how="left",
              maintain_order="left") \
        .join(ends, on="cl", how="left", maintain_order="left") \
        .with_columns(pl.col("decision").fill_null("pending"), pl.col("members").fill_null([])) \
        .select("cl", "decision", "members", "start", "rest", "end")
    dm = mem.join(clusters.filter(pl.col("decision").is_in(["accept", "reject"]))
                  .select("cl", (pl.col("decision") == "reject").alias("rejected")), on="cl")
    pairs = dm.join(dm.select("cl", pl.col("m").alias("b")), on="cl").filter(pl.col("m") < pl.col("b")) \
        .select(pl.col("m").alias("a"), "b", "rejected").unique(maintain_order=True)
    prev = Previous(clusters, text, pairs)
    side = seen_path(Path(plan_path))
    if side.is_file():
        data = side.read_bytes()
        first, _, rest = data.partition(b"\n")
        if first.startswith(b"# model "):
            prev.model = Model.from_dict(json.loads(first[len(b"# model "):]))
            seen = _text_lines(rest).str.split_exact("\t", 1).struct.rename_fields(["id", "hash"]).struct.unnest()
            prev.seen = seen.drop_nulls("hash")
    return prev


def dump_seen(plan: Plan) -> str:
    """The `.seen` sidecar: the model (one JSON line) and `id<TAB>hash` per scanned record, by id."""
    head = "# model " + json.dumps(plan.model.as_dict(), sort_keys=True) + "\n"
    if plan.hashes is None or plan.hashes.height == 0:
        return head
    body = plan.hashes.sort("id").select(pl.concat_str("id", "hash", separator="\t"))["id"].str.join("\n")[0]
    return head + body + "\n"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Plan records (the plan file)

_EVIDENCE = (("name", "name"), ("tax_id", "tax"), ("email", "email"), ("phone", "phone"), ("city", "city"),
             ("address", "address"))
# fields survivorship does not decide (keep in step with core.crm.merge.NOT_FIELDS and its fields_all):
# the plan's `fields` proposes a value for every other field a member holds
NOT_SURVIVOR_FIELDS = frozenset({"id", "kind", "merged_into", "tags", "created", "updated", "company", "role"})


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
    """Survivorship: every field survivorship decides (not NOT_SURVIVOR_FIELDS) that a member
    holds, with the survivor's value, else the most complete member's that has one."""
    raws = raws or {i: _raw(plan, i) for i in cluster.members}
    order = [cluster.survivor] + sorted((m for m in cluster.members if m != cluster.survivor),
                                        key=lambda i: (-plan.norms[i].filled, i))
    names: list[str] = ["name"]
    for i in order:
        for k in raws[i]:
            if k not in names and k not in NOT_SURVIVOR_FIELDS:
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
    order. Evidence lists the fields at least one member has. (The scalar form of what
    `dump_plan` writes column-wise; the tests hold them equal.)"""
    import yaml
    n = 0
    for text in plan.kept.chunks() if plan.kept is not None else ():
        n += 1
        yield {**dict(yaml.safe_load(text)[0]), "cluster": n}
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


def plan_records(plan: Plan) -> list[dict[str, Any]]:
    """The plan file's records (see iter_records)."""
    return list(iter_records(plan))


def _model_line(model: Model) -> str:
    if model.converged:
        return f"EM converged in {model.iterations} iterations, prior match probability {model.lam:.3g}"
    if model.iterations:
        return f"EM did not converge in {model.iterations} iterations: the fixed weights were used"
    return "the earlier scan's weights (incremental)"


def dump_plan(plan: Plan) -> str:
    """The plan file (YAML, schemas/plan.schema.json): a header, the clusters carried over as they
    were written (renumbered), then the new clusters, written column-wise (`_clusters_text`)."""
    auto = sum(1 for c in plan.clusters if c.confidence == "auto")
    header = (f"# kebir dedup plan: {len(plan.clusters)} clusters ({auto} auto, {len(plan.clusters) - auto} to review), "
              f"{plan.compared_pairs} pairs compared of {plan.all_pairs}, threshold {plan.threshold}.\n"
              f"# model: {_model_line(plan.model)}.\n"
              "# auto clusters come as decision: accept, the others as pending: set accept or reject per cluster,\n"
              "# then `kebir dedup apply PLAN`.\n")
    kept = len(plan.kept) if plan.kept is not None else 0
    chunks = [header, *(plan.kept.chunks() if plan.kept is not None else ())]
    _tick(None)
    chunks.append(_clusters_text(plan, kept))
    return "".join(chunks) if len(chunks[-1]) + kept else header + "[]\n"


# The plan is written by this small block-style YAML emitter (the plan has a fixed shape): PyYAML's
# representer takes about 2 ms per cluster, too slow for a million records. Strings are plain when
# that is safe (a letter first, no YAML indicators, not a YAML 1.1 boolean or null), else JSON
# double-quoted, which YAML reads back as the same string. `_scalar` and `_flow` are the scalar
# forms; `_scalar_expr` and `_flow_expr` the column-wise ones (keep the four in step).
_PLAIN = re.compile(r"[^\W\d_][\w .,'()/@&+-]*", re.UNICODE)
_PLAIN_RUST = r"^[\p{L}\p{Nl}\p{No}][\p{L}\p{N}_ .,'()/@&+-]*$"       # the same class in the regex crate
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _scalar(v: Any) -> str:
    if type(v) is str:
        return v if _PLAIN.fullmatch(v) and v[-1] != " " and v.lower() not in _RESERVED \
            else json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return repr(v) if isinstance(v, float) else str(v)


def _flow(v: Any) -> str:
    """A scalar inside a flow mapping: as _scalar, and quoted if it holds a comma."""
    if type(v) is not str:
        return _scalar(v)
    return json.dumps(v, ensure_ascii=False) if "," in v else _scalar(v)


_JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
                 **{chr(i): f"\\u{i:04x}" for i in range(32) if chr(i) not in "\n\r\t\b\f"}}


def _json_expr(e: pl.Expr) -> pl.Expr:
    """json.dumps(v, ensure_ascii=False), column-wise: the same escapes in one pass."""
    return pl.lit('"') + e.str.replace_many(list(_JSON_ESCAPES), list(_JSON_ESCAPES.values())) + pl.lit('"')


def _scalar_expr(e: pl.Expr) -> pl.Expr:
    plain = e.str.contains(_PLAIN_RUST) & ~e.str.ends_with(" ") & ~e.str.to_lowercase().is_in(list(_RESERVED))
    return pl.when(plain).then(e).otherwise(_json_expr(e))


def _flow_expr(e: pl.Expr) -> pl.Expr:
    return pl.when(e.str.contains(",", literal=True)).then(_json_expr(e)).otherwise(_scalar_expr(e))


def _cat(*parts: str) -> pl.Expr:
    """Literal text and columns, alternately (the text first): one string per row."""
    return pl.concat_str([pl.lit(x) if i % 2 == 0 else pl.col(x) for i, x in enumerate(parts)])


def _clusters_text(plan: Plan, offset: int) -> str:
    """The new clusters of a plan as YAML text, column-wise: one frame row per member, pair,
    evidence value and proposed field, each made into its line by string expressions, joined per
    cluster and section in order. Byte for byte what iter_records gives through the scalar
    emitter (the tests compare them)."""
    cs = plan.clusters
    if not cs:
        return ""
    rows = plan.rows
    assert rows is not None
    ncl = len(cs)
    numbers = range(offset + 1, offset + ncl + 1)
    head = pl.DataFrame({
        "n": list(numbers),
        "t0": [f"- cluster: {n}\n  decision: {'accept' if c.confidence == 'auto' else 'pending'}\n"
               f"  confidence: {c.confidence}\n  score: {c.score!r}\n  members:\n" for n, c in zip(numbers, cs)],
        "survivor": [c.survivor for c in cs]}, schema={"n": pl.UInt32, "t0": pl.String, "survivor": pl.String})
    mem = pl.DataFrame({"n": [n for n, c in zip(numbers, cs) for _ in c.members],
                        "id": [m for c in cs for m in c.members]}, schema={"n": pl.UInt32, "id": pl.String})
    mem = mem.with_columns(pl.int_range(pl.len()).over("n").cast(pl.UInt32).alias("k"))
    mem = mem.join(rows, on="id", how="left", maintain_order="left")
    _tick("write: frames")

    def qs(col: str, out: str, kind: str = "s") -> pl.Expr:
        return (_flow_expr if kind == "f" else _scalar_expr)(pl.col(col)).alias(out)

    def per_cluster(df: pl.DataFrame, text: pl.Expr, out: str) -> pl.DataFrame:
        return df.group_by("n", maintain_order=True).agg(text.str.join("").alias(out))

    # members
    m = mem.with_columns(qs("id", "qid", "f"), qs("id", "sid"), qs("role", "qrole", "f"),
                         pl.col("name").fill_null("").alias("nm")).with_columns(qs("nm", "qname", "f"))
    t_members = per_cluster(m, _cat("  - {id: ", "qid", ", side: ", "side", ", role: ", "qrole", ", name: ", "qname", "}\n"), "t1")
    _tick("write: members")
    # pairs
    pr = pl.DataFrame({"n": [n for n, c in zip(numbers, cs) for _ in c.pairs],
                       "a": [a for c in cs for a, _, _ in c.pairs], "b": [b for c in cs for _, b, _ in c.pairs],
                       "s": [repr(round(p, 4)) for c in cs for _, _, p in c.pairs]},
                      schema={"n": pl.UInt32, "a": pl.String, "b": pl.String, "s": pl.String})
    pr = pr.with_columns(qs("a", "qa", "f"), qs("b", "qb", "f"))
    t_pairs = per_cluster(pr, _cat("  - {a: ", "qa", ", b: ", "qb", ", score: ", "s", "}\n"), "t2")
    _tick("write: pairs")
    # evidence
    ev_parts = []
    for order, (fname, _) in enumerate(_EVIDENCE):
        col = "name" if fname == "name" else fname
        if col not in mem.columns:
            continue
        ev_parts.append(_evidence_text(m, col, fname, order))
    ev = pl.concat(ev_parts).sort("n", "order", maintain_order=True) \
        .group_by("n", maintain_order=True).agg(pl.col("t").str.join("").alias("t3"))
    _tick("write: evidence")
    # fields
    t_fields = _fields_text(m, head.select("n", "survivor"))
    _tick("write: fields")
    out = head.join(t_members, on="n", how="left", maintain_order="left") \
        .join(t_pairs, on="n", how="left", maintain_order="left") \
        .join(ev, on="n", how="left", maintain_order="left") \
        .join(t_fields, on="n", how="left", maintain_order="left") \
        .with_columns(qs("survivor", "qsurv"))
    text = pl.concat_str([pl.col("t0"), pl.col("t1").fill_null(""), pl.lit("  pairs:\n"), pl.col("t2").fill_null(""),
                          pl.lit("  survivor: "), pl.col("qsurv"), pl.lit("\n  evidence:\n"),
                          pl.col("t3").fill_null(""), pl.col("t4").fill_null("  fields: []\n")])
    text = out.select(text.alias("t"))["t"].str.join("")[0]
    _tick("write: text")
    return text


def _evidence_text(m: pl.DataFrame, col: str, fname: str, order: int) -> pl.DataFrame:
    """One evidence entry per cluster for a field (as _evidence): its values, how they agree, and
    the members missing it; (n, order, t)."""
    v = pl.col(col)
    present = v.is_not_null() & (v != "")
    d = m.select("n", "k", "id", "qid", "sid", "kind", v.alias("v"), present.alias("p"),
                 *[pl.col("n:" + c) for c in NORM_COLUMNS if c != "filled"])
    d = d.with_columns(_scalar_expr(pl.col("v")).alias("qv"))
    pres = d.filter("p")
    g = pres.group_by("n", maintain_order=True).agg(
        pl.len().alias("np"), pl.col("v").n_unique().alias("nu"),
        pl.format("      {}: {}\n", "sid", "qv").str.join("").alias("values"),
        pl.col("n:phone").n_unique().alias("u_phone"), pl.col("n:phone").null_count().alias("z_phone"),
        pl.col("n:email").n_unique().alias("u_email"), pl.col("n:email").null_count().alias("z_email"),
        pl.col("n:tax").n_unique().alias("u_tax"), pl.col("n:addr").n_unique().alias("u_addr"))
    miss = d.filter(~pl.col("p")).group_by("n", maintain_order=True) \
        .agg(pl.col("qid").str.join(", ").alias("missing"))
    g = g.join(miss, on="n", how="left", maintain_order="left").with_columns(pl.col("missing").fill_null(""))
    one = (pl.col("np") < 2)
    exact = pl.col("nu") == 1
    if fname == "name":
        sims = _cluster_name_sims(pres)
        g = g.join(sims, on="n", how="left", maintain_order="left")
        other = pl.col("sim_text")
    elif fname == "phone":
        other = pl.when((pl.col("u_phone") == 1) & (pl.col("z_phone") == 0)).then(pl.lit("exact after E.164")) \
            .otherwise(pl.lit("differ after E.164"))
    elif fname == "email":
        g = g.join(_common_domain(pres), on="n", how="left", maintain_order="left")
        other = pl.when((pl.col("u_email") == 1) & (pl.col("z_email") == 0)).then(pl.lit("exact after lowercasing")) \
            .when(pl.col("dom").is_not_null()).then(pl.lit("same domain ") + pl.col("dom")).otherwise(pl.lit("differ"))
    elif fname == "tax_id":
        other = pl.when(pl.col("u_tax") == 1).then(pl.lit("exact")).otherwise(pl.lit("differ"))
    elif fname == "address":
        other = pl.when(pl.col("u_addr") == 1).then(pl.lit("exact after folding")).otherwise(pl.lit("differ"))
    else:
        folded = pres.with_columns(pl.col("v").replace_strict(
            (u := pres["v"].unique()), [fold(x) for x in u.to_list()], default=None).alias("fv")) \
            .group_by("n", maintain_order=True).agg(pl.col("fv").n_unique().alias("u_fold"))
        g = g.join(folded, on="n", how="left", maintain_order="left")
        other = pl.when(pl.col("u_fold") == 1).then(pl.lit("exact after folding")).otherwise(pl.lit("differ"))
    agree = pl.when(one).then(pl.lit("only one value")).when(exact).then(pl.lit("exact")).otherwise(other)
    g = g.with_columns(agree.alias("agree"))
    g = g.with_columns(_scalar_expr(pl.col("agree")).alias("qagree"))
    t = pl.format("  - field: {}\n    values:\n{}    agree: {}\n    missing: [{}]\n", pl.lit(fname), "values",
                  "qagree", "missing")
    return g.select("n", pl.lit(order, pl.UInt8).alias("order"), t.alias("t"))


def _cluster_name_sims(pres: pl.DataFrame) -> pl.DataFrame:
    """n -> sim_text: the lowest name similarity between members with a name, as _evidence
    writes it, for clusters whose names differ (name_similarity, column-wise)."""
    multi = pres.group_by("n").agg(pl.col("v").n_unique().alias("nu")).filter(pl.col("nu") > 1)
    d = pres.join(multi.select("n"), on="n", how="semi").select(
        "n", "k", "kind", pl.col("n:name").fill_null("").alias("name"))
    d = _with_tokens(d)
    j = d.join(d, on="n", suffix="_b").filter(pl.col("k") < pl.col("k_b")).rename(
        {c: c + "_a" for c in ("kind", "name", "sname", "toks")})
    if j.height == 0:
        return pl.DataFrame(schema={"n": pl.UInt32, "sim_text": pl.String})
    # name_similarity returns 0 when either normalised name is empty
    sims = [s if a and b else 0.0 for s, a, b in zip(_name_sims(j), j["name_a"].to_list(), j["name_b"].to_list())]
    low = j.select("n").with_columns(pl.Series("sim", sims, dtype=pl.Float64)) \
        .group_by("n", maintain_order=True).agg(pl.col("sim").min())
    return low.select("n", pl.Series("sim_text", [f"{x:.2f} after folding and suffixes" for x in low["sim"].to_list()],
                                     dtype=pl.String))


def _common_domain(pres: pl.DataFrame) -> pl.DataFrame:
    """n -> dom: the first domain stem (sorted) every member with an e-mail shares, if any."""
    doms = pl.concat([pres.select("n", "k", pl.col("n:dom1").alias("dom")),
                      pres.select("n", "k", pl.col("n:dom2").alias("dom"))]).drop_nulls("dom").unique()
    size = pres.group_by("n").len()
    return doms.group_by("n", "dom").len().join(size, on="n", suffix="_all") \
        .filter(pl.col("len") == pl.col("len_all")).group_by("n").agg(pl.col("dom").min())


def _fields_text(m: pl.DataFrame, survivors: pl.DataFrame) -> pl.DataFrame:
    """The `fields:` section per cluster (as _fields): n -> t4. Members ranked survivor first, then
    by completeness and id; each field (name first) from the first member holding it, in the
    order the fields first appear (by rank, then the member's schema order)."""
    m = m.join(survivors, on="n", how="left", maintain_order="left") \
        .sort(["n", pl.col("id") != pl.col("survivor"), "n:filled", "id"], descending=[False, False, True, False])
    m = m.with_columns(pl.int_range(pl.len()).over("n").alias("rank"))
    places = pl.DataFrame([(side, k, i) for side in ("crm", "erp")
                           for i, k in enumerate(("name",) + _field_order(side)) if k not in NOT_SURVIVOR_FIELDS],
                          schema={"side": pl.String, "field": pl.String, "pos": pl.Int64}, orient="row")
    cols = [c for c in places["field"].unique().to_list() if c in m.columns]
    long = m.unpivot(on=cols, index=["n", "rank", "id", "side"], variable_name="field", value_name="value") \
        .filter(pl.col("value").is_not_null() & (pl.col("value") != "")) \
        .join(places, on=["side", "field"]) \
        .sort(["n", pl.col("field") != "name", "rank", "pos"]) \
        .unique(["n", "field"], keep="first", maintain_order=True)
    long = long.with_columns(*[_flow_expr(pl.col(c)).alias("q" + c) for c in ("field", "value", "id")])
    line = _cat("  - {field: ", "qfield", ", value: ", "qvalue", ", from: ", "qid", "}\n")
    return long.group_by("n", maintain_order=True).agg(line.str.join("").alias("t4")) \
        .with_columns(("  fields:\n" + pl.col("t4")).alias("t4"))
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
