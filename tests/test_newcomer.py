"""What a newcomer meets first: help, errors outside the repository, pipes, bad options, and a
text report that neither cuts names short nor lets the input drive the terminal."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

import zzqa.cli as cli_mod
from zzqa.cli import cli
from zzqa.model import Cell, Finding, Report, RuleTally, Suspect, Systematic, UncoveredCell
from zzqa.reporters import plain, text

from conftest import CHECKS, REAL, ROOT

HEAVY = ("pandas", "pyarrow", "pandera", "rich")


def invoke(*args, **extra):
    return CliRunner().invoke(cli, [str(a) for a in args], **extra)


def one_line(s: str) -> bool:
    return len(s.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [[], ["check"], ["rules"], ["explain"]])
def test_help_imports_no_heavy_module(args):
    code = textwrap.dedent(f"""
        import sys
        from zzqa.cli import cli
        try:
            cli({[*args, "--help"]!r})
        except SystemExit as exc:
            assert exc.code == 0, exc.code
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", ["rules", "explain"])
def test_checks_help_names_no_directory_the_command_does_not_take(command):
    out = invoke(command, "--help").output
    assert "DIR" not in out and "ZZQA_CHECKS" in out
    assert "in or above DIRECTORY" in " ".join(invoke("check", "--help").output.split())


@pytest.mark.parametrize("width", [80, 50])
def test_command_summaries_are_whole(width):
    out = invoke("--help", terminal_width=width).output
    summaries = out.split("Commands:")[1].strip().splitlines()
    from zzqa.cli import cli
    assert len(summaries) == len(cli.commands) and not any("..." in s for s in summaries)
    assert all(s.rstrip().endswith(".") for s in summaries)


@pytest.mark.parametrize("args", [["rules"], ["explain", "X004"], ["check", "period"]])
def test_no_catalog_says_where_it_looked_and_how_to_point_elsewhere(tmp_path, monkeypatch,
                                                                    args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZZQA_CHECKS", raising=False)
    result = invoke(*args)
    assert result.exit_code == 2 and one_line(result.output)
    assert str(tmp_path.resolve()) in result.output
    assert "--checks DIR" in result.output and "ZZQA_CHECKS" in result.output
    if args[0] == "check":  # never inside the folder checked: the submission is no judge
        assert "never inside the folder checked" in result.output


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_a_reader_that_leaves_early_is_not_an_error(reader):
    zzqa = f"'{sys.executable}' -m zzqa rules --checks '{CHECKS}'"
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {zzqa} | {reader}"],
                            capture_output=True, text=True, cwd=ROOT)
    assert (result.returncode, result.stderr) == (0, "")
    if reader == "head -1":
        assert result.stdout.startswith("B101  bound")


def boom(*_args, **_kw):
    raise RuntimeError("boom\nsecond line")


def test_internal_error_is_one_line_without_debug(monkeypatch):
    monkeypatch.setattr(cli_mod, "load_catalog", boom)
    result = invoke("explain", "X004")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output == ("zzqa: internal error: RuntimeError: boom second line "
                             "(run with --debug for the traceback)\n")


@pytest.mark.parametrize("args", [["--debug", "explain", "X004"], ["explain", "X004", "--debug"]])
def test_debug_prints_the_traceback_of_an_internal_error(monkeypatch, args):
    monkeypatch.setattr(cli_mod, "load_catalog", boom)
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.output.startswith("Traceback (most recent call last):")
    assert "in boom" in result.output and "RuntimeError: boom" in result.output


