"""Charts of accounts that `kebir init` writes: the Turkish uniform chart (Tekdüzen Hesap Planı) and a
small IFRS-style chart, each with codes, names and types, and the account roles its postings use.

A type is given on a group and inherited by the accounts under it (core/books/readers.py). Groups hold no
postings; the `.01` leaves do. The TDHP chart follows the Ministry of Finance's numbering (1 current
assets, 2 non-current assets, 3 and 4 liabilities, 5 equity, 6 income statement, 7 cost accounts
under option 7/A with reflection at year end); the IFRS chart is what a small company reporting
under IFRS for SMEs starts with. Both are starting points: add and rename accounts with
`kebir accounts add|rename`.
"""

from __future__ import annotations

# (code, name, type for groups / "" for leaves, pinned currency)
Chart = tuple[tuple[str, str, str, str], ...]

TDHP: Chart = (
    ("100", "Kasa", "cash", ""), ("100.01", "Merkez Kasa", "", ""),
    ("101", "Alınan Çekler", "asset", ""), ("101.01", "Portföydeki Çekler", "", ""),
    ("102", "Bankalar", "bank", ""), ("102.01", "Banka TRY", "", "TRY"), ("102.02", "Banka EUR", "", "EUR"),
    ("108", "Diğer Hazır Değerler", "asset", ""), ("108.01", "Kredi Kartı Alacakları", "", ""),
    ("108.02", "Yemek Kartı Alacakları", "", ""),
    ("120", "Alıcılar", "asset", ""), ("120.01", "Yurt İçi Alıcılar", "", ""),
    ("126", "Verilen Depozito ve Teminatlar", "asset", ""), ("126.01", "Verilen Depozitolar", "", ""),
    ("128", "Şüpheli Ticari Alacaklar", "asset", ""), ("128.01", "Şüpheli Alacaklar", "", ""),
    ("129", "Şüpheli Ticari Alacaklar Karşılığı", "asset", ""), ("129.01", "Şüpheli Alacaklar Karşılığı", "", ""),
    ("136", "Diğer Çeşitli Alacaklar", "asset", ""), ("136.01", "Diğer Alacaklar", "", ""),
    ("150", "İlk Madde ve Malzeme", "asset", ""), ("150.01", "İlk Madde ve Malzeme", "", ""),
    ("153", "Ticari Mallar", "asset", ""), ("153.01", "Ticari Mallar", "", ""),
    ("159", "Verilen Sipariş Avansları", "asset", ""), ("159.01", "Verilen Avanslar", "", ""),
    ("180", "Gelecek Aylara Ait Giderler", "asset", ""), ("180.01", "Peşin Ödenen Giderler", "", ""),
    ("190", "Devreden KDV", "asset", ""), ("190.01", "Devreden KDV", "", ""),
    ("191", "İndirilecek KDV", "asset", ""), ("191.01", "İndirilecek KDV %1", "", ""),
    ("191.02", "İndirilecek KDV %10", "", ""), ("191.03", "İndirilecek KDV %20", "", ""),
    ("193", "Peşin Ödenen Vergiler ve Fonlar", "asset", ""), ("193.01", "Peşin Ödenen Vergiler", "", ""),
    ("195", "İş Avansları", "asset", ""), ("195.01", "İş Avansları", "", ""),
    ("197", "Sayım ve Tesellüm Noksanları", "asset", ""), ("197.01", "Sayım Noksanları", "", ""),
    ("252", "Binalar", "asset", ""), ("252.01", "Binalar", "", ""),
    ("253", "Tesis, Makine ve Cihazlar", "asset", ""), ("253.01", "Makine ve Cihazlar", "", ""),
    ("254", "Taşıtlar", "asset", ""), ("254.01", "Taşıtlar", "", ""),
    ("255", "Demirbaşlar", "asset", ""), ("255.01", "Demirbaşlar", "", ""),
    ("257", "Birikmiş Amortismanlar", "asset", ""), ("257.01", "Birikmiş Amortismanlar", "", ""),
    ("260", "Haklar", "asset", ""), ("260.01", "Haklar", "", ""),
    ("264", "Özel Maliyetler", "asset", ""), ("264.01", "Özel Maliyetler", "", ""),
    ("268", "Birikmiş Amortismanlar (Maddi Olmayan)", "asset", ""), ("268.01", "Birikmiş İtfa Payları", "", ""),
    ("300", "Banka Kredileri", "liability", ""), ("300.01", "Kısa Vadeli Banka Kredileri", "", ""),
    ("309", "Diğer Mali Borçlar", "liability", ""), ("309.01", "Kredi Kartı Borçları", "", ""),
    ("320", "Satıcılar", "liability", ""), ("320.01", "Yurt İçi Satıcılar", "", ""),
    ("326", "Alınan Depozito ve Teminatlar", "liability", ""), ("326.01", "Alınan Depozitolar", "", ""),
    ("329", "Diğer Ticari Borçlar", "liability", ""), ("329.01", "Faturası Gelmemiş Alımlar", "", ""),
    ("331", "Ortaklara Borçlar", "liability", ""), ("331.01", "Ortaklara Borçlar", "", ""),
    ("335", "Personele Borçlar", "liability", ""), ("335.01", "Personele Borçlar", "", ""),
    ("340", "Alınan Sipariş Avansları", "liability", ""), ("340.01", "Alınan Avanslar", "", ""),
    ("360", "Ödenecek Vergi ve Fonlar", "liability", ""), ("360.01", "Gelir Vergisi Stopajı", "", ""),
    ("360.02", "Damga Vergisi", "", ""), ("360.03", "Ödenecek KDV", "", ""),
    ("361", "Ödenecek Sosyal Güvenlik Kesintileri", "liability", ""), ("361.01", "SGK Primleri", "", ""),
    ("370", "Dönem Kârı Vergi ve Diğer Yasal Yükümlülük Karşılıkları", "liability", ""),
    ("371", "Dönem Kârının Peşin Ödenen Vergi ve Diğer Yükümlülükleri", "liability", ""),
    ("391", "Hesaplanan KDV", "liability", ""), ("391.01", "Hesaplanan KDV %1", "", ""),
    ("391.02", "Hesaplanan KDV %10", "", ""), ("391.03", "Hesaplanan KDV %20", "", ""),
    ("397", "Sayım ve Tesellüm Fazlaları", "liability", ""), ("397.01", "Sayım Fazlaları", "", ""),
    ("400", "Uzun Vadeli Banka Kredileri", "liability", ""), ("400.01", "Uzun Vadeli Krediler", "", ""),
    ("500", "Sermaye", "equity", ""), ("500.01", "Sermaye", "", ""),
    ("501", "Ödenmemiş Sermaye", "equity", ""), ("501.01", "Ödenmemiş Sermaye", "", ""),
    ("540", "Yasal Yedekler", "equity", ""), ("540.01", "Yasal Yedekler", "", ""),
    ("570", "Geçmiş Yıllar Kârları", "equity", ""), ("570.01", "Geçmiş Yıllar Kârları", "", ""),
    ("580", "Geçmiş Yıllar Zararları", "equity", ""), ("580.01", "Geçmiş Yıllar Zararları", "", ""),
    ("590", "Dönem Net Kârı", "equity", ""), ("590.01", "Dönem Net Kârı", "", ""),
    ("591", "Dönem Net Zararı", "equity", ""), ("591.01", "Dönem Net Zararı", "", ""),
    ("600", "Yurt İçi Satışlar", "income", ""), ("600.01", "Yurt İçi Satışlar", "", ""),
    ("601", "Yurt Dışı Satışlar", "income", ""), ("601.01", "Yurt Dışı Satışlar", "", ""),
    ("602", "Diğer Gelirler", "income", ""), ("602.01", "Diğer Gelirler", "", ""),
    ("610", "Satıştan İadeler", "income", ""), ("610.01", "Satıştan İadeler", "", ""),
    ("611", "Satış İskontoları", "income", ""), ("611.01", "Satış İskontoları", "", ""),
    ("620", "Satılan Mamuller Maliyeti", "expense", ""), ("620.01", "Satılan Mamuller Maliyeti", "", ""),
    ("621", "Satılan Ticari Mallar Maliyeti", "expense", ""), ("621.01", "Satılan Ticari Mallar Maliyeti", "", ""),
    ("621.02", "Fire ve Zayiat", "", ""), ("621.09", "Fiyat Farkları", "", ""),
    ("631", "Pazarlama Satış ve Dağıtım Giderleri", "expense", ""),
    ("632", "Genel Yönetim Giderleri", "expense", ""),
    ("642", "Faiz Gelirleri", "income", ""), ("642.01", "Mevduat Faizleri", "", ""),
    ("646", "Kambiyo Kârları", "income", ""), ("646.01", "Kambiyo Kârları", "", ""),
    ("649", "Diğer Olağan Gelir ve Kârlar", "income", ""), ("649.01", "Diğer Olağan Gelirler", "", ""),
    ("653", "Komisyon Giderleri", "expense", ""), ("653.01", "Komisyon Giderleri", "", ""),
    ("654", "Karşılık Giderleri", "expense", ""), ("654.01", "Şüpheli Alacak Karşılık Giderleri", "", ""),
    ("656", "Kambiyo Zararları", "expense", ""), ("656.01", "Kambiyo Zararları", "", ""),
    ("659", "Diğer Olağan Gider ve Zararlar", "expense", ""), ("659.01", "Diğer Olağan Giderler", "", ""),
    ("659.99", "Yuvarlama Farkları", "", ""),
    ("660", "Kısa Vadeli Borçlanma Giderleri", "expense", ""),
    ("679", "Diğer Olağandışı Gelir ve Kârlar", "income", ""), ("679.01", "Olağandışı Gelirler", "", ""),
    ("689", "Diğer Olağandışı Gider ve Zararlar", "expense", ""), ("689.01", "Olağandışı Giderler", "", ""),
    ("690", "Dönem Kârı veya Zararı", "expense", ""),
    ("691", "Dönem Kârı Vergi ve Diğer Yasal Yükümlülük Karşılıkları", "expense", ""),
    ("692", "Dönem Net Kârı veya Zararı", "expense", ""),
    ("760", "Pazarlama Satış ve Dağıtım Giderleri", "expense", ""), ("760.01", "Reklam ve İlan Giderleri", "", ""),
    ("760.02", "Satış Komisyonları", "", ""),
    ("761", "Pazarlama Satış ve Dağıtım Giderleri Yansıtma", "expense", ""),
    ("770", "Genel Yönetim Giderleri", "expense", ""), ("770.01", "Kira Giderleri", "", ""),
    ("770.02", "Elektrik, Su ve Doğalgaz", "", ""), ("770.03", "İletişim Giderleri", "", ""),
    ("770.04", "Amortisman Giderleri", "", ""), ("770.05", "Kırtasiye ve Büro Giderleri", "", ""),
    ("770.06", "Mali Müşavirlik", "", ""), ("770.07", "Bakım ve Onarım", "", ""),
    ("770.08", "Personel Ücretleri", "", ""), ("770.09", "SGK İşveren Payı", "", ""),
    ("770.99", "Diğer Genel Yönetim Giderleri", "", ""),
    ("771", "Genel Yönetim Giderleri Yansıtma", "expense", ""),
    ("780", "Finansman Giderleri", "expense", ""), ("780.01", "Banka Masrafları", "", ""),
    ("780.02", "Kredi Kartı Komisyonları", "", ""), ("780.03", "Kredi Faizleri", "", ""),
    ("781", "Finansman Giderleri Yansıtma", "expense", ""),
)

