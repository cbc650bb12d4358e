"""`kebir init`: a new books directory from a template and a chart of accounts.

`new_books(...)` returns the files to write (path -> text), all in kebir's canonical form, so the
new books validate clean and pass `kebir fmt --check` from the first commit. Templates:

- `empty`: books.toml with the posting rules, the chart, nothing else;
- `services`: plus a first customer and supplier;
- `restaurant`: plus a restaurant and its kitchen as stock locations, a few stock items (fish at
  FIFO, olive oil at moving average, wine as trade goods), a produce supplier and a customer;
- `retail`: plus a store and a warehouse, a few trade goods, a supplier and a customer.

The caller writes the files (core.books.store) and makes the first git commit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tomli_w

from core.books.charts import CHARTS, account_records
from core.books.schema import FILE_KINDS, SCHEMA_DIR
from core.books.store import dump_yaml_records

TEMPLATES = ("restaurant", "services", "retail", "empty")

GITIGNORE = """\
# kebir's cache of parsed files (rebuilt from the books when missing)
.kebir/
# reports exported to hand on (kebir report ... -o exports/FILE): made again from the books at any time
exports/
"""
GITATTRIBUTES = """\
# Books are text: diff and merge them line by line, with LF endings everywhere.
*.yaml text eol=lf diff
*.yml text eol=lf diff
*.csv text eol=lf diff
*.toml text eol=lf diff
*.md text eol=lf diff
"""


OPENING_EXAMPLE = """\
# The opening entry: the balances your books start from (docs/formats.md, "Opening entries").
#
# kebir does not read this file (it is not in journals/YYYY/). Copy the entry below into the first
# month's journal, e.g. journals/2025/2025-01.yaml, dated on the first day of your books, and put in
# last year's closing balance sheet: one posting per account, debits = credits. Keep `tags: [opening]`:
# it marks the entry as balances brought forward, so the cash flow counts its cash in the opening
# cash and not as January's money coming in, and its fixed assets are no investment of January.
# An opening entry posts to balance-sheet accounts only; last year's result goes to retained earnings.
#
# Stock is the one balance not written to its own account: the stock ledger keeps the inventory
# account, so the stock counted on 31 December is a receipt per item and location on 1 January in
# stock/moves/2025/2025-01.csv, at its cost and without a `document`, e.g. the line
# MV-2025-01-000001,2025-01-01,,receipt,FSH-LEVREK,KIT,,40.000,1050.0000,%(base)s,,opening stock
# Those receipts credit the goods-received account %(clearing)s; the opening entry debits it with the
# same total, so it is zero again and the inventory account holds the stock counted.
#
# - id: JE-2025-01-0001
#   date: 2025-01-01
#   memo: Açılış kaydı 2025 (opening balances)
#   tags: [opening]
#   postings:
#     - {account: "%(cash)s", debit: "25000.00"}                 # cash in the till
#     - {account: "%(bank)s", debit: "180000.00"}                # bank, as on the statement of 31 December
%(foreign)s#     - {account: "%(clearing)s", debit: "42000.00"}             # stock counted on 31 December (see above)
#     - {account: "%(fixed)s", debit: "350000.00"}               # fixtures and kitchen equipment, at cost
#     - {account: "%(depreciation)s", credit: "70000.00"}        # their accumulated depreciation
#     - {account: "%(payable)s", credit: "56000.00", contact: SU-0001}   # what you owe suppliers
#     - {account: "%(capital)s", credit: "400000.00"}            # paid-in capital
#     - {account: "%(retained)s", credit: "%(balancing)s"}           # retained earnings (the balancing figure)
"""
# A euro bank balance, in lira at the rate of 31 December: only where the base currency is the lira
# (in books kept in euros the euro account is a base-currency account, and the rate would be wrong).
OPENING_FOREIGN = ('#     - {account: "%s", debit: "1000.00", currency: EUR, rate: "36.5944", base: "36594.40"}'
                   '   # 1,000.00 EUR\n')


def _books_toml(name: str, currency: str, fiscal_year_start: str, chart: str, language: str = "en") -> str:
    _, roles, vat_out, vat_in, reflection = CHARTS[chart]
    currencies = {currency: 2}
    for extra in ("TRY", "EUR", "USD"):
        currencies.setdefault(extra, 2)
    accounts: dict[str, Any] = dict(sorted(roles.items()))
    accounts["vat_output"] = dict(vat_out)
    accounts["vat_input"] = dict(vat_in)
    if reflection:
        accounts["reflection"] = dict(reflection)
    doc = {"company": {"name": name, "base_currency": currency, "fiscal_year_start": fiscal_year_start,
                       "chart": chart, "language": language},
           "currencies": currencies, "accounts": accounts, "close": {"corporate_tax_rate": "25"}}
    head = ("# kebir books: company settings and posting rules (docs/formats.md#bookstoml).\n"
            "# [accounts] names the account each role posts to; change them to suit your chart.\n")
    return head + tomli_w.dumps(doc)


# The sample customer and supplier of a new company, from the country its books are kept in: the
# Turkish uniform chart or Turkish lira books get Turkish parties; IFRS books in euro a German pair,
# in dollars an American one, in pounds a British one; any other currency neutral example names.
_PARTIES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "TR": ({"name": "Örnek Müşteri A.Ş.", "city": "İstanbul"},
           {"name": "Örnek Tedarikçi Ltd. Şti.", "city": "İstanbul"}),
    "EUR": ({"name": "Beispiel Kunde GmbH", "city": "Berlin", "country": "DE"},
            {"name": "Muster Lieferant GmbH", "city": "München", "country": "DE"}),
    "USD": ({"name": "Example Customer Inc.", "city": "New York", "country": "US"},
            {"name": "Example Supplier LLC", "city": "Chicago", "country": "US"}),
    "GBP": ({"name": "Example Customer Ltd", "city": "London", "country": "GB"},
            {"name": "Example Supplier Ltd", "city": "Manchester", "country": "GB"}),
}


def sample_parties(chart: str, currency: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The template's first customer and supplier, fitting the books' country (see _PARTIES)."""
    key = "TR" if chart == "tr-tdhp" or currency == "TRY" else currency
    customer, supplier = _PARTIES.get(key, ({"name": "Example Customer Ltd."}, {"name": "Example Supplier Ltd."}))
    return ({"id": "CU-0001", "kind": "company", **customer, "payment_terms": "net30", "credit_limit": "100000.00"},
            {"id": "SU-0001", "kind": "company", **supplier, "payment_terms": "net30"})


