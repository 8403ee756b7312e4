"""`trucesim compare`: strategies on the same worlds, against the baseline."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich import box
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
    fail,
    load_or_fail,
    out,
    progress,
)
from sim.strategies import STANDARD, available


def strategy_list(spec: str, scn, scenario: Path) -> list[str]:
    """Names from ``a,b,...``, ``all`` (the scenario's own) or ``standard`` (the library's);
    baseline always first; exits 2 on an unknown name."""
    known = available(scn)
    if spec.strip().lower() in ("all", "standard"):
        names = list(scn.strategies) if spec.strip().lower() == "all" else list(STANDARD)
    else:
        names = list(dict.fromkeys(s.strip() for s in spec.split(",") if s.strip()))
        if not names:
            fail([f"--strategies: got '{spec}'; expected a comma-separated list or 'all'"])
        unknown = [s for s in names if s not in known]
        if unknown:
            fail([f"{scenario}: strategies: no strategy '{s}'; expected one of: "
                  f"{', '.join(known)} (or 'all', 'standard')" for s in unknown])
    return ["baseline"] + [s for s in names if s != "baseline"]


def compare(
    scenario: Annotated[Path, typer.Argument(help=SCENARIO_HELP)],
    strategies: Annotated[str, typer.Option(
        help="Comma-separated strategy names; 'all' (the scenario's own) or 'standard' (the "
             "library's, usable with any scenario). The baseline is always included.")
    ] = "all",
    worlds: Annotated[int, typer.Option(min=1, max=10_000_000,
                                        help="Worlds per strategy.")] = 1000,
    days: DaysOption = None,
    seed: SeedOption = 0,
    set_: SetOption = None,
    fmt: FormatOption = Format.TABLE,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Write summary.csv/json, survival.png, costs.png, report.md and report.html "
             "here.")
    ] = None,
    workers: Annotated[int, typer.Option(
        min=0, max=256, help="Processes (0 = one per core); results do not depend on it.")] = 0,
    memory: MemoryOption = None,
    threads: ThreadsOption = None,
    ensemble: Annotated[Path | None, typer.Option(
        "--ensemble", help="A posterior.parquet of `trucesim calibrate`: compare across its "
                           "parameter sets (--worlds is then worlds per set).")] = None,
    sets: Annotated[int, typer.Option(
        min=2, max=100_000, help="With --ensemble: parameter sets drawn by weight.")] = 50,
    fixed_worlds: Annotated[int | None, typer.Option(
        "--fixed-worlds", min=0, max=10_000_000,
        help="With --ensemble --out: worlds per strategy of the memo's fixed-parameter part "
             "(default: sets x worlds, as many as the ensemble; 0: none).")] = None,
):
    """Compare strategies on the same worlds (common random numbers) against the baseline.

    For each strategy: survival at days 90 and 180, median survival, mean days held up to the
    horizon (RMST), hazard ratio against the baseline, Holm-adjusted log-rank p-value, cost.

    Examples:

        trucesim compare scenarios/lakeland_teaching.yaml --worlds 2000 --seed 1

        trucesim compare scenarios/syria_2016.yaml --strategies monitoring,pressure --out out/cmp

        trucesim compare scenarios/syria_2016.yaml --worlds 500 --days 180 --format json

        trucesim compare scenarios/syria_2016.yaml --workers 1 --threads 2

        trucesim compare syria_2016 --ensemble OUT/posterior.parquet --sets 50 --worlds 200

        trucesim compare syria_2016 --ensemble OUT/posterior.parquet --out out/ens --fixed-worlds 0
    """
    if ensemble is not None:  # across a calibrated ensemble
        fixed = sets * worlds if fixed_worlds is None else fixed_worlds
        return compare_across(scenario, ensemble, strategies, (sets, worlds, fixed), days, seed,
                              set_, out_dir, (workers, memory, threads))
    from sim.report import analyse, write_report  # noqa: PLC0415  lazy: lifelines, matplotlib

    limit = budget_or_fail(memory)
    scn = load_or_fail(scenario, set_)
    names = strategy_list(strategies, scn, scenario)
    check_out_dir(out_dir)
    result = _simulate(scenario, scn, names, worlds, seed, days, workers, limit, threads)
    cmp = analyse(result, scn)
    if out_dir is not None:
        try:
            write_report(cmp, out_dir)
        except OSError as exc:
            fail([f"{out_dir}: cannot write the report: {exc.strerror or exc}"])
    if fmt is Format.JSON:
        print(json.dumps(cmp.summary, indent=2))
        return
    print_comparison(cmp)
    if out_dir is not None:
        out.print(f"report written to {out_dir}/ (report.md, report.html, summary.csv, "
                  "summary.json, survival.png, costs.png)", highlight=False)


def _simulate(scenario: Path, scn, names, worlds, seed, days, workers, limit, threads):
    """Every strategy's worlds, with a progress bar; exit 2 if they cannot fit the budget."""
    from sim.memory import MemoryBudgetError  # noqa: PLC0415  lazy: numpy, psutil
    from sim.runner import compare as compare_worlds  # noqa: PLC0415  lazy: numba kernel

    total = worlds * (days or scn.meta.horizon_days) * len(names)
    with progress(total) as bar:
        task = bar.add_task("compare", total=total)
        try:
            return compare_worlds(scn, names, worlds, seed, days, workers=workers,
                                  progress=lambda n: bar.advance(task, n), memory=limit,
                                  threads=threads)
        except MemoryBudgetError as exc:
            fail([f"{scenario}: {exc}"])


