"""Prose claims: template matching, rounding in both directions, unit conversions, rankings
with ties, and the end-to-end guarantees on the real bulletin."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from zzqa import catalog, engine, expr, form, period, prose

from conftest import CHECKS, REAL, flat

T = {"done": "amount", "plan": "amount", "pct": "percent", "n": "count"}
CSV = "unit,done,plan,pct,n\n合计,891.29,1043.10,85.4%,12\n甲区,891.29,1043.10,85.4%,12\n"
RULES = """
rules:
  - {id: U001, kind: unlinked, title: t, severity: warning, why: w}
  - id: C001
    kind: claim
    title: total
    severity: error
    why: w
    text: 重点项目完成投资{done}亿元，占年度投资计划的{pct}%
    values: {done: 't.done[合计]', pct: 't.done[合计] / t.plan[合计] * 100'}
  - id: C002
    kind: claim
    title: area
    severity: error
    why: w
    text: 完成{area}万平方米
    values: {area: 't.plan[合计] * 100 / 10000'}
  - {id: C003, kind: claim, title: yoy, severity: error, why: w,
     text: '同比[上升|下降]{x}个百分点', unverifiable: {x: needs last year}}
"""


def errors(report):
    """Findings but the infos (templates of the catalog that match no sentence here)."""
    return {x for x in flat(report) if x[1] != "info"}


def verdicts(report):
    return [(p.text, p.verdict) for p in report.prose]


@pytest.mark.parametrize("sentence", [
    "重点项目完成投资 891.3 亿元，占年度投资计划的 85.4%。",
    "重点项目完成投资891.3亿元,占年度投资计划的85.4％。",           # half-width, full-width %
    "重点项目完成\n投资 891.3 亿元， 占年度投资计划的 85.4 %。",      # a line break inside
])
def test_templates_match_respaced_sentences(make, sentence):
    report = make({"t": (T, CSV)}, RULES, prose=sentence)
    assert verdicts(report) == [("891.3", "verified"), ("85.4", "verified")]


@pytest.mark.parametrize("done, pct, expected", [
    ("891.3", "85.4", set()),        # 891.3 = [891.25, 891.35] meets 891.29
    ("891.29", "85.45", set()),      # more decimals than the table: 100 × 891.29 / 1043.10 = 85.446…
    ("891", "85", set()),            # fewer decimals: 891 = [890.5, 891.5]
    ("891.2", "85.4", {("C001", "error", 1, "9")}),   # [891.15, 891.25] misses 891.29
    ("891.3", "85.5", {("C001", "error", 1, "25")}),  # 85.5 = [85.45, 85.55] vs 85.446…: misses
])
def test_rounding_in_both_directions(make, done, pct, expected):
    report = make({"t": (T, CSV)}, RULES, prose=f"重点项目完成投资{done}亿元，占年度投资计划的{pct}%")
    assert errors(report) == expected


def test_unit_conversion_and_unverifiable(make):
    # 1043.10 × 100 / 10000 = 10.431 万平方米 → "10.4" agrees, "10.5" does not
    ok = make({"t": (T, CSV)}, RULES, prose="完成10.4万平方米，同比上升 3 个百分点。")
    assert verdicts(ok) == [("10.4", "verified"), ("3", "unverifiable")]
    bad = make({"t": (T, CSV)}, RULES, prose="完成10.5万平方米。")
    assert errors(bad) == {("C002", "error", 1, "3")}


def test_unknown_sentence_is_unlinked_and_unmatched_template_is_said(make):
    report = make({"t": (T, CSV)}, RULES, prose="全市新签约项目 12 个。\n\n2020 年 10 月 27 日\n")
    assert verdicts(report) == [("12", "unlinked"), ("2020", "not_a_figure"),
                                ("10", "not_a_figure"), ("27", "not_a_figure")]
    assert ("U001", "warning", 1, "9") in errors(report)
    unmatched = next(t for t in report.tallies if t.rule == "C001")
    assert unmatched.unevaluable == 1


SCORES = "unit,s,t\n甲区,90.0,5\n乙区,90.0,5\n丙区,80.5,5\n"
RANK = """
rules:
  - {id: C101, kind: ranking, title: r, severity: error, why: w, table: t, score: s,
     text: '得分较高的是{high:units}；较低的是{low:units}。'}
  - {id: C102, kind: ranking, title: r, severity: error, why: w, table: t, score: t,
     all_equal: true, text: 人才得分均一致}
