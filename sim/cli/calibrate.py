"""`trucesim calibrate`: the scenario's priors calibrated to the record (docs/calibration.md)."""

from __future__ import annotations

import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Bar, check_out_dir, err, fail, load_or_fail, out

CHECKPOINT = "checkpoint.json"
# settings that change the result (workers and threads do not)
RESULT_SETTINGS = ("population", "worlds", "budget", "generations", "quantile", "seed", "days",
                   "strategy")


def calibrate(
    scenario: Annotated[Path, typer.Argument(
        help="Scenario file (YAML), or a shipped scenario's name, with priors and targets.")],
    out_dir: Annotated[Path, typer.Option(
        "--out", help="Folder for posterior.parquet, diagnostics, plots and report.md.")],
    targets: Annotated[Path | None, typer.Option(
        "--targets", help="Targets file (`targets:` as in a scenario, or a case record); "
                          "default: the scenario's own targets.")] = None,
    budget: Annotated[int, typer.Option(
        min=1, max=10_000_000, help="Parameter sets to simulate, in all.")] = 1000,
    population: Annotated[int, typer.Option(
        min=4, max=100_000, help="Parameter sets kept per generation.")] = 100,
    worlds: Annotated[int, typer.Option(
        min=1, max=100_000, help="Worlds per parameter set.")] = 20,
    generations: Annotated[int, typer.Option(min=1, max=1000, help="Generations, at most.")]
    = 10,
    workers: Annotated[int, typer.Option(
        min=1, max=256, help="Processes sharing each batch (with --scheduler: parts sent to "
                             "the cluster); results do not depend on it.")] = 1,
    scheduler: Annotated[str | None, typer.Option(
        help="A Dask scheduler's address (tcp://HOST:8786): run each batch's parts there.")]
    = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a field: PATH=VALUE (repeatable).")] = None,
):
    """Calibrate a scenario's priors to its targets (ABC-SMC over the batched model).

    Writes posterior.parquet (parameter sets, weights, provenance), diagnostics.csv,
    constraints.csv, predictive.csv, prior_posterior.png, pairs.png, report.md and report.html. Each
    finished generation is saved in OUT/checkpoint.json: the same command run again after an
    interruption (even `kill -9`) goes on from the last one, with the same results.

    Examples:

        trucesim calibrate syria_2016 --out out/calib --budget 40 --population 20 --worlds 5

        trucesim calibrate syria_2016 --out OUT --budget 1000 --population 100 --worlds 20

        trucesim calibrate scenarios/syria_2016.yaml --targets TARGETS.yaml --out OUT

        trucesim calibrate syria_2016 --out OUT --budget 4000 --workers 2

        trucesim calibrate syria_2016 --out OUT --scheduler tcp://HOST:8786 --workers 8
    """
    from sim.calibrate import Settings  # noqa: PLC0415  lazy: pandas, the kernel

    scn = load_or_fail(scenario, set_)
    tlist = _targets_or_fail(scenario, targets, scn)
    fields = _fields_or_fail(scenario, scn)
    check_out_dir(out_dir)
    if budget < population:
        fail([(f"--budget {budget}: expected at least --population ({population}), the "
               "first generation")])
    s = Settings(population=population, worlds=worlds, budget=budget, generations=generations,
                 seed=seed, workers=workers, scheduler=scheduler)
    meta = _provenance(scn, tlist, s)
    resume = _resume_or_fail(out_dir, meta)
    cal = _run(scn, tlist, s, out_dir, meta, resume)
    _finish(scn, tlist, s, cal, fields, out_dir, meta)


def _targets_or_fail(scenario: Path, targets: Path | None, scn) -> list:
    from sim.calibrate_io import load_targets  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.scenario import ScenarioError  # noqa: PLC0415  lazy: pandas, the kernel

    if targets is None:
        if not scn.targets:
            fail([(f"{scenario}: targets: the scenario states no targets; give --targets FILE "
                   "(docs/priors.md)")])
        return list(scn.targets)
    try:
        found = load_targets(targets)
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    if not found:
        fail([f"{targets}: targets: none stated; expected at least one"])
    return found


def _fields_or_fail(scenario: Path, scn) -> list:
    from sim.priors import resolve  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.scenario import ScenarioError  # noqa: PLC0415  lazy: pandas, the kernel

    try:
        fields = resolve(scn)
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    if not fields:
        fail([(f"{scenario}: priors: the scenario states no priors; expected at least one "
               "(docs/priors.md)")])
    return fields


def _provenance(scn, targets: list, s) -> dict:
    import sim  # noqa: PLC0415  lazy: the package version
    from sim.calibrate_io import targets_hash  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.scenario import scenario_hash  # noqa: PLC0415  lazy: pandas, the kernel

    settings = {k: v for k, v in asdict(s).items() if k in RESULT_SETTINGS}
    return {"scenario": scn.meta.name, "scenario_hash": scenario_hash(scn),
            "targets_hash": targets_hash(targets), "seed": s.seed, "settings": settings,
            "version": sim.__version__,
            "command": "trucesim " + " ".join(sys.argv[1:]) if sys.argv[1:] else "trucesim"}


