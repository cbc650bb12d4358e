"""`kebir dedup scan|apply`: duplicate contacts within CRM, within ERP and across them
(core/crm/dedup/ finds them, core/crm/apply.py applies a reviewed plan)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli import _render
from cli._common import (books_language, diff_text, load_warnings, locked, out_format, problems_out, progress, show,
                         show_diff, usage, writing_root)
from cli._options import BooksOpt, Fmt, FormatOpt, OutFmt, OutputOpt
from core.books import discover
from core.books import safeio
from core.model.errors import BooksError

dedup_app = typer.Typer(help="Duplicates within CRM, within ERP and across them: scan writes a plan to review.",
                        no_args_is_help=True)


def _root(books: str | None) -> Path:
    try:
        return discover.find_books(books)
    except BooksError as exc:
        raise usage(f"{exc}" + (f"\n  hint: {exc.hint}" if exc.hint else "")) from None


@dedup_app.command("scan")
def dedup_scan(
    books: BooksOpt = None,
    within: Annotated[str, typer.Option("--within", help="Sides to search within: crm,erp, crm, erp or none.")]
    = "crm,erp",
    across: Annotated[bool, typer.Option("--across/--no-across", help="Match CRM records to ERP parties.")] = True,
    threshold: Annotated[float, typer.Option("--threshold", "-t", help="Match probability to link a pair (0-1).")]
    = 0.9,
    output: OutputOpt = None,
    plan_in: Annotated[Optional[str], typer.Option("--plan", help="An earlier plan: pairs decided there are not "
                       "proposed again; with its .seen sidecar only new or changed records are compared.")] = None,
    fmt: Annotated[Optional[OutFmt], typer.Option(
        "--format", "-f", case_sensitive=False, rich_help_panel="Output", show_default=False,
        help="text: the plan (YAML); json, csv, md, html or xlsx: the scored pairs. Default: from -o FILE's "
        "extension (.yaml: the plan), else text.")] = None,
) -> None:
    """Find likely duplicate contacts and write a plan file (YAML, schemas/plan.schema.json).

    \b
    Examples:
      kebir dedup scan --books ledger-data -o dedup-plan.yaml
      kebir dedup scan --books ledger-data --within crm --no-across -t 0.95
      kebir dedup scan --books ledger-data --format csv -o pairs.csv
    """
    # lazy: the matcher (rapidfuzz, its tables) is the slowest import in kebir
    # lazy: rapidfuzz and numpy, 0.1 s; only scan needs them
    from core.crm.dedup.plan import dump_plan, dump_seen, pairs_table, read_previous, seen_path
    from core.crm.dedup.scan import scan_books  # lazy: rapidfuzz and numpy, 0.1 s; only scan needs them

    sides = {s.strip() for s in within.split(",") if s.strip() and s.strip() != "none"}
    if not sides <= {"crm", "erp"}:
        raise usage(f"--within takes crm, erp, crm,erp or none, not {within!r}")
    if not 0 < threshold < 1:
        raise usage("--threshold takes a probability between 0 and 1")
    root = writing_root(books) if output else _root(books)     # a plan written from the wrong books is refused
    if plan_in and not os.path.lexists(plan_in):
        raise usage(f"--plan {plan_in}: no such file")
    if plan_in:
        safeio.argument_bytes(plan_in, root)        # a regular file (inside the books: one of theirs)
    if output:
        safeio.check_output(output, root)
    with progress("Scanning the contacts for duplicates ..."):
        plan = scan_books(root, sides, across, threshold,
                          read_previous(Path(plan_in)) if plan_in else None)
    kind = "text" if fmt is None and output and Path(output).suffix.lower() in (".yaml", ".yml") \
        else out_format(fmt, output)
    if kind != "text":          # the scored pairs for scripts
        show(pairs_table(plan), OutFmt(kind), output, lang=books_language(root))
    else:
        _render.emit(dump_plan(plan), output)
    if output and kind == "text":      # the model and record hashes, for the next incremental scan
        _render.emit(dump_seen(plan), str(seen_path(Path(output))))
    sys.stderr.write(f"kebir: {len(plan.clusters)} cluster(s); {plan.compared_pairs} of {plan.all_pairs} "
                     f"pairs compared\n")


@dedup_app.command("apply")
def dedup_apply(
    plan: Annotated[str, typer.Argument(help="The reviewed plan file (clusters with decision: accept).")],
    books: BooksOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the change to git (one commit to revert).")]
    = False,
    fmt: FormatOpt = Fmt.text,
    lock_timeout: Annotated[float, typer.Option("--lock-timeout", help="Seconds to wait for the books lock.")] = 10.0,
) -> None:
    """Merge accepted clusters (aliases via merged_into) and link CRM to ERP, as one diff.

    \b
    Examples:
      kebir dedup apply dedup-plan.yaml --books ledger-data --dry-run
      kebir dedup apply dedup-plan.yaml --books ledger-data --commit
    """
    from core.crm import apply  # lazy: merge and every check, which only this command needs

    plan_path = Path(plan)
    if not os.path.lexists(plan_path):
        raise usage(f"no plan file {plan}: write one with `kebir dedup scan -o {plan}`")
    with locked(books) as root:
        done = apply.apply_plan(root, plan_path, dry_run=dry_run, commit=commit, lock_timeout=lock_timeout)
    load_warnings(done.load_problems)
    if done.status == "unreadable":
        # the plan's problems name it as given on the command line, not inside the books
        sys.stdout.write(_render.problems_text(done.problems, "", f"kebir: cannot read the plan {plan}"))
        raise typer.Exit(1)
    if done.status == "errors":
        problems_out(done.problems, root, "kebir: nothing applied: the books have errors; fix them first")
        raise typer.Exit(1)
    if done.status == "refused":
        sys.stderr.write(f"kebir: {done.refused}\n")
        raise typer.Exit(1)
    result = done.result
    if fmt is Fmt.json:
        _render.emit(json.dumps({
            "applied": result.applied, "merged": result.merged, "linked": result.linked,
            "repointed": result.repointed, "skipped": [{"cluster": c, "why": w} for c, w in result.skipped],
            "conflicts": [vars(c) for c in result.conflicts], "files": sorted(result.files),
            "dry_run": dry_run, **({"diff": diff_text(root, result.files)} if dry_run else {})},
            ensure_ascii=False, indent=2, default=str) + "\n")     # the diff inside: one JSON document
    elif dry_run:
        show_diff(root, result.files)
    shown = 10
    for c in result.conflicts[:shown]:
        values = ", ".join(f"{k}={v!r}" for k, v in c.values.items())
        sys.stderr.write(f"conflict: cluster {c.cluster} {c.contact}.{c.field}: {values}; chose {c.chosen!r} "
                         f"({c.why})\n")
    if len(result.conflicts) > shown:
        sys.stderr.write(f"... and {len(result.conflicts) - shown} more conflict(s); --format json lists them all\n")
    for number, why in result.skipped:
        sys.stderr.write(f"skipped: cluster {number}: {why}\n")
    sys.stderr.write(f"kebir: {result.summary()}{' (dry run: nothing written)' if dry_run else ''}\n")
