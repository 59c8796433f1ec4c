"""The seams of issue 9: one kind protocol, selection over every rule, rules scoped in
time, rules that break, the compiled-catalog cache, the reader seam."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest
from click.testing import CliRunner

from zzqa import catalog, compiled, engine, form, period, readers
from zzqa.cli import cli
from zzqa.model import InputError

from conftest import CHECKS, REAL

FORM = form.load(CHECKS)
CATALOG = catalog.load(CHECKS, FORM)
PERIOD = period.load(REAL, FORM)


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args), "--checks", str(CHECKS)])


def test_select_applies_to_every_rule_the_precision_warnings_included():
    report = engine.run(PERIOD, FORM, CATALOG, select=("P2",))
    assert {f.rule for f in report.findings} <= {"P201"}
    assert [t.rule for t in report.tallies] == ["P201"]
    within = engine.run(PERIOD, FORM, CATALOG, select=("P2", "D"))
    assert {f.rule for f in within.findings} == {"D001"}  # P201's six rounding-only checks


def test_every_rule_has_its_checklist_row_and_the_header_counts_them():
    report = engine.run(PERIOD, FORM, CATALOG)
    assert [t.rule for t in report.tallies] == sorted(r.id for r in CATALOG.rules)
    listed = run("rules").output.strip().splitlines()
    assert len(listed) == len(report.tallies)
    assert f"{len(listed)} rules from" in " ".join(run("check", REAL).output.splitlines()[:2])


def with_rules(tmp_path, text: str):
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    (checks / "rules" / "zz.yaml").write_text(text, encoding="utf-8")
    f = form.load(checks)
    return f, catalog.load(checks, f)


NEXT_MONTH = """rules:
  - id: C991
    kind: claim
    title: next month's wording
    severity: error
    why: w
    text: 重点项目累计完成投资{done}亿元
    values: {done: 'a2.done_total[合计]'}
