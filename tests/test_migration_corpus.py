"""The corpus: journals nobody on this project wrote (tests/corpus/README.md says where each comes
from and under which licence), and ledgers beancount's own `bean-example` generates. Every file
that hledger or ledger accepts either imports with the trial balance the tool itself reports
(`hledger bal -B` or `ledger reg -B`, per account and commodity, to the cent), or is refused with
the construct named at file:line. None may import with other numbers. The counts are printed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from tests.test_migration import (
    HLEDGER, JOURNAL_SUFFIXES, LEDGER, fresh_books, hledger_balances, kebir_balances, ledger_balances, run,
    without_unbalanced_virtual,
)

CORPUS = Path(__file__).parent / "corpus"
CORPUS_FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in JOURNAL_SUFFIXES)


def _accepted_by(path: Path) -> str | None:
    """Which tool accepts the file as it is: hledger first (its own format), else ledger."""
    for tool, args in ((HLEDGER, ["bal"]), (LEDGER, ["bal"])):
        if tool and subprocess.run([tool, "-f", str(path), *args], capture_output=True).returncode == 0:
            return "hledger" if tool == HLEDGER else "ledger"
    return None


def _as_codes(balances: dict[tuple[str, str], Decimal]) -> dict[tuple[str, str], Decimal]:
    """The tools' balances with currency symbols read as the importer reads them (`$` is USD)."""
    from core.interop.ledger_text import SYMBOLS

    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (account, commodity), amount in balances.items():
        out[(account, SYMBOLS.get(commodity, commodity))] += amount
    return {k: v for k, v in out.items() if v != 0}


def _corpus_case(src: Path, tmp: Path) -> tuple[str, str]:
    """('exact' | 'refused' | 'wrong' | 'not accepted', detail) for one corpus file."""
    tool = _accepted_by(src)
    if tool is None:
        return "not accepted", "neither hledger nor ledger reads it"
    root = fresh_books(tmp / "books", base="USD", currencies={"USD": 2, "EUR": 2})
    r = run("import", "journal", str(src), "--from", tool, "--books", str(root))
    if r.exit_code == 0:
        real = without_unbalanced_virtual(src, tmp)     # those are listed, never posted
        balances = hledger_balances if tool == "hledger" else ledger_balances
        # without the virtual postings an assertion on them no longer holds: hledger -I skips them
        extra = ("-I",) if real != src and tool == "hledger" else ()
        units = _as_codes(balances(real, *extra, cost=False))
        got = kebir_balances(root)
        if got != units:
            return "wrong", f"kebir {got} != {tool} {units}"
        at_cost = _as_codes(balances(real, *extra))
        if {c for _a, c in at_cost} <= {"USD"}:        # the tool's cost is in the base currency: same values
            got = kebir_balances(root, at_base=True)
            return ("exact", "") if got == at_cost else ("wrong", f"at cost: kebir {got} != {tool} -B {at_cost}")
        return "exact", "in units; the tool's cost -B is in " + ", ".join(sorted({c for _a, c in at_cost} - {"USD"}))
    errors = [ln for ln in r.stderr.splitlines() if " error" in ln and ": I0" in ln]
    here = str(src.parent)              # the journal or a file it includes, at a line
    named = [ln for ln in errors if ln.startswith(here) and ln.split(": ")[0].rpartition(":")[2].isdigit()]
    if r.exit_code == 1 and errors and named == errors:
        return "refused", errors[0].split(": ", 1)[1]
    return "wrong", f"exit {r.exit_code} without file:line problems: {r.output[-500:]}"


@pytest.mark.skipif(HLEDGER is None and LEDGER is None, reason="neither hledger nor ledger is installed")
def test_corpus__every_journal_imports_exactly_or_is_refused_at_file_line(tmp_path, capsys):
    assert CORPUS_FILES, "tests/corpus/ holds the journals"
    results = {}
    for k, src in enumerate(CORPUS_FILES):
        (tmp_path / str(k)).mkdir()
        results[src.relative_to(CORPUS)] = _corpus_case(src, tmp_path / str(k))
    with capsys.disabled():
        counts = {kind: sum(1 for r in results.values() if r[0] == kind) for kind in
                  ("exact", "refused", "wrong", "not accepted")}
        print(f"\ncorpus: {counts}")
        for name, (kind, why) in sorted(results.items()):
            print(f"  {name}: {kind} {why[:160]}")
    assert [n for n, r in results.items() if r[0] == "wrong"] == []


SEEDS = (1, 7, 2024)


@pytest.mark.parametrize("seed", SEEDS)
def test_corpus__bean_example_is_refused_at_its_lots_never_imported_wrong(tmp_path, seed):
    """Lots at cost are not imported yet: every generated ledger is refused, at file:line, with the
    lot named once (no follow-on "does not balance"), and nothing is written."""
    here = Path(sys.executable).parent / "bean-example"        # installed with the test extras
    bean = str(here) if here.exists() else shutil.which("bean-example")
    assert bean, "bean-example comes with beancount (the test extras)"
    src = tmp_path / f"example-{seed}.beancount"
    subprocess.run([bean, "--seed", str(seed), "--date-begin", "2022-01-01", "--date-end", "2023-01-01",
                    "-o", str(src)], check=True, capture_output=True)
    root = fresh_books(tmp_path / "b", base="USD", currencies={"USD": 2})
    r = run("import", "journal", str(src), "--from", "beancount", "--books", str(root))
    assert r.exit_code == 1
    errors = [ln for ln in r.stderr.splitlines() if ": I0" in ln and " error" in ln]
    assert errors and all(ln.startswith(f"{src}:") for ln in errors)
    assert not any(" I004 " in ln for ln in errors), "no follow-on does-not-balance"
    assert any("a lot held at cost" in ln for ln in errors)
    assert len(errors) < 40, f"{len(errors)} problems: one per cause"
    assert not (root / "journals").exists()
