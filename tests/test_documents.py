"""The office's own documents (issue 11): a Word draft, an Excel workbook and CSV exports of
the 2020-09 bulletin (built by tests/documents.py from the printed headers of source.txt)
give exactly the findings of data/2020-09, with cells named as the document names them;
`zzqa import` writes a folder that checks the same; bad documents get a message, exit 2."""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources

import documents
import jsonschema
import pytest
from click.testing import CliRunner

from zzqa import catalog, engine, form, period
from zzqa.cli import cli

from conftest import CHECKS, REAL

FORM = form.load(CHECKS)
CATALOG = catalog.load(CHECKS, FORM)


def run(path):
    return engine.run(period.load(path, FORM), FORM, CATALOG)


def key(f, prose: bool):
    """A finding as comparable across formats: its rule, severity, the table cells it
    names (unit and column), its message."""
    cells = tuple((c.unit, c.column) for c in f.cells if c.unit or not c.column.isdigit())
    return f.rule, f.severity, cells, f.message


@pytest.fixture(scope="module")
def folder():
    return run(REAL)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("documents")
    documents.build_xlsx(out / "简报.xlsx")
    documents.build_docx(out / "简报.docx")
    for encoding in ("gbk", "gb18030", "utf-8-sig", "utf-16"):
        documents.build_csv_exports(out / encoding, encoding=encoding)
    return out


def table_findings(report):
    return {key(f, False) for f in report.findings if f.table != "prose"}


