"""The codebook: the observable features of a real ceasefire, as a validated file.

A case is described by what the public record shows — the design class of the truce
(Clayton & Sticher 2021), its monitoring mission and mandate, the guarantors and whether they
also fight, the patrons, the armed groups left outside and their ties to the parties, the talks
track, offensives by outside forces, and the dated record of what happened. Every feature names
its source. :mod:`sim.codebook_rules` maps features to the model's parameters by fixed rules
(docs/codebook.md); nothing here is tuned to a case.

Loading reuses the scenario loader's located errors: every problem names the file, the line, the
field and what was expected (:mod:`sim.scenario`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from sim.fields import ActorId, Strict
from sim.scenario import Problem, ScenarioError, parse_yaml, problems_from, read_text
from sim.schema import BrokerRole, EventAction, SpoilerType

Source = str  # a seed reference, a citation, or 'assumption' (checked by sim.sources)
Day = int


def _source() -> Any:
    return Field(min_length=1, max_length=500,
                 description="Where the feature comes from: seeds/<case>.md#anchor, a citation, "
                 "or 'assumption'.")


def _day(description: str, default: Any = ...) -> Any:
    return Field(default, strict=True, ge=0, le=3650, description=description)


class DesignClass(StrEnum):
    """Clayton & Sticher (2021): the three designs of a ceasefire."""

    BARE = "bare"  # a cessation of hostilities and nothing else
    COMPLIANCE = "compliance"  # with a monitoring or compliance mechanism
    DEFINITIVE = "definitive"  # also settles (part of) the incompatibility


class Settles(StrEnum):
    """How much of the political incompatibility the agreement itself settles."""

    NONE = "none"
    PART = "part"
    ALL = "all"


class Mission(StrEnum):
    """Who watches the truce on the ground."""

    NONE = "none"  # nobody
    JOINT = "joint"  # the parties' (or brokers') own joint centre or commission
    OBSERVERS = "observers"  # unarmed third-party observers
    PEACEKEEPERS = "peacekeepers"  # armed third-party forces on the line


class Mandate(StrEnum):
    """What the mission may do with what it sees."""

    NONE = "none"
    REPORT = "report"  # observe and report incidents, without naming who violated
    VERIFY = "verify"  # verify and attribute violations to a party


class BrokerKind(StrEnum):
    """What kind of broker it is."""

    GREAT_POWER = "great_power"
    STATE = "state"
    ORGANISATION = "organisation"  # UN, AU, OSCE, a church: standing, little force


class Level(StrEnum):
    """A coarse level read from the record."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Strength(StrEnum):
    """Military strength relative to the other actors."""

    WEAK = "weak"
    EVEN = "even"
    STRONG = "strong"


class Momentum(StrEnum):
    """The party's military fortunes when the truce began."""

    LOSING = "losing"
    STALEMATE = "stalemate"
    WINNING = "winning"


class Consent(StrEnum):
    """How the party came to the truce."""

    SIGNED = "signed"  # negotiated and signed the text
    DECLARED = "declared"  # declared it unilaterally
    ACCEPTED = "accepted"  # accepted another's declaration, with conditions


class Side(StrEnum):
    """Which side of the line a party stands on."""

    A = "a"
    B = "b"


class Tie(StrEnum):
    """How strongly an excluded group is tied to a party."""

    WEAK = "weak"
    STRONG = "strong"


class TalksTrack(StrEnum):
    """The state of the political talks."""

    NONE = "none"
    STALLED = "stalled"
    ACTIVE = "active"


class Ending(StrEnum):
    """How the record says the truce ended, if it did (ETH/PRIO-style: onset or declared end)."""

    BREAKDOWN = "breakdown"  # fighting resumed or a party declared it over
    EXPIRY = "expiry"  # it ran to its agreed end and was not renewed
    HOLDING = "holding"  # still holding when the record stops


class Case(Strict):
    """The case: its id, name, dates and the record it is read from."""

    id: ActorId = Field(description="Short id: file names and anchors derive from it.")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=3000)
    start_date: dt.date = Field(description="Day 0: when the truce took effect.")
    horizon_days: int = _day("Days simulated per world.", 365)
    horizon_source: Source = Field(
        "assumption (one year, the default of every case; docs/codebook.md)", min_length=1,
        max_length=500, description="Why this horizon (e.g. the agreed term of a fixed truce).")
    record: str = Field(pattern=r"^seeds/[\w.-]+\.md$", description="The dated record.")
    start_source: Source = _source()


