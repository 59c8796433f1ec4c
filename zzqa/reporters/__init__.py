"""Output formats: one module per format, each `render(report) -> str`.

Modules are imported on use, so that `--format json` never pays for rich.
"""

from importlib import import_module

NAMES = ("json", "plain", "text")


def get(name: str):
    return import_module(f"{__name__}.{name}")
