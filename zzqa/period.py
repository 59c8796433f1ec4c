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
import pyarrow as pa
import pyarrow.compute as pc

from . import numbers, readers
from . import units as units_mod
from .form import Form, TableSpec
from .model import LOOSE, STRICT, Cell, InputError
from .numbers import BLANK, INVALID, NUMBER, ZERO_MARKER  # noqa: F401  (re-exported)

BATCH = 2**20  # cells parsed in one pass of Arrow's kernels
HALVES = numbers.half_widths(np.arange(numbers.SCALE))  # half a unit of each last place
HALVES_OR_0 = np.append(HALVES, 0)  # ... and 0 for a cell read as exact


@dataclass(frozen=True)
class Arrays:
    """A numeric column for interval arithmetic: scaled values, the decimals each cell
    shows, its state, and the column's usual decimals.  A cell stands for its value ± half
    a unit of its last place, read at the decimals it shows (loose) or at least at the
    column's (strict); counts, ranks and whole points are exact.  Ten bytes a cell: the
    half-widths are computed where they are needed."""

    val: np.ndarray  # int64, scaled by 10**SCALE
    state: np.ndarray  # int8: NUMBER, ZERO_MARKER, BLANK, INVALID
    decimals: np.ndarray  # int8, as printed
    convention: int = 0
    exact: bool = False

    def half(self, reading: str, rows=slice(None)) -> np.ndarray:
        """Half-widths of the cells `rows` under a reading (0 where not a number)."""
        places, same = self._places(reading)
        if same is not None:  # every cell read at the same decimals: no gather
            return np.full(_count(rows, len(self.val)), HALVES_OR_0[same], dtype=np.int64)
        return HALVES_OR_0[places[rows]]

    def _places(self, reading: str) -> tuple[np.ndarray, int | None]:
        """Per cell, the decimals a reading reads it at, as an index into HALVES_OR_0 (its
        last entry, 0, for a cell that is not a number or is exact): one byte a cell,
        computed once per column and reading; and that index when every cell has the same
        (the common case: a column printed to one convention, every cell a number)."""
        cache = self.__dict__.setdefault("_place_cache", {})  # frozen: kept beside the fields
        if reading not in cache:
            d = self.decimals if reading == LOOSE else np.maximum(self.decimals, self.convention)
            places = np.minimum(d, numbers.SCALE - 1).astype(np.int8)
            none = (self.state != NUMBER) | self.exact
            places = np.where(none, numbers.SCALE, places).astype(np.int8)
            same = (int(places[0]) if len(places) and places.min() == places.max()
                    else None)
            cache[reading] = places, same
        return cache[reading]

    def half_at(self, row: int, reading: str) -> int:
        if self.exact or self.state[row] != NUMBER:
            return 0
        d = int(self.decimals[row])
        d = max(d, self.convention) if reading == STRICT else d
        return int(HALVES[min(d, numbers.SCALE - 1)])

    def bounds(self, reading: str, rows=slice(None)) -> tuple[np.ndarray, np.ndarray]:
        """Low and high ends of the cells `rows` under a reading."""
        places, same = self._places(reading)
        val = self.val[rows]
        half = HALVES_OR_0[same] if same is not None else HALVES_OR_0[places[rows]]
        return val - half, val + half


def _count(rows, n: int) -> int:
    """How many cells `rows` (a slice, positions or a mask over n cells) selects."""
    if isinstance(rows, slice):
        return len(range(n)[rows])
    rows = np.asarray(rows)
    return int(np.count_nonzero(rows)) if rows.dtype == bool else len(rows)


