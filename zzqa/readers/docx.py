"""A Word draft (.docx, python-docx): its paragraphs are the prose, its tables the
appendices, each recognised by the 附件N and title printed above it (readers.grid).

The prose is every paragraph before the first appendix (a paragraph "附件N" followed by its
title and a table); the paragraphs between and after the tables belong to them (their
titles, 单位 lines and notes).  A cell is named as the reader finds it in the document:
"附件2 table, row 7, column 5"; a prose number by its paragraph.
"""

from __future__ import annotations

from pathlib import Path

from ..model import InputError
from . import grid as grid_mod


def read(path: Path) -> tuple[list[grid_mod.Grid], str, list[int]]:
    """The draft's tables as Grids, its prose (one paragraph per line, blank lines
    between, as bulletin.md has it) and the document paragraph of each line of it."""
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from ..files import read as read_file
    data = read_file(path, "document")  # a regular file within its limit, never blocking
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "is password-protected or an old .doc file: save it as an "
                         "unprotected .docx")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list = []  # ("p", text, its number) or ("t", Table, 0), in the body's order
        number = 0
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                number += 1
                blocks.append(("p", Paragraph(child, document).text, number))
            elif tag == "tbl":
                blocks.append(("t", Table(child, document), 0))
        return _split(path, blocks)
    except InputError:
        raise
    except Exception as exc:  # a corrupt part: whatever the XML parser raised
        kind = "PackageNotFoundError" if isinstance(exc, PackageNotFoundError) else \
            type(exc).__name__
        raise InputError(path, f"cannot be read as a Word document ({kind}: "
                         f"{' '.join(str(exc).split())[:200]})") from None


def _marks(text: str) -> bool:
    """A paragraph that opens an appendix: "附件2", or "附件2：" and its title."""
    norm = grid_mod.normal(text)
    return bool(grid_mod.APPENDIX.match(norm) or grid_mod.LEADING.match(norm))


def _split(path: Path, blocks: list):
    """The prose (every paragraph before the first appendix: its 附件N paragraph over a
    table), and the tables as Grids — a table with no paragraph between it and the one
    before continues it (a table broken across pages), its repeated header dropped."""
    tables = [k for k, (kind, *_) in enumerate(blocks) if kind == "t"]
    end = tables[0] if tables else len(blocks)
    for t in tables:  # the first table with a 附件N paragraph at most five above it
        above = [k for k in range(max(t - 5, 0), t) if blocks[k][0] == "p" and _marks(blocks[k][1])]
        if above:
            end = above[-1]
            break
    kept = [(text.strip(), n) for kind, text, n in blocks[:end] if kind == "p" and text.strip()]
    prose = "\n\n".join(text for text, _ in kept) + "\n"
    # each line of that text -> its paragraph (a blank line between two: the one before)
    lines: list[int] = []
    for k, (text, n) in enumerate(kept):
        lines += [n] * (text.count("\n") + 1 + (k + 1 < len(kept)))
    grids: list = []
    before: list[str] = []
    number = 0
    follows = False  # no paragraph since the last table
    for kind, item, _ in blocks:
        if kind == "p":
            if item.strip():
                before.append(item.strip())
                follows = False
            continue
        number += 1
        cells, merged = _cells(item)
        if follows and grids and not any(_marks(t) for t in before):
            _continue(grids[-1], cells, merged, number)
        else:
            grids.append(_grid(path, cells, merged, number, before[-3:]))
        before, follows = [], True
    return grids, prose, lines


def _continue(grid, cells: list, merged: list, number: int) -> None:
    """Append a table's rows to the grid it continues (its header, printed again on the
    new page, dropped)."""
    head = [grid.cells[r] for r in grid_mod.locate(grid).header]
    skip = len(head) if head and cells[:len(head)] == head else 0
    width = len(grid.cells[0])
    base = len(grid.cells)
    for r, row in enumerate(cells[skip:]):
        grid.cells.append((row + [""] * width)[:width])
        grid.origin.append((number, r + skip + 1))
    grid.merged += [(a - skip + base, b, c - skip + base, d) for a, b, c, d in merged
                    if a >= skip]


def _cells(table) -> tuple[list, list]:
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
            texts.append(grid_mod.joined(cell.text) if (r, c) == first[:2] else "")
        cells.append(texts)
    return cells, [area for area in owner.values() if area[:2] != area[2:]]


def _grid(path: Path, cells: list, merged: list, number: int, before: list[str]):
    mark = next((t for t in before if _marks(t)), None)
    where = f"附件{grid_mod._appendix([mark])} table" if mark else f"table {number}"
    grid = grid_mod.Grid(path.name, where, cells, merged, address=None,
                         line=lambda r: r + 1, before=before)
    grid.origin = [(number, r + 1) for r in range(len(cells))]

    def address(r: int, c: int, g=grid, first=number) -> str:
        table, row = g.origin[r] if r < len(g.origin) else (first, r + 1)
        part = "" if table == first else f" (continued in table {table})"
        return f"{g.where}{part}, row {row}, column {c + 1}"
    grid.address = address
    return grid
