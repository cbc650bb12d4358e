"""The small YAML record files read into records: accounts, contacts, items, locations,
documents, activities, prices, links and the CRM records; each kind registers its reader in
`core.books.kinds` at the end of this module.

Documents have a fast path too: the raw columns of `parse.parse_orders_yaml` are checked against
the schema column by column and built into `Document`s without a tree per record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any

import polars as pl

from core.books import flat, kinds, safeio, schema, yamlnodes
from core.books.parse import ORDER_NESTED, Raw, text_or_problem
from core.books.schema import FileKind
from core.books.yamlnodes import Map, Seq, scalar
from core.model.money import decimal_or
from core.model.errors import Problem
from core.model.records import (
    Account, Activity, Allocation, Campaign, Contact, Deal, Document, Item, Link, Location, OrderLine,
    PriceRule, Segment, Settings, StockReason, frozen_map,
)
from core.model.source import Source


_TYPES = {"asset", "cash", "bank", "liability", "equity", "income", "expense"}


def read_tree(root: Path, rel: str, kind: str) -> tuple[Any, list[Problem]]:
    data = safeio.read_bytes(root, rel)
    text, problems = text_or_problem(data, rel)
    if text is None:
        return None, problems
    tree, problems = yamlnodes.parse(text, rel)
    if tree is None:
        return None, problems
    if type(tree) is not Seq:
        return None, problems + [Problem("E013", rel, 1, f"a {kind} file is a list of records",
                                         found="a single value or mapping", hint="start each record with `- `")]
    problems += schema.check_tree(kind, tree, rel)
    return [r for r in tree if type(r) is Map], problems


def _iso_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except (ValueError, TypeError):
        return None


def _accounts(records: list[Map], rel: str) -> tuple[dict[str, Account], list[Problem]]:
    problems: list[Problem] = []
    raw: dict[str, Map] = {}
    for r in records:
        code = scalar(r.get("code"))
        if code is None:
            continue
        if code in raw:
            problems.append(Problem("E020", rel, r.line, f"account {code} is defined twice", record=code,
                                    found=f"also at {rel}:{raw[code].line}", hint="keep one of the two definitions"))
            continue
        raw[code] = r

    def parent_of(code: str, r: Map) -> str | None:
        if scalar(r.get("parent")):
            return r["parent"]
        head, dot, _ = code.rpartition(".")
        return head if dot and head in raw else None

    accounts: dict[str, Account] = {}

    def resolve_type(code: str, seen: tuple[str, ...] = ()) -> str | None:
        r = raw[code]
        if scalar(r.get("type")) in _TYPES:
            return r["type"]
        par = parent_of(code, r)
        if par is None or par not in raw or par in seen:
            return None
        return resolve_type(par, (*seen, code))

    for code, r in raw.items():
        par = parent_of(code, r)
        if par is not None and par not in raw:
            problems.append(Problem("E039", rel, r.lines.get("parent", r.line), f"parent account {par} does not exist",
                                    record=code, hint=f"add account {par} or correct `parent`"))
            par = None
        typ = resolve_type(code)
        if typ is None:
            problems.append(Problem("E039", rel, r.line, f"account {code} has no type", record=code,
                                    expected="asset | cash | bank | liability | equity | income | expense",
                                    hint="give `type:` here or on its parent group"))
            typ = "asset"
        accounts[code] = Account(code, scalar(r.get("name")) or "", typ, par, scalar(r.get("currency")),
                                 _iso_date(scalar(r.get("closed"))), Source(rel, r.line))
    for code, acc in accounts.items():   # a parent chain must end
        seen, cur = {code}, acc.parent
        while cur:
            if cur in seen:
                problems.append(Problem("E039", rel, acc.source.line, f"account {code} is its own ancestor",
                                        record=code, hint="break the cycle in `parent`"))
                break
            seen.add(cur)
            cur = accounts[cur].parent if cur in accounts else None
    return accounts, problems


def read_contact(r: Map, rel: str, side: str, role: str, kind: str) -> Contact:
    order = schema.field_order(kind)
    fields = tuple((k, r[k]) for k in order if k not in ("id", "kind", "name") and scalar(r.get(k)) is not None)
    if "tags" in r and type(r["tags"]) is Seq:
        fields += (("tags", ",".join(t for t in r["tags"] if type(t) is str)),)
    ckind = scalar(r.get("kind")) or ("person" if role == "employee" else "company")
    return Contact(r["id"], side, role if side == "erp" else ckind, ckind, scalar(r.get("name")) or "",
                   fields, Source(rel, r.line))


def _allocations(value: Any, key: str) -> tuple[Allocation, ...]:
    if type(value) is not Seq:
        return ()
    return tuple(Allocation(scalar(a.get(key)) or "", decimal_or(scalar(a.get("amount")), Decimal(0)))
                 for a in value if type(a) is Map)


def _document(r: Map, rel: str) -> Document:
    lines = tuple(
        OrderLine(scalar(ln.get("item")), decimal_or(scalar(ln.get("quantity")), Decimal(0)),
                  decimal_or(scalar(ln.get("price")), Decimal(0)), decimal_or(scalar(ln.get("vat_rate")), Decimal(0)),
                  decimal_or(scalar(ln.get("discount")), Decimal(0)), scalar(ln.get("account")),
                  scalar(ln.get("description")), Source(rel, ln.line), scalar(ln.get("unit")))
        for ln in (r.get("lines") if type(r.get("lines")) is Seq else ()) if type(ln) is Map
    )
    amount = scalar(r.get("amount"))
    return Document(
        r["id"], scalar(r.get("kind")) or "sales", _iso_date(scalar(r.get("date"))) or date.min,
        scalar(r.get("party")) or "", lines, scalar(r.get("status")) or "open", scalar(r.get("currency")),
        scalar(r.get("location")), _iso_date(scalar(r.get("due"))), scalar(r.get("memo")), scalar(r.get("rate")),
        decimal_or(amount, Decimal(0)) if amount is not None else None, scalar(r.get("account")),
        scalar(r.get("order")), scalar(r.get("invoice")), scalar(r.get("rep")), scalar(r.get("campaign")),
        scalar(r.get("number")),
        _allocations(r.get("allocations"), "invoice"), _allocations(r.get("applies"), "advance"), Source(rel, r.line),
        scalar(r.get("ettn")))


def fast_documents(raws: dict[str, Raw]) -> dict[str, list[Document]]:
    """The documents of the files that took the fast path, by file. A file that did not, or has a
    value breaking a schema rule, is left out: the general path reads it and reports the problem.
    The rules are checked column by column, over all files at once."""
    fast = {rel: raw for rel, raw in raws.items() if raw.frames}
    if not fast:
        return {}
    orders = schema.load_schema("orders")
    node = schema.record_schema("orders")
    bad = {p.path for p in schema.check_columns("orders", pl.concat([r.frames["documents"] for r in fast.values()]))}
    for key in ORDER_NESTED:
        items = schema.resolve(orders, node["properties"][key])["items"]
        bad |= {p.path for p in schema.check_columns("orders", pl.concat([r.frames[key] for r in fast.values()]),
                                                     schema_node=items)}
    return {rel: _documents_from(raw.frames, rel) for rel, raw in fast.items() if rel not in bad}


def _documents_from(frames: dict[str, pl.DataFrame], rel: str) -> list[Document]:
    """Documents from the raw columns of `parse_orders_yaml`: the same records as `_document`.

    Built column-wise (`map` over the columns, one `Decimal` per distinct text, dates typed by
    polars), since a year of documents is a few hundred thousand records."""
    d = frames["documents"]
    n = d.height

    def decimals(col: list[str | None], none: Decimal | None) -> list[Decimal | None]:
        known: dict[str | None, Decimal | None] = {text: decimal_or(text, Decimal(0)) for text in set(col)}
        known[None] = none
        return [known[text] for text in col]

    def grouped(frame: pl.DataFrame, records: list[Any]) -> list[tuple[Any, ...]]:
        """Records (in `_doc` order) as one tuple per document."""
        if not records:
            return [()] * n
        bounds = frame.get_column("_doc").search_sorted(pl.int_range(0, n + 1, eager=True), side="left").to_list()
        return [tuple(records[a:b]) for a, b in pairwise(bounds)]

    ln = frames["lines"]
    lc = {c: ln.get_column(c).to_list() for c in ("item", "quantity", "price", "vat_rate", "discount", "account",
                                                   "description", "line", "unit")}
    lines = grouped(ln, list(map(
        OrderLine, lc["item"], decimals(lc["quantity"], Decimal(0)), decimals(lc["price"], Decimal(0)),
        decimals(lc["vat_rate"], Decimal(0)), decimals(lc["discount"], Decimal(0)), lc["account"], lc["description"],
        map(Source, repeat(rel), lc["line"]), lc["unit"])))
    nested = []
    for key, ref in (("allocations", "invoice"), ("applies", "advance")):
        f = frames[key]
        nested.append(grouped(f, list(map(Allocation, [x or "" for x in f.get_column(ref).to_list()],
                                          decimals(f.get_column("amount").to_list(), Decimal(0))))))
    c = d.with_columns(date=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False).fill_null(date.min),
                       due=pl.col("due").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                       status=pl.col("status").fill_null("open"))
    col = {name: c.get_column(name).to_list() for name in c.columns}
    return list(map(
        Document, col["id"], col["kind"], col["date"], col["party"], lines, col["status"], col["currency"],
        col["location"], col["due"], col["memo"], col["rate"], decimals(col["amount"], None), col["account"],
        col["order"], col["invoice"], col["rep"], col["campaign"], col["number"], nested[0], nested[1],
        map(Source, repeat(rel), col["line"]), col["ettn"]))


def _price_rule(r: Map, rel: str) -> PriceRule:
    def rows(key: str, a: str, b: str) -> tuple[tuple, ...]:
        v = r.get(key)
        return tuple((scalar(x.get(a)) if a == "item" else decimal_or(scalar(x.get(a)), Decimal(0)),
                      decimal_or(scalar(x.get(b)), Decimal(0)))
                     for x in (v if type(v) is Seq else ()) if type(x) is Map)

    items = r.get("items")
    disc = scalar(r.get("discount"))
    return PriceRule(r["id"], scalar(r.get("kind")) or "list", scalar(r.get("party")), scalar(r.get("campaign")),
                     scalar(r.get("currency")), _iso_date(scalar(r.get("valid_from"))),
                     _iso_date(scalar(r.get("valid_to"))),
                     tuple(i for i in (items if type(items) is Seq else ()) if type(i) is str),
                     decimal_or(disc, Decimal(0)) if disc is not None else None, rows("prices", "item", "price"),
                     rows("breaks", "min_quantity", "discount"), Source(rel, r.line),
                     {"yes": True, "true": True, "no": False, "false": False}.get(
                         (scalar(r.get("vat_included")) or "").lower()))


def _overrides(r: Map) -> tuple[tuple[str, str], ...]:
    acc = r.get("accounts")
    if type(acc) is not Map:
        return ()
    return tuple(sorted((k, v) for k, v in acc.items() if type(v) is str))


# --------------------------------------------------------------------------- one record of each kind

def _erp_or_crm_contact(r: Map, rel: str, fk: FileKind) -> Contact:
    return read_contact(r, rel, "erp" if fk.kind == "erp-contacts" else "crm", fk.role, fk.kind)


def _item(r: Map, rel: str, fk: FileKind) -> Item:
    return Item(r["id"], scalar(r.get("name")) or "", scalar(r.get("unit")) or "", scalar(r.get("valuation")) or "fifo",
                scalar(r.get("category")), scalar(r.get("vat_rate")), scalar(r.get("supplier")),
                scalar(r.get("type")) or "stock", _overrides(r), Source(rel, r.line))


def _location(r: Map, rel: str, fk: FileKind) -> Location:
    seats = scalar(r.get("seats"))
    hours = r.get("hours")
    return Location(r["id"], scalar(r.get("name")) or "", scalar(r.get("kind")) or "", _overrides(r),
                    Source(rel, r.line), int(seats) if seats and seats.isdigit() else None,
                    tuple(sorted((k, v) for k, v in hours.items() if type(v) is str)) if type(hours) is Map else ())


def _reason(r: Map, rel: str, fk: FileKind) -> StockReason:
    return StockReason(r["id"], scalar(r.get("name")) or "", Source(rel, r.line))


def _activity(r: Map, rel: str, fk: FileKind) -> Activity:
    return Activity(r["id"], _iso_date(scalar(r.get("date"))) or date.min, scalar(r.get("contact")) or "",
                    scalar(r.get("kind")) or "", scalar(r.get("subject")), scalar(r.get("outcome")),
                    scalar(r.get("owner")), Source(rel, r.line))


def _link(r: Map, rel: str, fk: FileKind) -> Link | None:
    if not (scalar(r.get("crm")) and scalar(r.get("erp"))):
        return None
    return Link(r["crm"], r["erp"], _iso_date(scalar(r.get("since"))), Source(rel, r.line))


def _deal(r: Map, rel: str, fk: FileKind) -> Deal:
    prob = scalar(r.get("probability"))
    return Deal(r["id"], scalar(r.get("contact")) or "", scalar(r.get("stage")) or "lead",
                decimal_or(scalar(r.get("amount")), Decimal(0)) or Decimal(0),
                _iso_date(scalar(r.get("created"))) or date.min,
                scalar(r.get("name")), scalar(r.get("currency")), int(prob) if prob and prob.isdigit() else None,
                _iso_date(scalar(r.get("expected_close"))), _iso_date(scalar(r.get("closed"))), scalar(r.get("owner")),
                scalar(r.get("campaign")), scalar(r.get("order")), scalar(r.get("lost_reason")), Source(rel, r.line))


def _campaign(r: Map, rel: str, fk: FileKind) -> Campaign:
    members = r.get("members")
    return Campaign(
        r["id"], scalar(r.get("name")) or "", scalar(r.get("kind")) or "",
        _iso_date(scalar(r.get("start"))) or date.min, _iso_date(scalar(r.get("end"))),
        decimal_or(scalar(r.get("cost")), Decimal(0)) or Decimal(0), scalar(r.get("account")),
        tuple(m for m in members if type(m) is str) if type(members) is Seq else (), Source(rel, r.line))


def _segment(r: Map, rel: str, fk: FileKind) -> Segment:
    return Segment(r["id"], scalar(r.get("name")) or "", scalar(r.get("where")) or "", Source(rel, r.line))


def _account_file(records: list[Map], rel: str, settings: Settings) -> tuple[list[Account], list[Problem]]:
    got, problems = _accounts(records, rel)
    return list(got.values()), problems


def _by_id(record: Any) -> str:
    return record.id


kinds.register(
    kinds.RecordKind("accounts", Account, "accounts", read=_account_file, key=lambda a: a.code),
    *(kinds.RecordKind(kind, Contact, "contacts", one=_erp_or_crm_contact, namespace="contact", key=_by_id)
      for kind in ("erp-contacts", "crm-contacts")),
    kinds.RecordKind("items", Item, "items", one=_item, namespace="item", key=_by_id),
    kinds.RecordKind("locations", Location, "locations", one=_location, namespace="location", key=_by_id),
    kinds.RecordKind("orders", Document, "documents", one=lambda r, rel, fk: _document(r, rel),
                     namespace="document", order=lambda o: (o.date, o.id)),
    kinds.RecordKind("activities", Activity, "activities", one=_activity, namespace="activity",
                     order=lambda a: (a.date, a.id)),
    kinds.RecordKind("prices", PriceRule, "prices", one=lambda r, rel, fk: _price_rule(r, rel),
                     namespace="price rule"),
    kinds.RecordKind("links", Link, "links", one=_link),
    kinds.RecordKind("deals", Deal, "deals", one=_deal, namespace="deal", order=lambda d: (d.created, d.id)),
    kinds.RecordKind("campaigns", Campaign, "campaigns", one=_campaign, namespace="campaign",
                     order=lambda c: (c.start, c.id)),
    kinds.RecordKind("segments", Segment, "segments", one=_segment, namespace="segment"),
    kinds.RecordKind("reasons", StockReason, "reasons", one=_reason, namespace="reason", key=_by_id),
)


# --------------------------------------------------------------------------- every small file

@dataclass
class Read:
    """What the small YAML files gave: the Book fields their kinds fill, and the groups of files
    an `attach` reader takes once the book is built (in the order they were first met)."""

    fields: dict[str, Any]
    attach: dict[kinds.Attach, list[tuple[str, str, Any]]]


def read_records(root: Path, files: list[tuple[str, FileKind]], settings: Settings,
                 fast_docs: dict[str, list[Document]], problems: list[Problem]) -> Read:
    """Every small YAML record file of `files`, in their order, through its registered kind; ids
    unique within each kind's namespace over all files (E020). Problems are appended to `problems`."""
    collected: dict[str, Any] = {}
    for k in kinds.registered().values():
        if k.field is not None:
            collected.setdefault(k.field, {} if k.key is not None else [])
    groups: dict[kinds.Attach, list[tuple[str, str, Any]]] = {}
    seen: dict[tuple[str, str], Source] = {}

    def unique(ns: str, rid: str | None, src: Source) -> bool:
        if rid is None:
            return False
        first = seen.get((ns, rid))
        if first is not None:
            problems.append(Problem("E020", src.path, src.line, f"{ns} id {rid} is used twice", record=rid,
                                    found=f"first at {first}", hint="give one of them a new id"))
            return False
        seen[(ns, rid)] = src
        return True

    def add(kind: kinds.RecordKind, record: Any) -> None:
        into = collected[kind.field]
        if kind.key is not None:
            into[kind.key(record)] = record
        else:
            into.append(record)

    for rel, fk in files:
        if fk.fmt != "yaml" or fk.kind == "journal":
            continue
        kind = kinds.get(fk.kind)
        fast = fast_docs.get(rel) if fk.kind == "orders" else None
        if fast is not None:
            for doc in fast:
                if unique("document", doc.id, doc.source):
                    add(kind, doc)
            continue
        got = flat.read_records(root, rel, fk.kind) if fk.kind in flat.KINDS else None    # contacts: one reader
        records, found = got if got is not None else read_tree(root, rel, fk.kind)
        problems += found
        if records is None:
            continue
        if kind.attach is not None:      # e.g. recipes and production runs (core.erp.production)
            groups.setdefault(kind.attach, []).append((fk.kind, rel, records))
            continue
        if kind.read is not None:        # a file's records at once; the reader checks them
            got, found = kind.read(records, rel, settings)
            for record in got:
                add(kind, record)
            problems += found
            continue
        for r in records:
            src = Source(rel, r.line)
            if kind.namespace is not None and not unique(kind.namespace, scalar(r.get("id")), src):
                continue
            record = kind.one(r, rel, fk) if kind.one is not None else None
            if record is not None:
                add(kind, record)
    fields: dict[str, Any] = {}
    for k in kinds.registered().values():
        if k.field is None or k.field in fields:
            continue
        got = collected[k.field]
        if k.key is not None:
            fields[k.field] = frozen_map(got)
        else:
            fields[k.field] = tuple(sorted(got, key=k.order) if k.order else got)
    return Read(fields, groups)
