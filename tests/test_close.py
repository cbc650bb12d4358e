"""Period close: the generated entries checked by hand, the seal, reopening, year end on both charts."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cli.main import app
from core.books import store
from tests.conftest import write_books

BOOKS = """\
[company]
name = "Kapanış Lokanta Ltd."
base_currency = "TRY"
chart = "{chart}"

[currencies]
TRY = 2
EUR = 2

[accounts]
rounding = "659.99"
retained_earnings = "570.01"
receivable = "120.01"
payable = "320.01"
bank = "102.01"
fx_gain = "646.01"
fx_loss = "656.01"
vat_payable = "360.03"
vat_carry_forward = "190.01"
period_result = "690"
tax_expense = "691"
tax_provision = "370"
net_result = "692"
retained_earnings_profit = "590.01"
retained_earnings_loss = "591.01"

[accounts.vat_output]
"20" = "391.03"

[accounts.vat_input]
"20" = "191.03"

[accounts.reflection]
"770" = "771:632"

[close]
corporate_tax_rate = "25"
"""

ACCOUNTS = "".join(f'- {{code: "{c}", name: "{n}", type: {t}{extra}}}\n' for c, n, t, extra in (
    ("102.01", "Bank TRY", "bank", ""), ("102.02", "Bank EUR", "bank", ", currency: EUR"),
    ("120.01", "Alıcılar", "asset", ""), ("190.01", "Devreden KDV", "asset", ""),
    ("191.03", "İndirilecek KDV", "asset", ""),
    ("320.01", "Satıcılar", "liability", ""), ("360.03", "Ödenecek KDV", "liability", ""),
    ("370", "Vergi karşılıkları", "liability", ""), ("391.03", "Hesaplanan KDV", "liability", ""),
    ("500.01", "Sermaye", "equity", ""), ("570.01", "Geçmiş yıllar kârları", "equity", ""),
    ("590.01", "Dönem net kârı", "equity", ""), ("591.01", "Dönem net zararı", "equity", ""),
    ("600.01", "Satışlar", "income", ""), ("632", "Genel yönetim giderleri", "expense", ""),
    ("646.01", "Kambiyo kârları", "income", ""), ("656.01", "Kambiyo zararları", "expense", ""),
    ("659.99", "Yuvarlama", "expense", ""), ("690", "Dönem kârı veya zararı", "equity", ""),
    ("691", "Dönem kârı vergi karşılıkları", "expense", ""), ("692", "Dönem net kârı veya zararı", "equity", ""),
    ("770.01", "Kira", "expense", ""), ("771", "Genel yönetim giderleri yansıtma", "expense", "")))

MARCH = """
- id: JE-2025-03-0001
  date: 2025-03-01
  memo: Capital
  postings:
    - {account: "102.01", debit: "100000.00"}
    - {account: "500.01", credit: "100000.00"}
- id: JE-2025-03-0002
  date: 2025-03-05
  memo: Catering sale with 20% VAT
  postings:
    - {account: "102.01", debit: "12000.00"}
    - {account: "600.01", credit: "10000.00"}
    - {account: "391.03", credit: "2000.00"}
- id: JE-2025-03-0003
  date: 2025-03-06
  memo: Rent with 20% VAT
  postings:
    - {account: "770.01", debit: "4000.00"}
    - {account: "191.03", debit: "800.00"}
    - {account: "102.01", credit: "4800.00"}
- id: JE-2025-03-0004
  date: 2025-03-10
  memo: EUR deposit at 37.0000
  postings:
    - {account: "102.02", debit: "1000.00", currency: EUR, rate: "37.0000"}
    - {account: "102.01", credit: "37000.00"}
