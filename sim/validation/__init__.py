"""The validation scorecard: claims from the ceasefire literature and the 2016 record, each
checked by running the model (docs/validation.md, `trucesim validate`)."""

from sim.validation.claims import CLAIMS, Claim
from sim.validation.scorecard import Row, run_claims, tally, to_markdown

__all__ = ["CLAIMS", "Claim", "Row", "run_claims", "tally", "to_markdown"]
