"""Many parameter sets in one batched run: each world with its own parameter set (issue 17).

The worlds of a run are grouped in contiguous blocks, one block per parameter set. A block
holds what a :class:`sim.model.TruceModel` holds for its worlds (state arrays, random keys, the
strategy's intervention engine) but no Mesa agents, data collector or event log, so a block
costs a few arrays. The blocks are then merged into one (:mod:`sim.ensemble_block`), so that
each day the intervention engine and the compiled day run once for every set's worlds, each
world on its own set's parameters; sets that cannot share one (a prior that changes an array's
shape) run block by block (:func:`sim.kernel.run_day` on each block's parameters). Either way
a world computes exactly what it computes alone.

World indices: block ``k`` runs global worlds ``first[k] .. first[k] + n_k - 1`` of the run's
seed (:mod:`sim.rng`), by default consecutive (``first[k] = n_0 + ... + n_{k-1}``). So a run of
K sets of ``m`` worlds gives, world for world, what K runs of ``m`` worlds starting at those
indices give; with ``same_worlds=True`` every block runs worlds ``0 .. m - 1`` (common random
numbers across parameter sets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import kernel
from sim.bargaining.nash import make_work
from sim.ensemble_block import NotMergeable, OneBlock
from sim.model import TruceModel, series_reporters
from sim.params import Params, compile_params
from sim.priors import apply_sets
from sim.results import SURVIVAL_DAYS, world_table
from sim.rng import Streams
from sim.scenario import ScenarioError, scenario_hash
from sim.schema import Scenario
from sim.state import State
from sim.strategies.engine import InterventionEngine

REPORTERS = series_reporters()  # the daily series a block keeps, as TruceModel's
SERIES = tuple(REPORTERS)


class Block:
    """The worlds of one parameter set: what the compiled day reads and writes for them."""

    def __init__(self, scn: Scenario, strategy: str, seed: int, first: int, n: int,
                 days: int | None, threads: int, series: tuple[str, ...] = SERIES):
        self.config = scn
        self.params: Params = compile_params(scn, strategy, days)
        self.fixed = self.params.fixed()
        self.streams = Streams(seed, first, n)
        self.state = State.initial(self.params, n)
        if self.params.commitment_range.any():
            kernel.initial_commitment(self.streams.keys, self.state.commitment,
                                      self.params.commitment_range)
        if self.params.has_types:  # as TruceModel: each world's hidden types, before day 0
            kernel.draw_types(self.streams.keys, self.state.is_tactical, self.params.p_tactical)
        self.engine = InterventionEngine(list(self.params.interventions), scn, self.params, n)
        self.has_issues = bool(self.params.issue_ids)
        self.threads = threads
        self.work = [make_work(self.params.n_parties, len(self.params.issue_ids),
                               self.params.salience) for _ in range(threads)]
        self.reporters = [REPORTERS[name] for name in series]
        self.series = np.zeros((self.params.horizon, len(series)))  # columns: ``series``
        self.one: OneBlock | None = None  # the block of every set this one was merged into

    actor_id = TruceModel.actor_id  # reads self.params only

    def step(self, day: int) -> None:
        """Phases 0-7 of :meth:`sim.model.TruceModel.step` for this block's worlds."""
        p, s = self.params, self.state
        today = self.engine.begin_day(day, s)
        forced = kernel.forced_today(p.events, day, max(p.n_parties, p.n_spoilers))
        with np.errstate(over="ignore"):
            kernel.over_worlds(kernel.run_day, s.n, self.threads, day, self.streams.keys, s,
                               self.fixed, today, forced, scratch=self.work)
        self.record(day)

    def record(self, day: int) -> None:
        """Today's daily sums of this block's worlds."""
        if self.reporters:
            self.series[day] = [report(self) for report in self.reporters]


@dataclass
class EnsembleResult:
    """Per-world rows of every parameter set (column ``set``) and each set's daily sums."""

    worlds: pd.DataFrame
    daily: dict[int, pd.DataFrame]  # set -> summed daily reporters, as TruceModel collects
    sets: pd.DataFrame  # the parameter sets, indexed by set

    def set_worlds(self, k: int) -> pd.DataFrame:
        """The per-world rows of parameter set ``k``."""
        return self.worlds[self.worlds["set"] == k]


def scenarios_of(scn: Scenario, sets: pd.DataFrame) -> list[Scenario]:
    """One validated scenario per row of ``sets`` (columns are field paths).

    Raises:
        ScenarioError: the first set whose values together break a rule of the schema.
    """
    if not len(sets.columns):
        return [scn] * len(sets)
    out = apply_sets(scn, sets)
    bad = [x for x in out if isinstance(x, ScenarioError)]
    if bad:
        raise bad[0]
    return out


