"""Discover a bulletin's form and rules from its tables (`zzqa discover PATH`).

Given tables in any format zzqa reads — a period folder of CSVs, a folder of CSV exports, an
.xlsx workbook, a .docx draft — and no form, find for each table its unit column, total
rows and category groups, the kind of every column, and the arithmetic the table promises:

* column sums to the total row (within each category group);
* row identities among columns: a = b + c, a = b + c + d (a = b − c is b = a + c), a total
  equal to the sum of all its components, and part ≤ whole where the headers say so (其中,
  小计, 完成 ≤ 任务);
* 其中 propagation: bounds on a 其中 column derived from accepted identities — from
  X = Y − Z (Y, Z with 其中 children Y_i, Z_i) and W = X + P1 + … (W with 其中 child W_i):
  W_i ≤ Y_i − Z_i + P1 + … and W − W_i ≥ (Y − Y_i) − (Z − Z_i);
* percentage columns equal to 100 × one column ÷ another;
* rank columns against a score column; bounds from headers ("(50分)");
* identities across tables, matched unit by unit (a = b, a = b + c).

Every candidate is verified on every row with the rounding intervals of the printed values
(a printed 15.29 stands for [15.285, 15.295]; counts are exact).  Each proposal says on how
many rows it holds exactly, holds only within rounding, fails, and cannot be evaluated.  A
rule holding on all rows but one or two is proposed with those rows flagged as likely errors.

Honest statistics: a candidate is scored by how unlikely a chance fit is — for each row
that holds, the width of the window the value had to fall into relative to the size of the
values (−log10 of the product: "evidence", in decimal digits), less the number of
candidates tried (a multiple-testing correction), plus a bonus when the headers promise
the relation.  Rows where every operand is 0 give no evidence; all-zero columns and a
column with itself are never operands; an identity implied by those already accepted (a
linear combination of them) is not proposed again.

The search is pruned: every candidate is first screened on a few informative rows,
vectorised over all column pairs (triples) at once, and only the survivors are checked on
every row.  `write(result, folder)` writes tables.yaml, units.yaml and rules/*.yaml in the
catalog's own format, with the evidence of every rule as a comment.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import numbers
from .model import InputError
from .readers.grid import is_data, is_figure

TOTAL_WORDS = {"合计", "全市", "总计", "小计", "全省", "全县", "全区", "总数"}
PERCENT_HEAD = re.compile(r"率|比重|占.*比|百分比|%|％")
RANK_HEAD = re.compile(r"排名|名次|位次|排序")
SCORE_HEAD = re.compile(r"得分|分\)|分）|分数|加分|扣分")
BONUS = re.compile(r"加分|扣分|奖励分|减分")
POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
AMOUNT_HEAD = re.compile(r"面积|投资|金额|亩|平方米|亿|万元|储备|用地|厂房|产值|收入|资金|元")
TOTAL_HEAD = re.compile(r"合计|小计|总数|总计|总得分|总额")
PART_HEAD = re.compile(r"其中")
DONE_WORDS = re.compile(r"完成|已|实际|批回|签约|开工|投产|竣工")
PLAN_WORDS = re.compile(r"计划|任务|目标|小计|总数|个数|合计")
SEP = " › "


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


# ---------------------------------------------------------------------------------------
# tables as read


@dataclass
class Col:
    k: int
    label: str
    name: str
    kind: str = "amount"
    texts: list = field(default_factory=list)
    v: np.ndarray | None = None  # value (nan: blank)
    h: np.ndarray | None = None  # half width of the printed value (0: exact)
    integer: bool = False
    max_points: float | None = None
    decimals: int = 0
    blank_is_zero: bool = False  # 加分项/扣分项 left empty: no points

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "amount", "percent", "score", "rank")

    @property
    def leaf(self) -> str:
        return self.label.split(SEP)[-1]

    @property
    def parent(self) -> str:
        parts = self.label.split(SEP)
        return SEP.join(parts[:-1]) if len(parts) > 1 else ""

    def zero(self, rows=None) -> bool:
        v = self.v if rows is None else self.v[rows]
        return bool(np.all(np.nan_to_num(v) == 0))


@dataclass
class Table:
    name: str
    title: str
    appendix: int | None
    file: str
    where: str
    unit_of_measure: str
    units: list  # row label per data row (filled)
    categories: list | None
    total: np.ndarray
    cols: list
    address: list  # per row: how to name the row ("export_3.csv:7")
    blank_is_zero: bool = False
    period: bool = False  # from a period folder: columns by id, a path
    notes: list = field(default_factory=list)

    def col(self, name: str) -> Col:
        return next(c for c in self.cols if c.name == name)

    def row_name(self, r: int) -> str:
        cat = f"/{self.categories[r]}" if self.categories else ""
        return f"{self.units[r]}{cat}"


def from_grid(grid, name: str) -> Table | None:
    """A Grid (readers.grid) as a Table: title, header paths, unit column, data rows."""
    from .readers import grid as grid_mod
    found = grid_mod.locate(grid)
    labels = grid_mod.paths(grid, found.header)
    cells = grid.cells
    unit_line = ""
    for t in list(grid.before) + [c for r in cells[: found.data] for c in r if c]:
        if grid_mod.UNIT_LINE.match(grid_mod.normal(t)):
            unit_line = re.sub(r"^单位[:：]\s*", "", t.strip())
    rows = grid_mod.data_rows(cells, found.data)
    if not rows:
        return None
    head = [labels[k] for k in range(len(labels))]
    body = [[cells[r][k].strip() for k in range(len(labels))] for r in rows]
    return _build(name, found.title or grid.where, found.appendix, grid.file, grid.where,
                  unit_line, head, body,
                  [grid.address(r, 0).rsplit(":", 1)[0] if ":" in grid.address(r, 0)
                   else grid.address(r, 0) for r in rows], period=False)


def from_csv(path: Path) -> Table | None:
    """A period folder's CSV (one header row of column ids) as a Table."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if len(rows) < 2:
        return None
    width = len(rows[0])
    body = [[(r[k].strip() if k < len(r) else "") for k in range(width)] for r in rows[1:]]
    return _build(path.stem, path.stem, None, path.name, path.name, "", rows[0], body,
                  [f"{path.name}:{i + 2}" for i in range(len(body))], period=True)


def _text_col(values) -> bool:
    filled = [t for t in values if t]
    return bool(filled) and sum(not is_figure(t) and t not in "-/" for t in filled) \
        >= 0.6 * len(filled)


def _build(name, title, appendix, file, where, unit_line, head, body, address, period) -> Table:
    width = len(head)
    columns = [[row[k] for row in body] for k in range(width)]
    text_cols = [k for k in range(width) if _text_col(columns[k])]
    unit_k = text_cols[0] if text_cols else 0
    cat_k = None
    for k in text_cols[1:]:
        distinct = {t for t in columns[k] if t}
        if 1 < len(distinct) <= 4 and len(body) >= 2 * len(distinct):
            cat_k = k
            break
    # a row with figures but no unit label belongs to the unit above (merged label)
    units = list(columns[unit_k])
    for r in range(1, len(units)):
        if not units[r] and is_data(body[r]):
            units[r] = units[r - 1]
    total = np.array([norm(u) in TOTAL_WORDS for u in units], dtype=bool)
    cols: list[Col] = []
    used: set = set()
    for k in range(width):
        label = " ".join(str(head[k]).split())
        if k == unit_k:
            cols.append(Col(k, label or "单位", "unit", "unit", units))
            continue
        if k == cat_k:
            cols.append(Col(k, label or "类别", "category", "category", columns[k]))
            continue
        if not label and not any(columns[k]):
            continue
        cname = label if period and label.isidentifier() else f"c{k + 1}"
        while cname in used:
            cname += "_"
        used.add(cname)
        cols.append(Col(k, label, cname, "amount", list(columns[k])))
    table = Table(name, title, appendix, file, where, unit_line, units,
                  columns[cat_k] if cat_k is not None else None, total, cols, address)
    _city_wide(table)
    _kinds(table)
    return table


