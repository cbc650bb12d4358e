"""Count differences (197.01 shortages, 397.01 surpluses) cleared by each month's close by the
books' policy ([close] count_differences), or charged to an employee with --charge; at year end
a checklist row fails while 197/397 still hold a balance."""

from __future__ import annotations

from core.books.yamlnodes import parse
from tests.test_close import BOOKS, close, make

# The March count found 1,250.00 of sea bass short at Kadıköy and 300.00 of rice over at Beşiktaş
# (as the stock moves post them: Dr 197.01 / Cr 153, Dr 153 / Cr 397.01).
COUNTS = """
- id: JE-2025-03-0001
  date: 2025-03-01
  memo: Opening stock
  postings:
    - {account: "153.01", debit: "20000.00"}
    - {account: "500.01", credit: "20000.00"}
- id: JE-2025-03-0002
  date: 2025-03-31
  memo: Count shortage, sea bass, Kadıköy
  postings:
    - {account: "197.01", debit: "1250.00"}
    - {account: "153.01", credit: "1250.00"}
- id: JE-2025-03-0003
  date: 2025-03-31
  memo: Count surplus, rice, Beşiktaş
  postings:
    - {account: "153.01", debit: "300.00"}
    - {account: "397.01", credit: "300.00"}
"""
EXTRA_ACCOUNTS = "".join(f'- {{code: "{c}", name: "{n}", type: {t}}}\n' for c, n, t in (
    ("135.01", "Personelden alacaklar", "asset"), ("153.01", "Ticari mallar", "asset"),
    ("197.01", "Sayım noksanları", "asset"), ("397.01", "Sayım fazlaları", "liability"),
    ("621", "Satılan hizmet maliyeti", "expense"), ("679.01", "Diğer olağandışı gelir", "income"),
    ("689.01", "Diğer olağandışı gider", "expense")))
ROLES = ('count_shortage = "197.01"\ncount_surplus = "397.01"\ncogs = "621"\n'
         'count_shortage_expense = "689.01"\ncount_surplus_income = "679.01"\npersonnel_receivable = "135.01"\n')
EMPLOYEES = "- {id: EM-0007, kind: person, name: Kemal Aydın, hired: 2024-09-01}\n"


def counted(tmp_path, policy: str | None, period: str = "2025-03"):
    root = make(tmp_path, journal=COUNTS.replace("2025-03", period))
    toml = BOOKS.format(chart="tr-tdhp").replace('[accounts]\n', '[accounts]\n' + ROLES)
    if policy is not None:
        toml = toml.replace('[close]\n', f'[close]\ncount_differences = "{policy}"\n')
    (root / "books.toml").write_text(toml, encoding="utf-8")
    with (root / "accounts.yaml").open("a", encoding="utf-8") as f:
        f.write(EXTRA_ACCOUNTS)
    (root / "contacts/erp").mkdir(parents=True)
    (root / "contacts/erp/employees.yaml").write_text(EMPLOYEES, encoding="utf-8")
    return root


def count_entry(root, period: str = "2025-03") -> list[tuple[str, str, str, str | None]]:
    tree, _ = parse((root / f"journals/{period[:4]}/{period}.close.yaml").read_text(), "x")
    [entry] = [e for e in tree if e["memo"] == f"Stock count differences {period}"]
    return [(p["account"], side, p[side], p.get("contact")) for p in entry["postings"]
            for side in ("debit", "credit") if side in p]


def test_cost_of_sales__the_shortage_is_consumption_and_the_surplus_reduces_it(tmp_path):
    root = counted(tmp_path, "cost_of_sales")
    result = close(root)
    assert result.exit_code == 0, result.output
    assert count_entry(root) == [("197.01", "credit", "1250.00", None), ("621", "debit", "1250.00", None),
                                 ("397.01", "debit", "300.00", None), ("621", "credit", "300.00", None)]


def test_other__the_shortage_to_689_and_the_surplus_to_679(tmp_path):
    root = counted(tmp_path, "other")
    assert close(root).exit_code == 0
    assert count_entry(root) == [("197.01", "credit", "1250.00", None), ("689.01", "debit", "1250.00", None),
                                 ("397.01", "debit", "300.00", None), ("679.01", "credit", "300.00", None)]


def test_charge__the_shortage_to_the_cooks_receivable_the_surplus_by_the_policy(tmp_path):
    root = counted(tmp_path, "cost_of_sales")
    result = close(root, "2025-03", "--charge", "EM-0007")
    assert result.exit_code == 0, result.output
    assert count_entry(root) == [("197.01", "credit", "1250.00", None), ("135.01", "debit", "1250.00", "EM-0007"),
                                 ("397.01", "debit", "300.00", None), ("621", "credit", "300.00", None)]


def test_charge__someone_who_is_not_an_employee_is_refused(tmp_path):
    root = counted(tmp_path, "cost_of_sales")
    result = close(root, "2025-03", "--charge", "EM-0099")
    assert result.exit_code == 1
    assert "E201" in result.output + result.stderr
    assert not (root / "closes/2025-03.yaml").exists()


def test_year_end__fails_while_197_and_397_hold_a_balance(tmp_path):
    root = counted(tmp_path, None, "2025-12")
    toml = (root / "books.toml").read_text().replace('count_shortage_expense = "689.01"\n', "") \
        .replace('count_surplus_income = "679.01"\n', "")
    (root / "books.toml").write_text(toml, encoding="utf-8")      # no policy and no target: left pending
    result = close(root, "2025-12")
    assert result.exit_code == 1
    assert "count-differences-cleared" in result.output
    assert "still pending at year end: 197.01 1,250.00, 397.01 -300.00" in result.output
    assert not (root / "closes/2025-12.yaml").exists()


def test_year_end__passes_once_the_policy_clears_them(tmp_path):
    root = counted(tmp_path, "other", "2025-12")
    result = close(root, "2025-12")
    assert result.exit_code == 0, result.output
    record, _ = parse((root / "closes/2025-12.yaml").read_text(), "x")
    assert {"check": "count-differences-cleared", "result": "pass",
            "detail": "197/397 hold nothing at year end"} in record["checklist"]
    assert not [row for row in record["opening"] if row["account"] in ("197.01", "397.01")]
