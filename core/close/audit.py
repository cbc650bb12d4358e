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
moves and payroll `orders`; contacts and links `contacts` (a change to a parsed record's
`merged_into` needs `merge`); close records and generated close entries `close`; accounts.yaml `chart`; books.toml
and anything else `settings`. Without a [people] table the role check is off (a one-person
books repository); with one, an author not in it may change nothing.

The sealed-month check replays each commit: the books as of that commit are read from git into a
temporary directory and their seals checked (core.close.seal.check_seals); a problem that the parent
commit did not have is that commit's doing.
"""

from __future__ import annotations

import fnmatch
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core import git
from core.books import yamlnodes
from core.books.closes import check_close_history
from core.close import tags as closetags
from core.close.seal import check_seals
from core.erp.load import load_ledger

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
    top = Path(git.run(root, "rev-parse", "--show-toplevel").strip())
    # the files the id ever appeared in or left (git log -S), then every commit that touched them
    paths = sorted({p for p in git.run(top, "log", "-S", record_id, "--format=", "--name-only", "--",
                                       str(root.resolve()))
                    .splitlines() if p.strip()})
    if not paths:
        return []
    out = git.run(top, "log", "--reverse", "--format=%x00%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "--name-only", "--", *paths)
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
        text = git.run(root, "show", f"{rev}:{path}")
    except git.GitError:
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
    """Every regular file of `commit`'s tree, written under `into`. Read from the objects themselves
    (`ls-tree` and `cat-file`), not with `git archive`: a committed `.gitattributes` with
    `export-ignore` or `export-subst` would make archive leave out or rewrite the very files the
    audit checks. Links and submodules are not written (kebir reads no record file through one)."""
    listing = git.run(root, "ls-tree", "-r", "-z", "--full-tree", commit, binary=True)
    blobs: list[tuple[str, str]] = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        if kind == "blob" and mode in ("100644", "100755"):
            blobs.append((sha, name.decode("utf-8", "surrogateescape")))
    if not blobs:
        return
    base = into.resolve()
    out, at = git.blobs(root, [sha for sha, _ in blobs]), 0
    for sha, name in blobs:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        data = out[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
        target = (base / name).resolve()
        if not target.is_relative_to(base):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _seal_problems(root: Path, commit: str) -> set[tuple[str, str]]:
    """(code, message) of the seal problems of the books as of `commit`."""

    prefix = git.run(root, "rev-parse", "--show-prefix").strip()
    if not git.run(root, "ls-tree", "--name-only", commit, f"{prefix}closes/").strip():
        return set()                 # nothing sealed yet at this commit
    with tempfile.TemporaryDirectory(prefix="kebir-audit-") as tmp:
        _extract(root, commit, Path(tmp))
        books = Path(tmp) / prefix
        if not (books / "books.toml").exists():
            return set()
        book, _ = load_ledger(books, use_cache=False, jobs=1)
        return {(p.code, p.message) for p in check_seals(book) + check_close_history(book)}


def _changed(root: Path, commit: str) -> list[tuple[str, str]]:
    """(status, path) of the files a commit changed against its first parent (all files for a root)."""
    out = git.run(root, "show", "--format=", "--name-status", "--no-renames", "-m", "--first-parent", commit)
    rows = []
    for ln in out.splitlines():
        if "\t" in ln:
            status, path = ln.split("\t", 1)
            rows.append((status[:1], path))
    return rows


def audit_verify(root: Path, since: str | None = None,
                 require_signed: bool = False) -> tuple[list[Finding], int]:
    """(findings, commits checked): seal breaks and role violations, commit by commit; with
    `require_signed`, also every commit to the books that its author did not sign (see
    `signature_findings`). `root` is the books directory, anywhere in its repository."""
    commits = git.run(root, "rev-list", "--reverse", "--first-parent",
                  *([f"{since}..HEAD"] if since else ["HEAD"])).split()
    prefix = books_prefix(root)
    signers = allowed_signers_path(root) if require_signed else None
    findings: list[Finding] = []
    previous: set[tuple[str, str]] | None = None
    for commit in commits:
        info = git.run(root, "show", "-s", "--format=%an%x1f%ae%x1f%aI%x1f%s", commit).strip().split("\x1f")
        author, email, day, subject = info[0], info[1], info[2][:10], info[3]
        roles = read_roles(show(root, f"{commit}^", f"{prefix}books.toml") or "")  # the first commit sets them up
        paths = [p for _, p in _changed(root, commit)]

        def flag(what: str) -> None:
            findings.append(Finding(commit[:12], author, email, day, subject, what))

        for what in role_findings(root, roles, email, f"{commit}^", commit, paths, prefix):
            flag(what)
        if signers is not None:
            for what in signature_findings(root, commit, email, paths, prefix, signers):
                flag(what)
        touches_books = any(needed(rel) for rel in books_paths(paths, prefix))
        if touches_books or previous is None:
            now = _seal_problems(root, commit)
            for code, message in sorted(now - (previous or set())):
                flag(f"{code} {message}")
            previous = now
    findings += close_record_findings(root, commits)
    findings += tracked_cache_findings(root)
    return findings, len(commits)


def close_record_findings(root: Path, commits: list[str]) -> list[Finding]:
    """The close records' history replayed (only ever appended to, a filed month never reopens, a
    seal never changes without a reopen) and every close tag checked (core.close.tags)."""

    out = []
    for commit, what in closetags.history_findings(root, commits, lambda c: _changed(root, c)) \
            + closetags.tag_findings(root):
        info = git.run(root, "show", "-s", "--format=%an%x1f%ae%x1f%aI%x1f%s", commit).strip().split("\x1f")
        out.append(Finding(commit[:12], info[0], info[1], info[2][:10], info[3], what))
    return out


def tracked_cache_findings(root: Path) -> list[Finding]:
    """A finding when git tracks the books' `.kebir/` (caches, lock, write journals: W008), named
    after the last commit that added files there. A committed cache entry reaches every clone;
    kebir ignores it (core/books/cachekey.py), but it has no place in the history."""
    paths = git.run(root, "ls-files", "--", ".kebir").split("\n")
    paths = [p for p in paths if p]
    if not paths:
        return []
    last = git.run(root, "log", "-1", "--diff-filter=A", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "--",
               ".kebir").strip().split("\x1f")
    if len(last) < 5:
        last = ["", "", "", "", ""]
    return [Finding(last[0][:12], last[1], last[2], last[3][:10], last[4],
                    f"W008 git tracks {len(paths)} file(s) under .kebir/ (local caches and locks), e.g. {paths[0]}: "
                    "git rm -r --cached .kebir and add .kebir/ to .gitignore")]


def staged_findings(root: Path) -> list[str]:
    """For the pre-commit hook: what the staged change would break, by the roles of the committer
    (the rules of HEAD, the records of HEAD against the index). `root` is the books directory."""
    ident = git.run(root, "var", "GIT_AUTHOR_IDENT").strip()      # config or GIT_AUTHOR_* environment
    email = ident[ident.find("<") + 1:ident.find(">")] if "<" in ident else ""
    prefix = books_prefix(root)
    roles = read_roles(show(root, "HEAD", f"{prefix}books.toml") or "")
    top = Path(git.run(root, "rev-parse", "--show-toplevel").strip())
    paths = git.run(top, "diff", "--cached", "--name-only", "--no-renames").splitlines()
    return role_findings(root, roles, email, "HEAD", "", paths, prefix)


# -- roles over parsed records -------------------------------------------------------------------------

def books_prefix(root: Path) -> str:
    """Where the books directory sits in its repository ("" at the top, else e.g. "ledger/")."""
    return git.run(root, "rev-parse", "--show-prefix").strip()


def books_paths(paths: list[str], prefix: str) -> list[str]:
    """Repository paths that fall inside the books directory, relative to it (others dropped)."""
    return [p[len(prefix):] for p in paths if p.startswith(prefix)]


def show(root: Path, rev: str, path: str) -> str | None:
    """A file's text at a revision (`rev` "" is the index), None when it is not there."""
    try:
        return git.run(root, "show", f"{rev}:{path}")
    except git.GitError:
        return None


