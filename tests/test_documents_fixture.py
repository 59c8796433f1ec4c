"""tests/documents.py builds the 2020-09 bulletin as the office has it (xlsx, docx, CSV
exports); these tests read each form back and compare every data cell's printed text with
data/2020-09's CSV, every header with the source's printed header."""

import documents as d
import pytest

TABLES = d.tables()
IDS = [t.name for t in TABLES]


def expected_merges(t, top, merge_data=True):
    """(row, col, height, width) of every merge, `top` rows above the header."""
    _rows, regions = t.data(merge_data)
    head = [(top + g.row, g.col, g.height, g.width) for g in t.header_regions if g.merged]
    first = top + len(t.header)
    return sorted(head + [(first + g.row, g.col, g.height, g.width) for g in regions])


def padded(rows, width):
    return [r + [""] * (width - len(r)) for r in rows]


def check_table(t, grid, top, merges=None, merge_data=True):
    """grid: the form's rows from the header on, `top` = rows above the header in the
    form (0 for Word tables)."""
    grid = padded(grid, t.ncols)
    assert grid[:len(t.header)] == t.header
    data = grid[len(t.header):]
    assert len(data) == len(t.csv_rows)
    got = d.to_csv_rows(t, data) if merge_data else data
    for i, (row, want) in enumerate(zip(got, t.csv_rows, strict=True)):
        assert row == want, f"{t.path} data row {i + 1}"
    if merges is not None:
        assert merges == expected_merges(t, top, merge_data)


# ---------------------------------------------------------------- the printed layout


@pytest.mark.parametrize("t", TABLES, ids=IDS)
def test_header_paths_are_the_column_titles_up_to_spacing(t):
    import yaml
    package = yaml.safe_load(d.TABLES_YAML.read_text(encoding="utf-8"))
    fields = package["resources"][t.appendix - 1]["schema"]["fields"]
    paths = [" › ".join(p) for p in d.header_paths(t)]
    assert [d._norm(p) for p in paths] == [d._norm(f["title"]) for f in fields]


@pytest.mark.parametrize("t", TABLES, ids=IDS)
def test_printed_rows_are_the_source_rows(t):
    lines = d._sections(d.source_path().read_text(encoding="utf-8"))[t.appendix]
    cells = [ln.split("\t") for ln in lines if "\t" in ln]
    src = [c for c in cells if d._is_data_line(c, t.n_labels)]
    assert src == t.printed_rows
    assert d.to_csv_rows(t, t.printed_rows) == t.csv_rows


def test_every_header_cell_is_a_label_or_covered_once():
    for t in TABLES:
        seen = {}
        for g in t.header_regions:
            for cell in g.cells():
                assert cell not in seen, (t.name, cell)
                seen[cell] = g
        blank = {(r, c) for r in range(len(t.header)) for c in range(t.ncols)} - set(seen)
        assert all(t.header[r][c] == "" for r, c in blank)
        # only 附件6 has empty cells of its own: under 计划开工, 未按计划开工, ...
        assert bool(blank) == (t.appendix == 6), (t.name, sorted(blank))


def test_numbers_keep_their_printed_text():
    for text, value, fmt in [("52.64", 52.64, "0.00"), ("52.6", 52.6, "0.0"), ("12", 12, "0"),
                             ("-1", -1, "0"), ("85.4%", 0.854, "0.0%"), ("99%", 0.99, "0%"),
                             ("119.33%", 1.1933, "0.00%"), ("0.00", 0.0, "0.00"),
                             ("59.659", 59.659, "0.000")]:
        assert d.number(text) == (value, fmt)
        assert d.format_number(value, fmt) == text
    assert d.number("-") is None and d.number("/") is None and d.number("攸 县") is None


# ---------------------------------------------------------------- Excel


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    pytest.importorskip("openpyxl")
    path = tmp_path_factory.mktemp("xlsx") / "office.xlsx"
    return d.build_xlsx(path), path


