"""The audit trail, from git: who changed a record and how (`audit log`), and whether the history
keeps the rules (`audit verify`): no commit changes a sealed month without a reopen or rewrites a
close record, and each author only changes what their role allows.

Roles live in books.toml:

    [roles]                       # role = what it may change
    accountant = ["post", "orders", "contacts", "close", "chart", "merge", "settings"]
    clerk = ["post", "orders", "contacts"]

    [people]                      # git author e-mail = roles
    "zeynep@lokanta.example" = ["accountant"]
    "ali@lokanta.example" = ["clerk"]

A commit needs, per file it changes: journals, bank imports and Z-reports `post`; orders, stock
moves and payroll `orders`; contacts and links `contacts` (a change that adds `merged_into` needs
`merge`); close records and generated close entries `close`; accounts.yaml `chart`; books.toml
and anything else `settings`. Without a [people] table the role check is off (a one-person
books repository); with one, an author not in it may change nothing.

The sealed-month check replays each commit: the books as of that commit are read from git into a
temporary directory and their seals checked (core.close.check_seals); a problem that the parent
commit did not have is that commit's doing.
"""

from __future__ import annotations

import fnmatch
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

PERMISSIONS = ("post", "orders", "contacts", "merge", "close", "chart", "settings")
NEEDS: tuple[tuple[str, str], ...] = (     # file pattern -> permission, first match wins
    ("journals/*/*.close.yaml", "close"), ("closes/*", "close"),
    ("journals/*", "post"), ("sales/*", "post"),
    ("orders/*", "orders"), ("stock/moves/*", "orders"), ("payroll/*", "orders"),
    ("contacts/*", "contacts"), ("stock/*", "orders"), ("prices.yaml", "orders"),
    ("accounts.yaml", "chart"), ("assets/*", "chart"), ("recurring.yaml", "chart"),
    ("plans/*", "contacts"), ("rates/*", "post"),
)
IGNORED = (".kebir/*", ".gitignore", ".gitattributes", ".vscode/*", "*.md")


class AuditError(Exception):
    """Git history cannot be read (not a repository, git missing)."""


def git(root: Path, *args: str, binary: bool = False) -> Any:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True,
                              text=not binary)
    except FileNotFoundError:
        raise AuditError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        err = exc.stderr if isinstance(exc.stderr, str) else exc.stderr.decode(errors="replace")
        raise AuditError(f"git {' '.join(args[:2])}: {err.strip().splitlines()[-1] if err.strip() else exc}") from None
    return done.stdout


def needed(path: str) -> str | None:
    """The permission a change to `path` needs (None: not part of the books)."""
    if any(fnmatch.fnmatch(path, pat) for pat in IGNORED):
        return None
    for pattern, perm in NEEDS:
        if fnmatch.fnmatch(path, pattern):
            return perm
    return "settings"


@dataclass
class Roles:
    roles: dict[str, set[str]] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.people)

    def may(self, email: str, permission: str) -> bool:
        if not self.active:
            return True
        return any(permission in self.roles.get(role, set()) for role in self.people.get(email.lower(), set()))

    def of(self, email: str) -> list[str]:
        return sorted(self.people.get(email.lower(), set()))


