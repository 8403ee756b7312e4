"""Schema of interventions and their triggers (the vocabulary of strategies).

An intervention is data: a kind, its parameters, a trigger and a cost. Triggers are structured
conditions on the state each world observed yesterday — nothing in a file is evaluated as code.
The effects are in :mod:`sim.strategies`; ``docs/model.md`` states them as equations.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from sim.fields import ActorId, Prob, Strict, Unit

Day = Annotated[int, Field(strict=True, ge=0, le=3650)]
Cost = Annotated[float, Field(strict=True, ge=0.0, le=1e6, allow_inf_nan=False)]
Multiplier = Annotated[float, Field(strict=True, ge=0.0, le=10.0, allow_inf_nan=False)]


class Metric(StrEnum):
    """What a conditional trigger watches, as of the end of yesterday."""

    VIOLATIONS_7D = "violations_7d"  # party violations in the last 7 days >= threshold
    TRUST_BELOW = "trust_below"  # mean trust between parties < threshold
    WALKOUT = "walkout"  # some party is away from the talks (threshold unused)
    IN_TROUBLE = "in_trouble"  # the truce is in trouble (threshold unused)


class Trigger(Strict):
    """When an intervention is activated, in each world separately.

    It fires on a day in ``[from_day, until_day]`` when it is not already active, ``cooldown_days``
    have passed since its last activation ended, its ``budget`` of activations is not spent,
    and, if ``when`` is given, the metric's condition holds. One activation lasts
    ``duration_days`` (absent: until ``until_day`` or the horizon).
    """

    from_day: Day = Field(0, description="First day it may fire.")
    until_day: Day | None = Field(None, description="Last day it may be active.")
    when: Metric | None = Field(None, description="Condition; absent means always.")
    threshold: float = Field(
        0.0, strict=True, ge=0.0, le=1000.0, description="Threshold of the condition."
    )
    cooldown_days: Day = Field(0, description="Days after an activation ends before it may fire.")
    budget: int | None = Field(
        None, strict=True, ge=1, le=1000, description="Most activations per world."
    )

    @model_validator(mode="after")
    def _window(self) -> Trigger:
        if self.until_day is not None and self.until_day < self.from_day:
            raise PydanticCustomError("window", "until_day must not be before from_day")
        return self


class Base(Strict):
    """Fields every intervention has: its trigger, duration, costs and a note."""

    trigger: Trigger = Field(default_factory=Trigger, description="When it is activated.")
    duration_days: Day | None = Field(
        None, description="Days one activation lasts (absent: until until_day or the end)."
    )
    cost_per_activation: Cost = Field(
        0.0, description="One-off cost of each activation, in effort points (1 point = one day "
        "of a standing diplomatic effort such as a monitoring mission).")
    cost_per_day: Cost = Field(
        0.0, description="Running cost of each day it is active while the truce holds, in "
        "effort points.")
    note: str = Field("", max_length=500, description="What this stands for.")


class MediationMeeting(Base):
    """An urgent meeting: commitment and talks participation restored for a while, fading."""

    kind: Literal["mediation_meeting"]
    mediator: ActorId | None = Field(None, description="Convening broker (default: best mediator).")
    attendees: list[ActorId] | None = Field(
        None, description="Brokers who attend (default: all guarantors)."
    )
    boost: Unit = Field(0.3, description="Commitment restored per unit of legitimacy x leverage.")
    fade: Unit = Field(0.1, description="Share of the restored commitment lost per day.")
    duration_days: Day | None = Field(1, description="A meeting is one day.")


class Monitoring(Base):
    """A monitoring and verification mission."""

    kind: Literal["monitoring"]
    p_verify: Prob | None = Field(None, description="Verification probability while active.")
    p_misattribution: Prob | None = Field(None, description="Attribution error while active.")
    p_false_alarm: Prob | None = Field(None, description="False-alarm probability while active.")


class CoercivePressure(Base):
    """A patron or guarantor presses violators, as far as its bias lets it."""

    kind: Literal["pressure"]
    actor: ActorId | None = Field(None, description="Pressing broker (default: all guarantors).")
    strength: Unit = Field(0.5, description="Extra pressure per verified violation, x leverage.")


class Guarantee(Base):
    """A credible promise by a third party to punish whoever defects first (Walter 1997)."""

    kind: Literal["guarantee"]
    guarantor: ActorId | None = Field(
        None, description="Guarantor (default: the most capable guarantor)."
    )
    strength: Unit = Field(0.5, description="Punishment, x the guarantor's credibility.")


class Inducements(Base):
    """Aid or sanctions relief for compliance: the motive to fight falls."""

    kind: Literal["inducements"]
    parties: list[ActorId] | None = Field(None, description="Recipients (default: all parties).")
    amount: Unit = Field(0.1, description="Reduction of the daily motive to fight.")
    spoilers: list[ActorId] | None = Field(
        None, description="Spoilers also offered inducements (default: none); limited ones "
        "respond fully, greedy ones by half, total ones not at all (Stedman 1997).")


class Separation(Base):
    """Moderates must end their ties to spoilers ("end ties with Nusra or be attacked")."""

    kind: Literal["separation"]
    parties: list[ActorId] | None = Field(
        None, description="Parties that must cut ties (default: all with ties)."
    )
    rate: Unit = Field(0.05, description="Share of the remaining ties cut per day.")
    cost_to_party: Unit = Field(0.05, description="Commitment the party loses on activation.")


class ActionAgainstSpoilers(Base):
    """Military action against spoilers: their capability falls, collateral incidents rise."""

    kind: Literal["action_against_spoilers"]
    spoilers: list[ActorId] | None = Field(None, description="Targets (default: all spoilers).")
    rate: Unit = Field(0.02, description="Share of the spoilers' capability destroyed per day.")
    p_collateral: Prob = Field(
        0.1, description="Daily probability, x tie, that a tied party is hit and blames the others."
    )


class PoliticalPush(Base):
    """A push on the political track: faster talks, but spoilers strike more (Kydd & Walter)."""

    kind: Literal["political_push"]
    talks_multiplier: Multiplier = Field(2.0, description="Talks progress rate multiplier.")
    provocation_multiplier: Multiplier = Field(1.5, description="Spoilers' provocation multiplier.")


class LeaderDiplomacy(Base):
    """Leader-level diplomacy (a presidential call): brokers' leverage up for a short while."""

    kind: Literal["leader_diplomacy"]
    brokers: list[ActorId] | None = Field(None, description="Brokers (default: all guarantors).")
    boost: Multiplier = Field(0.5, description="Relative increase of their leverage.")
    duration_days: Day | None = Field(14, description="How long the boost lasts.")


Intervention = Annotated[
    MediationMeeting | Monitoring | CoercivePressure | Guarantee | Inducements | Separation
    | ActionAgainstSpoilers | PoliticalPush | LeaderDiplomacy,
    Field(discriminator="kind"),
]


def actor_refs(iv) -> list[tuple[str, str, str]]:
    """(field, actor id, kind it must be) for every actor an intervention names."""
    out = []
    for field, kind in (("mediator", "broker"), ("actor", "broker"), ("guarantor", "broker")):
        value = getattr(iv, field, None)
        if value is not None:
            out.append((field, value, kind))
    for field, kind in (("attendees", "broker"), ("brokers", "broker"), ("parties", "party"),
                        ("spoilers", "spoiler")):
        for value in getattr(iv, field, None) or []:
            out.append((field, value, kind))
    return out
