"""Rule kinds: the arithmetic zzqa knows.  One module per kind; this is the only registry.

Every kind module declares the same things, and the engine knows kinds only through them:

- `PREFIX`: the letter its rules' ids start with (`S201` is a sum_total rule);
- `STAGE`: when it runs, one of STAGES — `schema` (the tables as read), `table` (arithmetic
  on the cells), `prose` (the prose against the tables), `derived` (what earlier stages
  left: checks that hold only within rounding, prose numbers no claim took), `waivers`
  (after the findings of the others are stamped and the waivers applied to them);
- `OPTIONS`: the JSON Schema of the parameters a rule of the kind takes;
- `MESSAGE`: the message template of its findings (or a dict of templates by variant),
  and `FIELDS`: the fields those templates may use (checked when the catalog loads);
- `columns(params)`: the (table, column) pairs a rule reads (column None: every column);
- `check(rule, context)`: the rule's checks, as a list of `zzqa.checks.Checks`.

The module docstring is the kind's user documentation (`zzqa explain`), with the headings
What it checks / Why it matters / Example.
"""

from . import (
    blank,
    bound,
    checked,
    claim,
    coverage,
    cross_table,
    history,
    precision,
    rank,
    ranking,
    ratio,
    row_identity,
    schema,
    sum_total,
    unlinked,
    waiver,
)

STAGES = ("schema", "table", "prose", "derived", "waivers")

REGISTRY = {
    "schema": schema,
    "sum_total": sum_total,
    "row_identity": row_identity,
    "ratio": ratio,
    "rank": rank,
    "bound": bound,
    "cross_table": cross_table,
    "history": history,
    "precision": precision,
    "claim": claim,
    "ranking": ranking,
    "unlinked": unlinked,
    "coverage": coverage,
    "blank": blank,
    "checked": checked,
    "waiver": waiver,
}
