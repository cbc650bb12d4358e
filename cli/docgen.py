"""Reference pages generated from the code, so they cannot drift: one page per command (from the
Typer app: summary, usage, options with their panels and defaults, examples) and one per file kind
(from schemas/: where the file lives, its fields, types, allowed values, what is required).

`python -m cli.docgen` rewrites docs/reference/; tests/test_docs.py fails when a page differs
from what the code would generate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from typer.main import get_command

from core.books.schema import FILE_KINDS, SCHEMA_DIR
from cli.main import app

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference"


def _walk(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    subs = getattr(cmd, "commands", None)
    if not subs:
        return [(path, cmd)]
    out = []
    for name in sorted(subs):
        out += _walk(subs[name], (*path, name))
    return out


def _summary_and_examples(help_text: str) -> tuple[str, str, list[str]]:
    text = help_text.replace("\b", "")
    body, _, examples = text.partition("Examples:")
    lines = [ln.strip() for ln in body.strip().splitlines()]
    summary = lines[0] if lines else ""
    rest = " ".join(ln for ln in lines[1:] if ln)
    ex: list[str] = []
    for ln in examples.splitlines():
        ln = ln.strip()
        if not ln:
            continue
        if ln.startswith("kebir ") or not ex:
            ex.append(ln)
        else:
            ex[-1] += " " + ln
    return summary, rest, ex


def _kind(annotation: Any) -> str:
    """What a parameter takes, from its annotation: flag, text, integer, or the choices of an enum."""
    from enum import Enum

    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "|".join(str(e.value) for e in annotation)
    if annotation is bool:
        return "flag"
    names = {str: "text", int: "integer", float: "number"}
    if annotation in names:
        return names[annotation]
    args = getattr(annotation, "__args__", ())
    inner = [a for a in args if a is not type(None)]
    if inner:
        return _kind(inner[0]) + (" (repeat)" if getattr(annotation, "__origin__", None) is list else "")
    return "text"


def _is_option(p: Any) -> bool:
    return getattr(p, "param_type_name", "") == "option"


def _option_row(p: Any) -> tuple[str, str, str, str]:
    """(names, what it takes, default, help) of one parameter (Typer's vendored Click, duck-typed)."""
    if _is_option(p):
        names = ", ".join(f"`{n}`" for n in [*p.opts, *p.secondary_opts])
    else:
        names = f"`{(p.name or '').upper()}`"
    kind = _kind(getattr(getattr(p, "type_descriptor", None), "annotation", str))
    default = ""
    if _is_option(p) and not p.is_flag and p.default not in (None, (), []):
        default = str(getattr(p.default, "value", p.default))
    help_text = (getattr(p, "help", None) or "").replace("|", "\\|").replace("\n", " ")
    return names, kind.replace("|", "\\|"), default, help_text


def commands_page(app: Any) -> str:
    """docs/reference/commands.md: every command with its summary, options and examples."""
    root = get_command(app)
    out = ["# Command reference", "",
           "Generated from the command line itself (`python -m cli.docgen`); `kebir COMMAND --help` shows the same.",
           ""]
    for path, cmd in _walk(root):
        name = "kebir " + " ".join(path)
        summary, rest, examples = _summary_and_examples(cmd.help or "")
        out += [f"## {name}", "", summary, ""]
        if rest:
            out += [rest, ""]
        args = [p for p in cmd.params if not _is_option(p)]
        usage = name + "".join(f" {(a.name or '').upper()}" for a in args) + " [OPTIONS]"
        out += ["```", usage, "```", ""]
        rows = [p for p in cmd.params if p.name not in ("help",)]
        if rows:
            out += ["| option | takes | default | meaning |", "| --- | --- | --- | --- |"]
            out += ["| " + " | ".join(_option_row(p)) + " |" for p in rows]
            out.append("")
        if examples:
            out += ["Examples:", "", "```sh", *examples, "```", ""]
    return "\n".join(out).rstrip() + "\n"


def _type_of(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        pattern = target.get("pattern")
        return f"{name}" + (f" (`{pattern}`)" if pattern and name in ("account", "id", "currency") else "")
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if prop.get("type") == "array":
        items = prop.get("items", {})
        if "properties" in items:
            return "list of mappings: " + ", ".join(f"`{k}`" for k in items["properties"])
        return "list of " + _type_of(items, defs)
    if prop.get("type") == "object":
        return "mapping"
    t = prop.get("type", "")
    return " or ".join(t) if isinstance(t, list) else str(t)


def files_page() -> str:
    """docs/reference/files.md: every file kind, where it lives and its fields."""
    out = ["# File reference", "",
           "Generated from `schemas/` (`python -m cli.docgen`). Every record file has a JSON Schema there; "
           "`kebir validate` and the editor (docs/editors.md) check against the same schemas.", "",
           "| file kind | where | schema |", "| --- | --- | --- |"]
    seen: list[str] = []
    for fk in FILE_KINDS:
        out.append(f"| [{fk.kind}](#{fk.kind}) | `{fk.pattern}` | `schemas/{fk.kind}.schema.json` |")
        if fk.kind not in seen:
            seen.append(fk.kind)
    out.append("")
    for kind in seen:
        doc = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
        where = ", ".join(f"`{fk.pattern}`" for fk in FILE_KINDS if fk.kind == kind)
        out += [f"## {kind}", "", f"{doc.get('description', '')}. Files: {where}.", ""]
        rec = doc["items"] if doc.get("type") == "array" else doc
        props = rec.get("properties", {})
        if not props:
            out += ["(a settings file; see docs/formats.md)", ""]
            continue
        required = set(rec.get("required", []))
        defs = doc.get("$defs", {})
        out += ["| field | required | type | notes |", "| --- | --- | --- | --- |"]
        for name, prop in props.items():
            note = (prop.get("description") or "").replace("|", "\\|").replace("\n", " ")
            out.append(f"| `{name}` | {'yes' if name in required else ''} | {_type_of(prop, defs)} | {note} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def pages(app: Any) -> dict[str, str]:
    return {"commands.md": commands_page(app), "files.md": files_page()}


def main() -> int:
    REFERENCE.mkdir(parents=True, exist_ok=True)
    for name, text in pages(app).items():
        (REFERENCE / name).write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote docs/reference/{name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