def _resume_or_fail(out_dir: Path, meta: dict) -> dict | None:
    """The checkpoint of this same calibration in ``out_dir``, or None; another calibration's
    checkpoint there is refused (exit 2), so nothing of it is lost."""
    from sim.calibrate_io import read_checkpoint  # noqa: PLC0415  lazy: pandas, the kernel

    state = read_checkpoint(out_dir / CHECKPOINT)
    if state is None:
        return None
    mine = {k: meta[k] for k in ("scenario_hash", "targets_hash", "settings")}
    theirs = {k: state.get("provenance", {}).get(k) for k in mine}
    if mine != theirs:
        diff = next(k for k in mine if mine[k] != theirs[k])
        fail([(f"{out_dir / CHECKPOINT}: {diff}: the folder holds another calibration's "
               "checkpoint; expected the same scenario, targets and settings (use another "
               "--out, or delete it to start again)")])
    return state


def _run(scn, targets, s, out_dir: Path, meta: dict, resume: dict | None):
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    from sim.calibrate import SchedulerUnreachable  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.calibrate import calibrate as run_calibration  # noqa: PLC0415
    from sim.calibrate_io import write_checkpoint  # noqa: PLC0415  lazy: pandas, the kernel

    made = not out_dir.exists()
    horizon = scn.meta.horizon_days

    def save(state: dict) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_checkpoint(out_dir / CHECKPOINT, {**state, "provenance": meta})

    bar = Bar(TextColumn("[bold]calibrating"), BarColumn(),
              TextColumn("{task.completed:,.0f} world-days (budget {task.total:,.0f})"),
              TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)
    try:
        with bar:
            task = bar.add_task("calibrate", total=s.budget * s.worlds * horizon)
            return run_calibration(scn, targets, s, lambda n: bar.advance(task, n), save,
                                   resume)
    except SchedulerUnreachable as exc:
        _cleanup(out_dir, made)
        hint = "check that `dask scheduler` runs there, or leave out --scheduler"
        fail([f"--scheduler: {exc}; {hint}"])
    except BaseException:
        _cleanup(out_dir, made)
        raise


def _cleanup(out_dir: Path, made: bool) -> None:
    """Remove a folder this command created, unless it holds a finished generation."""
    if made and not (out_dir / CHECKPOINT).exists():
        shutil.rmtree(out_dir, ignore_errors=True)


def _finish(scn, targets, s, cal, fields, out_dir: Path, meta: dict) -> None:
    from sim.calibrate import diagnostics  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.calibrate_io import write_posterior  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.calibrate_report import (  # noqa: PLC0415  lazy: pandas, the kernel
        N_PAIRS,
        constraints,
        plot_pairs,
        plot_prior_posterior,
        posterior_table,
        predictive_check,
        report_blocks,
    )
    from sim.report import to_html, to_markdown  # noqa: PLC0415  lazy: pandas, the kernel

    g = cal.final
    if g.unique < 2 or (g.distance >= 1.0).all():
        (out_dir / CHECKPOINT).unlink(missing_ok=True)
        why = "every kept parameter set is the same one" if g.unique < 2 else \
            "no parameter set met any target"
        fail([(f"{out_dir}: posterior: degenerate ({why}); nothing written. Widen the priors, "
               "loosen the targets or raise --budget")])
    meta = {**meta, "generations": len(cal.generations), "stopped": cal.stopped,
            "simulated": cal.simulated}
    cons = constraints(cal, s.strategy)
    ppc = predictive_check(scn, cal, targets, s)
    write_posterior(out_dir / "posterior.parquet", posterior_table(cal), meta)
    diagnostics(cal).to_csv(out_dir / "diagnostics.csv", index=False)
    cons.to_csv(out_dir / "constraints.csv", index=False)
    ppc.to_csv(out_dir / "predictive.csv", index=False)
    plot_prior_posterior(cal, out_dir / "prior_posterior.png")
    plot_pairs(cal, list(cons["parameter"][:N_PAIRS]), out_dir / "pairs.png")
    blocks = report_blocks(meta, cal, cons, ppc)
    (out_dir / "report.md").write_text(to_markdown(blocks))
    pngs = {name: (out_dir / name).read_bytes() for name in ("prior_posterior.png", "pairs.png")}
    (out_dir / "report.html").write_text(to_html(blocks, pngs))
    _print(cal, cons, ppc, out_dir, out)


def _print(cal, cons, ppc, out_dir: Path, console) -> None:
    from rich.table import Table  # noqa: PLC0415  lazy: rich

    from sim.calibrate import diagnostics  # noqa: PLC0415  lazy: pandas, the kernel

    console.print(f"{len(cal.generations)} generations, {cal.simulated:,} parameter sets "
                  f"simulated; stopped: {cal.stopped}", highlight=False)
    t = Table(title="Generations", title_justify="left")
    diag = diagnostics(cal)
    for col in ("generation", "epsilon", "proposed", "acceptance_rate", "unique_particles"):
        t.add_column(col, justify="right")
    for r in diag.itertuples():
        t.add_row(str(r.generation), f"{r.epsilon:.3g}", str(r.proposed),
                  f"{r.acceptance_rate:.2f}", str(r.unique_particles))
    console.print(t)
    counts = cons["verdict"].value_counts()
    console.print(f"parameters the record constrains: {int(counts.get('constrained', 0))}, "
                  f"partly: {int(counts.get('partly', 0))}, left at the prior: "
                  f"{int(counts.get('at prior', 0))}, of other strategies (not run): "
                  f"{int(counts.get('not run', 0))} (report.md)", highlight=False)
    p = Table(title="Posterior predictive check (share meeting each target)",
              title_justify="left")
    for col in ("target", "share", "of"):
        p.add_column(col)
    for r in ppc.itertuples():
        p.add_row(r.target, f"{r.share_meeting:.1%}", r.of)
    console.print(p)
    console.print(f"written to {out_dir}/", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `calibrate` command to the CLI."""
    app.command()(calibrate)