class Design(Strict):
    """The truce's design: its class and what it settles."""

    design_class: DesignClass = Field(alias="class", description="bare, compliance or definitive.")
    settles: Settles = Field(Settles.NONE, description="Share of the incompatibility settled.")
    source: Source = _source()

    @model_validator(mode="after")
    def _consistent(self) -> Design:
        definitive = self.design_class is DesignClass.DEFINITIVE
        if definitive != (self.settles is not Settles.NONE):
            raise PydanticCustomError(
                "design", "a definitive agreement settles 'part' or 'all' of the incompatibility; "
                "bare and compliance designs settle 'none'")
        return self


class Monitoring(Strict):
    """The monitoring mission, if any: its mandate and when it began."""

    mission: Mission = Mission.NONE
    mandate: Mandate = Mandate.NONE
    from_day: Day = _day("Day the mission began work.", 0)
    name: str = Field("", max_length=200)
    source: Source = _source()

    @model_validator(mode="after")
    def _consistent(self) -> Monitoring:
        if (self.mission is Mission.NONE) != (self.mandate is Mandate.NONE):
            raise PydanticCustomError(
                "mandate", "a mission needs a mandate ('report' or 'verify') and no mission "
                "has mandate 'none'")
        return self


class Party(Strict):
    """A party to the truce, as the record shows it."""

    id: ActorId
    name: str = Field(min_length=1, max_length=200)
    side: Side = Field(description="Which side of the line it stands on (a or b).")
    strength: Strength = Field(description="Military strength relative to the others.")
    momentum: Momentum = Field(description="Its fortunes on the ground at day 0.")
    consent: Consent = Field(description="How it came to the truce.")
    source: Source = _source()


class Broker(Strict):
    """A broker (mediator, guarantor or patron), as the record shows it."""

    id: ActorId
    name: str = Field(min_length=1, max_length=200)
    kind: BrokerKind
    role: BrokerRole
    also_fights: bool = Field(description="Whether it also fights in the war (for a side).")
    clients: list[ActorId] = Field(default_factory=list, description="Parties it backs.")
    leverage: Level = Field(Level.MEDIUM, description="How hard it can press the parties.")
    source: Source = _source()


class ExcludedGroup(Strict):
    """An armed group outside the truce (a spoiler), with its type and ties."""

    id: ActorId
    name: str = Field(min_length=1, max_length=200)
    type: SpoilerType = Field(description="Stedman's type: limited, greedy or total.")
    strength: Strength
    activity: Level = Field(description="How often it strikes during the truce.")
    ties: dict[ActorId, Tie] = Field(default_factory=dict,
                                     description="Party id -> how entangled it is with the group.")
    targets: list[ActorId] = Field(default_factory=list, description="Parties it strikes.")
    source: Source = _source()


class Talks(Strict):
    """The political talks alongside the truce."""

    track: TalksTrack
    start_day: Day = _day("Day the political talks (re)open.", 0)
    source: Source = _source()


class OutsideOffensive(Strict):
    """An offensive by someone outside the truce."""

    by: str = Field(min_length=1, max_length=200, description="Who fights (not a party).")
    against: str = Field(min_length=1, max_length=200, description="Whom it fights.")
    source: Source = _source()


class RecordEvent(Strict):
    """A dated event of the record, scripted in the built scenario."""

    day: Day = _day("Day of the event (0 = start date).")
    actor: ActorId
    action: EventAction
    note: str = Field(min_length=1, max_length=500)
    source: Source = _source()


class Outcome(Strict):
    """How the truce ended, or where the record stops."""

    ending: Ending
    day: Day = _day("Day it ended (breakdown, expiry) or the last day the record covers.")
    note: str = Field(min_length=1, max_length=1000)
    source: Source = _source()


class Features(Strict):
    """Everything the codebook needs to build a case; see docs/codebook.md."""

    case: Case
    design: Design
    monitoring: Monitoring
    parties: list[Party] = Field(min_length=2, max_length=8)
    brokers: list[Broker] = Field(default_factory=list, max_length=12)
    excluded_groups: list[ExcludedGroup] = Field(default_factory=list, max_length=12)
    talks: Talks
    outside_offensives: list[OutsideOffensive] = Field(default_factory=list, max_length=12)
    record_events: list[RecordEvent] = Field(default_factory=list, max_length=100)
    outcome: Outcome

    @model_validator(mode="after")
    def _references(self) -> Features:
        problems = reference_problems(self)
        if problems:
            raise PydanticCustomError(
                "invalid_reference", "{summary}",
                {"summary": "; ".join(p[2] for p in problems), "problems": problems})
        return self


