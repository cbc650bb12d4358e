"""The taxable-profit worksheet (kurumlar vergisi matrahı) of a fiscal year, and the tax on it.

    accounting profit            the year's income less expenses, before the corporate tax
  + non-deductible expenses      KKEG (KVK Art. 11): `[close] kkeg_accounts`, and postings of entries
                                 tagged `kkeg` (the close's severance and unused-leave provisions)
  - exempt income                KVK Art. 5: `[close] exempt_accounts` (deducted even in a loss year)
  - tax losses of earlier years  KVK Art. 9: `[close.losses]`, the five years before, oldest first,
                                 never below zero
  - deductions                   KVK Art. 10: `[close.deductions]` for the year, never below zero
  = tax base (matrah)
    corporate tax                base x `corporate_tax_rate`
    minimum corporate tax        KVK Art. 32/C (from the 2025 accounting period): (accounting profit +
                                 KKEG - losses deducted) x `minimum_tax_rate`; the tax is the larger
    provisional tax paid         the year's debits to `prepaid_tax` (193), offset at year end

Every figure is in base minor units; percentages are applied once and rounded half up to the
minor unit. `tax_base(book, year, balances)` takes the income and expense balances the caller has
(the close passes its own, with the provisions it is about to post); without them, the ledger's,
leaving out the closing chain and the tax provision.

A closed year keeps its own settings: the year-end close writes the [close] settings it computed
the tax with into its record (`tax_settings`, covered by the record's digest), and the worksheet
of that year reads them, not books.toml as it stands today (a rate changed for next year, or a
KKEG account added later, does not rewrite the tax that was booked and filed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from core.books.closes import read_closes
from core.model.money import from_minor, round_half_up
from core.model.records import Book, CloseSettings
from core.reports import Column, Table
from core.reports.statements import closing_entries

KKEG_TAG = "kkeg"
MINIMUM_TAX_FROM = 2025          # KVK Art. 32/C (Law 7524, Official Gazette 2 August 2024): 2025 periods on
LOSS_YEARS = 5                   # KVK Art. 9: a loss is deducted in the five years after it


@dataclass(frozen=True, slots=True)
class TaxBase:
    year: int
    profit: int                          # accounting profit before the corporate tax (loss < 0)
    kkeg: tuple[tuple[str, int], ...]    # account -> non-deductible amount
    exempt: tuple[tuple[str, int], ...]  # account -> exempt income
    losses: tuple[tuple[str, int, int], ...]   # year, as filed, deducted now
    expired: tuple[tuple[str, int], ...]       # years older than five, not deducted
    deductions: int
    base: int                            # the tax base (0 in a loss year)
    rate: Decimal
    tax: int                             # base x rate
    minimum_rate: Decimal | None
    minimum_base: int
    minimum_tax: int
    provisional: int                     # provisional tax booked on prepaid_tax in the year
    used_before: tuple[tuple[str, int], ...] = ()   # loss year -> deducted in the years before this one

    @property
    def kkeg_total(self) -> int:
        return sum(v for _, v in self.kkeg)

    @property
    def exempt_total(self) -> int:
        return sum(v for _, v in self.exempt)

    @property
    def loss_deducted(self) -> int:
        return sum(used for _, _, used in self.losses)

    @property
    def final_tax(self) -> int:
        """The corporate tax of the year: the larger of the tax and the minimum tax."""
        return max(self.tax, self.minimum_tax)


TAX_SETTINGS = ("corporate_tax_rate", "minimum_tax_rate", "kkeg_accounts", "exempt_accounts", "losses",
                "deductions")


def tax_settings(settings: CloseSettings) -> dict[str, Any]:
    """The [close] settings the worksheet reads, as the year-end close record keeps them."""
    out: dict[str, Any] = {}
    for key in ("corporate_tax_rate", "minimum_tax_rate"):
        if getattr(settings, key) is not None:
            out[key] = getattr(settings, key)
    out["kkeg_accounts"] = list(settings.kkeg_accounts)
    out["exempt_accounts"] = list(settings.exempt_accounts)
    out["losses"] = dict(settings.losses)
    out["deductions"] = dict(settings.deductions)
    return out


def recorded_settings(current: CloseSettings, recorded: Any) -> CloseSettings | None:
    """`current` with the tax settings a close record kept; None when the record holds none it can read
    (a record written before they were kept)."""
    if not isinstance(recorded, dict):
        return None
    try:
        rates = {k: str(recorded[k]) for k in ("corporate_tax_rate", "minimum_tax_rate") if recorded.get(k) is not None}
        for v in rates.values():
            Decimal(v)
        lists = {k: tuple(str(x) for x in recorded.get(k) or ()) for k in ("kkeg_accounts", "exempt_accounts")}
        tables = {k: tuple(sorted((str(y), str(v)) for y, v in (recorded.get(k) or {}).items()))
                  for k in ("losses", "deductions")}
        for _, v in tables["losses"] + tables["deductions"]:
            Decimal(v)
    except (InvalidOperation, AttributeError, TypeError):
        return None
    return replace(current, corporate_tax_rate=rates.get("corporate_tax_rate"),
                   minimum_tax_rate=rates.get("minimum_tax_rate"), **lists, **tables)


def closed_settings(book: Book, year: int) -> tuple[CloseSettings | None, str, list[str]]:
    """The settings the year-end close of `year` recorded (None if the year is not closed with them),
    where they come from, and which of them books.toml has changed since."""
    _, end = year_bounds(book, year)
    period = f"{end:%Y-%m}"
    rec = read_closes(book.root)[0].get(period) if book.root is not None else None
    if rec is None or rec.state != "closed":
        return None, "", []
    kept = recorded_settings(book.settings.close, rec.tax_settings)
    if kept is None:
        return None, "", []
    today = tax_settings(book.settings.close)
    changed = [k for k in TAX_SETTINGS if tax_settings(kept)[k] != today[k]]
    return kept, f"closes/{period}.yaml, closed on {rec.closed_on}", changed


def _percent_of(amount: int, rate: Decimal | None) -> int:
    return int(round_half_up(Decimal(amount) * rate / 100, 0)) if rate and amount > 0 else 0


def _under(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code == p or code.startswith(p + ".") for p in prefixes)


def year_bounds(book: Book, year: int) -> tuple[date, date]:
    m, d = (int(x) for x in book.settings.fiscal_year_start.split("-"))
    begin = date(year, m, d)
    end = date(year + 1, m, d) if (m, d) != (1, 1) else date(year + 1, 1, 1)
    return begin, date.fromordinal(end.toordinal() - 1)


def year_postings(book: Book, year: int, until: date | None = None) -> pl.DataFrame:
    """The year's postings (up to `until`) without the closing chain and the corporate tax provision."""
    begin, end = year_bounds(book, year)
    end = min(end, until) if until else end
    drop = closing_entries(book)
    p = book.ledger().filter((pl.col("date") >= begin) & (pl.col("date") <= end))
    if drop:
        p = p.filter(~pl.col("entry_id").is_in(sorted(drop)))
    tax = book.settings.role("tax_expense")
    return p.filter(pl.col("account") != tax) if tax else p


