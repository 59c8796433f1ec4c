"""Guards on the catalog and the kinds: documented, explainable, selectable, tested."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from zzqa import catalog as catalog_mod
from zzqa import form as form_mod
from zzqa.catalog import template_problem
from zzqa.cli import cli
from zzqa.kinds import REGISTRY, STAGES
from zzqa.model import InputError

from cases import KIND_CASES
from conftest import CHECKS

FORM = form_mod.load(CHECKS)
CATALOG = catalog_mod.load(CHECKS, FORM)
HEADINGS = ("## What it checks", "## Why it matters", "## Example")


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_kind_is_documented_with_the_fixed_headings(kind):
    doc = REGISTRY[kind].__doc__ or ""
    assert all(h in doc for h in HEADINGS), kind
    assert REGISTRY[kind].OPTIONS and callable(REGISTRY[kind].columns)


def test_every_kind_declares_the_protocol():
    for kind, module in REGISTRY.items():
        assert module.STAGE in STAGES, kind
        assert isinstance(module.PREFIX, str) and len(module.PREFIX) == 1, kind
        assert callable(module.check) and callable(module.columns), kind
        templates = module.MESSAGE if isinstance(module.MESSAGE, dict) else {None: module.MESSAGE}
        extra = getattr(module, "VARIANT_FIELDS", {})
        for variant, template in templates.items():  # the kind's own templates: its fields
            fields = module.FIELDS + extra.get(variant, ())
            assert template_problem(template, fields) is None, (kind, template)


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_kind_has_a_passing_and_a_failing_tiny_case(make, kind):
    assert kind in KIND_CASES, f"tests/cases.py has no tiny case for kind {kind}"
    case = KIND_CASES[kind]
    for which, fails in (("passing", False), ("failing", True)):
        tables, prose = case[which]
        report = make(tables, case["rules"], prose=prose, waivers=case.get("waivers"),
                      previous=case.get("previous"))
        found = [f for f in report.findings if f.rule == case["rule"] and f.severity != "info"]
        tally = next(t for t in report.tallies if t.rule == case["rule"])
        assert bool(found) == fails and bool(tally.failed) == fails, (kind, which, found)
        assert tally.checks >= 1, (kind, which)


def test_every_kind_is_used_by_the_catalog():
    assert {r.kind for r in CATALOG.rules} == set(REGISTRY)


def test_ids_in_the_catalog_files_are_unique_and_carry_their_kinds_prefix():
    # read from the YAML files themselves, not through the loader (which would refuse a
    # duplicate before a test could see it)
    entries = [e for f in sorted((CHECKS / "rules").glob("*.yaml"))
               for e in yaml.safe_load(f.read_text(encoding="utf-8"))["rules"]]
    names = [n for e in entries for n in (e["id"], *e.get("aliases", []))]
    assert len(names) == len(set(names))
    for e in entries:
        assert e["id"].startswith(REGISTRY[e["kind"]].PREFIX), e["id"]
    assert len(CATALOG.rules) == len(entries)


def test_a_duplicate_id_is_refused_by_the_loader(tmp_path):
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    (checks / "rules" / "zz.yaml").write_text(
        "rules:\n  - {id: S201, kind: sum_total, title: t, severity: error, why: w, "
        "table: a2}\n", encoding="utf-8")
    with pytest.raises(InputError, match="S201 is already used"):
        catalog_mod.load(checks, form_mod.load(checks))


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_one_rule_of_each_kind_is_explained(kind):
    rule = next(r for r in CATALOG.rules if r.kind == kind)
    result = CliRunner().invoke(cli, ["explain", rule.id, "--checks", str(CHECKS)])
    assert result.exit_code == 0 and rule.why.split()[0] in result.output
    assert "## What it checks" in result.output


def test_rules_of_an_appendix_carry_its_digit():
    for rule in CATALOG.rules:
        table = rule.params.get("table")
        if table:
            assert rule.id[1] == table[1], (rule.id, table)


def test_select_and_ignore_are_prefixes():
    assert {r.id for r in CATALOG.select(("P2",))} == {"P201"}
    assert all(not r.id.startswith("S") for r in CATALOG.select(ignore=("s",)))
    assert CATALOG.select(("X",), ("X00",)) == []


def test_every_schema_problem_has_a_catalog_rule():
    from zzqa.kinds.schema import PROBLEMS
    assert {r.params["problem"] for r in CATALOG.rules if r.kind == "schema"} == set(PROBLEMS)


def test_table_titles_are_header_paths():
    for spec in FORM.tables.values():
        for col in spec.columns:
            assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", col.title), col.title
