"""The teaching dashboard: a Mesa SolaraViz page (served by ``trucesim viz``).

One world of the scenario runs live (a :class:`TruceModel` with one world and an event log):
the actors as a network coloured by commitment, its daily violations, trust and talks, and its
story. Beside it, an ensemble of worlds under the same settings runs in a background thread,
1024 worlds (one seed block) at a time, and its survival curve fills in. Controls are derived
from the scenario schema: the strategy menu from the scenario's strategies, and sliders whose
bounds are the pydantic fields' ``ge``/``le`` for a few key parameters (attribution error,
verification, spoilers' capability, mediators' legitimacy). Play mode lets the student act as
one broker, a week at a time (:mod:`sim.play`).

Each browser session builds its own model (Solara renders the page per session). Only
matplotlib is used for plots, and the front end comes from the ``solara-assets`` package, so
the page works with no internet.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import matplotlib
import networkx as nx
import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import force_update, update_counter
from pydantic import BaseModel

from sim.model import TruceModel
from sim.overrides import _unwrap
from sim.rng import BLOCK
from sim.scenario import load
from sim.schema import ActorKind, BrokerRole, Scenario
from sim.story import Narrator, narrate
from sim.strategies import available

ENV_SCENARIO, ENV_SET = "TRUCESIM_VIZ_SCENARIO", "TRUCESIM_VIZ_SET"
ENSEMBLE_BLOCKS = 8  # the curve fills in up to 8 x 1024 worlds (about 1 s of CPU per block)
STORY_LINES = 14


# ------------------------------------------------------------------ controls from the schema
def field_at(path: str, scn: Scenario):
    """(pydantic FieldInfo, current value) of a dotted override path (actors by id)."""
    node_type: Any = Scenario
    value: Any = scn
    info = None
    for seg in path.split("."):
        node_type = _unwrap(node_type)
        if isinstance(value, list):
            value = next(v for v in value if getattr(v, "id", None) == seg)
            node_type = type(value)
            continue
        if not (isinstance(node_type, type) and issubclass(node_type, BaseModel)):
            raise KeyError(seg)
        info = node_type.model_fields[seg]
        node_type, value = info.annotation, getattr(value, seg)
    return info, value


def bounds(info) -> tuple[float, float]:
    """(min, max) from a field's ``ge``/``le`` (or ``gt``/``lt``) constraints."""
    lo = hi = None
    for m in info.metadata:
        lo = getattr(m, "ge", getattr(m, "gt", lo))
        hi = getattr(m, "le", getattr(m, "lt", hi))
    if lo is None or hi is None:
        raise ValueError("a dashboard slider needs a bounded field")
    return float(lo), float(hi)


def key_paths(scn: Scenario) -> dict[str, str]:
    """Override path -> slider label, for the parameters a class plays with."""
    out = {"information.p_misattribution": "attribution error (p_misattribution)",
           "information.p_verify": "verification (p_verify)"}
    names = Narrator(scn).names
    for a in scn.actors:
        if a.kind is ActorKind.SPOILER:
            out[f"actors.{a.id}.capability"] = f"{names[a.id]}: capability"
        elif a.kind is ActorKind.BROKER and a.role is BrokerRole.MEDIATOR:
            out[f"actors.{a.id}.legitimacy"] = f"{names[a.id]}: legitimacy"
    return out


def arg_name(path: str) -> str:
    return path.replace(".", "__")


def model_params(scn: Scenario) -> dict:
    """SolaraViz controls: strategy, seed, and one slider per key path (bounds from the schema)."""
    params: dict[str, Any] = {
        "strategy": {"type": "Select", "value": "baseline", "values": available(scn),
                     "label": "strategy"},
        "seed": {"type": "InputText", "value": "0", "label": "seed"},
    }
    for path, label in key_paths(scn).items():
        info, value = field_at(path, scn)
        lo, hi = bounds(info)
        params[arg_name(path)] = Slider(label, value=float(value), min=lo, max=hi,
                                        step=(hi - lo) / 100, dtype=float)
    return params


def parse_seed(text) -> int:
    """A seed from the seed box: digits, else 0."""
    text = str(text).strip()
    return int(text) if text.isdigit() else 0


