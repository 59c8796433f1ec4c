"""The report model: findings with full locations, rule tallies, coverage.

Reporters import only this module; everything here is plain frozen data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")

# Readings of a check (see docs/rounding.md): strict reads every cell at least at its
# column's printing convention; loose reads each cell at the decimals it shows.
STRICT, LOOSE = "strict", "loose"


def at_or_above(severity: str) -> tuple[str, ...]:
    """The severities as bad as `severity` or worse (--fail-on)."""
    return SEVERITIES[: SEVERITIES.index(severity) + 1]


class InputError(Exception):
    """The input cannot be checked at all (exit 2): names a file and, when known, a line."""

    def __init__(self, path: str, message: str, line: int | None = None):
        super().__init__(message)
        self.path, self.line, self.message = str(path), line, message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class Fields(dict):
    """Fields of a message template; a field the kind does not provide prints as itself."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: file relative to the period folder, 1-based line, column id (or offset),
    and where known the 1-based character column its text starts at in that line."""

    file: str
    line: int
    column: str
    unit: str = ""
    label: str = ""
    offset: int = 0  # 0: not known (a quoted CSV, a missing file)
    address: str = ""  # as the document names it, when not file:line ("Sheet3!D7")

    @property
    def where(self) -> str:
        """The cell as the user finds it: its address in the document, else
        file:line:column."""
        return self.address or f"{self.file}:{self.line}:{self.column}"


def path_of(target: str, file: str) -> str:
    """A cell's file as a path: inside the period folder checked, or the document itself
    when the target is that document (a workbook, a draft)."""
    import posixpath
    if posixpath.basename(target.rstrip("/")) == file:
        return target
    return posixpath.join(target, file)


@dataclass(frozen=True)
class Value:
    """A value as printed and, where numeric, the closed interval it stands for."""

    printed: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Waived:
    """The waiver a finding is accepted by (checks/waivers.yaml)."""

    reason: str
    accepted_by: str
    expires: str  # YYYY-MM-DD
    where: str  # file:line of the waiver


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    table: str
    cells: tuple[Cell, ...]
    expected: Value | None = None
    actual: Value | None = None
    miss: float | None = None
    reading: str | None = None
    suggestion: str | None = None
    checks: tuple[str, ...] = ()
    read: int = 0  # cells the check read, when more than `cells` lists (a long column sum)
    waived: Waived | None = None  # accepted by a waiver: shown and counted, never failing

    def sort_key(self) -> tuple:
        first = self.cells[0] if self.cells else Cell("", 0, "")
        return (self.table, first.file, first.line, first.column, self.rule)


@dataclass
class RuleTally:
    """Outcome counts of one catalog rule on one period."""

    rule: str
    title: str
    kind: str
    severity: str
    checks: int = 0
    passed: int = 0
    within_rounding: int = 0
    failed: int = 0
    unevaluable: int = 0
    listed: int = 0  # findings listed in the report
    unlisted: int = 0  # failures beyond the listing limit, counted only (rule's severity)
    unlisted_infos: int = 0  # and checks that could not be evaluated (infos)
    unlisted_waived: int = 0  # failures beyond the listing limit that a waiver accepts


@dataclass(frozen=True)
class UncoveredCell:
    cell: Cell
    reason: str


@dataclass(frozen=True, slots=True)
class ProseNumber:
    """One number of the prose and its verdict: verified, contradicted, unverifiable,
    unlinked, or not_a_figure (kind then says what it is: date, section, reference, ...)."""

    file: str
    line: int
    column: int  # 1-based character offset in the line
    text: str
    value: float | None  # None: beyond a float (a run of hundreds of digits)
    kind: str
    verdict: str
    rule: str | None
    expected: str | None


@dataclass(frozen=True)
class Suspect:
    """A cell whose change alone would make the failed checks it is in hold."""

    cell: Cell
    value: str  # as printed
    suggested: str | None  # the value (or bound) that makes its checks hold
    explains: tuple[str, ...]  # failed checks explained, "RULE label"
    pattern: str | None  # the typing error it looks like
    confidence: str  # high (explains several), medium (one), tie (equally good alternatives)


@dataclass(frozen=True)
class Systematic:
    """A rule failing on most of its checks: the rule or a header, not a cell, is wrong."""

    rule: str
    what: str  # the checks, e.g. "a1 talent" or "a1"
    failed: int
    checks: int


@dataclass(frozen=True)
class PrintedTable:
    """One appendix as printed, for a report that shows the tables (HTML)."""

    name: str
    title: str  # 附件N and its title
    file: str
    unit_of_measure: str
    columns: tuple[tuple[str, str], ...]  # (column id, header path "A › B") in file order
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line, cells as printed)
    more: int = 0  # rows not carried (a long synthetic table)
    where: str = ""  # where it was read, when not its file ("book.xlsx, Sheet3")


@dataclass(frozen=True)
class Printed:
    """The period as printed: its tables and its prose."""

    tables: tuple[PrintedTable, ...]
    prose: str | None
    prose_file: str | None


@dataclass
class Report:
    target: str
    period: str
    tables: list[str]
    findings: list[Finding] = field(default_factory=list)
    tallies: list[RuleTally] = field(default_factory=list)
    cells_total: int = 0
    cells_covered: int = 0
    uncovered: list[UncoveredCell] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # table id -> title
    prose: list[ProseNumber] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)
    unexplained: int = 0  # failed checks no single-cell change explains
    systematic: list[Systematic] = field(default_factory=list)  # among the unexplained
    checks_dir: str = ""  # the checks/ folder the form and the rules came from
    read: tuple = ()  # what the reader decided (a CSV export's encoding, merged figures)
    why: dict[str, str] = field(default_factory=dict)  # rule id -> why it must hold
    printed: Printed | None = None  # the period as printed, when a report shows it (HTML)

    def count(self, severity: str) -> int:
        """Findings of a severity, those beyond the listing limit included, the waived
        ones not (`waived`)."""
        beyond = sum(t.unlisted for t in self.tallies if t.severity == severity)
        if severity == "info":
            beyond += sum(t.unlisted_infos for t in self.tallies)
        return sum(1 for f in self.findings if f.severity == severity and not f.waived) + beyond

    @property
    def waived(self) -> int:
        """Findings a waiver accepts, those beyond the listing limit included."""
        return (sum(1 for f in self.findings if f.waived)
                + sum(t.unlisted_waived for t in self.tallies))

    @property
    def checks(self) -> dict[str, int]:
        keys = ("checks", "passed", "within_rounding", "failed", "unevaluable")
        return {k: sum(getattr(t, k) for t in self.tallies) for k in keys}

    @property
    def prose_tally(self) -> dict[str, int]:
        verdicts = ("verified", "contradicted", "unverifiable", "unlinked", "not_a_figure")
        return {v: sum(1 for p in self.prose if p.verdict == v) for v in verdicts}

    def exit_status(self, fail_on: str = "error") -> int:
        return 1 if self.failing(fail_on) else 0

    def failing(self, fail_on: str = "error") -> int:
        """Findings at or above `fail_on` that no waiver accepts (they fail the run)."""
        return sum(self.count(severity) for severity in at_or_above(fail_on))
