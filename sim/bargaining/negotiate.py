"""Study the talks alone: one call runs a whole negotiation, with no battlefield.

``negotiate`` runs one of three protocols over W worlds (or a single world):

- "alternating": Rubinstein's alternating offers between two parties over their Pareto
  frontier, solved by backward induction over ``rounds`` rounds, outside options = reservation
  values (:mod:`sim.bargaining.rubinstein`);
- "zeuthen": Zeuthen's concession process in Harsanyi's form (:mod:`sim.bargaining.zeuthen`);
- "mediated": day after day of :func:`sim.bargaining.talks.talks_step` with every party at the
  table and fixed reservation values, for any number of parties.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from sim.bargaining import frontier as fr_
from sim.bargaining.issues import as_worlds, distance, utility
from sim.bargaining.rubinstein import alternating_on_frontier, horizon
from sim.bargaining.talks import initial_demands, mediator_proposal, talks_step
from sim.bargaining.zeuthen import zeuthen

PROTOCOLS = ("zeuthen", "alternating", "mediated")
DEFAULT_ROUNDS = {"zeuthen": 20_000, "mediated": 2_000}  # alternating: rubinstein.horizon


@dataclass(frozen=True)
class Outcome:
    """Result of :func:`negotiate`. Leading axis W, dropped for a single-world call.

    ``terms`` holds the settled issues (NaN on issues still open); ``utility`` and
    ``concession`` (mean distance of the terms from each party's ideal) are NaN unless every
    issue is settled.
    """

    protocol: str
    agreed: np.ndarray      # (W,) bool: every issue settled
    round: np.ndarray       # (W,) round (day, for "mediated") of the settlement, -1 if none
    terms: np.ndarray       # (W, K)
    utility: np.ndarray     # (W, P)
    concession: np.ndarray  # (W, P)

    def as_dict(self) -> dict:
        """The fields as a plain dict."""
        return asdict(self)


def negotiate(ideals, salience, reservation, discount=0.99, mediator=None, rounds=None,
              protocol: str = "zeuthen", pull=1.0, concession_rate=0.05, step: float = 1e-3,
              eps: float = 0.01) -> Outcome:
    """Run a negotiation to its end in one or many worlds.

    Args:
        ideals: (P, K) for one world, or (W, P, K): each party's ideal point on each issue.
        salience: (P, K) for one world, or (W, P, K): each issue's weight to each party.
        reservation: (P,) or (W, P) reservation values (outside options), in utility.
        discount: per-round discount factor(s), scalar, (P,) or (W, P): Rubinstein's delta_i
            for "alternating", the daily delta_i weighing a party's own demand for "mediated";
            unused by "zeuthen".
        mediator: for "mediated", "nash" (default), "compromise", or a fixed proposal (K,) or
            (W, K).
        rounds: horizon (defaults: zeuthen 20000 rounds, mediated 2000 days, alternating long
            enough to be within 1e-12 of the infinite game, :func:`rubinstein.horizon`).
        protocol: "zeuthen" | "alternating" | "mediated". The first two need two parties.
        pull: the mediator's pull, passed to ``talks_step`` ("mediated").
        concession_rate: largest daily fraction of the way to the proposal, passed to
            ``talks_step`` ("mediated").
        eps: issue-agreement tolerance, passed to ``talks_step`` ("mediated").
        step: Zeuthen's smallest concession.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, not {protocol!r}")
    single = np.ndim(ideals) == 2 and np.ndim(salience) == 2 and np.ndim(reservation) == 1
    a, w, r = (np.array(v) for v in as_worlds(ideals, salience, reservation))
    if protocol != "mediated" and a.shape[1] != 2:
        raise ValueError(f"{protocol!r} is a two-party protocol; use 'mediated' for "
                         f"{a.shape[1]} parties")
    delta = np.broadcast_to(np.asarray(discount, dtype=float), r.shape)
    T = int(rounds) if rounds is not None else (
        horizon(delta) if protocol == "alternating" else DEFAULT_ROUNDS[protocol])
    if protocol == "zeuthen":
        z = zeuthen(a, w, r, step=step, max_rounds=T)
        agreed, when, terms = z.agreed, z.rounds, z.x
    elif protocol == "alternating":
        agreed, when, terms = _alternating(a, w, r, delta, T)
    else:
        agreed, when, terms = _mediated(a, w, r, delta, mediator, T, pull, concession_rate, eps)
    return _outcome(protocol, a, w, agreed, when, terms, single)


def _alternating(a, w, r, delta, rounds) -> tuple:
    fr = fr_.two_party_frontier(a, w)
    tau, _, when = alternating_on_frontier(fr, delta, r, rounds)
    agreed = when >= 0
    return agreed, when, np.where(agreed[:, None], fr_.point(fr, np.nan_to_num(tau)), np.nan)


def _mediated(a, w, r, delta, mediator, days, pull, rate, eps) -> tuple:
    W, P, K = a.shape
    if mediator is None or isinstance(mediator, str):
        proposal = mediator_proposal(a, w, r, method=mediator or "nash")
    else:
        proposal = np.broadcast_to(np.asarray(mediator, dtype=float), (W, K))
    x, agreed, terms = initial_demands(a, W), np.zeros((W, K), bool), np.full((W, K), np.nan)
    at_table = np.ones((W, P), dtype=bool)
    when = np.full(W, -1)
    for day in range(days):
        m = np.where(agreed, terms, proposal)
        x, agreed, terms = talks_step(x, a, w, r, at_table, pull, rate, agreed, terms,
                                      proposal=m, discount=delta, eps=eps)
        done = agreed.all(axis=1)
        when = np.where(done & (when < 0), day, when)
        if done.all():
            break
    return when >= 0, when, terms


def _outcome(protocol, a, w, agreed, when, terms, single) -> Outcome:
    full = agreed[:, None]
    u = np.where(full, utility(np.nan_to_num(terms), a, w), np.nan)
    moved = np.where(full, distance(np.nan_to_num(terms), a), np.nan)
    fields = (agreed, when, terms, u, moved)
    if single:
        fields = tuple(f[0] for f in fields)
    return Outcome(protocol, *fields)
