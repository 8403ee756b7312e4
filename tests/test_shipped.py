"""Shipped scenarios and experiments by name (sim/shipped.py), the commands and the Python API
that take them, and the version; all run from a folder outside the repository."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.scenario import ScenarioError, find, load
from sim.shipped import (
    EXPERIMENTS,
    NOT_NAMED,
    NotShipped,
    catalogue,
    folder,
    names,
    path_of,
    resolve,
)
from tests.sweep_factories import make_experiment_data, write_experiment

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """The current folder is an empty one outside the repository."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_every_yaml_file_of_the_data_folders_has_a_name():
    for kind in ("scenarios", "experiments"):
        files = sorted(p for p in (ROOT / kind).rglob("*.yaml")
                       if not NOT_NAMED & set(p.relative_to(ROOT / kind).parts[:-1]))
        assert sorted(path_of(n, kind) for n in names(kind)) == files


def test_the_inputs_of_new_case_are_not_scenario_names():
    cases = ("cases/features/", "cases/targets/")
    assert not [n for n in names("scenarios") if n.startswith(cases)]
    assert "cases/yemen_2022" in names("scenarios")


def test_in_a_checkout_the_folders_are_the_repository_s():
    assert folder("scenarios") == ROOT / "scenarios" and folder("seeds") == ROOT / "seeds"


@pytest.mark.parametrize("spelling", ["syria_2016", "syria_2016.yaml", "scenarios/syria_2016.yaml",
                                      "./scenarios/syria_2016.yaml"])
def test_the_ways_to_name_a_shipped_scenario(elsewhere, spelling):
    assert resolve(spelling) == SYRIA


def test_a_subfolder_s_scenario_is_named_with_its_folder(elsewhere):
    assert resolve("validation/spoilers") == ROOT / "scenarios" / "validation" / "spoilers.yaml"
    with pytest.raises(NotShipped):
        resolve("spoilers")


def test_a_file_that_exists_wins_over_the_shipped_name(elsewhere):
    (elsewhere / "syria_2016").write_text(SYRIA.read_text().replace(
        "name: Syria 2016 cessation of hostilities", "name: my own copy", 1))
    assert load("syria_2016").meta.name == "my own copy"
    assert load("syria_2016.yaml").meta.name == "Syria 2016 cessation of hostilities"


def test_an_unknown_name_is_one_located_problem_listing_the_shipped_names(elsewhere):
    with pytest.raises(ScenarioError) as caught:
        load("syria_2061")
    (problem,) = caught.value.problems
    assert str(problem).startswith("syria_2061: cannot read file: no such file, and no shipped "
                                   "scenario is called 'syria_2061'; expected a path or one of: ")
    assert all(n in problem.expected for n in names())


@pytest.mark.parametrize("command", [["run"], ["compare"], ["story"], ["play"], ["viz"],
                                     ["check"]])
def test_every_scenario_command_refuses_an_unknown_name_with_exit_2(elsewhere, command):
    done = cli(*command, "nowhere_2016")
    assert done.exit_code == 2, done.output
    assert "no shipped scenario is called 'nowhere_2016'" in done.stderr
    assert "syria_2016" in done.stderr and "Traceback" not in done.output


def test_sweep_refuses_an_unknown_experiment_with_the_shipped_ones(elsewhere):
    done = cli("sweep", "nowhere_grid")
    assert done.exit_code == 2
    assert "no shipped experiment is called 'nowhere_grid'" in done.stderr
    assert all(n in done.stderr for n in names(EXPERIMENTS))


def test_commands_take_shipped_names_from_any_folder(elsewhere):
    done = cli("run", "two_party", "--worlds", "64", "--days", "30", "--format", "json")
    assert done.exit_code == 0, done.output
    by_path = cli("run", str(ROOT / "scenarios/two_party.yaml"), "--worlds", "64", "--days", "30",
                  "--format", "json")
    assert done.stdout == by_path.stdout
    checked = cli("check", "syria_2016", "syria_guarantors_grid", "validation/spoilers")
    assert checked.exit_code == 0, checked.output
    assert "syria_guarantors_grid: ok (experiment" in checked.stdout


