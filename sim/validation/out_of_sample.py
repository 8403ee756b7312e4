"""The out-of-sample track record: leave one case out, calibrate on the rest, predict it (issue 20).

For each held-out case of the library (``scenarios/cases/``):

1. calibrate the shared and case parameters jointly on every other case
   (:func:`sim.calibrate_joint.calibrate_joint`);
2. predict the held-out case: each posterior particle's shared values, with the held-out
   case's own parameters drawn from its priors (nothing is known of them), runs ``worlds``
   worlds; the worlds pooled give the survival curve -- survival at days 7, 30, 90 and 365,
   the time to breakdown, the share meeting each record target;
3. score it (:mod:`sim.validation.scoring`) with the Brier score at those days, the log score
   and the CRPS of the breakdown day, beside two nulls fitted to the same training cases: a
   Kaplan-Meier curve of the training cases of the held-out case's design class (all of them
   when fewer than :data:`MIN_CLASS` share it) and of all of them (the base rate).

Intervals: per case, the model's figures carry a 95% percentile interval from
:data:`N_BOOT` resamples of the posterior particles (parameter uncertainty and Monte Carlo
noise together); the nulls have none (they are a fixed function of the training cases).
Overall, the mean score and the mean skill (a null's score less the model's: positive when the
model does better) over held-out cases carry a 95% percentile interval from resampling cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate import Calibration, Settings
from sim.calibrate_joint import CASES_DIR, Case, calibrate_joint, load_case, shared_values
from sim.codebook import load_features
from sim.ensemble import run_sets
from sim.priors import apply_sets, sample
from sim.scenario import ScenarioError
from sim.targets import met_by_world
from sim.validation import scoring as sc

DAYS = (7, 30, 90, 365)
FORECASTERS = ("model", "design", "base")
RULES = ("brier", "log", "crps")
MIN_CLASS = 2  # training cases of the held-out case's class the design null needs
N_BOOT = 200  # particle resamples per case (a 95% interval's ends move by ~1/sqrt(200) of it)
MIN_BUDGET = 8  # one generation of MIN_POPULATION sets, then one move of half of them
MIN_POPULATION = 4


@dataclass(frozen=True)
class Plan:
    """How hard to run the track record (`trucesim validate --out-of-sample` options)."""

    budget: int = 400  # parameter sets simulated per held-out case's calibration
    worlds: int = 10  # worlds per parameter set and case
    seed: int = 0
    workers: int = 1

    def settings(self) -> Settings:
        """The calibration's settings: a population of a quarter of the budget (4..100),
        so that the budget pays for a few generations."""
        population = int(min(100, max(MIN_POPULATION, self.budget // 4)))
        return Settings(population=population, worlds=self.worlds, budget=self.budget,
                        seed=self.seed, workers=self.workers)


# ------------------------------------------------------------------ the record
def observed(record: dict) -> tuple[int, bool]:
    """(day, broke down): the breakdown day, or the last day the record saw it holding."""
    if record.get("breakdown_day") is not None:
        return int(record["breakdown_day"]), True
    return int(record["censored_day"]), False


def answers(record: dict) -> dict[int, bool | None]:
    """The record's ``held_at_day``, days as integers."""
    return {int(d): v for d, v in (record.get("held_at_day") or {}).items()}


def crps_length(case: Case) -> int:
    """L: the CRPS scores min(T, L), the horizon cut where a censored record stops."""
    day, broke = observed(case.record)
    horizon = case.scenario.meta.horizon_days
    return horizon if broke else min(horizon, day + 1)


def design_class(case_id: str, folder: Path) -> str:
    """The codebook's design class of a case (its features file)."""
    return load_features(folder / "features" / f"{case_id}.yaml").design.design_class.value


# ------------------------------------------------------------------ forecasts
def scores(survival: np.ndarray, case: Case) -> dict[str, float]:
    """Brier (per day and mean), log score and CRPS of one survival curve for a case."""
    known = {d: v for d, v in answers(case.record).items()
             if v is not None and d < len(survival) and d in DAYS}
    out = {f"brier_d{d}": sc.brier(float(survival[d]), v) for d, v in known.items()}
    out["brier"] = float(np.mean(list(out.values()))) if out else math.nan
    out["log"] = sc.log_score(survival, answers(case.record))
    length = crps_length(case)
    day, broke = observed(case.record)
    out["crps"] = sc.crps(survival[:length], min(day, length) if broke else length)
    return out


def null_curves(train: list[Case], classes: dict[str, str], held: str,
                length: int) -> tuple[dict[str, np.ndarray], bool]:
    """The nulls' survival curves for the held-out case, and whether the design null fell
    back to the base rate (too few training cases of its class)."""
    days = np.array([observed(c.record)[0] for c in train])
    events = np.array([observed(c.record)[1] for c in train])
    same = np.array([classes[c.id] == classes[held] for c in train])
    base = sc.kaplan_meier(days, events, length)
    fallback = int(same.sum()) < MIN_CLASS
    design = base if fallback else sc.kaplan_meier(days[same], events[same], length)
    return {"design": design, "base": base}, fallback


def held_out_sets(case: Case, cal: Calibration, rng: np.random.Generator) -> pd.DataFrame:
    """The held-out case's parameter sets: each particle's shared values, the case's own
    fields drawn from its priors (shared keys the training cases lacked: from the prior)."""
    shared = shared_values(cal)
    cols = {}
    for r in case.fields:
        cols[r.path] = (shared[r.key].to_numpy() if r.key in shared.columns
                        else sample(r.prior, len(shared), rng))
        if r.is_int:
            cols[r.path] = np.rint(cols[r.path]).astype(np.int64)
    return pd.DataFrame(cols)


