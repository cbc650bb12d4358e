"""The demo's parties: customers, suppliers and employees on the ERP side, companies, people and
activities on the CRM side, with the look-alike spellings whose truth goes to duplicates.yaml.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from bench.demo.basics import (
    ABBREVIATIONS, ACTIVITIES, CITIES, DISTRICTS, END, FEMALE, MAIL_PROVIDERS, MALE, MOBILE_PREFIXES, PLACES, Record,
    START, SUFFIXES, SUFFIX_VARIANTS, SURNAMES, d, fold, iso, money, slug, tr_upper,
)
from bench.demo.company import (
    COORDINATOR, COST_CENTRE_OF_ROLE, EMPLOYEES, GM, NEW_REP, OLD_REP, SALES_MANAGER, SALES_REP, SUPPLIERS,
    SUPPLIERS_IN_CRM,
)


# --------------------------------------------------------------------------- contact helpers

def vkn_check(first9: str) -> str:
    """Check digit of a Turkish tax number (VKN)."""
    total = 0
    for i, ch in enumerate(reversed(first9), 1):
        c1 = (int(ch) + i) % 10
        if c1:
            total += (c1 * 2**i) % 9 or 9
    return str((10 - total % 10) % 10)


def tckn_checks(first9: str) -> str:
    """The two check digits of a Turkish identity number (TCKN)."""
    n = [int(c) for c in first9]
    d10 = ((n[0] + n[2] + n[4] + n[6] + n[8]) * 7 - (n[1] + n[3] + n[5] + n[7])) % 10
    return f"{d10}{(sum(n) + d10) % 10}"


def phone_as(digits: str, style: str) -> str:
    """A 10-digit national number ("2125550123") in one of the ways people write it."""
    a, b, c, e = digits[:3], digits[3:6], digits[6:8], digits[8:]
    return {"e164": f"+90 {a} {b} {c} {e}", "local": f"0{a} {b} {c}{e}", "plain": digits,
            "paren": f"(0{a}) {b} {c} {e}", "spaced": f"0{a} {b} {c} {e}", "dashed": f"0{a}-{b}-{c}{e}"}[style]


CRM_PHONE_STYLES = ("local", "spaced", "plain", "paren", "dashed")


@dataclass
class Firm:
    """A real-world company; its ERP and CRM records are two views of it."""
    core: str        # "Boğaziçi Etkinlik Organizasyon"
    suffix: str      # "Ltd. Şti."
    city: str
    address: str
    phone: str       # national digits
    tax_id: str
    tld: str = ".com.tr"

    @property
    def name(self) -> str:
        return f"{self.core} {self.suffix}".strip()

    def domain(self, hyphen: bool = False, tld: str = "") -> str:
        words = [slug(w) for w in self.core.split()[:2]]
        return ("-" if hyphen else "").join(words) + (tld or self.tld)


@dataclass
class Person:
    first: str
    last: str
    phone: str       # national digits (mobile)
    email: str = ""
    tax_id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


class Pools:
    """Hands out names, phone numbers, tax ids and firm names that are unique, so that no two
    records look alike by accident: every look-alike in the data is one the truth file lists."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.phones: set[str] = set()
        self.tax_ids: set[str] = set()
        self.addresses: set[str] = set()
        self.firm_keys: set[tuple[str, str]] = set()
        self.emails: set[str] = set()

    def claim(self, bucket: set[str], value: str) -> str:
        assert value not in bucket, value
        bucket.add(value)
        return value

    def email(self, make: Any) -> str:
        """A fresh e-mail address from `make()`, retried until no one else has it."""
        while True:
            address = make()
            if address not in self.emails:
                self.emails.add(address)
                return address

    def person_name(self) -> tuple[str, str]:
        while True:
            first = self.rng.choice(self.rng.choice((FEMALE, MALE)))
            last = self.rng.choice(SURNAMES)
            key = slug(f"{first}{last}")
            if key not in self.names:
                self.names.add(key)
                return first, last

    def phone(self, area: str) -> str:
        while True:
            digits = f"{area}555{self.rng.randint(0, 9999):04d}"
            if digits not in self.phones:
                self.phones.add(digits)
                return digits

    def mobile(self) -> str:
        return self.phone(self.rng.choice(MOBILE_PREFIXES))

    def vkn(self) -> str:
        while True:
            first9 = f"{self.rng.randint(1, 9)}{self.rng.randint(0, 99999999):08d}"
            number = first9 + vkn_check(first9)
            if number not in self.tax_ids:
                self.tax_ids.add(number)
                return number

    def tckn(self) -> str:
        while True:
            first9 = f"{self.rng.randint(1, 9)}{self.rng.randint(0, 99999999):08d}"
            number = first9 + tckn_checks(first9)
            if number not in self.tax_ids:
                self.tax_ids.add(number)
                return number

    def place(self, district: str = "") -> tuple[str, str, str]:
        """(address, city, phone area) somewhere in Istanbul, or now and then another city."""
        rng = self.rng
        while True:
            if district or rng.randint(1, 100) <= 85:
                dist = district or rng.choice(sorted(DISTRICTS))
                area, streets = DISTRICTS[dist]
                address, city = f"{rng.choice(streets)} No: {rng.randint(1, 240)}, {dist}", "İstanbul"
            else:
                city, area, streets = rng.choice(CITIES)
                address = f"{rng.choice(streets)} No: {rng.randint(1, 240)}"
            if address not in self.addresses:
                self.addresses.add(address)
                return address, city, area

    def firm(self) -> Firm:
        rng = self.rng
        while True:
            key = (rng.choice(PLACES), rng.choice(ACTIVITIES))
            if key not in self.firm_keys:
                self.firm_keys.add(key)
                break
        suffix = rng.choices([s for s, _ in SUFFIXES], weights=[w for _, w in SUFFIXES])[0]
        address, city, area = self.place()
        return Firm(f"{key[0]} {key[1]}", suffix, city, address, self.phone(area), self.vkn(),
                    rng.choice((".com.tr", ".com.tr", ".com")))

    def person(self) -> Person:
        first, last = self.person_name()
        return Person(first, last, self.mobile())


