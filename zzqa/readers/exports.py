"""A folder of CSV files as Excel saves them: one appendix table per file, with its title
rows, its 单位 line and its multi-row header (merged areas left empty), in UTF-8 (with or
without a byte-order mark), UTF-16 with a byte-order mark, or GBK/GB18030 — decoded
strictly, never guessed: a file that is none of these is an InputError naming the byte,
and the report says which encoding each file was read in.  File names carry no meaning:
each table is recognised by its 附件N and title (readers.grid).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import files
from ..i18n import _
from ..model import InputError
from . import grid as grid_mod

ENCODINGS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
UTF32 = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a CSV export and the encoding it was read in."""
    if data.startswith(UTF32):
        raise InputError(path, "is UTF-32 text: save it as CSV UTF-8 (or GBK)")
    for encoding, bom in ENCODINGS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff"), encoding.upper()
            except UnicodeDecodeError as exc:
                raise InputError(path, f"not valid {encoding.upper()} although it starts with "
                                 f"its byte-order mark (byte {exc.start})") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"neither UTF-8 nor GBK (byte 0x{data[exc.start]:02x}): save "
                         "it as CSV UTF-8", line) from None


def grids(root: Path) -> list[grid_mod.Grid]:
    """Every CSV file of the folder as a Grid."""
    out = []
    for path in sorted(p for p in root.iterdir() if p.suffix.lower() == ".csv" and p.is_file()):
        data = files.read(path, "table", root)
        text, encoding = decode(path, data)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise InputError(path, f"not a readable CSV: {exc}") from None
        lines = [n + 1 for n, r in enumerate(rows) if any(c.strip() for c in r)]
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            continue
        width = max(len(r) for r in rows)
        cells = [[c.strip() for c in r] + [""] * (width - len(r)) for r in rows]
        name = path.name
        out.append(grid_mod.Grid(
            name, name, cells, None,
            address=lambda r, c, name=name, lines=lines: f"{name}:{lines[r]}:{c + 1}",
            line=lambda r, lines=lines: lines[r],
            note=_("{file} read as {encoding}").format(file=name, encoding=encoding)))
    return out
