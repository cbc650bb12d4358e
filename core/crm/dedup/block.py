"""Blocking: cheap keys (identifiers, typo-tolerant parts of them, phonetic name keys) so that
the compared pairs grow near-linearly; the candidate pairs of a scan.
"""

from __future__ import annotations

import polars as pl

from core.crm.dedup.normalise import Norm


MAX_BLOCK = 40          # blocks larger than this carry no information (a shared switchboard, "istanbul")
MAX_NAME_BLOCK = 12     # a larger block of a name or street key is namesakes (Mehmet Yılmaz in Istanbul)
MAX_PAIRS = 60          # pairs kept per record, those sharing the most keys first (measured: bench/README.md)

# a rough phonetic key for Turkish and English names (folded): letters that sound alike made one,
# vowels after the first letter and doubled letters dropped, four letters kept
_PHON_FROM = ["ph", "ck", "sch", "sh", "ch", "q", "c", "z", "d", "b", "v", "w", "j", "y", "h"]
_PHON_TO = ["f", "k", "s", "s", "k", "k", "k", "s", "t", "p", "f", "f", "g", "", ""]
_DOUBLE = [c + c for c in "bcdfgklmnprstv"]


def _phonetic_expr(e: pl.Expr) -> pl.Expr:
    """The phonetic key of folded name tokens: `stubbs`, `stubs`, `stupps` -> `stps`; `yilmaz` and
    `jilmas` -> the same key."""
    e = e.str.replace_many(_PHON_FROM, _PHON_TO)
    e = e.str.slice(0, 1) + e.str.slice(1).str.replace_all(r"[aeiou]", "")
    e = e.str.replace_many(_DOUBLE, [d[0] for d in _DOUBLE])
    e = e.str.slice(0, 4)
    return pl.when(e != "").then(e)


def _key_exprs() -> list[tuple[str, pl.Expr]]:
    """The blocking keys: (prefix, expression over the normalised columns). The exact keys (tax id,
    national id, phone, e-mail, domain, address) and keys that survive a typo in any one field:
    the first and last five characters of an identity number, the last seven digits of a phone,
    the birth date, the house number with the street's first letters, the street without the
    number, and name keys (a phonetic key of the first and last name tokens, the two in either
    order, each with the birth year or the postcode, the last with the city; a company's first
    name token and its second's initial with its city). Keys whose prefix starts with `name` do
    not make an identifier shared (see candidate_pairs_frame)."""
    pid = pl.coalesce(pl.col("tax"), pl.col("nid"))
    long_id = pid.str.len_chars() >= 7
    toks = pl.col("name").str.split(" ")
    first, last = toks.list.first(), toks.list.last()
    two = toks.list.len() > 1
    pf, pl_ = _phonetic_expr(first), _phonetic_expr(last)
    num = pl.col("addr").str.extract(r"\b(\d+)\b")
    street = pl.col("addr").str.replace_all(r"\b\d+\w*\b", "").str.replace_all(r" +", " ").str.strip_chars()
    person = pl.col("kind") == "person"
    kind = pl.col("kind").str.slice(0, 1) + ":"
    return [
        ("tax:", pl.col("tax")), ("nid:", pl.col("nid")), ("tel:", pl.col("phone")), ("mail:", pl.col("email")),
        ("dom:", pl.col("dom1")), ("dom:", pl.col("dom2")), ("adr:", pl.col("addr")),
        ("idh:", pl.when(long_id).then(pid.str.slice(0, 5))), ("idt:", pl.when(long_id).then(pid.str.slice(-5))),
        ("tl7:", pl.col("phone").str.slice(-7)),
        ("dob:", pl.when(pl.col("dob").str.len_chars() == 8).then(pl.col("dob"))),
        ("ahn:", kind + num + " " + street.str.slice(0, 3)),
        ("ast:", pl.when(street.str.len_chars() >= 6).then(kind + street)),
        # in either order (`Kale Tschirn` / `Tschirn Kale`): the pair sorted, and the first and
        # the last token under one prefix each with the birth year and with the postcode
        ("name:pp:", pl.when(two).then(kind + pl.concat_list(pf, pl_).list.sort().list.join(" "))),
        ("name:ty:", pl.when(person).then(pl_ + " " + pl.col("dob").str.slice(0, 4))),
        ("name:ty:", pl.when(person & two).then(pf + " " + pl.col("dob").str.slice(0, 4))),
        ("name:tz:", kind + pl_ + " " + pl.col("zip")),
        ("name:tz:", pl.when(two).then(kind + pf + " " + pl.col("zip"))),
        ("name:pc:", kind + first.str.slice(0, 1) + " " + pl_ + " " + pl.col("city")),
        ("name:cc:", pl.when(~person & (first.str.len_chars() >= 3)).then(
            first + " " + toks.list.get(1, null_on_oob=True).str.slice(0, 1).fill_null("") + " " + pl.col("city"))),
    ]


