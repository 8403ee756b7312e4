"""Numbers stay numbers at the edges of the valid parameter space.

Generated scenarios (tests/strategies.py) have every bounded number pushed to one of its
bounds — probabilities 0 or 1, spreads and tolerances at the smallest positive float, counts
at their maxima — and must still give: no NaN or infinity in the state or in any output (the
only NaN allowed is ``terms_<issue>`` of a world whose talks did not settle that issue, as
docs/model.md says), probabilities and shares in [0, 1], survival never rising, strict JSON
summaries, and the same bytes for the same seed.
"""

from __future__ import annotations

import json
import math
import types
from typing import Annotated, Union, get_args, get_origin

import annotated_types as at
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import schema as S
from sim.interventions_schema import Trigger
from sim.model import TruceModel
from sim.runner import compare, run
from sim.scenario import validate
from tests.factories import make_party, make_scenario, make_spoiler
from tests.strategies import INTERVENTION_KINDS, SEEDS, _ordered_window, scenario_data

WORLDS = 32
TINY = 5e-324  # the smallest positive float: a `gt=0` bound at its edge
KEEP = {"horizon_days", "day", "from_day", "until_day", "start_day"}  # cross-checked days


def _bounds(annotation, meta=()) -> tuple[float, float] | None:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        extra = [m for a in args[1:] for m in getattr(a, "metadata", [a])]
        return _bounds(args[0], [*meta, *extra])
    if origin in (Union, types.UnionType) and type(None) in args:
        return _bounds(next(a for a in args if a is not type(None)), meta)
    if annotation not in (int, float):
        return None
    lo = hi = None
    for m in meta:
        lo = m.ge if isinstance(m, at.Ge) else (TINY if isinstance(m, at.Gt) else lo)
        hi = m.le if isinstance(m, at.Le) else hi
    return (lo, hi) if lo is not None and hi is not None else None


