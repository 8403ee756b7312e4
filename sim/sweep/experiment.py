"""Experiment files: a base scenario, its uncertainties, a design, the strategies to compare.

An experiment file is YAML with a top-level ``experiment:`` section (the key that tells it apart
from a scenario). Uncertainties name scenario fields with the ``--set`` path syntax of
:mod:`sim.overrides`; every path must name a number in the base scenario. Errors come from the
scenario loader's machinery, so they read the same: file, line, field, what was expected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator

from sim.fields import Strict
from sim.overrides import path_problem, set_path, typed
from sim.scenario import (
    Problem,
    ScenarioError,
    find,
    line_of,
    parse_yaml,
    read_text,
    validate,
    validation_problems,
)
from sim.schema import Scenario
from sim.shipped import names
from sim.strategies import available

EXPERIMENT_KEY = "experiment"
PATH_PATTERN = r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$"
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"


class DesignKind(StrEnum):
    """The kind of design (how points are sampled)."""

    GRID = "grid"
    LHS = "lhs"
    SOBOL = "sobol"
    MORRIS = "morris"


class About(Strict):
    """The experiment's name and the question it answers."""

    name: str = Field(min_length=1, max_length=200, description="Short name of the experiment.")
    description: str = Field("", max_length=5000, description="The question it answers.")


class Uncertainty(Strict):
    """One scenario field to vary: a range [low, high] or a list of values."""

    path: str = Field(pattern=PATH_PATTERN, description="Field path, as for `--set`.")
    name: str | None = Field(None, pattern=NAME_PATTERN,
                             description="Column name in the results (default: from the path).")
    range: tuple[float, float] | None = Field(None, description="[low, high], low < high.")
    values: list[float] | None = Field(None, min_length=2, max_length=1000,
                                       description="Discrete values to choose from.")
    levels: int = Field(3, ge=2, le=1000, description="Grid levels for a range (grid only).")

    @model_validator(mode="after")
    def _one_domain(self) -> Uncertainty:
        if (self.range is None) == (self.values is None):
            raise ValueError("give exactly one of range: [low, high] or values: [...]")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range must be [low, high] with low < high, got {list(self.range)}")
        return self

    @property
    def column(self) -> str:
        """The column of the results table that holds this uncertainty's values."""
        return self.name or self.path.replace(".", "_")


class Design(Strict):
    """How the points are sampled: the design's kind, size and seed."""

    kind: DesignKind = Field(description="grid, lhs, sobol (Saltelli) or morris.")
    n: int = Field(ge=1, le=100_000, description=(
        "sobol: base samples N (points = N(2D+2), or N(D+2) without second order); lhs: points; "
        "morris: trajectories (points = N(D+1)); grid: ignored (levels x values)."))
    second_order: bool = Field(True, description="sobol: also estimate second-order indices.")
    morris_levels: int = Field(4, ge=2, le=100, description="morris: grid levels.")


class Experiment(Strict):
    """A sweep: the scenario, what varies and how it is sampled, the strategies, the worlds."""

    experiment: About
    scenario: str = Field(min_length=1, description="Base scenario: a file relative to this "
                          "one, or the name of a shipped scenario (`trucesim scenarios`).")
    uncertainties: list[Uncertainty] = Field(min_length=1, max_length=50)
    design: Design
    strategies: list[str] = Field(min_length=1, max_length=50,
                                  description="Strategies (levers) run at every point.")
    worlds: int = Field(ge=1, le=1_000_000, description="Worlds per point and strategy.")
    seed: int = Field(ge=0, le=2**63 - 1, description="Root seed of the whole sweep.")
    days: int | None = Field(None, ge=1, le=3650, description="Horizon (default: the scenario's).")
    horizons: list[int] = Field([30, 90, 180, 365], min_length=1, max_length=20,
                                description="Days at which survival is reported.")

    @model_validator(mode="after")
    def _unique(self) -> Experiment:
        for what, items in (("uncertainties", [u.path for u in self.uncertainties]),
                            ("uncertainty names", [u.column for u in self.uncertainties]),
                            ("strategies", self.strategies)):
            dup = sorted({x for x in items if items.count(x) > 1})
            if dup:
                raise ValueError(f"{what} must be unique; repeated: {', '.join(dup)}")
        return self


@dataclass(frozen=True)
class LoadedExperiment:
    """A validated experiment with its base scenario, ready to sweep."""

    spec: Experiment
    file: str
    sha256: str
    scenario_file: str
    scenario_data: dict
    scenario: Scenario

    @property
    def horizon(self) -> int:
        """The horizon in days of every point's runs."""
        return self.spec.days or self.scenario.meta.horizon_days