def crm_firm_name(rng: random.Random, firm: Firm) -> str:
    """How a salesperson typed the firm's name into the CRM: folded letters, another or no legal
    suffix, abbreviated words, now and then all capitals. Never the exact ERP name."""
    while True:
        core, suffix = firm.core, firm.suffix
        if rng.randint(1, 100) <= 65:
            suffix = rng.choice(SUFFIX_VARIANTS[suffix])
        if rng.randint(1, 100) <= 45:
            for long, short in ABBREVIATIONS:
                core = core.replace(long, short)
        name = f"{core} {suffix}".strip()
        if rng.randint(1, 100) <= 45:
            name = fold(name)
        if rng.randint(1, 100) <= 8:
            name = tr_upper(name)
        if name != firm.name:
            return name


def legacy_firm_name(rng: random.Random, firm: Firm) -> str:
    """A firm's name as an older accounting system exported it: capitals, ASCII, long suffix."""
    suffix = rng.choice(SUFFIX_VARIANTS[firm.suffix][:2]) if firm.suffix else ""
    return fold(tr_upper(f"{firm.core} {suffix}".strip()))


def email_case_variant(rng: random.Random, email: str) -> str:
    local, _, domain = email.partition("@")
    if rng.randint(0, 1):
        return email.upper()
    return f"{local.capitalize()}@{domain.capitalize()}"


def personal_email(rng: random.Random, first: str, last: str) -> str:
    f, l = slug(first), slug(last)
    local = rng.choice((f"{f}.{l}", f"{f}{l}", f"{f}{l}{rng.randint(70, 99)}", f"{f[0]}{l}", f"{f}_{l}"))
    return f"{local}@{rng.choice(MAIL_PROVIDERS)}"


def work_email(rng: random.Random, first: str, last: str, domain: str) -> str:
    f, l = slug(first), slug(last)
    return f"{rng.choice((f'{f}.{l}', f'{f}.{l}', f'{f[0]}{l}', f))}@{domain}"


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


# --------------------------------------------------------------------------- contacts

@dataclass
class Contacts:
    employees: list[Record]
    suppliers: list[Record]
    customers: list[Record]
    companies: list[Record]
    people: list[Record]
    activities: list[Record]
    links: list[Record]
    truth: dict[str, list[list[str]]]
    supplier_ids: dict[str, str]           # SupplierSpec.key -> SU- id


