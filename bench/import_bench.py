#!/usr/bin/env python3
"""Import benchmark: a generated hledger journal of about 1M postings, and a 1M-row bank CSV.

    python bench/import_bench.py [--postings 1000000] [--rows 1000000] [--runs 3] [--hledger-runs 1]

Each run imports into a fresh copy of the generated books (books.toml and accounts.yaml only) and
is timed by `/usr/bin/time -f "%e %M"` (wall seconds, peak resident KiB). For comparison,
`hledger import --dry-run` reads the same bank CSV with an equivalent rules file. Medians go to
stdout as a Markdown table and to OUT/import-results.json.

The bank CSV is deterministic (fixed seed): Turkish formats (`31.03.2025`, `-1.234,56`), `;`
separated, a reference column, descriptions that five account rules and a default sort out.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
KEBIR = str(Path(sys.executable).parent / "kebir")

RULES = """\
account: "102.01"
delimiter: ";"
columns: {date: Tarih, description: Açıklama, amount: Tutar, reference: Dekont}
date_format: "%d.%m.%Y"
decimal_mark: ","
rules:
  - {match: "MIGROS|CARREFOUR|METRO", account: "153.04", payee: Gıda toptancısı}
  - {match: "^POS", account: "108.01", payee: POS tahsilatı}
  - {match: "KIRA", account: "770.01", payee: Kira}
  - {match: "ELEKTRIK|ENERJISA", account: "770.02", payee: Elektrik}
  - {match: "KOMISYON|MASRAF", account: "653.01", payee: Banka}
default_account: "770.08"
"""

HLEDGER_RULES = """\
skip 1
separator ;
fields date, description, amount, code
date-format %d.%m.%Y
decimal-mark ,
currency TRY
account1 102:102.01
account2 770:770.08
if MIGROS|CARREFOUR|METRO
  account2 153:153.04
if ^POS
  account2 108:108.01
if KIRA
  account2 770:770.01
if ELEKTRIK|ENERJISA
  account2 770:770.02
if KOMISYON|MASRAF
  account2 653:653.01
"""

WORDS = ["MIGROS KADIKOY", "CARREFOUR SA", "METRO GROSMARKET", "POS TAHSILAT 0042", "KIRA MART",
         "ENERJISA FATURA", "HAVALE GELEN", "EFT GIDEN", "MASRAF", "KOMISYON POS", "SU FATURASI", "DANISMANLIK"]


def tr_amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", ".") + f",{frac:02d}"


def make_bank_csv(path: Path, rows: int, seed: int = 20250301) -> None:
    rnd = random.Random(seed)
    days = [(m, d) for m, n in enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), 1) for d in range(1, n + 1)]
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Tarih;Açıklama;Tutar;Dekont\n")
        for i in range(rows):
            m, d = days[i * len(days) // rows]
            cents = rnd.randint(100, 5_000_000) * (1 if rnd.random() < 0.4 else -1)
            fh.write(f"{d:02d}.{m:02d}.2025;{rnd.choice(WORDS)} {rnd.randint(1, 999)};{tr_amount(cents)};"
                     f"D{i:08d}\n")


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd, capture_output=True, text=True)
    last = r.stderr.strip().splitlines()[-1]
    secs, kib = last.split()
    if r.returncode != 0:
        sys.stderr.write(r.stderr[-2000:])
    return float(secs), int(kib), r.returncode


def fresh_books(src: Path, dst: Path) -> Path:
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    shutil.copy(src / "books.toml", dst / "books.toml")
    shutil.copy(src / "accounts.yaml", dst / "accounts.yaml")
    return dst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=1_000_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hledger-runs", type=int, default=1, help="hledger import takes minutes at 1M rows")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    args = ap.parse_args(argv)
    import gen_books

    n_txn = round(args.postings / 2.9)
    data = args.out / f"import-{n_txn}"
    if not (data / "hledger.journal").exists():
        gen_books.generate(n_txn, data)
    journal = data / "hledger.journal"
    postings = sum(1 for line in journal.open(encoding="utf-8") if line.startswith("    "))
    bank = args.out / f"bank-{args.rows}.csv"
    if not bank.exists():
        make_bank_csv(bank, args.rows)
    (args.out / "bank.rules.yaml").write_text(RULES, encoding="utf-8")
    (args.out / "bank.csv.rules").write_text(HLEDGER_RULES, encoding="utf-8")
    work = args.out / "import-work"
    results: dict[str, list[tuple[float, int, int]]] = {}
    for _ in range(args.runs):
        root = fresh_books(data / "kebir-yaml", work / "books")
        results.setdefault("kebir import journal", []).append(
            timed([KEBIR, "import", "journal", str(journal), "--from", "hledger", "--books", str(root)]))
        root = fresh_books(data / "kebir-yaml", work / "books")
        results.setdefault("kebir import bank", []).append(
            timed([KEBIR, "import", "bank", str(bank), "--rules", str(args.out / "bank.rules.yaml"),
                   "--books", str(root)]))
        results.setdefault("kebir import bank (again: all duplicates)", []).append(
            timed([KEBIR, "import", "bank", str(bank), "--rules", str(args.out / "bank.rules.yaml"),
                   "--books", str(root)]))
        empty = work / "empty.journal"
        empty.write_text("", encoding="utf-8")
        hl = shutil.which("hledger")
        if hl and len(results.get("hledger import --dry-run (same CSV)", [])) < args.hledger_runs:
            results.setdefault("hledger import --dry-run (same CSV)", []).append(
                timed([hl, "-f", str(empty), "import", "--dry-run", "--rules-file",
                       str(args.out / "bank.csv.rules"), str(bank)]))
    rows = []
    for name, runs in results.items():
        rows.append({"what": name, "runs": len(runs), "seconds": statistics.median(r[0] for r in runs),
                     "peak_mib": round(statistics.median(r[1] for r in runs) / 1024),
                     "failed": sum(1 for r in runs if r[2] != 0)})
    meta = {"postings": postings, "transactions": n_txn, "bank_rows": args.rows, "rows": rows}
    (args.out / "import-results.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"hledger journal: {n_txn} transactions, {postings} postings; bank CSV: {args.rows} rows\n")
    print("| what | runs | seconds (median) | peak MiB (median) | failed |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['what']} | {r['runs']} | {r['seconds']:.1f} | {r['peak_mib']} | {r['failed']} |")
    return 1 if any(r["failed"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
