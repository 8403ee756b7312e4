"""Interventions: every kind inherits the same contract (Axelrod's base test class), plus the
standard library, strategy-level scripted events, Syria's as_happened record and the
cross-reference checks of interventions that name actors.

The contract, for each of the nine kinds:
  a. the same seed gives the same worlds;
  b. its trigger fires exactly when its condition holds (checked against the model's state
     before each day, recomputed here from the raw state) and respects duration, cooldown and
     budget (checked against a reference schedule written from docs/model.md section 10.1);
  c. a trigger that never holds leaves every world and every daily figure exactly as in the
     baseline (common random numbers), and so does a version of the kind that is active every
     day in every world with parameters that change nothing (strength 0, multiplier 1, ...):
     acting must not draw random numbers that shift another mechanism's;
  d. the effect moves its outcomes in the expected direction, on paired worlds;
  e. its cost is cost_per_activation x activations + cost_per_day x active days before collapse.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import ClassVar

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from sim.model import TruceModel
from sim.runner import run
from sim.scenario import ScenarioError, load, validate
from sim.state import TruceStatus
from sim.strategies import STANDARD, available, resolve
from tests.factories import (
    make_fragile_scenario,
    make_fragile_scenario_data,
    make_quiet_scenario,
)

SCENARIOS = "scenarios"
HORIZON = 150
SEED = 7
# Statistical arithmetic. Worlds are paired (same seed, so the same uniforms), and each test
# takes the per-world difference d = outcome(strategy) - outcome(baseline). With n = 2000
# worlds the standard error of mean(d) is SD(d)/sqrt(2000) = SD(d)/44.7. In a pilot (seed 1,
# same scenario) SD(d) ranged from 0.05 (talks progress) to 28 days (survival), and the
# smallest effect was 8 SE (leader diplomacy: +2.2 days of survival, SD 12.3, SE 0.27). The
# one-sided test "mean(d) > 3 SE" has a 0.13% false-positive rate under no effect and power ~1
# against effects of the pilot's size; it would detect, e.g., 0.8 days of survival at SD 12.
N_STAT = 2000
Z_MIN = 3.0

OUTCOMES = {
    "survival_days": lambda w: w["survival_days"],
    "violations": lambda w: w["violations_north"] + w["violations_south"],
    "misattributed": lambda w: w["n_misattributed"],
    "spoiler_attacks": lambda w: w["attacks_raiders"],
    "talks_progress": lambda w: w["talks_progress"],
}
TRIGGERS = {  # one condition per metric, each holding on some days and not on others
    "violations_7d": {"when": "violations_7d", "threshold": 2},
    "trust_below": {"when": "trust_below", "threshold": 0.4},
    "walkout": {"when": "walkout"},
    "in_trouble": {"when": "in_trouble"},
}
SCHEDULE = {"from_day": 5, "until_day": 80, "cooldown_days": 2, "budget": 4}
SCHEDULE_DAYS = 3
NEVER = {  # triggers no world can meet within the horizon
    "after_the_horizon": {"from_day": HORIZON + 10},
    "unreachable_violations": {"when": "violations_7d", "threshold": 1000},  # at most 2 x 7
    "trust_below_zero": {"when": "trust_below", "threshold": 0.0},
}


# ------------------------------------------------------------------------------ helpers
def with_trigger(iv: dict, duration_days: int | None = 1, **trigger) -> dict:
    """A copy of an intervention with another trigger and duration."""
    return {**copy.deepcopy(iv), "trigger": trigger, "duration_days": duration_days}


def strategy(*interventions: dict) -> dict:
    return {"interventions": list(interventions)}


@functools.cache
def _run(data_json: str, name: str, worlds: int, seed: int):
    return run(validate(json.loads(data_json), "<test>"), name, worlds=worlds, seed=seed)


def run_data(data: dict, name: str, worlds: int, seed: int = SEED):
    """Run a scenario given as plain data (cached: several tests read the same runs)."""
    return _run(json.dumps(data, sort_keys=True, default=str), name, worlds, seed)


def observed_conditions(model: TruceModel, counts: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Each metric's condition on the state the model ended yesterday with, from raw state.

    ``counts`` holds the number of violating parties of each past day (the model's own rolling
    window is not used).
    """
    s = model.state
    P = s.trust.shape[1]
    mean_trust = s.trust[:, ~np.eye(P, dtype=bool)].mean(axis=1)  # same count in every row
    violations_7d = np.sum(counts[-7:], axis=0) if counts else np.zeros(s.n)
    return {
        "violations_7d": violations_7d >= TRIGGERS["violations_7d"]["threshold"],
        "trust_below": mean_trust < TRIGGERS["trust_below"]["threshold"],
        "walkout": (~s.in_talks).any(axis=1),
        "in_trouble": s.status == TruceStatus.IN_TROUBLE,
    }


