"""Fuzz `zzqa check` with randomly damaged copies of the real period: never an internal
error, never a hang, memory bounded.

    python benchmarks/fuzz.py [--runs 10000] [--seed 1] [--jobs 2] [--timeout 60]

Each run copies data/2020-09 (and, one run in ten, checks/) into a temporary folder and
applies one to four damages drawn at random (seeded): bytes flipped, files cut short,
emptied, removed, doubled; rows deleted, duplicated or shuffled; cells blanked, replaced by
huge, negative, full-width, non-numeric or control-character text; headers renamed,
dropped, duplicated; other separators, line ends, byte-order marks and encodings (UTF-16,
GBK, invalid UTF-8); symlinks inside and outside the folder, FIFOs; YAML aliases, wrong
types and huge keys in period.yaml; prose with scaled figures, 万/亿 exchanged, very long
lines, numbers everywhere; rule files with broken templates and formulas.  Then it runs
`zzqa check` in a worker process (the command line's own `main`, as a user would) and
sorts the outcome: exit 0 or 1 (a report), exit 2 with a one-line message naming the
input (refused), or a failure — an internal error, a traceback, a run over --timeout
seconds, an exit status other than 0, 1, 2.  Workers are restarted every 200 runs; the
peak resident memory of each is read from the system.

Prints one line per failure (seed, damages, what happened) and a summary to stdout; exits
1 when there was any failure.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data" / "2020-09"
CHECKS = ROOT / "checks"
sys.path.insert(0, str(ROOT))


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def damage_csv(path: Path, rng: random.Random) -> str:
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    choice = rng.randrange(22)
    if choice == 0:  # flip bytes
        b = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        path.write_bytes(bytes(b))
        return "bytes flipped"
    if choice == 1:
        path.write_bytes(data[: rng.randrange(len(data) + 1)])
        return "cut short"
    if choice == 2:
        path.write_bytes(b"")
        return "emptied"
    if choice == 3:
        path.unlink()
        return "removed"
    if choice == 4:  # delete rows
        keep = [ln for i, ln in enumerate(lines) if i == 0 or rng.random() > 0.3]
        path.write_text("\n".join(keep), encoding="utf-8")
        return "rows deleted"
    if choice == 5:
        extra = rng.sample(lines[1:], k=min(len(lines) - 1, rng.randint(1, 5))) if len(
            lines) > 1 else []
        path.write_text("\n".join(lines + extra), encoding="utf-8")
        return "rows duplicated"
    if choice == 6:
        body = lines[1:]
        rng.shuffle(body)
        path.write_text("\n".join(lines[:1] + body), encoding="utf-8")
        return "rows shuffled"
    if choice in (7, 8, 9, 10, 11):  # one cell replaced
        cells = [ln.split(",") for ln in lines]
        rows = [i for i in range(1, len(cells)) if len(cells[i]) > 1]
        if not rows:
            return "no cell"
        r = rng.choice(rows)
        c = rng.randrange(len(cells[r]))
        new = rng.choice(["", "-", "/", "1e400", "9" * 25, "-35", "１２．５", "12,5", "abc",
                          "\x1b[31m", "\x00", "NaN", "inf", "1.2.3", "%", "50%%", "  7  ",
                          "0x1F", "٣", "1_000", "\u202e99", "'=1+1", "1" * 400,
                          str(rng.uniform(-1e9, 1e9))])
        cells[r][c] = new
        path.write_text("\n".join(",".join(x) for x in cells), encoding="utf-8")
        return f"cell {r}:{c} = {new[:12]!r}"
    if choice == 12:  # header renamed / dropped / duplicated
        head = lines[0].split(",")
        k = rng.randrange(len(head))
        op = rng.randrange(3)
        if op == 0:
            head[k] = head[k] + "x"
        elif op == 1:
            del head[k]
        else:
            head.append(head[k])
        path.write_text("\n".join([",".join(head), *lines[1:]]), encoding="utf-8")
        return "header changed"
    if choice == 13:
        sep = rng.choice([";", "\t", "，", "|"])
        path.write_text(text.replace(",", sep), encoding="utf-8")
        return f"separator {sep!r}"
    if choice == 14:
        end = rng.choice(["\r\n", "\r", "\n\n"])
        path.write_text(text.replace("\n", end), encoding="utf-8", newline="")
        return f"line ends {end!r}"
    if choice == 15:
        path.write_bytes(b"\xef\xbb\xbf" + data)
        return "BOM"
    if choice == 16:
        enc = rng.choice(["utf-16", "gbk", "latin-1"])
        path.write_bytes(text.encode(enc, errors="replace"))
        return f"encoding {enc}"
    if choice == 17:
        path.unlink()
        path.symlink_to(rng.choice(["/etc/passwd", "/dev/zero", "/dev/urandom", "/nonexistent",
                                    str(path.parent)]))
        return "symlink"
    if choice == 18:
        path.unlink()
        os.mkfifo(path)
        return "FIFO"
    if choice == 19:
        quoted = "\n".join(",".join(f'"{x}"' for x in ln.split(",")) for ln in lines)
        path.write_text(quoted, encoding="utf-8")
        return "quoted"
    if choice == 20:
        path.write_text(lines[0] + "\n", encoding="utf-8")
        return "header only"
    big = "\n".join(lines + lines[1:] * rng.randint(10, 200))
    path.write_text(big, encoding="utf-8")
    return "long"


def damage_prose(path: Path, rng: random.Random) -> str:
    text = path.read_bytes().decode("utf-8", errors="replace")
    choice = rng.randrange(7)
    if choice == 0:
        out = "".join(str(int(c) * 3 % 10) if c.isdigit() and rng.random() < 0.1 else c
                      for c in text)
        path.write_text(out, encoding="utf-8")
        return "prose digits changed"
    if choice == 1:
        path.write_text(text.replace("亿", "\0").replace("万", "亿").replace("\0", "万"),
                        encoding="utf-8")
        return "万/亿 exchanged"
    if choice == 2:
        path.write_text(text.replace("\n", " ") * rng.randint(1, 30), encoding="utf-8")
        return "one long line"
    if choice == 3:
        path.write_text(" ".join(str(rng.uniform(0, 1e6)) for _ in range(20000)),
                        encoding="utf-8")
        return "numbers everywhere"
    if choice == 4:
        path.write_bytes(text.encode("utf-8")[: rng.randrange(len(text))] + b"\xff\xfe")
        return "prose broken UTF-8"
    if choice == 5:
        path.write_text(text.replace("。", "\x1b]0;pwned\x07。"), encoding="utf-8")
        return "prose escapes"
    path.unlink()
    return "prose removed"


def damage_period_yaml(path: Path, rng: random.Random) -> str:
    options = [
        "period: 2020-09\na: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
        "period: [1, 2]\n", "period: 2020-13\n", "period: ２０２０-０９\n",
        "period: 2020-09\nx: 1\n",
        "{{{{", "", "period: !!python/object/apply:os.system ['echo hi']\n",
        "period: 2020-09\n" + "k" * 100000 + ": 1\n"]
    path.write_text(rng.choice(options), encoding="utf-8")
    return "period.yaml"


def damage_rules(checks: Path, rng: random.Random) -> str:
    path = rng.choice(sorted((checks / "rules").glob("*.yaml")))
    text = path.read_bytes().decode("utf-8", errors="replace")
    options = [("message:", "message: '{0} {label!z}'"),
               ("title:", "message: '{nope}'\n    title:"),
               ("formulas:", "formulas: ['a = b +']\n    x:"), ("kind: ", "kind: nokind\n    y: "),
               ("severity: error", "severity: fatal"), ("table: a", "table: zz"),
               ("- id: ", "- id: &x ")]
    old, new = rng.choice(options)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f"rules {path.name}: {new[:20]!r}"


def one(seed: int, timeout: int) -> tuple:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="zzqa-fuzz-"))
    try:
        folder = work / "p"
        shutil.copytree(REAL, folder)
        checks = CHECKS
        did = []
        if rng.random() < 0.1:
            checks = work / "checks"
            shutil.copytree(CHECKS, checks)
            did.append(damage_rules(checks, rng))
        for _ in range(rng.randint(1, 4)):
            target = rng.random()
            try:  # a damage that cannot apply (an emptied file, a FIFO) is skipped
                if target < 0.75:
                    csv = rng.choice(sorted(p for p in folder.glob("a*.csv") if p.is_file()
                                            and not p.is_symlink()) or [folder / "a1_scores.csv"])
                    did.append(f"{csv.name}: " + (damage_csv(csv, rng) if csv.exists() else "-"))
                elif target < 0.93 and (folder / "bulletin.md").is_file():
                    did.append(damage_prose(folder / "bulletin.md", rng))
                else:
                    did.append(damage_period_yaml(folder / "period.yaml", rng))
            except (OSError, ValueError, IndexError) as exc:
                did.append(f"damage skipped ({type(exc).__name__})")
        from zzqa.cli import cli
        out, err = io.StringIO(), io.StringIO()
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(timeout)
        start = time.perf_counter()
        code = None
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    cli.main(["check", str(folder), "--checks", str(checks), "--format",
                              rng.choice(["text", "json", "plain"])], standalone_mode=True)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
        except Timeout:
            return seed, did, "hang", f"over {timeout} s"
        except BaseException as exc:  # any escape is the failure looked for
            return seed, did, "crash", f"{type(exc).__name__}: {exc}"
        finally:
            signal.alarm(0)
        wall = time.perf_counter() - start
        text = err.getvalue()
        if "internal error" in text or "Traceback" in text or "Traceback" in out.getvalue():
            return seed, did, "internal error", text.strip()[:300]
        if code not in (0, 1, 2):
            return seed, did, "exit", f"exit {code}"
        if code == 2 and not text.startswith(("zzqa: ", "Usage:", "Error:")):
            return seed, did, "refused without a message", text[:200]
        return seed, did, f"exit {code}", f"{wall:.2f}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def worker(args):
    seed, timeout, limit = args
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    result = one(seed, timeout)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    if after > limit and after > before and result[2].startswith("exit "):
        result = (*result[:2], "memory", f"the worker's peak rose to {after} MB")
    return (*result, after)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=60, help="seconds a run may take")
    ap.add_argument("--max-mb", type=int, default=1024, help="peak memory a run may reach")
    args = ap.parse_args()
    os.environ.setdefault("ZZQA_CACHE_DIR", tempfile.mkdtemp(prefix="zzqa-fuzz-cache-"))
    start = time.perf_counter()
    outcomes, peak, failures, slowest = Counter(), 0, [], 0.0
    seeds = [(args.seed * 1_000_003 + i, args.timeout, args.max_mb) for i in range(args.runs)]
    with multiprocessing.get_context("fork").Pool(args.jobs, maxtasksperchild=200) as pool:
        for n, (seed, did, what, detail, rss) in enumerate(
                pool.imap_unordered(worker, seeds, chunksize=10), 1):
            peak = max(peak, rss)
            outcomes[what] += 1
            if what.startswith("exit ") and what != "exit 2":
                slowest = max(slowest, float(detail))
            if not what.startswith("exit "):
                failures.append((seed, did, what, detail))
                print(f"FAIL seed {seed}: {what}: {detail} <- {'; '.join(did)}", flush=True)
            if n % 500 == 0:
                print(f"# {n} runs, {time.perf_counter() - start:.0f} s, peak {peak} MB",
                      file=sys.stderr, flush=True)
    wall = time.perf_counter() - start
    print(f"\n{args.runs} fuzzed periods (seed {args.seed}) in {wall:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"failures (internal error, crash, hang, memory): {len(failures)}; slowest report "
          f"{slowest:.1f} s; peak memory of a worker {peak} MB")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
