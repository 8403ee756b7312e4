"""Play mode as a broker who decides (sim.play_broker, `trucesim play --as`): the student makes
the weekly choice the model's rule makes for one broker with interests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.model import TruceModel
from sim.play_broker import BrokerGame, broker_verdict
from sim.scenario import validate
from tests.factories import make_broker, make_party, make_scenario_data, write_scenario

ROOT = Path(__file__).resolve().parents[1]
BROKERS = ROOT / "examples" / "syria_2016_brokers.yaml"
PERFECT_SIGHT = {"p_detect": 1.0, "p_false_alarm": 0.0, "noise": 0.0}
NEVER_COLLAPSES = {"collapse_window_days": 365, "collapse_violent_days": 365}
NO_NOISE = [f"actors.{b}.interests.choice_spread=0.0" for b in ("russia", "us", "iran")]


def make_game_data(horizon: int = 28) -> dict:
    """North violates every day, south never, and the truce never collapses; a patron of north
    (press, shield or stay out) and a mediator who decides (press, reward or stay out), neither
    with choice noise; an observer without interests."""
    backer = make_broker("backer", role="patron", clients=["north"])
    backer["interests"] = {"stake": 0.9, "truce_value": 0.1, "enforcement_cost": 0.1,
                           "choice_spread": 0.0, "actions": ["press", "shield", "stay_out"]}
    envoy = make_broker("envoy", leverage={"north": 0.5, "south": 0.5})
    envoy["interests"] = {"truce_value": 0.8, "enforcement_cost": 0.1, "choice_spread": 0.0}
    return make_scenario_data(make_party("north", policy="always_violate"),
                              make_party("south", policy="always_comply"), backer, envoy,
                              make_broker("observer"), horizon=horizon,
                              information=PERFECT_SIGHT, truce=NEVER_COLLAPSES)


@pytest.fixture(scope="module")
def scn():
    return validate(make_game_data(), "<test>")


def test_the_actions_are_the_compiled_rules_and_their_utilities_are_the_rules(scn):
    game = BrokerGame(scn, "backer")
    assert game.actions == ["press", "shield", "stay_out"]
    assert BrokerGame(scn, "envoy").actions == ["press", "reward", "stay_out"]  # a mediator
    # day 0: no record, every utility 0
    assert [(o.action, o.utility) for o in game.options()] == [
        ("press", 0.0), ("shield", 0.0), ("stay_out", 0.0)]
    game.play_week("stay_out")
    # day 7: north violated 7 of 7 days, south none: x = 7 / 14 = 0.5, x_c = 1;
    # U(press) = (0.1 - 0.1) 0.5 - 0.9 = -0.9; U(shield) = (0.9 - 0.1) 1 = 0.8
    got = {o.action: o.utility for o in game.options()}
    assert got == pytest.approx({"press": -0.9, "shield": 0.8, "stay_out": 0.0})
    assert game.best() == "shield"


def test_the_students_choice_is_the_brokers_action_and_the_others_decide_as_usual(scn):
    game = BrokerGame(scn, "backer")
    for action in ("stay_out", "press", "press", "shield"):
        game.play_week(action)
    s = game.model.state
    assert s.n_broker_actions[0, 0].tolist() == [2, 1, 0, 0, 1]  # by code: press .. stay out
    assert s.broker_action[0, 0] == 1  # shield, this week
    assert s.n_broker_actions[0, 1].sum() == 4  # the envoy chose every week by itself
    # credibility learnt from conduct in weeks with violations (rate 0.3): stayed out in
    # week 1 (1 -> 0.7), pressed in weeks 2 and 3 (-> 0.79 -> 0.853)
    assert s.credibility[0, 0] == pytest.approx(0.853)


@pytest.mark.parametrize("broker", ["russia", "us"])
def test_playing_the_models_choice_every_week_replays_the_models_world(broker):
    # without choice noise the model's broker takes the action of highest utility; the first
    # broker (russia) also sees the same actions of the others as the rule does
    scn = sim.load(BROKERS, NO_NOISE)
    for seed in (1, 2):
        game = BrokerGame(scn, broker, seed=seed, days=120)
        while not game.finished:
            game.play_week(game.best())
        model = TruceModel(scn, 1, seed, days=120)
        while model.running and model.state.day_collapse[0] < 0:
            model.step()
        for name in ("broker_action", "credibility", "n_broker_actions", "control",
                     "day_collapse", "n_violations"):
            assert np.array_equal(getattr(game.model.state, name),
                                  getattr(model.state, name)), (broker, seed, name)


def test_another_choice_changes_the_world(scn):
    shielded, pressed = BrokerGame(scn, "backer"), BrokerGame(scn, "backer")
    for _ in range(3):
        shielded.play_week("shield")
        pressed.play_week("press")
    assert pressed.model.state.pressure[0, 0] > shielded.model.state.pressure[0, 0]


def test_bad_brokers_and_actions_say_what_is_allowed(scn):
    with pytest.raises(ValueError, match="'nobody' is not a broker; expected one of: backer"):
        BrokerGame(scn, "nobody")
    with pytest.raises(ValueError, match="'observer' has no interests.*decide: backer, envoy"):
        BrokerGame(scn, "observer")
    envoy, backer = BrokerGame(scn, "envoy"), BrokerGame(scn, "backer")
    with pytest.raises(ValueError, match=r"a mediator cannot 'fight' \(its role allows: "
                                         r"press, reward, stay_out\)"):
        envoy.play_week("fight")
    with pytest.raises(ValueError, match="backer does not consider 'reward'"):
        backer.check("reward")
    with pytest.raises(ValueError, match="'retreat' is not a broker's action"):
        backer.check("retreat")
    assert backer.check("Stay out") == "stay_out"
    assert envoy.day == 0  # nothing was played


def test_the_verdict_compares_with_the_models_broker_in_the_same_world(scn):
    game = BrokerGame(scn, "backer")
    while not game.finished:
        game.play_week("press")
    with pytest.raises(ValueError, match="the game is over"):
        game.play_week("press")
    v = broker_verdict(game, "Backer", worlds=20)
    # the same world with the model's backer: press on day 0 (all utilities 0, the first),
    # then shield in the three weeks left (U = 0.8 > 0)
    assert v.yours == {"press": 4, "shield": 0, "reward": 0, "fight": 0, "stay_out": 0}
    assert v.model_choices == {"press": 1, "shield": 3, "reward": 0, "fight": 0, "stay_out": 0}
    assert (v.survival_days, v.model_days, v.ensemble_days) == (28, 28, 28.0)
    assert v.lines() == [
        "You kept the truce alive to the horizon (of 28), choosing press 4 weeks.",
        "In this same world, with Backer deciding as the model does, it held 28 days; the "
        "model's Backer chose shield 3 weeks, press 1 week.",
        "Over 20 worlds with the model's Backer the truce holds 28 days on average."]


def play(args: list[str], script: str):
    return CliRunner().invoke(app, ["play", *args], input=script, env={"COLUMNS": "200"})


def test_play_as_a_broker_reads_one_action_per_week(tmp_path):
    path = write_scenario(tmp_path, make_game_data())
    result = play([str(path), "--as", "backer", "--worlds", "10"], "2\nshield\n\npress\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "you are Backer (backer), a patron" in out
    assert "2. shield North" in out and "utility +0.800" in out  # day 7's utility
    assert "Backer shields North from the others' pressure" in out
    assert out.count("Your move") == 4  # 28 days: four weeks
    assert "choosing shield 3 weeks, press 1 week" in out  # the blank line: the best, shield
    assert "Over 10 worlds with the model's Backer" in out


@pytest.mark.parametrize("args, script, words", [
    (["--as", "envoy"], "press\nfight\n",
     "standard input, line 2: a mediator cannot 'fight' (its role allows: press, reward, "
     "stay_out)"),
    (["--as", "backer"], "\n\n7\n", "standard input, line 3: '7': expected a number from 1 to 3"),
    (["--as", "nobody"], "", "--as: 'nobody' is not a broker; expected one of: backer, envoy"),
    (["--as", "observer"], "", "--as: 'observer' has no interests in this scenario"),
    (["--as", "backer", "--role", "envoy"], "", "--as and --role"),
])
def test_play_as_rejects_bad_brokers_and_actions_with_exit_2(tmp_path, args, script, words):
    path = write_scenario(tmp_path, make_game_data())
    result = play([str(path), *args, "--worlds", "10"], script)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output