def _city_wide(table: Table) -> None:
    """A figure printed on the first unit row only, equal to the total row's (or with the
    total row blank), the other units' cells blank: one city-wide figure printed over a
    merged cell — moved to the total row."""
    tot = np.flatnonzero(table.total)
    units = [r for r in range(len(table.units)) if not table.total[r]]
    if len(tot) != 1 or len(units) < 3:
        return
    t = tot[0]
    for c in table.cols:
        if c.kind in ("unit", "category"):
            continue
        first = c.texts[units[0]]
        if first and is_figure(first) and not any(c.texts[r] for r in units[1:]) \
                and c.texts[t] in ("", first):
            c.texts[t] = first
            c.texts[units[0]] = ""
            table.notes.append(f"{c.label}: {first} on {table.units[units[0]]} read as the "
                               "city-wide figure of a merged cell (total row)")


def _kinds(table: Table) -> None:
    amount_table = bool(table.unit_of_measure) and not re.search(
        r"个|项|人|家|户|次", table.unit_of_measure)
    texts_all = [t for c in table.cols if c.kind not in ("unit", "category") for t in c.texts]
    table.blank_is_zero = False
    markers = any(t in ("-", "/") for t in texts_all)
    for c in table.cols:
        if c.kind in ("unit", "category"):
            continue
        parsed = [numbers.parse(t.rstrip("%％")) if t not in ("", "-", "/") else None
                  for t in c.texts]
        pct = sum(t.endswith(("%", "％")) for t in c.texts)
        nums = [p for p in parsed if p is not None]
        decs = [p.decimals for p in nums]
        c.decimals = numbers.usual_decimals(np.array(decs, dtype=np.int64)) if decs else 0
        c.integer = bool(nums) and all(d == 0 for d in decs)
        m = POINTS.search(c.label)
        c.max_points = float(m[1]) if m else None
        if pct or PERCENT_HEAD.search(norm(c.leaf)):
            c.kind = "percent"
        elif RANK_HEAD.search(c.label) and c.integer:
            c.kind = "rank"
        elif c.max_points is not None or SCORE_HEAD.search(norm(c.label)):
            c.kind = "score"
        elif c.integer and not amount_table and not AMOUNT_HEAD.search(
                re.sub(r"[\d.\-]+\s*亿元(及以上)?项目", "", c.label)):
            c.kind = "count"
        else:
            c.kind = "amount"
    numeric = [c for c in table.cols if c.numeric]
    blanks = any(t == "" for c in numeric for r, t in enumerate(c.texts) if not table.total[r])
    table.blank_is_zero = (blanks and not markers and bool(numeric)
                           and all(c.kind == "count" for c in numeric))
    for c in table.cols:
        if not c.numeric:
            continue
        n = len(c.texts)
        v = np.full(n, np.nan)
        h = np.zeros(n)
        exact = c.kind in ("count", "rank") or (c.kind == "score" and c.integer
                                                and c.max_points is None)
        # a bonus or penalty column left blank awards nothing: its blanks are 0
        c.blank_is_zero = (c.kind == "score" and bool(BONUS.search(norm(c.leaf)))
                           and any(t == "" for t in c.texts))
        for r, t in enumerate(c.texts):
            if t in ("-", "/") or (t == "" and (table.blank_is_zero or c.blank_is_zero)):
                v[r] = 0.0
                continue
            p = numbers.parse(t.rstrip("%％")) if t else None
            if p is None:
                continue
            v[r] = p.scaled / numbers.UNIT
            h[r] = 0.0 if exact else 0.5 * 10.0 ** -p.decimals
        c.v, c.h = v, h


# ---------------------------------------------------------------------------------------
# reading a path


def read(path: Path) -> list[Table]:
    """Every table of a period folder, CSV exports folder, workbook or Word draft."""
    from .readers import docx as docx_mod
    from .readers import exports, kind_of, xlsx
    path = Path(path)
    what = kind_of(path)
    if what == "period folder":
        tables = [from_csv(p) for p in sorted(path.glob("*.csv"))]
        return [t for t in tables if t is not None and len(t.cols) > 1]
    if what == "CSV exports":
        grids = exports.grids(path)
    elif what == "Excel workbook":
        grids = xlsx.grids(path)
    else:
        grids = docx_mod.read(path)[0]  # (grids, prose, lines): the tables
    out = []
    for i, g in enumerate(grids):
        t = from_grid(g, f"t{i + 1}")
        if t is not None and any(c.numeric for c in t.cols):
            out.append(t)
    # name tables by their appendix number where every one has a distinct one
    apps = [t.appendix for t in out]
    if all(a is not None for a in apps) and len(set(apps)) == len(apps):
        for t in out:
            t.name = f"a{t.appendix}"
    out.sort(key=lambda t: (t.appendix or 0, t.name))
    return out


# ---------------------------------------------------------------------------------------
# proposals


@dataclass
class Proposal:
    kind: str
    table: str | None
    text: str  # the formula (or column) as written in the rule
    holds: int = 0
    rounding: int = 0  # of `holds`, those holding only within rounding
    fails: list = field(default_factory=list)  # row names
    unevaluable: int = 0
    evidence: float = 0.0  # decimal digits of improbability, after correction
    header: str = ""  # the header words that promise it
    params: dict = field(default_factory=dict)
    vector: dict = field(default_factory=dict)
    implied: bool = False

    @property
    def flagged(self) -> list:
        return self.fails

    def line(self) -> str:
        parts = [f"holds on {self.holds} row(s)"]
        if self.rounding:
            parts.append(f"{self.rounding} only within rounding")
        if self.fails:
            parts.append(f"fails on {len(self.fails)}: {', '.join(self.fails)}")
        if self.unevaluable:
            parts.append(f"{self.unevaluable} unevaluable")
        ev = f"evidence {self.evidence:.1f}"
        if self.header:
            ev += f"; headers: {self.header}"
        return f"{'; '.join(parts)} ({ev})"


EPS = 1e-9


def _check(a_lo, a_hi, s_lo, s_hi, a_pt, s_pt):
    """Rows where [a] meets [s]; those where only the intervals meet."""
    ok = (a_lo <= s_hi + EPS) & (s_lo <= a_hi + EPS)
    exact = np.abs(a_pt - s_pt) <= EPS * np.maximum(1, np.abs(a_pt))
    return ok, ok & ~exact


