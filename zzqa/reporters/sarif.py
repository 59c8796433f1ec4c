"""SARIF 2.1.0, for code-scanning views (GitHub code scanning, VS Code's SARIF viewer).

One run of the tool `zzqa`: every rule that applied to the period is a reporting
descriptor (its id, its title as the short description, why it must hold as the full
description and the help, its severity as the default level); every finding is a result
with its rule, level (error, warning, note), message, and one location per cell it names:
the file as given on the command line joined with the cell's file, the line, and where
it can be told the character column (`columnKind` unicodeCodePoints), with the unit and
header path as the location's logical name.  A finding's first cell is its location, the
others related locations.  A stable fingerprint (rule, file, unit, column, message) lets
a code-scanning view follow a finding from one submission to the next.  The failures beyond
--max-findings are counted in the run's properties.
"""

from __future__ import annotations

import hashlib
import json

from .. import __version__
from ..model import Cell, Finding, Report, path_of
from . import inert

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error") -> str:
    rules = [t.rule for t in report.tallies]
    for f in report.findings:  # a rule that failed to load its kind still has findings
        if f.rule not in rules:
            rules.append(f.rule)
    index = {r: k for k, r in enumerate(rules)}
    tally = {t.rule: t for t in report.tallies}
    descriptors = []
    for r in rules:
        t = tally.get(r)
        why = report.why.get(r) or (t.title if t else r)
        descriptors.append({
            "id": r,
            "name": r,
            "shortDescription": {"text": t.title if t else r},
            "fullDescription": {"text": why},
            "help": {"text": f"{why}\n\n`zzqa explain {r}` says more.",
                     "markdown": f"{why}\n\n`zzqa explain {r}` says more."},
            "defaultConfiguration": {"level": LEVEL[t.severity] if t else "error"},
            "properties": {"kind": t.kind if t else "", "checks": t.checks if t else 0},
        })
    results = [_result(report, f, index[f.rule]) for f in report.findings]
    c = report.checks
    run = {
        "tool": {"driver": {"name": "zzqa", "version": __version__, "rules": descriptors}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{"executionSuccessful": True}],
        "properties": {
            "period": report.period, "target": report.target, **c,
            "errors": report.count("error"), "warnings": report.count("warning"),
            "infos": report.count("info"), "waived": report.waived,
            "unlisted": sum(t.unlisted + t.unlisted_infos for t in report.tallies),
            "cells_total": report.cells_total, "cells_covered": report.cells_covered,
        },
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _result(report: Report, f: Finding, rule_index: int) -> dict:
    cells = list(f.cells)
    out = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": inert(f.message, newlines=True)},
        "locations": [_location(report, cells[0] if cells else None, f)],
        "partialFingerprints": {"zzqa/v1": _fingerprint(f)},
    }
    if len(cells) > 1:
        out["relatedLocations"] = [dict(_location(report, c, f), id=k)
                                   for k, c in enumerate(cells[1:], start=1)]
    props = {}
    if f.expected is not None:
        props["expected"] = f.expected.printed
    if f.actual is not None:
        props["printed"] = f.actual.printed
    if f.miss is not None:
        props["miss"] = f.miss
    if f.suggestion:
        props["suggestion"] = f.suggestion
    if f.read > len(cells):
        props["cells_read"] = f.read
    if f.waived:  # accepted: code-scanning views show it as dismissed, with the reason
        w = f.waived
        out["suppressions"] = [{"kind": "external", "status": "accepted",
                                "justification": f"{w.reason} (accepted by {w.accepted_by} "
                                                 f"until {w.expires}; {w.where})"}]
    if props:
        out["properties"] = props
    return out


def _location(report: Report, cell: Cell | None, f: Finding) -> dict:
    if cell is None:  # a finding about the period as a whole (a table missing, no prose)
        return {"physicalLocation": {"artifactLocation": {"uri": _uri(report.target)}},
                "logicalLocations": [{"name": f.table or report.period}]}
    region = {"startLine": max(cell.line, 1)}
    if cell.offset:
        region["startColumn"] = cell.offset
    where = inert(" › ".join(x for x in (cell.unit, cell.label or cell.column) if x))
    return {"physicalLocation": {
                "artifactLocation": {"uri": _uri(path_of(report.target, cell.file))},
                "region": region},
            "logicalLocations": [{"name": where or cell.column, "kind": "element"}]}


def _uri(path: str) -> str:
    """A relative URI reference: the path with characters a URI cannot hold encoded."""
    from urllib.parse import quote
    return quote(path.replace("\\", "/"), safe="/._-~")


def _fingerprint(f: Finding) -> str:
    """The same finding in every language and wherever its rows move: its rule, table and
    the cells it reads by file, unit and column (a prose figure: by its printed value and
    what the tables give)."""
    if f.table == "prose":  # a figure moves in its line: its printed value names it
        cells = [(c.file, f.actual.printed if f.actual else "",
                  f.expected.printed if f.expected else "") for c in f.cells]
    else:
        cells = [(c.file, c.unit, c.column) for c in f.cells]
    key = "\0".join((f.rule, f.table, *("\1".join(c) for c in cells)))
    return hashlib.sha256(key.encode("utf-8", "backslashreplace")).hexdigest()[:32]
