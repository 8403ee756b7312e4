"""sim.bargaining: each protocol against answers known in closed form or computed by hand.

Shapes follow the package's convention: leading axis = worlds (W), then parties (P), then
issues (K). "Ideals 0 and 1" is the textbook pie: one issue, party 0 wants x = 0, party 1 wants
x = 1, so u_0 = 1 - x and u_1 = x are the two shares.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from sim.bargaining import (
    alternating_offers,
    compromise,
    mediator_proposal,
    nash_solution,
    nash_two_party_closed_form,
    negotiate,
    outside_option_share,
    renege,
    risk_limit,
    rubinstein_share,
    talks_step,
    utility,
    zeuthen,
)
from sim.bargaining.issues import as_worlds
from sim.bargaining.talks import initial_demands

PIE_IDEALS = np.array([[0.0], [1.0]])
ONE_ISSUE = np.ones((2, 1))

# Tolerances, each from the algorithm's step (on the pie u_0 = 1 - x, so terms and utilities
# share them):
# - Zeuthen concedes at least ``step`` of utility a round; the last two demands straddle the
#   Nash point and lie within one step of each other in each party's utility, so the
#   settlement is within ``step`` of it (plus the bisection's 2**-24 of the frontier).
ZEUTHEN_STEP = 2e-3
ZEUTHEN_TOL = ZEUTHEN_STEP + 1e-6
# - Mediated talks settle an issue once the demands lie within ``eps`` of each other, on
#   either side of the proposal: their mean is within eps / 2 of it, and so is a utility
#   (saliences sum to 1).
MEDIATED_TOL = 0.01 / 2
# - Alternating offers: the two stationary proposals have equal Nash products, so the Nash
#   solution lies between them, and each party's utility differs between them by
#   (1 - delta) u <= 1 - delta.
PATIENT = 0.995
ALTERNATING_TOL = 1 - PATIENT + 1e-9


def make_pie(*disagreements) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W one-issue pie worlds, one per (d_0, d_1) pair."""
    d = np.array(disagreements, dtype=float)
    W = len(d)
    return (np.broadcast_to(PIE_IDEALS, (W, 2, 1)), np.broadcast_to(ONE_ISSUE, (W, 2, 1)), d)


def make_random(seed: int, W: int, P: int, K: int, d_high: float = 0.6):
    """Random ideals, Dirichlet saliences and reservation values for W worlds."""
    rng = np.random.default_rng(seed)
    return (rng.uniform(size=(W, P, K)), rng.dirichlet(np.ones(K), size=(W, P)),
            rng.uniform(0.0, d_high, size=(W, P)))


def log_nash(u, d) -> np.ndarray:
    return np.log(u - d).sum(axis=-1)


def run_talks(ideals, salience, reservation, days=2000, pull=1.0, rate=0.05, **kw):
    """Days of talks_step with everyone at the table; returns (demands, agreed, terms, day)."""
    a, w, r = as_worlds(ideals, salience, reservation)
    x = initial_demands(a, a.shape[0])
    agreed, terms = None, None
    at = np.ones(r.shape, dtype=bool)
    for day in range(days):
        x, agreed, terms = talks_step(x, a, w, r, at, pull, rate, agreed, terms, **kw)
        if agreed.all():
            return x, agreed, terms, day
    return x, agreed, terms, -1


# ---------------------------------------------------------------------------------- Rubinstein
def test_equal_patience_gives_the_first_proposer_one_over_one_point_nine():
    assert_allclose(rubinstein_share(0.9, 0.9), 1 / 1.9)
    game = alternating_offers(0.9, 0.9, rounds=500)
    assert_allclose(game.share, [1 / 1.9], atol=1e-6)
    assert_array_equal(game.round, [0])


def test_asymmetric_patience_closed_form():
    expected = (1 - 0.8) / (1 - 0.95 * 0.8)
    assert_allclose(rubinstein_share(0.95, 0.8), expected)
    game = alternating_offers(0.95, 0.8, rounds=500)
    assert_allclose(game.share, [expected], atol=1e-6)
    assert game.agreed.all() and (game.round == 0).all()


