"""Beancount files into the neutral import form, read by beancount's own loader.

The loader does the parsing, booking, interpolation of missing amounts and the balance checks, so
what kebir imports is what `bean-check` accepts; its errors become I002/I003 problems at their
file:line. Open directives give accounts (a `code:` and `name:` metadata pair, as `kebir export
beancount` writes, is used as is); transactions give entries with payee, narration, tags and the
`id`, `source`, `payee_id`, `contact`, `rate`, `memo` metadata; prices in the base currency give
rates. Lots held at cost and pad directives change amounts in ways kebir does not model: I001,
except a pad from the opening-balances equity account (`Equity:Opening-Balances`), whose padding
transaction is imported as an opening entry (core/ledger/opening.py).
Notes, documents, events, queries and custom directives carry no amounts: skipped (I020).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.model.errors import Problem
from core.interop.account_map import ROOT_TYPES
from core.ledger.opening import is_opening_account
from core.interop.source import Parsed, Skipped, SrcAccount, SrcPosting, SrcPrice, SrcTxn


def parse_beancount(path: Path) -> Parsed:
    from beancount import loader
    from beancount.core import data

    entries, errors, _options = loader.load_file(str(path))
    shown = str(path)
    out = Parsed(path=shown, fmt="beancount")
    for err in errors:
        meta = getattr(err, "source", None) or {}
        line = int(meta.get("lineno") or 1)
        msg = str(getattr(err, "message", err)).splitlines()[0]
        code = "I003" if "balance" in msg.lower() and "fail" in msg.lower() else "I002"
        out.problems.append(Problem(code, shown, line, f"beancount: {msg}", hint="bean-check shows the same "
                                    "error; fix the file so bean-check accepts it, then import again"))
    own = str(path.resolve())
    for e in entries:
        meta = e.meta or {}
        line = int(meta.get("lineno") or 0)
        fname = meta.get("filename")
        if fname and fname != own and not str(fname).startswith("<"):
            if isinstance(e, data.Transaction) or isinstance(e, data.Open):
                pass      # included files are read too; their lines name the main file's include
        if isinstance(e, data.Open):
            root = e.account.split(":", 1)[0].lower()
            out.accounts.append(SrcAccount(e.account, line, meta.get("type") or ROOT_TYPES.get(root), meta.get("name"),
                                           meta.get("code")))
        elif isinstance(e, data.Transaction):
            if e.flag == "P" and not any(is_opening_account(p.account) for p in e.postings):
                out.problems.append(Problem("I001", shown, line, "a pad directive's transaction is not supported "
                                            "by kebir import", hint="write the padding entry explicitly"))
                continue
            txn = SrcTxn(e.date, line, [], code=meta.get("id"), description=e.narration or "",
                         payee=e.payee or None, payee_id=meta.get("payee_id"), memo=e.narration or None,
                         source_doc=meta.get("source"))
            tags = meta.get("tags")
            txn.tags = tuple(t for t in str(tags).split(",") if t) if tags else tuple(sorted(e.tags or ()))
            if e.links:
                txn.tags += tuple(f"link:{x}" for x in sorted(e.links))
            for p in e.postings:
                pm = p.meta or {}
                pl_ = int(pm.get("lineno") or line)
                if p.cost is not None:
                    out.problems.append(Problem("I001", shown, pl_, f"a lot held at cost ({p.account} {{...}}) is "
                                                "not supported by kebir import", hint="write its value as "
                                                "`@@ TOTAL` in the base currency, or keep lots in beancount"))
                    txn.broken = True
                    continue
                sp = SrcPosting(account=p.account, line=pl_, amount=p.units.number, commodity=p.units.currency,
                                contact=pm.get("contact"), rate=pm.get("rate"), memo=pm.get("memo"),
                                revalues=pm.get("revalues"))
                ptags = pm.get("tags")
                if ptags:
                    sp.tags = tuple(t for t in str(ptags).split(",") if t)
                if p.price is not None:
                    sp.cost = (p.units.number * p.price.number)
                    sp.cost_commodity = p.price.currency
                txn.postings.append(sp)
            out.txns.append(txn)
        elif isinstance(e, data.Price):
            out.prices.append(SrcPrice(e.date, e.currency, format(Decimal(e.amount.number), "f"),
                                       e.amount.currency, line))
        elif isinstance(e, data.Pad) and is_opening_account(e.source_account):
            out.skipped.append(Skipped(line, "pad directive", "its padding transaction is imported as an opening "
                                       "entry"))
        elif isinstance(e, data.Pad):
            out.problems.append(Problem("I001", shown, line, "a pad directive is not supported by kebir import",
                                        hint="write the opening or correcting entry explicitly"))
        elif isinstance(e, (data.Balance, data.Commodity, data.Close)):
            what = type(e).__name__.lower()
            why = {"balance": "checked by beancount's loader before import",
                   "commodity": "kebir's currencies are in books.toml",
                   "close": "set `closed:` on the account in accounts.yaml"}[what]
            out.skipped.append(Skipped(line, f"{what} directive", why))
        else:
            out.skipped.append(Skipped(line, f"{type(e).__name__.lower()} directive", "carries no amounts"))
    return out
