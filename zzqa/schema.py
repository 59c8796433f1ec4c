"""Table validation: is each table what its description (checks/tables.yaml) says it is?

Two pandera schemas validate the structure of the whole period at once, with `lazy=True`
so that every problem is reported: one over its headers (every described column present,
no other), one over its rows (every row label a known unit, each unit once, one total row
per group, no row shorter than the header).  The format of every numeric cell (a count is
a whole number of at least 0, ...) is decided on the parsed arrays, one vectorised
comparison per column.  Each failure becomes a `Problem` with a stable code; catalog rules
of kind `schema` name these codes (ids and severities live in checks/).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import numbers
from .form import MINIMUM
from .numbers import INVALID, NUMBER

# What each kind of numeric column may hold once parsed (scaled integers), and its words.
WHOLE = numbers.UNIT
FORMATS = {
    "count": (lambda v: (v >= MINIMUM["count"]) & (v % WHOLE == 0),
              "a whole number of at least 0"),
    "rank": (lambda v: (v >= MINIMUM["rank"] * WHOLE) & (v % WHOLE == 0),
             "a whole number of at least 1"),
    "amount": (lambda v: v >= MINIMUM["amount"], "a number of at least 0"),
    "percent": (lambda v: v >= MINIMUM["percent"], "a percentage of at least 0"),
    "score": (lambda v: np.ones(len(v), bool), "a number of points"),
    "points": (lambda v: v % WHOLE == 0, "a whole number of points"),
}

# pandera check name -> problem code
CODES = {
    "column_in_dataframe": "column-missing",
    "column_in_schema": "column-unexpected",
    "multiple_fields_uniqueness": "key-duplicate",
    "unit_known": "unit-unknown",
    "single_total": "total-row-multiple",
    "row_complete": "row-ragged",
}

HEADERS = pa.DataFrameSchema({
    "table": pa.Column(str), "column": pa.Column(str),
    "described": pa.Column(bool), "present": pa.Column(bool),
}, checks=[
    pa.Check(lambda d: ~d["described"] | d["present"], name="column_in_dataframe"),
    pa.Check(lambda d: d["described"] | ~d["present"], name="column_in_schema"),
])

ROWS = pa.DataFrameSchema({
    "table": pa.Column(), "row": pa.Column(int), "unit": pa.Column(int),
    "group": pa.Column(int), "total": pa.Column(bool),
    "known": pa.Column(bool, pa.Check(lambda s: s, name="unit_known")),
    "complete": pa.Column(bool, pa.Check(lambda s: s, name="row_complete")),
}, unique=["table", "unit", "group"], checks=[
    # a second total row in its table (and group: appendix 8 has one per category)
    pa.Check(lambda d: ~(d["total"] & d.duplicated(["table", "group", "total"])),
             name="single_total"),
])


@dataclass(frozen=True)
class Problem:
    code: str
    table: str
    column: str | None
    row: int | None  # position in the table, None for table-level problems
    value: str
    detail: str = ""


def problems(period) -> list[Problem]:
    """Every problem of the period: missing tables, headers, rows, cells, missing prose."""
    out = [Problem("table-missing", name, None, None, path)
           for name, path in period.missing_tables.items()]
    tables = list(period.tables.values())
    out += [Problem("table-empty", t.name, None, None, t.file) for t in tables if not len(t.raw)]
    out += _headers(tables)
    out += _rows(tables)
    for table in tables:
        out += formats(table)
    if period.prose is None or not period.prose.strip():
        what = "missing" if period.prose is None else "empty"
        out.append(Problem("prose-missing", "prose", None, None,
                           period.prose_file or "bulletin.md", what))
    return out


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return pd.DataFrame(columns=["check", "index"])


def _headers(tables) -> list[Problem]:
    entries = []
    for t in tables:
        described = [c.name for c in t.spec.columns]
        present = list(t.raw.columns)
        entries += [(t.name, c, True, c in present) for c in described]
        entries += [(t.name, c, False, True) for c in present if c not in described]
    frame = pd.DataFrame(entries, columns=["table", "column", "described", "present"])
    out = []
    for case in _failures(HEADERS, frame).itertuples(index=False):
        if pd.isna(case.index):
            continue
        table, column, *_ = entries[int(case.index)]
        out.append(Problem(CODES[str(case.check)], table, column, None, column))
    return _unique(out)


def _rows(tables) -> list[Problem]:
    """Every row of every table as integers: its table, its unit's code (units.Registry;
    a unique negative number for an unknown unit, reported as unknown instead), the code of
    its other key columns (appendix 8's category), and its flags."""
    parts = []
    for k, t in enumerate(tables):
        n = len(t.raw)
        others = [c for c in t.spec.key if c != "unit" and c in t.raw]
        group = (pd.factorize(pd.MultiIndex.from_frame(t.raw[others].astype(str)))[0]
                 if others else np.zeros(n, dtype=np.int64))
        known = (t.codes >= 0) | ("unit" not in t.raw)
        parts.append(pd.DataFrame({
            "table": np.full(n, k, dtype=np.int16), "row": np.arange(n),
            "unit": np.where(known, t.codes, -1 - np.arange(n)), "group": group,
            "total": t.is_total.to_numpy(dtype=bool), "known": known,
            "complete": ~np.asarray(t.ragged, dtype=bool)}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if frame.empty:
        return []
    cases = _failures(ROWS, frame)
    cases = cases[cases["index"].notna()]
    at = cases["index"].to_numpy(dtype=np.int64)
    which, rows = frame["table"].to_numpy()[at].tolist(), frame["row"].to_numpy()[at].tolist()
    out = []
    for check, k, row in zip(cases["check"].astype(str).tolist(), which, rows, strict=True):
        table = tables[k]
        out.append(Problem(CODES.get(check, "schema"), table.name, "unit", row,
                           table.text(row, "unit")))
    return _unique(out)


def formats(table) -> list[Problem]:
    """Numeric cells that are not numbers of their column's kind."""
    out = []
    for name, a in table.columns.items():
        col = table.spec.column(name)
        test, words = FORMATS.get(col.format, (None, ""))
        if test is None:
            continue
        bad = (a.state == INVALID) | ((a.state == NUMBER) & ~test(a.val))
        for row in np.flatnonzero(bad).tolist():
            out.append(Problem("not-a-number", table.name, name, row, table.text(row, name),
                               words))
    return out


def _unique(problems: list[Problem]) -> list[Problem]:
    """One problem per (code, table, row, column): a duplicated key is one finding, not one
    per cell of the compound key."""
    seen, out = set(), []
    for p in problems:
        k = (p.code, p.table, p.row, p.column)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out
