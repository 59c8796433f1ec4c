"""JUnit XML, for CI systems' test views (Jenkins, GitLab, Azure): a test suite per rule.

Each rule is a `<testsuite>` named "RULE title" with its checks counted; each listed
finding at or above --fail-on is a `<testcase>` with a `<failure>` (its message, then the
cells and the arithmetic in the body), a finding below it a passing test case whose
`<system-out>` says what was found, and a check that could not be evaluated or a finding
a waiver accepts a `<skipped>` test case (with the waiver's reason).  The checks that
passed are one test case per rule ("N checks passed"), and the failures beyond the listing
limit one failing test case that counts them, so that the totals a CI system shows are
the report's.  Written with ElementTree: every string is
escaped, and characters XML 1.0 cannot hold (control characters from a unit name) print
escaped (`inert`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import Finding, Report, at_or_above, path_of
from . import inert


def render(report: Report, width: int | None = None, color: bool = False,
           fail_on: str = "error") -> str:
    """The report as one <testsuites> document (width and colour change nothing)."""
    failing = at_or_above(fail_on)
    by_rule: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    root = ET.Element("testsuites", name=_x(f"zzqa check {report.target} {report.period}"))
    totals = dict(tests=0, failures=0, skipped=0)
    for t in report.tallies:
        suite = ET.SubElement(root, "testsuite", name=_x(f"{t.rule} {t.title}"))
        counts = dict(tests=0, failures=0, skipped=0)
        if t.passed or t.within_rounding:
            ok = ET.SubElement(suite, "testcase", classname=_x(t.rule),
                               name=_x(f"{t.passed + t.within_rounding} checks passed"))
            if t.within_rounding:
                ET.SubElement(ok, "system-out").text = _x(
                    f"{t.within_rounding} of them hold only within rounding")
            counts["tests"] += 1
        for f in by_rule.get(t.rule, []):
            case = ET.SubElement(suite, "testcase", classname=_x(t.rule),
                                 name=_x(_name(report, f)), file=_x(_file(report, f)))
            if f.cells:
                case.set("line", str(f.cells[0].line))
            counts["tests"] += 1
            if f.waived:
                w = f.waived
                ET.SubElement(case, "skipped", message=_x(
                    f"waived until {w.expires} by {w.accepted_by}: {w.reason}"))
                counts["skipped"] += 1
            elif f.severity == "info":
                ET.SubElement(case, "skipped", message=_x(f.message))
                counts["skipped"] += 1
            elif f.severity in failing:
                failure = ET.SubElement(case, "failure", message=_x(f.message), type=f.severity)
                failure.text = _x(_details(report, f))
                counts["failures"] += 1
            else:
                ET.SubElement(case, "system-out").text = _x(
                    f"{f.severity}: {f.message}\n{_details(report, f)}")
        if t.unlisted_waived:  # accepted beyond the listing: shown as skipped, counted
            case = ET.SubElement(suite, "testcase", classname=_x(t.rule),
                                 name=_x(f"{t.unlisted_waived} more findings waived, not listed"))
            ET.SubElement(case, "skipped", message=_x(f"{t.unlisted_waived} waived"))
            counts["tests"] += 1
            counts["skipped"] += 1
        beyond = t.unlisted + t.unlisted_infos
        if beyond:  # counted, not listed (--max-findings)
            case = ET.SubElement(suite, "testcase", classname=_x(t.rule),
                                 name=_x(f"{beyond} more findings not listed"))
            counts["tests"] += 1
            what = f"{t.unlisted} more {t.severity}s, {t.unlisted_infos} more infos"
            if t.unlisted and t.severity in failing:
                ET.SubElement(case, "failure", message=_x(what), type=t.severity)
                counts["failures"] += 1
            else:
                ET.SubElement(case, "system-out").text = _x(what)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _file(report: Report, f: Finding) -> str:
    return path_of(report.target, f.cells[0].file) if f.cells else report.target


def _name(report: Report, f: Finding) -> str:
    c = f.cells[0] if f.cells else None
    where = ((c.address or f"{c.file}:{c.line}") + f" {c.column}" if c
             else (f.table or report.target))
    return f"{where}: {f.message}"


def _details(report: Report, f: Finding) -> str:
    lines = [f"{f.rule} {f.severity}: {f.message}"]
    for c in f.cells:
        lines.append(f"  {c.address or path_of(report.target, c.file) + f':{c.line}'}"
                     f" {c.column}"
                     + (f" ({c.unit} · {c.label})" if c.unit or c.label else ""))
    if f.read > len(f.cells):
        lines.append(f"  … {f.read - len(f.cells)} more cells read")
    if f.expected is not None:
        lines.append(f"expected: {f.expected.printed}")
    if f.actual is not None:
        lines.append(f"printed:  {f.actual.printed}")
    if f.miss is not None:
        lines.append(f"miss: {f.miss:g} ({f.reading or 'loose'} reading)")
    if f.suggestion:
        lines.append(f"suggestion: {f.suggestion}")
    return "\n".join(lines)


_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")


def _x(text: object) -> str:
    """Text XML 1.0 can hold: control characters escaped as `inert` shows them, and the
    two non-characters and any lone surrogate the same way."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", inert(text, newlines=True))
