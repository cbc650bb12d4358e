#!/usr/bin/env python3
"""Benchmark kebir against ledger, hledger and beancount on the same generated books.

    python bench/run.py [--sizes 10000,100000,1000000] [--out bench/out] [--skip-slow]

For each size the books are generated once (bench/gen_books.py, cached in OUT/data-N) and each
command is timed with `/usr/bin/time -f "%e %M"` (wall seconds, max RSS of the largest single
process in KiB). While a command runs, the summed RSS of its whole process tree is also sampled
from /proc every 50 ms ("tree MiB"): kebir parses cold YAML in worker processes, which %M does
not add up. Results go to OUT/results-N.json (one per size) and OUT/results.md (every size found
in OUT). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import gen_books  # noqa: E402

VENV_BIN = Path(sys.executable).parent
KEBIR = shutil.which("kebir", path=str(VENV_BIN)) or shutil.which("kebir") or "kebir"
BEAN_CHECK = shutil.which("bean-check", path=str(VENV_BIN)) or shutil.which("bean-check") or "bean-check"
LEDGER = shutil.which("ledger") or "/usr/bin/ledger"
HLEDGER = shutil.which("hledger") or "/usr/bin/hledger"
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

# Fallback when /usr/bin/time is missing: a fresh Python process runs the command and reports the
# wall time and RUSAGE_CHILDREN's ru_maxrss (fresh, so its "delta" is the command's own value).
RUSAGE_WRAPPER = r"""
import resource, subprocess, sys, time
before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    f.write(f"{wall:.2f} {max(peak, before)}\n")
sys.exit(rc)
"""

PAGE = os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------- measuring one command

def _tree_rss_kib(root: int) -> int:
    """Summed RSS (KiB) of root and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE // 1024
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(children.get(pid, ()))
    return total


