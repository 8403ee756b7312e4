"""TruceModel: a Mesa model of a truce, run over a batch of independent worlds at once.

The actors are Mesa agents (:mod:`sim.agents`); the state of every world lives in numpy arrays
whose leading axis is the world (:class:`sim.state.State`), and the day's phases run as one
compiled pass over the worlds (:mod:`sim.kernel`) that applies the rules of :mod:`sim.rules`
to one world at a time. Decisions are simultaneous: every party decides from what it perceived
yesterday, so actor order is irrelevant.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import kernel
from sim.agents import Broker, Party, Spoiler
from sim.arrays import all_along, short_sum
from sim.bargaining.nash import make_work
from sim.events import EventLog
from sim.params import Params, compile_params
from sim.rng import Streams
from sim.schema import ActorKind, Scenario
from sim.state import State, TruceStatus
from sim.strategies.engine import InterventionEngine

_HOLDING, _IN_TROUBLE, _COLLAPSED = (
    int(s) for s in (TruceStatus.HOLDING, TruceStatus.IN_TROUBLE, TruceStatus.COLLAPSED))


def series_reporters() -> dict:
    """Model-level daily series, as sums over worlds so that batches add up. Reductions over
    the short parties axis use :mod:`sim.arrays` (bit-identical to numpy's, and not paid world
    by world: at 10,000 worlds they were 60% of the per-day work outside the compiled day);
    counts of true values use ``np.count_nonzero``, which does not widen booleans to integers
    first (a third of the time of ``.sum()``), and statuses are compared with plain integers
    (numpy compares with an ``IntEnum`` member four times slower)."""
    return {
        "n_worlds": lambda m: m.state.n,
        "n_holding": lambda m: _count(m.state.status == _HOLDING),
        "n_in_trouble": lambda m: _count(m.state.status == _IN_TROUBLE),
        "n_collapsed": lambda m: _count(m.state.status == _COLLAPSED),
        "party_violations": lambda m: _count(m.state.violated),
        "incidents": lambda m: int(m.state.incidents.sum()),
        "spoiler_attacks": lambda m: _count(m.state.attacked),
        "misattributed": lambda m: int(m.state.misattributed.sum()),
        "n_away_from_talks": lambda m: m.state.n - _count(all_along(m.state.in_talks, 1)),
        "sum_trust": lambda m: fixed_point_sum(m.state.mean_trust_all),
        "sum_commitment": lambda m: fixed_point_sum(_mean_over_parties(m.state.commitment)),
        "sum_talks_progress": lambda m: fixed_point_sum(m.state.talks_progress),
    }


FIXED_POINT = 2.0 ** 32  # units of the float series' sums (fixed_point_sum)


def fixed_point_sum(x: np.ndarray) -> float:
    """The sum of ``x`` with each value rounded to a multiple of 2**-32 (at most 2**-33 off),
    added as integers: exact, so the sum is the same in any order and however the worlds are
    split into batches or threads (a float sum depends on the order of its additions). The
    result is exact as a float while the worlds' values add up to less than 2**21 (two
    million worlds of values in [0, 1]); the batches' sums then add exactly too."""
    return float(np.rint(x * FIXED_POINT).astype(np.int64).sum()) / FIXED_POINT


def _count(flags: np.ndarray) -> int:
    """Number of true values (as ``int(flags.sum())``)."""
    return int(np.count_nonzero(flags))


def _mean_over_parties(x: np.ndarray) -> np.ndarray:
    """``x.mean(axis=1)``, bit-identical: numpy's mean is the sum divided by the count."""
    return short_sum(x, 1) / x.shape[1]


