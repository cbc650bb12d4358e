"""`kebir dedup apply PLAN`: carry out the accepted clusters of a dedup plan as one reviewable diff.

For each cluster whose `decision` is `accept`:

- **Within one side** (two or more CRM records, or two or more ERP parties): the side's survivor
  (the plan's survivor when it is on that side, else the member with the most fields, ties to the
  lower id) takes the field values, and every other member gets `merged_into: SURVIVOR`. The
  merged records stay in their files with all they held, so nothing is lost and every id ever
  issued still resolves (`Book.resolve`). Two ERP parties that carry different tax ids are never
  merged: the cluster is skipped and named.
- **Across the sides**: the CRM survivor and the ERP survivor are linked in `contacts/links.yaml`
  and the fields both records hold are made to agree.
- **Re-pointing**: CRM records (activities, deals, campaign members, a person's company, links)
  and orders that are still drafts or open (`quotation`, `sales`, `purchase` not closed or
  cancelled) now name the survivor. Issued documents (invoices, credit notes, payments,
  advances), journal entries and every record in a closed period keep the id they were issued
  with; reports resolve it through the alias.

Field values, per field (survivorship):

1. a value the plan's `fields` list gives (what a person reviewed), when its `from` is a member;
2. else by `[dedup]` in books.toml: `erp_wins` fields (default: name, tax_id, address, city,
   payment_terms, credit_limit, iban) take the ERP value, `crm_wins` fields (default: email,
   phone, title, owner, website) the CRM value, when that side has one;
3. else the most recent non-empty value (a record's `updated`, else `created` date; ties to the
   survivor, then the lower id).

Members that disagree on a field are listed as conflicts, with the value chosen and why.

Nothing is written here: `plan_apply` returns the new text of every file it changes, and the
caller writes them with core.books.store (atomically, under the books lock), so a dry run and the real
run compute the same bytes, and `git revert` of the commit restores the files exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core.books import schema, yamlnodes
from core.model.errors import Problem
from core.books.fmt import _split_header
from core.model.records import Book, Contact
from core.books.store import dump_yaml_records
from core.books.closes import closed_periods, read_closes
from core.crm.dedup.normalise import email_norm, fold, phone_e164
from core.ledger.period import today

ERP_WINS = ("name", "tax_id", "address", "city", "payment_terms", "credit_limit", "iban")
CRM_WINS = ("email", "phone", "title", "owner", "website")
ORDER_KINDS = frozenset({"quotation", "sales", "purchase"})
OPEN_STATUSES = frozenset({"draft", "open"})
NOT_FIELDS = frozenset({"id", "kind", "merged_into", "tags", "created", "updated"})


@dataclass
class Conflict:
    cluster: Any
    contact: str
    field: str
    values: dict[str, str]
    chosen: str
    why: str


@dataclass
class ApplyResult:
    files: dict[str, str] = field(default_factory=dict)           # rel -> new text
    merged: list[tuple[str, str]] = field(default_factory=list)   # (alias, survivor)
    linked: list[tuple[str, str]] = field(default_factory=list)   # (crm, erp)
    repointed: dict[str, int] = field(default_factory=dict)       # what -> how many references
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[tuple[Any, str]] = field(default_factory=list)  # (cluster, why)
    applied: list[Any] = field(default_factory=list)              # cluster numbers carried out
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.applied)} cluster(s) applied", f"{len(self.merged)} merged",
                 f"{len(self.linked)} linked",
                 f"{sum(self.repointed.values())} reference(s) re-pointed", f"{len(self.conflicts)} conflict(s)",
                 f"{len(self.skipped)} skipped", f"{len(self.files)} file(s) changed"]
        return ", ".join(parts)


def rules(book: Book) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(erp_wins, crm_wins) field lists from books.toml [dedup], else the defaults."""
    dedup = book.settings.dedup
    return (dedup.erp_wins if dedup.erp_wins is not None else ERP_WINS,
            dedup.crm_wins if dedup.crm_wins is not None else CRM_WINS)


