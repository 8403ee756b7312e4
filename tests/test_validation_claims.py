"""Every claim of the scorecard, checked at the quick sample size (1,000 worlds per arm; the
reduced game 1,000 per policy pair), plus negative controls: with the mechanism a claim rests
on switched off, the same check reports a failure, so these checks can fail.

Each decision rule is a 95% interval against a threshold (sim.validation.claims), so its width
follows from the sample size. Margins at these seeds (docs/validation.md, quick run): every
figure is at least 3.5 of its standard errors from its threshold. The closest is design_classes:
definitive - monitored = 0.023 with half-width 0.0126, so SE = 0.0126 / 1.96 = 0.0064 and
0.023 / 0.0064 = 3.6; next the reduced game's largest |z| = 0.6 against 4. A pass is therefore
not luck of the seed, and a claim that broke would fail here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.validation import CLAIMS, checks, run_claims

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quick_rows():
    return {r.claim.id: r for r in run_claims(quick=True)}


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", [c.id for c in CLAIMS])
def test_claim_passes_at_the_quick_sample_size(quick_rows, claim_id):
    row = quick_rows[claim_id]
    assert row.worlds == 1000
    assert row.result.passed, row.result.detail


def _ceasefire_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "scenarios/validation/civil_war_ceasefire.yaml").read_text()
    assert old in text
    path = tmp_path / "ceasefire.yaml"
    path.write_text(text.replace(old, new))
    return path


ALL_COMMITTED = [f"actors.{p}.intent.types.{t}={v}" for p in ("government", "rebels")
                 for t, v in (("committed", 1.0), ("tactical", 0.0))]


@pytest.mark.slow
def test_with_every_party_committed_there_is_no_early_peak():
    # Negative control of the hidden types (frailty is off in the scenario): with no tactical
    # signer few truces fail at all (48 of 1,000 within the year at seed 1: 3 in week one, 5
    # in weeks 2-4), and no period's hazard clearly exceeds the next one's (week one / weeks
    # 2-4: 1.8, 95% interval 0.4-7.5), where the scenario as shipped gives 3.4 (2.7-4.3).
    result = checks.early_hazard(1000, 1, overrides=ALL_COMMITTED)
    assert not result.passed and result.lo < 1


@pytest.mark.slow
def test_without_hidden_types_there_is_no_mediation_dilemma(tmp_path, monkeypatch):
    # The dilemma comes from the tactical signers that leverage holds back until it goes:
    # with every party committed, truces calm for 90 days fail less, not more, after it.
    path = _ceasefire_with(tmp_path, "types: {committed: 0.8, tactical: 0.2}",
                           "types: {committed: 1.0}")
    monkeypatch.setattr(checks, "CEASEFIRE", path)
    result = checks.mediation_dilemma(1000, 1)
    assert not result.passed


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
