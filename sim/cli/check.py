"""`trucesim check` and `trucesim schema`: scenario and experiment files, before any run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import out, say, say_out
from sim.scenario import ScenarioError, find, parse_yaml, read_text
from sim.schema import Scenario


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
    from sim.scenario_check import check_scenario  # noqa: PLC0415  lazy: scipy, pandas (priors)

    failed = False
    for f in files:
        try:
            if _is_experiment_file(f):
                _check_experiment(f)
                continue
        except ScenarioError as exc:
            failed = say([str(p) for p in exc.problems]) or True
            continue
        report = check_scenario(f)
        sourcing = report.source_warnings if strict else []
        problems = report.problems + [f"{f}:{w}" for w in sourcing]
        failed = bool(problems) or failed
        lenient = [w.replace(": ", ": warning: ", 1) for w in report.source_warnings]
        say(problems + [f"{f}:{w}" for w in report.warnings + ([] if strict else lenient)])
        if not problems:
            out.print(f"{f}: ok ({len(report.scenario.actors)} actors, "
                      f"{len(report.scenario.strategies)} strategies{_evidence(report)})",
                      highlight=False)
            if priors:
                say_out([f"  prior {line}" for line in report.priors])
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


def _is_experiment_file(path: Path) -> bool:
    """Experiment files have a top-level `experiment:` key; scenario files never do."""
    from sim.sweep.experiment import is_experiment  # noqa: PLC0415  lazy: loads the runner

    try:  # a shipped experiment's name, too
        return is_experiment(parse_yaml(read_text(find(path, "experiments")), str(path))[1])
    except ScenarioError:
        return False  # let the scenario loader report it


def _check_experiment(path: Path) -> None:
    from sim.sweep import load_experiment  # noqa: PLC0415  lazy: loads the runner

    exp = load_experiment(path)
    out.print(f"{path}: ok (experiment: {len(exp.spec.uncertainties)} uncertainties, "
              f"{exp.spec.design.kind} design, {len(exp.spec.strategies)} strategies)",
              highlight=False)


def schema():
    """Print the JSON Schema of scenario files (for editors and tools).

    Example: `trucesim schema > scenario.schema.json`
    """
    print(json.dumps(Scenario.model_json_schema(), indent=2))


def register(app: typer.Typer) -> None:
    """Add `check` and `schema` to the `trucesim` app."""
    app.command()(check)
    app.command()(schema)
