"""Duplicate detection over the contacts: `scan` (this module); merge/apply is a later step.

Pipeline: normalise each contact (Turkish folding, legal-form suffixes, abbreviations,
E.164 phones, e-mail/domain, tax-id digits) -> block on cheap keys so the compared pairs
grow near-linearly -> compare fields into a small comparison vector -> Fellegi-Sunter
weights whose m/u probabilities come from EM on the candidate pairs (fixed start, fixed
iterations: deterministic) -> match probability per pair -> connected components over the
pairs above the threshold, split while any member pair scores below a lower threshold.

Hard rule: two ERP parties that both carry a tax id and the ids differ are never matched.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import token_sort_ratio

from core.model import Contact

# --------------------------------------------------------------------------------------------
# Normalisation

_TURKISH = str.maketrans({"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u",
                          "Ç": "c", "Ğ": "g", "I": "i", "İ": "i", "Ö": "o", "Ş": "s", "Ü": "u"})

# legal forms and trade words removed from the end of a company name (folded tokens)
_SUFFIX_SEQS: tuple[tuple[str, ...], ...] = tuple(sorted({
    ("a", "s"), ("as",), ("anonim", "sirketi"), ("anonim", "sti"),
    ("ltd", "sti"), ("ltd",), ("sti",), ("limited", "sirketi"), ("limited",), ("sirketi",),
    ("san", "ve", "tic"), ("sanayi", "ve", "ticaret"), ("san",), ("sanayi",), ("tic",), ("ticaret",),
    ("ve",), ("gmbh",), ("inc",), ("llc",), ("ltd", "co"), ("co",), ("corp",),
}, key=lambda s: (-len(s), s)))

# common abbreviations in Turkish firm names, expanded after folding
ABBREVIATIONS: dict[str, str] = {
    "org": "organizasyon", "hiz": "hizmetleri", "hizm": "hizmetleri", "muh": "muhendislik",
    "tekn": "teknolojileri", "tek": "teknolojileri", "bilg": "bilgisayar", "ins": "insaat",
    "paz": "pazarlama", "dan": "danismanlik", "mim": "mimarlik", "tur": "turizm",
    "yay": "yayincilik", "elek": "elektronik", "mak": "makina", "gida": "gida", "ith": "ithalat",
    "ihr": "ihracat", "nak": "nakliyat", "end": "endustri", "urn": "urunleri", "ur": "urunleri",
}

FREE_MAIL = frozenset({
    "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "icloud", "me",
    "mac", "yandex", "mynet", "aol", "protonmail", "proton", "gmx", "mail", "windowslive", "superonline",
    "ttmail",
})
_TLDS = ("com.tr", "net.tr", "org.tr", "gen.tr", "biz.tr", "web.tr", "av.tr", "bel.tr", "co.uk",
         "com", "net", "org", "tr", "biz", "info", "co", "io", "de", "eu")


def fold(text: str) -> str:
    """Casefold with Turkish rules (I -> ı, İ -> i), then fold Turkish letters and accents."""
    text = text.translate(_TURKISH).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def norm_name(name: str, kind: str = "company") -> str:
    """Folded name; for companies legal-form suffixes dropped and abbreviations expanded."""
    toks = _tokens(name)
    if kind != "company":
        return " ".join(toks)
    changed = True
    while changed and len(toks) > 1:
        changed = False
        for seq in _SUFFIX_SEQS:
            n = len(seq)
            if len(toks) > n and tuple(toks[-n:]) == seq:
                del toks[-n:]
                changed = True
                break
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
    for tld in _TLDS:
        if d.endswith("." + tld):
            d = d[: -len(tld) - 1]
            break
    d = d.split(".")[-1].replace("-", "")
    if not d or d in FREE_MAIL:
        return None
    return d


def tax_digits(raw: str | None) -> str | None:
    if not raw:
        return None
    d = re.sub(r"\D", "", str(raw))
    return d or None


@dataclass(frozen=True, slots=True)
class Norm:
    id: str
    side: str
    kind: str
    role: str
    name: str                       # folded, suffixes dropped, abbreviations expanded
    tokens: tuple[str, ...]
    phone: str | None
    email: str | None
    domains: frozenset[str]         # stems of e-mail domain and website (non-free-mail)
    tax: str | None
    city: str | None
    filled: int                     # how many fields are present (completeness)


def normalise(c: Contact) -> Norm:
    f = dict(c.fields)
    name = norm_name(c.name, c.kind)
    email = email_norm(f.get("email"))
    domains = {d for d in (domain_stem(email), domain_stem(f.get("website"))) if d}
    city = fold(f["city"]) if f.get("city") else None
    return Norm(c.id, c.side, c.kind, c.role, name, tuple(name.split()), phone_e164(f.get("phone")),
                email, frozenset(domains), tax_digits(f.get("tax_id")), city,
                1 + sum(1 for _, v in c.fields if v not in (None, "", [])))


# --------------------------------------------------------------------------------------------
# Blocking

MAX_BLOCK = 40          # blocks larger than this carry no information (a shared switchboard, "istanbul")


def block_keys(n: Norm) -> set[str]:
    keys: set[str] = set()
    if n.tax:
        keys.add("tax:" + n.tax)
    if n.phone:
        keys.add("tel:" + n.phone)
    if n.email:
        keys.add("mail:" + n.email)
    for d in n.domains:
        keys.add("dom:" + d)
    if n.tokens:
        keys.add("name:" + " ".join(sorted(n.tokens)))
        keys.add("first:" + n.tokens[0] + "|" + (n.city or ""))
        if n.kind == "person" and len(n.tokens) > 1:
            keys.add("last:" + n.tokens[-1] + "|" + n.tokens[0][0])
    return keys


def _allowed(a: Norm, b: Norm, within: set[str], across: bool) -> bool:
    if a.kind != b.kind:
        return False
    if a.side == b.side:
        return a.side in within
    return across


def candidate_pairs(norms: list[Norm], within: set[str], across: bool) -> set[tuple[int, int]]:
    blocks: dict[str, list[int]] = {}
    for i, n in enumerate(norms):
        for k in block_keys(n):
            blocks.setdefault(k, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for i, j in itertools.combinations(members, 2):
            if _allowed(norms[i], norms[j], within, across):
                pairs.add((i, j))
    return pairs


# --------------------------------------------------------------------------------------------
# Comparison and Fellegi-Sunter

FIELDS = ("name", "phone", "email", "domain", "tax", "city")
LEVELS = {"name": 4, "phone": 2, "email": 2, "domain": 2, "tax": 2, "city": 2}


def name_similarity(a: Norm, b: Norm) -> float:
    """Mean of token_sort_ratio and Jaro-Winkler on the folded, suffix-free names; for people a
    first name that is neither equal nor an initial of the other caps it (Caner vs Ece Yıldırım)."""
    if not a.name or not b.name:
        return 0.0
    tsr = token_sort_ratio(a.name, b.name) / 100.0
    jw = JaroWinkler.similarity(" ".join(sorted(a.tokens)), " ".join(sorted(b.tokens)))
    sim = (tsr + jw) / 2
    if a.kind == "person" and a.tokens and b.tokens:
        fa, fb = a.tokens[0], b.tokens[0]
        if len(a.tokens) > 1 and len(b.tokens) > 1 and a.tokens[-1] == b.tokens[-1]:
            if fa == fb:
                sim = 1.0
            elif (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb)):
                sim = max(sim, 0.9)
            else:
                sim = min(sim, 0.5)
    return sim


def _name_level(sim: float) -> int:
    return 3 if sim >= 0.97 else 2 if sim >= 0.88 else 1 if sim >= 0.75 else 0


def _mobile(e164: str | None) -> bool:
    return bool(e164) and e164.startswith("+905")


def compare(a: Norm, b: Norm) -> tuple[int, ...]:
    """Comparison vector: level per field, -1 when either side is missing the field."""
    def eq(x: Any, y: Any) -> int:
        return -1 if not x or not y else int(x == y)
    dom = -1 if not a.domains or not b.domains else int(bool(a.domains & b.domains))
    phone = eq(a.phone, b.phone)
    if phone == 0 and a.kind == "company" and _mobile(a.phone) != _mobile(b.phone):
        phone = -1          # a firm's switchboard vs someone's mobile says nothing either way
    return (_name_level(name_similarity(a, b)), phone, eq(a.email, b.email), dom,
            eq(a.tax, b.tax), eq(a.city, b.city))


def hard_no(a: Norm, b: Norm) -> bool:
    """Two ERP parties with different tax ids are never the same party."""
    return a.side == "erp" and b.side == "erp" and bool(a.tax) and bool(b.tax) and a.tax != b.tax


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


def _clamp(p: float) -> float:
    return min(max(p, 1e-3), 1 - 1e-3)


# Fixed weights: the starting point of EM and its prior (pseudo-counts), and what scan uses when EM
# does not converge. m = P(level | same party), u = P(level | different parties among candidate
# pairs, which already share a blocking key): a shared phone, e-mail or tax id is rare between
# different firms (u ~ 1%), a shared domain or city is common (they put the pair in one block).
PRIOR_LAMBDA = 0.1
PRIOR_M = {"name": [0.02, 0.05, 0.18, 0.75], "phone": [0.1, 0.9], "email": [0.4, 0.6],
           "domain": [0.1, 0.9], "tax": [0.02, 0.98], "city": [0.05, 0.95]}
PRIOR_U = {"name": [0.85, 0.12, 0.02, 0.01], "phone": [0.99, 0.01], "email": [0.995, 0.005],
           "domain": [0.7, 0.3], "tax": [0.995, 0.005], "city": [0.3, 0.7]}
PRIOR_STRENGTH_M = 5.0     # pseudo-pairs: small books lean on the prior, the demo on its data
PRIOR_STRENGTH_U = 20.0


def fixed_model() -> Model:
    return Model(PRIOR_LAMBDA, {f: list(v) for f, v in PRIOR_M.items()},
                 {f: list(v) for f, v in PRIOR_U.items()}, 0, False)


def estimate(vectors: list[tuple[int, ...]], max_iter: int = 100, tol: float = 1e-6) -> Model:
    """MAP-EM for the two-class Fellegi-Sunter model (conditional independence, missing levels
    skipped), starting from and regularised towards the fixed weights: deterministic. Returns
    the fixed model (converged=False) if EM does not settle within max_iter."""
    m = {f: list(v) for f, v in PRIOR_M.items()}
    u = {f: list(v) for f, v in PRIOR_U.items()}
    lam = PRIOR_LAMBDA
    for it in range(1, max_iter + 1):
        model = Model(lam, m, u, it, False)
        post = [model.probability(v) for v in vectors]
        new_lam = _clamp((sum(post) + PRIOR_LAMBDA * PRIOR_STRENGTH_U) / (len(post) + PRIOR_STRENGTH_U))
        new_m: dict[str, list[float]] = {}
        new_u: dict[str, list[float]] = {}
        for k, f in enumerate(FIELDS):
            mc = [PRIOR_STRENGTH_M * x for x in PRIOR_M[f]]
            uc = [PRIOR_STRENGTH_U * x for x in PRIOR_U[f]]
            for v, p in zip(vectors, post):
                if v[k] >= 0:
                    mc[v[k]] += p
                    uc[v[k]] += 1 - p
            new_m[f] = [_clamp(c / sum(mc)) for c in mc]
            new_u[f] = [_clamp(c / sum(uc)) for c in uc]
        delta = abs(new_lam - lam) + max(abs(a - b) for f in FIELDS
                                         for a, b in zip(new_m[f] + new_u[f], m[f] + u[f]))
        lam, m, u = new_lam, new_m, new_u
        if delta < tol:
            return Model(lam, m, u, it, True)
    return fixed_model()


# --------------------------------------------------------------------------------------------
# Clustering and the plan


@dataclass
class Cluster:
    members: list[str]
    score: float                                    # weakest member pair's match probability
    pairs: list[tuple[str, str, float]]             # every member pair with its probability
    survivor: str


@dataclass
class Plan:
    clusters: list[Cluster]
    compared_pairs: int
    all_pairs: int
    threshold: float
    model: Model
    norms: dict[str, Norm] = field(repr=False, default_factory=dict)
    contacts: dict[str, Contact] = field(repr=False, default_factory=dict)


def _components(nodes: Iterable[str], edges: list[tuple[str, str, float]]) -> list[list[str]]:
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b, _ in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for n in parent:
        groups.setdefault(find(n), []).append(n)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def scan(book: Any, within: set[str] | frozenset[str] = frozenset({"crm", "erp"}), across: bool = True,
         threshold: float = 0.9, lower: float = 0.5) -> Plan:
    """Find duplicate clusters among the book's CRM records and ERP customers/suppliers."""
    contacts = {cid: c for cid, c in sorted(book.contacts.items()) if c.role != "employee"}
    norms = [normalise(c) for c in contacts.values()]
    by_id = {n.id: n for n in norms}
    pairs = sorted(candidate_pairs(norms, set(within), across))
    vectors = [compare(norms[i], norms[j]) for i, j in pairs]
    model = estimate(vectors)

    def prob(a: Norm, b: Norm, vec: tuple[int, ...] | None = None) -> float:
        if hard_no(a, b):
            return 0.0
        return model.probability(vec if vec is not None else compare(a, b))

    scored = {(norms[i].id, norms[j].id): prob(norms[i], norms[j], v) for (i, j), v in zip(pairs, vectors)}
    edges = sorted(((a, b, p) for (a, b), p in scored.items() if p >= threshold),
                   key=lambda e: (-e[2], e[0], e[1]))

    def pscore(a: str, b: str) -> float:
        key = (a, b) if (a, b) in scored else (b, a)
        if key not in scored:
            scored[key] = prob(by_id[key[0]], by_id[key[1]])
        return scored[key]

    clusters: list[Cluster] = []
    todo = _components(by_id, edges)
    while todo:
        group = todo.pop()
        member_pairs = [(a, b, pscore(a, b)) for a, b in itertools.combinations(group, 2)]
        if min(p for _, _, p in member_pairs) >= lower:
            clusters.append(_cluster(group, member_pairs, by_id))
            continue
        # chaining guard: drop the weakest links until the group splits
        gedges = sorted((e for e in edges if e[0] in group and e[1] in group),
                        key=lambda e: (-e[2], e[0], e[1]))
        while gedges:
            gedges.pop()
            parts = _components(group, gedges)
            if len(parts) != 1 or len(parts[0]) != len(group):
                todo.extend(parts)
                break
    clusters.sort(key=lambda c: c.members)
    n = len(norms)
    allowed_all = sum(1 for a, b in itertools.combinations(norms, 2) if _allowed(a, b, set(within), across)) \
        if n <= 5000 else n * (n - 1) // 2
    return Plan(clusters, len(pairs), allowed_all, threshold, model, by_id, contacts)


