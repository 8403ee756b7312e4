"""Scenario schema: the pydantic v2 models that define what a scenario file may say.

Every parameter of the model lives here once, with its bounds and meaning; CLI help, ``--set``
overrides, sweeps and dashboard controls are derived from these fields. No I/O and no numpy
state in this module. Cross-references between actors are checked by
:func:`reference_problems`, which the ``Scenario`` validator calls.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from sim.broker_schema import Battlefield, Interests, battlefield_problems, interest_problems
from sim.fields import ActorId, Prob, Signed, Strict, Unit
from sim.interventions_schema import Intervention, actor_refs
from sim.priors_schema import DAY_STATISTICS, Prior, Target
from sim.types_schema import Beliefs, Intent


class ActorKind(StrEnum):
    """What an actor is to the truce: a party to it, a broker or a spoiler."""

    PARTY = "party"
    BROKER = "broker"
    SPOILER = "spoiler"


class BrokerRole(StrEnum):
    """A broker's role: mediator, guarantor or patron."""

    MEDIATOR = "mediator"
    GUARANTOR = "guarantor"
    PATRON = "patron"


class Policy(StrEnum):
    """How a party chooses to comply or violate each day.

    ``adaptive`` is the behavioural model of ``docs/model.md``; the others are the classic
    iterated-prisoner's-dilemma strategies, so that the two-party reduction of the model can be
    checked against the standard definitions.
    """

    ADAPTIVE = "adaptive"
    ALWAYS_COMPLY = "always_comply"
    ALWAYS_VIOLATE = "always_violate"
    TIT_FOR_TAT = "tit_for_tat"
    GENEROUS_TIT_FOR_TAT = "generous_tit_for_tat"
    GRIM_TRIGGER = "grim_trigger"


class SpoilerType(StrEnum):
    """Stedman (1997): limited spoilers can be induced, total ones cannot."""

    LIMITED = "limited"
    GREEDY = "greedy"
    TOTAL = "total"


class Meta(Strict):
    """The scenario's name, description, start date and horizon."""

    name: str = Field(min_length=1, max_length=200, description="Short name of the scenario.")
    description: str = Field("", max_length=5000, description="What the scenario represents.")
    start_date: dt.date = Field(description="Calendar date of day 0, when the truce takes effect.")
    horizon_days: int = Field(
        365, strict=True, ge=1, le=3650, description="Days simulated per world."
    )
    seed_digest: str | None = Field(
        None, max_length=300, description="Path of the seed digest the scenario derives from."
    )


class Stances(Strict):
    """An actor's commitment to the truce and position on the political issue."""

    commitment: Unit = Field(
        description="Initial commitment to the truce (0 = none, 1 = complete)."
    )
    position: Signed = Field(
        0.0,
        description="Position on the political issue (-1 .. 1); the gap between parties "
        "slows talks.",
    )
    commitment_range: Unit = Field(
        0.0,
        description="Frailty: each world's initial commitment is drawn uniformly within "
        "+- this of 'commitment' (one draw per world, shared by its parties; 0 = all alike).",
    )


class Incentives(Strict):
    """Daily incentives, on a common scale where 1 is the most a party can gain or lose per day."""

    gain_from_fighting: Unit = Field(0.0, description="Expected daily gain from fighting.")
    cost_of_fighting: Unit = Field(0.0, description="Daily cost of fighting.")
    value_of_settlement: Unit = Field(
        0.0, description="Value of a settlement; weighs in as talks progress."
    )
    sensitivity_to_pressure: Unit = Field(
        0.0, description="How much outside pressure lowers the motive to fight."
    )


