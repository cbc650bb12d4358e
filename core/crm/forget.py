"""`kebir contacts forget ID --reason TEXT`: replace a person's personal data with a pseudonym.

Every record of the party (the id given, the ids merged into it, the records linked to it across
CRM and ERP) keeps its id, kind, role and business fields (payment terms, credit limit, location),
so every invoice, payment, entry and report still resolves and every total is unchanged. The
personal fields are replaced: the name by `Forgotten person <pseudonym>` (the same pseudonym for
every id of the party, derived from the ids, so it is stable), and e-mail, phone, address, city,
tax id, IBAN, title, website and external ids are removed. `forgotten:` records the day and
`forgotten_reason:` why.

Every cache under `.kebir/cache` is purged in the same write (parsed journals and documents,
the dedup rows and their delta files hold the old values; they are rebuilt on the next read).

What it cannot change it reports: every other place in the books directory that still holds the
name, e-mail, phone, tax id, IBAN, address or website, in any file (memos, activity subjects,
plans, exported reports), whatever the format: a phone is found by its digits, so
`+90 532 123 45 67`, `0532 123 4567`, `05321234567` and `(532) 123-45-67` are one number, and a
name by its folded letters (`AYSE YILMAZ` is `Ayşe Yılmaz`). Git history keeps every earlier
version (docs/trust.md says how to purge it with git filter-repo, and what that does to the audit
trail).
Records in a closed period are not edited (they do not hold personal fields: documents and
entries name the party by id).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core.books.edit import EditError, _read_yaml, _yaml_text
from core.model.records import Book

PERSONAL = ("name", "email", "phone", "address", "city", "postcode", "tax_id", "national_id", "birth_date", "iban",
            "title", "website", "external_id", "source", "tags")


@dataclass
class Forgotten:
    pseudonym: str
    ids: list[str]
    files: dict[str, str] = field(default_factory=dict)
    mentions: list[tuple[str, int, str]] = field(default_factory=list)   # (file, line, what matched)


def forget(book: Book, contact_id: str, reason: str, day: date) -> Forgotten:
    from core.crm.pipeline import party_ids  # lazy: only its command needs it (kebir start-up)

    if contact_id not in book.contacts:
        raise EditError(f"no contact has the id {contact_id}")
    if not reason.strip():
        raise EditError("say why with --reason (it is kept with the record)")
    ids = sorted(party_ids(book, contact_id))
    people = [i for i in ids if book.contacts[i].kind == "person"]
    if not people:
        raise EditError(f"{contact_id} is a company: forget is for a person's data (a company's name and tax id "
                        "are business records)")
    pseudonym = "P-" + hashlib.sha256(",".join(ids).encode()).hexdigest()[:8].upper()
    result = Forgotten(pseudonym, ids)
    by_file: dict[str, list[str]] = {}
    for i in ids:
        by_file.setdefault(book.contacts[i].source.path, []).append(i)
    needles = personal_needles([book.contacts[i] for i in ids if book.contacts[i].kind == "person"])
    for rel, wanted in sorted(by_file.items()):
        header, records = _read_yaml(book.root, rel)
        for rec in records:
            if str(rec.get("id")) not in wanted or book.contacts[str(rec["id"])].kind != "person":
                continue
            for key in PERSONAL:
                rec.pop(key, None)
            rec["name"] = f"Forgotten person {pseudonym}"
            rec["forgotten"] = day.isoformat()
            rec["forgotten_reason"] = reason.strip()
        kind = "erp-contacts" if rel.startswith("contacts/erp/") else "crm-contacts"
        result.files[rel] = _yaml_text(header, kind, records)
    result.mentions = find_mentions(book.root, needles, result.files)
    return result


@dataclass(frozen=True)
class Needle:
    """One personal value to look for: its kind, the value as recorded, and how it is matched."""

    kind: str           # name | e-mail | phone | tax id | IBAN | address | website | external id
    value: str
    key: str            # the folded text, or the digits, that a mention must contain


def personal_needles(people: list[Any]) -> list[Needle]:
    """The personal values of the party's person records, each with its matching key."""
    from core.crm.dedup.normalise import fold  # lazy: the normaliser's tables, 20 ms at every start

    out: set[Needle] = set()
    for c in people:
        values = [("name", c.name)] + [(k, v) for k, v in c.fields if v]
        for field_name, value in values:
            kind = _KINDS.get(field_name)
            if kind is None or not str(value).strip():
                continue
            value = str(value)
            if kind in ("phone", "tax id"):
                digits = re.sub(r"\D", "", value)
                key = digits[-9:] if kind == "phone" else digits   # a phone without its country/trunk prefix
                if len(key) >= 7:
                    out.add(Needle(kind, value, key))
            elif kind == "IBAN":
                out.add(Needle(kind, value, re.sub(r"\s", "", value).upper()))
            elif len(fold(value)) >= 5:
                out.add(Needle(kind, value, fold(value)))
    return sorted(out, key=lambda n: (n.kind, n.value))


