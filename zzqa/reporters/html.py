"""A self-contained HTML report for reviewers: the tables as printed, the wrong cells marked.

One file, no network: the styles and the script are inline, the fonts are the system's
(a stack that renders Chinese on Windows, macOS and Linux).  It shows the summary, the
likely causes (suspects, systematic failures), the checklist of rules, every appendix as
the printed table (multi-row headers from the header paths of checks/tables.yaml) with the
cells of the findings marked — failing red, within rounding amber, waived green, could
not be evaluated grey, a suspect with its likely value — the findings with their arithmetic
(selecting a cell shows its own), and the prose with every number marked by its verdict.
Filters by severity and rule; prints on A4.

Rendered with Jinja2 with autoescaping on: every string from the input is escaped (a unit
named `<script>` is text), and the findings travel to the script as JSON inside a
`<script type="application/json">` block, `<` written as `\\u003c` so that nothing in them
can close it; the script shows them with `textContent`, never as markup.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict

from ..model import Finding, PrintedTable, Report
from . import inert

SEP = " › "


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error") -> str:
    import jinja2
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("zzqa", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters["inert"] = lambda text: inert(text)  # control characters shown escaped
    kinds = {t.rule: t.kind for t in report.tallies}
    findings = [_finding(k, f, kinds.get(f.rule, "")) for k, f in enumerate(report.findings)]
    by_cell = defaultdict(list)
    for item in findings:
        for key in item["keys"]:
            by_cell[key].append(item)
    suspects = {f"{s.cell.file}:{s.cell.line}:{s.cell.column}": s for s in report.suspects}
    printed = report.printed
    tables = [_table(t, by_cell, suspects) for t in (printed.tables if printed else ())]
    c = report.checks
    data = {"findings": findings, "cells": {k: [i["id"] for i in v] for k, v in by_cell.items()}}
    return env.get_template("report.html.j2").render(
        r=report, c=c, fail_on=fail_on, tables=tables, findings=findings,
        level_zh={"error": "错误", "warning": "警告", "info": "提示"}[fail_on],
        unlisted=sum(t.unlisted + t.unlisted_infos for t in report.tallies),
        prose=_prose(report), rules=sorted({f["rule"] for f in findings}),
        errors=report.count("error"), warnings=report.count("warning"),
        infos=report.count("info"), failing=report.failing(fail_on),
        coverage=(100 * report.cells_covered / report.cells_total
                  if report.cells_total else 100.0),
        data=_json(data), inert=inert)



def _finding(k: int, f: Finding, kind: str) -> dict:
    if f.waived:
        state = "waived"
    elif f.severity == "info":
        state = "info"
    elif kind == "precision":
        state = "rounding"
    else:
        state = "fail"
    return {
        "id": k, "rule": f.rule, "severity": f.severity, "state": state,
        "message": inert(f.message, newlines=True), "table": f.table,
        "keys": [f"{c.file}:{c.line}:{c.column}" for c in f.cells],
        "cells": [inert(f"{c.address or f'{c.file}:{c.line}'} {c.column}  "
                        f"{c.unit}{SEP if c.unit else ''}{c.label}") for c in f.cells],
        "read": max(f.read, len(f.cells)),
        "expected": None if f.expected is None else inert(f.expected.printed),
        "actual": None if f.actual is None else inert(f.actual.printed),
        "miss": f.miss, "reading": f.reading, "suggestion": f.suggestion,
        "waived": ({k: inert(v) for k, v in asdict(f.waived).items()} if f.waived else None),
    }


STATES = ("fail", "rounding", "info", "waived")  # a cell shows the first its findings have


def _table(t: PrintedTable, by_cell: dict, suspects: dict) -> dict:
    header = _header([path for _, path in t.columns])
    rows, marked = [], []
    for line, cells in t.rows:
        out = []
        for (column, _), text in zip(t.columns, cells, strict=False):
            key = f"{t.file}:{line}:{column}"
            found = by_cell.get(key, [])
            states = {f["state"] for f in found}
            state = next((s for s in STATES if s in states), "")
            suspect = suspects.get(key)
            if found:
                marked.append(key)
            out.append({"text": inert(text), "key": key, "state": state, "count": len(found),
                        "suggested": inert(suspect.suggested) if suspect and
                        suspect.suggested else None,
                        "numeric": column != "unit"})
        rows.append({"line": line, "cells": out})
    return {"name": t.name, "title": t.title, "file": t.where or t.file,
            "unit": t.unit_of_measure,
            "header": header, "rows": rows, "more": t.more, "marked": marked}


def _header(paths: list[str]) -> list[list[dict]]:
    """Header rows of a table from its columns' header paths ("A › B"): a level shared by
    neighbouring columns spans them, a path shorter than the deepest spans the rows below."""
    parts = [p.split(SEP) for p in paths]
    depth = max((len(p) for p in parts), default=1)
    rows: list[list[dict]] = [[] for _ in range(depth)]
    for level in range(depth):
        k = 0
        while k < len(parts):
            p = parts[k]
            if len(p) <= level:  # covered by a cell above spanning down
                k += 1
                continue
            span = 1
            if level < len(p) - 1:  # a group: the neighbours under the same prefix
                while (k + span < len(parts) and len(parts[k + span]) > level + 1
                       and parts[k + span][:level + 1] == p[:level + 1]):
                    span += 1
            down = depth - level if level == len(p) - 1 else 1
            rows[level].append({"text": p[level], "colspan": span, "rowspan": down})
            k += span
    return rows


def _prose(report: Report) -> list[list[dict]]:
    """The prose, line by line, as runs of text and marked numbers (by verdict)."""
    printed = report.printed
    if printed is None or printed.prose is None:
        return []
    marks = defaultdict(list)
    for p in report.prose:
        marks[p.line].append(p)
    out = []
    for n, line in enumerate(printed.prose.split("\n"), start=1):
        runs, at = [], 0
        for p in sorted(marks.get(n, []), key=lambda p: p.column):
            start = p.column - 1
            if start < at or line[start:start + len(p.text)] != p.text:
                continue  # never mark what is not there
            runs.append({"text": inert(line[at:start])})
            runs.append({"text": inert(p.text), "verdict": p.verdict, "rule": p.rule or "",
                         "expected": inert(p.expected or ""), "kind": p.kind})
            at = start + len(p.text)
        runs.append({"text": inert(line[at:])})
        out.append(runs)
    return out


def _json(data) -> str:
    """JSON that cannot end the <script> block it sits in."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
