"""What the kinds of one run share: the period, the form, and what earlier stages found.

The engine runs the stages in order (zzqa/kinds STAGES); a kind reads from the context what
an earlier stage left there — the checks that held only within rounding (precision), the
prose and its verdicts (claims, then the unlinked numbers) — and never calls another kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .checks import Checks


@dataclass(frozen=True)
class Result:
    """The checks one rule produced (a rule may produce several, one per formula)."""

    rule: object  # catalog.Rule
    checks: Checks
    listed: int = 0  # its checks stamped as findings: the first of indices(FAIL, UNEVALUABLE)


class Within(NamedTuple):
    """A check that held only within rounding: check i of a rule's checks."""

    rule: object  # catalog.Rule
    checks: Checks
    i: int


@dataclass
class Context:
    period: object  # period.Period
    form: object  # form.Form
    results: list[Result] = field(default_factory=list)
    within: list[Within] = field(default_factory=list)  # checks held only within rounding
    # table -> column -> which cells a check that could be evaluated read (the engine marks)
    covered: dict = field(default_factory=dict)
    max_listed: int = 10**9  # findings listed per rule: a kind need not explain more
    waived: list = field(default_factory=list)  # waivers.Outcome of each waiver (stage waivers)
    # rules a waiver names: their kinds list every check (with its cells), however many, so
    # that the failures beyond --max-findings can be judged by the waivers too
    unbounded: frozenset = frozenset()
    _prose: object = None
    _problems: dict | None = None
    _previous: object = None

    @property
    def period_previous_path(self) -> str | None:
        """The previous period's folder as period.yaml names it (`previous: ../2020-09`)."""
        return (self.period.meta or {}).get("previous")

    @property
    def previous(self):
        """The previous period (read once, when a rule asks), None when none is named."""
        where = self.period_previous_path
        if where is None or not hasattr(self.period.root, "joinpath"):
            return None
        if self._previous is None:
            from . import period as period_mod
            self._previous = period_mod.load(self.period.root / where, self.form)
        return self._previous

    @property
    def prose(self):
        """The prose with its numbers recognised (zzqa/prose.py), None without prose."""
        if self._prose is None and self.period.prose is not None:
            from . import prose
            doc = prose.read(self.period.prose, self.period.prose_file)
            doc.paragraph_of_line = list((self.period.meta or {}).get("paragraphs", ()))
            found = self.form.recognisers
            if found is None:
                found = prose.recognisers(self.form.source / "prose.yaml")
            prose.recognise(doc, found)
            self._prose = doc
        return self._prose

    @property
    def prose_read(self) -> bool:
        """Whether a rule of this run read the prose."""
        return self._prose is not None

    def problems(self, code: str) -> tuple[list, int]:
        """Schema problems of the period with this code (zzqa/schema.py), found once: the
        first `max_listed` of them, and how many there are."""
        if self._problems is None or self._problems.limit < self.max_listed:
            from . import schema
            self._problems = schema.problems(self.period, self.max_listed)
        return self._problems.kept.get(code, [])[:self.max_listed], self._problems.count[code]
