"""Payroll runs and the journal entries a bookkeeper still keys by hand (the opening entry, bank and
card settlements, rent, utilities, payroll payments, import VAT).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.erp.payroll.calculation import RunResult, add_commissions, commissions, compute_run, ytd_before
from core.model.payroll import PayrollLine, PayrollRules, PayrollRun
from core.model.records import Contact
from bench.demo.basics import (
    DAYS, END, MON, MONTHS, ONE_DAY, Record, START, TUE, YEAR, bank_day_from, bank_day_until, d, four, half_up,
    inflation, is_bank_day, iso, minor, money, month_end, month_label, net_of_vat, percent_of, to_base, vary,
)
from bench.demo.company import (
    AP, BANK_EUR, BANK_FEES, BANK_LOAN, BANK_OLD, BANK_TRY, CARD_ACCOUNT, CARD_COMMISSION, CASH_ACCOUNT, INCOME_TAX,
    INCOME_TAX_2025, KKEG_ACCOUNT, LOC_IDS, LOC_NAMES, NET_PAY, NOTES_PAYABLE, PAYROLL_2025, POS_RENT, RENT_ACCOUNT,
    RESTAURANTS, SGK, STAMP_TAX, VAT_IN, VAT_PAYABLE, VOUCHER_ACCOUNT, VOUCHER_COMMISSION,
)
from bench.demo.contacts import Contacts
from bench.demo.catering import Till
from bench.demo.documents import Documents


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
    tags: tuple[str, ...] = ()   # a note's or instalment's `due:YYYY-MM-DD` (the year-end close reads it)

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
        if self.tags:
            rec["tags"] = list(self.tags)
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
OPENING_DEPRECIATION = 435000000    # the register's VUK depreciation of FA-0001..FA-0004 to the end of 2024
OVEN_CUSTOMS = 1480000               # customs and freight on the combi oven, part of its cost
PASTA_MACHINE_EUR = 640000           # the pasta machine, paid in advance from the EUR account
PASTA_MACHINE_DAY = dt.date(2025, 10, 7)
OPENING_CAPITAL = 500000000
VAT_PAYABLE_DEC_2024 = 104638045
CASH_FLOAT = 1000000                   # each restaurant keeps 10,000.00 TRY in the till
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
# EUR bought for the imports
FX_PURCHASES = ((d("2025-02-12"), 2000000), (d("2025-06-16"), 800000), (d("2025-09-15"), 1000000))
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
        self.year_end_items()

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
        customs = OVEN_CUSTOMS
        vat = percent_of(to_base(oven.gross, rates[(oven.date, "EUR")]) + customs, 20)
        self.add(d("2025-03-12"), "Kombi fırın - gümrük, navlun ve ithalat KDV'si", [
            dr("255.01", customs, memo="Gümrük ve navlun"), dr(VAT_IN[20], vat, memo="İthalat KDV %20"),
            cr(BANK_TRY, customs + vat)], payee=self.sup["oven"])
        for si in self.documents.imports:
            base = to_base(si.stock_net, rates[(si.date, "EUR")])
            vat = percent_of(base, 1)
            self.add(bank_day_from(si.date), f"İthalat KDV'si - Kalamata zeytinyağı, fatura {si.number}",
                     [dr(VAT_IN[1], vat, memo="İthalat KDV %1"), cr(BANK_TRY, vat)], payee=si.party)
        day = PASTA_MACHINE_DAY
        out = self.fx("credit", BANK_EUR, PASTA_MACHINE_EUR, "EUR", day)
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

    def year_end_items(self) -> None:
        """What the year-end close has to treat (docs/close.md): a kitchen refit paid by a note due in
        February (rediscounted), a bank loan repaid in two yearly instalments (the first falls due
        within a year and is reclassified), and a traffic fine, a non-deductible expense (KKEG)."""
        self.add(d("2025-11-03"), "Mutfak davlumbaz bakımı - borç senedi, vade 27.02.2026", [
            dr("770.12", 18000000, memo="Davlumbaz ve havalandırma bakımı"),
            Post(NOTES_PAYABLE, "credit", 18000000, 18000000, contact=self.sup["oven"],
                 tags=("due:2026-02-27",))], payee=self.sup["oven"])
        self.add(d("2025-09-15"), "İş Bankası yatırım kredisi - iki eşit yıllık taksit", [
            dr(BANK_TRY, 300000000),
            Post(BANK_LOAN, "credit", 150000000, 150000000, memo="1. taksit", tags=("due:2026-09-15",)),
            Post(BANK_LOAN, "credit", 150000000, 150000000, memo="2. taksit", tags=("due:2027-09-15",))])
        self.add(d("2025-07-08"), "Trafik para cezası - catering aracı", [
            dr(KKEG_ACCOUNT, 499400, memo="İdari para cezası"), cr(BANK_TRY, 499400)])

    def vat(self) -> None:
        """December 2024's VAT, owed at the opening, is paid in January. The monthly offset of input
        against output VAT is not keyed by hand: `kebir close` generates it."""
        self.add(bank_day_from(d("2025-01-28")), "KDV ödemesi - Aralık 2024",
                 [dr(VAT_PAYABLE, VAT_PAYABLE_DEC_2024), cr(BANK_TRY, VAT_PAYABLE_DEC_2024)], tags=("vat",))


def payroll_table() -> dict[str, Any]:
    brackets = [{"upto": upto, "percent": pct} if upto else {"percent": pct} for upto, pct in INCOME_TAX_2025]
    return {"year": 2025} | dict(PAYROLL_2025) | {"income_tax": brackets}
