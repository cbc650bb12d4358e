"""Record types of a books directory: frozen, each with the file and line it came from.

Small collections (accounts, contacts, items, orders) are tuples of frozen dataclasses. The two
collections that reach millions of rows, postings and stock moves, live in polars frames with
integer minor units (see `Book.postings`), and `Book.entry(id)` builds the dataclass view of one
entry when a person needs to read it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

import polars as pl

from core.model.assets import Asset
from core.model.items import ContactId, Item, Sku
from core.model.money import from_minor
from core.model.payroll import PayrollRules, PayrollRun
from core.model.private import Private
from core.model.production import Production
from core.model.recurring import Recurring
from core.model.source import Source
from core.model.stock import StockLedger

AccountCode = str


@dataclass(frozen=True, slots=True)
class CloseSettings:
    """books.toml [close] (core.close.entries, docs/close.md)."""

    corporate_tax_rate: str | None = None    # percent of a profitable year's result, as written; None: no provision
    # where the close clears count differences (197/397): cost_of_sales | other | None (the roles
    # count_shortage_expense / count_surplus_income, else left pending); core.close.counts
    count_differences: str | None = None
    # the year end as docs/close.md says (core.reports.tax_base, core.close.provisions); all as written
    minimum_tax_rate: str | None = None      # KVK Art. 32/C minimum corporate tax, percent; None: not applied
    kkeg_accounts: tuple[str, ...] = ()      # expense accounts (and their children) not deductible (KVK Art. 11)
    exempt_accounts: tuple[str, ...] = ()    # income accounts whose income is exempt (KVK Art. 5)
    losses: tuple[tuple[str, str], ...] = ()       # [close.losses] "2023" = "1200000.00": tax losses by year
    deductions: tuple[tuple[str, str], ...] = ()   # [close.deductions] "2025" = "...": KVK Art. 10, by year
    rediscount_rate: str | None = None       # CBRT rediscount rate, percent a year (VUK Art. 281/285)
    severance_ceiling: tuple[tuple[str, str], ...] = ()  # [close.severance_ceiling] "2025-07" = "53919.68"
    doubtful_after_days: str | None = None   # books on another chart than tr-tdhp: allowance for AR this late


@dataclass(frozen=True, slots=True)
class AssetSettings:
    """books.toml [assets] (core.erp.depreciation, docs/close.md "Fixed assets and depreciation")."""

    method: str | None = None                # vuk | ifrs; None: the register's own monthly schedule


@dataclass(frozen=True, slots=True)
class StatutorySettings:
    """books.toml [statutory]: the company as it stands on e-Fatura / e-Arşiv invoices and the Ba-Bs
    forms (core.interop.einvoice, core.reports.vat_return, core.reports.babs, docs/statutory.md)."""

    tax_id: str | None = None                # the company's VKN
    tax_office: str | None = None            # vergi dairesi
    address: str | None = None
    city: str | None = None
    district: str | None = None              # ilçe
    efatura_series: str = "FTR"              # three characters: e-Fatura numbers FTR2025000000001
    earsiv_series: str = "ARS"               # three characters: e-Arşiv numbers
    babs_threshold: str = "5000"             # Ba-Bs: a counterparty's documents in a month from this much, excl. VAT


@dataclass(frozen=True, slots=True)
class ProductionSettings:
    """books.toml [production] (core.erp.production, docs/production.md)."""

    backflush: bool = True                   # dish sales and issues consume their recipes' ingredients


@dataclass(frozen=True, slots=True)
class CashFlowSettings:
    """books.toml [cash_flow] (core.reports.cashflow, docs/reports.md): account prefixes per class;
    all empty: the chart's defaults."""

    investing: tuple[str, ...] = ()
    financing: tuple[str, ...] = ()
    non_cash: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """books.toml [dedup] (core.crm.merge, docs/crm.md): the fields whose ERP or CRM value wins a
    merge; None: the defaults."""

    erp_wins: tuple[str, ...] | None = None
    crm_wins: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """books.toml: the company, its base currency, currencies and account roles, and the typed
    settings of the sections that configure one part each."""

    name: str
    base_currency: str
    fiscal_year_start: str = "01-01"
    chart: str = "custom"
    # [company] language: "tr" | "en", the words of reports (core/model/i18n.py)
    language: str = "en"
    currencies: tuple[tuple[str, int], ...] = (("TRY", 2), ("EUR", 2), ("USD", 2))
    roles: tuple[tuple[str, str], ...] = ()  # [accounts]: role -> account code; [accounts.X] "k" = as "X:k"
    payroll: PayrollRules | None = None      # books.toml [payroll] (core.model.payroll); None: the defaults
    close: CloseSettings = CloseSettings()
    assets: AssetSettings = AssetSettings()
    production: ProductionSettings = ProductionSettings()
    cash_flow: CashFlowSettings = CashFlowSettings()
    dedup: DedupSettings = DedupSettings()
    private_path: str | None = None          # [private] path: the confidential books (core.books.private)
    prices_include_vat: bool = False         # [prices] include_vat: list prices as printed, VAT included
    price_alert_pct: Decimal | None = None   # [prices] alert_pct: warn (W045) when a receipt's price moves more
    statutory: StatutorySettings = StatutorySettings()

    def decimals(self, currency: str) -> int | None:
        return dict(self.currencies).get(currency)

    @property
    def base_decimals(self) -> int:
        """The base currency's decimals ([currencies]), 2 when not given (nor 0: `or 2`, as written)."""
        return self.decimals(self.base_currency) or 2

    def role(self, name: str) -> str | None:
        return dict(self.roles).get(name)


