"""The checked-in reports in reports/ are what zzqa prints now (reports/regenerate)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from zzqa.cli import cli

from conftest import ROOT

PERIODS = sorted(p.name for p in (ROOT / "data").iterdir() if (p / "period.yaml").exists())


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("name, args", [("report.txt", ["--no-color", "--width", "80"]),
                                        ("report.json", ["--format", "json"]),
                                        ("junit.xml", ["--format", "junit"]),
                                        ("summary.md", ["--format", "markdown"]),
                                        ("report.sarif", ["--format", "sarif"]),
                                        ("report.html", ["--format", "html"]),
                                        ("report.zh.txt", ["--no-color", "--width", "80",
                                                           "--lang", "zh"])])
def test_checked_in_report_is_current(monkeypatch, period, name, args):
    monkeypatch.chdir(ROOT)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):  # the reports are in English
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("ZZQA_CHECKS", raising=False)
    result = CliRunner().invoke(cli, ["check", f"data/{period}", *args])
    stored = (ROOT / "reports" / period / name).read_text(encoding="utf-8")
    assert result.output == stored, f"reports/{period}/{name} is stale: run reports/regenerate"
