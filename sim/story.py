"""One world told in plain language, from the event log (:mod:`sim.events`).

``tell(scenario, strategy, seed, world)`` runs world ``world`` of seed ``seed`` (the same world
as in ``trucesim run`` with that seed) with its events logged. Its :attr:`Story.text` gives a
summary first (how long the truce held, what ended it, the turning points) and then the days
that matter, with runs of ordinary days folded (:mod:`sim.story_digest`); its
:attr:`Story.full_text` tells every day, as :func:`narrate` does: "Day 52 (19 Apr 2016): Nusra
Front attacks the Syrian government; the Syrian government blames the opposition for it; ...".
Same seed, same world: same story.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from sim.events import Event, What
from sim.model import TruceModel
from sim.schema import ActorKind, Scenario
from sim.story_digest import Digest, onset_of

INTERVENTION_TEXT = {
    "mediation_meeting": "{who} call{s} an urgent meeting",
    "monitoring": "a monitoring mission starts work",
    "pressure": "{who} step{s} up pressure on violators",
    "guarantee": "{who} guarantee{s} the truce, promising to punish whoever defects first",
    "inducements": "aid and sanctions relief are offered for compliance",
    "separation": "parties tied to spoilers are told to cut their ties",
    "action_against_spoilers": "military action against the spoilers begins",
    "political_push": "a push on the political track begins",
    "leader_diplomacy": "the leaders of {who} get on the phone",
}
BROKER_TEXT = {  # what a broker with interests chose (sim.broker_schema.BrokerAction)
    "press": "{who} now presses every violator it verifies",
    "shield": "{who} shields {client} from the others' pressure",
    "reward": "{who} rewards compliance",
    "fight": "{who} joins the fighting for {client}{gain}",
    "stay_out": "{who} stays out",
}
BROKER_WHY = {  # why it chose it: the week's record its utility weighs most (sim.events)
    "client_violated": " after {client} broke the truce on {days} last week",
    "violations": " after violations on {days} last week",
    "calm": " after a calm week",
    "mostly_calm": " after a mostly calm week (violations on {days})",
    "despite_violations": " despite violations on {days} last week",
    "spoilers": " after spoilers struck on {days} last week (counter-terrorism)",
}
TRIGGER_TEXT = {
    "violations_7d": "violations reached {n:g} in a week",
    "trust_below": "trust fell below {n:g}",
    "walkout": "a party is away from the talks",
    "in_trouble": "the truce is in trouble",
}


@dataclass
class Story:
    """A narrated world: its heading, its summary, the days that matter, every day's line,
    and the log it was told from."""

    heading: str
    summary: list[str]
    lines: list[str]
    full_lines: list[str]
    events: list[Event]
    day_collapse: int | None

    @property
    def text(self) -> str:
        """The summary, then the days that matter (ordinary days folded)."""
        return "\n".join([self.heading, "", *self.summary, "", "The days that matter:",
                          *self.lines, "", "(`trucesim story --full` tells every day.)"]) + "\n"

    @property
    def full_text(self) -> str:
        """Every day with events, one line each (quiet stretches folded)."""
        return "\n".join([self.heading, "", *self.full_lines]) + "\n"


def _short(name: str) -> str:
    """A display name without its gloss in brackets: "UN envoy (X)" becomes "UN envoy"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name) or name


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Narrator:
    """Turns events into sentences, with the scenario's actor names."""

    def __init__(self, scn: Scenario, brief: bool = False):
        self.scn, self.brief, self._pressed = scn, brief, set()
        self.names = {a.id: _short(a.name) for a in scn.actors}
        self.brokers = [a for a in scn.actors if a.kind is ActorKind.BROKER]
        self._say: dict[What, Callable[[Event], str | None]] = {
            What.ATTACK: self._attack, What.VIOLATION: self._violation,
            What.PERCEIVED: self._perceived, What.PRESSURE: self._pressure,
            What.WALKOUT: self._walkout, What.RETURN: self._return,
            What.WITHDRAWAL: self._withdrawal, What.INTERVENTION: self._intervention,
            What.TALKS: self._talks, What.AGREEMENT: lambda e: "every issue is agreed at the talks",
            What.STATUS: self._status, What.BROKER: self._broker, What.BELIEF: self._belief,
            What.BATTLEFIELD: self._battlefield,
        }

    def restart(self) -> None:
        """Forget which parties' pressers were named (brief mode names them once)."""
        self._pressed.clear()

    def name(self, ids: str) -> str:
        """The display names of comma-separated actor ids ("someone" if none)."""
        return _join([self.names.get(i, i) for i in ids.split(",")]) if ids else "someone"

    def sentence(self, e: Event) -> str | None:
        """The event as a sentence, or None for events not told."""
        return self._say[e.what](e)

    def _attack(self, e: Event) -> str:
        scripted = " (as it happened)" if e.why == "scripted" else ""
        return f"{self.name(e.actor)} attacks {self.name(e.target)}{scripted}"

    def _violation(self, e: Event) -> str:
        who = self.name(e.actor)
        if e.why == "retaliation":
            return (f"{who} retaliates against {self.name(e.target)} "
                    f"(its trust in them: {e.trust:.2f})")
        if e.why == "withdrawn":
            return f"{who}, no longer bound by the truce, keeps fighting"
        if e.why == "scripted":
            return f"{who} violates the truce (as it happened)"
        return f"{who} breaks the truce (commitment {e.commitment:.2f})"

    def _perceived(self, e: Event) -> str | None:
        who, other = self.name(e.actor), self.name(e.target)
        if e.why == "misattributed":
            by = f"the attack by {self.name(e.detail)}" if e.detail else "an attack"
            return f"{who} blames {other} for {by}"
        if e.why == "false":
            return f"{who} wrongly believes {other} fired on it"
        return None  # a violation that was seen: the violation itself is told

    def _belief(self, e: Event) -> str:
        """What a party now believes of the other's type (docs/model.md 11.5)."""
        return (f"{self.name(e.actor)} now thinks {self.name(e.target)} is {e.value:.0%} likely "
                "to be regrouping")

    def _pressure(self, e: Event) -> str:
        if self.brief and e.target in self._pressed:  # named in full the first time only
            return f"the brokers press {self.name(e.target)}"
        self._pressed.add(e.target)
        pressing = [self.names[b] for b in e.detail.split(",")] if e.detail else \
            [b.name for b in self.brokers if b.relations.leverage.get(e.target, 0.0) > 0
             and b.relations.bias.get(e.target, 0.0) < 1.0]
        who = _join(pressing) if pressing else "the brokers"
        return f"{who} press{'' if len(pressing) > 1 else 'es'} {self.name(e.target)}"

    def _broker(self, e: Event) -> str:
        """What a broker with interests chose this week, and why (docs/model.md 12.1)."""
        who, client = self.name(e.actor), self.name(e.target)
        gain = f" (it expects to gain {e.value:.0%} of the ground)" if e.value else ""
        why = BROKER_WHY.get(e.why, "").format(client=client, days=_n_days(e.count or 0))
        return BROKER_TEXT[e.detail].format(who=who, client=client, gain=gain) + why

    def _battlefield(self, e: Event) -> str:
        """A party gains ground (docs/model.md, "Battlefield")."""
        backed = f", with {self.name(e.detail)} fighting for it" if e.detail else ""
        return (f"{self.name(e.actor)} gains ground: it now holds {e.value:.0%} of the "
                f"contested ground{backed}")

    def _walkout(self, e: Event) -> str:
        who = self.name(e.actor)
        if e.why == "hostile_acts":
            return f"{who} walks out of the talks after {e.value:g} hostile acts in a week"
        return f"{who} walks out of the talks"

    def _return(self, e: Event) -> str:
        after = {"meeting": " after the meeting", "trust": ""}.get(e.why, " (as it happened)")
        return f"{self.name(e.actor)} returns to the talks{after}"

    def _withdrawal(self, e: Event) -> str:
        who = self.name(e.actor)
        if e.why == "reneged":
            return f"{who} reneges on the deal and leaves the truce"
        return f"{who} formally withdraws from the truce"

    def _intervention(self, e: Event) -> str:
        ids = e.actor.split(",") if e.actor else []
        text = INTERVENTION_TEXT.get(e.detail, e.detail.replace("_", " ") + " begins")
        text = text.format(who=self.name(e.actor), s="" if len(ids) > 1 else "s")
        if e.why in TRIGGER_TEXT:
            text += ", because " + TRIGGER_TEXT[e.why].format(n=e.value or 0)
        return text

    def _talks(self, e: Event) -> str:
        return f"the talks pass {e.value:.0%} of the way to a deal"

    def _status(self, e: Event) -> str:
        if e.detail == "collapsed":
            if e.why == "withdrawal":
                return f"THE TRUCE COLLAPSES: {self.name(e.actor)} has withdrawn"
            if e.why == "offensive":
                return f"THE TRUCE COLLAPSES: {self.name(e.actor)} launches a major offensive"
            opened = f", in an escalation opened by {self.name(e.actor)}" if e.actor else ""
            return f"THE TRUCE COLLAPSES under sustained violence{opened}"
        if e.detail == "in_trouble":
            return f"the truce is in trouble ({e.value:g} violations in the last 7 days)"
        return "calm returns: the truce is holding again"


