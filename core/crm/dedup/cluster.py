"""Clustering: connected components (union-find) over the pairs at or above the threshold,
split while a member pair scores below the lower threshold or was rejected, each cluster `auto`
or `review`; the scan proper over normalised rows (`_scan_rows`), and the Plan, Previous and
Kept records it works with.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Mapping

import polars as pl

from core.crm.dedup.block import candidate_pairs_frame
from core.crm.dedup.compare import FIELDS, compare_frame
from core.crm.dedup.fit import Model, _clamp_prior, estimate, estimate_u, score_frame
from core.crm.dedup.normalise import NORM_COLUMNS, Norm, _contacts_of, _norms_of
from core.model import progress
from core.model.records import Contact


AUTO_THRESHOLD = 0.99      # a cluster whose every member pair scores at least this is proposed as `auto`


@dataclass
class Cluster:
    members: list[str]
    score: float                                    # weakest member pair's match probability
    pairs: list[tuple[str, str, float]]             # every member pair with its probability
    survivor: str
    confidence: str = "review"                      # auto | review


@dataclass
class Previous:
    """What an earlier plan holds (`read_previous`): its clusters and their decisions, the plan's
    lines (to carry clusters into the next plan as they were written), every pair inside a
    decided cluster, and, from its `.seen` sidecar, the model and record hashes of its scan."""
    clusters: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"cl": pl.UInt32, "decision": pl.String, "members": pl.List(pl.String), "start": pl.Int64,
                "rest": pl.Int64, "end": pl.Int64}))      # start, rest, end: character offsets in text
    text: str = ""
    pairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"a": pl.String, "b": pl.String, "rejected": pl.Boolean}))     # ids, a < b
    seen: pl.DataFrame | None = None                                         # id, hash (the sidecar)
    model: Model | None = None


@dataclass
class Kept:
    """Clusters of an earlier plan carried into the next one as they were written, renumbered:
    slices of the earlier plan's text (start, rest: after `- cluster: N`, end: after its last
    non-blank line), in the new plan's order."""
    text: str
    spans: pl.DataFrame

    def __len__(self) -> int:
        return self.spans.height

    def chunks(self) -> Iterable[str]:
        t = self.text
        for n, (start, rest, end) in enumerate(self.spans.select("start", "rest", "end").iter_rows(), 1):
            yield (t[start:end] if rest is None else f"- cluster: {n}" + t[rest:end]) + "\n"


