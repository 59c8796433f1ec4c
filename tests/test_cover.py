"""The exact cover (zzqa/cover.py): the search of a small part finds what the MILP finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zzqa import cover

candidates = st.lists(
    st.tuples(st.frozensets(st.integers(0, 6), min_size=1, max_size=3),
              st.frozensets(st.integers(0, 5), min_size=1, max_size=2),
              st.sampled_from([0.6, 1.0, 1.1, 1.2, 1.5])),
    min_size=2, max_size=9)


@settings(max_examples=60, deadline=None)
@given(candidates, st.sets(st.integers(0, 6), max_size=2), st.data())
def test_the_search_of_a_small_part_is_the_milps_optimum(cands, systematic, data):
    made = [cover.Candidate(keys, frozenset(("c", x) for x in cells), cost)
            for keys, cells, cost in cands]

    def weight(k):
        return 0 if k in systematic else 1
    banned = set()
    if len(made) > 2 and data.draw(st.booleans()):
        banned = {(0, 1)}
    without = data.draw(st.none() | st.integers(0, len(made) - 1))
    searched, picked = cover._exhaustive(made, weight, banned, without)
    solved, _ = cover._milp(made, weight, banned, without)
    assert abs(searched - solved) < 1e-6
    # what the search picked is a cover: disjoint failures and cells, no banned pair
    keys = [k for j in picked for k in made[j].keys]
    cells = [x for j in picked for x in made[j].cells]
    assert len(keys) == len(set(keys)) and len(cells) == len(set(cells))
    assert without not in picked and not ({0, 1} <= set(picked) and banned)
