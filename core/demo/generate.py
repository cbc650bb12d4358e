"""Deterministic demo books for kebir: Deniz Lokanta Grubu A.Ş., fiscal year 2025.

The company
    Deniz Lokanta Grubu A.Ş. runs two meyhane-style seafood restaurants in Istanbul, Kadıköy
    (KDK) and Beşiktaş (BSK), and a central kitchen with a catering business in Maltepe (MTF).
    The books are kept in TRY on the Turkish uniform chart (TDHP, 7/A expense accounts). The
    company holds a EUR account for purchases from Italy (a combi oven) and Greece (olive oil)
    and pays one software subscription in USD.

What is written (one fiscal year, 2025-01-01 .. 2025-12-31, opening balances on 2025-01-01)
    books.toml, accounts.yaml          a TDHP subset; Akbank (102.03) is closed on 2025-06-30
    rates/2025.csv                     EUR and USD for every calendar day (a random walk)
    journals/2025/2025-MM.yaml         what a bookkeeper keys by hand: the opening entry, daily
                                       Z-report totals per restaurant, card settlements, cash
                                       deposits and petty cash, rent, utilities and other service
                                       invoices and their payments, payroll totals and payments,
                                       the monthly VAT offset and payment, a few EUR/USD entries
    journals/imports/2025-bank-fees.csv  bank charges as one bulk CSV journal
    contacts/erp, contacts/crm, contacts/links.yaml
                                       customers, suppliers, employees; CRM companies, people and
                                       activities. Many customers exist on both sides under other
                                       spellings; which records are the same firm or person is
                                       written to the truth file (core/demo/duplicates.yaml)
    stock/                             locations, items, and monthly move files from a day-by-day
                                       simulation of on-hand quantities, so stock never goes
                                       negative (every move has a time; counts come last)
    orders/2025/2025-MM.yaml           the purchase orders the receipts reference and the
                                       catering sales orders (past ones closed)

    Stock purchases, issues, cost of sales and catering invoices are documents whose postings a
    later feature derives: they never appear as journal entries here.

Determinism
    Every random choice comes from one random.Random(2025), split into one generator per section
    in a fixed order, so a change in one section does not reshuffle the others. Money is integer
    kuruş/cents, quantities integer thousandths, rates and unit costs integer 1/10000: nothing
    written ever passes through a float, and foreign amounts are converted with Decimal, half-up.
    No wall clock, no iteration over sets; every file goes through core.store, which sorts and
    formats it canonically (`kebir fmt` leaves the output unchanged).

Run from the repository root:

    python -m core.demo.generate ledger-data [--truth core/demo/duplicates.yaml]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import tomli_w
import yaml

from core.store import dump_csv_rows, dump_yaml_records, write_atomic

Record = dict[str, Any]

SEED = 2025
TRUTH_PATH = Path("core/demo/duplicates.yaml")

# --------------------------------------------------------------------------- calendar

YEAR = 2025
START = dt.date(YEAR, 1, 1)
END = dt.date(YEAR, 12, 31)
ONE_DAY = dt.timedelta(days=1)
DAYS = tuple(START + dt.timedelta(days=n) for n in range((END - START).days + 1))
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
EVERY_DAY = (MON, TUE, WED, THU, FRI, SAT, SUN)
MONTHS = tuple(range(1, 13))
TR_MONTHS = ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
             "Kasım", "Aralık")

# Public holidays on which banks do not settle (Ramazan Bayramı 30 Mar-1 Apr, Kurban Bayramı 6-9 Jun).
BANK_HOLIDAYS = frozenset(dt.date.fromisoformat(d) for d in (
    "2025-01-01", "2025-03-31", "2025-04-01", "2025-04-23", "2025-05-01", "2025-05-19", "2025-06-06",
    "2025-06-09", "2025-07-15", "2025-10-29", "2026-01-01"))
RAMADAN = (dt.date(2025, 3, 1), dt.date(2025, 3, 29))   # first and last fasting day


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def iso(day: dt.date) -> str:
    return day.isoformat()


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - ONE_DAY


def is_bank_day(day: dt.date) -> bool:
    return day.weekday() < SAT and day not in BANK_HOLIDAYS


def bank_day_from(day: dt.date) -> dt.date:
    """The day itself if banks work, else the next day they do."""
    while not is_bank_day(day):
        day += ONE_DAY
    return day


def bank_day_until(day: dt.date) -> dt.date:
    """The day itself if banks work, else the last day before it that they do."""
    while not is_bank_day(day):
        day -= ONE_DAY
    return day


def next_weekday(after: dt.date, weekdays: tuple[int, ...]) -> dt.date:
    """The first day after `after` that falls on one of `weekdays`."""
    day = after + ONE_DAY
    while day.weekday() not in weekdays:
        day += ONE_DAY
    return day


def month_label(year: int, month: int) -> str:
    return f"{TR_MONTHS[month - 1]} {year}"


# --------------------------------------------------------------------------- numbers
# Money in minor units (kuruş, cent), quantities in thousandths, rates and unit costs in 1/10000.

def _fixed(value: int, places: int) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def money(minor: int) -> str:
    return _fixed(minor, 2)


def qty(thousandths: int) -> str:
    return _fixed(thousandths, 3)


def four(e4: int) -> str:
    """A rate or unit cost with 4 decimals."""
    return _fixed(e4, 4)


def half_up(num: int, den: int) -> int:
    """num / den rounded half-up, for non-negative integers."""
    return (2 * num + den) // (2 * den)


def percent_of(amount: int, pct: int) -> int:
    return half_up(amount * pct, 100)


def net_of_vat(gross: int, pct: int) -> int:
    """The net part of a VAT-inclusive amount (the VAT is gross - net)."""
    return half_up(gross * 100, 100 + pct)


def to_base(amount: int, rate_e4: int) -> int:
    """A foreign amount in TRY kuruş: amount x rate, half-up to 2 decimals (as kebir computes it)."""
    value = Decimal(amount) / 100 * Decimal(rate_e4) / 10000
    return int((value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100).to_integral_value())


def vary(rng: random.Random, value: int, low: int, high: int) -> int:
    """value scaled by a random factor between low/1000 and high/1000."""
    return value * rng.randint(low, high) // 1000


def inflation(day: dt.date, per_mille_per_month: int = 22) -> int:
    """A price index in per mille, 1000 on 1 January, rising by the given rate each month."""
    return 1000 + per_mille_per_month * (day - START).days // 30


# --------------------------------------------------------------------------- names and text

_FOLD = str.maketrans("çğıöşüÇĞİÖŞÜâîû", "cgiosuCGIOSUaiu")


def fold(text: str) -> str:
    """Turkish letters to ASCII, as older systems and hurried typists write them."""
    return text.translate(_FOLD)


def tr_upper(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()


def tr_lower(text: str) -> str:
    return text.replace("I", "ı").replace("İ", "i").lower()


def slug(text: str) -> str:
    return "".join(c for c in fold(tr_lower(text)) if c.isalnum())


FEMALE = ("Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Hatice", "Merve", "Büşra", "Esra", "Selin", "Derya",
          "Gül", "Özlem", "Sevgi", "Tuğba", "Burcu", "Ceren", "Ebru", "Gizem", "İrem", "Melike", "Nur", "Pınar",
          "Seda", "Şule", "Yasemin", "Zehra", "Aslı", "Berna", "Canan", "Dilek", "Ece", "Filiz", "Hande", "Işıl",
          "Kübra", "Leyla", "Meltem", "Neslihan", "Nazlı", "Öznur", "Rabia", "Serap", "Sibel", "Şebnem", "Tülay",
          "Yeliz", "Aylin", "Beril", "Cansu", "Didem", "Gökçe", "Damla", "Ilgın")
MALE = ("Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Osman", "Yusuf", "Murat",
        "Ömer", "Ramazan", "Emre", "Burak", "Can", "Cem", "Eren", "Fatih", "Gökhan", "Hakan", "Kemal", "Kerem",
        "Levent", "Oğuz", "Onur", "Serkan", "Sinan", "Tolga", "Uğur", "Volkan", "Yasin", "Barış", "Batuhan", "Berk",
        "Caner", "Doğan", "Engin", "Erkan", "Ferhat", "Halil", "İlker", "Kaan", "Koray", "Mert", "Necati", "Orhan",
        "Özgür", "Selim", "Şahin", "Tarık", "Umut", "Yiğit", "Zafer")
SURNAMES = ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
            "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Özer",
            "Güneş", "Erdoğan", "Aktaş", "Korkmaz", "Keskin", "Çakır", "Yavuz", "Acar", "Şen", "Aksoy", "Bulut",
            "Güler", "Tekin", "Karaca", "Uçar", "Ünal", "Taş", "Erdem", "Bozkurt", "Işık", "Kaplan", "Avcı", "Tunç",
            "Duman", "Sarı", "Turan", "Uysal", "Ateş", "Bayram", "Coşkun", "Gök", "Karakaya", "Sönmez", "Toprak",
            "Akın", "Balcı", "Çınar", "Eren", "Günay", "Oral", "Sezer", "Türkmen", "Yücel", "Zengin", "Ekinci",
            "Gündoğdu", "Kahraman", "Özbek", "Yalçın", "Akgül", "Baysal", "Dinç", "Ergün")

# Company names are "<place> <activity> <suffix>"; (place, activity) pairs are never reused, so no
# two different firms look alike by accident. Places used by suppliers or by the deliberate
# look-alikes below are not in this list.
PLACES = ("Galata", "Pera", "Haliç", "Kuzguncuk", "Nişantaşı", "Etiler", "Maslak", "Ataşehir", "Bağdat",
          "Göztepe", "Erenköy", "Suadiye", "Acıbadem", "Koşuyolu", "Florya", "Yeşilköy", "Bakırköy", "Sultanahmet",
          "Tuzla", "Pendik", "Beykoz", "Kanlıca", "Emirgan", "Tarabya", "Yeniköy", "Ortaköy", "Kuruçeşme",
          "Bebek", "Arnavutköy", "Cihangir", "Teşvikiye", "Çamlıca", "Validebağ", "Dragos", "Kalamış",
          "Caddebostan", "Kozyatağı", "Beylerbeyi", "Çengelköy", "Vaniköy", "Kandilli", "Anadoluhisarı",
          "Rumelihisarı", "Zekeriyaköy", "Kilyos", "Şile", "Ağva", "Polonezköy", "Heybeli", "Büyükada", "Burgaz",
          "Kınalı", "Sedef", "Zümrüt", "Lale", "Çınar", "Kardelen", "Mimoza", "Manolya", "Nilüfer", "Sardunya",
          "Akasya", "Defne", "Ardıç", "Meltem", "Poyraz", "Lodos", "Karayel", "Yakamoz", "Pusula", "Kervan",
          "Sancak", "Miras", "Kristal", "Safir", "Yakut", "Zirve", "Vizyon", "Hedef", "Ufuk", "Doruk", "Tepe",
          "Liman", "Rota", "Kumsal", "İnci", "Mercan", "Lider", "Orkide", "Gelincik")
ACTIVITIES = ("Etkinlik Organizasyon", "Turizm", "Danışmanlık", "Yazılım", "Mimarlık", "Tekstil", "İnşaat",
              "Lojistik", "Reklamcılık", "Eğitim Hizmetleri", "Sağlık Hizmetleri", "Otomotiv", "Enerji", "Medya",
              "Mühendislik", "Gayrimenkul", "Sigorta Aracılık", "Kozmetik", "Mobilya", "Matbaacılık",
              "Bilişim Teknolojileri", "Kimya", "Elektronik", "Finans", "İletişim", "Tasarım", "Fotoğrafçılık",
              "Kongre Hizmetleri", "Otelcilik", "Denizcilik", "Havacılık", "Hukuk Danışmanlık", "Tercüme",
              "Gemi İşletmeciliği", "Ambalaj", "Eczacılık", "Yayıncılık", "Peyzaj")
SUFFIXES = (("Ltd. Şti.", 45), ("Tic. Ltd. Şti.", 15), ("A.Ş.", 25), ("San. ve Tic. A.Ş.", 10), ("Tic. A.Ş.", 5))
# How the same legal form gets written elsewhere ("" = dropped).
SUFFIX_VARIANTS = {
    "Ltd. Şti.": ("Limited Şirketi", "Ltd.Şti.", "LTD. ŞTİ.", "Ltd.", ""),
    "Tic. Ltd. Şti.": ("Ticaret Limited Şirketi", "Tic.Ltd.Şti.", "Ltd. Şti.", ""),
    "A.Ş.": ("Anonim Şirketi", "AŞ", "A.Ş", ""),
    "San. ve Tic. A.Ş.": ("Sanayi ve Ticaret A.Ş.", "San. Tic. A.Ş.", "A.Ş.", ""),
    "Tic. A.Ş.": ("Ticaret A.Ş.", "Tic. AŞ", "A.Ş.", ""),
    "": ("",),
}
ABBREVIATIONS = (("Organizasyon", "Org."), ("Hizmetleri", "Hiz."), ("Danışmanlık", "Dan."),
                 ("Mühendislik", "Müh."), ("İnşaat", "İnş."), ("Teknolojileri", "Tekn."), ("Turizm", "Tur."),
                 ("Mimarlık", "Mim."), ("Lojistik", "Loj."), ("Eğitim", "Eğt."), ("İşletmeciliği", "İşl."))

DISTRICTS = {  # district -> (phone area code, streets)
    "Şişli": ("212", ("Büyükdere Cad.", "Halaskargazi Cad.", "Abdi İpekçi Cad.", "Valikonağı Cad.")),
    "Beşiktaş": ("212", ("Barbaros Bulvarı", "Nispetiye Cad.", "Ihlamurdere Cad.", "Çırağan Cad.")),
    "Beyoğlu": ("212", ("İstiklal Cad.", "Sıraselviler Cad.", "Meşrutiyet Cad.")),
    "Sarıyer": ("212", ("Büyükdere Cad.", "Sarıyer Cad.", "Maslak Mah. Ahi Evran Cad.")),
    "Bakırköy": ("212", ("İstanbul Cad.", "Ebuzziya Tevfik Cad.", "Fişekhane Cad.")),
    "Kağıthane": ("212", ("Cendere Cad.", "Eski Büyükdere Cad.")),
    "Kadıköy": ("216", ("Bağdat Cad.", "Moda Cad.", "Bahariye Cad.", "Söğütlüçeşme Cad.", "Kuşdili Cad.")),
    "Üsküdar": ("216", ("Hakimiyeti Milliye Cad.", "Nuhkuyusu Cad.", "Selmanipak Cad.")),
    "Ataşehir": ("216", ("Atatürk Cad.", "Barbaros Mah. Begonya Sok.", "Kerem Sok.")),
    "Maltepe": ("216", ("Bağdat Cad.", "Cevizli Mah. Tugay Yolu Cad.", "Gülsuyu Cad.")),
    "Ümraniye": ("216", ("Alemdağ Cad.", "Site Yolu Cad.")),
}
CITIES = (("Kocaeli", "262", ("Ankara Cad.", "Hürriyet Cad.")), ("İzmir", "232", ("Kıbrıs Şehitleri Cad.", "Talatpaşa Bulvarı")),
          ("Ankara", "312", ("Tunalı Hilmi Cad.", "Atatürk Bulvarı")), ("Bursa", "224", ("Fevzi Çakmak Cad.", "Zübeyde Hanım Cad.")))
MOBILE_PREFIXES = ("530", "531", "532", "533", "535", "536", "537", "538", "539", "541", "542", "543", "544",
                   "505", "506", "507", "551", "552", "553", "554", "555", "559")
MAIL_PROVIDERS = ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com")

# --------------------------------------------------------------------------- the company

COMPANY = "Deniz Lokanta Grubu A.Ş."
LOCATIONS = (  # id, name, kind, district
    ("KDK", "Kadıköy restaurant", "restaurant", "Kadıköy"),
    ("BSK", "Beşiktaş restaurant", "restaurant", "Beşiktaş"),
    ("MTF", "Maltepe central kitchen and catering", "kitchen", "Maltepe"),
)
LOCATION_ADDRESSES = {"KDK": "Rıhtım Cad. No: 24, Kadıköy, İstanbul",
                      "BSK": "Çırağan Cad. No: 41, Beşiktaş, İstanbul",
                      "MTF": "Gülsuyu Cad. No: 118, Maltepe, İstanbul"}
LOC_IDS = tuple(loc[0] for loc in LOCATIONS)
RESTAURANTS = ("KDK", "BSK")
LOC_NAMES = {"KDK": "Kadıköy", "BSK": "Beşiktaş", "MTF": "Maltepe"}
CASH_ACCOUNT = {"KDK": "100.01", "BSK": "100.02", "MTF": "100.03"}
CARD_ACCOUNT = {"KDK": "108.01", "BSK": "108.02"}
REVENUE_ACCOUNT = {"KDK": "600.01", "BSK": "600.02"}
RENT_ACCOUNT = {"KDK": "770.01", "BSK": "770.02", "MTF": "770.03"}
BANK_TRY, BANK_EUR, BANK_OLD = "102.01", "102.02", "102.03"
AKBANK_CLOSED = d("2025-06-30")
AP_TRY, AP_EUR = "320.01", "320.02"
VAT_IN, VAT_OUT, VAT_PAYABLE = "191.01", "391.01", "360.03"
INCOME_TAX, STAMP_TAX, SGK, NET_PAY = "360.01", "360.02", "361.01", "335.01"
BANK_FEES, CARD_COMMISSION, POS_RENT = "780.01", "780.02", "780.03"

# code, name, type (groups and parent-less accounts only), pinned currency, closed
ACCOUNTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("100", "Kasa", "cash", "", ""),
    ("100.01", "Kasa - Kadıköy", "", "", ""),
    ("100.02", "Kasa - Beşiktaş", "", "", ""),
    ("100.03", "Kasa - Maltepe", "", "", ""),
    ("102", "Bankalar", "bank", "", ""),
    ("102.01", "İş Bankası TRY", "", "TRY", ""),
    ("102.02", "Garanti Bankası EUR", "", "EUR", ""),
    ("102.03", "Akbank TRY", "", "TRY", iso(AKBANK_CLOSED)),
    ("108", "Diğer Hazır Değerler", "asset", "", ""),
    ("108.01", "POS Alacakları - Kadıköy", "", "", ""),
    ("108.02", "POS Alacakları - Beşiktaş", "", "", ""),
    ("120", "Alıcılar", "asset", "", ""),
    ("120.01", "Yurt İçi Alıcılar", "", "", ""),
    ("150", "İlk Madde ve Malzeme", "asset", "", ""),
    ("150.01", "Gıda Hammaddeleri", "", "", ""),
    ("150.02", "Ambalaj ve Sarf Malzemeleri", "", "", ""),
    ("152", "Mamuller", "asset", "", ""),
    ("152.01", "Catering Menüleri", "", "", ""),
    ("153", "Ticari Mallar", "asset", "", ""),
    ("153.01", "İçecekler", "", "", ""),
    ("190", "Devreden KDV", "asset", "", ""),
    ("190.01", "Devreden KDV", "", "", ""),
    ("191", "İndirilecek KDV", "asset", "", ""),
    ("191.01", "İndirilecek KDV", "", "", ""),
    ("254", "Taşıtlar", "asset", "", ""),
    ("254.01", "Catering Araçları", "", "", ""),
    ("255", "Demirbaşlar", "asset", "", ""),
    ("255.01", "Mutfak Ekipmanları", "", "", ""),
    ("255.02", "Mobilya ve Dekorasyon", "", "", ""),
    ("255.03", "Bilgisayar ve POS Cihazları", "", "", ""),
    ("257", "Birikmiş Amortismanlar", "asset", "", ""),
    ("257.01", "Birikmiş Amortismanlar", "", "", ""),
    ("320", "Satıcılar", "liability", "", ""),
    ("320.01", "Yurt İçi Satıcılar", "", "TRY", ""),
    ("320.02", "Yurt Dışı Satıcılar (EUR)", "", "EUR", ""),
    ("335", "Personele Borçlar", "liability", "", ""),
    ("335.01", "Personele Borçlar", "", "", ""),
    ("340", "Alınan Sipariş Avansları", "liability", "", ""),
    ("340.01", "Catering Avansları", "", "", ""),
    ("360", "Ödenecek Vergi ve Fonlar", "liability", "", ""),
    ("360.01", "Gelir Vergisi Stopajı", "", "", ""),
    ("360.02", "Damga Vergisi", "", "", ""),
    ("360.03", "Ödenecek KDV", "", "", ""),
    ("361", "Ödenecek Sosyal Güvenlik Kesintileri", "liability", "", ""),
    ("361.01", "SGK Primleri", "", "", ""),
    ("370", "Dönem Kârı Vergi ve Diğer Yasal Yükümlülük Karşılıkları", "liability", "", ""),
    ("371", "Dönem Kârının Peşin Ödenen Vergi ve Diğer Yükümlülükleri", "liability", "", ""),
    ("391", "Hesaplanan KDV", "liability", "", ""),
    ("391.01", "Hesaplanan KDV", "", "", ""),
    ("500", "Sermaye", "equity", "", ""),
    ("500.01", "Sermaye", "", "", ""),
    ("570", "Geçmiş Yıllar Kârları", "equity", "", ""),
    ("570.01", "Geçmiş Yıllar Kârları", "", "", ""),
    ("580", "Geçmiş Yıllar Zararları", "equity", "", ""),
    ("580.01", "Geçmiş Yıllar Zararları", "", "", ""),
    ("590", "Dönem Net Kârı", "equity", "", ""),
    ("590.01", "Dönem Net Kârı", "", "", ""),
    ("591", "Dönem Net Zararı", "equity", "", ""),
    ("591.01", "Dönem Net Zararı", "", "", ""),
    ("600", "Yurt İçi Satışlar", "income", "", ""),
    ("600.01", "Satışlar - Kadıköy", "", "", ""),
    ("600.02", "Satışlar - Beşiktaş", "", "", ""),
    ("600.03", "Catering Satışları - Maltepe", "", "", ""),
    ("610", "Satıştan İadeler", "income", "", ""),
    ("610.01", "Satıştan İadeler", "", "", ""),
    ("620", "Satılan Mamuller Maliyeti", "expense", "", ""),
    ("620.01", "Restoran Mutfak Maliyeti", "", "", ""),
    ("620.02", "Catering Maliyeti", "", "", ""),
    ("621", "Satılan Ticari Mallar Maliyeti", "expense", "", ""),
    ("621.01", "İçecek Satışlarının Maliyeti", "", "", ""),
    ("631", "Pazarlama Satış ve Dağıtım Giderleri", "expense", "", ""),
    ("632", "Genel Yönetim Giderleri", "expense", "", ""),
    ("642", "Faiz Gelirleri", "income", "", ""),
    ("642.01", "Mevduat Faizleri", "", "", ""),
    ("646", "Kambiyo Kârları", "income", "", ""),
    ("646.01", "Kambiyo Kârları", "", "", ""),
    ("656", "Kambiyo Zararları", "expense", "", ""),
    ("656.01", "Kambiyo Zararları", "", "", ""),
    ("659", "Diğer Olağan Gider ve Zararlar", "expense", "", ""),
    ("659.01", "Diğer Olağan Giderler", "", "", ""),
    ("659.99", "Yuvarlama Farkları", "", "", ""),
    ("660", "Kısa Vadeli Borçlanma Giderleri", "expense", "", ""),
    ("690", "Dönem Kârı veya Zararı", "expense", "", ""),
    ("691", "Dönem Kârı Vergi ve Diğer Yasal Yükümlülük Karşılıkları", "expense", "", ""),
    ("692", "Dönem Net Kârı veya Zararı", "expense", "", ""),
    ("760", "Pazarlama Satış ve Dağıtım Giderleri", "expense", "", ""),
    ("760.01", "Reklam ve İlan Giderleri", "", "", ""),
    ("760.02", "Paket Servis Komisyonları", "", "", ""),
    ("760.03", "Catering Araç Yakıtları", "", "", ""),
    ("760.04", "Çiçek ve Sunum Giderleri", "", "", ""),
    ("761", "Pazarlama Satış ve Dağıtım Giderleri Yansıtma", "expense", "", ""),
    ("770", "Genel Yönetim Giderleri", "expense", "", ""),
    ("770.01", "Kira - Kadıköy", "", "", ""),
    ("770.02", "Kira - Beşiktaş", "", "", ""),
    ("770.03", "Kira - Maltepe", "", "", ""),
    ("770.04", "Elektrik", "", "", ""),
    ("770.05", "Su", "", "", ""),
    ("770.06", "Doğalgaz", "", "", ""),
    ("770.07", "İnternet ve Telefon", "", "", ""),
    ("770.08", "Personel Ücretleri", "", "", ""),
    ("770.09", "SGK İşveren Payı", "", "", ""),
    ("770.10", "Temizlik ve Hijyen", "", "", ""),
    ("770.11", "Mali Müşavirlik", "", "", ""),
    ("770.12", "Bakım ve Onarım", "", "", ""),
    ("770.13", "Kırtasiye ve Büro Giderleri", "", "", ""),
    ("770.14", "Yazılım ve Abonelikler", "", "", ""),
    ("770.15", "İlaçlama", "", "", ""),
    ("770.16", "Çamaşırhane", "", "", ""),
    ("770.17", "Ulaşım ve Otopark", "", "", ""),
    ("770.99", "Diğer Genel Yönetim Giderleri", "", "", ""),
    ("771", "Genel Yönetim Giderleri Yansıtma", "expense", "", ""),
    ("780", "Finansman Giderleri", "expense", "", ""),
    ("780.01", "Banka Masrafları", "", "", ""),
    ("780.02", "POS Komisyonları", "", "", ""),
    ("780.03", "POS Terminal Kiraları", "", "", ""),
    ("781", "Finansman Giderleri Yansıtma", "expense", "", ""),
)
ACCOUNT_ROLES = (("rounding", "659.99"), ("retained_earnings", "570.01"))


@dataclass(frozen=True)
class SupplierSpec:
    key: str
    name: str
    tags: tuple[str, ...]
    terms: str = "net30"
    currency: str = "TRY"
    deliveries: tuple[int, ...] = ()   # weekdays it delivers stock; () = not a stock supplier
    arrives: str = "07:00"             # usual delivery time (hour:minute, a few minutes' jitter)
    city: str = "İstanbul"
    district: str = ""
    email: str = ""                    # foreign suppliers: given; domestic: derived from the name
    phone: str = ""


def S(key: str, name: str, tags: tuple[str, ...], **kw: Any) -> SupplierSpec:
    return SupplierSpec(key, name, tags, **kw)


WEEKDAYS = (MON, TUE, WED, THU, FRI, SAT)
SUPPLIERS = (
    S("fish", "Kumkapı Balıkçılık Su Ürünleri Ltd. Şti.", ("fish",), terms="net7", deliveries=WEEKDAYS,
      arrives="06:10", district="Fatih"),
    S("seafood", "Sarıyer Deniz Ürünleri Tic. Ltd. Şti.", ("fish",), terms="net15", deliveries=(TUE, THU, SAT),
      arrives="06:40", district="Sarıyer"),
    S("blacksea", "Karadeniz Balıkçılık ve Soğuk Hava Tic. A.Ş.", ("fish",), terms="net15",
      deliveries=(MON, WED, FRI), arrives="06:25", district="Fatih"),
    S("meat", "Trakya Et ve Et Ürünleri San. ve Tic. A.Ş.", ("meat",), deliveries=(MON, WED, FRI), arrives="07:10",
      district="Bakırköy"),
    S("produce", "Bayrampaşa Hal Sebze Meyve Tic. Ltd. Şti.", ("produce",), terms="net7",
      deliveries=(MON, WED, FRI), arrives="06:50", district="Kağıthane"),
    S("dairy", "Ezine Süt Ürünleri A.Ş.", ("dairy",), deliveries=(TUE, FRI), arrives="07:30", district="Ümraniye"),
    S("bakery", "Yeldeğirmeni Fırıncılık Ltd. Şti.", ("bakery",), terms="net15", deliveries=EVERY_DAY,
      arrives="06:00", district="Kadıköy"),
    S("dry", "Marmara Gıda Toptan Tic. A.Ş.", ("dry-goods",), terms="net45", deliveries=(MON,), arrives="08:00",
      district="Ümraniye"),
    S("drinks", "Ege İçecek Dağıtım A.Ş.", ("beverages",), terms="net45", deliveries=(THU,), arrives="08:20",
      district="Ataşehir"),
    S("raki", "Tekirdağ İçki Dağıtım Ltd. Şti.", ("beverages",), terms="net60", deliveries=(THU,),
      arrives="08:40", district="Bakırköy"),
    S("coffee", "Karaköy Kahve ve Çay Ticaret Ltd. Şti.", ("beverages",), deliveries=(MON,), arrives="08:30",
      district="Beyoğlu"),
    S("greek", "Kalamata Elaiourgia S.A.", ("olive-oil", "import"), terms="net60", currency="EUR",
      arrives="08:15", city="Kalamata", email="orders@kalamata-elaiourgia.gr", phone="+30 27210 55512"),
    S("oven", "Forni Veneti S.r.l.", ("equipment", "import"), currency="EUR", city="Padova",
      email="export@forniveneti.it", phone="+39 049 555 0142"),
    S("software", "TableBook Inc.", ("software", "import"), terms="due", currency="USD", city="Austin",
      email="billing@tablebook.example", phone="+1 512 555 0175"),
    S("landlord_kdk", "Rıhtım Gayrimenkul Yatırım A.Ş.", ("landlord",), terms="due", district="Kadıköy"),
    S("landlord_bsk", "Barbaros Emlak ve Yatırım Ltd. Şti.", ("landlord",), terms="due", district="Beşiktaş"),
    S("landlord_mtf", "Gülsuyu Sanayi Gayrimenkul A.Ş.", ("landlord",), terms="due", district="Maltepe"),
    S("power_asia", "Anadolu Yakası Elektrik Perakende Satış A.Ş.", ("utility",), terms="net15",
      district="Ataşehir"),
    S("power_europe", "Avrupa Yakası Elektrik Perakende Satış A.Ş.", ("utility",), terms="net15",
      district="Şişli"),
    S("water", "İstanbul Su ve Kanalizasyon İdaresi (İSKİ)", ("utility",), terms="net15", district="Kağıthane"),
    S("gas", "İstanbul Gaz Dağıtım San. ve Tic. A.Ş.", ("utility",), terms="net15", district="Sarıyer"),
    S("telecom", "Türk Telekomünikasyon A.Ş.", ("utility",), terms="net15", district="Şişli"),
    S("platform", "Kapında Yemek Teknoloji A.Ş.", ("delivery-platform",), terms="net7", district="Sarıyer"),
    S("accounting", "Yıldız Mali Müşavirlik Ltd. Şti.", ("services",), terms="net15", district="Kadıköy"),
    S("laundry", "Beyaz Çamaşırhane Tekstil Hiz. Ltd. Şti.", ("services",), district="Ümraniye"),
    S("pest", "Ozon Çevre Sağlığı ve İlaçlama Ltd. Şti.", ("services",), district="Üsküdar"),
    S("cleaning", "Pırıl Temizlik Hizmetleri Ltd. Şti.", ("services",), district="Maltepe"),
    S("ads", "Lacivert Reklam Ajansı Ltd. Şti.", ("marketing",), district="Beyoğlu"),
    S("maintenance", "Mutfak Teknik Servis San. Tic. Ltd. Şti.", ("services", "equipment"), district="Ümraniye"),
    S("fuel", "Kartal Petrol Ürünleri Ltd. Şti.", ("fuel",), terms="due", district="Maltepe"),
    S("packaging", "Ambalaj Dünyası Plastik San. Tic. Ltd. Şti.", ("packaging",), district="Kağıthane"),
    S("ice", "Buzdağı Buz Üretim Ltd. Şti.", ("ice",), terms="net15", district="Üsküdar"),
    S("flowers", "Kadıköy Çiçekçilik Ltd. Şti.", ("decoration",), terms="due", district="Kadıköy"),
    S("uniforms", "Önlük Tekstil ve Üniforma Ltd. Şti.", ("uniforms",), district="Bakırköy"),
    S("chemicals", "Hijyen Kimya Temizlik Ürünleri A.Ş.", ("cleaning",), district="Ataşehir"),
    S("security", "Kalkan Güvenlik Hizmetleri A.Ş.", ("services",), district="Şişli"),
    S("lpg", "Mavi Alev Tüp Gaz Dağıtım Ltd. Şti.", ("fuel",), terms="net15", district="Maltepe"),
    S("printing", "Sayfa Matbaacılık Ltd. Şti.", ("printing",), district="Beyoğlu"),
    S("sound", "Ritim Ses ve Işık Sistemleri Ltd. Şti.", ("events",), district="Kağıthane"),
    S("insurance", "Güven Sigorta Aracılık Hizmetleri Ltd. Şti.", ("insurance",), terms="due", district="Şişli"),
)
SUPPLIERS_IN_CRM = ("drinks", "raki", "platform")   # partners the sales team also tracks in the CRM
# Greek olive oil comes monthly: a purchase order goes out two weeks before each delivery.
GREEK_DELIVERIES = tuple(d(x) for x in (
    "2025-01-03", "2025-02-12", "2025-03-12", "2025-04-10", "2025-05-12", "2025-06-12", "2025-07-10",
    "2025-08-12", "2025-09-11", "2025-10-13", "2025-11-12", "2025-12-11", "2026-01-13"))
GREEK_LEAD = dt.timedelta(days=14)


@dataclass(frozen=True)
class Policy:
    """How one category of items is stocked, moved and booked."""
    valuation: str
    via_mtf: bool                 # restaurants get it by transfer from the central kitchen
    issue_days: tuple[int, ...]   # weekdays on which usage is booked (and on the last day of a month)
    transfer_days: tuple[int, ...]
    reorder: int                  # reorder when stock covers fewer than this many tenths of a day
    cover: int                    # ... up to this many tenths of a day beyond the next delivery
    waste: int                    # chance per mille per day and location of a waste move


POLICIES = {
    "fish": Policy("fifo", False, EVERY_DAY, (), 10, 15, 10),
    "seafood": Policy("fifo", False, EVERY_DAY, (), 10, 20, 8),
    "bread": Policy("fifo", False, EVERY_DAY, (), 0, 2, 40),
    "meat": Policy("fifo", True, (WED, SUN), (MON, WED, FRI), 15, 25, 4),
    "produce": Policy("fifo", True, (WED, SUN), (MON, WED, FRI), 10, 20, 6),
    "dairy": Policy("fifo", True, (WED, SUN), (TUE, FRI), 20, 35, 3),
    "dry": Policy("average", True, (SUN,), (MON,), 50, 100, 0),
    "oil": Policy("average", True, (SUN,), (MON,), 70, 140, 0),
    "drinks": Policy("average", True, (SUN,), (MON, THU), 30, 70, 0),
}


@dataclass(frozen=True)
class ItemSpec:
    id: str
    name: str
    unit: str
    category: str
    vat: str
    supplier: str                 # SupplierSpec.key
    price: int                    # January price per unit, minor units of the supplier's currency
    use: tuple[int, int, int]     # mean daily use at KDK, BSK, MTF, thousandths of a unit
    months: tuple[int, ...] = ()  # in season (empty: all year)
    step: int = 0                 # order multiple in thousandths (0: by unit)


def I(item_id: str, name: str, unit: str, category: str, vat: str, supplier: str, price: int,
      use: tuple[int, int, int], months: tuple[int, ...] = (), step: int = 0) -> ItemSpec:
    return ItemSpec(item_id, name, unit, category, vat, supplier, price, use, months, step)


WINTER = (1, 2, 3, 10, 11, 12)
ITEMS = (
    I("FSH-LEVREK", "Levrek (sea bass), fresh", "kg", "fish", "1", "fish", 48000, (14000, 16000, 4000)),
    I("FSH-CIPURA", "Çipura (sea bream), fresh", "kg", "fish", "1", "fish", 45000, (10000, 12000, 3000)),
    I("FSH-SOMON", "Somon (salmon) fillet, Norwegian", "kg", "fish", "1", "fish", 95000, (3000, 4000, 2500)),
    I("FSH-KALKAN", "Kalkan (turbot)", "kg", "fish", "1", "fish", 125000, (2000, 3000, 0), (1, 2, 3, 9, 10, 11, 12)),
    I("FSH-LUFER", "Lüfer (bluefish)", "kg", "fish", "1", "fish", 90000, (3000, 4000, 0), (9, 10, 11, 12)),
    I("FSH-PALAMUT", "Palamut (Atlantic bonito)", "kg", "fish", "1", "fish", 30000, (5000, 6000, 1000),
      (1, 9, 10, 11, 12)),
    I("FSH-BARBUN", "Barbun (red mullet)", "kg", "fish", "1", "fish", 70000, (3000, 3000, 0), (1, 2, 3, 4, 9, 10, 11, 12)),
    I("FSH-ISTAVRIT", "İstavrit (horse mackerel)", "kg", "fish", "1", "fish", 18000, (3000, 2000, 0)),
    I("FSH-ORFOZ", "Orfoz (grouper)", "kg", "fish", "1", "fish", 110000, (1000, 2000, 0)),
    I("FSH-HAMSI", "Hamsi (anchovy)", "kg", "fish", "1", "blacksea", 22000, (6000, 6000, 1000), (1, 2, 3, 11, 12)),
    I("FSH-MEZGIT", "Mezgit (whiting)", "kg", "fish", "1", "blacksea", 25000, (2000, 2000, 0), WINTER),
    I("SEA-KARIDES", "Karides (king prawns)", "kg", "seafood", "1", "seafood", 110000, (3000, 4000, 1000)),
    I("SEA-KALAMAR", "Kalamar (squid)", "kg", "seafood", "1", "seafood", 65000, (3000, 4000, 1000)),
    I("SEA-AHTAPOT", "Ahtapot (octopus)", "kg", "seafood", "1", "seafood", 120000, (2000, 2000, 0)),
    I("SEA-MIDYE", "Midye (mussels)", "kg", "seafood", "1", "seafood", 16000, (5000, 4000, 0)),
    I("SEA-ISTAKOZ", "Istakoz (lobster)", "piece", "seafood", "1", "seafood", 350000, (400, 700, 0)),
    I("MEA-KUZU-PIRZOLA", "Kuzu pirzola (lamb chops)", "kg", "meat", "1", "meat", 140000, (2000, 3000, 500)),
    I("MEA-KUZU-INCIK", "Kuzu incik (lamb shank)", "kg", "meat", "1", "meat", 90000, (1000, 1000, 1000)),
    I("MEA-DANA-BONFILE", "Dana bonfile (beef tenderloin)", "kg", "meat", "1", "meat", 180000, (1500, 2000, 500)),
    I("MEA-DANA-KIYMA", "Dana kıyma (minced beef)", "kg", "meat", "1", "meat", 65000, (2000, 2000, 2000)),
    I("MEA-TAVUK-GOGUS", "Tavuk göğsü (chicken breast)", "kg", "meat", "1", "meat", 22000, (2000, 2000, 4000)),
    I("MEA-TAVUK-BUT", "Tavuk but (chicken thigh)", "kg", "meat", "1", "meat", 16000, (1000, 1000, 2000)),
    I("PRD-DOMATES", "Domates (tomatoes)", "kg", "produce", "1", "produce", 3500, (8000, 9000, 6000)),
    I("PRD-SALATALIK", "Salatalık (cucumbers)", "kg", "produce", "1", "produce", 3000, (4000, 5000, 3000)),
    I("PRD-BIBER", "Sivri biber (green peppers)", "kg", "produce", "1", "produce", 6000, (2000, 2000, 2000)),
    I("PRD-SOGAN", "Kuru soğan (onions)", "kg", "produce", "1", "produce", 2000, (5000, 5000, 5000)),
    I("PRD-SARIMSAK", "Sarımsak (garlic)", "kg", "produce", "1", "produce", 18000, (500, 500, 500)),
    I("PRD-PATATES", "Patates (potatoes)", "kg", "produce", "1", "produce", 2200, (6000, 6000, 5000)),
    I("PRD-LIMON", "Limon (lemons)", "kg", "produce", "1", "produce", 4500, (6000, 7000, 3000)),
    I("PRD-ROKA", "Roka (rocket)", "kg", "produce", "1", "produce", 9000, (3000, 3000, 1000)),
    I("PRD-MAYDANOZ", "Maydanoz (parsley), bunch", "piece", "produce", "1", "produce", 1500, (12000, 14000, 8000)),
    I("PRD-DEREOTU", "Dereotu (dill), bunch", "piece", "produce", "1", "produce", 1500, (8000, 9000, 5000)),
    I("PRD-NANE", "Nane (mint), bunch", "piece", "produce", "1", "produce", 1500, (5000, 5000, 3000)),
    I("PRD-MARUL", "Marul (cos lettuce)", "piece", "produce", "1", "produce", 3500, (8000, 9000, 6000)),
    I("PRD-PATLICAN", "Patlıcan (aubergines)", "kg", "produce", "1", "produce", 4000, (3000, 3000, 3000)),
    I("PRD-HAVUC", "Havuç (carrots)", "kg", "produce", "1", "produce", 2200, (2000, 2000, 2000)),
    I("PRD-MANTAR", "Kültür mantarı (mushrooms)", "kg", "produce", "1", "produce", 12000, (1000, 1000, 1000)),
    I("PRD-ENGINAR", "Enginar (artichokes)", "piece", "produce", "1", "produce", 3000, (10000, 12000, 0), (3, 4, 5, 6)),
    I("PRD-BAKLA", "Taze bakla (broad beans)", "kg", "produce", "1", "produce", 6000, (2000, 2000, 1000), (3, 4, 5)),
    I("PRD-SEMIZOTU", "Semizotu (purslane)", "kg", "produce", "1", "produce", 7000, (1000, 1000, 0), (5, 6, 7, 8, 9)),
    I("PRD-KAVUN", "Kavun (melon)", "kg", "produce", "1", "produce", 3000, (6000, 7000, 2000), (6, 7, 8, 9)),
    I("DAI-BEYAZ-PEYNIR", "Ezine beyaz peynir (white cheese)", "kg", "dairy", "1", "dairy", 38000, (3000, 3000, 2000)),
    I("DAI-KASAR", "Kaşar peyniri", "kg", "dairy", "1", "dairy", 45000, (500, 500, 1000)),
    I("DAI-TEREYAG", "Tereyağı (butter)", "kg", "dairy", "1", "dairy", 55000, (1000, 1000, 1000)),
    I("DAI-SUT", "Süt (milk)", "l", "dairy", "1", "dairy", 3500, (3000, 3000, 4000)),
    I("DAI-YOGURT", "Süzme yoğurt (strained yoghurt)", "kg", "dairy", "1", "dairy", 11000, (3000, 3000, 3000)),
    I("DAI-KREMA", "Krema (cream)", "l", "dairy", "1", "dairy", 16000, (1000, 1000, 1000)),
    I("DAI-YUMURTA", "Yumurta (eggs)", "piece", "dairy", "1", "dairy", 500, (30000, 30000, 60000), step=30000),
    I("BRD-EKMEK", "Ekmek (bread loaf)", "piece", "bread", "1", "bakery", 1500, (60000, 70000, 20000)),
    I("BRD-PIDE", "Ramazan pidesi", "piece", "bread", "1", "bakery", 2500, (0, 0, 0), (3,)),
    I("DRY-UN", "Un (flour)", "kg", "dry", "1", "dry", 2500, (2000, 2000, 3000), step=25000),
    I("DRY-PIRINC", "Baldo pirinç (rice)", "kg", "dry", "1", "dry", 8500, (1500, 1500, 3000), step=5000),
    I("DRY-BULGUR", "Bulgur", "kg", "dry", "1", "dry", 4500, (500, 500, 1000), step=5000),
    I("DRY-SEKER", "Toz şeker (sugar)", "kg", "dry", "1", "dry", 4000, (1000, 1000, 1000), step=5000),
    I("DRY-TUZ", "Tuz (salt)", "kg", "dry", "1", "dry", 1200, (800, 800, 800), step=5000),
    I("DRY-NOHUT", "Nohut (chickpeas)", "kg", "dry", "1", "dry", 8000, (500, 500, 500), step=5000),
    I("DRY-MERCIMEK", "Kırmızı mercimek (red lentils)", "kg", "dry", "1", "dry", 7000, (500, 500, 1000), step=5000),
    I("DRY-MAKARNA", "Makarna (pasta)", "kg", "dry", "1", "dry", 4500, (500, 500, 1000), step=5000),
    I("DRY-SALCA", "Domates salçası (tomato paste)", "kg", "dry", "10", "dry", 9000, (500, 500, 500)),
    I("DRY-SIRKE", "Üzüm sirkesi (grape vinegar)", "l", "dry", "10", "dry", 4500, (300, 300, 300)),
    I("DRY-PULBIBER", "Pul biber (chilli flakes)", "kg", "dry", "10", "dry", 30000, (100, 100, 100)),
    I("DRY-KARABIBER", "Karabiber (black pepper)", "kg", "dry", "10", "dry", 45000, (50, 50, 50)),
    I("DRY-NAR-EKSISI", "Nar ekşisi (pomegranate molasses)", "l", "dry", "10", "dry", 20000, (200, 200, 100)),
    I("DRY-TAHIN", "Tahin (tahini)", "kg", "dry", "10", "dry", 25000, (300, 300, 300)),
    I("DRY-HURMA", "Hurma (dates)", "kg", "dry", "10", "dry", 40000, (0, 0, 100)),
    I("DRY-CEVIZ", "Ceviz içi (walnuts)", "kg", "dry", "1", "dry", 60000, (300, 300, 200)),
    I("OIL-SIZMA", "Sızma zeytinyağı (extra virgin olive oil), Kalamata", "l", "oil", "1", "greek", 980,
      (3000, 3000, 3000), step=5000),
    I("OIL-ZEYTIN", "Kalamata zeytini (Kalamata olives)", "kg", "oil", "1", "greek", 750, (800, 800, 500),
      step=5000),
    I("OIL-RIVIERA", "Riviera zeytinyağı (olive oil)", "l", "oil", "1", "dry", 32000, (2000, 2000, 3000), step=5000),
    I("OIL-AYCICEK", "Ayçiçek yağı (sunflower oil), frying", "l", "oil", "1", "dry", 7500, (5000, 5000, 4000),
      step=18000),
    I("DRK-RAKI-70", "Rakı 70 cl", "bottle", "drinks", "20", "raki", 105000, (6000, 7000, 1000), step=6000),
    I("DRK-SARAP-BEYAZ", "Beyaz şarap (white wine) 75 cl", "bottle", "drinks", "20", "raki", 48000,
      (3000, 4000, 1000), step=6000),
    I("DRK-SARAP-KIRMIZI", "Kırmızı şarap (red wine) 75 cl", "bottle", "drinks", "20", "raki", 52000,
      (2000, 3000, 1000), step=6000),
    I("DRK-BIRA", "Bira (beer) 50 cl", "bottle", "drinks", "20", "drinks", 8500, (25000, 30000, 2000), step=24000),
    I("DRK-SU", "Su (still water) 0.5 l", "bottle", "drinks", "10", "drinks", 800, (80000, 90000, 60000),
      step=24000),
    I("DRK-MADENSUYU", "Maden suyu (mineral water) 20 cl", "bottle", "drinks", "10", "drinks", 1200,
      (40000, 45000, 20000), step=24000),
    I("DRK-KOLA", "Kola 33 cl", "piece", "drinks", "20", "drinks", 3000, (20000, 25000, 15000), step=24000),
    I("DRK-AYRAN", "Ayran 30 cl", "piece", "drinks", "10", "drinks", 1500, (10000, 10000, 20000), step=20000),
    I("DRK-MEYVE-SUYU", "Meyve suyu (fruit juice) 1 l", "l", "drinks", "10", "drinks", 5500, (2000, 3000, 3000),
      step=12000),
    I("DRK-SALGAM", "Şalgam suyu 1 l", "l", "drinks", "10", "drinks", 4000, (3000, 3000, 0), step=12000),
    I("DRK-CAY", "Çay (black tea), Rize", "kg", "drinks", "10", "coffee", 35000, (400, 500, 500), step=5000),
    I("DRK-KAHVE", "Türk kahvesi (Turkish coffee)", "kg", "drinks", "10", "coffee", 90000, (300, 400, 200),
      step=1000),
)
# Sellable catering menus (made at MTF, sold on sales orders, not stocked as raw goods).
MENUS = (
    ("CAT-MENU-A", "Catering menu A: seafood set menu", 145000),
    ("CAT-MENU-B", "Catering menu B: classic set menu", 95000),
    ("CAT-MENU-C", "Catering menu C: cocktail finger food", 65000),
    ("CAT-MENU-IFTAR", "Catering iftar menu", 85000),
)
# What one portion of each menu takes from stock at MTF, in thousandths of the item's unit.
RECIPES = {
    "CAT-MENU-A": (("FSH-LEVREK", 180), ("SEA-KARIDES", 60), ("SEA-KALAMAR", 50), ("PRD-ROKA", 20),
                   ("PRD-LIMON", 25), ("OIL-SIZMA", 25), ("BRD-EKMEK", 250)),
    "CAT-MENU-B": (("MEA-TAVUK-GOGUS", 180), ("DRY-PIRINC", 70), ("PRD-DOMATES", 80), ("PRD-SALATALIK", 50),
                   ("DAI-YOGURT", 60), ("OIL-RIVIERA", 20), ("BRD-EKMEK", 250)),
    "CAT-MENU-C": (("DAI-BEYAZ-PEYNIR", 35), ("DAI-KASAR", 30), ("FSH-SOMON", 40), ("PRD-DOMATES", 40),
                   ("DRY-UN", 30), ("DAI-TEREYAG", 10)),
    "CAT-MENU-IFTAR": (("DRY-MERCIMEK", 40), ("MEA-KUZU-INCIK", 250), ("DRY-PIRINC", 80), ("PRD-SOGAN", 40),
                       ("DAI-YOGURT", 80), ("DRY-HURMA", 30), ("BRD-PIDE", 250)),
}

# location, role, monthly gross salary (TRY), hired, left. The order gives the EM- ids.
EMPLOYEES = (
    ("MTF", "general manager", 245000, "2016-03-01", ""),          # EM-0001
    ("MTF", "finance manager", 125000, "2017-09-11", ""),
    ("MTF", "accountant", 62000, "2021-02-15", ""),
    ("MTF", "executive chef", 140000, "2016-05-02", ""),
    ("KDK", "restaurant manager", 95000, "2018-04-02", ""),
    ("BSK", "restaurant manager", 98000, "2019-06-03", ""),
    ("MTF", "sales manager", 92000, "2019-10-01", ""),             # EM-0007
    ("MTF", "catering coordinator", 68000, "2020-03-02", ""),
    ("MTF", "sales representative", 54000, "2022-01-10", ""),
    ("MTF", "purchasing specialist", 58000, "2020-11-02", ""),
    ("KDK", "chef", 88000, "2018-04-16", ""),
    ("BSK", "chef", 90000, "2019-06-17", ""),
    ("MTF", "sous chef", 72000, "2019-01-07", ""),
    ("KDK", "cook", 48000, "2019-09-02", ""),
    ("KDK", "cook", 46000, "2021-05-03", ""),
    ("KDK", "cook", 44000, "2022-08-15", "2025-04-30"),
    ("BSK", "cook", 49000, "2019-07-01", ""),
    ("BSK", "cook", 45000, "2021-03-15", ""),
    ("BSK", "cook", 44000, "2023-02-06", ""),
    ("MTF", "cook", 47000, "2018-10-01", ""),
    ("MTF", "cook", 45000, "2022-04-04", ""),
    ("MTF", "cook", 43000, "2023-09-18", ""),
    ("MTF", "sales representative", 52000, "2023-05-02", "2025-06-30"),  # EM-0023, handed over to EM-0044
    ("KDK", "waiter", 39000, "2018-05-07", ""),
    ("KDK", "waiter", 38000, "2020-06-15", ""),
    ("KDK", "waiter", 37000, "2022-04-11", ""),
    ("KDK", "waiter", 36500, "2023-06-05", "2025-08-15"),
    ("BSK", "waiter", 39000, "2019-06-10", ""),
    ("BSK", "waiter", 38500, "2020-09-01", ""),
    ("BSK", "waiter", 37500, "2021-10-04", ""),
    ("BSK", "waiter", 37000, "2022-05-16", ""),
    ("BSK", "waiter", 36500, "2024-03-04", ""),
    ("KDK", "bartender", 42000, "2019-03-11", ""),
    ("BSK", "bartender", 42000, "2020-02-03", ""),
    ("KDK", "cashier", 36000, "2021-01-18", ""),
    ("BSK", "cashier", 36000, "2022-07-04", ""),
    ("KDK", "dishwasher", 29000, "2023-01-09", ""),
    ("BSK", "dishwasher", 29000, "2023-04-17", ""),
    ("MTF", "dishwasher", 28500, "2024-02-05", ""),
    ("MTF", "driver", 40000, "2019-05-06", ""),
    ("MTF", "driver", 39000, "2021-08-02", "2025-10-31"),
    ("MTF", "cook", 44000, "2025-03-17", ""),
    ("KDK", "cook", 45000, "2025-05-12", ""),
    ("MTF", "sales representative", 56000, "2025-06-02", ""),      # EM-0044
    ("BSK", "waiter", 37000, "2025-09-01", ""),
)
SALES_MANAGER, COORDINATOR, SALES_REP, OLD_REP, NEW_REP, GM = (
    "EM-0007", "EM-0008", "EM-0009", "EM-0023", "EM-0044", "EM-0001")


# --------------------------------------------------------------------------- rates

# currency, rate on 1 January, trend target on 31 December, floor, ceiling (1/10000 TRY)
RATE_WALKS = (("EUR", 366500, 394000, 360000, 400000), ("USD", 351800, 366000, 340000, 370000))


def build_rates(rng: random.Random) -> dict[tuple[dt.date, str], int]:
    """A rate for every calendar day: a linear trend plus a mean-reverting wobble."""
    rates: dict[tuple[dt.date, str], int] = {}
    last = len(DAYS) - 1
    for cur, first, target, floor, ceiling in RATE_WALKS:
        wobble = 0
        for n, day in enumerate(DAYS):
            wobble = wobble * 9 // 10 + rng.randint(-900, 900)
            rates[(day, cur)] = min(ceiling, max(floor, first + (target - first) * n // last + wobble))
    return rates


def rate_rows(rates: dict[tuple[dt.date, str], int]) -> list[Record]:
    return [{"date": iso(day), "currency": cur, "rate": four(rates[(day, cur)])}
            for day in DAYS for cur, *_ in RATE_WALKS]


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
    employed: dict[str, tuple[dt.date, dt.date | None]]


def build_employees(rng: random.Random, pools: Pools) -> list[Record]:
    out = []
    for n, (loc, role, gross, hired, left) in enumerate(EMPLOYEES, 1):
        first, last = pools.person_name()
        rec = {"id": f"EM-{n:04d}", "kind": "person", "name": f"{first} {last}", "tax_id": pools.tckn(),
               "email": f"{slug(first)}.{slug(last)}@denizlokanta.com.tr",
               "phone": phone_as(pools.mobile(), "e164"), "city": "İstanbul", "location": loc, "role": role,
               "hired": hired, "gross_salary": money(gross * 100)}
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
            rec |= {"email": spec.email, "phone": spec.phone, "city": spec.city}
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
                       "currency": "TRY"}
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
    pools.claim(pools.phones, bog.phone), pools.claim(pools.tax_ids, bog.tax_id)
    pools.claim(pools.phones, "5325551234"), pools.claim(pools.names, slug("AyşeYılmaz"))
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
