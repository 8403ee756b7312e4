"""The command line, run as a user runs it: ``python -m sim`` and the ``trucesim`` script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.factories import dump_yaml, make_busy_scenario, make_scenario_data, write_scenario

TRUCESIM = Path(sys.executable).parent / "trucesim"
WORLDS = "50"
# wide, so rich does not wrap; no TRUCESIM_DEBUG, so errors are the user's messages
ENV = {k: v for k, v in os.environ.items() if k != "TRUCESIM_DEBUG"} | {"COLUMNS": "120"}


def trucesim(*args: str, script: bool = False, timeout: int = 600) -> subprocess.CompletedProcess:
    cmd = [str(TRUCESIM)] if script else [sys.executable, "-m", "sim"]
    # the timeout only stops a hung command; it is no speed check (a loaded machine took ~60 s)
    return subprocess.run([*cmd, *map(str, args)], check=False, capture_output=True, text=True,
                          timeout=timeout, env=ENV)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    data = make_busy_scenario(horizon=90).model_dump(mode="json")
    return write_scenario(tmp_path_factory.mktemp("cli"), dump_yaml(data), "busy.yaml")


@pytest.fixture(scope="module")
def bad_scenario(tmp_path_factory) -> Path:
    data = make_scenario_data()
    data["information"] = {"p_detct": 0.5}
    return write_scenario(tmp_path_factory.mktemp("cli"), data, "bad.yaml")


def test_run_prints_survival_table_and_median(scenario):
    done = trucesim("run", scenario, "--worlds", WORLDS, "--seed", "1")
    assert done.returncode == 0, done.stderr
    assert "Truce survival" in done.stdout
    assert "median survival:" in done.stdout
    assert "beyond horizon" in done.stdout  # day 180 and 365 of a 90-day run


def test_run_json_summary(scenario):
    done = trucesim("run", scenario, "--worlds", WORLDS, "--format", "json")
    summary = json.loads(done.stdout)
    assert {"survival", "median_survival_days", "collapsed", "causes"} <= summary.keys()
    assert summary["worlds"] == int(WORLDS)
    assert summary["survival"]["180"] is None


def test_same_seed_same_output(scenario):
    first = trucesim("run", scenario, "--worlds", WORLDS, "--seed", "3")
    again = trucesim("run", scenario, "--worlds", WORLDS, "--seed", "3")
    assert first.returncode == 0
    assert first.stdout == again.stdout


def test_threads_do_not_change_the_results(scenario):
    # 600 worlds: two shares of at least sim.kernel.MIN_SHARE (256) worlds, so two threads run
    runs = [trucesim("run", scenario, "--worlds", "600", "--days", "30", "--seed", "2",
                     "--format", "json", "--threads", n, timeout=300) for n in ("1", "2")]
    assert all(r.returncode == 0 for r in runs), runs[1].stderr
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)
    cmp = [trucesim("compare", scenario, "--worlds", "600", "--days", "30", "--format", "json",
                    "--workers", "1", "--strategies", "monitoring", "--threads", n,
                    timeout=300) for n in ("1", "2")]
    assert all(r.returncode == 0 for r in cmp), cmp[1].stderr
    assert json.loads(cmp[0].stdout) == json.loads(cmp[1].stdout)


def test_negative_threads_exit_2(scenario):
    done = trucesim("run", scenario, "--worlds", WORLDS, "--threads", "-1")
    assert done.returncode == 2
    assert "--threads" in done.stderr and "Traceback" not in done.stderr


def test_run_writes_result_files(scenario, tmp_path):
    out = tmp_path / "out"
    done = trucesim("run", scenario, "--worlds", WORLDS, "--seed", "2", "--format", "json",
                    "--out", out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "daily.csv", "daily.parquet", "summary.json", "worlds.parquet"]
    worlds = pd.read_parquet(out / "worlds.parquet")
    daily = pd.read_parquet(out / "daily.parquet")
    assert len(worlds) == int(WORLDS) and (worlds["seed"] == 2).all()
    assert len(daily) == 90 == len(pd.read_csv(out / "daily.csv"))
    assert json.loads((out / "summary.json").read_text()) == json.loads(done.stdout)


def test_check_good_files(scenario):
    done = trucesim("check", scenario, scenario)
    assert done.returncode == 0
    assert done.stdout.count(": ok (6 actors, 2 strategies)") == 2


def test_check_bad_file(bad_scenario):
    done = trucesim("check", bad_scenario)
    assert done.returncode == 2
    line = bad_scenario.read_text().splitlines().index("  p_detct: 0.5") + 1
    assert f"{bad_scenario}:{line}: information.p_detct:" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_schema_is_json_schema():
    done = trucesim("schema")
    schema = json.loads(done.stdout)
    assert {"meta", "actors"} <= schema["properties"].keys()


@pytest.mark.parametrize("command", ["run", "check", "schema"])
def test_every_command_help_has_an_example(command):
    done = trucesim(command, "--help")
    assert done.returncode == 0
    assert "Example" in done.stdout


def test_bad_set_exits_2(scenario):
    done = trucesim("run", scenario, "--worlds", WORLDS, "--set", "actors.ghost.capability=1")
    assert done.returncode == 2
    assert "--set: actors.ghost.capability: no field 'ghost'" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_set_value_exits_2(scenario):
    done = trucesim("run", scenario, "--worlds", WORLDS, "--set", "information.p_detect=2")
    assert done.returncode == 2
    assert "information.p_detect: got 2; Input should be less than or equal to 1" in done.stderr


def test_console_script(scenario):
    done = trucesim("run", scenario, "--worlds", WORLDS, "--format", "json", script=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["worlds"] == int(WORLDS)
