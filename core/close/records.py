"""The close record file, closes/YYYY-MM.yaml: where it lives, reading and writing it, and its
hash-chained history of closed, reopened and filed events (reopen and mark-filed change a record
only by appending an event); the checks that a record agrees with its history (E101) and its
totals with the books (E102), and the close files an interrupted close left behind (W004).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from core.books import safeio, yamlnodes
from core.books.load import close_file_live
from core.ledger.period import month_bounds
from core.model.errors import Problem
from core.model.money import fmt_minor
from core.model.records import Book


def close_paths(period: str) -> tuple[str, str, str]:
    y = period[:4]
    return f"closes/{period}.yaml", f"closes/{period}.seal.csv", f"journals/{y}/{period}.close.yaml"


def read_closes(root) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Every close record under closes/, by period (plain dicts of strings, with `_line`)."""
    out: dict[str, dict[str, Any]] = {}
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
            problems.append(Problem("E071", rel, 1, "not a close record", hint="restore it from git: git checkout -- " + rel))
            continue
        rec = yamlnodes.plain(tree)
        rec["_file"] = rel
        rec["_line"] = tree.line
        if str(rec["period"]) != path.name[:7]:
            problems.append(Problem("E100", rel, tree.line, f"{rel} holds the close record of {rec['period']}",
                                    record=str(rec["period"]), expected=f"period: {path.name[:7]}",
                                    found=f"period: {rec['period']}",
                                    hint="restore it from git: each month's record lives in closes/YYYY-MM.yaml"))
            continue
        out[str(rec["period"])] = rec
    return out, problems


RECORD_NAME = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.yaml")
SEAL_NAME = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.seal\.csv")


def closed_periods(closes: dict[str, dict[str, Any]]) -> set[str]:
    return {p for p, r in closes.items() if r.get("status", "closed") == "closed"}


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


