"""History: a figure against the same figure of the previous period.

## What it checks
A period names its predecessor in period.yaml (`previous: ../2020-09`).  For each column the
rule lists, every unit's figure is compared with the same unit's figure of the previous
period (rows matched by their canonical unit and, in 附件8, their category), each read as
the interval its printed decimals allow:

- `relation: ">="` — a cumulative figure (1-N 月) never decreases: it fails when even the
  highest value the current figure can stand for is below the lowest the previous one can;
- `relation: "="` — an annual target is unchanged: it fails when the two intervals do not
  meet, unless the period declares the revision (period.yaml `revised:` with the table,
  column, unit and why), which excuses it.

Without a previous period the rule cannot be evaluated, and says so.

## Why it matters
Each month's bulletin is compiled from the counties' cumulative submissions: a figure that
drops from one month to the next, or a target that moves without anyone deciding it, is a
row keyed from the wrong sheet or the wrong month.

## Example
附件2 天元区 1-10 月完成投资 合计 printed 146.12 where 1-9 月 printed 148.34: the cumulative
investment fell by 2.22.
"""

from __future__ import annotations

from .. import numbers
from ..checks import EXCUSED, FAIL, PASS, UNEVALUABLE, Discrepancy, Listed
from ..i18n import N_
from ..model import LOOSE, Cell, Value

PREFIX = "M"
STAGE = "table"
OPTIONS = {
    "required": ["relation", "columns"],
    "properties": {
        "relation": {"enum": [">=", "="]},
        "columns": {"type": "object", "minProperties": 1,
                    "additionalProperties": {"type": "array", "minItems": 1,
                                             "items": {"type": "string"}}},
    },
}
MESSAGE = {
    None: N_("{label}: {column} fell from {previous} in {before} to {current} (by at least "
             "{miss})"),
    "changed": N_("{label}: {column} changed from {previous} in {before} to {current} "
                  "without a revision declared in period.yaml (off by {miss})"),
}
FIELDS = ("label", "column", "previous", "before", "current", "miss")


def columns(params: dict) -> list:
    return [(table, column) for table, cols in params["columns"].items() for column in cols]


def _key(table, row: int) -> tuple:
    """A row's identity across periods: its canonical unit and its other key columns."""
    others = tuple(" ".join(str(table.raw.iloc[row][k]).split()) for k in table.spec.key
                   if k != "unit" and k in table.raw.columns)
    return (table.units.iloc[row], *others)


def _revised(meta: dict) -> set:
    """(table, column, unit, category or None) of each declared revision."""
    return {(r.get("table"), r.get("column"), r.get("unit"), r.get("category"))
            for r in meta.get("revised", ())}


def check(rule, ctx) -> list:
    out = Listed()
    before = ctx.previous
    if before is None:  # a first period: nothing to compare, and nothing wrong
        out.add(EXCUSED, rule.id, (), None)
        return [out]
    relation = rule.params["relation"]
    revised = _revised(ctx.period.meta or {})
    where = ctx.period_previous_path or before.name
    for name, cols in rule.params["columns"].items():
        table, old = ctx.period.tables.get(name), before.tables.get(name)
        if table is None or old is None:
            out.add(UNEVALUABLE, name, (), f"table {name} is missing from "
                    f"{'this' if table is None else 'the previous'} period", name)
            continue
        rows_before = {}
        for r in range(len(old.raw)):
            if old.units.iloc[r] is not None:
                rows_before.setdefault(_key(old, r), r)
        for row in range(len(table.raw)):
            unit = table.units.iloc[row]
            r_old = rows_before.get(_key(table, row)) if unit is not None else None
            if r_old is None:
                continue  # a unit the previous period did not print: nothing to compare
            for column in cols:
                if not (table.has(column) and old.has(column)):
                    continue
                now, then = (table.interval(row, column, LOOSE),
                             old.interval(r_old, column, LOOSE))
                if now is None or then is None:
                    continue  # not printed in one of them (blank, -, /): nothing to compare
                cells = (table.cell(row, column), _cell(old, r_old, column, where))
                label = table.label(row)
                if relation == ">=":
                    ok, miss = now[1] >= then[0], then[0] - now[1]
                else:
                    ok = now[0] <= then[1] and then[0] <= now[1]
                    miss = max(then[0] - now[1], now[0] - then[1])
                    category = _key(table, row)[1:2]
                    if not ok and ((name, column, unit, None) in revised or (
                            category and (name, column, unit, category[0]) in revised)):
                        out.add(EXCUSED, label, cells, None, name)
                        continue
                if ok:
                    out.add(PASS, label, cells, None, name)
                    continue
                col = table.spec.column(column)
                fields = {"column": col.title if col else column, "before": before.name,
                          "previous": old.text(r_old, column),
                          "current": table.text(row, column),
                          "miss": numbers.fmt(int(miss))}
                out.add(FAIL, label, cells, Discrepancy(
                    fields, Value(fields["previous"], numbers.to_float(int(then[0])),
                                  numbers.to_float(int(then[1]))),
                    Value(fields["current"], numbers.to_float(int(now[0])),
                          numbers.to_float(int(now[1]))),
                    numbers.to_float(int(miss)), LOOSE,
                    variant=None if relation == ">=" else "changed"), name)
    if not len(out):
        out.add(UNEVALUABLE, rule.id, (), "no unit is printed in both periods")
    return [out]


def _cell(table, row: int, column: str, where: str) -> Cell:
    """A cell of the previous period, its file named from this period's folder."""
    cell = table.cell(row, column)
    return Cell(f"{where}/{cell.file}", cell.line, cell.column, cell.unit, cell.label,
                cell.offset, cell.address)
