"""Intervention strategies: the standard library, triggers and effects.

A strategy is data (:class:`sim.schema.Strategy`); :func:`resolve` finds one by name in the
scenario, then in the standard library; :class:`~sim.strategies.engine.InterventionEngine`
turns its interventions into per-world, per-day modifiers of the model's parameters.
"""

from sim.strategies.library import STANDARD, available, resolve

__all__ = ["STANDARD", "available", "resolve"]
