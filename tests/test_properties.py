"""Invariants over generated scenarios (tests/strategies.py): no NaN, probabilities and shares
in [0, 1], survival never rises, trust and commitment stay in [0, 1], and a scenario survives a
round trip through YAML. Derandomised by the ``ci`` profile (tests/conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import schema as S
from sim.model import TruceModel
from sim.rules import beliefs, brokers, decisions, spoilers
from sim.runner import run
from sim.scenario import parse_yaml, validate
from sim.state import TruceStatus
from tests.factories import dump_yaml
from tests.strategies import SEEDS, field, scenarios, section

WORLDS = 64


def in_unit(x) -> bool:
    x = np.asarray(x, dtype=float)
    return bool(np.all((x >= 0.0) & (x <= 1.0)))


def assert_no_nan(df: pd.DataFrame) -> None:
    floats = df.select_dtypes("floating")
    assert not floats.isna().any(axis=None), floats.columns[floats.isna().any()].tolist()


def assert_state_in_range(model: TruceModel) -> None:
    s = model.state
    for name in ("trust", "commitment", "pressure", "talks_progress"):
        value = getattr(s, name)
        assert not np.isnan(value).any(), name
        assert in_unit(value), (name, value.min(), value.max())
    assert in_unit(model.mean_trust_all)
    assert set(np.unique(s.status)) <= {int(t) for t in TruceStatus}
    # bargaining (compiled, in the same pass): demands, proposals, terms are outcomes in [0, 1]
    assert in_unit(s.demands) and in_unit(s.proposal) and in_unit(s.reservation_today)
    assert in_unit(s.terms[s.agreed]) and np.isnan(s.terms[~s.agreed]).all()
    assert (s.talks_rounds >= 0).all() and (s.talks_rounds <= model.day).all()


@given(scenarios(), SEEDS)
@settings(max_examples=60)
def test_state_stays_in_range_every_day(scn, seed):
    model = TruceModel(scn, n_worlds=WORLDS, seed=seed)
    collapsed = np.zeros(WORLDS, dtype=bool)
    while model.running:
        model.step()
        assert_state_in_range(model)
        now = model.state.status == TruceStatus.COLLAPSED
        assert not (collapsed & ~now).any(), "a collapse is absorbing"
        collapsed = now


@given(scenarios(), SEEDS)
@settings(max_examples=60)
def test_results_are_finite_shares_and_survival_never_rises(scn, seed):
    result = run(scn, worlds=WORLDS, seed=seed)
    worlds, daily = result.worlds, result.daily
    assert len(worlds) == WORLDS and len(daily) == scn.meta.horizon_days
    terms = [c for c in worlds if c.startswith("terms_")]
    assert_no_nan(worlds.drop(columns=terms))
    assert_no_nan(daily)
    agreed = worlds["day_agreement"].to_numpy() >= 0 if terms else None
    for c in terms:  # terms are NaN exactly on issues not (yet) agreed, else an outcome in [0, 1]
        settled = worlds[c].notna().to_numpy()
        assert np.all(settled[agreed]) and in_unit(worlds.loc[settled, c])
    unit_columns = [c for c in daily if c.startswith(("share_", "mean_"))]
    assert in_unit(daily[unit_columns])
    assert in_unit(worlds["talks_progress"])
    survival = 1.0 - daily["share_collapsed"].to_numpy()
    assert np.all(np.diff(survival) <= 0)
    for share in [result.summary["collapsed"], result.summary["walked_out"],
                  *filter(None, result.summary["survival"].values())]:
        assert in_unit([share["share"], *share["ci95"]])
        assert share["ci95"][0] <= share["share"] <= share["ci95"][1]


@given(scenarios(), SEEDS)
@settings(max_examples=40)
def test_each_world_row_is_consistent(scn, seed):
    w = run(scn, worlds=WORLDS, seed=seed).worlds
    horizon = scn.meta.horizon_days
    collapsed = w["is_collapsed"]
    assert (w["survival_days"] == np.where(collapsed, w["day_collapse"], horizon)).all()
    assert ((w["collapse_mode"] == "none") == ~collapsed).all()
    assert ((w["collapse_cause"] != "") == collapsed).all()
    assert (w["day_collapse"] < horizon).all()
    # trouble is counted up to the day a collapse is confirmed, which may follow its onset
    confirmed = np.where(collapsed, w["day_collapse_confirmed"], horizon)
    assert (w["days_in_trouble"] <= confirmed).all()
    assert (w["day_collapse"] <= w["day_collapse_confirmed"]).all()


@given(section(S.SpoilerTraits), field(S.Actor, "capability"), st.floats(0, 1),
       st.integers(0, 7), st.floats(0, 1e6), st.floats(0, 1))
def test_attack_probability_is_a_probability(traits, capability, progress, violent_days,
                                             offered, receptiveness):
    s = S.SpoilerTraits(**traits)
    mom = spoilers.momentum(progress, violent_days)
    p = spoilers.attack_probability(s.p_attack, capability, s.provocation, mom)
    assert in_unit(mom) and in_unit(p)
    assert in_unit(spoilers.restrained(p, receptiveness, offered))


@given(section(S.Behaviour), section(S.Incentives), field(S.Stances, "commitment"),
       st.floats(0, 1), st.floats(0, 1), st.booleans(), st.floats(0, 1), st.floats(0, 1))
def test_decision_probabilities_are_probabilities(behaviour, incentives, commitment, progress,
                                                  pressure, provoked, bonus, inducement):
    b, i = S.Behaviour(**behaviour), S.Incentives(**incentives)
    m = decisions.motive(i.gain_from_fighting, i.cost_of_fighting, i.value_of_settlement,
                         i.sensitivity_to_pressure, progress, True, pressure, 0.0, inducement)
    p_opp = decisions.opportunity(min(1.0, commitment + bonus), m, b.choice_spread)
    assert not np.isnan(p_opp) and in_unit(p_opp) and in_unit(b.reciprocity * provoked)


@given(st.floats(0, 1), st.integers(0, 50), st.floats(0, 1), st.floats(0, 1),
       st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_beliefs_and_pressure_stay_in_the_unit_interval(trust, hostile, build, loss,
                                                         pressure, added, decay):
    assert in_unit(beliefs.update_trust(trust, hostile, build, loss))
    assert in_unit(beliefs.update_commitment(trust, pressure, decay))
    assert in_unit(beliefs.coerced_share(build, added))
    assert in_unit(brokers.update_pressure(pressure, added * 10, decay))


@given(scenarios())
@settings(max_examples=60)
def test_yaml_round_trip(scn):
    text = dump_yaml(scn.model_dump(mode="json"))
    doc, data = parse_yaml(text, "<round-trip>")
    assert validate(data, "<round-trip>", doc) == scn
