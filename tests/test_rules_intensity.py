"""Violations with a size (sim.rules.intensity): the rule by hand, then in the model."""

from __future__ import annotations

import pytest

from sim.rules import intensity
from sim.runner import run
from tests.factories import make_party, make_scenario
from tests.test_schema_errors import edited, line_of, one_problem


@pytest.mark.parametrize("violated, k, p_opp, opp, seen, all_out, expected", [
    (False, 10, 0.9, True, 5, True, 0),  # no violation, no incidents
    (True, 10, 0.9, False, 0, True, 10),  # an offensive, or a party at war: the largest
    (True, 10, 0.25, True, 0, False, 3),  # opportunistic: ceil(10 x 0.25) = 3
    (True, 10, 0.0001, True, 0, False, 1),  # at least one incident
    (True, 10, 0.2, False, 4, False, 4),  # retaliation in kind
    (True, 3, 0.2, False, 7, False, 3),  # ... up to its largest
    (True, 1, 0.99, True, 7, False, 1),  # K = 1: every violation is one incident
])
def test_size(violated, k, p_opp, opp, seen, all_out, expected):
    assert intensity.size(violated, k, p_opp, opp, seen, all_out) == expected


@pytest.mark.parametrize("today, threshold, expected", [(9, 10, False), (10, 10, True),
                                                        (500, 0, False)])
def test_offensive(today, threshold, expected):
    assert intensity.is_offensive(today, threshold) is expected


def make_sized(south_policy="always_comply", k=1, offensive=0, events=(), horizon=30):
    return make_scenario(
        make_party("north", policy="always_comply"),
        make_party("south", policy=south_policy, behaviour={"max_incidents": k}),
        horizon=horizon, truce={"offensive_incidents": offensive},
        events=[{"day": d, "actor": a, "action": "violate"} for d, a in events],
        information={"p_detect": 1.0, "p_false_alarm": 0.0, "noise": 0.0})


def test_a_major_offensive_ends_the_truce_at_once():
    """South is surely a tactical signer, and north surely believes it committed: it strikes
    on day 0 with its largest violation (20 incidents), which ends the truce that day, dated
    that day. A scripted single violation (1 incident) does not."""
    scn = make_scenario(
        make_party("north", policy="always_comply"),
        make_party("south", commitment=0.0, behaviour={"max_incidents": 20},
                   intent={"types": {"tactical": 1.0}, "tactical_gain": 1.0}),
        truce={"offensive_incidents": 20},
        beliefs={"enabled": True, "prior_committed": 1.0})
    worlds = run(scn, worlds=20, seed=1).worlds
    assert (worlds["collapse_mode"] == "offensive").all()
    assert (worlds["day_collapse"] == worlds["day_collapse_confirmed"]).all()
    assert (worlds["day_collapse"] <= 2).all()
    assert (worlds["collapse_cause"] == "south").all()
    assert (worlds["collapse_incidents"] == 20).all()
    scattered = run(make_sized("always_comply", k=1, offensive=20, events=[(2, "south")]),
                    worlds=20, seed=1).worlds
    assert not scattered["is_collapsed"].any()


def test_retaliation_in_kind_matches_the_size_it_saw():
    """North (always violates with 1 incident: a fixed policy) provokes south (tit for tat,
    up to 6): south answers with what it saw, 1 incident a day, so the daily series counts 2
    incidents a day from day 1."""
    res = run(make_sized("tit_for_tat", k=6), worlds=10, seed=2)
    assert (res.daily["incidents_per_world"].iloc[1:5] <= 2).all()


def test_sizes_off_leave_the_results_alone():
    a = run(make_sized("tit_for_tat"), worlds=50, seed=3).worlds
    assert (a["collapse_incidents"][a["is_collapsed"]] >= 1).all()
    assert (a["collapse_incidents"][~a["is_collapsed"]] == -1).all()


def test_a_size_out_of_range_is_located(tmp_path):
    text = edited("stances: {commitment: 0.7}", "stances: {commitment: 0.7}\n"
                  "    behaviour: {max_incidents: 0}")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (line_of(text, "max_incidents"),
                                         "actors.south.behaviour.max_incidents", 0)
