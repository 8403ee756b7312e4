"""Schema of brokers' interests and of the battlefield (both optional; absent: today's model).

A broker with ``interests`` decides each week among the actions its role allows, by the utility
of ``docs/model.md`` section "Brokers who decide" (Kydd 2003; Beardsley 2011); a scenario with
a ``battlefield`` has each party's control and strength move with fighting, and its gain from
fighting follow from the balance (Fearon 1995; Powell 2006). No I/O and no numpy here.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from sim.fields import ActorId, Strict, Unit


class BrokerAction(StrEnum):
    """What a broker may do in a week (codes are the order here: :data:`ACTION_CODES`)."""

    PRESS = "press"  # press the violators it verifies (today's fixed rule)
    SHIELD = "shield"  # shield its client from the others' pressure
    REWARD = "reward"  # reward compliance (aid, sanctions relief)
    FIGHT = "fight"  # join the fighting for its client
    STAY_OUT = "stay_out"  # do nothing


ACTION_CODES = {a: k for k, a in enumerate(BrokerAction)}
# Which actions each role allows (an assumption from the roles' definitions): a mediator has
# no army and no client; a guarantor or patron may also shield or fight for a client (Russia,
# co-sponsor of the 2016 truce, flew the strikes on Aleppo: seeds/syria_2016.md).
ROLE_ACTIONS = {
    "mediator": (BrokerAction.PRESS, BrokerAction.REWARD, BrokerAction.STAY_OUT),
    "guarantor": tuple(BrokerAction),
    "patron": tuple(BrokerAction),
}


class Interests(Strict):
    """What a broker wants; its weekly choice maximises them (docs/model.md)."""

    stake: Unit = Field(0.0, description="Weight on its client's gains (ground, impunity).")
    counter_terrorism: Unit = Field(
        0.0, description="Weight on striking spoilers (fighting framed as counter-terrorism).")
    truce_value: Unit = Field(
        0.5, description="Value it puts on the truce holding (its reputation as a broker).")
    enforcement_cost: Unit = Field(
        0.1, description="Cost to it of pressing or fighting, per unit of effort.")
    choice_spread: float = Field(
        0.1, strict=True, ge=0.0, le=5.0, allow_inf_nan=False,
        description="Choice noise: scale of the Gumbel shock on each action's utility.")
    actions: list[BrokerAction] | None = Field(
        None, description="Actions it considers (default: all its role allows).")
    fights_for: ActorId | None = Field(
        None, description="The client it fights for, shields and aids (one of its clients).")
    aid: Unit = Field(0.0, description="Daily share of its client's lost strength it restores "
                      "(a patron's arms and money; needs a battlefield).")
    credibility_learning: Unit = Field(
        0.3, description="Weight parties give this week's conduct when updating its "
        "credibility (1: only the last week counts).")


class Battlefield(Strict):
    """Control and strength of each party, moved by fighting (a contest success function)."""

    control: dict[ActorId, Unit] = Field(
        default_factory=dict, description="Party id -> share of the contested ground at the "
        "start (missing parties: equal shares; normalised to sum to 1).")
    strength: dict[ActorId, Unit] = Field(
        default_factory=dict, description="Party id -> military strength at the start "
        "(default: the party's capability).")
    decisiveness: float = Field(
        1.0, strict=True, ge=0.0, le=5.0, allow_inf_nan=False,
        description="Exponent r of the contest success function e_i^r / sum_j e_j^r.")
    shift_rate: Unit = Field(
        0.02, description="Share of the gap between control and the balance closed per day "
        "of fighting.")
    attrition: Unit = Field(0.01, description="Share of strength lost per day of fighting.")
    rearm_rate: Unit = Field(
        0.01, description="Share of the gap to full strength recovered per calm day.")
    gain_weight: float = Field(
        1.0, strict=True, ge=0.0, le=10.0, allow_inf_nan=False,
        description="Daily motive to fight added per unit of ground a party expects to gain.")
    trend_days: int = Field(
        7, strict=True, ge=1, le=365, description="Days over which the trend of control is "
        "averaged (and projected) in the expected gain.")


def interest_problems(i: int, actor, parties: set[str]) -> list[tuple]:
    """Located problems of one actor's interests: (loc, bad value, what is expected)."""
    it = getattr(actor, "interests", None)
    if it is None:
        return []
    base = ("actors", i, "interests")
    if actor.kind != "broker":
        return [(base, actor.id, "only brokers have interests")]
    allowed = ROLE_ACTIONS[str(actor.role)]
    out = [(base + ("actions", j), str(a),
            f"a {actor.role} cannot '{a}' (its role allows: {', '.join(allowed)})")
           for j, a in enumerate(it.actions or []) if a not in allowed]
    clients = [c for c in actor.relations.clients if c in parties]
    if it.fights_for is not None and it.fights_for not in clients:
        known = ", ".join(clients) or "none"
        out.append((base + ("fights_for",), it.fights_for,
                    f"a broker fights only for a party among its clients (known: {known})"))
        out.append((("actors", i, "relations", "clients"), known,  # the other end of the tie
                    f"the clients of a broker that fights for '{it.fights_for}' "
                    "(interests.fights_for) include it"))
    return out


def battlefield_problems(bf, parties: set[str]) -> list[tuple]:
    """Located problems of the battlefield block: every key must be a party."""
    if bf is None:
        return []
    known = ", ".join(sorted(parties)) or "none"
    return [(("battlefield", field, key), key, f"'{key}' is not a party (known: {known})")
            for field in ("control", "strength") for key in getattr(bf, field)
            if key not in parties]
