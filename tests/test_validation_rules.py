"""Each validation claim's decision rule at its boundaries, on hand-made inputs.

Part 1 feeds each rule of :mod:`sim.validation.checks` hand-made intervals just inside and just
outside its threshold (EPS away), and NaN limits, which must never pass. Part 2 runs whole
checks on hand-made survival times (the model replaced by a fake ``_times``) to show that each
arm goes to its side of the comparison. The negative controls, which run the model with the
mechanism off or the arms swapped, are in tests/test_validation_claims.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.validation import checks
from sim.validation.checks import (
    Z_LIMIT,
    design_classes_rule,
    difference_rule,
    early_hazard_rule,
    mediation_dilemma_rule,
    monitoring_rule,
    reduced_game_rule,
    spoiler_types_rule,
    syria_record_rule,
)

EPS = 1e-9
NAN = math.nan


def ci(lo: float, hi: float) -> tuple[float, float, float]:
    """An interval (figure, lo, hi) with its figure in the middle (NaN if a limit is)."""
    return (lo + hi) / 2, lo, hi


# ------------------------------------------------------------------------------ 1. the rules
RULE_CASES = [
    # early_hazard: every ratio's lower limit strictly above 1
    ("early both clear", early_hazard_rule, (ci(1 + EPS, 3), ci(1 + EPS, 3)), True),
    ("early first at 1", early_hazard_rule, (ci(1.0, 3), ci(1.5, 3)), False),
    ("early second at 1", early_hazard_rule, (ci(1.5, 3), ci(1.0, 3)), False),
    ("early NaN", early_hazard_rule, (ci(NAN, NAN), ci(1.5, 3)), False),
    # design_classes: both steps' lower limits strictly above 0
    ("design both clear", design_classes_rule, (ci(EPS, 0.1), ci(EPS, 0.1)), True),
    ("design first at 0", design_classes_rule, (ci(0.0, 0.1), ci(0.05, 0.1)), False),
    ("design second at 0", design_classes_rule, (ci(0.05, 0.1), ci(0.0, 0.1)), False),
    ("design negative", design_classes_rule, (ci(-0.1, -0.05), ci(0.05, 0.1)), False),
    # monitoring: upper limit strictly below 1 and the ratio itself at most 0.5
    ("monitoring clear", monitoring_rule, (0.5, 0.2, 1 - EPS), True),
    ("monitoring upper at 1", monitoring_rule, (0.5, 0.2, 1.0), False),
    ("monitoring ratio above a half", monitoring_rule, (0.5 + EPS, 0.2, 0.9), False),
    # the wrong end of the interval: the lower limit below 1 is not enough
    ("monitoring interval across 1", monitoring_rule, (0.45, 0.2, 1.2), False),
    ("monitoring NaN upper", monitoring_rule, (0.3, 0.1, NAN), False),
    ("monitoring NaN ratio", monitoring_rule, (NAN, NAN, NAN), False),
    # guarantee, spoiler_damage, spoiler_timing: lower limit strictly above 0
    ("difference clear", difference_rule, (ci(EPS, 0.2),), True),
    ("difference at 0", difference_rule, (ci(0.0, 0.2),), False),
    ("difference across 0", difference_rule, (ci(-0.1, 0.2),), False),
    ("difference NaN", difference_rule, (ci(NAN, NAN),), False),
    # spoiler_types: limited clearly prevented, total's interval contains 0 (ends included)
    ("types clear", spoiler_types_rule, (ci(EPS, 0.5), ci(-0.1, 0.1)), True),
    ("types total ends at 0", spoiler_types_rule, (ci(0.2, 0.5), ci(-0.1, 0.0)), True),
    ("types total starts at 0", spoiler_types_rule, (ci(0.2, 0.5), ci(0.0, 0.1)), True),
    ("types limited at 0", spoiler_types_rule, (ci(0.0, 0.5), ci(-0.1, 0.1)), False),
    ("types total prevented", spoiler_types_rule, (ci(0.2, 0.5), ci(EPS, 0.1)), False),
    ("types total provoked", spoiler_types_rule, (ci(0.2, 0.5), ci(-0.1, -EPS)), False),
    ("types NaN total", spoiler_types_rule, (ci(0.2, 0.5), ci(NAN, NAN)), False),
    # mediation_dilemma: upper limit (short run) strictly below 1, lower (after) above 1
    ("dilemma clear", mediation_dilemma_rule, (ci(0.2, 1 - EPS), ci(1 + EPS, 3)), True),
    ("dilemma short at 1", mediation_dilemma_rule, (ci(0.2, 1.0), ci(1.5, 3)), False),
    ("dilemma after at 1", mediation_dilemma_rule, (ci(0.2, 0.8), ci(1.0, 3)), False),
    ("dilemma reversed", mediation_dilemma_rule, (ci(1.5, 3), ci(0.2, 0.8)), False),
    ("dilemma NaN", mediation_dilemma_rule, (ci(NAN, NAN), ci(1.5, 3)), False),
    # reduced_game: every |z| strictly below 4
    ("game all inside", reduced_game_rule, ([0.0, 1.0, Z_LIMIT - EPS],), True),
    ("game one at the limit", reduced_game_rule, ([0.0, 1.0, Z_LIMIT],), False),
    # syria_record: every figure inside its band
    ("record all met", syria_record_rule, ([("a", 1.0, True), ("b", 2.0, True)],), True),
    ("record one missed", syria_record_rule, ([("a", 1.0, True), ("b", 2.0, False)],), False),
]


@pytest.mark.parametrize("name, rule, args, expected", RULE_CASES,
                         ids=[c[0] for c in RULE_CASES])
def test_decision_rule_at_its_boundary(name, rule, args, expected):
    assert rule(*args) is expected


def test_the_limit_is_four_standard_errors():
    # docs/validation.md: 12 rates, P(|z| >= 4) = 6.3e-5 each, family-wise ~0.0008
    assert Z_LIMIT == 4.0


# ------------------------------------------------------------------------------ 2. the checks
def times(*groups: tuple[int, int | None]) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Survival arrays from (worlds, day of collapse or None for censored at 365) groups."""
    t = np.concatenate([np.full(n, 365 if day is None else day) for n, day in groups])
    e = np.concatenate([np.full(n, day is not None) for n, day in groups])
    return t, e, pd.DataFrame({"survival_days": t, "is_collapsed": e})