def build_employees(rng: random.Random, pools: Pools) -> list[Record]:
    out = []
    for n, (loc, role, gross, hired, left) in enumerate(EMPLOYEES, 1):
        first, last = pools.person_name()
        rec = {"id": f"EM-{n:04d}", "kind": "person", "name": f"{first} {last}", "tax_id": pools.tckn(),
               "email": f"{slug(first)}.{slug(last)}@denizlokanta.com.tr",
               "phone": phone_as(pools.mobile(), "e164"), "city": "İstanbul", "location": loc, "role": role,
               "hired": hired, "gross_salary": money(gross * 100), "cost_centre": COST_CENTRE_OF_ROLE[role]}
        if left:
            rec["left"] = left
        out.append(rec)
    return out


def build_suppliers(rng: random.Random, pools: Pools) -> tuple[list[Record], dict[str, str], dict[str, Firm]]:
    records, ids, firms = [], {}, {}
    for n, spec in enumerate(SUPPLIERS, 1):
        sid = f"SU-{n:04d}"
        ids[spec.key] = sid
        rec: Record = {"id": sid, "kind": "company", "name": spec.name}
        if spec.email:   # foreign: no Turkish tax number
            rec |= {"email": spec.email, "phone": spec.phone, "city": spec.city, "country": spec.country}
        else:
            core, suffix = split_suffix(spec.name)
            address, city, area = pools.place(spec.district)
            firm = Firm(core, suffix, city, address, pools.phone(area), pools.vkn())
            firms[spec.key] = firm
            rec |= {"tax_id": firm.tax_id, "email": f"{rng.choice(('info', 'muhasebe', 'satis'))}@{firm.domain()}",
                    "phone": phone_as(firm.phone, "e164"), "address": address, "city": city}
        rec |= {"payment_terms": spec.terms, "currency": spec.currency, "tags": list(spec.tags)}
        records.append(rec)
    return records, ids, firms


def split_suffix(name: str) -> tuple[str, str]:
    for suffix in sorted(SUFFIX_VARIANTS, key=len, reverse=True):
        if suffix and name.endswith(" " + suffix):
            return name[: -len(suffix) - 1], suffix
    return name, ""


