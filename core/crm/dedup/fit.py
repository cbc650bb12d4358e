"""Fellegi-Sunter: the model's m/u weights by MAP-EM over the distinct comparison vectors
(fixed start and prior: deterministic), u from random pairs, and the match probability of each
scored pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import polars as pl

from core.crm.dedup.compare import FIELDS, LEVELS, LOCATION, REVIEW_CAP, compare_frame


@dataclass
class Model:
    lam: float
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    iterations: int
    converged: bool

    def weight(self, f: str, level: int) -> float:
        if level < 0:
            return 0.0
        return math.log2(self.m[f][level] / self.u[f][level])

    def probability(self, vec: tuple[int, ...]) -> float:
        """The logistic of the prior log-odds plus the weights, where the fields that place a party
        (phone, city, address, postcode: LOCATION) count once, by their strongest
        agreement: firms at one address share its phone, city and postcode, so those agreements
        are one piece of evidence, not four (disagreements each still count)."""
        ws = [self.weight(f, l) for f, l in zip(FIELDS, vec)]
        loc = [w for f, w in zip(FIELDS, ws) if f in LOCATION]
        w = math.log2(self.lam / (1 - self.lam)) + sum(w for f, w in zip(FIELDS, ws) if f not in LOCATION) \
            + sum(x for x in loc if x < 0) + max([x for x in loc if x > 0], default=0.0)
        w = max(min(w, 60.0), -60.0)
        return 1.0 / (1.0 + 2.0 ** (-w))

    def as_dict(self) -> dict[str, Any]:
        return {"lam": self.lam, "m": self.m, "u": self.u, "iterations": self.iterations,
                "converged": self.converged}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Model":
        # a model of another shape (an earlier version's sidecar): its fields fall back to the prior
        m = {f: list(d["m"][f]) if len(d["m"].get(f, ())) == LEVELS[f] else list(PRIOR_M[f]) for f in FIELDS}
        u = {f: list(d["u"][f]) if len(d["u"].get(f, ())) == LEVELS[f] else list(PRIOR_U[f]) for f in FIELDS}
        return cls(float(d["lam"]), m, u, int(d["iterations"]), bool(d["converged"]))


def _clamp_prior(p: float) -> float:
    return min(max(p, 1e-12), 0.5)


def _clamp(p: float) -> float:
    return min(max(p, 1e-4), 1 - 1e-4)


# Fixed weights: the starting point of EM and its prior (pseudo-counts), and what scan uses when EM
# does not converge. m = P(level | same party), u = P(level | different parties among candidate
# pairs, which already share a blocking key): a shared phone, e-mail or tax id is rare between
# different firms (u ~ 1%), a shared domain or city is common (they put the pair in one block).
PRIOR_LAMBDA = 0.1
PRIOR_M = {"name": [0.02, 0.05, 0.18, 0.75], "phone": [0.08, 0.04, 0.88], "email": [0.4, 0.6],
           "domain": [0.1, 0.9], "tax": [0.02, 0.05, 0.93], "city": [0.04, 0.04, 0.92],
           "address": [0.2, 0.15, 0.65], "dob": [0.03, 0.07, 0.9], "zip": [0.05, 0.05, 0.9]}
PRIOR_U = {"name": [0.85, 0.12, 0.02, 0.01], "phone": [0.985, 0.005, 0.01], "email": [0.995, 0.005],
           "domain": [0.7, 0.3], "tax": [0.99, 0.005, 0.005], "city": [0.28, 0.02, 0.7],
           "address": [0.93, 0.02, 0.05], "dob": [0.99, 0.008, 0.002], "zip": [0.9, 0.03, 0.07]}
PRIOR_STRENGTH_M = 5.0     # pseudo-pairs: small books lean on the prior, large ones on their data
PRIOR_STRENGTH_U = 20.0


def fixed_model() -> Model:
    return Model(PRIOR_LAMBDA, {f: list(v) for f, v in PRIOR_M.items()},
                 {f: list(v) for f, v in PRIOR_U.items()}, 0, False)


def estimate(vectors: Iterable[tuple[int, ...]], max_iter: int = 100, tol: float = 1e-6,
             counts: Iterable[int] | None = None, u_fixed: Mapping[str, list[float]] | None = None) -> Model:
    """MAP-EM for the two-class Fellegi-Sunter model (conditional independence, missing levels
    skipped), starting from and regularised towards the fixed weights: deterministic. `vectors`
    may be distinct patterns with `counts` (how many pairs have each): the cost is then per
    pattern, not per pair. Returns the fixed model (converged=False) if EM does not settle."""
    vecs = list(vectors)
    cnt = [1.0] * len(vecs) if counts is None else [float(c) for c in counts]
    total = sum(cnt)
    m = {f: list(v) for f, v in PRIOR_M.items()}
    u = {f: list((u_fixed or {}).get(f, v)) for f, v in PRIOR_U.items()}
    lam = PRIOR_LAMBDA
    for it in range(1, max_iter + 1):
        model = Model(lam, m, u, it, False)
        post = [model.probability(v) for v in vecs]
        new_lam = _clamp((sum(p * c for p, c in zip(post, cnt)) + PRIOR_LAMBDA * PRIOR_STRENGTH_U)
                         / (total + PRIOR_STRENGTH_U))
        new_m: dict[str, list[float]] = {}
        new_u: dict[str, list[float]] = {}
        for k, f in enumerate(FIELDS):
            mc = [PRIOR_STRENGTH_M * x for x in PRIOR_M[f]]
            uc = [PRIOR_STRENGTH_U * x for x in PRIOR_U[f]]
            for v, p, c in zip(vecs, post, cnt):
                if v[k] >= 0:
                    mc[v[k]] += p * c
                    uc[v[k]] += (1 - p) * c
            new_m[f] = [_clamp(x / sum(mc)) for x in mc]
            new_u[f] = [_clamp(x / sum(uc)) for x in uc] if u_fixed is None or f not in u_fixed else u[f]
        delta = abs(new_lam - lam) + max(abs(a - b) for f in FIELDS
                                         for a, b in zip(new_m[f] + new_u[f], m[f] + u[f]))
        lam, m, u = new_lam, new_m, new_u
        if delta < tol:
            return Model(lam, m, u, it, True)
    fixed = fixed_model()
    return Model(fixed.lam, fixed.m, {f: list((u_fixed or {}).get(f, v)) for f, v in PRIOR_U.items()}, max_iter, False)


U_SAMPLE = 200_000


def estimate_u(nf: pl.DataFrame, sample: int = U_SAMPLE) -> dict[str, list[float]] | None:
    """u = P(level | different parties), from random pairs of records of one kind (almost all of
    them different parties), as the record-linkage literature and splink do: estimated among the
    candidate pairs, u is swamped by namesakes, and EM mistakes "same name" for the match class.
    A fixed seed keeps it deterministic; None when there are too few records to sample."""
    n = nf.height
    if n < 1000:
        return None
    k = min(sample, n * 4)
    a = pl.int_range(0, n, eager=True).sample(k, with_replacement=True, seed=6).cast(pl.UInt32)
    b = pl.int_range(0, n, eager=True).sample(k, with_replacement=True, seed=7).cast(pl.UInt32)
    kinds = nf["kind"]
    pairs = pl.DataFrame({"a": a, "b": b}).filter(pl.col("a") != pl.col("b")) \
        .with_columns(pl.min_horizontal("a", "b").alias("a"), pl.max_horizontal("a", "b").alias("b"))
    pairs = pairs.filter(kinds.gather(pairs["a"]) == kinds.gather(pairs["b"])).unique(maintain_order=True)
    vec = compare_frame(nf, pairs)
    u: dict[str, list[float]] = {}
    for f in FIELDS:
        counts = dict(vec.group_by(f).len().iter_rows())
        tot = sum(c for lv, c in counts.items() if lv >= 0)
        # a pseudo-count of one agreement per level keeps rare agreement finite
        u[f] = [(counts.get(lv, 0) + 1) / (tot + LEVELS[f]) for lv in range(LEVELS[f])]
    return u


def score_frame(vec: pl.DataFrame, model: Model) -> pl.DataFrame:
    """Adds `p`, the match probability, to the comparison vectors (by distinct pattern): 0 for a
    hard no, at most REVIEW_CAP for a pair only a person may accept."""
    pats = vec.select(FIELDS).unique().sort(FIELDS)
    probs = [model.probability(tuple(r)) for r in pats.iter_rows()]
    pats = pats.with_columns(pl.Series("p0", probs, dtype=pl.Float64))
    out = vec.join(pats, on=list(FIELDS), how="left", nulls_equal=True)
    p = pl.when(pl.col("hard")).then(0.0)
    if "review" in out.columns:      # a pair only a person may accept (compare._review_only)
        p = p.when(pl.col("review")).then(pl.min_horizontal("p0", pl.lit(REVIEW_CAP)))
    return out.with_columns(p.otherwise(pl.col("p0")).alias("p")).drop("p0") \
        .sort("a", "b")
