"""Bound: a score does not exceed the maximum points printed in its header.

## What it checks
Every cell of the listed columns (default: every column whose description gives
`max_points`, i.e. whose header prints e.g. "(180分)") is at most its maximum and, where
`min` is given, at least that.  A printed 50.5 in a "(50分)" column exceeds it whatever its
rounding.

## Why it matters
A score above the maximum the bulletin itself states is either a typing error or an
undocumented bonus; either way a reader cannot trust the column's ranking.

## Example
Appendix 1, 荷塘区 `tech_innovation` prints 51.0 under "重大科技创新攻坚 (50分)": fails by 1.0.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import numbers
from ..checks import Checks, Discrepancy, Read, decide, unevaluable
from ..i18n import N_
from ..model import LOOSE, STRICT, Value
from ..numbers import BLANK

PREFIX = "B"
STAGE = "table"
OPTIONS = {
    "required": ["table"],
    "properties": {
        "table": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "max": {"type": "number"},
        "min": {"type": "number"},
    },
}
MESSAGE = N_("{label}: printed {actual}, but the column allows {expected} points (off by {miss})")

FIELDS = ("label", "expected", "actual", "miss")


def columns(params: dict) -> list:
    return [(params["table"], c) for c in params.get("columns", [])] or [(params["table"], None)]


def check(rule, ctx) -> list:
    p = rule.params
    table = ctx.period.tables[p["table"]]
    names = p.get("columns") or [c.name for c in table.spec.columns if c.max_points is not None]
    rows = np.flatnonzero(~table.is_total.to_numpy())
    out = []
    for name in names:
        if not table.has(name):
            out.append(unevaluable(name, f"column {name} of {table.name} is missing"))
            continue
        top = p.get("max", table.spec.column(name).max_points)
        out.append(Bounds(table, name, rows, p.get("min"), top))
    return out


class Bounds(Checks):
    """Each unit row's cell of one column lies within [low, top] (either may be None)."""

    blame = True
    relation = "<="

    def __init__(self, table, column: str, rows, low, top):
        self.table, self.column, self.rows, self.low, self.top = table, column, rows, low, top
        self.top_s = None if top is None else round(top * numbers.UNIT)
        self.low_s = None if low is None else round(low * numbers.UNIT)
        a = self.a = table.arrays(column)
        ok = {}
        for reading in (STRICT, LOOSE):
            lo, hi = a.bounds(reading, rows)
            good = np.ones(len(rows), bool)
            if self.top_s is not None:
                good &= lo <= self.top_s
            if self.low_s is not None:
                good &= hi >= self.low_s
            ok[reading] = good
        self.status = decide(ok[STRICT], ok[LOOSE], a.state[rows] >= BLANK)
        self.reads = [Read(table, column, rows)]

    def label(self, i):
        return self.table.label(self.rows[i])

    def cells(self, i):
        return [(self.table.name, int(self.rows[i]), self.column)]

    def explain(self, i):
        low, top = self.low, self.top
        words = (f"{low} to {top}" if low is not None and top is not None
                 else f"at most {top}" if top is not None else f"at least {low}")
        v = int(self.a.val[self.rows[i]])
        gap = max(v - self.top_s if self.top_s is not None else 0,
                  self.low_s - v if self.low_s is not None else 0)
        return Discrepancy({}, Value(words, low, top),
                           Value(self.table.text(self.rows[i], self.column)),
                           numbers.to_float(max(gap, 0)), LOOSE)

    def solve(self, i, ref, reader):
        return (Fraction(-10**30 if self.low_s is None else self.low_s),
                Fraction(10**30 if self.top_s is None else self.top_s))
