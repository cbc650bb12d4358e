"""The plan file: reading an earlier plan and its `.seen` sidecar (`read_previous`), and
writing a plan (`dump_plan`, column-wise, and its scalar twin `iter_records`/`plan_records`),
its sidecar (`dump_seen`) and its scored pairs as a table (`pairs_table`).
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import polars as pl
import yaml

from core.books.flat import text_lines
from core.crm.dedup.cluster import Cluster, Plan, Previous
from core.crm.dedup.compare import name_similarity, _name_sims
from core.crm.dedup.fit import Model
from core.crm.dedup.normalise import NORM_COLUMNS, _field_order, fold, _with_tokens
from core.model.errors import BooksError
from core.reports import Column, Table


def seen_path(plan_path: Path) -> Path:
    """The sidecar of a plan file holding the scan's model and record hashes (`PLAN.seen`)."""
    return Path(str(plan_path) + ".seen")


_MEMBER_ID = r'^  - (?:\{id|id): ("(?:[^"\\]|\\.)*"|[^,}]+)'


def read_previous(plan_path: Path) -> Previous:
    """An earlier plan: its clusters and decisions, where each lies in its text (decided clusters
    are carried into the next plan as they are), the pairs inside decided clusters, and, when its
    `.seen` sidecar is there, the model and record hashes of the scan that wrote it. The plan is
    read line by line with a few patterns, column-wise, not as YAML: a million-record plan would
    take minutes to load."""
    data = Path(plan_path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BooksError(f"{plan_path}: E003 the plan is not UTF-8 text (byte {exc.start})",
                         "write a fresh plan with `kebir dedup scan -o FILE`") from None
    # the offsets below count characters of text, so the lines must split it exactly (a BOM: by hand)
    lines = text_lines(data) if not text.startswith("\ufeff") else \
        pl.Series("line", text[:-1].split("\n") if text.endswith("\n") else text.split("\n"), dtype=pl.String)
    df = lines.to_frame("line").with_columns(
        pl.col("line").str.starts_with("- cluster: ").cum_sum().cast(pl.UInt32).alias("cl"),
        (pl.col("line").str.len_chars().cast(pl.Int64) + 1).cum_sum().alias("next"))
    # (the few lines each pattern wants are picked first: the plan has millions of lines)
    starts = df.filter(pl.col("line").str.starts_with("- cluster: ")).select(
        "cl", (pl.col("next") - pl.col("line").str.len_chars() - 1).alias("start"),
        pl.col("line").str.extract(r"^(- cluster: *\d+)", 1).str.len_chars().alias("head"))
    starts = starts.select("cl", "start", (pl.col("start") + pl.col("head")).alias("rest"))
    if (df["line"] == "").any():      # a cluster ends at its last non-blank line
        ends = df.filter((pl.col("line") != "") & (pl.col("cl") > 0)).group_by("cl") \
            .agg((pl.col("next").max() - 1).alias("end"))
    else:
        ends = starts.select("cl", (pl.col("start").shift(-1).fill_null(df["next"].max() if df.height else 0) - 1)
                             .alias("end"))
    decision = df.filter(pl.col("line").str.starts_with("  decision:") & (pl.col("cl") > 0)) \
        .select("cl", pl.col("line").str.extract(r"^  decision: *(\w+)", 1).alias("decision")) \
        .drop_nulls("decision").group_by("cl").agg(pl.col("decision").first())
    mem = df.filter((pl.col("line").str.starts_with("  - {id") | pl.col("line").str.starts_with("  - id:"))
                    & (pl.col("cl") > 0)) \
        .select("cl", pl.col("line").str.extract(_MEMBER_ID, 1).alias("m")).drop_nulls("m")
    del df, lines
    quoted = mem["m"].str.starts_with('"')
    ids = [json.loads(x) if q else x.strip() for x, q in zip(mem["m"].to_list(), quoted.to_list())] \
        if quoted.any() else mem["m"].str.strip_chars()
    mem = mem.with_columns(pl.Series("m", ids, dtype=pl.String))
    clusters = starts.join(decision, on="cl", how="left", maintain_order="left") \
        .join(mem.group_by("cl", maintain_order=True).agg(pl.col("m").alias("members")), on="cl", how="left",
              maintain_order="left") \
        .join(ends, on="cl", how="left", maintain_order="left") \
        .with_columns(pl.col("decision").fill_null("pending"), pl.col("members").fill_null([])) \
        .select("cl", "decision", "members", "start", "rest", "end")
    dm = mem.join(clusters.filter(pl.col("decision").is_in(["accept", "reject"]))
                  .select("cl", (pl.col("decision") == "reject").alias("rejected")), on="cl")
    pairs = dm.join(dm.select("cl", pl.col("m").alias("b")), on="cl").filter(pl.col("m") < pl.col("b")) \
        .select(pl.col("m").alias("a"), "b", "rejected").unique(maintain_order=True)
    prev = Previous(clusters, text, pairs)
    side = seen_path(Path(plan_path))
    if side.is_file():
        data = side.read_bytes()
        first, _, rest = data.partition(b"\n")
        if first.startswith(b"# model "):
            prev.model = Model.from_dict(json.loads(first[len(b"# model "):]))
            seen = text_lines(rest).str.split_exact("\t", 1).struct.rename_fields(["id", "hash"]).struct.unnest()
            prev.seen = seen.drop_nulls("hash")
    return prev


def dump_seen(plan: Plan) -> str:
    """The `.seen` sidecar: the model (one JSON line) and `id<TAB>hash` per scanned record, by id."""
    head = "# model " + json.dumps(plan.model.as_dict(), sort_keys=True) + "\n"
    if plan.hashes is None or plan.hashes.height == 0:
        return head
    body = plan.hashes.sort("id").select(pl.concat_str("id", "hash", separator="\t"))["id"].str.join("\n")[0]
    return head + body + "\n"


_EVIDENCE = (("name", "name"), ("tax_id", "tax"), ("email", "email"), ("phone", "phone"), ("city", "city"),
             ("address", "address"))
# fields survivorship does not decide (keep in step with core.crm.merge.NOT_FIELDS and its fields_all):
# the plan's `fields` proposes a value for every other field a member holds
NOT_SURVIVOR_FIELDS = frozenset({"id", "kind", "merged_into", "tags", "created", "updated", "company", "role"})


def _raw(plan: Plan, i: str) -> dict[str, Any]:
    c = plan.contacts[i]
    d = dict(c.fields)
    d["name"] = c.name
    return d


def _evidence(field_name: str, ids: list[str], plan: Plan, raws: Mapping[str, Mapping[str, Any]] | None = None
              ) -> dict[str, Any]:
    raws = raws or {i: _raw(plan, i) for i in ids}
    raw = {i: raws[i].get(field_name) for i in ids}
    present = [i for i in ids if raw[i]]
    missing = [i for i in ids if not raw[i]]
    out: dict[str, Any] = {"field": field_name, "values": {i: str(raw[i]) for i in present}}
    if len(present) < 2:
        agree = "only one value"
    elif len({raw[i] for i in present}) == 1:
        agree = "exact"
    elif field_name == "name":
        sims = [name_similarity(plan.norms[a], plan.norms[b]) for a, b in itertools.combinations(present, 2)]
        agree = f"{min(sims):.2f} after folding and suffixes"
    elif field_name == "phone":
        e = {plan.norms[i].phone for i in present}
        agree = "exact after E.164" if len(e) == 1 and None not in e else "differ after E.164"
    elif field_name == "email":
        e = {plan.norms[i].email for i in present}
        doms = [plan.norms[i].domains for i in present]
        if len(e) == 1 and None not in e:
            agree = "exact after lowercasing"
        elif all(doms) and frozenset.intersection(*doms):
            agree = "same domain " + sorted(frozenset.intersection(*doms))[0]
        else:
            agree = "differ"
    elif field_name == "tax_id":
        agree = "exact" if len({plan.norms[i].tax for i in present}) == 1 else "differ"
    elif field_name == "address":
        agree = "exact after folding" if len({plan.norms[i].address for i in present}) == 1 else "differ"
    else:
        agree = "exact after folding" if len({fold(str(raw[i])) for i in present}) == 1 else "differ"
    out["agree"] = agree
    out["missing"] = missing
    return out


def _fields(cluster: Cluster, plan: Plan, raws: Mapping[str, Mapping[str, Any]] | None = None
            ) -> list[dict[str, str]]:
    """Survivorship: every field survivorship decides (not NOT_SURVIVOR_FIELDS) that a member
    holds, with the survivor's value, else the most complete member's that has one."""
    raws = raws or {i: _raw(plan, i) for i in cluster.members}
    order = [cluster.survivor] + sorted((m for m in cluster.members if m != cluster.survivor),
                                        key=lambda i: (-plan.norms[i].filled, i))
    names: list[str] = ["name"]
    for i in order:
        for k in raws[i]:
            if k not in names and k not in NOT_SURVIVOR_FIELDS:
                names.append(k)
    out = []
    for k in names:
        for i in order:
            v = raws[i].get(k)
            if v not in (None, "", [], ()):
                out.append({"field": k, "value": v if isinstance(v, str) else str(v), "from": i})
                break
    return out


def iter_records(plan: Plan) -> Iterable[dict[str, Any]]:
    """The plan file's records one at a time: clusters carried over from the previous plan
    (decided ones, with their decision) first, then the new clusters, numbered from 1 in that
    order. Evidence lists the fields at least one member has. (The scalar form of what
    `dump_plan` writes column-wise; the tests hold them equal.)"""
    n = 0
    for text in plan.kept.chunks() if plan.kept is not None else ():
        n += 1
        yield {**dict(yaml.safe_load(text)[0]), "cluster": n}
    for c in plan.clusters:
        n += 1
        raws = {i: _raw(plan, i) for i in c.members}
        evidence = [_evidence(f, c.members, plan, raws) for f, _ in _EVIDENCE]
        yield {
            "cluster": n,
            "decision": "accept" if c.confidence == "auto" else "pending",
            "confidence": c.confidence,
            "score": c.score,
            "members": [{"id": m, "side": plan.contacts[m].side, "role": plan.contacts[m].role,
                         "name": plan.contacts[m].name} for m in c.members],
            "pairs": [{"a": a, "b": b, "score": round(p, 4)} for a, b, p in c.pairs],
            "survivor": c.survivor,
            "evidence": [e for e in evidence if e["values"]],
            "fields": _fields(c, plan, raws),
        }


def plan_records(plan: Plan) -> list[dict[str, Any]]:
    """The plan file's records (see iter_records)."""
    return list(iter_records(plan))


def _model_line(model: Model) -> str:
    if model.converged:
        return f"EM converged in {model.iterations} iterations, prior match probability {model.lam:.3g}"
    if model.iterations:
        return f"EM did not converge in {model.iterations} iterations: the fixed weights were used"
    return "the earlier scan's weights (incremental)"


def dump_plan(plan: Plan) -> str:
    """The plan file (YAML, schemas/plan.schema.json): a header, the clusters carried over as they
    were written (renumbered), then the new clusters, written column-wise (`_clusters_text`)."""
    auto = sum(1 for c in plan.clusters if c.confidence == "auto")
    header = (f"# kebir dedup plan: {len(plan.clusters)} clusters ({auto} auto, "
              f"{len(plan.clusters) - auto} to review), "
              f"{plan.compared_pairs} pairs compared of {plan.all_pairs}, threshold {plan.threshold}.\n"
              f"# model: {_model_line(plan.model)}.\n"
              "# auto clusters come as decision: accept, the others as pending: set accept or reject per cluster,\n"
              "# then `kebir dedup apply PLAN`.\n")
    kept = len(plan.kept) if plan.kept is not None else 0
    chunks = [header, *(plan.kept.chunks() if plan.kept is not None else ())]
    chunks.append(_clusters_text(plan, kept))
    return "".join(chunks) if len(chunks[-1]) + kept else header + "[]\n"


# The plan is written by this small block-style YAML emitter (the plan has a fixed shape): PyYAML's
# representer takes about 2 ms per cluster, too slow for a million records. Strings are plain when
# that is safe (a letter first, no YAML indicators, not a YAML 1.1 boolean or null), else JSON
# double-quoted, which YAML reads back as the same string. `_scalar` and `_flow` are the scalar
# forms; `_scalar_expr` and `_flow_expr` the column-wise ones (keep the four in step).
_PLAIN = re.compile(r"[^\W\d_][\w .,'()/@&+-]*", re.UNICODE)
_PLAIN_RUST = r"^[\p{L}\p{Nl}\p{No}][\p{L}\p{N}_ .,'()/@&+-]*$"       # the same class in the regex crate
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _scalar(v: Any) -> str:
    if type(v) is str:
        return v if _PLAIN.fullmatch(v) and v[-1] != " " and v.lower() not in _RESERVED \
            else json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return repr(v) if isinstance(v, float) else str(v)


def _flow(v: Any) -> str:
    """A scalar inside a flow mapping: as _scalar, and quoted if it holds a comma."""
    if type(v) is not str:
        return _scalar(v)
    return json.dumps(v, ensure_ascii=False) if "," in v else _scalar(v)


_JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
                 **{chr(i): f"\\u{i:04x}" for i in range(32) if chr(i) not in "\n\r\t\b\f"}}