class Behaviour(Strict):
    """How a party reads the other side and reacts (reciprocity, trust, talks)."""

    policy: Policy = Field(Policy.ADAPTIVE, description="Decision rule; see Policy.")
    reciprocity: Prob = Field(
        0.5, description="Probability of retaliating the day after perceiving a hostile act."
    )
    choice_spread: float = Field(
        0.1,
        strict=True,
        gt=0.0,
        le=10.0,
        allow_inf_nan=False,
        description="Logit spread of the daily choice: small = motive vs commitment "
        "decides sharply.",
    )
    initial_trust: Unit = Field(0.5, description="Initial trust in each other party.")
    trust_build: Unit = Field(
        0.02, description="Share of the gap to full trust closed per quiet day."
    )
    trust_loss: Unit = Field(
        0.2, description="Share of trust lost per hostile act perceived from a party."
    )
    commitment_speed: Unit = Field(
        0.02, description="Share of the gap between commitment and trust closed per day."
    )
    walkout_threshold: int = Field(
        3,
        strict=True,
        ge=1,
        le=100,
        description="Hostile acts perceived in 7 days that can make it walk out.",
    )
    p_walkout: Prob = Field(0.2, description="Daily probability of walking out past the threshold.")
    p_return: Prob = Field(0.05, description="Daily probability of returning, scaled by trust.")
    withdrawal_commitment: Unit = Field(
        0.0, description="Commitment below which the party formally withdraws (0 = never)."
    )
    max_incidents: int = Field(
        1, strict=True, ge=1, le=100,
        description="Incidents in its largest violation (a major offensive); 1 = every "
        "violation is one incident (sim.rules.intensity).",
    )
    coerced_calm_discount: Unit = Field(
        0.0,
        description="How much less a quiet day counts for trust when outside leverage "
        "(inducements, coercive pressure) explains the other side's compliance: 0 = not at all, "
        "1 = in proportion to the share of its motive to fight the leverage removes.",
    )


class SpoilerTraits(Strict):
    """A spoiler's type, attack rate, provocation and targets."""

    type: SpoilerType = Field(SpoilerType.TOTAL, description="Stedman's spoiler type.")
    p_attack: Prob = Field(description="Daily probability of an attack at full capability.")
    provocation: float = Field(
        1.0,
        strict=True,
        ge=0.0,
        le=10.0,
        description="How much attacks rise as the truce and talks progress.",
    )
    targets: list[ActorId] = Field(
        default_factory=list, description="Parties its attacks hit; empty means all parties."
    )


class Relations(Strict):
    """An actor's ties: a broker's clients, leverage and bias; a party's spoiler ties."""

    clients: list[ActorId] = Field(
        default_factory=list,
        description="Parties (or other brokers) this broker backs as patron; no cycles.",
    )
    support: Unit = Field(
        0.0, description="How strongly a patron shields its clients from others' pressure."
    )
    leverage: dict[ActorId, Unit] = Field(
        default_factory=dict, description="Party id -> how hard this broker can press it."
    )
    bias: dict[ActorId, Signed] = Field(
        default_factory=dict,
        description="Party id -> broker's bias: +1 favours it and never presses it; "
        "0 or less presses it with full leverage.",
    )
    spoiler_ties: dict[ActorId, Unit] = Field(
        default_factory=dict, description="Spoiler id -> how entangled this party is with it."
    )


class Position(Strict):
    """Where an actor stands on one negotiated issue (outcomes are points in [0, 1])."""

    ideal: Unit = Field(description="Preferred outcome on the issue.")
    salience: float = Field(
        1.0, strict=True, ge=0.0, le=100.0, allow_inf_nan=False,
        description="Weight of the issue (weights are normalised over the actor's issues).",
    )


class Bargaining(Strict):
    """A party's stance at the table (docs/bargaining.md)."""

    reservation: Unit = Field(
        0.5, description="Utility of no agreement: what the party expects from fighting."
    )
    hardening: Unit = Field(
        0.0, description="How much gains on the ground raise the reservation value."
    )
    discount: Unit = Field(0.95, description="Patience (per round discount factor).")
    p_renege: Prob = Field(
        0.0,
        description="Daily probability of reneging on a deal worth less than fighting, "
        "unless a guarantee is in force.",
    )


