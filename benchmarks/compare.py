"""zzqa against a hand-written vectorised baseline: the same per-rule tallies, and the time.

    python benchmarks/compare.py [--sizes 10000,100000] [--runs 3] [--random-damages 40]
                                 [--seed 0] [--root DIR] [--keep DIR]

For each size, writes a synthetic period (benchmarks/synthetic.py OUT N: OUT and
OUT/../checks), then a damaged copy of it (the fixed keying errors, markers, blanks, unknown
labels and parsing edge cases of `FIXED`, plus --random-damages random edits of random
cells, seeded), and also takes the real period data/2020-09 as it is and damaged the same
way.  On each period it runs, alternately and --runs times each, as subprocesses:

    python -m zzqa check PERIOD --format json --checks CHECKS
    python benchmarks/baseline.py PERIOD --checks CHECKS --json

reads each run's wall time and peak resident memory (os.wait4, the rusage of exactly that
child, as benchmarks/run.py does), and stops with the differences unless every rule of kind
sum_total, row_identity, ratio and cross_table has identical tallies (checks, passed,
within_rounding, failed, unevaluable) in both, on every run.  Then, untimed (one run
each), the same on copies of the real period changed in structure (`STRUCTURAL`: a table or
column missing, a row twice, two total rows, unknown labels, BOM and CRLF, ...).  Prints a
markdown table (zzqa and baseline wall time: median and range; their ratio; median peak
RSS) and the tallies of the damaged periods to stdout, progress to stderr.  About 6 minutes
with the defaults and --runs 5 (zzqa takes about 45 s a run on the damaged 100,000 units).

--root DIR measures the zzqa, checks/, data/ and synthetic.py of another checkout (e.g. a
`git archive HEAD` export, while the working tree is being edited); the subprocesses run in
a temporary folder with DIR first on PYTHONPATH, so that the zzqa measured is DIR's.  This
script imports nothing heavy and parses only the "rules" part of zzqa's output, so that its
own memory stays out of its children's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.py"
KINDS = ("sum_total", "row_identity", "ratio", "cross_table")
FIELDS = ("checks", "passed", "within_rounding", "failed", "unevaluable")
TABLES = {"a1": "a1_scores.csv", "a2": "a2_investment.csv", "a3": "a3_province_five_100.csv",
          "a4": "a4_city_five_batches.csv", "a5": "a5_investment_attraction.csv",
          "a6": "a6_starts_completions.csv", "a7": "a7_land_and_factories.csv",
          "a8": "a8_land_acquisition.csv", "a9": "a9_signed_projects.csv"}


# ---------------------------------------------------------------------------- damage


def _doubled(t: str) -> str:
    return t[:1] + t if t else "11"


def _swapped(t: str) -> str:
    return t[1] + t[0] + t[2:] if len(t) > 1 else t + "7"


def _underprinted(t: str) -> str:
    """One decimal fewer, rounded half up ("12.34" -> "12.3", "12.35" -> "12.4")."""
    body, pct = t.rstrip("%"), "%" if t.endswith("%") else ""
    whole, _, frac = body.partition(".")
    if not frac:
        return t
    digits = len(frac) - 1
    n = (int(whole + frac) + 5) // 10
    s = str(n).rjust(digits + 1, "0")
    return (s[:-digits] + "." + s[-digits:] if digits else s) + pct


# (table, data row (1 = the first row after the header), column, edit, what it exercises)
FIXED = [
    ("a2", 5, "plan_support", _doubled, "digit typed twice: S201, R201, P201 fail"),
    ("a5", 1, "total_done", _swapped, "total row digits swapped: S501, X002 fail"),
    ("a6", 3, "start_actual", lambda t: t + "0", "count read 10x: S601, R601-R603"),
    ("a2", 7, "done_tech", _underprinted, "under-printed: within rounding"),
    ("a4", 3, "industry_done", _underprinted, "under-printed: within rounding (X001)"),
    ("a3", 4, "major_done", lambda t: "", "blank: unevaluable (S301, P301, X001)"),
    ("a4", 6, "tech_plan", lambda t: "n.a.", "not a number: unevaluable"),
    ("a9", 8, "new_pct", lambda t: "-", "'-' percentage with a plan: P901 fails"),
    ("a7", 4, "reserve_pct", lambda t: "/", "'/' percentage with a plan: P701 fails"),
    ("a8", 4, "task_industry_count", lambda t: "0",
     "a number among the blanks of 国有: S801 unevaluable, no longer not printed"),
    ("a8", 5, "unit", lambda t: "合计", "a second 集体 total row: S801 skips the group"),
    ("a5", 6, "unit", lambda t: "不存在的单位", "unknown label: X002/X003 see no a5 row"),
    ("a9", 3, "unit", lambda t: "（" + t + " ）", "full-width brackets, spaces: same unit"),
    ("a1", 2, "talent", lambda t: t + ".5", "a fraction in an exact (integer) column"),
    ("a2", 9, "plan_total", lambda t: "+" + t, "explicit + sign"),
    ("a2", 10, "plan_support", lambda t: t.split(".")[0] + ".", "'12.' (no decimals)"),
    ("a3", 2, "top500_pct", lambda t: " " + t.rstrip("%") + " ", "no % sign, spaces"),
    ("a7", 6, "approval_done", lambda t: "1234567890", "beyond 10**9: not a number"),
    ("a6", 2, "finish_missed", lambda t: "-" + t if t not in ("0", "") else "-1",
     "negative count"),
    ("a4", 2, "product_pct", lambda t: t.replace("%", "%%"), "two % signs: not a number"),
    ("a5", 3, "source_beijing", lambda t: "", "blank in a blank_is_zero table: 0"),
]

RANDOM_EDITS = ("transposition", "dropped digit", "doubled digit", "decimal shift",
                "under-printed", "blank", "-", "/", "junk", "sign", "neighbour copy")


def random_edit(text: str, neighbour: str, rng: random.Random) -> str:
    kind = rng.choice(RANDOM_EDITS)
    digits = [k for k, c in enumerate(text) if c.isdigit()]
    chars = list(text)
    if kind == "transposition" and len(digits) > 1:
        k = rng.randrange(len(digits) - 1)
        a, b = digits[k], digits[k + 1]
        chars[a], chars[b] = chars[b], chars[a]
    elif kind == "dropped digit" and len(digits) > 1:
        del chars[rng.choice(digits)]
    elif kind == "doubled digit" and digits:
        k = rng.choice(digits)
        chars.insert(k, chars[k])
    elif kind == "decimal shift" and digits:  # the point one place to the right (or left)
        body, pct = text.rstrip("%"), "%" if text.endswith("%") else ""
        whole, _, frac = body.partition(".")
        if frac:
            return whole + frac[0] + ("." + frac[1:] if frac[1:] else "") + pct
        return whole[:-1] + "." + whole[-1] + pct
    elif kind == "under-printed":
        return _underprinted(text)
    elif kind in ("blank", "-", "/"):
        return "" if kind == "blank" else kind
    elif kind == "junk":
        return rng.choice(["x", "1;5", "—", "12a", "..5", "５"])
    elif kind == "sign":
        return text[1:] if text.startswith("-") else "-" + text
    elif kind == "neighbour copy":
        return neighbour
    return "".join(chars)


def damage(folder: Path, n_random: int, seed: int) -> list[str]:
    """Apply FIXED and n_random random edits to the CSV files of `folder`; the edits made.

    Files are streamed line by line (only the lines edited and their neighbours are held):
    this process must stay small, or its peak RSS would count in its children's."""
    shape = {}  # table -> (header, number of data rows)
    for name, file in TABLES.items():
        with (folder / file).open(encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split(",")
            shape[name] = header, sum(1 for line in f if line.strip())
    plan = [(name, 1 + (row - 1) % shape[name][1], column, f, why)
            for name, row, column, f, why in FIXED]
    rng = random.Random(seed)
    for _ in range(n_random):
        name = rng.choice(sorted(TABLES))
        header, rows = shape[name]
        column = rng.choice([c for c in header if c not in ("unit", "category")])
        r = random.Random(rng.random())
        plan.append((name, rng.randrange(1, rows + 1), column,
                     lambda t, nb, r=r: random_edit(t, nb, r), "random"))
    done = []
    for name, file in TABLES.items():
        mine = [e for e in plan if e[0] == name]
        if not mine:
            continue
        header, rows = shape[name]
        wanted = {e[1] for e in mine} | {e[1] - 1 if e[1] > 1 else e[1] + 1 for e in mine}
        path = folder / file
        with path.open(encoding="utf-8") as f:
            texts = {i: line.rstrip("\n").split(",") for i, line in enumerate(f) if i in wanted}
        edited = {e[1] for e in mine}
        for _, row, column, f, why in mine:
            k = header.index(column)
            old = texts[row][k]
            nb = texts.get(row - 1 if row > 1 else row + 1, texts[row])[k]
            texts[row][k] = f(old, nb) if why == "random" else f(old)
            done.append(f"{name} line {row + 1} {column}: {old!r} -> {texts[row][k]!r} ({why})")
        tmp = path.with_suffix(".tmp")
        with path.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                dst.write(",".join(texts[i]) + "\n" if i in edited else line)
        tmp.replace(path)
    return done


def _rewrite(folder: Path, table: str, edit) -> None:
    """Rewrite one CSV file of the real period (small): edit(list of rows) -> rows."""
    path = folder / TABLES[table]
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(",".join(r) for r in edit(rows)) + "\n", encoding="utf-8")