class PartyBuilder:
    """Builds the customers and the CRM side together, with the truth about who is who.

    Records carry a temporary `_key` until ids are handed out; truth pairs name keys.
    """

    def __init__(self, rng: random.Random, pools: Pools) -> None:
        self.rng, self.pools = rng, pools
        self.customers: list[Record] = []
        self.companies: list[Record] = []
        self.people: list[Record] = []
        self.truth: dict[str, list[list[str]]] = {"crm_erp": [], "within_crm": [], "within_erp": [],
                                                  "hard_negatives": []}
        self.serial = 0
        self.company_domains: dict[str, str] = {}   # CRM company key -> the domain its people use

    def key(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial:04d}"

    # ---- ERP customers
    def erp_company(self, firm: Firm, key: str, *, email: str = "", name: str = "", phone_style: str = "e164",
                    external: bool | None = None) -> Record:
        rng = self.rng
        rec: Record = {"_key": key, "kind": "company", "name": name or firm.name, "tax_id": firm.tax_id,
                       "email": email or f"{rng.choice(('muhasebe', 'finans', 'info', 'satinalma'))}@{firm.domain()}",
                       "phone": phone_as(firm.phone, phone_style), "address": firm.address, "city": firm.city,
                       "payment_terms": rng.choice(("net30", "net30", "net45", "net60", "net15")),
                       "credit_limit": money(rng.choice((100, 150, 200, 250, 300, 400, 500, 750, 1000)) * 100000),
                       "currency": "TRY", "e_invoice": "true"}   # a company with a VKN: an e-Fatura user
        if external if external is not None else rng.randint(1, 100) <= 70:
            rec["external_id"] = f"LOGO-{rng.randint(10000, 99999)}"
        rec["tags"] = ["catering", rng.choice(("corporate", "corporate", "events", "wedding-planner"))]
        self.customers.append(rec)
        return rec

    def erp_person(self, person: Person, key: str) -> Record:
        rng = self.rng
        address, city, _ = self.pools.place()
        rec: Record = {"_key": key, "kind": "person", "name": person.name, "tax_id": person.tax_id,
                       "email": person.email, "phone": phone_as(person.phone, "e164"), "address": address,
                       "city": city, "payment_terms": "due",
                       "credit_limit": money(rng.choice((50, 100, 150, 200)) * 100000), "currency": "TRY",
                       "tags": ["catering", "private"]}
        self.customers.append(rec)
        return rec

    # ---- CRM companies and people
    def crm_company(self, key: str, name: str, *, domain: str, email: str | None, phone: str | None,
                    city: str, owner: str, created: dt.date, website: str | None = None) -> Record:
        rng = self.rng
        rec: Record = {"_key": key, "kind": "company", "name": name}
        if email:
            rec["email"] = email
        if phone:
            rec["phone"] = phone
        rec["website"] = website if website is not None else rng.choice((domain, domain, f"www.{domain}",
                                                                         f"https://{domain}"))
        rec |= {"city": fold(city) if rng.randint(1, 100) <= 35 else city, "owner": owner,
                "source": rng.choice(("web", "web", "referral", "event", "phone", "instagram", "fair")),
                "created": iso(created)}
        self.companies.append(rec)
        self.company_domains[key] = domain
        return rec

    def crm_company_of(self, firm: Firm, key: str, owner: str, created: dt.date, erp_email: str = "") -> Record:
        """The CRM record of a firm that also exists in the ERP (or in the CRM only)."""
        rng = self.rng
        hyphen = rng.randint(1, 100) <= 35
        domain = firm.domain(hyphen=hyphen, tld=rng.choice((firm.tld, firm.tld, ".com")))
        r = rng.randint(1, 100)
        if erp_email and r <= 30:
            email = erp_email
        elif erp_email and r <= 45:
            email = email_case_variant(rng, erp_email)
        elif r <= 90:
            email = f"{rng.choice(('info', 'iletisim', 'etkinlik', 'info'))}@{domain}"
        else:
            email = None
        r = rng.randint(1, 100)
        phone = phone_as(firm.phone, rng.choice(CRM_PHONE_STYLES)) if r <= 85 or not email else (
            phone_as(self.pools.mobile(), "spaced") if r <= 93 else None)
        return self.crm_company(key, crm_firm_name(rng, firm) if erp_email else crm_only_name(rng, firm),
                                domain=domain, email=email, phone=phone, city=firm.city, owner=owner,
                                created=created)

    def crm_person(self, key: str, person: Person, *, company: str = "", title: str = "", email: str = "",
                   phone_style: str = "spaced", owner: str, created: dt.date, name: str = "") -> Record:
        rec: Record = {"_key": key, "kind": "person", "name": name or person.name}
        if company:
            rec["_company"] = company
        if title:
            rec["title"] = title
        if email:
            rec["email"] = email
        if phone_style:
            rec["phone"] = phone_as(person.phone, phone_style)
        rec |= {"owner": owner, "created": iso(created)}
        self.people.append(rec)
        return rec

    def person_variant(self, person: Person, *, keep_name: bool = False) -> tuple[str, str, str]:
        """(name, email, phone style) of a second record of the same person."""
        rng = self.rng
        name = person.name
        if not keep_name:
            style = rng.randint(1, 10)
            name = fold(name) if style <= 4 else tr_upper(name) if style <= 5 else (
                f"{person.first[0]}. {person.last}" if style <= 6 else name)
        r = rng.randint(1, 100)
        email = person.email if r <= 35 else email_case_variant(rng, person.email) if r <= 65 else (
            person.email.replace("@gmail.com", "@googlemail.com") if "@gmail.com" in person.email and r <= 75
            else "")
        style = rng.choice(CRM_PHONE_STYLES) if (rng.randint(1, 100) <= 85 or not email) else ""
        return name, email, style

    def pair(self, kind: str, *keys: str) -> None:
        self.truth[kind].append(list(keys))


def crm_only_name(rng: random.Random, firm: Firm) -> str:
    """A prospect's name as entered in the CRM: often without the legal suffix."""
    if rng.randint(1, 100) <= 55:
        return firm.core
    return crm_firm_name(rng, firm) if rng.randint(0, 1) else firm.name


PERSON_TITLES = ("Event manager", "Office manager", "Executive assistant", "HR specialist", "HR manager",
                 "Purchasing manager", "Marketing manager", "General manager", "Finance manager", "Founder",
                 "Operations manager", "Corporate communications", "Administrative affairs", "Sales director")


