"""The terminal report (rich): summary, the checklist of rules, findings grouped by table.

Every string from the input (unit names, headers, titles, messages) goes through `inert`
and into a `Text`, never into markup: a unit named "\x1b[31m" or "[red]" prints as such.
"""

from __future__ import annotations

import io
from collections import defaultdict

from rich.cells import cell_len
from rich.console import Console, Group
from rich.padding import Padding
from rich.text import Text

from ..i18n import _, ngettext
from ..model import Finding, Report
from . import SEVERITY, inert

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MAX_UNCOVERED = 30
MAX_CELLS = 20  # cells listed under a finding besides its first


def render(report: Report, width: int | None = 80, color: bool = False,
           fail_on: str = "error") -> str:
    """The report as text; width None means the terminal's width."""
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False)
    _summary(console, report)
    _suspects(console, report)
    _checklist(console, report)
    _findings(console, report)
    _uncovered(console, report)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def _summary(console: Console, r: Report) -> None:
    c = r.checks
    pct = 100 * r.cells_covered / r.cells_total if r.cells_total else 100.0
    console.print(_text(_("zzqa check {target} — period {period}: {tables} tables, {rules} "
                          "rules from {checks}/").format(
        target=r.target, period=r.period, tables=len(r.tables), rules=len(r.tallies),
        checks=r.checks_dir), style="bold"))
    for note in r.read:  # how a document was read: its encoding, a merged figure
        console.print(_text("  " + _("read: {note}").format(note=note)))
    console.print(_("{checks} checks: {passed} passed · {within_rounding} within rounding · "
                    "{failed} failed · {unevaluable} unevaluable").format(**c))
    console.print(_("Cells covered: {covered} / {total} ({pct:.1f}%)").format(
        covered=r.cells_covered, total=r.cells_total, pct=pct)
        if r.cells_total else _("Cells covered: none — the tables print no number"))
    if r.prose:
        console.print(_("Prose numbers: {verified} verified · {contradicted} contradicted · "
                        "{unverifiable} unverifiable · {unlinked} unlinked ({not_a_figure} not "
                        "figures)").format(**r.prose_tally))
    line = Text(_("Findings: "))
    for sev in ("error", "warning", "info"):
        line.append(_count(r.count(sev), sev), style=STYLE[sev] if r.count(sev) else "")
        line.append(_(", ") if sev != "info" else "")
    if r.waived:
        line.append(_(" ({n} waived)").format(n=r.waived), style="green")
    console.print(line)


def _suspects(console: Console, r: Report) -> None:
    if not r.suspects and not r.unexplained:
        return
    _heading(console, _("Likely causes"))
    for s in r.suspects:
        c = s.cell
        line = Text()
        line.append(inert(c.where), style="bold")
        line.append(inert(_("  {unit} › {label} printed {value}; ").format(
            unit=c.unit, label=c.label, value=s.value)))
        n = len(s.explains)
        agree = (_("the {n} failing checks agree on {value}") if n > 1
                 else _("its failing check needs {value}"))
        line.append(inert(agree.format(n=n, value=s.suggested)) if s.suggested
                    else _("no single value fits"))
        if s.pattern:
            line.append(inert(_(" — looks like {pattern}").format(pattern=s.pattern)),
                        style="yellow")
        if s.confidence == "tie":
            line.append(_(" (one of equally good alternatives)"), style="dim")
        console.print(line)
        for check in s.explains:
            _note(console, check)
    if r.unexplained:
        n = r.unexplained
        console.print(ngettext("{n} failed check is not explained by a change of any single "
                               "cell.", "{n} failed checks are not explained by a change of "
                               "any single cell.", n).format(n=n))
    if r.systematic:
        failing = sum(x.failed for x in r.systematic)
        console.print(ngettext("{n} of the failures is systematic (the rule or a header, not a "
                               "cell, is the likely cause):", "{n} of the failures are "
                               "systematic (the rule or a header, not a cell, is the likely "
                               "cause):", failing).format(n=failing))
        for x in r.systematic:
            _note(console, ngettext("{rule} {what}: fails on {failed} of {checks} check",
                                    "{rule} {what}: fails on {failed} of {checks} checks",
                                    x.checks).format(rule=x.rule, what=x.what, failed=x.failed,
                                                     checks=x.checks))


