"""Claim: a figure quoted in the prose agrees with the tables.

## What it checks
A template (`text`) matches sentences of bulletin.md, with `{name}` where a number stands;
spacing, full-width punctuation and dash variants do not matter, and `[上升|下降]` allows
either word.  Each placeholder is either computed by `values` — an expression over table
cells (`a2.done_total[合计]`, a difference, a ratio × 100, a unit conversion `/ 10000`) or
over the sentence's other numbers — or declared `unverifiable` with the reason (year-on-year
changes need last year's data; figures no appendix prints).  The prose number stands for
the interval of its printed decimals, the table quantity for the interval its cells' printed
decimals allow; they agree when the intervals meet, in both directions: prose 891.3 agrees
with table 891.29, prose 24.9 does not agree with table 24.98 (which rounds to 25.0).

## Why it matters
The prose is what readers quote; a figure typed from an older draft, truncated instead of
rounded, or divided by the wrong base misinforms exactly them.

When a figure is contradicted, the table cells it was compared with are weighed: when
every one of them is read by checks that hold (its column sum, its row, another table)
and by none that fails, the table is borne out and the prose is likely wrong — the
finding says so and gives the figure as it should be printed, at the prose's decimals
(its `suggestion`); when a check reading one of them fails, the table is in doubt, and the
finding names that check; otherwise it says neither.

## Example
"重点项目完成投资 891.3 亿元，占年度投资计划的 85.4%": 891.3 = [891.25, 891.35] meets
附件2 合计 891.29 = [891.285, 891.295]; 85.4 = [85.35, 85.45] meets 85.4% → both verified.
"""

from __future__ import annotations

from .. import claims, expr
from ..i18n import N_
from ..prose import compiled, placeholders

PREFIX = "C"
STAGE = "prose"
OPTIONS = {
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "values": {"type": "object", "additionalProperties": {"type": "string"}},
        "unverifiable": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
MESSAGE = {
    None: N_("prose says {actual} but {source} gives {expected} "
           "(the prose figure misses it by {miss})"),
    "prose-wrong": N_("prose says {actual} but {source} gives {expected} (the prose figure "
                      "misses it by {miss}); the table is borne out by {held} check(s) that "
                      "hold ({rules}): the prose is likely wrong, write {fix}"),
    "table-doubtful": N_("prose says {actual} but {source} gives {expected} (the prose figure "
                         "misses it by {miss}); the table is in doubt, its own checks fail: "
                         "{doubt}"),
    "unit-mixup": N_("prose says {actual} with 万 and 亿 exchanged: {source} gives {expected} "
                   "in the other unit (the figure is off by {miss})"),
}
FIELDS = ("label", "actual", "expected", "source", "miss", "name", "held", "rules", "fix",
          "doubt")


def columns(params: dict) -> list:
    compiled(params["text"])
    values, unverifiable = params.get("values", {}), params.get("unverifiable", {})
    names = [n for n, units in placeholders(params["text"]) if not units]
    for n in names:
        if (n in values) == (n in unverifiable):
            raise expr.ExprError(f"placeholder {{{n}}} needs exactly one of values/unverifiable")
    for n in list(values) + list(unverifiable):
        if n not in names:
            raise expr.ExprError(f"{n!r} is not a placeholder of the text")
    refs = []
    for text in values.values():
        node = expr.parse(text)
        unknown = [x for x in expr.names(node) if x not in names]
        if unknown:
            raise expr.ExprError(f"{unknown[0]!r} is neither a cell nor a placeholder")
        refs += [(r.table, r.column) for r in expr.refs(node)]
    return refs


def _claim(rule, match, p, text, ctx, out):
    claims.claim(rule, match, p, text, ctx.period, out, results=ctx.results)


def _mixup(rule, match, p, text, ctx, out):
    claims.mixup(rule, match, p, text, ctx.period, out)


def check(rule, ctx) -> list:
    # and with 万 and 亿 exchanged: the same figure off by 10⁴ is an error
    return [claims.judge(rule, ctx, _claim, _mixup)]
