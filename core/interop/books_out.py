"""Neutral imported transactions -> kebir records for one books directory, with the manifest.

Accounts: codes for the source's account names come from core.interop.account_map (a `--map`
rule, an explicit code, the chain form `kebir export journal` writes, or the name itself).
Accounts not yet in the chart are appended to accounts.yaml, typed from the source's declaration
or its top-level name (assets, liabilities, equity, income/revenue, expenses).

Entries go to `journals/YYYY/YYYY-MM.<label>.yaml` (new files: importing only appends), market
prices in the base currency to `rates/<label>.csv`, the manifest to `imports/<label>.manifest.yaml`.
An entry id already in the books is a duplicate and is skipped, so the same journal imported
twice adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from core.books import store
from core.books.parse import parse_journal_yaml
from core.model.errors import Problem
from core.interop import manifest as mf
from core.interop.account_map import (
    _CODE, ROOT_TYPES, Mapping, _append_accounts, _code_collisions, code_for, _group_codes, _inherited_type,
)
from core.ledger.opening import OPENING_TAG, looks_like_opening
from core.interop.source import Parsed, SrcPosting, SrcTxn
from core.model import progress
from core.model.money import fmt_minor
from core.model.records import Book


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class Plan:
    """What an import would write: files (rel -> text, the manifest last) and the problems found."""

    files: dict[str, str]
    manifest: mf.Manifest | None
    problems: list[Problem]
    summary: str
    # entry id -> source line, or (file, line) where the journal includes files (to translate problems)
    sources: dict[str, int] | dict[str, tuple[str, int]] = field(default_factory=dict)


def build_journal_import(parsed: Parsed, book: Book, mapping: Mapping, label: str, data: bytes) -> Plan:
    """Turn a parsed journal into the files of a kebir import (nothing is written here)."""
    path = parsed.path
    problems = list(parsed.problems)
    problems += [Problem("I020", path, s.line, f"{s.what} skipped: {s.why}", hint="nothing to do: it is listed "
                         "in the manifest's `skipped`") for s in parsed.skipped]
    base = book.base
    decs = dict(book.settings.currencies)
    bdec = decs.get(base, 2)
    rounding = book.settings.role("rounding")

    # --- accounts
    declared = {a.name: a for a in parsed.accounts}
    used: dict[str, int] = {}
    for t in parsed.txns:
        for p in t.postings:
            used.setdefault(p.account, p.line)
    codes: dict[str, str] = {}
    for name in list(declared) + [n for n in used if n not in declared]:
        acc = declared.get(name)
        code = code_for(name, mapping, acc.code if acc else None)
        if not _CODE.match(code):
            problems.append(Problem("I005", path, (acc.line if acc else used[name]), f"account {name} maps to "
                                    f"`{code}`, which is not a kebir account code", found=code,
                                    hint="map it to a code with --map (accounts: - {from: NAME, to: CODE})"))
        codes[name] = code
    new_accounts: dict[str, dict[str, Any]] = {}
    mapped_names = {n for n in codes if mapping.account(n)}

    def ensure(name: str, line: int) -> None:
        code = codes.get(name) or code_for(name, mapping)
        if code in book.accounts or code in new_accounts:
            return
        if name in mapped_names:
            problems.append(Problem("I005", path, line, f"account {name} is mapped to {code}, which is not in "
                                    "accounts.yaml", found=code,
                                    hint=f"add {code} to accounts.yaml first, or map {name} to an existing code"))
            return
        acc = declared.get(name)
        parent = None
        parts = name.split(":")
        if len(parts) == 2 and parsed.fmt == "beancount" and parts[0].lower() in ROOT_TYPES:
            typ0 = ROOT_TYPES[parts[0].lower()]      # beancount roots are types, not accounts
            mapping.types.setdefault(name, typ0)
        elif len(parts) > 1:
            parent_name = ":".join(parts[:-1])
            codes.setdefault(parent_name, code_for(parent_name, mapping,
                                                   declared[parent_name].code if parent_name in declared else None))
            ensure(parent_name, line)
            parent = codes[parent_name]
        typ = (acc.type if acc else None) or mapping.types.get(name)
        if typ is None and parent is None:
            typ = ROOT_TYPES.get(parts[0].lower())
            if typ is None:
                problems.append(Problem("I005", path, acc.line if acc else line, f"account {name} has no type and "
                                        "no parent", found=name, hint="declare it with a type (`account NAME  ; "
                                        "type: A`), name it under assets:/liabilities:/equity:/income:/expenses:, "
                                        "or map it with --map"))
                typ = "asset"
        rec: dict[str, Any] = {"code": code, "name": (acc.label if acc and acc.label else parts[-1])}
        if typ and (parent is None or _inherited_type(parent, new_accounts, book) != typ):
            rec["type"] = typ       # a child states its type only where it differs from its parent's
        implied = code.rpartition(".")[0] if "." in code else None
        if parent and parent != implied:
            rec["parent"] = parent
        new_accounts[code] = rec

    for name in declared:
        ensure(name, declared[name].line)
    for name, line in used.items():
        ensure(name, line)
    problems += _code_collisions(codes, mapped_names, declared, used, path)
    # postings to an account that has sub-accounts (hledger, ledger and beancount allow them; kebir
    # posts to leaves only) go to a generated child `<code>.own`, listed in the manifest
    post_codes = dict(codes)
    generated: list[dict[str, Any]] = []
    groups = _group_codes(book, new_accounts)
    for name, line in used.items():
        code = codes.get(name)
        if code is None or code not in groups or name in mapped_names:
            continue
        own = code + ".own"
        if own in groups or any(c == own for n, c in codes.items() if n != name):
            own = code + ".own-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
        if own not in book.accounts and own not in new_accounts:
            leaf = name.split(":")[-1]
            new_accounts[own] = {"code": own, "name": f"{leaf} (own postings)"}
        post_codes[name] = own
        generated.append({**_at(parsed, line, {}), "account": name, "code": own,
                          "why": f"{name} has sub-accounts and postings of its own; kebir posts to leaves only"})

    # --- transactions
    totals_in = mf.new_totals()
    existing = _existing_ids(book)
    months: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sources: dict[str, int] = {}
    seq: dict[str, int] = defaultdict(int)
    skipped: list[dict[str, Any]] = [_at(parsed, s.line, {"what": s.what, "why": s.why}) for s in parsed.skipped]
    n_post_in = n_post_out = n_dup = 0
    running: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_name = _contact_names(book)
    # in the order the tool checks balances (hledger: by date, then as written; ledger: as written), so a
    # balance assignment gets its amount from the balance before it and assertions see what hledger sees
    order = (list(range(len(parsed.txns))) if parsed.fmt == "ledger"
             else sorted(range(len(parsed.txns)), key=lambda k: (parsed.txns[k].date, k)))
    posted: list[tuple[SrcTxn, list[tuple[str, str, int, int | None, SrcPosting]]]] = [
        (t, []) for t in parsed.txns]
    within: dict[tuple[str, str], Decimal] = defaultdict(Decimal)     # sub-accounts included (`=*`)
    tainted: set[str] = set()        # accounts of transactions not valued: their assertions would follow on
    for n, k in enumerate(order):
        t = parsed.txns[k]
        if n % 256 == 0 or n == len(parsed.txns) - 1:
            progress.report("Importing transactions", n + 1, len(parsed.txns))
        n_post_in += len(t.postings)
        if t.broken or not _assign(t, path, base, mapping, running, within, tainted, problems):
            tainted.update(p.account for p in t.postings)      # its problem is reported where it is
            continue
        rows = _value_txn(t, path, base, decs, bdec, post_codes, mapping, rounding, problems)
        if not rows:
            tainted.update(p.account for p in t.postings)
        posted[k] = (t, rows)
        moves = [(p.line, p, cur, Decimal(amt).scaleb(-decs.get(cur, 2))) for _c, cur, amt, _b, p in rows]
        moves += [(p.line, p, mapping.commodities.get(p.commodity or "", p.commodity) or base, p.amount)
                  for p in t.unposted if p.amount is not None]
        for _line, p, cur, value in sorted(moves, key=lambda m: m[0]):
            running[(p.account, cur)] += value
            parts = p.account.split(":")
            for j in range(1, len(parts) + 1):
                within[(":".join(parts[:j]), cur)] += value
            if p.assertion is not None and p.account not in tainted:
                problems += _check_assertion(p, path, base, mapping, running, within)
    for t, rows in posted:
        if t.unposted and not t.postings:
            continue                 # unbalanced virtual postings only: listed under `skipped`, no entry
        ym = f"{t.date.year:04d}-{t.date.month:02d}"
        code = _id_from_code(t.code)
        if code:
            eid = code
        else:
            seq[ym] += 1
            eid = f"{label}-{ym}-{seq[ym]:04d}"
        if eid in existing:
            n_dup += 1
            skipped.append(_at(parsed, t.line, {"what": f"transaction {eid}", "why": f"already in the books "
                                                f"({existing[eid]})"}))
            continue
        if eid in sources:
            problems.append(Problem("I004", path, t.line, f"transaction code ({eid}) is used twice (first at line "
                                    f"{sources[eid]})", record=eid, hint="give each transaction its own code, or "
                                    "remove the codes and kebir numbers them"))
            continue
        sources[eid] = t.line
        rec: dict[str, Any] = {"id": eid, "date": t.date.isoformat()}
        payee = None
        memo = t.memo
        if t.payee_id and t.payee_id in book.contacts:
            payee = t.payee_id
        elif t.payee and by_name.get(t.payee):
            payee = by_name[t.payee]
        elif t.payee:
            memo = t.description
        if memo:
            rec["memo"] = memo
        if payee:
            rec["payee"] = payee
        if t.source_doc and _ID.match(t.source_doc):
            rec["source"] = t.source_doc
        tags = list(t.tags)
        if looks_like_opening(t.description, (p.account for p in t.postings)):
            tags.append(OPENING_TAG)     # the other tool's opening: balances brought forward (core/ledger/opening.py)
        if t.code and not code:
            tags.append("code:" + (re.sub(r"[^0-9A-Za-z_.-]+", "-", t.code.strip()).strip("-.") or "x"))
        if tags:
            rec["tags"] = sorted(set(tags), key=tags.index)
        posts = []
        for code, cur, amt, bse, p in rows:
            d = decs.get(cur, 2)
            q: dict[str, Any] = {"account": code, ("debit" if amt >= 0 else "credit"): fmt_minor(abs(amt), d)}
            if cur == base and p.revalues and p.revalues != base and p.revalues in decs:
                # a revaluation leg as kebir's exports write it (`revalues:EUR`): no EUR, a base value only
                q.update({("debit" if amt >= 0 else "credit"): fmt_minor(0, decs[p.revalues]),
                          "currency": p.revalues, "base": fmt_minor(abs(amt), bdec)})
                cur, amt = p.revalues, 0
            elif cur != base:
                q["currency"] = cur
                rate = p.rate or p.unit_price
                if rate and _rate_ok(rate) and (bse is None or _times(amt, d, rate, bdec) == abs(bse)):
                    q["rate"] = rate        # a rate that does not give the booked base is left out (E045)
                if bse is not None:
                    q["base"] = fmt_minor(abs(bse), bdec)
            if p.contact:
                q["contact"] = p.contact
            if p.memo:
                q["memo"] = p.memo
            if p.tags:
                q["tags"] = list(dict.fromkeys(p.tags))
            posts.append(q)
            mf.add(totals_in, p.account, cur, amt)     # the source's own name, not the code
        n_post_out += len(posts)
        rec["postings"] = posts
        months[ym].append(rec)

    # --- prices
    rates = []
    have_rates = {(d.isoformat(), c) for d, c in book.rates.select("date", "currency").iter_rows()}
    for pr in parsed.prices:
        cur = mapping.commodities.get(pr.commodity, pr.commodity)
        quote = mapping.commodities.get(pr.quote, pr.quote) or base
        if quote != base or cur == base:
            skipped.append(_at(parsed, pr.line, {"what": f"price of {cur} in {quote}",
                                                 "why": f"kebir keeps rates in the base currency ({base}) only"}))
            continue
        if cur not in decs:          # a posting in it is refused where it is (I006); the price alone moves nothing
            skipped.append(_at(parsed, pr.line, {"what": f"price of {cur} in {quote}",
                                                 "why": f"{cur} is not a currency of the books"}))
            continue
        if (pr.date.isoformat(), cur) in have_rates:
            continue                 # already in rates/ (an earlier import of the same journal)
        rate = pr.price
        if "." in rate and len(rate.partition(".")[2]) > 6:
            rate = str(Decimal(rate).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))
        rates.append({"date": pr.date.isoformat(), "currency": cur, "rate": rate})

    files: dict[str, str] = {}
    for ym in sorted(months):
        files[f"journals/{ym[:4]}/{ym}.{label}.yaml"] = store.dump_yaml_records("journal", months[ym])
    if rates:
        seen_r: dict[tuple[str, str], dict[str, str]] = {}
        for r in rates:
            seen_r[(r["date"], r["currency"])] = r
        files[f"rates/{label}.csv"] = store.dump_csv_rows("rates", list(seen_r.values()))
    if new_accounts:
        files["accounts.yaml"] = _append_accounts(book, list(new_accounts.values()))

    m = mf.Manifest("journal", label, path, mf.sha256(data), len(data), parsed.fmt)
    by_code = mf.new_totals()
    for rel, text in files.items():
        m.files[rel] = mf.sha256(text.encode("utf-8"))
        if rel.startswith("journals/"):
            _totals_from_yaml(text, rel, base, decs, by_code)
    m.totals_in, m.totals_out, m.codes = _by_source_name(totals_in, by_code, post_codes, mapped_names)
    m.generated = generated
    m.counts = {"transactions_in": len(parsed.txns), "postings_in": n_post_in,
                "entries_out": sum(len(v) for v in months.values()), "postings_out": n_post_out,
                "duplicates_skipped": n_dup, "accounts_added": len(new_accounts), "rates_out": len(rates),
                "skipped": len(skipped)}
    m.skipped = sorted(skipped, key=lambda s: (s.get("file", ""), s["line"]))
    problems = _once(parsed.located(problems))
    if not [p for p in problems if p.severity == "error"]:
        problems += mf.compare_totals(m, decs, path)
    summary = (f"{m.counts['entries_out']} entries ({n_post_out} postings) from {len(parsed.txns)} transactions, "
               f"{len(new_accounts)} accounts added, {len(rates)} rates, {n_dup} duplicates skipped, "
               f"{len(parsed.skipped)} directives skipped")
    if m.counts["entries_out"] == 0 and not rates and not new_accounts:
        return Plan({}, m, problems, summary + ": nothing new to import", sources)
    files[m.rel] = m.dump(decs)
    if parsed.origin is not None:
        return Plan(files, m, problems, summary, {eid: parsed.where(ln) for eid, ln in sources.items()})
    return Plan(files, m, problems, summary, sources)


def _balance(account: str, cur: str, op: str, running: dict[tuple[str, str], Decimal],
             within: dict[tuple[str, str], Decimal]) -> Decimal:
    return (within if op.endswith("*") else running)[(account, cur)]


def _assign(t: SrcTxn, path: str, base: str, mapping: Mapping, running: dict[tuple[str, str], Decimal],
            within: dict[tuple[str, str], Decimal], tainted: set[str], problems: list[Problem]) -> bool:
    """Balance assignments (`account  = 500 USD`, no amount): the posting's amount is what brings the
    account's balance so far to the one written, as hledger and ledger work it out. False (with the
    problem reported) when it cannot be known."""
    for p in t.postings:
        if not p.assign or p.assertion is None:
            continue
        want, wcur = p.assertion
        cur = mapping.commodities.get(wcur, wcur) or base
        if p.account in tainted:       # the balance before it is not known: its cause is reported already
            return False
        others = sorted(c for (a, c), v in running.items() if a == p.account and c != cur and v != 0)
        if p.assert_op.startswith("==") and others:
            problems.append(Problem("I001", path, p.line, f"a total balance assignment (`{p.assert_op}`) on "
                                    f"{p.account}, which also holds {', '.join(others)}, is not supported by "
                                    "kebir import", found=f"{p.assert_op} {want} {cur}",
                                    hint=f"write the amounts that empty {p.account} of {', '.join(others)} "
                                    "and the one that gives it the balance"))
            return False
        p.amount = want - _balance(p.account, cur, p.assert_op, running, within)
        p.commodity = wcur
    return True


def _check_assertion(p: SrcPosting, path: str, base: str, mapping: Mapping,
                     running: dict[tuple[str, str], Decimal], within: dict[tuple[str, str], Decimal]
                     ) -> list[Problem]:
    """I003 when the balance after the posting is not the one asserted (`==`: and no other commodity;
    `=*`: with the sub-accounts)."""
    want, wcur = p.assertion          # type: ignore[misc]
    wcur = mapping.commodities.get(wcur, wcur) or base
    have = _balance(p.account, wcur, p.assert_op, running, within)
    hint = "fix the amounts or the assertion; kebir imports the journal only when hledger would accept it"
    if have != want:
        scope = " with its sub-accounts" if p.assert_op.endswith("*") else ""
        return [Problem("I003", path, p.line, f"balance assertion fails: {p.account}{scope} is {have} {wcur} "
                        f"after this posting, the journal asserts {want} {wcur}", expected=f"{want} {wcur}",
                        found=f"{have} {wcur}", hint=hint)]
    if p.assert_op.startswith("=="):
        table = within if p.assert_op.endswith("*") else running
        others = sorted(f"{v} {c}" for (a, c), v in table.items() if a == p.account and c != wcur and v != 0)
        if others:
            return [Problem("I003", path, p.line, f"balance assertion fails: `{p.assert_op}` says {p.account} "
                            f"holds only {want} {wcur}, it also holds {', '.join(others)}",
                            expected=f"{want} {wcur} only", found=", ".join(others), hint=hint)]
    return []


def _at(parsed: Parsed, line: int, row: dict[str, Any]) -> dict[str, Any]:
    """A manifest row's place: its line, and its file when an included one."""
    f, ln = parsed.where(line)
    return {**({"file": f} if f != parsed.path else {}), "line": ln, **row}