def build_parties(rng: random.Random, pools: Pools, supplier_firms: dict[str, Firm],
                  supplier_ids: dict[str, str]) -> PartyBuilder:
    """ERP customers, CRM companies and people, and the dedup truth (see the module docstring)."""
    b = PartyBuilder(rng, pools)
    owners = (SALES_MANAGER, SALES_MANAGER, COORDINATOR, COORDINATOR, SALES_REP, NEW_REP, NEW_REP, GM)
    created = lambda: random_day(rng, d("2021-03-01"), d("2025-11-30"))  # noqa: E731

    # The records docs/formats.md and DESIGN.md use as examples: CU-0050, C-0101 and C-0193.
    bog = Firm("Boğaziçi Etkinlik Organizasyon", "Ltd. Şti.", "İstanbul", "Büyükdere Cad. 12", "2125550123",
               "1234567890")
    for bucket, value in ((pools.phones, bog.phone), (pools.tax_ids, bog.tax_id), (pools.phones, "5325551234"),
                          (pools.names, slug("AyşeYılmaz"))):
        pools.claim(bucket, value)
    b.erp_company(bog, "bog:erp", email="muhasebe@bogazicietkinlik.com.tr", external=True)
    b.customers[-1] |= {"payment_terms": "net30", "credit_limit": "150000.00"}
    b.crm_company("bog:crm", "Bogazici Etkinlik Org.", domain="bogazici-etkinlik.com",
                  email="info@bogazici-etkinlik.com", phone="0212 555 0123", city="Istanbul", owner=SALES_MANAGER,
                  created=d("2025-02-11"), website="bogazici-etkinlik.com")
    b.companies[-1]["source"] = "web"
    ayse = Person("Ayşe", "Yılmaz", "5325551234", "ayse.yilmaz@bogazici-etkinlik.com")
    b.crm_person("ayse:crm", ayse, company="bog:crm", title="Event manager", email=ayse.email,
                 owner=SALES_MANAGER, created=d("2025-02-11"))
    b.pair("crm_erp", "bog:crm", "bog:erp")

    # Hard negatives: look alike, are not the same.
    # 1. Two event firms with nearly the same name and different tax ids, in two cities.
    moda1 = Firm("Moda Etkinlik Organizasyon", "Ltd. Şti.", "İstanbul", "Moda Cad. No: 77, Kadıköy",
                 pools.phone("216"), pools.vkn())
    moda2 = Firm("Moda Etkinlik ve Organizasyon", "Tic. Ltd. Şti.", "İzmir", "Kıbrıs Şehitleri Cad. No: 51",
                 pools.phone("232"), pools.vkn(), ".com")
    b.erp_company(moda1, "moda1:erp")
    b.erp_company(moda2, "moda2:erp", email="info@modaorganizasyon-izmir.com")
    b.pair("hard_negatives", "moda1:erp", "moda2:erp")
    # 2. Two unrelated firms in the same office tower (same address).
    tower = "Büyükdere Cad. No: 199, Şişli"
    pools.addresses.add(tower)
    levent = Firm("Levent Hukuk Danışmanlık", "Ltd. Şti.", "İstanbul", tower, pools.phone("212"), pools.vkn())
    ayazaga = Firm("Ayazağa Bilişim Teknolojileri", "A.Ş.", "İstanbul", tower, pools.phone("212"), pools.vkn())
    b.erp_company(levent, "levent:erp")
    b.erp_company(ayazaga, "ayazaga:erp")
    b.pair("hard_negatives", "levent:erp", "ayazaga:erp")
    # 3. A CRM prospect that shares only its first word with the example customer.
    btur = Firm("Boğaziçi Turizm", "A.Ş.", "İstanbul", "Çırağan Cad. No: 90, Beşiktaş", pools.phone("212"),
                pools.vkn())
    b.crm_company("btur:crm", "Boğaziçi Turizm", domain="bogaziciturizm.com", email="rezervasyon@bogaziciturizm.com",
                  phone=phone_as(btur.phone, "local"), city="İstanbul", owner=SALES_REP, created=created())
    b.pair("hard_negatives", "btur:crm", "bog:erp")
    # 4. Two logistics firms in the CRM with similar names, different cities and phones.
    atlas1 = Firm("Atlas Lojistik", "", "İstanbul", "", pools.phone("216"), "")
    atlas2 = Firm("Atlas Global Lojistik", "", "Kocaeli", "", pools.phone("262"), "")
    b.crm_company("atlas1:crm", "Atlas Lojistik", domain="atlaslojistik.com.tr", email="info@atlaslojistik.com.tr",
                  phone=phone_as(atlas1.phone, "local"), city="İstanbul", owner=COORDINATOR, created=created())
    b.crm_company("atlas2:crm", "Atlas Global Lojistik A.Ş.", domain="atlasgloballojistik.com",
                  email="info@atlasgloballojistik.com", phone=phone_as(atlas2.phone, "spaced"), city="Kocaeli",
                  owner=SALES_REP, created=created())
    b.pair("hard_negatives", "atlas1:crm", "atlas2:crm")
    # 5. A private customer with the same name as the CRM's Ayşe Yılmaz: another person.
    ayse2 = Person("Ayşe", "Yılmaz", pools.mobile(), tax_id=pools.tckn())
    ayse2.email = pools.email(lambda: personal_email(rng, "Ayşe", "Yılmaz"))
    b.erp_person(ayse2, "ayse2:erp")
    b.pair("hard_negatives", "ayse:crm", "ayse2:erp")

    # Firms on both sides (one of them entered twice in the CRM).
    both_keys = []
    for n in range(51):
        firm = pools.firm()
        k = b.key("F")
        erp = b.erp_company(firm, f"{k}:erp")
        b.crm_company_of(firm, f"{k}:crm", rng.choice(owners), created(), erp_email=erp["email"])
        b.pair("crm_erp", f"{k}:crm", f"{k}:erp")
        both_keys.append((k, firm, erp["email"]))
    k, firm, erp_email = both_keys[rng.randrange(len(both_keys))]
    b.crm_company_of(firm, f"{k}:crm2", b.companies[-1]["owner"], created(), erp_email=erp_email)
    b.pair("crm_erp", f"{k}:crm2", f"{k}:erp")
    b.pair("within_crm", f"{k}:crm", f"{k}:crm2")

    # Firms only in the ERP; four of them were imported twice (same tax id).
    erp_only = []
    for n in range(35):
        firm = pools.firm()
        k = b.key("F")
        b.erp_company(firm, f"{k}:erp")
        erp_only.append((k, firm))
    for k, firm in rng.sample(erp_only, 4):
        first = next(r for r in b.customers if r["_key"] == f"{k}:erp")
        dup = b.erp_company(firm, f"{k}:erp2", name=legacy_firm_name(rng, firm),
                            phone_style=rng.choice(("plain", "local")), external=False)
        dup["external_id"] = f"MIKRO-{rng.randint(1000, 9999)}"
        if rng.randint(0, 1):
            dup["email"] = email_case_variant(rng, first["email"])
        else:
            del dup["email"]
        b.pair("within_erp", f"{k}:erp", f"{k}:erp2")

    # Suppliers the sales team also follows in the CRM.
    for key in SUPPLIERS_IN_CRM:
        firm = supplier_firms[key]
        k = b.key("S")
        b.crm_company_of(firm, f"{k}:crm", rng.choice(owners), created(), erp_email=f"info@{firm.domain()}")
        b.pair("crm_erp", f"{k}:crm", supplier_ids[key])

    # Prospects only in the CRM; five of them were entered twice.
    crm_only = []
    while len(b.companies) < 150 - 5:
        firm = pools.firm()
        k = b.key("F")
        b.crm_company_of(firm, f"{k}:crm", rng.choice(owners), created())
        crm_only.append((k, firm))
    for k, firm in rng.sample(crm_only, 5):
        first = next(r for r in b.companies if r["_key"] == f"{k}:crm")
        dup = b.crm_company_of(firm, f"{k}:crm2", first["owner"], created(),
                               erp_email=first.get("email") or f"info@{firm.domain()}")
        if "phone" in first and rng.randint(0, 1):
            dup["phone"] = phone_as(firm.phone, rng.choice(CRM_PHONE_STYLES))
        b.pair("within_crm", f"{k}:crm", f"{k}:crm2")

    # Private customers (weddings, engagements): 23 more, 8 of them also in the CRM, one entered twice.
    privates = []
    for n in range(23):
        p = pools.person()
        p.tax_id, p.email = pools.tckn(), pools.email(lambda: personal_email(rng, p.first, p.last))
        k = b.key("P")
        b.erp_person(p, f"{k}:erp")
        privates.append((k, p))
    for k, p in privates[:8]:
        name, email, style = b.person_variant(p)
        b.crm_person(f"{k}:crm", p, email=email, phone_style=style, owner=rng.choice(owners), created=created(),
                     name=name)
        b.pair("crm_erp", f"{k}:crm", f"{k}:erp")
    k, p = privates[8]
    dup = b.erp_person(p, f"{k}:erp2")
    dup |= {"name": fold(tr_upper(p.name)), "phone": phone_as(p.phone, "plain")}
    del dup["email"]
    b.pair("within_erp", f"{k}:erp", f"{k}:erp2")

    # CRM-only private contacts.
    loners = []
    for n in range(30):
        p = pools.person()
        p.email = pools.email(lambda: personal_email(rng, p.first, p.last))
        k = b.key("P")
        b.crm_person(f"{k}:crm", p, email=p.email, phone_style=rng.choice(CRM_PHONE_STYLES),
                     owner=rng.choice(owners), created=created())
        loners.append((k, p))

    # People at CRM companies; two colleagues sharing a surname and the office phone.
    companies = [c for c in b.companies if not c["_key"].endswith(":crm2")]
    office = rng.choice([c for c in companies if c["_key"].startswith("F") and "phone" in c])
    shared = rng.choice(SURNAMES)
    for n, first in enumerate(rng.sample(FEMALE, 1) + rng.sample(MALE, 1)):
        pools.claim(pools.names, slug(first + shared))
        p = Person(first, shared, "")
        rec = b.crm_person(f"kaya{n}:crm", p, company=office["_key"], title=rng.choice(PERSON_TITLES),
                           email=pools.email(lambda: work_email(rng, first, shared, b.company_domains[office["_key"]])),
                           phone_style="",
                           owner=office["owner"], created=max(d(office["created"]), created()))
        rec["phone"] = office["phone"]
    b.pair("hard_negatives", "kaya0:crm", "kaya1:crm")
    staff: list[tuple[str, Person]] = []
    while len(b.people) < 400 - 9:
        company = rng.choice(companies)
        p = pools.person()
        p.email = pools.email(lambda: work_email(rng, p.first, p.last, b.company_domains[company["_key"]]))
        k = b.key("P")
        b.crm_person(f"{k}:crm", p, company=company["_key"], title=rng.choice(PERSON_TITLES), email=p.email,
                     phone_style=rng.choice(CRM_PHONE_STYLES), owner=company["owner"],
                     created=max(d(company["created"]), created()))
        staff.append((k, p))

    # The same person entered twice in the CRM (seven times), and once three times.
    originals = rng.sample(staff, 6) + rng.sample(loners, 2)
    for n, (k, p) in enumerate(originals):
        first = next(r for r in b.people if r["_key"] == f"{k}:crm")
        copies = 2 if n == 0 else 1
        for c in range(copies):
            name, email, style = b.person_variant(p)
            company = first.get("_company", "") if rng.randint(1, 100) <= 60 else ""
            b.crm_person(f"{k}:crm{c + 2}", p, company=company, title=first.get("title", ""), email=email,
                         phone_style=style, owner=first["owner"], created=max(d(first["created"]), created()),
                         name=name)
        b.pair("within_crm", f"{k}:crm", *(f"{k}:crm{c + 2}" for c in range(copies)))
    return b


