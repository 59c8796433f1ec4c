"""Output formats: one module per format, each
`render(report, width=, color=, fail_on=) -> str` (width and colour for the terminal's
report, fail_on the lowest severity that fails the run, for the formats that say so).

A new format is a module here, its name in NAMES, and its tests; the command line offers
every name in NAMES, for the terminal (--format) and for files (--output FORMAT=PATH), and
calls each the same way.

Modules are imported on use, so that `--format json` never pays for rich (and `--help`
pays for nothing): this package itself imports only the standard library and zzqa.i18n
(which imports only the standard library).
"""

import re
from importlib import import_module

from ..i18n import N_

# the severities as a report names them (translated where shown: `_(SEVERITY[...])`)
SEVERITY = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}

NAMES = ("github", "html", "json", "junit", "markdown", "plain", "sarif", "text")

# C0 and C1 controls, DEL, and the bidirectional overrides: in a unit name, a header or a
# message they could colour the terminal, move the cursor or reorder what is shown.
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ALL = re.compile(f"[\x00-\x1f{_OTHERS}]")
_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")


def get(name: str):
    return import_module(f"{__name__}.{name}")


def inert(text: object, newlines: bool = False) -> str:
    """Text from the input, safe to print: each control character shown escaped (ESC as
    `\\x1b`); newlines kept when `newlines` is true."""
    pattern = _BUT_NEWLINE if newlines else _ALL
    return pattern.sub(_escaped, str(text))


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
