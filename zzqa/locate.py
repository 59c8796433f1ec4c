"""Which cell to blame: single-cell explanations of the failed checks.

For every cell that takes part in a failed check, zzqa asks: is there one value for this
cell alone that makes *every* check reading it hold — the failed ones and the passing ones?
Each check is solved for the cell (the others read as printed), the intervals are
intersected; a non-empty intersection means the cell explains all the failed checks it is
in.  Suspects are then chosen greedily, most failures explained first, until every failure
is explained or no single cell explains what is left (said as such).  This is the greedy
approximation of the Fellegi–Holt minimum-change problem: exact when errors touch disjoint
checks, as typing errors usually do.  Cells that explain the same failures equally well are
reported together as a tie, never broken at random.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from fractions import Fraction

import numpy as np

from . import numbers
from .checks import FAIL, NOT_PRINTED, UNEVALUABLE, Evaluated
from .model import LOOSE, Suspect
from .period import Period

INF = Fraction(10**30)


def _involving(checked: list, ref) -> list[tuple]:
    """Every evaluated check (rule id, ev, i) that reads the cell `ref`."""
    table, row, column = ref
    out = []
    for rule_id, ev in checked:
        live = (ev.status != UNEVALUABLE) & (ev.status != NOT_PRINTED)
        for t, col, rows in ev.reads:
            if t.name != table or col != column:
                continue
            if isinstance(rows, list):
                hits = [i for i, r in enumerate(rows) if live[i] and row in r]
            else:
                hits = np.flatnonzero((np.asarray(rows) == row) & live).tolist()
            out += [(rule_id, ev, i) for i in hits]
    unique = {(r, id(e), i): (r, e, i) for r, e, i in out}  # a cell read twice by one check
    return list(unique.values())


def _loose(period: Period, override: dict | None = None):
    override = override or {}
    return lambda r: override.get(r) or period.tables[r[0]].interval(r[1], r[2], LOOSE)


def _printable(period: Period, ref, lo, hi) -> bool:
    """Some value printed at the cell's column convention (exact for counts) meets [lo, hi]."""
    table = period.tables[ref[0]]
    half = int(table.columns[ref[2]].half_strict[ref[1]])
    step = 10 ** (numbers.SCALE - table.convention.get(ref[2], 0))
    if table.spec.column(ref[2]).exact:
        step = numbers.UNIT
    first = -((-(lo - half)) // step) * step
    return first <= hi + half


def _need(checked: list, ref, period: Period, override: dict | None = None):
    """Interval the cell must lie in for every check reading it, and the failed ones among
    them (None when a failed check cannot be solved for the cell)."""
    lo, hi, failed = -INF, INF, []
    for rule_id, ev, i in _involving(checked, ref):
        need = ev.solve(i, ref, _loose(period, override))
        if ev.status[i] == FAIL:
            if need is None:
                return None
            failed.append((rule_id, id(ev), i))
        if need is not None:
            lo, hi = max(lo, need[0]), min(hi, need[1])
    return failed, (lo, hi)


def name(rule_id: str, ev: Evaluated, i: int) -> str:
    formula = ev.fields(i).get("formula")
    return f"{rule_id} {ev.label(i)}" + (f": {formula}" if formula else "")


def _explains(checked: list, ref, period: Period):
    """(failed checks explained, interval the cell must lie in) or None."""
    found = _need(checked, ref, period)
    if found is None:
        return None
    failed, (lo, hi) = found
    if lo > hi or not failed or not _printable(period, ref, lo, hi):
        return None
    return failed, (lo, hi)


def _swaps(checked: list, refs: list, period: Period) -> list[tuple]:
    """Pairs of cells of one column whose exchange makes every check reading them hold."""
    by_column = defaultdict(list)
    for ref in refs:
        by_column[(ref[0], ref[2])].append(ref)
    out = []
    for cells in by_column.values():
        for k, a in enumerate(cells[:50]):
            for b in cells[k + 1:50]:
                ia = period.tables[a[0]].interval(a[1], a[2], LOOSE)
                ib = period.tables[b[0]].interval(b[1], b[2], LOOSE)
                if ia is None or ib is None or ia == ib:
                    continue
                na = _need(checked, a, period, {b: ia})
                nb = _need(checked, b, period, {a: ib})
                if na and nb and na[0] and nb[0] and _meets(na[1], ib) and _meets(nb[1], ia):
                    out.append((a, b, na[0] + nb[0]))
    return out


def _meets(need, own) -> bool:
    return need[0] <= own[1] and own[0] <= need[1]


def suspects(checked: list[tuple[str, Evaluated]], period: Period) -> tuple[list, int]:
    """Suspects, most failures explained first, and the number of failures none explains."""
    failing, names = {}, {}
    for rule_id, ev in checked:
        for i in np.flatnonzero(ev.status == FAIL):
            failing[(rule_id, id(ev), int(i))] = ev.cells(i)
            names[(rule_id, id(ev), int(i))] = name(rule_id, ev, int(i))
    if not failing:
        return [], 0
    candidates = {}
    for refs in failing.values():
        for ref in refs:
            if ref not in candidates:
                candidates[ref] = _explains(checked, ref, period)
    left, out = set(failing), []
    while left:
        scored = defaultdict(list)
        for ref, found in candidates.items():
            if found:
                covered = frozenset(found[0]) & left
                if covered:
                    scored[covered].append((ref, found[1]))
        if not scored:
            break
        best = max(scored, key=len)
        group = scored[best]
        explains = sorted(names[k] for k in best)
        for ref, interval in group:
            out.append(_suspect(ref, interval, explains, period, tie=len(group) > 1))
        left -= best
    if left:
        refs = list(dict.fromkeys(r for k in left for r in failing[k]))
        swaps = [(a, b, set(f) & left) for a, b, f in _swaps(checked, refs, period)]
        for a, b, covered in sorted(swaps, key=lambda s: -len(s[2])):
            if covered and covered <= left:
                explains = sorted(names[k] for k in covered)
                for x, y in ((a, b), (b, a)):
                    table = period.tables[x[0]]
                    out.append(Suspect(period.cell(x), table.text(x[1], x[2]),
                                       period.tables[y[0]].text(y[1], y[2]), tuple(explains),
                                       "two rows swapped", "high"))
                left -= covered
    return out, len(left)


def _suspect(ref, interval, explains, period: Period, tie: bool) -> Suspect:
    table = period.tables[ref[0]]
    printed = table.text(ref[1], ref[2])
    conv = table.convention.get(ref[2], 0)
    suggested = _suggest(printed, interval, conv, table.columns[ref[2]].half_strict[ref[1]])
    cell = period.cell(ref)
    return Suspect(cell, printed, suggested, tuple(explains), pattern(printed, suggested),
                   "tie" if tie else ("high" if len(explains) > 1 else "medium"))


def _suggest(printed: str, interval, conv: int, half: int) -> str | None:
    """The value the cell should hold: a typing-error variant of the printed text that the
    checks allow (strongest evidence); else, when the checks pin the value (an interval no
    wider than two units of the last place), its centre; else the range they allow."""
    lo, hi = interval
    step = 10 ** (numbers.SCALE - conv)
    fits = [v for v in _variants(printed) if lo - half <= v <= hi + half]
    if fits:  # printed as the cell was, at its own decimals and with its % sign
        centre = (max(lo, -INF / 2) + min(hi, INF / 2)) / 2
        own = numbers.parse(printed.rstrip("%"))
        text = numbers.fmt(min(fits, key=lambda v: abs(v - centre)), max(conv, own.decimals))
        return text + ("%" if printed.endswith("%") else "")
    if abs(lo) < INF and abs(hi) < INF and hi - lo <= 2 * step:
        return numbers.fmt(round((lo + hi) / 2 / step) * step, conv)
    first = -((-(lo - half)) // step) * step  # printed values whose interval meets [lo, hi]
    last = ((hi + half) // step) * step
    if abs(lo) >= INF:
        return f"≤ {numbers.fmt(int(last), conv)}"
    if abs(hi) >= INF:
        return f"≥ {numbers.fmt(int(first), conv)}"
    return f"{numbers.fmt(int(first), conv)}…{numbers.fmt(int(last), conv)}"


def _variants(printed: str) -> list[int]:
    """Scaled values the printed text could have been before a typing error: two adjacent
    digits swapped, the decimal point shifted, a 万 (10**4) scale slip."""
    text = printed.rstrip("%")
    own = numbers.parse(text)
    if own is None:
        return []
    out = []
    chars = list(text)
    digits = [k for k, c in enumerate(chars) if c.isdigit()]
    for a, b in itertools.pairwise(digits):
        swapped = chars.copy()
        swapped[a], swapped[b] = swapped[b], swapped[a]
        p = numbers.parse("".join(swapped))
        if p and p.scaled != own.scaled:
            out.append(p.scaled)
    for k in (1, 2, 3, 4):
        out += [own.scaled * 10**k, own.scaled // 10**k]
    return out


def pattern(printed: str, suggested: str | None) -> str | None:
    """Name the typing error that turns `suggested` into `printed`, if it looks like one."""
    if not suggested or suggested[0] in "≥≤" or "…" in suggested:
        return None
    a, b = printed.rstrip("%"), suggested.rstrip("%")
    da, db = a.replace(".", ""), b.replace(".", "")
    if da != db and sorted(da) == sorted(db) and len(da) == len(db):
        diff = [k for k in range(len(da)) if da[k] != db[k]]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            return "transposed digits"
    if len(da) == len(db) - 1 and any(db[:k] + db[k + 1:] == da for k in range(len(db))):
        return "dropped digit"
    if len(da) == len(db) + 1 and any(da[:k] + da[k + 1:] == db for k in range(len(da))):
        return "extra digit"
    pa, pb = numbers.parse(a), numbers.parse(b)
    if pa and pb and pa.value and pb.value:
        ratio = pa.value / pb.value
        for k in (1, 2, 3, 4):
            if ratio in (10**k, Fraction(1, 10**k)):
                return "unit scale (万)" if k == 4 else "shifted decimal point"
        step = Fraction(1, 10**pa.decimals)
        if pb.value > pa.value and pb.value - pa.value < step:
            return "truncated instead of rounded"
    return None