ACTIVITY_KINDS = (  # kind, weight, subjects, outcomes
    ("call", 35, ("Follow-up call on catering quote", "Menu questions", "Guest count update", "Payment reminder",
                  "Introductory call", "Iftar menu inquiry", "New Year party inquiry", "Delivery time confirmation"),
     ("positive", "neutral", "negative", "no-answer")),
    ("email", 30, ("Sent catering price list", "Sent revised quote", "Sent contract draft", "Invoice copy requested",
                   "Tasting date confirmation", "Allergen list sent"), ("positive", "neutral", "open")),
    ("meeting", 15, ("Wedding menu tasting", "Corporate lunch planning", "Venue walk-through",
                     "Annual catering agreement review"), ("positive", "neutral", "negative")),
    ("ticket", 10, ("Late delivery complaint", "Invoice correction request", "Allergen information request",
                    "Missing items in delivery"), ("resolved",)),
    ("visit", 10, ("Site visit at event venue", "Office visit with samples", "Visit to the central kitchen"),
     ("positive", "neutral")),
)


def number_records(rng: random.Random, records: list[Record], prefix: str, start: int,
                   forced: dict[str, int]) -> dict[str, str]:
    """Ids in a shuffled order (a CRM export is in no useful order), with some ids pinned."""
    order = list(records)
    rng.shuffle(order)
    for key, num in forced.items():
        i = next(n for n, r in enumerate(order) if r["_key"] == key)
        order[i], order[num - start] = order[num - start], order[i]
    return {r["_key"]: f"{prefix}{n:04d}" for n, r in enumerate(order, start)}


