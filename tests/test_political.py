"""The political track inside the model: agreements, walkouts, hardening, reneging, guarantees."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sim
from sim.model import TruceModel

ROOT = Path(__file__).resolve().parents[1]
LAKELAND = ROOT / "scenarios/lakeland_teaching.yaml"


def make_lakeland(*overrides: str):
    return sim.load(LAKELAND, list(overrides))


def test_agreements_are_reached_with_terms_in_range():
    worlds = sim.run(make_lakeland(), worlds=500, seed=1).worlds
    agreed = worlds["day_agreement"] >= 0
    # "most worlds reach an agreement", at 3 standard errors: SE = sqrt(p (1 - p) / 500), at
    # most 0.022, so the share must exceed 0.5 + 3 SE (it is 0.93 at this seed, SE 0.011)
    p = agreed.mean()
    assert p - 3 * np.sqrt(p * (1 - p) / len(worlds)) > 0.5
    assert (worlds.loc[agreed, "day_agreement"] >= 7).all()  # talks open on day 7
    for col in ("terms_lake_districts", "terms_power_sharing"):
        assert worlds.loc[agreed, col].between(0, 1).all()


def test_logrolling_gives_each_side_its_salient_issue():
    # Highland weighs the lake districts 2:1 (ideal 0.9), the River Alliance power sharing 2:1
    # (ideal 0.9); with linear utilities the Nash proposal is the frontier's corner (0.9, 0.9):
    # each side wins the issue it cares most about. Talks settle an issue within eps / 2 =
    # 0.005 of the proposal (docs/bargaining.md), so in the typical world the terms are 0.9 to
    # within 0.005; where hardening moves the proposal off the corner (~5% of worlds here) the
    # winner still gets more than half the way: above the midpoint of the two sides' ideals.
    worlds = sim.run(make_lakeland(), worlds=300, seed=2).worlds
    agreed = worlds["day_agreement"] >= 0
    for issue, loser_ideal in (("lake_districts", 0.1), ("power_sharing", 0.2)):
        terms = worlds.loc[agreed, f"terms_{issue}"]
        assert abs(terms.median() - 0.9) <= 0.005, issue
        assert (terms > (0.9 + loser_ideal) / 2).all(), issue


def test_no_agreement_while_a_party_is_away():
    scn = make_lakeland("talks.start_day=0", "actors.river_alliance.behaviour.p_return=0",
                        "events=[{day: 0, actor: river_alliance, action: walkout}]")
    worlds = sim.run(scn, worlds=200, seed=3, days=150).worlds
    assert (worlds["day_agreement"] < 0).all()
    assert (worlds["talks_rounds"] == 0).all()


def test_an_empty_zone_of_agreement_gives_no_agreement():
    scn = make_lakeland("actors.highland.bargaining.reservation=0.95",
                        "actors.river_alliance.bargaining.reservation=0.95")
    worlds = sim.run(scn, worlds=200, seed=4).worlds
    assert (worlds["day_agreement"] < 0).all()


def test_hardening_raises_the_reservation_of_a_side_that_gains():
    from sim.rules.talks import reservation

    p = TruceModel(make_lakeland("actors.highland.bargaining.hardening=1"), 1).fixed
    # Highland violated every day of the week, unanswered: adv = 7 / 7 = 1, r = clip(0.5 + 1)
    assert reservation(p.reservation[0], p.hardening[0], 7, 0, 7) == 1.0
    assert reservation(p.reservation[1], p.hardening[1], 0, 0, 7) == 0.45  # River: its base
    assert reservation(p.reservation[0], p.hardening[0], 3, 5, 7) == p.reservation[0]  # losing


def test_the_kernel_keeps_the_week_of_own_violations_and_todays_reservations():
    model = TruceModel(make_lakeland("actors.highland.bargaining.hardening=1",
                                     "actors.river_alliance.bargaining.hardening=0.5"), 300,
                       seed=5)
    for _ in range(30):
        model.step()
    s, p = model.state, model.params
    assert (s.own7 == s.own_ring.sum(axis=0)).all() and s.own7.max() > 0
    alive = s.day_collapse < 0  # (the talks freeze when the truce collapses)
    adv = np.clip((s.own7 - s.hostile7) / 7, 0.0, 1.0)[alive]
    assert alive.sum() > 100
    assert np.array_equal(s.reservation_today[alive],
                          np.clip(p.reservation + p.hardening * adv, 0, 1))
    assert (s.reservation_today > p.reservation).any()  # some side gained on the ground


def test_a_guarantee_stops_reneging():
    # Deals are reneged on when fighting pays more than the terms: make every party prone to it.
    base = ["actors.highland.bargaining.p_renege=1", "actors.river_alliance.bargaining.p_renege=1",
            "actors.highland.bargaining.hardening=1",
            "actors.river_alliance.bargaining.hardening=1",
            "actors.highland.bargaining.reservation=0.6",
            "actors.river_alliance.bargaining.reservation=0.6"]
    scn = make_lakeland(*base)
    plain = sim.run(scn, "baseline", worlds=1000, seed=6).worlds
    guaranteed = sim.run(scn, "guaranteed_deal", worlds=1000, seed=6).worlds
    reneged = (plain["reneged_by"] != "").mean()
    # 1,000 paired worlds: the share reneging (about half at seed 6) has SE <= sqrt(0.25/1000)
    # = 0.016, so > 0.3 is a margin of over 10 SE; the guarantee is in force from day 0, so
    # reneging must vanish entirely, not just fall.
    assert reneged > 0.3
    assert (guaranteed["reneged_by"] == "").all()
    assert (plain.loc[plain["reneged_by"] != "", "collapse_mode"] == "withdrawal").all()


def test_concessions_are_utilities_given_up():
    worlds = sim.run(make_lakeland(), worlds=100, seed=7).worlds
    for party in ("highland", "river_alliance"):
        assert worlds[f"concession_{party}"].between(0, 1).all()


def test_run_summary_reports_the_talks():
    summary = sim.run(make_lakeland(), worlds=200, seed=8).summary
    assert 0 < summary["agreement"]["share"] <= 1
    assert summary["median_day_agreement"] is not None
    assert set(summary["mean_terms_if_agreed"]) == {"lake_districts", "power_sharing"}


def test_kept_proposals_equal_a_fresh_computation():
    # The day remakes a world's proposal only when its reservation values or agreed issues
    # change; after a year of talks every world's proposal must be what the mediator would
    # table now.
    from sim.bargaining import mediator_proposal

    model = TruceModel(make_lakeland(), 600, seed=9)
    while model.running:
        model.step()
    s, p = model.state, model.params
    fresh = mediator_proposal(p.ideals, p.salience, s.proposed_for, s.agreed, s.terms,
                              weight=p.bargaining_power)
    # compare where a proposal was made for today's agreed issues: not in worlds that never
    # had one, nor where an issue was agreed on the last day (re-proposed the next morning)
    made = (s.proposed_for >= 0).all(axis=1) & ~s.newly_agreed
    assert made.sum() > 300
    assert np.array_equal(s.proposal[made], fresh[made])
    assert s.agreed[made].any() and (~s.agreed[made]).any()  # both kinds exercised
