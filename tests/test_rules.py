"""Each rule of sim/rules with hand-computed values; degenerate probabilities (0 or 1) and
uniform draws passed in by hand make every rule deterministic.

Shapes follow the rules' convention: leading axis = worlds (W), then parties (P), brokers (B) or
spoilers (S). Most examples use one world.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sim.rules import beliefs, brokers, decisions, observation, spoilers, status, talks
from sim.state import CollapseMode, TruceStatus


def arr(*values, dtype=float) -> np.ndarray:
    return np.array(values, dtype=dtype)


def one_world(*values, dtype=float) -> np.ndarray:
    """A (1, n) array: one world, one value per actor."""
    return np.array([values], dtype=dtype)


# ---------------------------------------------------------------------------------- spoilers
def test_momentum_is_the_mean_of_talks_progress_and_quiet_share_of_the_week():
    progress = arr(0.4, 0.0, 1.0)
    violent_days = arr(7, 0, 0)
    assert_allclose(spoilers.momentum(progress, violent_days), [0.2, 0.5, 1.0])


def test_attack_probability_rises_with_momentum():
    # 0.1 * 0.5 * (1 + 2.0 * 0.5) = 0.1
    p = spoilers.attack_probability(arr(0.1), arr(0.5), arr(2.0), arr(0.5))
    assert_allclose(p, [[0.1]])


def test_attack_probability_is_capped_at_one():
    # 0.9 * 1.0 * (1 + 10 * 1) = 9.9, capped
    p = spoilers.attack_probability(arr(0.9), arr(1.0), arr(10.0), arr(1.0))
    assert_array_equal(p, [[1.0]])


def test_attack_probability_zero_means_no_attack():
    p = spoilers.attack_probability(arr(0.0), arr(1.0), arr(10.0), arr(1.0))
    u = one_world(0.0)
    assert_array_equal(p, [[0.0]])
    assert not spoilers.attacks(p, u).any()


def test_attacks_with_probability_one_always_happen():
    assert spoilers.attacks(one_world(1.0, 1.0), one_world(0.0, 0.999999)).all()


# --------------------------------------------------------------------------------- decisions
def make_motive(in_talks=True, pressure=0.2, expected_sanction=0.0):
    return decisions.motive(gain=arr(0.5), cost=arr(0.1), settlement=arr(0.4),
                            sensitivity=arr(0.5), progress=arr(0.5),
                            in_talks=one_world(in_talks, dtype=bool),
                            pressure=one_world(pressure), expected_sanction=expected_sanction)


def test_motive_at_the_table():
    # 0.5 - 0.1 - 0.4 * 0.5 - 0.5 * 0.2 = 0.1
    assert_allclose(make_motive(), [[0.1]])


def test_motive_away_from_the_table_ignores_the_settlement():
    # 0.5 - 0.1 - 0.5 * 0.2 = 0.3
    assert_allclose(make_motive(in_talks=False), [[0.3]])


def test_expected_sanction_adds_to_felt_pressure():
    # 0.5 - 0.1 - 0.2 - 0.5 * (0.2 + 0.2) = 0.0
    assert_allclose(make_motive(expected_sanction=arr(0.2)), [[0.0]], atol=1e-15)


def test_logit_choice_is_even_when_motive_equals_commitment():
    p_opp, _ = decisions.adaptive_probabilities(one_world(0.3), one_world(0.3), arr(0.1),
                                                arr(0.5), one_world(False, dtype=bool))
    assert_allclose(p_opp, [[0.5]])


def test_logit_choice_by_hand():
    # m - C = 0.5 - 0.3 = 0.2; 0.2 / 0.1 = 2; 1 / (1 + e^-2)
    p_opp, _ = decisions.adaptive_probabilities(one_world(0.3), one_world(0.5), arr(0.1),
                                                arr(0.5), one_world(False, dtype=bool))
    assert_allclose(p_opp, [[1.0 / (1.0 + math.exp(-2.0))]])
    assert_allclose(p_opp, [[0.8807970779778823]])


def test_retaliation_probability_is_reciprocity_only_when_provoked():
    _, p_ret = decisions.adaptive_probabilities(one_world(0.5, 0.5), one_world(0.0, 0.0),
                                                arr(0.1, 0.1), arr(0.6, 0.6),
                                                one_world(True, False, dtype=bool))
    assert_allclose(p_ret, [[0.6, 0.0]])


def make_intent(policy, provoked=False, triggered=False, p_opp=0.0, p_ret=0.0,
                u_opp=0.5, u_ret=0.5) -> bool:
    """Intended move of one party in one world."""
    out = decisions.intend(np.array([[policy]]), one_world(p_opp), one_world(p_ret),
                           one_world(provoked, dtype=bool), one_world(triggered, dtype=bool),
                           one_world(u_opp), one_world(u_ret))
    return bool(out[0, 0])


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


def test_each_party_follows_its_own_policy():
    policy = np.array([[decisions.ALWAYS_COMPLY, decisions.ALWAYS_VIOLATE, decisions.TFT]])
    provoked = np.ones((1, 3), dtype=bool)
    out = decisions.intend(policy, np.zeros((1, 3)), np.zeros((1, 3)), provoked,
                           np.zeros((1, 3), dtype=bool), np.full((1, 3), 0.5),
                           np.full((1, 3), 0.5))
    assert_array_equal(out, [[False, True, True]])


def test_noise_zero_is_the_identity():
    intended = one_world(True, False, dtype=bool)
    assert_array_equal(decisions.with_noise(intended, 0.0, one_world(0.0, 0.0)), intended)


def test_noise_one_flips_every_move():
    intended = one_world(True, False, dtype=bool)
    assert_array_equal(decisions.with_noise(intended, 1.0, one_world(0.0, 0.999)),
                       ~intended)


# ------------------------------------------------------------------------------- observation
def test_violation_detected_with_p_detect_one_by_the_other_party_only():
    violated = one_world(True, False, dtype=bool)
    seen = observation.detected(violated, 1.0, np.zeros((1, 2, 2)))
    # observer 1 sees party 0's violation; nobody "sees" their own act
    assert_array_equal(seen, [[[False, False], [True, False]]])


def test_nothing_detected_with_p_detect_zero():
    violated = one_world(True, True, dtype=bool)
    assert not observation.detected(violated, 0.0, np.zeros((1, 2, 2))).any()


def test_detection_diagonal_is_zero():
    violated = np.ones((4, 3), dtype=bool)
    seen = observation.detected(violated, 1.0, np.zeros((4, 3, 3)))
    assert not np.diagonal(seen, axis1=1, axis2=2).any()
    assert seen.sum() == 4 * 3 * 2


def test_a_lone_party_detects_nothing():
    assert not observation.detected(one_world(True, dtype=bool), 1.0, np.zeros((1, 1, 1))).any()


def test_false_alarms_with_probability_one_and_zero():
    u = np.zeros((1, 2, 2))
    assert_array_equal(observation.false_alarms(1.0, u), [[[False, True], [True, False]]])
    assert not observation.false_alarms(0.0, u).any()


def make_blame(p_mis=1.0, ties=((0.0,), (1.0,)), targets=((True, True),), attacked=True):
    """Two parties, one spoiler, uniform draws of 0 (anything with probability > 0 happens)."""
    return observation.blamed(one_world(attacked, dtype=bool), np.array(targets, dtype=bool),
                              np.array(ties), p_mis, np.zeros((1, 2, 2, 1)))


def test_attack_blamed_on_the_fully_tied_party():
    # victim north (0) blames south (1), the party tied to the spoiler; south never blames
    # itself and nobody blames the untied north
    assert_array_equal(make_blame(), [[[0, 1], [0, 0]]])


def test_no_blame_without_a_tie():
    assert not make_blame(ties=((0.0,), (0.0,))).any()


def test_no_blame_with_p_misattribution_zero():
    assert not make_blame(p_mis=0.0).any()


def test_no_blame_without_an_attack():
    assert not make_blame(attacked=False).any()


def test_the_victim_never_blames_itself():
    # only south is hit, and south is the party tied to the spoiler
    assert not make_blame(targets=((False, True),)).any()


def test_blame_counts_attacks_from_several_spoilers():
    u = np.zeros((1, 2, 2, 2))
    blame = observation.blamed(one_world(True, True, dtype=bool), np.ones((2, 2), dtype=bool),
                               np.array([[0.0, 0.0], [1.0, 1.0]]), 1.0, u)
    assert blame[0, 0, 1] == 2


# ----------------------------------------------------------------------------------- beliefs
def test_trust_grows_on_quiet_days_and_falls_per_hostile_act():
    trust = np.array([[[1.0, 0.5], [0.4, 1.0]]])
    perceived = np.array([[[0, 0], [2, 0]]])
    new = beliefs.update_trust(trust, perceived, build=arr(0.1, 0.2), loss=arr(0.5, 0.5))
    # north, quiet: 0.5 + 0.1 * (1 - 0.5) = 0.55; south, 2 acts: 0.4 * (1 - 0.5)^2 = 0.1
    assert_allclose(new, [[[1.0, 0.55], [0.1, 1.0]]])


def test_trust_with_full_build_and_full_loss():
    trust = np.array([[[1.0, 0.3], [0.3, 1.0]]])
    perceived = np.array([[[0, 1], [0, 0]]])
    new = beliefs.update_trust(trust, perceived, build=arr(1.0, 1.0), loss=arr(1.0, 1.0))
    assert_allclose(new, [[[1.0, 0.0], [1.0, 1.0]]])


def test_mean_trust_in_others_ignores_self_trust():
    trust = np.array([[[1.0, 0.2, 0.4], [0.6, 1.0, 0.0], [0.5, 0.5, 1.0]]])
    assert_allclose(beliefs.mean_trust_in_others(trust), [[0.3, 0.3, 0.5]])


def test_a_lone_party_trusts_fully():
    assert_array_equal(beliefs.mean_trust_in_others(np.ones((3, 1, 1)) * 0.2), np.ones((3, 1)))


def test_commitment_relaxes_toward_mean_trust():
    # north: 0.8 + 0.5 * (0.4 - 0.8) = 0.6; south has speed 0 and keeps 0.2
    new = beliefs.update_commitment(one_world(0.8, 0.2), one_world(0.4, 0.6), arr(0.5, 0.0))
    assert_allclose(new, [[0.6, 0.2]])


# ----------------------------------------------------------------------------------- brokers
def make_pressure(pressure, violated, leverage, decay=0.1, p_verify=1.0):
    P = len(pressure)
    return brokers.update_pressure(one_world(*pressure), one_world(*violated, dtype=bool),
                                   np.array([leverage]), decay, p_verify, np.zeros((1, 1, P)))


def test_pressure_decays_and_grows_with_verified_violations():
    # north: 0.9 * 0.5 = 0.45; south: 0 + 0.3
    assert_allclose(make_pressure([0.5, 0.0], [False, True], [0.3, 0.3]), [[0.45, 0.3]])


def test_pressure_is_clipped_at_one():
    assert_array_equal(make_pressure([0.9], [True], [0.5], decay=0.0), [[1.0]])


def test_unverified_violations_add_no_pressure():
    assert_allclose(make_pressure([0.5], [True], [0.5], p_verify=0.0), [[0.45]])


def test_full_decay_forgets_yesterday():
    assert_allclose(make_pressure([0.7, 0.7], [False, True], [0.2, 0.2], decay=1.0),
                    [[0.0, 0.2]])


def test_pressure_stays_in_unit_interval():
    u = np.random.default_rng(1).random((50, 3, 2))
    p = brokers.update_pressure(np.random.default_rng(2).random((50, 2)),
                                np.ones((50, 2), dtype=bool), np.full((3, 2), 1.0), 0.0, 0.9, u)
    assert p.min() >= 0.0 and p.max() <= 1.0


# ------------------------------------------------------------------------------------- talks
def test_talks_advance_only_when_everyone_is_at_the_table():
    # 0.2 + 0.1 * 0.8 * 0.5 * (1 - 0.5) = 0.22
    new = talks.advance(arr(0.2, 0.2), arr(True, False, dtype=bool), arr(0.5, 0.5),
                        rate=0.1, legitimacy=0.8, gap=0.5)
    assert_allclose(new, [0.22, 0.2])


def test_talks_progress_is_capped_at_one():
    assert_array_equal(talks.advance(arr(0.99), arr(True, dtype=bool), arr(1.0), 1.0, 1.0, 0.0),
                       [1.0])


def make_walkouts(in_talks, hostile7, u, threshold=3, p_walkout=1.0, p_return=1.0,
                  mean_trust=1.0):
    n = len(in_talks)
    return talks.walkouts(one_world(*in_talks, dtype=bool), one_world(*hostile7),
                          np.full(n, threshold), np.full(n, p_walkout), np.full(n, p_return),
                          np.full((1, n), mean_trust), one_world(*u))


def test_a_party_walks_out_at_the_threshold():
    in_talks, left = make_walkouts([True, True], [3, 2], [0.0, 0.0])
    assert_array_equal(in_talks, [[False, True]])
    assert_array_equal(left, [[True, False]])


def test_nobody_walks_out_with_p_walkout_zero():
    in_talks, left = make_walkouts([True], [50], [0.0], p_walkout=0.0)
    assert in_talks.all() and not left.any()


@pytest.mark.parametrize("u, back", [(0.4, True), (0.6, False)])
def test_return_is_scaled_by_trust(u, back):
    # returns when u < p_return * mean trust = 1.0 * 0.5
    in_talks, left = make_walkouts([False], [0], [u], mean_trust=0.5)
    assert bool(in_talks[0, 0]) is back
    assert not left.any()


def test_an_angry_party_does_not_return():
    in_talks, _ = make_walkouts([False], [3], [0.0])
    assert not in_talks.any()


# ------------------------------------------------------------------------------------ status
def test_first_actor():
    acts = np.array([[False, True, True], [False, False, False]])
    assert_array_equal(status.first_actor(acts), [1, -1])
    assert_array_equal(status.first_actor(np.zeros((2, 0), dtype=bool)), [-1, -1])


def test_incident_source_spoilers_first_then_parties_in_order():
    attacked = np.array([[False, True], [False, False], [False, False]])
    violated = np.array([[True, False, False], [False, True, True], [False, False, False]])
    # world 0: spoiler 1 -> code 3 + 1; world 1: party 1; world 2: no incident
    assert_array_equal(status.incident_source(attacked, violated, 3), [4, 1, -1])


@pytest.mark.parametrize("violent_days, violations_7d, away, withdrawn, expected, mode", [
    (3, 3, False, False, TruceStatus.HOLDING, CollapseMode.NONE),
    (3, 4, False, False, TruceStatus.IN_TROUBLE, CollapseMode.NONE),
    (0, 0, True, False, TruceStatus.IN_TROUBLE, CollapseMode.NONE),
    (10, 10, False, False, TruceStatus.COLLAPSED, CollapseMode.SUSTAINED_VIOLENCE),
    (0, 0, False, True, TruceStatus.COLLAPSED, CollapseMode.WITHDRAWAL),
    (10, 10, True, True, TruceStatus.COLLAPSED, CollapseMode.WITHDRAWAL),
])
def test_classify(violent_days, violations_7d, away, withdrawn, expected, mode):
    new, got_mode = status.classify(arr(violent_days), arr(violations_7d),
                                    arr(away, dtype=bool), arr(withdrawn, dtype=bool),
                                    trouble_thr=4, collapse_days=10)
    assert new[0] == expected
    assert got_mode[0] == mode
