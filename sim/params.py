"""Scenario -> parameter arrays, one entry per actor, in the order the scenario lists them.

Parties are indexed 0..P-1, brokers 0..B-1, spoilers 0..S-1 within their kind; ``actor_ids``
maps the kind-local indices back to ids. Nothing here changes during a run, except the
information parameters, which interventions switch on a given day (:meth:`Params.information`).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sim.bargaining.issues import compromise
from sim.bargaining.nash import make_work
from sim.params_game import Game, compile_game
from sim.rules.talks import open_proposals
from sim.schema import ActorKind, BrokerRole, EventAction, Policy, Scenario, SpoilerType
from sim.strategies import resolve

POLICY_CODES = {p: i for i, p in enumerate(Policy)}
WEEK = 7
OPEN_TABLE_PARTIES = 4  # up to 8**4 = 4,096 proposals tabled in advance (see open_proposals)
# How far inducements move each type of spoiler (Stedman 1997): limited spoilers can be
# accommodated, greedy ones only partly (they also need coercion), total ones not at all.
SPOILER_RECEPTIVENESS = {SpoilerType.LIMITED: 1.0, SpoilerType.GREEDY: 0.5,
                         SpoilerType.TOTAL: 0.0}


class Info(NamedTuple):
    """Information parameters in force on one day."""

    p_detect: float
    p_verify: float
    p_misattribution: float
    p_false_alarm: float


@dataclass(frozen=True)
class Params:
    """One scenario's fixed numbers as arrays per actor kind, indexed in the scenario's order."""

    party_ids: list[str]
    broker_ids: list[str]
    spoiler_ids: list[str]
    horizon: int
    # parties (P,)
    commitment: np.ndarray
    position: np.ndarray
    gain_from_fighting: np.ndarray
    cost_of_fighting: np.ndarray
    value_of_settlement: np.ndarray
    sensitivity_to_pressure: np.ndarray
    policy: np.ndarray
    reciprocity: np.ndarray
    choice_spread: np.ndarray
    initial_trust: np.ndarray
    trust_build: np.ndarray
    trust_loss: np.ndarray
    commitment_speed: np.ndarray
    walkout_threshold: np.ndarray
    p_walkout: np.ndarray
    p_return: np.ndarray
    withdrawal_commitment: np.ndarray
    ties: np.ndarray  # (P, S)
    # spoilers (S,)
    p_attack: np.ndarray
    provocation: np.ndarray
    capability: np.ndarray  # (S,) the spoilers' capability
    targets: np.ndarray  # (S, P) bool
    # brokers
    leverage_eff: np.ndarray  # (B, P) pressure added per verified violation
    mediator_legitimacy: float
    # information and rules
    info: Info
    noise: float
    interventions: tuple  # the strategy's interventions (sim.strategies.engine runs them)
    trouble_violations_7d: int
    collapse_window_days: int
    collapse_violent_days: int
    quiet_days_reset: int
    base_rate: float  # talks
    start_day: int  # talks
    decay: float  # pressure
    events: tuple  # ((day, kind-local index, EventAction), ...)
    # the political track as bargaining (empty arrays when the scenario declares no issues)
    issue_ids: list[str]
    ideals: np.ndarray  # (P, K)
    salience: np.ndarray  # (P, K), rows sum to 1
    reservation: np.ndarray  # (P,)
    hardening: np.ndarray  # (P,)
    discount: np.ndarray  # (P,)
    p_renege: np.ndarray  # (P,)
    bargaining_power: np.ndarray  # (P,) capability
    mediator_pull: float
    concession_rate: float
    agreement_tolerance: float
    # validation mechanisms (docs/model.md "Frailty", "Truce design", "Spoiler types")
    commitment_range: np.ndarray  # (P,) half-width of the per-world initial commitment
    coerced_calm_discount: np.ndarray  # (P,) trust discount for calm bought by leverage
    initial_progress: float  # progress settled by the truce agreement itself
    spoiler_receptiveness: np.ndarray  # (S,) response to inducements
    game: Game  # brokers' interests and the battlefield (sim.params_game); off by default
    # hidden types and beliefs (docs/model.md "Hidden types"; sim.rules.types); off by default
    has_types: bool
    p_tactical: np.ndarray  # (P,)
    tactical_gain: np.ndarray  # (P,)
    belief_prior: np.ndarray  # (P,) every observer's prior that j is committed
    hostile_if_committed: float
    hostile_if_tactical: float
    signal_accuracy: float
    # violations with a size (sim.rules.intensity); off when every max_incidents is 1
    max_incidents: np.ndarray  # (P,) int
    offensive_incidents: int

    @property
    def n_parties(self) -> int:
        """Number of parties, P."""
        return len(self.party_ids)

    @property
    def n_brokers(self) -> int:
        """Number of brokers, B."""
        return len(self.broker_ids)

    @property
    def n_spoilers(self) -> int:
        """Number of spoilers, S."""
        return len(self.spoiler_ids)

    @property
    def position_gap(self) -> float:
        """Half the spread of positions, in [0, 1]."""
        return float(np.ptp(self.position) / 2.0) if self.n_parties else 0.0

    def fixed(self) -> Fixed:
        """The numbers the compiled day reads, under the same names (:class:`Fixed`)."""
        values = {name: getattr(self, name, None) for name in Fixed._fields}
        values.update(p_detect=float(self.info.p_detect), position_gap=self.position_gap,
                      has_coerced=bool(self.coerced_calm_discount.any()),
                      has_intensity=bool((self.max_incidents > 1).any()
                                         or self.offensive_incidents > 0),
                      has_politics=bool(self.issue_ids), on_parties=self.targets.any(axis=1),
                      **self._bargaining_fixed(), **self.game._asdict())
        return Fixed(**{k: np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v
                        for k, v in values.items()})

    def _bargaining_fixed(self) -> dict:
        """The scenario's opening gap on each issue (the spread of ideals, 1 where none), the
        mediator's fallback (the compromise) and its proposals while no issue is agreed
        (:func:`sim.rules.talks.open_proposals`)."""
        spread = np.ptp(self.ideals, axis=0) if self.n_parties else np.zeros(0)
        base = compromise(self.ideals[None], self.salience[None], self.bargaining_power)[0]
        P, K = self.ideals.shape
        table = np.zeros(((WEEK + 1) ** P if K and P <= OPEN_TABLE_PARTIES else 0, K))
        if len(table):
            open_proposals(self.ideals, self.salience, self.reservation, self.hardening,
                           self.bargaining_power, base, make_work(P, K, self.salience), table)
        return {"opening_gap": np.where(spread > 0, spread, 1.0), "compromise": base,
                "open_proposals": table}


# The parameters of the compiled day (sim.kernel): fixed for a model's life. What changes from
# day to day, per world (interventions), is in sim.strategies.engine.Today.
Fixed = namedtuple("Fixed", (
    "gain_from_fighting", "cost_of_fighting", "value_of_settlement", "sensitivity_to_pressure",
    "policy", "reciprocity", "choice_spread", "trust_build", "trust_loss", "commitment_speed",
    "walkout_threshold", "p_walkout", "p_return", "withdrawal_commitment",
    "coerced_calm_discount", "has_coerced",
    "has_types", "p_tactical", "tactical_gain", "hostile_if_committed", "hostile_if_tactical",
    "signal_accuracy", "has_intensity", "max_incidents", "offensive_incidents",
    "p_attack", "provocation", "targets", "on_parties", "spoiler_receptiveness",
    "leverage_eff", "mediator_legitimacy", "position_gap", "base_rate", "start_day", "decay",
    "p_detect", "noise", "trouble_violations_7d", "collapse_window_days",
    "collapse_violent_days", "quiet_days_reset", "has_politics",
    "ideals", "salience", "reservation", "hardening", "discount", "p_renege", "bargaining_power",
    "mediator_pull", "concession_rate", "agreement_tolerance", "opening_gap", "compromise",
    "open_proposals", *Game._fields))


def _types(scn: Scenario, parties) -> dict:
    """Hidden types and the observers' model (sim.rules.types); a common prior by default."""
    b = scn.beliefs
    p_tactical = _arr(parties, lambda a: a.intent.p_tactical)
    prior = (np.full(len(parties), b.prior_committed) if b.prior_committed is not None
             else 1.0 - p_tactical)
    return {"has_types": b.enabled, "p_tactical": p_tactical,
            "tactical_gain": _arr(parties, lambda a: a.intent.tactical_gain),
            "belief_prior": prior, "hostile_if_committed": b.hostile_if_committed,
            "hostile_if_tactical": b.hostile_if_tactical, "signal_accuracy": b.signal_accuracy}


