"""The one catalogue of what reports say to people, in English and Turkish.

Report titles, headings, statement lines, checklist rows and the close pack take their words from
here and nowhere else: `text(key, lang)` looks a key up, `period_text` says a period as people say
it ("1-31 January 2025", "1 Ocak - 31 Ocak 2025"). Machine-facing names never come from here:
JSON keys, CSV column ids, statement line ids (`line`) and check ids stay the same in every
language, so a script reads a Turkish report as it reads an English one.

The language is books.toml `[company] language` ("tr" or "en"), or `--lang`; English when neither
says. This module imports only its part for the close (core/model/i18n_close.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from core.model.i18n_close import CLOSE

LANGUAGES = ("en", "tr")
DEFAULT = "en"

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "tr": ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
           "Kasım", "Aralık"),
}
MONTHS_SHORT = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "tr": ("Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"),
}

# key -> (English, Turkish). Placeholders are str.format fields.
CATALOGUE: dict[str, tuple[str, str]] = {
    # titles
    "title.trial_balance": ("Trial balance, {period}", "Mizan, {period}"),
    "title.trial_balance_closing": ("Trial balance, balances at {day}", "Mizan, {day} itibarıyla bakiyeler"),
    "title.balance_sheet": ("Balance sheet at {day}", "{day} tarihli bilanço"),
    "title.balance_sheet_series": ("Balance sheet, {first} - {last}", "Bilanço, {first} - {last}"),
    "title.balance_sheet_compare": ("Balance sheet at {day}, compared with {others}",
                                    "{day} tarihli bilanço, karşılaştırma: {others}"),
    "title.income_statement": ("Income statement, {period}", "Gelir tablosu, {period}"),
    "title.income_statement_compare": ("Income statement, {period}, compared with {others}",
                                       "Gelir tablosu, {period}, karşılaştırma: {others}"),
    "title.close_pack": ("Close pack {period}: {company}", "Dönem kapanış dosyası {period}: {company}"),
    "all_dates": ("all dates", "tüm tarihler"),
    "quarter": ("Q{q} {year}", "{year} {q}. çeyrek"),
    # columns (titles only: the keys are fixed)
    "col.account": ("Account", "Hesap"),
    "col.name": ("Name", "Hesap adı"),
    "col.amount": ("Amount", "Tutar"),
    "col.debit": ("Debit", "Borç"),
    "col.credit": ("Credit", "Alacak"),
    "col.balance": ("Balance", "Bakiye"),
    "col.opening_debit": ("Opening debit", "Devir borç"),
    "col.opening_credit": ("Opening credit", "Devir alacak"),
    "col.period_debit": ("Period debit", "Dönem borç"),
    "col.period_credit": ("Period credit", "Dönem alacak"),
    "col.debit_balance": ("Debit balance", "Borç bakiyesi"),
    "col.credit_balance": ("Credit balance", "Alacak bakiyesi"),
    "col.level": ("Level", "Düzey"),
    "col.section": ("Section", "Bölüm"),
    "col.line": ("Line", "Satır"),
    "col.trend": ("Trend", "Eğilim"),
    "col.memo": ("Memo", "Açıklama"),
    "col.check": ("Check", "Kontrol"),
    "col.result": ("Result", "Sonuç"),
    "col.detail": ("Detail", "Ayrıntı"),
    "col.change": ("Change", "Değişim"),
    "col.change_pct": ("Change %", "Değişim %"),
    "total": ("Total", "Toplam"),
    # trial balance levels
    "tb.level.class": ("Class {code}", "{code} hesap sınıfı"),
    "tb.balanced": ("Balanced", "Denk"),
    "yes": ("yes", "evet"),
    "no": ("no", "hayır"),
    # balance sheet
    "bs.assets": ("Assets", "Aktif (Varlıklar)"),
    "bs.current_assets": ("Current assets", "Dönen varlıklar"),
    "bs.non_current_assets": ("Non-current assets", "Duran varlıklar"),
    "bs.total_assets": ("Total assets", "Aktif toplamı"),
    "bs.liabilities_equity": ("Liabilities and equity", "Pasif (Kaynaklar)"),
    "bs.short_term": ("Short-term liabilities", "Kısa vadeli yabancı kaynaklar"),
    "bs.long_term": ("Long-term liabilities", "Uzun vadeli yabancı kaynaklar"),
    "bs.total_liabilities": ("Total liabilities", "Yabancı kaynaklar toplamı"),
    "bs.total_current_assets": ("Total current assets", "Dönen varlıklar toplamı"),
    "bs.total_non_current_assets": ("Total non-current assets", "Duran varlıklar toplamı"),
    "bs.total_short_term": ("Total short-term liabilities", "Kısa vadeli yabancı kaynaklar toplamı"),
    "bs.total_long_term": ("Total long-term liabilities", "Uzun vadeli yabancı kaynaklar toplamı"),
    "bs.equity": ("Equity", "Özkaynaklar"),
    "bs.result_year": ("Result of the period, not yet closed", "Dönem net kârı (zararı), kapanmamış"),
    "bs.result_earlier": ("Result of earlier years, not yet closed", "Geçmiş yılların kapanmamış sonucu"),
    "bs.total_equity": ("Total equity", "Özkaynaklar toplamı"),
    "bs.total_liabilities_equity": ("Total liabilities and equity", "Pasif toplamı"),
    "bs.unclassified": ("Accounts not in the chart", "Hesap planında olmayan hesaplar"),
    # income statement, TDHP order (class 6)
    "is.gross_sales": ("Gross sales", "Brüt satışlar"),
    "is.sales_deductions": ("Sales deductions (-)", "Satış indirimleri (-)"),
    "is.net_sales": ("Net sales", "Net satışlar"),
    "is.cost_of_sales": ("Cost of sales (-)", "Satışların maliyeti (-)"),
    "is.gross_profit": ("Gross profit on sales", "Brüt satış kârı veya zararı"),
    "is.operating_expenses": ("Operating expenses (-)", "Faaliyet giderleri (-)"),
    "is.operating_profit": ("Operating profit", "Faaliyet kârı veya zararı"),
    "is.other_income": ("Other ordinary income and gains", "Diğer faaliyetlerden olağan gelir ve kârlar"),
    "is.other_expenses": ("Other ordinary expenses and losses (-)",
                          "Diğer faaliyetlerden olağan gider ve zararlar (-)"),
    "is.finance_costs": ("Finance costs (-)", "Finansman giderleri (-)"),
    "is.ordinary_profit": ("Ordinary profit", "Olağan kâr veya zarar"),
    "is.extraordinary_income": ("Extraordinary income and gains", "Olağandışı gelir ve kârlar"),
    "is.extraordinary_expenses": ("Extraordinary expenses and losses (-)", "Olağandışı gider ve zararlar (-)"),
    "is.profit_before_tax": ("Profit before tax", "Dönem kârı veya zararı"),
    "is.tax": ("Tax on profit (-)", "Dönem kârı vergi ve diğer yasal yükümlülük karşılıkları (-)"),
    "is.net_profit": ("Net profit for the period", "Dönem net kârı veya zararı"),
    "is.unmapped": ("Other income and expense accounts", "Diğer gelir ve gider hesapları"),
    # income statement by function (IFRS)
    "is.revenue": ("Revenue", "Hasılat"),
    "is.other_operating_income": ("Other income", "Diğer gelirler"),
    "is.finance_income": ("Finance income", "Finansman gelirleri"),
    "is.profit": ("Profit for the period", "Dönem kârı"),
    # close pack
    "pack.heading": ("Close pack: {period}", "Dönem kapanış dosyası: {period}"),
    "pack.period": ("Period", "Dönem"),
    "pack.base_currency": ("Base currency", "Ana para birimi"),
    "pack.status": ("Status", "Durum"),
    "pack.draft": ("draft: no close record", "taslak: kapanış kaydı yok"),
    "pack.closed_by": ("Closed by", "Kapatan"),
    "pack.closed_on": ("Closed on", "Kapanış tarihi"),
    "pack.filed": ("Filed", "Beyan edildi"),
    "pack.filed_yes": ("yes: can no longer be reopened", "evet: artık yeniden açılamaz"),
    "pack.totals": ("Totals", "Toplamlar"),
    "pack.seal": ("Seal", "Mühür"),
    "pack.previous_seal": ("Previous seal", "Önceki mühür"),
    "pack.history": ("History", "Geçmiş"),
    "pack.none": ("none", "yok"),
    "pack.summary": ("Summary", "Özet"),
    "pack.revenue": ("Revenue ({cur})", "Gelirler ({cur})"),
    "pack.expenses": ("Expenses ({cur})", "Giderler ({cur})"),
    "pack.result": ("Net result ({cur})", "Net sonuç ({cur})"),
    "pack.cash": ("Cash and bank ({cur})", "Kasa ve banka ({cur})"),
    "pack.trial_balance": ("Trial balance", "Mizan"),
    "pack.balance_sheet": ("Balance sheet", "Bilanço"),
    "pack.income_statement": ("Income statement", "Gelir tablosu"),
    "pack.checklist": ("Checklist", "Kontrol listesi"),
    "pack.close_checklist": ("Close checklist", "Kapanış kontrol listesi"),
    "pack.generated": ("Generated entries", "Kapanışın ürettiği kayıtlar"),
    "close.title": ("Close {period}", "{period} kapanışı"),
    "close.year_end": (" (fiscal year end)", " (mali yıl sonu)"),
    "close.debit_credit": ("debit {debit}, credit {credit}", "borç {debit}, alacak {credit}"),
    "pack.year_by_month": ("Fiscal year {period} by month", "Mali yıl {period}, aylara göre"),
    "pack.flows_caption": ("Revenue, expenses and margin ({cur})", "Gelir, gider ve marj ({cur})"),
    "pack.cash_caption": ("Cash and bank balance at month end ({cur})", "Ay sonu kasa ve banka bakiyesi ({cur})"),
    "pack.chart_note": ("Fiscal year to the end of the period, {period}: no later month. Revenue and expenses leave "
                        "out the year-end closing chain into "
                        "retained earnings; cash is the balance of the cash and bank accounts.",
                        "Mali yıl başından dönem sonuna, {period}: sonraki aylar yoktur. Gelir ve giderlere yıl sonu "
                        "kapanış kayıtları dahil değildir; kasa, "
                        "kasa ve banka hesaplarının bakiyesidir."),
    "pack.year_to_date": ("Year to date", "Yılbaşından bugüne"),
    "pack.tb_note": ("Closing balances: everything up to {day}.", "Kapanış bakiyeleri: {day} dahil tüm kayıtlar."),
    "pack.footer": ("Generated by kebir from the books of {company}. Seal:",
                    "{company} defterlerinden kebir ile üretildi. Mühür:"),
    "pack.not_sealed": ("not sealed", "mühürlenmedi"),
    "chart.revenue": ("Revenue", "Gelir"),
    "chart.expenses": ("Expenses", "Gider"),
    "chart.margin": ("Margin (revenue - expenses)", "Marj (gelir - gider)"),
    "chart.cash": ("Cash and bank (month end)", "Kasa ve banka (ay sonu)"),
    "chart.sales_by_customer": ("Top customers", "En çok satış yapılan müşteriler"),
    "chart.sales_by_item": ("Top items", "En çok satılan ürünler"),
    "chart.sales_by_rep": ("Sales by rep", "Satış temsilcisine göre satışlar"),
    "chart.sales_by_location": ("Sales by location", "Şubeye göre satışlar"),
    "chart.sales_by_month": ("Sales by month", "Aylara göre satışlar"),
    "chart.sales": ("Sales", "Satışlar"),
    "chart.net_sales": ("{label}, net sales", "{label}, net satışlar"),
    "chart.open_items": ("Open items by days past due", "Vadesi geçen gün sayısına göre açık kalemler"),
    "chart.stock_by_location": ("Stock value at the end, by location", "Dönem sonu stok değeri, şubeye göre"),
    "chart.operating": ("Operating", "İşletme"),
    "chart.investing": ("Investing", "Yatırım"),
    "chart.financing": ("Financing", "Finansman"),
    "chart.cash_flow": ("Where the cash came from and went", "Nakdin kaynağı ve kullanımı"),
    # checklist rows: the check ids stay as they are in the close record
    "check.documents-posted": ("Documents posted", "Belgeler kaydedildi"),
    "check.stock-valued": ("Stock valued", "Stok değerlendi"),
    "check.ar-tie-out": ("Receivables agree with the control account", "Alacaklar kontrol hesabıyla uyumlu"),
    "check.ap-tie-out": ("Payables agree with the control account", "Borçlar kontrol hesabıyla uyumlu"),
    "check.inventory-tie-out": ("Inventory agrees with the stock ledger", "Stok hesapları stok defteriyle uyumlu"),
    "check.bank-statements": ("Bank balances agree with statements", "Banka bakiyeleri ekstrelerle uyumlu"),
    "check.count-differences-cleared": ("Count differences cleared (197/397)",
                                        "Sayım farkları kapatıldı (197/397)"),
    "check.asset-register-tie-out": ("Fixed assets agree with the asset register",
                                     "Duran varlıklar demirbaş kayıtlarıyla uyumlu"),
    "check.previous-period-closed": ("Previous period closed", "Önceki dönem kapalı"),
    "check.vat-return": ("VAT return (KDV-1) agrees with the VAT offset entry",
                         "KDV beyannamesi (KDV-1) KDV mahsup kaydıyla uyumlu"),
    "check.provisions": ("Year-end provisions", "Yıl sonu karşılıkları"),
    # checklist details as close.py writes them (English in the close record), said again for people
    "detail.posted": ("{done} of {total} documents posted", "{total} belgeden {done} tanesi kaydedildi"),
    "detail.not_posted": ("not posted: {ids}", "kaydedilmeyen: {ids}"),
    "detail.moves": ("{n} moves valued ({methods})", "{n} stok hareketi değerlendi ({methods})"),
    "detail.tie_out": ("{account} = {control}, subledger {sub}", "{account} = {control}, yardımcı defter {sub}"),
    "detail.inventory": ("inventory accounts {books}, stock ledger {ledger}",
                         "stok hesapları {books}, stok defteri {ledger}"),
    "detail.and": (" and ", " ve "),
    "detail.no_stock": ("no stock", "stok yok"),
    "detail.no_role": ("no `{role}` role", "`{role}` rolü tanımlı değil"),
    "detail.no_statement": ("no statement balance in the period", "dönemde ekstre bakiyesi yok"),
    "detail.statements_agree": ("{n} statement balance(s) agree", "{n} ekstre bakiyesi uyumlu"),
    "detail.statement_off": ("{account} on {day}: books {books}, statement {statement}",
                             "{account}, {day}: defter {books}, ekstre {statement}"),
    "detail.prev_closed": ("{period} closed", "{period} kapalı"),
    "detail.first_period": ("first period", "ilk dönem"),
    "detail.prev_open": ("{period} is not closed", "{period} kapalı değil"),
    "result.pass": ("pass", "tamam"),
    "result.fail": ("fail", "hata"),
    "result.skip": ("skip", "atlandı"),
    "result.warn": ("warn", "uyarı"),
    # every other report, said again for people by core/reports/speak.py (text, markdown and HTML;
    # csv and json keep the builders' words and ids). Titles are patterns: {fields} are kept.
    "report.ledger": ("Ledger {accounts}, {period}", "Muavin defter {accounts}, {period}"),
    "report.journal": ("Journal, {period}", "Yevmiye defteri, {period}"),
    "report.cash_flow": ("Cash flow statement, {period}", "Nakit akış tablosu, {period}"),
    "report.stock": ("Stock valuation and movement, {period}", "Stok değerleme ve hareketleri, {period}"),
    "report.sales": ("Sales by {by}, {period}", "Satışlar ({by}), {period}"),
    "report.kpi": ("Key figures, {period}", "Temel göstergeler, {period}"),
    "report.aging_ar": ("Receivables aging on {day}", "{day} itibarıyla alacak yaşlandırması"),
    "report.aging_ap": ("Payables aging on {day}", "{day} itibarıyla borç yaşlandırması"),
    "report.customer": ("Customer {name} ({ids}) on {day}", "Müşteri {name} ({ids}), {day} itibarıyla"),
    "report.recipe_cost": ("Recipe cost on {day}", "{day} itibarıyla reçete maliyeti"),
    "report.usage": ("Theoretical vs actual usage, {period}", "Teorik ve gerçek kullanım, {period}"),
    "report.waste": ("Waste by {by}, {period}", "Fire ({by}), {period}"),
    "report.sales_daypart": ("Covers and sales by daypart, {period}",
                             "Öğünlere göre kişi sayısı ve satışlar, {period}"),
    "report.prime_cost": ("Labour and prime cost by location and month, {period}",
                          "Şube ve aya göre personel ve ana maliyet, {period}"),
    "report.plan_purchases": ("Suggested purchases for {start} .. {last}", "Önerilen satın almalar, {start} .. {last}"),
    "report.pipeline": ("Pipeline on {day}; won and lost {span}",
                        "{day} itibarıyla satış fırsatları; kazanılan ve kaybedilen: {span}"),
    "report.activities": ("Activities, {period}", "Aktiviteler, {period}"),
    "report.segment": ("{title} (on {day})", "{title} ({day} itibarıyla)"),
    "report.accounts": ("Chart of accounts", "Hesap planı"),
    # the taxable-profit worksheet (core.reports.tax_base): the closed year's title first, it is the longer
    "report.tax_base_closed": ("Tax base {year} (settings recorded by the year-end close of {day})",
                               "Kurumlar vergisi matrahı {year} ({day} tarihli yıl sonu kapanışının ayarlarıyla)"),
    "report.tax_base": ("Tax base {year}", "Kurumlar vergisi matrahı {year}"),
    "by.customer": ("customer", "müşteriye göre"),
    "by.item": ("item", "ürüne göre"),
    "by.rep": ("rep", "satış temsilcisine göre"),
    "by.location": ("location", "şubeye göre"),
    "by.month": ("month", "aylara göre"),
    "by.reason": ("reason", "nedene göre"),
    # column headings of those reports, by the words the builders write
    "head.account": ("Account", "Hesap"),
    "head.activity": ("Activity", "Aktivite"),
    "head.actual_qty": ("Actual qty", "Gerçek miktar"),
    "head.actual_value": ("Actual value", "Gerçek değer"),
    "head.amount": ("Amount", "Tutar"),
    "head.balance": ("Balance", "Bakiye"),
    "head.bucket": ("Bucket", "Vade dilimi"),
    "head.change": ("Change", "Değişim"),
    "head.change_pct": ("Change %", "Değişim %"),
    "head.current": ("current", "vadesi gelmemiş"),
    "head.closing_qty": ("Closing qty", "Kapanış miktarı"),
    "head.closing_value": ("Closing value", "Kapanış değeri"),
    "head.confidence": ("Confidence", "Güven"),
    "head.contact": ("Contact", "Kişi/kurum"),
    "head.cost": ("Cost", "Maliyet"),
    "head.credit": ("Credit", "Alacak"),
    "head.customer": ("Customer", "Müşteri"),
    "head.rep": ("Rep", "Satış temsilcisi"),
    "head.month": ("Month", "Ay"),
    "head.currency": ("Currency", "Para birimi"),
    "head.date": ("Date", "Tarih"),
    "head.days_late": ("Days late", "Gecikme (gün)"),
    "head.deals": ("Deals", "Fırsatlar"),
    "head.debit": ("Debit", "Borç"),
    "head.default_pct": ("Default %", "Olasılık %"),
    "head.description": ("Description", "Açıklama"),
    "head.detail": ("Detail", "Ayrıntı"),
    "head.document": ("Document", "Belge"),
    "head.documents": ("Documents", "Belgeler"),
    "head.due": ("Due", "Vade"),
    "head.entry": ("Entry", "Kayıt"),
    "head.file_line": ("File:line", "Dosya:satır"),
    "head.flag": ("Flag", "İşaret"),
    "head.food_cost_pct": ("Food cost %", "Gıda maliyeti %"),
    "head.group": ("Group", "Grup"),
    "head.in_qty": ("In qty", "Giriş miktarı"),
    "head.in_value": ("In value", "Giriş değeri"),
    "head.item": ("Item", "Ürün"),
    "head.kind": ("Kind", "Tür"),
    "head.kpi": ("KPI", "Gösterge"),
    "head.late": ("Late", "Gecikmiş"),
    "head.level": ("Level", "Düzey"),
    "head.location": ("Location", "Şube/depo"),
    "head.margin": ("Margin", "Marj"),
    "head.memo": ("Memo", "Açıklama"),
    "head.name": ("Name", "Ad"),
    "head.line": ("Line", "Satır"),
    "head.need": ("Need", "İhtiyaç"),
    "head.net_sales": ("Net sales", "Net satışlar"),
    "head.on_hand": ("On hand", "Eldeki"),
    "head.on_order": ("On order", "Siparişte"),
    "head.open": ("Open", "Açık"),
    "head.opening_qty": ("Opening qty", "Açılış miktarı"),
    "head.opening_value": ("Opening value", "Açılış değeri"),
    "head.order_by": ("Order by", "Son sipariş tarihi"),
    "head.out_qty": ("Out qty", "Çıkış miktarı"),
    "head.out_value": ("Out value", "Çıkış değeri"),
    "head.outcome": ("Outcome", "Sonuç"),
    "head.owner": ("Owner", "Sorumlu"),
    "head.previous_cost": ("Previous cost", "Önceki maliyet"),
    "head.price": ("Price", "Fiyat"),
    "head.ref": ("Ref", "Belge no"),
    "head.reorder_point": ("Reorder point", "Yeniden sipariş noktası"),
    "head.returns": ("Returns", "İadeler"),
    "head.reason": ("Reason", "Neden"),
    "head.moves": ("Moves", "Hareketler"),
    "head.quantity": ("Quantity", "Miktar"),
    "head.value": ("Value", "Değer"),
    "head.daypart": ("Daypart", "Öğün"),
    "head.days": ("Days", "Gün"),
    "head.covers": ("Covers", "Kişi sayısı"),
    "head.per_cover": ("Per cover", "Kişi başı"),
    "head.seat_hours": ("Seat-hours", "Koltuk-saat"),
    "head.per_seat_hour": ("Per seat-hour", "Koltuk-saat başı"),
    "head.revenue": ("Revenue", "Hasılat"),
    "head.cost_of_sales": ("Cost of sales", "Satışların maliyeti"),
    "head.labour": ("Labour", "Personel gideri"),
    "head.labour_pct": ("Labour %", "Personel %"),
    "head.prime_cost": ("Prime cost", "Ana maliyet"),
    "head.prime_cost_pct": ("Prime cost %", "Ana maliyet %"),
    "head.sales": ("Sales", "Satışlar"),
    "head.section": ("Section", "Bölüm"),
    "head.share_pct": ("Share %", "Pay %"),
    "head.source": ("Source", "Kaynak"),
    "head.stage": ("Stage", "Aşama"),
    "head.status": ("Status", "Durum"),
    "head.subject": ("Subject", "Konu"),
    "head.suggested": ("Suggested", "Önerilen"),
    "head.supplier": ("Supplier", "Tedarikçi"),
    "head.theoretical_qty": ("Theoretical qty", "Teorik miktar"),
    "head.theoretical_value": ("Theoretical value", "Teorik değer"),
    "head.total": ("Total", "Toplam"),
    "head.type": ("Type", "Tür"),
    "head.unit": ("Unit", "Birim"),
    "head.unit_cost": ("Unit cost", "Birim maliyet"),
    "head.variance_pct": ("Variance %", "Fark %"),
    "head.variance_qty": ("Variance qty", "Fark miktarı"),
    "head.variance_value": ("Variance value", "Fark değeri"),
    "head.weighted": ("Weighted", "Ağırlıklı"),
    # row labels
    "row.tax_profit": ("Accounting profit before tax", "Vergi öncesi ticari kâr"),
    "row.tax_kkeg": ("+ Non-deductible (KKEG, KVK Art. 11): {name}",
                     "+ Kanunen kabul edilmeyen giderler (KKEG, KVK md. 11): {name}"),
    "row.tax_exempt": ("- Exempt income (KVK Art. 5): {name}", "- İstisna kazançlar (KVK md. 5): {name}"),
    "row.tax_loss": ("- Tax loss of {year} (KVK Art. 9), {amount} filed",
                     "- {year} yılı geçmiş yıl zararı (KVK md. 9), beyan edilen {amount}"),
    "row.tax_loss_used": ("  Tax loss of {year}: {amount} deducted in earlier years",
                          "  {year} yılı zararının önceki yıllarda indirilen kısmı: {amount}"),
    "row.tax_loss_expired": ("  Tax loss of {year} older than {n} years, not deducted",
                             "  {year} yılı zararı {n} yıldan eski, indirilmez"),
    "row.tax_deductions": ("- Deductions (KVK Art. 10)", "- İndirimler (KVK md. 10)"),
    "row.tax_base": ("= Tax base", "= Kurumlar vergisi matrahı"),
    "row.tax_rate": ("Corporate tax at {rate}%", "Kurumlar vergisi (%{rate})"),
    "row.tax_minimum_base": ("Minimum tax base (KVK Art. 32/C)", "Asgari kurumlar vergisi matrahı (KVK md. 32/C)"),
    "row.tax_minimum": ("Minimum corporate tax at {rate}%", "Asgari kurumlar vergisi (%{rate})"),
    "row.tax_final": ("Corporate tax of the year", "Yılın kurumlar vergisi"),
    "row.tax_provisional": ("- Provisional tax paid in the year", "- Yıl içinde ödenen geçici vergi"),
    "row.tax_payable": ("= Payable (refundable when negative)", "= Ödenecek (eksi ise iade veya mahsup)"),
    "row.operating": ("Operating activities", "İşletme faaliyetleri"),
    "row.investing": ("Investing activities", "Yatırım faaliyetleri"),
    "row.financing": ("Financing activities", "Finansman faaliyetleri"),
    "row.cash": ("Cash", "Nakit"),
    "row.net_result": ("Net result (income - expenses)", "Net sonuç (gelirler - giderler)"),
    "row.fx_on_cash": ("Less unrealised exchange differences on cash",
                       "Nakit üzerindeki gerçekleşmemiş kur farkları (-)"),
    "row.non_cash": ("Adjustments for non-cash items", "Nakit çıkışı gerektirmeyen kalemler için düzeltmeler"),
    "row.working_capital": ("Changes in working capital", "İşletme sermayesindeki değişimler"),
    "row.net_operating": ("Net cash from operating activities", "İşletme faaliyetlerinden net nakit"),
    "row.net_investing": ("Net cash from investing activities", "Yatırım faaliyetlerinden net nakit"),
    "row.net_financing": ("Net cash from financing activities", "Finansman faaliyetlerinden net nakit"),
    "row.fx_effect": ("Effect of exchange-rate changes on cash", "Kur değişimlerinin nakde etkisi"),
    "row.net_change": ("Net change in cash", "Nakitteki net değişim"),
    "row.brought_forward": ("Balance brought forward", "Devreden bakiye"),
    "row.carried_forward": ("Balance carried forward", "Nakli yekün"),
    "row.postings": ("{n} postings", "{n} hareket"),
    "row.current": ("current", "vadesi gelmemiş"),
    "row.open": ("open", "açık"),
    "row.closed": ("closed", "kapanan"),
    "row.total_open": ("total open", "açık toplam"),
    "row.lead": ("lead", "aday"),
    "row.qualified": ("qualified", "nitelikli"),
    "row.proposal": ("proposal", "teklif"),
    "row.negotiation": ("negotiation", "pazarlık"),
    "row.won": ("won", "kazanıldı"),
    "row.lost": ("lost", "kaybedildi"),
    # capitalised: the lower-case words are common in memos and subjects a Turkish page may show
    "daypart.breakfast": ("Breakfast", "Kahvaltı"),
    "daypart.lunch": ("Lunch", "Öğle"),
    "daypart.dinner": ("Dinner", "Akşam"),
    "daypart.late": ("Late night", "Gece"),
    "row.cash_at": ("Cash at {day}", "{day} itibarıyla nakit"),
    # key figures, by their ids (the `kpi` column keeps the id)
    "kpi.revenue": ("Revenue (net sales)", "Hasılat (net satışlar)"),
    "kpi.revenue_growth_pct": ("Revenue growth %", "Hasılat büyümesi %"),
    "kpi.cost_of_sales": ("Cost of sales", "Satışların maliyeti"),
    "kpi.gross_margin_pct": ("Gross margin %", "Brüt kâr marjı %"),
    "kpi.food_cost_pct": ("Food cost %", "Gıda maliyeti %"),
    "kpi.dso_days": ("DSO on credit sales (days)", "Vadeli satışlarda ortalama tahsilat süresi (gün)"),
    "kpi.dpo_days": ("DPO (days)", "Ortalama borç ödeme süresi (gün)"),
    "kpi.inventory_turnover": ("Inventory turnover (times)", "Stok devir hızı (kez)"),
    "kpi.days_of_inventory": ("Days of inventory", "Stokta kalma süresi (gün)"),
    "kpi.active_customers": ("Active customers (invoiced)", "Aktif müşteriler (faturalanan)"),
    "kpi.new_customers": ("New customers", "Yeni müşteriler"),
    "kpi.churn_pct": ("Customer churn %", "Müşteri kaybı %"),
    "kpi.clv": ("Customer lifetime value", "Müşteri yaşam boyu değeri"),
    "kpi.cac": ("Acquisition cost per new customer", "Yeni müşteri başına edinme maliyeti"),
    "kpi.labour_cost": ("Labour cost (payroll)", "Personel gideri (bordro)"),
    "kpi.labour_cost_pct": ("Labour cost %", "Personel gideri %"),
    "kpi.prime_cost": ("Prime cost (cost of sales + labour)", "Ana maliyet (satışların maliyeti + personel)"),
    "kpi.prime_cost_pct": ("Prime cost %", "Ana maliyet %"),
}


def language(setting: str | None, override: str | None = None) -> str:
    """The language to speak: `override` (--lang), else the books' setting, else English.

    Raises ValueError for a language the catalogue does not hold."""
    lang = (override or setting or DEFAULT).strip().lower()
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: kebir's reports speak {' or '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str = DEFAULT, **fields: object) -> str:
    """The catalogue's words for `key` in `lang`, with its {fields} filled in."""
    en, tr = CATALOGUE[key]
    words = tr if lang == "tr" else en
    return words.format(**fields) if fields else words


