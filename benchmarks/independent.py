"""Independent damage benchmark for zzqa, using only its command line and JSON output.

Each run copies the real period (data/2020-09) to a temporary folder, damages ONE cell
(or one pair of cells) of one appendix table (a<N>_*.csv; never the prose), writes the
file back byte for byte in its own encoding, line endings and CSV dialect, and runs
`zzqa check DIR --format json --lang en --checks checks/`.

Cells.  A cell is *numeric* when its text matches -?digits[.digits][%] ("/", "-" and
blanks are never drawn).  Label columns have no numeric cell (unit; appendix 8's
category).  A *total row*'s first label, spaces removed, is 合计, 全市, 总计 or 小计.  A
cell printed v with d decimals stands for [v - h, v + h], h = 0.5 * 10**-d.

Drawing.  Each kind has its own random.Random(f"{seed}:{kind}").  A run draws a cell
uniformly among all numeric cells of all appendix tables (total rows included), then the
change; the whole draw is repeated while the new value equals the old numerically or the
two intervals share more than a point (67.3 vs 67 is redrawn; 67.3 vs 67.4 or 2 vs 3,
whose intervals only touch, are kept).  New values are printed at the old text's decimals
(half up, no leading zero, no "-0"), keeping its sign and "%":
  shifted decimal    value x10, x100, /10 or /100 (uniform);
  transposed digits  two adjacent digits exchanged (a decimal point between is skipped);
  mistyped digit     one digit (uniform position) replaced by one of the 9 others;
  exchanged rows     first cell among numeric cells of non-total rows, second uniformly
                     among the other non-total rows of that table with a different first
                     label, the same other labels (appendix 8: same category) and a
                     numeric cell in that column; the two texts are exchanged;
  lost value         the cell's text replaced by "" (never redrawn).

Counting.  The undamaged period, run the same way, is the baseline.  A finding is *new*
when its (rule, cells as (file, line, column), message) is not in the baseline, a suspect
when its cell is no baseline suspect's cell.  Per run:
  detected (any)     some new finding of severity error or warning;
  detected (cell)    some new error/warning finding lists a damaged cell;
  named first        the first new suspect (report order) is the damaged cell (exchanged
                     rows: one of the two; the table also counts those whose pattern says
                     swap/exchange).  Lost value: a new finding lists the blank cell and
                     its `suggestion`, rounded to the old text's decimals, equals it -- or,
                     when null and the finding lists that cell alone, its message prints
                     the old value (a number with no more decimals than the old text that
                     equals it, or two adjacent numbers both rounding to it) -- or the
                     first new suspect is the blank cell and suggests the old value (a
                     table reading its blanks as 0: the blank is a suspect like any cell);
  suggestion right   the first new suspect is a damaged cell and its `suggested` equals that
                     cell's old text numerically (lost value: the `suggestion` route above);
  silent             the whole report except `target` equals the baseline's.
Damages no check could see are counted all the same: these are raw figures.

Decidable.  Some damages no consistency check can see, so the table also counts each kind
over its *decidable* runs.  A run's decidability is defined only through zzqa's verdicts
on other damages of a single cell (probes: the period with just that one cell changed,
run and compared with the baseline as above), never through the run's own report (its
suspects, V002 or anything else), so it does not depend on what it is used to judge --
save, for the three digit kinds, which checks fail (their footprint, below).
A *new error* is a new finding (as above) of severity error; a warning does not count.
  exchanged rows     (cells a and b of one column exchanged) decidable when a probe setting
                     a ALONE to b's text (b unchanged), or one setting b ALONE to a's text,
                     gives a new error from a rule that is not a column sum.  A column sum
                     is a rule of kind `sum_total` (its kind from the `rules` section of the
                     probe's JSON): the unit rows of a column add up to its total row
                     (appendix 8: per category).  A column sum is symmetric, so an exchange
                     within a column that only its sum reads changes nothing any check
                     reads.  Two probes per run.
  lost value         (a cell left blank) decidable when the checks pin the printed value
                     and exclude 0: with d the old text's decimals and u = 10**-d, each of
                     the probes old - u, old + u and 0, printed like the old text (its
                     decimals and its "%"), gives a new error.  old - u is left out when it
                     is negative (only a negative old value, e.g. 扣分项 -2: then the probes
                     are -1 and 0 alone), a probe printing the same text as another is run
                     once (old = u: old - u is 0), and a run whose old value is 0 is not
                     decidable (no probe is run); otherwise two or three probes per run.
                     Nor is a cell whose blank the form reads as 0 (checks/tables.yaml
                     `blank_is_zero`: appendix 5): there a blank is a
                     printed 0, its loss a digit typed as 0, and no blank is left to impute.
  the three others   (shifted decimal, transposed digits, mistyped digit: cell c changed
                     from old to new, delta = new - old numerically, in percentage points
                     for a "%" cell) decidable when no other single cell, changed by the
                     same delta, makes the same checks fail.  The run's *footprint* F is
                     the set of its new errors, each as (rule, frozenset of its listed
                     cells as (file, line, column)); message, direction and amount are not
                     part of it.  F is the one use of the run's own report, and only of
                     which checks fail, not of what zzqa blames: an empty F ("no check
                     fails", e.g. a damage within the rounding) is not decidable, and no
                     probe is run.  The *rivals* are the cells other than c listed among
                     the cells of some finding of F (the cells the failing checks read)
                     that are numeric cells of the appendix tables, or blanks the form
                     reads as 0 (`blank_is_zero`, above: counted as a printed 0, no
                     decimals); prose cells are never probed.  Left out: a rival whose
                     value + delta is negative while its text is not, and one whose value
                     + delta, printed at its own decimals (half up, with its "%", as the
                     damages are), prints its old text (delta below its printed unit).
                     Each rival c' is probed: the period with c' alone set to
                     value(c') + delta so printed.  At most 40 rivals are probed per run:
                     those listed in the most findings of F first, then in file, row and
                     column order; --misses counts the rest, and those of them that every
                     finding of F lists (only such a cell can give the whole of F, short
                     of a check listing more than its first 100 cells).  The run is
                     decidable when no rival's probe has footprint exactly F; otherwise it
                     is a tie in principle, and the rivals whose probe gave F are
                     recorded.  One probe per rival, at + delta: a rival a failing check
                     reads with the opposite sign (a unit against its total) fails it the
                     other way, which F does not see; a check failing one way only (a
                     bound) may then not fail for c' + delta where it would for
                     c' - delta, and the run counts as decidable.  Nor is any other amount
                     tried (--misses' second look, below, tries three): a rival that gives
                     F only when changed by another amount (the other operand of a ratio:
                     a rate typed 0.5 points high, its plan 0.04 low, the plan's column
                     sum within its rounding) is not found, and the run counts as
                     decidable.
  decidable                 decidable runs;
  detected of decidable     decidable runs with detected (any) true;
  named first of decidable  decidable runs with named first true.
--misses lists every run not named first; a decidable one is marked DECIDABLE and says
which probe made it so (the three others: how many rivals were probed and none gave F),
an undecidable one says why it is not (the three others: no check fails, or the rival(s)
whose probe gave F).  Under a decidable miss of the three others it adds a *second look*,
which neither the flag nor the table uses: (1) when F holds checks that already fail in
the baseline (the same rule and cells under another message: a failure the damage only
moves, present whichever cell is wrong), F less those, compared with each rival probe's
footprint less the same (the + delta probes and those of (2)); (2) each rival probed at
other amounts -- value - delta, value x new/old and value x old/new, printed as the
+ delta probe, skipped where that prints its old text or the + delta probe's text or is
negative as above -- compared with F.  Probes run in the same worker pool as the runs,
after them (the rivals need F; the second look, the runs' scores); a damage drawn or
probed twice is run once.
"""