def test_an_experiment_may_name_a_shipped_base_scenario(elsewhere):
    path = write_experiment(elsewhere, make_experiment_data(scenario="syria_2016"))
    assert sim.sweep.load_experiment(path).scenario_file == str(SYRIA)


def test_an_experiment_s_relative_file_wins_over_a_shipped_name(elsewhere):
    (elsewhere / "syria_2016").write_text(SYRIA.read_text())
    path = write_experiment(elsewhere, make_experiment_data(scenario="syria_2016"))
    assert sim.sweep.load_experiment(path).scenario_file == str(elsewhere / "syria_2016")


def test_an_experiment_with_an_unknown_base_scenario_says_what_would_do(elsewhere):
    path = write_experiment(elsewhere, make_experiment_data(scenario="syria_2061"))
    with pytest.raises(ScenarioError) as caught:
        sim.sweep.load_experiment(path)
    (problem,) = caught.value.problems
    line = 1 + path.read_text().splitlines().index("scenario: syria_2061")
    assert problem.path == "scenario" and problem.line == line
    assert "or a shipped scenario's name (ipd_reduction, " in problem.expected


def test_scenarios_lists_each_shipped_scenario_and_experiment_with_its_name(elsewhere):
    done = cli("scenarios")
    assert done.exit_code == 0
    for name, title in catalogue() + catalogue(EXPERIMENTS):
        assert any(line.split()[:1] == [name] and title in line
                   for line in done.stdout.splitlines()), name
    assert str(SYRIA) in cli("scenarios", "--paths").stdout


def test_the_version_has_one_source():
    assert sim.__version__ == importlib.metadata.version("trucesim")
    done = cli("--version")
    assert done.exit_code == 0 and done.stdout == f"trucesim {sim.__version__}\n"


def test_import_sim_loads_neither_pandas_nor_the_model():
    code = "import sim, sys; print(sorted({'pandas', 'sim.model'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_find_raises_a_scenario_error_for_the_cli_to_print(elsewhere):
    with pytest.raises(ScenarioError):
        find("nowhere", "experiments")
    assert find("syria_guarantors_grid", "experiments").name == "syria_guarantors_grid.yaml"


# the Python API (sim/api.py) by name, against the runner given a path

def test_api_run_by_name_is_the_runner_on_the_file(elsewhere):
    from sim.runner import run

    a = sim.run("two_party", worlds=64, seed=3, days=40)
    b = run(load(ROOT / "scenarios/two_party.yaml"), "baseline", 64, 3, 40)
    assert a.summary == b.summary and a.worlds.equals(b.worlds)


def test_api_load_applies_set_style_overrides(elsewhere):
    assert sim.load("syria_2016", ["information.p_misattribution=0.9"]) \
        .information.p_misattribution == 0.9


def test_api_compare_puts_the_baseline_first_and_plots_one_curve_per_strategy(elsewhere):
    cmp = sim.compare("syria_2016", ["monitoring", "baseline"], worlds=64, seed=1, days=60)
    assert list(cmp.table["strategy"]) == ["baseline", "monitoring"]
    fig = sim.plot_survival(cmp)
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["baseline", "monitoring"] and fig.axes[0].get_xlim() == (0, 60)


def test_api_sweep_runs_an_experiment_into_a_folder(elsewhere):
    path = write_experiment(elsewhere, make_experiment_data(
        kind="grid", n=2, worlds=8, days=10, strategies=["baseline"], scenario="syria_2016",
        uncertainties=[{"path": "information.p_misattribution", "values": [0.1, 0.9]}]))
    result = sim.sweep(path, elsewhere / "out")
    table = result.store.results()
    assert len(table) == 2 and sorted(table["information_p_misattribution"]) == [0.1, 0.9]


def test_api_scenarios_is_a_table_of_names():
    table = sim.scenarios()
    assert list(table.columns) == ["name", "description"] and list(table["name"]) == names()
