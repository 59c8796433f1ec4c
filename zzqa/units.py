"""The units registry: every printed row label mapped to one canonical unit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import yamlsource
from .model import InputError

TYPES = ("total", "district", "cross", "park")

_NOISE = re.compile(r"[\s()\[\]{}<>]+")


def normalise(name: str) -> str:
    """Fold the spellings the source uses: NFKC (full-width to ASCII), no spaces, no brackets."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(name)))


def normalise_many(names: list[str]) -> list[str]:
    """`normalise` over many names at once, in Arrow's kernels."""
    import pyarrow as pa_arrow
    return normalise_array(pa_arrow.array(names, type=pa_arrow.string())).to_pylist()


def normalise_array(names):
    """`normalise` over an Arrow string array, in Arrow's kernels (an Arrow array back)."""
    import pyarrow.compute as pc  # here: `zzqa explain` unpickles a registry, reads none
    folded = pc.utf8_normalize(names, "NFKC")
    return pc.replace_substring_regex(folded, _NOISE.pattern, "")


@dataclass(frozen=True)
class Unit:
    name: str
    type: str
    district: str | None = None


class Registry:
    """Every unit (name, type, district) by position, and every normalised spelling of each
    type pointing at its unit.  Plain lists and dicts of strings and integers, so that a
    registry of a hundred thousand units pickles and unpickles fast (zzqa/compiled.py)."""

    def __init__(self, units: list[Unit], spellings: dict[str, dict[str, int]]):
        self.names = [u.name for u in units]
        self.types = [u.type for u in units]
        self.districts = [u.district for u in units]
        self._spellings = spellings  # type -> normalised spelling -> unit position
        self._lookups: dict = {}

    @property
    def units(self) -> list[Unit]:
        return [self.unit(i) for i in range(len(self.names))]

    def unit(self, i: int) -> Unit:
        return Unit(self.names[i], self.types[i], self.districts[i])

    def prepare(self, types: tuple[str, ...]) -> None:
        """Build the lookup of `types` now (the form does it for every table's types, so
        that it is compiled and cached with the form)."""
        self.lookup(types)

    def lookup(self, types: tuple[str, ...]):
        """For `match` over whole columns: the normalised spellings of `types` (a list,
        each spelling once, the first type's unit winning as in `match`), the
        canonical name of each, its type, and a code per canonical name (units of the same
        name share a code: tables are matched by name)."""
        if types not in self._lookups:
            chosen: dict[str, int] = {}
            for t in types:
                for spelling, i in self._spellings.get(t, {}).items():
                    chosen.setdefault(spelling, i)
            codes: dict[str, int] = {}
            for name in self.names:
                codes.setdefault(name, len(codes))
            found = np.fromiter(chosen.values(), dtype=np.int64, count=len(chosen))
            names = np.array([*self.names, None], dtype=object)
            kinds = np.array([*self.types, None], dtype=object)
            code = np.array([*(codes[n] for n in self.names), -1], dtype=np.int64)
            found = np.append(found, -1)  # -1: no such spelling, the trailing None
            self._lookups[types] = (list(chosen), names[found], kinds[found], code[found])
        return self._lookups[types]

    def match(self, printed: str, types: tuple[str, ...], key: str | None = None) -> Unit | None:
        """The unit a printed label names among `types` (`key`: its normalised form)."""
        key = normalise(printed) if key is None else key
        for t in types:
            i = self._spellings.get(t, {}).get(key)
            if i is not None:
                return self.unit(i)
        return None

    def spellings(self, types: tuple[str, ...]) -> set[str]:
        return {s for t in types for s in self._spellings.get(t, {})}


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
    import io

    import pandas as pd
    import pandera.pandas as pa

    from . import files
    raw = files.read(path, "yaml")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
                         line) from None
    if not text.strip():
        raise InputError(path, "is empty: expected a header name,type,district,aliases", 1)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(path, f"not a readable CSV: {exc}") from None
    schema = pa.DataFrameSchema({
        "name": pa.Column(str, pa.Check(lambda s: s.str.strip().str.len() > 0,
                                        name="not blank")),
        "type": pa.Column(str, pa.Check.isin(TYPES)),
        "district": pa.Column(str, required=False),
        "aliases": pa.Column(str, required=False),
    }, strict=True)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        case = exc.failure_cases.iloc[0]
        line = 1 if pd.isna(case["index"]) else int(case["index"]) + 2
        if case["check"] == "column_in_schema":
            raise InputError(path, f"column {case['failure_case']!r} is not one of name, type, "
                             "district, aliases", 1) from None
        if case["check"] == "column_in_dataframe":
            raise InputError(path, f"column {case['failure_case']!r} is missing", 1) from None
        raise InputError(path, f"{case['column']}: {case['check']} fails for "
                         f"{case['failure_case']!r}", line) from None
    empty = [""] * len(frame)
    district = frame["district"].tolist() if "district" in frame else empty
    aliases = frame["aliases"].tolist() if "aliases" in frame else empty
    return [(n, t, d or None, [a for a in al.split("|") if a]) for n, t, d, al
            in zip(frame["name"].tolist(), frame["type"].tolist(), district, aliases, strict=True)]


def _build(path: Path, entries: list[tuple], line=lambda i: i + 2) -> Registry:
    units: list[Unit] = []
    spellings: dict[str, dict[str, int]] = {}
    flat = [(i, s) for i, e in enumerate(entries) for s in [e[0], *e[3]]]
    keys = iter(normalise_many([s for _, s in flat]))
    for i, (name, kind, district, aliases) in enumerate(entries):
        unit = Unit(name, kind, district)
        units.append(unit)
        of_kind = spellings.setdefault(kind, {})
        for spelling in [name, *aliases]:
            key = next(keys)
            if key in of_kind and units[of_kind[key]] != unit:
                raise InputError(path, f"spelling {spelling!r} names two {kind} units", line(i))
            of_kind.setdefault(key, i)
    return Registry(units, spellings)
