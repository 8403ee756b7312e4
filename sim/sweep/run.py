"""Running a sweep: plan the parts, skip the finished ones, run the rest, store each as it ends.

A task is one (point, strategy): ``worlds`` worlds run through :mod:`sim.runner`'s batch
machinery with the point's seed, so a task's result does not depend on which process ran it or
on what ran beside it. A part is a fixed run of consecutive points with all their strategies;
the parts are fixed when the sweep starts (recorded in the manifest), so a resumed sweep redoes
exactly the parts that are missing or damaged and the final table equals an uninterrupted run's.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

import sim
from sim import memory as mem
from sim.lock import StoreLock
from sim.runner import batches, run_batch
from sim.scenario import Problem, ScenarioError, scenario_hash
from sim.sweep.design import design_table, salib_problem
from sim.sweep.executors import SchedulerError, run_jobs
from sim.sweep.experiment import LoadedExperiment, point_scenario
from sim.sweep.outcomes import outcome_row
from sim.sweep.store import FORMAT, Store, StoreError

TARGET_TASKS_PER_PART = 4  # a task of 1,000 Syria worlds is ~1 s of CPU; a part a few seconds


@dataclass(frozen=True)
class PartJob:
    """Everything a worker needs to run one part; plain data, cheap to send to another process."""

    index: int
    exp: LoadedExperiment
    points: list[dict]          # {"point", "seed", "values": {path: value}}
    keep_worlds: bool
    memory: mem.Budget | None = None  # this worker's budget (None: its own default)


@dataclass
class SweepResult:
    """What a sweep did: its store and manifest, parts run and skipped, seconds."""

    store: Store
    manifest: dict
    parts_run: int
    parts_skipped: int
    seconds: float
    stats: dict = field(default_factory=dict)


def run_worlds(scn, strategy: str, seed: int, worlds: int, days: int | None,
               batch: int | None = None) -> pd.DataFrame:
    """One task: the world table of ``worlds`` worlds, in batches of ``batch`` worlds
    (default: as many as fit the default memory budget, :mod:`sim.memory`)."""
    batch = batch or mem.plan(scn, [strategy], days, worlds)
    return pd.concat([run_batch(scn, strategy, seed, days, first, n)[0]
                      for first, n in batches(worlds, batch)], ignore_index=True)


def part_batch(job: PartJob) -> int:
    """Worlds per batch in a part, within the worker's budget (:mod:`sim.memory`); the
    points of a sweep change values, never array shapes, so the base scenario's footprint holds.

    Raises:
        sim.memory.MemoryBudgetError: one world cannot fit.
    """
    spec = job.exp.spec
    fp = mem.scenario_footprint(job.exp.scenario, spec.strategies, spec.days)
    kept = spec.worlds * len(spec.strategies) * len(job.points) if job.keep_worlds else None
    return mem.batch_size(fp, spec.worlds, job.memory or mem.worker_budget(), kept)


def outcome_causes(scn) -> list[str]:
    """Actors that can open a collapse (parties and spoilers), as in ``collapse_cause``."""
    return [a.id for a in scn.actors if a.kind in ("party", "spoiler")]


def run_part(job: PartJob) -> tuple[int, pd.DataFrame, pd.DataFrame | None]:
    """Run every (point, strategy) task of one part: (index, outcome rows, world rows or None)."""
    exp = job.exp
    causes = outcome_causes(exp.scenario)
    batch = part_batch(job)
    rows, worlds = [], []
    for pt in job.points:
        scn = point_scenario(exp, pt["values"])
        shash = scenario_hash(scn)
        for k, strategy in enumerate(exp.spec.strategies):
            table = run_worlds(scn, strategy, pt["seed"], exp.spec.worlds, exp.spec.days, batch)
            key = {"point": pt["point"], "strategy_index": k, "strategy": strategy,
                   "seed": pt["seed"]}
            rows.append(key | {"worlds": len(table), "scenario_hash": shash}
                        | outcome_row(table, exp.horizon, exp.spec.horizons, causes))
            if job.keep_worlds:
                worlds.append(table.drop(columns=["strategy", "seed"]).assign(
                    point=pt["point"], strategy_index=k, strategy=strategy))
    return job.index, pd.DataFrame(rows), (pd.concat(worlds, ignore_index=True)
                                           if job.keep_worlds else None)


def plan(exp: LoadedExperiment, points_per_part: int | None = None) -> tuple[pd.DataFrame, int]:
    """The design table and the number of points per part."""
    design = design_table(exp.spec)
    if points_per_part is None:
        points_per_part = max(1, math.ceil(TARGET_TASKS_PER_PART / len(exp.spec.strategies)))
    return design, points_per_part


def jobs_for(exp: LoadedExperiment, design: pd.DataFrame, per_part: int,
             keep_worlds: bool) -> list[PartJob]:
    """The parts to run: the design's points in parts of ``per_part`` points."""
    paths = [u.path for u in exp.spec.uncertainties]
    cols = [u.column for u in exp.spec.uncertainties]
    points = [{"point": int(r["point"]), "seed": int(r["seed"]),
               "values": {p: float(r[c]) for p, c in zip(paths, cols)}}
              for r in design.to_dict("records")]
    return [PartJob(i, exp, points[s:s + per_part], keep_worlds)
            for i, s in enumerate(range(0, len(points), per_part))]


