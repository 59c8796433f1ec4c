"""Checks: what a rule expands to, decided, and able to explain each of its decisions.

A rule expands to N checks (one per row, unit, column or prose number).  A kind decides
them all at once and hands the engine one `Checks`: a status per check plus the methods
that explain a single check on demand (its cells, the numbers behind a finding, the value a
cell would need).  Details are built only for the checks that do not pass, so passing a
million checks costs array arithmetic only.

Readings (docs/rounding.md): STRICT reads every cell at least at its column's usual decimals;
LOOSE reads each cell at the decimals it shows.  A check holds, holds only within rounding
(fails strict, holds loose), fails (fails both), or cannot be evaluated (an operand is blank
or unreadable).  A check none of whose cells is printed at all (every operand blank) is not a
check: NOT_PRINTED, left out of every count.  A check that cannot be evaluated for a reason
said elsewhere (a prose figure its rule declares unverifiable, every prose check when the
prose is missing) is EXCUSED: counted as not evaluable, with no finding of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from . import numbers
from .model import LOOSE, STRICT, Value
from .numbers import BLANK

PASS, ROUNDING, FAIL, UNEVALUABLE, NOT_PRINTED, EXCUSED = 0, 1, 2, 3, 4, 5
STATUSES = 6

CellRef = tuple[str, int, str]  # (table id, row position, column id)
UNBOUNDED = Fraction(10**30)  # an interval end that no check constrains
Interval = tuple[Fraction, Fraction]


@dataclass(frozen=True)
class Read:
    """What checks read, for coverage and blame: one column of one table, and its rows —
    one row per check (an array, -1 where the check has no row there) or, for sums, an
    array of rows per check (a list)."""

    table: object  # period.Table
    column: str
    rows: object


@dataclass(frozen=True)
class Discrepancy:
    """What a check that does not pass has to say: the fields of its message template and
    the numbers behind it.  `variant` picks one of a kind's templates (MESSAGE as a dict)."""

    fields: dict
    expected: Value | None = None
    actual: Value | None = None
    miss: float | None = None
    reading: str | None = None
    suggestion: str | None = None
    checks: tuple[str, ...] = ()  # the checks that need the cell (precision)
    variant: str | None = None
    severity: str | None = None  # lower than the rule's for this one ("info"), or None


@dataclass(frozen=True, eq=False)
class Reader:
    """How a check reads the cells it is solved against: the printed value's interval —
    every cell loosely (`loose` None), or the cells in `loose` loosely and all others
    strictly — except the cells `override` gives another interval (scaled ints)."""

    period: object  # period.Period
    loose: frozenset | None = None
    override: dict = field(default_factory=dict)

    def __call__(self, ref: CellRef):
        if ref in self.override:
            return self.override[ref]
        reading = LOOSE if self.loose is None or ref in self.loose else STRICT
        return self.period.tables[ref[0]].interval(ref[1], ref[2], reading)

    @property
    def printed(self) -> Reader:
        """The same reading without the overrides."""
        return Reader(self.period, self.loose) if self.override else self


class Checks:
    """N checks of one rule, decided.  Kinds subclass it; the defaults suit checks that
    cannot be solved for a cell (prose, schema)."""

    status: np.ndarray
    reads: tuple[Read, ...] | list[Read] = ()
    relation: str = "="
    # coupled checks read more than their cells say (a rank depends on every score): many
    # failures can be one cell's doing, so they never count as systematic
    coupled: bool = False
    # arithmetic checks that can be solved for a cell take part in blame (zzqa/locate.py)
    blame: bool = False

    def __len__(self) -> int:
        return len(self.status)

    def label(self, i: int) -> str:
        raise NotImplementedError

    def counts(self) -> np.ndarray:
        """How many checks have each status (indexed by status)."""
        return np.bincount(self.status, minlength=STATUSES)

    def indices(self, *statuses: int) -> np.ndarray:
        """The checks with one of these statuses, in order."""
        return np.flatnonzero(np.isin(self.status, statuses))

    def cells(self, i: int) -> list[CellRef]:
        return []

    def table_of(self, i: int) -> str:
        """The table check i belongs to (its first cell's)."""
        refs = self.cells(i)
        return refs[0][0] if refs and isinstance(refs[0], tuple) else ""

    def explain(self, i: int) -> Discrepancy:
        """The fields and numbers of check i (one that fails or holds only within rounding)."""
        raise NotImplementedError

    def reason(self, i: int) -> str:
        """Why check i could not be evaluated."""
        return "an operand is blank or not a number"

    def formula(self, i: int) -> str | None:
        return None

    def solve(self, i: int, ref: CellRef, reader: Reader) -> Interval | None:
        """The interval the cell must lie in for check i to hold, every other cell read as
        `reader` says; None when the check does not constrain the cell."""
        return None

    def holds(self, i: int, reader: Reader) -> bool | None:
        """Check i re-decided with the cells read as `reader` says (coupled checks only)."""
        return None


