"""A hand-written vectorised baseline of zzqa's arithmetic checks, for timing and cross-checking.

    python benchmarks/baseline.py PERIOD_DIR [--checks CHECKS_DIR] [--json]

Evaluates every rule of kind sum_total, row_identity, ratio and cross_table of
CHECKS_DIR/rules/*.yaml (default: the checks/ folder next to this script's parent) on the
period folder, with the semantics of docs/rounding.md, and prints one tally per rule (rule,
kind, checks, passed, within_rounding, failed, unevaluable) and its own wall time: a table,
or with --json one document {"rules": [...], "wall": seconds}.  It shares no code with zzqa.

What it does, all in Arrow kernels and numpy, with no per-row Python:

- reads checks/tables.yaml (which columns are numeric, which exact: kind count or rank, or
  `type: integer`), the unit registry (checks/units.yaml or checks/units.csv) and the rules
  (those whose `from`/`until` include the period of period.yaml);
- reads the nine CSV files with pyarrow (every cell a string) and matches each row label to
  its canonical unit (NFKC, no spaces or brackets; the table's unit types in order) with
  hash joins (`pc.index_in`) on the distinct labels;
- parses each numeric column (NFKC-folded when not ASCII: full-width digits read as
  printed) to int64 values in units of 10**-6, printed decimals and a cell state (number,
  '-' or '/' zero marker, blank, not a number), as zzqa/numbers.py does: the pattern
  ^[-+]?\\d+(\\.\\d{0,5})?%?$, |value| < 10**9, float64 parsing then rounding to 10**-6
  (exact in that range); a blank is a number 0 in a `blank_is_zero` table;
- gives each cell two half-widths: loose (the decimals shown) and strict (at least the
  column's usual decimals: the most common, ties to more); exact columns have 0;
- decides each check on integer intervals, centre ± half-width: a linear check (Σ c·x
  relation 0) holds in a reading when |Σ c·v| ≤ Σ |c|·h (or Σ c·v − Σ |c|·h ≤ 0 for <=,
  Σ c·v + Σ |c|·h ≥ 0 for >=); a ratio p = 100·n/d when d_lo > 0, p is a number and
  100·n_lo ≤ p_hi·d_hi and p_lo·d_lo ≤ 100·n_hi (float64 products, ties and near-ties
  recomputed in Python integers), or p is '-' or '/' and d_lo ≤ 0.  Strict holds: passed;
  only loose holds: within rounding; neither: failed; a blank or unreadable operand:
  unevaluable; every operand blank (or absent): not printed, left out of every count.
- sum_total: exact group sums with np.add.reduceat over the rows sorted by group (a group
  is checked when it has exactly one total row); cross_table: the canonical units of the
  formula's first table, matched to each table's first row of the unit (np.unique and
  searchsorted); a unit without a row counts 0 in a table listed in `absent_is_zero` all
  of whose labels are known, and makes the check unevaluable otherwise.

The wall time printed is measured inside the process, from the first line of this module
(after interpreter start-up); benchmarks/compare.py times the whole subprocess.
"""

# ruff: noqa: E402  (the clock starts before the imports)
from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse
import ast
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import yaml

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("sum_total", "row_identity", "ratio", "cross_table")
NUMERIC = ("count", "amount", "percent", "score", "rank")
EXACT = ("count", "rank")
UNIT = 10**6
HUNDRED = 100 * UNIT
NUMBER, ZERO_MARKER, BLANK, INVALID = 0, 1, 2, 3
PATTERN = r"^[-+]?\d+(\.\d{0,5})?%?$"
NOISE = r"[\s()\[\]{}<>]+"
YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ---------------------------------------------------------------------------- the form


@dataclass
class Spec:
    name: str
    path: str
    types: tuple[str, ...]  # unit types its rows may be, in matching order
    blank_is_zero: bool
    numeric: dict[str, bool]  # numeric column -> exact
    count_amount: list[str]  # sum_total's default columns


@dataclass
class Registry:
    keys: dict[str, pa.Array]  # unit type -> normalised spellings
    ids: dict[str, np.ndarray]  # unit type -> canonical name id of each spelling


def load_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML)


