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

from collections import Counter, defaultdict
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
    "change": (lambda v: np.ones(len(v), bool), "a signed number"),
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

# One row per row of every table, as integers: `key` its table, unit and group (appendix
# 8's category) together (a unique negative number for an unknown unit), and its flags.
# One failure case per failing cell, however many rows repeat.
ROWS = pa.DataFrameSchema({
    "key": pa.Column(int, unique=True, report_duplicates="all"),
    "known": pa.Column(bool, pa.Check(lambda s: s, name="unit_known")),
    "complete": pa.Column(bool, pa.Check(lambda s: s, name="row_complete")),
})
# One row per total row: its table and group, once each.
TOTALS = pa.DataFrameSchema({
    "totals": pa.Column(int, unique=True, report_duplicates="exclude_first"),
})
ROW_CODES = {"key": "key-duplicate", "totals": "total-row-multiple"}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    table: str
    column: str | None
    row: int | None  # position in the table, None for table-level problems
    value: str
    detail: str = ""


class Found:
    """Problems by code: every one counted, the first `limit` of each kept (a table of a
    million duplicated rows is counted, not turned into a million objects)."""

    def __init__(self, limit: int):
        self.limit, self.kept, self.count = limit, defaultdict(list), Counter()

    def wants(self, code: str, n: int = 1) -> int:
        """Count n more problems of `code`; how many of them to keep."""
        room = self.limit - self.count[code]
        self.count[code] += n
        return max(min(room, n), 0)

    def add(self, problem: Problem) -> None:
        if self.wants(problem.code):
            self.kept[problem.code].append(problem)


def problems(period, limit: int = 10**9) -> Found:
    """Every problem of the period: missing tables, headers, rows, cells, missing prose."""
    found = Found(limit)
    for name, path in period.missing_tables.items():
        found.add(Problem("table-missing", name, None, None, path))
    tables = list(period.tables.values())
    for t in tables:
        if not len(t.raw):
            found.add(Problem("table-empty", t.name, None, None, t.file))
    _headers(tables, found)
    _rows(tables, found)
    for table in tables:
        formats(table, found)
    # a workbook or CSV exports hold the tables only: their prose is not missing, it is
    # elsewhere (the claims are excused, each saying so)
    meta = period.meta or {}
    holds_prose = (meta.get("format") or meta.get("imported_from")) not in (
        "Excel workbook", "CSV exports")
    if holds_prose and (period.prose is None or not period.prose.strip()):
        what = "missing" if period.prose is None else "empty"
        found.add(Problem("prose-missing", "prose", None, None,
                          period.prose_file or "bulletin.md", what))
    return found


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return pd.DataFrame(columns=["check", "column", "index"])


def _headers(tables, found: Found) -> None:
    entries = []
    for t in tables:
        described = [c.name for c in t.spec.columns]
        present = list(t.raw.columns)
        entries += [(t.name, c, True, c in present) for c in described]
        entries += [(t.name, c, False, True) for c in present if c not in described]
    frame = pd.DataFrame(entries, columns=["table", "column", "described", "present"])
    seen = set()  # a frame-wide check fails once per column of the frame: once is enough
    for case in _failures(HEADERS, frame).itertuples(index=False):
        if not pd.isna(case.index) and (case.check, case.index) not in seen:
            seen.add((case.check, case.index))
            table, column, *_ = entries[int(case.index)]
            found.add(Problem(CODES[str(case.check)], table, column, None, column))


def _rows(tables, found: Found) -> None:
    """Every row of every table as integers: its table, its unit's code (units.Registry;
    a unique negative number for an unknown unit, reported as unknown instead), the code of
    its other key columns (appendix 8's category), and its flags."""
    parts, which, rows, serial, totals = [], [], [], 0, []
    for k, t in enumerate(tables):
        n = len(t.raw)
        others = [c for c in t.spec.key if c != "unit" and c in t.raw]
        group = (pd.factorize(pd.MultiIndex.from_frame(t.raw[others].astype(str)))[0]
                 if others else np.zeros(n, dtype=np.int64)).astype(np.int64)
        known = (t.codes >= 0) | ("unit" not in t.raw)
        unique = -1 - serial - np.arange(n, dtype=np.int64)  # never equal to another row's
        serial += n
        table_group = (np.int64(k) << 48) | (group << 32)
        parts.append(pd.DataFrame({
            "key": np.where(known, table_group | t.codes.astype(np.int64), unique),
            "known": known, "complete": ~np.asarray(t.ragged, dtype=bool)}))
        total = np.flatnonzero(t.is_total.to_numpy(dtype=bool))
        totals.append((k, total, table_group[total]))
        which.append(np.full(n, k))
        rows.append(np.arange(n))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if frame.empty:
        return
    which, rows = np.concatenate(which), np.concatenate(rows)
    cases = _failures(ROWS, frame)
    cases = cases[cases["index"].notna()]
    at = cases["index"].to_numpy(dtype=np.int64)
    found_rows = list(zip(cases["check"].astype(str).tolist(),
                          cases["column"].astype(str).tolist(), which[at].tolist(),
                          rows[at].tolist(), strict=True))
    totals_frame = pd.DataFrame({"totals": np.concatenate([g for *_, g in totals])})
    total_which = np.concatenate([np.full(len(r), k) for k, r, _ in totals])
    total_rows = np.concatenate([r for _, r, _ in totals])
    cases = _failures(TOTALS, totals_frame)
    cases = cases[cases["index"].notna()]
    at = cases["index"].to_numpy(dtype=np.int64)
    found_rows += zip(cases["check"].astype(str).tolist(),
                      cases["column"].astype(str).tolist(), total_which[at].tolist(),
                      total_rows[at].tolist(), strict=True)
    found_rows.sort(key=lambda x: (x[2], x[3], x[1]))  # by table and row, as read
    for check, column, k, row in found_rows:
        code = CODES.get(check) or ROW_CODES.get(column, "schema")
        if found.wants(code):
            table = tables[k]
            found.kept[code].append(Problem(code, table.name, "unit", row,
                                            table.text(row, "unit")))


def formats(table, found: Found) -> None:
    """Numeric cells that are not numbers of their column's kind."""
    for name, a in table.columns.items():
        col = table.spec.column(name)
        test, words = FORMATS.get(col.format, (None, ""))
        if test is None:
            continue
        bad = np.flatnonzero((a.state == INVALID) | ((a.state == NUMBER) & ~test(a.val)))
        for row in bad[:found.wants("not-a-number", len(bad))].tolist():
            found.kept["not-a-number"].append(Problem("not-a-number", table.name, name, row,
                                                      table.text(row, name), words))
