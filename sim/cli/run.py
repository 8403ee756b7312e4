"""`trucesim run`: one strategy's worlds, summarised (and the tables that print a summary)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import (
    SCENARIO_HELP,
    DaysOption,
    Format,
    FormatOption,
    MemoryOption,
    SeedOption,
    SetOption,
    ThreadsOption,
    budget_or_fail,
    check_out_dir,
    check_strategy,
    fail,
    load_or_fail,
    out,
    progress,
)


def run(
    scenario: Annotated[Path, typer.Argument(help=SCENARIO_HELP)],
    strategy: Annotated[str, typer.Option(help="Strategy name from the scenario.")] = "baseline",
    worlds: Annotated[int, typer.Option(min=1, max=10_000_000, help="Worlds to run.")] = 1000,
    days: DaysOption = None,
    seed: SeedOption = 0,
    set_: SetOption = None,
    fmt: FormatOption = Format.TABLE,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Write worlds.parquet, daily.parquet/csv and summary.json here.")] = None,
    memory: MemoryOption = None,
    targets: Annotated[bool, typer.Option(
        "--targets", help="Check the scenario's targets: share of worlds meeting each "
        "(and targets.csv with --out).")] = False,
    threads: ThreadsOption = None,
    ensemble: Annotated[Path | None, typer.Option(
        "--ensemble", help="A posterior.parquet of `trucesim calibrate`: run across its "
                           "parameter sets (--worlds is then worlds per set).")] = None,
    sets: Annotated[int, typer.Option(
        min=2, max=100_000, help="With --ensemble: parameter sets drawn by weight.")] = 50,
):
    """Run a scenario's worlds and summarise how long the truce survives.

    Examples:

        trucesim run scenarios/syria_2016.yaml

        trucesim run scenarios/syria_2016.yaml --worlds 10000 --seed 7 --format json

        trucesim run scenarios/syria_2016.yaml --set information.p_misattribution=0.1 --out out/

        trucesim run syria_2016 --worlds 10000 --memory 4G

        trucesim run syria_2016 --worlds 1000 --targets

        trucesim run syria_2016 --worlds 100000 --threads 2

        trucesim run syria_2016 --ensemble scenarios/posteriors/syria_2016.parquet --worlds 50
    """
    if ensemble is not None:  # across a calibrated ensemble
        return run_across(scenario, ensemble, strategy, sets, worlds, days, seed, set_, out_dir,
                          threads)
    from sim.targets import evaluate as evaluate_targets  # noqa: PLC0415  lazy: the runner

    limit = budget_or_fail(memory)
    scn = load_or_fail(scenario, set_)
    check_strategy(scn, strategy, scenario)
    check_out_dir(out_dir)
    if targets and not scn.targets:
        fail([f"{scenario}: targets: the scenario states no targets (see docs/priors.md)"])
    result = _simulate(scenario, scn, strategy, worlds, seed, days, limit, threads)
    checked = evaluate_targets(result, scn.targets) if targets else None
    if out_dir is not None:
        _write(result, checked, out_dir)
    if fmt is Format.JSON:
        shown = result.summary if checked is None else {
            **result.summary, "targets": json.loads(checked.to_json(orient="records"))}
        print(json.dumps(shown, indent=2))
    else:
        print_summary(result.summary)
        if checked is not None:
            print_targets(checked)
    if out_dir is not None and fmt is Format.TABLE:
        out.print(f"results written to {out_dir}/", highlight=False)


def _simulate(scenario: Path, scn, strategy, worlds, seed, days, limit, threads):
    """The run's result, with a progress bar; exit 2 if it cannot fit the memory budget."""
    from sim.memory import MemoryBudgetError  # noqa: PLC0415  lazy: numpy, psutil
    from sim.runner import run as run_worlds  # noqa: PLC0415  lazy: numba kernel

    total = worlds * (days or scn.meta.horizon_days)
    with progress(total) as bar:
        task = bar.add_task("run", total=total)
        try:
            return run_worlds(scn, strategy, worlds, seed, days,
                              progress=lambda n: bar.advance(task, n), memory=limit,
                              threads=threads)
        except MemoryBudgetError as exc:
            fail([f"{scenario}: {exc}"])


def _write(result, checked, out_dir: Path) -> None:
    try:
        result.write(out_dir)
        if checked is not None:
            checked.to_csv(Path(out_dir) / "targets.csv", index=False)
    except OSError as exc:
        fail([f"{out_dir}: cannot write results: {exc.strerror or exc}"])


