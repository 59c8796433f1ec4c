"""Ranking: a sentence naming the highest- and lowest-scoring units agrees with the scores.

## What it checks
A template with `{high:units}` and/or `{low:units}` (names separated by 、) matches
sentences such as "综合得分较高的是荷塘区；较低的是渌口区".  The units named must be
exactly the units with the highest (lowest) `score` on the table's unit rows — ties
included, so a sentence naming two units needs both to share the top score.  `score` is a
column or a sum of columns (`park_work + park_factories + park_land`).  With `all_equal`,
the sentence ("得分均一致") claims every unit has the same score.  Names are matched through
the units registry; a park stands for its district; a name the registry does not know is a
finding.

## Why it matters
Rankings are what the assessed districts read first; naming the wrong unit, or leaving out
one that ties, is a public error about a named office.

## Example
"重大科技创新攻坚考核得分较高的是芦淞区、荷塘区、石峰区": 附件1 重大科技创新 prints 51.0
for exactly those three → holds.
"""

from __future__ import annotations

from .. import claims
from ..formula import parse
from ..i18n import N_
from ..prose import compiled

PREFIX = "C"
STAGE = "prose"
OPTIONS = {
    "required": ["text", "table", "score"],
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "table": {"type": "string"},
        "score": {"type": "string"},
        "all_equal": {"type": "boolean"},
    },
}
MESSAGE = {
    None: N_("the prose names {named} as {word}; by {score} ({value}) it is {units}"),
    "wrong-units": N_("the prose names {named} as {word}; by {score} ({value}) it is {units}"),
    "unknown-unit": N_("{name!r} is not a unit the tables know (checks/units.yaml)"),
    "not-equal": N_("the prose says all scores are equal; {score} ranges from {low} to {high}"),
}
FIELDS = ("label", "score")  # every finding has them: a rule's own message may use them
VARIANT_FIELDS = {  # and the kind's own templates these, by variant
    None: ("named", "word", "value", "units"), "wrong-units": ("named", "word", "value", "units"),
    "unknown-unit": ("name",), "not-equal": ("low", "high"),
}


def columns(params: dict) -> list:
    compiled(params["text"])
    formula = parse(f"score = {params['score']}")
    return [(params["table"], t.column) for t in formula.rhs]


def check(rule, ctx) -> list:
    return [claims.judge(rule, ctx, lambda rule, match, p, text, ctx, out: claims.ranking(
        rule, match, p, text, ctx.period, ctx.form, out))]