def _chance(width, scale, q):
    """Probability that a value in a window of `width` falls where it did by chance, given
    the values' size `scale` and the printing grain q."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return np.minimum(1.0, (width + q) / (np.abs(scale) + q))


def _grain(cols) -> float:
    return max(10.0 ** -c.decimals if not (c.kind == "count" or c.integer) else 1.0
               for c in cols)


def _linear(table: Table, target: Col, parts: list, signs=None, rows=None) -> dict:
    """Verify target = Σ sign·part on the rows."""
    signs = signs or [1] * len(parts)
    n = len(table.units)
    rows = np.arange(n) if rows is None else rows
    a, ah = target.v[rows], target.h[rows]
    s = np.zeros(len(rows))
    sh = np.zeros(len(rows))
    present = ~np.isnan(a)
    mag = np.abs(a.copy())
    for p, sg in zip(parts, signs, strict=True):
        present &= ~np.isnan(p.v[rows])
        s = s + sg * np.nan_to_num(p.v[rows])
        sh = sh + p.h[rows]
        mag = mag + np.abs(np.nan_to_num(p.v[rows]))
    a0 = np.nan_to_num(a)
    ok, rounding = _check(a0 - ah, a0 + ah, s - sh, s + sh, a0, s)
    q = _grain([target, *parts])
    # a total row adds no evidence of its own: its figures follow from the units' (when the
    # columns add up), so a fit there is counted once, on the units
    informative = present & (mag > 0) & ~np.asarray(table.total, dtype=bool)[rows]
    p = _chance(2 * (ah + sh), mag / 2, q)
    ev = -np.log10(p[ok & informative]).sum() if (ok & informative).any() else 0.0
    return {"ok": ok & present, "rounding": rounding & present & ok, "present": present,
            "informative": informative, "evidence": float(ev), "rows": rows,
            "miss": np.where(present & ~ok, np.abs(a0 - s) - ah - sh, 0)}


def _fill(prop: Proposal, table: Table, res: dict) -> Proposal:
    rows = res["rows"]
    prop.holds = int(res["ok"].sum())
    prop.rounding = int(res["rounding"].sum())
    prop.fails = [table.row_name(r) for r, bad in zip(rows, res["present"] & ~res["ok"],
                                                       strict=True) if bad]
    prop.unevaluable = int((~res["present"]).sum())
    prop.evidence = res["evidence"]
    return prop


def _header_sum(target: Col, parts: list) -> str:
    """The header words that promise target = Σ parts."""
    t = norm(target.leaf)
    same = all(p.parent == target.parent or p.parent.startswith(target.label) or
               p.label.startswith(target.label + SEP) or
               (target.parent and p.parent == target.parent) for p in parts)
    if TOTAL_HEAD.search(t) and same:
        return f"{target.leaf} over {', '.join(p.leaf for p in parts)}"
    if all(p.label.startswith(target.label + SEP) for p in parts):
        return f"{target.label} spans its parts"
    if TOTAL_HEAD.search(t) or (target.parent == "" and all(p.parent == target.label
                                                            for p in parts)):
        return f"{target.leaf} is a total"
    return ""


class Search:
    def __init__(self, tables: list[Table], flag_max: int = 2):
        self.tables = tables
        self.flag_max = flag_max
        self.proposals: list[Proposal] = []
        self.tried = 0

    # -- per table ------------------------------------------------------------------------
    def run(self) -> list[Proposal]:
        for t in self.tables:
            self.sums(t)
            self.totals_of_all(t)
            self.identities(t)
            self.parts(t)
            self.propagate(t)
            self.ratios(t)
            self.ranks(t)
            self.bounds(t)
        self.cross()
        return self.proposals

    def _accept(self, prop: Proposal, res: dict, threshold: float, header: bool) -> bool:
        fails = int((res["present"] & ~res["ok"]).sum())
        informative = int((res["informative"] & res["ok"]).sum())
        if fails > self.flag_max or informative < 2 or fails * 3 > max(1, informative):
            return False
        ev = res["evidence"] - threshold + (3 if header else 0)
        return ev > (0 if fails == 0 else 2)

    def sums(self, t: Table) -> None:
        if not t.total.any():
            return
        groups = sorted({c for c in t.categories if c}) if t.categories else [None]
        cols = [c for c in t.cols if c.kind in ("count", "amount")]
        found, failing, partial = [], [], []
        ev_total = 0.0
        for c in cols:
            ok_all, any_eval, blank = True, False, False
            for g in groups:
                rows = np.arange(len(t.units)) if g is None else np.array(
                    [r for r in range(len(t.units)) if t.categories[r] == g])
                tot = [r for r in rows if t.total[r]]
                units = [r for r in rows if not t.total[r]]
                if len(tot) != 1 or len(units) < 2:
                    continue
                tv, th = c.v[tot[0]], c.h[tot[0]]
                uv, uh = c.v[units], c.h[units]
                if np.isnan(tv) or np.isnan(uv).any():
                    if np.isnan(tv) and np.isnan(uv).all():
                        continue  # nothing printed in this group
                    blank = True  # the units' figures are not all printed: no sum to take
                    any_eval = True
                    continue
                any_eval = True
                s, sh = uv.sum(), uh.sum()
                if not (tv - th <= s + sh + EPS and s - sh <= tv + th + EPS):
                    ok_all = False
                elif np.count_nonzero(uv) >= 2:
                    ev_total += float(-np.log10(_chance(2 * (th + sh), abs(tv),
                                                        _grain([c]))))
            if not any_eval:
                continue
            (partial if blank else found if ok_all else failing).append(c)
        if not found:
            return
        # a column whose total misses the units' sum, where the others add up, is a likely
        # wrong total: it stays in the rule (the check then names it); a column whose
        # units are not all printed (a city-wide figure on the total row) is left out
        kept = found + (failing if len(failing) <= self.flag_max else [])
        names = [c.name for c in kept]
        prop = Proposal("sum_total", t.name, ", ".join(names), holds=len(found),
                        fails=[c.label for c in failing], evidence=ev_total,
                        header="total row " + "/".join(sorted({t.units[r] for r in
                                                               np.flatnonzero(t.total)})))
        prop.params = {"table": t.name}
        if len(kept) < len(found) + len(failing) + len(partial):
            prop.params["columns"] = names
        if t.categories:
            prop.params["group_by"] = "category"
        prop.vector = {"columns": names}
        self.proposals.append(prop)

    def _numeric(self, t: Table, kinds=("count", "amount", "score")) -> list[Col]:
        return [c for c in t.cols if c.kind in kinds and not c.zero()
                and np.count_nonzero(~np.isnan(c.v)) >= 2
                and np.count_nonzero(np.nan_to_num(c.v)) >= 2]

    def totals_of_all(self, t: Table) -> None:
        """A total column equal to the sum of all the other columns of its kind."""
        for c in t.cols:
            if c.kind not in ("score", "amount", "count") or not TOTAL_HEAD.search(norm(c.leaf)):
                continue
            parts = [p for p in t.cols if p is not c and p.kind == c.kind
                     and not TOTAL_HEAD.search(norm(p.leaf))]
            if len(parts) < 4:
                continue
            filled = [p for p in parts if not p.zero() or any(x in ("-", "/") for x in p.texts)]
            for p in filled:
                p.v = np.nan_to_num(p.v) if all(x in ("-", "/", "") for x in p.texts) else p.v
            res = _linear(t, c, filled)
            self.tried += 1
            prop = Proposal("row_identity", t.name,
                            f"{c.name} = " + " + ".join(p.name for p in filled),
                            header=f"{c.leaf} over all {len(filled)} {c.kind} columns")
            if self._accept(prop, res, 0.0, True):
                _fill(prop, t, res)
                prop.evidence = res["evidence"] + 3
                prop.vector = {c.name: 1, **{p.name: -1 for p in filled}}
                self._add_identity(prop, t)

    def identities(self, t: Table) -> None:
        """a = b + c and a = b + c + d, screened on informative rows then verified."""
        for kinds in (("count",), ("amount",), ("score",)):
            cols = self._numeric(t, kinds)
            if len(cols) < 3:
                continue
            V = np.array([np.nan_to_num(c.v) for c in cols])  # m × n
            H = np.array([c.h for c in cols])
            miss = np.array([np.isnan(c.v) for c in cols])
            n = V.shape[1]
            # screening rows: the most informative (largest values)
            order = np.argsort(-np.abs(V).sum(axis=0))
            screen = order[: min(n, 6)]
            need = max(1, len(screen) - self.flag_max)
            m = len(cols)
            cands = []
            for size in (2, 3):
                self.tried += m * math.comb(m - 1, size)
                if size == 2:
                    S = V[:, None, screen] + V[None, :, screen]  # m × m × k
                    SH = H[:, None, screen] + H[None, :, screen]
                    A = V[:, None, None, screen]
                    AH = H[:, None, None, screen]
                    ok = np.abs(A - S[None]) <= AH + SH[None] + EPS  # a × b × c × k
                    hits = np.argwhere(ok.sum(axis=-1) >= need)
                    for a, b, c in hits:
                        if b < c and a != b and a != c:
                            cands.append((a, (b, c)))
                else:
                    if m > 40:
                        continue
                    for a in range(m):
                        S2 = V[:, None, screen] + V[None, :, screen]
                        SH2 = H[:, None, screen] + H[None, :, screen]
                        rest = V[a, screen][None, None, :] - S2  # needed d
                        restH = H[a, screen] + SH2
                        ok = np.abs(rest[:, :, None, :] - V[None, None, :, screen]) <= \
                            restH[:, :, None, :] + H[None, None, :, screen] + EPS
                        hits = np.argwhere(ok.sum(axis=-1) >= need)
                        for b, c, d in hits:
                            if b < c < d and a not in (b, c, d):
                                cands.append((a, (b, c, d)))
            del miss
            thr = math.log10(max(10, self.tried))
            for a, parts in cands:
                target, ps = cols[a], [cols[i] for i in parts]
                res = _linear(t, target, ps)
                head = _header_sum(target, ps)
                prop = Proposal("row_identity", t.name, "", header=head)
                if not self._accept(prop, res, thr, bool(head)):
                    continue
                _fill(prop, t, res)
                prop.evidence = res["evidence"] - thr + (3 if head else 0)
                # all-zero siblings the headers put among the parts belong to the formula
                zeros = [z for z in t.cols if z.kind == target.kind and z.zero() and
                         z.parent and z.parent == target.parent and
                         all(z.parent == p.parent for p in ps) and
                         z.parent != z.label and z not in ps and z is not target]
                ps = ps + zeros
                prop.text = self._orient(target, ps)
                prop.vector = {target.name: 1, **{p.name: -1 for p in ps}}
                self._add_identity(prop, t)

    @staticmethod
    def _orient(target: Col, parts: list) -> str:
        """Write a = b + c, or as a difference when the header says a part is the total."""
        totals = [p for p in parts if TOTAL_HEAD.search(norm(p.leaf)) and
                  not TOTAL_HEAD.search(norm(target.leaf))]
        if not totals and len(parts) == 2:
            # a plan split into done and missed: the first column (leftmost) is the whole
            lead = min([target, *parts], key=lambda c: c.k)
            if lead is not target:
                rest = [p for p in parts if p is not lead]
                return f"{rest[0].name} = {lead.name} - {target.name}"
        return f"{target.name} = " + " + ".join(p.name for p in parts)

    def _add_identity(self, prop: Proposal, t: Table) -> None:
        """Accept unless implied by those accepted on this table (a linear combination)."""
        same = [p for p in self.proposals if p.kind == "row_identity" and p.table == t.name
                and "=" in p.vector.get("_rel", "=") and not p.implied and
                not any(k.startswith("_") for k in p.vector)]
        names = sorted({k for p in [*same, prop] for k in p.vector})
        if same:
            M = np.array([[p.vector.get(k, 0) for k in names] for p in same], dtype=float)
            x = np.array([prop.vector.get(k, 0) for k in names], dtype=float)
            r0 = np.linalg.matrix_rank(M)
            if np.linalg.matrix_rank(np.vstack([M, x])) == r0:
                prop.implied = True
        # a duplicate of one already proposed (same relation)
        for p in same:
            if p.vector == prop.vector:
                return
        self.proposals.append(prop)

    def parts(self, t: Table) -> None:
        """part <= whole where the headers promise it: 其中 ≤ its parent column, a column
        ≤ the 小计/合计 of its group, done ≤ task of the same kind of thing (counts)."""
        cols = [c for c in t.cols if c.kind in ("count", "amount") and not c.zero()]
        seen = set()
        for a in cols:
            for b in cols:
                if a is b or a.kind != b.kind:
                    continue
                why = ""
                strict = False
                la, lb = norm(a.leaf), norm(b.leaf)
                if self._implied_le(t, a, b):
                    continue
                if PART_HEAD.search(la) and (b.label == a.parent or
                                             (b.parent == a.parent and b.k == a.k - 1) or
                                             (b.label.split(SEP)[0] == a.parent.split(SEP)[0]
                                              and b.k < a.k and TOTAL_HEAD.search(lb))):
                    why = f"{a.leaf} of {b.label}"
                elif PART_HEAD.search(la) and PART_HEAD.search(lb) and a.k > b.k and \
                        a.parent and b.parent and a.parent != b.parent and \
                        (a.k - b.k) <= 7:
                    # 其中 of a column derived from another (未按计划 其中 ≤ 计划 其中)
                    pa = next((c for c in cols if c.label == a.parent), None)
                    pb = next((c for c in cols if c.label == b.parent), None)
                    if pa is not None and pb is not None and \
                            np.all(np.nan_to_num(pa.v) <= np.nan_to_num(pb.v)) and \
                            np.all(np.nan_to_num(a.v) <= np.nan_to_num(b.v)):
                        why = f"{a.label} is among {b.label}"
                        strict = True
                elif a.parent and a.parent == b.parent and a.k == b.k + 1 and \
                        a.kind == "count" and DONE_WORDS.search(la):
                    why = f"{a.leaf} among {b.leaf} (the stage before it)"
                    strict = True
                elif a.kind == "count" and re.sub(r"完成|已", "", la) == lb and la != lb:
                    why = f"{a.leaf} among {b.leaf}"
                    strict = True
                elif _kind_of(a, b, la, lb):
                    why = f"{a.leaf} a kind of {b.leaf}"
                    strict = True
                if not why:
                    continue
                res = self._le(t, a, b)
                if res is None:
                    continue
                prop = Proposal("row_identity", t.name, f"{a.name} <= {b.name}", header=why)
                fails = int((res["present"] & ~res["ok"]).sum())
                if fails > (0 if strict else self.flag_max):
                    continue
                if int((res["ok"] & res["informative"]).sum()) < 3:
                    continue
                _fill(prop, t, res)
                seen.add((a.name, b.name))
                prop.vector = {a.name: 1, b.name: -1, "_rel": "<="}
                present = np.flatnonzero(res["present"])
                if t.categories and len({t.categories[r] for r in present}) == 1 and \
                        len(present) < len(t.units):
                    prop.params = {"where": {"category": t.categories[present[0]]}}
                self.proposals.append(prop)

    def propagate(self, t: Table) -> None:
        """其中 propagation: bounds on a 其中 column derived through accepted identities.

        X = Y − Z accepted (Y = X + Z), Y and Z with a 其中 child of one qualifier (Y_i, Z_i)
        and X without one; X one part of another accepted sum W = X + P1 + … whose W has
        a 其中 child W_i of the same qualifier.  X's 其中 part is then Y_i − Z_i, so
        W_i ≤ Y_i − Z_i + P1 + … and W − W_i ≥ (Y − Y_i) − (Z − Z_i), whatever the split
        of the P's.  Both are verified on every row; the headers promise them."""
        sums = [p.vector for p in self.proposals
                if p.kind == "row_identity" and p.table == t.name and "_rel" not in p.vector
                and list(p.vector.values()).count(1) == 1
                and all(v in (1, -1) for v in p.vector.values())]
        if len(sums) < 2:
            return
        child = {c.name: _part_child(t, c) for c in t.cols if c.kind in ("count", "amount")}
        done: set = set()
        for s in sums:
            y = next(k for k, v in s.items() if v == 1)
            rest = [k for k, v in s.items() if v == -1]
            if len(rest) != 2 or child.get(y) is None:
                continue
            for x, z in (rest, rest[::-1]):
                yi, zi = child[y], child.get(z)
                if zi is None or child.get(x) is not None or norm(zi.leaf) != norm(yi.leaf):
                    continue
                for w_sum in sums:
                    w = next(k for k, v in w_sum.items() if v == 1)
                    if w_sum is s or w_sum.get(x) != -1 or w in (y, z):
                        continue
                    wi = child.get(w)
                    others = [k for k, v in w_sum.items() if v == -1 and k != x]
                    if wi is None or norm(wi.leaf) != norm(yi.leaf) or not others:
                        continue
                    names = [y, z, x, w, yi.name, zi.name, wi.name, *others]
                    if len(set(names)) != len(names):
                        continue
                    others.sort(key=lambda k: t.col(k).k)
                    why = (f"{t.col(x).label} = {t.col(y).label} − {t.col(z).label}, "
                           f"its {norm(yi.leaf)} part {yi.name} − {zi.name}")
                    upper = {wi.name: 1, yi.name: -1, zi.name: 1, **{o: -1 for o in others}}
                    lower = {w: -1, wi.name: 1, y: 1, yi.name: -1, z: -1, zi.name: 1}
                    forms = (
                        (upper, f"{wi.name} <= {yi.name} - {zi.name} + " + " + ".join(others),
                         f"{why}, at most all of {', '.join(others)} besides"),
                        (lower, f"{w} - {wi.name} >= {y} - {yi.name} - {z} + {zi.name}",
                         f"{why}, the rest of {x} at least {y} − {yi.name} − ({z} − {zi.name})"),
                    )
                    for vec, text, head in forms:
                        key = tuple(sorted(vec.items()))
                        if key in done:
                            continue
                        done.add(key)
                        self.tried += 1
                        res = _at_most(t, vec)
                        if res is None:
                            continue
                        prop = Proposal("row_identity", t.name, text, header=head)
                        if not self._accept(prop, res, 0.0, True):
                            continue
                        _fill(prop, t, res)
                        prop.evidence = res["evidence"] + 3
                        prop.vector = {**vec, "_rel": "<="}
                        self.proposals.append(prop)

    def _implied_le(self, t: Table, a: Col, b: Col) -> bool:
        """a <= b follows from an accepted identity b = a + (other non-negative parts)."""
        for p in self.proposals:
            if p.kind == "row_identity" and p.table == t.name and not p.implied and \
                    p.vector.get(b.name) == 1 and p.vector.get(a.name) == -1 and \
                    all(v == -1 for k, v in p.vector.items() if k != b.name):
                return True
        return False

    def _le(self, t: Table, a: Col, b: Col, rows=None):
        rows = np.arange(len(t.units)) if rows is None else rows
        present = ~np.isnan(a.v[rows]) & ~np.isnan(b.v[rows])
        if present.sum() < 2:
            return None
        av, bv = np.nan_to_num(a.v[rows]), np.nan_to_num(b.v[rows])
        ok = av - a.h[rows] <= bv + b.h[rows] + EPS
        rounding = ok & (av > bv + EPS)
        informative = present & (av > 0)
        ev = float(-np.log10(np.clip((av + 1) / (bv + 1), 1e-9, 1))[ok & informative].sum())
        return {"ok": ok & present, "rounding": rounding & present, "present": present,
                "informative": informative, "evidence": ev, "rows": rows}

    def ratios(self, t: Table) -> None:
        pcts = [c for c in t.cols if c.kind == "percent"]
        base = [c for c in t.cols if c.kind in ("count", "amount") and not c.zero()]
        for p in pcts:
            best = None
            for num in base:
                for den in base:
                    if num is den:
                        continue
                    self.tried += 1
                    for rows_kind in ("all", "total"):
                        res = self._ratio(t, p, num, den, rows_kind)
                        if res is None:
                            continue
                        head = 0
                        if num.parent == p.parent == den.parent and p.parent:
                            head += 2
                        if DONE_WORDS.search(norm(num.leaf)):
                            head += 1
                        if PLAN_WORDS.search(norm(den.leaf)):
                            head += 1
                        fails = int((res["present"] & ~res["ok"]).sum())
                        if fails > self.flag_max or int(res["ok"].sum()) < 1:
                            continue
                        if rows_kind == "all" and int((res["ok"] & res["informative"]).sum()) < 2:
                            continue
                        # one total row proves little on its own: only with the headers'
                        # word for it (完成 over 计划 under one parent)
                        if rows_kind == "total" and (head < 2 or res["evidence"] <= 0):
                            continue
                        score = (-fails * 10 + head * 2 + res["evidence"]
                                 - (5 if rows_kind == "total" else 0))
                        if best is None or score > best[0]:
                            best = (score, num, den, rows_kind, res, head)
            if best is None:
                continue
            _, num, den, rows_kind, res, head = best
            prop = Proposal("ratio", t.name, f"{p.name} = {num.name} / {den.name}",
                            header=(f"{p.leaf}, {num.leaf} ÷ {den.leaf}" if head else ""))
            _fill(prop, t, res)
            prop.params = {"table": t.name}
            if rows_kind == "total":
                prop.params["rows"] = "total"
            prop.vector = {"pct": p.name}
            self.proposals.append(prop)

    def _ratio(self, t: Table, p: Col, num: Col, den: Col, rows_kind: str):
        rows = np.flatnonzero(t.total) if rows_kind == "total" else np.arange(len(t.units))
        if rows_kind == "total" and len(rows) != 1:
            return None
        pv, nv, dv = p.v[rows], num.v[rows], den.v[rows]
        present = ~np.isnan(pv) & ~np.isnan(nv) & ~np.isnan(dv) & (np.nan_to_num(dv) != 0)
        if present.sum() < 1:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = 100 * (nv - num.h[rows]) / (dv + den.h[rows])
            hi = 100 * (nv + num.h[rows]) / np.maximum(dv - den.h[rows], 1e-12)
            pt = 100 * nv / dv
        ok = (pv - p.h[rows] <= hi + EPS) & (lo <= pv + p.h[rows] + EPS)
        exact = np.abs(pv - pt) <= p.h[rows] + EPS
        informative = present & (np.nan_to_num(nv) != 0)
        width = (hi - lo) + 2 * p.h[rows]
        chance = _chance(np.nan_to_num(width), np.nan_to_num(pv), 10.0 ** -p.decimals)
        sel = ok & informative & present
        ev = float(-np.log10(chance[sel]).sum()) if sel.any() else 0.0
        return {"ok": ok & present, "rounding": ok & ~exact & present, "present": present,
                "informative": informative, "evidence": ev, "rows": rows}

    def ranks(self, t: Table) -> None:
        for r in [c for c in t.cols if c.kind == "rank"]:
            units = np.flatnonzero(~t.total)
            best = None
            for s in [c for c in t.cols if c.kind in ("score", "amount", "count", "percent")]:
                sv, sh = s.v[units], s.h[units]
                if np.isnan(sv).any():
                    continue
                rv = r.v[units]
                above = np.array([(sv - sh > x + hx).sum() for x, hx in zip(sv, sh, strict=True)])
                maybe = np.array([(sv + sh >= x - hx).sum() for x, hx in zip(sv, sh, strict=True)])
                ok = (rv >= 1 + above) & (rv <= maybe)
                # how much the column orders the units: log10 of n over the ranks each row
                # may take (a column of ties — all zeros — orders nothing and proves nothing)
                spread = np.maximum(maybe - above, 1)
                evidence = float(np.log10(len(units) / spread).sum())
                if evidence < 2:
                    continue
                key = (int(ok.sum()), bool(TOTAL_HEAD.search(s.label)), evidence)
                if best is None or key > best[0]:
                    best = (key, ok, s, evidence)
            if best is None:
                continue
            _, ok, s, evidence = best
            fails = [t.row_name(u) for u, good in zip(units, ok, strict=True) if not good]
            if len(fails) > self.flag_max:
                continue
            prop = Proposal("rank", t.name, f"{r.name} by {s.name}", holds=int(ok.sum()),
                            fails=fails, evidence=evidence,
                            header=f"{r.leaf} / {s.leaf}")
            prop.params = {"table": t.name, "rank": r.name, "score": s.name}
            self.proposals.append(prop)

    def bounds(self, t: Table) -> None:
        capped = [c for c in t.cols if c.max_points is not None]
        if capped:
            fails, holds = [], 0
            for c in capped:
                for r in range(len(t.units)):
                    if np.isnan(c.v[r]):
                        continue
                    if c.v[r] > c.max_points or c.v[r] < 0:
                        fails.append(f"{t.row_name(r)} {c.leaf.split('(')[0].strip()} "
                                     f"{c.texts[r]}")
                    else:
                        holds += 1
            prop = Proposal("bound", t.name, ", ".join(c.name for c in capped), holds=holds,
                            fails=fails, header="points in the headers: " + ", ".join(
                                f"{c.leaf}" for c in capped), evidence=float(len(capped)))
            prop.params = {"table": t.name, "min": 0}
            self.proposals.append(prop)
        for c in t.cols:
            if c.kind != "score" or c.max_points is not None or RANK_HEAD.search(c.label):
                continue
            if TOTAL_HEAD.search(norm(c.leaf)):
                continue
            v = c.v[~np.isnan(c.v)]
            if len(v) < 3 or not np.any(v):
                continue
            side = "max" if np.all(v <= 0) else "min" if np.all(v >= 0) else None
            if side is None:
                continue
            prop = Proposal("bound", t.name, c.name, holds=len(v),
                            header=f"{c.leaf}: every value {'≤' if side == 'max' else '≥'} 0",
                            evidence=1.0)
            prop.params = {"table": t.name, "columns": [c.name], side: 0}
            self.proposals.append(prop)

    # -- across tables ---------------------------------------------------------------------
    def cross(self) -> None:
        from .units import normalise
        tabs = [t for t in self.tables if len(t.units) >= 3 and not t.categories]
        keyed = {}
        for t in tabs:
            keys = ["__total__" if t.total[r] else normalise(u) for r, u in enumerate(t.units)]
            if len(set(keys)) != len(keys):
                continue
            keyed[t.name] = {k: r for r, k in enumerate(keys)}
        names = [t for t in tabs if t.name in keyed]
        for kind in ("count", "amount"):
            cols = [(t, c) for t in names for c in t.cols if c.kind == kind and not c.zero()]
            for ta in names:
                keys = list(keyed[ta.name])
                if len(keys) < 3:
                    continue
                others = [(t, c) for t, c in cols if t is not ta]
                shared = {t.name: sum(k in keyed[t.name] for k in keys) for t in names}
                others = [(t, c) for t, c in others if shared[t.name] >= len(keys) - 2
                          and shared[t.name] >= 3]
                if not others:
                    continue
                # matrices aligned on ta's rows; absent rows are 0 (absent_is_zero)
                V = np.zeros((len(others), len(keys)))
                H = np.zeros_like(V)
                for i, (t, c) in enumerate(others):
                    for j, k in enumerate(keys):
                        r = keyed[t.name].get(k)
                        if r is not None:
                            V[i, j] = c.v[r]  # nan stays nan
                            H[i, j] = c.h[r]
                for a in [c for c in ta.cols if c.kind == kind and not c.zero()]:
                    av, ah = a.v, a.h
                    good = ~np.isnan(av) & (np.abs(av) > 0)
                    if good.sum() < 3:
                        continue
                    sel = np.flatnonzero(good)
                    screen = sel[np.argsort(-np.abs(av[sel]))][:6]
                    need = max(1, len(screen) - self.flag_max)
                    Vs, Hs = np.nan_to_num(V[:, screen]), H[:, screen]
                    self.tried += len(others) * (len(others) + 1) // 2
                    eq = (np.abs(av[screen] - Vs) <= ah[screen] + Hs + EPS).sum(1) >= need
                    cands = [(i,) for i in np.flatnonzero(eq)]
                    S = Vs[:, None, :] + Vs[None, :, :]
                    SH = Hs[:, None, :] + Hs[None, :, :]
                    ok = (np.abs(av[screen] - S) <= ah[screen] + SH + EPS).sum(-1) >= need
                    for i, j in np.argwhere(ok):
                        if i < j and others[i][0] is not others[j][0] and \
                                np.count_nonzero(Vs[i]) >= 3 and np.count_nonzero(Vs[j]) >= 3:
                            cands.append((i, j))
                    for cand in cands:
                        self._cross_one(ta, a, [others[i] for i in cand],
                                        [V[i] for i in cand], [H[i] for i in cand], keys)

    def _cross_one(self, ta, a, parts, vs, hs, keys) -> None:
        av, ah = a.v, a.h
        s = sum(np.nan_to_num(v) for v in vs)
        sh = sum(hs)
        present = ~np.isnan(av) & np.all([~np.isnan(v) for v in vs], axis=0)
        ok = (np.abs(np.nan_to_num(av) - s) <= ah + sh + EPS) & present
        exact = np.abs(np.nan_to_num(av) - s) <= EPS
        mag = np.abs(np.nan_to_num(av))
        informative = present & (mag > 0) & ~np.asarray(ta.total, dtype=bool)  # units only
        q = _grain([a] + [c for _, c in parts])
        chance = _chance(2 * (ah + sh), mag, q)
        ev = float(-np.log10(chance[ok & informative]).sum())
        fails = int((present & ~ok).sum())
        n_inf = int((ok & informative).sum())
        thr = math.log10(max(10, self.tried))
        if fails > self.flag_max or n_inf < 3 or fails * 3 > n_inf:
            return
        ev -= thr
        head = ""
        if all(norm(a.leaf) == norm(c.leaf) or _stem(norm(a.leaf)) == _stem(norm(c.leaf))
               for _, c in parts):
            head = "same column label"
            ev += 2
        elif len(parts) == 1:
            common = _common(norm(a.label), norm(parts[0][1].label))
            if len(common) >= 4:
                head = f"shared label {common}"
                ev += 2
        if ev <= (0 if fails == 0 else 3):
            return
        text = f"{ta.name}.{a.name} = " + " + ".join(f"{t.name}.{c.name}" for t, c in parts)
        absent = sorted({t.name for t, _ in parts
                         if any(k not in _keys(t) for k in keys)})
        prop = Proposal("cross_table", None, text, holds=int(ok.sum()),
                        rounding=int((ok & ~exact).sum()),
                        fails=[ta.row_name(r) for r in np.flatnonzero(present & ~ok)],
                        unevaluable=int((~present).sum()), evidence=ev, header=head)
        prop.params = {"absent_is_zero": absent} if absent else {}
        prop.vector = {f"{ta.name}.{a.name}": 1, **{f"{t.name}.{c.name}": -1 for t, c in parts}}
        same = [p for p in self.proposals if p.kind == "cross_table" and not p.implied]
        allk = sorted({k for p in [*same, prop] for k in p.vector})
        if same:
            M = np.array([[p.vector.get(k, 0) for k in allk] for p in same], dtype=float)
            x = np.array([prop.vector.get(k, 0) for k in allk], dtype=float)
            if np.linalg.matrix_rank(np.vstack([M, x])) == np.linalg.matrix_rank(M):
                prop.implied = True
        self.proposals.append(prop)


