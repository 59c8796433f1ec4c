"""YAML files that remember where each value came from, validated by JSON Schema.

Catalog and form files are rejected before any data is read, with `file:line` of the
offending entry (PyYAML parses, jsonschema validates; this module only maps paths to lines).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

from . import files
from .model import InputError


class Located:
    """Parsed YAML plus the 1-based line of every mapping key and sequence item."""

    def __init__(self, path: Path, data: Any, lines: dict[tuple, int]):
        self.path, self.data, self._lines = path, data, lines

    def line(self, *keys) -> int:
        """Line of the deepest known prefix of `keys`."""
        keys = tuple(keys)
        while keys and keys not in self._lines:
            keys = keys[:-1]
        return self._lines.get(keys, 1)


MAX_DEPTH = 64  # a catalog nests four or five levels


def _flow_depth(text: str) -> int:
    """The deepest nesting of [ and { (and of indentation, in steps of one space)."""
    depth = most = 0
    for c in text:
        if c in "[{":
            depth += 1
            most = max(most, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
    indent = max((len(line) - len(line.lstrip(" ")) for line in text.splitlines()), default=0)
    return max(most, indent // 2)


def _walk(node, path: tuple, lines: dict[tuple, int], seen: set | None = None) -> Any:
    """The data of a composed node.  An alias (`*name`) is refused: a node met twice would
    be built again each time, and a few nested aliases expand to billions of entries."""
    import yaml
    seen = set() if seen is None else seen
    lines[path] = node.start_mark.line + 1
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in seen:
            raise InputError("", "YAML aliases (*name) are not allowed: write the value out",
                             node.start_mark.line + 1)
        seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise InputError("", f"nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                raise InputError("", "a key must be a plain value", k.start_mark.line + 1)
            key = k.value
            if key in out:
                raise InputError("", f"duplicate key {key!r}", k.start_mark.line + 1)
            out[key] = _walk(v, (*path, key), lines, seen)
            lines[(*path, key)] = k.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(v, (*path, i), lines, seen) for i, v in enumerate(node.value)]
    try:
        return _scalars().construct_object(node)
    except (ValueError, TypeError, OverflowError) as exc:  # a date like 2021-02-30
        raise InputError("", f"not a valid value {node.value!r}: {exc}",
                         node.start_mark.line + 1) from None


@functools.cache
def _scalars():
    """One constructor for every scalar node."""
    import yaml
    return yaml.SafeLoader("")


def load(path: Path, schema_name: str, inside: Path | None = None) -> Located:
    """Read, parse and validate one YAML file against `zzqa/schemas/<schema_name>.json`.

    A file whose exact contents were read and validated before comes from the cache
    (zzqa/compiled.py): a warm run imports neither PyYAML nor jsonschema."""
    if not path.exists() and not path.is_symlink():
        raise InputError(path, "file not found")
    raw = files.read(path, "yaml", inside)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 (byte 0x{raw[exc.start]:02x})", line) from None
    from . import compiled
    data, lines = compiled.cached("yaml", compiled.digest(schema_name.encode() + b"\0" + raw),
                                  lambda: _parse(path, text, schema_name))
    return Located(path, data, lines)


def _parse(path: Path, text: str, schema_name: str) -> tuple[Any, dict]:
    import yaml  # here, not above: a warm run reads no YAML
    depth = _flow_depth(text)
    if depth > MAX_DEPTH:  # libyaml would recurse until the process dies
        raise InputError(path, f"nested deeper than {MAX_DEPTH} levels")
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                         mark.line + 1 if mark else None) from None
    lines: dict[tuple, int] = {}
    try:
        data = _walk(node, (), lines) if node is not None else None
    except InputError as exc:
        raise InputError(path, exc.message, exc.line) from None
    except yaml.YAMLError as exc:  # a scalar no safe constructor takes ("=", a bad date)
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                         mark.line + 1 if mark else None) from None
    except RecursionError:
        raise InputError(path, f"nested deeper than {MAX_DEPTH} levels") from None
    located = Located(path, data, lines)
    errors = sorted(validator(schema_name).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        raise InputError(path, f"{where}: {e.message}", located.line(*e.absolute_path))
    return data, lines


@functools.cache
def validator(schema_name: str):
    import jsonschema
    schema = json.loads(resources.files("zzqa.schemas").joinpath(f"{schema_name}.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)
