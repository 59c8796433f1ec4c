"""A Word draft (.docx, python-docx): its paragraphs are the prose, its tables the
appendices, each recognised by the 附件N and title printed above it (readers.grid).

The prose is every paragraph before the first appendix (a paragraph "附件N" followed by its
title and a table); the paragraphs between and after the tables belong to them (their
titles, 单位 lines and notes).  A cell is named as the reader finds it in the document:
"附件2 table, row 7, column 5"; a prose number by its paragraph.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..model import InputError
from . import grid as grid_mod


def read(path: Path) -> tuple[list[grid_mod.Grid], str, list[int]]:
    """The draft's tables as Grids, its prose (one paragraph per line, blank lines
    between, as bulletin.md has it) and the document paragraph of each line of it."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "is password-protected or an old .doc file: save it as an "
                         "unprotected .docx")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(path, f"cannot be read as a Word document ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:200]})") from None
    blocks: list = []  # ("p", text, its number) or ("t", Table, 0), in the body's order
    number = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            blocks.append(("p", Paragraph(child, document).text, number))
        elif tag == "tbl":
            blocks.append(("t", Table(child, document), 0))
    # the prose ends where the first table's title block begins: the 附件N paragraph
    # closest above the first table
    first_table = next((k for k, (kind, *_) in enumerate(blocks) if kind == "t"), len(blocks))
    end = first_table
    for k in range(first_table - 1, max(first_table - 6, -1), -1):
        if blocks[k][0] == "p" and grid_mod.APPENDIX.match(grid_mod.normal(blocks[k][1])):
            end = k
            break
    kept = [(text.strip(), n) for kind, text, n in blocks[:end] if kind == "p" and text.strip()]
    prose = "\n\n".join(text for text, _ in kept) + "\n"
    # each line of that text -> its paragraph (a blank line between two: the one before)
    lines: list[int] = []
    for k, (text, n) in enumerate(kept):
        lines += [n] * (text.count("\n") + 1 + (k + 1 < len(kept)))
    grids = []
    before: list[str] = []
    number = 0
    for kind, item, _ in blocks[end:]:
        if kind == "p":
            if item.strip():
                before.append(item.strip())
            continue
        number += 1
        grids.append(_grid(path, item, number, before[-3:]))
        before = []
    return grids, prose, lines


def _grid(path: Path, table, number: int, before: list[str]) -> grid_mod.Grid:
    """One Word table: its cells' text, and its merged areas from the cells that python-docx
    gives as one (a horizontal span or a vertical merge returns the same cell)."""
    rows = table.rows
    width = max((len(r.cells) for r in rows), default=0)
    cells, owner, alive = [], {}, []  # the cell elements kept alive: their ids stay theirs
    for r, row in enumerate(rows):
        texts = []
        for c in range(width):
            cell = row.cells[c] if c < len(row.cells) else None
            if cell is None:
                texts.append("")
                continue
            alive.append(cell._tc)
            key = id(cell._tc)
            first = owner.setdefault(key, (r, c, r, c))
            owner[key] = (first[0], first[1], max(first[2], r), max(first[3], c))
            texts.append(" ".join(cell.text.split()) if (r, c) == first[:2] else "")
        cells.append(texts)
    merged = [area for area in owner.values() if area[:2] != area[2:]]
    where = f"table {number}"
    mark = next((t for t in before if grid_mod.APPENDIX.match(grid_mod.normal(t))), None)
    if mark:
        where = f"{' '.join(mark.split())} table"
    return grid_mod.Grid(
        path.name, where, cells, merged,
        address=lambda r, c, w=where: f"{w}, row {r + 1}, column {c + 1}",
        line=lambda r: r + 1, before=before)