def _part_child(t: Table, c: Col) -> Col | None:
    """The 其中 column of c: under c in the headers, or beside c when c is a 小计/合计."""
    kids = [a for a in t.cols if a is not c and a.kind == c.kind and a.k > c.k and
            PART_HEAD.search(norm(a.leaf)) and
            (a.parent == c.label or (a.parent and a.parent == c.parent and
                                     TOTAL_HEAD.search(norm(c.leaf))))]
    return min(kids, key=lambda a: a.k) if kids else None


def _at_most(t: Table, vec: dict):
    """Verify Σ coef·column ≤ 0 on every row with the rounding intervals.  A row's chance
    fit: the room left under the bound (plus the rounding slack) over the size of the values."""
    cols = [(t.col(k), v) for k, v in vec.items()]
    n = len(t.units)
    pt = np.zeros(n)
    half = np.zeros(n)
    mag = np.zeros(n)
    present = np.ones(n, dtype=bool)
    for c, v in cols:
        present &= ~np.isnan(c.v)
        pt += v * np.nan_to_num(c.v)
        half += abs(v) * c.h
        mag += np.abs(np.nan_to_num(c.v))
    if present.sum() < 2:
        return None
    ok = pt - half <= EPS
    informative = present & (mag > 0)
    chance = _chance(np.maximum(-pt, 0) + 2 * half, mag / 2, _grain([c for c, _ in cols]))
    sel = ok & informative
    ev = float(-np.log10(chance[sel]).sum()) if sel.any() else 0.0
    return {"ok": ok & present, "rounding": ok & (pt > EPS) & present, "present": present,
            "informative": informative, "evidence": ev, "rows": np.arange(n)}


