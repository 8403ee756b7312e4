"""Every real case of the library (scenarios/cases/) in the dashboard: the menu offers it by
name with its dates and ending, it runs, its strategies are compared and it is played as each
of its brokers, and its dated record is shown beside the run (sim.viz.record,
sim.viz.case_panels). The cases are whatever the folder holds: nothing here reads a case's
content beyond the files' schema."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.calibrate_joint import CASES_DIR, case_ids
from sim.codebook import Ending
from sim.play import Game
from sim.play_broker import BrokerGame
from sim.schema import ActorKind
from sim.shipped import names
from sim.strategies import STANDARD, available
from sim.viz.dashboard import (
    dashboard_model,
    judge,
    run_block,
    survival_curve,
    survival_figure,
    world_csv,
    world_figure,
)
from sim.viz.page import game_for
from sim.viz.record import (
    CaseRecord,
    RecordFileEvent,
    event_lines,
    menu,
    model_vs_record,
    outcome_line,
    record_file,
    record_of,
    short_outcome,
)
from sim.yamlio import ScenarioError
from tests.test_dashboard import LAKELAND

CASES = case_ids()
VERDICT_WORLDS = 4  # the compare path, not its figures: a few worlds per strategy


def test_the_library_has_the_issues_six_cases_at_least():
    assert len(CASES) >= 6, CASES


def days_of(model, n: int) -> None:
    for _ in range(n):
        if model.running:
            model.step()


@pytest.mark.parametrize("case", CASES)
def test_each_case_runs_in_the_dashboard_beside_its_record(case):
    path = CASES_DIR / f"{case}.yaml"
    rec = record_of(path)
    assert rec is not None and rec.case == case
    model = dashboard_model(path, [])(seed="1")
    days_of(model, 3)
    assert model.day == 3 and len(world_figure(model).axes) == 2
    assert world_csv(model).splitlines()[0].startswith(f"# {model.config.meta.name}")
    collapse = sim.run(model.config, "baseline", worlds=64, seed=1).worlds["day_collapse"]
    collapse = collapse.to_numpy()
    fig = survival_figure(collapse, model.params.horizon, 3, rec)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels[0] == "the model: share of worlds holding"
    assert any(label.startswith("the record") for label in labels) == any(
        h is not None and d <= model.params.horizon for d, h in rec.held_at_day.items())
    holding = survival_curve(collapse, model.params.horizon)
    lines = model_vs_record(rec, holding, len(collapse))
    assert len(lines) == len(rec.held_at_day)
    assert len(event_lines(rec, {})) == len(rec.events)


@pytest.mark.parametrize("case", CASES)
def test_each_case_is_compared_under_every_strategy_and_played_as_each_broker(case):
    """The dashboard's compare path (the verdict: every strategy the menu offers, the case's own
    and the standard set) after a game as each broker, launching interventions; and deciding,
    for each broker with interests."""
    path = CASES_DIR / f"{case}.yaml"
    cls = dashboard_model(path, [])
    scn = cls().config
    assert set(STANDARD) <= set(available(scn)) and available(scn)[0] == "baseline"
    brokers = scn.actor_ids(ActorKind.BROKER)
    deciding = [a.id for a in scn.actors if getattr(a, "interests", None) is not None]
    assert brokers, "a case without brokers could not be played"
    for broker in brokers:
        game = game_for(cls(seed="2"), broker)
        assert isinstance(game, Game) and game.actions, broker
        play_weeks(game, lambda g: g.play_week(list(range(len(g.actions))) if g.day == 0
                                               else []))  # every action once, then watch
        assert game.spent > 0 and game.weeks[0].chosen == [a.kind for a in game.actions]
    shares: list[int] = []
    text = judge(game, VERDICT_WORLDS, shares.append)
    assert text.startswith("You kept the truce alive") and f"Over {VERDICT_WORLDS} worlds" in text
    assert shares[-1] == 100
    for broker in deciding:
        game = game_for(cls(seed="2"), broker, decide=True)
        assert isinstance(game, BrokerGame)
        play_weeks(game, lambda g: g.play_week(g.best()))
        assert "the model's" in judge(game, VERDICT_WORLDS, lambda share: None)


def play_weeks(game, week) -> None:
    """Play the game week by week to its end (the truce's collapse or the horizon)."""
    while not game.finished:
        week(game)


def test_a_case_with_a_deciding_broker_is_played_as_that_broker(tmp_path):
    """A case whose broker has interests (as the codebook gives them once brokers are on) is
    played deciding as that broker, and judged against the model's broker."""
    path = with_interests(tmp_path, CASES[0])
    model = dashboard_model(path, [])(seed="3")
    broker = next(a.id for a in model.config.actors if getattr(a, "interests", None))
    game = game_for(model, broker, decide=True)
    assert isinstance(game, BrokerGame) and record_of(path) == record_of(
        CASES_DIR / f"{CASES[0]}.yaml")
    play_weeks(game, lambda g: g.play_week(g.best()))
    assert game.finished and len(game.weeks) >= 1
    assert "the model's" in judge(game, VERDICT_WORLDS, lambda share: None)


def with_interests(folder: Path, case: str) -> Path:
    """A copy of a case (with its record and features) whose first broker has interests."""
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load((CASES_DIR / f"{case}.yaml").read_text())
    broker = next(a for a in data["actors"] if a["kind"] == "broker")
    broker.setdefault("interests", {"stake": 0.5, "truce_value": 0.5, "choice_spread": 0.1})
    for sub in ("targets", "features"):
        (folder / sub).mkdir()
        if (CASES_DIR / sub / f"{case}.yaml").exists():
            (folder / sub / f"{case}.yaml").write_text(
                (CASES_DIR / sub / f"{case}.yaml").read_text())
    with (folder / f"{case}.yaml").open("w") as f:
        yaml.dump(data, f)
    return folder / f"{case}.yaml"


# ---------------------------------------------------------------- the record in words
def make_record(**change) -> CaseRecord:
    import datetime as dt

    base = {"case": "x", "start_date": dt.date(2016, 9, 12), "ending": Ending.BREAKDOWN,
            "day": 7, "note": "", "record": "seeds/x.md",
            "held_at_day": {7: False, 30: False, 90: None}, "events": []}
    return CaseRecord(**(base | change))


def test_the_record_is_told_against_the_ensemble_day_by_day():
    rec = make_record()
    assert outcome_line(rec) == ("From 12 Sep 2016 (day 0) the truce broke down on day 7 "
                                 "(19 Sep 2016).")
    assert short_outcome(rec) == "12 Sep 2016; broke down on day 7"
    collapse = np.array([3, 10, -1, -1])  # holding after day 7: 3 of 4; after day 30: 2 of 4
    holding = survival_curve(collapse, 60)
    assert model_vs_record(rec, holding, 4) == [
        "Day 7 (19 Sep 2016) · the record: broken down · the model: 75% of 4 worlds holding",
        "Day 30 (12 Oct 2016) · the record: broken down · the model: 50% of 4 worlds holding",
        "Day 90 (11 Dec 2016) · the record: cannot say · the model: beyond the run's last day"]
    assert model_vs_record(rec, None, 0)[0].endswith("no ensemble worlds run yet")
    events = [RecordFileEvent(day=6, actor="gov", action="violate", note="Strikes on Aleppo."),
              RecordFileEvent(day=7, actor="is", action="attack")]
    assert event_lines(make_record(events=events), {"gov": "Syrian government"}) == [
        "Day 6 (18 Sep 2016), Syrian government (violate): Strikes on Aleppo.",
        "Day 7 (19 Sep 2016), is (attack)"]
    held = make_record(ending=Ending.HOLDING, day=380, held_at_day={7: True})  # +365 +15 days
    assert "still held on day 380 (27 Sep 2017), when the record stops" in outcome_line(held)


def test_a_bad_record_file_is_a_located_error(tmp_path):
    case = CASES[0]
    scenario = tmp_path / f"{case}.yaml"
    scenario.write_text((CASES_DIR / f"{case}.yaml").read_text())
    (tmp_path / "targets").mkdir()
    text = record_file(CASES_DIR / f"{case}.yaml").read_text()
    record_file(scenario).write_text(text.replace("start_date:", "start_date: not a date #"))
    with pytest.raises(ScenarioError) as err:
        record_of(scenario)
    (problem,) = err.value.problems
    assert (Path(problem.file), problem.path) == (record_file(scenario), "start_date")
    assert problem.line == 1 + next(i for i, line in enumerate(text.splitlines())
                                    if line.startswith("start_date:"))
    assert any("its record cannot be read" in label for label in menu(scenario))


def test_the_menu_lists_the_shipped_scenarios_and_every_case_with_its_dates():
    choices = menu(LAKELAND)
    paths = {p.name: label for label, p in choices.items()}
    shipped = [n for n in names() if not n.startswith("validation/")]
    assert len(choices) == len(shipped)
    for case in CASES:
        rec = record_of(CASES_DIR / f"{case}.yaml")
        assert paths[f"{case}.yaml"].endswith(f"({short_outcome(rec)})")
    assert paths["lakeland_teaching.yaml"] == sim.load(LAKELAND).meta.name


# ---------------------------------------------------------------- the page
def state_of(rc, hook: str) -> dict:
    import solara

    found = [w.attributes for w in rc.find(solara.widgets.HTML).widgets
             if w.attributes.get("class") == hook]
    return found[0] if found else {}


def test_choosing_a_case_in_the_menu_starts_it_with_its_record_beside_it():
    import ipyvuetify as v
    import solara

    from sim.viz.page import make_page

    page = make_page(LAKELAND, ["meta.horizon_days=30"])
    _, rc = solara.render(solara.AppLayout(children=[page()]), handle_error=False)
    try:
        assert state_of(rc, "trucesim-state")["data-scenario"] == "lakeland_teaching"
        assert state_of(rc, "trucesim-record") == {}  # not a case: no record
        chooser = rc.find(v.Select, label="Scenario or case").widget
        case = CASES[-1]
        chooser.v_model = next(k for k, p in menu(LAKELAND).items() if p.stem == case)
        assert state_of(rc, "trucesim-state")["data-scenario"] == case
        shown = state_of(rc, "trucesim-record")
        rec = record_of(CASES_DIR / f"{case}.yaml")
        assert (shown["data-case"], shown["data-events"]) == (case, str(len(rec.events)))
        wait_until(lambda: state_of(rc, "trucesim-record")["data-ensemble"] != "0")
    finally:
        rc.close()


def wait_until(ready, timeout_s: float = 120) -> None:
    end = time.monotonic() + timeout_s
    while not ready() and time.monotonic() < end:
        time.sleep(0.2)
    assert ready()


def test_the_record_card_says_the_record_and_the_ensemble_side_by_side():
    import ipyvuetify as v
    import solara

    from sim.story import Narrator
    from sim.viz.case_panels import RecordCard

    case = CASES[0]
    path = CASES_DIR / f"{case}.yaml"
    rec, model = record_of(path), dashboard_model(path, [])(seed="0")
    collapse = run_block(model, 0, threading.Event())
    _, rc = solara.render(RecordCard(rec, model, collapse), handle_error=False)
    shown = [c for w in rc.find(v.Html).widgets for c in w.children if isinstance(c, str)]
    holding = survival_curve(collapse, model.params.horizon)
    for line in model_vs_record(rec, holding, len(collapse)):
        assert line in shown
    for line in event_lines(rec, Narrator(model.config).names):
        assert line in shown
    assert any(s.startswith(outcome_line(rec)) for s in shown)
