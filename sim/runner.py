"""Running scenarios: the Python API behind `trucesim run`.

Worlds are run in batches of whole multiples of :data:`sim.rng.BLOCK` worlds; a world's random
numbers depend on its index only (:mod:`sim.rng`), so results are the same whatever the batch
size; per-world outcomes are concatenated and daily series summed on the fly,
so memory stays bounded by one batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim import kernel
from sim import memory as mem
from sim.interrupts import check_ctrl_c
from sim.model import TruceModel
from sim.processes import pool_map
from sim.results import daily_table, summarise, world_table, write_outputs
from sim.scenario import load, scenario_hash
from sim.schema import Scenario
from sim.strategies import available, resolve

DEFAULT_BATCH = mem.MAX_BATCH  # 16,384 worlds a model at most; fewer when a world is large


@dataclass
class RunResult:
    """Everything one run produced."""

    worlds: pd.DataFrame
    daily: pd.DataFrame
    summary: dict

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write the result files in ``out_dir`` (:func:`sim.results.write_outputs`)."""
        return write_outputs(out_dir, self.worlds, self.daily, self.summary)


@dataclass
class CompareResult:
    """Several strategies run on the same worlds (common random numbers)."""

    runs: dict[str, RunResult]
    horizon: int
    scenario: str

    @property
    def worlds(self) -> pd.DataFrame:
        """All strategies' world rows, one table (column ``strategy``)."""
        return pd.concat([r.worlds for r in self.runs.values()], ignore_index=True)


def compare(scenario: Scenario | str | Path, strategies: list[str] | None = None,
            worlds: int = 1000, seed: int = 0, days: int | None = None,
            overrides: list[str] | None = None,
            progress: Callable[[int], None] | None = None,
            workers: int = 1, memory: str | int | None = None,
            threads: int | None = None) -> CompareResult:
    """Run several strategies on the same worlds: same seed, so the same random numbers.

    Args:
        scenario: a validated scenario, a file, or a shipped scenario's name.
        strategies: names from the scenario or the standard library (default: the scenario's).
        worlds: worlds per strategy.
        seed: the run's seed; the same worlds for every strategy.
        days: the horizon (default: the scenario's).
        overrides: ``PATH=VALUE`` strings, as with ``--set``.
        workers: processes to use (0: one per core); results do not depend on it. Processes
            are forked on Linux when this process runs no other thread, else spawned
            (:func:`sim.processes.start_method`); a script that may spawn them must guard its
            top level with ``if __name__ == "__main__":``.
        progress: called with world-days done as each batch of worlds finishes.
        memory: the memory budget, shared by the workers (:func:`sim.memory.budget`: bytes,
            ``"4G"``, ``"30%"``; default half the memory available).
        threads: threads per process that share a batch's worlds (default: ``TRUCESIM_THREADS``
            or 1); results do not depend on it.

    Raises:
        KeyError: for an unknown strategy name.
        sim.memory.MemoryBudgetError: one world, or the results, cannot fit the budget.
    """
    scn = scenario if isinstance(scenario, Scenario) else load(scenario, overrides)
    names = strategies or list(scn.strategies)
    unknown = [s for s in names if s not in available(scn)]
    if unknown:
        raise KeyError(unknown[0])
    batch = mem.plan(scn, names, days, worlds, memory, workers, kept_rows=worlds * len(names))
    tasks = [(scn, name, seed, days, first, n, None, threads)
             for name in names for first, n in batches(worlds, batch)]
    done = _map(tasks, workers, progress)
    runs = {}
    for name in names:
        parts = [out for task, out in zip(tasks, done) if task[1] == name]
        runs[name] = _assemble(scn, name, seed, parts)
    horizon = next(iter(runs.values())).summary["horizon_days"]
    return CompareResult(runs, horizon, scn.meta.name)


def _map(tasks: list, workers: int | None, progress) -> list:
    """Run batch tasks, in processes when there is more than one; results in task order."""
    out = [None] * len(tasks)
    for i, result in pool_map(_run_task, tasks, workers):  # workers 0: one per core
        out[i] = result
        if progress:
            progress(_world_days(tasks[i]))
    return out