def test_short_horizons_by_hand():
    # T = 1: an ultimatum, the proposer keeps all. T = 2: party 2 would keep all in round 1,
    # worth delta2 today, so party 1 keeps 1 - delta2. T = 3: 1 - delta2 (1 - delta1).
    assert_allclose(alternating_offers(0.9, 0.8, rounds=1).share, [1.0])
    assert_allclose(alternating_offers(0.9, 0.8, rounds=2).share, [1 - 0.8])
    assert_allclose(alternating_offers(0.9, 0.8, rounds=3).share, [1 - 0.8 * (1 - 0.9)])


def test_backward_induction_converges_to_the_closed_form_over_many_worlds():
    d1, d2 = np.meshgrid(np.linspace(0.3, 0.95, 14), np.linspace(0.3, 0.95, 14))
    game = alternating_offers(d1.ravel(), d2.ravel(), rounds=500)
    assert_allclose(game.share, rubinstein_share(d1.ravel(), d2.ravel()), atol=1e-6)
    assert (game.round == 0).all()


def test_more_patience_means_a_larger_share():
    share = alternating_offers(np.linspace(0.5, 0.99, 20), 0.9, rounds=2000).share
    assert (np.diff(share) > 0).all()
    other = alternating_offers(0.9, np.linspace(0.5, 0.99, 20), rounds=2000).share
    assert (np.diff(other) < 0).all()


def test_a_better_outside_option_never_lowers_the_share():
    o = np.linspace(0.0, 0.9, 46)
    own = alternating_offers(0.9, 0.9, o1=o, rounds=1000).share
    theirs = alternating_offers(0.9, 0.9, o2=o, rounds=1000).share
    assert (np.diff(own) >= -1e-12).all() and own[-1] > own[0]
    assert (np.diff(theirs) <= 1e-12).all() and theirs[-1] < theirs[0]


def test_outside_option_binds_only_when_it_beats_the_equilibrium_share():
    x = rubinstein_share(0.9, 0.9)                           # party 2 gets 1 - x = 0.4737
    assert_allclose(outside_option_share(0.9, 0.9, 0.0, 0.3), x)        # 0.3 < 0.47: idle
    assert_allclose(outside_option_share(0.9, 0.9, 0.0, 0.6), 1 - 0.6)  # binds: 2 gets 0.6
    assert_allclose(alternating_offers(0.9, 0.9, 0.0, 0.6, rounds=500).share, [0.4], atol=1e-9)


def test_finite_horizon_with_outside_options_matches_the_principle():
    rng = np.random.default_rng(0)
    d1, d2 = rng.uniform(0.5, 0.95, (2, 400))
    o1, o2 = rng.uniform(0.0, 0.7, (2, 400))
    game = alternating_offers(d1, d2, o1, o2, rounds=1000)
    closed = outside_option_share(d1, d2, o1, o2)
    assert_array_equal(game.agreed, ~np.isnan(closed))
    assert_allclose(game.share, closed, atol=1e-9)


def test_no_agreement_when_outside_options_exceed_the_pie():
    game = alternating_offers(0.9, 0.9, o1=[0.6, 0.5], o2=[0.5, 0.5], rounds=100)
    assert_array_equal(game.agreed, [False, True])
    assert_array_equal(game.round, [-1, 0])
    assert np.isnan(game.share[0])
    assert np.isnan(outside_option_share(0.9, 0.9, 0.6, 0.5))


# ---------------------------------------------------------------------------------- Nash
@pytest.mark.parametrize("method", ["frontier", "ascent"])
def test_nash_symmetric_pie_is_split_in_half(method):
    sol = nash_solution(PIE_IDEALS, ONE_ISSUE, [0.0, 0.0], method=method)
    assert_allclose(sol.x, [[0.5]], atol=1e-9)
    assert_allclose(nash_two_party_closed_form(0.0, 1.0, 0.0, 0.0), 0.5)


