"""Codebook rules: a case's features -> the model's parameters (docs/codebook.md).

Each table below is one documented rule. A value either comes from a feature the record gives
(and cites that feature's source) or is shared by every case (and is an assumption until joint
calibration, issue 20). Nothing here looks at a case's outcome: the rules map what was visible
when the truce began, so that a case can be predicted without being tuned to it.
"""

from __future__ import annotations

from typing import Any

from sim.codebook import (
    Broker,
    BrokerRole,
    ExcludedGroup,
    Features,
    Mandate,
    Mission,
    Party,
)

RULES = "docs/codebook.md"

# Shared across cases: the behavioural parameters of the generic ceasefire
# (scenarios/validation/civil_war_ceasefire.yaml), to be calibrated jointly (issue 20).
SHARED_BEHAVIOUR = {"reciprocity": 0.6, "initial_trust": 0.4, "trust_build": 0.02,
                    "trust_loss": 0.2, "commitment_speed": 0.02, "walkout_threshold": 3,
                    "p_walkout": 0.2, "p_return": 0.05}
SHARED_INCENTIVES = {"cost_of_fighting": 0.1, "value_of_settlement": 0.3,
                     "sensitivity_to_pressure": 0.5}
SHARED_FRAILTY = 0.2  # stances.commitment_range: truces differ in resolve (Fortna 2004)
SHARED_TRUCE = {"trouble_violations_7d": 4, "collapse_window_days": 14,
                "collapse_violent_days": 10, "quiet_days_reset": 7}
SHARED_PROVOCATION = 1.0
# What is believed about the shared values until joint calibration (docs/priors.md): wide
# ranges around them, since the literature gives directions, not sizes.
WIDE = "ignorance: wide"
SHARED_PRIORS = {
    "actors.*.behaviour.reciprocity": ("uniform", 0.3, 0.9, {}, WIDE),
    "actors.*.behaviour.initial_trust": ("uniform", 0.1, 0.7, {}, WIDE),
    "actors.*.behaviour.trust_build": ("log_uniform", 0.002, 0.1, {}, WIDE),
    "actors.*.behaviour.trust_loss": ("uniform", 0.05, 0.5, {}, WIDE),
    "actors.*.behaviour.commitment_speed": ("log_uniform", 0.003, 0.1, {}, WIDE),
    "actors.*.behaviour.walkout_threshold": ("triangular", 1, 8, {"mode": 3}, WIDE),
    "actors.*.behaviour.p_walkout": ("log_uniform", 0.02, 1.0, {}, WIDE),
    "actors.*.behaviour.p_return": ("log_uniform", 0.005, 0.2, {}, WIDE),
    "actors.*.incentives.cost_of_fighting": ("uniform", 0.0, 0.3, {}, WIDE),
    "actors.*.incentives.value_of_settlement": ("uniform", 0.0, 0.6, {}, WIDE),
    "actors.*.incentives.sensitivity_to_pressure": ("uniform", 0.1, 0.9, {}, WIDE),
    "actors.*.stances.commitment_range": ("uniform", 0.0, 0.4, {}, ("Fortna 2004 (truces differ "
                                          "in resolve: above 0); size: ignorance: wide")),
    "pressure.decay": ("uniform", 0.02, 0.3, {}, WIDE),
    # the game's shared behaviour (issues 18, 19): the ranges of the Syria 2016 scenario's priors
    "actors.*.intent.tactical_gain": ("uniform", 0.0, 0.3, {}, WIDE),
    "beliefs.hostile_if_committed": ("log_uniform", 0.01, 0.1, {}, WIDE),
    "beliefs.hostile_if_tactical": ("uniform", 0.1, 0.4, {}, WIDE + "; above "
                                    "hostile_if_committed's support"),
    "beliefs.signal_accuracy": ("uniform", 0.5, 0.7, {}, WIDE),
    "battlefield.decisiveness": ("uniform", 0.5, 3.0, {}, WIDE + " (Hirshleifer 1989: r near 1 "
                                 "for attrition, higher where force decides)"),
    "battlefield.gain_weight": ("uniform", 0.1, 1.0, {}, WIDE),
    "battlefield.shift_rate": ("log_uniform", 0.001, 0.05, {}, WIDE),
    "battlefield.attrition": ("log_uniform", 0.001, 0.05, {}, WIDE),
}
MOMENTUM_SPREAD = 0.1  # a party's gain from fighting: +- this around its coded value

# party features
CAPABILITY = {"weak": 0.3, "even": 0.5, "strong": 0.8}
GAIN_FROM_FIGHTING = {"losing": 0.15, "stalemate": 0.25, "winning": 0.35}
COMMITMENT = {"signed": 0.7, "declared": 0.6, "accepted": 0.5}
POSITION = {"a": 0.8, "b": -0.8}

