"""Priors in scenario files (issue 17): located errors for every bad prior, draws within the
support, the samplers against their analytic means, applying a draw, and coverage of every
value a shipped real case marks as an assumption or calibrated."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.priors import apply, draw, needing_priors, resolve, sample, without_prior
from sim.priors_schema import Dist, Prior
from sim.scenario import ScenarioError, load, parse_yaml, read_text
from tests.test_schema_errors import BASE, line_of, make_file

ROOT = Path(__file__).resolve().parents[1]
REAL_CASES = [ROOT / "scenarios/syria_2016.yaml", ROOT / "scenarios/syria_2016_monitored.yaml",
              *sorted((ROOT / "scenarios/cases").glob("*.yaml"))]
WIDE = 'source: "ignorance: wide"'
WALKOUT = f"{{dist: truncated_normal, mean: 3, sd: 2, low: 1, high: 9, {WIDE}}}"
GOOD = f"""\
priors:
  information.p_detect: {{dist: uniform, low: 0.2, high: 0.9, {WIDE}}}
  actors.north.behaviour.reciprocity: {{dist: beta, a: 2, b: 5, low: 0.1, high: 0.9, {WIDE}}}
  actors.*.stances.commitment: {{dist: triangular, low: 0.3, mode: 0.7, high: 1.0, {WIDE}}}
  actors.south.behaviour.walkout_threshold: {WALKOUT}
  information.p_false_alarm: {{dist: log_uniform, low: 0.001, high: 0.1, {WIDE}}}
