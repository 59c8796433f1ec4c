"""A period: its tables as printed and parsed (units, numbers), and its prose.

The readers (zzqa/readers) read each format; here every table gets its canonical units
and parsed numeric columns.  Nothing here judges the data; every row remembers where it
came from.  Input that cannot be read at all raises InputError (exit 2).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import numbers, readers
from . import units as units_mod
from .form import Form, TableSpec
from .model import STRICT, Cell, InputError
from .numbers import BLANK, INVALID, NUMBER, ZERO_MARKER  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Arrays:
    """A numeric column for interval arithmetic: scaled values, half-widths per reading
    (strict: at least the column's usual decimals; loose: the decimals shown), cell state."""

    val: np.ndarray
    half_strict: np.ndarray
    half_loose: np.ndarray
    state: np.ndarray
    decimals: np.ndarray


@dataclass
class Table:
    spec: TableSpec
    file: str  # relative to the period folder
    raw: pd.DataFrame  # every cell as printed (str), columns as in the file
    lines: np.ndarray  # 1-based physical line of each row
    units: pd.Series  # canonical unit name per row, None where unknown
    unit_types: pd.Series  # unit type per row, None where unknown
    ragged: pd.Series  # rows with fewer cells than the header
    columns: dict[str, Arrays] = field(default_factory=dict)  # numeric columns present
    convention: dict[str, int] = field(default_factory=dict)  # usual decimals per column
    _key: pd.Series | None = field(default=None, repr=False)
    _unit_index: tuple | None = field(default=None, repr=False)
    _is_total: pd.Series | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def is_total(self) -> pd.Series:
        if self._is_total is None:
            self._is_total = self.unit_types == "total"
        return self._is_total

    def has(self, column: str) -> bool:
        return column in self.columns

    def rows_of(self, units: list[str]) -> np.ndarray:
        """Row position of each canonical unit (its first row), -1 where it has none."""
        if self._unit_index is None:
            first = self.units[self.units.notna()].drop_duplicates()
            self._unit_index = pd.Index(first.to_numpy(dtype=object)), first.index.to_numpy()
        index, positions = self._unit_index
        found = index.get_indexer(units)
        return np.where(found >= 0, positions[found], -1).astype(np.int64)

    def arrays(self, column: str) -> Arrays:
        return self.columns[column]

    def key(self) -> pd.Series:
        """The row key: canonical unit, plus the other primary-key columns (appendix 8)."""
        if self._key is None:
            key = self.units.where(self.units.notna(), self.raw.get("unit", "?")).astype(str)
            for k in self.spec.key:
                if k != "unit" and k in self.raw:
                    key = key + "/" + self.raw[k].astype(str)
            self._key = key
        return self._key

    def label(self, row: int) -> str:
        """The row key of one row (see `key`), as text."""
        self._lists()
        return self.__dict__["_key_list"][row]

    def _lists(self) -> None:
        if "_key_list" not in self.__dict__:  # plain lists: a finding on a long column sum
            self.__dict__["_key_list"] = [str(k) for k in self.key().tolist()]  # names every row
            self.__dict__["_line_list"] = [int(n) for n in list(self.lines)]

    def cell(self, row: int, column: str) -> Cell:
        col = self.spec.column(column)
        self._lists()
        return Cell(self.file, self.__dict__["_line_list"][row], column,
                    self.__dict__["_key_list"][row], col.title if col else column)

    def interval(self, row: int, column: str, reading: str) -> tuple[int, int] | None:
        """Scaled interval of one cell under a reading; None when the cell holds no value."""
        a = self.columns[column]
        if a.state[row] >= BLANK:
            return None
        h = int(a.half_strict[row] if reading == STRICT else a.half_loose[row])
        return int(a.val[row]) - h, int(a.val[row]) + h

    def underprinted(self, row: int, column: str) -> bool:
        a = self.columns[column]
        return bool(a.state[row] == NUMBER and a.half_loose[row] > a.half_strict[row])

    def text(self, row: int, column: str) -> str:
        return str(self.raw[column].iloc[row]) if column in self.raw else ""


@dataclass
class Period:
    root: Path
    name: str
    meta: dict
    tables: dict[str, Table]
    missing_tables: dict[str, str]  # table id -> expected file
    prose: str | None  # the prose as text, None when the period has none
    prose_file: str | None
    extra_files: list[str]

    def cell(self, ref: tuple[str, int, str]) -> Cell:
        """The Cell of a (table, row, column) reference."""
        return self.tables[ref[0]].cell(ref[1], ref[2])


def load(path: Path, form: Form) -> Period:
    """Read a period in whatever format `path` is (zzqa/readers) and parse its tables."""
    source = readers.read(Path(path), form)
    if not source.tables:
        raise InputError(source.root, "no appendix table of checks/tables.yaml is in this "
                         "folder")
    matcher = _UnitMatcher(form)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        specs = [form.tables[name] for name in source.tables]
        built = pool.map(lambda s: _table(source.tables[s.name], s, matcher), specs)
        tables = {s.name: t for s, t in zip(specs, built, strict=True)}
    return Period(source.root, source.name, source.meta, tables, source.missing, source.prose,
                  source.prose_file, source.extra)


class _UnitMatcher:
    """Row labels to canonical units: each distinct label is looked up once per set of unit
    types, then whole columns are mapped through dictionaries (no per-row Python)."""

    def __init__(self, form: Form):
        self.registry, self.memo = form.units, {}

    def __call__(self, labels: pd.Series, types: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
        memo = self.memo.setdefault(types, {})
        codes, distinct = pd.factorize(labels)
        distinct = distinct.tolist()  # one bulk conversion; Arrow-backed element access is slow
        new = [label for label in distinct if label not in memo]
        for label, key in zip(new, units_mod.normalise_many(new), strict=True):
            memo[label] = self.registry.match(label, types, key)
        found = [memo[label] for label in distinct]
        names = np.array([u.name if u else None for u in found] + [None], dtype=object)
        kinds = np.array([u.type if u else None for u in found] + [None], dtype=object)
        return (pd.Series(names[codes], index=labels.index, dtype=object),
                pd.Series(kinds[codes], index=labels.index, dtype=object))


def _table(raw, spec: TableSpec, match_units: _UnitMatcher) -> Table:
    """A table read by any reader, with canonical units and parsed numeric columns."""
    frame = raw.frame
    if "unit" in frame:
        units, types = match_units(frame["unit"], spec.unit_types)
    else:
        units = types = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    table = Table(spec, raw.file, frame, raw.lines, units, types,
                  pd.Series(raw.ragged, index=frame.index))
    for col in spec.numeric_columns:
        if col.name in frame:
            table.columns[col.name], table.convention[col.name] = _numeric(frame[col.name], col,
                                                                           spec)
    return table


def _numeric(texts: pd.Series, col, spec: TableSpec) -> tuple[Arrays, int]:
    parsed = numbers.parse_array(texts)
    val, dec, state = parsed.scaled, parsed.decimals, parsed.state
    if spec.blank_is_zero:
        state = np.where(state == BLANK, NUMBER, state).astype(np.int8)
    conv = numbers.usual_decimals(dec[state == NUMBER])
    if col.exact:
        zero = np.zeros(len(val), dtype=np.int64)
        return Arrays(val, zero, zero, state, dec), conv
    top = numbers.SCALE - 1
    number = state == NUMBER
    loose = np.where(number, numbers.half_widths(np.minimum(dec, top)), 0)
    strict = np.where(number, numbers.half_widths(np.minimum(np.maximum(dec, conv), top)), 0)
    return Arrays(val, strict, loose, state, dec), conv
