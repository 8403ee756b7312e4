"""Tiny experiments for the sweep tests: the Syria scenario, few points, ~50 worlds, short days."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.sweep import Store
from tests.factories import dump_yaml

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"


def make_experiment_data(kind: str = "lhs", n: int = 4, worlds: int = 50, days: int = 20,
                         strategies=("baseline", "monitoring"), **extra) -> dict:
    data = {
        "experiment": {"name": "tiny"},
        "scenario": str(SYRIA),
        "uncertainties": [
            {"path": "actors.nusra.spoiler.p_attack", "name": "nusra_p_attack",
             "range": [0.0, 0.1]},
            {"path": "information.p_misattribution", "name": "p_mis", "range": [0.1, 0.9]},
        ],
        "design": {"kind": kind, "n": n},
        "strategies": list(strategies),
        "worlds": worlds,
        "seed": 7,
        "days": days,
        "horizons": [10, days],
    }
    return data | extra


def write_experiment(folder: Path, data: dict | str, name: str = "exp.yaml") -> Path:
    path = Path(folder) / name
    path.write_text(data if isinstance(data, str) else dump_yaml(data))
    return path


def tables(out: Path) -> pd.DataFrame:
    """A finished sweep's outcome table (DuckDB over the parts)."""
    return Store(out).table()
