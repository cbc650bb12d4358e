"""The close record file, closes/YYYY-MM.yaml: where it lives, reading and writing it, and its
hash-chained history of closed, reopened and filed events (reopen and mark-filed change a record
only by appending an event); the checks that a record agrees with its history (E101) and its
totals with the books (E102), and the close files an interrupted close left behind (W004).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from core.books import safeio, yamlnodes
from core.books.discover import close_file_live
from core.ledger.period import month_bounds
from core.model.errors import Problem
from core.model.money import fmt_minor
from core.model.records import Book


# --------------------------------------------------------------------------- the typed close record

Extra = tuple[tuple[str, Any], ...]     # fields kebir does not write, kept as read: the hashes cover them
Order = tuple[str, ...]                 # the keys as a hand edit ordered them (empty: kebir's order)


def _text(v: Any) -> str | None:
    """A scalar field as text: kebir writes strings; a hand edit that left a map or list is read as
    its str(), the form the history hash reads every value in."""
    return None if v is None else v if isinstance(v, str) else str(v)


def _split(m: dict[str, Any], known: tuple[str, ...], last: str | None = None
           ) -> tuple[dict[str, str | None], Extra, Order]:
    fields = {k: _text(m.get(k)) for k in known}
    extra = tuple((str(k), v) for k, v in m.items() if k not in known)
    keys = tuple(str(k) for k in m)
    return fields, extra, (keys if keys != tuple(_joined(fields, extra, (), last)) else ())


def _joined(fields: dict[str, Any], extra: Extra, order: Order, last: str | None = None) -> dict[str, Any]:
    """Fields (those set, in kebir's order), then the extra ones, then `last`; or in `order`."""
    out = {k: v for k, v in fields.items() if v is not None and k != last}
    out.update(extra)
    if last is not None and fields.get(last) is not None:
        out[last] = fields[last]
    if not order:
        return out
    # in the order written; a key written empty (`by: ~`) holds nothing to keep
    return {**{k: out[k] for k in order if k in out}, **{k: v for k, v in out.items() if k not in order}}


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a close record's history, hash-chained to the entry before it (`event_hash`).
    `event` is None for an entry that is not a mapping with an `event` (history_problems names it)."""

    event: str | None
    by: str | None = None
    on: str | None = None
    seal: str | None = None          # closed: the seal the close wrote
    record: str | None = None        # closed: `record_digest` of what the close wrote
    reason: str | None = None        # reopened
    hash: str | None = None
    extra: Extra = ()
    order: Order = ()
    mapping: bool = True             # False: the file holds `other` here instead of a mapping (a hand edit)
    other: Any = None

    FIELDS = ("event", "by", "on", "seal", "record", "reason", "hash")

    @classmethod
    def read(cls, node: Any) -> Event:
        if not isinstance(node, dict):
            return cls(None, mapping=False, other=node)
        fields, extra, order = _split(node, cls.FIELDS, last="hash")
        return cls(**fields, extra=extra, order=order)

    def as_dict(self) -> Any:
        if not self.mapping:
            return self.other
        return _joined({k: getattr(self, k) for k in self.FIELDS}, self.extra, self.order, last="hash")


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One checklist result as the close record keeps it."""

    check: str | None
    result: str | None
    detail: str | None = None
    extra: Extra = ()
    order: Order = ()
    other: Any = None                # what the file holds instead of a mapping (a hand edit)

    FIELDS = ("check", "result", "detail")

    def as_dict(self) -> Any:
        return self.other if self.other is not None else _joined({k: getattr(self, k) for k in self.FIELDS},
                                                                 self.extra, self.order)


@dataclass(frozen=True, slots=True)
class Totals:
    """The month's debit and credit totals, as text in the base currency."""

    debit: str | None
    credit: str | None
    extra: Extra = ()
    order: Order = ()
    other: Any = None                # what the file holds instead of a mapping (a hand edit)

    FIELDS = ("debit", "credit")

    def as_dict(self) -> Any:
        return self.other if self.other is not None else _joined({k: getattr(self, k) for k in self.FIELDS},
                                                                 self.extra, self.order)


@dataclass(frozen=True, slots=True)
class OpeningBalance:
    """A balance the new fiscal year opens with (year-end records only).

    `balance` is in the row's `currency`; `base` is its value in the base currency, written only
    for a foreign-currency row (for a base-currency row the two are the same). Records written
    before `base` existed held the base value under `balance` for every row: a foreign-currency
    row without `base` is read that way (`base_value`, `currency_balance`)."""

    account: str | None
    currency: str | None
    contact: str | None
    balance: str | None
    base: str | None = None
    extra: Extra = ()
    order: Order = ()
    other: Any = None                # what the file holds instead of a mapping (a hand edit)

    FIELDS = ("account", "currency", "contact", "balance", "base")

    @property
    def base_value(self) -> str | None:
        """The value in the base currency: `base`, else `balance` (a base-currency row, or an old record)."""
        return self.base if self.base is not None else self.balance

    def currency_balance(self, base_currency: str) -> str | None:
        """The balance in the row's currency; None for an old record's foreign-currency row, which
        did not write it."""
        if self.base is not None or self.currency in (None, base_currency):
            return self.balance
        return None

    def as_dict(self) -> Any:
        return self.other if self.other is not None else _joined({k: getattr(self, k) for k in self.FIELDS},
                                                                 self.extra, self.order)


def _row(cls: Any, node: Any) -> Any:
    if not isinstance(node, dict):          # a hand edit: kept, so the record's digest still covers it
        return cls(*([None] * len(cls.FIELDS)), other=node)
    fields, extra, order = _split(node, cls.FIELDS)
    return cls(**fields, extra=extra, order=order)


def _rows(cls: Any, node: Any) -> tuple[Any, ...] | None:
    return None if node is None else tuple(_row(cls, x) for x in node) if isinstance(node, list) else \
        (_row(cls, node),)


@dataclass(frozen=True, slots=True)
class CloseRecord:
    """closes/YYYY-MM.yaml: what a close wrote (totals, checklist, generated entries, seal, the previous
    seal, at year end the opening balances) and its history of closed, reopened and filed events.

    `status` None is a record without one (read as closed); `filed` is False or True as kebir writes
    it, the text as read back from a file (a reopen writes it back as that text). `history` None is
    a record without a list of events. `file`/`line` say where it was read (not written)."""

    period: str
    status: str | None = None
    closed_by: str | None = None
    closed_on: str | None = None
    filed: bool | str | None = None
    totals: Totals | None = None
    checklist: tuple[CheckRow, ...] | None = None
    generated: tuple[str, ...] | None = None
    entries: str | None = None
    seal: str | None = None
    previous: str | None = None
    opening: tuple[OpeningBalance, ...] | None = None
    # at year end: the books.toml [close] settings the tax was computed with (core.reports.tax_base),
    # as written, so the worksheet of a closed year is the one that was booked
    tax_settings: Any = None
    history: tuple[Event, ...] | None = None
    file: str = ""
    line: int = 1

    @property
    def state(self) -> str:
        """closed, reopened (or what a hand edit wrote); closed when the record has no status."""
        return "closed" if self.status is None else self.status

    @property
    def events(self) -> tuple[Event, ...]:
        """The history's entries that are mappings (what the checks read as events)."""
        return tuple(e for e in self.history or () if e.mapping)

    @classmethod
    def read(cls, tree: dict[str, Any], file: str = "", line: int = 1) -> CloseRecord:
        """A record from its parsed file (plain dicts, lists and strings)."""
        t = tree.get
        filed = t("filed")
        totals = t("totals")
        generated = t("generated")
        history = t("history")
        return cls(
            period=str(t("period")), status=_text(t("status")), closed_by=_text(t("closed_by")),
            closed_on=_text(t("closed_on")),
            filed=filed if filed is None or isinstance(filed, (bool, str)) else str(filed),
            totals=None if totals is None else _row(Totals, totals),
            checklist=_rows(CheckRow, t("checklist")),
            generated=None if generated is None else tuple(_text(g) or "" for g in generated)
            if isinstance(generated, list) else (str(generated),),
            entries=_text(t("entries")), seal=_text(t("seal")), previous=_text(t("previous")),
            opening=_rows(OpeningBalance, t("opening")), tax_settings=t("tax_settings"),
            history=tuple(Event.read(e) for e in history) if isinstance(history, list) else None,
            file=file, line=line)

    def as_dict(self) -> dict[str, Any]:
        """The record as the file holds it, keys in kebir's order (None: not written; `entries` and
        `previous` always present, `opening` only at year end)."""
        out: dict[str, Any] = {
            "period": self.period, "status": self.status, "closed_by": self.closed_by,
            "closed_on": self.closed_on,
            "filed": self.filed, "totals": None if self.totals is None else self.totals.as_dict(),
            "checklist": None if self.checklist is None else [c.as_dict() for c in self.checklist],
            "generated": None if self.generated is None else list(self.generated),
            "entries": self.entries, "seal": self.seal, "previous": self.previous}
        if self.opening is not None:
            out["opening"] = [o.as_dict() for o in self.opening]
        if self.tax_settings is not None:
            out["tax_settings"] = self.tax_settings
        out["history"] = None if self.history is None else [e.as_dict() for e in self.history]
        return out

    def text(self) -> str:
        """The record's file in its canonical form (fixed key order, strings quoted where YAML would
        retype them)."""
        return close_record_text(self)


def close_paths(period: str) -> tuple[str, str, str]:
    y = period[:4]
    return f"closes/{period}.yaml", f"closes/{period}.seal.csv", f"journals/{y}/{period}.close.yaml"


def read_closes(root) -> tuple[dict[str, CloseRecord], list[Problem]]:
    """Every close record under closes/, by period."""
    out: dict[str, CloseRecord] = {}
    problems: list[Problem] = []
    folder = Path(root) / "closes"
    if not folder.is_dir():
        return out, problems
    for path in sorted(folder.iterdir()):
        rel = f"closes/{path.name}"
        if RECORD_NAME.fullmatch(path.name):
            pass
        elif SEAL_NAME.fullmatch(path.name) or not path.name.endswith((".yaml", ".yml", ".csv")) or path.is_dir():
            continue
        else:
            problems.append(Problem("E100", rel, 1, f"{rel} is not a close record file: it is not read",
                                    record=path.name, expected="closes/YYYY-MM.yaml and closes/YYYY-MM.seal.csv only",
                                    found=rel, hint=f"remove it (git rm {rel}): close records are written only by "
                                                    "kebir close, reopen and --mark-filed"))
            continue
        try:
            data = safeio.read_bytes(root, rel)     # a regular file inside the books, or a problem
        except safeio.Refused as exc:
            problems.append(exc.problem)
            continue
        text, found = yamlnodes.decode(data, rel)
        problems += found
        if text is None:
            continue
        tree, found = yamlnodes.parse(text, rel)
        problems += found
        if not isinstance(tree, dict) or "period" not in tree:
            problems.append(Problem("E071", rel, 1, "not a close record",
                                    hint="restore it from git: git checkout -- " + rel))
            continue
        rec = CloseRecord.read(yamlnodes.plain(tree), rel, tree.line)
        if rec.period != path.name[:7]:
            problems.append(Problem("E100", rel, tree.line, f"{rel} holds the close record of {rec.period}",
                                    record=rec.period, expected=f"period: {path.name[:7]}",
                                    found=f"period: {rec.period}",
                                    hint="restore it from git: each month's record lives in closes/YYYY-MM.yaml"))
            continue
        out[rec.period] = rec
    return out, problems


RECORD_NAME = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.yaml")
SEAL_NAME = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.seal\.csv")


def closed_periods(closes: dict[str, CloseRecord]) -> set[str]:
    return {p for p, r in closes.items() if r.state == "closed"}


def check_leftovers(book: Book) -> list[Problem]:
    """W004: generated close entries or seal digests whose period is not closed (an interrupted
    close, or a reopen): they are ignored, and the next `kebir close` writes them afresh."""
    out = []
    root = Path(book.root)
    for path in sorted(root.glob("journals/*/*.close.yaml")):
        rel = path.relative_to(root).as_posix()
        if not close_file_live(root, rel):
            period = path.name[:7]
            out.append(Problem("W004", rel, 1, f"generated entries of {period} without a closed close record",
                               record=period, expected=f"closes/{period}.yaml with status: closed",
                               hint=f"left by an interrupted close or a reopen and ignored; `kebir close {period}` "
                                    "writes it again, or delete the file"))
    return out


# --------------------------------------------------------------------------- the close record's history

EVENTS = ("closed", "reopened", "filed")


def event_hash(period: str, previous: str, event: Event) -> str:
    """The hash of one history event: its fields (not `hash`), the period and the previous event's hash,
    so an event cannot be changed, removed or moved without changing every hash after it."""
    body = {str(k): str(v) for k, v in event.as_dict().items() if k != "hash"}
    text = json.dumps({"period": period, "previous": previous, "event": body}, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


SEALED_FIELDS = ("period", "closed_by", "closed_on", "totals", "checklist", "generated", "entries", "seal",
                 "previous", "opening", "tax_settings")


def record_digest(record: CloseRecord) -> str:
    """A digest of what a close wrote into its record (everything but the status, the filed flag and
    the history, which later events change): the closed event carries it."""
    def text(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): text(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [text(x) for x in v]
        return str(v)

    rec = record.as_dict()
    body = {k: text(rec[k]) for k in SEALED_FIELDS if rec.get(k) is not None}
    return "sha256:" + hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def with_event(period: str, history: tuple[Event, ...] | None, event: Event) -> tuple[Event, ...]:
    """The history with `event` appended and hash-chained to the last one."""
    old = history or ()
    previous = (old[-1].hash or "") if old and old[-1].mapping else ""
    return (*old, replace(event, hash=event_hash(period, previous, event)))


def history_problems(rec: CloseRecord) -> list[str]:
    """What is wrong between a close record and its history (empty: they agree). The history is a
    hash chain of events; `closed` opens it and follows only a `reopened`, `reopened` follows only a
    `closed`, `filed` follows a `closed` once; the status, the filed flag, the seal and who closed
    when are those of the events."""
    period = rec.period
    history = rec.history
    if not history:
        return ["it has no history"]
    previous, state, filed, last_close = "", "open", False, None
    for n, e in enumerate(history, 1):
        if not e.mapping or e.event not in EVENTS:
            return [f"history entry {n} is not a closed, reopened or filed event"]
        if e.hash != event_hash(period, previous, e):
            return [f"history entry {n} ({e.event}) does not carry the hash of its content and of the entry "
                    "before it"]
        previous = str(e.hash)
        kind = e.event
        if kind == "closed" and state not in ("open", "reopened"):
            return [f"history entry {n} closes a month that is already closed"]
        if kind == "reopened" and (state != "closed" or filed):
            return [f"history entry {n} reopens a month that is {'filed' if filed else 'not closed'}"]
        if kind == "filed" and (state != "closed" or filed):
            return [f"history entry {n} files a month that is {'already filed' if filed else 'not closed'}"]
        if kind == "closed":
            last_close = e
        state, filed = ("closed" if kind in ("closed", "filed") else "reopened"), filed or kind == "filed"
    out = []
    status = rec.state
    if status != state:
        out.append(f"status is {status}, the history says {state}")
    flag = str("false" if rec.filed is None else rec.filed).lower()
    if flag != str(filed).lower():
        out.append(f"filed is {flag}, the history says {str(filed).lower()}")
    if last_close is not None and rec.seal != last_close.seal:
        out.append(f"seal {rec.seal} is not the seal of the last close in the history, "
                   f"{last_close.seal}")
    if last_close is not None and (str(rec.closed_by), str(rec.closed_on)) != \
            (str(last_close.by), str(last_close.on)):
        out.append(f"closed_by/closed_on are not those of the last close in the history "
                   f"({last_close.by}, {last_close.on})")
    if last_close is not None and last_close.record != record_digest(rec):
        changed = "totals, checklist, generated entries, previous seal, opening balances or tax settings"
        out.append(f"its {changed} are not what the last close wrote (digest {last_close.record})")
    return out


def check_close_history(book: Book) -> list[Problem]:
    """E101: each close record agrees with its own hash-chained history; E102: a closed month's totals
    are the books' totals for it."""
    closes, _ = read_closes(book.root)
    problems: list[Problem] = []
    dec = book.settings.base_decimals
    for period in sorted(closes):
        rec = closes[period]
        rel = close_paths(period)[0]
        for wrong in history_problems(rec):
            problems.append(Problem("E101", rel, rec.line, f"close record {period} does not agree with its "
                                    f"history: {wrong}", record=period, found=wrong,
                                    hint="close records change only through kebir close, reopen and --mark-filed; "
                                         f"restore it from git (git log -p -- {rel})"))
        if rec.state != "closed":
            continue
        begin, end = month_bounds(period)
        span = book.ledger().filter((pl.col("date") >= begin) & (pl.col("date") <= end))["base"]
        want = {"debit": fmt_minor(span.clip(lower_bound=0).sum(), dec),
                "credit": fmt_minor((-span).clip(lower_bound=0).sum(), dec)}
        have = rec.totals.as_dict() if rec.totals is not None and rec.totals.other is None else {}
        if {k: str(have.get(k)) for k in want} != want:
            problems.append(Problem("E102", rel, rec.line, f"the totals of close {period} are not the books' "
                                    "totals for the month", record=period,
                                    expected=f"debit {want['debit']}, credit {want['credit']}",
                                    found=f"debit {have.get('debit')}, credit {have.get('credit')}",
                                    hint="the totals are written by kebir close; restore the record from git"))
    return problems


def close_record_text(record: CloseRecord) -> str:
    """A close record in its canonical form (fixed key order, strings quoted where YAML would retype them)."""
    rec = record.as_dict()
    order = ["period", "status", "closed_by", "closed_on", "filed", "totals", "checklist", "generated", "entries",
             "seal", "previous", "opening", "tax_settings", "history"]
    doc = {k: rec[k] for k in order if k in rec and rec[k] is not None}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)


def reopen(closes: dict[str, CloseRecord], period: str, reason: str, by: str, on: date, cascade: bool
           ) -> tuple[dict[str, str | None], list[str]]:
    """Files to write (None: delete) to reopen `period` (and later periods with `cascade`), or refusals."""
    rec = closes.get(period)
    if rec is None or rec.state != "closed":
        return {}, [f"{period} is not closed"]
    later = [p for p in sorted(closes) if p > period and closes[p].state == "closed"]
    if later and not cascade:
        return {}, [f"later periods are closed ({', '.join(later)}): reopen them first, or use --cascade"]
    files: dict[str | None] = {}
    for p in [period, *later] if cascade else [period]:
        r = closes[p]
        if r.filed in (True, "true") or any(e.event == "filed" for e in r.events):
            return {}, [f"{p} is filed (VAT return or e-ledger submitted): correct it with reversing and "
                        "correcting entries in an open period"]
        if wrong := history_problems(r):
            return {}, [f"the close record of {p} does not agree with its history ({wrong[0]}): restore it from git"]
        r = replace(r, status="reopened", history=with_event(p, r.history, Event("reopened", by=by, on=on.isoformat(),
                                                                                  reason=reason)))
        rel_record, _, rel_entries = close_paths(p)
        files[rel_record] = close_record_text(r)
        files[rel_entries] = None
    return files, []


def mark_filed(closes: dict[str, CloseRecord], period: str, by: str, on: date) -> tuple[dict[str, str], list[str]]:
    rec = closes.get(period)
    if rec is None or rec.state != "closed":
        return {}, [f"{period} is not closed: close it first"]
    if wrong := history_problems(rec):
        return {}, [f"the close record of {period} does not agree with its history ({wrong[0]}): restore it from git"]
    if any(e.event == "filed" for e in rec.events):
        return {}, [f"{period} is already marked as filed"]
    r = replace(rec, filed=True, history=with_event(period, rec.history, Event("filed", by=by, on=on.isoformat())))
    return {close_paths(period)[0]: close_record_text(r)}, []
