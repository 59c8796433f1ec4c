"""Judging the prose against the tables: one claim template's figures, one ranking sentence.

The claim and ranking kinds (zzqa/kinds) find the sentences; the functions here judge one
match each, set the verdicts of its numbers, and add its checks to a `Listed`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from . import expr, i18n, numbers, prose
from .checks import EXCUSED, FAIL, PASS, UNEVALUABLE, Discrepancy, Listed
from .formula import parse as parse_formula
from .model import LOOSE, Cell, Value
from .numbers import NUMBER, ZERO_MARKER

TABLE = "prose"  # the findings of the prose are grouped under this name


def _fraction(iv: tuple[int, int]) -> tuple[Fraction, Fraction]:
    return Fraction(iv[0], numbers.UNIT), Fraction(iv[1], numbers.UNIT)


def _fmt(x: Fraction) -> str:
    return numbers.fmt(x * numbers.UNIT)  # exact where 10**-SCALE resolves it


def judge(rule, ctx, one, mixed=None) -> Listed:
    """Every sentence the rule's template matches, judged by `one` (a claim or a ranking),
    then by `mixed` every sentence it matches only with 万 and 亿 exchanged; without prose,
    the rule's checks are excused (the schema rule says the prose is missing)."""
    out = Listed(table=TABLE)
    text = ctx.prose
    if text is None:
        out.add(EXCUSED, i18n.title(rule.title))
        return out
    pattern = prose.compiled(rule.params["text"])
    for p, match in text.matches(pattern):
        one(rule, match, p, text, ctx, out)
    if mixed is not None:
        for p, match in text.matches(pattern, mixed=True):
            mixed(rule, match, p, text, ctx, out)
    if not len(out):
        out.add(UNEVALUABLE, i18n.title(rule.title), (),
                f"the template matches no sentence of {text.file} (reworded?)")
    return out


def mixup(rule, match, p: int, text: prose.Prose, period, out: Listed) -> None:
    """A sentence the template matches only with 万 and 亿 exchanged: when every figure of it
    then agrees with the tables, the prose has its unit wrong by a factor of 10⁴ — an
    error on each figure.  Otherwise it is left as it was (its numbers unlinked)."""
    tokens = [text.token_at(p, match.start(name))
              for name, units in prose.placeholders(rule.params["text"]) if not units]
    if any(t is None or t.verdict != "unlinked" for t in tokens):
        return  # another template took these numbers
    saved = [(t, t.verdict, t.rule, t.expected) for t in tokens]
    trial = Listed()
    claim(rule, match, p, text, period, trial, mixed=True)
    verified = [t for t in tokens if t.verdict == "contradicted"]  # agreeing, 万/亿 exchanged
    if not verified or any(s == UNEVALUABLE for s in trial.status.tolist()) or any(
            trial.explain(i).variant != "unit-mixup"
            for i in range(len(trial)) if trial.status[i] == FAIL):
        for t, verdict, rule_id, expected in saved:
            t.verdict, t.rule, t.expected = verdict, rule_id, expected
        return
    out.extend(trial)