def _arr(actors, get) -> np.ndarray:
    return np.array([float(get(a)) for a in actors], dtype=float)


def _effective_leverage(scn: Scenario, brokers, party_ids: list[str]) -> np.ndarray:
    """Pressure a broker adds per violation it sees: leverage x commitment x (1 - bias+),
    reduced by the strongest shield any other patron of the party holds over it."""
    shield = np.zeros((len(brokers), len(party_ids)))
    for q, patron in enumerate(brokers):
        for client in (c for c in patron.relations.clients if c in party_ids):
            j = party_ids.index(client)
            cover = patron.relations.support * patron.stances.commitment
            others = np.arange(len(brokers)) != q
            shield[others, j] = np.maximum(shield[others, j], cover)
    lev = np.zeros((len(brokers), len(party_ids)))
    for b, broker in enumerate(brokers):
        for pid, strength in broker.relations.leverage.items():
            j = party_ids.index(pid)
            favour = max(0.0, broker.relations.bias.get(pid, 0.0))
            lev[b, j] = strength * broker.stances.commitment * (1.0 - favour)
    return lev * (1.0 - shield)


def _events(events: list, scn: Scenario, ids_by_kind: dict[ActorKind, list[str]]) -> tuple:
    kind_of = {a.id: a.kind for a in scn.actors}
    out = []
    for ev in sorted(events, key=lambda e: e.day):
        out.append((ev.day, ids_by_kind[kind_of[ev.actor]].index(ev.actor), EventAction(ev.action)))
    return tuple(out)