def day_text(d: date, lang: str = DEFAULT) -> str:
    """31 January 2025 / 31 Ocak 2025."""
    return f"{d.day} {MONTHS[lang][d.month - 1]} {d.year}"


def period_text(begin: date | None, end: date | None, lang: str = DEFAULT) -> str:
    """[begin, end) as people say it: `end` is exclusive, the text names the last day.

    en: 4 March 2025 · 1-31 January 2025 · 1 January - 31 March 2025 · 1 July 2024 - 30 June 2025
    tr: 4 Mart 2025 · 1 Ocak - 31 Ocak 2025 · 1 Ocak - 31 Mart 2025 · 1 Temmuz 2024 - 30 Haziran 2025
    """
    if begin is None and end is None:
        return text("all_dates", lang)
    if end is None:
        assert begin is not None
        return f"{day_text(begin, lang)} - ..."
    last = end - timedelta(days=1)
    if begin is None:
        return f"... - {day_text(last, lang)}"
    if last <= begin:
        return day_text(begin, lang)
    if begin.year == last.year:
        if lang == "en" and begin.month == last.month:
            return f"{begin.day}-{last.day} {MONTHS[lang][last.month - 1]} {last.year}"
        return f"{begin.day} {MONTHS[lang][begin.month - 1]} - {day_text(last, lang)}"
    return f"{day_text(begin, lang)} - {day_text(last, lang)}"