TDHP_ROLES: dict[str, str] = {
    "rounding": "659.99", "receivable": "120.01", "payable": "320.01", "advances_received": "340.01",
    "inventory": "150.01", "goods_received": "329.01", "cogs": "621.01", "waste": "621.02",
    "count_shortage": "197.01", "count_surplus": "397.01", "price_difference": "621.09",
    "sales": "600.01", "sales_returns": "610.01", "fx_gain": "646.01", "fx_loss": "656.01",
    "bank": "102.01", "cash": "100.01", "card_receivable": "108.01", "voucher_receivable": "108.02",
    "expenses": "770.99", "salaries": "770.08", "employer_contributions": "770.09", "net_pay": "335.01",
    "income_tax_payable": "360.01", "stamp_tax_payable": "360.02", "social_security_payable": "361.01",
    "vat_payable": "360.03", "vat_carry_forward": "190.01", "retained_earnings": "570.01",
    "period_result": "690", "tax_expense": "691", "tax_provision": "370", "net_result": "692",
    "retained_earnings_profit": "590.01", "retained_earnings_loss": "591.01", "marketing": "760.01",
}
TDHP_VAT_OUTPUT = {"1": "391.01", "10": "391.02", "20": "391.03"}
TDHP_VAT_INPUT = {"1": "191.01", "10": "191.02", "20": "191.03"}
TDHP_REFLECTION = {"760": "761:631", "770": "771:632", "780": "781:660"}

