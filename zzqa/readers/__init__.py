"""Input formats: one module per format, chosen by what the path is.

Every reader returns the same `Source`: each appendix table as the text of its cells with
the place each row came from, the prose as text, the period's descriptor.  What happens
next — units, numbers, checks — never knows which format the tables came in.  A new format
is a module here, one line in READERS, and its tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..model import InputError
from . import folder

# what the path is -> the reader that takes it (a literal table: no discovery)
READERS = {"period folder": folder}


@dataclass
class RawTable:
    """One table as printed: every cell as text, columns by id, and where each row came
    from (`file` as the user names it, `lines` the 1-based line of each row)."""

    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    ragged: np.ndarray  # rows with fewer cells than the header
    # every row's line is its cells joined by commas, as they are (no quotes, no padding):
    # a cell's character column can be told from the cells before it
    plain: bool = False


@dataclass
class Source:
    root: Path
    name: str
    meta: dict
    tables: dict[str, RawTable]  # table id -> table, for the tables found
    missing: dict[str, str]  # table id -> where it was expected
    prose: str | None = None
    prose_file: str | None = None
    extra: list[str] = field(default_factory=list)


def kind_of(path: Path) -> str:
    """Which reader takes the path; an InputError saying what it is otherwise."""
    path = Path(path)
    if path.is_dir():
        return "period folder"
    if not path.exists():
        raise InputError(path, "period folder not found")
    hint = {".xlsx": "an Excel workbook", ".xls": "an Excel workbook",
            ".docx": "a Word document", ".doc": "a Word document"}.get(path.suffix.lower())
    if hint:
        raise InputError(path, f"this is {hint}: zzqa checks a period folder of CSV tables "
                         "(one per appendix, plus bulletin.md and period.yaml); save the "
                         "tables as CSV into such a folder")
    raise InputError(path, "not a folder: expected a period folder (CSV tables, "
                     "bulletin.md, period.yaml)")


def read(path: Path, form) -> Source:
    return READERS[kind_of(path)].read(Path(path), form)
