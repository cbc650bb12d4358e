"""Benchmark: derive postings and value stock for a generated year of documents.

    python bench/erp_bench.py [--moves 1000000] [--invoices 100000] [--out bench/out/erp]

Writes a books directory (1M stock moves in monthly CSV files, 100k sales invoices with their
payments and 20k supplier invoices in monthly YAML files), then measures, in separate processes
so peak memory is per run: `kebir validate` cold (no cache) and warm, and the derivation alone
(load, value stock, derive every posting) in process. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KEBIR = [sys.executable, "-m", "cli.main"]

BOOKS_TOML = """[company]
name = "Bench Lokanta A.Ş."
base_currency = "TRY"

[currencies]
TRY = 2
EUR = 2

[accounts]
rounding = "659.99"
receivable = "120.01"
payable = "320.01"
advances_received = "340.01"
inventory = "153.01"
goods_received = "329.01"
cogs = "621.01"
waste = "621.02"
count_shortage = "197.01"
count_surplus = "397.01"
price_difference = "621.09"
sales = "600.01"
sales_returns = "610.01"
fx_gain = "646.01"
fx_loss = "656.01"
bank = "102.01"
expenses = "770.01"

[accounts.vat_output]
"1" = "391.01"
"10" = "391.02"
"20" = "391.03"