def is_experiment(data: Any) -> bool:
    """Whether parsed YAML is an experiment file (it has the top-level ``experiment:`` key)."""
    return isinstance(data, dict) and EXPERIMENT_KEY in data


def load_experiment(path: str | Path) -> LoadedExperiment:
    """Load and validate an experiment file and its base scenario.

    Raises:
        ScenarioError: with every problem found, each with file, line and field.
    """
    file = str(find(path, "experiments"))
    text = read_text(file)
    doc, data = parse_yaml(text, file)
    spec = _validate(data, file, doc)
    base = _base_scenario(spec, file, doc)
    try:
        scn_doc, scn_data = parse_yaml(read_text(base), str(base))
        scenario = validate(scn_data, str(base), scn_doc)
    except ScenarioError as exc:
        where = Problem(file, line_of(doc, ("scenario",)), "scenario", spec.scenario,
                        "the base scenario has problems (listed below)")
        raise ScenarioError([where, *exc.problems]) from None
    problems = _check_against(spec, scenario, file, doc)
    if problems:
        raise ScenarioError(problems)
    return LoadedExperiment(spec, file, hashlib.sha256(text.encode()).hexdigest(), str(base),
                            scn_data, scenario)


def _base_scenario(spec: Experiment, file: str, doc: Any) -> Path:
    """The base scenario's file: a path relative to the experiment file, or a shipped name."""
    try:
        base = find(spec.scenario, "scenarios", Path(file).parent)
    except ScenarioError:
        base = None
    if base is None or not base.is_file():
        raise ScenarioError([Problem(
            file, line_of(doc, ("scenario",)), "scenario", spec.scenario,
            f"expected a scenario file, relative to the experiment file, or a shipped "
            f"scenario's name ({', '.join(names())}); there is none at "
            f"{Path(file).parent / spec.scenario}")])
    return base


def _validate(data: Any, file: str, doc: Any) -> Experiment:
    if not is_experiment(data):
        raise ScenarioError([Problem(file, 1, "", None,
                                     "expected an experiment file with a top-level experiment:")])
    try:
        return Experiment.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, file, doc, data)) from None


def _check_against(spec: Experiment, scn: Scenario, file: str, doc: Any) -> list[Problem]:
    """Paths must name numbers in the scenario; values, strategies, horizons must fit it."""
    out = []
    full = scn.model_dump(mode="json")
    for i, u in enumerate(spec.uncertainties):
        loc = ("uncertainties", i, "path")
        problem = path_problem(full, u.path)
        if problem:
            out.append(Problem(file, line_of(doc, loc), f"uncertainties.{i}.path", u.path,
                               problem))
            continue
        out += _value_problems(spec, i, u, full, file, doc)
    known = available(scn)
    for i, s in enumerate(spec.strategies):
        if s not in known:
            out.append(Problem(file, line_of(doc, ("strategies", i)), f"strategies.{i}", s,
                               f"no such strategy; expected one of: {', '.join(known)}"))
    horizon = spec.days or scn.meta.horizon_days
    for i, h in enumerate(spec.horizons):
        if not 1 <= h <= horizon:
            out.append(Problem(file, line_of(doc, ("horizons", i)), f"horizons.{i}", h,
                               f"a day between 1 and the horizon ({horizon})"))
    return out


def _value_problems(spec: Experiment, i: int, u: Uncertainty, full: dict, file: str,
                    doc: Any) -> list[Problem]:
    """Each end of the range (each listed value) must make a valid scenario on its own."""
    key = "range" if u.range is not None else "values"
    ends = list(u.range) if u.range is not None else u.values
    out = []
    for j, v in enumerate(ends):
        try:
            Scenario.model_validate(set_path(full, u.path, typed(full, u.path, v)))
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"]
            out.append(Problem(file, line_of(doc, ("uncertainties", i, key, j)),
                               f"uncertainties.{i}.{key}.{j}", v,
                               f"not a valid value for {u.path}: {msg}"))
    return out


def point_scenario(exp: LoadedExperiment, values: dict[str, float]) -> Scenario:
    """The base scenario with ``values`` (path -> value) set, validated.

    Raises:
        ScenarioError: when this combination of values is not a valid scenario.
    """
    full = exp.scenario.model_dump(mode="json")
    data = exp.scenario_data
    for path, v in values.items():
        data = set_path(data, path, typed(full, path, v))
    return validate(data, exp.scenario_file)