class Listed(Checks):
    """Checks decided one by one (schema problems, prose figures, precision warnings): N
    that passed, then each added with its status, label, cells (CellRefs or model.Cells),
    table, and a Discrepancy (FAIL) or the reason it could not be evaluated."""

    def __init__(self, passed: int = 0, table: str = ""):
        self._passed, self._added, self._array = passed, [], None
        self._default = table
        self._label, self._cells, self._explain, self._reason, self._table = {}, {}, {}, {}, {}

    @property
    def status(self) -> np.ndarray:
        if self._array is None:  # the passes first: only what was added may need explaining
            self._array = np.concatenate([np.full(self._passed, PASS, dtype=np.int8),
                                          np.array(self._added, dtype=np.int8)])
        return self._array

    def add_bare(self, status: int, n: int) -> None:
        """n more checks with this status and nothing to say: beyond the findings listed
        (Context.max_listed), they are counted only."""
        self._added += [status] * n
        self._array = None

    def add(self, status: int, label: str = "", cells=(), detail=None, table: str = "") -> None:
        i = len(self)
        self._added.append(status)
        self._array = None
        self._label[i], self._cells[i], self._table[i] = label, list(cells), table
        if isinstance(detail, Discrepancy):
            self._explain[i] = detail
        elif detail is not None:
            self._reason[i] = detail

    def __len__(self) -> int:
        return self._passed + len(self._added)

    def counts(self) -> np.ndarray:  # without a status array of the passes
        out = np.bincount(np.array(self._added, dtype=np.int8), minlength=STATUSES)
        out[PASS] += self._passed
        return out

    def indices(self, *statuses: int) -> np.ndarray:
        added = np.array(self._added, dtype=np.int8)
        return self._passed + np.flatnonzero(np.isin(added, statuses))

    def extend(self, other: Listed) -> None:
        """The checks of `other` (added one by one) after these."""
        for i in range(len(other)):
            detail = other._explain.get(i, other._reason.get(i))
            self.add(int(other.status[i]), other.label(i), other.cells(i), detail,
                     other._table.get(i, ""))

    def table_of(self, i):
        return self._table.get(i) or self._default or super().table_of(i)

    def label(self, i):
        return self._label.get(i, "")

    def cells(self, i):
        return self._cells.get(i, [])

    def explain(self, i):
        return self._explain[i]

    def reason(self, i):
        return self._reason.get(i, "")


def unevaluable(label: str, reason: str) -> Checks:
    """One check that cannot be evaluated at all (e.g. its column is missing)."""
    checks = Listed()
    checks.add(UNEVALUABLE, label, (), reason)
    return checks


def absent_columns(table, columns) -> list[str]:
    return [c for c in columns if not table.has(c)]


def decide(strict_ok: np.ndarray, loose_ok: np.ndarray, missing: np.ndarray,
           not_printed: np.ndarray | None = None) -> np.ndarray:
    status = np.where(strict_ok, PASS, np.where(loose_ok, ROUNDING, FAIL)).astype(np.int8)
    status[missing] = UNEVALUABLE
    if not_printed is not None:
        status[not_printed] = NOT_PRINTED
    return status