"""
RATES = "date,currency,rate\n2025-03-10,EUR,37.0000\n2025-03-31,EUR,38.0000\n"


def make(tmp_path: Path, chart: str = "tr-tdhp", journal: str = MARCH) -> Path:
    root = write_books(tmp_path / "books", {"books.toml": BOOKS.format(chart=chart), "accounts.yaml": ACCOUNTS,
                                            "journals/2025/2025-03.yaml": journal, "rates/2025.csv": RATES},
                       base=False)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def close(root: Path, period: str = "2025-03", *extra: str):
    return run("close", period, "--books", str(root), "--on", "2025-04-03", "--by", "Zeynep Kaya <z@lokanta.example>",
               *extra)


def generated(root: Path, period: str = "2025-03") -> dict[str, list[tuple[str, str]]]:
    from core.books.yamlnodes import parse

    tree, _ = parse((root / f"journals/{period[:4]}/{period}.close.yaml").read_text(), "x")
    return {e["memo"]: [(p["account"], p.get("debit") and p["debit"] or "-" + p["credit"]) for p in e["postings"]]
            for e in tree}


def test_close__writes_fx_revaluation_and_vat_offset_checked_by_hand(tmp_path):
    root = make(tmp_path)
    result = close(root)
    assert result.exit_code == 0, result.output
    entries = generated(root)
    # EUR 1,000.00 booked at 37.0000 = 37,000.00; at 38.0000 on 03-31 = 38,000.00: 1,000.00 gain
    assert entries["FX revaluation 2025-03"] == [("102.02", "0.00"), ("646.01", "-1000.00")]
    # output VAT 2,000.00 - input VAT 800.00 = 1,200.00 payable
    assert entries["VAT offset 2025-03"] == [("391.03", "2000.00"), ("191.03", "-800.00"), ("360.03", "-1200.00")]
    record = (root / "closes/2025-03.yaml").read_text()
    assert "seal: sha256:" in record and "closed_on: '2025-04-03'" in record
    assert run("validate", "--books", str(root)).exit_code == 0


def test_close__is_byte_stable_with_on_and_by(tmp_path):
    a, b = make(tmp_path / "a"), make(tmp_path / "b")
    close(a), close(b)
    for rel in ("closes/2025-03.yaml", "closes/2025-03.seal.csv", "journals/2025/2025-03.close.yaml"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes()


@pytest.mark.parametrize("edit, record", [
    (lambda t: t.replace('"4000.00"', '"4100.00"').replace('"4800.00"', '"4900.00"'), "JE-2025-03-0003"),
    # totals unchanged: two postings swap accounts
    (lambda t: t.replace('{account: "770.01", debit: "4000.00"}', '{account: "632", debit: "4000.00"}'),
     "JE-2025-03-0003"),
    (lambda t: t + "- id: JE-2025-03-0099\n  date: 2025-03-20\n  postings:\n"
                   '    - {account: "770.01", debit: "1.00"}\n    - {account: "102.01", credit: "1.00"}\n',
     "JE-2025-03-0099"),
])
def test_sealed_period__any_change_fails_validate_naming_the_record(tmp_path, edit, record):
    root = make(tmp_path)
    assert close(root).exit_code == 0
    path = root / "journals/2025/2025-03.yaml"
    path.write_text(edit(path.read_text()))
    result = run("validate", "--books", str(root))
    assert result.exit_code == 1
    assert f"E070 error [{record}]" in result.stdout and "closed period 2025-03" in result.stdout


def test_sealed_period__a_deleted_entry_and_an_edited_close_record_are_reported(tmp_path):
    root = make(tmp_path)
    assert close(root).exit_code == 0
    path = root / "journals/2025/2025-03.yaml"
    path.write_text(path.read_text().split("- id: JE-2025-03-0004")[0])
    out = run("validate", "--books", str(root)).stdout
    assert "E070 error [JE-2025-03-0004]: entry JE-2025-03-0004 was removed" in out
    rec = root / "closes/2025-03.yaml"
    rec.write_text(rec.read_text().replace("seal: sha256:", "seal: sha256:0"))
    assert "E071" in run("validate", "--books", str(root)).stdout


def test_reopen_then_close__reseals_with_a_new_hash(tmp_path):
    root = make(tmp_path)
    assert close(root).exit_code == 0
    first = (root / "closes/2025-03.yaml").read_text()
    result = run("reopen", "2025-03", "--reason", "late rent invoice", "--books", str(root), "--on", "2025-04-05",
                 "--by", "Zeynep Kaya <z@lokanta.example>")
    assert result.exit_code == 0, result.output
    assert not (root / "journals/2025/2025-03.close.yaml").exists()
    path = root / "journals/2025/2025-03.yaml"
    path.write_text(path.read_text().replace('"4000.00"', '"4100.00"').replace('"4800.00"', '"4900.00"'))
    assert run("validate", "--books", str(root)).exit_code == 0          # open again: edits allowed
    assert close(root).exit_code == 0
    second = (root / "closes/2025-03.yaml").read_text()
    seal = lambda text: [ln for ln in text.splitlines() if ln.startswith("seal:")][0]  # noqa: E731
    assert seal(first) != seal(second)
    assert "reason: late rent invoice" in second and second.count("event: closed") == 2


def test_reopen__refused_for_a_filed_period_and_with_later_periods_closed(tmp_path):
    april = MARCH.replace("2025-03", "2025-04").replace("JE-2025-04-0001", "JE-2025-04-0001")
    root = make(tmp_path)
    write_books(root, {"journals/2025/2025-04.yaml": april.split("- id: JE-2025-04-0002")[0]}, base=False)
    assert close(root).exit_code == 0
    assert close(root, "2025-04").exit_code == 0
    later = run("reopen", "2025-03", "--reason", "x", "--books", str(root))
    assert later.exit_code == 1 and "later periods are closed (2025-04)" in later.stderr
    assert close(root, "2025-04", "--mark-filed").exit_code == 0
    filed = run("reopen", "2025-04", "--reason", "x", "--books", str(root))
    assert filed.exit_code == 1 and "is filed" in filed.stderr


def test_close__refuses_while_validate_finds_errors(tmp_path):
    root = make(tmp_path, journal=MARCH.replace('credit: "10000.00"', 'credit: "10000.01"'))
    result = close(root)
    assert result.exit_code == 1 and "E040" in result.stdout
    assert not (root / "closes").exists()


def test_close__dry_run_writes_nothing_and_names_the_files_diff_shows_them(tmp_path):
    root = make(tmp_path)
    result = close(root, "2025-03", "--dry-run")
    assert result.exit_code == 0
    assert "closes/2025-03.yaml (new, +" in result.stdout.splitlines()[-1] and not (root / "closes").exists()
    result = close(root, "2025-03", "--dry-run", "--diff")
    assert result.exit_code == 0
    assert "+++ b/closes/2025-03.yaml" in result.stdout and not (root / "closes").exists()


def test_close__second_writer_fails_clearly_when_the_lock_is_held(tmp_path):
    root = make(tmp_path)
    with store.books_lock(root, 0):
        result = close(root, "2025-03", "--lock-timeout", "0")
    assert result.exit_code == 1 and "locked" in result.stderr
    assert not (root / "closes").exists()


def test_close__commit_commits_exactly_the_written_files(tmp_path):
    root = make(tmp_path)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)       # the month is committed before it is sealed
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "books"],
                   cwd=root, check=True)
    env_ok = subprocess.run(["git", "config", "user.email"], cwd=root, capture_output=True).returncode == 0
    if not env_ok:
        subprocess.run(["git", "config", "user.email", "t@x"], cwd=root, check=True)
        subprocess.run(["git", "config", "user.name", "t"], cwd=root, check=True)
    assert close(root, "2025-03", "--commit").exit_code == 0
    log = subprocess.run(["git", "log", "-1", "--name-only", "--format=%s%n%b"], cwd=root, capture_output=True,
                         text=True).stdout
    assert log.startswith("close 2025-03") and "seal: sha256:" in log
    assert sorted(ln for ln in log.splitlines() if ln.startswith(("closes/", "journals/"))) == [
        "closes/2025-03.seal.csv", "closes/2025-03.yaml", "journals/2025/2025-03.close.yaml"]


def _balances(root: Path) -> dict[str, Decimal]:
    from core.erp.load import load_ledger

    book, _ = load_ledger(root, use_cache=False)
    sums = book.ledger().group_by("account").agg(pl.col("base").sum())
    return {a: Decimal(b).scaleb(-2) for a, b in sums.iter_rows() if b}


@pytest.mark.parametrize("chart", ["ifrs-small", "tr-tdhp"])
def test_year_end__income_and_expense_to_zero_and_retained_earnings_by_the_profit(tmp_path, chart):
    december = MARCH.replace("2025-03", "2025-12")
    root = make(tmp_path, chart, december)
    result = close(root, "2025-12")
    assert result.exit_code == 0, result.output
    bal = _balances(root)
    income_expense = {"600.01", "632", "646.01", "656.01", "770.01", "771", "691", "690", "692"}
    assert {a: b for a, b in bal.items() if a in income_expense} == {}
    # profit: sales 10,000.00 + FX gain 1,000.00 - rent 4,000.00 = 7,000.00
    if chart == "ifrs-small":
        assert bal["570.01"] == Decimal("-7000.00")
    else:
        # 25% tax provision on 7,000.00 = 1,750.00; net profit 5,250.00 to 590
        assert bal["370"] == Decimal("-1750.00") and bal["590.01"] == Decimal("-5250.00")
    record = (root / "closes/2025-12.yaml").read_text()
    assert "opening:" in record


def test_year_end__hledger_agrees_with_the_transfer(tmp_path):
    import shutil

    from tests.test_hledger import need_hledger

    hledger = need_hledger()
    root = make(tmp_path, "ifrs-small", MARCH.replace("2025-03", "2025-12"))
    before = run("export", "journal", "--books", str(root)).stdout
    rx = subprocess.run([hledger, "-f", "-", "bal", "type:RX", "-O", "csv", "--no-total", "-B"], input=before,
                        capture_output=True, text=True, check=True).stdout
    total = sum(Decimal(line.split(",")[1].strip('"').split()[0]) for line in rx.splitlines()[1:] if line)
    assert close(root, "2025-12").exit_code == 0
    # (before the close: the FX revaluation is generated by the close, so compare with it included)
    after = _balances(root)
    assert after["570.01"] == total - Decimal("1000.00")        # revenue is negative in hledger's sign
    bse = subprocess.run([hledger, "-f", "-", "bal", "type:ALE", "-B", "-O", "csv", "--no-total", "--flat"],
                         input=run("export", "journal", "--books", str(root)).stdout, capture_output=True, text=True,
                         check=True).stdout
    theirs = {ln.split(",")[0].strip('"').rsplit(":", 1)[-1]: Decimal(ln.split(",")[1].strip('"').split()[0])
              for ln in bse.splitlines()[1:] if ln}
    ours = {a: b for a, b in after.items() if a in theirs}
    assert ours == {a: b for a, b in theirs.items() if b}
    assert shutil.which("git")


def _state(root: Path) -> str:
    """'untouched' or 'closed'; anything else fails the test."""
    from core.books import closes as close_records
    from core.erp.load import load_ledger
    from core.close.validate import run_all

    book, problems = load_ledger(root, use_cache=False)
    errors = [p for p in problems + run_all(book) if p.severity == "error"]
    assert errors == [], errors
    closes, _ = close_records.read_closes(root)
    return "closed" if "2025-03" in close_records.closed_periods(closes) else "untouched"


def _crash_at(monkeypatch, k: int) -> list[str]:
    """Make the k-th step of a multi-file write (core.books.store._step) raise, as a crash there would
    stop it; returns the steps seen."""
    seen: list[str] = []

    def step(what: str) -> None:
        seen.append(what)
        if len(seen) - 1 == k:
            raise OSError(f"crash at step {k}: {what} (injected)")

    monkeypatch.setattr(store, "_step", step)
    return seen


def test_fault_injection__every_write_step_of_close_leaves_the_books_closed_or_untouched(tmp_path, monkeypatch):
    """A close writes three files as one change: staged, committed by a journal, renamed. A crash
    at each step in turn leaves the books untouched (before the commit) or closed (after it, the
    next reader finishes the renames), never half."""
    steps = _crash_at(monkeypatch, -1)
    assert close(make(tmp_path / "probe")).exit_code == 0
    assert steps[:3] == ["staged closes/2025-03.seal.csv", "staged journals/2025/2025-03.close.yaml",
                         "staged closes/2025-03.yaml"] and steps[3] == "committed" and len(steps) == 7
    seen = []
    for k in range(len(steps)):
        root = make(tmp_path / f"k{k}")
        _crash_at(monkeypatch, k)
        close(root)
        monkeypatch.setattr(store, "_step", lambda what: None)
        state = _state(root)
        seen.append(state)
        assert not list(root.rglob("*.kebir-*.tmp")) and not list((root / ".kebir" / "txn").glob("*.json"))
        if state == "untouched":                  # and running the close again closes it
            assert close(root).exit_code == 0
            assert _state(root) == "closed"
    assert seen == ["untouched"] * 3 + ["closed"] * 4        # the journal is the commit point


def test_fault_injection__reopen_leaves_the_period_closed_or_reopened(tmp_path, monkeypatch):
    probe = make(tmp_path / "probe")
    assert close(probe).exit_code == 0
    steps = _crash_at(monkeypatch, -1)
    run("reopen", "2025-03", "--reason", "test", "--books", str(probe))
    from core.books import closes as close_records

    for k in range(len(steps)):
        monkeypatch.setattr(store, "_step", lambda what: None)
        root = make(tmp_path / f"r{k}")
        assert close(root).exit_code == 0
        _crash_at(monkeypatch, k)
        run("reopen", "2025-03", "--reason", "test", "--books", str(root))
        monkeypatch.setattr(store, "_step", lambda what: None)
        out = run("validate", "--books", str(root))
        assert out.exit_code == 0, out.output
        closes, _ = close_records.read_closes(root)
        assert closes["2025-03"].status == ("closed" if k < steps.index("committed") else "reopened")


def test_sigkill__a_killed_close_leaves_the_books_closed_or_untouched(tmp_path):
    import os
    import signal
    import sys
    import time

    for n, delay in enumerate((0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0)):
        root = make(tmp_path / f"s{n}")
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "close", "2025-03", "--books", str(root), "--on",
                                 "2025-04-03", "--by", "T <t@x>"], cwd=Path(__file__).parent.parent,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _state(root) in ("untouched", "closed")


def test_close__writes_the_close_pack_with_report(tmp_path):
    root = make(tmp_path)
    result = close(root, "2025-03", "--report", str(tmp_path / "pack"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "pack/close-2025-03.html").read_text(encoding="utf-8")
    assert "JE-2025-03-C001" in page and "sha256:" in page and "<svg" in page


def test_year_end__opening_balances_equal_the_closing_balance_sheet(tmp_path):
    from core.books.yamlnodes import parse

    root = make(tmp_path, "tr-tdhp", MARCH.replace("2025-03", "2025-12"))
    assert close(root, "2025-12").exit_code == 0
    record, _ = parse((root / "closes/2025-12.yaml").read_text(), "x")
    opening: dict[str, Decimal] = {}
    for row in record["opening"]:
        opening[row["account"]] = opening.get(row["account"], Decimal(0)) + Decimal(row.get("base", row["balance"]))
    closing = {a: b for a, b in _balances(root).items() if a not in {"600.01", "632", "646.01", "656.01", "770.01",
                                                                      "771", "691", "690", "692"}}
    assert {a: b for a, b in opening.items() if b} == closing
    assert closing["590.01"] == Decimal("-5250.00")        # the year's net profit is in the opening equity
