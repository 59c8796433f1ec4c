"""Vectors of checks and the interval arithmetic that decides them.

A rule expands to N checks.  A kind computes, for each check and for both readings, whether
it holds, then hands the engine an `Evaluated`: statuses plus the callables that explain a
single check (cells, expected, actual, the value a cell would need).  Details are built only
for the checks that do not pass, so passing a million checks costs array arithmetic only.

Readings (docs/rounding.md): STRICT reads every cell at least at its column's usual decimals;
LOOSE reads each cell at the decimals it shows.  A check holds, holds only within rounding
(fails strict, holds loose), fails (fails both), or cannot be evaluated (an operand is blank
or unreadable).  A check none of whose cells is printed at all (every operand blank) is not a
check: NOT_PRINTED, left out of every count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from . import numbers
from .model import LOOSE, STRICT, Value
from .period import BLANK, Table

PASS, ROUNDING, FAIL, UNEVALUABLE, NOT_PRINTED = 0, 1, 2, 3, 4

CellRef = tuple[str, int, str]  # (table id, row position, column id)
UNBOUNDED = Fraction(10**30)  # an interval end that no check constrains
Interval = tuple[Fraction, Fraction]


@dataclass
class Evaluated:
    """N checks of one rule, decided; callables explain check i on demand."""

    status: np.ndarray
    label: Callable[[int], str]
    cells: Callable[[int], list[CellRef]]
    expected: Callable[[int, str], Value]
    actual: Callable[[int, str], Value]
    miss: Callable[[int, str], float]
    # solve(i, cell, interval_of): the interval the cell must lie in for check i to hold,
    # every other cell read as interval_of(cell) says (scaled ints, None for no value)
    solve: Callable[[int, CellRef, Callable], Interval | None] = lambda i, c, f: None
    reason: Callable[[int], str] = lambda i: "an operand is blank or not a number"
    fields: Callable[[int], dict] = lambda i: {}
    relation: str = "="
    # coupled checks read more than their cells say (a rank depends on every score): many
    # failures can be one cell's doing, so they never count as systematic; holds(i,
    # interval_of) re-decides check i with the cells read as interval_of says
    coupled: bool = False
    holds: Callable[[int, Callable], bool] | None = None
    # what the checks read, for coverage: (table, column, rows) with rows one per check, or
    # a list of row arrays per check for sums
    reads: list[tuple[Table, str, object]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.status)


def unevaluable(label: str, reason: str) -> Evaluated:
    """One check that cannot be evaluated at all (e.g. its column is missing)."""
    return Evaluated(
        status=np.array([UNEVALUABLE], dtype=np.int8), label=lambda i: label,
        cells=lambda i: [], expected=lambda i, r: Value(""), actual=lambda i, r: Value(""),
        miss=lambda i, r: None, reason=lambda i: reason)


def absent_columns(table: Table, columns) -> list[str]:
    return [c for c in columns if not table.has(c)]


def decide(strict_ok: np.ndarray, loose_ok: np.ndarray, missing: np.ndarray,
           not_printed: np.ndarray | None = None) -> np.ndarray:
    status = np.where(strict_ok, PASS, np.where(loose_ok, ROUNDING, FAIL)).astype(np.int8)
    status[missing] = UNEVALUABLE
    if not_printed is not None:
        status[not_printed] = NOT_PRINTED
    return status


@dataclass
class Operand:
    """One term of a linear expression over N checks: a cell per check, or a sum of cells."""

    table: Table
    column: str
    rows: list[np.ndarray] | np.ndarray  # one row per check, or an array of rows per check
    coef: int = 1
    aggregate: bool = False
    absent_is_zero: bool = True  # a unit with no row in this table contributes 0
    lo: dict[str, np.ndarray] = field(default_factory=dict)
    hi: dict[str, np.ndarray] = field(default_factory=dict)
    missing: np.ndarray | None = None
    blank: np.ndarray | None = None  # every cell of the operand is blank

    def __post_init__(self):
        a = self.table.arrays(self.column)
        for reading, half in ((STRICT, a.half_strict), (LOOSE, a.half_loose)):
            if self.aggregate:
                lo = np.array([_sum(a.val[r] - half[r]) for r in self.rows], dtype=np.int64)
                hi = np.array([_sum(a.val[r] + half[r]) for r in self.rows], dtype=np.int64)
            else:
                r = np.asarray(self.rows)
                absent = r < 0
                rr = np.where(absent, 0, r)
                lo = np.where(absent, 0, a.val[rr] - half[rr])
                hi = np.where(absent, 0, a.val[rr] + half[rr])
            self.lo[reading], self.hi[reading] = lo, hi
        if self.aggregate:
            self.missing = np.array([bool((a.state[r] >= BLANK).any()) for r in self.rows])
            self.blank = np.array([bool((a.state[r] == BLANK).all()) for r in self.rows])
        else:
            r = np.asarray(self.rows)
            self.missing = (r >= 0) & (a.state[np.where(r < 0, 0, r)] >= BLANK)
            self.blank = (r < 0) | (a.state[np.where(r < 0, 0, r)] == BLANK)
            if not self.absent_is_zero:
                self.missing |= r < 0

    def refs(self, i: int) -> list[CellRef]:
        rows = self.rows[i] if self.aggregate else [self.rows[i]]
        return [(self.table.name, int(r), self.column) for r in rows if r >= 0]

    def reads(self, i: int, ref: CellRef) -> bool:
        """Whether check i reads the cell: O(1) after the first question about a sum."""
        if ref[0] != self.table.name or ref[2] != self.column:
            return False
        if not self.aggregate:
            return int(self.rows[i]) == ref[1]
        cache = self.__dict__.setdefault("_row_sets", {})
        if i not in cache:
            cache[i] = set(np.asarray(self.rows[i]).tolist())
        return ref[1] in cache[i]

    def printed(self, i: int) -> str:
        if self.aggregate:
            return "Σ " + self.column
        r = int(self.rows[i])
        text = self.table.text(r, self.column) if r >= 0 else "0"
        return text if abs(self.coef) == 1 else f"{abs(self.coef)}×{text}"

    def contribution(self, i: int, interval_of: Callable, skip: CellRef | None = None):
        """Interval of coef × this operand for check i, each cell read by `interval_of`."""
        lo = hi = 0
        for ref in self.refs(i):
            if ref == skip:
                continue
            iv = interval_of(ref)
            a, b = (0, 0) if iv is None else (self.coef * iv[0], self.coef * iv[1])
            lo, hi = lo + min(a, b), hi + max(a, b)
        return lo, hi


def _sum(values: np.ndarray) -> int:
    """An exact int64 sum: numpy where it cannot overflow, Python integers otherwise."""
    if len(values) * int(np.abs(values).max(initial=0)) < 2**62:
        return int(values.sum())
    total = sum(int(v) for v in values)
    if abs(total) >= 2**63:
        raise OverflowError("a column sum beyond 9.2e12 cannot be checked exactly")
    return total


def scaled_interval(lo, hi) -> tuple[float, float]:
    return numbers.to_float(int(lo)), numbers.to_float(int(hi))


def linear(lhs: list[Operand], rhs: list[Operand], relation: str, n: int,
           label: Callable[[int], str]) -> Evaluated:
    """Decide Σ lhs (relation) Σ rhs for n checks; relation is '=', '<=' or '>='."""
    terms = [(op, +op.coef) for op in lhs] + [(op, -op.coef) for op in rhs]

    def bounds(reading: str, sel: list = terms):
        lo = np.zeros(n, dtype=np.int64)
        hi = np.zeros(n, dtype=np.int64)
        for op, c in sel:
            a, b = c * op.lo[reading], c * op.hi[reading]
            lo += np.minimum(a, b)
            hi += np.maximum(a, b)
        return lo, hi

    def ok(lo, hi):
        if relation == "=":
            return (lo <= 0) & (hi >= 0)
        return lo <= 0 if relation == "<=" else hi >= 0

    e = {r: bounds(r) for r in (STRICT, LOOSE)}
    missing = np.zeros(n, dtype=bool)
    not_printed = np.ones(n, dtype=bool)
    for op, _ in terms:
        missing |= op.missing
        not_printed &= op.blank
    status = decide(ok(*e[STRICT]), ok(*e[LOOSE]), missing, not_printed)

    def side(ops, i, reading):
        lo = sum(min(op.coef * op.lo[reading][i], op.coef * op.hi[reading][i]) for op in ops)
        hi = sum(max(op.coef * op.lo[reading][i], op.coef * op.hi[reading][i]) for op in ops)
        text = ""
        for k, op in enumerate(ops):
            sign = "−" if op.coef < 0 else "+"
            text += (f" {sign} " if k else ("−" if op.coef < 0 else "")) + op.printed(i)
        return Value(text, *scaled_interval(lo, hi))

    def miss(i, reading):
        lo, hi = int(e[reading][0][i]), int(e[reading][1][i])
        gap = lo if lo > 0 and relation != ">=" else (-hi if hi < 0 and relation != "<=" else 0)
        return numbers.to_float(gap)

    totals: dict = {}  # (check, shared reader) -> each term's contribution, all cells read

    def rest(i, ref, interval_of):
        """Interval of Σ lhs − Σ rhs without the cell `ref`.  With a shared reader (one that
        never changes, as locate's) or one that overrides a few cells of it, each term's full
        contribution is summed once per check and the changed cells' shares corrected:
        solving every cell of a sum is then linear."""
        shared = interval_of if getattr(interval_of, "shared", False) else getattr(
            interval_of, "base", None)
        if shared is not None:
            key = (i, shared)
            if key not in totals:
                totals[key] = [op.contribution(i, shared) for op, _ in terms]
            # the cell itself counts 0; overridden cells count at their override
            changes = {**getattr(interval_of, "override", {}), ref: None}
            parts = []
            for (op, _), (lo, hi) in zip(terms, totals[key], strict=True):
                for cell, new in changes.items():
                    if not op.reads(i, cell):
                        continue
                    for iv, sign in ((shared(cell), -1), (new, 1)):
                        a, b = (0, 0) if iv is None else (op.coef * iv[0], op.coef * iv[1])
                        lo, hi = lo + sign * min(a, b), hi + sign * max(a, b)
                parts.append((lo, hi))
        else:
            parts = [op.contribution(i, interval_of, skip=ref) for op, _ in terms]
        rest_lo = rest_hi = 0
        for (op, c), (lo, hi) in zip(terms, parts, strict=True):
            sign = 1 if c == op.coef else -1
            a, b = sign * lo, sign * hi
            rest_lo, rest_hi = rest_lo + min(a, b), rest_hi + max(a, b)
        return rest_lo, rest_hi

    def solve(i, ref, interval_of):
        owner = next((c for op, c in terms if op.reads(i, ref)), None)
        if owner is None:
            return None
        rest_lo, rest_hi = rest(i, ref, interval_of)
        if relation == "=":
            x = sorted((Fraction(-rest_hi, owner), Fraction(-rest_lo, owner)))
            return x[0], x[1]
        # owner·x + rest ≤ 0 (or ≥ 0) for some rest in [rest_lo, rest_hi]: one-sided
        bound = Fraction(-rest_lo if relation == "<=" else -rest_hi, owner)
        upper = (relation == "<=") == (owner > 0)
        return (-UNBOUNDED, bound) if upper else (bound, UNBOUNDED)

    return Evaluated(
        status=status, label=label,
        cells=lambda i: [ref for op, _ in terms for ref in op.refs(i)],
        expected=lambda i, r: side(rhs, i, r), actual=lambda i, r: side(lhs, i, r),
        miss=miss, solve=solve, relation=relation,
        reads=[(op.table, op.column, op.rows) for op, _ in terms],
    )
