"""Hostile and broken input (issue 10): every reproducer found by trying zzqa as an
attacker would, each with the behaviour it must have — a finding or exit 2 with the place,
never an internal error, never a hang, never a gate that passes on nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from zzqa.cli import cli

from conftest import CHECKS, REAL

TABLES = sorted(p.name for p in REAL.glob("a*.csv"))


def run(folder, *args):
    result = CliRunner().invoke(cli, ["check", str(folder), "--checks", str(CHECKS),
                                      "--format", "plain", *map(str, args)])
    assert "internal error" not in result.output and "Traceback" not in result.output
    return result


def copy(tmp_path, name="p"):
    folder = tmp_path / name
    shutil.copytree(REAL, folder)
    return folder


def header_only(folder, table):
    path = folder / table
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def test_tables_with_only_their_headers_are_errors_not_a_pass(tmp_path):
    folder = copy(tmp_path)
    for table in TABLES:
        header_only(folder, table)
    result = run(folder)
    assert result.exit_code == 1
    assert sum(": ERROR T010 " in line for line in result.output.splitlines()) == 9
    assert "failed to run" not in result.output


@pytest.mark.parametrize("table", ["a1_scores.csv", "a3_province_five_100.csv",
                                   "a5_investment_attraction.csv"])
def test_one_empty_table_breaks_no_rule(tmp_path, table):
    folder = copy(tmp_path)
    header_only(folder, table)
    result = run(folder)
    assert f"{table}:0:: ERROR T010" in result.output
    assert "failed to run" not in result.output


def test_a_renamed_text_column_makes_its_rules_unevaluable(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a8_land_acquisition.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("category", "kategorie", 1),
                    encoding="utf-8")
    result = run(folder)
    assert "failed to run" not in result.output
    assert "INFO S801 could not evaluate: column category of a8 is missing" in result.output
    assert ":1:category: ERROR T002" in result.output


def test_a_negative_bonus_is_a_finding_not_a_crash(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a1_scores.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("75.30,/,35,-1", "75.30,/,-35,-1"),
                    encoding="utf-8")
    result = run(folder)
    assert result.exit_code == 1 and "ERROR B102 天元区: printed -35" in result.output


@pytest.mark.parametrize("prose, words", [(None, "is missing"), ("", "is empty"),
                                          ("\n  \n", "is empty")])
def test_missing_or_empty_prose_is_a_warning(tmp_path, prose, words):
    folder = copy(tmp_path)
    if prose is None:
        (folder / "bulletin.md").unlink()
    else:
        (folder / "bulletin.md").write_text(prose, encoding="utf-8")
    result = run(folder)
    assert f"WARNING T009 bulletin.md {words}" in result.output


def test_a_blank_cell_is_a_warning_naming_the_checks_it_switched_off(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a2_investment.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",101.74,", ",,"), encoding="utf-8")
    result = run(folder, "--select", "S2", "--select", "R2", "--select", "P2", "--select", "V")
    assert "a2_investment.csv:9:done_total: WARNING V002" in result.output
    assert "3 check(s) could not be evaluated" in result.output
    assert result.exit_code == 0  # warnings: --fail-on warning makes them fail
    assert run(folder, "--fail-on", "warning").exit_code == 1


def test_the_real_period_has_no_gap(real_report):
    # its blanks are legitimate: all-blank rows (附件8 国有 产业 columns) are no checks
    assert not [f for f in real_report.findings if f.rule in ("V001", "V002")]


BOMB = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True))


@pytest.mark.parametrize("where", ["period.yaml", "rules"])
def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, where):
    folder, checks = copy(tmp_path), tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB
    if where == "period.yaml":
        (folder / "period.yaml").write_text("period: 2020-09\n" + bomb, encoding="utf-8")
    else:
        (checks / "rules" / "zz.yaml").write_text("rules: []\n" + bomb, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(folder), "--checks", str(checks)])
    assert result.exit_code == 2 and "YAML aliases (*name) are not allowed" in result.output


@pytest.mark.parametrize("name, target, says", [
    ("a2_investment.csv", "/etc/passwd", "outside"),
    ("a2_investment.csv", "/dev/zero", "outside"),
    ("bulletin.md", "/dev/urandom", "outside"),
])
def test_links_out_of_the_folder_are_refused(tmp_path, name, target, says):
    folder = copy(tmp_path)
    (folder / name).unlink()
    (folder / name).symlink_to(target)
    result = run(folder)
    assert result.exit_code == 2 and says in result.output and name in result.output


def test_a_link_inside_the_folder_is_read(tmp_path):
    folder = copy(tmp_path)
    (folder / "a2.real").write_bytes((folder / "a2_investment.csv").read_bytes())
    (folder / "a2_investment.csv").unlink()
    (folder / "a2_investment.csv").symlink_to(folder / "a2.real")
    assert run(folder).exit_code == 1


def test_a_fifo_is_refused_without_blocking(tmp_path):
    folder = copy(tmp_path)
    (folder / "a2_investment.csv").unlink()
    os.mkfifo(folder / "a2_investment.csv")
    code = ("from zzqa.cli import main; import sys; sys.argv = ['zzqa', 'check', sys.argv[1], "
            "'--checks', sys.argv[2]]; main()")
    done = subprocess.run([sys.executable, "-c", code, str(folder), str(CHECKS)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "is a FIFO" in done.stderr


def test_a_file_over_the_limit_is_refused(tmp_path, monkeypatch):
    from zzqa import files
    monkeypatch.setitem(files.LIMITS, "prose", 1000)
    result = run(copy(tmp_path))
    assert result.exit_code == 2 and "over the limit of 0 MB for a prose file" in result.output


@pytest.mark.parametrize("content, says", [
    ("\ufeffunit,x".encode("utf-16"), "is UTF-16 text"),
    (b"PK\x03\x04rest", "is a ZIP file"),
    (b"\xd0\xcf\x11\xe0rest", "old Excel or Word file"),
])
def test_a_file_that_is_not_text_is_named(tmp_path, content, says):
    folder = copy(tmp_path)
    (folder / "a4_city_five_batches.csv").write_bytes(content)
    result = run(folder)
    assert result.exit_code == 2 and says in result.output


@pytest.mark.parametrize("sep, name", [(";", "semicolon"), ("\t", "tab")])
def test_another_separator_is_named(tmp_path, sep, name):
    folder = copy(tmp_path)
    path = folder / "a3_province_five_100.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", sep), encoding="utf-8")
    result = run(folder)
    assert result.exit_code == 2 and f"looks {name}-separated" in result.output


def test_windows_line_ends_read_the_same(tmp_path):
    folder = copy(tmp_path)
    for table in TABLES:
        path = folder / table
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    base = run(REAL).output.replace(str(REAL), "P")
    assert run(folder).output.replace(str(folder), "P") == base


def test_full_width_digits_in_a_cell_read_as_printed(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a2_investment.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",101.74,", ",１０１．７４,"),
                    encoding="utf-8")
    assert run(folder).output.replace(str(folder), "P") == run(REAL).output.replace(str(REAL),
                                                                                     "P")


def test_wan_for_yi_is_an_error_when_the_scaled_figure_agrees(tmp_path):
    folder = copy(tmp_path)
    path = folder / "bulletin.md"
    path.write_text(path.read_text(encoding="utf-8").replace("891.3 亿元", "891.3 万元"),
                    encoding="utf-8")
    result = run(folder)
    assert "bulletin.md:19:15: ERROR C201 prose says 891.3 with 万 and 亿 exchanged" in (
        result.output)
    assert "85.4" not in result.output.split("ERROR C201")[1].split("\n")[0]


def test_terminal_escapes_in_a_unit_name_stay_inert(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a3_province_five_100.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("芦淞区", "芦淞\x1b[31m区\x1b]0;x\x07"),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(folder), "--checks", str(CHECKS),
                                      "--width", "100"])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[31m" in result.output


def test_a_no_plan_percentage_says_so(make):
    rules = ("rules:\n  - {id: P001, kind: ratio, title: t, severity: error, why: w, table: t, "
             "ratios: ['p = d / n']}\n")
    report = make({"t": ({"d": "count", "n": "count", "p": "percent"},
                         "unit,d,n,p\n甲区,1,-,50.0%\n")}, rules)
    (f,) = [f for f in report.findings if f.rule == "P001"]
    assert "the plan - is not a positive number" in f.message and "no plan (" not in f.message


def test_findings_beyond_the_limit_are_counted(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a2_investment.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + lines[2:] * 20) + "\n", encoding="utf-8")  # duplicates
    result = CliRunner().invoke(cli, ["check", str(folder), "--checks", str(CHECKS),
                                      "--format", "json", "--max-findings", "5"])
    doc = json.loads(result.output)
    t006 = next(t for t in doc["rules"] if t["rule"] == "T006")
    assert t006["listed"] == 5 and t006["failed"] == 5 + t006["unlisted"] > 200
    assert sum(f["rule"] == "T006" for f in doc["findings"]) == 5


@pytest.mark.parametrize("fill", ["", "-", "/"])
def test_a_submission_of_blanks_or_dashes_fails(tmp_path, fill):
    folder = copy(tmp_path)
    for table in TABLES:
        path = folder / table
        lines = path.read_text(encoding="utf-8").splitlines()
        keep = 2 if table.startswith("a8") else 1  # unit (and category) columns stay
        rows = [",".join(c if k < keep else fill for k, c in enumerate(line.split(",")))
                for line in lines[1:]]
        path.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    result = run(folder)
    assert result.exit_code == 1 and "ERROR V003 nothing in the period was checked" in (
        result.output)


def test_the_catalog_never_comes_from_the_folder_checked(tmp_path, monkeypatch):
    folder = copy(tmp_path)
    shutil.copytree(CHECKS, folder / "checks")
    (folder / "checks" / "rules" / "a2.yaml").write_text("rules: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZZQA_CHECKS", raising=False)
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 2 and "never inside the folder checked" in result.output


def test_deeply_nested_yaml_is_refused_with_its_place(tmp_path):
    folder = copy(tmp_path)
    with (folder / "period.yaml").open("a", encoding="utf-8") as f:
        f.write("deep: " + "[" * 30000 + "]" * 30000 + "\n")
    result = run(folder)
    assert result.exit_code == 2 and "nested deeper than 64 levels" in result.output


def test_a_long_run_of_digits_in_the_prose_is_quick(tmp_path):
    folder = copy(tmp_path)
    path = folder / "bulletin.md"
    path.write_text(path.read_text(encoding="utf-8").replace("891.3 亿元", "8" * 20000 + " 亿元"),
                    encoding="utf-8")
    result = run(folder, "--select", "C2")  # a 20,000-digit number: one attempt per template
    assert result.exit_code == 1
    doc = json.loads(run(folder, "--select", "C2", "--format", "json").output)
    assert all(p["value"] is None or abs(p["value"]) < float("inf") for p in doc["prose"])


def test_a_wide_header_is_linear(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a2_investment.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += "," + ",".join(f"c{i}" for i in range(20000))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(folder).exit_code == 1  # T003 for each, listed up to the limit


def test_a_renamed_column_is_one_finding(tmp_path):
    folder = copy(tmp_path)
    path = folder / "a2_investment.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("plan_total", "plan_totl", 1),
                    encoding="utf-8")
    out = run(folder).output
    assert out.count("ERROR T002") == 1 and out.count("WARNING T003") == 1


def test_counts_include_the_findings_not_listed(tmp_path):
    report = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                      "--max-findings", "1", "--format", "json"]).output
    summary = json.loads(report)["summary"]
    assert (summary["errors"], summary["warnings"]) == (30, 11)


def test_a_million_unreadable_rows_keep_no_numbers(tmp_path):
    # checks that cannot be evaluated keep no intervals (only failures and rounding-only
    # checks are explained later); the blank cells they read are counted column by column
    folder = copy(tmp_path)
    with (folder / "a2_investment.csv").open("a", encoding="utf-8") as f:
        f.write("x\n" * 20000)
    result = CliRunner().invoke(cli, ["check", str(folder), "--checks", str(CHECKS),
                                      "--format", "json", "--max-findings", "3"])
    doc = json.loads(result.output)
    v002 = next(t for t in doc["rules"] if t["rule"] == "V002")
    assert v002["listed"] == 3 and v002["unlisted"] > 20000
