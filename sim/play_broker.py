"""Play mode as a broker who decides: the student makes the weekly choice that the model's rule
makes for one broker with interests (docs/model.md section 12.1, :mod:`sim.rules.broker_choice`).

Each week (the model's brokers choose on days 0, 7, 14, ...) the student picks one action among
those the broker's compiled rule allows: its role's actions (``sim.broker_schema.ROLE_ACTIONS``)
or the ``interests.actions`` it considers, shield and fight only with a client. Each action is
shown with its utility U(a) from last week's record, the number the model's rule adds its
Gumbel choice noise to. The student's broker is taken out of the compiled weekly choice; its
credibility is learnt and its week tallied as the rule does. The other brokers decide as usual:
their noise is drawn per broker from counter-based streams, so they draw the same numbers with
or without the student, and a student who plays the model's choice every week (without choice
noise) replays the model's own world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.broker_schema import ACTION_CODES, ROLE_ACTIONS, BrokerAction
from sim.model import TruceModel
from sim.play import OneWorld, Week, check_broker
from sim.rules import battlefield as bf
from sim.rules import broker_choice as bc
from sim.runner import compare
from sim.schema import Scenario

ACTIONS = [a.value for a in BrokerAction]  # by action code


@dataclass(frozen=True)
class Option:
    """An action the student may choose this week, and its utility to the broker."""

    action: str
    utility: float


class BrokerGame(OneWorld):
    """A game of play mode in which the student is a broker with interests.

    Args:
        scn: the scenario.
        broker: id of a broker with ``interests`` (one the model lets decide).
        seed, world: which world (as in ``trucesim run --seed``).
        days: horizon override.
        model: a one-world model with an event log to play in (the dashboard's), instead of a
            new one; :meth:`release` hands the broker back to the model's rule.

    Raises:
        ValueError: if ``broker`` is not a broker, or one without interests.
    """

    def __init__(self, scn: Scenario, broker: str, seed: int = 0, world: int = 0,
                 days: int | None = None, model: TruceModel | None = None):
        check_broker(scn, broker)
        actor = next(a for a in scn.actors if a.id == broker)
        if actor.interests is None:
            deciding = [a.id for a in scn.actors if getattr(a, "interests", None) is not None]
            raise ValueError(f"'{broker}' has no interests in this scenario, so the model does "
                             "not let it decide (brokers who decide: "
                             f"{', '.join(deciding) or 'none'}; `--role` plays it by "
                             "launching interventions)")
        self.scn, self.broker, self.seed, self.world, self.role = (
            scn, broker, seed, world, str(actor.role))
        self.model = model or TruceModel(scn, 1, seed, "baseline", first_world=world,
                                         days=days, log_worlds=[0])
        self.b = self.model.params.broker_ids.index(broker)
        self._decides(False)  # the student decides for it
        self.actions = allowed_actions(self.model.params.game, self.b)
        self.weeks: list[Week] = []

    def _decides(self, by_the_rule: bool) -> None:
        decides = self.model.fixed.broker_decides.copy()
        decides[self.b] = by_the_rule
        self.model.fixed = self.model.fixed._replace(broker_decides=decides)

    def release(self) -> None:
        """Hand the broker back to the model's rule, from its next weekly choice on."""
        self._decides(True)

    # ---------------------------------------------------------------- the choice
    def record(self) -> tuple[float, float, float]:
        """(x, x_c, a) of last week's record: the parties' mean share of days with a
        violation, the client's share, the share of days spoilers struck a party."""
        s, c = self.model.state, int(self.model.params.game.broker_client[self.b])
        days = s.week_violations[0]
        x = float(days.sum()) / (bc.WEEK * len(days))
        return x, (float(days[c]) / bc.WEEK if c >= 0 else 0.0), float(s.week_attacks[0]) / bc.WEEK

    def options(self) -> list[Option]:
        """Each allowed action with its utility U(a) this week (sim.rules.broker_choice)."""
        g, b = self.model.params.game, self.b
        x, x_c, attacks = self.record()
        gain = self.gain_if_fighting()
        return [Option(a, float(bc.utility(ACTION_CODES[BrokerAction(a)], g.broker_stake[b],
                                           g.broker_ct[b], g.broker_truce_value[b],
                                           g.broker_cost[b], x, x_c, attacks, gain)))
                for a in self.actions]

    def best(self) -> str:
        """The action the model's broker would most likely choose (the highest utility; ties
        go to the first, as in the rule)."""
        opts = self.options()
        return max(opts, key=lambda o: (o.utility, -opts.index(o))).action

    def gain_if_fighting(self) -> float:
        """g_c: the ground its client expects to gain if the broker fights for it this week
        (:func:`sim.rules.broker_choice.gain_if_fighting`; 0 without a battlefield)."""
        g, s, b = self.model.params.game, self.model.state, self.b
        c = int(g.broker_client[b])
        if not g.has_battlefield or c < 0:
            return 0.0
        fighting = s.broker_action[0] == bc.FIGHT
        e = s.strength[0].copy()
        np.add.at(e, g.broker_client[fighting & (g.broker_client >= 0)],
                  g.broker_firepower[fighting & (g.broker_client >= 0)])
        if not fighting[b]:
            e[c] += g.broker_firepower[b]
        share = bf.contest_share(e[c], float((e ** g.decisiveness).sum()), g.decisiveness,
                                 len(e))
        return float(bf.expected_gain(share, s.control[0, c], s.trend[0, c], g.trend_days))

    def pledged(self) -> bool:
        """Whether the student's broker's own guarantee was in force on the last day run (a
        standing promise: :func:`sim.rules.broker_choice.kept_word`)."""
        today = getattr(self.model, "today", None)
        return today is not None and bool(today.pledge[0, self.b] > 0.0)

    def check(self, action: str) -> str:
        """The action named (spaces or underscores), or ValueError saying why it is not one
        this broker may choose."""
        name = action.strip().lower().replace(" ", "_")
        if name in self.actions:
            return name
        if name not in ACTIONS:
            raise ValueError(f"'{action}' is not a broker's action (expected one of: "
                             f"{', '.join(self.actions)})")
        if name not in ROLE_ACTIONS[self.role]:
            raise ValueError(f"a {self.role} cannot '{name}' (its role allows: "
                             f"{', '.join(ROLE_ACTIONS[self.role])})")
        raise ValueError(f"{self.broker} does not consider '{name}' in this scenario "
                         f"(it may: {', '.join(self.actions)})")

    # ---------------------------------------------------------------- the week
    def play_week(self, action: str) -> Week:
        """Take ``action`` (an allowed action's name) for the week, as the rule would at the
        week's start: credibility learnt from last week's conduct, the week tallied; then run
        to the model's next weekly choice (7 days, fewer for a game begun mid-week), stopping
        early at a collapse or the horizon."""
        if self.finished:
            raise ValueError("the game is over (the truce collapsed or reached its horizon)")
        action = self.check(action)
        s, g, b = self.model.state, self.model.params.game, self.b
        x, _, _ = self.record()
        if self.day % bc.WEEK == 0:  # the rule learns at its weekly choice only
            s.credibility[0, b] = bc.learn(s.credibility[0, b],
                                           bc.kept_word(s.broker_action[0, b], self.pledged()),
                                           x > 0.0, g.broker_learning[b])
        code = ACTION_CODES[BrokerAction(action)]
        s.broker_action[0, b] = code
        s.n_broker_actions[0, b, code] += 1
        week = Week(self.day, [action], 0.0)
        week.events = self.run_week(bc.WEEK - self.day % bc.WEEK)
        self.weeks.append(week)
        return week


def allowed_actions(game, b: int) -> list[str]:
    """The actions broker ``b``'s compiled rule considers: allowed by its role or interests,
    shield and fight only with a client (as :func:`sim.rules.broker_choice.choose`)."""
    no_client = game.broker_client[b] < 0
    return [a for code, a in enumerate(ACTIONS) if game.broker_allowed[b, code]
            and not (no_client and code in (bc.SHIELD, bc.FIGHT))]


@dataclass
class BrokerVerdict:
    """The student's truce against the model's broker, in the same world and on average."""

    name: str
    survival_days: int
    horizon: int
    yours: dict[str, int]  # action -> weeks the student chose it
    model_days: int  # days the truce held in the same world with the model's broker
    model_choices: dict[str, int]  # action -> weeks the model's broker chose it there
    ensemble_days: float  # mean days held over the ensemble, the model's broker deciding
    worlds: int

    def lines(self) -> list[str]:
        """The verdict in sentences."""
        kept = ("kept the truce alive to the horizon" if self.survival_days >= self.horizon
                else f"kept the truce alive {self.survival_days} days")
        return [f"You {kept} (of {self.horizon}), choosing {_weeks(self.yours)}.",
                f"In this same world, with {self.name} deciding as the model does, it held "
                f"{self.model_days} days; the model's {self.name} chose "
                f"{_weeks(self.model_choices)}.",
                f"Over {self.worlds} worlds with the model's {self.name} the truce holds "
                f"{self.ensemble_days:.0f} days on average."]


def _weeks(counts: dict[str, int]) -> str:
    said = [f"{a.replace('_', ' ')} {n} week{'s' * (n != 1)}"
            for a, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n]
    return ", ".join(said) or "nothing"


def broker_verdict(game: BrokerGame, name: str, worlds: int = 200,
                   progress=None) -> BrokerVerdict:
    """Compare the student's truce with the model's own broker: in the same world (and what it
    chose there) and as the mean days held over ``worlds`` worlds."""
    same = TruceModel(game.scn, 1, game.seed, "baseline", first_world=game.world,
                      days=game.horizon)
    while same.running and same.state.day_collapse[0] < 0:  # played to the collapse, as yours
        same.step()
    d = int(same.state.day_collapse[0])
    chosen = [int(a) for a in same.state.n_broker_actions[0, game.b]]
    ens = compare(game.scn, ["baseline"], worlds, game.seed, game.horizon, workers=1,
                  progress=progress)
    mean = float(ens.runs["baseline"].worlds["survival_days"].mean())
    yours = {a: sum(w.chosen == [a] for w in game.weeks) for a in ACTIONS}
    return BrokerVerdict(name, game.survival_days, game.horizon, yours,
                         d if d >= 0 else game.horizon, dict(zip(ACTIONS, chosen)), mean,
                         worlds)