def simulate_case(case: Case, sets: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """World rows (column ``set``) of the held-out case under each valid parameter set."""
    applied = apply_sets(case.scenario, sets)
    ok = [i for i, x in enumerate(applied) if not isinstance(x, ScenarioError)]
    res = run_sets(case.scenario, sets.iloc[ok].reset_index(drop=True), plan.worlds,
                   plan.seed, scenarios=[applied[i] for i in ok], series=())
    return res.worlds


def model_curves(worlds: pd.DataFrame, length: int) -> np.ndarray:
    """(sets, length) each parameter set's survival curve."""
    return np.stack([sc.survival_from_days(g["survival_days"].to_numpy(),
                                           g["is_collapsed"].to_numpy(), length)
                     for _, g in worlds.groupby("set")])


def _interval(values: np.ndarray) -> tuple[float, float]:
    return float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975))


def model_figures(curves: np.ndarray, worlds: pd.DataFrame, case: Case,
                  rng: np.random.Generator) -> dict[str, float]:
    """The model's prediction and scores, with 95% intervals from resampling particles."""
    out: dict[str, float] = {}
    pooled = curves.mean(axis=0)
    boot = curves[rng.integers(0, len(curves), (N_BOOT, len(curves)))].mean(axis=1)
    for d in (d for d in DAYS if d < curves.shape[1]):
        out[f"model_survival_d{d}"] = float(pooled[d])
        out[f"model_survival_d{d}_lo"], out[f"model_survival_d{d}_hi"] = _interval(boot[:, d])
    t = np.where(worlds["is_collapsed"], worlds["survival_days"], np.inf)
    # quantiles that are values of the sample (no interpolation between inf and a day)
    out["model_breakdown_median"], out["model_breakdown_p5"], out["model_breakdown_p95"] = (
        float(np.quantile(t, q, method="inverted_cdf")) for q in (0.5, 0.05, 0.95))
    boot_scores = [scores(b, case) for b in boot]
    for rule, value in scores(pooled, case).items():
        out[f"model_{rule}"] = value
        out[f"model_{rule}_lo"], out[f"model_{rule}_hi"] = _interval(
            np.array([s[rule] for s in boot_scores]))
    met = met_by_world(worlds, case.targets)
    out.update({f"model_target_{t.id}": float(met[t.id].mean()) for t in case.targets})
    return out


def predict_case(case: Case, train: list[Case], classes: dict[str, str],
                 plan: Plan) -> dict:
    """Calibrate on ``train``, predict ``case``, score the model and both nulls: one row."""
    cal = calibrate_joint(train, plan.settings())
    rng = np.random.default_rng([plan.seed, 20])
    worlds = simulate_case(case, held_out_sets(case, cal, rng), plan)
    length = case.scenario.meta.horizon_days + 1  # S[H]: never collapsed within the horizon
    day, broke = observed(case.record)
    row = {"case": case.id, "design_class": classes[case.id],
           "ending": case.record.get("ending"), "observed_day": day, "broke_down": broke,
           "horizon": length - 1, "crps_length": crps_length(case), "n_train": len(train),
           "particles": int(worlds["set"].nunique()), "worlds": len(worlds),
           "generations": len(cal.generations), "simulated": cal.simulated,
           "epsilon": float(cal.final.epsilon), "median_distance":
           float(np.median(cal.final.distance)), "stopped": cal.stopped}
    row.update(model_figures(model_curves(worlds, length), worlds, case, rng))
    nulls, row["design_fallback"] = null_curves(train, classes, case.id, length)
    for name, curve in nulls.items():
        for d in (d for d in DAYS if d < length):
            row[f"{name}_survival_d{d}"] = float(curve[d])
        row.update({f"{name}_{rule}": v for rule, v in scores(curve, case).items()})
    return row


def overall(rows: list[dict], seed: int) -> dict:
    """Mean scores over held-out cases and the mean skill over each null (null's score less
    the model's), each with a 95% interval from resampling cases."""
    table = pd.DataFrame(rows)
    rng = np.random.default_rng([seed, 21])
    out: dict = {"case": "overall", "n_cases": len(table)}
    for rule in RULES:
        for f in FORECASTERS:
            out[f"{f}_{rule}"] = float(table[f"{f}_{rule}"].mean())
        for null in ("design", "base"):
            skill = (table[f"{null}_{rule}"] - table[f"model_{rule}"]).dropna().to_numpy()
            key = f"skill_vs_{null}_{rule}"
            out[key] = float(skill.mean()) if len(skill) else math.nan
            out[f"{key}_lo"], out[f"{key}_hi"] = sc.bootstrap_interval(skill, rng)
    return out


def track_record(case_list: list[str], plan: Plan, folder: Path = CASES_DIR,
                 done: dict[str, dict] | None = None, on_case=None) -> list[dict]:
    """Predict each case from the others (skipping those in ``done``); ``on_case(row)`` is
    called as each finishes. Returns the rows of every case, in ``case_list`` order.

    Example:
        >>> rows = track_record(["syria_sep_2016", "yemen_2022", "minsk_2015"], Plan(budget=40))
        >>> overall(rows, seed=0)["skill_vs_base_brier"]
    """
    cases = {c: load_case(c, folder) for c in case_list}
    classes = {c: design_class(c, folder) for c in case_list}
    rows = dict(done or {})
    for held in case_list:
        if held in rows:
            continue
        train = [cases[c] for c in case_list if c != held]
        rows[held] = predict_case(cases[held], train, classes, plan)
        if on_case:
            on_case(rows[held])
    return [rows[c] for c in case_list]