def _template_records(template: str, chart: str, currency: str = "TRY"
                      ) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """rel -> (file kind, records) for what the template adds besides the chart."""
    tdhp = chart == "tr-tdhp"
    goods, raw = ("153.01", "150.01") if tdhp else ("1220", "1210")
    cogs_goods = "621.01" if tdhp else "5010"
    out: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    if template == "empty":
        return out
    customer, supplier = sample_parties(chart, currency)
    out["contacts/erp/customers.yaml"] = ("erp-contacts", [customer])
    out["contacts/erp/suppliers.yaml"] = ("erp-contacts", [supplier])
    if template == "restaurant":
        out["stock/locations.yaml"] = ("locations", [
            {"id": "REST", "name": "Restaurant", "kind": "restaurant"},
            {"id": "KIT", "name": "Central kitchen", "kind": "kitchen"}])
        out["stock/items.yaml"] = ("items", [
            {"id": "FSH-LEVREK", "name": "Levrek (sea bass)", "unit": "kg", "valuation": "fifo", "category": "fish",
             "vat_rate": "1", "supplier": "SU-0001"},
            {"id": "OIL-ZEYTINYAGI", "name": "Zeytinyağı (olive oil), 5 l", "unit": "piece", "valuation": "average",
             "category": "oil", "vat_rate": "1", "supplier": "SU-0001"},
            {"id": "DRK-SARAP", "name": "Şarap (wine), 75 cl", "unit": "bottle", "valuation": "fifo",
             "category": "drinks", "vat_rate": "20", "supplier": "SU-0001",
             "accounts": {"inventory": goods, "cogs": cogs_goods}}])
    elif template == "retail":
        out["stock/locations.yaml"] = ("locations", [
            {"id": "STORE", "name": "Store", "kind": "store"},
            {"id": "WH", "name": "Warehouse", "kind": "warehouse"}])
        out["stock/items.yaml"] = ("items", [
            {"id": "GDS-0001", "name": "Example product", "unit": "piece", "valuation": "fifo", "category": "goods",
             "vat_rate": "20", "supplier": "SU-0001", "accounts": {"inventory": goods, "cogs": cogs_goods}},
            {"id": "GDS-0002", "name": "Example product sold by weight", "unit": "kg", "valuation": "average",
             "category": "goods", "vat_rate": "10", "supplier": "SU-0001",
             "accounts": {"inventory": goods, "cogs": cogs_goods}}])
    del raw
    return out