@pytest.mark.parametrize("method", ["frontier", "ascent"])
def test_nash_moves_toward_the_party_with_the_better_outside_option(method):
    # party 0 keeps (1 + d0 - d1) / 2 = 0.6, so x = 0.4
    a, w, d = make_pie((0.3, 0.1), (0.1, 0.3), (0.0, 0.8), (0.7, 0.4))
    sol = nash_solution(a, w, d, method=method)
    assert_allclose(sol.x[:3, 0], [0.4, 0.6, 0.9], atol=1e-9)
    assert_array_equal(sol.feasible, [True, True, True, False])
    assert np.isnan(sol.x[3]).all() and np.isnan(sol.utility[3]).all()


def test_two_party_solvers_match_the_closed_form_on_random_pies():
    rng = np.random.default_rng(1)
    a1, a2 = rng.uniform(size=(2, 300))
    d = rng.uniform(0.0, 1.0, size=(300, 2))
    closed = nash_two_party_closed_form(a1, a2, d[:, 0], d[:, 1])
    ideals = np.stack([a1, a2], axis=1)[..., None]
    for method in ("frontier", "ascent"):
        sol = nash_solution(ideals, np.ones((300, 2, 1)), d, method=method)
        assert_array_equal(sol.feasible, ~np.isnan(closed))
        assert_allclose(sol.x[:, 0], closed, atol=1e-6)


def test_nash_three_parties_one_issue():
    # ideals 0, 1, 1: maximise (1 - x) x^2, so x = 2/3
    sol = nash_solution([[0.0], [1.0], [1.0]], np.ones((3, 1)), [0.0, 0.0, 0.0])
    assert_allclose(sol.x, [[2 / 3]], atol=1e-6)


def test_nash_three_parties_two_issues_matches_a_grid_search():
    a, w, d = make_random(2, W=4, P=3, K=2, d_high=0.5)
    sol = nash_solution(a, w, d)
    g = np.linspace(0.0, 1.0, 401)
    grid = np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)
    for i in range(4):
        u = (w[i] * (1 - np.abs(grid[:, None, :] - a[i]))).sum(-1)
        v = u - d[i]
        best = np.where((v > 0).all(1), np.log(np.maximum(v, 1e-300)).sum(1), -np.inf).max()
        assert sol.feasible[i] == np.isfinite(best)
        if sol.feasible[i]:
            assert log_nash(sol.utility[i], d[i]) >= best - 1e-9


def test_nash_logrolls_each_party_wins_the_issue_it_cares_about():
    a = [[0.0, 0.0], [1.0, 1.0]]
    w = [[0.8, 0.2], [0.2, 0.8]]
    for method in ("frontier", "ascent"):
        assert_allclose(nash_solution(a, w, [0.0, 0.0], method=method).x, [[0.0, 1.0]],
                        atol=1e-6)


def test_ascent_matches_the_exact_frontier_solution_for_two_parties():
    a, w, d = make_random(3, W=100, P=2, K=3)
    exact = nash_solution(a, w, d, method="frontier")
    ascent = nash_solution(a, w, d, method="ascent")
    assert_array_equal(exact.feasible, ascent.feasible)
    assert_allclose(exact.utility, ascent.utility, atol=1e-6)


def test_nash_respects_agreed_issues():
    fixed = np.array([[True, False]])
    sol = nash_solution([[0.0, 0.0], [1.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]], [0.0, 0.0],
                        fixed=fixed, terms=np.array([[0.2, np.nan]]))
    assert sol.x[0, 0] == 0.2
    # u0 = 0.5 (0.8) + 0.5 (1 - y), u1 = 0.5 (0.2) + 0.5 y: the product peaks at y = 0.8
    assert_allclose(sol.x[0, 1], 0.8, atol=1e-6)


