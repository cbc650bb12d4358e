"""CRM and ERP exports (CSV) -> contact records, keeping each source row's id as `external_id`.

The mapping file names the target file, the column holding the source system's id, and which
column fills which field:

    file: customers                 # crm: companies | people; erp: customers | suppliers | employees
    id: "Cari Kodu"                 # the source id, kept as external_id
    prefix: CU-                     # new ids: prefix + the next number (default by file)
    kind: company                   # a constant, or {column: Tip, values: {Şahıs: person, Firma: company}}
    fields: {name: "Unvan", tax_id: "VKN", email: "E-posta", phone: "Telefon", city: "İl"}

Rows whose external_id is already on that side are skipped (importing the same export twice adds
nothing). New records are appended to the file; the manifest lists every row in and out.

A bad row (no source id, a repeated one, no name, a wrong number of fields, a value the contact
schema refuses such as a 7-digit tax id, or a VKN/TCKN whose check digits fail) is left out and
listed with its line (I050, a warning); the good rows are imported. With `strict`, a bad row is an
I011 error and nothing is imported.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from core.model import errors

from core.books import safeio, schema, store
from core.model.errors import Problem
from core.interop import manifest as mf
from core.interop.books_out import Plan
from core.model.records import Book
from core.books import tax_numbers
from core.books import yamlnodes

FILES = {"crm": {"companies": "C-", "people": "C-"},
         "erp": {"customers": "CU-", "suppliers": "SU-", "employees": "EM-"}}
KIND = {"crm": "crm-contacts", "erp": "erp-contacts"}


def _row_problems(kind: str, rec: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What the contact schema and the tax-id checksums say about one imported record:
    (message, expected/found, hint)."""
    tree, _ = yamlnodes.parse(store.dump_yaml_records(kind, [rec]), "row")
    out = [(p.message, p.found, p.hint) for p in schema.check_tree(kind, tree, "row", rec["id"])]
    tax = str(rec.get("tax_id") or "")
    why = tax_numbers.tax_id_fault(tax, rec.get("country")) if tax and not out else None
    if why:
        out.append((f"`tax_id` {why}", tax, "check the number against the party's documents; a foreign party "
                    "needs its `country`"))
    return out


