"""A synthetic period of any size for benchmarks: the nine appendix tables for N units.

    python benchmarks/synthetic.py OUT N [--seed S]

writes OUT/ (period.yaml, a bulletin.md without figures and the nine CSV files, columns as in
checks/tables.yaml) and a
checks folder next to it, OUT/../checks/ (a copy of checks/ whose registry, units.csv, names the N
districts 单位00001.. and N parks 园区00001.. instead), so `zzqa check OUT` finds it.

The figures are consistent with every rule of checks/rules/*.yaml: values are integers in
units of their column's last printed decimal, each column is printed at one fixed number
of decimals, totals are the exact sums of the unit rows, row and cross-table identities
hold by construction, and percentages are done ÷ plan rounded half up (exact integer
arithmetic) at the column's decimals.  zzqa reports no error and no warning on it.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import yaml

CHECKS = Path(__file__).resolve().parent.parent / "checks"
TOTAL, CROSS = "合计", "跨区"


def fmt(values: np.ndarray, dec: int) -> list[str]:
    """Integers in units of 10**-dec, printed with exactly `dec` decimals."""
    if dec == 0:
        return [str(v) for v in values.tolist()]
    s = 10**dec
    return [f"{'-' if v < 0 else ''}{abs(v) // s}.{abs(v) % s:0{dec}d}" for v in values.tolist()]


class Sheet:
    """One table being built: columns of integer values (total row first), printed at the end.

    `body` rows are the units; the total row, when there is one, is their exact sum unless
    given.  A percentage is computed from its columns' totals and units alike.
    """

    def __init__(self, labels: list[str], total: str | None = TOTAL):
        self.labels = ([total] if total else []) + labels
        self.has_total = total is not None
        self.values: dict[str, tuple[np.ndarray, int]] = {}
        self.text: dict[str, list[str]] = {}

    def num(self, name: str, body, dec: int = 0, total: int | None = None) -> np.ndarray:
        body = np.asarray(body, dtype=np.int64)
        if self.has_total:
            head = int(body.sum()) if total is None else total
            column = np.concatenate([[head], body])
        else:
            column = body
        self.values[name] = (column, dec)
        self.text[name] = fmt(column, dec)
        return body

    def pct(self, name: str, done: str, plan: str, dec: int = 1) -> None:
        """done ÷ plan × 100 at `dec` decimals, rounded half up; "-" where there is no plan."""
        (d, d_dec), (p, p_dec) = self.values[done], self.values[plan]
        num = d * (100 * 10 ** (dec + p_dec))
        den = np.maximum(p, 1) * 10**d_dec
        q = (2 * num + den) // (2 * den)
        pcts = zip(fmt(q, dec), p.tolist(), strict=True)
        self.text[name] = [t + "%" if v > 0 else "-" for t, v in pcts]

    def mark(self, names: list[str], rows: np.ndarray, text: str) -> None:
        """Print `text` ("-", "/" or "") in these body rows (their values must be 0 or unused)."""
        offset = int(self.has_total)
        for name in names:
            column = self.text[name]
            for r in np.flatnonzero(rows):
                column[r + offset] = text

    def units_only_blank(self, names: list[str]) -> None:
        """A city-wide figure (a merged cell in the PDF): printed on the total row only."""
        self.mark(names, np.ones(len(self.labels) - 1, bool), "")


def between(rng, lo, hi, size=None):
    """Uniform integers in [lo, hi] (arrays allowed)."""
    lo, hi = np.asarray(lo), np.asarray(hi)
    u = rng.random(size if size is not None else np.broadcast(lo, hi).shape)
    return (lo + np.floor(u * (hi - lo + 1))).astype(np.int64)


def scale(rng, values, lo: float, hi: float) -> np.ndarray:
    """values × a random factor in [lo, hi], as integers."""
    return np.floor(values * rng.uniform(lo, hi, len(values))).astype(np.int64)


def a1(rng, districts, maxima: dict[str, int], whole: set[str]) -> Sheet:
    n = len(districts)
    s = Sheet(districts, total=None)
    rest = np.zeros(n, dtype=np.int64)  # in thousandths
    for name, top in maxima.items():  # 55 % to 100 % of the points in each header
        if name in whole:  # awarded in whole points (type: integer)
            rest += 1000 * s.num(name, between(rng, top * 55 // 100, top, n), 0)
        else:
            rest += 10 * s.num(name, between(rng, top * 55, top * 100, n), 2)
    s.num("project_reserve", np.zeros(n), 0)
    s.mark(["project_reserve"], np.ones(n, bool), "/")  # not assessed this period
    rest += 1000 * s.num("penalty", -between(rng, 0, 6, n), 0)
    total = rest + 1000 * s.num("bonus", between(rng, 15, 35, n), 0)
    s.num("total_score", total, 3)
    rank = np.empty(n, dtype=np.int64)  # tied totals may take either rank
    rank[np.argsort(-total, kind="stable")] = np.arange(1, n + 1)
    s.num("rank", rank)
    return s


def a3(rng, districts) -> Sheet:
    n = len(districts)
    s = Sheet(districts)
    for part, share, count, plan, done in (
            ("major", 0.7, (1, 3), (500, 4000), (0.8, 1.4)),
            ("tech", 0.6, (1, 4), (50, 1500), (0.7, 1.1)),
            ("product", 0.75, (1, 4), (30, 250), (0.8, 1.2))):
        has = rng.random(n) < share
        s.num(f"{part}_count", np.where(has, between(rng, *count, n), 0))
        p = s.num(f"{part}_plan", np.where(has, between(rng, *plan, n), 0), 2)
        s.num(f"{part}_done", scale(rng, p, *done), 2)
        s.pct(f"{part}_pct", f"{part}_done", f"{part}_plan")
        s.mark([f"{part}_{c}" for c in ("count", "plan", "done", "pct")], ~has, "-")
    s.num("top500_count", between(rng, 1, 3, n))
    s.num("top500_done", between(rng, 0, 4, n))
    s.pct("top500_pct", "top500_done", "top500_count")
    done = s.num("talent_done", between(rng, 0, 10, n))
    s.num("talent_count", np.zeros(n), total=int(done.sum()) + int(rng.integers(1, n + 2)))
    s.pct("talent_pct", "talent_done", "talent_count")
    s.units_only_blank(["talent_count", "talent_pct"])
    return s


def a5(rng, districts, top500_done) -> Sheet:
    n = len(districts)
    s = Sheet(districts)
    plan = s.num("total_plan", between(rng, 20, 45, n))
    sources = {"source_province_top500": top500_done, "source_beijing": between(rng, 0, 5, n),
               "source_shanghai": between(rng, 0, 5, n), "source_shenzhen": between(rng, 0, 7, n)}
    done = s.num("total_done", np.maximum(scale(rng, plan, 0.55, 1.15), sum(sources.values())))
    for kind, whole in (("plan", plan), ("done", done)):
        for size, top in (("1_5", 0.6), ("5_10", 0.17), ("10_50", 0.1), ("50_plus", 0.07)):
            s.num(f"size_{size}_{kind}", scale(rng, whole, 0, top))
    for name, v in sources.items():
        s.num(name, v)
    empty = [c for c in s.values if c not in ("total_plan", "total_done")]
    for name in empty:  # 附件5 prints no zero: blank cells are empty counts
        s.mark([name], s.values[name][0][1:] == 0, "")
    return s


def a4(rng, districts, attraction_count, attraction_done) -> Sheet:
    n = len(districts)
    s = Sheet([*districts, CROSS])
    cross = np.arange(n + 1) == n
    s.num("industry_count", np.append(between(rng, 10, 60, n), 1))
    p = s.num("industry_plan", np.append(between(rng, 2000, 9000, n), 120), 2)
    s.num("industry_done", scale(rng, p, 0.3, 0.95), 2)
    s.pct("industry_pct", "industry_done", "industry_plan")
    for part, count, plan, done, dec in (("tech", (2, 28), (17, 450), (0.8, 1.4), 2),
                                         ("product", (2, 14), (25, 620), (0.8, 1.35), 1)):
        s.num(f"{part}_count", np.where(cross, 0, between(rng, *count, n + 1)))
        p = s.num(f"{part}_plan", np.where(cross, 0, between(rng, *plan, n + 1)), 2)
        s.num(f"{part}_done", scale(rng, p, *done), 2)
        s.pct(f"{part}_pct", f"{part}_done", f"{part}_plan", dec)
    tasks = s.num("product_landing_tasks", np.where(cross, 0, between(rng, 1, 3, n + 1)))
    s.num("product_landing_done", scale(rng, tasks, 0.5, 1.5))
    s.num("attraction_count", np.append(attraction_count, 0))
    s.num("attraction_done", np.append(attraction_done, 0))
    s.pct("attraction_pct", "attraction_done", "attraction_count")
    s.num("attraction_amount", np.where(cross, 0, between(rng, 180, 1721, n + 1)), 1)
    c = s.num("talent_count", np.where(cross, 0, between(rng, 7, 45, n + 1)))
    s.num("talent_done", scale(rng, c, 1.0, 2.3))
    s.pct("talent_pct", "talent_done", "talent_count")
    s.mark([c for c in s.text if not c.startswith("industry_")], cross, "/")
    return s


def a2(rng, districts, a3s: Sheet, a4s: Sheet) -> Sheet:
    n = len(districts)
    s = Sheet([*districts, CROSS])

    def both(a3col, a4col):  # 附件3 (no 跨区 row: 0) + 附件4, unit rows
        return np.append(a3s.values[a3col][0][1:], 0) + a4s.values[a4col][0][1:]

    industry = s.num("plan_industry", both("major_plan", "industry_plan"), 2)
    support = s.num("plan_support", between(rng, 678, 9331, n + 1), 2)
    s.num("plan_total", industry + support, 2)
    parts = [s.num("done_key_industry", both("major_done", "industry_done"), 2),
             s.num("done_tech", both("tech_done", "tech_done"), 2),
             s.num("done_product", both("product_done", "product_done"), 2)]
    done_industry = s.num("done_industry", sum(parts), 2)
    done_support = s.num("done_support", scale(rng, support, 0.5, 0.9), 2)
    s.num("done_total", done_industry + done_support, 2)
    for part in ("total", "industry", "support"):
        s.pct(f"pct_{part}", f"done_{part}", f"plan_{part}")
    return s


def a6(rng, districts) -> Sheet:
    n = len(districts) + 1
    s = Sheet([*districts, CROSS])
    for step, plan_range in (("start", (8, 46)), ("finish", (1, 18))):
        plan = s.num(f"{step}_plan", between(rng, *plan_range, n))
        plan_ind = s.num(f"{step}_plan_industry", scale(rng, plan, 0.3, 0.75))
        missed = s.num(f"{step}_missed", scale(rng, plan, 0, 0.35))
        # planned industrial projects that missed: at most all missed ones and all industrial
        # ones, at least the missed ones that cannot be non-industrial
        missed_ind = s.num(f"{step}_missed_industry", between(
            rng, np.maximum(0, missed - (plan - plan_ind)), np.minimum(missed, plan_ind)))
        planned = s.num(f"{step}_actual_planned", plan - missed)
        early = s.num(f"{step}_actual_early", between(rng, 0, 2, n))
        unplanned = s.num(f"{step}_actual_unplanned", between(rng, 0, 17, n))
        s.num(f"{step}_actual", planned + early + unplanned)
        s.num(f"{step}_actual_industry", plan_ind - missed_ind + between(rng, 0, early + unplanned))
    return s


def a7(rng, parks) -> Sheet:
    n = len(parks)
    s = Sheet(parks)
    done = s.num("approval_done", between(rng, 0, 125_000, n), 2)
    s.num("approval_plan", np.zeros(n), total=int(done.sum() * rng.uniform(0.7, 1.1)) // 100 + 1)
    s.pct("approval_pct", "approval_done", "approval_plan")
    s.units_only_blank(["approval_plan", "approval_pct"])
    plan = s.num("reserve_plan", 100 * between(rng, 1, 8, n))
    s.num("reserve_done", scale(rng, plan, 0.6, 1.7))
    s.pct("reserve_pct", "reserve_done", "reserve_plan", 0)
    for part, lo, hi, dec in (("new", 15, 45, 1), ("completed", 10, 33, 0)):
        plan = s.num(f"factory_{part}_plan", between(rng, lo, hi, n))
        s.num(f"factory_{part}_done", scale(rng, plan * 100, 0.45, 0.95), 2)
        s.pct(f"factory_{part}_pct", f"factory_{part}_done", f"factory_{part}_plan", dec)
    return s


def a8(rng, districts) -> tuple[Sheet, Sheet]:
    n = len(districts)
    collective, state = Sheet(districts), Sheet(districts)
    # the total row must stay below 10**9 (zzqa reads larger numbers as not numbers: its
    # arithmetic is exact only below that), so many units get smaller areas
    top = (10**9 // 2) // n
    for s, count, area, rate in ((collective, (5, 31), (800, 4505), (0.6, 1.0)),
                                 (state, (1, 7), (3000, 50_000), (0.3, 1.5))):
        tasks = s.num("task_plan_count", between(rng, *count, n))
        area_ = s.num("task_plan_area", between(rng, area[0], max(area[0], min(area[1], top)),
                                                n))
        done = s.num("done_plan_count", between(rng, 0, tasks))
        done_area = s.num("done_plan_area", scale(rng, area_, *rate))
        s.pct("done_plan_area_pct", "done_plan_area", "task_plan_area")
        if s is state:  # 国有 rows print no 产业项目 figures
            for c in ("task_industry_count", "task_industry_area", "done_industry_count",
                      "done_industry_area", "done_industry_area_pct"):
                s.text[c] = [""] * (n + 1)
            continue
        ind = s.num("task_industry_count", scale(rng, tasks, 0.2, 0.5))
        ind_area = s.num("task_industry_area", scale(rng, area_, 0.2, 0.7))
        s.num("done_industry_count", between(rng, 0, np.minimum(ind, done)))
        s.num("done_industry_area", np.minimum(scale(rng, ind_area, 0.5, 1.0), done_area))
        s.pct("done_industry_area_pct", "done_industry_area", "task_industry_area")
    for s, category in ((collective, "集体"), (state, "国有")):
        s.text["category"] = [category] * (n + 1)
    return collective, state


def a9(rng, districts, new_tasks, new_signed) -> Sheet:
    n = len(districts)
    s = Sheet(districts)
    for part, done, lo, hi, dec in (("unstarted", "started", 4, 26, 2),
                                    ("unproduced", "produced", 15, 49, 1)):
        total = s.num(f"{part}_total", between(rng, lo, hi, n))
        s.num(f"{part}_{done}", between(rng, 0, total))
        s.pct(f"{part}_pct", f"{part}_{done}", f"{part}_total", dec)
    s.num("new_tasks", new_tasks)
    signed = s.num("new_signed", new_signed)
    s.num("new_started", between(rng, 0, signed))
    s.pct("new_pct", "new_started", "new_signed", 2)
    return s


def names(prefix: str, n: int) -> list[str]:
    width = max(5, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def write_csv(path: Path, columns: list[str], sheets: list[Sheet]) -> None:
    """Rows of the sheets interleaved (appendix 8: 集体 then 国有 per unit, totals first)."""
    for s in sheets:
        s.text["unit"] = s.labels
        missing = set(columns) - set(s.text)
        assert not missing, f"{path.name}: no data for {sorted(missing)}"
    cols = [[s.text[c] for c in columns] for s in sheets]
    lines = [",".join(columns)]
    for r in range(len(sheets[0].labels)):
        for c in cols:
            lines.append(",".join(col[r] for col in c))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_checks(checks: Path, districts: list[str], parks: list[str]) -> None:
    """checks/ as it is (tables.yaml, rules/, ...) but with a registry of the synthetic units,
    as a CSV table (units.csv): the registry zzqa reads for thousands of units."""
    shutil.copytree(CHECKS, checks, dirs_exist_ok=True, ignore=shutil.ignore_patterns("units.yaml"))
    lines = ["name,type,district,aliases", f"{TOTAL},total,,合 计|全市|全 市",
             f"{CROSS},cross,,跨 区"]
    lines += [f"{d},district,," for d in districts]
    lines += [f"{p},park,{d}," for p, d in zip(parks, districts, strict=True)]
    (checks / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_period(folder: Path, n_units: int, seed: int = 0) -> Path:
    """Write a consistent period of `n_units` districts (and as many parks) into `folder`,
    and its checks folder to folder/../checks; returns the checks folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    form = yaml.safe_load((CHECKS / "tables.yaml").read_text(encoding="utf-8"))["resources"]
    fields = {res["name"]: res["schema"]["fields"] for res in form}
    maxima = {f["name"]: f["max_points"] for f in fields["a1"]
              if "max_points" in f and f["name"] != "project_reserve"}  # 项目储备 is "/"
    districts, parks = names("单位", n_units), names("园区", n_units)
    t3 = a3(rng, districts)
    t5 = a5(rng, districts, t3.values["top500_done"][0][1:])
    plan, done = t5.values["total_plan"][0][1:], t5.values["total_done"][0][1:]
    t4 = a4(rng, districts, plan, done)
    whole = {f["name"] for f in fields["a1"] if f["type"] == "integer"}
    sheets = {"a1": [a1(rng, districts, maxima, whole)], "a2": [a2(rng, districts, t3, t4)],
              "a3": [t3], "a4": [t4], "a5": [t5], "a6": [a6(rng, districts)],
              "a7": [a7(rng, parks)], "a8": list(a8(rng, districts)),
              "a9": [a9(rng, districts, plan, done)]}
    for res in form:
        columns = [f["name"] for f in fields[res["name"]]]
        write_csv(folder / res["path"], columns, sheets[res["name"]])
    (folder / "period.yaml").write_text(
        f"period: 2099-01\ncovers: 2099-01/2099-01\n"
        f"bulletin: synthetic period, {n_units} units, seed {seed} (benchmarks/synthetic.py)\n",
        encoding="utf-8")
    # prose without figures: its claim templates match nothing (infos), none is contradicted
    (folder / "bulletin.md").write_text("合成期：本期简报只有附件表格，正文不引用数字。\n",
                                        encoding="utf-8")
    checks = folder.parent / "checks"
    write_checks(checks, districts, parks)
    return checks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("units", type=int)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    checks = make_period(args.folder, args.units, args.seed)
    print(f"wrote {args.folder} ({args.units} units) and {checks}")


if __name__ == "__main__":
    main()