def _currency_hint(cur: str) -> str:
    """Where a commodity the books lack can go: a currency code kebir accepts, or a rename."""
    if re.fullmatch(r"[A-Z]{3}", cur):
        return (f"add `{cur} = 2` (its decimals) under [currencies] in books.toml, or rename it with --map "
                "(commodities: {SYMBOL: CODE})")
    return (f"kebir currencies are 3-letter codes (books.toml refuses `{cur}`): if {cur} is a currency, rename it "
            f"with --map (commodities: {{\"{cur}\": XYZ}}) and add XYZ under [currencies]; units of a security, "
            "fund or lot cannot be imported yet (see docs/interop.md)")


def _once(problems: list[Problem]) -> list[Problem]:
    """The same unsupported construct or unknown commodity on many lines is one problem, at its first
    line, naming the others (a lot journal gave 154 copies of one message)."""
    groups: dict[tuple[str, str, str], list[Problem]] = defaultdict(list)
    out: list[Problem | tuple[str, str, str]] = []
    for p in problems:
        key = (p.code, p.path, p.message)
        if p.code not in ("I001", "I006"):
            out.append(p)
            continue
        if key not in groups:
            out.append(key)
        groups[key].append(p)
    result = []
    for item in out:
        if isinstance(item, Problem):
            result.append(item)
            continue
        same = sorted(groups[item], key=lambda q: q.line)
        first, lines = same[0], sorted({q.line for q in same[1:]} - {same[0].line})
        if lines:
            shown = ", ".join(str(n) for n in lines[:10]) + (", ..." if len(lines) > 10 else "")
            first = replace(first, message=f"{first.message} (and {len(lines)} more: lines {shown})")
        result.append(first)
    return result