import argparse
import collections
import csv
import io
import itertools
import json
import multiprocessing
import random
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIOD, CHECKS = ROOT / "data" / "2020-09", ROOT / "checks"
KINDS = ["shifted decimal", "transposed digits", "mistyped digit", "exchanged rows", "lost value"]
NUMERIC = re.compile(r"^-?\d+(\.\d+)?%?$")
TOTALS = {"合计", "全市", "总计", "小计"}
MSG_NUMBER = re.compile(r"(?<![\w.\-])\d+(?:\.\d+)?(?![\w\-])")
DIGIT_KINDS = KINDS[:3]
MAX_RIVALS = 40


def read_table(path):
    """(rows, fmt): fmt = (encoding, line ending, final newline) reproduces the file byte
    for byte."""
    raw = path.read_bytes()
    enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError:
        enc, text = "gb18030", raw.decode("gb18030")
    fmt = (enc, "\r\n" if "\r\n" in text else "\n", text.endswith(("\n", "\r")))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if serialize(rows, fmt).encode(enc) != raw or len(rows) != len(text.splitlines()):
        sys.exit(f"{path.name}: cannot be rewritten byte for byte (quoting?)")
    return rows, fmt


def serialize(rows, fmt):
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=fmt[1]).writerows(rows)
    return buf.getvalue() if fmt[2] else buf.getvalue()[: -len(fmt[1])]


