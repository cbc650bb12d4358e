"""Bank and card statement CSV -> a kebir CSV journal, by rules; rows already in the books are skipped.

The rules file (YAML) names the statement's columns, its date format and decimal mark (`1.234,56`),
the sign convention, the bank account, and an ordered list of `{match: REGEX, account, payee,
contact}` rules applied to the description (the first match wins; `default_account` catches the
rest). Each row becomes a two-posting entry in `journals/imports/<label>.csv`:

    bank account   debit when money comes in, credit when it goes out
    rule account   the other side, with the rule's contact

Entry ids come from the row: `<prefix>-<YYYYMMDD>-<reference>` when the statement has a reference
column, else a hash of date, amount and description (with `-2`, `-3` for identical rows). A row
whose id is already in the books with the same amount is a duplicate and is skipped, so importing
the same statement twice adds nothing; the same reference with another amount is an error.

All parsing is column-wise (polars). A malformed row (bad date, bad number, too many decimals)
is reported with its file:line and nothing from the file is imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from core.books import safeio
from core.books.parse import parse_csv
from core.model.errors import Problem
from core.interop import manifest as mf
from core.interop.books_out import Plan
from core.model.records import Book
from core.model.money import minor_units
from core.books import yamlnodes

RULE_KEYS = ("account", "currency", "columns", "delimiter", "skip", "date_format", "decimal_mark", "sign",
             "id_prefix", "rules", "default_account", "payees", "encoding")
COLUMN_KEYS = ("date", "description", "amount", "in", "out", "reference", "payee")
MAX_REPORTED = 50


@dataclass
class Rules:
    account: str = ""
    currency: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    delimiter: str = ","
    skip: int = 0
    date_format: str = "%Y-%m-%d"
    decimal_mark: str = "."
    sign: str = "in_positive"
    id_prefix: str = ""
    rules: list[dict[str, str]] = field(default_factory=list)
    rule_lines: list[int] = field(default_factory=list)
    default_account: str | None = None
    payees: list[tuple[str, str]] = field(default_factory=list)


def read_rules(text: str, path: str, book: Book) -> tuple[Rules, list[Problem]]:
    tree, probs = yamlnodes.parse(text, path)
    problems = [Problem("I010", p.path, p.line, p.message, hint=p.hint) for p in probs]
    r = Rules()
    if tree is None or not isinstance(tree, dict):
        return r, problems + ([] if probs else [Problem("I010", path, 1, "a rules file is a mapping",
                                                        hint="see docs/interop.md#bank-statements")])

    def bad(key: str, msg: str, hint: str, line: int | None = None) -> None:
        problems.append(Problem("I010", path, line or tree.lines.get(key, tree.line), msg, hint=hint))

    for key in tree:
        if key not in RULE_KEYS:
            bad(key, f"unknown key `{key}`", "known keys: " + ", ".join(RULE_KEYS))
    r.account = str(tree.get("account") or "")
    if not r.account:
        bad("account", "`account` is missing: the bank account the statement belongs to",
            'add `account: "102.01"`', tree.line)
    elif r.account not in book.accounts:
        bad("account", f"account {r.account} is not in accounts.yaml", "add it first, or fix the code")
    r.currency = str(tree["currency"]) if tree.get("currency") else None
    cols = tree.get("columns")
    if not isinstance(cols, dict):
        bad("columns", "`columns` is missing", "map the statement's headers: `columns: {date: Tarih, "
            "description: Açıklama, amount: Tutar}`", tree.line)
    else:
        for k, v in cols.items():
            if k not in COLUMN_KEYS:
                bad("columns", f"unknown column role `{k}`", "roles: " + ", ".join(COLUMN_KEYS), cols.lines.get(k))
            r.columns[k] = str(v)
        need = ["date", "description"]
        for k in need:
            if k not in r.columns:
                bad("columns", f"column role `{k}` is missing", f"add `{k}: HEADER` under columns")
        if ("amount" in r.columns) == ("in" in r.columns or "out" in r.columns):
            bad("columns", "give either `amount` (signed) or `in` and `out` columns",
                "e.g. `amount: Tutar` or `in: Alacak, out: Borç`")
    r.delimiter = str(tree.get("delimiter") or ",").replace("\\t", "\t")
    if len(r.delimiter) != 1:
        bad("delimiter", "`delimiter` is one character", 'write `delimiter: ";"`')
    try:
        r.skip = int(tree.get("skip") or 0)
    except ValueError:
        bad("skip", "`skip` is a number of lines", "write `skip: 3`")
    r.date_format = str(tree.get("date_format") or "%Y-%m-%d")
    r.decimal_mark = str(tree.get("decimal_mark") or ".")
    if r.decimal_mark not in (".", ","):
        bad("decimal_mark", "`decimal_mark` is `.` or `,`", 'write `decimal_mark: ","` for 1.234,56')
    r.sign = str(tree.get("sign") or "in_positive")
    if r.sign not in ("in_positive", "out_positive"):
        bad("sign", "`sign` is in_positive or out_positive", "in_positive: a positive amount is money in")
    r.id_prefix = str(tree.get("id_prefix") or f"BK-{r.account}")
    r.default_account = str(tree["default_account"]) if tree.get("default_account") else None
    for i, rule in enumerate(tree.get("rules") or []):
        line = getattr(rule, "line", tree.line)
        if not isinstance(rule, dict) or "match" not in rule or not ({"account", "payee"} & set(rule)):
            problems.append(Problem("I010", path, line, "a rule needs `match` and an `account` (or a `payee`)",
                                    hint='write `- {match: "(?i)migros", account: "770.05", payee: Migros}`'))
            continue
        unknown = set(rule) - {"match", "account", "payee", "contact", "memo"}
        if unknown:
            problems.append(Problem("I010", path, line, f"unknown rule key `{sorted(unknown)[0]}`",
                                    hint="rule keys: match, account, payee, contact, memo"))
        try:
            re.compile(str(rule["match"]))
        except re.error as exc:
            problems.append(Problem("I010", path, line, f"bad regular expression: {exc}", found=str(rule["match"]),
                                    hint="fix the pattern"))
            continue
        acc = rule.get("account")
        if acc and str(acc) not in book.accounts:
            problems.append(Problem("I010", path, line, f"rule account {acc} is not in accounts.yaml",
                                    found=str(acc), hint="add the account, or fix the code"))
        r.rules.append({k: str(v) for k, v in rule.items()})
        r.rule_lines.append(line)
    if r.default_account and r.default_account not in book.accounts:
        bad("default_account", f"default_account {r.default_account} is not in accounts.yaml",
            "add the account, or fix the code")
    for p in tree.get("payees") or []:
        if isinstance(p, dict) and "match" in p and "name" in p:
            r.payees.append((str(p["match"]), str(p["name"])))
        else:
            problems.append(Problem("I010", path, getattr(p, "line", tree.line), "a payee rule needs `match` and "
                                    "`name`", hint='write `- {match: "(?i)^migros", name: Migros}`'))
    cur = r.currency or book.base
    if cur not in dict(book.settings.currencies):
        bad("currency", f"currency {cur} is not a currency of the books", f"add `{cur} = 2` to books.toml")
    return r, problems


def _row_lines(text: str, r: Rules, n: int) -> list[int]:
    """The line each data row starts on (quoted fields may span lines)."""
    lines = text.split("\n", r.skip)
    rest = lines[-1] if len(lines) > r.skip else ""
    reader = csv.reader(io.StringIO(rest), delimiter=r.delimiter)
    out = []
    prev = 0
    for _ in reader:
        out.append(r.skip + prev + 1)
        prev = reader.line_num
    return out[1:n + 1]


def build_bank_import(data: bytes, path: str, rules_text: str, rules_path: str, book: Book, label: str) -> Plan:
    rules, problems = read_rules(rules_text, rules_path, book)
    m = mf.Manifest("bank", label, path, mf.sha256(data), len(data), "csv")
    if problems:
        return Plan({}, m, problems, "rules file has errors")
    base = book.base
    decs = dict(book.settings.currencies)
    cur = rules.currency or base
    dec = decs[cur]
    text = safeio.utf8_text(data)
    if isinstance(text, safeio.NotUtf8):
        return Plan({}, m, [Problem("I007", path, text.line, "the statement is not UTF-8 text",
                                    hint=f"convert it first: iconv -f cp1254 -t utf-8 {path}")], "not UTF-8")
    try:
        df = pl.read_csv(io.StringIO(text) if rules.skip == 0 else io.StringIO(text.split("\n", rules.skip)[-1]),
                         separator=rules.delimiter, infer_schema=False, truncate_ragged_lines=False)
    except Exception as exc:  # noqa: BLE001  polars raises several kinds for malformed CSV
        msg = str(exc).splitlines()[0][:160]
        return Plan({}, m, [Problem("I007", path, rules.skip + 1, f"cannot read the statement as CSV: {msg}",
                                    hint="check the delimiter and quoting in the rules file")], "bad CSV")
    header_line = rules.skip + 1
    missing = [c for c in rules.columns.values() if c not in df.columns]
    if missing:
        return Plan({}, m, [Problem("I007", path, header_line, f"column `{c}` is missing from the header",
                                    expected=c, found=", ".join(df.columns)[:120],
                                    hint="fix the column name under `columns:` in the rules file")
                            for c in missing], "missing columns")
    n = df.height
    if '"' in text:
        try:
            lines = pl.Series("line", _row_lines(text, rules, n), dtype=pl.Int64)
        except csv.Error as exc:   # a bare carriage return polars read as data (found by bench/fuzz.py)
            return Plan({}, m, [Problem("I007", path, header_line, f"cannot read the statement as CSV: {exc}",
                                        hint="remove the stray carriage return, or save the file with one "
                                             "kind of line ending")], "bad CSV")
    else:
        lines = pl.int_range(header_line + 1, header_line + 1 + n, eager=True).alias("line")
    c = rules.columns
    f = df.select(
        pl.col(c["date"]).str.strip_chars().alias("date_text"),
        pl.col(c["description"]).fill_null("").str.strip_chars().alias("description"),
        *([pl.col(c["amount"]).alias("amount_text")] if "amount" in c else [
            pl.col(c["in"]).alias("in_text") if "in" in c else pl.lit(None, pl.String).alias("in_text"),
            pl.col(c["out"]).alias("out_text") if "out" in c else pl.lit(None, pl.String).alias("out_text")]),
        (pl.col(c["reference"]).str.strip_chars() if "reference" in c else pl.lit(None, pl.String)).alias("ref"),
        (pl.col(c["payee"]).str.strip_chars() if "payee" in c else pl.lit(None, pl.String)).alias("payee_col"),
    ).with_columns(lines)
    f = f.with_columns(date=pl.col("date_text").str.strptime(pl.Date, rules.date_format, strict=False))

    def number(col: str) -> pl.Expr:
        e = pl.col(col).str.strip_chars().str.replace_all(r"[\s\u00a0']", "")
        neg = e.str.starts_with("(") & e.str.ends_with(")")
        e = e.str.strip_chars("()")
        trailing = e.str.ends_with("-")
        e = e.str.strip_chars_end("-")
        if rules.decimal_mark == ",":
            e = e.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        else:
            e = e.str.replace_all(",", "", literal=True)
        e = e.str.strip_prefix("+")
        flip = neg | trailing
        return pl.when(flip & ~e.str.starts_with("-")).then(pl.lit("-") + e).otherwise(e)

    if "amount" in c:
        f = f.with_columns(num=number("amount_text"))
        ok_num = pl.col("num").str.contains(r"^-?[0-9]{1,15}(\.[0-9]+)?$").fill_null(False)   # 15 digits: Int64-safe
        f = f.with_columns(ok_num=ok_num, frac=pl.col("num").str.extract(r"\.([0-9]+)$", 1).str.len_chars()
                           .fill_null(0))
        f = f.with_columns(minor=pl.when(pl.col("ok_num") & (pl.col("frac") <= dec))
                           .then(minor_units(pl.col("num"), dec)))
    else:
        f = f.with_columns(n_in=number("in_text"), n_out=number("out_text"))
        okc = r"^[0-9]{1,15}(\.[0-9]+)?$"
        f = f.with_columns(
            ok_num=(pl.col("n_in").str.contains(okc).fill_null(False) | pl.col("n_in").fill_null("").eq(""))
            & (pl.col("n_out").str.contains(okc).fill_null(False) | pl.col("n_out").fill_null("").eq(""))
            & ~(pl.col("n_in").fill_null("").eq("") & pl.col("n_out").fill_null("").eq("")),
            frac=pl.max_horizontal(pl.col("n_in").str.extract(r"\.([0-9]+)$", 1).str.len_chars().fill_null(0),
                                   pl.col("n_out").str.extract(r"\.([0-9]+)$", 1).str.len_chars().fill_null(0)),
            num=pl.concat_str(pl.col("in_text").fill_null(""), pl.lit(" / "), pl.col("out_text").fill_null("")))
        f = f.with_columns(minor=pl.when(pl.col("ok_num") & (pl.col("frac") <= dec)).then(
            pl.when(pl.col("n_in").fill_null("") != "").then(minor_units(pl.col("n_in"), dec)).otherwise(0)
            - pl.when(pl.col("n_out").fill_null("") != "").then(minor_units(pl.col("n_out"), dec)).otherwise(0)))
    if rules.sign == "out_positive":
        f = f.with_columns(minor=-pl.col("minor"))

    bad_date = f.filter(pl.col("date").is_null())
    for ln, txt in bad_date.select("line", "date_text").head(MAX_REPORTED).iter_rows():
        problems.append(Problem("I007", path, ln, f"bad date {txt!r}", expected=f"a date like "
                                f"{_example_date(rules.date_format)} ({rules.date_format})", found=str(txt),
                                hint="fix the row, or set `date_format` in the rules file"))
    bad_num = f.filter(pl.col("minor").is_null())
    for ln, txt, ok in bad_num.select("line", "num", "ok_num").head(MAX_REPORTED).iter_rows():
        msg = f"bad number {txt!r}" if not ok else f"{txt} has more than {dec} decimals for {cur}"
        problems.append(Problem("I007", path, ln, msg, found=str(txt), expected=f"a number like "
                                f"{'1.234,56' if rules.decimal_mark == ',' else '1,234.56'}",
                                hint="fix the row, or set `decimal_mark` in the rules file"))
    n_bad = bad_date.height + bad_num.height
    if n_bad > 2 * MAX_REPORTED:
        problems.append(Problem("I007", path, header_line, f"{n_bad} malformed rows in all (the first "
                                f"{MAX_REPORTED} of each kind are listed)", hint="check the rules file's formats"))
    if problems:
        return Plan({}, m, problems, "malformed rows: nothing imported")

    # account, payee and contact by rules (first match wins)
    acc_e: Any = pl.lit(rules.default_account, pl.String)
    payee_e: Any = pl.col("payee_col")
    contact_e: Any = pl.lit(None, pl.String)
    rule_e: Any = pl.lit(None, pl.Int64)
    for i in range(len(rules.rules) - 1, -1, -1):
        rule = rules.rules[i]
        hit = pl.col("description").str.contains(rule["match"])
        if "account" in rule:
            acc_e = pl.when(hit).then(pl.lit(rule["account"])).otherwise(acc_e)
            rule_e = pl.when(hit).then(pl.lit(rules.rule_lines[i])).otherwise(rule_e)
        if "payee" in rule:
            payee_e = pl.when(hit).then(pl.lit(rule["payee"])).otherwise(payee_e)
        if "contact" in rule:
            contact_e = pl.when(hit).then(pl.lit(rule["contact"])).otherwise(contact_e)
    for rx, name in reversed(rules.payees):
        payee_e = pl.when(pl.col("description").str.contains(rx)).then(pl.lit(name)).otherwise(payee_e)
    try:
        f = f.with_columns(other=acc_e, payee=payee_e, contact=contact_e)
    except Exception as exc:  # noqa: BLE001  a Python regex polars' engine does not take
        return Plan({}, m, [Problem("I010", rules_path, 1, f"a rule's pattern is not usable: {str(exc)[:120]}",
                                    hint="use plain regular expressions (no look-around or back-references)")],
                    "bad rules")
    unmatched = f.filter(pl.col("other").is_null())
    for ln, desc in unmatched.select("line", "description").head(MAX_REPORTED).iter_rows():
        problems.append(Problem("I008", path, ln, f"no rule gives an account to {desc!r}", found=desc,
                                hint=f"add a rule (`- {{match: \"...\", account: \"...\"}}`) or `default_account` "
                                f"to {rules_path}"))
    if problems:
        return Plan({}, m, problems, "rows without an account: nothing imported")

    # ids: date + reference, else a content hash; identical rows numbered
    if "reference" in c:
        key = pl.col("ref").fill_null("").str.replace_all(r"[^A-Za-z0-9._-]+", "-").str.strip_chars("-")
        empty_ref = f.filter(key.eq("").fill_null(True) if False else pl.col("ref").fill_null("").eq(""))
        for ln in empty_ref["line"].head(MAX_REPORTED):
            problems.append(Problem("I007", path, ln, "the reference is empty", hint="fill it in, or drop "
                                    "`reference` from the rules' columns to use content ids"))
        if problems:
            return Plan({}, m, problems, "rows without a reference")
        f = f.with_columns(key=key)
    else:
        f = f.with_columns(key=pl.concat_str(pl.col("date").cast(pl.String), pl.col("minor").cast(pl.String),
                                             pl.col("description"), separator="|")
                           .map_elements(lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest()[:10],
                                         return_dtype=pl.String))
    f = f.with_columns(occ=pl.int_range(pl.len()).over("date", "key") + 1)
    f = f.with_columns(id=pl.concat_str(pl.lit(rules.id_prefix + "-"), pl.col("date").dt.strftime("%Y%m%d"),
                                        pl.lit("-"), pl.col("key"),
                                        pl.when(pl.col("occ") > 1).then(pl.lit("-") + pl.col("occ").cast(pl.String))
                                        .otherwise(pl.lit(""))))
    dup_in_file = f.filter(pl.col("id").is_duplicated())
    for ln, rid in dup_in_file.select("line", "id").head(MAX_REPORTED).iter_rows():
        problems.append(Problem("I007", path, ln, f"reference gives the id {rid} to two rows", record=rid,
                                hint="references must be unique per day"))
    if problems:
        return Plan({}, m, problems, "duplicate references")

    # duplicates against the books: same id (date + reference) and same amount on the bank account
    led = book.ledger()
    ent = book.ledger_entries()
    have = (led.filter(pl.col("account") == rules.account)
            .group_by("entry_id").agg(pl.col("amount").sum().alias("have_amount"))
            .join(ent.select(pl.col("id").alias("entry_id"), "file", pl.col("line").alias("have_line")),
                  on="entry_id", how="left"))
    f = f.join(have.rename({"entry_id": "id"}), on="id", how="left", maintain_order="left")
    clash = f.filter(pl.col("have_amount").is_not_null() & (pl.col("have_amount") != pl.col("minor")))
    for ln, rid, fl, hl in clash.select("line", "id", "file", "have_line").head(MAX_REPORTED).iter_rows():
        problems.append(Problem("I007", path, ln, f"entry {rid} is already in the books ({fl}:{hl}) with another "
                                "amount", record=rid, hint="check the statement: the same reference on the same "
                                "day should be the same movement"))
    if problems:
        return Plan({}, m, problems, "reference clashes")
    dups = f.filter(pl.col("have_amount").is_not_null())
    new = f.filter(pl.col("have_amount").is_null()).sort("date", "id")
    skipped = [{"line": ln, "what": f"row {rid}", "why": f"already in the books ({fl}:{hl})"}
               for ln, rid, fl, hl in dups.select("line", "id", "file", "have_line").head(1000).iter_rows()]
    if dups.height > 1000:
        skipped.append({"line": 0, "what": f"{dups.height - 1000} more duplicate rows", "why": "already in the books"})

    fmt = (pl.col("minor").abs() // (10 ** dec)).cast(pl.String) + (
        pl.lit(".") + (pl.col("minor").abs() % (10 ** dec)).cast(pl.String).str.zfill(dec) if dec else pl.lit(""))
    memo = pl.when(pl.col("payee").is_not_null() & (pl.col("payee") != ""))\
        .then(pl.col("payee")).otherwise(pl.col("description"))
    pmemo = pl.when(pl.col("payee").is_not_null() & (pl.col("payee") != "") & (pl.col("description") != ""))\
        .then(pl.col("description")).otherwise(pl.lit(None, pl.String))
    currency = pl.lit(cur)
    inflow = pl.col("minor") >= 0
    bank_rows = new.select(
        pl.col("id").alias("entry_id"), pl.col("date").cast(pl.String), memo.alias("memo"),
        pl.lit(rules.account).alias("account"),
        pl.when(inflow).then(fmt).alias("debit"), pl.when(~inflow).then(fmt).alias("credit"),
        currency.alias("currency"), pl.lit(None, pl.String).alias("rate"), pl.lit(None, pl.String).alias("base"),
        pl.lit(None, pl.String).alias("contact"), pmemo.alias("posting_memo"), pl.lit(0).alias("_k"))
    other_rows = new.select(
        pl.col("id").alias("entry_id"), pl.col("date").cast(pl.String), memo.alias("memo"),
        pl.col("other").alias("account"),
        pl.when(~inflow).then(fmt).alias("debit"), pl.when(inflow).then(fmt).alias("credit"),
        currency.alias("currency"), pl.lit(None, pl.String).alias("rate"), pl.lit(None, pl.String).alias("base"),
        pl.col("contact"), pl.lit(None, pl.String).alias("posting_memo"), pl.lit(1).alias("_k"))
    rows = pl.concat([bank_rows, other_rows]).sort("date", "entry_id", "_k").drop("_k")
    if cur != base:
        problems.append(Problem("I010", rules_path, 1, f"statements in {cur} need a rate per row, which kebir "
                                "does not read yet", hint=f"import {base} statements, or add rates/ for {cur} and "
                                "book the entries by hand"))
        return Plan({}, m, problems, "foreign statement")

    totals_in = mf.new_totals()
    pos, neg = pl.col("minor").clip(lower_bound=0).sum(), (-pl.col("minor").clip(upper_bound=0)).sum()
    if new.height:
        ins, outs = new.select(pos.alias("i"), neg.alias("o")).row(0)
        totals_in[(rules.account, cur)] = [ins, outs]          # money in is a debit on the bank account
        for a, d_, k_ in new.group_by("other").agg(neg.alias("d"), pos.alias("k")).iter_rows():
            cell = totals_in[(a, cur)]
            cell[0] += d_
            cell[1] += k_

    files: dict[str, str] = {}
    rel = f"journals/imports/{label}.csv"
    if new.height:
        buf = io.StringIO()
        rows.write_csv(buf, line_terminator="\n", quote_style="necessary", null_value="")
        files[rel] = buf.getvalue()
        m.files[rel] = mf.sha256(files[rel].encode("utf-8"))
        raw = parse_csv(files[rel].encode("utf-8"), rel, "journal-csv")
        problems += [p for p in raw.problems if p.severity == "error"]
        out = raw.frames.get("rows")
        if out is None:
            out = next(iter(raw.frames.values()))
        s = (out.with_columns(d=pl.when(pl.col("debit").fill_null("") != "").then(minor_units(pl.col("debit"), dec))
                              .otherwise(0),
                              k=pl.when(pl.col("credit").fill_null("") != "").then(minor_units(pl.col("credit"), dec))
                              .otherwise(0))
             .group_by("account", "currency").agg(pl.col("d").sum(), pl.col("k").sum()))
        for a, cc, d_, k_ in s.iter_rows():
            cell = m.totals_out[(a, cc or base)]
            cell[0] += d_
            cell[1] += k_
    m.totals_in = totals_in
    m.skipped = skipped
    m.extra = {"rules": rules_path, "rules_sha256": mf.sha256(rules_text.encode("utf-8")), "account": rules.account}
    m.counts = {"rows_in": n, "entries_out": new.height, "postings_out": 2 * new.height,
                "duplicates_skipped": dups.height}
    if not problems:
        problems += mf.compare_totals(m, decs, path)
    summary = f"{new.height} entries from {n} rows, {dups.height} duplicates skipped"
    if not new.height:
        return Plan({}, m, problems, summary + ": nothing new to import")
    files[m.rel] = m.dump(decs)
    sources = dict(zip(new["id"].to_list(), new["line"].to_list()))
    return Plan(files, m, problems, summary, sources)


def _example_date(fmt: str) -> str:
    from datetime import date

    return date(2025, 3, 31).strftime(fmt)
