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
        self.prepare()

    def prepare(self) -> None:
        """Compute what stays the same over the run (call once the arrays above are set): the
        figures the triggers read, the order of effects, today's parameters before any effect,
        and those of a day with no intervention active."""
        self.wanted = {c.iv.trigger.when for c in self.items} - {None}
        # multiplicative boosts (leader diplomacy) come after every additive term, so the
        # result does not depend on the order in which a strategy lists its interventions
        self.order = sorted(range(len(self.items)),
                            key=lambda k: entry(self.items[k].iv).multiplicative)
        self.unaffected = self._unaffected()
        self.memo = None  # (active, today's parameters) of the last day built
        self._base = self._today(np.zeros((len(self.items), self.n), dtype=bool))

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
        fired, active = self.activations.step(day, metrics(state, self.wanted), alive)
        for k, c in enumerate(self.items):
            self._charge(c, fired[k], active[k], alive)
            self._one_off(c, k, fired[k], active[k], state)
        return self._today(active)

    def _charge(self, c: Compiled, fired, active, alive) -> None:
        """One-off and running costs of intervention ``c`` today, in worlds not collapsed.
        Costs are finite and non-negative, so a day when it did not fire adds exactly zero
        one-off cost and only the running cost, which is skipped where that is zero too."""
        iv = c.iv
        if fired.any():
            self.cost += (fired * iv.cost_per_activation + active * iv.cost_per_day) * alive
            self.cost_one_off += fired * iv.cost_per_activation * alive
        elif np.any(iv.cost_per_day) and active.any():
            self.cost += (active * iv.cost_per_day) * alive

    # ---------------------------------------------------------------- effects
    def _one_off(self, c: Compiled, k: int, fired, active, state) -> None:
        entry(c.iv).one_off(self, c, k, fired, active, state)

    def _unaffected(self) -> dict:
        """Today's parameters with no intervention active, but the meetings' bonus. No effect
        writes into these arrays (each builds new ones), so they are made once and shared."""
        p, n = self.params, self.n
        info = p.info
        return dict(
            p_verify=np.full(n, info.p_verify), p_misattribution=np.full(n, info.p_misattribution),
            p_false_alarm=np.full(n, info.p_false_alarm),
            leverage=self.leverage,
            inducement=np.zeros((n, p.n_parties)), talks_multiplier=np.ones(n),
            provocation_multiplier=np.ones(n), collateral=np.zeros((n, p.n_parties)),
            guarantee=np.zeros(n), pledge=np.zeros(self.leverage.shape[:2]),
            spoiler_inducement=np.zeros((n, p.n_spoilers)),
            ties=self.ties, capability=self.capability,
        )

    def _today(self, active: np.ndarray) -> Today:
        """Today's parameters: those of yesterday if the same interventions are active in the
        same worlds and no effect reads the engine's changing arrays; else built afresh."""
        bonus = self.bonus.sum(axis=0)
        if self.memo is not None and np.array_equal(active, self.memo[0]):
            return self.memo[1]._replace(commitment_bonus=bonus)
        t = Today(commitment_bonus=bonus, **self.unaffected)
        for k in self.order:
            if active[k].any():
                t = _apply(self.items[k], active[k], t, self)
        if not any(entry(c.iv).reads_engine for c in self.items):
            self.memo = (active, t)
        return t


def _apply(c: Compiled, on: np.ndarray, t: Today, engine: InterventionEngine) -> Today:
    """Today's parameters with one active intervention's running effect added (its entry in
    :data:`sim.strategies.kinds.REGISTRY`)."""
    return entry(c.iv).apply(c, on, t, engine)
