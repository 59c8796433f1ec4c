"""Rank: a rank column agrees with the order of its score.

## What it checks
On the unit rows, a printed rank r is possible for a score s when
1 + (units certainly above s) ≤ r ≤ 1 + (units possibly at or above s), with every score
read as its rounding interval; tied scores may take either rank, and a unit whose score is
not printed may be anywhere.  Ranks are exact.

## Why it matters
Rankings are what the bulletin's readers remember; a rank that contradicts the scores
misstates who came first or last.

## Example
Appendix 1: 荷塘区 875.35 is the highest of ten total scores, so it must rank 1 — it does.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import numbers
from ..checks import UNBOUNDED, Evaluated, absent_columns, decide, unevaluable
from ..model import LOOSE, STRICT, Value
from ..period import NUMBER

OPTIONS = {
    "required": ["table", "rank", "score"],
    "properties": {
        "table": {"type": "string"},
        "rank": {"type": "string"},
        "score": {"type": "string"},
        "order": {"enum": ["descending", "ascending"]},
    },
}
MESSAGE = "{label}: score {score} allows rank {expected}, printed rank {actual}"


def columns(params: dict) -> list:
    return [(params["table"], params["rank"]), (params["table"], params["score"])]


def evaluate(rule, period) -> list:
    p = rule.params
    table = period.tables[p["table"]]
    if missing := absent_columns(table, [p["rank"], p["score"]]):
        return [unevaluable(p["rank"], f"column {missing[0]} of {table.name} is missing")]
    rows = np.flatnonzero(~table.is_total.to_numpy())
    sa, ra = table.arrays(p["score"]), table.arrays(p["rank"])
    sign = -1 if p.get("order") == "ascending" else 1
    # a score that is not a number ("-", "/", blank) is unknown: it may be above anyone
    scored = sa.state[rows] == NUMBER
    missing = ~scored | (ra.state[rows] != NUMBER)
    rank = ra.val[rows] // numbers.UNIT
    span, ok = {}, {}
    for reading in (STRICT, LOOSE):
        half = (sa.half_strict if reading == STRICT else sa.half_loose)[rows]
        lo, hi = sign * sa.val[rows] - half, sign * sa.val[rows] + half
        known = np.sort(lo[scored])
        above = len(known) - np.searchsorted(known, hi, side="right")  # certainly above
        highs = np.sort(hi[scored])
        at_or_above = (len(highs) - np.searchsorted(highs, lo, side="left") - 1  # minus itself
                       + int((~scored).sum()))
        span[reading] = (1 + above, 1 + at_or_above)
        ok[reading] = (span[reading][0] <= rank) & (rank <= span[reading][1])

    def solve(i, ref, interval_of):
        """The rank the scores allow, or the score range the printed rank allows (the other
        units' scores read as `interval_of` says)."""
        if ref[2] == p["rank"]:
            a, b = (int(x[i]) * numbers.UNIT for x in span[LOOSE])
            return Fraction(a), Fraction(b)
        if missing[i]:
            return None
        others = [interval_of((table.name, int(r), p["score"])) for k, r in enumerate(rows)
                  if k != i and scored[k]]
        signed = [sorted((sign * iv[0], sign * iv[1])) for iv in others if iv]
        lows = sorted((a for a, _ in signed), reverse=True)
        highs = sorted((b for _, b in signed), reverse=True)
        r, unknown = int(rank[i]), int((~scored).sum()) - (0 if scored[i] else 1)
        if r < 1:
            return None  # no score puts a unit at rank 0 or below
        # 1 + #(lows above s) <= r  and  r <= 1 + #(highs at or above s) + unknown
        lo = Fraction(lows[r - 1]) if r - 1 < len(lows) else -UNBOUNDED
        need = r - 1 - unknown
        hi = Fraction(highs[need - 1]) if 0 < need <= len(highs) else (
            UNBOUNDED if need <= 0 else -UNBOUNDED)
        lo, hi = (lo, hi) if sign > 0 else (-hi, -lo)
        return lo, hi

    def holds(i, interval_of):
        """Check i with every score read as `interval_of` says (loosely otherwise)."""
        if missing[i]:
            return True
        ivs = [interval_of((table.name, int(r), p["score"])) if scored[k] else None
               for k, r in enumerate(rows)]
        lo, hi = sorted((sign * ivs[i][0], sign * ivs[i][1]))
        signed = [sorted((sign * iv[0], sign * iv[1])) for k, iv in enumerate(ivs)
                  if iv is not None and k != i]
        above = sum(1 for a, _ in signed if a > hi)
        at_or_above = sum(1 for _, b in signed if b >= lo) + int((~scored).sum())
        return 1 + above <= int(rank[i]) <= 1 + at_or_above

    def expected(i, reading):
        a, b = (int(x[i]) for x in span[reading])
        return Value(str(a) if a == b else f"{a}–{b}", a, b)

    return [Evaluated(
        status=decide(ok[STRICT], ok[LOOSE], missing),
        label=lambda i: table.key().iloc[rows[i]],
        cells=lambda i: [(table.name, int(rows[i]), c) for c in (p["rank"], p["score"])],
        expected=expected,
        actual=lambda i, reading: Value(table.text(rows[i], p["rank"]), int(rank[i]), int(rank[i])),
        miss=lambda i, r: float(max(span[r][0][i] - rank[i], rank[i] - span[r][1][i], 0)),
        fields=lambda i: {"score": table.text(rows[i], p["score"])},
        reads=[(table, p["rank"], rows), (table, p["score"], rows)],
        solve=solve, coupled=True, holds=holds,
    )]
