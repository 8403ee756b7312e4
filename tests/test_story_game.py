"""Stories of brokers who decide and of a battlefield that moves (issue 19): what a broker chose
and why, and who gained ground, from the event log (sim.events) to the sentence (sim.story)."""

from __future__ import annotations

from sim.events import What
from sim.model import TruceModel
from sim.story import Narrator, tell
from tests.factories import (
    make_broker,
    make_party,
    make_quiet_scenario,
    make_scenario,
    make_spoiler,
)

PERFECT_SIGHT = {"p_detect": 1.0, "p_false_alarm": 0.0, "noise": 0.0}


def make_patron_scenario(horizon: int = 20, battlefield: dict | None = None, **interests):
    """North violates every day, south never; a patron of north with a large stake in it and
    no choice noise, so that its choices follow from its utility alone."""
    backer = make_broker("backer", role="patron", clients=["north"])
    backer["interests"] = {"stake": 0.9, "truce_value": 0.1, "enforcement_cost": 0.1,
                           "choice_spread": 0.0, **interests}
    sections = {"battlefield": battlefield} if battlefield else {}
    return make_scenario(make_party("north", policy="always_violate"),
                         make_party("south", policy="always_comply"), backer,
                         horizon=horizon, information=PERFECT_SIGHT, **sections)


def events_of(scn, what: What):
    model = TruceModel(scn, 1, 0, log_worlds=[0]).run()
    return [e for e in model.event_log.events if e.what is what]


def test_a_patron_shields_its_client_after_the_clients_violations_and_says_why():
    # day 0: no record, every utility 0, the first allowed action (press) is chosen;
    # day 7: x_c = 7/7 = 1, x = 7/14 = 0.5: U(press) = 0.0 * 0.5 - 0.9 = -0.9,
    # U(shield) = (0.9 - 0.1) * 1 = 0.8, U(stay_out) = 0: shield
    scn = make_patron_scenario(actions=["press", "shield", "stay_out"])
    chose = events_of(scn, What.BROKER)
    assert [(e.day, e.detail, e.why, e.count) for e in chose] == [
        (7, "shield", "client_violated", 7)]
    assert Narrator(scn).sentence(chose[0]) == (
        "Backer shields North from the others' pressure after North broke the truce on "
        "7 days last week")


def test_a_broker_that_stays_out_in_a_calm_week_says_so():
    # both parties comply: x = x_c = 0 every week; U(press) = U(shield) = U(stay_out) = 0 and
    # U(reward) = (0.1 - 0.1) / 2 = 0, so press (the first) stays chosen: no event; with only
    # reward and stay_out allowed and value above cost, U(reward) = 0.4 / 2 > 0 from day 0
    calm = make_quiet_scenario(horizon=15).model_dump(mode="json", exclude_unset=True)
    backer = make_broker("backer", role="patron", clients=["north"])
    backer["interests"] = {"truce_value": 0.5, "enforcement_cost": 0.1, "choice_spread": 0.0,
                           "actions": ["reward", "stay_out"]}
    scn = make_scenario(*calm["actors"], backer, horizon=15, information=PERFECT_SIGHT)
    chose = events_of(scn, What.BROKER)
    assert [(e.day, e.detail, e.why) for e in chose] == [(0, "reward", "start")]
    assert Narrator(scn).sentence(chose[0]) == "Backer rewards compliance"


def test_the_battlefield_shift_is_told_once_from_the_gainers_side():
    # decisiveness 1, strengths 0.9 and 0.1: north's share 0.9; shift_rate 1 moves control to
    # the share on the first day of fighting (day 0); attrition wears both alike, so the share
    # and control stay at 0.9 and nothing more is told
    scn = make_patron_scenario(battlefield={
        "control": {"north": 0.5, "south": 0.5}, "strength": {"north": 0.9, "south": 0.1},
        "shift_rate": 1.0, "decisiveness": 1.0}, actions=["press", "stay_out"])
    moved = events_of(scn, What.BATTLEFIELD)
    assert [(e.day, e.actor) for e in moved] == [(0, "north")]
    assert moved[0].value == 0.9
    assert Narrator(scn).sentence(moved[0]) == (
        "North gains ground: it now holds 90% of the contested ground")


def test_a_broker_fighting_for_the_gainer_is_named_and_the_shift_is_a_turning_point():
    scn = make_patron_scenario(battlefield={
        "control": {"north": 0.5, "south": 0.5}, "strength": {"north": 0.5, "south": 0.5},
        "shift_rate": 1.0, "decisiveness": 1.0}, actions=["fight"])
    story = tell(scn)
    fought = [e for e in story.events if e.what is What.BROKER]
    assert [(e.day, e.detail) for e in fought] == [(0, "fight")]
    moved = [e for e in story.events if e.what is What.BATTLEFIELD]
    assert moved and moved[0].detail == "backer"
    said = Narrator(scn).sentence(moved[0])
    assert said.endswith("of the contested ground, with Backer fighting for it")
    assert f"day {moved[0].day}: " in story.summary[-1] and said in story.summary[-1]


def test_without_brokers_interests_or_a_battlefield_nothing_new_is_logged():
    model = TruceModel(make_quiet_scenario("always_violate", horizon=20), 1, 0,
                       log_worlds=[0]).run()
    whats = {e.what for e in model.event_log.events}
    assert What.VIOLATION in whats  # the log is not empty
    assert not whats & {What.BROKER, What.BATTLEFIELD, What.BELIEF}


def test_a_broker_joins_the_fighting_against_spoilers_after_their_attacks():
    # raiders strike every day, the parties always comply: x = x_c = 0, a = 7 / 7 = 1 from day
    # 7 on (0 on day 0); with stake 0, aim 1, V = C = 0.1: U(fight) = a - 0.1 - 0.1, which is
    # -0.2 on day 0 (stay out) and 0.8 on day 7 (fight), the spoilers' term the only one > 0
    raiders = make_spoiler("raiders", p_attack=1.0, provocation=0.0, targets=["north", "south"])
    raiders["capability"] = 1.0
    backer = make_broker("backer", role="patron", clients=["north"])
    backer["interests"] = {"stake": 0.0, "counter_terrorism": 1.0, "truce_value": 0.1,
                           "enforcement_cost": 0.1, "choice_spread": 0.0,
                           "actions": ["fight", "stay_out"]}
    scn = make_scenario(make_party("north", policy="always_comply"),
                        make_party("south", policy="always_comply"), backer, raiders,
                        horizon=15, information=PERFECT_SIGHT)
    chose = events_of(scn, What.BROKER)
    assert [(e.day, e.detail, e.why, e.count) for e in chose] == [
        (0, "stay_out", "start", None), (7, "fight", "spoilers", 7)]
    assert Narrator(scn).sentence(chose[1]) == (
        "Backer joins the fighting for North after spoilers struck on 7 days last week "
        "(counter-terrorism)")
