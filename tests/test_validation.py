"""The validation scorecard's parts: interval helpers, claims as data, its scenarios, the CLI."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import sim.validation
from sim.cli import app
from sim.scenario import load, parse_yaml, read_text
from sim.sources import source_problems, unsourced
from sim.validation import CLAIMS, Claim, run_claims, to_markdown
from sim.validation.checks import Measured
from sim.validation.claims import EMERGES, IMPOSED, VALIDATION, VERIFICATION, Control
from sim.validation.stats import diff_of_diffs, mean_diff, period_hazard, rate_ratio, share_diff

ROOT = Path(__file__).resolve().parents[1]
VALIDATION_SCENARIOS = sorted((ROOT / "scenarios/validation").glob("*.yaml"))


def make_claim(passed: bool, claim_id: str = "fake", control: bool | None = None) -> Claim:
    """A claim whose check returns ``passed``; with ``control`` given, a negative control whose
    check returns that verdict."""
    result = Measured(0.5, 0.25, 0.75, passed, "made up | for the test")
    ctl = None if control is None else Control(
        "a made-up control", lambda worlds, seed: Measured(1.0, 0.5, 1.5, control, "ctl"))
    return Claim(claim_id, "A statement.", "Nobody 2000", ("x.yaml",), "a measure", "a rule",
                 lambda worlds, seed: result, VALIDATION if passed else VERIFICATION,
                 "made up", origin=EMERGES if passed else IMPOSED, control=ctl,
                 worlds=10, quick_worlds=5)


# ---------------------------------------------------------------- interval helpers
def test_period_hazard_counts_collapses_over_world_days_at_risk():
    t = np.array([5, 15, 40, 40])  # two worlds collapse on days 5 and 15, two hold to day 40
    e = np.array([True, True, False, False])
    # days 10-29: world 1 is at risk 5 days (10..14), worlds 2-3 20 days each; world 0 none
    assert period_hazard(t, e, 10, 30) == (1 / 45, 1, 45)
    assert period_hazard(t, e, 0, 10) == (1 / 35, 1, 35)  # 5 + 10 + 10 + 10 world-days


def test_rate_ratio_interval_is_exp_of_the_delta_method():
    ratio, lo, hi = rate_ratio(100, 1000, 50, 1000)
    half = 1.959963984540054 * math.sqrt(1 / 100 + 1 / 50)
    assert ratio == pytest.approx(2.0)
    assert (lo, hi) == pytest.approx((2 * math.exp(-half), 2 * math.exp(half)))
    assert math.isnan(rate_ratio(0, 10, 5, 10)[1])


def test_share_diff_and_diff_of_diffs():
    d, lo, hi = share_diff((60, 100), (40, 100))
    assert d == pytest.approx(0.2) and lo < 0.2 < hi and lo > 0  # 20 points on 100 each: clear
    est, lo, hi = diff_of_diffs([((90, 100), (50, 100)), ((90, 100), (80, 100))])
    var = 2 * 0.09 / 100 + 0.25 / 100 + 0.16 / 100  # four independent shares
    assert est == pytest.approx(0.3)
    assert hi - est == pytest.approx(1.959963984540054 * math.sqrt(var))


def test_mean_diff_is_welch():
    x1, x0 = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 3.0])
    d, lo, hi = mean_diff(x1, x0)
    se = math.sqrt(1.0 / 3 + 3.0 / 3)  # sample variances 1 and 3, three values each
    assert d == pytest.approx(1.0)
    assert (lo, hi) == pytest.approx((1 - 1.959963984540054 * se, 1 + 1.959963984540054 * se))


# ---------------------------------------------------------------- claims as data
def test_the_issue_claims_are_all_there():
    ids = {c.id for c in CLAIMS}
    assert {"early_hazard", "design_classes", "monitoring", "guarantee", "spoiler_damage",
            "spoiler_timing", "spoiler_types", "mediation_dilemma", "reduced_game",
            "syria_record", "types_learned", "partisan_guarantor", "patron_aid",
            "balance_shift"} <= ids
    assert len(ids) == len(CLAIMS)


def test_a_claim_is_verification_or_validation_with_a_reason():
    with pytest.raises(ValueError, match="kind must be 'verification' or 'validation'"):
        replace(make_claim(True), kind="proof")
    with pytest.raises(ValueError, match="with a reason in why"):
        replace(make_claim(True), why="")


def test_a_claim_says_whether_it_emerges_or_is_imposed():
    with pytest.raises(ValueError, match="origin must be 'emerges' or 'imposed'"):
        replace(make_claim(True), origin="")
    assert {c.origin for c in CLAIMS} == {EMERGES, IMPOSED}
    emerging = {c.id for c in CLAIMS if c.origin == EMERGES}
    assert {"early_hazard", "mediation_dilemma"} <= emerging and "guarantee" not in emerging


def test_the_claims_of_issues_18_and_19_carry_a_negative_control():
    with_control = {c.id for c in CLAIMS if c.control is not None}
    assert {"early_hazard", "mediation_dilemma", "types_learned", "partisan_guarantor",
            "patron_aid", "balance_shift"} <= with_control


def test_a_claim_whose_negative_control_also_passes_fails():
    rows = run_claims(claims=(make_claim(True, "specific", control=False),
                              make_claim(True, "unspecific", control=True)))
    assert [r.verdict for r in rows] == ["PASS", "FAIL"]
    assert rows[0].control_cell() == "1 (0.5 to 1.5): fails, as it must"
    assert rows[1].control_cell() == "1 (0.5 to 1.5): PASSES: not specific"
    text = to_markdown(rows, quick=True)
    assert "| **specific**: A statement. | validation | emerges |" in text
    assert "Negative control, a made-up control: ctl." in text
    assert "1 of 2 claims pass" in text and "2 emerge from mechanisms" in text


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_every_claim_names_source_scenario_rule_and_size(claim):
    assert claim.statement and claim.citation and claim.measure and claim.rule
    assert claim.worlds >= claim.quick_worlds >= 1000
    for path in claim.scenarios:
        load(ROOT / path)  # exists and validates


@pytest.mark.parametrize("path", VALIDATION_SCENARIOS, ids=lambda p: p.stem)
def test_every_validation_scenario_number_names_its_source(path):
    _, data = parse_yaml(read_text(path), str(path))
    assert unsourced(data) == []
    assert source_problems(data.get("sources", {}), ROOT) == []


def test_markdown_lists_each_claim_with_verdict_and_escapes_pipes():
    rows = run_claims(claims=(make_claim(True, "good"), make_claim(False, "bad")))
    text = to_markdown(rows, quick=False)
    assert "1 of 2 claims pass; 1 of them validation" in text and "1 verification" in text
    assert "1 emerge from mechanisms that do not state them, 1 are imposed" in text
    assert "| **good**: A statement. | validation | emerges |" in text
    assert "| **bad**: A statement. | verification | imposed |" in text
    assert "| PASS |" in text and "| FAIL |" in text
    assert "0.5 (0.25 to 0.75)" in text and "made up \\| for the test" not in text.split(
        "## Details")[0]


# ---------------------------------------------------------------- the command line
def test_validate_exits_1_when_a_claim_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(sim.validation, "CLAIMS", (make_claim(True, "ok"), make_claim(False)))
    out = tmp_path / "card.md"
    res = CliRunner().invoke(app, ["validate", "--quick", "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "1 claim(s) fail: fake" in res.output
    assert "| **fake**" in out.read_text()


def test_validate_exits_0_when_all_pass(monkeypatch, tmp_path):
    monkeypatch.setattr(sim.validation, "CLAIMS", (make_claim(True, "ok"),))
    res = CliRunner().invoke(app, ["validate", "--out", str(tmp_path / "card.md")])
    assert res.exit_code == 0, res.output
    assert "1 of 1 claims pass" in res.output


@pytest.mark.parametrize("args, message", [
    (["--claim", "nope"], "--claim: no claim 'nope'; expected one of: early_hazard"),
    (["--out", "/no/such/dir/card.md"], "--out: /no/such/dir is not a directory"),
])
def test_validate_bad_input_exits_2_with_a_message(args, message):
    res = CliRunner().invoke(app, ["validate", *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


# ---------------------------------------------------------------- the pages
def test_the_scorecard_page_lists_every_claim_with_its_kind():
    page = (ROOT / "docs" / "scorecard.md").read_text()
    for c in CLAIMS:
        assert f"| **{c.id}**: {c.statement} | {c.kind} |" in page, \
            f"{c.id}: run `trucesim validate --out docs/scorecard.md`"


# figures on docs/validation.md that are not measured: a z value, band edges, a parameter, and
# the arithmetic on the Syria figures (-ln(0.981)/30, -ln(0.0698/0.981)/150)
NOT_MEASURED = {"1.96", "0.90", "0.30", "0.15", "0.0006", "0.0176"}


def test_every_figure_the_validation_page_quotes_is_in_the_scorecard():
    text = (ROOT / "docs" / "validation.md").read_text()
    method = text[text.index("## Method, claim by claim"):text.index("## What this does not")]
    card = (ROOT / "docs" / "scorecard.md").read_text()
    quoted = set(re.findall(r"(?<![\d.])-?\d+\.\d{2,}(?!\d)", method)) - NOT_MEASURED
    assert quoted  # the page does quote figures
    assert sorted(q for q in quoted if q not in card) == [], \
        "docs/validation.md quotes figures the scorecard does not print"
