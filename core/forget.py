"""`kebir contacts forget ID --reason TEXT`: replace a person's personal data with a pseudonym.

Every record of the party (the id given, the ids merged into it, the records linked to it across
CRM and ERP) keeps its id, kind, role and business fields (payment terms, credit limit, location),
so every invoice, payment, entry and report still resolves and every total is unchanged. The
personal fields are replaced: the name by `Forgotten person <pseudonym>` (the same pseudonym for
every id of the party, derived from the ids, so it is stable), and e-mail, phone, address, city,
tax id, IBAN, title, website and external ids are removed. `forgotten:` records the day and
`forgotten_reason:` why.

What it cannot change it reports: free text in other records that still holds the name, e-mail
or phone (memos, activity subjects), and, always, git history, which keeps every earlier version
(docs/trust.md says how to purge it with git filter-repo, and what that does to the audit trail).
Records in a closed period are not edited (they do not hold personal fields: documents and
entries name the party by id).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from core.edit import EditError, _read_yaml, _yaml_text
from core.model import Book

PERSONAL = ("name", "email", "phone", "address", "city", "tax_id", "iban", "title", "website", "external_id",
            "source", "tags")


@dataclass
class Forgotten:
    pseudonym: str
    ids: list[str]
    files: dict[str, str] = field(default_factory=dict)
    mentions: list[tuple[str, int, str]] = field(default_factory=list)   # (file, line, what matched)


def forget(book: Book, contact_id: str, reason: str, day: date) -> Forgotten:
    from core.crm import party_ids

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
    needles: set[str] = set()
    by_file: dict[str, list[str]] = {}
    for i in ids:
        c = book.contacts[i]
        by_file.setdefault(c.source.path, []).append(i)
        needles.add(c.name)
        needles |= {v for k, v in c.fields if k in ("email", "phone") and v}
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
    result.mentions = _mentions(book, {n for n in needles if len(n) >= 5}, set(by_file))
    return result


def _mentions(book: Book, needles: set[str], skip: set[str]) -> list[tuple[str, int, str]]:
    """Lines of other record files that still hold one of the needles (a name, e-mail, phone)."""
    out: list[tuple[str, int, str]] = []
    lowered = {n.lower(): n for n in needles}
    for rel in book.files:
        if rel in skip:
            continue
        try:
            text = (book.root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        low = text.lower()
        if not any(n in low for n in lowered):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for needle_low, needle in lowered.items():
                if needle_low in line.lower():
                    out.append((rel, n, needle))
    return out