def role_findings(root: Path, roles: Roles, email: str, before: str, after: str, paths: list[str],
                  prefix: str) -> list[str]:
    """What `email` may not change among `paths` (repository paths) going from revision `before`
    to `after` ("" is the index): each file's permission, and `merge` for a contacts file whose
    parsed records gain, lose or change a `merged_into`, however the YAML spells it."""
    if not roles.active:
        return []
    rels = books_paths(paths, prefix)
    # merged_into of the changed contacts files, all together: a record moved to another file is no merge
    old: dict[str, set[tuple[str, str]]] = {}
    new: dict[str, set[tuple[str, str]]] = {}
    for rel in rels:
        if needed(rel) == "contacts":
            old[rel] = _merged_into(rel, show(root, before, prefix + rel))
            new[rel] = _merged_into(rel, show(root, after, prefix + rel))
    changed = {rid for rid, _ in set().union(*old.values(), set()) ^ set().union(*new.values(), set())}
    out = []
    for rel in rels:
        perm = needed(rel)
        if perm == "contacts":
            moved = sorted(changed & {rid for rid, _ in old[rel] | new[rel]})
            if moved:
                perm = "merge"
                if not roles.may(email, perm):
                    out.append(f"{rel}: changes `merged_into` of {', '.join(moved)}: needs `merge`, and {email} "
                               f"has {', '.join(roles.of(email)) or 'no role'}")
                    continue
        if perm and not roles.may(email, perm):
            out.append(f"{rel}: needs `{perm}`, and {email} has {', '.join(roles.of(email)) or 'no role'}")
    return out


def merge_changes(rel: str, before: str | None, after: str | None) -> list[str]:
    """Ids whose `merged_into` differs between two texts of a contacts file, compared as parsed
    records (quoted keys, flow mappings, any indentation, CSV columns), never as lines."""
    old, new = _merged_into(rel, before), _merged_into(rel, after)
    return sorted({rid for rid, _ in old ^ new})


