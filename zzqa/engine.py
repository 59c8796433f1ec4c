"""run(period, form, catalog) -> Report.  Pure: no printing, no exit codes.

The engine runs the selected rules stage by stage (zzqa/kinds STAGES), each through its
kind's one entry point `check(rule, context)`, and does the same to whatever comes back:
it tallies every check, marks the cells the checks read (coverage), stamps a finding on
each check that fails (the rule's id and severity, the message from the rule's template),
an info on each that cannot be evaluated, and hands the checks that hold only within
rounding to the later stages.  It never names a rule id or a kind.  A rule that raises is
an error finding naming the rule and what it reads; the run goes on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from fractions import Fraction
from pathlib import Path

import numpy as np

from . import i18n, locate, model, numbers
from . import waivers as waivers_mod
from .catalog import Catalog, Rule, template_problem
from .checks import FAIL, NOT_PRINTED, PASS, ROUNDING, UNEVALUABLE, Checks
from .context import Context, Result, Within
from .form import Form
from .i18n import _
from .kinds import STAGES
from .model import Finding, Printed, PrintedTable, Report, RuleTally, UncoveredCell, Value
from .numbers import NUMBER
from .period import Period

MAX_LISTED = 1000  # findings listed per rule; the others are counted (RuleTally.unlisted)
MAX_CELLS = 100  # cells listed per finding; a column sum of a long table reads them all


def run(period: Period, form: Form, catalog: Catalog, select=(), ignore=(),
        max_listed: int = MAX_LISTED, waivers=(), today=None) -> Report:
    """Check the period.  `waivers` (zzqa.waivers.Waiver) accept findings up to their
    expiry, judged on `today` (default: the date now)."""
    applicable = [r for r in catalog.rules if r.applies(period.name)]
    rules = [r for r in catalog.select(select, ignore) if r.applies(period.name)]
    # a derived rule needs the stages it reads: their rules run too, quietly (no tallies,
    # findings or coverage) when they were not selected themselves
    needed = {stage for r in rules for stage in getattr(r.module, "NEEDS", ())}
    chosen = {r.id for r in rules}
    quiet = [r for r in applicable if r.module.STAGE in needed and r.id not in chosen]
    report = Report(target=str(period.root), period=period.name, tables=sorted(period.tables),
                    checks_dir=_shown(form.source),
                    labels={t.name: f"附件{t.appendix} {t.title} ({_where(period, t)})"
                            for t in form.tables.values()},
                    why={r.id: r.why for r in rules},
                    read=tuple((period.meta or {}).get("read", ())))
    named = {r.id for w in waivers if (r := catalog.get(w.rule)) is not None}
    ctx = Context(period, form, max_listed=max_listed, unbounded=frozenset(named))
    i18n.catalog(form.source)
    covered = ctx.covered = {name: {c: np.zeros(len(t.raw), bool) for c in t.columns}
                             for name, t in period.tables.items()}
    for stage in STAGES:
        if stage == "waivers":  # every other finding is stamped: the waivers take theirs
            ctx.waived = _waive(report, ctx, catalog, list(waivers), today or dt.date.today())
        for rule in sorted(rules + quiet, key=lambda r: r.id):
            if stage == rule.module.STAGE:
                _run_rule(rule, ctx, report, covered, quiet=rule.id not in chosen,
                          max_listed=max_listed)
    report.tallies.sort(key=lambda t: t.rule)
    blamed = [r for r in ctx.results if r.checks.blame]
    report.suspects, report.unexplained = locate.suspects(blamed, period)
    report.systematic = locate.systematic(blamed)
    if ctx.prose_read:  # a rule judged the prose: its numbers' verdicts
        report.prose = ctx.prose.verdicts()
    _coverage(period, rules, covered, report)
    report.findings.sort(key=Finding.sort_key)
    return report


def _run_rule(rule: Rule, ctx: Context, report: Report, covered: dict, quiet: bool = False,
              max_listed: int = MAX_LISTED) -> None:
    """Run one rule and keep what it found; a quiet rule only leaves its results in the
    context for the later stages (its checks held within rounding, its prose verdicts)."""
    tally = RuleTally(rule.id, i18n.title(rule.title), rule.kind, rule.severity)
    ctx.max_listed = 10**9 if rule.id in ctx.unbounded else max_listed
    why = _cannot_run(rule, ctx.period)
    if quiet:
        if not why:
            try:
                for checks in rule.module.check(rule, ctx):
                    _within(rule, checks, ctx)
                    _mark(covered, checks)
            except Exception as exc:  # the selected rules that need it would be wrong
                report.findings.append(_failed(rule, ctx, exc))
        return
    report.tallies.append(tally)
    if why:
        tally.checks = tally.unevaluable = 1
        report.findings.append(Finding(rule.id, "info",
                                       _("could not evaluate: {why}").format(why=why[1]),
                                       why[0], ()))
        return
    try:
        produced = list(rule.module.check(rule, ctx))
        for checks in produced:  # every finding is stamped before any is kept
            _tally(tally, checks)
            found = _stamp_all(rule, checks, ctx, max_listed - tally.listed)
            tally.listed += len(found)
            counts = checks.counts()
            fails = int(counts[FAIL])
            # the failures listed (a failure may be an info: a blank that implies nothing)
            listed_fails = int((checks.status[checks.indices(FAIL, UNEVALUABLE)[:len(found)]]
                                == FAIL).sum())
            tally.unlisted += fails - listed_fails
            tally.unlisted_infos += int(counts[UNEVALUABLE]) - (
                len(found) - listed_fails)
            _within(rule, checks, ctx)
            ctx.results.append(Result(rule, checks, len(found)))
            _mark(covered, checks)
            report.findings += found
    except Exception as exc:  # a rule that breaks is an error of its own, never a silence
        report.findings.append(_failed(rule, ctx, exc))
        tally.unevaluable += 1
        tally.checks += 1


def _waive(report: Report, ctx: Context, catalog: Catalog, waivers: list, today) -> list:
    """Apply the waivers to every finding stamped, and to the failed checks beyond the
    listing limit (counted in their tallies); what became of each waiver."""
    if not waivers:
        return []
    ran = {t.rule for t in report.tallies}

    def canonical(rule_id: str) -> str:
        rule = catalog.get(rule_id)
        return rule.id if rule is not None else rule_id
    judge = waivers_mod.Judge(waivers, today, ran, canonical)
    report.findings = waivers_mod.apply(report.findings, judge)
    tallies = {t.rule: t for t in report.tallies}
    for result in ctx.results:  # the failures not listed (--max-findings): judged too
        rule, checks = result.rule, result.checks
        tally = tallies.get(rule.id)
        if rule.id not in judge.rules or tally is None or not tally.unlisted:
            continue
        for i in checks.indices(FAIL, UNEVALUABLE)[result.listed:].tolist():
            if checks.status[i] != FAIL:
                continue
            refs = checks.cells(i)[:1]
            cells = tuple(ctx.period.cell(r) if isinstance(r, tuple) else r for r in refs)
            table = checks.table_of(i) or rule.params.get("table", "")
            if judge(Finding(rule.id, rule.severity, "", table, cells)):
                tally.unlisted -= 1
                tally.unlisted_waived += 1
    return judge.outcomes


def _failed(rule: Rule, ctx: Context, exc: Exception) -> Finding:
    reads = sorted({t for t, _c in rule.reads})
    error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    message = (_("the rule failed to run on {files}: {error}").format(
        files=", ".join(_file(ctx.period, t) for t in reads), error=error) if reads
        else _("the rule failed to run: {error}").format(error=error))
    return Finding(rule.id, "error", message, reads[0] if reads else "", ())


def _cannot_run(rule: Rule, period: Period) -> tuple[str, str] | None:
    """(table, why) when the rule cannot run at all: a table it reads is missing, or a text
    column it selects or groups rows by (a numeric column missing is the kinds' to say,
    check by check)."""
    for table, column in rule.reads:
        t = period.tables.get(table)
        if t is None:
            return table, f"table {table} is missing"
        spec = t.spec.column(column) if column else None
        if column and column not in t.raw and not (spec and spec.numeric):
            return table, f"column {column} of {table} is missing"
    return None


def _file(period: Period, table: str) -> str:
    t = period.tables.get(table)
    return t.file if t is not None else table


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(Path(path).resolve())


def _tally(tally: RuleTally, checks: Checks) -> None:
    counts = checks.counts()
    tally.checks += len(checks) - int(counts[NOT_PRINTED])
    tally.passed += int(counts[PASS])
    tally.within_rounding += int(counts[ROUNDING])
    tally.failed += int(counts[FAIL])
    tally.unevaluable += len(checks) - int(counts[[PASS, ROUNDING, FAIL, NOT_PRINTED]].sum())


def _mark(covered: dict, checks: Checks) -> None:
    if not checks.reads:
        return
    evaluated = checks.status <= FAIL
    for read in checks.reads:
        target = covered[read.table.name][read.column]
        if isinstance(read.rows, list):
            for r, ok in zip(read.rows, evaluated, strict=False):
                if ok:
                    target[r] = True
        else:
            r = np.asarray(read.rows)[evaluated]
            target[r[r >= 0]] = True


def show(v: Value | None) -> str:
    if v is None:
        return ""
    if v.low is None or v.high is None:
        return v.printed
    lo, hi = (numbers.fmt(round(x * numbers.UNIT)) for x in (v.low, v.high))
    if v.low == v.high:  # exact: "9", or a sum of counts "Σ x = 9"
        exact = numbers.parse(v.printed.rstrip("%"))
        same = exact is not None and exact.scaled == round(v.low * numbers.UNIT)
        return v.printed if same or not v.printed else f"{v.printed} = {lo}"
    interval = f"[{lo}, {hi}]"
    return interval if v.printed in ("", interval) else f"{v.printed} = {interval}"


def _within(rule: Rule, checks: Checks, ctx: Context) -> None:
    """Hand the checks that held only within rounding to the later stages."""
    ctx.within += [Within(rule, checks, int(i))
                   for i in checks.indices(ROUNDING)]


def _stamp_all(rule: Rule, checks: Checks, ctx: Context, room: int) -> list[Finding]:
    """A finding for each check that fails (or cannot be evaluated), at most `room`."""
    out = []
    for i in checks.indices(FAIL, UNEVALUABLE):
        if len(out) >= room:
            break
        refs = checks.cells(i)
        cells = tuple(ctx.period.cell(r) if isinstance(r, tuple) else r
                      for r in refs[:MAX_CELLS])
        table = checks.table_of(i) or rule.params.get("table", "")
        if checks.status[i] == UNEVALUABLE:
            found = Finding(rule.id, "info", _("{label}: could not evaluate: {why}").format(
                label=checks.label(i), why=checks.reason(i)), table, cells)
        else:
            found = stamp(rule, checks.label(i), cells, checks.explain(i), table)
        out.append(found if len(refs) <= MAX_CELLS else dataclasses.replace(found,
                                                                             read=len(refs)))
    return out


def stamp(rule: Rule, label: str, cells: tuple, d, table: str) -> Finding:
    """The one way a finding is made: the rule's id, severity and template (its own
    `message`, else its kind's), the discrepancy's fields and numbers, the cells."""
    template = _translated(rule, rule.template(d.variant), d.variant)
    fields = {"label": label, "expected": show(d.expected), "actual": show(d.actual),
              "miss": _num(d.miss), **d.fields}
    severity = rule.severity if d.severity is None else _milder(rule.severity, d.severity)
    return Finding(rule.id, severity, render(template, fields), table, cells,
                   d.expected, d.actual, d.miss, d.reading, d.suggestion, d.checks)


def _where(period: Period, spec) -> str:
    """Where a table was read: its file in a period folder, its sheet or place in a
    document."""
    table = period.tables.get(spec.name)
    return (table.where or table.file) if table is not None else spec.path


def _milder(a: str, b: str) -> str:
    """The milder of two severities: a finding may be milder than its rule, never worse."""
    return max(a, b, key=model.SEVERITIES.index)


_CHECKED: dict = {}


def _translated(rule: Rule, template: str, variant) -> str:
    """The template in the language spoken (the kind's from zzqa's catalog, the rule's own
    from checks/locale), checked as the catalog checks templates when it loads: a
    translation that names another field, or one that would print the numbers otherwise
    (a width, a precision), is not used — the template as written is."""
    shown = i18n.title(template) if rule.message is not None else _(template)
    if shown == template:
        return template
    key = (rule.module.__name__, variant, template, shown)
    if key not in _CHECKED:
        fields = (*rule.module.FIELDS, *getattr(rule.module, "VARIANT_FIELDS", {}).get(
            variant, ()))
        same = _specs(shown) == _specs(template)
        _CHECKED[key] = shown if same and template_problem(shown, fields) is None else template
    return _CHECKED[key]


def _specs(template: str) -> set:
    """The fields of a template with their conversion and format: a translation keeps them."""
    try:
        return {(name, conv, spec) for _t, name, spec, conv in string.Formatter().parse(template)
                if name is not None}
    except ValueError:
        return set()


def render(template: str, fields: dict) -> str:
    """Fill a template (validated at load: catalog.check_template) with string fields."""
    return string.Formatter().vformat(template, (), fields)


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return numbers.fmt(Fraction(x).limit_denominator(10**numbers.SCALE) * numbers.UNIT)


def _coverage(period: Period, rules: list[Rule], covered: dict, report: Report) -> None:
    read: dict = {}
    for rule in rules:
        for table, column in rule.reads:
            read.setdefault((table, column), []).append(rule.id)
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


MAX_PRINTED_ROWS = 2000  # rows per table a report shows as printed; the others are counted


def printed(period: Period, form: Form) -> Printed:
    """The period's tables and prose as printed, for a report that shows them."""
    tables = []
    for name, spec in form.tables.items():
        t = period.tables.get(name)
        if t is None:
            continue
        titles = {c.name: c.title for c in spec.columns}
        cols = [str(c) for c in t.raw.columns]
        n = min(len(t.raw), MAX_PRINTED_ROWS)
        cells = t.raw.iloc[:n].astype(str).values.tolist()
        lines = [int(x) for x in list(t.lines[:n])]
        label = f"附件{spec.appendix} {spec.title}" if spec.appendix else spec.title
        tables.append(PrintedTable(name, label, t.file, spec.unit_of_measure,
                                   tuple((c, titles.get(c, c)) for c in cols),
                                   tuple(zip(lines, map(tuple, cells), strict=True)),
                                   len(t.raw) - n, t.where))
    return Printed(tuple(tables), period.prose, period.prose_file)
