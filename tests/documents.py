"""The 2020-09 bulletin as the project office has it: an Excel workbook, a Word document
and Excel's CSV exports, built from data/2020-09/ and the printed headers of source.txt.

The forms are fixtures for readers that must recognise each appendix by what is printed
(its title and multi-row header) rather than by a file or sheet name:

* ``build_xlsx(path, order=None, sheet_names=None)`` — one sheet per appendix, in a
  shuffled order under meaningless names; row 1 ``附件N``, row 2 the printed title, row 3
  the unit line (when the source prints one), then the header exactly as printed with its
  merged areas as real Excel merges, then the data rows.  Numbers are numbers whose
  number_format prints them as the CSV shows them ("0.00", "0.0%", ...).
* ``build_docx(path)`` — every line of bulletin.md as a paragraph, then per appendix the
  paragraphs ``附件N``, title and unit line and a table (merges done with cell.merge()).
* ``build_csv_exports(folder, encoding="gbk", newline="\\r\\n")`` — one CSV per appendix
  as Chinese Excel saves a sheet: meaningless file names, GBK, CRLF, every row padded to
  the table's width, merged areas left empty.

The header layout is inferred from the source text (tables():  ``header_regions``): the
extraction prints a merged area's text in its top-left cell and leaves the rest empty, so
a label spans to the right over empty cells under the same parent and down while all the
cells below it are empty.  A cell no label covers stays an empty, unmerged cell (附件6:
the cell under 计划开工 over its total column).  ``header_paths`` reads the inferred
header back as label paths; they equal checks/tables.yaml's column titles up to spacing.

Data rows are printed as the PDF prints them (``merge_data=True``, the default): the
city-wide figures of period.yaml's merged_cells (附件3 人才 项目个数 20, 附件7 工业用地报批
计划数 4011) stand once in a cell merged over the member rows, and 附件8 prints each 区域
once over its 集体/国有 pair.  ``to_csv_rows`` undoes that, giving back the CSV's rows;
``merge_data=False`` writes the CSV's rows as they are instead.

Also ``python tests/documents.py [OUTDIR]``: writes the three forms and checks they read
back to data/2020-09's CSV text.  openpyxl and python-docx are imported only when needed.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PERIOD = ROOT / "data" / "2020-09"
TABLES_YAML = ROOT / "checks" / "tables.yaml"

APPENDICES = tuple(range(1, 10))
# a fixed shuffle: no sheet, no file is where its appendix number would put it
DEFAULT_ORDER = (3, 1, 9, 2, 7, 5, 8, 4, 6)
DEFAULT_SHEET_NAMES = tuple(f"Sheet{i}" for i in range(1, 10))
DEFAULT_CSV_NAMES = {  # appendix -> file name
    3: "export_1.csv", 1: "Book1 (2).csv", 9: "新建 Microsoft Excel 工作表.csv",
    2: "export_5.csv", 7: "Book1.csv", 5: "工作簿2.csv", 8: "export_3.csv",
    4: "数据导出 (1).csv", 6: "Sheet1.csv",
}
ENCODINGS = ("gbk", "gb18030", "utf-8-sig", "utf-16")

TOKEN = re.compile(r"(-?)(\d+)(?:\.(\d+))?(%?)")
HEADING = re.compile(r"附件 (\d+)")


def heading(n: int) -> str:
    """The first row of an appendix as the office writes it."""
    return f"附件{n}"


def source_path() -> Path:
    copy = PERIOD / "source.txt"
    if copy.exists():
        return copy
    return ROOT.parent / "shared" / "source" / "000_22e8a1d78541bd39.txt"


# ---------------------------------------------------------------- the tables


@dataclass(frozen=True)
class Region:
    """A rectangle of a grid: top-left (row, col), its size, the text it prints."""
    row: int
    col: int
    height: int
    width: int
    text: str

    @property
    def merged(self) -> bool:
        return self.height > 1 or self.width > 1

    def cells(self):
        for r in range(self.row, self.row + self.height):
            for c in range(self.col, self.col + self.width):
                yield r, c


@dataclass
class Table:
    appendix: int
    name: str                      # a1 .. a9
    path: str                      # the CSV file in data/2020-09
    title: str                     # as printed
    unit_line: str | None          # "单位：亿元" as printed, None when not printed
    header: list[list[str]]        # the printed header rows, '' where a cell is empty
    header_regions: list[Region]   # every header label (1x1 ones too)
    columns: list[str]             # tables.yaml column ids
    csv_rows: list[list[str]]      # data/2020-09's rows
    printed_rows: list[list[str]]  # the data rows as the PDF prints them
    data_regions: list[Region]     # merges of the data rows as printed (row 0 = first data row)
    n_labels: int                  # leading label columns (unit, category)

    @property
    def ncols(self) -> int:
        return len(self.columns)

    def preamble(self) -> list[str]:
        lines = [heading(self.appendix), self.title]
        if self.unit_line is not None:
            lines.append(self.unit_line)
        return lines

    def data(self, merge_data: bool = True) -> tuple[list[list[str]], list[Region]]:
        if merge_data:
            return self.printed_rows, self.data_regions
        return self.csv_rows, []

    def grid(self, merge_data: bool = True) -> list[list[str]]:
        """Every row as a sheet shows it (covered cells of a merge ''), ncols wide."""
        rows = [[line] + [""] * (self.ncols - 1) for line in self.preamble()]
        rows += [list(r) for r in self.header]
        rows += [list(r) for r in self.data(merge_data)[0]]
        return rows


def is_token(cell: str) -> bool:
    return cell in ("-", "/") or TOKEN.fullmatch(cell) is not None


def _sections(text: str) -> dict[int, list[str]]:
    """Lines of each appendix of the source text (tests/test_transcription.py's reading)."""
    from test_transcription import source_sections
    return source_sections(text)


def _is_data_line(cells: list[str], n_labels: int) -> bool:
    values = cells[n_labels:]
    return any(values) and all(c == "" or is_token(c) for c in values)


def header_regions(header: list[list[str]]) -> list[Region]:
    """The merged areas of a printed header, from the text extraction's convention: a
    label stands in the top-left cell of its area, the other cells are empty.

    Rows top to bottom, labels left to right: a label spans right over empty, uncovered
    cells of its row that lie under the same parent (the same region in every row above),
    then down while every cell below its span is empty and uncovered.  Empty cells left
    uncovered are plain empty cells."""
    nrows, ncols = len(header), len(header[0])
    owner: dict[tuple[int, int], int] = {}
    regions: list[Region] = []
    for r in range(nrows):
        for c in range(ncols):
            text = header[r][c]
            if not text:
                continue
            assert (r, c) not in owner, f"label {text!r} inside a merged area"
            w = 1
            while (c + w < ncols and not header[r][c + w] and (r, c + w) not in owner
                   and all(owner.get((p, c + w)) == owner.get((p, c)) for p in range(r))):
                w += 1
            h = 1
            while (r + h < nrows and all(not header[r + h][k] and (r + h, k) not in owner
                                         for k in range(c, c + w))):
                h += 1
            region = Region(r, c, h, w, text)
            for cell in region.cells():
                owner[cell] = len(regions)
            regions.append(region)
    return regions


def header_paths(table: Table) -> list[list[str]]:
    """Each column's header labels, top to bottom (what a reader maps to column ids)."""
    paths = []
    for c in range(table.ncols):
        path = []
        for reg in sorted(table.header_regions, key=lambda g: g.row):
            if reg.col <= c < reg.col + reg.width and reg.text not in path:
                path.append(reg.text)
        paths.append(path)
    return paths


def _printed(name: str, columns: list[str], csv_rows: list[list[str]], n_labels: int,
             merged: list[dict]) -> tuple[list[list[str]], list[Region]]:
    rows = [list(r) for r in csv_rows]
    regions = []
    for mc in merged:
        if mc["table"] != name:
            continue
        col = columns.index(mc["column"])
        i = next(k for k, r in enumerate(csv_rows) if r[0] == mc["printed_on"])
        j = i
        while j + 1 < len(rows) and csv_rows[j + 1][col] == "":
            j += 1
        rows[i][col] = str(mc["value"])
        regions.append(Region(i, col, j - i + 1, 1, rows[i][col]))
    if n_labels == 2:  # a unit printed once over its category rows
        i = 0
        while i < len(rows):
            j = i
            while j + 1 < len(rows) and csv_rows[j + 1][0] == csv_rows[i][0]:
                j += 1
            if j > i:
                regions.append(Region(i, 0, j - i + 1, 1, rows[i][0]))
                for k in range(i + 1, j + 1):
                    rows[k][0] = ""
            i = j + 1
    return rows, regions


def to_csv_rows(table: Table, rows: list[list[str]]) -> list[list[str]]:
    """Data rows read from a printed form back to the CSV's rows: a unit label left
    empty under a merge repeats the one above, and a city-wide figure printed on the
    first member row (period.yaml merged_cells) is stored on the total row only."""
    out = [list(r) for r in rows]
    if table.n_labels == 2:
        for k in range(1, len(out)):
            if out[k][0] == "":
                out[k][0] = out[k - 1][0]
    for mc in _merged_cells():
        if mc["table"] != table.name:
            continue
        col = table.columns.index(mc["column"])
        for r in out:
            if r[0] == mc["printed_on"] and r[col] == str(mc["value"]):
                r[col] = ""
    return out


@cache
def _merged_cells() -> list[dict]:
    return yaml.safe_load((PERIOD / "period.yaml").read_text(encoding="utf-8"))["merged_cells"]


@cache
def tables() -> tuple[Table, ...]:
    """The nine appendices, in order."""
    package = yaml.safe_load(TABLES_YAML.read_text(encoding="utf-8"))
    sections = _sections(source_path().read_text(encoding="utf-8"))
    out = []
    for res in package["resources"]:
        n = res["appendix"]
        columns = [f["name"] for f in res["schema"]["fields"]]
        n_labels = 2 if columns[:2] == ["unit", "category"] else 1
        with open(PERIOD / res["path"], encoding="utf-8", newline="") as f:
            head, *csv_rows = list(csv.reader(f))
        assert head == columns, res["path"]
        lines = sections[n]
        texts = [ln for ln in lines if ln.strip() and "\t" not in ln]
        title = texts[0]
        unit_line = texts[1] if len(texts) > 1 and texts[1].startswith("单位") else None
        header = []
        for ln in lines:
            if "\t" not in ln:
                continue
            cells = ln.split("\t")
            if _is_data_line(cells, n_labels):
                break
            assert len(cells) == len(columns), f"附件{n} header line has {len(cells)} cells"
            header.append(cells)
        printed, data_regions = _printed(res["name"], columns, csv_rows, n_labels,
                                         _merged_cells())
        out.append(Table(n, res["name"], res["path"], title, unit_line, header,
                         header_regions(header), columns, csv_rows, printed,
                         data_regions, n_labels))
    return tuple(out)


def table(n: int) -> Table:
    return tables()[n - 1]


# ---------------------------------------------------------------- numbers


def number(text: str) -> tuple[int | float, str] | None:
    """A printed number as Excel stores it: (value, number_format); None for texts."""
    m = TOKEN.fullmatch(text)
    if not m:
        return None
    _sign, _whole, frac, pct = m.groups()
    decimals = len(frac or "")
    fmt = "0" + ("." + "0" * decimals if decimals else "") + pct
    if pct:
        value = float(Decimal(text[:-1]) / 100)
    elif frac is None:
        value = int(text)
    else:
        value = float(Decimal(text))
    return value, fmt


NUMBER_FORMAT = re.compile(r"0(?:\.(0+))?(%?)")


def format_number(value: int | float, number_format: str) -> str:
    """A stored number as Excel displays it under the number formats used here."""
    m = NUMBER_FORMAT.fullmatch(number_format)
    if not m:  # General
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    decimals = len(m.group(1) or "")
    x = value * 100 if m.group(2) else value
    s = f"{x:.{decimals}f}"
    if float(s) == 0 and s.startswith("-"):
        s = s[1:]
    return s + m.group(2)


# ---------------------------------------------------------------- Excel


def build_xlsx(path, order=None, sheet_names=None, merge_data: bool = True) -> dict[int, str]:
    """Write the workbook; returns {appendix: sheet name}."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    order = tuple(order or DEFAULT_ORDER)
    names = tuple(sheet_names or DEFAULT_SHEET_NAMES)
    assert sorted(order) == list(APPENDICES), order
    assert len(names) == len(order) and len(set(names)) == len(names), names
    wb = Workbook()
    wb.remove(wb.active)
    placed = {}
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, sheet in zip(order, names, strict=True):
        t = table(n)
        ws = wb.create_sheet(sheet)
        placed[n] = sheet
        for i, line in enumerate(t.preamble(), 1):
            ws.cell(i, 1, line)
        top = len(t.preamble()) + 1
        for reg in t.header_regions:
            cell = ws.cell(top + reg.row, 1 + reg.col, reg.text)
            cell.alignment = center
            if reg.merged:
                ws.merge_cells(start_row=top + reg.row, start_column=1 + reg.col,
                               end_row=top + reg.row + reg.height - 1,
                               end_column=reg.col + reg.width)
        first = top + len(t.header)
        rows, regions = t.data(merge_data)
        for i, row in enumerate(rows):
            for c, text in enumerate(row):
                if text == "":
                    continue
                num = number(text) if c >= t.n_labels else None
                if num is None:
                    ws.cell(first + i, 1 + c, text)
                else:
                    cell = ws.cell(first + i, 1 + c, num[0])
                    cell.number_format = num[1]
        for reg in regions:
            ws.cell(first + reg.row, 1 + reg.col).alignment = center
            ws.merge_cells(start_row=first + reg.row, start_column=1 + reg.col,
                           end_row=first + reg.row + reg.height - 1,
                           end_column=reg.col + reg.width)
        ws.column_dimensions["A"].width = 18
        for c in range(2, t.ncols + 1):
            ws.column_dimensions[get_column_letter(c)].width = 10
    wb.save(path)
    return placed


def read_xlsx(path) -> dict[str, tuple[list[list[str]], list[tuple[int, int, int, int]]]]:
    """{sheet name: (every row as displayed text, merges as (row, col, height, width),
    0-based)}; a covered cell of a merge reads ''."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        grid = []
        for row in ws.iter_rows():
            texts = []
            for cell in row:
                v = None if isinstance(cell, MergedCell) else cell.value
                if v is None:
                    texts.append("")
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    texts.append(format_number(v, cell.number_format))
                else:
                    texts.append(str(v))
            grid.append(texts)
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - m.min_row + 1,
                   m.max_col - m.min_col + 1) for m in ws.merged_cells.ranges]
        out[ws.title] = grid, sorted(merges)
    return out