def claim(rule, match, p: int, text: prose.Prose, period, out: Listed,
          mixed: bool = False, results: list | None = None) -> None:
    """One check per placeholder number of the matched sentence: verified (passes),
    contradicted (fails), declared unverifiable (excused), or not evaluable.  `mixed`: the
    sentence matched with 万 and 亿 exchanged, so a figure that agrees is an error."""
    values = rule.params.get("values", {})
    unverifiable = rule.params.get("unverifiable", {})
    tokens = {name: text.token_at(p, match.start(name))
              for name, units in prose.placeholders(rule.params["text"]) if not units}
    printed = {name: numbers.parse(t.text) for name, t in tokens.items()}
    for name, token in tokens.items():
        token.rule = rule.id
        where = text.cell(token.line, token.column, "", i18n.title(rule.title))
        if name in unverifiable:
            token.verdict, token.expected = "unverifiable", unverifiable[name]
            out.add(EXCUSED, token.text, (where,))
            continue
        if printed[name] is None:  # beyond what a figure can be (10**15)
            why = "the figure is too large to be read as a number"
            token.verdict, token.expected = "unverifiable", f"cannot evaluate: {why}"
            out.add(UNEVALUABLE, token.text, (where,), why, TABLE)
            continue
        node = expr.parse(values[name])
        cells: list[Cell] = []
        refs: list = []

        def cell(ref, cells=cells, refs=refs):
            table, row = _lookup(period, ref)
            cells.append(table.cell(row, ref.column))
            refs.append((table.name, row, ref.column))
            iv = table.interval(row, ref.column, LOOSE)
            if iv is None:
                if table.arrays(ref.column).state[row] == ZERO_MARKER:
                    return Fraction(0), Fraction(0)
                raise expr.ExprError(f"{ref.table} {ref.column}[{ref.key}] is blank or not a "
                                     "number")
            return _fraction(iv)

        try:
            lo, hi = expr.evaluate(node, cell, lambda n: _fraction(_figure(printed, n)))
        except expr.ExprError as exc:
            token.verdict, token.expected = "unverifiable", f"cannot evaluate: {exc}"
            out.add(UNEVALUABLE, token.text, (where,), str(exc), TABLE)
            continue
        own = _fraction(printed[name].interval())
        # what the tables say, as printed: "24.98", or "100 * (96 - 63) / (70 - 38) = 103.125"
        computed = _fmt(lo) if lo == hi else f"[{_fmt(lo)}, {_fmt(hi)}]"
        single = bool(expr.CELL.fullmatch(values[name].strip()))
        shown = " ".join(expr.CELL.sub(lambda m: _printed(period, m), values[name]).split())
        token.expected = shown if single else f"{shown} = {computed}"
        # with 万 and 亿 exchanged, only a figure followed by one of them changed its unit
        scaled = mixed and text.paragraphs[p].norm[token.end:token.end + 1] in ("万", "亿")
        if own[0] <= hi and lo <= own[1] and not scaled:
            token.verdict = "verified"
            out.add(PASS, token.text, (where, *dict.fromkeys(cells)), None, TABLE)
            continue
        if own[0] <= hi and lo <= own[1]:  # agrees, but with 万 and 亿 exchanged
            token.verdict = "contradicted"
            token.expected = f"{token.expected} (万 and 亿 exchanged)"
            fields = {"actual": token.text, "expected": shown if single else token.expected,
                      "source": _source(cells, refs), "miss": "a factor of 10000", "name": name}
            out.add(FAIL, token.text, (where, *dict.fromkeys(cells)), Discrepancy(
                fields, Value(token.expected, float(lo), float(hi)),
                Value(token.text, float(own[0]), float(own[1])), None, LOOSE,
                variant="unit-mixup"), TABLE)
            continue
        token.verdict = "contradicted"
        miss = max(lo - own[1], own[0] - hi)
        fields = {
            "actual": f"{token.text} (= [{_fmt(own[0])}, {_fmt(own[1])}])",
            "expected": f"{shown} (= {computed})" if single else token.expected,
            "source": _source(cells, refs),
            "miss": _fmt(miss), "name": name}
        variant, fix = None, None
        if results is not None:
            variant, more = blame(period, results, list(dict.fromkeys(refs)))
            if variant == "prose-wrong":
                # at the prose's decimals; where it prints more than the tables know, the
                # table's own figure
                fix = rewrite(lo, hi, printed[name].decimals) or (
                    shown if single else f"{_fmt(lo)}…{_fmt(hi)}")
                more["fix"] = fix
            fields.update(more)
        out.add(FAIL, token.text, (where, *dict.fromkeys(cells)), Discrepancy(
            fields, Value(token.expected, float(lo), float(hi)),
            Value(token.text, float(own[0]), float(own[1])), float(miss), LOOSE,
            suggestion=fix, variant=variant), TABLE)


def blame(period, results: list, refs: list) -> tuple[str | None, dict]:
    """Which side of a contradiction is likely wrong, from the table cells' own checks:
    ("table-doubtful", the failing checks) when a check reading one of them fails,
    ("prose-wrong", how many checks hold) when each is read by a check that holds and by
    none that fails, (None, {}) otherwise (a cell no check reads: nothing to weigh)."""
    from .checks import PASS, ROUNDING
    from .locate import index, name
    reading = index(results, refs)
    failing, holding = [], set()
    for ref in refs:
        held = False
        for key, checks in reading.get(ref, []):
            status = checks.status[key.i]
            if status == FAIL:
                failing.append(name(results[key.result].rule.id, checks, key.i))
            elif status in (PASS, ROUNDING):
                held = True
                holding.add(key)
        if not held:
            return (("table-doubtful", {"doubt": _listed(failing)}) if failing
                    else (None, {}))
    if failing:
        return "table-doubtful", {"doubt": _listed(failing)}
    rules = sorted({results[k.result].rule.id for k in holding})
    return "prose-wrong", {"held": str(len(holding)), "rules": ", ".join(rules)}