def firsts(sizes: list[int], same_worlds: bool = False, first_world: int = 0) -> list[int]:
    """Global index of each block's first world: consecutive, or all ``first_world``."""
    if same_worlds:
        return [first_world] * len(sizes)
    return list(first_world + np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int))


def run_blocks(scenarios: list[Scenario], sizes: list[int], seed: int = 0,
               strategy: str = "baseline", days: int | None = None,
               first: list[int] | None = None, threads: int | None = None,
               progress: Callable[[int], None] | None = None,
               series: tuple[str, ...] = SERIES, merge: bool = True) -> list[Block]:
    """Run blocks of worlds, block ``k`` under ``scenarios[k]``, to the horizon, day by day.

    Args:
        scenarios: one validated scenario per parameter set (same actors and strategy).
        sizes: worlds per block.
        seed: the run's seed.
        strategy: the name of the strategy every block runs.
        days: the horizon in days (None: the scenario's).
        first: each block's first global world index (default: consecutive from 0).
        threads: kernel threads (:func:`sim.kernel.usable_threads`; None: the default).
        progress: called with world-days done after each day.
        series: the daily reporters each block keeps (of :data:`SERIES`).
        merge: run every set in one block of worlds where they can share one
            (:mod:`sim.ensemble_block`; the results are the same, world for world).
    """
    first = firsts(sizes) if first is None else first
    threads = kernel.usable_threads(threads)
    blocks = [Block(scn, strategy, seed, f, n, days, threads, series)
              for scn, f, n in zip(scenarios, first, sizes)]
    steppers = one_block(blocks) if merge else blocks
    horizon = blocks[0].params.horizon if blocks else 0
    for day in range(horizon):
        for b in steppers:
            b.step(day)
        if steppers is not blocks:
            for b in blocks:
                b.record(day)
        if progress:
            progress(sum(sizes))
    return blocks


def one_block(blocks: list[Block]) -> list:
    """The blocks merged into one (:class:`sim.ensemble_block.OneBlock`), else, for sets that
    cannot share one, the blocks themselves: what to step each day."""
    if len(blocks) < 2:
        return blocks
    try:
        return [OneBlock(blocks)]
    except NotMergeable:
        return blocks


def run_sets(scn: Scenario, sets: pd.DataFrame, worlds: int, seed: int = 0,
             strategy: str = "baseline", days: int | None = None, same_worlds: bool = False,
             threads: int | None = None, progress: Callable[[int], None] | None = None,
             first: list[int] | None = None,
             scenarios: list[Scenario] | None = None,
             series: tuple[str, ...] = SERIES) -> EnsembleResult:
    """``worlds`` worlds under each parameter set (a row of ``sets``), in one batched run.

    Args:
        scn: the scenario the parameter sets are applied to.
        sets: the parameter sets, one per row (columns are field paths).
        worlds: worlds per parameter set.
        seed: the run's seed.
        strategy: the name of the strategy every set runs.
        days: the horizon in days (None: the scenario's).
        same_worlds: every set runs worlds ``0 .. worlds - 1`` (else consecutive blocks).
        first: each set's first global world index (overrides ``same_worlds``).
        threads: kernel threads (:func:`sim.kernel.usable_threads`; None: the default).
        progress: called with world-days done after each day.
        scenarios: the sets already applied to ``scn`` (:func:`scenarios_of`), if at hand.
        series: the daily sums to keep (of :data:`SERIES`; none is fastest).

    Example:
        >>> sets = sim.priors.draw(scn, 50, np.random.default_rng(1))
        >>> res = run_sets(scn, sets, worlds=20, seed=1)
        >>> res.worlds.groupby("set")["survival_days"].mean()
    """
    scenarios = scenarios_of(scn, sets) if scenarios is None else scenarios
    sizes = [worlds] * len(sets)
    first = firsts(sizes, same_worlds) if first is None else first
    blocks = run_blocks(scenarios, sizes, seed, strategy, days, first, threads, progress,
                        series)
    tables, daily = [], {}
    for k, (b, f) in enumerate(zip(blocks, first)):
        table = world_table(b, f, seed, scenario_hash(b.config), strategy)
        table.insert(0, "set", k)
        tables.append(table)
        daily[k] = pd.DataFrame(b.series, columns=list(series))
    worlds_df = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return EnsembleResult(worlds_df, daily, sets.reset_index(drop=True))


def survival_spread(worlds, horizon: int):
    """Per day of :data:`sim.results.SURVIVAL_DAYS` within the horizon: the median, 5% and 95%
    over parameter sets of each set's share of worlds holding."""
    t, held = worlds["survival_days"], ~worlds["is_collapsed"]
    rows = []
    for d in (d for d in SURVIVAL_DAYS if d <= horizon):
        share = ((t > d) | held).groupby(worlds["set"]).mean()
        rows.append({"day": d, "median": share.median(), "p5": share.quantile(0.05),
                     "p95": share.quantile(0.95)})
    return pd.DataFrame(rows)