def event_hash(period: str, previous: str, event: dict[str, Any]) -> str:
    """The hash of one history event: its fields (not `hash`), the period and the previous event's hash,
    so an event cannot be changed, removed or moved without changing every hash after it."""
    body = {str(k): str(v) for k, v in event.items() if k != "hash"}
    text = json.dumps({"period": period, "previous": previous, "event": body}, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


SEALED_FIELDS = ("period", "closed_by", "closed_on", "totals", "checklist", "generated", "entries", "seal",
                 "previous", "opening")


def record_digest(rec: dict[str, Any]) -> str:
    """A digest of what a close wrote into its record (everything but the status, the filed flag and
    the history, which later events change): the closed event carries it."""
    def text(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): text(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [text(x) for x in v]
        return str(v)

    body = {k: text(rec[k]) for k in SEALED_FIELDS if rec.get(k) is not None}
    return "sha256:" + hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def with_event(period: str, history: Any, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The history with `event` appended and hash-chained to the last one."""
    old = [dict(e) for e in history] if isinstance(history, list) else []
    previous = str(old[-1].get("hash", "")) if old and isinstance(old[-1], dict) else ""
    return old + [{**event, "hash": event_hash(period, previous, event)}]


def _events(rec: dict[str, Any]) -> list[dict[str, Any]]:
    h = rec.get("history")
    return [e for e in h if isinstance(e, dict)] if isinstance(h, list) else []


def history_problems(rec: dict[str, Any]) -> list[str]:
    """What is wrong between a close record and its history (empty: they agree). The history is a
    hash chain of events; `closed` opens it and follows only a `reopened`, `reopened` follows only a
    `closed`, `filed` follows a `closed` once; the status, the filed flag, the seal and who closed
    when are those of the events."""
    period = str(rec.get("period"))
    history = rec.get("history")
    if not isinstance(history, list) or not history:
        return ["it has no history"]
    previous, state, filed, last_close = "", "open", False, None
    for n, e in enumerate(history, 1):
        if not isinstance(e, dict) or e.get("event") not in EVENTS:
            return [f"history entry {n} is not a closed, reopened or filed event"]
        if e.get("hash") != event_hash(period, previous, e):
            return [f"history entry {n} ({e.get('event')}) does not carry the hash of its content and of the entry "
                    "before it"]
        previous = str(e["hash"])
        kind = e["event"]
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
    status = rec.get("status", "closed")
    if status != state:
        out.append(f"status is {status}, the history says {state}")
    if str(rec.get("filed", "false")).lower() != str(filed).lower():
        out.append(f"filed is {str(rec.get('filed', 'false')).lower()}, the history says {str(filed).lower()}")
    if last_close is not None and rec.get("seal") != last_close.get("seal"):
        out.append(f"seal {rec.get('seal')} is not the seal of the last close in the history, "
                   f"{last_close.get('seal')}")
    if last_close is not None and (str(rec.get("closed_by")), str(rec.get("closed_on"))) != \
            (str(last_close.get("by")), str(last_close.get("on"))):
        out.append(f"closed_by/closed_on are not those of the last close in the history "
                   f"({last_close.get('by')}, {last_close.get('on')})")
    if last_close is not None and last_close.get("record") != record_digest(rec):
        changed = "totals, checklist, generated entries, previous seal or opening balances"
        out.append(f"its {changed} are not what the last close wrote (digest {last_close.get('record')})")
    return out


def check_close_history(book: Book) -> list[Problem]:
    """E101: each close record agrees with its own hash-chained history; E102: a closed month's totals
    are the books' totals for it."""
    closes, _ = read_closes(book.root)
    problems: list[Problem] = []
    dec = book.settings.decimals(book.base) or 2
    for period in sorted(closes):
        rec = closes[period]
        rel = close_paths(period)[0]
        for wrong in history_problems(rec):
            problems.append(Problem("E101", rel, rec["_line"], f"close record {period} does not agree with its "
                                    f"history: {wrong}", record=period, found=wrong,
                                    hint="close records change only through kebir close, reopen and --mark-filed; "
                                         f"restore it from git (git log -p -- {rel})"))
        if rec.get("status", "closed") != "closed":
            continue
        begin, end = month_bounds(period)
        span = book.ledger().filter((pl.col("date") >= begin) & (pl.col("date") <= end))["base"]
        want = {"debit": fmt_minor(span.clip(lower_bound=0).sum(), dec),
                "credit": fmt_minor((-span).clip(lower_bound=0).sum(), dec)}
        have = rec.get("totals") if isinstance(rec.get("totals"), dict) else {}
        if {k: str(have.get(k)) for k in want} != want:
            problems.append(Problem("E102", rel, rec["_line"], f"the totals of close {period} are not the books' "
                                    "totals for the month", record=period,
                                    expected=f"debit {want['debit']}, credit {want['credit']}",
                                    found=f"debit {have.get('debit')}, credit {have.get('credit')}",
                                    hint="the totals are written by kebir close; restore the record from git"))
    return problems


def close_record_text(rec: dict[str, Any]) -> str:
    """A close record in its canonical form (fixed key order, strings quoted where YAML would retype them)."""
    order = ["period", "status", "closed_by", "closed_on", "filed", "totals", "checklist", "generated", "entries",
             "seal", "previous", "opening", "history"]
    doc = {k: rec[k] for k in order if k in rec and rec[k] is not None}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)


def reopen(closes: dict[str, dict[str, Any]], period: str, reason: str, by: str, on: date, cascade: bool
           ) -> tuple[dict[str, str | None], list[str]]:
    """Files to write (None: delete) to reopen `period` (and later periods with `cascade`), or refusals."""
    rec = closes.get(period)
    if rec is None or rec.get("status", "closed") != "closed":
        return {}, [f"{period} is not closed"]
    later = [p for p in sorted(closes) if p > period and closes[p].get("status", "closed") == "closed"]
    if later and not cascade:
        return {}, [f"later periods are closed ({', '.join(later)}): reopen them first, or use --cascade"]
    files: dict[str | None] = {}
    for p in [period, *later] if cascade else [period]:
        r = dict(closes[p])
        if r.get("filed") in (True, "true") or any(e.get("event") == "filed" for e in _events(r)):
            return {}, [f"{p} is filed (VAT return or e-ledger submitted): correct it with reversing and "
                        "correcting entries in an open period"]
        if wrong := history_problems(r):
            return {}, [f"the close record of {p} does not agree with its history ({wrong[0]}): restore it from git"]
        r["status"] = "reopened"
        r["history"] = with_event(p, r.get("history"), {"event": "reopened", "by": by, "on": on.isoformat(),
                                                        "reason": reason})
        rel_record, _, rel_entries = close_paths(p)
        files[rel_record] = close_record_text(r)
        files[rel_entries] = None
    return files, []


def mark_filed(closes: dict[str, dict[str, Any]], period: str, by: str, on: date) -> tuple[dict[str, str], list[str]]:
    rec = closes.get(period)
    if rec is None or rec.get("status", "closed") != "closed":
        return {}, [f"{period} is not closed: close it first"]
    r = dict(rec)
    if wrong := history_problems(r):
        return {}, [f"the close record of {period} does not agree with its history ({wrong[0]}): restore it from git"]
    if any(e.get("event") == "filed" for e in _events(r)):
        return {}, [f"{period} is already marked as filed"]
    r["filed"] = True
    r["history"] = with_event(period, r.get("history"), {"event": "filed", "by": by, "on": on.isoformat()})
    return {close_paths(period)[0]: close_record_text(r)}, []
