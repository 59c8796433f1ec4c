"""The CSVs in data/2020-09/ hold exactly the appendix tables of the source text.

The source (data/2020-09/source.txt, a copy of the published bulletin's text) prints
each appendix under a line that is exactly ``附件 N``, one table row per line, cells
separated by TAB.  For every appendix this test pairs the source's data rows with the
CSV's rows, in order, and requires per row:

* the same unit (and, in appendix 8, category) label, exactly as printed;
* the same sequence of non-empty value tokens (numbers, percentages, ``-``, ``/``);
* the same value in the same column: the source row has one cell per CSV column, so
  blank cells must line up too.

The only departures allowed are the merged cells listed in period.yaml: a value the
PDF prints again on the first member row of a merged cell is stored only on the total
row, so the CSV cell on ``printed_on`` is blank and the source's repeat is accounted for.
"""

import csv
import io
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PERIOD_DIR = ROOT / "data" / "2020-09"
TABLES_YAML = ROOT / "checks" / "tables.yaml"
PERIOD_YAML = PERIOD_DIR / "period.yaml"


def source_path() -> Path:
    copy = PERIOD_DIR / "source.txt"
    if copy.exists():
        return copy
    return ROOT.parent / "shared" / "source" / "000_22e8a1d78541bd39.txt"


# Rows per table, total row included (appendix 8: two rows per unit).
EXPECTED_ROWS = {
    "a1": 10, "a2": 12, "a3": 11, "a4": 12, "a5": 11,
    "a6": 12, "a7": 11, "a8": 22, "a9": 11,
}

TOKEN = re.compile(r"-?\d+(?:\.\d+)?%?|-|/")
HEADING = re.compile(r"附件 (\d+)")
SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def is_token(cell: str) -> bool:
    return TOKEN.fullmatch(cell) is not None


# ---------------------------------------------------------------- loading


def load_package() -> dict:
    return yaml.safe_load(TABLES_YAML.read_text(encoding="utf-8"))


def load_merged() -> list[dict]:
    return yaml.safe_load(PERIOD_YAML.read_text(encoding="utf-8"))["merged_cells"]


def resources() -> list[dict]:
    return load_package()["resources"]


def label_count(resource: dict) -> int:
    """Leading label columns: unit, plus category where the table has one."""
    names = [f["name"] for f in resource["schema"]["fields"]]
    return 2 if names[:2] == ["unit", "category"] else 1


def source_sections(text: str) -> dict[int, list[str]]:
    """Lines of each appendix, keyed by N, from the first line exactly '附件 N' on."""
    sections: dict[int, list[str]] = {}
    current = None
    for line in text.split("\n"):
        m = HEADING.fullmatch(line)
        if m:
            current = int(m.group(1))
            assert current not in sections, f"heading 附件 {current} printed twice"
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def source_rows(lines: list[str], n_labels: int) -> list[list[str]]:
    """Data rows of one appendix: TAB lines whose cells after the labels are all
    value tokens or blank, with at least one token (header rows hold text).
    A blank unit label (appendix 8's second row of a pair) repeats the one above."""
    rows = []
    unit = None
    for line in lines:
        if "\t" not in line:
            continue
        cells = line.split("\t")
        values = cells[n_labels:]
        if not any(values) or not all(c == "" or is_token(c) for c in values):
            continue
        if cells[0] == "":
            assert unit is not None, f"first data row has no unit: {line!r}"
            cells[0] = unit
        unit = cells[0]
        rows.append(cells)
    return rows


