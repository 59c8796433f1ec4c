"""The units registry: every printed row label mapped to one canonical unit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from . import yamlsource
from .model import InputError

TYPES = ("total", "district", "cross", "park")

_NOISE = re.compile(r"[\s()\[\]{}<>]+")


def normalise(name: str) -> str:
    """Fold the spellings the source uses: NFKC (full-width to ASCII), no spaces, no brackets."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(name)))


def normalise_many(names: list[str]) -> list[str]:
    """`normalise` over many names at once, in Arrow's kernels."""
    folded = pc.utf8_normalize(pa_arrow.array(names, type=pa_arrow.string()), "NFKC")
    return pc.replace_substring_regex(folded, _NOISE.pattern, "").to_pylist()


@dataclass(frozen=True)
class Unit:
    name: str
    type: str
    district: str | None = None


class Registry:
    def __init__(self, units: list[Unit], spellings: dict[tuple[str, str], Unit]):
        self.units = units
        self._spellings = spellings  # (type, normalised spelling) -> unit

    def match(self, printed: str, types: tuple[str, ...], key: str | None = None) -> Unit | None:
        """The unit a printed label names among `types` (`key`: its normalised form)."""
        key = normalise(printed) if key is None else key
        for t in types:
            unit = self._spellings.get((t, key))
            if unit:
                return unit
        return None

    def spellings(self, types: tuple[str, ...]) -> set[str]:
        return {s for (t, s) in self._spellings if t in types}


def load(checks_dir: Path) -> Registry:
    """checks/units.yaml (commented, for a handful of units) or checks/units.csv (a table
    for thousands: columns name, type, district, aliases separated by |) — not both."""
    yaml_path, csv_path = checks_dir / "units.yaml", checks_dir / "units.csv"
    if yaml_path.exists() and csv_path.exists():
        raise InputError(checks_dir, "both units.yaml and units.csv: keep one registry")
    if csv_path.exists():
        return _build(csv_path, _read_csv(csv_path))
    src = yamlsource.load(yaml_path, "units")
    entries = [(e["name"], e["type"], e.get("district"), e.get("aliases", []))
               for e in src.data["units"]]
    return _build(yaml_path, entries, lambda i: src.line("units", i))


def _read_csv(path: Path) -> list[tuple]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    schema = pa.DataFrameSchema({
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "type": pa.Column(str, pa.Check.isin(TYPES)),
        "district": pa.Column(str, required=False),
        "aliases": pa.Column(str, required=False),
    }, strict=True)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        case = exc.failure_cases.iloc[0]
        line = None if pd.isna(case["index"]) else int(case["index"]) + 2
        raise InputError(path, f"{case['column']}: {case['check']} fails for "
                         f"{case['failure_case']!r}", line) from None
    empty = [""] * len(frame)
    district = frame["district"].tolist() if "district" in frame else empty
    aliases = frame["aliases"].tolist() if "aliases" in frame else empty
    return [(n, t, d or None, [a for a in al.split("|") if a]) for n, t, d, al
            in zip(frame["name"].tolist(), frame["type"].tolist(), district, aliases, strict=True)]


def _build(path: Path, entries: list[tuple], line=lambda i: i + 2) -> Registry:
    units, spellings = [], {}
    flat = [(i, s) for i, e in enumerate(entries) for s in [e[0], *e[3]]]
    keys = iter(normalise_many([s for _, s in flat]))
    for i, (name, kind, district, aliases) in enumerate(entries):
        unit = Unit(name, kind, district)
        units.append(unit)
        for spelling in [name, *aliases]:
            key = (kind, next(keys))
            if key in spellings and spellings[key] != unit:
                raise InputError(path, f"spelling {spelling!r} names two {kind} units", line(i))
            spellings[key] = unit
    return Registry(units, spellings)
