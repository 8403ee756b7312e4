"""The dashboard's panels of beliefs, brokers' choices and the battlefield (sim.viz.game_panels):
shown when the scenario has them on, absent when off, and in a real headless Chromium."""

from __future__ import annotations

import re

import pytest

import sim.play
from sim.viz import game_panels
from sim.viz.dashboard import dashboard_model, look
from sim.viz.page import GameRow
from tests.factories import make_broker, make_party, make_scenario_data, write_scenario
from tests.test_dashboard import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SERVER_START_S,
    need_chromium,
    serving,
    wait_for_hook,
    wait_for_images,
    wait_for_state,
)


def make_game_data(game: bool = True, horizon: int = 60) -> dict:
    """Two parties, one perhaps a tactical signer; with ``game``: hidden types and beliefs, a
    patron of north that decides (and may fight for it) and a battlefield."""
    intent = {"intent": {"types": {"committed": 0.5, "tactical": 0.5}, "tactical_gain": 0.2}}
    north = make_party("north", 0.6, **(intent if game else {}))
    south = make_party("south", 0.6, **(intent if game else {}))
    backer = make_broker("backer", role="patron", clients=["north"], leverage={"south": 0.3})
    if not game:
        return make_scenario_data(north, south, backer, horizon=horizon)
    backer["interests"] = {"stake": 0.8, "truce_value": 0.3, "choice_spread": 0.2}
    return make_scenario_data(north, south, backer, horizon=horizon,
                              beliefs={"enabled": True},
                              battlefield={"control": {"north": 0.5, "south": 0.5},
                                           "decisiveness": 2.0})


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("game")
    return (write_scenario(folder, make_game_data(True), "game.yaml"),
            write_scenario(folder, make_game_data(False), "plain.yaml"))


def stepped(path, days: int):
    model = dashboard_model(path, [])(seed="2")
    for _ in range(days):
        model.step()
    return model


def test_panels_follow_the_mechanisms_that_are_on(paths):
    on, off = stepped(paths[0], 0), stepped(paths[1], 0)
    assert game_panels.panels(on.params) == ["beliefs", "brokers", "battlefield"]
    assert game_panels.panels(off.params) == []


def test_the_figure_draws_each_days_beliefs_choices_and_balance(paths):
    model = stepped(paths[0], 15)
    w = look(model)
    assert len(w.history) == 15
    fig = game_panels.game_figure(w)
    beliefs, brokers, field = fig.axes
    # one line per ordered pair of parties, each the day-by-day belief of the state
    north_on_south = beliefs.lines[0].get_ydata()
    assert list(north_on_south) == [h["regrouping"][0, 1] for h in w.history]
    assert north_on_south[-1] == pytest.approx(1.0 - model.state.belief[0, 0, 1])
    # a square per day in the colour of that day's action, 15 in all (one broker)
    assert sum(len(c.get_offsets()) for c in brokers.collections) == 15
    # control and balance of each party: 4 lines, control's last value the state's
    assert len(field.lines) == 4
    assert field.lines[0].get_ydata()[-1] == pytest.approx(model.state.control[0, 0])


def test_the_now_card_says_what_the_broker_chose_and_why_and_what_parties_believe(paths):
    model = stepped(paths[0], 8)
    lines = game_panels.now_lines(look(model))
    broker = [s for s in lines if s.startswith("Backer ")]
    assert len(broker) == 1 and "(credibility " in broker[0]
    believed = [s for s in lines if " thinks " in s]
    r = 1.0 - model.state.belief[0, 0, 1]
    assert believed[0] == f"North thinks South is {r:.0%} likely to be regrouping"
    # a broker that kept its first action is still told, without a reason
    first = stepped(paths[0], 1)
    assert [s for s in game_panels.now_lines(look(first)) if s.startswith("Backer ")]


def test_without_them_the_page_shows_nothing_new(paths):
    import solara

    plain = stepped(paths[1], 3)
    assert look(plain).history and game_panels.now_lines(look(plain)) == []
    _, rc = solara.render(GameRow(plain, (id(plain), 3)), handle_error=False)
    assert "Brokers and beliefs now" not in repr(rc.find().widgets)
    game = stepped(paths[0], 3)
    _, rc = solara.render(GameRow(game, (id(game), 3)), handle_error=False)
    assert "Brokers and beliefs now" in repr(rc.find().widgets)


# ---------------------------------------------------------------- the page in a browser
@pytest.fixture(scope="module")
def game_server(paths):
    need_chromium()
    with serving(paths[0], ARTIFACTS / "dashboard_game_server.log") as served:
        yield served