class NegotiatedIssue(Strict):
    """One issue negotiated at the talks."""

    id: ActorId = Field(description="Unique id, referenced by positions.")
    name: str = Field(min_length=1, max_length=200, description="Display name.")
    description: str = Field("", max_length=2000, description="What is at stake on it.")


class Actor(Strict):
    """A party, broker or spoiler, with the blocks that apply to its kind."""

    id: ActorId = Field(description="Unique id, referenced by relations and events.")
    name: str = Field(min_length=1, max_length=200, description="Display name.")
    kind: ActorKind = Field(description=("party (signed the truce), broker (mediator, "
                                         "guarantor or patron) or spoiler (outside the truce, "
                                         "attacks)."))
    role: BrokerRole | None = Field(None, description="Broker's role (brokers only).")
    capability: Unit = Field(0.5, description="Military or political capability.")
    legitimacy: Unit = Field(0.5, description="Standing as a mediator (brokers).")
    stances: Stances = Field(description="Commitment to the truce and political position.")
    incentives: Incentives = Field(
        default_factory=Incentives,
        description="Parties: daily gains and costs of fighting, on a common scale where 1 is "
        "the most a party can gain or lose per day.")
    behaviour: Behaviour = Field(
        default_factory=Behaviour,
        description="Parties: how they read the other side and react (reciprocity, trust, talks).")
    relations: Relations = Field(
        default_factory=Relations,
        description="Brokers: leverage, bias and clients; parties: ties to spoilers.")
    spoiler: SpoilerTraits | None = Field(None, description="Spoiler traits (spoilers only).")
    positions: dict[ActorId, Position] = Field(
        default_factory=dict, description="Issue id -> position (parties; brokers' preferences)."
    )
    bargaining: Bargaining = Field(
        default_factory=Bargaining, description="Parties: stance at the table (with issues).")
    interests: Interests | None = Field(
        None, description="Brokers: what they want; with it they choose their action each "
        "week (absent: they press every violator they verify).")
    intent: Intent = Field(
        default_factory=Intent,
        description="Parties: hidden type, drawn per world (committed or tactical signer).")

    @model_validator(mode="after")
    def _kind_fields(self) -> Actor:
        if self.kind is ActorKind.SPOILER and self.spoiler is None:
            raise PydanticCustomError("missing_spoiler", "a spoiler needs a 'spoiler:' block")
        if self.kind is not ActorKind.SPOILER and self.spoiler is not None:
            raise PydanticCustomError("extra_spoiler", "only spoilers have a 'spoiler:' block")
        if self.kind is ActorKind.BROKER and self.role is None:
            raise PydanticCustomError(
                "missing_role", "a broker needs a role: mediator, guarantor or patron"
            )
        if self.kind is not ActorKind.BROKER and self.role is not None:
            raise PydanticCustomError("extra_role", "only brokers have a role")
        return self


class Information(Strict):
    """What parties and brokers see of each other's acts, and how reliably."""

    p_detect: Prob = Field(0.7, description="Probability a party's violation is seen by another.")
    p_verify: Prob = Field(
        0.3,
        description="Probability a violation is verified and attributed by brokers or monitors "
        "(drives their pressure and the sanction parties expect).",
    )
    p_misattribution: Prob = Field(
        0.3,
        description="Probability a spoiler's attack is blamed on a party fully tied to it "
        "(scaled by the tie).",
    )
    p_false_alarm: Prob = Field(
        0.0,
        description="Daily probability, per other party that did not violate that day, "
        "that a party believes it did (false accusation).",
    )
    noise: Prob = Field(
        0.0, description="Probability a party's intended move is flipped (execution error)."
    )