def run_once(cmd: list[str], cwd: Path, timeout: float) -> dict:
    """Run cmd once under /usr/bin/time; wall seconds, peak RSS, sampled tree RSS, exit code, output."""
    with tempfile.TemporaryDirectory(prefix="kebir-bench-") as tmp:
        tfile, out_path, err_path = Path(tmp, "time"), Path(tmp, "stdout"), Path(tmp, "stderr")
        if GNU_TIME:
            argv = [GNU_TIME, "-f", "%e %M", "-o", str(tfile), *cmd]
        else:
            argv = [sys.executable, "-c", RUSAGE_WRAPPER, str(tfile), *cmd]
        env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
        with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=cwd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True)
            tree_peak = [0]
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    tree_peak[0] = max(tree_peak[0], _tree_rss_kib(proc.pid))
                    done.wait(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            timed_out = False
            try:
                rc = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                rc = proc.wait()
            done.set()
            sampler.join()
            wall_py = time.perf_counter() - started
        stdout = out_path.read_bytes().decode("utf-8", "replace")
        stderr = err_path.read_bytes().decode("utf-8", "replace")
        seconds, peak = wall_py, 0
        try:
            last = [ln for ln in tfile.read_text().splitlines() if ln.strip()][-1].split()
            seconds, peak = float(last[0]), int(last[1])
        except (OSError, IndexError, ValueError):
            pass
    return {"rc": rc, "timed_out": timed_out, "seconds": seconds, "peak_kib": peak, "tree_kib": tree_peak[0],
            "stdout": stdout, "stderr_tail": "\n".join(stderr.strip().splitlines()[-15:])}


# --------------------------------------------------------------------------- what to measure

def cases(data: Path) -> list[dict]:
    """Every measurement for one data directory, in run order (slow ones last)."""
    out = []
    for fmt in ("yaml", "csv"):
        books = f"kebir-{fmt}"
        cache = data / books / ".kebir"
        out.append(dict(fmt=fmt, tool="kebir validate", mode="cold", cmd=[KEBIR, "validate", "--books", books],
                        prep=lambda c=cache: shutil.rmtree(c, ignore_errors=True), check="validate"))
        out.append(dict(fmt=fmt, tool="kebir validate", mode="warm", cmd=[KEBIR, "validate", "--books", books],
                        prep=None, check="validate", needs_cache=cache))
        out.append(dict(fmt=fmt, tool="kebir report trial-balance", mode="warm",
                        cmd=[KEBIR, "report", "trial-balance", "--books", books, "--format", "csv"],
                        prep=None, check="tb", needs_cache=cache))
    out.append(dict(fmt="ledger", tool="ledger bal", mode="-", cmd=[LEDGER, "-f", "ledger.journal", "bal"],
                    prep=None, check="nonempty"))
    # ledger 3 turns every `@@` posting into its own lot (EUR {unit cost} [date]) and its `bal` slows
    # down superlinearly with the number of lots in one account; -B (report at cost, all TRY, which is
    # what kebir's trial balance shows) avoids it.
    out.append(dict(fmt="ledger", tool="ledger bal -B", mode="-", cmd=[LEDGER, "-f", "ledger.journal", "bal", "-B"],
                    prep=None, check="nonempty"))
    out.append(dict(fmt="hledger", tool="hledger bal", mode="-", cmd=[HLEDGER, "-f", "hledger.journal", "bal"],
                    prep=None, check="nonempty", slow=True))
    bean_cache = data / ".books.beancount.picklecache"
    out.append(dict(fmt="beancount", tool="bean-check", mode="cold (-C)", cmd=[BEAN_CHECK, "-C", "books.beancount"],
                    prep=None, check=None, slow=True))
    out.append(dict(fmt="beancount", tool="bean-check", mode="warm (pickle cache)",
                    cmd=[BEAN_CHECK, "books.beancount"], prep=None, check=None, slow=True, bean_cache=bean_cache))
    return out


def _check_output(kind: str | None, stdout: str, n: int) -> str | None:
    """Extra success criteria beyond exit 0; returns a failure message or None."""
    if kind == "validate":
        m = re.search(r"^ok: .*?([\d,]+) entries", stdout, re.M)
        if not m:
            return "validate did not print `ok: ...`: " + stdout.strip()[-300:]
        if int(m.group(1).replace(",", "")) != n:
            return f"validate saw {m.group(1)} entries, expected {n:,}"
    elif kind == "tb":
        if not stdout.startswith("account,name,debit,credit,balance"):
            return "trial balance CSV has an unexpected header: " + stdout[:200]
    elif kind == "nonempty" and not stdout.strip():
        return "no output"
    return None


def measure(case: dict, data: Path, n: int, runs: int, timeout: float) -> dict:
    if case.get("bean_cache") is not None:
        # Prime beancount's pickle cache (written only when the load takes >= 1 s).
        run_once(case["cmd"], data, timeout)
    if case.get("needs_cache") is not None and not case["needs_cache"].exists():
        run_once(case["cmd"], data, timeout)
    results = []
    for _ in range(runs):
        if case["prep"]:
            case["prep"]()
        r = run_once(case["cmd"], data, timeout)
        results.append(r)
        if r["rc"] != 0 or r["timed_out"]:
            break
    failure = None
    bad = next((r for r in results if r["rc"] != 0 or r["timed_out"]), None)
    if bad is not None:
        failure = ("timed out after %ds" % timeout) if bad["timed_out"] else f"exit {bad['rc']}"
        failure += (": " + bad["stderr_tail"]) if bad["stderr_tail"] else ""
    else:
        failure = _check_output(case["check"], results[-1]["stdout"], n)
    mode = case["mode"]
    if case.get("bean_cache") is not None and not case["bean_cache"].exists():
        mode = "warm (no cache: load < 1 s)"
    secs = [r["seconds"] for r in results]
    row = {"size": n, "format": case["fmt"], "tool": case["tool"], "mode": mode, "runs": len(results),
           "cmd": " ".join(Path(case["cmd"][0]).name if i == 0 else a for i, a in enumerate(case["cmd"])),
           "seconds": statistics.median(secs), "all_seconds": secs,
           "peak_mib": statistics.median(r["peak_kib"] for r in results) / 1024,
           "tree_mib": statistics.median(r["tree_kib"] for r in results) / 1024,
           "ok": failure is None, "failure": failure}
    row["tx_per_s"] = n / row["seconds"] if row["seconds"] > 0 else None
    return row


# --------------------------------------------------------------------------- cross-check

def _dec(text: str) -> Decimal:
    text = text.strip().replace(",", "")
    return Decimal(text) if text else Decimal(0)


def kebir_tb(books: Path) -> tuple[dict[str, Decimal], str]:
    p = subprocess.run([KEBIR, "report", "trial-balance", "--books", str(books), "--format", "csv"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"kebir trial-balance failed ({p.returncode}): {p.stderr[-500:]}")
    import csv
    rows = list(csv.DictReader(p.stdout.splitlines()))
    return {r["account"]: _dec(r["balance"]) for r in rows if r["account"] != "Total"}, p.stdout


def hledger_tb(journal: Path) -> dict[str, Decimal]:
    p = subprocess.run([HLEDGER, "-f", str(journal), "bal", "-B", "--flat", "-O", "csv", "--no-total"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"hledger bal failed ({p.returncode}): {p.stderr[-500:]}")
    import csv
    out: dict[str, Decimal] = {}
    for r in csv.DictReader(p.stdout.splitlines()):
        amount = r["balance"].strip()
        if amount in ("", "0"):
            val = Decimal(0)
        else:
            m = re.fullmatch(r"(-?[\d,]+(?:\.\d+)?) TRY", amount)
            if not m:
                raise RuntimeError(f"hledger balance not in TRY for {r['account']}: {amount!r}")
            val = _dec(m.group(1))
        out[r["account"].split(":")[-1]] = val
    return out


def crosscheck(data: Path) -> dict:
    """kebir's trial balance (YAML and CSV books) against hledger bal -B, account by account."""
    kyaml, yaml_text = kebir_tb(data / "kebir-yaml")
    kcsv, csv_text = kebir_tb(data / "kebir-csv") if (data / "kebir-csv").exists() else (kyaml, yaml_text)
    hl = hledger_tb(data / "hledger.journal")
    accounts = sorted(set(kyaml) | set(hl))
    diffs = [(a, str(kyaml.get(a, Decimal(0))), str(hl.get(a, Decimal(0)))) for a in accounts
             if kyaml.get(a, Decimal(0)) != hl.get(a, Decimal(0))]
    return {"accounts_kebir": len(kyaml), "accounts_hledger": len(hl), "compared": len(accounts),
            "mismatches": diffs, "agree": not diffs, "yaml_csv_identical": yaml_text == csv_text,
            "kebir_total": str(sum(kyaml.values(), Decimal(0)))}


# --------------------------------------------------------------------------- data, report

def ensure_data(out: Path, n: int) -> tuple[Path, float | None]:
    data = out / f"data-{n}"
    stamp = data / ".complete"
    want = f"gen {gen_books.GEN_VERSION} n={n} seed=20250101 csv=1\n"
    if stamp.exists() and stamp.read_text() == want:
        return data, None
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "gen_books.py"), str(n), str(data), "--csv"], check=True)
    secs = time.perf_counter() - t
    stamp.write_text(want)
    (data / ".gen-seconds").write_text(f"{secs:.2f}\n")
    return data, secs


