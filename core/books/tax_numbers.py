"""Tax numbers and bank accounts of parties, checked by their check digits (python-stdnum).

A Turkish party (no `country`, or `country: TR`) has a VKN (10 digits, a firm or a sole trader) or a
TCKN (11 digits, a person) as its `tax_id`; each has check digits, so a mistyped number is found
before it reaches an invoice, an e-Fatura or a BA/BS form. A foreign party has its `country` and its
own id as that country writes it, which kebir keeps as written. An `iban` passes ISO 13616: the
country's length and form and the mod-97 check. The rules come from python-stdnum
(`stdnum.tr.vkn`, `stdnum.tr.tckimlik`, `stdnum.iban`), which is kept against the published
specifications, rather than from rules written here.

ERP parties (customers, suppliers, employees: the billing master whose numbers go on documents
and filings) get errors, E162 and E163; a CRM record (prospect data, often typed from a business card)
gets the warning W017 for either.
"""

from __future__ import annotations

from core.model.errors import Problem

# python-stdnum is imported where a number is checked: its import (ssl, pydoc and the IBAN registry
# among it) costs about 0.1 s of CPU, which every kebir start paid, and only validation checks numbers.


def turkish(country: str | None) -> bool:
    return not country or country.strip().upper() == "TR"


def tax_id_fault(number: str, country: str | None) -> str | None:
    """Why `number` is not a valid tax id for a party of `country`, or None. Only Turkish numbers are
    checked; a foreign party's id is its own country's business."""
    if not turkish(country):
        return None
    from stdnum.exceptions import InvalidFormat, ValidationError  # lazy: see the note at the top
    from stdnum.tr import tckimlik, vkn  # lazy: see the note at the top

    digits = number.replace(" ", "")
    if not digits.isdigit():
        return (f"{number} is not a Turkish tax number: a VKN has 10 digits and a TCKN 11 (a foreign party "
                "has a `country`)")
    if len(digits) == 10:
        try:
            vkn.validate(digits)
        except ValidationError:
            return f"{number} fails the VKN check digit"
        return None
    if len(digits) == 11:
        try:
            tckimlik.validate(digits)
        except InvalidFormat:
            return f"{number} is not a TCKN: a TCKN does not start with 0"
        except ValidationError:
            return f"{number} fails the TCKN check digits"
        return None
    return f"{number} has the wrong form: {len(digits)} digits, where a VKN has 10 and a TCKN 11"


def iban_fault(number: str) -> str | None:
    """Why `number` is not a valid IBAN, or None."""
    from stdnum import iban as stdnum_iban  # lazy: see the note at the top
    from stdnum.exceptions import (  # lazy: see the note at the top
        InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError)

    try:
        stdnum_iban.validate(number)
    except InvalidChecksum:
        return f"{number} fails the IBAN check (mod 97)"
    except InvalidLength:
        compact = stdnum_iban.compact(number)
        return f"{number} has {len(compact)} characters, not the length of a {compact[:2].upper()} IBAN"
    except (InvalidFormat, InvalidComponent):
        return f"{number} is not in the form of a {stdnum_iban.compact(number)[:2].upper()} IBAN"
    except ValidationError:
        return f"{number} is not an IBAN"
    return None


def check_contact_numbers(book) -> list[Problem]:
    """E162/E163 (ERP) or W017 (CRM) for every contact's tax_id and iban that fails its check."""
    out: list[Problem] = []
    for c in book.contacts.values():
        if c.get("forgotten"):
            continue
        tax, iban, country = c.get("tax_id"), c.get("iban"), c.get("country")
        erp = c.side == "erp"
        src = c.source
        if tax:
            why = tax_id_fault(str(tax), country)
            if why:
                out.append(Problem("E162" if erp else "W017", src.path, src.line, f"`tax_id` {why}",
                                   record=c.id, found=str(tax), expected="a VKN (10 digits) or TCKN (11 digits) "
                                   "with its check digits, for a Turkish party",
                                   hint="check the number against the party's documents (tax plate, identity "
                                        "card); a foreign party: add `country:` with its ISO code, e.g. DE"))
        if iban:
            why = iban_fault(str(iban))
            if why:
                out.append(Problem("E163" if erp else "W017", src.path, src.line, f"`iban` {why}",
                                   record=c.id, found=str(iban), expected="an IBAN that passes ISO 13616 (mod 97)",
                                   hint="copy the IBAN from the party's bank letter or invoice; a typo in one "
                                        "digit fails the check"))
    return out

