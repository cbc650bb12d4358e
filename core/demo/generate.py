"""Deterministic demo books for kebir: Deniz Lokanta Grubu A.Ş., fiscal year 2025.

The company
    Deniz Lokanta Grubu A.Ş. runs two meyhane-style seafood restaurants in Istanbul, Kadıköy
    (KDK) and Beşiktaş (BSK), and a central kitchen with a catering business in Maltepe (MTF).
    The books are kept in TRY on the Turkish uniform chart (TDHP, 7/A expense accounts). The
    company holds a EUR account for purchases from Italy (a combi oven) and Greece (olive oil)
    and pays one software subscription in USD.

What is written (one fiscal year, 2025-01-01 .. 2025-12-31, opening balances on 2025-01-01)
    books.toml, accounts.yaml          a TDHP subset and every account role of docs/documents.md and
                                       docs/payroll.md (VAT per rate: 191.01-03 / 391.01-03 for 1, 10
                                       and 20%); Akbank (102.03) is closed on 2025-06-30
    rates/2025.csv                     EUR and USD for every calendar day (a random walk)
    sales/2025/2025-MM.csv             the restaurants' daily Z-reports: net sales per dish category
                                       with its VAT rate, and the tenders (cash, card, meal vouchers)
                                       that pay net + VAT to the kuruş; kebir derives the entries
    orders/2025/2025-MM.yaml           purchase orders, each received one with its supplier invoice
                                       (SI-) at the order's prices and the weekly supplier payments
                                       (SP-); the catering sales orders (with the rep who owns the
                                       customer in the CRM), their invoices (INV-), wedding deposits
                                       (ADV-) applied on the invoices, three credit notes (CN-) and
                                       the customer payments (PAY-): some in instalments, some for
                                       two invoices, a few late and some still open at the year end;
                                       one gala invoiced and paid in EUR, the oven bought in EUR
    payroll/2025/2025-MM.yaml          monthly payroll runs (one line per employee, commissions on
                                       paid invoices), computed with core.erp.payroll
    journals/2025/2025-MM.yaml         what a bookkeeper still keys by hand: the opening entry, card
                                       and meal-card settlements, cash deposits and petty cash, rent,
                                       utilities and other service invoices (on 320.01, with the
                                       supplier as contact) and their payments, the payroll payments
                                       (net pay, withholding, SGK) that match the runs, import VAT, a
                                       few EUR/USD entries
    journals/imports/2025-bank-fees.csv  bank charges (transfer fees included) as one bulk CSV journal
    contacts/erp, contacts/crm, contacts/links.yaml
                                       customers, suppliers, employees; CRM companies, people and
                                       activities. Many customers exist on both sides under other
                                       spellings; which records are the same firm or person is
                                       written to the truth file (core/demo/duplicates.yaml)
    stock/                             locations (with their cash, card, sales and cost accounts),
                                       items (drinks on 153/621, catering menus `produced`), and
                                       monthly move files from a day-by-day simulation of on-hand
                                       quantities, so stock never goes negative (every move has a
                                       time; counts come last)

    Every event is recorded once: documents post through kebir's rules (stock moves, Z-reports,
    invoices, payments, payroll runs), so no manual entry touches an inventory account, and every
    manual posting on the AR/AP control accounts names its contact. The monthly VAT offset is left
    to `kebir close`. Credit limits cover every customer's highest balance of the year but for
    two, which passed theirs during the year and were back under by 31 December.

Determinism
    Every random choice comes from one random.Random(2025), split into one generator per section
    in a fixed order, so a change in one section does not reshuffle the others. Money is integer
    kuruş/cents, quantities integer thousandths, rates and unit costs integer 1/10000: nothing
    written ever passes through a float, and foreign amounts are converted with Decimal, half-up.
    No wall clock, no iteration over sets; every file goes through core.books.store, which sorts and
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
from fractions import Fraction
from pathlib import Path
from typing import Any

import tomli_w
import yaml

from core.erp.payroll.calculation import (
    PaidInvoice, RunResult, add_commissions, commissions, compute_run, ytd_before,
)
from core.model.payroll import PayrollLine, PayrollRules, PayrollRun
from core.books.newbooks import GITIGNORE
from core.model.payroll import PayrollLine, PayrollRules, PayrollRun
from core.model.records import Contact, Item
from core.erp.recipes import Conversion, Ingredient, Recipe, Recipes, thousandths
from core.books.store import dump_csv_rows, dump_yaml_records, write_atomic

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
    "Fatih": ("212", ("Ordu Cad.", "Kumkapı Mah. Tiyatro Cad.", "Vatan Cad.")),
    "Kadıköy": ("216", ("Bağdat Cad.", "Moda Cad.", "Bahariye Cad.", "Söğütlüçeşme Cad.", "Kuşdili Cad.")),
    "Üsküdar": ("216", ("Hakimiyeti Milliye Cad.", "Nuhkuyusu Cad.", "Selmanipak Cad.")),
    "Ataşehir": ("216", ("Atatürk Cad.", "Barbaros Mah. Begonya Sok.", "Kerem Sok.")),
    "Maltepe": ("216", ("Bağdat Cad.", "Cevizli Mah. Tugay Yolu Cad.", "Gülsuyu Cad.")),
    "Ümraniye": ("216", ("Alemdağ Cad.", "Site Yolu Cad.")),
}
CITIES = (  # city, phone area, streets
    ("Kocaeli", "262", ("Ankara Cad.", "Hürriyet Cad.")),
    ("İzmir", "232", ("Kıbrıs Şehitleri Cad.", "Talatpaşa Bulvarı")),
    ("Ankara", "312", ("Tunalı Hilmi Cad.", "Atatürk Bulvarı")),
    ("Bursa", "224", ("Fevzi Çakmak Cad.", "Zübeyde Hanım Cad.")),
)
MOBILE_PREFIXES = ("530", "531", "532", "533", "535", "536", "537", "538", "539", "541", "542", "543", "544",
                   "505", "506", "507", "551", "552", "553", "554", "555", "559")
MAIL_PROVIDERS = ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com")

# --------------------------------------------------------------------------- the company

COMPANY = "Deniz Lokanta Grubu A.Ş."
LOCATIONS = (  # id, name, kind, address
    ("KDK", "Kadıköy restaurant", "restaurant", "Rıhtım Cad. No: 24, Kadıköy, İstanbul"),
    ("BSK", "Beşiktaş restaurant", "restaurant", "Çırağan Cad. No: 41, Beşiktaş, İstanbul"),
    ("MTF", "Maltepe central kitchen and catering", "kitchen", "Gülsuyu Cad. No: 118, Maltepe, İstanbul"),
)
LOC_IDS = tuple(loc[0] for loc in LOCATIONS)
RESTAURANTS = ("KDK", "BSK")
LOC_NAMES = {"KDK": "Kadıköy", "BSK": "Beşiktaş", "MTF": "Maltepe"}
CASH_ACCOUNT = {"KDK": "100.01", "BSK": "100.02", "MTF": "100.03"}
CARD_ACCOUNT = {"KDK": "108.01", "BSK": "108.02", "MTF": "108.03"}
REVENUE_ACCOUNT = {"KDK": "600.01", "BSK": "600.02", "MTF": "600.03"}
RENT_ACCOUNT = {"KDK": "770.01", "BSK": "770.02", "MTF": "770.03"}
VOUCHER_ACCOUNT = "108.04"
BANK_TRY, BANK_EUR, BANK_OLD = "102.01", "102.02", "102.03"
AKBANK_CLOSED = d("2025-06-30")
AR, AP, ADVANCES, GRNI = "120.01", "320.01", "340.01", "329.01"
VAT_IN = {1: "191.01", 10: "191.02", 20: "191.03"}      # by rate, percent
VAT_OUT = {1: "391.01", 10: "391.02", 20: "391.03"}
VAT_PAYABLE = "360.03"
INCOME_TAX, STAMP_TAX, SGK, NET_PAY = "360.01", "360.02", "361.01", "335.01"
SALARIES, EMPLOYER_SGK = "770.08", "770.09"
BANK_FEES, CARD_COMMISSION, POS_RENT, VOUCHER_COMMISSION = "780.01", "780.02", "780.03", "760.05"

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
    ("108.03", "POS Alacakları - Maltepe", "", "", ""),
    ("108.04", "Yemek Kartı Alacakları", "", "", ""),
    ("120", "Alıcılar", "asset", "", ""),
    ("120.01", "Yurt İçi Alıcılar", "", "", ""),
    ("150", "İlk Madde ve Malzeme", "asset", "", ""),
    ("150.01", "Gıda Hammaddeleri", "", "", ""),
    ("150.02", "Ambalaj ve Sarf Malzemeleri", "", "", ""),
    ("151", "Yarı Mamuller - Üretim", "asset", "", ""),
    ("151.01", "Merkez Mutfak Üretimi", "", "", ""),
    ("152", "Mamuller", "asset", "", ""),
    ("152.01", "Soslar", "", "", ""),
    ("153", "Ticari Mallar", "asset", "", ""),
    ("153.01", "İçecekler", "", "", ""),
    ("190", "Devreden KDV", "asset", "", ""),
    ("190.01", "Devreden KDV", "", "", ""),
    ("191", "İndirilecek KDV", "asset", "", ""),
    ("191.01", "İndirilecek KDV %1", "", "", ""),
    ("191.02", "İndirilecek KDV %10", "", "", ""),
    ("191.03", "İndirilecek KDV %20", "", "", ""),
    ("197", "Sayım ve Tesellüm Noksanları", "asset", "", ""),
    ("197.01", "Sayım ve Tesellüm Noksanları", "", "", ""),
    ("254", "Taşıtlar", "asset", "", ""),
    ("254.01", "Catering Araçları", "", "", ""),
    ("255", "Demirbaşlar", "asset", "", ""),
    ("255.01", "Mutfak Ekipmanları", "", "", ""),
    ("255.02", "Mobilya ve Dekorasyon", "", "", ""),
    ("255.03", "Bilgisayar ve POS Cihazları", "", "", ""),
    ("257", "Birikmiş Amortismanlar", "asset", "", ""),
    ("257.01", "Birikmiş Amortismanlar", "", "", ""),
    ("320", "Satıcılar", "liability", "", ""),
    ("320.01", "Satıcılar", "", "", ""),
    ("329", "Diğer Ticari Borçlar", "liability", "", ""),
    ("329.01", "Faturası Gelmemiş Alımlar", "", "", ""),
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
    ("391.01", "Hesaplanan KDV %1", "", "", ""),
    ("391.02", "Hesaplanan KDV %10", "", "", ""),
    ("391.03", "Hesaplanan KDV %20", "", "", ""),
    ("397", "Sayım ve Tesellüm Fazlaları", "liability", "", ""),
    ("397.01", "Sayım ve Tesellüm Fazlaları", "", "", ""),
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
    ("621.02", "Fire ve Zayiat", "", "", ""),
    ("621.09", "Fiyat Farkları", "", "", ""),
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
    ("760.05", "Yemek Kartı Komisyonları", "", "", ""),
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
    ("770.18", "Amortisman Giderleri", "", "", ""),
    ("770.99", "Diğer Genel Yönetim Giderleri", "", "", ""),
    ("771", "Genel Yönetim Giderleri Yansıtma", "expense", "", ""),
    ("780", "Finansman Giderleri", "expense", "", ""),
    ("780.01", "Banka Masrafları", "", "", ""),
    ("780.02", "POS Komisyonları", "", "", ""),
    ("780.03", "POS Terminal Kiraları", "", "", ""),
    ("781", "Finansman Giderleri Yansıtma", "expense", "", ""),
)
# books.toml [accounts]: the role each account plays in derived postings (docs/documents.md,
# docs/payroll.md). Locations and items override some of them (LOCATION_ACCOUNTS, item_records).
ACCOUNT_ROLES = (
    ("rounding", "659.99"), ("retained_earnings", "570.01"),
    ("receivable", AR), ("payable", AP), ("advances_received", ADVANCES),
    ("inventory", "150.01"), ("production", "151.01"), ("goods_received", GRNI), ("cogs", "620.01"), ("waste", "621.02"),
    ("count_shortage", "197.01"), ("count_surplus", "397.01"), ("price_difference", "621.09"),
    ("sales", "600.03"), ("sales_returns", "610.01"), ("fx_gain", "646.01"), ("fx_loss", "656.01"),
    ("bank", BANK_TRY), ("expenses", "770.99"),
    ("cash", "100.03"), ("card_receivable", "108.03"), ("voucher_receivable", VOUCHER_ACCOUNT),
    ("salaries", SALARIES), ("employer_contributions", EMPLOYER_SGK), ("net_pay", NET_PAY),
    ("income_tax_payable", INCOME_TAX), ("stamp_tax_payable", STAMP_TAX), ("social_security_payable", SGK),
    # period close: the VAT offset and the TDHP year-end chain (7/A reflection, 690, 691/370, 692, 590/591)
    ("vat_payable", "360.03"), ("vat_carry_forward", "190.01"), ("period_result", "690"), ("tax_expense", "691"),
    ("tax_provision", "370"), ("net_result", "692"), ("retained_earnings_profit", "590.01"),
    ("retained_earnings_loss", "591.01"),
)
# 7/A reflection at year end: expense group -> "mirror:income-statement account"
REFLECTION = (("760", "761:631"), ("770", "771:632"), ("780", "781:660"))
# books.toml [payroll]: the 2025 figures written out (docs/payroll.md), so the year's runs keep
# deriving the same entries when kebir's defaults move on to a later year.
PAYROLL_2025 = (
    ("sgk_employee", "14"), ("unemployment_employee", "1"), ("sgk_employer", "20.75"),
    ("sgk_employer_incentive", "5"), ("unemployment_employer", "2"), ("sgk_ceiling", "195041.40"),
    ("sgk_floor", "26005.50"), ("stamp_tax", "0.759"), ("minimum_wage", "26005.50"),
    ("minimum_wage_exemption", True), ("commission_rate", "2"),
)
INCOME_TAX_2025 = (("158000", "15"), ("330000", "20"), ("1200000", "27"), ("4300000", "35"), ("", "40"))
# Restaurants and the central kitchen keep their own till, card terminal and revenue account; the
# kitchen's usage is catering cost. Drinks are trade goods (153.01, their cost to 621.01).
LOCATION_ACCOUNTS = {
    "KDK": {"cash": CASH_ACCOUNT["KDK"], "card": CARD_ACCOUNT["KDK"], "sales": REVENUE_ACCOUNT["KDK"]},
    "BSK": {"cash": CASH_ACCOUNT["BSK"], "card": CARD_ACCOUNT["BSK"], "sales": REVENUE_ACCOUNT["BSK"]},
    "MTF": {"cash": CASH_ACCOUNT["MTF"], "card": CARD_ACCOUNT["MTF"], "sales": REVENUE_ACCOUNT["MTF"],
            "cogs": "620.02"},
}
DRINK_ACCOUNTS = {"inventory": "153.01", "cogs": "621.01"}
SAUCE_ACCOUNTS = {"inventory": "152.01"}
INVENTORY_ACCOUNTS = ("150.01", "151.01", "152.01", "153.01")


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


WEEKDAYS = (MON, TUE, WED, THU, FRI, SAT)
SUPPLIERS = (
    SupplierSpec("fish", "Kumkapı Balıkçılık Su Ürünleri Ltd. Şti.", ("fish",), terms="net7", deliveries=WEEKDAYS,
      arrives="06:10", district="Fatih"),
    SupplierSpec("seafood", "Sarıyer Deniz Ürünleri Tic. Ltd. Şti.", ("fish",), terms="net15",
      deliveries=(TUE, THU, SAT), arrives="06:40", district="Sarıyer"),
    SupplierSpec("blacksea", "Karadeniz Balıkçılık ve Soğuk Hava Tic. A.Ş.", ("fish",), terms="net15",
      deliveries=(MON, WED, FRI), arrives="06:25", district="Fatih"),
    SupplierSpec("meat", "Trakya Et ve Et Ürünleri San. ve Tic. A.Ş.", ("meat",), deliveries=(MON, WED, FRI),
      arrives="07:10", district="Bakırköy"),
    SupplierSpec("produce", "Bayrampaşa Hal Sebze Meyve Tic. Ltd. Şti.", ("produce",), terms="net7",
      deliveries=(MON, WED, FRI), arrives="06:50", district="Kağıthane"),
    SupplierSpec("dairy", "Ezine Süt Ürünleri A.Ş.", ("dairy",), deliveries=(TUE, FRI), arrives="07:30",
      district="Ümraniye"),
    SupplierSpec("bakery", "Yeldeğirmeni Fırıncılık Ltd. Şti.", ("bakery",), terms="net15", deliveries=EVERY_DAY,
      arrives="06:00", district="Kadıköy"),
    SupplierSpec("dry", "Marmara Gıda Toptan Tic. A.Ş.", ("dry-goods",), terms="net45", deliveries=(MON,),
      arrives="08:00", district="Ümraniye"),
    SupplierSpec("drinks", "Ege İçecek Dağıtım A.Ş.", ("beverages",), terms="net45", deliveries=(THU,),
      arrives="08:20", district="Ataşehir"),
    SupplierSpec("raki", "Tekirdağ İçki Dağıtım Ltd. Şti.", ("beverages",), terms="net60", deliveries=(THU,),
      arrives="08:40", district="Bakırköy"),
    SupplierSpec("coffee", "Karaköy Kahve ve Çay Ticaret Ltd. Şti.", ("beverages",), deliveries=(MON,),
      arrives="08:30", district="Beyoğlu"),
    SupplierSpec("greek", "Kalamata Elaiourgia S.A.", ("olive-oil", "import"), terms="net60", currency="EUR",
      arrives="08:15", city="Kalamata", email="orders@kalamata-elaiourgia.gr", phone="+30 27210 55512"),
    SupplierSpec("oven", "Forni Veneti S.r.l.", ("equipment", "import"), currency="EUR", city="Padova",
      email="export@forniveneti.it", phone="+39 049 555 0142"),
    SupplierSpec("software", "TableBook Inc.", ("software", "import"), terms="due", currency="USD", city="Austin",
      email="billing@tablebook.example", phone="+1 512 555 0175"),
    SupplierSpec("landlord_kdk", "Rıhtım Gayrimenkul Yatırım A.Ş.", ("landlord",), terms="due", district="Kadıköy"),
    SupplierSpec("landlord_bsk", "Barbaros Emlak ve Yatırım Ltd. Şti.", ("landlord",), terms="due",
      district="Beşiktaş"),
    SupplierSpec("landlord_mtf", "Gülsuyu Sanayi Gayrimenkul A.Ş.", ("landlord",), terms="due", district="Maltepe"),
    SupplierSpec("power_asia", "Anadolu Yakası Elektrik Perakende Satış A.Ş.", ("utility",), terms="net15",
      district="Ataşehir"),
    SupplierSpec("power_europe", "Avrupa Yakası Elektrik Perakende Satış A.Ş.", ("utility",), terms="net15",
      district="Şişli"),
    SupplierSpec("water", "İstanbul Su ve Kanalizasyon İdaresi (İSKİ)", ("utility",), terms="net15",
      district="Kağıthane"),
    SupplierSpec("gas", "İstanbul Gaz Dağıtım San. ve Tic. A.Ş.", ("utility",), terms="net15", district="Sarıyer"),
    SupplierSpec("telecom", "Türk Telekomünikasyon A.Ş.", ("utility",), terms="net15", district="Şişli"),
    SupplierSpec("platform", "Kapında Yemek Teknoloji A.Ş.", ("delivery-platform",), terms="net7",
      district="Sarıyer"),
    SupplierSpec("accounting", "Yıldız Mali Müşavirlik Ltd. Şti.", ("services",), terms="net15", district="Kadıköy"),
    SupplierSpec("laundry", "Beyaz Çamaşırhane Tekstil Hiz. Ltd. Şti.", ("services",), district="Ümraniye"),
    SupplierSpec("pest", "Ozon Çevre Sağlığı ve İlaçlama Ltd. Şti.", ("services",), district="Üsküdar"),
    SupplierSpec("cleaning", "Pırıl Temizlik Hizmetleri Ltd. Şti.", ("services",), district="Maltepe"),
    SupplierSpec("ads", "Lacivert Reklam Ajansı Ltd. Şti.", ("marketing",), district="Beyoğlu"),
    SupplierSpec("maintenance", "Mutfak Teknik Servis San. Tic. Ltd. Şti.", ("services", "equipment"),
      district="Ümraniye"),
    SupplierSpec("fuel", "Kartal Petrol Ürünleri Ltd. Şti.", ("fuel",), terms="due", district="Maltepe"),
    SupplierSpec("packaging", "Ambalaj Dünyası Plastik San. Tic. Ltd. Şti.", ("packaging",), district="Kağıthane"),
    SupplierSpec("ice", "Buzdağı Buz Üretim Ltd. Şti.", ("ice",), terms="net15", district="Üsküdar"),
    SupplierSpec("flowers", "Kadıköy Çiçekçilik Ltd. Şti.", ("decoration",), terms="due", district="Kadıköy"),
    SupplierSpec("uniforms", "Önlük Tekstil ve Üniforma Ltd. Şti.", ("uniforms",), district="Bakırköy"),
    SupplierSpec("chemicals", "Hijyen Kimya Temizlik Ürünleri A.Ş.", ("cleaning",), district="Ataşehir"),
    SupplierSpec("security", "Kalkan Güvenlik Hizmetleri A.Ş.", ("services",), district="Şişli"),
    SupplierSpec("lpg", "Mavi Alev Tüp Gaz Dağıtım Ltd. Şti.", ("fuel",), terms="net15", district="Maltepe"),
    SupplierSpec("printing", "Sayfa Matbaacılık Ltd. Şti.", ("printing",), district="Beyoğlu"),
    SupplierSpec("sound", "Ritim Ses ve Işık Sistemleri Ltd. Şti.", ("events",), district="Kağıthane"),
    SupplierSpec("insurance", "Güven Sigorta Aracılık Hizmetleri Ltd. Şti.", ("insurance",), terms="due",
      district="Şişli"),
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
    issue_days: tuple[int, ...]   # weekdays usage is booked (and on the last day of every month)
    transfer_days: tuple[int, ...]
    reorder: int                  # reorder when stock covers fewer than this many tenths of a day
    cover: int                    # ... up to this many tenths of a day beyond the next delivery
    waste: int                    # chance per mille per day and location of a waste move


POLICIES = {
    "fish": Policy("fifo", False, EVERY_DAY, (), 10, 25, 10),
    "seafood": Policy("fifo", False, (TUE, FRI, SUN), (), 10, 25, 8),
    "bread": Policy("fifo", False, EVERY_DAY, (), 3, 6, 40),
    "meat": Policy("fifo", True, (SUN,), (MON, THU), 15, 35, 4),
    "produce": Policy("fifo", True, (SUN,), (MON, THU), 10, 40, 6),
    "dairy": Policy("fifo", True, (SUN,), (MON, THU), 20, 50, 3),
    "dry": Policy("average", True, (), (MON,), 20, 150, 0),
    "oil": Policy("average", True, (), (MON,), 30, 160, 0),
    "drinks": Policy("average", True, (), (MON,), 10, 100, 0),
}
MTF_ISSUE_DAYS = (SUN,)   # the central kitchen books all but daily-booked items weekly (catering per order)


@dataclass(frozen=True)
class ItemSpec:
    id: str
    name: str
    unit: str
    category: str
    vat: str
    supplier: str                 # SupplierSpec.key
    price: int                    # January price per unit, minor units of the supplier's currency
    months: tuple[int, ...] = ()  # in season (empty: all year)
    step: int = 0                 # order multiple in thousandths (0: by unit)


WINTER = (1, 2, 3, 10, 11, 12)
ITEMS = (
    ItemSpec("FSH-LEVREK", "Levrek (sea bass), fresh", "kg", "fish", "1", "fish", 48000),
    ItemSpec("FSH-CIPURA", "Çipura (sea bream), fresh", "kg", "fish", "1", "fish", 45000),
    ItemSpec("FSH-SOMON", "Somon (salmon) fillet, Norwegian", "kg", "fish", "1", "fish", 95000),
    ItemSpec("FSH-KALKAN", "Kalkan (turbot)", "kg", "fish", "1", "fish", 125000,
      (1, 2, 3, 9, 10, 11, 12)),
    ItemSpec("FSH-LUFER", "Lüfer (bluefish)", "kg", "fish", "1", "fish", 90000, (9, 10, 11, 12)),
    ItemSpec("FSH-PALAMUT", "Palamut (Atlantic bonito)", "kg", "fish", "1", "fish", 30000,
      (1, 9, 10, 11, 12)),
    ItemSpec("FSH-BARBUN", "Barbun (red mullet)", "kg", "fish", "1", "fish", 70000,
      (1, 2, 3, 4, 9, 10, 11, 12)),
    ItemSpec("FSH-ISTAVRIT", "İstavrit (horse mackerel)", "kg", "fish", "1", "fish", 18000),
    ItemSpec("FSH-ORFOZ", "Orfoz (grouper)", "kg", "fish", "1", "fish", 110000),
    ItemSpec("FSH-HAMSI", "Hamsi (anchovy)", "kg", "fish", "1", "blacksea", 22000,
      (1, 2, 3, 11, 12)),
    ItemSpec("FSH-MEZGIT", "Mezgit (whiting)", "kg", "fish", "1", "blacksea", 25000, WINTER),
    ItemSpec("SEA-KARIDES", "Karides (king prawns)", "kg", "seafood", "1", "seafood", 110000),
    ItemSpec("SEA-KALAMAR", "Kalamar (squid)", "kg", "seafood", "1", "seafood", 65000),
    ItemSpec("SEA-AHTAPOT", "Ahtapot (octopus)", "kg", "seafood", "1", "seafood", 120000),
    ItemSpec("SEA-MIDYE", "Midye (mussels)", "kg", "seafood", "1", "seafood", 16000),
    ItemSpec("SEA-ISTAKOZ", "Istakoz (lobster)", "piece", "seafood", "1", "seafood", 350000),
    ItemSpec("MEA-KUZU-PIRZOLA", "Kuzu pirzola (lamb chops)", "kg", "meat", "1", "meat", 140000),
    ItemSpec("MEA-KUZU-INCIK", "Kuzu incik (lamb shank)", "kg", "meat", "1", "meat", 90000),
    ItemSpec("MEA-DANA-BONFILE", "Dana bonfile (beef tenderloin)", "kg", "meat", "1", "meat", 180000),
    ItemSpec("MEA-DANA-KIYMA", "Dana kıyma (minced beef)", "kg", "meat", "1", "meat", 65000),
    ItemSpec("MEA-TAVUK-GOGUS", "Tavuk göğsü (chicken breast)", "kg", "meat", "1", "meat", 22000),
    ItemSpec("MEA-TAVUK-BUT", "Tavuk but (chicken thigh)", "kg", "meat", "1", "meat", 16000),
    ItemSpec("PRD-DOMATES", "Domates (tomatoes)", "kg", "produce", "1", "produce", 3500),
    ItemSpec("PRD-SALATALIK", "Salatalık (cucumbers)", "kg", "produce", "1", "produce", 3000),
    ItemSpec("PRD-BIBER", "Sivri biber (green peppers)", "kg", "produce", "1", "produce", 6000),
    ItemSpec("PRD-SOGAN", "Kuru soğan (onions)", "kg", "produce", "1", "produce", 2000),
    ItemSpec("PRD-SARIMSAK", "Sarımsak (garlic)", "kg", "produce", "1", "produce", 18000),
    ItemSpec("PRD-PATATES", "Patates (potatoes)", "kg", "produce", "1", "produce", 2200),
    ItemSpec("PRD-LIMON", "Limon (lemons)", "kg", "produce", "1", "produce", 4500),
    ItemSpec("PRD-ROKA", "Roka (rocket)", "kg", "produce", "1", "produce", 9000),
    ItemSpec("PRD-MAYDANOZ", "Maydanoz (parsley), bunch", "piece", "produce", "1", "produce", 1500),
    ItemSpec("PRD-DEREOTU", "Dereotu (dill), bunch", "piece", "produce", "1", "produce", 1500),
    ItemSpec("PRD-NANE", "Nane (mint), bunch", "piece", "produce", "1", "produce", 1500),
    ItemSpec("PRD-MARUL", "Marul (cos lettuce)", "piece", "produce", "1", "produce", 3500),
    ItemSpec("PRD-PATLICAN", "Patlıcan (aubergines)", "kg", "produce", "1", "produce", 4000),
    ItemSpec("PRD-HAVUC", "Havuç (carrots)", "kg", "produce", "1", "produce", 2200),
    ItemSpec("PRD-MANTAR", "Kültür mantarı (mushrooms)", "kg", "produce", "1", "produce", 12000),
    ItemSpec("PRD-ENGINAR", "Enginar (artichokes)", "piece", "produce", "1", "produce", 3000,
      (3, 4, 5, 6)),
    ItemSpec("PRD-BAKLA", "Taze bakla (broad beans)", "kg", "produce", "1", "produce", 6000,
      (3, 4, 5)),
    ItemSpec("PRD-SEMIZOTU", "Semizotu (purslane)", "kg", "produce", "1", "produce", 7000,
      (5, 6, 7, 8, 9)),
    ItemSpec("PRD-KAVUN", "Kavun (melon)", "kg", "produce", "1", "produce", 3000, (6, 7, 8, 9)),
    ItemSpec("DAI-BEYAZ-PEYNIR", "Ezine beyaz peynir (white cheese)", "kg", "dairy", "1", "dairy", 38000),
    ItemSpec("DAI-KASAR", "Kaşar peyniri", "kg", "dairy", "1", "dairy", 45000),
    ItemSpec("DAI-TEREYAG", "Tereyağı (butter)", "kg", "dairy", "1", "dairy", 55000),
    ItemSpec("DAI-SUT", "Süt (milk)", "l", "dairy", "1", "dairy", 3500),
    ItemSpec("DAI-YOGURT", "Süzme yoğurt (strained yoghurt)", "kg", "dairy", "1", "dairy", 11000),
    ItemSpec("DAI-KREMA", "Krema (cream)", "l", "dairy", "1", "dairy", 16000),
    ItemSpec("DAI-YUMURTA", "Yumurta (eggs)", "piece", "dairy", "1", "dairy", 500, step=30000),
    ItemSpec("BRD-EKMEK", "Ekmek (bread loaf)", "piece", "bread", "1", "bakery", 1500),
    ItemSpec("BRD-PIDE", "Ramazan pidesi", "piece", "bread", "1", "bakery", 2500, (3,)),
    ItemSpec("DRY-UN", "Un (flour)", "kg", "dry", "1", "dry", 2500, step=25000),
    ItemSpec("DRY-PIRINC", "Baldo pirinç (rice)", "kg", "dry", "1", "dry", 8500, step=5000),
    ItemSpec("DRY-BULGUR", "Bulgur", "kg", "dry", "1", "dry", 4500, step=5000),
    ItemSpec("DRY-SEKER", "Toz şeker (sugar)", "kg", "dry", "1", "dry", 4000, step=5000),
    ItemSpec("DRY-TUZ", "Tuz (salt)", "kg", "dry", "1", "dry", 1200, step=5000),
    ItemSpec("DRY-NOHUT", "Nohut (chickpeas)", "kg", "dry", "1", "dry", 8000, step=5000),
    ItemSpec("DRY-MERCIMEK", "Kırmızı mercimek (red lentils)", "kg", "dry", "1", "dry", 7000,
      step=5000),
    ItemSpec("DRY-MAKARNA", "Makarna (pasta)", "kg", "dry", "1", "dry", 4500, step=5000),
    ItemSpec("DRY-SALCA", "Domates salçası (tomato paste)", "kg", "dry", "10", "dry", 9000),
    ItemSpec("DRY-SIRKE", "Üzüm sirkesi (grape vinegar)", "l", "dry", "10", "dry", 4500),
    ItemSpec("DRY-PULBIBER", "Pul biber (chilli flakes)", "kg", "dry", "10", "dry", 30000),
    ItemSpec("DRY-KARABIBER", "Karabiber (black pepper)", "kg", "dry", "10", "dry", 45000),
    ItemSpec("DRY-NAR-EKSISI", "Nar ekşisi (pomegranate molasses)", "l", "dry", "10", "dry", 20000),
    ItemSpec("DRY-TAHIN", "Tahin (tahini)", "kg", "dry", "10", "dry", 25000),
    ItemSpec("DRY-HURMA", "Hurma (dates)", "kg", "dry", "10", "dry", 40000),
    ItemSpec("DRY-CEVIZ", "Ceviz içi (walnuts)", "kg", "dry", "1", "dry", 60000),
    ItemSpec("OIL-SIZMA", "Sızma zeytinyağı (extra virgin olive oil), Kalamata", "l", "oil", "1", "greek", 980, step=5000),
    ItemSpec("OIL-ZEYTIN", "Kalamata zeytini (Kalamata olives)", "kg", "oil", "1", "greek", 750,
      step=5000),
    ItemSpec("OIL-RIVIERA", "Riviera zeytinyağı (olive oil)", "l", "oil", "1", "dry", 32000,
      step=5000),
    ItemSpec("OIL-AYCICEK", "Ayçiçek yağı (sunflower oil), frying", "l", "oil", "1", "dry", 7500,
      step=18000),
    ItemSpec("DRK-RAKI-70", "Rakı 70 cl", "bottle", "drinks", "20", "raki", 105000, step=6000),
    ItemSpec("DRK-SARAP-BEYAZ", "Beyaz şarap (white wine) 75 cl", "bottle", "drinks", "20", "raki", 48000, step=6000),
    ItemSpec("DRK-SARAP-KIRMIZI", "Kırmızı şarap (red wine) 75 cl", "bottle", "drinks", "20", "raki", 52000, step=6000),
    ItemSpec("DRK-BIRA", "Bira (beer) 50 cl", "bottle", "drinks", "20", "drinks", 8500,
      step=24000),
    ItemSpec("DRK-SU", "Su (still water) 0.5 l", "bottle", "drinks", "10", "drinks", 800,
      step=24000),
    ItemSpec("DRK-MADENSUYU", "Maden suyu (mineral water) 20 cl", "bottle", "drinks", "10", "drinks", 1200, step=24000),
    ItemSpec("DRK-KOLA", "Kola 33 cl", "piece", "drinks", "20", "drinks", 3000, step=24000),
    ItemSpec("DRK-AYRAN", "Ayran 30 cl", "piece", "drinks", "10", "drinks", 1500, step=20000),
    ItemSpec("DRK-MEYVE-SUYU", "Meyve suyu (fruit juice) 1 l", "l", "drinks", "10", "drinks", 5500, step=12000),
    ItemSpec("DRK-SALGAM", "Şalgam suyu 1 l", "l", "drinks", "10", "drinks", 4000, step=12000),
    ItemSpec("DRK-CAY", "Çay (black tea), Rize", "kg", "drinks", "10", "coffee", 35000, step=5000),
    ItemSpec("DRK-KAHVE", "Türk kahvesi (Turkish coffee)", "kg", "drinks", "10", "coffee", 90000,
      step=1000),
)
SUPPLIER_OF = {i.id: i.supplier for i in ITEMS}
# Sellable catering menus (made at MTF, sold on sales orders, not stocked as raw goods).
MENUS = (
    ("CAT-MENU-A", "Catering menu A: seafood set menu", 145000),
    ("CAT-MENU-B", "Catering menu B: classic set menu", 95000),
    ("CAT-MENU-C", "Catering menu C: cocktail finger food", 65000),
    ("CAT-MENU-IFTAR", "Catering iftar menu", 85000),
)
# Services bought on supplier invoices next to stock lines (posted to the `expenses` role).
SERVICE_ITEMS = (("SRV-NAVLUN", "Navlun ve sigorta (freight and insurance), per shipment", "0", "greek"),)
FREIGHT_EUR = 8500                      # EUR 85.00 a shipment from Kalamata
# The recipes, in the form stock/recipes.yaml takes: ingredient (item, quantity, unit, trim loss %).
# The catering menus: what one guest's portion is made of at MTF (the restaurants' dishes, made to
# order, and a few items), issued per delivery (kebir explodes them).
RECIPES = {
    "CAT-MENU-A": (("DSH-KUVER", "1", "portion", ""), ("DSH-HAYDARI", "0.5", "portion", ""),
                   ("DSH-EZME", "0.5", "portion", ""), ("DSH-LEVREK-MARIN", "0.5", "portion", ""),
                   ("DSH-KALAMAR", "0.5", "portion", ""), ("DSH-KARIDES-GUVEC", "0.25", "portion", ""),
                   ("DSH-LEVREK", "1", "portion", ""), ("DSH-SUTLAC", "1", "portion", "")),
    "CAT-MENU-B": (("DSH-KUVER", "1", "portion", ""), ("DSH-COBAN", "1", "portion", ""),
                   ("DSH-HUMUS", "0.5", "portion", ""), ("DSH-TAVUK-SIS", "1", "portion", ""),
                   ("DSH-KOFTE", "0.5", "portion", ""), ("DSH-PIRZOLA", "0.25", "portion", ""),
                   ("DSH-SUTLAC", "1", "portion", "")),
    "CAT-MENU-C": (("DSH-LEVREK-MARIN", "0.5", "portion", ""), ("DSH-MIDYE-TAVA", "0.5", "portion", ""),
                   ("DSH-HUMUS", "0.5", "portion", ""), ("DAI-BEYAZ-PEYNIR", "40", "g", ""), ("DAI-KASAR", "30", "g", ""),
                   ("FSH-SOMON", "40", "g", "5"), ("SEA-KARIDES", "25", "g", "30"), ("DRY-UN", "30", "g", ""),
                   ("DAI-TEREYAG", "10", "g", "")),
    "CAT-MENU-IFTAR": (("DRY-MERCIMEK", "40", "g", ""), ("MEA-KUZU-INCIK", "250", "g", ""), ("DRY-PIRINC", "80", "g", ""),
                       ("PRD-SOGAN", "40", "g", "10"), ("DAI-YOGURT", "80", "g", ""), ("DRY-HURMA", "30", "g", ""),
                       ("BRD-PIDE", "0.25", "piece", "")),
}
# Sauces the central kitchen makes in batches (production runs at MTF) and sends to the restaurants
# with the dairy and produce: id, name, unit, batch made, loss in making it %, ingredients.
SAUCES = (
    ("SOS-LIMON", "Limon sosu (lemon and olive oil dressing)", "l", "9", "0", (
        ("OIL-SIZMA", "6", "l", ""), ("PRD-LIMON", "3", "kg", "50"), ("PRD-MAYDANOZ", "10", "piece", ""),
        ("DRY-TUZ", "100", "g", ""))),
    ("SOS-TARATOR", "Tarator (walnut, garlic and yoghurt sauce)", "kg", "5", "0", (
        ("DRY-CEVIZ", "1", "kg", ""), ("PRD-SARIMSAK", "200", "g", "15"), ("BRD-EKMEK", "4", "piece", ""),
        ("DAI-YOGURT", "2.5", "kg", ""), ("OIL-SIZMA", "500", "ml", ""), ("DRY-SIRKE", "200", "ml", ""),
        ("DRY-TUZ", "50", "g", ""))),
    ("SOS-DOMATES", "Domates sosu (tomato sauce, reduced)", "kg", "10", "20", (
        ("PRD-DOMATES", "10", "kg", "10"), ("PRD-SOGAN", "1.5", "kg", "10"), ("PRD-SARIMSAK", "200", "g", "15"),
        ("OIL-RIVIERA", "500", "ml", ""), ("DRY-SALCA", "500", "g", ""), ("DRY-TUZ", "100", "g", ""),
        ("DRY-SEKER", "50", "g", ""))),
)
SAUCE_RUN_DAYS = (MON, THU)             # the central kitchen cooks sauces twice a week
RUN_TIME, RUSH_RUN_TIME = "09:00", "11:00"   # after the morning deliveries, before the transfers
# What the restaurants sell: id, name, unit, category, VAT %, food cost aimed at (per mille of the
# January price), portions on an average January day at KDK and BSK, ingredients. A dish is on
# the menu while its seasonal ingredients are in season. Drinks by the bottle are the bought-in
# items themselves (MENU_DRINKS); by the glass they have a recipe.
DISHES = (
    ("DSH-KUVER", "Kuver (bread, butter and olives)", "portion", "meze", "10", 180, 85, 93, (
        ("BRD-EKMEK", "0.25", "piece", ""), ("DAI-TEREYAG", "10", "g", ""), ("OIL-ZEYTIN", "30", "g", ""))),
    ("DSH-HAYDARI", "Haydari", "portion", "meze", "10", 230, 23, 24, (
        ("DAI-YOGURT", "150", "g", ""), ("PRD-SARIMSAK", "5", "g", "15"), ("PRD-DEREOTU", "0.1", "piece", ""),
        ("OIL-SIZMA", "10", "ml", ""))),
    ("DSH-EZME", "Acılı ezme", "portion", "meze", "10", 220, 20, 21, (
        ("PRD-DOMATES", "120", "g", "10"), ("PRD-BIBER", "40", "g", "10"), ("PRD-SOGAN", "30", "g", "10"),
        ("PRD-MAYDANOZ", "0.1", "piece", ""), ("DRY-NAR-EKSISI", "10", "ml", ""), ("OIL-SIZMA", "10", "ml", ""),
        ("DRY-PULBIBER", "2", "g", ""))),
    ("DSH-PATLICAN", "Köz patlıcan salatası", "portion", "meze", "10", 240, 17, 16, (
        ("PRD-PATLICAN", "200", "g", "40"), ("PRD-SARIMSAK", "5", "g", "15"), ("SOS-LIMON", "20", "ml", ""))),
    ("DSH-KISIR", "Kısır", "portion", "meze", "10", 200, 11, 11, (
        ("DRY-BULGUR", "60", "g", ""), ("DRY-SALCA", "10", "g", ""), ("PRD-MAYDANOZ", "0.15", "piece", ""),
        ("PRD-NANE", "0.05", "piece", ""), ("DRY-NAR-EKSISI", "10", "ml", ""), ("OIL-SIZMA", "10", "ml", ""),
        ("PRD-SOGAN", "20", "g", "10"))),
    ("DSH-HUMUS", "Humus", "portion", "meze", "10", 220, 11, 13, (
        ("DRY-NOHUT", "60", "g", ""), ("DRY-TAHIN", "25", "g", ""), ("PRD-LIMON", "20", "g", "50"),
        ("PRD-SARIMSAK", "3", "g", "15"), ("OIL-SIZMA", "10", "ml", ""))),
    ("DSH-LEVREK-MARIN", "Levrek marin", "portion", "meze", "10", 300, 11, 13, (
        ("FSH-LEVREK", "80", "g", "45"), ("SOS-LIMON", "30", "ml", ""), ("PRD-ROKA", "20", "g", ""),
        ("PRD-DEREOTU", "0.1", "piece", ""))),
    ("DSH-ENGINAR", "Zeytinyağlı enginar", "portion", "meze", "10", 260, 14, 16, (
        ("PRD-ENGINAR", "2", "piece", ""), ("PRD-HAVUC", "30", "g", "10"), ("PRD-BAKLA", "40", "g", "50"),
        ("OIL-SIZMA", "30", "ml", ""), ("PRD-LIMON", "30", "g", "50"), ("PRD-DEREOTU", "0.1", "piece", ""))),
    ("DSH-SEMIZOTU", "Yoğurtlu semizotu", "portion", "meze", "10", 220, 11, 11, (
        ("PRD-SEMIZOTU", "120", "g", "20"), ("DAI-YOGURT", "100", "g", ""), ("PRD-SARIMSAK", "5", "g", "15"))),
    ("DSH-PEYNIR-KAVUN", "Beyaz peynir ve kavun", "portion", "meze", "10", 280, 23, 26, (
        ("DAI-BEYAZ-PEYNIR", "100", "g", ""), ("PRD-KAVUN", "200", "g", "35"))),
    ("DSH-COBAN", "Çoban salatası", "portion", "meze", "10", 230, 20, 21, (
        ("PRD-DOMATES", "150", "g", "10"), ("PRD-SALATALIK", "100", "g", "10"), ("PRD-BIBER", "30", "g", "10"),
        ("PRD-SOGAN", "30", "g", "10"), ("PRD-MAYDANOZ", "0.1", "piece", ""), ("OIL-SIZMA", "15", "ml", ""),
        ("PRD-LIMON", "20", "g", "50"))),
    ("DSH-ROKA", "Roka salatası", "portion", "meze", "10", 240, 11, 13, (
        ("PRD-ROKA", "80", "g", "10"), ("PRD-MARUL", "0.25", "piece", ""), ("PRD-HAVUC", "30", "g", "10"),
        ("DAI-BEYAZ-PEYNIR", "30", "g", ""), ("SOS-LIMON", "30", "ml", ""))),
    ("DSH-KALAMAR", "Kalamar tava, tarator", "portion", "ara-sicak", "10", 300, 17, 19, (
        ("SEA-KALAMAR", "180", "g", "20"), ("DRY-UN", "30", "g", ""), ("OIL-AYCICEK", "60", "ml", ""),
        ("SOS-TARATOR", "50", "g", ""))),
    ("DSH-MIDYE-TAVA", "Midye tava, tarator", "portion", "ara-sicak", "10", 260, 14, 16, (
        ("SEA-MIDYE", "150", "g", "60"), ("DRY-UN", "30", "g", ""), ("DAI-YUMURTA", "0.5", "piece", ""),
        ("OIL-AYCICEK", "60", "ml", ""), ("SOS-TARATOR", "50", "g", ""))),
    ("DSH-KARIDES-GUVEC", "Karides güveç", "portion", "ara-sicak", "10", 320, 11, 13, (
        ("SEA-KARIDES", "120", "g", "30"), ("SOS-DOMATES", "120", "g", ""), ("DAI-KASAR", "40", "g", ""),
        ("DAI-TEREYAG", "10", "g", ""), ("PRD-BIBER", "30", "g", "10"))),
    ("DSH-AHTAPOT", "Izgara ahtapot", "portion", "ara-sicak", "10", 330, 7, 8, (
        ("SEA-AHTAPOT", "150", "g", "40"), ("SOS-LIMON", "30", "ml", ""), ("PRD-ROKA", "20", "g", ""))),
    ("DSH-HAMSI", "Hamsi tava", "portion", "fish", "10", 280, 17, 16, (
        ("FSH-HAMSI", "220", "g", "30"), ("DRY-UN", "40", "g", ""), ("OIL-AYCICEK", "80", "ml", ""),
        ("PRD-SOGAN", "30", "g", "10"), ("PRD-ROKA", "20", "g", ""))),
    ("DSH-LEVREK", "Izgara levrek", "portion", "fish", "10", 360, 17, 19, (
        ("FSH-LEVREK", "220", "g", "45"), ("SOS-LIMON", "50", "ml", ""), ("PRD-ROKA", "30", "g", ""),
        ("PRD-SOGAN", "30", "g", "10"))),
    ("DSH-CIPURA", "Izgara çipura", "portion", "fish", "10", 360, 14, 16, (
        ("FSH-CIPURA", "220", "g", "45"), ("SOS-LIMON", "50", "ml", ""), ("PRD-ROKA", "30", "g", ""))),
    ("DSH-SOMON", "Fırın somon", "portion", "fish", "10", 360, 6, 8, (
        ("FSH-SOMON", "180", "g", "5"), ("DAI-KREMA", "40", "ml", ""), ("PRD-PATATES", "150", "g", "15"),
        ("SOS-LIMON", "20", "ml", ""))),
    ("DSH-KALKAN", "Kalkan tava", "portion", "fish", "10", 380, 5, 6, (
        ("FSH-KALKAN", "250", "g", "40"), ("DRY-UN", "30", "g", ""), ("OIL-AYCICEK", "50", "ml", ""),
        ("SOS-LIMON", "30", "ml", ""))),
    ("DSH-LUFER", "Izgara lüfer", "portion", "fish", "10", 380, 7, 8, (
        ("FSH-LUFER", "220", "g", "40"), ("SOS-LIMON", "40", "ml", ""), ("PRD-ROKA", "30", "g", ""))),
    ("DSH-PALAMUT", "Palamut ızgara", "portion", "fish", "10", 330, 11, 12, (
        ("FSH-PALAMUT", "250", "g", "35"), ("PRD-SOGAN", "50", "g", "10"), ("PRD-ROKA", "30", "g", ""))),
    ("DSH-BARBUN", "Barbun tava", "portion", "fish", "10", 360, 7, 6, (
        ("FSH-BARBUN", "200", "g", "35"), ("DRY-UN", "20", "g", ""), ("OIL-AYCICEK", "50", "ml", ""),
        ("PRD-ROKA", "30", "g", ""))),
    ("DSH-ISTAVRIT", "İstavrit tava", "portion", "fish", "10", 280, 9, 5, (
        ("FSH-ISTAVRIT", "220", "g", "35"), ("DRY-UN", "30", "g", ""), ("OIL-AYCICEK", "60", "ml", ""),
        ("PRD-SOGAN", "30", "g", "10"))),
    ("DSH-MEZGIT", "Mezgit tava", "portion", "fish", "10", 300, 6, 5, (
        ("FSH-MEZGIT", "220", "g", "35"), ("DRY-UN", "30", "g", ""), ("OIL-AYCICEK", "50", "ml", ""),
        ("PRD-LIMON", "30", "g", "50"))),
    ("DSH-ORFOZ", "Orfoz buğulama", "portion", "fish", "10", 380, 0, 5, (
        ("FSH-ORFOZ", "200", "g", "40"), ("SOS-DOMATES", "100", "g", ""), ("PRD-MANTAR", "50", "g", "10"),
        ("PRD-BIBER", "30", "g", "10"))),
    ("DSH-ISTAKOZ", "Istakozlu linguine", "portion", "fish", "10", 400, 0, 2, (
        ("SEA-ISTAKOZ", "0.5", "piece", ""), ("DRY-MAKARNA", "100", "g", ""), ("SOS-DOMATES", "100", "g", ""),
        ("DAI-TEREYAG", "15", "g", ""))),
    ("DSH-PIRZOLA", "Kuzu pirzola", "portion", "grill", "10", 350, 5, 6, (
        ("MEA-KUZU-PIRZOLA", "250", "g", "10"), ("PRD-PATATES", "150", "g", "15"), ("PRD-DOMATES", "50", "g", "10"),
        ("PRD-BIBER", "30", "g", "10"), ("DRY-KARABIBER", "1", "g", ""))),
    ("DSH-KOFTE", "Izgara köfte", "portion", "grill", "10", 300, 9, 6, (
        ("MEA-DANA-KIYMA", "180", "g", ""), ("PRD-SOGAN", "40", "g", "10"), ("BRD-EKMEK", "0.1", "piece", ""),
        ("DAI-YUMURTA", "0.2", "piece", ""), ("PRD-PATATES", "150", "g", "15"), ("SOS-DOMATES", "50", "g", ""))),
    ("DSH-BONFILE", "Bonfile", "portion", "grill", "10", 360, 0, 4, (
        ("MEA-DANA-BONFILE", "200", "g", "10"), ("DAI-TEREYAG", "20", "g", ""), ("PRD-MANTAR", "60", "g", "10"),
        ("PRD-PATATES", "150", "g", "15"), ("DRY-KARABIBER", "1", "g", ""))),
    ("DSH-TAVUK-SIS", "Tavuk şiş", "portion", "grill", "10", 280, 5, 4, (
        ("MEA-TAVUK-GOGUS", "220", "g", "5"), ("DAI-YOGURT", "30", "g", ""), ("PRD-BIBER", "30", "g", "10"),
        ("DRY-PIRINC", "80", "g", ""), ("DAI-TEREYAG", "10", "g", ""))),
    ("DSH-SUTLAC", "Fırın sütlaç", "portion", "dessert", "10", 200, 11, 12, (
        ("DAI-SUT", "250", "ml", ""), ("DRY-PIRINC", "30", "g", ""), ("DRY-SEKER", "40", "g", ""))),
    ("DSH-HELVA", "Un helvası, dondurma ile", "portion", "dessert", "10", 200, 9, 10, (
        ("DRY-UN", "50", "g", ""), ("DAI-TEREYAG", "30", "g", ""), ("DRY-SEKER", "50", "g", ""),
        ("DAI-SUT", "100", "ml", ""), ("DRY-CEVIZ", "10", "g", ""))),
    ("ICK-RAKI-DUBLE", "Rakı, duble (10 cl)", "portion", "drinks", "20", 330, 40, 42, (
        ("DRK-RAKI-70", "100", "ml", ""),)),
    ("ICK-SARAP-KADEH", "Ev şarabı, kadeh (15 cl)", "portion", "drinks", "20", 300, 14, 19, (
        ("DRK-SARAP-BEYAZ", "150", "ml", ""),)),
    ("ICK-MEYVE-SUYU", "Meyve suyu, bardak (20 cl)", "portion", "drinks", "10", 250, 6, 6, (
        ("DRK-MEYVE-SUYU", "200", "ml", ""),)),
    ("ICK-SALGAM", "Şalgam, bardak (25 cl)", "portion", "drinks", "10", 200, 9, 8, (
        ("DRK-SALGAM", "250", "ml", ""),)),
    ("ICK-CAY", "Çay", "portion", "drinks", "10", 100, 34, 37, (("DRK-CAY", "5", "g", ""), ("DRY-SEKER", "6", "g", ""))),
    ("ICK-KAHVE", "Türk kahvesi", "portion", "drinks", "10", 150, 11, 13, (("DRK-KAHVE", "7", "g", ""),
                                                                         ("DRY-SEKER", "5", "g", ""))),
)
# Drinks sold as they are bought: item, food cost aimed at (per mille), per day at KDK and BSK.
MENU_DRINKS = (("DRK-RAKI-70", 330, 2, 3), ("DRK-SARAP-BEYAZ", 300, 2, 2), ("DRK-SARAP-KIRMIZI", 300, 2, 2),
               ("DRK-BIRA", 330, 17, 19), ("DRK-SU", 200, 46, 48), ("DRK-MADENSUYU", 250, 23, 24),
               ("DRK-KOLA", 280, 11, 13), ("DRK-AYRAN", 250, 6, 5))
# stock/units.yaml: one of the item's own unit is `per_unit` of `unit` (a 70 cl bottle is 0.7 l)
CONVERSIONS = (("DRK-RAKI-70", "l", "0.7"), ("DRK-SARAP-BEYAZ", "l", "0.75"), ("DRK-SARAP-KIRMIZI", "l", "0.75"))
MENU_INFLATION = 22                     # menu prices follow costs, per mille a month, repriced each quarter
QUARTERS = (dt.date(YEAR, 1, 1), dt.date(YEAR, 4, 1), dt.date(YEAR, 7, 1), dt.date(YEAR, 10, 1))
# What the kitchen uses beyond the recipes, per mille of the recipe quantity (over-portioning,
# spills, tasting): the book does not see it until the month-end count.
OVERUSE = {"fish": 40, "seafood": 45, "meat": 30, "produce": 60, "dairy": 30, "bread": 80, "dry": 25, "oil": 50,
           "drinks": 15, "sauce": 35}

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


# --------------------------------------------------------------------------- catering sales orders

@dataclass
class SalesOrder:
    date: dt.date
    due: dt.date
    party: str
    status: str
    memo: str
    lines: list[tuple[str, int, int, int]]   # menu item, portions, price, discount (minor units of currency)
    id: str = ""
    currency: str = "TRY"
    rep: str = ""                            # the CRM owner of the customer when the order was placed

    def line_records(self) -> list[Record]:
        lines = []
        for item, portions, price, discount in self.lines:
            line = {"item": item, "quantity": str(portions), "price": money(price), "vat_rate": "10"}
            if discount:
                line["discount"] = money(discount)
            lines.append(line)
        return lines

    def net(self) -> int:
        return sum(portions * price - discount for _, portions, price, discount in self.lines)

    def gross(self) -> int:
        """Net plus 10% VAT, rounded per line (as kebir derives an invoice)."""
        return sum(n + percent_of(n, 10) for n in (p * price - disc for _, p, price, disc in self.lines))

    def record(self) -> Record:
        rec = {"id": self.id, "kind": "sales", "date": iso(self.date), "party": self.party, "location": "MTF",
               "currency": self.currency, "status": self.status, "due": iso(self.due), "memo": self.memo,
               "lines": self.line_records()}
        if self.rep:
            rec["rep"] = self.rep
        return rec


EVENTS = {  # kind: memo, private party?, main menus, chance of cocktail starters (%), guests, lead days
    "wedding": ("Wedding", True, ("CAT-MENU-A", "CAT-MENU-B"), 50, (80, 350), (30, 120)),
    "engagement": ("Engagement dinner", True, ("CAT-MENU-B",), 0, (40, 150), (10, 45)),
    "lunch": ("Corporate lunch", False, ("CAT-MENU-B",), 0, (30, 200), (5, 30)),
    "reception": ("Cocktail reception", False, ("CAT-MENU-C",), 0, (50, 300), (7, 40)),
    "gala": ("Gala dinner", False, ("CAT-MENU-A",), 60, (100, 400), (20, 75)),
    "iftar": ("Iftar dinner", False, ("CAT-MENU-IFTAR",), 0, (60, 300), (7, 40)),
    "new_year": ("New Year party", False, ("CAT-MENU-A",), 50, (80, 300), (20, 60)),
}
EVENTS_PER_MONTH = (10, 10, 22, 14, 20, 24, 20, 18, 22, 18, 16, 26, 10, 10)   # Jan 2025 .. Feb 2026
EVENT_WEEKDAY_WEIGHT = (6, 6, 7, 9, 14, 22, 14)


def event_kinds(day: dt.date) -> tuple[tuple[str, int], ...]:
    if RAMADAN[0] <= day <= RAMADAN[1]:
        return (("iftar", 70), ("lunch", 15), ("reception", 15))
    if day.month == 12:
        return (("new_year", 45), ("gala", 15), ("reception", 20), ("lunch", 20))
    if 5 <= day.month <= 9:
        return (("wedding", 40), ("engagement", 15), ("lunch", 20), ("reception", 15), ("gala", 10))
    return (("lunch", 35), ("reception", 25), ("gala", 10), ("engagement", 15), ("wedding", 15))


def build_sales_orders(rng: random.Random, customers: list[Record], erp_dups: list[str]) -> list[SalesOrder]:
    """About 200 catering orders for events from January 2025 to February 2026."""
    privates = [c["id"] for c in customers if c["kind"] == "person"]
    firms = [c["id"] for c in customers if c["kind"] == "company"]
    orders: list[SalesOrder] = []
    for n, count in enumerate(EVENTS_PER_MONTH):
        year, month = YEAR + n // 12, n % 12 + 1
        days = [dt.date(year, month, 1) + dt.timedelta(days=i) for i in range(month_end(year, month).day)]
        for due in sorted(rng.choices(days, [EVENT_WEEKDAY_WEIGHT[x.weekday()] for x in days],
                                      k=count + rng.randint(-2, 2))):
            kinds = event_kinds(due)
            kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            label, private, mains, starters, (g_lo, g_hi), (l_lo, l_hi) = EVENTS[kind]
            placed = max(due - dt.timedelta(days=rng.randint(l_lo, l_hi)), START + ONE_DAY)
            if (due - placed).days < 3 or placed > END:
                continue
            guests = rng.randint(g_lo, g_hi) // 5 * 5
            lines = []
            for menu in (rng.choice(mains),) + (("CAT-MENU-C",) if rng.randint(1, 100) <= starters else ()):
                price = dict((m, p) for m, _, p in MENUS)[menu] * inflation(placed, 18) // 1000 // 500 * 500
                discount = percent_of(price * guests, 5) if guests >= 250 and menu != "CAT-MENU-C" else 0
                lines.append((menu, guests, price, discount))
            status = "closed" if due <= END else ("draft" if rng.randint(1, 100) <= 30 else "open")
            if status == "closed" and rng.randint(1, 100) <= 4:
                status = "cancelled"
            party = rng.choice(privates if private else firms)
            orders.append(SalesOrder(placed, due, party, status, f"{label}, {guests} guests", lines))
    for dup in erp_dups:      # the duplicate customer records were used once each before anyone noticed
        rng.choice([o for o in orders if o.party.startswith("CU-") and o.status == "closed"]).party = dup
    orders.sort(key=lambda o: (o.date, o.due, o.party, o.memo))
    for n, o in enumerate(orders, 1):
        o.id = f"SO-{n:04d}"
    return orders


class Menu:
    """The recipes as kebir reads them (core.erp.recipes), so the simulation takes from stock exactly
    what kebir derives from the Z-reports, the catering deliveries and the production runs; and
    the menu's prices, set from the January cost of each dish and the food cost it aims at."""

    def __init__(self) -> None:
        def lines(rows: tuple[tuple[str, str, str, str], ...]) -> tuple[Ingredient, ...]:
            return tuple(Ingredient(i, Decimal(q), u, Decimal(w or 0)) for i, q, u, w in rows)

        items = {i.id: Item(i.id, i.name, i.unit, POLICIES[i.category].valuation, i.category) for i in ITEMS}
        items |= {s[0]: Item(s[0], s[1], s[2], "average", "sauce") for s in SAUCES}
        items |= {x[0]: Item(x[0], x[1], x[2], "average", x[3], type="produced") for x in DISHES}
        items |= {m: Item(m, name, "portion", "average", "catering", type="produced") for m, name, _ in MENUS}
        recipes = [Recipe(m, lines(RECIPES[m])) for m in RECIPES]
        recipes += [Recipe(s[0], lines(s[5]), Decimal(s[3]), s[2], Decimal(s[4])) for s in SAUCES]
        recipes += [Recipe(x[0], lines(x[8])) for x in DISHES]
        self.items = items
        self.rec = Recipes(tuple(recipes), tuple(Conversion(i, u, Decimal(p)) for i, u, p in CONVERSIONS), items)
        self.req: dict[str, dict[str, int]] = {}
        self.sold = [(x[0], x[5], x[6], x[7]) for x in DISHES] + list(MENU_DRINKS)   # item, target, KDK, BSK
        specs = {i.id: i for i in ITEMS}
        rate = RATE_WALKS[0][1] / 10000                      # January's EUR rate, for the Greek oil and olives
        self.jan_cost = {i.id: Fraction(i.price) * (Fraction(rate) if SUPPLIER_OF[i.id] == "greek" else 1)
                         for i in ITEMS}
        self.months: dict[str, tuple[int, ...]] = {}
        for item, _target, _k, _b in self.sold:
            raw = self.rec.explode(item, True) if item in self.rec else {item: Fraction(1)}
            seasons = [set(specs[r].months) for r in raw if r in specs and specs[r].months]
            self.months[item] = tuple(m for m in MONTHS if all(m in s for s in seasons))
        self.jan_price = {}
        for item, target, _k, _b in self.sold:
            raw = self.rec.explode(item, True) if item in self.rec else {item: Fraction(1)}
            cost = sum(q * self.jan_cost[r] for r, q in raw.items())
            self.jan_price[item] = max(500, half_up(int(cost * 1000), target * 500) * 500)

    def price(self, item: str, day: dt.date) -> int:
        """The menu price (net of VAT, kuruş) on `day`: January's, repriced at the start of each quarter."""
        quarter = max(q for q in QUARTERS if q <= day) if day >= QUARTERS[0] else QUARTERS[0]
        return half_up(self.jan_price[item] * inflation(quarter, MENU_INFLATION), 1000 * 500) * 500

    def on_menu(self, item: str, day: dt.date) -> bool:
        return day.month in self.months[item]

    def req_of(self, item: str) -> dict[str, int]:
        """Per unit sold or issued: what it takes from stock, in 10^-9 of each item's unit (as kebir)."""
        if item not in self.req:
            need = self.rec.taken(item) or {}
            self.req[item] = {ing: half_up(q.numerator * SCALE, q.denominator) for ing, q in sorted(need.items())}
        return self.req[item]

    def take(self, sold: dict[str, int]) -> dict[str, int]:
        """Thousandths sold per item -> thousandths taken per ingredient: summed exactly, rounded once."""
        totals: dict[str, int] = {}
        for item, q in sold.items():
            for ing, r in self.req_of(item).items():
                totals[ing] = totals.get(ing, 0) + q * r
        return {ing: n for ing, t in sorted(totals.items()) if (n := (t + SCALE // 2) // SCALE) > 0}

    def run_takes(self, sauce: str, made: int) -> dict[str, int]:
        """What a production run making `made` thousandths takes (kebir: per ingredient, rounded)."""
        return {ing: n for ing, q in sorted(self.rec.explode(sauce).items())
                if (n := thousandths(Fraction(made, 1000) * q)) > 0}

    def usable(self, sauce: str) -> int:
        """Usable output of one batch, thousandths."""
        return thousandths(self.rec.output(self.rec.by_item[sauce]))


@dataclass
class Till:
    """One restaurant's day at the till: a Z-report."""
    location: str
    day: dt.date
    sales: list[tuple[str, int, int, int]] = field(default_factory=list)   # item, portions, net, VAT %
    cash: int = 0
    card: int = 0
    voucher: int = 0

    def rows(self) -> list[Record]:
        base = {"date": iso(self.day), "location": self.location}
        out = [base | {"kind": "sale", "item": item, "quantity": str(portions), "net": money(net),
                       "vat_rate": str(vat_pct)} for item, portions, net, vat_pct in self.sales]
        out += [base | {"kind": "tender", "method": method, "amount": money(amount)}
                for method, amount in (("cash", self.cash), ("card", self.card), ("voucher", self.voucher))]
        return out

    def taken(self) -> dict[str, int]:
        return {item: portions * 1000 for item, portions, _, _ in self.sales}


def build_tills(rng: random.Random, menu: Menu) -> dict[tuple[str, dt.date], Till]:
    """Each restaurant's Z-report per day (and 31 December 2024's, whose card takings settle in
    January): portions of each dish and drink on the menu, at the quarter's menu prices."""
    vats = {x[0]: int(x[4]) for x in DISHES} | {i.id: int(i.vat) for i in ITEMS}
    tills = {}
    for day in (START - ONE_DAY,) + DAYS:
        for loc in RESTAURANTS:
            n = LOC_IDS.index(loc)
            factor = SALES_SEASON[loc][day.month - 1] * WEEKDAY_FACTOR[day.weekday()] // 1000
            factor = factor * SPECIAL_DAYS.get(day, 1000) // 1000
            if RAMADAN[0] <= day <= RAMADAN[1]:
                factor = factor * 850 // 1000
            till = Till(loc, day)
            for item, _target, *means in menu.sold:
                mean = means[n]
                if not mean or not menu.on_menu(item, max(day, START)):
                    continue
                raw = vary(rng, mean * factor, 700, 1300)
                whole, frac = divmod(raw, 1000)
                portions = whole + (rng.randrange(1000) < frac)
                if portions:
                    till.sales.append((item, portions, portions * menu.price(item, max(day, START)), vats[item]))
            by_rate: dict[int, int] = {}
            for _, _, part, vat_pct in till.sales:
                by_rate[vat_pct] = by_rate.get(vat_pct, 0) + part
            gross = sum(by_rate.values()) + sum(percent_of(v, pct) for pct, v in by_rate.items())
            till.card = vary(rng, gross, 720, 800)
            till.voucher = vary(rng, gross, 25, 60)
            till.cash = gross - till.card - till.voucher
            tills[(loc, day)] = till
    return tills


# --------------------------------------------------------------------------- stock simulation

COUNTED_UNITS = ("piece", "bottle", "portion")
TRANSFER_TIME = {"KDK": "09:30", "BSK": "10:15"}
RUSH_TIME, RUSH_TRANSFER_TIME = "08:50", "11:30"
CATERING_TIME, WASTE_TIME, ADJUST_TIME = "14:00", "23:10", "23:20"
# Counts are untimed: they come after the day's sales, which kebir issues untimed at the day's end.
KIND_RANK = {"receipt": 0, "transfer": 1, "issue": 2, "waste": 3, "adjustment": 4, "count": 5}
WEEKDAY_FACTOR = (780, 820, 880, 960, 1230, 1420, 1180)   # restaurant trade by weekday, per mille
WASTE_MEMOS = ("spoiled", "past its best", "dropped in service", "failed quality check")
SAUCE_POLICY = Policy("average", True, (), (MON, THU), 20, 50, 2)
SCALE = 10**9


@dataclass
class PurchaseOrder:
    supplier: str                  # SupplierSpec.key
    location: str
    date: dt.date
    due: dt.date
    currency: str
    lines: dict[str, int] = field(default_factory=dict)    # item -> quantity (thousandths)
    prices: dict[str, int] = field(default_factory=dict)   # item -> price (minor units)
    status: str = "closed"
    id: str = ""
    memo: str = ""


@dataclass
class Move:
    date: dt.date
    time: str
    kind: str
    item: str
    location: str
    quantity: int                  # thousandths; signed for adjustments
    to_location: str = ""
    unit_cost: int = -1            # 1/10000 of the currency; -1: none
    currency: str = ""
    document: PurchaseOrder | str = ""
    memo: str = ""


@dataclass
class Run:
    date: dt.date
    time: str
    item: str
    quantity: int                  # thousandths made
    memo: str = ""
    id: str = ""


def at(clock: str, minutes: int) -> str:
    h, m = divmod(int(clock[:2]) * 60 + int(clock[3:]) + minutes, 60)
    return f"{h:02d}:{m:02d}"


class StockSim:
    """Day-by-day stock per item and location, in integer thousandths.

    The restaurants' usage is what kebir derives from their Z-reports through the recipes (the
    sim takes exactly that, at the end of the day) plus what the kitchen uses beyond the recipes,
    which only the month-end count shows. Each day: receipts (early morning), transfers from MTF
    to the restaurants, sauce production runs at MTF, rush purchases and transfers for what would
    run short, catering deliveries (issued as menus, exploded by kebir), waste, adjustments, the
    day's sales, the month-end count, then the evening's purchase orders for the next deliveries.
    Nothing leaves a location that is not there, so stock never goes negative.
    """

    def __init__(self, rng: random.Random, sales_orders: list[SalesOrder], menu: Menu,
                 tills: dict[tuple[str, dt.date], Till]) -> None:
        self.rng = rng
        self.menu = menu
        self.items = {i.id: i for i in ITEMS}
        self.sauces = [s[0] for s in SAUCES]
        self.category = {i.id: i.category for i in ITEMS} | {s: "sauce" for s in self.sauces}
        self.units = {i.id: i.unit for i in ITEMS} | {s[0]: s[2] for s in SAUCES}
        self.suppliers = {s.key: s for s in SUPPLIERS}
        self.taken = {key: menu.take(till.taken()) for key, till in tills.items() if key[1] >= START}
        stock_ids = [i.id for i in ITEMS] + self.sauces
        keys = [(i, loc) for i in stock_ids for loc in LOC_IDS]
        self.on_hand = dict.fromkeys(keys, 0)      # what the book says
        self.hidden = dict.fromkeys(keys, 0)       # used beyond the recipes since the last count
        self.on_order = dict.fromkeys(keys, 0)
        self.moves: list[Move] = []
        self.runs: list[Run] = []
        self.orders: list[PurchaseOrder] = []
        self.arrivals: dict[dt.date, list[tuple[PurchaseOrder, dict[str, int], str]]] = {}
        self.standing: dict[tuple[str, str, dt.date], PurchaseOrder] = {}
        self.events: dict[dt.date, list[tuple[SalesOrder, str, int, dict[str, int]]]] = {}
        self.event_need: dict[tuple[dt.date, str], int] = {}
        for so in sales_orders:
            if so.status != "closed":
                continue
            for menu_item, portions, _, _ in so.lines:
                need = menu.take({menu_item: portions * 1000})
                self.events.setdefault(so.due, []).append((so, menu_item, portions, need))
                for item, q in need.items():
                    self.event_need[(so.due, item)] = self.event_need.get((so.due, item), 0) + q
        # Mean use per day (book quantities) per item, location and month, from the menu.
        self.use: dict[tuple[str, str, int], int] = {}
        avg_weekday = sum(WEEKDAY_FACTOR) // 7
        for month in MONTHS:
            mid = dt.date(YEAR, month, 15)
            for loc in RESTAURANTS:
                n = LOC_IDS.index(loc)
                sold = {item: means[n] * 1000 * SALES_SEASON[loc][month - 1] // 1000 * avg_weekday // 1000
                        for item, _t, *means in menu.sold if means[n] and menu.on_menu(item, mid)}
                for item, q in menu.take(sold).items():
                    self.use[(item, loc, month)] = q
            for sauce in self.sauces:
                made = sum(self.use.get((sauce, loc, month), 0) for loc in RESTAURANTS)
                for item, q in menu.run_takes(sauce, made).items():
                    self.use[(item, "MTF", month)] = self.use.get((item, "MTF", month), 0) + q
        in_events = {item for _day, item in self.event_need}
        self.kept: dict[str, tuple[str, ...]] = {}
        for item in stock_ids:
            used = [loc for loc in LOC_IDS if any(self.use.get((item, loc, m)) for m in MONTHS)]
            if (self.policy(item).via_mtf and used) or item in in_events:
                used.append("MTF")
            self.kept[item] = tuple(loc for loc in LOC_IDS if loc in used)
        self.adjustments = self.plan_adjustments()
        self.rushes: list[tuple[str, str]] = []

    # ---- quantities
    def policy(self, item: str) -> Policy:
        return SAUCE_POLICY if item in self.sauces else POLICIES[self.category[item]]

    def in_season(self, item: ItemSpec, day: dt.date) -> bool:
        return not item.months or day.month in item.months

    def mean(self, item: str, loc: str, day: dt.date) -> int:
        """Mean use on a day like `day`: the recipes' share, and what the kitchen uses beyond them."""
        q = self.use.get((item, loc, day.month), 0)
        return q + q * OVERUSE[self.category[item]] // 1000 if loc in RESTAURANTS else q

    def physical(self, key: tuple[str, str]) -> int:
        return self.on_hand[key] - self.hidden[key]

    def grain(self, item: str) -> int:
        return 1000 if self.units[item] in COUNTED_UNITS else 1

    def order_step(self, item: ItemSpec) -> int:
        return item.step or {"kg": 500, "l": 1000}.get(item.unit, 1000)

    def price(self, item: ItemSpec, day: dt.date) -> int:
        supplier = self.suppliers[item.supplier]
        if supplier.currency != "TRY":
            return vary(self.rng, item.price * inflation(day, 3) // 1000, 985, 1020)
        swing = (850, 1150) if item.category in ("fish", "seafood", "produce") else (970, 1030)
        return max(1, vary(self.rng, item.price * inflation(day, 24) // 1000, *swing))

    def move(self, day: dt.date, clock: str, kind: str, item: str, loc: str, quantity: int, **kw: Any) -> None:
        self.moves.append(Move(day, clock, kind, item, loc, quantity, **kw))

    def need_today(self, day: dt.date, loc: str) -> dict[str, int]:
        """What the day's sales take at a restaurant (book), and what the kitchen really uses."""
        return self.taken.get((loc, day), {})

    def extra(self, item: str, q: int) -> int:
        """Used beyond the recipes on top of `q` (hidden until the count)."""
        return q * OVERUSE[self.category[item]] * self.rng.randint(500, 1500) // 1_000_000

    # ---- the simulation
    def run(self) -> None:
        self.place_orders(START, START, initial=True)
        for day in DAYS:
            self.receive(day)
            self.produce(day, self.plan_runs(day))
            self.transfer(day)
            self.rescue(day)
            self.cater(day)
            self.spoil(day)
            self.adjust(day)
            self.sell(day)
            if day == month_end(day.year, day.month):
                self.count(day)
            self.place_orders(day, day + ONE_DAY)
        for po in self.orders:
            if po.due > END and po.status == "closed":
                po.status = "open"

    def receive(self, day: dt.date) -> None:
        for po, lines, clock in self.arrivals.pop(day, []):
            for item_id in sorted(lines):
                q = lines[item_id]
                key = (item_id, po.location)
                self.on_order[key] -= q
                if po.status == "cancelled":
                    continue
                self.on_hand[key] += q
                self.move(day, clock, "receipt", item_id, po.location, q, unit_cost=po.prices[item_id] * 100,
                          currency=po.currency, document=po)

    def plan_runs(self, day: dt.date) -> dict[str, int]:
        """Sauce batches to cook today at MTF: enough for the restaurants until the run after next
        and the catering of the coming days."""
        if day.weekday() not in SAUCE_RUN_DAYS:
            return {}
        runs = {}
        horizon = (next_weekday(next_weekday(day, SAUCE_RUN_DAYS), SAUCE_RUN_DAYS) - day).days + 1
        for sauce in self.sauces:
            want = sum(self.mean(sauce, loc, day + dt.timedelta(days=n)) for loc in RESTAURANTS for n in range(horizon))
            want += sum(self.event_need.get((day + dt.timedelta(days=n), sauce), 0) for n in range(horizon))
            have = sum(self.physical((sauce, loc)) for loc in LOC_IDS)
            if want > have:
                batch = self.menu.usable(sauce)
                runs[sauce] = -(-(want - have) // batch) * batch
        return runs

    def transfer(self, day: dt.date) -> None:
        for item in [i.id for i in ITEMS] + self.sauces:
            pol = self.policy(item)
            if not pol.via_mtf or (day.weekday() not in pol.transfer_days and day != START):
                continue
            step = 1000 if self.units[item] in COUNTED_UNITS else 100
            nxt = next_weekday(day, pol.transfer_days)
            for loc in RESTAURANTS:
                daily = self.mean(item, loc, day)
                if not daily:
                    continue
                key = (item, loc)
                position = self.physical(key)
                need = daily * (nxt - day).days
                if position >= need + daily * pol.reorder // 10:
                    continue
                want = -(-(need + daily * pol.cover // 10 - position) // step) * step
                spare = self.physical((item, "MTF")) - self.event_need.get((day, item), 0)
                q = min(want, max(0, spare) // step * step)
                if q > 0:
                    self.shift(day, TRANSFER_TIME[loc], item, loc, q)

    def shift(self, day: dt.date, clock: str, item: str, loc: str, q: int) -> None:
        self.on_hand[(item, "MTF")] -= q
        self.on_hand[(item, loc)] += q
        self.move(day, clock, "transfer", item, "MTF", q, to_location=loc)

    def rush(self, day: dt.date, item_id: str, loc: str, short: int) -> None:
        """Buy what would run short, delivered the same morning (a rush order to the usual supplier;
        the Greek oil and olives from the wholesaler)."""
        item = self.items[item_id]
        spec = self.suppliers[item.supplier]
        if spec.currency != "TRY":
            spec = self.suppliers["dry"]
            price = max(1, vary(self.rng, item.price * RATE_WALKS[0][1] // 10000 * inflation(day, 24) // 1000,
                                1100, 1200))
        else:
            price = self.price(item, day)
        step = self.order_step(item)
        q = -(-short // step) * step
        po = PurchaseOrder(spec.key, loc, day, day, "TRY", {item_id: q}, {item_id: price}, memo="rush order")
        self.orders.append(po)
        self.on_hand[(item_id, loc)] += q
        self.move(day, RUSH_TIME, "receipt", item_id, loc, q, unit_cost=price * 100, currency="TRY", document=po)
        self.rushes.append((item_id, loc))

    def ensure_mtf(self, day: dt.date, needs: dict[str, int]) -> None:
        for item, q in sorted(needs.items()):
            short = q - self.physical((item, "MTF"))
            if short > 0 and item in self.sauces:     # an extra batch
                batch = self.menu.usable(item)
                self.produce(day, {item: -(-short // batch) * batch}, RUSH_RUN_TIME)
            elif short > 0:
                self.rush(day, item, "MTF", short)

    def produce(self, day: dt.date, runs: dict[str, int], clock: str = RUN_TIME) -> None:
        needs: dict[str, int] = {}
        for sauce, made in runs.items():
            for item, q in self.menu.run_takes(sauce, made).items():
                needs[item] = needs.get(item, 0) + q
        for item, q in needs.items():          # catering later today needs its share too
            needs[item] = q + self.event_need.get((day, item), 0)
        self.ensure_mtf(day, needs)
        for sauce, made in sorted(runs.items()):
            for item, q in self.menu.run_takes(sauce, made).items():
                self.on_hand[(item, "MTF")] -= q
            self.on_hand[(sauce, "MTF")] += made
            self.runs.append(Run(day, clock, sauce, made, "sauces for the restaurants" if clock == RUN_TIME
                                 else "extra batch"))

    def rescue(self, day: dt.date) -> None:
        """What a restaurant would run short of today comes from MTF (cooking an extra batch of a
        sauce if need be) or, for what MTF does not hold, by rush order."""
        for loc in RESTAURANTS:
            for item, q in self.need_today(day, loc).items():
                key = (item, loc)
                short = q + self.extra(item, q) * 2 - self.physical(key)
                if short <= 0:
                    continue
                if item in self.sauces:
                    spare = self.physical((item, "MTF")) - self.event_need.get((day, item), 0)
                    if spare < short:
                        batch = self.menu.usable(item)
                        self.produce(day, {item: -(-(short - max(0, spare)) // batch) * batch}, RUSH_RUN_TIME)
                    self.shift(day, RUSH_TRANSFER_TIME, item, loc, short)
                elif self.policy(item).via_mtf and \
                        self.physical((item, "MTF")) - self.event_need.get((day, item), 0) >= short:
                    self.shift(day, RUSH_TRANSFER_TIME, item, loc, short)
                else:
                    self.rush(day, item, loc, short)
        needs = {item: q for (d, item), q in self.event_need.items() if d == day}
        self.ensure_mtf(day, needs)

    def cater(self, day: dt.date) -> None:
        """Catering deliveries: one issue per order and menu, which kebir explodes through the recipe."""
        for so, menu_item, portions, need in self.events.get(day, []):
            for item, q in need.items():
                self.on_hand[(item, "MTF")] -= q
                assert self.physical((item, "MTF")) >= 0, (day, item)
            self.move(day, CATERING_TIME, "issue", menu_item, "MTF", portions * 1000, document=so.id,
                      memo="catering delivery")

    def sell(self, day: dt.date) -> None:
        """The day's sales, as kebir issues them from the Z-reports; the kitchen uses a little more."""
        for loc in RESTAURANTS:
            for item, q in self.need_today(day, loc).items():
                key = (item, loc)
                extra = min(self.extra(item, q), self.physical(key) - q)
                self.on_hand[key] -= q
                self.hidden[key] += max(0, extra)
                assert self.physical(key) >= 0, (day, key)

    def spoil(self, day: dt.date) -> None:
        for item in [i.id for i in ITEMS] + self.sauces:
            chance = self.policy(item).waste
            if not chance:
                continue
            spec = self.items.get(item)
            for loc in self.kept[item]:
                key = (item, loc)
                want = self.need_today(day, loc).get(item, 0) if loc in RESTAURANTS else 0
                have = self.physical(key) - want - self.extra(item, want) * 2
                if have <= 0:
                    continue
                season_over = spec is not None and not self.in_season(spec, day) and \
                    not self.in_season(spec, day + dt.timedelta(days=7))
                if season_over and not self.event_need.get((day + ONE_DAY, item)):
                    q, memo = have, "end of season, discarded"
                elif self.rng.randrange(1000) < chance:
                    grain = self.grain(item)
                    q, memo = have * self.rng.randint(5, 25) // 100 // grain * grain, self.rng.choice(WASTE_MEMOS)
                else:
                    continue
                if q > 0:
                    self.on_hand[key] -= q
                    self.move(day, WASTE_TIME, "waste", item, loc, q, memo=memo)

    def plan_adjustments(self) -> dict[dt.date, list[tuple[str, str, int]]]:
        rng = self.rng
        plan: dict[dt.date, list[tuple[str, str, int]]] = {}
        stable = [i for i in ITEMS if i.category in ("dry", "drinks", "oil", "dairy") and self.kept[i.id]]
        for _ in range(14):
            day = random_day(rng, d("2025-01-10"), d("2025-12-20"))
            item = rng.choice(stable)
            plan.setdefault(day, []).append((item.id, rng.choice(self.kept[item.id]), rng.choice((-1, -1, 1))))
        return plan

    def adjust(self, day: dt.date) -> None:
        reasons = {-1: ("breakage", "damaged in storage", "receiving error corrected"),
                   1: ("found in storage", "receiving error corrected", "supplier sent extra")}
        for item_id, loc, sign in self.adjustments.get(day, []):
            key = (item_id, loc)
            size = self.rng.randint(1, 4) * 1000 if self.units[item_id] in COUNTED_UNITS else \
                self.rng.randint(2, 20) * 100
            if sign < 0:
                want = self.need_today(day, loc).get(item_id, 0) if loc in RESTAURANTS else 0
                free = self.physical(key) - want - self.extra(item_id, want) * 2
                size = min(size, max(0, free) // self.grain(item_id) * self.grain(item_id))
                if not size:
                    sign, size = 1, self.grain(item_id)
            self.on_hand[key] += sign * size
            self.move(day, ADJUST_TIME, "adjustment", item_id, loc, sign * size,
                      memo=self.rng.choice(reasons[sign]))

    def count(self, day: dt.date) -> None:
        """The month-end count (untimed: after the day's sales) finds what is really there."""
        for item in [i.id for i in ITEMS] + self.sauces:
            grain = self.grain(item)
            for loc in self.kept[item]:
                key = (item, loc)
                if not self.on_hand[key]:
                    continue
                real = self.physical(key)
                counted = max(0, real * self.rng.randint(997, 1003) // 1000) // grain * grain
                self.on_hand[key], self.hidden[key] = counted, 0
                self.move(day, "", "count", item, loc, counted, memo="month-end count")

    # ---- purchasing
    def place_orders(self, today: dt.date, delivery: dt.date, initial: bool = False) -> None:
        """The evening's orders for deliveries on `delivery` (on 1 January: the opening stock)."""
        for spec in SUPPLIERS:
            if not spec.deliveries and spec.key != "greek":
                continue
            if spec.key == "greek":
                due = GREEK_DELIVERIES[0] if initial else today + GREEK_LEAD
                if not initial and due not in GREEK_DELIVERIES:
                    continue
                nxt = GREEK_DELIVERIES[GREEK_DELIVERIES.index(due) + 1] if due != GREEK_DELIVERIES[-1] else (
                    due + dt.timedelta(days=30))
            else:
                if not initial and delivery.weekday() not in spec.deliveries:
                    continue
                due, nxt = delivery, next_weekday(delivery, spec.deliveries)
            standing = spec.key == "bakery"
            if standing and due > END:
                continue
            for loc in LOC_IDS:
                lines = {}
                for item in ITEMS:
                    if item.supplier != spec.key or loc not in self.kept[item.id]:
                        continue
                    if self.policy(item.id).via_mtf and loc != "MTF":
                        continue
                    q = self.order_quantity(item, loc, today, due, nxt)
                    if q:
                        lines[item.id] = q
                if lines:
                    self.book_order(spec, loc, today, due, lines, standing)

    def expected(self, item: str, locs: tuple[str, ...], first: dt.date, tenths: int) -> int:
        """Mean use at `locs` over `tenths` tenths of a day from `first`, following the season."""
        total = 0
        for n in range(-(-tenths // 10)):
            share = min(10, tenths - 10 * n)
            total += sum(self.mean(item, x, first + dt.timedelta(days=n)) for x in locs) * share // 10
        return total

    def order_quantity(self, item: ItemSpec, loc: str, today: dt.date, due: dt.date, nxt: dt.date) -> int:
        """Order up to the use until the next delivery plus a cover, when stock falls below a reorder point."""
        pol = self.policy(item.id)
        locs = LOC_IDS if pol.via_mtf else (loc,)
        window = (nxt - due).days
        events = sum(self.event_need.get((due + dt.timedelta(days=n), item.id), 0) for n in range(window)) \
            if loc == "MTF" else 0
        need = self.expected(item.id, locs, due, 10 * window) + events
        if loc == "MTF" and not pol.via_mtf and due.weekday() in SAUCE_RUN_DAYS:   # sauces cooked in bulk
            need += self.expected(item.id, ("MTF",), due, 40)
        if not need:
            return 0
        lead = max(0, (due - today).days - 1) * 10          # used before the delivery arrives
        lead_events = sum(self.event_need.get((today + dt.timedelta(days=n), item.id), 0)
                          for n in range(1, max(1, (due - today).days))) if loc == "MTF" else 0
        position = sum(self.physical((item.id, x)) + self.on_order[(item.id, x)] for x in locs) \
            - self.expected(item.id, locs, today + ONE_DAY, lead) - lead_events
        if pol.via_mtf:   # MTF also refills the restaurants' own buffers from what it holds
            need += self.expected(item.id, RESTAURANTS, nxt, pol.cover)
        if position >= need + self.expected(item.id, locs, nxt, pol.reorder):
            return 0
        step = self.order_step(item)
        return -(-(need + self.expected(item.id, locs, nxt, pol.cover) - position) // step) * step

    def book_order(self, spec: SupplierSpec, loc: str, today: dt.date, due: dt.date, lines: dict[str, int],
                   standing: bool) -> None:
        clock = at(spec.arrives, self.rng.randint(0, 25))
        if standing:   # the bakery works on one order a week per location, delivered daily
            week = due - dt.timedelta(days=due.weekday())
            po = self.standing.get((spec.key, loc, week))
            if po is None:
                po = PurchaseOrder(spec.key, loc, today, due, spec.currency)
                po.prices = {i: self.price(self.items[i], today) for i in ("BRD-EKMEK", "BRD-PIDE")}
                self.standing[(spec.key, loc, week)] = po
                self.orders.append(po)
            po.due = due
            for item_id, q in lines.items():
                po.lines[item_id] = po.lines.get(item_id, 0) + q
        else:
            po = PurchaseOrder(spec.key, loc, today, due, spec.currency, dict(lines),
                               {i: self.price(self.items[i], today) for i in sorted(lines)})
            if self.rng.randrange(1000) < 3:
                po.status = "cancelled"
            self.orders.append(po)
        for item_id, q in lines.items():
            self.on_order[(item_id, loc)] += q
        self.arrivals.setdefault(due, []).append((po, lines, clock))


# --------------------------------------------------------------------------- commercial documents

def terms_days(terms: str) -> int:
    return int(terms[3:]) if terms.startswith("net") else 0


@dataclass
class Advance:
    so: SalesOrder
    date: dt.date
    amount: int
    account: str
    id: str = ""


@dataclass
class CreditNote:
    invoice: Invoice
    date: dt.date
    item: str
    quantity: int
    price: int
    memo: str
    id: str = ""

    @property
    def gross(self) -> int:
        net = self.quantity * self.price
        return net + percent_of(net, 10)


@dataclass
class Invoice:
    so: SalesOrder
    date: dt.date
    due: dt.date
    explicit_due: bool
    advance: Advance | None = None
    credit: CreditNote | None = None
    rep: str = ""                  # credited with the sale: the customer's CRM owner on the invoice date
    id: str = ""

    @property
    def party(self) -> str:
        return self.so.party

    @property
    def currency(self) -> str:
        return self.so.currency

    def open_after_credits(self) -> int:
        return self.so.gross() - (self.advance.amount if self.advance else 0) - (
            self.credit.gross if self.credit else 0)


@dataclass
class Payment:
    party: str
    date: dt.date
    currency: str
    account: str
    allocations: list[tuple[Any, int]]        # (Invoice or SupplierInvoice, amount)
    memo: str = ""
    id: str = ""

    @property
    def amount(self) -> int:
        return sum(a for _, a in self.allocations)


@dataclass
class SupplierInvoice:
    supplier: str                              # SupplierSpec.key
    party: str
    date: dt.date
    currency: str
    lines: list[Record]                        # as written
    net: int
    gross: int
    stock_net: int                             # the stock lines' net (the import VAT base)
    number: str
    po: PurchaseOrder | None = None
    memo: str = ""
    id: str = ""

    @property
    def due(self) -> dt.date:
        return self.date + dt.timedelta(days=terms_days(SUPPLIER_SPECS[self.supplier].terms))


SUPPLIER_SPECS = {s.key: s for s in SUPPLIERS}
PAYMENT_RUN_DAY = FRI                        # suppliers are paid in a weekly run
OVEN_EUR = 1875000                           # the combi oven, EUR 18,750.00
FORCED_OPEN = (  # invoices left unpaid at the year end, so the aging has every bucket: due window
    (d("2025-08-01"), d("2025-09-20")),          # 90+ days late on 31 December
    (d("2025-10-05"), d("2025-10-28")),          # 61-90
    (d("2025-11-04"), d("2025-11-27")),          # 31-60
)
CREDIT_STEPS = tuple(n * 100000 for n in (50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000,
                                          5000))   # the credit limits the finance team grants (kuruş)


class Documents:
    """The sales and purchase documents that post the year: invoices, deposits, credit notes and
    payments for the catering orders; supplier invoices and payments for the purchase orders."""

    def __init__(self, rng: random.Random, rates: dict[tuple[dt.date, str], int], contacts: Contacts,
                 sales_orders: list[SalesOrder], sim: StockSim) -> None:
        self.rng, self.rates, self.contacts = rng, rates, contacts
        self.sales_orders = [so for so in sales_orders if so.date <= END]
        self.sim = sim
        self.customers = {c["id"]: c for c in contacts.customers}
        self.invoices: list[Invoice] = []
        self.advances: list[Advance] = []
        self.credits: list[CreditNote] = []
        self.payments: list[Payment] = []
        self.supplier_invoices: list[SupplierInvoice] = []
        self.supplier_payments: list[Payment] = []
        self.mtf_cards: dict[dt.date, int] = {}
        self.transfers: list[tuple[dt.date, str, int]] = []     # supplier payments: day, bank, TRY amount
        self.behaviour: dict[str, str] = {}
        self.forced_open: list[str] = []          # customers of the invoices left unpaid on purpose
        self.over_limit: list[str] = []           # customers that passed their credit limit in the year
        owner = {r["id"]: r["owner"] for r in contacts.companies + contacts.people if r.get("owner")}
        crm_of: dict[str, str] = {}
        for crm, erp in [(lk["crm"], lk["erp"]) for lk in contacts.links] + [
                tuple(p) for p in contacts.truth["crm_erp"]]:
            if erp.startswith("CU-"):
                crm_of.setdefault(erp, crm)
        for cluster in contacts.truth["within_erp"]:
            known = [crm_of[c] for c in cluster if c in crm_of]
            for c in cluster:
                if known:
                    crm_of.setdefault(c, known[0])
        self.crm_owner = {cu: owner[crm] for cu, crm in crm_of.items() if crm in owner}

    # ---- helpers
    def rep(self, customer: str, day: dt.date) -> str:
        """The employee who owns the customer in the CRM (the June handover applied)."""
        rep = self.crm_owner.get(customer) or (
            COORDINATOR if self.customers[customer]["kind"] == "person" else SALES_MANAGER)
        return OLD_REP if rep == NEW_REP and day < d("2025-06-02") else rep

    def is_person(self, customer: str) -> bool:
        return self.customers[customer]["kind"] == "person"

    def build(self) -> None:
        self.catering()
        self.purchasing()
        self.number()
        self.credit_limits()

    # ---- catering
    def catering(self) -> None:
        rng = self.rng
        self.to_eur(rng.choice([so for so in self.sales_orders if so.status == "closed"
                                and not self.is_person(so.party) and d("2025-09-01") <= so.due <= d("2025-11-15")
                                and so.memo.startswith("Gala")]))
        for so in self.sales_orders:
            so.rep = self.rep(so.party, so.date)
            if so.status in ("draft", "cancelled"):
                continue
            person = self.is_person(so.party)
            advance = None
            wants = 65 if person else 25 if so.memo.startswith(("Gala", "New Year", "Wedding")) else 0
            if so.status == "open" and wants:
                wants = 100                           # next year's big events are booked with a deposit
            if so.currency == "TRY" and rng.randint(1, 100) <= wants:
                card = person and rng.randint(0, 1) == 1
                day = so.date + dt.timedelta(days=rng.randint(0, 3))
                day = day if card else bank_day_from(day)
                amount = so.gross() * 30 // 100 // 100000 * 100000
                if day < so.due and day <= END and amount:
                    advance = Advance(so, day, amount, CARD_ACCOUNT["MTF"] if card else BANK_TRY)
                    self.advances.append(advance)
                    if card:
                        self.mtf_cards[day] = self.mtf_cards.get(day, 0) + amount
            if so.status != "closed":
                continue                              # the event is next year: the deposit waits on 340
            terms = self.customers[so.party]["payment_terms"]
            explicit = not person and rng.randint(1, 100) <= 25
            due = so.due + dt.timedelta(days=21 if explicit else terms_days(terms))
            self.invoices.append(Invoice(so, so.due, due, explicit, advance, rep=self.rep(so.party, so.due)))
        # Fewer guests came than were billed: three credit notes.
        candidates = [i for i in self.invoices if not self.is_person(i.party) and i.currency == "TRY"
                      and i.advance is None and d("2025-02-01") <= i.date <= d("2025-10-31")]
        for inv in sorted(rng.sample(candidates, 3), key=lambda i: i.date):
            item, guests, price, _ = inv.so.lines[0]
            missing = max(5, guests * rng.randint(4, 10) // 100 // 5 * 5)
            inv.credit = CreditNote(inv, inv.date + dt.timedelta(days=rng.randint(2, 6)), item, missing, price,
                                    f"Eksik katılım: {missing} kişi faturalanandan az geldi")
            self.credits.append(inv.credit)
        self.customer_payments()

    def to_eur(self, so: SalesOrder) -> None:
        """A foreign organiser's gala, contracted and invoiced in EUR."""
        rate = self.rates[(so.date, "EUR")]
        lines = []
        for item, portions, price, discount in so.lines:
            eur = price * 10000 // rate // 50 * 50
            lines.append((item, portions, eur, percent_of(eur * portions, 5) if discount else 0))
        so.lines, so.currency = lines, "EUR"
        so.memo += " (contract in EUR)"

    def customer_payments(self) -> None:
        rng = self.rng
        events: list[tuple[dt.date, Invoice, int, str]] = []
        for inv in self.invoices:
            party = inv.party
            if party not in self.behaviour:
                self.behaviour[party] = rng.choices(("prompt", "slow", "late"), (70, 22, 8))[0]
            left = inv.open_after_credits()
            if self.is_person(party):
                card = rng.randint(0, 1) == 1
                day = inv.date + dt.timedelta(days=rng.randint(0, 7))
                account = CARD_ACCOUNT["MTF"] if card else ""
                events.append((day if card else bank_day_from(day), inv, left, account))
                continue
            lo, hi = {"prompt": (-6, 3), "slow": (5, 40), "late": (35, 110)}[self.behaviour[party]]
            day = bank_day_from(max(inv.due + dt.timedelta(days=rng.randint(lo, hi)), inv.date + ONE_DAY))
            if inv.credit:
                day = max(day, bank_day_from(inv.credit.date + ONE_DAY))
            account = BANK_EUR if inv.currency == "EUR" else ""
            first = left * rng.randint(40, 60) // 100 // 100000 * 100000
            if inv.currency == "EUR":   # half a month after the gala, the rest in January (FX realized on half)
                half = left // 2 // 10000 * 10000
                events.append((bank_day_from(inv.date + dt.timedelta(days=30)), inv, half, account))
                events.append((bank_day_from(d(f"{YEAR + 1}-01-15")), inv, left - half, account))
            elif first and rng.randint(1, 100) <= 12:      # paid in two instalments
                events.append((day, inv, first, account))
                events.append((bank_day_from(day + dt.timedelta(days=rng.randint(20, 45))), inv, left - first,
                               account))
            else:
                events.append((day, inv, left, account))
        # A few invoices are still unpaid at the year end, in every aging bucket.
        for low, high in FORCED_OPEN:
            pick = rng.choice([i for i in self.invoices if not self.is_person(i.party) and i.currency == "TRY"
                               and i.credit is None and low <= i.due <= high and i.party not in self.forced_open])
            events = [e for e in events if e[1] is not pick]
            self.forced_open.append(pick.party)
        events = [e for e in events if e[0] <= END and e[2] > 0]
        events.sort(key=lambda e: (e[0], e[1].date, e[1].so.id))
        # Companies often pay two invoices with one transfer.
        by_party: dict[tuple[str, str], list[tuple[dt.date, Invoice, int, str]]] = {}
        for e in events:
            by_party.setdefault((e[1].party, e[3]), []).append(e)
        for (party, account), evs in sorted(by_party.items()):
            groups: list[list[tuple[dt.date, Invoice, int, str]]] = []
            for e in evs:
                if (groups and not self.is_person(party) and (e[0] - groups[-1][-1][0]).days <= 10
                        and all(x[1] is not e[1] for x in groups[-1]) and rng.randint(1, 100) <= 60):
                    groups[-1].append(e)
                else:
                    groups.append([e])
            for g in groups:
                day = max(e[0] for e in g)
                inv = g[0][1]
                self.payments.append(Payment(party, day, inv.currency, account or BANK_TRY,
                                             [(e[1], e[2]) for e in g]))
                if account == CARD_ACCOUNT["MTF"]:
                    self.mtf_cards[day] = self.mtf_cards.get(day, 0) + sum(e[2] for e in g)

    # ---- purchasing
    def purchasing(self) -> None:
        sup = self.contacts.supplier_ids
        items = {i.id: i for i in ITEMS}
        received: dict[str, dict[str, int]] = {}
        last: dict[str, dt.date] = {}
        orders = {po.id: po for po in self.sim.orders}
        for m in self.sim.moves:
            if m.kind == "receipt" and isinstance(m.document, PurchaseOrder):
                po = m.document
                received.setdefault(po.id, {})
                received[po.id][m.item] = received[po.id].get(m.item, 0) + m.quantity
                last[po.id] = max(last.get(po.id, m.date), m.date)
        serial: dict[str, int] = {}
        for po_id in sorted(received):
            po = orders[po_id]
            spec = SUPPLIER_SPECS[po.supplier]
            foreign = po.currency != "TRY"
            lines, net, gross, stock_net = [], 0, 0, 0
            for item_id in sorted(received[po_id]):
                q, price = received[po_id][item_id], po.prices[item_id]
                vat_pct = 0 if foreign else int(items[item_id].vat)      # import VAT is paid at customs
                line_net = half_up(q * price, 1000)
                counted = items[item_id].unit in COUNTED_UNITS
                lines.append({"item": item_id, "quantity": str(q // 1000) if counted else qty(q),
                              "price": money(price), "vat_rate": str(vat_pct)})
                net += line_net
                stock_net += line_net
                gross += line_net + percent_of(line_net, vat_pct)
            if po.supplier == "greek":
                lines.append({"item": SERVICE_ITEMS[0][0], "quantity": "1", "price": money(FREIGHT_EUR),
                              "vat_rate": "0"})
                net += FREIGHT_EUR
                gross += FREIGHT_EUR
            n = serial[po.supplier] = serial.get(po.supplier, 0) + 1
            number = (f"KE-{YEAR}/{n:04d}" if po.supplier == "greek" else
                      f"{fold(spec.name)[:3].upper()}{YEAR}{n * 7 + 100:09d}")
            memo = "Haftalık ekmek siparişi" if po.supplier == "bakery" else ""
            self.supplier_invoices.append(SupplierInvoice(po.supplier, sup[po.supplier], last[po_id], po.currency,
                                                          lines, net, gross, stock_net, number, po, memo))
        self.oven = SupplierInvoice("oven", sup["oven"], d("2025-03-10"), "EUR", [
            {"account": "255.01", "description": "Kombi fırın, 10 tepsi", "quantity": "1",
             "price": money(OVEN_EUR), "vat_rate": "0"}], OVEN_EUR, OVEN_EUR, 0, "FV-2025-0311",
            memo="Kombi fırın - Forni Veneti")
        self.supplier_invoices.append(self.oven)
        self.imports = [si for si in self.supplier_invoices if si.supplier == "greek"]
        self.supplier_payments.append(Payment(self.oven.party, d("2025-04-09"), "EUR", BANK_EUR,
                                              [(self.oven, OVEN_EUR)], "Forni Veneti fatura ödemesi (EUR)"))
        # The weekly payment run pays every supplier invoice that has fallen due.
        unpaid = sorted((si for si in self.supplier_invoices if si is not self.oven),
                        key=lambda si: (si.party, si.date, si.number))
        for day in DAYS:
            if day.weekday() != PAYMENT_RUN_DAY:
                continue
            run = bank_day_until(day)
            due = [si for si in unpaid if si.due <= run]
            unpaid = [si for si in unpaid if si.due > run]
            by_party: dict[str, list[SupplierInvoice]] = {}
            for si in due:
                by_party.setdefault(si.party, []).append(si)
            for party, sis in sorted(by_party.items()):
                bank = BANK_EUR if sis[0].currency == "EUR" else BANK_TRY
                self.supplier_payments.append(Payment(party, run, sis[0].currency, bank,
                                                      [(si, si.gross) for si in sis], "Tedarikçi ödeme talimatı"))
        for sp in self.supplier_payments:
            self.transfers.append((sp.date, sp.account, sp.amount if sp.currency == "TRY" else 0))

    # ---- ids, records
    def number(self) -> None:
        def give(docs: list[Any], prefix: str, key: Any) -> None:
            for n, doc in enumerate(sorted(docs, key=key), 1):
                doc.id = f"{prefix}-{YEAR}-{n:04d}"

        give(self.advances, "ADV", lambda a: (a.date, a.so.id))
        give(self.invoices, "INV", lambda i: (i.date, i.so.id))
        give(self.credits, "CN", lambda c: (c.date, c.invoice.so.id))
        give(self.payments, "PAY", lambda p: (p.date, p.party, p.allocations[0][0].so.id))
        give(self.supplier_invoices, "SI", lambda s: (s.date, s.party, s.number))
        give(self.supplier_payments, "SP", lambda p: (p.date, p.party, p.allocations[0][0].number))

    def credit_limits(self) -> None:
        """Credit limits the customers keep to: a limit below the customer's highest open balance of
        the year is raised to cover it, but for two customers (late payers first) that passed their
        limit during the year and were back under it by the year end, so `kebir validate` is clean."""
        rate = {inv.id: self.rates[(inv.date, "EUR")] for inv in self.invoices if inv.currency == "EUR"}
        base = lambda inv, amount: to_base(amount, rate[inv.id]) if inv.id in rate else amount  # noqa: E731
        deltas: dict[str, dict[dt.date, int]] = {}
        for inv in self.invoices:
            day = deltas.setdefault(inv.party, {})
            owed = inv.so.gross() - (inv.advance.amount if inv.advance else 0)
            day[inv.date] = day.get(inv.date, 0) + base(inv, owed)
            if inv.credit:
                day[inv.credit.date] = day.get(inv.credit.date, 0) - inv.credit.gross
        for p in self.payments:
            day = deltas.setdefault(p.party, {})
            day[p.date] = day.get(p.date, 0) - sum(base(inv, a) for inv, a in p.allocations)
        peak, year_end = {}, {}
        for party, days in deltas.items():
            running, peak[party] = 0, 0
            for day in sorted(days):
                running += days[day]
                peak[party] = max(peak[party], running)
            year_end[party] = running
        step = lambda amount: min(s for s in CREDIT_STEPS if s >= amount)  # noqa: E731
        limit = {cid: int(self.customers[cid]["credit_limit"].replace(".", "")) for cid in peak}
        passed = [c for c in sorted(peak) if year_end[c] <= limit[c] < peak[c]]
        self.over_limit = sorted(passed, key=lambda c: (c not in self.forced_open, c))[:2]
        for cid in sorted(peak):
            if cid not in self.over_limit and peak[cid] > limit[cid]:
                self.customers[cid]["credit_limit"] = money(step(peak[cid]))

    def paid_invoices(self) -> list[PaidInvoice]:
        """Each invoice as commission sees it: rep, net after credit notes (TRY), the day it was paid."""
        paid_so_far: dict[str, int] = {}
        paid_on: dict[str, dt.date] = {}
        for p in sorted(self.payments, key=lambda p: (p.date, p.id)):
            for inv, amount in p.allocations:
                paid_so_far[inv.id] = paid_so_far.get(inv.id, 0) + amount
                if paid_so_far[inv.id] == inv.open_after_credits() and p.date <= END:
                    paid_on[inv.id] = p.date
        out = []
        for inv in self.invoices:
            net = inv.so.net() - (inv.credit.quantity * inv.credit.price if inv.credit else 0)
            if inv.currency != "TRY":
                net = to_base(net, self.rates[(inv.date, inv.currency)])
            out.append(PaidInvoice(inv.id, inv.rep, Decimal(net).scaleb(-2), paid_on.get(inv.id)))
        return out

    def records(self) -> list[Record]:
        out: list[Record] = []
        for a in self.advances:
            rec = {"id": a.id, "kind": "advance", "date": iso(a.date), "party": a.so.party, "order": a.so.id,
                   "amount": money(a.amount), "memo": f"Kapora - {a.so.memo}"}
            if a.account != BANK_TRY:
                rec["account"] = a.account
            out.append(rec)
        for i in self.invoices:
            rec = {"id": i.id, "kind": "invoice", "date": iso(i.date), "party": i.party, "order": i.so.id,
                   "rep": i.rep, "location": "MTF", "currency": i.currency, "memo": i.so.memo,
                   "lines": i.so.line_records()}
            if i.explicit_due:
                rec["due"] = iso(i.due)
            if i.advance:
                rec["applies"] = [{"advance": i.advance.id, "amount": money(i.advance.amount)}]
            out.append(rec)
        for c in self.credits:
            out.append({"id": c.id, "kind": "credit-note", "date": iso(c.date), "party": c.invoice.party,
                        "invoice": c.invoice.id, "location": "MTF", "currency": "TRY", "memo": c.memo,
                        "lines": [{"item": c.item, "quantity": str(c.quantity), "price": money(c.price),
                                   "vat_rate": "10"}]})
        for p in self.payments:
            how = "Kredi kartı tahsilatı (Maltepe POS)" if p.account == CARD_ACCOUNT["MTF"] else \
                "Havale/EFT tahsilatı"
            rec = {"id": p.id, "kind": "payment", "date": iso(p.date), "party": p.party, "currency": p.currency,
                   "amount": money(p.amount), "memo": f"{how}: {', '.join(inv.id for inv, _ in p.allocations)}",
                   "allocations": [{"invoice": inv.id, "amount": money(a)} for inv, a in p.allocations]}
            if p.account != BANK_TRY:
                rec["account"] = p.account
            out.append(rec)
        for si in self.supplier_invoices:
            rec = {"id": si.id, "kind": "supplier-invoice", "date": iso(si.date), "party": si.party,
                   "number": si.number, "currency": si.currency, "lines": si.lines}
            if si.po is not None:
                rec |= {"order": si.po.id, "location": si.po.location}
            if si.memo:
                rec["memo"] = si.memo
            out.append(rec)
        for sp in self.supplier_payments:
            rec = {"id": sp.id, "kind": "supplier-payment", "date": iso(sp.date), "party": sp.party,
                   "currency": sp.currency, "amount": money(sp.amount), "memo": sp.memo,
                   "allocations": [{"invoice": si.id, "amount": money(a)} for si, a in sp.allocations]}
            if sp.account != BANK_TRY:
                rec["account"] = sp.account
            out.append(rec)
        return [r for r in out if r["date"] <= iso(END)]

    def counts(self) -> dict[str, int]:
        written = lambda docs: sum(1 for x in docs if x.date <= END)  # noqa: E731
        return {"advances": written(self.advances), "invoices": written(self.invoices),
                "credit notes": written(self.credits), "payments": written(self.payments),
                "supplier invoices": written(self.supplier_invoices),
                "supplier payments": written(self.supplier_payments)}


# --------------------------------------------------------------------------- payroll runs

class Payroll:
    """The monthly payroll runs (payroll/YYYY/YYYY-MM.yaml), computed with kebir's own payroll code
    (core.erp.payroll, docs/payroll.md) so the bank entries that pay them match what the runs derive.

    Everyone employed in the month has a line: the monthly gross, prorated on a 30-day month for a
    start or a leaving date inside it (`days` then says how many). Sales reps get 2% commission on
    the net of each catering invoice fully paid in the month, with that month's run (the invoice's
    rep: the customer's CRM owner on the invoice date); a rep who has left forfeits what is paid
    after the leaving month.
    """

    def __init__(self, employees: list[Record], documents: Documents) -> None:
        self.employees = employees
        self.staff = {e["id"]: Contact(e["id"], "erp", "employee", "person", e["name"],
                                       tuple((k, e[k]) for k in ("location", "hired", "left") if k in e))
                      for e in employees}
        self.documents = documents
        self.rules = PayrollRules.from_toml(payroll_table())     # as kebir reads books.toml
        self.runs: list[PayrollRun] = []
        self.results: dict[int, RunResult] = {}

    def build(self) -> None:
        paid = self.documents.paid_invoices()
        for month in MONTHS:
            first, last = dt.date(YEAR, month, 1), month_end(YEAR, month)
            period = f"{YEAR}-{month:02d}"
            lines = []
            for e in self.employees:
                hired, left = d(e["hired"]), d(e["left"]) if "left" in e else None
                if hired > last or (left and left < first):
                    continue
                start = hired.day if hired >= first else 1
                stop = min(left.day, 30) if left and left <= last else 30
                days = max(1, stop - start + 1)
                gross = half_up(int(e["gross_salary"].replace(".", "")) * days, 30)
                lines.append(PayrollLine(e["id"], Decimal(gross).scaleb(-2), days=days))
            earned = {rep: amount for rep, amount in commissions(paid, self.rules.commission_rate,
                                                                          period).items()
                      if not self.staff[rep].get("left") or d(self.staff[rep].get("left") or "") >= first}
            run = PayrollRun(f"PR-{period}", period, last, tuple(lines),
                                     memo=f"Bordro - {month_label(YEAR, month)}")
            self.runs.append(add_commissions(run, earned))
        for run in self.runs:
            ytd = ytd_before(self.runs, run, self.rules, self.staff)
            self.results[run.month] = compute_run(run, self.staff, self.rules, ytd)

    def totals(self, month: int) -> dict[str, int]:
        """What one month's run owes, in kuruş: net pay per location, withheld taxes, SGK."""
        result = self.results[month]
        out = {f"net:{loc}": 0 for loc in LOC_IDS}
        for slip in result.payslips:
            out[f"net:{slip.location}"] += minor(slip.net)
        t = result.totals
        out |= {"tax": minor(t.income_tax), "stamp": minor(t.stamp_tax), "sgk": minor(t.social_security),
                "gross": minor(t.gross), "net": minor(t.net)}
        return out

    def records(self) -> list[Record]:
        out = []
        for run in self.runs:
            lines = []
            for ln in run.lines:
                rec = {"employee": ln.employee, "gross": money(minor(ln.gross))}
                if ln.commission:
                    rec["commission"] = money(minor(ln.commission))
                if ln.days != 30:
                    rec["days"] = str(ln.days)
                lines.append(rec)
            out.append({"id": run.id, "period": run.period, "date": iso(run.date), "memo": run.memo, "lines": lines})
        return out


def minor(value: Decimal) -> int:
    return int(value.scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- journal entries

@dataclass
class Post:
    account: str
    side: str                  # debit | credit
    amount: int                # minor units of `currency`
    base: int                  # its value in TRY kuruş
    currency: str = "TRY"
    rate: int = 0              # written when set (1/10000 TRY); else kebir takes it from rates/
    show_base: bool = False
    contact: str = ""
    memo: str = ""

    def record(self) -> Record:
        rec: Record = {"account": self.account, self.side: money(self.amount)}
        if self.currency != "TRY":
            rec["currency"] = self.currency
            if self.rate:
                rec["rate"] = four(self.rate)
            if self.show_base:
                rec["base"] = money(self.base)
        if self.contact:
            rec["contact"] = self.contact
        if self.memo:
            rec["memo"] = self.memo
        return rec

    def row(self, entry: Entry) -> Record:
        row = {"entry_id": entry.id, "date": iso(entry.date), "memo": entry.memo, "account": self.account,
               self.side: money(self.amount), "currency": self.currency}
        if self.currency != "TRY" and self.rate:
            row["rate"] = four(self.rate)
        if self.currency != "TRY" and self.show_base:
            row["base"] = money(self.base)
        if self.contact:
            row["contact"] = self.contact
        if self.memo:
            row["posting_memo"] = self.memo
        return row


def vat_in(pct: int, amount: int) -> Post:
    """Input VAT at one rate, to that rate's 191 account (nothing at 0%)."""
    return Post(VAT_IN.get(pct, VAT_IN[20]), "debit", amount if pct else 0, amount if pct else 0,
                memo=f"KDV %{pct}")


def dr(account: str, amount: int, **kw: Any) -> Post:
    return Post(account, "debit", amount, amount, **kw)


def cr(account: str, amount: int, **kw: Any) -> Post:
    return Post(account, "credit", amount, amount, **kw)


@dataclass
class Entry:
    date: dt.date
    memo: str
    postings: list[Post]
    payee: str = ""
    tags: tuple[str, ...] = ()
    fee_from: str = ""         # a bank transfer: the bank charges a transfer fee to this account
    id: str = ""

    def record(self) -> Record:
        rec: Record = {"id": self.id, "date": iso(self.date), "memo": self.memo}
        if self.payee:
            rec["payee"] = self.payee
        if self.tags:
            rec["tags"] = list(self.tags)
        rec["postings"] = [p.record() for p in self.postings]
        return rec

    def total(self, account: str, side: str) -> int:
        return sum(p.base for p in self.postings if p.account == account and p.side == side)


# Opening balances on 1 January (kuruş; EUR in cents).
OPENING_CASH = {"KDK": 1845000, "BSK": 2130000, "MTF": 1200000}
OPENING = (("102.01", 485000000), ("102.03", 115000000), ("254.01", 185000000), ("255.01", 685000000),
           ("255.02", 320000000), ("255.03", 64000000))
OPENING_EUR = 4235000
OPENING_DEPRECIATION = 435000000
OPENING_CAPITAL = 500000000
VAT_PAYABLE_DEC_2024 = 104638045
CASH_FLOAT = 1000000                   # each restaurant keeps 10,000.00 TRY in the till

SALES_SEASON = {"KDK": (950, 930, 980, 1000, 1030, 1050, 1000, 980, 1020, 1040, 1000, 1080),
                "BSK": (900, 880, 950, 1000, 1050, 1100, 1150, 1150, 1080, 1020, 960, 1050)}
SPECIAL_DAYS = {d("2024-12-31"): 1800, d("2025-02-14"): 1300, d("2025-12-31"): 1800,
                d("2025-03-30"): 900, d("2025-03-31"): 900, d("2025-04-01"): 900, d("2025-06-06"): 900,
                d("2025-06-07"): 900, d("2025-06-08"): 900, d("2025-06-09"): 900}
CARD_COMMISSION_BP = 175               # 1.75% on card settlements
VOUCHER_COMMISSION_BP = 500            # 5% (plus VAT) on meal-card settlements
PETTY = (  # what, account, VAT %, min and max gross (kuruş, January prices)
    ("Temizlik malzemesi", "770.10", 20, 30000, 250000),
    ("Nalbur, küçük tamir malzemesi", "770.12", 20, 20000, 300000),
    ("Çiçek ve masa süsü", "760.04", 20, 30000, 180000),
    ("Kırtasiye", "770.13", 20, 10000, 90000),
    ("Taksi ve kurye", "770.17", 0, 15000, 80000),
    ("Buz", "770.99", 20, 20000, 90000),
    ("Otopark", "770.17", 20, 5000, 30000),
)
RENT = {  # landlord, monthly net rent (kuruş), month of the yearly increase, increase per mille
    "KDK": ("landlord_kdk", 18500000, 7, 1330),
    "BSK": ("landlord_bsk", 24000000, 4, 1300),
    "MTF": ("landlord_mtf", 15000000, 9, 1280),
}
ELECTRICITY = {"KDK": "power_asia", "BSK": "power_europe", "MTF": "power_asia"}
UTILITIES = (  # key, account, what, VAT %, invoice day, monthly net per location (kuruş), season per mille
    ("electricity", "770.04", "Elektrik faturası", 20, 9, {"KDK": 4200000, "BSK": 4800000, "MTF": 6500000},
     (1000, 950, 900, 880, 950, 1150, 1350, 1380, 1150, 950, 950, 1050)),
    ("water", "770.05", "Su faturası", 10, 15, {"KDK": 900000, "BSK": 1000000, "MTF": 1400000}, (1000,) * 12),
    ("gas", "770.06", "Doğalgaz faturası", 20, 18, {"KDK": 2200000, "BSK": 2500000, "MTF": 3800000},
     (1500, 1450, 1200, 900, 650, 450, 400, 400, 500, 800, 1150, 1450)),
    ("telecom", "770.07", "İnternet ve telefon faturası", 20, 3, {"KDK": 180000, "BSK": 180000, "MTF": 260000},
     (1000,) * 12),
)
SERVICES = (  # supplier, account, what, invoice day (0: last day), days to pay, net per location, months
    ("platform", "760.02", "Paket servis komisyonu", 2, 8, {"KDK": 3800000, "BSK": 4400000}, MONTHS),
    ("accounting", "770.11", "Mali müşavirlik hizmet bedeli", 1, 9, {"MTF": 3500000}, MONTHS),
    ("laundry", "770.16", "Çamaşırhane hizmeti", 0, 15, {"KDK": 1400000, "BSK": 1600000}, MONTHS),
    ("pest", "770.15", "İlaçlama hizmeti, üç lokasyon", 20, 30, {"MTF": 950000}, MONTHS),
    ("cleaning", "770.10", "Temizlik hizmeti", 0, 10, {"MTF": 4200000}, MONTHS),
    ("ads", "760.01", "Sosyal medya yönetimi ve reklam", 5, 15, {"MTF": 4500000}, MONTHS),
    ("maintenance", "770.12", "Mutfak ekipmanları periyodik bakımı", 18, 20,
     {"KDK": 2800000, "BSK": 2800000, "MTF": 3600000}, (3, 6, 9, 12)),
)
SWIFT_FEE_EUR = 2500                   # EUR 25.00 a SWIFT transfer
FX_PURCHASES = ((d("2025-02-12"), 2000000), (d("2025-06-16"), 800000), (d("2025-09-15"), 1000000))   # EUR bought for the imports
SOFTWARE_USD = 14900                   # USD 149.00 a month, charged to the TRY card
QUARTER_INTEREST_EUR = {d("2025-03-31"): 5240, d("2025-06-30"): 5510, d("2025-09-30"): 4975,
                        d("2025-12-31"): 5030}


def payslips(employees: list[Record], year: int, month: int) -> dict[str, dict[str, int]]:
    """Payroll totals per location for one month (30-day months, per-person rounding), as the previous
    payroll bureau computed them: December 2024's, owed in the opening entry and paid in January."""
    first, last = dt.date(year, month, 1), month_end(year, month)
    totals: dict[str, dict[str, int]] = {}
    for e in employees:
        hired, left = d(e["hired"]), d(e["left"]) if "left" in e else None
        if hired > last or (left and left < first):
            continue
        start = hired.day if hired >= first else 1
        stop = min(left.day, 30) if left and left <= last else 30
        gross = half_up(int(e["gross_salary"].replace(".", "")) * max(0, stop - start + 1), 30)
        sgk_worker, unemployment_worker = percent_of(gross, 14), percent_of(gross, 1)
        income_tax = percent_of(gross - sgk_worker - unemployment_worker, 15)
        stamp = half_up(gross * 759, 100000)
        employer = half_up(gross * 1575, 10000) + percent_of(gross, 2)
        t = totals.setdefault(e["location"], dict.fromkeys(("gross", "employer", "net", "tax", "stamp", "sgk"), 0))
        t["gross"] += gross
        t["employer"] += employer
        t["tax"] += income_tax
        t["stamp"] += stamp
        t["sgk"] += sgk_worker + unemployment_worker + employer
        t["net"] += gross - sgk_worker - unemployment_worker - income_tax - stamp
    return {loc: totals[loc] for loc in LOC_IDS if loc in totals}


class Journal:
    """The manual entries of the year (and the bank's CSV of charges)."""

    def __init__(self, rng: random.Random, rates: dict[tuple[dt.date, str], int], contacts: Contacts,
                 documents: Documents, runs: Payroll, tills: dict[tuple[str, dt.date], Till]) -> None:
        self.rng, self.rates = rng, rates
        self.tills = tills
        self.runs = runs
        self.sup = contacts.supplier_ids
        self.employees = contacts.employees
        self.documents = documents
        self.mtf_cards = documents.mtf_cards          # card payments taken at the Maltepe terminal, by day
        self.entries: list[Entry] = []
        self.bank: list[Entry] = []
        self.z_rows: list[Record] = []
        self.december = payslips(self.employees, YEAR - 1, 12)   # owed at the opening, paid in January

    def add(self, day: dt.date, memo: str, postings: list[Post], **kw: Any) -> Entry | None:
        """Book an entry (zero postings dropped); a payment that falls due next year is not booked."""
        if day > END:
            return None
        entry = Entry(day, memo, [p for p in postings if p.amount], **kw)
        self.entries.append(entry)
        return entry

    def fx(self, side: str, account: str, amount: int, currency: str, day: dt.date, rate: int = 0,
           show_base: bool = False, **kw: Any) -> Post:
        used = rate or self.rates[(day, currency)]
        return Post(account, side, amount, to_base(amount, used), currency, rate, show_base, **kw)

    def build(self) -> None:
        cards = self.sales()
        self.opening(cards)
        self.settlements(cards)
        self.cash()
        self.rent()
        self.utilities()
        self.services()
        self.payroll()
        self.foreign()
        self.bank_charges()
        self.close_akbank()
        self.vat()

    # ---- restaurants
    def sales(self) -> dict[tuple[str, dt.date], int]:
        """Z-reports per restaurant and day (sales/YYYY/YYYY-MM.csv); returns card takings to settle."""
        cards = {}
        for loc in RESTAURANTS:
            cards[(loc, START - ONE_DAY)] = self.tills[(loc, START - ONE_DAY)].card
        self.cash_takings: dict[tuple[str, dt.date], int] = {}
        self.vouchers: dict[tuple[str, dt.date], int] = {}
        for day in DAYS:
            for loc in RESTAURANTS:
                till = self.tills[(loc, day)]
                cards[(loc, day)] = till.card
                self.cash_takings[(loc, day)] = till.cash
                self.vouchers[(loc, day)] = till.voucher
                self.z_rows += till.rows()
        return cards

    def settlements(self, cards: dict[tuple[str, dt.date], int]) -> None:
        """The bank pays card takings the next bank day, less its commission; meal-card issuers weekly."""
        for (loc, day), card in cards.items():
            fee = half_up(card * CARD_COMMISSION_BP, 10000)
            self.add(bank_day_from(day + ONE_DAY), f"POS tahsilatı - {LOC_NAMES[loc]}, {iso(day)} satışları", [
                dr(BANK_TRY, card - fee), dr(CARD_COMMISSION, fee, memo="POS komisyonu %1,75"),
                cr(CARD_ACCOUNT[loc], card)])
        for day, card in sorted(self.mtf_cards.items()):
            fee = half_up(card * CARD_COMMISSION_BP, 10000)
            self.add(bank_day_from(day + ONE_DAY), f"POS tahsilatı - Maltepe catering, {iso(day)}", [
                dr(BANK_TRY, card - fee), dr(CARD_COMMISSION, fee, memo="POS komisyonu %1,75"),
                cr(CARD_ACCOUNT["MTF"], card)])
        for monday in (day for day in DAYS if day.weekday() == MON and day > START):
            week = [monday - dt.timedelta(days=n) for n in range(7, 0, -1)]
            for loc in RESTAURANTS:
                amount = sum(self.vouchers.get((loc, day), 0) for day in week)
                fee = half_up(amount * VOUCHER_COMMISSION_BP, 10000)
                vat = percent_of(fee, 20)
                paid = bank_day_from(monday + dt.timedelta(days=2))
                self.add(paid, f"Yemek kartı tahsilatı - {LOC_NAMES[loc]}, {iso(week[0])}/{iso(week[-1])}", [
                    dr(BANK_TRY, amount - fee - vat), dr(VOUCHER_COMMISSION, fee, memo="Yemek kartı komisyonu %5"),
                    dr(VAT_IN[20], vat, memo="KDV %20"), cr(VOUCHER_ACCOUNT, amount)])

    def cash(self) -> None:
        """Cash deposits from the restaurants' tills, petty cash, and the MTF cash box."""
        rng = self.rng
        till = dict(OPENING_CASH)
        for day in DAYS:
            for loc in LOC_IDS:
                if is_bank_day(day):
                    if loc in RESTAURANTS and till[loc] - CASH_FLOAT >= 100000:
                        amount = (till[loc] - CASH_FLOAT) // 100000 * 100000
                        till[loc] -= amount
                        self.add(day, f"Nakit yatırma - {LOC_NAMES[loc]}", [dr(BANK_TRY, amount),
                                                                            cr(CASH_ACCOUNT[loc], amount)])
                    if loc == "MTF" and till[loc] < 800000:
                        till[loc] += 2500000
                        self.add(day, "Bankadan kasaya nakit çekimi - Maltepe", [dr(CASH_ACCOUNT[loc], 2500000),
                                                                                 cr(BANK_TRY, 2500000)])
                if rng.randint(1, 100) <= (25 if loc == "MTF" else 30):
                    what, account, vat_pct, low, high = rng.choice(PETTY)
                    gross = rng.randint(low, high) * inflation(day) // 1000 // 100 * 100
                    if gross <= till[loc]:
                        net = net_of_vat(gross, vat_pct)
                        till[loc] -= gross
                        self.add(day, f"{what} - {LOC_NAMES[loc]}", [
                            dr(account, net), vat_in(vat_pct, gross - net), cr(CASH_ACCOUNT[loc], gross)])
                if loc in RESTAURANTS:
                    till[loc] += self.cash_takings[(loc, day)]

    # ---- suppliers of services
    def invoice_and_payment(self, day: dt.date, supplier: str, account: str, net: int, vat_pct: int, what: str,
                            pay_on: dt.date, bank: str = BANK_TRY, pay_memo: str = "") -> None:
        sid = self.sup[supplier]
        vat = percent_of(net, vat_pct)
        self.add(day, what, [dr(account, net), vat_in(vat_pct, vat), cr(AP, net + vat, contact=sid)], payee=sid)
        self.add(pay_on, pay_memo or f"Ödeme: {what}", [dr(AP, net + vat, contact=sid), cr(bank, net + vat)],
                 payee=sid, fee_from=bank)

    def rent(self) -> None:
        for month in MONTHS:
            for loc, (landlord, base, raise_month, raise_pm) in RENT.items():
                net = base * raise_pm // 1000 if month >= raise_month else base
                day = dt.date(YEAR, month, 1)
                pay_on = bank_day_from(dt.date(YEAR, month, 5))
                bank = BANK_OLD if loc == "MTF" and pay_on < d("2025-06-01") else BANK_TRY
                label = f"{LOC_NAMES[loc]}, {month_label(YEAR, month)}"
                self.invoice_and_payment(day, landlord, RENT_ACCOUNT[loc], net, 20, f"Kira - {label}", pay_on,
                                         bank, f"Kira ödemesi - {label}")

    def utilities(self) -> None:
        rng = self.rng
        for month in MONTHS:
            for key, account, what, vat_pct, inv_day, nets, season in UTILITIES:
                for loc in LOC_IDS:
                    supplier = ELECTRICITY[loc] if key == "electricity" else key
                    day = dt.date(YEAR, month, inv_day)
                    net = nets[loc] * season[month - 1] // 1000 * inflation(day, 15) // 1000
                    if key != "telecom":
                        net = vary(rng, net, 930, 1070)
                    sid = self.sup[supplier]
                    vat = percent_of(net, vat_pct)
                    label = f"{what} - {LOC_NAMES[loc]}, {month_label(YEAR, month)}"
                    self.add(day, label, [dr(account, net), vat_in(vat_pct, vat), cr(AP, net + vat, contact=sid)],
                             payee=sid)
                    self.add(bank_day_from(day + dt.timedelta(days=10)), f"Otomatik ödeme: {label}",
                             [dr(AP, net + vat, contact=sid), cr(BANK_TRY, net + vat)], payee=sid)

    def services(self) -> None:
        rng = self.rng
        for month in MONTHS:
            for supplier, account, what, inv_day, delay, nets, months in SERVICES:
                if month not in months:
                    continue
                day = month_end(YEAR, month) if inv_day == 0 else dt.date(YEAR, month, inv_day)
                for loc, base in nets.items():
                    net = base * 1250 // 1000 if month >= 7 else base     # contracts indexed in July
                    if supplier == "platform":   # last month's commission, varies with trade
                        net = vary(rng, base * inflation(day, 20) // 1000, 850, 1150)
                        period = month_label(YEAR - (month == 1), (month - 2) % 12 + 1)
                    else:
                        period = month_label(YEAR, month)
                    where = f" - {LOC_NAMES[loc]}" if len(nets) > 1 or supplier == "cleaning" else ""
                    self.invoice_and_payment(day, supplier, account, net, 20, f"{what}{where}, {period}",
                                             bank_day_from(day + dt.timedelta(days=delay)))
        fuel = self.sup["fuel"]
        for day in DAYS:
            if day.weekday() == TUE:
                gross = rng.randint(500000, 900000) * inflation(day) // 1000 // 100 * 100
                net = net_of_vat(gross, 20)
                self.add(day, "Akaryakıt - catering araçları", [
                    dr("760.03", net), vat_in(20, gross - net), cr(BANK_TRY, gross)], payee=fuel)
            if day.day == 3:
                usd = self.fx("debit", "770.14", SOFTWARE_USD, "USD", day)
                self.add(day, f"TableBook rezervasyon yazılımı aboneliği - {month_label(YEAR, day.month)}",
                         [usd, cr(BANK_TRY, usd.base)], payee=self.sup["software"])

    # ---- payroll
    def payroll(self) -> None:
        """What the payroll runs leave owing, paid from the bank next month: net pay per location on
        the 5th, withheld income and stamp tax (muhtasar) on the 26th, SGK premiums at the month end.
        The runs themselves (payroll/) post the wage cost; December 2024's is in the opening entry."""
        months = [(YEAR - 1, 12, {"tax": sum(t["tax"] for t in self.december.values()),
                                  "stamp": sum(t["stamp"] for t in self.december.values()),
                                  "sgk": sum(t["sgk"] for t in self.december.values()),
                                  **{f"net:{loc}": t["net"] for loc, t in self.december.items()}})]
        months += [(YEAR, m, self.runs.totals(m)) for m in MONTHS]
        for year, month, t in months:
            label = month_label(year, month)
            nyear, nmonth = (year, month + 1) if month < 12 else (year + 1, 1)
            for loc in LOC_IDS:
                if t.get(f"net:{loc}"):
                    self.add(bank_day_from(dt.date(nyear, nmonth, 5)), f"Maaş ödemesi - {LOC_NAMES[loc]}, {label}",
                             [dr(NET_PAY, t[f"net:{loc}"]), cr(BANK_TRY, t[f"net:{loc}"])], tags=("payroll",),
                             fee_from=BANK_TRY)
            self.add(bank_day_from(dt.date(nyear, nmonth, 26)), f"Muhtasar beyanname ödemesi - {label}",
                     [dr(INCOME_TAX, t["tax"]), dr(STAMP_TAX, t["stamp"]), cr(BANK_TRY, t["tax"] + t["stamp"])],
                     tags=("payroll",), fee_from=BANK_TRY)
            self.add(bank_day_until(month_end(nyear, nmonth)), f"SGK prim ödemesi - {label}",
                     [dr(SGK, t["sgk"]), cr(BANK_TRY, t["sgk"])], tags=("payroll",), fee_from=BANK_TRY)

    # ---- opening, foreign currency, bank, VAT
    def opening(self, cards: dict[tuple[str, dt.date], int]) -> None:
        dec = self.december
        eur = self.fx("debit", BANK_EUR, OPENING_EUR, "EUR", START, rate=self.rates[(START, "EUR")],
                      show_base=True)
        debits = [dr(CASH_ACCOUNT[loc], OPENING_CASH[loc]) for loc in LOC_IDS]
        debits += [dr(code, amount) for code, amount in OPENING[:1]] + [eur]
        debits += [dr(code, amount) for code, amount in OPENING[1:2]]
        debits += [dr(CARD_ACCOUNT[loc], cards[(loc, START - ONE_DAY)], memo=f"{iso(START - ONE_DAY)} kart satışları")
                   for loc in RESTAURANTS]
        debits += [dr(code, amount) for code, amount in OPENING[2:]]
        credits = [cr("257.01", OPENING_DEPRECIATION),
                   cr(NET_PAY, sum(t["net"] for t in dec.values()), memo="Aralık 2024 net ücretler"),
                   cr(INCOME_TAX, sum(t["tax"] for t in dec.values()), memo="Aralık 2024"),
                   cr(STAMP_TAX, sum(t["stamp"] for t in dec.values()), memo="Aralık 2024"),
                   cr(SGK, sum(t["sgk"] for t in dec.values()), memo="Aralık 2024"),
                   cr(VAT_PAYABLE, VAT_PAYABLE_DEC_2024, memo="Aralık 2024 KDV"),
                   cr("500.01", OPENING_CAPITAL)]
        retained = sum(p.base for p in debits) - sum(p.base for p in credits)
        assert retained > 0
        self.add(START, "Açılış kaydı 2025", debits + credits + [cr("570.01", retained)], tags=("opening",))

    def foreign(self) -> None:
        """EUR bought for the imports, customs on the oven, import VAT on olive oil, a pasta machine paid
        in advance, EUR interest. (The oven and olive-oil invoices and their payments are documents.)"""
        rates = self.rates
        for day, amount in FX_PURCHASES:
            bank_rate = rates[(day, "EUR")] * 10035 // 10000        # the bank's selling rate
            eur = self.fx("debit", BANK_EUR, amount, "EUR", day, rate=bank_rate, show_base=True)
            self.add(day, f"Döviz alımı - {amount // 100:,} EUR".replace(",", "."), [eur, cr(BANK_TRY, eur.base)])
        oven = self.documents.oven
        customs = 1480000
        vat = percent_of(to_base(oven.gross, rates[(oven.date, "EUR")]) + customs, 20)
        self.add(d("2025-03-12"), "Kombi fırın - gümrük, navlun ve ithalat KDV'si", [
            dr("255.01", customs, memo="Gümrük ve navlun"), dr(VAT_IN[20], vat, memo="İthalat KDV %20"),
            cr(BANK_TRY, customs + vat)], payee=self.sup["oven"])
        for si in self.documents.imports:
            base = to_base(si.stock_net, rates[(si.date, "EUR")])
            vat = percent_of(base, 1)
            self.add(bank_day_from(si.date), f"İthalat KDV'si - Kalamata zeytinyağı, fatura {si.number}",
                     [dr(VAT_IN[1], vat, memo="İthalat KDV %1"), cr(BANK_TRY, vat)], payee=si.party)
        day = d("2025-10-07")
        out = self.fx("credit", BANK_EUR, 640000, "EUR", day)
        self.add(day, "Makarna makinesi - Forni Veneti, peşin ödeme",
                 [dr("255.01", out.base, memo="Makarna makinesi"), out], payee=self.sup["oven"])
        for n, (day, amount) in enumerate(QUARTER_INTEREST_EUR.items(), 1):
            interest = self.fx("debit", BANK_EUR, amount, "EUR", day)
            self.add(day, f"Garanti EUR hesabı faiz geliri - {n}. çeyrek", [interest, cr("642.01", interest.base)])

    def bank_charges(self) -> None:
        """The bank-fee CSV: transfer fees, POS terminal rent, account fees, SMS notices."""
        def charge(day: dt.date, memo: str, postings: list[Post]) -> None:
            self.bank.append(Entry(day, memo, postings))

        transfers = [(e.date, e.fee_from, e.total(e.fee_from, "credit")) for e in self.entries
                     if e.fee_from and e.date <= END]
        transfers += self.documents.transfers          # supplier payments (documents), same fees
        for day, account, amount in sorted(transfers, key=lambda t: t[0]):
            if account == BANK_EUR:
                eur = self.fx("credit", BANK_EUR, SWIFT_FEE_EUR, "EUR", day)
                charge(day, "SWIFT transfer ücreti (EUR)", [dr(BANK_FEES, eur.base), eur])
                continue
            fee = 850 if amount < 5000000 else 1450
            fee += percent_of(fee, 5)
            charge(day, "EFT/havale ücreti", [dr(BANK_FEES, fee, memo="BSMV dahil"), cr(account, fee)])
        for month in MONTHS:
            first = bank_day_from(dt.date(YEAR, month, 1))
            last = bank_day_until(month_end(YEAR, month))
            for loc in RESTAURANTS:
                net = 3 * 45000
                charge(first, f"POS terminal kirası - {LOC_NAMES[loc]}, 3 terminal", [
                    dr(POS_RENT, net), vat_in(20, percent_of(net, 20)),
                    cr(BANK_TRY, net + percent_of(net, 20))])
            accounts = [(BANK_TRY, 25000)] + ([(BANK_OLD, 15000)] if month <= 5 else [])
            for account, fee in accounts:
                fee += percent_of(fee, 5)
                charge(last, "Hesap işletim ücreti", [dr(BANK_FEES, fee, memo="BSMV dahil"), cr(account, fee)])
            eur = self.fx("credit", BANK_EUR, 1500, "EUR", last)
            charge(last, "Hesap işletim ücreti (EUR)", [dr(BANK_FEES, eur.base), eur])
            sms = bank_day_from(dt.date(YEAR, month, 15))
            charge(sms, "SMS bilgilendirme ücreti", [dr(BANK_FEES, 2990 + percent_of(2990, 5), memo="BSMV dahil"),
                                                    cr(BANK_TRY, 2990 + percent_of(2990, 5))])
        day = d("2025-06-27")
        charge(day, "Hesap kapama ücreti", [dr(BANK_FEES, 52500, memo="BSMV dahil"), cr(BANK_OLD, 52500)])

    def close_akbank(self) -> None:
        """Move what is left on the Akbank account to İş Bankası before the account closes."""
        day = d("2025-06-27")
        balance = 0
        for e in self.entries + self.bank:            # the opening entry included
            assert e.date <= day or not any(p.account == BANK_OLD for p in e.postings), e.memo
            balance += e.total(BANK_OLD, "debit") - e.total(BANK_OLD, "credit")
        assert balance > 0
        self.add(day, "Akbank hesabı kapatıldı, bakiye İş Bankası'na aktarıldı",
                 [dr(BANK_TRY, balance), cr(BANK_OLD, balance)])

    def vat(self) -> None:
        """December 2024's VAT, owed at the opening, is paid in January. The monthly offset of input
        against output VAT is not keyed by hand: `kebir close` generates it."""
        self.add(bank_day_from(d("2025-01-28")), "KDV ödemesi - Aralık 2024",
                 [dr(VAT_PAYABLE, VAT_PAYABLE_DEC_2024), cr(BANK_TRY, VAT_PAYABLE_DEC_2024)], tags=("vat",))


# --------------------------------------------------------------------------- records

def account_records() -> list[Record]:
    out = []
    for code, name, typ, currency, closed in ACCOUNTS:
        rec: Record = {"code": code, "name": name}
        if typ:
            rec["type"] = typ
        if currency:
            rec["currency"] = currency
        if closed:
            rec["closed"] = closed
        out.append(rec)
    return out


def books_toml() -> str:
    accounts: dict[str, Any] = dict(ACCOUNT_ROLES)
    accounts["vat_output"] = {str(rate): code for rate, code in VAT_OUT.items()}
    accounts["vat_input"] = {str(rate): code for rate, code in VAT_IN.items()}
    accounts["reflection"] = dict(REFLECTION)
    doc = {"company": {"name": COMPANY, "base_currency": "TRY", "fiscal_year_start": "01-01", "chart": "tr-tdhp",
                       "language": "tr"},
           "currencies": {"TRY": 2, "EUR": 2, "USD": 2},
           "accounts": accounts,
           "close": {"corporate_tax_rate": "25"},
           "payroll": payroll_table()}
    return tomli_w.dumps(doc)


def payroll_table() -> dict[str, Any]:
    return dict(PAYROLL_2025) | {"income_tax": [{"upto": upto, "percent": pct} if upto else {"percent": pct}
                                                for upto, pct in INCOME_TAX_2025]}


def item_records(supplier_ids: dict[str, str]) -> list[Record]:
    """Bought items, the sauces the central kitchen makes (stocked), the dishes and drinks by the
    glass (made to order) and the catering menus. No prices here: prices.yaml holds the menus."""
    out = []
    for i in ITEMS:
        rec: Record = {"id": i.id, "name": i.name, "unit": i.unit, "valuation": POLICIES[i.category].valuation,
                       "category": i.category, "vat_rate": i.vat, "supplier": supplier_ids[i.supplier]}
        if i.category == "drinks":
            rec["accounts"] = dict(DRINK_ACCOUNTS)
        out.append(rec)
    out += [{"id": sid, "name": name, "unit": unit, "valuation": "average", "category": "sauce", "vat_rate": "1",
             "accounts": dict(SAUCE_ACCOUNTS)} for sid, name, unit, *_ in SAUCES]
    out += [{"id": x[0], "name": x[1], "unit": x[2], "type": "produced", "valuation": "average", "category": x[3],
             "vat_rate": x[4]} for x in DISHES]
    out += [{"id": m, "name": name, "unit": "portion", "type": "produced", "valuation": "average",
             "category": "catering", "vat_rate": "10"} for m, name, _price in MENUS]
    out += [{"id": sid, "name": name, "unit": "piece", "type": "service", "valuation": "average",
             "category": "services", "vat_rate": vat, "supplier": supplier_ids[supplier]}
            for sid, name, vat, supplier in SERVICE_ITEMS]
    return out


def _ingredients(rows: tuple[tuple[str, str, str, str], ...]) -> list[Record]:
    out = []
    for item, quantity, unit, waste in rows:
        line = {"item": item, "quantity": quantity, "unit": unit}
        if waste:
            line["waste"] = waste
        out.append(line)
    return out


def recipe_records() -> list[Record]:
    """The sauces (batches made by production runs), the dishes and drinks the restaurants sell, and
    the catering menus: what one unit takes, trim loss included."""
    out: list[Record] = []
    for sid, name, unit, batch, waste, lines in SAUCES:
        rec: Record = {"item": sid, "name": name, "quantity": batch, "unit": unit}
        if waste != "0":
            rec["waste"] = waste
        out.append(rec | {"ingredients": _ingredients(lines)})
    out += [{"item": x[0], "name": x[1], "ingredients": _ingredients(x[8])} for x in DISHES]
    out += [{"item": m, "name": name, "ingredients": _ingredients(RECIPES[m])} for m, name, _price in MENUS]
    return out


def unit_records() -> list[Record]:
    return [{"item": item, "unit": unit, "per_unit": per} for item, unit, per in CONVERSIONS]


def run_records(runs: list[Run]) -> list[Record]:
    """Production runs at the central kitchen, numbered per month in the order they were cooked."""
    out, serial = [], {}
    for r in sorted(runs, key=lambda r: (r.date, r.time, r.item)):
        n = serial[r.date.month] = serial.get(r.date.month, 0) + 1
        r.id = f"PR-{r.date.year}-{r.date.month:02d}-{n:03d}"
        out.append({"id": r.id, "date": iso(r.date), "time": r.time, "location": "MTF", "item": r.item,
                    "quantity": qty(r.quantity), "memo": r.memo})
    return out


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def supply_records(supplier_ids: dict[str, str]) -> list[Record]:
    """Per stock supplier: ordered the evening before, delivered on its delivery days (the Greek oil
    in two weeks); order multiples per item."""
    out: list[Record] = []
    for s in SUPPLIERS:
        if s.key == "greek":
            out.append({"supplier": supplier_ids[s.key], "lead_days": str(GREEK_LEAD.days)})
        elif s.deliveries:
            out.append({"supplier": supplier_ids[s.key], "lead_days": "1",
                        "delivery_days": [DAY_NAMES[x] for x in sorted(s.deliveries)]})
    out += [{"item": i.id, "multiple": qty(i.step)} for i in ITEMS if i.step]
    return out


def location_records() -> list[Record]:
    return [{"id": i, "name": name, "kind": kind, "address": address, "accounts": dict(LOCATION_ACCOUNTS[i])}
            for i, name, kind, address in LOCATIONS]


def number_moves(moves: list[Move]) -> list[Record]:
    """Move rows in the order stock is counted (date, time, kind), numbered per month."""
    rows, serial = [], {}
    moves.sort(key=lambda m: (m.date, m.time or "24:00", KIND_RANK[m.kind], m.location, m.item, m.to_location))
    for m in moves:
        n = serial[m.date.month] = serial.get(m.date.month, 0) + 1
        row = {"id": f"MV-{m.date.year}-{m.date.month:02d}-{n:06d}", "date": iso(m.date)}
        if m.time:
            row["time"] = m.time
        row |= {"kind": m.kind, "item": m.item, "location": m.location, "quantity": qty(m.quantity)}
        if m.to_location:
            row["to_location"] = m.to_location
        if m.unit_cost >= 0:
            row |= {"unit_cost": four(m.unit_cost), "currency": m.currency}
        if m.document:
            row["document"] = m.document.id if isinstance(m.document, PurchaseOrder) else m.document
        if m.memo:
            row["memo"] = m.memo
        rows.append(row)
    return rows


def purchase_records(orders: list[PurchaseOrder], supplier_ids: dict[str, str]) -> list[Record]:
    order_of = {s.key: n for n, s in enumerate(SUPPLIERS)}
    orders.sort(key=lambda o: (o.date, o.due, order_of[o.supplier], LOC_IDS.index(o.location)))
    items = {i.id: i for i in ITEMS}
    out = []
    for n, po in enumerate(orders, 1):
        po.id = f"PO-{n:04d}"
        lines = []
        for item_id in sorted(po.lines):
            q = po.lines[item_id]
            counted = items[item_id].unit in COUNTED_UNITS
            lines.append({"item": item_id, "quantity": str(q // 1000) if counted else qty(q),
                          "price": money(po.prices[item_id]), "vat_rate": items[item_id].vat})
        rec = {"id": po.id, "kind": "purchase", "date": iso(po.date), "party": supplier_ids[po.supplier],
               "location": po.location, "currency": po.currency, "status": po.status, "due": iso(po.due)}
        if po.memo:
            rec["memo"] = po.memo
        out.append(rec | {"lines": lines})
    return out


def number_entries(entries: list[Entry], prefix: str) -> None:
    serial: dict[int, int] = {}
    # The opening entry first; otherwise same-day entries keep the order they were made in.
    for e in sorted(entries, key=lambda e: (e.date, "opening" not in e.tags)):
        n = serial[e.date.month] = serial.get(e.date.month, 0) + 1
        e.id = f"{prefix}-{e.date.year}-{e.date.month:02d}-{n:04d}"


def by_month(records: list[Record]) -> dict[int, list[Record]]:
    out: dict[int, list[Record]] = {m: [] for m in MONTHS}
    for r in records:
        out[int(r["date"][5:7])].append(r)
    return out


# --------------------------------------------------------------------------- self-checks

def check_journal(entries: list[Entry], contacts: set[str]) -> None:
    """What `kebir validate` will check, asserted here so a bad change fails at once."""
    accounts = {code: (currency, closed) for code, _, _, currency, closed in ACCOUNTS}
    groups = {code.rpartition(".")[0] for code in accounts if "." in code}
    for e in entries:
        debit = sum(p.base for p in e.postings if p.side == "debit")
        credit = sum(p.base for p in e.postings if p.side == "credit")
        assert debit == credit, (e.id, e.memo, debit, credit)
        assert len(e.postings) >= 2 and START <= e.date <= END, e.id
        assert not e.payee or e.payee in contacts, e.id
        for p in e.postings:
            assert p.amount > 0, (e.id, p)
            assert p.account in accounts and p.account not in groups, (e.id, p.account)
            currency, closed = accounts[p.account]
            assert not currency or currency == p.currency, (e.id, p.account, p.currency)
            assert not closed or iso(e.date) <= closed, (e.id, p.account)
            assert not p.contact or p.contact in contacts, (e.id, p.contact)
            assert p.account not in INVENTORY_ACCOUNTS, (e.id, p.account)            # E052: stock moves only
            assert p.contact or p.account not in (AR, AP), (e.id, p.account)         # E053: name the contact


def check_z_reports(rows: list[Record]) -> None:
    """Each day's tenders pay its net plus VAT (per rate, on the day's total), to the kuruş (E054)."""
    days: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        z = days.setdefault((r["date"], r["location"]), {})
        if r["kind"] == "sale":
            z[r["vat_rate"]] = z.get(r["vat_rate"], 0) + int(r["net"].replace(".", ""))
        else:
            z["paid"] = z.get("paid", 0) + int(r["amount"].replace(".", ""))
    for key, z in days.items():
        paid = z.pop("paid")
        assert paid == sum(net + percent_of(net, int(rate)) for rate, net in z.items()), key


def check_orders(purchases: list[Record], move_rows: list[Record]) -> None:
    """Every receipt names a purchase order; a closed order was received in full, an open one not yet."""
    received: dict[tuple[str, str], int] = {}
    for r in move_rows:
        if r["kind"] == "receipt":
            key = (r["document"], r["item"])
            received[key] = received.get(key, 0) + int(r["quantity"].replace(".", ""))
    ordered = {}
    for po in purchases:
        for line in po["lines"]:
            q = line["quantity"]
            ordered[(po["id"], line["item"])] = (int(q.replace(".", "")) if "." in q else int(q) * 1000, po["status"])
    for key, (q, status) in ordered.items():
        assert received.get(key, 0) == (q if status == "closed" else 0), (key, status, q, received.get(key))
    assert set(received) <= set(ordered)


# --------------------------------------------------------------------------- writing

def write_yaml(root: Path, rel: str, kind: str, records: list[Record]) -> None:
    write_atomic(root / rel, dump_yaml_records(kind, records))


def write_csv(root: Path, rel: str, kind: str, rows: list[Record]) -> None:
    write_atomic(root / rel, dump_csv_rows(kind, rows))


def write_truth(path: Path, truth: dict[str, list[list[str]]]) -> None:
    header = ("# Dedup ground truth for the demo books written by core/demo/generate.py (do not edit:\n"
              "# regenerate). crm_erp: CRM record and ERP party that are the same firm or person;\n"
              "# within_crm / within_erp: clusters of records of one firm or person on one side;\n"
              "# hard_negatives: pairs that look alike but are different firms or people.\n")
    body = yaml.safe_dump(truth, sort_keys=False, default_flow_style=None, width=10000)
    write_atomic(path, header + body)


CAMPAIGNS = (   # id, name, kind, start, end, cost (minor units)
    ("CMP-2025-IFTAR", "Ramazan iftar menus for firms", "email", "2025-02-10", "2025-03-29", 4_500_000),
    ("CMP-2025-WEDDING", "Wedding season fair, Haliç Kongre", "event", "2025-04-12", "2025-04-13", 12_000_000),
    ("CMP-2025-LOYALTY", "Lokanta loyalty card", "loyalty", "2025-06-01", "", 2_500_000),
    ("CMP-2025-NEWYEAR", "New year corporate dinners", "ads", "2025-10-20", "2025-12-20", 8_000_000),
)
DEAL_STAGES = ("lead", "qualified", "proposal", "negotiation")
SEGMENTS = (
    ("VIP", "Best customers of the last 12 months", "revenue_12m >= 1000000"),
    ("AT-RISK", "Customers with invoices more than 30 days past due", "days_overdue > 30"),
    ("DORMANT", "Bought before, nothing since July", "last_sale < DATE '2025-07-01'"),
    ("PROSPECTS", "Open deals, never invoiced", "invoices = 0 AND open_deals > 0"),
)


def build_crm(rng: random.Random, contacts: Contacts, sales_orders: list[SalesOrder]
              ) -> tuple[list[Record], list[Record], list[Record]]:
    """Deals (each catering order was a won deal first; open and lost deals besides), the year's
    campaigns with the contacts they reached, and saved segments."""
    crm_of = {erp: crm for crm, erp in (sorted(pair) for pair in contacts.truth["crm_erp"])}
    companies = sorted(c["id"] for c in contacts.companies)
    campaigns = []
    for cid, name, kind, start, end, cost in CAMPAIGNS:
        members = sorted(rng.sample(companies, min(len(companies), rng.randint(40, 90))))
        rec = {"id": cid, "name": name, "kind": kind, "start": start, "cost": money(cost), "account": "760.01",
               "members": members}
        if end:
            rec["end"] = end
        campaigns.append(rec)

    def campaign_on(day: dt.date, contact: str) -> str:
        for c in campaigns:
            if c["start"] <= iso(day) <= c.get("end", iso(END)) and contact in c["members"]:
                return c["id"]
        return ""

    drafts = []
    for so in sales_orders:
        if so.status == "cancelled" or not so.id:
            continue
        contact = crm_of.get(so.party, so.party)
        created = so.date - dt.timedelta(days=rng.randint(14, 45))
        rec = {"contact": contact, "name": so.memo, "stage": "won", "amount": money(so.net()),
               "created": iso(created), "expected_close": iso(so.date), "closed": iso(so.date),
               "owner": so.rep or "EM-0008", "order": so.id}
        if cmp := campaign_on(created, contact):
            rec["campaign"] = cmp
        drafts.append(rec)
    for n in range(60):
        contact = rng.choice(companies)
        created = random_day(rng, dt.date(YEAR, 3, 1), END)
        guests = rng.randint(4, 30) * 10
        amount = guests * rng.choice((95_000, 120_000, 150_000, 185_000))
        lost = n % 3 == 0 and created < dt.date(YEAR, 11, 15)
        rec = {"contact": contact, "name": f"Event for {guests} guests", "amount": money(amount),
               "created": iso(created), "expected_close": iso(min(END, created + dt.timedelta(days=rng.randint(20, 60)))),
               "owner": rng.choice(("EM-0007", "EM-0008", "EM-0009", "EM-0044"))}
        if lost:
            rec |= {"stage": "lost", "closed": iso(created + dt.timedelta(days=rng.randint(10, 40))),
                    "lost_reason": rng.choice(("price", "date not available", "chose another venue", "no budget"))}
        else:
            rec["stage"] = rng.choice(DEAL_STAGES)
        if cmp := campaign_on(created, contact):
            rec["campaign"] = cmp
        drafts.append(rec)
    drafts.sort(key=lambda r: (r["created"], r["contact"], r["name"]))
    deals = [{"id": f"D-{n:04d}", **r} for n, r in enumerate(drafts, 1)]
    segments = [{"id": sid, "name": name, "where": where} for sid, name, where in SEGMENTS]
    return deals, campaigns, segments


def price_records(menu: Menu) -> list[Record]:
    """The restaurants' menu, one list a quarter (the tills charge it), and the 2026 catering price
    list, agreed in December: list prices, a customer price for the biggest event customer,
    quantity breaks and the loyalty promotion. Valid from 2026, so the year's orders (priced by
    hand as they were) are not measured against it."""
    menus: list[Record] = []
    for n, first in enumerate(QUARTERS):
        last = QUARTERS[n + 1] - ONE_DAY if n + 1 < len(QUARTERS) else END
        menus.append({"id": f"MENU-{YEAR}-Q{n + 1}", "kind": "list", "valid_from": iso(first), "valid_to": iso(last),
                      "prices": [{"item": item, "price": money(menu.price(item, first))}
                                 for item, *_ in menu.sold]})
    return menus + [
        {"id": "PL-2026", "kind": "list", "valid_from": "2026-01-01",
         "prices": [{"item": m, "price": money(half_up(price * 135, 100))} for m, _, price in MENUS]},
        {"id": "CP-2026-CU-0050", "kind": "customer", "party": "CU-0050", "valid_from": "2026-01-01",
         "prices": [{"item": "CAT-MENU-A", "price": money(half_up(145000 * 128, 100))}]},
        {"id": "QB-2026-MENUS", "kind": "breaks", "valid_from": "2026-01-01", "items": [m for m, _, _ in MENUS],
         "breaks": [{"min_quantity": "100", "discount": "5"}, {"min_quantity": "250", "discount": "8"}]},
        {"id": "PR-2026-LOYALTY", "kind": "promotion", "campaign": "CMP-2025-LOYALTY", "valid_from": "2026-01-01",
         "valid_to": "2026-03-31", "items": ["CAT-MENU-B", "CAT-MENU-C"], "discount": "10"},
    ]


def generate(out: Path, truth_path: Path | None) -> dict[str, int]:
    """Write the demo books under `out` (and the dedup truth); returns record counts per file kind."""
    master = random.Random(SEED)
    rng = {name: random.Random(master.getrandbits(64))
           for name in ("rates", "contacts", "activities", "orders", "stock", "journal", "documents", "crm",
                        "tills")}
    rates = build_rates(rng["rates"])
    contacts = build_contacts(rng["contacts"], rng["activities"])
    erp_dups = [pair[1] for pair in contacts.truth["within_erp"]]
    sales_orders = build_sales_orders(rng["orders"], contacts.customers, erp_dups)
    menu = Menu()
    tills = build_tills(rng["tills"], menu)
    sim = StockSim(rng["stock"], sales_orders, menu, tills)
    sim.run()
    purchases = purchase_records(sim.orders, contacts.supplier_ids)   # gives the orders their ids first
    documents = Documents(rng["documents"], rates, contacts, sales_orders, sim)
    documents.build()
    runs = Payroll(contacts.employees, documents)
    runs.build()
    journal = Journal(rng["journal"], rates, contacts, documents, runs, tills)
    journal.build()
    number_entries(journal.entries, "JE")
    number_entries(journal.bank, "BK")

    known = {r["id"] for r in contacts.customers + contacts.suppliers + contacts.employees}
    check_journal(journal.entries + journal.bank, known)
    check_z_reports(journal.z_rows)
    move_rows = number_moves(sim.moves)
    check_orders(purchases, move_rows)

    write_atomic(out / "books.toml", books_toml())
    write_atomic(out / ".gitignore", GITIGNORE)        # the cache stays out of `git add -A`, as in `kebir init`
    write_yaml(out, "accounts.yaml", "accounts", account_records())
    write_csv(out, f"rates/{YEAR}.csv", "rates", rate_rows(rates))
    entries = [e.record() for e in journal.entries]
    for month, records in by_month(entries).items():
        write_yaml(out, f"journals/{YEAR}/{YEAR}-{month:02d}.yaml", "journal", records)
    bank_rows = [p.row(e) for e in sorted(journal.bank, key=lambda e: e.id) for p in e.postings]
    write_csv(out, f"journals/imports/{YEAR}-bank-fees.csv", "journal-csv", bank_rows)
    write_yaml(out, "contacts/erp/customers.yaml", "erp-contacts", contacts.customers)
    write_yaml(out, "contacts/erp/suppliers.yaml", "erp-contacts", contacts.suppliers)
    write_yaml(out, "contacts/erp/employees.yaml", "erp-contacts", contacts.employees)
    write_yaml(out, "contacts/crm/companies.yaml", "crm-contacts", contacts.companies)
    write_yaml(out, "contacts/crm/people.yaml", "crm-contacts", contacts.people)
    write_yaml(out, "contacts/crm/activities.yaml", "activities", contacts.activities)
    write_yaml(out, "contacts/links.yaml", "links", contacts.links)
    deals, campaigns, segments = build_crm(rng["crm"], contacts, sales_orders)
    write_yaml(out, "contacts/crm/deals.yaml", "deals", deals)
    write_yaml(out, "contacts/crm/campaigns.yaml", "campaigns", campaigns)
    write_yaml(out, "contacts/crm/segments.yaml", "segments", segments)
    write_yaml(out, "prices.yaml", "prices", price_records(menu))
    write_yaml(out, "stock/locations.yaml", "locations", location_records())
    write_yaml(out, "assets/register.yaml", "assets", asset_records())
    write_yaml(out, "stock/items.yaml", "items", item_records(contacts.supplier_ids))
    write_yaml(out, "stock/recipes.yaml", "recipes", recipe_records())
    write_yaml(out, "stock/units.yaml", "units", unit_records())
    write_yaml(out, "stock/supply.yaml", "supply", supply_records(contacts.supplier_ids))
    for month, records in by_month(run_records(sim.runs)).items():
        write_yaml(out, f"stock/production/{YEAR}/{YEAR}-{month:02d}.yaml", "production", records)
    for month, rows in by_month(move_rows).items():
        write_csv(out, f"stock/moves/{YEAR}/{YEAR}-{month:02d}.csv", "moves", rows)
    orders = purchases + [so.record() for so in sales_orders] + documents.records()
    for month, records in by_month([o for o in orders if o["date"] <= iso(END)]).items():
        write_yaml(out, f"orders/{YEAR}/{YEAR}-{month:02d}.yaml", "orders", records)
    for month, rows in by_month(journal.z_rows).items():
        write_csv(out, f"sales/{YEAR}/{YEAR}-{month:02d}.csv", "sales", rows)
    for month, records in by_month(runs.records()).items():
        write_yaml(out, f"payroll/{YEAR}/{YEAR}-{month:02d}.yaml", "payroll", records)
    if truth_path is not None:
        write_truth(truth_path, contacts.truth)

    kinds = {k: 0 for k in ("receipt", "transfer", "issue", "waste", "adjustment", "count")}
    for r in move_rows:
        kinds[r["kind"]] += 1
    return {"accounts": len(ACCOUNTS), "rates": len(rates), "journal entries": len(journal.entries),
            "journal postings": sum(len(e.postings) for e in journal.entries),
            "bank-fee entries": len(journal.bank), "bank-fee rows": len(bank_rows),
            "customers": len(contacts.customers), "suppliers": len(contacts.suppliers),
            "employees": len(contacts.employees), "crm companies": len(contacts.companies),
            "crm people": len(contacts.people), "activities": len(contacts.activities), "links": len(contacts.links),
            "items": len(ITEMS) + len(SAUCES) + len(DISHES) + len(MENUS) + len(SERVICE_ITEMS),
            "moves": len(move_rows), "production runs": len(sim.runs), "rush orders": len(sim.rushes),
            **{f"  {k}": v for k, v in kinds.items()},
            "purchase orders": len(purchases), "sales orders": len(sales_orders), **documents.counts(),
            "z-report rows": len(journal.z_rows), "payroll runs": len(runs.runs),
            "payroll lines": sum(len(r.lines) for r in runs.runs),
            **{f"truth {k}": len(v) for k, v in contacts.truth.items()}}


# The fixed assets behind the opening balances of 254/255: the period close depreciates them monthly
# (docs/close-records.md). Equipment bought during 2025 is left out of the register for now.
FIXED_ASSETS = (
    ("FA-0001", "Mutfak ekipmanları (Kadıköy, Beşiktaş, Maltepe)", "2023-01-10", "255.01", 685000000, 120,
     "straight-line", None),
    ("FA-0002", "Mobilya ve dekorasyon", "2022-06-01", "255.02", 320000000, 60, "straight-line", None),
    ("FA-0003", "Bilgisayar ve POS cihazları", "2024-03-01", "255.03", 64000000, 36, "declining-balance", "40"),
    ("FA-0004", "Catering araçları", "2023-09-01", "254.01", 185000000, 60, "straight-line", None),
)


def asset_records() -> list[Record]:
    out = []
    for aid, name, acquired, account, cost, life, method, rate in FIXED_ASSETS:
        rec = {"id": aid, "name": name, "acquired": acquired, "cost": money(cost), "method": method,
               "life_months": str(life), "account": account, "accumulated": "257.01", "expense": "770.18"}
        if rate:
            rec["rate"] = rate
        out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.demo.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="books directory to write (created if missing)")
    parser.add_argument("--truth", type=Path, default=TRUTH_PATH,
                        help=f"where to write the dedup ground truth (default: {TRUTH_PATH})")
    parser.add_argument("--no-truth", action="store_true", help="do not write the truth file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.outdir, None if args.no_truth else args.truth)
    for name, n in counts.items():
        print(f"{name:>20}: {n:,}", file=sys.stderr)
    print(f"wrote {args.outdir} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
