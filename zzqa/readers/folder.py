"""A period folder: period.yaml, one CSV file per appendix (named as checks/tables.yaml
says, a header row of column ids, then one row per line), and bulletin.md.

Files are decoded strictly as UTF-8 (a byte-order mark is dropped; CRLF and CR line ends
count as one); an undecodable byte is an InputError naming its line.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from .. import files, yamlsource
from ..model import InputError

PROSE = "bulletin.md"
KNOWN = {"period.yaml", PROSE, "source.txt"}


def read(root: Path, form):
    from . import RawTable, Source

    meta_path = root / "period.yaml"
    if not meta_path.exists():
        raise InputError(root, "not a period folder: period.yaml is missing")
    source = yamlsource.load(meta_path, "period", inside=root)
    meta = source.data
    if meta.get("previous") is not None:
        _previous(root, meta, source)
    if meta.get("revised"):
        meta["revised"] = _revised(meta["revised"], form, source, meta_path)
    present = [s for s in form.tables.values() if (root / s.path).exists()]
    missing = {s.name: s.path for s in form.tables.values() if s not in present}
    # Arrow reads without the GIL: tables load side by side
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        loaded = pool.map(lambda s: RawTable(s.path, *read_csv(root / s.path)), present)
        tables = {s.name: t for s, t in zip(present, loaded, strict=True)}
    known = {s.path for s in form.tables.values()} | KNOWN
    try:
        extra = sorted(p.name for p in root.iterdir() if p.is_file() and p.name not in known)
    except OSError as exc:
        raise InputError(root, f"cannot read the folder: {exc.strerror or exc}") from None
    prose = read_text(root / PROSE, "prose", root) if (root / PROSE).exists() else None
    return Source(root, str(meta.get("period", root.name)), meta, tables, missing, prose,
                  PROSE if prose is not None else None, extra)


def _previous(root: Path, meta: dict, source) -> None:
    """The previous period must be another period folder, of an earlier period."""
    where = root / "period.yaml"
    line = source.line("previous")
    before = root / meta["previous"]
    if not (before / "period.yaml").exists():
        raise InputError(where, f"previous: {meta['previous']} is no period folder (the "
                         "history rules compare with it)", line)
    if before.resolve() == root.resolve():
        raise InputError(where, f"previous: {meta['previous']} is this period itself", line)
    earlier = yamlsource.load(before / "period.yaml", "period", inside=before).data
    if str(earlier.get("period", "")) >= str(meta.get("period", "")):
        raise InputError(where, f"previous: {meta['previous']} is period "
                         f"{earlier.get('period')}, not before {meta.get('period')}", line)


def _revised(entries: list, form, source, where: Path) -> list:
    """The declared revisions, each naming a table, column and unit of the form (the unit
    as printed or by its name: kept by its canonical name)."""
    out = []
    for i, entry in enumerate(entries):
        line = source.line("revised", i)
        spec = form.tables.get(entry["table"])
        if spec is None:
            raise InputError(where, f"revised: no table {entry['table']!r}", line)
        if spec.column(entry["column"]) is None:
            raise InputError(where, f"revised: {entry['table']} has no column "
                             f"{entry['column']!r}", line)
        unit = form.units.match(entry["unit"], spec.unit_types)
        if unit is None:
            raise InputError(where, f"revised: no unit {entry['unit']!r} in {entry['table']}",
                             line)
        out.append({**entry, "unit": unit.name})
    return out


def read_text(path: Path, what: str = "table", inside: Path | None = None,
              data: bytes | None = None) -> str:
    """Read a UTF-8 file (or decode its `data`); an undecodable byte is an InputError
    naming its line."""
    if data is None:
        data = files.read(path, what, inside or path.parent)
        explain(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                         line) from None
    # old-Mac CR and Windows CRLF line ends count as one line end each
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, bool]:
    """The cells of a CSV file as text, the line of each row, its ragged rows, and whether
    each line is its cells joined by commas (read the plain way: see RawTable.plain)."""
    data = files.read(path, "table", path.parent)
    explain(path, data)
    raw = _read_fast(data)
    plain = raw is not None
    if raw is not None:
        lines, ragged = np.arange(len(raw)) + 2, np.zeros(len(raw), dtype=bool)
    else:
        text = read_text(path, data=data)
        if not text.strip():
            raise InputError(path, "file is empty: expected a header row", 1)
        raw, lines, ragged = _read_slow(path, text)
    raw.columns = [str(c).strip() for c in raw.columns]
    if len(raw.columns) == 1:
        for sep, name in ((";", "semicolon"), ("\t", "tab"), ("，", "full-width comma")):
            if sep in raw.columns[0]:
                head = raw.columns[0] if len(raw.columns[0]) <= 40 else raw.columns[0][:40] + "…"
                raise InputError(path, f"the header is one column {head!r}: the file looks "
                                 f"{name}-separated; save it with commas", 1)
    twice = sorted(c for c, n in Counter(raw.columns).items() if n > 1)
    if twice:
        raise InputError(path, f"column {twice[0]!r} appears twice in the header", 1)
    return raw, lines, ragged, plain


def explain(path: Path, data: bytes) -> None:
    """An InputError saying what the file is when it is plainly not UTF-8 text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8)", 1)
    if data.startswith(b"PK\x03\x04"):
        raise InputError(path, "is a ZIP file (an Excel workbook or a Word document saved "
                         "under this name): save the table as CSV UTF-8")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "is an old Excel or Word file (.xls/.doc): save the table as "
                         "CSV UTF-8")


def _read_fast(data: bytes) -> pd.DataFrame | None:
    """Arrow's multithreaded reader on the file's bytes, for the plain case: no quotes, no
    blank lines, no CR, no short rows, valid UTF-8 (Arrow checks it), so that every data row
    i sits on line i + 2.  None when the file needs `_read_slow`."""
    body = data.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
    if not body.strip() or b'"' in body or b"\n\n" in body or b"\n\r\n" in body:
        return None
    if b"\r" in body and body.count(b"\r") != body.count(b"\r\n"):
        return None  # an old-Mac CR alone: Python's reader counts the lines
    try:
        header = next(csv.reader([body.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error):
        return None  # the slow reader says where
    if len(set(header)) != len(header):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pa_csv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    # Arrow-backed columns, no copy: pandas's own string dtype would copy every cell
    return table.to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)


def _read_slow(path: Path, text: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
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



