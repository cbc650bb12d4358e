"""Normalising contacts: Turkish folding, legal-form suffixes, abbreviations, nicknames, E.164
phones, e-mail and domain stems, tax-id digits and check digits, addresses, identity numbers,
birth dates and postcodes. The scalar functions (`fold`, `norm_name`, `phone_norm`, `normalise`,
...) give the same values as the column-wise ones (`normalise_frame`). Also the contact frame,
the rows (a contact frame with its content hash and normalised columns), and the way back to
Contacts and Norms for the few clustered records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any, Iterable, Mapping, NamedTuple

import polars as pl

from core.books import schema
from core.model.records import Contact


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
    import phonenumbers     # lazy: libphonenumber's metadata takes a while to load; few phones need it
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
    import phonenumbers     # lazy: as in _tr_prefixes
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
    return tuple(k for k in schema.field_order(f"{side}-contacts") if k not in ("id", "kind", "name", "role"))