class TruceRules(Strict):
    """When the truce is in trouble or has collapsed."""

    trouble_violations_7d: int = Field(
        4,
        strict=True,
        ge=1,
        le=1000,
        description="Party violations in 7 days that put the truce in trouble.",
    )
    collapse_window_days: int = Field(
        14,
        strict=True,
        ge=1,
        le=365,
        description="Window over which sustained violence is measured.",
    )
    collapse_violent_days: int = Field(
        10,
        strict=True,
        ge=1,
        le=365,
        description="Days with party violations in the window that mean collapse.",
    )
    quiet_days_reset: int = Field(
        7,
        strict=True,
        ge=1,
        le=365,
        description="Quiet days after which a new escalation has a new cause.",
    )
    offensive_incidents: int = Field(
        0, strict=True, ge=0, le=10000,
        description="Incidents in one day that end the truce that day (a major offensive); "
        "0 = off.",
    )

    @model_validator(mode="after")
    def _window(self) -> TruceRules:
        if self.collapse_violent_days > self.collapse_window_days:
            raise PydanticCustomError(
                "window",
                "collapse_violent_days ({days}) cannot exceed collapse_window_days ({window})",
                {"days": self.collapse_violent_days, "window": self.collapse_window_days},
            )
        return self


class Talks(Strict):
    """The political talks: their pace, start day and, with issues, concessions."""

    base_rate: Unit = Field(
        0.01, description="Daily talks progress with full trust, a neutral mediator and no gap."
    )
    start_day: int = Field(
        0, strict=True, ge=0, le=3650, description="Day the political talks open."
    )
    concession_rate: Unit = Field(
        0.05, description="Largest daily share of the way to the mediator's proposal (issues)."
    )
    agreement_tolerance: float = Field(
        0.01, strict=True, gt=0.0, le=0.5, allow_inf_nan=False,
        description="Issue agreed when all demands lie within this distance (issues).",
    )
    initial_progress: Unit = Field(
        0.0,
        description="Share of the political issues the truce agreement itself settles "
        "(0 = bare cessation, 1 = definitive agreement); progress variable only, not issues.",
    )


class Pressure(Strict):
    """How brokers' accumulated pressure fades."""

    decay: Unit = Field(0.1, description="Share of accumulated pressure that fades per day.")


class EventAction(StrEnum):
    """What a scripted event does."""

    VIOLATE = "violate"
    ATTACK = "attack"
    WALKOUT = "walkout"
    RETURN = "return"
    WITHDRAW = "withdraw"


class ScriptedEvent(Strict):
    """An event forced on a given day, e.g. one from the historical record."""

    day: int = Field(strict=True, ge=0, le=3650, description="Day of the event (0 = start date).")
    actor: ActorId = Field(description="Actor id: a party (or a spoiler for 'attack').")
    action: EventAction = Field(description="violate, attack, walkout, return or withdraw.")
    note: str = Field("", max_length=500, description="What happened, for the record.")


class Strategy(Strict):
    """A named list of interventions, plus scripted events that only this strategy replays."""

    description: str = Field("", max_length=2000, description="What the strategy does, in words.")
    interventions: list[Intervention] = Field(
        default_factory=list, max_length=100,
        description="Interventions, each with a kind, a trigger and costs.")
    events: list[ScriptedEvent] = Field(
        default_factory=list, description="Scripted events of this strategy (e.g. as_happened)."
    )


