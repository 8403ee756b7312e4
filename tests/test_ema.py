"""The EMA Workbench adapter: a scenario as an EMA Model, run by EMA's own evaluator."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # ema_workbench warns that ipyparallel is not installed
    from ema_workbench import (
        CategoricalParameter,
        RealParameter,
        Sample,
        ScalarOutcome,
        SequentialEvaluator,
        perform_experiments,
    )

from sim.ema import experiment_model
from sim.sweep import load_experiment
from sim.sweep.experiment import point_scenario
from sim.sweep.outcomes import outcome_row
from sim.sweep.run import outcome_causes, run_worlds
from tests.sweep_factories import ROOT, make_experiment_data, write_experiment


@pytest.fixture(scope="module")
def exp(tmp_path_factory):
    data = make_experiment_data(worlds=30, days=20)
    data["uncertainties"][1] = {"path": "information.p_misattribution", "name": "p_mis",
                                "values": [0.2, 0.8]}
    return load_experiment(write_experiment(tmp_path_factory.mktemp("ema"), data))


def test_model_declares_uncertainties_levers_and_outcomes(exp):
    model = experiment_model(exp)
    u = {p.name: p for p in model.uncertainties}
    assert isinstance(u["nusra_p_attack"], RealParameter)
    assert (u["nusra_p_attack"].lower_bound, u["nusra_p_attack"].upper_bound) == (0.0, 0.1)
    assert isinstance(u["p_mis"], CategoricalParameter)
    (lever,) = model.levers
    assert [c.value for c in lever.categories] == ["baseline", "monitoring"]
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds["rmst_days"] == ScalarOutcome.MAXIMIZE
    assert kinds["share_collapsed"] == ScalarOutcome.MINIMIZE
    assert {"survival_10", "survival_20"} <= set(kinds)


def test_the_function_returns_what_a_sweep_stores(exp):
    model = experiment_model(exp)
    got = model.function(strategy="monitoring", nusra_p_attack=0.08, p_mis=0.8)
    values = {"actors.nusra.spoiler.p_attack": 0.08, "information.p_misattribution": 0.8}
    scn = point_scenario(exp, values)
    want = outcome_row(run_worlds(scn, "monitoring", exp.spec.seed, 30, 20), 20,
                       [10, 20], outcome_causes(scn))
    assert got == {k: want[k] for k in got}


def test_perform_experiments_with_ema(exp):
    model = experiment_model(exp, worlds=20)
    policies = [Sample(c.name, strategy=c.value) for c in model.levers[0].categories]
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=3, policies=policies, evaluator=evaluator,
            uncertainty_sampling_kwargs={"rng": 1})
    assert len(experiments) == 6 and set(experiments["strategy"]) == {"baseline", "monitoring"}
    assert set(experiments["p_mis"]) <= {0.2, 0.8}
    assert np.all((outcomes["survival_20"] >= 0) & (outcomes["survival_20"] <= 1))
    assert np.all(outcomes["rmst_days"] <= 20) and not np.isnan(outcomes["rmst_days"]).any()


def test_the_example_runs():
    spec = importlib.util.spec_from_file_location("ema_example",
                                                  ROOT / "examples" / "ema_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    res = module.main(worlds=10, scenarios=2, days=30)
    assert len(res["experiments"]) == 2 * 4
    assert set(res["by_strategy"].index) == {"baseline", "monitoring", "urgent_meeting",
                                             "pressure"}
