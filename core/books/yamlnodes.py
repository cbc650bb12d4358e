"""Read YAML record files through libyaml's event stream, keeping every scalar as a string.

`yaml.load` with any of PyYAML's loaders types scalars by YAML 1.1 rules (`12.50` -> float,
`no` -> False, `012` -> 10), and building Python objects through its constructor is the slow
part. Here the C parser's events are folded straight into plain containers: `Map` (a dict with
the line of the mapping and of each value) and `Seq` (a list with its line). Scalars stay `str`.

Record files are data, not programs: anchors, aliases, explicit tags and merge keys are refused
(an alias bomb is a few hundred bytes that expand into gigabytes), and so is nesting deeper than
`MAX_DEPTH`. Problems are returned, never raised.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from core.books.safeio import NotUtf8, utf8_text
from core.model.errors import Problem
from core.books import safeio

MAX_DEPTH = 24
MAX_BYTES = 256 * 1024 * 1024


class Map(dict):  # type: ignore[type-arg]
    """A YAML mapping: `line` is where it starts, `lines[key]` where each value starts."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}


class Seq(list):  # type: ignore[type-arg]
    """A YAML sequence with the line it starts on."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8 (a BOM is dropped), else one E003 naming the first bad byte's line."""
    text = utf8_text(data)
    if isinstance(text, NotUtf8):
        bad = text.byte
        return None, [
            Problem(
                "E003", path, text.line, f"byte 0x{bad} is not valid UTF-8",
                expected="UTF-8 text", found=f"byte 0x{bad} at offset {text.offset}",
                hint="re-save the file as UTF-8 (e.g. iconv -f windows-1254 -t utf-8)",
            )
        ]
    return text, []


def scalar(v: Any) -> str | None:
    """A node's value when it is a scalar (every scalar is read as a string), else None (a map, a
    list, a missing field)."""
    return v if type(v) is str else None


def plain(node: Any) -> Any:
    """A parsed tree as plain dicts, lists and strings (the line numbers dropped)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def read_file(root: Any, rel: str) -> tuple[Any, list[Problem]]:
    """Decode and parse one YAML file under a books root: (tree or None, problems); no file: (None, [])."""
    from pathlib import Path

    path = Path(root) / rel
    if not path.is_file():
        return None, []
    text, problems = decode(safeio.read_bytes(root, rel), rel)
    if text is None:
        return None, problems
    return parse(text, rel)


def parse(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document into Map/Seq/str (None for an empty document)."""
    if len(text) > MAX_BYTES:
        return None, [Problem("E006", path, 1, f"file is larger than {MAX_BYTES // 2**20} MiB",
                              hint="split it, e.g. one file per month")]
    try:
        return _build(yaml.parse(text, Loader=yaml.CBaseLoader), path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or str(exc)).strip()
        if exc.context and "quoted" in exc.context and exc.context_mark is not None:
            mark, what = exc.context_mark, f"{exc.context}: the quote opened here is never closed"
        line = mark.line + 1 if mark is not None else 1
        return None, [Problem("E001", path, line, f"YAML syntax: {what}", hint=_syntax_hint(text, line, what))]
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        line = getattr(getattr(exc, "mark", None), "line", 0) + 1 if hasattr(exc, "mark") else 1
        return None, [Problem("E001", path, line, f"YAML syntax: {exc}".splitlines()[0],
                              hint="remove control characters from the file")]


def _syntax_hint(text: str, line: int, what: str) -> str:
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here or "tab" in what:
        return "YAML indents with spaces only: replace the tab with spaces"
    if "quote" in what or "quoted" in what:
        return "close the quote on this line, or quote the whole value"
    if "indent" in what or "mapping values are not allowed" in what:
        return "check the indentation: keys of one record line up, list items start with '- '"
    return "check the indentation and quoting around this line; `kebir fmt` writes the canonical form"


def _refused(path: str, line: int, what: str) -> Problem:
    return Problem("E005", path, line, f"{what} are not allowed in record files",
                   hint="write the values out in full; record files are data, not templates")


