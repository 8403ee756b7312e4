"""Play mode: a student takes one broker's role, week by week, in one world.

Each simulated week the student picks any of the broker's available actions (or none); the
other actors act as modelled. The actions are the intervention kinds of
:mod:`sim.interventions_schema`: kinds that name a broker (a meeting's convener, the pressing
broker, the guarantor, the leaders) are bound to the student's broker; the others (monitoring,
inducements, separation, action against spoilers, a political push) are launched on the
student's initiative. An action lasts the kind's own ``duration_days`` (a meeting one day,
leader diplomacy two weeks), else one week. Its parameters and costs are those of the standard
strategy using that kind (:data:`sim.strategies.STANDARD`, costs in effort points), so the
student pays what a scripted strategy pays. An action that would have no effect in the scenario
(pressure by a broker with no leverage) is not offered.

The student's world is world ``world`` of seed ``seed``: the same random numbers as the scripted
strategies' world of that index (interventions draw no random numbers), so the end compares
like with like — the same world under every scripted strategy, and their ensemble averages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

import numpy as np

from sim.events import Event
from sim.interventions_schema import Intervention, Trigger
from sim.model import TruceModel
from sim.params import compile_params
from sim.runner import compare
from sim.schema import ActorKind, BrokerRole, Scenario
from sim.state import WEEK
from sim.strategies import STANDARD, available
from sim.strategies.compile import compile_interventions

# Who can credibly launch what (an assumption, from the roles' definitions in the schema): a
# mediator convenes, monitors, offers aid, presses for separation and pushes the talks; a
# patron presses and rewards through its clients and calls leaders; a guarantor can do it all.
ROLE_KINDS = {
    BrokerRole.MEDIATOR: {"mediation_meeting", "monitoring", "inducements", "separation",
                          "political_push"},
    BrokerRole.PATRON: {"pressure", "inducements", "separation", "leader_diplomacy"},
    BrokerRole.GUARANTOR: None,  # every kind
}
BROKER_FIELDS = {"mediator": str, "actor": str, "guarantor": str, "brokers": list,
                 "attendees": list}


def intervention_kinds() -> list[type]:
    """The intervention classes, in the order of the schema's union."""
    union = get_args(Intervention)[0]
    return list(get_args(union))


def _template(cls: type):
    """The standard library's intervention of this kind, else the kind's defaults."""
    kind = cls.model_fields["kind"].annotation.__args__[0]
    for strategy in STANDARD.values():
        for iv in strategy.interventions:
            if iv.kind == kind:
                return iv
    return cls(kind=kind)


@dataclass(frozen=True)
class Action:
    """One action the student may take: an intervention template bound to their broker."""

    kind: str
    description: str
    days: int
    cost: float
    template: object

    def launch(self, day: int):
        """The intervention, firing once on ``day`` and lasting ``days``."""
        trigger = Trigger(from_day=day, until_day=day + self.days - 1, budget=1)
        return self.template.model_copy(update={"trigger": trigger, "duration_days": self.days})


def _bind(iv, broker: str):
    update = {}
    for name, kind in BROKER_FIELDS.items():
        if name in type(iv).model_fields:
            update[name] = [broker] if kind is list else broker
    return iv.model_copy(update=update)


def broker_actions(scn: Scenario, broker: str, strategy: str = "baseline") -> list[Action]:
    """The actions open to ``broker`` in this scenario, with their costs."""
    params = compile_params(scn, strategy)
    role = next(a.role for a in scn.actors if a.id == broker)
    allowed = ROLE_KINDS.get(role)
    out = []
    for cls in intervention_kinds():
        iv = _bind(_template(cls), broker)
        if allowed is not None and iv.kind not in allowed:
            continue
        own = cls.model_fields["duration_days"].default
        days = int(own) if own else WEEK
        compiled = compile_interventions([iv], scn, params)
        if not compiled or not _has_effect(compiled[0]):
            continue
        cost = iv.cost_per_activation + iv.cost_per_day * days
        doc = (cls.__doc__ or iv.kind).strip().splitlines()[0]
        out.append(Action(iv.kind, doc, days, float(cost), iv))
    return out


def _has_effect(c) -> bool:
    if c.iv.kind in ("pressure", "guarantee"):
        return bool(np.any(c.extra_leverage > 0))
    return True


def _add(model: TruceModel, iv) -> None:
    """Add an intervention to a running model's engine, keeping the others' state."""
    eng = model.engine
    new = compile_interventions([iv], model.config, model.params)
    if not new:
        return
    eng.items.append(new[0])
    eng.activations = eng.activations.extended([c.iv for c in eng.items])
    eng.bonus = np.vstack([eng.bonus, np.zeros((1, eng.n))])
    eng.prepare()  # what the engine keeps for the run depends on its interventions


@dataclass
class Week:
    """What one week of play produced."""

    first_day: int
    chosen: list[str]
    cost: float
    events: list[Event] = field(default_factory=list)


