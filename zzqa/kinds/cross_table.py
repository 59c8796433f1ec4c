"""Cross-table: the same quantity printed in two or more appendices agrees unit by unit.

## What it checks
Each formula names columns of several tables (`a2.done_key_industry = a3.major_done +
a4.industry_done`); rows are matched by canonical unit (checks/units.yaml), the total row
with the total row.  For every unit present in the first table of the formula, the linear
relation holds over the rounding intervals.  A unit without a row in a table listed in
`absent_is_zero` contributes 0 there (that table has no such projects); in any other
table a missing row makes the check unevaluable.

## Why it matters
Appendices are compiled by different offices from the same submissions; when two of them
disagree about one unit, at least one of them is wrong.

## Example
天元区: appendix 2 重点产业 done 99.44 = appendix 3 重大产业 done 34.20 + appendix 4 重点产业
done 65.24 = [99.43, 99.45] → holds.
"""

from __future__ import annotations

import numpy as np

from ..checks import Linear, Operand, unevaluable
from ..formula import FormulaError, parse
from ..i18n import N_

PREFIX = "X"
STAGE = "table"
OPTIONS = {
    "required": ["formulas"],
    "properties": {
        "formulas": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "absent_is_zero": {"type": "array", "items": {"type": "string"}},
        "rows": {"enum": ["all", "units", "total"]},
    },
}
MESSAGE = N_("{label}: {formula} — {expected} expected, {actual} printed (misses by {miss})")

FIELDS = ("label", "expected", "actual", "miss", "formula")


def columns(params: dict) -> list:
    refs = []
    for text in params["formulas"]:
        for t in parse(text).terms:
            if t.table is None:
                raise FormulaError(f"qualify every column with its table in {text!r}")
            refs.append((t.table, t.column))
    return refs


def check(rule, ctx) -> list:
    period = ctx.period
    zero = set(rule.params.get("absent_is_zero", []))
    which = rule.params.get("rows", "all")
    out = []
    for text in rule.params["formulas"]:
        f = parse(text)
        missing = [f"{t.table}.{t.column}" for t in f.terms
                   if not period.tables[t.table].has(t.column)]
        if missing:
            out.append(unevaluable(text, f"column {missing[0]} is missing"))
            continue
        first = period.tables[f.terms[0].table]
        total = first.is_total.to_numpy(dtype=bool)
        keep = {"all": np.ones(len(total), bool), "units": ~total, "total": total}[which]
        firsts = first.units_in_order(np.flatnonzero(keep))
        codes, units = first.codes[firsts], first.units.to_numpy(dtype=object)[firsts]

        found: dict = {}

        def rows(table, codes=codes, found=found):
            if table.name not in found:  # one array per table, shared by its operands
                found[table.name] = table.rows_of(codes)
            return found[table.name]

        def operand(t):
            table = period.tables[t.table]
            # a unit absent from a table counts 0 there only when every row of it is known:
            # a row whose unit is unknown (T005) may be the one that is missing
            known = not (table.codes < 0).any()
            return Operand(table, t.column, rows(table), coef=t.coef,
                           absent_is_zero=t.table in zero and known)
        out.append(Linear([operand(t) for t in f.lhs], [operand(t) for t in f.rhs], f.relation,
                          len(units), lambda i, units=units: units[i], text))
    return out
