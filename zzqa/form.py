"""The bulletin's form: table descriptions (checks/tables.yaml) and units (checks/units.yaml).

The form is the same every period; a period folder holds only values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import units as units_mod
from . import yamlsource
from .model import InputError

NUMERIC_KINDS = ("count", "amount", "percent", "score", "rank", "change")
# change: a signed figure (a growth rate, a profit that may be a loss): no least value
EXACT_KINDS = ("count", "rank")  # integers: no rounding interval
MINIMUM = {"count": 0, "amount": 0, "percent": 0, "rank": 1}  # least value a kind allows


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    kind: str
    max_points: float | None = None
    integer: bool = False  # declared `type: integer`: printed values are whole and exact
    blank_is_zero: bool = False  # a blank cell of this column is 0 (加分项 left empty)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def exact(self) -> bool:
        """Printed values are exact (no rounding interval): counts, ranks, and any numeric
        column the form declares as `type: integer` (e.g. scores awarded in whole points)."""
        return self.kind in EXACT_KINDS or (self.numeric and self.integer)

    @property
    def minimum(self) -> float | None:
        """The least value the column allows: its kind's (MINIMUM), or 0 for a score out of
        the points its header prints; None for other scores (加分项, 扣分项)."""
        if self.kind == "score" and self.max_points is not None:
            return 0
        return MINIMUM.get(self.kind)

    @property
    def format(self) -> str:
        """The schema's format check for the column (zzqa/schema.py FORMATS)."""
        return "points" if self.kind == "score" and self.integer else self.kind


@dataclass(frozen=True)
class TableSpec:
    name: str
    path: str
    title: str
    appendix: int | None
    unit_of_measure: str
    unit_types: tuple[str, ...]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    blank_is_zero: bool = False

    def column(self, name: str) -> Column | None:
        by_name = self.__dict__.get("_by_name")
        if by_name is None:  # frozen: the index is kept beside the fields
            by_name = {c.name: c for c in self.columns}
            object.__setattr__(self, "_by_name", by_name)
        return by_name.get(name)

    @property
    def numeric_columns(self) -> list[Column]:
        return [c for c in self.columns if c.numeric]


@dataclass(frozen=True)
class Form:
    tables: dict[str, TableSpec]
    units: units_mod.Registry
    source: Path
    recognisers: tuple | None = None  # checks/prose.yaml compiled (zzqa/compiled.py)


def load(checks_dir: Path) -> Form:
    tables_path = checks_dir / "tables.yaml"
    src = yamlsource.load(tables_path, "tables")
    tables: dict[str, TableSpec] = {}
    for i, res in enumerate(src.data["resources"]):
        schema = res["schema"]
        columns = tuple(
            Column(f["name"], f["title"], f["kind"], f.get("max_points"), f["type"] == "integer",
                   bool(f.get("blank_is_zero", False)))
            for f in schema["fields"]
        )
        names = [c.name for c in columns]
        line = src.line("resources", i)
        if res["name"] in tables:
            raise InputError(tables_path, f"duplicate table {res['name']!r}", line)
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise InputError(tables_path, f"duplicate column {sorted(dupes)[0]!r}", line)
        key = tuple(schema.get("primaryKey", ["unit"]))
        for k in key:
            if k not in names:
                raise InputError(tables_path, f"primaryKey column {k!r} is not a field",
                                 src.line("resources", i, "schema", "primaryKey"))
        if "unit" not in names:
            raise InputError(tables_path, "a table needs a 'unit' column", line)
        tables[res["name"]] = TableSpec(
            name=res["name"], path=res["path"], title=res["title"], appendix=res.get("appendix"),
            unit_of_measure=res.get("unit_of_measure", ""),
            unit_types=("total", *res.get("units", ["district", "cross"])),
            key=key, columns=columns, blank_is_zero=res.get("blank_is_zero", False),
        )
    registry = units_mod.load(checks_dir)
    for spec in tables.values():  # compiled now, cached with the form
        registry.prepare(spec.unit_types)
    return Form(tables, registry, checks_dir)
