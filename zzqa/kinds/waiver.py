"""Waiver: the waivers themselves are checked — none expired, none stale.

## What it checks
One check per waiver of checks/waivers.yaml (or --waivers FILE; see zzqa/waivers.py), on
the problem the rule names: `expired` — the waiver's date has passed, so the findings it
accepted count again; `stale` — the waiver accepts no finding of this period (the data was
corrected, the waiver names a cell that is not there, another waiver accepts what it
matches, or it has expired and a live waiver has taken its place).

## Why it matters
A waiver is a decision with a reason and an end.  One that has expired must be renewed or
the discrepancy fixed; one that matches nothing hides nothing today but would silently
accept tomorrow's new error in the same cell.

## Example
B101 waived for 附件1's talent column until 2021-03-31: checked on 2021-04-01, the 10
findings count again and W001 says the waiver expired; checked on a corrected period where
no talent score is over its maximum, W002 says the waiver matches nothing.
"""

from __future__ import annotations

import os

from ..checks import FAIL, PASS, UNEVALUABLE, Discrepancy, Listed
from ..i18n import N_
from ..model import Cell

PREFIX = "W"
STAGE = "waivers"
OPTIONS = {
    "required": ["problem"],
    "properties": {"problem": {"enum": ["expired", "stale"]}},
}
MESSAGE = {
    None: N_("the waiver of {rule} ({reason}) at {where} needs attention"),
    "expired": N_("the waiver of {rule} ({reason}) expired on {expires}: its {matched} "
               "findings count again"),
    "stale": N_("the waiver of {rule} ({reason}) accepts no finding (it matches none, or "
                "another waiver accepts what it matches, or it has expired): remove it, or "
                "correct the cells it names"),
}
FIELDS = ("label", "rule", "reason", "expires", "matched", "where")


def columns(params: dict) -> list:
    return []


def check(rule, ctx) -> list:
    problem = rule.params["problem"]
    out = Listed(table="waivers")
    for o in ctx.waived:
        w = o.waiver
        if not o.ran:  # its rule was left out (--select, --ignore, its period): no verdict
            file, _, line = w.where.rpartition(":")
            out.add(UNEVALUABLE, w.where, (Cell(os.path.relpath(file, ctx.period.root),
                                                int(line), "rule", w.rule, "waiver"),),
                    f"rule {w.rule} was not checked on this period")
            continue
        revived = o.expired and o.revived > 0  # its findings count again: W001 says so
        bad = revived if problem == "expired" else (not o.accepted and not revived)
        file, _, line = w.where.rpartition(":")
        # as the reports join it to the period folder: relative to that folder
        cell = Cell(os.path.relpath(file, ctx.period.root), int(line), "rule", w.rule,
                    "waiver")
        if not bad:
            out.add(PASS, w.where, (cell,))
            continue
        out.add(FAIL, w.where, (cell,), Discrepancy(
            {"rule": w.rule, "reason": " ".join(w.reason.split()),  # a message is one line
             "expires": w.expires.isoformat(), "matched": str(o.revived),
             "where": w.where}, variant=problem))
    return [out]