def num(text):
    return Decimal(text.rstrip("%"))


def decimals(text):
    return len(text.rstrip("%").partition(".")[2])


def unit(d):
    return Decimal(1).scaleb(-d)  # 10**-d


def reprint(value, like):
    """value printed at the decimals of `like` (half-up, no "-0"), with its "%" if it has one."""
    s = f"{Decimal(value).quantize(unit(decimals(like)), rounding=ROUND_HALF_UP):f}"
    return (s if s.lstrip("-").strip("0.") else s.lstrip("-")) + ("%" if like.endswith("%") else "")


def confusable(a, b):
    """True when a and b could be roundings of one another: their intervals share more
    than a point."""
    return abs(num(a) - num(b)) < (unit(decimals(a)) + unit(decimals(b))) / 2


def load_period():
    """{file: (rows, fmt, label column indexes)} for the appendix tables."""
    tables = {p.name: read_table(p) for p in sorted(PERIOD.glob("a[0-9]*_*.csv"))}
    return {
        f: (
            rows,
            fmt,
            [j for j in range(len(rows[0])) if not any(NUMERIC.match(r[j]) for r in rows[1:])],
        )
        for f, (rows, fmt) in tables.items()
    }


def draw(kind, rng, tables):
    """One damage: (file, [(row index, column index, old, new)])."""
    cells = [
        (f, i, j)
        for f, (rows, _, labels) in tables.items()
        for i in range(1, len(rows))
        for j in range(len(rows[0]))
        if j not in labels and NUMERIC.match(rows[i][j])
    ]

    def is_total(f, i):
        return re.sub(r"\s", "", tables[f][0][i][tables[f][2][0]]) in TOTALS

    if kind == "exchanged rows":
        cells = [c for c in cells if not is_total(c[0], c[1])]
    while True:
        f, i, j = rng.choice(cells)
        rows, labels, old = tables[f][0], tables[f][2], tables[f][0][i][j]
        digits = [k for k, ch in enumerate(old) if ch.isdigit()]
        if kind == "lost value":
            return f, [(i, j, old, "")]
        if kind == "exchanged rows":
            others = [
                k
                for k in range(1, len(rows))
                if not is_total(f, k)
                and NUMERIC.match(rows[k][j])
                and rows[k][labels[0]] != rows[i][labels[0]]
                and all(rows[k][m] == rows[i][m] for m in labels[1:])
            ]
            if not others:
                continue
            k = rng.choice(others)
            if not confusable(old, rows[k][j]):
                return f, [(i, j, old, rows[k][j]), (k, j, rows[k][j], old)]
            continue
        if kind == "shifted decimal":
            new = reprint(
                num(old) * rng.choice([Decimal(10), Decimal(100), Decimal("0.1"), Decimal("0.01")]),
                old,
            )
        elif kind == "transposed digits":
            if len(digits) < 2:
                continue
            p = rng.randrange(len(digits) - 1)
            chars = list(old)
            chars[digits[p]], chars[digits[p + 1]] = old[digits[p + 1]], old[digits[p]]
            new = reprint(num("".join(chars)), old)
        else:  # mistyped digit
            p = rng.choice(digits)
            new = reprint(
                num(old[:p] + rng.choice([c for c in "0123456789" if c != old[p]]) + old[p + 1 :]),
                old,
            )
        if not confusable(old, new):
            return f, [(i, j, old, new)]


