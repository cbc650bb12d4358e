"""The neutral form every journal importer produces: accounts, transactions, prices, what was skipped.

Amounts are `Decimal` as written in the source (never float). A posting's `cost` is its value in
`cost_commodity` (hledger/ledger `@@`, or `@` times the amount); lines are 1-based source lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from core.model.errors import Problem


@dataclass(frozen=True, slots=True)
class SrcAccount:
    name: str                      # the source's full account name, e.g. assets:bank:checking
    line: int
    type: str | None = None        # kebir type (asset, cash, bank, liability, equity, income, expense)
    label: str | None = None       # a human name, e.g. from `; name: ...`
    code: str | None = None        # an explicit kebir code (beancount `code:` metadata)


@dataclass(slots=True)
class SrcPosting:
    account: str
    line: int
    amount: Decimal | None = None
    commodity: str | None = None
    cost: Decimal | None = None          # total value in cost_commodity, same sign as amount
    cost_commodity: str | None = None
    unit_price: str | None = None        # as written after `@` (becomes kebir's `rate`)
    assertion: tuple[Decimal, str] | None = None
    assert_op: str = "="                 # `=`, `==` (the only commodity), `=*`, `==*` (sub-accounts included)
    assign: bool = False                 # a balance assignment: the amount is what makes `assertion` true
    contact: str | None = None
    rate: str | None = None
    memo: str | None = None
    tags: tuple[str, ...] = ()
    revalues: str | None = None          # `revalues:EUR`: a base-currency amount that revalues an EUR balance


@dataclass(slots=True)
class SrcTxn:
    date: date
    line: int
    postings: list[SrcPosting]
    code: str | None = None
    description: str = ""
    payee: str | None = None             # a payee name (beancount payee, hledger `payee | note`)
    payee_id: str | None = None          # a contact id given as `payee:` metadata
    memo: str | None = None
    source_doc: str | None = None
    tags: tuple[str, ...] = ()
    broken: bool = False                 # a problem was reported on it already: no follow-on problems
    # unbalanced virtual postings `(a)`: never posted, but hledger and ledger count them in the
    # balance assertions that follow, so the import does too
    unposted: list[SrcPosting] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SrcPrice:
    date: date
    commodity: str
    price: str
    quote: str
    line: int


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    what: str
    why: str


@dataclass
class Parsed:
    path: str                                   # the source path as given (for messages)
    fmt: str
    accounts: list[SrcAccount] = field(default_factory=list)
    txns: list[SrcTxn] = field(default_factory=list)
    prices: list[SrcPrice] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    decimals: dict[str, int] = field(default_factory=dict)   # commodity -> decimals seen in directives
    # with `include`: the included files' lines are read in place, and line k of the whole is
    # origin[k - 1] = (file, line in it); None when the journal includes nothing
    origin: list[tuple[str, int]] | None = None

    def where(self, line: int) -> tuple[str, int]:
        """The file and line a line of the whole journal came from."""
        if self.origin is None or not 1 <= line <= len(self.origin):
            return self.path, line
        return self.origin[line - 1]

    def located(self, problems: list[Problem]) -> list[Problem]:
        """Problems found at lines of the whole journal, moved to the file and line they came from."""
        if self.origin is None:
            return problems
        out = []
        for p in problems:
            if p.path == self.path:
                f, ln = self.where(p.line)
                p = replace(p, path=f, line=ln)
            out.append(p)
        return out