def load_specs(checks: Path) -> dict[str, Spec]:
    specs = {}
    for res in load_yaml(checks / "tables.yaml")["resources"]:
        fields = res["schema"]["fields"]
        numeric = {f["name"]: f["kind"] in EXACT or f.get("type") == "integer"
                   for f in fields if f["kind"] in NUMERIC}
        specs[res["name"]] = Spec(
            res["name"], res["path"], ("total", *res.get("units", ["district", "cross"])),
            bool(res.get("blank_is_zero", False)), numeric,
            [f["name"] for f in fields if f["kind"] in ("count", "amount")])
    return specs


def normalise(names) -> pa.Array:
    folded = pc.utf8_normalize(names, "NFKC")
    return pc.replace_substring_regex(folded, NOISE, "")


def load_registry(checks: Path) -> Registry:
    """Spellings (name and aliases) per unit type, normalised, each with its name's id."""
    if (checks / "units.csv").exists():
        t = pa_csv.read_csv(checks / "units.csv", convert_options=pa_csv.ConvertOptions(
            column_types={c: pa.string() for c in ("name", "type", "district", "aliases")},
            strings_can_be_null=False))
        names, types = t["name"].combine_chunks(), t["type"].combine_chunks()
        aliases = (t["aliases"].combine_chunks() if "aliases" in t.column_names
                   else pa.array([""] * len(t)))
        split = pc.split_pattern(aliases, "|")
        owner = pc.list_parent_indices(split).to_numpy()
        flat = pc.list_flatten(split)
        keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
        spelled = pa.concat_arrays([names, pc.filter(flat, pa.array(keep))])
        entry = np.concatenate([np.arange(len(t)), owner[keep]])
        entry_types, entry_names = types, names
    else:
        units = load_yaml(checks / "units.yaml")["units"]
        spelled, entry = [], []
        for i, u in enumerate(units):  # a few dozen entries
            for s in [u["name"], *u.get("aliases", [])]:
                spelled.append(s)
                entry.append(i)
        spelled, entry = pa.array(spelled, pa.string()), np.array(entry)
        entry_types = pa.array([u["type"] for u in units], pa.string())
        entry_names = pa.array([u["name"] for u in units], pa.string())
    name_id = pc.dictionary_encode(entry_names).indices.to_numpy()  # same name, same id
    types = pc.dictionary_encode(entry_types)
    spelling_type = types.indices.to_numpy()[entry]
    keys = normalise(spelled)
    reg = Registry({}, {})
    for k, t in enumerate(types.dictionary.to_pylist()):
        sel = np.flatnonzero(spelling_type == k)
        reg.keys[t] = pc.take(keys, pa.array(sel))
        reg.ids[t] = name_id[entry[sel]]
    return reg


# ---------------------------------------------------------------------------- the period


@dataclass
class Col:
    """One numeric column: scaled values, strict and loose half-widths, cell states."""

    val: np.ndarray
    hs: np.ndarray
    hl: np.ndarray
    state: np.ndarray


@dataclass
class Table:
    raw: pa.Table
    unit: np.ndarray  # canonical name id per row, -1 when the label names no unit
    total: np.ndarray  # the row is a total row
    cols: dict[str, Col]
    _first: tuple | None = None  # sorted unit ids and the first row of each
    units_of: dict = field(default_factory=dict)  # cross_table: the units of rows: ...

    def first_rows(self, ids: np.ndarray) -> np.ndarray:
        """Row of each unit id (the unit's first row), -1 where the unit has no row."""
        if self._first is None:
            rows = np.flatnonzero(self.unit >= 0)
            known, first = np.unique(self.unit[rows], return_index=True)
            self._first = known, rows[first]
        known, first = self._first
        if len(known) == 0:
            return np.full(len(ids), -1, dtype=np.int64)
        k = np.minimum(np.searchsorted(known, ids), len(known) - 1)
        return np.where(known[k] == ids, first[k], -1)