def _merged_into(rel: str, text: str | None) -> set[tuple[str, str]]:
    """(id, merged_into) of every record of a contacts file that has one; unreadable text: none."""
    import csv
    import io

    if not text:
        return set()
    if rel.endswith(".csv"):
        try:
            rows = list(csv.DictReader(io.StringIO(text)))
        except csv.Error:
            return set()
        return {(str(r.get("id") or ""), str(r.get("merged_into"))) for r in rows
                if (r.get("merged_into") or "").strip()}
    tree, _ = yamlnodes.parse(text, rel)
    out: set[tuple[str, str]] = set()
    for rec in tree if isinstance(tree, list) else [tree]:
        if isinstance(rec, dict) and "merged_into" in rec:
            out.add((str(rec.get("id") or ""), repr(yamlnodes.plain(rec["merged_into"]))))
    return out


# -- signed commits ------------------------------------------------------------------------------------

class SignersError(git.GitError):
    """`--require-signed` without an allowed-signers file named in books.toml."""


def allowed_signers_path(root: Path) -> str:
    """The allowed-signers file named by `[audit] allowed_signers` in books.toml, relative to the
    books directory (the working tree's setting names the file; its keys are read from each
    commit's parent, like the roles)."""
    try:
        doc = tomllib.loads((Path(root) / "books.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SignersError(f"books.toml cannot be read: {exc}") from None
    name = (doc.get("audit") or {}).get("allowed_signers")
    if not isinstance(name, str) or not name.strip():
        raise SignersError("--require-signed needs the keys allowed to sign: name an allowed-signers file in "
                           'books.toml, e.g. [audit] allowed_signers = ".kebir-allowed-signers" (docs/trust.md)')
    return name.strip()


def signature_findings(root: Path, commit: str, email: str, paths: list[str], prefix: str,
                       signers: str) -> list[str]:
    """A commit that changes the books must carry an SSH signature by a key that the allowed-signers
    file (as of the commit's parent; a first commit: its own) allows for the author's e-mail.
    Unsigned, badly signed, signed by an unknown key or by someone else's key: one finding."""
    books = [rel for rel in books_paths(paths, prefix) if needed(rel)]
    if not books:
        return []
    what = ", ".join(books[:3]) + (f" and {len(books) - 3} more" if len(books) > 3 else "")
    header = git.run(root, "cat-file", "commit", commit).split("\n\n", 1)[0]
    if not re.search(r"^gpgsig(?:-sha256)? ", header, re.M):
        return [f"unsigned commit changes {what}: --require-signed wants every change to the books signed "
                "by its author (git commit -S with gpg.format ssh, docs/trust.md)"]
    if "BEGIN SSH SIGNATURE" not in header:
        return [f"signed with a key kebir does not check (only SSH signatures are checked, against {signers}); "
                f"changes {what}"]
    rules = f"{commit}^" if _has_parent(root, commit) else commit
    text = show(root, rules, prefix + signers)
    if text is None:
        return [f"signed, but the allowed-signers file {signers} is not in the books before this commit, so "
                f"the signature cannot be checked; changes {what}"]
    with tempfile.TemporaryDirectory(prefix="kebir-signers-") as tmp:
        path = Path(tmp) / "allowed-signers"
        path.write_text(text, encoding="utf-8")
        status, principal, key = (git.run(root, "-c", f"gpg.ssh.allowedSignersFile={path}", "log", "-1",
                                      "--format=%G?%x1f%GS%x1f%GK", commit).strip().split("\x1f") + ["", ""])[:3]
    if status != "G":
        why = {"B": "the signature does not match the commit (changed after signing)",
               "U": f"the key {key} is not in {signers}", "R": f"the key {key} is revoked",
               "X": "the signature has expired", "Y": "the key has expired"}.get(
                   status, f"the signature cannot be checked (git says {status})")
        return [f"wrongly signed: {why}; changes {what}"]
    if not _principal_allows(principal, email):
        return [f"wrongly signed: the key {key} is {principal}'s in {signers}, and the author is {email}; "
                f"changes {what}"]
    return []


def _has_parent(root: Path, commit: str) -> bool:
    return len(git.run(root, "rev-list", "--parents", "-n", "1", commit).split()) > 1


def _principal_allows(principals: str, email: str) -> bool:
    """An allowed-signers principals field (comma-separated patterns with `*` and `?`, `!` to
    exclude) against an e-mail, as ssh-keygen matches them."""
    email = email.lower()
    ok = False
    for pat in (p.strip().lower() for p in principals.split(",") if p.strip()):
        if pat.startswith("!"):
            if fnmatch.fnmatchcase(email, pat[1:]):
                return False
        elif fnmatch.fnmatchcase(email, pat):
            ok = True
    return ok


HOOK = """#!/bin/sh
# kebir pre-commit hook (kebir hooks install): the staged books must validate, and the committer's
# role must allow what the commit changes. Skip once with `git commit --no-verify`.
# Git runs it at the top of the working tree; --books is the books directory from there.
exec {kebir} hooks run --books {books}
"""
