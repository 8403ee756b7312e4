"""Figures drawn from result tables."""

from sim.viz.plots import survival_plot

__all__ = ["survival_plot"]
