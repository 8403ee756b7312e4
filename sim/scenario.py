"""Loading scenario files: YAML -> validated :class:`~sim.schema.Scenario`.

Every problem is reported as a :class:`~sim.yamlio.Problem` naming the file, the line, the
field path, the bad value and what was expected (:mod:`sim.yamlio` reads the YAML and locates
problems; this module validates the data against the schema, applies ``--set`` overrides and
checks priors).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sim.overrides import apply_overrides
from sim.scenario_validate import problems_from, validate, validation_problems
from sim.schema import Scenario
from sim.shipped import NotShipped, resolve
from sim.yamlio import (  # re-exported: the names callers have always imported from here
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    Problem,
    ScenarioError,
    dotted,
    line_of,
    parse_yaml,
    read_text,
)

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Problem", "ScenarioError", "dotted", "find",
           "line_of", "load", "parse_yaml", "problems_from", "read_text", "scenario_hash",
           "validate", "validation_problems"]


def find(arg: str | Path, kind: str = "scenarios", base_dir: str | Path | None = None) -> Path:
    """The file meant by a path or a shipped name (:func:`sim.shipped.resolve`); an unknown
    name is a :class:`ScenarioError` that lists the shipped names."""
    try:
        return resolve(arg, kind, base_dir)
    except NotShipped as exc:
        raise ScenarioError([Problem(str(arg), None, "", None, f"cannot read file: {exc}")]) \
            from None


def load(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Load, override (``PATH=VALUE`` strings) and validate a scenario.

    Args:
        path: a scenario file, or the name of a shipped scenario (``trucesim scenarios``);
            a file that exists wins over a name.
        overrides: ``PATH=VALUE`` strings, as with ``--set``.

    Example:
        >>> load("syria_2016", ["information.p_misattribution=0.1"]).information.p_misattribution
        0.1
    """
    path = find(path)
    file = str(path)
    doc, data = parse_yaml(read_text(path), file)
    if overrides:
        data = apply_overrides(data, overrides, file)
    scn = validate(data, file, doc)
    if scn.priors:
        from sim.priors import check_priors  # noqa: PLC0415  lazy: scipy and pandas (6 s)

        check_priors(scn, file, doc)
    return scn


def scenario_hash(scn: Scenario) -> str:
    """Stable hash of a validated scenario (its canonical JSON)."""
    blob = json.dumps(scn.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
