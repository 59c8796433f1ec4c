"""run(period, form, catalog) -> Report.  Pure: no printing, no exit codes.

The engine stamps rule ids and severities (from the catalog) on what the kinds decide,
turns failed checks into findings, turns checks that hold only within rounding into one
warning per under-printed cell, and counts coverage.  An exception inside a kind becomes a
result for that rule and never aborts the run.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import numpy as np

from . import claims, locate, numbers, precision, schema
from .catalog import Catalog, Rule
from .checks import FAIL, NOT_PRINTED, PASS, ROUNDING, UNEVALUABLE, Evaluated
from .form import Form
from .model import LOOSE, Cell, Fields, Finding, Report, RuleTally, UncoveredCell, Value
from .period import NUMBER, Period

PRECISION_RULE = "D001"  # the catalog rule that stamps holds-only-within-rounding warnings


def run(period: Period, form: Form, catalog: Catalog, select=(), ignore=()) -> Report:
    rules = catalog.select(select, ignore)
    report = Report(target=str(period.root), period=period.name, tables=sorted(period.tables),
                    checks_dir=_shown(form.source),
                    labels={t.name: f"附件{t.appendix} {t.title} ({t.path})"
                            for t in form.tables.values()})
    _schema_findings(period, rules, report)
    covered = {name: {c: np.zeros(len(t.raw), bool) for c in t.columns}
               for name, t in period.tables.items()}
    rounding: dict[tuple, list] = defaultdict(list)  # under-printed cell -> what needs it
    checked: list[tuple[str, Evaluated]] = []
    for rule in rules:
        if not hasattr(rule.module, "evaluate"):  # schema and precision: stamped by the engine
            continue
        tally = RuleTally(rule.id, rule.title, rule.kind, rule.severity)
        report.tallies.append(tally)
        why_not = _unevaluable(rule, period)
        if why_not is None:
            try:
                evaluated = rule.module.evaluate(rule, period)
            except Exception as exc:  # a broken kind is a result for its rule, not a crash
                why_not = f"the rule failed to run: {type(exc).__name__}: {exc}"
        if why_not is not None:
            tally.checks = tally.unevaluable = 1
            report.findings.append(Finding(rule.id, "info", f"could not evaluate: {why_not}",
                                           rule.params.get("table", ""), ()))
            continue
        for ev in evaluated:
            checked.append((rule.id, ev))
            _tally(tally, ev)
            _mark(covered, ev)
            _findings(rule, ev, period, report, rounding)
    stamp = catalog.get(PRECISION_RULE)
    if stamp and catalog.select((PRECISION_RULE,), ignore):
        report.findings += precision.findings(stamp, rounding, period)
    report.suspects, report.unexplained = locate.suspects(checked, period)
    report.systematic = locate.systematic(checked)
    claims.run(period, form, rules, catalog, report)
    _coverage(period, rules, covered, report)
    report.findings.sort(key=Finding.sort_key)
    return report


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(Path(path).resolve())


def _unevaluable(rule: Rule, period: Period) -> str | None:
    """Why a rule cannot run at all (a table it reads is missing); missing columns are
    reported by the kinds, check by check."""
    for table, _ in rule.module.columns(rule.params):
        if table not in period.tables:
            return f"table {table} is missing"
    return None


def _tally(tally: RuleTally, ev: Evaluated) -> None:
    counts = np.bincount(ev.status, minlength=5)
    tally.checks += len(ev) - int(counts[NOT_PRINTED])
    tally.passed += int(counts[PASS])
    tally.within_rounding += int(counts[ROUNDING])
    tally.failed += int(counts[FAIL])
    tally.unevaluable += int(counts[UNEVALUABLE])


def _mark(covered: dict, ev: Evaluated) -> None:
    evaluated = ev.status <= FAIL
    for table, column, rows in ev.reads:
        target = covered[table.name][column]
        if isinstance(rows, list):
            for r, ok in zip(rows, evaluated, strict=False):
                if ok:
                    target[r] = True
        else:
            r = np.asarray(rows)[evaluated]
            target[r[r >= 0]] = True


def show(v: Value) -> str:
    if v.low is None or v.low == v.high:
        return v.printed
    lo, hi = (numbers.fmt(round(x * numbers.UNIT)) for x in (v.low, v.high))
    interval = f"[{lo}, {hi}]"
    return interval if v.printed in ("", interval) else f"{v.printed} = {interval}"


def _findings(rule: Rule, ev: Evaluated, period: Period, report: Report, rounding) -> None:
    template = rule.message or rule.module.MESSAGE
    table = rule.params.get("table", "")
    for i in np.flatnonzero((ev.status != PASS) & (ev.status != NOT_PRINTED)):
        status = ev.status[i]
        refs = ev.cells(i)
        if status == UNEVALUABLE:
            report.findings.append(Finding(
                rule.id, "info", f"{ev.label(i)}: could not evaluate: {ev.reason(i)}",
                table or (refs[0][0] if refs else ""), tuple(period.cell(r) for r in refs)))
            continue
        if status == ROUNDING:
            formula = ev.fields(i).get("formula")
            label = f"{ev.label(i)}: {formula}" if formula else ev.label(i)
            for ref, interval in precision.blame(ev, i, refs, period):
                rounding[ref].append((rule.id, label, interval))
            continue
        expected, actual = ev.expected(i, LOOSE), ev.actual(i, LOOSE)
        miss = ev.miss(i, LOOSE)
        fields = {"label": ev.label(i), "expected": show(expected), "actual": show(actual),
                  "miss": _num(miss), **ev.fields(i)}
        report.findings.append(Finding(
            rule.id, rule.severity, template.format_map(Fields(fields)), table or refs[0][0],
            tuple(period.cell(r) for r in refs), expected, actual, miss, LOOSE))


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return numbers.fmt(Fraction(x).limit_denominator(10**numbers.SCALE) * numbers.UNIT)


def _schema_findings(period: Period, rules: list[Rule], report: Report) -> None:
    by_problem = {r.params["problem"]: r for r in rules if r.kind == "schema"}
    for name, path in period.missing_tables.items():
        if rule := by_problem.get("table-missing"):
            message = (rule.message or rule.module.MESSAGES["table-missing"]).format(
                column="", value=path, detail="")
            report.findings.append(Finding(rule.id, rule.severity, message, name,
                                           (Cell(path, 0, ""),)))
    for name, table in period.tables.items():
        for p in schema.validate(table):
            rule = by_problem.get(p.code)
            if rule is None:
                continue
            line = int(table.lines[p.row]) if p.row is not None else 1
            col = table.spec.column(p.column or "")
            unit = table.text(p.row, "unit") if p.row is not None else ""
            c = Cell(table.file, line, p.column or "", unit, col.title if col else "")
            template = rule.message or rule.module.MESSAGES[p.code]
            message = template.format(column=p.column, value=p.value, detail=p.detail)
            report.findings.append(Finding(rule.id, rule.severity, message, name, (c,),
                                           actual=Value(p.value)))


def _coverage(period: Period, rules: list[Rule], covered: dict, report: Report) -> None:
    read = defaultdict(list)
    for rule in rules:
        if hasattr(rule.module, "evaluate"):
            for table, column in rule.module.columns(rule.params):
                read[(table, column)].append(rule.id)
    for name, table in period.tables.items():
        for column, mask in covered[name].items():
            numeric = table.arrays(column).state == NUMBER
            report.cells_total += int(numeric.sum())
            report.cells_covered += int((numeric & mask).sum())
            readers = read.get((name, column)) or read.get((name, None))
            for row in np.flatnonzero(numeric & ~mask):
                reason = (f"its checks ({', '.join(readers)}) could not be evaluated or skip "
                          "this row" if readers else "no selected rule reads this column")
                report.uncovered.append(UncoveredCell(table.cell(int(row), column), reason))