@functools.cache
def _trace(data_json: str, worlds: int = 64, days: int = 120) -> dict:
    """Step a model day by day; record conditions and liveness before each day, and what the
    engine fired (from its ``uses`` counter) and kept active that day. Arrays are (K, days, W)
    for the strategy's K interventions, conditions (days, W) by metric."""
    model = TruceModel(validate(json.loads(data_json), "<test>"), worlds, SEED, "traced",
                       days=days)
    counts, conds, alive, fired, active = [], [], [], [], []
    while model.running:
        conds.append(observed_conditions(model, counts))
        alive.append(model.state.status != TruceStatus.COLLAPSED)
        uses = model.engine.activations.uses.copy()
        model.step()
        fired.append(model.engine.activations.uses - uses)
        active.append(model.engine.activations.active.copy())
        counts.append(model.state.violated.sum(axis=1))
    return {
        "cond": {m: np.array([c[m] for c in conds]) for m in TRIGGERS},
        "alive": np.array(alive),
        "fired": np.moveaxis(np.array(fired), 1, 0),
        "active": np.moveaxis(np.array(active), 1, 0),
    }


def reference_schedule(cond, alive, duration, cooldown, budget, from_day, until_day):
    """docs/model.md 10.1, one world at a time: (fired, active), each (days, W) bool."""
    n_days, n = cond.shape
    fired = np.zeros((n_days, n), dtype=bool)
    active = np.zeros((n_days, n), dtype=bool)
    for w in range(n):
        last, allowed, uses = -1, 0, 0  # last day of the current activation
        for t in range(n_days):
            if (alive[t, w] and t > last and t >= allowed and uses < budget
                    and from_day <= t <= until_day and cond[t, w]):
                fired[t, w], uses = True, uses + 1
                last = min(t + duration - 1, until_day)
                allowed = last + 1 + cooldown
            active[t, w] = t <= last
    return fired, active


def deterministic_data(policy: str, horizon: int, **strategies) -> dict:
    """The fragile scenario with both parties on a fixed policy: nothing random matters."""
    data = make_fragile_scenario_data(horizon, **strategies)
    for actor in data["actors"]:
        if actor["kind"] == "party":
            actor.setdefault("behaviour", {})["policy"] = policy
    return data


