"""Triggers (sim.strategies.triggers): when an intervention fires and how long it stays active.

Every test drives :class:`Activations` with hand-made figures, one dict of per-world arrays
per day, so that the days on which an intervention must fire can be read off the test.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sim.interventions_schema import Metric, Monitoring, Trigger
from sim.params import compile_params
from sim.state import State, TruceStatus
from sim.strategies.triggers import Activations, condition, metrics
from tests.factories import make_quiet_scenario

HORIZON = 12


def make_iv(duration_days: int | None = None, **trigger) -> Monitoring:
    """An intervention whose trigger is under test (the kind does not matter to triggers)."""
    return Monitoring(kind="monitoring", trigger=Trigger(**trigger), duration_days=duration_days)


def make_figures(n: int = 1, **values) -> dict:
    """Yesterday's figures for ``n`` worlds: quiet unless a metric's value is given."""
    figures = {Metric.VIOLATIONS_7D: np.zeros(n, dtype=int), Metric.TRUST_BELOW: np.ones(n),
               Metric.WALKOUT: np.zeros(n, dtype=bool), Metric.IN_TROUBLE: np.zeros(n, bool)}
    figures.update({Metric(k): np.broadcast_to(np.asarray(v), (n,)) for k, v in values.items()})
    return figures


def play(iv, figures_by_day=None, alive_by_day=None, n: int = 1, horizon: int = HORIZON):
    """Step one intervention through ``horizon`` days; returns (fired, active), each (days, n).

    ``figures_by_day(day)`` and ``alive_by_day(day)`` default to quiet figures and alive worlds.
    """
    acts = Activations([iv], n, horizon)
    fired, active = [], []
    for day in range(horizon):
        figures = figures_by_day(day) if figures_by_day else make_figures(n)
        alive = alive_by_day(day) if alive_by_day else np.ones(n, dtype=bool)
        f, a = acts.step(day, figures, np.asarray(alive))
        fired.append(f[0].copy())
        active.append(a[0].copy())
    return np.array(fired), np.array(active)


def days(mask: np.ndarray, world: int = 0) -> list[int]:
    """Days on which a (days, n) mask is true in one world."""
    return np.flatnonzero(mask[:, world]).tolist()


# ------------------------------------------------------------------------------ windows
def test_always_on_trigger_is_active_from_from_day_to_the_horizon():
    fired, active = play(make_iv(from_day=3))
    assert days(fired) == [3]
    assert days(active) == list(range(3, HORIZON))


def test_from_day_zero_fires_on_the_first_day():
    fired, active = play(make_iv())
    assert days(fired) == [0]
    assert active.all()


def test_until_day_ends_the_activation():
    fired, active = play(make_iv(from_day=2, until_day=5))
    assert days(fired) == [2]
    assert days(active) == [2, 3, 4, 5]


def test_until_day_cuts_a_longer_duration_short():
    _, active = play(make_iv(duration_days=10, from_day=1, until_day=4))
    assert days(active) == [1, 2, 3, 4]


def test_a_single_day_window_is_active_that_day_only():
    fired, active = play(make_iv(duration_days=14, from_day=7, until_day=7))
    assert days(fired) == days(active) == [7]


def test_from_day_beyond_the_horizon_never_fires():
    fired, active = play(make_iv(from_day=HORIZON))
    assert not fired.any() and not active.any()


# ------------------------------------------------------------------------------ duration
def test_duration_one_is_active_exactly_one_day():
    fired, active = play(make_iv(duration_days=1, from_day=4, budget=1))
    assert days(fired) == days(active) == [4]


def test_duration_one_fires_anew_each_day_the_condition_holds():
    # violations on days 2-4 yesterday => one-day activations on days 3, 4 and 5
    fig = lambda d: make_figures(violations_7d=5 if d in (3, 4, 5) else 0)
    fired, active = play(make_iv(duration_days=1, when="violations_7d", threshold=4), fig)
    assert days(fired) == days(active) == [3, 4, 5]


def test_duration_counts_the_firing_day():
    _, active = play(make_iv(duration_days=3, from_day=2, budget=1))
    assert days(active) == [2, 3, 4]


def test_a_conditional_activation_outlasts_its_condition():
    # the condition holds on day 2 only; the activation runs its 4 days regardless
    fig = lambda d: make_figures(in_trouble=d == 2)
    fired, active = play(make_iv(duration_days=4, when="in_trouble"), fig)
    assert days(fired) == [2]
    assert days(active) == [2, 3, 4, 5]


# ------------------------------------------------------------------------------ cooldown
@pytest.mark.parametrize("cooldown", [0, 1, 3])
def test_cooldown_delays_the_next_activation_exactly(cooldown):
    # active on days 0-1; it ends at the start of day 2, so it may fire again on 2 + cooldown
    fired, active = play(make_iv(duration_days=2, cooldown_days=cooldown), horizon=8)
    assert days(fired)[:2] == [0, 2 + cooldown]
    assert days(active)[:4] == [0, 1, 2 + cooldown, 3 + cooldown]


def test_cooldown_does_not_fire_while_cooling_even_if_the_condition_holds():
    fired, _ = play(make_iv(duration_days=1, cooldown_days=4, when="walkout"),
                    lambda d: make_figures(walkout=True), horizon=12)
    # fires day 0; ends day 1; allowed again from day 1 + 4 = 5; and so on
    assert days(fired) == [0, 5, 10]


def test_after_the_cooldown_it_waits_for_the_condition():
    fig = lambda d: make_figures(walkout=d in (0, 1, 2, 7))
    fired, _ = play(make_iv(duration_days=1, cooldown_days=2, when="walkout"), fig)
    # day 0 fires; allowed again from day 3, but the condition next holds on day 7
    assert days(fired) == [0, 7]


# ------------------------------------------------------------------------------ budget
@pytest.mark.parametrize("budget", [1, 2, 3])
def test_budget_caps_the_number_of_activations(budget):
    fired, _ = play(make_iv(duration_days=1, budget=budget))
    assert days(fired) == list(range(budget))


def test_budget_is_counted_per_world():
    # world 0 is in trouble from day 0, world 1 only from day 6: each gets its 2 activations
    fig = lambda d: make_figures(2, in_trouble=np.array([True, d >= 6]))
    acts = Activations([make_iv(duration_days=1, when="in_trouble", budget=2)], 2, HORIZON)
    for day in range(HORIZON):
        acts.step(day, fig(day), np.ones(2, dtype=bool))
    assert_array_equal(acts.uses[0], [2, 2])


# ------------------------------------------------------------------------------ conditions
VIOLATIONS = [0, 1, 2, 3, 4, 3, 2, 1, 0, 5, 0, 2]
TRUST = [0.5, 0.4, 0.29, 0.3, 0.31, 0.1, 0.0, 0.3, 0.6, 0.2, 0.3, 0.25]
FLAGS = [False, True, True, False, False, True, False, False, True, True, True, False]


@pytest.mark.parametrize("metric, threshold, values, holds", [
    ("violations_7d", 2, VIOLATIONS, [v >= 2 for v in VIOLATIONS]),
    ("violations_7d", 4, VIOLATIONS, [v >= 4 for v in VIOLATIONS]),
    ("trust_below", 0.3, TRUST, [t < 0.3 for t in TRUST]),
    ("walkout", 0, FLAGS, FLAGS),
    ("in_trouble", 0, FLAGS, FLAGS),
])
def test_a_metric_condition_fires_exactly_on_the_days_it_holds(metric, threshold, values, holds):
    fig = lambda d: make_figures(**{metric: values[d]})
    fired, active = play(make_iv(duration_days=1, when=metric, threshold=threshold), fig)
    assert days(fired) == days(active) == [d for d, h in enumerate(holds) if h]


def test_conditions_are_evaluated_per_world():
    n = 4
    fig = lambda d: make_figures(n, violations_7d=np.array([0, 3, 4, 9]))
    fired, _ = play(make_iv(duration_days=1, when="violations_7d", threshold=4), fig, n=n,
                    horizon=1)
    assert_array_equal(fired[0], [False, False, True, True])


def test_threshold_comparisons_at_equality():
    fig = make_figures(3, violations_7d=np.array([2, 3, 4]), trust_below=np.array([0.2, 0.3, 0.4]))
    assert_array_equal(condition(Metric.VIOLATIONS_7D, 3, fig), [False, True, True])  # >=
    assert_array_equal(condition(Metric.TRUST_BELOW, 0.3, fig), [True, False, False])  # <
    assert condition(None, 0.0, fig) is True


def test_an_unconditional_trigger_ignores_the_figures():
    fig = lambda d: make_figures(violations_7d=100, in_trouble=True)
    fired, _ = play(make_iv(duration_days=1, budget=1, from_day=2), fig)
    assert days(fired) == [2]


# ------------------------------------------------------------------------------ collapse
def test_a_collapsed_world_never_fires():
    n = 3
    alive = np.array([True, False, True])
    fig = lambda d: make_figures(n, walkout=True, violations_7d=9)
    for iv in (make_iv(), make_iv(duration_days=1, when="walkout"),
               make_iv(duration_days=1, when="violations_7d", threshold=1)):
        fired, active = play(iv, fig, lambda d: alive, n=n)
        assert not fired[:, 1].any() and not active[:, 1].any()
        assert fired[:, 0].any() and fired[:, 2].any()


def test_a_world_that_collapses_fires_no_more():
    alive = lambda d: np.array([d < 4])
    fired, _ = play(make_iv(duration_days=1, when="in_trouble"),
                    lambda d: make_figures(in_trouble=True), alive)
    assert days(fired) == [0, 1, 2, 3]


# ------------------------------------------------------------------------------ metrics
def test_metrics_read_yesterdays_state():
    params = compile_params(make_quiet_scenario())
    state = State.initial(params, 3)
    state.count7[:] = [2, 1, 2]  # the week's running count, kept by the compiled day
    state.in_talks[1, 0] = False
    state.status[:] = [TruceStatus.HOLDING, TruceStatus.IN_TROUBLE, TruceStatus.COLLAPSED]
    trust = np.array([0.1, 0.5, 0.9])
    state.mean_trust_all[:] = trust
    figures = metrics(state)
    assert_array_equal(figures[Metric.VIOLATIONS_7D], [2, 1, 2])
    assert_array_equal(figures[Metric.TRUST_BELOW], trust)
    assert_array_equal(figures[Metric.WALKOUT], [False, True, False])
    assert_array_equal(figures[Metric.IN_TROUBLE], [False, True, False])


# ------------------------------------------------------------------------------ shortcuts
def reference_step(acts: Activations, day: int, figures: dict, alive: np.ndarray):
    """The rule of the module docstring applied to every world and intervention each day, with
    no shortcut: what :meth:`Activations.step` must match array for array."""
    fired = np.zeros_like(acts.active)
    for k, iv in enumerate(acts.ivs):
        t = iv.trigger
        last = t.until_day if t.until_day is not None else np.iinfo(np.int32).max
        ending = acts.active[k] & (day > acts.until[k])
        acts.active[k] &= ~ending
        acts.next_allowed[k] = np.where(ending, day + t.cooldown_days, acts.next_allowed[k])
        budget = t.budget if t.budget is not None else np.iinfo(np.int32).max
        fire = (alive & ~acts.active[k] & (day >= acts.next_allowed[k]) & (acts.uses[k] < budget)
                & (t.from_day <= day) & (day <= last) & condition(t.when, t.threshold, figures))
        end = day + iv.duration_days - 1 if iv.duration_days is not None else last
        acts.until[k] = np.where(fire, np.minimum(end, last), acts.until[k])
        acts.active[k] |= fire
        acts.uses[k] += fire
        fired[k] = fire
    return fired, acts.active.copy()


def random_ivs(rng: np.random.Generator, k: int) -> list:
    """``k`` interventions with triggers drawn from small grids (windows, cooldowns, budgets,
    durations and each condition, each sometimes absent)."""
    def maybe(values):
        return None if rng.random() < 0.4 else int(rng.choice(values))
    out = []
    for _ in range(k):
        start = int(rng.integers(0, 10))
        until = maybe(range(start, 40))
        when = None if rng.random() < 0.3 else str(rng.choice(list(Metric)))
        out.append(make_iv(duration_days=maybe(range(1, 8)), from_day=start, until_day=until,
                           when=when, threshold=float(rng.choice([1, 2, 0.4])),
                           cooldown_days=int(rng.integers(0, 6)), budget=maybe(range(1, 5))))
    return out


def test_the_shortcuts_leave_every_array_as_the_plain_rule_does():
    # the shortcuts skip passes whose outcome is known (nothing can end, fire, or be held by
    # a cooldown); 30 random strategies of 3 interventions x 60 days x 50 worlds, with
    # figures and collapses drawn each day, must give the plain rule's arrays every day
    rng = np.random.default_rng(15)
    n, horizon = 50, 60
    for _ in range(30):
        ivs = random_ivs(rng, 3)
        fast, plain = Activations(ivs, n, horizon), Activations(ivs, n, horizon)
        alive = np.ones(n, dtype=bool)
        for day in range(horizon):
            alive &= rng.random(n) > 0.01
            figures = make_figures(n, violations_7d=rng.integers(0, 4, n),
                                   trust_below=rng.random(n), walkout=rng.random(n) < 0.2,
                                   in_trouble=rng.random(n) < 0.2)
            got, want = fast.step(day, figures, alive), reference_step(plain, day, figures, alive)
            for a, b in zip(got, want):
                assert_array_equal(a, b)
            for name in ("until", "next_allowed", "uses"):
                assert_array_equal(getattr(fast, name), getattr(plain, name))


def test_a_strategy_reads_only_the_figures_its_triggers_use():
    params = compile_params(make_quiet_scenario())
    state = State.initial(params, 3)
    assert set(metrics(state, {Metric.WALKOUT})) == {Metric.WALKOUT}
    assert set(metrics(state)) == set(Metric)