@dataclass
class Table:
    spec: TableSpec
    file: str  # relative to the period folder
    raw: pd.DataFrame  # every cell as printed (str), columns as in the file
    lines: np.ndarray  # 1-based physical line of each row
    units: pd.Series  # canonical unit name per row, None where unknown
    unit_types: pd.Series  # unit type per row, None where unknown
    ragged: pd.Series  # rows with fewer cells than the header
    codes: np.ndarray  # a code per canonical unit name (units.Registry.lookup), -1 unknown
    plain: bool = False  # each line is its cells joined by commas (readers.RawTable.plain)
    address: object = None  # (row, column id) -> the cell as the document names it
    stored: dict = field(default_factory=dict)  # (row, column id) -> a workbook's stored value
    where: str = ""  # the table as the user finds it, when not its file ("book.xlsx, Sheet3")
    columns: dict[str, Arrays] = field(default_factory=dict)  # numeric columns present
    convention: dict[str, int] = field(default_factory=dict)  # usual decimals per column
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

    def rows_of(self, codes: np.ndarray) -> np.ndarray:
        """Row position of each unit code (its first row), -1 where it has none."""
        if self._unit_index is None:
            known = np.flatnonzero(self.codes >= 0)
            distinct, first = np.unique(self.codes[known], return_index=True)
            self._unit_index = distinct, known[first]
        distinct, positions = self._unit_index
        if not len(distinct):
            return np.full(len(codes), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(distinct, codes), len(distinct) - 1)
        return np.where(distinct[at] == codes, positions[at], -1).astype(np.int64)

    def units_in_order(self, rows: np.ndarray) -> np.ndarray:
        """The rows of `rows` that are the first of a known unit, in the table's order."""
        rows = rows[self.codes[rows] >= 0]
        _, first = np.unique(self.codes[rows], return_index=True)
        return rows[np.sort(first)]

    def arrays(self, column: str) -> Arrays:
        return self.columns[column]

    def key(self) -> pd.Series:
        """The row keys (see `label`) as a Series."""
        self._lists()
        return pd.Series(self.__dict__["_key_list"], index=self.raw.index, dtype=object)

    def row_of(self, key: str) -> int | None:
        """The row whose key (see `label`) is `key`; None when no row or several have it."""
        if "_key_rows" not in self.__dict__:
            self._lists()
            rows: dict = {}
            for row, k in enumerate(self.__dict__["_key_list"]):
                rows[k] = None if k in rows else row
            self.__dict__["_key_rows"] = rows
        return self.__dict__["_key_rows"].get(key)

    def label(self, row: int) -> str:
        """The row key of one row: its canonical unit (the label as printed when the unit
        is unknown), then the other primary-key columns (appendix 8's category), "/" between."""
        self._lists()
        return self.__dict__["_key_list"][row]

    def _lists(self) -> None:
        """Plain lists, made once a finding names a row: a finding on a long column sum
        names every row.  A known unit's key is its canonical name, shared with the
        registry: a million rows add a list, not a million strings."""
        if "_key_list" not in self.__dict__:
            n = len(self.raw)
            printed = self.raw["unit"].tolist() if "unit" in self.raw else ["?"] * n
            keys = [str(p) if u is None else u
                    for u, p in zip(self.units.tolist(), printed, strict=True)]
            del printed
            for k in self.spec.key:
                if k != "unit" and k in self.raw:
                    keys = [f"{a}/{b}" for a, b in zip(keys, self.raw[k].tolist(), strict=True)]
            self.__dict__["_key_list"] = keys
            self.__dict__["_line_list"] = np.asarray(self.lines).tolist()

    def cell(self, row: int, column: str) -> Cell:
        col = self.spec.column(column)
        self._lists()
        return Cell(self.file, self.__dict__["_line_list"][row], column,
                    self.__dict__["_key_list"][row], col.title if col else column,
                    self.offset(row, column),
                    self.address(row, column) if self.address is not None else "")

    def offset(self, row: int, column: str) -> int:
        """The 1-based character column the cell's text starts at in its line (a plain
        CSV line: the cells before it and their commas); 0 when it cannot be told."""
        if not self.plain:
            return 0
        if "_starts" not in self.__dict__:  # every cell's start, a column at a time (Arrow)
            import pyarrow as pa
            import pyarrow.compute as pc
            starts, at = {}, np.ones(len(self.raw), dtype=np.int64)
            for name in self.raw.columns:
                starts[name] = at
                texts = pa.array(self.raw[name], type=pa.string())
                at = at + pc.utf8_length(texts).to_numpy(zero_copy_only=False) + 1
            self.__dict__["_starts"] = starts
        starts = self.__dict__["_starts"].get(column)
        return 0 if starts is None else int(starts[row])

    def interval(self, row: int, column: str, reading: str) -> tuple[int, int] | None:
        """Scaled interval of one cell under a reading; None when the cell holds no value."""
        a = self.columns[column]
        if a.state[row] >= BLANK:
            return None
        h = a.half_at(row, reading)
        return int(a.val[row]) - h, int(a.val[row]) + h

    def underprinted(self, row: int, column: str) -> bool:
        a = self.columns[column]
        return bool(a.state[row] == NUMBER and a.half_at(row, LOOSE) > a.half_at(row, STRICT))

    def text(self, row: int, column: str) -> str:
        """A cell as printed ("" for a column the table does not have)."""
        texts = self.__dict__.setdefault("_texts", {})
        if column not in texts:  # each column asked about: Arrow's array, or a plain list
            series = self.raw.get(column)
            arrow = getattr(getattr(series, "array", None), "_pa_array", None)
            texts[column] = (None if series is None else arrow.combine_chunks()
                             if arrow is not None else [str(x) for x in series.tolist()])
        found = texts[column]
        if found is None:
            return ""
        value = found[row] if isinstance(found, list) else found[row].as_py()
        return "" if value is None else str(value)


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
    for name in source.tables:  # made once, before the tables are built side by side
        form.units.lookup(form.tables[name].unit_types)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        specs = [form.tables[name] for name in source.tables]
        built = pool.map(lambda s: _table(source.tables[s.name], s, matcher), specs)
        tables = {s.name: t for s, t in zip(specs, built, strict=True)}
    return Period(source.root, source.name, source.meta, tables, source.missing, source.prose,
                  source.prose_file, source.extra)