# ------------------------------------------------------------------------------ the contract
class InterventionContract:
    """Tests every intervention kind inherits. A subclass sets:

    ``intervention``: the kind's intervention, as written in a scenario file, sized so that
        its effect is visible in :meth:`scenario_data`;
    ``effects``: ``(outcome, direction)`` pairs, outcome a key of :data:`OUTCOMES` and
        direction +1 (the strategy raises it) or -1 (lowers it);
    ``zero_effect``: the kind with parameters under which it changes nothing (it is made
        always on, in every world, by the test);
    and may override :meth:`scenario_data` and :meth:`zero_effect_data`.
    """

    intervention: ClassVar[dict]
    effects: ClassVar[tuple[tuple[str, int], ...]]
    zero_effect: ClassVar[dict]

    def scenario_data(self, **strategies) -> dict:
        return make_fragile_scenario_data(HORIZON, **strategies)

    # a. determinism
    def test_same_seed_same_worlds(self):
        data = self.scenario_data(tested=strategy(self.intervention))
        scn = validate(data, "<test>")
        first, again = (run(scn, "tested", worlds=300, seed=SEED) for _ in range(2))
        assert_frame_equal(first.worlds, again.worlds)
        assert_frame_equal(first.daily, again.daily)
        assert first.worlds["n_activations"].sum() > 0  # the intervention was exercised

    # b. triggers
    def trace(self) -> dict:
        ivs = [with_trigger(self.intervention, 1, **t) for t in TRIGGERS.values()]
        ivs.append(with_trigger(self.intervention, SCHEDULE_DAYS, **TRIGGERS["violations_7d"],
                                **SCHEDULE))
        data = self.scenario_data(traced=strategy(*ivs))
        return _trace(json.dumps(data, sort_keys=True, default=str))

    @pytest.mark.parametrize("k, metric", list(enumerate(TRIGGERS)))
    def test_trigger_fires_exactly_when_its_condition_holds(self, k, metric):
        t = self.trace()
        holds = t["cond"][metric] & t["alive"]
        assert holds.any() and (t["alive"] & ~holds).any(), "the condition must vary"
        # one-day activations, no cooldown: fired and active on exactly the days it holds
        assert np.array_equal(t["fired"][k] == 1, holds)
        assert np.array_equal(t["active"][k], holds)

    def test_trigger_respects_duration_cooldown_and_budget(self):
        t = self.trace()
        fired, active = reference_schedule(t["cond"]["violations_7d"], t["alive"],
                                           SCHEDULE_DAYS, SCHEDULE["cooldown_days"],
                                           SCHEDULE["budget"], SCHEDULE["from_day"],
                                           SCHEDULE["until_day"])
        assert fired.sum(axis=0).max() >= 2, "the schedule must be exercised"
        assert np.array_equal(t["fired"][-1] == 1, fired)
        assert np.array_equal(t["active"][-1], active)

    # c. common random numbers
    @pytest.mark.parametrize("never", list(NEVER))
    def test_a_trigger_that_never_holds_changes_nothing(self, never):
        data = self.scenario_data(never=strategy({**copy.deepcopy(self.intervention),
                                                  "trigger": NEVER[never]}))
        base, idle = run_data(data, "baseline", 300), run_data(data, "never", 300)
        assert (idle.worlds["n_activations"] == 0).all()
        assert_frame_equal(idle.worlds.drop(columns="strategy"),
                           base.worlds.drop(columns="strategy"), check_exact=True)
        assert_frame_equal(idle.daily, base.daily, check_exact=True)

    def zero_effect_data(self, **strategies) -> dict:
        """The scenario in which :attr:`zero_effect` changes nothing."""
        return self.scenario_data(**strategies)

    def test_an_always_on_version_with_zero_effect_changes_nothing_day_by_day(self):
        always = {**copy.deepcopy(self.zero_effect), "trigger": {}, "cost_per_day": 1.0}
        if self.zero_effect["kind"] != "mediation_meeting":  # a meeting lasts a day, daily
            always["duration_days"] = None
        data = self.zero_effect_data(idle=strategy(always))
        base, idle = run_data(data, "baseline", 300), run_data(data, "idle", 300)
        assert (idle.worlds["n_activations"] >= 1).all()  # on from day 0 in every world
        assert (idle.worlds["intervention_cost"] >= 1.0).all()
        bookkeeping = ["strategy", "n_activations", "intervention_cost"]
        assert_frame_equal(idle.worlds.drop(columns=bookkeeping),
                           base.worlds.drop(columns=bookkeeping), check_exact=True)
        assert_frame_equal(idle.daily, base.daily, check_exact=True)  # one row a day

    # d. the effect
    def test_effect_in_the_expected_direction(self):
        base = run_data(self.scenario_data(), "baseline", N_STAT).worlds
        data = self.scenario_data(tested=strategy(self.intervention))
        tested = run_data(data, "tested", N_STAT).worlds
        assert (tested["world"] == base["world"]).all()
        wrong = []
        for outcome, direction in self.effects:
            d = direction * (OUTCOMES[outcome](tested) - OUTCOMES[outcome](base)).astype(float)
            mean, se = d.mean(), d.std(ddof=1) / np.sqrt(len(d))
            if not mean > Z_MIN * se:
                wrong.append(f"{outcome}: paired difference {direction * mean:+.4f}, "
                             f"SE {se:.4f}, expected sign {direction:+d}")
        assert not wrong, "; ".join(wrong)

    # e. costs
    @pytest.mark.parametrize("policy, horizon, duration, cooldown, n_fired, n_days", [
        # never collapses: fires on days 0, 5, ..., 25, each time for 3 days
        ("always_comply", 30, 3, 2, 6, 18),
        # collapses on day 9 (10 violent days in 14): fires on days 0 and 6; days 10-11 of the
        # second activation come after the collapse and cost nothing
        ("always_violate", 30, 6, 0, 2, 10),
    ])
    def test_cost_is_activations_and_active_days_before_collapse(self, policy, horizon, duration,
                                                                  cooldown, n_fired, n_days):
        iv = {**with_trigger(self.intervention, duration, cooldown_days=cooldown),
              "cost_per_activation": 7.0, "cost_per_day": 1.5}
        data = deterministic_data(policy, horizon, costed=strategy(iv))
        worlds = run_data(data, "costed", 20).worlds
        assert (worlds["day_collapse_confirmed"] == (9 if policy == "always_violate" else -1)
                ).all()
        assert (worlds["n_activations"] == n_fired).all()
        assert (worlds["intervention_cost"] == 7.0 * n_fired + 1.5 * n_days).all()


