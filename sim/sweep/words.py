"""Plain words for a sweep's report: what an outcome, an index and a parameter mean.

The report says first, in these words, which parameter matters most and which strategy wins
where; the indices' names (S1, ST, mu*, PRIM) come after, with :data:`GLOSSARY`. Parameters are
described by their field's ``description`` in the scenario schema, so the words cannot drift
from the model's own definitions.
"""

from __future__ import annotations

from typing import get_args, get_origin

from pydantic import BaseModel

from sim.schema import Scenario

GLOSSARY = {
    "S1": "first-order Sobol index: the share of the outcome's variance between points that "
          "a parameter explains on its own (Saltelli 2002); for grid and Latin-hypercube "
          "designs, the correlation ratio Var(E[Y | X]) / Var(Y) estimated from binned means "
          "(Plischke 2010)",
    "ST": "total Sobol index: the share of the variance a parameter explains alone or through "
          "its interactions with others (Saltelli et al. 2010); indices of several parameters "
          "can add up to more than 1",
    "mu_star": "Morris mu*: the mean absolute change of the outcome when the parameter takes "
               "one step of the design's grid, in the outcome's units (Morris 1991; Campolongo "
               "et al. 2007)",
    "sigma": "Morris sigma: the spread of those changes; large when the parameter's effect "
             "depends on the others",
    "PRIM box": "a range of parameter values in which a strategy wins most often, found by "
                "peeling (Friedman & Fisher 1999; Bryant & Lempert 2010); density: the share "
                "of the box's points the strategy wins; coverage: the share of its wins inside",
    "rmst_days": "restricted mean survival time: the mean number of days the truce held, "
                 "counting a truce that lasted to the horizon as the horizon",
}


def outcome_words(outcome: str, horizon: int) -> str:
    """An outcome column in words, e.g. ``rmst_days`` -> "how long the truce holds (mean
    days held, of 365)"."""
    fixed = {
        "rmst_days": f"how long the truce holds (mean days held, of {horizon})",
        "median_survival_days": "the median number of days the truce holds",
        "share_collapsed": f"the share of worlds where the truce collapses within {horizon} days",
        "share_walked_out": "the share of worlds where a party walks out of the talks",
        "share_agreement": "the share of worlds that reach a deal",
        "mean_days_in_trouble": "the mean number of days the truce spends in trouble",
        "mean_intervention_cost": "the mean cost of the interventions per world (effort points)",
    }
    if outcome in fixed:
        return fixed[outcome]
    if outcome.startswith("survival_"):
        return f"the share of worlds where the truce still holds on day {outcome[9:]}"
    if outcome.startswith("collapsed_by_"):
        return f"the share of worlds whose collapse is put down to {outcome[13:]}"
    return outcome


def index_words(measure: str, value: float) -> str:
    """What one index value says, in words."""
    if measure == "ST":
        return f"about {value:.0%} of the variation between points, alone or with the others"
    if measure == "S1":
        return f"about {value:.0%} of the variation between points on its own"
    return f"an average change of {value:.3g} per step of its range"


def _model_in(annotation) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``X``, ``list[X]``, ``X | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def parameter_words(path: str) -> str:
    """The schema's description of the field at an override path, with the actor and the key
    it applies to: ``actors.russia.relations.leverage.government`` -> "russia: how hard this
    broker can press it (government)"; "" if the path names no described field."""
    node: type[BaseModel] | None = Scenario
    text, actor, key, is_list = "", "", "", False
    for seg in path.split("."):
        if is_list:  # an id in a list of actors
            actor, is_list = seg, False
            continue
        field = node.model_fields.get(seg) if node is not None else None
        if field is None:  # a dictionary's key
            key = seg
            continue
        text = field.description or text
        node, is_list = _model_in(field.annotation), get_origin(field.annotation) is list
    if not text:
        return ""
    text = text.split("->")[-1].strip().rstrip(".")
    text = text[0].lower() + text[1:]
    return (f"{actor}: " if actor else "") + text + (f" ({key})" if key else "")
