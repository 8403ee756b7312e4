"""Run the claims and render the scorecard (rich table in the CLI, Markdown in files)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from sim.validation.checks import Measured
from sim.validation.claims import CLAIMS, VALIDATION, Claim


@dataclass(frozen=True)
class Row:
    """One claim's result on the scorecard."""

    claim: Claim
    worlds: int
    result: Measured
    seconds: float

    @property
    def verdict(self) -> str:
        """PASS or FAIL."""
        return "PASS" if self.result.passed else "FAIL"

    def figure(self) -> str:
        """The figure with its 95% interval when it has one."""
        r = self.result
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
        rows.append(Row(claim, worlds, result, time.perf_counter() - start))
        if progress:
            progress(claim)
    return rows


def tally(rows: list[Row]) -> str:
    """``"9 of 10 claims pass; 0 are validation ..."``: passes, and what kind of evidence."""
    passed = sum(r.result.passed for r in rows)
    valid = sum(r.claim.kind == VALIDATION for r in rows)
    return (f"{passed} of {len(rows)} claims pass; {valid} of them validation (the model was "
            f"not built or tuned to produce it), {len(rows) - valid} verification (holds by "
            "construction: it checks the code does what was meant)")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(rows: list[Row], quick: bool) -> str:
    """The scorecard as a Markdown table, then each claim's measure, rule and details."""
    out = [f"# Validation scorecard ({'quick' if quick else 'full'} run)", "",
           f"{tally(rows)}. Figures with 95% intervals; n = worlds per arm.", "",
           "| claim | kind | source | scenario | n | figure (95% CI) | rule | result |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c = r.claim
        out.append("| " + " | ".join(_cell(x) for x in (
            f"**{c.id}**: {c.statement}", c.kind, c.citation, ", ".join(c.scenarios),
            f"{r.worlds:,}", r.figure(), c.rule, r.verdict)) + " |")
    out += ["", "## Details", ""]
    for r in rows:
        c = r.claim
        out.append(f"- **{c.id}** ({r.verdict}, {c.kind}: {c.why}; seed {c.seed}, "
                   f"{r.seconds:.1f} s): {c.measure}. Measured: {r.result.detail}.")
    return "\n".join(out) + "\n"
