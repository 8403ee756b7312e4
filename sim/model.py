"""TruceModel: a Mesa model of a truce, run over a batch of independent worlds at once.

The actors are Mesa agents (:mod:`sim.agents`); the state of every world lives in numpy arrays
whose leading axis is the world (:class:`sim.state.State`), and each phase of the day applies
one rule from :mod:`sim.rules` to all worlds and all actors of a kind at once. Decisions are
simultaneous: every party decides from what it perceived yesterday, so actor order is irrelevant.
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np

from sim.agents import Broker, Party, Spoiler
from sim.arrays import all_along, any_along, short_sum, tiled
from sim.events import EventLog
from sim.params import Params, compile_params
from sim.political import PoliticalTrack
from sim.rng import Streams
from sim.rules import beliefs, brokers, decisions, frailty, observation, spoilers, status, talks
from sim.schema import ActorKind, EventAction, Scenario
from sim.state import WEEK, CollapseMode, State, TruceStatus, push
from sim.strategies.engine import InterventionEngine


def _series_reporters() -> dict:
    """Model-level daily series, as sums over worlds so that batches add up."""
    return {
        "n_worlds": lambda m: m.state.n,
        "n_holding": lambda m: int((m.state.status == TruceStatus.HOLDING).sum()),
        "n_in_trouble": lambda m: int((m.state.status == TruceStatus.IN_TROUBLE).sum()),
        "n_collapsed": lambda m: int((m.state.status == TruceStatus.COLLAPSED).sum()),
        "party_violations": lambda m: int(m.state.violated.sum()),
        "spoiler_attacks": lambda m: int(m.state.attacked.sum()),
        "misattributed": lambda m: int(m.today_misattributed),
        "n_away_from_talks": lambda m: int(any_along(~m.state.in_talks, 1).sum()),
        "sum_trust": lambda m: float(m.mean_trust_all.sum()),
        "sum_commitment": lambda m: float((short_sum(m.state.commitment, 1)
                                           / m.state.commitment.shape[1]).sum()),
        "sum_talks_progress": lambda m: float(m.state.talks_progress.sum()),
    }


PARTY_PARAMS = ("gain", "cost", "settlement", "sensitivity", "choice_spread", "reciprocity",
                "commitment_speed", "withdrawal_commitment", "walkout_threshold", "p_walkout",
                "p_return")
OBSERVER_PARAMS = ("trust_build", "trust_loss")
TILE_LIMIT = 256  # elements per world: beyond it, parameters broadcast instead


def per_world_params(p: Params, n: int) -> SimpleNamespace:
    """Party parameters repeated over the worlds axis, contiguous: (n, P), and (n, P, P) for
    an observer's parameters. Elementwise operations against (n, P) state then run as one flat
    loop instead of n short ones (same values, same arithmetic; a speed-up only). Built once
    per model: parameters are fixed for the model's life (interventions act through the day's
    modifiers instead)."""
    P = p.n_parties
    out = {name: tiled(getattr(p, name), n) for name in PARTY_PARAMS}
    for name in OBSERVER_PARAMS:
        x = getattr(p, name)
        out[name] = tiled(np.broadcast_to(x[:, None], (P, P)), n) if P * P <= TILE_LIMIT else x
    lev = p.leverage_eff
    out["leverage_eff"] = tiled(lev, n) if lev.size <= TILE_LIMIT else lev
    return SimpleNamespace(**out)


class TruceModel(mesa.Model):
    """A truce between parties, with brokers and spoilers, in ``n_worlds`` independent worlds.

    Args:
        scenario: a validated scenario.
        n_worlds: number of worlds run side by side.
        seed: the run's integer seed.
        strategy: name of one of the scenario's strategies.
        first_world: index of the first world (worlds are seeded by blocks of
            :data:`sim.rng.BLOCK`, so world ``w`` is the same whatever batch it runs in).
        days: horizon override.
        log_worlds: batch indices of worlds whose events are logged (:mod:`sim.events`);
            none by default, which costs nothing.
    """

    def __init__(self, scenario: Scenario, n_worlds: int = 1, seed: int = 0,
                 strategy: str = "baseline", first_world: int = 0, days: int | None = None,
                 log_worlds: list[int] | None = None):
        super().__init__(rng=seed)
        self.config = scenario
        self.params: Params = compile_params(scenario, strategy, days)
        self.streams = Streams(seed, first_world, n_worlds)
        self.state = State.initial(self.params, n_worlds)
        self.wide = per_world_params(self.params, n_worlds)
        if self.params.commitment_range.any():  # frailty (docs/model.md); off by default
            self.state.commitment = frailty.initial_commitment(
                self.params.commitment0, self.params.commitment_range,
                self.streams.uniform("frailty"))
        self.day = 0
        self.today_misattributed = 0
        self.mean_trust_all = np.full(n_worlds, float(self.params.trust0.mean()) if
                                      self.params.n_parties > 1 else 1.0)
        self.engine = InterventionEngine(list(self.params.interventions), scenario,
                                         self.params, n_worlds)
        self.politics = PoliticalTrack(self.params, n_worlds) if self.params.issue_ids else None
        self._make_agents(scenario)
        self.datacollector = mesa.DataCollector(model_reporters=_series_reporters())
        self.event_log = EventLog(log_worlds, first_world) if log_worlds else None

    def _make_agents(self, scenario: Scenario) -> None:
        index = {ActorKind.PARTY: 0, ActorKind.BROKER: 0, ActorKind.SPOILER: 0}
        cls = {ActorKind.PARTY: Party, ActorKind.BROKER: Broker, ActorKind.SPOILER: Spoiler}
        for actor in scenario.actors:
            cls[actor.kind](self, actor, index[actor.kind])
            index[actor.kind] += 1

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day, in simultaneous phases (the order is the model; see docs/model.md):

        0. ``_intervene`` the strategy's triggers fire on yesterday's state; today's modifiers;
        1. ``_spoilers``  spoilers attack, more as the truce and the talks progress;
        2. ``_decide``    parties decide from what they perceived yesterday;
        3. ``_observe``   each party perceives violations, false alarms and blamed attacks;
        4. ``_beliefs``   trust and commitment update from those perceptions;
        5. ``_brokers``   brokers press the violators they saw;
        6. ``_talks``     talks progress, or parties walk out and return;
        7. ``_status``    holding / in trouble / collapsed, and the collapse's cause.
        Scripted events of the day are applied inside the phase they belong to.
        """
        events = [(i, act) for d, i, act in self.params.events if d == self.day]
        self.mods = self.engine.begin_day(self.day, self.state, self.mean_trust_all)
        self._spoilers(events)
        self._decide(events)
        self._observe()
        self._beliefs()
        self._brokers()
        self._talks(events)
        self._status(events)
        self.datacollector.collect(self)
        if self.event_log is not None:
            self.event_log.record(self)
        self.day += 1
        self.running = self.day < self.params.horizon

    def run(self) -> TruceModel:
        """Step to the horizon and return self."""
        while self.running:
            self.step()
        return self

    # ------------------------------------------------------------------ phases
    def _forced(self, events, action: EventAction, width: int) -> np.ndarray:
        mask = np.zeros(width, dtype=bool)
        for i, act in events:
            if act is action:
                mask[i] = True
        return mask

    def _spoilers(self, events) -> None:
        p, s = self.params, self.state
        mom = spoilers.momentum(s.talks_progress, s.violent7)
        provocation = p.provocation[None, :] * self.mods.provocation_multiplier[:, None]
        prob = spoilers.attack_probability(p.p_attack, self.engine.capability, provocation, mom)
        prob = spoilers.restrained(prob, p.spoiler_receptiveness, self.mods.spoiler_inducement)
        u = self.streams.uniform("spoilers", p.n_spoilers)
        s.attacked = spoilers.attacks(prob, u) | self._forced(events, EventAction.ATTACK,
                                                               p.n_spoilers)[None, :]
        s.n_attacks += s.attacked

    def _decide(self, events) -> None:
        p, s, w = self.params, self.state, self.wide
        provoked = s.hostile_today > 0  # yesterday's perceptions: today's are not in yet
        s.triggered |= provoked
        mods = self.mods
        expected = mods.p_verify[:, None] * short_sum(mods.leverage, -2)
        m = decisions.motive(w.gain, w.cost, w.settlement, w.sensitivity, s.talks_progress,
                             s.in_talks, s.pressure, expected, mods.inducement)
        commitment = np.minimum(1.0, s.commitment + self.engine.commitment_bonus())
        p_opp, p_ret = decisions.adaptive_probabilities(commitment, m, w.choice_spread,
                                                         w.reciprocity, provoked)
        u = self.streams.uniform("decisions", 3, p.n_parties)
        intended = decisions.intend(p.policy[None, :], p_opp, p_ret, provoked, s.triggered,
                                    u[:, 0], u[:, 1])
        forced = self._forced(events, EventAction.VIOLATE, p.n_parties)[None, :]
        s.violated = decisions.with_noise(intended, p.noise, u[:, 2]) | s.withdrawn | forced
        if p.coerced_calm_discount.any():  # calm bought by leverage (docs/model.md); off by default
            added = mods.p_verify[:, None] * (mods.leverage - p.leverage_eff).sum(axis=-2)
            self._coerced = beliefs.coerced_share(p.gain, p.sensitivity * added + mods.inducement)
        s.n_violations += s.violated

    def _observe(self) -> None:
        p, s = self.params, self.state
        info, mods = p.info, self.mods
        P, S = p.n_parties, p.n_spoilers
        u = self.streams.uniform("observation", 2, P, P)
        det = observation.detected(s.violated, info.p_detect, u[:, 0])
        false = observation.false_alarms(mods.p_false_alarm, u[:, 1])
        false &= ~s.violated[:, None, :]
        u_blame = self.streams.uniform("observation", P, P, max(S, 1))[..., :S]
        blame = observation.blamed(s.attacked, p.targets, self.engine.ties,
                                   mods.p_misattribution, u_blame)
        hit = self.streams.uniform("interventions", P) < mods.collateral
        perceived = det.astype(np.int16)
        perceived += false
        perceived += blame
        if hit.any():
            perceived += observation.collateral(hit)
        s.perceived = perceived
        s.hostile_today = short_sum(perceived, 2, dtype=np.int16)
        blamed_per_world = short_sum(short_sum(blame, 2, dtype=np.int32), 1)
        self.today_misattributed = int(blamed_per_world.sum())
        self.today_blame = blame  # read by the event log (sim.events)
        s.n_misattributed += blamed_per_world

    def _beliefs(self) -> None:
        p, s, w = self.params, self.state, self.wide
        build = w.trust_build
        if p.coerced_calm_discount.any():  # calm bought by leverage (docs/model.md); off by default
            build = beliefs.discounted_build(p.trust_build, p.coerced_calm_discount, self._coerced)
        s.trust = beliefs.update_trust(s.trust, s.perceived, build, w.trust_loss)
        mt = beliefs.mean_trust_in_others(s.trust)
        s.commitment = beliefs.update_commitment(s.commitment, mt, w.commitment_speed)
        s.withdrawn |= s.commitment < w.withdrawal_commitment
        self._mean_trust = mt
        self.mean_trust_all = short_sum(mt, 1) / mt.shape[1]  # = mt.mean(axis=1)

    def _brokers(self) -> None:
        p, s = self.params, self.state
        u = self.streams.uniform("brokers", max(p.n_brokers, 1), p.n_parties)[:, :p.n_brokers]
        lev = self.mods.leverage
        lev = self.wide.leverage_eff if lev is p.leverage_eff else lev  # the same, contiguous
        s.pressure = brokers.update_pressure(s.pressure, s.violated, lev,
                                             p.pressure_decay, self.mods.p_verify, u)

    def _talks(self, events) -> None:
        p, s = self.params, self.state
        push(s.hostile_ring, s.hostile7, self.day, s.hostile_today)
        u = self.streams.uniform("talks", p.n_parties)
        was_in = s.in_talks
        w = self.wide
        in_talks, left = talks.walkouts(was_in, s.hostile7, w.walkout_threshold,
                                        w.p_walkout, w.p_return, self._mean_trust, u)
        in_talks &= ~self._forced(events, EventAction.WALKOUT, p.n_parties)[None, :]
        in_talks |= self._forced(events, EventAction.RETURN, p.n_parties)[None, :]
        in_talks &= ~s.withdrawn
        left = was_in & ~in_talks
        s.in_talks = in_talks
        s.n_walkouts += short_sum(left, 1, dtype=np.int32)
        s.n_returns += short_sum(~was_in & in_talks, 1, dtype=np.int32)
        first = any_along(left, 1) & (s.day_first_walkout < 0)
        s.day_first_walkout[first] = self.day
        u_renege = self.streams.uniform("renege", p.n_parties)  # drawn every day: CRN
        if self.politics is not None:
            s.talks_progress = self.politics.step(self.day, s, self.mods.guarantee, u_renege,
                                                  self.mods.talks_multiplier)
        elif self.day >= p.talks_start:
            s.talks_progress = talks.advance(s.talks_progress, all_along(in_talks, 1),
                                             self.mean_trust_all,
                                             p.talks_rate * self.mods.talks_multiplier,
                                             p.mediator_legitimacy, p.position_gap)

    def _status(self, events) -> None:
        p, s = self.params, self.state
        s.withdrawn |= self._forced(events, EventAction.WITHDRAW, p.n_parties)[None, :]
        n_viol = short_sum(s.violated, 1, dtype=np.int16)
        violent = n_viol > 0
        push(s.violent_ring, s.violent_window, self.day, violent)
        s.violent7 += violent
        s.violent7 -= s.count_ring[self.day % WEEK] > 0
        push(s.count_ring, s.count7, self.day, n_viol)
        self._track_cause()
        new, mode = status.classify(s.violent_window, s.count7,
                                    any_along(~s.in_talks, 1), any_along(s.withdrawn, 1),
                                    p.trouble_violations_7d, p.collapse_violent_days)
        alive = s.status != TruceStatus.COLLAPSED
        collapsing = alive & (new == TruceStatus.COLLAPSED)
        s.day_collapse[collapsing] = self.day
        s.collapse_mode[collapsing] = mode[collapsing]
        withdrew = status.first_actor(s.withdrawn)
        s.collapse_cause[collapsing] = np.where(mode == CollapseMode.WITHDRAWAL, withdrew,
                                                s.spiral_cause)[collapsing]
        trouble = alive & (new == TruceStatus.IN_TROUBLE)
        s.days_in_trouble += trouble
        s.day_first_trouble[trouble & (s.day_first_trouble < 0)] = self.day
        s.status = np.where(alive, new, TruceStatus.COLLAPSED).astype(np.int8)

    def _track_cause(self) -> None:
        s = self.state
        source = status.incident_source(self._attacks_on_parties(), s.violated,
                                        self.params.n_parties)
        fresh = (source >= 0) & (s.quiet_days >= self.params.quiet_days_reset)
        s.spiral_cause = np.where(fresh, source, s.spiral_cause)
        s.quiet_days = np.where(source >= 0, 0, s.quiet_days + 1)

    def _attacks_on_parties(self) -> np.ndarray:
        """Spoiler attacks that hit at least one party (all, unless a spoiler has no targets)."""
        return self.state.attacked & self.params.targets.any(axis=1)[None, :]

    # ------------------------------------------------------------------ views
    def actor_id(self, code: int) -> str:
        """Id of an actor code as used in ``collapse_cause`` (parties, then spoilers)."""
        if code < 0:
            return ""
        P = self.params.n_parties
        return self.params.party_ids[code] if code < P else self.params.spoiler_ids[code - P]
