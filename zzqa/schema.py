"""Table validation with pandera, built from a table's description.

The schema runs on each table as printed (strings), with `lazy=True`, so that every
problem of every table is reported at once.  Each failure case becomes a `Problem` with a
stable code; the engine maps codes to catalog rules (ids and severities live in checks/).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import numbers
from .form import MINIMUM
from .numbers import BLANK, INVALID, ZERO_MARKER
from .period import Table

# What each kind of column may hold once parsed.  The schema runs on the parsed table:
# numbers as floats, missing markers ("-", "/", blank) as NaN, and a cell that is not a
# number as -inf, so that every format rule is one vectorised comparison.
NOT_A_NUMBER = float("-inf")
FORMATS = {
    "count": (lambda s: s.isna() | ((s >= MINIMUM["count"]) & (s == s.round())),
              "a whole number of at least 0"),
    "rank": (lambda s: s.isna() | ((s >= MINIMUM["rank"]) & (s == s.round())),
             "a whole number of at least 1"),
    "amount": (lambda s: s.isna() | (s >= MINIMUM["amount"]), "a number of at least 0"),
    "percent": (lambda s: s.isna() | (s >= MINIMUM["percent"]), "a percentage of at least 0"),
    "score": (lambda s: s.isna() | (s > NOT_A_NUMBER), "a number of points"),
    "points": (lambda s: s.isna() | ((s > NOT_A_NUMBER) & (s == s.round())),
               "a whole number of points"),
}

# pandera check name -> problem code (catalog rules of kind `schema` name these codes)
CODES = {
    "column_in_dataframe": "column-missing",
    "column_in_schema": "column-unexpected",
    "multiple_fields_uniqueness": "key-duplicate",
    "unit_known": "unit-unknown",
    "single_total": "total-row-multiple",
    "row_complete": "row-ragged",
}


@dataclass(frozen=True)
class Problem:
    code: str
    table: str
    column: str | None
    row: int | None  # position in the table, None for table-level problems
    value: str
    detail: str = ""


def build(table: Table) -> pa.DataFrameSchema:
    spec = table.spec
    columns = {}
    for col in spec.columns:
        if col.format in FORMATS:
            test, _ = FORMATS[col.format]
            columns[col.name] = pa.Column(float, pa.Check(test, name=f"is_{col.format}"),
                                          nullable=True)
        else:
            columns[col.name] = pa.Column(str)
    columns["_unit_known"] = pa.Column(bool, pa.Check(lambda s: s, name="unit_known"))
    columns["_row_complete"] = pa.Column(bool, pa.Check(lambda s: s, name="row_complete"))
    # canonical unit and type: no dtype, so pandera checks no element one by one
    columns["_unit"] = pa.Column(nullable=True)
    columns["_unit_type"] = pa.Column(nullable=True)
    key = [("_unit" if k == "unit" else k) for k in spec.key]
    return pa.DataFrameSchema(
        columns,
        strict=True,
        unique=key,
        checks=[pa.Check(lambda d: _totals_per_group(d, spec.key) <= 1, name="single_total")],
    )


def parsed_frame(table: Table) -> pd.DataFrame:
    """The table as the schema sees it: parsed numbers, canonical units, row completeness."""
    frame = table.raw.copy()
    for name, a in table.columns.items():
        values = a.val / numbers.UNIT
        values = np.where(a.state == INVALID, NOT_A_NUMBER, values)
        frame[name] = np.where((a.state == BLANK) | (a.state == ZERO_MARKER), np.nan, values)
    frame["_unit"] = table.units.astype(object).where(table.units.notna(), None)
    frame["_unit_type"] = table.unit_types
    frame["_unit_known"] = table.units.notna() | ("unit" not in frame)
    frame["_row_complete"] = ~table.ragged
    return frame


def _totals_per_group(frame: pd.DataFrame, key: tuple[str, ...]) -> int:
    """Most total rows sharing the non-unit key columns (appendix 8: one per category)."""
    totals = frame[frame["_unit_type"] == "total"]
    others = [k for k in key if k != "unit" and k in frame]
    if totals.empty:
        return 0
    return int(totals.groupby(others).size().max()) if others else len(totals)


def problems(period) -> list[Problem]:
    """Every problem of the period: missing tables, each table's schema, missing prose."""
    out = [Problem("table-missing", name, None, None, path)
           for name, path in period.missing_tables.items()]
    for table in period.tables.values():
        out += validate(table)
    if period.prose is None or not period.prose.strip():
        what = "missing" if period.prose is None else "empty"
        out.append(Problem("prose-missing", "prose", None, None,
                           period.prose_file or "bulletin.md", what))
    return out


def validate(table: Table) -> list[Problem]:
    try:
        build(table).validate(parsed_frame(table), lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _problems(table, exc.failure_cases)
    return []


def _problems(table: Table, cases: pd.DataFrame) -> list[Problem]:
    out = []
    for case in cases.itertuples(index=False):
        check = str(case.check)
        code = CODES.get(check) or ("not-a-number" if check.startswith("is_") else "schema")
        row = None if pd.isna(case.index) else int(case.index)
        column = case.column if isinstance(case.column, str) else None
        value = "" if pd.isna(case.failure_case) else str(case.failure_case)
        if check.startswith("is_") and row is not None:
            value = table.text(row, column)  # as printed, not as parsed
        if code == "column-missing":
            column, value = value, value
        elif code == "column-unexpected":
            column = value
        elif code == "unit-unknown" or code == "row-ragged":
            column, value = "unit", table.text(row, "unit")
        elif code == "key-duplicate":
            if column == "_unit":
                column = "unit"
            value = table.text(row, column) if row is not None else value
        detail = FORMATS[check[3:]][1] if check.startswith("is_") and check[3:] in FORMATS else ""
        if code == "total-row-multiple":
            column = "unit"
        out.append(Problem(code, table.name, column, row, value, detail))
    # one finding per duplicated key value and not per cell of the compound key
    seen, unique = set(), []
    for p in out:
        k = (p.code, p.row, p.column) if p.code != "key-duplicate" else (p.code, p.row)
        if k not in seen:
            seen.add(k)
            unique.append(p)
    return unique
