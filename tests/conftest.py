"""Shared fixtures: a tiny bulletin form built inline, so kind tests are one call each."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml

from zzqa import catalog, engine, form, period
from zzqa import waivers as waivers_mod

# the compiled-catalog cache of the tests lives in a folder of their own
os.environ.setdefault("ZZQA_CACHE_DIR", tempfile.mkdtemp(prefix="zzqa-test-cache-"))

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "2020-09"
CHECKS = ROOT / "checks"

UNITS = {"units": [
    {"name": "合计", "type": "total", "aliases": ["合 计"]},
    {"name": "甲区", "type": "district", "aliases": ["甲 区"]},
    {"name": "乙区", "type": "district"},
    {"name": "丙区", "type": "district"},
]}


def tiny(tmp_path: Path, tables: dict[str, tuple[dict, str]], rules: str,
         extra_units: list | None = None, prose: str | None = None,
         waivers: str | None = None, today=None, previous: dict | None = None):
    """Write a checks/ folder and a period with the given tables, run the rules.

    tables: name -> (column kinds {column: kind}, CSV text); previous: the tables of the
    period before (named in period.yaml).  Returns the Report.
    """
    tmp_path = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    checks = tmp_path / "checks"
    (checks / "rules").mkdir(parents=True)
    resources = []
    data = tmp_path / "p"
    data.mkdir()
    for name, (kinds, csv_text) in tables.items():
        fields = [{"name": "unit", "title": "单位", "type": "string", "kind": "unit"}]
        for col, kind in kinds.items():
            spec = {"name": col, "title": col, "type": "number", "kind": kind}
            if isinstance(kind, tuple):
                spec["kind"], spec["max_points"] = kind
            if kind == "points":  # a score awarded in whole points
                spec["kind"], spec["type"] = "score", "integer"
            fields.append(spec)
        resources.append({"name": name, "path": f"{name}.csv", "title": name,
                          "units": ["district"], "schema": {"fields": fields}})
        (data / f"{name}.csv").write_text(textwrap.dedent(csv_text).lstrip(), encoding="utf-8")
    (checks / "tables.yaml").write_text(yaml.safe_dump({"resources": resources},
                                                       allow_unicode=True), encoding="utf-8")
    units = {"units": UNITS["units"] + (extra_units or [])}
    (checks / "units.yaml").write_text(yaml.safe_dump(units, allow_unicode=True), encoding="utf-8")
    base = (CHECKS / "rules" / "schema.yaml").read_text(encoding="utf-8")
    (checks / "rules" / "schema.yaml").write_text(base, encoding="utf-8")
    (checks / "rules" / "tiny.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    (data / "period.yaml").write_text("period: 2020-09\n" + (
        "previous: ../prev\n" if previous else ""), encoding="utf-8")
    if previous:  # the period before: the same tables, other rows (history rules)
        prev = tmp_path / "prev"
        prev.mkdir()
        (prev / "period.yaml").write_text("period: 2020-08\n", encoding="utf-8")
        for name, (_kinds, csv_text) in previous.items():
            (prev / f"{name}.csv").write_text(textwrap.dedent(csv_text).lstrip(),
                                              encoding="utf-8")
    # a period without prose is a T009 warning: tiny tables come with a line of prose
    prose = "本期简报无正文。\n" if prose is None else prose
    (data / "bulletin.md").write_text(textwrap.dedent(prose).lstrip(), encoding="utf-8")
    shutil.copy(CHECKS / "prose.yaml", checks / "prose.yaml")
    f = form.load(checks)
    c = catalog.load(checks, f)
    accepted = []
    if waivers is not None:
        (checks / "waivers.yaml").write_text(textwrap.dedent(waivers), encoding="utf-8")
        accepted = waivers_mod.load(checks / "waivers.yaml")
    return engine.run(period.load(data, f), f, c, waivers=accepted, today=today)


def flat(report) -> set[tuple]:
    """Findings flattened to (rule, severity, line, column) for exact comparison."""
    return {(x.rule, x.severity, x.cells[0].line if x.cells else 0,
             x.cells[0].column if x.cells else "") for x in report.findings}


@pytest.fixture
def make(tmp_path):
    return lambda tables, rules, **kw: tiny(tmp_path, tables, rules, **kw)


@pytest.fixture(scope="session")
def real_report():
    f = form.load(CHECKS)
    return engine.run(period.load(REAL, f), f, catalog.load(CHECKS, f))


@pytest.fixture(autouse=True)
def english():
    """Every test starts in English, whatever a test before it chose (--lang zh)."""
    from zzqa import i18n
    i18n.use("en")
    yield