"""


@pytest.mark.parametrize("sentence, expected", [
    ("得分较高的是甲区、乙区；较低的是丙区。人才得分均一致", set()),          # a tie, both named
    ("得分较高的是 甲 区、乙区；较低的是丙区。", set()),                     # spelling variant
    ("得分较高的是甲区；较低的是丙区。", {("C101", "error", 1, "1")}),        # one of the tie left out
    ("得分较高的是甲区、乙区；较低的是乙区。", {("C101", "error", 1, "1")}),
    ("得分较高的是甲区、戊区；较低的是丙区。", {("C101", "error", 1, "1")}),  # unknown unit
])
def test_rankings_with_ties(make, sentence, expected):
    report = make({"t": ({"s": "score", "t": "score"}, SCORES)}, RANK, prose=sentence)
    assert errors(report) == expected


def test_all_equal_claim_fails_when_scores_differ(make):
    csv = "unit,s,t\n甲区,90.0,5\n乙区,90.0,6\n"
    report = make({"t": ({"s": "score", "t": "score"}, csv)}, RANK, prose="人才得分均一致")
    assert errors(report) == {("C102", "error", 1, "1")}


# ---- the real bulletin: every linked number is guarded -----------------------------------

@pytest.fixture(scope="module")
def real():
    f = form.load(CHECKS)
    return f, catalog.load(CHECKS, f), period.load(REAL, f)


def prose_report(real, root):
    """The prose rules (claims, rankings, unlinked numbers) on the real tables and the
    prose of `root`."""
    f, c, p = real
    text = (root / "bulletin.md").read_text(encoding="utf-8")
    return engine.run(replace(p, prose=text), f, c, select=("C", "U"))


def test_changing_any_linked_number_is_a_contradiction_on_its_line(real, tmp_path):
    text = (REAL / "bulletin.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    base = prose_report(real, REAL)
    linked = [p for p in base.prose if p.verdict == "verified"]
    assert len(linked) == 82
    shutil.copy(REAL / "bulletin.md", tmp_path / "bulletin.md")
    for number in linked:
        line = lines[number.line - 1]
        col = number.column - 1
        # a typo: add 7 to the last digit's place, beyond any rounding of the number
        changed = str(round(number.value * 1.5 + 7, 2))
        mutated = line[:col] + changed + line[col + len(number.text):]
        (tmp_path / "bulletin.md").write_text(
            "\n".join([*lines[: number.line - 1], mutated, *lines[number.line:]]),
            encoding="utf-8")
        report = prose_report(real, tmp_path)
        hits = [f for f in report.findings
                if f.severity == "error" and f.cells[0].line == number.line
                and f.cells[0].column == str(number.column)]
        assert hits, f"line {number.line}: {number.text} -> {changed} not caught"


def with_cell(p, ref, delta):
    """The period with one table cell's value moved by `delta` (scaled units)."""
    table = p.tables[ref.table]
    row = int((table.key() == ref.key).to_numpy().nonzero()[0][0])
    col = table.columns[ref.column]
    val = col.val.copy()
    val[row] += delta
    changed = replace(table, columns={**table.columns, ref.column: replace(col, val=val)})
    return replace(p, tables={**p.tables, ref.table: changed})


