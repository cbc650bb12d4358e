"""A CSV record file's header row checked against its schema, a typo named as a typo.

`entry_id,date,memo,acount,debit,credit` is one mistake, not two: the unknown `acount` stands where
the required `account` is missing, so it is reported once (E161) with the column it most likely
means. Columns still missing (E002) or unknown (E011) after that pairing are reported as before, an
unknown one with the closest known name when there is one. A column named twice is E190: a
reader would keep one of the two and lose the other's cells without a word. Until the header is right none of the
file's rows are read (core.books.unread holds back the checks their absence would mislead).
"""

from __future__ import annotations

from difflib import get_close_matches

from core.model.errors import Problem

UNREAD = "none of the file's rows are read until the header is right"


def closest(name: str, choices: list[str]) -> str | None:
    """The known column a mistyped one most likely means (`acount` -> `account`), if any is close."""
    hit = get_close_matches(name.strip().lower(), choices, n=1, cutoff=0.6)
    return hit[0] if hit else None


def header_problems(rel: str, header: list[str], header_line: str, cols: list[str],
                    required: list[str]) -> list[Problem]:
    twice = sorted({c for c in header if header.count(c) > 1}, key=header.index)
    if twice:                 # a reader keeps one of the two: the other column's cells would be lost
        return [Problem("E190", rel, 1, "column " + ", ".join(f"`{c}`" for c in twice)
                        + " appears more than once in the header row", expected="each column once",
                        found=header_line, hint="merge the columns into one (or rename the one that means "
                        f"something else); {UNREAD}")]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in cols]
    problems: list[Problem] = []
    for name in list(unknown):
        meant = closest(name, missing)
        if meant is None:
            continue
        unknown.remove(name)
        missing.remove(meant)
        problems.append(Problem("E161", rel, 1, f"column `{name}` is not one kebir knows and `{meant}` is missing: "
                                f"did you mean `{meant}`?", expected=meant, found=name,
                                hint=f"rename `{name}` to `{meant}` in the header row; {UNREAD}"))
    if missing:
        problems.append(Problem("E002", rel, 1, f"missing column{'s' if len(missing) > 1 else ''} "
                                + ", ".join(missing), expected="columns " + ",".join(required),
                                found=header_line, hint=f"add the column to the header row (cells may be empty); "
                                f"{UNREAD}"))
    if unknown:
        absent = [c for c in cols if c not in header]
        near = {name: closest(name, absent) for name in unknown}
        guess = "; ".join(f"did you mean `{m}` for `{n}`?" for n, m in near.items() if m)
        problems.append(Problem("E011", rel, 1, "unknown column " + ", ".join(unknown),
                                expected="columns among " + ",".join(cols), found=header_line,
                                hint=(guess + " " if guess else "") + "rename or remove it; unknown columns are "
                                "refused so nothing is ignored"))
    return problems