# brokers
BROKER_CAPABILITY = {"great_power": 0.9, "state": 0.6, "organisation": 0.2}
BROKER_COMMITMENT = {"mediator": 0.9, "guarantor": 0.6, "patron": 0.3}
LEVERAGE = {"low": 0.1, "medium": 0.3, "high": 0.5}
FIGHTER = {"legitimacy": 0.3, "bias_client": 0.8, "bias_other": -0.5, "support": 0.5}
PATRON = {"bias_client": 0.5, "support": 0.5}
LEGITIMACY = {"organisation": 0.6, "state": 0.5, "great_power": 0.5}

# excluded armed groups
GROUP_CAPABILITY = {"weak": 0.3, "even": 0.6, "strong": 0.8}
P_ATTACK = {"low": 0.01, "medium": 0.03, "high": 0.05}
TIE = {"weak": 0.3, "strong": 0.6}

# monitoring: detection by mission, verification / attribution / false alarms by mandate
P_DETECT = {"none": 0.6, "joint": 0.7, "observers": 0.8, "peacekeepers": 0.8}
P_VERIFY = {"none": 0.2, "report": 0.5, "verify": 0.8}
JOINT_VERIFY_PENALTY = 0.2  # parties (or their patrons) watching themselves verify less
P_MISATTRIBUTION = {"none": 0.5, "report": 0.3, "verify": 0.1}
P_FALSE_ALARM = {"none": 0.06, "report": 0.03, "verify": 0.01}
OFFENSIVE_FALSE_ALARM = 0.02  # each outside offensive in the truce area

# hidden types (docs/model.md 11.5): a negotiated, signed text is a costlier signal than a
# unilateral declaration or a conditional acceptance, so fewer of its signers are tactical
# (Kydd 2000; Fortna 2004); the generic ceasefire's one in five is the middle value
P_TACTICAL = {"signed": 0.1, "declared": 0.2, "accepted": 0.2}
SHARED_TACTICAL_GAIN = 0.1  # scenarios/validation/civil_war_ceasefire.yaml
SHARED_BELIEFS = {"enabled": True, "hostile_if_committed": 0.05, "hostile_if_tactical": 0.3,
                  "signal_accuracy": 0.5}  # the same; common prior, no private signal

# brokers' interests (docs/model.md 12.1), by role and whether it also fights: the values of
# the Syria 2016 scenario's brokers of the same kind (Russia, Iran, the US)
FIGHTER_INTERESTS = {"stake": 0.9, "counter_terrorism": 0.7, "truce_value": 0.1,
                     "enforcement_cost": 0.1, "choice_spread": 0.05}
PATRON_INTERESTS = {"stake": 0.9, "truce_value": 0.1, "choice_spread": 0.05}
GUARANTOR_INTERESTS = {"stake": 0.3, "counter_terrorism": 0.3, "truce_value": 0.7,
                       "enforcement_cost": 0.3, "choice_spread": 0.05}
PATRON_AID = 0.01  # Iran 2016: a patron restores a share of its client's lost strength daily
PATRON_ACTIONS = ["press", "shield", "reward", "stay_out"]  # aids and shields, does not fight
GUARANTOR_ACTIONS = ["press", "reward", "stay_out"]  # presses, rewards or stays out

# battlefield (docs/model.md 12.2): the Syria 2016 scenario's contest; strength = capability
BATTLEFIELD = {"decisiveness": 2.0, "shift_rate": 0.005, "attrition": 0.002, "gain_weight": 0.3}

# design and talks
INITIAL_PROGRESS = {"none": 0.0, "part": 0.5, "all": 1.0}
TALKS_RATE = {"none": 0.0, "stalled": 0.002, "active": 0.01}


def cite(source: str, rule: str) -> str:
    """A `sources:` entry: the feature's source, then the rule that turned it into a number."""
    return f"{source}; rule {rule} ({RULES})"


def party_actor(p: Party, ties: dict[str, float]) -> dict[str, Any]:
    """A party: capability, motive and commitment from its features; behaviour shared."""
    actor = {"id": p.id, "name": p.name, "kind": "party", "capability": CAPABILITY[p.strength],
             "stances": {"commitment": COMMITMENT[p.consent], "position": POSITION[p.side],
                         "commitment_range": SHARED_FRAILTY},
             "intent": intent(p),
             "incentives": {"gain_from_fighting": GAIN_FROM_FIGHTING[p.momentum],
                            **SHARED_INCENTIVES},
             "behaviour": dict(SHARED_BEHAVIOUR)}
    if ties:
        actor["relations"] = {"spoiler_ties": ties}
    return actor


