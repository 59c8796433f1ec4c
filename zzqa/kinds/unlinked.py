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

OPTIONS = {"properties": {}}


def columns(params: dict) -> list:
    return []
