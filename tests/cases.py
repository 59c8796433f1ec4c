"""One passing and one failing tiny case for every rule kind (tests/test_catalog.py runs
them): a kind without both cannot be added without the meta-test failing.

Each case: (tables for conftest.tiny, rules YAML, prose or None, the rule id under test).
"""

from __future__ import annotations


def _table(kinds: dict, csv: str) -> dict:
    return {"t": (kinds, csv)}


AMOUNTS = {"a": "amount", "b": "amount", "c": "amount"}
SCORES = {"s": "score", "r": "rank"}


def _rule(text: str) -> str:
    return f"rules:\n  - {text}\n"


KIND_CASES = {
    "schema": dict(
        rules=_rule("{id: T105, kind: schema, problem: unit-unknown, title: t, severity: error,"
                    " why: w}"),
        rule="T105",
        passing=(_table({"x": "count"}, "unit,x\n甲区,1\n"), None),
        failing=(_table({"x": "count"}, "unit,x\n丁区,1\n"), None)),
    "sum_total": dict(
        rules=_rule("{id: S001, kind: sum_total, title: t, severity: error, why: w, table: t}"),
        rule="S001",
        passing=(_table({"x": "count"}, "unit,x\n合计,3\n甲区,1\n乙区,2\n"), None),
        failing=(_table({"x": "count"}, "unit,x\n合计,4\n甲区,1\n乙区,2\n"), None)),
    "row_identity": dict(
        rules=_rule("{id: R001, kind: row_identity, title: t, severity: error, why: w, "
                    "table: t, formulas: ['a = b + c']}"),
        rule="R001",
        passing=(_table(AMOUNTS, "unit,a,b,c\n甲区,5.00,2.00,3.00\n"), None),
        failing=(_table(AMOUNTS, "unit,a,b,c\n甲区,5.10,2.00,3.00\n"), None)),
    "ratio": dict(
        rules=_rule("{id: P001, kind: ratio, title: t, severity: error, why: w, table: t, "
                    "ratios: ['p = d / n']}"),
        rule="P001",
        passing=(_table({"d": "count", "n": "count", "p": "percent"},
                        "unit,d,n,p\n甲区,1,4,25.0%\n"), None),
        failing=(_table({"d": "count", "n": "count", "p": "percent"},
                        "unit,d,n,p\n甲区,1,4,25.1%\n"), None)),
    "rank": dict(
        rules=_rule("{id: K001, kind: rank, title: t, severity: error, why: w, table: t, "
                    "rank: r, score: s}"),
        rule="K001",
        passing=(_table(SCORES, "unit,s,r\n甲区,90.00,1\n乙区,80.00,2\n"), None),
        failing=(_table(SCORES, "unit,s,r\n甲区,90.00,2\n乙区,80.00,1\n"), None)),
    "bound": dict(
        rules=_rule("{id: B001, kind: bound, title: t, severity: error, why: w, table: t}"),
        rule="B001",
        passing=(_table({"x": ("score", 50)}, "unit,x\n甲区,50.0\n"), None),
        failing=(_table({"x": ("score", 50)}, "unit,x\n甲区,50.5\n"), None)),
    "cross_table": dict(
        rules=_rule("{id: X001, kind: cross_table, title: t, severity: error, why: w, "
                    "formulas: ['t.x = u.y']}"),
        rule="X001",
        passing=({"t": ({"x": "count"}, "unit,x\n甲区,3\n"),
                  "u": ({"y": "count"}, "unit,y\n甲区,3\n")}, None),
        failing=({"t": ({"x": "count"}, "unit,x\n甲区,3\n"),
                  "u": ({"y": "count"}, "unit,y\n甲区,4\n")}, None)),
    "precision": dict(
        rules=_rule("{id: S001, kind: sum_total, title: t, severity: error, why: w, table: t}")
        + "  - {id: D101, kind: precision, title: t, severity: warning, why: w}\n",
        rule="D101",
        passing=(_table({"x": "amount"}, "unit,x\n合计,6.60\n甲区,3.5\n乙区,3.10\n"), None),
        failing=(_table({"x": "amount"}, "unit,x\n合计,6.65\n甲区,3.50\n乙区,3.1\n"), None)),
    "claim": dict(
        rules=_rule("{id: C001, kind: claim, title: t, severity: error, why: w, "
                    "text: '完成投资{done}亿元', values: {done: 't.x[合计]'}}"),
        rule="C001",
        passing=(_table({"x": "amount"}, "unit,x\n合计,891.29\n甲区,891.29\n"),
                 "完成投资891.3亿元。"),
        failing=(_table({"x": "amount"}, "unit,x\n合计,891.29\n甲区,891.29\n"),
                 "完成投资892.3亿元。")),
    "ranking": dict(
        rules=_rule("{id: C101, kind: ranking, title: t, severity: error, why: w, table: t, "
                    "score: s, text: '得分较高的是{high:units}。'}"),
        rule="C101",
        passing=(_table(SCORES, "unit,s,r\n甲区,90.00,1\n乙区,80.00,2\n"), "得分较高的是甲区。"),
        failing=(_table(SCORES, "unit,s,r\n甲区,90.00,1\n乙区,80.00,2\n"), "得分较高的是乙区。")),
    "coverage": dict(
        rules=_rule("{id: S001, kind: sum_total, title: t, severity: error, why: w, table: t}")
        + "  - {id: V001, kind: coverage, title: t, severity: warning, why: w}\n",
        rule="V001",
        passing=(_table({"x": "count"}, "unit,x\n合计,3\n甲区,1\n乙区,2\n"), None),
        failing=(_table({"x": "count", "p": "percent"},
                        "unit,x,p\n合计,3,1%\n甲区,1,1%\n乙区,2,1%\n"), None)),
    "blank": dict(
        rules=_rule("{id: S001, kind: sum_total, title: t, severity: error, why: w, table: t}")
        + "  - {id: V002, kind: blank, title: t, severity: warning, why: w}\n",
        rule="V002",
        passing=(_table({"x": "count", "y": "count"},
                        "unit,x,y\n合计,3,\n甲区,1,\n乙区,2,\n"), None),
        failing=(_table({"x": "count"}, "unit,x\n合计,3\n甲区,\n乙区,2\n"), None)),
    "checked": dict(
        rules=_rule("{id: S001, kind: sum_total, title: t, severity: error, why: w, table: t}")
        + "  - {id: V003, kind: checked, title: t, severity: error, why: w}\n",
        rule="V003",
        passing=(_table({"x": "count"}, "unit,x\n合计,3\n甲区,1\n乙区,2\n"), None),
        failing=(_table({"x": "count"}, "unit,x\n合计,-\n甲区,-\n乙区,-\n"), None)),
    "unlinked": dict(
        rules=_rule("{id: U001, kind: unlinked, title: t, severity: warning, why: w}")
        + "  - {id: C001, kind: claim, title: t, severity: error, why: w, "
          "text: '完成投资{done}亿元', values: {done: 't.x[合计]'}}\n",
        rule="U001",
        passing=(_table({"x": "amount"}, "unit,x\n合计,891.29\n甲区,891.29\n"),
                 "完成投资891.3亿元。"),
        failing=(_table({"x": "amount"}, "unit,x\n合计,891.29\n甲区,891.29\n"),
                 "完成投资891.3亿元，新签约项目12个。")),
    "history": dict(
        rules=_rule("{id: M001, kind: history, title: t, severity: error, why: w, "
                    "relation: '>=', columns: {t: [x]}}"),
        rule="M001",
        passing=(_table({"x": "amount"}, "unit,x\n甲区,12.5\n乙区,3\n"), None),
        failing=(_table({"x": "amount"}, "unit,x\n甲区,12.5\n乙区,2.3\n"), None),
        # the month before: 乙区 had 2.5 (2.3 is less, whatever the rounding)
        previous=_table({"x": "amount"}, "unit,x\n甲区,10.2\n乙区,2.5\n")),
    "waiver": dict(
        rules=("rules:\n  - {id: S001, kind: sum_total, title: t, severity: error, why: w, "
               "table: t}\n  - {id: W002, kind: waiver, problem: stale, title: t, "
               "severity: warning, why: w}\n"),
        rule="W002",
        passing=(_table({"x": "count"}, "unit,x\n合计,4\n甲区,1\n乙区,2\n"), None),
        failing=(_table({"x": "count"}, "unit,x\n合计,3\n甲区,1\n乙区,2\n"), None),
        # the same waiver: it accepts the failed sum of the passing case, nothing in the other
        waivers="waivers:\n  - {rule: S001, cells: [{table: t, unit: 合计}], reason: r, "
                "accepted_by: me, expires: 2099-01-01}\n"),
}