def read_csv(resource: dict) -> tuple[list[str], list[list[str]]]:
    with open(PERIOD_DIR / resource["path"], encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


# ---------------------------------------------------------------- comparison


def compare(table: str, header: list[str], csv_rows: list[list[str]],
            src_rows: list[list[str]], n_labels: int, merged: list[dict]) -> list[str]:
    """Every difference between a CSV table and the source's rows, as messages."""
    problems = []
    if len(csv_rows) != len(src_rows):
        problems.append(f"{table}: {len(csv_rows)} CSV rows, {len(src_rows)} source rows")
    for i, (row, src) in enumerate(zip(csv_rows, src_rows, strict=False), start=1):
        where = f"{table} row {i} ({row[0] if row else '?'})"
        if len(row) != len(header):
            problems.append(f"{where}: {len(row)} cells, header has {len(header)}")
            continue
        if row[:n_labels] != src[:n_labels]:
            problems.append(f"{where}: labels {row[:n_labels]} != source {src[:n_labels]}")
        expected = list(row)  # what the source should print on this row
        for mc in merged:
            if mc["table"] != table:
                continue
            col = header.index(mc["column"])
            if row[0] == mc["printed_on"]:
                if row[col] != "":
                    problems.append(f"{where}: merged cell {mc['column']} must be blank here")
                expected[col] = mc["value"]
            if row[0] == mc["stored_on"] and row[col] != mc["value"]:
                problems.append(f"{where}: merged cell {mc['column']} must hold {mc['value']!r}")
        values = expected[n_labels:]
        bad = [c for c in values if c and not is_token(c)]
        if bad:
            problems.append(f"{where}: cells that are not values: {bad}")
        want = [c for c in src[n_labels:] if c]
        got = [c for c in values if c]
        if got != want:
            problems.append(f"{where}: tokens {got} != source {want}")
        if len(src) != len(header):
            problems.append(f"{where}: source row has {len(src)} cells, header has {len(header)}")
        elif expected != src:
            cols = [h for h, a, b in zip(header, expected, src, strict=False) if a != b]
            problems.append(f"{where}: cells differ from source in columns {cols}")
    return problems


def table_case(resource: dict):
    """(header, csv rows, source rows, label count) for one resource."""
    n = resource["appendix"]
    sections = source_sections(source_path().read_text(encoding="utf-8"))
    n_labels = label_count(resource)
    header, rows = read_csv(resource)
    return header, rows, source_rows(sections[n], n_labels), n_labels


RESOURCES = resources()
IDS = [r["name"] for r in RESOURCES]


# ---------------------------------------------------------------- tests


def test_source_has_the_nine_appendices_in_order():
    text = source_path().read_text(encoding="utf-8")
    headings = [int(m.group(1)) for line in text.split("\n") if (m := HEADING.fullmatch(line))]
    assert headings == list(range(1, 10))
    assert [r["name"] for r in RESOURCES] == [f"a{n}" for n in range(1, 10)]
    assert [r["appendix"] for r in RESOURCES] == list(range(1, 10))


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_csv_matches_source(resource):
    header, rows, src, n_labels = table_case(resource)
    assert len(rows) == EXPECTED_ROWS[resource["name"]]
    assert len(src) == EXPECTED_ROWS[resource["name"]]
    assert compare(resource["name"], header, rows, src, n_labels, load_merged()) == []


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_csv_header_is_the_descriptor_fields(resource):
    header, _ = read_csv(resource)
    fields = resource["schema"]["fields"]
    assert header == [f["name"] for f in fields]
    assert header[0] == "unit"
    assert all(SNAKE.fullmatch(h) for h in header), header
    assert len(set(header)) == len(header)
    assert re.fullmatch(rf"{resource['name']}_[a-z0-9_]+\.csv", resource["path"])


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_csv_file_format(resource):
    raw = (PERIOD_DIR / resource["path"]).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "BOM"
    assert b"\r" not in raw, "CR line endings"
    assert raw.endswith(b"\n") and b"\n\n" not in raw, "blank line"
    header, rows = read_csv(resource)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    assert buf.getvalue() == raw.decode("utf-8"), "not as Python's csv module writes it"


def test_merged_cells_are_printed_twice_in_the_source():
    by_name = {r["name"]: r for r in RESOURCES}
    for mc in load_merged():
        resource = by_name[mc["table"]]
        header, _, src, _ = table_case(resource)
        col = header.index(mc["column"])
        printed = {row[0]: row[col] for row in src}
        assert printed[mc["printed_on"]] == mc["value"]
        assert printed[mc["stored_on"]] == mc["value"]


# ---------------------------------------------------------------- the test can fail


def test_comparison_detects_a_changed_cell():
    resource = RESOURCES[1]  # a2
    header, rows, src, n_labels = table_case(resource)
    rows[3][5] = rows[3][5] + "1"
    problems = compare(resource["name"], header, rows, src, n_labels, load_merged())
    assert problems and "row 4" in problems[0]


def test_comparison_detects_a_shifted_cell():
    # appendix 5: move 高新区 天元区's 3 (省级下达) one column left into the blank cell;
    # the token sequence is unchanged, only the cell alignment catches it.
    resource = RESOURCES[4]
    header, rows, src, n_labels = table_case(resource)
    row = rows[1]
    j = header.index("size_50_plus_done")
    assert row[j] == "" and row[j + 1] == "3"
    row[j], row[j + 1] = "3", ""
    problems = compare(resource["name"], header, rows, src, n_labels, load_merged())
    assert problems == [f"a5 row 2 ({row[0]}): cells differ from source in columns "
                        "['size_50_plus_done', 'source_province_top500']"]


def test_comparison_detects_an_unrelocated_merged_cell():
    resource = RESOURCES[6]  # a7: 4011 left on the 河西 row as well
    header, rows, src, n_labels = table_case(resource)
    rows[1][header.index("approval_plan")] = "4011"
    problems = compare(resource["name"], header, rows, src, n_labels, load_merged())
    assert problems and "must be blank" in problems[0]
