"""A long fuzz run over kebir's loaders and importers: any input gives problems, never a crash.

CI runs a bounded hypothesis fuzz (tests/test_hostile.py); this is the long run, by hand:

    python bench/fuzz.py --seconds 600                       # every target, 600 s each, atheris
    python bench/fuzz.py --engine mutate --seconds 60        # without atheris: seeded mutation
    python bench/fuzz.py --targets journal,bank --seconds 30

Engines:
- `atheris` (PyPI `atheris`, the `bench` extra): coverage-guided (libFuzzer), one process per
  target, the demo books' files as the seed corpus. A crash stops that target and leaves the
  input in bench/out/fuzz/TARGET/crash-*.
- `mutate`: no dependency; byte-level mutations (flips, splices, repeats, truncation, inserted
  YAML and CSV tokens) of the same seeds from a fixed random seed, so a run is repeatable. A
  crash is saved and the run goes on.

What counts as a crash: any exception other than `BooksError` (the documented "books cannot be
read" error the CLI turns into exit 1) escaping a loader or importer. Problems are the expected
answer. The summary (inputs tried and crashes per target) goes to stdout and
bench/out/fuzz/summary.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "ledger-data"
OUT = ROOT / "bench" / "out" / "fuzz"

BANK_STATEMENT_AND_RULES = "tests.test_import_bank"     # the seeds: a statement and its rules file
TOML_SEED = b'[company]\nname = "Test"\nbase_currency = "TRY"\n\n[currencies]\nTRY = 2\n[private]\npath = "../p"\n'


def _seeds(pattern: str, limit: int = 4) -> list[bytes]:
    """Small slices of the demo's files: each a valid start the mutations can break."""
    out = []
    for path in sorted(DEMO.glob(pattern))[:limit]:
        data = path.read_bytes()
        out.append(data[:4000])
    return out


