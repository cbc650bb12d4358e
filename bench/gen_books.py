#!/usr/bin/env python3
"""Generate benchmark books: the same N transactions for kebir (YAML and CSV), ledger, hledger and beancount.

    python bench/gen_books.py N OUTDIR [--csv] [--seed 20250101] [--jobs 2]

Writes, under OUTDIR:

    kebir-yaml/        books.toml, accounts.yaml, journals/2025/2025-MM.yaml  (kebir canonical form)
    kebir-csv/         the same books, journals as journals/2025/2025-MM.csv  (only with --csv)
    ledger.journal     ledger-cli 3 syntax
    hledger.journal    the same transactions, with `account` and `commodity` directives (hledger 1.25)
    books.beancount    beancount 3 (open directives, operating_currency TRY)

The data is deterministic: each month has its own random generator seeded from (seed, month), so
the output does not depend on how many worker processes wrote it. Every entry balances exactly
in TRY; amounts are integers in kurus/cents, formatted with string operations (no floats, no
yaml.dump). The mix per entry: 40% sales with VAT (3 postings), 35% expenses with VAT (3 postings),
20% transfers between cash and bank accounts (2 postings, or 3 with a bank fee), 5% in EUR with
an explicit `rate` (3 postings; the EUR posting's TRY value is given as `base` on receipts and left
for kebir to compute on payments). ledger/hledger/beancount get EUR postings as
`-1200.00 EUR @@ 44550.00 TRY` (total cost), so they balance with no tolerance involved.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

GEN_VERSION = "1"     # bump when the output changes (run.py regenerates cached data on a mismatch)
YEAR = 2025
DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# --------------------------------------------------------------------------- chart of accounts
# (group code, name, kebir type, [(leaf suffix, leaf name, pinned currency or None), ...])
GROUPS = [
    ("100", "Kasa", "cash", [("01", "Kasa - Kadıköy", None), ("02", "Kasa - Beşiktaş", None),
                             ("03", "Kasa - Moda", None), ("04", "Kasa - Merkez", None)]),
    ("102", "Bankalar", "bank", [("01", "Garanti TL", None), ("02", "İş Bankası TL", None),
                                 ("03", "Akbank TL", None), ("04", "Ziraat TL", None),
                                 ("05", "Garanti EUR", "EUR"), ("06", "İş Bankası EUR", "EUR")]),
    ("108", "Diğer hazır değerler", "cash", [("01", "POS alacakları", None), ("02", "Yemek kartı alacakları", None)]),
    ("120", "Alıcılar", "asset", [(f"{i:02d}", f"Alıcılar - grup {i}", None) for i in range(1, 7)]),
    ("153", "Ticari mallar", "asset", [("01", "Balık", None), ("02", "Et", None), ("03", "Sebze ve meyve", None),
                                       ("04", "Kuru gıda", None), ("05", "İçecek", None), ("06", "Temizlik", None)]),
    ("191", "İndirilecek KDV", "asset", [("01", "İndirilecek KDV %1", None), ("10", "İndirilecek KDV %10", None),
                                         ("20", "İndirilecek KDV %20", None)]),
    ("320", "Satıcılar", "liability", [(f"{i:02d}", f"Satıcılar - grup {i}", None) for i in range(1, 7)]),
    ("335", "Personele borçlar", "liability", [("01", "Ücretler", None)]),
    ("391", "Hesaplanan KDV", "liability", [("01", "Hesaplanan KDV %1", None), ("10", "Hesaplanan KDV %10", None),
                                           ("20", "Hesaplanan KDV %20", None)]),
    ("500", "Sermaye", "equity", [("01", "Ödenmiş sermaye", None)]),
    ("570", "Geçmiş yıllar karları", "equity", [("01", "Geçmiş yıllar karları", None)]),
    ("600", "Yurt içi satışlar", "income", [("01", "Yemek satışları", None), ("02", "İçecek satışları", None),
                                            ("03", "Catering", None), ("04", "Paket servis", None),
                                            ("05", "Etkinlik", None), ("06", "Diğer satışlar", None)]),
    ("601", "Yurt dışı satışlar", "income", [("01", "İhracat - catering", None), ("02", "İhracat - diğer", None)]),
    ("646", "Kambiyo karları", "income", [("01", "Kur farkı gelirleri", None)]),
    ("653", "Komisyon giderleri", "expense", [("01", "Banka komisyonları", None)]),
    ("659", "Diğer olağan gider ve zararlar", "expense", [("99", "Yuvarlama farkları", None)]),
    ("760", "Pazarlama satış ve dağıtım giderleri", "expense",
     [("01", "Reklam", None), ("02", "Kurye", None), ("03", "Ambalaj", None), ("04", "Komisyonlar", None)]),
    ("770", "Genel yönetim giderleri", "expense",
     [("01", "Kira", None), ("02", "Elektrik", None), ("03", "Su", None), ("04", "Doğalgaz", None),
      ("05", "İnternet ve telefon", None), ("06", "Kırtasiye", None), ("07", "Bakım onarım", None),
      ("08", "Danışmanlık", None)]),
    ("780", "Finansman giderleri", "expense", [("01", "Kredi faizleri", None)]),
]

BEAN_ROOT = {"asset": "Assets", "cash": "Assets", "bank": "Assets", "liability": "Liabilities",
             "equity": "Equity", "income": "Income", "expense": "Expenses"}
HLEDGER_TYPE = {"asset": "A", "cash": "C", "bank": "C", "liability": "L", "equity": "E",
                "income": "R", "expense": "X"}


def leaves() -> list[tuple[str, str, str, str, str | None]]:
    """(code, group, name, type, currency) of every leaf account."""
    return [(f"{g}.{s}", g, name, typ, cur) for g, _, typ, subs in GROUPS for s, name, cur in subs]


LEAF_TYPE = {code: typ for code, _, _, typ, _ in leaves()}
# Names per tool, looked up once per posting.
LEDGER_NAME = {code: f"{code.split('.')[0]}:{code}" for code in LEAF_TYPE}          # 600:600.01
BEAN_NAME = {code: f"{BEAN_ROOT[t]}:A{code.replace('.', '-')}" for code, t in LEAF_TYPE.items()}  # Income:A600-01

CASH_TRY = ["100.01", "100.02", "100.03", "100.04", "102.01", "102.02", "102.03", "102.04", "108.01", "108.02"]
RECEIVABLE = CASH_TRY + [f"120.{i:02d}" for i in range(1, 7)]
PAYABLE = ["100.01", "100.04", "102.01", "102.02", "102.03", "102.04"] + [f"320.{i:02d}" for i in range(1, 7)]
REVENUE = [f"600.{i:02d}" for i in range(1, 7)]
COSTS = [f"153.{i:02d}" for i in range(1, 7)] + [f"760.{i:02d}" for i in range(1, 5)] + \
        [f"770.{i:02d}" for i in range(1, 9)]
EUR_BANKS = ["102.05", "102.06"]
EXPORT = ["601.01", "601.02"]
VAT_RATES = (20, 20, 20, 10, 10, 1)            # percent, drawn uniformly from this tuple
SALE_MEMOS = ["Satış faturası", "Günlük satış özeti", "Catering faturası", "Paket servis satışı",
              "Etkinlik faturası"]
COST_MEMOS = ["Alış faturası", "Gider faturası", "Tedarikçi faturası", "Kira ve aidat", "Fatura ödemesi"]


def m2(v: int) -> str:
    """Non-negative minor units as a 2-decimal string: 123456 -> '1234.56'."""
    return f"{v // 100}.{v % 100:02d}"


# --------------------------------------------------------------------------- one month

def gen_month(seed: int, month: int, n: int) -> list[tuple]:
    """The month's entries as (id, date, memo, postings); a posting is
    (account, signed TRY minor units, eur_minor or 0, rate string or None, write_base)."""
    r = random.Random(seed * 100 + month)
    rnd = r.random
    rr = r.randrange
    choice = r.choice
    dim = DAYS[month - 1]
    days = sorted(rr(1, dim + 1) for _ in range(n))
    mm = f"{month:02d}"
    out = []
    for i, day in enumerate(days, 1):
        eid = f"JE-{YEAR}-{mm}-{i:06d}"
        dt = f"{YEAR}-{mm}-{day:02d}"
        k = rnd()
        if k < 0.05:                                   # EUR, explicit rate (4 decimals)
            doy = sum(DAYS[:month - 1]) + day
            rate_i = 360000 + doy * 120 + rr(0, 2500)   # 36.0000 .. ~80.4 TRY per EUR
            rate = f"{rate_i // 10000}.{rate_i % 10000:04d}"
            eur = rr(10000, 2_000_000)                 # 100.00 .. 20000.00 EUR
            base = (eur * rate_i + 5000) // 10000      # half-up, kurus
            if k < 0.025:                              # export receipt into a EUR bank account
                fx = 1 + rr(base // 50)
                ps = ((choice(EUR_BANKS), base, eur, rate, True),
                      (choice(EXPORT), -(base - fx), 0, None, False),
                      ("646.01", -fx, 0, None, False))
                memo = f"İhracat tahsilatı EUR {i}"
            else:                                      # import payment from a EUR bank account
                b1 = rr(1, base)
                ps = ((f"153.{rr(1, 7):02d}", b1, 0, None, False),
                      (f"770.{rr(1, 9):02d}", base - b1, 0, None, False),
                      (choice(EUR_BANKS), -base, -eur, rate, False))
                memo = f"İthalat ödemesi EUR {i}"
        elif k < 0.45:                                 # sale with VAT
            net = rr(1000, 5_000_000)
            vr = choice(VAT_RATES)
            vat = (net * vr + 50) // 100
            ps = ((choice(RECEIVABLE), net + vat, 0, None, False),
                  (choice(REVENUE), -net, 0, None, False),
                  (f"391.{vr:02d}", -vat, 0, None, False))
            memo = f"{choice(SALE_MEMOS)} {mm}-{i:06d}"
        elif k < 0.80:                                 # expense with VAT
            net = rr(1000, 2_500_000)
            vr = choice(VAT_RATES)
            vat = (net * vr + 50) // 100
            ps = ((choice(COSTS), net, 0, None, False),
                  (f"191.{vr:02d}", vat, 0, None, False),
                  (choice(PAYABLE), -(net + vat), 0, None, False))
            memo = f"{choice(COST_MEMOS)} {mm}-{i:06d}"
        else:                                          # transfer, half of them with a bank fee
            a = choice(CASH_TRY)
            b = choice(CASH_TRY)
            while b == a:
                b = choice(CASH_TRY)
            amt = rr(10000, 20_000_000)
            if rnd() < 0.5:
                ps = ((b, amt, 0, None, False), (a, -amt, 0, None, False))
                memo = f"Virman {a} > {b}"
            else:
                fee = rr(500, 5000)
                ps = ((b, amt, 0, None, False), ("653.01", fee, 0, None, False), (a, -(amt + fee), 0, None, False))
                memo = f"Havale {a} > {b} masraflı"
        out.append((eid, dt, memo, ps))
    return out


def render_month(seed: int, month: int, n: int, want_csv: bool) -> dict[str, str]:
    """One month in every output format (strings), from one list of entries."""
    entries = gen_month(seed, month, n)
    y: list[str] = []
    c: list[str] = []
    lg: list[str] = []
    bc: list[str] = []
    ya, ca, la, ba = y.append, c.append, lg.append, bc.append
    for eid, dt, memo, ps in entries:
        ya(f"- id: {eid}\n  date: {dt}\n  memo: {memo}\n  postings:\n")
        la(f"{dt} ({eid}) {memo}\n")
        ba(f'{dt} * "{memo}"\n  id: "{eid}"\n')
        for acc, v, eur, rate, with_base in ps:
            side = "debit" if v > 0 else "credit"
            if eur:
                amt = m2(abs(eur))
                base = m2(abs(v))
                if with_base:
                    ya(f'    - {{account: "{acc}", {side}: "{amt}", currency: EUR, rate: "{rate}", base: "{base}"}}\n')
                else:
                    ya(f'    - {{account: "{acc}", {side}: "{amt}", currency: EUR, rate: "{rate}"}}\n')
                sign = "" if v > 0 else "-"
                la(f"    {LEDGER_NAME[acc]}  {sign}{amt} EUR @@ {base} TRY\n")
                ba(f"  {BEAN_NAME[acc]}  {sign}{amt} EUR @@ {base} TRY\n")
                if want_csv:
                    dc = f"{amt}," if v > 0 else f",{amt}"
                    ca(f"{eid},{dt},{memo},{acc},{dc},EUR,{rate},{base if with_base else ''},,\n")
            else:
                amt = m2(abs(v))
                ya(f'    - {{account: "{acc}", {side}: "{amt}"}}\n')
                sign = "" if v > 0 else "-"
                la(f"    {LEDGER_NAME[acc]}  {sign}{amt} TRY\n")
                ba(f"  {BEAN_NAME[acc]}  {sign}{amt} TRY\n")
                if want_csv:
                    dc = f"{amt}," if v > 0 else f",{amt}"
                    ca(f"{eid},{dt},{memo},{acc},{dc},TRY,,,,\n")
        la("\n")
        ba("\n")
    return {"yaml": "".join(y), "csv": "".join(c), "ledger": "".join(lg), "beancount": "".join(bc)}


# --------------------------------------------------------------------------- fixed files

BOOKS_TOML = """[company]
name = "Kebir Bench Lokanta A.Ş."
base_currency = "TRY"
fiscal_year_start = "01-01"
chart = "custom"

