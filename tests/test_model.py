"""The model as a whole: determinism, common random numbers, scripted events, degenerate
scenarios whose outcome is known exactly, and the Mesa surface (agents, data collector)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from pandas.testing import assert_frame_equal

from sim.agents import Broker, Party, Spoiler
from sim.model import TruceModel
from sim.rng import BLOCK, STREAMS, Streams
from sim.runner import run
from sim.scenario import validate
from tests.factories import (
    make_busy_scenario,
    make_party,
    make_quiet_scenario,
    make_scenario,
    make_scenario_data,
)

BUSY = make_busy_scenario(horizon=60)


def make_scripted(*events, south="always_comply", horizon=30, **sections):
    """North always complies, south follows ``south``; perfect detection, no noise."""
    return make_scenario(
        make_party("north", policy="always_comply"), make_party("south", policy=south),
        horizon=horizon, events=[dict(zip(("day", "actor", "action"), e)) for e in events],
        information={"p_detect": 1.0, "p_false_alarm": 0.0, "noise": 0.0}, **sections)


# ------------------------------------------------------------------------------ determinism
def test_same_seed_same_worlds():
    first, again = run(BUSY, worlds=300, seed=5), run(BUSY, worlds=300, seed=5)
    assert_frame_equal(first.worlds, again.worlds)
    assert_frame_equal(first.daily, again.daily)
    assert first.summary == again.summary


def test_another_seed_other_worlds():
    a, b = run(BUSY, worlds=300, seed=5), run(BUSY, worlds=300, seed=6)
    assert not a.worlds["survival_days"].equals(b.worlds["survival_days"])


def test_busy_scenario_is_not_trivial():
    # guards the tests above: the busy scenario must actually vary between worlds
    worlds = run(BUSY, worlds=300, seed=5).worlds
    assert 0 < worlds["is_collapsed"].mean() < 1
    assert worlds["attacks_raiders"].nunique() > 1


def test_a_world_does_not_depend_on_how_many_run_beside_it():
    few, many = run(BUSY, worlds=5, seed=9), run(BUSY, worlds=1500, seed=9)
    assert_frame_equal(few.worlds, many.worlds.iloc[:5])


def test_batch_size_does_not_change_results():
    small = run(BUSY, worlds=3000, seed=3, batch=1024)
    large = run(BUSY, worlds=3000, seed=3, batch=4096)
    assert_frame_equal(small.worlds, large.worlds)
    # daily series are sums over batches: equal up to float summation order
    assert_frame_equal(small.daily, large.daily, check_exact=False, rtol=1e-12)


def test_streams_give_a_world_the_same_draws_whatever_the_batch():
    whole = Streams(7, 0, 2000)
    part = Streams(7, 1500, 10)
    for shape in [(), (3,), (2, 4)]:  # consecutive draws stay aligned too
        assert_array_equal(whole.uniform("decisions", *shape)[1500:1510],
                           part.uniform("decisions", *shape))


def test_streams_across_a_block_boundary():
    whole = Streams(7, 0, 2 * BLOCK)
    straddling = Streams(7, BLOCK - 2, 4)
    assert_array_equal(whole.uniform("talks", 2)[BLOCK - 2:BLOCK + 2],
                       straddling.uniform("talks", 2))


def test_a_draw_in_one_stream_does_not_shift_another():
    busy, idle = Streams(7, 0, 10), Streams(7, 0, 10)
    busy.uniform("spoilers", 5)
    for name in STREAMS:
        if name != "spoilers":
            assert_array_equal(busy.uniform(name, 2), idle.uniform(name, 2))


def test_streams_differ_between_mechanisms_and_seeds():
    s = Streams(7, 0, 10)
    assert not np.array_equal(s.uniform("spoilers"), s.uniform("talks"))
    assert not np.array_equal(Streams(7, 0, 10).uniform("talks"),
                              Streams(8, 0, 10).uniform("talks"))


def test_every_row_records_seed_and_scenario_hash():
    worlds = run(BUSY, worlds=20, seed=4).worlds
    assert (worlds["seed"] == 4).all()
    assert worlds["scenario_hash"].nunique() == 1
    assert_array_equal(worlds["world"], np.arange(20))


# ------------------------------------------------------------------------- scripted events
def test_scripted_violation_is_counted():
    worlds = run(make_scripted((5, "north", "violate")), worlds=50, seed=1).worlds
    assert (worlds["violations_north"] == 1).all()
    assert (worlds["violations_south"] == 0).all()


def test_tit_for_tat_answers_a_scripted_violation_the_next_day():
    scn = make_scripted((5, "north", "violate"), south="tit_for_tat")
    model = TruceModel(scn, n_worlds=4, seed=1)
    for _ in range(6):
        model.step()
    assert not model.state.violated[:, 1].any()  # day 5: south sees north's violation
    model.step()
    assert model.state.violated[:, 1].all()  # day 6: south answers, once
    model.run()
    assert_array_equal(model.state.n_violations, [[1, 1]] * 4)


def test_withdrawal_collapses_the_truce_that_day():
    worlds = run(make_scripted((7, "south", "withdraw")), worlds=50, seed=1).worlds
    assert (worlds["day_collapse"] == 7).all()
    assert (worlds["collapse_mode"] == "withdrawal").all()
    assert (worlds["collapse_cause"] == "south").all()


def test_walkout_event_puts_the_truce_in_trouble():
    worlds = run(make_scripted((3, "south", "walkout"), (6, "south", "return")),
                 worlds=20, seed=1).worlds
    assert (worlds["day_first_walkout"] == 3).all()
    assert (worlds["days_in_trouble"] == 3).all()  # away on days 3, 4, 5
    assert not worlds["is_collapsed"].any()


# ---------------------------------------------------------------------- degenerate scenarios
def test_compliant_parties_without_spoilers_never_collapse():
    result = run(make_quiet_scenario("always_comply", horizon=200), worlds=500, seed=2)
    assert not result.worlds["is_collapsed"].any()
    assert (result.worlds[["violations_north", "violations_south"]] == 0).all(axis=None)
    assert (result.daily["share_holding"] == 1.0).all()


@pytest.mark.parametrize("violent_days, window", [(10, 14), (3, 5), (1, 1)])
def test_violent_parties_collapse_on_day_collapse_violent_days_minus_one(violent_days, window):
    scn = make_quiet_scenario("always_violate", truce={"collapse_violent_days": violent_days,
                                                       "collapse_window_days": window})
    worlds = run(scn, worlds=50, seed=2).worlds
    assert (worlds["day_collapse"] == violent_days - 1).all()
    assert (worlds["collapse_mode"] == "sustained_violence").all()
    assert (worlds["collapse_cause"] == "north").all()  # first in scenario order on day 0


def test_spoiler_attack_opens_the_escalation():
    # the spoiler strikes on day 0 before anyone violates, so it is the cause of the collapse
    scn = make_scenario(
        make_party("north", policy="always_violate"), make_party("south", policy="always_violate"),
        {"id": "raiders", "name": "Raiders", "kind": "spoiler", "capability": 1.0,
         "stances": {"commitment": 0.0}, "spoiler": {"p_attack": 1.0}},
        truce={"collapse_violent_days": 3, "collapse_window_days": 3})
    worlds = run(scn, worlds=20, seed=2).worlds
    assert (worlds["collapse_cause"] == "raiders").all()
    assert (worlds["attacks_raiders"] == 60).all()


# ------------------------------------------------------------------------------------- Mesa
def test_actors_are_mesa_agents():
    model = TruceModel(BUSY, n_worlds=3, seed=0)
    assert Counter(type(a) for a in model.agents) == {Party: 2, Broker: 2, Spoiler: 2}
    assert [a.actor_id for a in model.agents_by_type[Party]] == ["north", "south"]
    assert model.agents_by_type[Spoiler][1].index == 1


def test_agents_view_their_column_of_the_state():
    model = TruceModel(BUSY, n_worlds=3, seed=0).run()
    south = model.agents_by_type[Party][1]
    assert_array_equal(south.violations, model.state.n_violations[:, 1])
    assert south.commitment.shape == (3,)


def test_datacollector_has_one_row_per_day():
    model = TruceModel(BUSY, n_worlds=3, seed=0, days=25).run()
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 25 == model.day
    assert (df["n_worlds"] == 3).all()
    assert (df[["n_holding", "n_in_trouble", "n_collapsed"]].sum(axis=1) == 3).all()


def test_daily_table_has_one_row_per_day_with_dates():
    daily = run(BUSY, worlds=10, seed=0, days=40).daily
    assert_array_equal(daily["day"], np.arange(40))
    assert daily["date"].iloc[0] == dt.date(2020, 1, 1)
    assert daily["date"].iloc[-1] == dt.date(2020, 2, 9)


@pytest.mark.parametrize("start", ["1648-10-24", "2300-01-01"])
def test_any_valid_start_date_runs(start):
    data = make_scenario_data(horizon=10)
    data["meta"]["start_date"] = start
    assert len(run(validate(data), worlds=2, seed=0).daily) == 10


@settings(max_examples=60, deadline=None)
@given(first=st.integers(0, 3 * BLOCK), n=st.integers(1, BLOCK + 5),
       shapes=st.lists(st.lists(st.integers(1, 3), max_size=2), min_size=1, max_size=4))
def test_part_of_a_block_draws_what_the_whole_block_would(first, n, shapes):
    """A batch holding part of a block jumps over the other worlds' numbers: the draws, and
    the draws after them, equal slices of whole-block draws."""
    b0 = first // BLOCK
    whole = Streams(11, b0 * BLOCK, (first + n - 1) // BLOCK * BLOCK + BLOCK - b0 * BLOCK)
    part = Streams(11, first, n)
    lo = first - b0 * BLOCK
    for shape in shapes:
        assert_array_equal(whole.uniform("brokers", *shape)[lo:lo + n],
                           part.uniform("brokers", *shape))
