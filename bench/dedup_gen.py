#!/usr/bin/env python3
"""Generate noisy contact books with known duplicates, for the dedup benchmark.

    python bench/dedup_gen.py N OUTDIR [--seed 6]

Writes OUTDIR/books/ (books.toml, contacts/crm/{companies,people}.yaml, contacts/erp/{customers,
suppliers}.yaml in the format of ledger-data/contacts) with N contact records, and the ground truth
beside it: OUTDIR/truth.csv (`id,entity`: records of one entity are one party) and
OUTDIR/lookalikes.csv (`a,b,kind`: planted pairs that look alike but are different parties).

What is planted:
- parties: Turkish and foreign people and companies; a party has 1 record (70%), 2 (20%), 3 (7%)
  or 4 (3%), spread within CRM, within ERP and across the two sides (an ERP company and its CRM
  record; a CRM person and an ERP customer who is a person);
- noise on each record: typos (a letter dropped, doubled, swapped or replaced), Turkish letters
  written in ASCII, upper case, swapped first and last names, nicknames (Bill/William, Memo/
  Mehmet), company legal forms and trade words varied (Ltd. Şti., Limited Şirketi, A.Ş., Anonim
  Şirketi, San. ve Tic., GmbH, Inc, ...) or dropped, abbreviations (Org., Hiz., Muh.), phones in
  every Turkish format, e-mails in other cases or another mailbox at the firm's domain, addresses
  abbreviated or changed (moved), and missing fields. The records of one party always keep at
  least one identifier in common (phone, e-mail, address or tax id, in any format): a pair with
  nothing in common but a name cannot be told from namesakes by anyone, so it is not planted;
- look-alikes that are NOT duplicates: households (people sharing last name, address and landline),
  namesakes (same name, different contact data), sister companies (one address and switchboard,
  a shared first word in the name, different tax ids and domains).

Deterministic: one random generator from the seed; the same (N, seed) gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

GEN_VERSION = "1"

TR_FIRST_M = ("Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil "
              "Süleyman Abdullah Mahmut Recep Salih Fatih Kadir Emre Hakan Adem Kemal Yaşar Bülent Serkan "
              "Orhan Burak Cem Can Caner Deniz Eren Gökhan Kaan Onur Sinan Tolga Uğur Volkan Barış Çağlar "
              "Doğan Erkan Ferhat Gürkan Levent Metin Oğuz Selim Şahin Tarık Tuncay Umut Yiğit Zeki Berk "
              "Alper Cihan Emir Ercan Engin Fikret Güven İlker Koray Mert Nihat Özgür Rıza Sadık Taner").split()
TR_FIRST_F = ("Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve Havva Zeliha "
              "Esra Fadime Özlem Hacer Yasemin Hülya Cemile Sevgi Gül Dilek Büşra Ebru Ece Gamze Seda "
              "Tuğba Derya Pınar Burcu Aslı Ceren Damla Didem Esin Gizem İrem Kübra Nur Özge Selin Şule "
              "Tülay Yeliz Nazlı Deniz Songül Filiz Gülşen Nesrin Sibel Aylin Berna Canan Çiğdem Duygu "
              "Eda Feride Gönül Hande İpek Leyla Melek Nihan Oya Rukiye Sevda Sena Tuba Yeşim").split()
TR_LAST = ("Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan "
           "Çetin Kara Koç Kurt Özkan Şimşek Polat Öz Korkmaz Çakır Erdoğan Yavuz Can Acar Şen Aktaş "
           "Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan Avcı Sarı Tekin "
           "Taş Köse Yüksel Ateş Aksoy Başaran Bayram Coşkun Duman Ekinci Erdem Eren Güven Kahraman "
           "Karaca Kocabaş Menteş Oral Önal Özbek Sezer Soylu Tatlı Toprak Tuna Uçar Uysal Vural "
           "Yaman Yazıcı Zengin Akın Altun Atay Balcı Bilgin Cengiz Çınar Demirci Dinç Durmaz Ergin "
           "Gökçe Gündüz Işıklar Kalkan Karakaya Kartal Kılınç Metin Namlı Okur Orhan Özgür Parlak "
           "Sağlam Savaş Sevim Soydan Şener Tan Taşkın Temiz Tezcan Uslu Yücel Zorlu Akbulut Akgül "
           "Albayrak Alkan Alp Altıntaş Anıl Arıkan Bağcı Baysal Berber Boz Budak Cömert Dağ Deniz "
           "Dursun Elmas Erbil Esen Gezer Gökmen Gürel İnce Kandemir Karabulut Kayhan Kızıl Koçak").split()
FOREIGN_FIRST = ("William Robert Richard James John Michael Thomas Elizabeth Margaret Katherine Jennifer "
                 "Anna Maria Peter Hans Klaus Stefan Andreas Sabine Claudia Pierre Jean Marie Sophie "
                 "Giovanni Marco Luca Francesca Elena Ivan Olga Dmitri Natalia Ahmed Omar Layla "
                 "Daniel David Sarah Laura Christopher Alexander Nicholas Jonathan Patricia").split()
FOREIGN_LAST = ("Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Müller Schmidt "
                "Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Dubois Martin Bernard "
                "Rossi Russo Ferrari Esposito Bianchi Romano Ivanov Petrov Smirnov Haddad Nasser Khalil "
                "García Fernández López Martínez Novak Kowalski Nowak Jansen").split()
# nickname -> given name; kebir's scan knows the same common pairs (core.crm.dedup.normalise.NICKNAMES)
NICKS = {"William": ["Bill", "Will"], "Robert": ["Bob", "Rob"], "Richard": ["Rick", "Dick"],
         "James": ["Jim"], "John": ["Jack"], "Michael": ["Mike"], "Thomas": ["Tom"],
         "Elizabeth": ["Liz", "Beth"], "Margaret": ["Maggie", "Peggy"], "Katherine": ["Kate", "Kathy"],
         "Jennifer": ["Jenny"], "Christopher": ["Chris"], "Alexander": ["Alex"], "Nicholas": ["Nick"],
         "Jonathan": ["Jon"], "Patricia": ["Pat"], "Daniel": ["Dan"], "David": ["Dave"], "Peter": ["Pete"],
         "Andreas": ["Andi"], "Stefan": ["Steffi"], "Giovanni": ["Gianni"], "Dmitri": ["Dima"],
         "Natalia": ["Natasha"], "Mehmet": ["Memo", "Memet"], "Mustafa": ["Musti"], "Abdullah": ["Apo"],
         "Hüseyin": ["Hüso"], "İbrahim": ["İbo"], "Fatma": ["Fatoş"], "Hatice": ["Hatiş"],
         "Süleyman": ["Süleyman"], "Zeynep": ["Zeyno"], "Ramazan": ["Ramo"], "Emine": ["Emoş"]}

PLACES = ("Anadolu Ayazağa Bebek Beykoz Boğaziçi Çamlıca Çengelköy Etiler Fenerbahçe Florya Göksu "
          "Kadıköy Kandilli Kanlıca Kilyos Kozyatağı Kuzguncuk Levent Maslak Moda Nişantaşı Ortaköy "
          "Rumeli Sarıyer Şile Tarabya Tophane Üsküdar Yeniköy Zincirlikuyu Akdeniz Ege Karadeniz "
          "Marmara Toros Kaçkar Erciyes Uludağ Palandöken Kapadokya Efes Truva Likya Frigya Sümer "
          "Hitit Selçuklu Osmanlı Lale Kardelen Gelincik Menekşe Nergis Papatya Zambak Akasya Çınar "
          "Defne Çağlayan Yıldız Güneş Ay Poyraz Lodos Karayel Bora Doruk Zirve Ufuk Ekin Bereket "
          "Başak Umut Güven Özgür Birlik Dostluk Kardeş Aile Atlas Orion Vega Mavi Yeşil Kristal "
          "Elmas Zümrüt Safir İnci Mercan Altın Gümüş Bakır Demir Çelik Granit Mermer Liman Köprü "
          "Kale Saray Han Pasaj Çarşı Meydan Miras Lider Öncü Yenilik Modern Klasik Asil Soylu Tunç").split()
SECTORS = ("Gıda", "Tekstil", "İnşaat", "Mimarlık", "Mühendislik", "Danışmanlık", "Turizm", "Lojistik",
           "Nakliyat", "Otomotiv", "Elektronik", "Bilişim", "Yazılım", "Teknoloji", "Enerji", "Kimya",
           "İlaç", "Eczacılık", "Sağlık", "Eğitim", "Yayıncılık", "Reklam", "Organizasyon", "Etkinlik",
           "Mobilya", "Ambalaj", "Matbaa", "Peyzaj", "Tarım", "Hayvancılık", "Su Ürünleri", "Makina",
           "Metal", "Plastik", "Kağıt", "Cam", "Seramik", "Mermer", "Kuyumculuk", "Tercüme", "Hukuk",
           "Finans", "Sigorta", "Emlak", "Güvenlik", "Temizlik", "Catering", "Lokanta", "Pastacılık",
           "Kahve", "Çay", "İletişim", "Medya", "Film", "Müzik", "Spor", "Kozmetik", "Optik", "Oyuncak",
           "Bilgisayar")
FOREIGN_WORDS = ("Alpine Nordic Atlantic Pacific Summit Vertex Apex Zenith Horizon Pioneer Sterling "
                 "Crown Royal Global United Premier Prime Delta Sigma Omega Orion Phoenix Falcon Eagle "
                 "Rhein Donau Bavaria Hansa Berlin Baltic Iberia Adria Helvetia Nova Stella Terra").split()
FOREIGN_SECTORS = ("Logistics", "Foods", "Textiles", "Engineering", "Consulting", "Software", "Systems",
                   "Trading", "Pharma", "Chemicals", "Machinery", "Media", "Energy", "Travel", "Partners")
# (canonical suffix, variants) for Turkish firms; foreign firms use GmbH / Inc / LLC / Ltd
TR_FORMS = (("Ltd. Şti.", ["Ltd. Şti.", "Ltd.Şti.", "LTD. ŞTİ.", "Ltd Sti", "Limited Şirketi", "Ltd.", ""]),
            ("A.Ş.", ["A.Ş.", "A.S.", "AŞ", "AS", "Anonim Şirketi", ""]),
            ("San. ve Tic. A.Ş.", ["San. ve Tic. A.Ş.", "Sanayi ve Ticaret A.Ş.", "San. Tic. A.Ş.", "A.Ş.", ""]),
            ("San. ve Tic. Ltd. Şti.", ["San. ve Tic. Ltd. Şti.", "San. Tic. Ltd. Şti.", "Ltd. Şti.",
                                        "Sanayi ve Ticaret Limited Şirketi", ""]))
FOREIGN_FORMS = (("GmbH", ["GmbH", "GMBH", "Gmbh", ""]), ("Inc", ["Inc", "Inc.", "INC", ""]),
                 ("LLC", ["LLC", "L.L.C.", ""]), ("Ltd", ["Ltd", "Ltd.", "Limited", ""]))
ABBREV = {"Organizasyon": "Org.", "Mühendislik": "Müh.", "Danışmanlık": "Dan.", "Turizm": "Tur.",
          "Nakliyat": "Nak.", "Elektronik": "Elek.", "Teknoloji": "Tek.", "Yayıncılık": "Yay.",
          "Mimarlık": "Mim.", "İnşaat": "İnş.", "Makina": "Mak.", "Bilgisayar": "Bilg."}
CITIES = ("İstanbul İstanbul İstanbul İstanbul Ankara Ankara İzmir İzmir Bursa Antalya Adana Konya "
          "Gaziantep Kocaeli Mersin Kayseri Eskişehir Diyarbakır Samsun Denizli Şanlıurfa Trabzon "
          "Muğla Tekirdağ Sakarya Manisa Balıkesir Aydın Hatay Malatya").split()
FOREIGN_CITIES = ("Berlin München Hamburg Wien Zürich London Manchester Paris Lyon Milano Roma Madrid "
                  "Amsterdam Rotterdam Warszawa Praha Moskva Dubai Beirut New York Chicago").split()
STREETS = ("Atatürk Cumhuriyet İstiklal Gazi Mustafa Kemal İnönü Bağdat Barbaros Fevzi Çakmak Kazım "
           "Karabekir Hürriyet Millet Vatan Zafer Çiçek Lale Menekşe Gül Papatya Ihlamur Çınar Akasya "
           "Kuşdili Halaskargazi Büyükdere Tugay Yolu Necatibey Kızılay Talatpaşa Alsancak Kordon").split()
STREET_KIND = (("Cad.", "Caddesi"), ("Sok.", "Sokak"), ("Bulv.", "Bulvarı"))
DISTRICTS = ("Kadıköy Beşiktaş Şişli Üsküdar Maltepe Ataşehir Bakırköy Sarıyer Beyoğlu Fatih Çankaya "
             "Keçiören Yenimahalle Konak Karşıyaka Bornova Nilüfer Osmangazi Muratpaşa Seyhan Selçuklu").split()
MAILBOXES = ("info", "iletisim", "muhasebe", "finans", "satis", "destek", "contact", "office", "sales")
FREEMAIL = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "icloud.com", "yandex.com")
AREA = ("212", "216", "312", "232", "224", "242", "322", "332", "342", "262")
MOBILE = ("530", "532", "533", "535", "536", "537", "538", "539", "541", "542", "543", "544",
          "505", "506", "507", "551", "552", "553", "554", "555", "559")
ASCII = str.maketrans("çğıöşüÇĞİÖŞÜâîû", "cgiosuCGIOSUaiu")
LOWER_TR = str.maketrans({"I": "ı", "İ": "i"})
UPPER_TR = str.maketrans({"i": "İ", "ı": "I"})


def _ascii(s: str) -> str:
    return s.translate(ASCII)


def _slug(s: str) -> str:
    return "".join(ch for ch in _ascii(s.translate(LOWER_TR)).lower() if ch.isalnum())


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.used_tax: set[str] = set()
        self.used_phone: set[str] = set()
        self.used_mail: set[str] = set()

    # ------------------------------------------------------------------ identifiers
    def tax(self, digits: int = 10) -> str:
        while True:
            t = str(self.r.randrange(10 ** (digits - 1), 10 ** digits))
            if t not in self.used_tax:
                self.used_tax.add(t)
                return t

    def phone(self, mobile: bool) -> str:
        """A new 10-digit national number (no leading 0)."""
        r = self.r
        while True:
            p = (r.choice(MOBILE) if mobile else r.choice(AREA)) + f"{r.randrange(10 ** 7):07d}"
            if p not in self.used_phone:
                self.used_phone.add(p)
                return p

    def fmt_phone(self, p: str) -> str:
        a, b, c, d = p[:3], p[3:6], p[6:8], p[8:]
        return self.r.choice((f"0{a} {b} {c} {d}", f"0{a}-{b}-{c}{d}", f"({a}) {b}-{c}-{d}", f"{a}{b}{c}{d}",
                              f"+90 {a} {b} {c} {d}", f"(0{a}) {b} {c} {d}", f"0{a}{b}{c}{d}", f"+90{p}"))

    def address(self) -> str:
        r = self.r
        kind = r.choice(STREET_KIND)[1]
        return f"{r.choice(STREETS)} {kind} No: {r.randrange(1, 300)}, {r.choice(DISTRICTS)}"

    def vary_address(self, a: str) -> str:
        r = self.r
        x = r.random()
        if x < 0.3:
            for short, long_ in STREET_KIND:
                a = a.replace(long_, short)
        elif x < 0.5:
            a = _ascii(a)
        elif x < 0.6:
            a = a.replace("No: ", "No:").replace(",", "")
        return a

    # ------------------------------------------------------------------ names
    def typo(self, s: str) -> str:
        r = self.r
        idx = [i for i, ch in enumerate(s) if ch.isalpha()]
        if len(idx) < 4:
            return s
        i = r.choice(idx[1:])
        op = r.randrange(4)
        if op == 0:
            return s[:i] + s[i + 1:]
        if op == 1:
            return s[:i] + s[i] + s[i:]
        if op == 2 and i + 1 < len(s) and s[i + 1].isalpha():
            return s[:i] + s[i + 1] + s[i] + s[i + 2:]
        return s[:i] + r.choice("aeiklmnrst") + s[i + 1:]

    def case(self, s: str) -> str:
        x = self.r.random()
        if x < 0.1:
            return s.translate(UPPER_TR).upper()
        if x < 0.3:
            return _ascii(s)
        if x < 0.35:
            return _ascii(s).upper()
        return s


def make_party(g: Gen, kind: str, foreign: bool) -> dict:
    r = g.r
    if kind == "person":
        if foreign:
            first, last = r.choice(FOREIGN_FIRST), r.choice(FOREIGN_LAST)
        else:
            first = r.choice(TR_FIRST_M if r.random() < 0.5 else TR_FIRST_F)
            if r.random() < 0.15:
                first += " " + r.choice(TR_FIRST_F + TR_FIRST_M)
            last = r.choice(TR_LAST)
        slug = _slug(first.split()[0]) + r.choice((".", "_", "")) + _slug(last)
        mail = f"{slug}{r.randrange(1, 999) if r.random() < 0.6 else ''}@{r.choice(FREEMAIL)}"
        while mail in g.used_mail:
            mail = f"{slug}{r.randrange(1000, 99999)}@{r.choice(FREEMAIL)}"
        g.used_mail.add(mail)
        return {"kind": "person", "first": first, "last": last, "email": mail,
                "phone": g.phone(mobile=True), "city": r.choice(FOREIGN_CITIES if foreign else CITIES),
                "address": g.address(), "tax": g.tax(11), "foreign": foreign}
    if foreign:
        core_ = f"{r.choice(FOREIGN_WORDS)} {r.choice(FOREIGN_WORDS)} {r.choice(FOREIGN_SECTORS)}"
        form = r.choice(FOREIGN_FORMS)
    else:
        core_ = f"{r.choice(PLACES)} {r.choice(PLACES)} {r.choice(SECTORS)}" if r.random() < 0.7 else \
            f"{r.choice(PLACES)} {r.choice(SECTORS)}"
        form = r.choice(TR_FORMS)
    stem = _slug(core_)
    while stem in g.used_mail:          # one firm per domain name, whatever the top-level domain
        stem = _slug(core_) + str(r.randrange(2, 999))
    g.used_mail.add(stem)
    domain = stem + (r.choice((".com.tr", ".com")) if not foreign else r.choice((".com", ".de")))
    return {"kind": "company", "core": core_, "form": form, "domain": domain, "mailbox": r.choice(MAILBOXES),
            "phone": g.phone(mobile=False), "city": r.choice(FOREIGN_CITIES if foreign else CITIES),
            "address": g.address(), "tax": g.tax(10), "foreign": foreign}


def render(g: Gen, p: dict, side: str, clean: bool, anchor: str) -> dict:
    """One record of party p on a side; clean = the party's first record (light noise only)."""
    r = g.r
    noisy = 0.0 if clean else 1.0
    rec: dict = {"kind": p["kind"]}
    if p["kind"] == "person":
        first = p["first"]
        if not clean and first in NICKS and r.random() < 0.3:
            first = r.choice(NICKS[first])
        name = f"{p['last']} {first}" if r.random() < 0.12 * noisy else f"{first} {p['last']}"
    else:
        core_ = p["core"]
        if r.random() < 0.25 * noisy:
            for k, v in ABBREV.items():
                core_ = core_.replace(k, v)
        form = p["form"][0] if clean else r.choice(p["form"][1])
        name = f"{core_} {form}".strip()
    if r.random() < 0.3 * noisy:
        name = g.typo(name)
    rec["name"] = g.case(name) if not clean or r.random() < 0.3 else name
    # identifiers: the anchor is always kept; the others may be missing or changed
    if side == "erp":
        rec["tax_id"] = p["tax"] if (p["kind"] == "company" or r.random() < 0.5) else None
    keep = {f: (f == anchor or r.random() > 0.25 * noisy + 0.05) for f in ("email", "phone", "address", "city")}
    if keep["email"]:
        if p["kind"] == "person":
            e = p["email"]
        else:
            box = p["mailbox"] if (clean or anchor == "email" or r.random() < 0.6) else r.choice(MAILBOXES)
            e = f"{box}@{p['domain']}"
        rec["email"] = e.upper() if r.random() < 0.1 * noisy else e
    if keep["phone"]:
        rec["phone"] = g.fmt_phone(p["phone"])
    if side == "crm" and p["kind"] == "company" and r.random() < 0.6:
        rec["website"] = r.choice(("www.", "", "https://www.")) + p["domain"]
    if keep["address"] and (side == "erp" or r.random() < 0.5 or anchor == "address"):
        rec["address"] = g.vary_address(p["address"]) if anchor == "address" or r.random() > 0.15 * noisy \
            else g.address()                                           # moved
    if keep["city"]:
        rec["city"] = g.case(p["city"])
    return rec


