"""`trucesim sweep` and `trucesim analyze`: thin wrappers over :mod:`sim.sweep`.

Registered on the main app by :func:`register`; bad input and unwritable output end with exit
code 2 and a message, as everywhere in the CLI.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, TextColumn, TimeRemainingColumn

from sim.cli.common import Bar, MemoryOption, budget_or_fail, err, fail, out
from sim.lock import LockHeld
from sim.scenario import ScenarioError


class Executor(StrEnum):
    """Where a sweep's parts run (`--executor`)."""

    LOCAL = "local"
    DASK = "dask"


def load_experiment_or_fail(path: Path):
    """The experiment of a file or shipped name, or exit 2 with its located problems."""
    from sim.sweep import load_experiment  # noqa: PLC0415  lazy: the runner

    try:
        return load_experiment(path)
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])


class _Bar:
    """Rich progress: points done of all, worlds simulated per second, time left."""

    def __init__(self):
        self.progress = Bar(
            TextColumn("[bold]sweeping"), BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} points"),
            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err,
            transient=True, disable=not err.is_terminal)
        self.task, self.worlds, self.t0 = None, 0, time.perf_counter()

    def start(self, done: int, total: int) -> None:
        self.task = self.progress.add_task("sweep", total=total, completed=done, rate="")
        self.t0 = time.perf_counter()

    def advance(self, points: int, worlds: int) -> None:
        self.worlds += worlds
        rate = self.worlds / max(time.perf_counter() - self.t0, 1e-9)
        self.progress.update(self.task, advance=points, rate=f"{rate:,.0f} worlds/s")


def sweep(
    experiment: Annotated[Path, typer.Argument(help="Experiment file (YAML).")],
    executor: Annotated[Executor, typer.Option(help="Where parts run.")] = Executor.LOCAL,
    workers: Annotated[int, typer.Option(
        min=0, max=1024, help="Processes (0 = one per core); results do not depend on it.")] = 0,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address, e.g. tcp://HOST:8786 (with --executor dask; default: a "
             "local cluster).")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Sweep folder (default: out/sweeps/<experiment file name>).")] = None,
    points_per_part: Annotated[int | None, typer.Option(
        min=1, max=100_000, help="Points per stored part (fixed when the sweep starts).")] = None,
    keep_worlds: Annotated[bool, typer.Option(
        help="Also store one row per world (large).")] = False,
    force: Annotated[bool, typer.Option(
        help="Discard results already in --out and start again.")] = False,
    memory: MemoryOption = None,
):
    """Run every point of an experiment under every strategy; resumable, bit-identical.

    Results go to OUT/parts/*.parquet (one row per point and strategy) with OUT/manifest.json.
    Run the same command again after an interruption: finished parts are kept, the rest run.
    One command at a time writes a sweep folder: a second one on the same --out is refused
    (the folder's .lock names the running command); a lock left by a command that died is
    taken over. --memory is shared by this machine's workers; with --scheduler it is each
    remote worker's budget (default: half of its Dask memory limit).

    Examples:

        trucesim sweep experiments/syria_spoilers_sobol.yaml --workers 2 --out out/sobol

        trucesim sweep experiments/syria_guarantors_grid.yaml --executor dask --workers 4

        trucesim sweep EXP.yaml --executor dask --scheduler tcp://10.0.0.5:8786 --out out/big

        trucesim sweep EXP.yaml --workers 2 --memory 8G --out out/big

        duckdb -c "select strategy, avg(rmst_days) from 'out/sobol/parts/*.parquet' group by 1"
    """
    from sim.memory import MemoryBudgetError  # noqa: PLC0415  lazy: numpy, psutil
    from sim.sweep import StoreError  # noqa: PLC0415  lazy: the runner
    from sim.sweep import sweep as run_sweep  # noqa: PLC0415  lazy: the runner
    from sim.sweep.executors import SchedulerError  # noqa: PLC0415  lazy: the runner

    if scheduler is not None and executor is not Executor.DASK:
        fail(["--scheduler: only used with --executor dask"])
    limit = budget_or_fail(memory) if memory is not None else None
    exp = load_experiment_or_fail(experiment)
    target = out_dir or Path("out") / "sweeps" / experiment.stem
    bar = _Bar()
    try:
        with bar.progress:
            result = run_sweep(exp, target, executor.value, workers, scheduler, points_per_part,
                               keep_worlds, force, progress=bar.advance, on_start=bar.start,
                               memory=limit)
    except KeyboardInterrupt:  # Ctrl-C: the parts finished so far are stored; say so
        _interrupted(target)
    except (StoreError, LockHeld) as exc:
        fail([str(exc)])
    except MemoryBudgetError as exc:
        fail([f"{experiment}: {exc}"])
    except SchedulerError as exc:
        fail([str(exc)], code=1 if exc.lost else 2)
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    except OSError as exc:
        fail([(f"{target}: cannot write results: {exc.strerror or exc}. Parts already "
                "finished are kept: fix this and run the same command again to resume.")])
    m = result.manifest
    out.print(f"{m['experiment']['name']}: {m['n_points']} points x {len(m['strategies'])} "
              f"strategies x {m['worlds']:,} worlds; {result.parts_run} parts run, "
              f"{result.parts_skipped} already done, {result.seconds:.1f} s", highlight=False)
    out.print(f"results in {target}/parts/*.parquet; next: trucesim analyze {target}",
              highlight=False)