def _bargaining(scn: Scenario, parties, brokers) -> dict:
    """Issue arrays and the mediator's pull: legitimacy x (1 + guarantors' mean leverage)."""
    issues = [i.id for i in scn.issues]
    ideals = np.array([[a.positions[k].ideal for k in issues] for a in parties]).reshape(
        len(parties), len(issues))
    weights = np.array([[a.positions[k].salience for k in issues] for a in parties]).reshape(
        ideals.shape)
    totals = weights.sum(axis=1, keepdims=True)
    salience = np.divide(weights, totals, out=np.full_like(weights, 1.0 / max(len(issues), 1)),
                         where=totals > 0)
    mediators = [b for b in brokers if b.role is BrokerRole.MEDIATOR]
    legitimacy = max((b.legitimacy for b in mediators), default=0.5)
    backers = [b for b in brokers if b.role is BrokerRole.GUARANTOR]
    lev = np.mean([np.mean(list(b.relations.leverage.values()) or [0.0]) for b in backers]) \
        if backers else 0.0
    return {
        "issue_ids": issues, "ideals": ideals, "salience": salience,
        "reservation": _arr(parties, lambda a: a.bargaining.reservation),
        "hardening": _arr(parties, lambda a: a.bargaining.hardening),
        "discount": _arr(parties, lambda a: a.bargaining.discount),
        "p_renege": _arr(parties, lambda a: a.bargaining.p_renege),
        "bargaining_power": _arr(parties, lambda a: a.capability),
        "mediator_pull": float(min(1.0, legitimacy * (1.0 + lev))),
        "concession_rate": scn.talks.concession_rate,
        "agreement_tolerance": scn.talks.agreement_tolerance,
    }


