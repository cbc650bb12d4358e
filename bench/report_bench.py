#!/usr/bin/env python3
"""Benchmark kebir's reports and `kebir query` against ledger, hledger and bean-query, side by side.

    python bench/report_bench.py [--sizes 100000,1000000] [--out bench/out] [--skip-slow] [--runs N]

Uses the books bench/gen_books.py writes (cached in OUT/data-N, shared with bench/run.py): the
same transactions for kebir, ledger, hledger and beancount. kebir runs warm: one untimed run first
fills `.kebir/cache`. Each command is timed with `/usr/bin/time` (bench/run.py's `run_once`):
the median of 3 runs up to 100k transactions, 1 above (`--runs` overrides). Then kebir's trial
balance is checked against `hledger bal -B` account by account, and `kebir query`'s group-by
against kebir's trial balance. Results: OUT/report-results-N.json and OUT/report-results.md (every
size found in OUT). See bench/README.md, "Reports and queries".
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shlex
import shutil
import statistics
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as runner

VENV_BIN = Path(sys.executable).parent
KEBIR = shutil.which("kebir", path=str(VENV_BIN)) or shutil.which("kebir")
LEDGER = shutil.which("ledger")
HLEDGER = shutil.which("hledger")
BEAN_QUERY = shutil.which("bean-query", path=str(VENV_BIN)) or shutil.which("bean-query")

QUERY = "SELECT account, SUM(base) AS balance FROM postings GROUP BY account ORDER BY account"
BEAN_SQL = "SELECT account, sum(position) GROUP BY account"
# Targets at 1M transactions, warm (issue #5): seconds.
TARGETS = {"kebir trial-balance": 2.0, "kebir balance-sheet -M": 3.0, "kebir query group-by": 2.0}
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


def cases(books: str) -> list[dict]:
    """Every measurement, in run order. `slow`: skipped above 100k with --skip-slow; `upto`: never
    run above that size (ledger's plain `bal` did not finish in 518 s at 1M, see README)."""
    return [
        {"tool": "kebir trial-balance", "exe": KEBIR, "check": "tb",
         "cmd": [KEBIR or "kebir", "report", "trial-balance", "--books", books, "--format", "csv"]},
        {"tool": "kebir balance-sheet -M", "exe": KEBIR, "check": "bs",
         "cmd": [KEBIR or "kebir", "report", "balance-sheet", "--books", books, "-M", "-p", "2025", "--format", "csv"]},
        {"tool": "kebir query group-by", "exe": KEBIR, "check": "query",
         "cmd": [KEBIR or "kebir", "query", QUERY, "--books", books, "--format", "csv"]},
        {"tool": "ledger bal", "exe": LEDGER, "check": "nonempty", "upto": 100_000,
         "cmd": [LEDGER or "ledger", "-f", "ledger.journal", "bal"]},
        {"tool": "ledger bal -B", "exe": LEDGER, "check": "nonempty",
         "cmd": [LEDGER or "ledger", "-f", "ledger.journal", "bal", "-B"]},
        {"tool": "hledger bal", "exe": HLEDGER, "check": "nonempty", "slow": True,
         "cmd": [HLEDGER or "hledger", "-f", "hledger.journal", "bal"]},
        {"tool": "hledger bs -M", "exe": HLEDGER, "check": "nonempty", "slow": True,
         "cmd": [HLEDGER or "hledger", "-f", "hledger.journal", "bs", "-M"]},
        {"tool": "bean-query group-by", "exe": BEAN_QUERY, "check": "nonempty", "slow": True,
         "cmd": [BEAN_QUERY or "bean-query", "books.beancount", BEAN_SQL]},
    ]


def _check(kind: str, stdout: str) -> str | None:
    """A failure message when a command's output is not what it should be, else None."""
    head = stdout.split("\n", 1)[0]
    if kind == "tb" and head != "account,name,debit,credit,balance":
        return "trial balance CSV has an unexpected header: " + head[:200]
    if kind == "bs" and head != ",".join(["section", "level", "account", "name", *MONTHS]):
        return "balance sheet CSV has no 12 monthly columns: " + head[:300]
    if kind == "query" and head != "account,balance":
        return "query CSV has an unexpected header: " + head[:200]
    if not stdout.strip():
        return "no output"
    return None


def _shown(cmd: list[str]) -> str:
    """The command as one would type it, from the data directory."""
    return shlex.join([Path(cmd[0]).name, *cmd[1:]])


def measure(case: dict, data: Path, runs: int, timeout: float) -> dict:
    results = []
    for _ in range(runs):
        r = runner.run_once(case["cmd"], data, timeout)
        results.append(r)
        if r["rc"] != 0 or r["timed_out"]:
            break
    bad = next((r for r in results if r["rc"] != 0 or r["timed_out"]), None)
    if bad is not None:
        failure = (f"timed out after {timeout:.0f} s" if bad["timed_out"] else f"exit {bad['rc']}") + \
            (": " + bad["stderr_tail"] if bad["stderr_tail"] else "")
    else:
        failure = _check(case["check"], results[-1]["stdout"])
    secs = [r["seconds"] for r in results]
    return {"tool": case["tool"], "cmd": _shown(case["cmd"]),
            "runs": len(results), "seconds": statistics.median(secs), "all_seconds": secs,
            "peak_mib": statistics.median(r["peak_kib"] for r in results) / 1024,
            "ok": failure is None, "failure": failure, "stdout": results[-1]["stdout"]}


def _csv_balances(text: str, key: str = "balance") -> dict[str, Decimal]:
    return {r["account"]: Decimal(r[key]) for r in csv.DictReader(text.splitlines()) if r["account"] != "Total"}


def crosscheck(rows: dict[str, dict], data: Path, with_hledger: bool) -> dict:
    """kebir's trial balance vs `hledger bal -B` (account by account) and vs kebir query's group-by."""
    out: dict = {}
    tb = rows.get("kebir trial-balance")
    if not tb or not tb["ok"]:
        return {"error": "kebir trial-balance did not run"}
    kebir = _csv_balances(tb["stdout"])
    totals = next((r for r in csv.DictReader(tb["stdout"].splitlines()) if r["account"] == "Total"), None)
    out["kebir_accounts"] = len(kebir)
    out["kebir_totals"] = {"debit": totals["debit"], "credit": totals["credit"]} if totals else None
    q = rows.get("kebir query group-by")
    if q and q["ok"]:
        out["query_equals_tb"] = _csv_balances(q["stdout"]) == kebir
    if with_hledger and HLEDGER:
        try:
            hl = runner.hledger_tb(data / "hledger.journal")
        except RuntimeError as exc:
            out["hledger_error"] = str(exc)
        else:
            accounts = sorted(set(kebir) | set(hl))
            out["hledger_accounts"] = len(hl)
            out["hledger_mismatches"] = [(a, str(kebir.get(a, Decimal(0))), str(hl.get(a, Decimal(0))))
                                         for a in accounts if kebir.get(a, Decimal(0)) != hl.get(a, Decimal(0))]
            out["hledger_agree"] = not out["hledger_mismatches"]
            out["hledger_total"] = str(sum(hl.values(), Decimal(0)))
    return out


def markdown(out: Path) -> str:
    docs = [json.loads(f.read_text()) for f in sorted(out.glob("report-results-*.json"),
                                                      key=lambda p: int(p.stem.rsplit("-", 1)[1]))]
    if not docs:
        return "no results yet\n"
    env = docs[-1]["environment"]
    lines = ["# kebir report and query benchmark", "",
             (f"Machine: {env['cpu']}, {env['cores']} cores, {env['memory']}. Python {env['python']}, kebir "
             f"{env['kebir']}; {env['packages']}; {env['ledger']}; {env['hledger']}; {env.get('bean_query', '')}."),
             (f"Timer: {env['timer']}. Seconds: the median of the runs shown. kebir is warm (`.kebir/cache` "
             "filled by an untimed first run); ledger, hledger and beancount have no such cache "
             "(bean-query may use beancount's pickle cache, written by a previous load of the same file)."), "",
             f"kebir query: `{QUERY}`; bean-query: `{BEAN_SQL}`.", ""]
    for d in docs:
        n = runner._fmt_size(d["size"])
        lines += [f"## {n} transactions", "", "| tool | command | runs | seconds | peak MiB |",
                  "|---|---|---:|---:|---:|"]
        for r in d["rows"]:
            if r.get("skipped"):
                lines.append(f"| {r['tool']} | `{r['cmd']}` | - | skipped ({r['skipped']}) | |")
                continue
            secs = f"{r['seconds']:.2f}" if r["ok"] else f"FAIL ({r['seconds']:.2f})"
            lines.append(f"| {r['tool']} | `{r['cmd']}` | {r['runs']} | {secs} | {r['peak_mib']:,.0f} |")
        ok = [r for r in d["rows"] if not r.get("skipped") and r["ok"]]
        kebir = [r for r in ok if r["tool"].startswith("kebir")]
        others = [r for r in ok if not r["tool"].startswith("kebir")]
        if kebir and others:
            lines += ["", "Ratios: the other tool's seconds / kebir's (above 1: kebir is faster).", "",
                      "| kebir | " + " | ".join(o["tool"] for o in others) + " |",
                      "|---|" + "---:|" * len(others)]
            for k in kebir:
                lines.append(f"| {k['tool']} ({k['seconds']:.2f} s) | "
                             + " | ".join(f"{o['seconds'] / k['seconds']:.1f}x" for o in others) + " |")
        if d["size"] >= 1_000_000:
            lines += [""] + [f"- target {t} < {limit:g} s: " + next(
                (f"{r['seconds']:.2f} s, {'met' if r['seconds'] < limit else 'MISSED'}"
                 for r in ok if r["tool"] == t), "not measured") for t, limit in TARGETS.items()]
        c = d.get("crosscheck") or {}
        checks = []
        if "hledger_agree" in c:
            checks.append(f"- kebir trial balance vs `hledger bal -B --flat`: "
                          f"{'agree' if c['hledger_agree'] else 'DISAGREE'} ({c['kebir_accounts']} accounts in kebir, "
                          f"{c['hledger_accounts']} in hledger; kebir totals debit {c['kebir_totals']['debit']}, "
                          f"credit {c['kebir_totals']['credit']})")
            checks += [f"  - {a}: kebir {k}, hledger {h}" for a, k, h in c["hledger_mismatches"][:20]]
        if "query_equals_tb" in c:
            checks.append(f"- kebir query group-by equals the trial balance's balance column: {c['query_equals_tb']}")
        if checks:
            lines += ["", *checks]
        fails = [f"- `{r['cmd']}`: {r['failure']}" for r in d["rows"] if not r.get("skipped") and not r["ok"]]
        if fails:
            lines += ["", "Failures:", "", *fails]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kebir reports and query vs ledger, hledger and bean-query.")
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated transaction counts")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--books", choices=("yaml", "csv"), default="yaml", help="which kebir books to read")
    ap.add_argument("--skip-slow", action="store_true",
                    help="above 100k transactions, skip hledger and bean-query (minutes and many GiB each)")
    ap.add_argument("--runs", type=int, default=None, help="runs per command (default: 3 up to 100k, else 1)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a single run is killed")
    ap.add_argument("--tools", default=None, metavar="REGEX",
                    help="only the commands whose tool name matches (e.g. '^kebir'); their rows replace the same "
                         "rows in an existing report-results-N.json, the others (and hledger's cross-check) are kept")
    a = ap.parse_args(argv)
    if KEBIR is None:
        print("kebir is not installed in this environment", file=sys.stderr)
        return 2
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = runner.environment()
    env["bean_query"] = runner._version([BEAN_QUERY, "--version"]) if BEAN_QUERY else "bean-query not installed"
    status = 0
    for n in [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]:
        data, _ = runner.ensure_data(out, n)
        books = f"kebir-{a.books}"
        runs = a.runs or (3 if n <= 100_000 else 1)
        print(f"== {n:,} transactions ({data}), {runs} run(s) each", flush=True)
        prime = runner.run_once([KEBIR, "validate", "--books", books], data, a.timeout)   # fills .kebir/cache
        if prime["rc"] != 0:
            print(f"   kebir validate failed: {prime['stderr_tail']}", flush=True)
            status = 1
        doc: dict = {"size": n, "environment": env, "rows": [], "crosscheck": None}
        target = out / f"report-results-{n}.json"
        old = json.loads(target.read_text()) if a.tools is not None and target.exists() else {"rows": []}
        rows: dict[str, dict] = {}
        for case in cases(books):
            cmd = _shown(case["cmd"])
            if a.tools is not None and not re.search(a.tools, case["tool"]):
                doc["rows"] += [r for r in old["rows"] if r["tool"] == case["tool"]]
                continue
            skip = ("not installed" if case["exe"] is None
                    else "--skip-slow" if a.skip_slow and case.get("slow") and n > 100_000
                    else f"only up to {case['upto']:,} transactions: one lot per @@ posting, see README"
                    if case.get("upto") and n > case["upto"] else None)
            if skip:
                doc["rows"].append({"tool": case["tool"], "cmd": cmd, "skipped": skip})
                print(f"   {case['tool']:<24} skipped: {skip}", flush=True)
                continue
            row = measure(case, data, runs, a.timeout)
            rows[case["tool"]] = row
            doc["rows"].append({k: v for k, v in row.items() if k != "stdout"})
            print(f"   {row['tool']:<24} {row['seconds']:8.2f} s {row['peak_mib']:8.0f} MiB  runs {row['all_seconds']}"
                  + ("" if row["ok"] else f"  FAILED: {row['failure']}"), flush=True)
            status |= 0 if row["ok"] else 1
        hl_ran = "hledger bal" in rows
        doc["crosscheck"] = c = crosscheck(rows, data, with_hledger=hl_ran)
        if not hl_ran and old.get("crosscheck") and "error" not in c:   # --tools without hledger: keep its check
            c.update({k: v for k, v in old["crosscheck"].items() if k.startswith("hledger")})
        if "error" in c:
            print(f"   cross-check: {c['error']}", flush=True)
            status = 1
        if "hledger_agree" in c:
            print(f"   kebir trial balance vs hledger bal -B: {'agree' if c['hledger_agree'] else 'DISAGREE'} "
                  f"({c['kebir_accounts']} accounts)", flush=True)
            status |= 0 if c["hledger_agree"] else 1
        if "query_equals_tb" in c:
            print(f"   kebir query group-by equals the trial balance: {c['query_equals_tb']}", flush=True)
            status |= 0 if c["query_equals_tb"] else 1
        target.write_text(json.dumps(doc, indent=1, default=str))
        (out / "report-results.md").write_text(markdown(out))
    print()
    print(markdown(out))
    return status


if __name__ == "__main__":
    sys.exit(main())
