"""Table validation on tiny broken tables: each problem is one finding with its cell."""

from __future__ import annotations

import pytest

from conftest import flat

NONE = "rules: []\n"
KINDS = {"n": "count", "a": "amount", "p": "percent", "s": "score"}


@pytest.mark.parametrize("csv, expected", [
    ("unit,n,a,p,s\n合计,3,1.5,50%,1\n甲区,3,1.5,50.0%,-2\n", set()),
    ("unit,n,a,p,s\n甲区,1.5,1,1%,1\n", {("T004", "error", 2, "n")}),          # count not whole
    ("unit,n,a,p,s\n甲区,1,-1,1%,1\n", {("T004", "error", 2, "a")}),           # negative amount
    ("unit,n,a,p,s\n甲区,1,1,一%,1\n", {("T004", "error", 2, "p")}),           # not a number
    ("unit,n,a,p,s\n甲区,1,1,1%,x\n", {("T004", "error", 2, "s")}),
    ("unit,n,a,p,s\n甲区,-,/,,1\n", set()),                                    # missing markers
    ("unit,n,a,p,s\n丁区,1,1,1%,1\n", {("T005", "error", 2, "unit")}),         # unknown unit
    ("unit,n,a,p,s\n甲区,1,1,1%,1\n甲 区,1,1,1%,1\n", {("T006", "error", 2, "unit"),
                                                        ("T006", "error", 3, "unit")}),
    ("unit,n,a,p,s\n合计,1,1,1%,1\n合 计,1,1,1%,1\n", {("T006", "error", 2, "unit"),
                                                        ("T006", "error", 3, "unit"),
    # the second total row is the one named (line 3), not the table as a whole
                                                        ("T007", "error", 3, "unit")}),
    ("unit,n,a,p\n甲区,1,1,1%\n", {("T002", "error", 1, "s")}),                # missing column
    ("unit,n,a,p,s,x\n甲区,1,1,1%,1,9\n", {("T003", "warning", 1, "x")}),      # unexpected column
    ("unit,n,a,p,s\n甲区,1,1\n", {("T008", "error", 2, "unit")}),              # short row
])
def test_schema_problems(make, csv, expected):
    assert flat(make({"t": (KINDS, csv)}, NONE)) == expected


def test_not_a_number_shows_the_printed_text(make):
    report = make({"t": (KINDS, "unit,n,a,p,s\n甲区,1,1O1.74,1%,1\n")}, NONE)
    (f,) = report.findings
    assert f.actual.printed == "1O1.74" and "'1O1.74' is not a number of at least 0" in f.message


def test_whole_points_are_whole_and_exact(make):
    # a score declared `type: integer` is awarded in whole points: 64.5 is a T004 finding,
    # and "2" is exactly 2, so 1.4 + 2 cannot be printed 3.9 (it could if "2" were [1.5, 2.5])
    kinds = {"a": "score", "w": "points", "t": "score"}
    rules = """
        rules:
          - {id: R901, kind: row_identity, title: t, severity: error, why: w, table: t,
             formulas: ["t = a + w"]}
    """
    report = make({"t": (kinds, "unit,a,w,t\n甲区,1.4,64.5,65.9\n")}, rules)
    (f,) = report.findings
    assert (f.rule, f.cells[0].column) == ("T004", "w") and "a whole number of points" in f.message
    assert flat(make({"t": (kinds, "unit,a,w,t\n甲区,1.4,2,3.4\n")}, rules)) == set()
    assert flat(make({"t": (kinds, "unit,a,w,t\n甲区,1.4,2,3.9\n")}, rules)) == {
        ("R901", "error", 2, "t")}