def generate(n: int, seed: int) -> tuple[list[tuple[str, str, dict, int]], list[tuple[int, int, str]]]:
    """Records as (side, file role, record without id, entity) and look-alike entity pairs."""
    g = Gen(seed)
    r = g.r
    recs: list[tuple[str, str, dict, int]] = []
    looks: list[tuple[int, int, str]] = []
    entity = 0
    while len(recs) < n:
        x = r.random()
        kind = "company" if r.random() < 0.55 else "person"
        foreign = r.random() < 0.12
        p = make_party(g, kind, foreign)
        family = [p]
        look = None
        if x < 0.03 and kind == "person":          # household: same last name, address and landline
            landline = g.phone(mobile=False)
            p["home"] = landline
            for _ in range(r.choice((1, 1, 2))):
                q = make_party(g, "person", foreign)
                q.update(last=p["last"], address=p["address"], city=p["city"])
                family.append(q)
            for f in family:
                f["phone"] = landline if r.random() < 0.7 else f["phone"]
            look = "household"
        elif x < 0.05 and kind == "company":        # sister companies at one address and switchboard
            q = make_party(g, "company", foreign)
            q.update(core=p["core"].split()[0] + " " + q["core"].split()[-1], address=p["address"],
                     phone=p["phone"], city=p["city"])
            if q["core"] != p["core"]:
                family.append(q)
            look = "sister"
        elif x < 0.08:                              # namesake: same name, nothing else in common
            q = make_party(g, kind, foreign)
            for k in ("first", "last", "core", "form"):
                if k in p:
                    q[k] = p[k]
            family.append(q)
            look = "namesake"
        base = entity
        for q in family:
            k = r.random()
            count = 1 if k < 0.70 else 2 if k < 0.90 else 3 if k < 0.97 else 4
            anchor = r.choice(("email", "phone", "address"))
            sides = [r.choice(("crm", "erp")) for _ in range(count)]
            for i, side in enumerate(sides):
                role = ("customer" if r.random() < 0.75 else "supplier") if side == "erp" else \
                    ("companies" if q["kind"] == "company" else "people")
                if side == "erp" and q["kind"] == "person":
                    role = "customer"
                recs.append((side, role, render(g, q, side, i == 0, anchor), entity))
            entity += 1
        if look:
            for a in range(base, entity):
                for b in range(a + 1, entity):
                    looks.append((a, b, look))
    return recs[:n], looks