"""


def with_priors(*lines: str) -> str:
    """BASE with a ``priors:`` section of these lines (each one prior)."""
    return BASE + "priors:\n" + "".join(f"  {line}\n" for line in lines)


def located(tmp_path, text: str, needle: str, path: str, *words: str) -> None:
    """Loading (and `trucesim run`) fails with one problem at the line of ``needle``, naming
    ``path`` and saying ``words``; exit 2, no traceback, nothing written."""
    file = make_file(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load(file)
    [p] = exc.value.problems
    assert (p.file, p.line, p.path) == (str(file), line_of(text, needle), path), str(p)
    assert all(w in p.expected for w in words), p.expected
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["run", str(file), "--worlds", "8", "--out", str(out)])
    assert done.exit_code == 2 and "Traceback" not in done.output and not out.exists()
    assert f"{file}:{p.line}: {path}" in done.output


def test_a_good_section_resolves_every_field_in_file_order(tmp_path):
    scn = load(make_file(tmp_path, BASE + GOOD))
    assert [r.path for r in resolve(scn)] == [
        "information.p_detect", "actors.north.behaviour.reciprocity",
        "actors.north.stances.commitment", "actors.south.stances.commitment",
        "actors.south.behaviour.walkout_threshold", "information.p_false_alarm"]
    assert [r.is_int for r in resolve(scn)] == [False] * 4 + [True, False]


def test_check_reports_the_priors(tmp_path):
    done = CliRunner().invoke(app, ["check", "--priors", str(make_file(tmp_path, BASE + GOOD))])
    assert done.exit_code == 0, done.output
    assert "5 priors over 6 fields" in done.stdout
    assert "prior actors.*.stances.commitment: triangular on [0.3, 1] (2 fields)" in done.stdout


# ------------------------------------------------------------------ located errors, one each
@pytest.mark.parametrize("key, needle, path, expected", [
    ("information.p_nothing", "p_nothing", "priors.information.p_nothing", "no field 'p_nothing'"),
    ("actors.*.spoiler.p_attack", "p_attack", "priors.actors.*.spoiler.p_attack",
     "matches no number"),
    ("meta.name", "meta.name", "priors.meta.name", "not a numeric field"),
    ("priors.x.low", "priors.x", "priors.priors.x.low", "holds no model value"),
])
def test_a_prior_on_a_path_that_holds_no_number(tmp_path, key, needle, path, expected):
    text = with_priors(f"{key}: {{dist: uniform, low: 0, high: 1, {WIDE}}}")
    located(tmp_path, text, needle, path, expected)


def test_support_above_the_fields_bound(tmp_path):
    text = with_priors(f"information.p_detect: {{dist: uniform, low: 0.5, high: 1.5, {WIDE}}}")
    located(tmp_path, text, "p_detect", "priors.information.p_detect.high",
            "within the bounds of information.p_detect (0..1)")


def test_support_below_an_integer_fields_bound(tmp_path):
    text = with_priors("actors.*.behaviour.walkout_threshold: "
                       f"{{dist: uniform, low: 0, high: 5, {WIDE}}}")
    for c in ("0.8", "0.7"):
        text = text.replace(f"stances: {{commitment: {c}}}",
                            f"stances: {{commitment: {c}}}\n"
                            "    behaviour: {walkout_threshold: 3}")
    located(tmp_path, text, "walkout_threshold: {dist",
            "priors.actors.*.behaviour.walkout_threshold.low",
            "(1..100)", "1 more")


def test_support_touching_an_open_bound(tmp_path):
    text = BASE + "    behaviour: {choice_spread: 0.5}\n" + "priors:\n" + \
        f"  actors.south.behaviour.choice_spread: {{dist: uniform, low: 0, high: 1, {WIDE}}}\n"
    located(tmp_path, text, "choice_spread: {", "priors.actors.south.behaviour.choice_spread.low",
            "(>0..10)")


def test_a_key_shadowed_by_an_earlier_one(tmp_path):
    text = with_priors(
        f"actors.*.stances.commitment: {{dist: uniform, low: 0, high: 1, {WIDE}}}",
        f"actors.north.stances.commitment: {{dist: uniform, low: 0, high: 1, {WIDE}}}")
    located(tmp_path, text, "actors.north.stances", "priors.actors.north.stances.commitment",
            "earlier key")


def test_a_field_named_by_index_and_by_id_is_one_field(tmp_path):
    text = with_priors(
        f"actors.1.stances.commitment: {{dist: uniform, low: 0, high: 1, {WIDE}}}",
        f"actors.south.stances.commitment: {{dist: uniform, low: 0, high: 1, {WIDE}}}")
    located(tmp_path, text, "actors.south.stances", "priors.actors.south.stances.commitment",
            "earlier key")


@pytest.mark.parametrize("prior, words", [
    ("{dist: beta, a: 2, low: 0, high: 1, SRC}", ("beta takes low, high, a, b", "missing b")),
    ("{dist: uniform, mode: 0.5, low: 0, high: 1, SRC}", ("mode is not one of its parameters",)),
    ("{dist: uniform, low: 0.6, high: 0.4, SRC}", ("low (0.6) must be below high (0.4)",)),
    ("{dist: log_uniform, low: 0, high: 0.4, SRC}", ("log_uniform needs low > 0",)),
    ("{dist: triangular, mode: 0.9, low: 0, high: 0.5, SRC}", ("mode (0.9) must lie in",)),
    ("{dist: truncated_normal, mean: 0.5, sd: 0, low: 0, high: 1, SRC}", ("greater than 0",)),
    ("{dist: gamma, low: 0, high: 1, SRC}", ("'uniform', 'log_uniform'",)),
    ("{dist: uniform, low: 0, high: 1}", ("required field is missing",)),
    ("{dist: uniform, low: 0, high: .inf, SRC}", ("finite number",)),
])
def test_bad_parameters(tmp_path, prior, words):
    text = with_priors("information.p_detect: " + prior.replace("SRC", WIDE))
    file = make_file(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load(file)
    [p] = exc.value.problems
    assert p.line == line_of(text, "p_detect") and p.path.startswith("priors.information.p_detect")
    assert all(w in p.expected for w in words), p.expected


def test_check_reports_every_bad_prior_in_one_pass(tmp_path):
    text = with_priors(f"information.p_nothing: {{dist: uniform, low: 0, high: 1, {WIDE}}}",
                       f"information.p_detect: {{dist: uniform, low: 0, high: 2, {WIDE}}}")
    done = CliRunner().invoke(app, ["check", str(make_file(tmp_path, text))])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "priors.information.p_nothing" in done.output
    assert "priors.information.p_detect.high" in done.output


# ---------------------------------------------------------------------------- draw and apply
def test_draws_are_seeded_and_integers_stay_integers(tmp_path):
    scn = load(make_file(tmp_path, BASE + GOOD))
    a, b = (draw(scn, 50, np.random.default_rng(7)) for _ in range(2))
    assert a.equals(b) and not a.equals(draw(scn, 50, np.random.default_rng(8)))
    assert a.shape == (50, 6) and a["actors.south.behaviour.walkout_threshold"].dtype == np.int64
    assert a["actors.south.behaviour.walkout_threshold"].between(1, 9).all()


def test_applying_a_draw_sets_exactly_those_fields(tmp_path):
    scn = load(make_file(tmp_path, BASE + GOOD))
    row = draw(scn, 1, np.random.default_rng(3)).iloc[0]
    new = apply(scn, row)
    north, south = new.actors
    assert new.information.p_detect == row["information.p_detect"]
    assert south.behaviour.walkout_threshold == row["actors.south.behaviour.walkout_threshold"]
    assert (north.stances.commitment, south.stances.commitment) == (
        row["actors.north.stances.commitment"], row["actors.south.stances.commitment"])
    assert new.meta == scn.meta and new.priors == scn.priors
    assert north.behaviour.reciprocity != scn.actors[0].behaviour.reciprocity


def test_a_drawn_share_of_tactical_signers_leaves_the_rest_committed():
    # Syria's government: committed 0.95, tactical 0.05; a draw of 0.3 must give 0.7 committed
    # (the types must sum to 1), and a draw of 0 a party that is always committed.
    scn = load("syria_2016")
    for tactical in (0.3, 0.0):
        new = apply(scn, {"actors.government.intent.types.tactical": tactical})
        gov = next(a for a in new.actors if a.id == "government")
        assert gov.intent.p_tactical == tactical
        assert gov.intent.types["committed"] == pytest.approx(1 - tactical)


@pytest.mark.parametrize("path", REAL_CASES[:3], ids=lambda p: p.stem)
def test_applying_no_values_gives_the_same_scenario(path):
    scn = load(path)
    assert apply(scn, {}) == scn


def test_applying_a_value_outside_the_schema_is_refused(tmp_path):
    scn = load(make_file(tmp_path, BASE + GOOD))
    with pytest.raises(ScenarioError, match="information.p_detect"):
        apply(scn, {"information.p_detect": 1.5})


def test_a_syria_draw_runs():
    scn = load("syria_2016")
    sets = draw(scn, 2, np.random.default_rng(1))
    doc = parse_yaml(read_text(ROOT / "scenarios/syria_2016.yaml"), "s")[1]
    assert sets.shape[1] == len(needing_priors(doc))
    from sim.runner import run

    result = run(apply(scn, sets.iloc[1]), "monitoring", worlds=16, seed=1, days=40)
    assert len(result.worlds) == 16


# ----------------------------------------------------------------------- sampling, property
FINITE = st.floats(-50, 50, allow_nan=False)


@st.composite
def priors(draw_) -> Prior:
    dist = draw_(st.sampled_from(list(Dist)))
    low = draw_(st.floats(0.001, 10) if dist is Dist.LOG_UNIFORM else FINITE)
    high = low + draw_(st.floats(1e-3, 50))
    shape = {Dist.TRUNCATED_NORMAL: {"mean": draw_(FINITE), "sd": draw_(st.floats(0.05, 20))},
             Dist.BETA: {"a": draw_(st.floats(0.1, 50)), "b": draw_(st.floats(0.1, 50))},
             Dist.TRIANGULAR: {"mode": draw_(st.floats(low, high))}}.get(dist, {})
    return Prior(dist=dist, low=low, high=high, source="ignorance: wide", **shape)


@given(priors(), st.integers(0, 2**32 - 1))
def test_every_draw_lies_in_the_support(prior, seed):
    x = sample(prior, 200, np.random.default_rng(seed))
    assert x.shape == (200,) and np.isfinite(x).all()
    assert (x >= prior.low).all() and (x <= prior.high).all()


def _normal_mean(mean: float, sd: float, low: float, high: float) -> float:
    """Mean of a normal truncated to [low, high].

    That is mean + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)).
    """
    a, b = (low - mean) / sd, (high - mean) / sd
    phi = [math.exp(-z * z / 2) / math.sqrt(2 * math.pi) for z in (a, b)]
    cdf = [0.5 * (1 + math.erf(z / math.sqrt(2))) for z in (a, b)]
    return mean + sd * (phi[0] - phi[1]) / (cdf[1] - cdf[0])


# analytic means, written independently of scipy's parametrisation
MEANS = [
    ({"dist": "uniform", "low": 0.2, "high": 0.9}, 0.55),
    ({"dist": "log_uniform", "low": 0.001, "high": 0.1}, (0.1 - 0.001) / math.log(100)),
    ({"dist": "beta", "a": 2, "b": 5, "low": 0.1, "high": 0.9}, 0.1 + 0.8 * 2 / 7),
    ({"dist": "triangular", "low": 0.3, "mode": 0.7, "high": 1.0}, 2.0 / 3),
    ({"dist": "truncated_normal", "mean": 0.2, "sd": 0.3, "low": 0.0, "high": 1.0},
     _normal_mean(0.2, 0.3, 0.0, 1.0)),
]


@pytest.mark.parametrize("spec, mean", MEANS, ids=[m[0]["dist"] for m in MEANS])
def test_samplers_have_their_analytic_means(spec, mean):
    # n = 40,000 draws of a variable on [low, high]: its sd is at most (high - low) / 2, so the
    # standard error of the mean is at most (high - low) / (2 * 200) and 4 standard errors are
    # (high - low) / 100 (a false failure has probability below 1e-4 per distribution).
    prior = Prior(**spec, source="ignorance: wide")
    x = sample(prior, 40_000, np.random.default_rng(2024))
    assert abs(x.mean() - mean) < (prior.high - prior.low) / 100


def test_samplers_follow_their_distribution_not_just_the_mean():
    # Kolmogorov-Smirnov against the triangular CDF, written out by hand: with n = 40,000 the
    # 0.1% critical value of D is sqrt(-ln(0.0005) / 2) / sqrt(n) = 1.95 / 200 = 0.0098.
    low, mode, high = 0.3, 0.7, 1.0
    prior = Prior(dist="triangular", low=low, mode=mode, high=high, source="ignorance: wide")
    x = np.sort(sample(prior, 40_000, np.random.default_rng(11)))
    cdf = np.where(x <= mode, (x - low) ** 2 / ((high - low) * (mode - low)),
                   1 - (high - x) ** 2 / ((high - low) * (high - mode)))
    n = len(x)
    d = max((np.arange(1, n + 1) / n - cdf).max(), (cdf - np.arange(n) / n).max())
    assert d < 0.0098


# --------------------------------------------------------------- shipped real cases: coverage
@pytest.mark.parametrize("path", REAL_CASES, ids=lambda p: p.stem)
def test_every_assumed_or_calibrated_value_of_a_real_case_has_a_prior(path):
    data = parse_yaml(read_text(path), str(path))[1]
    needed = needing_priors(data)
    assert len(needed) >= 20  # every real case has shared behaviour marked as an assumption
    assert without_prior(load(path), data) == []


def test_syria_priors_cover_the_interventions_effect_sizes():
    data = parse_yaml(read_text(ROOT / "scenarios/syria_2016.yaml"), "s")[1]
    needed = set(needing_priors(data))
    assert {"strategies.monitoring.interventions.0.p_verify",
            "strategies.guarantee.interventions.1.strength",
            "strategies.pressure.interventions.0.duration_days",
            "strategies.separation.interventions.0.cost_to_party"} <= needed
    assert "strategies.pressure.interventions.0.trigger.threshold" not in needed  # a lever


@given(priors())
def test_a_prior_written_to_a_file_reads_back_the_same(prior):
    import io

    from ruamel.yaml import YAML

    from sim.scenario import validate

    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump({"priors": {"information.p_detect":
                                                 prior.model_dump(mode="json", exclude_none=True)}},
                                     buf)
    data = parse_yaml(BASE, "base")[1] | parse_yaml(buf.getvalue(), "priors")[1]
    assert validate(data).priors["information.p_detect"] == prior


@given(st.integers(1, 99), st.integers(0, 98), st.integers(0, 2**32 - 1))
def test_integer_fields_draw_integers_within_the_support(low, width, seed):
    high = min(100, low + width + 1)
    text = BASE.replace("stances: {commitment: 0.8}",
                        "stances: {commitment: 0.8}\n    behaviour: {walkout_threshold: 3}")
    text += ("priors:\n  actors.north.behaviour.walkout_threshold: "
             f"{{dist: uniform, low: {low}, high: {high}, {WIDE}}}\n")
    from sim.scenario import validate

    scn = validate(parse_yaml(text, "t")[1])
    x = draw(scn, 100, np.random.default_rng(seed))["actors.north.behaviour.walkout_threshold"]
    assert x.dtype == np.int64 and x.between(low, high).all()
