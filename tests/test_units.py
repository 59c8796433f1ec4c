"""The units registry: spellings, CSV form for thousands of units, errors with lines."""

from __future__ import annotations

import pytest

from zzqa import units
from zzqa.model import InputError

from conftest import CHECKS


def test_real_registry_folds_spellings():
    reg = units.load(CHECKS)
    for printed in ["高新区 (天元区)", "高新区（天元区）", "高新区 天元区", "天元区"]:
        assert reg.match(printed, ("district",)).name == "天元区"
    assert reg.match("株 洲 经开区", ("district",)).name == "株洲经开区"
    assert reg.match("株洲经开区", ("park",)).district == "株洲经开区"
    assert reg.match("全 市", ("total",)).name == "合计"
    assert reg.match("芦松区", ("district",)) is None


def test_csv_registry(tmp_path):
    (tmp_path / "units.csv").write_text(
        "name,type,district,aliases\n合计,total,,合 计|全市\n甲区,district,,甲 区\n"
        "甲园,park,甲区,\n", encoding="utf-8")
    reg = units.load(tmp_path)
    assert reg.match("全市", ("total",)).name == "合计"
    assert reg.match("甲区", ("district",)).name == "甲区"
    assert reg.match("甲园", ("park",)).district == "甲区"


@pytest.mark.parametrize("csv, message, line", [
    ("name,type\n甲区,county\n", "isin", 2),
    ("name,type,aliases\n甲区,district,乙区\n乙区,district,\n", "names two district units", 3),
])
def test_csv_registry_errors_name_the_line(tmp_path, csv, message, line):
    (tmp_path / "units.csv").write_text(csv, encoding="utf-8")
    with pytest.raises(InputError) as err:
        units.load(tmp_path)
    assert message in err.value.message and err.value.line == line


def test_one_registry_only(tmp_path):
    (tmp_path / "units.csv").write_text("name,type\n甲区,district\n", encoding="utf-8")
    (tmp_path / "units.yaml").write_text("units: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="keep one registry"):
        units.load(tmp_path)
