"""Enums and the state of a batch of worlds, every variable declared once (:data:`VARIABLES`).

Each variable has a name, a shape after the worlds axis (in symbols: ``P`` parties, ``S``
spoilers, ``B`` brokers, ``A`` broker actions, ``K`` issues, ``Pk`` parties where there are
issues (else none), ``window`` the collapse window, ``week`` seven days), a dtype and an
initial value,
and lives in one numpy array with the worlds as its leading axis, except ring buffers, whose
leading axis is the day of the ring (row ``day % length``). :class:`State` is a named tuple of
these arrays, which the compiled day (:mod:`sim.kernel`) reads and writes in place.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.broker_schema import ACTION_CODES
from sim.params import Params


class TruceStatus(IntEnum):
    """A world's truce status, as coded in the ``status`` variable."""

    HOLDING = 0
    IN_TROUBLE = 1
    COLLAPSED = 2


class CollapseMode(IntEnum):
    """How a world's truce collapsed (NONE while it holds), as coded in ``collapse_mode``."""

    NONE = 0
    SUSTAINED_VIOLENCE = 1
    WITHDRAWAL = 2
    OFFENSIVE = 3


WEEK = 7
N_ACTIONS = len(ACTION_CODES)
NEVER = -1  # value of a day_* or *_cause variable before it happens


@dataclass(frozen=True)
class Var:
    """One state variable: ``shape`` after the worlds axis (a leading ``"ring:<len>"`` puts the
    ring's day first), dtype, and initial value (a number, or a function of the parameters
    giving an array that broadcasts to the trailing shape)."""

    name: str
    shape: tuple[str, ...]
    dtype: type
    init: float | Callable[[Params], np.ndarray]
    doc: str


def _initial_trust(p: Params) -> np.ndarray:
    """(P, P): trust of i in j starts at ``initial_trust_i``; self-trust is 1."""
    trust = np.broadcast_to(p.initial_trust[:, None], (p.n_parties,) * 2).copy()
    np.fill_diagonal(trust, 1.0)
    return trust


def _initial_balance(p: Params) -> np.ndarray:
    """(P,): the contest success function of the initial strengths (sim.rules.battlefield)."""
    g = p.game
    e = g.strength0 ** g.decisiveness
    return e / e.sum() if e.sum() > 0 else np.full(p.n_parties, 1.0 / max(p.n_parties, 1))


def initial_belief(p: Params) -> np.ndarray:
    """(P, P): i's belief that j is committed starts at the prior about j; 1 about itself."""
    belief = np.broadcast_to(p.belief_prior[None, :], (p.n_parties,) * 2).copy()
    np.fill_diagonal(belief, 1.0)
    return belief


