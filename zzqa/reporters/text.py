"""The terminal report (rich): summary, the checklist of rules, findings grouped by table."""

from __future__ import annotations

import io
from collections import defaultdict

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..model import Finding, Report

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MAX_UNCOVERED = 30
MAX_CELLS = 20  # cells listed under a finding besides its first


def render(report: Report, width: int | None = 80, color: bool = False) -> str:
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
    console.print(Text(f"zzqa check {r.target} — period {r.period}: "
                       f"{len(r.tables)} tables, {len(r.tallies)} rules from {r.checks_dir}/",
                       style="bold"))
    console.print(f"{c['checks']} checks: {c['passed']} passed · {c['within_rounding']} within "
                  f"rounding · {c['failed']} failed · {c['unevaluable']} unevaluable")
    console.print(f"Cells covered: {r.cells_covered} / {r.cells_total} ({pct:.1f}%)")
    if r.prose:
        t = r.prose_tally
        console.print(f"Prose numbers: {t['verified']} verified · {t['contradicted']} "
                      f"contradicted · {t['unverifiable']} unverifiable · {t['unlinked']} "
                      f"unlinked ({t['not_a_figure']} not figures)")
    line = Text("Findings: ")
    for sev, word in (("error", "errors"), ("warning", "warnings"), ("info", "infos")):
        line.append(f"{r.count(sev)} {word}", style=STYLE[sev] if r.count(sev) else "")
        line.append(", " if sev != "info" else "")
    console.print(line)


def _suspects(console: Console, r: Report) -> None:
    if not r.suspects and not r.unexplained:
        return
    console.rule(Text("Likely causes", style="bold"), align="left")
    for s in r.suspects:
        c = s.cell
        line = Text()
        line.append(f"{c.file}:{c.line}:{c.column}", style="bold")
        line.append(f"  {c.unit} › {c.label} printed {s.value}; ")
        n = len(s.explains)
        agree = f"the {n} failing checks agree on" if n > 1 else "its failing check needs"
        line.append(f"{agree} {s.suggested}" if s.suggested else "no single value fits")
        if s.pattern:
            line.append(f" — looks like {s.pattern}", style="yellow")
        if s.confidence == "tie":
            line.append(" (one of equally good alternatives)", style="dim")
        console.print(line)
        for check in s.explains:
            console.print(Padding(Text(check, style="dim"), (0, 0, 0, 4), expand=False))
    if r.unexplained:
        console.print(f"{r.unexplained} failed check(s) no change of a single cell explains.")
    if r.systematic:
        failing = sum(x.failed for x in r.systematic)
        console.print(f"{failing} of the failures are systematic (the rule or a header, not a "
                      "cell, is the likely cause):")
        for x in r.systematic:
            console.print(Padding(Text(f"{x.rule} {x.what}: fails on {x.failed} of {x.checks} "
                                       "checks", style="dim"), (0, 0, 0, 4), expand=False))


def _checklist(console: Console, r: Report) -> None:
    t = Table(title="Checklist", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for name, kw in (("rule", {}), ("title", {"ratio": 1, "overflow": "fold"}),
                     ("checks", {"justify": "right"}), ("pass", {"justify": "right"}),
                     ("≈", {"justify": "right"}), ("fail", {"justify": "right"}),
                     ("n/a", {"justify": "right"})):
        t.add_column(name, **kw)
    for tl in r.tallies:
        t.add_row(tl.rule, tl.title, str(tl.checks), str(tl.passed), _n(tl.within_rounding),
                  _n(tl.failed, "bold red"), _n(tl.unevaluable))
    console.print(t)


def _n(n: int, style: str = "yellow") -> Text:
    return Text(str(n), style=style if n else "dim")


def _findings(console: Console, r: Report) -> None:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in r.findings:
        groups[f.table].append(f)
    for table, findings in groups.items():
        title = r.labels.get(table, "bulletin.md (prose)" if table == "prose" else table)
        console.rule(Text(title, style="bold"), align="left")
        for f in findings:
            head = Text()
            head.append(f"{f.severity:<7}", style=STYLE[f.severity])
            head.append(f" {f.rule}  ")
            if f.cells:
                c = f.cells[0]
                head.append(f"{c.file}:{c.line}:{c.column}", style="bold")
                if c.label:
                    head.append(f"  {c.unit} › {c.label}" if c.unit else f"  {c.label}")
            console.print(head)
            console.print(Padding(Text(f.message), (0, 0, 0, 4), expand=False))
            notes = [f"needed by {check}" for check in f.checks]
            notes += [f"· {c.file}:{c.line}:{c.column}  {c.unit} › {c.label}"
                      for c in f.cells[1:MAX_CELLS + 1]]
            if len(f.cells) > MAX_CELLS + 1:  # a column sum of a long table
                notes.append(f"· … and {len(f.cells) - MAX_CELLS - 1:,} more cells "
                             "(--format json lists every one)")
            for note in notes:
                console.print(Padding(Text(note, style="dim"), (0, 0, 0, 4), expand=False))


def _uncovered(console: Console, r: Report) -> None:
    if not r.uncovered:
        return
    console.rule(Text(f"Cells no check covers ({len(r.uncovered)})", style="bold"), align="left")
    for u in r.uncovered[:MAX_UNCOVERED]:
        c = u.cell
        console.print(Text(f"  {c.file}:{c.line}:{c.column}  {c.unit} › {c.label}: {u.reason}"))
    if len(r.uncovered) > MAX_UNCOVERED:
        console.print(f"  … and {len(r.uncovered) - MAX_UNCOVERED} more (see --format json)")
