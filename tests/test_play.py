"""Play mode (sim.play and `trucesim play`): a student plays one broker, week by week."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.events import What
from sim.model import TruceModel
from sim.play import Game, broker_actions, intervention_kinds, verdict
from sim.strategies import STANDARD

ROOT = Path(__file__).resolve().parents[1]
LAKELAND = ROOT / "scenarios" / "lakeland_teaching.yaml"
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"


@pytest.fixture(scope="module")
def lakeland():
    return sim.load(LAKELAND)


def kinds(actions) -> list[str]:
    return [a.kind for a in actions]


def play_all(game: Game, kind: str | None) -> Game:
    """Take the same action (or none) every week to the end."""
    choice = [kinds(game.actions).index(kind)] if kind else []
    while not game.finished:
        game.play_week(choice)
    return game


def test_actions_are_the_schemas_intervention_kinds_allowed_by_role(lakeland):
    every = {cls.model_fields["kind"].annotation.__args__[0] for cls in intervention_kinds()}
    mediator = kinds(broker_actions(lakeland, "regional_council"))
    patron = kinds(broker_actions(lakeland, "northern_republic"))
    assert set(mediator) | set(patron) <= every
    assert "mediation_meeting" in mediator and "pressure" not in mediator
    assert "pressure" in patron and "monitoring" not in patron
    # a guarantor may take every kind that has an effect here
    syria = sim.load(SYRIA)
    assert set(kinds(broker_actions(syria, "us"))) == every


def test_costs_are_the_standard_strategies_costs_for_the_actions_duration(lakeland):
    for action in broker_actions(lakeland, "regional_council"):
        standard = next(iv for s in STANDARD.values() for iv in s.interventions
                        if iv.kind == action.kind)
        assert action.cost == standard.cost_per_activation + standard.cost_per_day * action.days


def test_waiting_every_week_replays_the_baseline_world(lakeland):
    game = play_all(Game(lakeland, "regional_council", seed=4, world=9), None)
    base = TruceModel(lakeland, 1, 4, "baseline", first_world=9).run()
    assert game.model.state.day_collapse[0] == base.state.day_collapse[0]
    assert (game.model.state.n_violations == base.state.n_violations).all()
    assert game.spent == 0


@pytest.mark.parametrize("world", [0, 5])
def test_monitoring_every_week_is_the_scripted_monitoring_strategy(lakeland, world):
    """The student pays what the strategy pays and gets the same world (no new random draw)."""
    game = play_all(Game(lakeland, "regional_council", seed=2, world=world), "monitoring")
    scripted = TruceModel(lakeland, 1, 2, "monitoring", first_world=world).run()
    assert game.model.state.day_collapse[0] == scripted.state.day_collapse[0]
    assert (game.model.state.n_violations == scripted.state.n_violations).all()
    assert game.spent == pytest.approx(float(scripted.engine.cost[0]))


def test_a_chosen_meeting_is_convened_by_the_students_broker_that_week(lakeland):
    game = Game(lakeland, "regional_council", seed=1, world=0, days=21)
    meeting = kinds(game.actions).index("mediation_meeting")
    game.play_week([])
    week = game.play_week([meeting])
    fired = [e for e in week.events if e.what is What.INTERVENTION]
    assert [(e.day, e.actor, e.detail) for e in fired] == [
        (7, "regional_council", "mediation_meeting")]
    assert game.spent == game.actions[meeting].cost
    assert len(game.weeks) == 2 and game.day == 14


def test_only_brokers_can_be_played(lakeland):
    with pytest.raises(ValueError, match="not a broker"):
        Game(lakeland, "black_reed")


def test_verdict_compares_with_the_same_world_and_the_ensemble(lakeland):
    game = play_all(Game(lakeland, "regional_council", seed=3, world=2, days=60), None)
    v = verdict(game, worlds=40, strategies=["baseline", "monitors"])
    direct = TruceModel(lakeland, 1, 3, "baseline", first_world=2, days=60).run()
    d = int(direct.state.day_collapse[0])
    assert v.same_world["baseline"] == (d if d >= 0 else 60) == game.survival_days
    assert set(v.ensemble) == {"baseline", "monitors"}
    assert all(0 < m <= 60 for m in v.ensemble.values())
    assert v.lines()[0].startswith("You kept the truce alive")


def test_play_command_reads_one_line_per_week_from_stdin():
    script = "1\n\nnonsense\n2,3\n"  # a meeting; wait; (not understood, asked again); two
    result = CliRunner().invoke(app, ["play", str(LAKELAND), "--role", "regional_council",
                                      "--days", "28", "--worlds", "20", "--seed", "1"],
                                input=script, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Regional Council calls an urgent meeting" in out
    assert "a monitoring mission starts work" in out
    assert "not understood: 'nonsense'" in result.stderr
    assert out.count("Your move") == 5  # 4 weeks, one asked twice
    assert "Over 20 worlds" in out and "baseline" in out


def test_play_command_rejects_a_role_that_is_not_a_broker():
    result = CliRunner().invoke(app, ["play", str(LAKELAND), "--role", "black_reed"], input="")
    assert result.exit_code == 2
    assert "'black_reed' is not a broker; expected one of: regional_council" in result.stderr
