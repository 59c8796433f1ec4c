"""Blank: a blank cell that leaves checks unevaluated is a gap, not a pass.

## What it checks
Every blank cell of a numeric column (neither a number nor `-` or `/`) that a check reads:
the check cannot be evaluated, so whatever the cell should hold went unchecked.  One check
per blank cell; it fails when at least one check reading the cell could not be evaluated
because of it.  Blanks that every check skips (a row whose cells are all blank, as in
appendix 8's 国有 rows, where the 产业 columns do not apply) and tables that read a blank as
0 (`blank_is_zero` in checks/tables.yaml) are not gaps.

## Why it matters
A lost value — a cell left empty while compiling the table — silently switches off every
check that reads it: the column sum, the row identity, the percentage.  A gate that passes
then has checked less than it says.

Where the checks the blank switched off pin its value — each solved for the cell with the
others as printed, their common interval leaving one printed value, or one at least 75%
likely when the other cells' roundings are spread evenly — the finding says what the cell
should hold (a deductive imputation, as R's `deductive` does for linear restrictions), as
its suggestion.

## Example
附件2 醴陵市 `done_total` (101.74) left blank: R201 and P201 for 醴陵市 and the column sum
cannot be evaluated; the blank cell is reported, naming them, with the value they imply:
101.74.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import numbers
from ..checks import FAIL, UNEVALUABLE, Discrepancy, Listed
from ..i18n import N_
from ..model import LOOSE
from ..numbers import BLANK

INF = Fraction(10**30)
# how likely a value must be for the checks to "imply" it.  Blanking each of the real
# bulletin's numbers in turn (1,280 raise V002): 750 leave one printed value, each the one
# printed; 113 more are claimed at this chance or above, 107 of them the printed value — at
# the other six the identities, the other cells as printed, point a unit away from what the
# bulletin printed (80.63, where both its row and its column give 80.64).  Of 83 between
# 50% and 75%, 51 were the printed value: too many guesses to claim.
CLAIM = 0.75
SURE = 0.99  # the most `likeliest` says of one of several values the checks allow
MANY = 400  # printed values a blank's checks may leave for `likeliest` to weigh

PREFIX = "V"
STAGE = "derived"
NEEDS = ("table",)  # the checks that could not be evaluated
OPTIONS = {"properties": {}}
MESSAGE = {
    None: N_("{label} is blank: {count} check(s) could not be evaluated ({checks})"),
    "exact": N_("{label} is blank; the checks imply {value}: {count} check(s) could not be "
                "evaluated ({checks})"),
    "implied": N_("{label} is blank; the checks imply {value} (from {low} to {high}): "
                  "{count} check(s) could not be evaluated ({checks})"),
    "likely": N_("{label} is blank; the checks imply {value} ({likely} likely; from {low} to "
                 "{high}): {count} check(s) could not be evaluated ({checks})"),
    "between": N_("{label} is blank; the checks put it between {low} and {high}: {count} "
                  "check(s) could not be evaluated ({checks})"),
}
FIELDS = ("label", "count", "checks", "value", "low", "high", "likely")


def columns(params: dict) -> list:
    return []


def check(rule, ctx) -> list:
    period = ctx.period
    # which blank cells an unevaluable check read: marked column by column, vectorised
    hit = {}
    for result in ctx.results:
        checks = result.checks
        if not checks.blame:
            continue
        bad = checks.status == UNEVALUABLE
        if not bad.any():
            continue
        for read in checks.reads:
            state = read.table.arrays(read.column).state
            mask = hit.setdefault((read.table.name, read.column), np.zeros(len(state), bool))
            if isinstance(read.rows, list):  # sums: the rows of each check
                for i in np.flatnonzero(bad).tolist():
                    rows = np.asarray(read.rows[i])
                    mask[rows[state[rows] == BLANK]] = True
            else:
                rows = np.asarray(read.rows)[bad]
                rows = rows[rows >= 0]
                mask[rows[state[rows] == BLANK]] = True
    cells = sorted((table, int(row), column) for (table, column), mask in hit.items()
                   for row in np.flatnonzero(mask)[:ctx.max_listed].tolist())
    found = sum(int(mask.sum()) for mask in hit.values())
    listed = cells[:ctx.max_listed]
    needs, pairs = _checks_of(ctx.results, set(listed))
    blanks = sum(int((a.state == BLANK).sum()) for t in period.tables.values()
                 for a in t.columns.values())
    out = Listed(max(blanks - found, 0))
    seen: dict = {}  # missing cells per check, counted once
    for ref in listed:
        table = period.tables[ref[0]]
        col = table.spec.column(ref[2])
        names = list(dict.fromkeys(needs.get(ref, [])))
        shown = "; ".join(names[:5]) + (f"; and {len(names) - 5} more" if len(names) > 5 else "")
        value, low, high, nonzero, likely = implied(ref, pairs.get(ref, []), period, seen)
        variant = ("exact" if value and low == high else "likely" if value and likely
                   else "implied" if value
                   else "between" if low is not None else None)
        # a lost value is a warning when the checks say it was not 0; when they allow 0
        # or say nothing, the gap is an info (nothing suggests a figure went missing)
        out.add(FAIL, f"{table.label(ref[1])} › {col.title if col else ref[2]}", (ref,),
                Discrepancy({"count": str(len(names)), "checks": shown, "value": value or "",
                             "low": low or "", "high": high or "", "likely": likely or ""},
                            suggestion=value, variant=variant,
                            severity=None if nonzero else "info"), ref[0])
    out.add_bare(FAIL, found - len(listed))  # beyond the listing: counted only
    return [out]


def _checks_of(results, cells: set) -> tuple[dict, dict]:
    """The unevaluable checks reading each of a few cells: named, and as (checks, i).
    Looked up through what each check reads, column by column (a column sum reads a
    hundred thousand cells: its cells are never listed one by one)."""
    out: dict = {}
    pairs: dict = {}
    if not cells:
        return out, pairs
    wanted: dict = {}
    for table, row, column in cells:
        wanted.setdefault((table, column), set()).add(row)
    wanted_rows = {k: np.fromiter(v, dtype=np.int64) for k, v in wanted.items()}
    for result in results:
        checks = result.checks
        if not checks.blame:
            continue
        for i in np.flatnonzero(checks.status == UNEVALUABLE).tolist():
            for read in checks.reads:
                pick = wanted_rows.get((read.table.name, read.column))
                if pick is None:
                    continue
                rows = np.atleast_1d(np.asarray(read.rows[i]))  # a cell, or a sum's rows
                for row in rows[np.isin(rows, pick)].tolist():
                    ref = (read.table.name, int(row), read.column)
                    out.setdefault(ref, []).append(f"{result.rule.id} {checks.label(i)}")
                    pairs.setdefault(ref, []).append((checks, i))
    return out, pairs


def _missing(checks, i: int, seen: dict) -> int:
    """How many cells check i reads that hold no value (blank or not a number)."""
    key = (id(checks), i)
    if key not in seen:
        n = 0
        for read in checks.reads:
            state = read.table.arrays(read.column).state
            rows = np.atleast_1d(np.asarray(read.rows[i]))  # a cell, or a sum's rows
            rows = rows[rows >= 0]
            n += int((state[rows] >= BLANK).sum())
        seen[key] = n
    return seen[key]


def interval(ref, pairs: list, period, seen: dict | None = None, spread: list | None = None):
    """What the checks the blank left unevaluated say of it: each whose other cells all
    hold a value solved for the cell (the others read as printed; a systematic bound
    relaxed to what its column prints, as blame reads it: zzqa/locate.py), their common
    interval met with the column's domain (scaled Fractions); None where they say nothing
    or contradict each other.  With `spread`, each linear check's (centre, variance) of the
    value it implies is added to it (`_variance`)."""
    from ..checks import Linear, Reader
    from ..locate import Relaxed, _is_systematic
    lo, hi, used = -INF, INF, 0
    reader = Reader(period)
    for checks, i in pairs:
        if _missing(checks, i, {} if seen is None else seen) != 1:
            continue  # another value is missing too: this check pins neither
        systematic = _is_systematic(checks)
        if systematic:  # the rule or a header is wrong, as blame reads it:
            if len({(r.table.name, r.column) for r in checks.reads}) != 1:
                continue  # says nothing of one cell
            checks = Relaxed(checks)  # a bound up to what the column prints (65 > "60分")
        need = checks.solve(i, ref, reader)
        if need is None:
            continue
        lo, hi, used = max(lo, need[0]), min(hi, need[1]), used + 1
        if (spread is not None and not systematic and isinstance(checks, Linear)
                and checks.relation == "=" and abs(need[0]) < INF and abs(need[1]) < INF):
            spread.append(((need[0] + need[1]) / 2, _variance(checks, i, ref, reader)))
    col = period.tables[ref[0]].spec.column(ref[2])
    if used and col.minimum is not None:  # a count, an amount is never negative
        lo = max(lo, Fraction(col.minimum * numbers.UNIT))
    if not used or lo > hi or abs(lo) >= INF or abs(hi) >= INF:
        return None
    return lo, hi


def _variance(checks, i: int, ref, reader) -> Fraction:
    """How far the value an identity implies for the cell may stray from its centre: each
    other cell's true value lies anywhere in its printed interval (a uniform spread of
    variance width²/12), and the cell is their sum scaled by its own coefficient."""
    owner = next(c for op, c in checks.terms if op.reads(i, ref))
    total = 0
    for op, c in checks.terms:
        rows = np.atleast_1d(np.asarray(op.rows[i]))
        rows = rows[rows >= 0]
        if op.table.name == ref[0] and op.column == ref[2]:
            rows = rows[rows != ref[1]]
        if not len(rows):
            continue
        a = op.table.arrays(op.column)
        low, high = a.bounds(LOOSE, rows)
        width = (high - low)[a.state[rows] == numbers.NUMBER].astype(object)
        total += c * c * int((width * width).sum())
    return Fraction(total, 12 * owner * owner)


def likeliest(lo: Fraction, hi: Fraction, spread: list, step: int, exact: bool = False
              ) -> tuple[Fraction, float] | None:
    """The printed value (a multiple of `step`) the cell most likely held, and how likely:
    the identities' implied values (each a centre and a variance: the spread of a sum of
    the other cells' roundings, taken as normal) combined, within [lo, hi] where every
    check holds, and the chance of each printed value's rounding interval (`exact`, a
    column of whole numbers: of each whole number in [lo, hi], by its density).  Without an
    identity every value of [lo, hi] is as likely.  None when [lo, hi] is empty or holds no
    whole number of an exact column, or when more than MANY printed values lie within eight
    standard deviations (none of them is then 2% likely: a blank under "≤ 100000.00")."""
    if hi < lo:
        return None
    if exact:
        lo, hi = -((-lo) // step) * step, (hi // step) * step  # the whole numbers inside
        if hi < lo:
            return None
    if hi == lo:  # a ratio of counts, a rank: one value
        return _rounded(lo, step)
    zero = [m for m, v in spread if v == 0]
    if zero:  # a sum of counts: the one value it gives
        m = zero[0]
        return _rounded(m, step) if lo <= m <= hi else None
    a, b = lo, hi
    mean = sd = None
    if spread:
        weight = sum(1 / v for _, v in spread)
        mean = sum(m / v for m, v in spread) / weight
        sd = math.sqrt(float(1 / weight))
        a, b = max(lo, mean - Fraction(8 * sd)), min(hi, mean + Fraction(8 * sd))
        if a > b:
            return None

    def mass(x: Fraction, y: Fraction) -> float:
        """The chance of [x, y] (exact: the density at x)."""
        if mean is None:
            return 1.0 if exact else float(y - x)
        if exact:
            return math.exp(-0.5 * ((float(x) - float(mean)) / sd) ** 2)
        return _phi((float(y) - float(mean)) / sd) - _phi((float(x) - float(mean)) / sd)
    first = -((-a) // step) * step if exact else round(a / step) * step
    if (b - first) / step > MANY:
        return None
    half = 0 if exact else Fraction(step, 2)
    shares = []
    value = first
    while value - half <= b:
        shares.append((value, mass(max(lo, value - half), min(hi, value + half))))
        value += step
    whole = sum(p for _, p in shares)
    if whole <= 0:
        return None
    value, p = max(shares, key=lambda vp: vp[1])
    # values beyond eight standard deviations weigh nothing here, but they are allowed
    return value, min(p / whole, SURE) if len(shares) > 1 or a > lo or b < hi else p / whole


def _rounded(x: Fraction, step: int) -> tuple[Fraction, float]:
    """The printed value (a multiple of `step`) a point rounds to, half up, and how likely:
    a point on the boundary between two printed values (1/16 = 6.25% at one decimal) is
    either, half and half."""
    value = ((x + Fraction(step, 2)) // step) * step
    return value, 0.5 if value - x == Fraction(step, 2) else 1.0


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def implied(ref, pairs: list, period, seen: dict | None = None
            ) -> tuple[str | None, str | None, str | None, bool]:
    """What the checks say of a blank cell (`interval`), as printed: the interval's ends,
    rounded outwards, and the value printed at the column's decimals that the checks imply
    (a deductive imputation: the ends say how closely) — the one printed value whose
    rounding reaches into the interval, or the likeliest when it is CLAIM likely
    (`likeliest`), else the ends alone.  (value, low, high, not zero, likely); None where the
    checks say nothing or contradict each other, and no value where the column prints
    none; `not zero` when the checks leave no room for 0; and how likely a value claimed
    from `likeliest` is ("79%"; None for the one value the checks leave)."""
    spread: list = []
    found = interval(ref, pairs, period, seen, spread)
    if found is None:
        return None, None, None, False, None
    lo, hi = found
    table = period.tables[ref[0]]
    col = table.spec.column(ref[2])
    a = table.arrays(ref[2])
    numbers_at = np.flatnonzero(a.state == numbers.NUMBER)
    pct = "%" if col.kind == "percent" and any(
        table.text(r, ref[2]).endswith("%") for r in numbers_at[:1].tolist()) else ""
    usual = 0 if col.exact else table.convention.get(ref[2], 0)
    places = min(usual + 2, numbers.SCALE - 1)  # the ends, rounded outwards
    q = 10 ** (numbers.SCALE - places)
    low = numbers.fmt(int((lo // q) * q), places).rstrip("0").rstrip(".") + pct
    high = numbers.fmt(int(-((-hi) // q) * q), places).rstrip("0").rstrip(".") + pct
    step = 10 ** (numbers.SCALE - usual)
    value = likely = None
    half = Fraction(step, 2)
    # the printed values whose rounding interval reaches into [lo, hi] (not just touches it)
    first = -((-(lo - half)) // step) * step
    first += step if first + half == lo and hi > lo else 0
    last = ((hi + half) // step) * step
    last -= step if last - half == hi and hi > lo else 0
    if col.exact:  # whole numbers: no rounding, only those inside the interval
        first, last = -((-lo) // step) * step, (hi // step) * step
    if len(numbers_at) and first == last:  # one printed value holds all the checks allow
        value = numbers.fmt(int(first), usual)
    elif len(numbers_at) and first < last:
        # else the likeliest printed value, when it is CLAIM likely: the identities'
        # implied values combined, each other cell anywhere in its rounding — 101.74's row
        # of two 2-decimal parts gives it three quarters of the chance, and the column sum
        # agreeing 79%; 57.12's row, column and 1-9 月 合计 leave 57.13 64%: no claim
        found = likeliest(lo, hi, spread, step, col.exact)
        if found is not None and found[1] >= CLAIM:
            value = numbers.fmt(int(found[0]), usual)
            likely = f"{int(found[1] * 100)}%"  # rounded down: never more sure than it is
    return (value + pct if value else None), low, high, lo > 0 or hi < 0, likely