def _keys(t: Table) -> set:
    from .units import normalise
    return {"__total__" if t.total[r] else normalise(u) for r, u in enumerate(t.units)}


GENERIC = re.compile(r"\d+-\d+月|项目|完成数|完成|计划|个数|任务|数|›")


def _common(a: str, b: str) -> str:
    """The longest common piece of two labels, generic words left out."""
    a, b = GENERIC.sub("|", a), GENERIC.sub("|", b)
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            piece = a[i:j]
            if "|" in piece:
                break
            if piece in b:
                best = piece
    return best


def _kind_of(a: Col, b: Col, la: str, lb: str) -> bool:
    """Two columns of one parent whose labels differ only in a qualifier in front
    (产业项目数 / 计划内项目数): one may be a kind of the other."""
    if not a.parent or a.parent != b.parent or la == lb:
        return False
    n = _suffix(la, lb)
    if n < 2 or min(len(la), len(lb)) <= n:
        return False
    da, db = DONE_WORDS.search(la), DONE_WORDS.search(lb)
    if not da and not db:
        return True
    return bool(da and db and DONE_WORDS.sub("", la)[:2] != DONE_WORDS.sub("", lb)[:2])


def _suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _stem(label: str) -> str:
    """A label without the words of plan/done/period (for 'same thing' comparisons)."""
    s = re.sub(r"\d+-\d+月|\d+月|1-9|全年|年度|计划内|计划|完成|任务|实际|已|数|个数|目标|"
               r"面积|率|比|占|的|项目", "", label)
    return s


