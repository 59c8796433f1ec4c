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

import math
from fractions import Fraction

import numpy as np

from .. import numbers
from ..checks import UNBOUNDED, Checks, Discrepancy, Read, absent_columns, decide, unevaluable
from ..i18n import N_
from ..model import LOOSE, STRICT, Value
from ..numbers import NUMBER

PREFIX = "K"
STAGE = "table"
OPTIONS = {
    "required": ["table", "rank", "score"],
    "properties": {
        "table": {"type": "string"},
        "rank": {"type": "string"},
        "score": {"type": "string"},
        "order": {"enum": ["descending", "ascending"]},
    },
}
MESSAGE = N_("{label}: score {score} allows rank {expected}, printed rank {actual}")

FIELDS = ("label", "expected", "actual", "miss", "score")


def columns(params: dict) -> list:
    return [(params["table"], params["rank"]), (params["table"], params["score"])]


def check(rule, ctx) -> list:
    p = rule.params
    table = ctx.period.tables[p["table"]]
    if missing := absent_columns(table, [p["rank"], p["score"]]):
        return [unevaluable(p["rank"], f"column {missing[0]} of {table.name} is missing")]
    return [Ranks(table, p["rank"], p["score"], -1 if p.get("order") == "ascending" else 1)]


class Ranks(Checks):
    """Each unit row's printed rank against the order of every unit's score."""

    blame = True
    coupled = True

    def __init__(self, table, rank_col: str, score_col: str, sign: int):
        self.table, self.rank_col, self.score_col, self.sign = table, rank_col, score_col, sign
        self.rows = rows = np.flatnonzero(~table.is_total.to_numpy())
        sa, ra = table.arrays(score_col), table.arrays(rank_col)
        # a score that is not a number ("-", "/", blank) is unknown: it may be above anyone
        self.scored = scored = sa.state[rows] == NUMBER
        self.missing = ~scored | (ra.state[rows] != NUMBER)
        self.rank = rank = ra.val[rows] // numbers.UNIT
        self.span, ok = {}, {}
        for reading in (STRICT, LOOSE):
            half = sa.half(reading, rows)
            lo, hi = sign * sa.val[rows] - half, sign * sa.val[rows] + half
            known = np.sort(lo[scored])
            above = len(known) - np.searchsorted(known, hi, side="right")  # certainly above
            highs = np.sort(hi[scored])
            at_or_above = (len(highs) - np.searchsorted(highs, lo, side="left") - 1  # not itself
                           + int((~scored).sum()))
            self.span[reading] = (1 + above, 1 + at_or_above)
            ok[reading] = (self.span[reading][0] <= rank) & (rank <= self.span[reading][1])
        self.status = decide(ok[STRICT], ok[LOOSE], self.missing)
        self.reads = [Read(table, rank_col, rows), Read(table, score_col, rows)]

    def label(self, i):
        return self.table.label(self.rows[i])

    def cells(self, i):
        return [(self.table.name, int(self.rows[i]), c) for c in (self.rank_col, self.score_col)]

    def explain(self, i):
        a, b = (int(x[i]) for x in self.span[LOOSE])
        r = int(self.rank[i])
        return Discrepancy({"score": self.table.text(self.rows[i], self.score_col)},
                           Value(str(a) if a == b else f"{a}–{b}", a, b),
                           Value(self.table.text(self.rows[i], self.rank_col), r, r),
                           float(max(a - r, r - b, 0)), LOOSE)

    def _others(self, i: int, reader):
        """The other scored units' scores as `reader` reads them, signed so that larger ranks
        higher: (lows, highs) of those read as printed, as int64 arrays, and the few
        intervals `reader` gives otherwise (its overrides and, in a strict reading, its
        loose cells) as pairs.  Vectorised: a rank is solved against every unit's score."""
        name, col, sa = self.table.name, self.score_col, self.table.arrays(self.score_col)
        lo, hi = sa.bounds(LOOSE if reader.loose is None else STRICT, self.rows)
        if self.sign < 0:
            lo, hi = -hi, -lo
        special = {}
        cells = [*(reader.loose or ()), *reader.override]
        for ref in cells:  # a few cells: the ones a locate or precision question changes
            if ref[0] == name and ref[2] == col:
                k = int(np.searchsorted(self.rows, ref[1]))
                if k < len(self.rows) and self.rows[k] == ref[1] and self.scored[k]:
                    special[k] = reader(ref)
        keep = self.scored.copy()
        keep[i] = False
        keep[list(special)] = False
        extras = [tuple(sorted((self.sign * iv[0], self.sign * iv[1])))
                  for k, iv in special.items() if k != i and iv]
        return lo[keep], hi[keep], extras

    def solve(self, i, ref, reader):
        """The rank the scores allow, or the score range the printed rank allows (the other
        units' scores read as `reader` says)."""
        if ref[2] == self.rank_col:
            a, b = (int(x[i]) * numbers.UNIT for x in self.span[LOOSE])
            return Fraction(a), Fraction(b)
        if self.missing[i]:
            return None
        lows, highs, extras = self._others(i, reader)
        lows.sort()
        highs.sort()
        r = int(self.rank[i])
        unknown = int((~self.scored).sum()) - (0 if self.scored[i] else 1)
        if r < 1:
            return None  # no score puts a unit at rank 0 or below
        # 1 + #(lows above s) <= r  and  r <= 1 + #(highs at or above s) + unknown
        low = _kth_largest(lows, [a for a, _ in extras], r - 1)
        lo = -UNBOUNDED if low is None else Fraction(low)
        need = r - 1 - unknown
        high = _kth_largest(highs, [b for _, b in extras], need - 1) if need > 0 else None
        hi = Fraction(high) if high is not None else (UNBOUNDED if need <= 0 else -UNBOUNDED)
        return (lo, hi) if self.sign > 0 else (-hi, -lo)

    def holds(self, i, reader):
        """Check i with every score read as `reader` says."""
        if self.missing[i]:
            return True
        own = reader((self.table.name, int(self.rows[i]), self.score_col))
        lo, hi = sorted((self.sign * own[0], self.sign * own[1]))
        lows, highs, extras = self._others(i, reader)
        # the scores are whole (scaled) numbers: x > hi is x > floor(hi), x >= lo is x >= ceil(lo)
        above = int((lows > _whole(math.floor(hi))).sum()) + sum(1 for a, _ in extras if a > hi)
        at_or_above = (int((highs >= _whole(math.ceil(lo))).sum())
                       + sum(1 for _, b in extras if b >= lo) + int((~self.scored).sum()))
        return 1 + above <= int(self.rank[i]) <= 1 + at_or_above


def _whole(x: int) -> int:
    """An integer bound as numpy's int64 can compare it (scores are below 10**15)."""
    return min(max(x, -2**62), 2**62)


def _kth_largest(ascending: np.ndarray, extras: list, k: int):
    """The k-th largest (0-based) of the sorted int64 array and a few extra values; None
    when there are not that many."""
    for t, e in enumerate(sorted(extras, reverse=True)):
        at = len(ascending) - int(np.searchsorted(ascending, _whole(math.floor(e)),
                                                  side="right")) + t  # e's place
        if k < at:
            return int(ascending[len(ascending) - 1 - (k - t)])
        if k == at:
            return e
    j = k - len(extras)
    return int(ascending[len(ascending) - 1 - j]) if 0 <= j < len(ascending) else None