@pytest.mark.parametrize("name", ["简报.xlsx", "gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_workbook_and_csv_exports_give_the_table_findings(built, folder, name):
    report = run(built / name)
    assert table_findings(report) == table_findings(folder)
    assert all(f.table != "prose" or f.severity == "info" for f in report.findings)
    assert report.count("error") == folder.count("error") - 2  # C403 and C602: prose


def test_the_draft_gives_every_finding_prose_included(built, folder):
    report = run(built / "简报.docx")
    assert {key(f, True) for f in report.findings} == {key(f, True) for f in folder.findings}
    (c403,) = [f for f in report.findings if f.rule == "C403"]
    assert c403.cells[0].where == "简报.docx, paragraph 13"
    assert "write 25.0" in c403.message


def test_workbook_cells_are_named_by_sheet_and_cell(built, folder):
    from openpyxl import load_workbook
    from openpyxl.utils import range_boundaries
    report = run(built / "简报.xlsx")
    wb = load_workbook(built / "简报.xlsx")
    printed = {(f.rule, f.message): f for f in folder.findings}
    checked = 0
    for f in report.findings:
        twin = printed[(f.rule, f.message)]
        for cell, same in zip(f.cells, twin.cells, strict=True):
            if not cell.address:
                continue
            sheet, at = cell.address.split("!")
            col, row, *_ = range_boundaries(at)
            value = wb[sheet].cell(row, col).value
            text = folder_text(same)
            assert value is not None or text == "", cell.address
            if isinstance(value, str):
                assert value.strip() == text
            checked += 1
    assert checked > 50


def folder_text(cell) -> str:
    p = period.load(REAL, FORM)
    table = next(t for t in p.tables.values() if t.file == cell.file)
    return str(table.raw.iloc[cell.line - 2][cell.column])


def test_draft_table_cells_are_named_by_table_row_and_column(built):
    report = run(built / "简报.docx")
    f = next(f for f in report.findings if f.rule == "B101")
    assert re.fullmatch(r"附件1 table, row \d+, column \d+", f.cells[0].where)


def test_csv_exports_say_their_encoding(built):
    p = period.load(built / "gbk", FORM)
    assert any("read as GBK" in note for note in p.meta["read"])
    p = period.load(built / "utf-16", FORM)
    assert any("read as UTF-16" in note for note in p.meta["read"])


def test_json_of_a_document_follows_the_contract(built):
    result = CliRunner().invoke(cli, ["check", str(built / "简报.xlsx"), "--checks", str(CHECKS),
                                      "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    schema = json.loads(resources.files("zzqa.schemas").joinpath("report.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["version"] == "2.2"
    assert any(c["address"].startswith("Sheet") for f in data["findings"] for c in f["cells"])


def test_import_writes_a_folder_that_checks_the_same(built, folder, tmp_path):
    into = tmp_path / "2020-09"
    args = ["import", str(built / "简报.docx"), "--into", str(into), "--checks", str(CHECKS)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert {key(f, True) for f in run(into).findings} == {key(f, True) for f in folder.findings}
    assert "period: 2020-09" in (into / "period.yaml").read_text(encoding="utf-8")
    before = (into / "a2_investment.csv").read_bytes()
    again = CliRunner().invoke(cli, args)  # never over an existing file without --force
    assert again.exit_code == 2 and "--force" in again.output
    assert (into / "a2_investment.csv").read_bytes() == before
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0


def test_next_months_header_still_matches(built, tmp_path):
    # "1-9 月" becomes "1-10 月" and 三季度 四季度: the labels are patterns
    target = tmp_path / "gbk"
    shutil.copytree(built / "gbk", target)
    for path in target.iterdir():
        text = path.read_bytes().decode("gbk")
        text = text.replace("1-9 月", "1-10 月").replace("1-9月", "1-10月").replace("三季度", "四季度")
        path.write_bytes(text.encode("gbk"))
    assert period.load(target, FORM).tables.keys() == period.load(REAL, FORM).tables.keys()


def check_exit(path):
    result = CliRunner().invoke(cli, ["check", str(path), "--checks", str(CHECKS)])
    return result.exit_code, result.output


@pytest.fixture()
def workbook(built, tmp_path):
    from openpyxl import load_workbook
    path = tmp_path / "book.xlsx"
    shutil.copy(built / "简报.xlsx", path)
    return path, load_workbook(path)


def test_a_corrupt_or_protected_workbook(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    code, out = check_exit(bad)
    assert code == 2 and "cannot be read as an Excel workbook" in out
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    code, out = check_exit(locked)
    assert code == 2 and "password-protected" in out


def test_a_sheet_matching_no_appendix(workbook):
    path, wb = workbook
    ws = wb.create_sheet("备注")
    ws["A1"] = "附件 12"
    ws["A2"] = "某某情况表"
    ws["A4"] = "单位"
    ws["B4"] = "数量"
    ws["A5"] = "甲"
    ws["B5"] = 3
    wb.save(path)
    # not an appendix: not checked, and the report says so (the check goes on)
    report = run(path)
    assert any("备注" in note and "matches no appendix" in note for note in report.read)
    assert table_findings(report) == table_findings(run(REAL))


def test_two_sheets_claiming_one_appendix(workbook):
    path, wb = workbook
    wb.copy_worksheet(wb.worksheets[0])
    wb.save(path)
    code, out = check_exit(path)
    assert code == 2 and "both hold 附件" in out


def test_a_formula_without_a_computed_value(workbook):
    path, wb = workbook
    ws = wb.worksheets[0]
    row = ws.max_row
    ws.cell(row, 3).value = "=1+1"  # openpyxl stores no result: Excel never computed it
    wb.save(path)
    code, out = check_exit(path)
    assert code == 2 and "a formula without a computed value" in out
    assert f"{ws.title}!C{row}" in out


def test_an_excel_error_value_is_a_finding_at_its_cell(workbook, tmp_path):
    path, wb = workbook
    sheet = next(ws for ws in wb.worksheets if ws["A1"].value == "附件2")
    sheet["E8"].value = "#DIV/0!"
    wb.save(path)
    report = run(path)
    hits = [f for f in report.findings if any(c.address == f"{sheet.title}!E8" for c in f.cells)]
    assert hits and any("#DIV/0!" in f.message for f in hits)


def test_a_header_column_missing_extra_or_twice(workbook):
    path, wb = workbook
    sheet = next(ws for ws in wb.worksheets if ws["A1"].value == "附件2")
    header = [c for c in sheet[6] if isinstance(c.value, str) and "产品创新" in c.value]
    assert header, [c.value for c in sheet[6]]
    header[0].value = "产品研发"
    wb.save(path)
    code, out = check_exit(path)
    assert code == 2 and "产品研发" in out and "is no column of 附件2" in out
    assert f"{sheet.title}!{header[0].coordinate}" in out


def test_an_undecodable_csv_export(built, tmp_path):
    target = tmp_path / "exports"
    shutil.copytree(built / "gbk", target)
    victim = next(target.iterdir())
    victim.write_bytes(victim.read_bytes() + b"\xff\xff\xff")
    code, out = check_exit(target)
    assert code == 2 and "neither UTF-8 nor GBK" in out


def test_a_stored_value_more_precise_than_printed_says_print_more(workbook):
    # 芦淞区 科技创新 stored 14.28 and printed 14.3 ("0.0"): the check decides on 14.3, as
    # published; the holds-only-within-rounding warning says what the workbook knows
    path, wb = workbook
    sheet = next(ws for ws in wb.worksheets if ws["A1"].value == "附件2")
    cell = next(row[7] for row in sheet.iter_rows(min_row=7) if "芦淞" in str(row[0].value))
    cell.value, cell.number_format = 14.28, "0.0"
    wb.save(path)
    (d001,) = [f for f in run(path).findings
               if f.rule == "D001" and f.cells[0].address == f"{sheet.title}!{cell.coordinate}"]
    assert "stored 14.28, printed 14.3: print 2 decimals" in d001.message


def test_printed_text_follows_the_number_format():
    from zzqa.readers.xlsx import printed
    assert printed(52.64, "0.0") == ("52.6", "52.64")
    assert printed(0.854, "0.0%") == ("85.4%", None)
    assert printed(85.4, '0.0"%"') == ("85.4%", None)  # a % printed, the value as it is
    assert printed(1043.1, "#,##0.00") == ("1043.10", None)
    assert printed(891.29, "General") == ("891.29", None)
    assert printed(0.125, "0.00") == ("0.13", "0.125")  # half up, as Excel prints it


def test_appendix_and_title_on_one_line(workbook):
    path, wb = workbook
    sheet = next(ws for ws in wb.worksheets if ws["A1"].value == "附件2")
    sheet["A1"] = "附件2：" + sheet["A2"].value
    sheet["A2"] = None
    wb.save(path)
    assert table_findings(run(path)) == table_findings(run(REAL))


def test_a_figure_merged_across_columns_is_refused(workbook):
    path, wb = workbook
    sheet = next(ws for ws in wb.worksheets if ws["A1"].value == "附件2")
    sheet.merge_cells("B9:C9")
    wb.save(path)
    code, out = check_exit(path)
    assert code == 2 and "is merged across the columns" in out and "B9" in out


def test_negative_numbers_keep_their_sign_whatever_the_format():
    from zzqa.readers.xlsx import printed
    for fmt in ("0;-0", "0_ ;[红色]-0 ", "0;(0)", "#,##0;-#,##0", "0"):
        assert printed(-1, fmt)[0] == "-1", fmt
    assert printed(-1.25, "0.0;-0.0") == ("-1.3", "-1.25")
    assert printed(12345, "0.0,") == ("12.3", "12.345")  # shown in thousands


def test_a_note_merged_across_the_table_ends_it(workbook):
    path, wb = workbook
    sheet = next(ws for ws in wb.worksheets if ws["A1"].value == "附件1")
    row = sheet.max_row + 1
    sheet.cell(row, 1).value = "注：引进科技创新人才得分按全市统一计算。"
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=sheet.max_column)
    wb.save(path)
    assert table_findings(run(path)) == table_findings(run(REAL))


def test_hidden_and_foreign_sheets_are_not_read(workbook):
    path, wb = workbook
    copy = wb.copy_worksheet(next(ws for ws in wb.worksheets if ws["A1"].value == "附件2"))
    copy.sheet_state = "hidden"  # an old copy kept out of sight
    cover = wb.create_sheet("封面", 0)
    cover["A1"] = "株洲市“产业项目建设年”活动工作简报"
    cover["A3"] = "2020 年第 14 期"
    wb.save(path)
    report = run(path)
    assert table_findings(report) == table_findings(run(REAL))
    assert any("hidden, not read" in note for note in report.read)


def test_a_sheet_is_only_as_big_as_its_text(workbook):
    path, wb = workbook
    sheet = wb.worksheets[0]
    sheet.cell(1048576, 1).number_format = "0.00"  # styled, empty, at the last row
    sheet.cell(200000, 2).value = " "  # a space far below
    wb.save(path)
    assert table_findings(run(path)) == table_findings(run(REAL))


def test_a_fifo_or_a_corrupt_part_is_an_input_error(tmp_path, built):
    import os
    import zipfile
    fifo = tmp_path / "f.xlsx"
    os.mkfifo(fifo)
    code, out = check_exit(fifo)
    assert code == 2 and "FIFO" in out
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(built / "简报.docx") as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml"
                         else data)
    code, out = check_exit(broken)
    assert code == 2 and "cannot be read as a Word document" in out
    assert "internal error" not in out


def test_a_utf32_export_is_named_as_such(built, tmp_path):
    target = tmp_path / "exports"
    shutil.copytree(built / "gbk", target)
    victim = next(target.iterdir())
    victim.write_bytes(victim.read_bytes().decode("gbk").encode("utf-32"))
    code, out = check_exit(target)
    assert code == 2 and "UTF-32" in out


def draft_blocks(built):
    """The draft's body as python-docx has it, to rearrange."""
    import docx
    return docx.Document(str(built / "简报.docx"))


def test_a_word_table_broken_across_pages_continues(built, tmp_path):
    # 附件4's table split after its sixth data row, its header printed again on the new
    # page: read as one table
    import copy
    document = draft_blocks(built)
    tables = document.tables
    t4 = next(t for t in tables if "重点产业项目" in t.rows[0].cells[1].text)
    head = 3  # its header rows
    second = copy.deepcopy(t4._tbl)
    t4._tbl.addnext(second)
    rows = t4._tbl.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")
    for tr in rows[head + 6:]:
        t4._tbl.remove(tr)
    rows2 = second.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")
    for tr in rows2[head:head + 6]:
        second.remove(tr)
    path = tmp_path / "split.docx"
    document.save(str(path))
    report = run(path)
    assert {key(f, True) for f in report.findings} == {key(f, True) for f in run(REAL).findings}


def test_the_first_appendix_title_on_one_line_is_not_prose(built, tmp_path):
    document = draft_blocks(built)
    paras = document.paragraphs
    k = next(i for i, p in enumerate(paras) if p.text.strip() == "附件1")
    paras[k].text = "附件1：" + paras[k + 1].text
    paras[k + 1].text = ""
    path = tmp_path / "oneline.docx"
    document.save(str(path))
    report = run(path)
    assert {key(f, True) for f in report.findings} == {key(f, True) for f in run(REAL).findings}


def test_a_row_numbering_the_columns_is_neither_header_nor_data(workbook):
    # official tables often number their columns under the header: 甲 1 2 3 …
    path, wb = workbook
    sheet = next(ws for ws in wb.worksheets if ws["A1"].value == "附件2")
    sheet.insert_rows(7)
    sheet.cell(7, 1).value = "甲"
    for c in range(2, sheet.max_column + 1):
        sheet.cell(7, c).value = c - 1
    wb.save(path)
    report = run(path)
    assert table_findings(report) == table_findings(run(REAL))


def test_machine_reports_point_at_the_document_itself(built):
    # the target is the workbook: its findings' file is that workbook, not a path inside it
    for fmt in ("sarif", "github", "plain"):
        result = CliRunner().invoke(cli, ["check", str(built / "简报.xlsx"), "--checks",
                                          str(CHECKS), "--format", fmt])
        assert "简报.xlsx/简报.xlsx" not in result.output, fmt
        assert "简报.xlsx" in result.output