def check(damage):
    """Copy the period, write the damage (None: the baseline), return zzqa's report minus
    `target`."""
    with tempfile.TemporaryDirectory(prefix="zzqa-indep-") as tmp:
        folder = Path(tmp) / PERIOD.name
        shutil.copytree(PERIOD, folder)
        if damage:
            f, changes = damage
            rows, fmt, _ = TABLES[f]
            rows = [list(r) for r in rows]
            for i, j, _, new in changes:
                rows[i][j] = new
            (folder / f).write_bytes(serialize(rows, fmt).encode(fmt[0]))
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "zzqa",
                "check",
                str(folder),
                "--format",
                "json",
                "--lang",
                "en",
                "--checks",
                str(CHECKS),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"zzqa exited {proc.returncode} on {damage}: {proc.stderr.strip()}")
    report = json.loads(proc.stdout)
    report.pop("target", None)
    return report


def fkey(x):
    return (x["rule"], tuple((c["file"], c["line"], c["column"]) for c in x["cells"]), x["message"])


def skey(s):
    return tuple(
        s.get("cell", s)[k] for k in ("file", "line", "column")
    )  # flat or nested under "cell"


def same_value(text, old, rounded):
    """text (a printed number, maybe with %) equals old numerically; rounded: at old's decimals."""
    try:
        v = num(str(text).strip())
    except ArithmeticError:  # None, a range "a…b", a bound "≤ x"
        return False
    return (v.quantize(unit(decimals(old)), rounding=ROUND_HALF_UP) if rounded else v) == num(old)


def message_gives(message, old):
    """A number printed at no more than old's decimals equals old, or two adjacent numbers
    (a range) both round to it."""
    nums = MSG_NUMBER.findall(message)
    return any(decimals(t) <= decimals(old) and same_value(t, old, True) for t in nums) or any(
        same_value(a, old, True) and same_value(b, old, True) for a, b in itertools.pairwise(nums)
    )


def score(kind, damage, report, base):
    f, changes = damage
    header = TABLES[f][0][0]
    cells = {(f, i + 1, header[j]): old for i, j, old, _ in changes}
    new_f = [x for x in report["findings"] if fkey(x) not in base["fkeys"]]
    new_ew = [x for x in new_f if x["severity"] in ("error", "warning")]
    new_s = [s for s in report.get("suspects", []) if skey(s) not in base["skeys"]]
    first = new_s[0] if new_s else None
    r = {
        "detected_any": bool(new_ew),
        "detected_cell": any(cells.keys() & set(fkey(x)[1]) for x in new_ew),
        "silent": report == base["report"],
        "first": first,
        "rank": next((n for n, s in enumerate(new_s, 1) if skey(s) in cells), None),
    }
    if kind == "lost value":
        ((cell, old),) = cells.items()
        naming = [x for x in new_f if cell in fkey(x)[1]]
        r["suggestion_right"] = any(
            x.get("suggestion") is not None and same_value(x["suggestion"], old, True)
            for x in naming
        )
        # or, where a blank reads as 0 (a table whose blanks mean none), as any other
        # damage: the first new suspect is the blank cell and suggests the old value
        by_suspect = (
            first is not None
            and skey(first) == cell
            and same_value(first.get("suggested"), old, False)
        )
        r["named_first"] = (
            r["suggestion_right"]
            or by_suspect
            or any(
                x.get("suggestion") is None
                and fkey(x)[1] == (cell,)
                and message_gives(x["message"], old)
                for x in naming
            )
        )
        r["why"] = (
            "a new finding names it, without the old value" if naming else "no new finding names it"
        )
        r["detail"] = "; ".join(
            x["rule"] + (f": {x['message']}" if fkey(x)[1] == (cell,) else "") for x in naming
        )
    else:
        r["named_first"] = first is not None and skey(first) in cells
        r["suggestion_right"] = r["named_first"] and same_value(
            first.get("suggested"), cells[skey(first)], False
        )
        r["swap_pattern"] = r["named_first"] and bool(
            re.search(r"swap|exchang", first.get("pattern") or "", re.I)
        )
    return r