def test_changing_any_linked_table_cell_contradicts_the_prose(real):
    f, c, p = real
    links = []
    for rule in c.rules:
        for name, text in rule.params.get("values", {}).items() if rule.kind == "claim" else ():
            node = expr.parse(text)
            if isinstance(node, expr.ast.Call):  # the placeholder is one table cell
                links.append((rule, name, expr.refs(node)[0]))
    assert len(links) == 76
    for rule, name, ref in links:
        table = p.tables[ref.table]
        row = int((table.key() == ref.key).to_numpy().nonzero()[0][0])
        value = table.interval(row, ref.column, "loose")[0]
        moved = with_cell(p, ref, max(abs(value), 10**6) // 2 + 10**6)  # far beyond rounding
        report = engine.run(moved, f, c, select=("C",))
        # the number linked to the cell (its `expected` shows the cell as printed) flips;
        # C305 prints "20" twice (tasks and done), hence any
        linked = [n for n in report.prose
                  if n.rule == rule.id and n.expected == table.text(row, ref.column)]
        assert any(n.verdict == "contradicted" for n in linked), (rule.id, name)
        assert any(x.rule == rule.id and x.severity == "error" and
                   x.cells[0].line == linked[0].line for x in report.findings)


def test_a_new_sentence_is_unlinked(real, tmp_path):
    text = (REAL / "bulletin.md").read_text(encoding="utf-8")
    (tmp_path / "bulletin.md").write_text(text + "\n全市新增签约项目 37 个，总投资 52.6 亿元。\n",
                                          encoding="utf-8")
    report = prose_report(real, tmp_path)
    unlinked = [(x.rule, x.cells[0].column) for x in report.findings if x.rule == "U001"]
    assert unlinked == [("U001", "10"), ("U001", "19")]


def test_template_compilation():
    pattern = prose.compile_template("同比[上升|下降] {x} 个百分点…{y}%")
    m = pattern.search(prose.normalise("今年同比下降 5.5 个百分点，另有 12.5%"))
    assert (m["x"], m["y"]) == ("5.5", "12.5")


@pytest.mark.parametrize("district", ["district: ''", None])
def test_a_park_without_a_district_in_a_ranking_claim(tmp_path, district):
    """A park whose district is empty or missing is named for itself, not a crash."""
    import shutil

    from click.testing import CliRunner

    from zzqa.cli import cli
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    path = checks / "units.yaml"
    text = path.read_text(encoding="utf-8")
    old = "{name: 田心高科园, type: park, district: 石峰区}"
    assert old in text
    new = "{name: 田心高科园, type: park" + (f", {district}" if district else "") + "}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(checks), "--format",
                                   "plain", "--select", "C108"])
    assert "failed to run" not in res.output and res.exit_code in (0, 1), res.output


def _contradictions(report, rule):
    return [f for f in report.findings if f.rule == rule and f.severity == "error"]


def test_a_contradiction_borne_out_by_the_table_blames_the_prose(real):
    # 附件4 全市 重点科技创新 1-9 月完成数 24.98 holds in its column sum, its percentage and
    # against 附件3: the prose's "24.9" is what is wrong, and it should read 25.0
    f, c, p = real
    (found,) = _contradictions(engine.run(p, f, c), "C403")
    assert found.suggestion == "25.0"
    assert "the prose is likely wrong, write 25.0" in found.message
    assert "S401" in found.message and "P401" in found.message


def test_a_contradiction_with_a_doubtful_table_names_its_failing_check(tmp_path):
    # the total typed 26.98: its column sum fails, so the table is as likely wrong as the
    # prose, and nothing is proposed for the prose
    folder = tmp_path / "p"
    shutil.copytree(REAL, folder)
    path = folder / "a4_city_five_batches.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(",24.98,") == 1
    path.write_text(text.replace(",24.98,", ",26.98,"), encoding="utf-8")
    f = form.load(CHECKS)
    report = engine.run(period.load(folder, f), f, catalog.load(CHECKS, f))
    (found,) = _contradictions(report, "C403")
    assert found.suggestion is None
    assert "the table is in doubt, its own checks fail: P401 " in found.message
    assert "S401" in found.message and "X001" in found.message


def test_the_corrected_figure_is_printed_at_the_prose_decimals():
    from fractions import Fraction

    from zzqa.claims import rewrite
    assert rewrite(Fraction("24.975"), Fraction("24.985"), 1) == "25.0"
    assert rewrite(Fraction("103.125"), Fraction("103.125"), 1) == "103.1"
    assert rewrite(Fraction("24.94"), Fraction("24.96"), 1) == "24.9 or 25.0"
    assert rewrite(Fraction("-0.05"), Fraction("-0.05"), 1) == "-0.1"
    # the prose at the table's decimals or more: the table's own figure, no alternative
    assert rewrite(Fraction("891.285"), Fraction("891.295"), 2) == "891.29"
    assert rewrite(Fraction("85.35"), Fraction("85.45"), 1) == "85.4"
    assert rewrite(Fraction("85.35"), Fraction("85.45"), 2) is None  # the table's 85.4, then
