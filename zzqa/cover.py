"""Choosing the explanations of the failed checks: an exact weighted cover (docs/localization.md).

Each candidate explanation changes a few cells (one cell to a value, or two cells of a
column exchanged) and makes a set of failed checks hold while every passing check it
touches keeps holding.  The choice is a mixed-integer program, solved exactly by HiGHS
(`scipy.optimize.milp`):

    maximise   Σ_f weight_f · u_f  −  Σ_e cost_e · y_e / (1 + Σ cost)
    such that  u_f ≤ Σ_{e explains f} y_e     a failed check counts once it is explained
               Σ_{e explains f} y_e ≤ 1       …by one explanation (two would change it twice)
               Σ_{e changes c} y_e ≤ 1        one value per cell
               y, u binary

The first term is the number of failed checks explained (those of a systematic failure
weigh nothing); the second, always below one failed check, prefers fewer and more
plausible changes among covers that explain as many.  It is the Fellegi–Holt problem (the
fewest plausible changes that make the checks hold) over the candidate explanations, with
failures that no candidate explains left unexplained instead of making it infeasible.

Independent parts (explanations sharing neither a failed check nor a cell) are solved
apart; a part with one candidate needs no solver, one of at most SMALL candidates is
searched whole (the same optimum, without importing the solver).  The changes chosen in
every part are then made together: two that break a check reading cells of both have
their parts solved as one.  A chosen explanation is a tie when another cover, without it,
is exactly as good: the cover then names both.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence

import numpy as np

EPS = 1e-7  # objective values of HiGHS are floats: equal within this


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One explanation: the failed checks it makes hold, the cells it changes, its cost (a
    changed cell costs about 1, less with evidence for the value)."""

    keys: frozenset
    cells: frozenset
    cost: float
    item: object = None  # what the caller wants back


@dataclasses.dataclass(frozen=True)
class Chosen:
    candidate: Candidate
    rivals: tuple = ()  # candidates of another cover exactly as good, without this one


def choose(candidates: Sequence[Candidate], weight: Callable[[Hashable], float],
           verify: Callable[[list[Candidate]], list[tuple[int, int]]] | None = None
           ) -> list[Chosen]:
    """The best cover, part by part.  `verify(chosen)` may name pairs (indices into the
    chosen list) whose changes clash once made together (a check reading both cells); they
    are excluded from each other and the part is solved again."""
    parts = _parts(candidates)
    for _ in range(20):
        solved = [_solve_part([candidates[k] for k in part], weight, verify) for part in parts]
        chosen = [c for found in solved for c in found]
        clashes = verify([c.candidate for c in chosen]) if verify and len(chosen) > 1 else []
        if not clashes:
            return chosen
        # changes of different parts that clash (a check reads cells of both, though
        # neither explains it): their parts are weighed together
        part_of = {id(c.candidate): n for n, found in enumerate(solved) for c in found}
        merge = {(part_of[id(chosen[a].candidate)], part_of[id(chosen[b].candidate)])
                 for a, b in clashes}
        parts = _merged(parts, merge)
    return chosen