def parse(texts: pa.ChunkedArray, exact: bool, blank_is_zero: bool) -> Col:
    """A numeric column as printed -> Col (docs/rounding.md; zzqa/numbers.py)."""
    if len(texts) and not pc.all(pc.string_is_ascii(texts)).as_py():
        texts = pc.utf8_normalize(texts, "NFKC")  # full-width digits, ％ and ． as printed
    arr = pc.utf8_trim_whitespace(texts)
    matched = pc.match_substring_regex(arr, PATTERN)
    body = pc.utf8_rtrim(arr, characters="%")
    floats = pc.cast(pc.if_else(matched, body, "0"), pa.float64()).to_numpy()
    ok = matched.to_numpy(zero_copy_only=False) & (np.abs(floats) < 10**9)
    val = np.rint(np.where(ok, floats, 0) * UNIT).astype(np.int64)
    state = np.full(len(ok), INVALID, dtype=np.int8)
    state[pc.equal(arr, "-").to_numpy(zero_copy_only=False)] = ZERO_MARKER
    state[pc.equal(arr, "/").to_numpy(zero_copy_only=False)] = ZERO_MARKER
    state[pc.equal(arr, "").to_numpy(zero_copy_only=False)] = NUMBER if blank_is_zero else BLANK
    state[ok] = NUMBER
    number = state == NUMBER
    if exact:
        zero = np.zeros(len(val), dtype=np.int64)
        return Col(val, zero, zero, state)
    dot = pc.find_substring(body, ".").to_numpy(zero_copy_only=False)
    length = pc.binary_length(body).to_numpy(zero_copy_only=False)
    dec = np.where(ok & (dot >= 0), length - dot - 1, 0)
    counts = np.bincount(dec[number], minlength=1)
    usual = int(np.flatnonzero(counts == counts.max()).max())
    half = 5 * 10 ** (5 - np.arange(6, dtype=np.int64))  # half a unit of the last decimal
    hl = np.where(number, half[np.minimum(dec, 5)], 0)
    hs = np.where(number, half[np.minimum(np.maximum(dec, usual), 5)], 0)
    return Col(val, hs, hl, state)


def load_table(path: Path, spec: Spec, reg: Registry, needed: set[str]) -> Table:
    with path.open(encoding="utf-8-sig") as f:
        header = [h.strip() for h in f.readline().rstrip("\r\n").split(",")]
    raw = pa_csv.read_csv(
        path, read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
        convert_options=pa_csv.ConvertOptions(
            column_types={h: pa.string() for h in header}, include_columns=sorted(
                (needed | {"unit"}) & set(header)), strings_can_be_null=False))
    n = raw.num_rows
    unit = np.full(n, -1, dtype=np.int64)
    unit_type = np.full(n, -1, dtype=np.int64)
    if "unit" in raw.column_names:
        labels = pc.dictionary_encode(raw["unit"]).combine_chunks()
        codes = labels.indices.to_numpy()
        keys = normalise(labels.dictionary)  # each distinct label once
        found = np.full(len(keys), -1, dtype=np.int64)
        found_type = np.full(len(keys), -1, dtype=np.int64)
        for k, t in enumerate(spec.types):  # the first unit type that knows the spelling
            if t not in reg.keys:
                continue
            idx = pc.fill_null(pc.index_in(keys, value_set=reg.keys[t]), -1).to_numpy()
            new = (found < 0) & (idx >= 0)
            found[new] = reg.ids[t][idx[new]]
            found_type[new] = k
        unit, unit_type = found[codes], found_type[codes]
    cols = {c: parse(raw[c], exact, spec.blank_is_zero)
            for c, exact in spec.numeric.items()
            if c in needed and header.count(c) == 1}
    return Table(raw, unit, unit_type == 0, cols)


# ---------------------------------------------------------------------------- formulas


def terms(node, sign=1) -> list[tuple[int, str | None, str]]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return terms(node.left, sign) + terms(
            node.right, sign if isinstance(node.op, ast.Add) else -sign)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return terms(node.operand, -sign)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        (_, table, column), = terms(node.right)
        return [(sign * node.left.value, table, column)]
    if isinstance(node, ast.Attribute):
        return [(sign, node.value.id, node.attr)]
    return [(sign, None, node.id)]


def formula(text: str):
    """'a = b + 2*c' -> (lhs terms, relation, rhs terms); a ratio's rhs is one ast.Div."""
    node = ast.parse(re.sub(r"(?<![<>=!])=(?!=)", "==", text).strip(), mode="eval").body
    relation = {ast.Eq: "=", ast.LtE: "<=", ast.GtE: ">="}[type(node.ops[0])]
    return node.left, relation, node.comparators[0]


def parse_linear(text: str):
    left, relation, right = formula(text)
    return terms(left), relation, terms(right)


def parse_ratio(text: str) -> tuple[str, str, str]:
    left, _, right = formula(text)
    return left.id, right.left.id, right.right.id