class Targets:
    """Each target takes bytes and runs one loader or importer on them. Built lazily: the
    importers need a loaded book (the demo's), which takes a second."""

    def __init__(self) -> None:
        from core.books import discover, parse, settings, yamlnodes
        from core.erp import load
        from core.interop import bank, ledger_text

        self.load, self.yamlnodes, self.bank, self.ledger_text = load, yamlnodes, bank, ledger_text
        self.parse, self.discover, self.settings = parse, discover, settings
        self._book = None
        self._tmp = Path(tempfile.mkdtemp(prefix="kebir-fuzz-"))

    @property
    def book(self):
        if self._book is None:
            self._book, _ = self.load.load_ledger(DEMO, use_cache=False)   # never writes a cache into the demo
        return self._book

    def table(self) -> dict[str, tuple[Callable[[bytes], object], list[bytes]]]:
        import importlib

        L = self.parse
        seeds = importlib.import_module(BANK_STATEMENT_AND_RULES)
        rules, statement = seeds.RULES, seeds.STATEMENT.encode()
        return {
            "yaml": (lambda b: self.yamlnodes.parse(b.decode("utf-8", "replace"), "f.yaml"),
                     _seeds("contacts/crm/*.yaml")),
            "journal": (lambda b: (L.parse_journal_yaml(b, "f.yaml"), L.parse_journal_yaml(b, "f.yaml", fast=False)),
                        _seeds("journals/2025/*.yaml")),
            "orders": (lambda b: L.parse_orders_yaml(b, "f.yaml"), _seeds("orders/2025/*.yaml")),
            "moves-csv": (lambda b: L.parse_csv(b, "f.csv", "moves"), _seeds("stock/moves/2025/*.csv")),
            "sales-csv": (lambda b: L.parse_csv(b, "f.csv", "sales"), _seeds("sales/2025/*.csv")),
            "journal-csv": (lambda b: L.parse_csv(b, "f.csv", "journal-csv"), _seeds("journals/imports/*.csv")),
            "rates-csv": (lambda b: L.parse_csv(b, "f.csv", "rates"), _seeds("rates/*.csv")),
            "books-toml": (self._settings, [TOML_SEED, (DEMO / "books.toml").read_bytes()]),
            "ledger": (lambda b: self.ledger_text.parse_ledger_text(b.decode("utf-8", "replace"), "f.journal",
                                                                    "ledger"), [LEDGER_SEED]),
            "bank": (lambda b: self.bank.build_bank_import(b, "bank.csv", rules, "rules.yaml", self.book, "fuzz"),
                     [statement]),
            "bank-rules": (lambda b: self.bank.build_bank_import(statement, "bank.csv", b.decode("utf-8", "replace"),
                                                                 "rules.yaml", self.book, "fuzz"),
                           [rules.encode()]),
            "close-record": (self._close_record, [CLOSE_SEED]),
            "seal-csv": (self._seal_csv, [SEAL_SEED]),
            "txn-journal": (self._txn_journal, [self._journal_seed(), TXN_ATTACK_SEED]),
            "dedup-plan": (self._dedup_plan, [PLAN_SEED]),
        }

    # -- the files that steer what kebir does: close records, txn journals, dedup plans ------------

    def _books(self) -> Path:
        """A tiny books directory for the file targets, and a file beside it nothing may touch."""
        root = self._tmp / "books"
        if not root.is_dir():
            (root / "closes").mkdir(parents=True)
            (root / "journals" / "2025").mkdir(parents=True)
            (root / "books.toml").write_bytes(TOML_SEED)
            (root / "accounts.yaml").write_text("- {code: \"100\", name: Kasa, type: cash}\n")
            (self._tmp / "victim.txt").write_text("precious\n")
        return root

    def _close_record(self, data: bytes) -> object:
        from core.books import closes as close_records

        root = self._books()
        (root / "closes" / "2025-01.yaml").write_bytes(data)
        closes, problems = close_records.read_closes(root)
        close_records.closed_periods(closes)
        for rec in closes.values():          # the hash-chained history check of validate and reopen
            close_records.history_problems(rec)
        self.discover.close_file_live(root, "journals/2025/2025-01.close.yaml")
        return problems

    def _seal_csv(self, data: bytes) -> object:
        from core.close import seal as close_seal

        return close_seal.read_digests_csv(data.decode("utf-8", "replace"))

    def _journal_seed(self) -> bytes:
        """A journal kebir itself wrote (MAC under this run's key): mutations of it are the hard case."""
        from core.books import store

        return store._journal_text("0123456789ab", [("accounts.yaml", "._accounts.yaml.kebir-0123456789ab.tmp"),
                                                    ("journals/2025/2025-01.yaml", None)]).encode()

    def _txn_journal(self, data: bytes) -> object:
        from core.books import store

        root = self._books()
        txn = root / ".kebir" / "txn"
        txn.mkdir(parents=True, exist_ok=True)
        (txn / "0123456789ab.json").write_bytes(data)
        store.recover(root)
        victim = self._tmp / "victim.txt"
        if not victim.exists() or victim.read_text() != "precious\n":
            raise AssertionError("recovery touched a file outside the books")
        for p in txn.iterdir():
            p.unlink()
        if not (root / "accounts.yaml").is_file():
            (root / "accounts.yaml").write_text("- {code: \"100\", name: Kasa, type: cash}\n")
        return None

    def _dedup_plan(self, data: bytes) -> object:
        from core.crm import merge
        from core.crm.dedup.plan import read_previous

        path = self._tmp / "plan.yaml"
        path.write_bytes(data)
        merge.read_plan(path)
        return read_previous(path)

    def _settings(self, data: bytes) -> object:
        (self._tmp / "books.toml").write_bytes(data)
        return self.settings.read_settings(self._tmp)


CLOSE_SEED = b"""period: 2025-01
status: closed
closed_by: Zeynep <zeynep@lokanta.example>
closed_on: '2025-02-03'
filed: false
totals:
  debit: '73961368.31'
  credit: '73961368.31'
checklist:
- check: documents-posted
  result: pass
  detail: 224 of 224 documents posted
generated:
- JE-2025-01-C001
entries: journals/2025/2025-01.close.yaml
seal: sha256:a8250398087c93d4399eb2e48738e2a21557cc4dfcea79d6b03033419d5ef229
history:
- event: closed
  by: Zeynep <zeynep@lokanta.example>
  'on': '2025-02-03'
  seal: sha256:a8250398087c93d4399eb2e48738e2a21557cc4dfcea79d6b03033419d5ef229
- event: reopened
  by: Zeynep <zeynep@lokanta.example>
  'on': '2025-02-05'
  reason: late invoice
"""

