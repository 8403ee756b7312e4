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
from sim.model import TruceModel, fixed_point_sum, series_reporters
from sim.rng import BLOCK, Streams, draws
from sim.runner import run
from sim.scenario import scenario_hash, validate
from tests.factories import (
    make_busy_scenario,
    make_party,
    make_quiet_scenario,
    make_scenario,
    make_scenario_data,
)

BUSY = make_busy_scenario(horizon=60)


def make_scripted(*events, south="always_comply", horizon=30, **sections):
    """North always complies, south follows ``south`` and returns to the talks only when
    scripted to; perfect detection, no noise."""
    return make_scenario(
        make_party("north", policy="always_comply"),
        make_party("south", policy=south, behaviour={"p_return": 0.0}),
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


def test_a_world_key_does_not_depend_on_the_batch():
    assert_array_equal(Streams(7, 0, 2000).keys[1500:1510], Streams(7, 1500, 10).keys)


def test_a_world_steps_the_same_whatever_the_batch_and_its_neighbours():
    whole = TruceModel(BUSY, n_worlds=40, seed=7, days=30).run()
    part = TruceModel(BUSY, n_worlds=5, seed=7, first_world=31, days=30).run()
    for name in whole.state._fields:
        assert_array_equal(np.moveaxis(getattr(whole.state, name), _world_axis(name), 0)[31:36],
                           np.moveaxis(getattr(part.state, name), _world_axis(name), 0), name)


def _world_axis(name: str) -> int:
    return 1 if name.endswith("_ring") else 0  # ring buffers put the day of the ring first


def test_draws_are_keyed_on_world_day_and_stream_only():
    a = draws(7, "decisions", [3, 900, 5000], day=4, count=6)
    assert_array_equal(a[1], draws(7, "decisions", [900], day=4, count=6)[0])
    assert_array_equal(a[:, :3], draws(7, "decisions", [3, 900, 5000], day=4, count=3))
    for other in [draws(7, "talks", [3, 900, 5000], 4, 6), draws(7, "decisions", [3, 900, 5000],
                  5, 6), draws(8, "decisions", [3, 900, 5000], 4, 6)]:
        assert not np.isin(a, other).any()


def test_draws_look_uniform():
    # 100 worlds x 1,000 draws: the mean of U[0, 1) has sd sqrt(1/12 / 1e5) = 0.00091, so
    # 0.5 +- 0.0037 is 4 sd; the share below 0.1 has sd sqrt(0.09 / 1e5) = 0.00095
    u = draws(3, "observation", range(100), day=0, count=1000)
    assert ((u >= 0) & (u < 1)).all()
    assert abs(u.mean() - 0.5) < 0.0037
    assert abs((u < 0.1).mean() - 0.1) < 0.0038
    assert len(np.unique(u)) == u.size


def test_every_row_records_seed_and_scenario_hash():
    result = run(BUSY, worlds=20, seed=4)
    worlds = result.worlds
    assert (worlds["seed"] == 4).all()
    assert set(worlds["scenario_hash"]) == {scenario_hash(BUSY)}
    assert result.summary["scenario_hash"] == scenario_hash(BUSY)
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
def test_violent_parties_collapse_at_onset_confirmed_on_day_violent_days_minus_one(
        violent_days, window):
    """The fighting starts on day 0 (the breakdown's date); the window confirms it on day
    collapse_violent_days - 1 (docs/model.md 6.3)."""
    scn = make_quiet_scenario("always_violate", truce={"collapse_violent_days": violent_days,
                                                       "collapse_window_days": window})
    worlds = run(scn, worlds=50, seed=2).worlds
    assert (worlds["day_collapse"] == 0).all()
    assert (worlds["day_collapse_confirmed"] == violent_days - 1).all()
    assert (worlds["survival_days"] == 0).all()
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


def test_series_equal_numpys_reductions_bit_for_bit():
    # the reporters reduce the parties axis with sim.arrays (fast); plain numpy is the reference
    model = TruceModel(BUSY, n_worlds=300, seed=0, days=30).run()
    s, series = model.state, series_reporters()
    assert series["n_away_from_talks"](model) == int((~s.in_talks).any(axis=1).sum()) > 0
    # the sum over worlds is in fixed point (docs/model.md, section 8.2)
    assert series["sum_commitment"](model) == fixed_point_sum(s.commitment.mean(axis=1))


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


@settings(max_examples=20, deadline=None)
@given(first=st.integers(0, 3 * BLOCK), n=st.integers(1, 40), seed=st.integers(0, 2**40))
def test_results_of_a_world_range_equal_a_slice_of_a_larger_run(first, n, seed):
    """Whatever the first world and the batch size, the worlds of a batch end the same as in
    a larger batch that contains them (BUSY: spoilers, brokers and interventions-free)."""
    whole = TruceModel(BUSY, n_worlds=n + 7, seed=seed, first_world=first, days=20).run()
    part = TruceModel(BUSY, n_worlds=n, seed=seed, first_world=first + 7, days=20).run()
    assert_array_equal(whole.state.day_collapse[7:], part.state.day_collapse)
    assert_array_equal(whole.state.n_violations[7:], part.state.n_violations)
    assert_array_equal(whole.state.trust[7:], part.state.trust)
