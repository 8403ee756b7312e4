"""Schema of priors and targets: what a scenario believes about its uncertain values, and what
the record says its worlds should show (issue 17).

A prior is a distribution over one numeric field of the scenario, addressed by the same dotted
path as ``--set`` (:mod:`sim.overrides`); ``*`` in a path matches any run of characters, as in
``sources:``, and every field it matches gets its own independent draw. Each distribution is
bounded: its support ``[low, high]`` is checked against the field's bounds when the file is
loaded (:mod:`sim.priors`). A target is an observed fact as a band on a named statistic of each
world (:mod:`sim.targets`); nothing in a file is evaluated as code.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from sim.fields import Strict


class Dist(StrEnum):
    """The distributions a prior may take (parameters: see PARAMETERS)."""

    UNIFORM = "uniform"
    LOG_UNIFORM = "log_uniform"
    TRUNCATED_NORMAL = "truncated_normal"
    BETA = "beta"
    TRIANGULAR = "triangular"


# parameters each distribution needs besides its support [low, high]
PARAMETERS: dict[Dist, tuple[str, ...]] = {
    Dist.UNIFORM: (),
    Dist.LOG_UNIFORM: (),
    Dist.TRUNCATED_NORMAL: ("mean", "sd"),
    Dist.BETA: ("a", "b"),
    Dist.TRIANGULAR: ("mode",),
}
SHAPES = ("mean", "sd", "a", "b", "mode")


class Prior(Strict):
    """A bounded distribution over one field (or every field a ``*`` pattern matches).

    ``beta`` is the beta distribution with shapes ``a`` and ``b`` stretched onto
    ``[low, high]``; ``truncated_normal`` is a normal of ``mean`` and ``sd`` cut to
    ``[low, high]``; ``log_uniform`` is uniform in log(value) and needs ``low > 0``.
    """

    dist: Dist = Field(description="uniform, log_uniform, truncated_normal, beta or triangular.")
    low: float = Field(strict=True, allow_inf_nan=False, description="Lower end of the support.")
    high: float = Field(strict=True, allow_inf_nan=False, description="Upper end of the support.")
    mean: float | None = Field(None, strict=True, description="truncated_normal: mean.")
    sd: float | None = Field(None, strict=True, gt=0.0, description="truncated_normal: spread.")
    a: float | None = Field(None, strict=True, gt=0.0, le=1000.0, description="beta: shape a.")
    b: float | None = Field(None, strict=True, gt=0.0, le=1000.0, description="beta: shape b.")
    mode: float | None = Field(None, strict=True, description="triangular: most likely value.")
    source: str = Field(
        min_length=1, max_length=500,
        description="Why this range: a citation, a seed fact, or 'ignorance: wide'.")

    @model_validator(mode="after")
    def _parameters(self) -> Prior:
        need = PARAMETERS[self.dist]
        missing = [p for p in need if getattr(self, p) is None]
        extra = [p for p in SHAPES if p not in need and getattr(self, p) is not None]
        if missing or extra:
            wants = ", ".join(("low", "high") + need)
            what = (f"missing {', '.join(missing)}" if missing else
                    f"{', '.join(extra)} is not one of its parameters")
            raise PydanticCustomError("prior_parameters", "{dist} takes {wants}; {what}",
                                      {"dist": self.dist.value, "wants": wants, "what": what})
        self._support()
        return self

    def _support(self) -> None:
        if not self.low < self.high:
            raise PydanticCustomError("prior_support", "low ({low}) must be below high ({high})",
                                      {"low": self.low, "high": self.high})
        if self.dist is Dist.LOG_UNIFORM and self.low <= 0:
            raise PydanticCustomError("prior_support", "log_uniform needs low > 0, got {low}",
                                      {"low": self.low})
        if self.dist is Dist.TRIANGULAR and not self.low <= self.mode <= self.high:
            raise PydanticCustomError("prior_support", "mode ({mode}) must lie in [low, high]",
                                      {"mode": self.mode})


class Statistic(StrEnum):
    """Named statistics, defined in sim/targets.py: the first group are figures of each world
    (its row of the world table), the second figures of a whole run (from the daily series and
    summary, as sim.calibration.measure computes them)."""

    DAY_FIRST_WALKOUT = "day_first_walkout"
    DAY_FIRST_TROUBLE = "day_first_trouble"
    DAY_TROUBLE_OR_COLLAPSE = "day_trouble_or_collapse"
    SURVIVAL_DAYS = "survival_days"
    DAYS_IN_TROUBLE = "days_in_trouble"
    N_WALKOUTS = "n_walkouts"
    N_ATTACKS = "n_attacks"
    TALKS_PROGRESS = "talks_progress"
    SURVIVAL_DAY_30 = "survival_day_30"
    SURVIVAL_DAY_180 = "survival_day_180"
    TROUBLE_OR_COLLAPSED_DAY_55 = "trouble_or_collapsed_day_55"
    MEDIAN_DAY_FIRST_WALKOUT = "median_day_first_walkout"
    VIOLATIONS_DAYS_49_55_OVER_0_6 = "violations_days_49_55_over_0_6"
    MEDIAN_SURVIVAL_DAYS = "median_survival_days"


RUN_STATISTICS = frozenset({
    Statistic.SURVIVAL_DAY_30, Statistic.SURVIVAL_DAY_180, Statistic.TROUBLE_OR_COLLAPSED_DAY_55,
    Statistic.MEDIAN_DAY_FIRST_WALKOUT, Statistic.VIOLATIONS_DAYS_49_55_OVER_0_6,
    Statistic.MEDIAN_SURVIVAL_DAYS})
# world statistics counted in days: a band on them must start within the horizon
DAY_STATISTICS = frozenset({
    Statistic.DAY_FIRST_WALKOUT, Statistic.DAY_FIRST_TROUBLE, Statistic.DAY_TROUBLE_OR_COLLAPSE,
    Statistic.SURVIVAL_DAYS, Statistic.DAYS_IN_TROUBLE})


class Target(Strict):
    """An observed fact: in a world like the record, ``statistic`` lies within ``band``.

    For a statistic of each world, a run is judged by the share of its worlds meeting the
    target, and ``share`` (optional) is the band that share should fall in for the scenario to
    agree with the record. For a statistic of the whole run, the run's figure must lie in
    ``band`` and ``share`` is not used.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$", description="Unique name of the target.")
    statement: str = Field(min_length=1, max_length=500, description="The fact, in words.")
    statistic: Statistic = Field(description="Which statistic of each world (sim.targets).")
    band: tuple[float | None, float | None] = Field(
        description="[low, high], inclusive; null leaves that end open.")
    share: tuple[float, float] | None = Field(
        None, description="[low, high] band on the share of worlds meeting the target.")
    source: str = Field(min_length=1, max_length=500, description="Where the fact comes from.")

    @model_validator(mode="after")
    def _bands(self) -> Target:
        low, high = self.band
        if low is None and high is None:
            raise PydanticCustomError("target_band", "a band needs at least one end")
        if low is not None and high is not None and low > high:
            raise PydanticCustomError("target_band", "band low ({low}) is above high ({high})",
                                      {"low": low, "high": high})
        if self.share is not None and not 0.0 <= self.share[0] <= self.share[1] <= 1.0:
            raise PydanticCustomError("target_band", "share must be [low, high] within 0..1")
        if self.share is not None and self.statistic in RUN_STATISTICS:
            raise PydanticCustomError("target_band", "{stat} is a figure of the whole run: "
                                      "give its band only, no share", {"stat": self.statistic})
        return self