def compile_params(scn: Scenario, strategy: str = "baseline", horizon: int | None = None) -> Params:
    """Turn a validated scenario and one of its strategies into parameter arrays.

    Raises:
        KeyError: if the strategy is not defined in the scenario.
    """
    chosen = resolve(scn, strategy)
    by = {k: [a for a in scn.actors if a.kind is k] for k in ActorKind}
    parties, brokers, spoilers = by[ActorKind.PARTY], by[ActorKind.BROKER], by[ActorKind.SPOILER]
    pids, sids = [a.id for a in parties], [a.id for a in spoilers]
    ids = {k: [a.id for a in v] for k, v in by.items()}
    ties = np.array([[p.relations.spoiler_ties.get(s, 0.0) for s in sids] for p in parties])
    targets = np.array([[not s.spoiler.targets or pid in s.spoiler.targets for pid in pids]
                        for s in spoilers], dtype=bool).reshape(len(spoilers), len(pids))
    mediators = [b.legitimacy for b in brokers if b.role is BrokerRole.MEDIATOR]
    info, rules = scn.information, scn.truce
    return Params(
        party_ids=pids, broker_ids=ids[ActorKind.BROKER], spoiler_ids=sids,
        horizon=horizon or scn.meta.horizon_days,
        commitment=_arr(parties, lambda a: a.stances.commitment),
        position=_arr(parties, lambda a: a.stances.position),
        gain_from_fighting=_arr(parties, lambda a: a.incentives.gain_from_fighting),
        cost_of_fighting=_arr(parties, lambda a: a.incentives.cost_of_fighting),
        value_of_settlement=_arr(parties, lambda a: a.incentives.value_of_settlement),
        sensitivity_to_pressure=_arr(parties, lambda a: a.incentives.sensitivity_to_pressure),
        policy=np.array([POLICY_CODES[a.behaviour.policy] for a in parties], dtype=np.int8),
        reciprocity=_arr(parties, lambda a: a.behaviour.reciprocity),
        choice_spread=_arr(parties, lambda a: a.behaviour.choice_spread),
        initial_trust=_arr(parties, lambda a: a.behaviour.initial_trust),
        trust_build=_arr(parties, lambda a: a.behaviour.trust_build),
        trust_loss=_arr(parties, lambda a: a.behaviour.trust_loss),
        commitment_speed=_arr(parties, lambda a: a.behaviour.commitment_speed),
        walkout_threshold=_arr(parties, lambda a: a.behaviour.walkout_threshold),
        p_walkout=_arr(parties, lambda a: a.behaviour.p_walkout),
        p_return=_arr(parties, lambda a: a.behaviour.p_return),
        withdrawal_commitment=_arr(parties, lambda a: a.behaviour.withdrawal_commitment),
        ties=ties.reshape(len(pids), len(sids)),
        p_attack=_arr(spoilers, lambda a: a.spoiler.p_attack),
        provocation=_arr(spoilers, lambda a: a.spoiler.provocation),
        capability=_arr(spoilers, lambda a: a.capability),
        targets=targets,
        leverage_eff=_effective_leverage(scn, brokers, pids),
        mediator_legitimacy=max(mediators) if mediators else 0.5,
        info=Info(info.p_detect, info.p_verify, info.p_misattribution, info.p_false_alarm),
        noise=info.noise,
        interventions=tuple(chosen.interventions),
        trouble_violations_7d=rules.trouble_violations_7d,
        collapse_window_days=rules.collapse_window_days,
        collapse_violent_days=rules.collapse_violent_days,
        quiet_days_reset=rules.quiet_days_reset,
        base_rate=scn.talks.base_rate, start_day=scn.talks.start_day,
        decay=scn.pressure.decay,
        events=_events(list(scn.events) + list(chosen.events), scn, ids),
        **_bargaining(scn, parties, brokers),
        commitment_range=_arr(parties, lambda a: a.stances.commitment_range),
        coerced_calm_discount=_arr(parties, lambda a: a.behaviour.coerced_calm_discount),
        initial_progress=scn.talks.initial_progress,
        spoiler_receptiveness=_arr(spoilers, lambda a: SPOILER_RECEPTIVENESS[a.spoiler.type]),
        game=compile_game(scn, parties, brokers),
        **_types(scn, parties),
        max_incidents=np.array([a.behaviour.max_incidents for a in parties], dtype=np.int64),
        offensive_incidents=rules.offensive_incidents,
    )
