"""A table as printed — in a workbook sheet, a Word table, a CSV export — read as the period
folder's tables are: recognised by its appendix number and title, its multi-row header
matched to the column ids of checks/tables.yaml by label, its data rows as text.

Every format reader (xlsx, docx, csv exports) turns what it opens into `Grid`s: the printed
text of every cell, the merged areas where the format knows them, the text printed just
before the table, and how the user names a cell (`Sheet3!D7`, `附件2 table, row 7, column
5`, `export_3.csv:7:5`).  What follows does not know which format it came from.

Header labels are compared without spacing, line wraps or full-/half-width differences
(NFKC), and with the labels that change from period to period ("1-9 月", "三季度", "2020
年") written once as patterns (PERIOD_LABELS: any month range, quarter or year).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import numbers
from ..i18n import _
from ..model import InputError

SEP = " › "
# labels that change with the period: any month range, quarter, year
PERIOD_LABELS = (r"\d{1,2}-\d{1,2}月", r"[一二三四1-4]季度", r"(?:19|20)\d{2}年")
APPENDIX = re.compile(r"^附件(\d{1,2})$")
UNIT_LINE = re.compile(r"^单位[:：]")
TOTALS = {"合计", "全市", "总计"}  # a total row's label, as compared (`normal`)


@dataclass
class Grid:
    """One printed table.  `cells[r][c]` is the text as printed (rectangular); `merged`
    the merged areas (r0, c0, r1, c1, inclusive, 0-based) where the format knows them —
    None where it does not (a CSV export leaves merged areas empty); `before` the text
    printed just before the table (a Word draft's paragraphs); `address(r, c)` how the user
    names a cell, `line(r)` the number a finding gives its row."""

    file: str
    where: str  # the table as the user names it: "Sheet3", "table 4", "export_3.csv"
    cells: list[list[str]]
    merged: list[tuple[int, int, int, int]] | None
    address: Callable[[int, int], str]
    line: Callable[[int], int]
    before: list[str] = field(default_factory=list)
    stored: dict = field(default_factory=dict)  # (r, c) -> stored value's text (Excel)
    note: str = ""  # what the reader had to decide ("decoded as GBK")
    notes: list = field(default_factory=list)  # and how it read the table (to_raw)
    origin: list = field(default_factory=list)  # a Word draft: each row's (table, row)


def joined(text: str) -> str:
    """A cell's text on one line: a line break inside Chinese words joins them ("年度投\n资目
    标" is 年度投资目标), elsewhere it is a space."""
    text = " ".join(str(text).split())
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


def normal(text: str, patterns: tuple = PERIOD_LABELS) -> str:
    """A label as compared: NFKC, no spacing or line wraps, dashes as '-', the period's
    own words ("1-9 月") as a placeholder."""
    t = unicodedata.normalize("NFKC", str(text))
    t = re.sub(r"\s+", "", t)
    t = re.sub(r"[‐‑‒–—―－~～至]", "-", t)
    for p in patterns:
        t = re.sub(p, "§", t)
    return t


def is_figure(text: str) -> bool:
    """A cell printing a plain number (85.4%, 1043.1; a header's "(180分)" is not)."""
    return numbers.parse(text.strip().rstrip("%％")) is not None


def is_data(row: list[str]) -> bool:
    """A row of the data: some cell is a figure."""
    return any(is_figure(c) for c in row if c.strip())


def data_rows(cells: list, start: int, columns=None) -> list[int]:
    """The rows of a table's data from `start` (the cells of `columns` read, or every one):
    empty rows skipped, and a row of one text that is no data — a note under the table,
    "注：…" — ends them."""
    out = []
    for r in range(start, len(cells)):
        texts = [cells[r][k] for k in (range(len(cells[r])) if columns is None else columns)]
        if not any(t.strip() for t in texts):
            continue
        if not is_data(cells[r]) and r > start and sum(1 for t in texts if t.strip()) == 1:
            break
        out.append(r)
    return out


LEADING = re.compile(r"^附件(\d{1,2})[:：、.．]?(?=\S)")  # "附件2 全市…" as one line


def _appendix(texts) -> int | None:
    for t in texts:
        m = APPENDIX.match(normal(t)) or LEADING.match(normal(t))
        if m:
            return int(m[1])
    return None


def _title(text: str) -> str:
    """A title line without the 附件N printed in front of it."""
    return LEADING.sub("", normal(text))


@dataclass
class Found:
    """Where a grid's parts are: its appendix and title (as printed), the header rows and
    the first data row."""

    appendix: int | None
    title: str
    header: range
    data: int


def locate(grid: Grid) -> Found:
    """The title lines, the header rows and the data rows of a grid."""
    cells = grid.cells
    top: list[str] = list(grid.before)
    first = 0
    # leading rows of one text (附件N, the title, the 单位 line) belong to the title block
    while first < len(cells):
        texts = [c for c in cells[first] if c.strip()]
        if len(set(texts)) > 1 or is_data(cells[first]):
            break
        top += texts[:1]
        first += 1
    data = next((r for r in range(first, len(cells)) if is_data(cells[r])), len(cells))
    header = range(first, data)
    if data < len(cells) and _numbering(cells[data]):  # a 栏次 row (甲 乙 1 2 3 …) under
        data += 1  # the header numbers its columns: neither header nor data
        data = next((r for r in range(data, len(cells)) if is_data(cells[r])), len(cells))
    title = next((t for t in top if not APPENDIX.match(normal(t)) and not
                  UNIT_LINE.match(normal(t)) and _title(t)), "")
    return Found(_appendix(top), title, header, data)


def _numbering(row: list[str]) -> bool:
    """A row that numbers the columns: its figures are 1, 2, 3, … in order (the labels'
    columns, if any, 甲 乙 or 栏次)."""
    figures = [c.strip() for c in row if c.strip() and numbers.parse(c.strip()) is not None]
    return len(figures) >= 3 and figures == [str(k) for k in range(1, len(figures) + 1)]


def recognise(grids: list[Grid], form, source: str, patterns=PERIOD_LABELS) -> dict:
    """Each grid's appendix table: by its 附件N and its title, else by its title alone, else
    by its header (the one appendix whose every column it prints).  A grid that none of
    these recognises is not checked, and a note says so (a cover sheet, a masthead table in
    the prose; the appendix it might have been is then missing, and said to be); two grids
    claiming one appendix, or a 附件N over another appendix's title, are an InputError."""
    by_title = {normal(s.title): s for s in form.tables.values()}
    by_number = {s.appendix: s for s in form.tables.values() if s.appendix is not None}
    out: dict = {}
    for grid in grids:
        if not grid.cells:
            continue
        found = locate(grid)
        numbered = by_number.get(found.appendix)
        spec = by_title.get(_title(found.title)) or numbered or _by_header(
            grid, found, form, patterns)
        if spec is None:
            what = f"titled {found.title!r}" if found.title else "without a title"
            grid.notes.append(_("{where}: a table {what} matches no appendix: not "
                                "checked").format(where=grid.where, what=what))
            continue
        if numbered is not None and spec is not numbered:
            raise InputError(source, f"{grid.where}: marked 附件{found.appendix} but titled "
                             f"{found.title!r}, the title of 附件{spec.appendix}")
        if spec.name in out:
            raise InputError(source, f"{grid.where} and {out[spec.name][0].where} both hold "
                             f"附件{spec.appendix} ({spec.title})")
        if re.fullmatch(r"table \d+", grid.where):  # a Word table named by its appendix
            grid.where = f"附件{spec.appendix} table"
        out[spec.name] = (grid, found)
    return out


def _by_header(grid: Grid, found: Found, form, patterns):
    """The one appendix whose every column the grid's header prints, if there is one."""
    printed = {normal(p, patterns) for p in paths(grid, found.header) if p}
    fits = [s for s in form.tables.values()
            if {normal(c.title, patterns) for c in s.columns} <= printed]
    return fits[0] if len(fits) == 1 else None


def _filled(grid: Grid, rows: range) -> list[list[str]]:
    """The header cells with each merged area's label in every cell it covers; without
    merge information (CSV), an empty cell continues the label to its left when the
    column has labels below it (a label spanning columns), and stays empty otherwise (a
    label spanning rows, written once above)."""
    head = [list(grid.cells[r]) for r in rows]
    if not head:
        return head
    r0 = rows.start
    if grid.merged is not None:
        for a, b, c, d in grid.merged:
            if c < rows.start or a >= rows.stop:
                continue
            text = grid.cells[a][b]
            for r in range(max(a, r0), min(c, rows.stop - 1) + 1):
                for k in range(b, d + 1):
                    head[r - r0][k] = text
        return head
    width = len(head[0])
    for r in range(len(head)):
        for k in range(1, width):
            if head[r][k].strip():
                continue
            below = any(head[x][k].strip() for x in range(r + 1, len(head)))
            same_parent = all(head[x][k] == head[x][k - 1] for x in range(r))
            if below and same_parent and head[r][k - 1].strip():
                head[r][k] = head[r][k - 1]
    return head


def paths(grid: Grid, rows: range) -> list[str]:
    """Each column's header as a label path ("1-9 月完成投资 › 产业项目 › 小计"): its
    labels top to bottom, a label repeated by a merge counted once."""
    head = _filled(grid, rows)
    width = len(grid.cells[0]) if grid.cells else 0
    out = []
    for k in range(width):
        labels: list[str] = []
        for r in range(len(head)):
            text = joined(head[r][k])
            if text and (not labels or labels[-1] != text):
                labels.append(text)
        out.append(SEP.join(labels))
    return out


def columns(grid: Grid, found: Found, spec, source: str, patterns=PERIOD_LABELS) -> list:
    """The column id of each grid column (None for an empty one), matched by label path.
    A column of the form missing, printed twice, or a header no column of the form has is
    an InputError naming the table, the header row and the column as printed."""
    printed = paths(grid, found.header)
    wanted = {normal(c.title, patterns): c.name for c in spec.columns}
    out: list = []
    seen: dict = {}
    first_row = found.header.start if len(found.header) else found.data
    for k, path in enumerate(printed):
        if not path:
            data = [r for r in range(found.data, len(grid.cells)) if grid.cells[r][k].strip()]
            if data:
                raise InputError(source, f"{grid.where}: {grid.address(data[0], k)} has data "
                                 "but its column has no header")
            out.append(None)
            continue
        name = wanted.get(normal(path, patterns))
        # the header cell that names the column: its lowest label
        at = max((r for r in found.header if grid.cells[r][k].strip()), default=first_row)
        if name is None:
            raise InputError(source, f"{grid.where}: header {path!r} (at "
                             f"{grid.address(at, k)}) is no column of "
                             f"附件{spec.appendix} in checks/tables.yaml")
        if name in seen:
            raise InputError(source, f"{grid.where}: header {path!r} is printed twice "
                             f"(at {seen[name]} and {grid.address(at, k)})")
        seen[name] = grid.address(at, k)
        out.append(name)
    missing = [c.title for c in spec.columns if c.name not in seen]
    if missing:
        raise InputError(source, f"{grid.where}: no column {missing[0]!r} of "
                         f"附件{spec.appendix} in its header"
                         + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    return out


def frame(grid: Grid, found: Found, ids: list, spec, source: str = ""
          ) -> tuple[pd.DataFrame, list[int]]:
    """The data rows as the period folder has them: one row per printed row (blank rows
    and a trailing note dropped), columns by id.  A label merged over several rows
    (附件8's 区域 over 集体 and 国有) belongs to each of them; a figure merged over several
    rows (附件3's city-wide 20) is printed once, on its first row."""
    labels = {c.name for c in spec.columns if not c.numeric}
    cells = [list(r) for r in grid.cells]
    key = ids.index("unit") if "unit" in ids else 0
    totals = [r for r in range(found.data, len(cells)) if normal(cells[r][key]) in TOTALS]
    for a, b, c, d in grid.merged or ():
        if c < found.data:
            continue
        a = max(a, found.data)
        named = {ids[k] for k in range(b, min(d, len(ids) - 1) + 1) if ids[k] is not None}
        figure = numbers.parse(grid.cells[a][b].strip().rstrip("%")) is not None
        if d > b and len(named) > 1 and not named <= labels and figure:
            raise InputError(source, f"{grid.where}: {grid.address(a, b)} is merged across "
                             f"the columns {', '.join(sorted(named))}: a figure belongs to "
                             "one column (unmerge the cells and print it in its own)")
        for k in range(b, d + 1):
            name = ids[k] if k < len(ids) else None
            if name in labels:  # a label over several rows belongs to each
                for r in range(a, c + 1):
                    cells[r][k] = grid.cells[a][b]
                continue
            if c == a or not figure:
                continue  # one row; or a note merged over the table's width (it ends it)
            # a figure over several units' rows is one city-wide figure, no unit's own: it
            # belongs on the total row (where it is printed too, or else is put)
            for r in range(a, c + 1):
                cells[r][k] = ""
            if k == b and totals and not cells[totals[0]][k].strip():
                cells[totals[0]][k] = grid.cells[a][b]
    if grid.merged is None:
        _unmerge(grid, cells, found, ids, labels, totals, key, spec.blank_is_zero)
    rows = data_rows(cells, found.data, [k for k in range(len(ids)) if ids[k] is not None])
    data = {name: [cells[r][k].strip() for r in rows] for k, name in enumerate(ids)
            if name is not None}
    return pd.DataFrame(data, columns=[c.name for c in spec.columns], dtype=str), rows


def _unmerge(grid: Grid, cells, found: Found, ids: list, labels: set, totals: list,
             key: int, blank_is_zero: bool) -> None:
    """What merged data cells mean where the format left them empty (a CSV export): a
    row with figures but no unit label belongs to the unit above (附件8's 区域 over 集体 and
    国有); a figure printed on the first unit row only, equal to the total row's, the other
    units' cells empty, is the city-wide figure printed over all their rows — no unit's
    own (附件3's 20, 附件7's 4011) — unless a blank means 0 in this table (then one unit
    holding the whole total is nothing odd)."""
    data = range(found.data, len(cells))
    for r in data:
        if r > found.data and not cells[r][key].strip() and is_data(cells[r]):
            cells[r][key] = cells[r - 1][key]
    if not totals or blank_is_zero:
        return
    units = [r for r in data if r not in totals and is_data(cells[r])]
    for k, name in enumerate(ids):
        if name is None or name in labels or len(units) < 2:
            continue
        first, total = cells[units[0]][k].strip(), cells[totals[0]][k].strip()
        if first and first == total and not any(cells[r][k].strip() for r in units[1:]):
            cells[units[0]][k] = ""
            grid.notes.append(_("{cell} {value} read as the city-wide figure printed over "
                                "every unit's row (merged), as on the total row").format(
                cell=grid.address(units[0], k), value=first))


def to_raw(grid: Grid, found: Found, spec, source: str, patterns=PERIOD_LABELS):
    """The grid as a RawTable of the period (readers.RawTable), with its cells' addresses."""
    from . import RawTable
    ids = columns(grid, found, spec, source, patterns)
    table, rows = frame(grid, found, ids, spec, source)
    at = {name: k for k, name in enumerate(ids) if name is not None}
    lines = np.array([grid.line(r) for r in rows], dtype=np.int64)

    def address(row: int, column: str) -> str:
        return grid.address(rows[row], at[column]) if column in at else grid.where
    stored = {(rows.index(r), ids[k]): v for (r, k), v in grid.stored.items()
              if r in rows and k < len(ids) and ids[k] is not None}
    where = grid.file if grid.where == grid.file else f"{grid.file}, {grid.where}"
    return RawTable(grid.file, table, lines, np.zeros(len(rows), dtype=bool),
                    address=address, stored=stored, where=where)