def _run_task(task: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return run_batch(*task)


def _world_days(task: tuple) -> int:
    scn, _, _, days, _, n = task[:6]
    return n * (days or scn.meta.horizon_days)


def run_batch(scn: Scenario, strategy: str, seed: int, days: int | None, first: int, n: int,
               progress: Callable[[int], None] | None = None,
               threads: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One batch of worlds: (world rows, summed daily series).

    With more than one thread, the batch is cut into that many consecutive parts, each a model
    of its own that one thread runs to the horizon. The threads meet once, at the end, not
    every day: a model that shares each day's worlds between threads waits for the slower
    share daily, and 2 threads gave 1.5x where parts give about 1.9x (docs/performance.md).
    The compiled day releases the GIL, so the parts run side by side. Results are the same:
    a world's numbers depend on its index, and the daily series are sums that do not depend
    on how the worlds are split (counts, and :func:`sim.model.fixed_point_sum`).
    """
    shares = kernel.shares(n, kernel.usable_threads(threads))
    if len(shares) == 1:
        return _run_model(scn, strategy, seed, days, first, n, progress)
    stop = threading.Event()  # set when the caller stops waiting (Ctrl-C, an error)
    with ThreadPoolExecutor(len(shares)) as pool:  # its threads end with the batch
        jobs = [pool.submit(_run_model, scn, strategy, seed, days, first + lo, hi - lo,
                            progress, stop) for lo, hi in shares]
        try:
            for job in wait(jobs, return_when=FIRST_EXCEPTION).done:
                job.result()  # an error raised here stops the other parts
            parts = [job.result() for job in jobs]
        except BaseException:
            stop.set()  # the other parts stop at their next day
            raise
    return _merge(parts)


def _run_model(scn: Scenario, strategy: str, seed: int, days: int | None, first: int, n: int,
               progress: Callable[[int], None] | None = None,
               stop: threading.Event | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    model = TruceModel(scn, n, seed, strategy, first_world=first, days=days, threads=1)
    while model.running:
        check_ctrl_c()  # a Ctrl-C swallowed inside the last day stops here (sim/interrupts.py)
        if stop is not None and stop.is_set():
            raise KeyboardInterrupt  # the batch was given up; nobody takes this result
        model.step()
        if progress:
            progress(n)
    out = (world_table(model, first, seed, scenario_hash(scn), strategy),
           model.datacollector.get_model_vars_dataframe())
    model.close()
    return out


def _merge(parts: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Consecutive parts' (world rows, daily series) as one: rows concatenated in world order,
    series summed."""
    table = pd.concat([t for t, _ in parts], ignore_index=True)
    return table, sum((d for _, d in parts[1:]), parts[0][1])


def _assemble(scn: Scenario, strategy: str, seed: int, parts: list) -> RunResult:
    table, sums = _merge(parts)
    horizon = len(sums)
    summary = summarise(table, horizon, seed, strategy, scn.meta.name)
    summary["scenario_hash"] = scenario_hash(scn)
    return RunResult(table, daily_table(sums, scn.meta.start_date), summary)


def batches(n_worlds: int, batch: int = DEFAULT_BATCH) -> list[tuple[int, int]]:
    """(first world, count) batches: whole seed blocks, or parts of one block (a power of two
    dividing it) when a batch of a block would not fit in memory (:mod:`sim.memory`)."""
    batch = n_worlds if batch >= n_worlds else mem.aligned(max(1, batch))
    return [(w, min(batch, n_worlds - w)) for w in range(0, n_worlds, batch)]


def run(scenario: Scenario | str | Path, strategy: str = "baseline", worlds: int = 1000,
        seed: int = 0, days: int | None = None, overrides: list[str] | None = None,
        progress: Callable[[int], None] | None = None, batch: int | None = None,
        memory: str | int | None = None, threads: int | None = None) -> RunResult:
    """Run ``worlds`` worlds of a scenario under one strategy.

    Args:
        scenario: a validated Scenario, or the path of a scenario file.
        strategy: a name from the scenario's ``strategies``.
        worlds: number of independent worlds.
        seed: the run's seed; the same seed gives the same results.
        days: horizon override (defaults to ``meta.horizon_days``).
        overrides: ``PATH=VALUE`` strings, applied when ``scenario`` is a path.
        progress: called with the number of world-days done after each simulated day.
        batch: worlds per model object (default: as many as fit ``memory``, at most
            :data:`DEFAULT_BATCH`; rounded as :func:`batches` says).
        memory: the memory budget (:func:`sim.memory.budget`: bytes, ``"4G"``, ``"30%"``;
            default half the memory available).
        threads: threads that share a batch's worlds (default: ``TRUCESIM_THREADS`` or 1;
            0 = one per core); results do not depend on it.

    Raises:
        sim.scenario.ScenarioError: for a bad file or override.
        KeyError: for an unknown strategy.
        sim.memory.MemoryBudgetError: one world, or the results, cannot fit the budget.
    """
    if worlds < 1:
        raise ValueError(f"worlds must be at least 1, got {worlds}")
    scn = scenario if isinstance(scenario, Scenario) else load(scenario, overrides)
    resolve(scn, strategy)  # KeyError if neither the scenario nor the library defines it
    batch = batch or mem.plan(scn, [strategy], days, worlds, memory)
    parts = [run_batch(scn, strategy, seed, days, first, n, progress, threads)
             for first, n in batches(worlds, batch)]
    return _assemble(scn, strategy, seed, parts)
