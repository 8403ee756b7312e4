"""Scenario schema of hidden types and beliefs (docs/model.md, section 11.5): off by default.

A party's ``intent`` gives the distribution of its type (committed or tactical signer), drawn
per world; the scenario's ``beliefs`` switch Bayesian beliefs on and give the observers' model.
"""

from __future__ import annotations

import math
from enum import StrEnum

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from sim.fields import Prob, Strict, Unit

SUM_TOLERANCE = 1e-9


class SignerType(StrEnum):
    """Why a party signed the truce, hidden from the others."""

    COMMITTED = "committed"  # signed to keep the truce; reciprocates
    TACTICAL = "tactical"  # signed to regroup; strikes when it expects most from it


class Intent(Strict):
    """A party's hidden type: a distribution over signer types, drawn once per world."""

    types: dict[SignerType, Prob] = Field(
        default_factory=lambda: {SignerType.COMMITTED: 1.0},
        description="Signer type -> probability (committed, tactical); must sum to 1.",
    )
    tactical_gain: Unit = Field(
        0.0,
        description="Daily gain a tactical signer expects from striking, times the others' "
        "belief that it is committed (the value of surprise).",
    )

    @model_validator(mode="after")
    def _sums_to_one(self) -> Intent:
        total = sum(self.types.values())
        if not math.isclose(total, 1.0, abs_tol=SUM_TOLERANCE):
            raise PydanticCustomError(
                "type_distribution",
                "the probabilities of the types must sum to 1 (they sum to {total})",
                {"total": round(total, 9)},
            )
        return self

    @property
    def p_tactical(self) -> float:
        """The probability that the party is a tactical signer."""
        return self.types.get(SignerType.TACTICAL, 0.0)


class Beliefs(Strict):
    """Bayesian beliefs about the others' types; trust is the belief when ``enabled``."""

    enabled: bool = Field(False, description="Beliefs by Bayes' rule replace running trust.")
    prior_committed: Prob | None = Field(
        None,
        description="Every party's prior that each other party is committed; empty: the "
        "other's own probability of being committed (a common prior).",
    )
    hostile_if_committed: Prob = Field(
        0.05, description="Observers' model: daily chance of perceiving a hostile act from a "
        "committed party.")
    hostile_if_tactical: Prob = Field(
        0.3, description="Observers' model: the same, from a tactical signer.")
    signal_accuracy: float = Field(
        0.5, strict=True, ge=0.5, le=1.0, allow_inf_nan=False,
        description="Accuracy of a daily private signal of each other party's type "
        "(0.5 = uninformative, 1 = perfect information: types learned on day 0).",
    )
