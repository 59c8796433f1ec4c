"""Checks that hold only within rounding: which under-printed cell carries them, and the
value that would make them exact (docs/rounding.md).  The engine stamps these findings with
the catalog's precision rule (D001)."""

from __future__ import annotations

from fractions import Fraction

from . import numbers
from .checks import Evaluated
from .model import LOOSE, STRICT, Finding, Value
from .period import Period


def blame(ev: Evaluated, i: int, refs, period: Period) -> list:
    """The under-printed cells a check that holds only within rounding depends on.

    A cell is blamed when reading it alone loosely (every other cell strictly) makes the
    check hold; if no single cell does, every under-printed cell of the check is blamed.
    """
    candidates = [r for r in dict.fromkeys(refs) if period.tables[r[0]].underprinted(r[1], r[2])]

    def alone(ref) -> bool:
        need = ev.solve(i, ref, reader(period, {}))
        own = period.tables[ref[0]].interval(ref[1], ref[2], LOOSE)
        return need is None or (need[0] <= own[1] and own[0] <= need[1])
    blamed = [r for r in candidates if alone(r)] or candidates
    return [(r, (ev, i, frozenset(blamed) - {r})) for r in blamed]


def reader(period: Period, override: dict, loose: frozenset = frozenset()):
    """How `solve` reads other cells: an override, else loosely if in `loose`, else strictly."""
    def interval_of(ref):
        if ref in override:
            return override[ref]
        return period.tables[ref[0]].interval(ref[1], ref[2], LOOSE if ref in loose else STRICT)
    return interval_of


def findings(rule, rounding: dict, period: Period) -> list[Finding]:
    """One warning per under-printed cell, with the value that makes its checks exact.

    Cells are solved most-constrained first; a cell solved later reads the cells already
    solved at their suggested values (so that 33.8 = 25.7 + 8.08 suggests 33.82 once 25.7 is
    known to be 25.74), and any other blamed cell loosely.
    """
    out: list[Finding] = []
    fixed: dict = {}
    order = sorted(rounding, key=lambda ref: (-len(rounding[ref]), ref))
    for ref in order:
        needs = rounding[ref]
        table = period.tables[ref[0]]
        conv = table.convention[ref[2]]
        lo, hi = Fraction(-10**30), Fraction(10**30)
        for _, _, (ev, i, others) in needs:
            iv = ev.solve(i, ref, reader(period, fixed, others))
            if iv is not None:
                lo, hi = max(lo, iv[0]), min(hi, iv[1])
        suggestion = _suggest(lo, hi, conv)
        if suggestion is not None:
            fixed[ref] = numbers.parse(suggestion).interval(decimals=conv)
        printed = table.text(ref[1], ref[2])
        checks = tuple(f"{rid} {label}" for rid, label, _ in needs)
        loose = table.interval(ref[1], ref[2], LOOSE)
        strict = table.interval(ref[1], ref[2], STRICT)
        msg = (f"{table.units.iloc[ref[1]]} {printed!r} is printed with fewer decimals than its "
               f"column ({conv}); {len(needs)} check(s) hold only reading it as "
               f"[{numbers.fmt(loose[0])}, {numbers.fmt(loose[1])}]")
        msg += f"; exact with {suggestion}" if suggestion else "; no single value makes them exact"
        out.append(Finding(
            rule.id, rule.severity, msg, ref[0], (period.cell(ref),),
            expected=Value(suggestion or "", _f(lo), _f(hi)) if lo <= hi else None,
            actual=Value(printed, _f(loose[0]), _f(loose[1])),
            miss=_f(max(Fraction(strict[0]) - hi, lo - strict[1], 0)) if lo <= hi else None,
            reading=STRICT, suggestion=suggestion, checks=checks))
    return out


def _f(x) -> float | None:
    return None if abs(x) >= 10**29 else float(Fraction(x) / numbers.UNIT)


def _suggest(lo: Fraction, hi: Fraction, decimals: int) -> str | None:
    """The value printed at `decimals` nearest the centre of the needed interval [lo, hi].

    Read strictly, that printed value stands for an interval meeting [lo, hi], so every
    check that needed the cell read loosely holds exactly with it.
    """
    if lo > hi or abs(lo) >= 10**29 or abs(hi) >= 10**29:
        return None
    step = 10 ** (numbers.SCALE - decimals)
    half = Fraction(step, 2)
    nearest = ((lo + hi) / 2 / step + Fraction(1, 2)).__floor__() * step
    if not (lo - half <= nearest <= hi + half):
        return None
    return numbers.fmt(int(nearest), decimals)