def columns_read(rule: dict, specs: dict[str, Spec]) -> list[tuple[str, str]]:
    kind, table = rule["kind"], rule.get("table")
    if kind == "sum_total":
        cols = rule.get("columns") or specs[table].count_amount
        return [(table, c) for c in [*cols, *([rule["group_by"]] if "group_by" in rule else [])]]
    out = [(table, c) for c in rule.get("where", {})]
    if kind == "row_identity":
        for text in rule["formulas"]:
            lhs, _, rhs = parse_linear(text)
            out += [(table, c) for _, _, c in lhs + rhs]
    elif kind == "ratio":
        out += [(table, c) for text in rule["ratios"] for c in parse_ratio(text)]
    else:
        for text in rule["formulas"]:
            lhs, _, rhs = parse_linear(text)
            out += [(t, c) for _, t, c in lhs + rhs]
    return out


# ---------------------------------------------------------------------------- deciding

FIELDS = ("checks", "passed", "within_rounding", "failed", "unevaluable")


def tally(strict, loose, missing, not_printed) -> np.ndarray:
    live = ~not_printed
    ev = live & ~missing
    return np.array([live.sum(), (ev & strict).sum(), (ev & ~strict & loose).sum(),
                     (ev & ~strict & ~loose).sum(), (live & missing).sum()], dtype=np.int64)


UNEVALUABLE_ONE = np.array([1, 0, 0, 0, 1], dtype=np.int64)


@dataclass
class Operand:
    """coef × (a cell or a sum of cells) for each of n checks."""

    coef: int
    val: np.ndarray
    hs: np.ndarray
    hl: np.ndarray
    missing: np.ndarray
    blank: np.ndarray


def cells(col: Col, rows, coef: int = 1, absent_is_zero: bool = True) -> Operand:
    """One cell per check: rows is ALL (every row, in order) or row positions, where < 0 is
    a unit without a row (its value 0, or unevaluable when absent_is_zero is false)."""
    if isinstance(rows, slice) or (rows >= 0).all():  # views for ALL, no masking
        state = col.state[rows]
        return Operand(coef, col.val[rows], col.hs[rows], col.hl[rows], state >= BLANK,
                       state == BLANK)
    absent = rows < 0
    r = np.where(absent, 0, rows)
    state = col.state[r]
    val, hs, hl = (np.where(absent, 0, a[r]) for a in (col.val, col.hs, col.hl))
    missing = ~absent & (state >= BLANK)
    if not absent_is_zero:
        missing |= absent
    return Operand(coef, val, hs, hl, missing, absent | (state == BLANK))


def linear(lhs: list[Operand], rhs: list[Operand], relation: str) -> np.ndarray:
    ops = [(op, op.coef) for op in lhs] + [(op, -op.coef) for op in rhs]
    centre = sum(c * op.val for op, c in ops)
    ws = sum(abs(c) * op.hs for op, c in ops)
    wl = sum(abs(c) * op.hl for op, c in ops)

    def holds(w):
        if relation == "=":
            return np.abs(centre) <= w
        return centre - w <= 0 if relation == "<=" else centre + w >= 0
    missing = np.logical_or.reduce([op.missing for op, _ in ops])
    not_printed = np.logical_and.reduce([op.blank for op, _ in ops])
    return tally(holds(ws), holds(wl), missing, not_printed)


class Overflow(Exception):
    pass


def group_sums(values: np.ndarray, order: np.ndarray, starts: np.ndarray, empty: np.ndarray):
    """Exact sums of values[order] over segments beginning at `starts` (0 for empty ones)."""
    v = values[order]
    if len(v) == 0:
        return np.zeros(len(starts), dtype=np.int64)
    if len(v) * int(np.abs(v).max()) >= 2**62:  # int64 could overflow: Python integers
        sums = np.add.reduceat(v.astype(object), np.minimum(starts, len(v) - 1))
        if any(abs(s) >= 2**63 for s in sums[~empty]):
            raise Overflow
        return np.where(empty, 0, sums).astype(np.int64)
    return np.where(empty, 0, np.add.reduceat(v, np.minimum(starts, len(v) - 1)))


