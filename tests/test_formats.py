"""The CI formats (JUnit, GitHub workflow commands, Markdown) and --output: the counts a
CI system shows are the report's, and no input text can break out of its place."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from test_newcomer import hostile_report

from zzqa.cli import cli
from zzqa.model import Cell, Finding, Report, RuleTally
from zzqa.reporters import github, junit, markdown

from conftest import CHECKS, REAL

SCRIPT = "<script>alert(1)</script>"


def test_junit_totals_are_the_reports(real_report):
    root = ET.fromstring(junit.render(real_report))
    suites = root.findall("testsuite")
    assert len(suites) == len(real_report.tallies)
    failures = root.findall(".//failure")
    assert len(failures) == real_report.count("error") == int(root.get("failures"))
    assert int(root.get("tests")) == len(root.findall(".//testcase"))
    for suite in suites:
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall(".//failure"))
    # --fail-on warning: the D001 warnings fail too
    root = ET.fromstring(junit.render(real_report, fail_on="warning"))
    assert len(root.findall(".//failure")) == (real_report.count("error")
                                               + real_report.count("warning"))
    passed = {s.get("name").split()[0]: s.find("testcase").get("name") for s in suites
              if s.find("testcase") is not None}
    b101 = next(t for t in real_report.tallies if t.rule == "B101")
    assert passed["B101"] == f"{b101.passed + b101.within_rounding} checks passed"


def test_junit_counts_what_it_does_not_list():
    tally = RuleTally("S201", "t", "sum_total", "error", 5, 0, 0, 5, 0, listed=1, unlisted=4)
    cell = Cell("a2.csv", 3, "x", "甲区")
    report = Report("p", "2020-09", ["a2"], [Finding("S201", "error", "m", "a2", (cell,))],
                    [tally])
    root = ET.fromstring(junit.render(report))
    assert int(root.get("failures")) == 2 and "4 more errors" in ET.tostring(root, "unicode")


@pytest.mark.parametrize("name", [SCRIPT, "\x1b[31m甲\x00区\ufffe", "]]></failure><x>"])
def test_junit_escapes_the_input(name):
    report = hostile_report()
    report.findings[0] = Finding("S701", "error", f"sum misses for {name}", "a7",
                                 (Cell("a7.csv", 3, "land", name, name),))
    out = junit.render(report)
    root = ET.fromstring(out)  # well-formed, whatever the unit is called
    assert "\x1b" not in out and "\x00" not in out and "\ufffe" not in out
    assert root.find(".//failure").get("message").endswith(
        name.replace("\x1b", "\\x1b").replace("\x00", "\\x00").replace("\ufffe", "\\ufffe"))


def test_github_annotations_one_line_each_and_inert():
    report = hostile_report()
    cell = Cell("a2.csv", 7, "done,x", "甲区:\n::error::pwned")
    report.findings.append(Finding("S201", "warning", "50% off\n::error::pwned", "a2", (cell,)))
    report.findings.append(Finding("T009", "info", "no prose", "prose", ()))
    lines = github.render(report).splitlines()
    assert len(lines) == len(report.findings) + 1  # and the totals
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    second = lines[1]
    assert second.startswith("::warning file=data/x/a2.csv,line=7,title=S201 甲区%3A%0A%3A%3A")
    assert second.endswith("::50%25 off%0A::error::pwned") and "\x1b" not in "".join(lines)
    assert lines[2] == "::notice file=data/x,title=T009::no prose"
    assert lines[-1].startswith("::notice title=zzqa::period ")


def test_github_annotations_of_the_real_period(real_report):
    lines = github.render(real_report).splitlines()
    assert sum(x.startswith("::error ") for x in lines) == real_report.count("error")
    assert sum(x.startswith("::warning ") for x in lines) == real_report.count("warning")
    assert lines[0].startswith(f"::error file={REAL}/a1_scores.csv,line=2,title=B101 ")
    assert all("file=" in x for x in lines[:-1])


def test_markdown_is_escaped_and_within_its_limit(real_report):
    out = markdown.render(real_report)
    assert out.startswith("## zzqa check") and "❌ **30 findings at or above error**" in out
    assert out.count("\n- **") == len(real_report.findings)
    report = hostile_report()
    report.findings = [Finding("S701", "error", f"{SCRIPT} **bold** | pipe\nnext", "a7",
                               (Cell("a7.csv", n + 2, "land", "甲区"),)) for n in range(2000)]
    out = markdown.render(report, limit=20_000)
    assert len(out) <= 20_000 and SCRIPT not in out and "&lt;script&gt;" in out
    assert "\\*\\*bold\\*\\* \\| pipe next" in out
    shown = out.count("\n- **")
    assert f"… and {2000 - shown} more findings not shown here" in out


def test_outputs_one_check_every_format(tmp_path):
    runner = CliRunner()
    args = ["check", str(REAL), "--checks", str(CHECKS), "--format", "json"]
    outs = {name: tmp_path / "r" / f"report.{name}" for name in ("junit", "markdown", "github",
                                                                  "text", "plain")}
    res = runner.invoke(cli, args + [f"--output={n}={p}" for n, p in outs.items()])
    assert res.exit_code == 1, res.output
    assert json.loads(res.output)["summary"]["errors"] == 30
    ET.fromstring(outs["junit"].read_text(encoding="utf-8"))
    assert outs["text"].read_text(encoding="utf-8").startswith("zzqa check ")
    assert len(outs["plain"].read_text(encoding="utf-8").splitlines()) == 41
    assert (outs["markdown"].stat().st_mode & 0o777) != 0o600  # a report, not a temp file


@pytest.mark.parametrize("spec, message", [
    ("junit", "expected FORMAT=PATH"),
    ("sarifx=a.json", "'sarifx' is not a format"),
    ("junit=", "expected FORMAT=PATH"),
])
def test_output_usage_errors(tmp_path, spec, message):
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                   "--output", spec])
    assert res.exit_code == 2 and message in res.output


def test_outputs_never_land_in_the_folder_checked(tmp_path):
    import shutil
    period = tmp_path / "p"
    shutil.copytree(REAL, period)
    before = sorted(p.name for p in period.iterdir())
    runner = CliRunner()
    res = runner.invoke(cli, ["check", str(period), "--checks", str(CHECKS),
                              "--output", f"junit={period / 'junit.xml'}"])
    assert res.exit_code == 2 and "which zzqa reads" in res.output
    assert sorted(p.name for p in period.iterdir()) == before
    res = runner.invoke(cli, ["check", str(period), "--checks", str(CHECKS),
                              "--output", f"junit={tmp_path}"])
    assert res.exit_code == 2 and "is a folder" in res.output
    res = runner.invoke(cli, ["check", str(period), "--checks", str(CHECKS),
                              "--output", f"junit={tmp_path / 'a.xml'}",
                              "--output", f"markdown={tmp_path / 'a.xml'}"])
    assert res.exit_code == 2 and "two reports would be written" in res.output


def test_cell_offsets_point_at_the_cell_in_its_line(real_report, tmp_path):
    """Every cell of a finding names the character column its text starts at: the line
    holds the cell's text there, after a comma."""
    seen = 0
    table_of = {f.cells[0].file: f.table for f in real_report.findings if f.cells}
    from zzqa import form, period
    p = period.load(REAL, form.load(CHECKS))
    for f in real_report.findings:
        for c in f.cells:
            if not c.file.endswith(".csv"):
                continue
            line = (REAL / c.file).read_text(encoding="utf-8-sig").splitlines()[c.line - 1]
            table = p.tables[table_of.get(c.file) or next(
                t for t in p.tables.values() if t.file == c.file).name]
            row = int(list(table.lines).index(c.line))
            assert c.offset >= 1 and line[c.offset - 1:].startswith(table.text(row, c.column))
            assert c.offset == 1 or line[c.offset - 2] == ","
            seen += 1
    assert seen > 50
    # a quoted CSV cannot be told cell by cell: 0, never a wrong column
    import shutil
    copy = tmp_path / "p"
    shutil.copytree(REAL, copy)
    path = copy / "a2_investment.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("醴陵市", '"醴陵市"'), encoding="utf-8")
    q = period.load(copy, form.load(CHECKS))
    assert q.tables["a2"].cell(7, "plan_industry").offset == 0
    assert q.tables["a3"].cell(0, "major_plan").offset > 0


