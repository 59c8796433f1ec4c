"""The real bulletin, end to end: exactly the genuine inconsistencies, nothing that holds.

Every finding below was confirmed by hand, independently of zzqa, in
docs/2020-09-hand-audit.md (exact fractions; a printed value with d decimals stands for
±0.5·10⁻ᵈ).  Any miss or false alarm fails this test.
"""

from __future__ import annotations

from collections import Counter

A1, A2, A4, A6, A7 = ("a1_scores.csv", "a2_investment.csv", "a4_city_five_batches.csv",
                      "a6_starts_completions.csv", "a7_land_and_factories.csv")

# B101 — scores above the points their header prints (hand audit §Appendix 1, F1):
#   重大科技创新攻坚 (50分): 天元 50.5, 芦淞 51.0, 荷塘 51.0, 石峰 51.0, 经开 50.5
#   重大产品创新 (50分): 天元/芦淞/荷塘/渌口 51, 石峰 50.33, 经开 50.77, 醴陵/茶陵/炎陵 50.5
#   引进科技创新人才 (60分): all ten units 65
TECH = {2, 3, 4, 5, 6}
PRODUCT = {2, 3, 4, 5, 6, 7, 8, 10, 11}
TALENT = set(range(2, 12))
BOUNDS = ({("B101", A1, line, "tech_innovation") for line in TECH}
          | {("B101", A1, line, "product_innovation") for line in PRODUCT}
          | {("B101", A1, line, "talent") for line in TALENT})

ERRORS = BOUNDS | {
    # X004 — 附件2 产业项目 plan = 附件3 重大产业 plan + 附件4 重点产业 plan (holds exactly on
    # the other 10 rows):  醴陵 10(±0.5) + 67.21 = [76.705, 77.715] vs 78.7 → misses by 0.935;
    # 合计 121.7 + 534.24 = [655.885, 655.995] vs 657.43 → misses by 1.43 (F3).
    ("X004", A2, 2, "plan_industry"),
    ("X004", A2, 9, "plan_industry"),
    # R603 — 附件6 荷塘 completions (F2): industrial completions ≤ 6 planned − 1 missed
    # + 1 early + 2 unplanned = 8, printed 9; and non-industrial completions 11 − 9 = 2
    # ≥ (9 − 6) − (1 − 1) = 3 fails.  Both miss by 1 project.
    ("R603", A6, 5, "finish_actual_industry"),
    ("R603", A6, 5, "finish_actual"),
    # C403 — prose "88 个实施项目完成投资 24.9 亿元": 附件4 全市 重点科技创新 1-9月完成数 is
    # 24.98 = [24.975, 24.985], which rounds to 25.0; 24.9 = [24.85, 24.95] misses by 0.025
    # (the prose's own 119.3% = 24.98 / 20.93 needs 24.98).
    ("C403", "bulletin.md", 25, "116"),
    # C602 — prose "竣工配套项目 33 个，为年度开工计划的 41.3%": 附件6 合计 non-industrial
    # completions 96 − 63 = 33 over their plan 70 − 38 = 32 is 103.125%, not 41.3% (41.3% would
    # need a plan of 80, which no table prints; the 开工 sentence before it, 83 / (239 − 135) =
    # 79.8%, holds).
    ("C602", "bulletin.md", 31, "95"),
}

# D001 — cells printed with fewer decimals than their column that some check needs read
# loosely, with the value that makes every such check exact (hand audit R1–R16):
WARNINGS = {
    ("D001", A2, 3, "pct_industry"): "98.7",      # 115.63 / 117.12 = 98.73%   (printed 99%)
    ("D001", A2, 4, "pct_industry"): "106.8",     # 88.20 / 82.55 = 106.84%    (107%)
    ("D001", A2, 4, "done_tech"): "14.28",        # a3 12.44 + a4 1.84          (14.3)
    ("D001", A2, 9, "pct_total"): "88.6",         # 101.74 / 114.83 = 88.60%   (89%)
    ("D001", A2, 10, "done_industry"): "52.64",   # 46.83 + 3.58 + 2.23         (52.6)
    ("D001", A2, 11, "done_industry"): "25.74",   # 24.47 + 0.80 + 0.47         (25.7)
    ("D001", A2, 11, "done_total"): "33.82",      # 25.74 + 8.08                (33.8)
    ("D001", A2, 11, "pct_support"): "74.3",      # 8.08 / 10.87 = 74.33%      (74%)
    ("D001", A2, 13, "pct_support"): "51.8",      # 48.31 / 93.31 = 51.77%     (52%)
    ("D001", A4, 12, "industry_done"): "15.29",   # 383.17 − other rows; = a2 15.29 (15)
    ("D001", A7, 2, "factory_completed_done"): "122.20",  # Σ parks = 122.20      (122)
}


def key(f):
    c = f.cells[0]
    return (f.rule, c.file, c.line, c.column)


def test_errors_are_exactly_the_genuine_inconsistencies(real_report):
    assert {key(f) for f in real_report.findings if f.severity == "error"} == ERRORS
    assert real_report.count("error") == len(ERRORS) == 30


def test_rounding_warnings_name_the_cell_and_the_exact_value(real_report):
    got = {key(f): f.suggestion for f in real_report.findings if f.severity == "warning"}
    assert got == WARNINGS


def test_nothing_else_and_every_cell_covered(real_report):
    assert real_report.count("info") == 0
    # the only checks that cannot be evaluated are prose figures declared unverifiable:
    # 16 year-on-year changes, 77 and 6.12 (前期 projects), 246 (配套 count), 323.22 and
    # 450.3 (financing); and the two history rules, excused: 2020-09 names no previous period
    assert real_report.checks["unevaluable"] == 24
    assert {t.rule for t in real_report.tallies if t.unevaluable} == {
        "C001", "C002", "C003", "C204", "C402", "M001", "M002"}
    assert real_report.cells_covered == real_report.cells_total == 1434
    assert not real_report.uncovered


def test_findings_carry_intervals_and_the_reading(real_report):
    x004 = next(f for f in real_report.findings if f.rule == "X004" and f.cells[0].line == 9)
    assert (x004.expected.low, x004.expected.high) == (76.705, 77.715)
    assert (x004.actual.printed, x004.actual.low, x004.actual.high) == ("78.7", 78.65, 78.75)
    assert x004.miss == 0.935 and x004.reading == "loose"
    assert [c.file for c in x004.cells] == [A2, "a3_province_five_100.csv", A4]


def test_rounding_only_checks_per_rule(real_report):
    within = Counter({t.rule: t.within_rounding for t in real_report.tallies if t.within_rounding})
    # R201: 攸县/茶陵 小计 and 茶陵 合计 identities; S201 产业小计 column; P201 five
    # percentages + 茶陵 产业 84.2% with 25.7; X001 芦淞 科技 and 炎陵 重点产业; S401 and
    # P401 炎陵 "15"; S701 竣工 122.
    assert within == Counter({"P201": 6, "R201": 4, "X001": 2, "S201": 1, "S401": 1,
                              "P401": 1, "S701": 1})


def test_every_prose_number_has_a_verdict(real_report):
    tally = real_report.prose_tally
    assert tally == {"verified": 82, "contradicted": 2, "unverifiable": 22, "unlinked": 0,
                     "not_a_figure": 59}
    contradicted = {(p.line, p.text, p.expected) for p in real_report.prose
                    if p.verdict == "contradicted"}
    assert contradicted == {(25, "24.9", "24.98"),
                            (31, "41.3", "100 * (96 - 63) / (70 - 38) = 103.125")}
