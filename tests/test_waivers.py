"""Waivers: accepted findings are shown and counted but never fail the gate, until their
date; expired and stale waivers are findings of their own (W001, W002)."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from click.testing import CliRunner
from test_cli import SCHEMA

from zzqa.cli import cli

from conftest import CHECKS, REAL, ROOT

EXAMPLE = ROOT / "docs" / "examples" / "waivers-2020-09.yaml"


def run(*args, period=REAL):
    res = CliRunner().invoke(cli, ["check", str(period), "--checks", str(CHECKS),
                                   "--format", "json", *args])
    assert res.exit_code in (0, 1), res.output
    doc = json.loads(res.output)
    jsonschema.validate(doc, SCHEMA)
    return res.exit_code, doc


def test_the_example_waives_the_24_score_findings_only(real_report):
    code, doc = run("--waivers", str(EXAMPLE), "--today", "2026-11-29")
    waived = [f for f in doc["findings"] if f["waived"]]
    assert len(waived) == doc["summary"]["waived"] == 24
    assert {f["rule"] for f in waived} == {"B101"}
    assert all(f["waived"]["where"].endswith("waivers-2020-09.yaml:9") for f in waived)
    # the gate fails on the remaining errors, exactly those
    errors = [f for f in doc["findings"] if f["severity"] == "error" and not f["waived"]]
    genuine = [f for f in real_report.findings if f.severity == "error" and f.rule != "B101"]
    assert len(errors) == doc["summary"]["errors"] == len(genuine) == 6 and code == 1
    assert {r["rule"] for r in doc["rules"] if r["failed"]} >= {"B101"}  # checks still failed


def test_an_expired_waiver_fails_again_and_says_so():
    code, doc = run("--waivers", str(EXAMPLE), "--today", "2027-07-01")
    assert doc["summary"]["waived"] == 0 and doc["summary"]["errors"] == 31 and code == 1
    (w001,) = [f for f in doc["findings"] if f["rule"] == "W001"]
    assert "expired on 2027-06-30: its 24 findings count again" in w001["message"]
    assert w001["cells"][0]["line"] == 9
    _, doc = run("--waivers", str(EXAMPLE), "--today", "2027-06-30")  # the last day counts
    assert doc["summary"]["waived"] == 24


def test_waivers_name_cells_not_lines_so_they_survive_reordering(tmp_path):
    period = tmp_path / "p"
    shutil.copytree(REAL, period)
    a1 = period / "a1_scores.csv"
    head, *rows = a1.read_text(encoding="utf-8").splitlines()
    a1.write_text("\n".join([head, *reversed(rows)]) + "\n", encoding="utf-8")
    _, doc = run("--waivers", str(EXAMPLE), "--today", "2026-11-29", period=period)
    assert doc["summary"]["waived"] == 24


def test_a_stale_waiver_is_reported(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8") + (
        "  - rule: S201\n    cells: [{table: a2, unit: 醴陵市, column: done_total}]\n"
        "    reason: none\n    accepted_by: me\n    expires: 2030-01-01\n")
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    _, doc = run("--waivers", str(path), "--today", "2026-11-29")
    (w002,) = [f for f in doc["findings"] if f["rule"] == "W002"]
    assert w002["severity"] == "warning" and "accepts no finding" in w002["message"]
    assert w002["cells"][0]["line"] == len(EXAMPLE.read_text(encoding="utf-8").splitlines()) + 1


def test_the_checks_folders_waivers_are_the_default(tmp_path):
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    shutil.copy(EXAMPLE, checks / "waivers.yaml")
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(checks), "--format",
                                   "json", "--today", "2026-11-29"])
    assert json.loads(res.output)["summary"]["waived"] == 24


@pytest.mark.parametrize("text, message, line", [
    ("waivers:\n  - {rule: B101, cells: [{column: x}], reason: r, accepted_by: me,"
     " expires: soon}\n", "not a date", 2),
    ("waivers:\n  - rule: B101\n    cells: [{column: x}]\n    accepted_by: me\n"
     "    expires: 2030-01-01\n", "'reason' is a required property", 2),
    ("waivers:\n  - {rule: B101, cells: [{row: 3}], reason: r, accepted_by: me,"
     " expires: 2030-01-01}\n", "Additional properties", 2),
    ("waivers:\n  - {rule: B101, cells: [], reason: r, accepted_by: me,"
     " expires: 2030-01-01}\n", "should be non-empty", 2),
])
def test_a_bad_waiver_file_names_its_line(tmp_path, text, message, line):
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                   "--waivers", str(path)])
    assert res.exit_code == 2 and message in res.output and f"w.yaml:{line}" in res.output


def test_findings_beyond_the_listing_limit_are_waived_too():
    code, doc = run("--waivers", str(EXAMPLE), "--today", "2026-11-29", "--select", "B1",
                    "--select", "W", "--max-findings", "1")
    assert doc["summary"]["waived"] == 24 and doc["summary"]["errors"] == 0 and code == 0
    b101 = next(r for r in doc["rules"] if r["rule"] == "B101")
    assert (b101["listed"], b101["unlisted"], b101["unlisted_waived"]) == (1, 0, 23)
    assert not [f for f in doc["findings"] if f["rule"] == "W002"]  # it matched, unlisted
    # an unlisted failure no waiver accepts still fails the run
    _, doc = run("--waivers", str(EXAMPLE), "--today", "2026-11-29", "--select", "B1",
                 "--select", "X004", "--max-findings", "1")
    assert doc["summary"]["errors"] == 2 and doc["summary"]["waived"] == 24


def test_a_waiver_for_a_rule_not_checked_is_not_called_stale():
    _, doc = run("--waivers", str(EXAMPLE), "--today", "2026-11-29", "--ignore", "B101")
    assert not [f for f in doc["findings"] if f["rule"] == "W002" and f["severity"] != "info"]
    (info,) = [f for f in doc["findings"] if f["rule"] == "W002"]
    assert "rule B101 was not checked on this period" in info["message"]


def test_a_waiver_may_name_a_rule_by_its_alias(tmp_path):
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    rules = checks / "rules" / "a1.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("  - id: B101\n", "  - id: B101\n    aliases: [B199]\n"),
                     encoding="utf-8")
    waivers = tmp_path / "w.yaml"
    waivers.write_text(EXAMPLE.read_text(encoding="utf-8").replace("rule: B101", "rule: B199"),
                       encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(checks), "--format",
                                   "json", "--waivers", str(waivers), "--today", "2026-11-29"])
    assert json.loads(res.output)["summary"]["waived"] == 24, res.output[-500:]


def test_a_prose_waiver_survives_the_sentence_moving(tmp_path):
    period = tmp_path / "p"
    shutil.copytree(REAL, period)
    out = tmp_path / "w.yaml"
    CliRunner().invoke(cli, ["baseline", str(period), "--checks", str(CHECKS), "--output",
                             str(out)])
    assert "- rule: C403\n  cells:\n  - {table: prose}\n" in out.read_text(encoding="utf-8")
    prose = period / "bulletin.md"
    prose.write_text("　" + prose.read_text(encoding="utf-8").replace("\n", "\n　"),
                     encoding="utf-8")  # every line one character further
    _, doc = run("--waivers", str(out), "--today", "2026-11-29", period=period)
    assert not [f for f in doc["findings"] if f["rule"] in ("C403", "W002")
                and not f["waived"] and f["severity"] != "info"]


def test_an_expired_waiver_and_a_long_reason(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n  - rule: B101\n    cells: [{table: a1, column: talent}]\n"
                    "    reason: |\n      line one\n      line two\n    accepted_by: me\n"
                    "    expires: 2020-01-01\n", encoding="utf-8")
    _, doc = run("--waivers", str(path))  # the JSON schema: every message is one line
    (w001,) = [f for f in doc["findings"] if f["rule"] == "W001"]
    assert "(line one line two)" in w001["message"] and "its 10 findings count again" in \
        w001["message"]


def test_baseline_writes_waivers_that_accept_everything(tmp_path):
    out = tmp_path / "w.yaml"
    res = CliRunner().invoke(cli, ["baseline", str(REAL), "--checks", str(CHECKS),
                                   "--output", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "TODO: why these findings are accepted" in text
    code, doc = run("--waivers", str(out), "--fail-on", "warning")
    assert code == 0 and doc["summary"]["errors"] == doc["summary"]["warnings"] == 0
    assert doc["summary"]["waived"] == 41
    res = CliRunner().invoke(cli, ["baseline", str(REAL), "--checks", str(CHECKS),
                                   "--output", str(out)])
    assert res.exit_code == 2 and "never overwrites" in res.output


def test_waived_findings_in_every_format(tmp_path):
    import xml.etree.ElementTree as ET
    res = CliRunner().invoke(cli, [
        "check", str(REAL), "--checks", str(CHECKS), "--waivers", str(EXAMPLE),
        "--today", "2026-11-29", "--format", "plain",
        "--output", f"junit={tmp_path / 'j.xml'}", "--output", f"sarif={tmp_path / 's.sarif'}",
        "--output", f"github={tmp_path / 'g.txt'}", "--output", f"markdown={tmp_path / 'm.md'}"])
    assert res.output.count(" WAIVED ERROR B101 ") == 24
    root = ET.parse(tmp_path / "j.xml").getroot()
    assert int(root.get("failures")) == 6
    assert sum("waived until 2027-06-30" in (s.get("message") or "")
               for s in root.iter("skipped")) == 24
    sarif = json.loads((tmp_path / "s.sarif").read_text(encoding="utf-8"))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert len(suppressed) == 24 and suppressed[0]["suppressions"][0]["status"] == "accepted"
    github = (tmp_path / "g.txt").read_text(encoding="utf-8").splitlines()
    assert sum(x.startswith("::error ") for x in github) == 6
    assert "| 24 |" in (tmp_path / "m.md").read_text(encoding="utf-8")


def test_an_impossible_date_is_a_message_with_its_line(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n  - rule: B101\n    cells: [{column: talent}]\n    reason: r\n"
                    "    accepted_by: me\n    expires: 2021-02-30\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                   "--waivers", str(path)])
    assert res.exit_code == 2 and "w.yaml:6" in res.output and "2021-02-30" in res.output


def test_a_waiver_for_a_rule_the_catalog_lacks_is_refused(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n  - {rule: Z999, cells: [{column: x}], reason: r, "
                    "accepted_by: me, expires: 2030-01-01}\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                   "--waivers", str(path)])
    assert res.exit_code == 2 and "w.yaml:2" in res.output and "Z999" in res.output


def test_an_expired_waiver_beside_a_live_one_is_stale_not_expired(tmp_path):
    live = EXAMPLE.read_text(encoding="utf-8")
    old = ("  - rule: B101\n    cells: [{table: a1, column: talent}]\n    reason: old\n"
           "    accepted_by: me\n    expires: 2020-01-01\n")
    twin = ("  - rule: B101\n    cells: [{table: a1, column: talent}]\n    reason: twin\n"
            "    accepted_by: me\n    expires: 2030-01-01\n")
    path = tmp_path / "w.yaml"
    path.write_text(live + old + twin, encoding="utf-8")
    _, doc = run("--waivers", str(path), "--today", "2026-11-29")
    assert doc["summary"]["waived"] == 24 and doc["summary"]["errors"] == 6
    assert not [f for f in doc["findings"] if f["rule"] == "W001"]
    stale = [f["message"] for f in doc["findings"] if f["rule"] == "W002"]
    assert len(stale) == 2 and "(old)" in stale[0] and "(twin)" in stale[1]


def test_waivers_of_derived_rules_beyond_the_listing_limit(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n  - rule: D001\n    cells: [{table: a2}, {table: a4}, "
                    "{table: a7}]\n    reason: r\n    accepted_by: me\n"
                    "    expires: 2030-01-01\n", encoding="utf-8")
    for limit in ("1000", "1"):
        code, doc = run("--waivers", str(path), "--today", "2026-11-29", "--select", "D001",
                        "--fail-on", "warning", "--max-findings", limit)
        assert doc["summary"]["waived"] == 11 and doc["summary"]["warnings"] == 0 and code == 0


def test_outputs_never_overwrite_a_linked_in_waiver_or_rule_file(tmp_path):
    import shutil
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    outside = tmp_path / "ext"
    outside.mkdir()
    (outside / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    (checks / "waivers.yaml").symlink_to(outside / "waivers.yaml")
    shutil.move(checks / "rules" / "a9.yaml", outside / "a9.yaml")
    (checks / "rules" / "a9.yaml").symlink_to(outside / "a9.yaml")
    before = (outside / "a9.yaml").read_bytes()
    for target in (outside / "waivers.yaml", outside / "a9.yaml"):
        res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(checks),
                                       "--output", f"json={target}"])
        assert res.exit_code == 2 and "which zzqa reads" in res.output, res.output
    assert (outside / "a9.yaml").read_bytes() == before
    assert (outside / "waivers.yaml").read_text(encoding="utf-8") == "waivers: []\n"