# ---------------------------------------------------------------------------------------
# the result


@dataclass
class Result:
    tables: list
    proposals: list
    counter: dict = field(default_factory=dict)  # rule ids given while writing

    def by_table(self, name):
        return [p for p in self.proposals if p.table == name]


def discover(path: Path, flag_max: int = 2) -> Result:
    tables = read(Path(path))
    search = Search(tables, flag_max)
    proposals = _without_shadows(search.run())
    proposals.sort(key=lambda p: (p.table or "~", p.kind, -p.evidence))
    return Result(tables, proposals)


def _sum_terms(text: str) -> tuple[str, frozenset] | None:
    """(target, parts) of a formula "a = b + c + …", None for any other shape."""
    left, _, right = text.partition(" = ")
    parts = right.split(" + ")
    if not right or any(not re.fullmatch(r"[\w.]+", x) for x in [left, *parts]):
        return None
    return left, frozenset(parts)


def _without_shadows(proposals: list) -> list:
    """Drop an identity that fails on some rows when another one, holding on every row,
    has its target and more parts: "总得分 = 项目 + 招商 + 加分" failing only where 扣分 is
    not 0 is the shadow of "总得分 = 项目 + 招商 + 加分 + 扣分", not a rule with an error."""
    whole = [(p.table, _sum_terms(p.text)) for p in proposals
             if p.kind == "row_identity" and not p.fails and _sum_terms(p.text)]
    out = []
    for p in proposals:
        terms = _sum_terms(p.text) if p.kind == "row_identity" and p.fails else None
        if terms and any(t == p.table and w[0] == terms[0] and terms[1] < w[1]
                         for t, w in whole):
            continue
        out.append(p)
    return out