[accounts.vat_input]
"1" = "191.01"
"10" = "191.02"
"20" = "191.03"
"""

ACCOUNTS = [("102.01", "Bank", "bank"), ("120.01", "Alıcılar", "asset"), ("153.01", "Stok", "asset"),
            ("191.01", "KDV 1", "asset"), ("191.02", "KDV 10", "asset"), ("191.03", "KDV 20", "asset"),
            ("197.01", "Sayım noksanları", "asset"), ("320.01", "Satıcılar", "liability"),
            ("329.01", "Faturası gelmemiş", "liability"), ("340.01", "Avanslar", "liability"),
            ("391.01", "HKDV 1", "liability"), ("391.02", "HKDV 10", "liability"), ("391.03", "HKDV 20", "liability"),
            ("397.01", "Sayım fazlaları", "liability"), ("600.01", "Satışlar", "income"),
            ("610.01", "İadeler", "income"), ("621.01", "SMM", "expense"), ("621.02", "Fire", "expense"),
            ("621.09", "Fiyat farkı", "expense"), ("646.01", "Kur kârı", "income"), ("656.01", "Kur zararı", "expense"),
            ("659.99", "Yuvarlama", "expense"), ("770.01", "Giderler", "expense")]

LOCS = ("KDK", "BSK", "MTF")


def money(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def qty(t: int) -> str:
    return f"{t // 1000}.{t % 1000:03d}"


def generate(out: Path, n_moves: int, n_invoices: int) -> None:
    rng = random.Random(7)
    (out / "journals").mkdir(parents=True, exist_ok=True)
    (out / "books.toml").write_text(BOOKS_TOML)
    (out / "accounts.yaml").write_text("".join(f'- {{code: "{c}", name: "{n}", type: {t}}}\n' for c, n, t in ACCOUNTS))
    customers = [f"CU-{i:05d}" for i in range(1, 1001)]
    suppliers = [f"SU-{i:04d}" for i in range(1, 51)]
    (out / "contacts/erp").mkdir(parents=True, exist_ok=True)
    (out / "contacts/erp/customers.yaml").write_text("".join(
        f"- {{id: {c}, kind: company, name: Customer {c}, payment_terms: net30}}\n" for c in customers))
    (out / "contacts/erp/suppliers.yaml").write_text("".join(
        f"- {{id: {s}, kind: company, name: Supplier {s}, payment_terms: net15}}\n" for s in suppliers))
    items = [f"IT-{i:03d}" for i in range(80)]
    (out / "stock").mkdir(exist_ok=True)
    (out / "stock/items.yaml").write_text("".join(
        f"- {{id: {it}, name: Item {it}, unit: kg, valuation: {'fifo' if i % 2 else 'average'}}}\n"
        for i, it in enumerate(items)))
    (out / "stock/locations.yaml").write_text("".join(f"- {{id: {loc}, name: {loc}, kind: restaurant}}\n"
                                                      for loc in LOCS))
    on_hand = {(it, loc): 0 for it in items for loc in LOCS}
    per_month = n_moves // 12
    n = 0
    for month in range(1, 13):
        rows = ["id,date,time,kind,item,location,to_location,quantity,unit_cost,currency,document,memo"]
        for k in range(per_month):
            n += 1
            day = f"2025-{month:02d}-{1 + k * 28 // per_month:02d}"
            it, loc = rng.choice(items), rng.choice(LOCS)
            r = rng.random()
            mid = f"MV-{n:07d}"
            if r < 0.35 or on_hand[(it, loc)] < 2000:
                q = rng.randint(5000, 40000)
                on_hand[(it, loc)] += q
                rows.append(f"{mid},{day},,receipt,{it},{loc},,{qty(q)},{rng.randint(1000000, 9000000) / 10000:.4f},"
                            f"TRY,,")
            elif r < 0.45:
                to = rng.choice([x for x in LOCS if x != loc])
                q = rng.randint(1, on_hand[(it, loc)] // 2)
                on_hand[(it, loc)] -= q
                on_hand[(it, to)] += q
                rows.append(f"{mid},{day},,transfer,{it},{loc},{to},{qty(q)},,,,")
            else:
                q = rng.randint(1, on_hand[(it, loc)] // 3)
                on_hand[(it, loc)] -= q
                rows.append(f"{mid},{day},,{'waste' if r > 0.98 else 'issue'},{it},{loc},,{qty(q)},,,,")
        path = out / f"stock/moves/2025/2025-{month:02d}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(rows) + "\n")
    per_month = n_invoices // 12
    k = 0
    for month in range(1, 13):
        docs = []
        for j in range(per_month):
            k += 1
            day = f"2025-{month:02d}-{1 + j * 28 // per_month:02d}"
            c = rng.choice(customers)
            price = rng.randint(1000, 500000)
            q = rng.randint(1, 20)
            docs.append(f"- id: INV-{k:06d}\n  kind: invoice\n  date: {day}\n  party: {c}\n  lines:\n"
                        f"    - {{account: \"600.01\", quantity: \"{q}\", price: \"{money(price)}\", "
                        f"vat_rate: \"10\"}}\n")
            if rng.random() < 0.7:
                docs.append(f"- id: PAY-{k:06d}\n  kind: payment\n  date: {day}\n  party: {c}\n"
                            f"  amount: \"{money(q * price)}\"\n")
            if k % 5 == 0:
                s = rng.choice(suppliers)
                docs.append(f"- id: SI-{k:06d}\n  kind: supplier-invoice\n  date: {day}\n  party: {s}\n  lines:\n"
                            f"    - {{account: \"770.01\", quantity: \"1\", price: \"{money(price)}\", "
                            f"vat_rate: \"20\"}}\n")
        path = out / f"orders/2025/2025-{month:02d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(docs))


def timed(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak MiB of the child (and its children), exit code, last stderr line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else max(before, 0) / 1024
    return wall, peak, proc.returncode, (proc.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=1_000_000)
    ap.add_argument("--invoices", type=int, default=100_000)
    ap.add_argument("--out", default="bench/out/erp")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out = REPO / args.out / f"m{args.moves}-i{args.invoices}"
    if not (out / "books.toml").exists():
        t = time.perf_counter()
        generate(out, args.moves, args.invoices)
        print(f"generated {out} in {time.perf_counter() - t:.1f} s")
    import shutil
    rows = []
    for mode in ("cold", "warm"):
        runs = []
        for _ in range(args.runs):
            if mode == "cold":
                shutil.rmtree(out / ".kebir", ignore_errors=True)
            runs.append(timed([*KEBIR, "validate", "--books", str(out)]))
        runs.sort()
        wall, peak, code, last = runs[len(runs) // 2]
        rows.append((f"kebir validate ({mode})", wall, peak, code, last))
    derive = [sys.executable, "-c", (
        "import time, sys; from pathlib import Path; from core import load; t = time.perf_counter(); "
        f"b, p = load_ledger(Path({str(out)!r})); "
        "print(f'{time.perf_counter() - t:.2f} s, {b.derived_postings.height} derived postings, "
        "{len(p)} problems')")]
    runs = sorted(timed(derive) for _ in range(args.runs))
    wall, peak, code, last = runs[len(runs) // 2]
    rows.append(("load + value stock + derive (warm files)", wall, peak, code, last))
    print(f"\n{args.moves:,} stock moves, {args.invoices:,} invoices (median of {args.runs})\n")
    print("| run | seconds | peak MiB | exit | output |\n|---|---:|---:|---:|---|")
    for name, wall, peak, code, last in rows:
        print(f"| {name} | {wall:.2f} | {peak:,.0f} | {code} | {last[:90]} |")


if __name__ == "__main__":
    main()
