"""The dashboard's panels of the game behind the truce: beliefs, brokers' choices, battlefield.

Each is shown only when its mechanism is on in the scenario (docs/model.md): the parties'
beliefs that each other is a tactical signer ("regrouping") when hidden types are on (section
11.5), each broker's weekly choice when brokers decide (section 12.1), and each party's control
of the contested ground beside the balance of forces when there is a battlefield. With all of
them off the page shows nothing new. The live world's values are recorded after each day by
:func:`snapshot` (the dashboard's model keeps the list), since the data collector keeps sums
over worlds only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.broker_schema import BrokerAction
from sim.events import Event, What
from sim.story import Narrator

ACTION_COLOURS = {"press": "tab:blue", "shield": "tab:purple", "reward": "tab:green",
                  "fight": "tab:red", "stay_out": "tab:grey"}
ACTIONS = [a.value for a in BrokerAction]  # by action code (sim.broker_schema.ACTION_CODES)
MAX_BELIEF_LINES = 6  # ordered pairs of parties drawn (2 parties: 2 lines; 3: all 6)


def panels(params) -> list[str]:
    """The panels the scenario's mechanisms call for, in page order (empty: all off)."""
    on = {"beliefs": params.has_types, "brokers": params.game.has_brokers_decide,
          "battlefield": params.game.has_battlefield}
    return [name for name, is_on in on.items() if is_on]


def snapshot(model) -> dict:
    """World 0's beliefs, brokers' actions and credibility, control and balance, now."""
    s = model.state
    return {"regrouping": 1.0 - s.belief[0], "action": s.broker_action[0].copy(),
            "credibility": s.credibility[0].copy(), "control": s.control[0].copy(),
            "share": s.share[0].copy()}


def game_figure(look) -> Figure:
    """One row per panel of :func:`panels`, over the days run (``look``: the page's
    :class:`sim.viz.dashboard.Look`, with ``history`` and ``params``)."""
    shown = panels(look.params)
    fig = Figure(figsize=(6.4, 1.2 + 1.9 * max(len(shown), 1)))
    axes = np.atleast_1d(fig.subplots(max(len(shown), 1), 1, sharex=True))
    names = Narrator(look.scn).names
    draw = {"beliefs": _beliefs, "brokers": _brokers, "battlefield": _battlefield}
    for ax, name in zip(axes, shown, strict=False):
        draw[name](ax, look, names)
        ax.legend(fontsize=7, loc="upper left", ncol=2)
    axes[-1].set_xlim(0, look.horizon)
    axes[-1].set_xlabel("day")
    fig.suptitle(f"Beliefs, brokers and battlefield (seed {look.seed}), day {look.day}",
                 fontsize=9)
    fig.tight_layout()
    return fig


def _series(look, key: str) -> np.ndarray:
    return np.array([h[key] for h in look.history]) if look.history else np.zeros(0)


def _beliefs(ax, look, names) -> None:
    ids, regrouping = look.party_ids, _series(look, "regrouping")
    pairs = [(i, j) for i in range(len(ids)) for j in range(len(ids)) if i != j]
    for i, j in pairs[:MAX_BELIEF_LINES]:
        ax.plot(regrouping[:, i, j] if len(regrouping) else [],
                label=f"{names[ids[i]]} thinks {names[ids[j]]} is regrouping")
    ax.set_ylim(0, 1)
    ax.set_ylabel("belief", fontsize=8)


def _brokers(ax, look, names) -> None:
    deciding = [b for b, on in enumerate(look.params.game.broker_decides) if on]
    actions = _series(look, "action")
    for code, name in enumerate(ACTIONS):
        days, rows = (np.nonzero(actions[:, deciding] == code) if len(actions)
                      else ([], []))
        ax.scatter(days, rows, s=14, marker="s", color=ACTION_COLOURS[name],
                   label=name.replace("_", " "))
    ax.set_yticks(range(len(deciding)), [names[look.params.broker_ids[b]] for b in deciding],
                  fontsize=7)
    ax.set_ylim(-0.7, len(deciding) - 0.3 + 0.6)  # room for the legend
    ax.set_ylabel("broker's choice", fontsize=8)


def _battlefield(ax, look, names) -> None:
    control, share = _series(look, "control"), _series(look, "share")
    for i, pid in enumerate(look.party_ids):
        line, = ax.plot(control[:, i] if len(control) else [], label=f"{names[pid]} holds")
        ax.plot(share[:, i] if len(share) else [], ls="--", color=line.get_color(),
                label=f"{names[pid]}'s balance of forces")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of ground", fontsize=8)


def now_lines(look) -> list[str]:
    """This week's action of each deciding broker, with the reason the story gave when it
    chose it (a broker that kept its first action has none), and its credibility; then each
    party's latest belief about the others."""
    nr, out = Narrator(look.scn), []
    last = look.history[-1] if look.history else None
    if "brokers" in panels(look.params) and last is not None:
        out += [_capital(_broker_now(look, nr, b)) +
                f" (credibility {last['credibility'][b]:.2f})"
                for b, on in enumerate(look.params.game.broker_decides) if on]
    if "beliefs" in panels(look.params) and last is not None:
        ids = look.party_ids
        out += [f"{nr.names[a]} thinks {nr.names[b]} is {last['regrouping'][i, j]:.0%} likely "
                "to be regrouping" for i, a in enumerate(ids) for j, b in enumerate(ids)
                if i != j][:MAX_BELIEF_LINES]
    return out


def _broker_now(look, nr, b: int) -> str:
    """Broker b's current action in a sentence: its last change's, with why, else plain."""
    p, action = look.params, ACTIONS[int(look.history[-1]["action"][b])]
    bid, c = p.broker_ids[b], int(p.game.broker_client[b])
    told = [e for e in look.events if e.what is What.BROKER and e.actor == bid]
    if told and told[-1].detail == action:
        return nr.sentence(told[-1])
    return nr.sentence(Event(look.day, 0, What.BROKER, bid, p.party_ids[c] if c >= 0 else "",
                             detail=action))


def history_columns(look) -> pd.DataFrame:
    """The panels' values, one row per day run, for the world's CSV export: each party's
    belief that each other is regrouping (``p_regrouping_<party>_<other>``), each deciding
    broker's action and credibility, each party's control and balance (none when all off)."""
    shown, p, cols = panels(look.params), look.params, {}
    ids = look.party_ids
    if "beliefs" in shown:
        cols |= {f"p_regrouping_{a}_{b}": _series(look, "regrouping")[:, i, j]
                 for i, a in enumerate(ids) for j, b in enumerate(ids) if i != j}
    if "brokers" in shown:
        for b in np.flatnonzero(p.game.broker_decides):
            cols[f"action_{p.broker_ids[b]}"] = [ACTIONS[h["action"][b]] for h in look.history]
            cols[f"credibility_{p.broker_ids[b]}"] = _series(look, "credibility")[:, b]
    if "battlefield" in shown:
        for i, a in enumerate(ids):
            cols[f"control_{a}"] = _series(look, "control")[:, i]
            cols[f"balance_{a}"] = _series(look, "share")[:, i]
    return pd.DataFrame(cols if look.history else {}, index=range(len(look.history)))


def _capital(text: str) -> str:
    return text[0].upper() + text[1:] if text else text