def fake_times(monkeypatch, by_arm: dict):
    """Replace the model: ``_times`` returns hand-made arrays by (scenario stem, strategy)."""
    def fake(path, worlds, seed, strategy="baseline", overrides=None):
        return by_arm[(path.stem, strategy)]
    monkeypatch.setattr(checks, "_times", fake)


def spread(n: int, first: int, last: int) -> list[tuple[int, int]]:
    """n collapses spread over days first..last as (worlds, day) groups, the same number each
    day where n is a multiple of the days (then their mean day is (first + last) / 2)."""
    return [(1, int(d)) for d in np.linspace(first, last, n)] if n % (last - first + 1) else \
        [(n // (last - first + 1), d) for d in range(first, last + 1)]


@pytest.mark.parametrize("base_k, mon_k, passed", [
    # 200 collapses against 40 over the same days: HR ~ 0.2, SE(log) = sqrt(1/200 + 1/40)
    # = 0.17, so the interval is ~0.14-0.28: passes
    (200, 40, True),
    # 200 against 150: HR ~ 0.75 with its upper limit below 1 (SE 0.11): not "by half"
    (200, 150, False),
    # 8 against 2: HR ~ 0.25 but SE(log) = sqrt(1/8 + 1/2) = 0.79, upper ~ 0.25 x 4.7 > 1;
    # a rule reading the lower limit would pass this
    (8, 2, False),
])
def test_monitoring_check_on_hand_made_times(monkeypatch, base_k, mon_k, passed):
    n = 400
    fake_times(monkeypatch, {
        ("syria_2016", "baseline"): times(*spread(base_k, 1, 300), (n - base_k, None)),
        ("syria_2016_monitored", "baseline"): times(*spread(mon_k, 1, 300), (n - mon_k, None)),
    })
    result = checks.monitoring(n, 1)
    assert result.passed is passed
    assert result.figure == pytest.approx(mon_k / base_k, rel=0.25)  # ratio of event counts


def test_monitoring_check_puts_the_monitored_arm_in_the_numerator(monkeypatch):
    fake_times(monkeypatch, {
        ("syria_2016", "baseline"): times(*spread(40, 1, 300), (360, None)),
        ("syria_2016_monitored", "baseline"): times(*spread(200, 1, 300), (200, None)),
    })
    result = checks.monitoring(400, 1)
    assert not result.passed and result.lo > 1


def test_early_hazard_check_on_hand_made_times(monkeypatch):
    # 1,000 worlds: 70 collapse in week one (10 a day), 84 in weeks 2-4 (4 a day), 152 in
    # days 28-179 (1 a day), 37 after. World-days at risk (a world collapsing on day t counts
    # t - start): week one 930 x 7 + 10 x (0 + ... + 6) = 6,720, hazard 0.0104; weeks 2-4
    # 846 x 21 + 4 x (0 + ... + 20) = 18,606, hazard 0.0045; ratio 2.31 with SE(log)
    # sqrt(1/70 + 1/84) = 0.16, lower limit 1.68; the later ratios (~3.5, ~4) clear 1 too:
    # passes. A hazard rising with time must fail.
    falling = times(*spread(70, 0, 6), *spread(84, 7, 27), *spread(152, 28, 179),
                    *spread(37, 180, 364), (657, None))
    fake_times(monkeypatch, {("civil_war_ceasefire", "baseline"): falling})
    result = checks.early_hazard(1000, 1)
    assert result.passed and result.figure == pytest.approx((70 / 6720) / (84 / 18606),
                                                             rel=1e-3)
    rising = times(*spread(7, 0, 6), *spread(63, 7, 27), *spread(152, 28, 179),
                   *spread(200, 180, 364), (578, None))
    fake_times(monkeypatch, {("civil_war_ceasefire", "baseline"): rising})
    assert not checks.early_hazard(1000, 1).passed


def agreements(kept: int, reneged: int, none: int) -> tuple[None, None, pd.DataFrame]:
    table = pd.DataFrame({"day_agreement": [50] * (kept + reneged) + [-1] * none,
                          "reneged_by": [""] * kept + ["rebels"] * reneged + [""] * none})
    return None, None, table


@pytest.mark.parametrize("kept_guaranteed, passed", [
    # baseline 300 of 400 kept (0.75), guaranteed 380 of 400 (0.95): +0.20, Newcombe
    # half-width ~0.05: passes
    (380, True),
    # the same share as the baseline: difference 0, the interval straddles 0
    (300, False),
    # fewer kept under the guarantee: the opposite direction fails
    (250, False),
])
def test_guarantee_check_counts_only_worlds_that_agreed(monkeypatch, kept_guaranteed, passed):
    fake_times(monkeypatch, {
        ("settlement_commitment", "baseline"): agreements(300, 100, 600),
        ("settlement_commitment", "guaranteed"): agreements(kept_guaranteed,
                                                            400 - kept_guaranteed, 600),
    })
    result = checks.guarantee(1000, 1)
    assert result.passed is passed
    assert result.figure == pytest.approx(kept_guaranteed / 400 - 0.75)


def test_diff_of_diffs_by_hand():
    # (0.9 - 0.5) - (0.7 - 0.6) = 0.3, with four different shares (so that weighting one arm
    # wrongly shows); variances p (1 - p) / 100: 0.0009 + 0.0025 + 0.0021 + 0.0024
    from sim.validation.stats import diff_of_diffs

    est, lo, hi = diff_of_diffs([((90, 100), (50, 100)), ((70, 100), (60, 100))])
    half = 1.959963984540054 * math.sqrt(0.0009 + 0.0025 + 0.0021 + 0.0024)
    assert est == pytest.approx(0.3)
    assert (lo, hi) == pytest.approx((0.3 - half, 0.3 + half))
