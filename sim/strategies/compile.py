"""Interventions -> arrays over the scenario's actors, with default actors filled in.

Each kind's choices are its entry in :data:`sim.strategies.kinds.REGISTRY`.

Defaults (so that the standard library fits any scenario): a meeting is convened by the most
legitimate mediator (else the most legitimate broker) and attended by the guarantors; pressure
and leader diplomacy involve the guarantors (else all brokers); a guarantee is given by the most
capable guarantor; separation applies to every party tied to a spoiler; action targets every
spoiler; inducements go to every party.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.schema import ActorKind
from sim.strategies.kinds import entry


@dataclass(frozen=True)
class Compiled:
    """One intervention resolved against a scenario: who it reaches, and its added leverage."""

    iv: object
    party_mask: np.ndarray  # (P,)
    spoiler_mask: np.ndarray  # (S,)
    broker_mask: np.ndarray  # (B,)
    extra_leverage: np.ndarray  # (B, P)
    amount: float = 0.0  # meeting: commitment restored at activation


def _mask(ids: list[str], chosen) -> np.ndarray:
    return np.array([i in chosen for i in ids], dtype=float)


def _extra_leverage(iv, chosen, params, broker_ids) -> np.ndarray:
    out = np.zeros_like(params.leverage_eff)
    kind = entry(iv)
    for b in chosen:
        row = kind.leverage_row(iv, b, broker_ids.index(b.id), params)
        if row is not None:
            out[broker_ids.index(b.id)] = row
    return out


def applicable(c: Compiled) -> bool:
    """Whether an intervention has anyone to act on in this scenario (else it is dropped: it
    would cost without any effect, e.g. pressure where there is no broker)."""
    return entry(c.iv).applicable(c)


def compile_interventions(interventions: list, scn, params) -> list[Compiled]:
    """Resolve each intervention against the scenario, dropping those with no one to act on."""
    brokers = [a for a in scn.actors if a.kind is ActorKind.BROKER]
    by_id = {a.id: a for a in scn.actors}
    tied = [p for p, row in zip(params.party_ids, params.ties) if np.any(row > 0)]
    out = []
    for iv in interventions:
        kind = entry(iv)
        chosen = kind.brokers(iv, brokers, by_id)
        out.append(Compiled(
            iv=iv,
            party_mask=_mask(params.party_ids, kind.parties(iv, params, tied)),
            spoiler_mask=_mask(params.spoiler_ids, kind.spoilers(iv, params)),
            broker_mask=_mask(params.broker_ids, [b.id for b in chosen]),
            extra_leverage=_extra_leverage(iv, chosen, params, params.broker_ids),
            amount=kind.amount(iv, brokers, by_id),
        ))
    return [c for c in out if applicable(c)]