# ------------------------------------------------------------------------------ the nine kinds
VIOLENCE_DOWN = (("violations", -1), ("survival_days", +1))


class TestMediationMeeting(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "mediation_meeting", "mediator": "envoy",
                                   "attendees": ["guarantor"], "boost": 0.5,
                                   "cost_per_activation": 5.0,
                                   "trigger": {"when": "violations_7d", "threshold": 3,
                                               "cooldown_days": 7}}
    effects = VIOLENCE_DOWN
    # a meeting also brings parties back to the table: zero effect only where none walks out
    zero_effect: ClassVar[dict] = {"kind": "mediation_meeting", "mediator": "envoy",
                                   "attendees": ["guarantor"], "boost": 0.0}

    def zero_effect_data(self, **strategies) -> dict:
        data = self.scenario_data(**strategies)
        for actor in data["actors"]:
            if actor["kind"] == "party":
                actor["behaviour"]["p_walkout"] = 0.0
        return data


class TestMonitoring(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "monitoring", "p_verify": 0.9, "p_misattribution": 0.05,
                    "p_false_alarm": 0.005, "cost_per_day": 1.0}
    effects = (("misattributed", -1), *VIOLENCE_DOWN)
    zero_effect: ClassVar[dict] = {"kind": "monitoring"}  # the scenario's own information


class TestPressure(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "pressure", "actor": "guarantor", "strength": 1.0,
                                   "duration_days": 14, "cost_per_day": 0.5,
                                   "trigger": {"when": "violations_7d", "threshold": 2}}
    effects = VIOLENCE_DOWN
    zero_effect: ClassVar[dict] = {"kind": "pressure", "actor": "guarantor", "strength": 0.0}


class TestGuarantee(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "guarantee", "guarantor": "guarantor", "strength": 1.0,
                    "cost_per_day": 0.5}
    effects = VIOLENCE_DOWN
    # no issues in this scenario, so nobody can renege: strength 0 leaves nothing to do
    zero_effect: ClassVar[dict] = {"kind": "guarantee", "guarantor": "guarantor", "strength": 0.0}


class TestInducements(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "inducements", "amount": 0.1, "cost_per_day": 1.0}
    effects = VIOLENCE_DOWN
    zero_effect: ClassVar[dict] = {"kind": "inducements", "amount": 0.0, "spoilers": ["raiders"]}


class TestSeparation(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "separation", "parties": ["north"], "rate": 0.1,
                                   "cost_to_party": 0.02, "cost_per_activation": 2.0}
    effects = (("misattributed", -1),)
    zero_effect: ClassVar[dict] = {"kind": "separation", "parties": ["north"], "rate": 0.0,
                                   "cost_to_party": 0.0}


class TestActionAgainstSpoilers(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "action_against_spoilers", "spoilers": ["raiders"],
                                   "rate": 0.05, "p_collateral": 0.02, "cost_per_day": 1.0}
    effects = (("spoiler_attacks", -1),)
    zero_effect: ClassVar[dict] = {"kind": "action_against_spoilers", "spoilers": ["raiders"],
                                   "rate": 0.0, "p_collateral": 0.0}


class TestPoliticalPush(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "political_push", "talks_multiplier": 2.0,
                    "provocation_multiplier": 1.5, "cost_per_day": 0.5}
    effects = (("talks_progress", +1), ("spoiler_attacks", +1))
    zero_effect: ClassVar[dict] = {"kind": "political_push", "talks_multiplier": 1.0,
                                   "provocation_multiplier": 1.0}


class TestLeaderDiplomacy(InterventionContract):
    intervention: ClassVar[dict] = {"kind": "leader_diplomacy", "brokers": ["guarantor"],
                                   "boost": 1.0, "duration_days": 14, "cost_per_activation": 3.0,
                                   "trigger": {"when": "in_trouble", "cooldown_days": 7}}
    effects = VIOLENCE_DOWN
    zero_effect: ClassVar[dict] = {"kind": "leader_diplomacy", "brokers": ["guarantor"],
                                   "boost": 0.0}


