"""Files of a calibration: targets files, the posterior with its provenance, checkpoints.

``posterior.parquet`` holds one row per particle (a column per field path, ``weight``,
``distance``) and, in the Parquet schema's metadata under ``trucesim``, its provenance: the
scenario's name and hash, the targets' hash, the seed, the settings and trucesim's version.
:func:`read_posterior` refuses, with located problems, a file that is not such a posterior, one
made for another version of the scenario, an empty one and a degenerate one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from sim.priors_schema import Strict, Target
from sim.scenario import Problem, ScenarioError, parse_yaml, problems_from, read_text
from sim.targets import from_record

META_KEY = b"trucesim"
MIN_ESS = 2.0  # a posterior whose effective sample size is below this is one point, not a spread


class TargetsFile(Strict):
    """A targets file: ``targets:``, a list of targets as a scenario's section states them."""

    targets: list[Target]


def load_targets(path: str | Path) -> list[Target]:
    """The targets of a file (``targets:`` as in a scenario file), or a case record file
    (``held_at_day:``, :func:`sim.targets.from_record`).

    Raises:
        ScenarioError: with file, line and field of every problem (e.g. an unknown statistic).
    """
    file = str(path)
    doc, data = parse_yaml(read_text(path), file)
    if isinstance(data, dict) and "held_at_day" in data:
        return from_record(path)
    try:
        return TargetsFile.model_validate(data).targets
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc.errors(), file, doc, data, None)) from None


def targets_hash(targets: list[Target]) -> str:
    """Stable hash of a list of targets (their canonical JSON)."""
    blob = json.dumps([t.model_dump(mode="json") for t in targets], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)  # as an ordinary file (mkstemp makes it private)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_posterior(path: Path, table: pd.DataFrame, meta: dict) -> None:
    """``table`` as Parquet with ``meta`` (JSON) in its schema's metadata, atomically."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}),
                                           META_KEY: json.dumps(meta).encode()})
    _atomic(path, lambda tmp: pq.write_table(arrow, tmp))


def _bad(file: str, field: str, value, expected: str) -> ScenarioError:
    return ScenarioError([Problem(file, None, field, value, expected)])


def read_posterior(path: str | Path, scenario_hash: str | None = None,
                   paths: list[str] | None = None) -> tuple[pd.DataFrame, dict]:
    """A posterior written by `trucesim calibrate`: (particles, provenance).

    Args:
        path: the posterior's Parquet file.
        scenario_hash: when given, the posterior must have been made for this scenario.
        paths: when given, the field paths the posterior must hold (the scenario's priors).

    Raises:
        ScenarioError: not such a file, another scenario version, empty, or degenerate.
    """
    file = str(path)
    try:
        arrow = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise _bad(file, "", None, f"cannot read it as Parquet ({exc}); expected the "
                   "posterior.parquet that `trucesim calibrate` writes") from None
    raw = (arrow.schema.metadata or {}).get(META_KEY)
    if raw is None:
        raise _bad(file, "", None, "no trucesim provenance in it; expected the "
                   "posterior.parquet that `trucesim calibrate` writes")
    meta = json.loads(raw)
    table = arrow.to_pandas()
    _check(file, table, meta, scenario_hash, paths)
    return table, meta


def _check(file: str, table: pd.DataFrame, meta: dict, scenario_hash: str | None,
           paths: list[str] | None) -> None:
    if scenario_hash is not None and meta.get("scenario_hash") != scenario_hash:
        raise _bad(file, "scenario_hash", meta.get("scenario_hash"),
                   f"expected {scenario_hash}: the posterior was made for another version of "
                   f"scenario '{meta.get('scenario')}' (calibrate it again)")
    if paths is not None:
        missing = [p for p in paths if p not in table.columns]
        if missing:
            raise _bad(file, missing[0], None, f"no column for this prior ({len(missing)} "
                       "missing); expected one column per field with a prior")
        extra = [c for c in table.columns if c not in (*paths, "weight", "distance")]
        if extra:
            raise _bad(file, extra[0], None, "no prior of the scenario names this field; "
                       "expected the columns `trucesim calibrate` writes")
    if table.empty:
        raise _bad(file, "weight", None, "the posterior is empty; expected at least one "
                   "parameter set")
    w = table["weight"].to_numpy(dtype=float) if "weight" in table else np.array([np.nan])
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise _bad(file, "weight", None, "weights must be finite, non-negative, not all 0")
    ess = w.sum() ** 2 / (w ** 2).sum()
    if ess < MIN_ESS:
        raise _bad(file, "weight", round(float(ess), 3), f"degenerate posterior: effective "
                   f"sample size below {MIN_ESS:g}; expected a spread of parameter sets")


def write_checkpoint(path: Path, state: dict) -> None:
    """The calibration so far (JSON), atomically: a `kill -9` loses no finished generation."""
    _atomic(path, lambda tmp: Path(tmp).write_text(json.dumps(state)))


def read_checkpoint(path: Path) -> dict | None:
    """A checkpoint, or None when there is none (or it cannot be read)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