# -- reading the plan and the files ----------------------------------------------------------------

DECISIONS = ("pending", "accept", "reject")      # schemas/plan.schema.json


def read_plan(path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The plan's clusters as plain values, or the problems that stop it being read."""
    text, problems = yamlnodes.decode(path.read_bytes(), str(path))
    if text is None:
        return [], problems
    tree, problems = yamlnodes.parse(text, str(path))
    if problems:
        return [], problems
    if not isinstance(tree, list):
        return [], [Problem("E003", str(path), 1, "a dedup plan is a list of clusters",
                            hint="write it with `kebir dedup scan -o FILE`")]
    wrong = [Problem("E012", str(path), c.lines.get("decision", c.line),
                     f"cluster {yamlnodes.scalar(c.get('cluster'))}: decision {d!r} is not one kebir knows",
                     record=str(yamlnodes.scalar(c.get("cluster")) or ""), expected="accept, reject or pending",
                     found=str(d), hint="write `decision: accept` to merge the cluster, `reject` to keep its "
                     "records apart, `pending` to decide later; nothing was applied")
             for c in tree if type(c) is yamlnodes.Map
             for d in [yamlnodes.scalar(c.get("decision"))] if d is not None and d.strip() not in DECISIONS]
    if wrong:
        return [], wrong
    return [c for c in yamlnodes.plain(tree) if isinstance(c, dict)], []


class _Files:
    """Record files read once, changed in memory, rendered canonically at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.headers: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.changed: set[str] = set()

    def get(self, rel: str) -> list[dict[str, Any]]:
        if rel not in self.records:
            fk = schema.kind_of(rel)
            text = (self.root / rel).read_text(encoding="utf-8")
            header, _ = _split_header(text)
            tree, problems = yamlnodes.parse(text, rel)
            if problems or not isinstance(tree, list):
                raise ValueError(f"{rel} cannot be read; run `kebir validate` first")
            self.records[rel] = [r for r in yamlnodes.plain(tree) if isinstance(r, dict)]
            self.headers[rel] = header
            self.kinds[rel] = fk.kind if fk else ""
        return self.records[rel]

    def record(self, rel: str, rid: str, key: str = "id") -> dict[str, Any] | None:
        return next((r for r in self.get(rel) if str(r.get(key)) == rid), None)

    def texts(self) -> dict[str, str]:
        out = {}
        for rel in sorted(self.changed):
            header = self.headers[rel]
            body = dump_yaml_records(self.kinds[rel], self.records[rel])
            out[rel] = (header + "\n" if header else "") + body
        return out


# -- survivorship -----------------------------------------------------------------------------------

def _recency(c: Contact) -> date:
    for key in ("updated", "created"):
        v = c.get(key)
        if v:
            try:
                return date.fromisoformat(v)
            except ValueError:
                pass
    return date.min


def _completeness(c: Contact) -> tuple[int, str]:
    return (-len(c.fields), c.id)


def choose(field_name: str, members: list[Contact], survivor: str, pinned: dict[str, str],
           erp_wins: tuple[str, ...], crm_wins: tuple[str, ...]) -> tuple[str | None, str, str]:
    """(value, from id, why) for one field of a cluster, by the rules in the module doc."""
    holders = [(c, c.name if field_name == "name" else c.get(field_name)) for c in members]
    holders = [(c, v) for c, v in holders if v not in (None, "")]
    if field_name in pinned:
        src = pinned[field_name]
        for c, v in holders:
            if c.id == src:
                return v, c.id, "the plan"
    if not holders:
        return None, "", ""
    for side, wins in (("erp", erp_wins), ("crm", crm_wins)):
        if field_name in wins:
            on_side = [(c, v) for c, v in holders if c.side == side]
            if on_side:
                c, v = sorted(on_side, key=lambda cv: (cv[0].id != survivor, cv[0].id))[0]
                return v, c.id, f"{side.upper()} wins {field_name}"
    c, v = sorted(holders, key=lambda cv: (-_recency(cv[0]).toordinal(), cv[0].id != survivor, cv[0].id))[0]
    return v, c.id, "most recent"


# -- applying ---------------------------------------------------------------------------------------

def _sealed_files(book: Book) -> set[str]:
    """Files holding records dated in a closed period: merge never edits them."""

    closes, _ = read_closes(book.root)
    closed = closed_periods(closes)
    if not closed:
        return set()
    return {d.source.path for d in book.documents if f"{d.date.year}-{d.date.month:02d}" in closed}


def plan_apply(book: Book, clusters: list[dict[str, Any]]) -> ApplyResult:
    """The changes the accepted clusters make (see the module doc); writes nothing."""
    result = ApplyResult()
    files = _Files(book.root)
    erp_wins, crm_wins = rules(book)
    mapping: dict[str, str] = {}          # merged id -> survivor
    new_links: list[tuple[str, str]] = []
    for cl in clusters:
        if str(cl.get("decision", "")).strip() != "accept":
            continue
        number = cl.get("cluster")
        ids = [str(m.get("id") if isinstance(m, dict) else m) for m in cl.get("members") or []]
        missing = [i for i in ids if i not in book.contacts]
        if missing or len(ids) < 2:
            result.skipped.append((number, f"unknown member(s) {', '.join(missing)}" if missing
                                   else "fewer than 2 members"))
            continue
        members = [book.contacts[i] for i in ids]
        gone = [c.id for c in members if c.get("merged_into")]
        if gone:
            result.skipped.append((number, f"already merged: {', '.join(gone)}"))
            continue
        erp_tax = {c.get("tax_id") for c in members if c.side == "erp" and c.get("tax_id")}
        if len(erp_tax) > 1:
            result.skipped.append((number, f"ERP parties with different tax ids ({', '.join(sorted(erp_tax))}) "
                                           "are never merged"))
            continue
        survivor_id = str(cl.get("survivor") or "")
        pinned = {str(f.get("field")): str(f.get("from")) for f in cl.get("fields") or []
                  if isinstance(f, dict) and f.get("from") in ids}
        side_survivor: dict[str, Contact] = {}
        for side in ("crm", "erp"):
            on_side = [c for c in members if c.side == side]
            if not on_side:
                continue
            chosen = next((c for c in on_side if c.id == survivor_id), None) or sorted(on_side, key=_completeness)[0]
            side_survivor[side] = chosen
            for c in on_side:
                if c.id != chosen.id:
                    mapping[c.id] = chosen.id
                    result.merged.append((c.id, chosen.id))
        fields_all = sorted({k for c in members for k, _ in c.fields} - NOT_FIELDS - {"company"} | {"name"})
        for survivor in side_survivor.values():
            same_side = [c for c in members if c.side == survivor.side]
            other = [c for c in members if c.side != survivor.side]
            rel = survivor.source.path
            rec = files.record(rel, survivor.id)
            if rec is None:
                result.skipped.append((number, f"{survivor.id} not found in {rel}"))
                continue
            allowed = set(schema.field_order(files.kinds[rel]))
            for fname in fields_all:
                if fname not in allowed:
                    continue
                # within the side every member counts; across, only fields both records hold
                pool = same_side + [c for c in other if (c.name if fname == "name" else c.get(fname))
                                    and (survivor.name if fname == "name" else survivor.get(fname))]
                value, src, why = choose(fname, pool, survivor_id or survivor.id, pinned, erp_wins, crm_wins)
                if value is None:
                    continue
                distinct = {c.id: (c.name if fname == "name" else c.get(fname)) for c in pool}
                distinct = {k: v for k, v in distinct.items() if v not in (None, "")}
                if len({_same(fname, v) for v in distinct.values()}) > 1:
                    result.conflicts.append(Conflict(number, survivor.id, fname, distinct, value, f"{why} ({src})"))
                if str(rec.get(fname) or "") != value:
                    rec[fname] = value
                    files.changed.add(rel)
            for c in same_side:
                if c.id == survivor.id:
                    continue
                merged = files.record(c.source.path, c.id)
                if merged is not None:
                    merged["merged_into"] = survivor.id
                    files.changed.add(c.source.path)
        if "crm" in side_survivor and "erp" in side_survivor:
            new_links.append((side_survivor["crm"].id, side_survivor["erp"].id))
        result.applied.append(number)

    _repoint(book, files, mapping, result)
    _link(book, files, mapping, new_links, result)
    result.files = files.texts()
    return result


def _same(field_name: str, value: str) -> str:
    """A value as compared for conflicts: phones in E.164, e-mails and names folded, so a mere
    reformatting is not reported as a disagreement."""

    if field_name == "phone":
        return phone_e164(value) or value
    if field_name == "email":
        return email_norm(value) or value
    return " ".join(fold(value).split())


def _bump(result: ApplyResult, what: str) -> None:
    result.repointed[what] = result.repointed.get(what, 0) + 1


def _repoint(book: Book, files: _Files, mapping: dict[str, str], result: ApplyResult) -> None:
    if not mapping:
        return
    crm_files = sorted({a.source.path for a in book.activities} | {d.source.path for d in book.deals}
                       | {c.source.path for c in book.campaigns}
                       | {c.source.path for c in book.contacts.values() if c.get("company") in mapping})
    for rel in crm_files:
        for rec in files.get(rel):
            for key in ("contact", "company", "owner"):
                if str(rec.get(key) or "") in mapping:
                    rec[key] = mapping[str(rec[key])]
                    files.changed.add(rel)
                    _bump(result, f"{files.kinds[rel]}.{key}")
            if isinstance(rec.get("members"), list):
                new = []
                for m in rec["members"]:
                    target = mapping.get(str(m), str(m))
                    if target != str(m):
                        _bump(result, "campaigns.members")
                    if target not in new:
                        new.append(target)
                if new != rec["members"]:
                    rec["members"] = new
                    files.changed.add(rel)
    sealed = _sealed_files(book)
    for doc in book.documents:
        if doc.kind in ORDER_KINDS and doc.status in OPEN_STATUSES and doc.party in mapping \
                and doc.source.path not in sealed:
            rec = files.record(doc.source.path, doc.id)
            if rec is not None:
                rec["party"] = mapping[doc.party]
                files.changed.add(doc.source.path)
                _bump(result, "orders.party")


def _link(book: Book, files: _Files, mapping: dict[str, str], new_links: list[tuple[str, str]],
          result: ApplyResult) -> None:
    rel = "contacts/links.yaml"
    if not new_links and not any(link.crm in mapping or link.erp in mapping for link in book.links):
        return
    if (book.root / rel).exists():
        records = files.get(rel)
    else:
        files.records[rel], files.headers[rel], files.kinds[rel] = [], "", "links"
        records = files.records[rel]
    before = [dict(r) for r in records]
    seen: set[tuple[str, str]] = set()
    kept: list[dict[str, Any]] = []
    for r in records:
        crm, erp = mapping.get(str(r.get("crm")), str(r.get("crm"))), mapping.get(str(r.get("erp")), str(r.get("erp")))
        if (crm, erp) in seen:
            continue
        seen.add((crm, erp))
        kept.append({**r, "crm": crm, "erp": erp})
    today = str(_today())
    for crm, erp in new_links:
        if (crm, erp) not in seen:
            seen.add((crm, erp))
            kept.append({"crm": crm, "erp": erp, "since": today})
            result.linked.append((crm, erp))
    if kept != before:
        records[:] = kept
        files.changed.add(rel)


def _today() -> date:
    return today()