def bounds(table, column: str, rows: np.ndarray, reading: str):
    """Scaled low and high ends of each row's cell under a reading, and the cells' states."""
    a = table.arrays(column)
    return (*a.bounds(reading, rows), a.state[rows])


@dataclass
class Operand:
    """One term of a linear expression over N checks: a cell per check, or a sum of cells."""

    table: object  # period.Table
    column: str
    rows: list[np.ndarray] | np.ndarray  # one row per check, or an array of rows per check
    coef: int = 1
    aggregate: bool = False
    absent_is_zero: bool = True  # a unit with no row in this table contributes 0
    lo: dict[str, np.ndarray] = field(default_factory=dict)
    hi: dict[str, np.ndarray] = field(default_factory=dict)
    missing: np.ndarray | None = None
    blank: np.ndarray | None = None  # every cell of the operand is blank
    _row_sets: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        a = self.table.arrays(self.column)
        if self.aggregate:  # a few checks, each a sum over many rows
            for reading in (STRICT, LOOSE):
                low, high = a.bounds(reading)
                self.lo[reading] = np.array([_sum(low[r]) for r in self.rows], dtype=np.int64)
                self.hi[reading] = np.array([_sum(high[r]) for r in self.rows], dtype=np.int64)
            self.missing = np.array([bool((a.state[r] >= BLANK).any()) for r in self.rows],
                                    dtype=bool)
            self.blank = np.array([bool((a.state[r] == BLANK).all()) for r in self.rows],
                                  dtype=bool)
            return
        r = np.asarray(self.rows, dtype=np.int64)  # one cell per check: gathers
        if not len(a.val):  # a table without rows: every unit is absent from it
            for reading in (STRICT, LOOSE):
                self.lo[reading] = np.zeros(len(r), dtype=np.int64)
                self.hi[reading] = np.zeros(len(r), dtype=np.int64)
            self.blank = np.ones(len(r), dtype=bool)
            self.missing = np.ones(len(r), dtype=bool)  # the empty table is the error (T010)
            return
        absent = r < 0
        some_absent = bool(absent.any())
        rr = np.where(absent, 0, r) if some_absent else r
        for reading in (STRICT, LOOSE):
            self.lo[reading], self.hi[reading] = a.bounds(reading, rr)
            if some_absent:
                self.lo[reading][absent] = self.hi[reading][absent] = 0
        state = a.state[rr]
        self.missing = state >= BLANK
        self.blank = state == BLANK
        if some_absent:
            self.missing &= ~absent
            self.blank |= absent
            if not self.absent_is_zero:
                self.missing |= absent

    def refs(self, i: int) -> list[CellRef]:
        if not self.aggregate:
            r = int(self.rows[i])
            return [(self.table.name, r, self.column)] if r >= 0 else []
        rows = np.asarray(self.rows[i])
        name, column = self.table.name, self.column
        return [(name, r, column) for r in rows[rows >= 0].tolist()]

    def first_table(self, i: int) -> str | None:
        """The table of the operand's first cell in check i; None when it reads none."""
        rows = np.asarray(self.rows[i])
        return self.table.name if (rows >= 0).any() else None

    def reads(self, i: int, ref: CellRef) -> bool:
        """Whether check i reads the cell: a binary search in the sum's rows, sorted once
        (8 bytes a row; a set of them took 70)."""
        if ref[0] != self.table.name or ref[2] != self.column:
            return False
        if not self.aggregate:
            return int(self.rows[i]) == ref[1]
        if i not in self._row_sets:
            rows = np.asarray(self.rows[i], dtype=np.int64)
            self._row_sets[i] = rows if (rows[1:] >= rows[:-1]).all() else np.sort(rows)
        rows = self._row_sets[i]
        at = int(np.searchsorted(rows, ref[1]))
        return at < len(rows) and int(rows[at]) == ref[1]

    def printed(self, i: int) -> str:
        if self.aggregate:
            return "Σ " + self.column
        r = int(self.rows[i])
        text = self.table.text(r, self.column) if r >= 0 else "0"
        return text if abs(self.coef) == 1 else f"{abs(self.coef)}×{text}"

    def contribution(self, i: int, reader, skip: CellRef | None = None) -> tuple[int, int]:
        """Interval of coef × this operand for check i, each cell read by `reader`."""
        if self.aggregate and skip is None and not reader.override and reader.loose is None:
            # every cell as printed: one vectorised sum (a blank or unreadable cell counts 0)
            a = self.table.arrays(self.column)
            rows = np.asarray(self.rows[i])
            low, high = a.bounds(LOOSE, rows)
            some = a.state[rows] < BLANK
            lo, hi = _sum(low[some]), _sum(high[some])
            a, b = self.coef * lo, self.coef * hi
            return min(a, b), max(a, b)
        lo = hi = 0
        for ref in self.refs(i):
            if ref == skip:
                continue
            lo, hi = _add(lo, hi, self.coef, reader(ref))
        return lo, hi


