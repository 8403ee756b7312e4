"""Sweeps: same results whatever the workers or chunking; resume; damaged parts; the store."""

from __future__ import annotations

import errno
import json

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.runner import run
from sim.sweep import Store, StoreError, load_experiment, sweep
from sim.sweep.design import design_table
from sim.sweep.experiment import point_scenario
from tests.sweep_factories import make_experiment_data, tables, write_experiment

# 4 LHS points x 2 strategies x 50 worlds x 20 days: each task ~0.05 s of CPU
POINTS, STRATEGIES = 4, 2


@pytest.fixture(scope="module")
def exp_file(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("exp"), make_experiment_data(n=POINTS))


@pytest.fixture(scope="module")
def reference(exp_file, tmp_path_factory):
    """An uninterrupted sweep in this process, one point per part."""
    out = tmp_path_factory.mktemp("ref") / "out"
    sweep(load_experiment(exp_file), out, workers=1, points_per_part=1)
    return tables(out)


def test_one_row_per_point_and_strategy(reference):
    assert len(reference) == POINTS * STRATEGIES
    assert list(reference["strategy"].unique()) == ["baseline", "monitoring"]
    for col in ("survival_10", "survival_20", "share_collapsed", "share_agreement"):
        assert reference[col].between(0, 1).all(), col
    assert (reference["worlds"] == 50).all()
    assert reference["rmst_days"].between(0, 20).all()


def test_outcomes_equal_a_plain_run_of_the_same_point(exp_file, reference):
    exp = load_experiment(exp_file)
    row = reference.iloc[3]  # point 1, monitoring
    point = design_table(exp.spec).iloc[int(row["point"])]
    scn = point_scenario(exp, {"actors.nusra.spoiler.p_attack": point["nusra_p_attack"],
                               "information.p_misattribution": point["p_mis"]})
    res = run(scn, row["strategy"], worlds=50, seed=int(point["seed"]), days=20)
    assert row["seed"] == point["seed"]
    assert row["rmst_days"] == res.worlds["survival_days"].mean()
    assert row["share_collapsed"] == res.summary["collapsed"]["share"]
    t, collapsed = res.worlds["survival_days"], res.worlds["is_collapsed"]
    assert row["survival_10"] == ((t > 10) | ~collapsed).mean()
    assert row["median_survival_days"] == (res.summary["median_survival_days"] or float("nan")) \
        or pd.isna(row["median_survival_days"])


def test_strategies_at_a_point_share_worlds(reference):
    """Common random numbers: both strategies at a point use the point's seed."""
    seeds = reference.pivot(index="point", columns="strategy", values="seed")
    assert (seeds["baseline"] == seeds["monitoring"]).all()
    assert seeds["baseline"].nunique() == POINTS


def test_same_results_with_two_workers_and_other_chunking(exp_file, reference, tmp_path):
    out = tmp_path / "two"
    result = sweep(load_experiment(exp_file), out, workers=2, points_per_part=3)
    assert result.parts_run == 2
    pd.testing.assert_frame_equal(tables(out), reference)


def test_a_finished_sweep_reruns_nothing(exp_file, reference, tmp_path):
    out = tmp_path / "o"
    exp = load_experiment(exp_file)
    sweep(exp, out, points_per_part=1)
    again = sweep(exp, out)
    assert (again.parts_run, again.parts_skipped) == (0, POINTS)
    pd.testing.assert_frame_equal(tables(out), reference)


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "unrecorded"])
def test_a_damaged_or_missing_part_is_redone(exp_file, reference, tmp_path, damage):
    out = tmp_path / "o"
    exp = load_experiment(exp_file)
    sweep(exp, out, points_per_part=1)
    part = Store(out).part_path(2)
    raw = part.read_bytes()
    if damage == "truncate":
        part.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":  # same size, one byte changed: only the checksum sees it
        part.write_bytes(raw[:100] + bytes([raw[100] ^ 0xFF]) + raw[101:])
    elif damage == "delete":
        part.unlink()
    else:  # written, but the crash came before the manifest recorded it
        m = json.loads((out / "manifest.json").read_text())
        del m["parts"]["parts"]["2"]
        m["complete"] = False
        (out / "manifest.json").write_text(json.dumps(m))
    again = sweep(exp, out)
    assert (again.parts_run, again.parts_skipped) == (1, POINTS - 1)
    pd.testing.assert_frame_equal(tables(out), reference)
    assert part.read_bytes() == raw  # the redone part is byte-identical


def test_manifest_records_hashes_version_and_seeds(exp_file, tmp_path):
    exp = load_experiment(exp_file)
    result = sweep(exp, tmp_path / "o", points_per_part=2)
    m = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert m["experiment"]["sha256"] == exp.sha256 and len(exp.sha256) == 64
    assert m["trucesim_version"] and m["root_seed"] == 7 and m["complete"]
    assert m["n_parts"] == 2 and set(m["parts"]["parts"]) == {"0", "1"}
    assert result.manifest == m


def test_a_changed_experiment_file_is_refused_unless_forced(exp_file, tmp_path):
    out = tmp_path / "o"
    sweep(load_experiment(exp_file), out, points_per_part=2)
    changed = write_experiment(tmp_path, make_experiment_data(n=POINTS, worlds=60))
    with pytest.raises(StoreError, match="different version of the experiment file.*--force"):
        sweep(load_experiment(changed), out)
    forced = sweep(load_experiment(changed), out, force=True)
    assert forced.parts_run == 2 and (tables(out)["worlds"] == 60).all()