def _checklist(console: Console, r: Report) -> None:
    """Rules × (checks, pass, ≈, fail, n/a), laid out by hand: ids and counts never give
    way, the title wraps in what is left (a rich Table of ninety rows costs more than the
    whole check)."""
    heads = (_("checks"), _("pass"), "≈", _("fail"), "n/a")
    rows = [(tl.rule, tl.title, (tl.checks, tl.passed, tl.within_rounding, tl.failed,
                                 tl.unevaluable)) for tl in r.tallies]
    rule_w = max([cell_len(_("rule")), *(cell_len(inert(rule)) for rule, _r, _n in rows)])
    widths = [max([cell_len(h), *(len(str(n[k])) for _r, _t, n in rows)])
              for k, h in enumerate(heads)]
    gap = 1 if console.width < 60 else 3
    title_w = max(console.width - rule_w - sum(widths) - gap * (len(heads) + 1) - 1, 5)
    console.print(Text(_("Checklist"), style="italic"))

    def line(rule: Text, title: Text, counts: list[Text]) -> Text:
        out = Text(" ")
        out.append_text(rule)
        out.append(" " * (rule_w - rule.cell_len + gap))
        out.append_text(title)
        out.append(" " * (title_w - title.cell_len))
        for width, count in zip(widths, counts, strict=True):
            out.append(" " * (gap + width - count.cell_len))
            out.append_text(count)
        return out

    out = [line(Text(_("rule"), style="bold"), Text(_("title"), style="bold"),
                [Text(h, style="bold") for h in heads]), Text(" " + "─" * (console.width - 2))]
    for rule, title, n in rows:
        wrapped = _text(title).wrap(console, title_w) if title else [Text("")]
        styles = ("", "", "yellow", "bold red", "yellow")
        counts = [Text(str(v), style=st if (v and st) else ("" if k < 2 else "dim"))
                  for k, (v, st) in enumerate(zip(n, styles, strict=True))]
        out.append(line(_text(rule), wrapped[0], counts))
        blank = [Text("") for _ in heads]
        out += [line(Text(""), more, blank) for more in wrapped[1:]]
    console.print(Text("\n").join(out), no_wrap=True, overflow="ignore", crop=False)
    console.print()


def _n(n: int, style: str = "yellow") -> Text:
    return Text(str(n), style=style if n else "dim")


def _count(n: int, severity: str) -> str:
    words = {"error": ngettext("{n} error", "{n} errors", n),
             "warning": ngettext("{n} warning", "{n} warnings", n),
             "info": ngettext("{n} info", "{n} infos", n)}
    return words[severity].format(n=n)


def _text(s: str, style: str = "", newlines: bool = False) -> Text:
    """Input made inert, as rich Text (never parsed as markup)."""
    return Text(inert(s, newlines), style=style)


def _indented(s: str, style: str = "dim", newlines: bool = False) -> Padding:
    return Padding(_text(s, style, newlines), (0, 0, 0, 4), expand=False)


def _note(console: Console, s: str, style: str = "dim", newlines: bool = False) -> None:
    console.print(_indented(s, style, newlines))


def _heading(console: Console, title: str) -> None:
    """A rule with the title; a title too long for it goes whole below a bare rule, since
    console.rule would cut it (and with it the file name) short."""
    text = _text(title, style="bold")
    if text.cell_len <= console.width - 4:
        console.rule(text, align="left")
    else:
        console.rule()
        console.print(text)


def _findings(console: Console, r: Report) -> None:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in r.findings:
        groups[f.table].append(f)
    for table, findings in groups.items():
        title = r.labels.get(table, _("bulletin.md (prose)") if table == "prose" else table)
        _heading(console, title)
        for f in findings:
            head = Text()
            if f.waived:
                head.append(_("waived "), style="green")
            word = _(SEVERITY[f.severity])
            head.append(word + " " * max(7 - cell_len(word), 0),
                        style="dim" if f.waived else STYLE[f.severity])
            head.append(inert(f" {f.rule}  "))
            if f.cells:
                c = f.cells[0]
                head.append(inert(c.where), style="bold")
                if c.label:
                    head.append(inert(f"  {c.unit} › {c.label}" if c.unit else f"  {c.label}"))
            parts = [head, _indented(f.message, "", newlines=True)]
            notes = [_("needed by {check}").format(check=check) for check in f.checks]
            if f.waived:
                w = f.waived
                notes.append(_("waived until {expires} by {who} ({where}): {reason}").format(
                    expires=w.expires, who=w.accepted_by, where=w.where, reason=w.reason))
            notes += [f"· {c.where}  {c.unit} › {c.label}"
                      for c in f.cells[1:MAX_CELLS + 1]]
            read = max(f.read, len(f.cells))
            if read > MAX_CELLS + 1:  # a column sum of a long table
                notes.append(_("· … and {n:,} more cells the check reads").format(
                    n=read - MAX_CELLS - 1))
            if notes:  # one block: rich lays out a few long renderables faster than many
                parts.append(_indented("\n".join(inert(n) for n in notes), newlines=True))
            console.print(Group(*parts))
    more = [t for t in r.tallies if t.unlisted or t.unlisted_waived]
    if more:
        _heading(console, _("Findings not listed"))
        for t in more:
            console.print(_text(_("  {rule}: {n:,} more (the first {listed:,} are listed; "
                                  "--max-findings lists more)").format(
                rule=t.rule, n=t.unlisted + t.unlisted_waived, listed=t.listed)
                + (_(" ({n} waived)").format(n=t.unlisted_waived) if t.unlisted_waived
                   else "")))


def _uncovered(console: Console, r: Report) -> None:
    if not r.uncovered:
        return
    _heading(console, _("Cells no check covers ({n})").format(n=len(r.uncovered)))
    for u in r.uncovered[:MAX_UNCOVERED]:
        c = u.cell
        console.print(_text(f"  {c.where}  {c.unit} › {c.label}: {u.reason}"))
    if len(r.uncovered) > MAX_UNCOVERED:
        console.print(_("  … and {n} more (see --format json)").format(
            n=len(r.uncovered) - MAX_UNCOVERED))
