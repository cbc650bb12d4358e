"""The demo company itself: Deniz Lokanta Grubu A.Ş., its locations, chart of accounts and roles,
suppliers, items, recipes, dishes, menus, employees and the seasons of its trade.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bench.demo.basics import EVERY_DAY, FRI, MON, SAT, SUN, THU, TUE, WED, YEAR, d, iso


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
NOTES_PAYABLE, BANK_LOAN, KKEG_ACCOUNT = "321.01", "400.01", "689.01"
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
    ("121", "Alacak Senetleri", "asset", "", ""),
    ("121.01", "Müşteri Senetleri", "", "", ""),
    ("122", "Alacak Senetleri Reeskontu (-)", "asset", "", ""),
    ("122.01", "Alacak Senetleri Reeskontu", "", "", ""),
    ("128", "Şüpheli Ticari Alacaklar", "asset", "", ""),
    ("128.01", "Şüpheli Ticari Alacaklar", "", "", ""),
    ("129", "Şüpheli Ticari Alacaklar Karşılığı (-)", "asset", "", ""),
    ("129.01", "Şüpheli Ticari Alacaklar Karşılığı", "", "", ""),
    ("135", "Personelden Alacaklar", "asset", "", ""),
    ("135.01", "Personelden Alacaklar", "", "", ""),
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
    ("193", "Peşin Ödenen Vergiler ve Fonlar", "asset", "", ""),
    ("193.01", "Peşin Ödenen Geçici Vergi", "", "", ""),
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
    ("303", "Uzun Vadeli Kredilerin Anapara Taksitleri ve Faizleri", "liability", "", ""),
    ("303.01", "İş Bankası Yatırım Kredisi - Cari Kısım", "", "", ""),
    ("320", "Satıcılar", "liability", "", ""),
    ("320.01", "Satıcılar", "", "", ""),
    ("321", "Borç Senetleri", "liability", "", ""),
    ("321.01", "Satıcılara Verilen Senetler", "", "", ""),
    ("322", "Borç Senetleri Reeskontu (-)", "liability", "", ""),
    ("322.01", "Borç Senetleri Reeskontu", "", "", ""),
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
    ("360.04", "Ödenecek Geçici Vergi", "", "", ""),
    ("361", "Ödenecek Sosyal Güvenlik Kesintileri", "liability", "", ""),
    ("361.01", "SGK Primleri", "", "", ""),
    ("370", "Dönem Kârı Vergi ve Diğer Yasal Yükümlülük Karşılıkları", "liability", "", ""),
    ("371", "Dönem Kârının Peşin Ödenen Vergi ve Diğer Yükümlülükleri", "liability", "", ""),
    ("379", "Diğer Borç ve Gider Karşılıkları", "liability", "", ""),
    ("379.01", "Kullanılmamış İzin Karşılığı", "", "", ""),
    ("391", "Hesaplanan KDV", "liability", "", ""),
    ("391.01", "Hesaplanan KDV %1", "", "", ""),
    ("391.02", "Hesaplanan KDV %10", "", "", ""),
    ("391.03", "Hesaplanan KDV %20", "", "", ""),
    ("397", "Sayım ve Tesellüm Fazlaları", "liability", "", ""),
    ("397.01", "Sayım ve Tesellüm Fazlaları", "", "", ""),
    ("400", "Banka Kredileri", "liability", "", ""),
    ("400.01", "İş Bankası Yatırım Kredisi", "", "", ""),
    ("472", "Kıdem Tazminatı Karşılığı", "liability", "", ""),
    ("472.01", "Kıdem Tazminatı Karşılığı", "", "", ""),
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
    ("622", "Satılan Hizmet Maliyeti", "expense", "", ""),
    ("631", "Pazarlama Satış ve Dağıtım Giderleri", "expense", "", ""),
    ("632", "Genel Yönetim Giderleri", "expense", "", ""),
    ("642", "Faiz Gelirleri", "income", "", ""),
    ("642.01", "Mevduat Faizleri", "", "", ""),
    ("646", "Kambiyo Kârları", "income", "", ""),
    ("646.01", "Kambiyo Kârları", "", "", ""),
    ("647", "Reeskont Faiz Gelirleri", "income", "", ""),
    ("647.01", "Reeskont Faiz Gelirleri", "", "", ""),
    ("654", "Karşılık Giderleri", "expense", "", ""),
    ("654.01", "Karşılık Giderleri", "", "", ""),
    ("656", "Kambiyo Zararları", "expense", "", ""),
    ("656.01", "Kambiyo Zararları", "", "", ""),
    ("657", "Reeskont Faiz Giderleri", "expense", "", ""),
    ("657.01", "Reeskont Faiz Giderleri", "", "", ""),
    ("659", "Diğer Olağan Gider ve Zararlar", "expense", "", ""),
    ("659.01", "Diğer Olağan Giderler", "", "", ""),
    ("659.99", "Yuvarlama Farkları", "", "", ""),
    ("660", "Kısa Vadeli Borçlanma Giderleri", "expense", "", ""),
    ("689", "Diğer Olağandışı Gider ve Zararlar", "expense", "", ""),
    ("689.01", "Kanunen Kabul Edilmeyen Giderler", "", "", ""),
    ("690", "Dönem Kârı veya Zararı", "expense", "", ""),
    ("691", "Dönem Kârı Vergi ve Diğer Yasal Yükümlülük Karşılıkları", "expense", "", ""),
    ("692", "Dönem Net Kârı veya Zararı", "expense", "", ""),
    ("720", "Direkt İşçilik Giderleri", "expense", "", ""),
    ("720.01", "Mutfak Personeli Ücretleri", "", "", ""),
    ("720.02", "Mutfak Personeli SGK İşveren Payı", "", "", ""),
    ("721", "Direkt İşçilik Giderleri Yansıtma", "expense", "", ""),
    ("730", "Genel Üretim Giderleri", "expense", "", ""),
    ("730.01", "Mutfak Yardımcı Personel Ücretleri", "", "", ""),
    ("730.02", "Mutfak Yardımcı Personel SGK İşveren Payı", "", "", ""),
    ("731", "Genel Üretim Giderleri Yansıtma", "expense", "", ""),
    ("760", "Pazarlama Satış ve Dağıtım Giderleri", "expense", "", ""),
    ("760.01", "Reklam ve İlan Giderleri", "", "", ""),
    ("760.02", "Paket Servis Komisyonları", "", "", ""),
    ("760.03", "Catering Araç Yakıtları", "", "", ""),
    ("760.04", "Çiçek ve Sunum Giderleri", "", "", ""),
    ("760.05", "Yemek Kartı Komisyonları", "", "", ""),
    ("760.06", "Servis Personeli Ücretleri", "", "", ""),
    ("760.07", "Servis Personeli SGK İşveren Payı", "", "", ""),
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
    ("inventory", "150.01"), ("production", "151.01"), ("goods_received", GRNI), ("cogs", "620.01"),
    ("waste", "621.02"),
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
    # the year end (docs/close.md): provisional tax, provisions, rediscount
    ("prepaid_tax", "193.01"), ("prepaid_tax_offset", "371"), ("provisional_tax_payable", "360.04"),
    ("provision_expense", "654.01"), ("doubtful_receivable", "128.01"), ("doubtful_allowance", "129.01"),
    ("notes_receivable", "121.01"), ("notes_payable", NOTES_PAYABLE), ("rediscount_receivable", "122.01"),
    ("rediscount_payable", "322.01"), ("rediscount_expense", "657.01"), ("rediscount_income", "647.01"),
    ("severance_provision", "472.01"), ("leave_provision", "379.01"),
    # `kebir close --charge EM-0007`: a count shortage charged to an employee (docs/close.md)
    ("personnel_receivable", "135.01"),
)
# [accounts.reclass]: the instalment of the long-term loan that falls due within a year moves to 303
RECLASS = (("400", "303"),)
# books.toml [close]: the year end (docs/close.md). The rediscount rate is the demo's own figure (take
# the CBRT's rate in force on the balance-sheet day); the severance ceilings are 2025's two half-years.
YEAR_END_CLOSE = {
    "corporate_tax_rate": "25", "minimum_tax_rate": "10", "kkeg_accounts": ["689"], "rediscount_rate": "45",
    "losses": {"2023": "2500000.00"},                      # a tax loss of 2023, before the demo's books begin
    "severance_ceiling": {"2025-01": "46655.43", "2025-07": "53919.68"},
}
# a customer whose unpaid invoice went to enforcement (icra) in November: doubtful at the year end
LEGAL_FOLLOW_UP = {"CU-0031": "2025-11-14"}
# unused paid leave at the year end, in days, by employee
LEAVE_DAYS = {"EM-0003": "12", "EM-0011": "6"}
# 7/A reflection at year end: expense group -> "mirror:income-statement account"
REFLECTION = (("720", "721:622"), ("730", "731:622"), ("760", "761:631"), ("770", "771:632"), ("780", "781:660"))
# books.toml [accounts.cost_centre]: where each cost centre's wages post (gross wages : employer
# SGK and unemployment), so the 7/A chart sees production, service and office wages apart
# (docs/close.md, "Payroll by cost centre"); each employee names one (COST_CENTRE_OF_ROLE).
COST_CENTRES = (("kitchen", "720.01:720.02"), ("kitchen_support", "730.01:730.02"), ("service", "760.06:760.07"),
                ("office", f"{SALARIES}:{EMPLOYER_SGK}"))
COST_CENTRE_OF_ROLE = {
    "cook": "kitchen", "chef": "kitchen", "sous chef": "kitchen", "executive chef": "kitchen",
    "dishwasher": "kitchen_support",
    "waiter": "service", "bartender": "service", "cashier": "service", "restaurant manager": "service",
    "driver": "service", "sales representative": "service", "sales manager": "service",
    "catering coordinator": "service",
    "general manager": "office", "finance manager": "office", "accountant": "office",
    "purchasing specialist": "office",
}
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
    country: str = ""                  # foreign suppliers: ISO 3166 code (Ba form, e-invoices)


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
      arrives="08:15", city="Kalamata", email="orders@kalamata-elaiourgia.gr", phone="+30 27210 55512",
      country="GR"),
    SupplierSpec("oven", "Forni Veneti S.r.l.", ("equipment", "import"), currency="EUR", city="Padova",
      email="export@forniveneti.it", phone="+39 049 555 0142", country="IT"),
    SupplierSpec("software", "TableBook Inc.", ("software", "import"), terms="due", currency="USD", city="Austin",
      email="billing@tablebook.example", phone="+1 512 555 0175", country="US"),
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
    ItemSpec("OIL-SIZMA", "Sızma zeytinyağı (extra virgin olive oil), Kalamata", "l", "oil", "1", "greek", 980,
      step=5000),
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
                   ("DSH-HUMUS", "0.5", "portion", ""), ("DAI-BEYAZ-PEYNIR", "40", "g", ""),
                   ("DAI-KASAR", "30", "g", ""),
                   ("FSH-SOMON", "40", "g", "5"), ("SEA-KARIDES", "25", "g", "30"), ("DRY-UN", "30", "g", ""),
                   ("DAI-TEREYAG", "10", "g", "")),
    "CAT-MENU-IFTAR": (("DRY-MERCIMEK", "40", "g", ""), ("MEA-KUZU-INCIK", "250", "g", ""),
                       ("DRY-PIRINC", "80", "g", ""),
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
    ("ICK-CAY", "Çay", "portion", "drinks", "10", 100, 34, 37, (("DRK-CAY", "5", "g", ""),
                                                               ("DRY-SEKER", "6", "g", ""))),
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
WEEKDAY_FACTOR = (780, 820, 880, 960, 1230, 1420, 1180)   # restaurant trade by weekday, per mille
SCALE = 10**9

SALES_SEASON = {"KDK": (950, 930, 980, 1000, 1030, 1050, 1000, 980, 1020, 1040, 1000, 1080),
                "BSK": (900, 880, 950, 1000, 1050, 1100, 1150, 1150, 1080, 1020, 960, 1050)}
SPECIAL_DAYS = {d("2024-12-31"): 1800, d("2025-02-14"): 1300, d("2025-12-31"): 1800,
                d("2025-03-30"): 900, d("2025-03-31"): 900, d("2025-04-01"): 900, d("2025-06-06"): 900,
                d("2025-06-07"): 900, d("2025-06-08"): 900, d("2025-06-09"): 900}
