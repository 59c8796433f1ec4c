"""The prose: every number in bulletin.md gets a verdict.

The text is read paragraph by paragraph (blocks separated by blank lines; each Markdown list
item is a paragraph of its own) and normalised
for matching — Unicode NFKC (full-width punctuation and digits become ASCII), white space
removed, dashes unified — while every normalised character remembers its line and column
in the file.  Then:

1. recognisers (checks/prose.yaml) mark numbers that are not figures: dates, issue and
   document numbers, section and list numbers, appendix references, names ("五个100");
2. claim templates (catalog rules of kind `claim` and `ranking`) match sentences; each
   placeholder number is verified, contradicted or declared unverifiable by its rule;
3. every other number is *unlinked*: a warning, so that a new sentence never passes
   silently.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsource
from .model import InputError, ProseNumber

TOKEN = re.compile(r"\d+(?:\.\d+)?")
_DASHES = str.maketrans({c: "-" for c in "—–－‐‑‒―~～"})
MIXED = str.maketrans({"万": "亿", "亿": "万"})
GAP = 200  # … and a list of units span at most this many characters (the real ones: 75)
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?::(units))?\}")
CHOICE = re.compile(r"\[([^\[\]|]+(?:\|[^\[\]|]+)+)\]")


@dataclass
class Paragraph:
    norm: str
    lines: array  # the line of each normalised character
    columns: array  # and its 1-based column

    def position(self, start: int) -> tuple[int, int]:
        return self.lines[start], self.columns[start]


class Match:
    """A match in the whole prose, seen from its paragraph (positions relative to it)."""

    def __init__(self, match: re.Match, offset: int):
        self._m, self._offset, self.re = match, offset, match.re

    def start(self, group=0) -> int:
        return self._m.start(group) - self._offset

    def group(self, name=0) -> str:
        return self._m.group(name)


@dataclass(slots=True)
class Token:
    paragraph: int
    start: int  # in the normalised paragraph
    end: int
    text: str
    line: int
    column: int
    kind: str = "figure"  # or the recogniser class: date, document, section, ...
    verdict: str = "unlinked"
    rule: str | None = None
    expected: str | None = None


@dataclass
class Prose:
    file: str
    paragraphs: list[Paragraph]
    tokens: list[Token] = field(default_factory=list)
    # the document paragraph each line of the text came from (a Word draft), else empty
    paragraph_of_line: list = field(default_factory=list)

    def cell(self, line: int, column: int, unit: str = "", label: str = ""):
        """A number's place as a Cell: line and character column of the text, and, for a
        Word draft, the paragraph the user finds it in."""
        from .model import Cell
        address = ""
        if 0 < line <= len(self.paragraph_of_line):
            address = f"{self.file}, paragraph {self.paragraph_of_line[line - 1]}"
        return Cell(self.file, line, str(column), unit, label, address=address)

    def __post_init__(self):
        self._at = {(t.paragraph, t.start): t for t in self.tokens}
        # every paragraph in one string, a newline between: one search per template
        self.norm = "\n".join(p.norm for p in self.paragraphs)
        self.offsets = list(itertools.accumulate((len(p.norm) + 1 for p in self.paragraphs),
                                                 initial=0))

    def matches(self, pattern: re.Pattern, mixed: bool = False):
        """(paragraph, match) for every match of a template (which never spans a newline);
        `mixed`: in the prose with 万 and 亿 exchanged (positions are the same)."""
        if mixed and "万" not in self.norm and "亿" not in self.norm:
            return
        norm = self.norm.translate(MIXED) if mixed else self.norm
        for m in pattern.finditer(norm):
            p = bisect.bisect_right(self.offsets, m.start()) - 1
            yield p, Match(m, self.offsets[p])

    def token_at(self, paragraph: int, start: int) -> Token | None:
        if len(self._at) != len(self.tokens):
            self._at = {(t.paragraph, t.start): t for t in self.tokens}
        return self._at.get((paragraph, start))

    def verdicts(self) -> list[ProseNumber]:
        return [ProseNumber(self.file, t.line, t.column, t.text, _value(t.text), t.kind,
                            t.verdict, t.rule, t.expected) for t in self.tokens]


def _value(text: str) -> float | None:
    """The number as a float, None where it has none (400 digits: beyond a float)."""
    value = float(text)
    return value if math.isfinite(value) else None


def normalise(text: str) -> str:
    return "".join(_norm_char(c) for c in text)


@functools.lru_cache(maxsize=65536)
def _norm_char(c: str) -> str:
    if c.isspace():
        return ""
    return unicodedata.normalize("NFKC", c).translate(_DASHES)


def read(text: str, file: str) -> Prose:
    """The prose `text` (of `file`), in paragraphs, with its numbers as tokens."""
    paragraphs, norm, lines, columns = [], [], array("i"), array("i")
    for line_no, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.lstrip().startswith(("- ", "* ")):  # a list item: its own
            if norm:
                paragraphs.append(Paragraph("".join(norm), lines, columns))
            norm, lines, columns = [], array("i"), array("i")
            if not line.strip():
                continue
        for col, c in enumerate(line, 1):
            n = _norm_char(c)
            if n:
                norm.append(n)
                lines.extend([line_no] * len(n))
                columns.extend([col] * len(n))
    if norm:
        paragraphs.append(Paragraph("".join(norm), lines, columns))
    prose = Prose(file, paragraphs)
    for p, para in enumerate(paragraphs):
        for m in TOKEN.finditer(para.norm):
            line, col = para.position(m.start())
            prose.tokens.append(Token(p, m.start(), m.end(), m.group(), line, col))
    return prose


@dataclass(frozen=True)
class Recogniser:
    kind: str
    pattern: re.Pattern


def recognisers(path: Path) -> list[Recogniser]:
    if not path.exists():
        raise InputError(path, "missing: without it every date and section number of the "
                         "prose would be reported as an unlinked figure")
    src = yamlsource.load(path, "prose")
    out = []
    for i, entry in enumerate(src.data["not_figures"]):
        try:
            out.append(Recogniser(entry["class"], re.compile(normalise(entry["pattern"]))))
        except re.error as exc:
            raise InputError(path, f"bad pattern: {exc}", src.line("not_figures", i)) from None
    return out


def recognise(prose: Prose, recognisers: list[Recogniser]) -> None:
    """Mark the numbers inside a recogniser's match as not figures (first class wins)."""
    by_paragraph: dict[int, list[Token]] = {}
    for t in prose.tokens:
        by_paragraph.setdefault(t.paragraph, []).append(t)
    for p, tokens in by_paragraph.items():
        norm = prose.paragraphs[p].norm
        starts = [t.start for t in tokens]  # in order: tokens are found left to right
        for r in recognisers:  # a recogniser's matches do not overlap: linear in both
            for m in r.pattern.finditer(norm):
                k = bisect.bisect_left(starts, m.start())
                while k < len(tokens) and tokens[k].start < m.end():
                    t = tokens[k]
                    if t.kind == "figure" and t.end <= m.end():
                        t.kind, t.verdict = r.kind, "not_a_figure"
                    k += 1


