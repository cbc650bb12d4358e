"""books.toml: the company, its currencies, account roles, and the typed settings of close,
production, cash flow, dedup, the private books and payroll, each checked (E007, E011, E120)."""

from __future__ import annotations

import re
from decimal import Decimal
import tomllib
from pathlib import Path
from typing import Any

from core.books import safeio, yamlnodes
from core.books.close_settings import read_close
from core.model.i18n import DEFAULT as DEFAULT_LANGUAGE, LANGUAGES
from core.model.errors import BooksError, Problem
from core.model.payroll import read_rules
from core.model.records import (AssetSettings, CashFlowSettings, CloseSettings, DedupSettings, ProductionSettings,
                                Settings, StatutorySettings)

COUNT_POLICIES = ("cost_of_sales", "other")     # [close] count_differences (core.close.counts)
ASSET_METHODS = ("vuk", "ifrs")                 # [assets] method (core.erp.depreciation)


def check_policies(close: dict[str, str], assets: dict[str, Any], path: str, text: str) -> list[Problem]:
    """[close] count_differences and [assets] method: one of the words kebir knows (E200)."""
    out = []
    for section, key, value, known in (("close", "count_differences", close.get("count_differences"), COUNT_POLICIES),
                                       ("assets", "method", assets.get("method"), ASSET_METHODS)):
        if value is not None and value not in known:
            out.append(Problem("E200", path, toml_line(text, key), f"[{section}] {key} = {value!r} is not a policy "
                               "kebir knows", expected=" or ".join(repr(k) for k in known), found=repr(value),
                               hint=f'write {key} = "{known[0]}" under [{section}] (docs/close.md)'))
    for key in assets:
        if key != "method":
            out.append(Problem("E200", path, toml_line(text, key), f"[assets] {key} is not a setting kebir knows",
                               expected="method", found=key, hint='write method = "vuk" or method = "ifrs"'))
    return out


