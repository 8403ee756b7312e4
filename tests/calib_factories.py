"""``make_*`` helpers of the calibration tests: a small scenario with two priors, and a
synthetic record made from a known truth."""

from __future__ import annotations

import pandas as pd

from sim.ensemble import run_sets
from sim.priors_schema import Target
from sim.scenario import validate
from sim.schema import Scenario
from sim.targets import met_by_world
from tests.factories import make_party, make_scenario_data, make_spoiler

P_ATTACK = "actors.raiders.spoiler.p_attack"
GAIN = "actors.north.incentives.gain_from_fighting"
# facts of each world a record could state; their shares move with the two priors' fields
FACTS = [("attacks_5", "n_attacks", (5, None)), ("attacks_10", "n_attacks", (10, None)),
         ("trouble_by_20", "day_first_trouble", (0, 20)), ("walked_out", "n_walkouts", (1, None)),
         ("trouble_10_days", "days_in_trouble", (10, None))]


def make_calibration_data(horizon: int = 60) -> dict:
    """Two parties and a spoiler tied to north that hits south; priors on the spoiler's
    attack rate and north's gain from fighting (both move what the facts count)."""
    north = make_party("north", 0.7, relations={"spoiler_ties": {"raiders": 0.5}})
    south = make_party("south", 0.7)
    raiders = make_spoiler("raiders", p_attack=0.1, provocation=1.5, targets=["south"])
    data = make_scenario_data(north, south, raiders, horizon=horizon, information={
        "p_detect": 0.8, "p_misattribution": 0.4, "p_false_alarm": 0.01})
    data["priors"] = {
        P_ATTACK: {"dist": "uniform", "low": 0.01, "high": 0.3, "source": "test"},
        GAIN: {"dist": "uniform", "low": 0.05, "high": 0.6, "source": "test"},
    }
    data["targets"] = [{"id": "holds_day_20", "statement": "it holds 20 days",
                        "statistic": "survival_days", "band": [21, None], "source": "test"}]
    return data


def make_calibration_scenario(horizon: int = 60) -> Scenario:
    return validate(make_calibration_data(horizon), "<test>")


def make_record(base: Scenario, truth: pd.Series, worlds: int = 1000,
                half: float = 0.08) -> list[Target]:
    """A synthetic record: each fact's share of worlds under ``truth`` (``worlds`` worlds, seed
    99), as a target whose ``share`` band is that share +- ``half``."""
    res = run_sets(base, truth.to_frame().T, worlds, seed=99)
    facts = [Target(id=i, statement=i, statistic=st, band=b, source="synthetic")
             for i, st, b in FACTS]
    share = met_by_world(res.worlds, facts).mean()
    return [t.model_copy(update={"share": (max(0.0, share[t.id] - half),
                                           min(1.0, share[t.id] + half))}) for t in facts]