def _by_source_name(totals_in: mf.Totals, by_code: mf.Totals, codes: dict[str, str], mapped: set[str]
                    ) -> tuple[mf.Totals, mf.Totals, dict[str, str]]:
    """The records' totals back under the source's own account names, so the manifest compares
    name against name. A kebir code stands for the one source account that has it; codes shared on
    purpose (`--map` rules, the rounding account) stand for the group `a + b`. A code shared
    without a rule stands for nothing in the source, so its totals differ from every name's (I009)."""
    names_of: dict[str, set[str]] = defaultdict(set)
    for (name, _cur) in totals_in:
        names_of[codes.get(name, name)].add(name)
    key_of: dict[str, str] = {}
    for code, names in names_of.items():
        if len(names) == 1:
            key_of[code] = next(iter(names))
        elif sum(1 for n in names if n not in mapped and not n.startswith("(")) <= 1:
            key_of[code] = " + ".join(sorted(names))
    tin, tout = mf.new_totals(), mf.new_totals()
    for (name, cur), (d, c) in totals_in.items():
        code = codes.get(name, name)
        cell = tin[(key_of.get(code, name), cur)]
        cell[0] += d
        cell[1] += c
    for (code, cur), (d, c) in by_code.items():
        cell = tout[(key_of.get(code, f"[kebir {code}]"), cur)]
        cell[0] += d
        cell[1] += c
    shown = {key: code for code, key in key_of.items()}
    shown.update({name: codes.get(name, name) for (name, _cur) in tin if name not in shown})
    return tin, tout, shown


