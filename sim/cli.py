"""The `trucesim` command line: thin wrappers over the Python API.

Bad input (a scenario file, an override, an option) ends with exit code 2 and one message per
problem; nothing here prints a traceback unless TRUCESIM_DEBUG=1.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from sim import processes
from sim.scenario import ScenarioError, load

app = typer.Typer(
    add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
    help="**trucesim**: simulate how long a truce survives, and why it fails.\n\n"
         "Examples:\n\n"
         "    trucesim scenarios\n\n"
         "    trucesim run syria_2016 --worlds 2000 --seed 1\n\n"
         "    trucesim compare scenarios/syria_2016.yaml --strategies all --out out/cmp\n\n"
         "    trucesim new my_truce.yaml\n\n"
         "    trucesim check scenarios/*.yaml\n\n"
         "    trucesim schema > scenario.schema.json\n\n"
         "    trucesim sweep experiments/syria_spoilers_sobol.yaml --out out/sobol\n\n"
         "    trucesim validate --quick\n\n"
         "    trucesim story scenarios/syria_2016.yaml --seed 1",
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


# options shared by `run` and `compare`
DaysOption = Annotated[int | None, typer.Option(min=1, max=3650, help="Horizon in days.")]
SeedOption = Annotated[int, typer.Option(min=0, help="Random seed.")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a field: PATH=VALUE (repeatable).")]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]
MemoryOption = Annotated[str | None, typer.Option(
    "--memory", help="Memory budget, e.g. 4G, 512M or 30% (of the memory available); default "
                     "50%. Batches are sized to fit; a scenario that cannot fit is refused.")]

ThreadsOption = Annotated[int | None, typer.Option(
    "--threads", min=0, max=256,
    help="Threads per process that share the worlds of each day (0 = one per core); default "
         "the TRUCESIM_THREADS environment variable, else 1. Results do not depend on it.")]


def _budget_or_fail(memory: str | None):
    """The memory budget of ``--memory`` (:mod:`sim.memory`), or exit 2 with what is expected."""
    from sim.memory import budget

    try:
        return budget(memory)
    except ValueError as exc:
        _fail([str(exc)])
SCENARIO_HELP = "Scenario file (YAML), or a shipped scenario's name (`trucesim scenarios`)."


def _load_or_fail(scenario: Path, overrides: list[str] | None):
    try:
        return load(scenario, overrides or [])
    except ScenarioError as exc:
        _fail([str(p) for p in exc.problems])


def _fail(messages: list[str], code: int = 2) -> None:
    for m in messages:  # no emoji codes either: "file.yaml:100: ..." must not become a 💯
        err.print(m, markup=False, highlight=False, emoji=False)
    raise typer.Exit(code)


def _check_out_dir(out_dir: Path | None) -> None:
    """Refuse an output folder that cannot be created, before any simulation is run."""
    if out_dir is None:
        return
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        _fail([f"--out {out_dir}: {existing} is a file; expected a folder (created if missing)"])
    if not os.access(existing, os.W_OK | os.X_OK):
        _fail([f"--out {out_dir}: cannot write in {existing}; expected a writable folder"])


@app.command()
def check(files: Annotated[list[Path], typer.Argument(
        help="Scenario or experiment files to validate.")],
          strict: Annotated[bool, typer.Option(
              "--strict", help="Numbers without a source are errors, not warnings.")] = False,
          priors: Annotated[bool, typer.Option(
              "--priors", help="List each prior: distribution, support, fields, source.")]
          = False):
    """Validate scenario and experiment files; print every problem with file, line and field,
    all in one pass, then warnings (numbers without a source, parties with nothing to fight
    over).

    Examples:

        trucesim check scenarios/*.yaml experiments/*.yaml

        trucesim check --strict scenarios/syria_2016.yaml

        trucesim check --priors scenarios/syria_2016.yaml
    """
    from sim.scenario_check import check_scenario

    failed = False
    for f in files:
        try:
            if _is_experiment_file(f):
                _check_experiment(f)
                continue
        except ScenarioError as exc:
            failed = _say([str(p) for p in exc.problems]) or True
            continue
        report = check_scenario(f)
        sourcing = report.source_warnings if strict else []
        problems = report.problems + [f"{f}:{w}" for w in sourcing]
        failed = bool(problems) or failed
        lenient = [w.replace(": ", ": warning: ", 1) for w in report.source_warnings]
        _say(problems + [f"{f}:{w}" for w in report.warnings + ([] if strict else lenient)])
        if not problems:
            out.print(f"{f}: ok ({len(report.scenario.actors)} actors, "
                      f"{len(report.scenario.strategies)} strategies{_evidence(report)})",
                      highlight=False)
            if priors:
                _say_out([f"  prior {line}" for line in report.priors])
    if failed:
        raise typer.Exit(2)


def _evidence(report) -> str:
    """", 12 priors over 40 fields, 3 targets" when the scenario has any."""
    scn, parts = report.scenario, []
    if scn.priors:
        parts.append(f"{len(scn.priors)} priors over {report.n_prior_fields} fields")
    if scn.targets:
        parts.append(f"{len(scn.targets)} targets")
    return "".join(f", {p}" for p in parts)


def _say_out(lines: list[str]) -> None:
    for line in lines:
        out.print(line, markup=False, highlight=False, emoji=False)


def _say(lines: list[str]) -> None:
    for line in lines:
        err.print(line, markup=False, highlight=False, emoji=False)


def _is_experiment_file(path: Path) -> bool:
    """Experiment files have a top-level `experiment:` key; scenario files never do."""
    from sim.scenario import find, parse_yaml, read_text
    from sim.sweep.experiment import is_experiment

    try:  # a shipped experiment's name, too
        return is_experiment(parse_yaml(read_text(find(path, "experiments")), str(path))[1])
    except ScenarioError:
        return False  # let the scenario loader report it


def _check_experiment(path: Path) -> None:
    from sim.sweep import load_experiment

    exp = load_experiment(path)
    out.print(f"{path}: ok (experiment: {len(exp.spec.uncertainties)} uncertainties, "
              f"{exp.spec.design.kind} design, {len(exp.spec.strategies)} strategies)",
              highlight=False)


@app.command()
def schema():
    """Print the JSON Schema of scenario files (for editors and tools).

    Example: `trucesim schema > scenario.schema.json`
    """
    from sim.schema import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))


def _progress(total: int) -> Progress:
    return Progress(TextColumn("[bold]simulating"), BarColumn(),
                    TextColumn("{task.completed:,.0f}/{task.total:,.0f} world-days"),
                    TimeRemainingColumn(), console=err, transient=True,
                    disable=not err.is_terminal)


@app.command()
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

        trucesim run syria_2016 --ensemble scenarios/posteriors/syria_2016.parquet --sets 10 --worlds 50
    """
    if ensemble is not None:  # across a calibrated ensemble (sim/cli_calib.py)
        from sim.cli_calib import run_across

        return run_across(scenario, ensemble, strategy, sets, worlds, days, seed, set_, out_dir,
                          threads)
    from sim.memory import MemoryBudgetError
    from sim.runner import run as run_worlds
    from sim.targets import evaluate as evaluate_targets

    limit = _budget_or_fail(memory)
    scn = _load_or_fail(scenario, set_)
    from sim.strategies import available

    if strategy not in available(scn):
        known = ", ".join(available(scn))
        _fail([f"{scenario}: strategies: no strategy '{strategy}'; expected one of: {known}"])
    _check_out_dir(out_dir)
    if targets and not scn.targets:
        _fail([f"{scenario}: targets: the scenario states no targets (see docs/priors.md)"])
    horizon = days or scn.meta.horizon_days
    with _progress(worlds * horizon) as bar:
        task = bar.add_task("run", total=worlds * horizon)
        try:
            result = run_worlds(scn, strategy, worlds, seed, days,
                                progress=lambda n: bar.advance(task, n), memory=limit,
                                threads=threads)
        except MemoryBudgetError as exc:
            _fail([f"{scenario}: {exc}"])
    checked = evaluate_targets(result, scn.targets) if targets else None
    if out_dir is not None:
        try:
            result.write(out_dir)
            if checked is not None:
                checked.to_csv(Path(out_dir) / "targets.csv", index=False)
        except OSError as exc:
            _fail([f"{out_dir}: cannot write results: {exc.strerror or exc}"])
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
        day = summary["median_day_agreement"]
        terms = ", ".join(f"{k} {v:.2f}" for k, v in summary["mean_terms_if_agreed"].items()
                          if v is not None)
        out.print(f"talks: agreement in {_pct(summary['agreement']).strip()}"
                  + (f"; median day {day:.0f}; mean terms {terms}" if day is not None else "")
                  + f"; reneged: {_pct(summary['reneged']).strip()}", highlight=False)
    if summary["causes"]:
        c = Table(title="Main collapse causes (who opened the final escalation)",
                  title_justify="left")
        c.add_column("cause")
        c.add_column("mode")
        c.add_column("share of collapses", justify="right")
        for row in summary["causes"][:6]:
            c.add_row(row["cause"], row["mode"], f"{row['share_of_collapses']:.1%}")
        out.print(c)


def _strategy_list(spec: str, scn, scenario: Path) -> list[str]:
    """Names from ``a,b,...``, ``all`` (the scenario's own) or ``standard`` (the library's);
    baseline always first; exits 2 on an unknown name."""
    from sim.strategies import STANDARD, available

    known = available(scn)
    if spec.strip().lower() in ("all", "standard"):
        names = list(scn.strategies) if spec.strip().lower() == "all" else list(STANDARD)
    else:
        names = list(dict.fromkeys(s.strip() for s in spec.split(",") if s.strip()))
        if not names:
            _fail([f"--strategies: got '{spec}'; expected a comma-separated list or 'all'"])
        unknown = [s for s in names if s not in known]
        if unknown:
            _fail([f"{scenario}: strategies: no strategy '{s}'; expected one of: "
                   f"{', '.join(known)} (or 'all', 'standard')" for s in unknown])
    return ["baseline"] + [s for s in names if s != "baseline"]


@app.command()
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
    """
    if ensemble is not None:  # across a calibrated ensemble (sim/cli_calib.py)
        from sim.cli_calib import compare_across

        return compare_across(scenario, ensemble, strategies, sets, worlds, days, seed, set_,
                              out_dir, threads)
    from sim.memory import MemoryBudgetError
    from sim.report import analyse, write_report
    from sim.runner import compare as compare_worlds

    limit = _budget_or_fail(memory)
    scn = _load_or_fail(scenario, set_)
    names = _strategy_list(strategies, scn, scenario)
    _check_out_dir(out_dir)
    total = worlds * (days or scn.meta.horizon_days) * len(names)
    with _progress(total) as bar:
        task = bar.add_task("compare", total=total)
        try:
            result = compare_worlds(scn, names, worlds, seed, days, workers=workers,
                                    progress=lambda n: bar.advance(task, n), memory=limit,
                                    threads=threads)
        except MemoryBudgetError as exc:
            _fail([f"{scenario}: {exc}"])
    cmp = analyse(result, scn)
    if out_dir is not None:
        try:
            write_report(cmp, out_dir)
        except OSError as exc:
            _fail([f"{out_dir}: cannot write the report: {exc.strerror or exc}"])
    if fmt is Format.JSON:
        print(json.dumps(cmp.summary, indent=2))
        return
    print_comparison(cmp)
    if out_dir is not None:
        out.print(f"report written to {out_dir}/ (report.md, report.html, summary.csv, "
                  "summary.json, survival.png, costs.png)", highlight=False)


def print_comparison(cmp) -> None:
    """Print a comparison (:class:`sim.report.Comparison`) as a table."""
    from sim.report import display_table

    s = cmp.summary
    out.print(f"[bold]{s['scenario']}[/bold] — {len(s['strategies'])} strategies, reference "
              f"[cyan]{s['baseline']}[/cyan], {s['worlds']:,} worlds each, "
              f"{s['horizon_days']} days, seed {s['seed']}")
    head, rows = display_table(cmp.table, cmp.horizon, compact=True)
    if out.width < 120:  # intervals on a second line, so no cell is ever truncated
        rows = [[c.replace(" (", "\n(") for c in r] for r in rows]
    t = Table(title=f"Share holding at days 90 and 180; median and mean days held (RMST) of "
                    f"{cmp.horizon}; hazard ratio (HR) and Holm-adjusted log-rank p against "
                    f"{s['baseline']}; mean cost and cost per extra day held",
              title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False)
    for i, h in enumerate(head):  # cells never truncated: headers wrap instead
        width = max([len(line) for r in rows for line in r[i].splitlines()]
                    + [len(word) for word in h.split()])
        t.add_column(h, justify="left" if i == 0 else "right", min_width=width)
    for r in rows:
        t.add_row(*r)
    out.print(t)
    for r in s["results"]:
        if r["note"] and not r["is_baseline"]:
            out.print(f"note: {r['strategy']}: {r['note']}", highlight=False)
    from sim.report_text import explanations

    for line in explanations(cmp.horizon, s["baseline"]):
        out.print(line.replace("**", ""), highlight=False)
    out.print("Worlds are paired (same random numbers); the tests treat them as independent, "
              "which is conservative.", highlight=False)


# commands defined in their own modules (they import `app` helpers from here)
from sim import cli_author, cli_calib, cli_cases, cli_shipped, cli_sweep, cli_teach, cli_valid

for _commands in (cli_sweep, cli_valid, cli_teach, cli_author, cli_shipped, cli_cases, cli_calib):
    _commands.register(app)


def main() -> None:
    """Entry point for `trucesim` and `python -m sim`."""
    processes.keep_freed_memory()  # this process is ours: see sim/processes.py
    try:
        app(prog_name="trucesim")
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug, not bad input: short message, details on request
        if os.environ.get("TRUCESIM_DEBUG"):
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc}\n"
                  "(set TRUCESIM_DEBUG=1 for the traceback, and please report it)", markup=False,
                  emoji=False)
        sys.exit(1)