def finish_records(records: list[Record], ids: dict[str, str]) -> list[Record]:
    out = []
    for r in records:
        rec = {"id": ids[r["_key"]]}
        rec |= {k: v for k, v in r.items() if not k.startswith("_")}
        if "_company" in r:
            rec = {k: v for k, v in rec.items() if k not in ("title", "email", "phone", "owner", "created")}
            rec["company"] = ids[r["_company"]]
            rec |= {k: r[k] for k in ("title", "email", "phone", "owner", "created") if k in r}
        out.append(rec)
    return out


def build_activities(rng: random.Random, companies: list[Record], people: list[Record],
                     customer_crm_ids: set[str]) -> list[Record]:
    """About 2,000 CRM activities in 2025, more of them on firms that are customers."""
    contacts = companies + people
    company_of = {p["id"]: p.get("company", "") for p in people}
    weights = [4 if c["id"] in customer_crm_ids or company_of.get(c["id"]) in customer_crm_ids else 1
               for c in contacts]
    kinds = [k for k, *_ in ACTIVITY_KINDS]
    drafts = []
    for _ in range(2000):
        c = rng.choices(contacts, weights)[0]
        day = random_day(rng, max(START, d(c["created"])), END)
        kind, _, subjects, outcomes = ACTIVITY_KINDS[kinds.index(rng.choices(kinds, [w for _, w, *_ in
                                                                                     ACTIVITY_KINDS])[0])]
        outcome = rng.choice(outcomes)
        if kind == "ticket" and day >= d("2025-12-15") and rng.randint(0, 1):
            outcome = "open"
        owner = c["owner"]
        if owner == NEW_REP and day < d("2025-06-02"):
            owner = OLD_REP           # the portfolio changed hands in June
        drafts.append({"date": iso(day), "contact": c["id"], "kind": kind, "subject": rng.choice(subjects),
                       "outcome": outcome, "owner": owner})
    drafts.sort(key=lambda a: (a["date"], a["contact"], a["kind"], a["subject"]))
    return [{"id": f"ACT-{n:06d}", **a} for n, a in enumerate(drafts, 1)]


