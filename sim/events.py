"""A structured event log of selected worlds: who did what, to whom, why, and what they believed.

The model calls :meth:`EventLog.record` once at the end of each day when it was built with
``log_worlds``; otherwise there is no log and nothing is recorded. The log reads the state
arrays the phases left behind and compares them with its own copy of yesterday's, so no rule
changes for it. Causes ("why") follow the model's own definitions (docs/model.md):

* a violation is *scripted* (an event of the scenario), *withdrawn* (the party has left the
  truce), a *retaliation* when the party perceived a hostile act yesterday (the decision rule
  reacts to yesterday's perceptions), else a *choice* (motive outweighed commitment, or an
  execution error);
* a perceived hostile act is *seen* (a real violation, detected), *misattributed* (a spoiler's
  attack blamed on a party tied to it) or *false* (a false alarm or collateral damage);
* a walkout follows hostile acts perceived over 7 days; a return follows a meeting or trust;
* an intervention fires on its trigger; a status change follows the truce rules;
* a broker with interests changes its weekly action for the reason its utility weighs most
  (docs/model.md section 12.1), read from the week's record it chose from: its client's
  violations (*client_violated*), the parties' (*violations*; *despite_violations* when it
  stays out, *mostly_calm* when it rewards), a *calm* week, *spoilers*' attacks
  (counter-terrorism) or the *ground* its client expects to gain; ``count`` is the number of
  days behind that reason (*start* on day 0: no record yet);
* a party's control of the contested ground has risen by :data:`CONTROL_STEP` or more since
  it was last told (a battlefield shift, after fighting), told from the gainer's side.

"What was believed" is the actor's trust in the other party and its commitment at the end of
the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from sim.broker_schema import ACTION_CODES, BrokerAction
from sim.schema import EventAction
from sim.state import WEEK, CollapseMode, TruceStatus, initial_belief

MILESTONES = (0.25, 0.5, 0.75)  # talks progress worth telling
BELIEF_BANDS = (0.1, 0.3, 0.5, 0.7, 0.9)  # belief that the other is regrouping worth telling
CONTROL_STEP = 0.05  # a change of control worth telling: 5 points of the contested ground
PRESS, SHIELD, REWARD, FIGHT, STAY_OUT = (ACTION_CODES[a] for a in BrokerAction)


class What(StrEnum):
    """Kinds of event in the log."""

    ATTACK = "attack"
    VIOLATION = "violation"
    PERCEIVED = "perceived"
    PRESSURE = "pressure"
    WALKOUT = "walkout"
    RETURN = "return"
    WITHDRAWAL = "withdrawal"
    INTERVENTION = "intervention"
    TALKS = "talks"
    AGREEMENT = "agreement"
    STATUS = "status"
    BROKER = "broker"  # a broker with interests changed its action (docs/model.md section 12)
    BELIEF = "belief"
    BATTLEFIELD = "battlefield"  # a party's control rose by CONTROL_STEP since last told


@dataclass(frozen=True)
class Event:
    """One thing that happened in one world on one day.

    ``actor`` and ``target`` are actor ids ("" when none); ``why`` is a short cause code (see
    the module docstring); ``detail`` a kind-specific word (an intervention kind, a status);
    ``trust`` the actor's trust in the target and ``commitment`` the actor's commitment at the
    end of the day, when they apply; ``value`` a kind-specific number (pressure, progress);
    ``count`` a number of days behind ``why`` (a broker's reason).
    """

    day: int
    world: int
    what: What
    actor: str = ""
    target: str = ""
    why: str = ""
    detail: str = ""
    trust: float | None = None
    commitment: float | None = None
    value: float | None = None
    count: int | None = None

    def as_dict(self) -> dict:
        """The event as plain data (floats rounded to 4 decimals), for JSON."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["what"] = str(self.what)
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


@dataclass
class _Yesterday:
    """The parts of yesterday's state that today's events are read against."""

    in_talks: np.ndarray
    withdrawn: np.ndarray
    status: np.ndarray
    pressure: np.ndarray
    perceived: np.ndarray
    progress: np.ndarray
    uses: np.ndarray
    broker_action: np.ndarray
    belief: np.ndarray
    week_violations: np.ndarray  # the week's record the brokers choose from (before its reset)
    week_attacks: np.ndarray
    control_told: np.ndarray  # (worlds, P) each party's control when it was last told


class EventLog:
    """Events of the worlds ``worlds`` (indices within the model's batch).

    Args:
        worlds: batch indices of the worlds to record.
        first_world: global index of the batch's first world (for the ``world`` field).
    """

    def __init__(self, worlds: list[int], first_world: int = 0):
        self.worlds = np.asarray(sorted(set(worlds)), dtype=int)
        self.first_world = first_world
        self.events: list[Event] = []
        self._prev: _Yesterday | None = None

    def record(self, model) -> None:
        """Append the day's events of the logged worlds; called once at the end of a day."""
        if self._prev is None:
            self._prev = self._snapshot(model, initial=True)
        today = _Day(model, self.worlds, self._prev)
        for k, w in enumerate(self.worlds):
            self.events += today.events(k, int(w) + self.first_world)
        self._prev = self._snapshot(model)

    def of_world(self, world: int) -> list[Event]:
        """Events of one world (global index), in order."""
        return [e for e in self.events if e.world == world]

    def _snapshot(self, model, initial: bool = False) -> _Yesterday:
        s, w = model.state, self.worlds
        uses = model.engine.activations.uses[:, w].copy()
        if initial:
            P = model.params.n_parties
            return _Yesterday(np.ones((len(w), P), bool), np.zeros((len(w), P), bool),
                              np.zeros(len(w), np.int8), np.zeros((len(w), P)),
                              np.zeros((len(w), P, P), np.int16), np.zeros(len(w)),
                              np.zeros_like(uses), np.zeros_like(s.broker_action[w]),
                              np.broadcast_to(initial_belief(model.params), (len(w), P, P)),
                              np.zeros((len(w), P), int), np.zeros(len(w), int),
                              np.tile(model.params.game.control0, (len(w), 1)))
        return _Yesterday(s.in_talks[w].copy(), s.withdrawn[w].copy(), s.status[w].copy(),
                          s.pressure[w].copy(), s.perceived[w].copy(),
                          s.talks_progress[w].copy(), uses, s.broker_action[w].copy(),
                          s.belief[w].copy(), s.week_violations[w].copy(),
                          s.week_attacks[w].copy(), self._prev.control_told)


class _Day:
    """Reads one day's events of the logged worlds from the model and yesterday's snapshot."""

    def __init__(self, model, worlds: np.ndarray, prev: _Yesterday):
        self.m, self.p, self.s, self.w, self.prev = model, model.params, model.state, worlds, prev
        self.day = model.day
        self.scripted = {(i, act) for d, i, act in self.p.events if d == self.day}
        blame = getattr(model, "today_blame", None)
        self.blame = None if blame is None else blame[worlds]

    def events(self, k: int, world: int) -> list[Event]:
        out: list[Event] = []
        for part in (self._interventions, self._brokers, self._attacks, self._violations,
                     self._perceived, self._beliefs, self._pressure, self._talks,
                     self._battlefield, self._status):
            out += part(k, world)
        return out

    def _ev(self, world: int, what: What, **kw) -> Event:
        return Event(self.day, world, what, **kw)

    def _trust(self, w: int, i: int, j: int) -> float:
        return float(self.s.trust[w, i, j])

    def _interventions(self, k: int, world: int) -> list[Event]:
        eng = self.m.engine
        before = np.zeros(len(eng.items), dtype=np.int64)  # play mode may add interventions
        before[:len(self.prev.uses)] = self.prev.uses[:, k]
        fired = eng.activations.uses[:, self.w[k]] > before
        out = []
        for item in (c for c, f in zip(eng.items, fired) if f):
            brokers = [b for b, on in zip(self.p.broker_ids, item.broker_mask) if on]
            trigger = item.iv.trigger
            out.append(self._ev(world, What.INTERVENTION, actor=",".join(brokers),
                                detail=item.iv.kind,
                                why=str(trigger.when) if trigger.when else "scheduled",
                                value=float(trigger.threshold) if trigger.when else None))
        return out

    def _brokers(self, k: int, world: int) -> list[Event]:
        """Brokers with interests that chose a new action today, and why; ``value`` is the
        ground their client expects to gain (share - control), where there is a battlefield."""
        w, p, s = self.w[k], self.p, self.s
        out = []
        for b in np.flatnonzero(s.broker_action[w] != self.prev.broker_action[k]):
            c = int(p.game.broker_client[b])
            gain = float(s.share[w, c] - s.control[w, c]) \
                if c >= 0 and p.game.has_battlefield else None
            why, count = self._broker_why(k, int(b), c, int(s.broker_action[w, b]), gain or 0.0)
            out.append(self._ev(world, What.BROKER, actor=p.broker_ids[b],
                                target=p.party_ids[c] if c >= 0 else "", why=why,
                                detail=list(BrokerAction)[s.broker_action[w, b]].value,
                                value=gain, count=count))
        return out

    def _broker_why(self, k: int, b: int, c: int, a: int, gain: float) -> tuple[str, int | None]:
        """The reason its utility (sim.rules.broker_choice) weighs most for action ``a``, from
        the week's record it chose from, and the days behind it."""
        if self.day == 0:
            return "start", None
        record, g = self.prev.week_violations[k], self.p.game
        n_all, n_c = int(record.sum()), int(record[c]) if c >= 0 else 0
        if a == FIGHT:
            attacks = int(self.prev.week_attacks[k])
            terms = {"ground": g.broker_stake[b] * max(gain, 0.0),  # the terms of U(fight)
                     "client_violated": g.broker_stake[b] * n_c / WEEK,
                     "spoilers": g.broker_ct[b] * attacks / WEEK}
            why = max(terms, key=terms.get)
            return why, {"spoilers": attacks, "client_violated": n_c, "ground": None}[why]
        if a == SHIELD and n_c:
            return "client_violated", n_c
        if a in (REWARD, STAY_OUT) and n_all:
            return ("mostly_calm" if a == REWARD else "despite_violations"), n_all
        return ("violations", n_all) if n_all else ("calm", 0)

    def _attacks(self, k: int, world: int) -> list[Event]:
        w, p = self.w[k], self.p
        out = []
        for s in np.flatnonzero(self.s.attacked[w]):
            victims = [p.party_ids[j] for j in np.flatnonzero(p.targets[s])]
            why = "scripted" if (s, EventAction.ATTACK) in self.scripted else "choice"
            out.append(self._ev(world, What.ATTACK, actor=p.spoiler_ids[s],
                                target=",".join(victims), why=why))
        return out

    def _violations(self, k: int, world: int) -> list[Event]:
        w, p, s = self.w[k], self.p, self.s
        out = []
        for i in np.flatnonzero(s.violated[w]):
            provokers = np.flatnonzero(self.prev.perceived[k, i])
            if (i, EventAction.VIOLATE) in self.scripted:
                why, targets = "scripted", []
            elif self.prev.withdrawn[k, i]:
                why, targets = "withdrawn", []
            elif provokers.size:
                why, targets = "retaliation", provokers
            else:
                why, targets = "choice", []
            target = ",".join(p.party_ids[j] for j in targets)
            trust = self._trust(w, i, targets[0]) if len(targets) else None
            out.append(self._ev(world, What.VIOLATION, actor=p.party_ids[i], target=target,
                                why=why, trust=trust, commitment=float(s.commitment[w, i])))
        return out

    def _perceived(self, k: int, world: int) -> list[Event]:
        """Hostile acts perceived by party i (actor) from party j (target)."""
        w, p, s = self.w[k], self.p, self.s
        out = []
        for i, j in zip(*np.nonzero(s.perceived[w])):
            n_blamed = int(self.blame[k, i, j]) if self.blame is not None else 0
            rest = int(s.perceived[w, i, j]) - n_blamed
            kinds = [("misattributed", n_blamed)] if n_blamed else []
            if rest > 0:
                kinds.append(("seen" if s.violated[w, j] else "false", rest))
            for why, n in kinds:
                culprits = self._culprits(w, i, j) if why == "misattributed" else ""
                out.append(self._ev(world, What.PERCEIVED, actor=p.party_ids[i],
                                    target=p.party_ids[j], why=why, detail=culprits,
                                    trust=self._trust(w, i, j), value=float(n)))
        return out

    def _beliefs(self, k: int, world: int) -> list[Event]:
        """Party i's belief that j is a tactical signer (regrouping), when it crosses one of
        :data:`BELIEF_BANDS` (hidden types on: docs/model.md 11.5); value = that probability."""
        if not self.p.has_types:
            return []
        w, p = self.w[k], self.p
        before, now = 1.0 - self.prev.belief[k], 1.0 - self.s.belief[w]
        out = []
        for i, j in zip(*np.nonzero(~np.eye(p.n_parties, dtype=bool))):
            lo, hi = sorted((before[i, j], now[i, j]))
            if any(lo < band <= hi for band in BELIEF_BANDS):
                out.append(self._ev(world, What.BELIEF, actor=p.party_ids[i],
                                    target=p.party_ids[j], why="bayes",
                                    trust=self._trust(w, i, j), value=float(now[i, j])))
        return out

    def _culprits(self, w: int, i: int, j: int) -> str:
        """Spoilers whose attack today on party i could be blamed on party j (tied to them)."""
        p, ties = self.p, self.m.engine.ties[w]
        return ",".join(p.spoiler_ids[s] for s in np.flatnonzero(self.s.attacked[w])
                        if p.targets[s, i] and ties[j, s] > 0)

    def _pressure(self, k: int, world: int) -> list[Event]:
        w, p, s = self.w[k], self.p, self.s
        decayed = (1.0 - p.decay) * self.prev.pressure[k]
        rose = s.pressure[w] > decayed + 1e-12
        return [self._ev(world, What.PRESSURE, target=p.party_ids[i], why="verified_violation",
                         detail=self._pressers(w, i), value=float(s.pressure[w, i]))
                for i in np.flatnonzero(rose)]

    def _pressers(self, w: int, i: int) -> str:
        """Where brokers decide: those whose action this week presses party i (else "")."""
        p, a = self.p, self.s.broker_action[w]
        if not p.game.has_brokers_decide:
            return ""
        press, fight = ACTION_CODES[BrokerAction.PRESS], ACTION_CODES[BrokerAction.FIGHT]
        return ",".join(bid for b, bid in enumerate(p.broker_ids)
                        if p.leverage_eff[b, i] > 0 and (a[b] == press or (
                            a[b] == fight and p.game.broker_client[b] != i)))

    def _talks(self, k: int, world: int) -> list[Event]:
        w, p, s, prev = self.w[k], self.p, self.s, self.prev
        out = []
        for i in np.flatnonzero(prev.in_talks[k] & ~s.in_talks[w]):
            forced = (i, EventAction.WALKOUT) in self.scripted
            why = "scripted" if forced else "withdrawn" if s.withdrawn[w, i] else "hostile_acts"
            out.append(self._ev(world, What.WALKOUT, actor=p.party_ids[i], why=why,
                                value=float(s.hostile7[w, i]),
                                commitment=float(s.commitment[w, i])))
        for i in np.flatnonzero(~prev.in_talks[k] & s.in_talks[w]):
            meeting = any(e.detail == "mediation_meeting" for e in self._interventions(k, 0))
            why = "scripted" if (i, EventAction.RETURN) in self.scripted else \
                "meeting" if meeting else "trust"
            out.append(self._ev(world, What.RETURN, actor=p.party_ids[i], why=why))
        for i in np.flatnonzero(~prev.withdrawn[k] & s.withdrawn[w]):
            why = "scripted" if (i, EventAction.WITHDRAW) in self.scripted else "low_commitment"
            reneged = s.reneged_by[w] == i
            out.append(self._ev(world, What.WITHDRAWAL, actor=p.party_ids[i],
                                why="reneged" if reneged else why,
                                commitment=float(s.commitment[w, i])))
        return out + self._progress(k, world)

    def _progress(self, k: int, world: int) -> list[Event]:
        w, before, now = self.w[k], self.prev.progress[k], float(self.s.talks_progress[self.w[k]])
        out = [self._ev(world, What.TALKS, why="progress", value=m)
               for m in MILESTONES if before < m <= now]
        if self.m.has_issues and self.s.day_agreement[w] == self.day:
            out.append(self._ev(world, What.AGREEMENT, why="all_issues_agreed"))
        return out

    def _battlefield(self, k: int, world: int) -> list[Event]:
        """Parties whose control of the contested ground rose by :data:`CONTROL_STEP` or more
        since it was last told (a change of that size either way is told, to the gainer, or
        noted, for the loser: no retelling of a line the control hovers about); ``detail``:
        the brokers fighting for it this week."""
        if not self.p.game.has_battlefield:
            return []
        w, p, s, told = self.w[k], self.p, self.s, self.prev.control_told[k]
        moved = np.abs(s.control[w] - told) >= CONTROL_STEP - 1e-9
        out = []
        for i in np.flatnonzero(moved & (s.control[w] > told)):
            backers = [bid for b, bid in enumerate(p.broker_ids)
                       if s.broker_action[w, b] == FIGHT and p.game.broker_client[b] == i]
            out.append(self._ev(world, What.BATTLEFIELD, actor=p.party_ids[i], why="fighting",
                                detail=",".join(backers), value=float(s.control[w, i])))
        told[moved] = s.control[w][moved]
        return out

    def _status(self, k: int, world: int) -> list[Event]:
        w, s = self.w[k], self.s
        old, new = TruceStatus(self.prev.status[k]), TruceStatus(s.status[w])
        if old == new:
            return []
        if new is TruceStatus.COLLAPSED:
            mode = CollapseMode(s.collapse_mode[w])
            return [self._ev(world, What.STATUS, detail=new.name.lower(),
                             actor=self.m.actor_id(int(s.collapse_cause[w])),
                             why=mode.name.lower(), value=float(s.day_collapse[w]))]
        why = "violations_7d" if new is TruceStatus.IN_TROUBLE else "calm"
        return [self._ev(world, What.STATUS, detail=new.name.lower(), why=why,
                         value=float(s.count7[w]))]