# ---------------------------------------------------------------------------------- Zeuthen
def test_risk_limit_by_hand():
    assert_allclose(risk_limit(1.0, 0.0, 0.3), 1 / 0.7)
    assert_allclose(risk_limit(0.8, 0.6, 0.4), 0.5)
    assert risk_limit(0.4, 0.2, 0.4) == np.inf


def test_zeuthen_converges_to_the_nash_solution_on_pies():
    a, w, d = make_pie((0.0, 0.0), (0.3, 0.1), (0.1, 0.45))
    result = zeuthen(a, w, d, step=ZEUTHEN_STEP)
    assert result.agreed.all()
    assert_allclose(result.x[:, 0], [0.5, 0.4, 0.675], atol=ZEUTHEN_TOL)


def test_zeuthen_converges_to_the_nash_solution_on_many_issues():
    a, w, d = make_random(4, W=60, P=2, K=3)
    result = zeuthen(a, w, d, step=ZEUTHEN_STEP)
    nash = nash_solution(a, w, d)
    assert_array_equal(result.agreed, nash.feasible)
    assert_allclose(result.utility, nash.utility, atol=ZEUTHEN_TOL)


def test_the_party_with_the_lower_risk_limit_concedes_first():
    # opening demands at the ideals: rho_0 = 1 / 0.7 > rho_1 = 1 / 0.9, so party 1 concedes
    result = zeuthen(PIE_IDEALS, ONE_ISSUE, [0.3, 0.1], trace=True)
    first, second = result.path[0], result.path[1]
    assert_array_equal(first[0, 0, 0], second[0, 0, 0])  # party 0's demand unchanged
    assert second[0, 1, 1] < first[0, 1, 1]              # party 1 asks for less


def test_zeuthen_never_concedes_below_disagreement():
    a, w, d = make_random(5, W=30, P=2, K=2, d_high=0.7)
    result = zeuthen(a, w, d, step=2e-3, trace=True)
    own = np.stack([result.path[:, :, 0, 0], result.path[:, :, 1, 1]], axis=-1)
    live = result.agreed
    assert (own[:, live] >= d[live] - 1e-9).all()
    assert (result.utility[live] >= d[live] - 1e-9).all()


def test_zeuthen_empty_zone_means_no_agreement():
    result = zeuthen(PIE_IDEALS, ONE_ISSUE, [0.6, 0.5])
    assert not result.agreed[0] and result.rounds[0] == -1 and np.isnan(result.x).all()


# ---------------------------------------------------------------------------------- talks_step
def test_symmetric_talks_with_a_neutral_mediator_reach_the_nash_solution():
    for method in ("nash", "compromise"):
        _, agreed, terms, day = run_talks([[0.0, 0.0], [1.0, 1.0]], np.full((2, 2), 0.5),
                                          [0.2, 0.2], method=method)
        assert agreed.all() and day > 0
        assert_allclose(terms, [[0.5, 0.5]], atol=MEDIATED_TOL)


def test_talks_reach_the_nash_solution_of_the_reservation_values():
    a, w, r = make_random(6, W=20, P=2, K=2, d_high=0.4)
    nash = nash_solution(a, w, r)
    _, agreed, terms, _ = run_talks(a, w, r)
    live = nash.feasible
    assert agreed[live].all()
    assert_allclose(utility(terms[live], a[live], w[live]), nash.utility[live], atol=MEDIATED_TOL)


def test_the_party_with_the_lower_risk_limit_concedes_more():
    # m = 0.5; rho_0 = 0.5 / 0.6 and rho_1 = 0.5 / 0.9; alpha_i = 0.1 * (1 - rho_i)
    new = talks_step(initial_demands(PIE_IDEALS, 1), PIE_IDEALS, ONE_ISSUE, [[0.4, 0.1]],
                     [[True, True]], 1.0, 0.1, proposal=np.array([[0.5]]))
    assert_allclose(new.demands[0, :, 0], [0.1 * (1 / 6) * 0.5, 1 - 0.1 * (4 / 9) * 0.5])
    half = talks_step(initial_demands(PIE_IDEALS, 1), PIE_IDEALS, ONE_ISSUE, [[0.4, 0.1]],
                      [[True, True]], 0.5, 0.1, proposal=np.array([[0.5]]))
    assert_allclose(half.demands[0, 0, 0], new.demands[0, 0, 0] / 2)


