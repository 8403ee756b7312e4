"""The intervention engine: triggers per world, and the day's modifiers of the model.

Each morning, from the state every world ended yesterday with, each intervention's trigger is
evaluated (:mod:`sim.strategies.triggers`); activations start, run and expire per world; their
one-off effects are applied (a meeting restores commitment and brings parties back to the table;
separation costs the party commitment) and their running effects are gathered in a
:class:`Modifiers` that the day's phases read. Costs accrue while the truce has not collapsed: running costs (per day active) grow
with the days it holds, one-off costs (per activation) are kept apart so reports can tell them
apart.
No random numbers are drawn here, so a strategy never shifts another mechanism's stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions_schema import (
    ActionAgainstSpoilers,
    CoercivePressure,
    Guarantee,
    Inducements,
    LeaderDiplomacy,
    MediationMeeting,
    Monitoring,
    PoliticalPush,
    Separation,
)
from sim.strategies.compile import Compiled, compile_interventions
from sim.strategies.triggers import Activations, metrics


@dataclass
class Modifiers:
    """Today's effective parameters, per world (``W`` = worlds)."""

    p_verify: np.ndarray  # (W,)
    p_misattribution: np.ndarray  # (W,)
    p_false_alarm: np.ndarray  # (W,)
    leverage: np.ndarray  # (B, P), or per world (W, B, P) once an intervention changes it
    inducement: np.ndarray  # (W, P)
    talks_multiplier: np.ndarray  # (W,)
    provocation_multiplier: np.ndarray  # (W,)
    collateral: np.ndarray  # (W, P) probability a party suffers a collateral incident
    guarantee: np.ndarray  # (W,) 1 where a third-party guarantee is in force
    spoiler_inducement: np.ndarray  # (W, S) inducements offered to spoilers


class InterventionEngine:
    """Per-world activation state of a strategy's interventions, for one batch of worlds."""

    def __init__(self, interventions: list, scn, params, n: int):
        self.params = params
        self.items: list[Compiled] = compile_interventions(interventions, scn, params)
        self.activations = Activations([c.iv for c in self.items], n, params.horizon)
        self.bonus = np.zeros((len(self.items), n))  # meeting commitment bonus, fading
        self.ties = np.broadcast_to(params.ties, (n, *params.ties.shape)).copy()
        self.capability = np.broadcast_to(params.spoiler_capability,
                                          (n, params.n_spoilers)).copy()
        self.cost = np.zeros(n)  # per world: one-off plus running costs
        self.cost_one_off = np.zeros(n)  # the part paid per activation
        self.n = n
        self._base = self._modifiers(np.zeros((len(self.items), n), dtype=bool))
        for value in vars(self._base).values():  # shared from day to day: never modified
            if value is not params.leverage_eff:
                value.setflags(write=False)

    @property
    def empty(self) -> bool:
        return not self.items

    def begin_day(self, day: int, state, mean_trust: np.ndarray) -> Modifiers:
        """Evaluate triggers, apply one-off effects, and return today's modifiers."""
        if not self.items:
            return self._base
        alive = state.status != 2
        fired, active = self.activations.step(day, metrics(state, mean_trust), alive)
        for k, c in enumerate(self.items):
            self.cost += (fired[k] * c.iv.cost_per_activation + active[k] * c.iv.cost_per_day) \
                * alive
            self.cost_one_off += fired[k] * c.iv.cost_per_activation * alive
            self._one_off(c, k, fired[k], active[k], state)
        return self._modifiers(active) if active.any() else self._base

    # ---------------------------------------------------------------- effects
    def _one_off(self, c: Compiled, k: int, fired, active, state) -> None:
        iv = c.iv
        if isinstance(iv, MediationMeeting):
            self.bonus[k] = self.bonus[k] * (1.0 - iv.fade) + fired * c.amount
            state.in_talks |= fired[:, None] & ~state.withdrawn
        elif isinstance(iv, Separation):
            state.commitment -= (fired[:, None] * c.party_mask[None, :]) * iv.cost_to_party
            np.clip(state.commitment, 0.0, 1.0, out=state.commitment)
            cut = active[:, None, None] * c.party_mask[None, :, None] * iv.rate
            self.ties *= 1.0 - cut
        elif isinstance(iv, ActionAgainstSpoilers):
            self.capability *= 1.0 - active[:, None] * c.spoiler_mask[None, :] * iv.rate

    def commitment_bonus(self) -> np.ndarray:
        """(W, 1) commitment restored by meetings, added to every party's commitment."""
        return self.bonus.sum(axis=0)[:, None]

    def _modifiers(self, active: np.ndarray) -> Modifiers:
        p, n = self.params, self.n
        info = p.info
        m = Modifiers(
            p_verify=np.full(n, info.p_verify), p_misattribution=np.full(n, info.p_misattribution),
            p_false_alarm=np.full(n, info.p_false_alarm),
            leverage=p.leverage_eff,
            inducement=np.zeros((n, p.n_parties)), talks_multiplier=np.ones(n),
            provocation_multiplier=np.ones(n), collateral=np.zeros((n, p.n_parties)),
            guarantee=np.zeros(n), spoiler_inducement=np.zeros((n, p.n_spoilers)),
        )
        # multiplicative boosts (leader diplomacy) come after every additive term, so the
        # result does not depend on the order in which a strategy lists its interventions
        order = sorted(range(len(self.items)),
                       key=lambda k: isinstance(self.items[k].iv, LeaderDiplomacy))
        for k in order:
            if active[k].any():
                _apply(self.items[k], active[k], m, self)
        return m


def _apply(c: Compiled, on: np.ndarray, m: Modifiers, engine: InterventionEngine) -> None:
    """Add one active intervention's running effect to the modifiers."""
    iv, onf = c.iv, on.astype(float)
    if isinstance(iv, (LeaderDiplomacy, CoercivePressure, Guarantee)) and m.leverage.ndim == 2:
        m.leverage = np.broadcast_to(m.leverage, (len(on), *m.leverage.shape)).copy()
    if isinstance(iv, Monitoring):
        for field in ("p_verify", "p_misattribution", "p_false_alarm"):
            value = getattr(iv, field)
            if value is not None:
                setattr(m, field, np.where(on, value, getattr(m, field)))
    elif isinstance(iv, LeaderDiplomacy):
        m.leverage *= 1.0 + iv.boost * onf[:, None, None] * c.broker_mask[None, :, None]
    elif isinstance(iv, (CoercivePressure, Guarantee)):
        m.leverage += onf[:, None, None] * c.extra_leverage[None, :, :]
        if isinstance(iv, Guarantee):
            m.guarantee = np.maximum(m.guarantee, onf)
    elif isinstance(iv, Inducements):
        m.inducement += onf[:, None] * c.party_mask[None, :] * iv.amount
        if iv.spoilers:  # the spoilers named, and only those (Stedman 1997)
            m.spoiler_inducement += onf[:, None] * c.spoiler_mask[None, :] * iv.amount
    elif isinstance(iv, PoliticalPush):
        m.talks_multiplier *= np.where(on, iv.talks_multiplier, 1.0)
        m.provocation_multiplier *= np.where(on, iv.provocation_multiplier, 1.0)
    elif isinstance(iv, ActionAgainstSpoilers):
        exposure = (engine.ties * c.spoiler_mask[None, None, :]).max(axis=2, initial=0.0)
        m.collateral = np.minimum(1.0, m.collateral + onf[:, None] * iv.p_collateral * exposure)