IFRS: Chart = (
    ("1000", "Cash and cash equivalents", "cash", ""), ("1010", "Petty cash", "", ""),
    ("1020", "Bank, current account", "bank", ""), ("1030", "Bank, EUR account", "bank", "EUR"),
    ("1040", "Card settlements receivable", "asset", ""),
    ("1100", "Trade receivables", "asset", ""), ("1110", "Trade receivables, domestic", "", ""),
    ("1190", "Allowance for doubtful receivables", "", ""),
    ("1200", "Inventories", "asset", ""), ("1210", "Raw materials", "", ""), ("1220", "Goods for resale", "", ""),
    ("1300", "Other current assets", "asset", ""), ("1310", "Prepaid expenses", "", ""),
    ("1320", "VAT receivable", "", ""), ("1330", "VAT carried forward", "", ""),
    ("1340", "Stock count shortages pending", "", ""),
    ("1500", "Property, plant and equipment", "asset", ""), ("1510", "Buildings", "", ""),
    ("1520", "Machinery and equipment", "", ""), ("1530", "Vehicles", "", ""),
    ("1540", "Furniture and fittings", "", ""),
    ("1590", "Accumulated depreciation", "", ""),
    ("1600", "Intangible assets", "asset", ""), ("1610", "Software and licences", "", ""),
    ("1690", "Accumulated amortisation", "", ""),
    ("2000", "Trade payables", "liability", ""), ("2010", "Trade payables, domestic", "", ""),
    ("2020", "Goods received not invoiced", "", ""),
    ("2100", "Borrowings", "liability", ""), ("2110", "Short-term bank loans", "", ""),
    ("2120", "Long-term bank loans", "", ""),
    ("2200", "Employee liabilities", "liability", ""), ("2210", "Net pay payable", "", ""),
    ("2220", "Social security payable", "", ""),
    ("2300", "Taxes payable", "liability", ""), ("2310", "VAT output", "", ""), ("2320", "VAT payable", "", ""),
    ("2330", "Withholding tax payable", "", ""), ("2340", "Stamp tax payable", "", ""),
    ("2350", "Income tax provision", "", ""),
    ("2400", "Other current liabilities", "liability", ""), ("2410", "Customer advances", "", ""),
    ("2420", "Stock count surpluses pending", "", ""),
    ("3000", "Equity", "equity", ""), ("3010", "Share capital", "", ""), ("3020", "Retained earnings", "", ""),
    ("3030", "Legal reserves", "", ""),
    ("4000", "Revenue", "income", ""), ("4010", "Sales of goods and services", "", ""),
    ("4020", "Sales returns and allowances", "", ""), ("4090", "Other income", "", ""),
    ("4100", "Finance income", "income", ""), ("4110", "Interest income", "", ""),
    ("4120", "Foreign exchange gains", "", ""),
    ("5000", "Cost of sales", "expense", ""), ("5010", "Cost of goods sold", "", ""),
    ("5020", "Waste and spoilage", "", ""),
    ("5030", "Purchase price differences", "", ""),
    ("6000", "Operating expenses", "expense", ""), ("6010", "Salaries and wages", "", ""),
    ("6020", "Employer social security", "", ""), ("6030", "Rent", "", ""), ("6040", "Utilities", "", ""),
    ("6050", "Marketing and advertising", "", ""), ("6060", "Depreciation and amortisation", "", ""),
    ("6070", "Repairs and maintenance", "", ""), ("6080", "Professional fees", "", ""),
    ("6090", "Other operating expenses", "", ""),
    ("7000", "Finance costs", "expense", ""), ("7010", "Bank charges", "", ""), ("7020", "Interest expense", "", ""),
    ("7030", "Foreign exchange losses", "", ""), ("7090", "Rounding differences", "", ""),
    ("8000", "Income tax expense", "expense", ""), ("8010", "Current income tax", "", ""),
)
# IFRS codes are parented by their thousand: 1010 under 1000, and so on (see `parents`).

