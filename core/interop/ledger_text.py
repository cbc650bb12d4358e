"""hledger and ledger journals (the plain-text accounting family) into the neutral import form.

Supported: account declarations (with `; type:` and `; name:`), commodity / decimal-mark / D
directives, transactions (date, status, `(code)`, `payee | note`, comments and tags), postings with
amounts (symbol before or after, thousands separators, either decimal mark), one inferred amount,
`@` unit and `@@` total prices, balance assertions and assignments (`=`, `==`, `=*`, `==*`: their
amounts are worked out in core.interop.books_out), `include` (read in place through the caller's
reader), aliases, `apply account`, secondary dates, virtual postings and `P` market prices.

Anything that would change amounts and that kebir cannot represent (automated transactions that
add real postings, lot prices, value expressions) is a problem with its file:line (I001): the
import stops and writes nothing. Periodic rules (budgets) and directives that carry no amounts
(`payee`, `tag`, `year`) are listed as skipped (I020).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Callable

from core.model.errors import Problem
from core.interop.source import Parsed, Skipped, SrcAccount, SrcPosting, SrcPrice, SrcTxn

SYMBOLS = {"$": "USD", "€": "EUR", "₺": "TRY", "£": "GBP", "¥": "JPY", "TL": "TRY"}
HLEDGER_TYPES = {"A": "asset", "C": "cash", "L": "liability", "E": "equity", "R": "income", "X": "expense",
                 "V": "equity", "ASSET": "asset", "CASH": "cash", "LIABILITY": "liability", "EQUITY": "equity",
                 "REVENUE": "income", "EXPENSE": "expense"}

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_TXN_HEAD = re.compile(r"^(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?P<date2>=\S+)?\s*(?P<status>[*!])?\s*"
                       r"(?:\((?P<code>[^)]*)\))?\s*(?P<desc>.*)$")
_AMOUNT = re.compile(r"""^(?P<s1>-)?\s*(?P<lc>"[^"]+"|[^\d\s\-+.,;@=(){}"]+)?\s*(?P<s2>[-+])?\s*
                        (?P<num>\d[\d,.' ]*\d|\d)\s*(?P<rc>"[^"]+"|[^\d\s\-+.,;@=(){}"]+)?$""", re.X)
_LEAD_TAG = re.compile(r"^\s*([^\s:,]+):[ \t]*([^,]*?)\s*(?:,|$)")
_KEBIR_TAG = re.compile(r"^[A-Za-z0-9_.:/-]+$")
_UNSUPPORTED_TOP = {
    "~": "periodic transaction rule (`~`)", "=": "automated transaction rule (`=`)",
    "include": "`include` directive", "alias": "`alias` directive", "apply": "`apply` directive",
    "end": "`end apply` directive", "bucket": "`bucket` directive", "A": "`A` (default account) directive",
    "define": "`define` directive", "assert": "`assert` directive", "check": "`check` directive",
    "expr": "`expr` directive", "eval": "`eval` directive", "i": "timeclock entries",
    "o": "timeclock entries", "I": "timeclock entries", "O": "timeclock entries", "b": "timeclock entries",
    "h": "timeclock entries", "value": "`value` directive", "python": "`python` directive",
}
_HARMLESS_TOP = {"payee": "payee declaration", "tag": "tag declaration", "Y": "default year directive",
                 "year": "default year directive", "N": "ignored-commodity directive",
                 "C": "commodity equivalence directive", "--": "command-line option line"}


# (what `include` names, the file it is written in) -> the files it names, sorted, as (path, text);
# [] when there are none. The caller reads files; this module only parses.
Reader = Callable[[str, str], list[tuple[str, str]]]


def parse_ledger_text(text: str, path: str, fmt: str = "hledger", read: Reader | None = None) -> Parsed:
    """Parse an hledger or ledger journal. Problems name `path:line`; nothing is raised for bad data.
    `include FILE` reads FILE in place through `read` (problems then name the included file's lines)."""
    out = Parsed(path=path, fmt=fmt)
    st = _State()
    st.fmt = fmt
    lines = text.split("\n")
    n = len(lines)
    origin: list[tuple[str, int, tuple[str, ...]]] = [(path, k + 1, (path,)) for k in range(n)]
    i = 0
    txn: SrcTxn | None = None
    in_comment_block = False
    while i < n:
        raw = lines[i]
        i += 1
        ln = i
        line = raw.rstrip("\r")
        if in_comment_block:
            if line.strip() in ("end comment", "end test"):
                in_comment_block = False
            continue
        if not line.strip():
            txn = None
            continue
        first = line[0]
        if first in " \t":
            if txn is None:
                body = line.strip()
                if body.startswith((";", "#")):
                    continue   # an indented comment after a directive
                if out.accounts and out.accounts[-1].line == st.last_directive_line:
                    continue   # sub-directive of an account (hledger allows none that carry amounts)
                if st.last_directive_line and st.last_directive_kind in ("commodity", "account", "payee", "tag"):
                    _subdirective(line, ln, st, out)
                    continue
                out.problems.append(Problem("I002", path, ln, "an indented line outside a transaction",
                                            found=body[:60], hint="indent postings under a transaction's date "
                                            "line, or remove the leading spaces from a directive"))
                continue
            before = len(out.problems)
            _posting_or_comment(line, ln, txn, st, out)
            if len(out.problems) > before:
                txn.broken = True          # its cause is reported; no "does not balance" after it
            continue
        txn = None
        if first in ";#%|*":
            continue
        word = line.split(None, 1)[0]
        if word in ("comment", "test"):
            in_comment_block = True
            continue
        if first.isdigit():
            txn = _txn_head(line, ln, st, out)
            if txn is not None:
                out.txns.append(txn)
            continue
        if word == "account":
            _account_directive(line, ln, st, out)
        elif word == "commodity":
            _commodity_directive(line, ln, st, out)
        elif word == "decimal-mark":
            mark = line.split(None, 1)[1].strip() if len(line.split()) > 1 else ""
            if mark not in (".", ","):
                out.problems.append(Problem("I002", path, ln, "decimal-mark takes `.` or `,`", found=mark,
                                            hint="write `decimal-mark .` or `decimal-mark ,`"))
            else:
                st.mark = mark
        elif word == "D":
            amt = _amount(line[1:].strip(), st)
            if amt is None:
                out.problems.append(Problem("I002", path, ln, "D directive without a readable amount",
                                            found=line[:60], hint="write e.g. `D 1000.00 TRY`"))
            else:
                st.default_commodity = amt[1]
                out.decimals.setdefault(amt[1], amt[2])
        elif word == "P":
            _price_directive(line, ln, st, out)
        elif first == "~":           # a budget / forecast rule: listed, never posted
            out.skipped.append(Skipped(ln, f"periodic transaction rule `{line.strip()[:40]}`",
                                       "a budget or forecast, not a transaction: listed, never posted"))
            while i < n and lines[i][:1] in (" ", "\t") and lines[i].strip():
                i += 1
        elif first == "=" and _only_virtual(lines, i):
            out.skipped.append(Skipped(ln, f"automated transaction rule `{line.strip()[:40]}`",
                                       "adds only unbalanced virtual postings, which change no real balance"))
            while i < n and lines[i][:1] in (" ", "\t") and lines[i].strip():
                i += 1
        elif word in ("include", "!include") and read is not None:
            added = _include(line, ln, origin, read, out)
            lines[i:i] = [t for t, _o in added]
            origin[i:i] = [o for _t, o in added]
            n = len(lines)
        elif word == "alias" and _alias(line, ln, st, out):
            pass
        elif word == "apply" and len(line.split()) >= 3 and line.split()[1] in ("account", "tag"):
            kind, arg = line.split(None, 2)[1], _split_comment(line.split(None, 2)[2])[0].strip()
            st.apply.append((kind, arg))
            out.skipped.append(Skipped(ln, f"`apply {kind} {arg}`", "applied to what follows, up to `end apply`"))
        elif word == "end" and (len(line.split()) == 1 or line.split()[1] in ("apply", "aliases", "tag", "account")):
            # `end apply account|tag`, `end aliases`, and ledger's older `end tag`, `end account`, `end`
            if len(line.split()) > 1 and line.split()[1] == "aliases":
                st.aliases.clear()
            elif st.apply:
                st.apply.pop()
        elif word in _UNSUPPORTED_TOP or first in "~=":
            what = _UNSUPPORTED_TOP.get(word) or _UNSUPPORTED_TOP[first]
            out.problems.append(Problem("I001", path, ln, f"{what} is not supported by kebir import",
                                        found=line[:60], hint=_unsupported_hint(word if word in _UNSUPPORTED_TOP
                                                                                 else first)))
            if first in "~=":        # skip its postings: one problem per rule, not per line
                while i < n and lines[i][:1] in (" ", "\t") and lines[i].strip():
                    i += 1
        elif word in _HARMLESS_TOP:
            out.skipped.append(Skipped(ln, _HARMLESS_TOP[word], "carries no amounts"))
            st.last_directive_line, st.last_directive_kind = ln, word
        else:
            out.problems.append(Problem("I002", path, ln, f"cannot read this line (`{word}`)", found=line[:60],
                                        hint="start a transaction with its date (YYYY-MM-DD), or use a "
                                        "directive kebir knows: account, commodity, decimal-mark, D, P"))
    if st.had_virtual:
        txns = []
        for t in out.txns:
            if t.postings or t.unposted or id(t) not in st.had_virtual or t.broken:
                txns.append(t)    # (one with `[balanced]` virtual postings only becomes their entry below)
            vp = st.virtual.get(id(t))
            if vp:
                txns.append(SrcTxn(t.date, vp[0].line, vp, description=t.description, payee=t.payee,
                                   memo=f"{t.memo or t.description} [balanced virtual postings]".strip(),
                                   tags=t.tags + ("virtual",), broken=t.broken))
        out.txns = txns
    empty = [t for t in out.txns if not t.postings and not t.unposted and not t.broken
             and t.description != "(unreadable)"]
    if empty:              # hledger and ledger accept a transaction without postings: it carries no amounts
        out.skipped += [Skipped(t.line, f"transaction without postings `{t.description[:40]}`", "carries no amounts")
                        for t in empty]
        gone = {id(t) for t in empty}
        out.txns = [t for t in out.txns if id(t) not in gone]
    for t in out.txns:
        _check_postings(t, path, out)
    if len(origin) != len(text.split("\n")):
        out.origin = [(f, k) for f, k, _chain in origin]       # books_out moves problems to their file
    return out


def _include(line: str, ln: int, origin: list[tuple[str, int, tuple[str, ...]]], read: Reader,
             out: Parsed) -> list[tuple[str, tuple[str, int, tuple[str, ...]]]]:
    """The lines of the files `include FILE` names, each with where it came from (hledger and ledger
    read them in place, relative to the including file, with globs)."""
    where, _line, chain = origin[ln - 1]
    arg = _split_comment(line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else "")[0].strip()
    if not arg:
        out.problems.append(Problem("I002", out.path, ln, "include without a file name",
                                    hint="write `include other.journal`"))
        return []
    files = read(arg, where)
    if not files:
        out.problems.append(Problem("I002", out.path, ln, f"the included file {arg} cannot be read", found=arg,
                                    hint="write its path relative to this file, or import the files one by one"))
        return []
    added: list[tuple[str, tuple[str, int, tuple[str, ...]]]] = []
    for f, text in files:
        if f in chain or len(chain) > 32:
            out.problems.append(Problem("I002", out.path, ln, f"{f} includes itself (through {' -> '.join(chain)})",
                                        found=arg, hint="remove the include that closes the circle"))
            continue
        body = text.split("\n")
        added += [(t, (f, k + 1, chain + (f,))) for k, t in enumerate(body)]
        added.append(("", (f, len(body), chain + (f,))))      # a transaction ends with its file
    out.skipped.append(Skipped(ln, f"include {arg}", f"read in place: {len(files)} file(s) imported with this one"))
    return added


def _only_virtual(lines: list[str], i: int) -> bool:
    """Whether the automated rule whose postings start at lines[i] has only `(unbalanced)` ones."""
    seen = False
    while i < len(lines) and lines[i][:1] in (" ", "\t") and lines[i].strip():
        s = lines[i].strip()
        if not s.startswith((";", "#")):
            if not s.startswith("("):
                return False
            seen = True
        i += 1
    return seen


def _alias(line: str, ln: int, st: _State, out: Parsed) -> bool:
    """`alias OLD = NEW` (OLD and its sub-accounts) or `alias /REGEX/ = REPLACEMENT`, as hledger reads them."""
    body = _split_comment(line[len("alias"):])[0].strip()
    old, eq, new = body.partition("=")
    old, new = old.strip(), new.strip()
    if not eq or not old:
        out.problems.append(Problem("I002", out.path, ln, "cannot read the alias", found=line[:60],
                                    hint="write `alias OLD = NEW` or `alias /REGEX/ = REPLACEMENT`"))
        return True
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        try:
            st.aliases.append((re.compile(old[1:-1], re.I), re.sub(r"\\(\d)", r"\\g<\1>", new)))
        except re.error as exc:
            out.problems.append(Problem("I002", out.path, ln, f"bad regular expression in alias: {exc}",
                                        found=old, hint="fix the pattern"))
    else:
        st.aliases.append((old, new))
    out.skipped.append(Skipped(ln, f"alias {old} = {new}", "applied to the account names that follow"))
    return True


def _account_name(name: str, st: _State) -> str:
    """An account as written, with `apply account` prefixes and aliases applied (hledger's order)."""
    for kind, prefix in reversed(st.apply):
        if kind == "account":
            name = f"{prefix}:{name}"
    # hledger: the most recent alias first, OLD matches sub-accounts too; ledger: whole names only
    for old, new in (st.aliases if st.fmt == "ledger" else reversed(st.aliases)):
        if isinstance(old, str):
            if name == old or (st.fmt != "ledger" and name.startswith(old + ":")):
                name = new + name[len(old):]
        else:
            name = old.sub(new, name)
    return name


class _State:
    __slots__ = ("mark", "default_commodity", "commodity_marks", "last_directive_line", "last_directive_kind",
                 "aliases", "apply", "virtual", "fmt", "had_virtual")

    def __init__(self) -> None:
        self.mark = ""                 # "" = infer per number
        self.default_commodity: str | None = None
        self.commodity_marks: dict[str, str] = {}
        self.last_directive_line = 0
        self.last_directive_kind = ""
        self.aliases: list[tuple[re.Pattern[str] | str, str]] = []    # in the order written
        self.apply: list[tuple[str, str]] = []                         # ("account", PREFIX) / ("tag", TAG)
        self.virtual: dict[int, list[SrcPosting]] = {}                 # id(txn) -> its `[balanced]` postings
        self.fmt = "hledger"
        self.had_virtual: set[int] = set()                             # id(txn) with virtual postings


def _unsupported_hint(word: str) -> str:
    if word == "~":
        return "generate the transactions first (hledger print --forecast), or remove the rule"
    if word == "=":
        return ("apply the rule first with the tool that reads this journal (`ledger print > expanded.ledger` "
                "for ledger, `hledger print --auto > expanded.journal` for hledger: they apply rules "
                "differently), then import that file")
    if word == "include":
        return "import each included file on its own, or concatenate them first"
    if word == "alias":
        return "apply the aliases first (hledger print > flat.journal), or map accounts with --map"
    return "rewrite the journal without it (hledger print often does), then import again"


def _parse_date(text: str) -> date | None:
    m = _DATE.match(text)
    if not m or m.end() != len(text):
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _split_comment(text: str) -> tuple[str, str | None]:
    """`body ; comment` -> (body, comment); `;` inside a quoted commodity is not a comment."""
    if '"' not in text:
        k = text.find(";")
        return (text, None) if k < 0 else (text[:k], text[k + 1:].strip())
    quoted = False
    for k, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == ";" and not quoted:
            return text[:k], text[k + 1:].strip()
    return text, None


def _comment_fields(comment: str) -> tuple[dict[str, str], list[str], list[str]]:
    """A comment as (known key:value fields, tags, memo parts). hledger tags are `name:value` up to a
    comma; ledger tags are `:a:b:`. Text that is neither stays as the memo."""
    fields: dict[str, str] = {}
    tags: list[str] = []
    memo: list[str] = []
    c = comment.strip()
    if re.fullmatch(r":(?:[^\s:]+:)+", c):
        return fields, [t for t in c.strip(":").split(":") if t], memo
    rest = c
    while rest:                      # leading `name:value` tags, up to the first text that is not one
        if rest.lstrip().startswith("memo:"):      # kebir's own: the memo, verbatim to the end
            fields["memo"] = rest.lstrip()[5:].strip()
            rest = ""
            break
        m = _LEAD_TAG.match(rest)
        if m is None:
            break
        key, value = m[1], m[2].strip()
        if key in ("contact", "rate", "source", "payee", "type", "name", "code", "memo", "kebir-type", "revalues"):
            fields[key] = value
        else:
            tag = f"{key}:{value}" if value else key
            if not _KEBIR_TAG.match(tag):
                break
            tags.append(tag)
        rest = rest[m.end():]
    if rest.strip():
        memo.append(rest.strip())
    return fields, tags, memo


def _txn_head(line: str, ln: int, st: _State, out: Parsed) -> SrcTxn | None:
    body, comment = _split_comment(line)
    m = _TXN_HEAD.match(body.rstrip())
    d = _parse_date(m["date"]) if m else None
    if m is None or d is None:
        out.problems.append(Problem("I002", out.path, ln, "cannot read the transaction's date",
                                    found=line[:60], hint="write the date as YYYY-MM-DD (or YYYY/MM/DD)"))
        return SrcTxn(date(1970, 1, 1), ln, [], description="(unreadable)")
    desc = m["desc"].strip()
    txn = SrcTxn(d, ln, [], code=(m["code"] or "").strip() or None, description=desc)
    if m["date2"]:       # hledger and ledger report by the primary date unless asked: kept as a tag
        d2 = _parse_date(m["date2"][1:]) or _parse_date(f"{d.year}-{m['date2'][1:]}")
        if d2 is None:
            out.problems.append(Problem("I002", out.path, ln, "cannot read the secondary date",
                                        found=m["date2"], hint="write it as `DATE=YYYY-MM-DD`"))
            txn.broken = True
        else:
            txn.tags += (f"date2:{d2.isoformat()}",)
    if " | " in desc:
        payee, _, note = desc.partition(" | ")
        txn.payee, txn.memo = payee.strip(), note.strip()
    else:
        txn.memo = desc or None
    if comment:
        _apply_txn_comment(txn, comment)
    for kind, tag in st.apply:
        if kind == "tag":
            t = tag.replace(": ", ":").strip().rstrip(":")
            if _KEBIR_TAG.match(t):
                txn.tags += (t,)
    return txn


def _apply_txn_comment(txn: SrcTxn, comment: str) -> None:
    fields, tags, memo = _comment_fields(comment)
    if "source" in fields:
        txn.source_doc = fields.pop("source")
    if "payee" in fields:
        txn.payee_id = fields.pop("payee")
    for k, v in fields.items():
        tags.append(f"{k}:{v}" if v else k)
    txn.tags = txn.tags + tuple(t for t in tags if _KEBIR_TAG.match(t))
    if memo:
        extra = ", ".join(memo)
        txn.memo = f"{txn.memo} ({extra})" if txn.memo else extra


def _posting_or_comment(line: str, ln: int, txn: SrcTxn, st: _State, out: Parsed) -> None:
    s = line.strip()
    if s[0] in ";#":
        comment = s[1:].strip()
        if txn.postings:
            p = txn.postings[-1]
            _apply_posting_comment(p, comment)
        else:
            _apply_txn_comment(txn, comment)
        return
    if s[0] in "*!" and len(s) > 1 and s[1] in " \t":
        s = s[1:].lstrip()
    body, comment = _split_comment(s)
    parts = re.split(r"\t|  +", body.strip(), maxsplit=1)
    account = parts[0].strip()
    rest = parts[1].strip() if len(parts) > 1 else ""
    virtual = ""
    if account[:1] in "([" and account[-1:] == {"(": ")", "[": "]"}[account[0]]:
        virtual, account = account[0], account[1:-1].strip()
    p = SrcPosting(account=_account_name(account, st), line=ln)
    if rest:
        _posting_amount(rest, p, ln, st, out)
    if comment:
        _apply_posting_comment(p, comment)
    if virtual:
        st.had_virtual.add(id(txn))
    if virtual == "(":           # unbalanced virtual: listed, not posted (compare with `--real`)
        amount = f"{p.amount} {p.commodity or ''}".strip() if p.amount is not None else "no amount"
        out.skipped.append(Skipped(ln, f"virtual posting ({p.account}) {amount}",
                                   "unbalanced virtual postings change no real balance (hledger --real)"))
        txn.unposted.append(p)
        return
    if virtual == "[":           # balanced virtual: an entry of its own, which must balance by itself
        st.virtual.setdefault(id(txn), []).append(p)
        return
    txn.postings.append(p)


def _apply_posting_comment(p: SrcPosting, comment: str) -> None:
    fields, tags, memo = _comment_fields(comment)
    p.contact = fields.pop("contact", p.contact)
    p.rate = fields.pop("rate", p.rate)
    p.revalues = fields.pop("revalues", p.revalues) or None
    if "memo" in fields:
        memo.insert(0, fields.pop("memo"))
    for k, v in fields.items():
        t = f"{k}:{v}" if v else k
        if _KEBIR_TAG.match(t):
            tags.append(t)
    p.tags = p.tags + tuple(tags)
    if memo:
        text = ", ".join(memo)
        p.memo = f"{p.memo}, {text}" if p.memo else text


def _posting_amount(rest: str, p: SrcPosting, ln: int, st: _State, out: Parsed) -> None:
    path = out.path
    if "{" in rest:
        out.problems.append(Problem("I001", path, ln, "a lot price or cost basis (`{...}`) is not supported by "
                                    "kebir import", found=rest[:60], hint="write the cost as `@@ TOTAL` in the "
                                    "base currency, or keep investment lots in another tool"))
        return
    if rest.startswith("(") or " (" in rest:
        out.problems.append(Problem("I001", path, ln, "a value expression is not supported by kebir import",
                                    found=rest[:60], hint="write the computed amount instead"))
        return
    assertion = None
    for op in ("==*", "=*", "==", "="):
        k = rest.find(op)
        if k >= 0:
            p.assert_op = op
            assertion = rest[k + len(op):].strip()
            rest = rest[:k].strip()
            break
    cost_text, total = None, False
    if "@@" in rest:
        rest, cost_text = (x.strip() for x in rest.split("@@", 1))
        total = True
    elif "@" in rest:
        rest, cost_text = (x.strip() for x in rest.split("@", 1))
    if rest:
        amt = _amount(rest, st)
        if amt is None:
            out.problems.append(Problem("I002", path, ln, "cannot read the posting's amount", found=rest[:60],
                                        hint="write e.g. `-1,234.50 TRY`, `TRY -1234.50` or `$12.00`"))
            return
        p.amount, p.commodity = amt[0], amt[1]
    elif assertion is not None:
        if cost_text is not None:
            out.problems.append(Problem("I001", path, ln, "a balance assignment with a price (`= AMOUNT @ PRICE` "
                                        "and no amount) is not supported by kebir import", found=rest[:60],
                                        hint="write the posting's amount and price; keep `= BALANCE` after it"))
            return
        p.assign = True          # the amount is worked out on import, in the order the tool checks balances
    if cost_text is not None:
        c = _amount(cost_text, st)
        if c is None or p.amount is None:
            out.problems.append(Problem("I002", path, ln, "cannot read the price after `@`", found=cost_text[:60],
                                        hint="write e.g. `@@ 44550.00 TRY` (total) or `@ 37.125 TRY` (per unit)"))
            return
        value, cur = c[0], c[1]
        if total:
            p.cost = abs(value) if p.amount >= 0 else -abs(value)
        else:
            p.cost = p.amount * value
            p.unit_price = _plain(value)
        p.cost_commodity = cur
    if assertion is not None:
        assertion = assertion.split("@")[0].strip()       # a cost after the asserted amount checks nothing more
        a = _amount(assertion, st)
        if a is None:
            out.problems.append(Problem("I002", path, ln, "cannot read the balance assertion's amount",
                                        found=assertion[:60], hint="write e.g. `= 1000.00 TRY`"))
            return
        p.assertion = (a[0], a[1])


def _plain(d: Decimal) -> str:
    s = format(d, "f")
    return s


def _amount(text: str, st: _State) -> tuple[Decimal, str, int] | None:
    """`-1.234,50 EUR`, `$12`, `TRY -5` -> (Decimal, commodity, decimals written)."""
    m = _AMOUNT.match(text.strip())
    if not m or (m["lc"] and m["rc"]):
        return None
    sym = (m["lc"] or m["rc"] or "").strip('"')
    commodity = SYMBOLS.get(sym, sym) or st.default_commodity or ""
    num = m["num"].replace(" ", "").replace("'", "")
    mark = st.commodity_marks.get(commodity) or st.mark
    if not mark:
        if "," in num and "." in num:
            mark = "," if num.rfind(",") > num.rfind(".") else "."
        elif "," in num and not re.fullmatch(r"\d{1,3}(,\d{3})+", num):
            mark = ","
        else:
            mark = "."
    other = "," if mark == "." else "."
    if num.count(mark) > 1:
        return None
    num = num.replace(other, "").replace(mark, ".")
    try:
        value = Decimal(num)
    except InvalidOperation:
        return None
    if (m["s1"] is not None) != (m["s2"] == "-"):
        value = -value
    decs = len(num.partition(".")[2])
    return value, commodity, decs


def _account_directive(line: str, ln: int, st: _State, out: Parsed) -> None:
    body, comment = _split_comment(line[len("account"):])
    name = re.split(r"\t|  +", body.strip(), maxsplit=1)[0].strip()
    typ = label = code = None
    if comment:
        fields, _tags, _memo = _comment_fields(comment)
        t = fields.get("type", "").strip().upper()
        typ = fields.get("kebir-type") or HLEDGER_TYPES.get(t)
        label = fields.get("name") or None
        code = fields.get("code") or None
        if t and typ is None:
            out.problems.append(Problem("I002", out.path, ln, f"unknown account type `{t}`", found=t,
                                        hint="use one of A, L, E, R, X, C (or Asset, Liability, ...)"))
    if not name:
        out.problems.append(Problem("I002", out.path, ln, "account directive without a name",
                                    hint="write `account assets:bank`"))
        return
    out.accounts.append(SrcAccount(_account_name(name, st), ln, typ, label, code))
    st.last_directive_line, st.last_directive_kind = ln, "account"


def _commodity_directive(line: str, ln: int, st: _State, out: Parsed) -> None:
    """`commodity 1.000,00 EUR` sets EUR's decimal mark and decimals; `commodity EUR` declares it."""
    arg = _split_comment(line[len("commodity"):])[0].strip()
    st.last_directive_line, st.last_directive_kind = ln, "commodity"
    m = re.search(r"\d[\d.,' ]*\d|\d", arg)
    if m is None:
        if arg:
            out.decimals.setdefault(SYMBOLS.get(arg.strip('"'), arg.strip('"')), -1)
        return
    num = m[0].strip()
    sym = (arg[:m.start()] + " " + arg[m.end():]).replace("-", " ").strip().strip('"')
    cur = SYMBOLS.get(sym, sym) or st.default_commodity or ""
    seps = [c for c in num if c in ".,"]
    if not seps:
        out.decimals[cur] = 0
        return
    mark = seps[-1] if (len(set(seps)) == 2 or len(seps) == 1) else ("," if seps[0] == "." else ".")
    st.commodity_marks[cur] = mark
    out.decimals[cur] = len(num.rpartition(mark)[2]) if mark in num else 0


def _subdirective(line: str, ln: int, st: _State, out: Parsed) -> None:
    s = line.strip()
    if st.last_directive_kind == "commodity" and s.startswith("format"):
        _commodity_directive("commodity " + s[len("format"):], ln, st, out)


def _price_directive(line: str, ln: int, st: _State, out: Parsed) -> None:
    # `P DATE [TIME] SYMBOL PRICE`: ledger allows a time of day; a quoted symbol may hold spaces
    m = re.match(r'^P\s+(\S+)(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+("[^"]+"|\S+)\s+(.+)$',
                 _split_comment(line)[0].strip())
    parts = ["P", m[1], m[2], m[3]] if m else _split_comment(line)[0].split(None, 3)
    d = _parse_date(parts[1]) if len(parts) > 1 else None
    if len(parts) < 4 or d is None:
        out.problems.append(Problem("I002", out.path, ln, "cannot read the market price", found=line[:60],
                                    hint="write `P 2025-01-02 EUR 36.7512 TRY`"))
        return
    amt = _amount(parts[3], st)
    if amt is None:
        out.problems.append(Problem("I002", out.path, ln, "cannot read the market price's amount",
                                    found=parts[3][:60], hint="write `P 2025-01-02 EUR 36.7512 TRY`"))
        return
    commodity = SYMBOLS.get(parts[2].strip('"'), parts[2].strip('"'))
    out.prices.append(SrcPrice(d, commodity, _plain(amt[0]), amt[1], ln))


def _check_postings(t: SrcTxn, path: str, out: Parsed) -> None:
    if t.broken or (t.unposted and not t.postings):    # virtual postings only: counted, listed, no entry
        return
    if len(t.postings) < 2 and not any(p.line for p in t.postings if p.amount is None):
        if t.description != "(unreadable)":
            out.problems.append(Problem("I004", path, t.line, f"transaction has {len(t.postings)} posting(s); kebir "
                                        "entries need at least two", hint="add the balancing posting"))