class OneWorld:
    """What every game of play mode shares: one world of one model, played a week at a time.
    Subclasses set ``scn``, ``broker``, ``seed``, ``world``, ``model``, ``weeks`` and
    ``spent``."""

    model: TruceModel
    spent: float = 0.0

    @property
    def day(self) -> int:
        """Days played so far."""
        return self.model.day

    @property
    def horizon(self) -> int:
        """The last day of the game."""
        return self.model.params.horizon

    @property
    def collapsed(self) -> bool:
        """Whether the truce has collapsed."""
        return bool(self.model.state.day_collapse[0] >= 0)

    @property
    def finished(self) -> bool:
        """Whether the game is over (collapse or horizon)."""
        return self.collapsed or not self.model.running

    @property
    def survival_days(self) -> int:
        """Days the truce held (the horizon if it never collapsed)."""
        d = int(self.model.state.day_collapse[0])
        return d if d >= 0 else self.horizon

    def status(self) -> dict:
        """The student's view of the world today."""
        s, p = self.model.state, self.model.params
        trust = float(self.model.mean_trust_all[0])
        return {
            "day": self.day, "status": ["holding", "in trouble", "collapsed"][int(s.status[0])],
            "violations_7d": int(s.count_ring[:, 0].sum()), "mean_trust": trust,
            "talks_progress": float(s.talks_progress[0]),
            "away_from_talks": [pid for pid, on in zip(p.party_ids, s.in_talks[0]) if not on],
            "spent": self.spent,
        }

    def run_week(self, days: int = WEEK) -> list[Event]:
        """Run up to ``days`` days, stopping early at a collapse or the horizon; their
        events."""
        n_before = len(self.model.event_log.events)
        for _ in range(days):
            if self.finished:
                break
            self.model.step()
        return self.model.event_log.events[n_before:]


def check_broker(scn: Scenario, broker: str) -> None:
    """Raise ValueError, naming the scenario's brokers, if ``broker`` is not one of them."""
    brokers = scn.actor_ids(ActorKind.BROKER)
    if broker not in brokers:
        raise ValueError(f"'{broker}' is not a broker; expected one of: "
                         f"{', '.join(brokers) or 'none (this scenario has no broker)'}")


class Game(OneWorld):
    """A game of play mode.

    Args:
        scn: the scenario.
        broker: id of the broker the student plays.
        seed, world: which world (as in ``trucesim run --seed``).
        days: horizon override.
        strategy: what the other brokers do as scripted (default: the baseline, nothing new).
        model: a one-world model with an event log to play in (the dashboard's), instead of a
            new one.

    Raises:
        ValueError: if ``broker`` is not a broker of the scenario.
    """

    def __init__(self, scn: Scenario, broker: str, seed: int = 0, world: int = 0,
                 days: int | None = None, strategy: str = "baseline",
                 model: TruceModel | None = None):
        check_broker(scn, broker)
        self.scn, self.broker, self.seed, self.world = scn, broker, seed, world
        self.strategy = strategy
        self.model = model or TruceModel(scn, 1, seed, strategy, first_world=world, days=days,
                                         log_worlds=[0])
        self.actions = broker_actions(scn, broker, strategy)
        self.weeks: list[Week] = []
        self.spent = 0.0

    def play_week(self, choices: list[int]) -> Week:
        """Launch the chosen actions (indices into :attr:`actions`) and run up to 7 days,
        stopping early at a collapse or the horizon."""
        picked = [self.actions[i] for i in dict.fromkeys(choices)]
        for action in picked:
            _add(self.model, action.launch(self.day))
        week = Week(self.day, [a.kind for a in picked], sum(a.cost for a in picked))
        week.events = self.run_week()
        self.spent = float(self.model.engine.cost[0])
        self.weeks.append(week)
        return week


@dataclass
class Verdict:
    """The student's result against the scripted strategies."""

    survival_days: int
    spent: float
    horizon: int
    same_world: dict[str, int]  # strategy -> days the truce held in the student's world
    ensemble: dict[str, float]  # strategy -> mean days held (RMST) over the ensemble
    ensemble_cost: dict[str, float]
    worlds: int

    def best(self) -> tuple[str, float]:
        """The scripted strategy with the most mean days held, and that mean."""
        name = max(self.ensemble, key=lambda k: (self.ensemble[k], k != "baseline"))
        return name, self.ensemble[name]

    def lines(self) -> list[str]:
        """The verdict in sentences: the student's truce against the scripted strategies."""
        kept = ("kept the truce alive to the horizon" if self.survival_days >= self.horizon
                else f"kept the truce alive {self.survival_days} days")
        name, mean = self.best()
        base = self.same_world.get("baseline")
        out = [f"You {kept} (of {self.horizon}), spending {self.spent:g} effort points."]
        if base is not None:
            out.append(f"In this same world, with no new intervention it held {base} days; "
                       f"the best scripted strategy here held {max(self.same_world.values())}.")
        base_mean = self.ensemble.get("baseline", float("nan"))
        if mean > base_mean:
            out.append(f"Over {self.worlds} worlds the best scripted strategy, {name}, averages "
                       f"{mean:.0f} days (mean cost {self.ensemble_cost[name]:.1f}); "
                       f"the baseline averages {base_mean:.0f}.")
        else:
            out.append(f"Over {self.worlds} worlds no scripted strategy does better than the "
                       f"baseline, which averages {base_mean:.0f} days.")
        return out


def verdict(game: Game, worlds: int = 200, strategies: list[str] | None = None,
            progress=None) -> Verdict:
    """Compare the student's truce with every scripted strategy: in the same world, and as the
    mean days held (restricted mean survival to the horizon) over ``worlds`` worlds."""
    names = strategies or available(game.scn)
    days = game.horizon
    same_world = {}
    for name in names:
        single = TruceModel(game.scn, 1, game.seed, name, first_world=game.world, days=days).run()
        d = int(single.state.day_collapse[0])
        same_world[name] = d if d >= 0 else days
    ens = compare(game.scn, names, worlds, game.seed, days, workers=1, progress=progress)
    means = {n: float(r.worlds["survival_days"].mean()) for n, r in ens.runs.items()}
    costs = {n: float(r.worlds["intervention_cost"].mean()) for n, r in ens.runs.items()}
    return Verdict(game.survival_days, game.spent, days, same_world, means, costs, worlds)