def _json_expr(e: pl.Expr) -> pl.Expr:
    """json.dumps(v, ensure_ascii=False), column-wise: the same escapes in one pass."""
    return pl.lit('"') + e.str.replace_many(list(_JSON_ESCAPES), list(_JSON_ESCAPES.values())) + pl.lit('"')


def _scalar_expr(e: pl.Expr) -> pl.Expr:
    plain = e.str.contains(_PLAIN_RUST) & ~e.str.ends_with(" ") & ~e.str.to_lowercase().is_in(list(_RESERVED))
    return pl.when(plain).then(e).otherwise(_json_expr(e))


def _flow_expr(e: pl.Expr) -> pl.Expr:
    return pl.when(e.str.contains(",", literal=True)).then(_json_expr(e)).otherwise(_scalar_expr(e))


def _cat(*parts: str) -> pl.Expr:
    """Literal text and columns, alternately (the text first): one string per row."""
    return pl.concat_str([pl.lit(x) if i % 2 == 0 else pl.col(x) for i, x in enumerate(parts)])


def _clusters_text(plan: Plan, offset: int) -> str:
    """The new clusters of a plan as YAML text, column-wise: one frame row per member, pair,
    evidence value and proposed field, each made into its line by string expressions, joined per
    cluster and section in order. Byte for byte what iter_records gives through the scalar
    emitter (the tests compare them)."""
    cs = plan.clusters
    if not cs:
        return ""
    rows = plan.rows
    assert rows is not None
    ncl = len(cs)
    numbers = range(offset + 1, offset + ncl + 1)
    head = pl.DataFrame({
        "n": list(numbers),
        "t0": [f"- cluster: {n}\n  decision: {'accept' if c.confidence == 'auto' else 'pending'}\n"
               f"  confidence: {c.confidence}\n  score: {c.score!r}\n  members:\n" for n, c in zip(numbers, cs)],
        "survivor": [c.survivor for c in cs]}, schema={"n": pl.UInt32, "t0": pl.String, "survivor": pl.String})
    mem = pl.DataFrame({"n": [n for n, c in zip(numbers, cs) for _ in c.members],
                        "id": [m for c in cs for m in c.members]}, schema={"n": pl.UInt32, "id": pl.String})
    mem = mem.with_columns(pl.int_range(pl.len()).over("n").cast(pl.UInt32).alias("k"))
    mem = mem.join(rows, on="id", how="left", maintain_order="left")

    def qs(col: str, out: str, kind: str = "s") -> pl.Expr:
        return (_flow_expr if kind == "f" else _scalar_expr)(pl.col(col)).alias(out)

    def per_cluster(df: pl.DataFrame, text: pl.Expr, out: str) -> pl.DataFrame:
        return df.group_by("n", maintain_order=True).agg(text.str.join("").alias(out))

    # members
    m = mem.with_columns(qs("id", "qid", "f"), qs("id", "sid"), qs("role", "qrole", "f"),
                         pl.col("name").fill_null("").alias("nm")).with_columns(qs("nm", "qname", "f"))
    t_members = per_cluster(m, _cat("  - {id: ", "qid", ", side: ", "side", ", role: ", "qrole", ", name: ", "qname",
                                    "}\n"), "t1")
    # pairs
    pr = pl.DataFrame({"n": [n for n, c in zip(numbers, cs) for _ in c.pairs],
                       "a": [a for c in cs for a, _, _ in c.pairs], "b": [b for c in cs for _, b, _ in c.pairs],
                       "s": [repr(round(p, 4)) for c in cs for _, _, p in c.pairs]},
                      schema={"n": pl.UInt32, "a": pl.String, "b": pl.String, "s": pl.String})
    pr = pr.with_columns(qs("a", "qa", "f"), qs("b", "qb", "f"))
    t_pairs = per_cluster(pr, _cat("  - {a: ", "qa", ", b: ", "qb", ", score: ", "s", "}\n"), "t2")
    # evidence
    ev_parts = []
    for order, (fname, _) in enumerate(_EVIDENCE):
        col = "name" if fname == "name" else fname
        if col not in mem.columns:
            continue
        ev_parts.append(_evidence_text(m, col, fname, order))
    ev = pl.concat(ev_parts).sort("n", "order", maintain_order=True) \
        .group_by("n", maintain_order=True).agg(pl.col("t").str.join("").alias("t3"))
    # fields
    t_fields = _fields_text(m, head.select("n", "survivor"))
    out = head.join(t_members, on="n", how="left", maintain_order="left") \
        .join(t_pairs, on="n", how="left", maintain_order="left") \
        .join(ev, on="n", how="left", maintain_order="left") \
        .join(t_fields, on="n", how="left", maintain_order="left") \
        .with_columns(qs("survivor", "qsurv"))
    text = pl.concat_str([pl.col("t0"), pl.col("t1").fill_null(""), pl.lit("  pairs:\n"), pl.col("t2").fill_null(""),
                          pl.lit("  survivor: "), pl.col("qsurv"), pl.lit("\n  evidence:\n"),
                          pl.col("t3").fill_null(""), pl.col("t4").fill_null("  fields: []\n")])
    text = out.select(text.alias("t"))["t"].str.join("")[0]
    return text


