"""Each rule kind on tiny hand-made tables: holds, fails, holds only within rounding, and a
miss that a naive 0.1 tolerance would pass but the printed decimals do not."""

from __future__ import annotations

import pytest

from conftest import flat

SUM = """
rules:
  - {id: S001, kind: sum_total, title: t, severity: error, why: w, table: t}
"""


def table(rows: str) -> str:
    return "unit,x\n" + rows


@pytest.mark.parametrize("rows, expected", [
    ("合计,6\n甲区,1\n乙区,2\n丙区,3\n", set()),                          # 1+2+3 = 6
    ("合计,7\n甲区,1\n乙区,2\n丙区,3\n", {("S001", "error", 2, "x")}),   # counts are exact
    # 1.25 + 2.25 + 3.10(±.005) = [6.585, 6.615] misses 6.65; with 3.1 read as ±.05 it holds
    ("合计,6.65\n甲区,1.25\n乙区,2.25\n丙区,3.1\n", {("D001", "warning", 5, "x")}),
    # 6.60 vs 6.67: within a naive 0.1, but [6.585, 6.615] misses [6.665, 6.675] by 0.05
    ("合计,6.67\n甲区,1.25\n乙区,2.25\n丙区,3.10\n", {("S001", "error", 2, "x")}),
])
def test_sum_total(make, rows, expected):
    kind = "count" if "." not in rows else "amount"
    report = make({"t": ({"x": kind}, table(rows))}, SUM)
    assert flat(report) == expected


def test_sum_total_suggests_the_value_that_makes_it_exact(make):
    report = make({"t": ({"x": "amount"}, table("合计,6.65\n甲区,1.25\n乙区,2.25\n丙区,3.1\n"))}, SUM)
    (f,) = report.findings
    assert f.suggestion == "3.15" and f.checks == ("S001 x",)
    assert (f.actual.low, f.actual.high) == (3.05, 3.15)


def test_sum_total_interval_is_reported(make):
    report = make({"t": ({"x": "amount"}, table("合计,6.67\n甲区,1.25\n乙区,2.25\n丙区,3.10\n"))}, SUM)
    (f,) = report.findings
    assert (f.expected.low, f.expected.high) == (6.585, 6.615)
    assert (f.actual.low, f.actual.high) == (6.665, 6.675)
    assert f.miss == pytest.approx(0.05) and f.reading == "loose"


ROW = """
rules:
  - {id: R001, kind: row_identity, title: t, severity: error, why: w, table: t,
     formulas: ["a = b + c", "c <= a"]}
"""


@pytest.mark.parametrize("rows, expected", [
    ("甲区,5.00,2.00,3.00\n乙区,1.10,0.55,0.55\n", set()),
    ("甲区,5.00,2.00,3.00\n乙区,1.10,0.55,0.75\n", {("R001", "error", 3, "a")}),
    # 5.2 among two-decimal cells: 2.00 + 3.23 = 5.23, inside 5.2 ± 0.05 only
    ("甲区,5.2,2.00,3.23\n乙区,1.10,0.55,0.55\n", {("D001", "warning", 2, "a")}),
    # 5.08 vs 5.00: naive 0.1 passes; [4.99, 5.01] misses [5.075, 5.085]
    ("甲区,5.08,2.00,3.00\n乙区,1.10,0.55,0.55\n", {("R001", "error", 2, "a")}),
    # a part larger than its whole
    ("甲区,5.00,-1.00,6.00\n乙区,1.10,0.55,0.55\n", {("R001", "error", 2, "c"),
                                                     ("T004", "error", 2, "b")}),
])
def test_row_identity(make, rows, expected):
    report = make({"t": ({"a": "amount", "b": "amount", "c": "amount"}, "unit,a,b,c\n" + rows)}, ROW)
    assert flat(report) == expected


RATIO = """
rules:
  - {id: P001, kind: ratio, title: t, severity: error, why: w, table: t, ratios: ["p = d / n"]}
"""


@pytest.mark.parametrize("rows, expected", [
    ("甲区,1,3,33.3%\n乙区,1,4,25.0%\n丙区,0,-,-\n", set()),        # no plan: '-' is right
    ("甲区,1,3,33.4%\n乙区,1,4,25.0%\n丙区,0,2,0.0%\n", {("P001", "error", 2, "p")}),  # naive 0.1 passes
    ("甲区,1,3,33%\n乙区,1,4,25.0%\n丙区,1,8,12.5%\n", {("D001", "warning", 2, "p")}),
    ("甲区,1,3,30.0%\n乙区,1,4,25.0%\n丙区,1,-,12.5%\n", {("P001", "error", 2, "p"),
                                                       ("P001", "error", 4, "p")}),
])
def test_ratio(make, rows, expected):
    kinds = {"d": "count", "n": "count", "p": "percent"}
    assert flat(make({"t": (kinds, "unit,d,n,p\n" + rows)}, RATIO)) == expected