def _drop(column: str):
    def edit(rows):
        k = rows[0].index(column)
        return [r[:k] + r[k + 1:] for r in rows]
    return edit


def _set(row: int, column: str, text: str):
    """Line `row` + 1 of the file (row 0 is the header): the cell of `column` set to text."""
    def edit(rows):
        rows[row][rows[0].index(column)] = text
        return rows
    return edit


def _twice(row: int, column: str | None = None, text: str = ""):
    """Line `row` + 1 printed twice, the copy with `column` set to text."""
    def edit(rows):
        copy = list(rows[row])
        if column:
            copy[rows[0].index(column)] = text
        return [*rows[:row + 1], copy, *rows[row + 1:]]
    return edit


def _label(old: str, new: str):
    return lambda rows: [[new if c == old else c for c in r] for r in rows]


def _crlf(folder: Path) -> None:
    path = folder / TABLES["a6"]
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))


# copies of the real period whose structure is changed: tallies must agree (1 run, untimed)
STRUCTURAL = [
    ("a table missing (a9)", lambda d: (d / TABLES["a9"]).unlink()),
    ("a column missing (a2 done_tech)", lambda d: _rewrite(d, "a2", _drop("done_tech"))),
    ("a percentage column missing (a4 tech_pct)", lambda d: _rewrite(d, "a4", _drop("tech_pct"))),
    ("a unit's row twice (a4)", lambda d: _rewrite(d, "a4", _twice(2, "industry_done", "1.00"))),
    ("two total rows (a2)", lambda d: _rewrite(d, "a2", _twice(1))),
    ("the total row's label unknown (a5)", lambda d: _rewrite(d, "a5", _label("合 计", "总合"))),
    ("a district's label unknown (a3)", lambda d: _rewrite(d, "a3", _label("渌口区", "渌口"))),
    ("BOM and CRLF (a6)", _crlf),
    ("spaces around header names (a9)", lambda d: _rewrite(d, "a9", lambda r: [
        [f" {c} " for c in r[0]], *r[1:]])),
    ("a blank total in 国有 (a8)", lambda d: _rewrite(d, "a8", _set(2, "task_plan_count", ""))),
    ("category '集体 ' with a trailing space (a8)",
     lambda d: _rewrite(d, "a8", _set(5, "category", "集体 "))),
]