SEAL_SEED = b"""file,id,digest
journals/2025/2025-01.yaml,JE-2025-01-0001,3f2a9c
orders/2025/2025-01.yaml,SO-0001,99ab01
"""

TXN_ATTACK_SEED = (b'{"txn": "0123456789ab", "files": [{"target": "../victim.txt", "staged": null}, '
                   b'{"target": "accounts.yaml", "staged": "../victim.txt"}]}\n' + b"0" * 64 + b"\n")

PLAN_SEED = """# kebir dedup plan: 1 clusters (1 auto, 0 to review), 3 pairs compared of 10, threshold 0.9.
- cluster: 1
  decision: accept
  confidence: auto
  score: 1.0
  members:
  - {id: C-0003, side: crm, role: company, name: Poyraz Sağlık Hiz. A.Ş.}
  - {id: CU-0010, side: erp, role: customer, name: Poyraz Sağlık Hizmetleri A.Ş.}
  pairs:
  - {a: C-0003, b: CU-0010, score: 1.0}
  survivor: CU-0010
  evidence:
  - field: phone
    values:
      C-0003: "0212 555 86 31"
      CU-0010: "+90 212 555 86 31"
    agree: exact after E.164
    missing: []
""".encode()

LEDGER_SEED = b"""2025-03-01 * Rent
    Expenses:Rent        45000.00 TRY
    Assets:Bank

2025-03-02 Sale  ; id: S-1
    Assets:Bank          1200.00 EUR @@ 44550.00 TRY
    Income:Sales
"""

