"""Load a period folder: its descriptor, every appendix CSV as printed, and the prose.

Nothing here judges the data; it reads it faithfully and remembers, for every row, the
physical line it came from.  Input that cannot be read at all raises InputError (exit 2).
"""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from . import numbers, yamlsource
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

    def cell(self, row: int, column: str) -> Cell:
        col = self.spec.column(column)
        keys = self.__dict__.get("_key_list")
        if keys is None:  # plain lists: a finding on a long column sum names every row
            keys = self.__dict__["_key_list"] = [str(k) for k in self.key().tolist()]
            self.__dict__["_line_list"] = [int(n) for n in list(self.lines)]
        return Cell(self.file, self.__dict__["_line_list"][row], column, keys[row],
                    col.title if col else column)

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
    prose_file: str | None
    extra_files: list[str]

    def cell(self, ref: tuple[str, int, str]) -> Cell:
        """The Cell of a (table, row, column) reference."""
        return self.tables[ref[0]].cell(ref[1], ref[2])


def load(root: Path, form: Form) -> Period:
    root = Path(root)
    if not root.is_dir():
        raise InputError(root, "period folder not found")
    meta_path = root / "period.yaml"
    if not meta_path.exists():
        raise InputError(root, "not a period folder: period.yaml is missing")
    meta = yamlsource.load(meta_path, "period").data
    matcher = _UnitMatcher(form)
    present = [s for s in form.tables.values() if (root / s.path).exists()]
    missing = {s.name: s.path for s in form.tables.values() if s not in present}
    # Arrow reads and parses without the GIL: tables load side by side
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        loaded = pool.map(lambda s: _load_table(root / s.path, s, matcher), present)
        tables = {s.name: t for s, t in zip(present, loaded, strict=True)}
    if not tables:
        raise InputError(root, "no appendix table of checks/tables.yaml is in this folder")
    known = {s.path for s in form.tables.values()} | {"period.yaml", "bulletin.md", "source.txt"}
    extra = sorted(p.name for p in root.iterdir() if p.is_file() and p.name not in known)
    prose = "bulletin.md" if (root / "bulletin.md").exists() else None
    return Period(root, str(meta.get("period", root.name)), meta, tables, missing, prose, extra)


def read_text(path: Path) -> str:
    """Read a UTF-8 file; an undecodable byte is an InputError naming its line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                         line) from None
    # old-Mac CR and Windows CRLF line ends count as one line end each
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


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


def _read_fast(text: str) -> pd.DataFrame | None:
    """Arrow's multithreaded reader, for the plain case: no quotes, no blank lines, no short
    rows (then every data row i sits on line i + 2).  None when the file needs `_read_slow`."""
    body = text.rstrip("\n")
    if '"' in body or "\n\n" in body or "\r" in body:
        return None
    header = next(csv.reader([body.split("\n", 1)[0]]))
    if len(set(header)) != len(header):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pa_csv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    return table.to_pandas()


def _read_slow(path: Path, text: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Python's csv module: any quoting; short rows are padded and marked ragged."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(path, f"not a readable CSV: {exc}") from None
    if not rows:
        raise InputError(path, "file is empty: expected a header row", 1)
    header, data = rows[0], rows[1:]
    if any("\n" in c for r in rows for c in r):
        raise InputError(path, "a quoted cell spans lines; one row per line is expected")
    lines = [i + 2 for i, r in enumerate(data) if r]  # blank lines hold no row
    data = [r for r in data if r]
    for r, line in zip(data, lines, strict=False):
        if len(r) > len(header):
            raise InputError(path, f"{len(r)} cells but the header has {len(header)}", line)
    ragged = np.array([len(r) < len(header) for r in data], dtype=bool)
    frame = pd.DataFrame([r + [""] * (len(header) - len(r)) for r in data], columns=header,
                         dtype=str)
    return frame, np.array(lines, dtype=np.int64), ragged


def _load_table(path: Path, spec: TableSpec, match_units: _UnitMatcher) -> Table:
    text = read_text(path)
    if not text.strip():
        raise InputError(path, "file is empty: expected a header row", 1)
    raw = _read_fast(text)
    if raw is not None:
        lines, ragged = np.arange(len(raw)) + 2, np.zeros(len(raw), dtype=bool)
    else:
        raw, lines, ragged = _read_slow(path, text)
    raw.columns = [str(c).strip() for c in raw.columns]
    twice = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if twice:
        raise InputError(path, f"column {twice[0]!r} appears twice in the header", 1)
    if "unit" in raw:
        units, types = match_units(raw["unit"], spec.unit_types)
    else:
        units = types = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    table = Table(spec, path.name, raw, lines, units, types, pd.Series(ragged, index=raw.index))
    for col in spec.numeric_columns:
        if col.name in raw and raw.columns.tolist().count(col.name) == 1:
            table.columns[col.name], table.convention[col.name] = _numeric(raw[col.name], col, spec)
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
