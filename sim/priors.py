"""Priors of a scenario: resolving their paths, checking them, drawing parameter sets, applying one.

A prior's key is a ``--set`` path (:mod:`sim.overrides`), or a pattern with ``*`` that matches
the numbers the file itself sets (as ``sources:`` patterns do, :func:`sim.sources.numeric_leaves`).
Each matched field gets its own independent draw. A field matched by two keys takes the first
key's prior, so specific keys go before general patterns. Integer fields get the draw rounded.

Draws are inverse-CDF transforms of one uniform per value from the caller's
``numpy.random.Generator``, column by column in the order the priors resolve: the same seed and
the same priors give the same table. The distributions are scipy.stats' frozen distributions
(:func:`distribution`), so densities are at hand for calibration.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.overrides import loc_of, path_problem, set_path, typed
from sim.priors_schema import Dist, Prior
from sim.scenario_validate import validate
from sim.schema import Scenario
from sim.schema_info import Limits, field_limits
from sim.sources import NOT_VALUES, numeric_leaves
from sim.yamlio import Problem, ScenarioError, dotted, line_of


@dataclass(frozen=True)
class Resolved:
    """One field with its prior: the concrete path, the key that gave it, its schema bounds."""

    path: str
    key: str
    prior: Prior
    limits: Limits
    is_int: bool


def distribution(prior: Prior) -> Any:
    """The prior as a frozen scipy.stats distribution on ``[low, high]``."""
    lo, width = prior.low, prior.high - prior.low
    if prior.dist is Dist.UNIFORM:
        return stats.uniform(lo, width)
    if prior.dist is Dist.LOG_UNIFORM:
        return stats.loguniform(prior.low, prior.high)
    if prior.dist is Dist.TRUNCATED_NORMAL:
        a, b = (prior.low - prior.mean) / prior.sd, (prior.high - prior.mean) / prior.sd
        return stats.truncnorm(a, b, loc=prior.mean, scale=prior.sd)
    if prior.dist is Dist.BETA:
        return stats.beta(prior.a, prior.b, loc=lo, scale=width)
    return stats.triang((prior.mode - lo) / width, loc=lo, scale=width)


def sample(prior: Prior, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws from ``prior``: one uniform each from ``rng``, through the inverse CDF,
    clipped to the support against rounding at its ends."""
    return np.clip(distribution(prior).ppf(rng.random(n)), prior.low, prior.high)


def _matches(key: str, written: list[str], full: dict) -> list[str]:
    """Concrete paths a prior key names: itself (list items by id, as patterns see them), or
    the written numbers its pattern matches."""
    if "*" in key:
        return [p for p in written if fnmatchcase(p, key)]
    return [] if path_problem(full, key) else [dotted(loc_of(full, key), full)]


def _key_problem(key: str, full: dict) -> str:
    if key.split(".")[0] in NOT_VALUES:
        return f"'{key.split('.')[0]}' holds no model value; a prior names a field of the model"
    if "*" in key:
        return "the pattern matches no number this file sets"
    return path_problem(full, key) or "no number on this path"


def resolve_with_problems(scn: Scenario, file: str = "<scenario>",
                          doc: Any = None) -> tuple[list[Resolved], list[Problem]]:
    """Every field with a prior, and the located problems of the ``priors:`` section."""
    full = scn.model_dump(mode="json")
    written = numeric_leaves(scn.model_dump(mode="json", exclude_unset=True))
    out: dict[str, Resolved] = {}
    problems = []
    for key, prior in scn.priors.items():
        paths = [] if key.split(".")[0] in NOT_VALUES else _matches(key, written, full)
        fresh = [p for p in paths if p not in out]
        if not paths or not fresh:
            why = _key_problem(key, full) if not paths else \
                "every field it matches has a prior from an earlier key"
            problems.append(Problem(file, line_of(doc, ("priors", key)), f"priors.{key}",
                                    None, why))
            continue
        for p in fresh:
            loc = loc_of(full, p)
            out[p] = Resolved(p, key, prior, field_limits(Scenario, loc, full),
                              isinstance(typed(full, p, 0.0), int))
        problems += _support_problems(key, [out[p] for p in fresh], file, doc)
    return list(out.values()), problems


def _support_problems(key: str, fields: list[Resolved], file: str, doc: Any) -> list[Problem]:
    """A support end outside a field's bounds, once per end (naming the first such field)."""
    out = []
    for end in ("low", "high"):
        value = getattr(fields[0].prior, end)
        bad = [r for r in fields if not r.limits.admits(value)]
        if bad:
            n = len(bad) - 1
            more = f" (and {n} more field{'s' if n > 1 else ''} it matches)" if n else ""
            out.append(Problem(file, line_of(doc, ("priors", key, end)), f"priors.{key}.{end}",
                               value, f"the support must lie within the bounds of "
                               f"{bad[0].path} ({bad[0].limits}){more}"))
    return out


