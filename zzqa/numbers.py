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
    if len(frac) >= SCALE or int(m["int"]) >= MAX_VALUE:
        return None
    scaled = int(m["int"]) * UNIT + (int(frac.ljust(SCALE, "0")) if frac else 0)
    if m["sign"] == "-":
        scaled = -scaled
    return Printed(t, scaled, len(frac), bool(m["pct"]))


# Cell states of a numeric column.  "-" (not applicable) and "/" (not assessed) read as an
# exact 0 in arithmetic (there is nothing to count); a blank is an unknown value.
NUMBER, ZERO_MARKER, BLANK, INVALID = 0, 1, 2, 3
_VECTOR_RE = rf"^[-+]?\d+(\.\d{{0,{SCALE - 1}}})?%?$"
_FLOAT_EXACT = 10**9  # below this, float64 parsing then rounding to 10**-SCALE is exact
# Cells must stay below this magnitude so that sums of a million of them fit in int64
# (scaled by 10**SCALE); a larger printed value is reported as not a number.
MAX_VALUE = 10**9


@dataclass(frozen=True)
class Column:
    """A numeric column parsed: scaled values, printed decimals and cell states (numpy)."""

    scaled: np.ndarray  # int64, 0 where not a number
    decimals: np.ndarray  # int64, 0 where not a number
    state: np.ndarray  # int8: NUMBER, ZERO_MARKER, BLANK, INVALID


def parse_array(texts) -> Column:
    """Vectorised `parse` over a column of printed strings (an Arrow or pandas string array).

    Runs in Arrow's C++ kernels: the same pattern as `parse`, then float64 parsing, which is
    exact after rounding to 10**-SCALE for |value| < 10**9 (MAX_VALUE; larger values are
    INVALID cells).
    """
    import pyarrow as pa  # here: `zzqa explain` parses no table
    import pyarrow.compute as pc
    if not isinstance(texts, (pa.Array, pa.ChunkedArray)):
        texts = pa.array(texts, type=pa.string())
    arr = pc.fill_null(pc.utf8_trim_whitespace(texts), "")
    ok = pc.match_substring_regex(arr, _VECTOR_RE).to_numpy(zero_copy_only=False)
    body = pc.utf8_rtrim(arr, characters="%")
    dot = pc.find_substring(body, ".").to_numpy(zero_copy_only=False)
    length = pc.binary_length(body).to_numpy(zero_copy_only=False)
    decimals = np.where(ok & (dot >= 0), length - dot - 1, 0).astype(np.int64)
    floats = pc.cast(pc.if_else(pa.array(ok), body, "0"), pa.float64()).to_numpy()
    ok &= np.abs(floats) < MAX_VALUE
    scaled = np.rint(np.where(ok, floats, 0) * UNIT).astype(np.int64)
    state = np.full(len(arr), INVALID, dtype=np.int8)
    marker = pc.or_(pc.equal(arr, "-"), pc.equal(arr, "/"))
    state[marker.to_numpy(zero_copy_only=False)] = ZERO_MARKER
    state[pc.equal(arr, "").to_numpy(zero_copy_only=False)] = BLANK
    state[ok] = NUMBER
    return Column(scaled, decimals, state)


def usual_decimals(decimals: np.ndarray) -> int:
    """A column's printing convention: the most common number of printed decimals.

    Ties go to the larger number of decimals (the finer convention).  An empty column has 0.
    """
    if len(decimals) == 0:
        return 0
    counts = np.bincount(np.asarray(decimals, dtype=np.int64))
    return int(np.flatnonzero(counts == counts.max()).max())


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