def _q(v: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted (JSON string syntax is valid YAML)."""
    import json
    if v and v[0].isalpha() and all(ch.isalnum() or ch in " .-'" for ch in v) and v.lower() not in (
            "yes", "no", "on", "off", "true", "false", "null", "y", "n"):
        return v
    return json.dumps(v, ensure_ascii=False)


FIELD_ORDER = ("kind", "name", "tax_id", "email", "phone", "website", "address", "city")


def write(n: int, out: Path, seed: int) -> dict:
    recs, looks = generate(n, seed)
    order = list(range(len(recs)))
    random.Random(seed + 1).shuffle(order)           # ids do not reveal the clusters
    files: dict[tuple[str, str], list[str]] = {}
    prefix = {"customer": "CU", "supplier": "SU", "companies": "C", "people": "C"}
    counters: dict[str, int] = {}
    truth = ["id,entity"]
    ids_of: dict[int, list[str]] = {}
    for k in order:
        side, role, rec, ent = recs[k]
        pre = prefix[role]
        counters[pre] = counters.get(pre, 0) + 1
        rid = f"{pre}-{counters[pre]:07d}"
        lines = [f"- id: {rid}"]
        for f in FIELD_ORDER:
            v = rec.get(f)
            if v:
                lines.append(f"  {f}: {_q(v)}")
        files.setdefault((side, role), []).append("\n".join(lines))
        truth.append(f"{rid},{ent}")
        ids_of.setdefault(ent, []).append(rid)
    books = out / "books"
    for sub in ("contacts/crm", "contacts/erp"):
        (books / sub).mkdir(parents=True, exist_ok=True)
    (books / "books.toml").write_text('[company]\nname = "Dedup Bench A.Ş."\nbase_currency = "TRY"\n'
                                      '\n[currencies]\nTRY = 2\n', encoding="utf-8")
    names = {("crm", "companies"): "contacts/crm/companies.yaml", ("crm", "people"): "contacts/crm/people.yaml",
             ("erp", "customer"): "contacts/erp/customers.yaml", ("erp", "supplier"): "contacts/erp/suppliers.yaml"}
    for key, rel in names.items():
        (books / rel).write_text("\n".join(files.get(key, [])) + "\n" if files.get(key) else "[]\n",
                                 encoding="utf-8")
    (out / "truth.csv").write_text("\n".join(truth) + "\n", encoding="utf-8")
    look_lines = ["a,b,kind"]
    for a, b, kind in looks:
        for x in ids_of.get(a, [])[:1]:
            for y in ids_of.get(b, [])[:1]:
                look_lines.append(f"{x},{y},{kind}")
    (out / "lookalikes.csv").write_text("\n".join(look_lines) + "\n", encoding="utf-8")
    (out / "VERSION").write_text(f"{GEN_VERSION} {n} {seed}\n", encoding="utf-8")
    sizes = {}
    for e in ids_of.values():
        sizes[len(e)] = sizes.get(len(e), 0) + 1
    return {"records": len(recs), "entities": len(ids_of), "cluster_sizes": dict(sorted(sizes.items())),
            "true_pairs": sum(k * (k - 1) // 2 * v for k, v in sizes.items()), "lookalike_pairs": len(look_lines) - 1}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=6)
    a = ap.parse_args(argv)
    print(write(a.n, a.out, a.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
