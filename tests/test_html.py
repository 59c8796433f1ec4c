"""The HTML report in a real browser (Debian's chromium, driven by Playwright): the cells
marked are the cells of the findings, a cell shows its findings when selected, input stays
text, and the page asks the network for nothing and logs no error."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_newcomer import hostile_report

from zzqa.cli import cli
from zzqa.model import Cell, Finding
from zzqa.reporters import html

from conftest import CHECKS, REAL

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCRIPT = "<script>alert(1)</script>"


def _why_not() -> str | None:
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium fonts-noto-cjk; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    why = _why_not()
    if why:
        if os.environ.get("CI"):
            pytest.fail(why)  # CI installs both: the browser tests must run there
        pytest.skip(why)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-quic"])
        yield b
        b.close()


def real_html(tmp_path: Path, *extra) -> Path:
    out = tmp_path / "report.html"
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                   "--format", "plain", "--output", f"html={out}", *extra])
    assert res.exit_code == 1, res.output
    return out


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, seen


def test_marked_cells_are_the_cells_of_the_findings(browser, tmp_path, real_report):
    page, seen = open_page(browser, real_html(tmp_path))
    marked = page.eval_on_selector_all("td.marked", "els => els.map(e => e.dataset.key)")
    cells = {f"{c.file}:{c.line}:{c.column}" for f in real_report.findings for c in f.cells
             if c.file.endswith(".csv")}
    assert len(marked) == len(set(marked)) == len(cells) == 54 and set(marked) == cells
    red = page.eval_on_selector_all("td.marked.fail", "els => els.length")
    amber = page.eval_on_selector_all("td.marked.rounding", "els => els.length")
    d001 = {f"{c.file}:{c.line}:{c.column}" for f in real_report.findings
            if f.rule == "D001" for c in f.cells}
    assert amber == len(d001 - {k for f in real_report.findings if f.rule != "D001"
                                for k in (f"{c.file}:{c.line}:{c.column}" for c in f.cells)})
    assert red + amber == 54
    assert seen["requests"] == [page.url] and not seen["errors"]


def test_selecting_a_cell_shows_its_arithmetic(browser, tmp_path):
    page, seen = open_page(browser, real_html(tmp_path))
    key = "a2_investment.csv:9:plan_industry"  # 醴陵市 78.7, X004
    page.click(f'td[data-key="{key}"]')
    panel = page.inner_text("#panel")
    assert "X004" in panel and "醴陵市" in panel and "78.7" in panel
    assert "应为 expected" in panel and "misses by 0.935" in panel
    page.keyboard.press("Tab")  # keyboard: the next marked cell, Enter selects it
    page.focus('td.marked[data-key^="a1_scores.csv:2:"]')
    page.keyboard.press("Enter")
    assert "B101" in page.inner_text("#panel") and not seen["errors"]


def test_filters_hide_findings_and_dim_cells(browser, tmp_path):
    page, _ = open_page(browser, real_html(tmp_path))
    total = page.eval_on_selector_all("ol.findings li", "els => els.length")
    page.select_option("#rule", "B101")
    visible = page.eval_on_selector_all("ol.findings li:not([hidden])", "els => els.length")
    assert visible == 24 < total
    assert page.eval_on_selector_all("td.marked:not(.dim)", "els => els.length") == 24
    page.select_option("#rule", "")
    page.uncheck('input.sev[value="error"]')
    assert page.eval_on_selector_all("ol.findings li:not([hidden])",
                                     "els => els.length") == 11  # the D001 warnings


def test_script_in_a_unit_name_stays_text(browser, tmp_path):
    from zzqa.model import Printed, PrintedTable
    report = hostile_report()
    cell = Cell("a7_land_and_factories.csv", 2, "land", SCRIPT, SCRIPT)
    report.findings = [Finding("S701", "error", f"{SCRIPT} misses", "a7", (cell,))]
    report.printed = Printed((PrintedTable("a7", f"附件7 {SCRIPT}", "a7_land_and_factories.csv",
                                           "亩", (("unit", "县市区"), ("land", SCRIPT)),
                                           ((2, (SCRIPT, "1.5")),)),),
                             f"正文 {SCRIPT} 12 个", "bulletin.md")
    path = tmp_path / "hostile.html"
    path.write_text(html.render(report), encoding="utf-8")
    page, seen = open_page(browser, path)
    assert not seen["dialogs"] and not seen["errors"]
    assert page.eval_on_selector_all("script", "els => els.length") == 2  # data and ours
    assert SCRIPT in page.inner_text("table.printed")
    page.click("td.marked")
    assert SCRIPT in page.inner_text("#panel") and not seen["dialogs"]


def test_prose_numbers_are_marked_by_verdict(browser, tmp_path, real_report):
    page, _ = open_page(browser, real_html(tmp_path))
    marks = page.eval_on_selector_all(".prose mark", "els => els.map(e => e.className)")
    verdicts = [p.verdict for p in real_report.prose]
    assert sorted(marks) == sorted(verdicts)
    assert marks.count("contradicted") == 2


def test_the_report_prints_on_a4(browser, tmp_path):
    page, _ = open_page(browser, real_html(tmp_path))
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3



def test_control_characters_never_reach_the_page_raw(tmp_path):
    from zzqa.model import Printed, PrintedTable, Suspect
    evil = "甲\x1b[31m区\u202e\x07"
    report = hostile_report()
    cell = Cell("a7.csv", 2, "land", evil, evil)
    report.findings = [Finding("S701", "error", f"{evil} misses", "a7", (cell,))]
    report.suspects = [Suspect(cell, evil, evil, (evil,), evil, "tie")]
    report.printed = Printed((PrintedTable("a7", evil, "a7.csv", evil,
                                           (("unit", evil), ("land", evil)),
                                           ((2, (evil, evil)),)),), f"{evil} 12 个", "b.md")
    out = html.render(report)
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b[31m" in out and "\\u202e" in out


def test_the_count_of_findings_not_listed_takes_in_the_infos():
    from zzqa.model import RuleTally
    report = hostile_report()
    report.tallies = [RuleTally("S201", "t", "sum_total", "error", 90, 0, 0, 49, 30, listed=2,
                                unlisted=49, unlisted_infos=30)]
    assert "另有 79 项未列出" in html.render(report)
