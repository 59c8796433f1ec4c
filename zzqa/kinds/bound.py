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
from ..checks import Evaluated, decide, unevaluable
from ..model import LOOSE, STRICT, Value
from ..period import BLANK

OPTIONS = {
    "required": ["table"],
    "properties": {
        "table": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "max": {"type": "number"},
        "min": {"type": "number"},
    },
}
MESSAGE = "{label}: printed {actual}, but the column allows {expected} points (off by {miss})"


def columns(params: dict) -> list:
    return [(params["table"], c) for c in params.get("columns", [])] or [(params["table"], None)]


def evaluate(rule, period) -> list:
    p = rule.params
    table = period.tables[p["table"]]
    names = p.get("columns") or [c.name for c in table.spec.columns if c.max_points is not None]
    rows = np.flatnonzero(~table.is_total.to_numpy())
    out = []
    for name in names:
        col = table.spec.column(name)
        if not table.has(name):
            out.append(unevaluable(name, f"column {name} of {table.name} is missing"))
            continue
        top = p.get("max", col.max_points)
        top_s = None if top is None else round(top * numbers.UNIT)
        low_s = None if "min" not in p else round(p["min"] * numbers.UNIT)
        a = table.arrays(name)
        ok = {}
        for reading in (STRICT, LOOSE):
            half = (a.half_strict if reading == STRICT else a.half_loose)[rows]
            lo, hi = a.val[rows] - half, a.val[rows] + half
            good = np.ones(len(rows), bool)
            if top_s is not None:
                good &= lo <= top_s
            if low_s is not None:
                good &= hi >= low_s
            ok[reading] = good
        bounds = (f"{p['min']} to {top}" if low_s is not None and top is not None
                  else f"at most {top}" if top is not None else f"at least {p['min']}")

        def miss(i, reading, a=a, top_s=top_s, low_s=low_s):
            v = int(a.val[rows[i]])
            gap = max(v - top_s if top_s is not None else 0, low_s - v if low_s is not None else 0)
            return numbers.to_float(max(gap, 0))

        out.append(Evaluated(
            status=decide(ok[STRICT], ok[LOOSE], a.state[rows] >= BLANK),
            label=lambda i: table.key().iloc[rows[i]],
            cells=lambda i, name=name: [(table.name, int(rows[i]), name)],
            expected=lambda i, r, bounds=bounds, top=top: Value(bounds, p.get("min"), top),
            actual=lambda i, r, name=name: Value(table.text(rows[i], name)),
            miss=miss, relation="<=", reads=[(table, name, rows)],
            solve=lambda i, ref, f, top_s=top_s, low_s=low_s: (
                Fraction(-10**30 if low_s is None else low_s),
                Fraction(10**30 if top_s is None else top_s)),
        ))
    return out