def new_manifest(exp: LoadedExperiment, design: pd.DataFrame, per_part: int,
                 keep_worlds: bool) -> dict:
    """The manifest of a new sweep folder: the experiment, design and parts."""
    spec = exp.spec
    return {
        "format": FORMAT,
        "trucesim_version": sim.__version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "experiment": {"file": exp.file, "sha256": exp.sha256, "name": spec.experiment.name},
        "scenario": {"file": exp.scenario_file, "hash": scenario_hash(exp.scenario),
                     "name": exp.scenario.meta.name},
        "root_seed": spec.seed,
        "seeds": "point p: SeedSequence(root_seed, spawn_key=(p,)); all strategies share it",
        "design": spec.design.model_dump(mode="json"),
        "problem": salib_problem(spec),
        "uncertainties": [u.model_dump(mode="json") | {"column": u.column}
                          for u in spec.uncertainties],
        "strategies": spec.strategies,
        "worlds": spec.worlds,
        "horizon_days": exp.horizon,
        "horizons": spec.horizons,
        "n_points": len(design),
        "points_per_part": per_part,
        "n_parts": math.ceil(len(design) / per_part),
        "keep_worlds": keep_worlds,
        "parts": {"parts": {}, "worlds": {}},
        "complete": False,
    }


def open_store(exp: LoadedExperiment, out: str | Path, points_per_part: int | None,
               keep_worlds: bool, force: bool) -> tuple[Store, dict, list[PartJob]]:
    """Create the folder or check that it holds this same sweep; return the jobs still to run.

    Raises:
        StoreError: the folder holds a different sweep (another experiment file or scenario,
            other settings) and ``force`` is not set.
        OSError: the folder cannot be written.
    """
    check_points(exp, design_table(exp.spec))
    store = Store(out)
    old = None if force else store.read_manifest()
    if old is None and not force and (store.root / "parts").exists():
        raise StoreError(f"{store.root}: has parts/ but no manifest.json; use a new --out "
                         "or --force to start again")
    if old is not None:
        _check_same(old, exp, out, points_per_part, keep_worlds)
        per_part, manifest = old["points_per_part"], old
        design = design_table(exp.spec)
        store.create(manifest, design, keep_worlds)
    else:
        if force and store.parts.exists():
            for f in [*store.parts.glob("*"), *store.worlds.glob("*")]:
                f.unlink()
        design, per_part = plan(exp, points_per_part)
        manifest = new_manifest(exp, design, per_part, keep_worlds)
        store.create(manifest, design, keep_worlds)
    n_strat = len(exp.spec.strategies)
    jobs = [j for j in jobs_for(exp, design, per_part, keep_worlds)
            if not store.is_done(manifest, j.index, len(j.points) * n_strat)]
    return store, manifest, jobs


def check_points(exp: LoadedExperiment, design: pd.DataFrame, limit: int = 5) -> None:
    """Every point must be a valid scenario (cross-field rules can fail inside the ranges).

    Raises:
        ScenarioError: naming the first ``limit`` bad points, their values and the rule.
    """
    problems = []
    for job in jobs_for(exp, design, len(design), False):
        for pt in job.points:
            try:
                point_scenario(exp, pt["values"])
            except ScenarioError as exc:
                values = ", ".join(f"{k}={v:.4g}" for k, v in pt["values"].items())
                problems += [Problem(exp.file, None, f"point {pt['point']}", None,
                                     f"({values}) is not a valid scenario: {p.expected} "
                                     f"[{p.path}]") for p in exc.problems[:1]]
    if problems:
        extra = len(problems) - limit
        more = [Problem(exp.file, None, "", None, f"... and {extra} more points")] \
            if extra > 0 else []
        raise ScenarioError(problems[:limit] + more)


def _check_same(old: dict, exp: LoadedExperiment, out, per_part: int | None,
                keep_worlds: bool) -> None:
    hint = "; use a new --out, or --force to discard the results there"
    if old.get("format") != FORMAT:
        raise StoreError(f"{out}: written by an incompatible trucesim (format "
                         f"{old.get('format')}){hint}")
    if old["experiment"]["sha256"] != exp.sha256:
        raise StoreError(f"{out}: holds a sweep of a different version of the experiment file "
                         f"(sha256 {old['experiment']['sha256'][:12]}, this file "
                         f"{exp.sha256[:12]}){hint}")
    if old["scenario"]["hash"] != scenario_hash(exp.scenario):
        raise StoreError(f"{out}: the base scenario {exp.scenario_file} changed since this "
                         f"sweep started{hint}")
    if old["trucesim_version"] != sim.__version__:
        raise StoreError(f"{out}: started with trucesim {old['trucesim_version']}, this is "
                         f"{sim.__version__}{hint}")
    if per_part is not None and per_part != old["points_per_part"]:
        raise StoreError(f"{out}: started with --points-per-part {old['points_per_part']}, "
                         f"not {per_part}{hint}")
    if keep_worlds != old["keep_worlds"]:
        flag = "with" if old["keep_worlds"] else "without"
        raise StoreError(f"{out}: started {flag} --keep-worlds; rerun it the same way{hint}")


