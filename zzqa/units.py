"""The units registry: every printed row label mapped to one canonical unit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import yamlsource
from .model import InputError

_NOISE = re.compile(r"[\s()\[\]{}<>]+")


def normalise(name: str) -> str:
    """Fold the spellings the source uses: NFKC (full-width to ASCII), no spaces, no brackets."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(name)))


@dataclass(frozen=True)
class Unit:
    name: str
    type: str
    district: str | None = None


class Registry:
    def __init__(self, units: list[Unit], spellings: dict[tuple[str, str], Unit]):
        self.units = units
        self._spellings = spellings  # (type, normalised spelling) -> unit

    def match(self, printed: str, types: tuple[str, ...]) -> Unit | None:
        key = normalise(printed)
        for t in types:
            unit = self._spellings.get((t, key))
            if unit:
                return unit
        return None

    def spellings(self, types: tuple[str, ...]) -> set[str]:
        return {s for (t, s) in self._spellings if t in types}


def load(path: Path) -> Registry:
    src = yamlsource.load(path, "units")
    units, spellings = [], {}
    for i, entry in enumerate(src.data["units"]):
        unit = Unit(entry["name"], entry["type"], entry.get("district"))
        units.append(unit)
        for spelling in [unit.name, *entry.get("aliases", [])]:
            key = (unit.type, normalise(spelling))
            if key in spellings and spellings[key] != unit:
                raise InputError(path, f"spelling {spelling!r} names two {unit.type} units",
                                 src.line("units", i))
            spellings[key] = unit
    return Registry(units, spellings)