def test_every_kind_has_a_contract_test_class():
    from typing import get_args

    from sim.interventions_schema import Intervention

    kinds = {m.model_fields["kind"].annotation.__args__[0]
             for m in get_args(get_args(Intervention)[0])}
    tested = {c.intervention["kind"] for c in InterventionContract.__subclasses__()}
    assert tested == kinds and len(kinds) == 9


def test_the_registry_has_one_entry_per_kind_holding_its_schema():
    from typing import get_args

    from sim.interventions_schema import Intervention
    from sim.strategies.kinds import REGISTRY

    schemas = get_args(get_args(Intervention)[0])
    assert sorted(REGISTRY) == sorted(m.model_fields["kind"].annotation.__args__[0]
                                      for m in schemas)
    assert {id(e.schema) for e in REGISTRY.values()} == {id(m) for m in schemas}
    assert [k for k, e in REGISTRY.items() if e.multiplicative] == ["leader_diplomacy"]


def test_the_order_of_a_strategys_interventions_does_not_matter():
    ld = {"kind": "leader_diplomacy", "brokers": ["guarantor"], "boost": 1.0, "duration_days": 30}
    pr = {"kind": "pressure", "actor": "guarantor", "strength": 1.0}
    data = make_fragile_scenario_data(HORIZON, ab=strategy(ld, pr), ba=strategy(pr, ld))
    ab, ba = run_data(data, "ab", 300), run_data(data, "ba", 300)
    assert_frame_equal(ab.worlds.drop(columns="strategy"), ba.worlds.drop(columns="strategy"))


# ------------------------------------------------------------------------------ standard library
LAKELAND = load(f"{SCENARIOS}/lakeland_teaching.yaml")
FRAGILE = make_fragile_scenario()


@pytest.mark.parametrize("scn", [FRAGILE, LAKELAND], ids=["factories", "lakeland"])
@pytest.mark.parametrize("name", list(STANDARD))
def test_standard_strategies_run_by_name_on_any_scenario(scn, name):
    assert name not in scn.strategies
    result = run(scn, strategy=name, worlds=50, seed=SEED, days=60)
    assert len(result.worlds) == 50
    assert (result.worlds["strategy"] == name).all()
    assert result.worlds["n_activations"].sum() > 0
    assert (result.worlds["intervention_cost"] > 0).any()


def test_todays_parameters_kept_from_yesterday_equal_those_built_afresh():
    # the engine reuses yesterday's parameters when the same interventions are active in the
    # same worlds; every standard strategy (each kind alone or in sets) on Lakeland, 120 worlds
    # x 90 days: each day, today's parameters equal those built again from scratch
    reused = 0  # days on which monitoring's probabilities were yesterday's very arrays
    for name in STANDARD:
        model, yesterday = TruceModel(LAKELAND, 120, seed=SEED, strategy=name, days=90), None
        while model.running:
            model.step()
            engine, today = model.engine, model.today
            kept, engine.memo = engine.memo, None
            fresh = engine._today(engine.activations.active.copy())
            engine.memo = kept
            for field in fresh._fields:
                np.testing.assert_array_equal(getattr(today, field), getattr(fresh, field))
            reused += yesterday is not None and (
                today.p_verify is yesterday.p_verify is not engine.unaffected["p_verify"])
            yesterday = today
    assert reused > 80  # monitoring runs from day 0 in every world: days 2 to 89 reuse it


def test_available_lists_the_scenarios_strategies_first():
    assert available(LAKELAND) == ["baseline", "monitors", "guaranteed_deal", *STANDARD]


def test_a_scenario_strategy_overrides_the_standard_one_of_the_same_name():
    own = strategy({"kind": "monitoring", "p_verify": 0.5})
    scn = make_fragile_scenario(monitoring=own, extra={})
    names = available(scn)
    assert names[:3] == ["baseline", "monitoring", "extra"]
    assert names.count("monitoring") == 1 and set(names) == {"extra", *STANDARD, "baseline"}
    assert resolve(scn, "monitoring").interventions[0].p_verify == 0.5
    assert resolve(scn, "pressure") is STANDARD["pressure"]
    with pytest.raises(KeyError):
        resolve(scn, "no_such_strategy")