@pytest.fixture(scope="module")
def sarif_validator():
    import jsonschema
    from sarif_schema import schema
    found = schema()
    if isinstance(found, str):
        if os.environ.get("CI"):
            pytest.fail(found)  # CI has npm: the schema must be checked there
        pytest.skip(found)
    return jsonschema.Draft4Validator(found)


def test_sarif_of_the_real_period_is_valid_sarif(real_report, sarif_validator):
    from zzqa.reporters import sarif
    doc = json.loads(sarif.render(real_report))
    sarif_validator.validate(doc)
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == len(real_report.findings)
    assert sum(r["level"] == "error" for r in results) == real_report.count("error")
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [t.rule for t in real_report.tallies]
    s201 = next(r for r in rules if r["id"] == "S201")
    assert s201["fullDescription"]["text"] == real_report.why["S201"] != ""
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"].endswith("data/2020-09/a1_scores.csv")
    assert first["region"]["startLine"] == 2 and first["region"]["startColumn"] > 1
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    fingerprints = [r["partialFingerprints"]["zzqa/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_of_hostile_input_is_valid_and_inert(sarif_validator):
    from zzqa.reporters import sarif
    report = hostile_report()
    report.findings.append(Finding("T004", "error", "missing", "a9", ()))
    report.findings.append(Finding("S201", "warning", SCRIPT, "a2", (
        Cell("a 2%.csv", 0, "x", "甲区"), Cell("a2.csv", 3, "y", "乙区", offset=5))))
    doc = json.loads(sarif.render(report))
    sarif_validator.validate(doc)
    results = doc["runs"][0]["results"]
    assert results[-1]["message"]["text"] == SCRIPT  # JSON: data, not markup
    assert results[-1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "data/x/a%202%25.csv"
    assert results[-1]["relatedLocations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": 5}
    assert "region" not in results[-2]["locations"][0]["physicalLocation"]


def test_outputs_never_overwrite_what_zzqa_reads(tmp_path):
    import shutil
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    before = (checks / "units.yaml").read_bytes()
    runner = CliRunner()
    for target in (checks / "units.yaml", checks / "new.md", waivers):
        res = runner.invoke(cli, ["check", str(REAL), "--checks", str(checks), "--waivers",
                                  str(waivers), "--output", f"markdown={target}"])
        assert res.exit_code == 2 and "which zzqa reads" in res.output, res.output
    assert (checks / "units.yaml").read_bytes() == before and not (checks / "new.md").exists()
    assert waivers.read_text(encoding="utf-8") == "waivers: []\n"


def test_outputs_refuse_odd_targets_before_writing_anything(tmp_path):
    import os
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    first = tmp_path / "first.json"
    runner = CliRunner()
    for bad, message in ((fifo, "not a regular file"), (tmp_path / "loop1", "cannot be written"),
                         (tmp_path / ("x" * 300), "cannot be written")):
        res = runner.invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                  "--output", f"json={first}", "--output", f"sarif={bad}"])
        assert res.exit_code == 2 and message in res.output, res.output
        assert not first.exists()  # nothing written before the refusal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "loop1", "loop2"]


def test_a_folder_name_utf8_cannot_hold(tmp_path):
    import os
    import shutil
    bad = os.fsencode(str(tmp_path)) + b"/bad\xff"
    shutil.copytree(REAL, os.fsdecode(bad))
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["check", os.fsdecode(bad), "--checks", str(CHECKS),
                                   "--format", "plain", "--output", f"json={out / 'r.json'}",
                                   "--output", f"markdown={out / 'r.md'}"])
    assert res.exit_code == 1, res.output
    assert json.loads((out / "r.json").read_text(encoding="utf-8"))["summary"]["errors"] == 30
    assert sorted(p.name for p in out.iterdir()) == ["r.json", "r.md"]  # no temp file left


def test_markdown_keeps_its_limit_with_many_suspects_and_rules():
    from zzqa.model import Suspect
    report = hostile_report()
    cell = Cell("a2.csv", 3, "x", "甲区", "年度投资目标 › 合计")
    report.suspects = [Suspect(cell, "1.5", "1.6", (f"S201 甲区 {n}",), None, "medium")
                       for n in range(3000)]
    report.tallies = [RuleTally(f"S{n:03d}", "t" * 50, "sum_total", "error", 1, 0, 0, 1)
                      for n in range(3000)]
    out = markdown.render(report, limit=20_000)
    assert len(out) <= 20_000 and "more rows not shown here" in out