def test_duckdb_reads_the_parts(exp_file, reference, tmp_path):
    out = tmp_path / "o"
    sweep(load_experiment(exp_file), out, points_per_part=2)
    got = duckdb.sql(f"select strategy, count(*) as n, avg(rmst_days) as rmst from "
                     f"'{out}/parts/*.parquet' group by strategy order by strategy").df()
    assert got["n"].tolist() == [POINTS, POINTS]
    want = reference.groupby("strategy")["rmst_days"].mean()
    assert got["rmst"].tolist() == pytest.approx(want.tolist(), rel=1e-12)


def test_results_carry_each_points_parameter_values(exp_file, reference, tmp_path):
    out = tmp_path / "o"
    sweep(load_experiment(exp_file), out, points_per_part=3)
    store = Store(out)
    got, design = store.results(), design_table(load_experiment(exp_file).spec)
    assert got.columns[:3].tolist() == ["point", "nusra_p_attack", "p_mis"]
    pd.testing.assert_frame_equal(got.drop(columns=["nusra_p_attack", "p_mis"]), reference)
    for _, row in got.iterrows():
        point = design.iloc[int(row["point"])]
        assert (row["nusra_p_attack"], row["p_mis"]) == (point["nusra_p_attack"], point["p_mis"])


def test_keep_worlds_stores_world_rows_that_agree_with_the_summary(exp_file, reference,
                                                                    tmp_path):
    out = tmp_path / "o"
    sweep(load_experiment(exp_file), out, points_per_part=2, keep_worlds=True)
    worlds = Store(out).table("worlds")
    assert len(worlds) == POINTS * STRATEGIES * 50
    rmst = worlds.groupby(["point", "strategy_index"])["survival_days"].mean().to_numpy()
    assert rmst.tolist() == reference["rmst_days"].tolist()
    with pytest.raises(StoreError, match="keep-worlds"):
        sweep(load_experiment(exp_file), out)


# ---- the command line --------------------------------------------------------------------------

def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_sweep_then_rerun(exp_file, reference, tmp_path):
    out = tmp_path / "o"
    first = invoke("sweep", exp_file, "--workers", "1", "--out", out, "--points-per-part", "1")
    assert first.exit_code == 0, first.output
    assert "4 parts run, 0 already done" in first.output
    second = invoke("sweep", exp_file, "--workers", "1", "--out", out)
    assert "0 parts run, 4 already done" in second.output
    pd.testing.assert_frame_equal(tables(out), reference)


def test_full_disk_is_reported_and_the_sweep_resumes(exp_file, reference, tmp_path,
                                                     monkeypatch):
    out = tmp_path / "o"
    real = Store.write_part
    calls = []

    def full_after_two(self, index, table, kind="parts"):
        calls.append(index)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, index, table, kind)

    monkeypatch.setattr(Store, "write_part", full_after_two)
    res = invoke("sweep", exp_file, "--workers", "1", "--out", out, "--points-per-part", "1")
    assert res.exit_code == 2
    assert "No space left on device" in res.output and "run the same command again" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    monkeypatch.setattr(Store, "write_part", real)
    again = invoke("sweep", exp_file, "--workers", "1", "--out", out)
    assert "2 parts run, 2 already done" in again.output
    pd.testing.assert_frame_equal(tables(out), reference)


def test_an_output_path_that_is_a_file_is_a_clear_error(exp_file, tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    res = invoke("sweep", exp_file, "--workers", "1", "--out", target)
    assert res.exit_code == 2 and "cannot write results" in res.output
    assert "Traceback" not in res.output


def test_cli_refuses_a_changed_experiment_with_exit_2(exp_file, tmp_path):
    out = tmp_path / "o"
    invoke("sweep", exp_file, "--workers", "1", "--out", out)
    changed = write_experiment(tmp_path, make_experiment_data(n=POINTS, seed=8))
    res = invoke("sweep", changed, "--workers", "1", "--out", out)
    assert res.exit_code == 2 and "use a new --out, or --force" in res.output


def test_scheduler_without_dask_is_an_error(exp_file):
    res = invoke("sweep", exp_file, "--scheduler", "tcp://127.0.0.1:1")
    assert res.exit_code == 2 and "--executor dask" in res.output


def test_a_point_that_breaks_a_cross_field_rule_is_refused_before_running(tmp_path):
    # collapse_violent_days is 10 in the Syria scenario and may not exceed collapse_window_days
    data = make_experiment_data(kind="grid")
    data["uncertainties"] = [
        {"path": "truce.collapse_window_days", "values": [10, 14]},
        {"path": "truce.collapse_violent_days", "values": [10, 12]},
    ]
    exp = load_experiment(write_experiment(tmp_path, data))  # each value alone is valid
    res = invoke("sweep", exp.file, "--workers", "1", "--out", tmp_path / "o")
    assert res.exit_code == 2
    assert "point 1:" in res.output and "truce.collapse_window_days=10" in res.output
    assert "cannot exceed" in res.output
    assert not (tmp_path / "o").exists()