class Scenario(Strict):
    """A whole scenario file: actors, rules, talks, strategies, sources and priors."""

    meta: Meta = Field(description="Name, description, start date and horizon.")
    actors: list[Actor] = Field(
        min_length=1, max_length=500,
        description="Parties, brokers and spoilers, each with a unique id.")
    information: Information = Field(
        default_factory=Information, description="What parties and brokers see of each other.")
    truce: TruceRules = Field(
        default_factory=TruceRules, description="When the truce is in trouble or has collapsed.")
    talks: Talks = Field(default_factory=Talks, description="The political talks.")
    issues: list[NegotiatedIssue] = Field(
        default_factory=list, max_length=20,
        description="Issues negotiated at the talks; none: talks are a progress variable.",
    )
    pressure: Pressure = Field(default_factory=Pressure, description="Brokers' pressure.")
    battlefield: Battlefield | None = Field(
        None, description="Control and strength moved by fighting; the gain from fighting "
        "follows the balance (absent: a constant gain).")
    beliefs: Beliefs = Field(
        default_factory=Beliefs,
        description="Bayesian beliefs about the parties' hidden types (off by default).")
    strategies: dict[str, Strategy] = Field(
        default_factory=lambda: {"baseline": Strategy(description="No new intervention.")},
        description="Named strategies to compare; 'baseline' is required.",
    )
    events: list[ScriptedEvent] = Field(
        default_factory=list, description="Scripted events, replayed in every strategy.")
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Field path (with * wildcards) -> where its value comes from.",
    )
    priors: dict[str, Prior] = Field(
        default_factory=dict,
        description="Field path (as with --set; * wildcards) -> what is believed about its value.",
    )
    targets: list[Target] = Field(
        default_factory=list, max_length=100,
        description="Facts of the record its worlds should show, each a band on a statistic.",
    )

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems = reference_problems(self)
        if problems:
            raise PydanticCustomError(
                "invalid_reference",
                "{summary}",
                {"summary": "; ".join(p[2] for p in problems), "problems": problems},
            )
        return self

    def actor_ids(self, kind: ActorKind | None = None) -> list[str]:
        """Ids of the actors of ``kind`` (all actors if None), in the order listed."""
        return [a.id for a in self.actors if kind is None or a.kind is kind]


def _check_ids(loc: tuple, ids: dict, valid: set[str], what: str) -> list[tuple]:
    return [
        (loc + (key,), key, f"'{key}' is not {what} (known: {', '.join(sorted(valid)) or 'none'})")
        for key in ids
        if key not in valid
    ]


def _actor_problems(
    i: int, actor: Actor, parties: set[str], brokers: set[str], spoilers: set[str]
) -> list[tuple]:
    base = ("actors", i, "relations")
    rel = actor.relations
    out = _check_ids(base + ("leverage",), rel.leverage, parties, "a party")
    out += _check_ids(base + ("bias",), rel.bias, parties, "a party")
    out += _check_ids(base + ("spoiler_ties",), rel.spoiler_ties, spoilers, "a spoiler")
    out += [
        (base + ("clients", j), c, (f"'{c}' is not a party or a broker (a patron backs those; "
                                    f"known: {', '.join(sorted(parties | brokers))})"))
        for j, c in enumerate(rel.clients)
        if c not in parties | brokers
    ]
    if rel.clients and actor.kind is not ActorKind.BROKER:
        out.append((base + ("clients",), actor.id, "only brokers can be patrons of parties"))
    if (rel.leverage or rel.bias) and actor.kind is not ActorKind.BROKER:
        out.append((base, actor.id, "only brokers have leverage or bias"))
    if rel.spoiler_ties and actor.kind is not ActorKind.PARTY:
        out.append((base + ("spoiler_ties",), actor.id, "only parties have ties to spoilers"))
    if actor.spoiler is not None:
        out += [
            (("actors", i, "spoiler", "targets", j), t,
             f"'{t}' is not a party (known: {', '.join(sorted(parties)) or 'none'})")
            for j, t in enumerate(actor.spoiler.targets)
            if t not in parties
        ]
    return out


def _patron_cycle(scn: Scenario) -> list[tuple]:
    graph = {a.id: set(a.relations.clients) for a in scn.actors}
    for start, clients in graph.items():
        seen, stack = set(), list(clients)
        while stack:
            node = stack.pop()
            if node == start:
                i = scn.actor_ids().index(start)
                return [
                    (
                        ("actors", i, "relations", "clients"),
                        start,
                        f"patron cycle: '{start}' is, through its clients, its own patron",
                    )
                ]
            if node not in seen:
                seen.add(node)
                stack.extend(graph.get(node, ()))
    return []