IFRS_ROLES: dict[str, str] = {
    "rounding": "7090", "receivable": "1110", "payable": "2010", "advances_received": "2410",
    "inventory": "1210", "goods_received": "2020", "cogs": "5010", "waste": "5020",
    "count_shortage": "1340", "count_surplus": "2420", "price_difference": "5030",
    "sales": "4010", "sales_returns": "4020", "fx_gain": "4120", "fx_loss": "7030",
    "bank": "1020", "cash": "1010", "card_receivable": "1040", "expenses": "6090",
    "salaries": "6010", "employer_contributions": "6020", "net_pay": "2210",
    "income_tax_payable": "2330", "stamp_tax_payable": "2340", "social_security_payable": "2220",
    "vat_payable": "2320", "vat_carry_forward": "1330", "retained_earnings": "3020",
    "tax_expense": "8010", "tax_provision": "2350", "marketing": "6050",
}
IFRS_VAT_OUTPUT = {"1": "2310", "10": "2310", "20": "2310"}
IFRS_VAT_INPUT = {"1": "1320", "10": "1320", "20": "1320"}

CHARTS = {"tr-tdhp": (TDHP, TDHP_ROLES, TDHP_VAT_OUTPUT, TDHP_VAT_INPUT, TDHP_REFLECTION),
          "ifrs-small": (IFRS, IFRS_ROLES, IFRS_VAT_OUTPUT, IFRS_VAT_INPUT, {})}