def _merged(parts: list[list[int]], pairs: set) -> list[list[int]]:
    """The parts with each pair of them (indices) joined into one."""
    parent = list(range(len(parts)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x
    for a, b in pairs:
        parent[find(a)] = find(b)
    joined: dict = defaultdict(list)
    for n, part in enumerate(parts):
        joined[find(n)] += part
    return list(joined.values())


def _parts(candidates: Sequence[Candidate]) -> list[list[int]]:
    """Candidates linked by a shared failed check or cell, as lists of indices (union-find)."""
    parent = list(range(len(candidates)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    first: dict = {}
    for n, c in enumerate(candidates):
        for thing in [*(("k", k) for k in c.keys), *(("c", x) for x in c.cells)]:
            if thing in first:
                a, b = find(first[thing]), find(n)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first[thing] = n
    parts = defaultdict(list)
    for n in range(len(candidates)):
        parts[find(n)].append(n)
    return list(parts.values())


def _solve_part(cands: list[Candidate], weight, verify) -> list[Chosen]:
    if len(cands) == 1:  # the fast path: nothing to weigh it against
        only = cands[0]
        return [Chosen(only)] if any(weight(k) for k in only.keys) else []
    banned: set = set()  # pairs that clash when made together
    for _ in range(50):
        value, picked = _best(cands, weight, banned)
        chosen = [cands[k] for k in picked]
        clashes = verify(chosen) if verify else []
        if not clashes:
            break
        banned |= {tuple(sorted((picked[a], picked[b]))) for a, b in clashes}
    else:  # give up weighing clashes: keep what holds on its own
        picked = []
    out = []
    for k in picked:
        alt_value, alt = _best(cands, weight, banned, without=k)
        rivals = ()
        if alt_value >= value - EPS:
            rivals = tuple(cands[j] for j in alt if j not in picked
                           and cands[j].keys & cands[k].keys)
        out.append(Chosen(cands[k], rivals))
    return out


SMALL = 14  # a part of at most this many candidates is searched whole, without a solver


def _best(cands: list[Candidate], weight, banned: set, without: int | None = None
          ) -> tuple[float, list[int]]:
    """The best cover of one part: every cover enumerated for a small part (the common
    case: a damage or two touch a handful of candidates), else the MILP — the same
    objective, the same constraints, so the same optimum."""
    if len(cands) <= SMALL:
        return _exhaustive(cands, weight, banned, without)
    return _milp(cands, weight, banned, without)


def _exhaustive(cands: list[Candidate], weight, banned: set, without: int | None = None
                ) -> tuple[float, list[int]]:
    """Every set of candidates sharing no failed check and no cell (and no banned pair),
    depth first; the one of the highest objective (the first found among equals)."""
    total = 1 + sum(c.cost for c in cands)
    gains = [sum(float(weight(k)) for k in c.keys) - c.cost / total for c in cands]
    best: list = [0.0, []]  # choosing nothing

    def go(start: int, keys: frozenset, cells: frozenset, picked: list, value: float):
        if value > best[0] + EPS:
            best[0], best[1] = value, list(picked)
        for j in range(start, len(cands)):
            c = cands[j]
            if j == without or keys & c.keys or cells & c.cells or any(
                    (min(j, p), max(j, p)) in banned for p in picked):
                continue
            picked.append(j)
            go(j + 1, keys | c.keys, cells | c.cells, picked, value + gains[j])
            picked.pop()
    go(0, frozenset(), frozenset(), [], 0.0)
    return best[0], best[1]


def _milp(cands: list[Candidate], weight, banned: set, without: int | None = None
          ) -> tuple[float, list[int]]:
    """The best cover of one part: (objective, indices of the chosen candidates)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    keys = sorted({k for c in cands for k in c.keys}, key=repr)
    at = {k: n for n, k in enumerate(keys)}
    cells = sorted({x for c in cands for x in c.cells}, key=repr)
    cell_at = {x: n for n, x in enumerate(cells)}
    ne, nk = len(cands), len(keys)
    total = 1 + sum(c.cost for c in cands)
    # variables: y (one per candidate), then u (one per failed check); milp minimises
    cost = np.concatenate([[c.cost / total for c in cands],
                           [-float(weight(k)) for k in keys]])
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0

    def row(entries, low, high):
        nonlocal r
        for col, v in entries:
            rows.append(r)
            cols.append(col)
            vals.append(v)
        lo.append(low)
        hi.append(high)
        r += 1
    by_key = defaultdict(list)
    by_cell = defaultdict(list)
    for e, c in enumerate(cands):
        for k in c.keys:
            by_key[at[k]].append(e)
        for x in c.cells:
            by_cell[cell_at[x]].append(e)
    for k in range(nk):  # u_k ≤ Σ y_e, and Σ y_e ≤ 1
        row([(e, 1.0) for e in by_key[k]] + [(ne + k, -1.0)], 0, np.inf)
        if len(by_key[k]) > 1:
            row([(e, 1.0) for e in by_key[k]], 0, 1)
    for es in by_cell.values():
        if len(es) > 1:
            row([(e, 1.0) for e in es], 0, 1)
    for a, b in banned:
        row([(a, 1.0), (b, 1.0)], 0, 1)
    upper = np.ones(ne + nk)
    if without is not None:
        upper[without] = 0
    n = ne + nk
    constraints = []
    if r:
        matrix = coo_array((vals, (rows, cols)), shape=(r, n)).tocsr()
        constraints = [LinearConstraint(matrix, lo, hi)]
    res = milp(cost, constraints=constraints, integrality=np.ones(n),
               bounds=Bounds(np.zeros(n), upper), options={"mip_rel_gap": 0})
    if res.x is None:  # cannot happen (choosing nothing is feasible); stay safe
        return 0.0, []
    picked = [e for e in range(ne) if res.x[e] > 0.5]
    return -float(res.fun), picked