class _UnitMatcher:
    """Row labels to canonical units, whole columns at once in Arrow's kernels: each label
    normalised (units.normalise), then looked up among the registry's spellings."""

    def __init__(self, form: Form):
        self.registry = form.units

    def __call__(self, labels: pd.Series, types: tuple[str, ...]):
        keys, names, kinds, codes, stable = self.registry.lookup(types)
        printed = pa.array(labels, type=pa.string())
        # a label printed as a spelling in normal form is that spelling: only the others
        # are normalised (NFKC and a regular expression: the costly part)
        found = pc.fill_null(pc.index_in(printed, value_set=keys), -1).to_numpy(
            zero_copy_only=False).astype(np.int64)  # -1 picks the trailing None
        found[found >= 0] = np.where(stable[found[found >= 0]], found[found >= 0], -1)
        other = np.flatnonzero(found < 0)
        if len(other):
            norm = units_mod.normalise_array(printed.take(pa.array(other)))
            found[other] = pc.fill_null(pc.index_in(norm, value_set=keys), -1).to_numpy(
                zero_copy_only=False)
        return (pd.Series(names[found], index=labels.index, dtype=object),
                pd.Series(kinds[found], index=labels.index, dtype=object), codes[found])


def _table(raw, spec: TableSpec, match_units: _UnitMatcher) -> Table:
    """A table read by any reader, with canonical units and parsed numeric columns."""
    frame = raw.frame
    if "unit" in frame:
        units, types, codes = match_units(frame["unit"], spec.unit_types)
    else:
        units = types = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        codes = np.full(len(frame), -1, dtype=np.int64)
    table = Table(spec, raw.file, frame, raw.lines, units, types,
                  pd.Series(raw.ragged, index=frame.index), codes, raw.plain,
                  raw.address, raw.stored, raw.where)
    present = [col for col in spec.numeric_columns if col.name in frame]
    n = max(len(frame), 1)
    per_batch = max(BATCH // n, 1)  # columns parsed together: few kernel calls, bounded memory
    for start in range(0, len(present), per_batch):
        batch = present[start:start + per_batch]
        chunks = []
        for col in batch:
            a = pa.array(frame[col.name], type=pa.string())
            chunks += a.chunks if isinstance(a, pa.ChunkedArray) else [a]
        texts = pa.chunked_array(chunks, type=pa.string())
        if len(texts) and not pc.all(pc.string_is_ascii(texts)).as_py():
            texts = pc.utf8_normalize(texts, "NFKC")  # full-width digits, ％ and ． as printed
        parsed = numbers.parse_array(texts)
        for k, col in enumerate(batch):
            part = slice(k * len(frame), (k + 1) * len(frame))
            table.columns[col.name], table.convention[col.name] = _numeric(
                parsed.scaled[part], parsed.decimals[part], parsed.state[part], col, spec)
        del texts, parsed
    # Arrow's pool keeps what the parse freed for reuse; a long period would pile it up
    pa.default_memory_pool().release_unused()
    return table


def _numeric(val: np.ndarray, dec: np.ndarray, state: np.ndarray, col,
             spec: TableSpec) -> tuple[Arrays, int]:
    if spec.blank_is_zero or col.blank_is_zero:  # the table's blanks, or this column's
        state = np.where(state == BLANK, NUMBER, state).astype(np.int8)
    conv = numbers.usual_decimals(dec[state == NUMBER])
    return Arrays(val, state, dec.astype(np.int8), conv, col.exact), conv
