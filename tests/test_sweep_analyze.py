"""`trucesim analyze`: indices against a function whose indices are known, PRIM, the report.

The analysis reads only the store, so these tests write a store whose outcomes are a known
function of the parameters instead of running the model:
    baseline:   rmst = 10 u1 + 5 u2            (u = parameter scaled to [0, 1]; u3 unused)
    monitoring: rmst = baseline + 2 if u1 < 0.3 else baseline - 2      cost 5 per world
    pressure:   rmst = baseline + 1.9 if u1 < 0.3 else baseline - 3    cost 1 per world
For independent uniform u, Var = (100 + 25)/12, so S1 = ST = 0.8, 0.2 and 0 (Saltelli 2002).
Where u1 < 0.3 monitoring is the best and pressure, with 95% of its gain for a fifth of its
cost, the best value; elsewhere the baseline is both.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.sweep import Store, load_experiment
from sim.sweep.analyze import analyse_sweep, prim, value_winners, winners
from sim.sweep.design import design_table
from sim.sweep.report import write_analysis
from sim.sweep.run import new_manifest
from tests.sweep_factories import make_experiment_data, write_experiment

THIRD = {"path": "actors.un_envoy.legitimacy", "name": "legitimacy", "range": [0.2, 1.0]}
STRATEGIES = ("baseline", "monitoring", "pressure")


def make_fake_sweep(folder, kind: str = "sobol", n: int = 256, complete: bool = True):
    data = make_experiment_data(kind=kind, n=n, strategies=STRATEGIES)
    data["uncertainties"].append(THIRD)
    exp = load_experiment(write_experiment(folder, data))
    design = design_table(exp.spec)
    u1 = design["nusra_p_attack"] / 0.1
    u2 = (design["p_mis"] - 0.1) / 0.8
    base = 10 * u1 + 5 * u2
    rows = []
    for k, (s, y, cost) in enumerate([("baseline", base, 0.0),
                                      ("monitoring", base + np.where(u1 < 0.3, 2, -2), 5.0),
                                      ("pressure", base + np.where(u1 < 0.3, 1.9, -3), 1.0)]):
        rows.append(pd.DataFrame({"point": design["point"], "strategy_index": k, "strategy": s,
                                  "seed": design["seed"], "rmst_days": y,
                                  "share_collapsed": 1 - y / 15,
                                  "mean_intervention_cost": cost}))
    table = pd.concat(rows, ignore_index=True).sort_values(["point", "strategy_index"])
    store = Store(folder / "out")
    manifest = new_manifest(exp, design, len(design), False)
    store.create(manifest, design, False)
    manifest["parts"]["parts"]["0"] = store.write_part(0, table)
    manifest["complete"] = complete
    store.write_manifest(manifest)
    return store.root


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    return make_fake_sweep(tmp_path_factory.mktemp("fake"))


def test_sobol_indices_match_the_known_values(sobol_sweep):
    a = analyse_sweep(sobol_sweep)
    s = a.sensitivity.query("strategy == 'baseline' and outcome == 'rmst_days'")
    truth = {"nusra_p_attack": 0.8, "p_mis": 0.2, "legitimacy": 0.0}
    # The design is quasi-random (Sobol points, N = 256 base rows), not a random sample, so
    # SALib's bootstrap interval (conf95 ~0.03-0.13 here) measures resampling noise, not the
    # error. For a smooth (here additive) function the quasi-Monte Carlo error of the
    # estimators' averages falls like log(N) / N (Sobol' 1998), so with N = 256 the
    # indices are within log(256) / 256 = 0.022 of the truth (measured: within 0.0006).
    n = a.manifest["n_points"] // (2 * 3 + 2)  # Saltelli: N (2D + 2) rows for D = 3
    assert n == 256
    for r in s.itertuples():
        assert abs(r.value - truth[r.parameter]) <= np.log(n) / n, r
    assert a.ranking["parameter"].tolist() == ["nusra_p_attack", "p_mis", "legitimacy"]


def test_strategy_conditions_find_where_monitoring_wins(sobol_sweep):
    a = analyse_sweep(sobol_sweep)
    c = a.conditions.set_index("strategy")
    u1 = a.design.set_index("point")["nusra_p_attack"] / 0.1
    assert c.loc["monitoring", "points_won"] == int((u1 < 0.3).sum())
    assert c.loc["monitoring", "box"].startswith("nusra_p_attack <= 0.0")
    assert c.loc["monitoring", "box_density"] >= 0.8
    assert "p_mis" not in c.loc["monitoring", "box"]
    assert "legitimacy" not in c.loc["monitoring", "box"]


def test_headline_names_the_parameters_in_order(sobol_sweep):
    line = analyse_sweep(sobol_sweep).ranking_line()
    assert line.index("nusra_p_attack") < line.index("p_mis") < line.index("legitimacy")


def test_the_best_value_is_the_cheapest_strategy_with_nearly_the_best_gain(sobol_sweep):
    a = analyse_sweep(sobol_sweep)
    u1 = a.design.set_index("point")["nusra_p_attack"] / 0.1
    value = value_winners(a.table, "rmst_days")
    assert (value == np.where(u1.loc[value.index] < 0.3, "pressure", "baseline")).all()
    assert (winners(a.table, "rmst_days")[u1 < 0.3] == "monitoring").all()
    c = a.conditions.set_index("strategy")
    assert c.loc["pressure", "points_best_value"] == int((u1 < 0.3).sum())
    assert c.loc["monitoring", "points_best_value"] == 0
    assert c.loc["monitoring", "mean_cost"] == 5.0
    # lower is better: the same choice from the share collapsed (1 - rmst/15)
    assert value.equals(value_winners(a.table, "share_collapsed"))


def test_the_report_answers_in_plain_words_first(sobol_sweep, tmp_path):
    a = analyse_sweep(sobol_sweep)
    write_analysis(a, tmp_path)
    md = (tmp_path / "report.md").read_text()
    plain = md.split("## In plain words")[1].split("## ")[0]
    assert md.index("## In plain words") < md.index("## Details")
    assert ("What matters most for how long the truce holds (mean days held, of 20): "
            "**nusra_p_attack** (nusra: daily probability of an attack at full capability), "
            f"which accounts for about {a.ranking['score'][0]:.0%} of the variation") in plain
    assert plain.index("**p_mis**") < plain.index("**legitimacy**")
    assert "**monitoring** is the best at" in plain and "mostly where nusra_p_attack <=" in plain
    assert "Best value for the cost" in plain and "pressure at" in plain
    for jargon in ("ST", "S1", "PRIM", "rmst_days", "mu*"):
        assert jargon not in plain, jargon
    assert "**ST**: total Sobol index" in md  # the terms are explained further down


def test_a_strategy_best_everywhere_is_said_to_be_best_everywhere(sobol_sweep, tmp_path):
    a = analyse_sweep(sobol_sweep, strategies=["baseline"])
    write_analysis(a, tmp_path)
    md = (tmp_path / "report.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| baseline | 2048"))
    assert "| everywhere | 100% | 100% |" in row and " - " not in row
    assert f"**baseline** is the best everywhere (all {a.manifest['n_points']} points)" in md


def tick_labels_overlap(fig) -> list[tuple[str, str]]:
    """Pairs of tick labels on the same axis whose drawn boxes intersect."""
    renderer = fig.canvas.get_renderer()
    clashes = []
    for ax in fig.axes:
        for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
            shown = [t for t in labels if t.get_text() and t.get_visible()]
            boxes = [t.get_window_extent(renderer) for t in shown]
            clashes += [(shown[i].get_text(), shown[j].get_text())
                        for i in range(len(boxes)) for j in range(i + 1, len(boxes))
                        if boxes[i].overlaps(boxes[j])]
    return clashes


def test_plot_axes_are_readable_on_a_narrow_range(tmp_path):
    """A range of 0.2 to 0.4 once gave ticks 0.250, 0.275, ... drawn into each other."""
    import matplotlib.pyplot as plt

    from sim.sweep.report import outcome_plot, sensitivity_plot

    a = analyse_sweep(make_fake_sweep(tmp_path, "lhs", 60))
    a.design["legitimacy"] = 0.2 + 0.2 * (a.design["legitimacy"] - 0.2) / 0.8
    for fig in (outcome_plot(a, "rmst_days"), sensitivity_plot(a)):
        fig.canvas.draw()
        assert tick_labels_overlap(fig) == []
        assert all(len(ax.get_xticklabels()) <= 7 for ax in fig.axes)
        plt.close(fig)


@pytest.mark.parametrize("kind, n", [("sobol", 16), ("morris", 8), ("lhs", 40)])
def test_analyze_help_names_exactly_the_measures_the_output_has(tmp_path, kind, n):
    """The help promised a "delta" measure that no design gave."""
    help_text = " ".join(CliRunner().invoke(app, ["analyze", "--help"],
                                            env={"COLUMNS": "200"}).output.split())
    named = {m for m in ("S1", "ST", "mu*", "sigma", "delta", "S2") if m in help_text}
    assert named == {"S1", "ST", "mu*", "sigma"}
    measures = set(analyse_sweep(make_fake_sweep(tmp_path, kind, n)).sensitivity["measure"])
    assert {m.replace("mu_star", "mu*") for m in measures} <= named


@pytest.mark.parametrize("kind, n, measure", [("morris", 40, "mu_star"), ("lhs", 300, "S1")])
def test_morris_and_delta_rank_the_parameters(tmp_path, kind, n, measure):
    a = analyse_sweep(make_fake_sweep(tmp_path, kind, n))
    assert a.ranking["parameter"].tolist()[0] == "nusra_p_attack"
    assert a.ranking["parameter"].tolist()[-1] == "legitimacy"
    assert measure in set(a.sensitivity["measure"])


def test_lower_is_better_outcomes_pick_the_lowest(sobol_sweep):
    a = analyse_sweep(sobol_sweep, "share_collapsed")
    assert (winners(a.table, "share_collapsed") == winners(a.table, "rmst_days")).all()


def test_correlation_ratio_on_a_known_function():
    from sim.sweep.analyze import correlation_ratio

    u = np.random.default_rng(1).random((2000, 3))
    res = correlation_ratio(u, 10 * u[:, 0] + 5 * u[:, 1], seed=1)
    # n = 2000 points in B = min(20, sqrt(n)) = 20 equal-count bins. Two biases: the bin means
    # of B - 1 free groups explain (B - 1) / n of the unexplained share 1 - S by chance (+), and
    # a bin of width 1/B keeps 1/B^2 of its parameter's variance inside it (-): expected
    # S + 19/2000 (1 - S) - S/400, i.e. 0.7999, 0.2071, 0.0095. Around that, the bootstrap's
    # conf (1.96 SE) scaled to 3 SE: a correct estimator misses by more with probability 0.3%.
    n, bins = 2000, 20
    for got, conf, truth in zip(res["S1"], res["S1_conf"], (0.8, 0.2, 0.0)):
        expected = truth + (bins - 1) / n * (1 - truth) - truth / bins**2
        assert abs(got - expected) <= 3 / 1.96 * conf


def test_prim_by_hand():
    x = pd.DataFrame({"a": np.linspace(0, 1, 101), "b": np.tile([0.0, 1.0], 51)[:101]})
    y = (x["a"] < 0.3).to_numpy()
    box = prim(x, y)
    assert box["density"] >= 0.8 and box["limits"]["a"][1] <= 0.4
    assert box["limits"]["b"] == (0.0, 1.0)  # b does not matter: not restricted
    assert box["coverage"] == pytest.approx(y[x["a"] <= box["limits"]["a"][1]].sum() / y.sum())


def test_cli_analyze_writes_the_report(sobol_sweep, tmp_path):
    res = CliRunner().invoke(app, ["analyze", str(sobol_sweep), "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert "by mean ST over strategies: nusra_p_attack (ST 0." in res.output
    assert res.output.splitlines()[1].startswith("What matters most for how long the truce "
                                                 "holds")
    md = (tmp_path / "r" / "report.md").read_text()
    assert "Details: which parameters matter" in md and "![" in md
    for name in ("report.html", "sensitivity.csv", "conditions.csv", "sensitivity.png",
                 "outcome_vs_parameters.png"):
        assert (tmp_path / "r" / name).stat().st_size > 0, name
    assert json.loads((tmp_path / "r" / "analysis.json").read_text())["ranking"][0][
        "parameter"] == "nusra_p_attack"


def test_analysing_a_subset_of_strategies(sobol_sweep):
    a = analyse_sweep(sobol_sweep, strategies=["baseline"])
    assert set(a.table["strategy"]) == {"baseline"}
    assert a.conditions["points_won"].tolist() == [a.manifest["n_points"]]
    res = CliRunner().invoke(app, ["analyze", str(sobol_sweep), "--strategies", "basline"])
    assert res.exit_code == 2 and "'basline' is not in this sweep" in res.output


@pytest.mark.parametrize("setup, expected", [
    ("empty", "no manifest.json"),
    ("unfinished", "the sweep is unfinished"),
    ("outcome", "no outcome 'nope'"),
])
def test_cli_analyze_errors_exit_2(tmp_path, setup, expected):
    folder = tmp_path / "empty"
    folder.mkdir()
    args = []
    if setup == "unfinished":
        folder = make_fake_sweep(tmp_path, "lhs", 20, complete=False)
    elif setup == "outcome":
        folder, args = make_fake_sweep(tmp_path, "lhs", 20), ["--outcome", "nope"]
    res = CliRunner().invoke(app, ["analyze", str(folder), *args])
    assert res.exit_code == 2 and expected in res.output, res.output
