"""The teaching dashboard's data: its model, its controls, what it shows and what it exports.

One world of the scenario runs live (a :class:`TruceModel` with one world and an event log):
the actors as a network coloured by commitment, its daily violations, trust and talks, and its
story. Beside it, an ensemble of worlds under the same settings runs in a background thread,
1024 worlds (one seed block) at a time, and its survival curve fills in. Controls are derived
from the scenario schema: the strategy menu from the scenario's strategies, and sliders whose
bounds are the pydantic fields' ``ge``/``le`` for a few key parameters (attribution error,
verification, spoilers' capability, mediators' legitimacy). Play mode lets the student act as
one broker, a week at a time (:mod:`sim.play`). The page itself is :mod:`sim.viz.page`.

The page reads the model through :func:`look` only (and play mode through :class:`sim.play.Game`),
so the model attributes it depends on are listed in one place.

Only matplotlib is used for plots, no Markdown (Solara's Markdown loads KaTeX from a CDN), and
the front end comes from the ``solara-assets`` package, so nothing is fetched from outside.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from pydantic import BaseModel

from sim import play, play_broker
from sim.memory import plan
from sim.model import TruceModel
from sim.rng import BLOCK
from sim.runner import batches
from sim.scenario import load
from sim.schema import ActorKind, BrokerRole, Scenario
from sim.story import Narrator
from sim.strategies import available
from sim.viz import game_panels
from sim.viz.record import CaseRecord, mark_record

ENV_SCENARIO, ENV_SET = "TRUCESIM_VIZ_SCENARIO", "TRUCESIM_VIZ_SET"
ENSEMBLE_BLOCKS = 8  # the curve fills in up to 8 x 1024 worlds (about 1 s of CPU per block)

# Solara warns on every page load that a cookie cannot be SameSite=None over plain http unless
# the host is "localhost"; that matters only when the page is embedded in another site's frame,
# never for this local server
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")


# ------------------------------------------------------------------ controls from the schema
@dataclass(frozen=True)
class SliderSpec:
    """One slider: the model argument it sets, its label, bounds (from the schema) and value."""

    arg: str
    label: str
    min: float
    max: float
    value: float

    @property
    def step(self) -> float:
        """The slider's step: a hundredth of its range."""
        return (self.max - self.min) / 100


def _unwrap(annotation):
    """The pydantic model or list item type inside ``X | None`` or ``list[X]``."""
    if isinstance(annotation, type):
        return annotation
    return next((a for a in get_args(annotation) if isinstance(a, type)), annotation)


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
    out = {"information.p_misattribution": "attribution error",
           "information.p_verify": "verification"}
    names = Narrator(scn).names
    for a in scn.actors:
        if a.kind is ActorKind.SPOILER:
            out[f"actors.{a.id}.capability"] = f"{names[a.id]}'s capability"
        elif a.kind is ActorKind.BROKER and a.role is BrokerRole.MEDIATOR:
            out[f"actors.{a.id}.legitimacy"] = f"{names[a.id]}'s legitimacy"
    return out


def arg_name(path: str) -> str:
    """The model argument of a key path (dots become double underscores)."""
    return path.replace(".", "__")


def model_params(scn: Scenario) -> dict[str, SliderSpec]:
    """One slider per key path, keyed by the model argument it sets (bounds from the schema)."""
    params = {}
    for path, label in key_paths(scn).items():
        info, value = field_at(path, scn)
        lo, hi = bounds(info)
        params[arg_name(path)] = SliderSpec(arg_name(path), label, lo, hi, float(value))
    return params


def parse_seed(text) -> int:
    """A seed from the seed box: digits, else 0."""
    text = str(text).strip()
    return int(text) if text.isdigit() else 0


