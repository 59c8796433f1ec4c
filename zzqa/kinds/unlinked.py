"""Unlinked: every number in the prose is accounted for.

## What it checks
After the claim and ranking templates have matched, every number of bulletin.md that is
neither a placeholder of a matched template nor recognised as not a figure (a date, an
issue or document number, a section or list number, an appendix reference, a name such as
"五个100"; checks/prose.yaml) is reported, at its line and column.

## Why it matters
A reworded or newly added sentence must never pass silently: either a template learns it
(and its figures are checked) or someone decides it is not a figure.

## Example
A new sentence "全市新签约项目 12 个。" matches no template: "12 is linked to no claim
template" at its line and column.
"""

from __future__ import annotations

from ..checks import FAIL, Discrepancy, Listed
from ..i18n import N_
from ..model import Value

PREFIX = "U"
STAGE = "derived"
NEEDS = ("prose",)  # the verdicts the claims and rankings left on the prose's numbers
OPTIONS = {"properties": {}}
MESSAGE = N_("{value} is linked to no claim template: teach checks/rules/prose.yaml this "
           "sentence, or mark the number as not a figure in checks/prose.yaml")

FIELDS = ("label", "value")


def columns(params: dict) -> list:
    return []


def check(rule, ctx) -> list:
    """One check per figure of the prose (numbers recognised as not figures are none):
    it passes when a claim or ranking took it."""
    text = ctx.prose
    if text is None:
        return []
    figures = [t for t in text.tokens if t.kind == "figure"]
    out = Listed(sum(t.verdict != "unlinked" for t in figures), table="prose")
    unlinked = [t for t in figures if t.verdict == "unlinked"]
    for t in unlinked[:ctx.max_listed]:
        if t.verdict == "unlinked":
            out.add(FAIL, t.text, (text.cell(t.line, t.column),),
                    Discrepancy({"value": t.text}, actual=Value(t.text)))
    out.add_bare(FAIL, max(len(unlinked) - ctx.max_listed, 0))  # beyond the listing: counted
    return [out]
