"""The books as a beancount file, for Fava, bean-query and bean-check.

Accounts are the names they were imported from where beancount can spell them
(`Assets:US:ETrade:VEA`), else `Root:<chain of codes>` (`Assets:1:10:102:102-01`: beancount names
allow no dots, so `.` becomes `-`), opened on the first day of the books with their code and name as metadata; the
root follows the kebir type (cash and bank are Assets). Foreign-currency postings carry their
base value as a total price (`@@`), so `sum(weight)` in bean-query equals kebir's base balances
exactly; a revaluation leg (no foreign amount, a base value only) is that base value in the base
currency on the same account, with `revalues: "EUR"` metadata (`export_hledger.revalue_leg`). Entry ids, sources, \
contacts and rates ride along as metadata, payees are contact names
(with the id as `payee_id`). `kebir import journal --from beancount` reads it all back.
Output is deterministic: directives by date and id.
"""

from __future__ import annotations

import re


from core.interop.export_hledger import (account_path, entries_with_postings, ledger_in, rates_in, revalue_leg,
                                 source_names)
from core.model.records import Book
from core.model.money import fmt_minor
from core.ledger.period import Span

ROOTS = {"asset": "Assets", "cash": "Assets", "bank": "Assets", "liability": "Liabilities", "equity": "Equity",
         "income": "Income", "expense": "Expenses"}
_COMPONENT = re.compile(r"^[A-Z0-9][A-Za-z0-9-]*$")
_TAG = re.compile(r"[^A-Za-z0-9_/.-]")


def component(code: str) -> str:
    """A kebir code as a beancount account component (`102.01` -> `102-01`)."""
    c = code.replace(".", "-")
    if _COMPONENT.match(c):
        return c
    c = re.sub(r"[^A-Za-z0-9-]", "-", c)
    return "X" + c if not c[:1].isalnum() or not (c[0].isupper() or c[0].isdigit()) else c


def bean_account(book: Book, code: str, imported: dict[str, str] | None = None) -> str:
    """`Root:<chain of codes>`, or the name the account was imported from when beancount can
    spell it as it is (`Assets:US:ETrade:VEA`; the root follows the kebir type; beancount 3.2 takes
    no name part that starts with a letter outside ASCII, so `資産:現金` stays a chain of codes)."""
    acc = book.accounts.get(code)
    root = ROOTS.get(acc.type if acc else "", "Assets")
    name = (imported or {}).get(code)
    if name:
        parts = name.split(":")
        if parts[0] == root:
            parts = parts[1:]
        if parts and all(_COMPONENT.match(p) for p in parts):
            return root + ":" + ":".join(parts)
    return root + ":" + ":".join(component(c) for c in account_path(book, code).split(":"))


def bean_accounts(book: Book) -> dict[str, str]:
    """Code -> beancount account for the whole chart; a name two codes would share falls back to the
    chain of codes for both."""
    imported = source_names(book)
    names = {code: bean_account(book, code, imported) for code in book.accounts}
    seen: dict[str, int] = {}
    for n in names.values():
        seen[n] = seen.get(n, 0) + 1
    own = {code for code in names if imported.get(code) and code != imported.get(code) and
           imported.get(code.rpartition(".")[0]) == imported[code]}      # `X.own` is written as X
    for code in own:
        seen[names[code]] -= 1
    return {code: (n if seen[n] == 1 or code in own else bean_account(book, code)) for code, n in names.items()}


def _q(text: str | None) -> str:
    return '"' + (text or "").replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def export_beancount(book: Book, span: Span = Span()) -> str:
    base = book.base
    bdec = book.settings.base_decimals
    decs = dict(book.settings.currencies)
    p, e = ledger_in(book, span)
    first = min([d for d in (book.ledger()["date"].min(), book.rates["date"].min() if not book.rates.is_empty()
                             else None) if d is not None], default=None)
    opened = first.isoformat() if first else "1970-01-01"
    out = [f"; {book.settings.name}: exported by kebir (base currency {base})",
           f"option \"title\" {_q(book.settings.name)}", f"option \"operating_currency\" \"{base}\"",
           # `@@ TOTAL` becomes a per-unit price with 28 digits; the tiny tolerance absorbs that division
           # only (kebir entries balance exactly in the base currency).
           f"option \"inferred_tolerance_default\" \"{base}:0.000000001\"", ""]
    for cur, _dec in book.settings.currencies:
        out.append(f"{opened} commodity {cur}")
    out.append("")
    names = bean_accounts(book)
    opens: set[str] = set()
    for code in sorted(book.accounts):
        a = book.accounts[code]
        if names[code] in opens:
            continue          # `X.own` is written as X, opened once
        opens.add(names[code])
        out.append(f"{opened} open {names[code]}")
        out.append(f"  code: {_q(code)}")
        out.append(f"  name: {_q(a.name)}")
        if a.type != {"Assets": "asset", "Liabilities": "liability", "Equity": "equity", "Income": "income",
                      "Expenses": "expense"}[ROOTS[a.type]]:
            out.append(f"  type: {_q(a.type)}")            # cash and bank live under Assets
    out.append("")
    if not book.rates.is_empty():
        out += [f"{d} price {cur} {rate} {base}" for d, cur, rate in rates_in(book, span)]
        out.append("")
    for eid, d, memo, payee, source, tags, legs in entries_with_postings(p, e):
        who = book.contacts[payee].name if payee in book.contacts else None
        tag_text = "".join(f" #{_TAG.sub('-', t)}" for t in (tags or "").split(",") if t)
        head = f"{d} * {_q(who)} {_q(memo)}" if who else f"{d} * {_q(memo)}"
        out.append(head + tag_text)
        out.append(f"  id: {_q(eid)}")
        if source:
            out.append(f"  source: {_q(source)}")
        if who:
            out.append(f"  payee_id: {_q(payee)}")
        if tags:
            out.append(f"  tags: {_q(tags)}")
        for acc, cur, amt, bse, contact, pmemo, rate, ptags in zip(*legs):
            revalues = revalue_leg(cur, amt, bse, base)
            if revalues:
                line = f"  {names.get(acc, acc)}  {fmt_minor(bse, bdec)} {base}"
            else:
                line = f"  {names.get(acc, acc)}  {fmt_minor(amt, decs.get(cur, bdec))} {cur}"
                if cur != base:
                    line += f" @@ {fmt_minor(abs(bse), bdec)} {base}"
            out.append(line)
            if revalues:
                out.append(f"    revalues: {_q(cur)}")
            if contact:
                out.append(f"    contact: {_q(contact)}")
            if rate and cur != base:
                out.append(f"    rate: {_q(rate)}")
            if pmemo:
                out.append(f"    memo: {_q(pmemo)}")
            if ptags:
                out.append(f"    tags: {_q(ptags)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