def print_comparison(cmp) -> None:
    """Print a comparison (:class:`sim.report.Comparison`) as a table."""
    from sim.report import display_table  # noqa: PLC0415  lazy: lifelines, matplotlib
    from sim.report_text import explanations  # noqa: PLC0415  lazy: pandas

    s = cmp.summary
    out.print(f"[bold]{s['scenario']}[/bold] — {len(s['strategies'])} strategies, reference "
              f"[cyan]{s['baseline']}[/cyan], {s['worlds']:,} worlds each, "
              f"{s['horizon_days']} days, seed {s['seed']}")
    head, rows = display_table(cmp.table, cmp.horizon, compact=True)
    out.print(_table(head, rows, cmp.horizon, s["baseline"]))
    for r in s["results"]:
        if r["note"] and not r["is_baseline"]:
            out.print(f"note: {r['strategy']}: {r['note']}", highlight=False)
    for line in explanations(cmp.horizon, s["baseline"]):
        out.print(line.replace("**", ""), highlight=False)
    out.print("Worlds are paired (same random numbers); the tests treat them as independent, "
              "which is conservative.", highlight=False)


def _table(head: list[str], rows: list[list[str]], horizon: int, baseline: str) -> Table:
    if out.width < 120:  # intervals on a second line, so no cell is ever truncated
        rows = [[c.replace(" (", "\n(") for c in r] for r in rows]
    t = Table(title=f"Share holding at days 90 and 180; median and mean days held (RMST) of "
                    f"{horizon}; hazard ratio (HR) and Holm-adjusted log-rank p against "
                    f"{baseline}; mean cost and cost per extra day held",
              title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False)
    for i, h in enumerate(head):  # cells never truncated: headers wrap instead
        width = max([len(line) for r in rows for line in r[i].splitlines()]
                    + [len(word) for word in h.split()])
        t.add_column(h, justify="left" if i == 0 else "right", min_width=width)
    for r in rows:
        t.add_row(*r)
    return t


def register(app: typer.Typer) -> None:
    """Add `compare` to the `trucesim` app."""
    app.command()(compare)


