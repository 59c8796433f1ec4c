"""Output formats: one module per format, each `render(report) -> str`."""

from . import json, plain, text

FORMATS = {"text": text, "json": json, "plain": plain}
