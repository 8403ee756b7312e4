"""`trucesim compare`: strategies on the same worlds, the analysis, the report and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.analysis import compare_table
from sim.report import analyse, write_report
from sim.runner import compare

ROOT = Path(__file__).resolve().parents[1]
LAKELAND = ROOT / "scenarios" / "lakeland_teaching.yaml"
ENV = {k: v for k, v in os.environ.items() if k != "TRUCESIM_DEBUG"} | {"COLUMNS": "200"}
REPORT_FILES = ("summary.csv", "summary.json", "survival.png", "report.md", "report.html")


def trucesim(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, timeout=120, env=ENV, check=False, cwd=ROOT)


@pytest.fixture(scope="module")
def lakeland():
    return sim.load(LAKELAND)


@pytest.fixture(scope="module")
def lakeland_2000(lakeland):
    return compare(lakeland, ["baseline", "monitors"], worlds=2000, seed=1)


def lakeland_strategies() -> list[str]:
    return list(sim.load(LAKELAND).strategies)


@pytest.fixture(scope="module")
def report_dir(lakeland, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report(analyse(compare(lakeland, worlds=300, seed=4), lakeland), out)
    return out


# ---- statistics on simulated worlds ----------------------------------------------------------

def test_monitors_lower_the_hazard_with_ci_excluding_one(lakeland_2000, lakeland):
    # Power: at 2,000 worlds lakeland's baseline collapses in ~45% of worlds (d0 ~ 900 events)
    # and monitors in ~0.5% (d1 ~ 10). SE(log HR) ~ sqrt(1/d0 + 1/d1) ~ sqrt(1/900 + 1/10)
    # ~ 0.32, so the upper 95% limit is below 1 once the true HR is below exp(-1.96 * 0.32)
    # ~ 0.53; the observed HR ~ 0.01 (log ~ -4.7) is about 14 standard errors from 1.
    row = analyse(lakeland_2000, lakeland).table.set_index("strategy").loc["monitors"]
    assert row["hr"] < 1 and row["hr_hi"] < 1
    assert row["p_holm"] < 0.001 and row["gain_180_pp_lo"] > 0 and row["rmst_gain_lo"] > 0


def test_same_worlds_under_two_names_give_hazard_ratio_one(lakeland_2000):
    base = lakeland_2000.runs["baseline"].worlds
    worlds = pd.concat([base, base.assign(strategy="twin")], ignore_index=True)
    row = compare_table(worlds, lakeland_2000.horizon).set_index("strategy").loc["twin"]
    assert row["hr"] == pytest.approx(1.0, abs=1e-6) and row["hr_lo"] < 1 < row["hr_hi"]
    assert row["p_logrank"] == pytest.approx(1.0) and row["rmst_gain_days"] == 0


def test_summary_agrees_with_run_summaries(lakeland_2000, lakeland):
    table = analyse(lakeland_2000, lakeland).table.set_index("strategy")
    for name, run in lakeland_2000.runs.items():
        assert table.loc[name, "surv_90"] == pytest.approx(run.summary["survival"]["90"]["share"])
        assert table.loc[name, "share_collapsed"] == pytest.approx(
            run.summary["collapsed"]["share"])


# ---- report files -----------------------------------------------------------------------------

def test_report_files_exist_and_parse(report_dir):
    assert all((report_dir / f).stat().st_size > 0 for f in REPORT_FILES)
    csv = pd.read_csv(report_dir / "summary.csv")
    assert csv["strategy"].tolist() == list(lakeland_strategies())
    assert json.loads((report_dir / "summary.json").read_text())["horizon_days"] == 240
    assert (report_dir / "survival.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (report_dir / "report.html").read_text()
    assert '<table class="summary">' in page and "<td>monitors</td>" in page
    assert "data:image/png;base64," in page and "<script" not in page and '="http' not in page
    assert not list(report_dir.glob(".*.tmp"))  # atomic writes left nothing behind


def test_json_figures_match_the_csv(report_dir):
    csv = pd.read_csv(report_dir / "summary.csv")
    results = json.loads((report_dir / "summary.json").read_text())["results"]
    assert list(results[0]) == list(csv.columns)
    for rec, (_, row) in zip(results, csv.iterrows(), strict=True):
        for col, value in rec.items():
            if value is None:
                assert pd.isna(row[col]), col
            elif isinstance(value, float):
                assert row[col] == pytest.approx(value, rel=1e-12), col
            else:
                assert row[col] == value, col


def test_memo_covers_what_a_teacher_needs(report_dir):
    memo = (report_dir / "report.md").read_text()
    for heading in ("What was compared", "What helps, and by how much", "How sure we are",
                    "What none of the options achieves", "Caveats"):
        assert f"## {heading}" in memo
    assert "A Council monitoring mission from day 10" in memo  # the strategy's description
    assert "hazard ratio" in memo and "Holm" in memo and "not a forecast" in memo
    assert "![" in memo and "| monitors |" in memo


def test_short_horizon_report_says_beyond_horizon(lakeland, tmp_path):
    cmp = analyse(compare(lakeland, worlds=100, seed=2, days=60), lakeland)
    write_report(cmp, tmp_path)
    assert "beyond horizon" in (tmp_path / "report.md").read_text()
    assert json.loads((tmp_path / "summary.json").read_text())["results"][1]["gain_90_pp"] is None


def test_a_failed_report_write_leaves_the_folder_as_it_was(lakeland, tmp_path, monkeypatch):
    cmp = analyse(compare(lakeland, worlds=50, seed=2, days=30), lakeland)
    (tmp_path / "summary.csv").write_text("old\n")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sim.report.to_html", full_disk)  # the last file fails
    with pytest.raises(OSError):
        write_report(cmp, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]  # no partial set
    assert (tmp_path / "summary.csv").read_text() == "old\n"  # nor temporary files


# ---- command line -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    args = [LAKELAND, "--worlds", "200", "--seed", "5"]
    return [(trucesim("compare", *args, "--out", base / d), base / d) for d in ("a", "b")]


def test_cli_compare_prints_table_and_writes_report(cli_runs):
    done, out = cli_runs[0]
    assert done.returncode == 0, done.stderr
    assert "Share holding at days 90 and 180" in done.stdout and "monitors" in done.stdout
    assert all((out / f).exists() for f in REPORT_FILES)


def test_cli_same_seed_gives_identical_summary_bytes(cli_runs):
    (_, a), (_, b) = cli_runs
    for name in REPORT_FILES:  # the PNG too: no version or date in its metadata
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_cli_unknown_strategy_exits_2_listing_known_ones():
    done = trucesim("compare", LAKELAND, "--strategies", "monitors,drones", "--worlds", "10")
    assert done.returncode == 2
    assert "no strategy 'drones'" in done.stderr
    assert "baseline, monitors, guaranteed_deal" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_cli_json_format_includes_baseline_and_all(tmp_path):
    done = trucesim("compare", LAKELAND, "--strategies", "monitors", "--worlds", "50",
                    "--days", "30", "--format", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert [r["strategy"] for r in summary["results"]] == ["baseline", "monitors"]
    assert summary["horizon_days"] == 30 and summary["worlds"] == 50
    assert summary["results"][0]["hr"] is None  # the reference has no ratio against itself
