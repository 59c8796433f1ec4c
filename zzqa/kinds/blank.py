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
from ..numbers import BLANK

PREFIX = "V"
STAGE = "derived"
NEEDS = ("table",)  # the checks that could not be evaluated
OPTIONS = {"properties": {}}
MESSAGE = "{label} is blank: {count} check(s) could not be evaluated ({checks})"
FIELDS = ("label", "count", "checks")


def columns(params: dict) -> list:
    return []


def check(rule, ctx) -> list:
    period = ctx.period
    needs: dict = {}  # blank cell -> the checks it left unevaluated
    for result in ctx.results:
        checks = result.checks
        if not checks.blame:
            continue
        for i in np.flatnonzero(checks.status == UNEVALUABLE).tolist():
            for ref in checks.cells(i):
                table = period.tables[ref[0]]
                if table.has(ref[2]) and table.arrays(ref[2]).state[ref[1]] == BLANK:
                    needs.setdefault(ref, []).append(f"{result.rule.id} {checks.label(i)}")
    blanks = sum(int((a.state == BLANK).sum()) for t in period.tables.values()
                 for a in t.columns.values())
    out = Listed(max(blanks - len(needs), 0))
    for ref in sorted(needs)[:ctx.max_listed]:
        table = period.tables[ref[0]]
        col = table.spec.column(ref[2])
        names = list(dict.fromkeys(needs[ref]))
        shown = "; ".join(names[:5]) + (f"; and {len(names) - 5} more" if len(names) > 5 else "")
        out.add(FAIL, f"{table.label(ref[1])} › {col.title if col else ref[2]}", (ref,),
                Discrepancy({"count": str(len(names)), "checks": shown}), ref[0])
    out.add_bare(FAIL, max(len(needs) - ctx.max_listed, 0))  # beyond the listing: counted
    return [out]