@functools.lru_cache(maxsize=4096)
def compile_template(text: str) -> re.Pattern:
    """A template: literal text with {name} number placeholders, {name:units} unit lists,
    [a|b] alternatives and … for any text in between (within the paragraph); spacing and
    punctuation variants are normalised away."""
    out, pos = [], 0
    norm = normalise(text)  # NFKC turns … into ...
    for m in re.finditer(PLACEHOLDER.pattern + "|" + CHOICE.pattern + r"|(\.\.\.)", norm):
        out.append(re.escape(norm[pos:m.start()]))
        if m.group(4):
            out.append(f"[^\\n]{{0,{GAP}}}?")
        elif m.group(1):
            # a number placeholder takes a whole number, never the tail of a longer one, and
            # gives nothing back (a run of 20,000 digits is one attempt, not 20,000)
            out.append(f"(?P<{m.group(1)}>[^;；。,，:：\\n]{{1,{GAP}}}?)" if m.group(2)
                       else f"(?<![0-9.])(?P<{m.group(1)}>\\d++(?:\\.\\d++)?+)(?![0-9])")
        else:
            out.append("(?:" + "|".join(re.escape(x) for x in m.group(3).split("|")) + ")")
        pos = m.end()
    out.append(re.escape(norm[pos:]))
    return re.compile("".join(out))


def compiled(text: str) -> re.Pattern:
    """compile_template, with a bad template as a catalog error (ValueError)."""
    try:
        return compile_template(text)
    except re.error as exc:
        raise ValueError(f"template {text!r}: {exc}") from None


def placeholders(text: str) -> list[tuple[str, bool]]:
    return [(m.group(1), bool(m.group(2))) for m in PLACEHOLDER.finditer(text)]