def _evidence_text(m: pl.DataFrame, col: str, fname: str, order: int) -> pl.DataFrame:
    """One evidence entry per cluster for a field (as _evidence): its values, how they agree, and
    the members missing it; (n, order, t)."""
    v = pl.col(col)
    present = v.is_not_null() & (v != "")
    d = m.select("n", "k", "id", "qid", "sid", "kind", v.alias("v"), present.alias("p"),
                 *[pl.col("n:" + c) for c in NORM_COLUMNS if c != "filled"])
    d = d.with_columns(_scalar_expr(pl.col("v")).alias("qv"))
    pres = d.filter("p")
    g = pres.group_by("n", maintain_order=True).agg(
        pl.len().alias("np"), pl.col("v").n_unique().alias("nu"),
        pl.format("      {}: {}\n", "sid", "qv").str.join("").alias("values"),
        pl.col("n:phone").n_unique().alias("u_phone"), pl.col("n:phone").null_count().alias("z_phone"),
        pl.col("n:email").n_unique().alias("u_email"), pl.col("n:email").null_count().alias("z_email"),
        pl.col("n:tax").n_unique().alias("u_tax"), pl.col("n:addr").n_unique().alias("u_addr"))
    miss = d.filter(~pl.col("p")).group_by("n", maintain_order=True) \
        .agg(pl.col("qid").str.join(", ").alias("missing"))
    g = g.join(miss, on="n", how="left", maintain_order="left").with_columns(pl.col("missing").fill_null(""))
    one = (pl.col("np") < 2)
    exact = pl.col("nu") == 1
    if fname == "name":
        sims = _cluster_name_sims(pres)
        g = g.join(sims, on="n", how="left", maintain_order="left")
        other = pl.col("sim_text")
    elif fname == "phone":
        other = pl.when((pl.col("u_phone") == 1) & (pl.col("z_phone") == 0)).then(pl.lit("exact after E.164")) \
            .otherwise(pl.lit("differ after E.164"))
    elif fname == "email":
        g = g.join(_common_domain(pres), on="n", how="left", maintain_order="left")
        other = pl.when((pl.col("u_email") == 1) & (pl.col("z_email") == 0)).then(pl.lit("exact after lowercasing")) \
            .when(pl.col("dom").is_not_null()).then(pl.lit("same domain ") + pl.col("dom")).otherwise(pl.lit("differ"))
    elif fname == "tax_id":
        other = pl.when(pl.col("u_tax") == 1).then(pl.lit("exact")).otherwise(pl.lit("differ"))
    elif fname == "address":
        other = pl.when(pl.col("u_addr") == 1).then(pl.lit("exact after folding")).otherwise(pl.lit("differ"))
    else:
        folded = pres.with_columns(pl.col("v").replace_strict(
            (u := pres["v"].unique()), [fold(x) for x in u.to_list()], default=None).alias("fv")) \
            .group_by("n", maintain_order=True).agg(pl.col("fv").n_unique().alias("u_fold"))
        g = g.join(folded, on="n", how="left", maintain_order="left")
        other = pl.when(pl.col("u_fold") == 1).then(pl.lit("exact after folding")).otherwise(pl.lit("differ"))
    agree = pl.when(one).then(pl.lit("only one value")).when(exact).then(pl.lit("exact")).otherwise(other)
    g = g.with_columns(agree.alias("agree"))
    g = g.with_columns(_scalar_expr(pl.col("agree")).alias("qagree"))
    t = pl.format("  - field: {}\n    values:\n{}    agree: {}\n    missing: [{}]\n", pl.lit(fname), "values",
                  "qagree", "missing")
    return g.select("n", pl.lit(order, pl.UInt8).alias("order"), t.alias("t"))