def read_roles(text: str) -> Roles:
    """[roles] and [people] of a books.toml text (missing tables: no role check)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return Roles()
    roles = {str(k): {str(p) for p in v} for k, v in (doc.get("roles") or {}).items() if isinstance(v, list)}
    people = {str(k).lower(): {str(r) for r in v} for k, v in (doc.get("people") or {}).items()
              if isinstance(v, list)}
    return Roles(roles, people)


# -- audit log ---------------------------------------------------------------------------------------

@dataclass
class Change:
    commit: str
    author: str
    email: str
    date: str
    subject: str
    path: str
    before: list[str]
    after: list[str]


def audit_log(root: Path, record_id: str) -> list[Change]:
    """Every commit that changed a line of the record `record_id` (its block in a YAML file, its
    rows in a CSV), oldest first, with the record's lines before and after; renames followed."""
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    # the files the id ever appeared in or left (git log -S), then every commit that touched them
    paths = sorted({p for p in git(top, "log", "-S", record_id, "--format=", "--name-only", "--", str(root.resolve()))
                    .splitlines() if p.strip()})
    if not paths:
        return []
    out = git(top, "log", "--reverse", "--format=%x00%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "--name-only", "--", *paths)
    root = top
    changes: list[Change] = []
    for block in out.split("\x00")[1:]:
        head, _, names = block.partition("\n")
        commit, author, email, day, subject = head.split("\x1f")
        for path in [n for n in names.splitlines() if n.strip()]:
            before = _record_lines(root, f"{commit}^", path, record_id)
            after = _record_lines(root, commit, path, record_id)
            if before != after:
                changes.append(Change(commit[:12], author, email, day[:10], subject, path, before, after))
    return changes


def _record_lines(root: Path, rev: str, path: str, record_id: str) -> list[str]:
    """The lines of one record in `path` at `rev` (a YAML block starting `- id: RECORD`, or the
    CSV rows naming it); [] when the file or record is not there."""
    try:
        text = git(root, "show", f"{rev}:{path}")
    except AuditError:
        return []
    lines = text.splitlines()
    if path.endswith(".csv"):
        return [ln for ln in lines[1:] if record_id in ln.split(",")]
    out: list[str] = []
    inside = False
    for ln in lines:
        if ln.startswith("- "):
            inside = ln in (f"- id: {record_id}", f"- {{id: {record_id},") or ln.startswith(f"- {{id: {record_id},") \
                or ln.strip() == f"- id: {record_id}"
        if inside:
            out.append(ln)
    return out


# -- audit verify ------------------------------------------------------------------------------------

@dataclass
class Finding:
    commit: str
    author: str
    email: str
    date: str
    subject: str
    what: str


def _extract(root: Path, commit: str, into: Path) -> None:
    data = git(root, "archive", "--format=tar", commit, binary=True)
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")


def _seal_problems(root: Path, commit: str) -> set[tuple[str, str]]:
    """(code, message) of the seal problems of the books as of `commit`."""
    from core import load
    from core.close import check_seals

    prefix = git(root, "rev-parse", "--show-prefix").strip()
    if not git(root, "ls-tree", "--name-only", commit, f"{prefix}closes/").strip():
        return set()                 # nothing sealed yet at this commit
    with tempfile.TemporaryDirectory(prefix="kebir-audit-") as tmp:
        _extract(root, commit, Path(tmp))
        books = Path(tmp) / prefix
        if not (books / "books.toml").exists():
            return set()
        book, _ = load.load_ledger(books, use_cache=False, jobs=1)
        return {(p.code, p.message) for p in check_seals(book)}


def _changed(root: Path, commit: str) -> list[tuple[str, str]]:
    """(status, path) of the files a commit changed against its first parent (all files for a root)."""
    out = git(root, "show", "--format=", "--name-status", "--no-renames", "-m", "--first-parent", commit)
    rows = []
    for ln in out.splitlines():
        if "\t" in ln:
            status, path = ln.split("\t", 1)
            rows.append((status[:1], path))
    return rows


def audit_verify(root: Path, since: str | None = None) -> tuple[list[Finding], int]:
    """(findings, commits checked): seal breaks and role violations, commit by commit."""
    commits = git(root, "rev-list", "--reverse", "--first-parent",
                  *([f"{since}..HEAD"] if since else ["HEAD"])).split()
    findings: list[Finding] = []
    previous: set[tuple[str, str]] | None = None
    for commit in commits:
        info = git(root, "show", "-s", "--format=%an%x1f%ae%x1f%aI%x1f%s", commit).strip().split("\x1f")
        author, email, day, subject = info[0], info[1], info[2][:10], info[3]
        try:
            roles = read_roles(git(root, "show", f"{commit}^:books.toml"))
        except AuditError:
            roles = Roles()          # the first commit sets the rules up
        changed = _changed(root, commit)

        def flag(what: str) -> None:
            findings.append(Finding(commit[:12], author, email, day, subject, what))

        for _status, path in changed:
            perm = needed(path)
            if perm == "contacts" and _adds_merge(root, commit, path):
                perm = "merge"
            if perm and not roles.may(email, perm):
                held = ", ".join(roles.of(email)) or "no role"
                flag(f"{path}: needs `{perm}`, and {email} has {held}")
        touches_books = any(needed(p) for _, p in changed)
        if touches_books or previous is None:
            now = _seal_problems(root, commit)
            for code, message in sorted(now - (previous or set())):
                flag(f"{code} {message}")
            previous = now
    findings += tracked_cache_findings(root)
    return findings, len(commits)


def tracked_cache_findings(root: Path) -> list[Finding]:
    """A finding when git tracks the books' `.kebir/` (caches, lock, write journals: W008), named
    after the last commit that added files there. A committed cache entry reaches every clone;
    kebir ignores it (core/cachekey.py), but it has no place in the history."""
    paths = git(root, "ls-files", "--", ".kebir").split("\n")
    paths = [p for p in paths if p]
    if not paths:
        return []
    last = git(root, "log", "-1", "--diff-filter=A", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "--",
               ".kebir").strip().split("\x1f")
    if len(last) < 5:
        last = ["", "", "", "", ""]
    return [Finding(last[0][:12], last[1], last[2], last[3][:10], last[4],
                    f"W008 git tracks {len(paths)} file(s) under .kebir/ (local caches and locks), e.g. {paths[0]}: "
                    "git rm -r --cached .kebir and add .kebir/ to .gitignore")]


def _adds_merge(root: Path, commit: str, path: str) -> bool:
    try:
        diff = git(root, "show", "--format=", "--unified=0", commit, "--", path)
    except AuditError:
        return False
    return any(ln.startswith("+") and "merged_into:" in ln for ln in diff.splitlines())


def staged_findings(root: Path) -> list[str]:
    """For the pre-commit hook: what the staged change would break (roles of the committer; the
    books as staged must validate)."""
    ident = git(root, "var", "GIT_AUTHOR_IDENT").strip()      # config or GIT_AUTHOR_* environment
    email = ident[ident.find("<") + 1:ident.find(">")] if "<" in ident else ""
    try:
        roles = read_roles(git(root, "show", "HEAD:books.toml"))
    except AuditError:
        roles = Roles()
    out = []
    for ln in git(root, "diff", "--cached", "--name-only").splitlines():
        perm = needed(ln)
        if perm and not roles.may(email, perm):
            out.append(f"{ln}: needs `{perm}`, and {email} has {', '.join(roles.of(email)) or 'no role'}")
    return out


HOOK = """#!/bin/sh
# kebir pre-commit hook (kebir hooks install): the staged books must validate, and the committer's
# role must allow what the commit changes. Skip once with `git commit --no-verify`.
exec {kebir} hooks run
"""