TOKENS = [b"- ", b": ", b"{", b"}", b"[", b"]", b'"', b"'", b"&a ", b"*a", b"!!python/object ", b"\n", b"\t",
          b",", b";", b"\r\n", b"\x00", b"\xff\xfe", "İı".encode(), b"=cmd()", b"1e308", b"-0", b"012", b"no",
          b"2025-02-30", b"99999999999999999999.99", b"---\n", b"...\n", b"%YAML 1.1\n", b"<<: *a\n"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        at = rng.randint(0, len(b))
        if op == 0 and b:
            b[min(at, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[at:at] = rng.choice(TOKENS)
        elif op == 2 and b:
            end = min(len(b), at + rng.randint(1, 64))
            del b[at:end]
        elif op == 3 and b:
            chunk = bytes(b[at:at + rng.randint(1, 200)])
            b[at:at] = chunk * rng.randint(1, 20)
        elif op == 4:
            b = b[:at]
        else:
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(b)


def _crash(target: str, data: bytes, exc: BaseException) -> Path:
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{hashlib.sha256(data).hexdigest()[:16]}"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
    return path


def run_mutate(name: str, seconds: float, seed: int) -> dict:
    from core.model.errors import BooksError

    targets = Targets()
    fn, seeds = targets.table()[name]
    if name in ("bank", "bank-rules"):
        targets.book           # load the demo before the clock starts
    rng = random.Random(f"{seed}-{name}")
    tried, crashes = 0, []
    deadline = time.monotonic() + seconds
    corpus = list(seeds) or [b""]
    while time.monotonic() < deadline:
        data = mutate(rng.choice(corpus), rng)
        tried += 1
        try:
            fn(data)
        except BooksError:
            pass
        except Exception as exc:   # noqa: BLE001 - that is what is being looked for
            crashes.append(str(_crash(name, data, exc)))
        if tried % 50 == 0 and len(corpus) < 64:
            corpus.append(data)      # keep some mutants: mutations of mutations go deeper
    return {"target": name, "engine": "mutate", "seconds": seconds, "inputs": tried, "crashes": crashes}


def atheris_child(name: str, seconds: float) -> None:
    """Run inside a child process: libFuzzer owns the process and exits at the time limit."""
    import atheris

    if name in ("bank", "bank-rules"):
        # The demo book is loaded uninstrumented first (instrumented, its derivation is slow and
        # has tripped over the bytecode rewriting); then every loaded function is instrumented.
        from core.model.errors import BooksError
        targets = Targets()
        targets.book
        atheris.instrument_all()
    else:
        with atheris.instrument_imports():
            from core.model.errors import BooksError
            targets = Targets()
    fn, seeds = targets.table()[name]
    corpus = OUT / name / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for i, s in enumerate(seeds):
        (corpus / f"seed-{i}").write_bytes(s)
    count_file = OUT / name / "inputs"
    tried = [0, time.monotonic()]

    def one(data: bytes) -> None:
        tried[0] += 1
        if time.monotonic() - tried[1] > 1:
            count_file.write_text(str(tried[0]))
            tried[1] = time.monotonic()
        try:
            fn(data)
        except BooksError:
            pass

    atheris.Setup([sys.argv[0], str(corpus), f"-max_total_time={int(seconds)}", "-rss_limit_mb=4096",
                   "-timeout=30", f"-artifact_prefix={OUT / name}/crash-", "-print_final_stats=1"], one)
    atheris.Fuzz()


def run_atheris(name: str, seconds: float) -> dict:
    (OUT / name).mkdir(parents=True, exist_ok=True)
    before = set((OUT / name).glob("crash-*"))
    count_file = OUT / name / "inputs"
    count_file.unlink(missing_ok=True)
    log = OUT / name / "atheris.log"
    with log.open("wb") as fh:
        proc = subprocess.run([sys.executable, __file__, "--child", name, "--seconds", str(seconds), "--out", str(OUT)],
                              stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, check=False)
    text = log.read_text(encoding="utf-8", errors="replace")
    done = [ln for ln in text.splitlines() if "stat::number_of_executed_units" in ln]
    inputs = int(done[-1].split(":")[-1]) if done else int(count_file.read_text() if count_file.exists() else 0)
    crashes = sorted(str(p) for p in set((OUT / name).glob("crash-*")) - before)
    return {"target": name, "engine": "atheris", "seconds": seconds, "inputs": inputs, "crashes": crashes,
            "exit": proc.returncode}


def main(argv: list[str] | None = None) -> int:
    global OUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="per target (default 60)")
    ap.add_argument("--targets", default="", help="comma-separated; default: all")
    ap.add_argument("--engine", choices=("atheris", "mutate"), default=None,
                    help="default: atheris when installed, else mutate")
    ap.add_argument("--seed", type=int, default=20261127, help="the mutate engine's random seed")
    ap.add_argument("--out", type=Path, default=OUT, help="where crashes and summary.json go (default bench/out/fuzz)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    OUT = args.out
    if args.child:
        atheris_child(args.child, args.seconds)
        return 0
    engine = args.engine
    if engine is None:
        try:
            import atheris  # noqa: F401
            engine = "atheris"
        except ImportError:
            engine = "mutate"
    names = [t for t in args.targets.split(",") if t] or list(Targets().table())
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for name in names:
        r = run_atheris(name, args.seconds) if engine == "atheris" else run_mutate(name, args.seconds, args.seed)
        results.append(r)
        print(f"{name:12} {r['engine']:8} {r['inputs']:>10,} inputs  {len(r['crashes'])} crashes", flush=True)
    total = sum(r["inputs"] for r in results)
    crashes = sum(len(r["crashes"]) for r in results)
    print(f"{'total':12} {engine:8} {total:>10,} inputs  {crashes} crashes")
    (OUT / "summary.json").write_text(json.dumps({"engine": engine, "results": results, "inputs": total,
                                                  "crashes": crashes}, indent=2) + "\n", encoding="utf-8")
    return 1 if crashes else 0


if __name__ == "__main__":
    os.environ.setdefault("POLARS_MAX_THREADS", "1")
    sys.exit(main())
