"""The actors as Mesa agents: parties, brokers and spoilers.

Agents carry an actor's identity and parameters and give per-actor views of the batched state
(one value per world). The rules themselves act on all actors of a kind at once
(:mod:`sim.rules`), which is the same rule written once for every agent.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.schema import Actor


class TruceActor(mesa.Agent):
    """Base class: an actor of the scenario, with its index among actors of its kind."""

    def __init__(self, model: mesa.Model, actor: Actor, index: int):
        super().__init__(model)
        self.actor = actor
        self.index = index

    @property
    def actor_id(self) -> str:
        """The actor's id in the scenario."""
        return self.actor.id


class Party(TruceActor):
    """A signatory of the truce: decides daily whether to comply."""

    @property
    def commitment(self) -> np.ndarray:
        """Each world's commitment of this party."""
        return self.model.state.commitment[:, self.index]

    @property
    def in_talks(self) -> np.ndarray:
        """Whether this party is at the talks, per world."""
        return self.model.state.in_talks[:, self.index]

    @property
    def violations(self) -> np.ndarray:
        """This party's violations so far, per world."""
        return self.model.state.n_violations[:, self.index]


class Broker(TruceActor):
    """A mediator, guarantor or patron: presses violators, shields clients."""

    @property
    def role(self):
        """The broker's role (mediator, guarantor, patron, ...)."""
        return self.actor.role


class Spoiler(TruceActor):
    """An armed actor outside the truce whose attacks can be blamed on a party."""

    @property
    def attacks(self) -> np.ndarray:
        """This spoiler's attacks so far, per world."""
        return self.model.state.n_attacks[:, self.index]