_KINDS = {"name": "name", "email": "e-mail", "phone": "phone", "mobile": "phone", "fax": "phone",
          "tax_id": "tax id", "national_id": "tax id", "iban": "IBAN", "address": "address", "website": "website",
          "external_id": "external id"}
_DIGIT_RUN = re.compile(r"\d(?:[\d \t.()/\-]*\d)?")
_SKIP_DIRS = {".git", ".kebir"}


def find_mentions(root: Path, needles: list[Needle], texts: dict[str, str | None] | None = None
                  ) -> list[tuple[str, int, str]]:
    """(file, line, what) for every line of every file in the books directory (git's and kebir's own
    directories aside) that holds one of the needles in any format; `texts` are files as they are
    about to be written. A file that is not text is searched as bytes and reported at line 1."""
    texts = texts or {}
    out: list[tuple[str, int, str]] = []
    if not needles:
        return out
    root = Path(root)
    paths = {p.relative_to(root).as_posix() for p in _walk(root)} | {k for k, v in texts.items() if v is not None}
    for rel in sorted(paths):
        if rel in texts:
            text = texts[rel]
            if text is None:
                continue
        else:
            try:
                data = (root / rel).read_bytes()
            except OSError:
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                out += [(rel, 1, f"{n.kind} {n.value} (in a file that is not text)") for n in needles
                        if _in_bytes(data, n)]
                continue
        if not _maybe(text, needles):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for n in needles:
                if _in_line(line, n):
                    out.append((rel, number, f"{n.kind} {n.value}"))
    return out


def _walk(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        out += [Path(dirpath) / f for f in filenames if not (Path(dirpath) / f).is_symlink()]
    return out


def _maybe(text: str, needles: list[Needle]) -> bool:
    """A quick look over the whole file before the line by line search: it never misses a line
    the search would find (all digits run together hold every run's digits; letters folded and
    stripped to ASCII hold every ASCII key), and skips most files at a few passes each."""
    from core.crm.dedup.normalise import _TURKISH, fold  # lazy: the normaliser's tables, 20 ms at every start

    digits: str | None = None
    flat: str | None = None
    folded: str | None = None
    for n in needles:
        if n.kind in ("phone", "tax id"):
            digits = digits if digits is not None else re.sub(r"\D+", "", text)
            hit = n.key in digits
        elif n.kind == "IBAN":
            hit = n.key in re.sub(r"\s+", "", text).upper()
        elif n.key.isascii():
            if flat is None:
                flat = unicodedata.normalize("NFKD", text.translate(_TURKISH).casefold())
                flat = " ".join(flat.encode("ascii", "ignore").decode().split())
            hit = n.key in flat
        else:
            folded = folded if folded is not None else fold(text)
            hit = n.key in folded
        if hit:
            return True
    return False


def _in_line(line: str, n: Needle) -> bool:
    from core.crm.dedup.normalise import fold  # lazy: the normaliser's tables, 20 ms at every start

    if n.kind in ("phone", "tax id"):
        return any(n.key in re.sub(r"\D", "", run) for run in _DIGIT_RUN.findall(line))
    if n.kind == "IBAN":
        return n.key in re.sub(r"\s", "", line).upper()
    return n.key in fold(line)


def _in_bytes(data: bytes, n: Needle) -> bool:
    if n.kind in ("phone", "tax id"):
        return n.key.encode() in data or n.value.encode() in data
    low = data.lower()
    return n.value.encode("utf-8").lower() in low or n.key.encode("utf-8") in low


# -- caches ---------------------------------------------------------------------------------------------

CACHE_DIR = ".kebir/cache"


def cache_files(root: Path) -> list[str]:
    """Every file under the books' cache directory (relative to the books), to purge with a forget:
    the parsed journals and documents, the dedup rows and their delta files."""
    base = Path(root) / CACHE_DIR
    if not base.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in base.rglob("*") if p.is_file() or p.is_symlink())
