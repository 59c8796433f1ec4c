"""The command line on the real period and on damaged copies: findings or exit 2, never a
traceback, and nothing written into the period folder."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from zzqa.cli import cli

from conftest import CHECKS, REAL, ROOT

SCHEMA = json.loads(resources.files("zzqa.schemas").joinpath("report.json").read_text())


def run(*args):
    result = CliRunner().invoke(cli, [*map(str, args), "--checks", str(CHECKS)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def copy(tmp_path) -> Path:
    target = tmp_path / "2020-09"
    shutil.copytree(REAL, target)
    return target


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(p.name.encode() + (p.read_bytes() if p.is_file() else b""))
    return h.hexdigest()


def test_json_output_follows_the_contract_and_cells_resolve():
    result = run("check", REAL, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["summary"]["errors"] > 0
    assert Path(doc["checks"]).resolve() == CHECKS.resolve()  # which rules judged it
    for finding in doc["findings"]:
        for cell in finding["cells"]:
            lines = (REAL / cell["file"]).read_text(encoding="utf-8").splitlines()
            if cell["file"] == "bulletin.md":   # prose: the number starts at the column
                text = lines[cell["line"] - 1][int(cell["column"]) - 1:]
                assert text[:1].isdigit(), cell
                continue
            assert cell["column"] in lines[0].split(","), cell
            assert 2 <= cell["line"] <= len(lines), cell
    for number in doc["prose"]:
        line = (REAL / number["file"]).read_text(encoding="utf-8").splitlines()[number["line"] - 1]
        assert line[number["column"] - 1:].startswith(number["text"]), number


def test_text_report_fits_80_columns_and_shows_the_checklist():
    result = run("check", REAL)
    assert result.exit_code == 1
    assert "Checklist" in result.output and "Cells covered: 1434 / 1434" in result.output
    # the header counts every rule of the catalog files, as `zzqa rules` lists them
    n = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["rules"])
            for f in (CHECKS / "rules").glob("*.yaml"))
    assert f"{n} rules from " in " ".join(result.output.splitlines()[:2])
    from rich.cells import cell_len
    assert max(cell_len(line) for line in result.output.splitlines()) <= 80


def test_plain_output_is_one_line_per_finding():
    result = run("check", REAL, "--format", "plain", "--select", "X004")
    assert result.output.splitlines() == [
        f"{REAL}/a2_investment.csv:2:plan_industry: ERROR X004 合计: a2.plan_industry = "
        "a3.major_plan + a4.industry_plan — 121.7 + 534.24 = [655.885, 655.995] expected, "
        "657.43 = [657.425, 657.435] printed (misses by 1.43)",
        f"{REAL}/a2_investment.csv:9:plan_industry: ERROR X004 醴陵市: a2.plan_industry = "
        "a3.major_plan + a4.industry_plan — 10 + 67.21 = [76.705, 77.715] expected, "
        "78.7 = [78.65, 78.75] printed (misses by 0.935)",
    ]


def test_select_and_ignore_by_prefix():
    selected = json.loads(run("check", REAL, "--format", "json", "--select", "P2").output)
    assert {r["rule"] for r in selected["rules"]} == {"P201"}
    quiet = ("--ignore", "B", "--ignore", "X", "--ignore", "R6", "--ignore", "C4",
             "--ignore", "C6")
    ignored = json.loads(run("check", REAL, "--format", "json", *quiet).output)
    assert ignored["summary"]["errors"] == 0
    assert run("check", REAL, *quiet).exit_code == 0
    assert run("check", REAL, *quiet, "--fail-on", "warning").exit_code == 1


def test_rules_and_explain():
    listing = run("rules", "--period", REAL).output
    assert "S201  sum_total" in listing and "B101" in listing
    text = run("explain", "s201").output
    assert "Why it must hold" in text and "## What it checks" in text
    assert run("explain", "Z999").exit_code == 2


def damage_rename_column(p: Path):
    f = p / "a2_investment.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("done_total", "done_all", 1), encoding="utf-8")


def damage_text_in_amount(p: Path):
    f = p / "a2_investment.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("101.74", "1O1.74"), encoding="utf-8")


def damage_unknown_unit(p: Path):
    f = p / "a9_signed_projects.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("芦淞区", "芦松区"), encoding="utf-8")


def damage_missing_file(p: Path):
    (p / "a5_investment_attraction.csv").unlink()


@pytest.mark.parametrize("damage, rule, where", [
    (damage_rename_column, "T002", ("a2_investment.csv", 1, "done_total")),
    (damage_text_in_amount, "T004", ("a2_investment.csv", 9, "done_total")),
    (damage_unknown_unit, "T005", ("a9_signed_projects.csv", 4, "unit")),
    (damage_missing_file, "T001", ("a5_investment_attraction.csv", 0, "")),
])
def test_damaged_inputs_give_findings(copy, damage, rule, where):
    damage(copy)
    before = digest(copy)
    result = run("check", copy, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    hits = [f for f in doc["findings"] if f["rule"] == rule]
    assert [(c["file"], c["line"], c["column"]) for c in hits[0]["cells"]] == [where]
    assert digest(copy) == before


def test_renamed_column_makes_its_rules_unevaluable(copy):
    damage_rename_column(copy)
    doc = json.loads(run("check", copy, "--format", "json").output)
    tallies = {r["rule"]: r for r in doc["rules"]}
    assert tallies["R201"]["unevaluable"] == 1 and tallies["S201"]["unevaluable"] == 1
    assert any(f["rule"] == "T003" for f in doc["findings"])  # done_all is not described


def test_gbk_file_is_exit_2_with_file_and_line(copy):
    f = copy / "a6_starts_completions.csv"
    f.write_bytes(f.read_text(encoding="utf-8").encode("gbk"))
    result = run("check", copy)
    assert result.exit_code == 2
    assert "a6_starts_completions.csv:2: not UTF-8" in result.output


@pytest.mark.parametrize("make_target, message", [
    (lambda tmp: tmp / "nowhere", "period folder not found"),
    (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "period.yaml is missing"),
])
def test_unusable_folders_are_exit_2(tmp_path, make_target, message):
    result = run("check", make_target(tmp_path))
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_ragged_row_and_duplicate_unit(copy):
    f = copy / "a9_signed_projects.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 2)[0]          # 荷塘区 loses its last two cells
    lines.append(lines[4])                         # 石峰区 twice
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = json.loads(run("check", copy, "--format", "json").output)
    got = {(x["rule"], x["cells"][0]["line"]) for x in doc["findings"] if x["rule"][0] == "T"}
    assert ("T008", 4) in got and ("T006", 13) in got


def test_bad_catalog_is_exit_2_with_file_and_line(tmp_path):
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    rules = checks / "rules" / "a2.yaml"
    text = rules.read_text(encoding="utf-8")
    cases = [
        (text.replace("kind: ratio", "kind: ratios"), "unknown kind 'ratios'"),
        (text.replace("pct_total = done_total", "pct_total = done_totl"), "no column 'done_totl'"),
        (text.replace("id: R201", "id: R101"), "rule id R101 is already used"),
        (text.replace("    table: a2\n    ratios:", "    table: a2\n    colour: red\n    ratios:"),
         "Additional properties are not allowed ('colour'"),
    ]
    for broken, message in cases:
        rules.write_text(broken, encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(checks)])
        assert result.exit_code == 2, broken
        assert message in result.output and "a2.yaml:" in result.output


def test_the_collector_is_off_while_importing_and_on_for_the_check(tmp_path):
    """main() turns the cyclic collector off for the imports; the commands turn it back
    on (and freeze what the imports made) before they read any data."""
    import subprocess
    import sys
    probe = ("import gc, sys\n"
             "import zzqa.engine as e\n"
             "run = e.run\n"
             "def spy(*a, **k):\n"
             "    print('gc', gc.isenabled(), gc.get_freeze_count() > 100000, file=sys.stderr)\n"
             "    return run(*a, **k)\n"
             "e.run = spy\n"
             "sys.argv = ['zzqa', 'check', sys.argv[1], '--format', 'json']\n"
             "from zzqa.cli import main\n"
             "main()\n")
    out = subprocess.run([sys.executable, "-c", probe, str(REAL)], capture_output=True,
                         text=True, cwd=ROOT)
    assert "gc True True" in out.stderr, out.stderr[-2000:]


def test_a_host_process_keeps_its_collector_as_it_was():
    """zzqa called in-process (a test runner, a notebook) never turns the host's collector
    on or freezes its objects; main() run and left gives it back."""
    import gc
    import subprocess
    import sys
    probe = ("import gc, sys\n"
             "gc.disable()\n"
             "from click.testing import CliRunner\n"
             "from zzqa.cli import cli, main\n"
             "CliRunner().invoke(cli, ['check', sys.argv[1], '--format', 'json'])\n"
             "print('after invoke', gc.isenabled(), gc.get_freeze_count())\n"
             "gc.enable()\n"
             "sys.argv = ['zzqa', 'explain', 'S201']\n"
             "try:\n"
             "    main()\n"
             "except SystemExit:\n"
             "    pass\n"
             "print('after main', gc.isenabled())\n")
    out = subprocess.run([sys.executable, "-c", probe, str(REAL)], capture_output=True,
                         text=True, cwd=ROOT)
    assert "after invoke False 0" in out.stdout and "after main True" in out.stdout, (
        out.stdout + out.stderr[-2000:])
    assert gc.isenabled()