def test_ratio_is_exact_at_the_interval_edge(make):
    # 1/8 = 12.5% exactly; printed 12.45% stands for [12.445, 12.455]: misses by 0.045
    report = make({"t": ({"d": "count", "n": "count", "p": "percent"},
                         "unit,d,n,p\n甲区,1,8,12.45%\n乙区,1,4,25.00%\n")}, RATIO)
    (f,) = report.findings
    assert f.miss == pytest.approx(0.045)


def test_ratio_over_rounded_operands(make):
    # 100 × [0.995, 1.005] / [2.995, 3.005] = [33.11, 33.56]: 33.5% holds, 33.6% does not
    kinds = {"d": "amount", "n": "amount", "p": "percent"}
    ok = make({"t": (kinds, "unit,d,n,p\n甲区,1.00,3.00,33.5%\n")}, RATIO)
    bad = make({"t": (kinds, "unit,d,n,p\n乙区,1.00,3.00,33.7%\n")}, RATIO)
    assert flat(ok) == set() and flat(bad) == {("P001", "error", 2, "p")}


RANK = """
rules:
  - {id: K001, kind: rank, title: t, severity: error, why: w, table: t, rank: r, score: s}
"""


@pytest.mark.parametrize("rows, expected", [
    ("甲区,90.00,1\n乙区,80.00,2\n丙区,70.00,3\n", set()),
    ("甲区,80.00,2\n乙区,80.00,2\n丙区,70.00,3\n", set()),                    # a tie may share
    ("甲区,90.00,2\n乙区,80.00,1\n丙区,70.00,3\n", {("K001", "error", 2, "r"),
                                                   ("K001", "error", 3, "r")}),
    # 80.1 (±0.05) may be above 80.12 only when read at the decimals it shows
    ("甲区,80.12,2\n乙区,80.1,1\n丙区,70.00,3\n", {("D001", "warning", 3, "s")}),
    # 80.05 vs 80.00: a naive 0.1 calls them tied; their intervals are disjoint
    ("甲区,80.00,1\n乙区,80.05,2\n丙区,70.00,3\n", {("K001", "error", 2, "r"),
                                                   ("K001", "error", 3, "r")}),
])
def test_rank(make, rows, expected):
    report = make({"t": ({"s": "score", "r": "rank"}, "unit,s,r\n" + rows)}, RANK)
    assert flat(report) == expected


BOUND = """
rules:
  - {id: B001, kind: bound, title: t, severity: error, why: w, table: t}
  - {id: B002, kind: bound, title: t, severity: error, why: w, table: t, columns: [y], max: 50.7}
"""


@pytest.mark.parametrize("x, y, expected", [
    ("50.0", "50.0", set()),
    ("50.5", "50.0", {("B001", "error", 2, "x")}),
    ("50.08", "50.0", {("B001", "error", 2, "x")}),     # naive 0.1 passes; 50.075 > 50
    ("50.0", "51", {("D001", "warning", 2, "y"), ("B001", "error", 2, "y")}),
])
def test_bound(make, x, y, expected):
    # y's header prints (50分); B002 allows 50.7: "51" among one-decimal values reads
    # [50.95, 51.05] strictly (fails) but [50.5, 51.5] loosely (holds)
    rows = f"unit,x,y\n甲区,{x},{y}\n乙区,40.0,40.0\n"
    report = make({"t": ({"x": ("score", 50), "y": ("score", 50)}, rows)}, BOUND)
    assert flat(report) == expected


CROSS = """
rules:
  - {id: X001, kind: cross_table, title: t, severity: error, why: w,
     formulas: ["t.x = u.y + u.z"]}
"""


@pytest.mark.parametrize("u_rows, expected", [
    ("合计,2.00,4.00\n甲区,1.00,2.00\n乙区,1.00,2.00\n", set()),
    ("合计,2.00,4.00\n甲区,1.00,2.00\n乙区,1.00,2.10\n", {("X001", "error", 3, "x")}),
    ("合计,2.00,4.00\n甲区,1.00,2.00\n乙区,1.0,2.04\n", {("D001", "warning", 4, "y")}),
    ("合计,2.00,4.00\n甲区,1.00,2.00\n乙区,1.00,2.08\n", {("X001", "error", 3, "x")}),
])
def test_cross_table_matches_rows_by_unit(make, u_rows, expected):
    t = "unit,x\n合 计,6.00\n乙区,3.00\n甲 区,3.00\n"   # other order, other spellings
    tables = {"t": ({"x": "amount"}, t), "u": ({"y": "amount", "z": "amount"}, "unit,y,z\n" + u_rows)}
    assert flat(make(tables, CROSS)) == expected


def test_cross_table_missing_unit_is_unevaluable_unless_declared_zero(make):
    t = "unit,x\n甲区,3.00\n丙区,1.00\n"
    u = "unit,y,z\n甲区,1.00,2.00\n"
    tables = {"t": ({"x": "amount"}, t), "u": ({"y": "amount", "z": "amount"}, u)}
    report = make(tables, CROSS)
    assert flat(report) == {("X001", "info", 3, "x")}
    assert next(t for t in report.tallies if t.rule == "X001").unevaluable == 1