def dashboard_model(path: Path, base: list[str]) -> type[TruceModel]:
    """A TruceModel class for one scenario file, built from the dashboard's controls."""

    class DashboardModel(TruceModel):
        """One world of the scenario, with its event log, built from the dashboard controls."""

        scenario_path, base_overrides = path, list(base)

        def __init__(self, strategy: str = "baseline", seed: str | int = "0", **controls):
            overrides = self.base_overrides + [
                f"{k.replace('__', '.')}={float(v)!r}" for k, v in controls.items()]
            scn = load(self.scenario_path, overrides)
            self.overrides, self.seed_value = overrides, parse_seed(seed)
            super().__init__(scn, 1, self.seed_value, strategy, log_worlds=[0])
            self.strategy_name = strategy
            self.game = None  # play mode, once a broker is chosen
            # Step, Run's thread and play mode's weeks run days of this world, and the page
            # reads it (look), one at a time
            self.lock = threading.RLock()
            self.drawn = threading.Event()  # the page has drawn the world's latest day
            self.history: list[dict] = []  # game_panels.snapshot after each day

        def step(self) -> None:
            """A day of the world, then its beliefs, brokers and battlefield recorded."""
            super().step()
            self.history.append(game_panels.snapshot(self))

    return DashboardModel


# ------------------------------------------------------------------ the one view of the model
@dataclass
class Look:
    """What the page shows of the live world, read from the model in one place."""

    scn: Scenario
    day: int
    horizon: int
    seed: int
    strategy: str
    party_ids: list[str]
    spoiler_ids: list[str]
    commitment: np.ndarray      # (parties,)
    trust: np.ndarray           # (parties, parties): i's trust in j
    ties: np.ndarray            # (parties, spoilers)
    series: pd.DataFrame        # one row per day run
    events: list                # the event log (sim.events.Event)
    params: Any = None          # the compiled parameters (sim.params.Params)
    history: list = ()          # game_panels.snapshot of each day run (the dashboard's model)


def look(model: TruceModel) -> Look:
    """The live world as the page sees it (world 0 of the model): a copy taken between days
    (under the model's lock, if it has one: another thread may be running a day)."""
    with getattr(model, "lock", contextlib.nullcontext()):
        return _look(model)


def _look(model: TruceModel) -> Look:
    p, s = model.params, model.state
    return Look(model.config, model.day, p.horizon, model.streams.seed, model.strategy_name,
                list(p.party_ids), list(p.spoiler_ids), s.commitment[0].copy(),
                s.trust[0].copy(), model.engine.ties[0].copy(),
                model.datacollector.get_model_vars_dataframe(), list(model.event_log.events),
                p, list(getattr(model, "history", ())))


# ------------------------------------------------------------------ figures
def network_figure(model: TruceModel) -> Figure:
    """Actors as a network: who backs whom, trust between parties, ties to spoilers; parties
    and brokers coloured by commitment."""
    w = look(model)
    scn, names = w.scn, Narrator(w.scn).names
    g = nx.DiGraph()
    g.add_nodes_from(a.id for a in scn.actors)
    g.add_edges_from((a.id, c) for a in scn.actors for c in a.relations.clients)
    pos = nx.shell_layout(g, [scn.actor_ids(ActorKind.PARTY),
                              scn.actor_ids(ActorKind.BROKER) + scn.actor_ids(ActorKind.SPOILER)])
    fig = Figure(figsize=(6.4, 4.6))
    ax = fig.subplots()
    _trust_and_ties(ax, w, pos)
    for u, v in g.edges:
        ax.annotate("", pos[v], pos[u], arrowprops={"arrowstyle": "-|>", "color": "grey",
                                                    "lw": 1.5, "shrinkB": 14})
    _actors(ax, w, pos, names)
    ax.set_title(f"Day {w.day}: ○ parties, □ brokers, ✕ spoilers; colour = commitment; "
                 "grey arrow = backs; dotted = spoiler tie", fontsize=8)
    ax.set_axis_off()
    ax.margins(0.2)
    return fig


