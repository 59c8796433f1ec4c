"""Checked: something in the period was checked at all.

## What it checks
One check: at least one number other than 0 printed in the tables was read by a check
that could be evaluated (a sum, an identity, a ratio, a rank, a bound, a cross-table
identity, a prose figure).

## Why it matters
A submission of blank cells, or of `-` everywhere, breaks no rule: every check is
unevaluable or holds as 0 = 0.  A gate that passes it has checked nothing, which is worse
than no gate.

## Example
Every cell of every appendix replaced by `-`: 3,000 checks "hold" as 0 = 0 + 0, but no
table prints a number — the period was not checked.
"""

from __future__ import annotations

from ..checks import FAIL, PASS, Discrepancy, Listed
from ..i18n import N_
from ..numbers import NUMBER

PREFIX = "V"
STAGE = "derived"
NEEDS = ("table", "prose")  # the cells their checks read
OPTIONS = {"properties": {}}
MESSAGE = N_("nothing in the period was checked: {reason}")

FIELDS = ("label", "reason")


def columns(params: dict) -> list:
    return []


def check(rule, ctx) -> list:
    numbers = checked = 0  # numbers other than 0, and those an evaluated check read
    for name, table in ctx.period.tables.items():
        for column, a in table.columns.items():
            printed = (a.state == NUMBER) & (a.val != 0)
            numbers += int(printed.sum())
            read = ctx.covered.get(name, {}).get(column)
            checked += int((printed & read).sum()) if read is not None else 0
    out = Listed()
    if checked:
        out.add(PASS, "the period")
    else:
        reason = ("no table prints a number other than 0" if not numbers else
                  "no check that could be evaluated read a number other than 0")
        out.add(FAIL, "the period", (), Discrepancy({"reason": reason}))
    return [out]