def _model_of(annotation):
    """The pydantic model (or dict/list of models) a field holds, if any."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _model_of(args[0])
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _model_of(inner[0]) if len(inner) == 1 else None
    return annotation


def _extremise(draw, data, model):
    """Push every bounded number of ``data`` (a dict for ``model``) to a bound, in place."""
    for name, info in model.model_fields.items():
        if name not in data or data[name] is None or name in KEEP:
            continue
        b = _bounds(info.annotation, info.metadata)
        if b is not None and not isinstance(data[name], bool):
            data[name] = draw(st.sampled_from(b))
            continue
        inner = _model_of(info.annotation)
        origin, args = get_origin(inner), get_args(inner)
        if isinstance(inner, type) and issubclass(inner, S.Strict) and isinstance(data[name], dict):
            _extremise(draw, data[name], inner)
        elif origin is dict:
            vb = _bounds(args[1])
            for k, v in data[name].items():
                if vb is not None:
                    data[name][k] = draw(st.sampled_from(vb))
                elif isinstance(v, dict) and isinstance(args[1], type):
                    _extremise(draw, v, args[1])
        elif origin is list:
            for item in data[name]:
                if isinstance(item, dict):
                    _extremise(draw, item, _item_model(args[0], item))
    return data


def _item_model(annotation, item):
    if isinstance(annotation, type) and issubclass(annotation, S.Strict):
        return annotation
    kinds = {get_args(m.model_fields["kind"].annotation)[0]: m for m in INTERVENTION_KINDS}
    return kinds.get(item.get("kind"), Trigger)


@st.composite
def extreme_scenarios(draw):
    data = draw(scenario_data())
    data = _extremise(draw, data, S.Scenario)
    data["truce"] = _ordered_window(data["truce"])
    for a in data["actors"]:  # a type distribution at a bound still sums to 1
        if "intent" in a:
            q = a["intent"]["types"]["tactical"]
            a["intent"]["types"] = {"committed": 1.0 - q, "tactical": q}
    return validate(data, "<extreme>")


def finite(x) -> bool:
    return bool(np.all(np.isfinite(np.asarray(x, dtype=float))))


def in_unit(x) -> bool:
    x = np.asarray(x, dtype=float)
    return bool(np.all((x >= 0.0) & (x <= 1.0)))


def assert_state_sane(model: TruceModel) -> None:
    s = model.state
    for name in ("trust", "commitment", "pressure", "talks_progress"):
        assert in_unit(getattr(s, name)), name  # in [0, 1] also rules out NaN
    for name, value in s._asdict().items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f" and name != "terms":
            assert finite(value), name
    # the talks: settled terms are outcomes in [0, 1], NaN exactly on the open issues
    assert in_unit(s.terms[s.agreed]) and np.isnan(s.terms[~s.agreed]).all()
    assert in_unit(s.demands) and in_unit(s.proposal) and in_unit(s.reservation_today)


def assert_outputs_sane(result, horizon: int) -> None:
    w, d = result.worlds, result.daily
    terms = [c for c in w if c.startswith("terms_")]
    floats = w.drop(columns=terms).select_dtypes("number")
    assert finite(floats), floats.columns[~np.isfinite(floats.to_numpy(float)).all(0)].tolist()
    if terms:  # NaN exactly where the issue was not settled; else an outcome in [0, 1]
        agreed = w["day_agreement"].to_numpy() >= 0
        for c in terms:
            settled = w[c].notna().to_numpy()
            assert settled[agreed].all() and in_unit(w.loc[settled, c])
    assert finite(d.select_dtypes("number"))
    assert in_unit(d[[c for c in d if c.startswith(("share_", "mean_"))]])
    survival = 1.0 - d["share_collapsed"].to_numpy()
    assert np.all(np.diff(survival) <= 0) and len(d) == horizon
    json.dumps(result.summary, allow_nan=False)  # strict JSON: no NaN or Infinity


@given(extreme_scenarios(), SEEDS)
@settings(max_examples=30)
def test_extreme_parameters_keep_numbers_finite_and_in_range(scn, seed):
    model = TruceModel(scn, n_worlds=WORLDS, seed=seed)
    while model.running:
        model.step()
        assert_state_sane(model)
    assert_outputs_sane(run(scn, worlds=WORLDS, seed=seed), scn.meta.horizon_days)


def test_the_extremes_strategy_reaches_the_bounds():
    """Not vacuous: generated probabilities sit at 0 or 1 and spreads at the tiny bound."""
    seen = set()

    @given(extreme_scenarios())
    @settings(max_examples=20)
    def collect(scn):
        seen.update(scn.information.model_dump().values())
        for a in scn.actors:
            seen.update(v for v in a.behaviour.model_dump().values() if isinstance(v, float))

    collect()
    assert {0.0, 1.0, TINY} <= seen


def _parties(**kw):
    return [make_party("north", **kw), make_party("south", **kw)]


def test_horizon_of_one_day_and_of_ten_years():
    for horizon, worlds in ((1, 64), (3650, 4)):
        scn = make_scenario(*_parties(), horizon=horizon)
        assert_outputs_sane(run(scn, worlds=worlds, seed=3), horizon)


def test_issues_nobody_cares_about():
    """Zero salience on every issue: the weights cannot be normalised, nothing may be NaN."""
    zero = {"a": {"ideal": 0.0, "salience": 0.0}, "b": {"ideal": 1.0, "salience": 0.0}}
    scn = make_scenario(make_party("north", positions=zero),
                        make_party("south", positions={k: {**v, "ideal": 1 - v["ideal"]}
                                                       for k, v in zero.items()}),
                        issues=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}])
    assert_outputs_sane(run(scn, worlds=64, seed=5), scn.meta.horizon_days)


def test_a_truce_overrun_by_total_spoilers():
    spoilers = [make_spoiler(f"s{i}", p_attack=1.0, provocation=10.0) for i in range(8)]
    for s in spoilers:
        s["capability"] = 1.0
    ties = {"spoiler_ties": {s["id"]: 1.0 for s in spoilers}}
    scn = make_scenario(make_party("north", 0.0, relations=ties),
                        make_party("south", 1.0, relations=ties), *spoilers,
                        information={"p_misattribution": 1.0, "p_false_alarm": 1.0,
                                     "noise": 1.0})
    assert_outputs_sane(run(scn, worlds=64, seed=7), scn.meta.horizon_days)


def test_same_seed_same_bytes(tmp_path):
    scn = make_scenario(*_parties(commitment=0.6), make_spoiler("raiders", 0.3), horizon=90)
    for name in ("a", "b"):
        run(scn, worlds=200, seed=11).write(tmp_path / name)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["daily.csv", "daily.parquet", "summary.json", "worlds.parquet"]
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_same_seed_same_comparison():
    scn = make_scenario(*_parties(commitment=0.6), horizon=60, strategies={
        "baseline": {}, "monitoring": {"interventions": [{"kind": "monitoring"}]}})
    a, b = (compare(scn, ["baseline", "monitoring"], 100, 13, workers=1) for _ in range(2))
    for name in ("baseline", "monitoring"):
        ra, rb = a.runs[name], b.runs[name]
        assert ra.worlds.equals(rb.worlds) and json.dumps(ra.summary) == json.dumps(rb.summary)
    assert math.isfinite(a.runs["monitoring"].summary["mean_intervention_cost"])