def _rate_ok(rate: str) -> bool:
    return re.fullmatch(r"[0-9]{1,12}(\.[0-9]{1,6})?", rate) is not None


def _times(amount_minor: int, d: int, rate: str, bdec: int) -> int:
    value = Decimal(abs(amount_minor)).scaleb(-d) * Decimal(rate)
    return int(value.quantize(Decimal(1).scaleb(-bdec), rounding=ROUND_HALF_UP).scaleb(bdec))


def _id_from_code(code: str | None) -> str | None:
    """A transaction code as a kebir id: kept when valid, else characters ids cannot hold become `.`
    (`INV-1/ADV-2` -> `INV-1.ADV-2`); None when nothing usable is left."""
    if not code:
        return None
    if _ID.match(code):
        return code
    fixed = re.sub(r"[^A-Za-z0-9._-]+", ".", code.strip()).strip(".")
    return fixed if _ID.match(fixed) else None


def _existing_ids(book: Book) -> dict[str, str]:
    """Entry id -> where it is; a derived id that is no valid code (`Z-KDK-2025-03-02/FSH-LEVREK`,
    from a recipe) is also known by the form `_id_from_code` reads its export back as."""
    e = book.ledger_entries()
    out = {}
    for i, f, ln in e.select("id", "file", "line").iter_rows():
        out[i] = f"{f}:{ln}"
        if i and not _ID.match(i):
            out.setdefault(_id_from_code(i) or i, f"{f}:{ln}")
    return out