def build_contacts(rng_contacts: random.Random, rng_activities: random.Random) -> Contacts:
    rng = rng_contacts
    pools = Pools(rng)
    employees = build_employees(rng, pools)
    suppliers, supplier_ids, supplier_firms = build_suppliers(rng, pools)
    b = build_parties(rng, pools, supplier_firms, supplier_ids)

    ids = dict(number_records(rng, b.customers, "CU-", 1, {"bog:erp": 50}))
    ids |= number_records(rng, b.companies, "C-", 1, {"bog:crm": 101})
    ids |= number_records(rng, b.people, "C-", len(b.companies) + 1, {"ayse:crm": 193})
    customers = finish_records(b.customers, ids)
    companies = finish_records(b.companies, ids)
    people = finish_records(b.people, ids)
    truth = {kind: sorted(sorted(ids.get(k, k) for k in cluster) for cluster in clusters)
             for kind, clusters in b.truth.items()}

    customer_crm = {c for pair in truth["crm_erp"] for c in pair if c.startswith("C-")}
    activities = build_activities(rng_activities, companies, people, customer_crm)

    # A handful of pairs someone already linked by hand (the example pair C-0101/CU-0050 is not one:
    # it is what a dedup scan should find).
    created = {r["id"]: d(r["created"]) for r in companies + people}
    candidates = [p for p in truth["crm_erp"] if p[1].startswith("CU-") and p != ["C-0101", "CU-0050"]]
    links = []
    for crm, erp in rng_activities.sample(candidates, 6):
        since = random_day(rng_activities, max(created[crm], d("2024-06-01")), END)
        links.append({"crm": crm, "erp": erp, "since": iso(since)})
    return Contacts(employees, suppliers, customers, companies, people, activities, links, truth, supplier_ids)
