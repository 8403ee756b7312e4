"""Interventions -> arrays over the scenario's actors, with default actors filled in.

Defaults (so that the standard library fits any scenario): a meeting is convened by the most
legitimate mediator (else the most legitimate broker) and attended by the guarantors; pressure
and leader diplomacy involve the guarantors (else all brokers); a guarantee is given by the most
capable guarantor; separation applies to every party tied to a spoiler; action targets every
spoiler; inducements go to every party.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions_schema import (
    CoercivePressure,
    Guarantee,
    MediationMeeting,
)
from sim.schema import ActorKind, BrokerRole


@dataclass(frozen=True)
class Compiled:
    iv: object
    party_mask: np.ndarray  # (P,)
    spoiler_mask: np.ndarray  # (S,)
    broker_mask: np.ndarray  # (B,)
    extra_leverage: np.ndarray  # (B, P)
    amount: float = 0.0  # meeting: commitment restored at activation


def _mask(ids: list[str], chosen) -> np.ndarray:
    return np.array([i in chosen for i in ids], dtype=float)


def _guarantors(brokers) -> list:
    chosen = [b for b in brokers if b.role is BrokerRole.GUARANTOR]
    return chosen or list(brokers)


def _meeting_amount(iv: MediationMeeting, brokers, by_id) -> float:
    if iv.mediator:
        legitimacy = by_id[iv.mediator].legitimacy
    else:
        mediators = [b for b in brokers if b.role is BrokerRole.MEDIATOR] or list(brokers)
        legitimacy = max((b.legitimacy for b in mediators), default=0.5)
    attendees = [by_id[a] for a in iv.attendees] if iv.attendees is not None \
        else _guarantors(brokers)
    lev = [np.mean(list(a.relations.leverage.values()) or [0.0]) for a in attendees]
    return float(min(1.0, iv.boost * legitimacy * (1.0 + (np.mean(lev) if lev else 0.0))))


def _brokers_of(iv, brokers, by_id) -> list:
    if isinstance(iv, CoercivePressure):
        return [by_id[iv.actor]] if iv.actor else _guarantors(brokers)
    if isinstance(iv, Guarantee):
        if iv.guarantor:
            return [by_id[iv.guarantor]]
        pool = _guarantors(brokers)
        return [max(pool, key=lambda b: b.capability)] if pool else []
    names = getattr(iv, "brokers", None) or getattr(iv, "attendees", None)
    return [by_id[b] for b in names] if names else _guarantors(brokers)


def _extra_leverage(iv, chosen, params, broker_ids) -> np.ndarray:
    out = np.zeros_like(params.leverage_eff)
    for b in chosen:
        i = broker_ids.index(b.id)
        if isinstance(iv, CoercivePressure):
            out[i] = iv.strength * params.leverage_eff[i]
        elif isinstance(iv, Guarantee):
            favour = np.array([max(0.0, b.relations.bias.get(p, 0.0)) for p in params.party_ids])
            out[i] = iv.strength * b.stances.commitment * b.capability * (1.0 - favour)
    return out


def applicable(c: Compiled) -> bool:
    """Whether an intervention has anyone to act on in this scenario (else it is dropped: it
    would cost without any effect, e.g. pressure where there is no broker)."""
    kind = c.iv.kind
    if kind in ("pressure", "guarantee", "leader_diplomacy", "mediation_meeting"):
        return bool(c.broker_mask.any())
    if kind == "separation":
        return bool(c.party_mask.any())
    if kind == "action_against_spoilers":
        return bool(c.spoiler_mask.any())
    return True


def compile_interventions(interventions: list, scn, params) -> list[Compiled]:
    brokers = [a for a in scn.actors if a.kind is ActorKind.BROKER]
    by_id = {a.id: a for a in scn.actors}
    tied = [p for p, row in zip(params.party_ids, params.ties) if np.any(row > 0)]
    out = []
    for iv in interventions:
        chosen = _brokers_of(iv, brokers, by_id)
        out.append(Compiled(
            iv=iv,
            party_mask=_mask(params.party_ids, getattr(iv, "parties", None) or (
                tied if iv.kind == "separation" else params.party_ids)),
            spoiler_mask=_mask(params.spoiler_ids, getattr(iv, "spoilers", None)
                               or params.spoiler_ids),
            broker_mask=_mask(params.broker_ids, [b.id for b in chosen]),
            extra_leverage=_extra_leverage(iv, chosen, params, params.broker_ids),
            amount=_meeting_amount(iv, brokers, by_id) if isinstance(iv, MediationMeeting)
            else 0.0,
        ))
    return [c for c in out if applicable(c)]