def _cluster_name_sims(pres: pl.DataFrame) -> pl.DataFrame:
    """n -> sim_text: the lowest name similarity between members with a name, as _evidence
    writes it, for clusters whose names differ (name_similarity, column-wise)."""
    multi = pres.group_by("n").agg(pl.col("v").n_unique().alias("nu")).filter(pl.col("nu") > 1)
    d = pres.join(multi.select("n"), on="n", how="semi").select(
        "n", "k", "kind", pl.col("n:name").fill_null("").alias("name"))
    d = _with_tokens(d)
    j = d.join(d, on="n", suffix="_b").filter(pl.col("k") < pl.col("k_b")).rename(
        {c: c + "_a" for c in ("kind", "name", "sname", "toks")})
    if j.height == 0:
        return pl.DataFrame(schema={"n": pl.UInt32, "sim_text": pl.String})
    # name_similarity returns 0 when either normalised name is empty
    sims = [s if a and b else 0.0 for s, a, b in zip(_name_sims(j), j["name_a"].to_list(), j["name_b"].to_list())]
    low = j.select("n").with_columns(pl.Series("sim", sims, dtype=pl.Float64)) \
        .group_by("n", maintain_order=True).agg(pl.col("sim").min())
    return low.select("n", pl.Series("sim_text", [f"{x:.2f} after folding and suffixes" for x in low["sim"].to_list()],
                                     dtype=pl.String))


