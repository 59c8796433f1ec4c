"""Row identity: a linear relation between the columns of every row.

## What it checks
Each formula (`a = b + c`, `a = b + c - d`, `part <= whole`) holds on every row, the total
row included: 合计 = 产业项目 + 配套项目; 小计 = 计划内 + 计划内提前 + 计划外; a part never
exceeds its whole.  Intervals follow the printed decimals; `-` and `/` read as 0; a blank
operand makes that row's check unevaluable.

## Why it matters
The headers promise these relations: a column called 合计 next to its parts must be their
sum.  A row that breaks one has a mistyped cell.

## Example
Appendix 2, 天元区: `done_total = done_industry + done_support`:
115.63 + 32.71 = [148.33, 148.35], printed 148.34 → holds.
"""

from __future__ import annotations

import numpy as np

from ..checks import Linear, Operand, absent_columns, unevaluable
from ..formula import parse
from ..i18n import N_

PREFIX = "R"
STAGE = "table"
OPTIONS = {
    "required": ["table", "formulas"],
    "properties": {
        "table": {"type": "string"},
        "formulas": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "rows": {"enum": ["all", "units", "total"]},
        "where": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
MESSAGE = N_("{label}: {formula} — {expected} expected, {actual} printed (misses by {miss})")

FIELDS = ("label", "expected", "actual", "miss", "formula")


def columns(params: dict) -> list:
    refs = [(params["table"], t.column) for f in params["formulas"] for t in parse(f).terms]
    return refs + [(params["table"], c) for c in params.get("where", {})]


def rows_of(table, which: str, where: dict | None = None) -> np.ndarray:
    """Row positions: all rows, the unit rows or the total row; `where` keeps rows whose
    column equals the given text (appendix 8: `{category: 集体}`)."""
    total = table.is_total.to_numpy()
    mask = {"all": np.ones(len(total), bool), "units": ~total, "total": total}[which]
    for column, value in (where or {}).items():
        mask &= (table.raw[column].str.strip() == value).to_numpy()
    return np.flatnonzero(mask)


def check(rule, ctx) -> list:
    table = ctx.period.tables[rule.params["table"]]
    rows = rows_of(table, rule.params.get("rows", "all"), rule.params.get("where"))
    out = []
    for text in rule.params["formulas"]:
        f = parse(text)
        if missing := absent_columns(table, [t.column for t in f.terms]):
            out.append(unevaluable(text, f"column {missing[0]} of {table.name} is missing"))
            continue
        lhs = [Operand(table, t.column, rows, coef=t.coef) for t in f.lhs]
        rhs = [Operand(table, t.column, rows, coef=t.coef) for t in f.rhs]

        def label(i, rows=rows):
            return table.label(int(rows[i]))
        out.append(Linear(lhs, rhs, f.relation, len(rows), label, text))
    return out