def sum_total(rule: dict, tables: dict[str, Table], specs: dict[str, Spec]) -> np.ndarray:
    t = tables[rule["table"]]
    n = len(t.total)
    if "group_by" in rule:
        # the group as printed, spaces around it ignored (as zzqa's sum_total and where do)
        printed = pc.utf8_trim_whitespace(t.raw[rule["group_by"]])
        codes = pc.dictionary_encode(printed).combine_chunks()
        codes = codes.indices.to_numpy().astype(np.int64)
    else:
        codes = np.zeros(n, dtype=np.int64)
    groups = int(codes.max()) + 1 if n else 0
    n_totals = np.bincount(codes[t.total], minlength=groups)
    valid = n_totals == 1  # a group is checked when it has exactly one total row
    gid = np.cumsum(valid) - 1  # group code -> check number
    total_rows = np.flatnonzero(t.total & valid[codes])
    total_rows = total_rows[np.argsort(gid[codes[total_rows]], kind="stable")]
    parts = np.flatnonzero(~t.total & valid[codes])
    part_check = gid[codes[parts]]
    order = parts[np.argsort(part_check, kind="stable")]
    k = int(valid.sum())
    size = np.bincount(part_check, minlength=k)
    starts = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    empty = size == 0
    out = np.zeros(5, dtype=np.int64)
    sums = []
    for column in rule.get("columns") or specs[rule["table"]].count_amount:
        if column not in t.cols or k == 0:
            out += UNEVALUABLE_ONE
            continue
        col = t.cols[column]
        # parts as one operand: exact sums of the cells and of their half-widths
        missing = group_sums((col.state >= BLANK).astype(np.int64), order, starts, empty) > 0
        blanks = group_sums((col.state == BLANK).astype(np.int64), order, starts, empty)
        val, hs, hl = (group_sums(a, order, starts, empty) for a in (col.val, col.hs, col.hl))
        for h in (hs, hl):  # the interval ends must be exact int64 sums too (as zzqa's are)
            if (np.abs(val.astype(object) - h) >= 2**63).any() or \
                    (np.abs(val.astype(object) + h) >= 2**63).any():
                raise Overflow
        sums.append((cells(col, total_rows), Operand(1, val, hs, hl, missing, blanks == size)))
    for total, part in sums:
        out += linear([total], [part], "=")
    return out


ALL = slice(None)  # every row, in order: numpy indexing gives views


def rows_of(rule: dict, t: Table):
    mask = {"all": np.ones(len(t.total), bool), "units": ~t.total,
            "total": t.total}[rule.get("rows", "all")]
    for column, value in rule.get("where", {}).items():
        mask &= pc.equal(pc.utf8_trim_whitespace(t.raw[column]), value).to_numpy(
            zero_copy_only=False)
    return ALL if mask.all() else np.flatnonzero(mask)


def row_identity(rule: dict, tables: dict[str, Table]) -> np.ndarray:
    t = tables[rule["table"]]
    rows = rows_of(rule, t)
    out = np.zeros(5, dtype=np.int64)
    for text in rule["formulas"]:
        lhs, relation, rhs = parse_linear(text)
        if any(c not in t.cols for _, _, c in lhs + rhs):
            out += UNEVALUABLE_ONE
            continue
        out += linear([cells(t.cols[c], rows, k) for k, _, c in lhs],
                      [cells(t.cols[c], rows, k) for k, _, c in rhs], relation)
    return out


def leq(a, b, c, d) -> np.ndarray:
    """a·b ≤ c·d exactly: float64 products, with near-ties redone in Python integers."""
    left, right = a.astype(np.float64) * b, c.astype(np.float64) * d
    out = left <= right
    unsure = np.flatnonzero(np.abs(left - right) <= 2.0**-40 * np.maximum(abs(left), abs(right)))
    if len(unsure):
        o = object
        out[unsure] = (a[unsure].astype(o) * b[unsure].astype(o)
                       <= c[unsure].astype(o) * d[unsure].astype(o))
    return out


def ratio(rule: dict, tables: dict[str, Table]) -> np.ndarray:
    t = tables[rule["table"]]
    rows = rows_of(rule, t)
    out = np.zeros(5, dtype=np.int64)
    for text in rule["ratios"]:
        names = parse_ratio(text)
        if any(c not in t.cols for c in names):
            out += UNEVALUABLE_ONE
            continue
        p, n, d = (t.cols[c] for c in names)
        ps, ns, ds = p.state[rows], n.state[rows], d.state[rows]
        pv, nv, dv = p.val[rows], n.val[rows], d.val[rows]
        ok = []
        for reading in ("hs", "hl"):
            ph, nh, dh = (getattr(x, reading)[rows] for x in (p, n, d))
            hundred = np.full(len(pv), HUNDRED, dtype=np.int64)
            d_lo = dv - dh
            meets = ((d_lo > 0) & (ps == NUMBER)
                     & leq(hundred, nv - nh, pv + ph, dv + dh)
                     & leq(pv - ph, d_lo, hundred, nv + nh))
            ok.append(meets | ((ps == ZERO_MARKER) & (d_lo <= 0)))
        missing = (ps >= BLANK) | (ns >= BLANK) | (ds >= BLANK)
        not_printed = (ps == BLANK) & (ns == BLANK) & (ds == BLANK)
        out += tally(ok[0], ok[1], missing, not_printed)
    return out