def probes(kind, damage):
    """The single-cell damages whose verdicts define the run's decidability: [(label,
    damage)]; [] for the kinds that are always decidable and for a lost 0."""
    f, changes = damage
    header = TABLES[f][0][0]
    if kind == "exchanged rows":
        (i, j, a, b), (k, _, _, _) = changes
        return [
            (f"{f}:{i + 1}:{header[j]} alone {a!r} -> {b!r}", (f, [(i, j, a, b)])),
            (f"{f}:{k + 1}:{header[j]} alone {b!r} -> {a!r}", (f, [(k, j, b, a)])),
        ]
    if kind == "lost value":
        ((i, j, old, _),) = changes
        if num(old) == 0:
            return []
        u = unit(decimals(old))
        texts = [reprint(num(old) - u, old)] if num(old) - u >= 0 else []
        texts += [reprint(num(old) + u, old), reprint(0, old)]
        texts = list(dict.fromkeys(texts))  # old = u: old - u prints as the 0 probe
        return [(f"{f}:{i + 1}:{header[j]} {t!r}", (f, [(i, j, old, t)])) for t in texts]
    return []


def new_errors(report, base, column_sums):
    """Rule ids of the report's new error findings; column_sums: keep column sums too."""
    kinds = {**base["kinds"], **{x["rule"]: x["kind"] for x in report.get("rules", [])}}
    return sorted(
        {
            x["rule"]
            for x in report["findings"]
            if x["severity"] == "error"
            and fkey(x) not in base["fkeys"]
            and (column_sums or kinds.get(x["rule"]) != "sum_total")
        }
    )


def footprint(report, base):
    """The report's new errors, each as (rule, frozenset of its cells as (file, line,
    column)): which checks fail, not by how much nor what is blamed."""
    return frozenset(
        (x["rule"], frozenset(fkey(x)[1]))
        for x in report["findings"]
        if x["severity"] == "error" and fkey(x) not in base["fkeys"]
    )


def rivals(damage, foot):
    """Rival probes of a single-cell digit damage with footprint `foot`: ([(label, damage)]
    of at most MAX_RIVALS, those listed in the most findings of foot first; how many
    rivals were left unprobed by the cap; how many of those every finding of foot lists)."""
    f, ((i, j, old, new),) = damage
    delta = num(new) - num(old)
    me = (f, i + 1, TABLES[f][0][0][j])
    shared = collections.Counter(cell for _, cells in foot for cell in cells)
    found = []
    for (g, line, col), n in shared.items():
        if (g, line, col) == me or g not in TABLES:
            continue
        rows, _, labels = TABLES[g]
        if col not in rows[0]:
            continue
        k, m = line - 1, rows[0].index(col)
        if not 1 <= k < len(rows) or m in labels:
            continue
        text = rows[k][m]
        if not NUMERIC.match(text) and not (text == "" and (g, col) in ZERO_BLANKS):
            continue
        like = text or "0"  # a blank the form reads as 0: a printed 0
        value = num(like) + delta
        if value < 0 and not text.startswith("-"):
            continue
        printed = reprint(value, like)
        if printed == like:
            continue
        found.append(
            (-n, g, k, m, f"{g}:{line}:{col} {text!r} -> {printed!r}", (g, [(k, m, text, printed)]))
        )
    found.sort(key=lambda r: r[:4])
    cut = found[MAX_RIVALS:]
    return (
        [(label, d) for *_, label, d in found[:MAX_RIVALS]],
        len(cut),
        sum(-r[0] == len(foot) for r in cut),
    )