def narrate(events: list[Event], scn: Scenario, horizon: int) -> list[str]:
    """One line per day with events (quiet stretches folded into one line), ending at the
    collapse or the horizon."""
    narrator = Narrator(scn)
    start = scn.meta.start_date
    by_day: dict[int, list[str]] = {}
    for e in events:
        text = narrator.sentence(e)
        if text:
            by_day.setdefault(e.day, []).append(text)
    ended = next((e for e in events if e.what is What.STATUS and e.detail == "collapsed"),
                 None)
    end = ended.day if ended is not None else None
    lines, quiet_from = [], 0
    last = end if end is not None else horizon - 1
    for day in sorted(d for d in by_day if d <= last):
        if day > quiet_from:
            lines.append(_quiet(quiet_from, day - 1))
        said = "; ".join(by_day[day])
        lines.append(f"Day {day} ({_date(start, day)}): {said[0].upper()}{said[1:]}.")
        quiet_from = day + 1
    if end is None:
        if quiet_from <= horizon - 1:
            lines.append(_quiet(quiet_from, horizon - 1))
        lines.append(f"After {horizon} day{'s' if horizon > 1 else ''} the truce still holds.")
    else:
        lines.append(f"The truce held {onset_of(ended)} days.")
    return lines


def _n_days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def _quiet(first: int, last: int) -> str:
    return f"Day {first}: quiet." if first == last else f"Days {first}–{last}: quiet."


def _date(start: dt.date, day: int) -> str:
    d = start + dt.timedelta(days=day)
    return f"{d.day} {d:%b %Y}"


def tell(scn: Scenario, strategy: str = "baseline", seed: int = 0, world: int = 0,
         days: int | None = None) -> Story:
    """Run world ``world`` of seed ``seed`` with its events logged, and narrate it.

    Raises:
        KeyError: for an unknown strategy.
    """
    model = TruceModel(scn, 1, seed, strategy, first_world=world, days=days, log_worlds=[0])
    model.run()
    events = model.event_log.events
    heading = (f"{scn.meta.name} — strategy {strategy}, seed {seed}, world {world}: "
               f"{model.params.horizon} days from {_date(scn.meta.start_date, 0)}")
    collapse = int(model.state.day_collapse[0])
    digest = Digest(Narrator(scn, brief=True), events, model.params.horizon)
    return Story(heading, digest.summary(), digest.days(),
                 narrate(events, scn, model.params.horizon), events,
                 collapse if collapse >= 0 else None)
