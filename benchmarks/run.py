"""Time `zzqa check` end to end: synthetic periods of growing size, the real period, the floor.

    python benchmarks/run.py [--sizes 10,1000,10000,100000] [--runs 5] [--floor-runs 9] [--slow 60]
                             [--damaged]

Each measurement runs the command as a subprocess and reads its wall time and peak resident
memory (os.wait4: the rusage of exactly that child); the table gives medians and the range
of wall times.  Synthetic periods (benchmarks/synthetic.py, run as its own process so that
this one stays small: a child's peak RSS counts the parent's at fork) are written to a
temporary folder and checked with `--fail-on warning`, so that a run reporting any warning
or error aborts the benchmark (the one info says the synthetic period has no bulletin.md).
A size whose first run takes longer than --slow seconds is run only once.  The floor is
`python -c "import pandera"`: the import zzqa cannot avoid.  Progress goes to stderr, the
markdown table to stdout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REAL = ROOT / "data" / "2020-09"


# `python -m zzqa` with this checkout first on the path: the zzqa measured is the one next to
# this script (what the `zzqa` console script runs, without a pyenv shim in front of it)
ZZQA = [sys.executable, "-m", "zzqa"]
PATH = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
ENV = dict(os.environ, PYTHONPATH=PATH)


def measure(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        err = proc.stderr.read().decode(errors="replace").strip()
        sys.exit(f"{' '.join(cmd)}: exit {code} (expected {ok}) {err}")
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024


def summary(samples: list[tuple[float, float]]) -> dict:
    walls, rss = zip(*samples, strict=True)
    return {"runs": len(walls), "wall": statistics.median(walls), "min": min(walls),
            "max": max(walls), "rss": statistics.median(rss)}


def repeat(cmd: list[str], runs: int, slow: float, ok=(0,)) -> dict:
    samples = [measure(cmd, ok)]
    if samples[0][0] <= slow:
        samples += [measure(cmd, ok) for _ in range(runs - 1)]
    return summary(samples)


def damage(folder: Path) -> None:
    """Three keying errors, so that the damaged runs time zzqa's localisation too: a digit
    typed twice in an amount of appendix 2, two digits of appendix 5's total row swapped, a
    decimal point shifted in a count of appendix 6 (read as 10×)."""
    for file, row, column, edit in (
            ("a2_investment.csv", 5, "plan_support", lambda t: t[0] + t),
            ("a5_investment_attraction.csv", 1, "total_done", lambda t: t[1] + t[0] + t[2:]),
            ("a6_starts_completions.csv", 3, "start_actual", lambda t: t + "0")):
        path = folder / file
        lines = path.read_text(encoding="utf-8").split("\n")
        values = lines[row].split(",")
        k = lines[0].split(",").index(column)
        values[k] = edit(values[k])
        lines[row] = ",".join(values)
        path.write_text("\n".join(lines), encoding="utf-8")


def cells(folder: Path) -> int:
    """Data cells of the nine tables: rows × columns, header excluded."""
    total = 0
    for path in folder.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        total += (len(lines) - 1) * len(lines[0].split(","))
    return total


def revision() -> str:
    """The commit measured, marked dirty when zzqa/ or checks/ has uncommitted changes."""
    def git(*a):
        return subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True, text=True).stdout
    rev = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "zzqa", "checks")
    return rev + (" + uncommitted changes" if dirty else "")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,1000,10000,100000",
                    help="comma-separated numbers of units (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="runs per size (default: %(default)s)")
    ap.add_argument("--floor-runs", type=int, default=9,
                    help="runs of the real period and of the floor (default: %(default)s)")
    ap.add_argument("--slow", type=float, default=60,
                    help="run a size once if its first run takes longer (s, default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--damaged", action="store_true",
                    help="also time each size with three cells damaged (localisation)")
    ap.add_argument("--python", default=None,
                    help="an interpreter with zzqa installed (e.g. a runtime venv made by "
                         "`pip install .`, without the test extras): it runs zzqa and the "
                         "floor, with its own installation (default: this checkout)")
    args = ap.parse_args()
    if args.python:  # the installed zzqa of that environment, not this checkout's source
        ZZQA[:] = [args.python, "-m", "zzqa"]
        ENV.pop("PYTHONPATH", None)
    python = args.python or sys.executable
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rev = revision()

    rows = []
    with tempfile.TemporaryDirectory(prefix="zzqa-bench-") as tmp:
        for n in sizes:
            period = Path(tmp) / f"units-{n}" / "period"
            log(f"generating {n} units ...")
            subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(period), str(n),
                            "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
            checks = period.parent / "checks"
            log(f"timing zzqa check on {n} units ...")
            cmd = [*ZZQA, "check", str(period), "--checks", str(checks), "--fail-on", "warning"]
            r = repeat(cmd, args.runs, args.slow)
            rows.append((f"synthetic, {n} units", n, cells(period), r))
            log(f"  {r['wall']:.2f} s, {r['rss']:.0f} MB ({r['runs']} runs)")
            if args.damaged:
                damage(period)
                log(f"timing zzqa check on {n} units with three cells damaged ...")
                r = repeat(cmd, args.runs, args.slow, ok=(1,))
                rows.append((f"synthetic, {n} units, 3 cells damaged", None, cells(period), r))
                log(f"  {r['wall']:.2f} s, {r['rss']:.0f} MB ({r['runs']} runs)")

    log("timing the real period and the floor (interleaved) ...")
    real_cmd = [*ZZQA, "check", str(REAL), "--checks", str(ROOT / "checks")]
    floor_cmd = [python, "-c", "import pandera"]
    samples = {"real": [], "floor": []}
    measure(real_cmd, ok=(0, 1))  # warm: the compiled catalog is cached after one run
    for _ in range(args.floor_runs):
        samples["floor"].append(measure(floor_cmd))
        samples["real"].append(measure(real_cmd, ok=(0, 1)))  # the real period has findings
    rows.append(("real period data/2020-09", None, cells(REAL), summary(samples["real"])))
    rows.append(('python -c "import pandera"', None, None, summary(samples["floor"])))

    base = rows[0] if sizes else None
    print("| input | cells | runs | wall (median, s) | wall (range, s) | peak RSS (median, MB) "
          "| s per M cells | marginal s per M cells |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, n, c, r in rows:
        per = f"{r['wall'] / c * 1e6:.2f}" if c else ""
        marginal = ""
        if n and base and n != base[1]:
            marginal = f"{(r['wall'] - base[3]['wall']) / (c - base[2]) * 1e6:.2f}"
        print(f"| {label} | {c or ''} | {r['runs']} | {r['wall']:.2f} "
              f"| {r['min']:.2f}–{r['max']:.2f} | {r['rss']:.0f} | {per} | {marginal} |")
    real, floor = rows[-2][3], rows[-1][3]
    pairs = zip(samples["real"], samples["floor"], strict=True)
    paired = statistics.median(a[0] - b[0] for a, b in pairs)
    print(f"\nreal period − floor: {real['wall'] - floor['wall']:+.2f} s "
          f"(median of paired runs: {paired:+.2f} s; ratio {real['wall'] / floor['wall']:.2f})")
    print(f"machine: {len(os.sched_getaffinity(0))} CPUs, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, zzqa at {rev}")


if __name__ == "__main__":
    main()
