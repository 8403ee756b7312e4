"""The teaching dashboard's page (Solara): our own controls, tabs and exports around the model
and figures of :mod:`sim.viz.dashboard`.

The sidebar holds the settings (strategy, seed, the schema's sliders, each with its value),
which apply when the student presses *Restart with these settings*, and the run controls
(*Step one day*, *Run*/*Pause*) and the exports. The tabs are *The world* (the network, the
world's days, the ensemble's survival curve and the story) and *Play a broker*. Each browser
session builds its own model. A hidden element (class ``trucesim-state``) gives the page's
state as data attributes, for tests and scripts to wait on.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import solara
import solara.lab

from sim.rng import BLOCK
from sim.scenario import load
from sim.schema import ActorKind
from sim.story import Narrator, narrate
from sim.strategies import available
from sim.viz.dashboard import (
    ENSEMBLE_BLOCKS,
    dashboard_model,
    ensemble_csv,
    judge,
    look,
    model_params,
    network_figure,
    parse_seed,
    run_block,
    settings_line,
    survival_figure,
    world_csv,
    world_figure,
)

STORY_LINES = 14
PLAY_INTERVAL_S = 0.15  # between days while running


def Paragraphs(text_or_lines, classes: list[str] | None = None):
    """Plain paragraphs (no Markdown: Solara's Markdown fetches KaTeX from a CDN)."""
    lines = text_or_lines.split("\n\n") if isinstance(text_or_lines, str) else text_or_lines
    with solara.Column(gap="4px", classes=classes or []) as col:
        for line in lines:
            solara.v.Html(tag="p", children=[line], class_="ma-0")
    return col


def StateHook(model, ensemble: int, pending_seed: str):
    """A hidden element whose data attributes give the page's state: the live world's day and
    seed, the ensemble worlds run for it, and the seed typed but not yet applied. Tests wait on
    these values rather than on a transient text."""
    return solara.HTML(tag="div", classes=["trucesim-state"], style="display: none",
                       attributes={"data-day": str(model.day),
                                   "data-seed": str(model.streams.seed),
                                   "data-ensemble": str(ensemble),
                                   "data-pending-seed": str(parse_seed(pending_seed))})


# ------------------------------------------------------------------ the sidebar
@solara.component
def Settings(scn, settings: solara.Reactive, on_restart):
    """Strategy, seed and sliders; nothing changes the world until Restart. Each control
    updates its own key of the current settings (read when it fires, never a stale copy)."""
    def put(key):
        def update(value):
            settings.value = {**settings.value, key: value}
        return update

    now = settings.value
    with solara.Card("Settings"):
        solara.Select("Strategy", values=available(scn), value=now["strategy"],
                      on_value=put("strategy"))
        solara.InputText("Seed (a whole number)", value=now["seed"], on_value=put("seed"),
                         continuous_update=True)
        for spec in model_params(scn).values():
            solara.Text(f"{spec.label}: {now[spec.arg]:.2f}", classes=["trucesim-slider-label"])
            solara.SliderFloat("", value=now[spec.arg], min=spec.min, max=spec.max,
                               step=spec.step, on_value=put(spec.arg), thumb_label=True)
        solara.Button("Restart with these settings", color="primary", on_click=on_restart,
                      block=True)


@solara.component
def RunControls(model, playing: bool, on_step, on_play):
    with solara.Card("Run"), solara.Row():
        solara.Button("Step one day", on_click=on_step,
                      disabled=playing or model.day >= model.params.horizon)
        solara.Button("Pause" if playing else "Run", on_click=lambda: on_play(not playing),
                      disabled=model.day >= model.params.horizon and not playing)


@solara.component
def Exports(model, collapse: np.ndarray):
    with solara.Card("Export"):
        solara.FileDownload(lambda: world_csv(model).encode(), filename="this_world.csv",
                            label="This world's days (CSV)", mime_type="text/csv")
        solara.FileDownload(lambda: ensemble_csv(model, collapse).encode(),
                            filename="ensemble_survival.csv",
                            label="The ensemble's survival curve (CSV)", mime_type="text/csv")


# ------------------------------------------------------------------ the tabs
@solara.component
def WorldTab(model, day: int, collapse: np.ndarray):
    with solara.Columns([1, 1]):
        solara.FigureMatplotlib(network_figure(model), format="png")
        solara.FigureMatplotlib(world_figure(model), format="png")
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.FigureMatplotlib(survival_figure(collapse, model.params.horizon, day),
                                    format="png")
            solara.Text(f"ensemble: {len(collapse):,} of {ENSEMBLE_BLOCKS * BLOCK:,} worlds "
                        "run", classes=["trucesim-ensemble"])
        StoryCard(model, day)


@solara.component
def StoryCard(model, day: int):
    w = look(model)
    lines = narrate(w.events, w.scn, w.day) if w.day else []
    with solara.Card("Story of this world"):
        Paragraphs(lines[-STORY_LINES:] or ["Press Step one day or Run to start the story."],
                   classes=["trucesim-story"])


@solara.component
def PlayTab(model, day: int, on_day):
    """Play one broker: choose this week's actions, then play the week. The verdict at the end
    is computed in a thread of this session, with its progress shown, so the page stays live."""
    from sim.play import Game

    names = Narrator(model.config).names
    brokers = {names[b]: b for b in model.config.actor_ids(ActorKind.BROKER)}
    role, set_role = solara.use_state(None)
    picked, set_picked = solara.use_state(())
    _, set_played = solara.use_state(model.day)  # redraws this tab after a week
    if model.game is not None and model.game.broker != brokers.get(role):
        model.game = None
    if role and model.game is None:
        model.game = Game(model.config, brokers[role], model.streams.seed, 0,
                          model.params.horizon, model.strategy_name, model=model)
    game = model.game

    def play_week():
        game.play_week([i for i, a in enumerate(game.actions) if a.kind in picked])
        set_picked(())
        set_played(model.day)
        on_day(model.day)

    with solara.Card("Play a broker"):
        solara.Select("You play", values=list(brokers), value=role, on_value=set_role)
        if game is None:
            solara.Text("Choose a broker to play it week by week.")
            return
        solara.Text(f"Day {model.day}; spent {game.spent:g} effort points.")
        for a in game.actions:
            def toggle(on, kind=a.kind):
                set_picked(tuple(k for k in picked if k != kind) + ((kind,) if on else ()))
            solara.Checkbox(label=f"{a.kind.replace('_', ' ')} — {a.days} d, cost {a.cost:g}",
                            value=a.kind in picked, on_value=toggle)
        solara.Button("Play a week", color="primary", on_click=play_week,
                      disabled=game.finished)
        Verdict(game, game.finished)
    ThisWeek(model, model.day)


@solara.component
def Verdict(game, finished: bool):
    outcome, set_outcome = solara.use_state("")
    judged, set_judged = solara.use_state(0)  # percent of the verdict's runs done

    def verdict_in_background(cancel):
        set_outcome("")
        set_judged(0)
        if finished:
            text = judge(game, BLOCK, set_judged, cancel)
            if text and not cancel.is_set():
                set_outcome(text)

    solara.use_thread(verdict_in_background, dependencies=[id(game), finished])
    if outcome:
        Paragraphs(outcome)
    elif finished:
        solara.Text(f"Judging your truce against every scripted strategy on {BLOCK:,} "
                    f"worlds: {judged}%", classes=["trucesim-judging"])
        solara.ProgressLinear(value=judged)


@solara.component
def ThisWeek(model, day: int):
    w = look(model)
    nr = Narrator(w.scn)
    said = [nr.sentence(e) for e in w.events if e.day >= day - 7]
    said = [s[0].upper() + s[1:] for s in said if s]
    with solara.Card("The last seven days"):
        Paragraphs(said[-12:] or ["Nothing has happened yet."])


# ------------------------------------------------------------------ the page
def make_page(path: Path, base: list[str]):
    """The page component for one scenario file."""
    scn = load(path, base)
    cls = dashboard_model(path, base)
    defaults = {"strategy": "baseline", "seed": "0"} | {
        k: s.value for k, s in model_params(scn).items()}

    @solara.component
    def Page():
        settings = solara.use_reactive(defaults)
        first = solara.use_memo(lambda: cls(**defaults), [])  # one model per session
        model, set_model = solara.use_state(first)
        day, set_day = solara.use_state(0)
        playing, set_playing = solara.use_state(False)
        collapse = use_ensemble(model)
        use_player(model, playing, set_day, set_playing)

        def restart():
            set_playing(False)
            now = settings.value
            set_model(cls(**{**now, "seed": str(parse_seed(now["seed"]))}))
            set_day(0)

        def step():
            model.step()
            set_day(model.day)

        solara.Title(f"trucesim — {scn.meta.name}")
        with solara.AppBar():
            solara.AppBarTitle(f"trucesim — {scn.meta.name}")
        with solara.Sidebar():
            Settings(scn, settings, restart)
            RunControls(model, playing, step, set_playing)
            Exports(model, collapse)
        with solara.Column(classes=["px-6", "py-2"]):
            solara.Text(settings_line(model), classes=["trucesim-settings"])
            StateHook(model, len(collapse), settings.value["seed"])
            with solara.lab.Tabs():
                with solara.lab.Tab("The world"):
                    WorldTab(model, day, collapse)
                with solara.lab.Tab("Play a broker"):
                    PlayTab(model, day, set_day)

    return Page


def use_ensemble(model) -> np.ndarray:
    """Collapse days of the ensemble run so far for ``model``, filled in by a thread of this
    session, 1024 worlds at a time (never a former model's worlds)."""
    empty = np.zeros(0, dtype=np.int32)
    ran, set_ran = solara.use_state((0, empty))  # (id of the model it was run for, days)

    def work(cancel):
        done = empty
        set_ran((id(model), done))
        for block in range(ENSEMBLE_BLOCKS):
            if cancel.is_set():
                return
            done = np.concatenate([done, run_block(model, block)])
            set_ran((id(model), done))

    solara.use_thread(work, dependencies=[id(model)])
    return ran[1] if ran[0] == id(model) else empty


def use_player(model, playing: bool, set_day, set_playing) -> None:
    """While ``playing``, step the model in a thread of this session until the horizon."""
    def play(cancel):
        while playing and not cancel.is_set() and model.day < model.params.horizon:
            model.step()
            set_day(model.day)
            time.sleep(PLAY_INTERVAL_S)
        if playing and model.day >= model.params.horizon:
            set_playing(False)

    solara.use_thread(play, dependencies=[id(model), playing])