Progress = Callable[[int, int], None]  # (points finished, worlds simulated) since last call


def sweep(exp: LoadedExperiment, out: str | Path, executor: str = "local", workers: int = 1,
          scheduler: str | None = None, points_per_part: int | None = None,
          keep_worlds: bool = False, force: bool = False,
          progress: Progress | None = None, on_start: Callable[[int, int], None] | None = None,
          memory: str | int | mem.Budget | None = None) -> SweepResult:
    """Run (or resume) a sweep into the store at ``out``.

    Args:
        exp: the experiment (:func:`sim.sweep.load_experiment`).
        out: the sweep folder (created if missing).
        executor: "local" (a process pool of ``workers``; 1 runs in this process) or "dask"
            (a LocalCluster of ``workers``, or the cluster at ``scheduler``).
        workers: processes or Dask workers (0: one per core).
        scheduler: a Dask scheduler's address (with ``executor="dask"``).
        points_per_part: points per stored part (default: enough for ~4 tasks); fixed when
            the sweep starts.
        keep_worlds: also store one row per world.
        force: discard the results already in ``out`` and start again.
        progress: called as each part finishes with (points, worlds) it added.
        on_start: called once with (points already done, points in total).
        memory: the memory budget (:func:`sim.memory.budget`), shared by the workers of this
            machine; with ``scheduler``, each remote worker's budget (default: half of the
            worker's Dask memory limit, or of the memory available to it).

    Raises:
        StoreError: ``out`` holds a different sweep.
        sim.lock.LockHeld: another live command is writing ``out`` (nothing is run).
        sim.memory.MemoryBudgetError: one world cannot fit a worker's budget.
        sim.sweep.executors.SchedulerError: the Dask scheduler cannot be reached or was lost.
        OSError: a part or the manifest cannot be written (finished parts are kept).
    """
    with StoreLock(out):  # one writer per store (sim/lock.py), refused before any work
        budget = worker_share(exp, memory, executor, workers, scheduler, keep_worlds,
                              points_per_part)  # a refusal removes the folder it made
        return _sweep(exp, out, executor, workers, scheduler, points_per_part, keep_worlds,
                      force, progress, on_start, budget)


def worker_share(exp: LoadedExperiment, memory, executor: str, workers: int,
                  scheduler: str | None, keep_worlds: bool,
                  points_per_part: int | None) -> mem.Budget | None:
    """Each worker's share of the budget, checked against one part (None: each remote worker
    chooses its own).

    Raises:
        sim.memory.MemoryBudgetError: one world cannot fit a worker's share.
    """
    if executor == "dask" and scheduler is not None:
        if memory is None:
            return None
        share = mem.budget(memory)
    else:
        limit, n = mem.budget(memory), mem.cpu_workers(workers)
        share = limit if n == 1 else mem.Budget(
            max(0, limit.bytes - (n - 1) * mem.PROCESS) // n,
            f"{limit.source}, shared by {n} worker processes")
    per_part = plan(exp, points_per_part)[1]
    part_batch(PartJob(0, exp, [{}] * per_part, keep_worlds, share))
    return share


def _sweep(exp, out, executor, workers, scheduler, points_per_part, keep_worlds, force,
           progress, on_start, budget) -> SweepResult:
    start = time.perf_counter()
    store, manifest, jobs = open_store(exp, out, points_per_part, keep_worlds, force)
    jobs = [replace(job, memory=budget) for job in jobs]
    todo_points = sum(len(j.points) for j in jobs)
    if on_start:
        on_start(manifest["n_points"] - todo_points, manifest["n_points"])
    per_task = exp.spec.worlds * len(exp.spec.strategies)
    points_of = {j.index: len(j.points) for j in jobs}
    try:
        for index, table, worlds in run_jobs(run_part, jobs, executor, workers, scheduler):
            manifest["parts"]["parts"][str(index)] = store.write_part(index, table)
            if worlds is not None:
                manifest["parts"]["worlds"][str(index)] = store.write_part(index, worlds,
                                                                           "worlds")
            store.write_manifest(manifest)
            if progress:
                progress(points_of[index], points_of[index] * per_task)
    except SchedulerError as exc:
        if exc.lost:  # say what is kept: every part stored before the connection went
            done = len(manifest["parts"]["parts"])
            raise SchedulerError(f"{exc} {done} of {manifest['n_parts']} parts are stored in "
                                 f"{store.root}/ and kept; run the same command again to "
                                 "resume.", lost=True) from None
        raise
    manifest["complete"] = True
    manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    store.write_manifest(manifest)
    return SweepResult(store, manifest, len(jobs), manifest["n_parts"] - len(jobs),
                       time.perf_counter() - start)