def block_keys(n: Norm) -> set[str]:
    """The blocking keys of one record (scalar form of `_keys_frame`)."""
    row = {"tax": n.tax, "nid": n.nid, "phone": n.phone, "email": n.email, "addr": n.address,
           "dob": n.dob, "zip": n.zip, "city": n.city, "kind": n.kind, "name": n.name}
    doms = sorted(n.domains) + [None, None]
    row["dom1"], row["dom2"] = doms[0], doms[1]
    df = pl.DataFrame([row], schema={k: pl.String for k in row}).with_row_index("idx")
    return set(_keys_frame(df)["key"].to_list())


def _keys_frame(nf: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([nf.select("idx", (pl.lit(p) + e).alias("key")) for p, e in _key_exprs()]) \
        .drop_nulls("key").unique()


def _allowed_expr(within: set[str], across: bool) -> pl.Expr:
    same_side = pl.col("side_a") == pl.col("side_b")
    ok_within = pl.col("side_a").is_in(sorted(within)) if within else pl.lit(False)
    return (pl.col("kind_a") == pl.col("kind_b")) & pl.when(same_side).then(ok_within).otherwise(pl.lit(across))


def candidate_pairs_frame(nf: pl.DataFrame, within: set[str], across: bool,
                          fresh: pl.Series | None = None) -> pl.DataFrame:
    """Pairs (a < b, row indices) sharing a blocking key in a block of at most MAX_BLOCK records,
    that the options allow; with `fresh` (a boolean column), only pairs touching a fresh record.
    `ident` says the pair shares an identifier (tax id, phone, e-mail, domain, address), not only
    a name: EM learns from those (namesakes would otherwise swamp it).

    With `fresh`, only the records sharing a key value with a fresh record are blocked (a filter
    per key column): a few new records against a million cost a few column scans, not a join
    of every key."""
    if fresh is not None:
        nf = nf.with_columns(fresh.alias("fresh"))
        hot = nf.filter(pl.col("fresh"))
        hot_keys = _keys_frame(hot)["key"].unique().implode()
        near = pl.col("fresh")
        for p, e in _key_exprs():
            near = near | (pl.lit(p) + e).is_in(hot_keys).fill_null(False)
        nf = nf.filter(near)
        fresh = nf["fresh"]
    keys = _keys_frame(nf)
    sizes = keys.group_by("key").len().filter(pl.col("len").is_between(
        2, pl.when(pl.col("key").str.contains(r"^(?:name:|ast:)")).then(MAX_NAME_BLOCK).otherwise(MAX_BLOCK)))
    keys = keys.join(sizes.select("key"), on="key")
    if fresh is not None:
        fresh_idx = nf.filter(fresh).select("idx")
        hot = keys.join(fresh_idx, on="idx").select("key").unique()
        keys = keys.join(hot, on="key")
    pairs = keys.join(keys, on="key", suffix="_b").filter(pl.col("idx") < pl.col("idx_b")) \
        .group_by(pl.col("idx").alias("a"), pl.col("idx_b").alias("b")) \
        .agg((~pl.col("key").str.starts_with("name:")).any().alias("ident"), pl.len().alias("nk"))
    # at most MAX_PAIRS per record: those sharing the most keys (ties: the nearer ids)
    order = [pl.col("nk"), -(pl.col("b").cast(pl.Int64) - pl.col("a").cast(pl.Int64))]
    pairs = pairs.sort(order, descending=True).filter(
        (pl.int_range(pl.len()).over("a") < MAX_PAIRS) & (pl.int_range(pl.len()).over("b") < MAX_PAIRS))
    if fresh is not None:
        f = nf.select("idx", fresh.alias("fresh"))
        pairs = pairs.join(f.rename({"idx": "a", "fresh": "fa"}), on="a") \
            .join(f.rename({"idx": "b", "fresh": "fb"}), on="b").filter(pl.col("fa") | pl.col("fb")).drop("fa", "fb")
    sk = nf.select("idx", "side", "kind")
    pairs = pairs.join(sk.rename({"idx": "a", "side": "side_a", "kind": "kind_a"}), on="a") \
        .join(sk.rename({"idx": "b", "side": "side_b", "kind": "kind_b"}), on="b")
    return pairs.filter(_allowed_expr(within, across)).select("a", "b", "ident").sort("a", "b")
