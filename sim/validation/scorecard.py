"""Run the claims and render the scorecard (rich table in the CLI, Markdown in files)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from sim.validation.checks import Measured
from sim.validation.claims import CLAIMS, EMERGES, VALIDATION, Claim


@dataclass(frozen=True)
class Row:
    """One claim's result on the scorecard."""

    claim: Claim
    worlds: int
    result: Measured
    seconds: float
    control: Measured | None = None  # the negative control's result, when the claim has one

    @property
    def passed(self) -> bool:
        """The claim's rule holds, and its negative control (if any) fails that rule."""
        return self.result.passed and not (self.control and self.control.passed)

    @property
    def verdict(self) -> str:
        """PASS or FAIL."""
        return "PASS" if self.passed else "FAIL"

    def figure(self) -> str:
        """The figure with its 95% interval when it has one."""
        return _figure(self.result)

    def control_cell(self) -> str:
        """The control's figure and whether it failed the rule, as it must; "-" if none."""
        if self.control is None:
            return "-"
        ok = "fails, as it must" if not self.control.passed else "PASSES: not specific"
        return f"{_figure(self.control)}: {ok}"


def _figure(r: Measured) -> str:
    value = f"{r.figure:.3g}"
    if math.isnan(r.lo):
        return value
    return f"{value} ({r.lo:.3g} to {r.hi:.3g})"


def run_claims(quick: bool = False, claims: tuple[Claim, ...] = CLAIMS,
               progress: Callable[[Claim], None] | None = None) -> list[Row]:
    """Check every claim; ``progress`` is called with each claim as it finishes."""
    rows = []
    for claim in claims:
        worlds = claim.quick_worlds if quick else claim.worlds
        start = time.perf_counter()
        result = claim.check(worlds, claim.seed)
        control = claim.control.check(worlds, claim.seed) if claim.control else None
        rows.append(Row(claim, worlds, result, time.perf_counter() - start, control))
        if progress:
            progress(claim)
    return rows


def tally(rows: list[Row]) -> str:
    """``"9 of 10 claims pass; 0 are validation ..."``: passes, and what kind of evidence."""
    passed = sum(r.passed for r in rows)
    valid = sum(r.claim.kind == VALIDATION for r in rows)
    emerge = sum(r.claim.origin == EMERGES for r in rows)
    return (f"{passed} of {len(rows)} claims pass; {valid} of them validation (the model was "
            f"not built or tuned to produce it), {len(rows) - valid} verification (holds by "
            f"construction: it checks the code does what was meant); {emerge} emerge from "
            f"mechanisms that do not state them, {len(rows) - emerge} are imposed by a rule, "
            "an assumption, an identity or a calibration target")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(rows: list[Row], quick: bool) -> str:
    """The scorecard as a Markdown table, then each claim's measure, rule and details."""
    out = [f"# Validation scorecard ({'quick' if quick else 'full'} run)", "",
           f"{tally(rows)}. Figures with 95% intervals; n = worlds per arm.", "",
           "| claim | kind | origin | source | scenario | n | figure (95% CI) | rule "
           "| negative control | result |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c = r.claim
        out.append("| " + " | ".join(_cell(x) for x in (
            f"**{c.id}**: {c.statement}", c.kind, c.origin, c.citation, ", ".join(c.scenarios),
            f"{r.worlds:,}", r.figure(), c.rule, r.control_cell(), r.verdict)) + " |")
    out += ["", "## Details", ""]
    for r in rows:
        c = r.claim
        control = (f" Negative control, {c.control.statement}: {r.control.detail}."
                   if c.control and r.control else "")
        out.append(f"- **{c.id}** ({r.verdict}, {c.kind}, {c.origin}: {c.why}; seed {c.seed}, "
                   f"{r.seconds:.1f} s): {c.measure}. Measured: {r.result.detail}.{control}")
    return "\n".join(out) + "\n"
