"""The short form of a story: a summary first, then the days that matter, with runs of
ordinary days folded into one line each ("Days 181–189: Syrian government breaks the truce
daily; the brokers press it").

*Turning points* are the events that change a world's course: a change of status (in trouble,
calm again, collapse), a walkout, a return, a withdrawal, an intervention, a milestone of the
talks, an agreement, a belief crossing a band, a shift of the battlefield, a broker joining the
fighting, an event of the scenario's script, the first hostile act, and the start of the
escalation that ended the truce. Their days are told in full. Every other day is ordinary
(violations, attacks, misperceptions, pressure): between two turning points, ordinary days are
counted, one line per escalation, and quiet spells of ``truce.quiet_days_reset`` days or more
get a line of their own.

What ended a truce follows the model's own rule (docs/model.md, section 6.2): a collapse under
sustained violence is put down to whoever opened the current escalation, the first incident
after a quiet spell of ``truce.quiet_days_reset`` days, however long ago that was.
:func:`final_escalation` finds that escalation in the event log by the same rule, so the story
and the ``collapse_cause`` column name the same actor, and the summary says who kept the
escalation going when that was someone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.events import Event, What
from sim.schema import ActorKind, Scenario

TURNING = (What.STATUS, What.WALKOUT, What.RETURN, What.WITHDRAWAL, What.INTERVENTION,
           What.TALKS, What.AGREEMENT, What.BELIEF, What.BATTLEFIELD)
MAX_TURNING_POINTS = 10  # listed in the summary; the rest are told below it


@dataclass(frozen=True)
class Escalation:
    """A run of incidents with no quiet spell of ``quiet_days_reset`` days inside it."""

    first_day: int
    opener: str                 # actor id: the first spoiler, else party, in scenario order
    acts: dict[str, int]        # actor id -> days with an incident by it, from first_day on
    last_act: dict[str, int]    # actor id -> the last of those days


def collapse_event(events: list[Event]) -> Event | None:
    """The collapse's status event, if the truce collapsed."""
    return next((e for e in events if e.what is What.STATUS and e.detail == "collapsed"), None)


def onset_of(collapse: Event) -> int:
    """The day a collapse is dated: the onset of the fighting that ended the truce (the
    collapse event's value, :mod:`sim.rules.breakdown`), else the day it was confirmed."""
    return int(collapse.value) if collapse.value is not None else collapse.day


def final_escalation(events: list[Event], scn: Scenario, until: int) -> Escalation | None:
    """The escalation running on day ``until`` (None if none has started), by the model's rule:
    an incident (a spoiler's attack or a party's violation) opens a new escalation when the
    quiet spell before it lasted ``truce.quiet_days_reset`` days or more; on that day spoilers
    come before parties, each in scenario order."""
    order = scn.actor_ids(ActorKind.SPOILER) + scn.actor_ids(ActorKind.PARTY)
    actors_on: dict[int, set[str]] = {}
    for e in events:
        if e.day <= until and e.what in (What.ATTACK, What.VIOLATION):
            actors_on.setdefault(e.day, set()).add(e.actor)
    reset = scn.truce.quiet_days_reset
    quiet, first, opener = reset, None, ""  # the first incident always opens an escalation
    for day in range(until + 1):
        if day in actors_on:
            if quiet >= reset:
                first, opener = day, next(a for a in order if a in actors_on[day])
            quiet = 0
        else:
            quiet += 1
    if first is None:
        return None
    days = {a: [d for d in range(first, until + 1) if a in actors_on.get(d, ())] for a in order}
    return Escalation(first, opener, {a: len(d) for a, d in days.items() if d},
                      {a: d[-1] for a, d in days.items() if d})


