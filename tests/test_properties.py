"""Properties that hold for any books: entries balance exactly, and formatting is lossless."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from core.books import fmt, load
from core.books.parse import parse_journal_yaml
from core.books.store import dump_yaml_records
from tests.conftest import check, write_books

LEAVES = ["100.01", "102.01", "320.01", "600.01", "770.01", "659.99"]
cents = st.integers(min_value=1, max_value=10**11)


def money(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


@st.composite
def balanced_entry(draw, eid: str = "JE-1"):
    """An entry of 2-8 postings whose debits equal its credits to the kuruş."""
    debits = draw(st.lists(cents, min_size=1, max_size=4))
    total = sum(debits)
    n_credits = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(1, max(total - 1, 1)), min_size=n_credits - 1,
                                max_size=n_credits - 1, unique=True))) if total > n_credits else []
    credits = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    postings = [{"account": draw(st.sampled_from(LEAVES)), "debit": money(c)} for c in debits]
    postings += [{"account": draw(st.sampled_from(LEAVES)), "credit": money(c)} for c in credits if c > 0]
    day = draw(st.integers(1, 28))
    return {"id": eid, "date": f"2025-03-{day:02d}", "memo": draw(st.text(min_size=0, max_size=20)) or None,
            "postings": draw(st.permutations(postings))}


def _load(files: dict[str, str]):
    with tempfile.TemporaryDirectory() as tmp:
        root = write_books(Path(tmp), files)
        return check(root)


@given(balanced_entry())
def test_balanced_entry__validates_and_sums_to_zero(entry):
    book, problems = _load({"journals/2025/2025-03.yaml": dump_yaml_records("journal", [entry])})
    assert problems == []
    assert book.postings["base"].sum() == 0
    e = book.entry("JE-1")
    assert sum(p.amount for p in e.postings) == Decimal(0)


def test_point_one_plus_point_two__balances_against_point_three(books):
    book, problems = books({"journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-04
          postings:
            - {account: "770.01", debit: 0.1}
            - {account: "770.01", debit: 0.2}
            - {account: "320.01", credit: 0.3}
    """})
    assert problems == []
    assert book.entry("JE-1").postings[0].amount + book.entry("JE-1").postings[1].amount == Decimal("0.3")


@given(st.lists(cents, min_size=2, max_size=30))
def test_many_small_amounts__sum_exactly(parts):
    postings = [{"account": "770.01", "debit": money(c)} for c in parts]
    postings.append({"account": "320.01", "credit": money(sum(parts))})
    text = dump_yaml_records("journal", [{"id": "JE-1", "date": "2025-03-01", "postings": postings}])
    book, problems = _load({"journals/2025/2025-03.yaml": text})
    assert problems == []


def _messy(entry: dict, style: int) -> str:
    """An entry written the way a person might: unquoted or short amounts, other key order."""
    lines = [f"- date: {entry['date']}", f"  id: {entry['id']}"]
    if entry.get("memo"):
        lines.append(f"  memo: {dump_yaml_records('journal', [{'memo': entry['memo']}]).split(': ', 1)[1].strip()}")
    lines.append("  postings:")
    for p in entry["postings"]:
        side = "debit" if "debit" in p else "credit"
        amount = p[side]
        if style % 2:
            amount = amount.rstrip("0").rstrip(".") if "." in amount else amount
        quoted = f'"{amount}"' if style % 3 == 0 else amount
        lines.append(f"    - {side}: {quoted}\n      account: \"{p['account']}\"" if style % 4 == 1
                     else f"    - {{{side}: {quoted}, account: \"{p['account']}\"}}")
    return "\n".join(lines) + "\n"


def _frame(book) -> pl.DataFrame:
    return book.postings.drop("file", "line").sort(pl.all())


@given(st.lists(balanced_entry(), min_size=1, max_size=5), st.integers(0, 11))
def test_fmt__is_idempotent_and_keeps_meaning(entries, style):
    for i, e in enumerate(entries):
        e["id"] = f"JE-{i + 1}"
    text = "".join(_messy(e, style + i) for i, e in enumerate(reversed(entries)))
    with tempfile.TemporaryDirectory() as tmp:
        root = write_books(Path(tmp), {"journals/2025/2025-03.yaml": text})
        before, problems = check(root)
        assert problems == []
        changes, fproblems = fmt.format_book(root)
        assert fproblems == []
        fmt.apply(root, changes)
        after, problems = check(root)
        assert problems == []
        assert _frame(after).equals(_frame(before))
        assert after.entries.drop("file", "line").sort("id").equals(before.entries.drop("file", "line").sort("id"))
        again, _ = fmt.format_book(root)
        assert again == []


def test_fmt__pads_amounts_to_currency_decimals(books_dir):
    root = books_dir({"journals/2025/2025-03.yaml": """
        - id: JE-1
          date: 2025-03-04
          postings:
            - {account: "770.01", debit: 12.5}
            - {account: "320.01", credit: 012.50}
    """})
    changes, _ = fmt.format_book(root)
    (change,) = [c for c in changes if c.path.startswith("journals")]
    assert change.new == (
        '- id: JE-1\n  date: 2025-03-04\n  postings:\n'
        '    - {account: "770.01", debit: "12.50"}\n'
        '    - {account: "320.01", credit: "12.50"}\n')
    book, _ = load.load_book(root, use_cache=False)
    assert book.postings["amount"].to_list() == [1250, -1250]


@given(st.lists(balanced_entry(), min_size=0, max_size=4), st.lists(st.sampled_from(["a", "vat", "x:1"]), max_size=2))
def test_journal_fast_path__reads_exactly_what_the_general_path_reads(entries, tags):
    for i, e in enumerate(entries):
        e["id"] = f"JE-{i + 1}"
        if tags:
            e["tags"] = tags
            e["postings"][0]["tags"] = tags
    data = dump_yaml_records("journal", entries).encode()
    fast, general = parse_journal_yaml(data, "j.yaml"), parse_journal_yaml(data, "j.yaml", fast=False)
    assert fast.problems == general.problems == []
    for name in ("postings", "entries"):
        assert fast.frames[name].equals(general.frames[name])


@given(st.integers(1, 10**9), st.integers(1, 99_999_999), st.booleans())
def test_foreign_base__is_amount_times_rate_rounded_half_up(cents_eur, rate_micro, debit):
    """The vectorized conversion agrees with Decimal's ROUND_HALF_UP for any amount and rate."""
    from core.model.money import convert_minor, fmt_minor

    rate = fmt_minor(rate_micro, 6)
    expected = convert_minor(cents_eur, 2, rate, 2)
    eur_side, try_side = ("debit", "credit") if debit else ("credit", "debit")
    text = dump_yaml_records("journal", [{"id": "JE-1", "date": "2025-03-04", "postings": [
        {"account": "102.02", eur_side: money(cents_eur), "currency": "EUR", "rate": rate},
        {"account": "320.01", try_side: fmt_minor(expected, 2)}]}])
    book, problems = _load({"journals/2025/2025-03.yaml": text})
    assert problems == []
    assert abs(book.postings["base"][0]) == expected