def kkeg_tagged(book: Book, p: pl.DataFrame) -> dict[str, int]:
    """Expense postings of entries tagged `kkeg` (or tagged so themselves), per account."""
    entries = book.ledger_entries().filter(pl.col("tags").fill_null("").str.split(",").list.contains(KKEG_TAG))["id"]
    tagged = p.filter(pl.col("entry_id").is_in(entries.implode())
                      | pl.col("tags").fill_null("").str.split(",").list.contains(KKEG_TAG))
    expense = [c for c, a in book.accounts.items() if a.type == "expense"]
    out = tagged.filter(pl.col("account").is_in(expense)).group_by("account").agg(pl.col("base").sum())
    return {a: b for a, b in out.iter_rows() if b}


def tax_base(book: Book, year: int, balances: dict[str, int] | None = None,
             extra_kkeg: dict[str, int] | None = None, *, until: date | None = None, minimum: bool = True,
             settings: CloseSettings | None = None, used: dict[str, int] | None = None) -> TaxBase:
    """The worksheet of `year` (see the module docstring). `balances`: income and expense balances
    to use instead of the ledger's; `extra_kkeg`: non-deductible amounts not in the ledger yet;
    `until`: the year so far (a provisional-tax quarter); `minimum`: apply KVK Art. 32/C; `settings`:
    the [close] settings to use instead of books.toml's (a closed year's, `closed_settings`); `used`:
    what the years before deducted of each loss (`used_before`, worked out when not given)."""
    cs = settings or book.settings.close
    before = used_before(book, year, cs) if used is None else used
    types = {c: a.type for c, a in book.accounts.items()}
    tax_account = book.settings.role("tax_expense")
    p = year_postings(book, year, until)
    kkeg = kkeg_tagged(book, p)
    if balances is None:
        balances = dict(p.group_by("account").agg(pl.col("base").sum()).iter_rows())
    for a, v in (extra_kkeg or {}).items():
        kkeg[a] = kkeg.get(a, 0) + v
    pl_bal = {c: b for c, b in balances.items() if types.get(c) in ("income", "expense") and c != tax_account
              and b}
    profit = -sum(pl_bal.values())
    for c, b in pl_bal.items():
        if _under(c, cs.kkeg_accounts) and b > 0:
            kkeg[c] = kkeg.get(c, 0) + b
    exempt = {c: -b for c, b in pl_bal.items() if _under(c, cs.exempt_accounts) and b < 0}
    before_losses = profit + sum(kkeg.values()) - sum(exempt.values())
    room = max(before_losses, 0)
    losses, expired = [], []
    for y, amount in cs.losses:
        minor = _minor(book, amount)
        if not year - LOSS_YEARS <= int(y) < year:
            if int(y) < year:
                expired.append((y, minor))
            continue
        used = min(max(minor - before.get(y, 0), 0), room)     # a loss is deducted once (KVK Art. 9)
        room -= used
        losses.append((y, minor, used))
    deductions = min(_minor(book, dict(cs.deductions).get(str(year), "0")), room)
    base = room - deductions
    rate = Decimal(cs.corporate_tax_rate or "0")
    minimum_rate = (Decimal(cs.minimum_tax_rate) if minimum and cs.minimum_tax_rate and year >= MINIMUM_TAX_FROM
                    else None)
    minimum_base = max(profit + sum(kkeg.values()) - sum(u for _, _, u in losses), 0) if minimum_rate else 0
    prepaid = book.settings.role("prepaid_tax")
    provisional = 0
    if prepaid:
        begin, end = year_bounds(book, year)
        end = min(end, until) if until else end
        pp = book.ledger().filter((pl.col("date") >= begin) & (pl.col("date") <= end) & (pl.col("account") == prepaid)
                                  & (pl.col("base") > 0))
        provisional = int(pp["base"].sum() or 0)
    return TaxBase(year, profit, tuple(sorted((a, v) for a, v in kkeg.items() if v)), tuple(sorted(exempt.items())),
                   tuple(losses), tuple(expired), deductions, base, rate, _percent_of(base, rate), minimum_rate,
                   minimum_base, _percent_of(minimum_base, minimum_rate), provisional,
                   tuple(sorted((y, v) for y, v in before.items() if v)))


