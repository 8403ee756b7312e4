"""Standard strategies, usable by name from any scenario (a scenario's own take precedence).

They name no actors: defaults pick them (the most legitimate mediator, all guarantors, every
party tied to a spoiler), so they apply to any scenario. Costs are in "effort points"
(:data:`EFFORT_POINT` says what one is); values are assumptions, for comparing strategies with
each other, not money.
"""

from __future__ import annotations

from sim.interventions_schema import (
    ActionAgainstSpoilers,
    CoercivePressure,
    Guarantee,
    Inducements,
    LeaderDiplomacy,
    MediationMeeting,
    Metric,
    Monitoring,
    PoliticalPush,
    Separation,
    Trigger,
)
from sim.schema import Scenario, Strategy

EFFORT_POINT = (
    "One effort point is one day of a standing diplomatic effort, such as the standard "
    "monitoring mission; one-off acts are priced on the same scale (an urgent meeting 5 points, "
    "a leaders' call 3). One-off costs are paid per activation, running costs per day an "
    "intervention is active and only while the truce holds. Points compare options with each "
    "other; they are not money."
)

TROUBLE = Trigger(when=Metric.VIOLATIONS_7D, threshold=4, cooldown_days=14, budget=4)

STANDARD: dict[str, Strategy] = {
    "urgent_meeting": Strategy(
        description="An urgent meeting of the mediator and the guarantors whenever violations "
        "reach 4 in a week (at most 4 meetings, 14 days apart).",
        interventions=[MediationMeeting(kind="mediation_meeting", trigger=TROUBLE,
                                        cost_per_activation=5.0)],
    ),
    "monitoring": Strategy(
        description="A monitoring and verification mission from day 0: it verifies most "
        "violations and cuts misattribution and false accusations.",
        interventions=[Monitoring(kind="monitoring", p_verify=0.8, p_misattribution=0.1,
                                  p_false_alarm=0.01, cost_per_day=1.0)],
    ),
    "pressure": Strategy(
        description="The guarantors press violators for two weeks whenever violations reach 2 "
        "in a week.",
        interventions=[CoercivePressure(
            kind="pressure", strength=0.5, duration_days=14, cost_per_day=0.5,
            trigger=Trigger(when=Metric.VIOLATIONS_7D, threshold=2, cooldown_days=7))],
    ),
    "guarantee": Strategy(
        description="The most capable guarantor promises to punish whoever defects first.",
        interventions=[Guarantee(kind="guarantee", strength=0.5, cost_per_day=0.5)],
    ),
    "inducements": Strategy(
        description="Aid and sanctions relief for all parties while the truce holds.",
        interventions=[Inducements(kind="inducements", amount=0.1, cost_per_day=1.0)],
    ),
    "separation": Strategy(
        description="Parties tied to spoilers must cut the ties, from day 0.",
        interventions=[Separation(kind="separation", rate=0.05, cost_to_party=0.05,
                                  cost_per_activation=2.0)],
    ),
    "action_against_spoilers": Strategy(
        description="Military action against all spoilers from day 0.",
        interventions=[ActionAgainstSpoilers(kind="action_against_spoilers", cost_per_day=1.0)],
    ),
    "political_push": Strategy(
        description="A push on the political track from day 14: talks twice as fast, spoilers "
        "half as provoked again.",
        interventions=[PoliticalPush(kind="political_push", trigger=Trigger(from_day=14),
                                     cost_per_day=0.5)],
    ),
    "leader_diplomacy": Strategy(
        description="Leaders' calls when the truce is in trouble (at most twice).",
        interventions=[LeaderDiplomacy(
            kind="leader_diplomacy", cost_per_activation=3.0,
            trigger=Trigger(when=Metric.IN_TROUBLE, cooldown_days=30, budget=2))],
    ),
}


def resolve(scn: Scenario, name: str) -> Strategy:
    """The scenario's strategy of that name, else the standard one.

    Raises:
        KeyError: if neither exists.
    """
    if name in scn.strategies:
        return scn.strategies[name]
    return STANDARD[name]


def available(scn: Scenario) -> list[str]:
    """The scenario's strategies, then the standard ones it does not redefine."""
    return list(scn.strategies) + [n for n in STANDARD if n not in scn.strategies]
