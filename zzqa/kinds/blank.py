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

## Example
附件2 醴陵市 `done_total` (101.74) left blank: R201 and P201 for 醴陵市 and the column sum
cannot be evaluated; the blank cell is reported, naming them.
"""

from __future__ import annotations

import numpy as np

from ..checks import FAIL, UNEVALUABLE, Discrepancy, Listed
from ..i18n import N_
from ..numbers import BLANK

PREFIX = "V"
STAGE = "derived"
NEEDS = ("table",)  # the checks that could not be evaluated
OPTIONS = {"properties": {}}
MESSAGE = N_("{label} is blank: {count} check(s) could not be evaluated ({checks})")

FIELDS = ("label", "count", "checks")


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
    needs = _checks_of(ctx.results, set(listed))
    blanks = sum(int((a.state == BLANK).sum()) for t in period.tables.values()
                 for a in t.columns.values())
    out = Listed(max(blanks - found, 0))
    for ref in listed:
        table = period.tables[ref[0]]
        col = table.spec.column(ref[2])
        names = list(dict.fromkeys(needs.get(ref, [])))
        shown = "; ".join(names[:5]) + (f"; and {len(names) - 5} more" if len(names) > 5 else "")
        out.add(FAIL, f"{table.label(ref[1])} › {col.title if col else ref[2]}", (ref,),
                Discrepancy({"count": str(len(names)), "checks": shown}), ref[0])
    out.add_bare(FAIL, found - len(listed))  # beyond the listing: counted only
    return [out]


def _checks_of(results, cells: set) -> dict:
    """The unevaluable checks reading each of a few cells, named."""
    out: dict = {}
    if not cells:
        return out
    for result in results:
        checks = result.checks
        if not checks.blame:
            continue
        for i in np.flatnonzero(checks.status == UNEVALUABLE).tolist():
            for ref in checks.cells(i):
                if ref in cells:
                    out.setdefault(ref, []).append(f"{result.rule.id} {checks.label(i)}")
    return out
