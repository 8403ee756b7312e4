"""Survival analysis on hand-made world tables, checked against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.survival import (
    compare_table,
    hazard_ratio,
    holm,
    kaplan_meier,
    median_with_ci,
    newcombe_diff,
    rmst,
    survival_share,
    table_records,
)
from sim.results import median_survival, wilson


def make_arm(strategy: str, t: list[int], e: list[bool], cause: str = "north",
             cost: float | None = None) -> pd.DataFrame:
    """World rows of one strategy: only the columns the analysis reads."""
    e_arr = np.asarray(e, dtype=bool)
    df = pd.DataFrame({
        "strategy": strategy, "survival_days": np.asarray(t, dtype=np.int32),
        "is_collapsed": e_arr,
        "collapse_cause": np.where(e_arr, cause, "none"),
        "collapse_mode": np.where(e_arr, "sustained_violence", "none"),
    })
    if cost is not None:
        df["intervention_cost"] = cost
    return df


def make_exponential_arm(strategy: str, mean_days: float, n: int, horizon: int,
                         seed: int) -> pd.DataFrame:
    t = np.random.default_rng(seed).exponential(mean_days, n).astype(int)
    return make_arm(strategy, np.minimum(t, horizon), t < horizon)


# ---- Holm -------------------------------------------------------------------------------------

def test_holm_matches_hand_computation():
    # sorted: 0.005*4 = 0.02; 0.01*3 = 0.03; 0.03*2 = 0.06; 0.04*1 = 0.04 -> max(0.06, 0.04)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_skips_missing_values_and_caps_at_one():
    assert holm([0.02, None, 0.5]) == pytest.approx([0.04, None, 0.5])
    assert holm([0.02, math.nan]) == [0.02, None]
    assert holm([0.6, 0.7]) == [1.0, 1.0]
    assert holm([]) == []


# ---- one strategy -----------------------------------------------------------------------------

def test_rmst_is_the_area_under_the_hand_computed_curve():
    # S = 1 on [0, 2), 3/4 on [2, 4), 1/4 on [4, 10): area 2 + 1.5 + 1.5 = 5 = mean(min(T, 10))
    t, e = np.array([2, 4, 4, 10]), np.array([True, True, True, False])
    est, lo, hi, se = rmst(t, e, horizon=10)
    assert est == pytest.approx(5.0)
    assert se == pytest.approx(np.std([2, 4, 4, 10], ddof=1) / 2)
    assert (lo, hi) == pytest.approx((5.0 - 1.959964 * se, 5.0 + 1.959964 * se))


def test_median_from_kaplan_meier_on_hand_data():
    # S after day 1: 5/6, after day 3: 3/6 = 0.5 -> the median is day 3
    t, e = np.array([1, 3, 3, 5, 8, 10]), np.array([1, 1, 1, 1, 1, 0], dtype=bool)
    med, lo, hi = median_with_ci(kaplan_meier(t, e))
    assert med == 3.0 == median_survival(t, e)
    assert lo <= med <= hi or math.isnan(hi)


def test_median_beyond_horizon_is_nan():
    t, e = np.array([2, 10, 10, 10]), np.array([True, False, False, False])
    med, lo, hi = median_with_ci(kaplan_meier(t, e))
    assert math.isnan(med) and math.isnan(hi)
    assert lo == 2.0  # with 4 worlds the lower band drops below 0.5 at the first collapse


def test_survival_share_counts_worlds_alive_at_end_of_day():
    t, e = np.array([2, 4, 4, 10]), np.array([True, True, True, False])
    assert survival_share(t, e, 3) == (0.75, *wilson(3, 4))
    assert survival_share(t, e, 4)[0] == 0.25  # collapsed on day 4: not holding at its end


def test_newcombe_difference_matches_the_published_example():
    # Newcombe (1998), Stat Med 17:873, table II: 56/70 vs 48/80, method 10 -> 0.0524 to 0.3339
    a, b = (56 / 70, *wilson(56, 70)), (48 / 80, *wilson(48, 80))
    d, lo, hi = newcombe_diff(a, b)
    assert (d, lo, hi) == pytest.approx((0.2, 0.0524, 0.3339), abs=5e-5)


# ---- strategies against the baseline ----------------------------------------------------------

def test_identical_strategies_have_hazard_ratio_one_and_p_one():
    base = make_exponential_arm("baseline", 100, 1000, 200, seed=1)
    worlds = pd.concat([base, base.assign(strategy="twin")], ignore_index=True)
    row = compare_table(worlds, 200).set_index("strategy").loc["twin"]
    assert row["hr"] == pytest.approx(1.0, abs=1e-6)
    assert row["hr_lo"] < 1 < row["hr_hi"]
    assert row["p_logrank"] == pytest.approx(1.0)
    assert row["rmst_gain_days"] == 0 and row["gain_90_pp"] == 0


def test_better_arm_has_lower_hazard_and_positive_gains():
    worlds = pd.concat([make_exponential_arm("baseline", 100, 2000, 200, seed=1),
                        make_exponential_arm("better", 200, 2000, 200, seed=2)])
    row = compare_table(worlds, 200).set_index("strategy").loc["better"]
    # exponential hazards 1/100 vs 1/200: true hazard ratio 0.5
    assert row["hr_lo"] < 0.5 < row["hr_hi"] < 1
    assert row["gain_90_pp_lo"] > 0 and row["rmst_gain_lo"] > 0 and row["p_holm"] < 1e-6


def test_no_collapse_in_one_arm_gives_no_hazard_ratio_and_a_note():
    base = make_arm("baseline", [3, 5, 9, 10], [True, True, True, False])
    calm = make_arm("calm", [10] * 4, [False] * 4)
    row = compare_table(pd.concat([base, calm]), 10).set_index("strategy").loc["calm"]
    assert math.isnan(row["hr"]) and "not estimable" in row["note"]
    assert row["p_logrank"] < 0.05 and row["rmst_gain_days"] > 0
    assert hazard_ratio((np.array([10]), np.array([False])),
                        (np.array([10]), np.array([False])))[3].startswith("no collapses")


def test_holm_is_applied_across_the_strategies_compared():
    arms = [make_exponential_arm(s, m, 300, 200, seed=i)
            for i, (s, m) in enumerate([("baseline", 100), ("a", 120), ("b", 90), ("c", 100)])]
    table = compare_table(pd.concat(arms), 200)
    raw = table["p_logrank"].tolist()
    assert table["p_holm"].tolist()[1:] == pytest.approx(holm(raw[1:]), rel=1e-5)
    assert math.isnan(table["p_holm"].iloc[0])


def test_table_reads_cost_causes_and_beyond_horizon_days():
    base = make_arm("baseline", [3, 5, 60], [True, True, False], cause="spoiler")
    paid = make_arm("paid", [4, 60, 60], [True, False, False], cost=2.5)
    table = compare_table(pd.concat([base, paid]), 60).set_index("strategy")
    assert table.loc["baseline", "mean_cost"] == 0.0 and table.loc["paid", "mean_cost"] == 2.5
    assert table.loc["baseline", "cause_1"] == "spoiler"
    assert table.loc["baseline", "cause_1_share"] == 1.0
    assert np.isnan(table.loc["paid", "surv_90"]) and np.isnan(table.loc["paid", "gain_90_pp"])


def test_records_are_json_able_with_none_for_missing():
    base = make_arm("baseline", [3, 60], [True, False])
    rec = table_records(compare_table(base, 60))[0]
    assert rec["hr"] is None and rec["surv_90"] is None and rec["cause_2"] is None
    assert isinstance(rec["n_worlds"], int) and isinstance(rec["is_baseline"], bool)
