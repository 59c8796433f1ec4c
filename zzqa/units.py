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


class _Packed:
    """Strings packed for a fast pickle: their UTF-8 bytes one after another and where each
    ends (a registry of a hundred thousand units unpickles in milliseconds, not a tenth of
    a second of Python objects)."""

    __slots__ = ("data", "ends")

    def __init__(self, strings: list[str]):
        encoded = [s.encode("utf-8") for s in strings]
        self.data = b"".join(encoded)  # a registry is at most 32 MB (files.py): int32 offsets
        self.ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)

    def __getstate__(self):
        return self.data, self.ends

    def __setstate__(self, state):
        self.data, self.ends = state

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i: int) -> str:
        start = int(self.ends[i - 1]) if i else 0
        return self.data[start:int(self.ends[i])].decode("utf-8")

    def arrow(self):
        """The strings as an Arrow array (no copy)."""
        import pyarrow as pa
        offsets = np.concatenate([np.zeros(1, dtype=np.int32), self.ends.astype(np.int32)])
        return pa.StringArray.from_buffers(len(self), pa.py_buffer(offsets),
                                           pa.py_buffer(self.data))

    def tolist(self) -> list[str]:
        return self.arrow().to_pylist() if len(self) else []


class Registry:
    """Every unit (name, type, district) by position, and every normalised spelling of each
    type pointing at its unit.  Kept packed (strings as UTF-8 bytes, positions as numpy
    arrays), so that a registry of a hundred thousand units pickles and unpickles fast
    (zzqa/compiled.py); the Python lists and dicts are made when first asked for."""

    def __init__(self, units: list[Unit], spellings: dict[str, dict[str, int]]):
        self._names = _Packed([u.name for u in units])
        self._types = _Packed([u.type for u in units])
        self._districts = _Packed([u.district or "" for u in units])
        self._no_district = np.array([u.district is None for u in units], dtype=bool)
        # type -> (normalised spellings, the unit position of each)
        self._spellings = {t: (_Packed(list(d)), np.fromiter(d.values(), np.int64, len(d)))
                           for t, d in spellings.items()}
        self._lookups: dict = {}  # types -> (spellings, unit position of each)
        self._made: dict = {}  # lists, dicts and arrays made from the above; never pickled

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_made"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._made = {}

    def _make(self, key, build):
        if key not in self._made:
            self._made[key] = build()
        return self._made[key]

    @property
    def names(self) -> list[str]:
        return self._make("names", self._names.tolist)

    @property
    def types(self) -> list[str]:
        return self._make("types", self._types.tolist)

    @property
    def districts(self) -> list[str | None]:
        return self._make("districts", lambda: [None if none else d for d, none in zip(
            self._districts.tolist(), self._no_district.tolist(), strict=True)])

    @property
    def units(self) -> list[Unit]:
        return [self.unit(i) for i in range(len(self._names))]

    def unit(self, i: int) -> Unit:
        return Unit(self._names[i], self._types[i],
                    None if self._no_district[i] else self._districts[i])

    def prepare(self, types: tuple[str, ...]) -> None:
        """Build the lookup of `types` now (the form does it for every table's types, so
        that it is compiled and cached with the form)."""
        if types in self._lookups:
            return
        chosen: dict[str, int] = {}
        for t in types:
            for spelling, i in self._spelling_dict(t).items():
                chosen.setdefault(spelling, i)
        keys = list(chosen)
        # a spelling that is its own normal form: a label printed exactly so is matched
        # without normalising it (most labels are)
        stable = np.array([k == n for k, n in zip(keys, normalise_many(keys), strict=True)],
                          dtype=bool)
        self._lookups[types] = (_Packed(keys), np.fromiter(chosen.values(), np.int64,
                                                           len(chosen)), stable)

    def lookup(self, types: tuple[str, ...]):
        """For matching whole columns: the normalised spellings of `types` (an Arrow array,
        each spelling once, the first type's unit winning as in `match`), the canonical
        name of each (an object array ending in None, for a label found nowhere: index
        -1), its type, a code per canonical name (units of the same name share a code:
        tables are matched by name; -1 at the end), and whether each spelling is its own
        normal form (`normalise`)."""
        self.prepare(types)

        def build():
            keys, found, stable = self._lookups[types]
            found = np.append(found, -1)  # -1: no such spelling, the trailing None
            names, kinds, codes = self._columns()
            return keys.arrow(), names[found], kinds[found], codes[found], stable
        return self._make(("lookup", types), build)

    def _columns(self):
        def build():
            names = self.names
            codes: dict[str, int] = {}
            code = np.fromiter((codes.setdefault(n, len(codes)) for n in names), np.int64,
                               len(names))
            return (np.array([*names, None], dtype=object),
                    np.array([*self.types, None], dtype=object), np.append(code, -1))
        return self._make("columns", build)

    def _spelling_dict(self, t: str) -> dict[str, int]:
        def build():
            keys, positions = self._spellings.get(t, (_Packed([]), np.zeros(0, np.int64)))
            return dict(zip(keys.tolist(), positions.tolist(), strict=True))
        return self._make(("spellings", t), build)

    def match(self, printed: str, types: tuple[str, ...], key: str | None = None) -> Unit | None:
        """The unit a printed label names among `types` (`key`: its normalised form)."""
        key = normalise(printed) if key is None else key
        for t in types:
            i = self._spelling_dict(t).get(key)
            if i is not None:
                return self.unit(i)
        return None

    def spellings(self, types: tuple[str, ...]) -> set[str]:
        return {s for t in types for s in self._spelling_dict(t)}


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
