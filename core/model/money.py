"""Exact money: decimal strings to integer minor units and back, half-up rounding.

Amounts live as `int` minor units (kuruş, cents) inside frames and as `Decimal` at the edges;
a float never touches them. Rounding is half-up to the currency's minor unit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

FRACTION_DIGITS = 6  # the most decimals any amount, quantity or rate may carry


def to_minor(text: str, decimals: int) -> int:
    """'12.5' with 2 decimals -> 1250. The caller has checked the form and the decimals."""
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    whole = whole.lstrip("-") or "0"
    return sign * (int(whole) * 10**decimals + int((frac + "0" * decimals)[:decimals] or 0))


def decimal_or(text: object, default: Decimal | None) -> Decimal | None:
    """A decimal string as a Decimal; `default` for anything else (None, a map, unreadable text)."""
    try:
        return Decimal(text) if type(text) is str else default
    except ArithmeticError:
        return default


def from_minor(units: int, decimals: int) -> Decimal:
    return Decimal(units).scaleb(-decimals)


def fmt_minor(units: int, decimals: int) -> str:
    """1250 with 2 decimals -> '12.50' (fixed scale, no separators)."""
    sign = "-" if units < 0 else ""
    units = abs(units)
    if decimals == 0:
        return f"{sign}{units}"
    q, r = divmod(units, 10**decimals)
    return f"{sign}{q}.{r:0{decimals}d}"


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def convert_minor(amount_minor: int, amount_decimals: int, rate: str, base_decimals: int) -> int:
    """A foreign amount (minor units) times a rate, in base minor units, rounded half-up."""
    value = from_minor(amount_minor, amount_decimals) * Decimal(rate)
    return int(round_half_up(value, base_decimals).scaleb(base_decimals))


def fraction_digits(col: pl.Expr) -> pl.Expr:
    """How many digits a decimal string has after its point (0 when it has none)."""
    return col.str.extract(r"\.([0-9]*)$", 1).str.len_chars().fill_null(0)


def minor_units(col: pl.Expr, decimals: pl.Expr | int) -> pl.Expr:
    """Decimal strings (already checked: digits, optional '.', at most `decimals` decimals) to Int64.

    Vectorized: the whole part times 10^decimals plus the fraction padded to FRACTION_DIGITS and
    scaled down, which is exact because the fraction has no more than `decimals` digits.
    """
    whole = col.str.extract(r"^(-?[0-9]+)", 1).cast(pl.Int64)
    frac = (col.str.extract(r"\.([0-9]+)$", 1).fill_null("")
            .str.pad_end(FRACTION_DIGITS, "0").str.slice(0, FRACTION_DIGITS).cast(pl.Int64))
    dec = pl.lit(decimals) if isinstance(decimals, int) else decimals
    scale = pl.lit(10, dtype=pl.Int64).pow(dec.cast(pl.Int64))
    down = pl.lit(10, dtype=pl.Int64).pow(pl.lit(FRACTION_DIGITS, dtype=pl.Int64) - dec.cast(pl.Int64))
    sign = pl.when(col.str.starts_with("-")).then(-1).otherwise(1)
    return whole.abs() * scale * sign + sign * (frac // down)