# ------------------------------------------------------------------------------ scripted events
def test_only_the_strategy_that_scripts_events_replays_them():
    scn = make_quiet_scenario(
        horizon=30, events=[{"day": 10, "actor": "south", "action": "violate"}],
        strategies={"baseline": {}, "scripted": {"events": [
            {"day": 5, "actor": "north", "action": "violate"},
            {"day": 20, "actor": "north", "action": "violate"}]}})
    base = run(scn, "baseline", worlds=10, seed=SEED).worlds
    scripted = run(scn, "scripted", worlds=10, seed=SEED).worlds
    assert (base["violations_north"] == 0).all() and (base["violations_south"] == 1).all()
    assert (scripted["violations_north"] == 2).all() and (scripted["violations_south"] == 1).all()


def test_syria_as_happened_replays_the_walkout_and_the_airstrikes():
    syria = load(f"{SCENARIOS}/syria_2016.yaml")
    model = TruceModel(syria, n_worlds=300, seed=SEED, strategy="as_happened", days=60)
    gov = model.params.party_ids.index("government")
    while model.running:
        alive = model.state.status != TruceStatus.COLLAPSED
        day = model.day
        model.step()
        if day in (52, 55):
            assert model.state.violated[alive, gov].all(), f"day {day}"
        if day == 51:
            standing = alive
    first = model.state.day_first_walkout
    assert ((first >= 0) & (first <= 51)).all()
    # the leaders' call of day 51 happened in every world still standing that morning
    assert np.array_equal(model.engine.activations.uses[0], standing.astype(int))


def test_syria_as_happened_leaders_call_lasts_its_fourteen_days():
    syria = load(f"{SCENARIOS}/syria_2016.yaml")
    call = syria.strategies["as_happened"].interventions[0]
    assert call.kind == "leader_diplomacy" and call.duration_days == 14
    model = TruceModel(syria, n_worlds=50, seed=SEED, strategy="as_happened", days=70)
    active = []
    while model.running:
        model.step()
        active.append(model.engine.activations.active[0].copy())
    on = np.array(active)[:, model.engine.activations.uses[0] == 1]
    assert on.shape[1] > 0
    assert on[51:65].all() and not on[:51].any() and not on[65:].any()


def test_syria_baseline_does_not_replay_the_record():
    syria = load(f"{SCENARIOS}/syria_2016.yaml")
    first = run(syria, "baseline", worlds=300, seed=SEED, days=60).worlds["day_first_walkout"]
    assert not ((first >= 0) & (first <= 51)).all()


# ------------------------------------------------------------------------------ references
@pytest.mark.parametrize("iv, field", [
    ({"kind": "pressure", "actor": "nobody"}, "actor"),
    ({"kind": "pressure", "actor": "north"}, "actor"),
    ({"kind": "guarantee", "guarantor": "raiders"}, "guarantor"),
    ({"kind": "mediation_meeting", "mediator": "south"}, "mediator"),
    ({"kind": "mediation_meeting", "attendees": ["guarantor", "north"]}, "attendees"),
    ({"kind": "leader_diplomacy", "brokers": ["raiders"]}, "brokers"),
    ({"kind": "inducements", "parties": ["envoy"]}, "parties"),
    ({"kind": "separation", "parties": ["nobody"]}, "parties"),
    ({"kind": "action_against_spoilers", "spoilers": ["north"]}, "spoilers"),
])
def test_an_intervention_naming_a_wrong_actor_is_reported_with_its_path(iv, field):
    data = make_fragile_scenario_data(60, x={"interventions": [{"kind": "monitoring"}, iv]})
    with pytest.raises(ScenarioError) as err:
        validate(data, "<test>")
    paths = [p.path for p in err.value.problems]
    assert paths == [f"strategies.x.interventions.1.{field}"]
    kind = {"spoilers": "spoiler", "parties": "party"}.get(field, "broker")
    assert f"is not a {kind}" in err.value.problems[0].expected


def test_interventions_naming_the_right_actors_validate():
    ivs = [{"kind": "pressure", "actor": "patron"}, {"kind": "guarantee", "guarantor": "guarantor"},
           {"kind": "mediation_meeting", "mediator": "envoy", "attendees": ["guarantor"]},
           {"kind": "separation", "parties": ["north"]},
           {"kind": "action_against_spoilers", "spoilers": ["raiders"]}]
    scn = validate(make_fragile_scenario_data(60, ok={"interventions": ivs}), "<test>")
    assert len(scn.strategies["ok"].interventions) == 5
