"""Checks that hold only within rounding: which under-printed cell carries them, and the
value that would make them exact (docs/rounding.md).  The precision kind (zzqa/kinds)
turns each such cell into a check of its own."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from . import numbers
from .checks import FAIL, Checks, Discrepancy, Listed, Reader
from .model import LOOSE, STRICT, Value
from .numbers import NUMBER


def blame(checks: Checks, i: int, refs, period) -> list:
    """The under-printed cells a check that holds only within rounding depends on, each
    with (checks, i, the other blamed cells).

    A cell is blamed when reading it alone loosely (every other cell strictly) makes the
    check hold; if no single cell does, every under-printed cell of the check is blamed.
    """
    candidates = [r for r in dict.fromkeys(refs) if period.tables[r[0]].underprinted(r[1], r[2])]
    strictly = Reader(period, loose=frozenset())

    def alone(ref) -> bool:
        need = checks.solve(i, ref, strictly)
        own = period.tables[ref[0]].interval(ref[1], ref[2], LOOSE)
        return need is None or (need[0] <= own[1] and own[0] <= need[1])
    blamed = [r for r in candidates if alone(r)] or candidates
    return [(r, (checks, i, frozenset(blamed) - {r})) for r in blamed]


SOLVED = 20_000  # rounding-only checks solved for their cells; beyond, their cells are counted


def needs(within: list, period) -> tuple[dict, set]:
    """Each under-printed cell and the checks that need it read at its printed decimals:
    cell -> [(rule id, check name, (checks, i, the check's other blamed cells))]; and, past
    SOLVED checks (a table of a million under-printed rows), the cells of the rest, counted
    without solving them."""
    out: dict = defaultdict(list)
    counted: set = set()
    for _rule, checks_, i in within[SOLVED:]:
        counted.update(r for r in checks_.cells(i)
                       if period.tables[r[0]].underprinted(r[1], r[2]))
    for rule, checks_, i in within[:SOLVED]:
        formula = checks_.formula(i)
        name = f"{checks_.label(i)}: {formula}" if formula else checks_.label(i)
        for ref, blamed in blame(checks_, i, checks_.cells(i), period):
            out[ref].append((rule.id, name, blamed))
    return out, counted - set(out)


def checks(rounding: dict, period, counted: set = frozenset(), listed: int = 10**9) -> Listed:
    """One failing check per under-printed cell, with the value that makes its checks exact.

    Cells are solved most-constrained first; a cell solved later reads the cells already
    solved at their suggested values (so that 33.8 = 25.7 + 8.08 suggests 33.82 once 25.7 is
    known to be 25.74), and any other blamed cell loosely.
    """
    out = Listed(max(underprinted(period) - len(rounding) - len(counted), 0))  # the others pass
    fixed: dict = {}
    order = sorted(rounding, key=lambda ref: (-len(rounding[ref]), ref))
    for ref in order[:listed]:
        needs = rounding[ref]
        table = period.tables[ref[0]]
        conv = table.convention[ref[2]]
        lo, hi = Fraction(-10**30), Fraction(10**30)
        for _, _, (checks_, i, others) in needs:
            iv = checks_.solve(i, ref, Reader(period, loose=others, override=fixed))
            if iv is not None:
                lo, hi = max(lo, iv[0]), min(hi, iv[1])
        suggestion = suggest(lo, hi, conv)
        if suggestion is not None:
            fixed[ref] = numbers.parse(suggestion).interval(decimals=conv)
        printed = table.text(ref[1], ref[2])
        loose = table.interval(ref[1], ref[2], LOOSE)
        strict = table.interval(ref[1], ref[2], STRICT)
        fields = {
            "unit": str(table.units.iloc[ref[1]]), "printed": printed, "decimals": str(conv),
            "count": str(len(needs)),
            "interval": f"[{numbers.fmt(loose[0])}, {numbers.fmt(loose[1])}]",
            "remedy": _remedy(table, ref, printed, suggestion, conv),
            "suggestion": suggestion or ""}
        out.add(FAIL, table.label(ref[1]), (ref,), Discrepancy(
            fields, expected=Value(suggestion or "", _f(lo), _f(hi)) if lo <= hi else None,
            actual=Value(printed, _f(loose[0]), _f(loose[1])),
            miss=_f(max(Fraction(strict[0]) - hi, lo - strict[1], 0)) if lo <= hi else None,
            reading=STRICT, suggestion=suggestion,
            checks=tuple(f"{rid} {label}" for rid, label, _ in needs)), ref[0])
    out.add_bare(FAIL, len(order[listed:]) + len(counted))  # after the listed: counted only
    return out


def underprinted(period) -> int:
    """Cells printed with fewer decimals than their column (the precision rule's checks)."""
    n = 0
    for table in period.tables.values():
        for a in table.columns.values():
            if not a.exact:
                n += int(((a.state == NUMBER) & (a.decimals < a.convention)).sum())
    return n


def _f(x) -> float | None:
    return None if abs(x) >= 10**29 else float(Fraction(x) / numbers.UNIT)


def suggest(lo: Fraction, hi: Fraction, decimals: int) -> str | None:
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


def _remedy(table, ref, printed: str, suggestion: str | None, decimals: int) -> str:
    """What to do: print the value a workbook stores (more than it prints), else the
    value that makes the checks exact, else say none does."""
    from .i18n import _
    stored = table.stored.get((ref[1], ref[2]))
    if stored is not None:
        return _("stored {stored}, printed {printed}: print {decimals} decimals").format(
            stored=stored, printed=printed, decimals=decimals)
    if suggestion:
        return _("exact with {value}").format(value=suggestion)
    return _("no single value makes them exact")
