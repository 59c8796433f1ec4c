"""A Markdown summary for a pull-request comment or a CI job summary.

Verdict first, then the counts, the likely wrong cells, the rules that failed, and the
findings themselves until the text reaches LIMIT characters (a GitHub comment holds 65,536;
a job summary 1 MiB): what does not fit is counted, never silently dropped.  Every string
from the input is escaped for Markdown and HTML (a unit named `<script>` or `**x**` shows
as written) and kept on one line.
"""

from __future__ import annotations

import re

from ..i18n import N_, _, ngettext
from ..model import Report
from . import SEVERITY, inert

LIMIT = 60_000  # characters: room under GitHub's 65,536 for what a workflow adds
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # what changes text inside a line


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error", limit: int = LIMIT) -> str:
    c = report.checks
    bad = report.failing(fail_on)
    level = _(SEVERITY[fail_on])
    verdict = ("❌ **" + ngettext("{n} finding at or above {level}",
                                  "{n} findings at or above {level}", bad).format(
        n=bad, level=level) + "**" if bad
        else "✅ **" + _("no finding at or above {level}").format(level=level) + "**")
    out = ["## " + _("zzqa check {target} — period {period}").format(
               target=esc(report.target), period=esc(report.period)), "", verdict, "",
           "| " + " | ".join(_(h) for h in (
               N_("checks"), N_("passed"), N_("within rounding"), N_("failed"),
               N_("unevaluable"), N_("errors"), N_("warnings"), N_("infos"), N_("waived"),
               N_("cells covered"))) + " |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
           f"| {c['checks']} | {c['passed']} | {c['within_rounding']} | {c['failed']} | "
           f"{c['unevaluable']} | {report.count('error')} | {report.count('warning')} | "
           f"{report.count('info')} | {report.waived} | {report.cells_covered} / "
           f"{report.cells_total} |", ""]
    if report.prose:
        out += [_("Prose numbers: {verified} verified · {contradicted} contradicted · "
                  "{unverifiable} unverifiable · {unlinked} unlinked").format(
                      **report.prose_tally), ""]
    if report.suspects:
        out += ["### " + _("Likely wrong cells"), "",
                "| " + " | ".join(_(h) for h in (N_("cell"), N_("printed"), N_("likely"),
                                                 N_("explains"))) + " |", "|---|---|---|---|"]
        out += _rows([f"| {esc(s.cell.address or f'{s.cell.file}:{s.cell.line}')} "
                      f"{esc(s.cell.unit)} "
                      f"{esc(s.cell.label)} | {esc(s.value)} | {esc(s.suggested or '?')} | "
                      f"{esc('; '.join(s.explains))} |" for s in report.suspects], limit // 4)
        out.append("")
    failed = [t for t in report.tallies if t.failed or t.unevaluable]
    if failed:
        out += ["### " + _("Rules with findings"), "",
                "| " + " | ".join(_(h) for h in (N_("rule"), N_("severity"), N_("title"),
                                                 N_("failed"), N_("unevaluable"),
                                                 N_("of checks"))) + " |",
                "|---|---|---|---:|---:|---:|"]
        out += _rows([f"| {esc(t.rule)} | {_(SEVERITY[t.severity])} | {esc(t.title)} | "
                      f"{t.failed} | {t.unevaluable} | {t.checks} |" for t in failed],
                     limit // 4)
        out.append("")
    if report.findings:
        out += ["### " + _("Findings"), ""]
    text = "\n".join(out)
    shown = 0
    for f in report.findings:
        cell = f.cells[0] if f.cells else None
        where = (f"`{_code(cell.address)}` {esc(cell.column)}" if cell and cell.address
                 else f"`{_code(cell.file)}:{cell.line}` {esc(cell.column)}" if cell
                 else esc(f.table))
        what = _(SEVERITY[f.severity])
        if f.waived:
            what = _("waived {severity}").format(severity=what)
        line = f"- **{what} {esc(f.rule)}** {where}: {esc(f.message)}"
        if f.waived:
            line += " — *" + _("waived until {expires}: {reason}").format(
                expires=esc(f.waived.expires), reason=esc(f.waived.reason)) + "*"
        line += "\n"
        if len(text) + len(line) > limit - 200:
            break
        text += ("\n" if not shown else "") + line
        shown += 1
    beyond = len(report.findings) - shown + sum(t.unlisted + t.unlisted_infos
                                                for t in report.tallies)
    if beyond:
        text += "\n" + ngettext(
            "… and {n} more finding not shown here: see the full report (`--format json` or "
            "`--format text`).", "… and {n} more findings not shown here: see the full "
            "report (`--format json` or `--format text`).", beyond).format(n=beyond) + "\n"
    return text.rstrip("\n") + "\n"


def _rows(rows: list[str], budget: int) -> list[str]:
    """Table rows up to `budget` characters; the others counted on a line of their own."""
    out, used = [], 0
    for k, row in enumerate(rows):
        if used + len(row) > budget:
            left = len(rows) - k
            more = ngettext("… and {n} more row not shown here.",
                            "… and {n} more rows not shown here.", left).format(n=left)
            return [*out, "", more]
        out.append(row)
        used += len(row) + 1
    return out


def esc(text: object) -> str:
    """Input text shown as written: one line, Markdown punctuation and HTML escaped."""
    one = " ".join(inert(text, newlines=True).split())
    one = one.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", one)


def _code(text: str) -> str:
    """Text inside a code span: backticks cannot close it."""
    return " ".join(inert(text, newlines=True).split()).replace("`", "'")