def _add(lo, hi, coef: int, iv, sign: int = 1):
    """lo, hi plus (or minus, sign -1) coef × the interval iv (None counts as 0)."""
    a, b = (0, 0) if iv is None else (coef * iv[0], coef * iv[1])
    return lo + sign * min(a, b), hi + sign * max(a, b)


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


class Linear(Checks):
    """Σ lhs (relation) Σ rhs for n checks; relation is '=', '<=' or '>='."""

    blame = True

    def __init__(self, lhs: list[Operand], rhs: list[Operand], relation: str, n: int,
                 label, formula: str | None = None):
        self.lhs, self.rhs, self.relation = lhs, rhs, relation
        self._label, self._formula = label, formula
        self.terms = [(op, +op.coef) for op in lhs] + [(op, -op.coef) for op in rhs]
        self.range = {r: self._bounds(r, n) for r in (STRICT, LOOSE)}
        missing = np.zeros(n, dtype=bool)
        not_printed = np.ones(n, dtype=bool)
        for op, _ in self.terms:
            missing |= op.missing
            not_printed &= op.blank
        self.status = decide(self._ok(*self.range[STRICT]), self._ok(*self.range[LOOSE]),
                             missing, not_printed)
        self.reads = [Read(op.table, op.column, op.rows) for op, _ in self.terms]
        self._totals: dict = {}  # (check, reading) -> each term's contribution, as printed
        # the numbers of the checks that pass are not needed again: keep the others' only
        # (a million passing checks then hold no memory beyond their status)
        self._at = np.flatnonzero((self.status == FAIL) | (self.status == ROUNDING))
        self.range = {r: (lo[self._at], hi[self._at]) for r, (lo, hi) in self.range.items()}
        for op, _ in self.terms:
            op.lo = {r: v[self._at] for r, v in op.lo.items()}
            op.hi = {r: v[self._at] for r, v in op.hi.items()}
            op.missing = op.blank = None

    def _pos(self, i: int) -> int:
        """Where check i (one that does not pass) keeps its numbers."""
        j = int(np.searchsorted(self._at, i))
        if j >= len(self._at) or self._at[j] != i:
            raise IndexError(f"check {i} neither failed nor held within rounding: its numbers "
                             "were not kept")
        return j

    def _bounds(self, reading: str, n: int):
        lo = np.zeros(n, dtype=np.int64)
        hi = np.zeros(n, dtype=np.int64)
        for op, c in self.terms:
            if c == 1:
                lo += op.lo[reading]
                hi += op.hi[reading]
            elif c == -1:
                lo -= op.hi[reading]
                hi -= op.lo[reading]
            else:
                a, b = c * op.lo[reading], c * op.hi[reading]
                lo += np.minimum(a, b)
                hi += np.maximum(a, b)
        return lo, hi

    def _ok(self, lo, hi):
        if self.relation == "=":
            return (lo <= 0) & (hi >= 0)
        return lo <= 0 if self.relation == "<=" else hi >= 0

    def label(self, i):
        return self._label(i)

    def formula(self, i):
        return self._formula

    def cells(self, i):
        return [ref for op, _ in self.terms for ref in op.refs(i)]

    def table_of(self, i):
        return next((t for op, _ in self.terms if (t := op.first_table(i))), "")

    def _side(self, ops, i, reading) -> Value:
        i, check = self._pos(i), i
        lo = sum(min(op.coef * op.lo[reading][i], op.coef * op.hi[reading][i]) for op in ops)
        hi = sum(max(op.coef * op.lo[reading][i], op.coef * op.hi[reading][i]) for op in ops)
        text = ""
        for k, op in enumerate(ops):
            sign = "−" if op.coef < 0 else "+"
            text += (f" {sign} " if k else ("−" if op.coef < 0 else "")) + op.printed(check)
        return Value(text, *scaled_interval(lo, hi))

    def miss(self, i: int, reading: str) -> float:
        j = self._pos(i)
        lo, hi = int(self.range[reading][0][j]), int(self.range[reading][1][j])
        relation = self.relation
        gap = lo if lo > 0 and relation != ">=" else (-hi if hi < 0 and relation != "<=" else 0)
        return numbers.to_float(gap)

    def reason(self, i):
        """Which operand has no value: a table without the unit's row, a blank or a cell
        that is not a number."""
        for op, _ in self.terms:
            table, a = op.table, op.table.arrays(op.column)
            rows = np.atleast_1d(np.asarray(op.rows[i]))
            if not len(a.val):
                return f"{table.name} has no rows"
            for r in rows.tolist():
                if r < 0:
                    if not op.absent_is_zero:
                        unknown = (table.codes < 0).any()
                        return f"{table.name} has no row for {self.label(i)}" + (
                            " (it has rows whose unit is unknown, T005)" if unknown else "")
                    continue
                if a.state[r] >= BLANK:
                    what = "blank" if a.state[r] == BLANK else "not a number"
                    return f"{table.name} {op.column} of {table.label(r)} is {what}"
        return "an operand is blank or not a number"

    def explain(self, i):
        expected, actual = self._side(self.rhs, i, LOOSE), self._side(self.lhs, i, LOOSE)
        miss = self.miss(i, LOOSE)
        fields = {"formula": self._formula or ""}
        return Discrepancy(fields, expected, actual, miss, LOOSE)

    def _rest(self, i: int, ref: CellRef, reader: Reader) -> tuple[int, int]:
        """Interval of Σ lhs − Σ rhs without the cell `ref`.  Each term's contribution as
        the reader's printed values give it is summed once per check and the overridden
        cells' shares corrected: solving every cell of a long sum is then linear."""
        base = reader.printed
        key = (i, base.loose)
        if key not in self._totals:
            self._totals[key] = [op.contribution(i, base) for op, _ in self.terms]
        changes = {**reader.override, ref: None}  # the cell itself counts 0
        rest_lo = rest_hi = 0
        for (op, c), (lo, hi) in zip(self.terms, self._totals[key], strict=True):
            # the changed cells this operand reads: by looking up its cells or the changes,
            # whichever are fewer (a long sum, or many changed cells)
            if op.aggregate and len(changes) < len(op.rows[i]):
                hit = [cell for cell in changes if op.reads(i, cell)]
            else:
                hit = [cell for cell in op.refs(i) if cell in changes]
            for cell in hit:
                lo, hi = _add(lo, hi, op.coef, base(cell), -1)
                lo, hi = _add(lo, hi, op.coef, changes[cell])
            sign = 1 if c == op.coef else -1
            a, b = sign * lo, sign * hi
            rest_lo, rest_hi = rest_lo + min(a, b), rest_hi + max(a, b)
        return rest_lo, rest_hi

    def solve(self, i, ref, reader):
        owner = next((c for op, c in self.terms if op.reads(i, ref)), None)
        if owner is None:
            return None
        rest_lo, rest_hi = self._rest(i, ref, reader)
        if self.relation == "=":
            x = sorted((Fraction(-rest_hi, owner), Fraction(-rest_lo, owner)))
            return x[0], x[1]
        # owner·x + rest ≤ 0 (or ≥ 0) for some rest in [rest_lo, rest_hi]: one-sided
        bound = Fraction(-rest_lo if self.relation == "<=" else -rest_hi, owner)
        upper = (self.relation == "<=") == (owner > 0)
        return (-UNBOUNDED, bound) if upper else (bound, UNBOUNDED)
