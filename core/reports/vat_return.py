"""The monthly VAT return (KDV-1 Beyannamesi) as kebir can fill it from the books (docs/statutory.md).

Calculated VAT (hesaplanan KDV): taxable sales per rate computed from the documents, sales invoices
less credit notes and the day's Z-reports (VAT per line on invoices, per location, day and rate on
Z-reports, as the derivation posts them), each rate set beside the month's movement on its output
VAT account (391.xx) so a difference (a manual entry to 391) shows. Deductible VAT (indirilecek
KDV): the month's debits to the input VAT accounts (191.xx) per rate, those of entries that buy a
fixed asset (the asset register's accounts, and the TDHP's 25x/26x) on their own line, and the VAT
carried forward from the month before (190). Payable = calculated - deductible - carried forward,
or, below zero, carried forward to the next month: the same arithmetic as the close's VAT offset
entry (core.close.entries.vat_offset), which the last row ties out against once the month is
closed. The close's own entries are left out of the month's movements.

Not in it (docs/statutory.md): withholding (tevkifat) sections, since kebir's documents record no
withholding yet; KDV-2 (withholding declared as a buyer); exempt sales with their exemption codes
(zero-rate lines are listed, without a code).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from core.ledger.period import month_bounds
from core.ledger.posting import document_rate, vat_rate_name
from core.model.money import convert_minor, from_minor, round_half_up
from core.model.records import Book
from core.reports import Column, Table

LABELS = {
    "en": {"sales": "Taxable sales {r}%", "exempt": "Zero-rated or exempt sales", "calculated": "Calculated VAT",
           "input": "Deductible VAT {r}%", "fixed": "Deductible VAT on fixed assets",
           "brought": "VAT carried forward from the previous month",
           "unsettled": "VAT of earlier months not yet offset by a close", "deductible": "Total deductible VAT",
           "payable": "VAT payable", "carry": "VAT to carry forward", "tie": "Tie-out: VAT offset entry",
           "title": "VAT return (KDV-1) {p}", "pass": "pass", "fail": "fail", "not_closed": "not closed"},
    "tr": {"sales": "Teslim ve hizmetler %{r}", "exempt": "İstisna veya %0 teslimler", "calculated": "Hesaplanan KDV",
           "input": "İndirilecek KDV %{r}", "fixed": "Sabit kıymet alımlarına ait KDV",
           "brought": "Önceki dönemden devreden KDV",
           "unsettled": "Önceki aylardan mahsup edilmemiş KDV", "deductible": "İndirimler toplamı",
           "payable": "Ödenmesi gereken KDV", "carry": "Sonraki döneme devreden KDV",
           "tie": "Mutabakat: KDV mahsup kaydı", "title": "KDV beyannamesi (KDV-1) {p}", "pass": "tutuyor",
           "fail": "tutmuyor", "not_closed": "kapanmadı"},
}


@dataclass
class VatReturn:
    period: str
    decimals: int
    sales: dict[str, list[int]] = field(default_factory=dict)        # rate -> [base, vat from documents]
    sales_ledger: dict[str, int] = field(default_factory=dict)       # rate -> credit movement on its 391 account
    sources: list[tuple[str, str, str, str, int, int]] = field(default_factory=list)  # line, doc, rate, acct, base, vat
    inputs: dict[str, int] = field(default_factory=dict)             # rate -> deductible VAT (not fixed assets)
    fixed_assets: int = 0
    brought: int = 0                                                 # VAT carried in (debit-positive)
    unsettled: int = 0                       # VAT balances of earlier months no close has offset (debit-positive)
    offset_payable: int | None = None                                # the close's VAT offset: credit to payable
    offset_carry: int | None = None                                  # ... or debit to carry forward

    @property
    def calculated(self) -> int:
        return sum(self.sales_ledger.values())

    @property
    def deductible(self) -> int:
        return sum(self.inputs.values()) + self.fixed_assets + self.brought + self.unsettled

    @property
    def payable(self) -> int:
        """Above zero: VAT to pay; below: VAT to carry forward (negated)."""
        return self.calculated - self.deductible

    def differences(self) -> dict[str, int]:
        """rate -> the 391 movement less the documents' VAT, where they differ (a manual entry to 391,
        a document edited after its month was closed): the return does not tie while one is left."""
        out = {}
        for rate, (_base, vat) in sorted(self.sales.items(), key=lambda kv: Decimal(kv[0])):
            diff = self.sales_ledger.get(rate, 0) - vat
            if Decimal(rate) != 0 and diff:
                out[rate] = diff
        return out


def _rates(book: Book, prefix: str) -> dict[str, str]:
    """account -> rate of the [accounts.vat_output] (or vat_input) table."""
    return {code: role.split(":", 1)[1] for role, code in book.settings.roles if role.startswith(prefix + ":")}


def fixed_asset_accounts(book: Book) -> set[str]:
    """Accounts whose debits are fixed-asset purchases: the register's asset accounts, and under the
    Turkish uniform chart the 25x (tangible) and 26x (intangible) groups."""
    codes = {a.account for a in book.assets if getattr(a, "account", None)}
    if book.settings.chart == "tr-tdhp":
        codes |= {c for c in book.accounts if c[:2] in ("25", "26")}
    return codes


def vat_return(book: Book, period: str) -> VatReturn:
    begin, end = month_bounds(period)
    dec = book.settings.decimals(book.base) or 2
    ret = VatReturn(period, dec)
    outputs, inputs = _rates(book, "vat_output"), _rates(book, "vat_input")
    carry = book.settings.role("vat_carry_forward")
    outputs_by_rate = {r: c for c, r in outputs.items()}

    def add_sale(rate: Decimal, base: int, vat: int, doc: str) -> None:
        name = vat_rate_name(rate)
        slot = ret.sales.setdefault(name, [0, 0])
        slot[0] += base
        slot[1] += vat
        ret.sources.append(("sales", doc, name, outputs_by_rate.get(name, ""), base, vat))

    for d in book.documents:
        if not begin <= d.date <= end or d.kind not in ("invoice", "credit-note") or d.status in ("cancelled", "draft"):
            continue
        sign = 1 if d.kind == "invoice" else -1
        currency = d.currency or book.base
        cdec = book.settings.decimals(currency) or dec
        rate = document_rate(book, d, currency)
        for ln in d.lines:
            net = int(round_half_up(ln.quantity * ln.price - ln.discount, cdec).scaleb(cdec))
            vat = int(round_half_up(Decimal(net).scaleb(-cdec) * ln.vat_rate / 100, cdec).scaleb(cdec))
            if currency != book.base and rate:
                net, vat = convert_minor(net, cdec, rate, dec), convert_minor(vat, cdec, rate, dec)
            add_sale(ln.vat_rate, sign * net, sign * vat, d.id)
    if book.sales is not None and not book.sales.is_empty():
        z = (book.sales.filter((pl.col("kind") == "sale") & (pl.col("date") >= begin) & (pl.col("date") <= end)
                               & pl.col("net").is_not_null() & pl.col("vat_rate").is_not_null())
             .group_by("date", "location", "vat_rate").agg(pl.col("net").sum()).sort("date", "location", "vat_rate"))
        for day, loc, rate, net in z.iter_rows():
            vat = int(round_half_up(Decimal(net) * Decimal(rate) / 100, 0))
            add_sale(Decimal(rate), net, vat, f"Z-{loc}-{day}")
    led = book.ledger()
    month = led.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
    closing = pl.col("file").cast(pl.String).str.ends_with(".close.yaml")
    moves = month.filter(~closing)
    for code, rate in outputs.items():
        ret.sales_ledger[rate] = -int(moves.filter(pl.col("account") == code)["base"].sum() or 0)
        ret.sales.setdefault(rate, [0, 0])
    fixed = fixed_asset_accounts(book)
    fixed_entries = set(moves.filter(pl.col("account").is_in(sorted(fixed)) & (pl.col("base") > 0))
                        ["entry_id"].to_list())
    for code, rate in inputs.items():
        rows = moves.filter(pl.col("account") == code).group_by("entry_id").agg(pl.col("base").sum()).sort("entry_id")
        for entry, base in rows.iter_rows():
            if entry in fixed_entries:
                ret.fixed_assets += base
                ret.sources.append(("fixed", entry, rate, code, 0, base))
            else:
                ret.inputs[rate] = ret.inputs.get(rate, 0) + base
                ret.sources.append(("input", entry, rate, code, 0, base))
        ret.inputs.setdefault(rate, 0)
    before = led.filter(pl.col("date") < begin)
    ret.brought = int(before.filter(pl.col("account") == carry)["base"].sum() or 0) if carry else 0
    ret.unsettled = int(before.filter(pl.col("account").is_in(sorted(set(outputs) | set(inputs))))["base"].sum() or 0)
    close_rows = month.filter(closing & (pl.col("date") == end))
    payable = book.settings.role("vat_payable")
    if not close_rows.is_empty():
        ret.offset_payable = -int(close_rows.filter(pl.col("account") == payable)["base"].sum() or 0) \
            if payable else None
        ret.offset_carry = int(close_rows.filter(pl.col("account") == carry)["base"].sum() or 0) if carry else None
    return ret


def build_vat_return(book: Book, period: str, detail: bool = False) -> Table:
    """The VAT return of one month as a table: code, line, rate, base, VAT, ledger, difference."""
    ret = vat_return(book, period)
    words = LABELS.get(book.settings.language, LABELS["en"])
    dec = ret.decimals
    outputs = {r: c for c, r in _rates(book, "vat_output").items()}
    inputs = {r: c for c, r in _rates(book, "vat_input").items()}

    def m(v: int | None) -> Decimal | None:
        return None if v is None else from_minor(v, dec)

    rows: list[tuple] = []
    by_line: dict[tuple[str, str], dict[str, list]] = defaultdict(dict)
    for line, doc, rate, account, base, vat in ret.sources:     # one detail row per document or entry
        slot = by_line[(line, rate)].setdefault(doc, [account, 0, 0])
        slot[1] += base
        slot[2] += vat
    for rate in sorted(ret.sales, key=Decimal):
        base, vat = ret.sales[rate]
        if Decimal(rate) == 0:
            rows.append(("exempt", words["exempt"], "0", m(base), None, None, None, ""))
            continue
        led = ret.sales_ledger.get(rate, 0)
        rows.append((f"sales-{rate}", words["sales"].format(r=rate), rate, m(base), m(vat), m(led), m(led - vat),
                     outputs.get(rate, "")))
        if detail:
            for doc, (account, b, v) in sorted(by_line[("sales", rate)].items()):
                rows.append(("", f"  {doc}", rate, m(b), m(v), None, None, account))
    rows.append(("calculated", words["calculated"], "", None, m(ret.calculated), m(ret.calculated), None, ""))
    rows.append(("brought", words["brought"], "", None, m(ret.brought), m(ret.brought), None,
                 book.settings.role("vat_carry_forward") or ""))
    if ret.unsettled:
        rows.append(("unsettled", words["unsettled"], "", None, m(ret.unsettled), m(ret.unsettled), None,
                     "391/191"))
    for rate in sorted(ret.inputs, key=Decimal):
        rows.append((f"input-{rate}", words["input"].format(r=rate), rate, None, m(ret.inputs[rate]),
                     m(ret.inputs[rate]), None, inputs.get(rate, "")))
        if detail:
            for doc, (account, _b, v) in sorted(by_line[("input", rate)].items()):
                rows.append(("", f"  {doc}", rate, None, m(v), None, None, account))
    rows.append(("fixed", words["fixed"], "", None, m(ret.fixed_assets), m(ret.fixed_assets), None, ""))
    if detail:
        for line, rate in sorted(k for k in by_line if k[0] == "fixed"):
            for doc, (account, _b, v) in sorted(by_line[(line, rate)].items()):
                rows.append(("", f"  {doc}", rate, None, m(v), None, None, account))
    rows.append(("deductible", words["deductible"], "", None, m(ret.deductible), m(ret.deductible), None, ""))
    if ret.payable >= 0:
        rows.append(("payable", words["payable"], "", None, m(ret.payable), None, None,
                     book.settings.role("vat_payable") or ""))
    else:
        rows.append(("carry", words["carry"], "", None, m(-ret.payable), None, None,
                     book.settings.role("vat_carry_forward") or ""))
    tie = ret.offset_payable if ret.payable >= 0 else ret.offset_carry
    want = ret.payable if ret.payable >= 0 else -ret.payable
    differ = ret.differences()
    status = "not closed" if tie is None else "pass" if tie == want and not differ else "fail"
    rows.append(("tie", words["tie"], "", None, m(want), m(tie), None if tie is None else m(tie - want),
                 words[status.replace(" ", "_")]))
    cols = (Column("code", "code"), Column("line", "line"), Column("rate", "rate"), Column("base", "base", "money"),
            Column("vat", "VAT", "money"), Column("ledger", "ledger", "money"),
            Column("difference", "difference", "money"), Column("account", "account"))
    return Table("vat-return", words["title"].format(p=period), cols, tuple(rows),
                 meta={"currency": book.base, "company": book.settings.name, "period": period,
                       "payable": str(m(max(ret.payable, 0))),
                       "carry_forward": str(m(max(-ret.payable, 0))),
                       "tie": "n/a" if tie is None else status,
                       "differences": {rate: str(m(v)) for rate, v in differ.items()}})


def tie_out(book: Book, period: str, offset: tuple[int, int] | None = None) -> tuple[bool, str]:
    """The close checklist's row: the return's payable (or carry-forward) against the VAT offset entry.
    `offset` is (credit to VAT payable, debit to carry forward) of the entry the close is about to
    write (core.close.plan); without it, the entry already in the books."""
    ret = vat_return(book, period)
    dec = ret.decimals
    paid, carried = offset if offset is not None else (ret.offset_payable or 0, ret.offset_carry or 0)
    if ret.payable >= 0:
        got, what, role = paid, "payable", book.settings.role("vat_payable")
        want = ret.payable
    else:
        got, what, role = carried, "carried forward", book.settings.role("vat_carry_forward")
        want = -ret.payable
    sep = "=" if got == want else "but"
    detail = f"KDV-1 {what} {from_minor(want, dec)} {sep} VAT offset {role} {from_minor(got, dec)}"
    differ = ret.differences()
    if differ:
        detail += "; but the documents' VAT and the 391 movement differ: " + ", ".join(
            f"{rate}% {from_minor(v, dec)}" for rate, v in differ.items())
    return got == want and not differ, detail
