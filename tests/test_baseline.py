"""The hand-written baseline of benchmarks/ decides the arithmetic rules exactly as zzqa
does: same tallies per rule on the real period and on a damaged synthetic one — the
performance comparison is only honest while this holds."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from zzqa import catalog, engine, form, period

from conftest import CHECKS, REAL, ROOT

KINDS = ("sum_total", "row_identity", "ratio", "cross_table")
FIELDS = ("checks", "passed", "within_rounding", "failed", "unevaluable")


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tallies_agree(folder, checks):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "baseline.py"), str(folder),
                          "--checks", str(checks), "--json"], capture_output=True, text=True,
                         check=True).stdout
    theirs = {t["rule"]: tuple(t[k] for k in FIELDS) for t in json.loads(out)["rules"]}
    f = form.load(checks)
    report = engine.run(period.load(folder, f), f, catalog.load(checks, f))
    ours = {t.rule: tuple(getattr(t, k) for k in FIELDS) for t in report.tallies
            if t.kind in KINDS}
    assert ours == theirs
    return ours


def test_the_real_period():
    assert len(tallies_agree(REAL, CHECKS)) >= 30


@pytest.mark.parametrize("seed", [0, 1])
def test_a_damaged_synthetic_period(tmp_path, seed):
    checks = load("synthetic").make_period(tmp_path / "period", 30, seed=seed)
    load("compare").damage(tmp_path / "period", 30, seed)
    got = tallies_agree(tmp_path / "period", checks)
    assert any(t[3] for t in got.values())  # the damage made checks fail
