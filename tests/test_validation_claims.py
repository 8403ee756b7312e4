"""Every claim of the scorecard, checked at the quick sample size (1,000 worlds per arm; the
reduced game 1,000 per policy pair, the partisan guarantor 2,000), with the negative controls
the scorecard runs itself, plus negative controls of the other claims: with the mechanism a
claim rests on switched off, the same check reports a failure, so these checks can fail.

Each decision rule is a 95% interval against a threshold (sim.validation.claims), so its width
follows from the sample size. Margins at these seeds (docs/validation.md, quick run): every
figure is at least 3.5 of its standard errors from its threshold. The closest are the partisan
guarantor, ln 1.62 = 0.48 against a log-scale SE of sqrt(1/687 + 1/1396 + 1/72 + 1/312) = 0.14
(3.5 SE), and design_classes: definitive - monitored = 0.023 with half-width 0.0126, so
SE = 0.0126 / 1.96 = 0.0064 and 0.023 / 0.0064 = 3.6; next the reduced game's largest |z|
against 4. A pass is therefore not luck of the seed, and a claim that broke would fail here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import load
from sim.validation import CLAIMS, checks, run_claims

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quick_rows():
    return {r.claim.id: r for r in run_claims(quick=True)}


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", [c.id for c in CLAIMS])
def test_claim_passes_at_the_quick_sample_size(quick_rows, claim_id):
    row = quick_rows[claim_id]
    assert row.worlds == row.claim.quick_worlds >= 1000
    assert row.result.passed, row.result.detail
    assert row.passed, f"negative control passes too: {row.control and row.control.detail}"


# ---- the negative controls the scorecard runs itself (issues 18 and 19): the claim's check
# where its condition is absent must fail the claim's rule; these pin how, at the quick size
@pytest.mark.slow
def test_with_every_party_committed_there_is_no_early_peak(quick_rows):
    # Negative control of the hidden types (frailty is off in the scenario): with no tactical
    # signer few truces fail at all (48 of 1,000 within the year at seed 1: 3 in week one, 5
    # in weeks 2-4), and no period's hazard clearly exceeds the next one's (week one / weeks
    # 2-4: 1.8, 95% interval 0.4-7.5), where the scenario as shipped gives 3.4 (2.7-4.3).
    control = quick_rows["early_hazard"].control
    assert not control.passed and control.lo < 1


@pytest.mark.slow
def test_without_hidden_types_there_is_no_mediation_dilemma(quick_rows):
    # The dilemma comes from the tactical signers that leverage holds back until it goes:
    # with every party committed, truces calm for 90 days fail no more after it (ratio 1.0,
    # 95% interval 0.46-2.15 at seed 1).
    control = quick_rows["mediation_dilemma"].control
    assert not control.passed and control.lo < 1


@pytest.mark.slow
def test_with_an_uninformative_signal_types_are_not_learned(quick_rows):
    # perfect information: every belief is the truth after week one (error exactly 0); with
    # the signal at 0.5 beliefs move only with acts, and the mean error stays near the prior's
    # (0.8 x 0.2 + 0.2 x 0.8 = 0.32; 0.27 measured, SE 0.008 over 2,000 beliefs)
    row = quick_rows["types_learned"]
    assert row.result.figure == 0.0 and row.control.lo > 0.2


@pytest.mark.slow
def test_a_guarantor_without_a_stake_does_not_shrink_its_guarantee(quick_rows):
    # stake 0: fighting never pays, so the two arms differ only by rare noisy choices; ratio
    # 0.91 (0.56-1.48) at 2,000 worlds, seed 1, where the partisan guarantor gives 1.6 (1.2-2.1)
    control = quick_rows["partisan_guarantor"].control
    assert not control.passed and control.lo < 1 < control.hi


@pytest.mark.slow
def test_aid_to_a_client_the_balance_does_not_favour_does_not_raise_its_violations(quick_rows):
    # aid lifts the client's strength and so the other side's gap closes: it fights less and
    # the client, which reciprocates, too (-8.5 violations, 95% interval -11.3 to -5.8: the
    # upper limit is 4 SE below 0 at 1,000 worlds)
    control = quick_rows["patron_aid"].control
    assert not control.passed and control.hi < 0


@pytest.mark.slow
def test_a_battlefield_whose_balance_does_not_move_adds_no_breakdowns(quick_rows):
    # equal strengths rearm and wear alike, so the balance stays 1/2 - 1/2 and the gains never
    # move: the moving and frozen battlefields are the same worlds, ratio exactly 1
    control = quick_rows["balance_shift"].control
    assert not control.passed and control.figure == 1.0


def test_the_generic_ceasefire_claims_use_no_frailty_and_no_coerced_calm_discount():
    # issue 18: the early hazard and the mediation dilemma come from the hidden types alone
    scn = load(ROOT / "scenarios/validation/civil_war_ceasefire.yaml")
    parties = [a for a in scn.actors if a.kind == "party"]
    assert all(a.stances.commitment_range == 0 for a in parties)
    assert all(a.behaviour.coerced_calm_discount == 0 for a in parties)
    assert all(a.intent.p_tactical > 0 for a in parties) and scn.beliefs.enabled
    assert checks.HAZARD_PERIODS == ((0, 7), (7, 28), (28, 180), (180, 365))


@pytest.mark.slow
def test_validate_command_runs_a_real_claim_and_writes_markdown(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    out = tmp_path / "card.md"
    res = CliRunner().invoke(app, ["validate", "--quick", "--claim", "reduced_game",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert "1 of 1 claims pass" in text and "| **reduced_game**" in text and "| PASS |" in text


# ---- negative controls for the other eight claims: with the mechanism off (or the arms
# swapped) the check must report a failure. Switching a mechanism off makes two arms identical
# worlds (common random numbers), so their difference is exactly 0 and its interval straddles
# 0 at any sample size; 500 worlds per arm keep these cheap.
NEG_WORLDS = 500


def _times_with(monkeypatch, change):
    """Route every run of a check through ``change(path, strategy, overrides)``."""
    real = checks._times

    def changed(path, worlds, seed, strategy="baseline", overrides=None):
        path, strategy, overrides = change(path, strategy, list(overrides or []))
        return real(path, worlds, seed, strategy, overrides)

    monkeypatch.setattr(checks, "_times", changed)


@pytest.mark.slow
def test_without_monitoring_or_talks_the_design_classes_do_not_differ(monkeypatch):
    monkeypatch.setattr(checks, "MONITORED", [])
    monkeypatch.setattr(checks, "DEFINITIVE", [])
    result = checks.design_classes(NEG_WORLDS, 1)
    assert not result.passed and result.figure == 0 and result.lo < 0 < result.hi


@pytest.mark.slow
def test_monitoring_claim_fails_with_the_arms_swapped(monkeypatch):
    # the baseline as the "monitored" arm: the hazard ratio is far above 1 (~100 at 500 worlds)
    monkeypatch.setattr(checks, "SYRIA", ROOT / "scenarios/syria_2016_monitored.yaml")
    monkeypatch.setattr(checks, "SYRIA_MONITORED", ROOT / "scenarios/syria_2016.yaml")
    result = checks.monitoring(NEG_WORLDS, 2016)
    assert not result.passed and result.lo > 1


@pytest.mark.slow
def test_without_the_guarantee_implementation_does_not_rise(monkeypatch):
    _times_with(monkeypatch, lambda path, strategy, over: (path, "baseline", over))
    result = checks.guarantee(NEG_WORLDS, 1)
    assert not result.passed and result.figure == 0 and result.lo < 0 < result.hi


@pytest.mark.slow
def test_when_attribution_and_trust_are_alike_spoiler_damage_is_alike(monkeypatch):
    monkeypatch.setattr(checks, "GOOD", checks.POOR)
    result = checks.spoiler_damage(NEG_WORLDS, 1)
    assert not result.passed and result.figure == 0 and result.lo < 0 < result.hi


@pytest.mark.slow
@pytest.mark.parametrize("check,before,after", [
    ("spoiler_timing", "base_rate=0.03", "base_rate=0.0"),  # no progress: no more strikes
    ("spoiler_types", "type=limited", "type=total"),  # a total spoiler cannot be induced
])
def test_without_the_mechanism_the_spoiler_claims_fail(monkeypatch, check, before, after):
    _times_with(monkeypatch, lambda path, strategy, over: (
        path, strategy, [o.replace(before, after) for o in over]))
    result = getattr(checks, check)(NEG_WORLDS, 1)
    assert not result.passed and result.figure == 0 and result.lo < 0 < result.hi


@pytest.mark.slow
def test_reduced_game_fails_against_the_chain_of_another_noise(monkeypatch):
    # the exact values of noise 0.10 against an engine playing with 0.05: cooperation rates
    # differ by up to ~0.08, dozens of standard errors at 300 worlds (SE ~0.002-0.02)
    from sim.validation import ipd

    real = ipd.exact_cooperation
    monkeypatch.setattr(ipd, "exact_cooperation",
                        lambda policies, noise, days: real(policies, 2 * noise, days))
    result = checks.reduced_game(300, 17)
    assert not result.passed and result.figure > 10


@pytest.mark.slow
def test_the_monitored_scenario_does_not_match_the_syria_record(monkeypatch):
    # monitoring stops the collapse the record shows: the walkout and trouble figures miss
    monkeypatch.setattr(checks, "SYRIA", ROOT / "scenarios/syria_2016_monitored.yaml")
    result = checks.syria_record(NEG_WORLDS, 2016)
    assert not result.passed and "MISSED" in result.detail