@dataclass
class Plan:
    clusters: list[Cluster]
    compared_pairs: int
    all_pairs: int
    threshold: float
    model: Model
    rows: pl.DataFrame | None = field(repr=False, default=None)     # the clustered records: fields, "n:" norms
    hashes: pl.DataFrame | None = field(repr=False, default=None)   # id, hash of every scanned record
    kept: Kept | None = field(repr=False, default=None)             # clusters carried over from the earlier plan
    fresh: int = -1                                # records compared as new or changed (-1: all)

    @cached_property
    def contacts(self) -> dict[str, Contact]:
        """The clustered records as Contacts (fields in schema order), for the scalar evidence."""
        return _contacts_of(self.rows)

    @cached_property
    def norms(self) -> dict[str, Norm]:
        return _norms_of(self.rows)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p.get(root, root) != root:
            root = p[root]
        while p.get(x, x) != root:
            p[x], x = root, p[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _components(nodes: Iterable[Any], edges: Iterable[tuple[Any, Any, float]]) -> list[list[Any]]:
    uf = _UnionFind()
    idx = {n: i for i, n in enumerate(nodes)}
    back = {i: n for n, i in idx.items()}
    for a, b, _ in edges:
        uf.union(idx[a], idx[b])
    groups: dict[int, list[Any]] = {}
    for i in idx.values():
        groups.setdefault(uf.find(i), []).append(back[i])
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _all_pairs(nf: pl.DataFrame, within: set[str], across: bool) -> int:
    counts = {(s, k): n for s, k, n in nf.group_by("side", "kind").len().iter_rows()}
    total = 0
    for kind in {k for _, k in counts}:
        crm, erp = counts.get(("crm", kind), 0), counts.get(("erp", kind), 0)
        total += sum(n * (n - 1) // 2 for s, n in (("crm", crm), ("erp", erp)) if s in within)
        total += crm * erp if across else 0
    return total


def _pair_frame(pairs: Iterable[Iterable[str]]) -> pl.DataFrame:
    got = [tuple(sorted(p)) for p in pairs if len(set(p)) == 2]
    return pl.DataFrame({"a": [a for a, _ in got], "b": [b for _, b in got]}, schema={"a": pl.String, "b": pl.String})


def _to_idx(pairs: pl.DataFrame, idmap: pl.DataFrame) -> pl.DataFrame:
    """Id pairs (a < b) -> row-index pairs of the records scanned (rows sorted by id, so a < b still)."""
    return pairs.join(idmap.rename({"id": "a", "idx": "ia"}), on="a") \
        .join(idmap.rename({"id": "b", "idx": "ib"}), on="b") \
        .select(pl.col("ia").alias("a"), pl.col("ib").alias("b")).unique()


def _scan_rows(rows: pl.DataFrame, within: set[str], across: bool, threshold: float, lower: float,
               previous: Previous | None, links: Iterable[tuple[str, str]]) -> Plan:
    """The scan proper, over rows with their content hash and normalised columns (`_rows`)."""
    rows = rows.filter((pl.col("role") != "employee") & pl.col("merged_into").is_null())
    rows = (rows if rows["id"].is_sorted() else rows.sort("id")).with_row_index("idx")
    nf = rows.select("idx", "id", "side", "role", "kind", *[pl.col("n:" + c).alias(c) for c in NORM_COLUMNS])
    fresh = None
    model_given = None
    if previous is not None and previous.seen is not None:
        was = rows.select("id", "hash").join(previous.seen.rename({"hash": "old"}), on="id", how="left",
                                             maintain_order="left")
        fresh = was.select((pl.col("old").is_null() | (pl.col("old") != pl.col("hash"))).alias("fresh"))["fresh"]
        model_given = previous.model
    progress.report("Scanning for duplicates", 1, 4)      # contacts read and normalised
    pairs = candidate_pairs_frame(nf, within, across, fresh)
    progress.report("Scanning for duplicates", 2, 4)      # candidate pairs blocked
    vec = compare_frame(nf, pairs)
    progress.report("Scanning for duplicates", 3, 4)      # pairs compared
    if model_given is not None:
        model = model_given
    else:
        train = vec.filter(pairs["ident"]) if pairs.height else vec
        pats = train.group_by(list(FIELDS)).len().sort(list(FIELDS))
        u = estimate_u(nf)
        if u is not None:
            # the name's u is learned among the candidate pairs: there the non-matches are records
            # that already share a phone, an address or a birth date (sister firms, households),
            # and among those a half-similar name is no evidence of a match, as it is among
            # random pairs (the fields are not independent given a shared contact)
            del u["name"]
        model = estimate([tuple(r[:-1]) for r in pats.iter_rows()], counts=pats["len"].to_list(), u_fixed=u)
        if u is not None and model.converged:
            # u is P(level | two random records), so the prior must be too: the matches EM found
            # among the pairs it learned from, over every pair the options allow (the candidate
            # pairs' own match share would count a shared blocking key twice)
            model.lam = _clamp_prior(model.lam * train.height / max(_all_pairs(nf, within, across), 1))
    scored = score_frame(vec, model)
    progress.report("Scanning for duplicates", 4, 4)      # model fitted, pairs scored
    # never propose again: decided pairs and linked pairs give no edge; a rejected pair never
    # shares a cluster; a cluster made only of known pairs is dropped
    idmap = rows.select("id", "idx")
    decided = (previous or Previous()).pairs
    known_df = _to_idx(pl.concat([decided.select("a", "b"), _pair_frame(links)]), idmap)
    banned_df = _to_idx(decided.filter(pl.col("rejected")).select("a", "b"), idmap)
    edges_df = scored.filter(pl.col("p") >= threshold).select("a", "b", "p") \
        .join(known_df, on=["a", "b"], how="anti").sort("a", "b")
    edges = list(edges_df.iter_rows())
    nodes = pl.concat([edges_df["a"], edges_df["b"]]).unique().sort()

    def local(df: pl.DataFrame) -> set[tuple[int, int]]:
        inside = pl.col("a").is_in(nodes.implode()) & pl.col("b").is_in(nodes.implode())
        return set(df.filter(inside).iter_rows())
    known, banned = local(known_df), local(banned_df)
    pscore = {(a, b): p for a, b, p in edges}
    comps = _components(nodes.to_list(), edges)
    # member pairs of larger components that were not scored as edges: score them in one go
    need = sorted({(a, b) for g in comps if len(g) > 2 for a, b in itertools.combinations(g, 2)} - pscore.keys())
    if need:
        extra_pairs = pl.DataFrame({"a": [a for a, _ in need], "b": [b for _, b in need]},
                                   schema={"a": pl.UInt32, "b": pl.UInt32})
        for a, b, p in score_frame(compare_frame(nf, extra_pairs), model).select("a", "b", "p").iter_rows():
            pscore[(a, b)] = p
    by_node: dict[int, list[tuple[int, int, float]]] = {}
    for e in edges:
        by_node.setdefault(e[0], []).append(e)
    at = nf.filter(pl.col("idx").is_in(nodes.implode())).select("idx", "id", "filled", "side")
    ids = dict(zip(at["idx"].to_list(), at["id"].to_list()))
    filled = dict(zip(at["idx"].to_list(), at["filled"].to_list()))
    sides = dict(zip(at["idx"].to_list(), at["side"].to_list()))
    clusters: list[Cluster] = []
    todo = comps
    while todo:
        group = todo.pop()
        member_pairs = [(a, b, pscore[(a, b)]) for a, b in itertools.combinations(group, 2)]
        if min(p for _, _, p in member_pairs) >= lower and not any((a, b) in banned for a, b, _ in member_pairs):
            if not all((a, b) in known for a, b, _ in member_pairs):
                clusters.append(_cluster(group, member_pairs, ids, filled, sides))
            continue
        # chaining guard: a member pair below `lower` (or rejected) may not share a cluster. Evict
        # the member in the most such pairs (ties: the least linked to the rest) until none is
        # left; the evicted form their own groups, so two parties chained by one link come apart
        # whole. Large groups: drop the weakest links until the group splits.
        if len(group) <= 50:
            score = {(a, b): p for a, b, p in member_pairs}
            bad = {(a, b) for a, b, p in member_pairs if p < lower or (a, b) in banned}
            rest, out = list(group), []
            while True:
                rs = set(rest)
                count = {x: 0 for x in rest}
                for a, b in bad:
                    if a in rs and b in rs:
                        count[a] += 1
                        count[b] += 1
                if not any(count.values()):
                    break
                worst = max(rest, key=lambda x: (count[x], -sum(score[(min(x, y), max(x, y))] for y in rest if y != x),
                                                 x))
                rest.remove(worst)
                out.append(worst)
            gset_edges = [e for x in group for e in by_node.get(x, ()) if e[0] == x]
            for part in (rest, out):
                pset = set(part)
                todo.extend(_components(sorted(part), [e for e in gset_edges if e[0] in pset and e[1] in pset]))
            continue
        gset = set(group)
        gedges = sorted((e for x in group for e in by_node.get(x, ()) if e[0] == x and e[1] in gset),
                        key=lambda e: (-e[2], e[0], e[1]))
        while gedges:
            gedges.pop()
            parts = _components(group, gedges)
            if len(parts) != 1 or len(parts[0]) != len(group):
                todo.extend(parts)
                break
    clusters.sort(key=lambda c: c.members)
    clustered = pl.Series([m for c in clusters for m in c.members], dtype=pl.String)
    plan_rows = rows.filter(pl.col("id").is_in(clustered.implode())).drop("idx")
    kept = None
    if previous is not None:
        stale = None
        if fresh is not None:       # incremental: the earlier proposals among unchanged records stand
            stale = pl.concat([rows.filter(fresh)["id"],
                               previous.seen.join(rows.select("id"), on="id", how="anti")["id"]])
        kept = _kept(previous, stale)
    return Plan(clusters, pairs.height, _all_pairs(nf, within, across), threshold, model, plan_rows,
                rows.select("id", "hash"), kept, -1 if fresh is None else int(fresh.sum()))


def _kept(previous: Previous, stale: pl.Series | None) -> Kept:
    """The earlier plan's clusters the new plan carries: the decided ones, then (in an
    incremental scan) the pending ones among unchanged records."""
    c = previous.clusters
    is_decided = pl.col("decision").is_in(["accept", "reject"])
    pending = c.filter(~is_decided)
    if stale is None:
        pending = pending.clear()
    else:
        touched = pending.select("cl", "members").explode("members") \
            .filter(pl.col("members").is_in(stale.implode()))["cl"]
        pending = pending.filter(~pl.col("cl").is_in(touched.implode()))
    return Kept(previous.text, pl.concat([c.filter(is_decided), pending]).select("start", "rest", "end"))


def _cluster(group: list[int], member_pairs: list[tuple[int, int, float]], ids: Mapping[int, str],
             filled: Mapping[int, int], sides: Mapping[int, str]) -> Cluster:
    gs = {sides[g] for g in group}
    pool = [g for g in group if sides[g] == "erp"] if gs == {"crm", "erp"} else group
    survivor = ids[sorted(pool, key=lambda g: (-filled[g], ids[g]))[0]]
    low = min(p for _, _, p in member_pairs)
    pairs = sorted((ids[a], ids[b], p) if ids[a] < ids[b] else (ids[b], ids[a], p) for a, b, p in member_pairs)
    return Cluster(sorted(ids[g] for g in group), round(low, 4), pairs, survivor,
                   "auto" if low >= AUTO_THRESHOLD else "review")