F, I16, I32, I8, B = np.float64, np.int16, np.int32, np.int8, np.bool_
VARIABLES = (
    Var("commitment", ("P",), F, lambda p: p.commitment, "resolve to keep the truce"),
    Var("trust", ("P", "P"), F, lambda p: initial_belief(p) if p.has_types
        else _initial_trust(p), "trust[w, i, j]: party i's trust in party j"),
    Var("belief", ("P", "P"), F, initial_belief,
        "belief[w, i, j]: i's belief that j is a committed signer (sim.rules.types)"),
    Var("is_tactical", ("P",), B, False, "party is a tactical signer (drawn before day 0)"),
    Var("launched", ("P",), B, False, "a tactical signer has launched its offensive"),
    Var("incidents", ("P",), I16, 0, "incidents of each party's violation today"),
    Var("seen_size", ("P",), I16, 0, "largest violation (incidents) each party perceived today"),
    Var("opening_incidents", (), I16, 0, "incidents of the act opening the escalation"),
    Var("mean_trust", ("P",), F, lambda p: p.initial_trust if p.n_parties > 1 else 1.0,
        "mean trust of i in the others"),
    Var("mean_trust_all", (), F, lambda p: p.initial_trust.mean() if p.n_parties > 1 else 1.0,
        "mean over parties of mean_trust"),
    Var("pressure", ("P",), F, 0.0, "brokers' pressure on each party"),
    Var("coerced", ("P",), F, 0.0, "share of i's motive to fight removed by leverage today"),
    Var("in_talks", ("P",), B, True, "party at the table"),
    Var("withdrawn", ("P",), B, False, "party has left the truce (fights every day)"),
    Var("triggered", ("P",), B, False, "grim-trigger memory: ever provoked"),
    Var("perceived", ("P", "P"), I16, 0, "hostile acts by j that i perceived today"),
    Var("blamed", ("P", "P"), I16, 0, "of which spoiler attacks on i blamed on j"),
    Var("hostile_today", ("P",), I16, 0, "hostile acts each party perceived today"),
    Var("hostile_ring", ("ring:week", "P"), I16, 0, "hostile acts perceived, by day"),
    Var("hostile7", ("P",), I32, 0, "hostile acts perceived in the last 7 days"),
    Var("violent_ring", ("ring:window",), B, False, "a party violated that day"),
    Var("violent_window", (), I32, 0, "violent days in the collapse window"),
    Var("violent7", (), I32, 0, "violent days in the last 7"),
    Var("count_ring", ("ring:week",), I32, 0, "party violations (incidents), by day"),
    Var("count7", (), I32, 0, "party violations in the last 7 days"),
    Var("talks_progress", (), F, lambda p: p.initial_progress, "progress of the talks, [0, 1]"),
    Var("status", (), I8, TruceStatus.HOLDING, "TruceStatus"),
    Var("quiet_days", (), I32, lambda p: p.quiet_days_reset, "days since the last incident"),
    Var("spiral_cause", (), I32, NEVER, "actor code of the incident opening the escalation"),
    Var("violated", ("P",), B, False, "party violated today"),
    Var("attacked", ("S",), B, False, "spoiler attacked today"),
    Var("u_renege", ("P",), F, 0.0, "today's renege draws (read by the bargaining)"),
    # the talks as bargaining, where the scenario declares issues (docs/bargaining.md)
    Var("demands", ("Pk", "K"), F, lambda p: p.ideals if p.issue_ids else 0.0,
        "demands[w, i, k]: party i's demand"),
    Var("agreed", ("K",), B, False, "issue settled (frozen at its terms)"),
    Var("terms", ("K",), F, np.nan, "settled terms, NaN on open issues"),
    Var("proposal", ("K",), F, 0.0, "the mediator's proposal"),
    Var("proposed_for", ("Pk",), F, -1.0, "reservation values the proposal was made for "
        "(-1: none yet)"),
    Var("newly_agreed", (), B, False, "an issue was agreed yesterday (a new proposal is due)"),
    Var("reservation_today", ("Pk",), F, 0.0, "today's reservation values r_i"),
    Var("own_ring", ("ring:week", "Pk"), I16, 0, "own violations, by day"),
    Var("own7", ("Pk",), I32, 0, "own violations in the last 7 days"),
    Var("misattributed", (), I32, 0, "attacks blamed on a party today"),
    # outcomes
    Var("day_collapse", (), I32, NEVER, "day the truce ended: onset of the fighting that "
        "ended it, or the withdrawal (sim.rules.breakdown)"),
    Var("day_collapse_confirmed", (), I32, NEVER, "day the collapse rule confirmed it"),
    Var("collapse_incidents", (), I16, NEVER, "incidents of the act that opened the final "
        "escalation (sim.rules.intensity)"),
    Var("collapse_mode", (), I8, CollapseMode.NONE, "CollapseMode"),
    Var("collapse_cause", (), I32, NEVER, "actor code: party i, or P + spoiler s"),
    Var("days_in_trouble", (), I32, 0, "days in trouble"),
    Var("day_first_trouble", (), I32, NEVER, "first day in trouble"),
    Var("day_first_walkout", (), I32, NEVER, "first day a party walked out"),
    Var("n_violations", ("P",), I32, 0, "violations by each party"),
    Var("n_attacks", ("S",), I32, 0, "attacks by each spoiler"),
    Var("n_misattributed", (), I32, 0, "attacks blamed on a party"),
    Var("n_walkouts", (), I32, 0, "walkouts"),
    Var("n_returns", (), I32, 0, "returns to the talks"),
    Var("day_agreement", (), I32, NEVER, "day every issue was agreed"),
    Var("reneged_by", (), I32, NEVER, "the first party to renege on a complete deal"),
    Var("talks_rounds", (), I32, 0, "days of talks with everyone at the table, issues open"),
    # brokers who decide and the battlefield (sim.rules.broker_choice, sim.rules.battlefield)
    Var("broker_action", ("B",), I8, 0, "this week's action, sim.broker_schema.ACTION_CODES"),
    Var("credibility", ("B",), F, 1.0, "parties' belief that the broker presses violators"),
    Var("n_broker_actions", ("B", "A"), I32, 0, "weeks each broker chose each action"),
    Var("week_violations", ("P",), I16, 0, "violations since the brokers last chose"),
    Var("week_attacks", (), I16, 0, "days with a spoiler attack since the brokers last chose"),
    Var("control", ("P",), F, lambda p: p.game.control0, "share of the contested ground"),
    Var("strength", ("P",), F, lambda p: p.game.strength0, "military strength"),
    Var("trend", ("P",), F, 0.0, "average daily change of control (over trend_days)"),
    Var("share", ("P",), F, _initial_balance, "the balance: contest success share"),
    Var("collapse_backer", (), I32, NEVER, "broker fighting for the collapse's cause that day"),
)


class State(namedtuple("State", [v.name for v in VARIABLES])):
    """Everything that changes day to day, for ``n`` worlds (see :data:`VARIABLES`)."""

    __slots__ = ()

    @property
    def n(self) -> int:
        """Number of worlds held."""
        return len(self.status)

    @classmethod
    def initial(cls, p: Params, n: int) -> State:
        """Every variable at its initial value, for ``n`` worlds."""
        return cls(*(_allocate(v, p, n) for v in VARIABLES))


def _allocate(v: Var, p: Params, n: int) -> np.ndarray:
    K = len(p.issue_ids)
    sizes = {"P": p.n_parties, "S": p.n_spoilers, "B": p.n_brokers, "A": N_ACTIONS, "K": K,
             "Pk": p.n_parties if K else 0, "week": WEEK, "window": p.collapse_window_days}
    ring = [sizes[s.split(":")[1]] for s in v.shape if s.startswith("ring:")]
    tail = tuple(sizes[s] for s in v.shape if not s.startswith("ring:"))
    init = v.init(p) if callable(v.init) else v.init
    out = np.empty((*ring, n, *tail), dtype=v.dtype)
    out[...] = np.asarray(init).astype(v.dtype)
    return out


def push(ring: np.ndarray, total: np.ndarray, day: int, today: np.ndarray) -> None:
    """Put ``today`` in row ``day % len(ring)`` of a circular buffer, updating its running sum
    (exact integer arithmetic, so the sum always equals ``ring.sum(axis=0)``)."""
    row = day % len(ring)
    total += today
    total -= ring[row]
    ring[row] = today
