from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zzqa import numbers


@pytest.mark.parametrize("text, value, decimals", [
    ("15.29", Fraction(1529, 100), 2),
    ("59.660", Fraction(5966, 100), 3),
    ("100.00", Fraction(100), 2),
    ("85.4%", Fraction(854, 10), 1),
    ("0", Fraction(0), 0),
    ("-1", Fraction(-1), 0),
    (" 7 ", Fraction(7), 0),
])
def test_parse_keeps_value_and_decimals(text, value, decimals):
    p = numbers.parse(text)
    assert (p.value, p.decimals) == (value, decimals)


@pytest.mark.parametrize("text", ["", "-", "/", "1O1.74", "12,3", "1.2.3", "%", "abc"])
def test_parse_rejects_what_is_not_a_number(text):
    assert numbers.parse(text) is None


def test_interval_is_half_a_unit_in_the_last_printed_place():
    lo, hi = numbers.parse("15.29").interval()
    assert (Fraction(lo, numbers.UNIT), Fraction(hi, numbers.UNIT)) == (
        Fraction(15285, 1000), Fraction(15295, 1000))
    assert numbers.parse("12").interval(exact=True) == (12 * numbers.UNIT, 12 * numbers.UNIT)
    # read at more decimals than printed: "88.7" as 88.70 +- 0.005
    assert numbers.parse("88.7").interval(decimals=2) == (88_695_000, 88_705_000)


def test_parse_array_states():
    out = numbers.parse_array(pd.Series(["1.5", "-", "", "x", "3%", "0.467", "/", " 12 "]))
    assert out.state.tolist() == [numbers.NUMBER, numbers.ZERO_MARKER, numbers.BLANK,
                                  numbers.INVALID, numbers.NUMBER, numbers.NUMBER,
                                  numbers.ZERO_MARKER, numbers.NUMBER]
    assert out.decimals.tolist()[:6] == [1, 0, 0, 0, 0, 3]
    assert out.scaled[5] == numbers.parse("0.467").scaled


CELL = st.one_of(
    st.sampled_from(["", "-", "/", "%", ".5", "1.", "1.2.3", "1O1", "+3", "-0.25", "99.9%"]),
    st.builds(lambda i, f, pct: f"{i}{'.' + f if f is not None else ''}{'%' if pct else ''}",
              st.integers(0, 10**12), st.one_of(st.none(), st.text("0123456789", max_size=6)),
              st.booleans()),
)


@given(st.lists(CELL, min_size=1, max_size=30))
def test_vectorised_parsing_agrees_with_parse(cells):
    out = numbers.parse_array(pd.Series(cells))
    for text, scaled, decimals, state in zip(cells, out.scaled, out.decimals, out.state, strict=False):
        one = numbers.parse(text)
        assert (state == numbers.NUMBER) == (one is not None), text
        if one is not None:
            assert (scaled, decimals) == (one.scaled, one.decimals), text


def test_usual_decimals_is_the_mode_ties_to_finer():
    assert numbers.usual_decimals([2, 2, 1, 0]) == 2
    assert numbers.usual_decimals([1, 2]) == 2
    assert numbers.usual_decimals([]) == 0


@given(st.integers(min_value=0, max_value=10**9 - 1), st.integers(min_value=0, max_value=4))
def test_printing_then_parsing_gives_back_the_interval(units, decimals):
    scaled = units * 10 ** (numbers.SCALE - decimals)
    text = numbers.fmt(scaled, decimals)
    p = numbers.parse(text)
    assert p.decimals == decimals and p.scaled == scaled
    lo, hi = p.interval()
    assert hi - lo == 10 ** (numbers.SCALE - decimals)


@given(st.fractions(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=4))
def test_a_rounded_value_lies_in_the_interval_of_its_print(value, decimals):
    text = numbers.fmt(value * numbers.UNIT, decimals)
    lo, hi = numbers.parse(text).interval()
    assert lo <= value * numbers.UNIT <= hi


@given(st.lists(st.sampled_from(["1", "1.5", "2.25", "-", "", "x", "3.10"]), min_size=1,
                max_size=12), st.integers(0, 3), st.booleans())
def test_half_widths_agree_cell_by_cell(cells, convention, exact):
    """Arrays.half and bounds (with their one-decimals fast path) give each cell the
    half-width half_at gives it, for every kind of row selection."""
    from zzqa.model import LOOSE, STRICT
    from zzqa.period import Arrays
    col = numbers.parse_array(cells)
    a = Arrays(col.scaled, col.state, col.decimals.astype(np.int8), convention, exact)
    n = len(cells)
    picks = [slice(None), slice(1, None), np.arange(n)[::-1], np.arange(n) % 2 == 0]
    for reading in (LOOSE, STRICT):
        expected = np.array([a.half_at(i, reading) for i in range(n)], dtype=np.int64)
        for rows in picks:
            assert a.half(reading, rows).tolist() == expected[rows].tolist()
            low, high = a.bounds(reading, rows)
            assert (low == col.scaled[rows] - expected[rows]).all()
            assert (high == col.scaled[rows] + expected[rows]).all()
