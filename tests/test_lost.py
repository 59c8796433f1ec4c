"""Lost values: a blank cell whose checks pin its value is reported with that value
(deductive imputation), and one they leave open is not given a value."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from zzqa.cli import cli

from conftest import CHECKS, REAL


def blanked(tmp_path, file: str, old: str, new: str):
    period = tmp_path / "p"
    shutil.copytree(REAL, period)
    path = period / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(period), "--checks", str(CHECKS), "--format",
                                   "json"])
    return json.loads(res.output)


@pytest.mark.parametrize("file, old, new, said", [
    # 醴陵市 1-9 月完成投资 合计: its row identity (two parts of two decimals) and the column
    # sum agree on 101.74, each other cell anywhere in its rounding: 79% likely
    ("a2_investment.csv", "醴陵市,114.83,78.7,36.13,101.74,", "醴陵市,114.83,78.7,36.13,,",
     "the checks imply 101.74 (79% likely; from 101.73 to 101.75)"),
    # 茶陵县 年度投资目标 合计 (41.44): the row identity 合计 = 产业 + 配套 pins it
    ("a2_investment.csv", "茶陵县,41.44,", "茶陵县,,",
     "the checks imply 41.44 (79% likely; from 41.43 to 41.45)"),
    # 附件9 天元区 开工率 58.82%: a ratio of two counts leaves one printed value
    ("a9_signed_projects.csv", ",58.82%,", ",,", "the checks imply 58.82%"),
])
def test_a_lost_value_the_checks_pin_is_named(tmp_path, file, old, new, said):
    doc = blanked(tmp_path, file, old, new)
    (v002,) = [f for f in doc["findings"] if f["rule"] == "V002"]
    assert said in v002["message"]
    assert v002["suggestion"] == said.split("imply ")[1].split(" ")[0]


def test_a_blank_its_checks_leave_open_gets_no_value(make):
    rules = ("rules:\n  - {id: R001, kind: row_identity, title: t, severity: error, why: w, "
             "table: t, formulas: ['a = b + c']}\n  - {id: V002, kind: blank, title: t, "
             "severity: warning, why: w}\n")
    amounts = {"a": "amount", "b": "amount", "c": "amount"}
    # one blank: the identity pins it; two blanks: it pins neither
    one = make({"t": (amounts, "unit,a,b,c\n甲区,5.00,,3.00\n乙区,3.00,1.00,2.00\n")}, rules)
    (f,) = [x for x in one.findings if x.rule == "V002"]
    assert f.suggestion == "2.00" and "imply 2.00" in f.message
    two = make({"t": (amounts, "unit,a,b,c\n甲区,5.00,,\n")}, rules)
    found = [x for x in two.findings if x.rule == "V002"]
    assert len(found) == 2 and all(x.suggestion is None for x in found)
    assert all("imply" not in x.message for x in found)


def _ratio(make, row: str):
    rules = ("rules:\n  - {id: P001, kind: ratio, title: t, severity: error, why: w, "
             "table: t, ratios: ['p = d / n']}\n  - {id: V002, kind: blank, title: t, "
             "severity: warning, why: w}\n")
    kinds = {"d": "amount", "n": "amount", "p": "percent"}
    return [f for f in make({"t": (kinds, "unit,d,n,p\n" + row + "\n乙区,1.00,4.00,25.0%\n")},
                            rules).findings if f.rule == "V002"]


def test_no_plan_says_nothing_of_the_numerator(make):
    (f,) = _ratio(make, "甲区,,-,-")
    assert f.suggestion is None and "imply" not in f.message and "between" not in f.message


def test_a_percentage_keeps_its_sign_and_large_ends_print_plainly(make):
    (f,) = _ratio(make, "甲区,100.00,400.00,")
    assert f.suggestion == "25.0%" and "imply 25.0% (from 24.998% to 25.002%)" in f.message
    (g,) = _ratio(make, "甲区,,5000000.00,33.3%")
    assert "e+" not in g.message and "between 1662499.9983 and 1667500.0017" in g.message


def test_a_percentage_pinned_inside_one_printed_value_is_named(tmp_path):
    # 芦淞区 开工率 = 8 / 12 = 66.666…%: every value the check allows prints as 66.67%
    doc = blanked(tmp_path, "a9_signed_projects.csv", ",66.67%,", ",,")
    (v002,) = [f for f in doc["findings"] if f["rule"] == "V002"]
    assert v002["suggestion"] == "66.67%" and v002["severity"] == "warning"


def test_a_systematic_bound_does_not_pin_a_lost_score(tmp_path):
    # 炎陵县 重大产品创新 50.5 left blank: B101's "(50分)" fails on nine of ten rows, so it
    # is read as blame reads it (up to the 51 the column prints): the interval holds 50.5
    doc = blanked(tmp_path, "a1_scores.csv", ",50.5,65,", ",,65,")
    (v002,) = [f for f in doc["findings"] if f["rule"] == "V002"]
    low, high = (float(x) for x in v002["message"].split("between ")[1].split(":")[0]
                 .split(" and "))
    assert low <= 50.5 <= high


def test_a_value_only_likely_is_not_claimed(tmp_path):
    # 合计 科技创新 57.12: its row (617.38 = 525.57 + 57.12 + 34.69), the column sum and
    # 1-9 月 合计 each pin it to within a unit of 57.12 or 57.13 — with every cell anywhere
    # in its rounding, 57.13 is the likelier (64%), but the bulletin printed 57.12: no claim
    doc = blanked(tmp_path, "a2_investment.csv", "525.57,57.12,", "525.57,,")
    (v002,) = [f for f in doc["findings"] if f["rule"] == "V002"]
    assert "put it between 57.12 and 57.135" in v002["message"]
    assert v002["suggestion"] is None and v002["severity"] == "warning"


def test_the_likeliest_printed_value():
    from fractions import Fraction

    from zzqa.kinds.blank import likeliest
    unit = 10**6  # numbers.SCALE 6: a cent is 10**4
    cent = unit // 100
    # one identity of two 2-decimal parts: a triangle over [x - 1 cent, x + 1 cent], three
    # quarters of it within half a cent of x
    var = Fraction(2 * cent * cent, 12)
    value, p = likeliest(Fraction(99 * cent), Fraction(101 * cent), [(Fraction(100 * cent), var)],
                         cent)
    assert value == 100 * cent and 0.70 < p < 0.85
    # a sum of counts gives one value exactly; a ratio of counts a point
    assert likeliest(Fraction(0), Fraction(10 * unit), [(Fraction(3 * unit), 0)], unit) == (
        3 * unit, 1.0)
    assert likeliest(Fraction(5 * unit), Fraction(5 * unit), [], unit) == (5 * unit, 1.0)
    # no identity: each printed value of the interval alike
    value, p = likeliest(Fraction(0), Fraction(4 * unit), [], unit)
    assert p == 0.25
    assert likeliest(Fraction(2), Fraction(1), [], unit) is None


def test_a_wide_or_wholeless_interval_claims_nothing_and_quickly():
    from fractions import Fraction

    from zzqa.kinds.blank import likeliest
    unit, cent = 10**6, 10**4
    # a blank under "≤ 100000.00": ten million cents, none of them likely (and no loop
    # through them)
    assert likeliest(Fraction(0), Fraction(100000 * unit), [], cent) is None
    # an identity of many rounded cells, sd 50 cents: no cent 2% likely
    assert likeliest(Fraction(0), Fraction(10**9),
                     [(Fraction(5 * 10**8), Fraction(2500 * cent**2))], cent) is None
    # a whole-number column: 5.46…5.58 holds no whole number, whatever the identity says
    assert likeliest(Fraction(546 * cent), Fraction(558 * cent),
                     [(Fraction(552 * cent), Fraction(cent**2))], unit, exact=True) is None
    # and between 4.6 and 6.2 the whole number nearest the identity's centre
    value, p = likeliest(Fraction(46 * unit, 10), Fraction(62 * unit, 10),
                         [(Fraction(58 * unit, 10), Fraction(unit**2, 100))], unit, exact=True)
    assert value == 6 * unit and p > 0.9


def test_a_point_on_a_rounding_boundary_is_no_claim():
    from fractions import Fraction

    from zzqa.kinds.blank import likeliest
    unit = 10**6
    tenth = unit // 10
    # 1 of 16 projects: 6.25%, printed at one decimal either 6.2% or 6.3% (half up: 6.3%)
    assert likeliest(Fraction(625 * unit, 100), Fraction(625 * unit, 100), [], tenth) == (
        63 * tenth, 0.5)
    assert likeliest(Fraction(3 * unit), Fraction(3 * unit), [], tenth) == (30 * tenth, 1.0)


def test_likely_is_never_sure_while_another_value_is_allowed():
    from fractions import Fraction

    from zzqa.kinds.blank import SURE, likeliest
    unit = 10**6
    # an identity pins 10.37 ± 0.01 (sd) inside 10.22…10.52: 11 lies beyond eight standard
    # deviations but is allowed
    value, p = likeliest(Fraction(1022 * unit, 100), Fraction(1052 * unit, 100),
                         [(Fraction(1037 * unit, 100), Fraction(unit * unit, 10**4))], unit)
    assert value == 10 * unit and p == SURE


def test_a_blank_ratio_on_a_rounding_boundary_is_left_open(tmp_path):
    # 天元区 投产率 left blank where 1 of 16 projects produced: 6.25% prints as 6.2% or 6.3%
    doc = blanked(tmp_path, "a9_signed_projects.csv", ",58.82%,49,29,59.2%,", ",58.82%,16,1,,")
    (v002,) = [f for f in doc["findings"] if f["rule"] == "V002"]
    assert v002["suggestion"] is None and "imply" not in v002["message"]