def _opening_example(chart: str, currency: str = "TRY") -> str:
    """The commented opening-entry template, with the chart's account codes, that validates once
    copied (a foreign-currency line only for books kept in lira)."""
    tdhp = chart == "tr-tdhp"
    codes = (dict(cash="100.01", bank="102.01", bank_eur="102.02", clearing="329.01", fixed="255.01",
                  depreciation="257.01", payable="320.01", capital="500.01", retained="570.01") if tdhp else
             dict(cash="1010", bank="1020", bank_eur="1030", clearing="2020", fixed="1540", depreciation="1590",
                  payable="2010", capital="3010", retained="3020"))
    lira = currency == "TRY"
    codes.update(base=currency, foreign=OPENING_FOREIGN % codes["bank_eur"] if lira else "",
                 balancing="107594.40" if lira else "71000.00")
    return OPENING_EXAMPLE % codes


VSCODE_SCHEMAS = ".vscode/schemas"


def vscode_files() -> dict[str, str]:
    """Editor settings that survive moving the books: the YAML language server is pointed at copies
    of kebir's schemas kept in the books (`.vscode/schemas/`), by paths relative to the books'
    folder (the workspace root), never at this checkout's or this machine's absolute paths: the books
    can be moved, cloned or opened on another machine. The copies are the schemas of the kebir that
    made the books; after an upgrade, copy the new `schemas/*.schema.json` over them."""
    mapping: dict[str, Any] = {}
    files: dict[str, str] = {}
    for fk in FILE_KINDS:
        if fk.fmt != "yaml":
            continue
        rel = f"{VSCODE_SCHEMAS}/{fk.kind}.schema.json"
        files[rel] = (SCHEMA_DIR / f"{fk.kind}.schema.json").read_text(encoding="utf-8")
        path = f"./{rel}"
        if path in mapping:
            existing = mapping[path]
            mapping[path] = [*(existing if isinstance(existing, list) else [existing]), fk.pattern]
        else:
            mapping[path] = fk.pattern
    doc = {"yaml.schemas": mapping, "yaml.customTags": [], "files.eol": "\n"}
    files[".vscode/settings.json"] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return files


RATES_README = """\
# Exchange rates, one file per year: rates/2025.csv (docs/formats.md, "Rates").
# kebir reads only rates/YYYY.csv; this note is not read. The header and a row look like:
#
# date,currency,rate
# 2025-01-02,EUR,36.5944
#
# `rate` is the base currency per unit of `currency` on that day (TCMB's forex buying rate, say).
"""


def new_books(name: str, *, template: str = "restaurant", chart: str = "tr-tdhp", currency: str = "TRY",
              fiscal_year_start: str = "01-01") -> dict[str, str]:
    """The files of a new books directory (relative path -> text). Raises ValueError on a bad option."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}: use {', '.join(TEMPLATES)}")
    if chart not in CHARTS:
        raise ValueError(f"unknown chart {chart!r}: use {', '.join(CHARTS)}")
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ValueError(f"currency {currency!r}: write a three-letter ISO code such as TRY or EUR")
    month, _, day = fiscal_year_start.partition("-")
    if not (month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31
            and len(month) == len(day) == 2):
        raise ValueError(f"fiscal year start {fiscal_year_start!r}: write MM-DD, e.g. 01-01 or 07-01")
    files = {
        # the restaurant template is a Turkish restaurant's books: its reports speak Turkish (core/model/i18n.py)
        "books.toml": _books_toml(name, currency, fiscal_year_start, chart, "tr" if template == "restaurant" else "en"),
        "accounts.yaml": dump_yaml_records("accounts", account_records(chart)),
        ".gitignore": GITIGNORE,
        ".gitattributes": GITATTRIBUTES,
        **vscode_files(),
        "journals/opening.example.yaml": _opening_example(chart, currency),
        "rates/README.txt": RATES_README,
    }
    for rel, (kind, records) in _template_records(template, chart, currency).items():
        files[rel] = dump_yaml_records(kind, records)
    return files


def is_books(path: Path) -> bool:
    """Whether `path` already holds books (or anything kebir would overwrite)."""
    return (path / "books.toml").exists() or (path / "accounts.yaml").exists()