def other_amounts(damage, rival_probes):
    """Second-look probes of a digit damage's rivals: each rival at value - delta, value x
    new/old and value x old/new (printed as the + delta probe), where these print neither
    its old text nor the + delta one."""
    _, ((_, _, old, new),) = damage
    delta = num(new) - num(old)
    factors = [num(new) / num(old), num(old) / num(new)] if num(old) and num(new) else []
    out = []
    for _, (g, ((k, m, text, plus),)) in rival_probes:
        like = text or "0"
        seen = {like, plus}
        for value in [num(like) - delta] + [num(like) * x for x in factors]:
            printed = reprint(value, like)
            if (value < 0 and not text.startswith("-")) or printed in seen:
                continue
            seen.add(printed)
            label = f"{g}:{k + 1}:{TABLES[g][0][0][m]} {text!r} -> {printed!r}"
            out.append((label, (g, [(k, m, text, printed)])))
    return out


def second_look(foot, verdicts, extra, base):
    """The --misses second look at a decidable digit-kind miss (not used by the flag)."""

    def tie(labels):
        more = f" (and {len(labels) - 1} more)" if len(labels) > 1 else ""
        return f"a tie with {labels[0]}{more}" if labels else "no rival gives it"

    moved = foot & base["errors"]
    rest = foot - moved
    said = []
    if moved:
        rules = ", ".join(sorted({rule for rule, _ in moved}))
        said.append(
            f"F less the checks already failing in the baseline ({rules}): "
            + (
                tie([lb for lb, rep in verdicts + extra if footprint(rep, base) - moved == rest])
                if rest
                else "nothing left"
            )
        )
    said.append(
        f"{len(extra)} rival probes at other amounts (- delta, x new/old, x old/new) giving F: "
        + tie([lb for lb, rep in extra if footprint(rep, base) == foot])
    )
    return "; ".join(said)


def zero_blanks():
    """{(file, column)} whose blanks the form reads as 0 (checks/tables.yaml
    `blank_is_zero`, on a table or on a field)."""
    import yaml

    out = set()
    doc = yaml.safe_load((CHECKS / "tables.yaml").read_text(encoding="utf-8"))
    for t in doc.get("resources", doc.get("tables", [])):  # a data package's resources
        for f in t.get("schema", {}).get("fields", []):
            if t.get("blank_is_zero") or f.get("blank_is_zero"):
                out.add((t["path"], f["name"]))
    return out


def decidable(kind, damage, verdicts, base, foot=None, cut=(0, 0)):
    """(decidable, why) from the probes' reports [(label, report)]; the digit kinds: from
    the run's footprint and its rivals' reports, `cut` = rivals left unprobed by the cap
    and how many of those every finding of the footprint lists."""
    if kind in DIGIT_KINDS:
        if not foot:
            return False, "no check fails (no new error)"
        ties = [label for label, rep in verdicts if footprint(rep, base) == foot]
        checks = ", ".join(sorted({rule for rule, _ in foot}))
        if ties:
            more = f" (and {len(ties) - 1} more: {'; '.join(ties[1:])})" if len(ties) > 1 else ""
            return False, f"a tie: rival {ties[0]} fails the same checks ({checks}){more}"
        capped = (
            f"; {cut[0]} rivals over the cap not probed ({cut[1]} read by every failing check)"
            if cut[0]
            else ""
        )
        return True, f"none of {len(verdicts)} rivals fails the same checks ({checks}){capped}"
    if kind == "lost value":
        f, (((_, j, _, _),)) = damage
        if (f, TABLES[f][0][0][j]) in ZERO_BLANKS:
            return False, "the form reads a blank here as 0: the lost value is a 0 typed"
    if not verdicts:
        return False, "old value is 0"
    rules = [(label, new_errors(rep, base, kind == "lost value")) for label, rep in verdicts]
    said = "; ".join(f"{label}: {', '.join(ids) or 'no new error'}" for label, ids in rules)
    if kind == "exchanged rows":
        return any(ids for _, ids in rules), "non-column-sum errors: " + said
    return all(ids for _, ids in rules), "new errors: " + said


