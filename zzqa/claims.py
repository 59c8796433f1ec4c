"""Check the prose against the tables: claim and ranking rules, then the unlinked numbers.

Pure like the engine: it fills the Report's `prose` verdicts and findings, prints nothing.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from . import expr, numbers, prose
from .catalog import Rule
from .form import Form
from .formula import parse as parse_formula
from .model import LOOSE, Cell, Fields, Finding, ProseNumber, Report, RuleTally, Value
from .period import NUMBER, ZERO_MARKER, Period

UNLINKED_RULE = "U001"


def run(period: Period, form: Form, rules: list[Rule], catalog, report: Report) -> None:
    prose_rules = [r for r in rules if r.kind in ("claim", "ranking")]
    if period.prose_file is None:
        for rule in prose_rules:
            report.tallies.append(RuleTally(rule.id, rule.title, rule.kind, rule.severity,
                                            checks=1, unevaluable=1))
        if prose_rules:
            report.findings.append(Finding(
                prose_rules[0].id, "info", f"bulletin.md is missing: {len(prose_rules)} prose "
                "rules could not be evaluated", "prose", ()))
        return
    text = prose.read(period.root, period.prose_file)
    prose.recognise(text, prose.load_recognisers(form.source / "prose.yaml"))
    for rule in prose_rules:
        tally = RuleTally(rule.id, rule.title, rule.kind, rule.severity)
        report.tallies.append(tally)
        pattern = prose.compile_template(rule.params["text"])
        judge = _claim if rule.kind == "claim" else _ranking
        matched = False
        for p, para in enumerate(text.paragraphs):
            for match in pattern.finditer(para.norm):
                matched = True
                try:
                    found = judge(rule, match, p, text, period, form)
                except Exception as exc:  # a broken rule is a result for it, not an abort
                    found = [Finding(rule.id, "info", f"the rule failed to run: "
                                     f"{type(exc).__name__}: {exc}", "prose", ())]
                report.findings += found
                _count(tally, rule, found, text, p, match)
        if not matched:
            tally.checks += 1
            tally.unevaluable += 1
            report.findings.append(Finding(
                rule.id, "info", "could not evaluate: the template matches no sentence of "
                f"{text.file} (reworded?)", "prose", ()))
    unlinked = catalog.get(UNLINKED_RULE)
    for t in text.tokens:
        report.prose.append(ProseNumber(
            text.file, t.line, t.column, t.text, float(t.text), t.kind, t.verdict, t.rule,
            t.expected))
        if t.verdict == "unlinked" and unlinked and unlinked in rules:
            report.findings.append(Finding(
                unlinked.id, unlinked.severity,
                f"{t.text} is linked to no claim template: teach checks/rules/prose.yaml "
                "this sentence, or mark the number as not a figure in checks/prose.yaml",
                "prose", (Cell(text.file, t.line, str(t.column)),), actual=Value(t.text)))


def _count(tally: RuleTally, rule: Rule, found: list, text, p: int, match) -> None:
    """Claims count one check per placeholder number (unverifiable ones as could not be
    evaluated, with their declared reason), rankings one per sentence."""
    if rule.kind == "ranking":
        tally.checks += 1
        bad = [f for f in found if f.severity != "info"]
        tally.failed += bool(bad)
        tally.unevaluable += bool(found) and not bad
        tally.passed += not found
        return
    for name, units in prose.placeholders(rule.params["text"]):
        if units:
            continue
        token = text.token_at(p, match.start(name))
        tally.checks += 1
        tally.passed += token.verdict == "verified"
        tally.failed += token.verdict == "contradicted"
        tally.unevaluable += token.verdict == "unverifiable"


def _fraction(iv: tuple[int, int]) -> tuple[Fraction, Fraction]:
    return Fraction(iv[0], numbers.UNIT), Fraction(iv[1], numbers.UNIT)


def _fmt(x: Fraction) -> str:
    return numbers.fmt(x * numbers.UNIT)  # exact where 10**-SCALE resolves it


def _claim(rule: Rule, match, p: int, text: prose.Prose, period: Period, form: Form):
    values = rule.params.get("values", {})
    unverifiable = rule.params.get("unverifiable", {})
    tokens = {name: text.token_at(p, match.start(name))
              for name, units in prose.placeholders(rule.params["text"]) if not units}
    printed = {name: numbers.parse(t.text) for name, t in tokens.items()}
    out = []
    for name, token in tokens.items():
        token.rule = rule.id
        if name in unverifiable:
            token.verdict, token.expected = "unverifiable", unverifiable[name]
            continue
        node = expr.parse(values[name])
        cells: list[Cell] = []

        def cell(ref, cells=cells):
            table, row = _lookup(period, ref)
            cells.append(table.cell(row, ref.column))
            iv = table.interval(row, ref.column, LOOSE)
            if iv is None:
                if table.arrays(ref.column).state[row] == ZERO_MARKER:
                    return Fraction(0), Fraction(0)
                raise expr.ExprError(f"{ref.table} {ref.column}[{ref.key}] is blank or not a "
                                     "number")
            return _fraction(iv)

        try:
            lo, hi = expr.evaluate(node, cell, lambda n: _fraction(printed[n].interval()))
        except expr.ExprError as exc:
            token.verdict, token.expected = "unverifiable", f"cannot evaluate: {exc}"
            out.append(Finding(rule.id, "info", f"{token.text}: could not evaluate: {exc}",
                               "prose", (Cell(text.file, token.line, str(token.column)),)))
            continue
        own = _fraction(printed[name].interval())
        # what the tables say, as printed: "24.98", or "100 * (96 - 63) / (70 - 38) = 103.125"
        computed = _fmt(lo) if lo == hi else f"[{_fmt(lo)}, {_fmt(hi)}]"
        single = bool(expr.CELL.fullmatch(values[name].strip()))
        shown = " ".join(expr.CELL.sub(lambda m: _printed(period, m), values[name]).split())
        token.expected = shown if single else f"{shown} = {computed}"
        if own[0] <= hi and lo <= own[1]:
            token.verdict = "verified"
            continue
        token.verdict = "contradicted"
        miss = max(lo - own[1], own[0] - hi)
        message = (rule.message or rule.module.MESSAGE).format_map(Fields(
            actual=f"{token.text} (= [{_fmt(own[0])}, {_fmt(own[1])}])",
            expected=f"{shown} (= {computed})" if single else token.expected,
            source=", ".join(f"{c.file.split('_')[0]} {c.unit} {c.label}" for c in
                             dict.fromkeys(cells)),
            miss=_fmt(miss), name=name))
        out.append(Finding(rule.id, rule.severity, message, "prose",
                           (Cell(text.file, token.line, str(token.column), "", rule.title),
                            *dict.fromkeys(cells)),
                           Value(token.expected, float(lo), float(hi)),
                           Value(token.text, float(own[0]), float(own[1])), float(miss), LOOSE))
    return out


def _lookup(period: Period, ref):
    table = period.tables.get(ref.table)
    if table is None:
        raise expr.ExprError(f"table {ref.table} is missing")
    rows = np.flatnonzero((table.key() == ref.key).to_numpy())
    if len(rows) != 1 or not table.has(ref.column):
        raise expr.ExprError(f"{ref.table} has no cell {ref.column}[{ref.key}]")
    return table, int(rows[0])


def _printed(period: Period, m) -> str:
    try:
        table, row = _lookup(period, expr.Ref(m[1], m[2], m[3].strip()))
    except expr.ExprError:
        return m[0]
    return table.text(row, m[2])


def _ranking(rule: Rule, match, p: int, text: prose.Prose, period: Period, form: Form):
    params = rule.params
    table = period.tables.get(params["table"])
    line, col = text.paragraphs[p].position(match.start())
    where = (Cell(text.file, line, str(col), "", rule.title),)
    if table is None:
        return [Finding(rule.id, "info", f"could not evaluate: table {params['table']} is missing",
                        "prose", where)]
    rows = np.flatnonzero(~table.is_total.to_numpy())
    terms = parse_formula(f"score = {params['score']}").rhs
    if any(not table.has(t.column) for t in terms):
        return [Finding(rule.id, "info", "could not evaluate: a score column is missing",
                        "prose", where)]
    printed = np.logical_and.reduce([table.arrays(t.column).state[rows] == NUMBER for t in terms])
    known = table.units.iloc[rows].notna().to_numpy()
    if not (printed & known).all():
        missing = [str(table.key().iloc[r]) for r in rows[~(printed & known)]]
        return [Finding(rule.id, "info", f"could not evaluate: no score or unknown unit for "
                        f"{'、'.join(missing)}", "prose", where)]
    score = sum(t.coef * table.arrays(t.column).val[rows] for t in terms)
    units = [table.units.iloc[r] for r in rows]
    out = []

    def finding(message):
        out.append(Finding(rule.id, rule.severity, message, "prose", where))

    if params.get("all_equal"):
        if len(set(score.tolist())) > 1:
            finding(f"the prose says all scores are equal; {params['score']} ranges from "
                    f"{numbers.fmt(int(score.min()))} to {numbers.fmt(int(score.max()))}")
        return out
    for side, pick in (("high", score.max()), ("low", score.min())):
        if side not in match.re.groupindex:
            continue
        named, unknown = set(), []
        for name in filter(None, match.group(side).split("、")):
            unit = form.units.match(name, ("district", "park"))
            if unit is None:
                unknown.append(name)
            else:
                named.add(unit.district if unit.type == "park" else unit.name)
        actual = {u for u, s in zip(units, score, strict=True) if s == pick}
        for name in unknown:
            finding(f"{name!r} is not a unit the tables know (checks/units.yaml)")
        if not unknown and named != actual:
            word = "highest" if side == "high" else "lowest"
            finding(f"the prose names {'、'.join(sorted(named))} as {word}; by "
                    f"{params['score']} ({numbers.fmt(int(pick))}) it is "
                    f"{'、'.join(sorted(actual))}")
    return out
