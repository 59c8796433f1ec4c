"""Chinese and English: the gettext catalogs are complete, compiled, and keep every field."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from zzqa import catalog, form, i18n
from zzqa.cli import cli

from conftest import CHECKS, REAL, ROOT

CATALOG = catalog.load(CHECKS, form.load(CHECKS))

CATALOGS = [ROOT / "zzqa" / "locale" / "zh" / "LC_MESSAGES" / "zzqa.po",
            *sorted((CHECKS / "locale").glob("*/LC_MESSAGES/checks.po"))]


def fields(text: str) -> set[str]:
    return {f"{name}!{conv}:{spec}" for _, name, spec, conv in string.Formatter().parse(text)
            if name is not None}


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_compiled_catalog_is_its_po(po):
    out = io.BytesIO()
    write_mo(out, read(po), use_fuzzy=False)
    assert po.with_suffix(".mo").read_bytes() == out.getvalue(), \
        f"{po.with_suffix('.mo')} is stale: python -m zzqa.i18n"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_every_field(po):
    for message in read(po):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for s in strings:
            if s:
                assert fields(s) == fields(ids[0]), (message.id, s)


def test_every_string_of_the_code_is_translated_to_chinese():
    wanted = {m if isinstance(m, str) else m[0] for *_, m, _c, _x in extract_from_dir(
        ROOT / "zzqa", keywords={"_": None, "N_": None, "ngettext": (1, 2)},
        method_map=[("**.py", "python")])}
    catalog = read(CATALOGS[0])
    have = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id}
    missing = sorted(w for w in wanted if not have.get(w) or not any(
        have[w] if isinstance(have[w], tuple) else [have[w]]))
    assert not missing, f"untranslated in zzqa.po (python -m zzqa.i18n after adding): {missing}"


def test_every_rule_title_in_both_languages():
    for lang in ("zh", "en"):
        i18n.use(lang)
        for rule in CATALOG.rules:
            shown = i18n.title(rule.title, CHECKS)
            if lang == "zh":  # Chinese through and through, but for the figures' own words
                assert not re.search(r"[A-Za-z]{3,}", shown.replace("bulletin.md", "")), (
                    rule.id, shown)
            else:  # English around the bulletin's own terms
                assert re.search(r"[A-Za-z]{2,}", shown), (rule.id, shown)


@pytest.mark.parametrize("env, lang, word", [
    ({"LANG": "zh_CN.UTF-8"}, None, "检查清单"), ({"LANG": "en_US.UTF-8"}, None, "Checklist"),
    ({"LANG": "zh_CN.UTF-8"}, "en", "Checklist"), ({}, "zh", "检查清单"),
    ({"LANGUAGE": "zh_CN", "LANG": "en_US"}, None, "检查清单"), ({"LANG": "C"}, None, "Checklist"),
    ({"LANGUAGE": "zh_CN", "LANG": "C"}, None, "Checklist"),  # as gettext: C ignores LANGUAGE
    ({"LANGUAGE": "fr:zh", "LANG": "fr_FR"}, None, "检查清单"),
    ({"LANGUAGE": ":", "LANG": "zh_CN"}, None, "检查清单"),
])
def test_the_language_comes_from_the_option_else_the_locale(monkeypatch, env, lang, word):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    args = ["check", str(REAL), "--checks", str(CHECKS), "--width", "100"]
    res = CliRunner().invoke(cli, args + (["--lang", lang] if lang else []))
    assert res.exit_code == 1 and word in res.output


def test_chinese_findings_keep_their_numbers(real_report):
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS), "--format",
                                   "plain", "--lang", "zh"])
    lines = res.output.splitlines()
    assert len(lines) == len(real_report.findings)
    x004 = next(line for line in lines if " X004 " in line and "醴陵市" in line)
    assert "应为 10 + 67.21 = [76.705, 77.715]" in x004 and "印为 78.7" in x004
    assert "相差 0.935" in x004


def _checks_copy(tmp_path):
    import shutil
    checks = tmp_path / "checks"
    shutil.copytree(CHECKS, checks)
    return checks


@pytest.mark.parametrize("translation", ["{bogus} 印为 {actual}", "印为 {actual:.1}",
                                         "印为 {actual:>999999999}"])
def test_a_bad_translation_of_a_rules_own_message_is_not_used(tmp_path, translation):
    from babel.messages.pofile import write_po
    checks = _checks_copy(tmp_path)
    rules = checks / "rules" / "a1.yaml"
    text = rules.read_text(encoding="utf-8")
    own = "{label}: printed {actual}, above its maximum"
    rules.write_text(text.replace("  - id: B101\n", f"  - id: B101\n    message: '{own}'\n"),
                     encoding="utf-8")
    po = checks / "locale" / "zh" / "LC_MESSAGES" / "checks.po"
    catalog_ = read(po)
    catalog_.add(own, translation)
    with po.open("wb") as f:
        write_po(f, catalog_)
    i18n.compile_all([checks / "locale"])
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(checks), "--format",
                                   "json", "--lang", "zh"])
    doc = __import__("json").loads(res.output)
    assert doc["summary"]["errors"] == 30 and doc["lang"] == "zh"
    b101 = [f["message"] for f in doc["findings"] if f["rule"] == "B101"]
    assert b101[0] == "天元区: printed 51, above its maximum"  # the rule's own, as written


@pytest.mark.parametrize("broken", [b"", b"junk" * 10, None])
def test_a_broken_compiled_catalog_is_an_input_error(tmp_path, broken):
    checks = _checks_copy(tmp_path)
    mo = checks / "locale" / "zh" / "LC_MESSAGES" / "checks.mo"
    mo.unlink()
    if broken is None:
        mo.mkdir()
    else:
        mo.write_bytes(broken)
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(checks), "--lang", "zh"])
    assert res.exit_code == 2 and "checks.mo" in res.output and "internal" not in res.output


def test_prose_findings_name_their_rule_in_the_language_spoken():
    res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS), "--format",
                                   "json", "--lang", "zh"])
    doc = __import__("json").loads(res.output)
    c602 = next(f for f in doc["findings"] if f["rule"] == "C602")
    assert c602["cells"][0]["label"].startswith("竣工配套项目 = 实际竣工 − 其中产业，占计划竣工")


def test_sarif_fingerprints_do_not_depend_on_the_language():
    import json
    out = {}
    for lang in ("en", "zh"):
        res = CliRunner().invoke(cli, ["check", str(REAL), "--checks", str(CHECKS),
                                       "--format", "sarif", "--lang", lang])
        out[lang] = [r["partialFingerprints"]["zzqa/v1"]
                     for r in json.loads(res.output)["runs"][0]["results"]]
    assert out["en"] == out["zh"] and len(set(out["en"])) == len(out["en"])