def _month_day(value: Any) -> bool:
    """`value` is MM-DD naming a day that every year has (a fiscal year cannot start on 29 February)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d\d-\d\d", value):
        return False
    month, day = int(value[:2]), int(value[3:])
    return 1 <= month <= 12 and 1 <= day <= (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def read_settings(root: Path) -> tuple[Settings, list[Problem]]:
    path = "books.toml"
    data = safeio.read_bytes(root, path, max_bytes=4 * safeio.MiB)
    text, problems = yamlnodes.decode(data, path)
    if text is None:
        raise BooksError(f"{path}: not UTF-8 text", problems[0].hint)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise BooksError(f"{root / path}:{m.group(1) if m else 1}: {exc}",
                         "fix the TOML syntax; see docs/formats.md#bookstoml") from None
    company = doc.get("company") or {}
    bad = []
    mib = (doc.get("limits") or {}).get("max_file_mib") if isinstance(doc.get("limits"), dict) else None
    if mib is not None and (not isinstance(mib, int) or isinstance(mib, bool) or not 1 <= mib <= 65536):
        bad.append(Problem("E007", path, toml_line(text, "max_file_mib"),
                           f"[limits] max_file_mib = {mib!r} is not valid",
                           expected="a whole number of MiB, 1 to 65536",
                           hint="write e.g. max_file_mib = 512 under [limits]"))
        mib = None
    safeio.set_limit(mib * safeio.MiB if mib else None)
    for key in ("name", "base_currency"):
        if not isinstance(company.get(key), str):
            bad.append(Problem("E007", path, toml_line(text, key), f"[company] {key} is missing",
                               expected=f"{key} = \"...\"", hint=f"add `{key} = ...` under [company]"))
    currencies = doc.get("currencies") or {"TRY": 2, "EUR": 2, "USD": 2}
    for cur, dec in currencies.items():
        if not re.fullmatch(r"[A-Z]{3}", cur) or not isinstance(dec, int) or isinstance(dec, bool) or not 0 <= dec <= 4:
            bad.append(Problem("E007", path, toml_line(text, cur), f"currency {cur} = {dec!r} is not valid",
                               expected="CODE = decimals (0-4)", found=f"{cur} = {dec!r}",
                               hint='write e.g. EUR = 2 under [currencies]'))
    roles: dict[str, Any] = {}
    for role, code in (doc.get("accounts") or {}).items():
        if isinstance(code, dict):           # [accounts.vat_output] "10" = "391.02"
            for sub, sub_code in code.items():
                roles[f"{role}:{sub}"] = sub_code
        else:
            roles[role] = code
    close = {key: str(value) for key, value in (doc.get("close") or {}).items()   # corporate_tax_rate = "25"
             if not isinstance(value, (list, dict))}
    close_typed, found = read_close(doc.get("close") or {}, path, text, toml_line)
    bad += found
    statutory, found = _statutory(doc.get("statutory"), text)   # [statutory] tax_id = "..." (docs/statutory.md)
    bad += found
    production = {key: str(value).lower() for key, value in (doc.get("production") or {}).items()}
    private_path = None
    for key, value in (doc.get("private") or {}).items():   # [private] path = "../acme-private" (core.books.private)
        if key != "path" or not isinstance(value, str) or not value.strip():
            bad.append(Problem("E007", path, toml_line(text, key), f"[private] {key} = {value!r} is not valid",
                               expected='path = "DIRECTORY"', hint='write path = "../acme-private" under [private]'))
            continue
        private_path = value
    for key, value in (doc.get("audit") or {}).items():   # [audit] allowed_signers = "..." (core.close.audit)
        if key != "allowed_signers" or not isinstance(value, str) or not value.strip():
            bad.append(Problem("E007", path, toml_line(text, key), f"[audit] {key} = {value!r} is not valid",
                               expected='allowed_signers = "FILE"',
                               hint='write allowed_signers = ".kebir-allowed-signers" under [audit]'))
    include_vat = (doc.get("prices") or {}).get("include_vat", False)   # [prices] include_vat = true
    alert_pct = None                                                     # [prices] alert_pct = 20
    for key, value in (doc.get("prices") or {}).items():
        if key == "alert_pct" and not isinstance(value, bool) and re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?",
                                                                             str(value)):
            alert_pct = Decimal(str(value))
            continue
        if key != "include_vat" or not isinstance(value, bool):
            bad.append(Problem("E007", path, toml_line(text, key), f"[prices] {key} = {value!r} is not valid",
                               expected="include_vat = true or false; alert_pct = a percent",
                               hint="write include_vat = true under [prices] when list prices are printed with VAT, "
                                    "alert_pct = 20 to be warned of a receipt price 20% off the last one"))
            if key == "include_vat":
                include_vat = False
    signers = (doc.get("audit") or {}).get("allowed_signers")
    if isinstance(signers, str) and signers.strip():
        bad += _check_allowed_signers(root, signers.strip(), toml_line(text, "allowed_signers"))
    listed: dict[str, dict[str, tuple[str, ...]]] = {"cash_flow": {}, "dedup": {}}
    for section, example in (("cash_flow", '["25", "26"]'), ("dedup", '["email", "phone"]')):
        for key, value in (doc.get(section) or {}).items():   # [cash_flow] investing = ["25", "26"]
            if not isinstance(value, list):
                listed[section][key] = _words(str(value))
                continue
            if not all(isinstance(v, str) for v in value):
                bad.append(Problem("E007", path, toml_line(text, key), f"[{section}] {key} must be a list of "
                                   "quoted strings", found=repr(value), hint=f"write {key} = {example}"))
                continue
            listed[section][key] = _words(",".join(value))
    for role, code in roles.items():
        if not isinstance(code, str):
            bad.append(Problem("E007", path, toml_line(text, role.split(":")[-1]),
                               f"account role {role} must be a quoted code",
                               found=repr(code), hint=f'write {role.split(":")[-1]} = "{code}"'))
    for section in doc:
        if section not in ("company", "currencies", "accounts", "posting", "roles", "people", "close", "dedup",
                           "payroll", "cash_flow", "production", "private", "audit", "prices",
                           "assets", "statutory"):
            bad.append(Problem("E011", path, toml_line(text, section), f"unknown section [{section}]",
                               hint="see docs/formats.md#bookstoml"))
    payroll_rules, found = read_rules(doc.get("payroll"), path, toml_line(text, "payroll"))
    bad += found
    lang = company.get("language", DEFAULT_LANGUAGE)
    if lang not in LANGUAGES:
        bad.append(Problem("E150", path, toml_line(text, "language"), f"[company] language {lang!r} is not one "
                           "kebir's reports speak", expected=" or ".join(repr(x) for x in LANGUAGES), found=repr(lang),
                           hint='write language = "tr" or language = "en" (or leave it out: English)'))
        lang = DEFAULT_LANGUAGE
    fiscal = company.get("fiscal_year_start", "01-01")
    if not _month_day(fiscal):
        bad.append(Problem("E007", path, toml_line(text, "fiscal_year_start"),
                           f"[company] fiscal_year_start = {fiscal!r} is not a day of the year",
                           expected="MM-DD, a day every year has (01-01 to 12-31, not 02-29)", found=repr(fiscal),
                           hint='write fiscal_year_start = "01-01" under [company] (the first day of the '
                                'fiscal year); the reports use 01-01 until it is fixed'))
        fiscal = "01-01"
    bad += check_policies(close, doc.get("assets") or {}, path, text)
    asset_method = (doc.get("assets") or {}).get("method")
    asset_method = asset_method if asset_method in ASSET_METHODS else None
    base = company.get("base_currency", "TRY")
    if isinstance(base, str) and base not in currencies:
        currencies = {base: 2, **currencies}
    settings = Settings(
        name=str(company.get("name", "")), base_currency=str(base),
        fiscal_year_start=fiscal,
        chart=str(company.get("chart", "custom")),
        language=str(lang),
        currencies=tuple(sorted((c, d) for c, d in currencies.items() if isinstance(d, int))),
        roles=tuple(sorted((r, c) for r, c in roles.items() if isinstance(c, str))),
        payroll=payroll_rules,
        close=CloseSettings(count_differences=close.get("count_differences"), **close_typed),
        assets=AssetSettings(method=asset_method),
        production=ProductionSettings(backflush=production.get("backflush", "true") != "false"),
        cash_flow=CashFlowSettings(**{k: listed["cash_flow"].get(k, ())
                                      for k in ("investing", "financing", "non_cash")}),
        dedup=DedupSettings(erp_wins=listed["dedup"].get("erp_wins"), crm_wins=listed["dedup"].get("crm_wins")),
        private_path=private_path,
        prices_include_vat=bool(include_vat),
        price_alert_pct=alert_pct,
        statutory=statutory,
    )
    return settings, bad


_STATUTORY_KEYS = {"tax_id": r"[0-9]{10}", "tax_office": r".+", "address": r".+", "city": r".+", "district": r".+",
                   "efatura_series": r"[A-Z0-9]{3}", "earsiv_series": r"[A-Z0-9]{3}",
                   "babs_threshold": r"[0-9]+(\.[0-9]{1,2})?"}


def _statutory(section: Any, text: str) -> tuple[StatutorySettings, list[Problem]]:
    """books.toml [statutory]: the company's VKN, tax office and address on its e-invoices, the series
    of its invoice numbers and the Ba-Bs threshold (docs/statutory.md)."""
    if not isinstance(section, dict):
        return StatutorySettings(), []
    bad, values = [], {}
    for key, value in section.items():
        form = _STATUTORY_KEYS.get(key)
        if form is None or not isinstance(value, str) or not re.fullmatch(form, value.strip()):
            bad.append(Problem("E007", "books.toml", toml_line(text, key),
                               f"[statutory] {key} = {value!r} is not valid",
                               expected="one of " + ", ".join(_STATUTORY_KEYS) if form is None
                               else f"a quoted string of the form {form}",
                               hint='e.g. tax_id = "1234567890", efatura_series = "DNZ", babs_threshold = "5000"'))
            continue
        values[key] = value.strip()
    return StatutorySettings(**values), bad


def _words(text: str) -> tuple[str, ...]:
    """A comma-joined list as its non-empty items (a list value, or a single string, alike)."""
    return tuple(w for w in text.split(",") if w)


_SIGNER_KEY = re.compile(r"(?:^|\s)(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com|"
                         r"sk-ecdsa-sha2-nistp256@openssh\.com)\s+[A-Za-z0-9+/]{20,}={0,2}(?:\s|$)")


def _check_allowed_signers(root: Path, name: str, line: int) -> list[Problem]:
    """E120: `[audit] allowed_signers` names a file that is there, with one `principals [options]
    key-type key [comment]` line per key (git's gpg.ssh.allowedSignersFile format)."""
    path = root / name
    hint = ("one line per key: the author e-mail, then the public key, e.g. `zeynep@lokanta.example ssh-ed25519 "
            "AAAAC3Nza...` (docs/trust.md#signed-commits)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [Problem("E120", "books.toml", line, f"the allowed-signers file {name} named in [audit] cannot be "
                        "read", expected="a text file in the books", found=name, hint="create it with " + hint)]
    out = []
    for n, ln in enumerate(text.splitlines(), 1):
        if ln.strip() and not ln.lstrip().startswith("#") and (len(ln.split()) < 3 or not _SIGNER_KEY.search(ln)):
            out.append(Problem("E120", name, n, "this allowed-signers line names no SSH public key for a principal",
                               expected="principals [options] key-type key", found=ln.strip()[:80], hint=hint))
    return out


def toml_line(text: str, key: str) -> int:
    m = re.search(rf"^[ \t]*\[?{re.escape(key)}\b", text, re.M)    # not \s: it would start on a blank line before
    return text.count("\n", 0, m.start()) + 1 if m else 1