def _listed(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    return "; ".join(names[:3]) + (f"; and {len(names) - 3} more" if len(names) > 3 else "")


def rewrite(lo: Fraction, hi: Fraction, decimals: int) -> str | None:
    """The figure the prose should print, at its own decimals: the tables' value rounded
    (half up), or both ends when the tables leave two roundings open ("24.9 or 25.0").
    The interval's upper end is where the next printed value begins (24.98 stands for
    24.975 up to, not including, 24.985): a value exactly there rounds as the values just
    below it do, so 891.29 is written 891.29, never "891.29 or 891.30".  None when the
    prose prints more decimals than the tables can tell."""
    low = _half_up(lo, decimals)
    high = _half_up(hi, decimals)
    if hi > lo and hi * 10**decimals - Fraction(1, 2) == high - 1:
        high -= 1  # hi sits on a rounding boundary: the values below it round down
    if high - low > 1:  # the prose prints more than the tables know
        return None
    ends = [numbers.fmt(x * 10 ** (numbers.SCALE - decimals), decimals) for x in (low, high)]
    return ends[0] if ends[0] == ends[1] else f"{ends[0]} or {ends[1]}"


def _half_up(x: Fraction, decimals: int) -> int:
    scaled = x * 10**decimals
    return int((scaled + Fraction(1, 2)).__floor__()) if scaled >= 0 else \
        -int((-scaled + Fraction(1, 2)).__floor__())


def _figure(printed: dict, name: str):
    """The interval of another figure of the sentence that an expression reads."""
    if printed[name] is None:
        raise expr.ExprError(f"the sentence's {{{name}}} is too large to be read as a number")
    return printed[name].interval()


def _source(cells, refs) -> str:
    """The table cells compared, as "a4 合计 重点科技创新 › …" (the table's id, whatever
    file or document it came from)."""
    named = {c: ref[0] for c, ref in zip(cells, refs, strict=True)}
    return ", ".join(f"{named[c]} {c.unit} {c.label}" for c in dict.fromkeys(cells))


def _lookup(period, ref):
    table = period.tables.get(ref.table)
    if table is None:
        raise expr.ExprError(f"table {ref.table} is missing")
    row = table.row_of(ref.key)
    if row is None or not table.has(ref.column):
        raise expr.ExprError(f"{ref.table} has no cell {ref.column}[{ref.key}]")
    return table, row


def _printed(period, m) -> str:
    try:
        table, row = _lookup(period, expr.Ref(m[1], m[2], m[3].strip()))
    except expr.ExprError:
        return m[0]
    return table.text(row, m[2])


def ranking(rule, match, p: int, text: prose.Prose, period, form, out: Listed) -> None:
    """One check per matched sentence (a failing one per problem it has)."""
    params = rule.params
    line, col = text.paragraphs[p].position(match.start())
    where = (text.cell(line, col, "", i18n.title(rule.title)),)
    label = i18n.title(rule.title)
    table = period.tables.get(params["table"])
    if table is None:
        out.add(UNEVALUABLE, label, where, f"table {params['table']} is missing", TABLE)
        return
    rows = np.flatnonzero(~table.is_total.to_numpy())
    terms = parse_formula(f"score = {params['score']}").rhs
    if any(not table.has(t.column) for t in terms):
        out.add(UNEVALUABLE, label, where, "a score column is missing", TABLE)
        return
    printed = np.logical_and.reduce([table.arrays(t.column).state[rows] == NUMBER for t in terms])
    known = table.units.iloc[rows].notna().to_numpy()
    if not (printed & known).all():
        missing = [table.label(int(r)) for r in rows[~(printed & known)]]
        out.add(UNEVALUABLE, label, where,
                f"no score or unknown unit for {'、'.join(missing)}", TABLE)
        return
    if not len(rows):
        out.add(UNEVALUABLE, label, where, f"{params['table']} has no unit rows", TABLE)
        return
    score = sum(t.coef * table.arrays(t.column).val[rows] for t in terms)
    units = [table.units.iloc[r] for r in rows]
    problems = []

    def fail(variant: str, **fields):
        problems.append(Discrepancy({"score": params["score"], **fields}, variant=variant))

    if params.get("all_equal"):
        if len(set(score.tolist())) > 1:
            fail("not-equal", low=numbers.fmt(int(score.min())),
                 high=numbers.fmt(int(score.max())))
    else:
        for side, pick in (("high", score.max()), ("low", score.min())):
            if side not in match.re.groupindex:
                continue
            named, unknown = set(), []
            for name in filter(None, match.group(side).split("、")):
                unit = form.units.match(name, ("district", "park"))
                if unit is None:
                    unknown.append(name)
                else:
                    # a park counts for its district (a park without one, for itself)
                    named.add(unit.district or unit.name if unit.type == "park" else unit.name)
            actual = {u for u, s in zip(units, score, strict=True) if s == pick}
            for name in unknown:
                fail("unknown-unit", name=name)
            if not unknown and named != actual:
                fail("wrong-units", named="、".join(sorted(named)),
                     word="highest" if side == "high" else "lowest",
                     value=numbers.fmt(int(pick)), units="、".join(sorted(actual)))
    if not problems:
        out.add(PASS, label, where, None, TABLE)
    for d in problems:
        out.add(FAIL, label, where, d, TABLE)
