"""The `dedup apply` use case, whole: under the books lock, read the books and the reviewed plan,
refuse books with errors, merge the accepted clusters and link CRM to ERP (core.crm.merge), write
the one diff (or, on a dry run, only return it) and commit it with `commit`. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core import git
from core.erp.load import load_ledger
from core.books import safeio, store
from core.close import validate
from core.crm import merge
from core.model import errors
from core.model.errors import Problem


@dataclass
class PlanRun:
    """What `apply_plan` did. `status`: "applied" (written, or shown with a dry run: `result`),
    "unreadable" (the plan has `problems`), "errors" (the books have errors: `problems`) or
    "refused" (the plan does not fit the books: `refused` says why). Nothing is written unless
    "applied"."""
    status: str
    load_problems: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused: str | None = None
    result: merge.ApplyResult | None = None


def commit_message(plan: Path, result: merge.ApplyResult) -> str:
    return (f"dedup apply {plan.name}\n\n{result.summary()}\n"
            + "".join(f"merged {a} into {b}\n" for a, b in result.merged)
            + "".join(f"linked {a} to {b}\n" for a, b in result.linked))


def apply_plan(root: Path, plan: Path, *, dry_run: bool = False, commit: bool = False,
               lock_timeout: float = 10.0) -> PlanRun:
    """Apply the reviewed dedup plan file `plan` (clusters with `decision: accept`) to the books
    at `root`. The plan must be a regular file (inside the books: one of theirs), else
    core.books.safeio.Refused (E081/E082)."""
    with store.books_lock(root, lock_timeout):
        book, loaded = load_ledger(root)
        safeio.argument_bytes(plan, root)
        clusters, found = merge.read_plan(plan)
        if found:
            return PlanRun("unreadable", loaded, found)
        problems = errors.sorted_problems(loaded + validate.run_all(book))
        if errors.count_errors(problems):
            return PlanRun("errors", loaded, problems)
        try:
            result = merge.plan_apply(book, clusters)
        except ValueError as exc:
            return PlanRun("refused", loaded, refused=str(exc))
        if not dry_run:
            store.apply_files(root, result.files)
            if commit and result.files:
                git.commit_files(root, result.files, commit_message(plan, result))
    return PlanRun("applied", loaded, result=result)
