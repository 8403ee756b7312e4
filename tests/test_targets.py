"""Targets (issue 17): the record's facts as bands on named statistics, evaluated on a run as the
share of worlds meeting each; bad targets are located errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import calibration
from sim.cli import app
from sim.priors_schema import RUN_STATISTICS, Statistic
from sim.runner import run
from sim.scenario import ScenarioError, load
from sim.targets import WORLD_STATISTICS, evaluate, from_record, in_band, met_by_world
from tests.test_schema_errors import BASE, line_of, make_file

ROOT = Path(__file__).resolve().parents[1]
RECORDS = sorted((ROOT / "scenarios/cases/targets").glob("*.yaml"))


def make_worlds(**cols) -> pd.DataFrame:
    """A world table with the columns the world statistics read (never, unless given)."""
    n = len(next(iter(cols.values())))
    base = {c: np.full(n, -1) for c in ("day_first_walkout", "day_first_trouble", "day_collapse")}
    base |= {c: np.zeros(n) for c in ("days_in_trouble", "n_walkouts", "talks_progress")}
    base["survival_days"] = np.full(n, 365)
    return pd.DataFrame(base | {k: np.asarray(v) for k, v in cols.items()})


def target(**kw) -> dict:
    return {"id": "t", "statement": "a fact", "statistic": "survival_days", "band": [31, None],
            "source": "seeds/x.md#y"} | kw


def test_every_statistic_is_defined_once():
    assert set(WORLD_STATISTICS) | RUN_STATISTICS == set(Statistic)
    assert not set(WORLD_STATISTICS) & RUN_STATISTICS


def test_bands_are_inclusive_open_ended_and_never_met_by_nan():
    x = np.array([np.nan, 44, 45, 60, 61])
    assert in_band(x, (45, 60)).tolist() == [False, False, True, True, False]
    assert in_band(x, (None, 45)).tolist() == [False, True, True, False, False]
    assert in_band(x, (60, None)).tolist() == [False, False, False, True, True]


def test_never_is_not_a_day():
    worlds = make_worlds(day_first_walkout=[-1, 50, 70], day_first_trouble=[-1, 60, 10],
                         day_collapse=[40, -1, 30])
    from sim.scenario import validate

    scn = validate(load_base_with_targets([
        target(id="walkout", statistic="day_first_walkout", band=[45, 60]),
        target(id="trouble", statistic="day_trouble_or_collapse", band=[0, 55])]))
    met = met_by_world(worlds, scn.targets)
    assert met["walkout"].tolist() == [False, True, False]
    assert met["trouble"].tolist() == [True, False, True]  # collapse on day 40 counts, no trouble


def load_base_with_targets(targets: list[dict]) -> dict:
    from sim.scenario import parse_yaml

    data = parse_yaml(BASE, "base")[1]
    return data | {"targets": targets}


def test_syria_targets_evaluate_to_the_share_of_worlds_meeting_them():
    scn = load("syria_2016")
    result = run(scn, worlds=200, seed=5)
    table = evaluate(result, scn.targets).set_index("id")
    w = result.worlds
    walked = w["day_first_walkout"].between(45, 60)
    assert table.loc["walkout_days_45_60", "share_met"] == walked.mean()
    assert table.loc["holds_day_30", "share_met"] == (w["survival_days"] >= 31).mean()
    figures = calibration.measure(result)
    assert table.loc["median_survival_days", "figure"] == figures["median_survival_days"]
    lo, hi = table.loc["walkout_days_45_60", ["ci95_low", "ci95_high"]]
    assert lo <= walked.mean() <= hi


def test_syria_run_targets_are_the_bands_of_sim_calibration():
    by_name = {t.id: t for t in load("syria_2016").targets if t.statistic in RUN_STATISTICS}
    assert {n: (t.low, t.high) for n, t in ((t.name, t) for t in calibration.TARGETS)} == \
        {n: tuple(t.band) for n, t in by_name.items()}


def test_a_share_band_says_whether_the_run_agrees():
    worlds = make_worlds(survival_days=[10, 100, 200, 365])
    from sim.runner import RunResult
    from sim.scenario import validate

    scn = validate(load_base_with_targets([target(share=[0.7, 0.8]),
                                           target(id="u", share=[0.5, 1.0])]))
    table = evaluate(RunResult(worlds, pd.DataFrame(), {}), scn.targets)
    assert table["share_met"].tolist() == [0.75, 0.75] and table["agrees"].tolist() == [True, True]


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_each_case_record_becomes_survival_targets(record):
    targets = from_record(record, horizon=365)
    assert targets and all(t.statistic is Statistic.SURVIVAL_DAYS for t in targets)
    assert all(t.band[0] is not None or t.band[1] is not None for t in targets)


@pytest.mark.parametrize("text", ["case: x\n", "held_at_day: {soon: true}\n",
                                  "held_at_day: {'7': maybe}\n"])
def test_a_file_that_is_not_a_record_is_refused(tmp_path, text):
    with pytest.raises(ScenarioError, match="held_at_day"):
        from_record(make_file(tmp_path, text))


# ------------------------------------------------------------------ located errors, one each
@pytest.mark.parametrize("fields, field, words", [
    ("statistic: share_of_violence", "statistic", ("'day_first_walkout'",)),
    ("band: [60, 45]", "", ("band low (60.0) is above high (45.0)",)),
    ("band: [null, null]", "", ("at least one end",)),
    ("band: [400, null]", "band.0", ("must start by horizon_days",)),
    ("statistic: median_survival_days\n    share: [0.1, 0.9]", "", ("figure of the whole run",)),
    ("share: [0.5, 1.5]", "", ("within 0..1",)),
])
def test_bad_targets_are_located(tmp_path, fields, field, words):
    text = BASE.replace("horizon_days: 60", "horizon_days: 365") + (
        "targets:\n  - id: bad\n    statement: a fact\n    source: seeds/x.md#y\n"
        "    statistic: survival_days\n    band: [31, null]\n")
    for line in fields.split("\n    "):
        key = line.split(":")[0]
        text = text.replace(next(x for x in text.splitlines() if x.strip().startswith(key + ":")),
                            "    " + line) if f"    {key}:" in text else text + f"    {line}\n"
    file = make_file(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load(file)
    [p] = exc.value.problems
    assert p.path == "targets.bad" + (f".{field}" if field else ""), str(p)  # items by id
    needle = field.split(".")[0] + ":" if field else "- id: bad"
    assert p.line == line_of(text, needle)
    assert all(w in p.expected for w in words), p.expected
    done = CliRunner().invoke(app, ["check", str(file)])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert f"{file}:{p.line}:" in done.output


def test_duplicate_target_ids(tmp_path):
    one = "  - {id: same, statement: a, statistic: n_walkouts, band: [1, null], source: s}\n"
    text = BASE + "targets:\n" + one + one
    with pytest.raises(ScenarioError) as exc:
        load(make_file(tmp_path, text))
    [p] = exc.value.problems
    assert (p.path, p.line) == ("targets.same.id", line_of(text, "id: same", 2))


# --------------------------------------------------------------------------- trucesim run
def test_run_checks_the_targets_and_writes_them(tmp_path):
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["run", "syria_2016", "--worlds", "50", "--seed", "2",
                                    "--targets", "--out", str(out)], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert "Targets (the record)" in done.stdout and "walkout_days_45_60" in done.stdout
    table = pd.read_csv(out / "targets.csv")
    assert table["id"].tolist() == [t.id for t in load("syria_2016").targets]


def test_run_targets_in_json_and_short_runs_give_no_run_figures():
    done = CliRunner().invoke(app, ["run", "syria_2016", "--worlds", "20", "--days", "60",
                                    "--targets", "--format", "json"])
    assert done.exit_code == 0, done.output
    import json

    rows = {r["id"]: r for r in json.loads(done.stdout)["targets"]}
    assert rows["median_survival_days"]["figure"] is None  # needs more than 180 days
    assert rows["median_survival_days"]["agrees"] is False
    assert 0 <= rows["holds_day_30"]["share_met"] <= 1


def test_run_refuses_targets_when_the_scenario_has_none(tmp_path):
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["run", "two_party", "--worlds", "8", "--targets",
                                    "--out", str(out)])
    assert done.exit_code == 2 and "states no targets" in done.output and not out.exists()