def dashboard_model(path: Path, base: list[str]) -> type[TruceModel]:
    """A TruceModel class for one scenario file that SolaraViz can rebuild from its controls."""

    class DashboardModel(TruceModel):
        """One world of the scenario, with its event log, built from the dashboard controls."""

        scenario_path, base_overrides = path, list(base)

        def __init__(self, strategy: str = "baseline", seed: str | int = "0", rng=None,
                     scenario=None, **controls):
            # SolaraViz's Reset passes ``rng`` and a Mesa ``scenario``: the seed box and the
            # scenario file stand for them here
            overrides = self.base_overrides + [
                f"{k.replace('__', '.')}={float(v)!r}" for k, v in controls.items()]
            scn = load(self.scenario_path, overrides)
            self.overrides, self.seed_value = overrides, parse_seed(seed)
            super().__init__(scn, 1, self.seed_value, strategy, log_worlds=[0])
            self.strategy_name = strategy
            self.game = None  # play mode, once a broker is chosen

    return DashboardModel


# ------------------------------------------------------------------ figures
def network_figure(model: TruceModel) -> Figure:
    """Actors as a network: who backs whom, trust between parties, ties to spoilers; parties
    and brokers coloured by commitment."""
    scn, s, p = model.config, model.state, model.params
    g = nx.DiGraph()
    names = Narrator(scn).names
    for a in scn.actors:
        g.add_node(a.id, kind=a.kind)
    for a in scn.actors:
        for c in a.relations.clients:
            g.add_edge(a.id, c, kind="backs")
    pos = nx.shell_layout(g, [scn.actor_ids(ActorKind.PARTY),
                              scn.actor_ids(ActorKind.BROKER) + scn.actor_ids(ActorKind.SPOILER)])
    fig = Figure(figsize=(6.4, 4.6))
    ax = fig.subplots()
    cmap = matplotlib.colormaps["RdYlGn"]
    commitment = {pid: float(s.commitment[0, i]) for i, pid in enumerate(p.party_ids)}
    commitment |= {a.id: a.stances.commitment for a in scn.actors if a.kind is ActorKind.BROKER}
    for i, a in enumerate(p.party_ids):
        for j, b in enumerate(p.party_ids):
            if i < j:
                t = float((s.trust[0, i, j] + s.trust[0, j, i]) / 2)
                ax.annotate("", pos[b], pos[a], arrowprops={
                    "arrowstyle": "-", "lw": 1 + 6 * t, "color": "tab:blue", "alpha": 0.6})
                mid = (pos[a] + pos[b]) / 2
                ax.text(*mid, f"trust {t:.2f}", fontsize=8, ha="center", color="tab:blue")
        for k, sp in enumerate(p.spoiler_ids):
            tie = float(model.engine.ties[0, i, k])
            if tie > 0:
                ax.annotate("", pos[sp], pos[a], arrowprops={
                    "arrowstyle": "-", "ls": ":", "lw": 1 + 4 * tie, "color": "black"})
    for u, v in g.edges:
        ax.annotate("", pos[v], pos[u], arrowprops={"arrowstyle": "-|>", "color": "grey", "lw": 1.5,
                                                             "shrinkB": 14})
    for a in scn.actors:
        colour = "black" if a.kind is ActorKind.SPOILER else cmap(commitment[a.id])
        marker = {"party": "o", "broker": "s", "spoiler": "X"}[a.kind]
        ax.scatter(*pos[a.id], s=500, c=[colour], marker=marker, edgecolors="k", zorder=3)
        ax.text(pos[a.id][0], pos[a.id][1] - 0.17, names[a.id], ha="center", fontsize=8)
    ax.set_title(f"Day {model.day}: ○ parties, □ brokers, ✕ spoilers; colour = commitment; "
                 "grey arrow = backs; dotted = spoiler tie", fontsize=8)
    ax.set_axis_off()
    ax.margins(0.2)
    return fig