# ---------------------------------------------------------------------------- running


RULES = re.compile(r'"rules"\s*:\s*\[')  # the array, not summary's "rules": 80


def rules_of(path: Path) -> dict[str, dict]:
    """The tallies of the four kinds from a JSON document.  The file is read only up to the
    end of its "rules" array: zzqa's findings can run to hundreds of MB, and what this
    process holds in memory would count in the next child's peak RSS."""
    buf, decoder = "", json.JSONDecoder()
    with path.open(encoding="utf-8") as f:
        while True:
            chunk = f.read(1 << 16)
            buf += chunk
            if m := RULES.search(buf):
                try:
                    rules, _ = decoder.raw_decode(buf, m.end() - 1)
                    break
                except json.JSONDecodeError:
                    pass
            if not chunk:
                sys.exit(f"{path}: no complete \"rules\" array")
    return {r["rule"]: {f: r[f] for f in FIELDS} for r in rules if r.get("kind") in KINDS}


def measure(cmd: list[str], env: dict, cwd: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run; its stdout goes to `out`."""
    with out.open("wb") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace").strip()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # zzqa exits 1 when it reports findings
        sys.exit(f"{' '.join(cmd)}: exit {code}: {err}")
    return wall, usage.ru_maxrss / 1024


PYTHON: str | None = None  # --python


def compare(label: str, period: Path, checks: Path, runs: int, root: Path, work: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    python = PYTHON or sys.executable
    if PYTHON:  # a runtime install: its own zzqa, as `pip install .` made it
        env.pop("PYTHONPATH", None)
    cmds = {"zzqa": [python, "-m", "zzqa", "check", str(period), "--format", "json",
                     "--checks", str(checks)],
            "baseline": [python, str(BASELINE), str(period), "--checks", str(checks),
                         "--json"]}
    samples = {k: [] for k in cmds}
    tallies = {}
    for _ in range(runs):
        for name, cmd in cmds.items():  # alternately, so that drift hits both alike
            out = work / f"{name}.json"
            samples[name].append(measure(cmd, env, work, out))
            got = rules_of(out)
            if name in tallies and got != tallies[name]:
                sys.exit(f"{label}: {name} gave different tallies on two runs")
            tallies[name] = got
    z, b = tallies["zzqa"], tallies["baseline"]
    diff = [f"  {r}: zzqa {z.get(r)} baseline {b.get(r)}" for r in sorted(set(z) | set(b))
            if z.get(r) != b.get(r)]
    if diff:
        sys.exit(f"{label}: the tallies differ\n" + "\n".join(diff))
    log(f"  {label}: tallies agree on {len(z)} rules, {sum(t['checks'] for t in z.values())} "
        "checks")
    out = {"label": label, "tallies": z}
    for name, s in samples.items():
        walls, rss = zip(*s, strict=True)
        out[name] = {"wall": statistics.median(walls), "min": min(walls), "max": max(walls),
                     "rss": statistics.median(rss)}
    return out


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def revision(root: Path) -> str:
    def git(*a):
        return subprocess.run(["git", "-C", str(root), *a], capture_output=True,
                              text=True).stdout.strip()
    rev = git("rev-parse", "--short", "HEAD")
    if not rev:
        return f"{root} (not a git checkout)"
    dirty = git("status", "--porcelain", "zzqa", "checks")
    return rev + (" + uncommitted changes" if dirty else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000",
                    help="comma-separated numbers of units (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3, help="runs per period (default: %(default)s)")
    ap.add_argument("--random-damages", type=int, default=40,
                    help="random edits in each damaged period (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--python", default=None,
                    help="an interpreter with zzqa installed (`pip install .`, no test extras) "
                         "that runs both zzqa and the baseline (default: this checkout's zzqa "
                         "with this interpreter)")
    ap.add_argument("--root", type=Path, default=HERE.parent,
                    help="the zzqa checkout measured (default: this one)")
    ap.add_argument("--keep", type=Path, default=None,
                    help="write the periods here and keep them (default: a temporary folder)")
    args = ap.parse_args()
    global PYTHON
    PYTHON = args.python
    root = args.root.resolve()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="zzqa-compare-")
    base = (args.keep or Path(tmp.name)).resolve()
    work = base / "work"
    work.mkdir(parents=True, exist_ok=True)
    results, edits = [], {}
    try:
        periods = []
        for n in sizes:
            period = base / f"units-{n}" / "period"
            log(f"generating {n} units ...")
            subprocess.run([sys.executable, str(root / "benchmarks" / "synthetic.py"),
                            str(period), str(n), "--seed", str(args.seed)], check=True,
                           stdout=subprocess.DEVNULL)
            periods.append((f"synthetic, {n} units", period, period.parent / "checks", True))
        periods.append(("real period data/2020-09", root / "data" / "2020-09", root / "checks",
                        False))
        for label, period, checks, synthetic in periods:
            copy = base / ("damaged-" + period.parent.name) / "period"
            shutil.copytree(period, copy, dirs_exist_ok=True)
            edits[label] = damage(copy, args.random_damages, args.seed)
            for what, folder in ((label, period), (f"{label}, damaged", copy)):
                log(f"{what}: {args.runs} runs each ...")
                results.append(compare(what, folder, checks, args.runs, root, work))
            if synthetic:
                shutil.rmtree(copy.parent)
        real = root / "data" / "2020-09"
        for what, change in STRUCTURAL:
            copy = base / "structural" / "period"
            if copy.exists():
                shutil.rmtree(copy)
            shutil.copytree(real, copy)
            change(copy)
            compare(f"real period, {what}", copy, root / "checks", 1, root, work)
    finally:
        if tmp:
            tmp.cleanup()

    print("| period | zzqa wall (median, s) | zzqa wall (range, s) | baseline wall (median, s) "
          "| baseline wall (range, s) | ratio | zzqa peak RSS (MB) | baseline peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        z, b = r["zzqa"], r["baseline"]
        print(f"| {r['label']} | {z['wall']:.2f} | {z['min']:.2f}–{z['max']:.2f} "
              f"| {b['wall']:.2f} | {b['min']:.2f}–{b['max']:.2f} | {z['wall'] / b['wall']:.2f} "
              f"| {z['rss']:.0f} | {b['rss']:.0f} |")
    print(f"\nTallies identical on every period ({', '.join(KINDS)}); {args.runs} runs each; "
          f"{len(FIXED)} fixed and {args.random_damages} random edits (seed {args.seed}) per "
          f"damaged period; and on {len(STRUCTURAL)} structural changes of the real period "
          f"(1 run each, untimed): {'; '.join(w for w, _ in STRUCTURAL)}.")
    for r in results:
        if r["label"].endswith("damaged"):
            t = r["tallies"]
            print(f"\n{r['label']}: rules with a check not passed "
                  "(checks/passed/within rounding/failed/unevaluable):")
            for rule, v in sorted(t.items()):
                if v["passed"] != v["checks"]:
                    print(f"- {rule}: " + "/".join(str(v[f]) for f in FIELDS))
    print(f"\nmachine: {len(os.sched_getaffinity(0))} CPUs, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, zzqa at {revision(root)}")
    if args.keep:
        (base / "edits.txt").write_text(
            "\n".join(f"{k}: {e}" for k, v in edits.items() for e in v) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
