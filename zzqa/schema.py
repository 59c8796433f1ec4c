"""Table validation with pandera, built from a table's description.

The schema runs on each table as printed (strings), with `lazy=True`, so that every
problem of every table is reported at once.  Each failure case becomes a `Problem` with a
stable code; the engine maps codes to catalog rules (ids and severities live in checks/).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from .period import Table

# What each kind of column may hold, as printed (missing markers "-", "/" and blank allowed).
_MISSING = r"|-|/|"
FORMATS = {
    "count": (r"^(\d+" + _MISSING + r")$", "a whole number of at least 0"),
    "rank": (r"^([1-9]\d*" + _MISSING + r")$", "a whole number of at least 1"),
    "amount": (r"^(\d+(\.\d{1,5})?" + _MISSING + r")$", "a number of at least 0"),
    "percent": (r"^(\d+(\.\d{1,5})?%?" + _MISSING + r")$", "a percentage of at least 0"),
    "score": (r"^([-+]?\d+(\.\d{1,5})?" + _MISSING + r")$", "a number of points"),
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
        checks = []
        if col.kind in FORMATS:
            pattern, _ = FORMATS[col.kind]
            checks.append(pa.Check(lambda s, p=pattern: s.str.strip().str.match(p),
                                   name=f"is_{col.kind}"))
        columns[col.name] = pa.Column(str, checks=checks, nullable=False)
    columns["_unit_known"] = pa.Column(bool, pa.Check(lambda s: s, name="unit_known"))
    columns["_row_complete"] = pa.Column(bool, pa.Check(lambda s: s, name="row_complete"))
    key = [("_unit" if k == "unit" else k) for k in spec.key]
    columns["_unit"] = pa.Column(str, nullable=True)
    columns["_unit_type"] = pa.Column(str, nullable=True)
    return pa.DataFrameSchema(
        columns,
        strict=True,
        unique=key,
        checks=[pa.Check(lambda d: _totals_per_group(d, spec.key) <= 1, name="single_total")],
    )


def _totals_per_group(frame: pd.DataFrame, key: tuple[str, ...]) -> int:
    """Most total rows sharing the non-unit key columns (appendix 8: one per category)."""
    totals = frame[frame["_unit_type"] == "total"]
    others = [k for k in key if k != "unit" and k in frame]
    if totals.empty:
        return 0
    return int(totals.groupby(others).size().max()) if others else len(totals)


def validate(table: Table) -> list[Problem]:
    frame = table.raw.copy()
    frame["_unit"] = table.units.astype(object).where(table.units.notna(), None)
    frame["_unit_type"] = table.unit_types
    frame["_unit_known"] = table.units.notna() | ("unit" not in frame)
    frame["_row_complete"] = ~table.ragged
    try:
        build(table).validate(frame, lazy=True)
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
        if code == "column-missing":
            column, value = value, value
        elif code == "column-unexpected":
            column = value
        elif code == "unit-unknown":
            column, value = "unit", table.text(row, "unit")
        elif code == "row-ragged":
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