# ---------------------------------------------------------------- Word


def prose_lines() -> list[str]:
    text = (PERIOD / "bulletin.md").read_text(encoding="utf-8")
    return [ln for ln in text.split("\n") if ln.strip()]


def build_docx(path, merge_data: bool = True):
    """Write the document: the prose line by line, then the nine appendices."""
    from docx import Document

    doc = Document()
    for line in prose_lines():
        doc.add_paragraph(line)
    for t in tables():
        for i, line in enumerate(t.preamble()):
            p = doc.add_paragraph(line)
            if i == 0:
                p.paragraph_format.page_break_before = True
        rows, regions = t.data(merge_data)
        grid = doc.add_table(rows=len(t.header) + len(rows), cols=t.ncols)
        grid.style = "Table Grid"
        # texts first (a covered cell of a merge is empty: merging keeps the top-left's
        # text and drops empty cells), then the merges
        texts = [list(r) for r in t.header] + [list(r) for r in rows]
        for tr, cells in zip(grid.rows, texts, strict=True):
            for cell, text in zip(tr.cells, cells, strict=True):
                if text:
                    cell.text = text
        body = [Region(len(t.header) + g.row, g.col, g.height, g.width, g.text)
                for g in regions]
        for reg in t.header_regions + body:
            if reg.merged:
                grid.cell(reg.row, reg.col).merge(
                    grid.cell(reg.row + reg.height - 1, reg.col + reg.width - 1))
    doc.save(path)
    return path