class TruceModel(mesa.Model):
    """A truce between parties, with brokers and spoilers, in ``n_worlds`` independent worlds.

    Args:
        scenario: a validated scenario.
        n_worlds: number of worlds run side by side.
        seed: the run's integer seed (non-negative).
        strategy: name of one of the scenario's strategies.
        first_world: global index of the first world (a world's random numbers depend on its
            global index only, so world ``w`` is the same whatever batch it runs in).
        days: horizon override.
        log_worlds: batch indices of worlds whose events are logged (:mod:`sim.events`);
            none by default, which costs nothing.
        threads: threads that share the worlds of a day (default: the ``TRUCESIM_THREADS``
            environment variable, else 1; 0 = one per core). Results do not depend on it.
    """

    def __init__(self, scenario: Scenario, n_worlds: int = 1, seed: int = 0,
                 strategy: str = "baseline", first_world: int = 0, days: int | None = None,
                 log_worlds: list[int] | None = None, threads: int | None = None):
        super().__init__(rng=seed)
        self.threads = kernel.usable_threads(threads)
        self.config = scenario
        self.params: Params = compile_params(scenario, strategy, days)
        self.fixed = self.params.fixed()
        self.streams = Streams(seed, first_world, n_worlds)
        self.state = State.initial(self.params, n_worlds)
        if self.params.commitment_range.any():  # frailty (docs/model.md); off by default
            kernel.initial_commitment(self.streams.keys, self.state.commitment,
                                      self.params.commitment_range)
        if self.params.has_types:  # hidden types (docs/model.md); off by default
            kernel.draw_types(self.streams.keys, self.state.is_tactical, self.params.p_tactical)
        self.day = 0
        self.engine = InterventionEngine(list(self.params.interventions), scenario,
                                         self.params, n_worlds)
        self.today = None  # today's parameters (sim.strategies.engine.Today), set each day
        self.has_issues = bool(self.params.issue_ids)  # talks as bargaining (docs/bargaining.md)
        self.work = [make_work(self.params.n_parties, len(self.params.issue_ids),
                               self.params.salience)
                     for _ in range(self.threads)]  # each thread's scratch for the mediator
        self._make_agents(scenario)
        self.datacollector = mesa.DataCollector(model_reporters=series_reporters())
        self.event_log = EventLog(log_worlds, first_world) if log_worlds else None

    def _make_agents(self, scenario: Scenario) -> None:
        index = {ActorKind.PARTY: 0, ActorKind.BROKER: 0, ActorKind.SPOILER: 0}
        cls = {ActorKind.PARTY: Party, ActorKind.BROKER: Broker, ActorKind.SPOILER: Spoiler}
        for actor in scenario.actors:
            cls[actor.kind](self, actor, index[actor.kind])
            index[actor.kind] += 1

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day, in simultaneous phases (the order is the model; see docs/model.md).

        0. ``engine``     the strategy's triggers fire on yesterday's state; today's parameters;
        1. spoilers attack, more as the truce and the talks progress;
        2. parties decide from what they perceived yesterday;
        3. each party perceives violations, false alarms and blamed attacks;
        4. trust and commitment update from those perceptions;
        5. brokers press the violators they saw;
        6. parties walk out and return; talks progress, or bargain over the issues;
        7. holding / in trouble / collapsed, and the collapse's cause.
        Phases 1-7 are one compiled pass over the worlds (:func:`sim.kernel.run_day`).
        Scripted events of the day are applied inside the phase they belong to.
        """
        p = self.params
        self.today = self.engine.begin_day(self.day, self.state)
        forced = kernel.forced_today(p.events, self.day, max(p.n_parties, p.n_spoilers))
        s, n, threads = self.state, self.state.n, self.threads
        with np.errstate(over="ignore"):  # modulo-2**64 hashing when numba's JIT is off
            kernel.over_worlds(kernel.run_day, n, threads, self.day, self.streams.keys, s,
                               self.fixed, self.today, forced, scratch=self.work)
        self.datacollector.collect(self)
        if self.event_log is not None:
            self.event_log.record(self)
        self.day += 1
        self.running = self.day < p.horizon

    def run(self) -> TruceModel:
        """Step to the horizon and return self."""
        while self.running:
            self.step()
        return self

    @property
    def mean_trust_all(self) -> np.ndarray:
        """(W,) mean trust between the parties at the end of the last day."""
        return self.state.mean_trust_all

    @property
    def today_blame(self) -> np.ndarray:
        """(W, P, P) attacks on party i blamed on party j today (read by the event log)."""
        return self.state.blamed

    @property
    def today_misattributed(self) -> int:
        """Attacks blamed on a party today, over all worlds."""
        return int(self.state.misattributed.sum())

    # ------------------------------------------------------------------ views
    def actor_id(self, code: int) -> str:
        """Id of an actor code as used in ``collapse_cause`` (parties, then spoilers)."""
        if code < 0:
            return ""
        P = self.params.n_parties
        return self.params.party_ids[code] if code < P else self.params.spoiler_ids[code - P]

    def close(self) -> None:
        """Let go of this batch's arrays now. Mesa's agents and data collector refer back to
        the model, a cycle that only the garbage collector frees, and it may not run before
        the next batch is allocated: two batches would then share a memory budget meant for
        one. The model is unusable afterwards."""
        vars(self).clear()