def _version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def environment() -> dict:
    cpu = "?"
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        kib = int(next(ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal")))
        mem = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    rev = _version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "core", "cli"],
                           capture_output=True, text=True).stdout.strip()
    py = VENV_BIN / "python"
    pkgs = _version([str(py), "-c", "import polars, yaml, beancount; print(f'polars {polars.__version__}, "
                                    "PyYAML {yaml.__version__} (libyaml {yaml.__with_libyaml__}), "
                                    "beancount {beancount.__version__}')"])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "kebir": f"git {rev}{' (core/cli modified)' if dirty else ''}", "packages": pkgs,
            "ledger": _version([LEDGER, "--version"]), "hledger": _version([HLEDGER, "--version"]),
            "timer": "/usr/bin/time -f '%e %M'" if GNU_TIME else "python resource.getrusage(RUSAGE_CHILDREN) wrapper",
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


def _fmt_size(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def markdown(out: Path) -> str:
    docs = []
    for f in sorted(out.glob("results-*.json"), key=lambda p: int(p.stem.split("-")[1])):
        docs.append(json.loads(f.read_text()))
    if not docs:
        return "no results yet\n"
    env = docs[-1]["environment"]
    revs = sorted({r["kebir"] for d in docs for r in d["rows"] if r.get("kebir")})
    lines = ["# kebir benchmark results", "",
             f"Machine: {env['cpu']}, {env['cores']} cores, {env['memory']}. Python {env['python']}, "
             f"kebir {', '.join(revs) or env['kebir']}; {env['packages']}; {env['ledger']}; {env['hledger']}.",
             f"Timer: {env['timer']}. Seconds and peak MiB are the median of the runs shown "
             "(3 for sizes up to 100k, 1 at 1M). peak MiB = max RSS of the largest single process "
             "(%M); tree MiB = summed RSS of the whole process tree, sampled every 100 ms (kebir's cold "
             "YAML parse uses worker processes). tx/s = transactions / seconds.", ""]
    lines += ["| size | format | tool | mode | runs | seconds | peak MiB | tree MiB | transactions/s |",
              "|---:|---|---|---|---:|---:|---:|---:|---:|"]
    failures, checks = [], []
    for d in docs:
        for r in d["rows"]:
            if r.get("skipped"):
                lines.append(f"| {_fmt_size(r['size'])} | {r['format']} | {r['tool']} | {r['mode']} | - | "
                             f"skipped ({r['skipped']}) | | | |")
                continue
            secs = f"{r['seconds']:.2f}" if r["ok"] else f"FAIL ({r['seconds']:.2f})"
            tps = f"{r['tx_per_s']:,.0f}" if r["ok"] and r["tx_per_s"] else "-"
            lines.append(f"| {_fmt_size(r['size'])} | {r['format']} | {r['tool']} | {r['mode']} | {r['runs']} | "
                         f"{secs} | {r['peak_mib']:,.0f} | {r['tree_mib']:,.0f} | {tps} |")
            if not r["ok"]:
                failures.append(f"- {_fmt_size(r['size'])} `{r['cmd']}`: {r['failure']}")
        if d.get("crosscheck"):
            c = d["crosscheck"]
            verdict = "agree" if c["agree"] else f"DISAGREE on {len(c['mismatches'])} accounts"
            checks.append(f"- {_fmt_size(d['size'])}: kebir trial balance vs `hledger bal -B --flat`: {verdict} "
                          f"({c['compared']} accounts compared; kebir {c['accounts_kebir']}, hledger "
                          f"{c['accounts_hledger']}); kebir YAML and CSV books give identical trial balances: "
                          f"{c['yaml_csv_identical']}")
            for a, k, h in c["mismatches"][:20]:
                checks.append(f"  - {a}: kebir {k}, hledger {h}")
    gen = [f"{_fmt_size(d['size'])}: {d['gen_seconds']:.1f} s" for d in docs if d.get("gen_seconds")]
    if gen:
        lines += ["", "Data generation (bench/gen_books.py, all five outputs): " + ", ".join(gen) + "."]
    if checks:
        lines += ["", "## Cross-check", "", *checks]
    if failures:
        lines += ["", "## Failures", "", *failures]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark kebir against ledger, hledger and beancount.")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated transaction counts")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--skip-slow", action="store_true",
                    help="above 100k transactions, skip hledger and bean-check (minutes and many GiB each)")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (default: 3 up to 100k, else 1)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a single run is killed")
    ap.add_argument("--tools", default=None, metavar="REGEX",
                    help="only measurements whose 'format tool mode' matches (e.g. 'ledger|hledger'); their rows "
                         "replace the same rows in an existing results-N.json, the others are kept")
    a = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = environment()
    status = 0
    for n in sizes:
        data, gen_secs = ensure_data(out, n)
        if gen_secs is None:
            try:
                gen_secs = float((data / ".gen-seconds").read_text())
            except (OSError, ValueError):
                gen_secs = None
        print(f"== {n:,} transactions ({data}); generation {gen_secs or 0:.1f} s", flush=True)
        runs = a.runs or (3 if n <= 100_000 else 1)
        doc = {"size": n, "environment": env, "gen_seconds": gen_secs, "rows": [], "crosscheck": None}
        target = out / f"results-{n}.json"
        selected = [c for c in cases(data)
                    if a.tools is None or re.search(a.tools, f"{c['fmt']} {c['tool']} {c['mode']}")]
        keep: list[dict] = []
        if a.tools is not None and target.exists():
            old = json.loads(target.read_text())
            doc["crosscheck"] = old.get("crosscheck")
            doc["gen_seconds"] = doc["gen_seconds"] or old.get("gen_seconds")
            keep = old["rows"]
        if n <= 100_000 and a.tools is None:
            try:
                doc["crosscheck"] = crosscheck(data)
                c = doc["crosscheck"]
                print(f"   cross-check kebir vs hledger: {'agree' if c['agree'] else 'DISAGREE'} on "
                      f"{c['compared']} accounts; YAML/CSV trial balances identical: {c['yaml_csv_identical']}",
                      flush=True)
                for acc, k, h in c["mismatches"][:20]:
                    print(f"     {acc}: kebir {k} hledger {h}", flush=True)
                if not c["agree"]:
                    status = 1
            except RuntimeError as exc:
                doc["crosscheck"] = {"agree": False, "mismatches": [("error", str(exc), "")], "compared": 0,
                                     "accounts_kebir": 0, "accounts_hledger": 0, "yaml_csv_identical": False}
                print(f"   cross-check failed: {exc}", flush=True)
                status = 1
        order = [(c["fmt"], c["tool"]) for c in cases(data)]

        def merged() -> list[dict]:
            mine = {(r["format"], r["tool"], r["mode"]) for r in doc["rows"]}
            rows = [r for r in keep if (r["format"], r["tool"], r["mode"]) not in mine] + doc["rows"]
            rank = {k: i for i, k in enumerate(order)}
            return sorted(rows, key=lambda r: rank.get((r["format"], r["tool"]), len(rank)))

        for case in selected:
            if a.skip_slow and case.get("slow") and n > 100_000:
                doc["rows"].append({"size": n, "format": case["fmt"], "tool": case["tool"], "mode": case["mode"],
                                    "skipped": "--skip-slow"})
                continue
            row = measure(case, data, n, runs, a.timeout)
            if case["tool"].startswith("kebir"):
                row["kebir"] = env["kebir"]
            doc["rows"].append(row)
            target.write_text(json.dumps({**doc, "rows": merged()}, indent=1, default=str))
            extra = "" if row["ok"] else f"  FAILED: {row['failure']}"
            print(f"   {row['format']:<9} {row['tool']:<27} {row['mode']:<21} {row['seconds']:8.2f} s "
                  f"{row['peak_mib']:8.0f} MiB peak {row['tree_mib']:8.0f} MiB tree "
                  f"{(row['tx_per_s'] or 0):12,.0f} tx/s  runs {row['all_seconds']}{extra}", flush=True)
            if not row["ok"]:
                status = 1
        target.write_text(json.dumps({**doc, "rows": merged()}, indent=1, default=str))
        (out / "results.md").write_text(markdown(out))
    print()
    print(markdown(out))
    return status


if __name__ == "__main__":
    sys.exit(main())