def docx_table_grid(tbl) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """A Word table as a grid of texts (covered cells of a merge '') and its merges."""
    from docx.table import _Cell

    starts = {}   # (row, col) -> [height, width, text]
    grid: list[list[str]] = []
    for r, tr in enumerate(tbl._tbl.tr_lst):
        row: list[str] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            c = len(row)
            if tc.vMerge == "continue":
                top = max((k for k in starts if k[1] == c and k[0] < r), key=lambda k: k[0])
                starts[top][0] = r - top[0] + 1
                row += [""] * span
            else:
                text = _Cell(tc, tbl).text
                starts[(r, c)] = [1, span, text]
                row += [text] + [""] * (span - 1)
        grid.append(row)
    merges = sorted((r, c, h, w) for (r, c), (h, w, _) in starts.items() if h > 1 or w > 1)
    return grid, merges


def read_docx(path) -> tuple[list[str], list[tuple[list[list[str]], list]]]:
    """(the document's paragraphs, each table as docx_table_grid reads it)."""
    from docx import Document

    doc = Document(path)
    return [p.text for p in doc.paragraphs], [docx_table_grid(t) for t in doc.tables]


# ---------------------------------------------------------------- CSV exports


def build_csv_exports(folder, encoding: str = "gbk", newline: str = "\r\n",
                      names: dict[int, str] | None = None,
                      merge_data: bool = True) -> dict[int, Path]:
    """Write one CSV per appendix as Excel saves a sheet; returns {appendix: path}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = names or DEFAULT_CSV_NAMES
    out = {}
    for t in tables():
        buf = io.StringIO()
        csv.writer(buf, lineterminator=newline).writerows(t.grid(merge_data))
        path = folder / names[t.appendix]
        path.write_bytes(buf.getvalue().encode(encoding))  # utf-16, utf-8-sig: with BOM
        out[t.appendix] = path
    return out


def read_csv_export(path, encoding: str = "gbk") -> list[list[str]]:
    text = Path(path).read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


# ---------------------------------------------------------------- all three


def build_all(outdir) -> dict:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    sheets = build_xlsx(outdir / "bulletin-2020-09.xlsx")
    build_docx(outdir / "bulletin-2020-09.docx")
    csvs = build_csv_exports(outdir / "csv")
    return {"xlsx": outdir / "bulletin-2020-09.xlsx", "sheets": sheets,
            "docx": outdir / "bulletin-2020-09.docx", "csv": csvs}


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def self_check(built: dict) -> list[str]:
    """Every difference between the built forms and data/2020-09, as messages."""
    problems = []
    package = yaml.safe_load(TABLES_YAML.read_text(encoding="utf-8"))
    for t, res in zip(tables(), package["resources"], strict=True):
        titles = [f["title"] for f in res["schema"]["fields"]]
        paths = [" › ".join(p) for p in header_paths(t)]
        for cid, want, got in zip(t.columns, titles, paths, strict=True):
            if _norm(want) != _norm(got):
                problems.append(f"附件{t.appendix} {cid}: header path {got!r} != {want!r}")
    workbook = read_xlsx(built["xlsx"])
    _, doc_tables = read_docx(built["docx"])
    for t, dt in zip(tables(), doc_tables, strict=True):
        forms = {"xlsx": workbook[built["sheets"][t.appendix]][0], "docx": dt[0],
                 "csv": read_csv_export(built["csv"][t.appendix])}
        skip = len(t.preamble()) + len(t.header)
        for form, grid in forms.items():
            if form == "docx":
                skip_f = len(t.header)
            else:
                skip_f = skip
                if [r[0] for r in grid[:len(t.preamble())]] != t.preamble():
                    problems.append(f"附件{t.appendix} {form}: preamble differs")
            head = grid[skip_f - len(t.header):skip_f]
            if head != t.header:
                problems.append(f"附件{t.appendix} {form}: header differs")
            data = [r + [""] * (t.ncols - len(r)) for r in grid[skip_f:]]
            if to_csv_rows(t, data) != t.csv_rows:
                problems.append(f"附件{t.appendix} {form}: data rows differ from {t.path}")
    return problems


if __name__ == "__main__":
    import tempfile

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="zzqa-docs-"))
    built = build_all(target)
    problems = self_check(built)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{built['xlsx']}\n{built['docx']}\n{target / 'csv'}/ ({len(built['csv'])} files)")
    print("self-check:", "FAILED" if problems else "ok (headers map to tables.yaml, data round-trips)")
    sys.exit(1 if problems else 0)