def _common_domain(pres: pl.DataFrame) -> pl.DataFrame:
    """n -> dom: the first domain stem (sorted) every member with an e-mail shares, if any."""
    doms = pl.concat([pres.select("n", "k", pl.col("n:dom1").alias("dom")),
                      pres.select("n", "k", pl.col("n:dom2").alias("dom"))]).drop_nulls("dom").unique()
    size = pres.group_by("n").len()
    return doms.group_by("n", "dom").len().join(size, on="n", suffix="_all") \
        .filter(pl.col("len") == pl.col("len_all")).group_by("n").agg(pl.col("dom").min())


def _fields_text(m: pl.DataFrame, survivors: pl.DataFrame) -> pl.DataFrame:
    """The `fields:` section per cluster (as _fields): n -> t4. Members ranked survivor first, then
    by completeness and id; each field (name first) from the first member holding it, in the
    order the fields first appear (by rank, then the member's schema order)."""
    m = m.join(survivors, on="n", how="left", maintain_order="left") \
        .sort(["n", pl.col("id") != pl.col("survivor"), "n:filled", "id"], descending=[False, False, True, False])
    m = m.with_columns(pl.int_range(pl.len()).over("n").alias("rank"))
    places = pl.DataFrame([(side, k, i) for side in ("crm", "erp")
                           for i, k in enumerate(("name",) + _field_order(side)) if k not in NOT_SURVIVOR_FIELDS],
                          schema={"side": pl.String, "field": pl.String, "pos": pl.Int64}, orient="row")
    cols = [c for c in places["field"].unique().to_list() if c in m.columns]
    long = m.unpivot(on=cols, index=["n", "rank", "id", "side"], variable_name="field", value_name="value") \
        .filter(pl.col("value").is_not_null() & (pl.col("value") != "")) \
        .join(places, on=["side", "field"]) \
        .sort(["n", pl.col("field") != "name", "rank", "pos"]) \
        .unique(["n", "field"], keep="first", maintain_order=True)
    long = long.with_columns(*[_flow_expr(pl.col(c)).alias("q" + c) for c in ("field", "value", "id")])
    line = _cat("  - {field: ", "qfield", ", value: ", "qvalue", ", from: ", "qid", "}\n")
    return long.group_by("n", maintain_order=True).agg(line.str.join("").alias("t4")) \
        .with_columns(("  fields:\n" + pl.col("t4")).alias("t4"))
def pairs_table(plan: Plan) -> Any:
    """The scored pairs of a plan's clusters, one row each (for `kebir dedup scan --format json|csv`):
    cluster number, the two ids, the match probability, the cluster's confidence and survivor."""
    rows = []
    for n, c in enumerate(plan.clusters, 1):
        for a, b, prob in sorted(c.pairs):
            rows.append((n, a, b, f"{prob:.4f}", c.confidence, c.survivor))
    cols = (Column("cluster", "Cluster", "int"), Column("a", "A"), Column("b", "B"), Column("score", "Score"),
            Column("confidence", "Confidence"), Column("survivor", "Survivor"))
    return Table("dedup-pairs", f"Scored pairs of {len(plan.clusters)} cluster(s)", cols, tuple(rows), None,
                 {"compared_pairs": plan.compared_pairs, "all_pairs": plan.all_pairs, "threshold": plan.threshold})