"""


@pytest.mark.parametrize("scope, applies", [
    ("", True), ("    from: 2020-10\n", False), ("    until: 2020-08\n", False),
    ("    from: 2020-01\n    until: 2020-09\n", True), ("    from: 2020-09\n", True),
])
def test_a_rule_applies_only_to_the_periods_it_names(tmp_path, scope, applies):
    f, c = with_rules(tmp_path, NEXT_MONTH + scope)
    report = engine.run(period.load(REAL, f), f, c)
    assert ("C991" in {t.rule for t in report.tallies}) == applies
    # next month's wording is no "template matches no sentence" for this month
    assert any(x.rule == "C991" for x in report.findings) == applies


def test_from_after_until_is_a_catalog_error(tmp_path):
    with pytest.raises(InputError, match="from 2020-10 is after until 2020-09"):
        with_rules(tmp_path, NEXT_MONTH + "    from: 2020-10\n    until: 2020-09\n")


def test_an_id_with_another_kinds_prefix_is_a_catalog_error(tmp_path):
    with pytest.raises(InputError, match="ids of kind sum_total start with S"):
        with_rules(tmp_path, "rules:\n  - {id: R991, kind: sum_total, title: t, severity: "
                             "error, why: w, table: a2}\n")


def test_a_rule_that_breaks_is_an_error_naming_it_and_its_input(monkeypatch):
    from zzqa.kinds import sum_total

    def broken(rule, ctx):
        raise ZeroDivisionError("boom")
    monkeypatch.setattr(sum_total, "check", broken)
    report = engine.run(PERIOD, FORM, CATALOG, select=("S2",))
    (f,) = report.findings
    assert (f.rule, f.severity) == ("S201", "error")
    assert "failed to run on a2_investment.csv: ZeroDivisionError: boom" in f.message
    assert report.exit_status() == 1


def test_the_compiled_catalog_comes_back_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ZZQA_CACHE_DIR", str(tmp_path / "cache"))
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    first = compiled.load(checks)
    (cached,) = (tmp_path / "cache").glob("checks-*.pickle")
    second = compiled.load(checks)
    assert [r.id for r in second[1].rules] == [r.id for r in first[1].rules]
    assert second[0].recognisers and second[0].tables.keys() == first[0].tables.keys()
    # a changed rule file is a new key: its error is found, never hidden by the cache
    rules = checks / "rules" / "a2.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("kind: ratio", "kind: ratios"),
                     encoding="utf-8")
    with pytest.raises(InputError, match="unknown kind 'ratios'"):
        compiled.load(checks)
    # a cache file that cannot be unpickled is read past
    cached.write_bytes(b"not a pickle")
    rules.write_text(rules.read_text(encoding="utf-8").replace("kind: ratios", "kind: ratio"),
                     encoding="utf-8")
    assert len(compiled.load(checks)[1].rules) == len(first[1].rules)


def test_no_cache_when_the_cache_folder_is_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("ZZQA_CACHE_DIR", "")
    assert compiled.folder() is None
    assert len(compiled.load(CHECKS)[1].rules) == len(CATALOG.rules)


def test_a_pickled_form_keeps_its_units_lookups():
    f = pickle.loads(pickle.dumps(FORM))
    spec = f.tables["a2"]
    assert f.units._lookups and spec.unit_types in f.units._lookups
    assert f.units.match("芦 淞 区", ("district",)).name == "芦淞区"


@pytest.mark.parametrize("name, says", [
    ("draft.xlsx", "cannot be read as an Excel workbook"),
    ("draft.docx", "cannot be read as a Word document"),
    ("draft.xls", "an old Excel workbook"), ("draft.doc", "an old Word document"),
    ("notes.txt", "not a period folder, a folder of CSV exports, an .xlsx workbook"),
])
def test_the_reader_seam_says_what_a_path_is(tmp_path, name, says):
    (tmp_path / name).write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=says):
        readers.read(tmp_path / name, FORM)
    assert run("check", tmp_path / name).exit_code == 2


def test_a_reader_returns_text_cells_with_their_lines():
    source = readers.read(REAL, FORM)
    raw = source.tables["a2"]
    assert raw.file == "a2_investment.csv" and int(raw.lines[0]) == 2
    assert str(raw.frame["done_total"].iloc[0]) == "891.29"
    assert source.prose.startswith(replace(PERIOD).prose[:10])


def test_explain_imports_no_pandas(tmp_path):
    code = ("import sys, contextlib, io\nfrom zzqa.cli import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        cli.main(['explain', 'X004', '--checks', sys.argv[1]])\n"
            "    except SystemExit:\n        pass\n"
            "print(sorted(m for m in ('pandas', 'pyarrow', 'pandera', 'rich') "
            "if m in sys.modules))\n")
    env = {**os.environ, "ZZQA_CACHE_DIR": str(tmp_path)}
    # reading checks/ the first time normalises unit names in Arrow (which looks for
    # pandas); from the cache, explain needs neither
    for allowed in (["pyarrow", "pandas"], []):
        out = subprocess.run([sys.executable, "-c", code, str(CHECKS)], capture_output=True,
                             text=True, env=env, check=True).stdout
        assert set(eval(out)) <= set(allowed)


def test_the_cache_keeps_the_most_recently_used_entries(tmp_path, monkeypatch):
    """Every edit of checks/ makes a new entry: the cache keeps its newest, by count and by
    size, a hit counts as a use, and nothing in the folder that is not zzqa's is touched."""
    import os
    cache = tmp_path / "cache"
    cache.mkdir()
    names = [f"yaml-{n:032x}.pickle" for n in range(8)]
    for n, name in enumerate(names):
        (cache / name).write_bytes(pickle.dumps(n) + b"x" * 1000)
        os.utime(cache / name, (1000 + n, 1000 + n))
    foreign = ["notes.txt", "model.pickle", "download.tmp", f"yaml-{'0' * 31}.pickle"]
    for name in foreign:
        (cache / name).write_bytes(b"x" * 5000)
        os.utime(cache / name, (0, 0))
    (cache / "zzqa-crashed.tmp").write_bytes(b"x")
    os.utime(cache / "zzqa-crashed.tmp", (0, 0))
    (cache / "zzqa-writing.tmp").write_bytes(b"x")  # a write in progress: now
    monkeypatch.setenv("ZZQA_CACHE_DIR", str(cache))
    assert compiled.cached("yaml", f"{0:032x}", lambda: "built") == 0  # a hit: now the newest
    compiled.prune(cache, entries=5)
    ours = sorted(p.name for p in cache.iterdir() if p.name not in foreign)
    assert ours == sorted([names[0], *names[4:], "zzqa-writing.tmp"])
    assert all((cache / name).exists() for name in foreign)
    big = cache / f"checks-{'f' * 32}.pickle"  # one entry over the size: it alone goes
    big.write_bytes(b"x" * 10_000)
    compiled.prune(cache, size=2500)  # two entries' worth
    assert not big.exists()
    assert sorted(p.name for p in cache.glob("yaml-*.pickle") if p.name not in foreign) == [
        names[0], names[7]]
    # a new entry written prunes to the defaults: nothing more goes here
    assert compiled.cached("yaml", "a" * 32, lambda: "built") == "built"
    assert (cache / f"yaml-{'a' * 32}.pickle").exists()