def times(n: int) -> str:
    """"once", "twice" or "n times"."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def date(start: dt.date, day: int) -> str:
    """The calendar date of ``day``, e.g. "27 Feb 2016"."""
    d = start + dt.timedelta(days=day)
    return f"{d.day} {d:%b %Y}"


class Digest:
    """The summary and the days that matter of one narrated world.

    Args:
        narrator: a :class:`sim.story.Narrator` of the scenario (actor names, sentences).
        events: the world's event log.
        horizon: days the world ran.
    """

    def __init__(self, narrator, events: list[Event], horizon: int):
        self.nr, self.scn, self.horizon = narrator, narrator.scn, horizon
        self.start = self.scn.meta.start_date
        self.collapse = collapse_event(events)
        self.last = self.collapse.day if self.collapse else horizon - 1
        self.events = [e for e in events if e.day <= self.last]
        self.by_day: dict[int, list[Event]] = {}
        for e in self.events:
            self.by_day.setdefault(e.day, []).append(e)
        self.escalation = final_escalation(self.events, self.scn, self.last) \
            if self.collapse and self.collapse.why == "sustained_violence" else None
        self.turning = self._turning_points()

    # ---------------------------------------------------------------- turning points
    def _turning_points(self) -> dict[int, list[str]]:
        """Day -> short phrases of what turned on that day."""
        out: dict[int, list[str]] = {}
        hostile = [e for e in self.events if e.what in (What.ATTACK, What.VIOLATION)]
        if hostile:
            out.setdefault(hostile[0].day, []).append(
                f"first violence ({self.nr.name(hostile[0].actor)})")
        if self.escalation:
            out.setdefault(self.escalation.first_day, []).append(
                f"the last escalation begins ({self.nr.name(self.escalation.opener)})")
        for e in self.events:
            phrase = self._turn(e)
            if phrase:
                out.setdefault(e.day, []).append(phrase)
        return dict(sorted(out.items()))

    def _turn(self, e: Event) -> str | None:
        if e.what in TURNING:
            if e.what is What.STATUS:
                return {"collapsed": "the truce collapses",
                        "in_trouble": "the truce in trouble"}.get(e.detail, "calm again")
            if e.what is What.TALKS:
                return f"talks {e.value:.0%} of the way"
            short = {What.WALKOUT: "{} walks out of the talks", What.RETURN: "{} returns to "
                     "the talks", What.WITHDRAWAL: "{} leaves the truce"}.get(e.what)
            return short.format(self.nr.name(e.actor)) if short else self.nr.sentence(e)
        if e.what is What.BROKER and e.detail == "fight":  # a broker joins the fighting
            return self.nr.sentence(e)
        return self.nr.sentence(e) if e.why == "scripted" else None

    # ---------------------------------------------------------------- the summary
    def summary(self) -> list[str]:
        """How long it held, what ended it, the turning points."""
        lines = [self._held()]
        if self.collapse:
            lines.append("What ended it: " + self._ending())
        points = [f"day {d}: {', '.join(p)}" for d, p in self.turning.items()]
        if points:
            more = len(points) - MAX_TURNING_POINTS
            shown = points[:MAX_TURNING_POINTS] + ([f"{more} more below"] if more > 0 else [])
            lines.append("Turning points: " + "; ".join(shown) + ".")
        return lines

    def _held(self) -> str:
        if self.collapse is None:
            violent = len({e.day for e in self.events if e.what is What.VIOLATION})
            return (f"Held: the truce still holds after {self.horizon} days "
                    f"({violent} of them with violations).")
        c, onset = self.collapse, onset_of(self.collapse)
        if onset == c.day:
            return (f"Held: {onset} of {self.horizon} days; the truce collapsed on day "
                    f"{onset} ({date(self.start, onset)}).")
        return (f"Held: {onset} of {self.horizon} days; the fighting that ended the truce began "
                f"on day {onset} ({date(self.start, onset)}), and the collapse was confirmed on "
                f"day {c.day} ({date(self.start, c.day)}).")

    def _ending(self) -> str:
        c, rules = self.collapse, self.scn.truce
        if c.why == "withdrawal":
            return (f"{self.nr.name(c.actor)} withdrew from the truce; the model names the "
                    "first party to withdraw as the cause.")
        if c.why == "offensive":
            return (f"a major offensive by {self.nr.name(c.actor)} ({rules.offensive_incidents} "
                    "incidents or more in one day).")
        said = (f"sustained violence ({rules.collapse_violent_days} days with violations "
                f"within {rules.collapse_window_days}).")
        esc = self.escalation
        if esc is None or esc.opener != c.actor:  # cannot happen if the log is complete
            return said + f" The model names {self.nr.name(c.actor)} as its cause."
        return said + " " + self._explain(esc)

    def _explain(self, esc: Escalation) -> str:
        opener, reset = self.nr.name(esc.opener), self.scn.truce.quiet_days_reset
        text = (f"The model names {opener} as the cause because it opened the last "
                f"escalation, on day {esc.first_day} ({date(self.start, esc.first_day)}): "
                f"after that the violence never paused for {reset} days.")
        others = {a: n for a, n in esc.acts.items() if a != esc.opener}
        if not others:
            return text
        kept = ", ".join(f"{self.nr.name(a)} {self._acted(a)} on {_days(n)}"
                         for a, n in sorted(others.items(), key=lambda x: -x[1]))
        text += (f" In the {self.last - esc.first_day + 1} days from then to the collapse, "
                 f"{opener} {self._acted(esc.opener)} on {_days(esc.acts[esc.opener])}, "
                 f"{kept}.")
        gone = self.last - esc.last_act[esc.opener]
        if gone >= reset:
            text += (f" {opener}'s own last act was on day {esc.last_act[esc.opener]}, {gone} "
                     "days before the collapse: the others kept the violence going.")
        return text

    def _acted(self, actor: str) -> str:
        spoilers = self.scn.actor_ids(ActorKind.SPOILER)
        return "attacked" if actor in spoilers else "broke the truce"

    # ---------------------------------------------------------------- the days that matter
    def days(self) -> list[str]:
        """Turning days in full; ordinary days between them folded, one line per escalation."""
        self.nr.restart()
        lines: list[str] = []
        stretch: list[int] = []
        for day in range(self.last + 1):
            if day in self.turning:
                lines += self._fold(stretch) + [self._full(day)]
                stretch = []
            else:
                stretch.append(day)
        lines += self._fold(stretch)
        if self.collapse is None:
            lines.append(f"After {self.horizon} day{'s' * (self.horizon > 1)} "
                         "the truce still holds.")
        else:
            lines.append(f"The truce held {onset_of(self.collapse)} days.")
        return lines

    def _full(self, day: int) -> str:
        said = "; ".join(s for s in map(self.nr.sentence, self.by_day.get(day, [])) if s)
        notes = [p for p in self.turning[day] if p.startswith(("first violence", "the last"))]
        extra = f" ({'; '.join(p.split(' (')[0] for p in notes)})" if notes else ""
        return _line(f"Day {day} ({date(self.start, day)})", said) + extra

    def _fold(self, days: list[int]) -> list[str]:
        """Ordinary days: each escalation on one line, quiet spells of ``quiet_days_reset``
        days or more on their own lines (shorter ones are left out)."""
        reset = self.scn.truce.quiet_days_reset
        lines: list[str] = []
        episode: list[int] = []
        quiet: list[int] = []
        for day in days:
            if day not in self.by_day:
                quiet.append(day)
                continue
            if len(quiet) >= reset:
                lines += self._episode(episode) + [_span(quiet[0], quiet[-1]) + ": quiet."]
                episode = []
            quiet = []
            episode.append(day)
        lines += self._episode(episode)
        if len(quiet) >= reset:
            lines.append(_span(quiet[0], quiet[-1]) + ": quiet.")
        return lines

    def _episode(self, days: list[int]) -> list[str]:
        if not days:
            return []
        if len(days) == 1:
            said = "; ".join(s for s in map(self.nr.sentence, self.by_day[days[0]]) if s)
            return [_line(f"Day {days[0]} ({date(self.start, days[0])})", said)] if said else []
        events = [e for d in days for e in self.by_day[d]]
        clauses = self._clauses(events, days[-1] - days[0] + 1)
        text = "; ".join(clauses)
        return [_line(f"{_span(days[0], days[-1])} ({dates(self.start, days[0], days[-1])})",
                      text)]

    def _clauses(self, events: list[Event], span: int) -> list[str]:
        out = []
        for sid in self.scn.actor_ids(ActorKind.SPOILER):
            n = len({e.day for e in events if e.what is What.ATTACK and e.actor == sid})
            if n:
                out.append(f"{self.nr.name(sid)} attacks {times(n)}")
        for pid in self.scn.actor_ids(ActorKind.PARTY):
            out += self._party_clauses(pid, events, span)
        pressed = [pid for pid in self.scn.actor_ids(ActorKind.PARTY)
                   if any(e.what is What.PRESSURE and e.target == pid for e in events)]
        if pressed:
            out.append(f"the brokers press {self.nr.name(','.join(pressed))}")
        return out + self._broker_clauses(events)

    def _broker_clauses(self, events: list[Event]) -> list[str]:
        """Each broker with interests whose action changed: its last choice in the span."""
        last = {e.actor: e for e in events if e.what is What.BROKER}
        return [s for s in (self.nr.sentence(e) for e in last.values()) if s]

    def _party_clauses(self, pid: str, events: list[Event], span: int) -> list[str]:
        mine = [e for e in events if e.actor == pid]
        out = []
        broke = [e for e in mine if e.what is What.VIOLATION]
        if broke:
            how = "daily" if len(broke) == span and span >= 3 else times(len(broke))
            back = sum(e.why == "retaliation" for e in broke)
            why = ("" if not back else ", in retaliation" if back == len(broke)
                   else f", {back} of them in retaliation")
            out.append(f"{self.nr.name(pid)} breaks the truce {how}{why}")
        for why, verb in (("false", "wrongly believes {} fired on it"),
                          ("misattributed", "blames {} for a spoiler's attack")):
            seen = [e for e in mine if e.what is What.PERCEIVED and e.why == why]
            for target in dict.fromkeys(e.target for e in seen):
                n = sum(e.target == target for e in seen)
                out.append(f"{self.nr.name(pid)} " + verb.format(self.nr.name(target))
                           + f" {times(n)}")
        return out


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def dates(start: dt.date, first: int, last: int) -> str:
    """A date range without repeating its month and year: "18–21 Mar 2016"."""
    a, b = start + dt.timedelta(days=first), start + dt.timedelta(days=last)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%b %Y}"
    return f"{a.day} {a:%b}{'' if a.year == b.year else f' {a.year}'} – {b.day} {b:%b %Y}"


def _line(label: str, said: str) -> str:
    return f"{label}: {said[0].upper()}{said[1:]}." if said else f"{label}."


def _span(first: int, last: int) -> str:
    return f"Day {first}" if first == last else f"Days {first}–{last}"
