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

PROBLEMS = [
    "table-missing", "column-missing", "column-unexpected", "not-a-number", "unit-unknown",
    "key-duplicate", "total-row-multiple", "row-ragged",
]
OPTIONS = {
    "required": ["problem"],
    "properties": {"problem": {"enum": PROBLEMS}},
}
# one template per problem; fields: column, value (as printed), detail
MESSAGES = {
    "table-missing": "table file {value} is missing",
    "column-missing": "column {column!r} is missing from the header",
    "column-unexpected": "column {column!r} is not in the table's description",
    "not-a-number": "{value!r} is not {detail}",
    "unit-unknown": "unknown unit {value!r}: not in the units registry for this table",
    "key-duplicate": "{value!r} appears more than once",
    "total-row-multiple": "more than one total row",
    "row-ragged": "the row has fewer cells than the header",
}


def columns(params: dict) -> list:
    return []
