"""Each rule of sim/rules with hand-computed values; degenerate probabilities (0 or 1) and
uniform draws passed in by hand make every rule deterministic.

The rules are compiled functions of one world's numbers (scalars, or one actor's row); the
compiled day (sim/kernel.py) applies them to every actor and world, which the last tests check
on small models.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from pytest import approx

from sim.model import TruceModel
from sim.rules import beliefs, brokers, decisions, frailty, observation, spoilers, status, talks
from sim.state import CollapseMode, TruceStatus
from tests.factories import make_party, make_scenario


# ---------------------------------------------------------------------------------- spoilers
@pytest.mark.parametrize("progress, violent_days, expected", [(0.4, 7, 0.2), (0.0, 0, 0.5),
                                                              (1.0, 0, 1.0)])
def test_momentum_is_the_mean_of_talks_progress_and_quiet_share_of_the_week(
        progress, violent_days, expected):
    assert spoilers.momentum(progress, violent_days) == approx(expected)


def test_attack_probability_rises_with_momentum():
    # 0.1 * 0.5 * (1 + 2.0 * 0.5) = 0.1
    assert spoilers.attack_probability(0.1, 0.5, 2.0, 0.5) == approx(0.1)


def test_attack_probability_is_capped_at_one():
    # 0.9 * 1.0 * (1 + 10 * 1) = 9.9, capped
    assert spoilers.attack_probability(0.9, 1.0, 10.0, 1.0) == 1.0


def test_attack_probability_zero_means_no_attack():
    p = spoilers.attack_probability(0.0, 1.0, 10.0, 1.0)
    assert p == 0.0 and not spoilers.attacks(p, 0.0)


def test_attacks_with_probability_one_always_happen():
    assert spoilers.attacks(1.0, 0.0) and spoilers.attacks(1.0, 0.999999)


@pytest.mark.parametrize("receptiveness, offered, expected", [(1.0, 0.5, 0.2), (0.5, 2.0, 0.2),
                                                              (0.0, 1.0, 0.4)])
def test_inducements_restrain_by_type(receptiveness, offered, expected):
    # 0.4 * (1 - rho * min(1, a)): limited (1) halved by 0.5; greedy (1/2) halved at most
    assert spoilers.restrained(0.4, receptiveness, offered) == approx(expected)


# --------------------------------------------------------------------------------- decisions
def make_motive(in_talks=True, pressure=0.2, expected_sanction=0.0):
    return decisions.motive(0.5, 0.1, 0.4, 0.5, 0.5, in_talks, pressure, expected_sanction)


def test_motive_at_the_table():
    # 0.5 - 0.1 - 0.4 * 0.5 - 0.5 * 0.2 = 0.1
    assert make_motive() == approx(0.1)


def test_motive_away_from_the_table_ignores_the_settlement():
    # 0.5 - 0.1 - 0.5 * 0.2 = 0.3
    assert make_motive(in_talks=False) == approx(0.3)


def test_expected_sanction_adds_to_felt_pressure():
    # 0.5 - 0.1 - 0.2 - 0.5 * (0.2 + 0.2) = 0.0
    assert make_motive(expected_sanction=0.2) == approx(0.0, abs=1e-15)


def test_logit_choice_is_even_when_motive_equals_commitment():
    assert decisions.opportunity(0.3, 0.3, 0.1) == approx(0.5)


def test_logit_choice_by_hand():
    # m - C = 0.5 - 0.3 = 0.2; 0.2 / 0.1 = 2; 1 / (1 + e^-2)
    p_opp = decisions.opportunity(0.3, 0.5, 0.1)
    assert p_opp == approx(1.0 / (1.0 + math.exp(-2.0)))
    assert p_opp == approx(0.8807970779778823)


@pytest.mark.parametrize("spread", [1e-300, 0.0])
def test_a_vanishing_spread_saturates_the_logit(spread):
    assert decisions.opportunity(0.3, 0.5, spread) == 1.0
    assert decisions.opportunity(0.5, 0.3, spread) == approx(0.0, abs=1e-300)


def make_intent(policy, provoked=False, triggered=False, p_opp=0.0, p_ret=0.0,
                u_opp=0.5, u_ret=0.5) -> bool:
    """Intended move of one party."""
    return bool(decisions.intend(policy, p_opp, p_ret, provoked, triggered, u_opp, u_ret))


def test_always_comply_never_violates():
    assert not make_intent(decisions.ALWAYS_COMPLY, provoked=True, triggered=True,
                           p_opp=1.0, p_ret=1.0, u_opp=0.0, u_ret=0.0)


def test_always_violate_always_violates():
    assert make_intent(decisions.ALWAYS_VIOLATE, p_opp=0.0, u_opp=0.99)


def test_adaptive_violates_opportunistically_or_in_retaliation():
    assert make_intent(decisions.ADAPTIVE, p_opp=0.6, u_opp=0.5)
    assert make_intent(decisions.ADAPTIVE, provoked=True, p_ret=0.6, u_ret=0.5)
    assert not make_intent(decisions.ADAPTIVE, p_opp=0.4, p_ret=0.4, u_opp=0.5, u_ret=0.5)


@pytest.mark.parametrize("provoked", [True, False])
def test_tit_for_tat_copies_the_provocation(provoked):
    assert make_intent(decisions.TFT, provoked=provoked, p_opp=1.0, u_opp=0.0) is provoked


@pytest.mark.parametrize("u_ret, forgives", [(0.0, True), (0.33, True), (1 / 3, False),
                                             (0.9, False)])
def test_generous_tit_for_tat_forgives_iff_draw_below_one_third(u_ret, forgives):
    assert make_intent(decisions.GTFT, provoked=True, u_ret=u_ret) is (not forgives)


def test_generous_tit_for_tat_never_starts():
    assert not make_intent(decisions.GTFT, provoked=False, p_opp=1.0, u_opp=0.0, u_ret=0.9)


def test_grim_trigger_stays_triggered():
    assert not make_intent(decisions.GRIM)
    assert make_intent(decisions.GRIM, provoked=True)
    assert make_intent(decisions.GRIM, provoked=False, triggered=True)


def test_noise_zero_is_the_identity():
    assert decisions.with_noise(True, 0.0, 0.0) and not decisions.with_noise(False, 0.0, 0.0)


def test_noise_one_flips_every_move():
    assert not decisions.with_noise(True, 1.0, 0.999) and decisions.with_noise(False, 1.0, 0.0)


# ------------------------------------------------------------------------------- observation
def test_violation_detected_with_p_detect_one_only_if_it_happened():
    assert observation.detected(True, 1.0, 0.999)
    assert not observation.detected(False, 1.0, 0.0)
    assert not observation.detected(True, 0.0, 0.0)


def test_false_alarms_with_probability_one_and_zero_and_never_about_a_real_violation():
    assert observation.false_alarm(False, 1.0, 0.999)
    assert not observation.false_alarm(False, 0.0, 0.0)
    assert not observation.false_alarm(True, 1.0, 0.0)


@pytest.mark.parametrize("attacked, target, tie, p_mis, blamed", [
    (True, True, 1.0, 1.0, True), (True, True, 0.0, 1.0, False), (True, True, 1.0, 0.0, False),
    (False, True, 1.0, 1.0, False), (True, False, 1.0, 1.0, False), (True, True, 0.5, 1.0, None)])
def test_blame_needs_an_attack_on_the_victim_a_tie_and_misattribution(attacked, target, tie,
                                                                     p_mis, blamed):
    if blamed is None:  # probability p_mis * tie = 0.5
        assert observation.blamed(attacked, target, tie, p_mis, 0.49)
        assert not observation.blamed(attacked, target, tie, p_mis, 0.5)
    else:
        assert observation.blamed(attacked, target, tie, p_mis, 0.0) is blamed


def test_collateral_with_probability_zero_never_happens():
    assert not observation.collateral(0.0, 0.0) and observation.collateral(0.3, 0.29)


# ----------------------------------------------------------------------------------- beliefs
def test_trust_grows_on_quiet_days_and_falls_per_hostile_act():
    # quiet: 0.5 + 0.1 * (1 - 0.5) = 0.55; 2 acts: 0.4 * (1 - 0.5)^2 = 0.1
    assert beliefs.update_trust(0.5, 0, 0.1, 0.5) == approx(0.55)
    assert beliefs.update_trust(0.4, 2, 0.2, 0.5) == approx(0.1)


def test_trust_with_full_build_and_full_loss():
    assert beliefs.update_trust(0.3, 0, 1.0, 1.0) == 1.0
    assert beliefs.update_trust(0.3, 1, 1.0, 1.0) == 0.0


def test_mean_trust_in_others_ignores_self_trust():
    trust = np.array([[1.0, 0.2, 0.4], [0.6, 1.0, 0.0], [0.5, 0.5, 1.0]])
    got = [beliefs.mean_trust_in_others(trust[i], i) for i in range(3)]
    assert got == approx([0.3, 0.3, 0.5])


def test_a_lone_party_trusts_fully():
    assert beliefs.mean_trust_in_others(np.array([0.2]), 0) == 1.0


def test_commitment_relaxes_toward_mean_trust():
    # 0.8 + 0.5 * (0.4 - 0.8) = 0.6; speed 0 keeps 0.2
    assert beliefs.update_commitment(0.8, 0.4, 0.5) == approx(0.6)
    assert beliefs.update_commitment(0.2, 0.6, 0.0) == 0.2


@pytest.mark.parametrize("gain, removed, share", [(0.4, 0.1, 0.25), (0.4, 0.8, 1.0),
                                                  (0.0, 0.1, 1.0), (0.0, 0.0, 0.0),
                                                  (0.4, -0.1, 0.0)])
def test_coerced_share_is_the_removed_part_of_the_gain_in_unit_interval(gain, removed, share):
    assert beliefs.coerced_share(gain, removed) == approx(share)


def test_discounted_build():
    # 0.1 * (1 - 0.5 * 0.4) = 0.08
    assert beliefs.discounted_build(0.1, 0.5, 0.4) == approx(0.08)


# ----------------------------------------------------------------------------------- brokers
def test_pressure_decays_and_grows_with_verified_violations():
    # 0.9 * 0.5 = 0.45; 0 + 0.3
    assert brokers.update_pressure(0.5, 0.0, 0.1) == approx(0.45)
    assert brokers.update_pressure(0.0, 0.3, 0.1) == approx(0.3)


def test_pressure_is_clipped_to_the_unit_interval():
    assert brokers.update_pressure(0.9, 0.5, 0.0) == 1.0
    assert brokers.update_pressure(0.0, -0.5, 0.0) == 0.0


def test_only_verified_violations_add_pressure():
    assert brokers.verified(True, 1.0, 0.999) and not brokers.verified(True, 0.0, 0.0)
    assert not brokers.verified(False, 1.0, 0.0)


def test_full_decay_forgets_yesterday():
    assert brokers.update_pressure(0.7, 0.2, 1.0) == approx(0.2)


# ------------------------------------------------------------------------------------- talks
def test_talks_advance_only_when_everyone_is_at_the_table():
    # 0.2 + 0.1 * 0.8 * 0.5 * (1 - 0.5) = 0.22
    assert talks.advance(0.2, True, 0.5, 0.1, 0.8, 0.5) == approx(0.22)
    assert talks.advance(0.2, False, 0.5, 0.1, 0.8, 0.5) == 0.2


def test_talks_progress_is_capped_at_one():
    assert talks.advance(0.99, True, 1.0, 1.0, 1.0, 0.0) == 1.0


def make_walkout(in_talks, hostile7, u, threshold=3, p_walkout=1.0, p_return=1.0,
                 mean_trust=1.0) -> bool:
    return bool(talks.at_table(in_talks, hostile7, threshold, p_walkout, p_return, mean_trust,
                               u))


def test_a_party_walks_out_at_the_threshold():
    assert not make_walkout(True, 3, 0.0)
    assert make_walkout(True, 2, 0.0)


def test_nobody_walks_out_with_p_walkout_zero():
    assert make_walkout(True, 50, 0.0, p_walkout=0.0)


@pytest.mark.parametrize("u, back", [(0.4, True), (0.6, False)])
def test_return_is_scaled_by_trust(u, back):
    # returns when u < p_return * mean trust = 1.0 * 0.5
    assert make_walkout(False, 0, u, mean_trust=0.5) is back


def test_an_angry_party_does_not_return():
    assert not make_walkout(False, 3, 0.0)


# ------------------------------------------------------------------------------------ status
def test_first_actor():
    assert status.first_actor(np.array([False, True, True])) == 1
    assert status.first_actor(np.array([False, False])) == -1
    assert status.first_actor(np.zeros(0, dtype=bool)) == -1


@pytest.mark.parametrize("violent_days, violations_7d, away, withdrawn, expected, mode", [
    (3, 3, False, False, TruceStatus.HOLDING, CollapseMode.NONE),
    (3, 4, False, False, TruceStatus.IN_TROUBLE, CollapseMode.NONE),
    (0, 0, True, False, TruceStatus.IN_TROUBLE, CollapseMode.NONE),
    (10, 10, False, False, TruceStatus.COLLAPSED, CollapseMode.SUSTAINED_VIOLENCE),
    (0, 0, False, True, TruceStatus.COLLAPSED, CollapseMode.WITHDRAWAL),
    (10, 10, True, True, TruceStatus.COLLAPSED, CollapseMode.WITHDRAWAL),
])
def test_classify(violent_days, violations_7d, away, withdrawn, expected, mode):
    assert status.classify(violent_days, violations_7d, away, withdrawn, 4, 10) == (expected, mode)


# ----------------------------------------------------------------------------------- frailty
@pytest.mark.parametrize("u, expected", [(0.0, 0.3), (0.5, 0.5), (0.75, 0.6), (0.999, 0.7)])
def test_frailty_spreads_initial_commitment(u, expected):
    # 0.5 + 0.2 * (2u - 1)
    assert frailty.initial_commitment(0.5, 0.2, u) == approx(expected, abs=1e-3)


def test_frailty_is_clipped():
    assert frailty.initial_commitment(0.9, 0.5, 0.999) == 1.0


# ------------------------------------------------------------------- the rules in the day
def make_violators(n_parties: int) -> TruceModel:
    """Parties that always violate, seen for sure, no false alarms, no noise."""
    parties = [make_party(f"p{i}", policy="always_violate") for i in range(n_parties)]
    scn = make_scenario(*parties, information={"p_detect": 1.0, "p_false_alarm": 0.0,
                                               "noise": 0.0})
    return TruceModel(scn, n_worlds=4, seed=0)


@pytest.mark.parametrize("n_parties", [1, 3])
def test_every_party_perceives_every_other_violator_but_never_itself(n_parties):
    model = make_violators(n_parties)
    model.step()
    expected = 1 - np.eye(n_parties, dtype=int)
    assert_array_equal(model.state.perceived, np.broadcast_to(expected, (4,) + expected.shape))
    assert_array_equal(model.state.hostile_today, n_parties - 1)