def _unknown(loc: tuple, values: list[str], known: list[str], what: str) -> list[tuple]:
    listed = ", ".join(known) or "none"
    return [(loc + (i,), v, f"'{v}' is not {what} (known: {listed})")
            for i, v in enumerate(values) if v not in known]


def _group_problems(f: Features, parties: list[str]) -> list[tuple]:
    out = []
    for i, g in enumerate(f.excluded_groups):
        base = ("excluded_groups", i)
        out += [(base + ("ties", p), p, f"'{p}' is not a party (known: {', '.join(parties)})")
                for p in g.ties if p not in parties]
        out += _unknown(base + ("targets",), g.targets, parties, "a party")
    return out


def _broker_problems(f: Features, parties: list[str]) -> list[tuple]:
    """What a broker's role and fighting need: a client to back or fight for, on one side."""
    side = {p.id: p.side for p in f.parties}
    out = []
    for i, b in enumerate(f.brokers):
        base, clients = ("brokers", i), [c for c in b.clients if c in parties]
        if b.also_fights and b.role is BrokerRole.MEDIATOR:
            out.append((base + ("also_fights",), True, "a mediator does not fight: code a broker "
                        "that fights for a side as its guarantor or patron"))
        elif (b.also_fights or b.role is BrokerRole.PATRON) and not b.clients:
            what = "a broker that also fights" if b.also_fights else "a patron"
            out.append((base + ("clients",), [], f"{what} backs a party: list it in clients"))
        if b.also_fights and len({side[c] for c in clients}) > 1:
            out.append((base + ("clients",), clients, "a broker that also fights fights for one "
                        "side: its clients must share a side"))
    return out


def _event_problems(f: Features, parties: list[str], groups: list[str]) -> list[tuple]:
    out = []
    for i, ev in enumerate(f.record_events):
        need = groups if ev.action is EventAction.ATTACK else parties
        what = "an excluded group" if ev.action is EventAction.ATTACK else "a party"
        if ev.actor not in need:
            out.append((("record_events", i, "actor"), ev.actor,
                        f"'{ev.action}' needs {what} (known: {', '.join(need) or 'none'})"))
        if ev.day >= f.case.horizon_days:
            out.append((("record_events", i, "day"), ev.day,
                        f"an event day must be before horizon_days ({f.case.horizon_days})"))
    return out


def reference_problems(f: Features) -> list[tuple]:
    """Cross-references as ``(loc, bad value, expected)``: ids unique, ties and clients known."""
    ids = [a.id for a in (*f.parties, *f.brokers, *f.excluded_groups)]
    shared = "(parties, brokers and groups share one namespace)"
    out = [((kind, i, "id"), a.id, f"duplicate id '{a.id}' {shared}")
           for kind, items in (("parties", f.parties), ("brokers", f.brokers),
                               ("excluded_groups", f.excluded_groups))
           for i, a in enumerate(items) if ids.count(a.id) > 1]
    parties = [p.id for p in f.parties]
    for i, b in enumerate(f.brokers):
        out += _unknown(("brokers", i, "clients"), b.clients, parties, "a party")
    out += _broker_problems(f, parties)
    out += _group_problems(f, parties)
    out += _event_problems(f, parties, [g.id for g in f.excluded_groups])
    if f.monitoring.from_day >= f.case.horizon_days:
        out.append((("monitoring", "from_day"), f.monitoring.from_day,
                    "the mission must begin before horizon_days"))
    return out


def validate_features(data: Any, file: str = "<features>", doc: Any = None) -> Features:
    """Validate plain data as case features, raising :class:`ScenarioError` on any problem."""
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ScenarioError([Problem(file, 1, "", None, "expected a mapping with case:, design:, "
                                     f"monitoring:, parties:, talks: and outcome:, found {kind}")])
    try:
        return Features.model_validate(data)
    except ValidationError as exc:
        found = problems_from(exc.errors(), file, doc, data, root=None)
        raise ScenarioError([_for_features(p) for p in found]) from None


def _for_features(problem: Problem) -> Problem:
    """Point unknown-field messages at this file's reference, not the scenario schema."""
    expected = problem.expected.replace("see `trucesim schema`", "see docs/codebook.md")
    return dataclasses.replace(problem, expected=expected)


def load_features(path: str | Path) -> Features:
    """Read and validate a features file; every problem is located (file, line, field)."""
    doc, data = parse_yaml(read_text(path), str(path))
    return validate_features(data, str(path), doc)
