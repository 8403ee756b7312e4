"""The codebook (docs/codebook.md): features -> scenario, targets and record by fixed rules.

Each shipped case must come out of its features byte for byte (so no case is tuned by hand);
bad features get located errors; the rules give the documented values; `trucesim new-case`
writes, refuses to overwrite, and fails with exit 2 and located messages.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.cli.cases import case_files
from sim.codebook import load_features, validate_features
from sim.codebook_build import build_scenario, build_targets
from sim.scenario import ScenarioError, parse_yaml, read_text, validate
from tests import docs_cases

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "scenarios" / "cases"
FEATURES = sorted((CASES / "features").glob("*.yaml"))


def make_features(**changes) -> dict:
    """The Syria September 2016 features as plain data, with top-level sections replaced."""
    _, data = parse_yaml(read_text(CASES / "features" / "syria_sep_2016.yaml"), "f.yaml")
    return {**copy.deepcopy(data), **changes}


def test_there_are_at_least_six_cases_with_records():
    records = {validate_features(parse_yaml(read_text(f), str(f))[1]).case.record
               for f in FEATURES}
    assert len(FEATURES) >= 6 and len(records) >= 6
    assert all((ROOT / r).is_file() for r in records)


@pytest.mark.parametrize("features", FEATURES, ids=lambda p: p.stem)
def test_shipped_case_is_its_features_rebuilt(features, monkeypatch):
    # the features' rel path is what the header quotes, so build from the repository root
    monkeypatch.chdir(ROOT)
    built = case_files(features.relative_to(ROOT), Path("scenarios/cases"))
    assert {p.as_posix() for p in built} == {f"scenarios/cases/{features.stem}.yaml",
                                             f"scenarios/cases/targets/{features.stem}.yaml"}
    for path, text in built.items():
        assert (ROOT / path).read_text() == text, f"{path}: rebuild with `trucesim new-case`"


def test_rules_give_the_documented_values():
    f = validate_features(make_features())
    scn = validate(build_scenario(f))
    gov, opp, russia, us = (next(a for a in scn.actors if a.id == i)
                            for i in ("government", "opposition", "russia", "us"))
    assert (gov.capability, gov.incentives.gain_from_fighting, gov.stances.commitment) == \
        (0.8, 0.35, 0.6)  # strong, winning, declared
    assert (opp.capability, opp.incentives.gain_from_fighting, opp.stances.commitment) == \
        (0.3, 0.15, 0.5)  # weak, losing, accepted
    assert opp.relations.spoiler_ties == {"jfs": 0.6}  # a strong tie
    # a guarantor that also fights shields its client; one that does not has no bias
    assert russia.relations.bias == {"government": 0.8, "opposition": -0.5}
    assert russia.legitimacy == 0.3 and us.relations.bias == {}
    # no mission: the Syria 2016 values; one outside offensive adds 0.02 to false alarms
    info = scn.information
    assert (info.p_verify, info.p_misattribution, info.p_false_alarm) == (0.2, 0.5, 0.08)


def test_game_rules_give_the_documented_values():
    f = validate_features(make_features())
    scn = validate(build_scenario(f))
    gov, opp, russia, us, envoy = (next(a for a in scn.actors if a.id == i) for i in
                                   ("government", "opposition", "russia", "us", "un_envoy"))
    # declared and accepted: one signer in five tactical; beliefs on, a common prior
    assert gov.intent.p_tactical == opp.intent.p_tactical == 0.2
    assert scn.beliefs.enabled and scn.beliefs.prior_committed is None
    # a guarantor that also fights fights for its client, with the Syria 2016 Russia's stake
    assert (russia.interests.fights_for, russia.interests.stake) == ("government", 0.9)
    assert russia.interests.counter_terrorism == 0.7  # groups are left outside
    # one that does not fight presses, rewards or stays out; a mediator keeps the fixed rule
    assert [str(a) for a in us.interests.actions] == ["press", "reward", "stay_out"]
    assert us.interests.fights_for is None and envoy.interests is None
    # day-0 lines where the parties' own strengths put them: 0.8^2 / (0.8^2 + 0.3^2)
    assert scn.battlefield.control == {"government": 0.877, "opposition": 0.123}


def test_a_patron_aids_and_a_signed_text_has_fewer_tactical_signers():
    data = make_features(excluded_groups=[], outside_offensives=[],
                         record_events=[])
    data["brokers"][1].update(role="patron")  # the US as the opposition's patron
    data["brokers"][0].update(role="patron")  # Russia: a patron that also fights
    data["parties"][0]["consent"] = "signed"
    scn = validate(build_scenario(validate_features(data)))
    gov, russia, us = (next(a for a in scn.actors if a.id == i)
                       for i in ("government", "russia", "us"))
    assert gov.intent.p_tactical == 0.1
    assert (us.interests.aid, us.interests.fights_for) == (0.01, None)
    assert "shield" in us.interests.actions and "fight" not in us.interests.actions
    assert (russia.interests.aid, russia.interests.fights_for) == (0.01, "government")
    assert russia.interests.counter_terrorism == 0.0  # no group left outside


def test_a_built_case_runs_with_brokers_who_decide():
    # the Syria September case: Russia (a guarantor that also fights) may fight, the US may not
    w = sim.run(sim.load(CASES / "syria_sep_2016.yaml"), worlds=50, seed=1, days=60).worlds
    assert (w["weeks_russia_fight"] > 0).any() and (w["weeks_us_fight"] == 0).all()
    assert set(w["collapse_backer"]) <= {"", "russia"}  # only a fighter backs a collapse


@pytest.mark.slow
def test_the_codebook_page_quotes_the_cases_before_and_after():
    # 10 cases x 2 runs of 400 worlds: the block docs/codebook.md shows is what they give now
    assert docs_cases.current() == docs_cases.block(), "run `python -m tests.docs_cases`"


def test_switching_the_game_off_gives_the_cases_as_they_were_built_before():
    _, data = parse_yaml(read_text(CASES / "syria_sep_2016.yaml"), "s.yaml")
    off = validate(docs_cases.game_off(data))
    assert off.beliefs.enabled is False and off.battlefield is None
    assert all(a.interests is None and a.intent.p_tactical == 0.0 for a in off.actors
               if a.kind in ("party", "broker"))


def test_a_verifying_mission_and_a_definitive_design():
    f = validate_features(make_features(
        design={"class": "definitive", "settles": "all", "source": "assumption"},
        monitoring={"mission": "joint", "mandate": "verify", "source": "assumption"},
        outside_offensives=[]))
    scn = validate(build_scenario(f))
    assert scn.talks.initial_progress == 1.0
    # a joint mission verifies 0.2 less than a third party would (0.8)
    assert (scn.information.p_verify, scn.information.p_false_alarm) == (0.6, 0.01)


def test_a_late_mission_is_an_intervention_of_the_cases_own_strategies():
    f = validate_features(make_features(
        monitoring={"mission": "observers", "mandate": "verify", "from_day": 30,
                    "source": "assumption"}))
    scn = validate(build_scenario(f))
    assert scn.information.p_verify == 0.2  # nobody watches on day 0
    for name in ("baseline", "as_happened"):
        (iv,) = scn.strategies[name].interventions
        assert (iv.kind, iv.trigger.from_day, iv.p_verify) == ("monitoring", 30, 0.8)


@pytest.mark.parametrize("ending, day, held, breakdown, censored", [
    ("breakdown", 7, {"7": False, "30": False, "90": False, "365": False}, 7, None),
    ("breakdown", 30, {"7": True, "30": False, "90": False, "365": False}, 30, None),
    ("expiry", 100, {"7": True, "30": True, "90": True, "365": None}, None, 100),
    ("holding", 400, {"7": True, "30": True, "90": True, "365": True}, None, 400),
])
def test_targets_say_what_the_record_can_say(ending, day, held, breakdown, censored):
    outcome = {"ending": ending, "day": day, "note": "n", "source": "assumption"}
    targets = build_targets(validate_features(make_features(outcome=outcome)))
    assert targets["held_at_day"] == held
    assert (targets["breakdown_day"], targets["censored_day"]) == (breakdown, censored)


@pytest.mark.parametrize("change, key, expected", [
    ({"design": {"class": "bare", "settles": "part", "source": "x"}}, "design:",
     "design: a definitive agreement settles 'part' or 'all'"),
    ({"monitoring": {"mission": "observers", "mandate": "none", "source": "x"}}, "monitoring:",
     "monitoring: a mission needs a mandate"),
    ({"talks": {"track": "lively", "source": "x"}}, "  track: lively",
     "talks.track: got 'lively'; Input should be 'none', 'stalled' or 'active'"),
    ({"outcome": {"ending": "breakdown", "day": 7, "note": "n"}}, "outcome:",
     "outcome.source: required field is missing"),
])
def test_bad_features_are_located(tmp_path, change, key, expected):
    path, text = write_features(tmp_path, make_features(**change))
    line = 1 + next(i for i, t in enumerate(text.splitlines()) if t.startswith(key))
    msgs = [str(p) for p in _raised(path)]
    assert any(m.startswith(f"{path}:{line}: {expected}") for m in msgs), msgs


def test_bad_references_are_located(tmp_path):
    data = make_features()
    data["excluded_groups"][0]["ties"] = {"oposition": "strong"}
    data["brokers"][1]["clients"] = ["rebels"]
    data["record_events"][2]["actor"] = "jfs"
    path, text = write_features(tmp_path, data)
    lines = text.splitlines()
    where = {m.split(": ", 2)[1]: int(m.split(":")[1]) for m in map(str, _raised(path))}
    assert "oposition" in lines[where["excluded_groups.jfs.ties.oposition"] - 1]
    assert "rebels" in lines[where["brokers.us.clients.0"] - 1]
    assert "actor: jfs" in lines[where["record_events.2.actor"] - 1]


def test_bad_brokers_are_located(tmp_path):
    data = make_features()
    data["brokers"][2]["also_fights"] = True  # the UN envoy, a mediator
    data["brokers"][0]["clients"] = []  # Russia fights for nobody
    data["brokers"][1].update(also_fights=True, clients=["government", "opposition"])
    path, text = write_features(tmp_path, data)
    lines = text.splitlines()
    msgs = {m.split(": ", 2)[1]: m for m in map(str, _raised(path))}
    line = {k: int(m.split(":")[1]) for k, m in msgs.items()}
    assert "a mediator does not fight" in msgs["brokers.un_envoy.also_fights"]
    assert "also_fights: true" in lines[line["brokers.un_envoy.also_fights"] - 1]
    assert "backs a party: list it in clients" in msgs["brokers.russia.clients"]
    assert "clients: []" in lines[line["brokers.russia.clients"] - 1]
    assert "its clients must share a side" in msgs["brokers.us.clients"]
    assert "clients:" in lines[line["brokers.us.clients"] - 1]


def test_new_case_exits_2_on_a_broker_that_fights_for_nobody(tmp_path):
    data = make_features()
    data["brokers"][0]["clients"] = []
    path, _ = write_features(tmp_path, data)
    res = CliRunner().invoke(app, ["new-case", str(path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "brokers.russia.clients" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "o").exists()


def write_features(tmp_path: Path, data: dict) -> tuple[Path, str]:
    buf = io.StringIO()
    YAML(typ="rt").dump(data, buf)
    path = tmp_path / "f.yaml"
    path.write_text(buf.getvalue())
    return path, buf.getvalue()


def _raised(path: Path) -> list:
    with pytest.raises(ScenarioError) as exc:
        load_features(path)
    return exc.value.problems


def test_new_case_writes_a_scenario_that_runs_and_a_record_skeleton(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the record named in the features does not exist here
    features = CASES / "features" / "nagorno_karabakh_oct_2020.yaml"
    result = CliRunner().invoke(app, ["new-case", str(features), "--out", "out"])
    assert result.exit_code == 0, result.output
    record = (tmp_path / "out" / "nagorno_karabakh_oct_2020.record.md").read_text()
    assert '<a id="excluded-groups"></a>' in record and "Day 0 = 2020-10-10" in record
    scenario = tmp_path / "out" / "nagorno_karabakh_oct_2020.yaml"
    run = CliRunner().invoke(app, ["run", str(scenario), "--worlds", "20", "--days", "30",
                                   "--strategy", "as_happened"])
    assert run.exit_code == 0, run.output
    again = CliRunner().invoke(app, ["new-case", str(features), "--out", "out"])
    assert again.exit_code == 2 and "exists; expected a new file (use --force" in again.output


def test_new_case_reports_bad_features_with_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = read_text(CASES / "features" / "yemen_2022.yaml").replace("strength: even",
                                                                     "strength: huge", 1)
    bad.write_text(text)
    line = 1 + text.splitlines().index("    strength: huge")
    result = CliRunner().invoke(app, ["new-case", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{bad}:{line}: parties.government.strength: got 'huge';" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