@dataclass(frozen=True, slots=True)
class Account:
    code: AccountCode
    name: str
    type: str                      # asset | cash | bank | liability | equity | income | expense
    parent: AccountCode | None = None
    currency: str | None = None
    closed: date | None = None
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Contact:
    """A party on either side: CRM person/company, or ERP customer/supplier/employee."""

    id: ContactId
    side: str                      # crm | erp
    role: str                      # crm | customer | supplier | employee
    kind: str                      # company | person
    name: str
    fields: tuple[tuple[str, str], ...] = ()   # every other field as written, in schema order
    source: Source = field(default=Source("", 0), compare=False)

    def get(self, key: str) -> str | None:
        return dict(self.fields).get(key)


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str
    kind: str
    accounts: tuple[tuple[str, str], ...] = ()   # role -> account overrides
    source: Source = field(default=Source("", 0), compare=False)
    seats: int | None = None                     # guests seated at once (revenue per seat-hour)
    hours: tuple[tuple[str, str], ...] = ()      # daypart -> opening hours "HH:MM-HH:MM" (docs/formats.md)


@dataclass(frozen=True, slots=True)
class StockReason:
    """Why stock was written off (stock/reasons.yaml): a waste move's `reason` names one by its id."""

    id: str
    name: str
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    date: date
    contact: ContactId
    kind: str
    subject: str | None = None
    outcome: str | None = None
    owner: ContactId | None = None
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Deal:
    """A CRM opportunity moving through the pipeline (contacts/crm/deals.yaml)."""

    id: str
    contact: ContactId
    stage: str                     # lead | qualified | proposal | negotiation | won | lost
    amount: Decimal
    created: date
    name: str | None = None
    currency: str | None = None
    probability: int | None = None  # percent; None: the stage's default
    expected_close: date | None = None
    closed: date | None = None
    owner: ContactId | None = None
    campaign: str | None = None
    order: str | None = None
    lost_reason: str | None = None
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Campaign:
    """A CRM campaign or promotion with its cost and the contacts it reached (contacts/crm/campaigns.yaml)."""

    id: str
    name: str
    kind: str                      # loyalty | email | event | promotion | ads | referral
    start: date
    end: date | None = None
    cost: Decimal = Decimal(0)
    account: str | None = None
    members: tuple[ContactId, ...] = ()
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Segment:
    """A named group of customers defined by a SQL condition (contacts/crm/segments.yaml)."""

    id: str
    name: str
    where: str
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class Link:
    crm: ContactId
    erp: ContactId
    since: date | None = None
    source: Source = field(default=Source("", 0), compare=False)


