"""How well zzqa finds and names a mistyped cell: damage the real period at random, many times.

    python benchmarks/damage.py [--runs 300] [--seed 1]

Each run copies data/2020-09, picks one printed number of one appendix table (seeded), and
applies one typical keying error to it: two adjacent digits swapped, a digit dropped or
doubled, the decimal point shifted, the value of the neighbouring row copied, or the last
digit truncated away.  A damage that leaves the value inside its own rounding interval, or
yields text that is not a number, is drawn again.  Then:

- detected: a finding (error or warning) appears that the undamaged period does not have;
- localized: the damaged cell is among the new suspects;
- top-1: the first new suspect is the damaged cell — counted over the runs where the checks
  single it out (it is a suspect and not one of a tie).

Prints one line per keying error and the totals (markdown) to stdout.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zzqa import catalog, engine, form, numbers, period  # noqa: E402

REAL = ROOT / "data" / "2020-09"


def damages(text: str, column: list[str], row: int, rng: random.Random) -> tuple[str, str]:
    """One keying error applied to `text`; returns (kind, new text)."""
    body, pct = text.rstrip("%"), "%" if text.endswith("%") else ""
    digits = [k for k, c in enumerate(body) if c.isdigit()]
    kinds = ["transposition", "dropped digit", "doubled digit", "decimal shift", "neighbour copy",
             "truncation"]
    kind = rng.choice(kinds)
    if not digits:  # a blank read as 0 (appendix 5): nothing printed to mistype
        return kind, text
    chars = list(body)
    if kind == "transposition" and len(digits) > 1:
        k = rng.randrange(len(digits) - 1)
        a, b = digits[k], digits[k + 1]
        chars[a], chars[b] = chars[b], chars[a]
    elif kind == "dropped digit" and len(digits) > 1:
        del chars[rng.choice(digits)]
    elif kind == "doubled digit":
        k = rng.choice(digits)
        chars.insert(k, chars[k])
    elif kind == "decimal shift":
        p = numbers.parse(body)
        if p is None:
            return kind, text
        factor = rng.choice([10, 100])
        value = p.value * factor if rng.random() < 0.5 else p.value / factor
        return kind, numbers.fmt(value * numbers.UNIT, p.decimals) + pct
    elif kind == "neighbour copy":
        others = [column[r] for r in (row - 1, row + 1) if 0 <= r < len(column)]
        return kind, rng.choice(others) if others else text
    elif kind == "truncation" and "." in body and len(body.split(".")[1]) > 0:
        return kind, body[:-1].rstrip(".") + pct
    return kind, "".join(chars) + pct


def changed(old: str, new: str) -> bool:
    """The new text is a number outside the rounding interval of the old one."""
    a, b = numbers.parse(old.rstrip("%")), numbers.parse(new.rstrip("%"))
    if a is None or b is None:
        return False
    lo, hi = a.interval()
    return not lo <= b.scaled <= hi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--misses", action="store_true",
                    help="list undetected and unlocalized damages on stderr")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    checks = ROOT / "checks"
    f = form.load(checks)
    c = catalog.load(checks, f)
    base = engine.run(period.load(REAL, f), f, c)
    seen = {(x.rule, x.cells[0].file if x.cells else "", x.cells[0].line if x.cells else 0,
             x.cells[0].column if x.cells else "") for x in base.findings}
    known = {(s.cell.file, s.cell.line, s.cell.column) for s in base.suspects}
    tables = period.load(REAL, f).tables
    cells = [(t, r, col) for t in tables.values() for col, a in t.columns.items()
             for r in range(len(t.raw)) if a.state[r] == numbers.NUMBER]
    stats: dict[str, Counter] = defaultdict(Counter)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "p"
        for _ in range(args.runs):
            while True:
                t, row, col = rng.choice(cells)
                old = t.text(row, col)
                kind, new = damages(old, t.raw[col].tolist(), row, rng)
                if changed(old, new):
                    break
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(REAL, work)
            lines = (work / t.file).read_text(encoding="utf-8").split("\n")
            cells_of_line = lines[row + 1].split(",")
            cells_of_line[list(t.raw.columns).index(col)] = new
            lines[row + 1] = ",".join(cells_of_line)
            (work / t.file).write_text("\n".join(lines), encoding="utf-8")
            report = engine.run(period.load(work, f), f, c)
            found = {(x.rule, x.cells[0].file if x.cells else "", x.cells[0].line if x.cells
                      else 0, x.cells[0].column if x.cells else "")
                     for x in report.findings if x.severity in ("error", "warning")}
            target = (t.file, row + 2, col)
            new_suspects = [s for s in report.suspects
                            if (s.cell.file, s.cell.line, s.cell.column) not in known]
            ours = [s for s in new_suspects
                    if (s.cell.file, s.cell.line, s.cell.column) == target]
            s = stats[kind]
            s["runs"] += 1
            s["detected"] += bool(found - seen)
            if args.misses and not found - seen:
                print(f"undetected: {t.file}:{row + 2}:{col} {old} -> {new} ({kind})",
                      file=sys.stderr)
            s["localized"] += bool(ours)
            if args.misses and found - seen and not ours:
                top = new_suspects[0] if new_suspects else None
                blamed = (f"first suspect {top.cell.file}:{top.cell.line}:{top.cell.column} "
                          f"({top.confidence})" if top else "no suspect")
                print(f"not localized: {t.file}:{row + 2}:{col} {old} -> {new} ({kind}); "
                      f"{blamed}", file=sys.stderr)
            if ours and ours[0].confidence != "tie":
                s["singled out"] += 1
                first = new_suspects[0]
                s["top-1"] += (first.cell.file, first.cell.line, first.cell.column) == target
    total = sum(stats.values(), Counter())
    print("| keying error | runs | detected | localized | singled out | top-1 of singled out |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, s in [*sorted(stats.items()), ("all", total)]:
        single = s["singled out"]
        print(f"| {kind} | {s['runs']} | {s['detected']} ({100 * s['detected'] / s['runs']:.0f}%)"
              f" | {s['localized']} ({100 * s['localized'] / s['runs']:.0f}%) | {single} | "
              f"{s['top-1']} ({100 * s['top-1'] / single if single else 0:.0f}%) |")


if __name__ == "__main__":
    main()