def print_targets(table) -> None:
    """Print the targets check: share of worlds meeting each, or the run's figure."""
    t = Table(title="Targets (the record)", title_justify="left")
    for col in ("target", "statistic", "worlds meeting it (95% CI)", "figure", "agrees"):
        t.add_column(col)
    for r in table.itertuples():
        share = ("" if r.share_met is None or r.share_met != r.share_met else
                 f"{r.share_met:.1%} ({r.ci95_low:.1%}–{r.ci95_high:.1%})")
        figure = "" if r.figure is None or r.figure != r.figure else f"{r.figure:.3g}"
        agrees = {True: "yes", False: "no"}.get(r.agrees, "")
        t.add_row(r.id, r.statistic, share, figure, agrees)
    out.print(t)


def _pct(share: dict | None) -> str:
    if share is None:
        return "beyond horizon"
    lo, hi = share["ci95"]
    return f"{share['share']:6.1%}  ({lo:.1%}–{hi:.1%})"


def print_summary(summary: dict) -> None:
    """Print a run summary as tables."""
    out.print(f"[bold]{summary['scenario']}[/bold] — strategy [cyan]{summary['strategy']}[/cyan],"
              f" {summary['worlds']:,} worlds, {summary['horizon_days']} days, "
              f"seed {summary['seed']}")
    t = Table(title="Truce survival (share of worlds, 95% CI)", title_justify="left")
    t.add_column("day", justify="right")
    t.add_column("surviving", justify="right")
    for day, share in summary["survival"].items():
        t.add_row(day, _pct(share))
    out.print(t)
    med = summary["median_survival_days"]
    out.print(f"median survival: {med if med is not None else '> ' + str(summary['horizon_days'])}"
              f" days;  collapsed: {_pct(summary['collapsed']).strip()}")
    out.print(f"walked out of talks: {_pct(summary['walked_out']).strip()};  mean days in trouble: "
              f"{summary['mean_days_in_trouble']:.1f}")
    if "agreement" in summary:
        _print_talks(summary)
    if summary["causes"]:
        _print_causes(summary["causes"])


def _print_talks(summary: dict) -> None:
    day = summary["median_day_agreement"]
    terms = ", ".join(f"{k} {v:.2f}" for k, v in summary["mean_terms_if_agreed"].items()
                      if v is not None)
    out.print(f"talks: agreement in {_pct(summary['agreement']).strip()}"
              + (f"; median day {day:.0f}; mean terms {terms}" if day is not None else "")
              + f"; reneged: {_pct(summary['reneged']).strip()}", highlight=False)


def _print_causes(causes: list[dict]) -> None:
    c = Table(title="Main collapse causes (who opened the final escalation)",
              title_justify="left")
    c.add_column("cause")
    c.add_column("mode")
    c.add_column("share of collapses", justify="right")
    for row in causes[:6]:
        c.add_row(row["cause"], row["mode"], f"{row['share_of_collapses']:.1%}")
    out.print(c)


def register(app: typer.Typer) -> None:
    """Add `run` to the `trucesim` app."""
    app.command()(run)


def run_across(scenario: Path, ensemble: Path, strategy: str, sets: int, worlds: int,
               days: int | None, seed: int, set_: list[str] | None, out_dir: Path | None,
               threads: int | None) -> None:
    """`trucesim run --ensemble`: one strategy across a posterior's parameter sets; the
    pooled summary, and how survival spreads over the sets."""
    import numpy as np  # noqa: PLC0415  lazy: numpy

    from sim.calibrate_io import read_posterior  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.ensemble import run_sets, survival_spread  # noqa: PLC0415  lazy: the kernel
    from sim.ensemble_compare import draw_sets  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.priors import resolve  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.results import summarise  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.scenario import ScenarioError, scenario_hash  # noqa: PLC0415  lazy: pandas, the kernel

    scn = load_or_fail(scenario, set_)
    try:
        posterior, _ = read_posterior(ensemble, scenario_hash(scn), [r.path for r in resolve(scn)])
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    check_out_dir(out_dir)
    drawn = draw_sets(posterior, sets, np.random.default_rng(seed))
    horizon = days or scn.meta.horizon_days
    with progress(sets * worlds * horizon) as bar:
        task = bar.add_task("run", total=sets * worlds * horizon)
        res = run_sets(scn, drawn, worlds, seed, strategy, days, threads=threads,
                       progress=lambda n: bar.advance(task, n), series=())
    summary = summarise(res.worlds, horizon, seed, strategy, scn.meta.name)
    spread = survival_spread(res.worlds, horizon)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        res.worlds.to_parquet(out_dir / "worlds.parquet", index=False)
        drawn.to_parquet(out_dir / "sets.parquet")
        spread.to_csv(out_dir / "survival_by_set.csv", index=False)
    print_summary(summary)
    out.print(f"Across {sets} parameter sets of {ensemble.name} ({worlds} worlds each), share "
              "holding:", highlight=False)
    for r in spread.itertuples():
        out.print(f"  day {r.day}: median over sets {r.median:.1%}, 5%-95% {r.p5:.1%} to "
                  f"{r.p95:.1%}", highlight=False)