def _contact_names(book: Book) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    for cid, c in sorted(book.contacts.items()):
        names[c.name] = None if c.name in names else cid   # ambiguous names resolve to nothing
    return names


def _value_txn(t: SrcTxn, path: str, base: str, decs: dict[str, int], bdec: int, codes: dict[str, str],
               mapping: Mapping, rounding: str | None, problems: list[Problem]
               ) -> list[tuple[str, str, int, int | None, SrcPosting]]:
    """Postings of one transaction as (code, currency, amount minor, base minor or None, source posting):
    the missing amount inferred, commodities checked, base values from costs, balance checked."""
    missing = [p for p in t.postings if p.amount is None]
    if len(missing) > 1:
        problems.append(Problem("I004", path, missing[1].line, "more than one posting without an amount",
                                hint="give every posting but one its amount"))
        return []
    ok = True
    for p in t.postings:
        if p.amount is None:
            continue
        cur = mapping.commodities.get(p.commodity or "", p.commodity) or base
        p.commodity = cur
        if cur not in decs:
            problems.append(Problem("I006", path, p.line, f"commodity {cur} is not a currency of the books",
                                    found=cur, hint=_currency_hint(cur)))
            ok = False
            continue
        if -p.amount.as_tuple().exponent > decs[cur]:       # type: ignore[operator]
            problems.append(Problem("I006", path, p.line, f"{p.amount} {cur} has more decimals than {cur} "
                                    f"allows ({decs[cur]})", found=str(p.amount),
                                    hint=f"round it in the source, or raise {cur}'s decimals in books.toml"))
            ok = False
        if p.cost_commodity is not None:
            cc = mapping.commodities.get(p.cost_commodity, p.cost_commodity) or base
            if cc != base:
                problems.append(Problem("I006", path, p.line, f"price in {cc}: kebir values postings in the base "
                                        f"currency ({base})", found=cc, hint=f"give the price in {base}"))
                ok = False
    if not ok:
        return []
    base_sum = Decimal(0)
    per: dict[str, Decimal] = defaultdict(Decimal)
    uncosted_foreign = []
    for p in t.postings:
        if p.amount is None:
            continue
        if p.commodity == base:
            base_sum += p.amount
        elif p.cost is not None:
            base_sum += p.cost
        else:
            per[p.commodity or ""] += p.amount
            uncosted_foreign.append(p)
    implicit: dict[int, Decimal] = {}
    open_cur = {c for c, v in per.items() if v != 0}
    if missing:
        mp = missing[0]
        if open_cur and base_sum == 0 and len(open_cur) == 1:
            c = open_cur.pop()
            mp.amount, mp.commodity = -per[c], c
            per[c] = Decimal(0)
        elif not open_cur:
            mp.amount, mp.commodity = -base_sum, base
            base_sum = Decimal(0)
        else:
            problems.append(Problem("I004", path, mp.line, "cannot infer this posting's amount: more than one "
                                    "commodity is left over", hint="write the amount, with `@@ TOTAL` prices"))
            return []
    elif open_cur:
        if len(uncosted_foreign) == 1 and len(open_cur) == 1 and base_sum != 0:
            implicit[id(uncosted_foreign[0])] = -base_sum          # hledger's inferred conversion
            base_sum = Decimal(0)
        else:
            problems.append(Problem("I004", path, t.line, "transaction does not balance: "
                                    + ", ".join(f"{v} {c}" for c, v in sorted(per.items()) if v) + " left over",
                                    hint="fix an amount, or give the foreign amounts their value with `@@ TOTAL`"))
            return []
    rows: list[tuple[str, str, int, int | None, SrcPosting]] = []
    base_total = 0
    for p in t.postings:
        cur = p.commodity or base
        amt = int(p.amount.scaleb(decs[cur]))               # type: ignore[union-attr]
        if cur == base:
            b: int | None = amt
        elif p.cost is not None:
            b = int(p.cost.quantize(Decimal(1).scaleb(-bdec), rounding=ROUND_HALF_UP).scaleb(bdec))
        elif id(p) in implicit:
            b = int(implicit[id(p)].scaleb(bdec))
        else:
            b = None
        if b is not None:
            base_total += b
        rows.append((codes[p.account], cur, amt, b, p))
    if base_total != 0 and all(r[3] is not None for r in rows):
        priced = sum(1 for p in t.postings if p.unit_price)
        if priced and rounding and abs(base_total) <= priced:
            rp = SrcPosting(account=f"({rounding})", line=t.line, amount=Decimal(-base_total).scaleb(-bdec),
                            commodity=base, memo="rounding of @ prices")
            codes.setdefault(rp.account, rounding)
            rows.append((rounding, base, -base_total, -base_total, rp))
        else:
            problems.append(Problem("I004", path, t.line, f"transaction does not balance in {base}: off by "
                                    f"{fmt_minor(base_total, bdec)} {base}", found=fmt_minor(base_total, bdec),
                                    hint="fix an amount or a price"))
            return []
    return rows


def _totals_from_yaml(text: str, rel: str, base: str, decs: dict[str, int], totals: mf.Totals) -> None:
    """Read the text about to be written back through kebir's own journal parser and sum it."""
    raw = parse_journal_yaml(text.encode("utf-8"), rel)
    p = raw.frames["postings"]
    if p.is_empty():
        return
    agg = (p.with_columns(pl.col("currency").fill_null(base))
           .group_by("account", "currency").agg(pl.col("debit"), pl.col("credit")))
    for acc, cur, debits, credits in agg.iter_rows():
        d = decs.get(cur, 2)
        cell = totals[(acc, cur)]
        cell[0] += sum(_minor(x, d) for x in debits if x is not None)
        cell[1] += sum(_minor(x, d) for x in credits if x is not None)


def _minor(text: str, d: int) -> int:
    return int(Decimal(text).scaleb(d))