def _trust_and_ties(ax, w: Look, pos) -> None:
    for i, a in enumerate(w.party_ids):
        for j, b in enumerate(w.party_ids):
            if i < j:
                t = float((w.trust[i, j] + w.trust[j, i]) / 2)
                ax.annotate("", pos[b], pos[a], arrowprops={
                    "arrowstyle": "-", "lw": 1 + 6 * t, "color": "tab:blue", "alpha": 0.6})
                ax.text(*((pos[a] + pos[b]) / 2), f"trust {t:.2f}", fontsize=8, ha="center",
                        color="tab:blue")
        for k, sp in enumerate(w.spoiler_ids):
            if w.ties[i, k] > 0:
                ax.annotate("", pos[sp], pos[a], arrowprops={
                    "arrowstyle": "-", "ls": ":", "lw": 1 + 4 * float(w.ties[i, k]),
                    "color": "black"})


def _actors(ax, w: Look, pos, names) -> None:
    cmap = matplotlib.colormaps["RdYlGn"]
    commitment = {pid: float(w.commitment[i]) for i, pid in enumerate(w.party_ids)}
    commitment |= {a.id: a.stances.commitment for a in w.scn.actors
                   if a.kind is ActorKind.BROKER}
    for a in w.scn.actors:
        colour = "black" if a.kind is ActorKind.SPOILER else cmap(commitment[a.id])
        marker = {"party": "o", "broker": "s", "spoiler": "X"}[a.kind]
        ax.scatter(*pos[a.id], s=500, c=[colour], marker=marker, edgecolors="k", zorder=3)
        ax.text(pos[a.id][0], pos[a.id][1] - 0.17, names[a.id], ha="center", fontsize=8)


def world_figure(model: TruceModel) -> Figure:
    """The live world's daily violations and attacks, trust, and talks progress. Before day 1
    the axes are drawn empty, with no legend (nothing is plotted yet)."""
    w = look(model)
    df = w.series
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
        ax1.legend(fontsize=7, loc="upper left")
        ax2.legend(fontsize=7, loc="upper left")
    top = int((df["party_violations"] + df["spoiler_attacks"]).max()) if len(df) else 0
    ax1.set_ylim(0, max(2, top + 1))
    ax1.set_ylabel("acts per day")
    ax2.set_ylim(0, 1)
    ax2.set_xlim(0, w.horizon)
    ax2.set_xlabel("day")
    ax1.set_title(f"This world (seed {w.seed}), day {w.day}", fontsize=9)
    return fig


def survival_curve(days_collapse: np.ndarray, horizon: int) -> np.ndarray:
    """Share of worlds whose truce still holds at the end of each day 0..horizon (every world is
    followed to the horizon, so this is the Kaplan-Meier estimate)."""
    t = np.arange(horizon + 1)
    collapsed = np.where(days_collapse >= 0, days_collapse, horizon + 1)
    return 1.0 - np.searchsorted(np.sort(collapsed), t, side="right") / max(len(collapsed), 1)


def survival_figure(days_collapse: np.ndarray, horizon: int, live_day: int,
                    rec: CaseRecord | None = None) -> Figure:
    """Share of ensemble worlds whose truce still holds, by day; with a case's record marked
    on it when ``rec`` is given (:func:`sim.viz.record.mark_record`)."""
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    n = len(days_collapse)
    if n:
        ax.step(np.arange(horizon + 1), survival_curve(days_collapse, horizon), where="post",
                label="the model: share of worlds holding")
        ax.axvline(live_day, color="grey", ls="--", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, horizon)
    ax.set_xlabel("day")
    ax.set_ylabel("share of worlds holding")
    ax.set_title(f"Ensemble survival: {n:,} worlds so far", fontsize=9)
    if rec is not None:
        mark_record(ax, rec, horizon)
    return fig


def run_block(model: TruceModel, block: int,
              cancel: threading.Event | None = None) -> np.ndarray | None:
    """Collapse days of the ensemble's ``block``-th 1024 worlds under the live model's settings,
    in batches that fit the default memory budget (:mod:`sim.memory`; same worlds either way);
    None as soon as ``cancel`` is set (checked every day, so that a Restart's ensemble starts at
    once instead of after this block)."""
    batch = plan(model.config, [model.strategy_name], None, BLOCK)
    days = []
    for first, n in batches(BLOCK, batch):
        ens = TruceModel(model.config, n, model.streams.seed, model.strategy_name,
                         first_world=block * BLOCK + first)
        while ens.running:
            if cancel is not None and cancel.is_set():
                return None
            ens.step()
        days.append(ens.state.day_collapse.copy())
    return np.concatenate(days)