def test_a_walkout_freezes_demands_and_blocks_agreement():
    x = np.array([[[0.2, 0.5], [0.9, 0.505]]])
    new = talks_step(x, [[0.0, 0.5], [1.0, 0.5]], np.full((2, 2), 0.5), [[0.1, 0.1]],
                     [[True, False]], 1.0, 0.1)
    assert_array_equal(new.demands[0, 1], x[0, 1])
    assert new.demands[0, 0, 0] > 0.2            # the party still at the table concedes
    assert not new.agreed.any() and np.isnan(new.terms).all()


def test_partial_agreement_freezes_one_issue_while_another_stays_open():
    x = np.array([[[0.2, 0.499], [0.9, 0.503]]])
    a, w = [[0.0, 0.4], [1.0, 0.6]], np.full((2, 2), 0.5)
    first = talks_step(x, a, w, [[0.1, 0.1]], [[True, True]], 1.0, 0.05)
    assert_array_equal(first.agreed, [[False, True]])
    assert_allclose(first.terms[0, 1], 0.501, atol=1e-3) and np.isnan(first.terms[0, 0])
    later = talks_step(first.demands, a, w, [[0.1, 0.1]], [[True, True]], 1.0, 0.05,
                       first.agreed, first.terms)
    assert later.demands[0, 0, 1] == later.demands[0, 1, 1] == first.terms[0, 1]
    assert not later.agreed[0, 0]


def test_the_whole_package_is_agreed_when_everyone_accepts_the_proposal():
    # own demands worth 0.51 to each; 0.98 * 0.51 = 0.4998 <= u(m) = 0.5, so both accept m
    x = np.array([[[0.49], [0.51]], [[0.49], [0.52]]])   # world 1: 0.98 * 0.52 > 0.5
    new = talks_step(x, PIE_IDEALS, ONE_ISSUE, [[0.2, 0.2]] * 2, [[True, True]] * 2, 1.0, 0.0,
                     proposal=np.array([[0.5], [0.5]]), discount=0.98)
    assert_array_equal(new.agreed, [[True], [False]])
    assert_allclose(new.terms[0], [0.5])
    assert_array_equal(new.demands[0], [[0.5], [0.5]])


@pytest.mark.parametrize("harden_rate, expected", [(1.0, 0.3), (0.1, 0.45)])
def test_a_party_that_gains_on_the_ground_hardens(harden_rate, expected):
    # ideal 0, demand 0.5 (u = 0.5), r jumps to 0.7: full restoration is t = 0.2 / 0.5 = 0.4
    x = np.array([[[0.5], [0.6]]])
    new = talks_step(x, PIE_IDEALS, ONE_ISSUE, [[0.7, 0.1]], [[True, True]], 1.0, 0.05,
                     harden_rate=harden_rate, method="compromise")
    assert_allclose(new.demands[0, 0, 0], expected)
    assert new.demands[0, 1, 0] < 0.6         # the other party keeps conceding


def test_talks_step_is_deterministic():
    a, w, r = make_random(7, W=8, P=3, K=2)
    x = initial_demands(a, 8)
    at = np.random.default_rng(7).uniform(size=(8, 3)) < 0.8
    first = talks_step(x, a, w, r, at, 0.7, 0.1)
    again = talks_step(x.copy(), a.copy(), w.copy(), r.copy(), at.copy(), 0.7, 0.1)
    for left, right in zip(first, again):
        assert_array_equal(left, right)