def _build(events: Any, path: str) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    stack: list[Any] = []        # open containers
    keys: list[Any] = []         # for each open Map: the pending key (or None)
    root: Any = None
    docs = 0
    for ev in events:
        t = type(ev)
        if t is ScalarEvent:
            # The hot path (most events are scalars in mappings), inlined: keys need no line.
            if ev.anchor is not None or (ev.tag is not None and ev.tag != "tag:yaml.org,2002:str"):
                problems.append(_refused(path, ev.start_mark.line + 1, "YAML anchors and tags"))
            value = ev.value if (ev.value or ev.style) else None   # `key:` with nothing is null
            if not stack:
                root = value
                continue
            top = stack[-1]
            if type(top) is Map:
                key = keys[-1]
                if key is None:
                    if value is None:
                        problems.append(Problem("E013", path, ev.start_mark.line + 1, "a mapping key must be a "
                                                "plain word", hint="write `key: value`"))
                        value = ""
                    elif value == "<<":
                        problems.append(_refused(path, ev.start_mark.line + 1, "YAML merge keys (<<)"))
                    keys[-1] = value
                    continue
                if key in top:
                    problems.append(Problem("E011", path, ev.start_mark.line + 1,
                                            f"field `{key}` appears twice in one record", found=key,
                                            hint="keep one of the two values"))
                top[key] = value
                top.lines[key] = ev.start_mark.line + 1
                keys[-1] = None
            else:
                top.append(value)
            continue
        elif t is MappingStartEvent or t is SequenceStartEvent:
            line = ev.start_mark.line + 1
            if ev.anchor is not None or ev.tag is not None:
                problems.append(_refused(path, line, "YAML anchors and tags"))
            if len(stack) >= MAX_DEPTH:
                return None, [Problem("E006", path, line, f"nesting deeper than {MAX_DEPTH} levels",
                                      hint="records are flat lists of mappings; check the indentation")]
            node = Map(line) if t is MappingStartEvent else Seq(line)
            _attach(stack, keys, node, line, path, problems)
            if not stack:
                root = node
            stack.append(node)
            keys.append(None)
            continue
        elif t is MappingEndEvent or t is SequenceEndEvent:
            stack.pop()
            keys.pop()
            continue
        elif t is AliasEvent:
            return None, problems + [_refused(path, ev.start_mark.line + 1, "YAML aliases")]
        else:
            if type(ev).__name__ == "DocumentStartEvent":
                docs += 1
                if docs > 1:
                    return None, [Problem("E001", path, ev.start_mark.line + 1,
                                          "more than one YAML document in the file",
                                          hint="remove the '---' separator; one file holds one list")]
            continue
    return root, problems


def _attach(stack: list[Any], keys: list[Any], node: Any, line: int, path: str,
            problems: list[Problem]) -> None:
    if not stack:
        return
    top = stack[-1]
    if type(top) is Seq:
        top.append(node)
        return
    key = keys[-1]
    if key is None:
        if type(node) is not str:
            problems.append(Problem("E013", path, line, "a mapping key must be a plain word",
                                    hint="write `key: value`"))
            keys[-1] = ""
            return
        if node == "<<":
            problems.append(_refused(path, line, "YAML merge keys (<<)"))
        keys[-1] = node
        return
    if key in top:
        problems.append(Problem("E011", path, line, f"field `{key}` appears twice in one record",
                                found=key, hint="keep one of the two values"))
    top[key] = node
    top.lines[key] = line
    keys[-1] = None


