"""Precision: a check holds only because a cell is printed with fewer decimals than its column.

## What it checks
Every check is decided twice: reading each cell at least at its column's usual number of
decimals (strict), and reading each cell at the decimals it actually shows (loose).  When
a check fails strictly but holds loosely, the cells printed with fewer decimals than their
column carry it: `88.7` in a column of two-decimal values stands for [88.65, 88.75] instead
of [88.695, 88.705].  One finding per such cell names the checks that need the loose
reading and the value, at the column's decimals, that would make them all exact (each
check solved for the cell, the intervals intersected).

## Why it matters
A figure printed with a dropped trailing digit hides precision the other cells have; the
check is not silently passed, because the figure may just as well be a wrong one that happens
to fall inside the wider interval.

## Example
Appendix 2, 炎陵县 `done_industry` prints 15.78 and its parts 15.29 + 0.28 + 0.2: with 0.2
read as 0.20±0.005 the parts give [15.755, 15.785]... holds; a cell that needed 0.21 would
be reported as "exact with 0.21".
"""

from __future__ import annotations

from .. import precision
from ..i18n import N_

PREFIX = "D"
STAGE = "derived"
NEEDS = ("table",)  # the checks of the table stage that held only within rounding
OPTIONS = {"properties": {}}
MESSAGE = N_("{unit} {printed!r} is printed with fewer decimals than its column ({decimals}); "
           "{count} check(s) hold only reading it as {interval}; {remedy}")

FIELDS = ("label", "unit", "printed", "decimals", "count", "interval", "remedy", "suggestion")


def columns(params: dict) -> list:
    return []


def check(rule, ctx) -> list:
    """One check per cell printed with fewer decimals than its column: it fails when a check
    of an earlier stage holds only by reading that cell at the decimals it shows."""
    solved, counted = precision.needs(ctx.within, ctx.period)
    return [precision.checks(solved, ctx.period, counted, ctx.max_listed)]