def test_many_worlds_at_once_equal_one_world_at_a_time():
    a, w, r = make_random(8, W=6, P=3, K=2)
    rng = np.random.default_rng(8)
    x = np.clip(a + rng.normal(0, 0.3, a.shape), 0, 1)
    at = rng.uniform(size=(6, 3)) < 0.8
    agreed = rng.uniform(size=(6, 2)) < 0.3
    terms = np.where(agreed, rng.uniform(size=(6, 2)), np.nan)
    pull = rng.uniform(size=6)
    batch = talks_step(x, a, w, r, at, pull, 0.1, agreed, terms)
    for i in range(6):
        one = talks_step(x[i:i + 1], a[i:i + 1], w[i:i + 1], r[i:i + 1], at[i:i + 1], pull[i],
                         0.1, agreed[i:i + 1], terms[i:i + 1])
        for left, right in zip(batch, one):
            assert_allclose(left[i:i + 1], right, atol=1e-9)


def test_the_proposal_falls_back_to_the_compromise_when_the_zone_is_empty():
    a, w = [[0.0], [1.0]], ONE_ISSUE
    assert_allclose(mediator_proposal(a, w, [[0.6, 0.6]]), compromise(*as_worlds(a, w)))
    assert_allclose(mediator_proposal(a, w, [[0.3, 0.1]]), [[0.4]])


# ---------------------------------------------------------------------------------- renege
def test_renege_probability_by_hand():
    terms = np.array([[0.5], [0.5], [np.nan]])
    p = renege(terms, PIE_IDEALS, ONE_ISSUE, [[0.7, 0.4], [0.7, 0.4], [0.9, 0.9]],
               guarantee=np.array([0.0, 1.0, 0.0]), rate=2.0)
    assert_allclose(p, [[1 - np.exp(-2 * 0.2), 0.0], [0.0, 0.0], [0.0, 0.0]])


def test_renege_rises_with_the_gap_and_falls_with_the_guarantee():
    r = np.stack([np.linspace(0.5, 1.0, 6), np.zeros(6)], axis=1)
    p = renege(np.full((6, 1), 0.5), PIE_IDEALS, ONE_ISSUE, r)[:, 0]
    assert p[0] == 0 and (np.diff(p) > 0).all()
    g = renege(np.full((6, 1), 0.5), PIE_IDEALS, ONE_ISSUE, r, guarantee=0.5)[:, 0]
    assert_allclose(g, p / 2)


# ---------------------------------------------------------------------------------- negotiate
def test_every_protocol_splits_a_symmetric_pie_in_half():
    for protocol in ("zeuthen", "mediated"):
        out = negotiate(PIE_IDEALS, ONE_ISSUE, [0.0, 0.0], protocol=protocol, step=ZEUTHEN_STEP)
        assert bool(out.agreed)
        assert_allclose(out.terms, [0.5], atol=max(ZEUTHEN_TOL, MEDIATED_TOL))
    out = negotiate(PIE_IDEALS, ONE_ISSUE, [0.0, 0.0], protocol="alternating", discount=0.99)
    assert_allclose(out.terms, [1 - rubinstein_share(0.99, 0.99)], atol=1e-9)
    assert out.round == 0


def test_negotiate_reports_terms_utilities_and_concessions():
    out = negotiate(PIE_IDEALS, ONE_ISSUE, [0.3, 0.1], protocol="zeuthen", step=ZEUTHEN_STEP)
    assert out.terms.shape == (1,) and out.utility.shape == (2,)
    assert_allclose(out.terms, [0.4], atol=ZEUTHEN_TOL)
    assert_allclose(out.utility, [0.6, 0.4], atol=ZEUTHEN_TOL)
    assert_allclose(out.concession, [0.4, 0.6], atol=ZEUTHEN_TOL)
    assert set(out.as_dict()) == {"protocol", "agreed", "round", "terms", "utility",
                                  "concession"}


def test_alternating_offers_with_patient_parties_approach_the_nash_solution():
    a, w, _ = make_random(9, W=10, P=2, K=2)
    out = negotiate(a, w, np.zeros((10, 2)), protocol="alternating", discount=PATIENT)
    nash = nash_solution(a, w, np.zeros((10, 2)))
    assert out.agreed.all() and (out.round == 0).all()
    assert_allclose(out.utility, nash.utility, atol=ALTERNATING_TOL)