def compare_across(scenario: Path, ensemble: Path, strategies: str, size: tuple,
                   days: int | None, seed: int, set_: list[str] | None,
                   out_dir: Path | None, run: tuple) -> None:
    """`trucesim compare --ensemble`: strategies across a posterior's parameter sets; with
    ``--out``, the memo leads with them and the fixed-parameter comparison follows.

    ``size`` is (sets, worlds per set, fixed-parameter worlds per strategy); ``run`` is
    (workers, memory budget, threads)."""
    from sim.calibrate_io import read_posterior  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.ensemble_compare import compare_ensemble  # noqa: PLC0415  lazy: the kernel
    from sim.priors import resolve  # noqa: PLC0415  lazy: pandas, the kernel
    from sim.scenario import ScenarioError, scenario_hash  # noqa: PLC0415  lazy: pandas, the kernel

    sets, worlds, _ = size
    scn = load_or_fail(scenario, set_)
    names = strategy_list(strategies, scn, scenario)
    try:
        posterior, _ = read_posterior(ensemble, scenario_hash(scn), [r.path for r in resolve(scn)])
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    check_out_dir(out_dir)
    total = sets * worlds * (days or scn.meta.horizon_days) * len(names)
    with progress(total) as bar:
        task = bar.add_task("compare", total=total)
        try:
            cmp = compare_ensemble(scn, posterior, names, sets, worlds, seed, days, run[2],
                                   lambda n: bar.advance(task, n))
        except ScenarioError as exc:
            fail([f"{ensemble}: {p}" for p in exc.problems])
    _print_ensemble(cmp, ensemble, scn.meta.name)
    if out_dir is not None:
        _write_ensemble_memo(cmp, scenario, scn, names, ensemble, size, days, seed, out_dir, run)


def _print_ensemble(cmp, ensemble: Path, scenario: str) -> None:
    from sim.ensemble_memo import first_place, flips, lead_blocks  # noqa: PLC0415  lazy: pandas
    from sim.report import to_markdown  # noqa: PLC0415  lazy: lifelines, matplotlib

    t = Table(title=f"Across {len(cmp.sets)} parameter sets of {ensemble.name}, {cmp.worlds} "
                    "worlds each (RMST gain in days against the baseline)", title_justify="left")
    for col in ("strategy", "RMST gain", "5%-95%", "P(beats)", "P(first)", "var. from params",
                "verdict"):
        t.add_column(col)
    for r in cmp.table.itertuples():
        t.add_row(r.strategy, f"{r.rmst_gain:+.1f}", f"{r.rmst_gain_5:+.1f}..{r.rmst_gain_95:+.1f}",
                  _pct(r.p_beats), _pct(r.p_first), _pct(r.share_parameters), r.verdict)
    out.print(t)
    words = [b for b in lead_blocks(cmp, scenario, str(ensemble)) if b[0] == "ul"][:1]
    for block in words + first_place(cmp) + flips(cmp):
        out.print(to_markdown([block]).strip().replace("**", ""), highlight=False)


def _write_ensemble_memo(cmp, scenario: Path, scn, names, ensemble: Path, size: tuple,
                         days, seed: int, out_dir: Path, run: tuple) -> None:
    """report.md/html leading with the ensemble, the fixed-parameter report, and the
    ensemble's tables (ensemble_summary.csv, ensemble_per_set.csv), all or none."""
    from sim.ensemble_memo import fixed_intro, lead_blocks  # noqa: PLC0415  lazy: pandas
    from sim.report import analyse, write_memo, write_report  # noqa: PLC0415  lazy: lifelines

    lead = lead_blocks(cmp, scn.meta.name, str(ensemble))
    extra = {"ensemble_summary.csv": lambda p: cmp.table.to_csv(p, index=False),
             "ensemble_per_set.csv": lambda p: cmp.per_set.to_csv(p, index=False)}
    fixed = size[2]
    try:
        if fixed == 0:
            write_memo([("h1", f"Keeping the truce: what the options do — {scn.meta.name}"),
                        *lead], out_dir, extra)
        else:
            limit = budget_or_fail(run[1])
            result = _simulate(scenario, scn, names, fixed, seed, days, run[0], limit, run[2])
            write_report(analyse(result, scn), out_dir, lead + fixed_intro(fixed), extra)
    except OSError as exc:
        fail([f"{out_dir}: cannot write the report: {exc.strerror or exc}"])
    out.print(f"memo written to {out_dir}/report.md and report.html (the ensemble first"
              + (", then the parameters fixed)" if fixed else ")"), highlight=False)


def _pct(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.0%}"