def build_contacts_import(data: bytes, path: str, map_text: str, map_path: str, side: str, book: Book,
                          label: str, strict: bool = False) -> Plan:
    m = mf.Manifest("contacts", label, path, mf.sha256(data), len(data), "csv")
    tree, probs = yamlnodes.parse(map_text, map_path)
    problems = [Problem("I010", p.path, p.line, p.message, hint=p.hint) for p in probs]
    if tree is None or not isinstance(tree, dict):
        return Plan({}, m, problems or [Problem("I010", map_path, 1, "a mapping file is a mapping",
                                                hint="see docs/interop.md#contacts")], "bad mapping")
    kind = KIND[side]
    props = schema.field_order(kind)
    for key in tree:
        if key not in ("file", "id", "prefix", "kind", "fields"):
            problems.append(Problem("I010", map_path, tree.lines[key], f"unknown key `{key}`",
                                    hint="keys: file, id, prefix, kind, fields"))
    target = str(tree.get("file") or "")
    if target not in FILES[side]:
        problems.append(Problem("I010", map_path, tree.lines.get("file", tree.line), f"`file` for the {side} side "
                                f"is one of {', '.join(FILES[side])}", found=target or "nothing",
                                hint=f"write `file: {next(iter(FILES[side]))}`"))
    fields = tree.get("fields") or {}
    if not isinstance(fields, dict) or "name" not in fields:
        problems.append(Problem("I010", map_path, tree.line, "`fields` must map at least `name` to a column",
                                hint='write `fields: {name: "Company name", email: Email}`'))
        fields = {}
    for f in fields:
        if f not in props or f in ("id", "external_id", "merged_into", "kind"):
            problems.append(Problem("I010", map_path, fields.lines.get(f, tree.line), f"`{f}` is not a field "
                                    "kebir fills from a column", hint="fields: " + ", ".join(
                                        p for p in props if p not in ("id", "external_id", "merged_into"))))
    if "id" not in tree:
        problems.append(Problem("I010", map_path, tree.line, "`id` names the column with the source system's id",
                                hint='write `id: "Record ID"`'))
    if problems:
        return Plan({}, m, problems, "mapping file has errors")
    prefix = str(tree.get("prefix") or FILES[side][target])
    kind_rule = tree.get("kind") or ("person" if target in ("people", "employees") else "company")

    text = safeio.utf8_text(data)
    if isinstance(text, safeio.NotUtf8):
        return Plan({}, m, [Problem("I011", path, text.line, "the export is not UTF-8 text",
                                    hint=f"convert it: iconv -f cp1254 -t utf-8 {path}")], "not UTF-8")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, [])
    wanted = {str(tree["id"])} | {str(c) for c in fields.values()}
    if isinstance(kind_rule, dict):
        wanted.add(str(kind_rule.get("column")))
    missing = sorted(c for c in wanted if c not in header)
    if missing:
        return Plan({}, m, [Problem("I011", path, 1, f"column `{c}` is missing from the header", expected=c,
                                    found=", ".join(header)[:120], hint=f"fix the column name in {map_path}")
                            for c in missing], "missing columns")
    col = {h: i for i, h in enumerate(header)}
    existing = {c.get("external_id"): cid for cid, c in book.contacts.items()
                if c.side == side and c.get("external_id")}
    nums = [int(x[len(prefix):]) for x in book.contacts if x.startswith(prefix) and x[len(prefix):].isdigit()]
    nxt = max(nums, default=0)
    records: list[dict[str, Any]] = []
    sources: dict[str, int] = {}
    skipped = []
    seen: dict[str, int] = {}
    prev = reader.line_num
    n_in = 0
    bad: list[Problem] = []           # I011, made I050 warnings unless strict
    for row in reader:
        line = prev + 1
        prev = reader.line_num
        if not any(x.strip() for x in row):
            continue
        n_in += 1
        if len(row) != len(header):
            bad.append(Problem("I011", path, line, f"row has {len(row)} fields, the header {len(header)}",
                               hint="check the quoting of this row"))
            continue
        ext = row[col[str(tree["id"])]].strip()
        if not ext:
            bad.append(Problem("I011", path, line, "the source id is empty", hint="every row needs its id "
                               "from the source system (it becomes external_id)"))
            continue
        if ext in seen:
            bad.append(Problem("I011", path, line, f"source id {ext} appears twice (first at line "
                               f"{seen[ext]})", hint="remove the repeated row"))
            continue
        seen[ext] = line
        if ext in existing:
            skipped.append({"line": line, "what": f"row {ext}", "why": f"already imported as {existing[ext]}"})
            continue
        if isinstance(kind_rule, dict):
            raw = row[col[str(kind_rule["column"])]].strip()
            k = (kind_rule.get("values") or {}).get(raw, raw.lower())
        else:
            k = str(kind_rule)
        rec: dict[str, Any] = {"id": f"{prefix}{nxt + 1:04d}", "kind": k}
        for f, c in fields.items():
            v = re.sub(r"\s+", " ", row[col[str(c)]]).strip()
            if v:
                rec[f] = v
        rec["external_id"] = ext
        if "name" not in rec:
            bad.append(Problem("I011", path, line, "the name is empty", record=ext,
                               hint="every contact needs a name"))
            continue
        wrong = _row_problems(kind, rec)
        if wrong:
            bad.extend(Problem("I011", path, line, msg, record=ext, found=found, hint=hint)
                       for msg, found, hint in wrong)
            continue
        nxt += 1
        records.append(rec)
        sources[rec["id"]] = line
    if strict:
        problems += bad
    else:
        problems += [Problem("I050", p.path, p.line, p.message + ": row left out", record=p.record, found=p.found,
                             hint=p.hint + " (then import the file again: rows already imported are skipped; "
                             "--strict refuses the file instead)") for p in bad]
        skipped += [{"line": p.line, "what": f"row {p.record or p.line}", "why": p.message} for p in bad]
    m.counts = {"rows_in": n_in, "contacts_out": len(records), "duplicates_skipped": len(skipped) - (
        0 if strict else len(bad)), **({} if strict else {"bad_rows_left_out": len({p.line for p in bad})})}
    m.skipped = skipped
    m.extra = {"side": side, "file": target, "mapping": map_path, "mapping_sha256": mf.sha256(map_text.encode())}
    if errors.count_errors(problems):
        return Plan({}, m, problems, "malformed rows: nothing imported")
    summary = f"{len(records)} contacts from {n_in} rows, {m.counts['duplicates_skipped']} already imported" + (
        f", {m.counts['bad_rows_left_out']} bad rows left out" if m.counts.get("bad_rows_left_out") else "")
    if not records:
        return Plan({}, m, problems, summary + ": nothing new to import")
    rel = f"contacts/{side}/{target}.yaml"
    old_path = book.root / rel
    old = old_path.read_text(encoding="utf-8") if old_path.exists() else ""
    new = store.dump_yaml_records(kind, records)
    text_out = new if not old.strip() or old.strip() == "[]" else old.rstrip("\n") + "\n" + new
    files = {rel: text_out}
    m.files[rel] = mf.sha256(text_out.encode("utf-8"))
    files[m.rel] = m.dump({})
    return Plan(files, m, problems, summary, sources)