def parent_of(chart: str, code: str, codes: set[str]) -> str | None:
    """TDHP: 100.01 under 100. IFRS: a code ending in 00 is a top-level group; 1010 is under 1000,
    1110 under 1100 (its hundred)."""
    if "." in code:
        return code.rsplit(".", 1)[0]
    if chart == "ifrs-small" and len(code) == 4 and not code.endswith("00"):
        group = code[:2] + "00"
        return group if group in codes else None
    return None


def account_records(chart: str) -> list[dict[str, str]]:
    """The chart as accounts.yaml records: code, name, type on groups, parent where implied."""
    rows, *_ = CHARTS[chart]
    codes = {c for c, *_ in rows}
    out = []
    for code, name, typ, currency in rows:
        rec = {"code": code, "name": name}
        parent = parent_of(chart, code, codes)
        if parent and "." not in code:       # TDHP parents follow from the dotted code; IFRS ones are written
            rec["parent"] = parent
        if typ:
            rec["type"] = typ
        if currency:
            rec["currency"] = currency
        out.append(rec)
    return out


# The uniform chart's account classes (1 digit) and groups (2 digits), as the Ministry of Finance
# names them: the levels above the ledger accounts in a mizan and the lines of the filed statements.
TDHP_CLASSES: dict[str, str] = {
    "1": "Dönen Varlıklar", "2": "Duran Varlıklar", "3": "Kısa Vadeli Yabancı Kaynaklar",
    "4": "Uzun Vadeli Yabancı Kaynaklar", "5": "Özkaynaklar", "6": "Gelir Tablosu Hesapları",
    "7": "Maliyet Hesapları", "8": "Serbest Hesaplar", "9": "Nazım Hesaplar",
}
TDHP_GROUPS: dict[str, str] = {
    "10": "Hazır Değerler", "11": "Menkul Kıymetler", "12": "Ticari Alacaklar", "13": "Diğer Alacaklar",
    "15": "Stoklar", "17": "Yıllara Yaygın İnşaat ve Onarım Maliyetleri",
    "18": "Gelecek Aylara Ait Giderler ve Gelir Tahakkukları", "19": "Diğer Dönen Varlıklar",
    "22": "Ticari Alacaklar", "23": "Diğer Alacaklar", "24": "Mali Duran Varlıklar", "25": "Maddi Duran Varlıklar",
    "26": "Maddi Olmayan Duran Varlıklar", "27": "Özel Tükenmeye Tabi Varlıklar",
    "28": "Gelecek Yıllara Ait Giderler ve Gelir Tahakkukları", "29": "Diğer Duran Varlıklar",
    "30": "Mali Borçlar", "32": "Ticari Borçlar", "33": "Diğer Borçlar", "34": "Alınan Avanslar",
    "35": "Yıllara Yaygın İnşaat ve Onarım Hakedişleri", "36": "Ödenecek Vergi ve Diğer Yükümlülükler",
    "37": "Borç ve Gider Karşılıkları", "38": "Gelecek Aylara Ait Gelirler ve Gider Tahakkukları",
    "39": "Diğer Kısa Vadeli Yabancı Kaynaklar", "40": "Mali Borçlar", "42": "Ticari Borçlar", "43": "Diğer Borçlar",
    "44": "Alınan Avanslar", "47": "Borç ve Gider Karşılıkları",
    "48": "Gelecek Yıllara Ait Gelirler ve Gider Tahakkukları",
    "49": "Diğer Uzun Vadeli Yabancı Kaynaklar", "50": "Ödenmiş Sermaye", "52": "Sermaye Yedekleri",
    "54": "Kâr Yedekleri", "57": "Geçmiş Yıllar Kârları", "58": "Geçmiş Yıllar Zararları (-)",
    "59": "Dönem Net Kârı (Zararı)", "60": "Brüt Satışlar", "61": "Satış İndirimleri (-)",
    "62": "Satışların Maliyeti (-)", "63": "Faaliyet Giderleri (-)",
    "64": "Diğer Faaliyetlerden Olağan Gelir ve Kârlar", "65": "Diğer Faaliyetlerden Olağan Gider ve Zararlar (-)",
    "66": "Finansman Giderleri (-)", "67": "Olağandışı Gelir ve Kârlar", "68": "Olağandışı Gider ve Zararlar (-)",
    "69": "Dönem Net Kârı veya Zararı", "71": "Direkt İlk Madde ve Malzeme Giderleri", "72": "Direkt İşçilik Giderleri",
    "73": "Genel Üretim Giderleri", "74": "Hizmet Üretim Maliyeti", "75": "Araştırma ve Geliştirme Giderleri",
    "76": "Pazarlama Satış ve Dağıtım Giderleri", "77": "Genel Yönetim Giderleri", "78": "Finansman Giderleri",
    "79": "Çeşitli Hesaplar",
}
# IFRS chart: liabilities due after twelve months (everything else under 2xxx is current), and the
# first asset code that is non-current (1000-1499 current, 1500 on non-current).
IFRS_LONG_TERM = ("2120",)
IFRS_NON_CURRENT_FROM = 1500