def test_alternating_outside_options_follow_the_principle():
    out = negotiate(PIE_IDEALS, ONE_ISSUE, np.array([[0.0, 0.6], [0.6, 0.5]]),
                    protocol="alternating", discount=0.9)
    assert_array_equal(out.agreed, [True, False])
    assert_allclose(out.terms[0], [0.6], atol=1e-9)   # party 1's option binds: it gets 0.6
    assert out.round[1] == -1 and np.isnan(out.utility[1]).all()


def test_mediated_talks_handle_three_parties_and_two_party_protocols_refuse_them():
    a = [[0.0, 0.2, 1.0], [1.0, 0.5, 0.0], [0.4, 1.0, 0.6]]
    w = [[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6]]
    out = negotiate(a, w, [0.5, 0.5, 0.5], protocol="mediated")
    nash = nash_solution(a, w, [0.5, 0.5, 0.5])
    assert out.agreed
    assert_allclose(out.utility, nash.utility[0], atol=MEDIATED_TOL)
    with pytest.raises(ValueError, match="two-party"):
        negotiate(a, w, [0.5, 0.5, 0.5], protocol="zeuthen")
    with pytest.raises(ValueError, match="protocol"):
        negotiate(a, w, [0.5, 0.5, 0.5], protocol="auction")


# ---------------------------------------------------------------------------------- properties
@st.composite
def issue_spaces(draw, max_parties: int = 4, max_issues: int = 3):
    """(ideals, salience, reservation) for a few worlds; saliences sum to 1 per party."""
    W = draw(st.integers(1, 3))
    P = draw(st.integers(2, max_parties))
    K = draw(st.integers(1, max_issues))
    unit = st.floats(0.0, 1.0)
    a = draw(hnp.arrays(float, (W, P, K), elements=unit))
    raw = draw(hnp.arrays(float, (W, P, K), elements=unit)) + 1e-3
    r = draw(hnp.arrays(float, (W, P), elements=unit))
    return a, raw / raw.sum(axis=-1, keepdims=True), r


@given(issue_spaces(), st.data())
def test_utilities_lie_in_the_unit_interval(space, data):
    a, w, _ = space
    x = data.draw(hnp.arrays(float, (a.shape[0], a.shape[2]), elements=st.floats(0.0, 1.0)))
    u = utility(x, a, w)
    assert ((u >= -1e-12) & (u <= 1 + 1e-12)).all()


@given(issue_spaces(), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_talks_keep_demands_in_range_and_concessions_never_pay(space, pull, rate, seed):
    a, w, r = space
    rng = np.random.default_rng(seed)
    x, agreed, terms = initial_demands(a, a.shape[0]), None, None
    for _ in range(8):
        at = rng.uniform(size=r.shape) < 0.8
        before = utility(x, a, w)
        x, new_agreed, terms = talks_step(x, a, w, r, at, pull, rate, agreed, terms)
        after = utility(x, a, w)
        assert not np.isnan(x).any() and ((x >= 0) & (x <= 1)).all()
        assert (after <= 1 + 1e-12).all()
        conceding = at & (before >= r) & ~new_agreed.any(axis=1)[:, None]
        assert (after[conceding] <= before[conceding] + 1e-9).all()
        assert agreed is None or (new_agreed >= agreed).all()   # agreed issues stay agreed
        assert np.isfinite(terms[new_agreed]).all() and np.isnan(terms[~new_agreed]).all()
        agreed = new_agreed


@given(issue_spaces(max_parties=3))
def test_the_nash_solution_is_feasible_where_it_exists(space):
    a, w, r = space
    sol = nash_solution(a, w, r * 0.9)
    live = sol.feasible
    assert not np.isnan(sol.x[live]).any()
    assert (sol.utility[live] >= r[live] * 0.9 - 1e-9).all()
    assert np.isnan(sol.x[~live]).all()
