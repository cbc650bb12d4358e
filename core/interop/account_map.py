"""Where imported account names go in the chart: a `--map` rule (`Mapping`, `read_mapping`), else
an explicit code (beancount `code:` metadata), else the kebir chain form that `kebir export
journal` writes (`1:10:102:102.01` -> `102.01`), else the name itself with `:` as the code
separator (`assets:bank:garanti` -> `assets.bank.garanti`, whose parents kebir derives). Also
the checks on the codes an import gives (groups, collisions), the type a new account inherits
or takes from its top-level name (`ROOT_TYPES`: assets, liabilities, equity, income/revenue,
expenses, in several languages), and appending new accounts to accounts.yaml.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.books import store, yamlnodes
from core.model.errors import Problem
from core.model.records import Book


_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
ROOT_TYPES = {"assets": "asset", "asset": "asset", "liabilities": "liability", "liability": "liability",
              "equity": "equity", "income": "income", "revenue": "income", "revenues": "income",
              "expenses": "expense", "expense": "expense", "debts": "liability", "debt": "liability",
              # the same top-level names in other languages (hledger types them only by declaration)
              "資産": "asset", "負債": "liability", "純資産": "equity", "資本": "equity", "収益": "income",
              "収入": "income", "費用": "expense", "支出": "expense",
              "varlıklar": "asset", "borçlar": "liability", "özkaynaklar": "equity", "gelirler": "income",
              "giderler": "expense", "aktiva": "asset", "passiva": "liability", "eigenkapital": "equity",
              "erträge": "income", "aufwand": "expense", "aufwendungen": "expense", "actifs": "asset",
              "actif": "asset", "passif": "liability", "passifs": "liability", "capitaux": "equity",
              "produits": "income", "charges": "expense", "activos": "asset", "pasivos": "liability",
              "patrimonio": "equity", "ingresos": "income", "gastos": "expense"}


@dataclass
class Mapping:
    """`--map FILE`: account rules (exact `from` or regex `match` -> `to`), commodity renames."""

    exact: dict[str, str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    commodities: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    def account(self, name: str) -> str | None:
        if name in self.exact:
            return self.exact[name]
        for rx, to in self.patterns:
            m = rx.search(name)
            if m:
                return m.expand(to) if "\\" in to else to
        return None


def read_mapping(text: str, path: str) -> tuple[Mapping, list[Problem]]:
    """Parse a mapping file: `accounts:` list of {from|match, to}, `commodities:` {SYMBOL: CODE}."""
    tree, problems = yamlnodes.parse(text, path)
    m = Mapping()
    probs = [Problem("I010", p.path, p.line, p.message, hint=p.hint) for p in problems]
    if tree is None:
        return m, probs
    if not isinstance(tree, dict):
        return m, probs + [Problem("I010", path, 1, "a mapping file is a mapping with `accounts:` and "
                                   "`commodities:`", hint="see docs/interop.md#account-mapping")]
    for key in tree:
        if key not in ("accounts", "commodities", "types"):
            probs.append(Problem("I010", path, tree.lines[key], f"unknown key `{key}`", found=key,
                                 expected="accounts, commodities or types",
                                 hint="remove it: unknown keys are refused so nothing is ignored"))
    for rule in tree.get("accounts") or []:
        line = getattr(rule, "line", 1)
        if not isinstance(rule, dict) or "to" not in rule or ("from" in rule) == ("match" in rule):
            probs.append(Problem("I010", path, line, "an account rule needs `to` and one of `from` or `match`",
                                 hint='write `- {match: "^expenses:food", to: "770.01"}`'))
            continue
        to = str(rule["to"])
        if "from" in rule:
            m.exact[str(rule["from"])] = to
        else:
            try:
                m.patterns.append((re.compile(str(rule["match"])), to))
            except re.error as exc:
                probs.append(Problem("I010", path, line, f"bad regular expression: {exc}", found=str(rule["match"]),
                                     hint="fix the pattern (Python regular expression syntax)"))
    for k, v in (tree.get("commodities") or {}).items():
        m.commodities[str(k)] = str(v)
    for k, v in (tree.get("types") or {}).items():
        m.types[str(k)] = str(v)
    return m, probs


def chain_code(name: str) -> str | None:
    """`1:10:102:102.01` (each part extends the one before) -> `102.01`; else None."""
    parts = name.split(":")
    if len(parts) < 2 or not all(_CODE.match(p) for p in parts):
        return None
    if all(b.startswith(a) and len(b) > len(a) for a, b in zip(parts, parts[1:])):
        return parts[-1]
    return None


_PLAIN_SEGMENT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]*(?<!\.)$")


def _segment(s: str) -> str:
    """One part of a source account name as one part of a kebir code. A part that is already a
    plain code part (ASCII letters, digits, `_`, `-`, `.` inside) is kept as it is. Any other part is
    folded to ASCII (`Asséts` -> `Assets`) and marked with a short hash of the part as written
    (`Assets-6f1c2a`; `銀行預金` -> `u3e1f0b`), so two parts that differ in the source never share a
    code, whatever their script, and the same part gives the same code in every import."""
    s = s.strip()
    if _PLAIN_SEGMENT.match(s):
        return s
    nfc = unicodedata.normalize("NFC", s)
    h = hashlib.sha256(nfc.encode("utf-8")).hexdigest()[:6]
    folded = unicodedata.normalize("NFKD", nfc).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r"[^0-9A-Za-z_-]+", "-", folded).strip("-_")
    return f"{folded}-{h}" if folded else f"u{h}"


def derived_code(name: str) -> str:
    """The code kebir gives a source account name of its own accord (no map, no explicit code)."""
    return chain_code(name) or ".".join(_segment(p) for p in name.split(":"))


def code_for(name: str, mapping: Mapping, explicit: str | None = None) -> str:
    mapped = mapping.account(name)
    if mapped:
        return mapped
    if explicit and _CODE.match(explicit):
        return explicit
    return derived_code(name)


def _parent_of(code: str, name: str, mapping: Mapping) -> str | None:
    """The parent code in the import's own tree (chain form or dotted names)."""
    parts = name.split(":")
    if len(parts) < 2:
        return None
    return code_for(":".join(parts[:-1]), mapping)


def _group_codes(book: Book, new: dict[str, dict[str, Any]]) -> set[str]:
    """Codes that are the parent of another account, in the books or among the accounts added."""
    out: set[str] = set()
    for code, acc in book.accounts.items():
        up = acc.parent or (code.rpartition(".")[0] if "." in code else None)
        if up and up in book.accounts:
            out.add(up)
    for code, rec in new.items():
        up = rec.get("parent") or (code.rpartition(".")[0] if "." in code else None)
        if up and (up in new or up in book.accounts):
            out.add(up)
    return out


def _code_collisions(codes: dict[str, str], mapped: set[str], declared: dict, used: dict[str, int],
                     path: str) -> list[Problem]:
    """I030 for two source accounts that would become one kebir account without a `--map` rule
    saying so (an explicit `code:` given twice, or a name that happens to read as another's code)."""
    owners: dict[str, list[str]] = defaultdict(list)
    for name, code in codes.items():
        if name not in mapped and not name.startswith("("):
            owners[code].append(name)
    out = []
    for code, names in owners.items():
        for other in names[1:]:
            acc = declared.get(other)
            out.append(Problem("I030", path, acc.line if acc else used.get(other, 1),
                               f"accounts {names[0]} and {other} would both become kebir account {code}",
                               found=code, expected="one kebir account per source account",
                               hint=f"give one of them its own code with --map (accounts: - {{from: \"{other}\", "
                               "to: CODE}), or merge them on purpose with a --map rule for each"))
    return out


def _inherited_type(parent: str, new: dict[str, dict[str, Any]], book: Book) -> str | None:
    seen = set()
    while parent and parent not in seen:
        seen.add(parent)
        if parent in new:
            if "type" in new[parent]:
                return new[parent]["type"]
            parent = new[parent].get("parent") or parent.rpartition(".")[0]
        elif parent in book.accounts:
            return book.accounts[parent].type
        else:
            return None
    return None


def _append_accounts(book: Book, records: list[dict[str, Any]]) -> str:
    """accounts.yaml with the new accounts appended (the existing text is kept byte for byte)."""
    path = book.root / "accounts.yaml"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    new = store.dump_yaml_records("accounts", records)
    if not old.strip() or old.strip() == "[]":
        return new
    return old.rstrip("\n") + "\n" + new
