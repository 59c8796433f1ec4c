"""Load a period folder: its descriptor, every appendix CSV as printed, and the prose.

Nothing here judges the data; it reads it faithfully and remembers, for every row, the
physical line it came from.  Input that cannot be read at all raises InputError (exit 2).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import numbers, yamlsource
from .form import Form, TableSpec
from .model import STRICT, Cell, InputError


NUMBER, ZERO_MARKER, BLANK, INVALID = 0, 1, 2, 3


@dataclass(frozen=True)
class Arrays:
    """A numeric column as numpy arrays: scaled value, half-widths per reading, cell state.

    state: NUMBER; ZERO_MARKER for "-" (not applicable) and "/" (not assessed), which
    arithmetic reads as an exact 0 (there is nothing to count); BLANK (unknown value);
    INVALID (not a number: a schema finding).
    """

    val: np.ndarray
    half_strict: np.ndarray
    half_loose: np.ndarray
    state: np.ndarray


def _arrays(table: "Table", column: str) -> Arrays:
    col = table.spec.column(column)
    scaled = table.scaled[column]
    dec = table.decimals[column].fillna(0).to_numpy(dtype=np.int64)
    text = table.raw[column].str.strip().to_numpy()
    state = np.full(len(text), INVALID, dtype=np.int8)
    state[scaled.notna().to_numpy()] = NUMBER
    state[(text == "-") | (text == "/")] = ZERO_MARKER
    state[(text == "") & scaled.isna().to_numpy()] = BLANK
    val = scaled.fillna(0).to_numpy(dtype=np.int64)
    if col.exact:
        zero = np.zeros(len(val), dtype=np.int64)
        return Arrays(val, zero, zero, state)
    conv = table.convention[column]
    loose = numbers.half_widths(np.minimum(dec, numbers.SCALE - 1))
    strict = numbers.half_widths(np.minimum(np.maximum(dec, conv), numbers.SCALE - 1))
    number = state == NUMBER
    return Arrays(val, np.where(number, strict, 0), np.where(number, loose, 0), state)


@dataclass
class Table:
    spec: TableSpec
    file: str  # relative to the period folder
    raw: pd.DataFrame  # every cell as printed (str), columns as in the file
    lines: np.ndarray  # 1-based physical line of each row
    units: pd.Series  # canonical unit name per row, None where unknown
    unit_types: pd.Series  # unit type per row, None where unknown
    ragged: pd.Series  # rows with fewer cells than the header
    scaled: dict[str, pd.Series] = field(default_factory=dict)  # Int64, <NA> when not a number
    decimals: dict[str, pd.Series] = field(default_factory=dict)
    convention: dict[str, int] = field(default_factory=dict)  # usual decimals per column
    _arrays: dict[str, "Arrays"] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def is_total(self) -> pd.Series:
        return self.unit_types == "total"

    def has(self, column: str) -> bool:
        return column in self.scaled

    def key(self) -> pd.Series:
        """The row key: canonical unit, plus the other primary-key columns (appendix 8)."""
        key = self.units.where(self.units.notna(), self.raw["unit"]) if "unit" in self.raw \
            else pd.Series("?", index=self.raw.index)
        for k in self.spec.key:
            if k != "unit" and k in self.raw:
                key = key + "/" + self.raw[k]
        return key

    def cell(self, row: int, column: str) -> Cell:
        col = self.spec.column(column)
        unit = self.units.iloc[row] or str(self.raw["unit"].iloc[row])
        if "category" in self.raw:
            unit = f"{unit}/{self.raw['category'].iloc[row]}"
        return Cell(self.file, int(self.lines[row]), column, unit, col.title if col else column)

    def arrays(self, column: str) -> "Arrays":
        """Numpy view of a numeric column for interval arithmetic (cached)."""
        if column not in self._arrays:
            self._arrays[column] = _arrays(self, column)
        return self._arrays[column]

    def interval(self, row: int, column: str, reading: str) -> tuple[int, int] | None:
        """Scaled interval of one cell under a reading; None when the cell holds no value."""
        a = self.arrays(column)
        if a.state[row] >= BLANK:
            return None
        h = int(a.half_strict[row] if reading == STRICT else a.half_loose[row])
        return int(a.val[row]) - h, int(a.val[row]) + h

    def underprinted(self, row: int, column: str) -> bool:
        a = self.arrays(column)
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


def load(root: Path, form: Form) -> Period:
    root = Path(root)
    if not root.is_dir():
        raise InputError(root, "period folder not found")
    meta_path = root / "period.yaml"
    if not meta_path.exists():
        raise InputError(root, "not a period folder: period.yaml is missing")
    meta = yamlsource.load(meta_path, "period").data
    tables, missing = {}, {}
    for spec in form.tables.values():
        path = root / spec.path
        if not path.exists():
            missing[spec.name] = spec.path
            continue
        tables[spec.name] = _load_table(path, spec, form)
    if not tables:
        raise InputError(root, "no appendix table of checks/tables.yaml is in this folder")
    known = {s.path for s in form.tables.values()} | {"period.yaml", "bulletin.md", "source.txt"}
    extra = sorted(p.name for p in root.iterdir() if p.is_file() and p.name not in known)
    prose = "bulletin.md" if (root / "bulletin.md").exists() else None
    return Period(root, str(meta.get("period", root.name)), meta, tables, missing, prose, extra)


def read_text(path: Path) -> str:
    """Read a UTF-8 file; an undecodable byte is an InputError naming its line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                         line) from None
    return text.removeprefix("\ufeff")


def _field_counts(text: str, rows: int) -> np.ndarray:
    """Cells per data row as written (pandas pads short rows with blanks silently)."""
    lines = text.split("\n")[1 : rows + 1]
    if '"' in text:
        return np.array([len(r) for r in csv.reader(lines)] + [0] * (rows - len(lines)))
    return pd.Series(lines, dtype=str).str.count(",").to_numpy() + 1


def _load_table(path: Path, spec: TableSpec, form: Form) -> Table:
    text = read_text(path)
    if not text.strip():
        raise InputError(path, "file is empty: expected a header row", 1)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                          skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(path, f"not a readable CSV: {exc}") from None
    if raw.map(lambda v: isinstance(v, str) and "\n" in v).to_numpy().any():
        raise InputError(path, "a quoted cell spans lines; one row per line is expected")
    raw.columns = [str(c).strip() for c in raw.columns]
    ragged = pd.Series(_field_counts(text, len(raw)) < len(raw.columns), index=raw.index)
    raw = raw.fillna("")
    lines = np.arange(len(raw)) + 2  # header is line 1, no blank or multi-line rows
    if "unit" in raw:
        found = [form.units.match(u, spec.unit_types) for u in raw["unit"]]
        units = pd.Series([u.name if u else None for u in found], index=raw.index, dtype=object)
        types = pd.Series([u.type if u else None for u in found], index=raw.index, dtype=object)
    else:
        units = types = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    table = Table(spec, path.name, raw, lines, units, types, ragged)
    for col in spec.numeric_columns:
        if col.name not in raw:
            continue
        parsed = numbers.parse_series(raw[col.name])
        table.scaled[col.name] = parsed["scaled"]
        table.decimals[col.name] = parsed["decimals"]
        table.convention[col.name] = numbers.usual_decimals(parsed["decimals"])
        if spec.blank_is_zero:
            blank = raw[col.name].str.strip() == ""
            table.scaled[col.name] = parsed["scaled"].mask(blank, 0)
            table.decimals[col.name] = parsed["decimals"].mask(blank, 0)
    return table
