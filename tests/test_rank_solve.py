"""Ranks solved for a cell with numpy must say what the plain definition says: every other
scored unit's interval read one by one (the code before vectorising it, kept here as the
reference), for readers with overrides and loose cells, in both orders."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from zzqa import catalog, form, period
from zzqa.checks import UNBOUNDED, Reader
from zzqa.kinds.rank import Ranks

from conftest import tiny


def reference(ranks: Ranks, i, ref, reader):
    """solve and holds as defined: each other scored unit's interval as the reader reads it."""
    def others():
        ivs = [reader((ranks.table.name, int(r), ranks.score_col))
               for k, r in enumerate(ranks.rows) if k != i and ranks.scored[k]]
        return [sorted((ranks.sign * iv[0], ranks.sign * iv[1])) for iv in ivs if iv]

    def solve():
        if ranks.missing[i]:
            return None
        signed = others()
        lows = sorted((a for a, _ in signed), reverse=True)
        highs = sorted((b for _, b in signed), reverse=True)
        r = int(ranks.rank[i])
        unknown = int((~ranks.scored).sum()) - (0 if ranks.scored[i] else 1)
        if r < 1:
            return None
        lo = Fraction(lows[r - 1]) if r - 1 < len(lows) else -UNBOUNDED
        need = r - 1 - unknown
        hi = Fraction(highs[need - 1]) if 0 < need <= len(highs) else (
            UNBOUNDED if need <= 0 else -UNBOUNDED)
        return (lo, hi) if ranks.sign > 0 else (-hi, -lo)

    def holds():
        if ranks.missing[i]:
            return True
        own = reader((ranks.table.name, int(ranks.rows[i]), ranks.score_col))
        lo, hi = sorted((ranks.sign * own[0], ranks.sign * own[1]))
        signed = others()
        above = sum(1 for a, _ in signed if a > hi)
        at_or_above = sum(1 for _, b in signed if b >= lo) + int((~ranks.scored).sum())
        return 1 + above <= int(ranks.rank[i]) <= 1 + at_or_above
    return solve(), holds()


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    rng = random.Random(7)
    units = [{"name": f"单位{k}", "type": "district"} for k in range(40)]
    rows = ["unit,s,r", "合计,,"]
    for k in range(40):
        s = rng.choice(["-", "", f"{rng.randint(0, 30)}.{rng.randint(0, 9)}",
                        f"{rng.randint(0, 30)}", f"{rng.randint(0, 30)}.{rng.randint(0, 99):02d}"])
        rows.append(f"单位{k},{s},{rng.randint(0, 42)}")
    tmp = tmp_path_factory.mktemp("rank")
    tiny(tmp, {"t": ({"s": "score", "r": "rank"}, "\n".join(rows) + "\n")},
         "rules:\n  - {id: K001, kind: rank, title: t, severity: error, why: w, table: t, "
         "rank: r, score: s}\n", extra_units=units)
    run = next(tmp.iterdir())
    f = form.load(run / "checks")
    return period.load(run / "p", f), catalog.load(run / "checks", f)


@pytest.mark.parametrize("sign", [1, -1])
def test_vectorised_rank_solving_agrees_with_the_definition(scored, sign):
    p, _ = scored
    table = p.tables["t"]
    ranks = Ranks(table, "r", "s", sign)
    rng = random.Random(sign)
    cells = [("t", int(r), "s") for r in ranks.rows] + [("t", int(ranks.rows[0]), "r"),
                                                         ("u", 1, "s")]
    for _ in range(300):
        loose = (None if rng.random() < 0.4
                 else frozenset(rng.sample(cells, rng.randint(0, 6))))
        override = {}
        for ref in rng.sample(cells, rng.randint(0, 4)):
            a = Fraction(rng.randint(-5, 35 * 10**6), rng.choice([1, 3]))
            override[ref] = (a, a + rng.choice([0, 50000, Fraction(1, 3)]))
        reader = Reader(p, loose, override)
        i = rng.randrange(len(ranks.rows))
        ref = ("t", int(ranks.rows[rng.randrange(len(ranks.rows))]), "s")
        want_solve, want_holds = reference(ranks, i, ref, reader)
        assert ranks.solve(i, ref, reader) == want_solve
        assert ranks.holds(i, reader) == want_holds

