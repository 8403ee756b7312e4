"""`benchmarks/run.py --quick` runs every kind of row and writes a valid JSON report.

Not a timed test: the speed targets live in the benchmark (`make bench`), not here.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_writes_every_row_as_json(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out",
                    str(out)], check=True, capture_output=True, text=True, cwd=ROOT)
    report = json.loads(out.read_text())
    kinds = [r["kind"] for r in report["rows"]]
    assert {"batched", "rng_floor", "actors", "per_world", "compare_1"} <= set(kinds)
    assert {"game_on", "game_off"} <= set(kinds)  # issue 19: brokers' decisions, battlefield
    assert report["game_share_of_day"] < 1
    floors = report["floors"]
    assert floors["doubles_per_world_day"] > 0 and floors["random_draws_s"] > 0
    assert floors["left_for_arithmetic_s"] == round(
        floors["budget_s"] - floors["random_draws_s"] - floors["per_day_overhead_s"], 3)
    assert [r["actors"] for r in report["rows"] if r["kind"] == "actors"] == [5, 20]
    for row in report["rows"]:
        if row["kind"] != "sweep":
            assert row["wall_s"] > 0 and row["cpu_s"] > 0 and row["world_days_per_s"] > 0
    assert report["batched_over_per_world"]["wall"] > 1  # batching must beat the loop
    assert report["machine"]["cpus"] >= 1 and report["quick"] is True
    page = tmp_path / "performance.md"
    page.write_text("before\n<!-- make bench: start -->\nold\n<!-- make bench: end -->\nafter\n")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--docs", "--out",
                    str(out), "--docs-file", str(page)], check=True, cwd=ROOT)
    text = page.read_text()
    assert text.startswith("before\n") and text.endswith("after\n") and "old" not in text
    batched = next(r for r in report["rows"] if r["kind"] == "batched")
    assert f"| one batched run, 1 thread | {batched['worlds']:,} |" in text


def test_the_performance_page_has_the_markers_of_its_current_tables():
    text = (ROOT / "docs" / "performance.md").read_text()
    assert "<!-- make bench: start -->" in text and "<!-- make bench: end -->" in text


def test_scaled_scenarios_have_the_asked_number_of_actors(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.pop(0)
    import sim

    for n in (5, 20, 100):
        scn = sim.load(bench.scaled_scenario(n, tmp_path))
        kinds = [a.kind.value for a in scn.actors]
        assert len(kinds) == n and kinds.count("party") == max(2, n // 5)
        assert kinds.count("spoiler") == max(1, n // 5)


def test_sweep_rows_come_from_benchmarks_sweep_when_it_exists(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(bench, "SWEEP", tmp_path / "absent.py")
    assert bench.sweep_rows() == []
    fake = tmp_path / "sweep.py"
    fake.write_text("def measure():\n    return [{'executor': 'local', 'workers': 2,"
                    " 'points_per_s': 3.0, 'scaling': 1.9}]\n")
    monkeypatch.setattr(bench, "SWEEP", fake)
    rows = bench.sweep_rows()
    assert rows == [{"kind": "sweep", "executor": "local", "workers": 2, "points_per_s": 3.0,
                     "scaling": 1.9}]
    target = bench._targets([], 200.0, {"worlds": 100, "wall_s": 1.0}, rows)["sweep_scaling"]
    assert target == {"value": 1.9, "target": 1.8, "met": True}
    # a cluster the sweep starts itself is shown, not held to the target; a kept one is
    rows += [{"kind": "sweep", "executor": "dask", "workers": 2, "cluster": "started",
              "scaling": 1.2, "steady_scaling": 1.85},
             {"kind": "sweep", "executor": "dask", "workers": 2, "cluster": "kept",
              "scaling": 1.7}]
    targets = bench._targets([], 200.0, {"worlds": 100, "wall_s": 1.0}, rows)
    assert targets["sweep_scaling"] == {"value": 1.7, "target": 1.8, "met": False}
    assert targets["sweep_steady_scaling"]["value"] == 1.85


def test_steady_rate_counts_parts_after_every_worker_has_finished_one():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import sweep as bench_sweep
    finally:
        sys.path.pop(0)
    # one worker: 4 parts after the first, in 4 s
    assert bench_sweep.steady_rate([1.0, 2.0, 3.0, 4.0, 5.0], 1) == 1.0
    # two workers finishing in pairs; the first pair paid for start-up: 4 parts in 2 s
    assert bench_sweep.steady_rate([5.0, 5.1, 6.0, 6.1, 7.0, 7.1], 2) == 2.0
    assert bench_sweep.steady_rate([5.0, 5.1, 6.0], 2) is None  # too few parts to tell


def test_issue_17_rows_are_written_into_the_page_against_their_targets(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import ensemble as bench_ens
    finally:
        sys.path.pop(0)
    fixed, ens = {"wall_s": 2.0, "cpu_s": 1.0}, {"wall_s": 3.0, "cpu_s": 1.6}
    report = {"cpus": 2, "load_average_at_start": 1.0, "rows": [
        {"kind": "ensemble_compare", "sets": 20, "worlds_per_set": 100, "worlds": 2000,
         "fixed": fixed, "ensemble": ens, "ratio_wall": 1.5, "ratio_cpu": 1.6},
        {"kind": "calibrate", "budget": 1000, "population": 100, "worlds": 20, "workers": 2,
         "wall_s": 600.0, "cpu_s": 1100.0, "simulated": 1000, "generations": 8,
         "world_days": 7_300_000, "load_average_at_start": 3.5}]}
    page = tmp_path / "performance.md"
    page.write_text(f"top\n{bench_ens.START}\nold\n{bench_ens.END}\nbottom\n")
    bench_ens.write_page(report, page)
    text = page.read_text()
    assert "old" not in text and text.startswith("top\n") and text.endswith("bottom\n")
    assert "| 20 sets x 100 worlds | 2,000 | 2.0 | 1.0 | 3.0 | 1.6 | 1.5 | 1.6 | 1.5x: not met |" \
        in text  # the CPU ratio is the one judged
    assert "| 2 | 1,000 | 8 | 7,300,000 | 3.5 | 600.0 | 1100.0 | 900 s wall: met |" in text
    real = (ROOT / "docs" / "performance.md").read_text()
    assert bench_ens.START in real and bench_ens.END in real


def test_the_ratio_targets_use_the_median_of_paired_rounds():
    """A ratio of two rows measured minutes apart moved by more than its distance to the
    target; the targets take the median of ratios measured within alternating rounds."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run as bench

    pairs = {"threads": {"median_ratio": 1.7, "rounds": []},
             "game": {"median_share": 0.3, "rounds": []}}
    batched = [{"worlds": 100, "wall_s": 1.0}, {"worlds": 10_000, "wall_s": 2.0}]
    compare_2 = {"worlds": 100, "wall_s": 1.0}
    game = [{"kind": "game_on", "wall_s": 1.0}, {"kind": "game_off", "wall_s": 0.1}]
    out = bench._targets(batched, 2.0, compare_2, game, {"1 thread": 1, "2 threads": 3}, pairs)
    assert out["two_threads_over_one"] == {"value": 1.7, "target": 1.8, "met": False}
    assert out["game_share_of_day"]["value"] == 0.3 and out["game_share_of_day"]["met"]
    alone = bench._targets(batched, 2.0, compare_2, game, {"1 thread": 1, "2 threads": 3})
    assert alone["two_threads_over_one"]["value"] == 3.0  # without pairs: the rows' ratio


def test_simd_probe_computes_the_same_draws_and_decisions_every_way():
    """benchmarks/simd_probe.py: two loop orders of the same draws give equal sums; the decide
    phase over blocks of worlds (both layouts) writes what sim.kernel.decide writes, to the bit."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import simd_probe
    finally:
        sys.path.pop(0)
    out = simd_probe.measure(worlds=300, days=3, block=64, reps=1)
    assert out["equal_sums"] is True and out["draws_per_world_day"] == 38
    assert set(out["cpu_ns_per_world_day"]) == {"world_major", "phase_major"}
    decided = simd_probe.measure_decide(worlds=300, days=20, block=64, reps=1)
    assert decided["equal_arrays"] is True
    assert set(decided["cpu_ns_per_world_day"]) == {"world_major", "phase_major", "actor_major"}
