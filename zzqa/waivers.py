"""Waivers: findings accepted on purpose, each with a reason, who accepted it, and an expiry.

A gate that fails for ever on a known, published discrepancy gets switched off.  A waiver
(checks/waivers.yaml, or --waivers FILE) names a rule and the cells it accepts, by table,
unit and column — never by line, so that it survives rows moving — a reason, who accepted
it and the date it expires:

    waivers:
      - rule: B101
        cells:
          - {table: a1, column: talent}          # every unit of the column
          - {table: a1, unit: 天元区, column: tech_innovation}
        reason: 分值按评分细则可超上限，已发布
        accepted_by: 项目办 张三
        expires: 2021-03-31

A finding is waived when its rule is the waiver's and its first cell (the cell it is
about: the printed value of a bound, the total of a sum) matches one of the waiver's cells
— every field the entry gives equal to the cell's (`unit` is the canonical unit; appendix
8's rows are `unit/category`) — or, for a finding about a table and no cell, when an entry
gives only that table.  Waived findings are listed as waived and counted, and never fail
the run; the findings beyond --max-findings are judged too, and counted.  A prose finding
is matched by its rule, `table: prose` and its unit, never by where it stands in its line.
On the day after `expires` the waiver stops: its findings count again, and rule kind
`waiver` reports the expiry; a waiver that matches no finding is reported as stale (one
for a rule left out of the run, by --select or its period, cannot be judged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from .model import Finding, InputError, Waived


@dataclass(frozen=True)
class Waiver:
    rule: str
    cells: tuple[dict, ...]
    reason: str
    accepted_by: str
    expires: dt.date
    where: str  # file:line

    def matches(self, finding: Finding) -> bool:
        if finding.rule != self.rule:
            return False
        if not finding.cells:
            return any(set(entry) == {"table"} and entry["table"] == finding.table
                       for entry in self.cells)
        cell = finding.cells[0]
        have = {"table": finding.table, "unit": cell.unit, "column": cell.column}
        if finding.table == "prose":  # a prose cell's "column" is where it stands in its line
            have.pop("column")
        return any(all(k in have and have[k] == v for k, v in entry.items())
                   for entry in self.cells)

    def stamp(self) -> Waived:
        return Waived(self.reason, self.accepted_by, self.expires.isoformat(), self.where)


@dataclass
class Outcome:
    """What became of one waiver on this period."""

    waiver: Waiver
    matched: int = 0  # findings it accepts (or, expired, would have accepted)
    expired: bool = False
    ran: bool = True  # its rule was checked on this period (not left out by --select ...)
    revived: int = 0  # expired: the findings it matched that no live waiver accepts
    accepted: int = 0  # findings it is the waiver of (the first live one that matches)


class Judge:
    """Decides finding by finding which waiver accepts it (the first live one that
    matches), keeping count of what became of each waiver."""

    def __init__(self, waivers: list[Waiver], today: dt.date, ran=None, canonical=None):
        canonical = canonical or (lambda rule: rule)
        self.outcomes = [Outcome(replace(w, rule=canonical(w.rule)), expired=today > w.expires,
                                 ran=ran is None or canonical(w.rule) in ran)
                         for w in waivers]
        self.rules = {o.waiver.rule for o in self.outcomes}

    def __call__(self, finding: Finding) -> Waived | None:
        if finding.rule not in self.rules:
            return None
        hit = [o for o in self.outcomes if o.waiver.matches(finding)]
        for o in hit:
            o.matched += 1
        live = next((o for o in hit if not o.expired), None)
        if live is None:
            for o in hit:
                o.revived += 1
            return None
        live.accepted += 1
        return live.waiver.stamp()


def load(path: Path) -> list[Waiver]:
    """The waivers of a file (YAML, validated: an error names its line)."""
    from . import yamlsource
    src = yamlsource.load(Path(path), "waivers")
    out = []
    for i, entry in enumerate(src.data["waivers"]):
        line = src.line("waivers", i)
        expires = entry["expires"]
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                expires = None
        if not isinstance(expires, dt.date):
            raise InputError(path, f"waivers/{i}/expires: {entry['expires']!r} is not a date "
                             "(YYYY-MM-DD)", src.line("waivers", i, "expires"))
        out.append(Waiver(entry["rule"], tuple(entry["cells"]), entry["reason"],
                          entry["accepted_by"], expires, f"{path}:{line}"))
    return out


def apply(findings: list[Finding], judge: Judge) -> list[Finding]:
    """The findings, those a live waiver accepts marked waived."""
    out = []
    for f in findings:
        waived = judge(f) if not f.waived else f.waived
        out.append(replace(f, waived=waived) if waived and not f.waived else f)
    return out


def baseline(findings: list[Finding], today: dt.date, days: int = 90) -> str:
    """A waiver file accepting these findings (errors and warnings): one waiver per rule,
    its cells by table, unit and column, to be edited (reason, who, expiry) before use."""
    import yaml
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        if f.severity == "info" or f.waived:
            continue
        if f.cells and f.table != "prose":
            entry = {"table": f.table, "unit": f.cells[0].unit, "column": f.cells[0].column}
        else:  # a prose figure moves with its sentence: its rule and the prose name it
            entry = {"table": f.table}
        entry = {k: v for k, v in entry.items() if v}
        cells = by_rule.setdefault(f.rule, [])
        if entry and entry not in cells:
            cells.append(entry)
    expires = (today + dt.timedelta(days=days)).isoformat()
    doc = {"waivers": [{"rule": rule, "cells": cells,
                        "reason": "TODO: why these findings are accepted",
                        "accepted_by": "TODO: who accepted them", "expires": expires}
                       for rule, cells in sorted(by_rule.items())]}
    head = ("# Waivers written by `zzqa baseline` on " + today.isoformat() + ": every finding "
            "of the period, accepted as it is.\n# Edit each reason and accepted_by, keep only "
            "what is truly accepted, and set the expiry (YYYY-MM-DD).\n")
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100,
                                 default_flow_style=None)
