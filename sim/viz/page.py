"""The teaching dashboard's page (Solara): our own controls, tabs and exports around the model
and figures of :mod:`sim.viz.dashboard`.

The sidebar holds the menu of shipped scenarios and real cases (choosing one starts it anew
in this session, :mod:`sim.viz.case_panels`), the settings (strategy, seed, the schema's
sliders, each with its value), which apply when the student presses *Restart with these
settings*, and the run controls (*Step one day*, *Run*/*Pause*) and the exports. The tabs are
*The world* (the network, the world's days, the ensemble's survival curve and the story, then
a real case's record, and beliefs, brokers' choices and the battlefield when the scenario has
them on) and *Play a broker*. Each browser session builds its own model.

Every handler reads the session's state when it fires (the live model, whether it is running,
the settings, the actions ticked), from reactive variables, never from values captured when the
page was last drawn: on a busy machine a click can arrive before the page has been redrawn
after the previous one. Hidden elements (classes ``trucesim-state``, ``trucesim-play-state``
and, for a case, ``trucesim-record``) give the page's state as data attributes, for tests and
scripts to wait on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import solara
import solara.lab

from sim.play import Game
from sim.play_broker import BrokerGame
from sim.rng import BLOCK
from sim.scenario import ScenarioError, load
from sim.schema import ActorKind, Scenario
from sim.story import Narrator, narrate
from sim.strategies import available
from sim.viz import game_panels
from sim.viz.case_panels import Chooser, RecordCard, Unreadable
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
from sim.viz.record import CaseRecord, menu, record_of
from sim.viz.widgets import Hook, Paragraphs

STORY_LINES = 14
PLAY_INTERVAL_S = 0.15  # between days while running
NO_WORLDS = np.zeros(0, dtype=np.int32)
NOT_RUN = (None, NO_WORLDS)  # (the model run for, its collapse days): nothing run yet


def ensemble_of(live: solara.Reactive, ran: solara.Reactive) -> np.ndarray:
    """Collapse days of the ensemble worlds run so far for the live model (none of a former's)."""
    owner, days = ran.value
    return days if owner is live.value else NO_WORLDS


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
def RunControls(live: solara.Reactive, day: solara.Reactive, playing: solara.Reactive):
    """Step one day, and Run/Pause; each reads the live model and its running flag on click."""
    model = live.value
    ended = day.value >= model.params.horizon

    def step():
        now = live.value
        with now.lock:
            if playing.value or now.day >= now.params.horizon:
                return
            now.step()
        day.value = now.day

    def run_or_pause():  # Run's thread checks the flag before each day (use_player)
        now = live.value
        playing.value = not playing.value and now.day < now.params.horizon

    with solara.Card("Run"), solara.Row():
        solara.Button("Step one day", on_click=step, disabled=playing.value or ended)
        solara.Button("Pause" if playing.value else "Run", on_click=run_or_pause,
                      disabled=ended and not playing.value)


@solara.component
def Exports(live: solara.Reactive, ran: solara.Reactive):
    """The live world's days and the ensemble's curve, as they are when the button is pressed."""
    with solara.Card("Export"):
        solara.FileDownload(lambda: world_csv(live.value).encode(), filename="this_world.csv",
                            label="This world's days (CSV)", mime_type="text/csv")
        solara.FileDownload(lambda: ensemble_csv(live.value, ensemble_of(live, ran)).encode(),
                            filename="ensemble_survival.csv",
                            label="The ensemble's survival curve (CSV)", mime_type="text/csv")


# ------------------------------------------------------------------ the tabs
@solara.component
def Plot(make, args: tuple, key):
    """A matplotlib figure, made and turned into an image once per ``key`` (a world's day, the
    ensemble's size), not on every redraw of the page: about a second of CPU each."""
    fig = solara.use_memo(lambda: make(*args), [key])
    solara.FigureMatplotlib(fig, dependencies=[key], format="png")


@solara.component
def WorldTab(model, day: int, collapse: np.ndarray, rec: CaseRecord | None = None):
    """The world tab: the network, the world's days, the ensemble and the story; a real
    case's record beside them."""
    today = (id(model), look(model).day)
    with solara.Columns([1, 1]):
        Plot(network_figure, (model,), today)
        Plot(world_figure, (model,), today)
    with solara.Columns([1, 1]):
        with solara.Column():
            Plot(survival_figure, (collapse, model.params.horizon, day, rec),
                 (id(model), len(collapse), day))
            solara.Text(f"ensemble: {len(collapse):,} of {ENSEMBLE_BLOCKS * BLOCK:,} worlds "
                        "run", classes=["trucesim-ensemble"])
        StoryCard(model, day)
    if rec is not None:
        RecordCard(rec, model, collapse)
    GameRow(model, today)


@solara.component
def GameRow(model, today: tuple):
    """Beliefs, brokers' choices and the battlefield, when the scenario has them on
    (:mod:`sim.viz.game_panels`); nothing at all when they are off."""
    w = look(model)
    shown = game_panels.panels(w.params)
    if not shown:
        return
    Hook("trucesim-game", panels=",".join(shown), day=w.day)
    with solara.Columns([1, 1]):
        Plot(game_figure_of, (model,), today)
        with solara.Card("Brokers and beliefs now"):
            Paragraphs(game_panels.now_lines(w) or ["Press Step one day or Run to start."],
                       classes=["trucesim-game-now"])


def game_figure_of(model):
    """The game panels' figure of the live world as it is now."""
    return game_panels.game_figure(look(model))


@solara.component
def StoryCard(model, day: int):
    """The story of the live world so far."""
    w = look(model)
    lines = narrate(w.events, w.scn, w.day) if w.day else []
    with solara.Card("Story of this world"):
        Paragraphs(lines[-STORY_LINES:] or ["Press Step one day or Run to start the story."],
                   classes=["trucesim-story"])


LAUNCH, DECIDE = "launch interventions", "decide as the broker"  # the ways to play a broker


def game_for(model, broker: str | None, decide: bool = False):
    """The live model's game for ``broker`` (a new one when the broker or the way of playing it
    changed, a deciding broker being handed back to the model's rule; None if no broker)."""
    old = model.game
    if old is not None and (old.broker != broker or isinstance(old, BrokerGame) != decide):
        if isinstance(old, BrokerGame):
            old.release()
        model.game = None
    if broker and model.game is None:
        model.game = (BrokerGame(model.config, broker, model.streams.seed, model=model)
                      if decide else Game(model.config, broker, model.streams.seed, 0,
                                          model.params.horizon, model.strategy_name,
                                          model=model))
    return model.game


@solara.component
def PlayTab(live: solara.Reactive, day: solara.Reactive, playing: solara.Reactive):
    """Play one broker: choose this week's actions (interventions, or, for a broker who decides,
    its own action), then play the week. The verdict at the end is computed in a thread of this
    session, with its progress shown, so the page stays live."""
    model, _ = live.value, day.value  # drawn again when either changes
    names = Narrator(model.config).names
    brokers = {names[b]: b for b in model.config.actor_ids(ActorKind.BROKER)}
    deciding = {names[a.id] for a in model.config.actors
                if getattr(a, "interests", None) is not None}
    role, mode = solara.use_reactive(None), solara.use_reactive(LAUNCH)
    picked = solara.use_reactive(())

    def deciding_now() -> bool:  # read when a handler fires, never a stale copy
        return role.value in deciding and mode.value == DECIDE

    game = game_for(model, brokers.get(role.value), deciding_now())

    def play_week(action: str | None = None):
        now = live.value
        with now.lock:
            g = game_for(now, brokers.get(role.value), deciding_now())
            if g is None or g.finished or playing.value or (action is None) == deciding_now():
                return
            g.play_week(action if action else
                        [i for i, a in enumerate(g.actions) if a.kind in picked.value])
        picked.value = ()
        day.value = now.day

    Hook("trucesim-play-state", role=brokers.get(role.value, ""), picked=",".join(picked.value),
         day=look(model).day, finished=int(bool(game and game.finished)),
         mode="decide" if deciding_now() else "launch")
    with solara.Card("Play a broker"):
        solara.Select("You play", values=list(brokers), value=role)
        if role.value in deciding:
            solara.ToggleButtonsSingle(value=mode, values=[LAUNCH, DECIDE])
        if game is None:
            solara.Text("Choose a broker to play it week by week.")
            return
        busy = game.finished or playing.value  # not while Run runs
        if isinstance(game, BrokerGame):
            DecideButtons(game, names[game.broker], play_week, busy)
        else:
            solara.Text(f"Day {model.day}; spent {game.spent:g} effort points.")
            for a in game.actions:
                ActionBox(a, picked)
            solara.Button("Play a week", color="primary", on_click=play_week, disabled=busy)
        Verdict(game, game.finished)
    ThisWeek(model, model.day)


def DecideButtons(game, name: str, on_choose, disabled: bool):
    """One button per action the broker's rule allows, with its utility this week; pressing
    one plays the week with it (:class:`sim.play_broker.BrokerGame`)."""
    with game.model.lock:
        options, best = game.options(), game.best()
        credibility = float(game.model.state.credibility[0, game.b])
    solara.Text(f"Day {game.day}; {name}'s credibility {credibility:.2f}. Each action's "
                f"utility to {name} this week (the model adds its choice noise to these):")
    for o in options:
        mark = " · the model's choice" if o.action == best else ""
        solara.Button(f"{o.action.replace('_', ' ')} · utility {o.utility:+.3f}{mark}",
                      on_click=lambda a=o.action: on_choose(a), disabled=disabled,
                      classes=["trucesim-decide"])


def ActionBox(action, picked: solara.Reactive):
    """A tick box for one of this week's actions (ticking reads the ticks as they are now)."""
    def toggle(on: bool, kind=action.kind):
        rest = tuple(k for k in picked.value if k != kind)
        picked.value = rest + ((kind,) if on else ())

    return solara.Checkbox(label=f"{action.kind.replace('_', ' ')} — {action.days} d, "
                                 f"cost {action.cost:g}",
                           value=action.kind in picked.value, on_value=toggle)


@solara.component
def Verdict(game, finished: bool):
    """The end-of-game verdict, computed in the background with its progress."""
    outcome, set_outcome = solara.use_state("")
    judged, set_judged = solara.use_state(0)  # percent of the verdict's runs done

    def verdict_in_background(cancel):
        set_outcome("")
        set_judged(0)
        if finished:
            text = judge(game, BLOCK, set_judged, cancel)
            if text and not cancel.is_set():
                set_outcome(text)

    # judge stops at its next progress tick once cancelled; an intrusive cancel would trace
    # every line of these seconds of work
    solara.use_thread(verdict_in_background, dependencies=[id(game), finished],
                      intrusive_cancel=False)
    if outcome:
        Paragraphs(outcome)
    elif finished:
        against = ("the model's own broker" if isinstance(game, BrokerGame)
                   else "every scripted strategy")
        solara.Text(f"Judging your truce against {against} on {BLOCK:,} worlds: {judged}%",
                    classes=["trucesim-judging"])
        solara.ProgressLinear(value=judged)


@solara.component
def ThisWeek(model, day: int):
    """What happened in the last seven days."""
    w = look(model)
    nr = Narrator(w.scn)
    said = [nr.sentence(e) for e in w.events if e.day >= day - 7]
    said = [s[0].upper() + s[1:] for s in said if s]
    with solara.Card("The last seven days"):
        Paragraphs(said[-12:] or ["Nothing has happened yet."])


# ------------------------------------------------------------------ the page
@dataclass(frozen=True)
class Setup:
    """What the page needs of one scenario file: the scenario, its model class, the settings
    it starts from and, for a real case, its record (:mod:`sim.viz.record`)."""

    path: Path
    scn: Scenario
    cls: type
    defaults: dict
    record: CaseRecord | None


def setup(path: Path, base: list[str]) -> Setup:
    """The page's setup for one scenario file with ``--set`` overrides ``base``.

    Raises:
        ScenarioError: the scenario or its record file is bad (located).
    """
    scn = load(path, base)
    defaults = {"strategy": "baseline", "seed": "0"} | {
        k: s.value for k, s in model_params(scn).items()}
    return Setup(path, scn, dashboard_model(path, base), defaults, record_of(path))


def make_page(path: Path, base: list[str]):
    """The page component, starting on one scenario file (its ``--set`` overrides ``base``
    apply to it only); the menu offers every shipped scenario and case besides."""
    first = Path(path).resolve()
    choices, ready = menu(first), {first: setup(first, base)}

    def setup_of(chosen: Path) -> Setup:  # set up once, for every session
        if chosen not in ready:
            ready[chosen] = setup(chosen, [])
        return ready[chosen]

    @solara.component
    def Page():
        chosen = solara.use_reactive(first)
        try:
            now = setup_of(chosen.value)
        except ScenarioError as exc:
            Unreadable(exc, choices, chosen)
            return
        # a new key: a new scenario starts with fresh settings, world, ensemble and game
        ScenarioPage(now, choices, chosen).key(str(chosen.value))

    return Page


@solara.component
def ScenarioPage(s: Setup, choices: dict, chosen: solara.Reactive):
    """One scenario's page for this session: its settings, live world and ensemble."""
    settings = solara.use_reactive(s.defaults)
    live = solara.use_reactive(solara.use_memo(lambda: s.cls(**s.defaults), []))
    day, playing = solara.use_reactive(0), solara.use_reactive(False)
    ran = use_ensemble(live.value)
    use_player(live, day, playing)

    def restart():
        playing.value = False
        now = settings.value
        live.value = s.cls(**{**now, "seed": str(parse_seed(now["seed"]))})
        day.value = 0

    Layout(s, (choices, chosen), settings, live, day, playing, ran, restart)


@solara.component
def Layout(s: Setup, menu_of: tuple, settings, live, day, playing, ran, on_restart):
    """The app bar, the sidebar and the two tabs, drawn from the session's current state."""
    model, collapse = live.value, ensemble_of(live, ran)
    shown = look(model).day
    solara.use_effect(model.drawn.set, [id(model), shown])  # after the page is drawn
    solara.Title(f"trucesim — {s.scn.meta.name}")
    with solara.AppBar():
        solara.AppBarTitle(f"trucesim — {s.scn.meta.name}")
    with solara.Sidebar():
        Chooser(*menu_of)
        Settings(s.scn, settings, on_restart)
        RunControls(live, day, playing)
        Exports(live, ran)
    with solara.Column(classes=["px-6", "py-2"]):
        solara.Text(settings_line(model), classes=["trucesim-settings"])
        Hook("trucesim-state", day=shown, seed=model.streams.seed,
             ensemble=len(collapse), scenario=s.path.stem,
             pending_seed=parse_seed(settings.value["seed"]), playing=int(playing.value))
        with solara.lab.Tabs():
            with solara.lab.Tab("The world"):
                WorldTab(model, day.value, collapse, s.record)
            with solara.lab.Tab("Play a broker"):
                PlayTab(live, day, playing)


def use_ensemble(model) -> solara.Reactive:
    """(the model, collapse days of its ensemble so far), filled in by a thread of this
    session, 1024 worlds at a time; read it through :func:`ensemble_of`."""
    ran = solara.use_reactive(NOT_RUN, equals=lambda a, b: a is b)

    def work(cancel):
        done = NO_WORLDS
        ran.value = (model, done)
        for block in range(ENSEMBLE_BLOCKS):
            days = run_block(model, block, cancel)
            if days is None:
                return
            done = np.concatenate([done, days])
            ran.value = (model, done)

    # stopped between days of a block: an intrusive cancel would trace every line of the thread
    solara.use_thread(work, dependencies=[id(model)], intrusive_cancel=False)
    return ran


def use_player(live: solara.Reactive, day: solara.Reactive, playing: solara.Reactive) -> None:
    """While running, step the live model in a thread of this session until the horizon or a
    pause: a day is never cut short (the thread stops between days, not inside one), and no day
    starts once Pause has been pressed (the flag is read under the model's lock, which a page
    drawn after the pause also takes, so it shows the day the world stopped on). Each day waits
    until the page has drawn the one before: a thread that changed the state faster than the
    page is drawn would keep whichever thread draws it busy, and clicks would queue behind."""
    model, running = live.value, playing.value

    def play(cancel):
        while running and not cancel.is_set():
            with model.lock:
                if not playing.value or model.day >= model.params.horizon:
                    break
                model.step()
                model.drawn.clear()
            day.value = model.day
            while not model.drawn.wait(0.5) and not cancel.is_set():
                pass  # the page draws this day before the next (else redraws pile up)
            time.sleep(PLAY_INTERVAL_S)
        if running and not cancel.is_set() and model.day >= model.params.horizon:
            playing.value = False

    solara.use_thread(play, dependencies=[id(model), running], intrusive_cancel=False)
