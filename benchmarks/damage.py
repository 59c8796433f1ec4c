"""How well zzqa finds and names a mistyped cell: damage the real period at random, many times.

    python benchmarks/damage.py [--runs 300] [--seed 1] [--jobs 2] [--misses]

Each run copies data/2020-09, picks one printed number of one appendix table (seeded), and
applies one typical keying error to it: two adjacent digits swapped, a digit dropped or
doubled, the decimal point shifted, the value of the neighbouring row copied, or the last
digit truncated away.  A damage is drawn again when the new text is not a number or is
still a rounding of the old value (its interval meets the old one: 67.3% -> 67% is the same
figure printed with fewer decimals, not a change).  Then, for each run:

- visible: some check reading the cell cannot hold with the new value, every other cell
  read at its column's decimals (at its printed decimals for a check that holds only
  within rounding; a check that already failed changes its finding).  A
  damage that is not visible lies inside the slack the bulletin's own rounding leaves: no
  rounding-consistent check can see it, and it is listed with that slack;
- detected: the report has an error or warning the undamaged period does not have;
- localized: the damaged cell is named: a new suspect, or the cell that a new
  holds-only-within-rounding warning (D001) blames, with the value that makes it exact;
- top-1: the first new suspect is the damaged cell, counted over the runs where the checks
  single it out (it is a suspect and not one of a tie).

Prints one line per keying error and the totals (markdown) to stdout.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from zzqa import catalog, engine, form, locate, numbers, period  # noqa: E402
from zzqa.checks import FAIL, PASS, Reader  # noqa: E402
from zzqa.context import Context, Result  # noqa: E402

REAL = ROOT / "data" / "2020-09"


def damages(text: str, column: list[str], row: int, rng: random.Random) -> tuple[str, str]:
    """One keying error applied to `text`; returns (kind, new text)."""
    body, pct = text.rstrip("%"), "%" if text.endswith("%") else ""
    digits = [k for k, c in enumerate(body) if c.isdigit()]
    kinds = ["transposition", "dropped digit", "doubled digit", "decimal shift", "neighbour copy",
             "truncation", "mistyped digit"]
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
    elif kind == "mistyped digit":
        k = rng.choice(digits)
        chars[k] = rng.choice([d for d in "0123456789" if d != chars[k]])
    elif kind == "truncation" and "." in body and len(body.split(".")[1]) > 0:
        return kind, body[:-1].rstrip(".") + pct
    return kind, "".join(chars) + pct


def changed(old: str, new: str) -> bool:
    """The new text is a number that cannot be a rounding of the old one: their rounding
    intervals do not meet."""
    a, b = numbers.parse(old.rstrip("%")), numbers.parse(new.rstrip("%"))
    if a is None or b is None:
        return False
    (lo, hi), (nlo, nhi) = a.interval(), b.interval()
    return nhi < lo or hi < nlo


def draw(rng: random.Random, cells: list) -> tuple:
    while True:
        t, row, col = rng.choice(cells)
        old = t.text(row, col)
        kind, new = damages(old, t.raw[col].tolist(), row, rng)
        if changed(old, new):
            return t.name, t.file, row, col, old, new, kind


def checks_of(p, c) -> list:
    """Every arithmetic check of the catalog on period p, as the engine makes them."""
    ctx = Context(p, FORM)
    return [Result(rule, checks) for rule in c.rules if rule.module.STAGE == "table"
            for checks in rule.module.check(rule, ctx)]


def slack(base, checked, ref, new: str):
    """None when the damage is visible; else the interval the checks reading the cell
    allow (every other cell read at its column's decimals), which the new value meets."""
    table = base.tables[ref[0]]
    conv = table.convention.get(ref[2], 0)
    parsed = numbers.parse(new.rstrip("%"))
    value = parsed.interval(exact=table.spec.column(ref[2]).exact,
                            decimals=max(conv, parsed.decimals))
    lo, hi = -10**30, 10**30
    for key, checks in locate.index(checked, [ref]).get(ref, []):
        i = key.i
        if checks.status[i] == FAIL:
            return None  # a failed check reads the cell: its finding changes
        # a check that holds exactly must keep holding at the columns' decimals; one that
        # holds only within rounding, at the printed decimals (or it becomes an error)
        reader = Reader(base, loose=frozenset()) if checks.status[i] == PASS else Reader(base)
        need = checks.solve(i, ref, reader)
        if need is None:
            continue
        lo, hi = max(lo, need[0]), min(hi, need[1])
    if value[1] < lo or hi < value[0]:
        return None
    return numbers.fmt(int(max(lo, -10**15))), numbers.fmt(int(min(hi, 10**15)))


def swap_visible(base, checked, name: str, edits) -> bool:
    """Some check reading either cell cannot hold with the two values exchanged (every
    other cell read at its column's decimals; a check that already failed changes its
    finding)."""
    (ra, col, _), (rb, _, _) = edits[0], edits[1]
    table = base.tables[name]
    a, b = (name, ra, col), (name, rb, col)
    new = {a: table.interval(rb, col, "loose"), b: table.interval(ra, col, "loose")}
    for ref, other in ((a, b), (b, a)):
        for key_, checks in locate.index(checked, [ref]).get(ref, []):
            i = key_.i
            if checks.status[i] == FAIL:
                return True
            loose = frozenset() if checks.status[i] == PASS else None
            need = checks.solve(i, ref, Reader(base, loose=loose, override={other: new[other]}))
            if need is not None and (need[1] < new[ref][0] or new[ref][1] < need[0]):
                return True
    return False


def lost_implies(base, checked, ref) -> bool:
    """The checks reading the cell, solved for it with the others as printed, leave no room
    for 0 (the kind of lost value issue 13 asks to be named: one whose value is not 0)."""
    least = base.tables[ref[0]].spec.column(ref[2]).minimum
    lo, hi = (-10**30 if least is None else least * numbers.UNIT), 10**30
    used = 0
    for key_, checks in locate.index(checked, [ref]).get(ref, []):
        need = checks.solve(key_.i, ref, Reader(base))
        if need is not None:
            lo, hi, used = max(lo, need[0]), min(hi, need[1]), used + 1
    return bool(used) and lo <= hi and (lo > 0 or hi < 0)


def key(f) -> tuple:
    return f.rule, f.message, tuple(f.cells)


def damaged_report(name: str, file: str, edits: list[tuple[int, str, str]],
                   also_checks: bool = False):
    """zzqa's report on a copy of the real period with cells (row, column) set to text
    (and, with `also_checks`, the damaged period and its checks)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "p"
        shutil.copytree(REAL, work)
        lines = (work / file).read_text(encoding="utf-8").split("\n")
        for row, col, new in edits:
            cells_of_line = lines[row + 1].split(",")
            cells_of_line[list(BASE.tables[name].raw.columns).index(col)] = new
            lines[row + 1] = ",".join(cells_of_line)
        (work / file).write_text("\n".join(lines), encoding="utf-8")
        damaged = period.load(work, FORM)
        report = engine.run(damaged, FORM, CATALOG)
        return (report, damaged, checks_of(damaged, CATALOG)) if also_checks else report


def _broken(checked) -> dict:
    """The checks failing on the damaged period that hold on the real one."""
    broken = {}
    for n, result in enumerate(checked):
        base = BASE_CHECKS[n].checks
        same = len(base) == len(result.checks)
        for i in np.flatnonzero(result.checks.status == FAIL).tolist():
            if not (same and base.status[i] == FAIL):
                broken[(n, i)] = result.checks
    return broken


def _fits(damaged, involved, ref, broken, override) -> bool:
    """With the cells of `override` changed, every check reading `ref` that passes or that
    the damage broke holds (a failure the real period has is left aside)."""
    reader = Reader(damaged, override={r: v for r, v in override.items() if r != ref})
    for k, checks in involved:
        if checks.status[k.i] == FAIL and (k.result, k.i) not in broken:
            continue
        need = checks.solve(k.i, ref, reader)
        own = override[ref]
        if need is not None and (need[1] < own[0] or own[1] < need[0]):
            return False
    return True


def exchange_rivals(damaged, checked, targets: set) -> list:
    """Other pairs of cells of one column (units' rows) whose exchange makes every check the
    damage broke hold and keeps every passing check reading them holding."""
    broken = _broken(checked)
    cells = {r for (n, i), c in broken.items() for r in c.cells(i) if isinstance(r, tuple)}
    out = []
    for a in cells:
        table = damaged.tables[a[0]]
        totals = table.is_total.to_numpy()
        state = table.arrays(a[2]).state
        for row in range(len(state)):
            b = (a[0], row, a[2])
            if b == a or totals[row] or state[row] != numbers.NUMBER or {a, b} == targets:
                continue
            ia, ib = (table.interval(x[1], x[2], "loose") for x in (a, b))
            if ia is None or ib is None or not (ia[1] < ib[0] or ib[1] < ia[0]):
                continue
            override = {a: ib, b: ia}
            reads = locate.index(checked, [a, b])
            keys = {(k.result, k.i) for x in (a, b) for k, _ in reads.get(x, [])}
            if set(broken) <= keys and all(_fits(damaged, reads.get(x, []), x, broken, override)
                                           for x in (a, b)):
                out.append((a, b))
    return out


def rivals(damaged, checked, target) -> list:
    """Other cells whose change alone, to some value, makes every check that the damage
    broke hold while every passing check reading them keeps holding (the checks' own
    verdict, solved cell by cell; the failures the real period already had are left
    aside).  When there are any, the checks alone cannot tell which cell is wrong: only
    the evidence of how the text was typed can."""
    broken = _broken(checked)
    cells = {r for (n, i), c in broken.items() for r in c.cells(i) if isinstance(r, tuple)}
    reads = locate.index(checked, cells)
    out = []
    for ref in cells - {target}:
        involved = reads.get(ref, [])
        keys = {(k.result, k.i) for k, _ in involved}
        if not set(broken) <= keys:
            continue  # a broken check does not read it
        least = damaged.tables[ref[0]].spec.column(ref[2]).minimum
        lo, hi = (-10**30 if least is None else least * numbers.UNIT), 10**30
        for k, checks in involved:
            status = checks.status[k.i]
            if status == FAIL and (k.result, k.i) not in broken:
                continue  # a failure the real period has: left aside
            need = checks.solve(k.i, ref, Reader(damaged))
            if need is not None:
                lo, hi = max(lo, need[0]), min(hi, need[1])
        if lo <= hi:
            out.append(ref)
    return out


def structural(damage) -> dict:
    """An exchange of two units' values in one column, or a value lost (left blank): what
    zzqa detected, and whether it named the cells (the swap as such; the lost value with
    the value it held)."""
    kind, name, file, edits, olds = damage
    report, damaged, checked = damaged_report(name, file, edits, also_checks=True)
    new_findings = [f for f in report.findings
                    if f.severity in ("error", "warning") and key(f) not in SEEN]
    spot = lambda cell: (cell.file, cell.line, cell.column)  # noqa: E731
    targets = {(file, row + 2, col) for row, col, _ in edits}
    suspects = [s for s in report.suspects if spot(s.cell) not in KNOWN]
    if kind == "lost value":
        (row, col, _), old = edits[0], olds[0]
        lost = [f for f in report.findings if f.rule == "V002" and f.cells
                and spot(f.cells[0]) == (file, row + 2, col)]
        # named first: the interval the message states holds the value the cell held, and
        # a value it names is a rounding of that value (0.21 for a cell printed "0.2")
        right = bool(lost) and _holds(old, lost[0])
        return {"kind": kind, "visible": lost_implies(BASE, BASE_CHECKS, (name, row, col)),
                "detected": any(f.severity in ("error", "warning") for f in lost),
                "localized": bool(lost), "first": right,
                "where": f"{file}:{row + 2}:{col} {old} -> blank "
                f"({lost[0].severity}: {lost[0].message if lost else 'not reported'})"}
    swapped = [s for s in suspects if s.pattern == "two rows swapped"
               and spot(s.cell) in targets]
    named = {spot(s.cell) for s in suspects} & targets
    pair = {(name, row, col) for row, col, _ in edits}
    ambiguous = bool(rivals(damaged, checked, None) or exchange_rivals(damaged, checked, pair))
    return {"kind": kind, "visible": swap_visible(BASE, BASE_CHECKS, name, edits),
            "ambiguous": ambiguous,
            "detected": bool(new_findings),
            "localized": bool(swapped) or named == targets,
            "first": bool(suspects) and spot(suspects[0].cell) in targets
            and suspects[0].pattern == "two rows swapped" and suspects[0].confidence != "tie",
            "where": f"{file} {edits[0][1]}: rows {edits[0][0] + 2} and {edits[1][0] + 2} "
                     f"exchanged ({olds[0]} <-> {olds[1]}); first suspect "
                     f"{spot(suspects[0].cell) if suspects else None}"
                     f" {suspects[0].pattern if suspects else ''}"}


def _holds(old: str, finding) -> bool:
    """The V002 message's interval (its `low`/`high` ends, or the suggestion) holds the old
    value at its printed decimals, and a suggested value is a rounding of it."""
    a = numbers.parse(old.rstrip("%"))
    if finding.suggestion and changed(old, finding.suggestion):
        return False
    ends = re.findall(r"(?:from|between) (-?[\d.]+)%? (?:to|and) (-?[\d.]+)%?", finding.message)
    if not ends and finding.suggestion:  # "the checks imply 23": the one value
        return a is not None
    if not ends or a is None:
        return False
    lo, hi = (numbers.parse(x) for x in ends[0])
    own = a.interval()
    return lo.scaled <= own[1] and own[0] <= hi.scaled


def draw_structural(rng: random.Random, cells: list, kind: str):
    while True:
        t, row, col = rng.choice(cells)
        if kind == "lost value":
            if t.spec.blank_is_zero:
                continue
            return kind, t.name, t.file, [(row, col, "")], [t.text(row, col)]
        units = [r for r in range(len(t.raw)) if not t.is_total.iloc[r] and r != row
                 and t.columns[col].state[r] == numbers.NUMBER]
        if t.is_total.iloc[row] or not units:
            continue
        other = rng.choice(units)
        a, b = t.text(row, col), t.text(other, col)
        if changed(a, b):
            return kind, t.name, t.file, [(row, col, b), (other, col, a)], [a, b]


def one(damage) -> dict:
    """Run zzqa on one damaged copy; what it detected and whom it named."""
    name, file, row, col, old, new, kind = damage
    report, damaged, checked = damaged_report(name, file, [(row, col, new)], also_checks=True)
    new_findings = [f for f in report.findings
                    if f.severity in ("error", "warning") and key(f) not in SEEN]
    target = (file, row + 2, col)
    spot = lambda cell: (cell.file, cell.line, cell.column)  # noqa: E731
    new_suspects = [s for s in report.suspects if spot(s.cell) not in KNOWN]
    named = [s for s in new_suspects if spot(s.cell) == target]
    rounding = [f for f in new_findings if f.rule == "D001" and spot(f.cells[0]) == target]
    return {
        "kind": kind, "where": f"{file}:{row + 2}:{col} {old} -> {new}",
        "slack": slack(BASE, BASE_CHECKS, (name, row, col), new),
        "detected": bool(new_findings), "localized": bool(named or rounding),
        "singled out": bool(named) and named[0].confidence != "tie",
        "ambiguous": bool(rivals(damaged, checked, (name, row, col))),
        "top-1": bool(new_suspects) and spot(new_suspects[0].cell) == target,
        "first": (f"{spot(new_suspects[0].cell)} ({new_suspects[0].confidence})"
                  if new_suspects else "no suspect"),
    }


def setup() -> None:
    global FORM, CATALOG, BASE, BASE_CHECKS, SEEN, KNOWN
    checks = ROOT / "checks"
    FORM = form.load(checks)
    CATALOG = catalog.load(checks, FORM)
    BASE = period.load(REAL, FORM)
    BASE_CHECKS = checks_of(BASE, CATALOG)
    report = engine.run(BASE, FORM, CATALOG)
    SEEN = {key(f) for f in report.findings}
    KNOWN = {(s.cell.file, s.cell.line, s.cell.column) for s in report.suspects}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--misses", action="store_true",
                    help="list invisible, undetected and unlocalized damages on stderr")
    ap.add_argument("--structural", type=int, default=0,
                    help="also N runs each of two units' values exchanged in one column and "
                         "of a value lost (left blank), drawn apart (seed + 1000)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    setup()
    cells = [(t, r, col) for t in BASE.tables.values() for col, a in t.columns.items()
             for r in range(len(t.raw)) if a.state[r] == numbers.NUMBER]
    drawn = [draw(rng, cells) for _ in range(args.runs)]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        results = pool.map(one, drawn, chunksize=4)
    stats: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        s = stats[r["kind"]]
        s["runs"] += 1
        s["visible"] += r["slack"] is None
        for k in ("detected", "localized", "singled out"):
            s[k] += r[k]
        s["top-1"] += r["singled out"] and r["top-1"]
        s["visible detected"] += r["slack"] is None and r["detected"]
        s["visible localized"] += r["slack"] is None and r["localized"]
        # named first: the first new suspect is the damaged cell, alone (not one of a tie)
        s["visible first"] += r["slack"] is None and r["singled out"] and r["top-1"]
        s["decidable"] += r["slack"] is None and not r["ambiguous"]
        s["decidable first"] += (r["slack"] is None and not r["ambiguous"]
                                 and r["singled out"] and r["top-1"])
        if not args.misses:
            continue
        if r["slack"] is not None:
            print(f"invisible: {r['where']} ({r['kind']}); the checks allow "
                  f"{r['slack'][0]}…{r['slack'][1]}" + ("" if not r["detected"] else
                                                        ", detected all the same"),
                  file=sys.stderr)
        elif not r["detected"]:
            print(f"UNDETECTED: {r['where']} ({r['kind']})", file=sys.stderr)
        elif not r["localized"]:
            print(f"not localized: {r['where']} ({r['kind']}); first suspect {r['first']}",
                  file=sys.stderr)
        elif not (r["singled out"] and r["top-1"]):
            print(f"not named first: {r['where']} ({r['kind']}); first suspect {r['first']}"
                  + ("; other cells fit the checks as well" if r["ambiguous"] else ""),
                  file=sys.stderr)
    total = sum(stats.values(), Counter())

    def pct(a, b):
        return f"{a} ({100 * a / b:.0f}%)" if b else f"{a} (–)"
    print("| keying error | runs | visible | detected of visible | localized of visible | "
          "named first of visible | decidable | named first of decidable | "
          "top-1 of singled out |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind, s in [*sorted(stats.items()), ("all", total)]:
        print(f"| {kind} | {s['runs']} | {pct(s['visible'], s['runs'])} | "
              f"{pct(s['visible detected'], s['visible'])} | "
              f"{pct(s['visible localized'], s['visible'])} | "
              f"{pct(s['visible first'], s['visible'])} | {s['decidable']} | "
              f"{pct(s['decidable first'], s['decidable'])} | "
              f"{pct(s['top-1'], s['singled out'])} |")
    print(f"\nover all {total['runs']} runs: detected {pct(total['detected'], total['runs'])}, "
          f"localized {pct(total['localized'], total['runs'])}")
    if not args.structural:
        return
    rng2 = random.Random(args.seed + 1000)
    drawn = [draw_structural(rng2, cells, kind) for kind in ("exchanged rows", "lost value")
             for _ in range(args.structural)]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        results = pool.map(structural, drawn, chunksize=4)
    print("\n| damage | runs | visible | detected of visible | localized of visible | "
          "named first of visible | decidable | named first of decidable |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ("exchanged rows", "lost value"):
        rs = [r for r in results if r["kind"] == kind]
        seen = [r for r in rs if r["visible"]]
        clear = [r for r in seen if not r.get("ambiguous")]
        n = len(seen)
        print(f"| {kind} | {len(rs)} | {pct(n, len(rs))} | "
              f"{pct(sum(r['detected'] for r in seen), n)} | "
              f"{pct(sum(r['localized'] for r in seen), n)} | "
              f"{pct(sum(r['first'] for r in seen), n)} | {len(clear)} | "
              f"{pct(sum(r['first'] for r in clear), len(clear))} |")
        if args.misses:
            for r in rs:
                if not r["first"]:
                    print(f"{kind}: {r['where']}" + ("" if r["visible"] else " — invisible")
                          + (" — other changes fit as well" if r.get("ambiguous") else "")
                          + ("" if r["detected"] else " — UNDETECTED"), file=sys.stderr)


if __name__ == "__main__":
    main()