def cross_table(rule: dict, tables: dict[str, Table]) -> np.ndarray:
    zero = set(rule.get("absent_is_zero", []))
    out = np.zeros(5, dtype=np.int64)
    for text in rule["formulas"]:
        lhs, relation, rhs = parse_linear(text)
        if any(c not in tables[tb].cols for _, tb, c in lhs + rhs):
            out += UNEVALUABLE_ONE
            continue
        first = tables[lhs[0][1]]
        which = rule.get("rows", "all")
        if which not in first.units_of:  # the first table's canonical units, once
            keep = {"all": first.unit >= 0, "units": (first.unit >= 0) & ~first.total,
                    "total": first.total}[which]
            first.units_of[which] = np.unique(first.unit[keep])
        units = first.units_of[which]

        def operand(k, tb, c, units=units):
            # a unit without a row counts 0 only in an `absent_is_zero` table all of whose
            # rows name a known unit (an unknown label may be the missing unit's row)
            t = tables[tb]
            return cells(t.cols[c], t.first_rows(units), k, tb in zero and (t.unit >= 0).all())
        out += linear([operand(*x) for x in lhs], [operand(*x) for x in rhs], relation)
    return out


def evaluate(rule: dict, tables: dict[str, Table], specs: dict[str, Spec]) -> np.ndarray:
    try:
        if rule["kind"] == "sum_total":
            return sum_total(rule, tables, specs)
        return {"row_identity": row_identity, "ratio": ratio,
                "cross_table": cross_table}[rule["kind"]](rule, tables)
    except Overflow:  # a sum beyond int64: zzqa counts the rule as one unevaluable check
        return UNEVALUABLE_ONE


# ---------------------------------------------------------------------------- main


def run(period: Path, checks: Path) -> list[dict]:
    specs = load_specs(checks)
    meta = load_yaml(period / "period.yaml") or {}
    name = str(meta.get("period", period.name))  # YYYY-MM: rules may apply from/until one
    rules = [r for path in sorted((checks / "rules").glob("*.yaml"))
             for r in load_yaml(path)["rules"] if r["kind"] in KINDS
             and str(r.get("from") or "0000-00") <= name <= str(r.get("until") or "9999-99")]
    read = [columns_read(r, specs) for r in rules]
    needed: dict[str, set[str]] = {}
    for refs in read:
        for table, column in refs:
            needed.setdefault(table, set()).add(column)
    present = [s for s in specs.values() if s.name in needed and (period / s.path).exists()]
    reg = load_registry(checks)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # Arrow frees the GIL
        loaded = pool.map(lambda s: load_table(period / s.path, s, reg, needed[s.name]), present)
        tables = {s.name: t for s, t in zip(present, loaded, strict=True)}
    out = []
    for rule, refs in sorted(zip(rules, read, strict=True), key=lambda x: x[0]["id"]):
        text = [*rule.get("where", {}), *([rule["group_by"]] if "group_by" in rule else [])]
        if any(table not in tables for table, _ in refs) or any(  # a table is missing, or a
                c not in tables[rule["table"]].raw.column_names for c in text):  # text column
            counts = UNEVALUABLE_ONE
        else:
            counts = evaluate(rule, tables, specs)
        out.append({"rule": rule["id"], "kind": rule["kind"],
                    **{k: int(v) for k, v in zip(FIELDS, counts, strict=True)}})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("period", type=Path)
    ap.add_argument("--checks", type=Path, default=ROOT / "checks")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    args = ap.parse_args()
    tallies = run(args.period, args.checks)
    wall = time.perf_counter() - T0
    if args.json:
        json.dump({"rules": tallies, "wall": round(wall, 4)}, sys.stdout, ensure_ascii=False)
        print()
        return
    print(f"{'rule':<6} {'kind':<13}" + "".join(f"{f:>16}" for f in FIELDS))
    for t in tallies:
        print(f"{t['rule']:<6} {t['kind']:<13}" + "".join(f"{t[f]:>16}" for f in FIELDS))
    print(f"wall time (in process, after interpreter start): {wall:.3f} s")


if __name__ == "__main__":
    main()
