"""Guards on the catalog and the kinds: documented, explainable, selectable, tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from zzqa import catalog as catalog_mod
from zzqa import form as form_mod
from zzqa.cli import cli
from zzqa.kinds import REGISTRY

from conftest import CHECKS

FORM = form_mod.load(CHECKS)
CATALOG = catalog_mod.load(CHECKS, FORM)
HEADINGS = ("## What it checks", "## Why it matters", "## Example")


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_kind_is_documented_with_the_fixed_headings(kind):
    doc = REGISTRY[kind].__doc__ or ""
    assert all(h in doc for h in HEADINGS), kind
    assert REGISTRY[kind].OPTIONS and callable(REGISTRY[kind].columns)


def test_every_evaluating_kind_has_tests_on_tiny_tables():
    text = (Path(__file__).parent / "test_kinds.py").read_text(encoding="utf-8")
    for kind, module in REGISTRY.items():
        if hasattr(module, "evaluate"):
            assert f"kind: {kind}" in text, f"no tiny-table test uses kind {kind}"


def test_every_kind_is_used_by_the_catalog():
    assert {r.kind for r in CATALOG.rules} == set(REGISTRY)


def test_ids_are_unique_prefixed_and_explainable():
    ids = [r.id for r in CATALOG.rules]
    assert len(ids) == len(set(ids))
    prefix = {"schema": "T", "sum_total": "S", "row_identity": "R", "ratio": "P", "rank": "K",
              "bound": "B", "cross_table": "X", "precision": "D", "claim": "C", "ranking": "C",
              "unlinked": "U"}
    for rule in CATALOG.rules:
        assert rule.id[0] == prefix[rule.kind], rule.id
        result = CliRunner().invoke(cli, ["explain", rule.id, "--checks", str(CHECKS)])
        assert result.exit_code == 0 and rule.why.split()[0] in result.output


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
