"""The rule catalog: rule instances as data (checks/rules/*.yaml), validated before any data.

A rule names its kind (zzqa/kinds), carries its own id, title, severity and why, and the
parameters its kind asks for.  Unknown kinds, unknown fields, wrong types, duplicate ids and
columns the table descriptions do not have are InputErrors naming file and line (exit 2).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsource
from .form import Form
from .kinds import REGISTRY
from .model import InputError

MAX_WIDTH = 100  # a message template's widths: {label:>20}, never {label:>3000000000}
COMMON = {"id", "aliases", "kind", "title", "severity", "why", "message", "from", "until"}


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    title: str
    severity: str
    why: str
    params: dict
    file: str
    line: int
    message: str | None = None
    aliases: tuple[str, ...] = ()
    since: str | None = None  # the first period the rule applies to (YYYY-MM), None: always
    until: str | None = None  # the last one
    reads: tuple = ()  # (table, column) pairs it reads: its kind's columns(params), at load

    @property
    def module(self):
        return REGISTRY[self.kind]

    def applies(self, period: str) -> bool:
        """Whether the rule applies to a period (named YYYY-MM, period.yaml's schema says)."""
        return (self.since is None or self.since <= period) and (
            self.until is None or period <= self.until)

    def template(self, variant: str | None = None) -> str:
        """The rule's own message, else its kind's (for the variant, if the kind has several)."""
        if self.message is not None:
            return self.message
        message = self.module.MESSAGE
        return message.get(variant, message[None]) if isinstance(message, dict) else message


@dataclass
class Catalog:
    rules: list[Rule]
    by_alias: dict[str, str] = field(default_factory=dict)

    def get(self, rule_id: str) -> Rule | None:
        rule_id = self.by_alias.get(rule_id.upper(), rule_id.upper())
        return next((r for r in self.rules if r.id == rule_id), None)

    def select(self, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> list[Rule]:
        """Rules whose id (or alias) starts with a selected prefix and with no ignored one."""
        def hit(rule: Rule, prefixes) -> bool:
            names = (rule.id, *rule.aliases)
            return any(n.startswith(p.upper()) for n in names for p in prefixes)
        return [r for r in self.rules
                if (not select or hit(r, select)) and not (ignore and hit(r, ignore))]


def load(checks_dir: Path, form: Form) -> Catalog:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in sorted((checks_dir / "rules").glob("*.yaml")):
        src = yamlsource.load(path, "rules")
        for i, entry in enumerate(src.data["rules"]):
            line = src.line("rules", i)
            rule = _rule(entry, path, line, src, i)
            for name in (rule.id, *rule.aliases):
                if name in seen:
                    raise InputError(path, f"rule id {name} is already used at {seen[name]}", line)
                seen[name] = f"{path.name}:{line}"
            rule = _check_columns(rule, form, path, src, i)
            _check_message(rule, path, src, i)
            rules.append(rule)
    if not rules:
        raise InputError(checks_dir / "rules", "no rules found")
    aliases = {a: r.id for r in rules for a in r.aliases}
    return Catalog(sorted(rules, key=lambda r: r.id), aliases)


def _rule(entry: dict, path: Path, line: int, src, i: int) -> Rule:
    kind = entry["kind"]
    if kind not in REGISTRY:
        raise InputError(path, f"unknown kind {kind!r} (known: {', '.join(REGISTRY)})",
                         src.line("rules", i, "kind"))
    params = {k: v for k, v in entry.items() if k not in COMMON}
    errors = sorted(_options_validator(kind).iter_errors(params),
                    key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        raise InputError(path, f"rule {entry['id']} ({kind}): {e.message}",
                         src.line("rules", i, *e.absolute_path))
    if not entry["id"].startswith(REGISTRY[kind].PREFIX):
        raise InputError(path, f"rule {entry['id']}: ids of kind {kind} start with "
                         f"{REGISTRY[kind].PREFIX}", src.line("rules", i, "id"))
    since, until = (None if entry.get(k) is None else str(entry[k]) for k in ("from", "until"))
    if since and until and since > until:
        raise InputError(path, f"rule {entry['id']}: from {since} is after until {until}",
                         src.line("rules", i, "from"))
    return Rule(entry["id"], kind, entry["title"], entry["severity"], entry["why"].strip(), params,
                path.name, line, entry.get("message"), tuple(entry.get("aliases", ())), since,
                until)


@functools.cache
def _options_validator(kind: str):
    import jsonschema  # only when the catalog is read, not when it comes from the cache
    schema = {"type": "object", "additionalProperties": False, **REGISTRY[kind].OPTIONS}
    return jsonschema.Draft202012Validator(schema)


def _check_message(rule: Rule, path: Path, src, i: int) -> None:
    """A rule's own message template uses only the fields its kind provides."""
    if rule.message is None:
        return
    problem = template_problem(rule.message, rule.module.FIELDS)
    if problem:
        raise InputError(path, f"rule {rule.id}: message template: {problem}",
                         src.line("rules", i, "message"))


def template_problem(template: str, fields: tuple[str, ...]) -> str | None:
    """What is wrong with a message template, None if nothing: every field must be one the
    kind provides, by name (no positional {0}, no {a.b} or {a[0]}), and the template must
    render with string values."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return str(exc)
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in template):
        return "a line break or control character: a message is one line"
    for _, name, spec, _ in parsed:
        if name is None:
            continue
        if any(int(n) > MAX_WIDTH for n in re.findall(r"\d+", spec or "")):
            return f"a width or precision over {MAX_WIDTH} in {{{name}:{spec}}}"
        if name not in fields:
            what = "a positional field" if name == "" or name.isdigit() else f"{{{name}}}"
            return f"{what} is not a field of this kind (fields: {', '.join(fields)})"
        if spec and "{" in spec:
            return f"a nested field in {{{name}:{spec}}}"
    try:
        string.Formatter().vformat(template, (), dict.fromkeys(fields, "0"))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return str(exc)
    return None


def _check_columns(rule: Rule, form: Form, path: Path, src, i: int) -> Rule:
    """The rule, with what it reads; a table or column the form does not have is an
    InputError."""
    try:
        refs = rule.module.columns(rule.params)
    except ValueError as exc:  # FormulaError, ExprError, a bad template
        raise InputError(path, f"rule {rule.id}: {exc}", src.line("rules", i)) from None
    for table, column in refs:
        spec = form.tables.get(table)
        if spec is None:
            raise InputError(path, f"rule {rule.id}: unknown table {table!r}", src.line("rules", i))
        if column is not None and spec.column(column) is None:
            raise InputError(path, f"rule {rule.id}: table {table} has no column {column!r}",
                             src.line("rules", i))
    return dataclasses.replace(rule, reads=tuple(refs))
