"""The out-of-sample track record: scoring rules by hand, joint parameters, the command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.calibrate_joint import SHARED_KEYS, case_values, joint_fields, load_case
from sim.cli import app
from sim.validation import scoring as sc

CASES = "syria_sep_2016,nagorno_karabakh_oct_2020,colombia_eln_2017"  # two of a year, one short
TINY = ["validate", "--out-of-sample", "--budget", "8", "--worlds", "2", "--cases", CASES]


def point_mass(x: int, length: int) -> np.ndarray:
    """The survival curve of a forecast certain that T = x."""
    return (np.arange(length) < x).astype(float)


# ------------------------------------------------------------------ scoring rules by hand
def test_brier_of_a_certain_and_of_a_hedged_forecast():
    assert sc.brier(1.0, True) == 0.0
    assert sc.brier(1.0, False) == 1.0
    assert sc.brier(0.8, True) == pytest.approx(0.04)
    assert sc.brier(0.8, False) == pytest.approx(0.64)


@pytest.mark.parametrize(("x", "y"), [(3, 7), (7, 3), (5, 5), (0, 9)])
def test_crps_of_a_point_mass_is_the_distance_in_days(x, y):
    assert sc.crps(point_mass(x, 10), y) == pytest.approx(abs(x - y))
    assert sc.crps_samples(np.array([x]), y) == pytest.approx(abs(x - y))


def test_crps_of_two_points_by_hand():
    # X uniform on {0, 2}, y = 1: E|X - y| = 1, E|X - X'| = (0 + 2 + 2 + 0) / 4 = 1 -> 1 - 1/2
    assert sc.crps_samples(np.array([0, 2]), 1) == pytest.approx(0.5)
    # the same forecast as a survival curve: F = 1/2 on days 0 and 1, 1 from day 2; y = 1:
    # (1/2 - 0)^2 + (1/2 - 1)^2 = 1/2
    assert sc.crps(sc.survival_from_days(np.array([0, 2]), np.array([True, True]), 5), 1) \
        == pytest.approx(0.5)


def test_crps_of_a_curve_equals_the_sample_formula_for_whole_days():
    t = np.random.default_rng(3).integers(0, 40, 25)
    curve = sc.survival_from_days(t, np.ones(25, bool), 50)
    assert sc.crps(curve, 17) == pytest.approx(sc.crps_samples(t, 17))


def test_crps_cuts_at_the_length_a_censored_record_allows():
    # a forecast certain of T = 30 against a record holding on day 9 (L = 10): both are "after"
    assert sc.crps(point_mass(30, 10), 10) == 0.0
    assert sc.crps(point_mass(4, 10), 10) == pytest.approx(6.0)


def test_log_score_of_the_interval_the_record_pins():
    curve = np.array([1.0] * 7 + [0.5] * 23 + [0.2] * 71)  # S(7) = 0.5, S(30) = 0.2
    assert sc.log_score(curve, {7: True, 30: False}) == pytest.approx(-math.log(0.5 - 0.2))
    assert sc.log_score(curve, {7: False}) == pytest.approx(-math.log(1.0 - 0.5))
    assert sc.log_score(curve, {7: True, 30: True, 90: None}) == pytest.approx(-math.log(0.2))
    assert sc.log_score(point_mass(3, 40), {30: True}) == pytest.approx(-math.log(sc.FLOOR))


def test_kaplan_meier_by_hand():
    # breakdowns on days 2 and 4, one truce still holding on day 4: S = 1, 2/3 from day 2,
    # then 2/3 * (1 - 1/2) = 1/3 from day 4 (two at risk on day 4, one breaks down)
    s = sc.kaplan_meier(np.array([2, 4, 4]), np.array([True, True, False]), 6)
    assert s == pytest.approx([1, 1, 2 / 3, 2 / 3, 1 / 3, 1 / 3])


def test_bootstrap_interval_of_a_constant_is_the_constant():
    lo, hi = sc.bootstrap_interval(np.full(5, 0.3), np.random.default_rng(0))
    assert lo == pytest.approx(0.3) and hi == pytest.approx(0.3)


# ------------------------------------------------------------------ joint parameters
def test_a_shared_key_gives_one_value_to_every_party_of_every_case():
    cases = [load_case(c) for c in ("syria_sep_2016", "colombia_eln_2017")]
    fields = joint_fields(cases)
    shared = [r.path for r in fields if r.path in SHARED_KEYS]
    own = [r.path for r in fields if r.path not in SHARED_KEYS]
    assert shared and own and all(":" in p for p in own)
    joint = pd.DataFrame({r.path: [0.123 + 0.01 * i] for i, r in enumerate(fields)})
    key = "actors.*.behaviour.reciprocity"
    for case in cases:
        values = case_values(case, joint)
        mine = [r.path for r in case.fields if r.key == key]
        assert len(mine) >= 2 and set(values[mine].iloc[0]) == {joint[key].iloc[0]}


# ------------------------------------------------------------------ the command
@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("oos") / "run"
    res = CliRunner().invoke(app, [*TINY, "--out", str(out)])
    return out, res


def test_the_command_writes_per_case_and_overall_rows(tiny_run):
    out, res = tiny_run
    assert res.exit_code == 0, res.output
    table = pd.read_parquet(out / "results.parquet")
    assert list(table["case"]) == [*sorted(CASES.split(",")), "overall"]
    cases = table[table["case"] != "overall"]
    for col in ("model_brier", "design_brier", "base_brier", "model_log", "model_crps",
                "base_crps", "model_survival_d30", "model_survival_d30_lo"):
        assert cases[col].notna().all(), col
    total = table[table["case"] == "overall"].iloc[0]
    assert total["skill_vs_base_crps"] == pytest.approx(
        (cases["base_crps"] - cases["model_crps"]).mean())
    assert sorted(p.stem for p in (out / "cases").glob("*.json")) == sorted(CASES.split(","))
    assert json.loads((out / "results.json").read_text())["overall"]["n_cases"] == 3


def test_the_same_run_resumes_without_recomputing(tiny_run):
    out, _ = tiny_run
    before = (out / "cases" / "syria_sep_2016.json").read_text()
    res = CliRunner().invoke(app, [*TINY, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "3 of 3 cases already done" in res.output
    assert (out / "cases" / "syria_sep_2016.json").read_text() == before


def test_a_folder_of_another_run_is_refused_untouched(tiny_run):
    out, _ = tiny_run
    files = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    res = CliRunner().invoke(app, [*TINY, "--seed", "5", "--out", str(out)])
    assert res.exit_code == 2
    assert "manifest.json: config.seed is 0 there, 5 in this run" in res.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == files


@pytest.mark.parametrize(("args", "message"), [
    (["--cases", "syria_sep_2016,atlantis_2030"], "--cases: no case 'atlantis_2030'"),
    (["--budget", "4"], "--budget 4: expected at least 8"),
    (["--cases", "yemen_2022"], "expected at least 2"),
])
def test_bad_input_is_located_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "never"
    res = CliRunner().invoke(app, ["validate", "--out-of-sample", *args, "--out", str(out)])
    assert res.exit_code == 2 and message in res.output
    assert not out.exists()


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    res = CliRunner().invoke(app, [*TINY, "--out", str(tmp_path)])
    assert res.exit_code == 2 and "holds files but no manifest.json" in res.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_forecast_certain_of_what_happened_scores_zero_on_every_rule():
    from sim.validation.out_of_sample import scores  # noqa: PLC0415  one test

    held = load_case("colombia_eln_2017")  # held to its expiry on day 100 (horizon 101)
    broke = load_case("syria_sep_2016")  # broke down on day 7
    for case, curve in ((held, np.ones(102)), (broke, point_mass(7, 366))):
        got = scores(curve, case)
        assert (got["brier"], got["log"], got["crps"]) == (0.0, 0.0, 0.0), case.id
    # one day late on the breakdown: CRPS 1 day; day 7's Brier is 1 (it "held" on day 7)
    late = scores(point_mass(8, 366), broke)
    assert late["crps"] == 1.0 and late["brier_d7"] == 1.0


def test_the_validation_page_quotes_the_stored_track_record():
    from sim.validation.oos_report import BEGIN, PAGE, RESULTS, section  # noqa: PLC0415

    root = Path(__file__).resolve().parents[1]
    page = (root / PAGE).read_text()
    data = json.loads((root / RESULTS).read_text())
    assert BEGIN in page and section(data) in page, \
        "run `python -m sim.validation.oos_report OUT` after `trucesim validate --out-of-sample`"


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "results.txt"
    target.write_text("mine")
    res = CliRunner().invoke(app, [*TINY, "--out", str(target)])
    assert res.exit_code == 2 and "is a file; expected a folder" in res.output
    assert target.read_text() == "mine"