def reason(r):
    if "why" in r:
        return r["why"]
    if r["silent"]:
        return "silent: report identical to the baseline"
    if r["first"] is None:
        return "no new suspect" + (
            ", a new finding names the cell"
            if r["detected_cell"]
            else ", new error/warning elsewhere"
            if r["detected_any"]
            else ", no new error/warning"
        )
    behind = "a tie" if r["first"].get("confidence") == "tie" else "a non-tie suspect"
    return (
        f"damaged cell is a later new suspect, behind {behind}"
        if r["rank"]
        else "damaged cell is no new suspect"
    )


ZERO_BLANKS = set()


def init(tables):
    global TABLES, ZERO_BLANKS
    TABLES = tables
    ZERO_BLANKS = zero_blanks()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in [("--runs-per-kind", 40), ("--seed", 7), ("--jobs", 2)]:
        ap.add_argument(name, type=int, default=default)
    ap.add_argument("--misses", action="store_true", help="list runs not named first on stderr")
    args = ap.parse_args()
    tables = load_period()
    init(tables)
    report = check(None)
    base = {
        "report": report,
        "fkeys": {fkey(x) for x in report["findings"]},
        "skeys": {skey(s) for s in report.get("suspects", [])},
        "kinds": {x["rule"]: x["kind"] for x in report.get("rules", [])},
    }
    base["errors"] = footprint(report, {"fkeys": set()})  # the baseline's own errors
    jobs = [
        (kind, draw(kind, rng, tables))
        for kind in KINDS
        for rng in [random.Random(f"{args.seed}:{kind}")]
        for _ in range(args.runs_per_kind)
    ]
    probed = [probes(kind, d) for kind, d in jobs]
    cache = {}

    def key(d):
        return d[0], tuple(d[1])

    with multiprocessing.Pool(args.jobs, initializer=init, initargs=(tables,)) as pool:

        def run(damages):
            """Reports of the damages, each distinct damage run once over all calls."""
            todo = list(dict.fromkeys(key(d) for d in damages if key(d) not in cache))
            for k, rep in zip(
                todo, pool.map(check, [(f, list(c)) for f, c in todo], chunksize=1), strict=True
            ):
                cache[k] = rep
            return [cache[key(d)] for d in damages]

        reports = run([d for _, d in jobs] + [pd for ps in probed for _, pd in ps])
        # the digit kinds' rivals, from each run's footprint (which checks fail)
        feet = [
            footprint(rep, base) if kind in DIGIT_KINDS else None
            for (kind, _), rep in zip(jobs, reports[: len(jobs)], strict=True)
        ]
        rivalled = [
            rivals(d, ft) if ft else ([], 0, 0) for (_, d), ft in zip(jobs, feet, strict=True)
        ]
        rival_reports = iter(run([rd for rs, _, _ in rivalled for _, rd in rs]))
        probe_keys = {key(pd) for ps in probed for _, pd in ps} | {
            key(rd) for rs, _, _ in rivalled for _, rd in rs
        }
        n_rivals = sum(len(rs) for rs, _, _ in rivalled)
        probe_reports = iter(reports[len(jobs) :])
        results = []
        for (kind, d), rep, ps, ft, (rs, *cut) in zip(
            jobs, reports[: len(jobs)], probed, feet, rivalled, strict=True
        ):
            r = score(kind, d, rep, base)
            if kind in DIGIT_KINDS:
                verdicts = [(label, next(rival_reports)) for label, _ in rs]
            else:
                verdicts = [(label, next(probe_reports)) for label, _ in ps]
            r["decidable"], r["decidable_why"] = decidable(kind, d, verdicts, base, ft, tuple(cut))
            r["foot"], r["verdicts"], r["rival_probes"] = ft, verdicts, rs
            results.append((kind, d, r))
        # --misses: a second look at the decidable digit-kind misses (not used by the flag)
        looked = [
            (r, other_amounts(d, r["rival_probes"]))
            for kind, d, r in results
            if args.misses and kind in DIGIT_KINDS and r["decidable"] and not r["named_first"]
        ]
        n_second = sum(len(extra) for _, extra in looked)
        extra_reports = iter(run([ed for _, extra in looked for _, ed in extra]))
        for r, extra in looked:
            verdicts = [(label, next(extra_reports)) for label, _ in extra]
            r["second_look"] = second_look(r["foot"], r["verdicts"], verdicts, base)

    def pc(n, t):
        return f"{n} ({100 * n / t:.0f}%)" if t else "0"

    print(
        f"zzqa independent damage benchmark: seed {args.seed}, {args.runs_per_kind} runs per kind, "
        f"baseline {len(base['fkeys'])} findings, {len(base['skeys'])} suspects, "
        f"{len(probe_keys)} probe runs ({n_rivals} rival probes of the digit kinds; "
        f"a damage probed twice is run once; at most {MAX_RIVALS} rivals per run)"
        + (f", {n_second} second-look probes" if args.misses else "")
        + "\n"
    )
    print(
        "| kind | runs | detected (any new error/warning) | detected (names the cell) "
        "| named first | suggestion right | silent | decidable | detected of decidable "
        "| named first of decidable |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in KINDS:
        rs = [r for k, _, r in results if k == kind]
        ds = [r for r in rs if r["decidable"]]
        n = len(rs)
        named = pc(sum(r["named_first"] for r in rs), n)
        if kind == "exchanged rows":
            named += f"; swap pattern {sum(r['swap_pattern'] for r in rs)}"
        print(
            f"| {kind} | {n} | {pc(sum(r['detected_any'] for r in rs), n)} | "
            f"{pc(sum(r['detected_cell'] for r in rs), n)} | {named} | "
            f"{pc(sum(r['suggestion_right'] for r in rs), n)} | "
            f"{pc(sum(r['silent'] for r in rs), n)} | "
            f"{pc(len(ds), n)} | {pc(sum(r['detected_any'] for r in ds), len(ds))} | "
            f"{pc(sum(r['named_first'] for r in ds), len(ds))} |"
        )
    if args.misses:
        sys.stdout.flush()
        why = collections.Counter()
        for kind, (f, changes), r in results:
            if r["named_first"]:
                continue
            header = tables[f][0][0]
            where = "; ".join(
                f"{f}:{i + 1}:{header[j]} {old!r} -> {new!r}" for i, j, old, new in changes
            )
            s = r["first"]
            first = (
                (
                    f"{':'.join(map(str, skey(s)))} {s.get('value', s.get('printed'))!r} -> "
                    f"{s.get('suggested')!r} "
                    f"[{s.get('pattern')}, {s.get('confidence')}]"
                )
                if s
                else "none"
            )
            why[(kind, reason(r))] += 1
            rank = f" (#{r['rank']})" if r["rank"] else ""
            print(
                f"MISS {kind}: {where}; first new suspect: {first}; {reason(r)}{rank} "
                f"{r.get('detail', '')}",
                file=sys.stderr,
            )
            print(
                f"  {'DECIDABLE' if r['decidable'] else 'not decidable'}: {r['decidable_why']}",
                file=sys.stderr,
            )
            if "second_look" in r:
                print(f"  second look (not part of the flag): {r['second_look']}", file=sys.stderr)
        print("\nmisses by reason:", file=sys.stderr)
        for (kind, text), n in sorted(why.items()):
            print(f"  {kind}: {text}: {n}", file=sys.stderr)
        print("\nundecidable runs (all runs, named first or not):", file=sys.stderr)
        for kind in KINDS:
            whys = collections.Counter(
                {
                    "new errors": "a probe gives no new error",
                    "non-column-sum errors": "no probe gives a non-column-sum error",
                }.get(w, w)
                for k, _, r in results
                if k == kind and not r["decidable"]
                for w in [re.sub(r":.*", "", r["decidable_why"])]
            )
            said = ", ".join(f"{w}: {n}" for w, n in sorted(whys.items())) or "none"
            print(f"  {kind}: {said}", file=sys.stderr)
        print("\ndecidable runs missed (not named first):", file=sys.stderr)
        for kind in KINDS:
            ds = [(d, r) for k, d, r in results if k == kind and r["decidable"]]
            missed = [(d, r) for d, r in ds if not r["named_first"]]
            undetected = sum(not r["detected_any"] for _, r in missed)
            print(
                f"  {kind}: {len(missed)} of {len(ds)} decidable ({undetected} undetected)",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
