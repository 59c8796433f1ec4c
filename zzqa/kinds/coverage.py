"""Coverage: every printed number takes part in a check.

## What it checks
Every numeric cell of every table (a number as printed; `-`, `/` and blanks are not
numbers) is read by at least one check that could be evaluated.  One check per cell; the
finding names the cell and the rules that read its column.

## Why it matters
A figure no check reads can be anything: a column the catalog forgot, a row the rules
skip, checks that could not be evaluated because a neighbouring cell is blank.  A gate
that passes while part of the table went unchecked gives false comfort.

## Example
A new column `done_other` in 附件2, described in checks/tables.yaml but read by no rule:
each of its cells is reported, "no rule reads this column".
"""

from __future__ import annotations

import numpy as np

from ..checks import FAIL, Discrepancy, Listed
from ..i18n import N_
from ..numbers import NUMBER

PREFIX = "V"
STAGE = "derived"
NEEDS = ("table", "prose")  # the cells their checks read
OPTIONS = {"properties": {}}
MESSAGE = N_("{label} is read by no check that could be evaluated: {reason}")

FIELDS = ("label", "reason")


def columns(params: dict) -> list:
    return []


def check(rule, ctx) -> list:
    readers: dict = {}
    for result in ctx.results:
        for table, column in result.rule.reads:
            readers.setdefault((table, column), set()).add(result.rule.id)
    passed, uncovered = 0, []
    for name, table in ctx.period.tables.items():
        for column, mask in ctx.covered.get(name, {}).items():
            numeric = table.arrays(column).state == NUMBER
            passed += int((numeric & mask).sum())
            rows = np.flatnonzero(numeric & ~mask)
            if len(rows):
                uncovered.append((table, column, rows))
    out = Listed(passed)
    room = ctx.max_listed
    for table, column, rows in uncovered:
        ids = readers.get((table.name, column)) or readers.get((table.name, None))
        reason = (f"its checks ({', '.join(sorted(ids))}) could not be evaluated or skip "
                  "this row" if ids else "no rule reads this column")
        for row in rows[:max(room, 0)].tolist():
            out.add(FAIL, table.label(row), ((table.name, row, column),),
                    Discrepancy({"reason": reason}), table.name)
        room -= len(rows)
    out.add_bare(FAIL, max(-room, 0))  # beyond the listing: counted only
    return [out]
