"""Sum to total: the unit rows of a column add up to the table's total row.

## What it checks
For each listed column (default: every count and amount column), the sum of the unit rows
(districts, parks, 跨区 — every row but the total) equals the total row (合计 / 全市).  With
`group_by`, the sum is taken within each group (appendix 8: 集体 and 国有 separately).
Rounded amounts add their intervals: ten cells printed with two decimals sum to an interval
±0.05 wide; counts are exact.  `-` and `/` count as 0; a blank cell makes the check
unevaluable.

## Why it matters
The total row is compiled from the unit submissions; a total that the units do not add up
to means a unit figure or the total was typed or updated wrongly.

## Example
Appendix 5 `size_10_50_done`: units 8+2+1+0+3+1+3+1+0+0 = 19, total prints 19: holds.
Appendix 2 `plan_total`: units add up to [1043.035, 1043.155], total 1043.1 → holds.
"""

from __future__ import annotations

import numpy as np

from ..checks import Linear, Operand, unevaluable
from ..i18n import N_

PREFIX = "S"
STAGE = "table"
OPTIONS = {
    "required": ["table"],
    "properties": {
        "table": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "group_by": {"type": "string"},
    },
}
MESSAGE = N_("{label}: the rows add up to {expected}, the total row prints {actual} "
             "(misses by {miss})")

FIELDS = ("label", "expected", "actual", "miss", "formula")


def columns(params: dict) -> list:
    refs = [(params["table"], c) for c in params.get("columns", [])] or [(params["table"], None)]
    if "group_by" in params:
        refs.append((params["table"], params["group_by"]))
    return refs


def selected(table, params: dict) -> list[str]:
    if "columns" in params:
        return params["columns"]
    return [c.name for c in table.spec.columns if c.kind in ("count", "amount")]


def check(rule, ctx) -> list:
    table = ctx.period.tables[rule.params["table"]]
    by = rule.params.get("group_by")
    # groups by the text as printed, spaces around it ignored (as `where` compares it)
    groups = table.raw[by].astype(str).str.strip() if by else np.zeros(len(table.raw), dtype=int)
    is_total = table.is_total.to_numpy()
    totals, parts, names = [], [], []
    for g in (dict.fromkeys(groups.to_numpy(dtype=object).tolist()) if by else [0]):
        in_group = (groups == g).to_numpy() if by else np.ones(len(is_total), bool)
        t = np.flatnonzero(in_group & is_total)
        if len(t) == 1:
            totals.append(int(t[0]))
            parts.append(np.flatnonzero(in_group & ~is_total))
            names.append(str(g) if by else "")
    out = []
    for column in selected(table, rule.params):
        if not table.has(column):
            out.append(unevaluable(column, f"column {column} of {table.name} is missing"))
            continue
        if not totals:
            out.append(unevaluable(column, f"{table.name} has no total row"))
            continue
        lhs = Operand(table, column, np.array(totals))
        rhs = Operand(table, column, parts, aggregate=True)
        col = table.spec.column(column)

        def label(i, col=col):
            return col.title + (f" ({names[i]})" if names[i] else "")
        out.append(Linear([lhs], [rhs], "=", len(totals), label))
    return out