def world_figure(model: TruceModel) -> Figure:
    """The live world's daily violations and attacks, trust, and talks progress."""
    df = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(6.4, 4.6))
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    days = np.arange(len(df))
    if len(df):
        ax1.bar(days, df["party_violations"], color="tab:red", label="party violations")
        ax1.bar(days, df["spoiler_attacks"], bottom=df["party_violations"], color="black",
                label="spoiler attacks")
        ax2.plot(days, df["sum_trust"], label="mean trust")
        ax2.plot(days, df["sum_commitment"], label="mean commitment")
        ax2.plot(days, df["sum_talks_progress"], label="talks progress")
    top = int((df["party_violations"] + df["spoiler_attacks"]).max()) if len(df) else 0
    ax1.set_ylim(0, max(2, top + 1))
    ax1.set_ylabel("acts per day")
    ax1.legend(fontsize=7, loc="upper left")
    ax2.set_ylim(0, 1)
    ax2.set_xlim(0, model.params.horizon)
    ax2.set_xlabel("day")
    ax2.legend(fontsize=7, loc="upper left")
    ax1.set_title(f"This world (seed {model.streams.seed}), day {model.day}", fontsize=9)
    return fig


def survival_figure(days_collapse: np.ndarray, horizon: int, live_day: int) -> Figure:
    """Share of ensemble worlds whose truce still holds, by day (all censoring at the horizon,
    so this is the Kaplan-Meier estimate)."""
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    n = len(days_collapse)
    if n:
        t = np.arange(horizon + 1)
        collapsed = np.where(days_collapse >= 0, days_collapse, horizon + 1)
        holding = 1.0 - np.searchsorted(np.sort(collapsed), t, side="right") / n
        ax.step(t, holding, where="post")
        ax.axvline(live_day, color="grey", ls="--", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, horizon)
    ax.set_xlabel("day")
    ax.set_ylabel("share of worlds holding")
    ax.set_title(f"Ensemble survival: {n:,} worlds so far", fontsize=9)
    return fig


def run_block(model: TruceModel, block: int) -> np.ndarray:
    """Collapse days of the ensemble's ``block``-th 1024 worlds under the live model's settings,
    in batches that fit the default memory budget (:mod:`sim.memory`; same worlds either way)."""
    from sim.memory import plan
    from sim.runner import batches

    batch = plan(model.config, [model.strategy_name], None, BLOCK)
    days = []
    for first, n in batches(BLOCK, batch):
        ens = TruceModel(model.config, n, model.streams.seed, model.strategy_name,
                         first_world=block * BLOCK + first)
        days.append(ens.run().state.day_collapse.copy())
    return np.concatenate(days)


# ------------------------------------------------------------------ components
@solara.component
def NetworkView(model):
    update_counter.get()
    solara.FigureMatplotlib(network_figure(model), format="png")


@solara.component
def WorldView(model):
    update_counter.get()
    solara.FigureMatplotlib(world_figure(model), format="png")


@solara.component
def EnsembleView(model):
    """Fills in as blocks of worlds finish, in a thread of this session."""
    update_counter.get()
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
    collapse = ran[1] if ran[0] == id(model) else empty  # not a former model's worlds
    with solara.Column():
        solara.FigureMatplotlib(survival_figure(collapse, model.params.horizon, model.day),
                                format="png")
        solara.Text(f"ensemble: {len(collapse):,} of {ENSEMBLE_BLOCKS * BLOCK:,} worlds run")
        StateHook(model, len(collapse))


def StateHook(model, ensemble: int):
    """A hidden element whose data attributes give the page's state (for tests and scripts):
    the live world's day and seed, and how many ensemble worlds have run for it. Tests wait on
    these values, which only grow for a given model, rather than on a transient text."""
    return solara.v.Html(tag="div", class_="trucesim-state", style_="display: none",
                         attributes={"data-day": str(model.day), "data-seed": str(model.streams.seed),
                                     "data-ensemble": str(ensemble)}, children=[""])


def settings_line(model) -> str:
    """Today's day and the settings this world was built with, for the page (and its tests)."""
    labels = key_paths(model.config)
    shown = [f"{labels[path]} {field_at(path, model.config)[1]:.2f}" for path in labels]
    return (f"Day {model.day} of {model.params.horizon} · strategy {model.strategy_name} · "
            f"seed {model.streams.seed} · " + " · ".join(shown))


@solara.component
def StoryView(model):
    update_counter.get()
    lines = narrate(model.event_log.events, model.config, model.day) if model.day else []
    with solara.Card("Story of this world"):
        solara.Text(settings_line(model), classes=["trucesim-settings"])
        solara.Markdown("\n\n".join(lines[-STORY_LINES:]) or "Press **Step** to start the story.")


