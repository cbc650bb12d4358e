"""The demo's basic vocabulary: the calendar of 2025 (bank days, holidays, Ramadan), money and
quantities in integer minor units, Turkish names and text, and the EUR/USD rate walk.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any



Record = dict[str, Any]

SEED = 2025
TRUTH_PATH = Path("bench/demo/duplicates.yaml")

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


def minor(value: Decimal) -> int:
    return int(value.scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))