def report(result: Result) -> str:
    """The proposals as text, table by table, strongest first."""
    out = []
    for t in result.tables:
        tot = ", ".join(t.row_name(r) for r in np.flatnonzero(t.total)) or "none"
        unit = next(c for c in t.cols if c.kind == "unit")
        out.append(f"== {t.name}: {t.title} ({t.where})")
        out.append(f"   unit column: {unit.label}; total row(s): {tot}; rows: {len(t.units)}"
                   + (f"; groups by {next(c.label for c in t.cols if c.kind == 'category')}: "
                      + "/".join(sorted({c for c in t.categories if c})) if t.categories else ""))
        kinds = {}
        for c in t.cols:
            if c.numeric:
                kinds.setdefault(c.kind, []).append(c.name)
        out.append("   columns: " + "; ".join(f"{k} {', '.join(v)}" for k, v in kinds.items()))
        for note in t.notes:
            out.append(f"   note: {note}")
        for p in sorted(result.by_table(t.name), key=lambda p: -p.evidence):
            if p.implied:
                continue
            flag = "  <-- flagged: " + "; ".join(p.fails) if p.fails else ""
            out.append(f"   {p.kind:<12} {p.text}\n{'':17}{p.line()}{flag}")
    cross = [p for p in result.proposals if p.table is None and not p.implied]
    if cross:
        out.append("== across tables (matched by unit)")
        for p in sorted(cross, key=lambda p: -p.evidence):
            flag = "  <-- flagged: " + "; ".join(p.fails) if p.fails else ""
            out.append(f"   {p.text}\n{'':17}{p.line()}{flag}")
    flagged = sum(1 for p in result.proposals if p.fails and not p.implied)
    out.append(f"{sum(not p.implied for p in result.proposals)} proposals, "
               f"{flagged} with flagged rows")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------
# writing a form


def _dump(data) -> str:
    import yaml
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def write(result: Result, folder: Path, checks_template: Path | None = None) -> list[Path]:
    """tables.yaml, units.yaml and rules/*.yaml for the discovered form, written into a
    new (or empty) folder whole (files.write_all: nothing half-written)."""
    from .files import write_all
    folder = Path(folder)
    if not result.tables:
        raise InputError(folder, "no table with figures was found: no form to write")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(folder, "exists and is not an empty folder: write the form into a "
                         "new one")
    template = checks_template or _template()  # before anything is written
    return write_all(folder, _form(result, template))