def _issue_problems(scn: Scenario) -> list[tuple]:
    issue_ids = [i.id for i in scn.issues]
    out = [(("issues", k, "id"), iid, f"duplicate issue id '{iid}'")
           for k, iid in enumerate(issue_ids) if iid in issue_ids[:k]]
    known = ", ".join(issue_ids) or "none declared under issues:"
    for i, actor in enumerate(scn.actors):
        out += [(("actors", i, "positions", iid), iid, f"'{iid}' is not an issue (known: {known})")
                for iid in actor.positions if iid not in issue_ids]
        if actor.positions and actor.kind is ActorKind.SPOILER:
            out.append((("actors", i, "positions"), actor.id, "spoilers take no part in the talks"))
        missing = [iid for iid in issue_ids if iid not in actor.positions]
        if actor.kind is ActorKind.PARTY and missing:
            out.append((("actors", i, "positions"), None,
                        f"a party needs a position on every issue; missing: {', '.join(missing)}"))
    return out


def _event_problems(loc: tuple, events: list[ScriptedEvent], kinds: dict, horizon: int) -> list:
    out = []
    for i, ev in enumerate(events):
        need = "spoiler" if ev.action is EventAction.ATTACK else "party"
        if not any(ev.actor in ids for ids in kinds.values()):
            known = ", ".join(sorted(set().union(*kinds.values())))
            out.append((loc + (i, "actor"), ev.actor,
                        f"'{ev.actor}' is not an actor (known: {known})"))
        elif ev.actor not in kinds[need]:
            known = ", ".join(sorted(kinds[need])) or "none"
            msg = f"'{ev.action}' needs a {need} (known: {known})"
            out.append((loc + (i, "actor"), ev.actor, msg))
        elif ev.day >= horizon:
            out.append((loc + (i, "day"), ev.day, "an event day must be before horizon_days"))
    return out


def reference_problems(scn: Scenario) -> list[tuple]:
    """Cross-reference problems as ``(loc, bad value, what is expected)`` tuples."""
    ids = scn.actor_ids()
    out = [
        (("actors", i, "id"), aid, f"duplicate actor id '{aid}'")
        for i, aid in enumerate(ids)
        if aid in ids[:i]
    ]
    parties = set(scn.actor_ids(ActorKind.PARTY))
    spoilers = set(scn.actor_ids(ActorKind.SPOILER))
    brokers = set(scn.actor_ids(ActorKind.BROKER))
    if not parties:
        out.append((("actors",), None, "a scenario needs at least one actor of kind 'party'"))
    for i, actor in enumerate(scn.actors):
        out += _actor_problems(i, actor, parties, brokers, spoilers)
        out += interest_problems(i, actor, parties)
    out += battlefield_problems(scn.battlefield, parties)
    kinds = {"party": parties, "broker": brokers, "spoiler": spoilers}
    out += _issue_problems(scn)
    out += _event_problems(("events",), scn.events, kinds, scn.meta.horizon_days)
    for name, strategy in scn.strategies.items():
        base = ("strategies", name)
        out += _event_problems(base + ("events",), strategy.events, kinds, scn.meta.horizon_days)
        for k, iv in enumerate(strategy.interventions):
            out += [(base + ("interventions", k, field), value,
                     (f"'{value}' is not a {kind} "
                      f"(known: {', '.join(sorted(kinds[kind])) or 'none'})"))
                    for field, value, kind in actor_refs(iv) if value not in kinds[kind]]
    targets = [t.id for t in scn.targets]
    out += [(("targets", k, "id"), tid, f"duplicate target id '{tid}'")
            for k, tid in enumerate(targets) if tid in targets[:k]]
    out += [(("targets", k, "band", 0), t.band[0], (f"{t.statistic} counts days: the band must "
                                                    f"start by horizon_days"))
            for k, t in enumerate(scn.targets) if t.statistic in DAY_STATISTICS
            and t.band[0] is not None and t.band[0] > scn.meta.horizon_days]
    if "baseline" not in scn.strategies:
        out.append((("strategies",), None, "the strategies map must define 'baseline'"))
    return out + _patron_cycle(scn)
