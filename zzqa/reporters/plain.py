"""One line per finding, `file:line:column: SEVERITY RULE message`, for grep and editors
(a finding a waiver accepts: `WAIVED SEVERITY`).

Control characters from the input, newlines included, print escaped (`inert`): one finding
stays one line, and nothing in a message can drive the terminal.
"""

from __future__ import annotations

import posixpath

from ..model import Report, path_of
from . import inert


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error") -> str:
    """One line per finding (width and colour change nothing: lines are never wrapped)."""
    lines = []
    for f in report.findings:
        c = f.cells[0] if f.cells else None
        path = path_of(report.target, c.file) if c else report.target
        # a document's cell by its own name after the document ("简报.xlsx:Sheet2!G6")
        where = (f"{path}:{c.line}:{c.column}" if not c.address else
                 f"{path}:{c.address}" if not c.address.startswith(c.file) else
                 f"{posixpath.dirname(path) or '.'}/{c.address}") if c else f"{path}:0:"
        severity = f"WAIVED {f.severity.upper()}" if f.waived else f.severity.upper()
        lines.append(inert(f"{where}: {severity} {f.rule} {f.message}"))
    return "\n".join(lines) + ("\n" if lines else "")
