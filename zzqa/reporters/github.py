"""GitHub Actions workflow commands: one annotation per finding, on its file and line.

`::error file=data/2020-09/a2_investment.csv,line=7,title=S201 …::message`.  Errors are
`error`, warnings `warning`, infos `notice`.  The file is the period folder joined with
the cell's file, as given on the command line (run zzqa from the repository's root, as a
workflow does, and the annotations land on the files of the pull request).  Values are
escaped as the runner expects (`%`, CR and LF in messages; also `:` and `,` in properties),
and control characters from the input print escaped (`inert`): a unit name cannot issue a
command of its own.  GitHub shows at most 10 annotations of each kind per step and 50 per
job; the last line is a notice with the totals, so that nothing is silently dropped.
"""

from __future__ import annotations

from ..model import Report, path_of
from . import inert

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error") -> str:
    lines = []
    for f in report.findings:
        c = f.cells[0] if f.cells else None
        props = {"file": path_of(report.target, c.file) if c else report.target}
        if c and c.line:
            props["line"] = str(c.line)
        props["title"] = f"{f.rule} {c.unit or ''} {c.column}".strip() if c else f.rule
        body = ",".join(f"{k}={_property(v)}" for k, v in props.items())
        if f.waived:  # shown, never failing: a notice that says so
            lines.append(f"::notice {body}::{_message('waived: ' + f.message)}")
            continue
        lines.append(f"::{LEVEL[f.severity]} {body}::{_message(f.message)}")
    c = report.checks
    lines.append("::notice title=zzqa::" + _message(
        f"period {report.period}: {c['checks']} checks, {c['failed']} failed; "
        f"{report.count('error')} errors, {report.count('warning')} warnings, "
        f"{report.count('info')} infos" + (f", {report.waived} waived" if report.waived else "")))
    return "\n".join(lines) + "\n"


def _message(text: str) -> str:
    return inert(text, newlines=True).replace("%", "%25").replace("\r", "%0D").replace(
        "\n", "%0A")


def _property(text: str) -> str:
    return _message(text).replace(":", "%3A").replace(",", "%2C")
