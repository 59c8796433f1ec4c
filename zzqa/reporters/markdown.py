"""A Markdown summary for a pull-request comment or a CI job summary.

Verdict first, then the counts, the likely wrong cells, the rules that failed, and the
findings themselves until the text reaches LIMIT characters (a GitHub comment holds 65,536;
a job summary 1 MiB): what does not fit is counted, never silently dropped.  Every string
from the input is escaped for Markdown and HTML (a unit named `<script>` or `**x**` shows
as written) and kept on one line.
"""

from __future__ import annotations

import re

from ..model import SEVERITIES, Report
from . import inert

LIMIT = 60_000  # characters: room under GitHub's 65,536 for what a workflow adds
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # what changes text inside a line


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error", limit: int = LIMIT) -> str:
    c = report.checks
    failing = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
    bad = sum(report.count(s) for s in failing)
    verdict = (f"❌ **{bad} finding{'s' if bad != 1 else ''} at or above {fail_on}**" if bad
               else f"✅ **no finding at or above {fail_on}**")
    out = [f"## zzqa check {esc(report.target)} — period {esc(report.period)}", "",
           verdict, "",
           "| checks | passed | within rounding | failed | unevaluable | errors | warnings | "
           "infos | waived | cells covered |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
           f"| {c['checks']} | {c['passed']} | {c['within_rounding']} | {c['failed']} | "
           f"{c['unevaluable']} | {report.count('error')} | {report.count('warning')} | "
           f"{report.count('info')} | {report.waived} | {report.cells_covered} / "
           f"{report.cells_total} |", ""]
    if report.prose:
        t = report.prose_tally
        out += [f"Prose numbers: {t['verified']} verified · {t['contradicted']} contradicted · "
                f"{t['unverifiable']} unverifiable · {t['unlinked']} unlinked", ""]
    if report.suspects:
        out += ["### Likely wrong cells", "", "| cell | printed | likely | explains |",
                "|---|---|---|---|"]
        out += [f"| {esc(s.cell.file)}:{s.cell.line} {esc(s.cell.unit)} {esc(s.cell.label)} | "
                f"{esc(s.value)} | {esc(s.suggested or '?')} | "
                f"{esc('; '.join(s.explains))} |" for s in report.suspects]
        out.append("")
    failed = [t for t in report.tallies if t.failed or t.unevaluable]
    if failed:
        out += ["### Rules with findings", "",
                "| rule | severity | title | failed | unevaluable | of checks |",
                "|---|---|---|---:|---:|---:|"]
        out += [f"| {esc(t.rule)} | {t.severity} | {esc(t.title)} | {t.failed} | "
                f"{t.unevaluable} | {t.checks} |" for t in failed]
        out.append("")
    if report.findings:
        out += ["### Findings", ""]
    text = "\n".join(out)
    shown = 0
    for f in report.findings:
        cell = f.cells[0] if f.cells else None
        where = f"`{_code(cell.file)}:{cell.line}` {esc(cell.column)}" if cell else esc(f.table)
        what = f"waived {f.severity}" if f.waived else f.severity
        line = f"- **{what} {esc(f.rule)}** {where}: {esc(f.message)}"
        if f.waived:
            line += f" — *waived until {esc(f.waived.expires)}: {esc(f.waived.reason)}*"
        line += "\n"
        if len(text) + len(line) > limit - 200:
            break
        text += ("\n" if not shown else "") + line
        shown += 1
    beyond = len(report.findings) - shown + sum(t.unlisted + t.unlisted_infos
                                                for t in report.tallies)
    if beyond:
        text += (f"\n… and {beyond} more finding{'s' if beyond != 1 else ''} not shown here: "
                 "see the full report (`--format json` or `--format text`).\n")
    return text.rstrip("\n") + "\n"


def esc(text: object) -> str:
    """Input text shown as written: one line, Markdown punctuation and HTML escaped."""
    one = " ".join(inert(text, newlines=True).split())
    one = one.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", one)


def _code(text: str) -> str:
    """Text inside a code span: backticks cannot close it."""
    return " ".join(inert(text, newlines=True).split()).replace("`", "'")
