"""The claims of the validation scorecard, as data: what the literature or the record says, where
it is checked, how it is measured, and the rule that decides pass or fail.

Sample sizes are worlds per arm; ``quick`` runs fewer worlds (wider intervals, same rules).
Each claim is labelled ``verification`` (it holds by construction: a mechanism written for it,
an assumed effect size, or the calibration targets themselves, so a pass shows the code does
what was meant) or ``validation`` (the model was not built or tuned to produce it, so a pass is
evidence about the world), with the reason in ``why``.
The checks are in :mod:`sim.validation.checks`; docs/validation.md explains each method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.validation import checks
from sim.validation.checks import Measured

VERIFICATION, VALIDATION = "verification", "validation"


@dataclass(frozen=True)
class Claim:
    """A claim of the literature, its citation, and how it is measured."""

    id: str
    statement: str
    citation: str
    scenarios: tuple[str, ...]
    measure: str
    rule: str
    check: Callable[[int, int], Measured]
    kind: str  # VERIFICATION or VALIDATION
    why: str  # what makes it one or the other
    worlds: int = 4000
    quick_worlds: int = 1000
    seed: int = 1

    def __post_init__(self):
        if self.kind not in (VERIFICATION, VALIDATION) or not self.why:
            raise ValueError(f"claim {self.id}: kind must be {VERIFICATION!r} or {VALIDATION!r}, "
                             f"with a reason in why; got {self.kind!r}")


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "early_hazard",
        "The hazard of collapse is highest in a truce's first weeks and falls with time.",
        "Fortna 2004; Clayton et al. 2022",
        ("scenarios/validation/civil_war_ceasefire.yaml",),
        "daily hazard in week one (days 0-6), weeks 2-4 (7-27), months 2-6 (28-179) and after "
        "(180-364), breakdowns dated at their onset; figure: week one / weeks 2-4",
        "lower 95% limit of each period's hazard over the next one's > 1",
        checks.early_hazard,
        VERIFICATION,
        "emerges from hidden types, not from a rule on the truce's age (frailty is off): "
        "tactical signers strike early and the survivors are increasingly committed; but the "
        "types were added for it and the tactical gain (0.1) was set so that most tactical "
        "signers strike within weeks; with every party committed the claim fails"),
    Claim(
        "design_classes",
        "A bare cessation is the most fragile; one with a compliance or monitoring mechanism "
        "lasts longer; a definitive agreement longest.",
        "Clayton & Sticher 2021",
        ("scenarios/validation/civil_war_ceasefire.yaml",),
        "share holding at day 365 in three arms (bare; monitored: p_verify 0.8, false alarms "
        "0.01; definitive: monitored + talks.initial_progress 1); figure: the smaller step",
        "lower 95% limit of (monitored - bare) > 0 and of (definitive - monitored) > 0",
        checks.design_classes,
        VERIFICATION,
        "the arms differ by assumed parameters (verification, false alarms, a settled "
        "incompatibility) whose direction was written into the rules"),
    Claim(
        "monitoring",
        "Monitoring and peacekeeping lower the hazard of collapse, by half or more.",
        "Fortna 2008",
        ("scenarios/syria_2016.yaml", "scenarios/syria_2016_monitored.yaml"),
        "Cox hazard ratio of the monitored scenario against the baseline over 365 days",
        "upper 95% limit < 1 and hazard ratio <= 0.5",
        checks.monitoring,
        VERIFICATION,
        "the mission's effect is the assumed parameters of syria_2016_monitored.yaml; only the "
        "direction is the literature's", seed=2016),
    Claim(
        "guarantee",
        "A credible third-party guarantee raises the share of agreements that are implemented.",
        "Walter 1997; Walter 2002",
        ("scenarios/validation/settlement_commitment.yaml",),
        "among worlds reaching an agreement, the share where nobody reneges within the year; "
        "figure: guaranteed - baseline",
        "lower 95% limit of the difference > 0",
        checks.guarantee,
        VERIFICATION,
        "reneging is impossible under a full guarantee by construction (docs/bargaining.md): it "
        "checks the wiring"),
    Claim(
        "spoiler_damage",
        "Spoiler violence does most damage when attribution is poor and trust is low.",
        "Kydd & Walter 2002",
        ("scenarios/validation/spoilers.yaml",),
        "damage = survival at day 180 without the spoiler - with it, in two cells (attribution "
        "error 0.8 and trust 0.2; 0.0 and 0.7); figure: damage(poor) - damage(good)",
        "lower 95% limit > 0",
        checks.spoiler_damage,
        VERIFICATION,
        "attacks act on the truce only through blame, so perfect attribution removes the damage "
        "by construction"),
    Claim(
        "spoiler_timing",
        "Spoilers strike more as agreement nears.",
        "Kydd & Walter 2002",
        ("scenarios/validation/spoilers.yaml",),
        "mean spoiler attacks per world in 180 days, talks progressing (base_rate 0.03) "
        "against no talks (0); figure: the difference",
        "lower 95% limit > 0",
        checks.spoiler_timing,
        VERIFICATION,
        "the momentum term was written from Kydd & Walter (2002) to produce it"),
    Claim(
        "spoiler_types",
        "Total spoilers cannot be induced; limited ones can.",
        "Stedman 1997",
        ("scenarios/validation/spoilers.yaml",),
        "share of attacks prevented by inducements (amount 0.5) for each spoiler type, "
        "provocation 0; figure: the limited spoiler's",
        "lower 95% limit (limited) > 0 and the total spoiler's interval contains 0",
        checks.spoiler_types,
        VERIFICATION,
        "the receptiveness of each type (1, 1/2, 0) is set in the rules from Stedman (1997)"),
    Claim(
        "mediation_dilemma",
        "Leverage-heavy mediation buys calm in the short run, but its truces fail more once "
        "the leverage is withdrawn.",
        "Beardsley 2008; Beardsley 2011; Werner & Yuen 2005",
        ("scenarios/validation/civil_war_ceasefire.yaml",),
        "hazard ratio, leverage_withdrawn strategy (pressure and inducements on days 0-89) "
        "against the baseline, while the leverage lasts and in days 90-179; figure: the latter",
        "upper 95% limit (days 0-89) < 1 and lower 95% limit (days 90-179) > 1",
        checks.mediation_dilemma,
        VERIFICATION,
        "emerges from hidden types without coerced_calm_discount (inert where beliefs are "
        "Bayesian): leverage holds tactical signers back and its calm says little about type, "
        "so they strike once it goes; nothing was tuned for it, but the likelihood of coerced "
        "calm was written for it; with every party committed the claim fails"),
    Claim(
        "reduced_game",
        "Two parties with fixed policies play a noisy iterated prisoner's dilemma: cooperation "
        "rates match the exact Markov-chain values of the standard strategies.",
        "Axelrod 1984; Nowak & Sigmund 1992",
        ("scenarios/ipd_reduction.yaml",),
        "12 cooperation rates (6 policy pairs, noise 0.05, 200 days) against the exact values "
        "(sim.validation.ipd); figure: the largest |engine - exact| in standard errors",
        "every |z| < 4 (family-wise false alarm about 12 x 6e-5 = 0.0008)",
        checks.reduced_game,
        VERIFICATION,
        "the engine against exact Markov-chain values of the same game: a check of the code, not "
        "of the world", worlds=3000, seed=17),
    Claim(
        "syria_record",
        "The Syria 2016 baseline matches the dated record (docs/calibration.md).",
        "seeds/syria_2016.md#record-calibration",
        ("scenarios/syria_2016.yaml",),
        "the six calibration figures of sim.calibration; figure: targets met",
        "all six figures inside their bands",
        checks.syria_record,
        VERIFICATION,
        "in-sample: the targets are those the scenario was tuned to by hand", seed=2016),
)