def journal_columns(text: str, entry_keys: frozenset[str], posting_keys: frozenset[str]
                    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
    """The fast path for journal files: entries and postings straight from the event stream.

    Builds no intermediate containers: each entry becomes one tuple (id, date, memo, payee,
    source, tags, line) and each posting one tuple of its fields. Anything out of the ordinary
    (unknown or duplicate keys, a missing field, anchors, nested values where a scalar belongs,
    a syntax error) returns None, and the caller takes the general path, which reports it.
    """
    try:
        return _journal_columns(yaml.parse(text, Loader=yaml.CBaseLoader), entry_keys, posting_keys)
    except (yaml.YAMLError, StopIteration, _Unusual):
        return None


class _Unusual(Exception):
    pass


def _value(ev: Any) -> str | None:
    if type(ev) is not ScalarEvent or ev.anchor is not None or ev.tag is not None:
        raise _Unusual
    return ev.value if (ev.value or ev.style) else None


def _tag_list(it: Any) -> str:
    tags = []
    for ev in it:
        if type(ev) is SequenceEndEvent:
            return ",".join(tags)
        v = _value(ev)
        if v is None:
            raise _Unusual
        tags.append(v)
    raise _Unusual


def _journal_columns(events: Any, entry_keys: frozenset[str], posting_keys: frozenset[str]
                     ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    it = iter(events)
    next(it)                                   # StreamStart
    ev = next(it)
    if type(ev).__name__ != "DocumentStartEvent":
        raise _Unusual
    ev = next(it)
    if type(ev) is not SequenceStartEvent or ev.anchor is not None or ev.tag is not None:
        raise _Unusual
    entries: list[tuple[Any, ...]] = []
    postings: list[tuple[Any, ...]] = []
    add_entry, add_posting = entries.append, postings.append
    for ev in it:
        t = type(ev)
        if t is SequenceEndEvent:
            break
        if t is not MappingStartEvent or ev.anchor is not None or ev.tag is not None:
            raise _Unusual
        eline = ev.start_mark.line + 1
        e: dict[str, Any] = {}
        mine: list[tuple[Any, ...]] = []
        for kev in it:
            if type(kev) is MappingEndEvent:
                break
            key = _value(kev)
            if key in e or key not in entry_keys:
                raise _Unusual
            vev = next(it)
            if key == "postings":
                if type(vev) is not SequenceStartEvent or vev.anchor is not None:
                    raise _Unusual
                for pev in it:
                    pt = type(pev)
                    if pt is SequenceEndEvent:
                        break
                    if pt is not MappingStartEvent or pev.anchor is not None or pev.tag is not None:
                        raise _Unusual
                    pline = pev.start_mark.line + 1
                    p: dict[str, Any] = {}
                    for pk in it:
                        if type(pk) is MappingEndEvent:
                            break
                        k = _value(pk)
                        if k in p or k not in posting_keys:
                            raise _Unusual
                        pv = next(it)
                        if type(pv) is SequenceStartEvent and k == "tags" and pv.anchor is None:
                            p[k] = _tag_list(it)
                        else:
                            p[k] = _value(pv)
                    mine.append((p, pline))
                e[key] = True
            elif key == "tags":
                if type(vev) is not SequenceStartEvent or vev.anchor is not None:
                    raise _Unusual
                e[key] = _tag_list(it)
            else:
                e[key] = _value(vev)
        if "id" not in e or "date" not in e or "postings" not in e or e["id"] is None:
            raise _Unusual
        eid, edate = e["id"], e["date"]
        add_entry((eid, edate, e.get("memo"), e.get("payee"), e.get("source"), e.get("tags"), eline))
        for p, pline in mine:
            g = p.get
            add_posting((eid, edate, g("account"), g("debit"), g("credit"), g("currency"), g("rate"), g("base"),
                         g("contact"), g("item"), g("location"), g("memo"), g("tags"), pline))
    if type(next(it)).__name__ != "DocumentEndEvent" or type(next(it)).__name__ != "StreamEndEvent":
        raise _Unusual
    return entries, postings


def record_columns(text: str, fields: tuple[str, ...], required: frozenset[str],
                   nested: dict[str, tuple[tuple[str, ...], frozenset[str]]],
                   word_lists: dict[str, Any]) -> tuple[list[tuple[Any, ...]], dict[str, list[tuple[Any, ...]]]] | None:
    """The fast path for list files of records with nested lists of flat mappings (orders/).

    Each record becomes one tuple of its scalar `fields` (None where absent) plus its line; each
    element of a nested list (`nested`: key -> (fields, required)) one tuple (record index, its
    fields..., line) under that key. `word_lists` keys hold lists of scalars, each matching the
    given compiled pattern; they are checked, not returned. Anything out of the ordinary (an
    unknown, duplicate or missing key, an empty value or list, anchors and tags, a nested value
    where a scalar belongs, a syntax error) returns None, and the caller takes the general path,
    which reports it.
    """
    if len(text) > MAX_BYTES:
        return None
    try:
        return _record_columns(yaml.parse(text, Loader=yaml.CBaseLoader), fields, required, nested, word_lists)
    except (yaml.YAMLError, StopIteration, _Unusual):
        return None


def _scalar_value(ev: Any) -> str:
    """A non-empty scalar (the fast path leaves `key:` with nothing to the general path)."""
    if type(ev) is not ScalarEvent or ev.anchor is not None or ev.tag is not None:
        raise _Unusual
    if not ev.value and not ev.style:
        raise _Unusual
    return ev.value  # type: ignore[no-any-return]


def _start(ev: Any, t: type) -> None:
    if type(ev) is not t or ev.anchor is not None or ev.tag is not None:
        raise _Unusual


def _record_columns(events: Any, fields: tuple[str, ...], required: frozenset[str],
                    nested: dict[str, tuple[tuple[str, ...], frozenset[str]]], word_lists: dict[str, Any]
                    ) -> tuple[list[tuple[Any, ...]], dict[str, list[tuple[Any, ...]]]]:
    it = iter(events)
    next(it)                                   # StreamStart
    ev = next(it)
    if type(ev).__name__ != "DocumentStartEvent":
        raise _Unusual
    _start(next(it), SequenceStartEvent)
    allowed = frozenset(fields) | frozenset(nested) | frozenset(word_lists)
    rows: list[tuple[Any, ...]] = []
    sub: dict[str, list[tuple[Any, ...]]] = {k: [] for k in nested}
    value = _scalar_value
    for ev in it:
        t = type(ev)
        if t is SequenceEndEvent:
            break
        _start(ev, MappingStartEvent)
        line = ev.start_mark.line + 1
        index = len(rows)
        r: dict[str, Any] = {}
        for kev in it:
            if type(kev) is MappingEndEvent:
                break
            key = value(kev)
            if key in r or key not in allowed:
                raise _Unusual
            if key in nested:
                _start(next(it), SequenceStartEvent)
                n_fields, n_required = nested[key]
                n_allowed = frozenset(n_fields)
                out = sub[key]
                count = 0
                for nev in it:
                    if type(nev) is SequenceEndEvent:
                        break
                    _start(nev, MappingStartEvent)
                    nline = nev.start_mark.line + 1
                    n: dict[str, str] = {}
                    for nk in it:
                        if type(nk) is MappingEndEvent:
                            break
                        k = value(nk)
                        if k in n or k not in n_allowed:
                            raise _Unusual
                        n[k] = value(next(it))
                    if not n_required <= n.keys():
                        raise _Unusual
                    out.append((index, *map(n.get, n_fields), nline))
                    count += 1
                if not count:
                    raise _Unusual
                r[key] = True
            elif key in word_lists:
                _start(next(it), SequenceStartEvent)
                pattern = word_lists[key]
                for wev in it:
                    if type(wev) is SequenceEndEvent:
                        break
                    if not pattern.search(value(wev)):
                        raise _Unusual
                r[key] = True
            else:
                r[key] = value(next(it))
        if not required <= r.keys():
            raise _Unusual
        rows.append((*map(r.get, fields), line))
    if type(next(it)).__name__ != "DocumentEndEvent" or type(next(it)).__name__ != "StreamEndEvent":
        raise _Unusual
    return rows, sub
