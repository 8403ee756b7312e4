"""The memo for a reader in a hurry: answer and figure first, then the table with each measure
explained, then costs, then details; a colour per strategy that never changes; costs that do
not penalise an option for working."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.survival import compare_table
from sim.report import REPORT_FILES, analyse, write_report
from sim.runner import compare
from sim.viz.palette import BASELINE_STYLE, FIXED, style, styles

ROOT = Path(__file__).resolve().parents[1]


def make_arm(strategy: str, t: list[int], cost: float, once: float) -> pd.DataFrame:
    t_arr = np.asarray(t, dtype=np.int32)
    e = t_arr < 100
    return pd.DataFrame({"strategy": strategy, "survival_days": t_arr, "is_collapsed": e,
                         "collapse_cause": np.where(e, "north", "none"),
                         "collapse_mode": np.where(e, "sustained_violence", "none"),
                         "intervention_cost": cost, "cost_one_off": once})


# ---- costs -----------------------------------------------------------------------------------

def test_costs_split_and_cost_per_extra_day_held():
    rng = np.random.default_rng(5)
    base = make_arm("baseline", rng.integers(10, 40, 400), cost=0.0, once=0.0)
    # the option holds 100 days everywhere (the horizon): gain = 100 - mean(base)
    works = make_arm("works", [100] * 400, cost=103.0, once=3.0)
    idle = make_arm("idle", base["survival_days"].tolist(), cost=7.0, once=7.0)
    table = compare_table(pd.concat([base, works, idle]), 100).set_index("strategy")
    gain = 100 - base["survival_days"].mean()
    row = table.loc["works"]
    assert row["mean_cost_one_off"] == 3.0 and row["mean_cost_running"] == 100.0
    assert row["extra_cost"] == 103.0
    assert row["cost_per_day_gained"] == pytest.approx(103.0 / gain, rel=1e-5)
    # no days gained (the same worlds): no price per day, whatever it costs
    assert table.loc["idle", "rmst_gain_days"] == 0 and math.isnan(
        table.loc["idle", "cost_per_day_gained"])


def test_simulated_costs_add_up(lakeland_cmp):
    worlds = lakeland_cmp.result.worlds
    assert (worlds["cost_one_off"] <= worlds["intervention_cost"] + 1e-9).all()
    table = lakeland_cmp.table.set_index("strategy")
    np.testing.assert_allclose(table["mean_cost_one_off"] + table["mean_cost_running"],
                               table["mean_cost"], rtol=1e-5)
    assert table.loc["urgent_meeting", "mean_cost_one_off"] > 0  # meetings: per activation
    assert table.loc["monitoring", "mean_cost_running"] > 0  # a mission: per day


# ---- colours ---------------------------------------------------------------------------------

def test_a_strategy_keeps_its_colour_whatever_the_order_or_company():
    names = ["baseline", "monitoring", "pressure", "my_own_idea", "another_one"]
    first = styles(names)
    assert styles(list(reversed(names))) == first
    assert styles(["monitoring", "baseline"])["monitoring"] == first["monitoring"]
    assert first["baseline"] == BASELINE_STYLE == style("baseline")
    assert style("my_own_idea") == style("my_own_idea")


def test_strategies_in_one_figure_are_told_apart():
    names = list(FIXED) + [f"custom_{i}" for i in range(8)]
    chosen = styles([n for n in names if n not in ("monitors", "guaranteed_deal")])
    assert len(set(chosen.values())) == len(chosen)


# ---- the memo --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lakeland_cmp():
    scn = sim.load(ROOT / "scenarios" / "lakeland_teaching.yaml")
    names = ["baseline", "monitors", "guaranteed_deal", "urgent_meeting", "monitoring"]
    return analyse(compare(scn, names, worlds=300, seed=4), scn)


@pytest.fixture(scope="module")
def memo(lakeland_cmp, tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("memo")
    write_report(lakeland_cmp, out)
    return out, (out / "report.md").read_text()


def test_the_answer_and_a_figure_come_first_then_the_table_then_details(memo):
    _, text = memo
    order = ["## The answer in brief", "![", "## The figures", "| option |",
             "## What the options cost", "## What was compared", "## How sure we are",
             "## Caveats"]
    positions = [text.find(marker) for marker in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions))
    assert positions == sorted(positions)


def test_the_headline_names_the_best_option_with_its_gain(memo, lakeland_cmp):
    _, text = memo
    table = lakeland_cmp.table.set_index("strategy")
    brief = text.split("## The answer in brief")[1].split("![")[0]
    named = re.search(r"\*\*(\w+)\*\* keeps the truce longest", brief).group(1)
    assert table.loc[named, "rmst_gain_days"] == table["rmst_gain_days"].max()
    assert f"{table.loc[named, 'rmst_gain_days']:+.1f} days" in brief


def test_each_measure_is_explained_in_plain_words(memo):
    _, text = memo
    table_part = text.split("## The figures")[1].split("## What the options cost")[0]
    for words in ("restricted mean survival time", "Hazard ratio (HR)", "Holm-adjusted",
                  "Cost per extra day held"):
        assert words in table_part
    assert "RMST" not in text.split("| option |")[1].split("\n")[0].split("(RMST")[0]


def test_both_figures_are_written_and_embedded(memo):
    out, _ = memo
    assert all((out / name).is_file() for name in REPORT_FILES)
    for png in ("survival.png", "costs.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2