def resolve(scn: Scenario) -> list[Resolved]:
    """Every field with a prior, in the order they are drawn.

    Raises:
        ScenarioError: when a prior names no number or its support leaves a field's bounds.
    """
    fields, problems = resolve_with_problems(scn)
    if problems:
        raise ScenarioError(problems)
    return fields


def check_priors(scn: Scenario, file: str, doc: Any = None) -> None:
    """Raise :class:`ScenarioError` with every located problem of the ``priors:`` section."""
    _, problems = resolve_with_problems(scn, file, doc)
    if problems:
        raise ScenarioError(problems)


def draw(scn: Scenario, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` parameter sets drawn from the scenario's priors: one row per set, one column per
    field path (integer fields rounded).

    Example:
        >>> sets = draw(load("syria_2016"), 100, np.random.default_rng(1))
        >>> scn = apply(load("syria_2016"), sets.iloc[0])
    """
    cols = {}
    for r in resolve(scn):
        x = sample(r.prior, n, rng)
        cols[r.path] = np.rint(x).astype(np.int64) if r.is_int else x
    return pd.DataFrame(cols, index=pd.RangeIndex(n, name="set"))


def apply(scn: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with each ``path -> value`` set (by :func:`sim.overrides.set_path`), validated.

    Raises:
        ScenarioError: when the values together break a rule of the schema.
    """
    return _apply(scn.model_dump(mode="json", exclude_unset=True), scn.model_dump(mode="json"),
                  values)


def _apply(data: dict, full: dict, values: Mapping[str, float]) -> Scenario:
    data = copy.deepcopy(data)
    for path, value in values.items():
        set_path(data, path, typed(full, path, float(value)), in_place=True)
        for other, rest in _complements(path, float(value)).items():
            set_path(data, other, rest, in_place=True)
    return validate(data, "<parameter set>")


TACTICAL = "intent.types.tactical"


def _complements(path: str, value: float) -> dict[str, float]:
    """Fields a drawn value fixes: a party's share of tactical signers leaves the rest of its
    types committed, so that the types still sum to 1 (docs/model.md 11.5)."""
    if not path.endswith("." + TACTICAL):
        return {}
    return {path[: -len("tactical")] + "committed": 1.0 - value}


def apply_sets(scn: Scenario, sets: pd.DataFrame) -> list[Scenario | ScenarioError]:
    """:func:`apply` for each row of ``sets``: the scenario, or the error its values raise
    (the scenario is dumped once, so a thousand sets cost a thousand validations)."""
    data, full = scn.model_dump(mode="json", exclude_unset=True), scn.model_dump(mode="json")
    out: list[Scenario | ScenarioError] = []
    for row in sets.to_dict(orient="records"):
        try:
            out.append(_apply(data, full, row))
        except ScenarioError as exc:
            out.append(exc)
    return out


def summary(fields: list[Resolved]) -> list[str]:
    """One line per prior key: its distribution, support, fields covered and source."""
    by_key: dict[str, list[Resolved]] = {}
    for r in fields:
        by_key.setdefault(r.key, []).append(r)
    return [f"{key}: {rs[0].prior.dist.value} on [{rs[0].prior.low:g}, {rs[0].prior.high:g}]"
            f"{f' ({len(rs)} fields)' if len(rs) > 1 else ''}; {rs[0].prior.source}"
            for key, rs in by_key.items()]


# values marked assumption or calibrated that take no prior, and why (docs/priors.md)
NO_PRIOR = {
    "meta.horizon_days": "how long to simulate: a choice of the study, not a belief",
    "truce.*": "what 'in trouble' and 'collapsed' mean: the targets are stated in these terms",
    "strategies.*.interventions.*.trigger.*": "when a strategy acts: a choice of the strategy "
                                              "(or, replaying the record, a date of it)",
    "strategies.*.interventions.*.cost_per_day": "effort points, the unit costs are counted in; "
                                                 "they change no world",
    "strategies.*.interventions.*.cost_per_activation": "effort points, as cost_per_day",
    "actors.*.intent.types.committed": "one minus the share of tactical signers, which has the "
                                       "prior (applied together: _complements)",
}
UNCERTAIN = re.compile(r"\b(assumption|calibrated)\b")


def needing_priors(data: dict) -> list[str]:
    """Numbers a scenario file sets whose source (any ``sources:`` pattern covering them) says
    ``assumption`` or ``calibrated``, less the :data:`NO_PRIOR` fields."""
    sources = data.get("sources") or {}
    return [p for p in numeric_leaves(data)
            if any(UNCERTAIN.search(text) and _covers(pat, p) for pat, text in sources.items())
            and not any(fnmatchcase(p, pat) for pat in NO_PRIOR)]


def _covers(pattern: str, path: str) -> bool:
    """Whether a ``sources:`` pattern covers a path (as :func:`sim.sources.unsourced` reads it)."""
    return fnmatchcase(path, pattern) or fnmatchcase(path, pattern + ".*")


def without_prior(scn: Scenario, data: dict) -> list[str]:
    """The fields :func:`needing_priors` names that no prior covers."""
    covered = {r.path for r in resolve(scn)}
    return [p for p in needing_priors(data) if p not in covered]
