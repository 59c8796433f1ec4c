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
others as printed, their common interval no wider than two units of the column's last
place — the finding says what the cell should hold (a deductive imputation, as R's
`deductive` does for linear restrictions), as its suggestion.

## Example
附件2 醴陵市 `done_total` (101.74) left blank: R201 and P201 for 醴陵市 and the column sum
cannot be evaluated; the blank cell is reported, naming them, with the value they imply:
101.74.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import numbers
from ..checks import FAIL, UNEVALUABLE, Discrepancy, Listed
from ..i18n import N_
from ..numbers import BLANK
from ..precision import suggest

INF = Fraction(10**30)

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
    "between": N_("{label} is blank; the checks put it between {low} and {high}: {count} "
                  "check(s) could not be evaluated ({checks})"),
}
FIELDS = ("label", "count", "checks", "value", "low", "high")


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
        value, low, high, nonzero = implied(ref, pairs.get(ref, []), period, seen)
        variant = ("exact" if value and low == high else "implied" if value
                   else "between" if low is not None else None)
        # a lost value is a warning when the checks say it was not 0; when they allow 0
        # or say nothing, the gap is an info (nothing suggests a figure went missing)
        out.add(FAIL, f"{table.label(ref[1])} › {col.title if col else ref[2]}", (ref,),
                Discrepancy({"count": str(len(names)), "checks": shown, "value": value or "",
                             "low": low or "", "high": high or ""},
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


def interval(ref, pairs: list, period, seen: dict | None = None):
    """What the checks the blank left unevaluated say of it: each whose other cells all
    hold a value solved for the cell (the others read as printed; a systematic bound
    relaxed to what its column prints, as blame reads it: zzqa/locate.py), their common
    interval met with the column's domain (scaled Fractions); None where they say nothing
    or contradict each other."""
    from ..checks import Reader
    from ..locate import Relaxed, _is_systematic
    lo, hi, used = -INF, INF, 0
    for checks, i in pairs:
        if _missing(checks, i, {} if seen is None else seen) != 1:
            continue  # another value is missing too: this check pins neither
        if _is_systematic(checks):  # the rule or a header is wrong, as blame reads it:
            if len({(r.table.name, r.column) for r in checks.reads}) != 1:
                continue  # says nothing of one cell
            checks = Relaxed(checks)  # a bound up to what the column prints (65 > "60分")
        need = checks.solve(i, ref, Reader(period))
        if need is None:
            continue
        lo, hi, used = max(lo, need[0]), min(hi, need[1]), used + 1
    col = period.tables[ref[0]].spec.column(ref[2])
    if used and col.minimum is not None:  # a count, an amount is never negative
        lo = max(lo, Fraction(col.minimum * numbers.UNIT))
    if not used or lo > hi or abs(lo) >= INF or abs(hi) >= INF:
        return None
    return lo, hi


def implied(ref, pairs: list, period, seen: dict | None = None
            ) -> tuple[str | None, str | None, str | None, bool]:
    """What the checks say of a blank cell (`interval`), as printed: the interval's ends,
    rounded outwards, and when it is no wider than two units of the column's last place,
    the value printed at the column's decimals nearest its centre (a deductive imputation:
    the checks imply it, and the ends say how closely) — when its centre is within a
    quarter unit of that value, else the ends alone.  (value, low, high, not zero); None
    where the checks say nothing or contradict each other, and no value where the column
    prints none; `not zero` when the checks leave no room for 0."""
    found = interval(ref, pairs, period, seen)
    if found is None:
        return None, None, None, False
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
    value = None
    half = Fraction(step, 2)
    # the printed values whose rounding interval reaches into [lo, hi] (not just touches it)
    first = -((-(lo - half)) // step) * step
    first += step if first + half == lo and hi > lo else 0
    last = ((hi + half) // step) * step
    last -= step if last - half == hi and hi > lo else 0
    if len(numbers_at) and first == last:  # one printed value holds all the checks allow
        value = numbers.fmt(int(first), usual)
    elif len(numbers_at) and hi - lo <= 2 * step:
        # else one value only when the centre of what the checks allow clearly rounds to
        # it (within a quarter unit): [4.0072, 4.022] leaves 4.01 and 4.02 alike
        centre = (lo + hi) / 2
        nearest = round(centre / step) * step
        if 4 * abs(centre - nearest) <= step:
            value = suggest(lo, hi, usual)
    return (value + pct if value else None), low, high, lo > 0 or hi < 0
