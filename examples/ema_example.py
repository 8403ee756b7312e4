"""Exploring the Syria 2016 scenario with the EMA Workbench.

Runs the strategies of experiments/syria_spoilers_sobol.yaml over 16 Latin-hypercube samples of
its three uncertainties (EMA's default sampler) and prints, per strategy, the mean days the truce
held (RMST over the year) and how much that varies across the samples.

    .venv/bin/python examples/ema_example.py [--worlds 200] [--scenarios 16]
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ema_workbench import Sample, SequentialEvaluator, perform_experiments

from sim.ema import experiment_model

ROOT = Path(__file__).resolve().parents[1]


def main(worlds: int = 200, scenarios: int = 16, days: int | None = None) -> dict:
    """Run the exploration; ``days`` shortens the horizon (for a quick check)."""
    model = experiment_model(ROOT / "experiments" / "syria_spoilers_sobol.yaml", worlds=worlds,
                             days=days)
    policies = [Sample(c.name, strategy=c.value) for c in model.levers[0].categories]
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=scenarios, policies=policies, evaluator=evaluator,
            uncertainty_sampling_kwargs={"rng": 2016})
    experiments["rmst_days"] = outcomes["rmst_days"]
    by_strategy = experiments.groupby("strategy", observed=True)["rmst_days"].agg(["mean", "std"])
    print(by_strategy.round(1).to_string())
    return {"experiments": experiments, "outcomes": outcomes, "by_strategy": by_strategy}


if __name__ == "__main__":
    logging.getLogger("EMA").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=200)
    parser.add_argument("--scenarios", type=int, default=16)
    args = parser.parse_args()
    main(args.worlds, args.scenarios)
