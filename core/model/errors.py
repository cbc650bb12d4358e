"""Problems found in the books: data errors are values, collected and reported all at once.

A `Problem` says where (file:line), which record, what is wrong (expected vs found) and how to
fix it. Only "cannot continue" situations raise, and the CLI turns those into the same shape.
The catalogue below is the list of stable codes; keep `tests/errors/` in step with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"

# code -> (severity, short title). Codes are stable: scripts match on them.
CATALOGUE: dict[str, tuple[str, str]] = {
    "E001": (ERROR, "malformed YAML"),
    "E002": (ERROR, "malformed CSV"),
    "E003": (ERROR, "file is not UTF-8"),
    "E004": (ERROR, "empty file"),
    "E005": (ERROR, "YAML feature refused in record files"),
    "E006": (ERROR, "file too large or too deeply nested"),
    "E007": (ERROR, "unreadable books settings"),
    "E010": (ERROR, "required field missing"),
    "E011": (ERROR, "unknown field"),
    "E012": (ERROR, "field has the wrong form"),
    "E013": (ERROR, "wrong shape (list or mapping expected)"),
    "E020": (ERROR, "duplicate id"),
    "E030": (ERROR, "unknown account"),
    "E031": (ERROR, "unknown contact"),
    "E032": (ERROR, "unknown item"),
    "E033": (ERROR, "unknown location"),
    "E034": (ERROR, "posting to a group (parent) account"),
    "E035": (ERROR, "posting to a closed account"),
    "E036": (ERROR, "unknown currency"),
    "E037": (ERROR, "currency not allowed on this account"),
    "E038": (ERROR, "unknown reference"),
    "E039": (ERROR, "chart of accounts is inconsistent"),
    "E040": (ERROR, "entry does not balance"),
    "E041": (ERROR, "too many decimals"),
    "E042": (ERROR, "foreign-currency posting without a rate"),
    "E043": (ERROR, "posting needs exactly one of debit and credit"),
    "E044": (ERROR, "entry has fewer than two postings"),
    "E045": (ERROR, "base amount disagrees with amount x rate"),
    "E046": (ERROR, "CSV entry rows disagree"),
    "E047": (ERROR, "posting rule missing"),
    "E048": (ERROR, "document currency not allowed"),
    "E049": (ERROR, "document out of step with its flow"),
    "E050": (ERROR, "stock goes negative"),
    "E051": (ERROR, "stock move is incomplete"),
    "E052": (ERROR, "stock ledger and inventory account disagree"),
    "E053": (ERROR, "control-account posting outside the subledger"),
    "E054": (ERROR, "Z-report does not balance"),
    "E060": (ERROR, "payroll line names no employee"),
    "E061": (ERROR, "employee not employed in the payroll period"),
    "E062": (ERROR, "negative pay"),
    "E063": (ERROR, "payroll run needs lines or totals, not both"),
    "E064": (ERROR, "payroll totals do not add up"),
    "E065": (ERROR, "payroll run in the wrong month"),
    "E066": (ERROR, "employee paid twice in a month"),
    "E067": (ERROR, "payroll needs a TRY base currency"),
    "E068": (ERROR, "payroll totals differ from their detail in the private books"),
    "E069": (ERROR, "private record for a contact or run the books do not have"),
    "E070": (ERROR, "record changed in a closed period"),
    "E071": (ERROR, "close record or seal chain altered"),
    "E072": (ERROR, "asset life is not a positive number of months"),
    "E073": (ERROR, "asset salvage value above its cost"),
    "E074": (ERROR, "asset disposed before it was acquired"),
    "E075": (ERROR, "depreciation rate on a straight-line asset"),
    "E076": (ERROR, "disposal proceeds without a disposal date"),
    "E077": (ERROR, "recurring item needs a positive number of months"),
    "E078": (ERROR, "recurring item names the wrong account for its kind"),
    "E079": (ERROR, "merged_into does not lead to a surviving contact on the same side"),
    "E080": (ERROR, "unknown campaign"),
    "E081": (ERROR, "a record file links outside the books directory"),
    "E082": (ERROR, "a record file is not a regular file"),
    "E084": (ERROR, "a record file cannot be read"),
    "E090": (ERROR, "recipe cycle"),
    "E091": (ERROR, "unit does not convert to the item's unit"),
    "E092": (ERROR, "recipe or production run yields nothing"),
    "E093": (ERROR, "production run of an item without a recipe"),
    "E100": (ERROR, "a file in closes/ that is not a month's close record"),
    "E101": (ERROR, "close record does not agree with its history"),
    "E102": (ERROR, "close totals differ from the books"),
    "E103": (ERROR, "close record does not match its git tag"),
    "E120": (ERROR, "the allowed-signers file named in books.toml is missing or has a line with no key"),
    "E200": (ERROR, "books.toml names a close or depreciation policy kebir does not know"),
    "E201": (ERROR, "count shortage charged to someone who is not an employee"),
    "E202": (ERROR, "fixed-asset purchase without an asset register entry"),
    "E203": (ERROR, "payroll run in a year without payroll parameters"),
    "E204": (ERROR, "VUK depreciation over a life that is not whole years"),
    "E205": (ERROR, "employee's cost centre has no accounts"),
    "E206": (ERROR, "an asset's register entry no longer gives the depreciation booked for it"),
    "E160": (ERROR, "date that is not on the calendar"),
    "E161": (ERROR, "CSV header has a misspelt column"),
    "E190": (ERROR, "CSV header names a column twice"),
    "E162": (ERROR, "Turkish tax number (VKN or TCKN) fails its check digits"),
    "E163": (ERROR, "IBAN fails its check"),
    "E140": (ERROR, "payment allocated beyond what is open on the invoice"),
    "E130": (ERROR, "opening entry posts to an income or expense account"),
    "E210": (ERROR, "year-end setting in books.toml [close] is not valid"),
    "E211": (ERROR, "a `due:` tag that is not a date"),
    "W035": (WARNING, "a tax loss older than five years is not deducted"),
    "E150": (ERROR, "books.toml names a report language kebir does not speak"),
    "E220": (ERROR, "an e-invoice's buyer has no tax number"),
    "E221": (ERROR, "an e-invoice line has no unit"),
    "E222": (ERROR, "an e-invoice line has a VAT rate not in the books' VAT table"),
    "E223": (ERROR, "an issued invoice has no GİB number or ETTN yet"),
    "E224": (ERROR, "an invoice's GİB number has the wrong form or is used twice"),
    "E225": (ERROR, "the company's VKN is not in books.toml [statutory]"),
    "E226": (ERROR, "a return to a supplier names no supplier invoice number"),
    "E227": (ERROR, "a Turkish party on Form Ba or Bs has no valid VKN/TCKN"),
    "E228": (ERROR, "invoices of a closed month cannot be numbered"),
    "E229": (ERROR, "a GİB invoice number is not in date order within its series and year"),
    "E230": (ERROR, "an e-invoice's buyer has a tax number that fails its check digits"),
    "E231": (ERROR, "the company's own VKN in books.toml [statutory] fails its check digit"),
    "E232": (ERROR, "an invoice's GİB series and its scenario (e-Fatura or e-Arşiv) disagree"),
    "E233": (ERROR, "a document's lines add up past what an amount in the books can hold"),
    "E240": (ERROR, "supply network line sends a location's goods to itself"),
    "E241": (ERROR, "a stock move gives a reason stock/reasons.yaml does not list"),
    "E195": (ERROR, "amounts too large to add up exactly"),
    "W001": (WARNING, "credit limit passed"),
    "W030": (WARNING, "employee without a cost centre"),
    "W002": (WARNING, "price differs from the price rules"),
    "W040": (WARNING, "a waste move gives no reason while the books keep stock/reasons.yaml"),
    "W045": (WARNING, "a receipt's price moved beyond the alert threshold from the supplier's last one"),
    "W046": (WARNING, "an e-invoice names a Turkish company without its tax office (vergi dairesi)"),
    "W003": (WARNING, "commission differs from what paid invoices earned"),
    "W004": (WARNING, "close files left by an interrupted close or a reopen"),
    "W005": (WARNING, "the private books cannot be read"),
    "W006": (WARNING, "a committed close, reopen or filing without its git tag"),
    "W008": (WARNING, "git tracks the local .kebir/ directory"),
    "W016": (WARNING, "stock check held back while a stock file cannot be read"),
    "W017": (WARNING, "a CRM record's tax number or IBAN fails its check"),
    "W018": (WARNING, "a closed month's records derive other postings than it sealed (a correction is due)"),
    "W010": (WARNING, "a month to close has no documents, sales or bank lines where the month before had them"),
    "W011": (WARNING, "an item sold on a Z-report is also issued by hand the same day at the same location"),
}

# Problems of `kebir import` (core/interop): they point into the file being imported, not into the
# books, so their cases (tests/errors/I*.yaml) run an import command; docs/interop.md lists them.
IMPORT_CATALOGUE: dict[str, tuple[str, str]] = {
    "I001": (ERROR, "journal construct kebir cannot import"),
    "I002": (ERROR, "journal line cannot be read"),
    "I003": (ERROR, "balance assertion fails"),
    "I004": (ERROR, "imported transaction does not balance"),
    "I005": (ERROR, "account cannot be placed in the chart"),
    "I006": (ERROR, "commodity or amount kebir cannot hold"),
    "I007": (ERROR, "bank statement row is malformed"),
    "I008": (ERROR, "no rule gives the row an account"),
    "I009": (ERROR, "import totals differ between the source and the records written"),
    "I010": (ERROR, "rules or mapping file is wrong"),
    "I011": (ERROR, "contact row is malformed"),
    "I012": (ERROR, "imported records fail the books' checks"),
    "I020": (WARNING, "construct without amounts skipped"),
    "I030": (ERROR, "two source accounts would become one kebir account"),
    "I050": (WARNING, "contact row left out of the import"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the books, with enough context to fix it."""

    code: str
    path: str
    line: int
    message: str
    record: str = ""
    expected: str = ""
    found: str = ""
    hint: str = ""

    @property
    def severity(self) -> str:
        return (CATALOGUE.get(self.code) or IMPORT_CATALOGUE[self.code])[0]

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.code, self.record)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity
        return d


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """All problems in reading order: by file, then line; exact duplicates dropped."""
    return sorted(set(problems), key=Problem.sort_key)


def count_errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.severity == ERROR)


class BooksError(Exception):
    """The books cannot be read at all (no books directory, unreadable settings)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint
