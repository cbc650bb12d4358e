"""The common edits a new user makes without learning the file formats first: add an account,
rename one (every reference rewritten), add a contact.

Each function returns the new text of the files it changes (path -> text) and writes nothing; the
caller writes them with core.books.store and validates the result, restoring the old texts if the books
got worse. Canonical form throughout, so `kebir fmt --check` stays clean.

An account rename never edits a record in a closed period (the seal would break): it refuses, and
says how to go on (reopen the period, or open a new account and move the balance with an entry).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import polars as pl

from core.books import schema, yamlnodes
from core.books.fmt import _split_header, canonical_records
from core.model.records import Book
from core.books.store import dump_csv_rows, dump_yaml_records
from core.books.closes import closed_periods, read_closes

ACCOUNT_KEYS = frozenset({"account", "code", "parent"})
CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.:_-]*$")
CONTACT_FILES = {("erp", "customer"): ("contacts/erp/customers.yaml", "CU-"),
                 ("erp", "supplier"): ("contacts/erp/suppliers.yaml", "SU-"),
                 ("erp", "employee"): ("contacts/erp/employees.yaml", "EM-"),
                 ("crm", "company"): ("contacts/crm/companies.yaml", "C-"),
                 ("crm", "person"): ("contacts/crm/people.yaml", "C-")}


class EditError(ValueError):
    """The edit cannot be made as asked; the message says why and what to do instead."""


def _read_yaml(root: Path, rel: str) -> tuple[str, list[dict[str, Any]]]:
    text = (root / rel).read_text(encoding="utf-8")
    tree, problems = yamlnodes.parse(text, rel)
    if problems or not isinstance(tree, list):
        raise EditError(f"{rel} cannot be read; run `kebir validate` and fix it first")
    return _split_header(text)[0], [r for r in yamlnodes.plain(tree) if isinstance(r, dict)]


def _yaml_text(header: str, kind: str, records: list[dict[str, Any]]) -> str:
    return (header + "\n" if header else "") + dump_yaml_records(kind, records)


def appended_text(root: Path, rel: str, kind: str, new: list[dict[str, Any]]) -> str:
    """The YAML file `rel` with the records `new` appended: the file's own text byte for byte (the
    comments a person wrote, in the header, between records and at the end, stay), then the new
    records in canonical form (`kebir fmt`'s: amounts padded). A file that holds no record yet, or
    whose text the appended records would not continue (a flow-style list, an indented sequence),
    is written whole in canonical form. Refused (EditError) when the file cannot be read."""
    new = canonical_records(root, kind, new)
    if not (root / rel).exists():
        return dump_yaml_records(kind, new)
    header, records = _read_yaml(root, rel)
    text = (root / rel).read_text(encoding="utf-8")
    if records:
        joined = text + ("" if text.endswith("\n") else "\n") + dump_yaml_records(kind, new)
        tree, problems = yamlnodes.parse(joined, rel)
        if not problems and isinstance(tree, list) and yamlnodes.plain(tree) == [*records, *new]:
            return joined
    return _yaml_text(header, kind, [*records, *new])


# -- accounts ---------------------------------------------------------------------------------------

def add_account(book: Book, code: str, name: str, *, parent: str | None = None, type_: str | None = None,
                currency: str | None = None) -> dict[str, str]:
    """accounts.yaml with one more account. The parent defaults to the code before its last dot."""
    if not CODE.match(code):
        raise EditError(f"account code {code!r}: use digits and dots, e.g. 770.20")
    if code in book.accounts:
        raise EditError(f"account {code} exists already ({book.accounts[code].name})")
    if parent is None and "." in code:
        parent = code.rsplit(".", 1)[0]
    if parent is not None and parent not in book.accounts:
        raise EditError(f"parent account {parent} does not exist: add it first, or give --parent")
    if parent is None and type_ is None:
        raise EditError("a top-level account needs --type (asset, cash, bank, liability, equity, income, expense)")
    if parent is not None and book.ledger().filter(pl.col("account") == parent).height:
        raise EditError(f"{parent} has postings, so it cannot become a group; add the account under another "
                        "parent or move the postings first")
    if currency is not None and book.settings.decimals(currency) is None:
        raise EditError(f"currency {currency} is not declared under [currencies] in books.toml")
    header, records = _read_yaml(book.root, "accounts.yaml")
    rec: dict[str, Any] = {"code": code, "name": name}
    if parent is not None and not code.startswith(parent + "."):
        rec["parent"] = parent
    if type_:
        rec["type"] = type_
    if currency:
        rec["currency"] = currency
    records.append(rec)
    return {"accounts.yaml": _yaml_text(header, "accounts", records)}


def _renamer(old: str, new: str) -> Any:
    def rename(code: str) -> str:
        if code == old:
            return new
        if code.startswith(old + "."):
            return new + code[len(old):]
        return code
    return rename


def _walk(value: Any, key: str | None, parent_key: str | None, rename: Any) -> tuple[Any, int]:
    """Rename account codes in a plain record tree: values of account/code/parent keys, of keys
    ending in `_account`, and of an `accounts:` map."""
    if isinstance(value, dict):
        out, n = {}, 0
        for k, v in value.items():
            out[k], m = _walk(v, k, key, rename)
            n += m
        return out, n
    if isinstance(value, list):
        items = [_walk(v, key, parent_key, rename) for v in value]
        return [v for v, _ in items], sum(m for _, m in items)
    if isinstance(value, str) and key is not None and (key in ACCOUNT_KEYS or key.endswith("_account")
                                                       or parent_key == "accounts"):
        new = rename(value)
        return new, int(new != value)
    return value, 0


def rename_account(book: Book, old: str, new: str) -> tuple[dict[str, str], int]:
    """Every file that names `old` (or an account under it, `old.xx`), rewritten to `new`; and how
    many references changed. Refuses when a record in a closed period uses the account."""

    if old not in book.accounts:
        raise EditError(f"no account {old} in accounts.yaml")
    if not CODE.match(new):
        raise EditError(f"account code {new!r}: use digits and dots, e.g. 770.20")
    rename = _renamer(old, new)
    moved = [c for c in book.accounts if rename(c) != c]
    clash = [rename(c) for c in moved if rename(c) in book.accounts]
    if clash:
        raise EditError(f"account {clash[0]} exists already: pick another code, or merge the accounts by an entry")
    closed = closed_periods(read_closes(book.root)[0])
    if closed:
        used = book.ledger().filter(pl.col("account").is_in(pl.Series(moved, dtype=pl.String).implode()))
        months = sorted({f"{d.year}-{d.month:02d}" for d in used["date"].unique().to_list()} & closed)
        if months:
            raise EditError(f"{old} has postings in closed period {months[0]}; a rename would change sealed records. "
                            f"Reopen it (kebir reopen {months[0]} --reason ...) or open {new} with "
                            "`kebir accounts add` and move the balance with an entry")
    files: dict[str, str] = {}
    count = 0
    for rel in book.files:
        fk = schema.kind_of(rel)
        if fk is None:
            continue
        path = book.root / rel
        if fk.fmt == "yaml":
            text = path.read_text(encoding="utf-8")
            if old not in text:
                continue
            header, records = _read_yaml(book.root, rel)
            new_records, n = _walk(records, None, None, rename)
            if n:
                files[rel] = _yaml_text(header, fk.kind, new_records)
                count += n
        elif fk.fmt == "csv" and fk.kind in ("journal-csv",):
            text = path.read_text(encoding="utf-8")
            if old not in text:
                continue
            rows = list(csv.DictReader(io.StringIO(text)))
            n = 0
            for r in rows:
                if r.get("account") and rename(r["account"]) != r["account"]:
                    r["account"] = rename(r["account"])
                    n += 1
            if n:
                files[rel] = dump_csv_rows(fk.kind, rows, presorted=True)
                count += n
    toml_path = book.root / "books.toml"
    text = toml_path.read_text(encoding="utf-8")
    n_toml = 0

    def quoted(m: re.Match[str]) -> str:
        nonlocal n_toml
        parts = m.group(1).split(":")
        renamed = [rename(p) for p in parts]
        n_toml += sum(a != b for a, b in zip(parts, renamed))
        return '"' + ":".join(renamed) + '"'

    new_text = re.sub(r'"([0-9A-Za-z.:_-]+)"', quoted, text)
    if n_toml:
        files["books.toml"] = new_text
        count += n_toml
    return files, count


# -- contacts ---------------------------------------------------------------------------------------

def next_id(book: Book, prefix: str) -> str:
    numbers = [int(m.group(1)) for cid in book.contacts if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", cid))]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def add_contact(book: Book, side: str, role: str, name: str, fields: dict[str, str],
                contact_id: str | None = None) -> tuple[str, dict[str, str]]:
    """(the new id, files): one more contact in the file its side and role keep them in."""
    key = (side, role)
    if key not in CONTACT_FILES:
        choices = ", ".join(f"--side {s} --role {r}" for s, r in CONTACT_FILES)
        raise EditError(f"no contact file for side {side} and role {role}: use one of {choices}")
    rel, prefix = CONTACT_FILES[key]
    cid = contact_id or next_id(book, prefix)
    if cid in book.contacts:
        raise EditError(f"contact id {cid} exists already ({book.contacts[cid].name})")
    kind_name = "erp-contacts" if side == "erp" else "crm-contacts"
    allowed = set(schema.field_order(kind_name))
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise EditError(f"unknown field {unknown[0]} for a {side.upper()} contact: use "
                        f"{', '.join(sorted(allowed - {'id', 'kind', 'name'}))}")
    kind = "person" if role in ("employee", "person") else fields.pop("kind", "company")
    rec: dict[str, Any] = {"id": cid, "kind": kind, "name": name, **{k: v for k, v in fields.items() if v}}
    return cid, {rel: appended_text(book.root, rel, kind_name, [rec])}