def used_before(book: Book, year: int, cs: CloseSettings) -> dict[str, int]:
    """How much of each loss of `cs.losses` the years between it and `year` deducted: each such year's
    worksheet, with the settings its year end recorded when it is closed, else books.toml's. A loss
    filed once is deducted once over the five years (KVK Art. 9), whatever books.toml says later."""
    out: dict[str, int] = {}
    years = [int(y) for y, _ in cs.losses if year - LOSS_YEARS <= int(y) < year]
    if not years:
        return out
    for z in range(min(years) + 1, year):             # year by year, each told what the ones before used
        if year_postings(book, z).is_empty():
            continue
        kept, _, _ = closed_settings(book, z)
        worksheet = tax_base(book, z, settings=kept or cs, used=dict(out))
        for y, _filed, deducted in worksheet.losses:
            out[y] = out.get(y, 0) + deducted
    return out


def _minor(book: Book, amount: str) -> int:
    dec = book.settings.decimals(book.base) or 2
    return int(Decimal(amount).scaleb(dec))


def build_tax_base(book: Book, year: int) -> Table:
    """The worksheet as a table: one line per step, the amount in the base currency. A closed year's
    is computed with the settings its year-end close recorded (`closed_settings`)."""
    kept, source, changed = closed_settings(book, year)
    t = tax_base(book, year, settings=kept)
    dec = book.settings.decimals(book.base) or 2

    def money(v: int) -> Decimal:
        return from_minor(v, dec)

    def name(code: str) -> str:
        acc = book.accounts.get(code)
        return f"{code} {acc.name}" if acc else code

    rows: list[tuple] = [("profit", "Accounting profit before tax", money(t.profit))]
    rows += [("kkeg", f"+ Non-deductible (KKEG, KVK Art. 11): {name(a)}", money(v)) for a, v in t.kkeg]
    rows += [("exempt", f"- Exempt income (KVK Art. 5): {name(a)}", money(-v)) for a, v in t.exempt]
    rows += [("loss", f"- Tax loss of {y} (KVK Art. 9), {money(amount)} filed", money(-used))
             for y, amount, used in t.losses]
    rows += [("loss_used_before", f"  Tax loss of {y}: {money(v)} deducted in earlier years", money(0))
             for y, v in t.used_before]
    rows += [("expired", f"  Tax loss of {y} older than {LOSS_YEARS} years, not deducted", money(0))
             for y, _ in t.expired]
    if t.deductions:
        rows.append(("deductions", "- Deductions (KVK Art. 10)", money(-t.deductions)))
    rows.append(("base", "= Tax base", money(t.base)))
    rows.append(("tax", f"Corporate tax at {t.rate}%", money(t.tax)))
    if t.minimum_rate is not None:
        rows.append(("minimum_base", "Minimum tax base (KVK Art. 32/C)", money(t.minimum_base)))
        rows.append(("minimum_tax", f"Minimum corporate tax at {t.minimum_rate}%", money(t.minimum_tax)))
    rows.append(("final_tax", "Corporate tax of the year", money(t.final_tax)))
    rows.append(("provisional", "- Provisional tax paid in the year", money(-t.provisional)))
    rows.append(("payable", "= Payable (refundable when negative)", money(t.final_tax - t.provisional)))
    cols = (Column("line", "Line"), Column("name", "Name"), Column("amount", "Amount", "money"))
    begin, end = year_bounds(book, year)
    meta = {"currency": book.base, "company": book.settings.name, "year": year, "begin": str(begin),
            "end": str(end)}
    title = f"Tax base {year}"
    if kept is not None:
        meta |= {"settings": source, "settings_changed_since": list(changed)}
        title += f" (settings recorded by the year-end close of {source.rsplit(' ', 1)[-1]})"
    return Table("tax-base", title, cols, tuple(rows), None, meta)