@dataclass(frozen=True, slots=True)
class OrderLine:
    item: Sku | None
    quantity: Decimal
    price: Decimal
    vat_rate: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    account: AccountCode | None = None
    description: str | None = None
    source: Source = field(default=Source("", 0), compare=False)
    unit: str | None = None        # a line without an item: its unit (kg, l, piece ... or a UN/ECE code)


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a payment set against an invoice, or of an advance applied to an invoice."""

    doc: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Document:
    """A commercial document in orders/: an order, invoice, credit note, payment or advance.

    Which fields matter depends on `kind` (docs/documents.md): orders and invoices have `lines`,
    payments and advances an `amount` and `account`, credit notes the `invoice` they credit.
    """

    id: str
    kind: str
    date: date
    party: ContactId
    lines: tuple[OrderLine, ...] = ()
    status: str = "open"
    currency: str | None = None
    location: str | None = None
    due: date | None = None
    memo: str | None = None
    rate: str | None = None
    amount: Decimal | None = None
    account: AccountCode | None = None
    order: str | None = None
    invoice: str | None = None
    rep: ContactId | None = None
    campaign: str | None = None
    number: str | None = None
    allocations: tuple[Allocation, ...] = ()
    applies: tuple[Allocation, ...] = ()
    source: Source = field(default=Source("", 0), compare=False)
    ettn: str | None = None        # issued invoices: the e-invoice's UUID (ETTN), kept from when it was numbered


Order = Document   # orders are documents of kind sales | purchase | quotation


@dataclass(frozen=True, slots=True)
class PriceRule:
    """One record of prices.yaml: a price list, customer prices, quantity breaks or a promotion."""

    id: str
    kind: str                                  # list | customer | breaks | promotion
    party: ContactId | None = None
    campaign: str | None = None
    currency: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    items: tuple[Sku, ...] = ()
    discount: Decimal | None = None
    prices: tuple[tuple[Sku, Decimal], ...] = ()
    breaks: tuple[tuple[Decimal, Decimal], ...] = ()   # (min quantity, percent)
    source: Source = field(default=Source("", 0), compare=False)
    vat_included: bool | None = None           # prices include VAT; None: books.toml [prices] include_vat

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

CUSTOMER_KINDS = frozenset({"quotation", "sales", "invoice", "credit-note", "payment", "advance", "doubtful"})
SUPPLIER_KINDS = frozenset({"purchase", "supplier-invoice", "supplier-credit-note", "supplier-payment"})
ORDER_KINDS = frozenset({"quotation", "sales", "purchase"})


@dataclass(frozen=True, slots=True)
class Posting:
    account: AccountCode
    amount: Decimal                # signed: debit > 0, credit < 0, in `currency`
    currency: str
    base: Decimal                  # signed, in the base currency
    rate: str | None = None
    contact: ContactId | None = None
    memo: str | None = None
    tags: tuple[str, ...] = ()
    source: Source = field(default=Source("", 0), compare=False)

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else Decimal(0)

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else Decimal(0)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: str
    date: date
    postings: tuple[Posting, ...]
    memo: str | None = None
    payee: ContactId | None = None
    source_doc: str | None = None
    tags: tuple[str, ...] = ()
    source: Source = field(default=Source("", 0), compare=False)


# Frame layouts (keep in step with core/books/bulk.py):
#   postings: entry_id, date(Date), account, currency, amount(Int64 minor of currency),
#             base(Int64 minor of base currency), rate, contact, memo, tags, file, line
#   entries:  id, date(Date), memo, payee, source, tags, file, line
#   moves:    id, date(Date), time, kind, item, location, to_location, qty(Int64 thousandths),
#             unit_cost, currency, document, memo, reason, file, line
#   rates:    date(Date), currency, rate(str), file, line


@dataclass(frozen=True)
class Book:
    """Everything read from one books directory."""

    root: Path
    settings: Settings
    accounts: Mapping[AccountCode, Account]
    contacts: Mapping[ContactId, Contact]
    items: Mapping[Sku, Item]
    locations: Mapping[str, Location]
    documents: tuple[Document, ...]
    activities: tuple[Activity, ...]
    links: tuple[Link, ...]
    postings: pl.DataFrame
    entries: pl.DataFrame
    moves: pl.DataFrame
    rates: pl.DataFrame
    files: tuple[str, ...] = ()
    broken_entries: frozenset[str] = frozenset()   # entries with field errors: skip balance checks
    unread: frozenset[str] = frozenset()            # stock record files not read at all (core.books.unread)
    sales: pl.DataFrame | None = None                # Z-report rows (core.erp.zreports)
    prices: tuple["PriceRule", ...] = ()              # prices.yaml (core.erp.pricing)
    payroll: tuple[PayrollRun, ...] = ()              # payroll/YYYY/YYYY-MM.yaml (core.erp.payroll)
    assets: tuple[Asset, ...] = ()                    # assets/register.yaml (core.erp.assets)
    recurring: tuple[Recurring, ...] = ()             # recurring.yaml (core.erp.recurring)
    derived_postings: pl.DataFrame | None = None     # postings derived from documents (core.erp.post)
    stock_ledger: StockLedger | None = None          # the stock the derivation valued (core.erp.stock)
    derived_entries: pl.DataFrame | None = None
    allocations: pl.DataFrame | None = None          # the subledger's allocation rows (core.ledger.subledger)
    # derived postings as the documents imply them today, where a closed month keeps the ones it sealed
    # (core.erp.frozen): None when nothing is kept
    derived_fresh: pl.DataFrame | None = None
    deals: tuple[Deal, ...] = ()                       # contacts/crm/deals.yaml
    campaigns: tuple[Campaign, ...] = ()               # contacts/crm/campaigns.yaml
    segments: tuple[Segment, ...] = ()                 # contacts/crm/segments.yaml
    reasons: Mapping[str, StockReason] = field(default_factory=dict)   # stock/reasons.yaml, by id
    production: Production | None = None               # recipes, runs, supply (core.erp.production)
    private: Private | None = None                     # books.toml [private], if named (core.books.private)

    @property
    def orders(self) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.kind in ORDER_KINDS)

    def resolve(self, contact_id: str) -> str:
        """The surviving id of a contact: follows `merged_into` aliases left by `kebir dedup apply`
        (a loop or an unknown id stops where it is; validation reports those, E079)."""
        seen = {contact_id}
        current = contact_id
        while (c := self.contacts.get(current)) is not None and (nxt := c.get("merged_into")) and nxt not in seen:
            seen.add(nxt)
            current = nxt
        return current

    def aliases(self, contact_id: str) -> set[str]:
        """Every id that resolves to the same survivor as `contact_id`, itself included."""
        survivor = self.resolve(contact_id)
        groups = self._memo("_alias_groups", lambda: _alias_groups(self))
        return set(groups.get(survivor, {survivor})) | {contact_id}

    def document(self, doc_id: str) -> Document | None:
        return self._doc_index().get(doc_id)

    def _memo(self, key: str, build: Callable[[], Any]) -> Any:
        """Compute a view of this (immutable) book once. `dataclasses.replace` makes a new book,
        so a memo never outlives the fields it was built from."""
        if key not in self.__dict__:
            object.__setattr__(self, key, build())
        return self.__dict__[key]

    def rate_on(self, currency: str, day: date) -> str | None:
        """The latest rates/ rate of `currency` on or before `day` (None for the base currency or none)."""
        if currency == self.base:
            return None
        table = self._memo("_rates", lambda: {
            cur: rows.sort("date").select("date", "rate").rows()
            for (cur,), rows in self.rates.group_by("currency")})
        rows = table.get(currency, [])
        i = bisect_right(rows, (day, "\uffff"))
        return rows[i - 1][1] if i else None

    def _doc_index(self) -> dict[str, Document]:
        return self._memo("_docs", lambda: {d.id: d for d in self.documents})

    def ledger(self) -> pl.DataFrame:
        """The general ledger: manual postings and derived postings, one frame (built once)."""
        if self.derived_postings is None or self.derived_postings.is_empty():
            return self.postings
        return self._memo("_ledger", lambda: pl.concat([self.postings, self.derived_postings.drop("source")],
                                                       how="vertical_relaxed"))

    def ledger_entries(self) -> pl.DataFrame:
        if self.derived_entries is None or self.derived_entries.is_empty():
            return self.entries
        return self._memo("_ledger_entries", lambda: pl.concat(
            [self.entries, self.derived_entries.select(self.entries.columns)], how="vertical_relaxed"))

    @property
    def base(self) -> str:
        return self.settings.base_currency

    def groups(self) -> frozenset[AccountCode]:
        """Accounts that are another account's parent: postings go to leaves only."""
        return frozenset(a.parent for a in self.accounts.values() if a.parent)

    def entry(self, entry_id: str) -> JournalEntry:
        """The dataclass view of one entry, for printing and tests."""
        e = self.entries.filter(pl.col("id") == entry_id).row(0, named=True)
        rows = self.postings.filter(pl.col("entry_id") == entry_id).sort("line", maintain_order=True)
        bdec = self.settings.base_decimals
        posts = tuple(
            Posting(
                account=r["account"],
                amount=from_minor(r["amount"], self.settings.decimals(r["currency"]) or bdec),
                currency=r["currency"], base=from_minor(r["base"], bdec), rate=r["rate"],
                contact=r["contact"], memo=r["memo"],
                tags=tuple(t for t in (r["tags"] or "").split(",") if t),
                source=Source(r["file"], r["line"]),
            )
            for r in rows.iter_rows(named=True)
        )
        return JournalEntry(
            id=e["id"], date=e["date"], postings=posts, memo=e["memo"], payee=e["payee"],
            source_doc=e["source"], tags=tuple(t for t in (e["tags"] or "").split(",") if t),
            source=Source(e["file"], e["line"]),
        )


def _alias_groups(book: "Book") -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for cid in book.contacts:
        groups.setdefault(book.resolve(cid), set()).add(cid)
    return groups


def frozen_map(d: dict) -> Mapping:  # type: ignore[type-arg]
    return MappingProxyType(dict(d))
