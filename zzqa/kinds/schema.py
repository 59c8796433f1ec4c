"""Schema: each table is what its description says it is.

## What it checks
Before any arithmetic, every table is validated with a pandera schema built from
checks/tables.yaml: the table file exists, every described column is present and no other,
each cell of a count column is a whole number (or a missing marker `-`, `/`, blank), each
amount and percentage a number of at least 0, each row label a known unit, each unit once,
at most one total row, no row shorter than the header.

## Why it matters
A cell that is not a number cannot take part in any check, and an unknown unit cannot be
matched across tables: both would make later checks silently skip the row.

## Example
`a2_investment.csv` line 5, column `done_total` holds `1O1.74` (letter O): not a number,
so the row identity and ratio checks of that row cannot be evaluated.
"""

from __future__ import annotations

from ..checks import FAIL, Discrepancy, Listed
from ..i18n import N_
from ..model import Cell, Value

PREFIX = "T"
STAGE = "schema"
PROBLEMS = [
    "table-missing", "column-missing", "column-unexpected", "not-a-number", "unit-unknown",
    "key-duplicate", "total-row-multiple", "row-ragged", "prose-missing", "table-empty",
]
OPTIONS = {
    "required": ["problem"],
    "properties": {"problem": {"enum": PROBLEMS}},
}
# one template per problem; fields: label (the table or row), column, value (as printed),
# detail
MESSAGE = {
    None: N_("{label}: {value!r} fails the table's description"),
    "table-missing": N_("table file {value} is missing"),
    "column-missing": N_("column {column!r} is missing from the header"),
    "column-unexpected": N_("column {column!r} is not in the table's description"),
    "not-a-number": N_("{value!r} is not {detail}"),
    "unit-unknown": N_("unknown unit {value!r}: not in the units registry for this table"),
    "key-duplicate": N_("{value!r} appears more than once"),
    "total-row-multiple": N_("more than one total row"),
    "row-ragged": N_("the row has fewer cells than the header"),
    "prose-missing": N_("{value} is {detail}: no figure of the prose can be checked"),
    "table-empty": N_("table file {value} has a header but no rows: nothing in it can be checked"),
}
FIELDS = ("label", "column", "value", "detail")


def columns(params: dict) -> list:
    return []


def _address(table, p) -> str:
    """The cell, row or table as a document names it (empty for a period folder)."""
    if table.address is None:
        return ""
    if p.row is not None:
        column = p.column if p.column in table.raw.columns else table.spec.columns[0].name
        return table.address(p.row, column)
    return table.where or table.file


def check(rule, ctx) -> list:
    """One check per thing the problem is about (tables, columns, rows, cells), failing
    where the schema found it."""
    code = rule.params["problem"]
    period = ctx.period
    found, total = ctx.problems(code)
    checks = Listed(max(population(code, period) - total, 0))
    for p in found:
        table = period.tables.get(p.table)
        if table is None or p.code == "table-empty":  # the table itself, or the prose
            cell, label = Cell(p.value, 0, ""), p.value
        else:
            line = int(table.lines[p.row]) if p.row is not None else 1
            col = table.spec.column(p.column or "")
            unit = table.text(p.row, "unit") if p.row is not None else ""
            offset = table.offset(p.row, p.column) if p.row is not None and p.column else 0
            cell = Cell(table.file, line, p.column or "", unit, col.title if col else "", offset,
                        _address(table, p))
            label = unit or table.file
        checks.add(FAIL, label, (cell,), Discrepancy(
            {"column": p.column or "", "value": p.value, "detail": p.detail}, None,
            Value(p.value), variant=code), p.table)
    checks.add_bare(FAIL, total - len(found))  # beyond the listing: counted only
    return [checks]


def population(code: str, period) -> int:
    """How many things a problem is checked on: tables, columns, rows or numeric cells."""
    tables = period.tables.values()
    if code == "table-missing":
        return len(period.tables) + len(period.missing_tables)
    if code == "prose-missing":
        return 1
    if code in ("total-row-multiple", "table-empty"):
        return len(period.tables)
    if code == "column-missing":
        return sum(len(t.spec.columns) for t in tables)
    if code == "column-unexpected":
        return sum(len(t.raw.columns) for t in tables)
    if code == "not-a-number":
        return sum(len(t.raw) * len(t.columns) for t in tables)
    return sum(len(t.raw) for t in tables)  # rows: unit-unknown, key-duplicate, row-ragged