def test_input_errors_stay_one_line_with_debug(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZZQA_CHECKS", raising=False)
    result = invoke("--debug", "rules")
    assert result.exit_code == 2 and one_line(result.output) and "Traceback" not in result.output


@pytest.mark.parametrize("width", ["-5", "0", "39"])
def test_width_below_40_is_a_usage_error(width):
    result = invoke("check", REAL, "--width", width, "--checks", CHECKS)
    assert result.exit_code == 2 and "--width" in result.output


@pytest.mark.parametrize("option, prefix", [("--select", "Z"), ("--ignore", "Q9"),
                                            ("--select", ""), ("--ignore", "")])
def test_a_prefix_matching_no_rule_is_a_usage_error(option, prefix):
    result = invoke("check", REAL, option, "S2", option, prefix, "--checks", CHECKS)
    assert result.exit_code == 2
    assert f"Invalid value for {option}: {prefix!r}" in result.output


def test_prefixes_that_match_select_as_before():
    result = invoke("check", REAL, "--select", "s", "--ignore", "S201", "--format", "json",
                    "--checks", CHECKS)
    assert result.exit_code in (0, 1), result.output


def test_a_selection_that_leaves_no_rule_is_a_usage_error():
    # each prefix matches a rule, but together they leave none: nothing would be checked
    result = invoke("check", REAL, "--select", "s2", "--ignore", "S201", "--checks", CHECKS)
    assert result.exit_code == 2 and "no rule is left to check period 2020-09" in result.output


# The text report, on reports built by hand: independent of the engine.

HOSTILE = "\x1b[31m甲区\x1b[0m"
OSC = "\x1b]8;;http://example.invalid\x07link\x1b]8;;\x07"
LONG = "附件7 全市“产业项目建设年”活动动态储备土地和标准厂房完成情况表 (a7_land_and_factories.csv)"


def hostile_report(unexplained: int = 28) -> Report:
    cell = Cell("a7_land_and_factories.csv", 3, "land\x00", unit=HOSTILE, label="[red]面积[/red]")
    return Report(
        target="data/x", period="2020-09\x9b2J", tables=["a7"],
        findings=[Finding("S701", "error", f"sum misses {OSC}\nsecond line\x08", "a7", (cell,),
                          checks=(f"S701 {HOSTILE}",))],
        tallies=[RuleTally("S701", f"title {OSC} \u202eevil", "sum_total", "error", 1, 0, 0, 1)],
        uncovered=[UncoveredCell(cell, f"reason {HOSTILE}")],
        labels={"a7": LONG},
        suspects=[Suspect(cell, "1.5", "1.6\x1b[2J", (f"S701 {HOSTILE}",), "a \x1bpattern", "tie")],
        unexplained=unexplained, systematic=[Systematic("S701", f"a7 {HOSTILE}", 1, 1)],
        checks_dir="checks\x1b[0m")


@pytest.mark.parametrize("color", [False, True])
def test_text_report_renders_input_inert(color):
    out = text.render(hostile_report(), width=80, color=color)
    for raw in ("\x1b[31m甲区", "\x1b]8", "\x07", "\x00", "\x9b", "\u202e", "\x08", "\x1b[2J",
                "\x1bpattern"):
        assert raw not in out
    assert "\\x1b[31m甲区" in out and "\\x1b]8;;http://example.invalid\\x07link" in out
    assert "\\u202eevil" in out and "\\x9b2J" in out and "\\x00" in out
    assert "[red]面积[/red]" in out  # no markup either
    if not color:
        assert "\x1b" not in out


def test_messages_keep_their_newlines():
    out = text.render(hostile_report(), width=80)
    assert "\n    second line\\x08\n" in out


def test_plain_output_is_inert_and_one_line_per_finding():
    out = plain.render(hostile_report())
    assert out.count("\n") == 1 and "\x1b" not in out and "\\x0asecond line" in out


@pytest.mark.parametrize("width", [80, 60, 40])
def test_headings_are_never_cut(width):
    from rich.cells import cell_len
    out = text.render(hostile_report(), width=width)
    whole = "".join(out.split())
    assert "".join(LONG.split()) in whole and "…" not in out
    assert any(line.split()[:2] == ["S701", "title"] for line in out.splitlines() if line.strip())
    assert max(cell_len(line) for line in out.splitlines()) <= width


@pytest.mark.parametrize("n, sentence", [
    (1, "1 failed check is not explained by a change of any single cell."),
    (28, "28 failed checks are not explained by a change of any single cell."),
])
def test_unexplained_failures_read_as_a_sentence(n, sentence):
    assert sentence in text.render(hostile_report(n), width=100).splitlines()


def test_real_report_cuts_no_file_name(real_report):
    real_report.target = "data/2020-09"
    out = text.render(real_report, width=80)
    for table in real_report.tables:
        label = real_report.labels.get(table)
        if label and any(f.table == table for f in real_report.findings):
            assert label.rsplit(" ", 1)[1] in out  # "(a4_city_five_batches.csv)"