class _Cancelled(Exception):
    """The session moved on (a new game) while a verdict was being computed."""


def judge(game, worlds: int, on_share, cancel: threading.Event | None = None) -> str:
    """The end-of-game verdict (every scripted strategy on ``worlds`` worlds: seconds of work)
    as Markdown, calling ``on_share`` with the share done each time it gains a percent; stops
    early, returning "", once ``cancel`` is set."""
    from sim.play import verdict

    total = len(available(game.scn)) * worlds * game.horizon
    done, shown = [0], [-1]

    def tick(world_days: int) -> None:
        if cancel is not None and cancel.is_set():
            raise _Cancelled
        done[0] += world_days
        share = min(99, 100 * done[0] // total)  # 100 once the text is ready
        if share > shown[0]:
            shown[0] = share
            on_share(share)

    try:
        text = "\n\n".join(verdict(game, worlds, progress=tick).lines())
    except _Cancelled:
        return ""
    on_share(100)
    return text


@solara.component
def PlayView(model):
    """Play one broker: choose this week's actions, then play the week. The verdict at the end
    is computed in a thread of this session, with its progress shown, so the page stays live."""
    from sim.play import Game

    update_counter.get()
    brokers = model.config.actor_ids(ActorKind.BROKER)
    role, set_role = solara.use_state("")
    picked, set_picked = solara.use_state(())
    outcome, set_outcome = solara.use_state("")
    judged, set_judged = solara.use_state(0)  # percent of the verdict's runs done
    if model.game is not None and model.game.broker != role:
        model.game = None
    if role and model.game is None:
        model.game = Game(model.config, role, model.streams.seed, 0, model.params.horizon,
                          model.strategy_name, model=model)
    game = model.game
    finished = game is not None and game.finished

    def verdict_in_background(cancel):
        set_outcome("")
        set_judged(0)
        if finished:
            text = judge(game, BLOCK, set_judged, cancel)
            if text and not cancel.is_set():
                set_outcome(text)

    solara.use_thread(verdict_in_background, dependencies=[id(game), finished])

    def play_week():
        game.play_week([i for i, a in enumerate(game.actions) if a.kind in picked])
        set_picked(())
        force_update()

    with solara.Card("Play mode"):
        solara.Select("you play", values=[""] + brokers, value=role, on_value=set_role)
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
        if outcome:
            solara.Markdown(outcome)
        elif finished:
            solara.Text(f"Judging your truce against every scripted strategy on {BLOCK:,} "
                        f"worlds: {judged}%", classes=["trucesim-judging"])
            solara.ProgressLinear(value=judged)


def make_page(path: Path, base: list[str]):
    """The page component for one scenario file."""
    scn = load(path, base)
    cls = dashboard_model(path, base)
    params = model_params(scn)
    defaults = {k: (v.value if isinstance(v, Slider) else v["value"]) for k, v in params.items()}
    components = [(NetworkView, 0), (WorldView, 0), (EnsembleView, 0), (StoryView, 0),
                  (PlayView, 0)]

    @solara.component
    def Page():
        model = solara.use_memo(lambda: cls(**defaults), [])  # one model per session
        SolaraViz(model, components=components, model_params=params,
                  name=f"trucesim — {scn.meta.name}", play_interval=150)

    return Page


def _from_env():
    path = os.environ.get(ENV_SCENARIO)
    if not path:
        return None
    return make_page(Path(path), json.loads(os.environ.get(ENV_SET, "[]")))


Page = _from_env()  # `solara run sim.viz.dashboard` serves this


def serve(path: Path, host: str, port: int, overrides: list[str]) -> None:
    """Replace this process by a Solara server for the dashboard (same pid, so stopping it by
    its pid stops the server)."""
    env = dict(os.environ)
    env[ENV_SCENARIO] = str(Path(path).resolve())
    env[ENV_SET] = json.dumps(overrides)
    env["SOLARA_ASSETS_PROXY"] = "true"  # front end served from solara-assets (no CDN)
    argv = [sys.executable, "-m", "solara", "run", "sim.viz.dashboard", "--host", host,
            "--port", str(port), "--production", "--no-open", "--log-level", "warning"]
    sys.stdout.flush()
    os.execve(sys.executable, argv, env)
