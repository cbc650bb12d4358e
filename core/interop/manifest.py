"""The import manifest: what came in, what went out, what was skipped and why; written beside the records.

Totals are kept per (account, currency) as debit and credit sums in integer minor units, for the
source (after account mapping, before writing) and for the records as kebir reads them back from
the very text about to be written. `compare_totals` turns any difference into I009 problems: an
import whose totals differ writes nothing.

The manifest holds no wall-clock time and no user name: the same import gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml

from core.model.errors import Problem
from core.model.money import fmt_minor

Totals = dict[tuple[str, str], list[int]]    # (account, currency) -> [debit minor, credit minor]


def new_totals() -> Totals:
    return defaultdict(lambda: [0, 0])


def add(totals: Totals, account: str, currency: str, minor: int) -> None:
    cell = totals[(account, currency)]
    if minor >= 0:
        cell[0] += minor
    else:
        cell[1] -= minor


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    kind: str                                   # journal | bank | contacts
    label: str
    source_path: str
    source_sha256: str
    source_bytes: int
    fmt: str
    counts: dict[str, int] = field(default_factory=dict)
    totals_in: Totals = field(default_factory=new_totals)
    totals_out: Totals = field(default_factory=new_totals)
    files: dict[str, str] = field(default_factory=dict)      # rel path -> sha256 of the text written
    skipped: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)      # source account name -> kebir code (journals)
    generated: list[dict[str, Any]] = field(default_factory=list)   # accounts the import made up, and why

    @property
    def rel(self) -> str:
        return f"imports/{self.label}.manifest.yaml"

    def dump(self, decimals: dict[str, int]) -> str:
        """Canonical YAML: fixed key order, totals sorted by account then currency, amounts as strings."""
        keys = sorted(set(self.totals_in) | set(self.totals_out))
        rows = []
        for acc, cur in keys:
            d = decimals.get(cur, 2)
            i = self.totals_in.get((acc, cur), [0, 0])
            o = self.totals_out.get((acc, cur), [0, 0])
            rows.append({"account": acc, **({"code": self.codes[acc]} if acc in self.codes else {}),
                         "currency": cur,
                         "debit_in": fmt_minor(i[0], d), "credit_in": fmt_minor(i[1], d),
                         "debit_out": fmt_minor(o[0], d), "credit_out": fmt_minor(o[1], d)})
        doc: dict[str, Any] = {
            "import": self.kind,
            "label": self.label,
            "source": {"path": self.source_path, "format": self.fmt, "sha256": self.source_sha256,
                       "bytes": self.source_bytes},
            **({"options": self.extra} if self.extra else {}),
            "counts": dict(self.counts),
            "files": [{"path": p, "sha256": h} for p, h in sorted(self.files.items())],
            "totals": rows,
            "skipped": self.skipped,
            **({"generated": self.generated} if self.generated else {}),
        }
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)


def compare_totals(m: Manifest, decimals: dict[str, int], path: str) -> list[Problem]:
    """One I009 per (account, currency) whose totals in and out differ."""
    out = []
    for key in sorted(set(m.totals_in) | set(m.totals_out)):
        i = m.totals_in.get(key, [0, 0])
        o = m.totals_out.get(key, [0, 0])
        if list(i) != list(o):
            d = decimals.get(key[1], 2)
            out.append(Problem("I009", path, 1, f"totals of {key[0]} in {key[1]} differ: source debits "
                               f"{fmt_minor(i[0], d)} credits {fmt_minor(i[1], d)}, records written debits "
                               f"{fmt_minor(o[0], d)} credits {fmt_minor(o[1], d)}",
                               expected=f"{fmt_minor(i[0], d)} / {fmt_minor(i[1], d)}",
                               found=f"{fmt_minor(o[0], d)} / {fmt_minor(o[1], d)}",
                               hint="nothing was written; this is a kebir bug: report it with the source file"))
    return out