def _interrupted(target: Path) -> None:
    """Report an interrupted sweep (how many parts are stored, how to resume); exit 130."""
    from sim.sweep import Store, StoreError  # noqa: PLC0415  lazy: the runner

    try:
        manifest = Store(target).read_manifest() or {}
    except StoreError:  # an unreadable manifest: the message matters more than the count
        manifest = {}
    done, total = len(manifest.get("parts", {}).get("parts", {})), manifest.get("n_parts")
    stored = f"{done} of {total} parts" if total else "the parts finished so far"
    err.print(f"interrupted: {stored} are stored in {target}/; run the same command again to "
              "resume.", markup=False, highlight=False, emoji=False)
    raise typer.Exit(130)


def analyze(
    sweep_dir: Annotated[Path, typer.Argument(help="A sweep folder (with manifest.json).")],
    outcome: Annotated[str, typer.Option(
        help="Outcome to rank parameters by (a column of the parts).")] = "rmst_days",
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Where to write the report (default: SWEEP_DIR/analysis).")] = None,
    strategies: Annotated[str | None, typer.Option(
        help="Comma-separated strategies to analyse (default: all in the sweep).")] = None,
):
    """Which parameters matter, and which strategy wins where: indices, plots, a report.

    The report answers in plain words first: which parameter matters most for the outcome,
    where each strategy is the best, and which is the best value for its cost (the cheapest
    that gets 90% of the best gain over the baseline). The details follow: Sobol designs give
    first-order and total Sobol indices (S1, ST), Morris designs mu* and sigma, grid and LHS
    designs a first-order index (S1, the correlation ratio from binned means), each with a 95%
    bootstrap interval; PRIM boxes say where each strategy wins. Writes report.md,
    report.html, sensitivity.csv, conditions.csv, analysis.json and two plots.

    Examples:

        trucesim analyze out/sobol

        trucesim analyze out/sobol --outcome survival_180 --out out/sobol_report

        trucesim analyze out/sobol --strategies baseline,urgent_meeting,pressure --out out/r2
    """
    from sim.sweep.analyze import AnalysisError, analyse_sweep  # noqa: PLC0415  lazy: SALib, pandas
    from sim.sweep.report import write_analysis  # noqa: PLC0415  lazy: matplotlib

    try:
        names = [s.strip() for s in strategies.split(",") if s.strip()] if strategies else None
        result = analyse_sweep(sweep_dir, outcome, names)
        files = write_analysis(result, out_dir or sweep_dir / "analysis")
    except AnalysisError as exc:
        fail([str(exc)])
    except OSError as exc:
        fail([(f"{out_dir or sweep_dir / 'analysis'}: cannot write the report: "
                f"{exc.strerror or exc}")])
    for line in result.headline():
        out.print(line, highlight=False)
    out.print(f"report written to {files[0].parent}/ ({', '.join(f.name for f in files)})",
              highlight=False)


def register(app: typer.Typer) -> None:
    """Add `sweep` and `analyze` to the `trucesim` app."""
    app.command()(sweep)
    app.command()(analyze)
