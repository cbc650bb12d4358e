"""Close tags: the chain of close records anchored outside the files it protects.

Every event in a close record's history (closed, reopened, filed) that has been committed gets an
annotated git tag on the commit that first holds it, never moved:

    kebir/close/2025-01      the first close of 2025-01     kebir/close/2025-01.2   the second
    kebir/reopen/2025-01     the first reopen               kebir/filed/2025-01     the filing

The tag's message carries the event's hash (the history is a hash chain, core.books.closes.event_hash)
and, for a close, the seal. `git push --follow-tags` carries annotated tags, so a copy of them
lives wherever the books are pushed. `kebir validate` checks the working tree against the tags
(E103: a tagged event missing from the history or different; W006: a committed event without a
tag), and `kebir audit verify` checks every tag against the commit it points at and that the
commit is still in the history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core import git
from core.books.closes import RECORD_NAME, CloseRecord, Event, close_paths, read_closes
from core.model.errors import Problem
from core.books import yamlnodes

KIND_OF_EVENT = {"closed": "close", "reopened": "reopen", "filed": "filed"}
_TAG = re.compile(r"kebir/(close|reopen|filed)/(\d{4}-\d{2})(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    period: str
    commit: str
    annotated: bool
    seal: str | None
    hash: str | None


def tag_name(period: str, event: str, n: int) -> str:
    return f"kebir/{KIND_OF_EVENT[event]}/{period}" + (f".{n}" if n > 1 else "")


def tagged_events(rec: CloseRecord) -> dict[str, Event]:
    """tag name -> history event, numbering each kind of event in order (close, close.2, ...)."""
    seen: dict[str, int] = {}
    out = {}
    for e in rec.events:
        if e.event in KIND_OF_EVENT:
            seen[e.event] = seen.get(e.event, 0) + 1
            out[tag_name(rec.period, e.event, seen[e.event])] = e
    return out


def tag_message(period: str, event: Event) -> str:
    lines = [f"kebir {event.event} {period}", "", f"period: {period}", f"event: {event.event}",
             f"by: {event.by}", f"on: {event.on}"]
    if event.seal:
        lines.append(f"seal: {event.seal}")
    lines.append(f"hash: {event.hash}")
    return "\n".join(lines) + "\n"


def repository(root: Path) -> tuple[Path, str] | None:
    """(top of the work tree, the books' prefix inside it), or None when the books are not in git."""
    try:
        top = git.run(Path(root), "rev-parse", "--show-toplevel").strip()
        prefix = git.run(Path(root), "rev-parse", "--show-prefix").strip()
        git.run(Path(root), "rev-parse", "--verify", "-q", "HEAD")
    except git.GitError:
        return None
    return Path(top), prefix


def read_tags(top: Path) -> list[Tag]:
    out = []
    raw = git.run(top, "for-each-ref", "refs/tags/kebir/",
               "--format=%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f%(*objectname)%1f%(contents)%1e")
    for block in raw.split("\x1e"):
        block = block.strip("\n")
        if not block:
            continue
        name, kind, obj, target, message = (block.split("\x1f") + [""] * 5)[:5]
        m = _TAG.fullmatch(name)
        if not m:
            continue
        fields = dict(ln.split(": ", 1) for ln in message.splitlines() if ": " in ln)
        out.append(Tag(name, m[2], target or obj, kind == "tag", fields.get("seal"), fields.get("hash")))
    return sorted(out, key=lambda t: t.name)


def record_at(top: Path, rev: str, path: str) -> CloseRecord | None:
    """The close record `path` (relative to the top of the repository) as of `rev`, or None."""
    try:
        text = git.run(top, "show", f"{rev}:{path}")
    except git.GitError:
        return None
    tree, found = yamlnodes.parse(text, path)
    if not isinstance(tree, dict):
        return None
    return CloseRecord.read(yamlnodes.plain(tree), path, tree.line)


def write_tags(root: Path, dry_run: bool = False) -> list[str]:
    """Tag every committed history event of every close record that has no tag yet, on the first
    commit that holds it (events are matched by their hash, so a later rewrite is never tagged).
    Returns the tags written (with `dry_run`, those it would write)."""
    repo = repository(root)
    if repo is None:
        return []
    top, prefix = repo
    have = {t.name for t in read_tags(top)}
    written = []
    files = git.run(top, "ls-tree", "--name-only", "HEAD", f"{prefix}closes/").split()
    for path in sorted(files):
        if not re.fullmatch(r".*/?\d{4}-\d{2}\.yaml", path):
            continue
        head = record_at(top, "HEAD", path)
        if head is None:
            continue
        wanted = {name: e for name, e in tagged_events(head).items() if name not in have}
        if not wanted:
            continue
        for commit in git.run(top, "log", "--format=%H", "--reverse", "HEAD", "--", path).split():
            rec = record_at(top, commit, path)
            for name, e in (tagged_events(rec) if rec is not None else {}).items():
                if name in wanted and e.hash == wanted[name].hash:
                    if not dry_run:
                        git.run(top, "tag", "-a", name, "-m", tag_message(head.period, e), commit)
                    written.append(name)
                    del wanted[name]
            if not wanted:
                break
    return written


def check_close_tags(book) -> list[Problem]:
    """E103: every kebir/* tag's event is in its close record's history, unchanged; W006: a committed
    close, reopen or filing that has no tag."""
    repo = repository(book.root)
    if repo is None:
        return []
    top, prefix = repo
    tags = read_tags(top)
    closes, _ = read_closes(book.root)
    problems: list[Problem] = []
    for tag in tags:
        rel = close_paths(tag.period)[0]
        rec = closes.get(tag.period)
        if rec is None:
            problems.append(Problem("E103", rel, 1, f"{rel} is missing, but git tag {tag.name} records that "
                                    f"{tag.period} was {_what(tag)}", record=tag.period, expected=rel, found="no file",
                                    hint=f"restore it: git checkout {tag.name} -- {prefix}closes/ "
                                         f"{prefix}journals/{tag.period[:4]}/{tag.period}.close.yaml"))
            continue
        event = tagged_events(rec).get(tag.name)
        line = rec.line
        if event is None:
            problems.append(Problem("E103", rel, line, f"the history of {tag.period} has no entry for git tag "
                                    f"{tag.name} ({_what(tag)}): it was cut short", record=tag.period,
                                    expected=f"the event tagged {tag.name}", found="no such entry",
                                    hint=f"restore the record from the tag: git show {tag.name}:{prefix}{rel}"))
        elif not tag.annotated or event.hash != tag.hash or (tag.seal and event.seal != tag.seal):
            problems.append(Problem("E103", rel, line, f"the history of {tag.period} differs from git tag "
                                    f"{tag.name}: it was rewritten", record=tag.period,
                                    expected=f"hash {tag.hash}" + (f", seal {tag.seal}" if tag.seal else ""),
                                    found=f"hash {event.hash}" + (f", seal {event.seal}" if event.seal else ""),
                                    hint=f"restore the record from the tag: git show {tag.name}:{prefix}{rel}; "
                                         "close records change only through kebir close, reopen and --mark-filed"))
    names = {t.name for t in tags}
    committed = _committed_unchanged(top, prefix)
    for period in sorted(closes):
        rel = close_paths(period)[0]
        if rel not in committed:
            continue
        for name, event in tagged_events(closes[period]).items():
            if name not in names:
                problems.append(Problem("W006", rel, closes[period].line,
                                        f"the {event.event} event of {period} is committed but has no tag "
                                        f"{name}", record=period, expected=f"git tag {name}", found="no tag",
                                        hint="run `kebir audit tag` (kebir close/reopen --commit tag as they commit), "
                                             "then `git push --follow-tags`"))
    return problems


def _what(tag: Tag) -> str:
    kind = tag.name.split("/")[1]
    return {"close": f"closed with seal {tag.seal}", "reopen": "reopened", "filed": "filed"}[kind]


def _committed_unchanged(top: Path, prefix: str) -> set[str]:
    """closes/*.yaml files (relative to the books) that HEAD holds and the work tree has not changed."""
    tracked = git.run(top, "ls-tree", "--name-only", "HEAD", f"{prefix}closes/").split()
    dirty = {ln[3:] for ln in git.run(top, "status", "--porcelain", "--no-renames", "--",
                                      f"{prefix}closes/").splitlines()}
    return {p[len(prefix):] for p in tracked if p not in dirty}


# -- audit verify: the history of the close records, and the tags against the commits ----------------

def history_findings(root: Path, commits: list[str], changed) -> list[tuple[str, str]]:
    """(commit, what) for every commit that changes a close record other than by appending to its
    history: a deleted record, a rewritten or shortened history, a filed month reopened or unfiled,
    a seal changed without a reopen, a close commit whose message names another seal than its record.
    `changed(commit)` gives the (status, path) pairs of a commit (core.close.audit._changed)."""
    repo = repository(root)
    if repo is None:
        return []
    top, prefix = repo
    out: list[tuple[str, str]] = []
    for commit in commits:
        paths = [p for _, p in changed(commit) if p.startswith(f"{prefix}closes/")
                 and RECORD_NAME.fullmatch(p[len(prefix) + len("closes/"):])]
        if not paths:
            continue
        for path in paths:
            period = path[-12:-5]
            old, new = record_at(top, f"{commit}^", path), record_at(top, commit, path)
            if old is None:
                continue
            for what in _compare(period, old, new):
                out.append((commit, f"{prefix}closes/{period}.yaml: {what}"))
        message = git.run(top, "show", "-s", "--format=%B", commit)
        m = re.search(r"^period: (\d{4}-\d{2})$", message, re.M)
        s = re.search(r"^seal: (sha256:[0-9a-f]+)$", message, re.M)
        if m and s and message.startswith("close "):
            rec = record_at(top, commit, f"{prefix}closes/{m[1]}.yaml")
            if rec is None or rec.seal != s[1]:
                out.append((commit, f"the close commit of {m[1]} names seal {s[1]}, its close record holds "
                                    f"{rec.seal if rec is not None else None}"))
    return out


def _compare(period: str, old: CloseRecord, new: CloseRecord | None) -> list[str]:
    if new is None:
        return [f"the close record of {period} was deleted (a close is undone only by kebir reopen, which keeps it)"]
    before = [e.as_dict() for e in old.events]
    after = [e.as_dict() for e in new.events]
    if after[:len(before)] != before:
        n = next((i for i, (a, b) in enumerate(zip(before, after), 1) if a != b), min(len(before), len(after)) + 1)
        return [f"the history of {period} was rewritten from entry {n} (a close record is only ever appended to)"]
    added = [e.get("event") for e in after[len(before):]]
    out = []
    if any(e.get("event") == "filed" for e in before) and (added or new.status != "closed"):
        out.append(f"{period} is filed and was changed ({', '.join(map(str, added)) or 'status ' + str(new.status)})")
    if old.filed in (True, "true") and new.filed not in (True, "true"):
        out.append(f"the filed flag of {period} was cleared")
    if old.seal != new.seal and "reopened" not in added and old.status != "reopened":
        out.append(f"the seal of {period} changed without a reopen ({old.seal} -> {new.seal})")
    if new.state != old.state and not added:
        out.append(f"the status of {period} changed to {new.status} without a history entry")
    return out


def tag_findings(root: Path) -> list[tuple[str, str]]:
    """(commit, what) for every kebir/* tag that is not an annotated tag on a commit of the current
    history whose close record holds the tagged event unchanged."""
    repo = repository(root)
    if repo is None:
        return []
    top, prefix = repo
    out = []
    for tag in read_tags(top):
        path = f"{prefix}closes/{tag.period}.yaml"
        if not tag.annotated:
            out.append((tag.commit, f"tag {tag.name} is not an annotated tag (kebir writes them with git tag -a)"))
        try:
            git.run(top, "merge-base", "--is-ancestor", tag.commit, "HEAD")
        except git.GitError:
            out.append((tag.commit, f"tag {tag.name} points at commit {tag.commit[:12]}, which is not in the "
                                    "history of HEAD: the close commit was amended or the history rewritten"))
            continue
        rec = record_at(top, tag.commit, path)
        event = tagged_events(rec).get(tag.name) if rec is not None else None
        if event is None or event.hash != tag.hash or (tag.seal and event.seal != tag.seal):
            out.append((tag.commit, f"tag {tag.name} ({_what(tag)}) does not match {prefix}closes/{tag.period}.yaml "
                                    f"at the commit it points at"))
    return out