def test_the_game_panels_appear_in_headless_chromium(game_server):
    from playwright.sync_api import expect, sync_playwright

    url, log = game_server
    expect.set_options(timeout=90_000)  # an upper bound for a busy machine, not a speed test
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1800})
            page.set_default_timeout(90_000)
            page.goto(url, wait_until="domcontentloaded")
            wait_for_state(page, seed=0, day=0, timeout_s=SERVER_START_S)
            wait_for_hook(page, "trucesim-game", panels="beliefs,brokers,battlefield", day="0")
            for day in (1, 2):
                page.get_by_role("button", name="Step one day").click()
                wait_for_state(page, seed=0, day=day)
            wait_for_hook(page, "trucesim-game", day="2")
            wait_for_images(page, 4)  # network, days, survival and the game panels
            expect(page.get_by_text("Brokers and beliefs now")).to_be_visible()
            expect(page.locator(".trucesim-game-now")).to_contain_text(
                "likely to be regrouping")
            expect(page.locator(".trucesim-game-now")).to_contain_text("Backer ")
            page.screenshot(path=str(ARTIFACTS / "dashboard_game.png"), full_page=True)
            decide_a_week(page)
        finally:
            browser.close()
    served = log.read_text()
    assert [line for line in served.splitlines() if "Traceback" in line] == []


def test_the_worlds_csv_export_holds_the_panels_values_when_on(paths):
    from sim.viz.dashboard import world_csv

    model = stepped(paths[0], 9)
    rows = world_csv(model).splitlines()
    head = rows[1].split(",")
    assert head[-8:] == ["p_regrouping_north_south", "p_regrouping_south_north",
                         "action_backer", "credibility_backer", "control_north",
                         "balance_north", "control_south", "balance_south"]
    last = dict(zip(head, rows[-1].split(",")))
    assert len(rows) == 2 + 9 and last["day"] == "8"
    assert float(last["p_regrouping_north_south"]) == pytest.approx(
        1.0 - model.state.belief[0, 0, 1])
    assert last["action_backer"] == game_panels.ACTIONS[model.state.broker_action[0, 0]]
    assert float(last["control_south"]) == pytest.approx(model.state.control[0, 1])
    plain = world_csv(stepped(paths[1], 3)).splitlines()[1]
    assert not {"action_backer", "control_north"} & set(plain.split(","))


def test_the_play_tab_lets_the_student_decide_as_a_broker_with_interests(paths):
    import ipyvuetify as v
    import solara

    from sim.play_broker import BrokerGame
    from sim.viz.page import PlayTab

    model = stepped(paths[0], 0)
    _, rc = solara.render(PlayTab(solara.reactive(model), solara.reactive(0),
                                  solara.reactive(False)), handle_error=False)
    rc.find(v.Select).widget.v_model = "Backer"
    assert isinstance(model.game, sim.play.Game)  # interventions first, as for any broker
    rc.find(v.BtnToggle).widget.v_model = 1  # decide as the broker
    game = model.game
    labels = [str(b.children[0]) for b in rc.find(v.Btn).widgets]
    shown = [label.split(" · ")[0] for label in labels if " · utility " in label]
    assert isinstance(game, BrokerGame) and shown == [a.replace("_", " ") for a in game.actions]
    assert f"{game.best().replace('_', ' ')} · utility" in next(
        label for label in labels if label.endswith("the model's choice"))
    fight = next(label for label in labels if label.startswith("fight · "))
    rc.find(v.Btn, children=[fight]).widget.click()
    assert model.day == 7 and model.state.broker_action[0, 0] == 3  # fight
    assert not model.fixed.broker_decides[0]  # the student decides, not the rule
    rc.find(v.BtnToggle).widget.v_model = 0  # back to interventions: the rule decides again
    assert model.fixed.broker_decides[0] and not isinstance(model.game, BrokerGame)


def test_the_dashboards_verdict_for_a_deciding_broker_is_against_the_models_broker(paths):
    from sim.play_broker import BrokerGame, broker_verdict
    from sim.viz.dashboard import judge

    model = stepped(paths[0], 0)
    game = BrokerGame(model.config, "backer", model.streams.seed, model=model)
    while not game.finished:
        game.play_week("stay_out")
    shares: list[int] = []
    text = judge(game, 20, shares.append)
    assert text.split("\n\n") == broker_verdict(game, "Backer", 20).lines()
    assert shares[-1] == 100 and shares == sorted(shares)


def decide_a_week(page) -> None:
    """Play the patron as a broker who decides: its actions with their utilities; one of them
    plays on to the model's next weekly choice (day 7, from day 2)."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Play a broker").click()
    page.locator(".v-select", has_text="You play").click()
    page.locator(".v-menu__content .v-list-item", has_text="Backer").click()
    wait_for_hook(page, "trucesim-play-state", role="backer", mode="launch")
    page.get_by_role("button", name="decide as the broker").click()
    wait_for_hook(page, "trucesim-play-state", role="backer", mode="decide")
    expect(page.get_by_text("the model's choice")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^\s*stay out · utility")).click()
    wait_for_state(page, seed=0, day=7)
    wait_for_hook(page, "trucesim-play-state", day="7", mode="decide")
    expect(page.get_by_text("Backer's credibility")).to_be_visible()
