"""Joint calibration over several real cases: shared behaviour, case parameters (issue 20).

Every case of the library (``scenarios/cases/``) is built by the codebook (docs/codebook.md),
which writes two kinds of priors into it:

- **shared** keys (:data:`sim.codebook_rules.SHARED_PRIORS`): the behaviour of parties in any
  ceasefire -- trust dynamics (``initial_trust``, ``trust_build``, ``trust_loss``), reciprocity,
  the pace of commitment (``commitment_speed``), walkout behaviour (``walkout_threshold``,
  ``p_walkout``, ``p_return``), the generic incentives (``cost_of_fighting``,
  ``value_of_settlement``, ``sensitivity_to_pressure``), frailty (``commitment_range``),
  ``pressure.decay``, and the game's shared values: a tactical signer's ``tactical_gain``, the
  observers' model of ``beliefs`` and the battlefield's contest (docs/codebook.md, "Types,
  brokers' interests and the battlefield"). A joint parameter set draws each key **once** and
  gives that value to every field the key matches, in every case (every party of every case
  shares it). The schema has no separate choice-noise parameter: a party's randomness lives in
  ``reciprocity`` and the frailty draw, both shared.
- **case** keys: every other prior of a case (a party's ``gain_from_fighting`` around its coded
  momentum, say), one column per field and case, drawn from that case's own prior.

Distance: each case's distance is :func:`sim.calibrate.distances` of its record targets
(:func:`sim.targets.from_record`: one target per day of ``held_at_day`` the record speaks for);
the joint distance is the **mean of the cases' distances**, each case weighing the same
whatever its number of targets. The sampler is :func:`sim.calibrate.run_smc`, unchanged.
Candidate ``g`` runs worlds ``g * worlds ..`` of the seed in every case.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate import Calibration, Settings, run_misses, run_smc, to_values
from sim.codebook_rules import SHARED_PRIORS
from sim.priors import Resolved, apply_sets, resolve
from sim.priors_schema import Target
from sim.processes import process_pool
from sim.scenario import ScenarioError, load
from sim.schema import Scenario
from sim.shipped import SCENARIOS, folder
from sim.targets import from_record
from sim.yamlio import parse_yaml, read_text

CASES_DIR = folder(SCENARIOS) / "cases"  # the case library, in a checkout or installed
SHARED_KEYS = tuple(SHARED_PRIORS)  # the shared behavioural parameters, in draw order
SEP = ":"  # a case column is "<case>:<field path>"


@dataclass(frozen=True)
class Case:
    """A case of the library: its scenario, its fields with priors, its record targets."""

    id: str
    scenario: Scenario
    fields: list[Resolved]
    targets: list[Target]
    record: dict  # the targets file's ending, breakdown_day, censored_day, held_at_day


def case_ids(folder: Path = CASES_DIR) -> list[str]:
    """The ids of the cases in ``folder`` (each ``<id>.yaml`` with a ``targets/<id>.yaml``)."""
    return sorted(p.stem for p in folder.glob("*.yaml") if (folder / "targets" / p.name).exists())


def load_case(case_id: str, folder: Path = CASES_DIR) -> Case:
    """Load a case's scenario, priors and record targets.

    Raises:
        ScenarioError: located, when the scenario, a prior or the record is bad.
    """
    scn = load(folder / f"{case_id}.yaml")
    record_path = folder / "targets" / f"{case_id}.yaml"
    _, record = parse_yaml(read_text(record_path), str(record_path))
    return Case(case_id, scn, resolve(scn), from_record(record_path, scn.meta.horizon_days),
                dict(record))


def joint_fields(cases: list[Case]) -> list[Resolved]:
    """The columns of a joint parameter set: one per shared key that some case uses (its
    prior from the first such case; the codebook writes the same one in every case), then
    each case's own fields, named ``<case>:<path>``."""
    shared = []
    for key in SHARED_KEYS:
        first = next((r for c in cases for r in c.fields if r.key == key), None)
        if first is not None:
            shared.append(Resolved(key, key, first.prior, first.limits, first.is_int))
    own = [Resolved(f"{c.id}{SEP}{r.path}", r.key, r.prior, r.limits, r.is_int)
           for c in cases for r in c.fields if r.key not in SHARED_KEYS]
    return shared + own


def case_values(case: Case, joint: pd.DataFrame) -> pd.DataFrame:
    """One case's parameter sets (its field paths as columns) from joint parameter sets:
    shared keys give their one value to every field they match."""
    cols = {}
    for r in case.fields:
        col = r.key if r.key in SHARED_KEYS else f"{case.id}{SEP}{r.path}"
        cols[r.path] = joint[col].to_numpy()
    return pd.DataFrame(cols)


def case_misses(case: Case, sets: pd.DataFrame, first_set: int, s: Settings,
                pool=None) -> np.ndarray:
    """(n,) the case's distance for each parameter set (a set the schema refuses: 1)."""
    applied = apply_sets(case.scenario, sets)
    out = np.ones(len(applied))
    rows = [i for i, x in enumerate(applied) if not isinstance(x, ScenarioError)]
    parts = [p for p in np.array_split(np.array(rows, dtype=int), max(1, s.workers)) if len(p)]
    jobs = [([applied[i] for i in p], [(first_set + i) * s.worlds for i in p]) for p in parts]
    if pool is None or len(jobs) <= 1:
        results = [run_misses(*job, case.targets, s) for job in jobs]
    else:
        results = [f.result() for f in [pool.submit(run_misses, *job, case.targets, s)
                                        for job in jobs]]
    for p, res in zip(parts, results):
        out[p] = res.mean(axis=1)
    return out


def calibrate_joint(cases: list[Case], s: Settings,
                    on_generation: Callable[[dict], None] | None = None,
                    resume: dict | None = None) -> Calibration:
    """ABC-SMC of shared and case parameters against every case's record at once.

    Args:
        cases: the training cases (:func:`load_case`).
        s: population, worlds, budget, seed, workers (``days`` is ignored: each case runs its
            own horizon, which its targets are stated for).
        on_generation: called with a resumable state after each generation.
        resume: such a state to go on from.

    Example:
        >>> cases = [load_case(c) for c in ("syria_sep_2016", "yemen_2022")]
        >>> cal = calibrate_joint(cases, Settings(population=20, budget=100, worlds=10))

    Raises:
        ValueError: when no case has targets, or the budget cannot pay for one generation.
    """
    if not any(c.targets for c in cases):
        raise ValueError("joint calibration needs cases with record targets")
    if s.budget < s.population:
        raise ValueError(f"the budget ({s.budget}) is smaller than one generation "
                         f"({s.population} parameter sets)")
    fields = joint_fields(cases)
    s = replace(s, days=None)
    with process_pool(s.workers) if s.workers > 1 else nullcontext(None) as pool:
        def run(u: np.ndarray, first_set: int) -> np.ndarray:
            joint = to_values(fields, u)
            return np.column_stack([case_misses(c, case_values(c, joint), first_set, s, pool)
                                    for c in cases if c.targets])

        return run_smc(run, fields, s, on_generation, resume)


def shared_values(cal: Calibration) -> pd.DataFrame:
    """The posterior's shared parameters, one row per particle."""
    values = cal.values(cal.final.u)
    return values[[c for c in values.columns if SEP not in c]]