def column_text(begin: date | None, end: date | None, lang: str = DEFAULT) -> str:
    """A column heading for a period: January 2025 / Ocak 2025, Q1 2025 / 2025 1. çeyrek, 2025;
    any other span as `period_text` says it."""
    if begin is not None and end is not None and begin.day == 1 and end.day == 1:
        months = (end.year - begin.year) * 12 + end.month - begin.month
        if months == 1:
            return f"{MONTHS[lang][begin.month - 1]} {begin.year}"
        if months == 3 and begin.month % 3 == 1:
            return text("quarter", lang, q=(begin.month - 1) // 3 + 1, year=begin.year)
        if months == 12 and begin.month == 1:
            return str(begin.year)
    return period_text(begin, end, lang)


def english_words() -> list[str]:
    """Every English catalogue string without its {fields}: what a Turkish page must not contain
    (a part the Turkish says too, `Form Ba / Form Bs`, `KDV-1`, is not English)."""
    out = []
    for key, (en, tr) in CATALOGUE.items():
        if en == tr:
            continue
        out += [part.strip(" ,:(-)") for part in _literal_parts(en) if part.strip(" ,:(-)") not in tr]
    return sorted({p for p in out if len(p) >= 4})


def _literal_parts(s: str) -> list[str]:
    import re

    return [p for p in re.split(r"\{[^}]*\}", s) if p.strip(" ,:(-).")]


# Terminal tables, KPI names and the customer page (kept together so they are easy to find).
CATALOGUE.update({
    "table.continued": ("continued", "devamı"),
    # KPI rows: the keys are the `kpi` ids of core/reports/kpi.py, which stay as they are in csv and json
    "kpi.title": ("Key figures, {period}", "Temel göstergeler, {period}"),
    "kpi.col.kpi": ("KPI", "Gösterge"),
    "kpi.col.name": ("Name", "Ad"),
})

# The customer page (core/crm/customer.py): labels only; ids, stages and bucket ids stay as written.
CATALOGUE.update({
    "cust.title": ("Customer: {name}", "Müşteri: {name}"),
    "cust.sub": ("{company} · on {day}", "{company} · {day} itibarıyla"),
    "cust.party": ("Party", "Cari"),
    "cust.ids": ("Ids", "Kimlikler"),
    "cust.side.erp": ("ERP", "ERP"),
    "cust.side.crm": ("CRM", "CRM"),
    "cust.merged_into": ("merged into {id}", "{id} ile birleştirildi"),
    "cust.role.customer": ("customer", "müşteri"),
    "cust.role.supplier": ("supplier", "tedarikçi"),
    "cust.role.crm": ("CRM record", "CRM kaydı"),
    "cust.role.company": ("company", "şirket"),
    "cust.role.person": ("person", "kişi"),
    "cust.role.employee": ("employee", "çalışan"),
    "cust.field.kind": ("Kind", "Tür"),
    "cust.field.tax_id": ("Tax id", "Vergi no"),
    "cust.field.email": ("E-mail", "E-posta"),
    "cust.field.phone": ("Phone", "Telefon"),
    "cust.field.address": ("Address", "Adres"),
    "cust.field.city": ("City", "Şehir"),
    "cust.field.payment_terms": ("Payment terms", "Ödeme vadesi"),
    "cust.field.credit_limit": ("Credit limit", "Kredi limiti"),
    "cust.field.currency": ("Currency", "Para birimi"),
    "cust.field.owner": ("Account manager", "Müşteri temsilcisi"),
    "cust.field.source": ("Source", "Kaynak"),
    "cust.field.created": ("Created", "Oluşturulma"),
    "cust.field.external_id": ("Id in the source system", "Kaynak sistemdeki no"),
    "cust.field.tags": ("Tags", "Etiketler"),
    "cust.field.website": ("Website", "Web sitesi"),
    "cust.field.company": ("Company", "Şirket"),
    "cust.credit": ("Balance and credit", "Bakiye ve kredi"),
    "cust.balance": ("Open balance", "Açık bakiye"),
    "cust.limit": ("Credit limit", "Kredi limiti"),
    "cust.no_limit": ("no credit limit", "kredi limiti yok"),
    "cust.used": ("{pct}% of the limit used", "limitin %{pct} kadarı kullanıldı"),
    "cust.over": ("over the limit", "limit aşıldı"),
    "cust.days_past_due": ("Most days past due", "En uzun gecikme (gün)"),
    "cust.sales_12m": ("Net sales, last 12 months", "Net satışlar, son 12 ay"),
    "cust.aging": ("Aging", "Yaşlandırma"),
    "cust.bucket.current": ("not yet due", "vadesi gelmemiş"),
    "cust.bucket.1-30": ("1-30 days", "1-30 gün"),
    "cust.bucket.31-60": ("31-60 days", "31-60 gün"),
    "cust.bucket.61-90": ("61-90 days", "61-90 gün"),
    "cust.bucket.90+": ("over 90 days", "90 günden fazla"),
    "cust.bucket.on account": ("on account (advance)", "avans (hesapta)"),
    "cust.open_items": ("Open items", "Açık kalemler"),
    "cust.no_open_items": ("No open items.", "Açık kalem yok."),
    "cust.col.doc": ("Document", "Belge"),
    "cust.col.date": ("Date", "Tarih"),
    "cust.col.due": ("Due", "Vade"),
    "cust.col.late": ("Days late", "Gecikme (gün)"),
    "cust.col.bucket": ("Bucket", "Dilim"),
    "cust.col.amount": ("Amount ({cur})", "Tutar ({cur})"),
    "cust.col.kind": ("Kind", "Tür"),
    "cust.col.id": ("Id", "No"),
    "cust.col.subject": ("Subject", "Konu"),
    "cust.col.status": ("Status", "Durum"),
    "cust.col.name": ("Name", "Ad"),
    "cust.col.start": ("Start", "Başlangıç"),
    "cust.sales": ("Net sales by month ({cur})", "Aylara göre net satışlar ({cur})"),
    "cust.timeline": ("Deals and activities", "Fırsatlar ve etkinlikler"),
    "cust.no_timeline": ("No deals or activities yet.", "Henüz fırsat veya etkinlik yok."),
    "cust.campaigns": ("Campaigns", "Kampanyalar"),
    "cust.no_campaigns": ("In no campaign.", "Hiçbir kampanyada değil."),
    "outcome.positive": ("positive", "olumlu"),
    "outcome.neutral": ("neutral", "nötr"),
    "outcome.negative": ("negative", "olumsuz"),
    "outcome.no-answer": ("no answer", "yanıt yok"),
    "outcome.resolved": ("resolved", "çözüldü"),
    "outcome.open": ("open", "açık"),
    "cust.kind.deal": ("deal", "fırsat"),
    "cust.kind.call": ("call", "arama"),
    "cust.kind.email": ("e-mail", "e-posta"),
    "cust.kind.meeting": ("meeting", "toplantı"),
    "cust.kind.ticket": ("ticket", "talep"),
    "cust.kind.visit": ("visit", "ziyaret"),
    "cust.footer": ("From the books of {company} by kebir; open items from the AR subledger, as `kebir status`.",
                    "{company} defterlerinden kebir ile; açık kalemler alacak yardımcı defterinden, "
                    "`kebir status` ile aynı."),
})


def known(key: str) -> bool:
    """Whether the catalogue holds `key` (a label for a value the books may spell their own way)."""
    return key in CATALOGUE


# The close, said to people (core/model/i18n_close.py).
CATALOGUE.update(CLOSE)

# The statutory forms' tables (core/reports/vat_return.py, babs.py) as the close pack and their reports show them.
CATALOGUE.update({
    "report.babs": ("Form Ba / Form Bs {period} (from {amount} {cur} excl. VAT)",
                    "Form Ba / Form Bs {period} ({amount} {cur} ve üzeri, KDV hariç)"),
    "head.lc_code": ("code", "kod"),
    "head.lc_line": ("line", "satır"),
    "head.lc_rate": ("rate", "oran"),
    "head.lc_base": ("base", "matrah"),
    "head.lc_vat": ("VAT", "KDV"),
    "head.lc_ledger": ("ledger", "defter"),
    "head.lc_difference": ("difference", "fark"),
    "head.lc_account": ("account", "hesap"),
    "head.lc_party": ("party", "cari"),
    "head.lc_name": ("name", "unvan"),
    "head.lc_country": ("country", "ülke"),
    "head.lc_documents": ("documents", "belge sayısı"),
    "head.lc_total": ("total excl. VAT", "KDV hariç toplam"),
    "journal.from": ("from {id}", "kaynak: {id}"),
    "stage.lead": ("lead", "aday"),
    "stage.qualified": ("qualified", "nitelikli"),
    "stage.proposal": ("proposal", "teklif"),
    "stage.negotiation": ("negotiation", "pazarlık"),
    "stage.won": ("won", "kazanıldı"),
    "stage.lost": ("lost", "kaybedildi"),
    "vat.closed": ("closed", "kapanışta mahsup edildi"),
    "vat.not_closed": ("not closed", "kapanış yapılmadı"),
})
