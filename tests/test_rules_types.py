"""Hidden types and Bayesian beliefs (sim.rules.types): the rule by hand, then in the model."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from pytest import approx

from sim.model import TruceModel
from sim.rules import types
from sim.runner import run
from sim.validation.stats import share_diff
from tests.factories import make_party, make_scenario
from tests.test_schema_errors import BASE, edited, line_of, one_problem

Q_C, Q_T = 0.05, 0.3


def test_a_hostile_act_lowers_the_belief_by_the_likelihood_ratio():
    # 0.5 * 0.05 / (0.5 * 0.05 + 0.5 * 0.3) = 1/7
    assert types.posterior(0.5, True, Q_C, Q_T, 0.0, 0.5, False) == approx(1 / 7)


def test_a_calm_day_raises_it():
    # 0.5 * 0.95 / (0.5 * 0.95 + 0.5 * 0.7) = 0.95 / 1.65
    assert types.posterior(0.5, False, Q_C, Q_T, 0.0, 0.5, False) == approx(0.95 / 1.65)


def test_calm_that_leverage_fully_explains_carries_no_information():
    assert types.posterior(0.3, False, Q_C, Q_T, 1.0, 0.5, False) == approx(0.3)
    half = types.posterior(0.3, False, Q_C, Q_T, 0.5, 0.5, False)
    assert 0.3 < half < types.posterior(0.3, False, Q_C, Q_T, 0.0, 0.5, False)


@pytest.mark.parametrize("says_tactical, expected", [(True, 0.0), (False, 1.0)])
def test_a_perfect_signal_settles_the_belief(says_tactical, expected):
    assert types.posterior(0.6, False, Q_C, Q_T, 0.0, 1.0, says_tactical) == expected


def test_an_uninformative_signal_changes_nothing():
    assert types.posterior(0.6, True, Q_C, Q_T, 0.0, 0.5, True) == approx(
        types.posterior(0.6, True, Q_C, Q_T, 0.0, 0.5, False))


@pytest.mark.parametrize("p, u, tactical", [(0.0, 0.0, False), (1.0, 0.999, True),
                                            (0.2, 0.19, True), (0.2, 0.2, False)])
def test_type_draw(p, u, tactical):
    assert types.is_tactical(p, u) is tactical


def test_surprise_gain_is_the_gain_times_the_others_mean_belief():
    belief = np.array([[1.0, 0.2, 0.4], [0.8, 1.0, 0.1], [0.6, 0.3, 1.0]])
    assert types.surprise_gain(0.5, belief, 0) == approx(0.5 * (0.8 + 0.6) / 2)
    assert types.surprise_gain(0.5, belief[:1, :1], 0) == 0.0


# ------------------------------------------------------------------------------- in the model
def make_typed(p_tactical=0.3, accuracy=0.5, gain=0.1, horizon=60, **beliefs):
    parties = [make_party(pid, intent={"types": {"committed": 1 - p_tactical,
                                                 "tactical": p_tactical},
                                       "tactical_gain": gain}) for pid in ("north", "south")]
    return make_scenario(*parties, horizon=horizon,
                         beliefs={"enabled": True, "signal_accuracy": accuracy, **beliefs})


def test_types_are_drawn_at_their_probability():
    # 2 parties x 4,000 worlds = 8,000 draws at p = 0.3: sd sqrt(0.21 / 8000) = 0.0051, so
    # 4 sd = 0.020
    model = TruceModel(make_typed(0.3), n_worlds=4000, seed=7)
    assert model.state.is_tactical.mean() == approx(0.3, abs=0.020)


def test_with_perfect_information_the_types_are_learned_on_day_zero():
    model = TruceModel(make_typed(0.5, accuracy=1.0), n_worlds=200, seed=3)
    model.step()
    truth = (~model.state.is_tactical).astype(float)
    assert_array_equal(model.state.belief[:, 0, 1], truth[:, 1])
    assert_array_equal(model.state.belief[:, 1, 0], truth[:, 0])
    assert_array_equal(model.state.trust, model.state.belief)


def test_without_a_signal_beliefs_start_at_the_common_prior_and_move_with_acts():
    # Beliefs fall only where a party fights, mostly a tactical signer that launched; at a
    # tactical gain of 0.1 that is under 1% of worlds per party, so with 500 worlds one party
    # may never launch (seen for one stream order). A gain of 0.5 and both directions of belief
    # make worlds with fighting common.
    model = TruceModel(make_typed(0.25, gain=0.5), n_worlds=500, seed=3)
    assert (model.state.belief[:, [0, 1], [1, 0]] == 0.75).all()
    model.run()
    b = np.concatenate([model.state.belief[:, 0, 1], model.state.belief[:, 1, 0]])
    assert 0.0 < b.min() < 0.75 < b.max() < 1.0


def test_tactical_signers_break_more_truces_than_committed_ones():
    """Share collapsed within 60 days, worlds with a tactical signer against the others
    (about 1,000 each): the 95% interval of the difference (Newcombe, half-width at most
    ~0.045 at this size) must lie above 0."""
    worlds = run(make_typed(0.3, gain=0.5), worlds=2000, seed=5).worlds
    tactical = (worlds["is_tactical_north"] | worlds["is_tactical_south"]).to_numpy()
    e = worlds["is_collapsed"].to_numpy()
    d = share_diff((int(e[tactical].sum()), int(tactical.sum())),
                   (int(e[~tactical].sum()), int((~tactical).sum())))
    assert d[1] > 0, d


def test_all_committed_draws_no_tactical_signer():
    typed = run(make_typed(0.0), worlds=300, seed=2).worlds
    assert not typed["is_tactical_north"].any() and not typed["is_tactical_south"].any()


def test_switched_off_types_leave_the_results_alone():
    plain = make_scenario(make_party("north"), make_party("south"), horizon=60)
    off = plain.model_copy(update={"actors": [
        a.model_copy(update={"intent": make_typed().actors[0].intent}) for a in plain.actors]})
    a, b = run(plain, worlds=300, seed=4).worlds, run(off, worlds=300, seed=4).worlds
    assert a.drop(columns="scenario_hash").equals(b.drop(columns="scenario_hash"))


# --------------------------------------------------------------------------------- bad input
def test_a_type_distribution_must_sum_to_one(tmp_path):
    text = edited("stances: {commitment: 0.7}", "stances: {commitment: 0.7}\n"
                  "    intent: {types: {committed: 0.6, tactical: 0.3}}")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path) == (line_of(text, "intent"), "actors.south.intent")
    assert "must sum to 1 (they sum to 0.9)" in p.expected


def test_a_prior_belief_outside_zero_one_is_located(tmp_path):
    text = BASE + "beliefs: {enabled: true, prior_committed: 1.2}\n"
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (line_of(text, "prior_committed"),
                                         "beliefs.prior_committed", 1.2)


def test_an_unknown_type_is_located(tmp_path):
    text = edited("stances: {commitment: 0.7}", "stances: {commitment: 0.7}\n"
                  "    intent: {types: {committed: 0.5, sneaky: 0.5}}")
    p, _ = one_problem(tmp_path, text)
    assert p.path.startswith("actors.south.intent.types")


# --------------------------------------------------------------------------------- the story
def test_the_story_says_what_a_party_believes_of_the_other():
    """North is surely tactical and south starts 90% sure it is committed; with a perfect
    signal south learns on day 0 that north is regrouping, and the story says so (north's
    belief that south regroups falls from 0.1 to 0, crossing no band worth telling)."""
    from sim.story import narrate

    scn = make_scenario(
        make_party("north", intent={"types": {"tactical": 1.0}}),
        make_party("south"), horizon=5,
        beliefs={"enabled": True, "prior_committed": 0.9, "signal_accuracy": 1.0})
    model = TruceModel(scn, 1, 0, log_worlds=[0]).run()
    told = [e for e in model.event_log.events if e.what == "belief"]
    assert [(e.day, e.actor, e.target, e.value) for e in told] == [(0, "south", "north", 1.0)]
    assert "South now thinks North is 100% likely to be regrouping" in " ".join(
        narrate(model.event_log.events, scn, 5))


def test_a_bad_type_distribution_exits_2_with_its_line(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app
    from tests.test_schema_errors import make_file

    text = edited("stances: {commitment: 0.7}", "stances: {commitment: 0.7}\n"
                  "    intent: {types: {committed: 0.6, tactical: 0.6}}")
    path = make_file(tmp_path, text)
    result = CliRunner().invoke(app, ["run", str(path), "--worlds", "5"])
    assert result.exit_code == 2
    assert f"{path}:{line_of(text, 'intent')}: actors.south.intent:" in result.stderr
    assert "Traceback" not in result.output + result.stderr
