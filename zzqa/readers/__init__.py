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
from . import document, folder

# what the path is -> the reader that takes it (a literal table: no discovery)
READERS = {"period folder": folder, "CSV exports": document.exports,
           "Excel workbook": document.workbook, "Word document": document.draft}


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
    # how the user names a cell (row, column id) when it is not file:line ("Sheet3!D7")
    address: object = None
    # (row, column id) -> the value a workbook stores, where it is more than it prints
    stored: dict = field(default_factory=dict)
    where: str = ""  # the table as the user finds it, when not its file ("book.xlsx, Sheet3")


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
        if (path / "period.yaml").exists():
            return "period folder"
        try:
            csvs = any(p.suffix.lower() == ".csv" for p in path.iterdir())
        except OSError as exc:
            raise InputError(path, f"cannot read the folder: {exc.strerror or exc}") from None
        return "CSV exports" if csvs else "period folder"
    if not path.exists():
        raise InputError(path, "period folder not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "Excel workbook"
    if suffix == ".docx":
        return "Word document"
    hint = {".xls": "an old Excel workbook (.xls): save it as .xlsx",
            ".doc": "an old Word document (.doc): save it as .docx",
            ".wps": "a WPS document: save it as .docx",
            ".et": "a WPS spreadsheet: save it as .xlsx"}.get(suffix)
    if hint:
        raise InputError(path, f"this is {hint}")
    raise InputError(path, "not a period folder, a folder of CSV exports, an .xlsx workbook "
                     "or a .docx draft")


def read(path: Path, form) -> Source:
    return READERS[kind_of(path)].read(Path(path), form)