def _broker_relations(b: Broker, parties: list[str]) -> dict[str, Any]:
    lev = LEVERAGE[b.leverage]
    rel: dict[str, Any] = {"leverage": {p: lev for p in parties}}
    if b.clients:
        rel["clients"] = list(b.clients)
    if b.also_fights:
        rel["bias"] = {p: FIGHTER["bias_client"] if p in b.clients else FIGHTER["bias_other"]
                       for p in parties}
        rel["support"] = FIGHTER["support"] if b.clients else 0.0
    elif b.role is BrokerRole.PATRON and b.clients:
        rel["bias"] = {p: PATRON["bias_client"] for p in b.clients}
        rel["support"] = PATRON["support"]
    return rel


def broker_actor(b: Broker, parties: dict[str, Party]) -> dict[str, Any]:
    """A broker: standing from its kind, bias and shielding from whether it also fights."""
    legit = FIGHTER["legitimacy"] if b.also_fights else LEGITIMACY[b.kind]
    sides = {POSITION[parties[c].side] for c in b.clients}
    position = sides.pop() if len(sides) == 1 else 0.0
    return {"id": b.id, "name": b.name, "kind": "broker", "role": b.role.value,
            "capability": BROKER_CAPABILITY[b.kind], "legitimacy": legit,
            "stances": {"commitment": BROKER_COMMITMENT[b.role], "position": position},
            "relations": _broker_relations(b, list(parties))}


def group_actor(g: ExcludedGroup) -> dict[str, Any]:
    """An armed group left outside the truce: a spoiler of Stedman's type."""
    spoiler: dict[str, Any] = {"type": g.type.value, "p_attack": P_ATTACK[g.activity],
                               "provocation": SHARED_PROVOCATION}
    if g.targets:
        spoiler["targets"] = list(g.targets)
    return {"id": g.id, "name": g.name, "kind": "spoiler",
            "capability": GROUP_CAPABILITY[g.strength],
            "stances": {"commitment": 0.0, "position": 0.0}, "spoiler": spoiler}


def information(mission: Mission, mandate: Mandate, n_offensives: int) -> dict[str, float]:
    """What the parties and brokers see, from the mission and its mandate at day 0."""
    verify = P_VERIFY[mandate] - (JOINT_VERIFY_PENALTY if mission is Mission.JOINT else 0.0)
    false_alarm = P_FALSE_ALARM[mandate] + OFFENSIVE_FALSE_ALARM * n_offensives
    return {"p_detect": P_DETECT[mission], "p_verify": round(max(verify, 0.0), 3),
            "p_misattribution": P_MISATTRIBUTION[mandate],
            "p_false_alarm": round(min(false_alarm, 1.0), 3), "noise": 0.0}


def ties_by_party(f: Features) -> dict[str, dict[str, float]]:
    """Party id -> {group id: tie strength}, from the groups' ties."""
    out: dict[str, dict[str, float]] = {p.id: {} for p in f.parties}
    for g in f.excluded_groups:
        for party, tie in g.ties.items():
            out[party][g.id] = TIE[tie]
    return out


def intent(p: Party) -> dict[str, Any]:
    """A party's hidden type: its share of tactical signers from how it consented."""
    tactical = P_TACTICAL[p.consent]
    return {"types": {"committed": round(1.0 - tactical, 3), "tactical": tactical},
            "tactical_gain": SHARED_TACTICAL_GAIN}


def interests(b: Broker, has_groups: bool) -> dict[str, Any] | None:
    """A broker's interests from its role, whether it fights and its clients (None: a
    mediator keeps the fixed rule of pressing every violator, as the Syria 2016 envoy)."""
    if b.role is BrokerRole.MEDIATOR:
        return None
    if b.also_fights:
        out = dict(FIGHTER_INTERESTS, fights_for=b.clients[0])
        out["counter_terrorism"] = out["counter_terrorism"] if has_groups else 0.0
    elif b.role is BrokerRole.PATRON:
        out = dict(PATRON_INTERESTS, actions=list(PATRON_ACTIONS))
    else:
        out = dict(GUARANTOR_INTERESTS, actions=list(GUARANTOR_ACTIONS))
        out["stake"] = out["stake"] if b.clients else 0.0
        out["counter_terrorism"] = out["counter_terrorism"] if has_groups else 0.0
    if b.role is BrokerRole.PATRON:
        out["aid"] = PATRON_AID
    return out


def battlefield(parties: list[Party]) -> dict[str, Any]:
    """The contest at day 0: each party holds the ground its own strength would win,
    share_i = cap_i^r / sum_j cap_j^r, so only outside support and fighting move the lines."""
    r = BATTLEFIELD["decisiveness"]
    weight = {p.id: CAPABILITY[p.strength] ** r for p in parties}
    total = sum(weight.values())
    return {"control": {k: round(v / total, 3) for k, v in weight.items()}, **BATTLEFIELD}
