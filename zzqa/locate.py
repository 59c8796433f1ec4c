"""Which cell to blame: single-cell explanations of the failed checks (docs/localization.md).

For every cell that takes part in a failed check, zzqa asks which failed checks one value
of that cell alone would make hold while every passing check reading it keeps holding.
Each check is solved for the cell (the others read as printed): the passing ones bound the
value, and a sweep over the failed ones' intervals finds each largest set one value fixes.
Suspects are then chosen greedily — most failures explained first, a typing error of the
printed text that the checks pin counting for more, systematic failures (a rule failing on
a third of its checks) for nothing — until every failure is explained or no single cell
explains what is left (said as such).  This is a greedy approximation of the Fellegi–Holt
minimum-change problem: exact when errors touch disjoint checks, as typing errors usually
do.  Cells that explain the same failures equally well are reported together as a tie,
never broken at random.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter, defaultdict
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from . import cover, numbers
from .checks import FAIL, NOT_PRINTED, PASS, UNEVALUABLE, Checks, Reader
from .context import Result
from .model import LOOSE, STRICT, Suspect, Systematic
from .numbers import NUMBER

INF = Fraction(10**30)
LONG = 200  # a failed check reading more cells than this does not make each a candidate
STRONG = 0.25  # a typing slip this unlikely by chance (locate._chance) pins the value
RIVAL = 10  # a slip within this factor of the likeliest is as good: a tie
SAYS = 3  # a density ratio of a column's values (locate._typical) that says something
# patterns that are typing errors of the printed text itself (evidence for the suggestion)
TYPING = ("transposed digits", "dropped digit", "extra digit", "mistyped digit",
          "shifted decimal point", "unit scale (万)", "truncated instead of rounded")


class Key(NamedTuple):
    """One check: the position of its rule's checks among the results, and its index."""

    result: int
    i: int


class Involved(NamedTuple):
    """A check reading a cell: its key and its checks."""

    key: Key
    checks: Checks


@dataclasses.dataclass(frozen=True)
class Option:
    """One set of failed checks a single value of a cell makes hold."""

    keys: frozenset  # the failed checks it explains
    draft: Suspect  # the cell, its printed and suggested value, the typing error
    strong: bool  # a typing error of the printed text pins the value
    chance: float  # how likely such a typing error lands there by chance (1: no evidence)
    complete: bool  # none of the cell's failed checks is left failing
    interval: tuple  # the values that do it


def index(results: list[Result], cells) -> dict:
    """For each of `cells`, every evaluated check that reads it: one pass over what the
    checks read, so that asking for every cell of a long column stays linear."""
    wanted = defaultdict(set)
    for table, row, column in cells:
        wanted[(table, column)].add(row)
    found: dict = defaultdict(dict)
    for n, result in enumerate(results):
        checks = result.checks
        live = (checks.status != UNEVALUABLE) & (checks.status != NOT_PRINTED)
        for read in checks.reads:
            t, col, rows = read.table, read.column, read.rows
            want = wanted.get((t.name, col))
            if not want:
                continue
            pick = np.fromiter(want, dtype=np.int64)
            if isinstance(rows, list):  # sums: the rows of each check
                for i in np.flatnonzero(live):
                    for r in np.intersect1d(rows[i], pick).tolist():
                        found[(t.name, r, col)][Key(n, int(i))] = checks
            else:
                rows = np.asarray(rows)
                for i in np.flatnonzero(np.isin(rows, pick) & live).tolist():
                    found[(t.name, int(rows[i]), col)][Key(n, i)] = checks  # once per check
    return {ref: [Involved(k, c) for k, c in found_.items()] for ref, found_ in found.items()}


def _loose(period, override: dict | None = None) -> Reader:
    """How a check reads the other cells when solved for one: as printed (loosely), but
    for the cells `override` gives and the lost values the checks imply (`Lost`)."""
    lost = getattr(period, "lost", None)
    if lost:
        return Reader(period.period, override={**lost, **(override or {})})
    return Reader(period, override=override or {})


class Lost:
    """The period with its lost values — blank cells that switched checks off — read as
    the checks imply them (kinds.blank.interval), so that a blank is no escape for
    another cell: with 株洲经开区's 未按计划竣工 › 其中产业 left blank, the column sum no
    longer pins 荷塘区's, which would then 'explain' R603 荷塘区 by a change the sum, read
    with the value the blank must hold, forbids."""

    def __init__(self, period, lost: dict):
        self.period, self.lost = period, lost

    def __getattr__(self, name):
        return getattr(self.period, name)


class Revived(Checks):
    """A rule's checks with those that a lost value alone switched off read as holding
    (they hold with the value the checks imply for it)."""

    def __init__(self, checks: Checks, revived: list[int]):
        self.inner, self.reads, self.relation = checks, checks.reads, checks.relation
        self.coupled, self.blame = checks.coupled, checks.blame
        self.status = checks.status.copy()
        self.status[revived] = PASS

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def label(self, i):
        return self.inner.label(i)

    def cells(self, i):
        return self.inner.cells(i)

    def formula(self, i):
        return self.inner.formula(i)

    def solve(self, i, ref, reader):
        return self.inner.solve(i, ref, reader)

    def holds(self, i, reader):
        return self.inner.holds(i, reader)


def _lost(results: list[Result], period) -> tuple[list[Result], object]:
    """The results and period as blame reads them: each blank cell that switched checks
    off, read at the interval those checks imply for it (where it is the only missing cell
    of one or more), and the checks it alone switched off revived."""
    from .kinds import blank
    alone: dict = defaultdict(list)  # a blank cell -> (result, check) it alone switched off
    seen: dict = {}
    for n, result in enumerate(results):
        checks = result.checks
        if not checks.blame:
            continue
        for i in np.flatnonzero(checks.status == UNEVALUABLE)[:1000].tolist():
            if blank._missing(checks, i, seen) != 1:
                continue
            for read in checks.reads:
                state = read.table.arrays(read.column).state
                rows = np.atleast_1d(np.asarray(read.rows[i]))
                rows = rows[rows >= 0]
                for row in rows[state[rows] == numbers.BLANK].tolist():
                    alone[(read.table.name, int(row), read.column)].append((n, i))
    lost, revive = {}, defaultdict(list)
    for ref, where in alone.items():
        pairs = [(results[n].checks, i) for n, i in where]
        found = blank.interval(ref, pairs, period, seen)
        if found is not None:
            lost[ref] = found
            for n, i in where:
                revive[n].append(i)
    if not lost:
        return results, period
    out = [Result(r.rule, Revived(r.checks, revive[n])) if n in revive else r
           for n, r in enumerate(results)]
    return out, Lost(period, lost)


