"""The JSON contract (docs/json-output.md; schema in zzqa/schemas/report.json)."""

from __future__ import annotations

import json
from dataclasses import asdict

from .. import i18n
from ..model import Report

VERSION = "2.2"


def _value(v):
    return None if v is None else {"printed": v.printed, "low": v.low, "high": v.high}


def document(report: Report) -> dict:
    checks = report.checks
    return {
        "version": VERSION,
        "lang": i18n.language(),
        "target": report.target,
        "period": report.period,
        "checks": report.checks_dir,
        "read": list(report.read),
        "summary": {
            "errors": report.count("error"),
            "warnings": report.count("warning"),
            "infos": report.count("info"),
            "tables": len(report.tables),
            "rules": len(report.tallies),
            **checks,
            "cells_total": report.cells_total,
            "cells_covered": report.cells_covered,
            "prose": report.prose_tally,
            "waived": report.waived,
            "suspects": len(report.suspects),
            "unexplained": report.unexplained,
        },
        "suspects": [
            {**asdict(s.cell), "value": s.value, "suggested": s.suggested,
             "explains": list(s.explains), "pattern": s.pattern, "confidence": s.confidence}
            for s in report.suspects
        ],
        "systematic": [asdict(x) for x in report.systematic],
        "rules": [asdict(t) for t in report.tallies],
        "findings": [
            {
                "rule": f.rule, "severity": f.severity, "table": f.table, "message": f.message,
                "cells": [asdict(c) for c in f.cells],
                "cells_read": max(f.read, len(f.cells)),
                "expected": _value(f.expected), "actual": _value(f.actual),
                "miss": f.miss, "reading": f.reading, "suggestion": f.suggestion,
                "checks": list(f.checks),
                "waived": asdict(f.waived) if f.waived else None,
            }
            for f in report.findings
        ],
        "uncovered": [{**asdict(u.cell), "reason": u.reason} for u in report.uncovered],
        "prose": [asdict(p) for p in report.prose],
    }


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error") -> str:
    """The JSON document (width and colour are the text report's; they change nothing)."""
    return json.dumps(document(report), ensure_ascii=False, indent=2) + "\n"
