"""Next month (issue 11): a period derived from 2020-09 — 1-10 月 cumulative figures a little
higher, the same annual targets — checked against 2020-09 as its previous period."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from zzqa import catalog, engine, form, period
from zzqa.model import InputError

from conftest import CHECKS, REAL

FORM = form.load(CHECKS)
CATALOG = catalog.load(CHECKS, FORM)
CUMULATIVE = {"a2": ["done_total", "done_industry", "done_support"], "a6": ["start_actual"]}


def derive(root):
    """data/2020-09 copied as 2020-09, and 2020-10 made from it: its period.yaml says so."""
    shutil.copytree(REAL, root / "2020-09")
    october = root / "2020-10"
    shutil.copytree(REAL, october)
    (october / "period.yaml").write_text(
        "period: 2020-10\nprevious: ../2020-09\n"
        "derived: 'made from data/2020-09 by tests/test_history.py, no real bulletin: the "
        "1-10 月 figures are 2020-09''s with a few cumulative ones raised'\n",
        encoding="utf-8")
    return october


def edit(folder, file, unit, column, text):
    path = folder / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    at = rows[0].index(column)
    hits = [r for r in rows[1:] if r[0].replace(" ", "").endswith(unit)]
    assert hits, unit
    hits[0][at] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def history(report):
    return [f for f in report.findings if f.rule in ("M001", "M002")]


@pytest.fixture()
def october(tmp_path):
    return derive(tmp_path)


def test_a_month_later_with_nothing_fallen_passes(october):
    edit(october, "a2_investment.csv", "芦淞区", "done_support", "23.41")  # 22.41 + 1
    report = engine.run(period.load(october, FORM), FORM, CATALOG)
    assert history(report) == []
    tally = {t.rule: t for t in report.tallies}
    assert tally["M001"].checks > 100 and tally["M002"].checks > 100


def test_a_cumulative_figure_that_falls_is_an_error_naming_both_cells(october):
    edit(october, "a2_investment.csv", "天元区", "done_total", "146.12")  # 148.34 before
    (found,) = history(engine.run(period.load(october, FORM), FORM, CATALOG))
    assert found.rule == "M001" and found.severity == "error"
    assert "fell from 148.34 in 2020-09 to 146.12" in found.message
    assert [c.file for c in found.cells] == ["a2_investment.csv",
                                              "../2020-09/a2_investment.csv"]


def test_a_changed_target_is_a_warning_unless_declared(october):
    edit(october, "a2_investment.csv", "天元区", "plan_total", "170.00")  # 164.21 before
    (found,) = history(engine.run(period.load(october, FORM), FORM, CATALOG))
    assert found.rule == "M002" and found.severity == "warning"
    meta = october / "period.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + (
        "revised:\n  - {table: a2, column: plan_total, unit: 天元区, why: 目标调整}\n"),
        encoding="utf-8")
    assert history(engine.run(period.load(october, FORM), FORM, CATALOG)) == []


def test_a_first_period_excuses_the_history_rules():
    report = engine.run(period.load(REAL, FORM), FORM, CATALOG)
    assert history(report) == []
    assert all(t.checks == 1 for t in report.tallies if t.rule in ("M001", "M002"))


def test_a_previous_period_that_is_not_there(october):
    meta = october / "period.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("../2020-09", "../2020-08"),
                    encoding="utf-8")
    from click.testing import CliRunner

    from zzqa.cli import cli
    result = CliRunner().invoke(cli, ["check", str(october), "--checks", str(CHECKS)])
    assert result.exit_code == 2 and "2020-08" in result.output


@pytest.mark.parametrize("previous, says", [
    (".", "is this period itself"),
    ("../2020-11", "is period 2020-11, not before 2020-10"),
])
def test_a_previous_period_must_be_an_earlier_other_one(october, previous, says):
    if previous == "../2020-11":
        shutil.copytree(october.parent / "2020-09", october.parent / "2020-11")
        meta = october.parent / "2020-11" / "period.yaml"
        meta.write_text(meta.read_text(encoding="utf-8").replace("2020-09", "2020-11", 1),
                        encoding="utf-8")
    meta = october / "period.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("../2020-09", previous),
                    encoding="utf-8")
    with pytest.raises(InputError, match=says):
        period.load(october, FORM)


def test_a_revision_names_a_unit_as_printed_and_a_known_column(october):
    edit(october, "a2_investment.csv", "天元区", "plan_total", "170.00")
    meta = october / "period.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text + "revised:\n  - {table: a2, column: plan_total, unit: 高新区 天元区, "
                    "why: 目标调整}\n", encoding="utf-8")
    assert history(engine.run(period.load(october, FORM), FORM, CATALOG)) == []
    meta.write_text(text + "revised:\n  - {table: a2, column: plan_totl, unit: 天元区, "
                    "why: w}\n", encoding="utf-8")
    with pytest.raises(InputError, match="has no column 'plan_totl'"):
        period.load(october, FORM)
