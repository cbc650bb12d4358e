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

from core.errors import Problem

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
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, [
            Problem(
                "E003", path, line, f"byte 0x{bad} is not valid UTF-8",
                expected="UTF-8 text", found=f"byte 0x{bad} at offset {exc.start}",
                hint="re-save the file as UTF-8 (e.g. iconv -f windows-1254 -t utf-8)",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


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
            line = ev.start_mark.line + 1
            if ev.anchor is not None or (ev.tag is not None and ev.tag != "tag:yaml.org,2002:str"):
                problems.append(_refused(path, line, "YAML anchors and tags"))
            value = ev.value if (ev.value or ev.style) else None   # `key:` with nothing is null
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
        # a scalar
        if not stack:
            root = value
        else:
            _attach(stack, keys, value, line, path, problems)
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