def _cluster(group: list[str], member_pairs: list[tuple[str, str, float]], by_id: dict[str, Norm]) -> Cluster:
    ns = [by_id[g] for g in group]
    sides = {n.side for n in ns}
    pool = [n for n in ns if n.side == "erp"] if sides == {"crm", "erp"} else ns
    survivor = sorted(pool, key=lambda n: (-n.filled, n.id))[0].id
    return Cluster(sorted(group), round(min(p for _, _, p in member_pairs), 4),
                   sorted(member_pairs), survivor)


# --------------------------------------------------------------------------------------------
# Plan records (the plan file)

_EVIDENCE = (("name", "name"), ("tax_id", "tax"), ("email", "email"), ("phone", "phone"), ("city", "city"))


def _evidence(field_name: str, ids: list[str], plan: Plan) -> dict[str, Any]:
    raw = {i: (plan.contacts[i].name if field_name == "name" else plan.contacts[i].get(field_name))
           for i in ids}
    present = [i for i in ids if raw[i]]
    missing = [i for i in ids if not raw[i]]
    out: dict[str, Any] = {"field": field_name, "values": {i: str(raw[i]) for i in present}}
    if len(present) < 2:
        agree = "only one value"
    elif field_name == "name":
        sims = [name_similarity(plan.norms[a], plan.norms[b]) for a, b in itertools.combinations(present, 2)]
        lo = min(sims)
        agree = "exact" if len({raw[i] for i in present}) == 1 else f"{lo:.2f} after folding and suffixes"
    elif field_name == "phone":
        e = {phone_e164(raw[i]) for i in present}
        agree = "exact" if len({raw[i] for i in present}) == 1 else \
            "exact after E.164" if len(e) == 1 and None not in e else "differ after E.164"
    elif field_name == "email":
        e = {email_norm(raw[i]) for i in present}
        doms = [plan.norms[i].domains for i in present]
        if len({raw[i] for i in present}) == 1:
            agree = "exact"
        elif len(e) == 1:
            agree = "exact after lowercasing"
        elif all(doms) and set.intersection(*map(set, doms)):
            agree = "same domain " + sorted(set.intersection(*map(set, doms)))[0]
        else:
            agree = "differ"
    elif field_name == "tax_id":
        t = {tax_digits(raw[i]) for i in present}
        agree = "exact" if len(t) == 1 else "differ"
    else:
        f = {fold(str(raw[i])) for i in present}
        agree = "exact" if len({raw[i] for i in present}) == 1 else \
            "exact after folding" if len(f) == 1 else "differ"
    out["agree"] = agree
    out["missing"] = missing
    return out