[currencies]
TRY = 2
EUR = 2

[accounts]
rounding = "659.99"
retained_earnings = "570.01"
"""

CSV_HEADER = "entry_id,date,memo,account,debit,credit,currency,rate,base,contact,posting_memo\n"


def accounts_yaml() -> str:
    out = []
    for g, gname, typ, subs in GROUPS:
        out.append(f'- code: "{g}"\n  name: {gname}\n  type: {typ}\n')
        for s, name, cur in subs:
            out.append(f'- code: "{g}.{s}"\n  name: {name}\n')
            if cur:
                out.append(f"  currency: {cur}\n")
    return "".join(out)


def ledger_header() -> str:
    return f"; kebir benchmark books ({YEAR}), generated by bench/gen_books.py\n\n"


def hledger_header() -> str:
    out = [f"; kebir benchmark books ({YEAR}), generated by bench/gen_books.py\n\n",
           "decimal-mark .\n", "commodity 1000.00 TRY\n", "commodity 1000.00 EUR\n\n"]
    for g, gname, typ, subs in GROUPS:
        out.append(f"account {g}  ; type: {HLEDGER_TYPE[typ]}\n")
        for s, name, _ in subs:
            out.append(f"account {g}:{g}.{s}  ; type: {HLEDGER_TYPE[typ]}\n")
    out.append("\n")
    return "".join(out)


def beancount_header() -> str:
    out = [f"; kebir benchmark books ({YEAR}), generated by bench/gen_books.py\n",
           'option "title" "kebir bench"\n', 'option "operating_currency" "TRY"\n\n',
           f"{YEAR}-01-01 commodity TRY\n{YEAR}-01-01 commodity EUR\n\n"]
    for code in sorted(LEAF_TYPE):
        out.append(f"{YEAR}-01-01 open {BEAN_NAME[code]}\n")
    out.append("\n")
    return "".join(out)


# --------------------------------------------------------------------------- driver

def month_counts(n: int) -> list[int]:
    q, rem = divmod(n, 12)
    return [q + (1 if m < rem else 0) for m in range(12)]


def _month_job(args: tuple[int, int, int, bool, str]) -> tuple[int, str, str]:
    """Worker: render a month, write its kebir files, return the ledger and beancount text."""
    seed, month, n, want_csv, outdir = args
    parts = render_month(seed, month, n, want_csv)
    out = Path(outdir)
    mm = f"{month:02d}"
    (out / "kebir-yaml" / "journals" / str(YEAR) / f"{YEAR}-{mm}.yaml").write_text(parts["yaml"] or "[]\n",
                                                                                     encoding="utf-8")
    if want_csv:
        (out / "kebir-csv" / "journals" / str(YEAR) / f"{YEAR}-{mm}.csv").write_text(CSV_HEADER + parts["csv"],
                                                                                       encoding="utf-8")
    return month, parts["ledger"], parts["beancount"]


def generate(n: int, outdir: Path, want_csv: bool = False, seed: int = 20250101, jobs: int | None = None) -> None:
    outdir = Path(outdir)
    kinds = ["kebir-yaml"] + (["kebir-csv"] if want_csv else [])
    for k in kinds:
        if (outdir / k).exists():
            shutil.rmtree(outdir / k)
        (outdir / k / "journals" / str(YEAR)).mkdir(parents=True)
        (outdir / k / "books.toml").write_text(BOOKS_TOML, encoding="utf-8")
        (outdir / k / "accounts.yaml").write_text(accounts_yaml(), encoding="utf-8")
    counts = month_counts(n)
    tasks = [(seed, m + 1, counts[m], want_csv, str(outdir)) for m in range(12)]
    jobs = jobs or min(os.cpu_count() or 1, 4)
    files = {name: open(outdir / name, "w", encoding="utf-8", buffering=8 * 2**20)
             for name in ("ledger.journal", "hledger.journal", "books.beancount")}
    try:
        files["ledger.journal"].write(ledger_header())
        files["hledger.journal"].write(hledger_header())
        files["books.beancount"].write(beancount_header())

        def sink(month: int, led: str, bean: str) -> None:
            files["ledger.journal"].write(led)
            files["hledger.journal"].write(led)
            files["books.beancount"].write(bean)

        if jobs > 1 and n >= 20000:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for month, led, bean in pool.map(_month_job, tasks):   # in month order
                    sink(month, led, bean)
        else:
            for t in tasks:
                sink(*_month_job(t))
    finally:
        for f in files.values():
            f.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of transactions")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--csv", action="store_true", help="also write kebir-csv/ (journals as CSV)")
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores, at most 4)")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    a.outdir.mkdir(parents=True, exist_ok=True)
    generate(a.n, a.outdir, a.csv, a.seed, a.jobs)
    print(f"generated {a.n:,} transactions in {a.outdir} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
