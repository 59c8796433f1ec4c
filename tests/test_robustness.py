"""Edge cases found in review: each once crashed or gave a wrong "holds"."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from zzqa.cli import cli

from conftest import CHECKS, REAL, flat


def run(*args):
    result = CliRunner().invoke(cli, [*map(str, args)])
    assert "internal error" not in result.output and "Traceback" not in result.output
    return result


def test_a_huge_number_is_not_a_number_zzqa_can_check(make):
    report = make({"t": ({"x": "amount"}, "unit,x\n合计,1\n甲区,9999999999999999999\n")},
                  "rules: []\n")
    assert ("T004", "error", 3, "x") in flat(report)


def test_a_blank_rank_does_not_drop_its_unit_from_the_order(make):
    rules = "rules:\n  - {id: K001, kind: rank, title: t, severity: error, why: w, table: t, rank: r, score: s}\n"
    report = make({"t": ({"s": "score", "r": "rank"}, "unit,s,r\n甲区,100,\n乙区,90,1\n丙区,80,2\n")},
                  rules)
    assert ("K001", "error", 3, "r") in flat(report)  # 乙区 cannot be first: 甲区 scores more


def test_a_blank_score_makes_no_one_else_wrong(make):
    rules = "rules:\n  - {id: K001, kind: rank, title: t, severity: error, why: w, table: t, rank: r, score: s}\n"
    report = make({"t": ({"s": "score", "r": "rank"}, "unit,s,r\n甲区,,1\n乙区,90,2\n丙区,80,3\n")},
                  rules)
    assert {x for x in flat(report) if x[1] == "error"} == set()


def test_a_dash_percentage_needs_a_zero_plan(make):
    rules = "rules:\n  - {id: P001, kind: ratio, title: t, severity: error, why: w, table: t, ratios: ['p = n / d']}\n"
    report = make({"t": ({"n": "count", "d": "count", "p": "percent"},
                         "unit,n,d,p\n甲区,0,10,-\n乙区,0,-,-\n")}, rules)
    assert flat(report) == {("P001", "error", 2, "p")}


@pytest.mark.parametrize("mutate, expect", [
    (lambda t: t.replace("\n", "\r"), 1),                                  # old-Mac line ends
    (lambda t: t.replace("unit,plan_total", "unit,unit", 1), 2),           # a column twice
])
def test_odd_files(tmp_path, mutate, expect):
    folder = tmp_path / "p"
    shutil.copytree(REAL, folder)
    f = folder / "a2_investment.csv"
    f.write_text(mutate(f.read_text(encoding="utf-8")), encoding="utf-8")
    assert run("check", folder, "--checks", CHECKS).exit_code == expect


def test_a_folder_where_a_file_should_be(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(REAL, folder)
    (folder / "bulletin.md").unlink()
    (folder / "bulletin.md").mkdir()
    result = run("check", folder, "--checks", CHECKS)
    assert result.exit_code == 2 and "bulletin.md: cannot read" in result.output


@pytest.mark.parametrize("rule, message", [
    ("{id: S991, kind: sum_total, title: t, severity: error, why: w, table: a2, message: 'x { y'}",
     "message template"),
    ("{id: R991, kind: row_identity, title: t, severity: error, why: w, table: a2, "
     "formulas: ['plan_total = 0*plan_industry + plan_total']}", "non-zero integer"),
    ("{id: C991, kind: claim, title: t, severity: error, why: w, text: '{x}亿元{x}', "
     "values: {x: 'a2.done_total[合计]'}}", "redefinition"),
    ("{id: C992, kind: claim, title: t, severity: error, why: w, text: '{x}亿元', "
     "values: {x: \"'abc'\"}}", "finite numbers"),
])
def test_bad_rules_are_catalog_errors(tmp_path, rule, message):
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    (checks / "rules" / "zz.yaml").write_text(f"rules:\n  - {rule}\n", encoding="utf-8")
    result = run("check", REAL, "--checks", checks)
    assert result.exit_code == 2 and message in result.output and "zz.yaml:2" in result.output


@pytest.mark.parametrize("message, problem", [
    ("{label} {nope}", "{nope} is not a field of this kind"),
    ("{0}", "a positional field is not a field"),
    ("{}", "a positional field is not a field"),
    ("{label.real}", "is not a field of this kind"),
    ("{miss:.2f}", "Unknown format code"),
    ("{label!z}", "Unknown conversion"),
])
def test_a_bad_message_template_is_a_catalog_error_with_its_line(tmp_path, message, problem):
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    rule = (f"{{id: S991, kind: sum_total, title: t, severity: error, why: w, table: a2, "
            f"message: '{message}'}}")
    (checks / "rules" / "zz.yaml").write_text(f"rules:\n  - {rule}\n", encoding="utf-8")
    result = run("check", REAL, "--checks", checks)
    assert result.exit_code == 2 and problem in result.output and "zz.yaml:2" in result.output
    assert "internal error" not in result.output


def test_a_template_with_the_fields_of_its_kind_renders(make):
    # the schema kind gives every problem a label (the row's unit): no KeyError, no {label}
    rules = ("rules:\n  - {id: T105, kind: schema, problem: unit-unknown, title: t, "
             "severity: error, why: w, message: 'unit {value} in {label}'}\n"
             "  - {id: S001, kind: sum_total, title: t, severity: error, why: w, table: t, "
             "message: '{label}: {actual} vs {expected}'}\n")
    report = make({"t": ({"x": "count"}, "unit,x\n合计,7\n甲区,1\n丁区,0\n")}, rules)
    messages = sorted(f.message for f in report.findings if f.rule in ("S001", "T105"))
    assert messages == ["unit 丁区 in 丁区", "x: 7 vs Σ x = 1"]