@pytest.mark.parametrize("t", TABLES, ids=IDS)
def test_xlsx_round_trips(workbook, t):
    placed, path = workbook
    grid, merges = d.read_xlsx(path)[placed[t.appendix]]
    top = len(t.preamble())
    assert [r[0] for r in grid[:top]] == t.preamble()
    assert all(c == "" for r in grid[:top] for c in r[1:])
    check_table(t, grid[top:], top, merges)


def test_xlsx_stores_numbers_as_numbers(workbook):
    from openpyxl import load_workbook
    placed, path = workbook
    wb = load_workbook(path)
    for t in TABLES:
        ws = wb[placed[t.appendix]]
        first = len(t.preamble()) + len(t.header) + 1
        for i, row in enumerate(t.printed_rows):
            for c, text in enumerate(row):
                value = ws.cell(first + i, c + 1).value
                if c < t.n_labels or not d.TOKEN.fullmatch(text):
                    assert value == (text or None), (t.name, i, c)
                else:
                    assert isinstance(value, (int, float)) and not isinstance(value, bool)


def test_xlsx_order_and_names_are_not_the_appendix_numbers(workbook, tmp_path):
    from openpyxl import load_workbook
    placed, path = workbook
    wb = load_workbook(path)
    firsts = [ws["A1"].value for ws in wb.worksheets]
    assert firsts == [d.heading(n) for n in d.DEFAULT_ORDER]
    assert firsts != [d.heading(n) for n in d.APPENDICES]
    assert all(not name.endswith(str(n)) for n, name in placed.items())
    order, names = (9, 8, 7, 6, 5, 4, 3, 2, 1), [f"表{i}" for i in "ABCDEFGHI"]
    placed = d.build_xlsx(tmp_path / "other.xlsx", order=order, sheet_names=names)
    assert load_workbook(tmp_path / "other.xlsx").sheetnames == names
    assert placed == dict(zip(order, names, strict=True))


def test_xlsx_without_data_merges_is_the_csv(tmp_path):
    pytest.importorskip("openpyxl")
    placed = d.build_xlsx(tmp_path / "plain.xlsx", merge_data=False)
    sheets = d.read_xlsx(tmp_path / "plain.xlsx")
    for t in TABLES:
        grid, merges = sheets[placed[t.appendix]]
        top = len(t.preamble())
        check_table(t, grid[top:], top, merges, merge_data=False)


# ---------------------------------------------------------------- Word


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    pytest.importorskip("docx")
    path = tmp_path_factory.mktemp("docx") / "office.docx"
    d.build_docx(path)
    return d.read_docx(path)


def test_docx_paragraphs_are_the_prose_then_the_appendix_lines(document):
    paragraphs, _ = document
    want = d.prose_lines() + [line for t in TABLES for line in t.preamble()]
    assert paragraphs == want


@pytest.mark.parametrize("t", TABLES, ids=IDS)
def test_docx_round_trips(document, t):
    _, tables = document
    grid, merges = tables[t.appendix - 1]
    check_table(t, grid, 0, merges)


# ---------------------------------------------------------------- CSV exports


@pytest.mark.parametrize("encoding", d.ENCODINGS)
def test_csv_exports_round_trip(tmp_path, encoding):
    paths = d.build_csv_exports(tmp_path, encoding=encoding)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(d.DEFAULT_CSV_NAMES.values())
    for t in TABLES:
        raw = paths[t.appendix].read_bytes()
        boms = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16": (b"\xff\xfe", b"\xfe\xff")}
        if encoding in boms:
            assert raw.startswith(boms[encoding])
        text = raw.decode(encoding)
        assert text.count("\n") == text.count("\r\n") == len(t.grid())
        rows = d.read_csv_export(paths[t.appendix], encoding)
        assert all(len(r) == t.ncols for r in rows)  # Excel pads to the used range
        top = len(t.preamble())
        assert [r[0] for r in rows[:top]] == t.preamble()
        check_table(t, rows[top:], top)
