"""Ratio: a percentage column equals done ÷ plan × 100 of its row.

## What it checks
For each `percent = numerator / denominator`, on every row (the total row included), the
printed percentage lies in the interval of 100 × numerator ÷ denominator taken over the
operands' rounding intervals: [100·n_lo/d_hi, 100·n_hi/d_lo].  The comparison is exact
(integer cross-multiplication, no floating point).  A zero plan (`-`, `/` or 0) admits only
a missing-marker percentage; a blank operand makes the check unevaluable.

## Why it matters
Percentages are typed separately from the figures they summarise; a stale or
miscomputed one misleads exactly the readers who only look at the percentages.

## Example
Appendix 2, 合计: `pct_total = done_total / plan_total`:
100 × [891.285, 891.295] / [1043.05, 1043.15] = [85.440%, 85.451%]; printed 85.4% stands for
[85.35, 85.45] → holds.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import numbers
from ..checks import (
    FAIL,
    ROUNDING,
    Checks,
    Discrepancy,
    Read,
    absent_columns,
    bounds,
    decide,
    unevaluable,
)
from ..formula import parse_ratio
from ..i18n import N_
from ..model import LOOSE, STRICT, Value
from ..numbers import BLANK, NUMBER, ZERO_MARKER
from .row_identity import rows_of

PREFIX = "P"
STAGE = "table"
OPTIONS = {
    "required": ["table", "ratios"],
    "properties": {
        "table": {"type": "string"},
        "ratios": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "rows": {"enum": ["all", "units", "total"]},
        "where": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
MESSAGE = {
    None: N_("{label}: {formula} — 100 × {numerator} / {denominator} = {expected}%, "
           "printed {actual} (misses by {miss} points)"),
    "no-plan": N_("{label}: {formula} — the plan {denominator} is not a positive number, so "
                "no percentage of it exists and the cell must print '-', but it prints "
                "{actual}"),
}
FIELDS = ("label", "expected", "actual", "miss", "formula", "numerator", "denominator")
HUNDRED = 100 * numbers.UNIT


def columns(params: dict) -> list:
    out = [(params["table"], c) for c in params.get("where", {})]
    for text in params["ratios"]:
        r = parse_ratio(text)
        out += [(params["table"], t.column) for t in (r.percent, r.numerator, r.denominator)]
    return out


def _leq(a, b, c, d) -> np.ndarray:
    """a·b ≤ c·d for int64 arrays, exactly.  Float64 products below 2**53 are exact; larger
    ones are within 2**-52 of the true value, so only their near-ties (relative gap under
    1e-12) are recomputed in integers."""
    left = a.astype(np.float64) * b
    right = c.astype(np.float64) * d
    out = left <= right
    scale = np.maximum(np.abs(left), np.abs(right))
    unsure = (scale >= 2.0**53) & (np.abs(left - right) <= 1e-12 * scale)
    for i in np.flatnonzero(unsure):
        out[i] = int(a[i]) * int(b[i]) <= int(c[i]) * int(d[i])
    return out


def check(rule, ctx) -> list:
    table = ctx.period.tables[rule.params["table"]]
    rows = rows_of(table, rule.params.get("rows", "all"), rule.params.get("where"))
    out = []
    for text in rule.params["ratios"]:
        r = parse_ratio(text)
        p_col, n_col, d_col = r.percent.column, r.numerator.column, r.denominator.column
        if missing := absent_columns(table, [p_col, n_col, d_col]):
            out.append(unevaluable(text, f"column {missing[0]} of {table.name} is missing"))
            continue
        ok, b = {}, {}
        for reading in (STRICT, LOOSE):
            p1, p2, ps = bounds(table, p_col, rows, reading)
            n1, n2, ns = bounds(table, n_col, rows, reading)
            d1, d2, ds = bounds(table, d_col, rows, reading)
            b[reading] = (p1, p2, n1, n2, d1, d2)
            # ratio interval [100 n1/d2, 100 n2/d1] meets [p1, p2]  (all scaled by UNIT)
            hundred = np.full(len(rows), HUNDRED, dtype=np.int64)
            meets = ((d1 > 0) & (ps == NUMBER)
                     & _leq(hundred, n1, p2, d2) & _leq(p1, d1, hundred, n2))
            no_plan = (ps == ZERO_MARKER) & (d1 <= 0)
            ok[reading] = meets | no_plan
        missing = (ps >= BLANK) | (ns >= BLANK) | (ds >= BLANK)
        not_printed = (ps == BLANK) & (ns == BLANK) & (ds == BLANK)
        status = decide(ok[STRICT], ok[LOOSE], missing, not_printed)
        out.append(Ratios(table, rows, r, status, b))
    return out


def _ratio(b, i) -> tuple[Fraction, Fraction] | None:
    _p1, _p2, n1, n2, d1, d2 = (int(x[i]) for x in b)
    if d1 <= 0:
        return None
    return Fraction(HUNDRED * n1, d2), Fraction(HUNDRED * n2, d1)


class Ratios(Checks):
    """percent = 100 × numerator / denominator on each of the rows."""

    blame = True

    def __init__(self, table, rows, r, status, b):
        self.table, self.rows, self.r, self.status = table, rows, r, status
        self.cols = (r.percent.column, r.numerator.column, r.denominator.column)
        self.reads = [Read(table, c, rows) for c in self.cols]
        # the bounds of the checks that do not pass, the only ones explained later
        self._at = np.flatnonzero((status == FAIL) | (status == ROUNDING))
        self.b = {reading: tuple(x[self._at] for x in arrays) for reading, arrays in b.items()}

    def label(self, i):
        return self.table.label(self.rows[i])

    def formula(self, i):
        return self.r.text

    def reason(self, i):
        for c in self.cols:
            state = self.table.arrays(c).state[self.rows[i]]
            if state >= BLANK:
                what = "blank" if state == BLANK else "not a number"
                return f"{self.table.name} {c} of {self.label(i)} is {what}"
        return "an operand is blank or not a number"

    def cells(self, i):
        return [(self.table.name, int(self.rows[i]), c) for c in self.cols]

    def explain(self, i):
        table, row = self.table, self.rows[i]
        p_col, n_col, d_col = self.cols
        j = int(np.searchsorted(self._at, i))
        iv = _ratio(self.b[LOOSE], j)
        p1, p2 = int(self.b[LOOSE][0][j]), int(self.b[LOOSE][1][j])
        actual = Value(table.text(row, p_col), numbers.to_float(p1), numbers.to_float(p2))
        fields = {"formula": self.r.text, "numerator": table.text(row, n_col),
                  "denominator": table.text(row, d_col)}
        if iv is None:
            return Discrepancy(fields, Value("no plan (division by zero)"), actual, None, LOOSE,
                               variant="no-plan")
        lo, hi = (float(x / numbers.UNIT) for x in iv)
        gap = max(iv[0] - p2, p1 - iv[1], 0)
        return Discrepancy(fields, Value(f"{lo:.3f}–{hi:.3f}", lo, hi), actual,
                           float(gap / numbers.UNIT), LOOSE)

    def solve(self, i, ref, reader):
        p_col, n_col, d_col = self.cols

        def pick(c):
            iv = reader((self.table.name, int(self.rows[i]), c))
            return (0, 0) if iv is None else iv
        (p1, p2), (n1, n2), (d1, d2) = ((int(x), int(y)) for x, y in
                                        (pick(p_col), pick(n_col), pick(d_col)))
        col = ref[2]
        if col == p_col:
            return (Fraction(HUNDRED * n1, d2), Fraction(HUNDRED * n2, d1)) if d1 > 0 else None
        if col == n_col:  # without a positive plan the percentage says nothing of it
            return (Fraction(p1 * d1, HUNDRED), Fraction(p2 * d2, HUNDRED)) if d1 > 0 else None
        if col == d_col and p1 > 0:
            return Fraction(HUNDRED * n1, p2), Fraction(HUNDRED * n2, p1)
        return None
