"""Scenario -> the arrays of brokers' interests and of the battlefield (:class:`Game`).

Absent interests and battlefield give ``has_brokers_decide = has_battlefield = False``, and the
compiled day then skips both mechanisms entirely (today's model, bit for bit).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.broker_schema import ACTION_CODES, ROLE_ACTIONS, Battlefield


class Game(NamedTuple):
    """Brokers' interests (B,) and the battlefield's parameters, as the compiled day reads them."""

    has_brokers_decide: bool
    broker_decides: np.ndarray  # (B,) bool: has interests
    broker_stake: np.ndarray  # (B,)
    broker_ct: np.ndarray  # (B,) counter-terrorism aim
    broker_truce_value: np.ndarray  # (B,)
    broker_cost: np.ndarray  # (B,)
    broker_spread: np.ndarray  # (B,)
    broker_learning: np.ndarray  # (B,)
    broker_allowed: np.ndarray  # (B, 5) bool, by action code
    broker_client: np.ndarray  # (B,) int64: party it fights for, shields and aids; -1 none
    broker_firepower: np.ndarray  # (B,) capability
    broker_aid: np.ndarray  # (B,)
    has_battlefield: bool
    control0: np.ndarray  # (P,) sums to 1
    strength0: np.ndarray  # (P,)
    decisiveness: float
    shift_rate: float
    attrition: float
    rearm_rate: float
    gain_weight: float
    trend_days: int


def _interest(brokers, get, default=0.0) -> np.ndarray:
    return np.array([float(get(b.interests)) if b.interests else default for b in brokers])


def _client(broker, party_ids: list[str]) -> int:
    """The party a broker fights for: ``fights_for``, else its first party client, else -1."""
    it = broker.interests
    if it is not None and it.fights_for:
        return party_ids.index(it.fights_for)
    clients = [c for c in broker.relations.clients if c in party_ids]
    return party_ids.index(clients[0]) if clients and it is not None else -1


def _allowed(broker) -> np.ndarray:
    out = np.zeros(len(ACTION_CODES), dtype=np.bool_)
    it = broker.interests
    for a in (it.actions if it and it.actions else ROLE_ACTIONS[str(broker.role)]):
        out[ACTION_CODES[a]] = True
    return out


def _battlefield(bf: Battlefield | None, parties) -> dict:
    bf = bf or Battlefield()
    ids = [a.id for a in parties]
    share = 1.0 / max(len(ids), 1)
    control = np.array([bf.control.get(i, share) for i in ids])
    control = control / control.sum() if control.sum() > 0 else np.full(len(ids), share)
    strength = np.array([bf.strength.get(a.id, a.capability) for a in parties], dtype=float)
    return {"control0": control, "strength0": strength, "decisiveness": bf.decisiveness,
            "shift_rate": bf.shift_rate, "attrition": bf.attrition,
            "rearm_rate": bf.rearm_rate, "gain_weight": bf.gain_weight,
            "trend_days": bf.trend_days}


def compile_game(scn, parties, brokers) -> Game:
    """The :class:`Game` of a validated scenario (parties and brokers in scenario order)."""
    pids = [a.id for a in parties]
    decides = np.array([b.interests is not None for b in brokers], dtype=np.bool_)
    return Game(
        has_brokers_decide=bool(decides.any()), broker_decides=decides,
        broker_stake=_interest(brokers, lambda i: i.stake),
        broker_ct=_interest(brokers, lambda i: i.counter_terrorism),
        broker_truce_value=_interest(brokers, lambda i: i.truce_value),
        broker_cost=_interest(brokers, lambda i: i.enforcement_cost),
        broker_spread=_interest(brokers, lambda i: i.choice_spread),
        broker_learning=_interest(brokers, lambda i: i.credibility_learning),
        broker_allowed=np.array([_allowed(b) for b in brokers], dtype=np.bool_).reshape(
            len(brokers), len(ACTION_CODES)),
        broker_client=np.array([_client(b, pids) for b in brokers], dtype=np.int64),
        broker_firepower=np.array([b.capability for b in brokers], dtype=float),
        broker_aid=_interest(brokers, lambda i: i.aid),
        has_battlefield=scn.battlefield is not None,
        **_battlefield(scn.battlefield, parties),
    )