def _fields(cluster: Cluster, plan: Plan) -> list[dict[str, str]]:
    """Survivorship: the survivor's value, else the most complete member's that has one."""
    order = [cluster.survivor] + sorted((m for m in cluster.members if m != cluster.survivor),
                                        key=lambda i: (-plan.norms[i].filled, i))
    names: list[str] = ["name"]
    for i in order:
        for k, _ in plan.contacts[i].fields:
            if k not in names:
                names.append(k)
    out = []
    for k in names:
        for i in order:
            v = plan.contacts[i].name if k == "name" else plan.contacts[i].get(k)
            if v not in (None, "", [], ()):
                out.append({"field": k, "value": v if isinstance(v, str) else str(v), "from": i})
                break
    return out


def plan_records(plan: Plan) -> list[dict[str, Any]]:
    out = []
    for n, c in enumerate(plan.clusters, 1):
        out.append({
            "cluster": n,
            "decision": "pending",
            "score": c.score,
            "members": [{"id": m, "side": plan.contacts[m].side, "role": plan.contacts[m].role,
                         "name": plan.contacts[m].name} for m in c.members],
            "pairs": [{"a": a, "b": b, "score": round(p, 4)} for a, b, p in c.pairs],
            "survivor": c.survivor,
            "evidence": [_evidence(f, c.members, plan) for f, _ in _EVIDENCE],
            "fields": _fields(c, plan),
        })
    return out


def dump_plan(plan: Plan) -> str:
    import yaml
    header = (f"# kebir dedup plan: {len(plan.clusters)} clusters, {plan.compared_pairs} pairs compared of "
              f"{plan.all_pairs}, threshold {plan.threshold}.\n"
              "# Set decision to accept or reject per cluster, then `kebir dedup apply` (later step).\n")
    return header + yaml.safe_dump(plan_records(plan), sort_keys=False, allow_unicode=True, width=110)
