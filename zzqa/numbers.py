"""Displayed numbers: parse what the bulletin prints without forgetting how it was printed.

A printed "15.29" does not mean 15.29; it means "some value that rounds to 15.29", the
closed interval [15.285, 15.295].  Every number is therefore kept as an exact integer in
units of 10**-SCALE together with the number of decimals it was printed with, so that
interval arithmetic is exact (no floating point, no epsilon).  Counts and ranks are exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

SCALE = 6  # values are integers in units of 10**-6; printed decimals up to SCALE - 1
UNIT = 10**SCALE

# Missing markers keep their meaning: "-" not applicable, "/" not assessed, "" blank.
MISSING = {"-": "not applicable", "/": "not assessed", "": "blank"}

NUMBER_RE = r"^(?P<sign>[-+]?)(?P<int>\d+)(?:\.(?P<frac>\d*))?(?P<pct>%?)$"
_NUMBER = re.compile(NUMBER_RE)


@dataclass(frozen=True)
class Printed:
    """One displayed number: its text, exact value (scaled) and printed decimals."""

    text: str
    scaled: int
    decimals: int
    percent_sign: bool = False

    @property
    def value(self) -> Fraction:
        return Fraction(self.scaled, UNIT)

    def interval(self, exact: bool = False, decimals: int | None = None) -> tuple[int, int]:
        """Scaled closed interval the printed value stands for."""
        h = 0 if exact else half_width(self.decimals if decimals is None else decimals)
        return self.scaled - h, self.scaled + h


def half_width(decimals: int) -> int:
    """Half a unit in the last printed place, in scaled units (0.5 * 10**-decimals)."""
    if decimals >= SCALE:
        raise ValueError(f"more than {SCALE - 1} decimals cannot be represented")
    return 5 * 10 ** (SCALE - 1 - decimals)


def parse(text: str) -> Printed | None:
    """Parse one printed number ("891.29", "85.4%", "-1"); None when it is not a number."""
    t = text.strip()
    m = _NUMBER.match(t)
    if not m:
        return None
    frac = m["frac"] or ""
    if len(frac) >= SCALE:
        return None
    scaled = int(m["int"]) * UNIT + (int(frac.ljust(SCALE, "0")) if frac else 0)
    if m["sign"] == "-":
        scaled = -scaled
    return Printed(t, scaled, len(frac), bool(m["pct"]))


def parse_series(texts: pd.Series) -> pd.DataFrame:
    """Vectorised `parse`: columns scaled (Int64), decimals (Int64), percent_sign, is_number.

    Missing markers and non-numbers give <NA> in scaled/decimals; `is_number` tells which.
    """
    t = texts.fillna("").astype(str).str.strip()
    parts = t.str.extract(NUMBER_RE)
    ok = parts["int"].notna() & (parts["frac"].fillna("").str.len() < SCALE)
    frac = parts["frac"].fillna("").where(ok, "")
    int_part = pd.to_numeric(parts["int"].where(ok), errors="coerce")
    frac_part = pd.to_numeric(frac.str.ljust(SCALE, "0").where(ok), errors="coerce")
    scaled = (int_part.astype("Int64") * UNIT + frac_part.astype("Int64"))
    scaled = scaled.where(parts["sign"] != "-", -scaled)
    decimals = frac.str.len().astype("Int64").where(ok)
    return pd.DataFrame(
        {
            "scaled": scaled.where(ok).astype("Int64"),
            "decimals": decimals,
            "percent_sign": (parts["pct"] == "%") & ok,
            "is_number": ok,
        },
        index=texts.index,
    )


def usual_decimals(decimals: pd.Series) -> int:
    """A column's printing convention: the most common number of printed decimals.

    Ties go to the larger number of decimals (the finer convention).  An empty column has 0.
    """
    d = decimals.dropna()
    if d.empty:
        return 0
    counts = d.value_counts()
    top = counts[counts == counts.max()].index
    return int(max(top))


def half_widths(decimals: np.ndarray) -> np.ndarray:
    """Vectorised `half_width` for an integer array of decimals (values < SCALE)."""
    return 5 * 10 ** (SCALE - 1 - decimals.astype(np.int64))


def to_float(scaled: int | float | Fraction) -> float:
    return float(Fraction(scaled) / UNIT) if not isinstance(scaled, float) else scaled / UNIT


def fmt(scaled: int | Fraction, decimals: int | None = None) -> str:
    """Format a scaled value exactly: with `decimals` rounded half-up, else trailing zeros cut."""
    v = Fraction(scaled) / UNIT
    if decimals is not None:
        q = Fraction(1, 10**decimals)
        n = (abs(v) / q + Fraction(1, 2)).__floor__()
        s = f"{n // 10**decimals}" + (f".{n % 10**decimals:0{decimals}d}" if decimals else "")
        return ("-" if v < 0 and n else "") + s
    n, d = v.numerator, v.denominator
    for places in range(SCALE + 1):
        if (n * 10**places) % d == 0:
            return fmt(scaled, places)
    return f"{float(v):.{SCALE}g}"