def _form(result: Result, template: Path) -> dict[str, str]:
    """The form's files, by their path in the form folder."""
    from .units import normalise
    resources = []
    spellings: dict[str, set] = {}
    totals: set = set()
    for t in result.tables:
        fields = []
        for c in t.cols:
            if c.kind == "unit":
                fields.append({"name": "unit", "title": c.label, "type": "string",
                               "kind": "unit"})
            elif c.kind == "category":
                fields.append({"name": "category", "title": c.label, "type": "string",
                               "kind": "category"})
            else:
                # a figure that goes below 0 (a growth rate, a loss) is a signed one
                signed = c.kind in ("amount", "percent", "count") and bool(
                    np.nanmin(c.v, initial=0) < 0)
                f = {"name": c.name, "title": c.label,
                     "type": "integer" if c.kind in ("count", "rank") or (
                         c.kind == "score" and c.integer and c.max_points is None)
                     else "number", "kind": "change" if signed else c.kind}
                if c.kind == "percent" and not signed:
                    f["bareNumber"] = False
                if c.max_points is not None:
                    f["max_points"] = c.max_points
                if c.blank_is_zero:
                    f["blank_is_zero"] = True
                fields.append(f)
        res = {"name": t.name, "path": t.file if t.period else f"{t.name}.csv",
               "profile": "tabular-data-resource", "title": t.title}
        if t.appendix is not None:
            res["appendix"] = t.appendix
        if t.unit_of_measure:
            res["unit_of_measure"] = t.unit_of_measure
        res["units"] = ["district"]
        if t.blank_is_zero:
            res["blank_is_zero"] = True
        res["schema"] = {"missingValues": ["", "-", "/"],
                         "primaryKey": ["unit", "category"] if t.categories else ["unit"],
                         "fields": fields}
        resources.append(res)
        for r, u in enumerate(t.units):
            if not u:
                continue
            key = normalise(u)
            if t.total[r]:
                totals.add(u)
            else:
                spellings.setdefault(key, set()).add(u)
    tables_yaml = ("# Discovered by `zzqa discover`: the tables as printed. Edit the names and\n"
                   "# kinds as needed; titles are the printed header labels.\n"
                   + _dump({"profile": "tabular-data-package", "name": "discovered",
                            "resources": resources}))
    units = []
    if totals:
        first = sorted(totals, key=len)[0]
        alias = {x for x in totals} | {"合计", "全市", "总计", "合 计", "全 市"}
        units.append({"name": norm(first), "type": "total",
                      "aliases": sorted(alias - {norm(first)})})
    for key, names in spellings.items():
        if key in {normalise(x) for x in totals}:
            continue
        canon = sorted(names, key=len)[0]
        e = {"name": canon, "type": "district"}
        alias = sorted(n for n in names if n != canon)
        if alias:
            e["aliases"] = alias
        units.append(e)
    out = {"tables.yaml": tables_yaml,
           "units.yaml": "# Discovered row labels (one canonical unit each).\n"
           + _dump({"units": units})}
    out.update(_template_files(template))
    for t in [*result.tables, None]:
        text = _rules_yaml(result, t)
        if text:
            out[f"rules/{t.name if t else 'cross'}.yaml"] = text
    return out


def _template_files(template: Path) -> dict[str, str]:
    """What every form starts from: zzqa's schema rules and prose recognisers."""
    return {name: (template / name).read_text(encoding="utf-8")
            for name in ("rules/schema.yaml", "prose.yaml") if (template / name).exists()}


PREFIXES = {"sum_total": "S", "row_identity": "R", "ratio": "P", "rank": "K", "bound": "B",
            "cross_table": "X"}


def _rules_yaml(result: Result, t: Table | None) -> str:
    props = [p for p in result.proposals
             if (p.table == (t.name if t else None)) and not p.implied]
    if not props:
        return ""
    what = f"{t.name}: {t.title}" if t else "identities across tables"
    lines = [f"# Discovered rules for {what}",
             "# Every rule's comment gives its evidence; flagged rows are likely errors.",
             "rules:"]
    counter = result.counter
    # one rule per proposal, except identities and ratios of a table grouped by rows/where
    for p in sorted(props, key=lambda p: (list(PREFIXES).index(p.kind), -p.evidence)):
        prefix = PREFIXES[p.kind]
        counter[prefix] = counter.get(prefix, 0) + 1
        rid = f"{prefix}{counter[prefix]:03d}"
        body = {"id": rid, "kind": p.kind, "title": _title(p, t), "severity": "error",
                "why": f"Discovered: {p.header or 'the numbers'}."}
        if p.kind == "row_identity":
            body["table"] = t.name
            body.update({k: v for k, v in p.params.items() if k != "table"})
            body["formulas"] = [p.text]
        elif p.kind == "ratio":
            body.update(p.params)
            body["ratios"] = [p.text]
        elif p.kind == "cross_table":
            body["formulas"] = [p.text]
            body.update(p.params)
        else:
            body.update(p.params)
        comment = "  # " + p.line().replace("\n", " ")
        if p.fails:
            comment += "\n  # likely errors: " + "; ".join(p.fails)
        lines.append(comment)
        lines.append(_indent(_dump([body])))
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + x if x else x for x in text.rstrip("\n").split("\n"))


def _title(p: Proposal, t: Table | None) -> str:
    def label(name):
        if t is None:
            return name
        try:
            return t.col(name).label
        except StopIteration:
            return name
    if p.kind == "sum_total":
        return "Unit rows add up to the total row"
    if p.kind == "bound":
        return "Scores lie within their bounds"
    if p.kind == "rank":
        return f"{label(p.params['rank'])} follows the order of {label(p.params['score'])}"
    text = p.text
    if t is not None:
        for c in sorted(t.cols, key=lambda c: -len(c.name)):
            if c.numeric:
                text = re.sub(rf"\b{re.escape(c.name)}\b", c.label.replace(SEP, "›"), text)
    return text[:200]


def _template() -> Path:
    """The checks/ folder whose schema rules and prose recognisers a new form starts from
    (they hold for any bulletin): $ZZQA_CHECKS, else the nearest checks/ in or above the
    current folder — zzqa's own, from its repository; an InputError saying how to name one
    otherwise (before anything is written)."""
    from .cli import find_checks
    try:
        return find_checks(None)
    except InputError:
        raise InputError("checks/", "a new form starts from zzqa's own checks/ folder (its "
                         "schema rules and prose recognisers): run from zzqa's repository, "
                         "or name it with --checks DIR or ZZQA_CHECKS=DIR") from None


def init(folder: Path, checks_template: Path | None = None) -> list[Path]:
    """An empty form folder to fill in by hand: tables.yaml with one commented example
    table, units.yaml with the total row, rules/ with schema.yaml and an example rule.  A
    folder that already holds a form is refused: nothing is written over."""
    folder = Path(folder)
    if (folder / "tables.yaml").exists() or (folder / "rules").exists():
        raise InputError(folder, "holds a form already (tables.yaml or rules/): zzqa init "
                         "writes over nothing")
    template = checks_template or _template()  # before anything is written
    from .files import write_all
    texts = {"tables.yaml": INIT_TABLES, "units.yaml": INIT_UNITS,
             "rules/example.yaml": INIT_RULES, **_template_files(template)}
    write_all(folder, {n: t for n, t in texts.items() if not (folder / n).exists()})
    return [folder / n for n in texts]


INIT_TABLES = """\
# The bulletin's form: one resource per table (docs/catalog.md).  Column titles are the
# printed header labels, levels joined by " › "; kinds: unit, category, count, amount,
# percent, score, rank.  `zzqa discover PATH --write DIR` fills this in from the tables.
profile: tabular-data-package
name: my-bulletin
resources:
  - name: t1
    path: t1.csv
    profile: tabular-data-resource
    appendix: 1
    title: 示例表
    units: [district]
    schema:
      missingValues: ["", "-", "/"]
      primaryKey: [unit]
      fields:
        - {name: unit, title: 县市区, type: string, kind: unit}
        - {name: plan, title: 计划, type: number, kind: amount}
        - {name: done, title: 完成, type: number, kind: amount}
        - {name: pct, title: 完成率, type: number, bareNumber: false, kind: percent}
"""

INIT_UNITS = """\
# Every row label the bulletin prints, mapped to one canonical unit (checks/units.yaml).
units:
  - {name: 合计, type: total, aliases: [合 计, 全市, 全 市]}
  - {name: 甲区, type: district}
"""

INIT_RULES = """\
# Rules of table t1 (rule kinds: sum_total, row_identity, ratio, rank, bound, cross_table;
# `zzqa explain` documents each).
rules:
  - id: S101
    kind: sum_total
    title: Unit rows add up to 合计
    severity: error
    why: 合计 is the sum of the units.
    table: t1
  - id: P101
    kind: ratio
    title: 完成率 = 完成 ÷ 计划
    severity: error
    why: The completion rate is done over plan.
    table: t1
    ratios:
      - pct = done / plan
"""
