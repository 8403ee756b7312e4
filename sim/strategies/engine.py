"""The intervention engine: triggers per world, and the day's modifiers of the model.

Each morning, from the state every world ended yesterday with, each intervention's trigger is
evaluated (:mod:`sim.strategies.triggers`); activations start, run and expire per world; their
one-off effects are applied (a meeting restores commitment and brings parties back to the table;
separation costs the party commitment) and their running effects are gathered in a
:class:`Today` that the compiled day reads. Costs accrue while the truce has not collapsed:
running costs (per day active) grow with the days it holds, one-off costs (per activation)
are kept apart so reports can tell them apart.
No random numbers are drawn here, so a strategy never shifts another mechanism's stream.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from sim.arrays import tiled
from sim.strategies.compile import Compiled, compile_interventions
from sim.strategies.kinds import entry
from sim.strategies.triggers import Activations, metrics

# Today's parameters that interventions change, per world (W = worlds), read by the compiled day.
TODAY = (
    "p_verify",  # (W,)
    "p_misattribution",  # (W,)
    "p_false_alarm",  # (W,)
    "leverage",  # (W, B, P) pressure a broker adds per verified violation
    "inducement",  # (W, P)
    "talks_multiplier",  # (W,)
    "provocation_multiplier",  # (W,)
    "collateral",  # (W, P) probability a party suffers a collateral incident
    "guarantee",  # (W,) 1 where a third-party guarantee is in force
    "pledge",  # (W, B) 1 where the broker's own guarantee is in force (its standing promise)
    "spoiler_inducement",  # (W, S) inducements offered to spoilers
    "commitment_bonus",  # (W,) commitment restored by meetings, added to every party's
    "ties",  # (W, P, S) parties' ties to spoilers (separation cuts them)
    "capability",  # (W, S) spoilers' capability (action against spoilers cuts it)
)


class Today(namedtuple("Today", TODAY)):
    """Today's effective parameters, per world: the one view of what interventions change."""

    __slots__ = ()


class InterventionEngine:
    """Per-world activation state of a strategy's interventions, for one batch of worlds."""

    def __init__(self, interventions: list, scn, params, n: int):
        self.params = params
        self.items: list[Compiled] = compile_interventions(interventions, scn, params)
        self.activations = Activations([c.iv for c in self.items], n, params.horizon)
        self.bonus = np.zeros((len(self.items), n))  # meeting commitment bonus, fading
        self.ties = tiled(params.ties, n).copy()  # changed in place (a fresh array, writable)
        self.capability = tiled(params.capability, n).copy()
        self.leverage = tiled(params.leverage_eff, n)  # today's base leverage, never written
        self.cost = np.zeros(n)  # per world: one-off plus running costs
        self.cost_one_off = np.zeros(n)  # the part paid per activation
        self.n = n
        self._base = self._today(np.zeros((len(self.items), n), dtype=bool))

    @property
    def empty(self) -> bool:
        """Whether there are no interventions to run."""
        return not self.items

    def begin_day(self, day: int, state) -> Today:
        """Evaluate triggers on yesterday's state, apply one-off effects, and return today's
        parameters."""
        if not self.items:
            return self._base
        alive = state.status != 2
        fired, active = self.activations.step(day, metrics(state), alive)
        for k, c in enumerate(self.items):
            self.cost += (fired[k] * c.iv.cost_per_activation + active[k] * c.iv.cost_per_day) \
                * alive
            self.cost_one_off += fired[k] * c.iv.cost_per_activation * alive
            self._one_off(c, k, fired[k], active[k], state)
        return self._today(active)

    # ---------------------------------------------------------------- effects
    def _one_off(self, c: Compiled, k: int, fired, active, state) -> None:
        entry(c.iv).one_off(self, c, k, fired, active, state)

    def _today(self, active: np.ndarray) -> Today:
        p, n = self.params, self.n
        info = p.info
        t = Today(
            p_verify=np.full(n, info.p_verify), p_misattribution=np.full(n, info.p_misattribution),
            p_false_alarm=np.full(n, info.p_false_alarm),
            leverage=self.leverage,
            inducement=np.zeros((n, p.n_parties)), talks_multiplier=np.ones(n),
            provocation_multiplier=np.ones(n), collateral=np.zeros((n, p.n_parties)),
            guarantee=np.zeros(n), pledge=np.zeros(self.leverage.shape[:2]),
            spoiler_inducement=np.zeros((n, p.n_spoilers)),
            commitment_bonus=self.bonus.sum(axis=0), ties=self.ties, capability=self.capability,
        )
        # multiplicative boosts (leader diplomacy) come after every additive term, so the
        # result does not depend on the order in which a strategy lists its interventions
        order = sorted(range(len(self.items)),
                       key=lambda k: entry(self.items[k].iv).multiplicative)
        for k in order:
            if active[k].any():
                t = _apply(self.items[k], active[k], t, self)
        return t


def _apply(c: Compiled, on: np.ndarray, t: Today, engine: InterventionEngine) -> Today:
    """Today's parameters with one active intervention's running effect added (its entry in
    :data:`sim.strategies.kinds.REGISTRY`)."""
    return entry(c.iv).apply(c, on, t, engine)