# ------------------------------------------------------------------ exports
def settings_line(model) -> str:
    """Today's day and the settings this world was built with, for the page (and its tests)."""
    w, labels = look(model), key_paths(model.config)
    shown = [f"{labels[path]} {field_at(path, model.config)[1]:.2f}" for path in labels]
    return (f"Day {w.day} of {w.horizon} · strategy {w.strategy} · seed {w.seed} · "
            + " · ".join(shown))


def world_csv(model: TruceModel) -> str:
    """The live world's days as CSV: one row per day run (with beliefs, brokers' choices and
    the battlefield when on), with the settings as comment lines."""
    w = look(model)
    df = w.series.rename(columns={"sum_trust": "mean_trust", "sum_commitment": "mean_commitment",
                                  "sum_talks_progress": "talks_progress"})
    df.insert(0, "day", np.arange(len(df)))
    df = pd.concat([df.drop(columns=["n_worlds"]), game_panels.history_columns(w)], axis=1)
    head = f"# {w.scn.meta.name}; {settings_line(model)}\n"
    return head + df.to_csv(index=False)


def ensemble_csv(model: TruceModel, days_collapse: np.ndarray) -> str:
    """The ensemble's survival curve as CSV: day, share of worlds holding, worlds run."""
    w = look(model)
    curve = survival_curve(days_collapse, w.horizon) if len(days_collapse) else \
        np.full(w.horizon + 1, np.nan)
    df = pd.DataFrame({"day": np.arange(w.horizon + 1), "share_holding": curve,
                       "worlds": len(days_collapse)})
    buf = io.StringIO()
    buf.write(f"# {w.scn.meta.name}; {settings_line(model)}\n")
    df.to_csv(buf, index=False)
    return buf.getvalue()


# ------------------------------------------------------------------ play mode's verdict
class _Cancelled(Exception):
    """The session moved on (a new game) while a verdict was being computed."""


def judge(game, worlds: int, on_share, cancel: threading.Event | None = None) -> str:
    """The end-of-game verdict (every scripted strategy, or the model's own broker for a
    :class:`sim.play_broker.BrokerGame`, on ``worlds`` worlds: seconds of work)
    as paragraphs separated by blank lines, calling ``on_share`` with the share done each time
    it gains a percent; stops early, returning "", once ``cancel`` is set."""
    deciding = isinstance(game, play_broker.BrokerGame)  # against the model's own broker
    total = (1 if deciding else len(available(game.scn))) * worlds * game.horizon
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
        result = (play_broker.broker_verdict(game, Narrator(game.scn).names[game.broker], worlds,
                                             progress=tick) if deciding
                  else play.verdict(game, worlds, progress=tick))
        text = "\n\n".join(result.lines())
    except _Cancelled:
        return ""
    on_share(100)
    return text


# ------------------------------------------------------------------ serving
def serve(path: Path, host: str, port: int, overrides: list[str]) -> None:
    """Replace this process by a Solara server for the dashboard (same pid, so stopping it by
    its pid stops the server); it serves :data:`sim.viz.app.Page`."""
    env = dict(os.environ)
    env[ENV_SCENARIO] = str(Path(path).resolve())
    env[ENV_SET] = json.dumps(overrides)
    env["SOLARA_ASSETS_PROXY"] = "true"  # front end served from solara-assets (no CDN)
    # Solara otherwise sends usage events to Mixpanel (after asking api.ipify.org for this
    # machine's address) and asks pypi.org for its latest version: nothing may leave the machine
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    argv = [sys.executable, "-m", "solara", "run", "sim.viz.app", "--host", host,
            "--port", str(port), "--production", "--no-open", "--no-check-version",
            "--log-level", "warning"]
    sys.stdout.flush()
    os.execve(sys.executable, argv, env)
