"""Experiment files: validation with file:line:field errors, designs, seeds, `trucesim check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.scenario import ScenarioError
from sim.sweep import load_experiment
from sim.sweep.design import design_table, point_seed
from sim.sweep.experiment import point_scenario
from tests.sweep_factories import ROOT, make_experiment_data, write_experiment

SHIPPED = sorted((ROOT / "experiments").glob("*.yaml"))


def problems_of(tmp_path: Path, data) -> list[str]:
    path = write_experiment(tmp_path, data)
    with pytest.raises(ScenarioError) as exc:
        load_experiment(path)
    return [str(p) for p in exc.value.problems]


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_experiments_load_with_at_least_two_on_syria(path):
    exp = load_experiment(path)
    assert exp.scenario.meta.name.startswith("Syria 2016")
    assert len(exp.spec.uncertainties) >= 3 and len(exp.spec.strategies) >= 3
    assert len(SHIPPED) >= 2


def test_the_sobol_experiment_has_256_points_of_3_parameters():
    exp = load_experiment(ROOT / "experiments" / "syria_spoilers_sobol.yaml")
    design = design_table(exp.spec)
    assert len(design) == 256 and len(exp.spec.uncertainties) == 3
    assert len(exp.spec.strategies) == 4 and exp.spec.worlds == 1000


def test_unknown_path_is_reported_at_its_line(tmp_path):
    data = make_experiment_data()
    data["uncertainties"][1]["path"] = "information.p_detct"
    (msg,) = problems_of(tmp_path, data)
    path = tmp_path / "exp.yaml"
    assert msg.startswith(f"{path}:{line_of(path, 'information.p_detct')}: uncertainties.1.path:")
    assert "no field 'p_detct'" in msg


def test_a_path_to_text_is_not_numeric(tmp_path):
    data = make_experiment_data()
    data["uncertainties"][0]["path"] = "meta.name"
    (msg,) = problems_of(tmp_path, data)
    assert "not a numeric field" in msg


def test_a_range_outside_the_schema_bounds_names_the_end(tmp_path):
    data = make_experiment_data()
    data["uncertainties"][1]["range"] = [0.1, 1.5]
    (msg,) = problems_of(tmp_path, data)
    assert "uncertainties.1.range.1: got 1.5;" in msg and "less than or equal to 1" in msg


@pytest.mark.parametrize("change, expected", [
    ({"range": [0.5, 0.2]}, "low < high"),
    ({"values": [0.1, 0.2]}, "exactly one of range"),
    ({"rang": [0.1, 0.2]}, "unknown field"),
])
def test_uncertainty_domain_errors(tmp_path, change, expected):
    data = make_experiment_data()
    data["uncertainties"][0] |= change
    msgs = problems_of(tmp_path, data)
    assert any(expected in m and "uncertainties.0" in m for m in msgs), msgs


def test_unknown_strategy_and_late_horizon(tmp_path):
    data = make_experiment_data(strategies=["baseline", "monitorng"], horizons=[10, 21])
    msgs = problems_of(tmp_path, data)
    assert any("strategies.1: got 'monitorng'; no such strategy" in m for m in msgs)
    assert any("horizons.1: got 21;" in m and "(20)" in m for m in msgs)


def test_design_typo_and_missing_field(tmp_path):
    data = make_experiment_data()
    data["design"] = {"kind": "sobl", "n": 4}
    del data["worlds"]
    msgs = problems_of(tmp_path, data)
    assert any("design.kind: got 'sobl';" in m for m in msgs)
    assert any("worlds: required field is missing" in m for m in msgs)


def test_a_broken_base_scenario_is_reported_with_both_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: {name: x}\n")
    msgs = problems_of(tmp_path, make_experiment_data(scenario=str(bad)))
    assert "the base scenario has problems" in msgs[0] and str(bad) in msgs[1]


@pytest.mark.parametrize("kind, n, points", [("sobol", 4, 4 * (2 * 2 + 2)), ("lhs", 5, 5),
                                             ("morris", 3, 3 * (2 + 1)), ("grid", 1, 3 * 3)])
def test_design_sizes(kind, n, points, tmp_path):
    data = make_experiment_data(kind=kind, n=n)
    exp = load_experiment(write_experiment(tmp_path, data))
    design = design_table(exp.spec)
    assert len(design) == points
    lo, hi = 0.0, 0.1
    assert design["nusra_p_attack"].between(lo, hi).all()
    assert design.equals(design_table(exp.spec))  # same file, same points


def test_listed_values_are_the_only_values_drawn(tmp_path):
    data = make_experiment_data(kind="lhs", n=40)
    data["uncertainties"][1] = {"path": "information.p_misattribution", "values": [0.2, 0.5, 0.8]}
    exp = load_experiment(write_experiment(tmp_path, data))
    drawn = design_table(exp.spec)["information_p_misattribution"]
    assert set(drawn) == {0.2, 0.5, 0.8}  # 40 draws: each value missed with prob (2/3)^40


def test_point_seeds_are_fixed_and_distinct():
    seeds = [point_seed(2016, p) for p in range(1000)]
    assert len(set(seeds)) == 1000
    assert seeds == [point_seed(2016, p) for p in range(1000)]
    assert seeds[:5] != [point_seed(2017, p) for p in range(5)]


def test_integer_fields_get_integers(tmp_path):
    data = make_experiment_data()
    data["uncertainties"][0] = {"path": "truce.collapse_window_days", "range": [10, 21]}
    exp = load_experiment(write_experiment(tmp_path, data))
    scn = point_scenario(exp, {"truce.collapse_window_days": 13.6})
    assert scn.truce.collapse_window_days == 14


def _check(*files) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", "check", *map(str, files)],
                          check=False, capture_output=True, text=True, timeout=60)


def test_check_validates_experiment_and_scenario_files_together(tmp_path):
    good = _check(*SHIPPED, ROOT / "scenarios" / "syria_2016.yaml")
    assert good.returncode == 0, good.stderr
    assert "sobol design, 4 strategies" in good.stdout and "8 actors" in good.stdout
    data = make_experiment_data()
    data["uncertainties"][0]["path"] = "actors.nusra.spoiler.p_atack"
    bad = _check(write_experiment(tmp_path, data))
    assert bad.returncode == 2
    assert "no field 'p_atack'" in bad.stderr and "Traceback" not in bad.stderr


def test_design_values_are_inside_the_ranges_for_every_kind(tmp_path):
    for kind in ("sobol", "morris", "lhs", "grid"):
        exp = load_experiment(write_experiment(tmp_path, make_experiment_data(kind=kind, n=2)))
        d = design_table(exp.spec)
        assert np.all((d["p_mis"] >= 0.1) & (d["p_mis"] <= 0.9)), kind