def _printable(period, ref, lo, hi) -> bool:
    """Some value printed at the decimals of the cell or its column, whichever shows more
    (exact for counts), meets [lo, hi]."""
    table = period.tables[ref[0]]
    half = table.columns[ref[2]].half_at(ref[1], STRICT)
    step = 10 ** (numbers.SCALE - _decimals(table, ref))
    if table.spec.column(ref[2]).exact:
        step = numbers.UNIT
    first = -((-(lo - half)) // step) * step
    return first <= hi + half


def _decimals(table, ref) -> int:
    """Decimals a value of the cell is printed at: its column's, or more if the cell shows
    more (53.03 in a column of whole numbers is corrected as 50.33, not as 50)."""
    shown = int(table.columns[ref[2]].decimals[ref[1]])
    return min(max(table.convention.get(ref[2], 0), shown), numbers.SCALE - 1)


def _domain(period, ref) -> Fraction:
    """The least value the cell's column allows (form.Column.minimum: counts, amounts and
    percentages are never negative, ranks start at 1, a score out of the points its header
    prints is at least 0)."""
    least = period.tables[ref[0]].spec.column(ref[2]).minimum
    return -INF if least is None else Fraction(least * numbers.UNIT)


def _need(results: list, ref, period, override: dict | None = None,
          explained: frozenset = frozenset(), reading: list | None = None):
    """What the checks reading the cell ask of it: the interval every passing check keeps it
    in (hard), and for each failed check the interval that would make it hold (soft; a
    failed check that cannot be solved for the cell is left out: the cell cannot fix it).
    A failed check already explained by another suspect keeps this cell as printed."""
    lo, hi, soft = _domain(period, ref), INF, []
    involved = index(results, [ref]).get(ref, []) if reading is None else reading
    for key, checks in involved:
        if key in explained:
            need = period.tables[ref[0]].interval(ref[1], ref[2], LOOSE)
        else:
            need = checks.solve(key.i, ref, _loose(period, override))
        if need is None:
            continue
        if checks.status[key.i] == FAIL and key not in explained:
            soft.append((key, need))
        else:
            lo, hi = max(lo, need[0]), min(hi, need[1])
    return (lo, hi), soft


def _options(hard, soft, fits, own=None, short=None) -> list[tuple[frozenset, tuple]]:
    """The most failed checks one value of the cell can make hold, keeping every passing
    check: each maximal set of failed checks whose intervals meet inside `hard` at a value
    `fits` accepts, with that common interval.  A sweep over the intervals' ends.

    With `own` (the cell's printed interval), the failed checks a value leaves failing must
    not fail by more than they do: a value that fixes one check by breaking another further
    leans on that other failure (a column sum already off by 7, pushed to 15 so that a row
    identity holds) — it is no explanation, only a second error.  Only the checks in
    `short`, when given: a sum over thousands of rows gathers many errors, whose net miss
    says nothing of the direction one cell's should take."""
    lo, hi = hard
    if lo > hi:
        return []
    worse = {k: _not_worse(own, iv) for k, iv in soft
             if short is None or k in short} if own is not None else {}
    ends = [x for x in (lo, hi) if abs(x) < INF]  # a soft interval may cover all of hard
    bounds = [*soft, *worse.items()]
    points = sorted({*ends, *(x for _, (a, b) in bounds for x in (a, b) if lo <= x <= hi)})
    probes = [*points, *((a + b) / 2 for a, b in itertools.pairwise(points))]
    found: dict[frozenset, tuple] = {}
    for x in probes:
        keys = frozenset(k for k, (a, b) in soft if a <= x <= b)
        if not keys or keys in found:
            continue
        if any(not a <= x <= b for k, (a, b) in worse.items() if k not in keys):
            continue
        limits = [(a, b) for k, (a, b) in soft if k in keys]
        limits += [(a, b) for k, (a, b) in worse.items() if k not in keys]
        a = max([lo, *(a for a, _ in limits)])
        b = min([hi, *(b for _, b in limits)])
        if fits(a, b):
            found[keys] = (a, b)
    return [(k, v) for k, v in found.items() if not any(k < other for other in found)]


def _not_worse(own, need) -> tuple:
    """The values of a cell (printed as `own`) with which a check that needs it in `need`
    fails by no more than it does: as far beyond the interval as the printed value is
    short of it, or anything when the printed value meets it."""
    (p, q), (a, b) = own, need
    if q < a:  # the check needs more: from the printed value up to as far past the need
        return q, b + (a - q)
    if p > b:
        return a - (p - b), p
    return -INF, INF


def name(rule_id: str, checks: Checks, i: int) -> str:
    formula = checks.formula(i)
    return f"{rule_id} {checks.label(i)}" + (f": {formula}" if formula else "")


def _explains(results: list, ref, period, explained: frozenset = frozenset(),
              reading: list | None = None, coupled: list = ()) -> list[Option]:
    """The cell's options: each set of failed checks one value of it makes hold (keeping
    every passing check), as a draft suspect, whether a typing error of the printed text
    pins the value, whether the option leaves none of the cell's failed checks failing (an
    option that does is weaker: the cell would still be wrong somewhere), and the interval
    the value lies in."""
    if reading is None:
        reading = index(results, [ref]).get(ref, [])
    hard, soft = _need(results, ref, period, explained=explained, reading=reading)
    own = period.tables[ref[0]].interval(ref[1], ref[2], LOOSE)
    short = {key for key, checks in reading if _size(checks, key.i) <= LONG}
    out = []
    for keys, interval in _options(hard, soft, lambda a, b: _printable(period, ref, a, b),
                                   own, short):
        if not _keeps_coupled(coupled, ref, interval, period):
            continue
        draft = _suspect(ref, interval, (), period, tie=False)
        chance = _chance(interval, draft.value, draft.suggested,
                         copied=draft.pattern not in TYPING,
                         mistyped=draft.pattern == "mistyped digit",
                         whole=period.tables[ref[0]].spec.column(ref[2]).exact) \
            if draft.pattern in TYPING or _distinct_copy(draft) else 1.0
        out.append(Option(keys, draft, chance <= STRONG, chance, len(keys) == len(soft),
                          interval))
    return out


def _size(checks: Checks, i: int) -> int:
    """How many cells check i reads (a sum's rows counted without listing them)."""
    return sum(len(read.rows[i]) if isinstance(read.rows, list) else 1
               for read in checks.reads)


def _distinct_copy(draft: Suspect) -> bool:
    """A copy from a neighbour is evidence only for a value unlikely to repeat by chance
    (three significant digits or more: 87.18, not 35)."""
    digits = draft.value.strip("-%").replace(".", "").lstrip("0")
    return (draft.pattern or "").startswith("copied") and len(digits) >= 3


def _keeps_coupled(coupled: list, ref, interval, period) -> bool:
    """A score's new value must not break the ranks of the other units that now hold (their
    checks name only their own score, yet depend on this one)."""
    mid = (interval[0] + interval[1]) / 2 if max(map(abs, interval)) < INF else None
    for checks in coupled:
        if mid is None or not any(r.table.name == ref[0] and r.column == ref[2]
                                  for r in checks.reads):
            continue
        reader = _loose(period, {ref: (mid, mid)})
        if any(not checks.holds(int(j), reader) for j in np.flatnonzero(checks.status == PASS)):
            return False
    return True


def _chance(interval, printed: str, suggested: str | None, copied: bool = False,
            mistyped: bool = False, whole: bool = False) -> float:
    """How likely a typing variant of the printed text lands in the interval by chance: the
    expected number of variants in it, were they spread evenly (STRONG or less: the slip
    pins the value).

    The interval's width times how densely the variants lie around the value the checks
    ask for, as far either side of it as the correction — variants of the same kind: one
    digit typed for another is weighed against the other such slips, the others against
    each other (every number has many one-digit neighbours): 53 -> 35, where a row sum
    allows 35 exactly, is strong (one variant within 18 of 35); 9.8 -> 9.38 landing in a
    width of 0.04 is not (eight insertions 9.08…9.78 lie within 0.42 of 9.38).  A value
    copied from a neighbour is one variant.  An interval open on one side ("at most 50") pins
    nothing (1); one narrower than a unit of the printed last place counts as one unit wide
    (a count of 4 typed 1, where any of nine digits could land on the one value a sum
    allows, is no evidence).  In a column of whole numbers (`whole`) only whole variants
    count: 12 typed for 1 is weighed against 1 and 2, not 1.2 or 0.12."""
    lo, hi = interval
    own, fix = numbers.parse(printed.rstrip("%")), numbers.parse((suggested or "").rstrip("%"))
    if own is None or abs(lo) >= INF or abs(hi) >= INF:
        return 1.0
    target = fix.scaled if fix else (lo + hi) / 2  # a range: its centre
    correction = abs(target - own.scaled)
    if correction <= 0:
        return 1.0
    near = 1 if copied else len(
        {v for v, _ in _variants(printed, mistyped) if abs(v - target) <= correction
         and not (whole and v % numbers.UNIT)})  # a count's slips are counts
    width = max(hi - lo, 10 ** (numbers.SCALE - own.decimals))
    return min(float(width * near / (2 * correction)), 1.0)


def _swaps(results: list, refs: list, period, reads: dict) -> list[tuple]:
    """Pairs of cells of one column whose exchange makes failed checks hold while every
    passing check reading them keeps holding, and no failed one fails by more: each cell of
    a failed check (`refs`) with every other unit's cell of its column (with the other cells
    of failed checks only, in a table of more than LONG rows).  As (a, b, the failed checks
    it fixes, whether it fixes some on both sides).  `reads`: the checks reading each cell
    (locate.index); the partners' are looked up here."""
    pooled = set(refs)
    by_column = defaultdict(list)
    for ref in refs:
        by_column[(ref[0], ref[2])].append(ref)
    partners = {}
    for (name, column), cells in by_column.items():
        table = period.tables[name]
        state = table.arrays(column).state
        if len(state) > LONG:
            partners[(name, column)] = cells
        else:
            totals = table.is_total.to_numpy()
            partners[(name, column)] = [(name, r, column) for r in range(len(state))
                                        if state[r] == NUMBER and not totals[r]]
    more = {b for cells in partners.values() for b in cells if b not in reads}
    if more:
        reads = {**reads, **index(results, more)}
    wanted: dict = {}  # a cell of a failed check -> what its failed checks ask of it

    def wants(x, value) -> bool:
        """Some failed check of x would hold with x at `value` (the others as printed) —
        always true for a cell a rank reads (its rank moves with the other's score)."""
        if x not in wanted:
            involved = reads.get(x, [])
            wanted[x] = None if any(c.coupled for _, c in involved) else [
                iv for _, iv in _need(results, x, period, reading=involved)[1]]
        return wanted[x] is None or any(_meets(iv, value) for iv in wanted[x])
    out, seen = [], set()
    for column, cells in by_column.items():
        for a in cells[:50]:
            for b in partners[column][:200]:
                pair = frozenset((a, b))
                if b == a or pair in seen:
                    continue
                seen.add(pair)
                ia = period.tables[a[0]].interval(a[1], a[2], LOOSE)
                ib = period.tables[b[0]].interval(b[1], b[2], LOOSE)
                if ia is None or ib is None or _meets(ia, ib):
                    continue  # the same value, or a rounding of it: no exchange to see
                if not (wants(a, ib) or (b in pooled and wants(b, ia))):
                    continue  # neither side's failed checks want the other's value
                fa = _fixed_by(_need(results, a, period, {b: ia}, reading=reads.get(a, [])),
                               ib, ia)
                fb = _fixed_by(_need(results, b, period, {a: ib}, reading=reads.get(b, [])),
                               ia, ib)
                if fa is not None and fb is not None and (fa or fb):
                    out.append((a, b, fa + fb, bool(fa) and bool(fb) and b in pooled))
    return out


def _fixed_by(need, value, own) -> list | None:
    """The failed checks a value of the cell (printed as `own`) makes hold; None if it
    breaks a passing one or makes a failed one fail by more."""
    hard, soft = need
    if not _meets(hard, value):
        return None
    fixed = [k for k, interval in soft if _meets(interval, value)]
    if any(not _meets(_not_worse(own, interval), value) for k, interval in soft
           if k not in fixed):
        return None
    return fixed


def _meets(need, own) -> bool:
    return need[0] <= own[1] and own[0] <= need[1]


def systematic(results: list[Result]) -> list[Systematic]:
    """Rules failing systematically: on at least a third of the checks of one evaluation
    (one column of a bound, one formula of an identity) and on three or more.  They point at the
    rule or the header (every 引进科技创新人才 score is 65 under "(60分)"), not at a mistyped
    cell, and are not pinned on one."""
    out = []
    for result in results:
        checks = result.checks
        if _is_systematic(checks):
            fails, live = _counts(checks)
            columns = {(r.table.name, r.column) for r in checks.reads}
            what = (" ".join(next(iter(columns))) if len(columns) == 1
                    else checks.reads[0].table.name)
            out.append(Systematic(result.rule.id, what, fails, live))
    return out


def _counts(checks: Checks) -> tuple[int, int]:
    """Failed checks and checks that could be evaluated."""
    live = (checks.status != UNEVALUABLE) & (checks.status != NOT_PRINTED)
    return int((checks.status == FAIL).sum()), int(live.sum())


def _is_systematic(checks: Checks) -> bool:
    """Three failures or more, and at least a third of the checks.  Not for coupled checks
    (ranks): one wrong score moves every rank between its true and printed place."""
    fails, live = _counts(checks)
    return not checks.coupled and fails >= 3 and 3 * fails >= live


def _folded(ref, option: Option, left: set, where: dict, period) -> frozenset:
    """Failed coupled checks (ranks) that hold once the cell takes the option's value: a
    wrong score fails the ranks of every unit it passes, and those are its doing."""
    interval = option.interval
    if not left or max(map(abs, interval)) >= INF:
        return frozenset()
    mid = (interval[0] + interval[1]) / 2  # one value: every folded rank must hold with it
    reader = _loose(period, {ref: (mid, mid)})
    out = set()
    for key in left:
        checks = where[key]
        if checks.coupled and len(checks) <= LONG and checks.holds(key.i, reader):
            out.add(key)
    return frozenset(out)


class Relaxed(Checks):
    """A systematic check on one column as a bound on a cell: every check holds, and each
    allows at least the range of the values the column prints."""

    def __init__(self, checks: Checks):
        self.inner, self.reads, self.relation = checks, checks.reads, checks.relation
        self.status = np.where(checks.status == FAIL, PASS, checks.status).astype(np.int8)
        read = checks.reads[0]
        a, rows = read.table.arrays(read.column), np.asarray(read.rows)
        printed = a.val[rows][a.state[rows] == NUMBER]
        self.span = (Fraction(int(printed.min())), Fraction(int(printed.max()))) \
            if len(printed) else None

    def label(self, i):
        return self.inner.label(i)

    def solve(self, i, ref, reader):
        need = self.inner.solve(i, ref, reader)
        if need is None or self.span is None:
            return need
        return min(need[0], self.span[0]), max(need[1], self.span[1])


class Ignored(Checks):
    """A systematic rule over several columns: it says nothing about any one cell."""

    def __init__(self, checks: Checks):
        self.status, self.reads = checks.status, []


def _weights(results: list[Result]) -> dict:
    """1 for each failed check, 0 for one of a systematic failure."""
    out = {}
    for n, result in enumerate(results):
        weight = 0 if _is_systematic(result.checks) else 1
        out.update({Key(n, int(i)): weight for i in np.flatnonzero(result.checks.status == FAIL)})
    return out


class _Ids:
    """Cells as int64 ids (a code for the table and column, then the row): the cells of
    every failed check kept as arrays, where lists of tuples took 70 bytes a cell."""

    def __init__(self):
        self.codes: dict = {}
        self.back: list = []

    def encode(self, refs) -> np.ndarray:
        out = np.empty(len(refs), dtype=np.int64)
        for k, (table, row, column) in enumerate(refs):
            code = self.codes.get((table, column))
            if code is None:
                code = self.codes[(table, column)] = len(self.back)
                self.back.append((table, column))
            if not 0 <= row < 2**40:  # a table has fewer rows than that: never wraps
                raise ValueError(f"row {row} of {table} is out of range")
            out[k] = (code << 40) | row
        return out

    def decode(self, cells: np.ndarray) -> list:
        return [(self.back[c >> 40][0], c & (2**40 - 1), self.back[c >> 40][1])
                for c in cells.tolist()]


def _shared(cells: list[np.ndarray]) -> np.ndarray:
    """The cells (ids) that two or more of the arrays hold."""
    if not cells:
        return np.zeros(0, dtype=np.int64)
    every = np.concatenate(cells)
    owner = np.repeat(np.arange(len(cells)), [len(c) for c in cells])
    order = np.lexsort((owner, every))
    every, owner = every[order], owner[order]
    # each (cell, array) once, then the cells left more than once
    first = np.ones(len(every), dtype=bool)
    first[1:] = (every[1:] != every[:-1]) | (owner[1:] != owner[:-1])
    every = every[first]
    twice = np.zeros(len(every), dtype=bool)
    twice[1:] = every[1:] == every[:-1]
    return np.unique(every[twice])


class _Names(dict):
    """A failed check's name (`name`), made the first time it is asked for."""

    def __init__(self, results: list[Result]):
        super().__init__()
        self.results = results

    def __missing__(self, key: Key) -> str:
        result = self.results[key.result]
        self[key] = made = name(result.rule.id, result.checks, key.i)
        return made


def suspects(results: list[Result], period) -> tuple[list, int]:
    """Suspects, those explaining the most failures first, and the number of failures
    none explains."""
    failing, where, ids = {}, {}, _Ids()  # a failed check's cells, as ids (see _Ids)
    for n, result in enumerate(results):
        checks = result.checks
        for i in np.flatnonzero(checks.status == FAIL).tolist():
            key = Key(n, i)
            failing[key] = ids.encode(checks.cells(i))
            where[key] = checks
    names = _Names(results)  # made when asked: 200,000 failed ranks name few suspects
    if not failing:
        return [], 0
    weight = _weights(results)
    # a systematic rule's checks, passing or not, say little about a cell: a bound on one
    # column is relaxed to take in every value the column prints (the 65s under "(60分)"
    # make the real cap at least 65), any other such rule is left out
    systematic = {k.result for k in failing if weight[k] == 0}

    def read_as(n: int, checks: Checks) -> Checks:
        if n not in systematic:
            return checks
        one_column = len({(r.table.name, r.column) for r in checks.reads}) == 1
        return Relaxed(checks) if one_column else Ignored(checks)
    results = [Result(r.rule, read_as(n, r.checks)) for n, r in enumerate(results)]
    results, period = _lost(results, period)
    # a cell of a long sum is a candidate only if another failed check reads it too: one
    # of thousands of rows, each able to absorb the difference, names no cell
    # (so is a cell of a failed rank among more than 200: one wrong score moves thousands)
    shared = _shared(list(failing.values()))
    keep = []
    for key, cells in failing.items():
        checks = where[key]
        long = len(cells) > LONG or (checks.coupled and len(checks) > LONG)
        keep.append(cells[np.isin(cells, shared)] if long else cells)
    pool_ids = np.unique(np.concatenate(keep))
    del keep, shared
    pool = set(ids.decode(pool_ids))
    refs: dict = {}  # the pooled cells of the failed checks, each once, in reading order
    for cells in failing.values():
        if len(cells) > LONG:
            cells = cells[np.isin(cells, pool_ids)]
        refs.update(dict.fromkeys(r for r in ids.decode(cells) if r in pool))
    coupled = [r.checks for r in results if r.checks.coupled and len(r.checks) <= LONG]
    reads = index(results, pool)
    ranked = {k for k in failing if where[k].coupled}  # what a score's value may take in
    groups: dict = defaultdict(dict)  # failed checks -> cell -> the option explaining them
    for ref in refs:
        for option in _explains(results, ref, period, reading=reads.get(ref, []),
                                coupled=coupled):
            # coupled checks its value makes hold are its doing too (the ranks it moves)
            folded = _folded(ref, option, ranked - option.keys, where, period)
            keys = option.keys | folded
            groups[keys].setdefault(ref, dataclasses.replace(option, keys=keys))
    candidates = []
    for keys, group in groups.items():
        # evidence first: a slip far less likely by chance than the others' (a quarter or
        # less of it) leaves them out; slips alike in likelihood stay a tie
        best = min(v.chance for v in group.values())
        if best <= STRONG:
            group = {ref: v for ref, v in group.items() if v.chance <= RIVAL * best}
        if any(v.complete for v in group.values()):  # then a complete explanation
            group = {ref: v for ref, v in group.items() if v.complete}
        strong = any(v.strong for v in group.values())
        complete = any(v.complete for v in group.values())
        cost = 1 - 0.4 * strong + 0.1 * (not complete)
        candidates.append(cover.Candidate(keys, frozenset(group), cost, ("cells", group)))
    swaps = _swaps(results, list(refs), period, reads)
    # an exchange fixing checks on one side only is evidence when one partner alone fits
    # (a column sum that holds lets no single cell change, only an exchange): with several
    # partners that fit, naming one would be a guess
    partners = Counter(frozenset(fixed) for _, _, fixed, both in swaps if not both)
    for a, b, fixed, both in swaps:
        if not both and partners[frozenset(fixed)] > 1:
            continue
        # one slip of the hand, each cell getting exactly the other's printed value: on
        # both sides, cheaper than the two single changes it stands for; on one side only,
        # dearer than one change
        candidates.append(cover.Candidate(frozenset(fixed), frozenset((a, b)),
                                          1.1 if both else 1.5, ("swap", (a, b))))

    for a, b, fixed in _row_swaps(results, list(refs), period, reads):
        # two units' whole rows in each other's places: one slip, every column of both —
        # dearer than two cells exchanged, where those explain as much
        candidates.append(cover.Candidate(frozenset(fixed), frozenset(_row_cells(period, a, b)),
                                          1.2, ("rows", (a, b))))

    def clashes(chosen: list) -> list[tuple[int, int]]:
        return _clashes(chosen, reads, period)
    picked = cover.choose(candidates, lambda k: weight[k], clashes)
    # the most failures explained first, then the cheaper (better evidenced) explanation,
    # then by the checks' names: never by the order of the tables
    picked.sort(key=lambda c: (-sum(weight[k] for k in c.candidate.keys), c.candidate.cost,
                               sorted(names[k] for k in c.candidate.keys)))
    out, explained = [], set()
    for chosen in picked:
        explained |= chosen.candidate.keys
        tie = bool(chosen.rivals)
        for made in (chosen.candidate, *chosen.rivals):
            out += _made(made, names, period, tie)
    return out, len(set(failing) - explained)


def _row_cells(period, a: tuple, b: tuple) -> list:
    """The numeric cells of two rows (table, row) that an exchange of the rows moves."""
    table = period.tables[a[0]]
    return [(a[0], r, c) for c, arrays in table.columns.items() for r in (a[1], b[1])
            if arrays.state[r] == NUMBER]


def _row_swaps(results: list, refs: list, period, reads: dict) -> list[tuple]:
    """Pairs of units' rows of one table (each with a cell in a failed check) whose values
    exchanged whole make failed checks hold on both rows and keep every passing check
    reading them holding: (a, b, the failed checks fixed), a and b as (table, row)."""
    rows = defaultdict(set)
    for t, r, _c in refs:
        rows[t].add(r)
    out = []
    chosen = {}
    for t, found in rows.items():
        table = period.tables[t]
        if len(table.raw) > LONG:
            continue
        totals = table.is_total.to_numpy()
        chosen[t] = sorted(r for r in found if not totals[r])[:30]
    # what every cell of those rows is read by, looked up once
    more = [(t, r, c) for t, units in chosen.items() for r in units
            for c in period.tables[t].columns if (t, r, c) not in reads]
    if more:
        reads.update(index(results, more))
    for t, units in chosen.items():
        table = period.tables[t]
        for ra, rb in itertools.combinations(units, 2):
            override, differ = {}, 0
            for c in table.columns:
                ia, ib = table.interval(ra, c, LOOSE), table.interval(rb, c, LOOSE)
                if ia is not None and ib is not None:
                    override[(t, ra, c)], override[(t, rb, c)] = ib, ia
                    differ += not _meets(ia, ib)
            if differ < 2:  # one column: an exchange of two cells (_swaps)
                continue
            fixed = _fixes(override, reads, period, (ra, rb))  # on both rows
            if fixed:
                out.append(((t, ra), (t, rb), fixed))
    return out


def _fixes(override: dict, reads: dict, period, rows: tuple = ()) -> list | None:
    """The failed checks that hold with the cells of `override` changed, None when a
    passing check reading them breaks — or, given `rows`, when the fixed ones do not read
    each of them (the failed checks are tried first: most exchanges fix none)."""
    involved: dict = {}
    for ref in override:
        for key, checks in reads.get(ref, []):
            involved.setdefault(key, (checks, set()))[1].add(ref[1])
    fixed = [key for key, (checks, _) in involved.items() if checks.status[key.i] == FAIL
             and _holds_with(checks, key.i, override, period)]
    if rows and not all(any(r in involved[k][1] for k in fixed) for r in rows):
        return None
    for key, (checks, _) in involved.items():
        if checks.status[key.i] != FAIL and not _holds_with(checks, key.i, override, period):
            return None
    return fixed


def _made(candidate, names, period, tie: bool) -> list[Suspect]:
    """The suspects of one chosen explanation: the cell(s) of an option (several: a tie),
    both cells of an exchange, or the unit cells of two exchanged rows."""
    explains = tuple(sorted(names[k] for k in candidate.keys))
    what, item = candidate.item
    if what == "rows":
        a, b = item
        table = period.tables[a[0]]
        return [Suspect(period.cell((x[0], x[1], "unit")), table.text(x[1], "unit"),
                        table.text(y[1], "unit"), explains, "two rows swapped",
                        "tie" if tie else "high") for x, y in ((a, b), (b, a))]
    if what == "swap":
        a, b = item
        return [Suspect(period.cell(x), period.tables[x[0]].text(x[1], x[2]),
                        period.tables[y[0]].text(y[1], y[2]), explains, "two rows swapped",
                        "tie" if tie else "high") for x, y in ((a, b), (b, a))]
    group = item
    tie = tie or len(group) > 1
    confidence = "tie" if tie else ("high" if len(explains) > 1 else "medium")
    # the members of a tie by their evidence: slips before values no slip gives; the slip
    # least likely to land there by chance first, its chance weighed by how much more
    # typical of its column the suggested value is than the printed one (66 among ten 65s,
    # 8.50 among scores near 58), a typing slip before a copy; the values no slip gives
    # one printed value before ranges, then by how closely the checks pin them, then by
    # their column; the table's order (row, then column) only among equals
    columns = {name: list(period.tables[name].columns) for name in {r[0] for r in group}}

    def evidence(kv) -> tuple:
        ref, option = kv
        draft = option.draft
        typical = _typical(period, ref, draft.value, draft.suggested)
        where = (ref[0], ref[1], columns[ref[0]].index(ref[2]))
        # a slip (a copy from a neighbour is one too) before a value no slip gives
        if draft.pattern in TYPING or (draft.pattern or "").startswith("copied"):
            return (0, option.chance / typical, draft.pattern not in TYPING,
                    _width(option.interval), *where)
        ranged = not draft.suggested or "…" in draft.suggested or draft.suggested[0] in "≤≥"
        return (1, ranged, _width(option.interval), 1 / typical, *where)
    ordered = sorted(group.items(), key=evidence)
    return [dataclasses.replace(v.draft, explains=explains, confidence=confidence)
            for _, v in ordered]


def _typical(period, ref, printed: str, suggested: str | None) -> float:
    """How much more typical of its column the suggested value is than the printed one:
    the ratio of their densities among the other units' values of the column (a Gaussian
    kernel on a log scale, as wide as Silverman's rule gives and at least half a unit of
    the printed last place; each density counted at least a tenth of the density at the
    column's median, so that two values far out in a tail say little against each other).
    A prior on the cell's true value, the other half of the evidence a slip leaves: 8.50 is
    as likely a slip of 58.50 as 40 of 49, but a 园区工作 score column near 55 makes the
    first unlikely.  1 for a total row, a range, or a column of fewer than four other
    values, or a ratio within a factor of SAYS (the kernel's noise); clipped to
    [1/1000, 1000]."""
    table = period.tables[ref[0]]
    own, fix = numbers.parse(printed.rstrip("%")), numbers.parse((suggested or "").rstrip("%"))
    if own is None or fix is None or bool(table.is_total.iloc[ref[1]]):
        return 1.0
    cache = table.__dict__.setdefault("_typical", {})
    if ref[2] not in cache:
        a = table.arrays(ref[2])
        keep = (a.state == NUMBER) & ~table.is_total.to_numpy()
        rows = np.flatnonzero(keep)
        points = _log(a.val[rows].astype(float) / numbers.UNIT)
        q75, q25 = np.percentile(points, [75, 25]) if len(points) else (0, 0)
        spread = min(float(points.std()), float(q75 - q25) / 1.34) if len(points) else 0
        cache[ref[2]] = (rows, points, spread or (float(points.std()) if len(points) else 0))
    rows, points, spread = cache[ref[2]]  # the spread with the cell: one sort a column
    points = points[rows != ref[1]]
    if len(points) < 4:
        return 1.0
    x, y = float(own.value), float(fix.value)
    unit = float(Fraction(1, 10**own.decimals))
    floor = float(_log(np.array([abs(x) + unit / 2]))[0] - _log(np.array([abs(x)]))[0])
    h = max(0.9 * spread * len(points) ** -0.2, floor)

    def density(v: float, log: bool = True) -> float:
        z = ((_log(np.array([v]))[0] if log else v) - points) / h
        return float(np.exp(-0.5 * z * z).sum())
    # two values both far out in a tail say little against each other: each density is
    # counted at least a tenth of the density at the column's median
    least = density(float(np.median(points)), log=False) / 10
    ratio = (density(y) + least) / (density(x) + least)
    if 1 / SAYS < ratio < SAYS:  # a factor under three is the kernel's noise
        return 1.0
    return float(min(max(ratio, 1e-3), 1e3))


def _log(values: np.ndarray) -> np.ndarray:
    """A signed log scale: amounts, counts and scores spread by ratio, 0 kept."""
    return np.sign(values) * np.log1p(np.abs(values))


def _width(interval) -> Fraction:
    lo, hi = interval
    return INF if abs(lo) >= INF or abs(hi) >= INF else hi - lo


def _point(interval) -> tuple | None:
    """One value of an option's interval, to make the changes together: its centre, or
    its finite end (None when it is open on both sides)."""
    lo, hi = interval
    if abs(lo) < INF and abs(hi) < INF:
        mid = (lo + hi) / 2
        return mid, mid
    if abs(lo) < INF:
        return lo, lo
    if abs(hi) < INF:
        return hi, hi
    return None


def _changes(candidate, period) -> list[dict]:
    """The ways a chosen explanation changes cells, each with the values they then hold:
    one way, or one per member of a tie (any of them may be the one)."""
    what, item = candidate.item
    if what == "swap":
        a, b = item
        return [{a: period.tables[b[0]].interval(b[1], b[2], LOOSE),
                 b: period.tables[a[0]].interval(a[1], a[2], LOOSE)}]
    if what == "rows":
        a, b = item
        table = period.tables[a[0]]
        change = {}
        for t, r, c in _row_cells(period, a, b):
            other = b[1] if r == a[1] else a[1]
            change[(t, r, c)] = table.interval(other, c, LOOSE)
        return [change]
    out = []
    for ref, option in item.items():
        point = _point(option.interval)
        if point is not None:
            out.append({ref: point})
    return out


def _clashes(chosen: list, reads: dict, period) -> list[tuple[int, int]]:
    """Pairs of chosen explanations whose changes, made together, break a check reading
    cells of both (a passing check, or one either claims to explain) — for any member of
    a tie: each must stay as good as the others."""
    ways = [_changes(c, period) for c in chosen]
    owners = defaultdict(set)  # a check -> the explanations changing a cell it reads
    checks_of = {}
    for n, alternatives in enumerate(ways):
        for change in alternatives:
            for ref in change:
                for key, checks in reads.get(ref, []):
                    owners[key].add(n)
                    checks_of[key] = checks
    out = set()
    for key, those in owners.items():
        if len(those) < 2:
            continue
        checks = checks_of[key]
        if checks.status[key.i] == FAIL and not any(key in chosen[m].keys for m in those):
            continue  # it fails, and none claims it
        for a, b in itertools.combinations(sorted(those), 2):
            if (a, b) in out:
                continue
            for x, y in itertools.product(ways[a], ways[b]):
                if not _holds_with(checks, key.i, {**x, **y}, period):
                    out.add((a, b))
                    break
    return sorted(out)


def _holds_with(checks: Checks, i: int, override: dict, period) -> bool:
    """Check i with the cells of `override` changed (the ones it reads)."""
    cells = [r for r in checks.cells(i) if r in override] if len(override) > 1 else list(override)
    if not cells:
        return True
    ref = cells[0]
    others = {r: v for r, v in override.items() if r != ref}
    need = checks.solve(i, ref, _loose(period, others))
    return need is None or _meets(need, override[ref])


def _suspect(ref, interval, explains, period, tie: bool) -> Suspect:
    table = period.tables[ref[0]]
    printed = table.text(ref[1], ref[2])
    conv = _decimals(table, ref)
    half = table.columns[ref[2]].half_at(ref[1], STRICT)
    most = _most_decimals(table, ref[2])
    suggested = _suggest(printed, interval, conv, half, most=most)
    cell = period.cell(ref)
    found = pattern(printed, suggested)
    if found is None or found == "mistyped digit":  # a copy says more than one digit
        copied = _copied(table, ref, printed)
        if copied:  # the value is the one the checks allow, not a digit of the copy's
            found, suggested = copied, _suggest(printed, interval, conv, half, mistyped=False,
                                                 most=most)
    return Suspect(cell, printed, suggested, tuple(explains), found,
                   "tie" if tie else ("high" if len(explains) > 1 else "medium"))


def _copied(table, ref, printed: str) -> str | None:
    """'copied from the row above/below' (or column left/right) when the printed text is
    the neighbouring cell's: the value was keyed from the wrong line."""
    _, row, column = ref
    names = list(table.columns)
    k = names.index(column)
    near = [("row above", row - 1, column), ("row below", row + 1, column),
            ("column to the left", row, names[k - 1] if k else None),
            ("column to the right", row, names[k + 1] if k + 1 < len(names) else None)]
    for where, r, c in near:
        if c is None or not 0 <= r < len(table.raw) or table.text(r, c) != printed:
            continue
        # a value the column (or row) prints elsewhere too is common, not a sign of copying
        line = table.raw[c] if where.startswith("row") else table.raw.iloc[row]
        if int((line.astype(str) == printed).sum()) == 2:
            return f"copied from the {where}"
    return None


def _suggest(printed: str, interval, conv: int, half: int, mistyped: bool = True,
             most: int = numbers.SCALE) -> str | None:
    """The value the cell should hold: a typing-error variant of the printed text that the
    checks allow (strongest evidence); else, when the checks pin the value (an interval no
    wider than two units of the last place), its centre; else the range they allow.  A
    variant showing more decimals than any cell of the column (`most`) or the cell itself
    is no value anyone printed there: 6.148 is not what was meant by 6.18 in a column of
    two decimals."""
    lo, hi = interval
    step = 10 ** (numbers.SCALE - conv)
    own = numbers.parse(printed.rstrip("%"))
    pct = "%" if printed.endswith("%") else ""
    limit = max(most, own.decimals if own else 0)
    fits = [(v, t) for v, t in _variants(printed, False)
            if lo - half <= v <= hi + half and _places(t) <= limit] or [
        (v, t) for v, t in (_variants(printed, True) if mistyped else ())
        if lo - half <= v <= hi + half and _places(t) <= limit]
    if fits:  # as the typist meant it (or at the cell's decimals), with its % sign
        centre = (max(lo, -INF / 2) + min(hi, INF / 2)) / 2
        # as printed in its column first (4.83, not 4.838, in a column of two decimals)
        value, text = min(fits, key=lambda f: (_places(f[1]) > max(conv, own.decimals),
                                               abs(f[0] - centre)))
        text = text or numbers.fmt(value, max(conv, own.decimals))
        return text + pct
    if abs(lo) < INF and abs(hi) < INF and hi - lo <= 2 * step:
        return numbers.fmt(round((lo + hi) / 2 / step) * step, conv) + pct
    first = -((-(lo - half)) // step) * step  # printed values whose interval meets [lo, hi]
    last = ((hi + half) // step) * step
    if abs(lo) >= INF:
        return f"≤ {numbers.fmt(int(last), conv)}{pct}"
    if abs(hi) >= INF:
        return f"≥ {numbers.fmt(int(first), conv)}{pct}"
    return f"{numbers.fmt(int(first), conv)}{pct}…{numbers.fmt(int(last), conv)}{pct}"


def _most_decimals(table, column: str) -> int:
    """The most decimals any cell of the column shows."""
    a = table.columns[column]
    shown = a.decimals[a.state == NUMBER]
    return int(shown.max()) if len(shown) else 0


def _places(text: str | None) -> int:
    """The decimals a variant's text shows (0 for a scaled one without text)."""
    return len(text.rstrip("%").partition(".")[2]) if text else 0


def _variants(printed: str, mistyped: bool | None = None) -> list[tuple[int, str | None]]:
    """Scaled values the printed text could have been before a typing error: two adjacent
    digits swapped, a digit typed twice or dropped, the decimal point shifted, a 万 (10**4)
    scale slip, one digit typed for another (`mistyped`: None for all, False for all but
    these, True for these only).  Each as (scaled value, the text the typist meant, if it
    is one)."""
    text = printed.rstrip("%")
    own = numbers.parse(text)
    if own is None:
        return []
    out = []
    chars = list(text)
    digits = [k for k, c in enumerate(chars) if c.isdigit()]
    texts = []
    for a, b in itertools.pairwise(digits):  # transposed digits
        swapped = chars.copy()
        swapped[a], swapped[b] = swapped[b], swapped[a]
        texts.append("".join(swapped))
    texts += [text[:k] + text[k + 1:] for k in digits if len(digits) > 1]  # an extra digit
    texts += [text[:k] + d + text[k:] for k in range(len(text) + 1)  # a dropped digit
              for d in "0123456789" if k or text[:1] != "-"]
    if mistyped is not False:  # one digit typed for another
        substituted = [text[:k] + d + text[k + 1:] for k in digits for d in "0123456789"
                       if d != text[k]]
        texts = substituted if mistyped else texts + substituted
    for variant in texts:
        if variant.endswith("."):
            continue  # 50.5 for 50 is two keys too many (".5"), not one extra digit
        variant = "0" + variant if variant.startswith(".") else variant
        if variant.lstrip("-")[:1] == "0" and variant.lstrip("-")[1:2].isdigit():
            continue  # "02" is not how anyone writes 2
        p = numbers.parse(variant)
        if p and p.scaled != own.scaled:
            out.append((p.scaled, variant))
    if mistyped:
        return out
    for k in (1, 2, 3, 4):
        out += [(own.scaled * 10**k, None), (own.scaled // 10**k, None)]
    return out


def pattern(printed: str, suggested: str | None) -> str | None:
    """Name the typing error that turns `suggested` into `printed`, if it looks like one."""
    if not suggested or suggested[0] in "≥≤":
        return None
    if "…" in suggested:
        return _shifted(printed, *suggested.replace("%", "").split("…"))
    a, b = printed.rstrip("%"), suggested.rstrip("%")
    da, db = a.replace(".", ""), b.replace(".", "")
    if da != db and sorted(da) == sorted(db) and len(da) == len(db):
        diff = [k for k in range(len(da)) if da[k] != db[k]]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            return "transposed digits"
    if len(da) == len(db) - 1 and any(db[:k] + db[k + 1:] == da for k in range(len(db))):
        return "dropped digit"
    if len(da) == len(db) + 1 and any(da[:k] + da[k + 1:] == db for k in range(len(da))):
        return "extra digit"
    pa, pb = numbers.parse(a), numbers.parse(b)
    if pa and pb and pa.value and pb.value:
        ratio = pa.value / pb.value
        for k in (1, 2, 3, 4):
            if ratio in (10**k, Fraction(1, 10**k)):
                return "unit scale (万)" if k == 4 else "shifted decimal point"
        step = Fraction(1, 10**pa.decimals)
        if pb.value > pa.value and pb.value - pa.value < step:
            return "truncated instead of rounded"
    return _shifted(printed, b, b) or _mistyped(a, b)


def _mistyped(a: str, b: str) -> str | None:
    """One digit typed for another (the decimal point where it was)."""
    if len(a) != len(b) or a.find(".") != b.find("."):
        return None
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diff) == 1 and diff[0][0].isdigit() and diff[0][1].isdigit():
        return "mistyped digit"
    return None


def _shifted(printed: str, low: str, high: str) -> str | None:
    """The decimal point shifted and the result rounded (657.43 printed as 6.57): the
    printed interval scaled by 10^k meets [low, high].  Only for a printed value precise to
    5 % or better (a printed 5 scaled by 10 is anything from 45 to 55)."""
    own, lo, hi = (numbers.parse(x) for x in (printed.rstrip("%"), low, high))
    if own is None or lo is None or hi is None or own.scaled == 0:
        return None
    a, b = own.interval()
    if 20 * (b - a) > 2 * abs(own.scaled):
        return None
    for k in (1, 2, 3, 4):
        for f in (Fraction(10**k), Fraction(1, 10**k)):
            sa, sb = sorted((a * f, b * f))
            if sa <= hi.scaled and lo.scaled <= sb:
                return "unit scale (万)" if k == 4 else "shifted decimal point"
    return None
