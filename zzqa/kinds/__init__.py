"""Rule kinds: the arithmetic zzqa knows.  One module per kind; this is the only registry."""

from . import (
    bound,
    claim,
    cross_table,
    precision,
    rank,
    ranking,
    ratio,
    row_identity,
    schema,
    sum_total,
    unlinked,
)

REGISTRY = {
    "schema": schema,
    "sum_total": sum_total,
    "row_identity": row_identity,
    "ratio": ratio,
    "rank": rank,
    "bound": bound,
    "cross_table": cross_table,
    "precision": precision,
    "claim": claim,
    "ranking": ranking,
    "unlinked": unlinked,
}
