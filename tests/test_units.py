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


def test_registry_pickles_packed_and_matches_the_same(tmp_path):
    """The registry is kept packed for the compiled-catalog cache: after a round trip
    through pickle every spelling, name, type, district and column lookup is the same."""
    import pickle

    import numpy as np
    import pyarrow as pa

    from zzqa import period
    reg = units.load(CHECKS)
    back = pickle.loads(pickle.dumps(reg))
    assert back.units == reg.units and back.districts == reg.districts
    assert None in back.districts and "" not in back.districts
    for types in [("total", "district", "cross"), ("total", "park"), ("district",)]:
        for spelling in reg.spellings(types):
            assert back.match(spelling, types) == reg.match(spelling, types)
        keys, names, kinds, codes, stable = back.lookup(types)
        keys0, names0, kinds0, codes0, stable0 = reg.lookup(types)
        assert (stable == stable0).all()
        assert keys.to_pylist() == keys0.to_pylist() and names.tolist() == names0.tolist()
        assert kinds.tolist() == kinds0.tolist() and (codes == codes0).all()
        assert names[-1] is None and codes[-1] == -1  # what a label found nowhere gets
    # a whole column of labels, as the tables are matched
    import pandas as pd
    labels = pd.Series(["全 市", "高新区（天元区）", "芦松区", "株 洲 经开区"])
    form = type("F", (), {"units": back})()
    names, kinds, codes = period._UnitMatcher(form)(labels, ("total", "district", "cross"))
    assert names.tolist() == ["合计", "天元区", None, "株洲经开区"]
    assert kinds.tolist() == ["total", "district", None, "district"]
    assert (codes >= 0).tolist() == [True, True, False, True]
    assert isinstance(keys, pa.Array) and np.issubdtype(codes.dtype, np.integer)


def test_a_registry_of_names_with_odd_characters_round_trips(tmp_path):
    import pickle
    names = ["甲\n区", "乙,区", "𠀀区", "e\u0301区"]
    (tmp_path / "units.csv").write_text(
        "name,type,district,aliases\n合计,total,,\n" + "".join(
            f'"{n}",district,,\n' for n in names), encoding="utf-8")
    reg = pickle.loads(pickle.dumps(units.load(tmp_path)))
    assert [u.name for u in reg.units] == ["合计", *names]
    for n in names:
        assert reg.match(n, ("district",)).name == n


def test_a_district_of_empty_text_is_not_lost(tmp_path):
    """A registry keeps "" apart from no district at all (packed, both are stored)."""
    import pickle
    (tmp_path / "units.yaml").write_text(
        "units:\n  - {name: 合计, type: total}\n  - {name: 甲区, type: district}\n"
        "  - {name: 甲园, type: park, district: ''}\n  - {name: 乙园, type: park}\n",
        encoding="utf-8")
    reg = pickle.loads(pickle.dumps(units.load(tmp_path)))
    assert reg.match("甲园", ("park",)).district == ""
    assert reg.match("乙园", ("park",)).district is None
    assert reg.districts == [None, None, "", None]


def test_labels_matched_as_printed_or_normalised_alike(tmp_path):
    """The matcher takes a label printed as a spelling in normal form directly, and
    normalises the others: the same units as normalising every label."""
    import pandas as pd

    from zzqa import period
    # "e\u0301区" is kept as a spelling but is not its own normal form (NFKC composes it)
    (tmp_path / "units.yaml").write_text(
        "units:\n  - {name: 合计, type: total, aliases: [全市]}\n"
        "  - {name: 甲区, type: district, aliases: ['甲 区', 'e\u0301区']}\n"
        "  - {name: 乙区, type: district, aliases: [Ｂ区]}\n"
        "  - {name: 丙园, type: park, district: 甲区}\n", encoding="utf-8")
    reg = units.load(tmp_path)
    labels = ["全市", "合 计", "甲区", "甲 区", "（甲区）", "é区", "e\u0301区", "Ｂ区", "B区",
              "丙园", "丁区", "", " 乙区 "]
    form = type("F", (), {"units": reg})()
    names, kinds, _ = period._UnitMatcher(form)(pd.Series(labels), ("total", "district"))
    want = [reg.match(x, ("total", "district")) for x in labels]
    assert names.tolist() == [u.name if u else None for u in want]
    assert kinds.tolist() == [u.type if u else None for u in want]
    assert names.tolist()[:10] == ["合计", "合计", "甲区", "甲区", "甲区", "甲区", "甲区",
                                   "乙区", "乙区", None]
